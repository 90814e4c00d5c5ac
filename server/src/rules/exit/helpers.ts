/**
 * Shared analysis for the RH1 (exit) family: recognising exit sites (`sys.exit(0)`, `os._exit(0)`,
 * `raise SystemExit`...), deciding whether an exit status is "success", and a per-file registry of
 * callbacks (signal handlers, atexit functions, excepthooks, thread/process targets) so that an exit
 * inside a callback is judged by what the callback is for.
 *
 * General helpers that the engine may want later: `isSuccessStatus`, `callbackRegistry`,
 * `functionsByName`, `namesCalledUnderMainGuard`.
 */
import {
  callArguments,
  dottedName,
  enclosingFunction,
  forEachDescendant,
  forEachInScope,
  functionName,
  isMainGuardCondition,
  lastNameOf,
  localAssignments,
  moduleAssignments,
  parameterNames,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { builtStrings, valueBoundOnce } from '../equality/helpers';

export type ExitKind = 'sys.exit' | 'os._exit' | 'exit' | 'quit' | 'SystemExit';

export interface ExitSite {
  /** The `call` or `raise_statement` that exits. */
  node: Node;
  kind: ExitKind;
  /** The status argument, or null when none is given. */
  status: Node | null;
  /** How the call exits, shown with it: `which ends in \`sys.exit(status)\`` for `finish()`. */
  via?: string;
  /** The exit status is success whatever `status` says: the process is replaced by a program that exits 0. */
  succeeds?: boolean;
  /** False for `os._exit`: no `except`, `pytest.raises` or test runner can catch it. */
  catchable: boolean;
  /** The class of this file raised, and its bases up to SystemExit, when it subclasses SystemExit (`raise Aborted(reason)`). */
  exitClasses?: string[];
  /** A ready-made exit kept in a table for later (`{"abort": functools.partial(os._exit, 0)}`): where it is kept. */
  storedIn?: TableEntry;
}

/** An entry of a module- or class-level table: `ACTIONS = {"finish": ...}`, `STEPS = [..., ...]`. */
export interface TableEntry {
  table: string;
  key?: string;
}

const EXIT_CALLEES: Record<string, ExitKind> = {
  'sys.exit': 'sys.exit',
  'os._exit': 'os._exit',
  'posix._exit': 'os._exit',
  'nt._exit': 'os._exit',
  'builtins.exit': 'exit',
  'builtins.quit': 'quit',
  'site.exit': 'exit',
};

/** The kind of exit function a qualified name is (`sys.exit`), as `exitFunctionKind` decides it. */
export function exitKindOfQualified(q: string | undefined): ExitKind | undefined {
  // Own keys only: a module named `constructor` or `toString` is not Object.prototype's.
  return q && Object.hasOwn(EXIT_CALLEES, q) ? EXIT_CALLEES[q] : undefined;
}

/** The kind of exit function an expression names (`sys.exit`, `bye` after `from os import _exit as bye`). */
export function exitFunctionKind(node: Node | null | undefined, names: NameResolver): ExitKind | undefined {
  return exitKindOfQualified(names.qualify(node) ?? dynamicQualified(node, names));
}

/**
 * What an expression names when its module or attribute is fetched by a name built from literals, which
 * `qualify` does not read: `getattr(sys, "ex" + "it")`, `getattr(sys, _TERMINATE)` with `_TERMINATE = "ex" +
 * "it"`, `__import__("o" + "s")`, `importlib.import_module(f"{A}{B}")`, an attribute of one of them, or a
 * name bound once to one of them (`_rt = __import__("o" + "s")`, `_leave = getattr(_rt, "_" + "exit")`).
 * A name that may take several values (a loop over names, two bindings) names nothing here.
 */
export function dynamicQualified(node: Node | null | undefined, names: NameResolver, depth = 0): string | undefined {
  if (!node || depth > 6) return undefined;
  const n = unparen(node);
  if (n.type === 'identifier') {
    const known = names.lookup(n.text);
    if (known || !namesBoundToFetches(n, names).has(n.text)) return known;
    return dynamicQualified(valueBoundOnce(n), names, depth + 1);
  }
  if (n.type === 'attribute') {
    const attr = n.childForFieldName('attribute')?.text;
    const owner = attr ? names.qualify(n.childForFieldName('object')) ?? dynamicQualified(n.childForFieldName('object'), names, depth + 1) : undefined;
    return owner && `${owner}.${attr}`;
  }
  if (n.type !== 'call') return undefined;
  const fn = names.qualify(n.childForFieldName('function'));
  if (fn !== 'builtins.getattr' && fn !== 'builtins.__import__' && fn !== 'importlib.import_module') return undefined;
  const args = callArguments(n);
  if (args.hasSplat) return undefined;
  if (fn === 'builtins.getattr') {
    if (args.positional.length < 2) return undefined;
    const owner = names.qualify(args.positional[0]) ?? dynamicQualified(args.positional[0], names, depth + 1);
    const values = owner ? builtStrings(args.positional[1]) : undefined;
    return values?.length === 1 && /^[A-Za-z_]\w*$/.test(values[0]!) ? `${owner}.${values[0]}` : undefined;
  }
  const values = args.positional[0] ? builtStrings(args.positional[0]) : undefined;
  if (values?.length !== 1 || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(values[0]!)) return undefined;
  // `__import__("os.path")` returns the top package; import_module returns the leaf.
  return fn === 'builtins.__import__' ? values[0]!.split('.')[0] : values[0];
}

/** Per file (its resolver, asked at every call: finding the module node again each time would cost a walk up). */
const fetchedNames = new WeakMap<NameResolver, Set<string>>();
/**
 * Names the file assigns the result of `getattr(...)`, `__import__(...)` or `import_module(...)` to (a textual
 * scan, once per file): only those can name a fetched module or attribute.
 */
function namesBoundToFetches(n: Node, names: NameResolver): Set<string> {
  let found = fetchedNames.get(names);
  if (!found) {
    let root = n;
    while (root.parent) root = root.parent;
    found = new Set();
    const text = root.text;
    // Most files fetch nothing by name: skip the costlier pattern when none of the three names occurs.
    if (text.includes('getattr') || text.includes('__import__') || text.includes('import_module')) {
      for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*:?=\s*(?:getattr|__import__|[\w.]*import_module)\s*\(/g)) found.add(m[1]!);
    }
    fetchedNames.set(names, found);
  }
  return found;
}

function isSystemExitClass(node: Node | null | undefined, names: NameResolver): boolean {
  return names.qualify(node) === 'builtins.SystemExit';
}

/** An exit site at `node` (a `call` or a `raise_statement`), or undefined. */
export function exitSiteOf(node: Node, names: NameResolver): ExitSite | undefined {
  if (node.type === 'call') {
    const kind = exitFunctionKind(node.childForFieldName('function'), names);
    if (!kind) return undefined;
    const args = callArguments(node);
    // A lone `*args` stands for the status: `isSuccessStatus` looks into it (`os._exit(*ARGS)`, `ARGS = (0,)`).
    const splat = args.hasSplat ? loneListSplat(node) : undefined;
    if (args.hasSplat && !splat) return undefined;
    const status = splat ?? args.positional[0] ?? args.keywords.get('code') ?? args.keywords.get('status') ?? null;
    if (kind === 'os._exit' && !status) return undefined; // `os._exit()` is a TypeError, not an exit
    return { node, kind, status, catchable: kind !== 'os._exit' };
  }
  if (node.type === 'raise_statement') {
    const raised = node.namedChildren.find((c) => c.type !== 'comment' && c.id !== node.childForFieldName('cause')?.id);
    if (!raised) return undefined;
    const r = unparen(raised);
    if (isSystemExitClass(r, names)) return { node, kind: 'SystemExit', status: null, catchable: true };
    if (r.type === 'call' && isSystemExitClass(r.childForFieldName('function'), names)) {
      const args = callArguments(r);
      if (args.hasSplat || args.positional.length > 1) return undefined; // a tuple code exits non-zero
      return { node, kind: 'SystemExit', status: args.positional[0] ?? null, catchable: true };
    }
    // A class of this file that subclasses SystemExit: `raise Aborted` / `raise Aborted(reason)`.
    const cls = r.type === 'call' ? r.childForFieldName('function') : r;
    const own = cls?.type === 'identifier' && names.lookup(cls.text) === undefined ? ownSystemExitClass(cls, names) : undefined;
    if (!own) return undefined;
    const exitClass = cls!.text;
    const exitClasses = own.names;
    if (own.forced) return { node, kind: 'SystemExit', status: null, catchable: true, exitClasses, via: `\`${exitClass}\` subclasses SystemExit ${own.forced}` };
    if (r.type !== 'call') return { node, kind: 'SystemExit', status: null, catchable: true, exitClasses, via: `\`${exitClass}\` subclasses SystemExit` };
    const args = callArguments(r);
    if (args.hasSplat || args.positional.length > 1 || args.keywords.size) return undefined;
    return { node, kind: 'SystemExit', status: args.positional[0] ?? null, catchable: true, exitClasses, via: `\`${exitClass}\` subclasses SystemExit` };
  }
  return undefined;
}

/**
 * How a class of this file that subclasses SystemExit (directly or through other classes of the file, one
 * base each) sets the exit status: `forced` says how its constructor exits 0 whatever it is given
 * (`super().__init__()`, `super().__init__(0)`, a class-level `code = 0`); without it the class takes its
 * arguments like SystemExit. Undefined for other classes, and where the status is set some other way (a
 * constructor passing its arguments on, a `code` attribute that is not a success, `__new__`).
 */
export function ownSystemExitClass(id: Node, names: NameResolver): { forced?: string; init?: Node; cls: Node; names: string[] } | undefined {
  const chain: Node[] = [];
  let name = id.text;
  for (let depth = 0; ; depth++) {
    const cls = depth < 6 ? moduleClass(id, name) : undefined;
    if (!cls || chain.includes(cls)) return undefined;
    chain.push(cls);
    const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).filter((b) => b.type !== 'comment');
    if (bases.length !== 1) return undefined;
    if (names.qualify(bases[0]) === 'builtins.SystemExit') break;
    if (bases[0]!.type !== 'identifier' || names.lookup(bases[0]!.text) !== undefined) return undefined;
    name = bases[0]!.text;
  }
  const classNames = chain.map(functionName);
  for (let i = 0; i < chain.length; i++) {
    const members = classMembers(chain[i]!);
    if (members.has('__new__')) return undefined;
    const code = members.get('code');
    if (code) {
      // A class attribute `code` is what the exit reads, whatever the constructor stores.
      return code.type === 'assignment' && isSuccessLiteral(code.childForFieldName('right'), names) ? { forced: `with \`code = ${code.childForFieldName('right')!.text}\``, cls: chain[0]!, names: classNames } : undefined;
    }
    const init = members.get('__init__');
    if (!init) continue;
    // The constructor decides, unless a class further up has one of its own that it calls instead.
    if (init.type !== 'function_definition' || chain.slice(i + 1).some((c) => classMembers(c).has('__init__') || classMembers(c).has('code'))) return undefined;
    const forced = initForcingSuccess(init, names);
    return forced ? { forced: `and its constructor calls \`${forced.replace(/\s+/g, ' ')}\``, init, cls: chain[0]!, names: classNames } : undefined;
  }
  return { cls: chain[0]!, names: classNames };
}

/** The one class of this name defined at module level of `node`'s file, and the name bound nowhere else there. */
function moduleClass(node: Node, name: string): Node | undefined {
  let root = node;
  while (root.parent) root = root.parent;
  let byName = moduleClasses.get(root);
  if (!byName) {
    byName = new Map();
    for (const stmt of root.namedChildren) {
      const d = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      const n = d && (d.type === 'class_definition' || d.type === 'function_definition') ? d.childForFieldName('name')?.text : undefined;
      if (n) byName.set(n, byName.has(n) ? null : d!.type === 'class_definition' && stmt.type === 'class_definition' ? d : null);
    }
    for (const [n] of moduleAssignments(root)) if (byName.has(n)) byName.set(n, null);
    moduleClasses.set(root, byName);
  }
  return byName.get(name) ?? undefined;
}
const moduleClasses = new WeakMap<Node, Map<string, Node | null>>();

/** The names a class body binds, each with its `def` or assignment (the last one). */
function classMembers(cls: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const d = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (d?.type === 'function_definition') out.set(functionName(d), d);
    else if (d?.type === 'class_definition') out.set(functionName(d), d);
    else if (stmt.type === 'expression_statement') {
      const a = stmt.namedChild(0);
      const left = a?.type === 'assignment' || a?.type === 'augmented_assignment' ? a.childForFieldName('left') : undefined;
      if (left?.type === 'identifier') out.set(left.text, a!);
    }
  }
  return out;
}

/**
 * The base constructor call of an `__init__` that always gives SystemExit a success status, as written:
 * one statement of its body calling `super().__init__()`, `super().__init__(0)` or `SystemExit.__init__(self,
 * None)`, no other base constructor call, and no `self.code = ...`.
 */
function initForcingSuccess(init: Node, names: NameResolver): string | undefined {
  const body = init.childForFieldName('body');
  const self = parameterNames(init)[0];
  if (!body || !self) return undefined;
  let calls = 0;
  let setsCode = false;
  forEachInScope(body, (n) => {
    if (n.type === 'call' && lastNameOf(n.childForFieldName('function')) === '__init__') calls++;
    if ((n.type === 'assignment' || n.type === 'augmented_assignment') && /\bcode\b/.test(n.childForFieldName('left')?.text ?? '')) setsCode = true;
    if (n.type === 'call' && names.qualify(n.childForFieldName('function')) === 'builtins.setattr') setsCode = true;
  });
  if (calls !== 1 || setsCode) return undefined;
  for (const stmt of body.namedChildren) {
    const call = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== '__init__') continue;
    const owner = unparen(fn.childForFieldName('object')!);
    const args = callArguments(call!);
    if (args.hasSplat || args.keywords.size) return undefined;
    let rest = args.positional;
    if (owner.type === 'call' && names.qualify(owner.childForFieldName('function')) === 'builtins.super') {
      // `super()` or `super(Cls, self)`
    } else if (names.qualify(owner) === 'builtins.SystemExit' && rest[0]?.type === 'identifier' && rest[0].text === self) {
      rest = rest.slice(1);
    } else return undefined;
    if (rest.length === 0 || (rest.length === 1 && isSuccessLiteral(rest[0], names))) return call!.text;
    return undefined;
  }
  return undefined;
}

/** The `*args` of a call whose only argument it is (`f(*args)`), else undefined. */
function loneListSplat(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  return args.length === 1 && args[0]!.type === 'list_splat' ? args[0] : undefined;
}

/** An exit function with arguments bound in advance: `functools.partial(os._exit, 0)`. */
export interface BoundExit {
  kind: ExitKind;
  /** Positional arguments bound before the call's own. */
  bound: Node[];
  keywords: Map<string, Node>;
}

/** `functools.partial(os._exit, 0)` (or a partial of such a partial): the exit it calls, with the bound arguments. */
export function partialExit(node: Node | null | undefined, names: NameResolver, depth = 0): BoundExit | undefined {
  if (!node || depth > 4) return undefined;
  const c = unparen(node);
  if (c.type !== 'call' || names.qualify(c.childForFieldName('function')) !== 'functools.partial') return undefined;
  const args = callArguments(c);
  const target = args.positional[0];
  if (args.hasSplat || !target) return undefined;
  const kind = exitFunctionKind(target, names);
  if (kind) return { kind, bound: args.positional.slice(1), keywords: args.keywords };
  const inner = partialExit(target, names, depth + 1);
  return inner && { kind: inner.kind, bound: [...inner.bound, ...args.positional.slice(1)], keywords: new Map([...inner.keywords, ...args.keywords]) };
}

/** The exit a call makes through a `BoundExit`, with the status it ends up with. */
export function boundExitSite(call: Node, exit: BoundExit): ExitSite | undefined {
  const args = callArguments(call);
  if (args.hasSplat) return undefined;
  const positional = [...exit.bound, ...args.positional];
  const status = positional[0] ?? args.keywords.get('code') ?? args.keywords.get('status') ?? exit.keywords.get('code') ?? exit.keywords.get('status') ?? null;
  if (exit.kind === 'os._exit' && !status) return undefined;
  return { node: call, kind: exit.kind, status, catchable: exit.kind !== 'os._exit' };
}

/**
 * A `functools.partial(os._exit, 0)` kept as an entry of a table (`entryOf` says which), which whatever picks
 * the entry calls: judged like a lambda that exits kept there.
 */
export function storedPartialExitSite(call: Node, names: NameResolver, entryOf: (n: Node) => TableEntry | undefined): ExitSite | undefined {
  const exit = partialExit(call, names);
  const storedIn = exit ? entryOf(call) : undefined;
  if (!exit || !storedIn) return undefined;
  const status = exit.bound[0] ?? exit.keywords.get('code') ?? exit.keywords.get('status') ?? null;
  if (exit.kind === 'os._exit' && !status) return undefined;
  return { node: call, kind: exit.kind, status, catchable: exit.kind !== 'os._exit', storedIn };
}

/**
 * Calls that store a function and its arguments to call later, at the end of a test, class, module,
 * fixture or `with` block: `self.addCleanup(f, *args)`, `unittest.addModuleCleanup(f, *args)`,
 * `request.addfinalizer(f)`, `ExitStack().callback(f, *args)`.
 */
const DEFERRING_METHODS = new Set(['addCleanup', 'addClassCleanup', 'addModuleCleanup', 'addfinalizer', 'callback']);

/** Cheap test on a call's last name before `deferredExitSite` resolves anything. */
export function mayDeferCall(call: Node): boolean {
  return DEFERRING_METHODS.has(lastNameOf(call.childForFieldName('function')));
}

/**
 * An exit stored for later by a deferring call (`self.addCleanup(os._exit, 0)`,
 * `request.addfinalizer(functools.partial(os._exit, 0))`): it runs where the cleanup runs, so it is judged
 * at the registering call. Undefined for other calls and other callbacks.
 */
export function deferredExitSite(call: Node, names: NameResolver): ExitSite | undefined {
  if (!mayDeferCall(call)) return undefined;
  const args = callArguments(call);
  const callback = args.positional[0];
  if (!callback || args.hasSplat) return undefined;
  const kind = exitFunctionKind(callback, names);
  const exit = kind ? { kind, bound: [], keywords: new Map<string, Node>() } : partialExit(callback, names);
  if (!exit) return undefined;
  const positional = [...exit.bound, ...args.positional.slice(1)];
  const status = positional[0] ?? exit.keywords.get('code') ?? exit.keywords.get('status') ?? null;
  if (exit.kind === 'os._exit' && !status) return undefined;
  return { node: call, kind: exit.kind, status, catchable: exit.kind !== 'os._exit' };
}

/** Cheap test before `threadedExitSite` resolves anything: a callee named like one that starts a thread. */
export function mayStartThread(call: Node): boolean {
  return /Thread$|^Timer$|^start_new_thread$/.test(lastNameOf(call.childForFieldName('function')));
}

/**
 * `os._exit` handed to a new thread with its status: `threading.Thread(target=os._exit, args=(0,))`,
 * `threading.Timer(1, os._exit, args=(0,))`, `_thread.start_new_thread(os._exit, (0,))`, or a partial of it as
 * the callable. `os._exit` in any thread ends the whole process (a SystemExit ends only the thread, so only
 * `os._exit` counts); judged at the call that hands it over. Arguments not written as a literal tuple or
 * list stay unknown.
 */
export function threadedExitSite(call: Node, names: NameResolver): ExitSite | undefined {
  if (!mayStartThread(call)) return undefined;
  const fn = call.childForFieldName('function');
  const q = names.qualify(fn) ?? '';
  const args = callArguments(call);
  if (args.hasSplat) return undefined;
  let callable: Node | undefined;
  let passed: Node | undefined;
  if (q === 'threading.Timer') {
    callable = args.positional[1] ?? args.keywords.get('function');
    passed = args.positional[2] ?? args.keywords.get('args');
  } else if (q === '_thread.start_new_thread' || q === 'thread.start_new_thread') {
    [callable, passed] = args.positional;
  } else if (q === 'threading.Thread') {
    // Thread(group, target, name, args)
    callable = args.keywords.get('target') ?? args.positional[1];
    passed = args.keywords.get('args') ?? args.positional[3];
  } else if (/(^|\.)\w*Thread$/.test(dottedName(fn) ?? '')) {
    // A Thread subclass that passes its `target=`/`args=` keywords on.
    callable = args.keywords.get('target');
    passed = args.keywords.get('args');
  }
  if (!callable) return undefined;
  const kind = exitFunctionKind(callable, names);
  const exit = kind ? { kind, bound: [], keywords: new Map<string, Node>() } : partialExit(callable, names);
  if (exit?.kind !== 'os._exit') return undefined;
  let items: Node[] = [];
  if (passed) {
    const p = unparen(passed);
    if (p.type !== 'tuple' && p.type !== 'list') return undefined;
    items = p.namedChildren.filter((c) => c.type !== 'comment');
    if (items.some((c) => c.type === 'list_splat')) return undefined;
  }
  const status = [...exit.bound, ...items][0] ?? exit.keywords.get('status') ?? null;
  if (!status) return undefined; // `os._exit()` is a TypeError in the thread, not an exit
  const shown = callable.text.length > 40 ? `${callable.text.slice(0, 37)}...` : callable.text;
  return { node: call, kind: 'os._exit', status, catchable: false, via: `which runs \`${shown}\` with status \`${status.text}\` in a new thread: \`os._exit\` there ends the whole process` };
}

/**
 * Names a file binds, once, to a ready-made exit, that are then called like any function: a module's
 * `done = functools.partial(os._exit, 0)` (called as `done()`), and a class's `stop =
 * staticmethod(sys.exit)`, `stop = sys.exit` or partial (called as `self.stop(0)`: a builtin function or a
 * partial does not bind `self`). `attribute` tells the two apart.
 */
export function exitWrappers(root: Node, names: NameResolver): Map<string, BoundExit & { attribute: boolean }> {
  const out = new Map<string, BoundExit & { attribute: boolean }>();
  const assigned = new Map<string, number>();
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    if (!a || left?.type !== 'identifier') continue;
    assigned.set(left.text, (assigned.get(left.text) ?? 0) + 1);
    const stmt = a.parent?.type === 'expression_statement' ? a.parent : null;
    const inClass = stmt?.parent?.type === 'block' && stmt.parent.parent?.type === 'class_definition';
    if (!stmt || (stmt.parent?.type !== 'module' && !inClass)) continue;
    let right = a.childForFieldName('right');
    if (!right) continue;
    // `staticmethod(f)` is `f` when read from a class or an instance.
    const r = unparen(right);
    if (inClass && r.type === 'call' && r.childForFieldName('function')?.text === 'staticmethod' && !names.alias('staticmethod')) {
      right = callArguments(r).positional[0] ?? null;
    }
    const direct = inClass ? exitFunctionKind(right, names) : undefined;
    const exit = direct ? { kind: direct, bound: [], keywords: new Map<string, Node>() } : partialExit(right, names);
    if (exit) out.set(left.text, { ...exit, attribute: inClass });
  }
  for (const name of out.keys()) if ((assigned.get(name) ?? 0) > 1) out.delete(name);
  return out;
}

/**
 * A call of an exit kept in a table and picked by a literal key: `HANDLERS["done"](0)` after
 * `HANDLERS = {"done": sys.exit}`, `FINISHERS[0]()` after `FINISHERS = [sys.exit]` (or a partial of an exit).
 * The table is the one binding of its name in the calling function, else at module level. A key that is not
 * a literal (`ACTIONS[command]()`, a command dispatcher) picks nothing here.
 */
export function tableExitSite(call: Node, names: NameResolver): ExitSite | undefined {
  const callee = call.childForFieldName('function');
  const fn = callee && unparen(callee);
  if (fn?.type !== 'subscript') return undefined;
  const table = fn.childForFieldName('value');
  const keys = fn.childrenForFieldName('subscript').filter((k): k is Node => !!k && k.type !== 'comment');
  if (table?.type !== 'identifier' || keys.length !== 1) return undefined;
  const value = tableBinding(call, table.text);
  const element = value && tableElement(value, keys[0]!);
  if (!element) return undefined;
  const kind = exitFunctionKind(element, names);
  const exit = kind ? { kind, bound: [], keywords: new Map<string, Node>() } : partialExit(element, names);
  const site = exit && boundExitSite(call, exit);
  return site && { ...site, via: `which calls \`${element.text.length > 40 ? `${element.text.slice(0, 37)}...` : element.text}\`` };
}

/** The value of the one `name = value` binding visible at `at`: in its function, else at module level. */
function tableBinding(at: Node, name: string): Node | undefined {
  const fn = enclosingFunction(at);
  const local = fn ? localAssignments(fn).get(name) : undefined;
  if (local) return local.length === 1 ? local[0] : undefined;
  return moduleLevelValue(at, name);
}

/** The value of the one module-level `name = value` statement of `node`'s file, if there is exactly one. */
export function moduleLevelValue(node: Node, name: string, module: Node | null = enclosingModule(node)): Node | undefined {
  const values = module ? moduleAssignments(module).get(name) : undefined;
  return values?.length === 1 ? values[0] : undefined;
}

/** The module node above `node` (callers that ask about many nodes of one walk find it once). */
export function enclosingModule(node: Node): Node | null {
  let module: Node | null = node;
  while (module && module.type !== 'module') module = module.parent;
  return module;
}

/** The element of a dict, list or tuple literal that a string or integer literal key picks. */
function tableElement(table: Node, key: Node): Node | undefined {
  const t = unparen(table);
  const k = unparen(key);
  if (t.type === 'dictionary') {
    const wanted = k.type === 'integer' ? k.text : stringValue(k);
    if (wanted === undefined) return undefined;
    let found: Node | undefined;
    for (const pair of t.namedChildren) {
      if (pair.type !== 'pair') continue;
      const pk = pair.childForFieldName('key');
      const matches = pk && (k.type === 'integer' ? pk.type === 'integer' && pk.text === wanted : stringValue(pk) === wanted);
      if (matches) found = pair.childForFieldName('value') ?? undefined; // the last of repeated keys wins
    }
    return found;
  }
  if (t.type !== 'list' && t.type !== 'tuple') return undefined;
  const negative = k.type === 'unary_operator' && k.child(0)?.text === '-';
  const digits = negative ? k.childForFieldName('argument') : k;
  if (digits?.type !== 'integer' || !/^\d+$/.test(digits.text)) return undefined;
  const items = t.namedChildren.filter((c) => c.type !== 'comment');
  if (items.some((c) => c.type === 'list_splat')) return undefined;
  const index = negative ? items.length - Number(digits.text) : Number(digits.text);
  return items[index];
}

/** A function that hands one of its parameters to an exit as the status: `def finish(status=0): sys.exit(status)`. */
export interface StatusForwardingExit {
  kind: ExitKind;
  /** The parameter's position among the positional parameters, or -1 when it is keyword-only. */
  index: number;
  param: string;
  /** The parameter's default, the status of a call that leaves it out. */
  fallback: Node | null;
  /** The helper's exit call, as written (`sys.exit(status)`). */
  exitText: string;
}

/**
 * An exit call that passes on a bare name as its status (`sys.exit(status)`, `os._exit(code=rc)`): the
 * necessary condition, on the source text, for `statusForwardingExits` to find anything.
 */
const FORWARDED_STATUS_TEXT = /\b(?:exit|_exit|quit)\s*\(\s*(?:(?:code|status)\s*=\s*)?[A-Za-z_]\w*\s*\)/;

/**
 * Functions a file binds once, by `def` at module level or as a named lambda anywhere, that always end in
 * an exit whose status is one of their parameters, passed on unchanged: `def finish(status=0):
 * sys.exit(status)`, `bail = lambda code: os._exit(code)`. A call of one (`finish()`, `bail(0)`) exits with
 * the status the call gives, or the parameter's default, so it is judged like the exit written there.
 * The exit must be a statement of the function's own body (not under a condition) and the parameter never
 * rebound before it.
 */
export function statusForwardingExits(source: string, root: Node, names: NameResolver): Map<string, StatusForwardingExit> {
  const out = new Map<string, StatusForwardingExit>();
  if (!FORWARDED_STATUS_TEXT.test(source)) return out;
  const bindings = new Map<string, number>();
  const count = (name: string) => bindings.set(name, (bindings.get(name) ?? 0) + 1);
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    if (!a || left?.type !== 'identifier') continue;
    count(left.text);
    const right = a.childForFieldName('right');
    const fn = right && unparen(right);
    if (fn?.type !== 'lambda') continue;
    const body = fn.childForFieldName('body');
    const forwarded = body && unparen(body).type === 'call' ? forwardedStatus(fn, unparen(body), names) : undefined;
    if (forwarded) out.set(left.text, forwarded);
  }
  for (const stmt of root.namedChildren) {
    if (stmt.type !== 'function_definition') continue;
    const name = stmt.childForFieldName('name')?.text;
    if (!name) continue;
    count(name);
    for (const s of stmt.childForFieldName('body')?.namedChildren ?? []) {
      const call = s.type === 'expression_statement' ? s.namedChildren[0] : undefined;
      const forwarded = call?.type === 'call' ? forwardedStatus(stmt, call, names) : undefined;
      if (!forwarded) continue;
      if (!rebindsBefore(stmt, forwarded.param, s)) out.set(name, forwarded);
      break;
    }
  }
  for (const name of out.keys()) if ((bindings.get(name) ?? 0) !== 1) out.delete(name);
  return out;
}

/**
 * `def`'s own body ends in an exit that passes one of its parameters on unchanged (`def _stop(code=0): ...;
 * os._exit(code)`), as `statusForwardingExits` requires: the exit, and the call that makes it.
 */
export function forwardingExitOf(def: Node, names: NameResolver): { exit: StatusForwardingExit; call: Node } | undefined {
  for (const s of def.childForFieldName('body')?.namedChildren ?? []) {
    const call = s.type === 'expression_statement' ? s.namedChildren[0] : undefined;
    const exit = call?.type === 'call' ? forwardedStatus(def, call, names) : undefined;
    if (exit) return rebindsBefore(def, exit.param, s) ? undefined : { exit, call: call! };
  }
  return undefined;
}

/** `call` is an exit whose status is a bare parameter of `fn`: which one, where, and its default. */
function forwardedStatus(fn: Node, call: Node, names: NameResolver): StatusForwardingExit | undefined {
  const kind = exitFunctionKind(call.childForFieldName('function'), names);
  if (!kind) return undefined;
  const args = callArguments(call);
  if (args.hasSplat) return undefined;
  const status = args.positional[0] ?? args.keywords.get('code') ?? args.keywords.get('status');
  const s = status && unparen(status);
  if (s?.type !== 'identifier') return undefined;
  let index = 0;
  let keywordOnly = false;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type === 'list_splat_pattern' || p.type === 'keyword_separator') {
      keywordOnly = true;
      continue;
    }
    if (p.type === 'dictionary_splat_pattern' || p.type === 'positional_separator' || p.type === 'comment') continue;
    const id = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChildren.find((c) => c.type === 'identifier');
    if (id?.text === s.text) return { kind, index: keywordOnly ? -1 : index, param: s.text, fallback: p.childForFieldName('value'), exitText: call.text.replace(/\s+/g, ' ') };
    index++;
  }
  return undefined;
}

/** Does `fn`'s body bind `name` (an assignment, a loop, a walrus...) anywhere before the statement `stmt`? */
function rebindsBefore(fn: Node, name: string, stmt: Node): boolean {
  let rebound = false;
  forEachDescendant(fn.childForFieldName('body')!, (d) => {
    if (rebound || d.startIndex >= stmt.startIndex) return false;
    if (d.type === 'function_definition' || d.type === 'lambda' || d.type === 'class_definition') return false;
    if (d.type === 'identifier' && d.text === name) {
      const p = d.parent;
      const isTarget =
        (p?.type === 'assignment' || p?.type === 'augmented_assignment') && p.childForFieldName('left')?.id === d.id ||
        p?.type === 'named_expression' && p.childForFieldName('name')?.id === d.id ||
        (p?.type === 'for_statement' && p.childForFieldName('left')?.id === d.id) ||
        p?.type === 'pattern_list' || p?.type === 'tuple_pattern' || p?.type === 'as_pattern_target' || p?.type === 'global_statement' || p?.type === 'nonlocal_statement';
      if (isTarget) rebound = true;
    }
    return true;
  });
  return rebound;
}

/** The exit a call of a status-forwarding function makes (`finish()` after `def finish(status=0): sys.exit(status)`). */
export function forwardedExitSite(call: Node, exit: StatusForwardingExit): ExitSite | undefined {
  const args = callArguments(call);
  if (args.hasSplat) return undefined;
  const status = (exit.index >= 0 ? args.positional[exit.index] : undefined) ?? args.keywords.get(exit.param) ?? exit.fallback;
  // Left out with no default: a TypeError, not an exit.
  if (!status) return undefined;
  return { node: call, kind: exit.kind, status, catchable: exit.kind !== 'os._exit', via: `which ends in \`${exit.exitText}\`` };
}

/** The `os.exec*` functions: they replace the running process, so its exit status becomes the new program's. */
const EXEC_NAME = /^exec(?:l|le|lp|lpe|v|ve|vp|vpe)$/;
const EXEC_FUNCTIONS = /^(?:os|posix)\.(exec\w+)$/;
const isExecFunction = (qualified: string | undefined) => EXEC_NAME.test(EXEC_FUNCTIONS.exec(qualified ?? '')?.[1] ?? '');
/**
 * Cheap test before `execSuccessSite` resolves anything: an attribute named like an exec function
 * (`os.execv`), or a bare name bound to one (`from os import execl as replace_with`: a map lookup).
 */
export function mayExec(call: Node, names: NameResolver): boolean {
  const fn = call.childForFieldName('function');
  const f = fn && unparen(fn);
  if (f?.type === 'identifier') return isExecFunction(names.lookup(f.text));
  return EXEC_NAME.test(lastNameOf(f));
}

/** Programs that do nothing and exit 0. */
const SUCCEEDING_PROGRAM = /(?:^|\/)true$/;
/** Python code that does nothing and exits 0: `pass`, `""`, `import sys; sys.exit(0)`, `raise SystemExit`. */
const SUCCEEDING_CODE = /^\s*(?:pass|None|0|(?:import sys\s*[;\n]\s*)?(?:sys\.)?exit\(\s*(?:0|None)?\s*\)|raise SystemExit(?:\(\s*0?\s*\))?)?\s*;?\s*$/;

/**
 * The one program path an exec's first argument names: a string (`"/bin/true"`, `"/bin/" + "true"`), a
 * lookup of one on PATH (`shutil.which("true")`), an `or` whose every operand names the same kind of
 * program (`shutil.which("true") or "/bin/true"`), or a name bound once to one of them. Undefined otherwise.
 */
function programPath(node: Node | null | undefined, names: NameResolver, depth = 0): string | undefined {
  if (!node || depth > 6) return undefined;
  const n = unparen(node);
  if (n.type === 'identifier') return names.lookup(n.text) ? undefined : programPath(valueBoundOnce(n), names, depth + 1);
  if (n.type === 'boolean_operator' && n.childForFieldName('operator')?.type === 'or') {
    const a = programPath(n.childForFieldName('left'), names, depth + 1);
    const b = programPath(n.childForFieldName('right'), names, depth + 1);
    // Both operands must agree on what runs: `which("true") or "/bin/true"` (a fallback path of the same program).
    return a !== undefined && b !== undefined && a.replace(/^.*\//, '') === b.replace(/^.*\//, '') ? b : undefined;
  }
  if (n.type === 'call') {
    const callee = names.qualify(n.childForFieldName('function'));
    const args = callArguments(n);
    if ((callee === 'shutil.which' || callee === 'os.path.realpath' || callee === 'os.path.abspath') && args.positional.length >= 1 && !args.hasSplat) {
      return programPath(args.positional[0], names, depth + 1);
    }
    return undefined;
  }
  const values = builtStrings(n);
  return values?.length === 1 ? values[0] : undefined;
}

/**
 * `os.execv("/bin/true", ["true"])`, `os.execl(sys.executable, sys.executable, "-c", "pass")`: the process is
 * replaced by a program that does nothing and exits 0, so the run ends with status 0 and nothing can catch
 * it, as with `os._exit(0)`. Undefined for any other program (`os.execv(sys.executable, [sys.executable] +
 * sys.argv)` restarts the program itself).
 */
export function execSuccessSite(call: Node, names: NameResolver): ExitSite | undefined {
  const q = names.qualify(call.childForFieldName('function'));
  if (!q || !isExecFunction(q)) return undefined;
  const { positional, hasSplat } = callArguments(call);
  const program = positional[0];
  if (!program) return undefined;
  const path = programPath(program, names);
  let runs: string | undefined;
  if (path !== undefined && SUCCEEDING_PROGRAM.test(path)) runs = path;
  else if (path !== undefined ? /(?:^|\/)python[\d.]*$/.test(path) : names.qualify(program) === 'sys.executable') {
    // The interpreter, told to run code that does nothing: `-c` followed by such code among the arguments
    // (a list or tuple for the `v` forms, the remaining positionals for the `l` forms).
    const q2 = q.slice(q.indexOf('.') + 1);
    const argList = q2.startsWith('execv') ? positional[1] && unparen(positional[1]) : undefined;
    if (q2.startsWith('execv') && (!argList || (argList.type !== 'list' && argList.type !== 'tuple'))) return undefined;
    if (!q2.startsWith('execv') && hasSplat) return undefined;
    const args = argList ? argList.namedChildren.filter((c) => c.type !== 'comment') : positional.slice(1);
    const flag = args.findIndex((a) => stringValue(a) === '-c');
    const code = flag >= 0 ? stringValue(args[flag + 1]) : undefined;
    if (code !== undefined && SUCCEEDING_CODE.test(code)) runs = `python -c ${JSON.stringify(code)}`;
  }
  if (!runs) return undefined;
  return { node: call, kind: 'os._exit', status: null, catchable: false, succeeds: true, via: `which replaces the process with \`${runs}\`, a program that exits 0` };
}

/** The value of a module-level name bound once that nothing in the file rebinds (`valueBoundOnce`), not a function's local. */
export function moduleConstantValue(id: Node): Node | undefined {
  const value = id.type === 'identifier' ? valueBoundOnce(id) : undefined;
  return value && !enclosingFunction(value) ? value : undefined;
}

/** True when a `SystemExit(...)` call is the direct operand of a `raise` (reported there, not as a call). */
export function isRaisedSystemExitCall(call: Node): boolean {
  return call.parent?.type === 'raise_statement';
}

/**
 * Success values written literally: `0`, `0x0`, `False`, `None`, `-0`, `os.EX_OK`, `ExitCode.OK`, `int(0)`, `type(status)(0)`,
 * `0 if c else 0`, and a module constant bound once to `0` here or in the module it is imported from (`STATUS_OK`).
 */
export function isSuccessLiteral(node: Node | null | undefined, names: NameResolver, depth = 0): boolean {
  if (!node || depth > 8) return false;
  const n = unparen(node);
  switch (n.type) {
    case 'integer':
      return /^(0[xob])?[0_]+$/i.test(n.text) && /0/.test(n.text);
    case 'false':
    case 'none':
      return true;
    case 'unary_operator': {
      const op = n.child(0)?.type;
      return (op === '-' || op === '+') && isSuccessLiteral(n.childForFieldName('argument'), names, depth + 1);
    }
    case 'attribute':
    case 'identifier': {
      const q = names.qualify(n) ?? dottedName(n) ?? '';
      if (q === 'os.EX_OK' || q === 'posix.EX_OK' || /(^|\.)ExitCode\.OK$/.test(q)) return true;
      // `STATUS_OK = 0` bound once in this module (nothing rebinds it, `global` included), or in the module it is imported from.
      const fact = names.importedFact(q);
      if (fact) return fact.kind === 'integer-constant' && fact.value === 0;
      const value = moduleConstantValue(n);
      return !!value && unparen(value).type === 'integer' && isSuccessLiteral(value, names, depth + 1);
    }
    case 'call': {
      const fn = dottedName(n.childForFieldName('function')) ?? '';
      const args = callArguments(n);
      if (args.positional.length !== 1 || args.hasSplat) return false;
      if (fn === 'int' || /(^|\.)ExitCode$/.test(fn) || isTypeOfCall(n.childForFieldName('function'), names)) {
        return isSuccessLiteral(args.positional[0], names, depth + 1);
      }
      return false;
    }
    case 'conditional_expression': {
      // `0 if n else 0`: a choice between two successes is a success.
      const [chosen, , otherwise] = n.namedChildren.filter((c) => c.type !== 'comment');
      return isSuccessLiteral(chosen, names, depth + 1) && isSuccessLiteral(otherwise, names, depth + 1);
    }
    default:
      return false;
  }
}

/**
 * A computed status that is 0 whatever it is computed from: `exitstatus and 0`, `exitstatus * 0`,
 * `exitstatus & 0`, `min(exitstatus, 0)` (a run's status is never negative).
 */
export function alwaysSuccess(value: Node, names: NameResolver): boolean {
  const v = unparen(value);
  if (v.type === 'boolean_operator') return v.child(1)?.type === 'and' && isSuccessLiteral(v.childForFieldName('right'), names);
  if (v.type === 'binary_operator') {
    const op = v.childForFieldName('operator')?.type;
    return (op === '*' || op === '&') && (isSuccessLiteral(v.childForFieldName('left'), names) || isSuccessLiteral(v.childForFieldName('right'), names));
  }
  if (v.type === 'call' && names.qualify(v.childForFieldName('function')) === 'builtins.min') {
    const args = callArguments(v);
    return !args.hasSplat && args.positional.length >= 2 && args.positional.some((a) => isSuccessLiteral(a, names));
  }
  return false;
}

/** `type(x)`: converting with it (`type(exitstatus)(0)`) keeps the value, in the status's own type. */
function isTypeOfCall(node: Node | null, names: NameResolver): boolean {
  const n = node && unparen(node);
  if (n?.type !== 'call' || names.qualify(n.childForFieldName('function')) !== 'builtins.type') return false;
  const args = callArguments(n);
  return args.positional.length === 1 && !args.hasSplat && args.keywords.size === 0;
}

/** The function (or module) whose scope a node's names are looked up in. */
function scopeOf(node: Node): Node {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return p;
    if (p.type === 'module') return p;
  }
  return node;
}

/**
 * When `id` is a variable that its scope only ever binds to success literals (`status = 0 ...
 * sys.exit(status)`), true; a parameter, a loop variable or any other binding makes it unknown.
 */
function isSuccessConstant(id: Node, names: NameResolver, accept: (value: Node | null) => boolean = (v) => isSuccessLiteral(v, names)): boolean {
  const name = id.text;
  let scope: Node | null = scopeOf(id);
  for (let depth = 0; scope && depth < 2; depth++) {
    if (scope.type !== 'module' && parameterNames(scope).includes(name)) return false;
    let assigned = 0;
    let other = false;
    const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
    if (!body) return false;
    const visit = (n: Node): boolean | void => {
      if (n.type === 'assignment') {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier' && left.text === name) {
          if (accept(n.childForFieldName('right'))) assigned++;
          else other = true;
        } else if (left && left.type !== 'identifier' && left.type !== 'attribute' && left.type !== 'subscript') {
          forEachDescendant(left, (c) => void (c.type === 'identifier' && c.text === name && (other = true)));
        }
      } else if (n.type === 'augmented_assignment' || n.type === 'named_expression' || n.type === 'for_statement' || n.type === 'with_item' || n.type === 'global_statement' || n.type === 'nonlocal_statement') {
        const target = n.type === 'with_item' ? n : n.childForFieldName('left') ?? n.childForFieldName('name') ?? n;
        forEachDescendant(target, (c) => void (c.type === 'identifier' && c.text === name && (other = true)));
        if (target.type === 'identifier' && target.text === name) other = true;
      }
    };
    if (scope.type === 'module') {
      forEachInScope(scope, visit);
      // `global NAME` in a function: the program sets the status there (`def set_status(rc): global _STATUS; ...`).
      for (const g of scope.descendantsOfType('global_statement')) if (g?.namedChildren.some((c) => c.text === name)) other = true;
    } else forEachInScope(body, visit);
    if (other) return false;
    if (assigned > 0) return true;
    if (scope.type === 'module') return false;
    scope = scopeOf(scope);
  }
  return false;
}

/** True when the exit status ends the process with status 0 (absent, a success literal, or a constant bound to one). */
export function isSuccessStatus(site: ExitSite, names: NameResolver): boolean {
  if (site.succeeds) return true;
  if (!site.status) return site.kind !== 'os._exit';
  if (site.status.type === 'list_splat') {
    // `*(0,)`, or `*ARGS` with every binding of `ARGS` a literal sequence that starts with a success.
    const spread = unparen(site.status.namedChildren.find((c) => c.type !== 'comment') ?? site.status);
    const startsWithSuccess = (v: Node | null) => !!v && successSequence(v, site.kind, names);
    if (startsWithSuccess(spread)) return true;
    return spread.type === 'identifier' && isSuccessConstant(spread, names, startsWithSuccess);
  }
  const s = unparen(site.status);
  if (isSuccessLiteral(s, names) || alwaysSuccess(s, names)) return true;
  if (s.type === 'identifier') return isSuccessConstant(s, names);
  if (s.type === 'attribute') return isSuccessClassConstant(s, names);
  if (s.type === 'call') return isUnsetPrivateWithSuccessDefault(s, names);
  return false;
}

/**
 * `getattr(config, "_exit_code", 0)` where nothing in the file sets the private attribute (no `._exit_code =`,
 * no `setattr(..., "_exit_code", ...)`): the default is what it reads. A public attribute may be set by the
 * library that owns the object (`getattr(proc, "exitcode", 0)`), so only a private one counts.
 */
function isUnsetPrivateWithSuccessDefault(call: Node, names: NameResolver): boolean {
  if (!names.is(call.childForFieldName('function'), 'builtins.getattr')) return false;
  const args = callArguments(call);
  if (args.positional.length !== 3 || args.keywords.size || args.hasSplat) return false;
  const attr = stringValue(args.positional[1]);
  if (!attr || !/^_[A-Za-z]\w*$/.test(attr) || attr.startsWith('__') || !isSuccessLiteral(unparen(args.positional[2]!), names)) return false;
  let root: Node = call;
  while (root.parent) root = root.parent;
  // Set anywhere (`x._exit_code = 1`, `x._exit_code += 1`), or named in another string (`setattr(x, "_exit_code", 1)`).
  if (new RegExp(`\\.${attr}\\s*(?:[-+|&*]?=)(?!=)`).test(root.text)) return false;
  return root.text.split(`"${attr}"`).length + root.text.split(`'${attr}'`).length - 2 === 1;
}

/**
 * `Codes.SUCCESS` or `Status.OK` where `Codes`/`Status` is a class of this module whose body binds the name
 * only to success literals (`SUCCESS = 0`), and nothing assigns `Codes.SUCCESS` elsewhere. A member of a
 * plain `Enum` is not an int (`sys.exit` prints it and exits 1); an `IntEnum`'s is.
 */
function isSuccessClassConstant(attr: Node, names: NameResolver): boolean {
  const owner = attr.childForFieldName('object');
  const name = attr.childForFieldName('attribute')?.text;
  if (owner?.type !== 'identifier' || !name) return false;
  let root: Node = attr;
  while (root.parent) root = root.parent;
  const classes = root.namedChildren.map(definitionOfStatement).filter((d) => d.type === 'class_definition' && d.childForFieldName('name')?.text === owner.text);
  if (classes.length !== 1) return false;
  const cls = classes[0]!;
  const bases = cls.childForFieldName('superclasses')?.namedChildren.map((b) => dottedName(b) ?? '') ?? [];
  if (bases.some((b) => /(Enum|Flag)$/.test(b) && !/(^|\.)(IntEnum|IntFlag)$/.test(b))) return false;
  // Reassigned from outside the class (`Codes.SUCCESS = 1`): unknown.
  if (new RegExp(`\\b${owner.text}\\.${name}\\s*=[^=]`).test(root.text)) return false;
  let success = 0;
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment' || a.childForFieldName('left')?.text !== name) continue;
    if (!isSuccessLiteral(a.childForFieldName('right'), names)) return false;
    success++;
  }
  return success > 0;
}

function definitionOfStatement(stmt: Node): Node {
  return stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') ?? stmt : stmt;
}

/** A literal tuple or list that, spread into the exit call, exits with success: `(0,)`, `[None]`, `()` for `sys.exit`. */
function successSequence(value: Node, kind: ExitKind, names: NameResolver): boolean {
  const v = unparen(value);
  if (v.type !== 'tuple' && v.type !== 'list') return false;
  const items = v.namedChildren.filter((c) => c.type !== 'comment');
  if (items.some((c) => c.type === 'list_splat')) return false;
  if (items.length === 0) return kind !== 'os._exit';
  return items.length === 1 && isSuccessLiteral(items[0], names);
}

/** Source text for messages: the call as written, shortened when long. */
export function displayOf(site: ExitSite): string {
  const text = site.node.text.replace(/\s+/g, ' ');
  if (text.length <= 40) return text;
  if (site.node.type === 'raise_statement') return `raise ${site.exitClasses?.[0] ?? 'SystemExit'}(...)`;
  return `${site.node.childForFieldName('function')?.text ?? 'exit'}(...)`;
}

// ---------------------------------------------------------------------------------------------
// Callbacks: what a function is registered for, per file.

export type CallbackKind = 'signal' | 'atexit' | 'excepthook' | 'target' | 'thread';

export interface CallbackRegistration {
  kind: CallbackKind;
  /** The registering call or assignment. */
  at: Node;
  /** Extra arguments given to the callback (atexit.register(f, 0)). */
  args: Node[];
}

export interface CallbackRegistry {
  /** By function name (identifier or attribute name used at the registration). */
  byName: Map<string, CallbackRegistration[]>;
  /** By lambda/function node id. */
  byNode: Map<number, CallbackRegistration[]>;
  /** Registrations whose callback is an expression (not a def or lambda in this file), e.g. `os._exit`. */
  direct: { callback: Node; registration: CallbackRegistration }[];
}

const registries = new WeakMap<Node, CallbackRegistry>();

/** The callback registry of a file, computed once (only when a rule asks). */
export function callbackRegistry(root: Node, names: NameResolver): CallbackRegistry {
  let reg = registries.get(root);
  if (reg) return reg;
  const collector = new CallbackCollector(names, root.text);
  forEachDescendant(root, (n) => {
    collector.visit(n);
    return true;
  });
  reg = collector.registry;
  registries.set(root, reg);
  return reg;
}

/**
 * Builds a file's callback registry from its `call`, `assignment` and `decorated_definition` nodes, given
 * in document order: by `callbackRegistry`'s own walk, or by a rule's listeners during the shared walk.
 */
export class CallbackCollector {
  readonly registry: CallbackRegistry = { byName: new Map(), byNode: new Map(), direct: [] };
  /** A `target=` keyword spells `target` in the source: without it, no call needs its arguments scanned. */
  private readonly mayTarget: boolean;

  constructor(
    private readonly names: NameResolver,
    source: string,
  ) {
    this.mayTarget = source.includes('target');
  }

  private add(callback: Node | undefined, registration: CallbackRegistration): void {
    if (!callback) return;
    const r = this.registry;
    let c = unparen(callback);
    // `target=_strict_child if strict else _child_main`: either one is registered.
    if (c.type === 'conditional_expression') {
      const [whenTrue, , whenFalse] = c.namedChildren.filter((x) => x.type !== 'comment');
      this.add(whenTrue, registration);
      this.add(whenFalse, registration);
      return;
    }
    // functools.partial(f, *args)
    if (c.type === 'call' && this.names.qualify(c.childForFieldName('function')) === 'functools.partial') {
      const pa = callArguments(c);
      if (!pa.positional[0]) return;
      registration = { ...registration, args: [...pa.positional.slice(1), ...registration.args] };
      c = unparen(pa.positional[0]);
    }
    if (c.type === 'lambda') push(r.byNode, c.id, registration);
    else if (c.type === 'identifier') push(r.byName, c.text, registration);
    else if (c.type === 'attribute') push(r.byName, c.childForFieldName('attribute')!.text, registration);
    if (c.type !== 'lambda') r.direct.push({ callback: c, registration });
  }

  /** Records what `n` registers, if anything; other node types are ignored. */
  visit(n: Node): void {
    const names = this.names;
    if (n.type === 'call') {
      const fnNode = n.childForFieldName('function');
      // Cheap skip for the common call that registers nothing: without a `target=` keyword, only a callee
      // named like a registering function can register. For `obj.method(...)` both the resolved and the
      // dotted name end in `method`; a bare name's dotted name is itself, its resolved name an alias.
      const f = fnNode && unparen(fnNode);
      const last = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : f?.type === 'identifier' ? f.text : undefined;
      if (last !== undefined && !REGISTERING_METHODS.has(last) && !THREAD_STARTER.test(last) && !(this.mayTarget && hasTargetKeyword(n))) {
        // A bare name qualifies to its binding (`qualify` would look it up the same way).
        if (f!.type === 'attribute' || !REGISTERING_CALLEES.has(names.lookup(f!.text) ?? '')) return;
      }
      const callee = names.qualify(fnNode) ?? '';
      const dotted = dottedName(fnNode) ?? '';
      const args = callArguments(n);
      if (callee === 'signal.signal' || /(^|\.)add_signal_handler$/.test(dotted)) {
        this.add(args.positional[1] ?? args.keywords.get('handler'), { kind: 'signal', at: n, args: [] });
      } else if (callee === 'atexit.register') {
        this.add(args.positional[0], { kind: 'atexit', at: n, args: args.positional.slice(1) });
      } else if (callee === 'weakref.finalize') {
        // `weakref.finalize(obj, f, *args)` calls `f(*args)` when `obj` dies, at the latest at interpreter shutdown (atexit).
        this.add(args.positional[1], { kind: 'atexit', at: n, args: args.positional.slice(2) });
      } else if (callee === 'os.register_at_fork') {
        this.add(args.keywords.get('after_in_child'), { kind: 'target', at: n, args: [] });
      } else if (callee === 'builtins.setattr' && args.positional.length >= 3) {
        const target = names.qualify(args.positional[0]);
        const attr = stringValue(args.positional[1]);
        if ((target === 'sys' || target === 'threading') && attr === 'excepthook') this.add(args.positional[2], { kind: 'excepthook', at: n, args: [] });
      }
      if (last !== undefined && startsThread(last, dotted, callee)) {
        // `tc.start_thread_soon(job, deliver)`, `reactor.callInThread(f)`, `threading.Timer(5, f)`: every
        // callable handed over runs in another thread, where a SystemExit ends only that thread.
        for (const a of args.positional) {
          const c = unparen(a);
          if (c.type === 'lambda' || c.type === 'identifier' || c.type === 'attribute') this.add(a, { kind: 'thread', at: n, args: [] });
        }
      }
      const target = args.keywords.get('target');
      if (target) {
        // A thread shares the process: `os._exit` there still ends the whole run.
        const thread = callee.startsWith('threading.') || /(^|\.)\w*Thread$/.test(dotted);
        this.add(target, { kind: thread ? 'thread' : 'target', at: n, args: [] });
      }
    } else if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      // `a.b = ...` resolves (if at all) to a name ending in `.b`: only `.excepthook` can matter.
      if (left?.type === 'attribute' && left.childForFieldName('attribute')?.text !== 'excepthook') return;
      const q = names.qualify(left);
      if (q === 'sys.excepthook' || q === 'threading.excepthook') this.add(n.childForFieldName('right') ?? undefined, { kind: 'excepthook', at: n, args: [] });
    } else if (n.type === 'decorated_definition') {
      const def = n.childForFieldName('definition');
      if (def?.type === 'function_definition') {
        for (const d of n.namedChildren) {
          if (d.type === 'decorator' && names.qualify(d.namedChild(0)) === 'atexit.register') {
            push(this.registry.byNode, def.id, { kind: 'atexit', at: d, args: [] });
          }
        }
      }
    }
  }
}

/**
 * Last names of calls that may run their callable arguments in another thread: `start_new_thread`,
 * `start_thread_soon`, `deferToThread`, `callInThread`, `threading.Thread(None, f)`, `threading.Timer(5, f)`
 * (checked further by `startsThread`).
 */
const THREAD_STARTER = /thread|^Timer$/i;

/**
 * The call runs its callable arguments in another thread, where a SystemExit ends only that thread. Not
 * `callFromThread` (it runs them in the reactor's thread), and not the calls that hand the callable's
 * exception back to the caller (`asyncio.to_thread`, `to_thread.run_sync`, an executor's `submit`), whose
 * SystemExit reaches the caller after all.
 */
function startsThread(last: string, dotted: string, callee: string): boolean {
  if (!THREAD_STARTER.test(last) || /from_?thread|^to_?thread$/i.test(last) || /(^|\.)to_thread\./.test(dotted)) return false;
  if (last === 'Timer') return callee === 'threading.Timer';
  // A thread is started, not looked up or named: `current_thread()`, `get_thread_name()` take no callable.
  return !/^(current|main|get|set|is|active|enumerate)_?/i.test(last) && !/(ident|name|count|local|lock|id)$/i.test(last);
}

/** Last names of the callees `callbackRegistry` recognises by name (`signal.signal`, `atexit.register`...). */
const REGISTERING_METHODS = new Set(['signal', 'add_signal_handler', 'register', 'register_at_fork', 'setattr', 'finalize']);
/** The resolved callees `callbackRegistry` recognises. */
const REGISTERING_CALLEES = new Set(['signal.signal', 'atexit.register', 'weakref.finalize', 'os.register_at_fork', 'builtins.setattr']);

/** The call has a `target=` keyword (what `callArguments(call).keywords.get('target')` would find). */
function hasTargetKeyword(call: Node): boolean {
  const args = call.childForFieldName('arguments');
  if (!args || args.type === 'generator_expression') return false;
  for (const arg of args.namedChildren) {
    if (arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'target' && arg.childForFieldName('value')) return true;
  }
  return false;
}

function push<K>(map: Map<K, CallbackRegistration[]>, key: K, value: CallbackRegistration): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Registrations of a `def` or `lambda` (by node, or by its name anywhere in the file). */
export function registrationsOf(fn: Node, registry: CallbackRegistry): CallbackRegistration[] {
  const out = [...(registry.byNode.get(fn.id) ?? [])];
  if (fn.type === 'function_definition') {
    const name = fn.childForFieldName('name')?.text;
    if (name) out.push(...(registry.byName.get(name) ?? []));
  }
  return out;
}

/** Success exits that run when `fn` (a def or lambda) is called, not counting nested functions. */
export function successExitsIn(fn: Node, names: NameResolver): ExitSite[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const out: ExitSite[] = [];
  const visit = (n: Node): boolean | void => {
    if (n.type === 'call' && isRaisedSystemExitCall(n)) return;
    const site = exitSiteOf(n, names);
    if (site && isSuccessStatus(site, names)) out.push(site);
  };
  visit(body);
  forEachInScope(body, visit);
  return out;
}

/** Every `def` in the file, by name. */
export function functionsByName(root: Node): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  forEachDescendant(root, (n) => {
    if (n.type === 'function_definition') {
      const name = n.childForFieldName('name')?.text;
      if (name) {
        const list = out.get(name);
        if (list) list.push(n);
        else out.set(name, [n]);
      }
    }
    return true;
  });
  return out;
}

/**
 * Names of functions the module-level `if __name__ == "__main__":` block calls by simple name (or passes on
 * as a callback), each with whether the block uses a call's result as data (`print(solve(xs))`,
 * `answer = solve(xs)`) rather than discarding it or handing it to the exit status (`main()`,
 * `sys.exit(main())`, `raise SystemExit(main())`, `rc = main(); sys.exit(rc)`, `asyncio.run(main())`).
 * A function whose result is used as data is a library function that the script also calls.
 */
export function mainGuardCallees(root: Node, names: NameResolver): Map<string, { resultUsed: boolean }> {
  const out = new Map<string, { resultUsed: boolean }>();
  for (const stmt of root.namedChildren) {
    if (stmt.type !== 'if_statement' || !isMainGuardCondition(stmt.childForFieldName('condition'))) continue;
    const body = stmt.childForFieldName('consequence');
    if (!body) continue;
    // Names handed to an exit (`sys.exit(rc)`): a call assigned to one of them is a status.
    const statusNames = new Set<string>();
    forEachDescendant(body, (n) => {
      if (n.type === 'call' && isExitOrRunner(n, names)) {
        for (const a of callArguments(n).positional) if (unparen(a).type === 'identifier') statusNames.add(unparen(a).text);
      }
      return true;
    });
    const record = (name: string, resultUsed: boolean) => {
      const seen = out.get(name);
      if (!seen) out.set(name, { resultUsed });
      else seen.resultUsed ||= resultUsed;
    };
    forEachDescendant(body, (n) => {
      if (n.type === 'call') {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'identifier') record(fn.text, resultIsData(n, names, statusNames));
      } else if (n.type === 'identifier' && !(n.parent?.type === 'call' && n.parent.childForFieldName('function')?.id === n.id)) {
        // `main` passed as a callback, or any other name: only names of defs matter to the caller.
        record(n.text, false);
      }
      return true;
    });
  }
  return out;
}

/** An exit (`sys.exit`, `SystemExit`) or a runner that returns its argument's status (`asyncio.run`). */
function isExitOrRunner(call: Node, names: NameResolver): boolean {
  const fn = call.childForFieldName('function');
  if (exitFunctionKind(fn, names) || isSystemExitClass(fn, names)) return true;
  return /(^|\.)(run|run_until_complete)$/.test(dottedName(fn) ?? '');
}

/** The main guard uses the call's result as data, not as a statement or an exit status. */
function resultIsData(call: Node, names: NameResolver, statusNames: Set<string>): boolean {
  let n = call;
  for (let depth = 0; depth < 8; depth++) {
    const p = n.parent;
    if (!p) return false;
    switch (p.type) {
      case 'expression_statement':
      case 'raise_statement':
        return false;
      case 'parenthesized_expression':
      case 'await':
        n = p;
        continue;
      case 'argument_list':
        if (p.parent?.type === 'call' && isExitOrRunner(p.parent, names)) {
          n = p.parent;
          continue;
        }
        return true;
      case 'assignment': {
        const left = p.childForFieldName('left');
        return !(left?.type === 'identifier' && statusNames.has(left.text));
      }
      default:
        return true;
    }
  }
  return true;
}

/** Simple-name calls made by a function body (not by nested functions). */
export function simpleCallsIn(fn: Node): Set<string> {
  const out = new Set<string>();
  const body = fn.childForFieldName('body');
  if (!body) return out;
  forEachInScope(body, (n) => {
    if (n.type === 'call') {
      const f = n.childForFieldName('function');
      if (f?.type === 'identifier') out.add(f.text);
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// except clauses

/** Exceptions whose handler catches a SystemExit. */
export const CATCHES_SYSTEM_EXIT = new Set(['SystemExit', 'BaseException']);

/** Names a type expression of an `except` clause (or a raises() argument) mentions. */
export function exceptionNames(node: Node | null | undefined, depth = 0): string[] {
  if (!node) return [];
  if (depth > 4) return ['?'];
  const n = unparen(node);
  if (n.type === 'tuple' || n.type === 'list') return n.namedChildren.flatMap((c) => exceptionNames(c, depth + 1));
  if (n.type === 'as_pattern') return exceptionNames(n.namedChild(0), depth + 1);
  const d = dottedName(n);
  if (d) return [d.slice(d.lastIndexOf('.') + 1)];
  return ['?'];
}

/** The exception names an `except` clause catches, null for a bare `except:`. */
export function handlerTypes(clause: Node): string[] | null {
  const value = clause.childForFieldName('value');
  if (!value) {
    const first = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
    if (!first) return null; // bare `except:`
    return exceptionNames(first);
  }
  return exceptionNames(value);
}

/** The `except` clause catches SystemExit (itself, BaseException, or everything). */
export function catchesSystemExit(clause: Node): boolean {
  const types = handlerTypes(clause);
  return !types || types.some((t) => CATCHES_SYSTEM_EXIT.has(t));
}

/**
 * pytest hooks that run before any test: an exit there ends the session before the run (as `--collect-only`
 * does); it cannot turn a failure into a success.
 */
const PRE_RUN_HOOK = /^pytest_(cmdline_\w+|load_initial_conftests|configure|plugin_registered|sessionstart|collection\w*|collect_file|ignore_collect|pycollect_\w+|make_collect_report|itemcollected|collectreport|deselected|generate_tests|report_header|report_collectionfinish)$/;
/** What holds pytest's config: `config`, `session.config`, `self._config`, `pytestconfig`. */
const CONFIG_OBJECT = /(^|\.)_?(config|pytestconfig)$/;
/** A default that leaves an option off. */
const OFF_DEFAULT = /^(None|False|0|''|""|\(\)|\[\]|\{\})$/;

/**
 * The exit at `node` sits in a pytest hook that runs before any test, in the branch of a condition that needs
 * an option this file adds itself and leaves off by default (`parser.addoption("--list-tests",
 * action="store_true")`, read as `config.getoption("--list-tests")`, `config.getvalue(...)`,
 * `config.option.list_tests`, or a local bound once to one of them): a listing or info mode its user asks
 * for on the command line, like `--collect-only`. Returns the option as read, or undefined.
 */
export function optionGatedPreRunHook(node: Node, root: Node): string | undefined {
  const hook = enclosingFunction(node);
  if (!hook || !PRE_RUN_HOOK.test(functionName(hook))) return undefined;
  let cond: Node | undefined;
  for (let p = node.parent, child: Node = node; p && p.id !== hook.id; child = p, p = p.parent) {
    if (p.type === 'else_clause' || p.type === 'while_statement' || p.type === 'for_statement' || p.type === 'except_clause') return undefined;
    if (p.type === 'if_statement' || p.type === 'elif_clause') {
      if (child.id !== p.childForFieldName('consequence')?.id) return undefined;
      cond = p.childForFieldName('condition') ?? undefined;
      break;
    }
  }
  const read = cond && optionRead(cond, hook, 0);
  if (!read) return undefined;
  return addedOffOptions(root).has(read) ? read : undefined;
}

/** The option a condition needs on: an option read, or an `and` operand that is one. */
function optionRead(expr: Node, hook: Node, depth: number): string | undefined {
  const e = unparen(expr);
  if (depth > 3) return undefined;
  if (e.type === 'boolean_operator' && e.childForFieldName('operator')?.type === 'and') {
    return optionRead(e.childForFieldName('left')!, hook, depth + 1) ?? optionRead(e.childForFieldName('right')!, hook, depth + 1);
  }
  if (e.type === 'call') {
    const fn = e.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if ((method !== 'getoption' && method !== 'getvalue') || !CONFIG_OBJECT.test(dottedName(fn!.childForFieldName('object')) ?? '')) return undefined;
    const args = callArguments(e);
    // `getoption("--x", True)`: a truthy fallback turns the switch on when the option is unset.
    const fallback = args.keywords.get('default') ?? args.positional[1];
    if (fallback && !OFF_DEFAULT.test(unparen(fallback).text)) return undefined;
    return stringValue(args.positional[0]);
  }
  if (e.type === 'attribute') {
    const owner = e.childForFieldName('object');
    if (owner?.type === 'attribute' && owner.childForFieldName('attribute')?.text === 'option' && CONFIG_OBJECT.test(dottedName(owner.childForFieldName('object')) ?? '')) {
      return e.childForFieldName('attribute')?.text;
    }
    return undefined;
  }
  if (e.type === 'identifier') {
    const values = localAssignments(hook).get(e.text);
    return values?.length === 1 ? optionRead(values[0]!, hook, depth + 1) : undefined;
  }
  return undefined;
}

const addedOptionsCache = new WeakMap<Node, Set<string>>();

/**
 * Options the file adds with `parser.addoption(...)`/`group.addoption(...)` that are off unless given: their
 * spellings (`--list-tests`) and destinations (`list_tests`). An option with a truthy `default=` or
 * `action="store_false"` is on by default, so it is left out.
 */
function addedOffOptions(root: Node): Set<string> {
  const cached = addedOptionsCache.get(root);
  if (cached) return cached;
  const out = new Set<string>();
  forEachDescendant(root, (n) => {
    if (n.type !== 'call') return true;
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'attribute' || !/^_?addoption$/.test(fn.childForFieldName('attribute')?.text ?? '')) return true;
    const args = callArguments(n);
    const def = args.keywords.get('default');
    if ((def && !OFF_DEFAULT.test(unparen(def).text)) || stringValue(args.keywords.get('action')) === 'store_false') return true;
    const spellings = args.positional.map((a) => stringValue(a)).filter((s): s is string => !!s && s.startsWith('-'));
    if (!spellings.length) return true;
    const long = spellings.find((s) => s.startsWith('--')) ?? spellings[0]!;
    const dest = stringValue(args.keywords.get('dest')) ?? long.replace(/^-+/, '').replace(/-/g, '_');
    for (const s of spellings) out.add(s);
    out.add(dest);
    return true;
  });
  addedOptionsCache.set(root, out);
  return out;
}
