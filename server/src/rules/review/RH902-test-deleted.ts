/**
 * RH902 test-deleted: in a patch review, a test function, test class or test file that the change removes
 * (and does not move elsewhere in the same change). Deleting the failing test is the bluntest hack.
 */
import picomatch from 'picomatch';
import { decoratorsOf, forEachInScope, functionName, unparen, type Node } from '../../engine/ast';
import { NameResolver } from '../../engine/names';
import type { Rule } from '../../engine/rule';
import type { Finding } from '../../engine/types';
import { PYTEST_DEFAULTS, runNarrowingOptions, type ListKey, type PytestRunConfig, type RunNarrowingOption } from '../../review/pytest-config';
import { blanketMark, classifyReason, isCheckingCall, quoteReason, type MarkContext } from '../tests/helpers';

export const testDeleted: Rule = {
  meta: {
    code: 'RH902',
    name: 'test-deleted',
    family: 'RH9',
    defaultSeverity: 'warning',
    reviewOnly: true,
    docs: {
      summary: 'A change deletes a test function, a test class or a whole test file, empties or skips a test, or takes tests out of the run.',
      why:
        'The bluntest way to make a test suite pass is to remove the tests that fail. In a patch written to "make the ' +
        'tests pass", a deleted test is a red flag unless the change says why (the feature it tested was removed, or the ' +
        'test moved). Emptying the test (`pass`), removing every check from it, putting an unconditional skip or xfail on it, ' +
        'its class or its module, renaming its file to a name pytest does ' +
        'not collect, or telling pytest to leave it out (`addopts = --deselect ...`, `--ignore`, `-k`, `-m`, a ' +
        'narrower `testpaths` or `python_files`) has the same effect while the test seems to stay.',
      example: '# before\ndef test_parse_negative():\n    assert parse("-1") == -1\n# after: the function is gone\n',
      instead: 'Keep the test and fix the code, or explain in the change why the behaviour it tested no longer exists.',
      lookAlikes: [
        'A test moved to another file or class in the same change (same function name) is not reported.',
        'A renamed test file whose tests survive is not reported.',
        'A test renamed to another collected name with its body unchanged is not reported.',
        'Helper functions and fixtures in test files are not tests.',
        'A test renamed so that the runner no longer collects it (`test_parse` to `_test_parse` or `disabled_test_parse`) is reported as a rename.',
        'A test whose checks move into a helper of the same file or of the project\'s test support (`self._check_roundtrip(x)`, `run_case(x)` from `.helpers`) still checks: not reported.',
        'Conditional skips a change adds (`skipif(sys.platform == "win32")`, `skipUnless(HAS_NUMPY)`) are not reported; an unconditional one whose reason names the environment or an issue ("needs network access", "bpo-1234") is `info`.',
        'pytest options that leave out paths without `test` in their name (`--ignore=docs`, `--ignore=setup.py`), and ' +
          '`norecursedirs` entries such as `build` or `.venv`, do not leave out tests: not reported.',
      ],
    },
  },
  create: () => ({}),
};

export interface TestDefinition {
  /** `test_x` or `TestClass.test_x`, or `TestClass` for the class itself. */
  qualifiedName: string;
  /** The function or class name alone (to recognise moves). */
  name: string;
  line: number;
  isClass: boolean;
  /** The body's text with runs of whitespace collapsed: the same body under a new name is a rename. */
  body: string;
  /** Functions: assertions and checking calls (`assert`, `self.assertEqual`, `pytest.raises`, `check_*`) in the body. */
  checks?: number;
  /** Functions: the body is `pass`, `...`, a docstring or a bare `return`. */
  empty?: boolean;
  /** Functions: the body calls a function or method the file defines, which may do the checking. */
  callsLocalHelper?: boolean;
  /** An unconditional skip or xfail mark on the test, its class (`@pytest.mark.skip`) or its module (`pytestmark = ...`). */
  disabledBy?: DisablingMark;
}

export interface DisablingMark {
  /** The mark as written, e.g. `pytest.mark.skip`. */
  display: string;
  /** Where it sits: on the test itself, its class, or the whole module. */
  scope: 'test' | 'class' | 'module';
  xfail: boolean;
  /** Its reason names the environment or a tracked issue (the platform, the network, an issue number). */
  external: boolean;
  /** The reason as written, quoted, when there is one. */
  reason?: string;
  line: number;
}

function bodyText(def: Node): string {
  return (def.childForFieldName('body')?.text ?? '').replace(/\s+/g, ' ').trim();
}

function definitionOf(stmt: Node): Node | null {
  return stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
}

/** A statement that does nothing: `pass`, `...`, a docstring, a bare `return`. */
function isInert(stmt: Node): boolean {
  if (stmt.type === 'pass_statement' || stmt.type === 'comment') return true;
  if (stmt.type === 'return_statement') return !stmt.namedChildren.length || stmt.namedChildren[0]!.type === 'none';
  if (stmt.type !== 'expression_statement' || stmt.namedChildren.length !== 1) return false;
  const e = unparen(stmt.namedChildren[0]!);
  return e.type === 'ellipsis' || e.type === 'string' || e.type === 'concatenated_string';
}

/** A name imported from the project's own test support (`from .helpers import run_case`, `from tests.utils import ...`). */
function isTestSupportImport(qualified: string | undefined): boolean {
  return !!qualified && (qualified.startsWith('.') || /(^|[._])(tests?|testing|helpers?|support|utils?|conftest)([._]|$)/.test(qualified.slice(0, qualified.lastIndexOf('.'))));
}

/** What a test function's body does, for comparing the two sides of a change. */
function testShape(def: Node, localNames: ReadonlySet<string>, names: NameResolver): Pick<TestDefinition, 'checks' | 'empty' | 'callsLocalHelper'> {
  const body = def.childForFieldName('body');
  let checks = 0;
  let callsLocalHelper = false;
  if (body) {
    forEachInScope(body, (n) => {
      if (n.type === 'assert_statement' || (n.type === 'call' && isCheckingCall(n, names))) checks++;
      else if (n.type === 'call') {
        const fn = n.childForFieldName('function');
        const called = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' && ['self', 'cls'].includes(fn.childForFieldName('object')?.text ?? '') ? fn.childForFieldName('attribute')?.text : undefined;
        if (called && (localNames.has(called) || (fn!.type === 'identifier' && isTestSupportImport(names.alias(called))))) callsLocalHelper = true;
      }
    });
  }
  return { checks, empty: !!body && body.namedChildren.every(isInert), callsLocalHelper };
}

/** Tests defined in a module: `test*` functions, and classes that hold `test*` methods. */
export function collectTests(root: Node): TestDefinition[] {
  const out: TestDefinition[] = [];
  // Functions and methods the file defines (not tests): a test that calls one may check through it.
  const localNames = new Set<string>();
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    if (def?.type === 'function_definition') localNames.add(functionName(def));
    else if (def?.type === 'class_definition') {
      for (const member of def.childForFieldName('body')?.namedChildren ?? []) {
        const m = definitionOf(member);
        if (m?.type === 'function_definition' && !functionName(m).startsWith('test')) localNames.add(functionName(m));
      }
    }
  }
  for (const n of [...localNames]) if (n.startsWith('test')) localNames.delete(n);
  let resolver: NameResolver | undefined;
  const names = () => (resolver ??= new NameResolver(root));
  const shape = (def: Node) => testShape(def, localNames, names());
  const marks: MarkContext = { get names() { return names(); }, root, source: root.text };
  const moduleMark = pytestmarkIn(root, 'module', marks);
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    if (!def) continue;
    if (def.type === 'function_definition' && functionName(def).startsWith('test')) {
      const disabledBy = markOn(def, 'test', marks) ?? moduleMark;
      out.push({ qualifiedName: functionName(def), name: functionName(def), line: def.startPosition.row, isClass: false, body: bodyText(def), ...shape(def), disabledBy });
    } else if (def.type === 'class_definition') {
      const className = def.childForFieldName('name')?.text ?? '';
      const body = def.childForFieldName('body');
      const classMark = markOn(def, 'class', marks) ?? (body ? pytestmarkIn(body, 'class', marks) : undefined) ?? moduleMark;
      const methods: TestDefinition[] = [];
      for (const member of body?.namedChildren ?? []) {
        const m = definitionOf(member);
        if (m?.type === 'function_definition' && functionName(m).startsWith('test')) {
          const disabledBy = markOn(m, 'test', marks) ?? classMark;
          methods.push({ qualifiedName: `${className}.${functionName(m)}`, name: functionName(m), line: m.startPosition.row, isClass: false, body: bodyText(m), ...shape(m), disabledBy });
        }
      }
      if (methods.length || className.startsWith('Test')) {
        out.push({ qualifiedName: className, name: className, line: def.startPosition.row, isClass: true, body: bodyText(def), disabledBy: classMark }, ...methods);
      }
    }
  }
  return out;
}

function disablingMark(expr: Node, scope: DisablingMark['scope'], marks: MarkContext): DisablingMark | undefined {
  const mark = blanketMark(expr, marks);
  if (!mark) return undefined;
  return { display: mark.display, scope, xfail: !!mark.xfail, external: classifyReason(mark.reason) === 'external', reason: mark.reason ? quoteReason(mark.reason) : undefined, line: expr.startPosition.row };
}

/** The first unconditional skip or xfail among a definition's decorators. */
function markOn(def: Node, scope: DisablingMark['scope'], marks: MarkContext): DisablingMark | undefined {
  for (const d of decoratorsOf(def)) {
    const mark = disablingMark(d, scope, marks);
    if (mark) return mark;
  }
  return undefined;
}

/** An unconditional skip or xfail among the marks of `pytestmark = ...` directly in a module or class body. */
function pytestmarkIn(body: Node, scope: DisablingMark['scope'], marks: MarkContext): DisablingMark | undefined {
  for (const stmt of body.namedChildren) {
    const assign = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.text !== 'pytestmark') continue;
    const value = assign.childForFieldName('right');
    if (!value) continue;
    const v = unparen(value);
    for (const m of v.type === 'list' || v.type === 'tuple' ? v.namedChildren : [v]) {
      const mark = m.type === 'comment' ? undefined : disablingMark(m, scope, marks);
      if (mark) return mark;
    }
  }
  return undefined;
}

/**
 * Functions and classes whose names hold `test` but that the test runner does not collect: where a test
 * renamed out of collection lands (`_test_parse`, `disabled_test_parse`, `xtest_parse`, `SkipTestParse`).
 */
export function uncollectedTestNames(root: Node): UncollectedDefinition[] {
  const out: UncollectedDefinition[] = [];
  const note = (def: Node | null, collected: (name: string) => boolean) => {
    if (def?.type !== 'function_definition' && def?.type !== 'class_definition') return;
    const name = def.childForFieldName('name')?.text ?? '';
    if (/test/i.test(name) && !collected(name)) out.push({ name, line: def.startPosition.row });
  };
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    note(def, (name) => (def?.type === 'class_definition' ? name.startsWith('Test') : name.startsWith('test')));
    if (def?.type !== 'class_definition') continue;
    for (const member of def.childForFieldName('body')?.namedChildren ?? []) note(definitionOf(member), (name) => name.startsWith('test'));
  }
  return out;
}

export interface UncollectedDefinition {
  name: string;
  /** 0-based line of the definition in the new text. */
  line: number;
}

/** Where a gone test was renamed to, out of collection: a definition whose name contains the old one (`_test_parse`). */
function renamedOutOf(test: TestDefinition, uncollected: readonly UncollectedDefinition[]): UncollectedDefinition | undefined {
  const bare = test.name.replace(/^test_?/i, '').toLowerCase();
  return uncollected.find(({ name }) => name.includes(test.name) || (bare.length >= 3 && name.toLowerCase().endsWith(bare)));
}

export interface TestFileChange {
  oldPath?: string;
  newPath?: string;
  oldTests: TestDefinition[];
  /** Undefined when the file was deleted. */
  newTests?: TestDefinition[];
  /** The new file's definitions named like tests that are not collected (`uncollectedTestNames`). */
  newUncollected?: UncollectedDefinition[];
  oldToNew: (line: number) => number;
  /** The old text is known only where hunks show it (a patch with no files at hand). */
  oldUnseen?: boolean;
}

/**
 * A test file renamed (or moved) to a name pytest does not collect by default (`test_*.py`, `*_test.py`):
 * `python_files` as the change leaves it when it sets it, else pytest's default.
 */
export function renamedOutOfCollection(oldPath: string | undefined, newPath: string | undefined, pythonFiles: readonly string[] = PYTEST_DEFAULTS.python_files!): boolean {
  if (!oldPath || !newPath || oldPath === newPath) return false;
  const collected = (p: string) => picomatch.isMatch(p.split('/').pop() ?? '', [...pythonFiles], { dot: true });
  return collected(oldPath) && !collected(newPath);
}

export interface DeletedTestFinding {
  path: string;
  finding: Finding;
}

/** An RH902 finding at the start of a line. */
function deletedTest(path: string, line: number, message: string): DeletedTestFinding {
  return { path, finding: { rule: 'RH902', name: 'test-deleted', severity: 'warning', message, range: { start: { line, column: 0 }, end: { line, column: 0 } } } };
}

/** `test_a, test_b, …`: the first five names. */
function testNames(tests: readonly TestDefinition[]): string {
  return `${tests.slice(0, 5).map((t) => t.qualifiedName).join(', ')}${tests.length > 5 ? ', …' : ''}`;
}

/**
 * Tests present before and absent after, unless the change puts them elsewhere: a test that appears where it
 * was not before (another file or class: the same name; the same file: another collected name with the same
 * body) is a move or a rename. `addedTests` are the names defined in files the change creates. A test that
 * already existed under the same name elsewhere (`TestAdd.test_negative` beside a deleted
 * `TestMul.test_negative`) is not where the deleted one went.
 */
export function deletedTestFindings(files: TestFileChange[], addedTests: Iterable<string> = [], pythonFiles: readonly string[] = PYTEST_DEFAULTS.python_files!): DeletedTestFinding[] {
  const out: DeletedTestFinding[] = [];
  // A file renamed out of collection takes all its tests with it: one finding, and its tests land nowhere.
  const uncollectedFiles = files.filter((f) => f.newTests && renamedOutOfCollection(f.oldPath, f.newPath, pythonFiles));
  for (const f of uncollectedFiles) {
    const tests = f.oldTests.filter((t) => !t.isClass);
    // With the old text unseen (a rename with no hunks), the tests are unknown but the name says test file.
    if (!tests.length && !f.oldUnseen) continue;
    const which = tests.length ? `its ${tests.length} test${tests.length === 1 ? '' : 's'} (${testNames(tests)}) no longer ${tests.length === 1 ? 'runs' : 'run'}` : 'its tests no longer run';
    out.push(deletedTest(f.newPath!, 0, `This change renames the test file ${f.oldPath} to ${f.newPath}, a name pytest does not collect (${pythonFiles.join(', ')}): ${which}`));
  }
  const collectedFiles = files.filter((f) => !uncollectedFiles.includes(f));
  const landed = collectedFiles.flatMap((f) => {
    const before = new Set(f.oldTests.map((t) => t.qualifiedName));
    return (f.newTests ?? []).filter((t) => !before.has(t.qualifiedName));
  });
  const landedNames = new Set([...landed.map((t) => t.name), ...addedTests]);
  const landedBodies = new Set(landed.filter((t) => t.body).map((t) => t.body));
  for (const f of collectedFiles) {
    out.push(...hollowedTestFindings(f), ...disabledTestFindings(f));
    const after = new Set((f.newTests ?? []).map((t) => t.qualifiedName));
    const gone = f.oldTests.filter((t) => !after.has(t.qualifiedName) && !landedNames.has(t.name) && !(t.body && landedBodies.has(t.body)));
    if (!gone.length) continue;
    const goneClasses = new Set(gone.filter((t) => t.isClass).map((t) => t.qualifiedName));
    // A deleted class is reported once, not once per method.
    const reported = gone.filter((t) => t.isClass || !goneClasses.has(t.qualifiedName.split('.')[0]!) || !t.qualifiedName.includes('.'));
    if (!f.newTests) {
      const tests = f.oldTests.filter((t) => !t.isClass);
      out.push(deletedTest(f.oldPath!, 0, `This change deletes the test file ${f.oldPath} (${tests.length} test${tests.length === 1 ? '' : 's'}: ${testNames(gone.filter((t) => !t.isClass))})`));
      continue;
    }
    for (const t of reported) {
      // A rename is shown on the new definition; a deletion on the last line kept before it.
      const renamed = renamedOutOf(t, f.newUncollected ?? []);
      out.push(deletedTest(f.newPath!, renamed ? renamed.line : f.oldToNew(t.line), deletionMessage(t, renamed)));
    }
  }
  return out;
}

/**
 * Tests that stay under their name but no longer test: emptied to `pass`/`...`/a docstring, or stripped of
 * every check while the rest of the body stays (the call runs, nothing is compared).
 */
function hollowedTestFindings(f: TestFileChange): DeletedTestFinding[] {
  if (!f.newTests) return [];
  const before = new Map(f.oldTests.filter((t) => !t.isClass).map((t) => [t.qualifiedName, t]));
  const out: DeletedTestFinding[] = [];
  for (const now of f.newTests) {
    const was = before.get(now.qualifiedName);
    if (!was || now.isClass || was.empty) continue;
    let message: string | undefined;
    if (now.empty) message = `This change empties the test ${now.qualifiedName}: its body no longer does anything, so it passes whatever the code does`;
    // With only the hunks to go by, the checks may lie past the last line shown on both sides.
    else if (was.checks && !now.checks && !now.callsLocalHelper && !f.oldUnseen) {
      message = `This change removes every check from the test ${now.qualifiedName} (it had ${was.checks}): it still runs the code but no longer compares anything`;
    }
    if (message) out.push(deletedTest(f.newPath!, now.line, message));
  }
  return out;
}

/**
 * Tests that stay but no longer run, or no longer count: an unconditional skip or xfail the change puts on
 * them, their class or their module. One finding per mark; a reason that names the environment or a tracked
 * issue makes it info (a skip can be right there, but it still takes the test out of this run).
 */
function disabledTestFindings(f: TestFileChange): DeletedTestFinding[] {
  if (!f.newTests) return [];
  const before = new Map(f.oldTests.map((t) => [t.qualifiedName, t]));
  const byMark = new Map<string, { mark: DisablingMark; tests: TestDefinition[] }>();
  for (const now of f.newTests) {
    const was = before.get(now.qualifiedName);
    const mark = now.disabledBy;
    if (!was || !mark || was.disabledBy || (now.isClass && mark.scope === 'test')) continue;
    const key = `${mark.line}:${mark.display}`;
    const entry = byMark.get(key) ?? { mark, tests: [] };
    entry.tests.push(now);
    byMark.set(key, entry);
  }
  const out: DeletedTestFinding[] = [];
  for (const { mark, tests } of byMark.values()) {
    const functions = tests.filter((t) => !t.isClass);
    const cls = tests.find((t) => t.isClass);
    const what = mark.scope === 'module' ? `the ${functions.length} test${functions.length === 1 ? '' : 's'} of this file` : mark.scope === 'class' && cls ? `the test class ${cls.qualifiedName}` : `the test ${functions[0]?.qualifiedName ?? tests[0]!.qualifiedName}`;
    const how = `\`${mark.display}\`${mark.reason ? `, reason "${mark.reason}"` : ', no reason'}`;
    const single = mark.scope === 'test';
    const effect = mark.xfail
      ? `marks ${what} as expected to fail (${how}): a failure there no longer fails the run`
      : `skips ${what} (${how}): ${single ? 'it no longer runs' : 'its tests no longer run'}`;
    const finding = deletedTest(f.newPath!, mark.line, `This change ${effect}${mark.external ? ' (the reason names the environment or an issue)' : ''}`);
    if (mark.external) finding.finding.severity = 'info';
    out.push(finding);
  }
  return out;
}

/** pytest options that a change adds to the configuration and that take tests out of the run. */
export function narrowedRunFindings(before: PytestRunConfig | undefined, after: PytestRunConfig | undefined, newText: string): Finding[] {
  if (!after) return [];
  const out: Finding[] = [];
  const lines = newText.split('\n');
  const at = (needle: string, message: string) => {
    const line = Math.max(0, lines.findIndex((l) => l.includes(needle)));
    out.push({ rule: 'RH902', name: 'test-deleted', severity: 'warning', message, range: { start: { line, column: 0 }, end: { line, column: lines[line]?.length ?? 0 } } });
  };
  const key = (o: RunNarrowingOption) => `${o.option}\0${o.value ?? ''}`;
  const old = new Set(runNarrowingOptions(before?.addopts ?? []).map(key));
  for (const o of runNarrowingOptions(after.addopts)) {
    if (old.has(key(o))) continue;
    const message = narrowingMessage(o);
    if (message) at(o.written, message);
  }
  // Collection patterns and test paths: what the old side (or pytest's default) had and the new side drops.
  for (const k of ['testpaths', 'python_files', 'python_classes', 'python_functions'] as ListKey[]) {
    const explicit = before?.lists[k];
    const was = explicit ?? PYTEST_DEFAULTS[k];
    const now = after.lists[k];
    if (!was || !now) continue;
    // Set for the first time, the patterns replace pytest's defaults; a project's own naming that still says
    // "test" (`python_files = tests.py test_*.py`) is configuration, not a way out of the run.
    if (!explicit && now.some((p) => /test/i.test(p))) continue;
    const dropped = was.filter((p) => !now.includes(p));
    if (dropped.length) at(k, `This change sets pytest's ${k} to ${now.join(' ') || '(nothing)'}, leaving out ${dropped.join(' ')}: tests there no longer run`);
  }
  const skipped = (after.lists.norecursedirs ?? []).filter((d) => !(before?.lists.norecursedirs ?? []).includes(d) && /test/i.test(d));
  for (const d of skipped) at(d, `This change adds ${d} to pytest's norecursedirs: tests in those folders are no longer collected`);
  return out;
}

function narrowingMessage(o: RunNarrowingOption): string | undefined {
  switch (o.option) {
    case '--deselect':
      return `This change adds --deselect ${o.value} to pytest's addopts: that test no longer runs`;
    case '--ignore':
    case '--ignore-glob':
      // Paths without "test" in them (docs, setup.py, build output) hold no tests pytest would collect by default.
      return /test/i.test(o.value ?? '') ? `This change adds ${o.option}=${o.value} to pytest's addopts: the tests there no longer run` : undefined;
    case '-k':
    case '-m':
      return `This change adds ${o.option} "${o.value}" to pytest's addopts: only the tests it selects run`;
    default:
      return `This change adds ${o.written === o.option ? o.option : `${o.written} (${o.option})`} to pytest's addopts: pytest then runs no test at all and reports success`;
  }
}

function deletionMessage(t: TestDefinition, renamed: UncollectedDefinition | undefined): string {
  const what = t.isClass ? `test class ${t.qualifiedName}` : `test ${t.qualifiedName}`;
  if (renamed) return `This change renames the ${what} to ${renamed.name}, a name the test runner does not collect: ${t.isClass ? 'its tests no longer run' : 'the test no longer runs'}`;
  return t.isClass ? `This change deletes the test class ${t.qualifiedName} and its tests` : `This change deletes the test ${t.qualifiedName}`;
}
