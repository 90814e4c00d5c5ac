/** RH102 on tox's configuration: pytest commands whose exit status tox is told to ignore. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ignoredToxRuns } from '../../server/src/rules/exit/tox-commands';

const found = (text: string, name: string) => ignoredToxRuns(text, name).map((f) => `${f.range.start.line + 1}:${f.severity}`);

describe('RH102 in tox configuration', () => {
  it('reports a pytest command tox runs with its status ignored, in each file tox reads', () => {
    const ini = ['[tox]', 'envlist = py311', '', '[testenv]', 'deps = pytest', '# upstream bug; do not block the matrix', 'commands =', '    - pytest --cov=pkg {posargs:tests}', ''].join('\n');
    assert.deepEqual(found(ini, 'tox.ini'), ['8:warning']);
    assert.deepEqual(found('[testenv]\ncommands = - pytest tests\n', 'tox.ini'), ['2:warning']);
    assert.deepEqual(found('[testenv:py]\ncommands =\n    bash -c "pytest tests || true"\n', 'tox.ini'), ['3:error']);
    assert.deepEqual(found('[testenv]\ncommands = - python -m pytest\n', 'setup.cfg'), ['2:warning']);
  });

  it('gives info for ignore_outcome, the documented switch for environments allowed to fail', () => {
    assert.deepEqual(found('[testenv:py-dev]\nignore_outcome = true\ncommands = pytest\n', 'tox.ini'), ['2:info']);
  });

  it('stays quiet on commands whose status counts, and on other ignored commands', () => {
    assert.deepEqual(found('[testenv]\ncommands =\n    - coverage erase\n    pytest {posargs}\n    - coverage html\n', 'tox.ini'), []);
    assert.deepEqual(found('[testenv]\ncommands = pytest -x --tb=short\n', 'tox.ini'), []);
    assert.deepEqual(found('[tox]\nenvlist = lint\n[testenv:lint]\ncommands = - ruff check .\n', 'tox.ini'), []);
    assert.deepEqual(found('[project]\nname = "x"\n', 'pyproject.toml'), []);
  });
});
