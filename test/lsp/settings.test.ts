/**
 * Settings: pulled per resource with workspace/configuration, re-applied on didChangeConfiguration
 * without a restart, validated, and pushed for clients that cannot be asked.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CAPABILITIES, EXIT_HACK, fileUri, TestClient, tempWorkspace, waitFor, waitForStatus } from './harness';

const codesOf = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => String(d.code));

describe('settings', { timeout: 60_000 }, () => {
  let client: TestClient;
  let ws: string;
  let settings: Record<string, unknown> = {};
  const uriOf = (rel: string) => fileUri(path.join(ws, rel));

  before(async () => {
    ws = tempWorkspace();
    ({ client } = await TestClient.start({ workspaceFolders: [ws], settings: () => settings }));
  });
  after(async () => client?.stop());

  async function changeSettings(next: Record<string, unknown>): Promise<number> {
    settings = next;
    const since = client.published.length;
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    return since;
  }

  it('asks the client for the rewardHack section of each document', async () => {
    const uri = uriOf('src/ask.py');
    await client.open(uri, EXIT_HACK);
    await client.diagnosticsAt(uri, 1);
    const asked = client.configurationRequests.flatMap((r) => r.items);
    assert.ok(asked.some((i) => i.scopeUri === uri && i.section === 'rewardHack'), JSON.stringify(asked));
    await client.close(uri);
  });

  it('turning a rule off removes its diagnostics, turning it back on restores them, without a restart', async () => {
    const uri = uriOf('src/toggle.py');
    await client.open(uri, EXIT_HACK);
    assert.ok(codesOf(await client.diagnosticsAt(uri, 1)).includes('RH101'));
    let since = await changeSettings({ rules: { RH101: 'off' } });
    await client.diagnostics(uri, (p) => !codesOf(p).includes('RH101'), since);
    since = await changeSettings({ rules: {} });
    await client.diagnostics(uri, (p) => codesOf(p).includes('RH101'), since);
    await client.close(uri);
  });

  it('severities apply by rule name and by family, the most specific key winning', async () => {
    const uri = uriOf('src/severity.py');
    await client.open(uri, EXIT_HACK);
    await client.diagnosticsAt(uri, 1);
    let since = await changeSettings({ rules: { exit: 'warning' } });
    let p = await client.diagnostics(uri, (x) => x.diagnostics.some((d) => d.code === 'RH101' && d.severity === 2), since);
    since = await changeSettings({ rules: { RH1: 'off', 'forced-success-exit': 'info' } });
    p = await client.diagnostics(uri, (x) => x.diagnostics.some((d) => d.code === 'RH101' && d.severity === 3), since);
    assert.ok(p);
    await changeSettings({});
    await client.close(uri);
  });

  it('rewardHack.enable false clears the findings and says why', async () => {
    const uri = uriOf('src/enable.py');
    await client.open(uri, EXIT_HACK);
    await client.diagnosticsAt(uri, 1);
    const since = await changeSettings({ enable: false });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 0, since);
    assert.match((await waitForStatus(client, uri, (s) => s.skipped !== undefined)).skipped!, /rewardHack\.enable/);
    await changeSettings({});
    await client.close(uri);
  });

  it('rewardHack.exclude globs match paths relative to the workspace folder', async () => {
    await changeSettings({ exclude: ['generated/**'] });
    const excluded = uriOf('generated/hack.py');
    const included = uriOf('src/kept.py');
    await client.open(excluded, EXIT_HACK);
    await client.open(included, EXIT_HACK);
    assert.deepEqual((await client.diagnosticsAt(excluded, 1)).diagnostics, []);
    assert.ok(codesOf(await client.diagnosticsAt(included, 1)).includes('RH101'));
    await client.close(excluded);
    await client.close(included);
    await changeSettings({});
  });

  it('rewardHack.testFiles decides which files are tests', async () => {
    await changeSettings({ testFiles: ['checks/**'] });
    const uri = uriOf('checks/sums.py');
    await client.open(uri, EXIT_HACK);
    await client.diagnosticsAt(uri, 1);
    assert.equal((await waitForStatus(client, uri)).role, 'test');
    await client.close(uri);
    await changeSettings({});
  });

  it('bad values fall back to the defaults, are logged, and never stop the analysis', async () => {
    await changeSettings({ enable: 'yes', run: 5, rules: { RH101: 'loud', RH201: 'off' }, testFiles: 'tests/**', exclude: [1, 2] });
    const uri = uriOf('src/bad-settings.py');
    await client.open(uri, EXIT_HACK);
    assert.ok(codesOf(await client.diagnosticsAt(uri, 1)).includes('RH101'));
    await waitFor('a log line about the bad value', () => client.logs.find((l) => /rewardHack\.rules\["RH101"\]/.test(l)));
    await client.close(uri);
    await changeSettings({});
  });
});

describe('settings per workspace folder (multi-root)', { timeout: 30_000 }, () => {
  it('each folder gets its own settings', async () => {
    const a = tempWorkspace();
    const b = tempWorkspace();
    const { client } = await TestClient.start({
      workspaceFolders: [a, b],
      settings: (scopeUri) => (scopeUri?.startsWith(fileUri(a) + '/') ? { rules: { RH101: 'off' } } : {}),
    });
    try {
      const inA = fileUri(path.join(a, 'src', 'x.py'));
      const inB = fileUri(path.join(b, 'src', 'x.py'));
      await client.open(inA, EXIT_HACK);
      await client.open(inB, EXIT_HACK);
      assert.ok(!codesOf(await client.diagnosticsAt(inA, 1)).includes('RH101'));
      assert.ok(codesOf(await client.diagnosticsAt(inB, 1)).includes('RH101'));
    } finally {
      await client.stop();
    }
  });
});

describe('clients without workspace/configuration', { timeout: 30_000 }, () => {
  it('use initializationOptions.settings, then settings pushed with didChangeConfiguration', async () => {
    const ws = tempWorkspace();
    const capabilities = { ...CAPABILITIES, workspace: { ...CAPABILITIES.workspace, configuration: false } };
    const { client } = await TestClient.start({ workspaceFolders: [ws], capabilities, initializationOptions: { settings: { rules: { RH101: 'off' } } } });
    try {
      const uri = fileUri(path.join(ws, 'src', 'pushed.py'));
      await client.open(uri, EXIT_HACK);
      assert.ok(!codesOf(await client.diagnosticsAt(uri, 1)).includes('RH101'));
      assert.equal(client.configurationRequests.length, 0, 'the server asked a client that cannot answer');
      const since = client.published.length;
      await client.notify('workspace/didChangeConfiguration', { settings: { rewardHack: { rules: { RH101: 'warning' } } } });
      await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'RH101' && d.severity === 2), since);
    } finally {
      await client.stop();
    }
  });
});
