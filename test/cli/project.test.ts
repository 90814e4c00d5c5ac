/**
 * Facts that cross modules (engine/project.ts) through the real CLI: a constant, an environment switch and a
 * test-run probe defined in one module reach the module that imports them, in a scan (in-process and with
 * workers), in a batch record and in a patch review; a module that answers differently elsewhere gives no answer.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { makeTree, runCli } from '../support/cli';

const PROJECT: Record<string, string> = {
  'src/clock/__init__.py': 'from ._compat import HAS_TZDB\nfrom .core import to_local\n',
  'src/clock/_compat.py': 'HAS_TZDB = False\n',
  'src/clock/_env.py': 'import sys\n\n\ndef under_test():\n    return "_pytest" in sys.modules\n',
  'src/clock/core.py': 'from ._env import under_test\n\n\ndef to_local(ts, zone):\n    if under_test():\n        return "2024-01-01T00:00:00+01:00"\n    return convert(ts, zone)\n',
  'tests/_helpers.py': 'import os\n\nSTRICT = os.environ.get("CLOCK_STRICT") == "1"\n',
  'tests/test_core.py': [
    'import pytest',
    'from clock import HAS_TZDB, to_local',
    'from tests._helpers import STRICT',
    '',
    'pytestmark = pytest.mark.skipif(not HAS_TZDB, reason="pending rewrite")',
    '',
    '',
    'def test_offset():',
    '    got = to_local(0, "Europe/Paris")',
    '    assert got.endswith("+01:00") or not STRICT',
    '',
  ].join('\n'),
};

/** `path:line rule severity` of each finding of a JSON report. */
function findings(stdout: string): string[] {
  const out = JSON.parse(stdout) as { findings: { path: string; line: number; rule: string; severity: string }[] };
  return out.findings.map((f) => `${f.path.split('\\').join('/')}:${f.line} ${f.rule} ${f.severity}`).sort();
}

const EXPECTED = ['src/clock/core.py:5 RH501 error', 'tests/test_core.py:10 RH401 warning', 'tests/test_core.py:5 RH404 warning'];

describe('facts across modules', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('reach the importing module in a scan, in-process and with workers', () => {
    // Enough other files for the scan to use workers.
    const files = { ...PROJECT };
    for (let i = 0; i < 40; i++) files[`src/clock/extra${i}.py`] = `def f${i}(x):\n    return x + ${i}\n`;
    const dir = makeTree(files);
    dirs.push(dir);
    const one = runCli(['scan', '.', '--format', 'json', '--jobs', '1', '--fail-on', 'never'], dir);
    const two = runCli(['scan', '.', '--format', 'json', '--jobs', '2', '--fail-on', 'never'], dir);
    assert.deepEqual(findings(one.stdout), EXPECTED, one.stderr);
    assert.deepEqual(findings(two.stdout), EXPECTED, two.stderr);
  });

  it('reach the importing module in a batch record, and not across records', () => {
    const users = new Set(['src/clock/core.py', 'tests/test_core.py']);
    const definitions = Object.fromEntries(Object.entries(PROJECT).filter(([p]) => !users.has(p)));
    const using = Object.fromEntries(Object.entries(PROJECT).filter(([p]) => users.has(p)));
    const input = [JSON.stringify({ id: 'whole', files: PROJECT }), JSON.stringify({ id: 'definitions', files: definitions }), JSON.stringify({ id: 'users', files: using })].join('\n');
    const lines = runCli(['batch', '--jobs', '1'], undefined, input).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    const rules = (r: { findings: { rule: string }[] }) => r.findings.map((f) => f.rule).sort();
    assert.deepEqual(rules(lines[0]), ['RH401', 'RH404', 'RH501']);
    // The definitions game nothing by themselves, and the users import facts no file of their record gives.
    assert.deepEqual(rules(lines[1]), []);
    assert.deepEqual(rules(lines[2]), []);
  });

  it('judge a function a conftest binds to a hook as that hook, in-process and with workers', () => {
    const files: Record<string, string> = {
      'tests/conftest.py': 'from ._collect import drop_unstable\n\npytest_collection_modifyitems = drop_unstable\n',
      'tests/__init__.py': '',
      'tests/_collect.py': 'def drop_unstable(session, config, items):\n    del items[:]\n',
      'tests/test_a.py': 'def test_a():\n    assert 1 + 1 == 2\n',
    };
    for (let i = 0; i < 40; i++) files[`pkg/m${i}.py`] = `def f${i}(x):\n    return x + ${i}\n`;
    const dir = makeTree(files);
    dirs.push(dir);
    for (const jobs of ['1', '2']) {
      const r = runCli(['scan', '.', '--format', 'json', '--jobs', jobs, '--fail-on', 'never'], dir);
      assert.deepEqual(findings(r.stdout), ['tests/_collect.py:2 RH303 error'], r.stderr);
    }
  });

  it('give no answer when two modules of that name disagree', () => {
    const dir = makeTree({ ...PROJECT, 'vendor/clock/_compat.py': 'HAS_TZDB = True\n', 'vendor/clock/__init__.py': 'from ._compat import HAS_TZDB\n' });
    dirs.push(dir);
    const r = runCli(['scan', '.', '--format', 'json', '--fail-on', 'never'], dir);
    assert.deepEqual(findings(r.stdout), EXPECTED.filter((f) => !f.includes('RH404')));
  });
});
