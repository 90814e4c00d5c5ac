/** What a module exports to the project, and how the project index answers imports (engine/exports.ts, project.ts). */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, ProjectIndex } from '../../server/src/engine';
import { ALL_RULES } from '../../server/src/rules/registry';
import { ensureParser } from '../support/engine';

const exportsOf = (source: string, path = 'pkg/config.py') => analyze({ source, path }, ALL_RULES).exports ?? {};

describe('module exports', () => {
  before(ensureParser);

  it('records constants bound once, and nothing for names bound twice or spelled in strings', () => {
    const out = exportsOf(['import os', 'A = False', 'B = None', 'C = True', 'D = 0', 'STATUS_OK = 0', 'E = False', 'E = True', 'F = False', 'setattr(os, "F", 1)', 'G = False', 'def g():', '    global G', '    G = True', 'EXIT_BIG = 1024', 'RC = 1', 'RC += 1'].join('\n'));
    assert.deepEqual(out, { A: { kind: 'constant', literal: 'False' }, B: { kind: 'constant', literal: 'None' }, C: { kind: 'constant', literal: 'True' }, STATUS_OK: { kind: 'integer-constant', value: 0 } });
  });

  it('records environment switches that are off while their variable is unset, not those on by default', () => {
    const out = exportsOf(
      [
        'import os',
        'from os import environ, getenv',
        'A = os.environ.get("A") == "1"',
        'B = os.getenv("B", "0") != "0"',
        'C = bool(os.environ.get("C"))',
        'D = "D" in os.environ',
        'E = environ.get("E", "").lower() in ("1", "true", "yes")',
        'F = getenv("F", "1") == "1"',
        'G = "G" not in os.environ',
        'H = os.environ.get("H") or os.environ.get("H2")',
        'I = os.environ["I"] == "1"',
        'J = os.environ.get("J", "no").strip() == "yes"',
      ].join('\n'),
    );
    assert.deepEqual(Object.keys(out).sort(), ['A', 'B', 'C', 'D', 'E', 'J']);
    assert.deepEqual(out.E, { kind: 'env-flag', variable: 'E' });
  });

  it('records re-exports of a package, and the names a file imports', () => {
    const init = analyze({ source: 'from ._compat import HAS_X as X\nfrom . import util\n', path: 'pkg/__init__.py' }, ALL_RULES);
    assert.deepEqual(init.exports, { X: { kind: 'alias', target: '._compat.HAS_X' }, util: { kind: 'alias', target: '.util' } });
    // Outside a package's __init__.py, only what a module imports under another name, from the project or a watched module.
    const mod = analyze({ source: 'from ._compat import HAS_X as X, Y\nfrom __future__ import annotations\nfrom os import _exit as stop\nfrom gettext import gettext as _\nimport os\n', path: 'pkg/mod.py' }, ALL_RULES);
    assert.deepEqual(mod.exports, { X: { kind: 'alias', target: '._compat.HAS_X' }, stop: { kind: 'alias', target: 'os._exit' } });
    assert.deepEqual(mod.imports, ['._compat.HAS_X', '._compat.Y', 'os._exit', 'gettext.gettext']);
  });

  it('records attributes read from imported names as imports', () => {
    const r = analyze({ source: 'import vecmath\nfrom . import settings\nimport os.path as osp\n\nif settings.TESTING or vecmath.HAS_SIMD:\n    osp.join("a", "b")\n', path: 'pkg/mod.py' }, ALL_RULES);
    assert.deepEqual([...(r.imports ?? [])].sort(), ['.settings', '.settings.TESTING', 'os.path.join', 'vecmath.HAS_SIMD']);
  });

  it('records other names of watched things: `stop = sys.exit`, `done = getattr(sys, "exit")`', () => {
    const out = exportsOf(['import sys, os, json', 'stop = sys.exit', 'done = getattr(sys, "exit")', 'dump = json.dumps', 'bye = os._exit', 'bye = None'].join('\n'));
    assert.deepEqual(out, { stop: { kind: 'refers-to', qualified: 'sys.exit' }, done: { kind: 'refers-to', qualified: 'sys.exit' } });
  });
});

describe('project index', () => {
  const FALSE = { kind: 'constant', literal: 'False' } as const;
  const TRUE = { kind: 'constant', literal: 'True' } as const;

  it('answers relative imports from the importing file and absolute ones by the end of the module path', () => {
    const index = new ProjectIndex();
    index.add('src/pkg/_compat.py', { HAS_X: FALSE });
    index.add('src/pkg/__init__.py', { HAS_X: { kind: 'alias', target: '._compat.HAS_X' } });
    assert.deepEqual(index.factsFor('src/pkg/core.py', ['._compat.HAS_X', '.other.Y']), { '._compat.HAS_X': FALSE });
    assert.deepEqual(index.factsFor('src/pkg/sub/deep.py', ['.._compat.HAS_X']), { '.._compat.HAS_X': FALSE });
    assert.deepEqual(index.factsFor('tests/test_x.py', ['pkg.HAS_X', 'pkg._compat.HAS_X', 'otherpkg.HAS_X']), { 'pkg.HAS_X': FALSE, 'pkg._compat.HAS_X': FALSE });
    // `kg` is not the end of `pkg`: module paths match at dots.
    assert.equal(index.factsFor('tests/test_x.py', ['kg.HAS_X']), undefined);
    // Too many dots climb out of the project.
    assert.equal(index.factsFor('src/pkg/core.py', ['....x.Y']), undefined);
  });

  it('names what a re-export of a watched module stands for', () => {
    const index = new ProjectIndex();
    index.add('pkg/_compat.py', { stop: { kind: 'alias', target: 'os._exit' }, _: { kind: 'alias', target: 'gettext.gettext' } });
    assert.deepEqual(index.factsFor('pkg/core.py', ['._compat.stop', '._compat._']), { '._compat.stop': { kind: 'refers-to', qualified: 'os._exit' } });
  });

  it('leaves the names of watched modules alone, even when the project holds those modules', () => {
    const index = new ProjectIndex();
    index.add('site/pytest/__init__.py', { raises: { kind: 'alias', target: '_pytest.python_api.raises' } });
    assert.equal(index.factsFor('tests/test_x.py', ['pytest.raises']), undefined);
  });

  it('gives no answer when two modules disagree, and stops on re-export cycles', () => {
    const index = new ProjectIndex();
    index.add('a/pkg/flags.py', { ON: FALSE, SAME: TRUE });
    index.add('b/pkg/flags.py', { ON: TRUE, SAME: TRUE });
    assert.deepEqual(index.factsFor('t.py', ['pkg.flags.ON', 'pkg.flags.SAME']), { 'pkg.flags.SAME': TRUE });
    index.add('loop/__init__.py', { A: { kind: 'alias', target: '.A' } });
    assert.equal(index.factsFor('t.py', ['loop.A']), undefined);
  });
});
