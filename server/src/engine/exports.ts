/**
 * What a module tells the modules that import it (project.ts joins them): facts about its module-level
 * names, and the names it imports. Computed by analyze() for every file, from the tree it already has.
 */
import { moduleAssignments, stringValue, unparen, type Node } from './ast';
import { importBindings, type NameResolver } from './names';
import type { HookBinding, ImportedFact, KeyedCall, ModuleExports } from './types';

// ---------------------------------------------------------------------------------------------------
// What a module exports

/**
 * The modules whose names the rules resolve (exits, pytest's and unittest's internals, clocks, frames, the
 * environment, processes): another name of something in them (`hard_stop = os._exit`) is worth telling the
 * modules that import it. Other names (`_ = gettext`) would only make files be analysed twice for nothing.
 */
const WATCHED = ['builtins', 'sys', 'os', 'posix', 'nt', '_pytest', 'pytest', 'pluggy', 'unittest', 'doctest', 'time', 'datetime', 'inspect', 'traceback', 'gc', 'atexit', 'signal', 'subprocess', 'importlib', 'threading', '_thread', 'math', 'cmath', 'numpy', 'functools', 'contextlib'];

export const WATCHED_MODULES = new RegExp(`^(${WATCHED.join('|')})(\\.|$)`);

/** Text of a value that may name a watched module's attribute (`os._exit`, `getattr(_s, "exit")`, `__import__("sys")`). */
const MAY_NAME_MODULE = new RegExp(`\\b(${[...WATCHED, 'np', 'getattr', '__import__', 'import_module'].join('|')})\\b|^\\.|\\b_\\w+\\b`);

/** Names that hold an exit status: `STATUS_OK`, `EXIT_SUCCESS`, `RC_OK`, `SUCCESS`, `OK`. */
const STATUS_NAME = /^_*(?:\w*_)?(?:STATUS|EXIT|RC|RETURNCODE|RETCODE|OK|SUCCESS|PASS(?:ED)?)(?:_\w*)?$/;

/**
 * Facts about the module-level names of a file: names bound once to `True`, `False` or `None`, or to a small
 * integer under a status's name (`STATUS_OK = 0`); names bound
 * once to a test of an environment variable that is false while the variable is unset
 * (`STRICT = os.environ.get("X") == "1"`); names bound once to another name (`stop = os._exit`); and the names
 * it imports from elsewhere under another name (`from os import _exit as stop`) or, in a package's
 * `__init__.py`, at all (re-exports, followed by the index). A name spelled in a string (`setattr(mod, "NAME", ...)`)
 * or bound anywhere else in the file has no fact.
 */
export function moduleExports(root: Node, source: string, path: string, names: () => NameResolver): ModuleExports | undefined {
  let out: ModuleExports | undefined;
  const put = (name: string, fact: ImportedFact) => ((out ??= {})[name] = fact);
  const assigned = new Map<string, Node | null>();
  for (const [name, values] of moduleAssignments(root)) assigned.set(name, values.length === 1 ? values[0]! : null);
  // The facts first (cheap), then whether the name keeps them (one pass over the file's identifiers).
  const candidates = new Map<string, ImportedFact>();
  for (const [name, value] of assigned) {
    if (!value) continue;
    const v = unparen(value);
    if (v.type === 'true' || v.type === 'false' || v.type === 'none') candidates.set(name, { kind: 'constant', literal: v.type === 'true' ? 'True' : v.type === 'false' ? 'False' : 'None' });
    // Only exit statuses (`STATUS_OK = 0`, `EXIT_SUCCESS = 0`): a fact makes every importer of the name analysed again.
    else if (v.type === 'integer' && /^\d{1,3}$/.test(v.text) && STATUS_NAME.test(name)) candidates.set(name, { kind: 'integer-constant', value: Number(v.text) });
    else {
      // `stop = os._exit`, `done = getattr(sys, "exit")`: another name of something the importing file can resolve.
      // Resolved only when it can name something of a module: an import's name in it, or a dynamic lookup.
      const q = (v.type === 'attribute' || v.type === 'identifier' || v.type === 'call') && MAY_NAME_MODULE.test(v.text) ? names().qualify(v) : undefined;
      const variable = q ? undefined : envFlagVariable(v, names);
      if (q && q !== name && (q.startsWith('.') || WATCHED_MODULES.test(q))) candidates.set(name, q.startsWith('.') ? { kind: 'alias', target: q } : { kind: 'refers-to', qualified: q });
      else if (variable) candidates.set(name, { kind: 'env-flag', variable });
    }
  }
  if (candidates.size) {
    const bindings = bindingCounts(root, candidates);
    for (const [name, fact] of candidates) if (bindings.get(name) === 1 && !spelledElsewhere(name, source, assigned.get(name)!)) put(name, fact);
  }
  // A package re-exports what its `__init__.py` imports; any module re-exports what it imports under another name
  // (`from os import _exit as hard_stop`).
  const isPackage = /(^|\/)__init__\.py$/.test(path);
  // Also the compatibility idiom `try: from pytest import skip as defer` / `except ImportError: ...`: the import is
  // what the name holds wherever the module is installed (as it is under test).
  const statements = root.namedChildren.flatMap((stmt) => (stmt.type === 'try_statement' ? (stmt.childForFieldName('body')?.namedChildren ?? []) : [stmt]));
  for (const stmt of statements) {
    if (stmt.type !== 'import_from_statement') continue;
    for (const [local, qualified] of fromImports(stmt)) {
      if (out?.[local] || (!isPackage && (qualified.endsWith(`.${local}`) || !(qualified.startsWith('.') || WATCHED_MODULES.test(qualified))))) continue;
      put(local, { kind: 'alias', target: qualified });
    }
  }
  return out;
}

/**
 * Is the name spelled in a string (alone or at the end of a dotted path: `setattr(mod, "NAME", ...)`,
 * `monkeypatch.setattr("pkg.mod.NAME", ...)`) outside its own value (`DEBUG = os.environ.get("DEBUG") == "1"`)?
 */
function spelledElsewhere(name: string, source: string, value: Node): boolean {
  const spelled = new RegExp(`['".]${name}['"]`, 'g');
  const count = (text: string) => text.match(spelled)?.length ?? 0;
  return count(source) > count(value.text);
}

/** How many times the file binds each of `names` (assignment targets, loop targets, `global`/`del`, imports, defs). */
function bindingCounts(root: Node, names: ReadonlyMap<string, unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of root.descendantsOfType('identifier')) {
    if (!names.has(id!.text) || !isBinding(id!)) continue;
    counts.set(id!.text, (counts.get(id!.text) ?? 0) + 1);
  }
  return counts;
}

const BINDING_PARENTS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'global_statement', 'nonlocal_statement', 'delete_statement', 'as_pattern_target', 'dotted_name', 'aliased_import']);

function isBinding(id: Node): boolean {
  const p = id.parent;
  if (!p) return false;
  if (BINDING_PARENTS.has(p.type)) return true;
  if (p.type === 'assignment' || p.type === 'augmented_assignment' || p.type === 'for_statement' || p.type === 'for_in_clause') return p.childForFieldName('left')?.id === id.id;
  if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'named_expression') return p.childForFieldName('name')?.id === id.id;
  return false;
}

/** `from m import a, b as c`: local name → qualified name (`m.a`, `m.b`); relative modules keep their dots. */
export function fromImports(stmt: Node): [string, string][] {
  if (stmt.type !== 'import_from_statement' || stmt.childForFieldName('module_name')?.text === '__future__') return [];
  return importBindings(stmt);
}

/**
 * The imported functions a file binds to pytest hook names at module level: `from ._plugin import f as
 * pytest_runtest_makereport`, `pytest_collection_modifyitems = f` with `f` imported, or a hook whose body calls
 * `f(...)` as a statement (the helper does the hook's work). The module that defines `f` is then a plugin, and
 * `f` that hook (project.ts hands it `settings.boundHooks`).
 */
export function hookBindingsOf(root: Node, source: string, names: () => NameResolver): HookBinding[] | undefined {
  if (!source.includes('pytest_')) return undefined;
  const out: HookBinding[] = [];
  let fromImported: Set<string> | undefined;
  for (const stmt of root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text.startsWith('pytest_')) {
      // `def pytest_sessionfinish(session, exitstatus): finish_run(session)`: the imported helper runs as the hook.
      const hook = def.childForFieldName('name')!.text;
      for (const st of def.childForFieldName('body')?.namedChildren ?? []) {
        const call = st.type === 'expression_statement' ? st.namedChild(0) : null;
        const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
        if (fn?.type === 'identifier') {
          const qualified = names().alias(fn.text);
          if (qualified && !qualified.startsWith('builtins.') && (fromImported ??= fromImportedNames(root)).has(fn.text)) out.push({ qualified, hook });
        } else if (fn?.type === 'attribute' && fn.childForFieldName('object')?.type === 'identifier') {
          // `norm.normalize(report)` with `from tests import _normalize as norm`: a helper module's function.
          const qualified = names().qualify(fn);
          if (qualified && !qualified.startsWith('builtins.') && !WATCHED_MODULES.test(qualified)) out.push({ qualified, hook });
        }
      }
      continue;
    }
    if (stmt.type === 'import_from_statement') {
      for (const [local, qualified] of fromImports(stmt)) if (local.startsWith('pytest_') && !qualified.endsWith(`.${local}`)) out.push({ qualified, hook: local });
    } else if (stmt.type === 'expression_statement') {
      const a = stmt.namedChild(0);
      const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
      const right = a?.childForFieldName('right');
      if (left?.type !== 'identifier' || !left.text.startsWith('pytest_') || right?.type !== 'identifier') continue;
      const qualified = names().alias(right.text);
      if (qualified && !qualified.startsWith('builtins.')) out.push({ qualified, hook: left.text });
    }
  }
  return out.length ? out : undefined;
}

/** Is `local` bound by a module-level `from ... import` (a helper of another module, not a def of this one)? */
/**
 * Names tests give the values they check against (`expected = [...]`, `want = ...`). Only calls passing one of
 * these are reported to the callee's module: any other string would have it analysed twice for nothing.
 */
const TEST_VALUE_NAME = /^(expected|expect|expected_\w+|\w+_expected|answer|answers|want|wanted|golden|truth|ground_truth|should_be)$/i;

/**
 * Calls of imported functions (`from ._diag import lookup` then `lookup("expected", "want")`) that pass a name a
 * test gives its expected value as a string: the callee's module learns the arguments (project.ts hands them to
 * it as `settings.callerStrings`), so a helper that reads a variable by a name it is given can be judged by the
 * names it is given elsewhere.
 */
export function keyedCallsOf(root: Node, source: string, names: () => NameResolver): KeyedCall[] | undefined {
  if (!/["'](expect|answer|want|golden|truth|should_be|\w+_expected)/i.test(source)) return undefined;
  const out: KeyedCall[] = [];
  const fromImported = fromImportedNames(root);
  if (!fromImported.size) return undefined;
  for (const call of root.descendantsOfType('call')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'identifier' || !fromImported.has(fn.text)) continue;
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a.type !== 'comment' && a.type !== 'keyword_argument');
    const strings = args.map((a) => {
      const s = stringValue(a);
      return s !== undefined && /^\w{1,40}$/.test(s) ? s : null;
    });
    if (!strings.some((s) => s !== null && TEST_VALUE_NAME.test(s))) continue;
    const qualified = names().alias(fn.text);
    if (qualified && !qualified.startsWith('builtins.')) out.push({ qualified, args: strings });
  }
  return out.length ? out : undefined;
}

/** The local names module-level `from ... import` statements bind. */
function fromImportedNames(root: Node): Set<string> {
  return new Set(root.namedChildren.filter((stmt) => stmt.type === 'import_from_statement').flatMap((stmt) => fromImports(stmt).map(([name]) => name)));
}

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The qualified names a file imports with `from ... import` anywhere in it (what `settings.imported` can answer). */
export function importedNames(root: Node, source: string): string[] | undefined {
  if (!source.includes('import')) return undefined;
  const out = new Set<string>();
  // Names an import binds (`from . import settings`, `import vecmath`) and what they stand for, whose attributes the
  // file may read: `settings.TESTING`, `vecmath.HAS_SIMD`, found in the text (a mention in a comment costs a lookup).
  const bound = new Map<string, string>();
  for (const stmt of root.descendantsOfType('import_from_statement')) {
    for (const [local, q] of fromImports(stmt!)) {
      out.add(q);
      // Modules are named in lower case (`from . import settings`); `List`, `Path`, `HAS_X` are not read through.
      if (/^[a-z_][a-z0-9_]*$/.test(local)) bound.set(local, q);
    }
  }
  for (const stmt of root.descendantsOfType('import_statement')) for (const [local, q] of importBindings(stmt!)) bound.set(local, q);
  // One pass over the dots of the text: the name before each one, if an import bound it, and the name after.
  if (bound.size) {
    for (let dot = source.indexOf('.'); dot >= 0; dot = source.indexOf('.', dot + 1)) {
      let start = dot;
      while (start > 0 && isWordCode(source.charCodeAt(start - 1))) start--;
      if (start === dot || (start > 0 && source.charCodeAt(start - 1) === 0x2e)) continue;
      const q = bound.get(source.slice(start, dot));
      if (q === undefined) continue;
      let end = dot + 1;
      while (end < source.length && isWordCode(source.charCodeAt(end))) end++;
      if (end > dot + 1 && !isDigitCode(source.charCodeAt(dot + 1))) out.add(`${q}.${source.slice(dot + 1, end)}`);
    }
  }
  return out.size ? [...out] : undefined;
}

// An environment switch: what an expression is while the variable it reads is unset.

const UNKNOWN = Symbol('unknown');
type Value = string | number | boolean | null | Value[] | typeof UNKNOWN;

/**
 * The variable an environment switch reads, when the expression is false while that variable is unset:
 * `os.environ.get("X") == "1"`, `os.getenv("X", "0") != "0"`, `bool(os.environ.get("X"))`, `"X" in os.environ`,
 * `os.environ.get("X", "").lower() in ("1", "true")`. A switch that is on by default is no such flag.
 */
function envFlagVariable(expr: Node, names: () => NameResolver): string | undefined {
  if (!/environ|getenv/.test(expr.text)) return undefined;
  const read: string[] = [];
  const value = valueWhileUnset(expr, names, read, 0);
  return value !== UNKNOWN && !truthy(value) && read.length === 1 ? read[0] : undefined;
}

function truthy(v: Exclude<Value, typeof UNKNOWN>): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v;
}

const STRING_METHODS = new Set(['lower', 'upper', 'strip', 'casefold', 'lstrip', 'rstrip']);

function valueWhileUnset(node: Node, names: () => NameResolver, read: string[], depth: number): Value {
  if (depth > 12) return UNKNOWN;
  const n = unparen(node);
  const recur = (c: Node | null | undefined) => (c ? valueWhileUnset(c, names, read, depth + 1) : UNKNOWN);
  switch (n.type) {
    case 'string': {
      const s = stringValue(n);
      return s === undefined ? UNKNOWN : s;
    }
    case 'integer':
      return /^\d+$/.test(n.text) ? Number(n.text) : UNKNOWN;
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'tuple':
    case 'list':
    case 'set': {
      const items = n.namedChildren.filter((c) => c.type !== 'comment').map(recur);
      return items.includes(UNKNOWN) ? UNKNOWN : items;
    }
    case 'not_operator': {
      const v = recur(n.childForFieldName('argument'));
      return v === UNKNOWN ? UNKNOWN : !truthy(v);
    }
    case 'boolean_operator': {
      const l = recur(n.childForFieldName('left'));
      if (l === UNKNOWN) return UNKNOWN;
      const or = n.child(1)?.type === 'or';
      if (or ? truthy(l) : !truthy(l)) return l;
      return recur(n.childForFieldName('right'));
    }
    case 'comparison_operator': {
      if (n.namedChildCount !== 2) return UNKNOWN;
      const op = n.children.filter((c) => !c!.isNamed).map((c) => c!.type).join(' ');
      const right = n.namedChild(1)!;
      // `"X" in os.environ`: false while X is unset.
      if ((op === 'in' || op === 'not in') && isEnviron(right, names)) {
        const key = stringValue(n.namedChild(0));
        if (key === undefined) return UNKNOWN;
        read.push(key);
        return op === 'not in';
      }
      const a = recur(n.namedChild(0));
      const b = recur(right);
      if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
      if (op === '==' || op === 'is') return same(a, b);
      if (op === '!=' || op === 'is not') return !same(a, b);
      if (op === 'in' || op === 'not in') {
        if (!Array.isArray(b)) return typeof a === 'string' && typeof b === 'string' ? (op === 'in') === b.includes(a) : UNKNOWN;
        return (op === 'in') === b.some((x) => x !== UNKNOWN && same(a, x));
      }
      return UNKNOWN;
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
      if (args.some((a) => a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat')) return UNKNOWN;
      if (fn?.type === 'attribute') {
        const attr = fn.childForFieldName('attribute')?.text ?? '';
        const object = fn.childForFieldName('object')!;
        if (attr === 'get' && isEnviron(object, names)) return envRead(args, read, recur);
        if (STRING_METHODS.has(attr) && args.length === 0) {
          const s = recur(object);
          return typeof s === 'string' ? (attr === 'lower' || attr === 'casefold' ? s.toLowerCase() : attr === 'upper' ? s.toUpperCase() : s.trim()) : UNKNOWN;
        }
      }
      const q = fn ? names().qualify(fn) : undefined;
      if (q === 'os.getenv' || q === 'os.environ.get') return envRead(args, read, recur);
      if (q === 'builtins.bool' && args.length === 1) {
        const v = recur(args[0]);
        return v === UNKNOWN ? UNKNOWN : truthy(v);
      }
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

/** `environ.get(key[, default])` while the variable is unset: the default, else None. */
function envRead(args: Node[], read: string[], recur: (c: Node) => Value): Value {
  const key = args.length >= 1 && args.length <= 2 ? stringValue(args[0]) : undefined;
  if (key === undefined) return UNKNOWN;
  read.push(key);
  return args.length === 2 ? recur(args[1]!) : null;
}

function isEnviron(n: Node, names: () => NameResolver): boolean {
  return names().qualify(unparen(n)) === 'os.environ';
}

function same(a: Exclude<Value, typeof UNKNOWN>, b: Exclude<Value, typeof UNKNOWN>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

