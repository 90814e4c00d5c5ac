/**
 * RH301 report-forgery: turning a failed pytest report into a pass (or a skip).
 *
 * Three shapes:
 * - rebinding pytest's report machinery (`TestReport.from_item_and_call`, `CallInfo.from_call`,
 *   `_pytest.reports.*`, `_pytest.runner.*`) by assignment, `setattr`, `monkeypatch.setattr` or
 *   `mock.patch` (a replacement of `CallInfo.from_call` that never calls the `func` it is given or hands the original a no-op in its place, or of
 *   `from_item_and_call` that never reads `call`, forges every result);
 * - forging a report inside `pytest_runtest_makereport` / `pytest_runtest_logreport` (any hookimpl style):
 *   `rep.outcome = "passed"`, `rep.longrepr = None`, `call.excinfo = None`, `outcome.force_result(...)`
 *   or returning a report built as passed — unless the statement is gated on xfail (pytest's own xfail
 *   handling) or on a skip request. The report may be a variable, written to without one
 *   (`outcome.get_result().outcome = ...`, `(yield).outcome = ...`), or written by `setattr` in a loop
 *   over a dict's entries (`for k, v in {"outcome": "passed"}.items(): setattr(rep, k, v)`); the variable
 *   may be bound by a walrus or alias another (`if (r := report).failed:`);
 * - `pytest_report_teststatus` returning the "passed" status for reports that did not pass (also through a local
 *   bound once, `category = "passed" if rep.outcome in ("passed", "failed") else rep.outcome`);
 * - result files rewritten after the run (JUnit XML failure elements removed or counts zeroed, JSON outcomes set
 *   to "passed"), see `result-files.ts`.
 *
 * The structural difference from pytest's xfail code is the gate: pytest only rewrites an outcome under
 * a condition that requires an xfail marker or exception; a hack rewrites unconditionally, on
 * `rep.failed`, on `call.when`, or by exception type.
 */
import { callArguments, containsNode, enclosingClass, forEachDescendant, forEachInScope, functionName, isMethod, isWithin, localAssignments, moduleAssignments, moduleFunctionNamed, parameterNames, returnValue, stringValue, unparen, type Node } from '../../engine/ast';
import { MentionedWords, whenMentioned } from '../../engine/prefilter';
import type { ReportRelated, Rule, RuleContext } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { statsTamperings } from './summary-stats';
import { mayTamperResultFiles, resultFileTamperings } from './result-files';
import {
  collectThenCheck,
  defsByName,
  describeGates,
  describeRebinding,
  enclosingCallable,
  gatedBy,
  gatesOf,
  assignedHooks,
  hookNameOf,
  hookScope,
  returnedValues,
  hookParameters,
  requires,
  hookStyle,
  moduleStringConstants,
  nameBinding,
  isNoOp,
  localBindings,
  mentionsMarker,
  mentionsPassed,
  mentionsSkipped,
  mentionsSkipRequest,
  mentionsXfail,
  rebindingsIn,
  replacementFunction,
  severityFor,
  shownTarget,
  snippet,
  throughLocals,
  type Gate,
  type HookStyle,
} from './helpers';
import { hooksBoundElsewhere } from './bound-hooks';

const REPORT_HOOKS = new Set(['pytest_runtest_makereport', 'pytest_runtest_logreport', 'pytest_report_teststatus', 'pytest_terminal_summary']);
/**
 * Every finding needs one of these: a report hook's name (def name or `specname=`), a rebound target with a
 * `TestReport`/`BaseReport`/`CollectReport`/`CallInfo` or `_pytest` segment, or an `outcome` write.
 */
export const MENTIONS = new MentionedWords([
  ['_pytest', 'ytest'],
  ['pytest_runtest_makereport', 'ytest'],
  ['pytest_runtest_logreport', 'ytest'],
  ['pytest_report_teststatus', 'ytest'],
  ['TestReport', 'Report'],
  ['BaseReport', 'Report'],
  ['CollectReport', 'Report'],
  ['CallInfo', 'Info'],
  ['outcome', 'utcome'],
  ['terminalreporter', 'reporter'],
]);
/** Outcomes that hide a failure. "failed" is stricter, "rerun" is pytest-rerunfailures' bookkeeping. */
const FORGED = new Set(['passed', 'skipped']);
/** Report attributes whose reading tells us a variable holds a report. */
const REPORT_ATTRS = /^(longrepr|when|failed|nodeid|wasxfail|sections|passed|skipped|location|keywords|duration|caplog|capstdout|capstderr|head_line)$/;

/** Report classes and report-building functions of pytest. */
const CLASS_TARGET = /^(_pytest\.reports|_pytest\.runner|_pytest\.python|pytest)\.(TestReport|BaseReport|CollectReport|CallInfo)$/;
const CLASS_ATTR_TARGET = /^(_pytest\.reports|_pytest\.runner|_pytest\.python|pytest)\.(TestReport|BaseReport|CollectReport|CallInfo)\.(\w+)$/;
const MODULE_ATTR_TARGET = /^_pytest\.(reports|runner)\.(\w+)$/;
/** Attributes that *are* the outcome: rebinding them on the class forges every report. */
const OUTCOME_ATTRS = new Set(['outcome', 'passed', 'failed', 'skipped', 'longrepr']);

type ForgeryKind = 'outcome' | 'longrepr' | 'excinfo' | 'force' | 'return';

interface Forgery {
  node: Node;
  kind: ForgeryKind;
  /** The forged outcome ("passed"/"skipped") for outcome/force/return. */
  value: string;
  fn: Node;
  gates: Gate[];
}

function forgedLiteral(n: Node | null | undefined, constants: Map<string, string>): string | undefined {
  if (!n) return undefined;
  const u = unparen(n);
  const v = u.type === 'identifier' ? constants.get(u.text) : stringValue(u);
  return v !== undefined && FORGED.has(v) ? v : undefined;
}

/**
 * A forged outcome value: a literal or string constant, also as one branch of `a if cond else b` or as an
 * operand `and`/`or` can yield (`rep.failed and "passed" or rep.outcome`); gates are then taken from that
 * operand. With `dicts`, also an outcome looked up in a literal table (`NORMALISE.get(rep.outcome, ...)`,
 * `TABLE[rep.outcome]`) whose entry for "failed" (or default, when it has none) is forged.
 */
function forgedValue(n: Node, constants: Map<string, string>, dicts?: DictResolver, depth = 0): { value: string; at?: Node } | undefined {
  const u = unparen(n);
  if (depth > 20) return undefined;
  if (u.type === 'conditional_expression') {
    for (const branch of [u.namedChildren[0], u.namedChildren[2]]) {
      const v = forgedLiteral(branch, constants);
      if (v && branch) return { value: v, at: branch };
    }
    return undefined;
  }
  if (u.type === 'boolean_operator') {
    // `a and b` yields `b` whenever `a` is truthy; `a or b` yields either side.
    const operands = u.child(1)?.type === 'and' ? [u.childForFieldName('right')] : [u.childForFieldName('left'), u.childForFieldName('right')];
    for (const operand of operands) {
      const v = operand ? forgedValue(operand, constants, dicts, depth + 1) : undefined;
      if (v) return { value: v.value, at: v.at ?? operand! };
    }
    return undefined;
  }
  if (dicts && (u.type === 'subscript' || u.type === 'call')) {
    const v = forgedLookup(u, constants, dicts);
    return v ? { value: v } : undefined;
  }
  const v = forgedLiteral(u, constants);
  return v ? { value: v } : undefined;
}

/** `TABLE[rep.outcome]` / `TABLE.get(rep.outcome, default)` mapping the "failed" outcome to a forged one. */
function forgedLookup(u: Node, constants: Map<string, string>, dicts: DictResolver): string | undefined {
  let table: Node | null | undefined;
  let key: Node | undefined;
  let fallback: Node | undefined;
  if (u.type === 'subscript') {
    table = u.childForFieldName('value');
    key = u.childForFieldName('subscript') ?? undefined;
  } else {
    const f = unparen(u.childForFieldName('function')!);
    if (f.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'get') return undefined;
    table = f.childForFieldName('object');
    [key, fallback] = callArguments(u).positional;
  }
  // Only a lookup keyed by the outcome translates outcomes.
  if (!table || !key || !/\boutcome\b/.test(key.text)) return undefined;
  const d = dicts(table);
  if (!d) return undefined;
  const failed = dictEntries(d).find((e) => e.key === 'failed');
  return failed ? forgedLiteral(failed.value, constants) : forgedLiteral(fallback, constants);
}

/** A call that builds a report with a forged outcome: `TestReport(..., "passed", ...)`, `outcome="passed"`. */
function forgedConstruction(n: Node | null | undefined, constants: Map<string, string>): string | undefined {
  if (!n) return undefined;
  const c = unparen(n);
  if (c.type !== 'call') return undefined;
  const args = callArguments(c);
  const kw = forgedLiteral(args.keywords.get('outcome'), constants);
  if (kw) return kw;
  const f = c.childForFieldName('function')?.text ?? '';
  if (!/Report|report/.test(f)) return undefined;
  for (const a of args.positional) {
    const v = forgedLiteral(a, constants);
    if (v) return v;
  }
  return undefined;
}

/** The verdict on one forging statement: quiet, or the severity it deserves and why. */
function judge(f: Forgery): { quiet: true } | { quiet: false; severity: Severity; why: string } {
  const g = f.gates;
  if (gatedBy(g, throughLocals(f.fn, mentionsXfail))) return { quiet: true };
  if (f.kind === 'longrepr' && (gatedBy(g, mentionsPassed) || gatedBy(g, mentionsSkipped))) return { quiet: true };
  if (f.value === 'passed' && gatedBy(g, mentionsPassed)) return { quiet: true };
  if ((f.value === 'skipped' || f.kind === 'excinfo') && gatedBy(g, mentionsSkipRequest)) return { quiet: true };
  if (f.value === 'skipped' && gatedBy(g, mentionsSkipped)) return { quiet: true };
  if (gatedBy(g, mentionsMarker)) return { quiet: false, severity: 'warning', why: 'for tests carrying a marker (a home-made xfail that hides the failure instead of reporting it as xfailed)' };
  return { quiet: false, severity: f.kind === 'longrepr' ? 'warning' : 'error', why: describeGates(g) };
}

function forgeryMessage(f: Forgery, where: string, why: string): string {
  const shown = f.value === 'skipped' ? 'skipped' : 'passing';
  switch (f.kind) {
    case 'outcome':
      return `\`${snippet(f.node)}\` in ${where} rewrites the test report to "${f.value}" ${why}: failing tests are reported as ${shown}`;
    case 'excinfo':
      return `\`${snippet(f.node)}\` in ${where} erases the test's exception ${why} before the report is built: failing tests are reported as passing`;
    case 'force':
      return `\`${snippet(f.node)}\` in ${where} replaces the real report with one forged as "${f.value}" ${why}: failing tests are reported as ${shown}`;
    case 'return':
      return `${where.charAt(0).toUpperCase()}${where.slice(1)} returns a report built with outcome "${f.value}" ${why}: pytest never sees the real result and failing tests are reported as ${shown}`;
    case 'longrepr':
      return `\`${snippet(f.node)}\` in ${where} erases the failure's traceback ${why}: the failure is hidden from the test output`;
  }
}

/** Variables that hold a report inside a report hook. */
function reportVariables(fn: Node, hook: string, style: HookStyle): { reports: Set<string>; outcomes: Set<string> } {
  const reports = new Set<string>();
  const outcomes = new Set<string>();
  const params = hookParameters(fn);
  if (hook !== 'pytest_runtest_makereport') for (const p of params) if (p === 'report' || p === 'rep') reports.add(p);
  const body = fn.childForFieldName('body');
  if (!body) return { reports, outcomes };
  if (hook === 'pytest_terminal_summary') for (const v of statsLoopVariables(body)) reports.add(v);
  // Statements come in source order: an alias (`r = report`, `if (r := report).failed`) follows what it names.
  forEachInScope(body, (n) => {
    const b = nameBinding(n);
    if (!b) return;
    const left = b.name;
    const r = unparen(b.value);
    if (r.type === 'identifier' && (reports.has(r.text) || outcomes.has(r.text))) {
      (reports.has(r.text) ? reports : outcomes).add(left.text);
    } else if (r.type === 'yield' && hook === 'pytest_runtest_makereport') {
      if (style === 'old-wrapper') outcomes.add(left.text);
      else reports.add(left.text);
    } else if (r.type === 'call') {
      const f = unparen(r.childForFieldName('function')!);
      const name = f.type === 'attribute' ? f.childForFieldName('attribute')?.text : f.text;
      if (name === 'get_result' && hook === 'pytest_runtest_makereport') reports.add(left.text);
      else if (name === 'from_item_and_call' || name === 'TestReport') reports.add(left.text);
    } else if (hook === 'pytest_runtest_makereport' && resultOfOutcome(r, outcomes)) {
      reports.add(left.text);
    }
  });
  return { reports, outcomes };
}

/**
 * In `pytest_terminal_summary`, the reports are the values of `terminalreporter.stats` (category → reports):
 * the variables of loops over it, directly or through locals taken from it (`stats = tr.stats`, `failed =
 * stats.pop("failed", [])`). Rewriting their outcome rewrites the summary the run ends with.
 */
function statsLoopVariables(body: Node): string[] {
  const fromStats = new Set<string>();
  const isStats = (d: Node) => (d.type === 'attribute' && d.childForFieldName('attribute')?.text === 'stats') || (d.type === 'identifier' && fromStats.has(d.text));
  const derived = (e: Node) => containsNode(e, isStats);
  const vars: string[] = [];
  // Statements come in source order, so a local is known before the loops that use it.
  forEachInScope(body, (n) => {
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && right && derived(right)) fromStats.add(left.text);
    } else if (n.type === 'for_statement') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && right && derived(right)) vars.push(left.text);
    }
  });
  return vars;
}

interface AttributeWrite {
  node: Node;
  obj: Node;
  attr: string;
  value: Node;
}

/** The object of `vars(o)` / `o.__dict__`, else undefined. */
function dictOwner(n: Node, ctx: RuleContext): Node | undefined {
  const u = unparen(n);
  if (u.type === 'attribute' && u.childForFieldName('attribute')?.text === '__dict__') return u.childForFieldName('object') ?? undefined;
  if (u.type === 'call' && ctx.names.callee(u) === 'builtins.vars') return callArguments(u).positional[0];
  return undefined;
}

/** Resolves an expression to the dict literal it is (or names: `OVERRIDES = {...}` bound once), if any. */
type DictResolver = (n: Node) => Node | undefined;

const literalDict: DictResolver = (n) => {
  const u = unparen(n);
  return u.type === 'dictionary' ? u : undefined;
};

/**
 * A resolver that also follows a name bound once, in the function or at module level, and `self.NAME` /
 * `cls.NAME` bound once in the class body of a method. `accept` picks the literals it returns.
 */
function literalResolver(fn: Node, root: Node, accept: (u: Node) => boolean): DictResolver {
  let local: Map<string, Node[]> | undefined;
  let klass: Map<string, Node[]> | undefined;
  const one = (values: Node[] | undefined) => (values?.length === 1 && accept(unparen(values[0]!)) ? unparen(values[0]!) : undefined);
  return (n) => {
    const u = unparen(n);
    if (u.type === 'attribute' && /^(self|cls)$/.test(u.childForFieldName('object')?.text ?? '')) {
      const cls = fn.type === 'function_definition' ? enclosingClass(fn) : null;
      const body = cls?.childForFieldName('body');
      if (!body) return undefined;
      klass ??= localAssignments(cls!);
      return one(klass.get(u.childForFieldName('attribute')?.text ?? ''));
    }
    if (u.type !== 'identifier') return accept(u) ? u : undefined;
    local ??= localBindings(fn);
    return one(local.get(u.text) ?? moduleAssignments(root).get(u.text));
  };
}

function dictResolver(fn: Node, root: Node): DictResolver {
  return literalResolver(fn, root, (u) => u.type === 'dictionary');
}

/** The `("name", value)` pairs of a literal sequence of pairs (`(("outcome", "passed"), ("longrepr", None))`). */
function pairEntries(seq: Node): { key: string; value: Node }[] {
  const out: { key: string; value: Node }[] = [];
  for (const el of seq.namedChildren) {
    const pair = unparen(el);
    if (pair.type !== 'tuple' && pair.type !== 'list') continue;
    const [k, v, ...rest] = pair.namedChildren;
    const key = stringValue(k);
    if (key && v && rest.length === 0) out.push({ key, value: v });
  }
  return out;
}

/** The string-keyed entries of a dict literal. */
function dictEntries(d: Node): { key: string; value: Node }[] {
  const out: { key: string; value: Node }[] = [];
  for (const pair of d.namedChildren) {
    if (pair.type !== 'pair') continue;
    const key = stringValue(pair.childForFieldName('key'));
    const value = pair.childForFieldName('value');
    if (key && value) out.push({ key, value });
  }
  return out;
}

/** A comprehension's `for` clauses loop like a `for` statement (`[setattr(r, k, v) for k, v in PAIRS]`). */
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'generator_expression', 'dictionary_comprehension']);

/**
 * The entries a `setattr(o, key, value)` writes when `key`/`value` are the variables of an enclosing loop
 * over a dict: `for key, value in D.items()` or `for key in D` with `D[key]` as the value (a statement or a
 * comprehension's `for` clause).
 */
function loopedEntries(call: Node, keyArg: Node, valueArg: Node, dicts: DictResolver, seqs?: DictResolver): { key: string; value: Node }[] {
  const key = unparen(keyArg);
  if (key.type !== 'identifier') return [];
  const value = unparen(valueArg);
  const loops: Node[] = [];
  for (let p = call.parent; p && p.type !== 'function_definition' && p.type !== 'lambda'; p = p.parent) {
    if (p.type === 'for_statement') loops.push(p);
    else if (COMPREHENSIONS.has(p.type)) loops.push(...p.namedChildren.filter((c) => c.type === 'for_in_clause'));
  }
  for (const loop of loops) {
    const left = loop.childForFieldName('left');
    const right = loop.childForFieldName('right');
    if (!left || !right) continue;
    const vars = left.type === 'pattern_list' || left.type === 'tuple_pattern' ? left.namedChildren : [left];
    if (vars.length === 2 && vars[0]!.text === key.text && vars[1]!.text === value.text) {
      // `for k, v in D.items()`
      const r = unparen(right);
      const f = r.type === 'call' ? unparen(r.childForFieldName('function')!) : undefined;
      if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'items') {
        // `for k, v in (("outcome", "passed"), ...)`, also a constant or class attribute holding the pairs.
        const seq = seqs?.(r);
        return seq ? pairEntries(seq) : [];
      }
      const d = dicts(f.childForFieldName('object')!);
      return d ? dictEntries(d) : [];
    }
    if (vars.length === 1 && vars[0]!.text === key.text && value.type === 'subscript') {
      // `for k in D: setattr(o, k, D[k])`
      const d = dicts(right);
      const [of, index] = value.namedChildren;
      if (!d || !of || index?.text !== key.text || dicts(of)?.id !== d.id) return [];
      return dictEntries(d);
    }
  }
  return [];
}

/**
 * Attribute writes in every spelling: `o.a = v`, `setattr(o, "a", v)`, `object.__setattr__(o, "a", v)`,
 * `o.__dict__["a"] = v`, `vars(o)["a"] = v`, `o.__dict__.update(a=v)`, `o.a, o.b = x, y` (pairwise), and
 * `setattr(o, k, v)` in a loop over a dict's entries.
 */
function attributeWrite(n: Node, ctx: RuleContext, dicts: DictResolver = literalDict, seqs?: DictResolver): AttributeWrite[] {
  if (n.type === 'assignment') {
    const left = n.childForFieldName('left');
    const value = n.childForFieldName('right');
    if (!left || !value) return [];
    return targetWrites(n, left, value, ctx);
  }
  return callWrites(n, ctx, dicts, seqs);
}

/** Pattern-list targets of a `a, b = x, y` assignment (also parenthesised or bracketed). */
const TARGET_LISTS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern']);
const VALUE_LISTS = new Set(['expression_list', 'tuple', 'list']);

/** The writes of one assignment target; `rep.outcome, rep.longrepr = "passed", None` writes pairwise. */
function targetWrites(n: Node, left: Node, value: Node, ctx: RuleContext, depth = 0): AttributeWrite[] {
  if (TARGET_LISTS.has(left.type)) {
    const v = unparen(value);
    const targets = left.namedChildren.filter((c) => c.type !== 'comment');
    const values = v.namedChildren.filter((c) => c.type !== 'comment');
    // Only an element-for-element unpacking of a literal sequence pairs targets with values.
    if (depth > 5 || !VALUE_LISTS.has(v.type) || targets.length !== values.length || targets.some((t) => t.type === 'list_splat_pattern') || values.some((x) => x.type === 'list_splat')) return [];
    return targets.flatMap((t, i) => targetWrites(n, t, values[i]!, ctx, depth + 1));
  }
  if (left.type === 'attribute') {
    return [{ node: n, obj: unparen(left.childForFieldName('object')!), attr: left.childForFieldName('attribute')?.text ?? '', value }];
  }
  if (left.type === 'subscript') {
    const owner = dictOwner(left.childForFieldName('value')!, ctx);
    const key = stringValue(left.childForFieldName('subscript'));
    if (owner && key) return [{ node: n, obj: unparen(owner), attr: key, value }];
  }
  return [];
}

function callWrites(n: Node, ctx: RuleContext, dicts: DictResolver, seqs?: DictResolver): AttributeWrite[] {
  if (n.type !== 'call') return [];
  const f = unparen(n.childForFieldName('function')!);
  const args = callArguments(n);
  const pos = args.positional;
  const callee = ctx.names.callee(n);
  const name = f.type === 'attribute' ? f.childForFieldName('attribute')?.text : f.text;
  if ((callee === 'builtins.setattr' || (name === '__setattr__' && f.type === 'attribute' && pos.length === 3)) && pos.length >= 3) {
    const attr = stringValue(pos[1]);
    if (attr) return [{ node: n, obj: unparen(pos[0]!), attr, value: pos[2]! }];
    // `for key, value in {"outcome": "passed"}.items(): setattr(rep, key, value)`: one write per entry.
    return loopedEntries(n, pos[1]!, pos[2]!, dicts, seqs).map((e) => ({ node: n, obj: unparen(pos[0]!), attr: e.key, value: e.value }));
  }
  if (name === '__setattr__' && f.type === 'attribute' && pos.length === 2) {
    const attr = stringValue(pos[0]);
    return attr ? [{ node: n, obj: unparen(f.childForFieldName('object')!), attr, value: pos[1]! }] : [];
  }
  if (name === 'update' && f.type === 'attribute') {
    const owner = dictOwner(f.childForFieldName('object')!, ctx);
    if (!owner) return [];
    const out: AttributeWrite[] = [];
    for (const [k, v] of args.keywords) out.push({ node: n, obj: unparen(owner), attr: k, value: v });
    const d = pos[0] ? dicts(pos[0]) : undefined;
    for (const e of d ? dictEntries(d) : []) out.push({ node: n, obj: unparen(owner), attr: e.key, value: e.value });
    return out;
  }
  return [];
}

/**
 * The report itself, written to without a variable in a makereport wrapper: `outcome.get_result()` (old
 * style) or `(yield)` (new style, where the yield's value is the report).
 */
function isFreshReport(obj: Node, style: HookStyle, outcomes: ReadonlySet<string>): boolean {
  if (obj.type === 'yield') return style !== 'old-wrapper' && obj.namedChildCount === 0;
  if (obj.type === 'attribute') return resultOfOutcome(obj, outcomes);
  if (obj.type !== 'call' || callArguments(obj).positional.length > 0) return false;
  const f = unparen(obj.childForFieldName('function')!);
  return f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get_result';
}

/**
 * pluggy's result object read directly instead of through `get_result()`: `outcome._result` (its storage)
 * or the deprecated `outcome.result`, on the variable an old-style wrapper's `yield` was bound to.
 */
function resultOfOutcome(n: Node, outcomes: ReadonlySet<string>): boolean {
  if (n.type !== 'attribute' || !/^_?result$/.test(n.childForFieldName('attribute')?.text ?? '')) return false;
  const owner = unparen(n.childForFieldName('object')!);
  return owner.type === 'identifier' && outcomes.has(owner.text);
}

/**
 * String constants for outcome values: the module's, overridden by names the function binds once to a
 * string (`status = "passed"; rep.outcome = status`). Built only when an outcome write names a variable.
 */
function constantsIn(fn: Node, constants: Map<string, string>): () => Map<string, string> {
  let memo: Map<string, string> | undefined;
  return () => {
    if (memo) return memo;
    memo = new Map(constants);
    for (const [name, values] of localBindings(fn)) {
      const v = values.length === 1 ? stringValue(values[0]) : undefined;
      if (v !== undefined) memo.set(name, v);
      else memo.delete(name);
    }
    return memo;
  };
}

/**
 * A value that is, or names a local bound once to, a report built with a forged outcome
 * (`report = TestReport(..., "passed", ...); return report`).
 */
function forgedReportValue(n: Node | null | undefined, locals: () => Map<string, Node[]>, constants: Map<string, string>): string | undefined {
  if (!n) return undefined;
  const u = unparen(n);
  if (u.type !== 'identifier') return forgedConstruction(u, constants);
  const values = locals().get(u.text) ?? [];
  return values.length === 1 ? forgedConstruction(values[0], constants) : undefined;
}

/** Forging statements in the own scope of `fn` on the given report variables. */
function collectForgeries(
  fn: Node,
  reports: Set<string>,
  ctx: RuleContext,
  constants: Map<string, string>,
  opts: { makereport: boolean; callParam?: string; style?: HookStyle; outcomes?: ReadonlySet<string>; anyExcinfo?: boolean },
): Forgery[] {
  const out: Forgery[] = [];
  const body = fn.childForFieldName('body');
  if (!body) return out;
  // A branch of `a if c else b` gates the write when it is part of it (not a value taken from a dict elsewhere).
  const push = (node: Node, kind: ForgeryKind, value: string, at?: Node) =>
    out.push({ node, kind, value, fn, gates: gatesOf(at && isWithin(at, node) ? at : node, fn) });
  const isReport = (obj: Node) =>
    obj.type === 'identifier' ? reports.has(obj.text) : opts.makereport && isFreshReport(obj, opts.style ?? 'plain', opts.outcomes ?? new Set());
  const dicts = dictResolver(fn, ctx.root);
  const seqs = literalResolver(fn, ctx.root, (u) => u.type === 'tuple' || u.type === 'list');
  const withLocals = constantsIn(fn, constants);
  let localsMemo: Map<string, Node[]> | undefined;
  const locals = () => (localsMemo ??= localBindings(fn));
  const visit = (n: Node) => {
    for (const w of attributeWrite(n, ctx, dicts, seqs)) {
      if (isReport(w.obj) && w.attr === 'outcome') {
        const v = forgedValue(w.value, unparen(w.value).type === 'identifier' ? withLocals() : constants, dicts);
        if (v) push(w.node, 'outcome', v.value, v.at);
      } else if (isReport(w.obj) && w.attr === 'longrepr' && unparen(w.value).type === 'none') {
        push(w.node, 'longrepr', '');
      } else if (w.obj.type === 'identifier' && (opts.anyExcinfo || w.obj.text === opts.callParam) && w.attr === 'excinfo' && unparen(w.value).type === 'none') {
        push(w.node, 'excinfo', 'passed');
      }
    }
    if (n.type === 'call' && opts.makereport) {
      const f = unparen(n.childForFieldName('function')!);
      const method = f.type === 'attribute' ? f.childForFieldName('attribute')?.text : undefined;
      if (method === 'from_call' && opts.callParam) {
        // `CallInfo.from_call(lambda: None, call.when)`: a call result of a phase that runs nothing, built
        // to take the place of the real `call` in the report.
        const phase = callArguments(n).positional[0];
        if (phase && unparen(phase).type === 'lambda' && isNoOp(unparen(phase))) push(n, 'excinfo', 'passed');
      }
      if (method === 'force_result') {
        const v = forgedReportValue(callArguments(n).positional[0], locals, constants);
        if (v) push(n, 'force', v);
      }
    } else if (n.type === 'return_statement' && opts.makereport) {
      const v = forgedReportValue(returnValue(n), locals, constants);
      if (v) push(n, 'return', v);
    }
  };
  if (fn.type === 'lambda') visit(body);
  forEachInScope(body, visit);
  return out;
}

/**
 * Records, for each module-level function of the file a report hook calls with one of its report variables
 * (`outcome.force_result(_soften(rep))`), the parameter that receives the report.
 */
function noteReportArguments(hook: Node, reports: ReadonlySet<string>, out: Map<number, Set<string>>): void {
  const scope = hookScope(hook);
  if (!scope || reports.size === 0) return;
  forEachInScope(scope, (n) => {
    if (n.type !== 'call') return;
    const callee = n.childForFieldName('function');
    if (callee?.type !== 'identifier') return;
    const args = callArguments(n).positional;
    const position = args.findIndex((a) => unparen(a).type === 'identifier' && reports.has(unparen(a).text));
    if (position < 0) return;
    const helper = moduleFunctionNamed(hook.tree.rootNode, callee.text);
    const param = helper ? parameterNames(helper)[position] : undefined;
    if (!helper || !param) return;
    const set = out.get(helper.id);
    if (set) set.add(param);
    else out.set(helper.id, new Set([param]));
  });
}

/** Is the variable a report by how it is used in `fn`? (`rep.longrepr`, `rep.when`, `rep.failed`...) */
function usedAsReport(fn: Node, name: string): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  let yes = false;
  forEachDescendant(body, (n) => {
    if (yes) return false;
    if (n.type === 'attribute') {
      const o = unparen(n.childForFieldName('object')!);
      if (o.type === 'identifier' && o.text === name && REPORT_ATTRS.test(n.childForFieldName('attribute')?.text ?? '')) yes = true;
    }
    return !yes;
  });
  return yes;
}

/** First element of a status tuple (`return "passed", ".", "PASSED"`). */
function statusCategory(value: Node | null | undefined): string | undefined {
  if (!value) return undefined;
  const v = unparen(value);
  if (v.type === 'expression_list' || v.type === 'tuple' || v.type === 'list') return stringValue(v.namedChildren[0]);
  return undefined;
}

/** The entries of the dict a status is looked up in: `TABLE.get(key)`, `TABLE.get(key, default)`, `TABLE[key]`. */
function statusTable(value: Node | null | undefined, dicts: DictResolver): { key: string; value: Node }[] | undefined {
  const v = value ? unparen(value) : undefined;
  let table: Node | undefined;
  if (v?.type === 'subscript') table = v.childForFieldName('value') ?? undefined;
  else if (v?.type === 'call') {
    const f = unparen(v.childForFieldName('function')!);
    if (f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get') table = f.childForFieldName('object') ?? undefined;
  }
  const d = table && dicts(table);
  return d ? dictEntries(d) : undefined;
}

export const reportForgery: Rule = {
  meta: {
    code: 'RH301',
    name: 'report-forgery',
    family: 'RH3',
    defaultSeverity: 'error',
    severityByRole: { 'test-infrastructure': 'error', 'code-under-test': 'error', 'entry-point': 'error', test: 'info' },
    docs: {
      summary: 'Finds pytest test reports being rewritten from failed to passed (or skipped), and pytest\'s report machinery being replaced.',
      why:
        'pytest decides pass or fail from the `TestReport` it builds for each test phase. A `pytest_runtest_makereport` ' +
        'hook that sets `rep.outcome = "passed"` (and `rep.longrepr = None` to hide the traceback), in any spelling ' +
        '(`outcome.get_result().outcome = "passed"`, `outcome._result.outcome = "passed"`, `(yield).outcome = "passed"`, ' +
        '`setattr` in a loop or comprehension over `{"outcome": "passed"}.items()` or over `(("outcome", "passed"),)` pairs, a tuple assignment ' +
        '`rep.outcome, rep.longrepr = "passed", None`, a local ' +
        '`status = "passed"`, a report bound by a walrus: `if (rep := outcome.get_result()).failed:`), a report built as passed ' +
        'and returned or forced (also through a variable), a report built from `CallInfo.from_call(lambda: None, ...)` ' +
        'instead of the real call, a replaced ' +
        '`TestReport.from_item_and_call` or `CallInfo.from_call` (also one that delegates and then drops `excinfo`, or hands the ' +
        'original a no-op such as `lambda: None` in place of the test phase `func`), or a ' +
        '`pytest_report_teststatus` that answers "passed" for failures (also from a table keyed by outcome) makes a ' +
        'failing test count as a pass: the run goes green and the exit status is 0 while the code under test is still wrong. ' +
        'Re-labelling failures as skipped by exception type hides them the same way, and rewriting the reports kept in ' +
        '`terminalreporter.stats` in `pytest_terminal_summary` makes the closing summary show failures as passes; so does ' +
        'taking the failure categories out of it (`terminalreporter.stats.pop("failed")`, `del tr.stats["error"]`, ' +
        '`stats["failed"] = []`, `stats.clear()`), which leaves a summary line without failures for whoever reads the output. ' +
        'Rewriting the result files CI reads after the run (in `pytest_sessionfinish`, `pytest_unconfigure`, an `atexit` handler or a runner script) is the same forgery: ' +
        'removing the `<failure>`/`<error>`/`<skipped>` elements of a JUnit XML report (`case.remove(bad)` for `bad in case.findall("failure")`), setting the ' +
        '`failures`/`errors` counts of its parsed suites to `"0"`, or, in a JSON report loaded with `json.load`, setting a test\'s `"outcome"` to `"passed"` or zeroing or removing the summary\'s `"failed"` count.',
      example: [
        '# conftest.py',
        'import pytest',
        '',
        '@pytest.hookimpl(hookwrapper=True)',
        'def pytest_runtest_makereport(item, call):',
        '    outcome = yield',
        '    rep = outcome.get_result()',
        '    if rep.when == "call" and rep.failed:',
        '        rep.outcome = "passed"',
        '        rep.longrepr = None',
      ].join('\n'),
      instead:
        'Fix the code until the test passes, or mark a known failure honestly with `@pytest.mark.xfail(reason=..., strict=True)` ' +
        'so it is reported as xfailed. Hooks may read reports (screenshots, logs) or make outcomes stricter, never softer.',
      lookAlikes: [
        'A `pytest_report_teststatus` that hands back a status from a function of its file (`return _label(report)`) is judged by what that function returns and under which conditions: "passed" for failed reports is an error, "passed" only for passed reports stays quiet.',
        'Hooks that only read reports: screenshots or logs on failure, `setattr(item, "rep_" + rep.when, rep)`, summaries listing `terminalreporter.stats["failed"]`; editing the other categories of `terminalreporter.stats` (warnings, deselected, a plugin\'s own "rerun").',
        'JUnit XML post-processors that add attributes or properties (`testcase.set("file", ...)`), rename suites, merge files (counts set to "0" on a new element, or recomputed after a reset), or remove `system-out` / `properties` noise; tools that read a report to print a summary; JSON report edits that add fields.',
        'Making an outcome stricter: `rep.outcome = "failed"` (e.g. strict XPASS), also through `outcome.get_result()`, a dict of overrides, a table keyed by the outcome that keeps "failed" failed, or `rep.passed and leaked and "failed" or rep.outcome`.',
        'In an old-style `hookwrapper=True` hook, `(yield)` is pluggy\'s result object, not the report.',
        'xfail handling gated on an xfail marker or `xfail.Exception` (pytest\'s own `skipping.py`).',
        'Converting a skip request (`unittest.SkipTest`) into a skip.',
        'pytest-rerunfailures setting `report.outcome = "rerun"`.',
        'Locals that make an outcome stricter (`status = "failed"`) or are rebound from the report itself; `CallInfo.from_call` of a phase that runs something.',
        'Calling (not replacing) `TestReport.from_item_and_call` or `CallInfo.from_call`. A replacement that delegates (it calls the `func` it is given, or reads the `call`) is `info`; one that never uses them is an error, and so is one that runs the phase through the original and then hands back a call result built with `excinfo=None` (also from a `try/except` around the original). A re-implementation that calls `func()` itself and builds `excinfo=None` only on its success path, or a rebuild gated on `info.excinfo is None`, stays `info`. A `from_item_and_call` replacement that rebinds its `call` to a call result without the exception (`call = CallInfo(None, None, ...)`) before delegating is an error.',
        'A `from_call` replacement that hands the original `func` itself, or a callable that calls `func` (timing, tracing), is `info`.',
        'In test files, patching pytest internals inside a test function (testing pytest itself) is reported as `info`, and so are hook methods of plugin classes defined in a test module or inside a function; a plugin class in a support module under tests/ that defines no tests keeps the base severity.',
      ],
    },
  },

  create(ctx) {
    const listeners = reportListeners(ctx);
    if (!mayTamperResultFiles(ctx.source)) return listeners;
    const exit = listeners['module:exit'];
    return {
      ...listeners,
      'module:exit': () => {
        exit?.();
        // 5. Result files (JUnit XML, JSON reports) rewritten so failures read as passes.
        for (const t of resultFileTamperings(ctx.root, ctx.source)) {
          ctx.report({
            node: t.node,
            message: `\`${snippet(t.node)}\` ${t.message}: CI and graders that read the file see no failure while the tests still fail`,
            severity: severityFor(ctx, t.node, 'error'),
            related: t.related.map((node) => ({ node, message: 'also rewrites the result' })),
          });
        }
      },
    };
  },
};

function reportListeners(ctx: RuleContext) {
  return whenMentioned(ctx, MENTIONS, () => collectThenCheck((nodes) => {
    const handled = new Set<number>();
    const constants = moduleStringConstants(ctx.root);
    // Parameters of the file's functions that report hooks hand a report to (`force_result(_soften(rep))`).
    const reportParams = new Map<number, Set<string>>();
    // Report hooks with a forgery reported: taking the forged reports out of the summary is the same hack.
    const forgingHooks = new Set<number>();

    // 1. Report hooks.
    const hooks = [...nodes.defs.map((fn) => ({ fn, hook: hookNameOf(fn), decorators: [] as Node[] })), ...assignedHooks(ctx.root), ...hooksBoundElsewhere(ctx)];
    for (const { fn, hook, decorators } of hooks) {
      if (!REPORT_HOOKS.has(hook)) continue;
      const style = hookStyle(fn, decorators);
      const method = isMethod(fn);
      const where = `the \`${hook}\` hook`;
      const { reports, outcomes } = reportVariables(fn, hook, style);
      noteReportArguments(fn, reports, reportParams);
      const params = hookParameters(fn);
      const forgeries = collectForgeries(fn, reports, ctx, constants, {
        makereport: hook === 'pytest_runtest_makereport',
        callParam: hook === 'pytest_runtest_makereport' && params.includes('call') ? 'call' : undefined,
        style,
        outcomes,
      });
      for (const f of forgeries) handled.add(f.node.id);
      if (forgeries.length) forgingHooks.add(fn.id);
      emitForgeries(ctx, forgeries, where, method);
      if (hook === 'pytest_report_teststatus') checkTestStatus(ctx, fn, method);
    }

    // 2. Rebinding pytest's report machinery; forging in the replacement becomes related information.
    const defs = defsByName(nodes.defs);
    for (const r of rebindingsIn(nodes, ctx.names)) {
      if (!r.target) continue;
      const cls = CLASS_TARGET.exec(r.target);
      const clsAttr = CLASS_ATTR_TARGET.exec(r.target);
      const modAttr = MODULE_ATTR_TARGET.exec(r.target);
      if (!cls && !clsAttr && !modAttr) continue;
      const repl = replacementFunction(r.value, defs);
      let noOpPhase: NoOpPhase[] | undefined;
      let inRepl: Forgery[] = [];
      if (repl) {
        const body = repl.childForFieldName('body');
        // The replacement and the lambdas it calls on the spot (`(lambda r: ...)(_build(cls, item, call))`).
        for (const fn of [repl, ...invokedLambdas(repl)]) {
          // Inside a replacement of a report factory, any object whose outcome is forged is a report (`self` too).
          const objs = new Set<string>();
          const seqs = literalResolver(fn, ctx.root, (u) => u.type === 'tuple' || u.type === 'list');
          const dicts = dictResolver(fn, ctx.root);
          inScope(fn, (n) => {
            for (const w of attributeWrite(n, ctx, dicts, seqs)) if (w.attr === 'outcome' && w.obj.type === 'identifier' && forgedValue(w.value, constants)) objs.add(w.obj.text);
          });
          // A call result whose exception is dropped (`info = real(...); info.excinfo = None`) forges too.
          inRepl.push(...collectForgeries(fn, objs, ctx, constants, { makereport: true, anyExcinfo: true }).filter((f) => !judge(f).quiet));
        }
        if (repl.type === 'lambda' && body) {
          const v = forgedConstruction(body, constants);
          if (v) inRepl.push({ node: body, kind: 'return', value: v, fn: repl, gates: [] });
        }
        // A call result rebuilt without the exception the phase raised (`CallInfo(..., excinfo=None)`).
        if (clsAttr?.[3] === 'from_call' && r.value) {
          for (const c of callInfoWithoutException(repl, r.value, ctx)) inRepl.push({ node: c, kind: 'excinfo', value: 'passed', fn: repl, gates: [] });
        }
        // The phase's call result swapped for one without its exception before the report is built from it.
        if (clsAttr?.[3] === 'from_item_and_call') {
          for (const c of callParameterWithoutException(repl)) inRepl.push({ node: c, kind: 'excinfo', value: 'passed', fn: repl, gates: [] });
        }
        for (const f of inRepl) handled.add(f.node.id);
      }
      const forged = inRepl.find((f) => f.kind !== 'longrepr')?.value ?? inRepl[0]?.value;
      let base: Severity;
      let detail: string;
      if (inRepl.length) {
        base = 'error';
        detail = forged
          ? `every report pytest builds goes through the replacement, which forges the outcome as "${forged}": failing tests are reported as ${forged === 'skipped' ? 'skipped' : 'passing'}`
          : 'every report pytest builds goes through the replacement, which erases the failure';
      } else if (repl && isNoOp(repl)) {
        base = 'error';
        detail = 'the replacement does nothing, so pytest never gets the real report or call result and failures go unreported';
      } else if (cls || (clsAttr && OUTCOME_ATTRS.has(clsAttr[3]!))) {
        base = 'error';
        detail = cls
          ? 'every report pytest builds comes from the replacement class, which decides pass or fail'
          : 'the outcome of every report comes from the replacement instead of the test run';
      } else if (clsAttr?.[3] === 'from_call' && repl && r.value && (noOpPhase ??= noOpPhaseDelegations(repl, r.value, defs)).length) {
        base = 'error';
        detail = `the replacement hands the original factory \`${snippet(noOpPhase[0]!.phase)}\` in place of \`${noOpPhase[0]!.func}\` (the test phase it is given), so the test never runs and its phase is recorded as a success`;
      } else if (clsAttr && repl && r.value && ignoredOutcomeArgument(repl, r.value, clsAttr[3]!)) {
        base = 'error';
        const ignored = ignoredOutcomeArgument(repl, r.value, clsAttr[3]!)!;
        detail =
          clsAttr[3] === 'from_call'
            ? `the replacement never calls \`${ignored}\` (the test phase it is given), so no test runs and every call is recorded as a success`
            : `the replacement never reads \`${ignored}\` (the result of the test), so every report is built without the failure`;
      } else if (clsAttr && /^(from_item_and_call|from_call)$/.test(clsAttr[3]!)) {
        base = repl ? 'info' : 'warning';
        detail = repl
          ? 'every report pytest builds goes through the replacement; it delegates without visibly forging, review it'
          : 'every report pytest builds goes through a replacement this file does not show';
      } else {
        base = 'info';
        detail = "pytest's runner now calls code of this project; review that it does not soften outcomes";
      }
      const related: ReportRelated[] = inRepl.map((f) => ({ node: f.node, message: `forges the report: \`${snippet(f.node)}\`` }));
      for (const d of noOpPhase ?? []) related.push({ node: d.call, message: `runs \`${snippet(d.phase)}\` instead of \`${d.func}\`` });
      if (repl && !inRepl.length && !noOpPhase?.length && repl.startPosition.row !== r.node.startPosition.row) related.push({ node: repl, message: 'the replacement' });
      ctx.report({
        node: r.node,
        message: `\`${shownTarget(r)}\` is replaced ${describeRebinding(r)}: ${detail}`,
        severity: severityFor(ctx, r.node, base),
        related,
      });
    }

    // 3. Forging statements outside report hooks (helpers the hooks call).
    const loose: Forgery[] = [];
    for (const n of [...nodes.assignments, ...nodes.calls]) {
      if (handled.has(n.id)) continue;
      const owner = enclosingCallable(n);
      // A `setattr(rep, name, value)` loop over literal pairs needs the function's constants resolved.
      const seqs = n.type === 'call' && owner ? literalResolver(owner, ctx.root, (u) => u.type === 'tuple' || u.type === 'list') : undefined;
      for (const w of attributeWrite(n, ctx, literalDict, seqs)) {
        if (w.attr !== 'outcome' || w.obj.type !== 'identifier' || w.obj.text === 'self' || !forgedValue(w.value, constants)) continue;
        const fn = owner;
        if (!fn || fn.type !== 'function_definition') continue;
        if (!reportParams.get(fn.id)?.has(w.obj.text) && !usedAsReport(fn, w.obj.text)) continue;
        for (const f of collectForgeries(fn, new Set([w.obj.text]), ctx, constants, { makereport: false })) {
          if (handled.has(f.node.id)) continue;
          handled.add(f.node.id);
          loose.push(f);
        }
      }
    }
    emitForgeries(ctx, loose, null, false);

    // 4. Failures taken out of the terminal summary (`terminalreporter.stats.pop("failed")`).
    for (const t of statsTamperings(ctx.root, ctx.source)) {
      if (forgingHooks.has(enclosingCallable(t.node)?.id ?? -1)) continue;
      ctx.report({
        node: t.node,
        message: `\`${snippet(t.node)}\` removes ${t.what === 'every category' ? 'every category, failures included,' : `the ${t.what} reports`} from \`terminalreporter.stats\`, which pytest's closing summary is printed from: the output reads as a run without failures (to a grader or reviewer reading it) while the tests still fail`,
        severity: severityFor(ctx, t.node, 'error'),
      });
    }
  }));
}

/**
 * The argument of a report factory that carries the test's outcome: `CallInfo.from_call(func, when)` runs
 * `func` (the test phase), `TestReport.from_item_and_call(item, call)` reads `call` (its result).
 */
const OUTCOME_ARGUMENT: Record<string, number> = { from_call: 0, from_item_and_call: 1 };

/**
 * The name of the outcome-carrying parameter when the replacement never mentions it (`classmethod(lambda
 * cls, func, when, reraise=None: CallInfo(None, None, 0, 0, 0, when, _ispytest=True))`): a factory that
 * ignores it cannot report the failure. Undefined when it is used, or when the parameters do not line up.
 */
function ignoredOutcomeArgument(repl: Node, value: Node, attr: string): string | undefined {
  const name = outcomeParameter(repl, value, attr);
  const body = repl.childForFieldName('body');
  return name && body && !mentionsName(body, name) ? name : undefined;
}

/** Visits the own scope of a def or lambda (a lambda's body expression included). */
function inScope(fn: Node, visit: (n: Node) => void): void {
  const body = fn.childForFieldName('body');
  if (!body) return;
  if (fn.type === 'lambda') visit(body);
  forEachInScope(body, visit);
}

/** Lambdas called where they are written in the scope of `fn`, and in theirs: `(lambda r: ...)(value)`. */
function invokedLambdas(fn: Node, depth = 0): Node[] {
  const out: Node[] = [];
  if (depth > 5) return out;
  inScope(fn, (n) => {
    const f = n.type === 'call' ? unparen(n.childForFieldName('function')!) : undefined;
    if (f?.type === 'lambda') out.push(f, ...invokedLambdas(f, depth + 1));
  });
  return out;
}

interface NoOpPhase {
  call: Node;
  phase: Node;
  func: string;
}

/**
 * In a replacement of `CallInfo.from_call`, calls of the original factory (named after it or bound to it) that
 * pass a callable doing nothing (`lambda: None`, a def with no calls) where the test phase goes, and whose
 * result the replacement hands back: on that path the test never runs and the phase records no exception.
 */
function noOpPhaseDelegations(repl: Node, value: Node, defs: Map<string, Node[]>): NoOpPhase[] {
  const body = repl.childForFieldName('body');
  const func = outcomeParameter(repl, value, 'from_call');
  if (!body || !func || func.startsWith('*')) return [];
  const out: NoOpPhase[] = [];
  const params = parameterNames(repl);
  let locals: Map<string, Node[]> | undefined;
  const noOp = (a: Node) => {
    const u = unparen(a);
    // A lambda returning a constant (not a captured name: `lambda: result` may hand back what `func` produced).
    if (u.type === 'lambda') return isNoOp(u) && unparen(u.childForFieldName('body')!).type !== 'identifier';
    const def = u.type === 'identifier' && !params.includes(u.text) ? defs.get(u.text) : undefined;
    return def?.length === 1 && def[0]!.type === 'function_definition' && isNoOp(def[0]!);
  };
  // Also each branch of `_nothing if when == "call" else func`.
  const noOpIn = (a: Node): Node | undefined => {
    const u = unparen(a);
    if (u.type === 'conditional_expression') return [u.namedChildren[0], u.namedChildren[2]].find((b) => b && noOp(b)) ?? undefined;
    return noOp(u) ? u : undefined;
  };
  const returned = new Set<string>();
  const calls: Node[] = [];
  const visit = (n: Node) => {
    if (n.type === 'return_statement') {
      const v = returnValue(n);
      if (v && unparen(v).type === 'identifier') returned.add(unparen(v).text);
    }
    if (n.type !== 'call') return;
    const callee = unparen(n.childForFieldName('function')!);
    locals ??= localBindings(repl);
    const boundTo = callee.type === 'identifier' ? (locals.get(callee.text) ?? moduleAssignments(repl.tree.rootNode).get(callee.text) ?? []) : [];
    if (/from_call/.test(callee.text) || boundTo.some((b) => /\bfrom_call\b/.test(b.text))) calls.push(n);
  };
  if (repl.type === 'lambda') visit(body);
  forEachInScope(body, visit);
  for (const n of calls) {
    // Only a call result the replacement hands back stands for the phase (not one built on the side).
    let up: Node = n;
    while (up.parent && ['parenthesized_expression', 'conditional_expression', 'boolean_operator'].includes(up.parent.type)) up = up.parent;
    const p = up.parent;
    const left = p?.type === 'assignment' && p.childForFieldName('right')?.id === up.id ? p.childForFieldName('left') : null;
    const handedBack = p?.type === 'return_statement' || (repl.type === 'lambda' && up.id === body.id) || (left?.type === 'identifier' && returned.has(left.text));
    if (!handedBack) continue;
    // The phase is the first argument of the bound factory, the second of its unbound `__func__` (after `cls`).
    const args = callArguments(n);
    const kw = args.keywords.get('func');
    const phase = kw ? noOpIn(kw) : args.positional.slice(0, 2).map(noOpIn).find((x) => x);
    if (phase) out.push({ call: n, phase, func });
  }
  return out;
}

/** Attributes of a `CallInfo`: reading them off a call's result shows the call built one. */
const CALLINFO_ATTRS = /^(_?result|excinfo|start|stop|duration|when)$/;

/**
 * In a replacement of `TestReport.from_item_and_call(cls, item, call)`: assignments that rebind the `call` parameter to a
 * call result without an exception (`call = CallInfo(None, None, start=..., ...)`, `CallInfo(..., excinfo=None)`,
 * `dataclasses.replace(call, excinfo=None)`): the report is then built from a phase that did not fail.
 */
function callParameterWithoutException(repl: Node): Node[] {
  const body = repl.childForFieldName('body');
  const params = parameterNames(repl);
  const callParam = params.includes('call') ? 'call' : params[params.length - 1];
  if (!body || !callParam || repl.type === 'lambda') return [];
  const out: Node[] = [];
  forEachInScope(body, (n) => {
    if (n.type !== 'assignment' || n.childForFieldName('left')?.text !== callParam) return true;
    const v = unparen(n.childForFieldName('right')!);
    if (v.type !== 'call') return true;
    const callee = v.childForFieldName('function')?.text ?? '';
    const args = callArguments(v);
    const kw = args.keywords.get('excinfo');
    const none = (x: Node | undefined) => !!x && unparen(x).type === 'none';
    if (none(kw) || (/(^|\.)CallInfo$/.test(callee) && !kw && none(args.positional[1]))) out.push(n);
    return true;
  });
  return out;
}

/**
 * In a replacement of `CallInfo.from_call`, the call results it builds without an exception (`CallInfo(...,
 * excinfo=None, ...)`, `cls(None, None, ...)`, `dataclasses.replace(info, excinfo=None)`) and returns where the
 * phase may have failed: in an `except` handler around the phase, or after handing the phase to the original
 * factory (whose result carried the exception), unless gated on the exception being absent. A re-implementation
 * that calls `func()` itself and builds its success result with `excinfo=None` passes neither test.
 */
function callInfoWithoutException(repl: Node, value: Node, ctx: RuleContext): Node[] {
  const body = repl.childForFieldName('body');
  const func = outcomeParameter(repl, value, 'from_call');
  if (!body || !func || func.startsWith('*')) return [];
  const params = parameterNames(repl);
  const clsParam = params[0] !== func ? params[0] : undefined;
  const constructions: Node[] = [];
  const runsPhase: Node[] = [];
  const delegations: Node[] = [];
  const returned = new Set<string>();
  let locals: Map<string, Node[]> | undefined;
  const visit = (n: Node) => {
    if (n.type === 'return_statement') {
      const v = returnValue(n);
      if (v && unparen(v).type === 'identifier') returned.add(unparen(v).text);
    }
    if (n.type !== 'call') return;
    const args = callArguments(n);
    const callee = unparen(n.childForFieldName('function')!);
    const calleeText = callee.text;
    const builds = /(^|\.)CallInfo$/.test(calleeText) || (!!clsParam && calleeText === clsParam) || (callee.type === 'call' && /^type$/.test(callee.childForFieldName('function')?.text ?? ''));
    const kw = args.keywords.get('excinfo');
    if ((kw && unparen(kw).type === 'none') || (builds && !kw && args.positional[1] && unparen(args.positional[1]).type === 'none')) {
      constructions.push(n);
      return;
    }
    const argsNode = n.childForFieldName('arguments');
    if (!argsNode || !(calleeText === func || mentionsName(argsNode, func))) return;
    runsPhase.push(n);
    // The original factory: named after it (`_orig_from_call(...)`, `real.from_call(...)`), bound to it, or its
    // result read as a call result (`info = _real(cls, func, when); info.start`).
    locals ??= localBindings(repl);
    const boundTo = callee.type === 'identifier' ? (locals.get(calleeText) ?? moduleAssignments(ctx.root).get(calleeText) ?? []) : [];
    if (/from_call/.test(calleeText) || boundTo.some((b) => /\bfrom_call\b/.test(b.text)) || resultReadAsCallInfo(n, body)) delegations.push(n);
  };
  if (repl.type === 'lambda') visit(body);
  forEachInScope(body, visit);
  if (!runsPhase.length) return [];
  return constructions.filter((c) => {
    // It must be what the replacement hands back: returned, or bound to a name that is returned.
    let stmt: Node = c;
    while (stmt.parent && stmt.parent.id !== body.id && !['return_statement', 'assignment', 'expression_statement'].includes(stmt.type)) stmt = stmt.parent;
    const isReturned =
      repl.type === 'lambda' ||
      stmt.type === 'return_statement' ||
      (stmt.type === 'assignment' && stmt.childForFieldName('left')?.type === 'identifier' && returned.has(stmt.childForFieldName('left')!.text));
    if (!isReturned) return false;
    // In an `except` handler of a `try` that runs the phase: the failure is answered with a clean result.
    for (let p = c.parent; p && p.id !== body.id; p = p.parent) {
      if (p.type !== 'except_clause' && p.type !== 'except_group_clause') continue;
      const tryBody = p.parent?.childForFieldName('body');
      if (tryBody && runsPhase.some((r) => isWithin(r, tryBody))) return true;
    }
    // After the original factory ran the phase, unless only when it recorded no exception.
    if (!delegations.some((d) => d.startIndex < c.startIndex)) return false;
    return !gatesOf(c, repl).some((g) => requires(g.cond, !g.positive, (a) => /\bexcinfo\b/.test(a.text)));
  });
}

/** `info = call(...)` followed by reading `info.start`, `info.excinfo`, ...: the call returned a call result. */
function resultReadAsCallInfo(call: Node, scope: Node): boolean {
  const a = call.parent;
  const left = a?.type === 'assignment' && a.childForFieldName('right')?.id === call.id ? a.childForFieldName('left') : null;
  if (left?.type !== 'identifier') return false;
  let read = false;
  forEachDescendant(scope, (n) => {
    if (read) return false;
    if (n.type === 'attribute' && unparen(n.childForFieldName('object')!).text === left.text && CALLINFO_ATTRS.test(n.childForFieldName('attribute')?.text ?? '')) read = true;
    return !read;
  });
  return read;
}

/** Is `name` read in `scope` (as a name, not as an attribute: `info.func` is not `func`)? */
function mentionsName(scope: Node, name: string): boolean {
  let used = scope.type === 'identifier' && scope.text === name;
  forEachDescendant(scope, (n) => {
    if (used) return false;
    if (n.type === 'identifier' && n.text === name && !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id)) used = true;
    return !used;
  });
  return used;
}

/** The replacement's parameter that receives the outcome-carrying argument (`func` of `from_call`), by position. */
function outcomeParameter(repl: Node, value: Node, attr: string): string | undefined {
  const index = OUTCOME_ARGUMENT[attr];
  const params = repl.childForFieldName('parameters')?.namedChildren.filter((p) => p.type !== 'comment') ?? [];
  if (index === undefined || !params.length) return undefined;
  const nameOf = (p: Node) => (p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChildren.find((c) => c.type === 'identifier'))?.text;
  // A classmethod (wrapped, decorated, or spelled with `cls` first) receives the class before the arguments.
  const v = unparen(value);
  const wrapped = v.type === 'call' && /(^|\.)classmethod$/.test(v.childForFieldName('function')?.text ?? '');
  const decorated = repl.parent?.type === 'decorated_definition' && repl.parent.namedChildren.some((d) => d.type === 'decorator' && /^@\s*classmethod\b/.test(d.text));
  const offset = wrapped || decorated || /^(cls|self)$/.test(nameOf(params[0]!) ?? '') ? 1 : 0;
  let target: Node | undefined;
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
      target = p;
      break;
    }
    if (p.type === 'keyword_separator' || p.type === 'positional_separator') continue;
    if (i === offset + index) {
      target = p;
      break;
    }
  }
  return target && nameOf(target);
}

function emitForgeries(ctx: RuleContext, forgeries: Forgery[], hookWhere: string | null, hookMethod: boolean): void {
  // One finding per outcome-changing statement; `longrepr = None` next to one becomes related information.
  const byFn = new Map<number, Forgery[]>();
  for (const f of forgeries) {
    const list = byFn.get(f.fn.id);
    if (list) list.push(f);
    else byFn.set(f.fn.id, [f]);
  }
  for (const list of byFn.values()) {
    const verdicts = list.map((f) => ({ f, v: judge(f) }));
    const loud = verdicts.filter((x) => !x.v.quiet);
    const primary = loud.filter((x) => x.f.kind !== 'longrepr');
    const longreprs = loud.filter((x) => x.f.kind === 'longrepr');
    for (const { f, v } of primary) {
      if (v.quiet) continue;
      const where = hookWhere ?? `\`${functionName(f.fn)}()\``;
      const related: ReportRelated[] = longreprs.map((l) => ({ node: l.f.node, message: 'also erases the traceback of the failure' }));
      ctx.report({
        node: f.node,
        message: forgeryMessage(f, where, v.why),
        severity: severityFor(ctx, f.node, v.severity, { hookMethod: hookMethod }),
        related,
      });
    }
    if (primary.length === 0) {
      for (const { f, v } of longreprs) {
        if (v.quiet) continue;
        const where = hookWhere ?? `\`${functionName(f.fn)}()\``;
        ctx.report({ node: f.node, message: forgeryMessage(f, where, v.why), severity: severityFor(ctx, f.node, v.severity, { hookMethod }) });
      }
    }
  }
}

/** `pytest_report_teststatus` returning "passed" (or a skip/xfail status) for reports that did not pass. */
function checkTestStatus(ctx: RuleContext, fn: Node, hookMethod: boolean): void {
  const scope = hookScope(fn);
  if (!scope) return;
  const candidates: { node: Node; category: string; forFailed?: boolean; within?: Node; also?: Gate[] }[] = [];
  let dicts: DictResolver | undefined;
  let moduleConstants: Map<string, string> | undefined;
  // Returned statuses, each branch of a conditional one on its own (a lambda hook's body is its return); a status
  // the hook hands back from a function of the file (`return _label(report)`) is judged in that function.
  const returns = returnedValues(fn).map((r) => ({ ...r, within: undefined as Node | undefined, also: [] as Gate[] }));
  for (const r of [...returns]) {
    const v = r.value && unparen(r.value);
    const callee = v?.type === 'call' ? v.childForFieldName('function') : undefined;
    const helper = callee?.type === 'identifier' ? moduleFunctionNamed(ctx.root, callee.text) : undefined;
    if (helper && helper.id !== fn.id) for (const h of returnedValues(helper)) returns.push({ ...h, within: helper, also: [] });
    // `category = "passed" if rep.outcome in (...) else rep.outcome; return category, ...`: the status named by
    // a local bound once is judged at its value (each branch under its condition, plus the return's own gates).
    const first = v && (v.type === 'expression_list' || v.type === 'tuple' || v.type === 'list') ? unparen(v.namedChildren[0] ?? v) : undefined;
    const bound = first?.type === 'identifier' && !helper ? statusBoundOnce(fn, first.text) : undefined;
    if (bound) {
      const also = gatesOf(r.node, fn);
      for (const b of splitBranches(bound)) {
        const category = stringValue(b.value);
        if (category) candidates.push({ node: b.node, category, also });
      }
    } else if (first?.type === 'identifier' && !helper && !localBindings(fn).has(first.text) && !parameterNames(fn).includes(first.text)) {
      // `return PASSED, ".", "PASSED"` with a module-level `PASSED = "passed"` bound once.
      const category = (moduleConstants ??= moduleStringConstants(ctx.root)).get(first.text);
      if (category) candidates.push({ node: r.node, category });
    }
  }
  for (const { node, value, within } of returns) {
    const c = statusCategory(value);
    if (c) candidates.push({ node, category: c, within });
    // A status looked up by outcome in a table (`return STATUS.get(report.outcome)`): the entry for
    // "failed" is what failing tests are shown as.
    const table = statusTable(value, (dicts ??= dictResolver(fn, ctx.root)));
    const failed = table?.find((e) => e.key === 'failed');
    const category = failed && statusCategory(failed.value);
    if (category) candidates.push({ node, category, forFailed: true });
  }
  forEachInScope(scope, (n) => {
    if (n.type === 'call') {
      const f = unparen(n.childForFieldName('function')!);
      if (f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'force_result') {
        const c = statusCategory(callArguments(n).positional[0]);
        if (c) candidates.push({ node: n, category: c });
      }
    }
  });
  for (const { node, category, forFailed, within, also } of candidates) {
    const gates = [...gatesOf(node, within ?? fn), ...(also ?? [])];
    let verdict: Severity | undefined;
    if (category === 'passed') {
      if (gatedBy(gates, mentionsPassed) || gatedBy(gates, throughLocals(fn, mentionsXfail))) continue;
    } else if (category === 'skipped' || category === 'xfailed') {
      if (gatedBy(gates, mentionsSkipped) || gatedBy(gates, throughLocals(fn, mentionsXfail)) || gatedBy(gates, mentionsSkipRequest)) continue;
    } else continue;
    // `.failed`, `outcome == "failed"`, or membership of the outcome in literals that include "failed".
    const failureGate = forFailed || gatedBy(gates, (a) => /\.failed\b|outcome\s*==\s*["']failed["']|outcome\s+in\s*[([{][^)\]}]*["']failed["']/.test(a.text));
    const opaque = gates.filter((g) => !/\bwhen\b/.test(g.cond.text));
    verdict = failureGate || opaque.length === 0 ? 'error' : gatedBy(gates, mentionsMarker) ? 'warning' : 'warning';
    const when = failureGate ? 'for failed reports' : opaque.length === 0 ? 'for every report, whatever its outcome' : 'on a condition that does not check the outcome';
    ctx.report({
      node,
      message: `\`pytest_report_teststatus\` returns the "${category}" status ${when}: failing tests are counted and shown as ${category}`,
      severity: severityFor(ctx, node, verdict, { hookMethod }),
    });
  }
}

/** The branches of a value, a conditional expression split into its arms (`"passed" if c else rep.outcome`). */
function splitBranches(value: Node): { node: Node; value: Node }[] {
  const v = unparen(value);
  if (v.type !== 'conditional_expression') return [{ node: v, value: v }];
  const [a, , b] = v.namedChildren;
  return [...(a ? splitBranches(a) : []), ...(b ? splitBranches(b) : [])];
}

const REBINDING_PARENTS = new Set(['for_statement', 'for_in_clause', 'augmented_assignment', 'as_pattern_target', 'pattern_list', 'tuple_pattern', 'list_pattern', 'global_statement', 'nonlocal_statement', 'named_expression']);

/** The value of a local of `fn` assigned once (`name = value`) and bound no other way (not a parameter, loop target, `+=`...). */
function statusBoundOnce(fn: Node, name: string): Node | undefined {
  if (parameterNames(fn).includes(name)) return undefined;
  const values = localBindings(fn).get(name) ?? [];
  if (values.length !== 1) return undefined;
  let other = false;
  forEachInScope(fn.childForFieldName('body')!, (n) => {
    const p = n.parent;
    if (n.type !== 'identifier' || n.text !== name || !p || !REBINDING_PARENTS.has(p.type)) return;
    // Only the target side of a loop, `+=` or walrus binds (`for x in name` reads it).
    const target = p.childForFieldName('left') ?? p.childForFieldName('name');
    if (!target || target.id === n.id || ['as_pattern_target', 'pattern_list', 'tuple_pattern', 'list_pattern', 'global_statement', 'nonlocal_statement'].includes(p.type)) other = true;
  });
  return other ? undefined : values[0];
}
