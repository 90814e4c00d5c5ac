/**
 * pytest's configuration files in the editor: the real server judges an open `pytest.ini` / `pyproject.toml` as the
 * CLI's scan does (RH303 on `addopts` that take named tests out of every run), with the project's test names.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { fileUri, TestClient, tempWorkspace } from './harness';

const TESTS = 'from dates import parse\n\n\ndef test_iso_week():\n    assert parse("2024-W09") == 9\n\n\ndef test_tz_offset():\n    assert parse("+02:00") == 2\n';
const INI = '[pytest]\naddopts =\n    -ra\n    -k "not iso_week and not tz_offset"\n';

describe('pytest configuration files', { timeout: 60_000 }, () => {
  let client: TestClient;
  let ws: string;
  const uriOf = (rel: string) => fileUri(path.join(ws, rel));

  before(async () => {
    ws = tempWorkspace({ 'pytest.ini': INI, 'tests/test_dates.py': TESTS, 'src/dates.py': 'def parse(s):\n    return 0\n' });
    ({ client } = await TestClient.start({ workspaceFolders: [ws] }));
  });
  after(async () => client?.stop());

  it('publishes the findings the CLI reports for an open pytest.ini, and updates them on edits', async () => {
    const uri = uriOf('pytest.ini');
    await client.open(uri, INI, 'ini');
    const published = await client.diagnosticsAt(uri, 1);
    const editor = published.diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)} ${d.severity}`);
    const cli = JSON.parse(runCli(['scan', '--format', 'json', '--fail-on', 'never', '.'], ws).stdout) as { findings: { path: string; line: number; rule: string }[] };
    const fromCli = cli.findings.filter((f) => f.path === 'pytest.ini').map((f) => `${f.line} ${f.rule} 2`);
    assert.deepEqual(editor, ['4 RH303 2']);
    assert.deepEqual(editor, fromCli);
    assert.match(String(published.diagnostics[0]!.message), /test_iso_week/);
    // A -k term that names a category (no test function by that name) is the project's selection: quiet.
    const v2 = await client.change(uri, [{ text: '[pytest]\naddopts = -k "not slow"\n' }]);
    assert.deepEqual((await client.diagnosticsAt(uri, v2)).diagnostics, []);
    await client.close(uri);
  });

  it('takes test names from open, unsaved test files too', async () => {
    const test = uriOf('tests/test_leap.py');
    await client.open(test, 'def test_leap_day():\n    assert True is not False\n');
    const uri = uriOf('pyproject.toml');
    await client.open(uri, '[tool.pytest.ini_options]\naddopts = ["-k", "not leap_day"]\n', 'toml');
    const p = await client.diagnosticsAt(uri, 1);
    assert.deepEqual(p.diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)}`), ['2 RH303']);
    await client.close(uri);
    await client.close(test);
  });

  it('leaves other non-Python files alone', async () => {
    const uri = uriOf('notes.ini');
    await client.open(uri, '[pytest]\naddopts = --co\n', 'ini');
    assert.deepEqual((await client.diagnosticsAt(uri, 1)).diagnostics, []);
    await client.close(uri);
  });
});
