/**
 * The JS-side tree index (server/src/engine/fast.ts) must answer every patched Node accessor exactly as
 * web-tree-sitter does. bench/verify-fast-ast.ts runs the same comparison on the whole corpus.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { parsePython } from '../../server/src/engine';
import { forEachDescendant } from '../../server/src/engine/ast';
import { activate, deactivate, readsTreeMemory, useTreeReader } from '../../server/src/engine/fast';
import { ensureParser } from '../support/engine';
import { allNodes, nodeSignature } from '../support/node-signature';

/** Signatures of every node (named and anonymous), indexed with and then without the JS index. */
function compare(source: string): void {
  const tree = parsePython(source);
  try {
    activate(tree, source);
    let fast: Record<string, unknown>[];
    try {
      fast = allNodes(tree.rootNode).map((n) => nodeSignature(n));
    } finally {
      deactivate(tree);
    }
    const slow = allNodes(tree.rootNode).map((n) => nodeSignature(n));
    assert.equal(fast.length, slow.length);
    slow.forEach((s, i) => assert.deepEqual(fast[i], s, `node ${i} (${String(s.type)})`));
  } finally {
    tree.delete();
  }
}

for (const reader of ['auto', 'api'] as const)
describe(`fast tree index (${reader === 'auto' ? 'read from the Wasm heap' : 'built through the API'})`, () => {
  before(async () => {
    await ensureParser();
    useTreeReader(reader);
  });
  after(() => useTreeReader('auto'));

  it('uses the intended builder', () => assert.equal(readsTreeMemory(), reader === 'auto', 'the heap reader disagrees with web-tree-sitter: see server/src/engine/tree-memory.ts'));

  const samples: [string, string][] = [
    ['keywords that are also named types', 'f = lambda x: (yield x)\nasync def g():\n    await h()\ntype Alias = list[int]\nx: type = 1\n'],
    ['non-ASCII text and surrogate pairs', 's = "héllo 😀 wörld"\n# ünïcode 😀 comment\nt = f"{s!r} 😀"\n'],
    ['syntax errors', 'def f(:\n    return (1,\nclass\nx = [1, 2\n'],
    ['missing nodes', 'if x\n    pass\n'],
    ['CRLF and tabs', 'if x:\r\n\treturn 1\r\nelse:\r\n\tpass\r\n'],
    ['empty file', ''],
    ['decorators and comments', '@a.b(c)\n# c\ndef f(a, *b, c=1, **d) -> int:\n    """doc"""\n    return a\n'],
  ];
  for (const [name, source] of samples) it(name, () => compare(source));

  it('every fixture and example', () => {
    const root = path.join(__dirname, '..', '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.py')) files.push(p);
      }
    };
    walk(path.join(root, 'test', 'fixtures'));
    walk(path.join(root, 'examples'));
    assert.ok(files.length > 50);
    for (const f of files) compare(fs.readFileSync(f, 'utf8'));
  });

  it('forEachDescendant visits what a recursive walk visits, skipping included', () => {
    const source = 'def f():\n    def g():\n        return lambda: 1\n    class C:\n        x = [i for i in y]\n    return g\n';
    const tree = parsePython(source);
    try {
      const keep = (n: Node) => n.type !== 'class_definition';
      const { root } = activate(tree, source);
      const fast: string[] = [];
      forEachDescendant(root, (n) => {
        fast.push(`${n.type}@${n.startIndex}`);
        return keep(n);
      });
      deactivate(tree);
      const slow: string[] = [];
      // The flat list has always matched node types by name, so keyword tokens spelt like a named type
      // (`lambda`, `yield`, `await`, `type`) are visited too.
      const listed = (c: Node) => c.isNamed || ['lambda', 'yield', 'await', 'type'].includes(c.type);
      const rec = (n: Node) => {
        for (const c of n.children.filter((x): x is Node => !!x && listed(x))) {
          slow.push(`${c!.type}@${c!.startIndex}`);
          if (keep(c!)) rec(c!);
        }
      };
      rec(tree.rootNode);
      assert.deepEqual(fast, slow);
    } finally {
      tree.delete();
    }
  });

  it('answers descendantsOfType on a large file like tree-sitter', () => {
    const source = Array.from({ length: 20000 }, (_, i) => `value_${i} = call_${i % 7}(a.b, [c for c in d], lambda e: e)\n`).join('');
    const tree = parsePython(source);
    try {
      const types = ['call', 'identifier', 'lambda', 'list_comprehension'];
      const { root } = activate(tree, source);
      const fast = root.descendantsOfType(types).map((n) => n!.id);
      const inner = root.namedChild(5)!;
      const fastInner = inner.descendantsOfType('identifier').map((n) => n!.id);
      deactivate(tree);
      assert.ok(fast.length > 200000);
      assert.deepEqual(fast, tree.rootNode.descendantsOfType(types).map((n) => n!.id));
      assert.deepEqual(fastInner, tree.rootNode.namedChild(5)!.descendantsOfType('identifier').map((n) => n!.id));
    } finally {
      tree.delete();
    }
  });

  // The active tree's node slots are shared from one analysis to the next (fast.ts, takeSlots): a tree
  // activated while another still holds them must get its own, and the next analysis must find them empty.
  it('keeps node slots apart between trees activated in turn', () => {
    const sources = ['def f(a, b):\n    return a + b\n', 'class C:\n    x = [1, 2, 3]\n    def m(self):\n        return {k: v for k, v in self.x}\n', 'import os\nprint(os.sep)\n'];
    const trees = sources.map((s) => parsePython(s));
    try {
      const signatures = (k: number) => allNodes(trees[k]!.rootNode).map((n) => nodeSignature(n));
      const slow = sources.map((_, k) => signatures(k));
      activate(trees[0]!, sources[0]!);
      activate(trees[1]!, sources[1]!);
      assert.deepEqual(signatures(1), slow[1]);
      deactivate(trees[1]!);
      deactivate(trees[0]!);
      for (const k of [2, 1, 0]) {
        activate(trees[k]!, sources[k]!);
        try {
          assert.deepEqual(signatures(k), slow[k], `tree ${k}`);
        } finally {
          deactivate(trees[k]!);
        }
      }
    } finally {
      for (const t of trees) t.delete();
    }
  });

  it('leaves nodes alone once the analysis is over', () => {
    const source = 'x = 1\n';
    const tree = parsePython(source);
    try {
      const { root } = activate(tree, source);
      const stmt = root.namedChild(0)!;
      deactivate(tree);
      assert.equal(stmt.parent?.id, root.id);
      assert.notEqual(stmt.parent, root);
    } finally {
      tree.delete();
    }
  });
});
