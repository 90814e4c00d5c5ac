/**
 * RH402 swallowed-assertion: an assertion whose failure is caught and dropped —
 * `try: assert ... except AssertionError: pass` (or `except Exception` / bare `except`), and
 * `with contextlib.suppress(AssertionError): assert ...`, and `try: assert ... finally: return` (leaving a
 * `finally` block discards the exception in flight). The test reports success whether the assertion
 * holds or not. Handlers that re-raise, fail, assert on the exception or record it stay quiet, as do
 * `try/except/else: self.fail()` (a test that expects the assertion to fail), cleanup code in `tearDown`
 * and `finally`, and `pytest.raises(AssertionError)`. Retry loops (not loops over test cases) and the
 * "expect an exception" idiom whose broad handler also swallows `self.fail()` drop to info. A decorator
 * of the test file whose wrapper swallows what the decorated test raises is reported at its handler.
 * A handler whose only assertion cannot fail (`assert True`, `assert exc is not None`), that only sets a flag
 * nothing reads (`failed = True`), or that collects the failure in a local list that is at most printed or logged
 * (`failures.append(e)`, then `print(failures)`; never asserted empty, raised or returned) swallows too, and `with pytest.raises(Exception):` around the test's own
 * `assert` passes exactly when the check fails. A helper module's swallowing decorator (`tests/helpers.py`
 * defines `tolerant`, the tests import it) is reported at its handler. The file's own context managers that
 * swallow their block's failure (`__exit__` returning True, `@contextmanager` with `except AssertionError: pass`
 * around `yield`) are reported at the `with` around the assertions. Caught types held in a name bound once to a tuple
 * (`except _BENIGN:`, `suppress(*_BENIGN)`) count like the written tuple; `pytest.raises(AssertionError)` around the
 * test's only check, a call compared with a written answer, is a warning (the test requires the wrong answer).
 * A helper of the tests that runs a check it is handed (`def eventually(check): ... try: return check() except
 * AssertionError: ...`) and drops its AssertionError outright, or on the final attempt of a retry (`if attempt ==
 * attempts: return None`), is reported at its handler. So are handler `if`s whose branches only wait, log or move on
 * (`if attempt < runs - 1: time.sleep(d); continue`), swallowing wrappers that a metaclass or class decorator installs
 * on every `test*` method, context managers made by a function that returns an `ExitStack` with a pushed exit
 * callback answering True (reported at the `with`), the same done inline (`with ExitStack() as es:` then
 * `es.push(lambda *exc: True)` or `es.enter_context(suppress(AssertionError))` before the checks, reported at that
 * call), and an `__exit__` that files the failure under `self.X` which the class only prints or logs (quiet when the
 * test reads `.X` back).
 */
import { callArguments, decoratorsOf, definitionOf, dottedName, enclosingFunction, forEachDescendant, forEachInScope, functionName, identifiersIn, localAssignments, moduleAssignments, parameterNames, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { whenMentioned } from '../../engine/prefilter';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { inlineSwallowingEntry, returnsSwallowingExitStack } from './exit-stack';
import { enclosingClassBodyOf, testMethodInstaller } from './test-method-installers';
import { guardsOnlyKeeping, keptOnlyToShow, readsKeptAttribute } from './kept-notes';
import { assertionsIn, attributeNotIn, calleeLastName, classifyReason, comparisonOperator, vacuityOf, identifierWords, isAssertion, isCheckingCall, isExplicitFailure, isModuleLevel, isTestFunction, literalTruth, nameUse, nearestFunction, skipSiteOf, testsAssertionMethod, testsAssertionNamed } from './helpers';

const ASSERTION_CATCHERS = new Set(['AssertionError', 'failureException', 'Failed']);
const BROAD_CATCHERS = new Set(['Exception', 'BaseException']);
const CLEANUP_FUNCTION = /^(tearDown|tearDownClass|asyncTearDown|tearDownModule|teardown\w*|\w*cleanup\w*|\w*clean_up\w*|close|__del__|__exit__|__aexit__|finali[sz]e\w*|dispose)$/i;
const LOGGING_CALL = /^(print|pprint|(\w+\.)*(debug|info|warning|warn|error|exception|critical|log|print_exc|print_exception|format_exc)|warnings\.warn|(\w+\.)*(stderr|stdout)\.(write|flush)|(\w+\.)*user_properties\.append|record_property)$/;
/** A wait between attempts: `time.sleep()`, `asyncio.sleep()`, `backoff()`. */
const SLEEP_CALL = /(^|\.)(sleep|backoff)$/;

type Catch = 'assertion' | 'broad' | 'none';

/** Type names an `except` clause catches (tuples held in names bound once expanded), or null for a bare `except:`. */
function caughtTypes(clause: Node): string[] | null {
  const value = caughtExpression(clause);
  return value ? typeNames([value]) : null;
}

/** The type expression of an `except` clause (`E` in `except E as e:`), or null for a bare `except:`. */
function caughtExpression(clause: Node): Node | null {
  const first = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
  if (!first) return null;
  return first.type === 'as_pattern' ? first.namedChild(0) : first;
}

/**
 * The dotted names of the exception types some expressions name: tuples and lists are opened, and so are names
 * bound once to a tuple of types, alone or splatted (`except _BENIGN:`, `except (*_BENIGN, KeyError):`, `suppress(*_BENIGN)`).
 * What is not a name (a call, an unknown splat) is `?`.
 */
function typeNames(exprs: readonly Node[]): string[] {
  const out: string[] = [];
  const stack = [...exprs].reverse();
  let opened = 0;
  while (stack.length) {
    let n = unparen(stack.pop()!);
    if (n.type === 'comment') continue;
    if (n.type === 'list_splat') n = unparen(n.namedChildren.find((c) => c.type !== 'comment') ?? n);
    if (n.type === 'tuple' || n.type === 'list') {
      for (let i = n.namedChildren.length - 1; i >= 0; i--) stack.push(n.namedChildren[i]!);
      continue;
    }
    const held = n.type === 'identifier' && opened < 4 ? boundTypeTuple(n) : undefined;
    if (held) {
      opened++;
      for (let i = held.length - 1; i >= 0; i--) stack.push(held[i]!);
      continue;
    }
    out.push(n.type === 'identifier' || n.type === 'attribute' ? (dottedName(n) ?? '?') : '?');
  }
  return out;
}

/** Names that spell an exception class (`KeyError`, `FooException`), not a tuple of them. */
const EXCEPTION_CLASS_NAME = /(Error|Exception|Exit|Interrupt|Warning|Failure|Failed|Iteration|Timeout)$/;

/** Per file: names looked up by `boundTypeTuple`, with the tuple they hold, by scope (the function, or the module). */
const typeTupleCache = new WeakMap<Node, Map<string, Node[] | null>>();

/**
 * The elements of the tuple a name holds, when `NAME = (ArithmeticError, AssertionError)` is its only binding in the
 * file (at module level, or in the function that uses it; nothing rebinds it, no `global`, loop or `del`) and the
 * file does not spell it in a string (`monkeypatch.setattr(mod, "NAME", ...)`): the name always holds those types.
 */
function boundTypeTuple(id: Node): Node[] | undefined {
  const name = id.text;
  if (EXCEPTION_CLASS_NAME.test(name)) return undefined;
  const root = id.tree.rootNode;
  const fn = enclosingFunction(id);
  const key = `${fn?.id ?? 0}:${name}`;
  let cache = typeTupleCache.get(root);
  if (!cache) typeTupleCache.set(root, (cache = new Map()));
  let found = cache.get(key);
  if (found === undefined) {
    found = null;
    const values = [...(moduleAssignments(root).get(name) ?? []), ...(fn ? localAssignments(fn).get(name) ?? [] : [])];
    const value = values.length === 1 ? unparen(values[0]!) : undefined;
    if (value?.type === 'tuple' && !new RegExp(`['".]${name}['"]`).test(root.text)) {
      const binds = root.descendantsOfType('identifier').filter((n) => n!.text === name && nameUse(n!) === 'bind').length;
      if (binds === 1) found = value.namedChildren.filter((c) => c.type !== 'comment');
    }
    cache.set(key, found);
  }
  return found ?? undefined;
}

function catchKind(dotted: string[] | null): Catch {
  if (!dotted) return 'broad';
  const types = dotted.map((d) => d.slice(d.lastIndexOf('.') + 1));
  if (types.some((t) => ASSERTION_CATCHERS.has(t))) return 'assertion';
  if (types.some((t) => BROAD_CATCHERS.has(t))) return 'broad';
  return 'none';
}

function catchLabel(clause: Node): string {
  const value = caughtExpression(clause);
  if (!value) return 'except:';
  const text = value.text.replace(/\s+/g, ' ');
  return `except ${text.length > 60 ? `${text.slice(0, 57)}...` : text}:`;
}

/**
 * `flags`: names the handler sets (`failed = True`, `errors += 1`); the failure is dropped only if the function
 * never reads them, which `unreadFlags` settles once the try is known to guard assertions.
 */
type HandlerVerdict = { kind: 'swallow'; flags?: Node[] } | { kind: 'skip'; display: string; reason?: Node; flags?: Node[] } | { kind: 'handled' };

/** What an `except` block does with the failure: drops it (pass, log, return), turns it into a skip, or handles it. */
function judgeHandler(block: Node | null | undefined, names: NameResolver): HandlerVerdict {
  if (!block) return { kind: 'handled' };
  let skip: { display: string; reason?: Node } | undefined;
  let flags: Node[] | undefined;
  for (const stmt of block.namedChildren) {
    switch (stmt.type) {
      case 'comment':
      case 'pass_statement':
      case 'continue_statement':
      case 'break_statement':
        continue;
      case 'return_statement': {
        const value = stmt.namedChildren.find((c) => c.type !== 'comment');
        if (!value || unparen(value).type === 'none') continue;
        return { kind: 'handled' };
      }
      case 'assert_statement':
        // `assert True` / `assert exc is not None`: an assertion that cannot fail handles nothing.
        if (cannotFailInHandler(stmt, block)) continue;
        return { kind: 'handled' };
      case 'expression_statement': {
        let e = unparen(stmt.namedChild(0)!);
        if (e.type === 'ellipsis' || e.type === 'string') continue;
        // `failed = True`: a flag records the failure, if something reads it later.
        const set = e.type === 'assignment' || e.type === 'augmented_assignment' ? flagTargets(e) : undefined;
        if (set) {
          (flags ??= []).push(...set);
          continue;
        }
        // `await asyncio.sleep(...)`: the awaited call is what the handler does.
        if (e.type === 'await' && e.namedChild(0)) e = unparen(e.namedChild(0)!);
        // `failures.append(e)`: the failure is recorded in a local list, if something checks it later.
        const collector = e.type === 'call' ? collectorOf(e) : undefined;
        if (collector) {
          (flags ??= []).push(collector);
          continue;
        }
        if (e.type === 'call') {
          const site = skipSiteOf(e, names);
          if (site) {
            skip = { display: site.display, reason: site.reason };
            continue;
          }
          if (isAssertion(e)) {
            if (cannotFailInHandler(e, block)) continue;
            return { kind: 'handled' };
          }
          const d = dottedName(e.childForFieldName('function')) ?? '';
          if (LOGGING_CALL.test(d) || SLEEP_CALL.test(d)) continue;
        }
        return { kind: 'handled' };
      }
      case 'raise_statement': {
        const site = skipSiteOf(stmt, names);
        if (site) {
          skip = { display: site.display, reason: site.reason };
          continue;
        }
        return { kind: 'handled' };
      }
      case 'if_statement': {
        // `if attempt < runs - 1: time.sleep(delay); continue`: branches that only wait, log or move on drop it too.
        if (branchesOnlyDrop(stmt, names)) continue;
        // `if attempt == attempts: return None` (no `else`): a way out that drops the failure on the final attempt,
        // where a retry should re-raise it; the rest of the handler waits for the next attempt.
        const then = stmt.childForFieldName('consequence');
        const last = then?.namedChildren.filter((c) => c.type !== 'comment').at(-1);
        if (!stmt.childForFieldName('alternative') && last?.type === 'return_statement' && judgeHandler(then, names).kind === 'swallow') continue;
        return { kind: 'handled' };
      }
      default:
        return { kind: 'handled' };
    }
  }
  return skip ? { kind: 'skip', display: skip.display, reason: skip.reason, flags } : { kind: 'swallow', flags };
}

/** Every branch of an `if` in a handler drops the failure as a handler would (no flag, skip or check): its condition only picks how. */
function branchesOnlyDrop(stmt: Node, names: NameResolver): boolean {
  const blocks = [stmt.childForFieldName('consequence'), ...stmt.childrenForFieldName('alternative').map((alt) => alt.childForFieldName(alt.type === 'elif_clause' ? 'consequence' : 'body'))];
  return blocks.every((b) => {
    const verdict = b ? judgeHandler(b, names) : undefined;
    return verdict?.kind === 'swallow' && !verdict.flags;
  });
}

/** The plain names an assignment in a handler binds (`failed = True`, `ok, err = False, e`), or undefined for other targets (`self.failed = True`). */
function flagTargets(assign: Node): Node[] | undefined {
  const left = assign.childForFieldName('left');
  if (!left) return undefined;
  const l = unparen(left);
  if (l.type === 'identifier') return [l];
  if (l.type !== 'pattern_list' && l.type !== 'tuple_pattern') return undefined;
  const names = l.namedChildren.map(unparen);
  return names.every((n) => n.type === 'identifier') ? names : undefined;
}

/** Methods that add to a collection (`failures.append(e)`, `errors.add(str(e))`). */
const COLLECTING_METHODS = new Set(['append', 'appendleft', 'extend', 'add', 'insert']);

/** `failures.append(e)`: the plain name of the collection the call adds to. */
function collectorOf(call: Node): Node | undefined {
  const f = call.childForFieldName('function');
  if (f?.type !== 'attribute' || !COLLECTING_METHODS.has(f.childForFieldName('attribute')?.text ?? '')) return undefined;
  const target = unparen(f.childForFieldName('object')!);
  return target.type === 'identifier' ? target : undefined;
}

/** `failures.append(...)` as a statement: a read of `failures` that only adds to it. */
function isCollectingRead(id: Node): boolean {
  const call = id.parent?.type === 'attribute' ? id.parent.parent : null;
  return call?.type === 'call' && collectorOf(call)?.id === id.id && call.parent?.type === 'expression_statement';
}

/** A statement that only reports (`print(...)`, `log.warning(...)`, `pass`), or an `if`/`for` whose every branch only reports. */
function onlyReports(stmt: Node, depth = 0): boolean {
  if (depth > 4) return false;
  switch (stmt.type) {
    case 'comment':
    case 'pass_statement':
    case 'continue_statement':
    case 'break_statement':
      return true;
    case 'expression_statement': {
      const e = unparen(stmt.namedChild(0)!);
      return e.type === 'call' && LOGGING_CALL.test(dottedName(e.childForFieldName('function')) ?? '');
    }
    case 'if_statement':
    case 'for_statement':
    case 'elif_clause':
    case 'else_clause': {
      const blocks = [stmt.childForFieldName(stmt.type === 'elif_clause' || stmt.type === 'if_statement' ? 'consequence' : 'body'), ...stmt.childrenForFieldName('alternative')];
      return blocks.every((b) => !b || (b.type === 'block' ? b.namedChildren.every((s) => onlyReports(s, depth + 1)) : onlyReports(b, depth + 1)));
    }
    default:
      return false;
  }
}

/**
 * A read of a recorded failure that only shows it: inside the arguments of a logging call (`print(failures)`,
 * `log.error("%s", len(errors))`), the condition or loop of an `if`/`for` that only reports, or the value of a
 * local (`summary = "\n".join(...)`) whose own reads only show it.
 */
function onlyShown(id: Node, scope: Node, depth = 0): boolean {
  for (let p: Node | null = id.parent; p && p.id !== scope.id; p = p.parent) {
    if (p.type === 'call' && LOGGING_CALL.test(dottedName(p.childForFieldName('function')) ?? '')) return true;
    if (p.type === 'if_statement' || p.type === 'for_statement') {
      const head = p.childForFieldName(p.type === 'if_statement' ? 'condition' : 'right');
      return !!head && head.startIndex <= id.startIndex && id.endIndex <= head.endIndex && onlyReports(p);
    }
    if (p.type === 'assignment') {
      const left = p.childForFieldName('left');
      const right = p.childForFieldName('right');
      if (depth > 2 || left?.type !== 'identifier' || !right || right.startIndex > id.startIndex || p.parent?.type !== 'expression_statement') return false;
      const reads = scope.descendantsOfType('identifier').filter((n) => n!.text === left.text && n!.id !== left.id);
      return reads.every((n) => nameUse(n!) === 'read' && onlyShown(n!, scope, depth + 1));
    }
    if (p.type.endsWith('_statement') || p.type === 'block') return false;
  }
  return false;
}

/**
 * The flags a handler sets that nothing checks: no read of the name anywhere in the function (nested functions
 * included) other than reads that only show it (`print(failures)`), no `global`/`nonlocal` sharing it, no
 * `locals()`. A collection the handler adds to (`failures.append(e)`) must be a local the function binds (a
 * module list or a fixture may be checked elsewhere). Undefined when some flag is checked: the failure is recorded.
 */
function unreadFlags(flags: Node[], tryStmt: Node): Node[] | undefined {
  let fn = nearestFunction(tryStmt);
  // `failures.append(e)` in a nested helper (`_expect` handed out by a soft-assertion fixture) records into a list of
  // the function around it: that function is where the list is checked, or not.
  for (let outer = fn && nearestFunction(fn); fn && outer && flags.some((f) => isCollectingRead(f) && !bindsName(fn!, f.text)); outer = nearestFunction(outer)) {
    if (flags.every((f) => !isCollectingRead(f) || bindsName(outer!, f.text))) fn = outer;
  }
  const scope = fn?.childForFieldName('body') ?? tryStmt.tree.rootNode;
  if (/\b(locals|vars|globals)\s*\(/.test(scope.text)) return undefined;
  const wanted = new Set(flags.map((f) => f.text));
  const bound = new Set<string>();
  for (const id of scope.descendantsOfType('identifier')) {
    if (!id || !wanted.has(id.text)) continue;
    const use = nameUse(id);
    if (use === 'read' && !isCollectingRead(id) && !onlyShown(id, scope)) return undefined;
    // `global failed` / `nonlocal failed`: another scope may read it.
    if (use === 'bind' && (id.parent?.type === 'global_statement' || id.parent?.type === 'nonlocal_statement')) return undefined;
    if (use === 'bind') bound.add(id.text);
  }
  if (flags.some((f) => isCollectingRead(f) && !bound.has(f.text))) return undefined;
  // Module-level flags can be read by other modules.
  return fn ? flags : undefined;
}

/** `fn` binds `name` in its own body (an assignment, not a nested function's). */
function bindsName(fn: Node, name: string): boolean {
  let found = false;
  forEachInScope(fn.childForFieldName('body')!, (n) => {
    if (found) return false;
    if (n.type === 'assignment' && n.childForFieldName('left')?.type === 'identifier' && n.childForFieldName('left')!.text === name) found = true;
    return !found;
  });
  return found;
}

/**
 * An assertion in a handler that cannot fail: a vacuous one (`assert True`, `self.assertTrue(1)`), or one that
 * only says the caught exception exists (`assert exc is not None`, `assert exc`, `self.assertIsNotNone(exc)`).
 */
function cannotFailInHandler(node: Node, block: Node): boolean {
  if (vacuityOf(node)) return true;
  const clause = block.parent;
  const pattern = clause?.namedChildren.find((c) => c.type === 'as_pattern');
  const bound = pattern?.childForFieldName('alias')?.text ?? pattern?.namedChild(1)?.text;
  if (!bound) return false;
  let subject: Node | undefined;
  if (node.type === 'assert_statement') {
    const cond = node.namedChildren.find((c) => c.type !== 'comment');
    const c = cond ? unparen(cond) : undefined;
    if (c?.type === 'identifier') subject = c;
    else if (c?.type === 'comparison_operator' && comparisonOperator(c) === 'is not' && unparen(c.namedChild(1)!).type === 'none') subject = unparen(c.namedChild(0)!);
  } else if (node.type === 'call' && calleeLastName(node) === 'assertIsNotNone') {
    const first = callArguments(node).positional[0];
    subject = first ? unparen(first) : undefined;
  }
  return subject?.type === 'identifier' && subject.text === bound;
}

/** Does the `else:` of a try fail, raise or assert (a test that expects the assertion to fail)? */
function elseFails(tryStmt: Node): boolean {
  const elseClause = tryStmt.namedChildren.find((c) => c.type === 'else_clause');
  if (!elseClause) return false;
  let fails = false;
  forEachDescendant(elseClause, (n) => {
    if (n.type === 'raise_statement' || isAssertion(n)) fails = true;
    return !fails;
  });
  return fails;
}

/** Last names of exception types that catch pytest's `Failed`, an outcome exception outside `Exception`. */
const FAILED_CATCHERS = new Set(['BaseException', 'Failed', 'OutcomeException']);
const FAIL = new Set(['fail']);
/** Built-in exceptions that are no AssertionError (and no subclass of one): an `except AssertionError` lets them through. */
const NON_ASSERTION_ERRORS = /^(builtins\.)?(Exception|RuntimeError|ValueError|TypeError|KeyError|LookupError|NotImplementedError)$/;

/** Does some `except` clause of the try catch `pytest.fail()`'s `Failed` (bare `except:`, `except BaseException`, `except pytest.fail.Exception`)? */
function catchesPytestFailure(tryStmt: Node): boolean {
  for (const c of tryStmt.namedChildren) {
    if (c.type !== 'except_clause') continue;
    const types = caughtTypes(c);
    if (!types || types.some((t) => FAILED_CATCHERS.has(t.slice(t.lastIndexOf('.') + 1)) || /(^|\.)fail\.Exception$/.test(t))) return true;
  }
  return false;
}

/** Every `except` clause of the try names only assertion failures (`except AssertionError`, `except self.failureException`). */
function catchesOnlyAssertionErrors(tryStmt: Node): boolean {
  return tryStmt.namedChildren.every((c) => c.type !== 'except_clause' || (caughtTypes(c)?.every((t) => /(^|\.)(AssertionError|failureException)$/.test(t)) ?? false));
}

/**
 * A failure in the try body that its handlers let through: `pytest.fail()` raises `Failed`, which neither
 * `except AssertionError` nor `except Exception` catches, and `raise RuntimeError(...)` escapes an `except AssertionError`.
 * (`self.fail()` raises `self.failureException`, an AssertionError: it does not escape.)
 */
function escapesHandlers(node: Node, tryStmt: Node, names: NameResolver): boolean {
  if (node.type === 'call') {
    // Method calls other than `*.fail` are rejected without resolving anything.
    if (attributeNotIn(node.childForFieldName('function'), FAIL)) return false;
    const q = names.callee(node);
    return (q === 'pytest.fail' || q === '_pytest.outcomes.fail') && !catchesPytestFailure(tryStmt);
  }
  if (node.type === 'raise_statement') {
    const exc = node.namedChildren.find((c) => c.type !== 'comment');
    const target = exc && unparen(exc).type === 'call' ? unparen(exc).childForFieldName('function') : exc;
    return NON_ASSERTION_ERRORS.test(names.qualify(target) ?? dottedName(target) ?? '') && catchesOnlyAssertionErrors(tryStmt);
  }
  return false;
}

/**
 * `try: assert_close(a, b); pytest.fail("accepted") except AssertionError: pass`: a statement of the try body
 * after its last assertion fails in a way the handlers let through, so the test fails when the checks pass;
 * it expects them to fail (the `try/except/else: fail` idiom with the failure inside the try).
 */
function failsAfterChecks(body: Node, asserts: Node[], tryStmt: Node, names: NameResolver): boolean {
  const last = asserts[asserts.length - 1];
  for (const stmt of body.namedChildren) {
    if (last && stmt.startIndex <= last.startIndex) continue;
    const e = stmt.type === 'expression_statement' ? unparen(stmt.namedChild(0)!) : stmt;
    if (escapesHandlers(e, tryStmt, names)) return true;
  }
  return false;
}

/** The try block raises a (non-assertion) exception itself: the handler exists for that raise. */
function raisesItself(body: Node): boolean {
  let found = false;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type === 'raise_statement') {
      const exc = n.namedChildren.find((c) => c.type !== 'comment');
      const target = exc && unparen(exc).type === 'call' ? unparen(exc).childForFieldName('function') : exc;
      const name = dottedName(target) ?? '';
      if (name && !/(^|\.)(AssertionError|failureException)$/.test(name)) found = true;
    }
    return !found;
  });
  return found;
}

/** Words of a loop variable or `while` condition that count attempts or time (`for attempt in ...`, `while time.monotonic() < deadline`). */
const RETRY_WORD = /^(attempts?|attempt\w+|retry|retries|retried|retrying|tries|try|tried|deadline|timeout|monotonic|elapsed|backoff|polls?|polling)$/;

/** The nearest loop a `break` belongs to (in the same function). */
function loopOf(node: Node): Node | null {
  for (let p = node.parent; p && p.type !== 'function_definition' && p.type !== 'class_definition' && p.type !== 'lambda'; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement') return p;
  }
  return null;
}

/**
 * Does this loop retry the guarded check rather than walk through cases? A retry loop leaves on success
 * (`break` or `return` outside the handlers of `guard`), waits between attempts (`time.sleep()`), or names its
 * attempts or its deadline (`for attempt in range(3)`, `while tries < 5`, `while time.time() < deadline`).
 * A loop over test cases whose handler just moves on (`for xs, want in CASES: try: assert ... except: continue`)
 * is none of these: every failing case is dropped.
 */
function retries(loop: Node, guard: Node): boolean {
  const head = loop.type === 'for_statement' ? loop.childForFieldName('left') : loop.childForFieldName('condition');
  if (head) {
    for (const name of identifiersIn(head)) if (identifierWords(name).some((w) => RETRY_WORD.test(w))) return true;
  }
  const body = loop.childForFieldName('body');
  if (!body) return false;
  let found = false;
  forEachInScope(body, (n) => {
    if (found) return false;
    // What the handler does after a failure (give up with `break`, `return`) is not a success exit; a sleep there is a wait.
    if ((n.type === 'break_statement' && loopOf(n)?.id === loop.id) || n.type === 'return_statement') found = !inHandlerOf(n, guard);
    else if (n.type === 'call' && SLEEP_CALL.test(dottedName(n.childForFieldName('function')) ?? '')) found = true;
    return !found;
  });
  return found;
}

/** Is `node` inside an `except` clause of the try statement `guard`? */
function inHandlerOf(node: Node, guard: Node): boolean {
  for (let p = node.parent; p && p.id !== guard.id; p = p.parent) {
    if ((p.type === 'except_clause' || p.type === 'except_group_clause') && p.parent?.id === guard.id) return true;
  }
  return false;
}

/** Inside a retry loop of the same function (see `retries`). */
function inRetryLoop(guard: Node): boolean {
  for (let p = guard.parent; p && p.type !== 'function_definition' && p.type !== 'class_definition' && p.type !== 'lambda'; p = p.parent) {
    if ((p.type === 'for_statement' || p.type === 'while_statement') && retries(p, guard)) return true;
  }
  return false;
}

/** In a `finally:` clause or a cleanup function: errors there must not hide the test's real outcome. */
function inCleanup(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'finally_clause') return true;
    if (p.type === 'function_definition' && CLEANUP_FUNCTION.test(functionName(p))) return true;
  }
  return false;
}

function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

function describeAssertions(asserts: Node[]): string {
  const first = asserts[0]!;
  const text = first.text.split('\n')[0]!.trim();
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const more = asserts.length > 1 ? ` and ${asserts.length - 1} more` : '';
  return `\`${shown}\` (line ${lineOf(first)})${more}`;
}

function where(node: Node): string {
  const fn = nearestFunction(node);
  return fn ? `\`${functionName(fn)}()\`` : 'this module';
}

/** What the handler does with the failure instead of failing: sets a flag nobody reads, or collects it in a list that is at most shown. */
function flagNoteOf(flags: Node[]): string {
  const collected = flags.filter(isCollectingRead).map((f) => f.text);
  const set = flags.filter((f) => !isCollectingRead(f)).map((f) => f.text);
  const notes: string[] = [];
  if (set.length) notes.push(`the handler sets \`${set.join('`, `')}\`, which nothing reads`);
  if (collected.length) notes.push(`the handler collects it in \`${collected.join('`, `')}\`, which is never checked, only printed or logged at most`);
  return ` (${notes.join('; ')})`;
}

function checkTry(ctx: RuleContext, tryStmt: Node): void {
  // The first clause that matches an AssertionError is the one that runs: later handlers never see it, so
  // only that clause can be reported. Finding and judging it is cheap (no walk of the try body), and most
  // try statements catch something else or handle the failure: they are done before their assertions are sought.
  let clause: Node | undefined;
  let types: string[] | null = null;
  let kind: Catch = 'none';
  for (const c of tryStmt.namedChildren) {
    if (c.type !== 'except_clause') continue;
    types = caughtTypes(c);
    kind = catchKind(types);
    if (kind === 'none') continue;
    clause = c;
    break;
  }
  if (!clause) return;
  const body = tryStmt.childForFieldName('body');
  if (!body) return;
  const verdict = judgeHandler(clause.namedChildren.find((c) => c.type === 'block'), ctx.names);
  if (verdict.kind === 'handled') return;
  // A `pytest.fail()` the handler lets through is not swallowed: it is the test's failure when the checks before it pass.
  const found = assertionsIn(body, ctx.names);
  const asserts = found.filter((a) => !escapesHandlers(a, tryStmt, ctx.names));
  if (!asserts.length) {
    if (!found.length) {
      checkSwallowingDecorator(ctx, tryStmt, body, clause, catchLabel(clause), kind, verdict);
      checkSwallowingRunner(ctx, tryStmt, body, clause, catchLabel(clause), kind, verdict);
    }
    return;
  }
  if (elseFails(tryStmt) || failsAfterChecks(body, asserts, tryStmt, ctx.names) || inCleanup(tryStmt)) return;
  // `test_assertNoResultSwallowsFailure` catching the failure of `self.assertNoResult(d)`: a test of what the
  // assertion method does when it fails, not a check it drops.
  const fn = nearestFunction(tryStmt);
  if (fn && isTestFunction(fn) && asserts.every((a) => testsAssertionMethod(fn, a))) return;
  if (verdict.flags && !unreadFlags(verdict.flags, tryStmt)) return;
  const flagNote = verdict.flags ? flagNoteOf(verdict.flags) : '';
  const onlyExplicitFailures = asserts.every((a) => isExplicitFailure(a));
  const label = catchLabel(clause);
  let severity: Severity = 'warning';
  let message: string;
  if (verdict.kind === 'skip') {
    // A failed probe of the environment ("the filesystem lacks short names") is a legitimate skip reason.
    const external = classifyReason(verdict.reason) === 'external';
    severity = kind === 'assertion' && !external ? 'warning' : 'info';
    message = `\`${label}\` turns the failure of ${describeAssertions(asserts)} into \`${verdict.display}\`: a failing check in ${where(tryStmt)} is reported as skipped.`;
    if (external) message += ' The reason names the environment; check that condition directly rather than through an assertion.';
  } else {
    message = `\`${label}\` swallows the failure of ${describeAssertions(asserts)}${flagNote}: ${where(tryStmt)} passes whether or not the assertion holds.`;
    if (kind === 'broad' && onlyExplicitFailures) {
      severity = 'info';
      message = `\`${label}\` also catches the AssertionError of ${describeAssertions(asserts)}, so this "expect an exception" check can never fail; catch the specific exception instead.`;
    } else if (raisesItself(body)) {
      severity = 'info';
      message = `\`${label}\` is there for the exception the try block raises itself, but it also swallows the failure of ${describeAssertions(asserts)}; catch that exception type only.`;
    } else if (inRetryLoop(tryStmt)) {
      severity = 'info';
      message = `\`${label}\` swallows the failure of ${describeAssertions(asserts)} inside a loop; if this is a retry, fail after the last attempt.`;
    }
  }
  ctx.report({
    node: clause,
    message,
    severity,
    related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion whose failure is swallowed' })),
  });
}

/**
 * A `return`, `break` or `continue` in the `finally:` of a try whose assertions can fail: leaving a `finally`
 * block discards the exception in flight, so the AssertionError never reaches the runner (PEP 765). Directly
 * in the `finally` block it always runs (warning); under a condition it may be an early out (info).
 */
function checkFinally(ctx: RuleContext, tryStmt: Node): void {
  const fin = tryStmt.namedChildren.find((c) => c.type === 'finally_clause');
  const block = fin?.namedChildren.find((c) => c.type === 'block');
  if (!fin || !block) return;
  let exit: Node | undefined;
  forEachInScope(block, (n) => {
    if (exit) return false;
    if (n.type === 'return_statement') exit = n;
    // A `break`/`continue` leaves the `finally` only when its loop is outside it.
    else if ((n.type === 'break_statement' || n.type === 'continue_statement') && !insideOf(loopOf(n), fin)) exit = n;
    return !exit;
  });
  if (!exit) return;
  const guarded = tryStmt.namedChildren.filter((c) => c.type === 'block' || c.type === 'except_clause' || c.type === 'else_clause');
  const asserts = guarded.flatMap((c) => assertionsIn(c, ctx.names));
  if (!asserts.length || inCleanup(tryStmt)) return;
  const unconditional = exit.parent?.id === block.id;
  const keyword = exit.text.split(/\s/)[0];
  ctx.report({
    node: exit,
    message: unconditional
      ? `\`${keyword}\` in \`finally:\` discards the failure of ${describeAssertions(asserts)}: ${where(tryStmt)} passes whether or not the assertion holds.`
      : `\`${keyword}\` in \`finally:\` discards the failure of ${describeAssertions(asserts)} whenever it runs; let the \`finally\` block end normally so the assertion can fail.`,
    severity: unconditional ? 'warning' : 'info',
    related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion whose failure is discarded' })),
  });
}

/** Is `node` (when given) inside `container`? */
function insideOf(node: Node | null, container: Node): boolean {
  for (let p = node; p; p = p.parent) if (p.id === container.id) return true;
  return false;
}

/**
 * A decorator of this file whose wrapper calls the decorated function inside `try` and drops what it
 * raises (`def tolerant(fn): def wrapper(*a, **k): try: return fn(*a, **k) except AssertionError: return None`):
 * every test it decorates passes whether or not its assertions hold. Reported when the file applies it to
 * a test; a retry decorator (a loop that returns on success or sleeps) is info, unless its attempts can run out
 * with nothing raised or tried again after the loop (`retriesRunOut`): then an always-failing test passes too.
 */
function checkSwallowingDecorator(ctx: RuleContext, tryStmt: Node, body: Node, clause: Node, label: string, kind: Catch, verdict: HandlerVerdict): void {
  if (verdict.kind === 'handled' || elseFails(tryStmt) || inCleanup(tryStmt)) return;
  if (verdict.flags && !unreadFlags(verdict.flags, tryStmt)) return;
  const wrapper = nearestFunction(tryStmt);
  if (!wrapper) return;
  // The decorated function is a parameter of a function around the wrapper (the decorator, or a decorator factory).
  const outerParams = new Set<string>();
  let decorator: Node | undefined;
  let owner: Node | undefined;
  for (let p = wrapper.parent; p; p = p.parent) {
    if (p.type === 'class_definition') {
      // A static or class method of a module-level class (a metaclass's `_wrap(fn)`) decorates as well, once it
      // is the outermost function: it is only judged where it is installed on test methods (`testMethodInstaller`).
      owner = p;
      break;
    }
    if (p.type === 'function_definition') {
      for (const name of parameterNames(p)) outerParams.add(name);
      decorator = p;
    }
  }
  if (!decorator || !outerParams.size || !(owner ? decorator !== wrapper && isModuleLevel(owner) && !!enclosingClassBodyOf(decorator, owner) : isModuleLevel(decorator))) return;
  let call: Node | undefined;
  forEachInScope(body, (n) => {
    if (call) return false;
    const f = n.type === 'call' ? n.childForFieldName('function') : null;
    if (f?.type === 'identifier' && outerParams.has(f.text)) call = n;
    return !call;
  });
  if (!call || raisesAfter(tryStmt, wrapper)) return;
  const name = functionName(decorator);
  const tests = owner ? [] : testsDecoratedWith(ctx.root, name);
  if (!tests.length) {
    checkExportedSwallowingDecorator(ctx, tryStmt, clause, label, kind, verdict, decorator, call, retriesRunOut(tryStmt, wrapper, outerParams), owner);
    return;
  }
  const shown = tests.slice(0, 3).map((t) => `\`${functionName(t)}\``).join(', ') + (tests.length > 3 ? ` and ${tests.length - 3} more` : '');
  let severity: Severity = 'warning';
  let message: string;
  if (verdict.kind === 'skip') {
    const external = classifyReason(verdict.reason) === 'external';
    severity = kind === 'assertion' && !external ? 'warning' : 'info';
    message = `\`${label}\` in decorator \`${name}()\` turns the failure of every test it wraps (${shown}) into \`${verdict.display}\`: failing checks are reported as skipped.`;
  } else {
    message = `\`${label}\` in decorator \`${name}()\` swallows what \`${call.text.split('(')[0]}(...)\` raises: the tests it wraps (${shown}) pass whether or not their assertions hold.`;
    if (inRetryLoop(tryStmt)) {
      if (retriesRunOut(tryStmt, wrapper, outerParams)) {
        message = `\`${label}\` in decorator \`${name}()\` swallows what \`${call.text.split('(')[0]}(...)\` raises on every attempt, and after the last one the wrapper returns normally: the tests it wraps (${shown}) pass even when they always fail. Raise the last failure after the final attempt.`;
      } else {
        severity = 'info';
        message += ' If this is a retry, raise the last failure after the final attempt.';
      }
    }
  }
  ctx.report({
    node: clause,
    message,
    severity,
    related: tests.slice(0, 5).map((t) => ({ node: t.childForFieldName('name') ?? t, message: `decorated with \`@${name}\`` })),
  });
}

/**
 * A module-level helper of the tests that runs a check it is given and drops its AssertionError
 * (`def eventually(check, attempts=20): for attempt in ...: try: return check() except AssertionError: if attempt ==
 * attempts: return None`): every check handed to it passes whether or not it holds. Only a handler that names
 * AssertionError (a broad `except Exception` around a callback is a common guard); a retry is reported only when its
 * attempts can all fail with nothing raised or tried again after the loop; and only a helper the file uses or exports
 * (a helper module without tests of its own).
 */
function checkSwallowingRunner(ctx: RuleContext, tryStmt: Node, body: Node, clause: Node, label: string, kind: Catch, verdict: HandlerVerdict): void {
  if (kind !== 'assertion' || verdict.kind !== 'swallow' || elseFails(tryStmt) || inCleanup(tryStmt)) return;
  if (verdict.flags && !unreadFlags(verdict.flags, tryStmt)) return;
  const helper = nearestFunction(tryStmt);
  if (!helper || !isModuleLevel(helper) || isTestFunction(helper)) return;
  const params = new Set(parameterNames(helper).filter((p) => p !== 'self' && p !== 'cls'));
  let call: Node | undefined;
  forEachInScope(body, (n) => {
    if (call) return false;
    const f = n.type === 'call' ? n.childForFieldName('function') : null;
    if (f?.type === 'identifier' && params.has(f.text)) call = n;
    return !call;
  });
  if (!call || raisesAfter(tryStmt, helper)) return;
  if (inRetryLoop(tryStmt) && !retriesRunOut(tryStmt, helper, params)) return;
  const name = functionName(helper);
  const nameId = helper.childForFieldName('name');
  const uses = ctx.root.descendantsOfType('identifier').filter((n) => n!.text === name && n!.id !== nameId?.id);
  const hasTests = ctx.root.descendantsOfType('function_definition').some((f) => isTestFunction(f!));
  // In a test module, only a helper its tests use; a helper module's helpers are there for other files.
  if (hasTests && !uses.length) return;
  // Installed somewhere instead of called (`TestCase._callTestMethod = _forgiving`): the runner hijack rules judge that.
  if (uses.some((n) => !(n!.parent?.type === 'call' && n!.parent.childForFieldName('function')?.id === n!.id))) return;
  const callee = call.childForFieldName('function')!.text;
  ctx.report({
    node: clause,
    message: `\`${label}\` in \`${name}()\` swallows the AssertionError that \`${callee}()\` raises${inRetryLoop(tryStmt) ? ' on the final attempt too, and then returns normally' : ''}: every check handed to \`${name}()\` passes whether or not it holds. Re-raise the last failure.`,
    severity: 'warning',
  });
}

/**
 * A retry whose attempts can all fail quietly: the try sits in a `for` loop (or a `while` on a condition), and
 * nothing after the loop calls the decorated function again (`return fn(*a, **kw)` as a last, unguarded attempt),
 * so once the attempts are used up the wrapper returns normally. (`raisesAfter` has ruled out a raise there.)
 */
function retriesRunOut(tryStmt: Node, wrapper: Node, decorated: ReadonlySet<string>): boolean {
  let loop: Node | undefined;
  for (let p = tryStmt.parent; p && p.id !== wrapper.id; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement') {
      loop = p;
      break;
    }
  }
  if (!loop) return false;
  if (loop.type === 'while_statement' && /^(True|1)$/.test(loop.childForFieldName('condition')?.text ?? '')) return false;
  return !laterStatementHas(loop, wrapper, (n) => {
    const f = n.type === 'call' ? n.childForFieldName('function') : null;
    return f?.type === 'identifier' && decorated.has(f.text);
  });
}

/**
 * The wrapper raises or fails after the try (`try: fn() except AssertionError: return` then
 * `raise AssertionError("unexpectedly passed")`): an expected-failure decorator, which reports a test that passes.
 */
function raisesAfter(tryStmt: Node, wrapper: Node): boolean {
  return laterStatementHas(tryStmt, wrapper, (n) => n.type === 'raise_statement' || isAssertion(n));
}

/**
 * Does a statement that runs after `from` in `wrapper` (a later sibling of `from` or of a statement around it,
 * up to the wrapper's body) hold a node `matches` accepts, itself or in its own scope?
 */
function laterStatementHas(from: Node, wrapper: Node, matches: (n: Node) => boolean): boolean {
  for (let stmt: Node | null = from; stmt && stmt.id !== wrapper.id; stmt = stmt.parent) {
    for (let next = stmt.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (matches(next)) return true;
      let found = false;
      forEachInScope(next, (n) => {
        if (matches(n)) found = true;
        return !found;
      });
      if (found) return true;
    }
  }
  return false;
}

/**
 * A swallowing decorator that a helper module (a test-role file without tests) never applies itself, such as
 * `tolerant` in `tests/helpers.py`, imported by the tests: reported at its handler when it names AssertionError and simply drops it (no skip, no retry unless its attempts run out quietly), since the
 * tests it decorates live in other files.
 */
function checkExportedSwallowingDecorator(ctx: RuleContext, tryStmt: Node, clause: Node, label: string, kind: Catch, verdict: HandlerVerdict, decorator: Node, call: Node, runsOut: boolean, owner?: Node): void {
  if (kind !== 'assertion' || verdict.kind !== 'swallow' || (inRetryLoop(tryStmt) && !runsOut)) return;
  const name = functionName(decorator);
  // Only a helper module's decorators are meant for other files: a test module's unused one decorates nothing.
  if (ctx.root.descendantsOfType('function_definition').some((f) => isTestFunction(f!))) return;
  // Applied (or called) in this file: there it decorates helpers, not tests; unless every use installs it on the
  // test methods of a class (`if attr.startswith("test"): ns[attr] = _wrap(value)` in a metaclass or class decorator).
  const nameId = decorator.childForFieldName('name');
  const uses = ctx.root.descendantsOfType('identifier').filter((n) => n!.text === name && n!.id !== nameId?.id);
  const installers = uses.map((u) => testMethodInstaller(u!));
  if (installers.some((i) => !i)) return;
  // A method of a class is only meant for test methods when installed on them.
  if (owner && !installers.length) return;
  ctx.report({
    node: clause,
    message: installers.length
      ? `\`${label}\` in \`${name}()\` swallows the AssertionError that \`${call.text.split('(')[0]}(...)\` raises, and \`${installers[0]!.text.split("\n")[0]!.slice(0, 60)}\` installs it on every test method: those tests pass whether or not their assertions hold.`
      : `\`${label}\` in decorator \`${name}()\` swallows the AssertionError that \`${call.text.split('(')[0]}(...)\` raises: every test decorated with \`@${name}\` passes whether or not its assertions hold.`,
    severity: 'warning',
  });
}

/** Test functions and test methods decorated with `@name` or `@name(...)`. */
function testsDecoratedWith(root: Node, name: string): Node[] {
  const out: Node[] = [];
  const applies = (d: Node) => {
    const e = unparen(d);
    const target = e.type === 'call' ? e.childForFieldName('function') : e;
    return target?.type === 'identifier' && target.text === name;
  };
  const visit = (stmts: readonly Node[]) => {
    for (const stmt of stmts) {
      const def = definitionOf(stmt);
      if (def.type === 'function_definition' && isTestFunction(def) && decoratorsOf(def).some(applies)) out.push(def);
      else if (def.type === 'class_definition') visit(def.childForFieldName('body')?.namedChildren ?? []);
    }
  };
  visit(root.namedChildren);
  return out;
}

const SUPPRESS = new Set(['suppress']);

function suppressedKinds(withStmt: Node, names: NameResolver): string | undefined {
  const clause = withStmt.namedChildren.find((c) => c.type === 'with_clause');
  for (const item of clause?.namedChildren ?? []) {
    if (item.type !== 'with_item') continue;
    let value = item.childForFieldName('value');
    if (value?.type === 'as_pattern') value = value.namedChild(0);
    if (!value || unparen(value).type !== 'call') continue;
    const kinds = suppressCallKinds(unparen(value), names);
    if (kinds) return kinds;
  }
  return undefined;
}

/** `suppress(AssertionError)` (or a broad type, or through the file's thin wrapper): its text; otherwise undefined. */
function suppressCallKinds(call: Node, names: NameResolver): string | undefined {
  // Cheap tests first, so that most context managers (`pytest.raises(...)`, `mock.patch(...)`) are left
  // without resolving their callee: a dotted callee `a.b.f` (dotted or resolved) ends in `suppress` only
  // when `f` is `suppress`, and the arguments must name an AssertionError or a broad exception.
  const fn = call.childForFieldName('function');
  if (attributeNotIn(fn, SUPPRESS)) return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  // `suppress(*_BENIGN)`: a splatted name bound once to a tuple of types counts as those types.
  const caught = typeNames(args).map((t) => t.slice(t.lastIndexOf('.') + 1));
  if (!caught.some((t) => ASSERTION_CATCHERS.has(t) || BROAD_CATCHERS.has(t))) return undefined;
  const d = dottedName(fn) ?? '';
  if (/(^|\.)suppress$/.test(d) || names.callee(call) === 'contextlib.suppress' || (fn?.type === 'identifier' && forwardsToSuppress(call.tree.rootNode, fn.text, names))) {
    return `${d || 'suppress'}(${args.map((a) => a.text).join(', ')})`;
  }
  return undefined;
}

const suppressWrappersCache = new WeakMap<Node, Map<string, boolean>>();

/**
 * The file's own thin wrapper of `contextlib.suppress` that hands it the types it is given:
 * `def tolerate(*excs): return suppress(*excs)`, or a `@contextmanager` whose body is `with suppress(*excs): yield`.
 */
function forwardsToSuppress(root: Node, name: string, names: NameResolver): boolean {
  let cache = suppressWrappersCache.get(root);
  if (!cache) suppressWrappersCache.set(root, (cache = new Map()));
  let verdict = cache.get(name);
  if (verdict !== undefined) return verdict;
  verdict = false;
  const defs = root.namedChildren.map(definitionOf).filter((d) => d.type === 'function_definition' && functionName(d) === name);
  const def = defs.length === 1 && names.alias(name) === undefined ? defs[0]! : undefined;
  const stmts = def?.childForFieldName('body')?.namedChildren.filter((c) => c.type !== 'comment' && !(c.type === 'expression_statement' && c.namedChild(0)?.type === 'string')) ?? [];
  const params = new Set(def ? parameterNames(def) : []);
  // The call hands on only the wrapper's own parameters (`*excs`, or `exc_type`).
  const forwards = (call: Node | null | undefined) =>
    call?.type === 'call' &&
    names.callee(call) === 'contextlib.suppress' &&
    (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a.type !== 'comment') &&
    (call.childForFieldName('arguments')?.namedChildren ?? []).every((a) => a.type === 'comment' || params.has(unparen(a.type === 'list_splat' ? (a.namedChild(0) ?? a) : a).text));
  if (def && stmts.length === 1) {
    const only = stmts[0]!;
    if (only.type === 'return_statement') verdict = forwards(only.namedChildren.find((c) => c.type !== 'comment'));
    else if (only.type === 'with_statement' && decoratorsOf(def).some((d) => /(^|\.)contextmanager$/.test(dottedName(d) ?? ''))) {
      const items = only.namedChildren.find((c) => c.type === 'with_clause')?.namedChildren.filter((c) => c.type === 'with_item') ?? [];
      const inner = only.childForFieldName('body')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      const yields = inner.length === 1 && inner[0]!.type === 'expression_statement' && inner[0]!.namedChild(0)?.type === 'yield';
      verdict = items.length === 1 && yields && forwards(unparen(items[0]!.childForFieldName('value') ?? items[0]!));
    }
  }
  cache.set(name, verdict);
  return verdict;
}

/**
 * An `__exit__` result that is true when the exception is an assertion failure: `issubclass(exc_type, AssertionError)`
 * (or `Exception`), alone or after `exc_type is not None and`.
 */
function swallowsAssertionType(value: Node, excType: string | undefined): boolean {
  if (!excType) return false;
  let v = unparen(value);
  if (v.type === 'boolean_operator' && v.child(1)?.type === 'and') {
    const left = unparen(v.childForFieldName('left')!);
    if (!(left.type === 'comparison_operator' && /^\s*\w+\s+is\s+not\s+None\s*$/.test(left.text) && left.namedChild(0)?.text === excType)) return false;
    v = unparen(v.childForFieldName('right')!);
  }
  if (v.type !== 'call' || v.childForFieldName('function')?.text !== 'issubclass') return false;
  const args = callArguments(v).positional;
  if (args[0]?.text !== excType || !args[1]) return false;
  const types = unparen(args[1]).type === 'tuple' ? unparen(args[1]).namedChildren : [unparen(args[1])];
  return types.some((t) => ASSERTION_CATCHERS.has(t.text.slice(t.text.lastIndexOf('.') + 1)) || BROAD_CATCHERS.has(t.text));
}

/** `with lenient():` where the file's own `lenient` swallows every failure of its block: the manager and how it swallows. */
function localSwallowingManager(withStmt: Node, ctx: RuleContext): { display: string; how: string } | undefined {
  const clause = withStmt.namedChildren.find((c) => c.type === 'with_clause');
  for (const item of clause?.namedChildren ?? []) {
    if (item.type !== 'with_item') continue;
    let value = item.childForFieldName('value');
    if (value?.type === 'as_pattern') value = value.namedChild(0);
    const call = value ? unparen(value) : undefined;
    const callee = call?.type === 'call' ? call.childForFieldName('function') : undefined;
    if (callee?.type !== 'identifier' && callee?.type !== 'attribute') continue;
    // The file's own class or generator, or one a helper module of the project defines (`from tests.support import
    // checkpoint`, `ctx.expected_drift()`), which that module's analysis reports.
    const imported = ctx.imported(callee.type === 'identifier' ? ctx.names.alias(callee.text) : ctx.names.qualify(callee));
    const own = callee.type === 'identifier' && ctx.names.alias(callee.text) === undefined ? swallowingManagers(ctx.root, ctx.names).get(callee.text) : undefined;
    const how = own ?? (imported?.kind === 'swallowing-manager' ? imported.how : undefined);
    // A manager that files the failure under an attribute this file reads back (`cm.notes`) hands it on.
    const keeps = own ? (managerKeeps.get(ctx.root)?.get(callee.text) ?? []) : imported?.kind === 'swallowing-manager' ? (imported.keeps ?? []) : [];
    if (how && readsKeptAttribute(ctx.root, keeps)) continue;
    if (how) return { display: call!.text.length > 40 ? `${callee.text}(...)` : call!.text, how };
  }
  return undefined;
}

/** Per file: module-level context managers that swallow what their block raises, by name, with how they do it. */
const swallowingManagersCache = new WeakMap<Node, Map<string, string>>();
/** Per file: the attributes a swallowing manager files the failure under (`self.notes`), by manager name. */
const managerKeeps = new WeakMap<Node, Map<string, string[]>>();

/**
 * Context managers the file defines that swallow every failure of their block: a class whose `__exit__`
 * (`__aexit__`) ends in `return True` (any truthy literal) without looking at the exception it is given
 * (a manager that filters by type or records the exception handles it), and a `@contextmanager` generator
 * whose `yield` sits in a `try` whose handler drops an AssertionError (`except AssertionError: pass`).
 */
function swallowingManagers(root: Node, names: NameResolver): Map<string, string> {
  let found = swallowingManagersCache.get(root);
  if (found) return found;
  found = new Map();
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    const name = def.childForFieldName('name')?.text;
    if (!name) continue;
    if (def.type === 'class_definition') {
      for (const member of def.childForFieldName('body')?.namedChildren ?? []) {
        const method = definitionOf(member);
        const keeps: string[] = [];
        if (method.type === 'function_definition' && /^__a?exit__$/.test(functionName(method)) && exitSwallows(method, def, keeps)) {
          found.set(name, `\`${name}.${functionName(method)}\` returns a true value`);
          if (keeps.length) managerKeeps.set(root, (managerKeeps.get(root) ?? new Map()).set(name, keeps));
        }
      }
    } else if (def.type === 'function_definition' && decoratorsOf(def).some((d) => /(^|\.)(async)?contextmanager$/.test(dottedName(d) ?? ''))) {
      const label = yieldSwallowedBy(def, names);
      if (label) found.set(name, `its \`${label}\` around \`yield\` drops the failure`);
    } else if (def.type === 'function_definition') {
      const pushed = returnsSwallowingExitStack(def, names);
      if (pushed) found.set(name, `it returns an \`ExitStack\` whose pushed exit callback \`${pushed.length > 30 ? pushed.slice(0, 29) + '…' : pushed}\` returns a true value`);
    }
  }
  swallowingManagersCache.set(root, found);
  return found;
}

/** `def __exit__(self, *exc): return True`: ends by returning a truthy literal and reads the exception it is handed at most to show it. */
function exitSwallows(method: Node, cls: Node, keeps: string[]): boolean {
  const body = method.childForFieldName('body');
  const last = body?.namedChildren.filter((c) => c.type !== 'comment').pop();
  const value = last?.type === 'return_statement' ? last.namedChildren.find((c) => c.type !== 'comment') : undefined;
  // `return exc_type is not None and issubclass(exc_type, AssertionError)`: true exactly for failed checks.
  if (value && swallowsAssertionType(value, parameterNames(method)[1])) return true;
  if (!body || !value || literalTruth(value) !== true) return false;
  const exceptionParams = new Set(parameterNames(method).slice(1));
  let readsException = false;
  forEachInScope(body, (n) => {
    // Reads that only log or print it (`if exc_type is not None: log.warning("%s", exc)`) still drop it.
    if (n.type === 'identifier' && exceptionParams.has(n.text) && nameUse(n) === 'read' && !onlyShown(n, body)) {
      // Filed under `self.notes` that the class only prints: dropped too, unless a test reads `notes` back.
      const kept = keptOnlyToShow(n, method, cls, onlyShown);
      const guarded = kept ? undefined : guardsOnlyKeeping(n, method, cls, onlyShown, (stmt) => onlyReports(stmt));
      if (kept) keeps.push(kept);
      else if (guarded) keeps.push(...guarded);
      else readsException = true;
    }
    // `sys.exc_info()` is the exception too.
    if (n.type === 'call' && /exc_info$/.test(dottedName(n.childForFieldName('function')) ?? '')) readsException = true;
    return !readsException;
  });
  return !readsException;
}

/** The `except` of a `@contextmanager` generator that drops the failure raised at its `yield`, as written (`except AssertionError:`). */
function yieldSwallowedBy(fn: Node, names: NameResolver): string | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  let label: string | undefined;
  forEachInScope(body, (n) => {
    if (label) return false;
    if (n.type !== 'try_statement') return true;
    const tryBody = n.childForFieldName('body');
    let yields = false;
    if (tryBody) {
      forEachInScope(tryBody, (y) => {
        if (y.type === 'yield') yields = true;
        return !yields;
      });
    }
    if (!yields) return true;
    for (const c of n.namedChildren) {
      if (c.type !== 'except_clause') continue;
      const types = caughtTypes(c);
      if (catchKind(types) === 'none') continue;
      const verdict = judgeHandler(c.namedChildren.find((b) => b.type === 'block'), names);
      if (verdict.kind === 'swallow' && !verdict.flags && !raisesAfter(n, fn)) label = catchLabel(c);
      break;
    }
    return !label;
  });
  return label;
}

const RAISES = new Set(['raises', 'assertRaises']);

/**
 * `with pytest.raises(Exception):` / `with self.assertRaises(AssertionError):` around an `assert` statement:
 * the failure of the assertion is what the block expects, so the test passes exactly when the check fails
 * (or anything raises). Returns the context manager's text and whether it catches broadly.
 */
function expectedFailureOf(withStmt: Node, ctx: RuleContext): { display: string; broad: boolean } | undefined {
  const clause = withStmt.namedChildren.find((c) => c.type === 'with_clause');
  for (const item of clause?.namedChildren ?? []) {
    let value = item.type === 'with_item' ? item.childForFieldName('value') : null;
    if (value?.type === 'as_pattern') value = value.namedChild(0);
    const call = value ? unparen(value) : undefined;
    if (call?.type !== 'call') continue;
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute' || !RAISES.has(fn.childForFieldName('attribute')?.text ?? '')) continue;
    const q = ctx.names.qualify(fn) ?? dottedName(fn) ?? '';
    if (!/^(pytest\.raises|(self|cls)\.assertRaises)$/.test(q)) continue;
    const first = callArguments(call).positional[0];
    const types = first ? (unparen(first).type === 'tuple' ? unparen(first).namedChildren : [first]).map((t) => (dottedName(t) ?? '').replace(/^.*\./, '')) : [];
    const broad = types.some((t) => BROAD_CATCHERS.has(t));
    if (broad || types.includes('AssertionError')) return { display: call.text.split('\n')[0]!.trim(), broad };
  }
  return undefined;
}

/** A value written out in full: a number, string, bool or None, or a tuple/list/set/dict of them. */
function isLiteralValue(n: Node, depth = 0): boolean {
  const v = unparen(n);
  if (['integer', 'float', 'string', 'concatenated_string', 'true', 'false', 'none'].includes(v.type)) return true;
  if (v.type === 'unary_operator') return isLiteralValue(v.childForFieldName('argument') ?? v.namedChild(0)!, depth);
  if (depth < 3 && ['tuple', 'list', 'set', 'dictionary', 'pair'].includes(v.type)) return v.namedChildren.every((c) => c.type === 'comment' || isLiteralValue(c, depth + 1));
  return false;
}

/**
 * `x == 5` where one side is a literal and the other the result of a call of code (`mean(data)`, or a name the test
 * binds to one): the call of what is being tested, not of an assertion helper, a builtin or a function of the file.
 */
function callEqualsLiteral(ctx: RuleContext, left: Node | undefined, right: Node | undefined, test: Node): boolean {
  if (!left || !right) return false;
  const [value, literal] = isLiteralValue(right) ? [unparen(left), right] : [unparen(right), left];
  if (!isLiteralValue(literal)) return false;
  let call: Node | undefined = value.type === 'call' ? value : undefined;
  if (value.type === 'identifier') {
    const bound = localAssignments(test).get(value.text);
    const only = bound?.length === 1 ? unparen(bound[0]!) : undefined;
    call = only?.type === 'call' ? only : undefined;
  }
  if (!call) return false;
  const name = calleeLastName(call);
  if (!name || /^(assert|check|verify|expect|validate|ensure|require|is_?valid)/i.test(name) || definesFunction(ctx.root, name)) return false;
  return !(ctx.names.callee(call) ?? '').startsWith('builtins.');
}

/**
 * `with pytest.raises(AssertionError): assert mean(data) == 5` in a test with no other check: every assertion the
 * block expects to fail compares a call of the code with a written-out answer, so the test passes only when the code
 * gets it wrong (and a right answer fails it). A test named for a rejection (`test_mean_rejects_empty`: the call may
 * raise AssertionError itself) stays info.
 */
function requiresWrongAnswer(ctx: RuleContext, withStmt: Node, body: Node, asserts: Node[]): boolean {
  const test = nearestFunction(withStmt);
  const testBody = test?.childForFieldName('body');
  if (!test || !testBody || !isTestFunction(test) || expectsRejection(withStmt, body)) return false;
  // A test of the assertion API or a check helper (`test_assert_helper_itself`) expects the assertion to fail.
  if (identifierWords(functionName(test)).some((w) => ASSERTION_API_WORDS.test(w))) return false;
  const compares = (a: Node) => {
    if (a.type === 'assert_statement') {
      const cond = unparen(a.namedChildren.find((c) => c.type !== 'comment') ?? a);
      return cond.type === 'comparison_operator' && comparisonOperator(cond) === '==' && cond.namedChildren.length === 2 && callEqualsLiteral(ctx, cond.namedChild(0)!, cond.namedChild(1)!, test);
    }
    const args = callArguments(a).positional;
    return /^assertEquals?$/.test(calleeLastName(a) ?? '') && args.length === 2 && callEqualsLiteral(ctx, args[0], args[1], test);
  };
  if (!asserts.every(compares)) return false;
  // Any other check of the test (an assertion, another `pytest.raises`) outside this block.
  let other = false;
  forEachInScope(testBody, (n) => {
    if (other || n.id === withStmt.id) return false;
    if (isAssertion(n, ctx.names) || (n.type === 'call' && isCheckingCall(n, ctx.names))) other = true;
    return !other;
  });
  return !other;
}

/** The assertion's condition reads a name (a value computed by the test), not only literals. */
function readsValues(assertStmt: Node): boolean {
  const cond = assertStmt.namedChildren.find((c) => c.type !== 'comment');
  return !!cond && (cond.type === 'identifier' || identifiersIn(cond).size > 0);
}

/**
 * `assert is_valid_xml("<a>foo")`, or `async with Cluster(...) as cluster: assert cluster`, in a block that expects
 * an exception: the assertion is only how the call expected to raise is written (the call raises before the
 * assert can fail), not a check of a value computed before the block (`assert x == 2`, `assert result == expected`).
 */
function assertsCallResult(assertStmt: Node, boundToCalls: () => Set<string>): boolean {
  const cond = assertStmt.namedChildren.find((c) => c.type !== 'comment');
  if (!cond) return false;
  const value = unparen(cond.type === 'await' ? cond.namedChild(0) ?? cond : cond);
  if (value.type === 'call') return true;
  return value.type === 'identifier' && boundToCalls().has(value.text);
}

/** Words of a test name that say it tests assertions or check helpers themselves. */
const ASSERTION_API_WORDS = /^(asserts?|assertions?|assert\w+|helpers?|matchers?|checkers?|comparators?)$/i;

/** Words of a test name that say the test expects the code to refuse something (`test_parse_rejects_garbage`). */
const REJECTION_WORDS = /^(rejects?|rejected|invalid|bad|garbage|malformed|bogus|broken|corrupt(ed)?|wrong|illegal|errors?|raises?|raising|throws?|exceptions?|fails?|failure|failing|unimplemented|unsupported|unknown|missing|refuses?)$/;

/**
 * The test shows that it expects the call in a `pytest.raises(Exception)` block to be refused: its name says so
 * (`test_parse_rejects_garbage`, `test_unimplemented_options`), or it also checks the same callee outside the block
 * (`assert is_valid_xml("<a>foo</a>")` before `with ...: assert is_valid_xml("<a>foo")`). Otherwise a success test
 * wrapped in "expect an exception" (`with pytest.raises(Exception): assert parse(valid_doc)`) is inverted.
 */
function expectsRejection(withStmt: Node, body: Node): boolean {
  const test = nearestFunction(withStmt);
  if (!test) return true;
  if (identifierWords(functionName(test)).some((w) => REJECTION_WORDS.test(w))) return true;
  const callees = new Set(body.descendantsOfType('call').map((c) => (c ? calleeLastName(c) : undefined)).filter(Boolean));
  return (test.childForFieldName('body')?.descendantsOfType('assert_statement') ?? []).some(
    (a) => !!a && !(a.startIndex >= body.startIndex && a.endIndex <= body.endIndex) && a.descendantsOfType('call').some((c) => !!c && callees.has(calleeLastName(c))),
  );
}

/** Names a block binds to the result of a call: `x = f(...)`, `x = await f(...)`, `with f(...) as x`. */
function boundToCallIn(body: Node): Set<string> {
  const out = new Set<string>();
  const isCall = (n: Node | null) => {
    const v = n ? unparen(n) : null;
    return v?.type === 'call' || (v?.type === 'await' && unparen(v.namedChild(0) ?? v).type === 'call');
  };
  for (const a of body.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    if (a && left?.type === 'identifier' && isCall(a.childForFieldName('right'))) out.add(left.text);
  }
  for (const p of body.descendantsOfType('as_pattern')) {
    const target = p?.childForFieldName('alias') ?? p?.namedChildren.find((c) => c.type === 'as_pattern_target');
    if (p && p.parent?.type === 'with_item' && target && isCall(p.namedChild(0))) out.add(target.text);
  }
  return out;
}

/**
 * unittest's own assertion methods: called on `self`, they are the test's check, not a helper under test
 * (unless the file defines a method of that name, or the test is named for it).
 */
const UNITTEST_ASSERTS = new Set([
  'assertEqual', 'assertEquals', 'assertNotEqual', 'assertNotEquals', 'assertTrue', 'assertFalse', 'assert_', 'assertIs', 'assertIsNot',
  'assertIsNone', 'assertIsNotNone', 'assertIn', 'assertNotIn', 'assertIsInstance', 'assertNotIsInstance', 'assertAlmostEqual',
  'assertAlmostEquals', 'assertNotAlmostEqual', 'assertGreater', 'assertGreaterEqual', 'assertLess', 'assertLessEqual', 'assertRegex',
  'assertNotRegex', 'assertRegexpMatches', 'assertCountEqual', 'assertItemsEqual', 'assertMultiLineEqual', 'assertSequenceEqual',
  'assertListEqual', 'assertTupleEqual', 'assertSetEqual', 'assertDictEqual', 'assertDictContainsSubset', 'failUnless', 'failIf',
  'failUnlessEqual', 'failIfEqual', 'failUnlessAlmostEqual',
]);

/** Per file: the names of the functions it defines (a class overriding `assertEqual` tests its own method). */
const definedFunctionNames = new WeakMap<Node, Set<string>>();
function definesFunction(root: Node, name: string): boolean {
  let names = definedFunctionNames.get(root);
  if (!names) {
    names = new Set(root.descendantsOfType('function_definition').map((d) => (d ? functionName(d) : '')));
    definedFunctionNames.set(root, names);
  }
  return names.has(name);
}

/**
 * `self.assertEqual` (the callee of a call, or passed as the callable) names unittest's own assertion method,
 * used as the test's check: the file does not define a method of that name and the test is not named for it.
 */
function isOwnUnittestAssert(ctx: RuleContext, method: Node, call: Node): boolean {
  if (method.type !== 'attribute' || method.childForFieldName('object')?.text !== 'self') return false;
  const name = method.childForFieldName('attribute')?.text ?? '';
  if (!UNITTEST_ASSERTS.has(name) || definesFunction(ctx.root, name)) return false;
  const test = nearestFunction(call);
  return !test || !testsAssertionNamed(test, name);
}

/** Some argument reads a name or calls something (a computed value), so the assertion is not one of literals. */
function argumentsReadValues(args: Node[]): boolean {
  return args.some((a) => a.type === 'identifier' || identifiersIn(a).size > 0);
}

/**
 * `self.assertEqual(total(items), 5)` as a statement of the `with` body, before anything else runs in it: the
 * test's own check on computed values (not the `as` target), whose failure the block expects.
 */
function ownAssertCallsIn(ctx: RuleContext, withStmt: Node, body: Node): Node[] {
  const target = withStmt.namedChildren.find((c) => c.type === 'with_clause')?.descendantsOfType('as_pattern_target')[0]?.text;
  const out: Node[] = [];
  for (const stmt of body.namedChildren) {
    if (stmt.type === 'comment') continue;
    const call = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
    // Anything else may be what raises (`cleanup()` then a check of the exception): the assertions after it may never run.
    if (!call || !fn || !isOwnUnittestAssert(ctx, fn, call)) break;
    const args = callArguments(call).positional;
    if (argumentsReadValues(args) && !(target && args.some((a) => identifiersIn(a).has(target)))) out.push(call);
  }
  return out;
}

function checkExpectedFailure(ctx: RuleContext, withStmt: Node): void {
  const expected = expectedFailureOf(withStmt, ctx);
  const body = withStmt.childForFieldName('body');
  if (!expected || !body) return;
  // Assertion calls inside are usually the assertion helper under test (`assert_sorted([2, 1])`); `assert` statements and
  // unittest's own `self.assertEqual(...)` are the test's own check.
  // An assert of literals (`assert 1 == 2`) tests the assert statement itself.
  const statements = assertionsIn(body, ctx.names).filter((a) => a.type === 'assert_statement' && !isExplicitFailure(a) && readsValues(a));
  const asserts = [...statements, ...ownAssertCallsIn(ctx, withStmt, body)].sort((a, b) => a.startIndex - b.startIndex);
  if (!asserts.length) return;
  // The names the block binds to calls, worked out once for all its asserts, and only if one needs them.
  let bound: Set<string> | undefined;
  const boundToCalls = () => (bound ??= boundToCallIn(body));
  if (expected.broad && asserts.every((a) => a.type === 'assert_statement' && assertsCallResult(a, boundToCalls)) && expectsRejection(withStmt, body)) {
    ctx.report({
      node: withStmt,
      message: `\`with ${expected.display}\` around ${describeAssertions(asserts)}: the call is probably what is expected to raise, but the block also passes when it returns a false value; name the exception the call raises, and call it without \`assert\`.`,
      severity: 'info',
      related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion that carries the call' })),
    });
    return;
  }
  if (!expected.broad && requiresWrongAnswer(ctx, withStmt, body, asserts)) {
    ctx.report({
      node: withStmt,
      message: `\`with ${expected.display}\` requires ${describeAssertions(asserts)} to fail, and ${where(withStmt)} checks nothing else: it passes only when the code gives a different answer than the one written, and fails when the code is right.`,
      severity: 'warning',
      related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion whose failure is required' })),
    });
    return;
  }
  ctx.report({
    node: withStmt,
    message: expected.broad
      ? `\`with ${expected.display}\` catches the AssertionError of ${describeAssertions(asserts)}: ${where(withStmt)} passes when the assertion fails (or anything raises) and fails only when it holds.`
      : `\`with ${expected.display}\` expects ${describeAssertions(asserts)} to fail: the check is inverted; write the negated condition (\`assert not ...\`) if that is the intent.`,
    severity: expected.broad ? 'warning' : 'info',
    related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion whose failure is expected' })),
  });
}

/**
 * The callable form, `self.assertRaises(Exception, self.assertEqual, parse("1d"), 86400)` or
 * `pytest.raises(AssertionError, self.assertTrue, ok)`: the arguments are computed before the call, so the only
 * failure expected is that of the test's own assertion; the check is inverted (`info`, whatever the type).
 */
function checkCallableExpectedFailure(ctx: RuleContext, call: Node): void {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || !RAISES.has(fn.childForFieldName('attribute')?.text ?? '')) return;
  const [types, callable, ...args] = callArguments(call).positional;
  if (!types || !callable || !isOwnUnittestAssert(ctx, unparen(callable), call) || !argumentsReadValues(args)) return;
  const q = ctx.names.qualify(fn) ?? dottedName(fn) ?? '';
  if (!/^(pytest\.raises|(self|cls)\.assertRaises)$/.test(q)) return;
  const caught = (unparen(types).type === 'tuple' ? unparen(types).namedChildren : [types]).map((t) => (dottedName(t) ?? '').replace(/^.*\./, ''));
  if (!caught.some((t) => t === 'AssertionError' || BROAD_CATCHERS.has(t))) return;
  const shown = call.text.length > 80 ? `${call.text.slice(0, 77).split('\n')[0]}...` : call.text.split('\n')[0];
  ctx.report({
    node: call,
    message: `\`${shown}\` expects \`${unparen(callable).text}(...)\` to fail: the check is inverted; call the assertion directly, or assert the negated condition if that is the intent.`,
    severity: 'info',
  });
}

function checkWith(ctx: RuleContext, withStmt: Node, mentionsExitStack: boolean): void {
  checkExpectedFailure(ctx, withStmt);
  const suppress = suppressedKinds(withStmt, ctx.names);
  if (!suppress) {
    checkLocalManager(ctx, withStmt);
    if (mentionsExitStack) checkInlineExitStack(ctx, withStmt);
    return;
  }
  const body = withStmt.childForFieldName('body');
  if (!body) return;
  const asserts = assertionsIn(body, ctx.names);
  if (!asserts.length || inCleanup(withStmt)) return;
  ctx.report({
    node: withStmt,
    message: `\`with ${suppress}\` swallows the failure of ${describeAssertions(asserts)}: ${where(withStmt)} passes whether or not the assertion holds.`,
    severity: inRetryLoop(withStmt) ? 'info' : 'warning',
    related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion whose failure is swallowed' })),
  });
}

/** `with ExitStack() as es: es.push(lambda *exc: True); assert ...`: the checks after the push are swallowed. */
function checkInlineExitStack(ctx: RuleContext, withStmt: Node): void {
  const entry = inlineSwallowingEntry(withStmt, ctx.names, (call) => suppressCallKinds(call, ctx.names));
  const body = withStmt.childForFieldName('body');
  if (!entry || !body) return;
  const asserts = assertionsIn(body, ctx.names).filter((a) => a.startIndex >= entry.call.endIndex);
  if (!asserts.length || inCleanup(withStmt)) return;
  ctx.report({
    node: entry.call,
    message: `${entry.how[0]!.toUpperCase()}${entry.how.slice(1)}, so the \`with\` block drops the failure of ${describeAssertions(asserts)}: ${where(withStmt)} passes whether or not the assertion holds.`,
    severity: inRetryLoop(withStmt) ? 'info' : 'warning',
    related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion whose failure is swallowed' })),
  });
}

/** `with lenient(): assert ...` where the file's own context manager swallows every failure of its block. */
function checkLocalManager(ctx: RuleContext, withStmt: Node): void {
  const manager = localSwallowingManager(withStmt, ctx);
  const body = withStmt.childForFieldName('body');
  if (!manager || !body) return;
  const asserts = assertionsIn(body, ctx.names);
  if (!asserts.length || inCleanup(withStmt)) return;
  ctx.report({
    node: withStmt,
    message: `\`with ${manager.display}\` swallows the failure of ${describeAssertions(asserts)} (${manager.how}): ${where(withStmt)} passes whether or not the assertion holds.`,
    severity: inRetryLoop(withStmt) ? 'info' : 'warning',
    related: asserts.slice(0, 5).map((a) => ({ node: a, message: 'assertion whose failure is swallowed' })),
  });
}

export const swallowedAssertion: Rule = {
  meta: {
    code: 'RH402',
    name: 'swallowed-assertion',
    family: 'RH4',
    defaultSeverity: 'warning',
    severityByRole: { test: 'warning', 'test-infrastructure': 'warning', 'code-under-test': 'off', 'entry-point': 'off' },
    docs: {
      summary: 'Finds assertions whose failure is caught and dropped (`try: assert ... except AssertionError: pass`, `contextlib.suppress(AssertionError)`, `try: assert ... finally: return`) or expected (`with pytest.raises(Exception): assert ...`).',
      why:
        'An `assert` inside `try` with a handler that catches `AssertionError` (or `Exception`, or everything) and does nothing ' +
        'cannot fail the test: the failure is raised, caught and forgotten, and the run reports a pass. Turning the failure into ' +
        '`pytest.skip()` hides it the same way, and so does a `return` (or `break`/`continue`) in `finally:`, which discards the ' +
        'exception in flight, or a decorator whose wrapper catches what the decorated test raises ' +
        '(`def tolerant(fn): ... try: return fn(*args) except AssertionError: return None`), whether the test file defines it or imports it ' +
        'from a helper module. A handler whose only check cannot fail (`except AssertionError: assert True`, ' +
        '`except AssertionError as e: assert e is not None`) or that only sets a flag nothing reads (`failed = True`) or collects the failure in a list that is only printed or logged (`failures.append(e)`, then `print(failures)`) drops the failure as well, and ' +
        '`with pytest.raises(Exception):` around the test\'s own `assert` turns it around: the test passes when the check fails. ' +
        'A context manager of the test file that swallows its block\'s failure (a class whose `__exit__` returns `True`, also after only logging or printing the exception, a `@contextmanager` whose `except AssertionError: pass` surrounds its `yield`) is `contextlib.suppress` under another name, and so is the file\'s thin wrapper that hands its arguments to it (`def tolerate(*excs): return suppress(*excs)`). ' +
        'The caught types may sit in a name bound once to a tuple (`_BENIGN = (ArithmeticError, AssertionError)`, then `suppress(*_BENIGN)`, `except _BENIGN:` or `except (*_BENIGN, KeyError):`).' +
        ' A nested checker handed out by a soft-assertion fixture (`def _expect(cond): try: assert cond` / `except AssertionError as e: failures.append(e)`) records into the fixture\'s list: the fixture is where it must be checked, and `request.node.user_properties.append(...)` only reports it.',
      example: 'def test_total():\n    try:\n        assert total([1, 2]) == 3\n    except AssertionError:\n        pass\n',
      instead: 'Let the assertion fail. If a step is expected to fail, use `pytest.raises(AssertionError)` or `try/except/else: self.fail(...)`; if a check is flaky, fix or mark it (`pytest.mark.xfail(strict=True)`) explicitly.',
      lookAlikes: [
        'An `ExitStack` opened in the test whose callbacks clean up, log or filter by type, or that enters `suppress(FileNotFoundError)`, and a swallowing callback pushed only after the checks, stay quiet.',
        'A context manager of a test helper module that drops its block\'s assertion failures (a generator catching `AssertionError` around `yield`, an `__exit__` returning `True` or `issubclass(exc_type, AssertionError)`) counts where a test imports and uses it; one that re-raises with a better message, or swallows only the exception a test expects (`issubclass(exc_type, KeyError)`), stays quiet.',
        '`try: ... except AssertionError: pass else: self.fail(...)` (testing that an assertion fails) stays quiet, and so does a failure inside the try that the handler lets through (`try: assert_close(a, b); pytest.fail("accepted") except AssertionError: pass`: `pytest.fail()` raises `Failed`, which neither `except AssertionError` nor `except Exception` catches; `raise RuntimeError(...)` under `except AssertionError`). `self.fail()` there raises an AssertionError and is swallowed with the rest.',
        'A test named for the assertion method whose failure it catches (`test_assertNoResultConsumesFailure` around `self.assertNoResult(d)`) tests that method\'s behaviour on failure and stays quiet.',
        'Handlers that re-raise, fail, assert on the exception, record it or return a value stay quiet; so does a flag the test reads later (`failed = True`, then `assert not failed`), on `self`, or through `global`, and a list of collected failures that the test asserts empty, raises from, hands to `pytest.fail()`, returns or passes on (`failures.append(e)`, then `assert not failures`); a list the test does not bind itself (a fixture parameter, a module list) may be checked elsewhere and stays quiet too. Reads that only print or log the list (`print(failures)`, `if errors: log.warning(...)`, `summary = "\\n".join(...)` then `print(summary)`) do not check it.',
        'Expected-failure decorators whose wrapper raises when the test passes (`except AssertionError: return`, then `raise AssertionError("passed unexpectedly")`) stay quiet. A helper module\'s decorator is reported only when it names AssertionError and drops it outright (not a retry, a skip or a broad `except Exception`) and the module does not apply it to its own helpers.',
        'Cleanup code (`tearDown`, `cleanup*`, `finally:` blocks) stays quiet; a `finally:` that ends normally, or whose `break`/`continue` belongs to a loop inside it, does not hide a failure. A `return` in `finally:` under a condition is `info`.',
        '`with pytest.raises(AssertionError):` / `self.assertRaises(AssertionError)` around an assertion helper (`assert_sorted(xs)`, `assert_allclose(a, b)`) or an assert of literals stay quiet; around the test\'s own `assert` on computed values, or unittest\'s own `self.assertEqual(...)` as the first statements of the block, it is an inverted check (`info`; a warning when it is the test\'s only check and compares a call of the code with a written-out answer, `with pytest.raises(AssertionError): assert mean(data) == 5`, which passes only when the code gets it wrong; not when the test is named for a rejection or for assertions or check helpers themselves, `test_assert_helper_itself`, or the call is `len()` or a function of the file), and so is the callable form `self.assertRaises(AssertionError, self.assertEqual, f(x), y)`; a test named for the assertion method (`test_assertIn_fails`), a file that defines a method of that name, and checks after the call that raises (`cleanup(); self.assertEqual(cm, ...)`) stay quiet; `pytest.raises(ValueError)` around an `assert` stays quiet. `pytest.raises(Exception)` around an `assert` whose operand is the call expected to raise, or what a call in the block built (`assert is_valid_xml("<a>")`, `async with Cluster(...) as c: assert c`), is `info` when the test shows it expects a rejection (its name says so: `test_parse_rejects_garbage`, `test_unimplemented_options`; or it also asserts the same callee outside the block); otherwise (`def test_parse_nested(): with pytest.raises(Exception): assert parse(valid_doc)`) it is a success test inverted, a warning; a comparison, a negation or a value computed before the block stays a warning.',
        'A name holding a tuple of unrelated errors (`_IO = (OSError, KeyError)`), a name bound more than once or patched by name (`monkeypatch.setattr(mod, "_BENIGN", ...)`), and a wrapper that does more than hand its arguments to `suppress` are not read as swallowing assertion failures.',
        'Handlers whose assertions check the caught failure (`assert "not sorted" in str(exc)`) stay quiet.',
        'Context managers of the file that let failures through stay quiet: an `__exit__` that returns `False`, filters by type (`return issubclass(exc_type, KeyError)`) or reads the exception it is given for anything but logging or printing it (a recorder whose errors the test asserts on later); a manager defined in another module (imported) is not judged, and a `@contextmanager` whose handler re-raises or catches something else; a swallowing manager around code without assertions is not reported.',
        'Retry loops (a loop that leaves on success with `break`/`return`, sleeps between attempts, or counts attempts or time: `for attempt in range(3)`, `while time.monotonic() < deadline`) and `try: f(); self.fail() except Exception: pass` (an "expect an exception" check whose broad handler also swallows the failure) are `info`. A retry *decorator* whose attempts can all fail and whose wrapper then returns normally (no raise after the loop, no last unguarded call of the test, a `for` loop or a `while` on a condition) is a warning: a test that always fails passes after its last attempt; one that re-raises on the last attempt, raises after the loop (`for ... else: raise last`) or calls the test once more unguarded stays quiet, and so does a `while True` that waits until the test passes. A loop over test cases whose handler moves on (`continue`, `pass`, `print`) drops every failing case and stays a warning.',
        'A module-level helper that runs a check it is handed (`def eventually(check, attempts=20)`, called by the file\'s tests or exported from a helper module) and whose `except AssertionError:` drops the failure outright, or gives up quietly on the final attempt (`if attempt == attempts: return None`, or a loop that runs out with nothing raised or tried again after it), is a warning: every check handed to it passes. Re-raising on the last attempt, a last unguarded call after the loop, a raise after the loop, `while True` until it passes, a broad `except Exception` around a callback, and a helper installed rather than called (`TestCase._callTestMethod = _forgiving`, judged by RH302) stay quiet.',
        'A try block that raises its own exception (to leave a context manager) under a broad handler, and an assertion used as an environment probe whose failure becomes a skip with an environment reason ("the filesystem lacks short names"), are `info`. A reason that only says "known issue" (no number, tracker key or URL) or "flaky" (also "flaky on CI", "intermittent") names no environment and keeps the warning; "known issue #1234", "flaky on Windows" or an issue URL is `info`.',
        'Code under test is not checked (a validation helper that turns an `AssertionError` into `False` is not a test).',
      ],
    },
  },
  create(ctx) {
    if (ctx.role !== 'test' && ctx.role !== 'test-infrastructure') return {};
    // Tests elsewhere in the project that run their checks under this file's swallowing managers.
    if (/contextmanager|__a?exit__|ExitStack/.test(ctx.source)) for (const [name, how] of swallowingManagers(ctx.root, ctx.names)) ctx.exportFact(name, { kind: 'swallowing-manager', how, keeps: managerKeeps.get(ctx.root)?.get(name) });
    // Asked once per file, not per `with` (test files hold thousands of them).
    const mentionsExitStack = ctx.source.includes('ExitStack');
    return {
      try_statement(node) {
        checkTry(ctx, node);
        checkFinally(ctx, node);
      },
      with_statement(node) {
        checkWith(ctx, node, mentionsExitStack);
      },
      ...whenMentioned(ctx, /\b(assertRaises|raises)\b/, () => ({
        call(node: Node) {
          checkCallableExpectedFailure(ctx, node);
        },
      })),
    };
  },
};
