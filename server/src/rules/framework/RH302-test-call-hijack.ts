/**
 * RH302 test-call-hijack: the test is never run, or its failure never reaches the runner.
 *
 * - `pytest_pyfunc_call` / `pytest_runtest_protocol` returning a truthy value without running the test
 *   (no `pyfuncitem.obj(...)`, `item.runtest()`, `runtestprotocol(...)` anywhere in the hook), and a
 *   `pytest_runtestloop` that returns True without doing anything;
 * - `pytest_runtest_call` / `pytest_pyfunc_call` / `pytest_runtest_protocol` implementations that swallow
 *   the test's exception (`try: yield / except: pass`, `contextlib.suppress`, a handler that does not
 *   re-raise, also around a call of a function the hook defines to run the test, `def runner(): return
 *   fn(**kwargs)`) or `outcome.force_result(...)` it away; a handler that re-raises only on some paths
 *   (`if not quarantined(item): raise`, then `return None`) drops the failure of the tests its other paths pick;
 * - a test item's `runtest` / `obj` replaced by a no-op, or by a wrapper that runs it but swallows its
 *   failure (`item.runtest = safe_runtest`, `item.obj = tolerant(item.obj)` with `except Exception: pass`);
 * - `unittest.TestCase.run` (or `__call__`, `_callTestMethod`) overridden or rebound so the test method
 *   never runs; `TextTestRunner.run` / `TestSuite.run` replaced by something that never runs the suite;
 *   `TestResult.addFailure` / `addError` rebound to `addSuccess` or a no-op; `wasSuccessful` forced to
 *   return True; a runner script emptying the run's `failures`/`errors` before asking `wasSuccessful()`;
 * - a Django runner (`DiscoverRunner` subclass) whose `suite_result` / `run_tests` returns a falsy constant on
 *   every path, or that empties the result's failures in `run_suite` / `suite_result`; the same methods
 *   patched on `DiscoverRunner` itself (`DiscoverRunner.run_suite = lambda self, suite, **kw: TestResult()`);
 * - test functions replaced by no-ops (`setattr(cls, name, lambda self: None)` for `test*` names), see `neutered-tests.ts`;
 * - the test runner started again under `python -O`, which strips asserts, see `stripped-assertions.ts`.
 *
 * Plugins that do run the test (pytest-asyncio wrapping `pyfuncitem.obj`, rerunfailures/flaky/xdist
 * calling `runtestprotocol`) have evidence of running and stay quiet.
 */
import { allNodes, callArguments, dottedName, enclosingClass, moduleAssignments, moduleFunctionNamed, returnsOf, flatTree, forEachDescendant, forEachInScope, functionName, isMethod, localAssignments, parameterNames, returnValue, stringValue, unparen, type Node } from '../../engine/ast';
import { MentionedWords, spelledByValue, whenMentioned } from '../../engine/prefilter';
import { callRebindings, mayRebindCall } from '../../engine/rebinding';
import type { Report, Rule, RuleContext } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import {
  alwaysReturnsTruthy,
  baseNames,
  classifyHandler,
  nonRaisingPath,
  type HandlerInfo,
  collectThenCheck,
  defsByName,
  describeRebinding,
  exceptClauses,
  gatedBy,
  gatesOf,
  assignedHooks,
  hookNameOf,
  hookScope,
  returnedValues,
  hookParameters,
  hookStyle,
  isNoOp,
  localBindings,
  mentionsSkipRequest,
  mentionsXfail,
  rebindingsIn,
  replacementFunction,
  runEvidence,
  severityFor,
  isRunnerModuleNamedLikeTest,
  shownTarget,
  snippet,
  truthiness,
  type CollectedNodes,
  type Rebinding,
} from './helpers';
import { hooksBoundElsewhere } from './bound-hooks';
import { isTestCaseSubclassParameter } from './subclass-hooks';
import { mayNeuterTests, neuteredTests } from './neutered-tests';
import { mayStripAssertions, strippedAssertionRuns } from './stripped-assertions';
import { closedUnrun, onlyCoroutineGates, unrunCoroutineCalls } from './unawaited-tests';
import { builtStrings } from '../equality/helpers';

const RUN_HOOKS = new Set(['pytest_pyfunc_call', 'pytest_runtest_protocol', 'pytest_runtest_call', 'pytest_runtestloop']);
/** The item parameter per hook, as the hookspecs name it. */
const ITEM_PARAMS = ['pyfuncitem', 'item'];
/** Item attributes that are the test itself. */
const ITEM_TEST_ATTRS = new Set(['runtest', 'obj', '_obj']);
const ITEM_CLASS = /^(pytest|_pytest\.python|_pytest\.nodes|_pytest\.unittest|_pytest\.doctest)\.(Function|Item|TestCaseFunction|DoctestItem)$/;
const TESTCASE_RUN_ATTRS = new Set(['run', '__call__', '_callTestMethod']);
const TESTCASE_QUALIFIED = /^(unittest(\.case|\.async_case)?|django\.test(\.testcases)?|twisted\.trial\.unittest)\.\w*TestCase$/;
const RESULT_QUALIFIED = /^unittest(\.result|\.runner)?\.(TestResult|TextTestResult)$/;
const RUNNER_QUALIFIED = /^unittest(\.runner|\.suite)?\.(TextTestRunner|TestSuite|BaseTestSuite)$/;
const SUCCESS_NAMES = /^(addSuccess|addSkip|addExpectedFailure)$/;
/** The attributes whose rebinding `checkRebinding` looks at; it ignores every other. */
const REBOUND_ATTRS = new Set([...ITEM_TEST_ATTRS, 'run', '__call__', ...TESTCASE_RUN_ATTRS, 'addFailure', 'addError', 'wasSuccessful', 'run_suite', 'suite_result', 'run_tests']);
/**
 * A call's rebinding names its attribute in a string: the whole value (`setattr(x, "run", f)`) or its last
 * dotted segment (`mock.patch("m.C.run")`). Such a value is word characters and dots only, so a literal
 * without escapes that spell words (see `spellsByValue`) has it as is in its text: the attribute follows
 * the opening quote or a dot and ends at the closing quote.
 */
const ATTR_STRING_END = /["'.](?:runtest|_?obj|run|__call__|_callTestMethod|addFailure|addError|wasSuccessful|run_suite|suite_result|run_tests)["']/;
const ATTR_VALUE_END = /(?:^|\.)(?:runtest|_?obj|run|__call__|_callTestMethod|addFailure|addError|wasSuccessful|run_suite|suite_result|run_tests)$/;
/** The last piece of a recording method's name built from literals: `"add" + kind`, `f"add{kind}"` over `("Failure", "Error")`. */
const BUILT_NAME_END = /["'](?:Failure|Error)["']/;
/**
 * Every finding needs one of these: a run hook's name (def name or `specname=`), a `TestCase`/`TestResult`
 * base or owner, a `TestSuite`/`TextTestRunner` owner, a Django runner base or the result of its `run_suite`,
 * or a rebound `addFailure`/`addError`/`wasSuccessful`/`runtest`/`obj`/`_obj` attribute. The `Test` words go
 * first: most files that match have one.
 */
export const MENTIONS = new MentionedWords(
  [
    ['TestCase', 'Test'],
    ['TestResult', 'Test'],
    ['TestSuite', 'Test'],
    ['TextTestRunner', 'Test'],
    ['pytest_pyfunc_call', 'yfunc'],
    ['pytest_runtest_protocol', 'untest'],
    ['pytest_runtest_call', 'untest'],
    ['pytest_runtestloop', 'untest'],
    ['runtest', 'untest'],
    ['addFailure', 'Failu'],
    ['addError', 'Error'],
    ['wasSuccessful', 'Succes'],
    ['DiscoverRunner', 'Runner'],
    ['run_suite', 'suite'],
    // A `run` wrapper installed on a class it is handed (`case_cls.run = run`) that wipes `result.failures`.
    ['.failures', 'ailures'],
  ],
  { wholeWords: [['obj', 'j'], ['_obj', 'j']] },
);

function sev(ctx: RuleContext, node: Node, base: Severity, hookMethod = false): Severity {
  // A runner module named like a test (`test_runner.py` defining no test) is the project's runner, not a test.
  if (ctx.roleAt(node) === 'test' && isRunnerModuleNamedLikeTest(ctx)) return base;
  const out = severityFor(ctx, node, base, { hookMethod });
  if (out !== 'info' || base === 'info' || hookMethod || ctx.roleAt(node) !== 'test') return out;
  // In a class's `__init_subclass__`: Python runs it for every subclass as it is defined (each test class built
  // on the base), so it patches them at import like module-level code.
  if (inInitSubclass(node)) return base;
  // In a module-level function of a test-folder module: the module's own import-time call of it applies the
  // patch to the whole run, like module-level code; otherwise the modules that call it at import are told.
  const fn = patchingFunctionAround(node);
  if (!fn) return out;
  if (calledAtImport(ctx.root, fn)) return base;
  let pending = pendingPatchers.get(ctx);
  if (!pending) pendingPatchers.set(ctx, (pending = new Set()));
  pending.add(fn);
  return out;
}

/** `node` is in the `__init_subclass__` method of a class (directly, not in a function nested in it). */
function inInitSubclass(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return functionName(p) === '__init_subclass__' && p.parent?.type === 'block' && p.parent.parent?.type === 'class_definition';
  }
  return false;
}

/** Per (wrapped) context: module-level functions whose findings were lowered to `info` for being in a function. */
const pendingPatchers = new WeakMap<RuleContext, Set<string>>();

/** The module-level, undecorated, non-test function that `node` is in (at any depth), by name. */
function patchingFunctionAround(node: Node): string | undefined {
  let top: Node | null = null;
  for (let p = node.parent; p && p.type !== 'module'; p = p.parent) top = p;
  if (top?.type !== 'function_definition') return undefined;
  const name = functionName(top);
  return name && !/^test/i.test(name) ? name : undefined;
}

/**
 * Is the module-level function `name` (defined once) called by the module's own top-level code (also under
 * a module-level `if`/`try`/`with`), so that importing the module runs it?
 */
function calledAtImport(root: Node, name: string): boolean {
  if ((root.text.match(new RegExp(`\\bdef\\s+${name}\\b`, 'g'))?.length ?? 0) !== 1) return false;
  return moduleLevelCalls(root).some((c) => unparen(c.childForFieldName('function')!).text === name);
}

/** Calls made by a module's top-level statements (not inside its functions or classes). */
function moduleLevelCalls(root: Node): Node[] {
  let out = topLevelCalls.get(root);
  if (out) return out;
  const found: Node[] = [];
  forEachInScope(root, (n) => {
    if (n.type === 'call') found.push(n);
  });
  topLevelCalls.set(root, (out = found));
  return out;
}
const topLevelCalls = new WeakMap<Node, Node[]>();

const PATCHER_FACT = 'result-patching-function';

/**
 * A module's top-level calls of functions imported from another module of the project that rebind the result
 * or runner machinery (`from ._support import patch_result; patch_result()`): importing the module patches the run.
 */
function checkImportedPatchers(ctx: RuleContext): void {
  for (const call of moduleLevelCalls(ctx.root)) {
    const callee = unparen(call.childForFieldName('function')!);
    if (callee.type !== 'identifier') continue;
    const qualified = ctx.names.alias(callee.text);
    const fact = ctx.imported(qualified);
    if (fact?.kind !== PATCHER_FACT) continue;
    ctx.report({
      node: call,
      message: `\`${snippet(call)}\` runs \`${qualified!.replace(/^\.+/, '')}\` when this module is imported, which patches the run for every test: ${fact.detail}`,
      severity: sev(ctx, call, 'error'),
    });
  }
}

/** The context with its reports watched: a lowered finding in a function named in `pendingPatchers` is exported. */
function exportingPatchers(ctx: RuleContext): RuleContext {
  const wrapped: RuleContext = Object.create(ctx, {
    report: {
      value: (r: Report) => {
        ctx.report(r);
        const fn = r.severity === 'info' && r.node ? patchingFunctionAround(r.node) : undefined;
        if (fn && pendingPatchers.get(wrapped)?.has(fn)) ctx.exportFact(fn, { kind: PATCHER_FACT, detail: r.message });
      },
    },
  });
  return wrapped;
}

export const testCallHijack: Rule = {
  meta: {
    code: 'RH302',
    name: 'test-call-hijack',
    family: 'RH3',
    defaultSeverity: 'error',
    severityByRole: { 'test-infrastructure': 'error', 'code-under-test': 'error', 'entry-point': 'error', test: 'info' },
    docs: {
      summary: 'Finds pytest hooks and unittest overrides that report a test as run without running it, or that swallow its failure.',
      why:
        'pytest runs a test through `pytest_runtest_protocol` → `pytest_runtest_call` → `pytest_pyfunc_call`. A ' +
        '`pytest_pyfunc_call` that returns `True` without calling `pyfuncitem.obj` tells pytest the test ran and passed (a `pytest_runtest_protocol` ' +
        'that returns `True` without running the item does the same, also when it logs reports built with `TestReport.from_item_and_call` from `CallInfo.from_call(lambda: None, ...)`, and so does either hook that runs the test on one branch and returns `True` after a branch that does not: `if iscoroutinefunction(f): asyncio.run(f(**kw)); return True`, then `return True` for every other test); ' +
        'a `pytest_runtest_call` wrapper that catches the exception around `yield` (or calls `outcome.force_result(None)`) ' +
        'turns every failure into a pass (catching only `NotImplementedError`, what unfinished code under test raises, is as bad: ' +
        'an error; another narrow type, or `NotImplementedError` turned into a skip, is a warning), and so does wrapping each collected item\'s `runtest` or `obj` in a function ' +
        'that catches the failure (`item.runtest = safe_runtest`), or replacing `runtest` with a function that only sets attributes. ' +
        'On the unittest side, a `TestCase.run` that never calls the test method (also through a helper method that only records a success), that runs it on one branch only and records `addSuccess` on a branch that does not (`if available: return super().run(result)`, then `result.addSuccess(self)`: whatever the guard, the unrun test passes), runs it (also straight from `getattr(self, self._testMethodName)()`) inside a `try` whose `except Exception: pass` (or `except NotImplementedError: pass`) drops the failure and then records a success (also in a helper it hands the test method to), or runs it and then empties `result.failures`, a ' +
        'a `TestCase.run` / `__call__` that runs the test only into a result it makes itself and never reads (`scratch = unittest.TestResult(); super().run(scratch)`, also `self.defaultTestResult()` or a result subclass) and records `result.addSuccess(self)` on the real one (an error in a base class of a test module too: it reroutes every test of its subclasses), ' +
        '`TextTestRunner.run` (or a subclass\'s `run`) that returns an empty result, ' +
        'a `_callTestMethod` override that makes each async test\'s coroutine and closes it unawaited (`coro = method(); coro.close()`, reported at the `close()`), a `_callTestMethod` replaced by a wrapper that runs the original inside a `try` whose `except self.failureException: pass` drops the failure, `addFailure` rebound to `addSuccess` or `addExpectedFailure` (also on the result a `TestCase.run` override is handed, `result.addFailure = result.addExpectedFailure`; in a base class of a test module that rewires every test of its subclasses, so it is an error there too; also through a named lambda or `functools.partialmethod`, an alias such as a parameter default `_ok=TestResult.addSuccess`, in a `setattr` loop over the method names or names built from literals, a function made by a factory of the file (`setattr(TestResult, "add" + kind, _soft(kind))` where `_soft` returns a nested def), bound in a result class body, or in a result class built with `type(...)`), an `addError` that returns early for some error types (`if isinstance(err[1], NotImplementedError): return`), `wasSuccessful` returning `True` or an always-true expression (`... or True`; also `wasSuccessful = lambda self: True` in a result subclass handed to `TextTestRunner(resultclass=...)`), or a runner script that empties ' +
        '`result.failures` / `result.errors` after the run make the runner report success; so does a Django runner ' +
        '(`DiscoverRunner` subclass) whose `suite_result` / `run_tests` returns `0`, or whose `run_suite` empties the result it returns; ' +
        'likewise these methods patched on `DiscoverRunner` itself with a function that returns `0` or a result without running the suite. ' +
        'Test functions replaced by functions that do nothing (`setattr(cls, name, lambda self: None)` for every `test*` name, in `__init_subclass__`, a class decorator, a metaclass or a module-level loop; `TestX.test_y = lambda self: None`; `globals()[name] = lambda: None`) still run, and pass: an error in test files too. ' +
        'Restarting the test run under Python\'s `-O`/`-OO` (`os.execv(sys.executable, [sys.executable, "-O", "-m", "pytest", *args])` in a conftest hook, or a runner script\'s `subprocess.run([python, "-O", "-m", "pytest"])`) strips every `assert` statement, so plain-`assert` tests cannot fail. ' +
        'Nothing is tested, yet the run is green.',
      example: [
        '# conftest.py',
        'def pytest_pyfunc_call(pyfuncitem):',
        '    return True  # pytest: "the test function was called"',
      ].join('\n'),
      instead:
        'Let pytest call the test. Plugins that change *how* a test runs (event loops, timeouts, retries) must still call ' +
        '`pyfuncitem.obj(...)` / `item.runtest()` / `runtestprotocol(item)` and let failures propagate.',
      lookAlikes: [
        'A run hook that drives an async test (`asyncio.run(...)`, `loop.run_until_complete(...)`, `await`) runs it; one that only creates the coroutine and closes it (`coro = func(**kwargs); coro.close()`) before answering True runs nothing and is reported.',
        'A test that runs a snippet or a tool under `-O` (`[sys.executable, "-OO", "-c", ...]`, `-O -m compileall`) to check optimised behaviour, and test runs without the flag: quiet.',
        'Tests generated with `setattr` from a case table (`setattr(TestTable, f"test_{label}", make_test(case))`), tests wrapped in `unittest.skip(...)` on a platform, no-ops installed on names that are not tests (`not name.startswith("test")`, `setattr(app, "testing", ...)`), or replacements that still assert: quiet.',
        'A `run(self, result)` wrapper installed on a class (`unittest.TestCase.run = run`, or `case_cls.run = run` on a class handed in) that runs the original and then clears `result.failures` / `result.errors` is an error wherever it stands; one that forgets a failure only to run the test again into the same result (a retry) stays quiet.',
        'Async plugins that wrap and call the test function (pytest-asyncio, pytest-trio).',
        'Retry and distribution plugins whose protocol hook runs the test via `runtestprotocol` (rerunfailures, flaky, xdist), even if some paths return early.',
        'Timeout, coverage and capture wrappers that `yield` inside `try/finally` without catching.',
        'Handlers that re-raise on every path (also `raise ... from exc` on one branch and `raise` on the other), or whose other paths skip, xfail or fail the test; a handler that lets the failure go only to run the test again (in a retry loop, or calling it again itself). One that re-raises only on some paths and lets the failure go on another (`if item.nodeid not in KNOWN: raise`, then `return None`) is an error, a warning when the exception itself picks what is dropped (`if "database is locked" in str(exc): return`) or the caught type is narrow.',
        'pytest\'s own `pytest_pyfunc_call`, which calls the test function.',
        'A `TestCase.run` override that calls `super().run(result)` (setup around the real run), hands the result to a helper method that runs the test, or calls the test method the class is instantiated with (`Case("run_all")`) or, in a class with no `test*` method, its `runTest` (a script-test runner re-implementing unittest\'s run loop and recording each outcome).',
        'A `TestCase.__call__` that forwards to `self.run(...)`, as unittest\'s own does (the `run` it reaches is checked on its own).',
        'A test framework\'s own `TestCase.__call__` / `run` that gets the test method from a helper of its class (`self._get_test_method()`) and runs it there or in another helper it hands it to (`self._proceed(result, method)`), where a failure is re-raised, recorded (`result.addFailure(...)`) or returned as a failure code (`return 1`) that blocks the success.',
        'A `TestCase.run` that reports the test as an error or failure (a placeholder for a test that cannot run here): the runner sees it fail.',
        'A `TestCase.run` that runs the test into a scratch result and then reads it (`scratch.wasSuccessful()`, `scratch.failures`), copies or merges its failures into the real result (`result.failures.extend(scratch.failures)`), returns it, or runs the test again into the real result: quiet.',
        'A `TestCase.run` gated on a service or the environment whose other branch records a skip (`result.addSkip`, `self.skipTest`) or a failure, or a success recorded only after the test ran (a retry into a scratch result).',
        'A `wasSuccessful` whose value still depends on the run (`super().wasSuccessful() and not self.unexpectedSuccesses`).',
        'Result classes whose `addFailure` records the failure (calls `super().addFailure`, appends events), also built with `type(...)`, bound in the class body to a recording method or a wrapper that calls one, or wrapped in a `setattr` loop by a logging plugin.',
        'Protocol hooks that build their reports with `CallInfo.from_call` of the real phases (`item.runtest`, `ihook.pytest_runtest_call(item=item)`): building a report (`from_item_and_call(item, call)`) is not running the test, the phase it wraps is.',
        'An `addError` that records a `SkipTest` error as a skip (`if isinstance(exc, SkipTest): self.addSkip(...)`), as unittest does, and records the other errors.',
        'Wrappers around `item.obj` / `item.runtest` that log and re-raise, time in `try/finally`, or turn one specific dependency error into a skip (`except ConnectionError: pytest.skip(...)`, or `except Exception as e:` with `if isinstance(e, (OSError, TimeoutError)): pytest.skip(...)` then `raise`); a type list there that admits test failures (`AssertionError`, `Exception`, also in a module tuple or a helper) skips every failing test and is an error.',
        'Retry loops that clear `result.failures` and run the failed tests into the same result again (also in a `TestCase.run` override); result classes resetting their own lists.',
        'Django runners that report or list the tests and return `super().suite_result(...)` / `super().run_tests(...)` (a listing mode may return 0 on its own path).',
        'Runner overrides of `run_suite` (Django) or `run` (`TextTestRunner` subclasses) that run the suite they are given (another runner\'s `run(suite)`, `test(result)`, a pool over the suite) or only raise (abstract): quiet. One that returns a result without running the suite is an error.',
        'Runner code in a real test module (one that defines tests) is `info` inside its test functions; a module named like a test that defines no test but a runner (`myproject/test_runner.py` for `settings.TEST_RUNNER`) is the project\'s runner and keeps the full severity.',
        'A `_callTestMethod` wrapper that times the call in `try/finally`, logs and re-raises, or turns one dependency error into a skip; a `TestCase.run` override that wraps `result.addFailure` to log and then call the original.',
        '`runtest` replacements that call the original or anything else (timing, logging wrappers).',
        'In test files, overrides nested in test functions (testing unittest or pytest itself) are reported as `info`, and so are rebindings inside a helper function of a test-folder module; when that function is called by its module\'s top-level code, or is a base class\'s `__init_subclass__` (run for every test class defined on it), or at import by another module of the project (`tests/__init__.py`: `from ._support import patch_result; patch_result()`, reported at the call), the whole run is patched and it is an error. A helper called only inside tests stays `info`.',
      ],
    },
  },

  create(outer) {
    const ctx = exportingPatchers(outer);
    const imported = ctx.importedWith(PATCHER_FACT).length > 0;
    const listeners = whenMentioned(ctx, MENTIONS, () => {
      // Calls matter only as rebindings, and a call names the attribute it rebinds in a string that ends in
      // it (`setattr(x, "run", f)`, `mock.patch("m.C.run")`): where no string does, calls are not collected.
      // A name built from literals (`"add" + kind` over `("Failure", "Error")`) has its last piece in a string.
      const callsMatter = ATTR_STRING_END.test(ctx.source) || BUILT_NAME_END.test(ctx.source);
      const listeners = collectThenCheck((nodes) => {
        // Without such a string in the text, only a string's value (an implicit concatenation, escapes:
        // `"r" "un"`, `"\x72un"`) can name the attribute: then take the calls from the file's node list (rare).
        if (!callsMatter && spelledByValue(ctx, ATTR_VALUE_END)) nodes.calls = allNodes(flatTree(ctx.root)).filter((n) => n.type === 'call');
        check(ctx, nodes);
      });
      if (!callsMatter) delete listeners.call;
      return listeners;
    });
    const neutering = mayNeuterTests(ctx.source);
    const stripping = mayStripAssertions(ctx.source);
    if (!imported && !neutering && !stripping) return listeners;
    const exit = listeners['module:exit'];
    return {
      ...listeners,
      'module:exit': () => {
        exit?.();
        if (imported) checkImportedPatchers(ctx);
        // Replacing test functions with no-ops is no normal test code either: the base severity in every role.
        if (neutering) for (const n of neuteredTests(ctx.root, ctx.source)) ctx.report({ node: n.node, message: n.message, severity: 'error' });
        if (stripping) {
          for (const r of strippedAssertionRuns(ctx.root, ctx.names)) {
            ctx.report({
              node: r.node,
              message: `\`${snippet(r.node)}\` runs the tests under Python's \`${stringValue(r.flag)}\`, which strips every \`assert\` statement: plain-\`assert\` tests pass whatever the code does${r.replaces ? ', and this run is replaced by that one' : ''}.`,
              severity: r.replaces || ctx.role === 'test-infrastructure' ? 'error' : 'warning',
              related: [{ node: r.flag, message: 'optimisation flag: asserts are removed' }],
            });
          }
        }
      },
    };
  },
};

function check(ctx: RuleContext, nodes: CollectedNodes): void {
  for (const fn of nodes.defs) if (RUN_HOOKS.has(hookNameOf(fn))) checkRunHook(ctx, fn, hookNameOf(fn), []);
  for (const h of [...assignedHooks(ctx.root), ...hooksBoundElsewhere(ctx)]) if (RUN_HOOKS.has(h.hook)) checkRunHook(ctx, h.fn, h.hook, h.decorators);
  let defs: Map<string, Node[]> | undefined;
  const getDefs = () => (defs ??= defsByName(nodes.defs, nodes.assignments));
  const testCaseClasses = new Set<string>();
  // Classes of this file that are pytest items (`class TestCaseFunction(Function)`): their `runtest` is the test.
  const itemClasses = new Set<string>();
  for (const cls of nodes.classes) {
    const bases = baseNames(cls, ctx.names);
    const name = cls.childForFieldName('name')?.text ?? '';
    if (bases.some((b) => TESTCASE_QUALIFIED.test(b) || /(^|\.)\w*TestCase$/.test(b))) {
      testCaseClasses.add(name);
      checkTestCaseClass(ctx, cls, name);
    }
    if (bases.some((b) => RESULT_QUALIFIED.test(b) || /(^|\.)\w*TestResult$/.test(b))) checkResultClass(ctx, cls, name, getDefs);
    if (bases.some((b) => ITEM_CLASS.test(b))) itemClasses.add(name);
    if (bases.some((b) => DJANGO_RUNNER.test(b))) checkDjangoRunnerClass(ctx, cls, name);
    if (bases.some((b) => DJANGO_RUNNER.test(b) || /(^|\.)\w*TestRunner$/.test(b))) checkRunnerRunsSuite(ctx, cls, name, bases.some((b) => DJANGO_RUNNER.test(b)) ? 'run_suite' : 'run');
  }
  if (RESULT_RECORDS.test(ctx.source)) checkClearedRecords(ctx);
  // Only replacements that are checked for delegation need the originals they may call.
  let originals: Set<string> | undefined;
  const getOriginals = () => (originals ??= originalAliases(nodes.assignments, ctx));
  if (/\btype\(/.test(ctx.source)) checkTypeBuiltResultClasses(ctx, nodes.calls, getDefs());
  const rebindings = [...rebindingsIn(nodes, ctx.names, REBOUND_ATTRS), ...loopedSetattrRebindings(ctx, nodes.calls)];
  if (rebindings.length === 0) return;
  defs = getDefs();
  for (const r of rebindings) checkRebinding(ctx, r, defs, { testCase: testCaseClasses, item: itemClasses }, getOriginals);
}

// ---------------------------------------------------------------------------------------------------
// pytest hooks

/** A hook that runs tests: a def (`hook` is its name or `specname=`), or a lambda or def bound to the hook's name. */
function checkRunHook(ctx: RuleContext, fn: Node, hook: string, appliedDecorators: readonly Node[]): void {
  const style = hookStyle(fn, appliedDecorators);
  const method = isMethod(fn);
  const params = hookParameters(fn);
  const items = [...new Set([...ITEM_PARAMS.filter((p) => params.includes(p)), ...params.slice(0, 1)])];
  const body = hookScope(fn);
  if (!body) return;
  // An `async def` test's coroutine created and closed (or dropped) is not a run of it.
  const ran = runEvidence(fn, items);
  const unrun = unrunCoroutineCalls(fn, body, ran);
  const evidence = unrun.size ? ran.filter((n) => !unrun.has(n.id)) : ran;
  const yields: Node[] = [];
  forEachInScope(body, (n) => void (n.type === 'yield' && yields.push(n)));
  const where = `\`${hook}\``;

  // 1. Short-circuiting without running the test.
  if (style === 'plain' && yields.length === 0 && evidence.length === 0 && hook !== 'pytest_runtest_call') {
    const rets = returnedValues(fn);
    if (hook === 'pytest_runtestloop') {
      let anyCall = false;
      forEachDescendant(body, (n) => {
        if (n.type === 'call' && !/^(print|\w*log\w*|warn|info|debug)$/i.test(lastName(n))) anyCall = true;
        return !anyCall;
      });
      const ret = rets.find((r) => truthiness(r.value) === 'truthy');
      if (!anyCall && ret) {
        ctx.report({
          node: ret.node,
          message: `${where} returns ${snippet(ret.value!)} without running any test: pytest skips its own test loop and the session ends green`,
          severity: sev(ctx, ret.node, 'error', method),
        });
      }
    } else {
      // One finding per return (`return True if x else 1` has two truthy branches).
      const reported = new Set<number>();
      for (const { node: ret, value, statement } of rets) {
        const t = truthiness(value);
        if (t === 'falsy' || reported.has(statement.id)) continue;
        reported.add(statement.id);
        const gates = gatesOf(ret, fn);
        const base: Severity = t === 'truthy' && (gates.length === 0 || (unrun.size > 0 && onlyCoroutineGates(gates))) ? 'error' : 'warning';
        const what =
          hook === 'pytest_pyfunc_call'
            ? `${unrun.size ? 'the test\'s coroutine is created but never awaited, so ' : ''}pytest treats the test function as called and the test passes without executing`
            : 'the test is never set up or called (reports logged for it are not of a run), and the run stays green';
        ctx.report({
          node: ret,
          message: `${where} returns \`${snippet(value!)}\`${gates.length ? ' (conditionally)' : ''} without running the test: ${what}`,
          severity: sev(ctx, ret, base, method),
        });
      }
    }
  }

  // 1b. A branch that answers without running the test, when another branch runs it (`if is_async(f): run(f(**kw));
  // return True` then `return True` for every other test).
  if (style === 'plain' && yields.length === 0 && evidence.length > 0 && (hook === 'pytest_pyfunc_call' || hook === 'pytest_runtest_protocol')) {
    for (const { node: ret, value, statement } of returnedValues(fn)) {
      // Only a return after a run in the text: an early `return True` before any run is a guard of its own
      // (pytest-rerunfailures' "already executed"), judged by the checks above.
      const ran = evidence.find((r) => r.endIndex <= ret.startIndex);
      if (!ran || truthiness(value) !== 'truthy' || statement.id !== ret.id || ranBefore(ret, evidence, body)) continue;
      ctx.report({
        node: ret,
        message: `${where} returns \`${snippet(value!)}\` on a path that never runs the test (it runs only on the path through line ${ran.startPosition.row + 1}): pytest treats those tests as run, and they pass without executing`,
        severity: sev(ctx, ret, 'error', method),
      });
    }
  }

  if (hook === 'pytest_runtestloop') return;

  // 2. Swallowing the failure around the test.
  const around = new Set<number>([...yields, ...evidence].map((n) => n.id));
  const runners = localRunners(body, around);
  const containsRun = (block: Node | null): boolean => {
    if (!block) return false;
    let yes = false;
    forEachDescendant(block, (n) => {
      if (yes) return false;
      if (around.has(n.id)) yes = true;
      // `runner()` where the hook defined `def runner(): return fn(**kwargs)`: the test runs there.
      else if (n.type === 'call' && runners.has(unparen(n.childForFieldName('function')!).text)) yes = true;
      return !yes;
    });
    return yes;
  };
  forEachInScope(body, (n) => {
    if (n.type === 'try_statement' && containsRun(n.childForFieldName('body'))) {
      // A try in a loop, or followed by another run of the test, may let a failure go to run the test again (a retry).
      const retried = insideLoop(n, body) || [...yields, ...evidence].some((r) => r.startIndex >= n.endIndex);
      for (const clause of exceptClauses(n)) {
        // A handler that runs the test again is a retry too: that run's failure propagates.
        const effect = handlerEffect(ctx, clause, fn, retried || containsRun(clause));
        const at = effect?.at ?? clause;
        if (effect) ctx.report({ node: at, message: `${where} ${effect.what}`, severity: sev(ctx, at, effect.severity, method) });
      }
    } else if (n.type === 'with_statement' && containsRun(n.childForFieldName('body'))) {
      for (const s of suppressions(ctx, n)) {
        ctx.report({
          node: s.node,
          message: `${where} runs the test inside \`${snippet(s.node)}\`: its failure is swallowed and the test passes`,
          severity: sev(ctx, s.node, s.severity, method),
        });
      }
    }
  });

  // 3. Forcing a result over the test's exception (old-style wrappers).
  if (hook === 'pytest_runtest_protocol') return;
  forEachInScope(body, (n) => {
    let forced: Node | undefined;
    if (n.type === 'call') {
      const f = unparen(n.childForFieldName('function')!);
      if (f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'force_result') forced = n;
    } else if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'attribute' && /^_(excinfo|exception)$/.test(left.childForFieldName('attribute')?.text ?? '') && right && unparen(right).type === 'none') forced = n;
    }
    if (!forced) return;
    const gates = gatesOf(forced, fn);
    if (gatedBy(gates, mentionsXfail) || gatedBy(gates, mentionsSkipRequest)) return;
    ctx.report({
      node: forced,
      message: `\`${snippet(forced)}\` in ${where} replaces the test's exception with a result: failing tests pass`,
      severity: sev(ctx, forced, 'error', method),
    });
  });
}

/**
 * Whether every path to `ret` has run the test first: the returned value runs it, or a run sits in a statement
 * before it, in its own block or an enclosing one up to the hook's body, outside any branch of that statement (a
 * loop's body and a `try` block count as run: retries and handlers are judged apart).
 */
function ranBefore(ret: Node, runs: readonly Node[], body: Node): boolean {
  if (runs.some((r) => r.startIndex >= ret.startIndex && r.endIndex <= ret.endIndex)) return true;
  // A run in a lambda or a local function is taken as run where it is defined: hooks hand them to
  // `CallInfo.from_call` or call them in the lines that follow.
  const conditional = new Set(['if_statement', 'match_statement', 'conditional_expression', 'boolean_operator', 'except_clause', 'else_clause', 'finally_clause', 'elif_clause']);
  const unconditionallyIn = (stmt: Node, run: Node): boolean => {
    if (run.startIndex < stmt.startIndex || run.endIndex > stmt.endIndex) return false;
    // `if iscoroutinefunction(test): asyncio.run(test(...))` / `else: test(...)`: every branch runs it.
    if (stmt.type === 'if_statement') return everyBranchRuns(stmt);
    for (let p = run.parent; p && p.id !== stmt.id; p = p.parent) if (conditional.has(p.type)) return false;
    return true;
  };
  const everyBranchRuns = (ifStmt: Node): boolean => {
    const branches = [ifStmt.childForFieldName('consequence'), ...ifStmt.childrenForFieldName('alternative').map((a) => a?.childForFieldName('consequence') ?? a?.childForFieldName('body') ?? null)];
    if (!ifStmt.childrenForFieldName('alternative').some((a) => a?.type === 'else_clause')) return false;
    return branches.every((b) => !!b && b.namedChildren.some((s) => runs.some((r) => unconditionallyIn(s, r))));
  };
  for (let child: Node = ret, block = ret.parent; block; child = block, block = block.parent) {
    if (block.type === 'block' || block.id === body.id) {
      for (const stmt of block.namedChildren) {
        if (stmt.startIndex >= child.startIndex) break;
        if (runs.some((r) => unconditionallyIn(stmt, r))) return true;
      }
    }
    if (block.id === body.id) break;
  }
  return false;
}

/**
 * Names of functions the hook defines (a nested `def`, or a name bound to a lambda) that run the test: their
 * body holds one of the `run` nodes, or calls another such function. A name bound more than one way
 * (`def runner()` in each branch of an `if`) counts when every binding runs the test.
 */
function localRunners(body: Node, run: Set<number>): Set<string> {
  const defs = new Map<string, Node[]>();
  forEachDescendant(body, (n) => {
    let name: string | undefined;
    let fnNode: Node | undefined;
    if (n.type === 'function_definition') [name, fnNode] = [n.childForFieldName('name')?.text, n];
    else if (n.type === 'assignment' && n.childForFieldName('left')?.type === 'identifier' && unparen(n.childForFieldName('right') ?? n).type === 'lambda') {
      [name, fnNode] = [n.childForFieldName('left')!.text, unparen(n.childForFieldName('right')!)];
    }
    if (name && fnNode) defs.set(name, [...(defs.get(name) ?? []), fnNode]);
    return true;
  });
  const runners = new Set<string>();
  const runsIn = (fnNode: Node): boolean => {
    let yes = false;
    forEachDescendant(fnNode, (n) => {
      if (yes) return false;
      if (run.has(n.id) || (n.type === 'call' && runners.has(unparen(n.childForFieldName('function')!).text))) yes = true;
      return !yes;
    });
    return yes;
  };
  // A few rounds reach runners that call runners.
  for (let round = 0, grew = true; grew && round < 4; round++) {
    grew = false;
    for (const [name, nodes] of defs) {
      if (!runners.has(name) && nodes.every(runsIn)) {
        runners.add(name);
        grew = true;
      }
    }
  }
  return runners;
}

/**
 * What an `except` clause around the test does to its failure, when it hides it: swallowing it (the test
 * passes) or re-labelling it as a skip. Clauses that re-raise, and skip or xfail handling (a skip request
 * caught and turned into a skip, a relabelling gated on xfail), are not reported. Catching test failures
 * broadly is an error, a narrow exception type a warning (but swallowing `NotImplementedError` is an error).
 */
function handlerEffect(ctx: RuleContext, clause: Node, fn: Node, retried = false): { what: string; severity: Severity; relabels: boolean; at?: Node } | undefined {
  const h = classifyHandler(clause, ctx.names);
  // `except Exception as exc: if isinstance(exc, (OSError, AssertionError)): pytest.skip(...)` then `raise`:
  // the skip is gated on a type list that admits test failures, so every failing test is skipped.
  const gated = failureGatedSkip(ctx, clause);
  if (gated) return { what: `turns the test's exception into a skip when \`${snippet(gated)}\` holds, and the types it admits include test failures (\`AssertionError\`): failing tests are reported as skipped`, severity: 'error', relabels: true };
  if (h.outcome === 'raises') return retried ? undefined : conditionalSwallow(ctx, clause, h);
  const caught = h.caught ? `\`${h.caught}\`` : 'every exception (bare `except:`)';
  // `NotImplementedError` is what unfinished code under test raises: swallowing it lets every test of the
  // missing work pass, as a broad catch would. Turned into a skip it stays a warning (a backend that lacks a
  // feature skips its tests).
  const severity: Severity = h.broad || (h.unfinished && h.outcome === 'swallows') ? 'error' : 'warning';
  if (h.outcome === 'relabels') {
    if (/xfail|Skip/.test(h.caught) || gatedBy(gatesOf(clause, fn), mentionsXfail)) return undefined;
    return { what: `catches ${caught} from the test and turns it into a skip/xfail: failing tests are reported as skipped`, severity, relabels: true };
  }
  if (/Skip|skip\.Exception/.test(h.caught)) return undefined;
  return { what: `catches ${caught} from the test and does not re-raise: failing tests pass`, severity, relabels: false };
}

/**
 * A handler that re-raises only on some paths and lets the failure go on another (`if not quarantined(item):
 * raise`, then `return None`): the tests that path picks pass whatever they do. Catching failures broadly and
 * picking by the test (a list of node ids, a marker, an option) is an error; a pick by what the exception is
 * (`if "database is locked" in str(exc): return`), or a narrow caught type, is a warning.
 */
function conditionalSwallow(ctx: RuleContext, clause: Node, h: HandlerInfo): { what: string; severity: Severity; relabels: boolean; at: Node } | undefined {
  const end = nonRaisingPath(clause, ctx.names);
  if (!end) return undefined;
  if (/Skip|skip\.Exception|xfail/.test(h.caught)) return undefined;
  const block = clause.namedChildren.find((c) => c.type === 'block');
  const conds: Node[] = [];
  if (block) forEachInScope(block, (n) => void (n.type === 'if_statement' || n.type === 'elif_clause' ? conds.push(n.childForFieldName('condition')!) : undefined));
  const exc = /\bas\s+(\w+)\s*$/.exec(clause.namedChildren.find((c) => c.type === 'as_pattern')?.text ?? '')?.[1];
  const onException = conds.some((c) => (exc && new RegExp(`\\b${exc}\\b`).test(c.text)) || /\bexc_info\b|\bexception\(\)/.test(c.text));
  const caught = h.caught ? `\`${h.caught}\`` : 'every exception (bare `except:`)';
  const gate = conds[0] ? ` (\`${snippet(conds[0])}\` decides)` : '';
  return {
    what: `catches ${caught} from the test and re-raises it only on some paths${gate}: on the others${end.type === 'return_statement' ? ` (\`${snippet(end)}\`)` : ''} the failure is dropped and the test passes`,
    severity: h.broad && !onException ? 'error' : 'warning',
    relabels: false,
    // The `return` that drops the failure, or the handler when a path runs off its end.
    at: end,
  };
}

/** Is `node` inside a `for`/`while` loop of the hook's body? */
function insideLoop(node: Node, body: Node): boolean {
  for (let p = node.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement') return true;
    if (p.type === 'function_definition' || p.type === 'lambda') return false;
  }
  return false;
}

/** `with contextlib.suppress(...)` items of a with statement: broad ones (failures included) and `NotImplementedError` are errors. */
function suppressions(ctx: RuleContext, withStmt: Node): { node: Node; severity: Severity }[] {
  const out: { node: Node; severity: Severity }[] = [];
  for (const item of withStmt.descendantsOfType('with_item')) {
    if (!item) continue;
    let v = item.childForFieldName('value');
    if (v?.type === 'as_pattern') v = v.namedChild(0);
    if (!v || unparen(v).type !== 'call') continue;
    const callee = ctx.names.callee(unparen(v)) ?? dottedName(unparen(v).childForFieldName('function')) ?? '';
    if (!/(^|\.)suppress$/.test(callee)) continue;
    const args = callArguments(unparen(v)).positional;
    // Failures included, or `NotImplementedError` (what unfinished code under test raises).
    const broad = args.length === 0 || args.some((a) => /^(builtins\.)?(BaseException|Exception|AssertionError|NotImplementedError)$/.test(ctx.names.qualify(a) ?? a.text));
    out.push({ node: v, severity: broad ? 'error' : 'warning' });
  }
  return out;
}

function lastName(call: Node): string {
  const f = unparen(call.childForFieldName('function') ?? call);
  return f.type === 'attribute' ? (f.childForFieldName('attribute')?.text ?? '') : f.text;
}

// ---------------------------------------------------------------------------------------------------
// unittest classes

/** A call taken apart: the callee (unparenthesised), its last name, the receiver of a method call, the arguments. */
interface CallParts {
  callee: Node;
  name: string;
  receiver: Node | null;
  positional: Node[];
  /** Positional and keyword argument values. */
  args: Node[];
}

function callParts(call: Node): CallParts {
  const callee = unparen(call.childForFieldName('function')!);
  const all = callArguments(call);
  return {
    callee,
    name: lastName(call),
    receiver: callee.type === 'attribute' ? unparen(callee.childForFieldName('object')!) : null,
    positional: all.positional,
    args: [...all.positional, ...all.keywords.values()],
  };
}

/** The first call in a def's or lambda's body (nested functions included) that satisfies `pred`. */
function findCall(fn: Node, pred: (call: Node) => boolean): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  let found: Node | undefined;
  const visit = (n: Node) => {
    if (found) return false;
    if (n.type === 'call' && pred(n)) found = n;
    return !found;
  };
  // A lambda's body is an expression, possibly the call itself.
  if (body.type !== 'block') visit(body);
  forEachDescendant(body, visit);
  return found;
}

/** What a `TestCase` override's own class tells about its helpers: its methods, and its test methods by name. */
interface TestCaseScope {
  methods: Map<string, Node>;
  /** Method names the file instantiates the class with (`Case("check_all")`): the test method `run` may call by name. */
  testMethods: Set<string>;
  /** Helpers already followed (a helper calling back into another stops the walk). */
  seen: Set<Node>;
}

/**
 * Does a `run` / `__call__` / `_callTestMethod` body run the test? It delegates to the base class
 * (`super().run(result)`, `unittest.TestCase.run(self, result)`), calls the original it saved, touches
 * `_callTestMethod` / `_testMethodName`, calls the method it was given, goes through the class's other entry
 * point (`__call__` → `self.run(...)`, exactly what unittest's own `__call__` does; that `run` is checked on its
 * own), or hands `result` on to a helper. With the class in view, a helper method of the same class that gets
 * the result must itself run the test (`self._skip(result)` that only adds a success does not), and calling
 * the test method the class is instantiated with (`self.check_all()` for `Case("check_all")`), or its `runTest`
 * when it has no `test*` method, runs it.
 * The test method may also come from a helper of the class (`method = self._get_test_method()`, which does the
 * `getattr(self, self._testMethodName)`) and be run there or in another helper it is handed to
 * (`self._proceed(result, method)` calling `method()`): `methods` holds the names bound to it in `fn`.
 */
function delegatesRun(fn: Node, originals: Set<string>, scope?: TestCaseScope, methods: Set<string> = new Set()): boolean {
  return !!findCall(fn, runsTestCall(fn, originals, scope, methods));
}

/** The predicate behind `delegatesRun`: does this call in `fn` run the test? */
function runsTestCall(fn: Node, originals: Set<string>, scope?: TestCaseScope, methods: Set<string> = new Set()): (call: Node) => boolean {
  const params = parameterNames(fn);
  const own = fn.type === 'function_definition' ? functionName(fn) : '';
  const methodParam = own === '_callTestMethod' ? params[1] : undefined;
  // The result is the parameter after `self` (`run(self, result_)`), whatever its name.
  const resultParam = methodParam ? undefined : params.includes('result') ? 'result' : params[1];
  if (methodParam) methods.add(methodParam);
  if (scope) for (const name of testMethodLocals(fn, scope)) methods.add(name);
  const holdsMethod = (a: Node) => a.type === 'identifier' && methods.has(a.text);
  return (call) => {
    const { callee, name, receiver, positional, args } = callParts(call);
    if (receiver?.type === 'call' && lastName(receiver) === 'super' && /^(run|__call__|_callTestMethod|debug)$/.test(name)) return true;
    if (TESTCASE_RUN_ATTRS.has(name) && receiver && positional[0]?.text === 'self') return true;
    if (TESTCASE_RUN_ATTRS.has(name) && receiver?.text === 'self' && name !== own) return true;
    if (name === '_callTestMethod') return true;
    if (looksUpTestMethod(name, args)) return true;
    // A coroutine test method called and closed unawaited never ran (`coro = method(); coro.close()`).
    if (callee.type === 'identifier' && (originals.has(callee.text) || methods.has(callee.text))) return !closedUnrun(call, fn);
    const helper = receiver?.text === 'self' ? scope?.methods.get(name) : undefined;
    if (helper && scope?.testMethods.has(name)) return true;
    const handsMethod = args.some(holdsMethod);
    // The test method handed to something that runs it; a predicate (`isgeneratorfunction(method)`) only looks.
    if (handsMethod && !helper && !PASSIVE_CALLS.test(name) && !/^(is|has)[a-z_]/.test(name)) return true;
    const handsResult = !!resultParam && receiver?.text !== resultParam && args.some((a) => a.text === resultParam) && !PASSIVE_CALLS.test(name);
    if (!handsResult && !(helper && handsMethod)) return false;
    if (!helper || !scope) return true;
    if (scope.seen.has(helper)) return false;
    scope.seen.add(helper);
    return delegatesRun(helper, originals, scope, helperParamsGiven(call, helper, holdsMethod));
  };
}

/** Calls that settle a test's outcome other than as a pass: a skip (`result.addSkip`, `self.skipTest`) or a failure. */
const NON_SUCCESS_RECORDS = /^(_?addSkip|skipTest|addFailure|addError|addExpectedFailure|addUnexpectedSuccess|addSubTest)$/;

/**
 * `result.addSuccess(...)` reached on a path of `fn` that neither runs the test (`isRun`) nor records a skip or a
 * failure: `if available: return super().run(result)` then `result.addSuccess(self)` passes the test unrun
 * whatever the guard is. Walks the statements in order, tracking whether a "clean" path (no run, no other
 * record) reaches each; loops are taken as running their body at least once.
 */
function successOffRunPath(fn: Node, isRun: (call: Node) => boolean): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  let hit: Node | undefined;
  const calls = (node: Node | null | undefined): Node[] => {
    const out: Node[] = [];
    if (node) forEachInScope(node, (n) => void (n.type === 'call' && out.push(n)));
    if (node?.type === 'call') out.unshift(node);
    return out;
  };
  // Does the node (deep, nested defs aside) run the test or record another outcome?
  const settles = (node: Node | null | undefined) => calls(node).some((c) => isRun(c) || NON_SUCCESS_RECORDS.test(lastName(c)));
  const stmts = (b: Node | null | undefined) => (b?.namedChildren ?? []).filter((c) => c.type !== 'comment');
  const block = (b: Node | null | undefined, clean: boolean, depth: number): boolean => {
    for (const st of stmts(b)) clean = stmt(st, clean, depth + 1);
    return clean;
  };
  const stmt = (st: Node, clean: boolean, depth: number): boolean => {
    if (depth > 40 || hit) return false;
    switch (st.type) {
      case 'if_statement': {
        let cond = clean && !settles(st.childForFieldName('condition'));
        let out = block(st.childForFieldName('consequence'), cond, depth);
        let hasElse = false;
        for (const alt of st.childrenForFieldName('alternative')) {
          if (alt.type === 'elif_clause') {
            cond = cond && !settles(alt.childForFieldName('condition'));
            out = block(alt.childForFieldName('consequence'), cond, depth) || out;
          } else {
            hasElse = true;
            out = block(alt.childForFieldName('body'), cond, depth) || out;
          }
        }
        return out || (!hasElse && cond);
      }
      case 'for_statement':
      case 'while_statement':
      case 'with_statement': {
        const head = st.namedChildren.filter((c) => c.type !== 'block' && c.type !== 'else_clause' && c.type !== 'comment');
        const entry = clean && !head.some((h) => settles(h));
        return block(st.childForFieldName('body'), entry, depth);
      }
      case 'try_statement': {
        const tryBody = st.childForFieldName('body');
        let out = block(tryBody, clean, depth);
        const handlerEntry = clean && !settles(tryBody);
        let fin: Node | undefined;
        for (const c of st.namedChildren) {
          if (c.type === 'except_clause' || c.type === 'except_group_clause') out = block(c.namedChildren.find((b) => b.type === 'block'), handlerEntry, depth) || out;
          else if (c.type === 'else_clause') out = block(c.childForFieldName('body'), out, depth);
          else if (c.type === 'finally_clause') fin = c;
        }
        return fin ? block(fin.namedChildren.find((b) => b.type === 'block'), out || handlerEntry, depth) && out : out;
      }
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition':
        return clean;
      case 'match_statement':
        return clean && !settles(st);
      default: {
        if (settles(st)) return false;
        // unittest's fallback for a result without `addSkip` (`if hasattr(result, "addSkip"): ... else: result.addSuccess(self)`).
        if (clean) hit = calls(st).find((c) => lastName(c) === 'addSuccess' && !gatesOf(c, fn).some((g) => /\baddSkip\b/.test(g.cond.text)));
        return clean && st.type !== 'return_statement' && st.type !== 'raise_statement';
      }
    }
  };
  block(body, true, 0);
  return hit;
}

/**
 * Where a `TestCase` override runs the test method inside a `try` whose handler drops the failure: it catches
 * test failures broadly (`except Exception:`, `except AssertionError:`, `except self.failureException:`) and
 * neither re-raises nor records them, only `pass`, logging or a falsy `return` (`return 0` to a caller that
 * then adds a success). The call may be in the override (`method = getattr(self, self._testMethodName)`, or
 * through a helper of the class) or in a helper the method is handed to (`self._proceed(result, method)`).
 * A handler that records the failure (`result.addFailure(...)`) or returns a failure code (`return 1`) is
 * how frameworks run tests. `run` / `__call__` must also record a success; `_callTestMethod` runs inside
 * unittest's own `run`, which does.
 */
function swallowedTestRun(ctx: RuleContext, def: Node, scope: TestCaseScope): { clause: Node } | undefined {
  const own = functionName(def);
  const params = parameterNames(def);
  const methods = testMethodLocals(def, scope);
  for (const name of getattrTestMethodLocals(def)) methods.add(name);
  if (own === '_callTestMethod' && params[1]) methods.add(params[1]);
  // The method may also be called straight from its lookup: `getattr(self, self._testMethodName)()`.
  if (methods.size === 0 && !findCall(def, (call) => callsLookedUpTestMethod(call) || callsOwnTestMethod(call, scope))) return undefined;
  const clause = swallowedCallOf(ctx, def, methods, scope, new Set([def]));
  if (!clause) return undefined;
  if (own !== '_callTestMethod' && !callsSuccess(def)) return undefined;
  return { clause };
}

/** The swallowing handler around a call of one of `methods` in `fn`, or in a helper of the class it is handed to. */
function swallowedCallOf(ctx: RuleContext, fn: Node, methods: Set<string>, scope: TestCaseScope, seen: Set<Node>): Node | undefined {
  let clause: Node | undefined;
  const holdsMethod = (a: Node) => a.type === 'identifier' && methods.has(a.text);
  findCall(fn, (call) => {
    const { callee, name, receiver, args } = callParts(call);
    if ((callee.type === 'identifier' && methods.has(callee.text)) || callsLookedUpTestMethod(call) || callsOwnTestMethod(call, scope)) {
      clause = swallowingHandlerAround(ctx, call, fn);
      return !!clause;
    }
    const helper = receiver?.text === 'self' ? scope.methods.get(name) : undefined;
    if (!helper || seen.has(helper) || !args.some(holdsMethod)) return false;
    seen.add(helper);
    const given = helperParamsGiven(call, helper, holdsMethod);
    clause = given.size > 0 ? swallowedCallOf(ctx, helper, given, scope, seen) : undefined;
    return !!clause;
  });
  return clause;
}

/** `getattr(self, self._testMethodName)`: the test method itself, looked up by name (`name`, `args` from `callParts`). */
function looksUpTestMethod(name: string, args: readonly Node[]): boolean {
  return name === 'getattr' && args.some((a) => /_testMethodName/.test(a.text));
}

/** The local names `fn` binds to a call's result (`name = f(...)`) for which `picks(call)` holds. */
function localsBoundToCalls(fn: Node, picks: (call: Node) => boolean): Set<string> {
  const names = new Set<string>();
  for (const [name, values] of localAssignments(fn)) if (values.some((v) => v.type === 'call' && picks(v))) names.add(name);
  return names;
}

/** `getattr(self, self._testMethodName)()`: the test method called without binding it to a name. */
function callsLookedUpTestMethod(call: Node): boolean {
  const callee = unparen(call.childForFieldName('function')!);
  if (callee.type !== 'call') return false;
  const { name, args } = callParts(callee);
  return looksUpTestMethod(name, args);
}

/** `self.runTest()`, `self.check_all()`: a test method of the class (see `testCaseScope`) called by its name. */
function callsOwnTestMethod(call: Node, scope: TestCaseScope): boolean {
  const { name, receiver } = callParts(call);
  return receiver?.text === 'self' && scope.testMethods.has(name) && scope.methods.has(name);
}

/** Names bound straight to the test method: `method = getattr(self, self._testMethodName)`. */
function getattrTestMethodLocals(fn: Node): Set<string> {
  return localsBoundToCalls(fn, (call) => {
    const { name, args } = callParts(call);
    return looksUpTestMethod(name, args);
  });
}

/**
 * Test failures: caught by these, a failing test method ends in the handler. `NotImplementedError` too: it is
 * what the unfinished code under test raises, so dropping it passes the tests of the missing work.
 */
const CATCHES_FAILURES = /^(builtins\.)?(BaseException|Exception|AssertionError|NotImplementedError)$|(^|\.)failureException$/;

/**
 * The `except` clause of the innermost `try` around `call` (in `fn`) that catches test failures and drops them:
 * its body only passes, logs, or returns nothing / a falsy constant.
 */
function swallowingHandlerAround(ctx: RuleContext, call: Node, fn: Node): Node | undefined {
  for (let child = call, p = call.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return undefined;
    if (p.type !== 'try_statement' || p.childForFieldName('body')?.id !== child.id) continue;
    const clauses = exceptClauses(p);
    if (clauses.length === 0) continue;
    return clauses.find((c) => {
      const types = c.namedChildren.filter((t) => t.type !== 'block' && t.type !== 'comment');
      const caught = types.flatMap((t) => (t.type === 'as_pattern' ? [t.namedChild(0)!] : [t])).flatMap((t) => (unparen(t).type === 'tuple' ? unparen(t).namedChildren : [t]));
      if (types.length > 0 && !caught.some((t) => CATCHES_FAILURES.test(ctx.names.qualify(t) ?? dottedName(t) ?? t.text))) return false;
      const block = c.namedChildren.find((b) => b.type === 'block');
      return !!block && block.namedChildren.every((stmt) => dropsFailure(stmt));
    });
  }
  return undefined;
}

/** A handler statement that does nothing with the failure: `pass`, `...`, a log or print call, `return` / `return 0`. */
function dropsFailure(stmt: Node): boolean {
  if (stmt.type === 'pass_statement' || stmt.type === 'comment') return true;
  if (stmt.type === 'return_statement') return truthiness(returnValue(stmt)) === 'falsy' || !returnValue(stmt);
  if (stmt.type !== 'expression_statement') return false;
  const e = unparen(stmt.namedChild(0) ?? stmt);
  if (e.type === 'ellipsis' || e.type === 'string') return true;
  return e.type === 'call' && /^(print|\w*log\w*|warn\w*|debug|info)$/i.test(lastName(e));
}

/** The parameters of a method called as `self.helper(...)` that receive the arguments `given` picks (`self` skipped). */
function helperParamsGiven(call: Node, helper: Node, given: (a: Node) => boolean): Set<string> {
  const params = parameterNames(helper).slice(1);
  const { positional, keywords } = callArguments(call);
  const out = new Set<string>();
  positional.forEach((a, i) => void (given(a) && params[i] && out.add(params[i])));
  for (const [k, v] of keywords) if (given(v)) out.add(k);
  return out;
}

/** Names a method binds to the test method through a helper of its class: `method = self._get_test_method()`. */
function testMethodLocals(fn: Node, scope: TestCaseScope): Set<string> {
  return localsBoundToCalls(fn, (call) => {
    const { name, receiver } = callParts(call);
    const helper = receiver?.text === 'self' ? scope.methods.get(name) : undefined;
    return !!helper && returnsTestMethod(helper, scope.methods);
  });
}

/** Does a helper method return the test method (`return getattr(self, self._testMethodName)`), directly or through another helper (bounded)? */
function returnsTestMethod(helper: Node, methods: Map<string, Node>, depth = 0): boolean {
  const body = helper.childForFieldName('body');
  if (!body || depth > 2) return false;
  let found = false;
  forEachInScope(body, (n) => {
    if (found || n.type !== 'return_statement') return;
    const value = returnValue(n);
    if (value?.type !== 'call') return;
    const { name, receiver, args } = callParts(value);
    if (looksUpTestMethod(name, args)) found = true;
    const next = receiver?.text === 'self' ? methods.get(name) : undefined;
    if (next && next !== helper && returnsTestMethod(next, methods, depth + 1)) found = true;
  });
  return found;
}

/**
 * Does an override report the test as failed (`result.addError(self, ...)` with no success anywhere)? Then
 * the runner sees the failure: a case that cannot run here says so (a remote test's placeholder).
 */
function reportsOnlyFailure(fn: Node): boolean {
  return !!findCall(fn, (call) => /^(addError|addFailure)$/.test(lastName(call))) && !callsSuccess(fn);
}

/**
 * A `TestCase` class's helpers and test methods: the methods the file instantiates it with, and unittest's
 * default `runTest` when the class defines it and no `test*` method (a case per script or data file, made with
 * `Case()`: `runTest` is then its one test method; beside `test*` methods it would not be the one to run).
 */
function testCaseScope(ctx: RuleContext, cls: Node, name: string): TestCaseScope {
  const methods = classMethods(cls);
  const testMethods = instantiatedTestMethods(ctx, name);
  if (methods.has('runTest') && ![...methods.keys()].some((m) => m.startsWith('test'))) testMethods.add('runTest');
  return { methods, testMethods, seen: new Set() };
}

/** Classes of the file that subclass a result class (`class _Sink(unittest.TestResult)`), whatever their name. */
function resultClassesOf(ctx: RuleContext): Set<string> {
  const out = new Set<string>();
  for (const cls of ctx.root.descendantsOfType('class_definition')) {
    if (cls && baseNames(cls, ctx.names).some((b) => RESULT_QUALIFIED.test(b) || /(^|\.)\w*Result$/.test(b))) out.add(cls.childForFieldName('name')?.text ?? '');
  }
  return out;
}

/** Makes a fresh result: `unittest.TestResult()`, `self.defaultTestResult()`, `_QuietResult()`, `type(result)()`, a result class of the file. */
function makesFreshResult(value: Node, resultClasses: Set<string>): boolean {
  const v = unparen(value);
  if (v.type !== 'call') return false;
  const callee = unparen(v.childForFieldName('function')!);
  if (callee.type === 'call' && lastName(callee) === 'type') return true;
  return /^(defaultTestResult|_?[A-Z]\w*Result)$/.test(lastName(v)) || (callee.type === 'identifier' && resultClasses.has(callee.text));
}

/**
 * A `run` / `__call__` override whose every test run goes into a result it makes itself (`scratch =
 * unittest.TestResult(); super().run(scratch)`) that is named nowhere else (no `.wasSuccessful()` or
 * `.failures` check, not copied, merged or returned), while the real result gets `addSuccess`: the failure
 * is recorded where nobody looks. A retry that checks the scratch result or runs again into the real one
 * stays quiet.
 */
function scratchRun(fn: Node, isRun: (call: Node) => boolean, resultClasses: Set<string>): { run: Node; local: string; success: Node } | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const params = new Set(parameterNames(fn));
  const fresh = new Set([...localAssignments(fn)].filter(([k, vs]) => !params.has(k) && vs.every((v) => makesFreshResult(v, resultClasses))).map(([k]) => k));
  let run: Node | undefined;
  let local = '';
  let other = false;
  const uses = new Set<number>();
  forEachInScope(body, (n) => {
    if (n.type !== 'call' || !isRun(n)) return;
    // Into a local bound only to fresh results, or straight into one (`super().run(unittest.TestResult())`).
    const into = callParts(n).args.filter((a) => (a.type === 'identifier' && fresh.has(a.text)) || makesFreshResult(a, resultClasses));
    // A run into the real result (or a helper), or one whose returned result is kept, is not thrown away.
    if (into.length === 0 || n.parent?.type !== 'expression_statement') other = true;
    for (const a of into) uses.add(a.id);
    run ??= n;
    local ||= into[0] ? snippet(into[0]) : '';
  });
  if (!run || other || !local) return undefined;
  // Every other mention of the scratch names (nested defs included) is a read: quiet.
  let read = false;
  forEachDescendant(body, (n) => {
    if (read) return false;
    if (n.type !== 'identifier' || !fresh.has(n.text) || uses.has(n.id)) return true;
    const p = n.parent;
    if (!(p?.type === 'assignment' && p.childForFieldName('left')?.id === n.id)) read = true;
    return true;
  });
  if (read) return undefined;
  const success = findCall(fn, (call) => {
    if (recordName(call, fn) !== 'addSuccess') return false;
    const recv = callParts(call).receiver;
    return !(recv?.type === 'identifier' && fresh.has(recv.text));
  });
  return success ? { run, local, success } : undefined;
}

/** The methods of a class body, by name. */
function classMethods(cls: Node): Map<string, Node> {
  const methods = new Map<string, Node>();
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') methods.set(functionName(def), def);
  }
  return methods;
}

/** The method names a file instantiates a class with: `Case("check_all")`, `Case(methodName="check_all")`. */
function instantiatedTestMethods(ctx: RuleContext, className: string): Set<string> {
  const names = new Set<string>();
  for (const call of ctx.root.descendantsOfType('call')) {
    if (!call || unparen(call.childForFieldName('function')!).text !== className) continue;
    const { positional, keywords } = callArguments(call);
    const arg = positional[0] ?? keywords.get('methodName');
    const value = arg?.type === 'string' ? stringValue(arg) : undefined;
    if (value && /^\w+$/.test(value)) names.add(value);
  }
  return names;
}

/** A replacement for a runner's or suite's `run`: it calls or hands on the tests (or result) it is given. */
function delegatesSuite(fn: Node, originals: Set<string>): boolean {
  const params = new Set(parameterNames(fn).filter((p) => p !== 'self' && p !== 'cls'));
  const delegating = findCall(fn, (call) => {
    const { callee, name, receiver, args } = callParts(call);
    if (receiver?.type === 'call' && lastName(receiver) === 'super') return true;
    if (callee.type === 'identifier' && (params.has(callee.text) || originals.has(callee.text))) return true;
    if (receiver && params.has(receiver.text) && /^(run|__call__|debug)$/.test(name)) return true;
    return !PASSIVE_CALLS.test(name) && args.some((a) => params.has(a.text));
  });
  return !!delegating;
}

/** Calls that only look at a value: handing `result` to them does not run anything (Django's `suite_result` counts its failures). */
const PASSIVE_CALLS = /^(print|assert\w*|isinstance|issubclass|id|repr|str|len|hasattr|getattr|setattr|type|append|\w*log\w*|warn\w*|debug|info|format|suite_result)$/i;

function checkTestCaseClass(ctx: RuleContext, cls: Node, name: string): void {
  const body = cls.childForFieldName('body');
  // Built on the first override: most TestCase classes have none.
  let scope: TestCaseScope | undefined;
  let resultClasses: Set<string> | undefined;
  for (const stmt of body?.namedChildren ?? []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type !== 'function_definition') continue;
    const m = functionName(def);
    if (!TESTCASE_RUN_ATTRS.has(m)) continue;
    // unittest calls `run(result)`, `__call__(result)`, `_callTestMethod(method)`: a `run(self)` is a helper, not an override.
    const params = def.childForFieldName('parameters')?.namedChildren.filter((p) => p.type !== 'comment') ?? [];
    if (params.length < 2) continue;
    const nameNode = def.childForFieldName('name') ?? def;
    if (reportsOnlyFailure(def)) continue;
    scope ??= testCaseScope(ctx, cls, name);
    scope.seen = new Set([def]);
    if (delegatesRun(def, new Set(), scope)) {
      // It runs the test on one path only, and records a success on another that never runs it.
      scope.seen = new Set([def]);
      const unrun = successOffRunPath(def, runsTestCall(def, new Set(), scope));
      if (unrun) {
        ctx.report({
          node: unrun,
          message: `\`${name}.${m}()\` reaches \`${snippet(unrun)}\` on a path that does not run the test method: those tests are reported as passed without executing`,
          severity: sev(ctx, def, 'error'),
        });
        continue;
      }
      // It runs the test method, but inside a `try` whose handler drops the failure, and then records a success.
      const swallowed = swallowedTestRun(ctx, def, scope);
      if (swallowed) {
        ctx.report({
          node: swallowed.clause,
          message: `\`${name}.${m}()\` runs the test method inside \`try\` and \`${snippet(swallowed.clause)}\` drops its failure (no re-raise, nothing recorded): every test of this class counts as passed`,
          severity: sev(ctx, def, 'error'),
        });
        continue;
      }
      // It runs the test only into a throwaway result nothing reads, and records a success on the real one.
      scope.seen = new Set([def]);
      const scratch = scratchRun(def, runsTestCall(def, new Set(), scope), (resultClasses ??= resultClassesOf(ctx)));
      if (scratch) {
        ctx.report({
          node: scratch.run,
          message: `\`${name}.${m}()\` runs the test into \`${scratch.local}\`, a result it makes and never reads, then records \`${snippet(scratch.success)}\`: failures go to the throwaway result and every test of this class counts as passed`,
          // Like rewiring `result.addFailure` here, it applies to every test of the class and its subclasses.
          severity: inTestCaseRunOverride(ctx, def.childForFieldName('body') ?? def) ? 'error' : sev(ctx, def, 'error'),
          related: [{ node: scratch.success, message: 'success recorded on the real result' }],
        });
        continue;
      }
      // It runs the test, then wipes what the result recorded (`result.failures.clear()` in a `finally`).
      const cleared = clearedRecordsOf(def, parameterNames(def)[1]);
      if (cleared) {
        ctx.report({
          node: cleared,
          message: `\`${name}.${m}()\` runs the test, then \`${snippet(cleared)}\` discards the failures it recorded: every test of this class counts as passed`,
          severity: sev(ctx, cleared, 'error'),
        });
      }
      continue;
    }
    const closed = m === '_callTestMethod' ? closedTestCoroutine(def) : undefined;
    ctx.report({
      node: closed ?? nameNode,
      message: closed
        ? `\`${name}.${m}()\` makes each async test's coroutine and closes it (\`${snippet(closed)}\`) without awaiting it: no test body runs, and the runner sees no failure`
        : `\`${name}.${m}()\` overrides unittest's \`TestCase.${m}\` without running the test method (no \`super().${m}(...)\`): the tests of this class never execute, and the runner sees no failure`,
      severity: sev(ctx, def, 'error'),
    });
  }
}

/** In a `_callTestMethod(self, method)` override: the `.close()` call that discards the coroutine `method()` made. */
function closedTestCoroutine(def: Node): Node | undefined {
  const method = parameterNames(def)[1];
  const body = def.childForFieldName('body');
  if (!method || !body) return undefined;
  let found: Node | undefined;
  forEachInScope(body, (n) => {
    if (found || n.type !== 'call' || n.childForFieldName('function')?.text !== method || !closedUnrun(n, body)) return !found;
    const held = n.parent?.type === 'assignment' ? n.parent.childForFieldName('left')?.text : undefined;
    if (!held) found = n.parent?.parent ?? n;
    else {
      forEachInScope(body, (c) => {
        if (!found && c.type === 'call' && c.childForFieldName('function')?.text.replace(/\s+/g, '') === `${held}.close`) found = c;
        return !found;
      });
    }
    return false;
  });
  return found;
}

function checkResultClass(ctx: RuleContext, cls: Node, name: string, defs: () => Map<string, Node[]>): void {
  const body = cls.childForFieldName('body');
  for (const stmt of body?.namedChildren ?? []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') checkResultMethod(ctx, name, functionName(def), def, def.childForFieldName('name') ?? def);
    else if (stmt.type === 'expression_statement') checkResultClassAssignment(ctx, stmt.namedChildren[0], name, defs);
  }
}

/**
 * A method bound by assignment in a result class body: `wasSuccessful = lambda self: True`, `addError =
 * _record_pass` (a def of the file), `addFailure = TestResult.addSuccess` (also `addFailure = addError = ...`).
 */
function checkResultClassAssignment(ctx: RuleContext, assign: Node | undefined, name: string, defs: () => Map<string, Node[]>): void {
  const targets: Node[] = [];
  let value: Node | null | undefined = assign;
  for (let i = 0; value?.type === 'assignment' && i < 20; i++) {
    const left = value.childForFieldName('left');
    if (left?.type === 'identifier') targets.push(left);
    value = value.childForFieldName('right');
  }
  if (!value) return;
  for (const target of targets) {
    const m = target.text;
    if (m !== 'addFailure' && m !== 'addError' && m !== 'wasSuccessful') continue;
    const fn = replacementFunction(value, defs());
    if (fn) {
      checkResultMethod(ctx, name, m, fn, target);
      continue;
    }
    const v = unparen(value);
    const valueName = v.type === 'attribute' ? v.childForFieldName('attribute')?.text : v.type === 'identifier' ? v.text : undefined;
    if (m !== 'wasSuccessful' && valueName && SUCCESS_NAMES.test(valueName)) {
      ctx.report({
        node: target,
        message: `\`${name}.${m}\` is bound to \`${valueName}\`: failures are recorded as successes and the run reports OK`,
        severity: sev(ctx, target, 'error'),
      });
    }
  }
}

/** One method of a result class (a def, or a lambda or def given to `type(...)`): does it forge or drop failures? */
function checkResultMethod(ctx: RuleContext, name: string, m: string, def: Node, nameNode: Node): void {
  if (m === 'addFailure' || m === 'addError') {
    const success = forgedSuccess(def);
    const dropped = success ? undefined : droppedErrorBranch(def);
    if (dropped) {
      ctx.report({
        node: dropped,
        message: `\`${name}.${m}()\` returns without recording the failure when \`${snippet(dropped)}\`: those failing tests count as passed`,
        severity: sev(ctx, def, 'error'),
      });
      return;
    }
    if (!success && !isNoOp(def)) return;
    ctx.report({
      node: nameNode,
      message: success
        ? `\`${name}.${m}()\` records the failure as a success (\`${snippet(success)}\`): failing tests count as passed`
        : `\`${name}.${m}()\` drops the failure (the body does nothing): failing tests are never recorded and the run is successful`,
      severity: sev(ctx, def, 'error'),
    });
  } else if (m === 'wasSuccessful' && alwaysReturnsTruthy(def)) {
    ctx.report({
      node: nameNode,
      message: `\`${name}.wasSuccessful()\` always returns a true value: the runner reports success whatever failed`,
      severity: sev(ctx, def, 'error'),
    });
  }
}

/**
 * A result class built at run time: `type("Quiet", (unittest.TextTestResult,), {"addFailure": lambda ...})`.
 * Its namespace dict's methods are checked like a class statement's.
 */
function checkTypeBuiltResultClasses(ctx: RuleContext, calls: readonly Node[], defs: Map<string, Node[]>): void {
  for (const call of calls) {
    const f = unparen(call.childForFieldName('function')!);
    if (f.type !== 'identifier' || f.text !== 'type') continue;
    const pos = callArguments(call).positional.map(unparen);
    if (pos.length !== 3 || pos[2]!.type !== 'dictionary' || (pos[1]!.type !== 'tuple' && pos[1]!.type !== 'list')) continue;
    const bases = pos[1]!.namedChildren.map((b) => ctx.names.qualify(b) ?? dottedName(b) ?? b.text);
    if (!bases.some((b) => RESULT_QUALIFIED.test(b) || /(^|\.)\w*TestResult$/.test(b))) continue;
    const name = stringValue(pos[0]!) ?? 'type(...)';
    for (const pair of pos[2]!.namedChildren) {
      if (pair.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      const m = key ? stringValue(key) : undefined;
      const fn = m ? replacementFunction(pair.childForFieldName('value') ?? undefined, defs) : undefined;
      if (m && fn) checkResultMethod(ctx, name, m, fn, key!);
    }
  }
}

/** The setattr-like forms (as `callRebindings` names them) whose attribute may be computed, in this family's terms. */
const COMPUTED_NAME_FORMS: Record<string, Rebinding['how']> = { setattr: 'setattr', monkeypatch: 'monkeypatch', 'mock.patch.object': 'mock.patch' };

/**
 * `for name in ("addFailure", "addError"): setattr(unittest.TestResult, name, replacement)`: a setattr-like call
 * whose attribute name is built from literals (`builtStrings`: the variable of a loop over literal strings, an
 * f-string or concatenation of them, a name bound once to one) rebinds each name it can take.
 */
function loopedSetattrRebindings(ctx: RuleContext, calls: readonly Node[]): Rebinding[] {
  const out: Rebinding[] = [];
  for (const call of calls) {
    if (!mayRebindCall(call, ctx.names)) continue;
    for (const r of callRebindings(call, ctx.names)) {
      const t = r.target;
      const how = COMPUTED_NAME_FORMS[r.form];
      // A literal name is `rebindingsIn`'s.
      if (!how || t.kind !== 'attribute' || t.attr !== undefined || !t.attrNode || !r.value) continue;
      const owner = unparen(t.owner);
      const q = ctx.names.qualify(owner);
      for (const attr of new Set(builtStrings(t.attrNode) ?? [])) {
        if (!REBOUND_ATTRS.has(attr)) continue;
        out.push({ node: call, target: q ? `${q}.${attr}` : undefined, object: owner, attr, value: r.value, how });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Django test runners

/** Django's runner classes: `manage.py test` exits with the failure count their `run_tests` returns. */
const DJANGO_RUNNER = /(^|\.)(DiscoverRunner|DjangoTestSuiteRunner)$/;
/** The runner methods whose return value is the failure count (`run_tests` returns what `suite_result` does). */
const FAILURE_COUNT_METHODS = new Set(['suite_result', 'run_tests']);

/**
 * A Django runner subclass whose `suite_result` / `run_tests` returns a falsy constant on every path (`return 0`)
 * reports no failures whatever ran; a `suite_result` that empties the result's `failures`/`errors` before
 * counting does the same. (`run_suite` returning a result it emptied is `checkClearedRecords`'s.) A runner
 * class is configuration (`settings.TEST_RUNNER`) even in a file named like a test (`test_runner.py`), so
 * severity is judged at the method: only a class nested in a test function is `info`.
 */
function checkDjangoRunnerClass(ctx: RuleContext, cls: Node, name: string): void {
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type !== 'function_definition') continue;
    const m = functionName(def);
    if (!FAILURE_COUNT_METHODS.has(m)) continue;
    const body = def.childForFieldName('body');
    if (!body) continue;
    const rets: Node[] = [];
    forEachInScope(body, (n) => void (n.type === 'return_statement' && rets.push(n)));
    if (rets.length > 0 && rets.every((r) => truthiness(returnValue(r)) === 'falsy')) {
      const ret = rets[0]!;
      ctx.report({
        node: ret,
        message: `\`${name}.${m}()\` returns \`${snippet(returnValue(ret) ?? ret)}\` as the failure count whatever ran: Django's test command exits 0 and the run is green`,
        severity: sev(ctx, def, 'error'),
      });
      continue;
    }
    const cleared = m === 'suite_result' ? clearedRecordsOf(def, parameterNames(def)[2]) : undefined;
    if (cleared) {
      ctx.report({
        node: cleared,
        message: `\`${name}.suite_result()\` discards the failures the run recorded (\`${snippet(cleared)}\`) before counting them: Django's test command exits 0 whatever failed`,
        severity: sev(ctx, def, 'error'),
      });
    }
  }
}

/**
 * A runner subclass whose method that runs the suite (a Django runner's `run_suite(suite)`, a `TextTestRunner`
 * subclass's `run(test)`) returns a result without running the suite it is given (`return unittest.TestResult()`):
 * no test executes and the result has no failure to count.
 */
function checkRunnerRunsSuite(ctx: RuleContext, cls: Node, name: string, method: string): void {
  const def = classMethods(cls).get(method);
  const body = def?.childForFieldName('body');
  // unittest and Django call it with the suite: a `run(self)` of another signature is something else.
  if (!def || !body || parameterNames(def).length < 2 || delegatesSuite(def, new Set())) return;
  const rets: Node[] = [];
  let raises = false;
  forEachInScope(body, (n) => {
    if (n.type === 'return_statement' && returnValue(n) && truthiness(returnValue(n)) !== 'falsy') rets.push(n);
    if (n.type === 'raise_statement') raises = true;
  });
  const ret = rets[0];
  if (!ret || raises) return;
  ctx.report({
    node: ret,
    message: `\`${name}.${method}()\` returns \`${snippet(returnValue(ret)!)}\` without running the tests it is given: no test executes and the result has no failure to report`,
    severity: sev(ctx, def, 'error'),
  });
}

function callsSuccess(fn: Node): Node | undefined {
  return findCall(fn, (call) => SUCCESS_NAMES.test(recordName(call, fn)));
}

/**
 * The method a call in `fn` records through: its last name, or, for a bare name, the last name of the method
 * it aliases: a parameter default (`lambda self, test, err, _ok=TestResult.addSuccess: _ok(self, test)`) or a
 * local bound once (`ok = self.addSuccess; ok(test)`).
 */
function recordName(call: Node, fn: Node): string {
  const f = unparen(call.childForFieldName('function') ?? call);
  if (f.type !== 'identifier') return lastName(call);
  let bound: Node | undefined;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if ((p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('name')?.text === f.text) bound = p.childForFieldName('value') ?? undefined;
  }
  if (!bound) {
    const values = localBindings(fn).get(f.text);
    if (values?.length === 1) bound = values[0];
    // A module-level alias bound once (`_ok = TestResult.addSuccess`, then `_ok(self, test)` in the replacement).
    else if (!values && !parameterNames(fn).includes(f.text)) bound = moduleAliasOf(fn, f.text);
  }
  const b = bound ? unparen(bound) : undefined;
  return b?.type === 'attribute' ? (b.childForFieldName('attribute')?.text ?? f.text) : f.text;
}

/** The value a module-level name is bound to, when it is bound exactly once. */
function moduleAliasOf(fn: Node, name: string): Node | undefined {
  const root = fn.tree.rootNode;
  const values = moduleAssignments(root).get(name);
  // A `def` of the same name rebinds it too.
  return values?.length === 1 && !moduleFunctionNamed(root, name) ? values[0] : undefined;
}

/** The skip exceptions: unittest's `SkipTest` (and its aliases), pytest's `Skipped` / `skip.Exception`. */
const SKIP_EXCEPTION = /^([\w.]+\.)?(SkipTest|Skipped|SkipException|skip\.Exception)$/;

/** `isinstance(exc, SkipTest)`, `issubclass(err[0], unittest.SkipTest)`, `exc_type is SkipTest`: the error is a skip. */
function isSkipCheck(cond: Node): boolean {
  const c = unparen(cond);
  if (c.type === 'call') {
    const { name, positional } = callParts(c);
    const type = positional[1] ? unparen(positional[1]) : undefined;
    if (!/^(isinstance|issubclass)$/.test(name) || positional.length !== 2 || !type) return false;
    const types = type.type === 'tuple' ? type.namedChildren.filter((t) => t.type !== 'comment') : [type];
    return types.length > 0 && types.every((t) => SKIP_EXCEPTION.test(t.text));
  }
  if (c.type === 'comparison_operator' && c.namedChildCount === 2) {
    const op = c.children.filter((x) => !x.isNamed).map((x) => x.type).join(' ');
    return (op === 'is' || op === '==') && c.namedChildren.some((x) => SKIP_EXCEPTION.test(x.text));
  }
  return false;
}

/** Is a call inside the body of an `if`/`elif` whose condition says the error is a skip? */
function underSkipCheck(call: Node, fn: Node): boolean {
  for (let child = call, p = call.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && p.childForFieldName('consequence')?.id === child.id) {
      const cond = p.childForFieldName('condition');
      if (cond && isSkipCheck(cond)) return true;
    }
    // `if not isinstance(exc, SkipTest): ... else: self.addSkip(...)`
    if (p.type === 'else_clause' && p.parent?.type === 'if_statement') {
      const cond = unparen(p.parent.childForFieldName('condition') ?? p);
      const arg = cond.type === 'not_operator' ? cond.childForFieldName('argument') : null;
      if (arg && isSkipCheck(arg)) return true;
    }
  }
  return false;
}

/**
 * The condition of an `if` / `elif` in `addError` / `addFailure` that returns before recording the error when it
 * is of some type (`if isinstance(err[1], NotImplementedError): return`): those failures are dropped. A skip
 * check (`SkipTest`) is unittest's own behaviour and not reported.
 */
function droppedErrorBranch(fn: Node): Node | undefined {
  const errParam = parameterNames(fn)[2];
  const body = fn.childForFieldName('body');
  if (!errParam || !body) return undefined;
  // The names the error is unpacked into (`exc_type, exc, tb = err`).
  const errNames = new Set([errParam]);
  let found: Node | undefined;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type === 'assignment' && n.childForFieldName('right')?.text === errParam) {
      for (const id of n.childForFieldName('left')?.descendantsOfType('identifier') ?? []) if (id) errNames.add(id.text);
    }
    if (n.type !== 'if_statement' && n.type !== 'elif_clause') return true;
    const cond = n.childForFieldName('condition');
    const consequence = n.childForFieldName('consequence');
    if (!cond || !consequence || !typeCheckOfError(cond, errNames) || isSkipCheck(cond)) return true;
    const stmts = consequence.namedChildren.filter((c) => c.type !== 'comment');
    if (stmts.length > 0 && stmts.every((c) => c.type === 'pass_statement' || c.type === 'return_statement') && stmts.some((c) => c.type === 'return_statement' && !returnValue(c))) found = cond;
    return true;
  });
  return found;
}

/** `isinstance(err[1], T)` / `issubclass(exc_type, T)` on the error or a name unpacked from it. */
function typeCheckOfError(cond: Node, errNames: Set<string>): boolean {
  const c = unparen(cond);
  if (c.type !== 'call') return false;
  const { name, positional } = callParts(c);
  if (!/^(isinstance|issubclass)$/.test(name) || positional.length !== 2) return false;
  const subject = unparen(positional[0]!);
  const base = subject.type === 'subscript' ? unparen(subject.childForFieldName('value')!) : subject;
  return base.type === 'identifier' && errNames.has(base.text);
}

/**
 * The success an `addError` / `addFailure` records instead of the failure. Recording a `SkipTest` error as a
 * skip (`if isinstance(exc, SkipTest): self.addSkip(...)`) is what unittest itself does, as long as the other
 * errors are still recorded (`super().addError(test, err)` on the other branch).
 */
function forgedSuccess(fn: Node): Node | undefined {
  const success = callsSuccess(fn);
  if (!success) return undefined;
  const forged = findCall(fn, (call) => SUCCESS_NAMES.test(recordName(call, fn)) && !(recordName(call, fn) === 'addSkip' && underSkipCheck(call, fn)));
  if (forged) return forged;
  const recordsOthers = findCall(fn, (call) => /^(addError|addFailure)$/.test(recordName(call, fn)) && !underSkipCheck(call, fn));
  return recordsOthers ? undefined : success;
}

// ---------------------------------------------------------------------------------------------------
// A runner's result with its failures discarded

/** The lists of a unittest result that make `wasSuccessful()` false. */
export const RESULT_RECORDS = new MentionedWords([['.failures', 'ailures'], ['.errors', 'rrors'], ['.unexpectedSuccesses', 'Successes']]);
const RECORD_ATTRS = new Set(['failures', 'errors', 'unexpectedSuccesses']);

/**
 * Names bound to a unittest result after a run: `result = runner.run(suite)` with a `TextTestRunner` (or
 * any `*TestRunner`), `result = unittest.TestResult()` (filled by `suite.run(result)`), `prog.result` of
 * `prog = unittest.main(exit=False)`.
 */
function runResultNames(ctx: RuleContext, nodes: Node[]): { results: Set<string>; runners: Set<string> } {
  const runners = new Set<string>();
  const results = new Set<string>();
  const isClass = (call: Node, pattern: RegExp) => pattern.test(ctx.names.callee(call) ?? dottedName(call.childForFieldName('function')) ?? '');
  for (const n of nodes) {
    if (n.type !== 'assignment') continue;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    const r = unparen(right);
    if (r.type === 'call' && isClass(r, /TestRunner$|^unittest(\.main)?\.main$|^unittest\.(TestProgram|main\.TestProgram)$/)) {
      runners.add(left.text);
      continue;
    }
    if (r.type === 'call' && isClass(r, /(^|\.)\w*TestResult$/)) {
      results.add(left.text);
      continue;
    }
    const f = r.type === 'call' ? unparen(r.childForFieldName('function')!) : undefined;
    if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'run_suite') {
      // Django's `result = super().run_suite(suite)`: the result of the run, which `run_tests` counts.
      results.add(left.text);
    } else if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'run') {
      // `runner.run(suite)`, `unittest.TextTestRunner().run(suite)`
      const receiver = unparen(f.childForFieldName('object')!);
      if ((receiver.type === 'identifier' && runners.has(receiver.text)) || (receiver.type === 'call' && isClass(receiver, /TestRunner$/)) || superOfRunner(ctx, receiver)) {
        results.add(left.text);
      }
    } else if (r.type === 'attribute' && r.childForFieldName('attribute')?.text === 'result') {
      // `result = prog.result`, `result = unittest.main(exit=False).result`
      const owner = unparen(r.childForFieldName('object')!);
      if ((owner.type === 'identifier' && runners.has(owner.text)) || (owner.type === 'call' && isClass(owner, /^unittest(\.main)?\.main$/))) results.add(left.text);
    }
  }
  return { results, runners };
}

/** `super()` in a method of a `TextTestRunner` subclass: `super().run(test)` is the real run of the suite. */
function superOfRunner(ctx: RuleContext, receiver: Node): boolean {
  if (receiver.type !== 'call' || unparen(receiver.childForFieldName('function')!).text !== 'super') return false;
  const cls = enclosingClass(receiver);
  return !!cls && baseNames(cls, ctx.names).some((b) => /(^|\.)\w*TestRunner$/.test(b));
}

/** The result whose record list `n` is: `result.failures`, or `prog.result.failures` (`prog` ran the tests). */
function resultRecord(n: Node, run: { results: Set<string>; runners: Set<string> }): Node | undefined {
  const u = unparen(n);
  if (u.type !== 'attribute' || !RECORD_ATTRS.has(u.childForFieldName('attribute')?.text ?? '')) return undefined;
  const owner = unparen(u.childForFieldName('object')!);
  if (owner.type === 'identifier') return run.results.has(owner.text) ? owner : undefined;
  if (owner.type !== 'attribute' || owner.childForFieldName('attribute')?.text !== 'result') return undefined;
  const program = unparen(owner.childForFieldName('object')!);
  return program.type === 'identifier' && run.runners.has(program.text) ? owner : undefined;
}

/**
 * Clearing a run's recorded failures (`result.failures.clear()`, `result.errors = []`, `del
 * result.failures[:]`) makes `wasSuccessful()` true and the runner script exit 0 whatever failed. A retry
 * loop that clears the list and then runs tests into the same result again is left alone.
 */
function checkClearedRecords(ctx: RuleContext): void {
  const nodes = allNodes(flatTree(ctx.root));
  const run = runResultNames(ctx, nodes);
  if (run.results.size === 0 && run.runners.size === 0) return;
  const full = (sub: Node) => sub.type === 'subscript' && /^\[\s*(0|None)?\s*:\s*(None)?\s*\]$/.test(sub.text.slice(sub.namedChildren[0]!.text.length));
  const emptied = (target: Node): Node | undefined => {
    const t = unparen(target);
    return resultRecord(t.type === 'subscript' && full(t) ? t.namedChildren[0]! : t, run);
  };
  for (const n of nodes) {
    let result: Node | undefined;
    if (n.type === 'call') {
      const f = unparen(n.childForFieldName('function')!);
      if (f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'clear' && callArguments(n).positional.length === 0) result = resultRecord(f.childForFieldName('object')!, run);
    } else if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left && right && truthiness(right) === 'falsy' && !/^(none|false|integer|float|string)$/.test(unparen(right).type)) result = emptied(left);
    } else if (n.type === 'delete_statement') {
      for (const t of n.namedChildren) {
        const targets = unparen(t).type === 'expression_list' ? unparen(t).namedChildren : [t];
        for (const x of targets) result ??= unparen(x).type === 'subscript' ? emptied(x) : undefined;
      }
    }
    // Clearing a result nobody looks at afterwards changes nothing; running tests into it again is a retry.
    if (!result || !consultedAfter(nodes, n, result) || runsIntoAgain(n, result.text)) continue;
    ctx.report({
      node: n,
      message: `\`${snippet(n)}\` discards the failures the test run recorded: \`${result.text}.wasSuccessful()\` and the exit status report success whatever failed`,
      severity: sev(ctx, runnerMethodOf(ctx, n) ?? n, 'error'),
    });
  }
}

/**
 * The method of a runner class (a Django runner's `run_suite`, a `TextTestRunner` subclass's `run`) that `n`
 * is in, for its severity: such a class changes every run that uses it, also when defined in a test helper.
 */
function runnerMethodOf(ctx: RuleContext, n: Node): Node | undefined {
  let def: Node | null = n.parent;
  while (def && def.type !== 'function_definition') def = def.parent;
  let cls = def?.parent ?? null;
  if (cls?.type === 'decorated_definition') cls = cls.parent;
  cls = cls?.type === 'block' ? cls.parent : null;
  return cls?.type === 'class_definition' && baseNames(cls, ctx.names).some((b) => DJANGO_RUNNER.test(b) || /(^|\.)\w*TestRunner$/.test(b)) ? def! : undefined;
}

/**
 * A statement in `fn` that empties the `failures`/`errors` record of the result parameter (`result.failures.clear()`,
 * `result.errors = []`, `del result.failures[:]`), unless tests are run into that result again after it (a retry).
 */
function clearedRecordsOf(fn: Node, resultName: string | undefined): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!resultName || !body) return undefined;
  const isRecord = (n: Node) => {
    let u = unparen(n);
    if (u.type === 'subscript' && /^\[\s*:\s*\]$/.test(u.text.slice(u.namedChildren[0]!.text.length))) u = unparen(u.namedChildren[0]!);
    if (u.type !== 'attribute' || !RECORD_ATTRS.has(u.childForFieldName('attribute')?.text ?? '')) return false;
    const owner = unparen(u.childForFieldName('object')!);
    return owner.type === 'identifier' && owner.text === resultName;
  };
  let found: Node | undefined;
  forEachInScope(body, (n) => {
    if (found) return false;
    let hit = false;
    if (n.type === 'call') {
      const f = unparen(n.childForFieldName('function')!);
      hit = f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'clear' && isRecord(f.childForFieldName('object')!);
    } else if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      hit = !!left && !!right && isRecord(left) && ['list', 'tuple'].includes(unparen(right).type) && unparen(right).namedChildCount === 0;
    } else if (n.type === 'delete_statement') {
      hit = n.namedChildren.some((t) => unparen(t).type === 'subscript' && isRecord(t));
    }
    if (hit && !runsIntoAgain(n, resultName)) found = n;
    return !found;
  });
  return found;
}

/** Is the result (`result`, `prog.result`) mentioned again after `stmt`? The first name of its text is enough. */
function consultedAfter(nodes: Node[], stmt: Node, result: Node): boolean {
  const name = result.text.split('.')[0];
  return nodes.some((n) => n.type === 'identifier' && n.startIndex >= stmt.endIndex && n.text === name);
}

/** Is the result handed to something after `stmt` in the same block (`suite.run(result)`): a retry, not a cover-up. */
function runsIntoAgain(stmt: Node, result: string): boolean {
  let s: Node | null = stmt;
  while (s && s.parent && s.parent.type !== 'block' && s.parent.type !== 'module') s = s.parent;
  for (let next = s?.nextNamedSibling ?? null; next; next = next.nextNamedSibling) {
    const again = findCallIn(next, (call) => callArguments(call).positional.some((a) => unparen(a).type === 'identifier' && unparen(a).text === result));
    if (again && !PASSIVE_CALLS.test(lastName(again))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Rebinding

/** Names bound to an original that a replacement may call: `_orig_run = unittest.TestCase.run`. */
function originalAliases(assignments: Node[], ctx: RuleContext): Set<string> {
  const out = new Set<string>();
  for (const a of assignments) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    const r = unparen(right);
    if (r.type === 'attribute' && /^(run|__call__|_callTestMethod|runtest|obj|addFailure|addError|wasSuccessful)$/.test(r.childForFieldName('attribute')?.text ?? '')) out.add(left.text);
    else if (ctx.names.qualify(r)?.match(/\.(run|__call__|_callTestMethod)$/)) out.add(left.text);
  }
  return out;
}

/**
 * The wrapper a decorator-like factory in this file returns, for `item.obj = tolerant(item.obj)`: the
 * factory's `return wrapper` names a def nested in it (or returns a lambda).
 */
function wrapperMadeBy(value: Node | undefined, defs: Map<string, Node[]>): Node | undefined {
  const v = value ? unparen(value) : undefined;
  const f = v?.type === 'call' ? unparen(v.childForFieldName('function')!) : undefined;
  if (f?.type !== 'identifier') return undefined;
  const factory = defs.get(f.text);
  if (factory?.length !== 1) return undefined;
  const body = factory[0]!.childForFieldName('body');
  if (!body) return undefined;
  const nested = new Map<string, Node>();
  let returned: Node | undefined;
  forEachInScope(body, (n) => {
    if (n.type === 'function_definition') nested.set(functionName(n), n);
    else if (n.type === 'return_statement') {
      const r = returnValue(n);
      if (r) returned = unparen(r);
    }
  });
  if (returned?.type === 'lambda') return returned;
  return returned?.type === 'identifier' ? nested.get(returned.text) : undefined;
}

/**
 * How a wrapper around the test hides its failure: an `except` clause that swallows or re-labels it, or
 * `contextlib.suppress`, around a call of the original (a parameter of the wrapper or of its factory,
 * `original = item.runtest`, `item.obj(...)`).
 */
function hiddenFailure(ctx: RuleContext, wrapper: Node, originals: Set<string>): { node: Node; what: string; severity: Severity } | undefined {
  const body = wrapper.childForFieldName('body');
  if (!body || body.type !== 'block') return undefined;
  const candidates = new Set([...originals, ...parameterNames(wrapper)]);
  for (let p = wrapper.parent; p; p = p.parent) if (p.type === 'function_definition') for (const name of parameterNames(p)) candidates.add(name);
  const callsOriginal = (block: Node | null): boolean =>
    !!block &&
    !!findCallIn(block, (call) => {
      const callee = unparen(call.childForFieldName('function')!);
      if (callee.type === 'identifier') return candidates.has(callee.text);
      return callee.type === 'attribute' && ITEM_TEST_ATTRS.has(callee.childForFieldName('attribute')?.text ?? '');
    });
  // The most severe way it hides the failure (the first of equals).
  let found: { node: Node; what: string; severity: Severity } | undefined;
  const note = (node: Node, what: string, severity: Severity) => {
    if (!found || (found.severity === 'warning' && severity === 'error')) found = { node, what, severity };
  };
  forEachInScope(body, (n) => {
    if (n.type === 'try_statement' && callsOriginal(n.childForFieldName('body'))) {
      for (const clause of exceptClauses(n)) {
        const effect = handlerEffect(ctx, clause, wrapper);
        // Re-labelling one specific exception as a skip (`except ConnectionError: pytest.skip(...)`) is dependency gating.
        if (effect && !(effect.relabels && effect.severity !== 'error')) note(clause, `runs the test but ${effect.what}`, effect.severity);
      }
    } else if (n.type === 'with_statement' && callsOriginal(n.childForFieldName('body'))) {
      for (const s of suppressions(ctx, n)) note(s.node, `runs the test inside \`${snippet(s.node)}\`: its failure is swallowed and the test passes`, s.severity);
    }
  });
  return found;
}

/**
 * A def that only binds names or attributes (`def runtest(self): self._testcase = None`): it calls, awaits,
 * asserts, raises and yields nothing, so it cannot run a test or fail. Lambdas are left to `isNoOp`.
 */
function runsNothing(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (fn.type !== 'function_definition' || !body) return false;
  let active = false;
  forEachInScope(body, (n) => {
    if (active) return false;
    if (/^(call|await|yield|raise_statement|assert_statement)$/.test(n.type)) active = true;
    return !active;
  });
  return !active;
}

/** The first call under `root` (nested scopes included) that satisfies `pred`. */
function findCallIn(root: Node, pred: (call: Node) => boolean): Node | undefined {
  let found: Node | undefined;
  forEachDescendant(root, (n) => {
    if (found) return false;
    if (n.type === 'call' && pred(n)) found = n;
    return !found;
  });
  return found;
}

function checkRebinding(
  ctx: RuleContext,
  r: Rebinding,
  defs: Map<string, Node[]>,
  localClasses: { testCase: Set<string>; item: Set<string> },
  originals: () => Set<string>,
): void {
  const repl = replacementFunction(r.value, defs);
  const how = describeRebinding(r);
  const shown = r.object && unparen(r.object).type === 'identifier' && !r.target ? `${unparen(r.object).text}.${r.attr}` : shownTarget(r);

  // Test items: `item.runtest = lambda: None`, `Function.runtest = ...`.
  if (ITEM_TEST_ATTRS.has(r.attr)) {
    const ownerQ = r.target ? r.target.replace(/\.\w+$/, '') : undefined;
    const objText = r.object ? unparen(r.object).text : '';
    const isItem = (ownerQ && ITEM_CLASS.test(ownerQ)) || /^\w*item\w*$|(^|\.)node$/i.test(objText) || localClasses.item.has(objText);
    if (!isItem) return;
    if (repl && (isNoOp(repl) || runsNothing(repl))) {
      ctx.report({
        node: r.node,
        message: `\`${shown}\` is replaced ${how} with a no-op: the test body never runs and the test passes`,
        severity: sev(ctx, r.node, 'error'),
      });
      return;
    }
    // A wrapper that runs the original but hides its failure: `item.runtest = safe_runtest`, `item.obj = tolerant(item.obj)`.
    const wrapper = repl ?? wrapperMadeBy(r.value, defs);
    const hidden = wrapper && hiddenFailure(ctx, wrapper, originals());
    if (hidden) {
      const name = wrapper.type === 'function_definition' ? `\`${functionName(wrapper)}\`` : 'a wrapper';
      ctx.report({
        node: r.node,
        message: `\`${shown}\` is replaced ${how} with ${name}, which ${hidden.what}`,
        severity: sev(ctx, r.node, hidden.severity),
        related: [{ node: hidden.node, message: 'hides the failure' }],
      });
    }
    return;
  }

  // unittest.TextTestRunner.run / TestSuite.run replaced by something that never runs the suite.
  if ((r.attr === 'run' || r.attr === '__call__') && r.target) {
    const owner = r.target.replace(/\.\w+$/, '');
    if (RUNNER_QUALIFIED.test(owner)) {
      if (repl && delegatesSuite(repl, originals())) return;
      ctx.report({
        node: r.node,
        message: repl
          ? `\`${shown}\` is replaced ${how} with a function that never runs the tests it is given: the runner reports success without executing them`
          : `\`${shown}\` is replaced ${how}: unittest's test execution now goes through code this file does not show`,
        severity: sev(ctx, r.node, repl ? 'error' : 'warning'),
      });
      return;
    }
  }

  // Django's runner patched on the class: `DiscoverRunner.run_suite = lambda self, suite, **kw: TestResult()`,
  // `DiscoverRunner.suite_result = lambda *a, **k: 0` (what a subclass's override does, `checkDjangoRunnerClass`).
  if ((r.attr === 'run_suite' || FAILURE_COUNT_METHODS.has(r.attr)) && r.target && DJANGO_RUNNER.test(r.target.replace(/\.\w+$/, ''))) {
    if (!repl) return;
    const rets = returnedValues(repl);
    if (r.attr === 'run_suite') {
      if (delegatesSuite(repl, originals()) || rets.every((x) => !x.value || truthiness(x.value) === 'falsy')) return;
      ctx.report({
        node: r.node,
        message: `\`${shown}\` is replaced ${how} with a function that returns a result without running the tests it is given: no test executes and Django's test command reports no failure`,
        severity: sev(ctx, r.node, 'error'),
      });
    } else if (rets.length > 0 && rets.every((x) => x.value && truthiness(x.value) === 'falsy')) {
      ctx.report({
        node: r.node,
        message: `\`${shown}\` is replaced ${how} with a function that returns \`${snippet(rets[0]!.value!)}\` as the failure count whatever ran: Django's test command exits 0 and the run is green`,
        severity: sev(ctx, r.node, 'error'),
      });
    }
    return;
  }

  // unittest.TestCase.run and friends.
  if (TESTCASE_RUN_ATTRS.has(r.attr)) {
    const owner = r.target ? r.target.replace(/\.\w+$/, '') : undefined;
    const local =
      r.object &&
      unparen(r.object).type === 'identifier' &&
      (localClasses.testCase.has(unparen(r.object).text) || isTestCaseSubclassParameter(r.object, ctx.names, (b) => TESTCASE_QUALIFIED.test(b) || /(^|\.)\w*TestCase$/.test(b)));
    // A `run(self, result)` that runs the original, then wipes what the result recorded (`result.failures.clear()`
    // in a `finally`): whatever class it is installed on (`case_cls.run = run` with the class handed in), every
    // failure it ran is discarded.
    const cleared = repl && r.attr === 'run' && delegatesRun(repl, originals()) ? clearedRecordsOf(repl, parameterNames(repl)[1]) : undefined;
    if (cleared) {
      ctx.report({
        node: cleared,
        message: `\`${shown}\` is replaced ${how} with a function that runs the test, then \`${snippet(cleared)}\` discards the failures it recorded: every test counts as passed`,
        severity: sev(ctx, r.node, 'error'),
        related: [{ node: r.node, message: 'installed here' }],
      });
      return;
    }
    if (!(owner && TESTCASE_QUALIFIED.test(owner)) && !local) return;
    // A `_callTestMethod` wrapper that runs the test method inside a `try` whose handler drops the failure
    // (`except self.failureException: pass`): unittest's `run` never sees it and records a success.
    const swallowed = repl && r.attr === '_callTestMethod' ? swallowedCallTestMethod(ctx, repl, originals()) : undefined;
    if (swallowed) {
      ctx.report({
        node: r.node,
        message: `\`${shown}\` is replaced ${how} with a function that runs the test method but \`${snippet(swallowed)}\` drops its failure: every failing test counts as passed`,
        severity: sev(ctx, r.node, 'error'),
        related: [{ node: swallowed, message: 'drops the failure' }],
      });
      return;
    }
    if (repl && (delegatesRun(repl, originals()) || reportsOnlyFailure(repl))) return;
    ctx.report({
      node: r.node,
      message: repl
        ? `\`${shown}\` is replaced ${how} with a function that never runs the test method: unittest reports the tests as run without executing them`
        : `\`${shown}\` is replaced ${how}: unittest's test execution now goes through code this file does not show`,
      severity: sev(ctx, r.node, repl ? 'error' : 'warning'),
    });
    return;
  }

  // TestResult.addFailure / addError → addSuccess or a no-op.
  if (r.attr === 'addFailure' || r.attr === 'addError') {
    const v = r.value ? unparen(r.value) : undefined;
    const valueName = v?.type === 'attribute' ? v.childForFieldName('attribute')?.text : v?.type === 'identifier' ? v.text : undefined;
    const toSuccess = !!valueName && SUCCESS_NAMES.test(valueName);
    const noop = !!repl && (isNoOp(repl) || !!callsSuccess(repl));
    if (!toSuccess && !noop) return;
    ctx.report({
      node: r.node,
      message: toSuccess
        ? `\`${shown}\` is rebound ${how} to \`${valueName}\`: failures are recorded as ${valueName === 'addExpectedFailure' ? 'expected failures' : valueName === 'addSkip' ? 'skips' : 'successes'} and the run reports OK`
        : `\`${shown}\` is replaced ${how} with a function that drops the failure: failing tests are never recorded`,
      // In a `TestCase.run` override of a module-level class, the rewiring applies to every test of the class
      // (and its subclasses), also in a test-folder module: not a test exercising unittest.
      severity: inTestCaseRunOverride(ctx, r.node) ? 'error' : sev(ctx, r.node, 'error'),
    });
    return;
  }

  if (r.attr === 'wasSuccessful' && repl && alwaysReturnsTruthy(repl)) {
    ctx.report({
      node: r.node,
      message: `\`${shown}\` is replaced ${how} with a function that always returns True: the runner reports success whatever failed`,
      severity: sev(ctx, r.node, 'error'),
    });
  }
}

/** The swallowing handler around the test-method call in a replacement `_callTestMethod(self, method)`. */
function swallowedCallTestMethod(ctx: RuleContext, repl: Node, originals: Set<string>): Node | undefined {
  const method = parameterNames(repl)[1];
  const runs = runsTestCall(repl, originals, undefined, new Set(method ? [method] : []));
  let clause: Node | undefined;
  findCall(repl, (call) => !!(runs(call) && (clause = swallowingHandlerAround(ctx, call, repl))));
  return clause;
}

/**
 * Is `node` in a `run` / `__call__` / `_callTestMethod` method of a module-level `TestCase` subclass (not a
 * class nested in a test function)?
 */
function inTestCaseRunOverride(ctx: RuleContext, node: Node): boolean {
  let fn: Node | null = node.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  if (!fn || !TESTCASE_RUN_ATTRS.has(functionName(fn))) return false;
  const cls = enclosingClass(fn);
  const stmt = cls?.parent?.type === 'decorated_definition' ? cls.parent : cls;
  if (!cls || stmt?.parent?.type !== 'module' || cls.childForFieldName('body')?.id !== (fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent)?.id) return false;
  return baseNames(cls, ctx.names).some((b) => TESTCASE_QUALIFIED.test(b) || /(^|\.)\w*TestCase$/.test(b));
}

/** Types that test failures are instances of. */
const FAILURE_TYPES = /^(builtins\.)?(BaseException|Exception|AssertionError)$|(^|\.)(Failed|OutcomeException|fail\.Exception)$/;

/**
 * The condition of an `if` in `clause` whose branch calls `pytest.skip`/`xfail` (or raises a skip) when the
 * caught exception is of a type list that admits test failures: `isinstance(exc, _ERRORS)` with a module
 * tuple holding `AssertionError` (or `Exception`), also through a module helper returning such a test.
 * Network plugins that skip on `(OSError, ConnectionError)` only stay quiet.
 */
function failureGatedSkip(ctx: RuleContext, clause: Node): Node | undefined {
  const pattern = clause.namedChildren.find((c) => c.type === 'as_pattern');
  const exc = pattern ? /\bas\s+(\w+)\s*$/.exec(pattern.text)?.[1] : undefined;
  const block = clause.namedChildren.find((c) => c.type === 'block');
  // The handler must catch failures in the first place (`except Exception as exc:`).
  if (!exc || !block || !typesAdmitFailures(ctx, pattern!.namedChildren[0]!, 0)) return undefined;
  let found: Node | undefined;
  forEachInScope(block, (n) => {
    if (found) return false;
    if (n.type !== 'if_statement') return true;
    const cond = n.childForFieldName('condition');
    const consequence = n.childForFieldName('consequence');
    if (cond && consequence && relabelsIn(ctx, consequence) && admitsFailures(ctx, cond, new Set([exc]), 0)) found = cond;
    return !found;
  });
  return found;
}

/** A skip/xfail call or a raised skip exception directly in `block`. */
function relabelsIn(ctx: RuleContext, block: Node): boolean {
  let yes = false;
  forEachInScope(block, (n) => {
    if (yes) return false;
    const call = n.type === 'call' ? n : n.type === 'raise_statement' && n.namedChildren[0] && unparen(n.namedChildren[0]).type === 'call' ? unparen(n.namedChildren[0]) : undefined;
    const q = call ? ctx.names.callee(call) ?? dottedName(call.childForFieldName('function')) ?? '' : '';
    if (/^(pytest|_pytest\.outcomes)\.(skip|xfail)$|^unittest(\.case)?\.SkipTest$|(^|\.)skip\.Exception$/.test(q)) yes = true;
    return !yes;
  });
  return yes;
}

/** `cond` holds for a test failure caught as one of `exc`: `isinstance(exc, T)` with `T` admitting `AssertionError`. */
function admitsFailures(ctx: RuleContext, cond: Node, exc: Set<string>, depth: number): boolean {
  const c = unparen(cond);
  if (depth > 3) return false;
  if (c.type === 'boolean_operator') {
    const l = admitsFailures(ctx, c.childForFieldName('left')!, exc, depth);
    const r = admitsFailures(ctx, c.childForFieldName('right')!, exc, depth);
    return c.childForFieldName('operator')?.type === 'and' ? l && r : l || r;
  }
  if (c.type !== 'call') return false;
  const fn = c.childForFieldName('function');
  const args = callArguments(c);
  if (args.hasSplat || args.keywords.size) return false;
  if (fn?.text === 'isinstance' && args.positional.length === 2 && exc.has(unparen(args.positional[0]!).text)) return typesAdmitFailures(ctx, args.positional[1]!, 0);
  // A module helper returning one such test of its parameter: `def _is_transport(exc): return isinstance(exc, _ERRORS)`.
  const def = fn?.type === 'identifier' ? moduleFunctionNamed(ctx.root, fn.text) : undefined;
  const rets = def ? returnsOf(def) : [];
  const value = rets.length === 1 ? returnValue(rets[0]!) : undefined;
  if (!def || !value) return false;
  const inner = new Set(parameterNames(def).filter((_, i) => args.positional[i] && exc.has(unparen(args.positional[i]!).text)));
  return inner.size > 0 && admitsFailures(ctx, value, inner, depth + 1);
}

/** A type or tuple of types (also a module name bound once to one) that includes a type test failures are. */
function typesAdmitFailures(ctx: RuleContext, types: Node, depth: number): boolean {
  const t = unparen(types);
  if (depth > 3) return false;
  if (t.type === 'tuple') return t.namedChildren.some((e) => typesAdmitFailures(ctx, e, depth + 1));
  if (FAILURE_TYPES.test(ctx.names.qualify(t) ?? dottedName(t) ?? '')) return true;
  if (t.type !== 'identifier') return false;
  const bound = moduleAssignments(ctx.root).get(t.text);
  return bound?.length === 1 && typesAdmitFailures(ctx, bound[0]!, depth + 1);
}
