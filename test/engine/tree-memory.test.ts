/**
 * The heap reader (server/src/engine/tree-memory.ts) must list exactly what web-tree-sitter's own cursor
 * visits, with the same ids, types, ranges, parents and fields, and analyses built on it must report
 * exactly what analyses built through the public API report.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze, parsePython } from '../../server/src/engine';
import { readsTreeMemory, useTreeReader } from '../../server/src/engine/fast';
import { wasmHeap } from '../../server/src/engine/parser';
import { compareWithCursor, readTree } from '../../server/src/engine/tree-memory';
import { ALL_RULES } from '../../server/src/rules/registry';
import { ensureParser } from '../support/engine';

const ROOT = path.join(__dirname, '..', '..');

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pythonFiles(p));
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

/** Every symbol whose name is a named node type: what the engine lists. */
function namedSymbols(): Uint8Array {
  const tree = parsePython('x = 1\n');
  try {
    const language = tree.language;
    const names = new Set<string>();
    for (let id = 0; id < language.nodeTypeCount; id++) {
      const name = language.nodeTypeForId(id);
      if (name && language.nodeTypeIsNamed(id)) names.add(name);
    }
    const listed = new Uint8Array(65536);
    language.types.forEach((t, id) => t && names.has(t) && (listed[id] = 1));
    return listed;
  } finally {
    tree.delete();
  }
}

function agrees(source: string, listed: Uint8Array): string | undefined {
  const tree = parsePython(source);
  try {
    return compareWithCursor(wasmHeap()!, tree, listed);
  } finally {
    tree.delete();
  }
}

describe('tree read from the Wasm heap', () => {
  let listed: Uint8Array;
  let everything: Uint8Array;
  before(async () => {
    await ensureParser();
    listed = namedSymbols();
    everything = new Uint8Array(65536).fill(1);
  });

  it('is what the engine uses with this web-tree-sitter', () => assert.equal(readsTreeMemory(), true));

  const samples: [string, string][] = [
    ['aliases and fields through hidden rules', 'match p:\n    case [1, *rest] | {"k": v} if v:\n        pass\nimport a.b as c\nfrom x import (y as z)\n'],
    ['comments between children (extras)', 'f(a,  # one\n  b)\nx = [  # two\n  1,\n]\n'],
    ['non-ASCII and surrogate pairs', 's = "😀 é"; t = "ü"  # 😀\nu = f"{s} 😀 {t!r}"\n'],
    ['syntax errors and missing nodes', 'def f(:\n    return (1,\nclass\nif x\n    pass\n'],
    ['CRLF line ends and tabs', 'if x:\r\n\treturn 1\r\n'],
    ['an empty file', ''],
    ['a single token', 'x'],
    ['deep nesting', `${'('.repeat(400)}1${')'.repeat(400)}\n`],
  ];
  for (const [name, source] of samples) {
    it(`lists the named nodes like the cursor: ${name}`, () => assert.equal(agrees(source, listed), undefined));
    it(`lists every visible node like the cursor: ${name}`, () => assert.equal(agrees(source, everything), undefined));
  }

  it('agrees with the cursor on every fixture and example', () => {
    const files = [...pythonFiles(path.join(ROOT, 'test', 'fixtures')), ...pythonFiles(path.join(ROOT, 'examples'))];
    assert.ok(files.length > 50);
    for (const f of files) {
      const source = fs.readFileSync(f, 'utf8');
      assert.equal(agrees(source, listed), undefined, f);
      assert.equal(agrees(source, everything), undefined, f);
    }
  });

  it('survives nesting far deeper than a JS call stack', () => {
    const source = `x = ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    const tree = parsePython(source);
    try {
      const a = readTree(wasmHeap()!, tree, listed);
      assert.ok(a.count > 20000);
      assert.equal(a.nexts[0], a.count);
    } finally {
      tree.delete();
    }
  });

  describe('analyses on the heap reader and on the API report the same', () => {
    after(() => useTreeReader('auto'));
    it('on every fixture and example', () => {
      const files = [...pythonFiles(path.join(ROOT, 'test', 'fixtures')), ...pythonFiles(path.join(ROOT, 'examples'))];
      for (const f of files) {
        const source = fs.readFileSync(f, 'utf8');
        const input = { source, path: path.relative(ROOT, f) };
        useTreeReader('api');
        const viaApi = analyze(input, ALL_RULES);
        useTreeReader('auto');
        const viaHeap = analyze(input, ALL_RULES);
        assert.deepEqual(viaHeap, viaApi, f);
      }
    });
  });
});
