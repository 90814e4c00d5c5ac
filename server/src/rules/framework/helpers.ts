/**
 * Shared analysis for the RH3 (test-framework tampering) rules: recognising pytest hook implementations
 * and their wrapper style, the conditions that guard a statement ("gates") and what they require, whether
 * a hook actually runs the test, how an `except` handler treats the failure, rebinding targets
 * (assignment, `setattr`, `monkeypatch.setattr`, `mock.patch`, recognised by `engine/rebinding.ts`), and
 * the node collection RH301 and RH302 share (`collectThenCheck`).
 *
 * Everything here is iterative over the tree (forEachDescendant / forEachInScope), never JS-recursive on
 * statements; the only recursion is over boolean sub-expressions of one condition, which is shallow.
 */
import {
  baseExpressions,
  callArguments,
  decoratorsOf,
  definitionOf,
  dottedName,
  enclosingClass,
  enclosingFunctionScope,
  forEachDescendant,
  forEachInScope,
  functionName,
  lastNameOf,
  literalSumValue,
  localAssignments,
  moduleFunctionNamed,
  parameterNames,
  returnValue,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { constantTruth, returnedFunctions } from '../equality/helpers';
import { mayRebindCall, rebindingsAt, type RebindForm, type Rebinding as EngineRebinding } from '../../engine/rebinding';
import type { Listeners, RuleContext } from '../../engine/rule';
import type { Severity } from '../../engine/types';

// ---------------------------------------------------------------------------------------------------
// Hooks

export type HookStyle = 'old-wrapper' | 'new-wrapper' | 'plain';

/** Keyword `name=True` on a decorator call (`@pytest.hookimpl(hookwrapper=True)`). */
function decoratorFlag(dec: Node, name: string): boolean {
  const d = unparen(dec);
  if (d.type !== 'call') return false;
  const v = keywordValue(d, name);
  return !!v && unparen(v).type === 'true';
}

/**
 * A hook bound by assignment rather than by a def of its name: `pytest_x = lambda ...`,
 * `pytest_x = pytest.hookimpl(tryfirst=True)(lambda ...)`, `pytest_x = some_function` (a def of this file),
 * at module level or in a class body. `fn` is the lambda or def that runs as the hook; `decorators` are the
 * `hookimpl(...)` calls applied to it by hand, which decide its wrapper style like decorators would.
 */
export interface AssignedHook {
  hook: string;
  fn: Node;
  binding: Node;
  decorators: Node[];
}

/** Per file: the assigned hooks are asked for by all three rules. */
const assignedHooksByRoot = new WeakMap<Node, AssignedHook[]>();

/**
 * The hooks of the file bound by assignment (see `AssignedHook`). Only statements directly in the module
 * or in a top-level class body are looked at: a hook is registered from there, and this keeps it cheap.
 */
export function assignedHooks(root: Node): AssignedHook[] {
  const cached = assignedHooksByRoot.get(root);
  if (cached) return cached;
  const out: AssignedHook[] = [];
  assignedHooksByRoot.set(root, out);
  const scan = (block: Node, inClass: boolean) => {
    for (const stmt of block.namedChildren) {
      if (stmt.type === 'class_definition' && !inClass) {
        const body = stmt.childForFieldName('body');
        if (body) scan(body, true);
        continue;
      }
      const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
      if (a?.type !== 'assignment') continue;
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (left?.type !== 'identifier' || !left.text.startsWith('pytest_') || !right) continue;
      const decorators: Node[] = [];
      let v = unparen(right);
      // `hookimpl(...)(f)` (a decorator applied by hand), `staticmethod(f)`: look through to `f`.
      for (let i = 0; i < 3 && v.type === 'call'; i++) {
        const callee = unparen(v.childForFieldName('function')!);
        const first = callArguments(v).positional[0];
        if (!first) break;
        if (callee.type === 'call' && /(^|\.)hookimpl$/.test(dottedName(callee.childForFieldName('function')) ?? '')) decorators.push(callee);
        else if (!/^(staticmethod|classmethod)$/.test(dottedName(callee) ?? '')) break;
        v = unparen(first);
      }
      let fn: Node | undefined;
      if (v.type === 'lambda') fn = v;
      else if (v.type === 'identifier' && v.text !== left.text) {
        // A def of the module, or of the same class body (`pytest_x = _impl` beside `def _impl(self, ...)`).
        const name = v.text;
        fn = (inClass ? block.namedChildren.map(definitionOf).find((d) => d.type === 'function_definition' && functionName(d) === name) : undefined) ?? moduleFunctionNamed(root, name);
      }
      if (fn) out.push({ hook: left.text, fn, binding: a, decorators });
    }
  };
  scan(root, false);
  return out;
}

/**
 * Where a hook's own statements are: a def's body, or a lambda itself (its body is one expression, and
 * `forEachInScope` visits only what is below the node it is given).
 */
export function hookScope(fn: Node): Node | null {
  return fn.type === 'lambda' ? fn : fn.childForFieldName('body');
}

/**
 * The values a hook returns, as the nodes to report: a def's `return` statements with their values, or a
 * lambda's body. A conditional value is split into its branches (`("passed", ...) if rep.failed else None`),
 * so each is judged under its own condition (`gatesOf` sees the branch's test).
 */
export function returnedValues(fn: Node): { node: Node; value: Node | undefined; statement: Node }[] {
  const out: { node: Node; value: Node | undefined; statement: Node }[] = [];
  const split = (value: Node | undefined, node: Node, statement: Node) => {
    const u = value ? unparen(value) : undefined;
    if (u?.type === 'conditional_expression') {
      for (const branch of [u.namedChildren[0], u.namedChildren[2]]) if (branch) split(branch, branch, statement);
    } else out.push({ node, value: u, statement });
  };
  const body = fn.childForFieldName('body');
  if (!body) return out;
  if (fn.type === 'lambda') split(body, body, body);
  else forEachInScope(body, (n) => void (n.type === 'return_statement' && split(returnValue(n), n, n)));
  return out;
}

/**
 * The hook implementation style: old-style `hookwrapper=True` (or `@pytest.mark.hookwrapper`), new-style
 * `wrapper=True`, or a plain implementation. A generator hook without a recognisable decorator is
 * classified by how the value of its `yield` is used (`.get_result()` means old style).
 */
export function hookStyle(fn: Node, appliedDecorators: readonly Node[] = []): HookStyle {
  for (const dec of [...decoratorsOf(fn), ...appliedDecorators]) {
    if (decoratorFlag(dec, 'hookwrapper')) return 'old-wrapper';
    if (decoratorFlag(dec, 'wrapper')) return 'new-wrapper';
    const name = dottedName(unparen(dec).type === 'call' ? unparen(dec).childForFieldName('function') : dec) ?? '';
    if (/(^|\.)hookwrapper$/.test(name)) return 'old-wrapper';
  }
  if (!hasYield(fn)) return 'plain';
  let getResult = false;
  forEachInScope(fn.childForFieldName('body')!, (n) => {
    if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'get_result') getResult = true;
  });
  return getResult ? 'old-wrapper' : 'new-wrapper';
}

/**
 * The hook a def implements: its name, or the `specname=` of its `@hookimpl(...)` decorator
 * (`@pytest.hookimpl(specname="pytest_runtest_makereport")` on a def with any name).
 */
export function hookNameOf(fn: Node): string {
  for (const dec of decoratorsOf(fn)) {
    const d = unparen(dec);
    if (d.type !== 'call') continue;
    const spec = stringValue(keywordValue(d, 'specname'));
    if (spec) return spec;
  }
  return functionName(fn);
}

/**
 * `callArguments(call).keywords.get(name)` without taking every argument apart (decorators such as
 * `@pytest.mark.parametrize(...)` can have long argument lists): the last `name=value` wins, as there.
 */
export function keywordValue(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (!args || args.type === 'generator_expression') return undefined;
  let value: Node | undefined;
  for (const arg of args.namedChildren) {
    if (arg.type !== 'keyword_argument') continue;
    const v = arg.childForFieldName('value');
    if (v && arg.childForFieldName('name')?.text === name) value = v;
  }
  return value;
}

/**
 * A binding of one plain name: `name = value` or the walrus `(name := value)`, which binds the same way
 * (in the enclosing function, even from inside a comprehension) while its value is also used in place.
 */
export function nameBinding(n: Node): { name: Node; value: Node } | undefined {
  const isWalrus = n.type === 'named_expression';
  if (!isWalrus && n.type !== 'assignment') return undefined;
  const name = n.childForFieldName(isWalrus ? 'name' : 'left');
  const value = n.childForFieldName(isWalrus ? 'value' : 'right');
  return name?.type === 'identifier' && value ? { name, value } : undefined;
}

/** Per function: its bindings are asked for by several checks of a file (WeakMap: nothing outlives the tree). */
const bindingsByFunction = new WeakMap<Node, Map<string, Node[]>>();

/**
 * `localAssignments` plus the names `fn` binds by walrus (`if (mark := pytest.mark.skip()): ...`) or by
 * pairwise unpacking (`keep, drop = [], []`): values by name, in source order. Walruses are found through the type index, so files without any cost nothing.
 * Computed once per function; callers only read the map.
 */
export function localBindings(fn: Node): Map<string, Node[]> {
  const cached = bindingsByFunction.get(fn);
  if (cached) return cached;
  const out = localAssignments(fn);
  bindingsByFunction.set(fn, out);
  const body = fn.childForFieldName('body');
  if (!body) return out;
  const touched = new Set<string>();
  for (const w of body.descendantsOfType('named_expression')) {
    // A walrus binds in the nearest def or lambda; one in a class body or at module level is not `fn`'s.
    if (!w || enclosingFunctionScope(w)?.id !== fn.id) continue;
    const b = nameBinding(w);
    if (!b) continue;
    const list = out.get(b.name.text);
    if (list) list.push(b.value);
    else out.set(b.name.text, [b.value]);
    touched.add(b.name.text);
  }
  // Pairwise unpacking, `keep, drop = [], []`: each name gets its own value (found through the type index).
  for (const pattern of [...body.descendantsOfType('pattern_list'), ...body.descendantsOfType('tuple_pattern')]) {
    const a = pattern?.parent;
    if (!pattern || a?.type !== 'assignment' || a.childForFieldName('left')?.id !== pattern.id || enclosingFunctionScope(a)?.id !== fn.id) continue;
    const right = a.childForFieldName('right');
    const values = right && (right.type === 'expression_list' || right.type === 'tuple') ? right.namedChildren : [];
    const names = pattern.namedChildren;
    if (values.length !== names.length || !names.every((n) => n.type === 'identifier')) continue;
    names.forEach((name, i) => {
      const list = out.get(name.text);
      if (list) list.push(values[i]!);
      else out.set(name.text, [values[i]!]);
      touched.add(name.text);
    });
  }
  for (const name of touched) out.get(name)!.sort((a, b) => a.startIndex - b.startIndex);
  return out;
}

/** Module-level `NAME = "literal"` constants (also sums of literals), so `rep.outcome = PASSED` is seen as `"passed"`. */
export function moduleStringConstants(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const stmt of root.namedChildren) {
    if (stmt.type !== 'expression_statement') continue;
    const a = stmt.namedChild(0);
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    // `_OK = "pas" + "sed"` is the string Python joins.
    const v = right ? (stringValue(right) ?? literalSumValue(unparen(right))) : undefined;
    if (left?.type !== 'identifier') continue;
    if (seen.has(left.text) || v === undefined) out.delete(left.text);
    else out.set(left.text, v);
    seen.add(left.text);
  }
  return out;
}

/** `yield` / `yield from` in the function's own scope. */
function hasYield(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  let found = false;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type === 'yield') found = true;
    return true;
  });
  return found;
}

/** Parameters without a leading `self`/`cls` of a method. */
export function hookParameters(fn: Node): string[] {
  const params = parameterNames(fn);
  if (enclosingClass(fn) && params.length && (params[0] === 'self' || params[0] === 'cls')) return params.slice(1);
  return params;
}

/** True when `node` is inside any function (def or lambda) — not executed at import time. */
function insideFunction(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return true;
  return false;
}

/** Nearest enclosing def or lambda. */
export function enclosingCallable(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return p;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Whole-file passes

/** What RH301 and RH302 look at once the whole file has been seen, in source order. */
export interface CollectedNodes {
  defs: Node[];
  classes: Node[];
  assignments: Node[];
  calls: Node[];
}

/** Listeners that collect the file's defs, classes, assignments and calls and hand them to `check` at the end. */
export function collectThenCheck(check: (nodes: CollectedNodes) => void): Listeners {
  const nodes: CollectedNodes = { defs: [], classes: [], assignments: [], calls: [] };
  return {
    function_definition: (node) => void nodes.defs.push(node),
    class_definition: (node) => void nodes.classes.push(node),
    assignment: (node) => void nodes.assignments.push(node),
    call: (node) => void nodes.calls.push(node),
    'module:exit': () => check(nodes),
  };
}

// ---------------------------------------------------------------------------------------------------
// Severity by role

/**
 * The severity of a finding in this file. Test infrastructure, code under test and entry points get the
 * base severity. In a test file, code that runs at import (module level, class bodies) changes the whole
 * run and keeps the base severity; inside a test function, or a plugin class that is only active when a
 * test registers it (pytest's own test style), it is testing the framework: `info`. A plugin class of a
 * support module that defines no tests is the suite's own plugin and keeps the base severity.
 */
export function severityFor(ctx: RuleContext, node: Node, base: Severity, opts: { hookMethod?: boolean } = {}): Severity {
  const role = ctx.roleAt(node);
  if (role !== 'test') return base;
  if (opts.hookMethod) return supportPluginClass(ctx.root, node) ? base : 'info';
  return insideFunction(node) ? 'info' : base;
}

/** Per file: whether it defines tests (a top-level `test*` function, `Test*` class or `*TestCase` subclass). */
const testDefiningModules = new WeakMap<Node, boolean>();

function definesTests(root: Node): boolean {
  let out = testDefiningModules.get(root);
  if (out !== undefined) return out;
  out = false;
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    const name = def.childForFieldName('name')?.text ?? '';
    if (def.type === 'function_definition' && /^test/.test(name)) out = true;
    if (def.type === 'class_definition' && (/^Test/.test(name) || baseExpressions(def).some((b) => /(^|\.)\w*TestCase$/.test(dottedName(b) ?? '')))) out = true;
  }
  testDefiningModules.set(root, out);
  return out;
}

/**
 * A hook method of a module-level plugin class (not a test class: no `Test*` name, no `test*` methods) in a
 * test-folder module that defines no tests (`tests/support/terminal.py`): a support plugin the suite registers
 * (pluggy takes any `pytest_*` method, decorated or not), like a hookimpl class there. Plugin classes in test
 * modules or inside tests are pytest's own test style (registered by a test through pytester) and stay `info`.
 */
function supportPluginClass(root: Node, node: Node): boolean {
  let cls: Node | null = null;
  for (let p = node.parent; p; p = p.parent) if (p.type === 'class_definition') cls = p;
  if (!cls || definesTests(root)) return false;
  const stmt = cls.parent?.type === 'decorated_definition' ? cls.parent : cls;
  if (stmt.parent?.type !== 'module' || /^Test/.test(cls.childForFieldName('name')?.text ?? '')) return false;
  const body = cls.childForFieldName('body');
  return !(body?.namedChildren ?? []).some((m) => {
    const def = definitionOf(m);
    return def.type === 'function_definition' && /^test/.test(def.childForFieldName('name')?.text ?? '');
  });
}

/** Per file: whether it is a runner module named like a test (asked for at every finding of the file). */
const runnerModules = new WeakMap<Node, boolean>();
/** Classes whose subclasses run a test suite: Django's runners, unittest's `TextTestRunner` and its kin. */
const RUNNER_BASE = /(^|\.)(DiscoverRunner|DjangoTestSuiteRunner|\w*TestRunner)$/;

/**
 * A file that is a test by its name or folder (`myproject/test_runner.py`, `tests/runtests.py`) but defines no
 * test (no top-level `test*` function, `Test*` class or `TestCase` subclass) and does define or drive a runner
 * (a runner subclass, `run_suite(...)`, `TextTestRunner(...)`): it is the project's test runner, configuration
 * like `settings.TEST_RUNNER`, not a test exercising one. Its hacks change every run, so they keep the base severity.
 */
export function isRunnerModuleNamedLikeTest(ctx: RuleContext): boolean {
  const root = ctx.root;
  const cached = runnerModules.get(root);
  if (cached !== undefined) return cached;
  let runner = false;
  let tests = false;
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    const name = def.childForFieldName('name')?.text ?? '';
    if (def.type === 'function_definition' && /^test/.test(name)) tests = true;
    if (def.type !== 'class_definition') continue;
    const bases = (def.childForFieldName('superclasses')?.namedChildren ?? []).map((b) => dottedName(b) ?? '');
    if (/^Test/.test(name) || bases.some((b) => /(^|\.)\w*TestCase$/.test(b))) tests = true;
    if (bases.some((b) => RUNNER_BASE.test(b))) runner = true;
  }
  runner ||= /\.run_suite\s*\(|\b\w*TestRunner\s*\(/.test(ctx.source);
  const out = runner && !tests;
  runnerModules.set(root, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Gates: the conditions under which a statement runs

export interface Gate {
  cond: Node;
  /** True when the statement runs only if `cond` is truthy; false when only if it is falsy. */
  positive: boolean;
}

function endsWithExit(block: Node | null): boolean {
  if (!block) return false;
  const stmts = block.namedChildren.filter((c) => c.type !== 'comment');
  const last = stmts[stmts.length - 1];
  return !!last && ['return_statement', 'raise_statement', 'continue_statement', 'break_statement'].includes(last.type);
}

/**
 * The conditions guarding `node` inside `stop` (usually the function): enclosing `if`/`elif`/`else`
 * branches (earlier branches of the chain count as negated), `while` loops, and early-exit guards
 * before it in the same block (`if not rep.failed: return` makes what follows require `rep.failed`).
 */
export function gatesOf(node: Node, stop: Node): Gate[] {
  const gates: Gate[] = [];
  let child = node;
  for (let p = node.parent; p && p.id !== stop.id; child = p, p = p.parent) {
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      const consequence = p.childForFieldName('consequence');
      if (!cond) continue;
      if (consequence && consequence.id === child.id) {
        gates.push({ cond, positive: true });
      } else if (child.type === 'elif_clause' || child.type === 'else_clause') {
        gates.push({ cond, positive: false });
        for (const alt of p.childrenForFieldName('alternative')) {
          if (!alt || alt.id === child.id) break;
          const c = alt.type === 'elif_clause' ? alt.childForFieldName('condition') : null;
          if (c) gates.push({ cond: c, positive: false });
        }
      }
    } else if (p.type === 'elif_clause') {
      const cond = p.childForFieldName('condition');
      if (cond && p.childForFieldName('consequence')?.id === child.id) gates.push({ cond, positive: true });
    } else if (p.type === 'while_statement') {
      const cond = p.childForFieldName('condition');
      if (cond && p.childForFieldName('body')?.id === child.id) gates.push({ cond, positive: true });
    } else if (p.type === 'conditional_expression') {
      // `a if cond else b`: children are [a, cond, b].
      const [a, cond, b] = p.namedChildren;
      if (cond && a && a.id === child.id) gates.push({ cond, positive: true });
      else if (cond && b && b.id === child.id) gates.push({ cond, positive: false });
    } else if (p.type === 'boolean_operator') {
      // `a and b` evaluates `b` only when `a` is truthy, `a or b` only when it is falsy.
      const left = p.childForFieldName('left');
      const op = p.child(1)?.type;
      if (left && p.childForFieldName('right')?.id === child.id) gates.push({ cond: left, positive: op === 'and' });
    } else if (p.type === 'block' || p.type === 'module') {
      for (let s = child.previousNamedSibling; s; s = s.previousNamedSibling) {
        if (s.type !== 'if_statement' || s.childrenForFieldName('alternative').length > 0) continue;
        const cond = s.childForFieldName('condition');
        if (cond && endsWithExit(s.childForFieldName('consequence'))) gates.push({ cond, positive: false });
      }
    }
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') break;
  }
  return gates;
}

const NONE_LIKE = new Set(['none', 'false']);

/**
 * Does `cond` being `positive` (truthy/falsy) logically require an atom that satisfies `pred` to be
 * true? `a and b` requires what either requires; `a or b` only what both require; `not x` flips;
 * `x is None` / `x is not None` / `x == False` resolve to `x` with the right polarity. Only positive
 * requirements are reported: `not hasattr(rep, "wasxfail")` requires nothing about xfail.
 */
export function requires(cond: Node, positive: boolean, pred: (atom: Node) => boolean, depth = 0): boolean {
  // Conditions are shallow in real code; a pathological chain of thousands of `and`s is not worth a stack overflow.
  if (depth > 100) return false;
  const c = unparen(cond);
  if (c.type === 'not_operator') {
    const arg = c.childForFieldName('argument');
    return !!arg && requires(arg, !positive, pred, depth + 1);
  }
  if (c.type === 'boolean_operator') {
    const op = c.child(1)?.type;
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    if (!l || !r) return false;
    const isAnd = op === 'and';
    // (a and b) true, or (a or b) false: both hold. Otherwise only what both sides require.
    if (isAnd === positive) return requires(l, positive, pred, depth + 1) || requires(r, positive, pred, depth + 1);
    return requires(l, positive, pred, depth + 1) && requires(r, positive, pred, depth + 1);
  }
  if (c.type === 'comparison_operator' && c.namedChildCount === 2) {
    if (positive && pred(c)) return true;
    const ops = c.children.filter((x) => !x.isNamed).map((x) => x.type).join(' ');
    const [a, b] = c.namedChildren as [Node, Node];
    const other = NONE_LIKE.has(unparen(b).type) ? a : NONE_LIKE.has(unparen(a).type) ? b : undefined;
    if (other) {
      if (ops === 'is' || ops === '==') return requires(other, !positive, pred, depth + 1);
      if (ops === 'is not' || ops === '!=') return requires(other, positive, pred, depth + 1);
    }
    return false;
  }
  return positive && pred(c);
}

/** Does any gate require an atom satisfying `pred`? */
export function gatedBy(gates: Gate[], pred: (atom: Node) => boolean): boolean {
  return gates.some((g) => requires(g.cond, g.positive, pred));
}

/** Atom predicates. */
export const mentionsXfail = (atom: Node): boolean => /xfail/i.test(atom.text);
/** A skip *request* (an exception type or marker that asks for a skip), not a skipped report. */
export const mentionsSkipRequest = (atom: Node): boolean =>
  /\b(SkipTest|Skipped|SkipException)\b|\bskip\.Exception\b|["']skip(if)?["']/.test(atom.text);
export const mentionsPassed = (atom: Node): boolean =>
  /\.passed\b/.test(atom.text) || /outcome\s*==\s*["']passed["']/.test(atom.text) || /excinfo\s+is\s+None/.test(atom.text);
export const mentionsSkipped = (atom: Node): boolean => /\.skipped\b/.test(atom.text) || /outcome\s*==\s*["']skipped["']/.test(atom.text);
/** A gate that looks at a marker the test author put on the test (a custom opt-in, like a home-made xfail). */
export const mentionsMarker = (atom: Node): boolean => /get_closest_marker|iter_markers|\.keywords\b|own_markers/.test(atom.text);

/**
 * Extends an atom predicate through local variables: `marker = item.stash.get(XFAIL_KEY)` makes a gate
 * on `marker` count as a gate on xfail. One level deep, assignments in the function's own scope.
 */
export function throughLocals(fn: Node, pred: (atom: Node) => boolean): (atom: Node) => boolean {
  const defs = localBindings(fn);
  return (atom) => {
    if (pred(atom)) return true;
    const ids: Node[] = atom.type === 'identifier' ? [atom] : [];
    forEachDescendant(atom, (n) => void (n.type === 'identifier' && ids.push(n)));
    return ids.some((id) => {
      const p = id.parent;
      if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) return false;
      return (defs.get(id.text) ?? []).some((r) => r.type !== 'yield' && pred(r));
    });
  };
}

/** Human wording for what a forging statement is conditioned on. */
export function describeGates(gates: Gate[]): string {
  if (gates.length === 0) return 'unconditionally, for every test';
  if (gatedBy(gates, (a) => /\.failed\b|outcome\s*==\s*["']failed["']/.test(a.text))) return 'exactly when the test failed';
  if (gatedBy(gates, (a) => /isinstance|errisinstance|\btypename\b/.test(a.text))) return 'by exception type';
  if (gatedBy(gates, (a) => /\bexcinfo\b/.test(a.text))) return 'whenever the test raised';
  if (gates.every((g) => /\bwhen\b/.test(g.cond.text))) return 'for every test (its call phase), whatever happened';
  return 'on a condition that has nothing to do with xfail';
}

// ---------------------------------------------------------------------------------------------------
// Running the test

/** Callee names that run (part of) a test. */
const RUN_EXACT = new Set([
  'runtest', 'runtestprotocol', 'pytest_runtest_protocol', 'pytest_runtest_call', 'pytest_pyfunc_call', 'pytest_runtestloop',
  'call_and_report', 'call_runtest_hook', '_callTestMethod', 'runcall',
]);
const RUN_NAME = /^_?run_?(one_?|single_?)?(test|item)s?(_|$)|^_?run_?protocol|^_?(execute|invoke)_?(test|item)/i;
/** Callee names that, given the test item itself, plausibly run it (not logging or reporting it). */
const RUNNY = /run|call|exec|invoke|protocol|wrap|sync/i;
/** `from_*` builds an object from the item (`TestReport.from_item_and_call(item, call)`, `from_parent`): it runs nothing. */
const NOT_RUNNY = /log|report|warn|print|debug|info|mark|^(get|set|has|add)_?|^from_|hook_?name|nodeid|repr|str|format/i;
/** Callees that only inspect or print the test function they are given. */
const PASSIVE_ARG = /^(is\w*|callable|getattr|hasattr|signature|getsource\w*|getfile|getmodule|getdoc|id|type|repr|str|len|print|format)$|log|warn|debug|info|report/i;
/** Attributes of an item that are the test itself. */
const TEST_ATTRS = new Set(['obj', '_obj', 'function', 'runtest', '_testcase']);

function calleeName(call: Node): string {
  return lastNameOf(call.childForFieldName('function') ?? call);
}

/** `item.obj`, `item.function`, `getattr(item, "obj")`: the test itself. */
function isTestRef(n: Node, items: Set<string>, aliases: Set<string>): boolean {
  let u = unparen(n);
  // `pyfuncitem.obj.hypothesis.inner_test` and similar chains start from the test: walk down the chain.
  while (u.type === 'attribute') {
    const obj = unparen(u.childForFieldName('object')!);
    const attr = u.childForFieldName('attribute')?.text ?? '';
    if (TEST_ATTRS.has(attr) && obj.type === 'identifier' && items.has(obj.text)) return true;
    // `pyfuncitem.obj.__name__` is metadata about the test, not the test.
    if (/^__\w+__$/.test(attr)) return false;
    u = obj;
  }
  if (u.type === 'identifier') return aliases.has(u.text);
  if (u.type === 'call' && calleeName(u) === 'getattr') {
    const args = callArguments(u).positional;
    const attr = stringValue(args[1]);
    if (args[0] && attr && TEST_ATTRS.has(attr) && unparen(args[0]).type === 'identifier' && items.has(unparen(args[0]).text)) return true;
  }
  return false;
}

/**
 * `helper(item)` where `helper` is a function of the same file that runs the item it is given (its own
 * run evidence, two levels deep at most): a plugin that runs the test elsewhere (a forked process, a
 * thread) and logs the reports it gets back, such as pytest-forked's `forked_run_report(item)`.
 */
function runsThroughHelper(call: Node, arg: Node, depth: number): boolean {
  if (depth >= 2 || arg.type === 'keyword_argument') return false;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier') return false;
  const helper = moduleFunctionNamed(call.tree.rootNode, callee.text);
  if (!helper) return false;
  const position = call.childForFieldName('arguments')!.namedChildren.indexOf(arg);
  const param = helper.childForFieldName('parameters')?.namedChildren[position];
  const paramName = param?.type === 'identifier' ? param.text : param?.childForFieldName('name')?.text;
  return !!paramName && runEvidence(helper, [paramName], depth + 1).length > 0;
}

/**
 * Every call in `fn` (nested functions included) that is evidence of running the test: a running entry
 * point (`runtestprotocol`, `item.runtest()`, `ihook.pytest_runtest_protocol`...), calling or handing on
 * the test function (`pyfuncitem.obj(...)`, `testfunction = pyfuncitem.obj; testfunction(**args)`,
 * `loop.run_until_complete(pyfuncitem.obj(...))`, `wrap_in_sync(pyfuncitem.obj)`), or passing the item
 * itself to something that sounds like it runs it (not to logging or reporting).
 */
export function runEvidence(fn: Node, itemNames: string[], depth = 0): Node[] {
  const body = hookScope(fn);
  if (!body) return [];
  const items = new Set(itemNames);
  const aliases = new Set<string>();
  // Aliases of the test function: `testfunction = pyfuncitem.obj`, `f = functools.partial(pyfuncitem.obj, ...)`.
  forEachDescendant(body, (n) => {
    const b = nameBinding(n);
    if (!b) return;
    let derived = isTestRef(b.value, items, aliases);
    if (!derived && unparen(b.value).type === 'call') {
      for (const a of callArguments(unparen(b.value)).positional) if (isTestRef(a, items, aliases)) derived = true;
    }
    if (derived) aliases.add(b.name.text);
  });
  const out: Node[] = [];
  forEachDescendant(body, (n) => {
    if (n.type !== 'call') return true;
    const name = calleeName(n);
    const fnNode = n.childForFieldName('function');
    if (RUN_EXACT.has(name) || RUN_NAME.test(name)) out.push(n);
    else if (fnNode && isTestRef(fnNode, items, aliases)) out.push(n);
    else {
      const args = n.childForFieldName('arguments');
      for (const a of args?.namedChildren ?? []) {
        const v = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
        if (!v) continue;
        const u = unparen(v);
        const isItem = u.type === 'identifier' && items.has(u.text);
        if ((isTestRef(v, items, aliases) && !PASSIVE_ARG.test(name)) || (isItem && RUNNY.test(name) && !NOT_RUNNY.test(name)) || (isItem && runsThroughHelper(n, a, depth))) {
          out.push(n);
          break;
        }
      }
    }
    return true;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Return values

export type Truthiness = 'truthy' | 'falsy' | 'unknown';

export function truthiness(value: Node | null | undefined): Truthiness {
  if (!value) return 'falsy';
  const v = unparen(value);
  switch (v.type) {
    case 'none':
    case 'false':
      return 'falsy';
    case 'true':
      return 'truthy';
    case 'integer':
    case 'float':
      return /^0+(\.0*)?$|^0[xob]0+$/i.test(v.text.replace(/_/g, '')) ? 'falsy' : 'truthy';
    case 'string': {
      const s = stringValue(v);
      return s === undefined ? 'unknown' : s.length ? 'truthy' : 'falsy';
    }
    case 'not_operator': {
      const t = truthiness(v.childForFieldName('argument'));
      return t === 'truthy' ? 'falsy' : t === 'falsy' ? 'truthy' : 'unknown';
    }
    case 'tuple':
    case 'list':
    case 'dictionary':
    case 'set':
      return v.namedChildCount > 0 ? 'truthy' : 'falsy';
    case 'expression_list':
      return 'truthy';
    default:
      // `x or True`, `True or x`, `bool(y) or 1`, `1 if c else 2`: constant whatever the variables hold.
      return constantTruth(v);
  }
}

// ---------------------------------------------------------------------------------------------------
// Exception handlers

/** Exception types that include a failing assertion or `pytest.fail()`. */
const BROAD = /^(builtins\.)?(BaseException|Exception|AssertionError)$|(^|\.)(Failed|OutcomeException|fail\.Exception)$/;

export interface HandlerInfo {
  clause: Node;
  /** The caught type as written, or `''` for a bare `except:`. */
  caught: string;
  /** True when the handler catches test failures (bare, Exception, AssertionError, pytest's Failed). */
  broad: boolean;
  /** True when the handler catches `NotImplementedError`, what unfinished code under test raises. */
  unfinished: boolean;
  /** How the handler ends the failure: re-raises, converts it into a skip/xfail, or swallows it. */
  outcome: 'raises' | 'relabels' | 'swallows';
}

function caughtTypes(clause: Node): Node[] {
  let v = clause.childForFieldName('value');
  if (!v) {
    // Grammar variants: the type may be the first named child that is not the block.
    v = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment') ?? null;
  }
  if (!v) return [];
  if (v.type === 'as_pattern') v = v.namedChild(0);
  if (!v) return [];
  const u = unparen(v);
  return u.type === 'tuple' ? u.namedChildren : [u];
}

const RAISING_CALLS = /^(pytest|_pytest\.outcomes)\.(fail|exit)$|^(sys\.exit|os\._exit|os\.abort)$/;
const RELABEL_CALLS = /^(pytest|_pytest\.outcomes)\.(skip|xfail)$|^unittest(\.case)?\.SkipTest$/;

export function classifyHandler(clause: Node, names: NameResolver): HandlerInfo {
  const types = caughtTypes(clause);
  const caught = types.map((t) => t.text).join(', ');
  const broad = types.length === 0 || types.some((t) => BROAD.test(names.qualify(t) ?? dottedName(t) ?? ''));
  const unfinished = types.some((t) => /^(builtins\.)?NotImplementedError$/.test(names.qualify(t) ?? dottedName(t) ?? ''));
  const block = clause.namedChildren.find((c) => c.type === 'block');
  let outcome: HandlerInfo['outcome'] = 'swallows';
  if (block) {
    forEachInScope(block, (n) => {
      if (outcome === 'raises') return false;
      if (n.type === 'raise_statement') {
        // `raise pytest.skip.Exception(...)` / `raise SkipTest(...)` relabels; any other raise propagates.
        const v = n.namedChildren[0];
        const target = v ? unparen(v.type === 'call' ? v.childForFieldName('function')! : v) : null;
        const q = target ? names.qualify(target) ?? dottedName(target) ?? '' : '';
        outcome = /skip|xfail/i.test(q) ? 'relabels' : 'raises';
      } else if (n.type === 'call') {
        const q = names.callee(n) ?? dottedName(n.childForFieldName('function')) ?? '';
        if (RAISING_CALLS.test(q) || /(^|\.)force_exception$/.test(q)) outcome = 'raises';
        else if (RELABEL_CALLS.test(q)) outcome = 'relabels';
      }
      return true;
    });
  }
  return { clause, caught, broad, unfinished, outcome };
}

/**
 * Where a handler that re-raises on some path lets the exception go on another: the `return` reached without
 * raising, or the handler itself when a path falls off its end (`if not quarantined(item): raise`, then
 * `return None`). Undefined when every path raises, relabels (skip/xfail) or fails, and when a path leaves
 * through `continue`/`break` of a loop around the handler (a retry: the test runs again).
 */
export function nonRaisingPath(clause: Node, names: NameResolver): Node | undefined {
  const block = clause.namedChildren.find((c) => c.type === 'block');
  if (!block) return undefined;
  const ends = (st: Node): boolean => {
    const e = st.type === 'expression_statement' ? st.namedChildren[0] : undefined;
    if (!e || e.type !== 'call') return false;
    const q = names.callee(e) ?? dottedName(e.childForFieldName('function')) ?? '';
    return RAISING_CALLS.test(q) || RELABEL_CALLS.test(q) || /(^|\.)force_exception$/.test(q);
  };
  interface Paths {
    falls: boolean;
    escape?: Node;
    opaque?: boolean;
  }
  const merge = (a: Paths, b: Paths): Paths => ({ falls: a.falls || b.falls, escape: a.escape ?? b.escape, opaque: a.opaque || b.opaque });
  const seq = (b: Node | null | undefined, inLoop: boolean, depth: number): Paths => {
    let out: Paths = { falls: true };
    for (const st of b?.namedChildren ?? []) {
      if (st.type === 'comment') continue;
      const p = one(st, inLoop, depth + 1);
      out = { falls: p.falls, escape: out.escape ?? p.escape, opaque: out.opaque || p.opaque };
      if (!out.falls) break;
    }
    return out;
  };
  const one = (st: Node, inLoop: boolean, depth: number): Paths => {
    if (depth > 30) return { falls: false, opaque: true };
    switch (st.type) {
      case 'raise_statement':
        return { falls: false };
      case 'return_statement':
        return { falls: false, escape: st };
      case 'continue_statement':
      case 'break_statement':
        // Inside a loop of the handler it only leaves that loop; otherwise it goes back to a loop around the try.
        return inLoop ? { falls: true } : { falls: false, opaque: true };
      case 'if_statement': {
        let out = seq(st.childForFieldName('consequence'), inLoop, depth);
        let hasElse = false;
        for (const alt of st.childrenForFieldName('alternative')) {
          if (alt.type === 'else_clause') hasElse = true;
          out = merge(out, seq(alt.childForFieldName(alt.type === 'else_clause' ? 'body' : 'consequence'), inLoop, depth));
        }
        return hasElse ? out : { ...out, falls: true };
      }
      case 'for_statement':
      case 'while_statement':
        return { ...seq(st.childForFieldName('body'), true, depth), falls: true };
      case 'with_statement':
        return seq(st.childForFieldName('body'), inLoop, depth);
      case 'try_statement': {
        let out = seq(st.childForFieldName('body'), inLoop, depth);
        for (const c of st.namedChildren) {
          if (c.type === 'except_clause' || c.type === 'except_group_clause' || c.type === 'else_clause') out = merge(out, seq(c.namedChildren.find((x) => x.type === 'block'), inLoop, depth));
          else if (c.type === 'finally_clause') {
            const fin = seq(c.namedChildren.find((x) => x.type === 'block'), inLoop, depth);
            if (!fin.falls) return { falls: false, escape: out.escape ?? fin.escape, opaque: out.opaque || fin.opaque };
          }
        }
        return out;
      }
      case 'match_statement':
        return { falls: false, opaque: true };
      default:
        return ends(st) ? { falls: false } : { falls: true };
    }
  };
  const p = seq(block, false, 0);
  if (p.opaque) return undefined;
  return p.escape ?? (p.falls ? clause : undefined);
}

/** The `except` clauses of a try statement. */
export function exceptClauses(tryStmt: Node): Node[] {
  return tryStmt.namedChildren.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
}

// ---------------------------------------------------------------------------------------------------
// Rebinding: assignment, setattr, monkeypatch.setattr, mock.patch

export interface Rebinding {
  /** The statement or call that rebinds. */
  node: Node;
  /** Fully qualified target when resolvable (`_pytest.reports.TestReport.from_item_and_call`). */
  target?: string;
  /** The object expression (for `x.attr = ...`, `setattr(x, "attr", ...)`), when not a dotted string. */
  object?: Node;
  /** The attribute rebound. */
  attr: string;
  /** The replacement value, when visible. */
  value?: Node;
  how: 'assignment' | 'setattr' | 'monkeypatch' | 'mock.patch';
}

/** The engine's forms this family reports, in its own terms (`swap_attr`, `setitem`, `patch.multiple`/`.dict` and namespace writes are not). */
const HOW: Partial<Record<RebindForm, Rebinding['how']>> = {
  assignment: 'assignment',
  setattr: 'setattr',
  monkeypatch: 'monkeypatch',
  'mock.patch': 'mock.patch',
  'mock.patch.object': 'mock.patch',
};

/**
 * `x.attr = v` (also in chained and annotated assignments), `setattr(x, "a", v)`, `monkeypatch.setattr(x, "a", v)`,
 * `monkeypatch.setattr("m.x.a", v)`, `mock.patch("m.x.a", v)`, `mock.patch.object(x, "a", v)`.
 */
function familyRebinding(r: EngineRebinding, names: NameResolver, attrs?: ReadonlySet<string>): Rebinding | undefined {
  const how = HOW[r.form];
  // An unpacked target's value is not visible.
  if (!how || r.unpacked) return undefined;
  const t = r.target;
  if (t.kind === 'attribute') {
    if (!t.attr || (attrs && !attrs.has(t.attr))) return undefined;
    const q = names.qualify(t.owner);
    return { node: r.statement, target: q ? `${q}.${t.attr}` : undefined, object: t.owner, attr: t.attr, value: r.value, how };
  }
  if (t.kind === 'dotted' && /^[\w.]+\.\w+$/.test(t.path)) {
    const attr = t.path.slice(t.path.lastIndexOf('.') + 1);
    if (attrs && !attrs.has(attr)) return undefined;
    return { node: r.statement, target: t.path, attr, value: r.value, how };
  }
  return undefined;
}

/**
 * The rebindings at the collected assignments, then at the collected calls. With `attrs`, only those of
 * these attributes (for a rule that ignores every other attribute: most assignments are then skipped
 * without resolving anything).
 */
export function rebindingsIn(nodes: CollectedNodes, names: NameResolver, attrs?: ReadonlySet<string>): Rebinding[] {
  const out: Rebinding[] = [];
  const at = (n: Node) => {
    for (const r of rebindingsAt(n, names)) {
      const fr = familyRebinding(r, names, attrs);
      if (fr) out.push(fr);
    }
  };
  for (const n of nodes.assignments) if (!attrs || assignsAttribute(n, attrs)) at(n);
  for (const n of nodes.calls) if (mayRebindCall(n, names)) at(n);
  return out;
}

/**
 * Could the assignment chain starting here rebind one of `attrs`? The family takes an assignment's
 * rebindings from links whose target is `x.attr` itself (unpacked targets are left out), so this looks at
 * the same links: this assignment and the assignments nested as its value (`a.x = b.y = v`).
 */
function assignsAttribute(assign: Node, attrs: ReadonlySet<string>): boolean {
  // An inner link rebinds nothing itself: its chain is reported at the head.
  if (assign.parent?.type === 'assignment') return false;
  for (let cur: Node | null = assign; cur?.type === 'assignment'; cur = cur.childForFieldName('right')) {
    const left = cur.childForFieldName('left');
    if (left?.type === 'attribute' && attrs.has(left.childForFieldName('attribute')?.text ?? '')) return true;
  }
  return false;
}

export function describeRebinding(r: Rebinding): string {
  switch (r.how) {
    case 'assignment':
      return 'via assignment';
    case 'setattr':
      return 'via `setattr`';
    case 'monkeypatch':
      return 'via `monkeypatch.setattr`';
    case 'mock.patch':
      return 'via `mock.patch`';
  }
}

/** `Class.attr` for messages: the last two segments of the qualified target, else the source text. */
export function shownTarget(r: Rebinding): string {
  if (r.target) return r.target.split('.').slice(-2).join('.');
  return `${r.object ? unparen(r.object).text : '?'}.${r.attr}`;
}

// ---------------------------------------------------------------------------------------------------
// Functions in the file, by name

/** Defs by name, for resolving `X.run = fake_run` to the body of `fake_run`. */
export function defsByName(defs: readonly Node[], assignments: readonly Node[] = []): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  const add = (name: string, n: Node) => {
    const list = out.get(name);
    if (list) list.push(n);
    else out.set(name, [n]);
  };
  for (const n of defs) add(functionName(n), n);
  // A lambda bound to a name (`_ok = lambda self, test, err: ...`) is a def by another spelling; a name
  // bound more than once (or also def'd) stays ambiguous, as for defs.
  for (const a of assignments) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right && unparen(right).type === 'lambda') add(left.text, unparen(right));
  }
  return out;
}

/** The def or lambda a replacement value names, when visible in the file. */
export function replacementFunction(value: Node | undefined, defs: Map<string, Node[]>): Node | undefined {
  if (!value) return undefined;
  let v = unparen(value);
  // `staticmethod(f)`, `classmethod(f)`, `types.MethodType(f, obj)`, `functools.wraps(orig)(f)`: look through.
  for (let i = 0; i < 3 && v.type === 'call'; i++) {
    const name = calleeName(v);
    if (!/^(staticmethod|classmethod|MethodType|partial|partialmethod)$/.test(name)) break;
    const first = callArguments(v).positional[0];
    if (!first) break;
    v = unparen(first);
  }
  if (v.type === 'lambda') return v;
  if (v.type === 'identifier') {
    const list = defs.get(v.text);
    if (list && list.length === 1) return list[0];
  }
  // `_soft("Failure")` where `def _soft(kind): def record(...): ...; return record`: the function the factory makes.
  if (v.type === 'call' && v.childForFieldName('function')?.type === 'identifier') {
    const list = defs.get(v.childForFieldName('function')!.text);
    return list?.length === 1 ? madeFunction(list[0]!) : undefined;
  }
  return undefined;
}

/** The one nested def or lambda that every `return` of the def `factory` hands back, if any. */
function madeFunction(factory: Node): Node | undefined {
  const made = factory.type === 'function_definition' ? returnedFunctions(factory) : undefined;
  return made?.length === 1 ? made[0] : undefined;
}

/**
 * A replacement that does nothing: a lambda whose body is a constant (`lambda *a, **k: None`,
 * `lambda self, result=None: True`), or a def whose body has no calls and no yields (only `pass`,
 * a docstring, `return <constant>`).
 */
export function isNoOp(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  if (fn.type === 'lambda') {
    const t = unparen(body).type;
    return ['none', 'true', 'false', 'integer', 'float', 'string', 'ellipsis'].includes(t) || (t === 'identifier' && fn.childForFieldName('parameters') === null);
  }
  let active = false;
  forEachInScope(body, (n) => {
    if (active) return false;
    if (n.type === 'call' || n.type === 'yield' || n.type === 'raise_statement' || n.type === 'assignment' || n.type === 'augmented_assignment') active = true;
    return !active;
  });
  return !active;
}

/** All returns of a def or lambda yield a truthy constant. */
export function alwaysReturnsTruthy(fn: Node): boolean {
  if (fn.type === 'lambda') return truthiness(fn.childForFieldName('body')) === 'truthy';
  const body = fn.childForFieldName('body');
  if (!body) return false;
  const rets: Node[] = [];
  forEachInScope(body, (n) => void (n.type === 'return_statement' && rets.push(n)));
  if (rets.length === 0) return false;
  if (!rets.every((r) => truthiness(returnValue(r)) === 'truthy')) return false;
  // The last statement must be a return (otherwise the function can fall through to None).
  const stmts = body.namedChildren.filter((c) => c.type !== 'comment');
  return stmts[stmts.length - 1]?.type === 'return_statement';
}

/** Dotted text of a class's bases. */
export function baseNames(cls: Node, names: NameResolver): string[] {
  const bases = cls.childForFieldName('superclasses');
  const out: string[] = [];
  for (const b of bases?.namedChildren ?? []) {
    if (b.type === 'keyword_argument') continue;
    out.push(names.qualify(b) ?? dottedName(b) ?? b.text);
  }
  return out;
}

/** Short source text for messages (first line, trimmed). */
export function snippet(node: Node, max = 60): string {
  const lines = node.text.split('\n');
  let line = lines[0]!.replace(/\s+#[^'"]*$/, '').trim();
  if (lines.length > 1) line = /[([{]$/.test(line) ? `${line}…)` : `${line} …`;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
