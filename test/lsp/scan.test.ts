/**
 * The server requests behind the VS Code commands: analysing files from disk for Scan Workspace (with
 * cancellation), and the rule list and documentation for Show Rule Documentation.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ALL_META } from '../../server/src/rules/registry';
import { EXIT_HACK, fileUri, TestClient, tempWorkspace } from './harness';

interface AnalyzeFilesResult {
  analysed: number;
  findings: number;
  skipped: { uri: string; reason: string }[];
}

describe('scanning files from disk', { timeout: 60_000 }, () => {
  let client: TestClient;
  let ws: string;
  let settings: Record<string, unknown> = {};
  const uriOf = (rel: string) => fileUri(path.join(ws, rel));

  before(async () => {
    ws = tempWorkspace({
      'src/hack.py': EXIT_HACK,
      'src/clean.py': 'def add(a, b):\n    return a + b\n',
      'src/binary.py': 'x = 1\n\0\0\0',
      '.venv/lib/site.py': EXIT_HACK,
    });
    fs.writeFileSync(path.join(ws, 'src', 'latin1.py'), Buffer.from([0x23, 0x20, 0xe9, 0x0a]));
    ({ client } = await TestClient.start({ workspaceFolders: [ws], settings: () => settings }));
  });
  after(async () => client?.stop());

  it('publishes the findings of files that are not open, and says what it skipped', async () => {
    const uris = ['src/hack.py', 'src/clean.py', 'src/binary.py', 'src/latin1.py', '.venv/lib/site.py', 'src/missing.py'].map(uriOf);
    const result = await client.request<AnalyzeFilesResult>('rewardHack/analyzeFiles', { uris });
    assert.equal(result.analysed, 2);
    assert.ok(result.findings >= 1);
    const skipped = new Map(result.skipped.map((s) => [path.basename(s.uri), s.reason]));
    assert.match(skipped.get('binary.py')!, /binary|NUL/i);
    assert.match(skipped.get('latin1.py')!, /UTF-8/);
    assert.match(skipped.get('site.py')!, /exclude/);
    assert.match(skipped.get('missing.py')!, /cannot read/);
    const hack = await client.diagnostics(uriOf('src/hack.py'));
    assert.ok(hack.diagnostics.some((d) => d.code === 'RH101'));
    assert.equal(hack.version, undefined, 'files from disk have no document version');
    assert.deepEqual((await client.diagnostics(uriOf('src/clean.py'))).diagnostics, []);
  });

  it('re-analyses scanned files when the settings change', async () => {
    settings = { rules: { RH101: 'off' } };
    const since = client.published.length;
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(uriOf('src/hack.py'), (p) => p.diagnostics.every((d) => d.code !== 'RH101'), since);
    settings = {};
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(uriOf('src/hack.py'), (p) => p.diagnostics.some((d) => d.code === 'RH101'), since);
  });

  it('uses the live text of open documents, and restores the file on disk on close', async () => {
    const uri = uriOf('src/hack.py');
    await client.open(uri, 'def fixed():\n    return 1\n');
    await client.diagnosticsAt(uri, 1);
    const result = await client.request<AnalyzeFilesResult>('rewardHack/analyzeFiles', { uris: [uri] });
    assert.deepEqual(result, { analysed: 1, findings: 0, skipped: [] });
    const since = client.published.length;
    await client.close(uri);
    // The file was part of a scan: closing it shows its findings on disk again instead of nothing.
    await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'RH101'), since);
  });

  it('stops early when the request is cancelled', async () => {
    const many: string[] = [];
    for (let i = 0; i < 400; i++) {
      const rel = `bulk/m${i}.py`;
      fs.mkdirSync(path.join(ws, 'bulk'), { recursive: true });
      fs.writeFileSync(path.join(ws, rel), EXIT_HACK);
      many.push(uriOf(rel));
    }
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest<AnalyzeFilesResult>('rewardHack/analyzeFiles', { uris: many }, source.token);
    setTimeout(() => source.cancel(), 20);
    const outcome = await pending.then(
      (r) => r,
      (e: { code?: number }) => e,
    );
    if ('analysed' in outcome) assert.ok(outcome.analysed < many.length, `analysed all ${outcome.analysed} files despite the cancel`);
    else assert.equal(outcome.code, -32800, 'RequestCancelled');
  });
});

describe('rule documentation requests', { timeout: 30_000 }, () => {
  it('lists every rule of the registry and serves each page', async () => {
    const { client } = await TestClient.start({ workspaceFolders: [tempWorkspace()] });
    try {
      const rules = await client.request<{ code: string; name: string; summary: string; familyTitle: string }[]>('rewardHack/rules');
      assert.deepEqual(
        rules.map((r) => r.code),
        ALL_META.map((m) => m.code),
      );
      assert.ok(rules.every((r) => r.summary.length > 0 && r.familyTitle.length > 0));
      for (const rule of rules) {
        const doc = await client.request<{ code: string; markdown: string } | null>('rewardHack/ruleDocumentation', { rule: rule.name });
        assert.equal(doc?.code, rule.code);
        assert.match(doc!.markdown, new RegExp(`^# ${rule.code} ${rule.name}`));
      }
      assert.equal(await client.request('rewardHack/ruleDocumentation', { rule: 'RH000' }), null);
    } finally {
      await client.stop();
    }
  });
});
