/** Engine behaviour that does not belong to one rule: roles, suppressions, settings, bad input. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, effectiveSeverity, isRuleEnabled, parseSuppression, type RuleMeta } from '../../server/src/engine';
import type { Rule } from '../../server/src/engine/rule';
import { ensureParser } from '../support/engine';
import { forcedSuccessExit } from '../../server/src/rules/exit/RH101-forced-success-exit';

/** A probe rule that reports every call to `probe()` with the severity given as its argument. */
const probeMeta: RuleMeta = {
  code: 'RH199',
  name: 'probe-rule',
  family: 'RH1',
  defaultSeverity: 'error',
  docs: { summary: 'probe', why: 'probe', example: 'probe()', instead: 'probe', lookAlikes: ['none'] },
};
const probe: Rule = {
  meta: probeMeta,
  create: (ctx) => ({
    call(node) {
      if (node.childForFieldName('function')?.text !== 'probe') return;
      const arg = node.childForFieldName('arguments')?.namedChild(0)?.text ?? '"error"';
      ctx.report({ node, message: `probe in ${ctx.roleAt(node)}`, severity: JSON.parse(arg.replace(/'/g, '"')) });
    },
  }),
};
const throwing: Rule = { meta: { ...probeMeta, code: 'RH198', name: 'throwing-rule' }, create: () => ({ call() { throw new Error('boom'); } }) };

function run(source: string, path = 'src/solution.py', settings = {}) {
  return analyze({ source, path, settings }, [probe]);
}

describe('engine', () => {
  before(ensureParser);

  describe('file roles', () => {
    const roles: [string, string, string][] = [
      ['tests/test_x.py', 'x = 1', 'test'],
      ['pkg/test_x.py', 'x = 1', 'test'],
      ['pkg/x_test.py', 'x = 1', 'test'],
      ['project/tests/helpers.py', 'x = 1', 'test'],
      ['conftest.py', 'x = 1', 'test-infrastructure'],
      ['tests/conftest.py', 'x = 1', 'test-infrastructure'],
      ['pkg/plugin.py', 'def pytest_configure(config):\n    pass', 'test-infrastructure'],
      ['pkg/xdist_like.py', 'import pytest\nclass Plugin:\n    @pytest.hookimpl(tryfirst=True)\n    def pytest_runtest_protocol(self, item):\n        pass', 'test-infrastructure'],
      ['pkg/not_a_plugin.py', 'class Plugin:\n    def pytest_configure(self, config):\n        pass', 'code-under-test'],
      ['tests/plugins/green.py', 'import pytest\nclass Green:\n    @pytest.hookimpl(hookwrapper=True)\n    def pytest_runtest_makereport(self, item, call):\n        yield', 'test-infrastructure'],
      ['tests/test_plugin.py', 'import pytest\nclass Green:\n    @pytest.hookimpl(hookwrapper=True)\n    def pytest_runtest_makereport(self, item, call):\n        yield\ndef test_green(pytester):\n    pass', 'test'],
      ['tests/test_hooks.py', 'def pytest_configure(config):\n    pass\ndef test_x():\n    pass', 'test-infrastructure'],
      ['pkg/__main__.py', 'x = 1', 'entry-point'],
      ['pkg/tool.py', '#!/usr/bin/env python3\nx = 1', 'entry-point'],
      ['pkg/checks.py', 'import unittest\nclass T(unittest.TestCase):\n    pass', 'test'],
      ['pkg/solution.py', 'def solve():\n    return 1', 'code-under-test'],
      ['/usr/lib/python3/test/test_os.py', 'x = 1', 'test'],
      // A script named like a test that defines none and runs as a program runs the tests: infrastructure.
      ['scripts/ci_test.py', 'import subprocess\ndef main():\n    return subprocess.call(["pytest"])\nif __name__ == "__main__":\n    main()', 'test-infrastructure'],
      ['run_test.py', '#!/usr/bin/env python3\nimport pytest\npytest.main()', 'test-infrastructure'],
      ['scripts/ci_test.py', 'def test_x():\n    pass\nif __name__ == "__main__":\n    test_x()', 'test'],
      ['tests/run_test.py', 'if __name__ == "__main__":\n    pass', 'test'],
      ['pkg/x_test.py', 'def helper():\n    pass', 'test'],
      ['pkg/parser_test.py', 'import helper\nclass ParserTest(helper.BaseTest):\n    def testParse(self):\n        pass\nif __name__ == "__main__":\n    helper.main()', 'test'],
    ];
    for (const [path, source, role] of roles) it(`${path} is ${role}`, () => assert.equal(run(source, path).role, role));

    it('honours configured test globs', () => {
      assert.equal(run('x = 1', 'checks/verify_x.py', { testFiles: ['checks/**'] }).role, 'test');
      assert.equal(run('x = 1', 'tests/test_x.py', { testFiles: ['checks/**'] }).role, 'code-under-test');
    });

    it('treats code under the main guard as an entry point', () => {
      const r = run('probe()\nif __name__ == "__main__":\n    probe()\n');
      assert.deepEqual(r.findings.map((f) => f.message), ['probe in code-under-test', 'probe in entry-point']);
    });
  });

  describe('declared commands', () => {
    it('treats the functions the project declares as commands as entry points, and only those', () => {
      const source = ['def run_hook():', '    probe()', '', '@decorate', 'def other():', '    def inner():', '        probe()', '    probe()', '', 'probe()'].join('\n');
      const roles = (settings: object) => run(source, 'src/hooks/precommit.py', settings).findings.map((f) => `${f.range.start.line} ${f.message}`);
      assert.deepEqual(roles({ entryPointFunctions: ['run_hook', 'other'] }), ['1 probe in entry-point', '6 probe in entry-point', '7 probe in entry-point', '9 probe in code-under-test']);
      assert.deepEqual(roles({}), ['1 probe in code-under-test', '6 probe in code-under-test', '7 probe in code-under-test', '9 probe in code-under-test']);
      // A test file stays a test file whatever the project declares.
      assert.deepEqual(run(source, 'tests/test_hooks.py', { entryPointFunctions: ['run_hook'] }).findings[0]!.message, 'probe in test');
    });
  });

  describe('suppressions', () => {
    it('parses codes, names and justifications', () => {
      assert.deepEqual(parseSuppression('# reward-hack: ignore[RH101, forced-success-exit] -- CLI exit'), {
        kind: 'line',
        rules: ['RH101', 'forced-success-exit'],
        justification: 'CLI exit',
      });
      assert.equal(parseSuppression('# reward-hack: ignore-file[RH201]')?.kind, 'file');
      assert.equal(parseSuppression('# noqa: E501'), undefined);
    });

    it('silences the same line and the line below a standalone comment', () => {
      const r = run('probe()  # reward-hack: ignore[RH199] -- fine\n# reward-hack: ignore[probe-rule] -- also\nprobe()\nprobe()\n');
      assert.equal(r.findings.length, 1);
      assert.equal(r.findings[0]!.range.start.line, 3);
      assert.deepEqual(r.suppressed.map((s) => s.justification), ['fine', 'also']);
    });

    it('does not let a trailing comment on the line above silence the next line', () => {
      const r = run('x = 1  # reward-hack: ignore[RH199]\nprobe()\n');
      assert.equal(r.findings.length, 1);
    });

    it('silences a whole file and ignores other codes', () => {
      assert.equal(run('probe()\n# reward-hack: ignore-file[RH199] -- generated\nprobe()\n').findings.length, 0);
      assert.equal(run('probe()  # reward-hack: ignore[RH201]\n').findings.length, 1);
    });

    it('never reads suppressions inside strings', () => {
      assert.equal(run('probe()\nx = "# reward-hack: ignore-file[RH199]"\n').findings.length, 1);
    });
  });

  describe('settings', () => {
    it('matches codes, names, family codes and family names, most specific first', () => {
      assert.equal(isRuleEnabled(probeMeta, { rules: { RH1: 'off' } }), false);
      assert.equal(isRuleEnabled(probeMeta, { rules: { exit: 'off', 'probe-rule': 'warning' } }), true);
      assert.equal(isRuleEnabled(probeMeta, { select: ['RH2'] }), false);
      assert.equal(isRuleEnabled(probeMeta, { select: ['exit'] }), true);
      assert.equal(isRuleEnabled(probeMeta, { ignore: ['rh199'] }), false);
    });

    it('shifts role-lowered severities along with the configured one', () => {
      assert.equal(effectiveSeverity(probeMeta, 'error', { rules: { RH199: 'warning' } }), 'warning');
      assert.equal(effectiveSeverity(probeMeta, 'info', { rules: { RH199: 'warning' } }), 'hint');
      assert.equal(effectiveSeverity(probeMeta, 'info', {}), 'info');
      assert.equal(effectiveSeverity(probeMeta, 'hint', { rules: { all: 'hint' } }), 'hint');
    });

    it('applies configured severities to findings', () => {
      assert.equal(run('probe()', 'src/a.py', { rules: { RH199: 'info' } }).findings[0]!.severity, 'info');
      assert.equal(run('probe()', 'src/a.py', { rules: { RH199: 'off' } }).findings.length, 0);
    });
  });

  describe('bad input', () => {
    it('reports syntax errors but still analyses the recovered tree', () => {
      const r = run('def broken(:\n    pass\nprobe()\n');
      assert.equal(r.syntaxErrors, true);
      assert.equal(r.findings.length, 1);
    });

    it('skips NUL bytes and oversized files with a clear error', () => {
      assert.match(run('probe()\0').error ?? '', /NUL/);
      assert.match(run('probe()\n'.repeat(10), 'a.py', { maxFileSize: 20 }).error ?? '', /too large/);
    });

    it('survives deep nesting without overflowing the stack', () => {
      const deep = '(' .repeat(5000) + '1' + ')'.repeat(5000) + '\n' + 'if x:\n'.split('').join('') ;
      let blocks = '';
      for (let i = 0; i < 300; i++) blocks += ' '.repeat(i) + 'if x:\n';
      blocks += ' '.repeat(300) + 'probe()\n';
      assert.doesNotThrow(() => run(deep));
      assert.equal(run(blocks).findings.length, 1);
    });

    it('isolates a throwing rule: its error is recorded, other rules still report', () => {
      const r = analyze({ source: 'probe()', path: 'a.py' }, [probe, throwing]);
      assert.equal(r.findings.length, 1);
      assert.deepEqual(r.ruleErrors, [{ rule: 'RH198', message: 'boom' }]);
    });

    it('handles CRLF, BOM-free unicode and tabs', () => {
      const r = run('x = "é😀"\r\nif x:\r\n\tprobe()\r\n');
      assert.equal(r.findings[0]!.range.start.line, 2);
      assert.equal(r.findings[0]!.range.start.column, 1);
    });
  });

  describe('code in strings that exec() runs', () => {
    it('analyses the string as code and reports on the string, in code under test and test infrastructure', () => {
      const source = ['def solve():', '    exec("probe(\'warning\')")', '    exec("x = " + "1")', '    exec(compile("probe()", "f", "exec"))', 'import builtins as b', 'b.exec("probe(\'info\')")'].join('\n');
      const r = run(source);
      // `exec("x = " + "1")` runs a sum of literals (no probe in it); `compile(...)` of a literal is reported at the
      // argument. Code kept in a string is reported one level more severe than written out (error stays error).
      assert.deepEqual(r.findings.map((f) => `${f.range.start.line}:${f.range.start.column} ${f.severity}`), ['1:9 error', '3:9 error', '5:7 warning']);
      assert.match(r.findings[0]!.message, /^In the code that `exec\(\)` runs from this string: probe in code-under-test/);
      assert.match(r.findings[1]!.message, /^In the code that `exec\(\)` runs from `compile\("probe\(\)", "f", "exec"\)`: /);
      assert.equal(run(source, 'conftest.py').findings.length, 3);
    });

    it('follows eval() and a module-level constant bound once, reported at the call', () => {
      const r = run(['CODE = "probe()"', 'def solve():', '    return eval(CODE)'].join('\n'));
      assert.deepEqual(r.findings.map((f) => `${f.range.start.line}:${f.range.start.column}`), ['2:16']);
      assert.match(r.findings[0]!.message, /^In the code that `eval\(\)` runs from `CODE`: /);
      // Bound twice: which string runs is unknown.
      assert.deepEqual(run(['CODE = "probe()"', 'CODE = "1"', 'def solve():', '    return eval(CODE)'].join('\n')).findings, []);
    });

    it('leaves strings alone in tests and scripts, strings not run by the builtin, and strings in exec strings', () => {
      assert.deepEqual(run('def test_x():\n    exec("probe()")\n', 'tests/test_x.py').findings, []);
      assert.deepEqual(run('if __name__ == "__main__":\n    exec("probe()")\n').findings, []);
      assert.deepEqual(run('def exec(s):\n    pass\nexec("probe()")\n').findings, []);
      assert.deepEqual(run('print("exec(\'probe()\')")\n').findings, []);
      const nested = run('exec("exec(\'probe()\')")\n');
      assert.deepEqual(nested.findings, []);
    });

    it('analyses the string inside the definitions around the call, without reporting those definitions again', () => {
      // `exec()` in a method runs in its frame: RH101 judges the exit as one in that function, not at module level.
      const exit = analyze({ source: ['class Runner:', '    @staticmethod', '    def finish(code):', '        exec("import sys\\nsys.exit(0)")'].join('\n'), path: 'src/runner.py' }, [forcedSuccessExit]);
      assert.equal(exit.findings.length, 1);
      assert.match(exit.findings[0]!.message, /in method `Runner\.finish\(\)`/);
      assert.doesNotMatch(exit.findings[0]!.message, /module level/);
      // A probe in the copied decorator is the file's own finding (reported once, at the decorator), not the string's.
      const r = run(['@probe("warning")', 'def solve():', '    exec("probe()")'].join('\n'));
      assert.deepEqual(r.findings.map((f) => `${f.range.start.line}:${f.range.start.column} ${f.severity}`), ['0:1 warning', '2:9 error']);
    });

    it('honours suppression comments on the exec line', () => {
      const r = run('exec("probe()")  # reward-hack: ignore[RH199] -- generated by the build\n');
      assert.deepEqual(r.findings, []);
      assert.equal(r.suppressed.length, 1);
    });
  });
});
