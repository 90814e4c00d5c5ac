/**
 * Shared analysis for the RH6 (harness tampering) rules, also used by RH503 (test-source-reading):
 *
 * - `pathOf`: what a path expression is made of — its literal fragments and its dynamic bases — through
 *   `os.path.join`, `pathlib.Path(...)`, the `/` operator, `+`, f-strings, `.joinpath()`, one-hop
 *   local variables (`p = Path("tests")`), attributes the class sets once (`self.base = ...` in `__init__`,
 *   `base = ...` in the class body) and one entry of a listing (`next(Path(".").rglob("test_*.py"))`),
 *   so that `Path("tests") / "test_x.py"` is recognised and `shutil.rmtree(build_dir)` is not.
 * - `testPathKind`: whether such a path names a test file, a test folder, `conftest.py`, a pytest/tox
 *   configuration file or an expected-output file.
 *
 * Expression walks are bounded (depth and fan-out caps): a path expression is small, and a pathological
 * one must not overflow the stack.
 */
import {
  callArguments,
  dottedName,
  enclosingClass,
  enclosingFunction,
  enclosingLoopIterable,
  forEachDescendant,
  forEachInScope,
  parameterDefault,
  parameterNames,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { rememberingLast } from '../../engine/prefilter';

// ---------------------------------------------------------------------------------------------------
// Path expressions

/** One piece of a path expression: literal text, or a dynamic value (a variable, a call). */
export type PathPart = { lit: string } | { dyn: Node };

export interface PathInfo {
  /** Literal and dynamic parts in order; `/` separators are explicit literal text. */
  parts: PathPart[];
  /** A dynamic part comes from a temporary directory (tempfile, `tmp_path`, a `tmp*` name, `/tmp/...`). */
  temporary: boolean;
  /**
   * The slower half of `temporary`, asked only of a path that names a test location: a dynamic part
   * reached through a binding (`out.name` of `out = TemporaryDirectory()`, `self.root` set to one).
   */
  temporaryThroughBindings?: () => boolean;
  /** At least one literal fragment. */
  hasLiteral: boolean;
  /**
   * Where the path starts: a literal (relative to the working directory, or absolute), the module's own
   * location or the working directory (`__file__`, `os.getcwd()`, `Path.cwd()`), or some other value (a
   * parameter, an attribute) — e.g. the target folder of a project generator.
   */
  base?: 'literal' | 'project' | 'other';
}

const JOIN_FUNCTIONS = new Set(['os.path.join', 'posixpath.join', 'ntpath.join']);
/** Environment lookups with a default (`os.environ.get(key, default)`, `os.getenv(key, default)`). */
const ENV_LOOKUPS = new Set(['os.environ.get', 'os.getenv', 'os.environ.setdefault']);

// `anyio.Path`/`trio.Path`: the async wrappers of `pathlib.Path`, with the same methods.
const PATH_CLASSES = /^(pathlib\.|anyio\.|trio\.)?(Path|PurePath|PosixPath|WindowsPath|PurePosixPath|PureWindowsPath)$/;
const PASSTHROUGH_FUNCTIONS = new Set([
  'os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'os.path.expanduser', 'os.fspath', 'builtins.str',
  'os.path.normcase',
]);
const PASSTHROUGH_METHODS = new Set(['resolve', 'absolute', 'expanduser', 'as_posix', '__fspath__']);
const TEMP_NAME = /(^|_)(tmp|temp|tmpdir|tmp_?path|tempdir|temp_?dir|scratch|sandbox)(_|$|dir|path|s\b)|^(tmp|temp)/i;
const TEMP_FACTORIES = /^(tempfile\.\w+|py\.path\.local\.mkdtemp)$/;

const MAX_PATH_DEPTH = 24;
const MAX_PATH_PARTS = 64;

/** Statements in `scope` that bind `name` (simple assignment, `with ... as name`, `for name in ...`). */
function bindingsOf(name: string, scope: Node): Node[] {
  const out: Node[] = [];
  const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!body) return out;
  forEachInScope(body, (n) => {
    if (out.length > 4) return false;
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name) out.push(n);
    } else if (n.type === 'as_pattern') {
      const alias = n.childForFieldName('alias');
      const id = alias?.type === 'as_pattern_target' ? alias.namedChild(0) : alias;
      if (id?.type === 'identifier' && id.text === name) out.push(n);
    } else if (n.type === 'for_statement') {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name) out.push(n);
    }
    return true;
  });
  return out;
}

/** The expression a binding gives its name: the right side, the `with` item, or the `for` iterable. */
function boundExpression(binding: Node): { expr: Node; via: 'value' | 'with' | 'for' } | undefined {
  if (binding.type === 'assignment') {
    const right = binding.childForFieldName('right');
    return right ? { expr: right, via: 'value' } : undefined;
  }
  if (binding.type === 'as_pattern') {
    const v = binding.namedChild(0);
    return v ? { expr: v, via: 'with' } : undefined;
  }
  if (binding.type === 'for_statement') {
    const right = binding.childForFieldName('right');
    return right ? { expr: right, via: 'for' } : undefined;
  }
  return undefined;
}

/** The temporary-object factories whose `.name` is a temporary path (`TemporaryDirectory().name`). */
const TEMP_OBJECT = /(^|\.)(TemporaryDirectory|NamedTemporaryFile|SpooledTemporaryFile)$/;

/**
 * Whether a dynamic path part is a temporary location. `budget` bounds the hops through bindings
 * (`out.name` where `out = TemporaryDirectory()`, `self.root` where `self.root = Path(self._tmp.name)`).
 */
function isTemporaryDynamic(node: Node, names: NameResolver, budget: number): boolean {
  const n = unparen(node);
  const text = n.type === 'identifier' ? n.text : n.type === 'attribute' ? (n.childForFieldName('attribute')?.text ?? '') : '';
  if (text && TEMP_NAME.test(text)) return true;
  if (n.type === 'call') {
    const q = names.callee(n) ?? '';
    if (TEMP_FACTORIES.test(q)) return true;
    const d = dottedName(n.childForFieldName('function')) ?? '';
    if (/(^|\.)(mkdtemp|mkstemp|mktemp|gettempdir|TemporaryDirectory|NamedTemporaryFile|mktemp|getbasetemp)$/.test(d)) return true;
  }
  if (n.type === 'attribute' || n.type === 'call') {
    // `tmp_path.joinpath(...)`, `self.tmpdir.name`
    if (TEMP_NAME.test(dottedName(n.type === 'call' ? n.childForFieldName('function') : n) ?? '')) return true;
  }
  if (n.type === 'attribute' && budget > 0) {
    const obj = n.childForFieldName('object');
    if (text === 'name' && obj) {
      // `d.name` of `d = tempfile.TemporaryDirectory()` (a local, or an attribute set in the class).
      const value = valueOf(obj);
      const v = value && unparen(value);
      if (v?.type === 'call' && TEMP_OBJECT.test(names.callee(v) ?? dottedName(v.childForFieldName('function')) ?? '')) return true;
    }
    // `self.root`, set once in the class to a temporary path.
    const value = selfAttributeValue(n);
    const path = value && pathOfWithin(value, names, budget - 1);
    if (path && (path.temporary || path.temporaryThroughBindings?.())) return true;
  }
  return false;
}

/**
 * The one value a local name or `self.x` is given (followed once), or undefined when not unique. `orModule`:
 * a name the function neither binds nor takes as a parameter is read at module level (a module constant).
 */
export function valueOf(expr: Node, options: { orModule?: boolean } = {}): Node | undefined {
  const n = unparen(expr);
  if (n.type === 'attribute') return selfAttributeValue(n);
  if (n.type !== 'identifier') return undefined;
  const fn = enclosingFunction(n);
  let binds = bindingsOf(n.text, fn ?? n.tree.rootNode);
  if (fn && binds.length === 0 && options.orModule && !parameterNames(fn).includes(n.text)) binds = bindingsOf(n.text, n.tree.rootNode);
  const only = binds.length === 1 ? boundExpression(binds[0]!) : undefined;
  return only && only.via === 'value' ? only.expr : undefined;
}

/** Per class: the values given to each member, by `self.x = ...`/`cls.x = ...` in its methods or `x = ...` in its body. */
const memberBindings = new WeakMap<Node, Map<string, Node[]>>();

function memberBindingsOf(cls: Node): Map<string, Node[]> {
  let out = memberBindings.get(cls);
  if (out) return out;
  out = new Map();
  const note = (name: string, value: Node) => {
    const list = out!.get(name);
    if (list) list.push(value);
    else out!.set(name, [value]);
  };
  const body = cls.childForFieldName('body');
  // Class attributes: statements of the class body itself (`tests_dir = Path("tests")`).
  for (const stmt of body?.namedChildren ?? []) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type === 'identifier' && right) note(left.text, right);
  }
  // Instance and class attributes set in methods (`self.x = ...`, `cls.x = ...`; `self.x += ...` is a second value).
  for (const a of cls.descendantsOfType(['assignment', 'augmented_assignment'])) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (left?.type !== 'attribute' || !right) continue;
    const obj = left.childForFieldName('object');
    const name = left.childForFieldName('attribute')?.text;
    if (obj?.type !== 'identifier' || !name) continue;
    const fn = enclosingFunction(a!);
    if (fn && parameterNames(fn)[0] === obj.text && enclosingClass(fn)?.id === cls.id) note(name, right);
  }
  memberBindings.set(cls, out);
  return out;
}

/**
 * `self.x` (or `cls.x`) in a method: the one value the class gives `x` — in a method (`self.x = ...`) or in
 * the class body (`x = ...`) — or undefined when there is none or more than one.
 */
function selfAttributeValue(attr: Node): Node | undefined {
  const obj = attr.childForFieldName('object');
  const name = attr.childForFieldName('attribute')?.text;
  if (obj?.type !== 'identifier' || !name) return undefined;
  const fn = enclosingFunction(attr);
  if (!fn || parameterNames(fn)[0] !== obj.text) return undefined;
  const cls = enclosingClass(fn);
  if (!cls) return undefined;
  const values = memberBindingsOf(cls).get(name);
  return values?.length === 1 ? values[0] : undefined;
}

/**
 * The parts of a path expression. Depth-capped iteration via an explicit work list; identifiers are
 * followed one hop to their single binding in the enclosing function (or module), a parameter to its
 * default value.
 */
export function pathOf(expr: Node, names: NameResolver, choice?: LoopChoice): PathInfo {
  return pathOfWithin(expr, names, 2, choice);
}

/** One value picked for a loop variable that runs over a literal table of strings (`rel` ← `"tests/x"`). */
export interface LoopChoice {
  name: string;
  value: Node;
}

/**
 * The string elements a loop variable takes when its loop runs over a literal tuple, list or set of
 * strings — written in the loop (`for rel in (".cache", "tests")`) or bound once to a name, in the
 * function or at module level (`_CACHE_DIRS = (".cache", "tests")` then `for rel in _CACHE_DIRS`).
 */
export function literalLoopValues(id: Node): Node[] | undefined {
  const iterable = enclosingLoopIterable(id);
  let seq = iterable && unparen(iterable);
  if (seq?.type === 'identifier') {
    // A parameter's table is the caller's, even when the function also rebinds it.
    const fn = enclosingFunction(seq);
    if (fn && parameterNames(fn).includes(seq.text)) return undefined;
    const value = valueOf(seq, { orModule: true });
    seq = value && unparen(value);
  }
  if (!seq || !/^(tuple|list|set)$/.test(seq.type)) return undefined;
  const items = seq.namedChildren.filter((c) => c.type !== 'comment');
  return items.length > 0 && items.length <= 16 && items.every((c) => isLiteralPath(c)) ? items : undefined;
}

/**
 * A path written with literals only: a string, or a join of such paths (`os.path.join("tests", "integration")`,
 * `Path("tests", "unit")`, `Path("tests") / "unit"`), which `pathOf` reads like the string. The leftmost part
 * may also be the module's own location (`_PKG.parent / "tests" / "test_x.py"` with `_PKG = Path(__file__).parent`,
 * `os.path.join(HERE, "tests")`): a fixed path inside the project all the same.
 */
function isLiteralPath(node: Node, depth = 0, leftmost = true): boolean {
  const n = unparen(node);
  if (stringValue(n) !== undefined) return true;
  if (depth > 4) return false;
  if (n.type === 'binary_operator') {
    return n.childForFieldName('operator')?.type === '/' && isLiteralPath(n.childForFieldName('left')!, depth + 1, leftmost) && isLiteralPath(n.childForFieldName('right')!, depth + 1, false);
  }
  if (leftmost && depth > 0 && isProjectLocation(n)) return true;
  if (n.type !== 'call' || !/(^|\.)(join|Path|PurePath|PosixPath|PurePosixPath)$/.test(dottedName(n.childForFieldName('function')) ?? '')) return false;
  const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  return args.length > 0 && args.every((a, i) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && isLiteralPath(a, depth + 1, leftmost && i === 0));
}

/** `__file__`, `HERE`, `_PKG.parent` (`_PKG` bound to the module's location): where the module itself lives. */
function isProjectLocation(n: Node): boolean {
  if (n.type !== 'identifier' && n.type !== 'attribute' && n.type !== 'call' && n.type !== 'subscript') return false;
  if (PROJECT_ROOT.test(n.text) || builtOnProjectRoot(n)) return true;
  if (n.type !== 'identifier') return false;
  const binds = bindingsOf(n.text, n.tree.rootNode);
  const bound = binds.length === 1 ? boundExpression(binds[0]!) : undefined;
  return bound?.via === 'value' && PROJECT_ROOT.test(bound.expr.text);
}

/**
 * The paths an expression names for each value of the first loop variable in it that runs over a literal
 * table of strings (`_PROJECT / rel` for `rel in (".cache", "tests/regressions")`); empty when there is none.
 */
export function pathsOverLiteralLoop(expr: Node, names: NameResolver): PathInfo[] {
  const ids = unparen(expr).type === 'identifier' ? [unparen(expr)] : expr.descendantsOfType('identifier').filter((d): d is Node => !!d);
  // `target = _PROJECT / rel` in the loop, then `os.remove(target)`: the loop variable sits in the one value
  // a name of the target is given (one hop, as `pathOf` follows it).
  for (const id of ids.slice(0, 8)) {
    if (literalLoopValues(id)) continue;
    const bound = valueOf(id);
    if (bound) ids.push(...(unparen(bound).type === 'identifier' ? [unparen(bound)] : bound.descendantsOfType('identifier').filter((d): d is Node => !!d)));
  }
  for (const id of ids.slice(0, 16)) {
    const values = literalLoopValues(id);
    if (values) return values.map((value) => pathOf(expr, names, { name: id.text, value }));
  }
  return [];
}

/** `pathOf`, with `budget` hops left for the temporary-location test of its dynamic parts. */
function pathOfWithin(expr: Node, names: NameResolver, budget: number, choice?: LoopChoice): PathInfo {
  const info: PathInfo = { parts: [], temporary: false, hasLiteral: false };
  // Attributes whose temporariness needs a look at their bindings: done only when the path matters.
  const throughBindings: Node[] = [];
  // The same test for the parts of followed `self.x` values.
  const boundThroughBindings: (() => boolean)[] = [];
  // Work items are processed in order; `emit` items are pushed in reverse so the output stays ordered.
  // `lead`: the item starts the path (a listing's bare entry names only make sense elsewhere).
  type Item = { node: Node; depth: number; followed: number; lead: boolean } | { lit: string };
  const stack: Item[] = [{ node: expr, depth: 0, followed: 0, lead: true }];
  // The path starts at a parameter: the caller decides where it points, whatever the default.
  let startsAtParameter = false;
  // The index of the first part after the path's start that is a parameter without a default (a folder the caller names, or part of a name).
  let parameterFolderAt = -1;
  const pushSeq = (items: Item[]) => {
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!);
  };
  const joined = (args: Node[], depth: number, followed: number, lead: boolean): Item[] => {
    const items: Item[] = [];
    args.forEach((a, i) => {
      if (i > 0) items.push({ lit: '/' });
      items.push({ node: a, depth: depth + 1, followed, lead: lead && i === 0 });
    });
    return items;
  };
  while (stack.length) {
    if (info.parts.length > MAX_PATH_PARTS) break;
    const item = stack.pop()!;
    if ('lit' in item) {
      info.parts.push({ lit: item.lit });
      continue;
    }
    const { depth, followed, lead } = item;
    const n = unparen(item.node);
    const dyn = () => {
      info.parts.push({ dyn: n });
      if (isTemporaryDynamic(n, names, 0)) info.temporary = true;
      else if (n.type === 'attribute' && budget > 0) throughBindings.push(n);
    };
    const next = (node: Node, asLead = lead, hop = 0): Item => ({ node, depth: depth + 1, followed: followed + hop, lead: asLead });
    if (depth > MAX_PATH_DEPTH) {
      dyn();
      continue;
    }
    const s = stringValue(n);
    if (s !== undefined) {
      info.parts.push({ lit: s });
      info.hasLiteral = true;
      if (/^\/(tmp|var\/tmp)(\/|$)/.test(s) && info.parts.length === 1) info.temporary = true;
      continue;
    }
    if (n.type === 'string') {
      // An f-string: literal pieces and interpolations.
      const items: Item[] = [];
      for (const c of n.namedChildren) {
        if (c.type === 'string_content') items.push({ lit: c.text });
        else if (c.type === 'interpolation') {
          const e = c.namedChild(0);
          if (e) items.push(next(e, lead && items.length === 0));
        }
      }
      if (items.some((i) => 'lit' in i)) info.hasLiteral = true;
      pushSeq(items);
      continue;
    }
    if (n.type === 'boolean_operator' && n.childForFieldName('operator')?.type === 'or' && lead) {
      // `(where or Path.cwd()) / name`: the caller's folder when it gives one, so the caller decides.
      const left = n.childForFieldName('left');
      const fn = enclosingFunction(n);
      if (left && unparen(left).type === 'identifier' && fn && parameterNames(fn).includes(unparen(left).text)) {
        startsAtParameter = true;
        info.parts.push({ dyn: unparen(left) });
        continue;
      }
    }
    if (n.type === 'binary_operator') {
      const op = n.childForFieldName('operator')?.type;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left && right && (op === '/' || op === '+')) {
        pushSeq(op === '/' ? [next(left), { lit: '/' }, next(right, false)] : [next(left), next(right, false)]);
        continue;
      }
      dyn();
      continue;
    }
    if (n.type === 'call') {
      const fnNode = n.childForFieldName('function');
      const q = names.callee(n) ?? '';
      const args = callArguments(n);
      if ((JOIN_FUNCTIONS.has(q) || PATH_CLASSES.test(q)) && !args.hasSplat && args.positional.length > 0) {
        pushSeq(joined(args.positional, depth, followed, lead));
        continue;
      }
      if (PASSTHROUGH_FUNCTIONS.has(q) && args.positional.length === 1) {
        stack.push(next(args.positional[0]!));
        continue;
      }
      // `os.environ.get("APP_CACHE", <default>)`: unless someone sets the variable (a test run does not), the default.
      const fallback = ENV_LOOKUPS.has(q) ? args.positional[1] ?? args.keywords.get('default') : undefined;
      if (fallback) {
        stack.push(next(fallback));
        continue;
      }
      // `next(Path(".").rglob("test_*.py"))`: one entry of the listing.
      const picked = q === 'builtins.next' && args.positional[0] ? entriesListing(args.positional[0], names, true) : undefined;
      if (picked) {
        if (picked.bareNames && !lead) info.parts.push({ lit: WILDCARD });
        else pushSeq(listingItems(picked, next));
        continue;
      }
      if (fnNode?.type === 'attribute') {
        const method = fnNode.childForFieldName('attribute')?.text ?? '';
        const obj = fnNode.childForFieldName('object');
        if (obj && method === 'joinpath' && !args.hasSplat) {
          pushSeq([next(obj), { lit: '/' }, ...joined(args.positional, depth, followed, false)]);
          continue;
        }
        if (obj && PASSTHROUGH_METHODS.has(method)) {
          stack.push(next(obj));
          continue;
        }
        if (obj && (method === 'with_name' || method === 'with_suffix') && args.positional[0]) {
          // Not modelled precisely: keep the base, then the new name as the last segment.
          pushSeq([next(obj), { lit: '/' }, next(args.positional[0], false)]);
          continue;
        }
        const [old, renamed] = args.positional.map((a) => stringValue(a));
        if (obj && method === 'replace' && args.positional.length === 2 && old && renamed && !/[\\/]/.test(old + renamed)) {
          // `__file__.replace("solution.py", "test_solution.py")`: the same folder, a new last segment.
          pushSeq([next(obj), { lit: '/' }, { lit: renamed }]);
          info.hasLiteral = true;
          continue;
        }
      }
      dyn();
      continue;
    }
    if (n.type === 'subscript') {
      // `glob.glob("tests/test_*.py")[0]`, `sorted(tests.iterdir())[-1]`: one entry of the listing.
      const value = n.childForFieldName('value');
      const picked = value && n.childForFieldName('subscript')?.type !== 'slice' ? entriesListing(value, names, true) : undefined;
      if (picked) {
        if (picked.bareNames && !lead) info.parts.push({ lit: WILDCARD });
        else pushSeq(listingItems(picked, next));
        continue;
      }
      dyn();
      continue;
    }
    if (n.type === 'attribute' && budget > 0 && followed < 3) {
      // `self.tests = Path(__file__).parent / "tests"` in `__init__` (or `tests = ...` in the class body), then
      // `self.tests`: its value, when that says more than the name does (a literal, the project root, a
      // temporary folder). A name that already decides (`self.tmp_dir`, `self.data_dir`) is kept.
      const member = n.childForFieldName('attribute')?.text ?? '';
      const value = !isTemporaryDynamic(n, names, 0) && !isDataName(member, true) ? selfAttributeValue(n) : undefined;
      const bound = value && pathOfWithin(value, names, budget - 1);
      if (bound && (bound.hasLiteral || bound.temporary || bound.base === 'project')) {
        info.parts.push(...bound.parts);
        info.hasLiteral ||= bound.hasLiteral;
        info.temporary ||= bound.temporary;
        if (bound.temporaryThroughBindings) boundThroughBindings.push(bound.temporaryThroughBindings);
        // `self.root = root` with `root="tests"` by default: the caller still decides.
        if (lead && bound.base === 'other') startsAtParameter = true;
        continue;
      }
      dyn();
      continue;
    }
    if (n.type === 'identifier' && followed < 3) {
      // `for f in glob.glob("tests/*.py")` or `[os.remove(f) for f in ...]`: the loop iterates a listing's entries.
      const iterable = enclosingLoopIterable(n);
      const listed = iterable && entriesListing(iterable, names, false);
      // `for folder, dirs, files in os.walk("tests")`: `folder` is the walked folder or one below it.
      const walked = !listed ? walkedFolder(n, names) : undefined;
      if (walked) {
        pushSeq([next(walked, lead, 1), { lit: '/' }, { lit: WILDCARD }]);
        continue;
      }
      if (listed) {
        // `os.path.join("tests", f)` for `f in os.listdir("tests")`: the listing gives bare names.
        if (listed.bareNames && !lead) info.parts.push({ lit: WILDCARD });
        else pushSeq(listingItems(listed, next));
        continue;
      }
      const scope = enclosingFunction(n) ?? n.tree.rootNode;
      if (scope.type === 'function_definition' && parameterNames(scope).includes(n.text)) {
        if (lead) startsAtParameter = true;
        const fallback = parameterDefault(scope, n.text);
        if (fallback && !iterable) stack.push(next(fallback, lead, 1));
        else {
          // `cwd / name / "tests"`: a folder the caller names, inside which the path goes on.
          if (!lead && parameterFolderAt < 0) parameterFolderAt = info.parts.length;
          dyn();
        }
        continue;
      }
      if (iterable) {
        // `for rel in (".cache", "tests")`: the value the caller picked for this loop variable.
        if (choice?.name === n.text && literalLoopValues(n)?.some((v) => v.id === choice.value.id)) stack.push(next(choice.value, lead, 1));
        else dyn();
        continue;
      }
      let binds = bindingsOf(n.text, scope);
      if (binds.length === 0 && scope.type !== 'module') binds = bindingsOf(n.text, n.tree.rootNode);
      const only = binds.length === 1 ? boundExpression(binds[0]!) : undefined;
      if (only && only.via !== 'for' && only.expr.startIndex < n.startIndex) {
        if (only.via === 'with' && isTemporaryDynamic(only.expr, names, 0)) {
          info.temporary = true;
          dyn();
          continue;
        }
        stack.push(next(only.expr, lead, 1));
        continue;
      }
      if (only && only.via === 'for') {
        // The loop variable used after its loop: the last entry of the listing.
        const after = entriesListing(only.expr, names, false);
        if (after) {
          pushSeq(listingItems(after, next));
          continue;
        }
      }
      dyn();
      continue;
    }
    dyn();
  }
  const first = info.parts.find((p) => !('lit' in p && p.lit === '/'));
  const projectRoot = (p: PathPart | undefined) => !!p && 'dyn' in p && (PROJECT_ROOT.test(p.dyn.text) || builtOnProjectRoot(p.dyn));
  // A path that goes on inside a folder its caller names (`Path.cwd() / name / "tests"`, a scaffolder's new
  // project) is not the project's own folder. A parameter inside the last segment names only part of the
  // file (`f"test_{name}.py"` in `tests/`): no separator follows it, and the folder is still the project's.
  const callerNamedFolder = parameterFolderAt >= 0 && info.parts.slice(parameterFolderAt + 1).some((p) => 'lit' in p && /[\\/]/.test(p.lit));
  if (first) info.base = projectRoot(first) && !callerNamedFolder ? 'project' : startsAtParameter || callerNamedFolder || !('lit' in first) ? 'other' : 'literal';
  if (throughBindings.length > 0 || boundThroughBindings.length > 0) {
    info.temporaryThroughBindings = () => throughBindings.some((d) => isTemporaryDynamic(d, names, budget)) || boundThroughBindings.some((f) => f());
  }
  return info;
}

/**
 * The folder `os.walk` is given, for the first name of its loop's tuple (`folder` in `for folder, dirs, files in
 * os.walk(root)`), used in the loop's body; undefined for any other name.
 */
function walkedFolder(id: Node, names: NameResolver): Node | undefined {
  for (let child: Node = id, p = id.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return undefined;
    if (p.type !== 'for_statement' || p.childForFieldName('body')?.id !== child.id) continue;
    const left = p.childForFieldName('left');
    if ((left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') || left.namedChild(0)?.text !== id.text) continue;
    const right = p.childForFieldName('right');
    const walk = right && unparen(right);
    if (walk?.type !== 'call' || names.callee(walk) !== 'os.walk') return undefined;
    return callArguments(walk).positional[0] ?? callArguments(walk).keywords.get('top');
  }
  return undefined;
}

/** Text of an expression that starts at the project: the module's own location, the working directory, a root constant. */
const PROJECT_ROOT = /__file__|getcwd|\bcwd\(\)|\bhere\b|\bHERE\b|\bROOT\b|_ROOT\b|\broot_dir\b/;

/**
 * `_HERE.parent`, `BASE.parents[1]`, `SRC.resolve().parent` where the name holds the module's location
 * (`_HERE = Path(__file__).parent`): the path starts at the project even though the name does not say so.
 */
function builtOnProjectRoot(expr: Node): boolean {
  let n = unparen(expr);
  for (let i = 0; i < 8 && n.type !== 'identifier'; i++) {
    const inner = n.type === 'attribute' ? n.childForFieldName('object') : n.type === 'subscript' ? n.childForFieldName('value') : n.type === 'call' ? n.childForFieldName('function') : null;
    if (!inner) return false;
    n = unparen(inner);
  }
  if (n.type !== 'identifier' || n.id === unparen(expr).id) return false;
  // The name's one binding, in its function or else at module level (a module constant used in a function).
  const scope = enclosingFunction(n);
  let binds = scope ? bindingsOf(n.text, scope) : [];
  if (binds.length === 0) binds = bindingsOf(n.text, n.tree.rootNode);
  const bound = binds.length === 1 ? boundExpression(binds[0]!) : undefined;
  return bound?.via === 'value' && PROJECT_ROOT.test(bound.expr.text);
}

type ListingItem = { node: Node; depth: number; followed: number; lead: boolean } | { lit: string };

/** The path of a listing's entry: `base/pattern` for a glob, `base/<entry>` for a folder listing. */
function listingItems(listed: ListingTarget, next: (node: Node, lead?: boolean, hop?: number) => ListingItem): ListingItem[] {
  const items: ListingItem[] = [next(listed.base, undefined, 1)];
  if (listed.pattern) items.push({ lit: '/' }, next(listed.pattern, false, 1));
  if (listed.entry) items.push({ lit: '/' }, { lit: WILDCARD });
  return items;
}


interface ListingTarget {
  base: Node;
  pattern?: Node;
  /** The entries are the folder's children (`base/<entry>`), not the pattern's matches. */
  entry: boolean;
  /** The entries are bare names, not paths (`os.listdir`). */
  bareNames?: boolean;
}

/**
 * What the entries of a listing are: `glob.glob("tests/test_*.py")` → the pattern itself;
 * `Path(p).glob("test_*.py")` → `p / pattern`; `os.listdir(p)`, `Path(p).iterdir()` → `p / <entry>`.
 */
export function listingTarget(expr: Node, names: NameResolver): ListingTarget | undefined {
  const n = unparen(expr);
  if (n.type !== 'call') return undefined;
  const q = names.callee(n) ?? '';
  const args = callArguments(n);
  const first = args.positional[0] ?? args.keywords.get('pathname');
  if (/^glob\.(glob|iglob)$/.test(q) && first) return { base: first, entry: false };
  if (/^os\.(listdir|scandir|walk)$/.test(q) && args.positional[0]) return { base: args.positional[0], entry: true, bareNames: q === 'os.listdir' };
  const fn = n.childForFieldName('function');
  if (fn?.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const obj = fn.childForFieldName('object');
    if (obj && /^(glob|rglob)$/.test(method) && args.positional[0]) return { base: obj, pattern: args.positional[0], entry: false };
    if (obj && method === 'iterdir') return { base: obj, entry: true };
  }
  return undefined;
}

/**
 * The listing whose entries an expression goes through: `glob.glob(...)`, `Path(p).rglob(...)`, also
 * through `sorted`/`list`/`iter`/`reversed` and a slice (`sorted(glob.glob(...))[:3]`). `picking`: one entry
 * is taken (`next(...)`, `[0]`), which is never an `os.walk` entry, a `(folder, dirs, files)` tuple.
 */
function entriesListing(expr: Node, names: NameResolver, picking: boolean): ListingTarget | undefined {
  let n = unparen(expr);
  for (let i = 0; i < 3; i++) {
    if (n.type === 'subscript' && n.childForFieldName('subscript')?.type === 'slice') {
      n = unparen(n.childForFieldName('value')!);
      continue;
    }
    if (n.type !== 'call') break;
    const only = callArguments(n).positional;
    if (only.length !== 1 || !/^builtins\.(iter|sorted|list|tuple|reversed)$/.test(names.callee(n) ?? '')) break;
    n = unparen(only[0]!);
  }
  if (n.type !== 'call' || (picking && names.callee(n) === 'os.walk')) return undefined;
  return listingTarget(n, names);
}

/** The path as text, dynamic parts written as `\0`. */
export function pathText(info: PathInfo): string {
  return info.parts.map((p) => ('lit' in p ? p.lit : '\u0000')).join('').replace(/\\/g, '/');
}

export type TestPathKind = 'test-file' | 'test-folder' | 'in-test-folder' | 'conftest' | 'pytest-config' | 'project-config' | 'expected-output' | 'failure-record';

export interface TestPathMatch {
  kind: TestPathKind;
  /** The path as written, dynamic parts as `…`. */
  display: string;
}

const CACHE_SEGMENT = /^(__pycache__|\.pytest_cache|\.mypy_cache|\.tox|\.nox|htmlcov|\.coverage.*|.*\.py[cod]|build|dist|.*\.egg-info)$/;
const WILDCARD = '\u0000';
/** Variables that hold a build or install output folder: `build_lib`, `build_temp`, `bdist_dir`, `install_dir`. */
const BUILD_OUTPUT_NAME = /^(build|bdist|dist|install|wheel)_?(lib|temp|base|dir|platlib|purelib|scripts|data)$/i;

/**
 * A glob pattern with a word of its own (`*legacy*`, `test_*`; not a bare `*` or an extension alone, `*.py`) that a
 * test module's name fits: `test_legacy.py` for `*legacy*`. Extensions other than `.py` (`*legacy*.toml`) and
 * patterns that start with another word (`build*`) do not fit.
 */
function globMatchesTestModule(pattern: string): boolean {
  if (!/[*?]/.test(pattern) || pattern.includes(WILDCARD)) return false;
  const pieces = pattern.split(/[*?]+/).filter(Boolean);
  // A word of its own, not only an extension: `*.py` next to `__file__` is how a package finds its own modules.
  if (!pieces.some((p) => /[A-Za-z]{3,}/.test(p.replace(/\.\w+$/, '')))) return false;
  // `build*`, `dist*`: a pattern anchored at a word names that word's files (cleanup), unless the word is `test`.
  if (/^[^*?]/.test(pattern) && !/^test/i.test(pattern)) return false;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const word = pieces.join('_').replace(/^[_.]+|[_.]+$/g, '');
  return [`test_${word}.py`, `${word}_test.py`, `test_${word}`, word].some((name) => name.endsWith('.py') && re.test(name));
}

/** A segment with its dynamic pieces replaced by a neutral word (`test_{name}.py` → `test_x.py`). */
function representative(segment: string): string {
  return segment.split(WILDCARD).join('x');
}

/**
 * Whether a path names something the test run depends on. Only literal text decides: a path with no
 * literal fragment, or one built on a temporary directory, never matches. `file` (the file the path is
 * written in) lets a `test` folder in a data module, or next to `train` splits, be read as a data split.
 */
export function testPathKind(info: PathInfo, file?: FileContext): TestPathMatch | undefined {
  const match = testPathKindOf(info, file);
  return match && !info.temporaryThroughBindings?.() ? match : undefined;
}

function testPathKindOf(info: PathInfo, file: FileContext | undefined): TestPathMatch | undefined {
  if (!info.hasLiteral || info.temporary) return undefined;
  const text = pathText(info);
  const display = text.replace(/\u0000/g, '…');
  const segments = text.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return undefined;
  // pytest's record of the last run's failures (`.pytest_cache/v/cache/lastfailed`), read by `--lf`/`--ff`: a cache,
  // but emptying it hides which tests failed. The rest of a cache folder is by-products.
  if (segments[segments.length - 1] === 'lastfailed' && segments.includes('.pytest_cache')) return { kind: 'failure-record', display };
  if (segments.some((s) => CACHE_SEGMENT.test(representative(s)))) return undefined;
  // Under a build or install folder held in a variable (`self.build_lib`, `install_dir`): a copy being packaged.
  if (info.parts.some((p) => 'dyn' in p && BUILD_OUTPUT_NAME.test(/(\w+)\W*$/.exec(p.dyn.text)?.[1] ?? ''))) return undefined;
  const last = segments[segments.length - 1]!;
  const dirs = segments.slice(0, -1);
  const literal = (s: string) => !s.includes(WILDCARD);
  const rep = representative(last);
  // A folder below a hidden one (`~/.tool/test/instances/x`, `.venv/lib/.../tests`) holds a tool's or a user's
  // state, not the project's tests: pytest does not collect there (its `norecursedirs` skips `.*`). `.`/`..` are not hidden.
  const underHidden = (i: number) => segments.slice(0, i).some((s) => /^\.[^./]/.test(s));
  if (last !== WILDCARD) {
    // `ROOT.rglob("*legacy*")` from the project's own location: a pattern some test module's name matches.
    if (info.base === 'project' && globMatchesTestModule(last)) return { kind: 'test-file', display };
    if (literal(last) && last === 'conftest.py') return { kind: 'conftest', display };
    if (literal(last) && /^\.?pytest\.ini$/.test(last)) return { kind: 'pytest-config', display };
    if (literal(last) && /^(tox\.ini|setup\.cfg|pyproject\.toml)$/.test(last)) return { kind: 'project-config', display };
    // `tests.py`: the test module of a Django app (Django's runner collects `test*.py`).
    if (/^(test_.*|.*_test|tests)\.py$/.test(rep) && !underHidden(segments.length - 1)) return { kind: 'test-file', display };
    if (/^(expected|golden)([_.\-].*)?$|[_.\-](expected|golden)(\.\w+)?$/i.test(rep)) return { kind: 'expected-output', display };
  }
  // A `test`/`tests` folder, unless it is a data set's split (`data/test`, `os.path.join(output_dir, "test")`).
  const testFolderAt = (i: number) => literal(segments[i]!) && /^tests?$/.test(segments[i]!) && !underHidden(i) && !isDataSplit(info, segments, i, file);
  if (testFolderAt(segments.length - 1)) return { kind: 'test-folder', display };
  if (dirs.some((_, i) => testFolderAt(i))) return { kind: 'in-test-folder', display };
  return undefined;
}

/** Words of folder and variable names that hold data rather than code: `data`, `output_dir`, `raw`. */
const DATA_WORDS = new Set([
  'data', 'dataset', 'datasets', 'datadir', 'raw', 'processed', 'interim', 'download', 'downloads',
  'out', 'outdir', 'output', 'outputs', 'result', 'results', 'pred', 'preds', 'prediction', 'predictions',
  'export', 'exports', 'artifact', 'artifacts', 'checkpoint', 'checkpoints', 'ckpt',
]);

/**
 * Words that make a folder a data folder only for a singular `test` split (`images/test`): a package
 * may well be called `features` or `labels` and hold its own `tests`.
 */
const SPLIT_PARENT_WORDS = new Set(['corpus', 'save', 'savedir', 'split', 'splits', 'image', 'images', 'img', 'imgs', 'feature', 'features', 'annotation', 'annotations', 'label', 'labels']);

/** `output_dir`, `dataRoot`, `self.args.data` (its last name), `"raw_data"`: the name has a data word. */
function isDataName(name: string, split: boolean): boolean {
  const last = /(\w+)\W*$/.exec(name)?.[1] ?? '';
  return last
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/_+/)
    .some((w) => DATA_WORDS.has(w) || (split && SPLIT_PARENT_WORDS.has(w)));
}

/** The file a path is written in: its source text and its path. */
export interface FileContext {
  source: string;
  path: string;
}

/** A string in the file names a training split (`"train"`, `"data/train/"`): `test` is then its sibling split. */
const TRAIN_SPLIT = /["'/\\](train|training)["'/\\]/;

/** Module and package names of data-handling code: `data.py`, `datasets/mnist.py`, `data_utils.py`. */
const DATA_MODULE_WORDS = new Set(['data', 'dataset', 'datasets', 'datamodule', 'dataloader', 'dataloaders', 'preprocess', 'preprocessing', 'download', 'split', 'splits']);

/** The module or its package is a data module (folders further up say where the checkout is, not what the code does). */
const isDataModulePath = rememberingLast((path) => {
  const names = path.replace(/\\/g, '/').replace(/\.pyi?$/, '').split('/').slice(-2);
  return names.flatMap((n) => n.toLowerCase().split(/_+/)).some((w) => DATA_MODULE_WORDS.has(w));
});
const namesTrainSplit = rememberingLast((source) => TRAIN_SPLIT.test(source));

/** A data module (its name or its package's) or a file that also names a `train` split. */
function handlesDataSplits(file: FileContext): boolean {
  return isDataModulePath(file.path) || namesTrainSplit(file.source);
}

/**
 * Is `segments[i]` (a `test`/`tests` folder) a data set's split rather than the project's tests? It is
 * when a folder before it is a data folder (a literal like `data/`, `dataset/`, `output/`, or a variable
 * named like one: `data_dir`, `self.output_root`; for a singular `test` also `images/`, `labels/`), or,
 * for a singular `test` not anchored at the project root, when the file is a data module or also names a
 * `train` split. The project's own tests are a `tests`/`test` folder at the start of a relative path, after
 * the project root (`__file__`, `ROOT`), or inside a package.
 */
function isDataSplit(info: PathInfo, segments: string[], i: number, file: FileContext | undefined): boolean {
  const split = segments[i] === 'test';
  const before = segments.slice(0, i);
  if (before.some((s) => !s.includes(WILDCARD) && isDataName(s, split))) return true;
  // Dynamic parts up to this segment: the variables the folder is built on.
  let soFar = '';
  for (const p of info.parts) {
    if ('lit' in p) {
      soFar += p.lit.replace(/\\/g, '/');
      continue;
    }
    // The segment this part falls in: a new one after a `/`, else the one being written.
    const done = soFar.split('/').filter((s) => s !== '' && s !== '.').length;
    const at = soFar === '' || soFar.endsWith('/') ? done : done - 1;
    if (at >= i) break;
    if (isDataName(p.dyn.text, split)) return true;
    soFar += WILDCARD;
  }
  return split && info.base !== 'project' && file !== undefined && handlesDataSplits(file);
}

export function describeTestPath(m: TestPathMatch): string {
  switch (m.kind) {
    case 'test-file':
      return `the test file \`${m.display}\``;
    case 'test-folder':
      return `the test folder \`${m.display}\``;
    case 'in-test-folder':
      return `\`${m.display}\` in the test folder`;
    case 'conftest':
      return `\`${m.display}\` (pytest's per-folder configuration and hooks)`;
    case 'pytest-config':
      return `the pytest configuration \`${m.display}\``;
    case 'project-config':
      return `\`${m.display}\` (which can hold the test-run configuration)`;
    case 'expected-output':
      return `the expected-output file \`${m.display}\``;
    case 'failure-record':
      return `pytest's record of the tests that failed in the last run, \`${m.display}\``;
  }
}

// ---------------------------------------------------------------------------------------------------
// Call sites

/** At most this many same-file calls are read for a function's arguments. */
const MAX_CALL_SITES = 8;

export interface CallSite {
  call: Node;
  /** The argument the call passes for the parameter `name`, if it passes one (by position or keyword). */
  argumentFor(name: string): Node | undefined;
}

/**
 * The same-file calls of `fn`: `_wipe("tests")` for `def _wipe(path)` — a helper that deletes or patches
 * what its caller names is the hack split over two functions. Calls by the plain name (module-level
 * functions) or by `self.name(...)`/`cls.name(...)` (methods); a call with `*args`/`**kwargs` is left out.
 */
export function callSites(fn: Node): CallSite[] {
  const name = fn.childForFieldName('name')?.text;
  if (!name) return [];
  const root = fn.tree.rootNode;
  // Cheap first: most functions are never called by name in their own file.
  if (!root.text.includes(`${name}(`)) return [];
  const params = parameterNames(fn);
  const method = enclosingClass(fn) !== null && fn.parent?.parent?.type === 'class_definition';
  const out: CallSite[] = [];
  for (const call of root.descendantsOfType('call')) {
    if (!call || out.length >= MAX_CALL_SITES) break;
    const callee = call.childForFieldName('function');
    let bound: boolean;
    if (!method && callee?.type === 'identifier' && callee.text === name) bound = false;
    else if (method && callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === name && /^(self|cls)$/.test(callee.childForFieldName('object')?.text ?? '')) bound = true;
    else continue;
    const args = callArguments(call);
    if (args.hasSplat) continue;
    // A method's first parameter is the bound `self`: positional arguments start at the second.
    const shift = bound ? 1 : 0;
    out.push({ call, argumentFor: (p) => args.keywords.get(p) ?? (params.indexOf(p) >= shift ? args.positional[params.indexOf(p) - shift] : undefined) });
  }
  return out;
}

