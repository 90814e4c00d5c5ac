/**
 * File roles from pytest's own configuration (host/pytest-roles.ts): `python_files` patterns make tests, and
 * `pytest11` entry points make plugins (test infrastructure), through the CLI on real files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { pytestRolesIn } from '../../server/src/host/pytest-roles';
import { makeTree, runCli } from '../support/cli';

function scan(files: Record<string, string>): string[] {
  const dir = makeTree(files);
  try {
    const r = runCli(['scan', '.', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).findings.map((f: { path: string; rule: string; severity: string }) => `${f.path.split('\\').join('/')} ${f.rule} ${f.severity}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A frozen clock: normal in tests and plugins, a hack in code under test (RH601). */
const FROZEN = ['import time', '', '', 'def freeze():', '    time.time = lambda: 1700000000.0', ''].join('\n');

describe('roles from pytest configuration', () => {
  it('reads python_files from pytest.ini, pyproject.toml, tox.ini or setup.cfg, and pytest11 plugins from pyproject.toml or setup.cfg', () => {
    assert.deepEqual(pytestRolesIn([{ name: 'pytest.ini', text: '[pytest]\npython_files = check_*.py verify_*.py\n' }]).testFiles, ['**/check_*.py', '**/verify_*.py']);
    assert.deepEqual(pytestRolesIn([{ name: 'pyproject.toml', text: '[tool.pytest.ini_options]\npython_files = ["spec_*.py"]\n' }]).testFiles, ['**/spec_*.py']);
    assert.deepEqual(pytestRolesIn([{ name: 'setup.cfg', text: '[tool:pytest]\npython_files = t_*.py\n' }]).testFiles, ['**/t_*.py']);
    assert.deepEqual(pytestRolesIn([{ name: 'tox.ini', text: '[tox]\nenvlist = py3\n\n[pytest]\npython_files = x_*.py\n' }]).testFiles, ['**/x_*.py']);
    // pytest.ini wins over the others.
    assert.deepEqual(pytestRolesIn([{ name: 'setup.cfg', text: '[tool:pytest]\npython_files = t_*.py\n' }, { name: 'pytest.ini', text: '[pytest]\npython_files = p_*.py\n' }]).testFiles, ['**/p_*.py']);
    const cfg = ['[metadata]', 'name = clockfix', '', '[options.entry_points]', 'pytest11 =', '    clockfix = clockfix.plugin', 'console_scripts =', '    clockfix = clockfix.cli:main', ''].join('\n');
    assert.deepEqual(pytestRolesIn([{ name: 'setup.cfg', text: cfg }]).infrastructureFiles, ['**/clockfix/plugin.py', '**/clockfix/plugin/__init__.py']);
    const toml = ['[project]', 'name = "clockfix"', '', '[project.entry-points.pytest11]', 'clockfix = "clockfix.fixtures:plugin"', ''].join('\n');
    assert.deepEqual(pytestRolesIn([{ name: 'pyproject.toml', text: toml }]).infrastructureFiles, ['**/clockfix/fixtures.py', '**/clockfix/fixtures/__init__.py']);
    assert.deepEqual(pytestRolesIn([{ name: 'pyproject.toml', text: '[project\nbroken' }]), { testFiles: [], infrastructureFiles: [] });
  });

  it('makes python_files tests and pytest11 plugins test infrastructure in a scan', () => {
    const base = { 'sched/rate.py': 'def rate(n):\n    return n * 2\n', 'sched/clock.py': FROZEN };
    // Without configuration, every module here is code under test.
    assert.deepEqual(scan({ ...base, 'checks/check_clock.py': FROZEN, 'clockfix/plugin.py': FROZEN }).sort(), ['checks/check_clock.py RH601 error', 'clockfix/plugin.py RH601 error', 'sched/clock.py RH601 error']);
    const configured = {
      ...base,
      'pytest.ini': '[pytest]\ntestpaths = checks\npython_files = check_*.py\n',
      'setup.cfg': '[options.entry_points]\npytest11 =\n    clockfix = clockfix.plugin\n',
      'checks/check_clock.py': FROZEN,
      'clockfix/plugin.py': FROZEN,
    };
    assert.deepEqual(scan(configured), ['sched/clock.py RH601 error']);
  });
});
