/**
 * RH902 test-deleted: in a patch review, a test function, test class or test file that the change removes
 * (and does not move elsewhere in the same change). Deleting the failing test is the bluntest hack.
 */
import picomatch from 'picomatch';
import { callArguments, decoratorsOf, forEachDescendant, forEachInScope, functionName, localAssignments, moduleAssignments, unparen, type Node } from '../../engine/ast';
import { NameResolver } from '../../engine/names';
import type { Rule } from '../../engine/rule';
import type { Finding } from '../../engine/types';
import { PYTEST_DEFAULTS, runNarrowingOptions, type ListKey, type PytestRunConfig, type RunNarrowingOption } from '../../review/pytest-config';
import { blanketMark, calleeLastName, classifyReason, isCheckingCall, quoteReason, type MarkContext } from '../tests/helpers';

export const testDeleted: Rule = {
  meta: {
    code: 'RH902',
    name: 'test-deleted',
    family: 'RH9',
    defaultSeverity: 'warning',
    reviewOnly: true,
    docs: {
      summary: 'A change deletes a test function, a test class or a whole test file, empties, hollows out or skips a test, drops its parametrize cases, or takes tests out of the run.',
      why:
        'The bluntest way to make a test suite pass is to remove the tests that fail. In a patch written to "make the ' +
        'tests pass", a deleted test is a red flag unless the change says why (the feature it tested was removed, or the ' +
        'test moved). Emptying the test (`pass`), removing every check from it or turning its checks into comments, ' +
        'replacing a value check with one that passes for almost any result (`assert result is not None`, ' +
        '`isinstance`, `len(x) > 0`), with a comparison of the result with itself (`assert f(x) == f(x)`) or with the same function\'s answer (`expected = median(sorted(data))`), with a set of accepted answers (`assert result in (2, 2.5, 3)`), wrapping a check in `pytest.raises(AssertionError)` (the test then passes only when the check fails) or with a tolerance as wide as the value (`pytest.approx(2.5, abs=1e9)`, `rel=1`, `assertAlmostEqual(r, 25, delta=100)`, `places=0`, `abs(r - 2.5) < 10`), dropping rows of its `parametrize` list, defining another test under its name after it (Python keeps the last definition, so the first never runs), putting an unconditional skip or xfail on it, ' +
        'its class or its module, renaming its file to a name pytest does ' +
        'not collect, or telling pytest to leave it out (`addopts = --deselect ...`, `--ignore`, `-k`, `-m` in the ' +
        'configuration or in the pytest command of a tox environment, a ' +
        'conftest that the change makes deselect tests (`config.option.deselect += [...]`) or mark the tests it picks by name as xfail or skip in `pytest_collection_modifyitems`, a narrower `testpaths`, `python_files` or `python_functions` (also patterns that only narrow pytest\'s defaults, `python_files = test_u*.py`), `-p no:unittest`, an `--ignore-glob=*.py` wide enough for every test file) has the same effect while the test seems to stay. ' +
        'So does telling tox to pass whatever pytest returns in an environment that ran it (`- pytest`, `pytest || true`, ' +
        '`ignore_outcome = true`). ' +
        'So do options after which pytest runs nothing and exits 0 (`--collect-only`, `--setup-plan`, `--fixtures`, ' +
        '`--markers`, `--version`) or exits 0 whatever fails (`--suppress-tests-failed-exit-code`).',
      example: '# before\ndef test_parse_negative():\n    assert parse("-1") == -1\n# after: the function is gone\n',
      instead: 'Keep the test and fix the code, or explain in the change why the behaviour it tested no longer exists.',
      lookAlikes: [
        'A test moved to another file or class in the same change (same function name) is not reported as deleted; it is judged against what it was, so one emptied or weakened on the way is.',
        'A test deleted together with the function or class it calls (the feature goes in the same change: `parse_duration` and `test_parse_duration`) is `info`.',
        'A renamed test file whose tests survive is not reported.',
        'Tests folded into one parametrized test (`test_median_odd` and `test_median_even` become rows of `test_median`) are not reported when a row of the change holds every literal the old test used, its inputs and its expected value (sizes compared with `len(...)` and indexes aside, which the expected value implies); a row with another expected value does not count.',
        'A new test added before an existing test of the same name (the new one is the dead one: a mistake, not a lost check) is `info`.',
        'A test renamed to another collected name with its body unchanged is not reported.',
        'Helper functions and fixtures in test files are not tests.',
        'A test renamed so that the runner no longer collects it (`test_parse` to `_test_parse` or `disabled_test_parse`) is reported as a rename.',
        'A test whose checks move into a helper of the same file or of the project\'s test support (`self._check_roundtrip(x)`, `run_case(x)` from `.helpers`) still checks: not reported. A helper of the file that checks nothing (`def _same(a, b): return a == b`, no assert, raise or call that may check) does not count as one.',
        'A test moved into a class pytest collects (`Test*`, or any class with a base such as `unittest.TestCase` or a mixin) is not reported; into a plain class of another name (`class OrderingHelpers:`) it no longer runs: `warning`.',
        'Conditional skips a change adds (`skipif(sys.platform == "win32")`, `skipUnless(HAS_NUMPY)`) are not reported; an unconditional one whose reason names the environment or an issue ("needs network access", "bpo-1234") is `info`.',
        'pytest options that leave out paths without `test` in their name (`--ignore=docs`, `--ignore=setup.py`), and ' +
          '`norecursedirs` entries such as `build` or `.venv`, do not leave out tests: not reported.',
        'A conftest that skips or xfails tests by marker, keyword, option or platform (the `--runslow` recipe, `"slow" in item.keywords`, `sys.platform == "win32"`) is not reported; picking them by name (`item.name in KNOWN_FAILURES`) is.',
        'A new tox environment that runs a subset (`[testenv:quick] commands = pytest -m "not slow"`) leaves the existing ones as they were: not reported.',
        'Checks rewritten in an equivalent form (`assert x == True` to `assert x`, `!= None` to `is not None`, ' +
          '`assertEqual(len(x), 0)` to `assertFalse(x)`, `==` to `assert_frame_equal` or `pytest.approx`, `assertEqual(r.status_code, 200)` ' +
          'to `assert r.ok`) and checks made stricter are not reported; a value check that moves to another test of the change is not either.',
        'A check commented out beside a new one (the old expected value kept as a note, as many checks as before) is `info`.',
        'parametrize rows removed as duplicates, moved to another test or file of the change, or extended with a new column ' +
          'are not reported; rows dropped from a list the change also adds rows to, or rows with their own marks, are `info`.',
        'From the hunks of a patch alone, a test whose body goes on past the last line shown is not reported as emptied ' +
          'or weakened (the checks may lie beyond). A hunk that starts inside a `parametrize` list and closes it right before the test\'s `def` is read as that list: the rows it drops count.',
        'An early `return` added at the top of a test is reported by RH403 on that line, not again here.',
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
  /** Functions: the literal values the body uses (`[3, 1, 2]`, `2`), whitespace removed: a test merged into another test's parametrize rows keeps them all in one row. */
  literals?: string[];
  /** Functions: the body calls a function or method the file defines, which may do the checking. */
  callsLocalHelper?: boolean;
  /** An unconditional skip or xfail mark on the test, its class (`@pytest.mark.skip`) or its module (`pytestmark = ...`). */
  disabledBy?: DisablingMark;
  /** 0-based last line of the definition. */
  endLine?: number;
  /** Functions: each check of the body, classified by what it pins. */
  checkList?: Check[];
  /** Functions: what the body's `==` checks compare (`parse(x)` of `assert parse(x) == {...}`), whitespace removed. */
  compared?: string[];
  /** Functions: the functions and methods the body calls (`parse`, `self._check`), whitespace removed. */
  calls?: string[];
  /** Functions: each comment line of the body with the rest of its run of comment lines (the text after `#`, whitespace removed). */
  comments?: { text: string; line: number }[];
  /** Functions: the rows of each `@pytest.mark.parametrize` list on the test. */
  cases?: CaseList[];
}

/** One check of a test, whitespace removed. */
export interface Check {
  text: string;
  /**
   * `weak`: passes for almost any result (`is not None`, `isinstance`, `len(x) > 0`, `== True`); `truthy`: the
   * truth of `subject` (`assert result`), weak when the old test compared that value; `strong`: the rest.
   */
  kind: 'strong' | 'weak' | 'truthy';
  subject?: string;
  /** Why a `weak` check passes, when not for almost any result. */
  passes?: string;
  /** Inside `pytest.raises(AssertionError)` / `assertRaises(AssertionError)`: expected to fail. */
  inverted?: boolean;
  /** The line the check starts on, as written. */
  display: string;
}

/** The rows of one `parametrize` list. */
export interface CaseList {
  /** The argument names as written, whitespace removed (the key that matches a list across the change). */
  argnames: string;
  line: number;
  /** Each row's values joined by commas, whitespace removed (`pytest.param(15, 3, id=...)` and `(15, 3)` are `15,3`). */
  rows: { values: string; display: string; marked: boolean; literals?: string[] }[];
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

/** Text with its whitespace removed, to compare code across the sides of a change whatever its layout. */
export function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

/** What a test function's body does, for comparing the two sides of a change. */
function testShape(def: Node, localNames: ReadonlySet<string>, inert: ReadonlySet<string>, names: NameResolver, root: Node, lines: readonly string[]): Pick<TestDefinition, 'checks' | 'empty' | 'callsLocalHelper' | 'endLine' | 'checkList' | 'compared' | 'calls' | 'comments' | 'cases' | 'literals'> {
  const body = def.childForFieldName('body');
  let checks = 0;
  let callsLocalHelper = false;
  const checkList: Check[] = [];
  const compared: string[] = [];
  const calls = new Set<string>();
  const assigned = localAssignments(def);
  // `_check_order(got, want)` named like a check, calling a helper of the file that checks nothing.
  const callsInert = (call: Node) => inert.has(localCallee(call) ?? '');
  if (body) {
    // A checking call inside a check (`assert r == pytest.approx(x)`) is part of it, not a check of its own.
    let checkEnd = -1;
    forEachInScope(body, (n) => {
      if (n.startIndex >= checkEnd && (n.type === 'assert_statement' || (n.type === 'call' && isCheckingCall(n, names) && !callsInert(n)))) {
        checks++;
        checkList.push(classifyCheck(n, assigned, compared));
        checkEnd = n.endIndex;
        return;
      }
      if (n.type !== 'call') return;
      const fn = n.childForFieldName('function');
      const called = localCallee(n);
      // A helper of the file that checks nothing (`def _same(a, b): return a == b`) only computes a value.
      if (!called || inert.has(called)) return;
      calls.add(squash(fn!.text));
      if (localNames.has(called) || (fn!.type === 'identifier' && isTestSupportImport(names.alias(called)))) callsLocalHelper = true;
    });
  }
  return {
    checks,
    empty: !!body && body.namedChildren.every(isInert),
    callsLocalHelper,
    endLine: def.endPosition.row,
    checkList,
    compared,
    calls: [...calls],
    comments: commentRuns(def, lines),
    cases: parametrizeCases(def, root),
    literals: body ? literalValues(body, false, incidental) : [],
  };
}

const LITERAL_TYPES = new Set(['integer', 'float', 'string', 'concatenated_string', 'true', 'false', 'none', 'list', 'tuple', 'dictionary', 'set', 'pair', 'unary_operator', 'parenthesized_expression']);

/**
 * Literals a folded test need not keep: an index (`result[0]`) and a size compared with `len(...)`
 * (`len(result) == 3`), which the row's expected value implies.
 */
function incidental(d: Node): boolean {
  const p = d.parent;
  if (p?.type === 'subscript' && p.childForFieldName('value')?.id !== d.id) return true;
  if (p?.type === 'comparison_operator') return p.namedChildren.some((c) => c.id !== d.id && c.type === 'call' && c.childForFieldName('function')?.text === 'len');
  return false;
}

/** A literal value: numbers, strings, constants, and containers (or `-1`) of literal values only. */
function isLiteralValue(n: Node): boolean {
  if (!LITERAL_TYPES.has(n.type)) return false;
  if (n.type === 'string' || n.type === 'concatenated_string') return !n.descendantsOfType('interpolation').some(Boolean);
  return n.namedChildren.every((c) => c.type === 'comment' || isLiteralValue(c));
}

/**
 * The literal values under `n`, whitespace removed: the outermost ones only (`[3, 1, 2]`, not its items),
 * or with `all`, every literal at any depth (`([3, 1, 2], 2)`, `[3, 1, 2]`, `3`, ...).
 */
function literalValues(n: Node, all: boolean, skip?: (d: Node) => boolean): string[] {
  const out: string[] = [];
  forEachDescendant(n, (d) => {
    if (!isLiteralValue(d) || d.type === 'pair') return true;
    if (skip?.(d)) return false;
    out.push(squash(d.text));
    return all;
  });
  return out;
}

/** The check sits in a `with` block that expects an AssertionError (`pytest.raises`, `self.assertRaises`). */
function expectsItsFailure(check: Node): boolean {
  for (let p = check.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'with_statement') continue;
    for (const item of p.descendantsOfType('with_item')) {
      const call = item?.childForFieldName('value');
      const c = call && unparen(call);
      if (c?.type !== 'call' || !/(^|\.)(raises|assertRaises)$/.test(c.childForFieldName('function')?.text ?? '')) continue;
      if (/^(builtins\.)?AssertionError$/.test(callArguments(c).positional[0]?.text ?? '')) return true;
    }
  }
  return false;
}

/** Two calls of the same function (by its text): the second answer is no independent expectation. */
function sameCallee(a: Node, b: Node): boolean {
  if (a.type !== 'call' || b.type !== 'call') return false;
  const fa = a.childForFieldName('function');
  const fb = b.childForFieldName('function');
  return !!fa && !!fb && (fa.type === 'identifier' || fa.type === 'attribute') && squash(fa.text) === squash(fb.text);
}

/** The name a call gives to a function or method of the file: `check(x)`, `self.check(x)`, `cls.check(x)`. */
function localCallee(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  return fn?.type === 'attribute' && ['self', 'cls'].includes(fn.childForFieldName('object')?.text ?? '') ? fn.childForFieldName('attribute')?.text : undefined;
}

/** pytest collects `Test*` classes, and others only as unittest.TestCase (or framework) subclasses, which need a base. */
function isCollectedClass(cls: Node): boolean {
  const bases = cls.childForFieldName('superclasses')?.namedChildren.filter((b) => b.type !== 'keyword_argument' && b.text !== 'object') ?? [];
  return (cls.childForFieldName('name')?.text ?? '').startsWith('Test') || bases.length > 0;
}

/** Predicates that hold for almost any value of the right type. */
const WEAK_PREDICATES = new Set(['isinstance', 'issubclass', 'hasattr', 'callable', 'bool']);
/** Assertion methods that pin no value (`assertIsNotNone(x)`); `assertTrue` is the truth of its argument. */
const WEAK_ASSERT_METHODS = new Set(['assertIsNotNone', 'assertIsInstance', 'assertNotIsInstance']);
const TRUTH_ASSERT_METHODS = new Set(['assertTrue', 'assert_', 'failUnless']);
const EQUALITY_ASSERT_METHODS = /^(assertEquals?|assertDictEqual|assertListEqual|assertTupleEqual|assertSetEqual|assertSequenceEqual|assertMultiLineEqual|assertCountEqual|assertAlmostEquals?|assertIs|assert_equal|assert_array_equal|assert_allclose|assert_frame_equal|assert_series_equal)$/;

const isNone = (n: Node) => unparen(n).type === 'none';
const isTrue = (n: Node) => unparen(n).type === 'true';
const isBoolOrNone = (n: Node) => ['true', 'false', 'none'].includes(unparen(n).type);
/** `len(x)`. */
const isLen = (n: Node) => {
  const u = unparen(n);
  return u.type === 'call' && u.childForFieldName('function')?.text === 'len';
};
const isInt = (n: Node, value: number) => unparen(n).type === 'integer' && Number(unparen(n).text) === value;

/**
 * What a check pins. Records in `compared` the values that `==` checks compare with an expected value,
 * so that the new side's `assert result` can be recognised as the truth of a value the old side compared.
 */
function classifyCheck(n: Node, assigned: Map<string, Node[]>, compared: string[]): Check {
  const display = n.text.split('\n')[0]!.trim();
  const text = squash(n.text);
  // A name assigned once in the test stands for its value (`result = parse(x)`; `assert result`).
  const resolve = (e: Node): Node => {
    const u = unparen(e);
    const values = u.type === 'identifier' ? assigned.get(u.text) : undefined;
    return values?.length === 1 ? unparen(values[0]!) : u;
  };
  const sameValue = (a: Node, b: Node) => squash(resolve(a).text) === squash(resolve(b).text);
  const compare = (a: Node, b: Node) => {
    if (isBoolOrNone(a) || isBoolOrNone(b)) return;
    compared.push(squash(resolve(a).text), squash(resolve(b).text));
  };
  const condition = (e: Node): Pick<Check, 'kind' | 'subject' | 'passes'> => {
    const u = unparen(e);
    if (u.type === 'boolean_operator' && u.childForFieldName('operator')?.text === 'and') {
      const parts = [u.childForFieldName('left'), u.childForFieldName('right')].filter((p): p is Node => !!p).map(condition);
      return parts.every((p) => p.kind === 'weak') ? { kind: 'weak' } : { kind: 'strong' };
    }
    if (u.type === 'comparison_operator') {
      const operands = u.namedChildren.filter((c) => c.type !== 'comment');
      const ops = u.children.filter((c) => !c.isNamed || c.type === 'is not' || c.type === 'not in').map((c) => c.text.replace(/\s+/g, ' '));
      if (operands.length !== 2 || ops.length !== 1) return { kind: 'strong' };
      const [a, b] = operands as [Node, Node];
      const op = ops[0]!;
      if ((op === 'is not' || op === '!=') && (isNone(a) || isNone(b))) return { kind: 'weak' };
      if ((op === '==' || op === 'is') && (isTrue(a) || isTrue(b))) return { kind: 'weak' };
      // The result compared with itself (`assert f(x) == f(x)`, `expected = f(x); assert f(x) == expected`).
      if (['==', 'is', '<=', '>='].includes(op) && sameValue(a, b)) return { kind: 'weak' };
      // The expected value computed by the same function (`expected = median(sorted(data))`; `assert median(data) == expected`).
      if (op === '==' && sameCallee(resolve(a), resolve(b))) return { kind: 'weak', passes: 'which compares the result with the same function\'s own answer' };
      // One of several literal answers (`assert result in (2, 2.5, 3)`): where the test pinned one value, the
      // others are accepted too.
      if (op === 'in' && isLiteralValue(unparen(b)) && ['tuple', 'list', 'set'].includes(unparen(b).type) && unparen(b).namedChildren.filter((c) => c.type !== 'comment').length > 1 && !isLiteralValue(unparen(a))) return { kind: 'weak', passes: 'which accepts the other values listed as well' };
      // A tolerance as wide as the value: `== pytest.approx(2.5, abs=1e9)`, `abs(result - 2.5) < 10`.
      if (op === '==' && (looseApprox(a) || looseApprox(b))) return { kind: 'weak' };
      if ((op === '<' || op === '<=') && looseDifference(a, b)) return { kind: 'weak' };
      // A non-empty length: `len(x) > 0`, `len(x) >= 1`, `len(x) != 0`, `0 < len(x)`.
      if ((isLen(a) && ((op === '>' && isInt(b, 0)) || (op === '>=' && isInt(b, 1)) || (op === '!=' && isInt(b, 0)))) || (isLen(b) && ((op === '<' && isInt(a, 0)) || (op === '<=' && isInt(a, 1))))) return { kind: 'weak' };
      // `len(x) >= 0`, `0 <= len(x)`: true of every sized value.
      if ((isLen(a) && op === '>=' && isInt(b, 0)) || (isLen(b) && op === '<=' && isInt(a, 0))) return { kind: 'weak', passes: 'which holds for every result' };
      // `type(x) is dict`.
      const isType = (x: Node) => unparen(x).type === 'call' && unparen(x).childForFieldName('function')?.text === 'type';
      if ((op === 'is' || op === '==') && (isType(a) || isType(b))) return { kind: 'weak' };
      if (op === '==') compare(a, b);
      return { kind: 'strong' };
    }
    if (u.type === 'call') {
      const fn = u.childForFieldName('function');
      if (fn?.type === 'identifier' && WEAK_PREDICATES.has(fn.text)) return { kind: 'weak' };
      if (/(^|\.)isclose$/.test(fn?.text ?? '') && looseTolerance(u, 'rel_tol', 'abs_tol')) return { kind: 'weak' };
    }
    if (['identifier', 'attribute', 'subscript', 'call'].includes(u.type)) {
      const value = resolve(u);
      // `ok = parse(x) == {...}; assert ok` still compares.
      if (value.type === 'comparison_operator' || value.type === 'not_operator' || value.type === 'boolean_operator') return condition(value);
      return { kind: 'truthy', subject: squash(value.text) };
    }
    return { kind: 'strong' };
  };
  // `with pytest.raises(AssertionError): assert f(x) == 3`: the test passes exactly when the check fails.
  if (expectsItsFailure(n)) return { text, display, kind: 'weak', inverted: true, passes: 'which passes only when that check fails' };
  if (n.type === 'assert_statement') {
    const cond = n.namedChildren[0];
    return { text, display, ...(cond ? condition(cond) : { kind: 'strong' }) };
  }
  const method = calleeLastName(n);
  const [first, second] = callArguments(n).positional;
  if (WEAK_ASSERT_METHODS.has(method)) return { text, display, kind: 'weak' };
  if (TRUTH_ASSERT_METHODS.has(method) && first) return { text, display, ...condition(first) };
  if (EQUALITY_ASSERT_METHODS.test(method) && first && second) {
    if ((method.startsWith('assertEqual') || method === 'assertIs') && (isTrue(first) || isTrue(second))) return { text, display, kind: 'weak' };
    if (!/Not/.test(method) && sameValue(first, second)) return { text, display, kind: 'weak' };
    if (/^assertAlmostEquals?$/.test(method) && looseTolerance(n, undefined, 'delta', 'places')) return { text, display, kind: 'weak' };
    compare(first, second);
  }
  if (/^assertGreater(Equal)?$/.test(method) && first && second && isLen(first) && isInt(second, method === 'assertGreater' ? 0 : 1)) return { text, display, kind: 'weak' };
  if (method === 'assertNotEqual' && first && second && (isNone(first) || isNone(second))) return { text, display, kind: 'weak' };
  return { text, display, kind: 'strong' };
}

/**
 * Runs of comment lines in a function, including those after its last statement that are indented like its
 * body (`# assert x == 1` left where the check was): the text after `#`, whitespace removed.
 */
function commentRuns(def: Node, lines: readonly string[]): { text: string; line: number }[] {
  const indent = (s: string) => s.length - s.trimStart().length;
  const defIndent = indent(lines[def.startPosition.row] ?? '');
  let last = def.endPosition.row;
  while (last + 1 < lines.length && (!lines[last + 1]!.trim() || (lines[last + 1]!.trimStart().startsWith('#') && indent(lines[last + 1]!) > defIndent))) last++;
  // One entry per comment line: its text and that of the comment lines after it in the same run, so that a
  // check commented out over several lines reads whole from its first line.
  const out: { text: string; line: number }[] = [];
  let run: { text: string; line: number }[] = [];
  for (let l = def.startPosition.row + 1; l <= last; l++) {
    const t = (lines[l] ?? '').trim();
    if (t.startsWith('#')) {
      const text = squash(t.replace(/^#+/, ''));
      for (const r of run) r.text += text;
      run.push({ text, line: l });
      out.push(run[run.length - 1]!);
    } else if (t) run = [];
  }
  return out;
}

/** A comment line that starts with the check's text, the whole of an expression (not `assert x` in `# assert xs are sorted`). */
function commentsOut(comment: { text: string }, check: Check): boolean {
  return comment.text.startsWith(check.text) && !/^[\w.([{'"]/.test(comment.text.slice(check.text.length));
}

/** The rows of the `parametrize` lists on a test, when written as a list (or a module constant holding one). */
function parametrizeCases(def: Node, root: Node): CaseList[] {
  const out: CaseList[] = [];
  for (const d of decoratorsOf(def)) {
    if (d.type !== 'call' || !/(^|\.)parametrize$/.test(d.childForFieldName('function')?.text ?? '')) continue;
    const args = callArguments(d);
    const argnames = args.positional[0] ?? args.keywords.get('argnames');
    let values = args.positional[1] ?? args.keywords.get('argvalues');
    if (!argnames || !values) continue;
    values = unparen(values);
    if (values.type === 'identifier') {
      const bound = moduleAssignments(root).get(values.text);
      values = bound?.length === 1 ? unparen(bound[0]!) : values;
    }
    if (values.type !== 'list' && values.type !== 'tuple') continue;
    const rows = values.namedChildren.filter((r) => r.type !== 'comment').map((r) => caseRow(r));
    out.push({ argnames: squash(argnames.text), line: d.startPosition.row, rows });
  }
  return out;
}

function caseRow(row: Node): CaseList['rows'][number] {
  return { ...caseRowValues(row), literals: literalValues(row, true) };
}

function caseRowValues(row: Node): CaseList['rows'][number] {
  const display = row.text.replace(/\s+/g, ' ');
  const r = unparen(row);
  if (r.type === 'call' && /(^|\.)param$/.test(r.childForFieldName('function')?.text ?? '')) {
    const args = callArguments(r);
    return { values: args.positional.map((a) => squash(a.text)).join(','), display, marked: args.keywords.has('marks') };
  }
  if (r.type === 'tuple' || (row.type === 'parenthesized_expression' && r.type !== 'tuple')) {
    const items = r.type === 'tuple' ? r.namedChildren.filter((c) => c.type !== 'comment') : [r];
    return { values: items.map((a) => squash(a.text)).join(','), display, marked: false };
  }
  return { values: squash(r.text), display, marked: false };
}

/** Tests defined in a module: `test*` functions, and classes that hold `test*` methods. */
export function collectTests(root: Node): TestDefinition[] {
  const out: TestDefinition[] = [];
  // Functions and methods the file defines (not tests): a test that calls one may check through it.
  const localNames = new Set<string>();
  const helperDefs: Node[] = [];
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    if (def?.type === 'function_definition') {
      localNames.add(functionName(def));
      helperDefs.push(def);
    } else if (def?.type === 'class_definition') {
      for (const member of def.childForFieldName('body')?.namedChildren ?? []) {
        const m = definitionOf(member);
        if (m?.type === 'function_definition' && !functionName(m).startsWith('test')) {
          localNames.add(functionName(m));
          helperDefs.push(m);
        }
      }
    }
  }
  for (const n of [...localNames]) if (n.startsWith('test')) localNames.delete(n);
  const inert = inertHelpers(helperDefs.filter((d) => localNames.has(functionName(d))), localNames);
  let resolver: NameResolver | undefined;
  const names = () => (resolver ??= new NameResolver(root));
  // The module node starts at its first token: the lines before it are blank.
  const lines = `${'\n'.repeat(root.startPosition.row)}${root.text}`.split('\n');
  const shape = (def: Node) => testShape(def, localNames, inert, names(), root, lines);
  // A test file reviewed alone: no other module's facts.
  const marks: MarkContext = { get names() { return names(); }, root, source: root.text, imported: () => undefined };
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
      // Methods of a plain `class OrderingHelpers:` never run.
      if (!isCollectedClass(def)) continue;
      if (methods.length || className.startsWith('Test')) {
        out.push({ qualifiedName: className, name: className, line: def.startPosition.row, isClass: true, body: bodyText(def), disabledBy: classMark, endLine: def.endPosition.row }, ...methods);
      }
    }
  }
  return out;
}

/**
 * Helpers of a test file that check nothing: no `assert`, no `raise`, no call of an assertion, a test
 * framework, a method of the test case or another helper of the file (which may check). A test that only
 * calls one (`_same(result, want)` where `_same` returns `a == b`) compares and drops the answer.
 */
function inertHelpers(defs: Node[], localNames: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const def of defs) {
    const body = def.childForFieldName('body');
    if (!body || decoratorsOf(def).length) continue;
    let checks = false;
    forEachInScope(body, (n) => {
      if (checks) return false;
      if (n.type === 'assert_statement' || n.type === 'raise_statement' || n.type === 'yield' || n.type === 'await') checks = true;
      else if (n.type === 'call') {
        const fn = n.childForFieldName('function');
        const text = fn?.text ?? '';
        const last = calleeLastName(n) ?? '';
        if (fn?.type !== 'identifier' || !BUILTINS.has(text) || localNames.has(text) || /assert|fail|check|verify|expect|raise|ensure/i.test(last)) checks = true;
      }
      return !checks;
    });
    if (!checks) out.add(functionName(def));
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
  const note = (def: Node | null, collected: (name: string) => boolean, prefix = '') => {
    if (def?.type !== 'function_definition' && def?.type !== 'class_definition') return;
    const name = def.childForFieldName('name')?.text ?? '';
    if (/test/i.test(name) && !collected(name)) out.push({ name: `${prefix}${name}`, line: def.startPosition.row });
  };
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    note(def, (name) => (def?.type === 'class_definition' ? name.startsWith('Test') : name.startsWith('test')));
    if (def?.type !== 'class_definition') continue;
    // The methods of a class pytest does not collect (not `Test*`, no base to make it a TestCase) never run.
    const className = def.childForFieldName('name')?.text ?? '';
    const classCollected = isCollectedClass(def);
    for (const member of def.childForFieldName('body')?.namedChildren ?? []) note(definitionOf(member), (name) => classCollected && name.startsWith('test'), classCollected ? '' : `${className}.`);
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
  /** With the text known only where hunks show it: whether they show the whole of a new-side definition. */
  newInView?: (t: TestDefinition) => boolean;
}

/** The Python text of every file of the change, each side joined and whitespace removed: to tell code that moved from code that went. */
export interface ChangeTexts {
  old: string;
  new: string;
  /** Names of the functions and classes each side defines, across the change's Python files. */
  oldDefinitions?: Set<string>;
  newDefinitions?: Set<string>;
}

/** Occurrences of `needle` in `hay`. */
function occurrences(hay: string, needle: string): number {
  return needle ? hay.split(needle).length - 1 : 0;
}

/** Code that the old side had and the new side has as often somewhere in the change: it moved, not went. */
function landedElsewhere(texts: ChangeTexts | undefined, code: string): boolean {
  return !!texts && occurrences(texts.new, code) >= occurrences(texts.old, code);
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
/** A number written as a literal (`2.5`, `-3`, `1e9`), else undefined. */
function numberOf(n: Node | undefined): number | undefined {
  if (!n) return undefined;
  const u = unparen(n);
  const t = u.type === 'unary_operator' ? u.text.replace(/\s+/g, '') : u.text;
  if (!['integer', 'float', 'unary_operator'].includes(u.type) || !/^-?[\d_.]+(e[-+]?\d+)?$/i.test(t)) return undefined;
  const v = Number(t.replace(/_/g, ''));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A closeness check whose tolerance is as wide as the value it checks (`approx(2.5, abs=1e9)`, `rel=1`,
 * `isclose(r, 2.5, rel_tol=0.5)`, `assertAlmostEqual(r, 25, delta=100)`, `places=0`): almost any result passes.
 */
function looseTolerance(call: Node, rel: string | undefined, abs: string, places?: string): boolean {
  const args = callArguments(call);
  const values = args.positional.map(numberOf).filter((v): v is number => v !== undefined);
  const scale = Math.max(1, ...values.map(Math.abs));
  const relative = rel ? numberOf(args.keywords.get(rel)) : undefined;
  const absolute = numberOf(args.keywords.get(abs));
  const digits = places ? numberOf(args.keywords.get(places)) : undefined;
  return (relative !== undefined && relative >= 0.5) || (absolute !== undefined && absolute >= scale) || (digits !== undefined && digits <= 0);
}

/** `pytest.approx(2.5, abs=1e9)`, `approx(x, rel=1)`. */
function looseApprox(n: Node): boolean {
  const u = unparen(n);
  return u.type === 'call' && /(^|\.)approx$/.test(u.childForFieldName('function')?.text ?? '') && looseTolerance(u, 'rel', 'abs');
}

/** `abs(result - 2.5) < 10`: a bound on the difference at least as large as the value. */
function looseDifference(a: Node, b: Node): boolean {
  const u = unparen(a);
  if (u.type !== 'call' || u.childForFieldName('function')?.text !== 'abs') return false;
  const bound = numberOf(b);
  const diff = callArguments(u).positional[0];
  const d = diff ? unparen(diff) : undefined;
  if (bound === undefined || d?.type !== 'binary_operator') return false;
  const values = [d.childForFieldName('left'), d.childForFieldName('right')].map((x) => numberOf(x ?? undefined)).filter((v): v is number => v !== undefined);
  return bound >= Math.max(1, ...values.map(Math.abs));
}

/** Functions and classes (not tests) that the change takes out of the code: defined on the old side only. */
function removedDefinitions(texts: ChangeTexts | undefined): Set<string> {
  const after = texts?.newDefinitions ?? new Set<string>();
  return new Set([...(texts?.oldDefinitions ?? [])].filter((n) => !after.has(n) && !/^_*(test|Test)/.test(n)));
}

/** The removed definition a deleted test called (`parse_duration` for `assert parse_duration("1h") == 3600`). */
function removedFeature(t: TestDefinition, removed: ReadonlySet<string>): string | undefined {
  return (t.calls ?? []).map((c) => c.split('.').pop()!).find((name) => removed.has(name));
}

/** A test deleted with the code it tested is a feature removed, not a failing test dropped: `info`. */
function withFeatureRemoved(d: DeletedTestFinding, feature: string): void {
  d.finding.severity = 'info';
  d.finding.message += `, together with \`${feature}\`, which the change also removes (a feature deleted with its tests)`;
}

/**
 * A test folded into a parametrized test (`test_median_odd` and `test_median_even` into one `test_median`
 * over rows): one row of the change holds every literal the old body used, its inputs and its expected
 * value. A row with the input but another expected value does not match.
 */
function mergedIntoCases(t: TestDefinition, rows: readonly CaseList['rows'][number][]): boolean {
  if (t.isClass || !t.literals?.length) return false;
  return rows.some((r) => {
    const have = new Set(r.literals ?? []);
    return t.literals!.every((l) => have.has(l));
  });
}

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
export function deletedTestFindings(files: TestFileChange[], addedTests: Iterable<string> = [], pythonFiles: readonly string[] = PYTEST_DEFAULTS.python_files!, texts?: ChangeTexts): DeletedTestFinding[] {
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
  const removed = removedDefinitions(texts);
  // Every parametrize row of the change's tests: where a test merged into a parametrized one lands.
  const rows = collectedFiles.flatMap((f) => (f.newTests ?? []).flatMap((t) => (t.cases ?? []).flatMap((c) => c.rows)));
  // Tests that leave one file and land under their name in another: judged against what they were, as if they had stayed.
  const landedIn = new Map<string, { test: TestDefinition; file: TestFileChange }>();
  for (const f of collectedFiles) {
    const before = new Set(f.oldTests.map((t) => t.qualifiedName));
    for (const t of f.newTests ?? []) if (!t.isClass && !before.has(t.qualifiedName) && !landedIn.has(t.name)) landedIn.set(t.name, { test: t, file: f });
  }
  for (const f of collectedFiles) {
    const after = new Set((f.newTests ?? []).map((t) => t.qualifiedName));
    for (const was of f.oldTests) {
      const dest = was.isClass || after.has(was.qualifiedName) ? undefined : landedIn.get(was.name);
      if (!dest || dest.file === f) continue;
      out.push(...hollowedTestFindings({ ...dest.file, oldTests: [{ ...was, qualifiedName: dest.test.qualifiedName }], newTests: [dest.test] }, texts).map((d) => ({ ...d, finding: { ...d.finding, message: `${d.finding.message} (the test moved here from ${f.oldPath ?? f.newPath})` } })));
    }
  }
  for (const f of collectedFiles) {
    out.push(...hollowedTestFindings(f, texts), ...trimmedCaseFindings(f, texts), ...disabledTestFindings(f), ...shadowedTestFindings(f));
    const after = new Set((f.newTests ?? []).map((t) => t.qualifiedName));
    const gone = f.oldTests.filter((t) => !after.has(t.qualifiedName) && !landedNames.has(t.name) && !(t.body && landedBodies.has(t.body)) && !mergedIntoCases(t, rows));
    if (!gone.length) continue;
    const goneClasses = new Set(gone.filter((t) => t.isClass).map((t) => t.qualifiedName));
    // A deleted class is reported once, not once per method.
    const reported = gone.filter((t) => t.isClass || !goneClasses.has(t.qualifiedName.split('.')[0]!) || !t.qualifiedName.includes('.'));
    if (!f.newTests) {
      const tests = f.oldTests.filter((t) => !t.isClass);
      const d = deletedTest(f.oldPath!, 0, `This change deletes the test file ${f.oldPath} (${tests.length} test${tests.length === 1 ? '' : 's'}: ${testNames(gone.filter((t) => !t.isClass))})`);
      const feature = tests.map((t) => removedFeature(t, removed));
      if (tests.length && feature.every(Boolean)) withFeatureRemoved(d, feature[0]!);
      out.push(d);
      continue;
    }
    for (const t of reported) {
      // A rename is shown on the new definition; a deletion on the last line kept before it.
      const renamed = renamedOutOf(t, f.newUncollected ?? []);
      const d = deletedTest(f.newPath!, renamed ? renamed.line : f.oldToNew(t.line), deletionMessage(t, renamed));
      // The code the test exercised goes in the same change: the feature is removed with its test.
      const members = t.isClass ? gone.filter((m) => !m.isClass && m.qualifiedName.startsWith(`${t.qualifiedName}.`)) : [t];
      const feature = members.map((m) => removedFeature(m, removed));
      if (!renamed && members.length && feature.every(Boolean)) withFeatureRemoved(d, feature[0]!);
      out.push(d);
    }
  }
  return out;
}

/** Names a test may call that are not helpers doing its checking. */
const BUILTINS = new Set(['print', 'len', 'str', 'repr', 'int', 'float', 'bool', 'list', 'dict', 'set', 'tuple', 'sorted', 'type', 'isinstance', 'range', 'enumerate', 'zip', 'getattr', 'hasattr', 'next', 'iter', 'open', 'vars', 'id', 'any', 'all', 'min', 'max', 'sum', 'abs', 'round', 'format', 'callable']);

/**
 * Calls the new side of a test makes that the old side did not and that may do its checking elsewhere:
 * an inherited method (`self.check_roundtrip(x)` from a base class in another file), or, when only the hunks
 * are known, any function defined out of sight.
 */
function callsNewHelper(was: TestDefinition, now: TestDefinition, hunksOnly: boolean): boolean {
  const before = new Set(was.calls ?? []);
  return (now.calls ?? []).some((c) => !before.has(c) && !BUILTINS.has(c) && (hunksOnly || /^(self|cls)\./.test(c)));
}

/** A check pins no value: weak by its form, or the truth of a value the old test compared with an expected one. */
function isWeak(c: Check, was: TestDefinition): boolean {
  return c.kind === 'weak' || (c.kind === 'truthy' && !!c.subject && (was.compared ?? []).includes(c.subject));
}

/**
 * Tests that stay under their name but no longer test: emptied to `pass`/`...`/a docstring, their checks
 * turned into comments, stripped of every check while the rest of the body stays (the call runs, nothing is
 * compared), or left with checks that pin no value (`assert result is not None` where the test compared
 * the result with the expected one).
 */
function hollowedTestFindings(f: TestFileChange, texts?: ChangeTexts): DeletedTestFinding[] {
  if (!f.newTests) return [];
  const before = new Map(f.oldTests.filter((t) => !t.isClass).map((t) => [t.qualifiedName, t]));
  const out: DeletedTestFinding[] = [];
  for (const now of f.newTests) {
    const was = before.get(now.qualifiedName);
    if (!was || now.isClass || was.empty) continue;
    // With only the hunks to go by, the body may go on past the last line shown.
    const whole = f.newInView?.(now) ?? true;
    const helper = now.callsLocalHelper || callsNewHelper(was, now, !!f.oldUnseen);
    const oldChecks = was.checkList ?? [];
    const newChecks = now.checkList ?? [];
    // Checks the change leaves in the test as comments: each matched by its text.
    const live = new Set(newChecks.map((c) => c.text));
    const commented = oldChecks.filter((c) => !live.has(c.text) && (now.comments ?? []).some((r) => commentsOut(r, c)) && !(was.comments ?? []).some((r) => commentsOut(r, c)));
    // A check the old test ran as it is, now expected to fail.
    const inverted = newChecks.find((c) => c.inverted && oldChecks.some((o) => o.text === c.text && !o.inverted));
    let message: string | undefined;
    let line = now.line;
    let severity: Finding['severity'] = 'warning';
    if (now.empty && whole) message = `This change empties the test ${now.qualifiedName}: its body no longer does anything, so it passes whatever the code does`;
    else if (commented.length) {
      const count = commented.length === 1 ? 'a check' : `${commented.length} checks`;
      message = `This change turns ${count} of the test ${now.qualifiedName} into comments (\`${commented[0]!.display}\`${commented.length > 1 ? ', …' : ''}): ${commented.length === 1 ? 'it no longer runs' : 'they no longer run'}`;
      line = (now.comments ?? []).find((r) => commentsOut(r, commented[0]!))?.line ?? line;
      // As many live checks as before: the commented one was replaced (an updated expected value), not dropped.
      if ((now.checks ?? 0) >= (was.checks ?? 0)) {
        severity = 'info';
        message += ', though the test keeps as many checks as before';
      }
    } else if (inverted) {
      message = `This change wraps the check \`${inverted.display}\` of the test ${now.qualifiedName} in an expectation of AssertionError: the test now passes only when that check fails`;
    } else if (was.checks && !now.checks && !helper && whole) {
      message = `This change removes every check from the test ${now.qualifiedName} (it had ${was.checks}): it still runs the code but no longer compares anything`;
    } else if (newChecks.length && !helper && whole && newChecks.every((c) => isWeak(c, was))) {
      // The old test pinned values; the new one only asks for a result of some kind. Quiet when the old
      // value checks moved to another test or file of the change.
      const pinned = oldChecks.filter((c) => !isWeak(c, was) && c.kind !== 'truthy' && !live.has(c.text));
      if (pinned.length && !pinned.some((c) => landedElsewhere(texts, c.text))) {
        message = `This change weakens the test ${now.qualifiedName}: it checked \`${pinned[0]!.display}\`${pinned.length > 1 ? ' and more' : ''}, now only \`${newChecks[0]!.display}\`, ${newChecks[0]!.passes ?? 'which passes for almost any result'}`;
      }
    }
    if (message) {
      const d = deletedTest(f.newPath!, line, message);
      d.finding.severity = severity;
      out.push(d);
    }
  }
  return out;
}

/**
 * A test the change defines again under the same name in the same scope: Python keeps the last definition,
 * so the earlier one is never collected. A new definition after the existing test replaces it (the old
 * checks no longer run, and the new body is often weaker): `warning`. A new one placed before it is dead
 * code itself: `info`.
 */
function shadowedTestFindings(f: TestFileChange): DeletedTestFinding[] {
  if (!f.newTests) return [];
  const count = (tests: readonly TestDefinition[]) => {
    const byName = new Map<string, TestDefinition[]>();
    for (const t of tests) {
      if (t.isClass) continue;
      const same = byName.get(t.qualifiedName);
      if (same) same.push(t);
      else byName.set(t.qualifiedName, [t]);
    }
    return byName;
  };
  const before = count(f.oldTests);
  const out: DeletedTestFinding[] = [];
  for (const [name, defs] of count(f.newTests)) {
    const old = before.get(name) ?? [];
    if (defs.length < 2 || defs.length <= old.length) continue;
    const last = defs[defs.length - 1]!;
    const earlier = defs[defs.length - 2]!;
    const lastIsOld = old.some((t) => t.body === last.body);
    const d = deletedTest(
      f.newPath!,
      last.line,
      lastIsOld
        ? `This change adds a second ${name} before the existing one (line ${last.line + 1}): Python keeps the last definition, so the new test never runs`
        : `This change defines ${name} again: Python keeps this definition, so the earlier ${name} (line ${earlier.line + 1}) and its checks no longer run`,
    );
    if (lastIsOld) d.finding.severity = 'info';
    out.push(d);
  }
  return out;
}

/**
 * Rows a change takes out of a test's `parametrize` list and puts nowhere else in the change: the test
 * runs fewer cases (the failing ones, often). A row the list still holds (a duplicate removed) or that the
 * change writes elsewhere (moved to another test) is not reported; a list the change also adds rows to or
 * whose argument names change is being reworked, and a row with its own marks (`pytest.param(...,
 * marks=skipif(...))`) may be retired with its condition: these are `info`.
 */
function trimmedCaseFindings(f: TestFileChange, texts?: ChangeTexts): DeletedTestFinding[] {
  if (!f.newTests) return [];
  const before = new Map(f.oldTests.filter((t) => !t.isClass).map((t) => [t.qualifiedName, t]));
  const out: DeletedTestFinding[] = [];
  for (const now of f.newTests) {
    const was = before.get(now.qualifiedName);
    if (!was?.cases?.length || now.isClass) continue;
    for (const list of was.cases) {
      const kept = now.cases?.find((c) => c.argnames === list.argnames);
      const after = new Set((kept?.rows ?? []).map((r) => r.values));
      const gone = list.rows.filter((r) => r.values && !after.has(r.values) && !landedElsewhere(texts, r.values));
      if (!gone.length) continue;
      const old = new Set(list.rows.map((r) => r.values));
      const reworked = !kept || kept.rows.some((r) => !old.has(r.values)) || gone.every((r) => r.marked);
      const shown = gone.slice(0, 3).map((r) => `\`${r.display}\``).join(', ') + (gone.length > 3 ? ', …' : '');
      // `"…"`: argument names put back from the hunks alone (changes.ts), with only the rows the hunk shows.
      const of = list.argnames === '"…"' ? (gone.length === 1 ? 'case' : 'cases') : `of the ${list.rows.length} cases`;
      const message = `This change removes ${gone.length} ${of} of the test ${now.qualifiedName} (${shown}) and adds ${gone.length === 1 ? 'it' : 'them'} nowhere else: the test no longer checks ${gone.length === 1 ? 'it' : 'them'}${reworked ? ' (the change also reworks the list)' : ''}`;
      const d = deletedTest(f.newPath!, kept?.line ?? now.line, message);
      if (reworked) d.finding.severity = 'info';
      out.push(d);
    }
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
    const message = narrowingMessage(o, "pytest's addopts");
    if (message) at(o.written, message);
  }
  // tox's pytest commands: options added to an environment that ran pytest before (a new environment, such
  // as a quick `-m "not slow"` run beside the full one, leaves the others as they were).
  for (const env of new Set((after.commands ?? []).map((c) => c.env))) {
    const was = (before?.commands ?? []).filter((c) => c.env === env);
    if (!was.length) continue;
    const oldOptions = new Set([...runNarrowingOptions(before?.addopts ?? []), ...was.flatMap((c) => runNarrowingOptions(c.args))].map(key));
    const reported = new Set<string>();
    // tox told to pass whatever pytest returns, where it did not before.
    const ignored = after.commands!.find((c) => c.env === env && c.ignoresFailure);
    if (ignored && !was.some((c) => c.ignoresFailure)) {
      const where = env ? `tox's [${env}]` : "tox's commands";
      const needle = /ignore_outcome/.test(ignored.ignoresFailure!) ? 'ignore_outcome' : /^- /.test(ignored.ignoresFailure!) ? '- ' : ignored.ignoresFailure!.split(' ')[0]!;
      at(needle, `This change makes ${where} ignore pytest's exit status (\`${ignored.ignoresFailure}\`): the run passes whatever the tests do`);
    }
    for (const c of after.commands!.filter((x) => x.env === env)) {
      for (const o of runNarrowingOptions(c.args)) {
        if (oldOptions.has(key(o)) || reported.has(key(o))) continue;
        reported.add(key(o));
        const message = narrowingMessage(o, env ? `the pytest command of tox's [${env}]` : "the pytest command of tox's commands");
        if (message) at(o.written, message);
      }
    }
  }
  // Collection patterns and test paths: what the old side (or pytest's default) had and the new side drops.
  for (const k of ['testpaths', 'python_files', 'python_classes', 'python_functions'] as ListKey[]) {
    const explicit = before?.lists[k];
    const was = explicit ?? PYTEST_DEFAULTS[k];
    const now = after.lists[k];
    if (!was || !now) continue;
    // Set for the first time, the patterns replace pytest's defaults; a project's own naming that still says
    // "test" (`python_files = tests.py test_*.py`) is configuration, not a way out of the run.
    if (!explicit && now.some((p) => /test/i.test(p)) && !narrowsDefaults(k, now)) continue;
    const dropped = was.filter((p) => !now.includes(p));
    if (dropped.length) at(k, `This change sets pytest's ${k} to ${now.join(' ') || '(nothing)'}, leaving out ${dropped.join(' ')}: tests there no longer run`);
  }
  const skipped = (after.lists.norecursedirs ?? []).filter((d) => !(before?.lists.norecursedirs ?? []).includes(d) && /test/i.test(d));
  for (const d of skipped) at(d, `This change adds ${d} to pytest's norecursedirs: tests in those folders are no longer collected`);
  return out;
}

/**
 * Patterns set for the first time that only narrow pytest's defaults: each one is a default's literal start
 * followed by more literal text (`test_u*.py`, `test_*_simple` for functions), so they collect a subset.
 */
function narrowsDefaults(key: ListKey, now: readonly string[]): boolean {
  const defaults = PYTEST_DEFAULTS[key] ?? [];
  if (!now.length || now.some((p) => defaults.includes(p))) return false;
  const literal = (p: string) => p.replace(/\*/g, '');
  // Prefix defaults (`test`, `Test`) allow a separator: `test_*` is how projects spell pytest's own default.
  return now.every((p) => defaults.some((d) => p.startsWith(d.split('*')[0]!) && literal(p).length > literal(d).length + (d.includes('*') ? 0 : 1)));
}

/** Where pytest's default patterns find tests: an ignore that matches these leaves tests out whatever its name. */
const TYPICAL_TEST_PATHS = ['test_app.py', 'app_test.py', 'tests/test_app.py', 'src/pkg/tests/test_app.py'];

/** `--ignore-glob=*.py`, `--ignore=.`: an ignore wide enough to take in every test file. */
function coversTestFiles(option: string, value: string): boolean {
  const v = value.replace(/^\.\//, '');
  if (option === '--ignore') return v === '' || v === '.' || v === '*';
  const matches = picomatch(v, { dot: true });
  return TYPICAL_TEST_PATHS.some((p) => matches(p) || matches(`./${p}`));
}

/** The message for a narrowing option added to `where` (pytest's addopts, a tox command). */
function narrowingMessage(o: RunNarrowingOption, where: string): string | undefined {
  switch (o.option) {
    case '--deselect':
      return `This change adds --deselect ${o.value} to ${where}: that test no longer runs`;
    case '--ignore':
    case '--ignore-glob':
      // Paths without "test" in them (docs, setup.py, build output) hold no tests pytest would collect by default.
      return /test/i.test(o.value ?? '') || coversTestFiles(o.option, o.value ?? '') ? `This change adds ${o.option}=${o.value} to ${where}: the tests there no longer run` : undefined;
    case '-p':
      if (o.value === 'no:doctest') return undefined;
      return `This change adds -p ${o.value} to ${where}: ${o.value === 'no:unittest' ? 'unittest.TestCase tests are' : 'tests are'} no longer collected`;
    case '--suppress-tests-failed-exit-code':
      return `This change adds ${o.option} to ${where}: the run exits with status 0 even when tests fail`;
    case '-k':
    case '-m':
      return `This change adds ${o.option} "${o.value}" to ${where}: only the tests it selects run`;
    default:
      return `This change adds ${o.written === o.option ? o.option : `${o.written} (${o.option})`} to ${where}: pytest then runs no test at all and reports success`;
  }
}

function deletionMessage(t: TestDefinition, renamed: UncollectedDefinition | undefined): string {
  const what = t.isClass ? `test class ${t.qualifiedName}` : `test ${t.qualifiedName}`;
  if (renamed?.name.includes('.') && !t.isClass) return `This change moves the ${what} into the class ${renamed.name.split('.')[0]}, which pytest does not collect (not named \`Test*\`, no \`TestCase\` base): the test no longer runs`;
  if (renamed) return `This change renames the ${what} to ${renamed.name}, a name the test runner does not collect: ${t.isClass ? 'its tests no longer run' : 'the test no longer runs'}`;
  return t.isClass ? `This change deletes the test class ${t.qualifiedName} and its tests` : `This change deletes the test ${t.qualifiedName}`;
}
