/** The `scan` command end to end: the bundled CLI in a subprocess over real files. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTree, runCli } from '../support/cli';

const HACK = 'import sys\n\n\ndef solve(n):\n    sys.exit(0)\n';
const CLEAN = 'def solve(n):\n    return n * 2\n';

describe('reward-hack-detector scan', () => {
  const dirs: string[] = [];
  const tree = (files: Record<string, string | Uint8Array>) => {
    const d = makeTree(files);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('prints findings as path:line:col: CODE [severity] message with a summary, exit 1', () => {
    const dir = tree({ 'solution.py': HACK, 'clean.py': CLEAN });
    const r = runCli(['scan', '.'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^solution\.py:5:5: RH101 \[error\] .+$/m);
    assert.match(r.stdout, /^Found 1 finding \(1 error\) in 2 files\.$/m);
  });

  it('exits 0 with a clean summary when nothing is found', () => {
    const dir = tree({ 'clean.py': CLEAN });
    const r = runCli(['scan'], dir);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /No findings in 1 file\./);
  });

  it('writes the version 1 JSON contract with 1-based positions', () => {
    const dir = tree({ 'pkg/solution.py': HACK });
    const r = runCli(['scan', 'pkg', '--format', 'json'], dir);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['version', 'files', 'findings', 'errors']);
    assert.equal(out.version, 1);
    assert.equal(out.files, 1);
    const f = out.findings[0];
    assert.deepEqual(Object.keys(f), ['path', 'line', 'column', 'endLine', 'endColumn', 'rule', 'name', 'severity', 'message']);
    assert.deepEqual([f.path, f.line, f.column, f.endLine, f.rule, f.name, f.severity], [path.join('pkg', 'solution.py'), 5, 5, 5, 'RH101', 'forced-success-exit', 'error']);
  });

  it('honours --fail-on, --severity, --select and --ignore', () => {
    const dir = tree({ 'solution.py': HACK });
    assert.equal(runCli(['scan', '--fail-on', 'never'], dir).status, 0);
    const lowered = runCli(['scan', '--severity', 'RH101=info', '--format', 'json'], dir);
    assert.equal(lowered.status, 0, 'info is below the default --fail-on warning');
    assert.equal(JSON.parse(lowered.stdout).findings[0].severity, 'info');
    assert.equal(runCli(['scan', '--severity', 'RH101=info', '--fail-on', 'info'], dir).status, 1);
    assert.equal(JSON.parse(runCli(['scan', '--ignore', 'exit', '--format', 'json'], dir).stdout).findings.length, 0);
    assert.equal(JSON.parse(runCli(['scan', '--select', 'RH2', '--format', 'json'], dir).stdout).findings.length, 0);
    assert.equal(JSON.parse(runCli(['scan', '--select', 'RH1,RH2', '--format', 'json'], dir).stdout).findings.length, 1);
  });

  it('rejects bad usage with exit 2 and a clear message', () => {
    const dir = tree({ 'a.py': CLEAN });
    for (const args of [['scan', '--format', 'xml'], ['scan', '--nope'], ['scan', '--select', 'RH999'], ['scan', '--severity', 'RH101=loud'], ['frobnicate']]) {
      const r = runCli(args, dir);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^reward-hack-detector: .+/, args.join(' '));
    }
  });

  it('reports unreadable, binary and non-UTF-8 files as errors and keeps scanning', () => {
    const dir = tree({
      'bin.py': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]),
      'latin.py': new Uint8Array([0x78, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]),
      'solution.py': HACK,
    });
    const r = runCli(['scan', '.', 'missing.py', '--format', 'json'], dir);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.errors.map((e: { path: string }) => e.path).sort(), ['bin.py', 'latin.py', 'missing.py']);
    assert.equal(out.findings.length, 1);
  });

  it('skips .git, node_modules, virtual environments and .gitignored paths when walking', () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/hooks/x.py': HACK,
      'node_modules/pkg/x.py': HACK,
      'env/pyvenv.cfg': 'home = /usr\n',
      'env/lib/x.py': HACK,
      '.gitignore': 'build/\nsecret_*.py\n',
      'build/x.py': HACK,
      'src/secret_x.py': HACK,
      'src/solution.py': HACK,
    });
    const out = JSON.parse(runCli(['scan', '--format', 'json'], dir).stdout);
    assert.equal(out.files, 1);
    assert.deepEqual(out.findings.map((f: { path: string }) => f.path), [path.join('src', 'solution.py')]);
  });

  it('always scans files named on the command line, even ignored ones', () => {
    const dir = tree({ '.gitignore': 'build/\n', 'build/x.py': HACK });
    assert.equal(JSON.parse(runCli(['scan', 'build/x.py', '--format', 'json'], dir).stdout).findings.length, 1);
  });

  it('does not follow symbolic links out of the scanned tree', () => {
    const outside = tree({ 'evil.py': HACK });
    const dir = tree({ 'src/solution.py': CLEAN });
    fs.symlinkSync(outside, path.join(dir, 'src', 'linked'));
    fs.symlinkSync(path.join(outside, 'evil.py'), path.join(dir, 'src', 'evil_link.py'));
    fs.symlinkSync(path.join(dir, 'src'), path.join(dir, 'src', 'loop'));
    const out = JSON.parse(runCli(['scan', 'src', '--format', 'json'], dir).stdout);
    assert.equal(out.files, 1);
    assert.equal(out.findings.length, 0);
  });

  it('scans hundreds of files named at once', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`f${i}.py`] = i % 100 === 0 ? HACK : CLEAN;
    const dir = tree(files);
    const r = runCli(['scan', '--format', 'json', ...Object.keys(files)], dir);
    const out = JSON.parse(r.stdout);
    assert.equal(out.files, 400);
    assert.equal(out.findings.length, 4);
  });

  it('reads [tool.reward-hack-detector] from the nearest pyproject.toml; flags win over it', () => {
    const dir = tree({
      'pyproject.toml': '[tool.reward-hack-detector]\nrules = { RH101 = "info" }\nexclude = ["generated/**"]\ntest-files = ["checks/**"]\n',
      'src/solution.py': HACK,
      'generated/x.py': HACK,
      // An always-equal helper is an error in code under test and at most info in tests.
      'checks/verify.py': 'class AnyValue:\n    def __eq__(self, other):\n        return True\n',
    });
    const out = JSON.parse(runCli(['scan', '--format', 'json'], dir).stdout);
    const loud = out.findings.filter((f: { severity: string }) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(loud, [], 'checks/ is test code by the configured glob');
    assert.deepEqual(out.findings.filter((f: { rule: string }) => f.rule === 'RH101').map((f: { path: string; severity: string }) => `${f.path} ${f.severity}`), [`${path.join('src', 'solution.py')} info`]);
    assert.equal(out.files, 2, 'excluded files are not walked');
    const flagged = JSON.parse(runCli(['scan', 'src', '--severity', 'RH101=error', '--format', 'json'], dir).stdout);
    assert.equal(flagged.findings[0].severity, 'error');
    // From a subfolder, the configuration above still applies.
    assert.equal(JSON.parse(runCli(['scan', '.', '--format', 'json'], path.join(dir, 'src')).stdout).findings[0].severity, 'info');
  });

  it('reports a malformed pyproject.toml once and scans on with the defaults', () => {
    const dir = tree({
      'pyproject.toml': '[tool.reward-hack-detector]\nrules = { RH101 = "loud" }\nbogus = 1\n',
      'src/solution.py': HACK,
      'src/other.py': HACK,
    });
    const out = JSON.parse(runCli(['scan', '--format', 'json'], dir).stdout);
    assert.equal(out.findings.length, 2);
    assert.equal(out.errors.length, 2);
    assert.match(out.errors.map((e: { message: string }) => e.message).join('\n'), /RH101 must be one of.*\n.*unknown key 'bogus'/s);
    const broken = tree({ 'pyproject.toml': '[tool.reward-hack-detector\nrules = {', 'a.py': HACK });
    const r = runCli(['scan', '--format', 'json'], broken);
    assert.equal(r.status, 1);
    assert.match(JSON.parse(r.stdout).errors[0].message, /invalid TOML/);
  });

  it("reports pytest addopts at a scanned folder's root that deselect named tests (RH303), honouring settings", () => {
    const tests = 'from dates import parse\n\n\ndef test_iso_week():\n    assert parse("2024-W09") == 9\n\n\ndef test_tz_offset():\n    assert parse("+02:00") == 2\n\n\ndef test_ok():\n    assert parse("1") == 1\n';
    const cfg = '[tool:pytest]\naddopts =\n    -ra\n    -k "not iso_week and not tz_offset"\n';
    const dir = tree({ 'setup.cfg': cfg, 'tests/test_dates.py': tests, 'sub/pytest.ini': '[pytest]\naddopts = --co\n' });
    const out = JSON.parse(runCli(['scan', '.', '--format', 'json'], dir).stdout);
    assert.deepEqual(out.findings.map((f: { path: string; line: number; rule: string; severity: string }) => [f.path, f.line, f.rule, f.severity]), [['setup.cfg', 4, 'RH303', 'warning']]);
    assert.equal(out.files, 1, 'configuration files are not counted as scanned Python files');
    assert.equal(JSON.parse(runCli(['scan', '.', '--format', 'json', '--ignore', 'RH303'], dir).stdout).findings.length, 0);
    const quiet = tree({ 'pytest.ini': '[pytest]\naddopts = -m "not slow" --ignore=docs\n', 'tests/test_dates.py': tests });
    assert.equal(JSON.parse(runCli(['scan', '.', '--format', 'json'], quiet).stdout).findings.length, 0);
  });

  it('reads the test names that addopts deselect from the files the test-files setting names, as for roles', () => {
    const tests = 'from dates import parse\n\n\ndef test_iso_week():\n    assert parse("2024-W09") == 9\n\n\ndef test_tz_offset():\n    assert parse("+02:00") == 2\n';
    const ini = '[pytest]\naddopts = -k "not iso_week and not tz_offset"\n';
    const rh303 = (files: Record<string, string>) =>
      JSON.parse(runCli(['scan', '.', '--format', 'json'], tree(files)).stdout).findings.filter((f: { rule: string }) => f.rule === 'RH303').map((f: { path: string }) => f.path);
    // A Django-style tests.py is a test file by the default globs.
    assert.deepEqual(rh303({ 'pytest.ini': ini, 'dates/tests.py': tests }), ['pytest.ini']);
    // Specs under checks/ are the project's tests by its setting, not by their names.
    assert.deepEqual(rh303({ 'pytest.ini': ini, 'checks/dates_spec.py': tests }), []);
    assert.deepEqual(rh303({ 'pytest.ini': ini, 'checks/dates_spec.py': tests, 'pyproject.toml': '[tool.reward-hack-detector]\ntest-files = ["checks/**"]\n' }), ['pytest.ini']);
  });

  it('lists the rules', () => {
    const r = runCli(['rules', '--format', 'json']);
    assert.equal(r.status, 0);
    const rules = JSON.parse(r.stdout);
    assert.ok(rules.some((x: { code: string }) => x.code === 'RH101'));
  });
});
