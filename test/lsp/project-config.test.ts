/**
 * `[tool.reward-hack-detector]` in pyproject.toml, read by the language server as the CLI reads it: the
 * same findings for the same files, the editor's settings winning for the keys they set, re-read when
 * the file changes (workspace/didChangeWatchedFiles), malformed files reported once and never fatal.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { runCli } from '../support/cli';
import { EXIT_HACK, fileUri, TestClient, tempWorkspace, waitFor, type FileStatus } from './harness';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];
const codesOf = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${String(d.code)} ${SEVERITY[d.severity ?? 0]}`);

const PYPROJECT = [
  '[project]',
  'name = "demo"',
  '',
  '[tool.reward-hack-detector]',
  'rules = { RH101 = "warning", RH2 = "off" }',
  'test-files = ["checks/**"]',
  'exclude = ["generated/**"]',
  '',
].join('\n');

const ALWAYS_TRUE = ['class Anything:', '    def __eq__(self, other):', '        return True', ''].join('\n');

describe('project configuration (pyproject.toml)', { timeout: 120_000 }, () => {
  let client: TestClient;
  let ws: string;
  let settings: Record<string, unknown> = {};
  const uriOf = (rel: string) => fileUri(path.join(ws, rel));

  before(async () => {
    ws = tempWorkspace({
      'pyproject.toml': PYPROJECT,
      'src/solution.py': EXIT_HACK,
      'src/equality.py': ALWAYS_TRUE,
      'checks/verify.py': EXIT_HACK,
      'tests/test_thing.py': EXIT_HACK,
      'generated/out.py': EXIT_HACK,
      'pkg/pyproject.toml': '[tool.reward-hack-detector]\ntest-files = ["probes/**"]\n',
      'pkg/probes/p.py': EXIT_HACK,
      'pkg/src/s.py': EXIT_HACK,
    });
    ({ client } = await TestClient.start({ workspaceFolders: [ws], settings: () => settings }));
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  async function changeSettings(next: Record<string, unknown>): Promise<number> {
    settings = next;
    const since = client.published.length;
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    return since;
  }

  /** Opens a file and waits for this open's diagnostics and status (files are opened more than once). */
  async function openAndWait(rel: string, text = fs.readFileSync(path.join(ws, rel), 'utf8')) {
    const uri = uriOf(rel);
    const since = client.published.length;
    const notes = client.notifications.length;
    await client.open(uri, text);
    const p = await client.diagnostics(uri, (x) => x.version === 1, since);
    const status = await waitFor('the file status', () =>
      client.notifications.slice(notes).find((n) => n.method === 'rewardHack/fileStatus' && (n.params as FileStatus).uri === uri)?.params as FileStatus | undefined,
    );
    return { uri, p, status };
  }

  it('open files get exactly the findings the CLI reports for them', async () => {
    const cli = runCli(['scan', '--format', 'json', '--fail-on', 'never', '.'], ws);
    assert.equal(cli.status, 0, cli.stderr);
    const findings = JSON.parse(cli.stdout).findings as { path: string; line: number; rule: string; severity: string }[];
    const files = ['src/solution.py', 'src/equality.py', 'checks/verify.py', 'tests/test_thing.py', 'pkg/probes/p.py', 'pkg/src/s.py'];
    for (const rel of files) {
      const { uri, p } = await openAndWait(rel);
      const editor = p.diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)} ${SEVERITY[d.severity ?? 0]}`).sort();
      const command = findings.filter((f) => f.path.split(path.sep).join('/') === rel).map((f) => `${f.line} ${f.rule} ${f.severity}`).sort();
      assert.deepEqual(editor, command, rel);
      await client.close(uri);
    }
    // And the file's own settings did apply: RH101 lowered to a warning, RH2 off.
    assert.ok(findings.some((f) => f.rule === 'RH101' && f.severity === 'warning'));
    assert.ok(!findings.some((f) => f.rule.startsWith('RH2')));
  });

  it('test-files and exclude come from the file, relative to its folder', async () => {
    for (const [rel, role] of [
      ['checks/verify.py', 'test'],
      ['tests/test_thing.py', 'code-under-test'],
      ['pkg/probes/p.py', 'test'],
      ['pkg/src/s.py', 'code-under-test'],
    ] as const) {
      const { uri, status } = await openAndWait(rel);
      assert.equal(status.role, role, rel);
      await client.close(uri);
    }
    const { uri, p, status } = await openAndWait('generated/out.py');
    assert.deepEqual(p.diagnostics, []);
    assert.match(status.skipped ?? '', /excluded by .*pyproject\.toml/);
    await client.close(uri);
  });

  it('the editor settings win for the keys they set: rules per key, testFiles and exclude whole', async () => {
    const { uri, p } = await openAndWait('src/solution.py');
    assert.deepEqual(codesOf(p), ['RH101 warning']);
    let since = await changeSettings({ rules: { RH101: 'error' } });
    await client.diagnostics(uri, (x) => codesOf(x).join() === 'RH101 error', since);
    // A key the editor does not set keeps the file's value (RH2 stays off).
    const eq = await openAndWait('src/equality.py');
    assert.deepEqual(eq.p.diagnostics, []);
    since = await changeSettings({ rules: { RH2: 'warning' } });
    await client.diagnostics(eq.uri, (x) => x.diagnostics.length > 0, since);
    await client.diagnostics(uri, (x) => codesOf(x).join() === 'RH101 warning', since);
    await client.close(eq.uri);
    await client.close(uri);

    // testFiles from the editor replace the file's globs (relative to the workspace folder).
    await changeSettings({ testFiles: ['tests/**'] });
    let opened = await openAndWait('checks/verify.py');
    assert.equal(opened.status.role, 'code-under-test');
    await client.close(opened.uri);
    opened = await openAndWait('tests/test_thing.py');
    assert.equal(opened.status.role, 'test');
    await client.close(opened.uri);

    // exclude from the editor replaces the file's.
    await changeSettings({ exclude: [] });
    opened = await openAndWait('generated/out.py');
    assert.equal(opened.status.skipped, undefined);
    assert.ok(opened.p.diagnostics.length > 0);
    await client.close(opened.uri);
    await changeSettings({});
  });

  it('re-reads the file when the client reports a change to a pyproject.toml', async () => {
    const { uri, p } = await openAndWait('src/solution.py');
    assert.deepEqual(codesOf(p), ['RH101 warning']);
    fs.writeFileSync(path.join(ws, 'pyproject.toml'), PYPROJECT.replace('RH101 = "warning"', 'RH101 = "info"'));
    // Other files changing are not a reason to re-read.
    let since = client.published.length;
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('src/other.txt'), type: 2 }] });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(client.published.slice(since).filter((x) => x.uri === uri).length, 0);
    since = client.published.length;
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('pyproject.toml'), type: 2 }] });
    await client.diagnostics(uri, (x) => codesOf(x).join() === 'RH101 info', since);
    fs.writeFileSync(path.join(ws, 'pyproject.toml'), PYPROJECT);
    since = client.published.length;
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('pyproject.toml'), type: 2 }] });
    await client.diagnostics(uri, (x) => codesOf(x).join() === 'RH101 warning', since);
    await client.close(uri);
  });
});

describe('a malformed pyproject.toml', { timeout: 60_000 }, () => {
  it('is reported once in the log and once as a warning, and analysis goes on with the defaults', async () => {
    const ws = tempWorkspace({
      'pyproject.toml': '[tool.reward-hack-detector]\nrules = { RH101 = "loud" }\nsurprise = 1\n',
      'a.py': EXIT_HACK,
      'b.py': EXIT_HACK,
    });
    const { client } = await TestClient.start({ workspaceFolders: [ws] });
    const warnings = () => client.notifications.filter((n) => n.method === 'window/showMessage' && (n.params as { type: number }).type === 2);
    try {
      for (const rel of ['a.py', 'b.py']) {
        const uri = fileUri(path.join(ws, rel));
        await client.open(uri, EXIT_HACK);
        const p = await client.diagnosticsAt(uri, 1);
        assert.deepEqual(codesOf(p), ['RH101 error'], 'the default severity applies');
      }
      await waitFor('the warning', () => warnings().length > 0);
      assert.equal(warnings().length, 1);
      assert.match((warnings()[0]!.params as { message: string }).message, /pyproject\.toml has problems/);
      const logged = client.logs.filter((l) => l.includes('pyproject.toml'));
      assert.equal(logged.filter((l) => /rules\.RH101/.test(l)).length, 1, logged.join('\n'));
      assert.equal(logged.filter((l) => /unknown key 'surprise'/.test(l)).length, 1, logged.join('\n'));

      // Broken differently after an edit: logged again, but no second notification for the same file.
      fs.writeFileSync(path.join(ws, 'pyproject.toml'), '[tool.reward-hack-detector\nrules = {\n');
      const since = client.published.length;
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(ws, 'pyproject.toml')), type: 2 }] });
      await waitFor('the new problem in the log', () => client.logs.some((l) => /invalid TOML/.test(l)));
      const uri = fileUri(path.join(ws, 'a.py'));
      assert.deepEqual(codesOf(await client.diagnostics(uri, () => true, since)), ['RH101 error']);
      assert.equal(warnings().length, 1);
      assert.equal(client.hasExited, false);
    } finally {
      await client.stop();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
