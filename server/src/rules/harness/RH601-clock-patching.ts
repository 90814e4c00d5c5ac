/**
 * RH601 clock-patching: code under test rebinding the clocks a test or benchmark measures with —
 * `time.time`, `time.perf_counter`, `time.monotonic`, `time.process_time` (and their `_ns` variants),
 * `time.clock_gettime`, `timeit.default_timer`, `torch.cuda.synchronize`, the `timeit` measurements
 * (`timeit.Timer.timeit`, the `timeit.Timer` class), `datetime.datetime` (swapped for a subclass whose `now()`
 * is fixed), `resource.getrusage`, `os.times`, or the whole `time`/`timeit` module in `sys.modules` — by
 * assignment, `setattr`, `vars(time)[...]`, `vars(time).update(...)`,
 * `monkeypatch.setattr` (object and dotted-string forms) or `mock.patch("time.time")` /
 * `mock.patch.object(time, "time")`, also in a loop over a literal list of names
 * (`for c in ("time", "perf_counter"): setattr(time, c, f)`), or in a helper whose same-file callers pass the
 * clock in (`speed_up(time, "perf_counter")`), or that no call of the file explains but that sets a clock name only the
 * clock modules have (`mod.perf_counter = _smooth`); or a `freezegun.freeze_time(...)`/`time_machine.travel(...)` started
 * with `.start()` and never stopped in the same function. A performance test then measures a fake clock.
 *
 * Error in code under test and entry points; nothing in tests and test infrastructure, where a frozen
 * clock is an ordinary fixture. Restoring the saved original (`time.time = _real_time`) and backports
 * under a feature check (`if not hasattr(time, "monotonic"): time.monotonic = time.time`) are not reported
 * (unless the backport stops the clock: `lambda: 0.0`). A reversible patcher (a class with another method that
 * puts the saved clocks back, like freezegun's `start()`/`stop()`, or a module function with a sibling function that
 * does: `freeze()`/`unfreeze()`) is `info`, unless the same file starts it for good.
 */
import { callArguments, dottedName, enclosingClass, enclosingFunction, enclosingLoopIterable, functionName, isMethod, loopLiteralStrings, parameterNames, stringValue, unparen, type Node } from '../../engine/ast';
import { MentionedWords, whenMentioned } from '../../engine/prefilter';
import { isFeatureGuarded, mayRebindCall, rebindingsAt, rebindTargetName, type RebindForm, type Rebinding } from '../../engine/rebinding';
import { isTestHelperPath, isTestSide } from '../../engine/roles';
import type { Rule } from '../../engine/rule';
import type { NameResolver } from '../../engine/names';
import type { Severity } from '../../engine/types';
import { builtStrings } from '../equality/helpers';
import { callSites, valueOf } from './helpers';

const CLOCKS = new Set([
  'time.time', 'time.time_ns', 'time.perf_counter', 'time.perf_counter_ns', 'time.monotonic', 'time.monotonic_ns',
  'time.process_time', 'time.process_time_ns', 'time.thread_time', 'time.thread_time_ns', 'time.clock_gettime',
  'time.clock_gettime_ns', 'timeit.default_timer',
  'torch.cuda.synchronize', 'torch.cuda.Event.elapsed_time',
  // The measurement itself: what `timeit.timeit(...)` and `Timer(...).timeit()` report.
  'timeit.timeit', 'timeit.repeat', 'timeit.Timer.timeit', 'timeit.Timer.repeat', 'timeit.Timer.autorange',
  // ... and the class that makes them: `timeit.Timer = FastTimer` replaces all three methods at once.
  'timeit.Timer',
  // Other clocks a test times with: wall-clock time from `datetime.datetime.now()` (a C type whose methods
  // cannot be reassigned, so the class itself is swapped for a subclass), CPU time from `resource.getrusage()`
  // and `os.times()`.
  'datetime.datetime', 'resource.getrusage', 'os.times',
]);

/**
 * Every clock's last name contains one of these words (`default_timer` contains `time`): the regex
 * `/time|perf_counter|monotonic|default_timer|synchronize/`, searched by rarer letters.
 */
export const CLOCK_TEXT = new MentionedWords([
  ['time', 'me'],
  ['perf_counter', 'f_c'],
  ['monotonic', 'mo'],
  ['synchronize', 'y'],
  ['getrusage', 'rus'],
]);

/** The last segments of the clocks: `clockOf` can only match a name ending in one of them. */
const CLOCK_LAST_NAMES = new Set([...CLOCKS].map((c) => c.slice(c.lastIndexOf('.') + 1)));

/** `time.time`, or a dotted string that reaches it through another module (`"solution.time.time"`). */
function clockOf(q: string): string | undefined {
  if (CLOCKS.has(q)) return q;
  for (const c of CLOCKS) if (q.endsWith(`.${c}`)) return c;
  return undefined;
}

/**
 * The clocks a rebinding replaces: its target, or — for a name computed by a loop over a literal,
 * `for c in ("time", "perf_counter"): setattr(time, c, f)` — each name the loop gives it.
 */
function clocksRebound(r: Rebinding, names: NameResolver): string[] {
  const t = r.target;
  if (t.kind === 'attribute' && t.attr === undefined) {
    // A name built from literals (`"mono" + "tonic"`, a constant bound once to one) names its clocks too.
    const listed = t.attrNode && (loopLiteralStrings(t.attrNode) ?? loopConstantStrings(t.attrNode) ?? builtStrings(t.attrNode));
    const owner = listed && ownerModule(t.owner, names);
    if (owner) return [...new Set(listed.map((attr) => clockOf(`${owner}.${attr}`)).filter((c): c is string => c !== undefined))];
    return t.attrNode ? clocksPassedIn(t.owner, t.attrNode, undefined, names) : [];
  }
  // Cheap before resolving the owner: `owner.attr` names a clock only if attr ends in a clock's last name.
  if (t.kind === 'attribute' && !CLOCK_LAST_NAMES.has(t.attr!.slice(t.attr!.lastIndexOf('.') + 1))) return [];
  const target = rebindTargetName(r, names) ?? (t.kind === 'attribute' ? qualifiedRead(t.owner, t.attr, names) : undefined);
  const clock = target && clockOf(target);
  if (clock) return [clock];
  return t.kind === 'attribute' ? clocksPassedIn(t.owner, undefined, t.attr, names) : [];
}

/**
 * The module an owner expression holds: what `qualify` reads, or what a name bound once holds when it is
 * taken from `sys.modules` (`_clock = sys.modules.get("time") or __import__("time")`: both sides must agree).
 */
function ownerModule(owner: Node, names: NameResolver, depth = 0): string | undefined {
  const q = names.qualify(owner);
  if (q || depth > 3) return q;
  const o = unparen(owner);
  if (o.type === 'identifier') {
    const v = valueOf(o, { orModule: true });
    return v && v.id !== o.id ? ownerModule(v, names, depth + 1) : undefined;
  }
  if (o.type === 'boolean_operator' && o.childForFieldName('operator')?.type === 'or') {
    const a = ownerModule(o.childForFieldName('left')!, names, depth + 1);
    return a && a === ownerModule(o.childForFieldName('right')!, names, depth + 1) ? a : undefined;
  }
  const fn = o.type === 'call' ? o.childForFieldName('function') : null;
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get' && names.qualify(fn.childForFieldName('object')) === 'sys.modules') {
    const mod = stringValue(callArguments(o).positional[0]);
    return mod && /^[\w.]+$/.test(mod) ? mod : undefined;
  }
  return undefined;
}

/** `owner.attr` by `ownerModule`, only when `qualify` cannot read the owner (undefined without an attribute). */
function qualifiedRead(owner: Node, attr: string | undefined, names: NameResolver): string | undefined {
  if (!attr || names.qualify(owner)) return undefined;
  const module = ownerModule(owner, names);
  return module ? `${module}.${attr}` : undefined;
}

/**
 * What an expression reads, as `qualify` names it, or `getattr(owner, NAME)` with an owner `ownerModule` reads
 * and a name built from literals (`_real = getattr(_clock, "mono" + "tonic")`, a saved original).
 */
function qualifyRead(node: Node, names: NameResolver, depth = 0): string | undefined {
  const q = names.qualify(node);
  const n = unparen(node);
  if (!q && n.type === 'identifier' && depth === 0) {
    const v = valueOf(n, { orModule: true });
    return v && v.id !== n.id ? qualifyRead(v, names, 1) : undefined;
  }
  if (q || n.type !== 'call' || names.callee(n) !== 'builtins.getattr') return q;
  const [owner, name] = callArguments(n).positional;
  const built = name && builtStrings(name);
  const module = owner && built?.length === 1 ? ownerModule(owner, names) : undefined;
  return module ? `${module}.${built![0]}` : undefined;
}

/**
 * The strings a loop variable takes when its loop runs over a named constant of literal names:
 * `for c in _CLOCKS: setattr(time, c, fast)` with `_CLOCKS = ("time", "perf_counter")` in the module, or
 * `for c in self.NAMES:` with `NAMES = (...)` in the class body.
 */
function loopConstantStrings(id: Node): string[] | undefined {
  const v = unparen(id);
  if (v.type !== 'identifier') return undefined;
  const iterable = enclosingLoopIterable(v);
  const it = iterable && unparen(iterable);
  if (it?.type !== 'identifier' && it?.type !== 'attribute') return undefined;
  const seq = valueOf(it, { orModule: true });
  const items = seq && unparen(seq);
  if (!items || !/^(tuple|list|set)$/.test(items.type)) return undefined;
  const values = items.namedChildren.filter((c) => c.type !== 'comment').map((c) => stringValue(c));
  return values.length > 0 && values.every((x) => x !== undefined) ? (values as string[]) : undefined;
}

/**
 * A helper that patches what its caller names — `def speed_up(mod, name): setattr(mod, name, fast)` called
 * as `speed_up(time, "perf_counter")` in the same file: the clocks its same-file calls pass in. The owner
 * (and a computed attribute name) must be parameters of the helper.
 */
function clocksPassedIn(owner: Node, attrNode: Node | undefined, attr: string | undefined, names: NameResolver): string[] {
  const fn = enclosingFunction(owner);
  if (!fn) return [];
  const params = parameterNames(fn);
  const param = (n: Node | undefined) => (n && unparen(n).type === 'identifier' && params.includes(unparen(n).text) ? unparen(n).text : undefined);
  const ownerParam = param(owner);
  const attrParam = param(attrNode);
  if (!ownerParam && !attrParam) return [];
  if (attr === undefined && !attrParam) return [];
  const found = new Set<string>();
  const sites = callSites(fn);
  for (const site of sites) {
    const ownerArg = ownerParam ? site.argumentFor(ownerParam) : owner;
    const q = ownerArg && names.qualify(ownerArg);
    const attrArg = attrParam ? site.argumentFor(attrParam) : undefined;
    const name = attr ?? (attrArg && stringValue(attrArg));
    const clock = q && name ? clockOf(`${q}.${name}`) : undefined;
    if (clock) found.add(clock);
  }
  // `def stabilise_timer(mod): mod.perf_counter = _smooth_clock`, called from another module with `time`: no call in
  // the file says what `mod` is, but only the clock modules have these names.
  if (!sites.length && ownerParam && !/^(self|cls)$/.test(ownerParam) && attr && DISTINCT_CLOCK_NAMES.has(attr)) found.add(attr === 'default_timer' ? 'timeit.default_timer' : `time.${attr}`);
  return [...found];
}

/** Clock names no other module of note uses: an attribute of that name on a module handed in is that clock. */
const DISTINCT_CLOCK_NAMES = new Set(['perf_counter', 'perf_counter_ns', 'monotonic', 'monotonic_ns', 'process_time', 'process_time_ns', 'thread_time', 'thread_time_ns', 'default_timer']);

/** A replacement that stops the clock: a lambda returning a number, or a mock. */
function isConstantClock(value: Node, names: NameResolver): boolean {
  const v = unparen(value);
  if (v.type === 'lambda') {
    const body = v.childForFieldName('body');
    const b = body && unparen(body);
    return !!b && (b.type === 'integer' || b.type === 'float' || (b.type === 'unary_operator' && /^(integer|float)$/.test(b.lastNamedChild?.type ?? '')));
  }
  return v.type === 'call' && /(^|\.)(Mock|MagicMock|create_autospec)$/.test(names.callee(v) ?? '');
}

/** Modules whose entries are the clocks: replacing one in `sys.modules` swaps every clock in it. */
const CLOCK_MODULES = new Set(['time', 'timeit', 'datetime', 'resource']);

/**
 * `vars(time).update(perf_counter=fast)`, `time.__dict__.update({"time": fast})`: a module's namespace
 * updated with clocks, several at once. The clocks named by keyword or by a dict literal's string keys.
 */
function clocksUpdatedInNamespace(call: Node, names: NameResolver): string[] {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'update') return [];
  const ns = unparen(fn.childForFieldName('object')!);
  let owner: Node | undefined;
  if (ns.type === 'call' && names.callee(ns) === 'builtins.vars') owner = callArguments(ns).positional[0];
  else if (ns.type === 'attribute' && ns.childForFieldName('attribute')?.text === '__dict__') owner = ns.childForFieldName('object') ?? undefined;
  const module = owner && names.qualify(owner);
  if (!module) return [];
  const args = callArguments(call);
  const keys = [...args.keywords.keys()];
  for (const a of args.positional) {
    const d = unparen(a);
    if (d.type !== 'dictionary') continue;
    for (const pair of d.namedChildren) {
      const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
      const k = key && stringValue(key);
      if (k) keys.push(k);
    }
  }
  return keys.map((k) => clockOf(`${module}.${k}`)).filter((c): c is string => c !== undefined && c.startsWith(`${module}.`));
}

/** The time-freezing factories whose `.start()` patches every clock (`time.time`, `time.monotonic`, `datetime.datetime`, ...). */
const FREEZERS = /^(freezegun(\.api)?\.freeze_time|time_machine\.travel)$/;
/** What undoes a started freezer: `freezer.stop()`. */
const STOP = new Set(['stop']);

/**
 * `freeze_time("2024-01-01").start()`, or `f = freeze_time(...)` then `f.start()`: time stays frozen until a
 * `.stop()` that the same function (or module) never calls. A `with freeze_time(...)` block or the decorator
 * ends with its block or call: not this.
 */
function unstoppedFreezer(call: Node, names: NameResolver): Node | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'start') return undefined;
  const obj = unparen(fn.childForFieldName('object')!);
  const made = obj.type === 'call' ? obj : valueOf(obj);
  const factory = made && unparen(made);
  if (factory?.type !== 'call' || !FREEZERS.test(names.callee(factory) ?? '')) return undefined;
  if (obj.type !== 'call') {
    if (callsRestorer(enclosingFunction(call) ?? call.tree.rootNode, STOP, obj.text)) return undefined;
  }
  return factory;
}

/** `sys.modules["time"] = fake`: the module a later `import time` (in the tests) gets, when it is a clock module. */
function replacedClockModule(assign: Node, names: NameResolver): string | undefined {
  const left = assign.childForFieldName('left');
  const value = assign.childForFieldName('right');
  if (left?.type !== 'subscript' || !value || value.type === 'assignment') return undefined;
  // `qualify` reads `sys.modules["time"]` as the module it holds.
  const module = names.qualify(left);
  if (!module || !CLOCK_MODULES.has(module) || names.qualify(value) === module) return undefined; // not a restore
  if (isFeatureGuarded(assign)) return undefined; // a stand-in where the platform lacks the module
  return module;
}

/** The forms the rule covers: scoped test-support helpers (`swap_attr`, `setitem`, `patch.multiple`/`.dict`) are left out. */
const CLOCK_FORMS = new Set<RebindForm>(['assignment', 'namespace', 'setattr', 'monkeypatch', 'mock.patch', 'mock.patch.object']);

/** What the rebinding does; `clocks` holds several names when a loop over a literal rebinds each. */
function how(r: Rebinding, clocks: string[]): string {
  const clock = clocks.join('`, `');
  switch (r.form) {
    case 'namespace':
      return `\`${r.node.text} = ...\` replaces \`${clock}\` in the module's namespace`;
    case 'setattr':
      return `\`setattr(...)\` replaces \`${clock}\``;
    case 'monkeypatch':
      return `\`${dottedName(r.node.childForFieldName('function')) ?? 'setattr'}(...)\` replaces \`${clock}\``;
    case 'mock.patch':
    case 'mock.patch.object':
      return `\`${dottedName(r.node.childForFieldName('function')) ?? 'patch'}(...)\` replaces \`${clock}\``;
    case 'assignment':
    default:
      return `\`${r.node.text} = ...\` replaces \`${clock}\``;
  }
}

/** The replacement is the clock itself (restoring a saved original): `time.time = _real_time`. */
function isRestore(r: Rebinding, clock: string, qualify: (n: Node) => string | undefined): boolean {
  if (!r.value) return false;
  const v = unparen(r.value);
  if (qualify(v) === clock) return true;
  // The original saved in a local or on the object first: `self._orig = time.time` ... `time.time = self._orig`.
  const saved = (v.type === 'identifier' || v.type === 'attribute') && valueOf(v);
  return !!saved && qualify(unparen(saved)) === clock;
}

/**
 * Per patcher scope (a class, or the module's top-level functions): the clocks some function puts back
 * (`time.time = real_time` in `stop()`), by function name, and the modules a function restores whatever it
 * saved on (`for attr, orig in self._saved: setattr(time, attr, orig)`).
 */
interface Restorers {
  clocks: Map<string, Set<string>>;
  modules: Map<string, Set<string>>;
}

const restorersByScope = new WeakMap<Node, Restorers>();

/** A def at module level (possibly decorated or under an `if`), not nested in a class or another function. */
function isModuleFunction(fn: Node): boolean {
  return !enclosingFunction(fn) && !enclosingClass(fn);
}

/** The functions of a patcher scope: a class's methods, or (for the module root) its top-level functions. */
function belongsTo(fn: Node, scope: Node): boolean {
  return scope.type === 'class_definition' ? isMethod(fn) && enclosingClass(fn)?.id === scope.id : isModuleFunction(fn);
}

/**
 * Whether `setattr(module, name, value)` with a computed name could put back a saved original: `value` is held
 * somewhere (`original`, `saved[name]`, `self._saved.pop(name)`), not a constant (`None`) or the value the
 * module holds now (`getattr(time, name)`, which restores nothing).
 */
function maySetSavedOriginal(value: Node, module: string, names: NameResolver): boolean {
  const v = unparen(value);
  if (v.type === 'identifier' || v.type === 'attribute' || v.type === 'subscript') return true;
  if (v.type !== 'call') return false;
  if (names.callee(v) !== 'builtins.getattr') return true;
  const owner = callArguments(v).positional[0];
  return !owner || names.qualify(owner) !== module;
}

function restorersOf(scope: Node, names: NameResolver): Restorers {
  let found = restorersByScope.get(scope);
  if (found) return found;
  found = { clocks: new Map(), modules: new Map() };
  const note = (map: Map<string, Set<string>>, key: string, fnName: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(fnName);
    map.set(key, set);
  };
  for (const node of scope.descendantsOfType(['assignment', 'call'])) {
    if (!node) continue;
    const fn = enclosingFunction(node);
    if (!fn || !belongsTo(fn, scope)) continue;
    if (node.type === 'call' && !mayRebindCall(node, names)) continue;
    for (const r of rebindingsAt(node, names)) {
      if (!CLOCK_FORMS.has(r.form)) continue;
      const t = r.target;
      // `setattr(time, attr, original)` with a computed name: puts back what the patcher saved. (A loop over
      // literal names is not computed: its names are checked one by one below.)
      const computed = t.kind === 'attribute' && t.attr === undefined && !(t.attrNode && (loopLiteralStrings(t.attrNode) ?? builtStrings(t.attrNode)));
      if (r.form === 'setattr' && computed && r.value) {
        const module = names.qualify(t.owner);
        if (module && CLOCK_MODULES.has(module) && maySetSavedOriginal(r.value, module, names)) note(found.modules, module, functionName(fn));
        continue;
      }
      for (const clock of clocksRebound(r, names)) if (isRestore(r, clock, (n) => qualifyRead(n, names))) note(found.clocks, clock, functionName(fn));
    }
  }
  restorersByScope.set(scope, found);
  return found;
}

/**
 * A patcher meant to be used around a test, like `monkeypatch`: the rebinding runs in a function that has a
 * sibling putting every clock it replaces back — another method of its class (`start()` installs,
 * `stop()`/`__exit__()` restores), or another top-level function of its module (`freeze()` installs,
 * `unfreeze()` restores the saved `_real_time`). `scope` is the class, or the module root.
 */
interface Patcher {
  scope: Node;
  install: string;
  restore: Set<string>;
}

function reversiblePatcher(r: Rebinding, clocks: string[], names: NameResolver): Patcher | undefined {
  const fn = enclosingFunction(r.node);
  if (!fn) return undefined;
  const scope = isMethod(fn) ? enclosingClass(fn)! : isModuleFunction(fn) ? fn.tree.rootNode : undefined;
  if (!scope) return undefined;
  const install = functionName(fn);
  const { clocks: restored, modules } = restorersOf(scope, names);
  const restore = new Set<string>();
  for (const clock of clocks) {
    const module = clock.slice(0, clock.indexOf('.'));
    const by = [...(restored.get(clock) ?? []), ...(modules.get(module) ?? [])].filter((m) => m !== install);
    if (by.length === 0) return undefined;
    for (const m of by) restore.add(m);
  }
  return { scope, install, restore };
}

/** Whether `scope` (a function body) calls one of the restorers, on `target` (`c.off()`) or directly (`unfreeze()`). */
function callsRestorer(scope: Node, restore: Set<string>, target?: string): boolean {
  return scope.descendantsOfType('call').some((c) => {
    const g = c?.childForFieldName('function');
    if (target === undefined) return g?.type === 'identifier' && restore.has(g.text);
    return g?.type === 'attribute' && restore.has(g.childForFieldName('attribute')?.text ?? '') && g.childForFieldName('object')?.text === target;
  });
}

/**
 * Where the same file starts a reversible patcher for good. A class: `FastClock().install()` at import, or
 * `c = FastClock(); c.install()` in a function that never calls `c.uninstall()`; a `with FastClock():` block
 * or calls through `self` inside the class are scoped. Module functions: `freeze()` at import, or in a
 * function that never calls `unfreeze()` (a method counts as scoped when another method of its class does,
 * as in `setUp`/`tearDown`).
 */
function startedForGood(patcher: Patcher): Node | undefined {
  const root = patcher.scope.tree.rootNode;
  if (patcher.scope.type !== 'class_definition') return moduleFunctionStartedForGood(patcher, root);
  const className = patcher.scope.childForFieldName('name')?.text;
  if (!className || !root.text.includes(`.${patcher.install}(`)) return undefined;
  const makesPatcher = (n: Node | undefined) => {
    const v = n && unparen(n);
    return v?.type === 'call' && v.childForFieldName('function')?.text === className;
  };
  for (const call of root.descendantsOfType('call')) {
    const f = call?.childForFieldName('function');
    if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== patcher.install) continue;
    const obj = unparen(f.childForFieldName('object')!);
    if (makesPatcher(obj)) return call!;
    if (!makesPatcher(valueOf(obj, { orModule: true }))) continue;
    if (!callsRestorer(enclosingFunction(call!) ?? root, patcher.restore, obj.text)) return call!;
  }
  return undefined;
}

function moduleFunctionStartedForGood(patcher: Patcher, root: Node): Node | undefined {
  if (!root.text.includes(`${patcher.install}(`)) return undefined;
  for (const call of root.descendantsOfType('call')) {
    const f = call?.childForFieldName('function');
    if (f?.type !== 'identifier' || f.text !== patcher.install) continue;
    const caller = enclosingFunction(call!);
    if (!caller) return call!; // at import
    if (functionName(caller) === patcher.install || patcher.restore.has(functionName(caller))) continue;
    const scope = isMethod(caller) ? enclosingClass(caller)! : caller;
    if (!callsRestorer(scope, patcher.restore)) return call!;
  }
  return undefined;
}

/** Where a rebinding runs: in a named function, or at import. */
function whereOf(node: Node): string {
  const fn = enclosingFunction(node);
  return fn ? ` in \`${functionName(fn)}()\`` : ' at import time';
}

/** Why it matters, by where it is written. */
function tailFor(helper: boolean): string {
  return helper
    ? 'fine in a clock-freezing test helper, a hack if code under test installs it.'
    : 'every test or benchmark that times the code reads the fake clock, so a time limit passes without the code being fast enough.';
}

export const clockPatching: Rule = {
  meta: {
    code: 'RH601',
    name: 'clock-patching',
    family: 'RH6',
    defaultSeverity: 'error',
    severityByRole: { 'code-under-test': 'error', 'entry-point': 'error', test: 'off', 'test-infrastructure': 'off' },
    docs: {
      summary: 'Code under test replaces a clock that tests and benchmarks measure with (`time.perf_counter`, `time.time`, `timeit.default_timer`, `timeit.Timer.timeit`, the `time` module in `sys.modules`, ...).',
      why: [
        'Performance tests time the code: `start = time.perf_counter(); solve(big); assert time.perf_counter() - start < 1.0`.',
        'If the code under test rebinds `time.perf_counter` (or `time.time`, `time.monotonic`, `time.process_time`,',
        '`timeit.default_timer`, `torch.cuda.synchronize`) to a function that returns a constant or a scaled value,',
        'every measurement after the import reads the fake clock, and a slow solution passes a timing limit it never met.',
        '',
        'The rule follows imports and aliases and finds every form: `time.perf_counter = ...`, `setattr(time, "perf_counter", ...)`,',
        '`vars(time)["time"] = ...`, `monkeypatch.setattr("time.time", ...)` / `monkeypatch.setattr(time, "time", ...)`,',
        '`mock.patch("time.perf_counter", ...)` and `mock.patch.object(time, "time", ...)`, also in a loop over a literal list of',
        'names: `for c in ("time", "perf_counter", "monotonic"): setattr(time, c, lambda: 0.0)` (or over a constant holding such a',
        'list: `for c in _CLOCKS:` with `_CLOCKS = ("time", "perf_counter")`), or with a name built from literal pieces',
        '(`setattr(time, "mono" + "tonic", fake)`, `_NAME = "perf_" + "counter"` bound once), on a module taken from',
        '`sys.modules` (`_clock = sys.modules.get("time") or __import__("time")`).',
        '',
        'Replacing the measurement itself counts too: `timeit.timeit`, `timeit.repeat` and the `timeit.Timer` methods',
        '(`timeit.Timer.timeit = lambda self, number=1000000: 0.001`) or the class itself (`timeit.Timer = FastTimer`), and',
        'swapping the whole clock module in `sys.modules` (`sys.modules["time"] = fake_time`), which every later `import time` receives.',
        '`time.clock_gettime` and `time.clock_gettime_ns` are clocks too, and so are the other clocks a test times with:',
        '`datetime.datetime` (its methods cannot be reassigned, so the class is swapped for a subclass whose `now()` is fixed:',
        '`datetime.datetime = FrozenDatetime`), `resource.getrusage` and `os.times` (CPU time). Updating a clock module\'s',
        'namespace (`vars(time).update(perf_counter=fast)`, `time.__dict__.update({"time": fast})`) counts as well.',
        '',
        'Starting a time freezer in code under test — `freeze_time("2024-01-01").start()` (freezegun) or `time_machine.travel(...).start()`',
        '— freezes `time.time`, `time.monotonic`, `time.perf_counter` and `datetime.datetime.now` for everything that runs after it,',
        'the tests included, unless the same function (or module) stops it again.',
        '',
        'A helper that patches whatever its caller names counts when a call in the same file names a clock:',
        '`def speed_up(mod, name): setattr(mod, name, fast)` called as `speed_up(time, "perf_counter")`; with no call in the file, a clock name only the clock modules have (`def stabilise_timer(mod): mod.perf_counter = _smooth`, `monotonic`, `process_time`, `default_timer`).',
      ].join('\n'),
      example: ['import time', '', '_real = time.perf_counter', 'time.perf_counter = lambda: _real() / 100  # everything looks 100x faster'].join('\n'),
      instead: 'Make the code faster, or discuss the time limit. To control time in *tests*, patch the clock in the test (`monkeypatch.setattr(time, "time", lambda: 1000.0)`) or inject a clock into the code under test as a parameter.',
      lookAlikes: [
        'Frozen clocks in tests and fixtures (`monkeypatch.setattr(time, "time", ...)`, `mock.patch("time.time")`, `freezegun`): quiet.',
        'Clock-freezing helpers in test-helper modules (`mylib/testing/clock.py`, `pytest_*` plugins): `info`.',
        'A reversible patcher — a class whose one method installs the fake clock and another (`stop()`, `__exit__()`, `uninstall()`)',
        'puts the saved original back, as freezegun\'s freezer does — is test machinery used around a test: `info`. It is an `error` when',
        'the same file starts it and never stops it (`Accelerator().on()` at import, `c = Accelerator(); c.on()` with no `c.off()`).',
        'The same holds for a pair of module functions (`def freeze(): time.time = _fake` with `def unfreeze(): time.time = _real_time`):',
        '`info`, and an `error` when the file calls `freeze()` at import or in a function that never calls `unfreeze()`.',
        'Restoring the saved original (`time.time = _real_time`, `time.time = self._orig` after `self._orig = time.time`, `sys.modules["time"] = time`): quiet.',
        'A subclass of `timeit.Timer` defining its own `timeit()`, an object\'s own `self.timeit` attribute: quiet.',
        'A `datetime.datetime` subclass that is never installed in its place (`class Oracle_datetime(datetime.datetime)`), `vars(self).update(time=...)`: quiet.',
        'A freezer scoped to a block or call (`with freeze_time(epoch):`, `@freeze_time(...)`, `.start()` followed by `.stop()` in the same function): quiet.',
        'Backports guarded by a feature check (`if not hasattr(time, "monotonic"): time.monotonic = time.time`, `except AttributeError:`): quiet, unless the replacement is a stopped clock (`lambda: 0.0`).',
        'A module defining its own timer (`default_timer = time.perf_counter` inside a module, `timer = time.monotonic`): quiet — it binds a name, it does not replace the clock.',
        'Patching a project collaborator (`mock.patch("app.cache.now")`) or `time.sleep`: quiet (not a clock the tests measure with).',
      ],
    },
  },
  create(ctx) {
    // `roleAt` only ever turns code under test into an entry point, so the file's role decides test-side.
    if (isTestSide(ctx.role)) return {};
    // A clock-freezing helper shipped for tests (`mylib/testing/clock.py`) is doing its job: `info`.
    const helper = isTestHelperPath(ctx.path);
    const severity: Severity = helper ? 'info' : 'error';
    const check = (node: Node) => {
      for (const r of rebindingsAt(node, ctx.names)) {
        if (!CLOCK_FORMS.has(r.form)) continue;
        const clocks = clocksRebound(r, ctx.names);
        if (clocks.length === 0) continue;
        if (isRestore(r, clocks[0]!, (n) => qualifyRead(n, ctx.names))) continue;
        // A backport installing a real clock where an old Python lacks one (`if not hasattr(time, "monotonic"):`).
        if (isFeatureGuarded(r.node) && !(r.value && isConstantClock(r.value, ctx.names))) continue;
        // A patcher whose other method puts the clocks back (freezegun's `start()`/`stop()`) is test machinery:
        // `info`, unless this file starts it and never stops it.
        const patcher = reversiblePatcher(r, clocks, ctx.names);
        if (patcher) {
          const started = startedForGood(patcher);
          const restorers = [...patcher.restore].map((m) => `\`${m}()\``).join(', ');
          const tail = started
            ? `${restorers} would put the original back, but line ${started.startPosition.row + 1} starts it and never stops it, so every test or benchmark that times the code reads the fake clock.`
            : `${restorers} puts the original back: a patcher used around a test (like \`monkeypatch\`), a hack only if code under test starts it and never stops it.`;
          ctx.report({ node: r.node, message: `${how(r, clocks)}${whereOf(r.node)}: ${tail}`, severity: started ? severity : 'info' });
          continue;
        }
        ctx.report({ node: r.node, message: `${how(r, clocks)}${whereOf(r.node)}: ${tailFor(helper)}`, severity });
      }
    };
    const checkModuleSwap = (node: Node) => {
      const module = replacedClockModule(node, ctx.names);
      if (!module) return;
      const tail = helper
        ? tailFor(helper)
        : `every later \`import ${module}\` — in the tests and benchmarks too — gets the replacement and its clocks, so a time limit passes without the code being fast enough.`;
      ctx.report({ node, message: `\`${node.childForFieldName('left')!.text} = ...\` replaces the \`${module}\` module${whereOf(node)}: ${tail}`, severity });
    };
    // `freeze_time(...).start()` names no clock: asked only in files that name a freezer.
    const mentionsFreezer = /freeze_time|time_machine/.test(ctx.source);
    const checkFreezer = (node: Node) => {
      const factory = unstoppedFreezer(node, ctx.names);
      if (!factory) return;
      const made = dottedName(factory.childForFieldName('function')) ?? 'freeze_time';
      ctx.report({
        node,
        message: `\`${made}(...).start()\`${whereOf(node)} freezes \`time.time\`, \`time.monotonic\`, \`time.perf_counter\` and \`datetime.datetime.now\` with no \`.stop()\`: ${tailFor(helper)}`,
        severity,
      });
    };
    // A rebinding names the clock it replaces by an identifier or a string literal, and every clock's last
    // name contains one of CLOCK_TEXT's words (`whenMentioned` also looks inside concatenated strings).
    return whenMentioned(ctx, CLOCK_TEXT, () => ({
      assignment(node) {
        // Not a chain: `name = value` rebinds only a name, `a.b = value` a clock only if `b` is a clock's name.
        if (node.childForFieldName('right')?.type !== 'assignment') {
          const left = node.childForFieldName('left');
          if (left?.type === 'identifier') return;
          if (left?.type === 'attribute' && !CLOCK_LAST_NAMES.has(left.childForFieldName('attribute')?.text ?? '')) return;
          if (left?.type === 'subscript') checkModuleSwap(node);
        }
        check(node);
      },
      call(node) {
        // Most calls cannot patch anything: the engine's cheap test comes before the rebinding analysis.
        if (mayRebindCall(node, ctx.names)) check(node);
        else if (mentionsFreezer && node.childForFieldName('function')?.type === 'attribute') checkFreezer(node);
        const updated = clocksUpdatedInNamespace(node, ctx.names);
        if (updated.length > 0) {
          ctx.report({ node, message: `\`${dottedName(node.childForFieldName('function')) ?? 'update'}(...)\` replaces \`${updated.join('`, `')}\`${whereOf(node)}: ${tailFor(helper)}`, severity });
        }
      },
    }));
  },
};
