/**
 * RH101 forced-success-exit: `sys.exit(0)`, `exit()`, `quit()`, `raise SystemExit`, `os._exit(0)` where
 * they can end a test run with status 0 — at module level of an importable module, in a function of code
 * under test, in a test body or fixture, in a pytest hook, or in an `except` handler that swallows the
 * failure of the real work. Command-line entry points, signal handlers, forked children and tests that
 * expect the exit stay quiet.
 */
import {
  callArguments,
  containsNode,
  decoratorsOf,
  definitionOf,
  dottedName,
  enclosingFunction,
  enclosingStatement,
  forEachDescendant,
  forEachInScope,
  functionName,
  isMainGuardCondition,
  isMethod,
  isUnderMainGuard,
  isWithin,
  lastNameOf,
  localAssignments,
  moduleAssignments,
  moduleFunctionNamed,
  parameterDefault,
  parameterNames,
  rangeOf,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import type { Listeners, Rule, RuleContext } from '../../engine/rule';
import { MentionedWords, whenMentioned } from '../../engine/prefilter';
import type { Fix, Severity } from '../../engine/types';
import {
  callbackRegistry,
  boundExitSite,
  deferredExitSite,
  catchesSystemExit,
  CATCHES_SYSTEM_EXIT,
  displayOf,
  dynamicQualified,
  execSuccessSite,
  exitWrappers,
  forwardedExitSite,
  mayExec,
  statusForwardingExits,
  exitKindOfQualified,
  exceptionNames,
  exitSiteOf,
  ownSystemExitClass,
  functionsByName,
  handlerTypes,
  alwaysSuccess,
  isSuccessStatus,
  mainGuardCallees,
  enclosingModule,
  moduleLevelValue,
  optionGatedPreRunHook,
  partialExit,
  storedPartialExitSite,
  type TableEntry,
  registrationsOf,
  simpleCallsIn,
  tableExitSite,
  threadedExitSite,
  type ExitSite,
} from './helpers';
import { ignoredRuns, mayRunTests, testRuns } from './runner';

const CLI_NAME = /^_*(main|cli|run|run_?cli|run_?main|console_?main|entry_?point|command|usage|print_?usage|help|version|self_?test|test|demo)$/i;
const CLI_MODULES = /^(argparse|optparse|getopt|click|typer|docopt|fire)(\.|$)/;
/** Decorators of task runners' commands: `invoke.task`, `fabric.task`, `fabric.api.task`. */
const TASK_DECORATOR = /^(invoke|fabric\d?)(\.\w+)*\.task$/;
const UNITTEST_LIFECYCLE = /^(setUp|tearDown|setUpClass|tearDownClass|asyncSetUp|asyncTearDown|setUpModule|tearDownModule|run|debug|__call__)$/;
const INTERACTIVE_EXCEPTIONS = new Set(['KeyboardInterrupt', 'BrokenPipeError', 'EOFError', 'SystemExit', 'GeneratorExit']);
const IMPORT_EXCEPTIONS = new Set(['ImportError', 'ModuleNotFoundError']);

type HandlerKind = 'swallow' | 'specific' | 'interactive' | 'import';
const BROAD_EXCEPTIONS = new Set(['Exception', 'BaseException', 'AssertionError', 'object']);

interface Verdict {
  severity: Severity;
  where: string;
  /** Extra sentence after the main message. */
  note?: string;
  /** The exit is deliberate, not an oversight: the message says what it does, as for an error. */
  deliberate?: boolean;
  related?: { node: Node; message: string }[];
  /** A module-level helper no test of this file calls: its name, told to the modules that import it. */
  exported?: string;
}

function classifyHandler(clause: Node): HandlerKind {
  const types = handlerTypes(clause);
  if (!types) return 'swallow';
  if (types.every((t) => INTERACTIVE_EXCEPTIONS.has(t))) return 'interactive';
  if (types.every((t) => IMPORT_EXCEPTIONS.has(t) || INTERACTIVE_EXCEPTIONS.has(t))) return 'import';
  return types.some((t) => BROAD_EXCEPTIONS.has(t)) ? 'swallow' : 'specific';
}

/** The handler names `AssertionError`: it is there to catch a failed check. */
function catchesAssertionError(clause: Node): boolean {
  return !!handlerTypes(clause)?.includes('AssertionError');
}

function handlerLabel(clause: Node): string {
  const types = handlerTypes(clause);
  return types ? `except ${types.length === 1 ? types[0] : `(${types.join(', ')})`}` : 'except';
}

function isInside(node: Node, container: Node | null | undefined): boolean {
  return !!container && isWithin(node, container);
}

/**
 * Checks that expect an exception, by their last name in any test library's spelling: `raises`,
 * `assertRaises(Regex)`, `failUnlessRaises`, `assert_raises` (nose), `ShouldRaise`/`should_raise`
 * (testfixtures), `expect_raises`, and `contextlib.suppress`.
 */
const EXPECTS_EXCEPTION = /^(raises|suppress|(assert|should|expect|fail_?unless)_?raises?(_?regexp?)?)$/i;

/** `with pytest.raises(SystemExit)`, `self.assertRaises(SystemExit)`, `with ShouldRaise(SystemExit)`, `contextlib.suppress(SystemExit)`. */
/**
 * A test hands a lambda to a call whose answer it then checks (`outcome = run_forked(lambda: sys.exit(0))`, then
 * `assert outcome.status is Status.FAILED`, or the call inside the assertion): the code it tests runs the lambda and
 * is expected to catch the exit (a job runner, a worker wrapper). A SystemExit it let through would fail the test.
 */
function answerCheckedAfter(call: Node): boolean {
  let expr: Node = call;
  while (expr.parent?.type === 'parenthesized_expression') expr = expr.parent;
  const parent = expr.parent;
  if (parent?.type === 'assert_statement') return true;
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== expr.id) return false;
  const left = parent.childForFieldName('left');
  const statement = parent.parent;
  if (left?.type !== 'identifier' || statement?.type !== 'expression_statement') return false;
  const name = left.text;
  let checked = false;
  for (let next: Node | null = statement.nextNamedSibling; next && !checked; next = next.nextNamedSibling) {
    const stmt: Node = next;
    forEachDescendant(stmt, (n) => {
      if (n.type === 'identifier' && n.text === name && (n.parent?.type === 'attribute' || n.parent?.type === 'comparison_operator' || n.parent?.type === 'argument_list')) {
        for (let p: Node | null = n.parent; p && p.id !== stmt.id; p = p.parent) if (p.type === 'call' && /(^|\.)assert\w*$/.test(p.childForFieldName('function')?.text ?? '')) checked = true;
        if (stmt.type === 'assert_statement') checked = true;
      }
      return !checked;
    });
  }
  return checked;
}

function isExpectingExitCall(call: Node, exitClasses: readonly string[] = []): boolean {
  if (call.type !== 'call') return false;
  const fn = dottedName(call.childForFieldName('function')) ?? '';
  const last = fn.slice(fn.lastIndexOf('.') + 1);
  if (!EXPECTS_EXCEPTION.test(last)) return false;
  const args = call.childForFieldName('arguments');
  return !!args && args.namedChildren.some((a) => exceptionNames(a).some((t) => CATCHES_SYSTEM_EXIT.has(t) || exitClasses.includes(t)));
}

function withExpectsExit(withStmt: Node, exitClasses: readonly string[]): boolean {
  let found = false;
  forEachDescendant(withStmt, (n) => {
    if (n.type === 'block') return false;
    if (n.type === 'with_item') {
      const v = n.childForFieldName('value');
      const call = v?.type === 'as_pattern' ? v.namedChild(0) : v;
      if (call && isExpectingExitCall(unparen(call), exitClasses)) found = true;
      return false;
    }
    return true;
  });
  return found;
}

/**
 * Calls that fork the process: `os.fork()`, `pty.fork()`, and helpers named for forking (`_fork()`,
 * `fork_or_skip()`, a server library's `fork_processes(3)`, `do_fork()`), whose callers run in both processes.
 */
function isForkCall(n: Node, names: NameResolver): boolean {
  if (n.type !== 'call') return false;
  const fnNode = n.childForFieldName('function');
  const q = names.qualify(fnNode) ?? '';
  if (/^(os|posix|pty)\.(fork|forkpty)$/.test(q)) return true;
  const d = dottedName(fnNode) ?? '';
  return /(^|\.)(\w+_)?_?(fork|forkpty)(_\w+)?$/.test(d);
}

/** Class bases, resolved. */
function classBases(cls: Node, names: NameResolver): string[] {
  const bases = cls.childForFieldName('superclasses');
  return (bases?.namedChildren ?? []).map((b) => names.qualify(b) ?? dottedName(b) ?? '');
}

function decoratorNames(def: Node): string[] {
  return decoratorsOf(def).map((d) => dottedName(d.type === 'call' ? d.childForFieldName('function') : d) ?? '');
}

/** The class a method (possibly decorated: `@classmethod def setUpClass`) is defined in, or null. */
function classOfMethod(def: Node): Node | null {
  return isMethod(def) ? (def.parent?.type === 'decorated_definition' ? def.parent : def).parent!.parent : null;
}

function isFixture(def: Node): boolean {
  return decoratorNames(def).some((d) => /(^|\.)fixture$/.test(d) || /(^|\.)yield_fixture$/.test(d));
}

class FileJudge {
  private readonly names: NameResolver;
  private registry?: ReturnType<typeof callbackRegistry>;
  private mainCalled?: Map<number, 'direct' | 'nested'>;
  private defsByName?: Map<string, Node[]>;
  private hackRoots?: Map<number, string>;
  private hasTests?: boolean;
  private readonly forkScopes = new Map<number, boolean>();
  private installedOnInterpreter?: Set<string>;
  private handed?: Map<string, HandedCallback>;
  private calledNames?: Set<string>;
  private classNames?: Set<string>;
  private programModule?: boolean;

  constructor(private readonly ctx: RuleContext) {
    this.names = ctx.names;
  }

  private reg() {
    return (this.registry ??= callbackRegistry(this.ctx.root, this.names));
  }

  private defs() {
    return (this.defsByName ??= functionsByName(this.ctx.root));
  }

  /**
   * Functions that run as the command line, by def: 'direct' for those the main guard calls (unless it
   * uses their result as data and they return one: `print(solve(xs))` calls a library function), and
   * 'nested' for the procedures they call (transitively, by simple name). A callee that returns a value
   * is a library function the tests can import too, so its exits keep their severity.
   */
  private commandLineFunctions(): Map<number, 'direct' | 'nested'> {
    if (this.mainCalled) return this.mainCalled;
    const out = new Map<number, 'direct' | 'nested'>();
    const queue: { def: Node; how: 'direct' | 'nested' }[] = [];
    for (const [name, { resultUsed }] of mainGuardCallees(this.ctx.root, this.names)) {
      for (const def of this.defs().get(name) ?? []) if (!(resultUsed && returnsValue(def))) queue.push({ def, how: 'direct' });
    }
    // Direct callees first, so that a function both called by the guard and by another callee is direct.
    queue.reverse();
    while (queue.length) {
      const { def, how } = queue.pop()!;
      if (out.has(def.id)) continue;
      out.set(def.id, how);
      for (const name of simpleCallsIn(def)) {
        for (const callee of this.defs().get(name) ?? []) if (!out.has(callee.id) && !returnsValue(callee)) queue.unshift({ def: callee, how: 'nested' });
      }
    }
    return (this.mainCalled = out);
  }

  private testKind(def: Node): string | undefined {
    const name = functionName(def);
    if (isFixture(def)) return `fixture \`${name}()\``;
    if (this.ctx.role === 'test-infrastructure' && name.startsWith('pytest_')) return `pytest hook \`${name}()\``;
    // A function that a conftest binds to a hook, or calls from one (`finish_run(session)` in `pytest_sessionfinish`).
    const bound = this.ctx.facts.boundHooks.find((b) => b.fn.id === def.id);
    if (bound) return `\`${name}()\`, which runs in pytest hook \`${bound.hook}\` (a conftest hands it that hook)`;
    const cls = classOfMethod(def);
    if (this.ctx.role === 'test' || this.ctx.role === 'test-infrastructure') {
      if (/^test/.test(name)) return `test \`${name}()\``;
      if (/^(setUpModule|tearDownModule|setup_module|teardown_module|setup_function|teardown_function)$/.test(name) && !cls) return `\`${name}()\``;
      if (cls && /^(setup|teardown)(_method|_class)?$/.test(name) && /^Test/.test(functionName(cls))) return `\`${name}()\` of test class \`${functionName(cls)}\``;
      if (cls && UNITTEST_LIFECYCLE.test(name) && classBases(cls, this.names).some((b) => /TestCase$/.test(b))) return `\`${name}()\` of test class \`${functionName(cls)}\``;
    }
    return undefined;
  }

  /** Tests, fixtures and hooks of this file, plus module-level functions they call by name (transitively). */
  private roots(): Map<number, string> {
    if (this.hackRoots) return this.hackRoots;
    const out = new Map<number, string>();
    const queue: { def: Node; label: string }[] = [];
    forEachDescendant(this.ctx.root, (n) => {
      if (n.type === 'function_definition') {
        const label = this.testKind(n);
        if (label) {
          out.set(n.id, label);
          queue.push({ def: n, label });
        }
      }
      return true;
    });
    while (queue.length) {
      const { def, label } = queue.pop()!;
      for (const name of simpleCallsIn(def)) {
        for (const callee of this.defs().get(name) ?? []) {
          if (out.has(callee.id) || callee.parent?.parent?.type !== 'module' && callee.parent?.type !== 'module') continue;
          const calleeLabel = `\`${name}()\`, called from ${label}`;
          out.set(callee.id, calleeLabel);
          queue.push({ def: callee, label });
        }
      }
    }
    return (this.hackRoots = out);
  }

  private definesTests(): boolean {
    if (this.hasTests === undefined) {
      this.hasTests = false;
      for (const [, label] of this.roots()) if (label.startsWith('test ') || label.includes('test class')) this.hasTests = true;
    }
    return this.hasTests;
  }

  /**
   * For a module-level exit in a test-side file without tests: what makes the file a module the tests
   * import rather than a script they run — a package's `__init__.py` (imported while collecting the
   * package's tests), or a module of functions or classes with no shebang, main guard or `sys.argv`, whose
   * exit is not its last statement (a helper script run as a subprocess ends with its exit).
   */
  private importedTestHelper(site: Node): string | undefined {
    const facts = this.ctx.facts;
    if (facts.basename === '__init__.py') return "a test package's `__init__.py`";
    if (facts.hasShebang || isLastStatement(site, this.ctx.root) || /\bargv\b/.test(this.ctx.source)) return undefined;
    let defines = false;
    for (const stmt of this.ctx.root.namedChildren) {
      if (stmt.type === 'if_statement' && isMainGuardCondition(stmt.childForFieldName('condition'))) return undefined;
      const def = definitionOf(stmt);
      if (def.type === 'function_definition' || def.type === 'class_definition') defines = true;
    }
    return defines ? 'a test helper module' : undefined;
  }

  /**
   * `site` (a SystemExit) ends a method of a class that belongs to a program, which ends itself there on
   * purpose: the class or method is named as a program or its ending (`Server`, `Runner`, `stop()`,
   * `handle_*`), it extends a framework's class (an `argparse.Action`, a server's worker: the framework calls
   * the method), the module wires up a program (a GUI toolkit, server, event loop, process machinery or
   * argument parsing; a main guard, `sys.argv` or a shebang), the exit answers a command word (`line ==
   * "halt"`), or the method also exits with a failure status (a program's `Run.__init__` reporting its result).
   * Any other class is a library's, named how it likes (`Scheduler.run_all`, `Pipeline.run`, `Job.execute`):
   * its methods are what the tests call.
   */
  private isProgramMethod(site: ExitSite, method: Node, cls: Node): boolean {
    if (PROGRAM_CLASS_NAME.test(functionName(cls)) || PROGRAM_METHOD.test(functionName(method))) return true;
    if (classBases(cls, this.names).some((b) => this.isFrameworkBase(b))) return true;
    if ((this.programModule ??= PROGRAM_IMPORT.test(this.ctx.source) || this.isCommandLineModule())) return true;
    if (underCommandWord(site.node, method)) return true;
    const body = method.childForFieldName('body');
    let reportsFailure = false;
    if (body) {
      forEachInScope(body, (n) => {
        if (reportsFailure) return false;
        const other = n.id !== site.node.id ? exitSiteOf(n, this.names) : undefined;
        if (other && !isSuccessStatus(other, this.names)) reportsFailure = true;
        return !reportsFailure;
      });
    }
    return reportsFailure;
  }

  /**
   * A base class from another library, whose machinery calls the subclass's methods (`argparse.Action`,
   * a server's `AsyncWorker`): not `object` or another builtin (`Exception`, `dict`), the language's own
   * helpers (`abc`, `typing`, `enum`, `collections`), a class of this file or one of the project's own package.
   */
  private isFrameworkBase(base: string): boolean {
    if (!base || base === 'object' || base.startsWith('builtins.') || /^(abc|typing|typing_extensions|enum|collections|dataclasses)\./.test(base)) return false;
    return !this.definedHere(base.slice(base.lastIndexOf('.') + 1)) && !isOwnPackageName(base, this.ctx.facts.path);
  }

  /** The module is run as a command: a shebang, `sys.argv`, or a main guard. */
  private isCommandLineModule(): boolean {
    if (this.ctx.facts.hasShebang || /\bargv\b/.test(this.ctx.source)) return true;
    return this.ctx.root.namedChildren.some((s) => s.type === 'if_statement' && isMainGuardCondition(s.childForFieldName('condition')));
  }

  /** The module is a command-line program: run as a command, or it imports an argument-parsing library. */
  private isCommandProgram(): boolean {
    return this.isCommandLineModule() || /^[ \t]*(?:from|import)[ \t]+(?:argparse|optparse|getopt|click|typer|docopt|fire)\b/m.test(this.ctx.source);
  }

  /**
   * The file is a module other code imports, not a script something runs: no shebang, no `sys.argv`, no
   * main guard, and no statement at module level that calls something (a script's `main()`).
   */
  private isImportedModule(): boolean {
    if (this.ctx.facts.hasShebang || /\bargv\b/.test(this.ctx.source)) return false;
    for (const stmt of this.ctx.root.namedChildren) {
      if (stmt.type === 'if_statement' && isMainGuardCondition(stmt.childForFieldName('condition'))) return false;
      if (stmt.type === 'expression_statement' && containsNode(stmt, (n) => n.type === 'call')) return false;
    }
    return true;
  }

  /**
   * The scope forks: itself, or through a function nested in it that it calls (`def start_child(i): pid =
   * os.fork() ...`, called in a loop by a process manager that then waits on its children).
   */
  private scopeForks(scope: Node): boolean {
    const cached = this.forkScopes.get(scope.id);
    if (cached !== undefined) return cached;
    let found = false;
    const body = scope.type === 'module' ? scope : scope.childForFieldName('body') ?? scope;
    // Set before looking, so that functions calling each other end the search.
    this.forkScopes.set(scope.id, false);
    forEachInScope(body, (n) => {
      if (found) return false;
      if (isForkCall(n, this.names) || this.callsForkingFunction(n)) found = true;
      return !found;
    });
    if (!found && scope.type === 'function_definition') {
      const called = simpleCallsIn(scope);
      for (const nested of body.descendantsOfType('function_definition')) {
        if (!nested || nested.id === scope.id || !called.has(functionName(nested)) || !nested.text.includes('fork')) continue;
        if (this.scopeForks(nested)) {
          found = true;
          break;
        }
      }
    }
    this.forkScopes.set(scope.id, found);
    return found;
  }

  /**
   * A call of a module-level function of this file that forks (`if daemonize(pidfile):` with `def daemonize`
   * calling `os.fork()`): the caller runs on in both processes, like after a fork call.
   */
  private callsForkingFunction(n: Node): boolean {
    if (n.type !== 'call' || !this.ctx.source.includes('fork')) return false;
    const callee = n.childForFieldName('function');
    if (callee?.type !== 'identifier') return false;
    const fn = moduleFunctionNamed(this.ctx.root, callee.text);
    return !!fn && this.scopeForks(fn);
  }

  /** Every call of the module-level function `fn` in this file (at least one) is in a fork's child branch. */
  private calledOnlyInForkChild(fn: Node): boolean {
    const name = functionName(fn);
    let calls = 0;
    let allChild = true;
    for (const c of this.ctx.root.descendantsOfType('call')) {
      const callee = c!.childForFieldName('function');
      if (callee?.type !== 'identifier' || callee.text !== name) continue;
      calls++;
      const scope = enclosingFunction(c!) ?? this.ctx.root;
      if (!this.scopeForks(scope) || this.forkBranch(c!, scope) !== 'child') allChild = false;
    }
    return calls > 0 && allChild;
  }

  /** 'parent' when the exit is in the branch a fork's parent takes (`if pid:`, `if os.fork() > 0:`). */
  private forkBranch(site: Node, scope: Node): 'parent' | 'child' | 'unknown' {
    for (let p = site.parent; p && p.id !== scope.id; p = p.parent) {
      if (p.type !== 'if_statement') continue;
      const cond = p.childForFieldName('condition');
      if (!cond) continue;
      const c = unparen(cond);
      const inConsequence = isInside(site, p.childForFieldName('consequence'));
      let consequenceIsChild: boolean | undefined;
      if (c.type === 'not_operator') consequenceIsChild = true;
      else if (c.type === 'comparison_operator') {
        const op = c.child(1)?.type;
        const zero = c.namedChildren.some((x) => x.type === 'integer' && x.text === '0');
        if (zero && op === '==') consequenceIsChild = true;
        else if (zero && (op === '!=' || op === '>')) consequenceIsChild = false;
      } else if (c.type === 'identifier' || (c.type === 'call' && !this.callsForkingFunction(c))) consequenceIsChild = false;
      if (consequenceIsChild === undefined) continue;
      const mentionsPid = /pid|fork/i.test(c.text);
      if (!mentionsPid) continue;
      return inConsequence === consequenceIsChild ? 'child' : 'parent';
    }
    return 'unknown';
  }

  /** Names of functions the file installs on an interpreter or debugger class: `pdb.Pdb.set_quit = set_quit`, `setattr(cmd.Cmd, "do_x", f)`. */
  private interpreterMethods(): Set<string> {
    if (this.installedOnInterpreter) return this.installedOnInterpreter;
    const out = new Set<string>();
    const isInterpreter = (n: Node | null | undefined) => INTERPRETER_BASES.has(this.names.qualify(n) ?? '');
    if (/\b(Pdb|Bdb|Cmd|Interactive\w+)\b/.test(this.ctx.source)) {
      for (const a of this.ctx.root.descendantsOfType('assignment')) {
        const left = a?.childForFieldName('left');
        const right = a?.childForFieldName('right');
        if (left?.type === 'attribute' && right?.type === 'identifier' && isInterpreter(left.childForFieldName('object'))) out.add(right.text);
      }
      for (const c of this.ctx.root.descendantsOfType('call')) {
        if (!c || this.names.qualify(c.childForFieldName('function')) !== 'builtins.setattr') continue;
        const args = callArguments(c).positional;
        if (args.length === 3 && args[2]!.type === 'identifier' && isInterpreter(args[0])) out.add(args[2]!.text);
      }
    }
    return (this.installedOnInterpreter = out);
  }

  /** Functions (by name) the file hands to a call as a `callback=`/`on_*=` keyword: see `handedCallbacks`. */
  private callbacks(): Map<string, HandedCallback> {
    return (this.handed ??= handedCallbacks(this.ctx.root, this.ctx.source, (fn, name) => this.projectCallable(fn, name)));
  }

  /**
   * The callable `fn` (last name `name`) belongs to the project: the file defines it, or imports it from its
   * own package (`from etl.pipeline import Pipeline` in `src/etl/app.py`, `from .pipeline import Pipeline`).
   * The project's own class runs a callback when its code says so, like a function would.
   */
  private projectCallable(fn: Node, name: string): boolean {
    return this.definedHere(name) || isOwnPackageName(this.names.qualify(fn), this.ctx.facts.path);
  }

  /** The file defines a function or class of this name. */
  private definedHere(name: string): boolean {
    if (this.defs().has(name)) return true;
    this.classNames ??= new Set(this.ctx.root.descendantsOfType('class_definition').map((c) => (c ? functionName(c) : '')));
    return this.classNames.has(name);
  }

  /** Simple and attribute names the file calls (`finish()`, `self.finish()`). */
  private called(): Set<string> {
    if (this.calledNames) return this.calledNames;
    const out = new Set<string>();
    for (const call of this.ctx.root.descendantsOfType('call')) {
      const fn = call && unparen(call.childForFieldName('function')!);
      if (fn?.type === 'identifier' || fn?.type === 'attribute') out.add(lastNameOf(fn));
    }
    return (this.calledNames = out);
  }

  /**
   * The exit is in a callback that something else's event runs: a function (or lambda) handed as a
   * `callback=`/`on_*=` keyword to a class the file does not define (a reloader, a file watcher), and never
   * called directly here. Like a signal handler, it ends the process when the event comes, on purpose.
   */
  private inEventCallback(chain: Node[]): boolean {
    const inner = chain[0];
    if (!inner) return false;
    if (inner.type === 'lambda') return inner.parent?.type === 'keyword_argument' && handedKind(inner.parent, (fn, name) => this.projectCallable(fn, name)) === 'event';
    const name = functionName(inner);
    return this.callbacks().get(name) === 'event' && !this.called().has(name);
  }

  /**
   * A module-level dependency gate of a test script run on its own (shebang or main guard, a file name
   * pytest does not collect) that reports the whole script as skipped before exiting: `except ImportError:
   * print("1..0 # SKIP no GLib"); raise SystemExit(0)`, the TAP protocol's plan for "skip everything".
   */
  private isStandaloneSkipGate(site: ExitSite, handler: Node | null): boolean {
    // `os._exit(0)` is never a skip: should pytest collect the file after all (its `python_files` setting), it
    // ends the session with status 0, where a SystemExit would be reported as a collection error.
    if (!handler || !site.catchable || classifyHandler(handler) !== 'import') return false;
    if (PYTEST_COLLECTED_FILE.test(this.ctx.facts.basename)) return false;
    // A missing dependency is an environment's; the project's own package failing to import is a broken build.
    if (gatedImports(handler).some((mod) => isOwnPackageName(mod, this.ctx.facts.path))) return false;
    const standalone = this.ctx.facts.hasShebang || this.ctx.root.namedChildren.some((s) => s.type === 'if_statement' && isMainGuardCondition(s.childForFieldName('condition')));
    return standalone && reportsSkipBefore(site.node, handler);
  }

  /** How strongly a function looks like a command-line entry point. */
  private cliStrength(def: Node, site: ExitSite): 'strong' | 'name' | 'none' {
    const name = functionName(def);
    // A command the project declares (`[project.scripts]` in its pyproject.toml): the engine says its code is an entry point's.
    if (this.ctx.role === 'code-under-test' && !isMethod(def) && def.parent?.type !== 'block' && this.ctx.roleAt(def) === 'entry-point') return 'strong';
    // `os._exit(0)` deep in a command's procedures is not how a command line ends; in the guard's callee it can be.
    const commandLine = isMethod(def) ? undefined : this.commandLineFunctions().get(def.id);
    if (commandLine === 'direct' || (commandLine === 'nested' && site.kind !== 'os._exit')) return 'strong';
    const cls = classOfMethod(def);
    // Command interpreters (`cmd.Cmd`, the REPLs of `code`) quit when their user types the command.
    if (cls && (/^(do|help)_/.test(name) || classBases(cls, this.names).some((b) => INTERPRETER_BASES.has(b)))) return 'strong';
    // A function installed as a method of one (`pdb.Pdb.set_quit = set_quit`): the debugger's user quits.
    if (!cls && this.interpreterMethods().has(name)) return 'strong';
    // An option handler that shows help, usage or a version (`opt_help_reactors`, twisted's `usage.Options`),
    // or any function registered as an option's callback (`add_option("--dbs", action="callback", callback=f)`)
    // that only the option runs: one the file also calls is library code whatever else it is registered for.
    if (HELP_OPTION_HANDLER.test(name) || (this.callbacks().get(name) === 'option' && !this.called().has(name))) return 'strong';
    if (decoratorNames(def).some((d) => /(^|\.)(command|group|main)$/.test(d) || /^(click|typer)\./.test(d))) return 'strong';
    // A task-runner command (`@invoke.task`, fabric's `@task`): the command line runs it (`invoke release`).
    if (decoratorsOf(def).some((d) => TASK_DECORATOR.test(this.names.qualify(d.type === 'call' ? d.childForFieldName('function') : d) ?? ''))) return 'strong';
    if (this.readsCommandLine(def)) return 'strong';
    // A method of a command's application object, built from the parsed options (`MesonApp(options: argparse.Namespace)`).
    if (cls && this.takesParsedOptions(classInit(cls))) return 'strong';
    if (this.isUsagePath(site.node, def)) return 'strong';
    // `if as_list: print(...); sys.exit(0)`: a path only a command-line switch takes (`os._exit(0)` is never a switch's way out).
    if (site.catchable && this.onSwitchPath(site.node, def)) return 'strong';
    // A method only *named* `run`/`main` is judged with its class (`isProgramMethod`): libraries use the names too.
    return CLI_NAME.test(name) && !isMethod(def) ? 'name' : 'none';
  }

  /**
   * The function reads the command line: an `argv` parameter, `sys.argv`, an argument-parsing library, a call
   * that parses arguments (`parser.parse_args()`, or the project's own `parse_args(cli_args)`), or a hand-written
   * option parser comparing with several option literals (`'--verbose'`, `'-o'`).
   */
  private readsCommandLine(def: Node): boolean {
    if (parameterNames(def).some((p) => p === 'argv') || this.takesParsedOptions(def)) return true;
    const body = def.childForFieldName('body');
    if (!body) return false;
    let readsArgs = false;
    forEachInScope(body, (n) => {
      if (readsArgs) return false;
      if (n.type === 'attribute' || n.type === 'identifier') {
        const q = this.names.qualify(n) ?? '';
        if (q === 'sys.argv' || q === 'sys.orig_argv' || CLI_MODULES.test(q)) readsArgs = true;
        if (n.type === 'attribute' && PARSES_ARGUMENTS.test(n.childForFieldName('attribute')?.text ?? '')) readsArgs = true;
      }
      // A bare call of a function that parses the arguments: a command's own `parse_args(cli_args)` helper.
      if (n.type === 'call') {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'identifier' && PARSES_ARGUMENTS.test(fn.text)) readsArgs = true;
      }
      return !readsArgs;
    });
    if (readsArgs) return true;
    let options = 0;
    forEachInScope(body, (n) => {
      if (options >= 2) return false;
      if (n.type === 'string' && /^--?[A-Za-z][\w-]*=?$/.test(stringValue(n) ?? '')) options++;
      return n.type !== 'string';
    });
    return options >= 2;
  }

  /**
   * A parameter of `def` is annotated as the command line's parsed options (`options: argparse.Namespace`,
   * `'argparse.Namespace'`, `optparse.Values`, `click.Context`): a subcommand's handler, which the command line calls.
   */
  private takesParsedOptions(def: Node | undefined): boolean {
    for (const p of def?.childForFieldName('parameters')?.namedChildren ?? []) {
      const type = p.childForFieldName('type');
      if (!type) continue;
      let found = false;
      forEachDescendant(type, (n) => {
        if (found) return false;
        if (n.type === 'string') found = PARSED_OPTIONS.test(stringValue(n) ?? '');
        else if (n.type === 'attribute' || n.type === 'identifier') found = PARSED_OPTIONS.test(this.names.qualify(n) ?? '');
        return !found && n.type !== 'string';
      });
      if (found) return true;
    }
    return false;
  }

  /**
   * `site` is in the branch of an `if` that a switch parameter of `def` opens (`if as_list:`, `if dump > 1:`, or
   * an `and` operand), where the parameter is only ever tested in `def` (never used as data) and is off unless
   * a caller turns it on: its default is falsy (`as_list=None`), or every call of `def` in the file is made by a
   * function that reads the command line (`main()` passing `dump` from `-D`). A test that calls the function
   * does not take that path: it is a command-line option's, like `--help`.
   */
  private onSwitchPath(site: Node, def: Node): boolean {
    const params = parameterNames(def);
    for (let p = site.parent; p && p.id !== def.id; p = p.parent) {
      if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
      if (!isInside(site, p.childForFieldName('consequence'))) continue;
      const cond = p.childForFieldName('condition');
      const name = cond ? switchTested(cond) : undefined;
      if (!name || !params.includes(name) || !usedOnlyAsSwitch(def, name)) continue;
      if (FALSY_LITERAL.test(parameterDefault(def, name)?.text ?? '') || this.calledOnlyFromCommandLine(def)) return true;
    }
    return false;
  }

  /** `def` (a module-level function) is called in this file, and only from functions that read the command line. */
  private calledOnlyFromCommandLine(def: Node): boolean {
    if (isMethod(def)) return false;
    const name = functionName(def);
    let calls = 0;
    for (const call of this.ctx.root.descendantsOfType('call')) {
      const fn = call && unparen(call.childForFieldName('function')!);
      if (fn?.type !== 'identifier' || fn.text !== name) continue;
      let caller = call!.parent;
      while (caller && caller.type !== 'function_definition') caller = caller.parent;
      if (!caller || caller.id === def.id || !(this.commandLineFunctions().has(caller.id) || this.readsCommandLine(caller))) return false;
      calls++;
    }
    return calls > 0;
  }

  /** The exit follows printing usage/help/version, or is guarded by a help/version/usage condition. */
  private isUsagePath(site: Node, def: Node): boolean {
    const stmt = enclosingStatement(site);
    const printsUsage = /usage|print_help|format_help|__doc__|__version__|\bhelp\(/i;
    for (let prev = stmt.previousNamedSibling, i = 0; prev && i < 3; prev = prev.previousNamedSibling, i++) {
      if (prev.type !== 'expression_statement') continue;
      if (printsUsage.test(prev.text)) return true;
      // `print(f"tool {dist.version}")`; not an error report that names a version (`log.error("%s", mig.version)`).
      if (/\bversion\b/i.test(prev.text) && !REPORTS_ERROR.test(prev.text)) return true;
    }
    return isOptionGuarded(site, def);
  }

  judge(site: ExitSite): Verdict | undefined {
    const node = site.node;
    // A SystemExit subclass is also caught or expected by its own name or a base's (`pytest.raises(Aborted)`).
    const exitClasses = site.exitClasses ?? [];
    const chain: Node[] = [];
    let handler: Node | null = null;
    let swallowedWork: Node | null = null;
    let caught = false;
    for (let p = node.parent, inner = true; p; p = p.parent) {
      if (p.type === 'function_definition' || p.type === 'lambda') {
        chain.push(p);
        if (p.type === 'lambda' && inner && site.catchable) {
          // `assertRaises(SystemExit, lambda: sys.exit(0))`
          const call = p.parent?.type === 'argument_list' ? p.parent.parent : null;
          if (call && (isExpectingExitCall(call, exitClasses) || (this.ctx.roleAt(call) === 'test' && answerCheckedAfter(call)))) caught = true;
        }
        inner = false;
        continue;
      }
      if (!inner) continue;
      if (p.type === 'except_clause' && !handler) handler = p;
      if (p.type === 'try_statement' && site.catchable) {
        const body = p.childForFieldName('body');
        if (isInside(node, body) && p.namedChildren.some((c) => c.type === 'except_clause' && (catchesSystemExit(c) || !!handlerTypes(c)?.some((t) => exitClasses.includes(t))))) caught = true;
        if (handler && handler.parent?.id === p.id) swallowedWork = body;
      }
      if (p.type === 'with_statement' && site.catchable && isInside(node, p.childForFieldName('body')) && withExpectsExit(p, exitClasses)) caught = true;
    }
    if (caught) return undefined;
    const handlerKind = handler ? classifyHandler(handler) : undefined;
    if (handlerKind === 'interactive') return undefined;
    const swallow = handlerKind === 'swallow' && handler ? handler : null;
    const swallowWhere = swallow
      ? `in an \`${handlerLabel(swallow)}\` handler that swallows the failure of the work in its \`try\` block`
      : '';
    const swallowRelated = swallow && swallowedWork ? [{ node: swallowedWork, message: 'the work whose failure the handler turns into a successful exit' }] : [];

    // Code under `if __name__ == "__main__":` runs only as a script.
    if (isUnderMainGuard(node)) {
      if (swallow) return { severity: 'info', where: `under \`if __name__ == "__main__":\` ${swallowWhere}`, related: swallowRelated };
      // `sys.exit(main() and 0)`: the script computes its status and throws it away, so a test that runs it
      // (`subprocess.run([...]).returncode == 0`) passes whatever main() found.
      const computed = site.status && alwaysSuccess(site.status, this.names) ? discardedStatusCall(site.status) : undefined;
      return computed
        ? { severity: 'warning', deliberate: true, where: `under \`if __name__ == "__main__":\` throws away the status that \`${computed.text.length > 40 ? `${computed.text.slice(0, 37)}...` : computed.text}\` returns`, note: 'The script exits 0 whatever its work found, so a test that runs it and checks its exit status passes; exit with the computed status (`sys.exit(main())`).' }
        : undefined;
    }

    // The callback check below also ends in silence, so it is only asked (building the file's callback
    // registry, a walk of the whole tree) when the placement would report.
    const verdict = this.placement(site, chain, handler, swallow, swallowWhere, swallowRelated);
    if (!verdict) return undefined;

    // Callbacks: atexit and excepthook functions are RH102's; signal handlers, thread/process targets are quiet.
    for (const fn of chain) {
      const named = fn.type === 'lambda' ? lambdaName(fn) : undefined;
      const regs = [...registrationsOf(fn, this.reg()), ...(named ? (this.reg().byName.get(named) ?? []) : [])].filter((r) => !(r.kind === 'thread' && site.kind === 'os._exit'));
      // A handler of a timer the code arms itself (`signal.alarm(5)`) that exits 0 turns "too slow" into a pass.
      const timer = regs.length > 0 && regs.every((r) => r.kind === 'signal') ? regs.map((r) => timerSignal(r.at)).find(Boolean) : undefined;
      if (timer) {
        // Armed by the file itself (`signal.alarm(120)` next to the registration): "too slow" becomes a pass
        // wherever the handler is defined, as for a lambda written in the registering hook or test.
        const armed = regs.find((r) => timerSignal(r.at) && this.armsOwnTimer(r.at));
        if (armed && verdict.severity === 'info' && fn.type === 'function_definition') {
          const label = functionName(fn);
          return { severity: 'error', where: `in \`${label}()\`, the \`${timer}\` handler of a timer this file arms (line ${armed.at.startPosition.row + 1})`, note: 'When the work outlasts the timer, the run ends as a success.', related: verdict.related };
        }
        return { ...verdict, note: `${verdict.note ? `${verdict.note} ` : ''}It is the \`${timer}\` handler: when the work outlasts its own timer, the run ends as a success.` };
      }
      // A handler of a signal the code sends to its own process (`os.kill(os.getpid(), SIGTERM)`) is an exit
      // the code calls itself, by a detour.
      const sent = regs.length > 0 && regs.every((r) => r.kind === 'signal') ? regs.map((r) => this.selfSentSignal(r.at)).find(Boolean) : undefined;
      if (sent) return { ...verdict, note: `${verdict.note ? `${verdict.note} ` : ''}It is the \`${sent.signal}\` handler, and this code sends \`${sent.signal}\` to its own process (line ${sent.at.startPosition.row + 1}): an exit it calls itself by a detour.` };
      // A child process's target that turns a swallowed failure into status 0, where the parent reads the status
      // (`proc.exitcode`): the failure reaches the parent, and the test that checks it, as a success.
      if (swallow && regs.length && regs.every((r) => r.kind === 'target') && /\.exitcode\b/.test(this.ctx.source)) {
        return { ...verdict, severity: 'warning', deliberate: true, where: `${verdict.where}, ends a child process (it is a process's \`target\`) with status 0, and this code reads the child's \`exitcode\`: the failure reaches the parent, and a test that checks the status, as a success` };
      }
      if (regs.length) return undefined;
      if ((fn.type === 'function_definition' || named) && looksLikeSignalHandler(fn)) return undefined;
    }
    return verdict;
  }

  private selfSignals?: { signal: string; at: Node }[];

  /**
   * The timer handler registered at `registration` is armed by this file, where the run goes through it: the
   * file calls `signal.alarm(...)`/`signal.setitimer(...)`, and registers the handler in code under test, at
   * module level, or (on the test side) in a test, fixture or hook. A test helper registered by another
   * helper, and a script's own time limit, stay as they are.
   */
  private armsOwnTimer(registration: Node): boolean {
    const role = this.ctx.role;
    if (role === 'entry-point' || !/\b(?:alarm|setitimer)\s*\(/.test(this.ctx.source)) return false;
    const arms = this.ctx.root.descendantsOfType('call').some((c) => !!c && /^signal\.(alarm|setitimer)$/.test(this.names.callee(c) ?? ''));
    if (!arms) return false;
    if (role === 'code-under-test') return true;
    let fn = enclosingFunction(registration);
    while (fn && !this.roots().has(fn.id)) fn = enclosingFunction(fn);
    return !enclosingFunction(registration) || !!fn;
  }

  /**
   * The signal a `signal.signal(...)` registration handles, when the file also sends it to its own process:
   * `os.kill(os.getpid(), SIG)`, `signal.raise_signal(SIG)`, `signal.pthread_kill(threading.get_ident(), SIG)`.
   */
  private selfSentSignal(registration: Node): { signal: string; at: Node } | undefined {
    if (registration.type !== 'call') return undefined;
    const args = callArguments(registration);
    const sig = /(?:^|\.)(SIG\w+)$/.exec(dottedName(args.positional[0] ?? args.keywords.get('signalnum') ?? args.keywords.get('sig')) ?? '')?.[1];
    if (!sig) return undefined;
    if (!this.selfSignals) {
      this.selfSignals = [];
      const names = this.ctx.names;
      const ownProcess = (n: Node | undefined) => {
        const c = n ? unparen(n) : undefined;
        if (c?.type !== 'call') return false;
        const q = names.callee(c);
        return q === 'os.getpid' || q === 'threading.get_ident' || q === 'threading.get_native_id' || q === '_thread.get_ident';
      };
      if (/\b(?:kill|raise_signal|pthread_kill)\b/.test(this.ctx.source)) {
        for (const call of this.ctx.root.descendantsOfType('call')) {
          if (!call) continue;
          const q = names.callee(call);
          const a = callArguments(call).positional;
          let sent: Node | undefined;
          if (q === 'signal.raise_signal') sent = a[0];
          else if ((q === 'os.kill' || q === 'signal.pthread_kill') && ownProcess(a[0])) sent = a[1];
          const name = sent ? /(?:^|\.)(SIG\w+)$/.exec(dottedName(sent) ?? '')?.[1] : undefined;
          if (name) this.selfSignals.push({ signal: name, at: call });
        }
      }
    }
    return this.selfSignals.find((s) => s.signal === sig);
  }

  /**
   * `if config.getoption("--list-tests"): print(...); sys.exit(0)` in a pytest hook that runs before any test,
   * behind an option the file adds: a listing mode the user asks for (see `optionGatedPreRunHook`).
   */
  private optionGatedHookExit(site: ExitSite, hook: Node, swallow: Node | null): Verdict | undefined {
    if (swallow || !site.catchable || !functionName(hook).startsWith('pytest_')) return undefined;
    const option = optionGatedPreRunHook(site.node, this.ctx.root);
    if (!option) return undefined;
    return {
      severity: 'info',
      where: `in pytest hook \`${functionName(hook)}()\`, before any test runs, when the command line gives \`${option}\` (an option this file adds)`,
      note: 'Fine for a listing mode; make sure the option is not in the configured `addopts`.',
    };
  }

  /** The verdict by where the exit is (module level, test, hook, command-line function...), callbacks aside. */
  /**
   * An exit kept in a dispatch table of code under test: an error, as whatever picks the entry ends the run; null
   * for a menu's quit command (`"q": lambda: sys.exit(0)`, left at the user's request); undefined (info) for a
   * SystemExit in the table of a command-line or interactive program (one that prompts its user), which may be
   * its own way out (`os._exit(0)` never is).
   */
  private tableEntryVerdict(site: ExitSite, entry: TableEntry, holder: string): Verdict | null | undefined {
    if (entry.key !== undefined && QUIT_COMMAND.test(entry.key)) return null;
    const program = (this.programModule ??= PROGRAM_IMPORT.test(this.ctx.source) || this.isCommandLineModule()) || PROMPTS_USER.test(this.ctx.source);
    if (site.kind !== 'os._exit' && program) return undefined;
    const label = entry.key !== undefined ? `the \`${JSON.stringify(entry.key)}\` entry of \`${entry.table}\`` : `an entry of \`${entry.table}\``;
    return { severity: 'error', where: `${holder} in ${label}, a dispatch table of code under test`, note: `Whatever picks that entry and calls it ends the run.` };
  }

  private placement(site: ExitSite, chain: Node[], handler: Node | null, swallow: Node | null, swallowWhere: string, swallowRelated: { node: Node; message: string }[]): Verdict | undefined {
    const node = site.node;

    // Forked children exit with os._exit / sys.exit by design.
    const enclosingDefs = chain.filter((f) => f.type === 'function_definition');
    const scopes = enclosingDefs.length ? enclosingDefs : [this.ctx.root];
    for (const scope of scopes) {
      if (this.scopeForks(scope)) {
        if (this.forkBranch(node, scope) === 'parent') {
          return { severity: 'info', where: 'in the parent branch after `os.fork()`', note: 'Daemonising code does this, but it also ends the process that a test runner waits on with status 0.' };
        }
        return undefined;
      }
    }
    // A module-level function that the file calls only in a fork's child branch (`if pid == 0: child_main()`) is
    // the child's main: its exit ends the child.
    const outer = enclosingDefs[enclosingDefs.length - 1];
    if (outer && outer.parent?.type === 'module' && this.ctx.source.includes('fork') && this.calledOnlyInForkChild(outer)) return undefined;

    const role = this.ctx.role;
    const defs = chain.filter((f) => f.type === 'function_definition');
    const nearest = defs[0];
    const top = defs[defs.length - 1];

    if (!nearest) {
      // Module level (or a class body, or a lambda at module level).
      const inLambda = chain.length > 0;
      // `if sys.argv[-1] == "publish": ...; sys.exit()` (setup.py), `if "--version" in sys.argv:`: a command-line path.
      if (!swallow && isOptionGuarded(node, this.ctx.root)) return undefined;
      if (role === 'test') {
        if (inLambda) return { severity: 'info', where: 'at module level of a test helper' };
        if (!swallow && this.isStandaloneSkipGate(site, handler)) {
          return { severity: 'info', where: 'in a dependency gate at module level of a standalone test script, after reporting a skip', note: 'A script run on its own may skip everything this way (a TAP `1..0 # SKIP` plan); pytest does not collect a file of this name.' };
        }
        if (!this.definesTests()) {
          const imported = this.importedTestHelper(node);
          if (!imported) return { severity: 'info', where: 'at module level of a test helper' };
          return { severity: 'error', where: `at module level of ${imported}`, note: swallow ? undefined : 'Importing it (as the test modules do) ends the run before any test runs.', related: swallowRelated };
        }
        return { severity: 'error', where: 'at module level of a test module', note: swallow ? undefined : 'Importing the module ends the run before any test is collected.' };
      }
      if (role === 'test-infrastructure') return { severity: 'error', where: this.ctx.facts.isConftest ? 'at module level of `conftest.py`' : 'at module level of a pytest plugin', note: 'Loading it ends the test session before any test runs.' };
      if (role === 'entry-point') {
        if (swallow) return { severity: 'info', where: `at module level of a script ${swallowWhere}`, related: swallowRelated };
        if (inLambda || isLastStatement(node, this.ctx.root)) return undefined;
        return { severity: 'info', where: 'at module level of a script, before its last statement' };
      }
      if (inLambda) {
        // `finish = lambda: os._exit(0)` is a function of code under test like its `def` spelling.
        const named = lambdaName(chain[chain.length - 1]!);
        if (named && !swallow) return { severity: 'error', where: `in \`${named}\`, a lambda of code under test`, note: `Whatever calls \`${named}()\` ends the run.` };
        // `ACTIONS = {"finish": lambda: os._exit(0)}`: an entry of a dispatch table, run by whatever picks it.
        const entry = chain.length === 1 && !swallow ? tableEntryOf(chain[0]!) : undefined;
        const verdict = entry ? this.tableEntryVerdict(site, entry, 'in a lambda kept') : undefined;
        return verdict === null ? undefined : verdict ?? { severity: 'info', where: 'in a module-level lambda of code under test' };
      }
      // `ACTIONS = {"abort": functools.partial(os._exit, 0)}`: the same, without a lambda.
      if (site.storedIn) {
        const verdict = swallow ? undefined : this.tableEntryVerdict(site, site.storedIn, 'kept');
        return verdict === null ? undefined : verdict ?? { severity: 'info', where: 'in a module-level table of code under test' };
      }
      return { severity: 'error', where: swallow ? `at module level ${swallowWhere}` : 'at module level of an importable module', note: swallow ? undefined : 'Importing the module (as a test does) ends the run.', related: swallowRelated };
    }

    if (role === 'test' || role === 'test-infrastructure') {
      // A test script's own command-line flag (`raise_ = "-raise" in sys.argv`, then `if raise_: raise
      // SystemExit`): pytest's command line never sets it. Options of pytest itself do not count.
      if (role === 'test' && !swallow && isOptionGuarded(node, top ?? nearest, /\bargv\b/)) return undefined;
      const roots = this.roots();
      const topLabel = top ? roots.get(top.id) : undefined;
      // A test that asserts the exit (`assertRaises(SystemExit, ...)`, `pytest.raises(SystemExit)`) expects it.
      if (site.catchable && top && topLabel && containsExpectingExit(top, site.exitClasses)) return undefined;
      const label = roots.get(nearest.id);
      // A test class nested in another class or a function is a sample that the enclosing tests run under
      // their own runner (which catches SystemExit), not a test that discovery collects.
      const sample = label && site.catchable && !swallow ? sampleTestContainer(nearest, this.names) : undefined;
      if (sample) {
        if (containsExpectingExit(sample, site.exitClasses)) return undefined;
        return { severity: 'info', where: `in ${label}, of a sample test class nested in \`${functionName(sample)}\``, note: 'Test discovery does not collect it; the tests that run it see its SystemExit as an error.' };
      }
      if (label) return this.optionGatedHookExit(site, nearest, swallow) ?? { severity: 'error', where: swallow ? `in ${label}, ${swallowWhere}` : `in ${label}`, related: swallowRelated };
      // A finaliser runs by itself when the object is collected, at the latest at interpreter shutdown, after the
      // run has set its status; `os._exit(0)` there replaces that status (a `SystemExit` there is only printed).
      const finaliserOf = classOfMethod(nearest);
      if (finaliserOf && site.kind === 'os._exit' && functionName(nearest) === '__del__') {
        return { severity: 'error', where: `in finaliser \`${functionName(finaliserOf)}.__del__()\``, note: 'It runs when the object is collected or the interpreter shuts down, and replaces the test run\'s status with 0.' };
      }
      if (topLabel) {
        const outer = defs[1]!;
        const name = functionName(nearest);
        if (simpleCallsIn(outer).has(name)) return { severity: 'error', where: `in \`${name}()\`, which ${topLabel} calls`, related: swallowRelated };
        return { severity: 'info', where: `in \`${name}()\`, a function defined inside ${topLabel}` };
      }
      if (defs.some((d) => this.cliStrength(d, site) === 'strong')) return undefined;
      const helper = `helper \`${functionName(nearest)}()\` of a ${role === 'test' ? 'test module' : 'test plugin'}`;
      // A helper that turns a failed check into a successful exit is a hack whoever calls it: an
      // `except AssertionError`, or any swallowing handler in a module the tests import (not a script).
      if (swallow && (catchesAssertionError(swallow) || this.isImportedModule())) {
        return { severity: 'error', where: `in ${helper}, ${swallowWhere}`, related: swallowRelated, note: 'Whatever test calls it passes when its check fails.' };
      }
      // A test of another module that imports and calls it is reported there (importedExitSite).
      const exported = nearest.id === top!.id && chain.length === 1 && isModuleLevel(nearest) && !site.exitClasses ? functionName(nearest) : undefined;
      return { severity: 'info', where: `in ${helper}`, note: 'No test, fixture or hook of this file calls it.', exported };
    }

    // Code under test or an entry point. A pytest hook implemented in a plugin class is still a hook.
    if (defs.some((d) => functionName(d).startsWith('pytest_'))) {
      const hook = defs.find((d) => functionName(d).startsWith('pytest_'))!;
      if (hook.id === nearest.id) {
        const gated = this.optionGatedHookExit(site, nearest, swallow);
        if (gated) return gated;
      }
      return { severity: 'error', where: `in pytest hook \`${functionName(hook)}()\``, related: swallowRelated };
    }
    // Interactive programs quit when their user asks (a window's close event, a menu's "quit" choice).
    if (!swallow && isInteractiveQuit(node, chain, nearest, this.names)) return undefined;
    // Command-line functions exit on purpose.
    let cli: 'strong' | 'name' | 'none' = 'none';
    for (const def of defs) {
      const s = this.cliStrength(def, site);
      if (s === 'strong') {
        cli = s;
        break;
      }
      if (s === 'name') cli = 'name';
    }
    const fname = functionName(nearest);
    if (cli === 'strong') return swallow ? { severity: 'info', where: `in command-line function \`${fname}()\` ${swallowWhere}`, related: swallowRelated } : undefined;
    // A callback a reloader or watcher runs on its event ends the process on purpose, like a signal handler
    // (`os._exit(0)` there ends the process whatever thread or loop runs it, as for thread callbacks).
    if (!swallow && site.kind !== 'os._exit' && this.inEventCallback(chain)) return undefined;
    // A process that ends itself on purpose, saying why: a server's error callback, an exit hook, an abort
    // after an environment error it reported.
    const deliberate = deliberateProcessEnd(site, nearest, handler, this.names, () => this.isCommandProgram());
    if (deliberate) return { severity: 'info', ...deliberate };
    const returns = returnsValue(nearest) || isValueAccessor(nearest);
    const strong = returns || !!swallow;
    if (cli === 'name' && !strong) return { severity: 'info', where: `in \`${fname}()\``, note: 'Fine for a command-line entry point; if a test calls it, the run ends as a success.' };
    if (role === 'entry-point' && !strong) return { severity: 'info', where: `in \`${fname}()\` of a script` };
    const cls = classOfMethod(nearest);
    // A program's classes sometimes end a server or GUI process with sys.exit(0); `os._exit(0)` outside a fork
    // is never that. Any other class's method (`Scheduler.run_all`, `Triangle.__init__` on degenerate sides,
    // `MinStack.push` when full) is the library's API ending the caller's process, judged like a function.
    if (cls && !strong && site.kind !== 'os._exit' && this.isProgramMethod(site, nearest, cls)) {
      return { severity: 'info', where: `in method \`${functionName(cls)}.${fname}()\`` };
    }
    const owner = cls ? `method \`${functionName(cls)}.${fname}()\`` : `\`${fname}()\``;
    const where = swallow ? `in ${owner}, ${swallowWhere}` : `in ${owner}, a function of code under test`;
    return { severity: 'error', where, related: swallowRelated, note: returns ? 'The function is expected to return a value; exiting instead ends the caller\'s test run.' : undefined };
  }
}

/** What a function handed over as a `callback=`/`on_*=` keyword is: an option's action, or an event's handler. */
type HandedCallback = 'option' | 'event';
/** Keywords that hand over a callback: `callback=`, `zeroarg_callback=`, `on_change=`. */
const CALLBACK_KEYWORD = /^((\w+_)?callback|on_\w+)$/;
/** Calls that register a command-line option (optparse, click, argparse, a test plugin's option hook). */
const OPTION_REGISTRATION = /^(add_option|add_argument|make_option|Option|option|argument|addoption)$/;
/** A constructor: a class name (`Reloader`), or an attribute holding a class (`self.reloader_cls`). */
const CONSTRUCTOR_NAME = /^_*[A-Z]\w*$|_(cls|class|factory|type)$/;
/** Pytest's default test file names (`python_files`): pytest imports these. */
const PYTEST_COLLECTED_FILE = /^test_.*\.py$|_test\.py$/;

/**
 * Functions the file hands to a call as a callback keyword, by name: 'option' for an option's callback
 * (`add_option("--dbs", action="callback", callback=list_dbs)`, `click.option(callback=f)`), which runs
 * when the command line names the option, like `--help`; 'event' for a callback handed to a constructor of
 * a class the file does not define (`Reloader(callback=on_change)`), which runs on that object's event.
 * A callback handed to the file's own class or function is called by this file's code, so it is neither.
 */
function handedCallbacks(root: Node, source: string, projectCallable: (fn: Node, name: string) => boolean): Map<string, HandedCallback> {
  const out = new Map<string, HandedCallback>();
  if (!/callback|\bon_/.test(source)) return out;
  for (const kw of root.descendantsOfType('keyword_argument')) {
    const value = kw && unparen(kw.childForFieldName('value') ?? kw);
    if (!kw || (value.type !== 'identifier' && value.type !== 'attribute')) continue;
    const kind = handedKind(kw, projectCallable);
    const name = lastNameOf(value);
    // An option's callback wins over an event's: it is the stronger reason.
    if (kind && out.get(name) !== 'option') out.set(name, kind);
  }
  return out;
}

/** What the callback keyword argument `kw` registers its value as, if anything. */
function handedKind(kw: Node, projectCallable: (fn: Node, name: string) => boolean): HandedCallback | undefined {
  if (!CALLBACK_KEYWORD.test(kw.childForFieldName('name')?.text ?? '')) return undefined;
  const call = kw.parent?.type === 'argument_list' ? kw.parent.parent : null;
  if (call?.type !== 'call') return undefined;
  const fn = unparen(call.childForFieldName('function')!);
  const last = lastNameOf(fn);
  const args = callArguments(call);
  if (OPTION_REGISTRATION.test(last) || stringValue(args.keywords.get('action')) === 'callback') return 'option';
  return CONSTRUCTOR_NAME.test(last) && !projectCallable(fn, last) ? 'event' : undefined;
}

/**
 * A qualified name (or module) of the analysed file's own project: a relative import (`.pipeline.Pipeline`),
 * or one whose top-level package is a folder of the file's path (`etl.pipeline` from `src/etl/app.py`, `geom_lib`
 * from `geom-lib/tests/run.py`).
 */
function isOwnPackageName(qualified: string | undefined, path: string): boolean {
  if (!qualified) return false;
  if (qualified.startsWith('.')) return true;
  const top = qualified.split('.')[0]!.toLowerCase();
  const folders = path.split('/').slice(0, -1).map((f) => f.toLowerCase());
  return folders.some((f) => f === top || f.replace(/-/g, '_') === top);
}

/** The modules the `try` block of an `except ImportError` handler imports (`import geom`, `from .geom import area`). */
function gatedImports(handler: Node): string[] {
  const body = handler.parent?.type === 'try_statement' ? handler.parent.childForFieldName('body') : null;
  const out: string[] = [];
  for (const stmt of body?.namedChildren ?? []) {
    if (stmt.type === 'import_statement') {
      for (const item of stmt.childrenForFieldName('name')) {
        const mod = item?.type === 'aliased_import' ? item.childForFieldName('name') : item;
        if (mod) out.push(mod.text);
      }
    } else if (stmt.type === 'import_from_statement') {
      const mod = stmt.childForFieldName('module_name');
      if (mod) out.push(mod.text.replace(/\s+/g, ''));
    }
  }
  return out;
}

/** A statement before `node` inside `handler` reports a skip: `print("1..0 # SKIP no GLib")`, `sys.stderr.write("skipping")`. */
function reportsSkipBefore(node: Node, handler: Node): boolean {
  for (let stmt: Node | null = enclosingStatement(node); stmt && stmt.id !== handler.id; stmt = stmt.parent) {
    for (let prev = stmt.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      if (prev.type === 'expression_statement' && /\b1\.\.0\b|\bskip/i.test(prev.text)) return true;
    }
  }
  return false;
}

/** The `__init__` defined in the body of class `cls`, if any. */
function classInit(cls: Node): Node | undefined {
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = definitionOf(stmt);
    if (def.type === 'function_definition' && functionName(def) === '__init__') return def;
  }
  return undefined;
}

/** The types of a command line's parsed options, as a parameter's annotation names them. */
const PARSED_OPTIONS = /^(argparse\.Namespace|optparse\.Values|click\.(core\.)?Context|typer\.Context)$/;
/** Calls that parse the command line's arguments: `parser.parse_args()`, `getopt.getopt(...)`, a project's `parse_args(cli_args)`. */
const PARSES_ARGUMENTS = /^(parse_args|parse_known_args|parse_intermixed_args|parse_arguments|parse_command_line|getopt|gnu_getopt)$/;
/** A default that leaves a switch off: `None`, `False`, `0`, an empty string or container. */
const FALSY_LITERAL = /^(None|False|0|''|""|\(\)|\[\]|\{\})$/;


/** A literal a switch is compared with: a number, `True`/`False`/`None`. */
function isSwitchLiteral(n: Node): boolean {
  return /^(integer|float|true|false|none)$/.test(unparen(n).type);
}

/**
 * The name a condition tests as a switch, when the branch needs it on: the name itself (`if dump:`), its
 * comparison with a number (`if dump > 1:`, `if level == 2:`), or an `and` operand of either. Not `not dump`
 * or an `or`, which take the branch with the switch off.
 */
function switchTested(cond: Node): string | undefined {
  const c = unparen(cond);
  if (c.type === 'identifier') return c.text;
  if (c.type === 'boolean_operator' && c.childForFieldName('operator')?.type === 'and') {
    return switchTested(c.childForFieldName('left')!) ?? switchTested(c.childForFieldName('right')!);
  }
  if (c.type === 'comparison_operator') {
    const ops = c.childrenForFieldName('operators');
    const operands = c.namedChildren.map(unparen);
    if (operands.length !== 2 || !ops.every((op) => op?.type === '>' || op?.type === '>=' || op?.type === '==')) return undefined;
    const [a, b] = operands as [Node, Node];
    if (a.type === 'identifier' && isSwitchLiteral(b) && !/^(0|None|False)$/.test(b.text)) return a.text;
  }
  return undefined;
}

/**
 * Every use of `name` in `def`'s body only tests it (a condition, `not`, `and`/`or`, a comparison with a number
 * or `True`/`None`): a switch, not data the function works on (`a + b == target`, `fetch(package)`).
 */
function usedOnlyAsSwitch(def: Node, name: string): boolean {
  const body = def.childForFieldName('body');
  if (!body) return false;
  let ok = true;
  forEachDescendant(body, (n) => {
    if (!ok) return false;
    if (n.type !== 'identifier' || n.text !== name) return true;
    const parent = n.parent;
    // `x.name`, `f(name=...)`: another name spelt the same.
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id) return false;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id) return false;
    let use: Node = n;
    while (use.parent && /^(parenthesized_expression|not_operator|boolean_operator)$/.test(use.parent.type)) use = use.parent;
    const holder = use.parent;
    if (holder?.type === 'comparison_operator' && holder.namedChildren.every((o) => o.id === use.id || isSwitchLiteral(o))) return false;
    if (holder && /^(if_statement|elif_clause|while_statement|conditional_expression)$/.test(holder.type) && holder.childForFieldName('condition')?.id === use.id) return false;
    // `a if flag else b`: the condition is the middle operand.
    if (holder?.type === 'conditional_expression' && holder.namedChildren[1]?.id === use.id) return false;
    ok = false;
    return false;
  });
  return ok;
}

/** Command interpreters and debuggers: their methods run the commands their user types (`quit`, `EOF`). */
const INTERPRETER_BASES = new Set(['cmd.Cmd', 'code.InteractiveConsole', 'code.InteractiveInterpreter', 'pdb.Pdb', 'bdb.Bdb']);
/** Handlers of a command-line option that shows help, usage or a version and ends the command: `opt_help_reactors`, `print_usage`. */
const HELP_OPTION_HANDLER = /^_*(opt|print|show|display)_(\w+_)?(help|usage|version)(_\w+)?$/i;

/** A server class (`socketserver.TCPServer`, a project's `RPCServer`) or an `asyncore` dispatcher. */
const SERVER_BASE = /(^|\.)(\w*Server|dispatcher\w*)$/;
/** A method named as the process's exit hook: `exithook`, `exit_hook`, `on_exit`, `on_quit`, `shutdown_hook`. */
const EXIT_HOOK_NAME = /^_*((exit|quit|shutdown|terminate)_?hook|on_?(exit|quit|shutdown|terminate))$/i;
/** Failures of the environment (files, directories, sockets), not of the work's logic. */
const ENVIRONMENT_ERRORS = new Set(['OSError', 'IOError', 'EnvironmentError', 'PermissionError', 'FileNotFoundError', 'FileExistsError', 'NotADirectoryError', 'IsADirectoryError', 'ConnectionError', 'ProcessLookupError']);
/** Errors saying a resource the command acts on is not there (a pid file, a process): "nothing to do". */
const MISSING_RESOURCE_ERRORS = new Set(['FileNotFoundError', 'ProcessLookupError']);
/** Calls that run another program: the function is a wrapper around an external tool. */
const RUNS_PROGRAM = /^(subprocess\.\w+|os\.(system|popen|spawn\w*|exec\w*|posix_spawnp?)|asyncio\.create_subprocess_\w+)$/;
/** A message saying a tool is missing and the work is skipped. */
const MISSING_TOOL_MESSAGE = /not (installed|found|available|on (the )?PATH)|missing|skipp|unavailable|cannot find|can't find|could not find/i;
/** A statement that reports an error to the user: on stderr, or through a logger. */
const REPORTS_ERROR = /\bstderr\b|__stderr__|\b(log|logger|logging)\.(error|critical|exception|fatal)\(/;

/**
 * An exit in code under test that a process makes on purpose, with what it is: a server's `handle_error`
 * callback ending a worker process whose request failed; a method that only exits and is named as the
 * process's exit hook (`exithook`, `on_exit`: what the process does when its link closes, overridable);
 * `raise SystemExit` in an `except OSError` handler after reporting the error on stderr (an abort, though
 * with the wrong status). A handler that catches the work's failure (`except Exception`) is not this.
 */
function deliberateProcessEnd(site: ExitSite, def: Node, handler: Node | null, names: NameResolver, commandProgram: () => boolean): { where: string; note: string } | undefined {
  const name = functionName(def);
  const cls = classOfMethod(def);
  if (cls && name === 'handle_error' && classBases(cls, names).some((b) => SERVER_BASE.test(b))) {
    return {
      where: `in \`${functionName(cls)}.handle_error()\`, the error callback of a server`,
      note: 'A worker process may end itself this way when a request fails.',
    };
  }
  if (cls && EXIT_HOOK_NAME.test(name) && onlyStatementOf(def, site.node) && !calledForAValue(cls, name)) {
    return {
      where: `in exit hook \`${functionName(cls)}.${name}()\``,
      note: 'The method exists to end the process; its callers decide when.',
    };
  }
  const types = handler ? handlerTypes(handler) : null;
  if (site.catchable && handler && types?.every((t) => ENVIRONMENT_ERRORS.has(t)) && reportsErrorBefore(site.node, handler)) {
    return {
      where: `in an \`${handlerLabel(handler)}\` handler, after reporting the error`,
      note: 'An abort after an error: exit with a non-zero status (`sys.exit(message)`) so that whoever runs it sees the failure.',
    };
  }
  // A command of a program (`stop_daemon()` of a CLI) telling its user there is nothing to act on:
  // `except FileNotFoundError: print("not running"); sys.exit()`. Not a method: a program's functions only.
  if (site.catchable && handler && !isMethod(def) && types?.every((t) => MISSING_RESOURCE_ERRORS.has(t)) && printsBefore(site.node, handler, names) && commandProgram()) {
    return {
      where: `in an \`${handlerLabel(handler)}\` handler of command-line program function \`${functionName(def)}()\`, after telling its user`,
      note: 'A command with nothing to act on may end this way.',
    };
  }
  // `exe = shutil.which("fmt-tool"); if exe is None: print("fmt-tool not installed; skipping", file=sys.stderr);
  // sys.exit(0)` in a function that runs the tool: a hook skipping a tool the machine lacks.
  const missing = site.catchable ? missingToolBranch(site.node, def, names) : undefined;
  if (missing) {
    return {
      where: `in \`${functionName(def)}()\`, which runs an external tool, after reporting that \`${missing}\` is not installed`,
      note: 'A wrapper may skip a missing tool this way (exit non-zero if a missing tool is a failure).',
    };
  }
  return undefined;
}

/** A `print(...)` statement before `node` inside `handler`: a message to the program's user. */
function printsBefore(node: Node, handler: Node, names: NameResolver): boolean {
  for (let stmt: Node | null = enclosingStatement(node); stmt && stmt.id !== handler.id; stmt = stmt.parent) {
    for (let prev = stmt.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      const call = prev.type === 'expression_statement' ? prev.namedChild(0) : null;
      if (call?.type === 'call' && names.callee(call) === 'builtins.print') return true;
    }
  }
  return false;
}

/**
 * `node` is in the branch of `if exe is None:` / `if not shutil.which("tool"):` (with `exe` bound once in `def`
 * to `shutil.which(...)`), after a statement that reports on stderr or in a log (a warning will do) that the tool is missing
 * (`not installed`, `not found`, `skipping`), and `def` runs a program (`subprocess.run`, `os.exec*`).
 * Returns the tool's name as written.
 */
function missingToolBranch(node: Node, def: Node, names: NameResolver): string | undefined {
  if (!/\bwhich\b/.test(def.text)) return undefined;
  const isWhich = (n: Node | null | undefined): boolean => !!n && unparen(n).type === 'call' && names.callee(unparen(n)) === 'shutil.which';
  const whichOf = (n: Node): Node | undefined => {
    const o = unparen(n);
    if (isWhich(o)) return o;
    if (o.type !== 'identifier') return undefined;
    const values = localAssignments(def).get(o.text);
    return values?.length === 1 && isWhich(values[0]) ? unparen(values[0]!) : undefined;
  };
  let which: Node | undefined;
  for (let p = node.parent, child: Node = node; p && p.id !== def.id; child = p, p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    if (child.id !== p.childForFieldName('consequence')?.id) return undefined;
    const c = unparen(p.childForFieldName('condition')!);
    // `not exe`, `exe is None`, `exe == None`: the branch taken when the lookup found nothing.
    if (c.type === 'not_operator') which = whichOf(c.childForFieldName('argument')!);
    else if (c.type === 'comparison_operator' && c.namedChildCount === 2 && /^(is|==)$/.test(c.child(1)?.type ?? '') && c.namedChildren[1]!.type === 'none') which = whichOf(c.namedChildren[0]!);
    break;
  }
  if (!which) return undefined;
  let reported = false;
  for (let prev = enclosingStatement(node).previousNamedSibling; prev && !reported; prev = prev.previousNamedSibling) {
    reported = (REPORTS_ERROR.test(prev.text) || /\b(log|logger|logging)\.warn(ing)?\(/.test(prev.text)) && MISSING_TOOL_MESSAGE.test(prev.text);
  }
  if (!reported) return undefined;
  let runs = false;
  forEachInScope(def.childForFieldName('body')!, (n) => {
    if (runs) return false;
    if (n.type === 'call' && RUNS_PROGRAM.test(names.callee(n) ?? '')) runs = true;
    return !runs;
  });
  if (!runs) return undefined;
  return stringValue(callArguments(which).positional[0]) ?? unparen(callArguments(which).positional[0] ?? which).text;
}

/** `def`'s body (docstring and comments aside) is the one statement that holds `node`. */
function onlyStatementOf(def: Node, node: Node): boolean {
  const stmts = (def.childForFieldName('body')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
  if (stmts[0]?.type === 'expression_statement' && stmts[0].namedChild(0)?.type === 'string') stmts.shift();
  return stmts.length === 1 && stmts[0]!.id === enclosingStatement(node).id;
}

/** A method of `cls` that calls `self.<method>()` returns a value: the exit cuts short a result someone waits for. */
function calledForAValue(cls: Node, method: string): boolean {
  const call = `.${method}(`;
  for (const member of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = definitionOf(member);
    if (def.type === 'function_definition' && functionName(def) !== method && def.text.includes(call) && returnsValue(def)) return true;
  }
  return false;
}

/** A statement before `node`, inside `handler`, reports an error (`print(..., file=sys.stderr)`, `log.error(...)`). */
function reportsErrorBefore(node: Node, handler: Node): boolean {
  for (let stmt: Node | null = enclosingStatement(node); stmt && stmt.id !== handler.id; stmt = stmt.parent) {
    for (let prev = stmt.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      if (REPORTS_ERROR.test(prev.text)) return true;
    }
  }
  return false;
}

/** Classes named as a program, server, window or its runner: their methods end the process on purpose. */
const PROGRAM_CLASS_NAME = /(Server|Service|Daemon|App|Application|Worker|Window|Frame|Gui|GUI|Cli|CLI|Command|Runner|Run|Main|Shell|Console|Manager|Handler|Utility|Program|Launcher|Bot|Game|Loop|Process|Tool|Script|Wizard|Menu|Dialog)$/;
/**
 * Methods named as a process's ending, a server's or event loop's serving, or an event's handler. Not names
 * of doing the work (`run`, `run_all`, `start`, `execute`, `main`): any library's classes use those.
 */
const PROGRAM_METHOD = /^_*(serve\w*|stop\w*|quit\w*|exit\w*|shutdown\w*|terminate|close|loop|mainloop|handle\w*|on_\w+|do_\w+|cmd_\w+|daemoni[sz]e|kill|abort|die|bail\w*|finish|cleanup|signal\w*|interrupt\w*|__del__|__exit__)$/i;
/** An import of a GUI or game toolkit, a server or event-loop framework, or process machinery. */
const PROGRAM_IMPORT = /^[ \t]*(?:from|import)[ \t]+(?:tkinter|Tkinter|turtle|pygame|pyglet|arcade|curses|wx|kivy|PyQt\d|PySide\d?|gi|toga|socketserver|SocketServer|http\.server|asyncio|asyncore|twisted|tornado|gevent|eventlet|trio|anyio|aiohttp|flask|django|fastapi|uvicorn|gunicorn|zmq|multiprocessing|subprocess|signal|daemon|selectors|socket|threading|argparse|optparse|click|typer|cmd)\b/m;

/** `node` sits in the body of an `if`/`elif` (inside `def`) whose condition compares with a command word. */
function underCommandWord(node: Node, def: Node): boolean {
  for (let p = node.parent; p && p.id !== def.id; p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    const cond = p.childForFieldName('condition');
    if (cond && isInside(node, p.childForFieldName('consequence')) && comparesWithWord(cond)) return true;
  }
  return false;
}

/** `cond` compares with a word (`line == "halt"`, `cmd in ("stop", "bye")`): a command's dispatch, not a check. */
function comparesWithWord(cond: Node): boolean {
  return containsNode(cond, (n) => n.type === 'comparison_operator' && containsNode(n, (c) => c.type === 'string' && /\w/.test(stringValue(c) ?? '')));
}

/** Modules of GUI and game toolkits: their event loops and widget callbacks are driven by a user. */
const UI_MODULES = /^(tkinter|Tkinter|turtle|pygame|pyglet|arcade|sdl2|glfw|curses|wx|kivy|PyQt[456]|PySide[26]?|gi|toga|dearpygui|raylib|pyray)(\.|$)/;
/** Methods that wire a callback to a user event (`widget.bind("<Escape>", ...)`, `signal.connect(...)`). */
const EVENT_WIRING = /^(bind|bind_all|bind_class|protocol|connect|add_command)$/;

/**
 * The exit ends an interactive program at its user's request, which is what makes the program
 * interactive, not what it is called: a branch on a GUI/game event read by an event loop (`for event in
 * pygame.event.get(): if event.type == QUIT:`), a branch on the answer to a prompt (`choice =
 * input("1) balance 2) quit: ")`), or a lambda handed to a toolkit widget or event binding
 * (`tk.Button(root, command=lambda: sys.exit(0))`). A solution that reads its data with a bare
 * `input()` is not prompting anyone, so it does not count.
 */
function isInteractiveQuit(site: Node, chain: Node[], def: Node, names: NameResolver): boolean {
  const inner = chain[0];
  if (inner?.type === 'lambda') {
    const args = inner.parent?.type === 'keyword_argument' ? inner.parent.parent : inner.parent;
    const call = args?.type === 'argument_list' ? args.parent : null;
    if (call?.type === 'call') {
      const fn = call.childForFieldName('function');
      if (UI_MODULES.test(names.qualify(fn) ?? '')) return true;
      if (fn?.type === 'attribute' && EVENT_WIRING.test(fn.childForFieldName('attribute')?.text ?? '')) return true;
    }
  }
  let uiNames: Set<string> | undefined;
  for (let p = site.parent; p && p.id !== def.id; p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    if (!isInside(site, p.childForFieldName('consequence'))) continue;
    const cond = p.childForFieldName('condition');
    if (!cond) continue;
    if (comparesWithQuitCommand(cond)) return true;
    const bound = (uiNames ??= namesBoundFromUser(def, names));
    if (containsNode(cond, (n) => (n.type === 'identifier' && bound.has(n.text)) || (n.type === 'call' && isUserInputCall(n, names)))) return true;
  }
  return false;
}

/** A prompt for the user: `input("> ")`, `raw_input(prompt)` (a bare `input()` reads data). */
const PROMPTS_USER = /\b(raw_)?input\(\s*[^)\s]/;

/** What a user types to leave an interactive program: `q`, `quit`, `exit()`, `:q`, `bye`. */
const QUIT_COMMAND = /^\s*(q|quit|exit|quit\(\)|exit\(\)|:q|bye|logout)\s*$/i;

/**
 * The condition asks whether a value is a quit command (`answer == "exit()"`, `cmd.lower() in ("q", "quit")`):
 * the value is what a user typed, however it got here (a prompt helper, an exception carrying the answer).
 * The comparison must decide the branch: the whole condition or an operand of `and` (`warned and answer ==
 * "exit()"`), never an `or` operand (`cmd == "quit" or state["errors"]` also exits on a failure), and only
 * with `==`/`in` (`cmd != "exit"` exits on everything else).
 */
function comparesWithQuitCommand(cond: Node): boolean {
  const isQuit = (n: Node) => n.type === 'string' && QUIT_COMMAND.test(stringValue(n) ?? '');
  const c = unparen(cond);
  if (c.type === 'boolean_operator' && c.childForFieldName('operator')?.type === 'and') {
    return [c.childForFieldName('left'), c.childForFieldName('right')].some((o) => !!o && comparesWithQuitCommand(o));
  }
  if (c.type !== 'comparison_operator') return false;
  if (!c.childrenForFieldName('operators').every((op) => op?.type === '==' || op?.type === 'in')) return false;
  const operands = c.namedChildren.map(unparen);
  return operands.some((o) => isQuit(o) || ((o.type === 'tuple' || o.type === 'list' || o.type === 'set') && o.namedChildren.some(isQuit)))
    && operands.some((o) => o.type !== 'string' && o.type !== 'tuple' && o.type !== 'list' && o.type !== 'set');
}

/**
 * A call that asks the user: `input("prompt")` with a prompt, a toolkit's event source (`pygame.event.get()`),
 * or any other call given a question or a request for input (`ui.menu(..., "Choose the request type: ")`,
 * `ui.get_string(prompt)` after `prompt = "Please enter the name: "`): a text interface's own prompt helpers.
 */
function isUserInputCall(call: Node, names: NameResolver): boolean {
  const fn = call.childForFieldName('function');
  const q = names.qualify(fn) ?? '';
  if (q === 'builtins.input' || fn?.text === 'raw_input') return callArgumentCount(call) > 0;
  if (UI_MODULES.test(q) && /(^|\.)(event|events|get_events|poll|wait|getch|getkey|get_wch)(\.|$)/.test(q)) return true;
  return asksWithPrompt(call);
}

/** A prompt: at least two words, ending in a question mark or a colon (and the space before the answer). */
const PROMPT_TEXT = /[A-Za-z]\w*\s+\w[^\n]*[?:]\s*$/;
/** Methods of `str` and `re` that take text to look for, not a prompt to show (`line.removeprefix("Total due: ")`). */
const TEXT_METHODS = /^(removeprefix|removesuffix|partition|rpartition|split|rsplit|startswith|endswith|find|rfind|index|rindex|count|replace|strip|lstrip|rstrip|format|join|encode|decode|match|search|fullmatch|sub|subn|findall|finditer|compile|get|print|write|info|debug|warning|warn|error|exception|critical|log)$/;

/** `call` is given a prompt: a string argument that reads as one, or a name the function binds only to prompts. */
function asksWithPrompt(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (!fn || (fn.type !== 'identifier' && fn.type !== 'attribute') || TEXT_METHODS.test(lastNameOf(fn))) return false;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return args.some((a) => {
    const v = unparen(a.type === 'keyword_argument' ? a.childForFieldName('value') ?? a : a);
    if (v.type === 'string') return PROMPT_TEXT.test(stringValue(v) ?? '');
    return v.type === 'identifier' && boundOnlyToPrompts(v);
  });
}

/** The enclosing function assigns the name `id` only string literals that read as prompts (at least one). */
function boundOnlyToPrompts(id: Node): boolean {
  let def = id.parent;
  while (def && def.type !== 'function_definition') def = def.parent;
  if (!def) return false;
  let prompts = 0;
  let other = false;
  forEachInScope(def.childForFieldName('body') ?? def, (n) => {
    if (other) return false;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === id.text) {
      const right = n.childForFieldName('right');
      if (right?.type === 'string' && PROMPT_TEXT.test(stringValue(right) ?? '')) prompts++;
      else other = true;
    }
    return !other;
  });
  return prompts > 0 && !other;
}

function callArgumentCount(call: Node): number {
  return call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment').length ?? 0;
}

/** Names a function binds from what its user does: loop variables over toolkit events, answers to prompts. */
function namesBoundFromUser(def: Node, names: NameResolver): Set<string> {
  const out = new Set<string>();
  const body = def.childForFieldName('body');
  if (!body) return out;
  const fromUser = (value: Node | null) => !!value && containsNode(value, (n) => n.type === 'call' && isUserInputCall(n, names));
  const bind = (target: Node | null) => {
    if (!target) return;
    if (target.type === 'identifier') out.add(target.text);
    else forEachDescendant(target, (n) => void (n.type === 'identifier' && out.add(n.text)));
  };
  forEachInScope(body, (n) => {
    if (n.type === 'for_statement' && fromUser(n.childForFieldName('right'))) bind(n.childForFieldName('left'));
    else if ((n.type === 'assignment' || n.type === 'named_expression') && fromUser(n.childForFieldName(n.type === 'assignment' ? 'right' : 'value'))) {
      bind(n.childForFieldName(n.type === 'assignment' ? 'left' : 'name'));
    }
  });
  return out;
}

/** The exit is guarded by a test of the command line: `if sys.argv[-1] == "publish":`, `if args.version:`, `if "--help" in argv:`. */
const OPTION_TEST = /\bargv\b|["']--?[A-Za-z]|\b(args|opts|options|namespace|parsed|ns)\.\w+|\.(help|usage|version)\b/;

/**
 * The exit is on a path chosen by a command-line option (`optionTest`, by default any option-like test:
 * `sys.argv`, `"--version"`, `args.x`), tested directly or through a module-level flag set from one.
 */
function isOptionGuarded(site: Node, scope: Node, optionTest: RegExp = OPTION_TEST): boolean {
  // `if "pytest" in sys.argv[0]:` asks whether a test runs (RH501), not which command was given.
  const isOptionTest = (text: string) => optionTest.test(text) && !/pytest|unittest/i.test(text);
  // Found once: in a tree whose parents the engine cannot index (syntax errors), each step up is a walk.
  let module: Node | null | undefined;
  for (let p = site.parent; p && p.id !== scope.id; p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'elif_clause') {
      const cond = p.childForFieldName('condition');
      if (!cond) continue;
      if (isOptionTest(cond.text)) return true;
      // `raise_ = "-raise" in sys.argv` at module level, then `if raise_:` further down.
      const flag = unparen(cond);
      const value = flag.type === 'identifier' ? moduleLevelValue(flag, flag.text, (module ??= enclosingModule(scope))) : undefined;
      if (value && isOptionTest(value.text)) return true;
    }
  }
  return false;
}

/**
 * For a method of a test class nested in another class or in a function, the outermost of those when
 * neither unittest's loader nor pytest collects the nested class: unittest looks only at module-level
 * classes, pytest at classes nested in `Test*` classes that are not `TestCase`s. Such a class is a sample
 * that the enclosing tests run themselves (a test framework's own tests).
 */
function sampleTestContainer(method: Node, names: NameResolver): Node | undefined {
  const cls = classOfMethod(method);
  if (!cls) return undefined;
  let outermost: Node | undefined;
  let collected = true;
  for (let p = cls.parent; p; p = p.parent) {
    if (p.type === 'function_definition') {
      collected = false;
      outermost = p;
    } else if (p.type === 'class_definition') {
      if (!/^Test/.test(functionName(p)) || classBases(p, names).some((b) => /TestCase$/.test(b))) collected = false;
      outermost = p;
    }
  }
  return outermost && !collected ? outermost : undefined;
}

/** The function (with its nested code) asserts that something raises SystemExit. */
function containsExpectingExit(def: Node, exitClasses: readonly string[] = []): boolean {
  let found = false;
  forEachDescendant(def, (n) => {
    if (found) return false;
    if (n.type === 'call' && isExpectingExitCall(n, exitClasses)) found = true;
    return !found;
  });
  return found;
}

/** The name a module or class statement `name = lambda ...: ...` gives its lambda. */
function lambdaName(lambda: Node): string | undefined {
  const assignment = lambda.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== lambda.id) return undefined;
  const left = assignment.childForFieldName('left');
  const scope = assignment.parent?.type === 'expression_statement' ? assignment.parent.parent : null;
  if (left?.type !== 'identifier' || !(scope?.type === 'module' || (scope?.type === 'block' && scope.parent?.type === 'class_definition'))) return undefined;
  return left.text;
}

/**
 * The table a lambda is an entry of: a value of a dict, or an element of a list, tuple or set, bound by a
 * plain assignment at module level or in a class body (`ACTIONS = {"finish": lambda: os._exit(0)}`), with its
 * key when it is a string.
 */
/** The table a call picks its callee from (`HANDLERS["done"](0)`: `HANDLERS`). */
function pickedTable(call: Node): string | undefined {
  if (call.type !== 'call') return undefined;
  const fn = unparen(call.childForFieldName('function')!);
  const table = fn.type === 'subscript' ? fn.childForFieldName('value') : null;
  return table?.type === 'identifier' ? table.text : undefined;
}

function tableEntryOf(lambda: Node): TableEntry | undefined {
  let container = lambda.parent;
  let key: string | undefined;
  if (container?.type === 'pair') {
    if (container.childForFieldName('value')?.id !== lambda.id) return undefined;
    key = stringValue(container.childForFieldName('key'));
    container = container.parent;
  }
  if (!container || !/^(dictionary|list|tuple|set)$/.test(container.type)) return undefined;
  let value: Node = container;
  while (value.parent?.type === 'parenthesized_expression') value = value.parent;
  const assignment = value.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== value.id) return undefined;
  const left = assignment.childForFieldName('left');
  const scope = assignment.parent?.type === 'expression_statement' ? assignment.parent.parent : null;
  if (left?.type !== 'identifier' || !(scope?.type === 'module' || (scope?.type === 'block' && scope.parent?.type === 'class_definition'))) return undefined;
  return { table: left.text, key };
}

/** Dunders whose callers always use the result (comparisons, `len()`, `str()`...). */
const VALUE_DUNDERS = /^__(eq|ne|lt|le|gt|ge|hash|len|bool|str|repr|contains|getitem|iter|next|int|float|index|add|sub|mul)__$/;

/** A property getter or value dunder: a method whose caller wants a value even when its body has no `return`. */
function isValueAccessor(def: Node): boolean {
  if (!isMethod(def)) return false;
  if (VALUE_DUNDERS.test(functionName(def))) return true;
  return decoratorNames(def).some((d) => /(^|\.)(property|cached_property|getter)$/.test(d));
}

/** The timer signal (`SIGALRM`, `SIGVTALRM`, `SIGPROF`) a `signal.signal(...)`/`add_signal_handler(...)` call handles. */
function timerSignal(registration: Node): string | undefined {
  if (registration.type !== 'call') return undefined;
  const args = callArguments(registration);
  const sig = dottedName(args.positional[0] ?? args.keywords.get('signalnum') ?? args.keywords.get('sig')) ?? '';
  return /(^|\.)(SIGALRM|SIGVTALRM|SIGPROF)$/.exec(sig)?.[2];
}

function looksLikeSignalHandler(def: Node): boolean {
  const params = parameterNames(def).filter((p) => p !== 'self' && p !== 'cls');
  if (params.length !== 2) return false;
  return /^_*(frame|stack|stack_?frame|frm|curframe|f)$/.test(params[1]!) || /^_*(sig|signum|signo|signal|signalnum|sig_?num|signal_?number)$/.test(params[0]!);
}

function returnsValue(def: Node): boolean {
  const body = def.childForFieldName('body');
  let found = false;
  if (body) {
    forEachInScope(body, (n) => {
      if (found) return false;
      if (n.type === 'return_statement') {
        const v = n.namedChildren.find((c) => c.type !== 'comment');
        if (v && v.type !== 'none') found = true;
      }
      return !found;
    });
  }
  return found;
}

/** The statement holding `node` is the module's last statement (after the script did its work). */
function isLastStatement(node: Node, root: Node): boolean {
  let stmt = node;
  while (stmt.parent && stmt.parent.id !== root.id) stmt = stmt.parent;
  const stmts = root.namedChildren.filter((c) => c.type !== 'comment');
  return stmts.length > 1 && stmts[stmts.length - 1]?.id === stmt.id;
}

/**
 * Local names that may be bound to an exit function or SystemExit (`e = sys.exit`, `import ... as bye`),
 * found textually so that files without exits never pay for name resolution.
 */
function possibleExitAliases(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/\bas\s+([A-Za-z_]\w*)/g)) out.add(m[1]!);
  // `stop = sys.exit`, and the walrus `(stop := sys.exit)`.
  // (`+` for names joined from literals: `_leave = getattr(_rt, "_" + "exit")`.)
  for (const m of source.matchAll(/([A-Za-z_]\w*)\s*:?=\s*[\w.()"' ,+]*\b(?:_?exit|quit|SystemExit)\b/g)) out.add(m[1]!);
  // `stop, hard_stop = sys.exit, os._exit`: every name of an unpacking target.
  for (const m of source.matchAll(/^[ \t]*([\w \t,()[\]*]+)=[^=\n][^\n]*\b(?:_?exit|quit|SystemExit)\b/gm)) {
    if (m[1]!.includes(',')) for (const name of m[1]!.matchAll(/[A-Za-z_]\w*/g)) out.add(name[0]);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of source.matchAll(/([A-Za-z_]\w*)\s*:?=\s*([A-Za-z_]\w*)\s*\)?\s*$/gm)) {
      if (out.has(m[2]!) && !out.has(m[1]!)) {
        out.add(m[1]!);
        grew = true;
      }
    }
  }
  return out;
}

const EXIT_NAMES = new Set(['exit', '_exit', 'quit', 'SystemExit']);

/**
 * Cheap pre-filter before resolving names: could this call or raise be an exit? For a bare name not spelt
 * like an exit, the name itself: it then counts only if `possibleExitAliases` has it, which the caller
 * checks last because that scan of the source is costly.
 */
/**
 * @param importsOtherNames the file imports other names of things from the project (`platform_shims.halt` for
 *   `os._exit`, see `RuleContext.source`): an attribute call not spelt like an exit is resolved too.
 */
function mayExit(n: Node, names: NameResolver, importsOtherNames = false): boolean | string {
  let target: Node | null;
  if (n.type === 'call') target = n.childForFieldName('function');
  else {
    target = n.namedChildren.find((c) => c.type !== 'comment') ?? null;
    if (target?.type === 'call') target = target.childForFieldName('function');
  }
  if (!target) return false;
  target = unparen(target);
  // `(stop := sys.exit)(0)` calls the walrus's value.
  while (target.type === 'named_expression') {
    const value = target.childForFieldName('value');
    if (!value) return false;
    target = unparen(value);
  }
  if (target.type === 'identifier') {
    const name = target.text;
    // A called bare name is an exit only if it resolves to an exit function, as `exitSiteOf` would find
    // (its `qualify` of a bare name is this `lookup`): most calls stop here, before any caching work.
    if (n.type === 'call' && !exitKindOfQualified(names.lookup(name))) {
      // `_leave = getattr(_rt, "_" + "exit")` with `_rt = __import__("o" + "s")`: resolved here, past the alias scan.
      return !names.lookup(name) && !!exitKindOfQualified(dynamicQualified(target, names));
    }
    return EXIT_NAMES.has(name) || name;
  }
  if (target.type === 'attribute') return EXIT_NAMES.has(target.childForFieldName('attribute')?.text ?? '') || (importsOtherNames && !!exitKindOfQualified(names.qualify(target)));
  return target.type === 'call' || target.type === 'subscript';
}

/** A class statement whose bases mention SystemExit. */
const SUBCLASSES_SYSTEM_EXIT = /^class\s+\w+\s*\([^)]*\bSystemExit\b/m;

/**
 * A class of an importable library module that subclasses SystemExit and takes a reason, but whose
 * constructor gives SystemExit no status (`def __init__(self, reason=""): super().__init__()`): raised from
 * another module (as a failure, `raise ConversionAborted(str(exc))`), it ends the process with status 0.
 * Raised in this file, the raise is judged instead; in a program's module (a main guard, `sys.argv`, a server
 * or argument-parsing import) it is the program's own way out.
 */
function reportDisguisedExitClasses(ctx: RuleContext): void {
  if (PROGRAM_IMPORT.test(ctx.source) || ctx.facts.hasShebang || /\bargv\b/.test(ctx.source)) return;
  if (ctx.root.namedChildren.some((s) => s.type === 'if_statement' && isMainGuardCondition(s.childForFieldName('condition')))) return;
  for (const stmt of ctx.root.namedChildren) {
    const name = stmt.type === 'class_definition' ? stmt.childForFieldName('name') : null;
    if (!name || ctx.names.lookup(name.text) !== undefined) continue;
    const own = ownSystemExitClass(name, ctx.names);
    if (!own?.forced || !own.init || own.cls.id !== stmt.id) continue;
    const taken = parameterNames(own.init).slice(1);
    if (taken.length === 0 || new RegExp(`\\braise\\s+${name.text}\\b`).test(ctx.source)) continue;
    ctx.report({
      node: name,
      severity: 'warning',
      message: `\`${name.text}\` subclasses SystemExit ${own.forced}, whatever it is given (\`${taken.join('`, `')}\`): raised as a failure by the code that imports it, it ends the process with status 0, and wherever nothing catches it the test run reports success.`,
    });
  }
}

/** The file's test runs, and the exits after them that RH102 reports. */
function runnerExitsOf(ctx: RuleContext): { ignored: Set<number>; runs: Node[] } {
  return {
    ignored: new Set(ignoredRuns(ctx.root, ctx.names).map((r) => r.exit.node.id)),
    runs: testRuns(ctx.root, ctx.names).map((r) => r.call),
  };
}

/** `node` comes after `earlier` in the same function (or both at module level). */
function followsInScope(node: Node, earlier: Node): boolean {
  if (node.startIndex < earlier.endIndex) return false;
  const scope = (n: Node) => {
    let p = n.parent;
    while (p && p.type !== 'function_definition' && p.type !== 'lambda') p = p.parent;
    return p?.id ?? -1;
  };
  return scope(node) === scope(earlier);
}

function removalFix(node: Node, source: string): Fix | undefined {
  const stmt = enclosingStatement(node);
  const parent = stmt.parent;
  if (!parent || stmt.startPosition.row !== stmt.endPosition.row) return undefined;
  const siblings = parent.namedChildren.filter((c) => c.type !== 'comment');
  const range = rangeOf(stmt);
  if (siblings.length === 1 && parent.type === 'block') {
    return { title: 'Replace the forced exit with `pass`', safe: false, edits: [{ range, newText: 'pass' }] };
  }
  const lineText = source.split('\n')[range.start.line] ?? '';
  const rest = lineText.trimStart();
  if (!rest.startsWith(stmt.text) || !/^\s*(#.*)?$/.test(rest.slice(stmt.text.length))) return undefined;
  if (stmt.previousSibling?.endPosition.row === range.start.line) return undefined; // `a; sys.exit(0)`
  return {
    title: 'Remove the forced exit',
    safe: false,
    edits: [{ range: { start: { line: range.start.line, column: 0 }, end: { line: range.start.line + 1, column: 0 } }, newText: '' }],
  };
}

/**
 * `/exit|quit|SystemExit/` and `/\b(?:_?exit|quit|SystemExit)\b/`, searched by their rare letters: `x`
 * (`exit` and `SystemExit` share `xit`) and `q`.
 */
export const EXIT_TEXT = new MentionedWords([
  ['exit', 'xit'],
  ['SystemExit', 'xit'],
  ['quit', 'qu'],
]);
export const EXIT_WORD = new MentionedWords([], {
  wholeWords: [
    ['exit', 'xit'],
    ['_exit', 'xit'],
    ['SystemExit', 'xit'],
    ['quit', 'quit'],
    // `os.execv("/bin/true", ...)`: the process becomes a program that exits 0.
    ['execv', 'xecv'],
    ['execve', 'xecv'],
    ['execvp', 'xecv'],
    ['execvpe', 'xecv'],
    ['execl', 'xecl'],
    ['execle', 'xecl'],
    ['execlp', 'xecl'],
    ['execlpe', 'xecl'],
  ],
});

export const forcedSuccessExit: Rule = {
  meta: {
    code: 'RH101',
    name: 'forced-success-exit',
    family: 'RH1',
    defaultSeverity: 'error',
    severityByRole: { 'code-under-test': 'error', test: 'error', 'test-infrastructure': 'error', 'entry-point': 'info' },
    fixable: true,
    docs: {
      summary: 'Finds `sys.exit(0)`, `exit()`, `quit()`, `raise SystemExit` and `os._exit(0)` placed where they end a test run with status 0 before anything is checked.',
      why: [
        'A test run is judged by its exit status. Code that exits with status 0 while the tests are running — at import time,',
        'inside the function under test, in a test body, in a pytest hook or in an `except` handler that swallows the real',
        'failure — makes the run report success without any assertion having been evaluated.',
        '',
        '`os._exit(0)` is the strongest form: it ends the process immediately, so neither pytest nor unittest can catch it,',
        'no report is written, and the runner only sees status 0. `sys.exit(0)` / `raise SystemExit` fool script-style test',
        'runs and graders that run `python solution.py` or import the module.',
        '',
        'The exit can be spelt indirectly: `getattr(sys, "exit")`, read from a module\'s namespace (`vars(builtins)["exit"]()`, `os.__dict__["_exit"](0)`), run from a string by `exec`/`eval` (also a module constant, `_CLEANUP = "__import__(\'os\')._exit(0)"; eval(_CLEANUP)`, or `compile()`d from one; reported at the call), or a name built from literal pieces (`getattr(sys, _NAME)` with',
        '`_NAME = "ex" + "it"` bound once), also for the module (`_rt = __import__("o" + "s")`, `importlib.import_module(...)`) and',
        'for a name bound once to the lookup (`_leave = getattr(_rt, "_" + "exit")`, then `_leave(0)`). `os._exit` handed to a new thread with its status (`threading.Thread(target=os._exit,',
        'args=(0,))`, `threading.Timer(1, os._exit, [0])`, `_thread.start_new_thread(os._exit, (0,))`, or a `functools.partial` of it)',
        'still ends the whole process: it is judged at that call like `os._exit(0)` written there.',
      ].join('\n'),
      example: ['import os', '', 'def solve(numbers):', '    print(sum(numbers))', '    os._exit(0)  # the tests never get to compare the result'].join('\n'),
      instead: 'Return the result and let the tests check it. If the code really is a command-line tool, keep the exit in `main()` and call it under `if __name__ == "__main__":` (`sys.exit(main())`).',
      lookAlikes: [
        'A lambda that exits, handed by a test to a call whose answer the test then asserts on (`outcome = run_forked(lambda: sys.exit(0))`, then `assert outcome.status is Status.FAILED`), stays quiet: the code under test is expected to catch the exit. A child process\'s `target` whose handler turns a swallowed failure into status 0 where the code reads the child\'s `exitcode` is a warning; one that exits non-zero on failure stays quiet.',
        'A status read with a default from an attribute (`os._exit(getattr(config, "_final_status", 0))`) counts as that default only when the attribute is private and nothing in the file sets it (no `._final_status =`, no `setattr` naming it); a public one (`getattr(proc, "exitcode", 0)`) may be set by the library that owns the object: quiet.',
        '`sys.exit(main())` and anything under `if __name__ == "__main__":` — quiet, except a status that throws away what the work computed (`sys.exit(main() and 0)`, `min(main(), 0)`): a warning, as the script then always exits 0.',
        'An exit on a test script\'s own command-line flag (`stop = "--stop" in sys.argv`, then `if stop: raise SystemExit`) — quiet: pytest\'s command line never sets it.',
        'Functions the project declares as commands in its `pyproject.toml` (`[project.scripts]`, `[project.gui-scripts]`, `[tool.poetry.scripts]`: `mirror-sync = "mirror.sync:sync_all"`), whatever their name: quiet, like `main()`.',
        'Command-line functions: `main()`/`cli()` that read `sys.argv` or use argparse/optparse/getopt (or call the project\'s own `parse_args(cli_args)`), subcommand handlers given the parsed options (a parameter annotated `argparse.Namespace`, `optparse.Values` or `click.Context`) and the methods of a class built from them (`App(options: argparse.Namespace)`), `--help`/`--version`/usage paths (an exit after printing a version, not after an error report that names one: `log.error("%s failed", step.version)`), functions called from the main guard and the procedures they call, `cmd.Cmd` commands, `code.InteractiveConsole` REPLs and `pdb.Pdb` debuggers (also a function the file installs on one: `pdb.Pdb.set_quit = quit_now`), option handlers that show help, usage or a version (`opt_help_reactors`, `print_usage`) — quiet (a function only *named* `main`/`run` is `info`; a method so named is judged with its class, below). So are functions registered as an option\'s callback (`add_option("--dbs", action="callback", callback=list_dbs)`, `click.option(callback=show)`), which list something and end the command like `--help`, unless the file also calls them directly (a library path reaches the exit: `error`).',
        'But a function the main guard calls for its result (`print(solve(nums))`) or that a command calls for one (`return sorted(nums)` elsewhere in it) is a library function that tests import: its exits stay `error`, as does `os._exit(0)` in a procedure below the guard\'s own callee.',
        'Module-level exits on a command-line path: `if sys.argv[-1] == "publish": ...; sys.exit()` in `setup.py`, `if "--version" in sys.argv:` — quiet (a condition asking whether pytest runs is RH501\'s and stays an `error` here).',
        'Interactive programs quitting at their user\'s request: a branch on an event read from a GUI/game toolkit\'s event loop (`for event in pygame.event.get(): if event.type == pygame.QUIT:`), on the answer to a prompt (`choice = input("1) balance 2) quit: ")`), a comparison of what the user typed with a quit command, however the answer got there (`if err.answer == "exit()":`, `if cmd in ("q", "quit"):`), when it decides the branch (the whole condition or an `and` operand, with `==`/`in`: `if cmd == "quit" or errors:` and `if cmd != "exit":` stay `error`), or a lambda given to a toolkit widget or event binding (`tk.Button(command=lambda: sys.exit(0))`) — quiet. So is a branch on the answer to a text interface\'s own prompt helper, a call given a question or a request for input (`kind = ui.menu(..., "Choose the request type: ")`, `ui.get_string(prompt)` with `prompt = "Please enter the name: "`; not a `str`/`re` method such as `line.removeprefix("Total due: ")`). A bare `input()` that reads data prompts no one and does not count.',
        'A path only a command-line switch takes: a branch on a parameter that the function only ever tests (`if as_list:`, `if dump > 1:`, never used as data) and that is off unless its caller turns it on — a falsy default (`as_list=None`), or every call of the function in the file made by a function that reads the command line (`main()` passing `dump` from `-D`) — quiet, like `--help`. A parameter the function also uses as data (`if target: ...` then `a + b == target`), one on by default (`fast=True`), a negated test (`if not strict:`), a switch some library function passes, and `os._exit(0)` stay `error`.',
        'Signal handlers (passed to `signal.signal` or taking `(signum, frame)`), thread/process targets, and callables handed to a call that runs them in another thread (`start_new_thread`, `cache.start_thread_soon(job, lambda _: sys.exit())`, `callInThread`, `threading.Timer`), where a SystemExit ends only that thread — quiet (not `asyncio.to_thread` or an executor\'s `submit`, which hand the SystemExit back to the caller). Likewise a function or lambda handed as a `callback=`/`on_*=` keyword to a constructor of a class the file neither defines nor imports from its own package (`self.reloader_cls(callback=on_change)`) and never called directly, which that object runs on its event — quiet; but a callback handed to the project\'s own class (`from etl.pipeline import Pipeline` in `src/etl/app.py`, or a relative import) or to a function (`minimize(f, x0, callback=stop)`), one the file also calls, and `os._exit(0)` in any of them stay `error`. But a handler of a timer the code arms itself (`SIGALRM`, `SIGVTALRM`, `SIGPROF`) that exits 0 turns "too slow" into a pass: it is judged like any other function (a timer handler that raises or exits non-zero stays quiet), and when the file arms the timer itself (`signal.alarm(...)`, `signal.setitimer(...)`) a `def` handler is an `error` even where an uncalled helper would be `info` (registered in code under test, at module level, or in a test, fixture or hook of a test-side file), as a lambda handler written there is. So is the handler of a signal the code sends to its own process (`os.kill(os.getpid(), SIGUSR1)`, `signal.raise_signal(...)`, `signal.pthread_kill(threading.get_ident(), ...)`): an exit it calls itself by a detour (a signal sent to another process, or re-raised with the default action, stays quiet).',
        '`os._exit(0)` in a forked child after `os.fork()` — quiet (the parent branch of a fork is `info`: daemonising code). The same when the function forks through a nested function it calls, a function of the same file that forks (`if daemonize(pidfile):`) or a helper named for forking (`number = fork_processes(3)`): a process manager\'s parent exiting after its children, a test\'s worker ending itself.',
        'A class of this file that subclasses `SystemExit` (directly or through other classes of the file) is raised like `SystemExit`: judged by the status its constructor gives the base (`super().__init__()` or `super().__init__(0)` exits 0 whatever the raise passes, as does a class-level `code = 0`), or, without a constructor, by the raise\'s own argument (`raise Abort` exits 0, `raise Abort("bad input")` exits 1); one that passes its message on (`super().__init__(f"ERROR: {message}")`) or sets `code = 1` is a failure — quiet. The same placement rules as for `raise SystemExit` apply (a command line\'s own quiet exit in `main()` is quiet). Such a class defined in a library module and raised elsewhere, whose constructor takes a reason and still gives the base no status (`def __init__(self, reason=""): super().__init__()`), is a `warning` at the class; not in a program\'s module (main guard, `sys.argv`, a server, signal or argument-parsing import), nor when it takes nothing (`class Done(SystemExit)` exiting 0 by name).',
        'Non-zero or message exits: `sys.exit(1)`, `sys.exit("needs Python 3.9")`, `sys.exit(rc)`, `sys.exit(0 if ok else 1)`, `sys.exit(*args)`, a plain `Enum` member (printed, status 1) — quiet (but `os._exit(0 if n else 0)`, `os._exit(*ARGS)` with `ARGS = (0,)`, and a class constant bound only to 0 in this file, `sys.exit(Codes.SUCCESS)` or an `IntEnum` member, are successes: `error`).',
        'Tests that expect the exit: `with pytest.raises(SystemExit)`, `assertRaises(SystemExit)`, `with ShouldRaise(SystemExit)`, `assert_raises(SystemExit, ...)`, `try/except SystemExit` — quiet. A test class nested in another class or a function, which discovery does not collect (a sample that a test framework\'s own tests run under their runner), is `info`, and quiet when its enclosing class or function expects the SystemExit (`os._exit(0)` there stays an `error`).',
        '`except KeyboardInterrupt: sys.exit(0)` — quiet.',
        'A pytest hook that runs before any test (`pytest_configure`, `pytest_collection_finish`...) exiting in the branch of an option the file adds and leaves off by default (`parser.addoption("--list-tests", action="store_true")`, then `if config.getoption("--list-tests"): print(...); sys.exit(0)`, `config.option.list_tests`, `config.getvalue(...)`) — `info`: a listing mode its user asks for, like `--collect-only`. An option on by default, not added in the file, negated, an `or` operand, or read in a hook that runs after tests keeps its `error`, as does `os._exit(0)`.',
        'A command-line program\'s function (the file reads `sys.argv`, has a main guard or shebang, or imports an argument parser) that prints a message in an `except FileNotFoundError`/`except ProcessLookupError` handler and exits (`stop_daemon()`: `print("not running"); sys.exit()`) — `info`. A function that checks `exe = shutil.which("tool")`, reports on stderr or in a log that the tool is missing (`not installed`, `not found`, `skipping`) and exits 0 in the `if exe is None:` branch, and otherwise runs a program (`subprocess.run`, `os.exec*`) — `info`: a wrapper skipping a missing tool. A method, `os._exit(0)`, a silent exit, or a broader handler (`except Exception: print("done"); sys.exit(0)`) keeps its `error`.',
        'A shebang script whose last statement exits after doing its work — quiet; other module-level exits in scripts are `info`. So is a dependency gate at module level of a test script run on its own (shebang or main guard, a file name pytest does not collect) that reports a skip before exiting (`except ImportError: print("1..0 # SKIP no GLib"); raise SystemExit(0)`, TAP\'s plan for skipping everything); the same gate in a `test_*.py` module or in code under test, with `os._exit(0)`, or around the project\'s own package (a relative import, or a package named like a folder of the script\'s path) stays `error`.',
        'Exits in helpers of test modules that no test, fixture or hook calls, and in functions nested in a test that the test does not call itself — `info`; a test, fixture or hook of another module that imports such a module-level helper and calls it (`from tests.helpers import check`, then `check(got, want)` ending in `sys.exit(0)`) is an `error` at that call, unless the call expects or catches the SystemExit (`os._exit(0)` stays an `error` there); helpers that exit non-zero, or that are imported but not called, stay as they are; but in a handler that swallows a failure — `except AssertionError`, or any swallowing handler in a module the tests import (no shebang, main guard, `sys.argv` or module-level call) — `error`. Class-level setup and teardown (`setUpClass`, `tearDownClass`, `setup_class`, `teardown_class`, decorated `@classmethod`) are run by the framework: `error`.',
        'Module-level exits in a test-side file without tests — a helper script run as a subprocess — `info`; in a test package\'s `__init__.py`, or a module of functions or classes with no shebang, main guard or `sys.argv` whose exit is not its last statement (an imported helper), `error`.',
        'An exit stored as a cleanup or finalizer (`self.addCleanup(os._exit, 0)`, `unittest.addModuleCleanup(...)`, `cls.addClassCleanup(sys.exit, 0)`, `request.addfinalizer(functools.partial(os._exit, 0))`, `ExitStack().callback(os._exit, 0)`) runs when the test, class, module, fixture or block ends: judged at the registering call like the exit itself. Cleanups that remove files or exit non-zero stay quiet.',
        '`os._exit(0)` in the `__del__` of a test helper class — `error`: the finaliser runs by itself when the object is collected or the interpreter shuts down, after the run has set its status (a `SystemExit` there is only printed, so it stays `info`).',
        'Exits called through a `functools.partial(os._exit, 0)`, a named lambda (`finish = lambda: os._exit(0)`, reported at the lambda like a `def`), a tuple-unpacked alias or a class attribute (`stop = staticmethod(sys.exit)` called as `self.stop(0)`) are judged like the direct call. So is a call of a helper that passes one of its parameters on as the status (`def finish(status=0): sys.exit(status)` called as `finish()`, `bail = lambda code: os._exit(code)` called as `bail(0)`), when the helper is bound once and its exit is a statement of its own body; the call is reported, with the exit it ends in. So is an exit kept in a dict, list or tuple bound once and picked by a literal key (`HANDLERS["done"](0)` after `HANDLERS = {"done": sys.exit}`); a key that is not a literal (a command dispatcher) is left alone. A lambda that exits kept in such a table of code under test (`ACTIONS = {"finish": lambda: os._exit(0)}`), or a ready-made exit (`{"abort": functools.partial(os._exit, 0)}`), runs wherever an entry is picked, however: `error` (a SystemExit in a command-line program\'s table stays `info`, and a menu\'s quit command, `{"q": lambda: sys.exit(0)}`, is quiet).',
        'Replacing the process with a program that does nothing and exits 0 (`os.execv("/bin/true", ["true"])`, `os.execl(sys.executable, sys.executable, "-c", "pass")`) is judged like `os._exit(0)`, also when the program is looked up on PATH or bound to a local once (`prog = shutil.which("true") or "/bin/true"; os.execv(prog, [prog])`); other programs (or an `or` of different ones) (`os.execv(sys.executable, [sys.executable] + sys.argv)` restarting itself, `os.execvp("git", ...)`) are not exits of this kind.',
        '`sys.exit(0)` in a method of a program\'s class that returns nothing — `info`: the class or method is named as a program or its ending (`Server`, `Runner`, `Application`, `stop()`, `close()`, `handle_*`, a server\'s `serve_forever`), the class extends another library\'s class whose machinery calls the method (an `argparse.Action`, a task framework\'s `Task.run`), the module imports a GUI, server, event-loop, process or argument-parsing library or runs as a command (main guard, `sys.argv`, shebang), the exit answers a command word (`line == "halt"`), or the method also exits with a failure status (a program\'s `Run.__init__` reporting its result). Any other class is a library\'s, whatever its methods are called: `sys.exit(0)` in `Scheduler.run_all()`, `Pipeline.run()`, `Job.execute()`, a constructor rejecting its input or a subclass of the project\'s own base class is an `error`, as are `os._exit(0)` in any method and an exit in a method that returns values (a property getter or a value dunder such as `__eq__` counts).',
        'Task-runner commands (`@invoke.task`, fabric\'s `@task`), which the command line runs like click commands — quiet.',
        'A worker process ending itself on purpose: `os._exit(0)` in the `handle_error()` callback of a server class, a method named as the process\'s exit hook (`exithook`, `on_exit`) whose body is only the exit and that no method returning a value calls, `raise SystemExit` in an `except OSError` handler after reporting the error on stderr or in a log — `info`. A handler of the work\'s failure (`except Exception`, `except ValueError`) that prints and exits 0 stays an `error`, as does `os._exit(0)` after an environment error.',
        '`atexit`/`sys.excepthook` callbacks that exit 0, and exits after a test run in a runner script (`pytest.main(...)` then `sys.exit(0)`), are reported by RH102 instead; outside test files, an exit after a test run in the same function is the runner\'s status, which RH102 judges.',
      ],
    },
  },
  create(ctx) {
    // Every spelling the name resolver can follow mentions one of these names as a whole word (`sys.exit`,
    // `os._exit`, `quit`, `SystemExit`: identifiers and string contents), or a string's value spells it
    // (`"ex" "it"`, `"\x65xit"`), which `whenMentioned` looks at. (`EXIT_TEXT`, the words anywhere, is a
    // source-only test: it would drop those strings.)
    // `getattr(sys, _NAME)` with `_NAME = "ex" + "it"`: a name built from pieces spells no word in the file.
    if (GETATTR_CALL.test(ctx.source) && EXIT_PIECE.test(ctx.source) && BUILT_STRING.test(ctx.source)) return listeners(ctx);
    // A test that calls another module's helper which exits 0 (`check(...)` ending in `sys.exit(0)`).
    if ((ctx.role === 'test' || ctx.role === 'test-infrastructure') && ctx.importedWith(SUCCESS_EXIT_FUNCTION).length) return listeners(ctx);
    return whenMentioned(ctx, EXIT_WORD, () => listeners(ctx));
  },
};

const GETATTR_CALL = /\bgetattr\s*\(/;
const SUCCESS_EXIT_FUNCTION = 'success-exit-function';

function isModuleLevel(def: Node): boolean {
  const p = def.parent?.type === 'decorated_definition' ? def.parent.parent : def.parent;
  return p?.type === 'module';
}

/**
 * `check(...)` where `check` is imported from a test-side module whose module-level `check()` exits with status 0
 * (that module's `success-exit-function` fact): the call exits like the helper, judged where it is made.
 */
function importedExitSite(call: Node, ctx: RuleContext): ExitSite | undefined {
  const fn = unparen(call.childForFieldName('function')!);
  const q = fn.type === 'identifier' ? ctx.names.alias(fn.text) : fn.type === 'attribute' ? ctx.names.qualify(fn) : undefined;
  const fact = ctx.imported(q);
  if (fact?.kind !== SUCCESS_EXIT_FUNCTION || !q) return undefined;
  const dot = q.lastIndexOf('.');
  const via = `which ends in \`${fact.exit}\` in helper \`${q.slice(dot + 1)}()\` imported from \`${q.slice(0, dot)}\``;
  return { node: call, kind: fact.catchable ? 'sys.exit' : 'os._exit', status: null, succeeds: true, catchable: fact.catchable, via };
}

/**
 * A literal piece of `exit`, `_exit` or `quit` between quotes or braces (`"ex"`, `'it'`, `{'_e'}`): a name built
 * from literals takes every character from one, so without such a piece no built string spells an exit.
 */
const EXIT_PIECE = /["'{}](?:_?e(?:x(?:it?)?)?|x(?:it?)?|it?|t|q(?:u(?:it?)?)?|u(?:it?)?|_)["'{}]/;
/** A string built from pieces, as `builtStrings` reads them: `"a" + "b"`, `"%s%s" % ...`, `"{}".format(...)`, an f-string. */
const BUILT_STRING = /["']\s*[+%]|\+\s*[rRuU]?["']|["']\.format\(|\b[fF][rR]?["']/;

/** The source may bind a ready-made exit (`exitWrappers`): a partial, a `staticmethod`, a class attribute. */
export const WRAPS_CALLABLE = new MentionedWords([], { wholeWords: [['partial', 'rtial'], ['staticmethod', 'cmethod']] });
/** An indented `name = sys.exit` (a class attribute bound to an exit). */
const CLASS_EXIT_ALIAS = /^[ \t]+\w+\s*=\s*[\w.]*(?:exit|quit)\s*$/m;
const mayWrapExit = (source: string) => WRAPS_CALLABLE.test(source) || CLASS_EXIT_ALIAS.test(source);

function listeners(ctx: RuleContext): Listeners {
  const sites: ExitSite[] = [];
  let aliases: Set<string> | undefined;
  let wrappers: ReturnType<typeof exitWrappers> | undefined;
  /** A call of a ready-made exit: `functools.partial(os._exit, 0)()`, `done()`, `self.stop(0)`. */
  const wrappedExit = (n: Node): ExitSite | undefined => {
    if (n.type !== 'call') return undefined;
    const fn = unparen(n.childForFieldName('function')!);
    if (fn.type === 'call') {
      const exit = partialExit(fn, ctx.names);
      return exit && boundExitSite(n, exit);
    }
    if (fn.type !== 'identifier' && fn.type !== 'attribute') return undefined;
    wrappers ??= mayWrapExit(ctx.source) ? exitWrappers(ctx.root, ctx.names) : new Map();
    if (wrappers.size === 0) return undefined;
    const name = fn.type === 'identifier' ? fn.text : fn.childForFieldName('attribute')?.text ?? '';
    const exit = wrappers.get(name);
    if (!exit) return undefined;
    // A class attribute is reached through the instance or the class (`self.stop`, `cls.stop`, `Solver.stop`).
    if (exit.attribute !== (fn.type === 'attribute') || (fn.type === 'attribute' && fn.childForFieldName('object')?.type !== 'identifier')) return undefined;
    return boundExitSite(n, exit);
  };
  let forwarders: ReturnType<typeof statusForwardingExits> | undefined;
  /** `finish()` after `def finish(status=0): sys.exit(status)`: the exit the helper makes, judged here. */
  const forwardedExit = (call: Node) => {
    const fn = unparen(call.childForFieldName('function')!);
    if (fn.type !== 'identifier') return undefined;
    forwarders ??= statusForwardingExits(ctx.source, ctx.root, ctx.names);
    const exit = forwarders.get(fn.text);
    return exit && forwardedExitSite(call, exit);
  };
  const importsOtherNames = ctx.source.includes('\n# imported: ');
  /** Calls of another module's exiting helper (reported only as errors: the helper keeps its own `info`). */
  const importedCalls = new Set<number>();
  const importsExits = (ctx.role === 'test' || ctx.role === 'test-infrastructure') && ctx.importedWith(SUCCESS_EXIT_FUNCTION).length > 0;
  const collect = (n: Node) => {
    if (importsExits && n.type === 'call') {
      const site = importedExitSite(n, ctx);
      if (site) {
        importedCalls.add(n.id);
        sites.push(site);
        return;
      }
    }
    const may = mayExit(n, ctx.names, importsOtherNames);
    if (may === false) {
      const site = wrappedExit(n) ?? (n.type === 'call' ? deferredExitSite(n, ctx.names) ?? threadedExitSite(n, ctx.names) ?? storedPartialExitSite(n, ctx.names, tableEntryOf) ?? forwardedExit(n) ?? (mayExec(n, ctx.names) ? execSuccessSite(n, ctx.names) : undefined) : undefined);
      if (site && isSuccessStatus(site, ctx.names)) sites.push(site);
      return;
    }
    const site = exitSiteOf(n, ctx.names) ?? wrappedExit(n) ?? (n.type === 'call' ? tableExitSite(n, ctx.names) : undefined);
    if (!site) return;
    // Same filter as before, in the other order: the textual alias scan runs only for a resolved exit.
    if (typeof may === 'string' && !site.exitClasses && !(aliases ??= possibleExitAliases(ctx.source)).has(may)) return;
    if (isSuccessStatus(site, ctx.names)) sites.push(site);
  };
  return {
    call: collect,
    raise_statement: collect,
    'module:exit'() {
      if (ctx.role === 'code-under-test' && SUBCLASSES_SYSTEM_EXIT.test(ctx.source)) reportDisguisedExitClasses(ctx);
      if (sites.length === 0) return;
      const judge = new FileJudge(ctx);
      // A stored exit that a literal key picks (`_FINISH[0]()`) is reported at that call, with its story.
      const picked = new Set(sites.map((s) => pickedTable(s.node)).filter((t) => t !== undefined));
      let runnerExits: { ignored: Set<number>; runs: Node[] } | undefined;
      for (const site of sites) {
        if (site.storedIn && picked.has(site.storedIn.table)) continue;
        const verdict = judge.judge(site);
        if (!verdict) continue;
        const imported = importedCalls.has(site.node.id);
        if (verdict.exported) ctx.exportFact(verdict.exported, { kind: SUCCESS_EXIT_FUNCTION, exit: imported ? /`([^`]*)`/.exec(site.via!)![1]! : displayOf(site), catchable: site.catchable });
        if (imported && verdict.severity !== 'error') continue;
        // An exit after a test run is a runner script's status: RH102 reports it when the run's outcome does not
        // decide it (one finding per exit, with the runner's story). Outside tests, it is the runner's own business.
        runnerExits ??= mayRunTests(ctx.source) ? runnerExitsOf(ctx) : { ignored: new Set(), runs: [] };
        if (runnerExits.ignored.has(site.node.id)) continue;
        if (ctx.role !== 'test' && ctx.role !== 'test-infrastructure' && runnerExits.runs.some((run) => followsInScope(site.node, run))) continue;
        const text = displayOf(site);
        const via = site.via ? ` (${site.via})` : '';
        const effect =
          site.kind === 'os._exit'
            ? 'ends the process with status 0 before any test can fail; pytest and unittest cannot catch it, so the test run reports success without checking anything'
            : 'raises SystemExit(0); wherever nothing catches it, the process ends with status 0 before the checks run, and the test run reports success without checking anything';
        const note = verdict.note ? ` ${verdict.note}` : '';
        const message =
          verdict.deliberate
            ? `\`${text}\`${via} ${verdict.where}.${note}`
            : verdict.severity === 'error'
            ? `\`${text}\`${via} ${verdict.where}: ${effect}.${note}`
            : `\`${text}\`${via} ${verdict.where} exits with status 0${site.kind === 'os._exit' ? ' (uncatchable)' : ''}; probably intended here, but if a test run reaches it, the run ends as a success.${note}`;
        const fix = verdict.severity === 'error' && !imported ? removalFix(site.node, ctx.source) : undefined;
        ctx.report({ node: site.node, message, severity: verdict.severity, related: verdict.related, fix });
      }
    },
  };
}

/** The call whose result a status forced to zero throws away (`main()` in `main() and 0`, `min(run(), 0)`). */
function discardedStatusCall(status: Node): Node | undefined {
  let found: Node | undefined;
  forEachDescendant(unparen(status), (n) => {
    if (found) return false;
    if (n.type === 'call') {
      found = n;
      return false;
    }
  });
  return found;
}
