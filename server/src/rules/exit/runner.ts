/**
 * Test runner scripts: the calls that run a test suite (in process or as a command) and the success exits
 * that follow them without the run's outcome deciding the status. RH102 reports those exits; RH101 leaves
 * them to RH102, so that an exit is reported once, with the runner's story.
 */
import { callArguments, containsNode, dottedName, forEachInScope, identifiersIn, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { MentionedWords } from '../../engine/prefilter';
import { catchesSystemExit, exitSiteOf, isSuccessLiteral, isSuccessStatus, type ExitSite } from './helpers';

/** A file that may run a test suite (`unittest.main(`, `TestProgram(`, `TextTestRunner(`, `pytest.main(`, `subprocess.run(`) ... */
const RUNNER_CALL = /\b(?:main|TestProgram|TextTestRunner|run|call)\s*\(/;
export const TEST_FRAMEWORK = new MentionedWords([], { wholeWords: [['unittest', 'ttest'], ['pytest', 'ytest']] });
/** ... and may exit afterwards. */
const EXITS = /\b(?:_?exit|SystemExit)\b/;
/** Calls that run tests in process and hand back the outcome (`pytest.main` returns the status). */
export const RETURNING_RUNNERS = new Set(['pytest.main', '_pytest.config.main']);
/** Calls that run tests and exit with the outcome themselves, unless told `exit=False`. */
const EXITING_RUNNERS = new Set(['unittest.main', 'unittest.TestProgram', 'unittest.main.main', 'unittest.main.TestProgram']);
const TEXT_RUNNERS = new Set(['unittest.TextTestRunner', 'unittest.runner.TextTestRunner']);
/** The last names of those calls (`runner.run(suite)` included). */
const RUNNER_NAMES = new Set(['main', 'TestProgram', 'run', 'call']);
/** Calls that run a command and hand back its status without raising on failure (unlike `check_call`, `check=True`). */
const COMMAND_RUNNERS = new Set(['subprocess.run', 'subprocess.call']);
/** A test command: `pytest`, `python -m pytest`, `-m unittest`, `tox`, `nox`. */
const TEST_COMMAND = /(^|[\s/])(pytest|py\.test|unittest|tox|nox)(\s|$)/;

/** Cheap text test: the file may run a test suite and exit afterwards (the framework's name first, by rare letters). */
export function mayRunTests(source: string): boolean {
  return TEST_FRAMEWORK.test(source) && RUNNER_CALL.test(source) && EXITS.test(source);
}

/** `subprocess.run([sys.executable, "-m", "pytest", ...])` or `subprocess.call("pytest -q", shell=True)`. */
function launchesTestCommand(call: Node, names: NameResolver): boolean {
  const args = callArguments(call);
  const check = args.keywords.get('check');
  if (check && !isSuccessLiteral(check, names)) return false;
  const command = args.positional[0] ?? args.keywords.get('args');
  if (!command) return false;
  const c = unparen(command);
  const words = c.type === 'list' || c.type === 'tuple' ? c.namedChildren : [c];
  return words.some((w) => TEST_COMMAND.test(stringValue(w) ?? ''));
}

/**
 * How a call runs a test suite: 'holds' when the code then holds its outcome (a returned status, a result, or
 * a `SystemExit` it catches: `pytest.main(args)`, `unittest.main(exit=False)`, `TextTestRunner().run(suite)`,
 * `unittest.main()` inside a `try` that catches `SystemExit`); 'exits' for `unittest.main()` that exits with
 * the outcome itself (only a `finally` around it can replace that status); undefined for other calls.
 */
export function runsTests(call: Node, names: NameResolver): 'holds' | 'exits' | undefined {
  const callee = names.callee(call);
  if (callee && RETURNING_RUNNERS.has(callee)) return 'holds';
  if (callee && COMMAND_RUNNERS.has(callee)) return launchesTestCommand(call, names) ? 'holds' : undefined;
  if (callee && EXITING_RUNNERS.has(callee)) {
    const exit = callArguments(call).keywords.get('exit');
    if (exit !== undefined && !isSuccessLiteral(exit, names)) return 'exits';
    return exit !== undefined || inTryCatchingSystemExit(call) ? 'holds' : 'exits';
  }
  // `TextTestRunner(...).run(suite)`, or `runner.run(suite)` after `runner = TextTestRunner(...)` in the same block.
  const fn = unparen(call.childForFieldName('function')!);
  if (fn.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'run') return undefined;
  const obj = unparen(fn.childForFieldName('object')!);
  if (obj.type === 'call') return TEXT_RUNNERS.has(names.callee(obj) ?? '') ? 'holds' : undefined;
  if (obj.type !== 'identifier') return undefined;
  for (let stmt = statementOf(call)?.previousNamedSibling; stmt; stmt = stmt.previousNamedSibling) {
    const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assign?.type === 'assignment' && assign.childForFieldName('left')?.text === obj.text) {
      const value = unparen(assign.childForFieldName('right')!);
      return value.type === 'call' && TEXT_RUNNERS.has(names.callee(value) ?? '') ? 'holds' : undefined;
    }
  }
  return undefined;
}

function inTryCatchingSystemExit(node: Node): boolean {
  for (let p = node.parent; p && p.type !== 'function_definition' && p.type !== 'lambda'; p = p.parent) {
    if (p.type !== 'block' || p.parent?.type !== 'try_statement' || p.parent.childForFieldName('body')?.id !== p.id) continue;
    if (p.parent.namedChildren.some((clause) => clause.type === 'except_clause' && catchesSystemExit(clause))) return true;
  }
  return false;
}

/** The statement (a child of a block or the module) that holds `node`, in `node`'s own function. */
export function statementOf(node: Node): Node | undefined {
  for (let n: Node | null = node; n?.parent; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda') return undefined;
    if (n.parent.type === 'block' || n.parent.type === 'module') return n;
  }
  return undefined;
}

/** The exit a statement makes by itself (`sys.exit(0)`, `os._exit(code)`, `raise SystemExit`), whatever its status. */
function exitStatement(stmt: Node, names: NameResolver): ExitSite | undefined {
  const target = stmt.type === 'raise_statement' ? stmt : stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  return (target && exitSiteOf(target, names)) || undefined;
}

/** A success exit that follows a test run without the run's outcome deciding it. */
export interface IgnoredRun {
  exit: ExitSite;
  /** The call that runs the tests. */
  run: Node;
  /**
   * When the script looks only at whether tests ran, not at whether they passed: the check it makes
   * (`if not result.testsRun: sys.exit(1)`) or the status it computes (`0 if result.testsRun else 1`).
   */
  countOnly?: Node;
}

const runsByFile = new WeakMap<Node, { call: Node; how: 'holds' | 'exits' }[]>();
const ignoredRunsByFile = new WeakMap<Node, IgnoredRun[]>();

/** The calls of a file that run a test suite, once per file; callers check `mayRunTests` first. */
export function testRuns(root: Node, names: NameResolver): { call: Node; how: 'holds' | 'exits' }[] {
  let runs = runsByFile.get(root);
  if (runs) return runs;
  runs = [];
  for (const call of root.descendantsOfType('call')) {
    // The callee's last name first (`main`, `TestProgram`, `run`): it rules out nearly every call before name resolution.
    const fn = call && unparen(call.childForFieldName('function')!);
    const last = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (!call || !RUNNER_NAMES.has(last ?? '')) continue;
    const how = runsTests(call, names);
    if (how) runs.push({ call, how });
  }
  runsByFile.set(root, runs);
  return runs;
}

/**
 * A test runner script that runs the suite and then exits 0 whatever happened: `unittest.main(exit=False)`
 * (or `pytest.main()`, a `TextTestRunner().run()`, a test command through `subprocess.run`) followed in the
 * same block, or a block around it, by `sys.exit(0)`; or by an exit in a `finally` around the run, which
 * replaces any status the run or its checks chose. Computed once per file (RH101 and RH102 both ask);
 * callers check `mayRunTests` first.
 */
export function ignoredRuns(root: Node, names: NameResolver): IgnoredRun[] {
  const cached = ignoredRunsByFile.get(root);
  if (cached) return cached;
  const out: IgnoredRun[] = [];
  const taken = new Set<number>();
  for (const { call, how } of testRuns(root, names)) {
    const found = exitIgnoring(call, how, names);
    if (found && !taken.has(found.exit.node.id)) {
      taken.add(found.exit.node.id);
      out.push(found);
    }
  }
  ignoredRunsByFile.set(root, out);
  return out;
}

/** The first success exit after `call` (a test run) that its outcome does not decide. */
function exitIgnoring(call: Node, how: 'holds' | 'exits', names: NameResolver): IgnoredRun | undefined {
  const outcome = new Outcome(outcomeNames(call));
  // Nothing after a run that exits by itself is reached: only a `finally` around it runs.
  let consulted = how === 'exits';
  // The run's statement, and each statement around it up to its function: an exit after any of them follows the run.
  for (let stmt = statementOf(call); stmt; stmt = stmt.parent ? statementOf(stmt.parent) : undefined) {
    let exit: { site: ExitSite; countOnly?: Node } | undefined;
    if (!consulted) {
      // A branch on the outcome first (`if not result.wasSuccessful(): sys.exit(1)`): the exit after it is the passing path.
      consulted = consultsOutcome(stmt, outcome, call);
      for (let next = stmt.nextNamedSibling; next && !exit && !consulted; next = next.nextNamedSibling) {
        consulted = consultsOutcome(next, outcome);
        if (!consulted) exit = exitAfterRun(next, outcome, names);
      }
    }
    // A `finally` runs after its `try` whatever happened in it: its exit replaces the status any check chose.
    exit ??= finallyExit(stmt, outcome, names);
    if (exit) return { exit: exit.site, run: call, countOnly: exit.countOnly ?? outcome.countCheck };
  }
  return undefined;
}

/** The exit in the `finally` of the `try` whose body (or handler, or `else`) holds `stmt`, unless the `finally` checks the outcome first. */
function finallyExit(stmt: Node, outcome: Outcome, names: NameResolver): { site: ExitSite; countOnly?: Node } | undefined {
  const block = stmt.parent;
  if (block?.type !== 'block') return undefined;
  let owner = block.parent;
  if (owner?.type === 'except_clause' || owner?.type === 'except_group_clause' || owner?.type === 'else_clause') owner = owner.parent;
  if (owner?.type !== 'try_statement') return undefined;
  const body = owner.namedChildren.find((c) => c.type === 'finally_clause')?.namedChildren.find((c) => c.type === 'block');
  for (const s of body?.namedChildren ?? []) {
    if (consultsOutcome(s, outcome)) return undefined;
    const exit = exitAfterRun(s, outcome, names);
    if (exit) return exit;
  }
  return undefined;
}

/**
 * A statement that exits with status 0 by itself (`sys.exit(0)`, `os._exit(0)`, `raise SystemExit`), or with
 * a status that only says whether tests ran (`sys.exit(0 if result.testsRun else 1)`, or `sys.exit(code)`
 * after `code = 0 if result.testsRun else 1`).
 */
function exitAfterRun(stmt: Node, outcome: Outcome, names: NameResolver): { site: ExitSite; countOnly?: Node } | undefined {
  const site = exitStatement(stmt, names);
  if (!site) return undefined;
  if (isSuccessStatus(site, names)) return { site };
  if (!site.status) return undefined;
  let status = unparen(site.status);
  if (status.type === 'identifier') status = outcome.values.get(status.text) ?? status;
  return outcome.isCountVerdict(status, names) ? { site, countOnly: status } : undefined;
}

/**
 * Names that hold a run's outcome: the target of `rc = pytest.main()`, `result = runner.run(suite)`,
 * `program = unittest.main(exit=False)` (also through an attribute: `result = unittest.main(exit=False).result`),
 * and the `as` name of the handler that catches `unittest.main()`'s SystemExit.
 */
export function outcomeNames(call: Node): Set<string> {
  const out = new Set<string>();
  let n: Node = call;
  while (n.parent && (n.parent.type === 'attribute' || n.parent.type === 'parenthesized_expression' || n.parent.type === 'await')) n = n.parent;
  const assign = n.parent;
  if (assign?.type === 'assignment' && assign.childForFieldName('right')?.id === n.id) {
    const left = assign.childForFieldName('left');
    if (left) for (const id of identifiersIn(left)) out.add(id);
  }
  for (let p = call.parent; p && p.type !== 'function_definition' && p.type !== 'lambda'; p = p.parent) {
    if (p.type !== 'try_statement') continue;
    for (const clause of p.namedChildren) {
      if (clause.type !== 'except_clause' || !catchesSystemExit(clause)) continue;
      const pattern = clause.namedChildren.find((c) => c.type === 'as_pattern');
      const alias = pattern?.childForFieldName('alias');
      if (alias) for (const id of identifiersIn(alias)) out.add(id);
    }
  }
  return out;
}

/**
 * This mention of an outcome name asks only whether tests ran, which says nothing about failures: the count
 * of a unittest result (`result.testsRun`, `program.result.testsRun`), or a pytest status compared with
 * "no tests collected" (`rc == ExitCode.NO_TESTS_COLLECTED`, `rc != 5`).
 */
function readsOnlyWhetherTestsRan(id: Node): boolean {
  for (let n = id; n.parent?.type === 'attribute' && n.parent.childForFieldName('object')?.id === n.id; ) {
    n = n.parent;
    if (n.childForFieldName('attribute')?.text === 'testsRun') return true;
  }
  const cmp = id.parent;
  if (cmp?.type !== 'comparison_operator' || cmp.namedChildCount !== 2) return false;
  const other = unparen(cmp.namedChildren.find((c) => c.id !== id.id) ?? id);
  return /(^|\.)NO_TESTS_COLLECTED$/.test(other.text) || (other.type === 'integer' && /^0*5$/.test(other.text));
}

/** What the code after a run knows of it. */
class Outcome {
  /** Values assigned to plain names since the run, by name (the latest one). */
  readonly values = new Map<string, Node>();
  /** The first branch that left on a check of whether tests ran only (`if not result.testsRun: sys.exit(1)`). */
  countCheck?: Node;

  /** `names`: the names holding the outcome; grows with names derived from it (`failed = not result.wasSuccessful()`). */
  constructor(readonly names: Set<string>) {}

  private mentionsOf(n: Node): { any: boolean; beyondCount: boolean } {
    let any = false;
    let beyondCount = false;
    if (this.names.size === 0) return { any, beyondCount };
    containsNode(n, (c) => {
      if (c.type === 'identifier' && this.names.has(c.text)) {
        any = true;
        if (!readsOnlyWhetherTestsRan(c)) beyondCount = true;
      }
      return beyondCount;
    });
    return { any, beyondCount };
  }

  /** `n` reads the outcome for more than whether tests ran. */
  consults(n: Node | null | undefined): boolean {
    return !!n && this.mentionsOf(n).beyondCount;
  }

  /** `n` reads the outcome, but only whether tests ran. */
  countsOnly(n: Node | null | undefined): boolean {
    if (!n) return false;
    const m = this.mentionsOf(n);
    return m.any && !m.beyondCount;
  }

  /**
   * A status that only says whether tests ran: `0 if result.testsRun else 1`, `not result.testsRun`,
   * `result.testsRun == 0`, `int(rc == ExitCode.NO_TESTS_COLLECTED)`.
   */
  isCountVerdict(status: Node, names: NameResolver): boolean {
    let s = unparen(status);
    if (s.type === 'call' && /^(int|bool)$/.test(dottedName(s.childForFieldName('function')) ?? '')) {
      const args = callArguments(s);
      if (args.positional.length !== 1 || args.hasSplat) return false;
      s = unparen(args.positional[0]!);
    }
    if (s.type === 'not_operator' || s.type === 'comparison_operator') return this.countsOnly(s);
    if (s.type !== 'conditional_expression') return false;
    const [whenTrue, test, whenFalse] = s.namedChildren.filter((c) => c.type !== 'comment');
    if (!whenTrue || !test || !whenFalse) return false;
    // One branch a success, the other not, neither read from the outcome (`0 if rc != 5 else rc` keeps the status).
    if (isSuccessLiteral(whenTrue, names) === isSuccessLiteral(whenFalse, names)) return false;
    if (this.mentionsOf(whenTrue).any || this.mentionsOf(whenFalse).any) return false;
    return this.countsOnly(test);
  }
}

/** The block ends the run or the function one way or another: a `raise`, a `return`, an exit call. */
function leaves(block: Node | null): boolean {
  return !!block && containsNode(block, (n) => n.type === 'raise_statement' || n.type === 'return_statement' || (n.type === 'call' && /(^|\.)(_?exit|quit)$/.test(dottedName(n.childForFieldName('function')) ?? '')));
}

/**
 * Does `stmt` look at the run's outcome before the exit: a branch that leaves (`if not ok: sys.exit(1)`) or an
 * `assert` on one of `outcome`'s names, or on one derived from them (`failed = not result.wasSuccessful()`
 * adds `failed`), or a bare `raise` that passes a caught SystemExit on? `within` is the run itself when `stmt`
 * holds it: only what follows the run counts. A check of whether tests ran at all (`result.testsRun`) does
 * not look at their outcome.
 */
function consultsOutcome(stmt: Node, outcome: Outcome, within?: Node): boolean {
  if (outcome.names.size === 0) return false;
  let found = false;
  const visit = (n: Node): boolean => {
    // What encloses or precedes the run is evaluated before it: look inside, judge only what comes after.
    if (within && n.startIndex < within.endIndex) return true;
    switch (n.type) {
      case 'if_statement':
      case 'elif_clause': {
        // A branch on the outcome that leaves (`sys.exit(1)`, `raise`, `return rc`), in either arm; one that only prints does not count.
        const condition = n.childForFieldName('condition');
        if (outcome.consults(condition)) found = leaves(n);
        else if (!outcome.countCheck && outcome.countsOnly(condition) && leaves(n)) outcome.countCheck = condition ?? undefined;
        break;
      }
      case 'assert_statement':
        found = outcome.consults(n);
        break;
      case 'raise_statement':
        // A bare `raise` in the handler that caught the runner's SystemExit passes its status on.
        found = !!within && n.namedChildren.every((c) => c.type === 'comment');
        break;
      case 'assignment': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left?.type === 'identifier' && right) outcome.values.set(left.text, right);
        if (left && outcome.consults(right)) for (const id of identifiersIn(left)) outcome.names.add(id);
        break;
      }
    }
    return !found;
  };
  if (visit(stmt)) forEachInScope(stmt, visit);
  return found;
}
