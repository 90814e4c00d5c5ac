/**
 * Patch review end to end: real git repositories in temporary folders, an agent-like change that adds a
 * hack, a suppression, a configuration change and deletes a test; the bundled CLI in a subprocess.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import { makeTree, runCli } from '../support/cli';
import { AGENT_FILES, BASE_FILES } from '../support/review-repo';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
}

function makeRepo(): string {
  const dir = makeTree(BASE_FILES);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  for (const [rel, text] of Object.entries(AGENT_FILES)) fs.writeFileSync(path.join(dir, rel), text);
  fs.rmSync(path.join(dir, 'tests', 'test_other.py'));
  return dir;
}

type JsonFinding = { path: string; line: number; rule: string; severity: string; message: string };
const summary = (findings: JsonFinding[]) => findings.map((f) => `${f.path}:${f.line} ${f.rule} ${f.severity}`).sort();

const EXPECTED = [
  'pyproject.toml:5 RH901 warning',
  `${path.join('src', 'helper.py')}:2 RH901 warning`,
  `${path.join('src', 'solution.py')}:5 RH101 error`,
  `${path.join('src', 'solution.py')}:5 RH901 warning`,
  `${path.join('tests', 'test_other.py')}:1 RH902 warning`,
  `${path.join('tests', 'test_solution.py')}:5 RH902 warning`,
].sort();

describe('scan --diff / --patch', () => {
  let repo: string;
  before(() => {
    repo = makeRepo();
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('reports exactly the hack, the suppression, the config change and the deleted tests (JSON)', () => {
    const r = runCli(['scan', '--diff', '--format', 'json'], repo);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(summary(out.findings), EXPECTED);
    const deleted = out.findings.filter((f: JsonFinding) => f.rule === 'RH902').map((f: JsonFinding) => f.message).join('\n');
    assert.match(deleted, /test_negative/);
    assert.match(deleted, /test_other\.py/);
    // Unchanged code (src/legacy.py's exit) is not part of the review.
    assert.ok(!out.findings.some((f: JsonFinding) => f.path.includes('legacy')));
  });

  it('prints the same findings as text', () => {
    const r = runCli(['scan', '--diff', 'HEAD'], repo);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^src\/solution\.py:5:5: RH101 \[error\] /m);
    assert.match(r.stdout, /^Found 6 findings \(1 error, 5 warnings\)/m);
  });

  it('reviews the index with --staged', () => {
    const dir = makeRepo();
    try {
      assert.equal(JSON.parse(runCli(['scan', '--diff', '--staged', '--format', 'json'], dir).stdout).findings.length, 0);
      git(dir, 'add', 'src/solution.py');
      const staged = JSON.parse(runCli(['scan', '--diff', '--staged', '--format', 'json'], dir).stdout);
      assert.deepEqual(summary(staged.findings), [`${path.join('src', 'solution.py')}:5 RH101 error`, `${path.join('src', 'solution.py')}:5 RH901 warning`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports whole changed files with --diff-scope files', () => {
    fs.appendFileSync(path.join(repo, 'src', 'legacy.py'), '\n\ndef unrelated():\n    return 1\n');
    try {
      const out = JSON.parse(runCli(['scan', '--diff', '--diff-scope', 'files', '--select', 'RH101', '--format', 'json'], repo).stdout);
      assert.ok(out.findings.some((f: JsonFinding) => f.path.endsWith('legacy.py') && f.line === 5));
      const lines = JSON.parse(runCli(['scan', '--diff', '--select', 'RH101', '--format', 'json'], repo).stdout);
      assert.ok(!lines.findings.some((f: JsonFinding) => f.path.endsWith('legacy.py')));
    } finally {
      git(repo, 'checkout', '-q', '--', 'src/legacy.py');
    }
  });

  it('handles renames without calling the moved tests deleted', () => {
    const dir = makeRepo();
    try {
      git(dir, 'checkout', '-q', '--', '.');
      git(dir, 'clean', '-fdq');
      git(dir, 'mv', 'tests/test_other.py', 'tests/test_renamed.py');
      const out = JSON.parse(runCli(['scan', '--diff', '--format', 'json'], dir).stdout);
      assert.deepEqual(out.findings, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not call a test moved into a new file deleted', () => {
    const dir = makeRepo();
    try {
      git(dir, 'checkout', '-q', '--', '.');
      git(dir, 'clean', '-fdq');
      fs.writeFileSync(path.join(dir, 'tests', 'test_solution.py'), BASE_FILES['tests/test_solution.py'].replace(/\n\n\ndef test_negative[\s\S]*$/, '\n'));
      fs.writeFileSync(path.join(dir, 'tests', 'test_negative.py'), 'from src.solution import solve\n\n\ndef test_negative():\n    assert solve(-1) == -2\n');
      const out = JSON.parse(runCli(['scan', '--diff', '--format', 'json'], dir).stdout);
      assert.deepEqual(out.findings, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports configuration that lowers a rule below its default, removes a raised rule, or deletes the table', () => {
    const table = (rules: string) => `[tool.reward-hack-detector]\nrules = { ${rules} }\n`;
    const cases: [string, string | null, RegExp][] = [
      [table('RH504 = "warning"'), table('RH504 = "warning", RH101 = "warning"'), /RH101' to 'warning' \(default 'error'\)/],
      [table('RH504 = "error"'), table(''), /removes rule 'RH504' = 'error'.*default 'warning'/],
      [table('RH504 = "error"'), '[project]\nname = "demo"\n', /removes rule 'RH504' = 'error'/],
      [table('RH504 = "error"'), null, /removes rule 'RH504' = 'error'/],
    ];
    for (const [base, next, expected] of cases) {
      const dir = makeTree({ ...BASE_FILES, 'pyproject.toml': base });
      try {
        git(dir, 'init', '-q', '-b', 'main');
        git(dir, 'add', '-A');
        git(dir, 'commit', '-qm', 'base');
        if (next === null) fs.rmSync(path.join(dir, 'pyproject.toml'));
        else fs.writeFileSync(path.join(dir, 'pyproject.toml'), next);
        const out = JSON.parse(runCli(['scan', '--diff', '--format', 'json'], dir).stdout);
        const messages = out.findings.filter((f: JsonFinding) => f.rule === 'RH901').map((f: JsonFinding) => f.message).join('\n');
        assert.match(messages, expected, next ?? 'deleted pyproject.toml');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('rejects refs that do not resolve and hostile ref names with exit 2', () => {
    for (const ref of ['no-such-branch', '--output=/tmp/pwned', 'HEAD;touch pwned', '$(touch pwned)', '-p']) {
      const r = runCli(['scan', `--diff=${ref}`], repo);
      assert.equal(r.status, 2, `${ref}: ${r.stdout}`);
      assert.match(r.stderr, /does not name a commit|needs a non-empty/, ref);
    }
    assert.ok(!fs.existsSync(path.join(repo, 'pwned')));
    assert.ok(!fs.existsSync('/tmp/pwned'));
  });

  it('says clearly when the folder is not a git repository', () => {
    const dir = makeTree({ 'a.py': 'x = 1\n' });
    try {
      const r = runCli(['scan', '--diff'], dir);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /not inside a git repository/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reviews a patch file against the files on disk (--patch FILE and stdin)', () => {
    const patch = git(repo, 'diff');
    const base = makeTree(BASE_FILES);
    try {
      const patchFile = path.join(base, 'agent.patch');
      fs.writeFileSync(patchFile, patch);
      const r = runCli(['scan', '--patch', 'agent.patch', '--format', 'json'], base);
      assert.equal(r.status, 1, r.stderr);
      const fromFile = summary(JSON.parse(r.stdout).findings);
      assert.deepEqual(fromFile, EXPECTED.filter((e) => !e.includes('helper.py')), 'untracked files are not in git diff');
      const stdin = runCli(['scan', '--patch', '-', '--format', 'json'], base, patch);
      assert.deepEqual(summary(JSON.parse(stdin.stdout).findings), fromFile);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('analyses the added content of new files in a patch with no files on disk', () => {
    const dir = makeTree({});
    try {
      const patch = ['--- /dev/null', '+++ b/src/new_solution.py', '@@ -0,0 +1,4 @@', '+import os', '+', '+def solve():', '+    os._exit(0)', ''].join('\n');
      const out = JSON.parse(runCli(['scan', '--patch', '-', '--format', 'json'], dir, patch).stdout);
      assert.deepEqual(summary(out.findings), [`${path.join('src', 'new_solution.py')}:4 RH101 error`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports tests renamed out of collection as renames, and leaves a renamed helper alone', () => {
    const before = ['from calc import add', '', '', 'def test_add():', '    assert add(1, 2) == 3', '', '', 'def helper_total():', '    return 3', ''].join('\n');
    const dir = makeTree({ 'tests/test_calc.py': before });
    try {
      const patch = [
        '--- a/tests/test_calc.py',
        '+++ b/tests/test_calc.py',
        '@@ -4,6 +4,6 @@',
        '-def test_add():',
        '+def _test_add():',
        '     assert add(1, 2) == 3',
        ' ',
        ' ',
        '-def helper_total():',
        '+def total_helper():',
        '     return 3',
        '',
      ].join('\n');
      const out = JSON.parse(runCli(['scan', '--patch', '-', '--format', 'json'], dir, patch).stdout);
      assert.deepEqual(summary(out.findings), [`${path.join('tests', 'test_calc.py')}:4 RH902 warning`]);
      assert.match(out.findings[0].message, /renames the test test_add to _test_add, a name the test runner does not collect/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Findings (`path:line message`) of `scan --diff` on a repository changed from `base` to `changed` (null deletes; `renames` first). */
  function reviewOf(base: Record<string, string>, changed: Record<string, string | null>, renames: [string, string][] = []): string[] {
    const dir = makeTree(base);
    try {
      git(dir, 'init', '-q', '-b', 'main');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', 'base');
      for (const [from, to] of renames) git(dir, 'mv', from, to);
      for (const [rel, text] of Object.entries(changed)) {
        if (text === null) fs.rmSync(path.join(dir, rel));
        else fs.writeFileSync(path.join(dir, rel), text);
      }
      const r = runCli(['scan', '--diff', '--format', 'json'], dir);
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      return JSON.parse(r.stdout).findings.map((f: JsonFinding) => `${f.path.split(path.sep).join('/')}:${f.line} ${f.rule} ${f.message}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('reports pytest configuration that takes tests out of the run, in each file pytest reads, and leaves other options alone', () => {
    const found = reviewOf(
      {
        'pytest.ini': '[pytest]\naddopts = -q --ignore=docs\ntestpaths = tests\n',
        'setup.cfg': '[metadata]\nname = calc\n\n[flake8]\nignore = E501\n',
        'pyproject.toml': '[project]\nname = "calc"\n',
        'tox.ini': '[tox]\nenvlist = py311\n\n[pytest]\ntestpaths = tests\n',
      },
      {
        'pytest.ini': '[pytest]\naddopts =\n    -q --ignore=docs\n    --ignore=build\n    --deselect tests/test_calc.py::test_refund\n    -k "not slow"\ntestpaths = tests\nnorecursedirs = .venv build\n',
        'setup.cfg': '[metadata]\nname = calc\n\n[flake8]\nignore = E501\n\n[tool:pytest]\naddopts = --co\n',
        'pyproject.toml': '[project]\nname = "calc"\n\n[tool.pytest.ini_options]\naddopts = ["-m", "not db", "--ignore-glob=tests/test_api*.py"]\npython_files = ["check_*.py"]\n',
        'tox.ini': '[tox]\nenvlist = py311\n\n[pytest]\ntestpaths = tests/unit\nnorecursedirs = tests/integration\n',
      },
    );
    const summarised = found.map((f) => f.replace(/ RH902 This change (adds|sets) /, ' ').replace(/ to pytest's.*| to [^,]*, leaving out.*/, ''));
    assert.deepEqual(summarised.sort(), [
      'pyproject.toml:5 -m "not db"',
      'pyproject.toml:5 --ignore-glob=tests/test_api*.py',
      "pyproject.toml:6 pytest's python_files",
      'pytest.ini:5 --deselect tests/test_calc.py::test_refund',
      'pytest.ini:6 -k "not slow"',
      'setup.cfg:8 --co (--collect-only)',
      "tox.ini:5 pytest's testpaths",
      'tox.ini:6 tests/integration',
    ].sort());
    assert.ok(found.every((f) => / RH902 /.test(f)));
    assert.ok(found.some((f) => /python_files to check_\*\.py, leaving out test_\*\.py \*_test\.py/.test(f)), found.join('\n'));
  });

  it('reports options after which pytest runs nothing or ignores failures, and ignores wide enough to take in every test', () => {
    const found = reviewOf(
      { 'pytest.ini': '[pytest]\naddopts = -q\ntestpaths = tests\n' },
      { 'pytest.ini': '[pytest]\naddopts = -q\n    --ignore-glob=*.py\n    --ignore-glob=docs/*.py\n    --ignore=build\n    --suppress-tests-failed-exit-code\n    --markers\ntestpaths = tests\n' },
    );
    assert.deepEqual(found.map((f) => f.replace(/ to pytest's addopts.*/, '')), [
      'pytest.ini:3 RH902 This change adds --ignore-glob=*.py',
      'pytest.ini:6 RH902 This change adds --suppress-tests-failed-exit-code',
      'pytest.ini:7 RH902 This change adds --markers',
    ]);
    assert.match(found[1]!, /exits with status 0 even when tests fail/);
    assert.match(found[2]!, /runs no test at all/);
  });

  it('reports collection patterns that only narrow pytest\'s defaults and plugins switched off that collect tests', () => {
    const found = reviewOf(
      { 'pytest.ini': '[pytest]\naddopts = -ra\n', 'setup.cfg': '[metadata]\nname = calc\n', 'tox.ini': '[tox]\nenvlist = py311\n' },
      {
        'pytest.ini': '[pytest]\naddopts = -ra -p no:unittest -p no:doctest\npython_functions = test_*_simple test_mean*\n',
        'setup.cfg': '[metadata]\nname = calc\n\n[tool:pytest]\npython_files = test_u*.py\n',
        'tox.ini': '[tox]\nenvlist = py311\n\n[pytest]\npython_functions = test_*\npython_files = test_*.py tests.py\n',
      },
    );
    assert.deepEqual(found.map((f) => f.replace(/: .*/, '')).sort(), [
      'pytest.ini:2 RH902 This change adds -p no:unittest to pytest\'s addopts',
      "pytest.ini:3 RH902 This change sets pytest's python_functions to test_*_simple test_mean*, leaving out test",
      "setup.cfg:5 RH902 This change sets pytest's python_files to test_u*.py, leaving out test_*.py *_test.py",
    ]);
  });

  it('reports a conftest the change makes deselect tests or mark tests it picks by name, not the --runslow recipe', () => {
    const conftest = [
      'import sys',
      '',
      'import pytest',
      '',
      'KNOWN = ("test_median_even", "test_top_k_order")',
      '',
      '',
      'def pytest_addoption(parser):',
      '    parser.addoption("--runslow", action="store_true")',
      '',
      '',
      'def pytest_configure(config):',
      '    config.option.deselect = list(config.option.deselect or []) + ["tests/test_core.py::test_slugify"]',
      '',
      '',
      'def pytest_collection_modifyitems(config, items):',
      '    for item in items:',
      '        if item.name in KNOWN:',
      '            item.add_marker(pytest.mark.xfail(reason="flaky on CI", strict=False))',
      '        if "slow" in item.keywords and not config.getoption("--runslow"):',
      '            item.add_marker(pytest.mark.skip(reason="need --runslow"))',
      '        if sys.platform == "win32" and item.name.endswith("_posix"):',
      '            item.add_marker(pytest.mark.skip(reason="POSIX only"))',
      '',
    ].join('\n');
    const found = reviewOf({ 'tests/test_core.py': 'def test_ok():\n    assert 1 + 1 == 2\n' }, { 'tests/conftest.py': conftest }).filter((f) => f.includes('RH902'));
    assert.deepEqual(found.map((f) => f.replace(/ RH902 .*/, '')), ['tests/conftest.py:13', 'tests/conftest.py:19']);
    assert.match(found[0]!, /deselects tests from a conftest/);
    assert.match(found[1]!, /marks the tests a conftest picks by name \(`item\.name in KNOWN`\) as expected to fail/);
    // Unchanged lines of an existing conftest are not the change's doing.
    const kept = reviewOf({ 'tests/conftest.py': conftest, 'tests/test_core.py': 'def test_ok():\n    assert 1 + 1 == 2\n' }, { 'tests/conftest.py': `${conftest}\n\ndef pytest_report_header(config):\n    return "statkit"\n` });
    assert.deepEqual(kept.filter((f) => f.includes('RH902')), []);
  });

  it('reads collection keys that addopts overrides with -o', () => {
    const found = reviewOf(
      { 'pytest.ini': '[pytest]\naddopts = -ra\n', 'setup.cfg': '[tool:pytest]\naddopts = -q\n' },
      { 'pytest.ini': '[pytest]\naddopts = -ra -o python_files=test_u*.py\n', 'setup.cfg': '[tool:pytest]\naddopts = -q --override-ini=python_functions=test_*\n' },
    );
    // `python_functions = test_*` only spells the default's tests differently: nothing left out.
    assert.deepEqual(found.map((f) => f.replace(/: .*/, '')), ["pytest.ini:2 RH902 This change sets pytest's python_files to test_u*.py, leaving out test_*.py *_test.py"]);
  });

  it('reports tests emptied or stripped of every check, but not checks moved into a helper', () => {
    const before = [
      'from calc import add',
      'from .helpers import run_case',
      '',
      '',
      'def _check(a, b, total):',
      '    assert add(a, b) == total',
      '',
      '',
      'def test_add():',
      '    assert add(1, 2) == 3',
      '',
      '',
      'def test_neg():',
      '    result = add(-1, -2)',
      '    assert result == -3',
      '',
      '',
      'class TestZero:',
      '    def test_zero(self):',
      '        self.assertEqual(add(0, 0), 0)',
      '',
      '    def test_via_helper(self):',
      '        assert add(0, 1) == 1',
      '',
      '',
      'def test_imported_helper():',
      '    assert add(2, 2) == 4',
      '',
      '',
      'def test_placeholder():',
      '    pass',
      '',
    ].join('\n');
    const after = before
      .replace('    assert add(1, 2) == 3', '    """Checked elsewhere."""\n    pass')
      .replace('    assert result == -3', '    print(result)')
      .replace('        self.assertEqual(add(0, 0), 0)', '        ...')
      .replace('        assert add(0, 1) == 1', '        _check(0, 1, 1)')
      .replace('    assert add(2, 2) == 4', '    run_case(2, 2, 4)');
    const found = reviewOf({ 'tests/test_calc.py': before, 'tests/helpers.py': 'def run_case(a, b, total):\n    assert a + b == total\n' }, { 'tests/test_calc.py': after });
    assert.deepEqual(found.map((f) => f.replace(/:(\d+) RH902 This change (\w+) .*?test (\S+).*/, ':$1 $2 $3')), [
      'tests/test_calc.py:9 empties test_add:',
      'tests/test_calc.py:14 removes test_neg',
      'tests/test_calc.py:20 empties TestZero.test_zero:',
    ]);
  });

  it('reports unconditional skips and xfails a change puts on existing tests, once per mark, and leaves conditional ones alone', () => {
    const before = [
      'import sys',
      'import unittest',
      '',
      'import pytest',
      '',
      '',
      'def test_add():',
      '    assert 1 + 2 == 3',
      '',
      '',
      'def test_neg():',
      '    assert -1 - 2 == -3',
      '',
      '',
      'def test_posix():',
      '    assert 2 + 2 == 4',
      '',
      '',
      '@pytest.mark.skip(reason="slow")',
      'def test_already_skipped():',
      '    assert 3 * 3 == 9',
      '',
      '',
      'class TestNet:',
      '    def test_fetch(self):',
      '        assert 1 == 1 + 0',
      '',
      '    def test_post(self):',
      '        assert 2 == 2 + 0',
      '',
      '',
      'class TestLegacy(unittest.TestCase):',
      '    def test_old(self):',
      '        self.assertEqual(1, 1 + 0)',
      '',
    ].join('\n');
    const after = before
      .replace('def test_add():', '@pytest.mark.skip(reason="flaky, fix later")\ndef test_add():')
      .replace('def test_neg():', '@pytest.mark.xfail\ndef test_neg():')
      .replace('def test_posix():', '@pytest.mark.skipif(sys.platform == "win32", reason="posix only")\ndef test_posix():')
      .replace('class TestNet:', '@pytest.mark.skip(reason="needs network access")\nclass TestNet:')
      .replace('    def test_old(self):', '    @unittest.expectedFailure\n    def test_old(self):');
    const found = reviewOf({ 'tests/test_calc.py': before, 'tests/test_more.py': 'def test_one():\n    assert 1 == 1 + 0\n\n\ndef test_two():\n    assert 2 == 2 + 0\n' }, {
      'tests/test_calc.py': after,
      'tests/test_more.py': 'import pytest\n\npytestmark = pytest.mark.skip\n\n\ndef test_one():\n    assert 1 == 1 + 0\n\n\ndef test_two():\n    assert 2 == 2 + 0\n',
    });
    assert.deepEqual(found.filter((f) => / RH902 /.test(f)), [
      'tests/test_calc.py:7 RH902 This change skips the test test_add (`pytest.mark.skip`, reason "flaky, fix later"): it no longer runs',
      'tests/test_calc.py:12 RH902 This change marks the test test_neg as expected to fail (`pytest.mark.xfail`, no reason): a failure there no longer fails the run',
      'tests/test_calc.py:27 RH902 This change skips the test class TestNet (`pytest.mark.skip`, reason "needs network access"): its tests no longer run (the reason names the environment or an issue)',
      'tests/test_calc.py:37 RH902 This change marks the test TestLegacy.test_old as expected to fail (`unittest.expectedFailure`, no reason): a failure there no longer fails the run',
      'tests/test_more.py:3 RH902 This change skips the 2 tests of this file (`pytest.mark.skip`, no reason): its tests no longer run',
    ]);
  });

  it('reports a test file renamed to a name pytest does not collect, with or without edits, and not a rename that stays collected', () => {
    const tests = 'from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\ndef test_sub():\n    assert add(3, -1) == 2\n';
    const found = reviewOf(
      { 'tests/test_calc.py': tests, 'tests/test_api.py': tests.replace(/add/g, 'mul'), 'tests/test_db.py': tests.replace(/add/g, 'put') },
      {},
      [
        ['tests/test_calc.py', 'tests/calc_cases.py'],
        ['tests/test_api.py', 'tests/test_api.py.bak'],
        ['tests/test_db.py', 'tests/db_test.py'],
      ],
    );
    assert.deepEqual(found, [
      'tests/calc_cases.py:1 RH902 This change renames the test file tests/test_calc.py to tests/calc_cases.py, a name pytest does not collect (test_*.py, *_test.py): its 2 tests (test_add, test_sub) no longer run',
      'tests/test_api.py.bak:1 RH902 This change renames the test file tests/test_api.py to tests/test_api.py.bak, a name pytest does not collect (test_*.py, *_test.py): its 2 tests (test_mul, test_sub) no longer run',
    ]);
  });

  it('treats a test renamed with its body unchanged as a rename, and a method deleted beside a namesake in another class as a deletion', () => {
    const before = [
      'from calc import add, mul',
      '',
      '',
      'def test_mul():',
      '    assert mul(2, 3) == 6',
      '',
      '',
      'class TestAdd:',
      '    def test_negative(self):',
      '        assert add(-1, -2) == -3',
      '',
      '',
      'class TestMul:',
      '    def test_negative(self):',
      '        assert mul(-2, 3) == -6',
      '',
      '    def test_zero(self):',
      '        assert mul(0, 3) == 0',
      '',
    ].join('\n');
    const dir = makeTree({ 'tests/test_calc.py': before });
    try {
      const patch = [
        '--- a/tests/test_calc.py',
        '+++ b/tests/test_calc.py',
        '@@ -1,18 +1,15 @@',
        ' from calc import add, mul',
        ' ',
        ' ',
        '-def test_mul():',
        '+def test_mul_positive():',
        '     assert mul(2, 3) == 6',
        ' ',
        ' ',
        ' class TestAdd:',
        '     def test_negative(self):',
        '         assert add(-1, -2) == -3',
        ' ',
        ' ',
        ' class TestMul:',
        '-    def test_negative(self):',
        '-        assert mul(-2, 3) == -6',
        '-',
        '     def test_zero(self):',
        '         assert mul(0, 3) == 0',
        '',
      ].join('\n');
      const out = JSON.parse(runCli(['scan', '--patch', '-', '--format', 'json'], dir, patch).stdout);
      assert.deepEqual(
        out.findings.map((f: { rule: string; message: string }) => `${f.rule} ${f.message.match(/test \S+/)?.[0]}`),
        ['RH902 test TestMul.test_negative'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports findings on unchanged lines that the change brings about, and not those that were there before', () => {
    const before = [
      'import os',
      'from os import getpid as stop',
      '',
      '',
      'class Money:',
      '    def __eq__(self, other):',
      '        return self.cents == other.cents',
      '',
      '',
      'def finish():',
      '    stop(0)',
      '',
      '',
      'def legacy():',
      '    os._exit(0)',
      '',
    ].join('\n');
    const dir = makeTree({ 'src/money.py': before });
    try {
      const patch = [
        '--- a/src/money.py',
        '+++ b/src/money.py',
        '@@ -1,7 +1,7 @@',
        ' import os',
        '-from os import getpid as stop',
        '+from os import _exit as stop',
        ' ',
        ' ',
        ' class Money:',
        '     def __eq__(self, other):',
        '-        return self.cents == other.cents',
        '+        return True',
        '',
      ].join('\n');
      const out = JSON.parse(runCli(['scan', '--patch', '-', '--format', 'json'], dir, patch).stdout);
      // The __eq__ finding is reported on its changed return, the exit on the unchanged call; legacy()'s exit predates the change.
      assert.deepEqual(
        out.findings.map((f: { rule: string; line: number }) => `${f.rule}:${f.line}`),
        ['RH201:7', 'RH101:11'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with a clear message when a patch does not apply', () => {
    const dir = makeTree({ 'src/solution.py': 'def solve(n):\n    return n + 100\n' });
    try {
      const patch = ['--- a/src/solution.py', '+++ b/src/solution.py', '@@ -1,2 +1,3 @@', ' def solve(n):', '-    return n * 2', '+    import sys', '+    sys.exit(0)', ''].join('\n');
      const r = runCli(['scan', '--patch', '-'], dir, patch);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /does not apply to src\/solution\.py/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 when the patch text is not a diff at all, instead of passing it with no findings', () => {
    const dir = makeTree({ 'src/solution.py': 'def solve(n):\n    return n * 2\n' });
    try {
      const r = runCli(['scan', '--patch', '-'], dir, 'Traceback (most recent call last):\n  oops\n');
      assert.equal(r.status, 2);
      assert.match(r.stderr, /<patch>: not a unified diff: no file header/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reviews git format-patch output, whose email signature ends each message', () => {
    const dir = makeTree({ 'tests/test_calc.py': 'from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n' });
    try {
      const patch = [
        'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
        'From: Agent <agent@example.com>',
        'Subject: [PATCH] make the test pass',
        '',
        '---',
        ' tests/test_calc.py | 2 +-',
        ' 1 file changed, 1 insertion(+), 1 deletion(-)',
        '',
        'diff --git a/tests/test_calc.py b/tests/test_calc.py',
        'index 1111111..2222222 100644',
        '--- a/tests/test_calc.py',
        '+++ b/tests/test_calc.py',
        '@@ -3,3 +3,3 @@ from calc import add',
        ' ',
        ' def test_add():',
        '-    assert add(1, 2) == 3',
        '+    assert True',
        '-- ',
        '2.43.0',
        '',
      ].join('\n');
      const r = runCli(['scan', '--patch', '-', '--format', 'json'], dir, patch);
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(summary(JSON.parse(r.stdout).findings), [`${path.join('tests', 'test_calc.py')}:5 RH401 warning`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes SARIF 2.1.0 that validates against the schema, with rules, fingerprints and suppressions', () => {
    const r = runCli(['scan', '--diff', '--format', 'sarif'], repo);
    assert.equal(r.status, 1);
    const log: any = JSON.parse(r.stdout);
    const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const run = log.runs[0];
    assert.ok(run.tool.driver.rules.find((x: { id: string }) => x.id === 'RH101').help.markdown.includes('RH101'));
    assert.equal(run.results.length, 6);
    for (const res of run.results) assert.match(res.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{32}:\d+$/);
    assert.equal(run.results.find((x: { ruleId: string }) => x.ruleId === 'RH101').locations[0].physicalLocation.artifactLocation.uri, 'src/solution.py');
  });

  it('reports in-source suppressions in SARIF with their justification', () => {
    const dir = makeTree({ 'src/tool.py': 'import os\n\n\ndef stop():\n    os._exit(0)  # reward-hack: ignore[RH101] -- worker process, parent checks results\n' });
    try {
      const r = runCli(['scan', '.', '--format', 'sarif'], dir);
      assert.equal(r.status, 0);
      const result = JSON.parse(r.stdout).runs[0].results[0];
      assert.deepEqual(result.suppressions, [{ kind: 'inSource', justification: 'worker process, parent checks results' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
