/**
 * Hover and code actions against the real server: the actions are applied the way a client applies
 * them, the new text is sent back, and the server's next analysis must agree (suppressed, or fixed).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { applyEdits, editsFor, EXIT_HACK, EXIT_LINE, fileUri, TestClient, tempWorkspace, waitFor, waitForStatus } from './harness';

describe('hover and code actions', { timeout: 60_000 }, () => {
  let client: TestClient;
  let ws: string;
  let counter = 0;
  const freshUri = () => fileUri(path.join(ws, 'src', `actions${++counter}.py`));

  before(async () => {
    ws = tempWorkspace();
    ({ client } = await TestClient.start({ workspaceFolders: [ws] }));
  });
  after(async () => client?.stop());

  async function openWithFinding(text: string, code = 'RH101'): Promise<{ uri: string; diagnostic: Diagnostic; all: Diagnostic[] }> {
    const uri = freshUri();
    await client.open(uri, text);
    const published = await client.diagnosticsAt(uri, 1);
    const diagnostic = published.diagnostics.find((d) => d.code === code);
    assert.ok(diagnostic, `no ${code} in ${JSON.stringify(published.diagnostics)}`);
    return { uri, diagnostic, all: published.diagnostics };
  }

  function actionsFor(uri: string, diagnostic: Diagnostic, only?: string[]): Promise<CodeAction[]> {
    return client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only },
    });
  }

  /** Applies the action's edit, sends the new text as a full change, returns the next diagnostics. */
  async function apply(uri: string, text: string, action: CodeAction): Promise<{ text: string; diagnostics: Diagnostic[] }> {
    const edits = editsFor(action.edit, uri);
    assert.ok(edits.length > 0, `action "${action.title}" has no edit for ${uri}`);
    const next = applyEdits(text, edits);
    const version = await client.change(uri, [{ text: next }]);
    return { text: next, diagnostics: (await client.diagnosticsAt(uri, version)).diagnostics };
  }

  it('hover on a flagged range explains the rule', async () => {
    const { uri, diagnostic } = await openWithFinding(EXIT_HACK);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: EXIT_LINE, character: 12 } });
    assert.ok(hover, 'no hover on the finding');
    const value = (hover.contents as MarkupContent).value;
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    assert.match(value, /RH101 forced-success-exit/);
    assert.match(value, /Instead/i);
    assert.match(value, /reward-hack: ignore\[RH101\]/);
    assert.deepEqual(hover.range, diagnostic.range);
    const elsewhere = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.equal(elsewhere, null, 'hover outside any finding');
    await client.close(uri);
  });

  it('offers the fix, both suppressions and the explanation for each diagnostic', async () => {
    const { uri, diagnostic } = await openWithFinding(EXIT_HACK);
    const actions = await actionsFor(uri, diagnostic);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Suppress RH101 on this line'), titles.join(' | '));
    assert.ok(titles.includes('Suppress RH101 in this file'), titles.join(' | '));
    assert.ok(titles.includes('Explain RH101'), titles.join(' | '));
    for (const a of actions) {
      assert.equal(a.kind, 'quickfix');
      assert.deepEqual(a.diagnostics?.map((d) => d.code), ['RH101']);
    }
    const explain = actions.find((a) => a.title === 'Explain RH101')!;
    assert.deepEqual(explain.command, { title: 'Explain RH101', command: 'rewardHack.explainRule', arguments: ['RH101'] });
    // The rule's own fix, when it has one, is preferred exactly when it is safe.
    const fix = (diagnostic.data as { fix?: { title: string; safe: boolean } }).fix;
    if (fix) {
      const offered = actions.find((a) => a.title.startsWith(fix.title));
      assert.ok(offered, `the rule's fix "${fix.title}" is not offered`);
      assert.equal(offered.isPreferred === true, fix.safe);
    }
    await client.close(uri);
  });

  it('"Suppress on this line" appends the comment to the flagged line and silences the finding', async () => {
    const { uri, diagnostic } = await openWithFinding(EXIT_HACK);
    const action = (await actionsFor(uri, diagnostic)).find((a) => a.title === 'Suppress RH101 on this line')!;
    const { text, diagnostics } = await apply(uri, EXIT_HACK, action);
    assert.equal(text.split('\n')[EXIT_LINE], '        sys.exit(0)  # reward-hack: ignore[RH101] -- reason');
    assert.deepEqual(text.split('\n').filter((_, i) => i !== EXIT_LINE), EXIT_HACK.split('\n').filter((_, i) => i !== EXIT_LINE));
    assert.deepEqual(diagnostics.filter((d) => d.code === 'RH101'), []);
    const status = await waitForStatus(client, uri, (s) => s.suppressed > 0);
    assert.equal(status.suppressed, 1);
    await client.close(uri);
  });

  it('"Suppress in this file" adds an ignore-file comment after the encoding cookie', async () => {
    const source = '# -*- coding: utf-8 -*-\n' + EXIT_HACK;
    const { uri, diagnostic } = await openWithFinding(source);
    const action = (await actionsFor(uri, diagnostic)).find((a) => a.title === 'Suppress RH101 in this file')!;
    const { text, diagnostics } = await apply(uri, source, action);
    assert.deepEqual(text.split('\n').slice(0, 3), ['# -*- coding: utf-8 -*-', '# reward-hack: ignore-file[RH101] -- reason', 'import sys']);
    assert.deepEqual(diagnostics.filter((d) => d.code === 'RH101'), []);
    await client.close(uri);
  });

  it('adds the code to an existing suppression comment instead of a second comment', async () => {
    const source = EXIT_HACK.replace('sys.exit(0)', 'sys.exit(0)  # reward-hack: ignore[RH201] -- unrelated');
    const { uri, diagnostic } = await openWithFinding(source);
    const action = (await actionsFor(uri, diagnostic)).find((a) => a.title === 'Suppress RH101 on this line')!;
    const { text, diagnostics } = await apply(uri, source, action);
    assert.equal(text.split('\n')[EXIT_LINE], '        sys.exit(0)  # reward-hack: ignore[RH201, RH101] -- unrelated');
    assert.deepEqual(diagnostics.filter((d) => d.code === 'RH101'), []);
    await client.close(uri);
  });

  it('puts the comment on its own line above when the flagged line cannot take one', async () => {
    for (const tail of ['; note = """\n    text\n    """', '; total = 1 + \\\n        2']) {
      const source = EXIT_HACK.replace('sys.exit(0)', `sys.exit(0)${tail}`);
      const { uri, diagnostic } = await openWithFinding(source);
      const action = (await actionsFor(uri, diagnostic)).find((a) => a.title === 'Suppress RH101 on this line')!;
      const { text, diagnostics } = await apply(uri, source, action);
      const lines = text.split('\n');
      assert.equal(lines[EXIT_LINE], '        # reward-hack: ignore[RH101] -- reason', text);
      assert.ok(lines[EXIT_LINE + 1]!.startsWith('        sys.exit(0);'), text);
      assert.deepEqual(diagnostics.filter((d) => d.code === 'RH101'), [], text);
      await client.close(uri);
    }
  });

  it('uses the diagnostic as the client shows it, even without the data field', async () => {
    const { uri, diagnostic } = await openWithFinding(EXIT_HACK);
    const bare = { ...diagnostic, data: undefined };
    const titles = (await actionsFor(uri, bare)).map((a) => a.title);
    assert.ok(titles.includes('Suppress RH101 on this line'));
    await client.close(uri);
  });

  it('versioned edits name the document version they were computed for', async () => {
    const { uri, diagnostic } = await openWithFinding(EXIT_HACK);
    const action = (await actionsFor(uri, diagnostic)).find((a) => a.title === 'Suppress RH101 on this line')!;
    const change = action.edit?.documentChanges?.[0] as { textDocument: { uri: string; version: number } };
    assert.deepEqual(change.textDocument, { uri, version: 1 });
    await client.close(uri);
  });

  it('answers `only` filters: source.fixAll gives no quick fixes, quickfix gives no source action', async () => {
    const { uri, diagnostic } = await openWithFinding(EXIT_HACK);
    const fixAll = await actionsFor(uri, diagnostic, ['source.fixAll']);
    assert.ok(fixAll.every((a) => a.kind === 'source.fixAll.rewardHack'), JSON.stringify(fixAll.map((a) => a.kind)));
    // RH101's fix changes behaviour, so it never goes into the bulk action.
    const unsafeOnly = fixAll.flatMap((a) => editsFor(a.edit, uri)).some((e) => e.newText === 'pass');
    assert.equal(unsafeOnly, false);
    const quick = await actionsFor(uri, diagnostic, ['quickfix']);
    assert.ok(quick.length >= 3 && quick.every((a) => a.kind === 'quickfix'));
    await client.close(uri);
  });

  it('ignores diagnostics from other tools', async () => {
    const { uri, diagnostic } = await openWithFinding(EXIT_HACK);
    const foreign = { ...diagnostic, source: 'pylint', code: 'W0101' };
    assert.deepEqual(await actionsFor(uri, foreign, ['quickfix']), []);
    await client.close(uri);
  });

  it('the server opens the documentation for clients that cannot (workspace/executeCommand)', async () => {
    await client.request('workspace/executeCommand', { command: 'rewardHack.explainRule', arguments: ['RH101'] });
    const shown = await waitFor('the documentation to be shown', () => {
      const doc = client.shownDocuments.find((d) => d.uri.endsWith('/docs/rules/RH101.md'));
      const message = client.notifications.find((n) => n.method === 'window/showMessage' && /RH101/.test((n.params as { message: string }).message));
      return doc ?? message;
    });
    assert.ok(shown);
  });
});

describe('hover links for the VS Code client', { timeout: 30_000 }, () => {
  it('links hovers to the client-side explain command and does not register it on the server', async () => {
    const ws = tempWorkspace();
    const { client, init } = await TestClient.start({ workspaceFolders: [ws], initializationOptions: { clientHandlesExplainRule: true } });
    try {
      assert.equal(init.capabilities.executeCommandProvider, undefined);
      const uri = fileUri(path.join(ws, 'solution.py'));
      await client.open(uri, EXIT_HACK);
      await client.diagnosticsAt(uri, 1);
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: EXIT_LINE, character: 10 } });
      assert.match((hover.contents as MarkupContent).value, /\(command:rewardHack\.explainRule\?%5B%22RH101%22%5D\)/);
    } finally {
      await client.stop();
    }
  });
});
