/**
 * Diagnostics from the real bundled server over IPC (as VS Code starts it): open, incremental edits,
 * versions, close, run on save, notebook cells, and every rule of the registry end to end.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ALL_META } from '../../server/src/rules/registry';
import { analyzeSource } from '../support/engine';
import { EXIT_HACK, EXIT_LINE, fileUri, TestClient, tempWorkspace, waitForStatus } from './harness';


function codes(p: PublishDiagnosticsParams): string[] {
  return p.diagnostics.map((d) => String(d.code)).sort();
}

describe('diagnostics', { timeout: 60_000 }, () => {
  let client: TestClient;
  let ws: string;
  const uriOf = (rel: string) => fileUri(path.join(ws, rel));

  before(async () => {
    ws = tempWorkspace();
    ({ client } = await TestClient.start({ workspaceFolders: [ws] }));
  });
  after(async () => client?.stop());

  it('publishes the findings of an opened file with source, code, severity and version', async () => {
    const uri = uriOf('src/solution.py');
    await client.open(uri, EXIT_HACK);
    const published = await client.diagnosticsAt(uri, 1);
    const d = published.diagnostics.find((x) => x.code === 'RH101');
    assert.ok(d, `no RH101 in ${JSON.stringify(published.diagnostics)}`);
    assert.equal(d.source, 'reward-hack');
    assert.equal(d.severity, 1, 'RH101 in code under test is an error');
    assert.equal(d.range.start.line, EXIT_LINE);
    assert.equal(EXIT_HACK.split('\n')[EXIT_LINE]!.slice(d.range.start.character, d.range.end.character), 'sys.exit(0)');
    assert.ok(typeof d.message === 'string' && d.message.length > 0);
    assert.deepEqual((d.data as { rule: string }).rule, 'RH101');
    await client.close(uri);
  });

  it('roles come from the path relative to the workspace folder', async () => {
    // The same construct in a test file is reported with a different severity than in code under test,
    // and the temporary folder's own absolute path must not make everything a test file.
    const inSrc = uriOf('src/roles.py');
    const inTests = uriOf('tests/test_roles.py');
    await client.open(inSrc, EXIT_HACK);
    await client.open(inTests, EXIT_HACK.replace('def total', 'def test_total'));
    const src = await client.diagnosticsAt(inSrc, 1);
    const tests = await client.diagnosticsAt(inTests, 1);
    assert.equal(src.diagnostics.find((d) => d.code === 'RH101')?.severity, 1);
    const status = await waitForStatus(client, inTests);
    assert.equal(status.role, 'test');
    assert.equal((await waitForStatus(client, inSrc)).role, 'code-under-test');
    assert.ok(tests.diagnostics.every((d) => d.source === 'reward-hack'));
    await client.close(inSrc);
    await client.close(inTests);
  });

  it('incremental edits update the diagnostics', async () => {
    const uri = uriOf('src/edit.py');
    await client.open(uri, 'import sys\n\ndef total(scores):\n    return sum(scores)\n');
    assert.deepEqual(codes(await client.diagnosticsAt(uri, 1)), []);
    // Insert the hack line inside the function.
    const v2 = await client.change(uri, [
      { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '    if not scores:\n        sys.exit(0)\n' },
    ]);
    const withHack = await client.diagnosticsAt(uri, v2);
    assert.deepEqual(codes(withHack), ['RH101']);
    assert.equal(withHack.diagnostics[0]!.range.start.line, 4);
    // Turn the exit status non-zero: no longer a forced success.
    const v3 = await client.change(uri, [{ range: { start: { line: 4, character: 17 }, end: { line: 4, character: 18 } }, text: '1' }]);
    assert.deepEqual(codes(await client.diagnosticsAt(uri, v3)), []);
    await client.close(uri);
  });

  it('never publishes diagnostics computed for an older version during a burst of edits', async () => {
    const uri = uriOf('src/burst.py');
    const texts = new Map<number, string>();
    let text = 'import sys\n\ndef run():\n    pass\n';
    await client.open(uri, text);
    texts.set(1, text);
    const start = client.published.length;
    let version = 1;
    // Twenty quick edits, alternating between a hack and a harmless exit status, without waiting.
    for (let i = 0; i < 20; i++) {
      const line = `    sys.exit(${i % 2 === 0 ? 0 : 3})\n`;
      const range = { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } };
      version = await client.change(uri, [{ range, text: line }]);
      text = text.split('\n').slice(0, 3).join('\n') + '\n' + line;
      texts.set(version, text);
    }
    const last = await client.diagnosticsAt(uri, version);
    assert.deepEqual(codes(last), [], 'the last text exits with status 3');
    const mine = client.published.slice(start).filter((p) => p.uri === uri);
    let previous = 0;
    for (const p of mine) {
      assert.equal(typeof p.version, 'number', 'every publish of an open document carries its version');
      assert.ok(p.version! >= previous, `versions went backwards: ${mine.map((m) => m.version).join(',')}`);
      previous = p.version!;
    }
    // Debouncing means far fewer analyses than edits.
    assert.ok(mine.length < 20, `expected debounced publishes, got ${mine.length}`);
    await client.close(uri);
  });

  it('keeps the incrementally parsed tree identical to a parse from scratch', async () => {
    const uri = uriOf('src/tree.py');
    let text = 'import sys\n\nclass Result:\n    def __eq__(self, other):\n        return True\n\n\ndef f(x):\n    return x  # é ✓ 😀\n';
    await client.open(uri, text);
    const lines = () => text.split('\n');
    // Deterministic pseudo-random edits, including astral characters (two UTF-16 units) and newlines.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pieces = ['x', ' ', '\n', '😀', '(', ')', ':', '    ', 'sys.exit(0)\n', '"""', 'é', ''];
    for (let i = 0; i < 60; i++) {
      const ls = lines();
      const line = random(ls.length);
      const lineText = ls[line]!;
      let a = random(lineText.length + 1);
      let b = Math.min(lineText.length, a + random(3));
      // Never split a surrogate pair: clients send whole characters.
      if (/[\uDC00-\uDFFF]/.test(lineText[a] ?? '')) a--;
      if (/[\uDC00-\uDFFF]/.test(lineText[b] ?? '')) b++;
      const insert = pieces[random(pieces.length)]!;
      ls[line] = lineText.slice(0, a) + insert + lineText.slice(b);
      text = ls.join('\n');
      await client.change(uri, [{ range: { start: { line, character: a }, end: { line, character: b } }, text: insert }]);
      if (i % 15 === 14) {
        const trees = await client.request<{ incremental: string; fresh: string }>('rewardHack/debugSyntaxTree', { uri });
        assert.equal(trees.incremental, trees.fresh, `tree diverged after edit ${i}`);
      }
    }
    await client.close(uri);
  });

  it('applies several changes of one notification in order, and full-text replacements', async () => {
    const uri = uriOf('src/multi.py');
    await client.open(uri, 'import sys\n\ndef f():\n    return 1\n');
    const v2 = await client.change(uri, [
      { range: { start: { line: 3, character: 4 }, end: { line: 3, character: 12 } }, text: 'sys.exit(0)' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# header\n' },
    ]);
    const p = await client.diagnosticsAt(uri, v2);
    assert.deepEqual(codes(p), ['RH101']);
    assert.equal(p.diagnostics[0]!.range.start.line, 4, 'the second change shifted the first one down a line');
    const v3 = await client.change(uri, [{ text: 'def f():\n    return 1\n' }]);
    assert.deepEqual(codes(await client.diagnosticsAt(uri, v3)), []);
    const trees = await client.request<{ incremental: string; fresh: string }>('rewardHack/debugSyntaxTree', { uri });
    assert.equal(trees.incremental, trees.fresh);
    await client.close(uri);
  });

  it('clears the diagnostics when a document closes', async () => {
    const uri = uriOf('src/close.py');
    await client.open(uri, EXIT_HACK);
    assert.deepEqual(codes(await client.diagnosticsAt(uri, 1)), ['RH101']);
    const since = client.published.length;
    await client.close(uri);
    const cleared = await client.diagnostics(uri, () => true, since);
    assert.deepEqual(cleared.diagnostics, []);
  });

  it('a close right after an edit publishes nothing stale afterwards', async () => {
    const uri = uriOf('src/close-race.py');
    await client.open(uri, EXIT_HACK);
    await client.diagnosticsAt(uri, 1);
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
    const since = client.published.length;
    await client.close(uri);
    await client.diagnostics(uri, (p) => p.diagnostics.length === 0, since);
    await new Promise((r) => setTimeout(r, 300)); // longer than the debounce
    assert.deepEqual(client.lastPublished(uri)?.diagnostics, [], 'a pending analysis published after the close');
  });

  it('leaves documents that are not Python alone', async () => {
    const uri = uriOf('notes.txt');
    await client.open(uri, 'sys.exit(0)\n', 'plaintext');
    const p = await client.diagnosticsAt(uri, 1);
    assert.deepEqual(p.diagnostics, []);
    await client.close(uri);
  });

  it('survives syntax errors and still reports what parses', async () => {
    const uri = uriOf('src/broken.py');
    await client.open(uri, EXIT_HACK + '\ndef broken(:\n    return (\n');
    const p = await client.diagnosticsAt(uri, 1);
    assert.ok(codes(p).includes('RH101'));
    assert.equal((await waitForStatus(client, uri)).syntaxErrors, true);
    await client.close(uri);
  });

  it('publishes exactly what the engine finds, for every rule\'s documented example in every role', async () => {
    const severity = { error: 1, warning: 2, info: 3, hint: 4 } as const;
    let compared = 0;
    for (const meta of ALL_META.filter((m) => !m.reviewOnly)) {
      for (const rel of ['src/example.py', 'tests/test_example.py', 'conftest.py']) {
        const expected = await analyzeSource(meta.docs.example, `examples/${meta.code}/${rel}`);
        const uri = uriOf(`examples/${meta.code}/${rel}`);
        await client.open(uri, meta.docs.example);
        const published = await client.diagnosticsAt(uri, 1);
        await client.close(uri);
        const summarise = (code: unknown, sev: number | undefined, r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
          `${String(code)}:${sev}:${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
        assert.deepEqual(
          published.diagnostics.map((d) => summarise(d.code, d.severity, d.range)),
          expected.findings.map((f) =>
            summarise(f.rule, severity[f.severity], { start: { line: f.range.start.line, character: f.range.start.column }, end: { line: f.range.end.line, character: f.range.end.column } }),
          ),
          `${meta.code} example as ${rel}`,
        );
        compared += published.diagnostics.length;
      }
    }
    assert.ok(compared > 0, 'no rule in the registry flagged its own example');
  });
});

describe('run on save', { timeout: 30_000 }, () => {
  let client: TestClient;
  let ws: string;
  before(async () => {
    ws = tempWorkspace();
    ({ client } = await TestClient.start({ workspaceFolders: [ws], settings: { run: 'onSave' } }));
  });
  after(async () => client?.stop());

  it('analyses on open and on save, not while typing', async () => {
    const uri = fileUri(path.join(ws, 'src/save.py'));
    await client.open(uri, 'import sys\n\ndef f():\n    return 1\n');
    assert.deepEqual(codes(await client.diagnosticsAt(uri, 1)), []);
    const v2 = await client.change(uri, [{ range: { start: { line: 3, character: 4 }, end: { line: 3, character: 12 } }, text: 'sys.exit(0)' }]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(client.published.filter((p) => p.uri === uri && p.version === v2).length, 0, 'analysed while typing');
    await client.save(uri);
    assert.deepEqual(codes(await client.diagnosticsAt(uri, v2)), ['RH101']);
    await client.close(uri);
  });
});

describe('notebooks', { timeout: 30_000 }, () => {
  let client: TestClient;
  let ws: string;
  before(async () => {
    ws = tempWorkspace();
    ({ client } = await TestClient.start({ workspaceFolders: [ws] }));
  });
  after(async () => client?.stop());

  it('analyses each Python cell like a file and follows cell edits', async () => {
    const notebook = fileUri(path.join(ws, 'analysis.ipynb'));
    const cell = (n: number) => `vscode-notebook-cell:${notebook.slice('file:'.length)}#cell${n}`;
    await client.notify('notebookDocument/didOpen', {
      notebookDocument: {
        uri: notebook,
        notebookType: 'jupyter-notebook',
        version: 1,
        cells: [
          { kind: 2, document: cell(1) },
          { kind: 2, document: cell(2) },
        ],
      },
      cellTextDocuments: [
        { uri: cell(1), languageId: 'python', version: 1, text: 'import sys\n' },
        { uri: cell(2), languageId: 'python', version: 1, text: EXIT_HACK },
      ],
    });
    assert.deepEqual(codes(await client.diagnosticsAt(cell(2), 1)), ['RH101']);
    assert.deepEqual(codes(await client.diagnosticsAt(cell(1), 1)), []);
    await client.notify('notebookDocument/didChange', {
      notebookDocument: { uri: notebook, version: 2 },
      change: {
        cells: {
          textContent: [
            {
              document: { uri: cell(2), version: 2 },
              changes: [{ range: { start: { line: EXIT_LINE, character: 17 }, end: { line: EXIT_LINE, character: 18 } }, text: '2' }],
            },
          ],
        },
      },
    });
    assert.deepEqual(codes(await client.diagnosticsAt(cell(2), 2)), []);
    const since = client.published.length;
    await client.notify('notebookDocument/didClose', { notebookDocument: { uri: notebook }, cellTextDocuments: [{ uri: cell(1) }, { uri: cell(2) }] });
    await client.diagnostics(cell(1), (p) => p.diagnostics.length === 0, since);
    await client.diagnostics(cell(2), (p) => p.diagnostics.length === 0, since);
  });
});
