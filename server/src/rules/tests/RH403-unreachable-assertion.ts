/**
 * RH403 unreachable-assertion: a test body that returns, skips (`pytest.skip()`, `self.skipTest()`,
 * `raise unittest.SkipTest`) or imperatively xfails (`pytest.xfail()`) unconditionally before its
 * assertions. The early exit is reported (warning); every assertion after it is reported as dead code
 * (hint, tagged `unnecessary` so editors grey it out). An exit inside `if True:` (or another constant-true
 * condition, such as `if not ENABLED:` with a module flag `ENABLED = False` that nothing else sets) is as
 * unconditional as one in the test body; a comment of the file that names the flag as a switch for running the
 * checks by hand (CPython's `RUN_ALL_HASH_TESTS`) makes it info. Exits inside `if`/`try`/loops (environment
 * gates, platform checks) and skips with nothing checked after them stay quiet; an exit that a comment or
 * reason ties to the environment or a tracked issue, or that comes after the test already checked
 * something, is info, unless the test ran the code first and the skip only drops the checks of its result
 * (`out = sort(data)`, `pytest.skip("races on CI, see #57")`, `assert out == ...`). Assertions kept in code that never runs — `if False:` / `if 0:` / `while False:` bodies,
 * loops over an empty literal, a nested `def` the test never names (or only returns), a test whose `parametrize` list is
 * empty — are reported the same way (warning when nothing else is checked, info otherwise). A module name
 * only ever bound to a false constant (`CHECK_VALUES = False`, then `if CHECK_VALUES:`) is that constant; a
 * `parametrize` list held in a name bound only to `[]` and used nowhere else, or a comprehension with a
 * constant-false filter, is empty; so is a list a later module-level binding empties (`CASES = CASES[:0]`), and a loop over a
 * module table bound only to `{}`. Checks in a generator nothing iterates or a lambda nothing calls never run either (also in a
 * generator helper of the file, `def _check(rows): assert ...; yield row`, that the test calls without iterating), and
 * `if out: return` before the checks of `out` skips them whenever there is a result. A test whose body never runs at all is reported too: a bare `yield` in it
 * (a generator test; nose-style `yield check, x` cases are info) and `async def` on a plain `unittest.TestCase`.
 */
import { baseExpressions, callArguments, decoratorsOf, dottedName, enclosingFunction, enclosingFunctionScope, forEachDescendant, forEachInScope, functionName, moduleAssignments, moduleClassNamed, stringValue, unparen, type Node } from '../../engine/ast';
import { mentionedInFile } from '../../engine/prefilter';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Fix, Severity } from '../../engine/types';
import { assertionsIn, bindsInFunction, calleeLastName, classifyReasonText, comparisonOperator, constantTruth, isAssertion, isExplicitFailure, isCheckingCall, isTestFunction, literalTruth, moduleConstant, nameUse, quoteReason, SKIP_WORDS, skipSiteOf, versionTruth } from './helpers';

interface Exit {
  stmt: Node;
  display: string;
  kind: 'return' | 'skip' | 'xfail';
  reason?: Node;
}

/**
 * The statement ends the test unconditionally: `return`, a skip or xfail call, `raise SkipTest`.
 * `maySkip` says whether the file can have skip sites at all (most files cannot: only returns are asked about).
 */
function exitOf(stmt: Node, ctx: RuleContext, maySkip: () => boolean): Exit | undefined {
  if (stmt.type === 'return_statement') return { stmt, display: stmt.text.split('\n')[0]!.trim() === 'return' ? '`return`' : '`return ...`', kind: 'return' };
  if (stmt.type !== 'raise_statement' && stmt.type !== 'expression_statement') return undefined;
  if (!maySkip()) return undefined;
  let target: Node | null = null;
  if (stmt.type === 'raise_statement') target = stmt;
  else if (stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'call') target = stmt.namedChild(0);
  if (!target) return undefined;
  const site = skipSiteOf(target, ctx.names);
  if (!site) return undefined;
  return { stmt, display: `\`${site.display}\``, kind: site.kind, reason: site.reason };
}

/** The statements of a block (its named children without comments). */
function statements(children: readonly Node[]): Node[] {
  return children.filter((c) => c.type !== 'comment');
}

/**
 * Walks the statements the test always executes (its body and the bodies of `with` blocks in it) and
 * returns the first unconditional exit with the statements it makes unreachable.
 */
function firstExit(body: Node, ctx: RuleContext, maySkip: () => boolean): { exit: Exit; dead: Node[] } | undefined {
  // Each frame: a block's named children (shared, not copied: comments are passed over as met), the
  // index of the next one, and whether it is the body of a `with` (whose context manager may catch a skip);
  // frames nest through `with` bodies and `if <constant true>:` bodies.
  const path: { children: readonly Node[]; index: number; isWith: boolean }[] = [{ children: body.namedChildren, index: 0, isWith: false }];
  while (path.length) {
    const frame = path[path.length - 1]!;
    if (frame.index >= frame.children.length) {
      path.pop();
      continue;
    }
    const stmt = frame.children[frame.index]!;
    frame.index++;
    if (stmt.type === 'comment') continue;
    const exit = exitOf(stmt, ctx, maySkip);
    if (exit) {
      const dead: Node[] = [];
      // Everything after the exit in its block and in every enclosing block. A skip is an exception, which a
      // context manager may catch (`with self.subTest():` turns it into a skipped subtest), so it only
      // makes the rest of the blocks up to the innermost `with` body unreachable; a `return` leaves every block.
      let outermost = path.length - 1;
      if (exit.kind === 'return') outermost = 0;
      else while (outermost > 0 && !path[outermost]!.isWith) outermost--;
      for (let i = path.length - 1; i >= outermost; i--) {
        const f = path[i]!;
        dead.push(...statements(f.children.slice(f.index)));
      }
      return { exit, dead };
    }
    if (stmt.type === 'with_statement' || stmt.type === 'try_statement') {
      // A try body runs like a `with` body; a handler may catch a skip (a bare `except:`), as a context manager may.
      const b = stmt.childForFieldName('body');
      if (b) path.push({ children: b.namedChildren, index: 0, isWith: true });
    } else if (stmt.type === 'if_statement' && constantTruth(stmt.childForFieldName('condition'), ctx.root, ctx.source, ctx) === true) {
      // `if True:` / `if 1:` always runs its body: an exit there is an unconditional exit in disguise. So does
      // `if not ENABLED:` when the module binds `ENABLED = False` once and nothing else sets it.
      const b = stmt.childForFieldName('consequence');
      if (b) path.push({ children: b.namedChildren, index: 0, isWith: false });
    }
  }
  return undefined;
}

/** Assertions and checking calls in the dead statements. */
function deadChecks(dead: Node[], ctx: RuleContext): Node[] {
  const out: Node[] = [];
  for (const stmt of dead) {
    if (isAssertion(stmt) || (stmt.type === 'call' && isCheckingCall(stmt, ctx.names))) out.push(stmt);
    forEachInScope(stmt, (n) => {
      if (n.type === 'assert_statement' || (n.type === 'call' && isCheckingCall(n, ctx.names))) {
        out.push(n);
        return false;
      }
      return true;
    });
  }
  return out;
}

/** The comment lines directly above `stmt` and its trailing comment: where a disabled test says why. */
function commentsAround(stmt: Node, lines: string[]): string {
  const out: string[] = [];
  const own = lines[stmt.startPosition.row] ?? '';
  const hash = own.indexOf('#');
  if (hash >= 0) out.push(own.slice(hash + 1));
  for (let row = stmt.startPosition.row - 1; row >= 0 && row >= stmt.startPosition.row - 8; row--) {
    const t = (lines[row] ?? '').trim();
    if (!t.startsWith('#')) break;
    out.push(t.slice(1));
  }
  return out.join(' ');
}

/** Words that say the checks are switched off because they fail ("until the rounding bug is fixed"). */
const NAMES_FAILURE = /\b(fail\w*|bugs?|buggy|broken|wrong|flaky|fix(ed|es|me)?|crash\w*|errors?|regression|todo|xxx|re-?enable)\b/i;

/**
 * A comment of the file names `name` as a word (`# Set RUN_ALL_HASH_TESTS to run more anyway`) without saying the
 * checks fail (`# ENABLED stays off until the rounding bug is fixed` is the hack explained, not a documented switch).
 */
function mentionedInComment(root: Node, name: string): boolean {
  const word = new RegExp(`\\b${name}\\b`);
  return root.descendantsOfType('comment').some((c) => word.test(c!.text) && !NAMES_FAILURE.test(c!.text));
}

/** Does the test run an assertion before the exit (so it still checks something)? */
function checksBefore(body: Node, exitStmt: Node, ctx: RuleContext): boolean {
  let found = false;
  forEachInScope(body, (n) => {
    if (found || n.startIndex >= exitStmt.startIndex) return false;
    if (n.type === 'assert_statement' || (n.type === 'call' && isCheckingCall(n, ctx.names))) found = true;
    return !found;
  });
  return found;
}

/**
 * The statement of the test body, before `exitStmt`, that binds a name to a call's result which the dead checks
 * then read (`out = list(external_sort(data))`, skip, `assert out == sorted(data)`).
 */
function resultCheckedAfter(body: Node, exitStmt: Node, checks: Node[]): Node | undefined {
  const bound = new Map<string, Node>();
  for (const stmt of body.namedChildren) {
    if (stmt.endIndex > exitStmt.startIndex) break;
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const right = a.childForFieldName('right');
    if (!right || !(right.type === 'call' || right.descendantsOfType('call').length)) continue;
    const left = a.childForFieldName('left');
    const targets = left?.type === 'identifier' ? [left] : (left?.namedChildren ?? []).filter((t) => t.type === 'identifier');
    for (const t of targets) bound.set(t.text, stmt);
  }
  if (!bound.size) return undefined;
  for (const check of checks) {
    let found: Node | undefined;
    forEachDescendant(check, (n) => {
      if (n.type === 'identifier' && bound.has(n.text)) found = bound.get(n.text);
      return !found;
    });
    if (found) return found;
  }
  return undefined;
}

/**
 * `out = matmul(m, i)`, `if out: return`, then assertions about `out`: the test returns whenever the code gives a
 * result (the usual path), so its checks run only for an empty one. Only a bare `return` under `if NAME:` (or
 * `if NAME is not None:`) in the test body, `NAME` bound once before it to a call's result, nothing checked before
 * it, and every assertion after it reading `NAME`.
 */
function checkReturnOnResult(ctx: RuleContext, fn: Node, body: Node): void {
  const stmts = statements(body.namedChildren);
  const at = stmts.findIndex((s) => s.type === 'if_statement');
  const guard = stmts[at];
  if (!guard || guard.childrenForFieldName('alternative').some((a) => !!a)) return;
  const exit = statements(guard.childForFieldName('consequence')?.namedChildren ?? []);
  if (exit.length !== 1 || exit[0]!.type !== 'return_statement' || exit[0]!.namedChildren.some((c) => c.type !== 'comment' && c.type !== 'none')) return;
  let cond = unparen(guard.childForFieldName('condition')!);
  if (cond.type === 'comparison_operator' && cond.namedChildCount === 2 && cond.children[1]?.type === 'is not' && cond.namedChildren[1]!.type === 'none') cond = cond.namedChildren[0]!;
  if (cond.type !== 'identifier') return;
  const name = cond.text;
  const bindings = body.descendantsOfType('identifier').filter((i) => i!.text === name && nameUse(i!) === 'bind');
  const assign = bindings.length === 1 ? bindings[0]!.parent : null;
  const stmt = assign?.type === 'assignment' && assign.childForFieldName('left')?.id === bindings[0]!.id ? assign.parent : null;
  if (!stmt || !stmts.slice(0, at).some((s) => s.id === stmt.id) || unparen(assign!.childForFieldName('right')!).type !== 'call') return;
  if (checksBefore(body, guard, ctx)) return;
  const checks = deadChecks(stmts.slice(at + 1), ctx);
  if (!checks.length || !checks.every((c) => c.descendantsOfType('identifier').some((i) => i!.text === name))) return;
  const lines = ctx.source.split('\n');
  const tracked = classifyReasonText(commentsAround(guard, lines)) === 'external';
  const count = checks.length === 1 ? 'its assertion' : `its ${checks.length} assertions`;
  ctx.report({
    node: guard,
    message: `\`${guard.text.split('\n')[0]!.trim()} return\` ends \`${functionName(fn)}()\` whenever \`${name}\` holds a result, so ${count} (${lineSpan(checks[0]!, checks[checks.length - 1]!)}) ${checks.length === 1 ? 'runs' : 'run'} only for an empty one: the test passes on the usual path without checking it.`,
    severity: tracked ? 'info' : 'warning',
    related: checks.slice(0, 5).map((c) => ({ node: c, message: 'assertion skipped whenever there is a result' })),
  });
}

function lineSpan(a: Node, b: Node): string {
  const s = a.startPosition.row + 1;
  const e = b.endPosition.row + 1;
  return s === e ? `line ${s}` : `lines ${s}-${e}`;
}

export const unreachableAssertion: Rule = {
  meta: {
    code: 'RH403',
    name: 'unreachable-assertion',
    family: 'RH4',
    defaultSeverity: 'warning',
    severityByRole: { test: 'warning', 'test-infrastructure': 'off', 'code-under-test': 'off', 'entry-point': 'off' },
    fixable: true,
    docs: {
      summary: 'Finds tests that return or skip unconditionally (also behind `if not FLAG:` with `FLAG = False`) before their assertions, or keep them in code that never runs (`if False:`, `if FLAG:` with `FLAG = False`, `for x in []:`, a nested check never called, a generator nothing iterates or a lambda nothing calls, an empty `parametrize` list), tests that return whenever the code gives a result (`if out: return` before the checks of `out`), and tests whose body never runs (a `yield` in the test, `async def` on a plain `unittest.TestCase`).',
      why:
        'A `return` at the top of a test makes it pass without running a single check; an unconditional `pytest.skip()` ' +
        'or `self.skipTest()` turns a failing test into a skipped one. The assertions are still in the file, so the test ' +
        'looks intact in review, but the run no longer executes them. The same holds for assertions moved under `if False:` / `if 0:` / `while False:` (or `if CHECK:` with a module flag `CHECK = False` nothing else sets, or a version condition no Python 3 meets, `if sys.version_info < (3, 0):`), ' +
        'into a loop over an empty literal or a slice that keeps nothing (`CASES[:0]`), into a nested function the test never calls (or only returns: the runner ignores what a test returns), or into a test whose `@pytest.mark.parametrize` list is empty (pytest skips it), ' +
        'also when the list is a name bound only to `[]` (`CASES = []`), emptied by its last module-level binding (`CASES = CASES[:0]`), or a comprehension that keeps nothing (`[c for c in CASES if False]`); ' +
        'likewise for a loop over a table bound only to an empty literal (a module\'s `SAMPLES = {}`, a test\'s `cases = []  # filled in CI`; `info` when the literal keeps its entries as comments, cases parked in plain sight), a generator expression of checks nothing iterates (`checks = (self.assertEqual(...) for ...)` with only `assertIsNotNone(checks)` after it) and a lambda nothing calls (`verify = lambda: self.assertEqual(...)`, then `assertTrue(callable(verify))`). ' +
        'A test that returns whenever its result is truthy (`out = f(x)`, `if out: return`, then `assert out == expected`) checks the result only when the code produced nothing. ' +
        'A `yield` anywhere in a test makes it a generator: unittest calls it, gets a generator and records a pass, and pytest does not run it (before 8.4 it reports an xfail), so none of the body runs. ' +
        'An `async def` test on a plain `unittest.TestCase` likewise returns a coroutine nobody awaits. ' +
        'A parameter set filtered by membership in a module table that is empty and never filled (`[c for c in CASES if c[0] in _CONFIRMED]` with `_CONFIRMED = set()`) keeps nothing either, ' +
        'and a shared assertion helper that returns before its checks unless a flag no call in the file passes is switched on (`def assert_rows_match(a, e, *, strict=False): if not strict: return`) checks nothing for every test that relies on it.',
      example: 'def test_parse():\n    return\n    assert parse("1 + 2") == 3\n',
      instead: 'Remove the early `return`. If the test cannot run in some environment, skip it under a condition that names the environment (`@pytest.mark.skipif(sys.platform == "win32", reason=...)`); if it fails, fix the code or mark it `xfail(strict=True)` with the issue.',
      lookAlikes: [
        'An exit whose reason names the environment or a ticket is `info` when it comes before the code under test runs; placed after the test computed its result and right before the checks of that result (`out = sort(data)`, `pytest.skip("races on CI, see #57")`, `assert out == ...`), it keeps the warning: the code ran, only its verdict is dropped.',
        '`if not HAS_NUMPY: self.skipTest(...)`, `if sys.platform == "win32": pytest.skip(...)` — skips under a condition stay quiet (a constant-true condition such as `if True:`, or `if not ENABLED:` with a module flag only ever bound to `ENABLED = False`, is no condition; a flag read from the environment or a config, set by an import probe or through `global`, is one). An exit behind such a flag that a comment of the file names, without saying the checks fail (`# Set RUN_ALL_HASH_TESTS to run more anyway`), is an opt-in switch for running expensive checks by hand: `info`.',
        'A skip or `return` with nothing checked after it (the last statement of a test) stays quiet.',
        'An exit whose reason or comment names the environment or a tracked issue ("requires network", "needs numpy", "# XXX until gh-105716 is fixed", an issue URL) is `info`; "needs rework", "requires more work" or "needs to be fixed" name unfinished work, not the environment, and stay warnings, and so do reasons that say the work is not done yet ("quotes not supported yet", "missing for now", "TODO") unless they also name a platform, the network or an issue number ("not supported on Windows yet"). An issue must be a reference (`#1234`, `gh-12`, `PROJ-123`, `issue 4012`, a URL): a bare "known issue" is a warning. "flaky", "intermittent" or "sporadic" say the test fails now and then, not what the machine lacks: they stay warnings, also "flaky on CI", unless they name a platform, a build farm or an issue ("flaky on macOS", "intermittent, see gh-212").',
        'An exit after the test has already run assertions (only the rest of the test is disabled) is `info`.',
        'Early exits in helpers, fixtures and nested functions are not tests and stay quiet.',
        'Module flags that anything else may set stay quiet: a second binding (`HAVE_TZ = False` in `except ImportError:`), `global`, a name patched by its string (`monkeypatch.setattr("pkg.mod.STRICT", True)`); so do case lists filled after their binding (`CASES.append(...)`).',
        '`with app.test_client() as client: return` is an exit before any check: a `test_*` method of another object (`app.test_client()`) builds what the test uses and is not a check; `self._test_x()` and `_test_x()` helpers are.',
        'A nested check the test only returns (`def verify(): assert result == 2`, then `return verify`) never runs either: pytest and unittest ignore what a test returns; a test wrapped by a decorator other than a mark or `patch` (which may call what it returns) stays quiet. ' +
          'Dead blocks without checks (`if 0: print(...)`), nested helpers the test calls or hands on (`monkeypatch.setattr(..., on_total)`, `run(check)`, `self.addCleanup(check)`, `pytest.raises(AssertionError, check)`, stored on `self`) and parameter lists held in names that may be filled stay quiet; a dead check next to checks that run (nested helpers the test calls included), under a comment naming the environment, or in a nested `def test_*()` (a test written one level too deep, which pytest does not collect), is `info`. ' +
          'Checks that read as if they run are a warning even next to other checks: a nested helper the test never names (unless another nested helper of the test runs its checks: one of several left uncalled), and a generator helper of the file (`def _check_rows(rows): assert ...; yield row`, a function or a method called as `self._check(...)`) that the test calls as a statement or binds to a name it never iterates; iterating it (`list(...)`, `for`, `next`, handing it on) runs them, and decorated generators (fixtures, `@contextmanager`) stay quiet.',
        'Generators and lambdas that the test iterates, calls or hands on (`list(checks)`, `all(results)`, `assertRaises(AssertionError, verify)`) stay quiet; checks that only look at the object (`assertIsNotNone(gen)`, `assert callable(f)`) do not count as checks that run. Loops over tables the file fills, hands to a function, or lets others patch by name stay quiet, and so do lists that are trimmed but not emptied or refilled after emptying (`CASES = CASES[:0]; CASES += load()`).',
        '`if NAME: return` is reported only when `NAME` is bound once to a call result before it, nothing was checked before it, there is no `else`, and every assertion after it reads `NAME`; `if not out: return` (nothing to check), a guard on something else (`if shutil.which("tool"): return`) and assertions that do not read the result stay quiet.',
        'The unreachable assertions themselves are reported as `hint` with the `unnecessary` tag (greyed out in editors).',
        'Generator and `async def` tests that something drives stay quiet: any decorator on the test (`@gen_test`, `@inlineCallbacks`, `@pytest.fixture`, `@contextmanager`), `unittest.IsolatedAsyncioTestCase`, and any base class other than `unittest.TestCase` or a class of the same file that reaches it (tornado, twisted, aiounittest or a project base may run coroutines), a class with a decorator, a metaclass or its own `run`/`_callTestMethod`/`__init__`; also a test name used elsewhere in the file (`test_x = deferredGenerator(test_x)`, a `test_cases()` generator called by `parametrize`), mixins and classes built inside a function (samples for a framework\'s own tests). `yield check, value` (nose-style generator cases) is `info`: legacy, not a disguise; a bare `yield` or `yield None` is a warning.',
      ],
    },
  },
  create(ctx) {
    if (ctx.role !== 'test') return {};
    return {
      'module:exit'() {
        let skips: boolean | undefined;
        const maySkip = () => (skips ??= mentionedInFile(ctx, SKIP_WORDS));
        // Each def in document order (the order a `function_definition` listener would see them).
        for (const fn of ctx.root.descendantsOfType('function_definition')) {
          if (!fn) continue;
          checkTest(ctx, fn, maySkip);
          checkHelperOffByDefault(ctx, fn);
        }
      },
    };
  },
};

/** Shared assertion helpers by name: `assert_rows_match`, `check_output`, `verifyTree`. */
const ASSERTION_HELPER = /^_*(assert|check|verify|expect)(_|[A-Z])/;

/**
 * A shared assertion helper that returns before its checks unless a flag is given a value other than its default
 * (`def assert_rows_match(actual, expected, *, strict=False): if not strict: return`), in a file where no call
 * passes the flag: by default every test relying on it checks nothing there.
 */
function checkHelperOffByDefault(ctx: RuleContext, fn: Node): void {
  const name = functionName(fn);
  if (isTestFunction(fn) || !ASSERTION_HELPER.test(name)) return;
  const body = fn.childForFieldName('body');
  const stmts = body?.namedChildren.filter((c) => c.type !== 'comment' && !(c.type === 'expression_statement' && c.namedChild(0)?.type === 'string')) ?? [];
  const gate = stmts[0];
  if (gate?.type !== 'if_statement' || gate.childrenForFieldName('alternative').length) return;
  const then = gate.childForFieldName('consequence')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  if (then.length !== 1 || then[0]!.type !== 'return_statement' || (then[0]!.namedChild(0) && unparen(then[0]!.namedChild(0)!).type !== 'none')) return;
  // `if not strict:` returns while the flag is false; `if lenient:` while it is true.
  let cond = unparen(gate.childForFieldName('condition')!);
  const negated = cond.type === 'not_operator';
  if (negated) cond = unparen(cond.childForFieldName('argument')!);
  if (cond.type !== 'identifier') return;
  const flag = cond.text;
  const param = fn.childForFieldName('parameters')?.namedChildren.find((p) => (p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('name')?.text === flag);
  const dflt = param && unparen(param.childForFieldName('value')!).type;
  if (dflt !== (negated ? 'false' : 'true')) return;
  // Given anywhere in the file (`strict=True`, or positionally), or the helper is handed on: the flag may be set.
  const params = fn.childForFieldName('parameters')!.namedChildren.filter((p) => p.type !== 'comment');
  const index = params.indexOf(param!);
  const keywordOnly = params.slice(0, index).some((p) => p.type === 'list_splat_pattern' || p.type === 'keyword_separator' || p.text === '*');
  for (const id of ctx.root.descendantsOfType('identifier')) {
    if (id!.text !== name || id!.id === fn.childForFieldName('name')!.id) continue;
    const call = id!.parent?.type === 'call' && id!.parent.childForFieldName('function')?.id === id!.id ? id!.parent : undefined;
    if (!call) return;
    const args = callArguments(call);
    if (args.keywords.has(flag) || args.hasSplat || (!keywordOnly && args.positional.length > index)) return;
  }
  const checks = stmts.slice(1).flatMap((st) => assertionsIn(st, ctx.names));
  if (!checks.length) return;
  const ret = then[0]!;
  ctx.report({
    node: ret,
    severity: 'warning',
    message: `\`return\` ends the assertion helper \`${name}()\` before its checks (${lineSpan(checks[0]!, checks[checks.length - 1]!)}) unless \`${flag}\` is given ${negated ? 'a true value' : 'a false value'}, and its default is \`${param!.childForFieldName('value')!.text}\`: every test that calls it without \`${flag}\` checks nothing there. Make the strict comparison the default, or compare in both modes.`,
  });
}

function checkTest(ctx: RuleContext, fn: Node, maySkip: () => boolean): void {
  if (!isTestFunction(fn)) return;
  const body = fn.childForFieldName('body');
  if (!body) return;
  if (checkBodyNeverRuns(ctx, fn, body)) return;
  const found = firstExit(body, ctx, maySkip);
  checkDeadCode(ctx, fn, body, found?.exit.stmt);
  if (!found) return checkReturnOnResult(ctx, fn, body);
  const checks = deadChecks(found.dead, ctx);
  if (!checks.length) return;
  const { exit } = found;
  const name = functionName(fn);
  const span = lineSpan(checks[0]!, checks[checks.length - 1]!);
  const count = checks.length === 1 ? 'its assertion' : `its ${checks.length} assertions`;
  let severity: Severity = 'warning';
  let message: string;
  const lines = ctx.source.split('\n');
  const note = commentsAround(exit.stmt, lines);
  const tracked = classifyReasonText(`${note} ${exit.reason ? stringValue(exit.reason) ?? exit.reason.text : ''} ${exit.kind === 'return' ? exit.stmt.text : ''}`) === 'external';
  const checkedBefore = checksBefore(body, exit.stmt, ctx);
  /** `if not RUN_ALL:` with `RUN_ALL = False`, and a comment of the file names the flag: a switch documented for turning the checks on by hand. */
  let documentedSwitch: string | undefined;
  // An exit inside `if True:` is named with its constant condition, so the reader sees why it always runs.
  for (let p = exit.stmt.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      // `if not ENABLED:`: say what the name always holds.
      const named = cond && literalTruth(cond) === undefined ? unparen(cond).text.replace(/^not\s+/, '') : undefined;
      const value = named ? moduleConstant(ctx.root, ctx.source, named) : undefined;
      exit.display += ` (under \`if ${cond?.text ?? ''}:\`${value ? `, and \`${named}\` is only ever bound to \`${value.text}\`` : ''})`;
      if (value && named && mentionedInComment(ctx.root, named)) documentedSwitch = named;
      break;
    }
  }
  if (exit.kind === 'return') {
    message = `${exit.display} ends \`${name}()\` before ${count} (${span}) can run: the test passes without checking anything after it.`;
  } else {
    const verb = exit.kind === 'xfail' ? 'marks it as an expected failure' : 'skips it';
    const reason = exit.reason ? ` (reason: ${quoteReason(exit.reason)})` : ' without a reason';
    message = `${exit.display} ${verb} unconditionally${reason} before ${count} (${span}) can run: \`${name}()\` can no longer fail.`;
  }
  // A skip placed after the test has run the code, right before the checks of that result, leaves no
  // environment it could be waiting for: the code ran; only the verdict is thrown away.
  const computed = tracked && !checkedBefore ? resultCheckedAfter(body, exit.stmt, checks) : undefined;
  if (computed) {
    message += ` The reason names the environment or an issue, but the test already ran the code (\`${computed.text.split('\n')[0]!.slice(0, 60)}\`, line ${computed.startPosition.row + 1}) and only the checks of its result are skipped.`;
  } else if (tracked) {
    severity = 'info';
    message += ' The reason or comment names the environment or a tracked issue; skip under a condition, or mark it `xfail(strict=True)`, instead of hiding the assertions.';
  } else if (documentedSwitch) {
    // "Set RUN_ALL_HASH_TESTS to run more anyway": an opt-in switch for checks run by hand, not a disguised exit.
    severity = 'info';
    message += ` A comment names \`${documentedSwitch}\` (a switch for running these checks by hand?); if they should run, skip under a real condition (an option or environment variable) instead.`;
  } else if (checkedBefore) {
    severity = 'info';
    message += ` The assertions before line ${exit.stmt.startPosition.row + 1} still run, so only the rest of the test is disabled.`;
  }
  const lineText = lines[exit.stmt.startPosition.row] ?? '';
  const aloneOnLine = lineText.replace(/#.*$/, '').trim() === exit.stmt.text.trim();
  // Removing the only statement of an `if True:` body would leave an empty block: no fix there.
  const inConstantIf = exit.stmt.parent?.parent?.type === 'if_statement';
  const fix: Fix | undefined =
    exit.kind === 'return' && aloneOnLine && !inConstantIf
      ? {
          title: 'Remove the early `return`',
          safe: false,
          edits: [
            {
              range: {
                start: { line: exit.stmt.startPosition.row, column: 0 },
                end: { line: exit.stmt.endPosition.row + 1, column: 0 },
              },
              newText: '',
            },
          ],
        }
      : undefined;
  ctx.report({
    node: exit.stmt,
    message,
    severity,
    fix,
    related: checks.slice(0, 5).map((c) => ({ node: c, message: 'unreachable assertion' })),
  });
  for (const c of checks) {
    ctx.report({
      node: c,
      message: `Unreachable: \`${name}()\` ${exit.kind === 'return' ? 'returns' : exit.kind === 'xfail' ? 'xfails' : 'is skipped'} on line ${exit.stmt.startPosition.row + 1}, so this assertion never runs.`,
      severity: 'hint',
      tags: ['unnecessary'],
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Test bodies that never run: generator tests (`yield` in the body) and `async def` tests on a plain unittest.TestCase

/** Methods that change how a TestCase calls its tests (an override may drive a generator or a coroutine). */
const RUNNER_METHODS = new Set(['run', '__call__', '__init__', '__init_subclass__', '__getattribute__', '_callTestMethod', 'debug']);

/**
 * The class runs its tests through the standard library's `unittest.TestCase` and nothing else: its bases are
 * `unittest.TestCase` or classes of this file whose own bases are (no other base, no metaclass, no class decorator,
 * no override of how a test is called). A project base class imported from elsewhere may run coroutines or generators.
 */
function isPlainUnittestCase(ctx: RuleContext, cls: Node, depth = 0): boolean {
  if (depth > 8 || cls.parent?.type === 'decorated_definition') return false;
  const supers = cls.childForFieldName('superclasses');
  if (supers?.namedChildren.some((c) => c.type === 'keyword_argument')) return false;
  const defines = (cls.childForFieldName('body')?.namedChildren ?? []).some((s) => {
    const d = s.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    return d?.type === 'function_definition' && RUNNER_METHODS.has(functionName(d));
  });
  if (defines) return false;
  const bases = (supers?.namedChildren ?? []).filter((b) => b.type !== 'comment');
  if (!bases.length) return false;
  return bases.every((b) => {
    if (/^unittest(\.case)?\.TestCase$/.test(ctx.names.qualify(b) ?? '')) return true;
    const local = b.type === 'identifier' ? moduleClassNamed(ctx.root, b.text) : undefined;
    return !!local && local.id !== cls.id && isPlainUnittestCase(ctx, local, depth + 1);
  });
}

/** A class pytest collects by itself: `class TestX:` (no bases, or `object`), not used as a base in the file. */
function isPytestClass(ctx: RuleContext, cls: Node): boolean {
  const name = cls.childForFieldName('name')?.text ?? '';
  if (!/^Test/.test(name) || cls.parent?.type === 'decorated_definition') return false;
  const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).filter((b) => b.type !== 'comment');
  if (!bases.every((b) => b.text === 'object')) return false;
  return !ctx.root.descendantsOfType('class_definition').some((c) => (c?.childForFieldName('superclasses')?.namedChildren ?? []).some((b) => b.text === name || b.text.endsWith(`.${name}`)));
}

/** The name is read somewhere else in the file (`test_x = wrap(test_x)`, `for case in test_cases():`, `self.test_x()`). */
function nameUsedElsewhere(ctx: RuleContext, name: string): boolean {
  for (const id of ctx.root.descendantsOfType('identifier')) {
    // Definitions of the name (this one, a namesake in another class) are not uses.
    if (id && id.text === name && !(id.parent?.type === 'function_definition' && id.parent.childForFieldName('name')?.id === id.id)) return true;
  }
  return false;
}

/** `yield` / `yield from` of the function itself (not of nested functions, lambdas or classes). */
function ownYields(body: Node): Node[] {
  const out: Node[] = [];
  forEachInScope(body, (n) => {
    // The walk also meets the anonymous `yield` keyword, which shares the node's type name.
    if (n.type === 'yield' && n.isNamed) out.push(n);
    // A generator expression is a scope of its own.
    return n.type !== 'generator_expression';
  });
  return out;
}

/** `yield`, `yield None`: a value-less yield, the line that turns the test into a generator and nothing else. */
function isBareYield(y: Node): boolean {
  const value = y.namedChildren.filter((c) => c.type !== 'comment');
  return value.length === 0 || (value.length === 1 && unparen(value[0]!).type === 'none');
}

/**
 * A test whose body is never executed by its runner: a generator (`yield` in the body: calling it only builds a
 * generator; unittest discards it and passes, pytest before 8.4 reports it as xfailed), or an `async def` method of a
 * plain `unittest.TestCase` (calling it only builds a coroutine, which unittest discards). Decorated tests (`@gen_test`,
 * `@inlineCallbacks`, `@pytest.fixture`, `@contextmanager`) and names used elsewhere in the file are left alone.
 * Returns true when reported.
 */
function checkBodyNeverRuns(ctx: RuleContext, fn: Node, body: Node): boolean {
  const isAsync = fn.children.some((c) => c.type === 'async');
  const yields = ctx.source.includes('yield') ? ownYields(body) : [];
  if (!isAsync && !yields.length) return false;
  if (decoratorsOf(fn).length) return false;
  const name = functionName(fn);
  const cls = fn.parent?.parent?.type === 'class_definition' ? fn.parent.parent : undefined;
  // A class built inside a function is a sample for a test of the framework itself (`Foo('test').run()`).
  for (let p = cls?.parent; p; p = p.parent) if (p.type === 'function_definition') return false;
  const unittestCase = !!cls && isPlainUnittestCase(ctx, cls);
  if (cls && !unittestCase && !(yields.length && isPytestClass(ctx, cls))) return false;
  if (nameUsedElsewhere(ctx, name)) return false;
  const checks = assertionsIn(body, ctx.names);
  const related = checks.slice(0, 5).map((c) => ({ node: c, message: 'assertion that never runs' }));
  if (yields.length && !isAsync) {
    const bare = yields.find(isBareYield);
    const runner = unittestCase ? 'unittest calls it, gets a generator back and records a pass' : 'pytest does not run generator tests (before pytest 8.4 it reports them as xfailed, not failed)';
    if (bare) {
      ctx.report({
        node: bare,
        message: `\`${bare.text.split('\n')[0]}\` makes \`${name}()\` a generator: ${runner}, so its body${checks.length ? ', assertions included,' : ''} never runs. Remove the \`yield\`.`,
        severity: 'warning',
        related,
      });
    } else {
      // `yield check, value`: a nose-style generator test, which unittest never supported and pytest dropped in 4.0.
      ctx.report({
        node: yields[0]!,
        message: `\`${name}()\` yields its cases (a nose-style generator test): ${runner}, so none of them runs. Use \`@pytest.mark.parametrize\` or \`self.subTest()\`.`,
        severity: 'info',
        related,
      });
    }
    return true;
  }
  if (isAsync && unittestCase) {
    const base = baseExpressions(cls!).map((b) => b.text).join(', ');
    ctx.report({
      node: fn.childForFieldName('name') ?? fn,
      message: `\`async def ${name}()\` on \`${cls!.childForFieldName('name')?.text}(${base})\`: unittest.TestCase calls it, gets a coroutine it never awaits and records a pass, so its body${checks.length ? ', assertions included,' : ''} never runs. Derive from \`unittest.IsolatedAsyncioTestCase\`.`,
      severity: 'warning',
      related,
    });
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Assertions that are present but never run: `if False:` blocks, loops over nothing, uncalled nested checks

/** An empty literal iterable: `[]`, `()`, `{}`, `""`, `range(0)`. */
function isEmptyIterable(node: Node | null | undefined): boolean {
  if (!node) return false;
  const n = unparen(node);
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'dictionary' || n.type === 'set') return n.namedChildren.every((c) => c.type === 'comment');
  if (n.type === 'string') return stringValue(n) === '';
  if (n.type === 'call' && n.childForFieldName('function')?.text === 'range') {
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    return args.length === 1 && literalTruth(args[0]) === false;
  }
  // `CASES[:0]`, `CASES[0:0]`: a slice that keeps nothing, whatever it slices.
  if (n.type === 'subscript') {
    const slices = n.namedChildren.slice(1).filter((c) => c.type !== 'comment');
    const only = slices.length === 1 && slices[0]!.type === 'slice' ? slices[0]! : undefined;
    return !!only && /^(0\s*)?:\s*0\s*(:.*)?$/.test(only.text);
  }
  return false;
}

const DEAD_REGION_HOLDERS = ['if_statement', 'while_statement', 'for_statement', 'function_definition', 'generator_expression', 'lambda'];

/** Checks that look at an object without iterating or calling it (`assertIsNotNone(gen)`, `assertTrue(callable(f))`). */
const INERT_CHECKS = new Set(['assertTrue', 'assertFalse', 'assertIsNotNone', 'assertIsNone', 'assertIsInstance', 'assertNotIsInstance', 'assert_']);
const INERT_PROBES = new Set(['callable', 'bool', 'type', 'isinstance', 'id']);

/**
 * A mention of a generator or lambda that neither iterates nor calls it: `assert gen`, `assert gen is not None`,
 * `self.assertTrue(callable(check))`. Returns the check that makes the mention (or the mention itself), or undefined.
 */
function inertMention(id: Node): Node | undefined {
  let e: Node = id;
  const callOf = (n: Node) => (n.parent?.type === 'argument_list' ? n.parent.parent : null);
  const probe = callOf(e);
  if (probe?.type === 'call' && INERT_PROBES.has(probe.childForFieldName('function')?.text ?? '')) e = probe;
  if (e.parent?.type === 'comparison_operator' && /^is/.test(e.parent.children[1]?.type ?? '') && e.parent.namedChildren.some((c) => c.type === 'none')) e = e.parent;
  if (e.parent?.type === 'not_operator') e = e.parent;
  if (e.parent?.type === 'assert_statement' && e.parent.namedChildren[0]?.id === e.id) return e.parent;
  const check = callOf(e);
  if (check?.type === 'call' && INERT_CHECKS.has(calleeLastName(check)) && callArguments(check).positional[0]?.id === e.id) return check;
  return undefined;
}

/**
 * `checks = (self.assertEqual(f(a), b) for a, b in CASES)` or `verify = lambda: self.assertEqual(...)` (also as a bare
 * statement) where the test never iterates or calls it: the name, bound once, is mentioned only in checks that
 * look at the object itself. Returns those checks (vacuous stand-ins), or undefined when the object is consumed.
 */
function neverConsumed(n: Node, body: Node): { name?: string; inert: Node[] } | undefined {
  const p = n.parent;
  if (p?.type === 'expression_statement') return { inert: [] };
  const left = p?.type === 'assignment' && p.childForFieldName('right')?.id === n.id && p.parent?.type === 'expression_statement' ? p.childForFieldName('left') : null;
  if (left?.type !== 'identifier') return undefined;
  const inert: Node[] = [];
  let consumed = false;
  forEachDescendant(body, (m) => {
    if (consumed) return false;
    if (m.type !== 'identifier' || m.text !== left.text || m.id === left.id) return true;
    const check = nameUse(m) === 'read' ? inertMention(m) : undefined;
    if (check) inert.push(check);
    else if (!returnedByTest(m, body)) consumed = true;
    return !consumed;
  });
  return consumed ? undefined : { name: left.text, inert };
}

interface DeadRegion {
  /** The statement that holds the dead code (the `if`, loop or nested `def`). */
  holder: Node;
  /** The dead block(s). */
  blocks: Node[];
  /** Checks that only look at the never-consumed generator or lambda (`assertIsNotNone(gen)`): they check nothing. */
  inert?: Node[];
  /** The loop's empty literal keeps its entries as comments: cases visibly disabled, not hidden. */
  commentedOut?: boolean;
  /** A generator helper of the file that the test calls without iterating: its checks are the dead ones. */
  helper?: Node;
  /**
   * The checks look as if they run (a nested check or a generator helper that the test never runs): unlike an
   * `if False:` block, nothing shows a reader that they are off, so other checks beside them do not excuse it.
   */
  disguised?: boolean;
  display: string;
}

/** Decorators of a test that cannot call what it returns: pytest marks, `mock.patch`, unittest's skips. */
const PLAIN_TEST_DECORATOR = /^((pytest\.)?mark\.\w+|(\w+\.)*(patch|patch\.\w+)|(unittest\.)?(skip\w*|expectedFailure))$/;

/**
 * `return verify` in the test itself (not in a nested function): pytest and unittest drop what a test returns,
 * so handing back a nested check calls nothing. Not when a decorator of another kind wraps the test: it may call
 * what the test returns.
 */
function returnedByTest(id: Node, body: Node): boolean {
  const ret = id.parent;
  if (ret?.type !== 'return_statement' || enclosingFunctionScope(id)?.id !== body.parent?.id) return false;
  const test = body.parent!;
  const decorators = decoratorsOf(test).map((d) => unparen(d.type === 'call' ? (d.childForFieldName('function') ?? d) : d));
  return decorators.every((d) => PLAIN_TEST_DECORATOR.test(dottedName(d) ?? ''));
}

/**
 * The test never calls a nested function: every mention of its name (but its own) is the test's `return NAME`
 * (see `returnedByTest`). Undefined when the name is used otherwise; else whether the test returns it.
 */
function onlyReturned(name: string, body: Node, def: Node): { returned: boolean } | undefined {
  const own = def.childForFieldName('name');
  let used = false;
  let returned = false;
  forEachDescendant(body, (n) => {
    if (used) return false;
    if (n.type !== 'identifier' || n.text !== name || n.id === own?.id) return true;
    if (returnedByTest(n, body)) returned = true;
    else used = true;
    return !used;
  });
  return used ? undefined : { returned };
}

/** Names read in `root` outside `except` (identifier nodes other than the definition's own name). */
function isReferenced(name: string, root: Node, def: Node): boolean {
  const own = def.childForFieldName('name');
  let found = false;
  forEachDescendant(root, (n) => {
    if (found) return false;
    if (n.type === 'identifier' && n.text === name && n.id !== own?.id) found = true;
    return !found;
  });
  return found;
}

/**
 * Blocks of the test that can never run: the body of `if False:` / `if 0:` / `while False:` (and an `elif`
 * chain behind it), a loop over an empty literal (`for case in []:`), and a nested undecorated `def` that
 * the test never names (its assertions are never called).
 */
function deadRegions(body: Node, ctx: RuleContext): DeadRegion[] {
  const out: DeadRegion[] = [];
  // A condition that is a literal, or a module name only ever bound to one (`CHECK_VALUES = False`, then `if CHECK_VALUES:`).
  // Also a version condition no Python 3 meets (`if sys.version_info < (3, 0):`).
  const isFalse = (cond: Node | null) => constantTruth(cond, ctx.root, ctx.source, ctx) === false || (!!cond && versionTruth(cond, ctx) === false);
  // Most tests hold none of these: an indexed lookup of the candidate statements spares walking every test body.
  const candidates = body.descendantsOfType(DEAD_REGION_HOLDERS);
  const deferred = (n: Node) => n.type === 'generator_expression' || n.type === 'lambda';
  out.push(...uniteratedGeneratorCalls(body, ctx));
  if (!candidates.some((n) => !!n && (n.type === 'function_definition' || deferred(n) || (n.type === 'for_statement' ? isEmptyLoopSource(n.childForFieldName('right'), ctx) : isFalse(n.childForFieldName('condition')))))) return out;
  forEachInScope(body, (n) => {
    if (n.type === 'if_statement' || n.type === 'while_statement') {
      const cond = n.childForFieldName('condition');
      if (isFalse(cond)) {
        const block = n.childForFieldName(n.type === 'if_statement' ? 'consequence' : 'body');
        const named = literalTruth(cond) !== undefined ? '' : versionTruth(cond!, ctx) === false ? ' (no Python 3 meets that condition)' : ` (\`${unparen(cond!).text.replace(/^not\s+/, '')}\` is only ever bound to a constant)`;
        if (block) out.push({ holder: n, blocks: [block], display: `\`${n.type === 'if_statement' ? 'if' : 'while'} ${cond!.text}:\`${named}` });
      }
    } else if (n.type === 'for_statement' && isEmptyLoopSource(n.childForFieldName('right'), ctx)) {
      const block = n.childForFieldName('body');
      const right = n.childForFieldName('right')!;
      const named = isEmptyIterable(right) ? '' : ' (the table is only ever bound to an empty literal)';
      const literal = emptyLiteralOf(right, ctx);
      const commentedOut = !!literal?.namedChildren.some((c) => c.type === 'comment');
      if (block) out.push({ holder: n, blocks: [block], commentedOut, display: `\`for ... in ${right.text}:\`${named}` });
      return false;
    } else if (deferred(n)) {
      // Assertions in a generator nothing iterates or a lambda nothing calls.
      const block = n.type === 'lambda' ? n.childForFieldName('body') : n;
      const unused = block && deadChecks([block], ctx).length ? neverConsumed(n, body) : undefined;
      if (block && unused) {
        const what = n.type === 'lambda' ? 'lambda' : 'generator expression';
        out.push({ holder: n, blocks: [block], inert: unused.inert, display: `the ${what}${unused.name ? ` bound to \`${unused.name}\`` : ''}, which the test never ${n.type === 'lambda' ? 'calls' : 'iterates'},` });
        return false;
      }
    } else if (n.type === 'function_definition' && n.parent?.type === 'block') {
      // Never named, or only returned (`def verify(): assert ...` then `return verify`): its checks never run.
      const unused = isReferenced(functionName(n), body, n) ? onlyReturned(functionName(n), body, n) : { returned: false };
      const block = n.childForFieldName('body');
      if (block && unused) out.push({ holder: n, blocks: [block], disguised: !unused.returned, display: `the nested \`def ${functionName(n)}()\`, which the test never calls${unused.returned ? ' (it only returns it, and the test runner ignores what a test returns)' : ''},` });
    }
    return true;
  });
  return out;
}

/**
 * Undecorated functions of the file whose own body yields and asserts (`def _check_rows(rows): ... assert ...;
 * yield row`): calling one only builds a generator, so its assertions run only when something iterates it.
 * Module-level ones by name, methods of the test's class as `self.NAME`. Computed once per file.
 */
const generatorHelpersByRoot = new WeakMap<Node, Map<string, Node>>();
function generatorHelpers(ctx: RuleContext): Map<string, Node> {
  let found = generatorHelpersByRoot.get(ctx.root);
  if (found) return found;
  found = new Map();
  if (ctx.source.includes('yield')) {
    for (const def of ctx.root.descendantsOfType('function_definition')) {
      if (!def || def.parent?.type !== 'block' && def.parent?.type !== 'module') continue;
      const holder = def.parent.type === 'module' ? 'module' : def.parent.parent?.type === 'class_definition' ? 'class' : undefined;
      const body = def.childForFieldName('body');
      if (!holder || !body || /^test/.test(functionName(def)) || def.children.some((c) => c.type === 'async')) continue;
      if (!ownYields(body).length || !assertionsIn(body, ctx.names).length) continue;
      const key = holder === 'module' ? functionName(def) : `self.${functionName(def)}@${def.parent.parent!.id}`;
      // Two definitions under one name: which one runs is not known here.
      found.set(key, found.has(key) ? body : def);
    }
  }
  generatorHelpersByRoot.set(ctx.root, found);
  return found;
}

/**
 * `_check_rows(rows, [1, 2])` as a statement (or bound to a name nothing iterates) where `_check_rows` is a generator
 * helper of the file: the call returns a generator and none of the helper's assertions runs.
 */
function uniteratedGeneratorCalls(body: Node, ctx: RuleContext): DeadRegion[] {
  const helpers = generatorHelpers(ctx);
  if (!helpers.size) return [];
  const cls = body.parent?.parent?.parent?.type === 'class_definition' ? body.parent.parent.parent : undefined;
  const out: DeadRegion[] = [];
  forEachInScope(body, (n) => {
    if (n.type !== 'call') return true;
    const callee = n.childForFieldName('function');
    const key = callee?.type === 'identifier' ? callee.text : callee?.type === 'attribute' && cls && callee.childForFieldName('object')?.text === 'self' ? `self.${callee.childForFieldName('attribute')?.text}@${cls.id}` : undefined;
    const def = key ? helpers.get(key) : undefined;
    // A local name that shadows the helper is something else.
    if (!def || def.type !== 'function_definition' || (callee!.type === 'identifier' && body.parent?.type === 'function_definition' && bindsInFunction(body.parent, callee!.text))) return true;
    const unused = neverConsumed(n, body);
    if (!unused) return true;
    out.push({ holder: n, blocks: [], helper: def, inert: unused.inert, disguised: true, display: `\`${functionName(def)}()\`, a generator that \`${callee!.text}(...)\` only creates and nothing iterates,` });
    return true;
  });
  return out;
}

/** `@pytest.mark.parametrize("x", [])`: pytest skips a test with an empty parameter set. */
function emptyParametrize(fn: Node, ctx: RuleContext): Node | undefined {
  for (const d of decoratorsOf(fn)) {
    const call = unparen(d);
    if (call.type !== 'call') continue;
    const f = call.childForFieldName('function');
    if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'parametrize') continue;
    const q = ctx.names.qualify(f) ?? dottedName(f) ?? '';
    if (!/(^|\.)mark\.parametrize$/.test(q)) continue;
    const args = callArguments(call);
    if (isEmptyArgvalues(args.positional[1] ?? args.keywords.get('argvalues'), ctx)) return d;
  }
  return undefined;
}

/**
 * Parameter values that are always empty: an empty literal, a comprehension that keeps nothing
 * (`[c for c in CASES if False]`), or a module name bound only to an empty literal and used nowhere but in
 * `parametrize` (`CASES = []`, never appended to).
 */
function isEmptyArgvalues(node: Node | undefined, ctx: RuleContext): boolean {
  if (!node) return false;
  if (isEmptyIterable(node)) return true;
  const n = unparen(node);
  if (n.type === 'list_comprehension' || n.type === 'generator_expression' || n.type === 'set_comprehension') {
    return n.namedChildren.some((c) => {
      if (c.type === 'for_in_clause') return isEmptyIterable(c.childForFieldName('right'));
      const cond = c.type === 'if_clause' ? c.namedChildren.find((x) => x.type !== 'comment') : undefined;
      return !!cond && (constantTruth(cond, ctx.root, ctx.source, ctx) === false || inEmptyTable(cond, ctx));
    });
  }
  if (n.type !== 'identifier') return false;
  if (emptiedBeforeUse(n.text, ctx)) return true;
  const bindings = moduleAssignments(ctx.root).get(n.text);
  if (bindings?.length !== 1 || !isEmptyIterable(bindings[0]!)) return false;
  // Every other mention of the name hands it to `parametrize` (an `append`, `+=` or any other use may fill it).
  return ctx.root.descendantsOfType('identifier').every((id) => {
    if (id!.text !== n.text) return true;
    const p = id!.parent;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === id!.id && p.parent?.parent?.type === 'module') return true;
    const call = p?.type === 'argument_list' ? p.parent : p?.type === 'keyword_argument' ? p.parent?.parent : null;
    const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
    return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'parametrize';
  });
}

/**
 * `c[0] in _CONFIRMED` (also one operand of an `and`) with `_CONFIRMED = set()` bound once at module level and
 * mentioned nowhere but as what such tests look in: no element is ever in it, so the condition keeps nothing.
 */
function inEmptyTable(cond: Node, ctx: RuleContext, depth = 0): boolean {
  const c = unparen(cond);
  if (c.type === 'boolean_operator' && depth < 4) {
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    return c.child(1)?.type === 'and' && [l, r].some((x) => !!x && inEmptyTable(x, ctx, depth + 1));
  }
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2 || comparisonOperator(c) !== 'in') return false;
  const table = unparen(c.namedChildren[1]!);
  if (table.type !== 'identifier') return false;
  const bindings = moduleAssignments(ctx.root).get(table.text);
  const empty = bindings?.length === 1 && (isEmptyIterable(bindings[0]!) || /^(set|frozenset|list|dict|tuple)\(\s*\)$/.test(unparen(bindings[0]!).text));
  if (!empty || new RegExp(`['".]${table.text}['"]`).test(ctx.source)) return false;
  return ctx.root.descendantsOfType('identifier').every((id) => {
    if (id!.text !== table.text) return true;
    const p = id!.parent;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === id!.id && p.parent?.parent?.type === 'module') return true;
    return p?.type === 'comparison_operator' && p.namedChildren[1]?.id === id!.id && /^(not )?in$/.test(comparisonOperator(p));
  });
}

/**
 * What a loop iterates is always empty: an empty literal, or a module table bound only to one (`CASES = {}` with its
 * entries commented out) that the file mentions nowhere but as what a loop iterates (`for k, v in CASES.items():`).
 */
function isEmptyLoopSource(node: Node | null, ctx: RuleContext): boolean {
  if (!node || isEmptyIterable(node)) return !!node;
  let n = unparen(node);
  if (n.type === 'call' && !callArguments(n).positional.length) {
    const f = n.childForFieldName('function');
    if (f?.type !== 'attribute' || !/^(items|keys|values)$/.test(f.childForFieldName('attribute')?.text ?? '')) return false;
    n = unparen(f.childForFieldName('object')!);
  }
  if (n.type !== 'identifier') return false;
  const name = n.text;
  const iterated = (e: Node) => (e.parent?.type === 'for_statement' || e.parent?.type === 'for_in_clause') && e.parent.childForFieldName('right')?.id === e.id;
  // `cases = []  # filled in CI` inside the test, then `for data, want in cases:`: a local bound once to an
  // empty literal that the function only iterates.
  const fn = enclosingFunction(n);
  const local = fn ? localEmptyTable(fn, name, iterated) : undefined;
  if (local !== undefined) return local;
  const bindings = moduleAssignments(ctx.root).get(name);
  if (bindings?.length !== 1 || !isEmptyIterable(bindings[0]!) || new RegExp(`['".]${name}['"]`).test(ctx.source)) return false;
  return ctx.root.descendantsOfType('identifier').every((id) => {
    if (id!.text !== name) return true;
    const p = id!.parent;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === id!.id && p.parent?.parent?.type === 'module') return true;
    if (iterated(id!)) return true;
    const call = p?.type === 'attribute' && p.childForFieldName('object')?.id === id!.id && /^(items|keys|values)$/.test(p.childForFieldName('attribute')?.text ?? '') ? p.parent : null;
    return call?.type === 'call' && !callArguments(call).positional.length && iterated(call);
  });
}

/** The empty literal a loop iterates: written in place, or the one binding of a local or module name. */
function emptyLiteralOf(right: Node, ctx: RuleContext): Node | undefined {
  let n = unparen(right);
  if (n.type === 'call') {
    const f = n.childForFieldName('function');
    if (f?.type === 'attribute') n = unparen(f.childForFieldName('object')!);
  }
  if (n.type !== 'identifier') return isEmptyIterable(n) ? n : undefined;
  const fn = enclosingFunction(n);
  for (const scope of fn ? [fn, ctx.root] : [ctx.root]) {
    for (const a of scope.descendantsOfType('assignment')) {
      if (a?.childForFieldName('left')?.text !== n.text) continue;
      const value = a.childForFieldName('right');
      if (value && isEmptyIterable(value)) return unparen(value);
    }
  }
  return undefined;
}

/**
 * Whether a name the function binds is always empty where it is iterated: true when its one binding is an
 * empty literal and every other mention is what a loop iterates; undefined when the function does not bind it.
 */
function localEmptyTable(fn: Node, name: string, iterated: (e: Node) => boolean): boolean | undefined {
  let bindings = 0;
  let onlyIterated = true;
  for (const id of fn.descendantsOfType('identifier')) {
    if (id!.text !== name) continue;
    const p = id!.parent;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === id!.id) {
      bindings++;
      if (!isEmptyIterable(p.childForFieldName('right'))) onlyIterated = false;
    } else if (p?.type === 'parameters' || p?.type === 'default_parameter' || p?.type === 'typed_parameter' || p?.type === 'global_statement' || p?.type === 'nonlocal_statement') return false;
    else if (!iterated(id!)) onlyIterated = false;
  }
  if (bindings === 0) return undefined;
  return bindings === 1 && onlyIterated;
}

/** `[]`, `list()`, `CASES[:0]`, `[c for c in CASES if False]`: a value that is always empty. */
function isEmptyingValue(node: Node, ctx: RuleContext): boolean {
  const n = unparen(node);
  if (isEmptyIterable(n)) return true;
  if (n.type === 'call' && /^(list|tuple|set|dict)$/.test(n.childForFieldName('function')?.text ?? '')) return !n.childForFieldName('arguments')?.namedChildren.some((c) => c.type !== 'comment');
  // `CASES[:0]`, `CASES[0:0]`.
  if (n.type === 'subscript') return n.namedChildren.length === 2 && n.namedChildren[1]!.type === 'slice' && /^(0\s*)?:\s*0$/.test(n.namedChildren[1]!.text.trim());
  if (n.type === 'list_comprehension' || n.type === 'generator_expression' || n.type === 'set_comprehension') return isEmptyArgvalues(n, ctx);
  return false;
}

/**
 * `CASES = [...]`, later `CASES = CASES[:0]` (or `[c for c in CASES if False]`), then `parametrize("c", CASES)`: the
 * last module-level binding of the name empties it, every mention before it sits in module-level assignments (no
 * function can refill it later), and every mention after it hands it to `parametrize`.
 */
function emptiedBeforeUse(name: string, ctx: RuleContext): boolean {
  let last: Node | undefined;
  for (const stmt of ctx.root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.type === 'identifier' && a.childForFieldName('left')!.text === name) last = a;
  }
  const value = last?.childForFieldName('right');
  if (!last || !value || !isEmptyingValue(value, ctx) || new RegExp(`['".]${name}['"]`).test(ctx.source)) return false;
  return ctx.root.descendantsOfType('identifier').every((id) => {
    if (id!.text !== name) return true;
    if (id!.startIndex < last!.endIndex) {
      let top: Node = id!;
      while (top.parent && top.parent.type !== 'module') top = top.parent;
      return top.type === 'expression_statement' && top.namedChild(0)?.type === 'assignment' && !/\b(def|lambda|class)\b/.test(top.text);
    }
    const p = id!.parent;
    const call = p?.type === 'argument_list' ? p.parent : p?.type === 'keyword_argument' ? p.parent?.parent : null;
    const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
    return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'parametrize';
  });
}

/**
 * Assertions in code that never runs. Warning when the test checks nothing anywhere else (it passes
 * without checking anything); info when other checks still run, or when a comment names the environment.
 */
function checkDeadCode(ctx: RuleContext, fn: Node, body: Node, exit: Node | undefined): void {
  const name = functionName(fn);
  const param = emptyParametrize(fn, ctx);
  if (param) {
    const checks = deadChecks(statements(body.namedChildren), ctx);
    if (checks.length) {
      ctx.report({
        node: param,
        message: `\`${param.text.split('\n')[0]!.trim().replace(/^@/, '')}\` gives \`${name}()\` an empty parameter set: pytest skips the test, so its assertions (${lineSpan(checks[0]!, checks[checks.length - 1]!)}) never run.`,
        severity: 'warning',
        related: checks.slice(0, 5).map((c) => ({ node: c, message: 'assertion that never runs' })),
      });
      return;
    }
  }
  const regions = deadRegions(body, ctx).filter((r) => !exit || r.holder.startIndex < exit.startIndex);
  if (!regions.length) return;
  const deadBlocks = regions.flatMap((r) => r.blocks);
  // A call of a generator helper (`_check_rows(...)`, a "checking" name) runs no check either.
  const inertIds = new Set(regions.flatMap((r) => [...(r.inert ?? []), ...(r.helper ? [r.holder] : [])]).map((c) => c.id));
  const inDead = (n: Node) => inertIds.has(n.id) || deadBlocks.some((b) => b.startIndex <= n.startIndex && n.endIndex <= b.endIndex);
  // Checks that still run: the test's own, outside the dead blocks.
  // Nested helpers the test calls (`asyncio.run(main())`, `check(...)`) run their checks too.
  let live = 0;
  // Of those, the ones in nested helpers: a test built from several helpers, one of which is left uncalled (a slip).
  let liveNested = 0;
  forEachDescendant(body, (n) => {
    if (inDead(n) || n.type === 'class_definition' || n.type === 'lambda') return false;
    if (n.type === 'assert_statement' || (n.type === 'call' && isCheckingCall(n, ctx.names))) {
      live++;
      if (enclosingFunction(n)?.id !== fn.id) liveNested++;
    }
    return true;
  });
  let lines: string[] | undefined;
  for (const region of regions) {
    const checks = region.helper
      ? assertionsIn(region.helper.childForFieldName('body')!, ctx.names)
      : region.blocks.flatMap((b) => (region.holder.type === 'function_definition' ? assertionsIn(b, ctx.names) : region.inert ? deadChecks([b], ctx) : deadChecks(statements(b.namedChildren), ctx)));
    // `if 0: self.fail("0 is true")` tests the condition itself: the failure is meant never to run.
    if (!checks.length || checks.every((c) => isExplicitFailure(c))) continue;
    // Split only here: most tests have no dead block, and splitting the file per test costs more than the rest of the check.
    lines ??= ctx.source.split('\n');
    const tracked = classifyReasonText(commentsAround(region.holder, lines)) === 'external';
    const count = checks.length === 1 ? 'the assertion' : `the ${checks.length} assertions`;
    let message = `${count[0]!.toUpperCase()}${count.slice(1)} in ${region.display} (${lineSpan(checks[0]!, checks[checks.length - 1]!)}) ${checks.length === 1 ? 'never runs' : 'never run'}`;
    let severity: Severity = 'warning';
    if (tracked) {
      severity = 'info';
      message += `; the comment names the environment: skip under a condition that checks it instead.`;
    } else if (region.holder.type === 'function_definition' && /^test/.test(functionName(region.holder))) {
      // A nested `def test_*` is a test written one level too deep (pytest does not collect it): a slip, not a disguise.
      severity = 'info';
      message += `; pytest does not collect tests nested in a test: move it to module level or call it.`;
    } else if (live > 0 && region.disguised && liveNested === 0) {
      // Written to look as if they run (a nested check, a generator helper called for its checks): the checks
      // beside them do not excuse that, they are what the test appears to verify.
      message += `, although \`${name}()\` reads as if they do: call it (or iterate it) so that they run.`;
    } else if (live > 0) {
      severity = 'info';
      message += `; \`${name}()\` still checks something else, but this part of it is disabled.`;
    } else if (region.commentedOut) {
      // `CASES = [  # (5, 2),  ]`: the entries are in plain sight as comments, a suite's way of parking cases.
      severity = 'info';
      message += `: its cases are commented out, so \`${name}()\` checks nothing; restore them or remove the test.`;
    } else {
      message += `: \`${name}()\` checks nothing that runs, so it passes whatever the code does.`;
    }
    ctx.report({ node: region.holder.type === 'function_definition' ? region.holder.childForFieldName('name') ?? region.holder : region.holder, message, severity, related: checks.slice(0, 5).map((c) => ({ node: c, message: 'assertion that never runs' })) });
  }
}
