/** RH303 on pytest's configuration: addopts options that take named tests, or every test, out of every run. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configuredDeselections, testFunctionNames } from '../../server/src/rules/framework/configured-deselection';

const TESTS = [
  'test_supported_formats',
  'test_iso_week_dates',
  'test_tz_offset_timestamps',
  'test_unknown_month',
  'test_slow_import',
  'test_slow_parse',
  'test_slow_render',
  'test_slow_export',
  'TestParser',
];
const names = () => TESTS;
const found = (text: string, name: string) => configuredDeselections(text, name, names).map((f) => `${f.range.start.line + 1}:${f.severity}`);

describe('RH303 in pytest configuration (addopts)', () => {
  it('reports -k expressions that deselect a few tests by name, in each file pytest reads', () => {
    const cfg = ['[metadata]', 'name = x', '', '[tool:pytest]', 'testpaths = tests', 'addopts =', '    -ra', '    -k "not iso_week and not tz_offset"', ''].join('\n');
    assert.deepEqual(found(cfg, 'setup.cfg'), ['8:warning']);
    assert.deepEqual(found('[pytest]\naddopts = -ra -k "not (iso_week or tz_offset)"\n', 'pytest.ini'), ['2:warning']);
    assert.deepEqual(found('[tool.pytest.ini_options]\naddopts = ["-k", "not test_iso_week_dates"]\n', 'pyproject.toml'), ['2:warning']);
    assert.deepEqual(found('[pytest]\naddopts = -knot_iso_week\n', 'tox.ini'), []);
    assert.deepEqual(found('[pytest]\naddopts = "-knot iso_week"\n', '.pytest.ini'), ['2:warning']);
  });

  it('reports --deselect of test ids or files, --ignore of test files, and options that run nothing', () => {
    assert.deepEqual(found('[pytest]\naddopts = --deselect tests/test_parse.py::test_iso_week_dates\n', 'pytest.ini'), ['2:warning']);
    assert.deepEqual(found('[pytest]\naddopts =\n  --deselect=tests/test_parse.py\n  --ignore=tests/test_render.py\n', 'pytest.ini'), ['3:warning', '4:warning']);
    assert.deepEqual(found('[tool.pytest.ini_options]\naddopts = "-q --co"\n', 'pyproject.toml'), ['2:error']);
    assert.deepEqual(found('[tool:pytest]\naddopts = --ignore-glob=test_*.py\n', 'setup.cfg'), ['2:error']);
    assert.deepEqual(found('[pytest]\naddopts = -k "not test_"\n', 'pytest.ini'), ['2:error']);
    assert.deepEqual(found('[pytest]\naddopts = -p no:python\n', 'pytest.ini'), ['2:error']);
  });

  it('stays quiet on categories, non-test paths and options that do not select', () => {
    const quiet = [
      ['[pytest]\naddopts = -ra --strict-markers -m "not slow and not network"\n', 'pytest.ini'],
      // A term that matches many tests is a category; one that matches none is a marker, class or module keyword.
      ['[pytest]\naddopts = -k "not slow"\n', 'pytest.ini'],
      ['[pytest]\naddopts = -k "not integration and not Parser"\n', 'pytest.ini'],
      // Selecting by a term (running a subset on purpose) is not deselecting named tests.
      ['[pytest]\naddopts = -k "unit and not iso_week"\n', 'pytest.ini'],
      ['[pytest]\naddopts = --ignore=docs --ignore=setup.py --ignore=tests/integration --ignore-glob=*_py2.py\n', 'pytest.ini'],
      ['[pytest]\naddopts = -p no:cacheprovider -p no:doctest -p no:unittest --doctest-modules\n', 'pytest.ini'],
      // tox's commands are one environment's run, not every run; a section pytest does not read is no configuration.
      ['[testenv]\ncommands = pytest --deselect tests/test_a.py::test_x\n', 'tox.ini'],
      ['[flake8]\naddopts = -k "not iso_week"\n', 'setup.cfg'],
      ['[tool.other]\naddopts = "--co"\n', 'pyproject.toml'],
    ];
    for (const [text, name] of quiet) assert.deepEqual(found(text!, name!), [], text);
  });

  it('reports a deselection that a comment names and excuses with a reason outside the project as info', () => {
    const excused = [
      '[pytest]',
      '# test_iso_week_dates exercises the dateutil wheel, not our code: dateutil 2.9 regressed on it',
      '# (upstream dateutil/dateutil#1350). Re-enable once the pin moves past 2.9.',
      'addopts =',
      '    -ra',
      '    --deselect tests/test_parse.py::test_iso_week_dates',
      '',
    ].join('\n');
    assert.deepEqual(found(excused, 'pytest.ini'), ['6:info']);
    // A comment inside the value, next to the option, counts too; so does an -k whose every name it gives.
    assert.deepEqual(found('[pytest]\naddopts =\n    # test_tz_offset_timestamps needs the tz database, missing on the musl build image\n    -k "not tz_offset"\n', 'pytest.ini'), ['4:info']);
    const loud = [
      // The comment says the tests fail, and names only the project's CI and an issue.
      '[pytest]\n# test_iso_week_dates is flaky on CI, see #412\naddopts = --deselect tests/test_parse.py::test_iso_week_dates\n',
      // It explains another test than the ones taken out.
      '[pytest]\n# test_unknown_month needs network access (upstream registry)\naddopts = -k "not iso_week and not tz_offset"\n',
      // Its reason is the project's own: speed.
      '[pytest]\n# keep the default run fast: the iso_week sweep runs nightly\naddopts = -k "not iso_week"\n',
      // No comment next to addopts: the one above is separated by other settings.
      '[pytest]\n# upstream dateutil#1350 breaks test_iso_week_dates\ntestpaths = tests\naddopts = --deselect tests/test_parse.py::test_iso_week_dates\n',
    ];
    for (const text of loud) assert.deepEqual(found(text, 'pytest.ini').map((f) => f.split(':')[1]), ['warning'], text);
  });

  it('reads test function names from test files', () => {
    assert.deepEqual(testFunctionNames('def test_a():\n    pass\n\nclass TestX:\n    async def test_b(self):\n        pass\n\ndef helper():\n    pass\n'), ['test_a', 'test_b']);
  });
});
