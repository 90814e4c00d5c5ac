/**
 * RH102 exit-status-override: forging the status a test run ends with instead of exiting early —
 * `session.exitstatus = 0` / `ExitCode.OK`, `session.testsfailed = 0`, `atexit.register(os._exit, 0)` or
 * an atexit function that exits 0, `sys.excepthook` replaced by a function that exits 0, and
 * `pytest.exit(..., returncode=0)`, and a runner script that runs the tests in process and then exits 0
 * without looking at the outcome (or forgives the failing status it got back, also when its only branch on the
 * outcome leaves with success too: `if rc == 0: return 0` then `return 0`). Setting a non-zero
 * status, computing it, or initialising it before the work stay quiet.
 */
import { baseExpressions, callArguments, moduleFunctionNamed, parameterNames, returnsOf, returnValue, containsNode, dottedName, enclosingClass, enclosingFunction, forEachDescendant, forEachInScope, functionName, isUnderMainGuard, isWithin, moduleAssignments, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { builtStrings } from '../equality/helpers';
import type { Listeners, Rule, RuleContext } from '../../engine/rule';
import { MentionedWords, mentionedInFile, whenMentioned } from '../../engine/prefilter';
import type { Severity } from '../../engine/types';
import {
  alwaysSuccess,
  CallbackCollector,
  displayOf,
  exitFunctionKind,
  exitSiteOf,
  forwardingExitOf,
  isSuccessStatus,
  functionsByName,
  isSuccessLiteral,
  moduleConstantValue,
  optionGatedPreRunHook,
  successExitsIn,
  type CallbackRegistration,
  type ExitSite,
} from './helpers';
import { ignoredToxRuns, TOX_CONFIG_FILES } from './tox-commands';
import { ignoredRuns, processHelperOf, mayRunTests, outcomeNames, RETURNING_RUNNERS, returnAsExit, statementOf, TEST_COMMAND, testRuns } from './runner';


const STATUS_ATTRIBUTES = new Set(['exitstatus', 'testsfailed']);
/** The exception `pytest.exit()` raises, by the names it is reachable under. */
const EXIT_CLASS = /\bExit\b/;
const PYTEST_EXIT_EXCEPTIONS = new Set(['_pytest.outcomes.Exit', 'pytest.exit.Exception', '_pytest.outcomes.exit.Exception', 'pytest.Exit']);
/** Last names of the calls the `call` listener reacts to: `atexit.register`, `weakref.finalize`, `setattr`, `pytest.exit`. */
const CALL_METHODS = new Set(['register', 'finalize', 'setattr', '__setattr__', 'exit', 'update', 'force_result']);

function where(node: Node): string {
  const fn = enclosingFunction(node);
  if (!fn) return 'at module level';
  const name = functionName(fn);
  return name.startsWith('pytest_') ? `in pytest hook \`${name}()\`` : `in \`${name}()\``;
}

function effectOf(attr: string): string {
  return attr === 'testsfailed'
    ? 'hides the failed-test count pytest derives its exit status from, so a failing run ends with status 0'
    : 'forces the test run\'s exit status to success; failures are still printed, but the run reports status 0';
}

/** Is this success assignment only an initialisation (in `__init__`, or given a computed value later in the same function)? */
function isInitialisation(assign: Node, left: Node, names: NameResolver): boolean {
  const fn = enclosingFunction(assign);
  if (!fn) return false;
  if (functionName(fn) === '__init__') return true;
  const body = fn.childForFieldName('body');
  if (!body) return false;
  let later = false;
  forEachInScope(body, (n) => {
    if (later) return false;
    if (n.type === 'assignment' && n.startIndex > assign.endIndex) {
      const l = n.childForFieldName('left');
      if (l && l.text === left.text && !isSuccessLiteral(n.childForFieldName('right'), names)) later = true;
    }
    return !later;
  });
  return later;
}

/**
 * `0 if exitstatus == 1 else exitstatus`, `exitstatus if exitstatus == 0 else 0`: the success branch of a
 * conditional status is the one taken when the status says the run failed. Other conditions (`0 if
 * exitstatus == ExitCode.NO_TESTS_COLLECTED else ...`, or on anything but the status) stay unknown.
 */
function turnsFailureIntoSuccess(cond: Node, names: NameResolver, isStatus: (n: Node) => boolean = isSessionStatus): boolean {
  const [whenTrue, test, whenFalse] = cond.namedChildren.filter((c) => c.type !== 'comment');
  if (!whenTrue || !test || !whenFalse) return false;
  const failing = statusTestSaysFailed(test, names, isStatus);
  if (failing === undefined) return false;
  return failing ? isSuccessLiteral(whenTrue, names) && !isSuccessLiteral(whenFalse, names) : isSuccessLiteral(whenFalse, names) && !isSuccessLiteral(whenTrue, names);
}

/** pytest's named failure statuses (`ExitCode.TESTS_FAILED`...). */
const FAILURE_CODE_NAME = /(^|\.)(TESTS_FAILED|INTERNAL_ERROR|USAGE_ERROR|INTERRUPTED)$/;

/**
 * A failure code: `ExitCode.TESTS_FAILED` (and the other named failures) or a non-zero number other than 5 (no tests
 * collected), also through a module constant bound once to one (`PYTEST_TESTS_FAILED = 1`).
 */
function isFailureCode(n: Node, names: NameResolver, depth = 0): boolean {
  const o = unparen(n);
  if (FAILURE_CODE_NAME.test(o.text) || (o.type === 'integer' && !isSuccessLiteral(o, names) && !/^0*5$/.test(o.text))) return true;
  const value = depth <= 2 ? moduleConstantValue(o) : undefined;
  return !!value && isFailureCode(value, names, depth + 1);
}

/**
 * A set of accepted statuses that holds a failure code: a literal list, tuple or set (`[0, 1]`), a `range` that
 * reaches 1 (`range(6)`), either through `tuple(...)`/`list(...)`/`set(...)`, a concatenation, or a module constant
 * bound once to one of those (`PYTEST_OK = tuple(range(6))`).
 */
function acceptsFailureCode(node: Node, root: Node, names: NameResolver, depth = 0): boolean {
  const c = unparen(node);
  if (depth > 4) return false;
  if (c.type === 'list' || c.type === 'tuple' || c.type === 'set') return c.namedChildren.some((x) => isFailureCode(x, names));
  if (c.type === 'binary_operator' && c.child(1)?.type === '+') return [c.childForFieldName('left'), c.childForFieldName('right')].some((x) => !!x && acceptsFailureCode(x, root, names, depth + 1));
  if (c.type === 'identifier') {
    const bound = moduleAssignments(root).get(c.text);
    const value = bound?.length === 1 ? bound[0]! : null;
    return !!value && acceptsFailureCode(value, root, names, depth + 1);
  }
  if (c.type !== 'call') return false;
  const callee = c.childForFieldName('function')?.text;
  const args = callArguments(c).positional;
  if ((callee === 'tuple' || callee === 'list' || callee === 'set' || callee === 'frozenset') && args.length === 1) return acceptsFailureCode(args[0]!, root, names, depth + 1);
  if (callee !== 'range') return false;
  // `range(stop)` / `range(start, stop)` with written bounds: does it reach 1? Other forms count as accepting.
  const bounds = args.map((a) => (unparen(a).type === 'integer' ? Number(unparen(a).text) : NaN));
  if (bounds.length === 1 && !Number.isNaN(bounds[0]!)) return bounds[0]! > 1;
  if (bounds.length === 2 && !bounds.some(Number.isNaN)) return bounds[0]! <= 1 && bounds[1]! > 1;
  return true;
}

/** A `case` pattern that a failed run's status matches: `case ExitCode.TESTS_FAILED:`, `case 1 | 2:`. */
function patternMatchesFailure(pattern: Node): boolean {
  let found = false;
  forEachDescendant(pattern, (n) => {
    if (found) return false;
    if (n.type === 'dotted_name' || n.type === 'integer') found = FAILURE_CODE_NAME.test(n.text) || (n.type === 'integer' && /^0*[1-46-9]\d*$/.test(n.text));
    return !found;
  });
  return found;
}

/** `int(x)` with one plain argument. */
function isIntConversion(n: Node, names: NameResolver): boolean {
  const c = unparen(n);
  if (c.type !== 'call' || names.qualify(c.childForFieldName('function')) !== 'builtins.int') return false;
  const args = callArguments(c);
  return args.positional.length === 1 && !args.keywords.size && !args.hasSplat;
}

/** True when `test` holds exactly for a failed run's status, false when for a passed one, undefined otherwise. */
function statusTestSaysFailed(test: Node, names: NameResolver, isStatus: (n: Node) => boolean = isSessionStatus, depth = 0): boolean | undefined {
  const t = unparen(test);
  if (depth > 4 || /NO_TESTS_COLLECTED/.test(t.text)) return undefined;
  // `int(exitstatus) in (1, 2)`: the status converted to a plain number is still the status.
  const given = isStatus;
  isStatus = (n: Node) => given(n) || (isIntConversion(n, names) && given(callArguments(unparen(n)).positional[0]!));
  if (t.type === 'not_operator') {
    const inner = t.childForFieldName('argument');
    const r = inner ? statusTestSaysFailed(inner, names, isStatus, depth + 1) : undefined;
    return r === undefined ? undefined : !r;
  }
  if (isStatus(t)) return true; // a non-zero status or failure count is truthy
  if (t.type !== 'comparison_operator' || t.namedChildCount !== 2) return undefined;
  const [a, b] = t.namedChildren as [Node, Node];
  const op = t.child(1)?.type;
  // `rc in (0, 1)`: a collection holding a failure code is matched by a failed run (`not in`, by a passed one).
  if ((op === 'in' || op === 'not in') && isStatus(a)) {
    const items = unparen(b);
    if (!['tuple', 'list', 'set'].includes(items.type)) return undefined;
    const members = items.namedChildren.filter((c) => c.type !== 'comment');
    if (members.some((c) => isFailureCode(c, names))) return op === 'in';
    // `rc not in (0, None)`: a collection of success values only is matched by a passed run (`not in`, by a failed one).
    if (members.length && members.every((c) => isSuccessLiteral(c, names))) return op === 'not in';
    return undefined;
  }
  const other = isStatus(a) ? b : isStatus(b) ? a : undefined;
  if (!other) return undefined;
  const o = unparen(other);
  const zero = isSuccessLiteral(o, names);
  // NO_TESTS_COLLECTED (5) is no failure: "nothing ran" is not a failure to hide.
  const failure = isFailureCode(o, names);
  if (op === '==' || op === 'is') return failure ? true : zero ? false : undefined;
  if (op === '!=' || op === 'is not') return zero ? true : undefined;
  if (op === '>' && zero && other.id === b.id) return true;
  return undefined;
}

/**
 * The status expression `n` hands on, when `n` is an exit (`sys.exit(expr)`, `raise SystemExit(expr)`), a
 * `return expr` in a function the file exits with, or an assignment to the status (`rc = expr`).
 */
function handedOnStatus(n: Node, names: NameResolver, isStatus: (n: Node) => boolean): Node | undefined {
  if (n.type === 'return_statement') return returnAsExit(n)?.status ?? undefined;
  if (n.type === 'call' || n.type === 'raise_statement') return exitSiteOf(n, names)?.status ?? undefined;
  if (n.type === 'assignment' && n.childForFieldName('left') && isStatus(n.childForFieldName('left')!)) return n.childForFieldName('right') ?? undefined;
  return undefined;
}

/** pytest's exit codes by name. */
const EXIT_CODES: Record<string, number> = { OK: 0, TESTS_FAILED: 1, INTERRUPTED: 2, INTERNAL_ERROR: 3, USAGE_ERROR: 4, NO_TESTS_COLLECTED: 5 };

/**
 * `expr` reads the status and is 0 when the tests failed (status 1) yet not for every failing status: a
 * mapping that forgives test failures (`0 if rc <= 1 else rc`, `{1: 0}.get(rc, rc)`, `max(0, rc - 1)`,
 * `int(rc > 1)`). Mappings it cannot evaluate (a name it cannot resolve: `{NO_TESTS: 0}.get(rc, rc)` stays
 * unknown unless `NO_TESTS` is bound to 5 in the module) stay quiet.
 */
function forgivesFailure(expr: Node, names: NameResolver, isStatus: (n: Node) => boolean): boolean {
  if (!containsNode(expr, (c) => isStatus(c))) return false;
  const at = (status: number) => evaluateStatus(expr, status, names, isStatus);
  if (at(1) !== 0 || at(0) !== 0) return false;
  return [2, 3, 4].some((s) => { const v = at(s); return v !== undefined && v !== 0; });
}

/**
 * A value written to the session's status that reads the status and evaluates to 0 when it is 1 (tests
 * failed): `int(exitstatus > 1)`, `max(0, exitstatus - 1)`. Unlike `forgivesFailure`, a mapping that
 * is 0 for every status counts too. Mappings that keep status 1 non-zero, or that read anything the
 * evaluator cannot resolve, stay quiet.
 */
function mapsFailureToSuccess(value: Node, names: NameResolver): boolean {
  if (!containsNode(value, (c) => isSessionStatus(c)) || evaluateStatus(value, 1, names, isSessionStatus) !== 0) return false;
  // `if exitstatus == ExitCode.INTERRUPTED: session.exitstatus = exitstatus - 1`: never reached for status 1.
  for (let p = value.parent, child: Node = value; p && p.type !== 'function_definition'; child = p, p = p.parent) {
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && child.id === p.childForFieldName('consequence')?.id) {
      if (evaluateStatus(p.childForFieldName('condition')!, 1, names, isSessionStatus) === 0) return false;
    }
  }
  return true;
}

/** A small evaluator of status arithmetic with the run's status set to `status`; undefined for anything else. */
function evaluateStatus(expr: Node, status: number, names: NameResolver, isStatus: (n: Node) => boolean, depth = 0): number | undefined {
  if (depth > 12) return undefined;
  const e = unparen(expr);
  const ev = (n: Node | null | undefined) => (n ? evaluateStatus(n, status, names, isStatus, depth + 1) : undefined);
  if (isStatus(e)) return status;
  switch (e.type) {
    case 'integer': return /^\d+$/.test(e.text) ? Number(e.text) : undefined;
    case 'true': return 1;
    case 'false': case 'none': return 0;
    case 'attribute': case 'identifier': {
      const code = EXIT_CODES[e.text.split('.').pop()!];
      if (code !== undefined && (e.type === 'attribute' || /ExitCode/.test(names.qualify(e) ?? ''))) return code;
      if (e.type !== 'identifier') return undefined;
      // A module constant: `NO_TESTS = pytest.ExitCode.NO_TESTS_COLLECTED`.
      let root: Node = e;
      while (root.parent) root = root.parent;
      const values = moduleAssignments(root).get(e.text);
      return values?.length === 1 && values[0]!.id !== e.id ? ev(values[0]) : undefined;
    }
    case 'unary_operator': {
      const v = ev(e.childForFieldName('argument'));
      const op = e.child(0)?.type;
      return v === undefined ? undefined : op === '-' ? -v : op === '+' ? v : undefined;
    }
    case 'not_operator': {
      const v = ev(e.childForFieldName('argument'));
      return v === undefined ? undefined : Number(!v);
    }
    case 'binary_operator': {
      const a = ev(e.childForFieldName('left'));
      const b = ev(e.childForFieldName('right'));
      if (a === undefined || b === undefined) return undefined;
      switch (e.childForFieldName('operator')?.type) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '//': return b === 0 ? undefined : Math.floor(a / b);
        case '%': return b === 0 ? undefined : ((a % b) + b) % b;
        case '&': return a & b;
        case '|': return a | b;
        case '^': return a ^ b;
        case '>>': return a >> b;
        default: return undefined;
      }
    }
    case 'boolean_operator': {
      const a = ev(e.childForFieldName('left'));
      if (a === undefined) return undefined;
      const op = e.childForFieldName('operator')?.type;
      if (op === 'and') return a ? ev(e.childForFieldName('right')) : a;
      return a ? a : ev(e.childForFieldName('right'));
    }
    case 'comparison_operator': {
      if (e.namedChildCount !== 2) return undefined;
      const [l, r] = e.namedChildren as [Node, Node];
      const op = e.child(1)?.type;
      const a = ev(l);
      if (a === undefined) return undefined;
      if (op === 'in' || op === 'not in') {
        const items = unparen(r);
        if (!['tuple', 'list', 'set'].includes(items.type)) return undefined;
        const vals = items.namedChildren.map((c) => ev(c));
        if (vals.some((v) => v === undefined)) return undefined;
        return Number(vals.includes(a) === (op === 'in'));
      }
      const b = ev(r);
      if (b === undefined) return undefined;
      switch (op) {
        case '==': return Number(a === b);
        case '!=': return Number(a !== b);
        case '<': return Number(a < b);
        case '<=': return Number(a <= b);
        case '>': return Number(a > b);
        case '>=': return Number(a >= b);
        default: return undefined;
      }
    }
    case 'conditional_expression': {
      const [whenTrue, test, whenFalse] = e.namedChildren.filter((c) => c.type !== 'comment');
      const t = ev(test);
      return t === undefined ? undefined : t ? ev(whenTrue) : ev(whenFalse);
    }
    case 'call': {
      const fn = e.childForFieldName('function');
      const callee = fn && names.qualify(fn);
      const args = callArguments(e);
      // `{1: 0}.get(rc, rc)`, `{1: 0}[rc]`-style remaps of a dictionary literal.
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get' && unparen(fn.childForFieldName('object')!).type === 'dictionary') {
        const key = ev(args.positional[0]);
        if (key === undefined) return undefined;
        const hit = dictionaryValue(unparen(fn.childForFieldName('object')!), key, ev);
        return hit === null ? ev(args.positional[1]) ?? (args.positional[1] ? undefined : 0) : hit;
      }
      if (args.keywords.size) return undefined;
      const vals = args.positional.map((a) => ev(a));
      if (vals.some((v) => v === undefined)) return undefined;
      const v = vals as number[];
      switch (callee) {
        case 'builtins.int': return v.length === 1 ? Math.trunc(v[0]!) : undefined;
        case 'builtins.bool': return v.length === 1 ? Number(!!v[0]) : undefined;
        case 'builtins.abs': return v.length === 1 ? Math.abs(v[0]!) : undefined;
        case 'builtins.max': return v.length >= 2 ? Math.max(...v) : undefined;
        case 'builtins.min': return v.length >= 2 ? Math.min(...v) : undefined;
        default: return undefined;
      }
    }
    case 'subscript': {
      const table = unparen(e.childForFieldName('value')!);
      const key = ev(e.childForFieldName('subscript'));
      if (table.type !== 'dictionary' || key === undefined) return undefined;
      return dictionaryValue(table, key, ev) ?? undefined;
    }
    default: return undefined;
  }
}

/** The value a dictionary literal maps `key` to; null when it has no such key, undefined when a key cannot be evaluated. */
function dictionaryValue(dict: Node, key: number, ev: (n: Node | null | undefined) => number | undefined): number | null | undefined {
  for (const pair of dict.namedChildren) {
    if (pair.type !== 'pair') return undefined;
    const k = ev(pair.childForFieldName('key'));
    if (k === undefined) return undefined;
    if (k === key) return ev(pair.childForFieldName('value'));
  }
  return null;
}

/** pytest's session status: `exitstatus`, `session.exitstatus`, `item.session.testsfailed`. */
function isSessionStatus(n: Node): boolean {
  return /^(session\.|\w+\.session\.)?(exitstatus|testsfailed)$/.test(unparen(n).text);
}

/**
 * `self.exitstatus = None` in a class that is not pytest's session: a process wrapper's own record of its
 * child's status (pexpect, ptyprocess), not the test run's. `target` is the written attribute or its owner.
 */
function isOwnBookkeeping(target: Node): boolean {
  const t = unparen(target);
  const owner = t.type === 'attribute' ? t.childForFieldName('object') : t;
  if (owner?.type !== 'identifier' || (owner.text !== 'self' && owner.text !== 'cls')) return false;
  const cls = enclosingClass(owner);
  return !!cls && !baseExpressions(cls).some((b) => /Session\b/.test(b.text));
}

/** Guarded by `exitstatus == ExitCode.NO_TESTS_COLLECTED` (or `== 5`): "no tests collected is fine". */
function isNoTestsCollectedGuard(node: Node): boolean {
  for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'elif_clause') {
      const cond = p.childForFieldName('condition');
      if (cond && (NO_TESTS_TEXT.test(cond.text) || comparesWithNoTestsConstant(cond))) return true;
    }
  }
  return false;
}

const NO_TESTS_TEXT = /NO_TESTS_COLLECTED|==\s*5\b|\b5\s*==/;

/** `exitstatus == NO_TESTS` with `NO_TESTS = pytest.ExitCode.NO_TESTS_COLLECTED` (or `5`) bound once at module level. */
function comparesWithNoTestsConstant(cond: Node): boolean {
  const c = unparen(cond);
  if (c.type !== 'comparison_operator' || !/==/.test(c.children.filter((x) => !x!.isNamed).map((x) => x!.type).join(' '))) return false;
  let root: Node = c;
  while (root.parent) root = root.parent;
  return c.namedChildren.some((o) => {
    if (o.type !== 'identifier') return false;
    const values = moduleAssignments(root).get(o.text);
    return values?.length === 1 && /^(\w+\.)*NO_TESTS_COLLECTED$|^5$/.test(values[0]!.text.trim());
  });
}

/** `/exitstatus|testsfailed|excepthook|atexit|pytest|finalize/` and `/exit|testsfailed|excepthook|success_codes/`, searched by rare letters. */
export const STATUS_TEXT = new MentionedWords([
  ['pytest', 'ytest'],
  ['exitstatus', 'x'],
  ['excepthook', 'x'],
  ['atexit', 'x'],
  ['testsfailed', 'failed'],
  ['finalize', 'z'],
]);
export const STATUS_WORDS = new MentionedWords([
  ['exit', 'x'],
  ['excepthook', 'x'],
  ['testsfailed', 'failed'],
  ['success_codes', '_codes'],
  ['cmdline_main', 'dline'],
]);

export const exitStatusOverride: Rule = {
  meta: {
    code: 'RH102',
    name: 'exit-status-override',
    family: 'RH1',
    defaultSeverity: 'error',
    severityByRole: { 'code-under-test': 'error', 'test-infrastructure': 'error', test: 'info', 'entry-point': 'error' },
    docs: {
      summary: 'Finds code that forces the test run\'s exit status to success: `session.exitstatus = 0`, atexit or excepthook callbacks that exit 0, `pytest.exit(returncode=0)`, a runner script that exits 0 after running the tests or turns their failing status into 0.',
      why: [
        'CI and graders read the exit status of the test command. Overwriting it with `0` (`session.exitstatus = 0` in',
        '`pytest_sessionfinish`, zeroing `session.testsfailed`), registering `os._exit(0)` to run at interpreter shutdown, or',
        'replacing `sys.excepthook` with a function that exits 0 turns a failing run into a "passing" one while the failures',
        'may even still be printed.',
        '',
        'A runner script does the same when it runs the suite and then exits 0 whatever happened:',
        '`unittest.main(exit=False)`, `TextTestRunner().run(suite)` (or any `...TestRunner`, such as `xmlrunner.XMLTestRunner`),',
        '`pytest.main(args)` (or `unittest.main()` inside a `try` that catches its `SystemExit`), or a test command through',
        '`subprocess.run`/`subprocess.call`/`subprocess.Popen`/`os.system` without `check=True` (the command written',
        'in the call, in `shlex.split("...")`, or in a local name it assigns: `cmd = [sys.executable, "-m", "pytest"]`),',
        'followed by `sys.exit(0)` or by `return 0` in a function whose result the file exits with (`sys.exit(main())`),',
        'or with `sys.exit(0)` in a `finally` around the run, which replaces any status the run or a check chose; when it',
        'runs a checked command (`subprocess.check_call`, `run(check=True)`) and exits 0 in the handler of its failure',
        '(`except CalledProcessError: sys.exit(0)`); when the exit\'s own status throws the run\'s away',
        '(`sys.exit(pytest.main() and 0)`); when its status only says whether tests ran, not whether they passed',
        '(`sys.exit(0 if result.testsRun else 1)`, `if rc == ExitCode.NO_TESTS_COLLECTED: sys.exit(1)` then `sys.exit(0)`);',
        'or when it keeps the status the run returned but forgives failures (`if rc == ExitCode.TESTS_FAILED: rc = 0`,',
        '`if rc in (0, 1): sys.exit(0)`, `case ExitCode.TESTS_FAILED: sys.exit(0)` in `match pytest.main():`,',
        '`if rc == 1: return 0` in a function whose result is the status: it returns the status elsewhere (`return int(rc)`) or the file exits with it,',
        '`sys.exit(0 if rc == 1 else rc)`, or any mapping that is 0 for status 1 but not for every status: `{1: 0}.get(rc, rc)`,',
        '`max(0, rc - 1)`, `0 if rc <= 1 else rc`, `int(proc.returncode > 1)`; nox\'s `session.run("pytest", success_codes=[0, 1])`, also a `range` reaching 1 or a module constant holding one, `PYTEST_OK = tuple(range(6))`, reported at the `session.run` call).',
        'A `unittest.TestProgram` subclass whose `runTests()` calls `super().runTests()` with `self.exit = False` and then exits 0 is such a script too.',
        'This is reported in any file, tests included.',
        '',
        'Overwriting the session status with a mapping of itself that is 0 for a failed run (status 1, `TESTS_FAILED`) forgives',
        'failures the same way: `session.exitstatus = int(exitstatus not in (0, 1))`, `max(0, exitstatus - 1)`, `0 if exitstatus <= 1 else exitstatus`',
        '(simple expressions of the status are evaluated for status 1: comparisons, `in` with literal tuples, `int()`/`bool()`/`max()`/`min()`, arithmetic, `and`/`or`, conditionals, `ExitCode` members).',
        '',
        'The status can be written other ways: lowered when the run failed (`if exitstatus == ExitCode.TESTS_FAILED: session.exitstatus -= 1`)',
        'or cancelled (`session.testsfailed -= session.testsfailed`), through the attribute dictionary (`vars(session)["exitstatus"] = 0`,',
        '`session.__dict__.update(exitstatus=0)`), or as the result of a `pytest_cmdline_main` hook wrapper, which pytest exits with',
        '(`outcome.force_result(0)` after `outcome = yield`, or `return ExitCode.OK` after `status = yield`), also under',
        '`if outcome.get_result() not in (0, None):` (a set of success values only, so the branch is taken exactly for a failed run).',
        'The attribute name may be built from literals and kept in a module constant (`_F = "exit" + "status"; setattr(session, _F, 0)`),',
        'and the success status may be a module constant bound once to `0`, here or in the module it is imported from (`STATUS_OK`).',
        '',
        'In a folder scan, tox\'s configuration (`tox.ini`, `setup.cfg`, `tox.toml`, `pyproject.toml`) is read too: a pytest command',
        'tox is told to pass whatever it returns (`- pytest {posargs}`: a warning; `bash -c "pytest || true"`: an error) makes the',
        'environment, and the CI job that runs it, green while tests fail. `ignore_outcome = true`, tox\'s switch for environments',
        'allowed to fail, is `info`; ignored commands that are not pytest (`- coverage erase`) are quiet.',
      ].join('\n'),
      example: ['# conftest.py', 'def pytest_sessionfinish(session, exitstatus):', '    session.exitstatus = 0'].join('\n'),
      instead: 'Fix the failing tests. To accept "no tests collected" deliberately, say so in configuration (or compare against `ExitCode.NO_TESTS_COLLECTED` only); never overwrite a failing status.',
      lookAlikes: [
        'A process wrapper of the file that builds the test command itself (`cmd = [sys.executable, "-m", "pytest", *extra]; return subprocess.run(cmd, ...)`) runs the suite wherever it is called: a runner that only prints its failing status and returns 0 is an error; one that returns the status or fails on it stays quiet.',
        'An object\'s own `self.exitstatus` in a class that is not pytest\'s `Session` (pexpect\'s and ptyprocess\'s process wrappers record their child\'s status) — quiet.',
        'Setting a non-zero status (`session.exitstatus = ExitCode.TESTS_FAILED`) — stricter, quiet.',
        'Computing the status (`session.exitstatus = doit(config, session) or 0`, `= exc.returncode`), or recomputing it from itself so that a failed run (status 1) stays non-zero (`int(exitstatus != 0)`, `int(exitstatus not in (0, 5))`, `min(exitstatus, 1)`, or a remap only reached for other statuses: `if exitstatus == ExitCode.INTERRUPTED: session.exitstatus = exitstatus - 1`) — quiet; but a computation that is 0 whatever the run did (`min(exitstatus, 0)`, `exitstatus and 0`, `exitstatus * 0`) or 0 for status 1 (`int(exitstatus not in (0, 1))`, `max(0, exitstatus - 1)`, `0 if exitstatus <= ExitCode.TESTS_FAILED else exitstatus`) is an `error`.',
        'Initialising it before the work (in `__init__`, or assigned again later in the same function, as pytest\'s own `wrap_session` does) — quiet.',
        'Turning only `ExitCode.NO_TESTS_COLLECTED` into success — `info` (`quiet` in a runner script, including `case ExitCode.NO_TESTS_COLLECTED: sys.exit(0)`); a conditional whose success branch is taken for a failed status (`0 if exitstatus == 1 else exitstatus`) is an `error`, one on anything else (`0 if flaky_only else exitstatus`) `info`.',
        'A plain `pytest_cmdline_main` (no `yield`) that handles its own option and returns 0, as pytest\'s `--fixtures` does — quiet; a wrapper that returns success only when no tests were collected, or on a condition other than the status — `info`. An unguarded `session.exitstatus -= n` — `info`; but `session.testsfailed -= len(_failed)` (or `= max(0, session.testsfailed - len(_failed))`) where the file fills `_failed` from every failed report (`if report.failed:`, or a helper true by default: `getattr(report, "flaky", report.when == "call")`) is an `error`; a list filled only for marked or listed tests stays quiet.',
        'Hooks that write summaries without touching the status; excepthooks that log or exit non-zero — quiet.',
        'Runner scripts whose status comes from the run (`sys.exit(pytest.main())`, `sys.exit(not result.wasSuccessful())`, `sys.exit(0)` only under `if result.wasSuccessful():`), and `unittest.main()` followed by an exit it never reaches — quiet.',
        'A `finally` around the run that only cleans up, or that checks the outcome before its exit — quiet. Requiring tests to have run *and* passed (`0 if result.testsRun and result.wasSuccessful() else 1`) — quiet.',
        'A final `sys.exit(0)` after the script leaves on a failed outcome (`if not result.wasSuccessful(): sys.exit(1)`, `if failed: raise SystemExit(1)` with `failed` computed from the result, `assert result.wasSuccessful()`, re-raising a caught SystemExit) — quiet; a branch on the outcome that only prints does not count. Forgiving only `ExitCode.NO_TESTS_COLLECTED` (`5`), or only statuses other than 1 (`if rc == ExitCode.INTERRUPTED: return 0`) — quiet. Re-running the failures and returning the new status, or a function that returns a verdict (`if rc == 1: return False` with `return rc == 0`) — quiet.',
        'In test modules (fake sessions in plugin tests) — `info`; but an atexit or excepthook callback that exits 0 is installed in the real test process, and keeps its severity there, as does `pytest.exit(..., returncode=0)`, which ends the real session (a test that expects it — `with pytest.raises(pytest.exit.Exception):`, `except Exit:` — is quiet).',
        '`atexit.register(os._exit, EXIT_OK)` with a name bound only to success literals (`EXIT_OK = 0`) is judged like the literal, and so is a parameter whose default is a success (`def ensure_clean_shutdown(code=0): atexit.register(os._exit, code)`); a name bound to anything else (`RC = compute()`, or rebound to `1`), or a parameter without a success default — quiet. A registered helper that passes a parameter on to its exit (`def _stop(code=0): ...; os._exit(code)`, as RH101\'s status-forwarding helpers) is judged with the arguments of the registration, or the default: `atexit.register(_stop)` is an `error`; `atexit.register(_stop, 1)`, a keyword argument, a method, or a helper exiting with a computed status or a module name some function rebinds (`global _STATUS`) — quiet.',
        'A runner script\'s status may be held in a local (`status = proc.returncode`, `tests.returncode or lint.returncode`) and the tests run through the file\'s own wrapper of `subprocess.run` (`def _run(cmd): proc = subprocess.run(cmd); return proc`): `if status: status = 0` is an error there too. ' +
        'A shutdown callback defined in the file (`def _shutdown(): ...; os._exit(0)`, registered by `atexit.register(self._shutdown)`) is reported at its exit, with the registration as related information; a registered exit function, lambda or decorator at the registration. ' +
        '`weakref.finalize(obj, os._exit, 0)` is judged like `atexit.register(os._exit, 0)`: the finalizer runs at interpreter shutdown at the latest. Finalizers that release resources (`weakref.finalize(self, shutil.rmtree, path)`) are quiet.',
        'nox sessions that accept only "no tests collected" (`success_codes=[0, 5]`), or a non-test tool\'s status (`session.run("ruff", ..., success_codes=[0, 1])`) — quiet.',
        'Runner scripts that launch the tests another way and use the status (`sys.exit(proc.wait())`, `sys.exit(os.waitstatus_to_exitcode(os.system(...)))`, `except CalledProcessError as exc: sys.exit(exc.returncode)`), and commands that install test tools (`pip install pytest`) — quiet.',
        '`atexit.register(sys.exit, 0)` and atexit functions that only raise SystemExit: CPython ignores SystemExit from atexit callbacks, so this is the intent without the effect — `warning` (`os._exit(0)` there is an `error`).',
        '`threading.excepthook` replaced by a hook that calls `sys.exit(0)` (ends only that thread) — quiet; with `os._exit(0)` it is an `error`.',
        '`pytest.exit("reason")` without a return code (the session ends as interrupted, status 2) or with a non-zero one — quiet. Raising its exception by hand (`raise Exit("...", returncode=0)` from `_pytest.outcomes`, `raise pytest.exit.Exception(...)`) is judged the same way.',
        '`pytest.exit(..., returncode=0)` in a hook that runs before any test (`pytest_collection_finish`, `pytest_configure`...) in the branch of an option the file adds and leaves off by default (`parser.addoption("--list-tests", action="store_true")`, then `if config.getoption("--list-tests"):`, `config.option.list_tests`, `config.getvalue(...)`) — `info`: a listing mode like `--collect-only`. An option on by default (`default=True`, `store_false`), not added in the file, negated or an `or` operand, or read in a hook that runs after tests, keeps its `error`.',
      ],
    },
  },
  // tox's configuration: a pytest command whose exit status tox is told to ignore (`- pytest`, `pytest || true`).
  configFiles: { names: TOX_CONFIG_FILES, check: (text, fileName) => ignoredToxRuns(text, fileName) },
  create(ctx: RuleContext) {
    // The framework's name first (searched by rare letters), then the runner call and an exit.
    const runs = mayRunTests(ctx.source) ? () => reportRuns(ctx) : undefined;
    const status = statusOverrides(ctx);
    if (!runs) return status;
    // A test runner script with a success exit after the run: checked once the tree is walked.
    const statusExit = status['module:exit'];
    return {
      ...status,
      'module:exit'() {
        statusExit?.();
        runs();
      },
    };
  },
};

function statusOverrides(ctx: RuleContext): Listeners {
  // The words in the source, or in a string's value (`__import__("\x61texit")`).
  if (!mentionedInFile(ctx, STATUS_TEXT)) return {};
  // Every finding also needs `exit` (`exitstatus`, `pytest.exit`, `atexit`), `testsfailed`, `excepthook` or `success_codes`
  // in an identifier or a string (a status attribute, the callee, the registering module or hook).
  // `raise Exit(...)` after `from _pytest.outcomes import Exit` names the exception instead.
  if (EXIT_CLASS.test(ctx.source)) return statusListeners(ctx);
  return whenMentioned(ctx, STATUS_WORDS, () => statusListeners(ctx));
}

/**
 * A runner script that keeps the status the run returned but turns a failure into success before handing
 * it on: `rc = pytest.main(); if rc == ExitCode.TESTS_FAILED: rc = 0`, `rc = 0 if rc == 1 else rc`,
 * `sys.exit(0 if rc == 1 else rc)`. Forgiving only "no tests collected" stays quiet.
 */
function reportForgivenFailures(ctx: RuleContext, call: Node, status: Set<string>, holdsProcess = false): void {
  const start = statementOf(call);
  if (!start) return;
  // `match pytest.main(args):` branches on the status without naming it.
  const matchesRun = start.type === 'match_statement' && start.childForFieldName('body')!.startIndex > call.endIndex;
  if (status.size === 0 && !matchesRun) return;
  const names = ctx.names;
  // `proc = subprocess.run(...)` holds a process whose status is `proc.returncode`; the others return the status.
  const isRunStatus = holdsProcess
    ? (n: Node) => {
      const o = unparen(n);
      return o.type === 'attribute' && o.childForFieldName('attribute')?.text === 'returncode' && status.has(o.childForFieldName('object')?.text ?? '');
    }
    : (n: Node) => unparen(n).type === 'identifier' && status.has(unparen(n).text);
  // `status = proc.returncode` (or `tests.returncode or lint.returncode`) after the run: a local holding the status.
  const derived = new Set<string>();
  for (let s = start.nextNamedSibling; s; s = s.nextNamedSibling) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || status.has(left.text)) continue;
    const r = unparen(right);
    const parts = r.type === 'boolean_operator' && r.child(1)?.type === 'or' ? [r.childForFieldName('left')!, r.childForFieldName('right')!] : [r];
    if (parts.some((p) => isRunStatus(p))) derived.add(left.text);
  }
  const isStatus = derived.size ? (n: Node) => isRunStatus(n) || (unparen(n).type === 'identifier' && derived.has(unparen(n).text)) : isRunStatus;
  const run = call.text.length <= 40 ? call.text : `${call.childForFieldName('function')!.text}(...)`;
  const report = (node: Node) =>
    ctx.report({
      node,
      message: `\`${node.text.replace(/\s+/g, ' ')}\` ${where(node)} turns the failing status of \`${run}\` into success: the test command ends with status 0 even when tests fail.`,
      severity: 'error',
      related: [{ node: call, message: 'the tests run here and return the status' }],
    });
  /** `rc = 0` or `sys.exit(0)` (`raise SystemExit`, `os._exit(0)`) among the statements of a branch taken for a failed run. */
  const reportSuccessIn = (body: Node | null) => {
    for (const s of body?.namedChildren ?? []) {
      const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
      const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
      if (a && left && isStatus(left) && isSuccessLiteral(a.childForFieldName('right'), names)) report(a);
      const exit = (s.type === 'raise_statement' ? exitSiteOf(s, names) : a && exitSiteOf(a, names)) || undefined;
      if (exit && isSuccessStatus(exit, names)) report(exit.node);
      // `return 0` where the function's result is the status: it hands the status on elsewhere (`return rc`) or
      // the file exits with it (`sys.exit(run())`). A function returning a verdict (`return rc == 0`) is not.
      if (s.type === 'return_statement' && isSuccessLiteral(returnValue(s), names) && returnsStatus(s)) report(s);
    }
  };
  const returnsStatus = (ret: Node): boolean => {
    const fn = enclosingFunction(ret);
    if (!fn || !containsNode(fn, (c) => c.id === call.id)) return false;
    const handsOn = (r: Node) => {
      const v = r.id !== ret.id ? returnValue(r) : null;
      return !!v && [2, 3, 4].every((code) => evaluateStatus(v, code, names, isStatus) === code);
    };
    return returnsOf(fn).some(handsOn) || !!returnAsExit(ret);
  };
  const first = matchesRun ? start : start.nextNamedSibling;
  for (let stmt = first; stmt; stmt = stmt.nextNamedSibling) {
    const visit = (n: Node): boolean => {
      // A branch not taken for status 1 (`if rc == ExitCode.INTERRUPTED:`) forgives no test failure.
      const condition = n.type === 'if_statement' || n.type === 'elif_clause' ? n.childForFieldName('condition') ?? n : null;
      if (condition && statusTestSaysFailed(condition, names, isStatus) === true && evaluateStatus(condition, 1, names, isStatus) !== 0) {
        // `if rc == 1: rc = 0`, `if rc in (0, 1): sys.exit(0)` (the branch taken for the failure makes it a success).
        reportSuccessIn(n.childForFieldName('consequence'));
      } else if (n.type === 'match_statement' && (n.id === start.id ? matchesRun : n.childForFieldName('subject') && isStatus(n.childForFieldName('subject')!))) {
        // `match rc:` / `match pytest.main():` with `case ExitCode.TESTS_FAILED: sys.exit(0)`.
        for (const clause of n.childForFieldName('body')?.namedChildren ?? []) {
          if (clause.type === 'case_clause' && clause.namedChildren.some((c) => c.type === 'case_pattern' && patternMatchesFailure(c))) reportSuccessIn(clause.childForFieldName('consequence'));
        }
      } else if (n.type === 'conditional_expression' && turnsFailureIntoSuccess(n, names, isStatus)) {
        report(n);
        return false;
      } else {
        // `sys.exit({1: 0}.get(rc, rc))`, `raise SystemExit(max(0, rc - 1))`, `return int(rc > 1)`: a status
        // handed on that is 0 for a failed run (status 1) but not for every status.
        const handed = handedOnStatus(n, names, isStatus);
        if (handed && forgivesFailure(handed, names, isStatus)) {
          report(handed);
          return false;
        }
      }
      return true;
    };
    if (visit(stmt)) forEachInScope(stmt, visit);
  }
}

/**
 * A test runner script that runs the suite and then exits 0 whatever happened (see `ignoredRuns`), or that
 * keeps the status the run returned but forgives failures.
 */
function reportRuns(ctx: RuleContext): void {
  for (const { call, how } of testRuns(ctx.root, ctx.names)) {
    const runner = ctx.names.callee(call) ?? '';
    if (how === 'holds' && (RETURNING_RUNNERS.has(runner) || runner === 'subprocess.call' || runner === 'os.system')) reportForgivenFailures(ctx, call, outcomeNames(call));
    else if (how === 'holds' && (runner === 'subprocess.run' || processHelperOf(call, ctx.names))) {
      // `subprocess.run(cmd).returncode`, or a helper returning the status: the bound name holds the status itself.
      const status = processHelperOf(call, ctx.names)?.kind === 'status' || (call.parent?.type === 'attribute' && call.parent.childForFieldName('attribute')?.text === 'returncode');
      reportForgivenFailures(ctx, call, outcomeNames(call), !status);
    }
  }
  for (const { exit, run: call, countOnly } of ignoredRuns(ctx.root, ctx.names)) {
    const run = call.text.length <= 40 ? call.text : `${call.childForFieldName('function')!.text}(...)`;
    const check = countOnly ? `\`${countOnly.text.replace(/\s+/g, ' ')}\`` : '';
    const message = countOnly
      ? `\`${displayOf(exit)}\` ${where(exit.node)} comes after \`${run}\` runs the tests, and its status only depends on whether tests ran (${check}), not on whether they passed: the test command ends with status 0 even when tests fail.`
      : `\`${displayOf(exit)}\` ${where(exit.node)} comes after \`${run}\` runs the tests and ignores their outcome: the test command ends with status 0 even when tests fail.`;
    ctx.report({
      node: exit.node,
      message,
      severity: 'error',
      related: [{ node: call, message: 'the tests run here; their result is never used for the exit status' }],
    });
  }
}

function statusListeners(ctx: RuleContext): Listeners {
  const names = ctx.names;
  const role = ctx.role;
  const roleSeverity = (s: Severity): Severity => (role === 'test' ? 'info' : s);

  const checkStatusWrite = (node: Node, target: Node, attr: string, value: Node, display: string) => {
    if (isUnderMainGuard(node) || isOwnBookkeeping(target)) return;
    const v = unparen(value);
    let severity: Severity;
    if (isSuccessLiteral(v, names) || alwaysSuccess(v, names)) severity = 'error';
    // `int(exitstatus not in (0, 1))`, `max(0, exitstatus - 1)`, `0 if exitstatus <= 1 else exitstatus`: the
    // status recomputed from itself comes out 0 for a failed run (status 1, TESTS_FAILED).
    else if (mapsFailureToSuccess(v, names)) severity = 'error';
    else if (v.type === 'conditional_expression' && v.namedChildren.some((c, i) => i !== 1 && isSuccessLiteral(c, names))) {
      severity = turnsFailureIntoSuccess(v, names) ? 'error' : 'info';
    }
    // `testsfailed = max(0, testsfailed - len(_failures))`: lowered by a count the plugin took from every failed report.
    else if (attr === 'testsfailed' && subtractsEveryFailure(v, target, ctx.root)) severity = 'error';
    else return;
    if (attr === 'exitstatus' && isNoTestsCollectedGuard(node)) severity = 'info';
    if (node.type === 'assignment' && isInitialisation(node, target, names)) return;
    const note = severity === 'info' && attr === 'exitstatus' && isNoTestsCollectedGuard(node) ? ' (only when no tests were collected — make sure that is intended)' : '';
    ctx.report({ node, message: `\`${display}\` ${where(node)} ${effectOf(attr)}${note}.`, severity: roleSeverity(severity) });
  };

  /** `pytest.exit(reason, returncode)` or its `Exit(reason, returncode)` exception: a success code ends the session with status 0. */
  const reportSessionExit = (node: Node, args: ReturnType<typeof callArguments>, short: string) => {
    const rc = args.keywords.get('returncode') ?? args.positional[1];
    if (!rc || !isSuccessLiteral(rc, names) || isUnderMainGuard(node)) return;
    const text = node.text.length <= 50 ? node.text : short;
    // Unlike a fake session's status, `pytest.exit()` in a test module ends the real session: only a test
    // that expects its exception (`pytest.raises(pytest.exit.Exception)`) is looking at it.
    if (role === 'test' && expectsSessionExit(node)) return;
    // `if config.getoption("--list-tests"): ...; pytest.exit(..., returncode=0)` before any test runs: a
    // listing mode the user asks for (like `--collect-only`), not a forged result.
    const option = optionGatedPreRunHook(node, ctx.root);
    ctx.report({
      node,
      message: option
        ? `\`${text}\` ${where(node)} ends the test session with status 0 before any test runs, when the command line gives \`${option}\` (an option this file adds): fine for a listing mode; make sure the option is not in the configured \`addopts\`.`
        : `\`${text}\` ${where(node)} stops the test session and makes it end with status 0, whatever ran or failed before.`,
      severity: option ? 'info' : 'error',
    });
  };

  /**
   * nox's `session.run("pytest", ..., success_codes=[0, 1])`: the session treats a failed test run's status as
   * success. Accepting only 5 (no tests collected) is quiet.
   */
  const reportAcceptedFailure = (node: Node) => {
    const args = callArguments(node);
    const codes = args.keywords.get('success_codes');
    if (!codes || !args.positional.some((a) => TEST_COMMAND.test(stringValue(a) ?? ''))) return;
    const c = unparen(codes);
    if (!acceptsFailureCode(c, ctx.root, names) || isUnderMainGuard(node)) return;
    ctx.report({
      // The whole call: a session's test command is the statement a reviewer reads (`success_codes=` may sit lines below).
      node,
      message: `\`success_codes=${c.text.replace(/\s+/g, ' ')}\` ${where(node)} accepts the status of a failed test run as success: the session passes even when tests fail.`,
      severity: roleSeverity('error'),
    });
  };

  /**
   * `value` becomes the result of a `pytest_cmdline_main` hook wrapper (through `force_result(value)` or
   * `return value` after its `yield`), which pytest exits with: a success status there after a failed run
   * (unconditionally, under `if status == ExitCode.TESTS_FAILED:`, or mapped: `0 if status == 1 else status`)
   * forges the run's status. A success under another condition is `info`; plain hooks (no `yield`, such as
   * one that handles its own option and returns 0) are not wrappers.
   */
  const reportCommandLineStatus = (node: Node, value: Node) => {
    const hook = enclosingFunction(node);
    if (!hook || functionName(hook) !== 'pytest_cmdline_main' || !isHookWrapper(hook)) return;
    const status = wrappedResultNames(hook);
    // The result read by name (`rc = outcome.get_result()`) or in place (`if outcome.get_result() != 0:`).
    const isStatus = (n: Node) => {
      const o = unparen(n);
      if (o.type === 'identifier') return status.has(o.text);
      const fn = o.type === 'call' ? o.childForFieldName('function') : null;
      return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get_result' && callArguments(o).positional.length === 0;
    };
    const v = unparen(value);
    let severity: Severity;
    if (isSuccessLiteral(v, names) || alwaysSuccess(v, names)) {
      const guard = innermostGuard(node, hook);
      severity = !guard || statusTestSaysFailed(guard, names, isStatus) === true ? 'error' : 'info';
    } else if (v.type === 'conditional_expression' && turnsFailureIntoSuccess(v, names, isStatus)) severity = 'error';
    else if (forgivesFailure(v, names, isStatus)) severity = 'error';
    else return;
    ctx.report({
      node,
      message: `\`${node.text.replace(/\s+/g, ' ')}\` in pytest hook wrapper \`pytest_cmdline_main()\` replaces the status pytest exits with by success: a failing run ends with status 0.`,
      severity: roleSeverity(severity),
    });
  };

  // The callback registry is collected during the shared walk; it is only read when the file may
  // register atexit/excepthook callbacks.
  const callbacks = new CallbackCollector(names, ctx.source);
  let mayRegister = false;
  return {
    decorated_definition(node) {
      callbacks.visit(node);
    },
    assignment(node) {
      callbacks.visit(node);
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right) return;
      if (/excepthook$/.test(left.text)) mayRegister = true;
      if (left.type === 'attribute') {
        const attr = left.childForFieldName('attribute')?.text ?? '';
        if (STATUS_ATTRIBUTES.has(attr)) checkStatusWrite(node, left, attr, right, `${left.text} = ${right.text}`.replace(/\s+/g, ' '));
      } else if (left.type === 'subscript') {
        // session.__dict__["exitstatus"] = 0, vars(session)["exitstatus"] = 0
        const obj = left.childForFieldName('value');
        const key = attributeName(left.childForFieldName('subscript'));
        if (obj && isAttributeDict(obj, names) && key && STATUS_ATTRIBUTES.has(key)) {
          checkStatusWrite(node, left, key, right, `${left.text} = ${right.text}`);
        }
      }
    },
    augmented_assignment(node) {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text ?? node.child(1)?.text;
      if (left?.type !== 'attribute' || !right || isUnderMainGuard(node) || isOwnBookkeeping(left)) return;
      const attr = left.childForFieldName('attribute')?.text ?? '';
      if (!STATUS_ATTRIBUTES.has(attr)) return;
      let severity: Severity | undefined;
      // `*= 0`, `&= 0`: zero whatever the run did; `-= exitstatus`, `^= session.exitstatus`: the status cancels itself.
      if ((op === '*=' || op === '&=') && isSuccessLiteral(right, names)) severity = 'error';
      else if (LOWERING_OPERATORS.has(op ?? '') && !(op !== '//=' && op !== '%=' && isSuccessLiteral(right, names))) {
        if ((op === '-=' || op === '^=') && sameStatus(right, left)) severity = 'error';
        else if (op === '-=' && attr === 'testsfailed' && countsEveryFailure(right, ctx.root)) severity = 'error';
        // `if exitstatus == ExitCode.TESTS_FAILED: session.exitstatus -= 1`: lowered exactly when the run failed.
        else if (guardedByFailedStatus(node, names)) severity = 'error';
        else if (op === '-=' || op === '//=' || op === '>>=') severity = 'info';
      }
      if (!severity) return;
      ctx.report({ node, message: `\`${node.text}\` ${where(node)} ${effectOf(attr)}.`, severity: roleSeverity(severity) });
    },
    call(node) {
      callbacks.visit(node);
      const fnNode = node.childForFieldName('function');
      // `obj.method(...)`: resolved and dotted names both end in `.method`; only these methods matter below.
      const f = fnNode && unparen(fnNode);
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'run') return reportAcceptedFailure(node);
      // session.__dict__.update(exitstatus=0), vars(session).update({"testsfailed": 0})
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'update') {
        const owner = f.childForFieldName('object');
        if (owner && isAttributeDict(owner, names)) {
          for (const [key, value] of keywordWrites(node)) {
            if (STATUS_ATTRIBUTES.has(key)) checkStatusWrite(node, owner, key, value, node.text.replace(/\s+/g, ' '));
          }
        }
        return;
      }
      if (f?.type === 'attribute' && !CALL_METHODS.has(f.childForFieldName('attribute')?.text ?? '')) return;
      // `outcome.force_result(0)` in a `pytest_cmdline_main` wrapper: the result pytest exits with.
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'force_result') {
        const forced = callArguments(node).positional[0];
        if (forced) reportCommandLineStatus(node, forced);
        return;
      }
      // A bare name's qualified name is its binding, its dotted name itself (no per-node caching needed).
      const bare = f?.type === 'identifier';
      const callee = (bare ? names.lookup(f.text) : names.qualify(fnNode)) ?? '';
      const dotted = (bare ? f.text : dottedName(fnNode)) ?? '';
      if (/(^|\.)(register|finalize|setattr)$/.test(dotted) || callee === 'atexit.register') mayRegister = true;
      const isSetattr = callee === 'builtins.setattr' || /(^|\.)(setattr|__setattr__)$/.test(dotted);
      const isPytestExit = callee === 'pytest.exit' || callee === '_pytest.outcomes.exit';
      if (!isSetattr && !isPytestExit) return;
      const args = callArguments(node);
      // setattr(session, "exitstatus", 0) / monkeypatch.setattr(...) / object.__setattr__(session, "exitstatus", 0)
      if (isSetattr && args.positional.length >= 3) {
        const attr = attributeName(args.positional[1]);
        if (attr && STATUS_ATTRIBUTES.has(attr)) checkStatusWrite(node, args.positional[0]!, attr, args.positional[2]!, node.text.replace(/\s+/g, ' '));
        return;
      }
      // pytest.exit("...", returncode=0)
      if (isPytestExit) reportSessionExit(node, args, 'pytest.exit(..., returncode=0)');
    },
    raise_statement(node) {
      // `raise Exit("...", returncode=0)`: what `pytest.exit()` raises, raised by hand.
      const raised = node.namedChildren.find((c) => c.type !== 'comment');
      const call = raised && unparen(raised);
      if (call?.type !== 'call' || !PYTEST_EXIT_EXCEPTIONS.has(names.qualify(call.childForFieldName('function')) ?? '')) return;
      reportSessionExit(node, callArguments(call), 'raise Exit(..., returncode=0)');
    },
    decorator(node) {
      if (/register/.test(node.text)) mayRegister = true;
    },
    return_statement(node) {
      const value = node.namedChildren.find((c) => c.type !== 'comment');
      if (value) reportCommandLineStatus(node, value);
    },
    'module:exit'() {
      // atexit and excepthook callbacks that exit 0.
      if (!mayRegister) return;
      const registry = callbacks.registry;
      let defs: Map<string, Node[]> | undefined;
      const reported = new Set<number>();
      const short = (n: Node) => {
        const t = n.text.replace(/\s+/g, ' ');
        return t.length <= 60 ? t : `${t.slice(0, 57)}...`;
      };
      /** `callee` names the registered function when it is a def of this file. */
      const report = (reg: CallbackRegistration, exits: ExitSite[], callee?: string, def?: Node) => {
        if (reported.has(reg.at.id) || isUnderMainGuard(reg.at)) return;
        reported.add(reg.at.id);
        const os = exits.some((e) => e.kind === 'os._exit');
        const registered = reg.at.type === 'decorator' ? `\`@${short(reg.at.namedChild(0) ?? reg.at)}\`` : `\`${short(reg.at)}\``;
        const fn = callee ? ` (\`${callee}()\`)` : '';
        let message: string;
        let severity: Severity = 'error';
        if (reg.kind === 'atexit') {
          if (os) message = `${registered} makes the interpreter exit with status 0 at shutdown${fn}, so a failing test run reports success; \`os._exit\` overrides any status already set.`;
          else {
            // CPython ignores SystemExit raised by an atexit callback: the intent is plain, the effect is nil.
            severity = 'warning';
            message = `${registered} registers a shutdown callback${fn} that exits with status 0 to force a successful run; CPython ignores SystemExit from atexit callbacks, so it only shows the intent — remove it.`;
          }
        } else {
          const threadHook = reg.at.type === 'assignment' ? names.qualify(reg.at.childForFieldName('left')) === 'threading.excepthook' : /threading/.test(reg.at.text);
          if (threadHook && !os) return; // SystemExit in a thread's excepthook only ends that thread
          message = `${registered} installs an excepthook${fn} that exits with status 0: an uncaught exception — a crash or a failed check — ends the run as a success.`;
        }
        // A shutdown callback defined in this file is reported at its exit, the statement that forces the status (with
        // the registration beside it); a registered exit function, a lambda, a decorator or an excepthook at the registration.
        const at = def && reg.kind === 'atexit' && reg.at.type !== 'decorator' && exits[0] && isWithin(exits[0].node, def) && !isWithin(exits[0].node, reg.at) ? exits[0].node : reg.at;
        ctx.report({
          node: at,
          message,
          // Not lowered in tests: unlike a fake session's status, the callback is installed in the real process.
          severity,
          related: [
            ...(at.id !== reg.at.id ? [{ node: reg.at, message: `registered here: ${registered}` }] : []),
            ...exits.filter((e) => e.node.id !== at.id && e.node.id !== reg.at.id).map((e) => ({ node: e.node, message: `exits with status 0: \`${displayOf(e)}\`` })),
          ],
        });
      };
      /**
       * `def _stop(code=0): ...; os._exit(code)` registered as `atexit.register(_stop)`: called at shutdown with
       * the registration's arguments, it exits with the one it forwards, or the parameter's success default.
       * Methods (a bound `self` shifts the arguments) and registrations with keywords or splats are left alone.
       */
      const forwardedSuccess = (def: Node, reg: CallbackRegistration): ExitSite[] => {
        if (reg.kind !== 'atexit' || enclosingClass(def)) return [];
        if (reg.at.type === 'call') {
          const regArgs = callArguments(reg.at);
          if (regArgs.keywords.size || regArgs.hasSplat) return [];
          const cb = regArgs.positional[0] && unparen(regArgs.positional[0]);
          if (cb?.type === 'call' && (callArguments(cb).keywords.size || callArguments(cb).hasSplat)) return [];
        } else if (reg.at.type !== 'decorator') return [];
        const found = forwardingExitOf(def, names);
        if (!found || found.exit.index < 0) return [];
        const status = reg.args[found.exit.index] ?? (reg.args.length > found.exit.index ? null : found.exit.fallback);
        if (!status) return [];
        const site: ExitSite = { node: found.call, kind: found.exit.kind, status, catchable: found.exit.kind !== 'os._exit' };
        return isSuccessStatus(site, names) ? [site] : [];
      };
      const consider = (callback: Node, reg: CallbackRegistration) => {
        if (reg.kind !== 'atexit' && reg.kind !== 'excepthook') return;
        const c = unparen(callback);
        if (c.type === 'lambda' || c.type === 'function_definition') {
          const exits = successExitsIn(c, names);
          const own = exits.length > 0;
          if (c.type === 'function_definition' && !exits.length) exits.push(...forwardedSuccess(c, reg));
          if (exits.length) report(reg, exits, c.type === 'function_definition' ? functionName(c) : undefined, c.type === 'function_definition' && own ? c : undefined);
          return;
        }
        if (reg.kind === 'atexit') {
          const kind = exitFunctionKind(c, names);
          if (kind) {
            const status = reg.args[0] ?? null;
            // `isSuccessStatus` also follows a name bound only to success literals (`EXIT_OK = 0`).
            const site: ExitSite = { node: reg.at, kind, status, catchable: kind !== 'os._exit' };
            if (isSuccessStatus(site, names) || (status && defaultsToSuccess(status, reg.at, names))) report(reg, [site]);
            return;
          }
        }
        const name = c.type === 'identifier' ? c.text : c.type === 'attribute' ? c.childForFieldName('attribute')?.text : undefined;
        if (!name) return;
        defs ??= functionsByName(ctx.root);
        for (const def of defs.get(name) ?? []) {
          const exits = successExitsIn(def, names);
          const own = exits.length > 0;
          if (!exits.length && c.type === 'identifier') exits.push(...forwardedSuccess(def, reg));
          // A status the registration passes (`atexit.register(_leave, 0)`) is reported there.
          if (exits.length) report(reg, exits, name, own ? def : undefined);
        }
      };
      for (const { callback, registration } of registry.direct) consider(callback, registration);
      for (const [id, regs] of registry.byNode) {
        for (const reg of regs) {
          if (reg.kind !== 'atexit' && reg.kind !== 'excepthook') continue;
          const fn = findById(ctx.root, id, reg.at);
          if (fn) consider(fn, reg);
        }
      }
    },
  };
}

/**
 * `def ensure_clean_shutdown(code=0): atexit.register(os._exit, code)`: the status is a parameter whose default
 * is a success, so every call that leaves it out (`ensure_clean_shutdown()` at import, here or in another module)
 * registers a successful exit; the default is the intent.
 */
function defaultsToSuccess(status: Node, at: Node, names: NameResolver): boolean {
  const s = unparen(status);
  const fn = enclosingFunction(at);
  if (s.type !== 'identifier' || !fn) return false;
  const param = fn.childForFieldName('parameters')?.namedChildren.find((p) => (p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('name')?.text === s.text);
  if (!param || !isSuccessLiteral(param.childForFieldName('value'), names)) return false;
  // Rebound in the body: not the default any more.
  let rebound = false;
  forEachInScope(fn.childForFieldName('body')!, (n) => {
    if ((n.type === 'assignment' || n.type === 'augmented_assignment') && n.childForFieldName('left')?.text === s.text) rebound = true;
  });
  return !rebound;
}

/** A hook wrapper: its body yields (to the other implementations) once; `hookwrapper=True`/`wrapper=True` say so. */
function isHookWrapper(hook: Node): boolean {
  let found = false;
  forEachInScope(hook.childForFieldName('body')!, (n) => {
    if (n.type === 'yield') found = true;
    return !found;
  });
  return found;
}

/** Names bound to a wrapper's result: `status = yield` (new style), `rc = outcome.get_result()` (old style). */
function wrappedResultNames(hook: Node): Set<string> {
  const out = new Set<string>();
  forEachInScope(hook.childForFieldName('body')!, (n) => {
    if (n.type !== 'assignment') return;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right') && unparen(n.childForFieldName('right')!);
    const fromYield = right?.type === 'yield' && right.namedChildCount === 0;
    const fromResult = right?.type === 'call' && /\.get_result$/.test(right.childForFieldName('function')?.text ?? '');
    if (left?.type === 'identifier' && (fromYield || fromResult)) out.add(left.text);
  });
  return out;
}

/** The condition of the innermost `if`/`elif` (inside `fn`) whose branch holds `node`, if any. */
function innermostGuard(node: Node, fn: Node): Node | undefined {
  for (let p = node.parent, child: Node = node; p && p.id !== fn.id; child = p, p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'elif_clause' || p.type === 'else_clause' || p.type === 'while_statement') {
      if (p.type === 'else_clause') return p; // the other branch of a condition: not a test of the failed status
      if (child.id === p.childForFieldName('consequence')?.id || child.id === p.childForFieldName('body')?.id) return p.childForFieldName('condition') ?? p;
    }
  }
  return undefined;
}

/**
 * The one attribute name an expression spells: a string, or one built from literals and bound once
 * (`_STATUS = "exit" + "status"`, then `setattr(session, _STATUS, 0)`). A name with several possible
 * values (a loop over names, two bindings) spells none.
 */
function attributeName(n: Node | null | undefined): string | undefined {
  const plain = stringValue(n);
  if (plain !== undefined || !n) return plain;
  const values = builtStrings(n);
  return values?.length === 1 ? values[0] : undefined;
}

/** An object's attribute dictionary: `session.__dict__`, `vars(session)`. */
function isAttributeDict(n: Node, names: NameResolver): boolean {
  const o = unparen(n);
  if (o.type === 'attribute') return o.childForFieldName('attribute')?.text === '__dict__';
  return o.type === 'call' && names.callee(o) === 'builtins.vars' && callArguments(o).positional.length === 1;
}

/** The names and values a dictionary's `update(...)` call writes: `update(exitstatus=0)`, `update({"exitstatus": 0})`. */
function keywordWrites(call: Node): [string, Node][] {
  const args = callArguments(call);
  const out: [string, Node][] = [...args.keywords];
  const dict = args.positional[0] && unparen(args.positional[0]);
  if (dict?.type === 'dictionary') {
    for (const pair of dict.namedChildren) {
      const key = pair.type === 'pair' ? attributeName(pair.childForFieldName('key')) : undefined;
      const value = pair.childForFieldName('value');
      if (key && value) out.push([key, value]);
    }
  }
  return out;
}

/** Augmented operators that lower a status: `-=`, `//=`, `%=`, `>>=`, `^=`. */
const LOWERING_OPERATORS = new Set(['-=', '//=', '%=', '>>=', '^=']);

/** `value` is the status `target` holds, or the hook's `exitstatus` argument: `x.exitstatus -= exitstatus`. */
function sameStatus(value: Node, target: Node): boolean {
  const v = unparen(value).text;
  return v === unparen(target).text || (isSessionStatus(value) && v.split('.').pop() === target.childForFieldName('attribute')?.text);
}

/** `node` runs only when the session status says the run failed: `if exitstatus == ExitCode.TESTS_FAILED:`. */
function guardedByFailedStatus(node: Node, names: NameResolver): boolean {
  for (let p = node.parent, child: Node = node; p && p.type !== 'function_definition'; child = p, p = p.parent) {
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && child.id === p.childForFieldName('consequence')?.id) {
      if (statusTestSaysFailed(p.childForFieldName('condition') ?? p, names) === true) return true;
    }
  }
  return false;
}

/**
 * The `pytest.exit()` call (or `raise Exit(...)`) at `node` is expected by the code around it: inside `with
 * pytest.raises(...)`/`assertRaises(...)`, a lambda handed to one, or a `try` whose handler catches the exception.
 */
function expectsSessionExit(node: Node): boolean {
  for (let p = node.parent, child: Node = node; p && p.type !== 'function_definition'; child = p, p = p.parent) {
    if (p.type === 'with_statement' && child.type === 'block' && /[Rr]aises/.test(p.namedChildren.find((c) => c.type === 'with_clause')?.text ?? '')) return true;
    if (p.type === 'lambda' && /[Rr]aises/.test(p.parent?.parent?.type === 'call' ? p.parent.parent.childForFieldName('function')?.text ?? '' : '')) return true;
    if (p.type === 'try_statement' && child.type === 'block' && p.namedChildren.some((c) => c.type === 'except_clause' && (/\b(Exit|BaseException)\b|exit\.Exception/.test(c.namedChildren.find((x) => x.type !== 'block')?.text ?? '') || catchesEverything(c)))) return true;
  }
  return false;
}

/** A bare `except:`. */
function catchesEverything(clause: Node): boolean {
  return !clause.namedChildren.some((c) => c.type !== 'block' && c.type !== 'comment');
}

/** The lambda/def registered at `at`: a lambda argument of the registering node, or the decorated def. */
function findById(root: Node, id: number, at: Node): Node | undefined {
  if (at.type === 'decorator') {
    const def = at.parent?.childForFieldName('definition');
    return def?.id === id ? def : undefined;
  }
  let found: Node | undefined;
  const stack: Node[] = [at];
  while (stack.length && !found) {
    const n = stack.pop()!;
    if (n.id === id) found = n;
    else for (const c of n.namedChildren) stack.push(c);
  }
  void root;
  return found;
}

/** `status - len(x)`, optionally in `max(0, ...)`, where `x` is collected from every failed report (see `countsEveryFailure`). */
function subtractsEveryFailure(value: Node, target: Node, root: Node): boolean {
  let v = unparen(value);
  if (v.type === 'call' && v.childForFieldName('function')?.text === 'max') {
    const args = callArguments(v).positional;
    if (args.length !== 2) return false;
    const other = args.find((a) => unparen(a).type === 'binary_operator');
    if (!other) return false;
    v = unparen(other);
  }
  if (v.type !== 'binary_operator' || v.childForFieldName('operator')?.type !== '-') return false;
  const l = v.childForFieldName('left');
  const r = v.childForFieldName('right');
  return !!l && !!r && unparen(l).text === unparen(target).text && countsEveryFailure(r, root);
}

/**
 * `len(_failed)` where the module's `_failed` gets an `append`/`add` (in a report hook) under a condition that
 * holds for every failed report and for no passed one: `if report.failed:`, `if report.failed and
 * _is_flaky(report):` with `_is_flaky` true by default (`getattr(report, "flaky", report.when == "call")`).
 * A condition on anything the evaluator does not know (a marker, a node id list) keeps it unknown.
 */
function countsEveryFailure(value: Node, root: Node): boolean {
  const c = unparen(value);
  if (c.type !== 'call' || c.childForFieldName('function')?.text !== 'len') return false;
  const arg = callArguments(c).positional[0];
  const name = arg && unparen(arg).type === 'identifier' ? unparen(arg).text : undefined;
  if (!name) return false;
  let found = false;
  forEachDescendant(root, (m) => {
    if (found) return false;
    const f = m.type === 'call' ? m.childForFieldName('function') : null;
    if (f?.type !== 'attribute' || f.childForFieldName('object')?.text !== name || !/^(append|add)$/.test(f.childForFieldName('attribute')?.text ?? '')) return true;
    const fn = enclosingFunction(m);
    if (!fn) return true;
    const params = new Set(parameterNames(fn));
    const conds: Node[] = [];
    for (let p = m.parent, child: Node = m; p && p.id !== fn.id; child = p, p = p.parent) {
      if (p.type === 'if_statement' && child.id === p.childForFieldName('consequence')?.id) conds.push(p.childForFieldName('condition')!);
      else if (/^(else_clause|elif_clause|try_statement|for_statement|while_statement|with_statement)$/.test(p.type)) return true;
    }
    const holds = (failed: boolean) => conds.reduce<boolean | undefined>((acc, cond) => (acc === false ? false : and(acc, reportTest(cond, params, failed, root, 0))), true);
    if (conds.length && holds(true) === true && holds(false) === false) found = true;
    return !found;
  });
  return found;
}

function and(a: boolean | undefined, b: boolean | undefined): boolean | undefined {
  if (a === false || b === false) return false;
  return a === true && b === true ? true : undefined;
}

/** The value of `n` for a plain call-phase report (no extra attributes) that failed or passed; undefined when unknown. */
function reportValue(n: Node, params: Set<string>, failed: boolean, root: Node, depth: number): boolean | string | undefined {
  const o = unparen(n);
  if (depth > 3) return undefined;
  if (o.type === 'true') return true;
  if (o.type === 'false') return false;
  if (o.type === 'string') return stringValue(o);
  if (o.type === 'attribute' && params.has(o.childForFieldName('object')?.text ?? '')) {
    switch (o.childForFieldName('attribute')?.text) {
      case 'failed': return failed;
      case 'passed': return !failed;
      case 'skipped': return false;
      case 'when': return 'call';
      case 'outcome': return failed ? 'failed' : 'passed';
    }
    return undefined;
  }
  if (o.type === 'not_operator') {
    const a = reportValue(o.childForFieldName('argument')!, params, failed, root, depth);
    return typeof a === 'boolean' ? !a : undefined;
  }
  if (o.type === 'boolean_operator') {
    const a = reportValue(o.childForFieldName('left')!, params, failed, root, depth);
    const b = reportValue(o.childForFieldName('right')!, params, failed, root, depth);
    const isAnd = o.childForFieldName('operator')?.type === 'and';
    if (typeof a !== 'boolean' || typeof b !== 'boolean') {
      if (isAnd && (a === false || b === false)) return false;
      if (!isAnd && (a === true || b === true)) return true;
      return undefined;
    }
    return isAnd ? a && b : a || b;
  }
  if (o.type === 'comparison_operator' && o.namedChildCount === 2) {
    const op = o.child(1)?.type;
    const a = reportValue(o.namedChildren[0]!, params, failed, root, depth);
    const b = reportValue(o.namedChildren[1]!, params, failed, root, depth);
    if (typeof a !== 'string' || typeof b !== 'string') return undefined;
    return op === '==' ? a === b : op === '!=' ? a !== b : undefined;
  }
  if (o.type === 'call') {
    const fn = o.childForFieldName('function');
    const args = callArguments(o);
    if (args.hasSplat || args.keywords.size) return undefined;
    // `getattr(report, "flaky", default)`: a plain report has no such attribute.
    if (fn?.text === 'getattr' && args.positional.length === 3 && params.has(unparen(args.positional[0]!).text)) {
      const attr = stringValue(args.positional[1]);
      return attr && !['failed', 'passed', 'skipped', 'when', 'outcome', 'longrepr', 'nodeid', 'keywords'].includes(attr) ? reportValue(args.positional[2]!, params, failed, root, depth + 1) : undefined;
    }
    // A module function that returns one expression of the report it is given.
    const def = fn?.type === 'identifier' ? moduleFunctionNamed(root, fn.text) : undefined;
    if (!def) return undefined;
    const rets = returnsOf(def);
    const ret = rets.length === 1 ? returnValue(rets[0]!) : undefined;
    const body = def.childForFieldName('body')?.namedChildren.filter((s) => s.type !== 'comment' && !(s.type === 'expression_statement' && s.namedChild(0)?.type === 'string'));
    if (!ret || body?.length !== 1) return undefined;
    const inner = new Set<string>();
    parameterNames(def).forEach((p, i) => {
      const a = args.positional[i];
      if (a && params.has(unparen(a).text)) inner.add(p);
    });
    return inner.size ? reportValue(ret, inner, failed, root, depth + 1) : undefined;
  }
  return undefined;
}

function reportTest(cond: Node, params: Set<string>, failed: boolean, root: Node, depth: number): boolean | undefined {
  const v = reportValue(cond, params, failed, root, depth);
  return typeof v === 'boolean' ? v : undefined;
}
