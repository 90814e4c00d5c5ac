/**
 * Test runner scripts: the calls that run a test suite (in process or as a command) and the success exits
 * that follow them without the run's outcome deciding the status. RH102 reports those exits; RH101 leaves
 * them to RH102, so that an exit is reported once, with the runner's story.
 */
import { callArguments, containsNode, dottedName, forEachInScope, identifiersIn, moduleFunctionNamed, parameterNames, returnsOf, returnValue, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { MentionedWords } from '../../engine/prefilter';
import { alwaysSuccess, catchesSystemExit, exitSiteOf, handlerTypes, isSuccessLiteral, isSuccessStatus, type ExitSite } from './helpers';

/** A file that may run a test suite (`unittest.main(`, `TestProgram(`, `TextTestRunner(`, `pytest.main(`, `subprocess.run(`, `os.system(`) ... */
const RUNNER_CALL = /\b(?:main|TestProgram|TextTestRunner|run|runTests|call|check_call|check_output|Popen|system)\s*\(/;
export const TEST_FRAMEWORK = new MentionedWords([], { wholeWords: [['unittest', 'ttest'], ['pytest', 'ytest']] });
/** ... and may exit afterwards. */
const EXITS = /\b(?:_?exit|SystemExit)\b/;
/** Calls that run tests in process and hand back the outcome (`pytest.main` returns the status). */
export const RETURNING_RUNNERS = new Set(['pytest.main', '_pytest.config.main']);
/** Calls that run tests and exit with the outcome themselves, unless told `exit=False`. */
const EXITING_RUNNERS = new Set(['unittest.main', 'unittest.TestProgram', 'unittest.main.main', 'unittest.main.TestProgram']);
/** unittest's runner, and the runners built like it (`xmlrunner.XMLTestRunner`, `HtmlTestRunner.HTMLTestRunner`): `.run(suite)` returns the result. */
const isTextRunner = (callee: string | undefined) => !!callee && /(^|\.)\w*TestRunner$/.test(callee);
/** The last names of those calls (`runner.run(suite)` included). */
const RUNNER_NAMES = new Set(['main', 'TestProgram', 'run', 'runTests', 'call', 'check_call', 'check_output', 'Popen', 'system']);
/**
 * Calls that run a command and hand back its status (or a process to wait for) without raising on failure
 * (unlike `check_call`, `check=True`).
 */
const COMMAND_RUNNERS = new Set(['subprocess.run', 'subprocess.call', 'subprocess.Popen', 'os.system']);
/** Calls that run a command and raise `CalledProcessError` when it fails. */
const CHECKED_RUNNERS = new Set(['subprocess.check_call', 'subprocess.check_output']);
/** A command that installs or fetches a test tool rather than running it (`pip install pytest`). */
const INSTALL_COMMAND = /^(install|uninstall|download|wheel)$/;
/** A test command: `pytest`, `python -m pytest`, `-m unittest`, `tox`, `nox`. */
export const TEST_COMMAND = /(^|[\s/])(pytest|py\.test|unittest|tox|nox)(\s|$)/;

/** Cheap text test: the file may run a test suite and exit afterwards (the framework's name first, by rare letters). */
export function mayRunTests(source: string): boolean {
  return TEST_FRAMEWORK.test(source) && RUNNER_CALL.test(source) && EXITS.test(source);
}

/**
 * `subprocess.run([sys.executable, "-m", "pytest", ...])`, `subprocess.call("pytest -q", shell=True)`,
 * `os.system("python -m pytest")`, `subprocess.run(shlex.split("pytest -q"))`, or a command held in a
 * local name (`cmd = [sys.executable, "-m", "pytest"]; subprocess.call(cmd)`): the strings of the command,
 * or of what its scope assigns to the name, name a test tool. `command`: the argument that holds the command.
 */
function launchesTestCommand(call: Node, command = callArguments(call).positional[0] ?? callArguments(call).keywords.get('args')): boolean {
  if (!command) return false;
  const words: string[] = [];
  const collect = (n: Node) => {
    for (const s of n.type === 'string' ? [n] : n.descendantsOfType('string')) {
      const value = s && stringValue(s);
      if (value !== undefined) words.push(value);
    }
  };
  collect(command);
  const c = unparen(command);
  if (c.type === 'identifier') for (const value of valuesAssignedInScope(c)) collect(value);
  if (words.some((w) => w.split(/\s+/).some((word) => INSTALL_COMMAND.test(word)))) return false;
  return words.some((w) => TEST_COMMAND.test(w));
}

/** What the scope of `id` (its function, or the module) assigns to its name: `cmd = [...]`, `cmd += [...]`. */
function valuesAssignedInScope(id: Node): Node[] {
  let scope: Node | null = id.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  const body = scope?.type === 'function_definition' ? scope.childForFieldName('body') : scope;
  const out: Node[] = [];
  if (!body) return out;
  forEachInScope(body, (n) => {
    if ((n.type === 'assignment' || n.type === 'augmented_assignment') && n.childForFieldName('left')?.text === id.text) {
      const right = n.childForFieldName('right');
      if (right) out.push(right);
    }
  });
  return out;
}

/**
 * How a call runs a test suite: 'raises' for a checked command (`subprocess.check_call`, `run(check=True)`)
 * that raises `CalledProcessError` when the tests fail; 'holds' when the code then holds its outcome (a returned status, a result, or
 * a `SystemExit` it catches: `pytest.main(args)`, `unittest.main(exit=False)`, `TextTestRunner().run(suite)`,
 * `unittest.main()` inside a `try` that catches `SystemExit`); 'exits' for `unittest.main()` that exits with
 * the outcome itself (only a `finally` around it can replace that status); undefined for other calls.
 */
export function runsTests(call: Node, names: NameResolver): RunKind | undefined {
  const callee = names.callee(call);
  if (callee && RETURNING_RUNNERS.has(callee)) return 'holds';
  if (callee && (COMMAND_RUNNERS.has(callee) || CHECKED_RUNNERS.has(callee))) {
    if (!launchesTestCommand(call)) return undefined;
    const check = callArguments(call).keywords.get('check');
    return CHECKED_RUNNERS.has(callee) || (check && !isSuccessLiteral(check, names)) ? 'raises' : 'holds';
  }
  if (callee && EXITING_RUNNERS.has(callee)) {
    const exit = callArguments(call).keywords.get('exit');
    if (exit !== undefined && !isSuccessLiteral(exit, names)) return 'exits';
    return exit !== undefined || inTryCatchingSystemExit(call) ? 'holds' : 'exits';
  }
  const fn = unparen(call.childForFieldName('function')!);
  // `super().runTests()` in a `unittest.TestProgram` subclass runs the suite; it exits with the outcome itself
  // unless the method set `self.exit = False` first.
  if (fn.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'runTests') {
    const owner = unparen(fn.childForFieldName('object')!);
    const method = enclosingFunctionOf(call);
    const cls = method && enclosingClassOf(method);
    if (owner.type !== 'call' || owner.childForFieldName('function')?.text !== 'super' || !cls) return undefined;
    const bases = cls.childForFieldName('superclasses')?.namedChildren ?? [];
    if (!bases.some((b) => EXITING_RUNNERS.has(names.qualify(b) ?? ''))) return undefined;
    return /\bself\.exit\s*=\s*False\b/.test(method.text) ? 'holds' : 'exits';
  }
  // `TextTestRunner(...).run(suite)`, or `runner.run(suite)` after `runner = TextTestRunner(...)` in the same block.
  if (fn.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'run') return undefined;
  const obj = unparen(fn.childForFieldName('object')!);
  if (obj.type === 'call') return isTextRunner(names.callee(obj)) ? 'holds' : undefined;
  if (obj.type !== 'identifier') return undefined;
  for (let stmt = statementOf(call)?.previousNamedSibling; stmt; stmt = stmt.previousNamedSibling) {
    const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assign?.type === 'assignment' && assign.childForFieldName('left')?.text === obj.text) {
      const value = unparen(assign.childForFieldName('right')!);
      return value.type === 'call' && isTextRunner(names.callee(value)) ? 'holds' : undefined;
    }
  }
  return undefined;
}

const processHelpers = new WeakMap<Node, ProcessHelper | null>();

/**
 * A process helper of the file: what it hands back, the process (`return proc`) or its status (`return
 * proc.returncode`), and which of its parameters is the command.
 */
export interface ProcessHelper {
  kind: 'process' | 'status';
  /** The parameter that is the command (index -1 and '' when the helper builds the command itself: `own`). */
  param: string;
  index: number;
  /** The command the helper runs whatever it is given (`cmd = [sys.executable, "-m", "pytest", *extra]`). */
  own?: Node;
}

/**
 * A call of a module-level function of the file that runs the command it is given with `subprocess.run` and returns
 * the process (`def _run(cmd): proc = subprocess.run(cmd, capture_output=True); ...; return proc`), whose
 * `returncode` is the command's status, or that status itself (`def _run(name, cmd): ...; return proc.returncode`).
 */
export function processHelperOf(call: Node, names: NameResolver): ProcessHelper | undefined {
  const f = call.childForFieldName('function');
  const def = f?.type === 'identifier' ? moduleFunctionNamed(call.tree.rootNode, f.text) : undefined;
  if (!def) return undefined;
  const known = processHelpers.get(def);
  if (known !== undefined) return known ?? undefined;
  let helper: ProcessHelper | null = null;
  const params = parameterNames(def);
  const body = def.childForFieldName('body');
  if (body && body.text.includes('run')) {
    let held: string | undefined;
    let direct: ProcessHelper['kind'] | undefined;
    let index = -1;
    let own: Node | undefined;
    forEachInScope(body, (n) => {
      if (n.type !== 'call' || names.callee(n) !== 'subprocess.run') return true;
      const commandNode = unparen(callArguments(n).positional[0] ?? n);
      const i = params.indexOf(commandNode.text);
      // A command the helper builds itself (a list, or a local bound to one), not from a parameter.
      if (i < 0 && (commandNode.type === 'list' || (commandNode.type === 'identifier' && !params.includes(commandNode.text)))) own = commandNode;
      else if (i < 0) return true;
      else index = i;
      let a = n.parent;
      const status = a?.type === 'attribute' && a.childForFieldName('attribute')?.text === 'returncode';
      if (status) a = a!.parent;
      if (a?.type === 'assignment' && a.childForFieldName('left')?.type === 'identifier') held = a.childForFieldName('left')!.text;
      if (a?.type === 'return_statement') direct = status ? 'status' : 'process';
      return true;
    });
    const returned = held ? returnsOf(def).map((r) => unparen(returnValue(r) ?? r).text.replace(/\s+/g, '')) : [];
    const kind = direct ?? (held && returned.includes(held) ? 'process' : held && returned.includes(`${held}.returncode`) ? 'status' : undefined);
    if (kind && index >= 0) helper = { kind, param: params[index]!, index };
    else if (kind && own) helper = { kind, param: '', index: -1, own };
  }
  processHelpers.set(def, helper);
  return helper ?? undefined;
}

/** The command a call of a process helper passes it (by position or by keyword). */
function helperCommand(call: Node, helper: ProcessHelper): Node | undefined {
  if (helper.own) return helper.own;
  const args = callArguments(call);
  return args.positional[helper.index] ?? args.keywords.get(helper.param);
}

/** The function `node` is in, if any. */
function enclosingFunctionOf(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return undefined;
}

/** The class a method is defined in (decorated or not), if any. */
function enclosingClassOf(def: Node): Node | undefined {
  const stmt = def.parent?.type === 'decorated_definition' ? def.parent : def;
  return stmt.parent?.type === 'block' && stmt.parent.parent?.type === 'class_definition' ? stmt.parent.parent : undefined;
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
  if (stmt.type === 'return_statement') return returnAsExit(stmt);
  const target = stmt.type === 'raise_statement' ? stmt : stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  return (target && exitSiteOf(target, names)) || undefined;
}

/**
 * `return 0` in a function whose result the file hands to an exit (`sys.exit(main())`, `raise
 * SystemExit(run(argv))`): the status the process ends with. Spelt out only (`return 0`, `return None`): a
 * bare `return` or falling off the end is how many functions that return nothing end.
 */
export function returnAsExit(stmt: Node): ExitSite | undefined {
  const value = returnValue(stmt);
  if (!value) return undefined;
  let fn: Node | null = stmt.parent;
  while (fn && fn.type !== 'function_definition' && fn.type !== 'lambda') fn = fn.parent;
  const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
  if (!name) return undefined;
  let root: Node = fn!;
  while (root.parent) root = root.parent;
  const handedToExit = new RegExp(`\\b(?:_?exit|SystemExit)\\(\\s*(?:[\\w.]+\\.)?${name}\\(`);
  return handedToExit.test(root.text) ? { node: stmt, kind: 'sys.exit', status: value, catchable: true } : undefined;
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

export type RunKind = 'holds' | 'exits' | 'raises';

const runsByFile = new WeakMap<Node, { call: Node; how: RunKind }[]>();
const ignoredRunsByFile = new WeakMap<Node, IgnoredRun[]>();

/** The calls of a file that run a test suite, once per file; callers check `mayRunTests` first. */
export function testRuns(root: Node, names: NameResolver): { call: Node; how: RunKind }[] {
  let runs = runsByFile.get(root);
  if (runs) return runs;
  runs = [];
  for (const call of root.descendantsOfType('call')) {
    // The callee's last name first (`main`, `TestProgram`, `run`): it rules out nearly every call before name resolution.
    const fn = call && unparen(call.childForFieldName('function')!);
    const last = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (!call) continue;
    if (!RUNNER_NAMES.has(last ?? '')) {
      // `tests = _run([sys.executable, "-m", "pytest"])` through the file's own wrapper of `subprocess.run`.
      const helper = fn?.type === 'identifier' ? processHelperOf(call, names) : undefined;
      const command = helper && helperCommand(call, helper);
      if (command && launchesTestCommand(call, command)) runs.push({ call, how: 'holds' });
      continue;
    }
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
function exitIgnoring(call: Node, how: RunKind, names: NameResolver): IgnoredRun | undefined {
  // `sys.exit(pytest.main() and 0)`: the exit's own status throws the run's away.
  const wrapping = exitAroundRun(call, names);
  if (wrapping) return { exit: wrapping, run: call };
  const outcome = new Outcome(outcomeNames(call));
  // Nothing after a run that exits by itself is reached: only a `finally` around it runs. A checked command
  // that fails raises: its failure reaches only the handlers around it.
  let consulted = how === 'exits' || how === 'raises';
  // The run's statement, and each statement around it up to its function: an exit after any of them follows the run.
  for (let stmt = statementOf(call); stmt; stmt = stmt.parent ? statementOf(stmt.parent) : undefined) {
    let exit: { site: ExitSite; countOnly?: Node } | undefined;
    if (!consulted) {
      // A branch on the outcome first (`if not result.wasSuccessful(): sys.exit(1)`): the exit after it is the passing path.
      consulted = consultsOutcome(stmt, outcome, names, call);
      for (let next = stmt.nextNamedSibling; next && !exit && !consulted; next = next.nextNamedSibling) {
        consulted = consultsOutcome(next, outcome, names);
        if (!consulted) exit = exitAfterRun(next, outcome, names);
      }
    }
    // A `finally` runs after its `try` whatever happened in it: its exit replaces the status any check chose.
    exit ??= finallyExit(stmt, outcome, names);
    // `except CalledProcessError: sys.exit(0)` around a checked test command turns its failure into success.
    if (how === 'raises') exit ??= handlerExit(stmt, names);
    if (exit) return { exit: exit.site, run: call, countOnly: exit.countOnly ?? outcome.countCheck };
  }
  return undefined;
}

/**
 * The exit whose status holds the run (`sys.exit(pytest.main() and 0)`, `raise SystemExit(min(pytest.main(), 0))`)
 * when that status is 0 whatever the run returned.
 */
function exitAroundRun(call: Node, names: NameResolver): ExitSite | undefined {
  for (let p = call.parent; p && p.type !== 'block' && p.type !== 'module'; p = p.parent) {
    if (p.type !== 'call' && p.type !== 'raise_statement') continue;
    const site = exitSiteOf(p, names);
    if (!site) continue;
    const status = site.status;
    const holdsRun = !!status && status.startIndex <= call.startIndex && call.endIndex <= status.endIndex;
    return holdsRun && alwaysSuccess(status, names) ? site : undefined;
  }
  return undefined;
}

/**
 * The success exit of a handler that catches a checked command's failure (`except CalledProcessError:`,
 * `except Exception:`, a bare `except:`) in the `try` whose body holds `stmt`, unless the handler reads the
 * error first (`sys.exit(exc.returncode)` is no success exit anyway).
 */
function handlerExit(stmt: Node, names: NameResolver): { site: ExitSite } | undefined {
  const block = stmt.parent;
  const owner = block?.parent;
  if (block?.type !== 'block' || owner?.type !== 'try_statement' || owner.childForFieldName('body')?.id !== block.id) return undefined;
  for (const clause of owner.namedChildren) {
    if (clause.type !== 'except_clause') continue;
    const types = handlerTypes(clause);
    if (types && !types.some((t) => /^(CalledProcessError|SubprocessError|Exception|BaseException)$/.test(t))) continue;
    const body = clause.namedChildren.find((c) => c.type === 'block');
    for (const s of body?.namedChildren ?? []) {
      const site = exitStatement(s, names);
      if (site && isSuccessStatus(site, names)) return { site };
    }
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
    if (consultsOutcome(s, outcome, names)) return undefined;
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
 * Is every way `branch` leaves a success: `return 0` or `return None` (from a function the file exits with), `sys.exit(0)`,
 * `raise SystemExit(0)`? Any other raise, exit or returned value may carry the failure on.
 */
function leavesOnlySucceeding(branch: Node, names: NameResolver): boolean {
  let other = false;
  let any = false;
  containsNode(branch, (n) => {
    if (n.type === 'return_statement') {
      // A success only from a function whose result the file exits with (`sys.exit(main())`), spelt out:
      // elsewhere a `return` just stops the script's work, and what it does next is unknown.
      any = true;
      const site = returnAsExit(n);
      if (!site || !isSuccessStatus(site, names)) other = true;
    } else if (n.type === 'raise_statement' || (n.type === 'call' && /(^|\.)(_?exit|quit)$/.test(dottedName(n.childForFieldName('function')) ?? ''))) {
      any = true;
      const site = exitSiteOf(n, names);
      if (!site || !isSuccessStatus(site, names)) other = true;
    }
    return other;
  });
  return any && !other;
}

/**
 * Does `stmt` look at the run's outcome before the exit: a branch that leaves (`if not ok: sys.exit(1)`) or an
 * `assert` on one of `outcome`'s names, or on one derived from them (`failed = not result.wasSuccessful()`
 * adds `failed`), or a bare `raise` that passes a caught SystemExit on? `within` is the run itself when `stmt`
 * holds it: only what follows the run counts. A check of whether tests ran at all (`result.testsRun`) does
 * not look at their outcome.
 */
function consultsOutcome(stmt: Node, outcome: Outcome, names: NameResolver, within?: Node): boolean {
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
        // A branch that leaves only with success (`if rc in (0, 5): return 0`) decides nothing: what follows is
        // the failing path, and a success exit there forgives the failure.
        if (outcome.consults(condition)) found = leaves(n) && !leavesOnlySucceeding(n, names);
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
