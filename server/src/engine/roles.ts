/**
 * File roles. Severity depends on what a file is for, so every file is classified first: from
 * configurable globs, then from structure (pytest hooks make a plugin, a shebang makes an entry point).
 */
import picomatch from 'picomatch';
import { forEachDescendant, isMainGuardCondition, type Node } from './ast';
import { rememberingLast } from './prefilter';
import type { FileFacts } from './rule';
import type { NameResolver } from './names';
import type { AnalysisSettings, FileRole } from './types';

// `tests.py`: a Django app's test module (its runner's default pattern, `test*.py`, finds it).
export const DEFAULT_TEST_GLOBS = ['**/test_*.py', '**/*_test.py', '**/tests.py', '**/tests/**', '**/test/**'];
export const DEFAULT_TEST_INFRASTRUCTURE_GLOBS = ['**/conftest.py'];

const matcherCache = new Map<string, (path: string) => boolean>();

function matcher(globs: readonly string[]): (path: string) => boolean {
  const key = globs.join('\0');
  let m = matcherCache.get(key);
  if (!m) {
    m = picomatch(globs as string[], { dot: true });
    matcherCache.set(key, m);
  }
  return m;
}

/** Forward slashes, no drive letter, no leading slash: globs then match absolute and relative paths alike. */
export function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^[A-Za-z]:/, '').replace(/^\/+/, '');
}

export function matchesGlobs(path: string, globs: readonly string[]): boolean {
  return globs.length > 0 && matcher(globs)(normalisePath(path));
}

export function collectFileFacts(path: string, source: string, root: Node, bound?: Readonly<Record<string, string>>): FileFacts {
  const normal = path.replace(/\\/g, '/');
  const basename = normal.slice(normal.lastIndexOf('/') + 1);
  const pytestHooks: Node[] = [];
  const boundHooks: FileFacts['boundHooks'] = [];
  let importsTestFramework = false;
  for (const stmt of root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') {
      const name = def.childForFieldName('name')?.text ?? '';
      if (name.startsWith('pytest_')) pytestHooks.push(def);
      else if (bound && Object.prototype.hasOwnProperty.call(bound, name)) {
        pytestHooks.push(def);
        boundHooks.push({ fn: def, hook: bound[name]! });
      }
    }
  }
  // Hook implementations on a plugin class (`class Plugin: @pytest.hookimpl def pytest_...`) make a plugin too.
  for (const stmt of root.namedChildren) {
    const cls = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (cls?.type !== 'class_definition') continue;
    for (const member of cls.childForFieldName('body')?.namedChildren ?? []) {
      if (member.type !== 'decorated_definition') continue;
      const def = member.childForFieldName('definition');
      const name = def?.childForFieldName('name')?.text ?? '';
      const isHookimpl = member.namedChildren.some((d) => d.type === 'decorator' && /\bhookimpl\b/.test(d.text));
      if (def?.type === 'function_definition' && name.startsWith('pytest_') && isHookimpl) pytestHooks.push(def);
    }
  }
  // An import naming the framework needs the name in the source: most files are settled without a walk.
  if (TEST_FRAMEWORK.test(source)) {
    forEachDescendant(root, (n) => {
      if (n.type === 'import_statement' || n.type === 'import_from_statement') {
        if (TEST_FRAMEWORK.test(n.text)) importsTestFramework = true;
        return false;
      }
      return true;
    });
  }
  return {
    path: normal,
    basename,
    isConftest: basename === 'conftest.py',
    hasShebang: source.startsWith('#!'),
    pytestHooks,
    boundHooks,
    importsTestFramework,
  };
}

const TEST_FRAMEWORK = /\b(pytest|_pytest|unittest)\b/;

/** Classes deriving from unittest's TestCase (resolved through imports). */
function definesTestCase(root: Node, names: NameResolver): boolean {
  for (const stmt of root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type !== 'class_definition') continue;
    const bases = def.childForFieldName('superclasses');
    for (const b of bases?.namedChildren ?? []) {
      const q = names.qualify(b);
      if (q && /^unittest(\.case)?\.(TestCase|IsolatedAsyncioTestCase)$/.test(q)) return true;
    }
  }
  return false;
}

function definesPytestTests(root: Node): boolean {
  for (const stmt of root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition' && /^test_?/.test(def.childForFieldName('name')?.text ?? '')) return true;
    if (def?.type === 'class_definition' && /^Test/.test(def.childForFieldName('name')?.text ?? '')) return true;
  }
  return false;
}

/** Whether the settings' test-file globs (or the defaults) name `path`: a test file by its path alone. */
export function isTestFilePath(path: string, settings: AnalysisSettings): boolean {
  return matchesGlobs(path, settings.testFiles ?? DEFAULT_TEST_GLOBS);
}

export function classifyFile(facts: FileFacts, root: Node, names: () => NameResolver, settings: AnalysisSettings): FileRole {
  const infraGlobs = settings.testInfrastructureFiles ?? DEFAULT_TEST_INFRASTRUCTURE_GLOBS;
  if (facts.isConftest || matchesGlobs(facts.path, infraGlobs)) return 'test-infrastructure';
  const testFile = isTestFilePath(facts.path, settings);
  // Hooks make a plugin even under tests/ (`tests/plugins/green.py`), module-level ones and hook methods of
  // a plugin class alike. The exception is a plugin class in a test module that defines tests: that is the
  // tests' own plugin, registered by a test (pytester), and the file stays a test.
  if (facts.pytestHooks.length > 0) {
    const onlyClassHooks = facts.pytestHooks.every((h) => h.parent?.type !== 'module' && h.parent?.parent?.type !== 'module');
    const testsOwnPlugin = testFile && onlyClassHooks && (definesPytestTests(root) || definesTestCase(root, names()));
    return testsOwnPlugin ? 'test' : 'test-infrastructure';
  }
  if (testFile) return runnerScriptByName(facts, root, names, settings) ? 'test-infrastructure' : 'test';
  if (facts.importsTestFramework && (definesPytestTests(root) || definesTestCase(root, names()))) return 'test';
  if (facts.basename === '__main__.py' || facts.hasShebang) return 'entry-point';
  return 'code-under-test';
}

/**
 * A script that the test globs take for a test file by its name alone (`scripts/ci_test.py`, `run_test.py`), not
 * by a folder of tests, and that defines no test but runs as a program (a main guard or a shebang): it runs the
 * tests (a CI entry point), so it is test infrastructure, where rewriting the run's results is no test's business.
 */
function runnerScriptByName(facts: FileFacts, root: Node, names: () => NameResolver, settings: AnalysisSettings): boolean {
  if (settings.testFiles) return false;
  const dir = facts.path.replace(/\\/g, '/').replace(/[^/]*$/, '');
  if (matchesGlobs(`${dir}x.py`, DEFAULT_TEST_GLOBS)) return false;
  if (!facts.hasShebang && !root.namedChildren.some((s) => s.type === 'if_statement' && isMainGuardCondition(s.childForFieldName('condition')))) return false;
  // Test methods of classes whose base another module defines (`class ParserTest(helper.BaseTest)`) count too.
  return !/^[ \t]*(?:async[ \t]+)?def[ \t]+test/m.test(root.text) && !definesPytestTests(root) && !definesTestCase(root, names());
}

/** Roles where test-only constructs (always-equal sentinels, monkeypatching) are normal. */
export function isTestSide(role: FileRole): boolean {
  return role === 'test' || role === 'test-infrastructure';
}

/**
 * Modules whose path says they are test helpers: a `testing/`, `test_utils.py`, `pytest_*` plugin or
 * `_pytest` module, or a module in a folder of tests that the default test globs (`tests/`, `test/`) miss.
 * Test-environment checks and test-module imports are their job.
 */
const TEST_HELPER_NAME = /^(testing|_testing|testutils?|test_?utils?|test_?helpers?|test_?support|pytest_\w+|\w*pytest_?plugin\w*)$/i;
/**
 * pytest's own package, and folders named for a kind of test suite (`unit_tests/`, `integration_tests/`,
 * CPython's `idle_test/`). Other `*_test(s)` folders are named for what they hold — an A/B-testing feature
 * (`ab_test/`), load testing (`load_tests/`), a parser's cases (`ast_parse_tests/`) — and stay code under test.
 */
const TEST_HELPER_DIR = /^(_pytest|(unit|integration|functional|e2e|end_?to_?end|system|regression|acceptance|smoke|idle)_tests?)$/i;

/** Several rules ask about the same file in a row. */
export const isTestHelperPath = rememberingLast(helperPath);

function helperPath(path: string): boolean {
  // Every name either pattern accepts contains `test` (any case): most paths are settled by one search.
  if (!/test/i.test(path)) return false;
  const segs = path.replace(/\\/g, '/').split('/').filter(Boolean);
  const stem = (segs.pop() ?? '').replace(/\.py$/, '');
  return TEST_HELPER_NAME.test(stem) || segs.some((s, i) => (TEST_HELPER_NAME.test(s) && !PLUGIN_PACKAGE.test(s)) || TEST_HELPER_DIR.test(s) || (PLUGIN_PACKAGE.test(s) && i >= segs.length - 2));
}

/**
 * A `pytest_*` folder is a plugin's package (`pytest_django/fixtures.py`, `pytest_benchmark/storage/file.py`)
 * for its modules and those of its subpackages, not for a project kept below a folder of that name
 * (`pytest_offline_case/mylib/data/fetch.py`): a path may start outside the project.
 */
const PLUGIN_PACKAGE = /^pytest_\w+$/i;
