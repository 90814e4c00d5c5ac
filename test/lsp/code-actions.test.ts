/**
 * Where suppression comments go and how safe fixes combine, on real syntax trees (the placement rules
 * that are awkward to reach through a real rule's finding), plus the suppression grammar.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { createParser, parseSuppression, type Finding } from '../../server/src/engine';
import { fixAllAction, kindRequested, suppressInFileEdit, suppressOnLineEdit, type ActionContext } from '../../server/src/lsp/codeActions';
import { SyntaxDocument } from '../../server/src/lsp/document';
import { ensureParser } from '../support/engine';
import { applyEdits, editsFor, ROOT } from './harness';

let parser: Parser;
before(async () => {
  await ensureParser();
  parser = createParser();
});

function context(text: string): ActionContext {
  const doc = new SyntaxDocument('file:///w/x.py', 'python', 1, text);
  return { doc, tree: doc.syntaxTree(parser), versionedEdits: false };
}

describe('suppression placement', () => {
  it('in this file: after the shebang and the encoding cookie', () => {
    const text = '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport sys\n';
    const out = applyEdits(text, [suppressInFileEdit(context(text), 'RH101')]);
    assert.equal(out, '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# reward-hack: ignore-file[RH101] -- reason\nimport sys\n');
  });

  it('in this file: after a lone shebang without a final newline', () => {
    const text = '#!/usr/bin/env python';
    assert.equal(applyEdits(text, [suppressInFileEdit(context(text), 'RH1')]), '#!/usr/bin/env python\n# reward-hack: ignore-file[RH1] -- reason');
  });

  it('in this file: into an existing ignore-file list, keeping its reason', () => {
    const text = 'import sys\n# reward-hack: ignore-file[RH201] -- sentinel objects\nx = 1\n';
    const out = applyEdits(text, [suppressInFileEdit(context(text), 'RH101')]);
    assert.equal(out, 'import sys\n# reward-hack: ignore-file[RH201, RH101] -- sentinel objects\nx = 1\n');
    assert.deepEqual(parseSuppression(out.split('\n')[1]!)?.rules, ['RH201', 'RH101']);
  });

  it('on the line: keeps CRLF line endings and replaces trailing blanks', () => {
    const text = 'import sys\r\nsys.exit(0)   \r\n';
    const out = applyEdits(text, [suppressOnLineEdit(context(text), 1, 'RH101')]);
    assert.equal(out, 'import sys\r\nsys.exit(0)  # reward-hack: ignore[RH101] -- reason\r\n');
  });

  it('on the line: above the line, with CRLF, when the line ends inside a string', () => {
    const text = 'def f():\r\n    exit(); s = """\r\n    """\r\n';
    const out = applyEdits(text, [suppressOnLineEdit(context(text), 1, 'RH101')]);
    assert.equal(out, 'def f():\r\n    # reward-hack: ignore[RH101] -- reason\r\n    exit(); s = """\r\n    """\r\n');
  });

  it('on the line: a `#` inside a string is not a comment to merge into', () => {
    const text = 'x = "# reward-hack: ignore[RH201]"; exit()\n';
    const out = applyEdits(text, [suppressOnLineEdit(context(text), 0, 'RH101')]);
    assert.equal(out, 'x = "# reward-hack: ignore[RH201]"; exit()  # reward-hack: ignore[RH101] -- reason\n');
  });
});

describe('fix all', () => {
  const at = (line: number, a: number, b: number) => ({ start: { line, column: a }, end: { line, column: b } });
  const finding = (line: number, a: number, b: number, safe: boolean, newText = 'ok'): Finding => ({
    rule: 'RH000',
    name: 'test',
    severity: 'error',
    message: 'm',
    range: at(line, a, b),
    fix: { title: 't', safe, edits: [{ range: at(line, a, b), newText }] },
  });

  it('applies every safe fix once, leaving out unsafe and overlapping ones', () => {
    const text = 'aaaa\nbbbb\ncccc\n';
    const ctx = context(text);
    const action = fixAllAction(ctx, [finding(0, 0, 2, true, 'X'), finding(0, 1, 3, true, 'Y'), finding(1, 0, 4, false, 'Z'), finding(2, 2, 4, true, 'W')]);
    assert.ok(action);
    assert.equal(action.kind, 'source.fixAll.rewardHack');
    assert.equal(applyEdits(text, editsFor(action.edit, ctx.doc.uri)), 'Xaa\nbbbb\nccW\n');
  });

  it('offers nothing when no fix is safe', () => {
    assert.equal(fixAllAction(context('a\n'), [finding(0, 0, 1, false)]), undefined);
  });

  it('matches requested kinds by prefix', () => {
    assert.ok(kindRequested('source.fixAll.rewardHack', ['source.fixAll']));
    assert.ok(kindRequested('source.fixAll.rewardHack', ['source']));
    assert.ok(kindRequested('quickfix', undefined));
    assert.ok(!kindRequested('quickfix', ['source.fixAll']));
    assert.ok(!kindRequested('source.fixAllOther', ['source.fixAll.rewardHack']));
  });
});

describe('suppression comment grammar', () => {
  const grammarFile = path.join(ROOT, 'syntaxes', 'reward-hack-suppression.injection.json');
  const grammar = JSON.parse(fs.readFileSync(grammarFile, 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  it('is the grammar the manifest injects into Python', () => {
    const entry = manifest.contributes.grammars.find((g: { path: string }) => path.resolve(ROOT, g.path) === grammarFile);
    assert.ok(entry);
    assert.equal(entry.scopeName, grammar.scopeName);
    assert.deepEqual(entry.injectTo, ['source.python']);
    assert.match(grammar.injectionSelector, /comment/);
  });

  it('highlights what the engine reads as a suppression, with each code', () => {
    const match = new RegExp(grammar.repository.suppression.match);
    const codePatterns = grammar.repository.rule.patterns.map((p: { match: string; name: string }) => ({ re: new RegExp(p.match, 'g'), name: p.name }));
    for (const comment of ['# reward-hack: ignore[RH101] -- reason', '# reward-hack: ignore-file[RH2, forced-success-exit] -- why', '#reward-hack:ignore']) {
      const m = match.exec(comment);
      const parsed = parseSuppression(comment);
      assert.ok(m && parsed, comment);
      assert.equal(m[3] === 'ignore-file' ? 'file' : 'line', parsed.kind);
      const names = parsed.rules.map((r) => codePatterns.find((p: { re: RegExp }) => new RegExp(`^(?:${p.re.source})$`).test(r))?.name);
      assert.ok(names.every(Boolean), `${comment}: ${JSON.stringify(names)}`);
      assert.equal((m[8] ?? '').trim(), parsed.justification);
    }
  });
});
