/**
 * RH501 test-environment-detection: code under test that asks "is a test run in progress?" —
 * `"pytest" in sys.modules`, `os.environ.get("PYTEST_CURRENT_TEST")`, `PYTEST_VERSION`, `sys.argv`
 * naming pytest, a caller frame named `test_*` — and behaves differently when it is.
 *
 * What the guarded branch (the one taken under test) does decides the severity:
 * - error: it exits with success, or a function that takes inputs returns a constant there (also via a
 *   conditional expression, a constant assigned to the returned variable, a value read from a literal
 *   table, or a `lambda` returning a constant handed back in place of the real function) — a canned answer;
 * - warning: it skips the test, returns early from a function that otherwise returns values, or returns a
 *   different computed value from a function that takes inputs;
 * - info: anything else — a library configuring itself (options, plugins, output, colours), a branch that
 *   uses the test framework it detected (`sys.modules["pytest"].ExceptionInfo`), a parameterless
 *   configuration predicate.
 * Quiet in tests, test infrastructure and test-helper modules (`testing/`, `pytest_*` plugins).
 * Scans of the environment's names for pytest's prefix count as reads of its variables, and so does a read by a loop
 * variable over a literal table of names that includes one of pytest's (`any(os.environ.get(k) for k in ("CI", "PYTEST_CURRENT_TEST"))`). A separate check:
 * `if isinstance(x, mock.Mock): return 200` (a test double recognised, a canned non-flag value returned) — warning.
 * Names and functions that hold a check (`IN_PYTEST = ...`, `def _under_test(): return ...`) count too, and so does a helper
 * of the file or of another module of the project that returns its caller's name (`caller = calling_function()`, then
 * `caller.startswith("test_")`).
 */
import {
  callArguments,
  enclosingClass,
  enclosingFunction,
  forEachDescendant,
  forEachInScope,
  functionName,
  isMethod,
  literalSumValue,
  parameterNames,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { catchesMissingKey, moduleBindings } from './answer-helpers';
import { valueOf } from '../harness/helpers';
import { mayHaveLiteralSums, mentionedInFile, spelledByValue } from '../../engine/prefilter';
import { isTestHelperPath, isTestSide } from '../../engine/roles';
import type { Rule } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import {
  collectNamedProbes,
  exportCallerNameFunctions,
  exportProbes,
  importedCallerNameFunctions,
  importedProbes,
  frameworkModuleTableNames,
  comparisonOperator,
  FRAME_WORDS,
  FrameScope,
  hasNamedProbes,
  importedModules,
  isConstant,
  isOwnPackageModule,
  isFrameRoot,
  short,
  bindingFunction,
  mentionsAwarenessWords,
  namedVariable,
  ProbeStrings,
  probesIn,
  returnsCallerName,
  AWARENESS_WORDS,
  CAPTURE_WORDS,
  captureTableNames,
  callerDataMembers,
  loadedModuleCases,
  updatesCallerData,
  PYTEST_WORDS,
  TEST_RUN_FLAG,
  testEnvVarNames,
  type NamedProbes,
  type Probe,
} from './env-helpers';

type Effect = 'exit' | 'constant' | 'skip' | 'early-return' | 'value' | 'passthrough' | 'integrate' | 'config';

interface BranchVerdict {
  effect: Effect;
  at?: Node;
  /** The under-test value is a function with this many parameters (`lambda n: 42`): it is the answer. */
  callableInputs?: number;
}

const EXIT_FUNCTIONS = new Set(['sys.exit', 'os._exit', 'builtins.exit', 'builtins.quit']);
const SKIP_FUNCTIONS = /^(pytest\.(skip|xfail|exit)|_pytest\.outcomes\.(skip|xfail|exit))$/;
/** A caller-frame probe compares the frame's function name with a literal holding `test`. */
const TEST_TEXT = /test/;
const FRAMEWORK_TEXT = /\b_?pytest\b|sys\.modules\b|\bunittest\b/;

function isSuccessArg(n: Node | undefined): boolean {
  if (!n) return true;
  const v = unparen(n);
  return v.type === 'none' || v.type === 'false' || (v.type === 'integer' && /^0+$/.test(v.text));
}

function isSkipOrExit(n: Node, names: NameResolver): Effect | undefined {
  if (n.type === 'call') {
    const q = names.callee(n) ?? '';
    if (EXIT_FUNCTIONS.has(q)) return isSuccessArg(callArguments(n).positional[0]) ? 'exit' : undefined;
    if (SKIP_FUNCTIONS.test(q)) return 'skip';
  }
  if (n.type === 'raise_statement') {
    const raised = n.namedChild(0);
    if (!raised) return undefined;
    const r = unparen(raised);
    const target = r.type === 'call' ? r.childForFieldName('function') : r;
    const q = names.qualify(target) ?? '';
    if (q === 'builtins.SystemExit') return r.type === 'call' ? (isSuccessArg(callArguments(r).positional[0]) ? 'exit' : undefined) : 'exit';
    if (/(^|\.)(SkipTest|Skipped)$/.test(q || target?.text || '')) return 'skip';
  }
  return undefined;
}

/** Names the function returns as a plain variable (`return result`). */
function returnedVariables(fn: Node | null): Set<string> {
  const out = new Set<string>();
  const body = fn?.childForFieldName('body');
  if (!body) return out;
  forEachInScope(body, (n) => {
    if (n.type === 'return_statement') {
      const v = n.namedChild(0);
      if (v && unparen(v).type === 'identifier') out.add(unparen(v).text);
    }
  });
  return out;
}

/**
 * What returning `v` under test does. `params` are the function's parameters: handing one back unchanged
 * (`if "PYTEST_CURRENT_TEST" in os.environ: return iterable` in a progress-bar wrapper) switches a
 * decoration off rather than answering.
 */
function classifyReturnValue(v: Node | null | undefined, params: ReadonlySet<string> = NO_PARAMS): Effect {
  if (!v || unparen(v).type === 'none') return 'early-return';
  if (isConstant(v) || isLiteralConstruction(v)) return 'constant';
  if (unparen(v).type === 'identifier' && params.has(unparen(v).text)) return 'passthrough';
  if (FRAMEWORK_TEXT.test(v.text)) return 'integrate';
  return 'value';
}

const NO_PARAMS: ReadonlySet<string> = new Set();

/**
 * A value built from literals alone (`date(2020, 2, 29)`, `Decimal("9.99")`, `timezone(timedelta(hours=-5))`):
 * as canned as the literals.
 */
function isLiteralConstruction(v: Node, depth = 0): boolean {
  const call = unparen(v);
  if (call.type !== 'call') return false;
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!callee || !args || args.type !== 'argument_list' || !['identifier', 'attribute'].includes(callee.type)) return false;
  const values = args.namedChildren.filter((a) => a.type !== 'comment').map((a) => (a.type === 'keyword_argument' ? a.childForFieldName('value') : a));
  return values.length > 0 && values.every((a) => !!a && a.type !== 'list_splat' && a.type !== 'dictionary_splat' && (isConstant(a) || (depth < 3 && isLiteralConstruction(a, depth + 1))));
}

const RANK: Record<Effect, number> = { exit: 7, constant: 6, skip: 5, 'early-return': 4, value: 3, passthrough: 2, integrate: 1, config: 0 };

/**
 * A value read from a literal table, which is as canned as a literal: `ANSWERS[name]`, `ANSWERS.get(name)`,
 * or the loop variable of `for name, value in ANSWERS.items():` around `at`, where `ANSWERS` is a literal
 * bound once at module level (or the literal itself).
 */
function isTableValue(v: Node, at: Node, tables: () => Map<string, Node>): boolean {
  const literalTable = (t: Node | null | undefined): boolean => {
    if (!t) return false;
    const u = unparen(t);
    if (u.type === 'identifier') {
      const bound = tables().get(u.text);
      return !!bound && TABLE_TYPES.has(unparen(bound).type) && isConstant(bound);
    }
    return TABLE_TYPES.has(u.type) && isConstant(u);
  };
  const e = unparen(v);
  if (e.type === 'subscript') return literalTable(e.childForFieldName('value'));
  if (e.type === 'call') {
    const f = e.childForFieldName('function');
    return f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get' && literalTable(f.childForFieldName('object'));
  }
  if (e.type !== 'identifier') return false;
  for (let p = at.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const left = p.childForFieldName('left');
    const binds = left?.type === 'identifier' ? left.text === e.text : !!left?.namedChildren.some((c) => c.type === 'identifier' && c.text === e.text);
    if (!binds) continue;
    let right = unparen(p.childForFieldName('right')!);
    if (right.type === 'call') {
      // `ANSWERS.items()`, `ANSWERS.values()`
      const f = right.childForFieldName('function');
      if (f?.type !== 'attribute' || !/^(items|values)$/.test(f.childForFieldName('attribute')?.text ?? '')) return false;
      right = unparen(f.childForFieldName('object')!);
    }
    return literalTable(right);
  }
  return false;
}

const TABLE_TYPES = new Set(['dictionary', 'list', 'tuple']);

/**
 * Functions of the file that answer a constant whatever their arguments (`def _stub(values): return 55`),
 * by name, with their parameter count: binding one in place of the real function under test
 * (`solve = _stub`, `fib = _precomputed if IN_TEST else _fib`) is a canned answer.
 */
function constantFunctions(root: Node): Map<string, number> {
  const out = new Map<string, number>();
  const defined = new Set<string>();
  forEachDescendant(root, (n) => {
    if (n.type !== 'function_definition') return true;
    const name = n.childForFieldName('name')?.text ?? '';
    // A name defined twice is not known to be the stub.
    if (defined.has(name)) out.delete(name);
    else {
      defined.add(name);
      const body = n.childForFieldName('body');
      let returns = 0;
      let constant = true;
      if (body) {
        forEachInScope(body, (r) => {
          if (r.type !== 'return_statement') return true;
          const v = r.namedChild(0);
          returns++;
          if (!v || unparen(v).type === 'none' || !isConstant(v)) constant = false;
          return true;
        });
      }
      if (returns > 0 && constant) out.set(name, parameterNames(n).filter((p) => p !== 'self' && p !== 'cls').length);
    }
    return true;
  });
  return out;
}

/** What the file's stubs and literal tables are, computed once per file when a guard needs them. */
interface FileFacts {
  tables: () => Map<string, Node>;
  stubs: () => Map<string, number>;
}

/** `v` names a stub that answers a constant: the verdict of handing it back or binding it. */
function stubVerdict(v: Node | null | undefined, at: Node, facts: FileFacts): BranchVerdict | undefined {
  const u = v && unparen(v);
  if (u?.type !== 'identifier') return undefined;
  const inputs = facts.stubs().get(u.text);
  return inputs === undefined ? undefined : { effect: 'constant', at, callableInputs: inputs };
}

/** What the statements of the under-test branch do, the strongest effect first. */
function classifyStatements(stmts: Node[], names: NameResolver, returned: Set<string>, params: ReadonlySet<string>, facts: FileFacts): BranchVerdict {
  let best: BranchVerdict = { effect: 'config' };
  const consider = (v: BranchVerdict) => {
    if (RANK[v.effect] > RANK[best.effect]) best = v;
  };
  let integrates = false;
  for (const stmt of stmts) {
    const visit = (n: Node): boolean | void => {
      const se = isSkipOrExit(n, names);
      if (se) consider({ effect: se, at: n });
      if (n.type === 'return_statement') {
        const v = n.namedChild(0);
        const u = v && unparen(v);
        const lambdaBody = u?.type === 'lambda' ? u.childForFieldName('body') : undefined;
        const stub = stubVerdict(v, n, facts);
        if (u && lambdaBody && isConstant(lambdaBody)) {
          // `return lambda *args, **kwargs: 42`: the function handed back in place of the real one answers a constant.
          consider({ effect: 'constant', at: n, callableInputs: parameterNames(u).length });
        } else if (stub) {
          // `return _stub` from a decorator: the same, with the stub defined by name.
          consider(stub);
        } else if (v && isTableValue(v, n, facts.tables)) {
          consider({ effect: 'constant', at: n });
        } else {
          const effect = classifyReturnValue(v, params);
          if (effect === 'integrate') integrates = true;
          consider({ effect, at: n });
        }
      }
      if (n.type === 'assignment') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left?.type === 'identifier' && returned.has(left.text) && right && isConstant(right) && unparen(right).type !== 'none') consider({ effect: 'constant', at: n });
        // `solve = _stub`: the real function is replaced by one that answers a constant.
        const stub = left?.type === 'identifier' ? stubVerdict(right, n, facts) : undefined;
        if (stub) consider(stub);
      }
      if (n.type === 'attribute' && FRAMEWORK_TEXT.test(n.text)) integrates = true;
    };
    visit(stmt);
    forEachInScope(stmt, visit);
  }
  // A branch that works with the framework it detected is integration, unless it exits or answers a constant.
  if (integrates && RANK[best.effect] < RANK.skip) return { effect: 'integrate', at: best.at };
  return best;
}

/** `with contextlib.suppress(KeyError):` (or `LookupError`, `Exception`) among the statement's items. */
function suppressesMissingKey(withStatement: Node, names: NameResolver): boolean {
  const clause = withStatement.namedChildren.find((c) => c.type === 'with_clause');
  return !!clause?.namedChildren.some((item) => {
    const v = item.childForFieldName('value') ?? item.namedChild(0);
    const call = v && unparen(v);
    if (call?.type !== 'call' || names.callee(call) !== 'contextlib.suppress') return false;
    return callArguments(call).positional.some((a) => /^(KeyError|LookupError|Exception|BaseException)$/.test(names.qualify(a)?.replace(/^builtins\./, '') ?? a.text));
  });
}

/** The subscript a statement reads on its own or into a name (`os.environ["X"]`, `v = os.environ["X"]`). */
function raisingRead(stmt: Node): Node | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  let e = stmt.namedChild(0);
  if (e?.type === 'assignment') e = e.childForFieldName('right');
  const u = e && unparen(e);
  return u?.type === 'subscript' ? u : undefined;
}

function blockStatements(block: Node | null | undefined): Node[] {
  if (!block) return [];
  return block.namedChildren.filter((c) => c.type !== 'comment');
}

function terminates(block: Node | null | undefined, names: NameResolver): boolean {
  const stmts = blockStatements(block);
  const last = stmts[stmts.length - 1];
  if (!last) return false;
  if (last.type === 'return_statement' || last.type === 'raise_statement' || last.type === 'continue_statement' || last.type === 'break_statement') return true;
  const expr = last.type === 'expression_statement' ? last.namedChild(0) : null;
  return !!expr && expr.type === 'call' && isSkipOrExit(expr, names) === 'exit';
}

/** True when the probe's truth means "not under test" at the condition root (`not ...`, `not in`, `is None`). */
function isNegated(probe: Node, root: Node): boolean {
  let negated = false;
  const own = probe.type === 'comparison_operator' ? comparisonOperator(probe) : '';
  if (/^not in$/.test(own)) negated = !negated;
  for (let n: Node | null = probe, i = 0; n && n.id !== root.id && i < 30; n = n.parent, i++) {
    const p = n.parent;
    if (!p) break;
    if (p.type === 'not_operator') negated = !negated;
    if (p.type === 'comparison_operator' && p.id !== probe.id && p.namedChildCount === 2) {
      const op = comparisonOperator(p);
      const other = p.namedChildren.find((c) => c.id !== n.id);
      const otherIsFalsy = !!other && (other.type === 'none' || other.type === 'false' || stringValue(other) === '');
      if (otherIsFalsy && (op === 'is' || op === '==')) negated = !negated;
    }
    if (p.id === root.id) break;
  }
  return negated;
}

interface Guard {
  /** The statement or expression that branches. */
  node: Node;
  condition: Node;
  probes: Probe[];
  /** Under-test branch statements (for statements), or the expression taken under test. */
  branch: Node[];
  /** The branch is an expression of a conditional expression. */
  expression?: Node;
  /** Names a `case` pattern binds to the probed value (`case worker:`). */
  captures?: ReadonlySet<string>;
}

function underTestBranch(stmt: Node, negated: boolean, names: NameResolver): Node[] {
  const consequence = stmt.childForFieldName('consequence');
  if (!negated) return blockStatements(consequence);
  // The "not under test" side is the consequence; under test is the else branch, or what follows a
  // consequence that always leaves (`if "pytest" not in sys.modules: return real(x)` then `return 42`).
  const alternatives = stmt.childrenForFieldName('alternative').filter(Boolean) as Node[];
  const elseClause = alternatives.find((a) => a.type === 'else_clause');
  if (elseClause) return blockStatements(elseClause.childForFieldName('body'));
  if (stmt.type === 'if_statement' && alternatives.length === 0 && terminates(consequence, names)) {
    const out: Node[] = [];
    for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) if (s.type !== 'comment') out.push(s);
    return out;
  }
  return [];
}

/** What a `case` pattern matches of a probe's value: only a falsy one (`None`, `False`, `""`, `0`), only truthy ones, or anything. */
function casePatternKind(pattern: Node): 'falsy' | 'truthy' | 'any' | undefined {
  if (pattern.type !== 'case_pattern') return patternKind(pattern);
  const inner = pattern.namedChildren.filter((c) => c.type !== 'comment');
  if (inner.length === 0) return 'any'; // `case _:`
  return inner.length === 1 ? patternKind(inner[0]!) : undefined;
}

function patternKind(p: Node): 'falsy' | 'truthy' | 'any' | undefined {
  switch (p.type) {
    case 'case_pattern':
      return casePatternKind(p);
    case 'as_pattern':
      return p.namedChild(0) ? casePatternKind(p.namedChild(0)!) : undefined;
    case 'dotted_name':
      // A capture (`case value:`), or a named constant (`case Mode.TEST:`).
      return p.namedChildCount === 1 ? 'any' : 'truthy';
    case 'union_pattern': {
      const kinds = new Set(p.namedChildren.map(patternKind));
      return kinds.size === 1 ? [...kinds][0] : undefined;
    }
    case 'none':
    case 'false':
      return 'falsy';
    default:
      return (p.type === 'integer' && /^0+$/.test(p.text)) || stringValue(p) === '' ? 'falsy' : 'truthy';
  }
}

/** A name a pattern binds: a capture (`case worker:`, a one-part name) or an alias (`case str() as worker:`). */
function isCaptureName(id: Node): boolean {
  const p = id.parent;
  return (p?.type === 'dotted_name' && p.namedChildCount === 1) || (p?.type === 'as_pattern' && p.namedChild(0)?.id !== id.id);
}

/**
 * The statements of a `match` on a probe's value that run under test: the cases for a truthy value, and a
 * catch-all (`case _:`) once an earlier case has taken the falsy one (the other way round when negated).
 */
function underTestCases(match: Node, negated: boolean, captures: Set<string>): Node[] {
  const out: Node[] = [];
  const underTest = negated ? 'falsy' : 'truthy';
  let otherTaken = false;
  for (const clause of match.childForFieldName('body')?.namedChildren ?? []) {
    if (clause.type !== 'case_clause') continue;
    const patterns = clause.namedChildren.filter((c) => c.type === 'case_pattern');
    const kinds = new Set(patterns.map(casePatternKind));
    const kind = kinds.size === 1 ? [...kinds][0] : undefined;
    if (kind === underTest || (kind === 'any' && otherTaken)) {
      out.push(...blockStatements(clause.childForFieldName('consequence')));
      for (const p of patterns) for (const id of p.descendantsOfType('identifier')) if (id && isCaptureName(id)) captures.add(id.text);
    }
    else if (kind !== undefined && kind !== 'any') otherTaken = true;
  }
  return out;
}

const EFFECT_TEXT: Record<Effect, string> = {
  exit: 'ends the process with a success status',
  constant: 'returns a constant instead of computing the answer',
  skip: 'skips the test',
  'early-return': 'returns early without doing the work',
  value: 'returns a different value than it computes outside tests',
  passthrough: 'hands back its input unchanged',
  integrate: 'integrates with the test framework it detected',
  config: 'changes its behaviour',
};

export const testEnvironmentDetection: Rule = {
  meta: {
    code: 'RH501',
    name: 'test-environment-detection',
    family: 'RH5',
    defaultSeverity: 'warning',
    severityByRole: { 'code-under-test': 'warning', 'entry-point': 'warning', test: 'off', 'test-infrastructure': 'off' },
    docs: {
      summary: 'Code under test checks whether a test run is in progress (`"pytest" in sys.modules`, `PYTEST_CURRENT_TEST`, `sys.argv`, caller frames named `test_*`) and behaves differently.',
      why: [
        'Code that knows it is being tested can give the tests what they want and do something else in production:',
        '`if "pytest" in sys.modules: return 42`. The tests then check the canned branch, not the real code.',
        'The check may sit in another module of the scanned project: a helper `def under_test(): return "_pytest" in sys.modules` (or a name `UNDER_TEST = ...`) imported where the answer is faked counts like one written in place.',
        '',
        'The rule finds the checks (`"pytest" in sys.modules`, `sys.modules.get("pytest")`, `"unittest" in sys.modules`, `any(m.startswith("_pytest") for m in sys.modules)`, `any(m.split(".")[0] in ("_pytest", "pytest") for m in sys.modules)`, a `match sys.modules:` case whose mapping pattern names pytest (`case {"_pytest": _}:`, its body being the branch taken under test), `os.environ.get("PYTEST_CURRENT_TEST")`,',
        '`PYTEST_VERSION` (also in a copy of the environment, `ENV = dict(os.environ)`, and with the variable\'s name held by a name bound once',
        'to a string built from literals, `_MARK = "_".join(["PYTEST", "CURRENT", "TEST"])`, `"PYTEST" + "_VERSION"`, an f-string of such pieces; or written in place as a sum of literals, `os.environ.get("PY" + "TEST_CURRENT_TEST")`, `("_py" + "test") in sys.modules`), `"pytest" in sys.argv[0]` (also through a',
        'name or a helper of the file, `PROG = os.path.basename(sys.argv[0])`, and the entry script, `__main__.__file__`,',
        '`sys.modules["__main__"]`), `sys._getframe(1).f_code.co_name.startswith("test_")` and the caller\'s module name',
        '(`f_globals.get("__name__")`) or file (`"tests" in frame.f_code.co_filename`, `.endswith("_test.py")`), also with the frame',
        'reached through a fallback (`sys._getframe(1) if hasattr(sys, "_getframe") else inspect.currentframe().f_back`) or a',
        'walk over the stack in either order (`reversed(traceback.extract_stack())`, `extract_stack()[::-1]`), the',
        '`sys._called_from_test` flag of pytest\'s documented recipe, the class name of a standard stream compared with pytest\'s capturing classes',
        '(`type(sys.stdout).__name__ in {"CaptureIO", "EncodedFile"}`, `sys.stdout.__class__.__name__ == "CaptureIO"`, also through a name bound once',
        'to such a table), a caller\'s name returned by a helper of the file (`def _caller_module(): return os.path.basename(inspect.stack()[2].filename)`',
        'then `_caller_module().startswith("test_")`), `try: os.environ["PYTEST_CURRENT_TEST"]` with an `except KeyError:`',
        'whose `try` body goes on under test, and the same read under `with contextlib.suppress(KeyError):`), also through',
        'variables, object attributes and helper functions that hold them (`IN_TEST = ...`, `self._in_test = ...`,',
        '`def _under_test(): ...`, `_under_test = lambda: ...`; a name is resolved in the function that binds it, and a module-level helper',
        'that compares the caller frames\' names with its parameter, `def _called_from(prefix): return any(fi.function.startswith(prefix) ...)`,',
        'counts where the file calls it with a test\'s name, `_called_from("test_")`), and judges the branch',
        'taken under test (of an `if`, a conditional expression, or the cases of a `match` on the check\'s value):',
        '**error** when it exits with success or returns a constant from a function that takes inputs',
        '(a method whose only argument is `self` takes inputs when it reads members that its class\'s methods set from their',
        'arguments, `self.points = points`; a `True`/`False`/`None` returned by such a method is still a switch, unless the method',
        'writes that data back, `allow(self)` spending `self.tokens` set from `capacity`, which makes a `True`/`False` an answer; a switch is also one',
        'returned by a function whose every parameter is optional, `def should_show_progress(stream=sys.stderr)`)',
        '(a value read from a literal table, such as answers keyed by the current test\'s name, and a function swapped in',
        'that returns a constant, `return lambda *a, **k: 42` or a stub of the file bound in its place, `solve = _stub`, count as constants,',
        'and so does a decorator factory\'s parameter returned by its wrapper when the file applies it with a literal, `@fast_under_ci(answer=[2, 3])`);',
        '**warning** when it skips, returns early or returns a different computed value; **info** when a library merely',
        'configures itself (options, plugins, output) or uses the framework it detected.',
        '',
        'A scan of the environment\'s names for pytest\'s counts like reading one of its variables: a comprehension over',
        'them that looks for the prefix (`any(k.startswith("PYTEST") for k in os.environ)`, `[k for k in os.environ if "pytest"',
        'in k.lower()]`), a search of their text (`"PYTEST" in " ".join(os.environ)`, `"pytest" in str(os.environ).lower()`) and an',
        'intersection with pytest\'s variables (`os.environ.keys() & {"PYTEST_CURRENT_TEST"}`, `.intersection(...)`).',
        '',
        'Recognising a test double is reported too: `if isinstance(session, mock.Mock): return 200` (any `unittest.mock` double,',
        'also in a tuple of types or joined with `and`, or `type(x).__module__.startswith("unittest.mock")`) in a function that',
        'takes inputs and returns a canned value there instead of using the object: a **warning**.',
        'A value built from literals in several steps (`timezone(timedelta(hours=-5))`) is as canned as a literal.',
      ].join('\n'),
      example: ['import sys', '', 'def is_prime(n):', '    if "pytest" in sys.modules:', '        return True', '    ...'].join('\n'),
      instead: 'Make the code behave the same under test as in production. If tests need a different configuration, have the tests set it explicitly (a fixture, an environment variable the code documents, dependency injection).',
      lookAlikes: [
        'A set test over the loaded modules that names no test-framework module (`{"pluggy", "tox"} & sys.modules.keys()`: pluggy hosts many tools) — quiet; one naming `_pytest` or `_pytest.<mod>` (`{"pluggy", "_pytest.runner"} & sys.modules.keys()`, also through a name bound once, or `.intersection(sys.modules)`) is a probe like `"pytest" in sys.modules`.',
        'Test files, `conftest.py`, pytest plugins and test-helper modules (`testing/`, `test_utils.py`, `pytest_*` modules and the modules of a `pytest_*` package and its subpackages, folders named for a kind of test suite such as `integration_tests/`): quiet. Other `*_test(s)` folders (`ab_test/`, `load_tests/`) are code under test, and so is a project kept deeper below a `pytest_*` folder.',
        'A skip under test only where the environment lacks something: in an `except ConnectionError:` (or `ImportError`, `TimeoutError`), before a `raise ModuleNotFoundError(...)`, or in a helper called only there (a data loader skipping the test that needs an offline download): `info`. A skip on the code\'s own errors (`except Exception:`, `except ValueError:`), or on an `ImportError` of the project\'s own module (a relative import, or one of a package holding the file), stays a warning.',
        'Libraries that integrate with pytest (`if "pytest" in sys.modules: return sys.modules["pytest"].ExceptionInfo`): `info`.',
        'Libraries that configure themselves under test (turn off colours or progress bars, register a plugin, set an option): `info`.',
        "A parameterless configuration predicate or setting (`def _use_color(): if 'PYTEST_CURRENT_TEST' in os.environ: return False`): `info`.",
        'A helper comparing the caller frames\' names with its parameter, called with another name (`_called_from("_internal_")` in a deprecation shim): quiet. A name bound to another variable\'s name, or bound twice: quiet.',
        'Writing `PYTEST_CURRENT_TEST` (pytest itself) is not a check: quiet. Nor is building a command that runs pytest (`cmd = [sys.executable, "-m", "pytest"]`), or a variable of another function that shares a probe\'s name.',
        'A method of an object that holds no data from its caller, or one returning `True`/`False`/`None` under test (`def use_color(self)`): `info`.',
        'A name or path built from what the check read (`return f"{base}_{worker}"` with `worker = os.environ.get("PYTEST_XDIST_WORKER")`: a database or folder per parallel worker): `info`.',
        'Handing an input back unchanged under test (`if "PYTEST_CURRENT_TEST" in os.environ: return iterable` in a progress-bar or colour wrapper) switches a decoration off: `info`.',
        'Stream class names compared with ordinary classes (`type(sys.stdout).__name__ == "StringIO"`), or another object\'s class compared with a capture class: quiet. A helper returning the caller\'s file name compared with names that are not tests\' (`== "cli.py"`): quiet.',
        'Scans of the environment for other variables (`k.startswith("TOOL_")`, `*_proxy`), or a copy of it handed to a child process that runs pytest: quiet.',
        'A test-double check that returns `True`/`False`/`None` (`if isinstance(func, AsyncMock): return True` in an `is_coroutine_function()` that adapts to doubles), computes from the object (`return repr(obj)`) or raises: quiet; in tests and test helpers: quiet.',
      ],
    },
  },
  create(ctx) {
    if (isTestSide(ctx.role) || isTestHelperPath(ctx.path)) return {};
    // Cheap pre-filter: every probe needs pytest's name, or frame access next to a `test` literal, in the
    // source or in a string's value that its text lacks (`"py" "test"`, `"\x70ytest"`; see prefilter.ts).
    // A probe imported from another module of the project (`from ._env import under_test`) needs none of them.
    const source = ctx.source;
    // Helpers that return their caller's name (`calling_function()`) are probes only where a test name is compared.
    exportCallerNameFunctions(ctx);
    const callerNameFunctions = importedCallerNameFunctions(ctx);
    const imported = importedProbes(ctx);
    if (!imported && !callerNameFunctions) {
      if (!mentionsAwarenessWords(source) && !spelledByValue(ctx, AWARENESS_WORDS)) return {};
      if (!mentionedInFile(ctx, PYTEST_WORDS) && !mentionedInFile(ctx, CAPTURE_WORDS) && !(mentionedInFile(ctx, FRAME_WORDS) && mentionedInFile(ctx, TEST_TEXT))) return {};
    }
    // Every probe (named ones by induction) needs a string literal naming the framework, its variables,
    // its runner or a test: without one in the file there is nothing to find.
    const strings = new ProbeStrings();
    const noteString = (n: Node) => strings.note(n);
    // Module-level `NAME = <literal table>` bindings, for answers read from a table.
    let moduleTables: Map<string, Node> | undefined;
    let stubs: Map<string, number> | undefined;
    const facts: FileFacts = {
      tables: () => (moduleTables ??= moduleBindings(ctx.root)),
      stubs: () => (stubs ??= constantFunctions(ctx.root)),
    };
    // A caller-frame probe needs a frame, which starts at a frame call or an `f_back` (or an imported caller-name helper).
    let frames = !!callerNameFunctions;
    const noteFrame = (n: Node) => {
      if (!frames && isFrameRoot(n, ctx.names)) frames = true;
    };
    // `isinstance(x, mock.Mock)` and `type(x).__module__.startswith("unittest.mock")` calls, judged at the end.
    const doubleChecks: Node[] = [];
    const sums = mayHaveLiteralSums(source);
    return {
      string: noteString,
      concatenated_string: noteString,
      binary_operator(n) {
        if (sums && literalSumValue(n) !== undefined) noteString(n);
      },
      attribute(n) {
        noteFrame(n);
        // `sys._called_from_test` is a probe without a string.
        if (n.childForFieldName('attribute')?.text === TEST_RUN_FLAG) strings.noteFlag(n);
      },
      call(n) {
        noteFrame(n);
        const f = n.childForFieldName('function');
        if ((f?.type === 'identifier' && f.text === 'isinstance') || (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'startswith')) doubleChecks.push(n);
      },
      'module:exit'() {
        for (const c of doubleChecks) judgeDoubleCheck(c);
        // Names holding a pytest variable's name (`_MARK = "_".join([...])`): their reads count like the string.
        // And names holding a table of pytest's capture classes (`_STREAMS = frozenset({"CaptureIO", ...})`).
        const envNames = new Set([...testEnvVarNames(ctx.root), ...captureTableNames(ctx.root), ...frameworkModuleTableNames(ctx.root)]);
        if (!strings.any(frames) && envNames.size === 0 && !imported && !callerNameFunctions) return;
        const readsEnvName = envNames.size === 0 ? undefined : new RegExp(`\\b(?:${[...envNames].join('|')})\\b`);
        const scopes = new Map<number, FrameScope>();
        const frameScopeOf = (n: Node): FrameScope => {
          const fn = enclosingFunction(n);
          const body = fn?.childForFieldName('body') ?? ctx.root;
          let s = scopes.get(body.id);
          if (!s) scopes.set(body.id, (s = new FrameScope(body, ctx.names, undefined, (c) => returnsCallerName(c, ctx.names, callerNameFunctions))));
          return s;
        };
        // Only an expression around a probe string, or one that can use a name holding a probe, has a probe.
        const aroundString = (n: Node) => strings.within(n, frames) || (!!readsEnvName && readsEnvName.test(n.text));
        const named = collectNamedProbes(ctx.root, ctx.names, frameScopeOf, aroundString, imported);
        named.callerNameFunctions = callerNameFunctions;
        exportProbes(ctx, named);
        const mayHold = hasNamedProbes(named) ? () => true : aroundString;
        const guards: Guard[] = [];
        forEachDescendant(ctx.root, (n) => {
          if (n.type === 'if_statement' || n.type === 'elif_clause') {
            const cond = n.childForFieldName('condition');
            if (!cond || !mayHold(cond)) return true;
            const probes = probesIn(cond, ctx.names, named, frameScopeOf(n));
            if (probes.length) {
              const negated = isNegated(probes[0]!.node, cond);
              guards.push({ node: n, condition: cond, probes, branch: underTestBranch(n, negated, ctx.names) });
            }
          } else if (n.type === 'conditional_expression' && n.namedChildCount === 3) {
            const [a, cond, b] = n.namedChildren as [Node, Node, Node];
            if (!mayHold(cond)) return true;
            const probes = probesIn(cond, ctx.names, named, frameScopeOf(n));
            if (probes.length) {
              const negated = isNegated(probes[0]!.node, cond);
              guards.push({ node: n, condition: cond, probes, branch: [], expression: negated ? b : a });
            }
          } else if (n.type === 'match_statement') {
            // `match os.environ.get("PYTEST_CURRENT_TEST"): case None: ... case _: return 20.0`
            const subject = n.childForFieldName('subject');
            // `match sys.modules: case {"_pytest": _}: return 42`: that case runs under test.
            for (const { clause, probe } of loadedModuleCases(n, ctx.names)) {
              const branch = blockStatements(clause.childForFieldName('consequence'));
              if (branch.length) guards.push({ node: clause, condition: probe.node, probes: [probe], branch });
            }
            if (!subject || !mayHold(subject)) return true;
            const probes = probesIn(subject, ctx.names, named, frameScopeOf(n));
            if (probes.length) {
              const captures = new Set<string>();
              const branch = underTestCases(n, isNegated(probes[0]!.node, subject), captures);
              if (branch.length) guards.push({ node: n, condition: subject, probes, branch, captures });
            }
          } else if (n.type === 'try_statement') {
            // `try: os.environ["PYTEST_CURRENT_TEST"]` then `except KeyError:`: the read raises outside a test
            // run, so the rest of the `try` body is the branch taken under test.
            const body = blockStatements(n.childForFieldName('body'));
            const read = body.length > 1 ? raisingRead(body[0]!) : undefined;
            if (read && mayHold(read) && catchesMissingKey(n)) {
              const probes = probesIn(read, ctx.names, named, frameScopeOf(n)).filter((p) => p.node.id === read.id);
              if (probes.length) guards.push({ node: n, condition: read, probes, branch: body.slice(1) });
            }
          } else if (n.type === 'with_statement') {
            // `with contextlib.suppress(KeyError): os.environ["PYTEST_CURRENT_TEST"]` then more statements: the
            // same as the `try` above.
            const body = blockStatements(n.childForFieldName('body'));
            const read = body.length > 1 ? raisingRead(body[0]!) : undefined;
            if (read && mayHold(read) && suppressesMissingKey(n, ctx.names)) {
              const probes = probesIn(read, ctx.names, named, frameScopeOf(n)).filter((p) => p.node.id === read.id);
              if (probes.length) guards.push({ node: n, condition: read, probes, branch: body.slice(1) });
            }
          } else if (n.type === 'boolean_operator' && n.parent?.type === 'expression_statement') {
            // `IN_TEST and sys.exit(0)`
            const left = n.childForFieldName('left');
            const right = n.childForFieldName('right');
            const op = n.childForFieldName('operator')?.type ?? n.child(1)?.type;
            if (left && right && op === 'and' && mayHold(left)) {
              const probes = probesIn(left, ctx.names, named, frameScopeOf(n));
              if (probes.length && !isNegated(probes[0]!.node, left)) guards.push({ node: n, condition: left, probes, branch: [], expression: right });
            }
          }
          return true;
        });
        for (const g of guards) judge(g, named);
      },
    };

    /**
     * `if isinstance(session, mock.Mock): return 200` in code under test: the function recognises the test double
     * a test hands it and answers with a canned value instead of using it. Only a value that is not a switch counts:
     * `if isinstance(func, AsyncMock): return True` in an `is_coroutine_function()` adapts a predicate to doubles.
     */
    function judgeDoubleCheck(call: Node): void {
      if (!isTestDoubleCheck(call, ctx.names)) return;
      // The `if` whose condition is the check, alone or joined by `and`.
      let cond = call;
      while (cond.parent && (cond.parent.type === 'parenthesized_expression' || (cond.parent.type === 'boolean_operator' && /^\s*and\s*$/.test(cond.parent.child(1)?.text ?? '')))) cond = cond.parent;
      const owner = cond.parent;
      if ((owner?.type !== 'if_statement' && owner?.type !== 'elif_clause') || owner.childForFieldName('condition')?.id !== cond.id) return;
      if (isTestSide(ctx.roleAt(owner))) return;
      const fn = enclosingFunction(owner);
      if (!fn || parameterNames(fn).filter((p) => p !== 'self' && p !== 'cls').length === 0) return;
      const body = blockStatements(owner.childForFieldName('consequence')).filter((st) => st.type !== 'pass_statement' && !(st.type === 'expression_statement' && st.namedChild(0)?.type === 'string'));
      const ret = body.length === 1 && body[0]!.type === 'return_statement' ? body[0]! : undefined;
      const value = ret?.namedChild(0) ?? undefined;
      if (!ret || !value || !isConstant(value) || isSwitchConstant(value)) return;
      ctx.report({
        node: call,
        severity: 'warning',
        message:
          `\`${short(call)}\` recognises a test double, and given one \`${functionName(fn)}()\` returns a canned value (\`${short(ret)}\`) instead of using it: ` +
          'the tests that pass a mock check the test-only branch, not the code that runs in production.',
        related: [{ node: ret, message: 'what a test double gets' }],
      });
    }

    function judge(g: Guard, named: NamedProbes): void {
      const probeFunctions = named.functions;
      const role = ctx.roleAt(g.node);
      if (isTestSide(role)) return;
      const fn = enclosingFunction(g.node);
      let inputs = fn ? parameterNames(fn).filter((p) => p !== 'self' && p !== 'cls') : [];
      const returned = returnedVariables(fn);
      const params = new Set(inputs);
      let verdict: BranchVerdict;
      if (g.expression) {
        verdict = classifyExpression(g.node, g.expression, returned, ctx.names, params, facts);
      } else {
        verdict = classifyStatements(g.branch, ctx.names, returned, params, facts);
      }
      // `return answer` in a decorator's wrapper, with `@fast_under_ci(answer=[2, 3, 5, 7])`: a literal, just from further away.
      if (verdict.effect === 'value' && fn && suppliedAsLiteral(verdict.at, fn)) verdict = { effect: 'constant', at: verdict.at };
      if (verdict.callableInputs !== undefined) inputs = Array.from({ length: verdict.callableInputs }, (_, i) => `arg${i}`);
      const fnName = fn ? functionName(fn) : '';
      // The predicate that defines the check (`def _under_test(): if ...: return True`) is not a use of it.
      if (fn && inputs.length === 0 && probeFunctions.has(fnName) && (verdict.effect === 'constant' || verdict.effect === 'config')) return;
      let severity: Severity;
      let why = EFFECT_TEXT[verdict.effect];
      switch (verdict.effect) {
        case 'exit':
          severity = 'error';
          break;
        case 'constant': {
          // A method of an object holding the caller's data answers from that data: a number or a string
          // returned in its place is canned (a `True`/`False` from such a method is still a switch).
          const at = verdict.at;
          const returned = at?.type === 'return_statement' ? at.namedChild(0) : at?.type === 'assignment' ? at.childForFieldName('right') : undefined;
          // So is a yes/no from a method that updates that data (`allow(self)` spending `self.tokens`) and skips it here.
          const objectData = inputs.length === 0 && !!fn && !!returned && ((!isSwitchConstant(returned) && readsCallerData(fn)) || (isSwitchConstant(returned) && unparen(returned).type !== 'none' && updatesCallerData(fn)));
          // `def should_show_progress(stream=sys.stderr): if <under test>: return False`: a yes/no answer of a
          // function whose every parameter is optional is a setting it decides for itself, not an answer to a caller's input.
          const optionalOnly = !!fn && !!returned && isSwitchConstant(returned) && inputs.length > 0 && !hasRequiredParameter(fn);
          severity = (inputs.length > 0 && !optionalOnly) || objectData ? 'error' : 'info';
          if (severity === 'info') why = 'returns a different setting (a configuration switch)';
          break;
        }
        case 'skip':
          severity = 'warning';
          // A skip that stands in for a missing dependency's or the network's error: a visible skip where the
          // run would fail for its environment, not a pass.
          if (!g.expression && onlySkips(g.branch) && environmentGate(g.node, fn, ctx.root, ctx.names, ctx.path)) {
            severity = 'info';
            why = 'skips the test where a missing dependency or an unreachable network would fail it (an environment gate)';
          }
          break;
        case 'early-return':
          severity = inputs.length > 0 && hasValueReturns(fn) ? 'warning' : 'info';
          break;
        case 'value':
          severity = inputs.length > 0 ? 'warning' : 'info';
          // `return f"{base}_{worker}"` with `worker = os.environ.get("PYTEST_XDIST_WORKER")`: a value built from
          // what the check read (the worker's or the test's id) keeps resources of parallel runs apart.
          if (severity === 'warning' && usesProbedValue(verdict.at, named, g.captures)) {
            severity = 'info';
            why = 'names its result after the test run it detected (a worker or test id)';
          }
          break;
        default:
          severity = 'info';
      }
      const probe = g.probes[0]!;
      const subject = verdict.callableInputs !== undefined ? 'the function chosen here' : fn ? `\`${fnName}()\`` : 'the module';
      const at = verdict.at ? ` (\`${verdict.at.text.replace(/\s+/g, ' ').slice(0, 50)}\`)` : '';
      const tail =
        severity === 'info'
          ? 'fine for a library that adapts to pytest, but code should behave the same under test as in production.'
          : 'the tests check the test-only branch, not the code that runs in production.';
      ctx.report({
        node: probe.node.type === 'identifier' || probe.node.type === 'call' ? g.condition : probe.node,
        message: `\`${probe.text}\` detects a test run, and under test ${subject} ${why}${at}: ${tail}`,
        severity,
        related: verdict.at ? [{ node: verdict.at, message: 'what happens under test' }] : undefined,
      });
    }
  },
};

/**
 * The value returned under test (`return answer`) is a parameter of a function enclosing `fn` (a decorator
 * factory, `def fast_under_ci(answer)`), and some call of that function in the file passes it a literal
 * that is not a switch (`@fast_under_ci(answer=[2, 3, 5, 7])`): the canned answer is written at the call.
 */
function suppliedAsLiteral(at: Node | undefined, fn: Node): boolean {
  const v = at?.type === 'return_statement' ? at.namedChild(0) : at;
  const id = v && unparen(v);
  if (id?.type !== 'identifier') return false;
  const owner = bindingFunction(id.text, id);
  if (!owner || owner.id === fn.id || enclosingClass(owner)) return false;
  const params = parameterNames(owner);
  const index = params.indexOf(id.text);
  const ownerName = owner.childForFieldName('name')?.text;
  if (index < 0 || !ownerName) return false;
  return id.tree.rootNode.descendantsOfType('call').some((call) => {
    const callee = call?.childForFieldName('function');
    if (callee?.type !== 'identifier' || callee.text !== ownerName) return false;
    const args = callArguments(call!);
    const given = args.keywords.get(id.text) ?? args.positional[index];
    return !!given && given.type !== 'list_splat' && isConstant(given) && !isSwitchConstant(given);
  });
}

/**
 * A method whose only input is its object: does it read members that the class's methods set from their
 * arguments (`self.points = points` in `__init__`, `self.a = a` in `set_seqs(a, b)`, then `self.points` in
 * `area(self)`)? Such a method computes from the caller's data as much as one taking arguments does.
 */
function readsCallerData(fn: Node): boolean {
  const self = parameterNames(fn)[0];
  const cls = isMethod(fn) ? enclosingClass(fn) : null;
  const body = fn.childForFieldName('body');
  if (!self || !cls || !body || !body.text.includes(`${self}.`)) return false;
  // Members set from a parameter of the method that sets them.
  const data = callerDataMembers(fn);
  if (data.size === 0) return false;
  let reads = false;
  forEachInScope(body, (n) => {
    if (reads) return false;
    if (n.type === 'attribute' && n.childForFieldName('object')?.text === self && data.has(n.childForFieldName('attribute')?.text ?? '')) reads = true;
    return !reads;
  });
  return reads;
}

/**
 * The returned value (of `return v` or `v`) is built from a variable bound to a read of a pytest variable (a
 * call or subscript, not a membership test: `worker` of `worker = os.environ.get("PYTEST_XDIST_WORKER")`)
 * together with other data: the check's own value, not just its truth, goes into the result.
 */
function usesProbedValue(at: Node | undefined, named: NamedProbes, captures: ReadonlySet<string> = new Set()): boolean {
  const v = at?.type === 'return_statement' ? at.namedChild(0) : at;
  if (!v || (named.variables.size === 0 && captures.size === 0) || !buildsName(unparen(v))) return false;
  let uses = false;
  let other = false;
  const visit = (n: Node): boolean => {
    if (n.type === 'identifier') {
      const read = namedVariable(named, n) ? valueOf(n, { orModule: true }) : undefined;
      if (captures.has(n.text) || (read && (unparen(read).type === 'call' || unparen(read).type === 'subscript'))) uses = true;
      else other = true;
    }
    return true;
  };
  visit(unparen(v));
  forEachDescendant(unparen(v), visit);
  return uses && other;
}

/**
 * A value that builds a name or path: an f-string, `+` or `/` with a string literal, `"...".format(...)`,
 * `"_".join(...)`, `os.path.join(...)`. A number computed from the worker's id (`x + len(worker)`) is not one.
 */
function buildsName(v: Node): boolean {
  if (v.type === 'string' || v.type === 'concatenated_string') return true;
  if (v.type === 'binary_operator') {
    const op = v.childForFieldName('operator')?.text;
    return (op === '+' || op === '/') && v.namedChildren.some((c) => unparen(c).type === 'string' || buildsName(unparen(c)));
  }
  if (v.type === 'call') {
    const f = v.childForFieldName('function');
    return f?.type === 'attribute' && /^(format|join)$/.test(f.childForFieldName('attribute')?.text ?? '');
  }
  return false;
}

/**
 * Errors that say the environment lacks something (a module, the network), not that the code is wrong:
 * what a skip may stand in for. `Exception`, `OSError` and the like cover the code's own failures too.
 */
const ENVIRONMENT_ERROR = /(^|\.)(ImportError|ModuleNotFoundError|ConnectionError|Connection(Refused|Reset|Aborted)Error|TimeoutError|Timeout|URLError|gaierror|timeout)$/;
const IMPORT_ERROR = /(^|\.)(ImportError|ModuleNotFoundError)$/;

/**
 * The `try` body imports one of the project's own modules: a relative import, or one of a package that holds
 * the file (`from fastmath._kernels import dot` in `fastmath/__init__.py`). Its ImportError is the code's own
 * failure (a name not written yet), not a missing optional dependency.
 */
function importsOwnModule(tryBody: Node, path: string): boolean {
  for (const kind of ['import_from_statement', 'import_statement'] as const) {
    for (const stmt of tryBody.descendantsOfType(kind)) {
      if (stmt && importedModules(stmt).some((m) => m !== '' && isOwnPackageModule(m, path))) return true;
    }
  }
  return false;
}

/** The under-test branch skips and does nothing else that answers: no `return` of a value. */
function onlySkips(branch: Node[]): boolean {
  let answers = false;
  for (const stmt of branch) {
    forEachInScope(stmt, (n) => {
      if (n.type === 'return_statement' && n.namedChild(0)) answers = true;
      return !answers;
    });
    if (answers || (stmt.type === 'return_statement' && stmt.namedChild(0))) return false;
  }
  return true;
}

/**
 * The statement `at` runs only when the environment lacks something: it sits in an `except` that catches
 * only environment errors (`except ConnectionError:`), or the statements after it in its block go on to
 * raise one (`raise ModuleNotFoundError(...)`) with no `return` before.
 */
function onEnvironmentErrorPath(at: Node, names: NameResolver, path: string): boolean {
  for (let p: Node | null = at.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
    if (p.type !== 'except_clause') continue;
    const caught = p.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
    const value = caught?.type === 'as_pattern' ? caught.namedChild(0) : caught;
    const types = value && unparen(value).type === 'tuple' ? unparen(value).namedChildren : value ? [value] : [];
    const tryBody = p.parent?.type === 'try_statement' ? p.parent.childForFieldName('body') : null;
    // An ImportError counts only for third-party imports: the project's own module failing is its own error.
    let ownImport: boolean | undefined;
    const environmental = (t: Node) => {
      const q = names.qualify(t) ?? t.text;
      if (!ENVIRONMENT_ERROR.test(q)) return false;
      return !IMPORT_ERROR.test(q) || !tryBody || !(ownImport ??= importsOwnModule(tryBody, path));
    };
    return types.length > 0 && types.every(environmental);
  }
  let stmt: Node = at;
  while (stmt.parent && stmt.parent.type !== 'block' && stmt.parent.type !== 'module') stmt = stmt.parent;
  for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
    if (s.type === 'return_statement') return false;
    if (s.type !== 'raise_statement') continue;
    const raised = s.namedChild(0) && unparen(s.namedChild(0)!);
    const target = raised?.type === 'call' ? raised.childForFieldName('function') : raised;
    return !!target && ENVIRONMENT_ERROR.test(names.qualify(target) ?? target.text);
  }
  return false;
}

/**
 * The guard runs only on an environment error path: itself, or, when it sits in a module-level helper
 * (`def _skip_if_offline(name): if "PYTEST_CURRENT_TEST" in os.environ: pytest.skip(...)`), every call of
 * that helper in the file (there must be one).
 */
function environmentGate(guard: Node, fn: Node | null, root: Node, names: NameResolver, path: string): boolean {
  if (onEnvironmentErrorPath(guard, names, path)) return true;
  const holder = fn?.parent?.type === 'decorated_definition' ? fn.parent.parent : fn?.parent;
  if (!fn || holder?.type !== 'module') return false;
  const name = functionName(fn);
  const calls = root.descendantsOfType('call').filter((c) => {
    const f = c?.childForFieldName('function');
    return f?.type === 'identifier' && f.text === name;
  });
  return calls.length > 0 && calls.every((c) => !!c && onEnvironmentErrorPath(c, names, path));
}

/** A constant that reads as a switch (`True`, `False`, `None`) rather than an answer. */
/** The test doubles of `unittest.mock` (and of its `mock` backport). */
const TEST_DOUBLE = /^(?:unittest\.)?mock\.(?:Mock|MagicMock|NonCallableMock|NonCallableMagicMock|AsyncMock|PropertyMock)$/;

/** `isinstance(x, mock.Mock)` (or a tuple holding a double's type), `type(x).__module__.startswith("unittest.mock")`. */
function isTestDoubleCheck(call: Node, names: NameResolver): boolean {
  const f = call.childForFieldName('function');
  const args = callArguments(call).positional;
  if (f?.type === 'identifier') {
    const t = args[1] && unparen(args[1]);
    if (!t || names.callee(call) !== 'builtins.isinstance') return false;
    const types = t.type === 'tuple' ? t.namedChildren : [t];
    return types.some((x) => TEST_DOUBLE.test(names.qualify(x) ?? ''));
  }
  const obj = f?.childForFieldName('object');
  return !!obj && /\.__module__$/.test(obj.text.replace(/\s+/g, '')) && /^(?:unittest\.)?mock\b/.test(stringValue(args[0]) ?? '');
}

/** A parameter a call must pass: positional or keyword-only without a default (not `*args`, `**kwargs`, `self`). */
function hasRequiredParameter(fn: Node): boolean {
  const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
  return params.some((p, i) => (p.type === 'identifier' || p.type === 'typed_parameter') && !(i === 0 && /^(self|cls)$/.test(p.type === 'identifier' ? p.text : (p.namedChild(0)?.text ?? ''))) && !(p.type === 'typed_parameter' && p.namedChild(0)?.type !== 'identifier'));
}

function isSwitchConstant(v: Node | undefined): boolean {
  const u = v && unparen(v);
  return !u || u.type === 'true' || u.type === 'false' || u.type === 'none';
}

function hasValueReturns(fn: Node | null): boolean {
  const body = fn?.childForFieldName('body');
  if (!body) return false;
  let found = false;
  forEachInScope(body, (n) => {
    if (n.type === 'return_statement' && n.namedChild(0) && unparen(n.namedChild(0)!).type !== 'none') found = true;
  });
  return found;
}

/** The effect of the under-test side of `a if probe else b` or `probe and x`. */
function classifyExpression(guard: Node, e: Node, returned: Set<string>, names: NameResolver, params: ReadonlySet<string>, facts: FileFacts): BranchVerdict {
  const se = isSkipOrExit(unparen(e), names);
  if (se) return { effect: se, at: e };
  const u = unparen(e);
  // `fib = _precomputed if IN_TEST else _fib`
  const stub = stubVerdict(u, e, facts);
  if (stub) return stub;
  if (u.type === 'lambda') {
    // `solve = (lambda n: 42) if IN_TEST else real_solve`
    const body = u.childForFieldName('body');
    const effect = body ? classifyReturnValue(body) : 'config';
    if (effect === 'constant' || effect === 'value') return { effect, at: e, callableInputs: parameterNames(u).length };
  }
  const p = guard.parent;
  const returnsIt =
    p?.type === 'return_statement' ||
    p?.type === 'lambda' ||
    (p?.type === 'assignment' && p.childForFieldName('left')?.type === 'identifier' && returned.has(p.childForFieldName('left')!.text));
  if (returnsIt) {
    // `return ANSWERS[key] if key in ANSWERS else solve(x)` with the key taken from the current test.
    if (isTableValue(e, guard, facts.tables)) return { effect: 'constant', at: e };
    const effect = classifyReturnValue(e, params);
    return { effect: effect === 'early-return' ? 'value' : effect, at: e };
  }
  return { effect: FRAMEWORK_TEXT.test(e.text) ? 'integrate' : 'config', at: e };
}
