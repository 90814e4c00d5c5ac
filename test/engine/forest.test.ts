/**
 * A module parsed as pieces (engine/chunks.ts: runs of top-level statements, each parsed alone over its
 * range) must analyse exactly like the module parsed whole: every Node accessor answers the same, and
 * so do the findings. bench/verify-fast-ast.ts covers the whole-tree index; this covers the joins.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { analyzeForest, analyzeTree, createParser, parsePython } from '../../server/src/engine';
import { pieceBoundaries, topLevelStatementStarts } from '../../server/src/engine/chunks';
import { activate, activateForest, deactivate, deactivateForest } from '../../server/src/engine/fast';
import { ALL_RULES } from '../../server/src/rules/registry';
import { ensureParser } from '../support/engine';
import { allNodes, byRange, nodeSignature } from '../support/node-signature';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function fixtureSources(): { file: string; source: string }[] {
  const out: { file: string; source: string }[] = [];
  for (const rule of fs.readdirSync(FIXTURES).sort()) {
    const dir = path.join(FIXTURES, rule);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.py')) out.push({ file: `${rule}/${f}`, source: fs.readFileSync(path.join(dir, f), 'utf8') });
  }
  return out;
}

/** The fixture's own path line, as the fixture runner reads it, so roles match. */
function analysisPath(file: string, source: string): string {
  return /^# fixture: .*path=(\S+)/.exec(source)?.[1] ?? `src/${path.basename(file)}`;
}

const TRICKY = [
  '@decorator\n# between\n@other(1)\ndef f():\n    pass\nclass K:\n    x = 1\n# col-0 comment inside\n    y = 2\n',
  'if a:\n    b = 1\nelif c:\n    pass\nelse:\n    d = """\ndef not_a_function():\n"""\ntry:\n    e()\nexcept* E:\n    pass\nfinally:\n    f()\n',
  'x = (1,\n2)\ny = [\n"]",\n]\nz = 1 + \\\n2\nw = \'a\\\nb\'\nimport os; import sys\nprint(x)\n',
  "s = f'{x!r}' rb'\\'' '''\n'''\n\ndef g(): return 1\n\n\n\nasync def h():\n    await g()\n",
  'class A:\r\n    pass\r\nclass B(A):\r\n    def m(self):\r\n        return super().m()\r\n',
  '# only a comment\n',
  'x = 1',
  'def f():\n    if a:\n        b()\n\n\\\n@dec\ndef g():\n    pass\n\\\nh = 1\n',
  'match p:\n    case 1:\n        pass\ntype T = int\nlambda_ = lambda: 0\n',
];

let parser: Parser;

/** Pieces of at least `minLength` code units, each parsed alone over its range. */
function parsePieces(source: string, minLength: number): Tree[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const point = (offset: number) => {
    let row = 0;
    while (row + 1 < lineStarts.length && lineStarts[row + 1]! <= offset) row++;
    return { row, column: offset - lineStarts[row]! };
  };
  const cuts = pieceBoundaries(topLevelStatementStarts(source), 0, source.length, minLength);
  const trees: Tree[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const range = { startIndex: cuts[k]!, endIndex: cuts[k + 1]!, startPosition: point(cuts[k]!), endPosition: point(cuts[k + 1]!) };
    trees.push(parser.parse(source, null, { includedRanges: [range] })!);
  }
  return trees;
}

/** All nodes in document order (pieces and the whole parse reach them in different orders). */
function nodesInOrder(root: Node): Node[] {
  return allNodes(root).sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
}

describe('topLevelStatementStarts', () => {
  it('cuts before statements at column 0 only', () => {
    const src = 'import os\n\ndef f():\n    return 1\n# c\nx = 1\n';
    assert.deepEqual(topLevelStatementStarts(src), [0, src.indexOf('def'), src.indexOf('x =')]);
  });
  it('keeps decorators with their definition and clauses with their statement', () => {
    const src = '@d\n@e\ndef f(): pass\nif a:\n    pass\nelse:\n    pass\ntry:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\n';
    assert.deepEqual(topLevelStatementStarts(src), [0, src.indexOf('if a'), src.indexOf('try')]);
  });
  it('does not cut inside strings, brackets or continuations', () => {
    const src = 'a = """\nb = 1\n"""\nc = (\nd)\ne = 1 + \\\nf\ng = \'x\\\ny\'\nh = "(" # )\ni = 2\n';
    assert.deepEqual(topLevelStatementStarts(src), [0, src.indexOf('c ='), src.indexOf('e ='), src.indexOf('g ='), src.indexOf('h ='), src.indexOf('i =')]);
  });
  it('treats a line that is only a backslash as part of the statement it joins', () => {
    const src = 'x = 1\n\\\n@dec\ndef f(): pass\n\\\n    y = 2\nz = 3\n';
    assert.deepEqual(topLevelStatementStarts(src), [0, src.indexOf('z =')]);
  });
  it('groups statements into pieces of a minimum length', () => {
    assert.deepEqual(pieceBoundaries([0, 5, 12, 30], 0, 40, 10), [0, 12, 30, 40]);
    assert.deepEqual(pieceBoundaries([0], 0, 0, 10), [0, 0]);
  });
});

describe('a module parsed as pieces', () => {
  before(async () => {
    await ensureParser();
    parser = createParser();
  });
  after(() => parser.delete());

  it('answers every node question as the whole parse does', () => {
    for (const { file, source } of [...TRICKY.map((s, k) => ({ file: `tricky ${k}`, source: s })), ...fixtureSources().slice(0, 80)]) {
      if (/\r(?!\n)/.test(source)) continue;
      const whole = parsePython(source);
      const pieces = parsePieces(source, 1);
      try {
        const forest = activateForest(pieces, source);
        if (!forest) {
          assert.ok(whole.rootNode.hasError || source.length === 0, `${file}: pieces refused for an error-free file`);
          continue;
        }
        let fromPieces: Record<string, unknown>[];
        try {
          fromPieces = nodesInOrder(forest.root).map((n) => nodeSignature(n, undefined, byRange));
          assert.equal(pieces[pieces.length - 1]!.rootNode, forest.root, `${file}: every piece's rootNode is the module's`);
        } finally {
          deactivateForest(pieces);
        }
        const { root } = activate(whole, source);
        let fromWhole: Record<string, unknown>[];
        try {
          fromWhole = nodesInOrder(root).map((n) => nodeSignature(n, undefined, byRange));
        } finally {
          deactivate(whole);
        }
        assert.deepEqual(fromPieces, fromWhole, `${file} (${pieces.length} pieces)`);
      } finally {
        whole.delete();
        for (const t of pieces) t.delete();
      }
    }
  });

  it('finds what the whole parse finds, in every fixture', () => {
    let compared = 0;
    for (const { file, source } of fixtureSources()) {
      if (/\r(?!\n)/.test(source)) continue;
      const input = { source, path: analysisPath(file, source) };
      const whole = parsePython(source);
      const expected = analyzeTree(whole, input, ALL_RULES);
      whole.delete();
      for (const minLength of [1, 300]) {
        const pieces = parsePieces(source, minLength);
        try {
          const got = analyzeForest(pieces, input, ALL_RULES);
          if (!got) {
            assert.ok(expected.syntaxErrors || source.length === 0, `${file}: pieces refused`);
            continue;
          }
          assert.deepEqual(got, expected, `${file} in ${pieces.length} pieces`);
          compared++;
        } finally {
          for (const t of pieces) t.delete();
        }
      }
    }
    assert.ok(compared > 100, `only ${compared} comparisons`);
  });

  it('refuses pieces with a syntax error, so the caller parses the whole file', () => {
    const source = 'def f():\n    return 1\ndef g(:\n    pass\n';
    const pieces = parsePieces(source, 1);
    try {
      assert.ok(pieces.length > 1);
      assert.equal(analyzeForest(pieces, { source, path: 'src/x.py' }, ALL_RULES), undefined);
    } finally {
      for (const t of pieces) t.delete();
    }
  });
});
