/**
 * Facts from imported modules in the editor (lsp/imports.ts): an open file gets the findings `scan` gives it
 * when a constant or a test-run probe it imports is defined in another module, read from disk or, when that
 * module is open, from the editor's unsaved text; and a helper module's function that a conftest binds to a
 * pytest hook is judged as that hook.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { runCli } from '../support/cli';
import { fileUri, TestClient, tempWorkspace } from './harness';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];
const codesOf = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)} ${SEVERITY[d.severity ?? 0]}`).sort();

const FILES: Record<string, string> = {
  'src/clock/__init__.py': 'from ._compat import HAS_TZDB\nfrom .core import to_local\n',
  'src/clock/_compat.py': 'HAS_TZDB = False\n',
  'src/clock/_env.py': 'import sys\n\n\ndef under_test():\n    return "_pytest" in sys.modules\n',
  'src/clock/core.py': 'from ._env import under_test\n\n\ndef to_local(ts, zone):\n    if under_test():\n        return "2024-01-01T00:00:00+01:00"\n    return convert(ts, zone)\n',
  'tests/conftest.py': 'from ._reporting import normalize as pytest_runtest_makereport  # noqa: F401\n',
  'tests/__init__.py': '',
  'tests/_reporting.py': 'import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\ndef normalize(item, call):\n    outcome = yield\n    rep = outcome.get_result()\n    if rep.failed:\n        rep.outcome = "passed"\n',
  'tests/test_core.py': 'import pytest\nfrom clock import HAS_TZDB, to_local\n\npytestmark = pytest.mark.skipif(not HAS_TZDB, reason="pending rewrite")\n\n\ndef test_offset():\n    assert to_local(0, "Europe/Paris").endswith("+01:00")\n',
};

describe('facts from imported modules', { timeout: 120_000 }, () => {
  let client: TestClient;
  let ws: string;
  const uriOf = (rel: string) => fileUri(path.join(ws, rel));

  before(async () => {
    ws = tempWorkspace(FILES);
    ({ client } = await TestClient.start({ workspaceFolders: [ws] }));
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  async function openAndWait(rel: string, text = FILES[rel]!) {
    const uri = uriOf(rel);
    const since = client.published.length;
    await client.open(uri, text);
    return { uri, p: await client.diagnostics(uri, (x) => x.version === 1, since) };
  }

  it('gives an open file what the CLI gives it, with the imported modules read from disk', async () => {
    const cli = runCli(['scan', '--format', 'json', '--fail-on', 'never', '.'], ws);
    const findings = JSON.parse(cli.stdout).findings as { path: string; line: number; rule: string; severity: string }[];
    for (const rel of ['src/clock/core.py', 'tests/test_core.py', 'tests/_reporting.py']) {
      const command = findings.filter((f) => f.path.split(path.sep).join('/') === rel).map((f) => `${f.line} ${f.rule} ${f.severity}`).sort();
      const { uri, p } = await openAndWait(rel);
      assert.ok(command.length > 0, `the CLI finds something in ${rel}`);
      assert.deepEqual(codesOf(p), command, rel);
      await client.close(uri);
    }
  });

  it('reads an imported module that is open from the editor, unsaved edits included', async () => {
    const compat = uriOf('src/clock/_compat.py');
    await client.open(compat, 'HAS_TZDB = True\n');
    const { uri, p } = await openAndWait('tests/test_core.py');
    assert.deepEqual(codesOf(p), []);
    await client.close(uri);
    await client.close(compat);
    const again = await openAndWait('tests/test_core.py');
    assert.deepEqual(codesOf(again.p), ['4 RH404 warning']);
    await client.close(again.uri);
  });
});
