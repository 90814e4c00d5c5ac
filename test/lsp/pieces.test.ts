/**
 * The open document kept as pieces (server/src/lsp/document.ts): after any sequence of edits, the pieces
 * must stand for the current text exactly as a fresh parse of it does (same nodes, positions, structure),
 * and the analysis from them must equal a fresh analysis. Random edits, with a fixed seed, aim at what moves
 * piece boundaries: line breaks, indentation, quotes, brackets, decorators, continuation clauses.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { analyze, analyzeForest, analyzeTree, createParser } from '../../server/src/engine';
import { activate, activateForest, allNodes, deactivate, deactivateForest, type FlatTree } from '../../server/src/engine/fast';
import { topLevelStatementStarts } from '../../server/src/engine/chunks';
import { SyntaxDocument } from '../../server/src/lsp/document';
import { ALL_RULES } from '../../server/src/rules/registry';
import { ensureParser } from '../support/engine';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = [' ', 'x', '\n', '    ', '"""', "'", '(', ')', '[', ']', '#', '\\\n', '@decorator\n', 'else:\n    pass\n', 'def f():\n    return 1\n', '\nclass K:\n    pass\n', 'import sys\nsys.exit(0)\n', ':'];

/** Every node of a flat tree as `type start end row:column parent field`. */
function rows(flat: FlatTree): string[] {
  return allNodes(flat).map((n, i) => `${n.type} ${flat.starts[i]} ${flat.ends[i]} ${n.startPosition.row}:${n.startPosition.column} ${flat.parents[i]} ${flat.fieldIds?.[i] ?? ''}`);
}

/** A module big enough for many pieces: fixtures of every rule, one after another. */
function bigModule(): string {
  const parts: string[] = [];
  for (const rule of fs.readdirSync(FIXTURES).sort()) {
    const dir = path.join(FIXTURES, rule);
    if (!fs.statSync(dir).isDirectory()) continue;
    const first = fs.readdirSync(dir).sort().find((f) => f.endsWith('.py'));
    if (first) parts.push(fs.readFileSync(path.join(dir, first), 'utf8').replace(/\r(?!\n)/g, '\n'));
  }
  return parts.join('\n');
}

describe('a document kept as pieces', () => {
  let parser: Parser;
  let scratch: Parser;
  before(async () => {
    await ensureParser();
    parser = createParser();
    scratch = createParser();
  });
  after(() => {
    parser.delete();
    scratch.delete();
  });

  it('matches a fresh parse and analysis after every one of many random edits', () => {
    const rand = random(Number(process.env.PIECES_SEED ?? 20261127));
    const doc = new SyntaxDocument('file:///w/big.py', 'python', 1, bigModule());
    const analysisPath = 'src/big.py';
    let viaPieces = 0;
    let version = 1;
    const check = (step: string, minPieceLength: number) => {
      const source = doc.getText();
      const input = { source, path: analysisPath };
      const pieces = doc.syntaxPieces(parser, { minPieceLength });
      const fresh = scratch.parse(source)!;
      try {
        if (pieces) {
          viaPieces++;
          const forest = activateForest(pieces, source);
          assert.ok(forest, `step ${step}: error-free pieces refused`);
          let got: string[];
          try {
            got = rows(forest.flat);
          } finally {
            deactivateForest(pieces);
          }
          const whole = activate(fresh, source);
          let want: string[];
          try {
            want = rows(whole.flat);
          } finally {
            deactivate(fresh);
          }
          assert.deepEqual(got.slice(1), want.slice(1), `step ${step}: the pieces' nodes differ from a fresh parse`);
          assert.deepEqual(analyzeForest(pieces, input, ALL_RULES), analyzeTree(fresh, input, ALL_RULES), `step ${step}: findings differ`);
        } else {
          assert.ok(fresh.rootNode.hasError, `step ${step}: pieces refused for an error-free text`);
          assert.deepEqual(analyzeTree(doc.syntaxTree(parser), input, ALL_RULES), analyze(input, ALL_RULES));
        }
      } finally {
        fresh.delete();
      }
    };
    // Each step edits, checks, then undoes the edit (so the text stays mostly valid) and checks again.
    for (let step = 0; step < 150; step++) {
      const text = doc.getText();
      // Half the edits at the start of a line, where pieces begin and end.
      let at = Math.floor(rand() * (text.length + 1));
      if (rand() < 0.5) at = doc.textDocument.offsetAt({ line: doc.textDocument.positionAt(at).line, character: 0 });
      const roll = rand();
      const deleted = roll < 0.35 ? Math.floor(rand() * 12) : 0;
      const inserted = roll < 0.25 ? '' : SNIPPETS[Math.floor(rand() * SNIPPETS.length)]!;
      const removedText = text.slice(at, at + deleted);
      const minPieceLength = 200 + Math.floor(rand() * 600);
      const pos = (offset: number) => doc.textDocument.positionAt(offset);
      doc.applyChanges([{ range: { start: pos(at), end: pos(at + removedText.length) }, text: inserted }], ++version);
      check(`${step} edit`, minPieceLength);
      doc.applyChanges([{ range: { start: pos(at), end: pos(at + inserted.length) }, text: removedText }], ++version);
      assert.equal(doc.getText(), text);
      check(`${step} undo`, minPieceLength);
    }
    assert.ok(viaPieces > 150, `only ${viaPieces} of 300 states analysed through pieces`);
    doc.dispose();
  });

  it('keeps the statement starts up to date through edits, as a scan of the whole text finds them', () => {
    const rand = random(Number(process.env.PIECES_SEED ?? 20261130));
    const doc = new SyntaxDocument('file:///w/starts.py', 'python', 1, bigModule());
    let version = 1;
    let resumed = 0;
    for (let step = 0; step < 400; step++) {
      // One to three edits between two looks, as a burst of keystrokes sends them.
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const text = doc.getText();
        let at = Math.floor(rand() * (text.length + 1));
        if (rand() < 0.5) at = doc.textDocument.offsetAt({ line: doc.textDocument.positionAt(at).line, character: 0 });
        const deleted = rand() < 0.35 ? Math.floor(rand() * 12) : 0;
        const inserted = rand() < 0.25 ? '' : SNIPPETS[Math.floor(rand() * SNIPPETS.length)]!;
        const pos = (offset: number) => doc.textDocument.positionAt(Math.min(offset, text.length));
        doc.applyChanges([{ range: { start: pos(at), end: pos(at + deleted) }, text: inserted }], ++version);
      }
      const want = topLevelStatementStarts(doc.getText());
      // The pieces are made on every other look only: edits pile up in between.
      if (step % 2 === 0) {
        doc.syntaxPieces(parser);
        resumed++;
      }
      assert.deepEqual(doc.statementStarts(), want, `step ${step}: the starts differ from a scan of the whole text`);
    }
    assert.ok(resumed > 100);
    doc.dispose();
  });

  it('drops a start that an edit a few characters after it turns into a continuation clause', () => {
    const text = 'import os\nif os.sep:\n    pass\nelxe:\n    pass\nx = 1\n';
    const doc = new SyntaxDocument('file:///w/clause.py', 'python', 1, text);
    assert.deepEqual(doc.statementStarts(), topLevelStatementStarts(text));
    const at = doc.textDocument.positionAt(text.indexOf('elxe') + 2);
    doc.applyChanges([{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: 's' }], 2);
    assert.deepEqual(doc.statementStarts(), topLevelStatementStarts(doc.getText()));
    assert.ok(!doc.statementStarts().includes(doc.getText().indexOf('else')), '`else:` continues the `if`');
    doc.dispose();
  });

  it('re-parses only the pieces an edit touches', () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(`def f${i}(x):`, `    return x + ${i}`, '');
    const doc = new SyntaxDocument('file:///w/many.py', 'python', 1, lines.join('\n'));
    const first = doc.syntaxPieces(parser, { minPieceLength: 500 })!;
    assert.ok(first.length > 3);
    const line = Math.floor(lines.length / 2);
    doc.applyChanges([{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }], 2);
    const second = doc.syntaxPieces(parser, { minPieceLength: 500 })!;
    const kept = second.filter((t) => first.includes(t)).length;
    assert.ok(kept >= second.length - 2, `only ${kept} of ${second.length} pieces kept`);
    const source = doc.getText();
    assert.deepEqual(analyzeForest(second, { source, path: 'src/many.py' }, ALL_RULES), analyze({ source, path: 'src/many.py' }, ALL_RULES));
    doc.dispose();
  });
});
