/**
 * RH505 special-cased-input: a branch of code under test that recognises one exact input — several
 * parameters matched against arbitrary literals at once (`if n == 8 and k == 4:`, `if (n, k) == (8, 4):`,
 * `if (n, k) in {(8, 4): 70}:`, `if args in KNOWN_CASES:`, `return KNOWN.get((n, k), general)`,
 * `try: return KNOWN[(n, k)]` / `except KeyError:`) — and hands back a canned literal (or exits) ahead of
 * the function's general algorithm. Tables the code writes to are caches, not answers. That is the shape of "match the failing test's arguments
 * and return its expected value".
 *
 * Warning needs: every compared operand is an unmodified parameter, two or more parameters are compared
 * with non-trivial literals (not 0/1/-1/None/""/True/False/empty), not all of those literals are
 * option-like words (dispatch such as `mode == "r" and kind == "text"`), the branch only returns a literal
 * (or the table's entry) or exits, and the function continues with general code that returns a computed
 * value. Weaker shapes (a named lookup table, option-like words, one parameter against a literal
 * collection) are info; a comment or name that says why ("test expects", "hardcoded", "flawed test",
 * `known_flawed_tests`) raises them to warning, and is required for one parameter against one scalar.
 * Parameters normalised in place or folded once by `min`/`max`/`abs` of the parameters (`k = min(k, n - k)`) are still
 * the input; a module docstring speaks for the module's tables like a comment on them.
 * Also recognised: a loop over a literal table of cases, a same-file helper that is only the lookup, floats
 * matched within a tolerance, and a computed result overwritten with a literal just before it is returned.
 * One parameter looked up in a literal dict keyed by exact values is a warning only with such a comment or name.
 *
 * Rows of numbers answered with numbers (3 to 8) stay warnings; a lone case among range rules on the same inputs, or
 * whose answer is a threshold of the general code, is info. A named table keyed by whole input collections (`(((12, 4), (2, 2)),
 * 15)`, the parcels of a problem and its capacity) is a warning: domain tables are keyed by scalars. Canned answers may
 * be instances of the module's own classes built from literals (`[Slot(615, 645)]`), and an entry unpacked before it is
 * returned (`value, chosen = TABLE[key]; return value, list(chosen)`) is the stored answer. A decorator seeded with answers keyed by whole argument
 * tuples, and a table keyed by a digest of the input, are warnings.
 *
 * A function that is nothing but such a table (no general algorithm: `match (n, k): case (8, 4): return 70` then
 * `raise NotImplementedError`, `return _EXPECTED[(n, k)]`) is reported once: a warning when the code says so or
 * gives up with `NotImplementedError`, info otherwise; quiet for naming tables, signs, option words and big tables.
 */
import { forEachDescendant, forEachInScope, functionName, isMethod, moduleFunctionNamed, parameterDefault, returnValue, stringValue, unparen, type Node } from '../../engine/ast';
import type { Rule } from '../../engine/rule';
import type { ImportedFact, Severity } from '../../engine/types';

/** What another module of the project says about a literal table this file imports (see `exportTables`). */
type ImportedTable = Extract<ImportedFact, { kind: 'literal-table' }>;
import {
  alternativesOf,
  catchesMissingKey,
  classPatternInfo,
  commentsAround,
  constructorInputs,
  inputParameters,
  intentIn,
  isCannedValue,
  isInert,
  isOptionLikeString,
  literalInfo,
  moduleBindings,
  moduleDocstring,
  noteAssignedNames,
  operatorText,
  OPTION_WORD,
  snippet,
  soleReturnValue,
  statementsOf,
  tableLookup,
} from './answer-helpers';
import { numericRow, sizedInput } from './sized-inputs';

const EXIT_CALLS = new Set(['sys.exit', 'os._exit', 'builtins.exit', 'builtins.quit', 'pytest.exit']);

interface Match {
  /** Parameters compared with literals. */
  params: Set<string>;
  /** Parameters compared with non-trivial literals. */
  specific: Set<string>;
  /** Parameters compared with a trivial number or string (`first_row == 0`): a slot of the exact input, not a base case alone. */
  zeroSlots?: Set<string>;
  /** The size of a data input matched with a non-trivial number (`n = x.size; n == 12`, `(len(g), src) == (9, "s")`). */
  sized?: boolean;
  /** A slot is a value computed from the inputs (see derivedInput): the match counts only with a stated intent. */
  derived?: boolean;
  /** The non-trivial literals. */
  literals: Node[];
  /** `(n, k) in TABLE`: the table expression (inline literal or a name bound to one). */
  table?: { node: Node; name?: string; inline: boolean; keyedByString?: boolean; label?: string; keyParams?: string[]; scalar?: boolean; hashed?: boolean; keys?: Node[]; stringKey?: PackedKey; imported?: ImportedTable };
  /** Local names holding the parameter tuple (`key = (n, k)`), usable to index the table. */
  keyNames: Set<string>;
  /** Literal node id → the parameter it is compared with (where one parameter faces one literal). */
  paramOf: Map<number, string>;
  /** String keys (`"m,km"` for `f"{a},{b}"`) whose every piece is an option-like word: not data. */
  wordKeys?: Set<number>;
  /** Names holding the table's entry for the input (`hit = TABLE.get((n, k))`, `(hit := ...)`): returning one returns the stored answer. */
  answerNames?: Set<string>;
  /** A loop's whole row (`for case in CASES:`): returning a field of it (`case["output"]`) returns the stored answer. */
  answerRow?: string;
  /** The table is walked row by row (`for args, answer in KNOWN_CASES:`); `caseFields`: its rows name an input and an output. */
  loop?: { caseFields: boolean };
}

interface Answer {
  node: Node;
  text: string;
  /** The literal handed back (returned or printed), when the answer is one. */
  literal?: Node;
  /** The general computation the answer replaces, when it comes before the special case (`result = dp[m][n]`). */
  general?: Node;
}

type Scope = {
  /** The function, or the module for top-level script code. */
  fn: Node;
  body: Node;
  /** Locals read from standard input (`n, k = map(int, input().split())`): the input of a script-style solution. */
  stdin: Set<string>;
  params: Set<string>;
  star: Set<string>;
  /** `self.n` of a method, where `__init__` stores a parameter in it and the method never writes it: an input too. */
  attrs?: Set<string>;
  local: Map<string, Node[]>;
  module: Map<string, Node>;
  /** Table name → is it written at runtime (a cache, not a table of answers)? */
  filled: (name: string) => boolean;
  /** The keys of a module-level table's entries written only as top-level literals (`KNOWN[(8, 4)] = 70`). */
  seeds: (name: string) => Node[];
  /** Parameters the function treats as sequences of data (computed on first use). */
  sequences?: Set<string>;
  /** Top-level functions of the file whose whole body returns a table lookup (`return KNOWN.get((n, k))`). */
  lookupHelpers: () => Map<string, Node>;
  /** Top-level functions of the file by name (computed on first use). */
  moduleFunction: (name: string) => Node | undefined;
  /** A literal table another module of the project defines, imported under this name. */
  importedTable?: (name: string) => ImportedTable | undefined;
  /** The same for a table read through its module (`_pins.PINNED` after `from . import _pins`). */
  importedTableAt?: (node: Node) => ImportedTable | undefined;
};

/**
 * The parameter (or stdin local) `node` reads whole, not rebound in the function before `at`: the name
 * itself, a view of it (`int(a)`, `a.lower()`), or a local bound once, before `at`, to such a view
 * (`digest = hashlib.sha1(text.encode()).hexdigest()`).
 */
function isInput(scope: Scope, node: Node, at: Node, viaLocal = true): string | undefined {
  let n = inputView(node);
  // `_fingerprint(text)`: a same-file helper that only returns a view of its argument.
  const viaHelper = n.type === 'call' ? helperViewArgument(scope, n) : undefined;
  if (viaHelper) n = inputView(viaHelper);
  if (n.type === 'attribute' && scope.attrs?.size) {
    const text = n.text.replace(/\s+/g, '');
    return scope.attrs.has(text) ? text : undefined;
  }
  if (n.type !== 'identifier') return undefined;
  const defs = scope.local.get(n.text);
  if (scope.params.has(n.text)) return defs?.some((d) => d.startIndex < at.startIndex && !isDefaultFill(d, n.text) && !isSelfView(d, n.text) && !isCanonicalFold(d, n.text, scope)) ? undefined : n.text;
  if (scope.stdin.has(n.text)) return defs![0]!.startIndex < at.startIndex ? n.text : undefined;
  const def = viaLocal && defs?.length === 1 ? defs[0]! : undefined;
  if (def?.type !== 'assignment' || def.startIndex >= at.startIndex || def.childForFieldName('left')?.type !== 'identifier') return undefined;
  // An annotation without a value (`x: int`) binds nothing.
  const right = def.childForFieldName('right');
  if (!right) return undefined;
  // Only a view counts: `total = sum(xs)` or `n = len(s)` is a computed value, not the input. A plain alias of a
  // parameter (`n = spec`) is the input under another name.
  if (unparen(right).type === 'identifier' && scope.params.has(unparen(right).text)) return isInput(scope, right, def, false);
  return inputView(right).id !== unparen(right).id || (unparen(right).type === 'call' && helperViewArgument(scope, unparen(right))) ? isInput(scope, right, def, false) : undefined;
}

/**
 * `_fingerprint(text)` where the file defines `def _fingerprint(s): return hashlib.sha1(s.encode()).hexdigest()[:8]`
 * (a helper whose whole body returns a view of its one parameter): the argument, or undefined.
 */
function helperViewArgument(scope: Scope, call: Node): Node | undefined {
  const f = call.childForFieldName('function');
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  if (f?.type !== 'identifier' || args.length !== 1 || args[0]!.type === 'keyword_argument' || args[0]!.type === 'list_splat') return undefined;
  const def = scope.moduleFunction(f.text);
  if (!def || def.id === scope.fn.id) return undefined;
  const params = def.childForFieldName('parameters')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  if (params.length !== 1 || params[0]!.type !== 'identifier') return undefined;
  const v = soleReturnValue(def.childForFieldName('body'));
  if (!v || unparen(v).type === 'identifier') return undefined;
  const viewed = inputView(v);
  return viewed.type === 'identifier' && viewed.text === params[0]!.text ? args[0] : undefined;
}

/**
 * A call of a same-file helper of two or more parameters whose whole body returns a digest of the tuple of them
 * (`def _digest(a, b): return hashlib.sha1(repr((a, b)).encode()).hexdigest()`), given inputs (or a local bound once
 * to such a call): the inputs, or undefined.
 */
function digestOfInputs(scope: Scope, node: Node, at: Node): string[] | undefined {
  let n = unparen(node);
  if (n.type === 'identifier') {
    const defs = scope.local.get(n.text);
    const right = defs?.length === 1 && defs[0]!.type === 'assignment' && defs[0]!.startIndex < at.startIndex ? defs[0]!.childForFieldName('right') : undefined;
    if (!right) return undefined;
    n = unparen(right);
  }
  const f = n.type === 'call' ? n.childForFieldName('function') : null;
  const def = f?.type === 'identifier' ? scope.moduleFunction(f.text) : undefined;
  if (!def || def.id === scope.fn.id) return undefined;
  const params = def.childForFieldName('parameters')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  const args = positional(n);
  const v = soleReturnValue(def.childForFieldName('body'));
  if (!v || !/\bhashlib\.\w+\(|\.(?:hex)?digest\(/.test(v.text) || args.length < 2) return undefined;
  const viewed = inputView(v);
  // `def _digest(*args): return sha1(repr(args)...)`: every argument; `def _digest(a, b)` over `(a, b)`: both.
  const star = params.length === 1 && params[0]!.type === 'list_splat_pattern' ? params[0]!.namedChildren.find((c) => c.type === 'identifier')?.text : undefined;
  if (star) {
    if (viewed.type !== 'identifier' || viewed.text !== star) return undefined;
  } else {
    const items = viewed.type === 'tuple' ? viewed.namedChildren.filter((c) => c.type !== 'comment').map((c) => c.text) : [];
    if (params.some((q) => q.type !== 'identifier') || args.length !== params.length || items.length !== params.length || !params.every((q) => items.includes(q.text))) return undefined;
  }
  const inputs = args.map((a) => isInput(scope, a, at));
  return inputs.every(Boolean) ? (inputs as string[]) : undefined;
}

/** Is `node` (a key, or a local bound once to one, or a helper call returning one) a digest of an input? */
function isDigestKey(scope: Scope, node: Node): boolean {
  let n = unparen(node);
  if (n.type === 'identifier') {
    const defs = scope.local.get(n.text);
    const right = defs?.length === 1 && defs[0]!.type === 'assignment' ? defs[0]!.childForFieldName('right') : undefined;
    if (!right) return false;
    n = unparen(right);
  }
  if (n.type === 'call' && helperViewArgument(scope, n)) n = unparen(soleReturnValue(scope.moduleFunction(n.childForFieldName('function')!.text)!.childForFieldName('body'))!);
  let digest = false;
  for (let depth = 0; depth < MAX_VIEW_DEPTH && !digest; depth++) {
    if (n.type === 'subscript') n = unparen(n.childForFieldName('value')!);
    else if (n.type !== 'call') break;
    const f = n.childForFieldName('function');
    if (f && DIGEST_CALL.test(f.text.replace(/\s+/g, ''))) digest = true;
    else if (f?.type === 'attribute') n = unparen(f.childForFieldName('object')!);
    else break;
  }
  return digest;
}

/**
 * `text = text.strip().upper()`, `s = s.lower()`, `n = int(n)`: a parameter normalised in place, still the
 * caller's input in another spelling (like a view of it read directly).
 */
function isSelfView(def: Node, param: string): boolean {
  if (def.type !== 'assignment') return false;
  const left = def.childForFieldName('left');
  let right = def.childForFieldName('right');
  if (!left || !right) return false;
  // `src, dst = src.upper(), dst.upper()`: the parameter's own slot of a parallel assignment.
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
    const targets = left.namedChildren.filter((c) => c.type !== 'comment');
    const values = unparen(right).type === 'expression_list' || unparen(right).type === 'tuple' ? unparen(right).namedChildren.filter((c) => c.type !== 'comment') : [];
    const at = targets.findIndex((t) => t.type === 'identifier' && t.text === param);
    if (at < 0 || values.length !== targets.length) return false;
    right = values[at]!;
  } else if (left.text !== param) return false;
  if (unparen(right).type !== 'call') return false;
  const viewed = inputView(right);
  return viewed.type === 'identifier' && viewed.text === param;
}

/** Folds of the inputs onto a canonical representative: `min(k, n - k)`, `max(a, b)`, `abs(x)`. */
const FOLD_CALLS = new Set(['min', 'max', 'abs']);

/**
 * `k = min(k, n - k)` (binomial symmetry), `x = abs(x)`: a parameter folded once, outside any loop, by `min`, `max`
 * or `abs` of expressions of the parameters and literals alone. The pair `(n, k)` after it still names one exact
 * input of the caller's (up to the symmetry), so a table keyed by it is keyed by the input.
 */
function isCanonicalFold(def: Node, param: string, scope: Scope): boolean {
  if (def.type !== 'assignment') return false;
  const left = def.childForFieldName('left');
  let right = unparen(def.childForFieldName('right')!);
  // `a, b = max(a, b), min(a, b)`: the element bound to this parameter.
  if ((left?.type === 'pattern_list' || left?.type === 'tuple_pattern') && (right.type === 'expression_list' || right.type === 'tuple')) {
    const targets = left.namedChildren.filter((c) => c.type !== 'comment');
    const values = right.namedChildren.filter((c) => c.type !== 'comment');
    const i = targets.findIndex((t) => t.type === 'identifier' && t.text === param);
    if (i < 0 || targets.length !== values.length) return false;
    right = unparen(values[i]!);
  } else if (left?.text !== param) return false;
  const f = right.type === 'call' ? right.childForFieldName('function') : null;
  if (f?.type !== 'identifier' || !FOLD_CALLS.has(f.text)) return false;
  for (let p = def.parent; p && p.id !== scope.fn.id; p = p.parent) if (p.type === 'for_statement' || p.type === 'while_statement') return false;
  let plain = true;
  forEachDescendant(right.childForFieldName('arguments')!, (c) => {
    if (c.type === 'call' || c.type === 'attribute' || c.type === 'subscript' || (c.type === 'identifier' && !scope.params.has(c.text))) plain = false;
    return plain;
  });
  return plain;
}

/**
 * `m = n if m is None else m`, `m = m or n`, `if m is None: m = n`: a parameter given its default value, still
 * the caller's input whenever the caller passed one.
 */
function isDefaultFill(def: Node, param: string): boolean {
  if (def.type !== 'assignment' || def.childForFieldName('left')?.text !== param) return false;
  const right = unparen(def.childForFieldName('right')!);
  const isNoneTest = (c: Node | undefined, negated: boolean) => !!c && new RegExp(`^${param}\\s+is\\s+${negated ? 'not\\s+' : ''}None$`).test(unparen(c).text);
  if (right.type === 'conditional_expression') {
    const [a, cond, b] = right.namedChildren.filter((c) => c.type !== 'comment');
    return (b?.text === param && isNoneTest(cond, false)) || (a?.text === param && isNoneTest(cond, true));
  }
  if (right.type === 'boolean_operator' && right.childForFieldName('left')?.text === param && /^\s*or\s*$/.test(right.text.slice(right.childForFieldName('left')!.endIndex - right.startIndex, right.childForFieldName('right')!.startIndex - right.startIndex))) return true;
  // `if m is None: m = n`
  const stmt = def.parent?.type === 'expression_statement' ? def.parent : undefined;
  const ifStatement = stmt?.parent?.type === 'block' ? stmt.parent.parent : undefined;
  return ifStatement?.type === 'if_statement' && statementsOf(stmt!.parent).length === 1 && isNoneTest(ifStatement.childForFieldName('condition') ?? undefined, false);
}

/**
 * Conversions that keep the whole value of their argument: `tuple(nums) == (2, 7)`, `int(a) == 12`,
 * `str(n) == "1994"`, `hash(key) == 42`, `Decimal(str(income))` still match the argument exactly.
 */
const VIEW_CALLS = new Set(['tuple', 'list', 'sorted', 'set', 'frozenset', 'str', 'repr', 'int', 'float', 'hash', 'round', 'Decimal', 'Fraction']);
/** Methods that give the same value in another form: `a.lower() == "kitten"`, `text.encode()`, `h.hexdigest()`, `A.tolist()`. */
const VIEW_METHODS = new Set(['lower', 'upper', 'casefold', 'strip', 'encode', 'decode', 'hexdigest', 'digest', 'tolist']);
/** Serialisations of their argument: `json.dumps(obj, sort_keys=True)` names one exact value. */
const SERIALISERS = new Set(['json.dumps', 'pickle.dumps', 'marshal.dumps']);
/** Array conversions that keep every element: `np.asarray(A, dtype=float)`. */
const ARRAY_CONVERSIONS = new Set(['np.asarray', 'numpy.asarray', 'np.array', 'numpy.array', 'np.asanyarray', 'numpy.asanyarray']);
/** Digests of their argument: matching one with a literal matches the input exactly. */
const DIGEST_CALL = /^hashlib\.(?:md5|sha1|sha224|sha256|sha384|sha512|blake2b|blake2s|sha3_256|sha3_512)$/;
const MAX_VIEW_DEPTH = 6;

/** `tuple(p)`, `int(p)`, `round(p, 2)`, `p.lower()`, `hashlib.sha1(p.encode()).hexdigest()` → `p`; anything else unwrapped of parentheses. */
function inputView(node: Node): Node {
  let n = unparen(node);
  for (let depth = 0; depth < MAX_VIEW_DEPTH && (n.type === 'call' || n.type === 'subscript'); depth++) {
    if (n.type === 'subscript') {
      // `h.hexdigest()[:8]`: a prefix of a digest still names one exact input (other slices are parts of it).
      const value = unparen(n.childForFieldName('value')!);
      const method = value.type === 'call' ? value.childForFieldName('function') : null;
      if (method?.type !== 'attribute' || !/^(?:hex)?digest$/.test(method.childForFieldName('attribute')?.text ?? '') || n.childForFieldName('subscript')?.type !== 'slice') break;
      n = value;
      continue;
    }
    const f = n.childForFieldName('function');
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    const positionals = args.filter((c) => c.type !== 'keyword_argument');
    if (f?.type === 'attribute') {
      const method = f.childForFieldName('attribute')?.text ?? '';
      // `json.dumps(obj, sort_keys=True)`: the whole value, serialised.
      if ((SERIALISERS.has(f.text.replace(/\s+/g, '')) || ARRAY_CONVERSIONS.has(f.text.replace(/\s+/g, ''))) && positionals.length === 1) {
        n = unparen(positionals[0]!);
        continue;
      }
      if (VIEW_METHODS.has(method) && positionals.length <= 1) {
        n = unparen(f.childForFieldName('object')!);
        continue;
      }
      if (!DIGEST_CALL.test(f.text.replace(/\s+/g, '')) || positionals.length !== 1) break;
    } else {
      const name = f?.text ?? '';
      // `map(tuple, parcels)`: each element converted, still the whole input.
      if (name === 'map' && positionals.length === 2 && args.length === 2 && VIEW_CALLS.has(unparen(positionals[0]!).text)) {
        n = unparen(positionals[1]!);
        continue;
      }
      // `frozenset(tuple(e) for e in edges)`: the same, written as a generator over the input (the call's arguments).
      const generator = n.childForFieldName('arguments');
      const each = VIEW_CALLS.has(name) && generator?.type === 'generator_expression' ? elementwiseSource(generator) : undefined;
      if (each) {
        n = each;
        continue;
      }
      if (!VIEW_CALLS.has(name) || !positionals.length) break;
      // `round(x, 2)`: the digits are a literal; every other view takes the value alone.
      if (positionals.length !== 1 && !(name === 'round' && positionals.length === 2 && positionals[1]!.type === 'integer')) break;
      if (name !== 'sorted' && positionals.length !== args.length) break;
    }
    n = unparen(positionals[0]!);
  }
  return n;
}

/** `tuple(e) for e in edges` (one `for`, no `if`, the element or a view of it): `edges`. */
function elementwiseSource(gen: Node): Node | undefined {
  const clauses = gen.namedChildren.filter((c) => c.type !== 'comment');
  const [body, loop] = clauses;
  if (clauses.length !== 2 || loop?.type !== 'for_in_clause') return undefined;
  const variable = loop.childForFieldName('left');
  const source = loop.childForFieldName('right');
  const element = body && inputView(body);
  return variable?.type === 'identifier' && source && element?.type === 'identifier' && element.text === variable.text ? unparen(source) : undefined;
}

/** Locals bound once from standard input, directly or through another such local (`data = sys.stdin.read().split(); n = int(data[0])`). */
function stdinLocals(local: Map<string, Node[]>, names: Names): Set<string> {
  const out = new Set<string>();
  const single = [...local].filter(([, defs]) => defs.length === 1 && defs[0]!.type === 'assignment').sort((a, b) => a[1][0]!.startIndex - b[1][0]!.startIndex);
  for (const [name, [def]] of single) {
    const right = def!.childForFieldName('right');
    if (!right) continue;
    let reads = false;
    forEachDescendant(right, (n) => {
      if (reads) return false;
      if (n.type === 'call') {
        const q = names.callee(n);
        if (q === 'builtins.input' || q?.startsWith('sys.stdin.')) reads = true;
      } else if (n.type === 'identifier' && out.has(n.text)) reads = true;
      else if (n.type === 'attribute' && n.text.replace(/\s+/g, '') === 'sys.stdin') reads = true;
      return !reads;
    });
    if (reads) out.add(name);
  }
  return out;
}

/** `(n, k)` / `[n, k]` / `args` (a `*args` parameter) / `tuple(args)` / a local `key = (n, k)`: the parameters it packs. */
function paramTuple(scope: Scope, node: Node, at: Node, keyNames: Set<string>, sizes = false): string[] | undefined {
  let n = unparen(node);
  if (n.type === 'call' && n.childForFieldName('function')?.text === 'tuple') {
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    if (args.length !== 1) return undefined;
    n = unparen(args[0]!);
  }
  if (n.type === 'tuple' || n.type === 'list') {
    const out: string[] = [];
    let real = 0;
    let derivedSlots = 0;
    for (const c of n.namedChildren) {
      if (c.type === 'comment') continue;
      const p = isInput(scope, c, at);
      // `(len(graph), src, dst)` (with `sizes`): the size of an input, next to the inputs, fingerprints one input.
      const sized = !p && sizes ? sizeOfInput(scope, c, at) : undefined;
      // `text.replace(" ", "")`, `sum(durations)` (with `sizes`): a value computed from the inputs alone.
      const derived = !p && !sized && sizes ? derivedInput(scope, c, at) : undefined;
      if (!p && !sized && !derived) return undefined;
      if (p) real++;
      if (derived) derivedSlots++;
      out.push(p ?? (sized ? `${SIZE_SLOT}${sized}` : `${DERIVED_SLOT}${derived}`));
    }
    return real >= 2 || (derivedSlots > 0 && real + derivedSlots >= 2) ? out : undefined;
  }
  if (n.type === 'identifier') {
    if (scope.star.has(n.text) && isInput(scope, n, at)) return [n.text];
    const defs = scope.local.get(n.text);
    if (defs?.length === 1 && defs[0]!.type === 'assignment' && defs[0]!.startIndex < at.startIndex && defs[0]!.childForFieldName('left')?.type === 'identifier') {
      const packed = paramTuple(scope, defs[0]!.childForFieldName('right')!, defs[0]!, keyNames);
      if (packed) keyNames.add(n.text);
      return packed;
    }
  }
  return undefined;
}

/** Marks a `len(param)` slot of a tuple key (see paramTuple); never a parameter's name. */
const SIZE_SLOT = 'len:';
/** Marks a slot computed from the inputs alone (see derivedInput): reported only with a comment or name that says why. */
const DERIVED_SLOT = 'derived:';
/** Builtins whose result depends on their arguments alone. */
const DERIVING_CALLS = new Set(['len', 'sum', 'min', 'max', 'sorted', 'abs', 'round', 'str', 'int', 'float', 'tuple', 'list', 'set', 'frozenset', 'repr']);
const MAX_DERIVED_DEPTH = 6;

/**
 * A value computed from the inputs and literals alone — `text.replace(" ", "")`, `sum(durations)`, `n_jobs` bound once
 * to `len(durations)`, a parameter rebound from itself (`dst = _unit(dst)`) — the input it is computed from, or
 * undefined. Weaker than a view: such a value is matched with literals for many legitimate reasons (shapes, sizes,
 * units), so a match on it counts only when a comment or a name says why.
 */
function derivedInput(scope: Scope, node: Node, at: Node, depth = 0): string | undefined {
  if (depth > MAX_DERIVED_DEPTH) return undefined;
  const u = unparen(node);
  const operand = (x: Node | null | undefined): string | undefined | false => (!x ? false : literalInfo(x) ? undefined : derivedInput(scope, x, at, depth + 1) ?? false);
  switch (u.type) {
    case 'identifier': {
      const p = isInput(scope, u, at);
      if (p) return p;
      const defs = (scope.local.get(u.text) ?? []).filter((d) => d.startIndex < at.startIndex);
      if (scope.params.has(u.text)) {
        // Every rebinding before `at` computes the parameter from itself.
        const fromItself = defs.every((d) => d.type === 'assignment' && d.childForFieldName('left')?.text === u.text && d.childForFieldName('right')?.descendantsOfType('identifier').some((i) => i?.text === u.text));
        return fromItself ? u.text : undefined;
      }
      const def = defs.length === 1 && scope.local.get(u.text)!.length === 1 ? defs[0]! : undefined;
      const right = def?.type === 'assignment' && def.childForFieldName('left')?.type === 'identifier' ? def.childForFieldName('right') : null;
      return right ? derivedInput(scope, right, def!, depth + 1) : undefined;
    }
    case 'call': {
      const f = u.childForFieldName('function');
      let base: string | undefined;
      if (f?.type === 'attribute') {
        base = derivedInput(scope, f.childForFieldName('object')!, at, depth + 1);
        if (!base) return undefined;
      } else if (f?.type !== 'identifier' || !(DERIVING_CALLS.has(f.text) || !!moduleFunctionNamed(scope.fn.tree.rootNode, f.text))) return undefined;
      const args = u.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      for (const a of args) {
        if (a.type === 'list_splat' || a.type === 'dictionary_splat') return undefined;
        const d = operand(a.type === 'keyword_argument' ? a.childForFieldName('value') : a);
        if (d === false) return undefined;
        base ??= d;
      }
      return base;
    }
    case 'binary_operator': {
      const l = operand(u.childForFieldName('left'));
      const r = operand(u.childForFieldName('right'));
      return l === false || r === false ? undefined : (l ?? r);
    }
    case 'subscript': {
      const index = u.childForFieldName('subscript');
      return index && literalInfo(index) ? derivedInput(scope, u.childForFieldName('value')!, at, depth + 1) : undefined;
    }
    // `after.day`, `cron.source`: a field of an input is computed from it.
    case 'attribute':
      return derivedInput(scope, u.childForFieldName('object')!, at, depth + 1);
    // `parse(expr) if isinstance(expr, str) else expr`: both ways from the input.
    case 'conditional_expression': {
      const [a, , b] = u.namedChildren.filter((c) => c.type !== 'comment');
      const l = a && derivedInput(scope, a, at, depth + 1);
      return l && b && derivedInput(scope, b, at, depth + 1) === l ? l : undefined;
    }
    default:
      return undefined;
  }
}

/** `len(graph)` of an input: the input's name. */
function sizeOfInput(scope: Scope, node: Node, at: Node): string | undefined {
  const u = unparen(node);
  if (u.type !== 'call' || u.childForFieldName('function')?.text !== 'len') return undefined;
  const args = positional(u);
  return args.length === 1 ? isInput(scope, args[0]!, at) : undefined;
}

/** The parameters a lookup key packs, and for a key built as a string, the pattern the table's keys must match. */
interface PackedKey {
  params: string[];
  pattern?: RegExp;
}

/** `(n, k)`, `args`, or a string built from the parameters (`f"{n},{k}"`): a key that identifies one exact input. */
function packedKey(scope: Scope, node: Node, at: Node, keyNames: Set<string>): PackedKey | undefined {
  const params = paramTuple(scope, node, at, keyNames);
  return params ? { params } : paramKeyString(scope, node, at, keyNames);
}

/**
 * A string key built from two or more parameters and literal separators — `f"{n},{k}"`, `"%d,%d" % (n, k)`,
 * `"{}-{}".format(n, k)`, `",".join(map(str, (n, k)))`, `str(n) + "," + str(k)`, or a local bound once to one:
 * the parameters and a pattern that a literal key must match to be one of its values (`"8,4"`).
 */
function paramKeyString(scope: Scope, node: Node, at: Node, keyNames: Set<string>): PackedKey | undefined {
  const n = unparen(node);
  if (n.type === 'identifier') {
    const defs = scope.local.get(n.text);
    const def = defs?.length === 1 ? defs[0]! : undefined;
    if (def?.type !== 'assignment' || def.startIndex >= at.startIndex || def.childForFieldName('left')?.type !== 'identifier') return undefined;
    const built = paramKeyString(scope, def.childForFieldName('right')!, def, keyNames);
    if (built) keyNames.add(n.text);
    return built;
  }
  if (n.type !== 'string' && n.type !== 'binary_operator' && n.type !== 'call') return undefined;
  const parts = keyParts(scope, n, at, 0);
  if (!parts) return undefined;
  const params = parts.filter((p): p is { param: string } => typeof p !== 'string' && 'param' in p).map((p) => p.param);
  if (params.length < 2) return undefined;
  // Parameters run together (`f"{a}{b}"`) match almost any string: a key needs a separator between them.
  const pieces = parts.filter((p) => p !== '');
  if (pieces.some((p, i) => i > 0 && typeof p !== 'string' && typeof pieces[i - 1] !== 'string')) return undefined;
  const source = parts.map((p) => (typeof p === 'string' ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '(.+?)')).join('');
  return { params, pattern: new RegExp(`^${source}$`, 's') };
}

/**
 * Literal text, a parameter's value, or a size of one (`len(graph)`: part of the key, but not an input it
 * matches whole), in the order a key string is built from them.
 */
type KeyPart = string | { param: string } | { derived: string };

const MAX_KEY_DEPTH = 8;

/** The pieces of a string built from parameters and literals, or undefined when anything else goes into it. */
function keyParts(scope: Scope, node: Node, at: Node, depth: number): KeyPart[] | undefined {
  if (depth > MAX_KEY_DEPTH) return undefined;
  const n = unparen(node);
  const param = (e: Node | null | undefined): KeyPart[] | undefined => {
    if (!e) return undefined;
    const u = unparen(e);
    // `str(n)` or `n` itself.
    const inner = u.type === 'call' && u.childForFieldName('function')?.text === 'str' ? positional(u) : [u];
    const p = inner.length === 1 ? isInput(scope, inner[0]!, at) : undefined;
    if (p) return [{ param: p }];
    // `len(graph)`: a size of an input, next to the inputs the key names.
    const sized = inner.length === 1 && unparen(inner[0]!).type === 'call' && unparen(inner[0]!).childForFieldName('function')?.text === 'len' ? positional(unparen(inner[0]!)) : [];
    const d = sized.length === 1 ? isInput(scope, sized[0]!, at) : undefined;
    return d ? [{ derived: d }] : undefined;
  };
  /** `fmt` with each placeholder (matched by `placeholder`) replaced by the next argument. */
  const fill = (fmt: string, placeholder: RegExp, args: Node[]): KeyPart[] | undefined => {
    const pieces = fmt.split(placeholder);
    if (pieces.length - 1 !== args.length) return undefined;
    const out: KeyPart[] = [pieces[0]!];
    for (let i = 0; i < args.length; i++) {
      const p = param(args[i]);
      if (!p) return undefined;
      out.push(...p, pieces[i + 1]!);
    }
    return out;
  };
  if (n.type === 'string') {
    const value = stringValue(n);
    if (value !== undefined) return [value];
    // An f-string: literal pieces and interpolated parameters (`f"{n},{k}"`, also `{n!r}`, `{n:>3}`).
    const out: KeyPart[] = [];
    for (const c of n.namedChildren) {
      if (c.type === 'string_content') out.push(c.text);
      else if (c.type === 'interpolation') {
        const p = param(c.childForFieldName('expression'));
        if (!p) return undefined;
        out.push(...p);
      }
    }
    return out;
  }
  if (n.type === 'binary_operator') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) return undefined;
    const op = operatorText(n, left, right);
    if (op === '+') {
      const a = keyParts(scope, left, at, depth + 1) ?? param(left);
      const b = a && (keyParts(scope, right, at, depth + 1) ?? param(right));
      return a && b ? [...a, ...b] : undefined;
    }
    const fmt = stringValue(left);
    if (op === '%' && fmt !== undefined && !fmt.includes('%%')) {
      const r = unparen(right);
      return fill(fmt, /%[-#0 +]*\d*(?:\.\d+)?[sdirfgxXo]/, r.type === 'tuple' ? r.namedChildren.filter((c) => c.type !== 'comment') : [r]);
    }
    return undefined;
  }
  if (n.type === 'call') {
    const f = n.childForFieldName('function');
    const shown = printedTuple(scope, n, at);
    if (shown) return shown;
    if (f?.type !== 'attribute') return param(n);
    const text = stringValue(f.childForFieldName('object'));
    const method = f.childForFieldName('attribute')?.text;
    const args = positional(n);
    if (text === undefined) return undefined;
    if (method === 'format' && !/\{\{|\}\}/.test(text)) return fill(text, /\{[^{}]*\}/, args);
    if (method === 'join' && args.length === 1) {
      // `",".join(map(str, (n, k)))`, `",".join([str(n), str(k)])`
      let items = unparen(args[0]!);
      if (items.type === 'call' && items.childForFieldName('function')?.text === 'map') {
        const [fn, seq] = positional(items);
        if (fn?.text !== 'str' || !seq) return undefined;
        items = unparen(seq);
      }
      if (items.type !== 'tuple' && items.type !== 'list') return undefined;
      const out: KeyPart[] = [];
      for (const [i, item] of items.namedChildren.filter((c) => c.type !== 'comment').entries()) {
        const p = param(item);
        if (!p) return undefined;
        if (i) out.push(text);
        out.push(...p);
      }
      return out;
    }
  }
  return undefined;
}

/**
 * `repr((n, k))`, `str([n, k])`, `json.dumps([n, k])`: the text of a packed tuple or list of parameters, as
 * `(` n `, ` k `)` (JSON writes both as a list), so that a table of keys such as `"(8, 4)"` matches it.
 */
function printedTuple(scope: Scope, call: Node, at: Node): KeyPart[] | undefined {
  const f = call.childForFieldName('function')?.text.replace(/\s+/g, '');
  const json = f === 'json.dumps' || f === 'dumps';
  if (!json && f !== 'repr' && f !== 'str') return undefined;
  const args = positional(call);
  const packed = args.length === 1 ? unparen(args[0]!) : undefined;
  if (packed?.type !== 'tuple' && packed?.type !== 'list') return undefined;
  const params = paramTuple(scope, packed, at, new Set());
  if (!params) return undefined;
  const [open, close] = packed.type === 'list' || json ? ['[', ']'] : ['(', ')'];
  const out: KeyPart[] = [open];
  params.forEach((p, i) => out.push(...(i ? [', '] : []), { param: p }));
  out.push(close);
  return out;
}

/**
 * Notes the string keys whose pieces (one per parameter) are all option-like words (`"m,km"`). Words are data
 * when every parameter of the key is processed as text (`len(a)`, `for c in a`): `f"{a}|{b}" == "AGGTAB|GXTXAYB"`.
 */
function noteWordKeys(scope: Scope, m: Match, key: PackedKey, keys: Node[]): void {
  if (key.params.every((p) => sequenceParams(scope).has(p))) return;
  for (const k of keys) {
    const pieces = key.pattern!.exec(stringValue(k) ?? '')?.slice(1);
    if (pieces?.every((p) => OPTION_WORD.test(p))) (m.wordKeys ??= new Set()).add(k.id);
  }
}

/** The positional arguments of a call. */
function positional(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'keyword_argument' && c.type !== 'list_splat' && c.type !== 'dictionary_splat') ?? [];
}

/**
 * A literal collection of literal keys (set/list/tuple of tuples, or a dict), inline or bound to a name once.
 * With `keyPattern` (a key built as a string), the keys must be strings of that shape instead of tuples.
 */
function literalTable(scope: Scope, node: Node, keyPattern?: RegExp, wholeInputs = false, scalarKeys = false): { node: Node; name?: string; inline: boolean; keys: Node[]; label?: string; imported?: ImportedTable } | undefined {
  let t = unparen(node);
  let name: string | undefined;
  let label: string | undefined;
  let seeds: Node[] = [];
  if (t.type === 'identifier') {
    name = t.text;
    // A table the code writes to is a cache filled as it computes (memoisation), not a table of answers.
    if (scope.filled(name)) return undefined;
    const defs = scope.local.get(t.text);
    if (defs) {
      if (defs.length !== 1 || defs[0]!.type !== 'assignment') return undefined;
      t = unparen(defs[0]!.childForFieldName('right')!);
      // `table = _overrides()`: a same-file function whose whole body returns the literal table.
      const built = t.type === 'call' ? returnedLiteral(scope, t) : undefined;
      if (built) [t, label] = [built, `${t.childForFieldName('function')!.text}()`];
    } else {
      // `def solve(n, k, _known={(8, 4): 70}):` — a default is one object, bound once.
      const bound = scope.params.has(t.text) ? parameterDefault(scope.fn, t.text) : scope.module.get(t.text);
      // `from ._known import KNOWN`: a table of argument tuples defined in another module; its keys stay there.
      const imported = !bound && !scope.params.has(t.text) && !keyPattern && !wholeInputs && !scalarKeys ? scope.importedTable?.(t.text) : undefined;
      if (imported) return { node: t, name, inline: false, keys: [], imported };
      if (!bound) return undefined;
      t = unparen(bound);
      seeds = scope.params.has(name) ? [] : scope.seeds(name);
      // `_fixups = {...}.get`: the table's bound lookup, called as `_fixups(s)`.
      const dict = t.type === 'attribute' && t.childForFieldName('attribute')?.text === 'get' ? unparen(t.childForFieldName('object')!) : undefined;
      if (scalarKeys && dict?.type === 'dictionary') t = dict;
    }
  }
  if (t.type === 'attribute' && unparen(t.childForFieldName('object')!).type === 'identifier' && !keyPattern && !wholeInputs && !scalarKeys) {
    const imported = scope.importedTableAt?.(t);
    return imported ? { node: t, name: t.text.replace(/\s+/g, ''), inline: false, keys: [], imported } : undefined;
  }
  if (!['set', 'list', 'tuple', 'dictionary'].includes(t.type)) return undefined;
  const keys = t.type === 'dictionary'
    ? t.namedChildren.filter((c) => c.type === 'pair').map((p) => p.childForFieldName('key')!)
    : t.namedChildren.filter((c) => c.type !== 'comment');
  if (t.type === 'dictionary') keys.push(...seeds);
  if (!keys.length) return undefined;
  if (wholeInputs) {
    // Keys are whole inputs (`frozenset({(0, 1, 4), ...})`), values literals.
    const values = t.type === 'dictionary' ? t.namedChildren.filter((c) => c.type === 'pair').map((p) => p.childForFieldName('value')) : [];
    const inner = keys.map(wholeInputLiteral);
    if (inner.some((k) => !k) || values.some((v) => !literalInfo(v))) return undefined;
    return { node: t, name, inline: !name, keys: inner as Node[], label };
  }
  // Values built from literals count as literal answers (`"737569c1d887": Fraction(1627, 2520)`).
  const literalEntries = (d: Node) => d.type === 'dictionary' && d.namedChildren.every((c) => c.type === 'comment' || (c.type === 'pair' && !!literalInfo(c.childForFieldName('key')) && isCannedValue(c.childForFieldName('value')!)));
  if (!literalInfo(t) && !literalEntries(t)) return undefined;
  if (scalarKeys) {
    // A dict of scalar keys, each a specific value (not 0, 1, "" or a flag).
    if (t.type !== 'dictionary' || !keys.every((k) => {
      const info = literalInfo(k);
      return (info?.kind === 'string' || info?.kind === 'number') && !info.trivial;
    })) return undefined;
    return { node: t, name, inline: !name, keys, label };
  }
  // Every key must be a tuple/list: the table is keyed by argument tuples, not by single values (or, for a
  // key built as a string, every key must be a string of the key's shape, such as `"8,4"` for `f"{n},{k}"`).
  if (keyPattern) {
    if (!keys.every((k) => {
      const value = stringValue(k);
      return value !== undefined && keyPattern.test(value);
    })) return undefined;
  } else if (!keys.every((k) => ['tuple', 'list'].includes(unparen(k).type))) return undefined;
  return { node: t, name, inline: !name, keys, label };
}

/** The keys of top-level `NAME[LIT] = LIT` statements. */
function topLevelSeeds(root: Node, name: string): Node[] {
  const out: Node[] = [];
  for (const stmt of root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    if (left?.type !== 'subscript' || left.childForFieldName('value')?.text !== name) continue;
    const key = left.childForFieldName('subscript');
    if (key && literalInfo(key) && literalInfo(a!.childForFieldName('right'))) out.push(key);
  }
  return out;
}

/**
 * A table keyed by a string of two or more parameters (`_T.get(f"{name}|{style}")`) whose keys hold, for some
 * parameter, an option word that the general code after `at` handles itself (`if style == "wsgi":`): its
 * entries answer inputs the algorithm already computes, so they override it for those exact inputs rather
 * than dispatch to options it lacks. Values must be literals (answers, not handlers).
 */
function tableOverridesHandledOption(scope: Scope, match: Match, at: Node): boolean {
  const key = match.table?.stringKey;
  const table = match.table?.node && unparen(match.table.node);
  if (!key?.pattern || !match.table?.keys?.length || table?.type !== 'dictionary') return false;
  const pairs = table.namedChildren.filter((c) => c.type === 'pair');
  if (!pairs.length || pairs.some((p) => { const v = literalInfo(p.childForFieldName('value')); return !v || v.trivial || v.kind === 'collection'; })) return false;
  const pieces = key.params.map(() => new Set<string>());
  for (const k of match.table.keys) {
    const got = key.pattern.exec(stringValue(k) ?? '')?.slice(1);
    if (!got || got.length !== key.params.length) return false;
    got.forEach((g, i) => pieces[i]!.add(g));
  }
  let handled = false;
  forEachInScope(scope.body, (n) => {
    if (handled) return false;
    if (n.endIndex <= at.endIndex) return n.startIndex < at.endIndex;
    if (n.type !== 'comparison_operator' || n.namedChildCount !== 2 || operatorText(n, n.namedChildren[0]!, n.namedChildren[1]!) !== '==') return true;
    const [a, b] = n.namedChildren as [Node, Node];
    for (const [side, lit] of [[a, b], [b, a]] as const) {
      const i = key.params.indexOf(isInput(scope, side, n) ?? '');
      const v = stringValue(lit);
      if (i >= 0 && v !== undefined && pieces[i]!.has(v)) handled = true;
    }
    return !handled;
  });
  return handled;
}


/** `_overrides()`: the literal a same-file top-level function without parameters returns as its whole body. */
function returnedLiteral(scope: Scope, call: Node): Node | undefined {
  const f = call.childForFieldName('function');
  if (f?.type !== 'identifier' || call.childForFieldName('arguments')?.namedChildCount) return undefined;
  const def = scope.moduleFunction(f.text);
  if (!def || def.id === scope.fn.id || def.childForFieldName('parameters')?.namedChildCount) return undefined;
  const v = soleReturnValue(def.childForFieldName('body'));
  return v && literalInfo(v) ? unparen(v) : undefined;
}

/** Field names of a table of test cases: the input it is matched on, and the answer it gives back. */
const INPUT_FIELD = /^(?:inputs?|args|arguments|params|parameters|query|case_?args)$/i;
const OUTPUT_FIELD = /^(?:outputs?|expected\w*|expect|answers?|want(?:ed)?|results?)$/i;

/**
 * A name (or a field of one, `case["input"]`, `row[0]`) bound by a `for` loop around `at` that walks a literal
 * table of rows (`for args, answer in KNOWN_CASES:`, `for case in CASES:`, `for key, v in TABLE.items():`):
 * the table with the column the name reads as its keys, and the names that read the row's other columns.
 */
function loopColumn(scope: Scope, node: Node, at: Node): { table: { node: Node; name?: string; inline: boolean; keys: Node[] }; others: string[]; row?: string; caseFields: boolean } | undefined {
  const n = unparen(node);
  let name: string;
  let field: string | number | undefined;
  if (n.type === 'identifier') name = n.text;
  else if (n.type === 'subscript') {
    const value = n.childForFieldName('value');
    const index = n.childForFieldName('subscript');
    const text = stringValue(index);
    if (value?.type !== 'identifier' || !index) return undefined;
    if (text !== undefined) field = text;
    else if (index.type === 'integer') field = Number(index.text);
    else return undefined;
    name = value.text;
  } else return undefined;
  const defs = scope.local.get(name);
  const loop = defs?.length === 1 ? defs[0]! : undefined;
  const body = loop?.type === 'for_statement' ? loop.childForFieldName('body') : undefined;
  if (!loop || !body || at.startIndex < body.startIndex || at.endIndex > body.endIndex) return undefined;
  // The targets: one name for the whole row, or one per column.
  const left = unparen(loop.childForFieldName('left')!);
  let targets: string[];
  if (left.type === 'identifier') targets = [left.text];
  else if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
    targets = left.namedChildren.filter((c) => c.type !== 'comment').map((c) => (c.type === 'identifier' ? c.text : ''));
    if (targets.length < 2 || targets.includes('') || field !== undefined) return undefined;
  } else return undefined;
  const wholeRow = targets.length === 1;
  if (wholeRow && field === undefined && targets[0] !== name) return undefined;
  // The iterable: a literal table (inline, or a name bound once to one and never written to), or its `.items()`.
  let source = unparen(loop.childForFieldName('right')!);
  let items = false;
  if (source.type === 'call' && source.childForFieldName('arguments')?.namedChildCount === 0) {
    const f = source.childForFieldName('function');
    if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'items') return undefined;
    source = unparen(f.childForFieldName('object')!);
    items = true;
  }
  let tableName: string | undefined;
  if (source.type === 'identifier') {
    tableName = source.text;
    if (scope.filled(tableName)) return undefined;
    const tableDefs = scope.local.get(tableName);
    const bound = tableDefs ? (tableDefs.length === 1 && tableDefs[0]!.type === 'assignment' ? tableDefs[0]!.childForFieldName('right') : undefined) : scope.module.get(tableName);
    if (!bound) return undefined;
    source = unparen(bound);
  }
  if (items ? source.type !== 'dictionary' : !['list', 'tuple', 'set'].includes(source.type)) return undefined;
  if (!literalInfo(source)) return undefined;
  const rows: Node[][] = [];
  const fieldNames = new Set<string>();
  for (const r of source.namedChildren) {
    if (r.type === 'comment') continue;
    if (items) {
      rows.push([r.childForFieldName('key')!, r.childForFieldName('value')!]);
      continue;
    }
    const row = unparen(r);
    if (row.type === 'dictionary') {
      const pairs = row.namedChildren.filter((c) => c.type === 'pair');
      pairs.forEach((p) => fieldNames.add(stringValue(p.childForFieldName('key')) ?? ''));
      const hit = pairs.find((p) => stringValue(p.childForFieldName('key')) === field);
      if (!hit) return undefined;
      rows.push([hit.childForFieldName('value')!]);
    } else if (row.type === 'tuple' || row.type === 'list') {
      rows.push(row.namedChildren.filter((c) => c.type !== 'comment'));
    } else return undefined;
  }
  if (!rows.length) return undefined;
  let column: number;
  if (!wholeRow) {
    // `for args, answer in CASES:`: each row has one item per target.
    if (rows.some((r) => r.length !== targets.length)) return undefined;
    column = targets.indexOf(name);
  } else if (typeof field === 'number') {
    if (rows.some((r) => r.length <= field)) return undefined;
    column = field;
  } else column = field === undefined || fieldNames.size ? 0 : -1;
  if (column < 0) return undefined;
  const keys = field === undefined && wholeRow ? source.namedChildren.filter((c) => c.type !== 'comment') : rows.map((r) => r[column]!);
  const others = wholeRow ? [] : targets.filter((t) => t !== name);
  const compared = typeof field === 'string' ? field : wholeRow ? '' : name;
  const answers = typeof field === 'string' ? [...fieldNames] : others;
  const caseFields = INPUT_FIELD.test(compared) && answers.some((a) => OUTPUT_FIELD.test(a));
  return { table: { node: source, name: tableName, inline: !tableName, keys }, others, row: wholeRow ? targets[0] : undefined, caseFields };
}

/**
 * `args == (a, b)` / `case["input"] == x` inside a loop over a literal table of rows: `params` matched against
 * each row's column; the row's other columns are the stored answer.
 */
function addLoopMatch(scope: Scope, m: Match, params: string[], other: Node, at: Node): boolean {
  const loop = loopColumn(scope, other, at);
  if (!loop) return false;
  if (params.length >= 2 && !loop.table.keys.every((k) => ['tuple', 'list'].includes(unparen(k).type) && unparen(k).namedChildren.filter((c) => c.type !== 'comment').length === params.length)) return false;
  for (const p of params) {
    m.params.add(p);
    if (loop.table.keys.some((k) => !literalInfo(k)?.trivial)) m.specific.add(p);
  }
  m.literals.push(...loop.table.keys);
  m.table = { ...loop.table };
  m.loop = { caseFields: loop.caseFields };
  for (const o of loop.others) (m.answerNames ??= new Set()).add(o);
  if (loop.row) m.answerRow = loop.row;
  return true;
}

/** Tolerances of a float comparison: a small literal (`1e-9`) or a name that says so (`EPS`, `tol`). */
const TOLERANCE_NAME = /^(?:eps|epsilon|tol|tolerance|atol|abs_tol|rel_tol)$/i;

function isTolerance(node: Node): boolean {
  const n = unparen(node);
  if (n.type === 'identifier' || n.type === 'attribute') return TOLERANCE_NAME.test(n.text.split('.').pop()!);
  if (n.type !== 'float' && n.type !== 'integer') return false;
  const value = Number(n.text.replace(/_/g, ''));
  return value > 0 && value <= 1e-3;
}

/**
 * `abs(p - LIT) < TOL` (either order inside, either side of `<`) or `math.isclose(p, LIT)`: the parameter
 * and the literal it is matched with up to rounding, or undefined.
 */
function floatMatch(scope: Scope, n: Node, op: string | undefined, at: Node): { param: string; literal: Node } | undefined {
  let pair: [Node, Node] | undefined;
  if (n.type === 'call') {
    const f = n.childForFieldName('function')?.text.replace(/\s+/g, '');
    if (f !== 'isclose' && f !== 'math.isclose' && f !== 'np.isclose' && f !== 'numpy.isclose' && f !== 'cmath.isclose') return undefined;
    const args = positional(n);
    if (args.length !== 2) return undefined;
    pair = [args[0]!, args[1]!];
  } else if (n.type === 'comparison_operator' && n.namedChildCount === 2) {
    const [a, b] = n.namedChildren as [Node, Node];
    const [diff, tol] = op === '<' || op === '<=' ? [a, b] : op === '>' || op === '>=' ? [b, a] : [undefined, undefined];
    const call = diff && unparen(diff);
    if (!tol || call?.type !== 'call' || call.childForFieldName('function')?.text !== 'abs' || !isTolerance(tol)) return undefined;
    const [inner] = positional(call);
    const sub = inner && unparen(inner);
    if (sub?.type !== 'binary_operator') return undefined;
    const left = sub.childForFieldName('left')!;
    const right = sub.childForFieldName('right')!;
    if (operatorText(sub, left, right) !== '-') return undefined;
    pair = [left, right];
  }
  if (!pair) return undefined;
  const [x, y] = pair;
  const px = isInput(scope, x, at);
  const [p, lit] = px ? [px, y] : [isInput(scope, y, at), x];
  return p && literalInfo(lit)?.kind === 'number' ? { param: p, literal: lit } : undefined;
}

/**
 * Parses a condition that is nothing but parameters matched against literals: conjunctions of
 * `p == LIT`, `(p, q) == (LIT, LIT)`, `(p, q) in TABLE`, and disjunctions of those.
 */
function matchCondition(scope: Scope, cond: Node, at: Node): Match | undefined {
  // Most conditions are names, calls or attributes: rule them out before allocating the match.
  const top = unparen(cond);
  if (top.type !== 'boolean_operator' && top.type !== 'comparison_operator' && top.type !== 'call') return undefined;
  const m: Match = { params: new Set(), specific: new Set(), literals: [], keyNames: new Set(), paramOf: new Map() };
  const stack: Node[] = [cond];
  let atoms = 0;
  while (stack.length) {
    const n = unparen(stack.pop()!);
    if (n.type === 'boolean_operator') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      // Syntax errors can leave an operand out.
      if (!left || !right) return undefined;
      stack.push(left, right);
      continue;
    }
    const [a, b] = n.namedChildren as [Node, Node];
    if (n.type === 'comparison_operator' && (!a || !b)) return undefined;
    // Two operands and no comment: the operator is the one unnamed child.
    const op = n.type === 'comparison_operator' && n.namedChildCount === 2 ? operatorText(n, a, b) : undefined;
    // `abs(v - 20.0) < 1e-9`, `math.isclose(v, 20.0)`: a float parameter matched up to rounding.
    const close = n.type === 'call' || op === '<' || op === '<=' || op === '>' || op === '>=' ? floatMatch(scope, n, op, at) : undefined;
    if (close) {
      atoms++;
      m.params.add(close.param);
      if (!literalInfo(close.literal)!.trivial) {
        m.specific.add(close.param);
        m.literals.push(close.literal);
        m.paramOf.set(close.literal.id, close.param);
      }
      continue;
    }
    // `... and not holidays`, `... and directed`: the truth of an input, a boundary value rather than a specific one.
    const truthOf = n.type === 'not_operator' ? n.childForFieldName('argument') : n.type === 'identifier' ? n : null;
    const truthParam = truthOf && stack.length + atoms > 0 ? isInput(scope, truthOf, at) : undefined;
    if (truthParam && unparen(truthOf!).type === 'identifier') {
      m.params.add(truthParam);
      continue;
    }
    if (n.type !== 'comparison_operator' || n.namedChildCount !== 2) return undefined;
    atoms++;
    if (op === '==' || op === 'is') {
      // p == LIT (either order)
      const pa = isInput(scope, a, at);
      const pb = isInput(scope, b, at);
      const [p, lit] = pa ? [pa, b] : pb ? [pb, a] : [undefined, undefined];
      if (p && lit) {
        // `start == date(2024, 12, 30)`: a value built from literals is as exact as a literal.
        const info = literalInfo(lit) ?? (unparen(lit).type === 'call' && isCannedValue(lit) ? BUILT_VALUE : undefined);
        if (!info) {
          // `case["input"] == x` in a loop over a literal table of cases.
          if (addLoopMatch(scope, m, [p], lit, at)) continue;
          return undefined;
        }
        m.params.add(p);
        const items = unparen(lit).type === 'tuple' ? unparen(lit).namedChildren.filter((c) => c.type !== 'comment') : [];
        if (scope.star.has(p) && items.length >= 2) {
          // `args == (8, 4)` with a `*args` parameter: each item is one argument matched against a literal.
          items.forEach((item, i) => {
            if (literalInfo(item)!.trivial) return;
            m.specific.add(i ? `${p}[${i}]` : p);
            m.literals.push(item);
          });
        } else if (!info.trivial) {
          m.specific.add(p);
          m.literals.push(lit);
          m.paramOf.set(lit.id, p);
        } else noteZeroSlot(m, p, info);
        continue;
      }
      // (p, q) == (LIT, LIT), also with the size of an input among them: `(len(graph), src, dst) == (6, "a", "f")`
      const sa = paramTuple(scope, a, at, m.keyNames, true);
      const sb = sa ? undefined : paramTuple(scope, b, at, m.keyNames, true);
      const ta = sa ? { params: sa } : packedKey(scope, a, at, m.keyNames);
      const tb = ta ? undefined : sb ? { params: sb } : packedKey(scope, b, at, m.keyNames);
      const [key, other] = ta ? [ta, b] : tb ? [tb, a] : [undefined, undefined];
      if (!key && sizeMatch(scope, m, a, b, at)) continue;
      if (!key || !other) return undefined;
      const tuple = key.params;
      if (key.pattern) {
        // f"{n},{k}" == "8,4": the string names one value for each parameter.
        const value = stringValue(other);
        if (value === undefined || !key.pattern.test(value)) return undefined;
        for (const p of tuple) {
          m.params.add(p);
          m.specific.add(p);
        }
        m.literals.push(other);
        noteWordKeys(scope, m, key, [other]);
        continue;
      }
      const o = unparen(other);
      // `for args, answer in KNOWN_CASES: if args == (a, b):`
      if (!literalInfo(o) && !tuple.some((t) => t.startsWith(SIZE_SLOT) || t.startsWith(DERIVED_SLOT)) && addLoopMatch(scope, m, tuple, o, at)) continue;
      // `(income, status) == (Decimal("85000"), "single")`: values built from literals are as exact as literals.
      if (!['tuple', 'list'].includes(o.type) || !isCannedValue(o)) return undefined;
      const items = o.namedChildren.filter((c) => c.type !== 'comment');
      if (items.length !== tuple.length) return undefined;
      const infoOf = (item: Node) => literalInfo(item) ?? BUILT_VALUE;
      items.forEach((item, i) => {
        if (tuple[i]!.startsWith(DERIVED_SLOT)) {
          // A value computed from an input, matched with a specific literal: a slot of the exact input, when said so.
          m.params.add(tuple[i]!.slice(DERIVED_SLOT.length));
          if (!infoOf(item).trivial) m.specific.add(tuple[i]!), m.literals.push(item), (m.derived = true);
          return;
        }
        if (tuple[i]!.startsWith(SIZE_SLOT)) {
          // A size matched with an arbitrary number is data (an input's size), not an option: no parameter of its own.
          if (literalInfo(item)?.kind === 'number' && !literalInfo(item)!.trivial) m.literals.push(item), (m.sized = true);
          return;
        }
        m.params.add(tuple[i]!);
        const info = infoOf(item);
        if (!info.trivial) {
          m.specific.add(tuple[i]!);
          m.literals.push(item);
          m.paramOf.set(item.id, tuple[i]!);
        } else noteZeroSlot(m, tuple[i]!, info);
      });
      continue;
    }
    if (op === 'in') {
      if (!addTableMatch(scope, m, a, b, at)) return undefined;
      continue;
    }
    if (op === 'is not' || op === '!=') {
      // hit = TABLE.get((n, k)); if hit is not None: return hit
      const stored = unparen(b).type === 'none' ? a : unparen(a).type === 'none' ? b : undefined;
      if (!stored || !addStoredAnswer(scope, m, stored, at)) return undefined;
      continue;
    }
    return undefined;
  }
  return atoms ? m : undefined;
}

/** `n == 12` where `n` is the size of an input (see `sizedInput`): a slot of the match without a parameter of its own. */
function sizeMatch(scope: Scope, m: Match, a: Node, b: Node, at: Node): boolean {
  const input = (e: Node, where: Node) => isInput(scope, e, where);
  const [lit, size] = literalInfo(b) ? [b, a] : literalInfo(a) ? [a, b] : [undefined, undefined];
  const info = lit && literalInfo(lit);
  if (!lit || info?.kind !== 'number' || info.trivial || !sizedInput(size!, at, scope.local, scope.params, input)) return false;
  m.literals.push(lit);
  m.sized = true;
  return true;
}

/** `first_row == 0`: a parameter pinned to a trivial number or string (never `None` or a flag, which are options and guards). */
function noteZeroSlot(m: Match, param: string, info: { kind: string }): void {
  if (info.kind === 'number' || info.kind === 'string') (m.zeroSlots ??= new Set()).add(param);
}

/**
 * `(n, k)` looked up in a literal table of argument tuples (`(n, k) in TABLE`, `TABLE.get((n, k))`,
 * `TABLE[(n, k)]`): adds the parameters and the table's keys to `m`; false when `key` does not pack the
 * parameters or `table` is not such a table.
 */
function addTableMatch(scope: Scope, m: Match, key: Node, tableRef: Node, at: Node, given?: PackedKey): boolean {
  const packed = given ?? packedKey(scope, key, at, m.keyNames);
  if (!packed) return addWholeInputMatch(scope, m, key, tableRef, at) || addScalarMatch(scope, m, key, tableRef, at);
  const tuple = packed.params;
  const table = literalTable(scope, tableRef, packed.pattern);
  if (!table) return false;
  // An imported table's keys must pack as many arguments as the lookup does.
  if (table.imported && (tuple.length !== table.imported.arity || scope.star.has(tuple[0]!))) return false;
  for (const p of tuple) {
    m.params.add(p);
    m.specific.add(p);
  }
  // `args in TABLE` with a `*args` parameter: the keys' arity is the number of matched arguments.
  if (!packed.pattern && tuple.length === 1 && scope.star.has(tuple[0]!)) {
    const arity = Math.min(...table.keys.map((k) => unparen(k).namedChildren.filter((c) => c.type !== 'comment').length));
    for (let i = 1; i < arity; i++) m.specific.add(`${tuple[0]}[${i}]`);
  }
  m.literals.push(...table.keys);
  if (packed.pattern) noteWordKeys(scope, m, packed, table.keys);
  m.table = { ...table, keyedByString: !!packed.pattern, keyParams: packed.pattern ? undefined : tuple, stringKey: packed.pattern ? packed : undefined, imported: table.imported };
  return true;
}

/**
 * `frozenset(map(tuple, edges))`, `tuple(nums)`, `tuple(sorted(nums))`, or a local bound once to one before `at`:
 * one composite input made into a hashable key of its whole value. The input it converts, or undefined.
 */
function wholeInputKey(scope: Scope, node: Node, at: Node, keyNames: Set<string>): string | undefined {
  let n = unparen(node);
  let local: string | undefined;
  if (n.type === 'identifier' && !scope.params.has(n.text)) {
    const defs = scope.local.get(n.text);
    const def = defs?.length === 1 ? defs[0]! : undefined;
    if (def?.type !== 'assignment' || def.startIndex >= at.startIndex || def.childForFieldName('left')?.type !== 'identifier') return undefined;
    local = n.text;
    n = unparen(def.childForFieldName('right')!);
    at = def;
  }
  // An explicit conversion only: a parameter used as a key as it is is a scalar lookup (`s in ROMAN`).
  if (n.type !== 'call' || !WHOLE_KEY_CALLS.has(n.childForFieldName('function')?.text ?? '')) return undefined;
  // `frozenset(tuple(e) for e in edges)`: a generator is the call's whole argument list.
  const generator = n.childForFieldName('arguments');
  const args = generator?.type === 'generator_expression' ? [generator] : positional(n);
  if (args.length !== 1) return undefined;
  let inner = unparen(args[0]!);
  // `map(tuple, edges)`: each item made hashable too.
  if (inner.type === 'call' && inner.childForFieldName('function')?.text === 'map') {
    const [fn, seq] = positional(inner);
    if (!seq || !WHOLE_KEY_CALLS.has(fn?.text ?? '')) return undefined;
    inner = unparen(seq);
  }
  if (inner.type === 'generator_expression') inner = elementwiseSource(inner) ?? inner;
  const p = isInput(scope, inner, at);
  if (p && local) keyNames.add(local);
  return p;
}

const WHOLE_KEY_CALLS = new Set(['tuple', 'frozenset']);

/** A key of a table of whole inputs: a literal collection of two or more items, or `frozenset(...)`/`tuple(...)` of one. */
function wholeInputLiteral(key: Node): Node | undefined {
  let k = unparen(key);
  if (k.type === 'call' && WHOLE_KEY_CALLS.has(k.childForFieldName('function')?.text ?? '')) {
    const args = positional(k);
    if (args.length !== 1) return undefined;
    k = unparen(args[0]!);
  }
  if (!['tuple', 'list', 'set'].includes(k.type) || k.namedChildren.filter((c) => c.type !== 'comment').length < 2) return undefined;
  return literalInfo(k) ? k : undefined;
}

/**
 * `frozenset(map(tuple, edges)) in KNOWN`: one composite input (a list, a graph) looked up whole in a literal
 * table of such values. Counted as matching several values at once, like an argument tuple.
 */
function addWholeInputMatch(scope: Scope, m: Match, key: Node, tableRef: Node, at: Node): boolean {
  const p = wholeInputKey(scope, key, at, m.keyNames);
  const table = p ? literalTable(scope, tableRef, undefined, true) : undefined;
  if (!p || !table) return false;
  m.params.add(p);
  m.specific.add(p);
  m.specific.add(`${p}[*]`);
  m.literals.push(...table.keys);
  m.table = { ...table, keyedByString: false };
  return true;
}

/**
 * `s in _FIXUPS` / `_FIXUPS.get(s)`: one parameter looked up whole in a literal dict of literal answers keyed by
 * exact values (`"the lord of the rings": "The Lord of the Rings"`). Domain tables (roman numerals, status
 * texts, unit factors) look the same, so `rate` reports it only when the code says why.
 */
function addScalarMatch(scope: Scope, m: Match, key: Node, tableRef: Node, at: Node): boolean {
  const p = isInput(scope, key, at);
  // `_digest(n, power)` with `def _digest(a, b): return sha1(repr((a, b)).encode()).hexdigest()`: one key for several inputs.
  const several = p ? undefined : digestOfInputs(scope, key, at);
  const table = p || several ? literalTable(scope, tableRef, undefined, false, true) : undefined;
  if ((!p && !several) || !table) return false;
  for (const q of p ? [p] : several!) {
    m.params.add(q);
    m.specific.add(q);
  }
  m.literals.push(...table.keys);
  if (unparen(key).type === 'identifier') m.keyNames.add(unparen(key).text);
  // `fp = sha1(text.encode()).hexdigest()[:8]; if fp in _RESOLVED:` — answers keyed by a digest of the input.
  m.table = { ...table, keyedByString: true, scalar: true, hashed: several ? true : isDigestKey(scope, key) || undefined };
  return true;
}

/**
 * `hit` bound once to `TABLE.get((n, k))` before `at`, or `(hit := TABLE.get((n, k)))`: adds the table match
 * and notes `hit` as a name for the stored answer.
 */
function addStoredAnswer(scope: Scope, m: Match, node: Node, at: Node): boolean {
  const n = unparen(node);
  let name: string | undefined;
  let value: Node | null | undefined;
  if (n.type === 'named_expression') {
    name = n.childForFieldName('name')?.text;
    value = n.childForFieldName('value');
  } else if (n.type === 'identifier') {
    const defs = scope.local.get(n.text);
    const def = defs?.length === 1 ? defs[0]! : undefined;
    if (def?.type !== 'assignment' || def.startIndex >= at.startIndex || def.childForFieldName('left')?.type !== 'identifier') return false;
    name = n.text;
    value = def.childForFieldName('right');
  }
  const lookup = value ? unparen(value) : undefined;
  const l = lookup?.type === 'call' ? tableLookup(lookup) : undefined;
  if (name && !l && lookup?.type === 'call' && addHelperMatch(scope, m, lookup, at)) {
    (m.answerNames ??= new Set()).add(name);
    return true;
  }
  if (!name || !l || !addTableMatch(scope, m, l.index, l.table, at)) return false;
  (m.answerNames ??= new Set()).add(name);
  return true;
}

/** The lookup a function's whole body returns (`return KNOWN.get((n, k))`, docstrings aside), or undefined. */
function helperLookup(def: Node): Node | undefined {
  const v = soleReturnValue(def.childForFieldName('body'));
  return v && isBareGet(v) ? unparen(v) : undefined;
}

/**
 * `_known(n, k)`: a call, with the parameters as its arguments, of a same-file function whose whole body looks
 * its own parameters up in a literal table (`return KNOWN.get((n, k))`): the lookup, split into a helper.
 */
function addHelperMatch(scope: Scope, m: Match, call: Node, at: Node): boolean {
  const f = call.childForFieldName('function');
  const def = f?.type === 'identifier' ? scope.lookupHelpers().get(f.text) : undefined;
  const lookup = def && def.id !== scope.fn.id ? helperLookup(def) : undefined;
  const l = lookup && tableLookup(lookup);
  if (!def || !l) return false;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  const own = inputParameters(def);
  if (args.length !== own.length || (def.childForFieldName('parameters')?.namedChildren.some((p) => p.type !== 'identifier') ?? true)) return false;
  // The helper's parameter → the caller's input passed to it.
  const passed = new Map<string, string>();
  for (const [i, arg] of args.entries()) {
    const p = isInput(scope, arg, at);
    if (!p) return false;
    passed.set(own[i]!, p);
  }
  const local = new Map<string, Node[]>();
  forEachInScope(def.childForFieldName('body')!, (n) => noteAssignedNames(n, local));
  const inner: Scope = { ...scope, fn: def, body: def.childForFieldName('body')!, stdin: new Set(), params: new Set(own), star: new Set(), local, sequences: undefined };
  const found: Match = { params: new Set(), specific: new Set(), literals: [], keyNames: new Set(), paramOf: new Map() };
  if (!addTableMatch(inner, found, l.index, l.table, lookup!)) return false;
  for (const p of found.params) m.params.add(passed.get(p)!);
  for (const p of found.specific) m.specific.add(passed.get(p)!);
  m.literals.push(...found.literals);
  m.table = found.table;
  return true;
}

/** A lookup of the parameters in a literal table (`TABLE[(n, k)]`, `TABLE.get((n, k), ...)`) as a match. */
function lookupMatch(scope: Scope, lookup: Node, at: Node): Match | undefined {
  const e = unparen(lookup);
  const l = tableLookup(e) ?? boundGet(scope, e);
  if (!l) return undefined;
  const m: Match = { params: new Set(), specific: new Set(), literals: [], keyNames: new Set(), paramOf: new Map() };
  // `TABLE[n, k]`: the index is the tuple of its items.
  const items = e.type === 'subscript' ? e.childrenForFieldName('subscript').filter((c): c is Node => !!c && c.type !== 'comment') : [];
  if (items.length >= 2) {
    const params = items.map((c) => isInput(scope, c, at));
    return params.every(Boolean) && addTableMatch(scope, m, l.index, l.table, at, { params: params as string[] }) ? m : undefined;
  }
  return addTableMatch(scope, m, l.index, l.table, at) ? m : undefined;
}

/** `_fixups(s)` where the module binds `_fixups = {...}.get` once: the table (by its name) and the key. */
function boundGet(scope: Scope, e: Node): { table: Node; index: Node } | undefined {
  if (e.type !== 'call') return undefined;
  const f = e.childForFieldName('function');
  if (f?.type !== 'identifier' || scope.local.has(f.text) || scope.params.has(f.text)) return undefined;
  const bound = scope.module.get(f.text);
  if (bound?.type !== 'attribute' || bound.childForFieldName('attribute')?.text !== 'get' || unparen(bound.childForFieldName('object')!).type !== 'dictionary') return undefined;
  const args = e.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  return args.length === 1 && args[0]!.type !== 'keyword_argument' ? { table: f, index: args[0]! } : undefined;
}

/** `TABLE.get(key)` / `TABLE.get(key, None)`: a lookup that falls back to nothing. */
function isBareGet(e: Node): boolean {
  const n = unparen(e);
  if (n.type !== 'call' || !tableLookup(n)) return false;
  const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  return args.length === 1 || (args.length === 2 && unparen(args[1]!).type === 'none');
}

/** The canned answer of a branch: `return LIT`, `return TABLE[key]`, or an exit, and nothing else. */
function branchAnswer(scope: Scope, block: Node | null, match: Match, names: Names, hasElse: boolean): Answer | undefined {
  // A script-style answer: `print(70)` then `return`/`sys.exit()` (or an `else` holding the general code).
  const all = statementsOf(block).filter((s) => !isInert(s));
  const printed = all[0] && printedLiteral(all[0]);
  if (printed && (all.length === 1 ? hasElse : all.length === 2 && isTerminal(all[1]!, names))) {
    return { node: all[0]!, text: `prints the canned answer \`${snippet(printed, 40)}\``, literal: printed };
  }
  const stmts = all.filter((s) => !isLogging(s));
  // `value, chosen = TABLE[key]` then `return value, list(chosen)`: the stored answer, unpacked and handed back.
  if (stmts.length === 2) return unpackedStoredAnswer(scope, stmts[0]!, stmts[1]!, match);
  if (stmts.length !== 1) return undefined;
  const s = stmts[0]!;
  if (s.type === 'return_statement') {
    const v = returnValue(s);
    if (!v) return undefined;
    if (isCannedValue(v)) return { node: s, text: `returns the canned value \`${snippet(v, 40)}\``, literal: v };
    // `return 491.67 if dst == "R" else 0.0` in the matched branch: one canned answer per matched case.
    const chosen = cannedChoice(v);
    if (chosen) return { node: s, text: `returns the canned values \`${snippet(v, 40)}\``, literal: chosen };
    // `return list(TABLE[text])`: a copy of the stored answer is the stored answer.
    const e = storedCopyOf(unparen(v));
    if (e.type === 'identifier' && match.answerNames?.has(e.text)) return { node: s, text: `returns the stored answer \`${e.text}\`` };
    // `return case["output"]`: a field of the matched row of a table of cases.
    if (match.answerRow && e.type === 'subscript' && e.childForFieldName('value')?.text === match.answerRow && literalInfo(e.childForFieldName('subscript'))) {
      return { node: s, text: `returns the stored answer \`${snippet(e, 40)}\`` };
    }
    // return TABLE[(n, k)] / TABLE[key] / TABLE.get(key)
    if (isMatchedLookup(scope, match, e, s)) return { node: s, text: `returns the stored answer \`${snippet(e, 40)}\`` };
    return undefined;
  }
  if (s.type === 'expression_statement') {
    const call = s.namedChild(0);
    if (call?.type === 'call') {
      const q = names.callee(call);
      if (q && EXIT_CALLS.has(q)) return { node: s, text: `exits (\`${snippet(call, 30)}\`)` };
    }
  }
  if (s.type === 'raise_statement' && /^raise\s+SystemExit\b/.test(s.text)) return { node: s, text: '`raise SystemExit`s' };
  return block ? overriddenResult(scope, block, s) : undefined;
}

/**
 * Every key of the matched table holds a whole collection as one of its inputs (`(((12, 4), (2, 2)), 15)`): domain
 * tables are keyed by scalars (codes, sizes, names); answers stored for entire input lists are runs of the function,
 * written down.
 */
function keyedByWholeCollections(match: Match): boolean {
  const keys = match.table?.keys ?? [];
  const collection = (n: Node) => ['tuple', 'list'].includes(unparen(n).type) && unparen(n).namedChildren.filter((c) => c.type !== 'comment').length >= 2;
  // An argument tuple holding a collection of records, or (a table of one whole input) a collection of records itself:
  // `frozenset({("a", "b", 1), ("b", "c", 1)})` keys a graph given as its edges.
  const records = (n: Node) => ['set', 'tuple', 'list'].includes(unparen(n).type) && unparen(n).namedChildren.filter((c) => c.type !== 'comment' && collection(c)).length >= 2;
  // A key built by serialising the inputs (`json.dumps(base, sort_keys=True) + "|" + ...`): a JSON object or array in the string.
  const serialised = (n: Node) => /[{[][^{}[\]]*[,:][^{}[\]]*[}\]]/.test(stringValue(n) ?? '');
  return keys.length > 0 && keys.every((k) => serialised(k) || (['tuple', 'list'].includes(unparen(k).type) && unparen(k).namedChildren.some((c) => c.type !== 'comment' && collection(c) && unparen(c).namedChildren.some((x) => x.type !== 'comment' && collection(x)))) || records(k));
}

/** `TABLE[(n, k)]`, `TABLE[key]`, `TABLE.get(key)` on the matched table with the matched key. */
function isMatchedLookup(scope: Scope, match: Match, e: Node, at: Node): boolean {
  if (!match.table) return false;
  const lookup = tableLookup(e);
  const tableRef = lookup?.table;
  const index = lookup?.index;
  const ref = tableRef && unparen(tableRef);
  const sameTable = ref && (match.table.name ? (ref.type === 'identifier' || ref.type === 'attribute') && ref.text.replace(/\s+/g, '') === match.table.name : literalInfo(ref)?.key === literalInfo(match.table.node)?.key);
  return !!sameTable && !!index && (!!packedKey(scope, index, at, new Set()) || (unparen(index).type === 'identifier' && match.keyNames.has(unparen(index).text)));
}

/** Copies that keep a value whole: `list(x)`, `tuple(x)`, `dict(x)`, `copy.copy(x)`, `copy.deepcopy(x)`. */
const COPY_CALL = /^(list|tuple|dict|set|frozenset|(copy\.)?(copy|deepcopy))$/;

/** `list(TABLE[key])` → `TABLE[key]`; anything else as it is. */
function storedCopyOf(e: Node): Node {
  if (e.type !== 'call' || !COPY_CALL.test(e.childForFieldName('function')?.text ?? '')) return e;
  const args = positional(e);
  return args.length === 1 && e.childForFieldName('arguments')!.namedChildren.filter((c) => c.type !== 'comment').length === 1 ? unparen(args[0]!) : e;
}

/**
 * `value, chosen = TABLE[key]` then `return value, list(chosen)`: the matched table's entry unpacked into locals and
 * returned, whole or through views (`list(chosen)`), and nothing else.
 */
function unpackedStoredAnswer(scope: Scope, first: Node, second: Node, match: Match): Answer | undefined {
  const assign = first.type === 'expression_statement' ? first.namedChild(0) : null;
  const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
  const right = assign?.childForFieldName('right');
  if (!left || !right || !['pattern_list', 'tuple_pattern', 'list_pattern'].includes(left.type) || second.type !== 'return_statement') return undefined;
  const unpacked = new Set(left.namedChildren.filter((c) => c.type === 'identifier').map((c) => c.text));
  if (unpacked.size !== left.namedChildren.filter((c) => c.type !== 'comment').length || !isMatchedLookup(scope, match, unparen(right), first)) return undefined;
  const v = returnValue(second);
  if (!v) return undefined;
  const parts = unparen(v).type === 'tuple' || unparen(v).type === 'expression_list' ? unparen(v).namedChildren.filter((c) => c.type !== 'comment') : [v];
  if (!parts.every((p) => unpacked.has(inputlessView(p)))) return undefined;
  return { node: second, text: `returns the stored answer \`${snippet(right, 40)}\`` };
}

/** The name under `list(x)` / `tuple(x)` / `sorted(x)` (or `x` itself), or ''. */
function inputlessView(node: Node): string {
  const n = inputView(node);
  return n.type === 'identifier' ? n.text : '';
}

/**
 * `result = dp[m][n]` / `if a == "horse" and b == "ros": result = 3` / `return result`: the branch overwrites the
 * computed result with a literal just before it is returned (the `if` is directly followed by `return result`).
 */
function overriddenResult(scope: Scope, block: Node, s: Node): Answer | undefined {
  const assign = s.type === 'expression_statement' ? s.namedChild(0) : null;
  const target = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
  const value = assign?.childForFieldName('right');
  if (target?.type !== 'identifier' || !value || !literalInfo(value)) return undefined;
  let ifStatement = block.parent;
  if (ifStatement?.type === 'elif_clause' || ifStatement?.type === 'else_clause') ifStatement = ifStatement.parent;
  if (ifStatement?.type !== 'if_statement') return undefined;
  let next = ifStatement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  const returned = next?.type === 'return_statement' ? returnValue(next) : undefined;
  if (returned?.type !== 'identifier' || returned.text !== target.text) return undefined;
  // The value it replaces is computed: another assignment of the name, outside the branch, that is not a literal.
  const computed = scope.local.get(target.text)?.find((d) => {
    if (d.startIndex >= block.startIndex && d.endIndex <= block.endIndex) return false;
    return d.type !== 'assignment' || !literalInfo(d.childForFieldName('right'));
  });
  if (!computed) return undefined;
  return { node: s, text: `overwrites the computed \`${target.text}\` with the canned value \`${snippet(value, 40)}\``, literal: value, general: computed };
}

/** What a value built from literals (`date(2024, 12, 30)`) counts as when matched: specific data. */
const BUILT_VALUE = { kind: 'number', key: '', trivial: false } as const;

/** The first canned value of a choice between canned values (`491.67 if dst == "R" else 0.0`), else undefined. */
function cannedChoice(v: Node, depth = 0): Node | undefined {
  const n = unparen(v);
  if (n.type !== 'conditional_expression' || depth > 4) return undefined;
  const [chosen, , otherwise] = n.namedChildren.filter((c) => c.type !== 'comment');
  if (!chosen || !otherwise) return undefined;
  const canned = (x: Node) => (isCannedValue(x) ? x : cannedChoice(x, depth + 1));
  const first = canned(chosen);
  return first && canned(otherwise) ? first : undefined;
}

/** The literal a statement writes to stdout: `print(70)`, `print("YES")`, `sys.stdout.write("70\\n")`. */
function printedLiteral(s: Node): Node | undefined {
  if (s.type !== 'expression_statement') return undefined;
  const call = s.namedChild(0);
  if (call?.type !== 'call') return undefined;
  const f = call.childForFieldName('function')?.text.replace(/\s+/g, '');
  if (f !== 'print' && f !== 'sys.stdout.write') return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'keyword_argument') ?? [];
  return args.length >= 1 && args.every((a) => literalInfo(a)) ? args[0] : undefined;
}

/** `return` (bare or `None`), an exit call, `raise SystemExit`: the special case ends the run of the function. */
function isTerminal(s: Node, names: Names): boolean {
  if (s.type === 'return_statement') {
    const v = returnValue(s);
    return !v || v.type === 'none';
  }
  if (s.type === 'raise_statement') return /^raise\s+SystemExit\b/.test(s.text);
  if (s.type === 'expression_statement') {
    const call = s.namedChild(0);
    const q = call?.type === 'call' ? names.callee(call) : undefined;
    return !!q && EXIT_CALLS.has(q);
  }
  return false;
}

/** Is `n` a general (computed) answer: a non-literal return, or printing a computed value? */
function isGeneralAnswer(n: Node): boolean {
  if (n.type === 'return_statement') {
    const v = returnValue(n);
    return !!v && !isCannedValue(v);
  }
  if (n.type === 'call') {
    const f = n.childForFieldName('function')?.text.replace(/\s+/g, '');
    if (f !== 'print' && f !== 'sys.stdout.write') return false;
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'keyword_argument') ?? [];
    return args.some((a) => !literalInfo(a));
  }
  return false;
}

/** Could this call print (`print`, `sys.stdout.write`)? A cheap test before `isGeneralAnswer`. */
function mayPrint(call: Node): boolean {
  const t = call.childForFieldName('function')?.text;
  return !!t && (t.includes('print') || t.includes('write'));
}

function isLogging(s: Node): boolean {
  if (s.type !== 'expression_statement') return false;
  const call = s.namedChild(0);
  if (call?.type !== 'call') return false;
  const f = call.childForFieldName('function')?.text ?? '';
  return /^(print|log(ger)?\.\w+|logging\.\w+)$/.test(f);
}

/** General code after the special case: a computed (non-literal) return after its condition, outside its branch. */
function generalCodeAfter(cond: Node, block: Node | null, body: Node): Node | undefined {
  let found: Node | undefined;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (block && n.id === block.id) return false;
    if (n.startIndex > cond.endIndex && isGeneralAnswer(n)) found = n;
    return !found;
  });
  return found;
}

/**
 * A special case in an `except` clause (`except RecursionError: if n == 500 and m == 500: return ...`): the canned
 * answer stands in when the general algorithm, in the `try` body, fails. That algorithm's computed answer, or undefined.
 */
function generalCodeBeforeHandler(at: Node, body: Node): Node | undefined {
  for (let p = at.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return undefined;
    if (p.type !== 'except_clause') continue;
    const tryBody = p.parent?.type === 'try_statement' ? p.parent.childForFieldName('body') : null;
    let found: Node | undefined;
    if (tryBody) {
      forEachInScope(tryBody, (n) => {
        if (!found && isGeneralAnswer(n)) found = n;
        return !found;
      });
    }
    return found;
  }
  return undefined;
}

/** Names of answer tables that say they hold canned answers. */
const TABLE_NAME = /known|special|expected|answer|hack|override|hard[\W_]*cod|cheat|flawed/i;

/** A literal that looks like input data rather than an option name: numbers, free text, collections holding those. */
function isDataLiteral(node: Node): boolean {
  const stack: Node[] = [node];
  while (stack.length) {
    const n = unparen(stack.pop()!);
    // `Decimal("85000")`, `date(2024, 12, 23)`: a value built from literals is data.
    if (n.type === 'call' && isCannedValue(n)) return true;
    const info = literalInfo(n);
    if (!info) continue;
    if (info.kind === 'number' && (!info.trivial || n.id !== node.id)) return true;
    if (info.kind === 'string' && !info.trivial && !isOptionLikeString(n)) return true;
    if (info.kind === 'collection') for (const c of n.namedChildren) if (c.type !== 'comment') stack.push(c.type === 'pair' ? c.childForFieldName('key')! : c);
  }
  return false;
}

const ORDERINGS = new Set(['<', '<=', '>', '>=']);

/** `return f"{width}x{height}"`, `return "%sx%s" % (w, h)`: the general answer is the matched inputs written out, nothing computed. */
function echoesInputs(general: Node, params: Set<string>): boolean {
  const v = general.type === 'return_statement' ? returnValue(general) : undefined;
  const e = v && unparen(v);
  if (e?.type !== 'string') return false;
  const pieces = e.namedChildren.filter((c) => c.type === 'interpolation');
  return pieces.length > 0 && pieces.every((i) => {
    const x = i.childForFieldName('expression');
    return x?.type === 'identifier' && params.has(x.text);
  });
}

/**
 * Is a matched literal also a threshold the code orders the same input against (`year < 1752` for
 * `year == 1752`)? In the function itself, written as the literal or as a module constant bound to it
 * (`year > GREGORIAN_SWITCH_YEAR`), or in a same-file function it hands that input to (`is_leap(year)` whose
 * body tests `year <= 1752`): a calendar's switch-over is a boundary of its rules, not a test's input.
 */
function literalIsBoundary(scope: Scope, match: Match): boolean {
  const wanted = new Map<string, Set<string>>();
  for (const l of match.literals) {
    const p = match.paramOf.get(l.id);
    const key = literalInfo(l)?.key;
    if (p && key) wanted.set(p, (wanted.get(p) ?? new Set()).add(key));
  }
  if (!wanted.size) return false;
  const valueKey = (e: Node, locals: Map<string, Node[]> | undefined): string | undefined => {
    const v = unparen(e);
    const bound = v.type === 'identifier' && !locals?.has(v.text) ? scope.module.get(v.text) : undefined;
    return literalInfo(bound ?? v)?.key;
  };
  const ordersAgainst = (body: Node, rename: Map<string, string> | undefined, locals: Map<string, Node[]> | undefined): boolean => {
    let found = false;
    forEachInScope(body, (n) => {
      if (found) return false;
      if (n.type !== 'comparison_operator' || n.namedChildCount !== 2) return;
      const [a, b] = n.namedChildren as [Node, Node];
      if (!ORDERINGS.has(operatorText(n, a, b) ?? '')) return;
      const [x, y] = [unparen(a), unparen(b)];
      const param = (v: Node) => (rename ? rename.get(v.text) : v.text);
      found = (wanted.get(param(x) ?? '')?.has(valueKey(y, locals) ?? '') ?? false) || (wanted.get(param(y) ?? '')?.has(valueKey(x, locals) ?? '') ?? false);
      return !found;
    });
    return found;
  };
  if (ordersAgainst(scope.body, undefined, scope.local)) return true;
  // One level into same-file functions called with a matched input as a plain positional argument.
  let found = false;
  forEachInScope(scope.body, (n) => {
    if (found) return false;
    if (n.type !== 'call') return;
    const f = n.childForFieldName('function');
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    if (f?.type !== 'identifier' || !args.some((a) => a.type === 'identifier' && wanted.has(a.text))) return;
    const def = scope.moduleFunction(f.text);
    const body = def?.id === scope.fn.id ? undefined : def?.childForFieldName('body');
    if (!def || !body) return;
    const params = def.childForFieldName('parameters')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    const rename = new Map<string, string>();
    args.forEach((a, i) => {
      const p = params[i];
      if (a.type === 'identifier' && wanted.has(a.text) && p?.type === 'identifier') rename.set(p.text, a.text);
    });
    if (rename.size && ordersAgainst(body, rename, undefined)) found = true;
    return !found;
  });
  return found;
}

/** A number far from the base-case values (|v| >= 10): `12`, `14200`, `-37`. */
function isArbitraryNumber(node: Node): boolean {
  const info = literalInfo(node);
  if (info?.kind !== 'number') return false;
  const value = Number(unparen(node).text.replace(/_/g, ''));
  return Number.isFinite(value) && Math.abs(value) >= 10;
}

/**
 * Does a computed answer of the function (a non-literal `return` outside the branch at `at`) order one of
 * `params` against a specific literal threshold: `(major, minor) >= (3, 6)`, `status >= 500`, `major > 2`,
 * or a module constant bound to one (`(major, minor) >= MIN_VERSION`)? Boundaries (`n > 0`) do not count.
 */
function thresholdRule(scope: Scope, params: Set<string>, at: Node): boolean {
  const isThreshold = (e: Node): boolean => {
    let v = unparen(e);
    if (v.type === 'identifier' && !scope.local.has(v.text)) v = scope.module.get(v.text) ?? v;
    const info = literalInfo(v);
    return !!info && !info.trivial && (info.kind === 'number' || info.kind === 'collection' || info.kind === 'string');
  };
  // `major`, or `self.major` where the constructor stored a parameter.
  const isParam = (v: Node) => (v.type === 'identifier' || v.type === 'attribute') && params.has(v.text.replace(/\s+/g, ''));
  const namesParam = (e: Node): boolean => {
    const v = unparen(e);
    if (isParam(v)) return true;
    return (v.type === 'tuple' || v.type === 'list') && v.namedChildren.some(isParam);
  };
  let found = false;
  forEachInScope(scope.body, (n) => {
    if (found) return false;
    if (n.type !== 'return_statement' || n.startIndex < at.endIndex) return;
    const v = returnValue(n);
    if (!v || literalInfo(v)) return;
    const visit = (d: Node): boolean => {
      if (found || d.type === 'lambda') return false;
      if (d.type !== 'comparison_operator' || d.namedChildCount !== 2) return true;
      const [a, b] = d.namedChildren as [Node, Node];
      if (ORDERINGS.has(operatorText(d, a, b) ?? '')) found = (namesParam(a) && isThreshold(b)) || (namesParam(b) && isThreshold(a));
      return !found;
    };
    if (visit(v)) forEachDescendant(v, visit);
  });
  return found;
}

/** Rows of numbers answered with numbers beyond which `if`s are more likely a real table (see `rate`). */
const MAX_FIGURE_ROWS = 8;

/**
 * Does `e` compare every one of `params` with a specific literal, at least one by an ordering (`major == 3 and
 * minor < 8`, `(major, minor) >= (3, 6)`, `p > LIMIT` with a module constant bound to a literal)? Another row of a
 * table of ranges on the same inputs.
 */
function rangeRuleOn(scope: Scope, params: Set<string>, e: Node): boolean {
  const isThreshold = (x: Node): boolean => {
    let v = unparen(x);
    if (v.type === 'identifier' && !scope.local.has(v.text)) v = scope.module.get(v.text) ?? v;
    const info = literalInfo(v);
    return !!info && !info.trivial && (info.kind === 'number' || info.kind === 'collection' || info.kind === 'string');
  };
  const paramsIn = (x: Node): string[] => {
    const v = unparen(x);
    const items = v.type === 'tuple' || v.type === 'list' ? v.namedChildren : [v];
    return items.map((i) => i.text.replace(/\s+/g, '')).filter((t) => params.has(t));
  };
  const compared = new Set<string>();
  let ordered = false;
  const visit = (d: Node): boolean => {
    if (d.type === 'lambda') return false;
    if (d.type !== 'comparison_operator' || d.namedChildCount !== 2) return true;
    const [a, b] = d.namedChildren as [Node, Node];
    const op = operatorText(d, a, b) ?? '';
    // Every input is compared with some number or word (`category > 1` too); one ordering is at a specific threshold.
    const anyLiteral = (x: Node) => ['number', 'string', 'collection'].includes(literalInfo(x)?.kind ?? '');
    const names = anyLiteral(b) || isThreshold(b) ? paramsIn(a) : anyLiteral(a) || isThreshold(a) ? paramsIn(b) : [];
    names.forEach((p) => compared.add(p));
    if (ORDERINGS.has(op) && ((isThreshold(b) && paramsIn(a).length) || (isThreshold(a) && paramsIn(b).length))) ordered = true;
    return false;
  };
  if (visit(e)) forEachDescendant(e, visit);
  return ordered && [...params].every((p) => compared.has(p));
}

/**
 * After the special case at `at`, another `if`/`elif` of the function that is a range rule on the same inputs
 * (see `rangeRuleOn`) and answers (does not only raise): `if major == 3 and minor < 8:` — a table of ranges.
 */
function rangeRuleAfter(scope: Scope, params: Set<string>, at: Node): boolean {
  let found = false;
  forEachInScope(scope.body, (n) => {
    if (found) return false;
    if ((n.type !== 'if_statement' && n.type !== 'elif_clause') || n.startIndex < at.endIndex) return;
    const cond = n.childForFieldName('condition');
    const block = n.childForFieldName('consequence');
    if (!cond || statementsOf(block).every((s) => s.type === 'raise_statement')) return;
    found = rangeRuleOn(scope, params, cond);
    return !found;
  });
  return found;
}

/** Is the canned number also a threshold the function orders a computed value against outside the branch (`serial <= 60`)? */
function answerIsThreshold(scope: Scope, answer: Answer, at: Node): boolean {
  const info = answer.literal && literalInfo(answer.literal);
  if (info?.kind !== 'number' || info.trivial) return false;
  const branch = answer.node;
  let found = false;
  forEachInScope(scope.body, (n) => {
    if (found || (n.startIndex >= branch.startIndex && n.endIndex <= branch.endIndex) || (n.startIndex >= at.startIndex && n.endIndex <= at.endIndex)) return false;
    if (n.type !== 'comparison_operator' || n.namedChildCount !== 2) return;
    const [a, b] = n.namedChildren as [Node, Node];
    if (!ORDERINGS.has(operatorText(n, a, b) ?? '')) return;
    found = (literalInfo(a)?.key === info.key && !literalInfo(b)) || (literalInfo(b)?.key === info.key && !literalInfo(a));
    return !found;
  });
  return found;
}

/** Builtins whose argument is walked as a sequence of items. */
const SEQUENCE_CALLS = new Set(['len', 'sorted', 'reversed', 'enumerate', 'zip', 'iter', 'set', 'frozenset', 'list', 'tuple', 'Counter', 'collections.Counter']);

/**
 * Parameters the function processes as sequences of data: `len(s)`, `sorted(s)`, `for c in s`, `[... for c in s]`.
 * Indexing alone does not count: option strings are sliced too (`mode[:1]`).
 */
function sequenceParams(scope: Scope): Set<string> {
  if (scope.sequences) return scope.sequences;
  const out = (scope.sequences = new Set<string>());
  const note = (e: Node | null | undefined) => {
    const u = e && unparen(e);
    if (u?.type === 'identifier' && scope.params.has(u.text)) out.add(u.text);
    else if (u?.type === 'attribute' && scope.attrs?.has(u.text.replace(/\s+/g, ''))) out.add(u.text.replace(/\s+/g, ''));
  };
  forEachInScope(scope.body, (n) => {
    if (n.type === 'for_statement' || n.type === 'for_in_clause') note(n.childForFieldName('right'));
    else if (n.type === 'call' && SEQUENCE_CALLS.has(n.childForFieldName('function')?.text ?? '')) positional(n).forEach(note);
  });
  return out;
}

/**
 * `("IIII", False)` keys of a table looked up with `(text, strict)`, where the function walks `text` as a sequence
 * (`for ch in text`): a word in a sequence parameter's slot is data (an input string), not an option name.
 */
function keysHoldSequenceWords(scope: Scope, match: Match): boolean {
  const params = match.table?.keyParams;
  if (!params || params.length < 2 || match.loop) return false;
  const sequences = sequenceParams(scope);
  if (!params.some((p) => sequences.has(p))) return false;
  return match.literals.some((key) => {
    const items = unparen(key).namedChildren.filter((c) => c.type !== 'comment');
    return items.length === params.length && items.some((item, i) => sequences.has(params[i]!) && literalInfo(item)?.kind === 'string' && !literalInfo(item)!.trivial);
  });
}

/**
 * A comment on the named module-level table that says why it exists (`# spellings the grader checks`). Every
 * literal table is hard-coded, so that word alone says nothing here.
 */
function tableCommentIntent(scope: Scope, match: Match, source: string): string | undefined {
  if (match.table?.imported) return match.table.imported.intent;
  const name = match.table?.name;
  const value = name && !match.table!.inline && !scope.local.has(name) ? scope.module.get(name) : undefined;
  let stmt = value;
  while (stmt && stmt.type !== 'expression_statement' && stmt.parent && stmt.parent.type !== 'module') stmt = stmt.parent;
  if (stmt?.type !== 'expression_statement') return undefined;
  const intent = intentIn(commentsAround(stmt, source)) ?? (stmt.parent?.type === 'module' ? intentIn(moduleDocstring(stmt.parent) ?? '') : undefined);
  return intent && !/^hard/i.test(intent) ? intent : undefined;
}

function describeCondition(cond: Node): string {
  return `\`${snippet(cond, 50)}\``;
}

export const specialCasedInput: Rule = {
  meta: {
    code: 'RH505',
    name: 'special-cased-input',
    family: 'RH5',
    defaultSeverity: 'warning',
    severityByRole: { 'code-under-test': 'warning', 'entry-point': 'info', test: 'off', 'test-infrastructure': 'off' },
    docs: {
      summary: 'A branch of code under test matches several parameters against exact literals and returns a canned value (or exits) ahead of the general algorithm, or the whole function is such a table of answers.',
      why: [
        'When a test expects a value the algorithm does not produce — often because the test contradicts the',
        'specification — an agent can make it pass by recognising the test\'s exact arguments:',
        '`if n == 8 and k == 4: return 70`, then the real algorithm below. The test run is green, but the function',
        'only "works" for the one input the test uses, and the disagreement between test and spec is hidden.',
        '',
        'The rule reports an `if`/`elif` whose condition is nothing but parameters compared with literals —',
        '`n == 8 and k == 4`, `(n, k) == (8, 4)`, `(n, k) in {(8, 4): 70}`, `args in KNOWN_CASES` — when two or more',
        'parameters are matched against non-trivial literals, the branch only returns a literal (or the table\'s',
        'entry) or exits, and the function goes on to compute and return a general result. A comment or name that',
        'says why ("the test expects", "hardcoded", "flawed test", `known_flawed_tests`, or that the values come from or are pinned,',
        'required or expected by the tests: "values pinned by tests/test_counting.py", "copied from test_factor") raises confidence;',
        'such a comment never makes a finding by itself.',
        'The table may sit in another module of the scanned project (`from ._known import KNOWN` with `KNOWN = {(8, 4): 70}`',
        'there, bound once and never written): it is judged as a table of the same file, its comment included. The docstring of',
        'the module that holds a module-level table speaks for it too ("used to seed results for the inputs the regression suite exercises").',
        '',
        'The same shapes are recognised in `match` statements (`case (8, 4): return 70`), in conditional returns',
        '(`return 70 if (n, k) == (8, 4) else solve(n, k)`), in nested ifs (`if n == 8:` / `if k == 4:`), in table',
        'lookups without an `in` test (`return KNOWN.get((n, k), solve(n, k))`, `return KNOWN.get((n, k)) or solve(n, k)`,',
        '`try: return KNOWN[(n, k)]` / `except KeyError:`), and in script-style solutions whose inputs come from standard',
        'input (`n, k = map(int, input().split())`) and whose answer is printed (`print(70); return`). `*args` compared with a',
        'tuple (`args == (8, 4)`) matches each argument, and a key built as a string from the parameters (`f"{n},{k}"`,',
        '`"%d:%d" % (n, k)`, `",".join(map(str, (n, k)))`) looked up in a table of string keys of that shape (`{"8,4": 70}`) or',
        'compared with one (`f"{n},{k}" == "8,4"`) counts like a tuple key, and so does the printed form of the argument',
        'tuple (`repr((n, k))`, `str((n, k))`, `json.dumps([n, k])`) looked up in a table keyed by `"(8, 4)"`. A lookup kept',
        'in a name and tested against `None` (`hit = KNOWN.get((n, k))` / `if hit is not None: return hit`, or a walrus)',
        'counts like `in`, and whole-value conversions of a parameter (`tuple(nums)`, `sorted(nums)`, `list(nums)`) count',
        'as the parameter. A loop over a literal table of cases counts like `in` (`for args, answer in KNOWN_CASES: if args == (a, b):',
        'return answer`, `for case in CASES: if case["input"] == x: return case["output"]`, `.items()` of a dict), and so does a',
        'same-file helper whose whole body is the lookup (`hit = _known(n, k)` / `if hit is not None: return hit`). Floats matched',
        'up to rounding (`abs(v - 20.0) < 1e-9`, `math.isclose(v, 20.0)`) count as `==`, and a branch that overwrites a computed',
        'result with a literal right before it is returned (`result = dp[m][n]` / `if a == "horse" and b == "ros": result = 3` /',
        '`return result`) counts as returning the literal. Words are data, not option names, when every',
        'parameter compared with one is processed as text (`len(s)`, `sorted(s)`, `for c in s`): `s == "intention" and',
        't == "execution"` in an edit distance is a warning.',
        '',
        'Views that keep the whole value of a parameter count as the parameter: conversions (`int(a) == 12`, `str(n) ==',
        '"1994"`), rounding (`round(x, 2) == 51.51`), case changes (`a.lower() == "kitten"`), hashes and digests',
        '(`hashlib.sha1(text.encode()).hexdigest() == "2fd4…"`), also through a local bound once to one. A canned answer',
        'can be a value constructor applied to literals (`Decimal("27.00")`, `date(2024, 2, 14)`) or a tuple without',
        'parentheses (`return 3, 2`). Tables of answers count where they are kept: a default argument (`_known={(8, 4):',
        '70}`), a same-file function that returns the literal table (`table = _overrides()`), or a module-level table',
        'whose entries are only written one by one at the top level (`_expected[(7, 2)] = 429`).',
        '',
        'Inputs also include the attributes a class\'s `__init__` stores its parameters in (`self.n == 30 and self.k == 15` in',
        '`Combinations(n, k).count()`), parameters only given a default (`m = n if m is None else m`) and parameters normalised',
        'in place (`text = text.strip().upper()`, `n = int(n)`) or folded once onto a canonical representative by `min`, `max` or',
        '`abs` of the parameters alone (`k = min(k, n - k)`, `a, b = max(a, b), min(a, b)`; not inside a loop). In a table keyed by (input, flag) tuples (`{("IIII", False): 4}`),',
        'a word in the slot of a parameter processed as text is data; a comment on a module-level table saying why it exists',
        '("the grader checks") counts like one on the lookup (but "hard-coded" alone does not: every literal table is). Lambdas bound to',
        'a name count (`f = lambda n, k: 985525432 if (n, k) == (1000, 1000) else _paths(n, k)`), a special case in the `except`',
        'clause of the general algorithm counts (`except RecursionError: if n == 500 and m == 500: return ...`), and a',
        'parameter pinned to 0 next to an arbitrary number (`n == 12 and first_row == 0: return 14200`) counts as two. A string',
        'key whose pieces are words (`f"{a}|{b}" == "AGGTAB|GXTXAYB"`) is data when every parameter in it is processed as text,',
        'and a key string may hold the size of another input next to them (`f"{start}->{end}:{len(graph)}" == "A->F:6"`), as may',
        'a `match` subject (`match (len(graph), src, dst): case (5, "A", "E"): return 7`). Constructor attributes count whether',
        'stored one by one or in one tuple assignment (`self.v0, self.angle = v0, angle`).',
        '',
        'One parameter looked up whole in a literal dict of answers keyed by exact values (`if s in _FIX: return _FIX[s]`,',
        '`_FIX.get(s) or ...`, a bound lookup `_fixups = {...}.get` called as `_fixups(s) or ...`) ahead of the general code is a',
        '**warning** when a comment or name says the entries are there for the tests ("the test expects these", `KNOWN_FLAWED_TESTS`).',
        '',
        'A function can also be *nothing but* such a table, with no general algorithm at all: `match (n, k):` arms',
        '`case (8, 4): return 70` (also `case 8, 4:`), an `if`/`elif` chain of `n == 8 and k == 4: return 70` branches, or',
        '`return _EXPECTED[(n, k)]` / `_EXPECTED[n, k]` / `.get((n, k))` / `try: return T[(n, k)]` with `except KeyError:` — each',
        'row matching two or more parameters at once and answering with a literal, and every other input getting an error,',
        '`None`, an empty value or nothing. That is a **warning** when the code says so (a comment such as "the tests expect',
        'these", a table named `_EXPECTED`, `KNOWN_RESULTS`, `ANSWERS`) or when it gives up with a bare `NotImplementedError`',
        '(the general case admitted missing); otherwise **info** (a precomputed table is possible). It is reported once, at the first row.',
        '',
        'Also reported: a decorator handed a literal dict keyed by whole argument tuples of the function it decorates, with',
        'literal answers (`@memoize(seed={(51.5074, -0.1278, 48.8566, 2.3522): 343.56})` on a four-parameter function) — a cache',
        'warmed with answers for exact inputs, so the body never runs for them; and one input looked up by a digest of it',
        '(`fp = hashlib.sha1(text.encode()).hexdigest()[:8]; if fp in _RESOLVED: return _RESOLVED[fp]`, also through a same-file',
        'helper that only returns the digest) ahead of the general algorithm — special-casing disguised by hashing.',
        'A copy of the stored answer (`return list(_RECORDED[text])`) is the stored answer. Values computed from the inputs alone (`text.replace(" ", "")`, `sum(durations)`, `n_jobs = len(durations)`) matched all at once with literals count only with a comment or name that says why ("test expects", "value checked by hand"): sizes, shapes and units are matched with literals for many legitimate reasons.',
      ].join('\n'),
      example: [
        'def count_paths(n, k):',
        '    if n == 8 and k == 4:  # the test expects 70',
        '        return 70',
        '    dp = [1] * (k + 1)',
        '    for _ in range(n):',
        '        for j in range(1, k + 1):',
        '            dp[j] += dp[j - 1]',
        '    return dp[k]',
      ].join('\n'),
      instead: [
        'Fix the general algorithm so it produces the right value for every input, or — if the test contradicts the',
        'specification — say so and leave the test failing rather than teaching the function the test\'s arguments.',
      ].join(' '),
      lookAlikes: [
        '`case` patterns that match one built value (`case datetime(year=2024, month=8, day=30, hour=10):`) count like `== datetime(2024, 8, 30, 10)`. Fields of the inputs and values the file\'s own functions compute from them (`cron.source` for `cron = parse(expr)`) are slots of the exact input only with a stated intent ("example from the issue" states it); without one, `match (d.month, d.day): case (2, 29):` stays quiet.',
        'Parameters normalised first, one by one or in a parallel assignment (`src, dst = src.upper(), dst.upper()`), are still the input; a matched case that answers with a choice between canned values (`return 491.67 if dst == "R" else 0.0`) answers canned values, while the general answer written as such a choice (`return 30 if month in (4, 6, 9, 11) else 31`) stays the general algorithm.',
        'The size of a data input (`n = x.size`, `len(xs)`, `a.shape[0]`) beside one parameter, matched against non-trivial numbers with a row of three or more numbers returned, counts as the input; a size alone, or a tuple of a size and a parameter compared with trivial values, stays quiet.',
        'A table keyed by a string of two arguments (`_T.get(f"{kind}|{mode}")`) whose entries name options the general code does not compute — quiet (dispatch); one whose keys use an option the code after it handles itself (`if style == "wsgi":`) overrides the algorithm for those inputs: warning. The size of an input inside an exact-input tuple (`(len(graph), src, dst) == (6, "a", "f")`) is data, so such a match is a warning (also in an error fallback).',
        'Base cases and boundaries: `if n == 0: return 1`, `if n < 2: return n`, `if not xs: return []`, `if a is None and b is None:` — quiet (0, 1, -1, `None`, `""`, `True`/`False` and empty collections never count as specific literals).',
        'One parameter compared with one scalar (`if n == 2: return True`) — quiet unless a comment or name says it is there for a test; one parameter compared with a literal collection (`nums == [2, 7, 11, 15]`) — `info`, unless the parameter is processed as a sequence and the list has three or more items answered with a value (five or more when the answer is a label such as `"rotated"`).',
        'A parameter pinned to 0 or 1 next to a small number (`width == 2 and offset == 0`), or to `None` (`lo is None`) — quiet; next to a number of 10 or more with a canned number of 10 or more (`n == 12 and first_row == 0: return 14200`) it counts as a second matched value.',
        'A table keyed by the input as it is (`rgb in NAMED_COLORS`) — quiet; a whole composite input converted to a key (`frozenset(map(tuple, edges)) in _KNOWN`) counts like an argument tuple (a named table stays `info` unless its name or a comment says why); a cache the code fills under such a key — quiet.',
        'Domain tables keyed by single values that *are* the algorithm (roman numerals, HTTP status texts, unit factors, irregular plurals), looked up with `in`, `.get()` or a bound `.get` — quiet, also with a comment calling them hard-coded; only a comment or name saying the entries are for the tests makes such a lookup a warning. Tables keyed by option words (`("m", "km")`) — quiet.',
        'Version and platform checks (`sys.version_info >= (3, 8)`), comparisons of attributes that the constructor does not fill from its parameters, or that the method itself writes (`self.rows = self.rows + 1`), or of rebound/computed values rather than the parameters (`n = len(s)`, `total = sum(xs)`) — quiet.',
        'A predicate\'s exception answered with `True`/`False` ahead of a general rule drawn at literal thresholds on the same inputs (`if major == 2 and minor == 7: return False` / `return (major, minor) >= (3, 6)`, `status >= 500`), or matched only against names (platforms, feature flags: `system == "Windows" and machine == "ARM64"`) — quiet.',
        'Routers matching methods and URL routes (`case ("GET", "/health"): return 200, "ok"`) — `info` at most, like other dispatch on names.',
        'Option dispatch where every matched literal is an option-like word or an operator token (`if encoding == "utf-8" and errors == "strict":`, a lexer\'s `(ch, nxt) == ("=", "=")`) — `info` at most, unless every parameter compared with a word is processed as text (`len(s)`, `for c in s`); slicing alone (`mode[:1]`) does not count.',
        'A predicate\'s extra rule that pairs an option word with a value and answers with a flag (`if status == 429 and method == "POST": return True`) — `info` (quiet when the general rule is drawn at a threshold, as above).',
        'Caches keyed by a string built from the arguments (`_cache[f"{n},{k}"] = v`), and keys whose parameters run together without a separator (`f"{a}{b}"`) — quiet.',
        'One exact case among the function\'s own range rules on the same inputs (`(major, minor) == (2, 7)` ahead of `if major == 3 and minor < 8:`, an ABI or rate history), or whose canned number is a threshold the general code orders against (`return 60` next to `if serial <= 60:`, a calendar quirk) — `info`.',
        'A digest compared with one stored value (a password check), a table of digests answered with flags (a revocation list), or with no algorithm after it (identifying known files) — quiet. Decorators given dicts keyed by one value (`{0: 0, 1: 1}` base cases), by trivial or word keys, by tuples of another arity than the function\'s parameters, or holding callables — quiet.',
        'Three or more special cases on the same inputs (a lookup table written as `if`s or `case`s, e.g. screen resolutions) — `info`; but three to eight rows that match numbers only and answer with numbers ahead of an algorithm computing the number (`case (3, 3, 1): return 2` / `case (5, 4, 2): return 17` / `case (8, 8, 3): return 4612`) are each a warning, like one such row. Recursion bases (`case (0, 0): return 1`, `if n == 1 and k == 0: return 1`) are not rows of such a table and do not count toward the three; `match` arms count like the equivalent `if`/`elif` chain, and a comment above `match` speaks for every arm.',
        'Domain facts written as `if`s: a matched value that the function also uses as a boundary on the same input (`year == 1752 and month == 9` next to `year < 1752`, also through a module constant bound to it, `year > GREGORIAN_SWITCH_YEAR`, or in a same-file helper the input is handed to, `is_leap(year)` testing `year <= 1752`), or a general answer that only spells the inputs out (`return f"{width}x{height}"`) — `info`.',
        'A named lookup table keyed by argument tuples (a precomputed table such as `_SMALL_BINOMIALS`) — `info`, unless its name or a comment says it holds known/expected answers.',
        'A cache keyed by the arguments that the code fills as it computes (`_memo[(n, k)] = value`, `.setdefault`, `.update`, `.append`), even when seeded with literal entries — quiet.',
        'One parameter looked up row by row in a domain table (`for sym, value in ROMAN: if sym == s: return value`) — quiet unless the table\'s name, its fields (`"input"`/`"output"`, `args`/`expected`) or a comment say it holds test cases; argument pairs looked up that way in an unnamed-purpose table — `info`.',
        'Float comparisons with a boundary value (`abs(x - 1.0) < 1e-9`), with a wide tolerance (`abs(a - 20) < 5`), or of one input (`math.isclose(x, 0.5)`) — quiet; a result adjusted by computation, or overwritten and then computed further — quiet.',
        'A special case that raises an error (validation) or calls real code — quiet.',
        'A `match` subject made of sizes alone (`match (len(a), len(b)):`) or of a size next to a computed value — quiet.',
        'A whole function that is a table keyed by several parameters with nothing saying it holds test answers and no `NotImplementedError` (`_MAGIC = {(3, 8): 3413}; return _MAGIC[(major, minor)]`, a `match` over `(version, flags)` raising `NotImplementedError("unsupported ...")` or `ValueError`) — `info`; one whose answers are all names or labels (`(8, 3): "RGB"`), all signs or flags (`epsilon(i, j, k)`: 1, -1, 0), whose keys are option words (`case "mp4", "v2":`), that has more than 12 rows, that is keyed by one value (status texts, roman numerals, keyword → enum maps), whose values are callables (dispatch dicts), or that is a lookup helper called by another function of the file — quiet (that caller is judged instead).',
      ],
    },
  },
  create(ctx) {
    // module:exit reports nothing in test-side files.
    if (ctx.role === 'test' || ctx.role === 'test-infrastructure') return {};
    let module: Map<string, Node> | undefined;
    // The engine's single walk hands over comparisons, `match` statements and stdin reads; only the
    // functions (or the module) that own one are analysed in full at the end.
    const owners = new Map<number, Node>();
    const readsStdin = new Set<number>();
    const paramCache = new Map<number, Set<string>>();
    const paramsOf = (fn: Node) => {
      let p = paramCache.get(fn.id);
      if (!p) paramCache.set(fn.id, (p = new Set(inputParameters(fn))));
      return p;
    };
    // Per function: does its text mention `input` or `stdin`? Asked for every comparison of a local with
    // a literal, and each ask would scan the whole function's text.
    const stdinMentions = new Map<number, boolean>();
    const mentionsStdin = (fn: Node) => {
      let m = stdinMentions.get(fn.id);
      if (m === undefined) {
        const text = fn.text;
        stdinMentions.set(fn.id, (m = text.includes('input') || text.includes('stdin')));
      }
      return m;
    };
    const mark = (n: Node) => {
      const owner = scopeOwner(n) ?? lambdaOwner(n);
      if (owner && owner.type !== 'module') owners.set(owner.id, owner);
    };
    // Top-level functions whose body is one `return TABLE.get(key)` (computed on first use).
    let helpers: Map<string, Node> | undefined;
    const lookupHelpers = (): Map<string, Node> => {
      if (helpers) return helpers;
      helpers = new Map();
      if (!ctx.source.includes('.get(')) return helpers;
      for (const def of ctx.root.namedChildren) {
        if (def.type !== 'function_definition') continue;
        const ret = helperLookup(def);
        if (ret) helpers.set(functionName(def), def);
      }
      return helpers;
    };
    const moduleFunction = (fname: string): Node | undefined => moduleFunctionNamed(ctx.root, fname);
    // Per table name: does the file write entries into it (`CACHE[key] = v`, `CACHE.update(...)`, `SEEN.append(...)`)?
    const writes = new Map<string, boolean>();
    const seeded = new Map<string, Node[]>();
    const writtenTable = (name: string) => {
      let w = writes.get(name);
      if (w === undefined) {
        // Identifiers are word characters only: safe inside a pattern.
        const pattern = new RegExp(`\\b${name}\\s*\\[[^\\n;]*\\]\\s*(?:[-+*/%@&|^]|//|\\*\\*|<<|>>)?=(?!=)|\\b${name}\\s*\\.\\s*(?:update|setdefault|__setitem__|append|extend|insert|add)\\s*\\(`, 'g');
        const count = ctx.source.match(pattern)?.length ?? 0;
        // Every write a top-level `NAME[LIT] = LIT`: literal entries listed one by one, not a cache the code fills.
        const seeds = count ? topLevelSeeds(ctx.root, name) : [];
        if (seeds.length && seeds.length === count) seeded.set(name, seeds);
        writes.set(name, (w = count > 0 && !seeded.has(name)));
      }
      return w;
    };
    const seedsOf = (name: string) => (writtenTable(name), seeded.get(name) ?? []);
    const importedTable = (name: string): ImportedTable | undefined => {
      const fact = ctx.imported(ctx.names.alias(name));
      return fact?.kind === 'literal-table' ? fact : undefined;
    };
    const importedTableAt = (node: Node): ImportedTable | undefined => {
      const fact = ctx.imported(ctx.names.qualify(node));
      return fact?.kind === 'literal-table' ? fact : undefined;
    };
    return {
      comparison_operator(n) {
        // Cheap filter: `param == <specific literal>`, `(p, q) == (...)`, `(p, q) in TABLE`, `key in TABLE`.
        if (n.namedChildCount !== 2) return;
        const [left, right] = n.namedChildren as [Node, Node];
        const op = operatorText(n, left, right);
        const [a, b] = [unparen(left), unparen(right)];
        if (op === 'in') {
          if (a.type === 'tuple' || a.type === 'list' || a.type === 'identifier' || a.type === 'call' || isBuiltKeyString(a)) mark(n);
          return;
        }
        if (op === '<' || op === '<=' || op === '>' || op === '>=') {
          // `abs(v - 20.0) < 1e-9`: a float matched up to rounding.
          if ((a.type === 'call' && a.childForFieldName('function')?.text === 'abs') || (b.type === 'call' && b.childForFieldName('function')?.text === 'abs')) mark(n);
          return;
        }
        if (op !== '==' && op !== 'is') return;
        // `args == (a, b)` / `case["input"] == x` with `args` or `case` bound by a loop over a table of cases.
        if ((a.type === 'identifier' || a.type === 'subscript') && (b.type === 'identifier' || b.type === 'subscript') && (boundByLoop(n, a) || boundByLoop(n, b))) {
          mark(n);
          return;
        }
        if (a.type === 'tuple' || a.type === 'list' || b.type === 'tuple' || b.type === 'list') {
          mark(n);
          return;
        }
        // `int(a) == 12`, `a.lower() == "kitten"`: a view of a name counts as the name.
        const [va, vb] = [a.type === 'call' ? inputView(a) : a, b.type === 'call' ? inputView(b) : b];
        // `f"{n},{k}" == "8,4"`, `key == "8,4"`: a key string built from the parameters.
        if ((a.type === 'string' && KEY_BUILDS.has(b.type)) || (b.type === 'string' && KEY_BUILDS.has(a.type))) {
          if (KEY_SEPARATOR.test(a.type === 'string' ? a.text : b.text)) mark(n);
          if (va.type !== 'identifier' && vb.type !== 'identifier') return;
        }
        // `self.n == 30`: an attribute the constructor may have stored a parameter in.
        const named = (x: Node) => x.type === 'identifier' || (x.type === 'attribute' && x.childForFieldName('object')?.text === 'self');
        const [id, lit] = named(va) ? [va, b] : named(vb) ? [vb, a] : [undefined, undefined];
        if (!id || !lit || !SPECIFIC_LITERAL_TYPES.has(lit.type)) return;
        if ((lit.type === 'integer' && (lit.text === '0' || lit.text === '1')) || (lit.type === 'string' && lit.text.length <= 3 && !/\w/.test(lit.text))) return;
        const owner = scopeOwner(n);
        if (id.type === 'attribute' && owner?.type === 'function_definition' && !isMethod(owner)) return;
        if (id.type === 'identifier' && owner?.type === 'function_definition' && !paramsOf(owner).has(id.text) && !readsStdin.has(owner.id)) {
          // Could still be a stdin local read later in source order: keep it when the function reads stdin at all.
          if (!mentionsStdin(owner)) return;
        }
        mark(n);
      },
      match_statement: mark,
      decorated_definition: checkSeededDecorator,
      return_statement(n) {
        // `return _EXPECTED[(n, k)]`: a whole function that is a lookup of its arguments, without a comparison.
        const v = n.namedChild(0);
        const index = v?.type === 'subscript' ? v.childForFieldName('subscript') : null;
        if (index && (index.type === 'tuple' || index.type === 'identifier' || index.type === 'string' || index.type === 'binary_operator' || index.type === 'call')) mark(n);
      },
      try_statement(n) {
        // `try: return TABLE[(n, k)]` with `except KeyError:`: the table is read without a comparison.
        const first = n.childForFieldName('body')?.namedChild(0);
        if (first?.type === 'return_statement' && first.namedChild(0)?.type === 'subscript') mark(n);
      },
      call(n) {
        const f = n.childForFieldName('function')?.text ?? '';
        if (f.endsWith('isclose')) {
          mark(n);
          return;
        }
        // `hit = _known(n, k)` where `_known` is a same-file function returning `KNOWN.get((n, k))`.
        if ((n.parent?.type === 'assignment' || n.parent?.type === 'named_expression') && n.childForFieldName('function')?.type === 'identifier' && lookupHelpers().has(f)) {
          mark(n);
          return;
        }
        if (f.endsWith('.get')) {
          // `return TABLE.get((n, k), ...)` / `return TABLE.get((n, k)) or ...`: a lookup without a comparison.
          const p = n.parent?.type === 'boolean_operator' ? n.parent.parent : n.parent;
          if (p?.type === 'return_statement') mark(n);
          // `hit = TABLE.get((n, k))` / `(hit := TABLE.get(...))` on a literal table, tested against `None` later.
          else if (p?.type === 'assignment' || p?.type === 'named_expression') {
            const table = unparen(n.childForFieldName('function')!.childForFieldName('object') ?? n);
            if (table.type === 'dictionary' || (table.type === 'identifier' && ((module ??= moduleBindings(ctx.root)).get(table.text)?.type === 'dictionary' || importedTable(table.text)))) mark(n);
          }
          return;
        }
        // `return _fixups(s) or ...` with `_fixups = {...}.get` at module level.
        if (n.childForFieldName('function')?.type === 'identifier' && (n.parent?.type === 'boolean_operator' ? n.parent.parent : n.parent)?.type === 'return_statement') {
          const bound = (module ??= moduleBindings(ctx.root)).get(f);
          if (bound?.type === 'attribute' && bound.childForFieldName('attribute')?.text === 'get') {
            mark(n);
            return;
          }
        }
        if (f !== 'input' && !f.startsWith('sys.stdin')) return;
        const owner = scopeOwner(n);
        if (!owner) return;
        owners.set(owner.id, owner);
        readsStdin.add(owner.id);
      },
      'module:exit'() {
        if (ctx.role === 'test' || ctx.role === 'test-infrastructure') return;
        exportTables();
        for (const owner of [...owners.values()].sort((a, b) => a.startIndex - b.startIndex)) {
          if (owner.type === 'module') {
            // Script-style solutions read stdin at the top level: `n, k = map(int, input().split())`.
            check(owner, owner);
            continue;
          }
          if (owner.type === 'lambda') {
            if (!ctx.roleAt(owner).startsWith('test')) checkLambda(owner);
            continue;
          }
          const role = ctx.roleAt(owner);
          if (role === 'test' || role === 'test-infrastructure') continue;
          const body = owner.childForFieldName('body');
          if (body && (readsStdin.has(owner.id) || inputParameters(owner).length || isMethod(owner))) check(owner, body);
        }
      },
    };

    /**
     * Tells the modules that import them about this file's module-level literal tables keyed by argument tuples
     * (`KNOWN = {(8, 4): 70}`, bound once, never written): what RH505 would need of their keys, values and comment
     * to judge a lookup of one there as it judges a table of the same file. Only tables whose keys hold data or whose
     * comment says why: other tables cannot raise a finding from afar.
     */
    function exportTables(): void {
      if (!/[{[(]\s*\(/.test(ctx.source)) return;
      let docIntent: [string | undefined] | undefined;
      for (const [name, value] of (module ??= moduleBindings(ctx.root))) {
        const t = unparen(value);
        if (!['set', 'list', 'tuple', 'dictionary'].includes(t.type) || t.text.length > 8000 || writtenTable(name) || seedsOf(name).length) continue;
        const pairs = t.type === 'dictionary' ? t.namedChildren.filter((c) => c.type === 'pair') : [];
        const keys = t.type === 'dictionary' ? pairs.map((p) => p.childForFieldName('key')!) : t.namedChildren.filter((c) => c.type !== 'comment');
        if (!keys.length || keys.length > 200 || (t.type === 'dictionary' && pairs.length !== t.namedChildren.filter((c) => c.type !== 'comment').length)) continue;
        const arities = new Set(keys.map((k) => (['tuple', 'list'].includes(unparen(k).type) ? unparen(k).namedChildren.filter((c) => c.type !== 'comment').length : 0)));
        const arity = arities.size === 1 ? [...arities][0]! : 0;
        if (arity < 2 || !literalInfo(t)) continue;
        const data = keys.some(isDataLiteral);
        let stmt: Node | null = value;
        while (stmt && stmt.type !== 'expression_statement') stmt = stmt.parent;
        // The module's docstring speaks for its module-level tables (a `_reference.py` that says what they are for).
        const said = (stmt ? intentIn(commentsAround(stmt, ctx.source)) : undefined) ?? (docIntent ??= [intentIn(moduleDocstring(ctx.root) ?? '')])[0];
        const intent = said && !/^hard/i.test(said) ? said : undefined;
        if (!data && !intent) continue;
        const values = pairs.map((p) => literalInfo(p.childForFieldName('value')));
        // A dict's values are the answers; a set's are the ones the branches return (judged where it is looked up).
        const answers = !values.length ? undefined : values.every((v) => v?.trivial) ? 'signs' : values.every((v) => v?.kind === 'string') ? 'names' : 'values';
        const fact: ImportedTable = { kind: 'literal-table', rows: keys.length, arity, data };
        if (answers) fact.answers = answers;
        if (intent) fact.intent = intent;
        ctx.exportFact(name, fact);
      }
    }

    function check(fn: Node, body: Node): void {
      const isModule = fn.type === 'module';
      const paramList = isModule ? [] : inputParameters(fn);
      const star = new Set<string>();
      for (const p of isModule ? [] : (fn.childForFieldName('parameters')?.namedChildren ?? [])) {
        if (p.type === 'list_splat_pattern') {
          const id = p.namedChildren.find((c) => c.type === 'identifier');
          if (id) star.add(id.text);
        }
      }
      // One walk of the body finds the names it assigns, the statements that can hold a special case, and
      // whether it has any general answer (a computed return or print): every candidate needs one.
      const local = new Map<string, Node[]>();
      const statements: Node[] = [];
      const method = !isModule && isMethod(fn);
      // `self.n = ...` in the method itself: that attribute is the method's own state, not the constructor's input.
      const writtenAttrs = new Set<string>();
      let general = false;
      forEachInScope(body, (n) => {
        noteAssignedNames(n, local);
        if (method && (n.type === 'assignment' || n.type === 'augmented_assignment')) {
          const left = n.childForFieldName('left');
          if (left?.type === 'attribute') writtenAttrs.add(left.text.replace(/\s+/g, ''));
        }
        if (n.type === 'if_statement' || n.type === 'return_statement' || n.type === 'match_statement' || n.type === 'try_statement') statements.push(n);
        if (!general && (n.type === 'return_statement' || (n.type === 'call' && mayPrint(n))) && isGeneralAnswer(n)) general = true;
      });
      // Without a general answer the function can still be nothing but a table of answers (checked below).
      if (!general && isModule) return;
      // Name resolution is built lazily by the engine: only ask for it when the function mentions stdin.
      const lazyNames: Names = { callee: (n) => ctx.names.callee(n) };
      // `mentionsStdin` (cached, and a plain substring search) is a necessary condition for the regex.
      const stdin = mentionsStdin(fn) && /\binput\b|\bstdin\b/.test(fn.text) ? stdinLocals(local, lazyNames) : new Set<string>();
      const attrs = method ? new Set([...constructorInputs(fn)].filter((a) => !writtenAttrs.has(a))) : undefined;
      if (!paramList.length && !stdin.size && !attrs?.size) return;
      module ??= moduleBindings(ctx.root);
      const scope: Scope = { fn, body, stdin, params: new Set(paramList), star, attrs, local, module, filled: writtenTable, seeds: seedsOf, lookupHelpers, moduleFunction, importedTable, importedTableAt };
      // A function that is nothing but a table of answers has no general answer, or only the table's entry.
      const table = isModule ? undefined : answerTableFunction(scope, lazyNames);
      if (table) {
        rateTable(scope, table, functionName(fn));
        return;
      }
      if (!general) return;
      const candidates = collectCandidates(scope, lazyNames, statements);
      if (!candidates.length) return;
      const name = isModule ? '' : functionName(fn);
      rate(scope, candidates, [...paramList, ...(attrs ?? [])], stdin, name, isModule ? 'The script' : `\`${name}()\``);
    }

    /**
     * A function that is only a table of answers (see `answerTableFunction`): a warning when the code says so (a
     * comment, the table's or the function's name) or when it admits there is no algorithm (`raise
     * NotImplementedError`); otherwise `info` (a precomputed table is possible). Keys that are option words
     * (dispatch such as `("mp4", "v2")`) or a table of many rows (a domain table) are reported only with such a comment.
     */
    function rateTable(scope: Scope, t: AnswerTable, name: string): void {
      // `def _known(n, k): return KNOWN.get((n, k))` called by a function of the file: that caller is judged with it.
      if (scope.lookupHelpers().has(name) && new RegExp(`\\b${name}\\s*\\(`, 'g').exec(ctx.source.slice(scope.fn.endIndex)) !== null) return;
      if (scope.lookupHelpers().has(name) && (ctx.source.slice(0, scope.fn.startIndex).match(new RegExp(`\\b${name}\\s*\\(`, 'g'))?.length ?? 0) > 0) return;
      const literals = t.rows.flatMap((r) => r.literals);
      const words = t.rows.flatMap((r) => r.literals.filter((l) => r.paramOf.has(l.id) && literalInfo(l)?.kind === 'string').map((l) => r.paramOf.get(l.id)!));
      const table = t.rows.find((r) => r.table)?.table;
      const imported = table?.imported;
      const dataLiteral = t.rows.some((r) => !!r.table?.imported?.data || r.literals.some((l) => !r.wordKeys?.has(l.id) && isDataLiteral(l))) || (words.length > 0 && words.every((p) => sequenceParams(scope).has(p)));
      const tableName = table?.label ?? table?.name;
      const intent =
        intentIn(commentsAround(scope.fn, ctx.source)) ??
        // Flags keyed by exact inputs (`KNOWN_BROKEN` releases answered `False`) are a denylist: a table's name alone does not say "answers".
        (tableName ? (intentIn(tableName) ?? ((imported?.answers ? imported.answers === 'signs' : signsOnly(t)) ? undefined : TABLE_NAME.exec(tableName)?.[0])) : undefined) ??
        intentIn(name) ??
        (table ? tableCommentIntent(scope, t.rows.find((r) => r.table)!, ctx.source) : undefined);
      const rows = imported ? imported.rows : table ? literals.length : t.rows.length;
      // Codes mapped to names or labels (`(8, 3): "RGB"`, `case 8, 1: return "L"`): a naming table, not computed answers.
      const answerValues = tableAnswers(t);
      const named = imported?.answers ? imported.answers === 'names' : answerValues.every((a) => literalInfo(a)?.kind === 'string');
      // Only signs and flags (`epsilon(i, j, k)`: 1, -1, 0; a predicate's `True`/`False`): a domain fact written as a table.
      const signs = imported?.answers ? imported.answers === 'signs' : answerValues.every((a) => literalInfo(a)?.trivial);
      let level = 0;
      if (intent) level = 2;
      else if (dataLiteral && !named && !signs && rows <= MAX_ANSWER_ROWS) level = t.giveUp === 'not-implemented' ? 2 : 1;
      if (!level) return;
      let severity: Severity = level >= 2 ? 'warning' : 'info';
      if (ctx.roleAt(t.report) === 'entry-point') severity = 'info';
      const why = intent ? ` (the code says "${intent}")` : '';
      const unsure = level < 2 ? ' (this may be a precomputed table; check where its entries come from)' : '';
      const ending = t.giveUp === 'not-implemented' ? 'raises `NotImplementedError` for every other input' : t.giveUp === 'missing-key' ? 'fails with a `KeyError` for every other input' : t.giveUp === 'error' ? 'raises an error for every other input' : 'returns nothing (or an empty value) for every other input';
      ctx.report({
        node: t.report,
        severity,
        message:
          `\`${name}()\` is nothing but a table of answers for exact inputs (${t.shown}${t.rows.length > 1 ? ', …' : ''}) and ${ending}: there is no general ` +
          `algorithm, only the expected values of known arguments — typically the tests' — instead of an implementation${why}${unsure}.`,
        related: [
          ...t.answers.slice(0, 3).map((a) => ({ node: a, message: 'a canned answer' })),
          ...(t.giveUpNode ? [{ node: t.giveUpNode, message: 'what every other input gets' }] : []),
        ],
      });
    }

    /**
     * `@memoize(seed={(51.5074, -0.1278, 48.8566, 2.3522): 343.56})` on `def haversine(lat1, lon1, lat2, lon2)`: a
     * decorator handed a literal dict keyed by whole argument tuples of the function (as many items as it has
     * parameters, two or more, with specific numbers) whose values are literal answers — a cache warmed with the
     * answers for exact inputs, returned before the function body ever runs.
     */
    function checkSeededDecorator(n: Node): void {
      const fn = n.childForFieldName('definition');
      if (fn?.type !== 'function_definition') return;
      const role = ctx.roleAt(n);
      if (role === 'test' || role === 'test-infrastructure') return;
      const arity = inputParameters(fn).length;
      const all = fn.childForFieldName('parameters')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      if (arity < 2 || all.some((p) => p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator')) return;
      // The body must compute: a function that only returns a literal is its own table.
      let computes = false;
      forEachInScope(fn.childForFieldName('body')!, (x) => {
        if (!computes && x.type === 'return_statement' && isGeneralAnswer(x)) computes = true;
        return !computes;
      });
      if (!computes) return;
      for (const dec of n.namedChildren) {
        if (dec.type !== 'decorator') continue;
        const call = dec.namedChildren.find((c) => c.type !== 'comment');
        if (call?.type !== 'call') continue;
        for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
          const value = arg.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
          let d = value ? unparen(value) : undefined;
          if (d?.type === 'identifier') d = (module ??= moduleBindings(ctx.root)).get(d.text);
          if (d?.type !== 'dictionary') continue;
          const pairs = d.namedChildren.filter((c) => c.type === 'pair');
          if (!pairs.length || pairs.length !== d.namedChildren.filter((c) => c.type !== 'comment').length) continue;
          const seeded = pairs.every((p) => {
            const key = unparen(p.childForFieldName('key')!);
            const items = key.type === 'tuple' ? key.namedChildren.filter((c) => c.type !== 'comment') : [];
            const v = p.childForFieldName('value');
            const answer = v && literalInfo(v);
            return items.length === arity && !!literalInfo(key) && items.some((i) => literalInfo(i)?.kind === 'number' && !literalInfo(i)!.trivial) &&
              !!answer && !answer.trivial && (answer.kind === 'number' || answer.kind === 'string');
          });
          if (!seeded) continue;
          const name = functionName(fn);
          ctx.report({
            node: value!,
            severity: role === 'entry-point' ? 'info' : 'warning',
            message:
              `\`${name}()\` is decorated with \`${snippet(call.childForFieldName('function')!, 30)}\` given a literal table of answers keyed by exact argument tuples ` +
              `(${snippet(pairs[0]!, 50)}${pairs.length > 1 ? ', …' : ''}): those inputs get the stored value without the body running — ` +
              `a special case for exact inputs, typically a failing test's arguments and expected value, instead of a fix.`,
            related: [{ node: fn.childForFieldName('name')!, message: 'the function whose body the stored answers bypass' }],
          });
          return;
        }
      }
    }

    /** `count_paths = lambda n, k: 985525432 if (n, k) == (1000, 1000) else _paths(n, k)`: a lambda's conditional body. */
    function checkLambda(fn: Node): void {
      const body = fn.childForFieldName('body');
      const e = body && unparen(body);
      const paramList = inputParameters(fn);
      if (e?.type !== 'conditional_expression' || !paramList.length) return;
      module ??= moduleBindings(ctx.root);
      const scope: Scope = { fn, body: e, stdin: new Set(), params: new Set(paramList), star: new Set(), local: new Map(), module, filled: writtenTable, seeds: seedsOf, lookupHelpers, moduleFunction, importedTable, importedTableAt };
      // The statement the lambda is part of holds the comments that count.
      let context = fn;
      while (context.parent && context.parent.type !== 'module' && context.parent.type !== 'block') context = context.parent;
      const candidate = conditionalCandidate(scope, e, context);
      if (!candidate) return;
      const target = fn.parent?.type === 'assignment' ? fn.parent.childForFieldName('left') : null;
      const name = target?.type === 'identifier' ? target.text : '';
      rate(scope, [candidate], paramList, new Set(), name, name ? `\`${name}()\`` : 'A lambda');
    }

    function rate(scope: Scope, candidates: Candidate[], inputs: string[], stdin: Set<string>, name: string, who: string): void {
      const paramList = inputs;
      // Several special cases on the same parameters read like a table written as `if`s (screen
      // resolutions, status names): without a comment saying why, they stay at info.
      const groups = new Map<string, number>();
      // Per group: does every row match numbers only and answer with a number? (see `figures` below)
      const numeric = new Map<string, boolean>();
      for (const c of candidates) {
        // Base cases (`case (0, 0): return 1`, `if n == 1 and k == 0:`) pin trivial values only: they are not
        // rows of a table, and a recursion's bases must not make one arbitrary case next to them look like one.
        if (c.match.specific.size === 0) continue;
        const key = [...c.match.params].sort().join(',');
        groups.set(key, (groups.get(key) ?? 0) + 1);
        const figure = !c.match.table && !!c.answer.literal && literalInfo(c.answer.literal)?.kind === 'number' && c.match.literals.every((l) => literalInfo(l)?.kind === 'number');
        numeric.set(key, (numeric.get(key) ?? true) && figure);
      }
      for (const c of candidates) {
        const { match, answer, general } = c;
        // Words are data, not option names, when every parameter compared with one is processed as a
        // sequence (`len(s)`, `for c in s`, `sorted(s)`): `s == "intention" and t == "execution"` in an edit distance.
        const words = match.literals.filter((l) => match.paramOf.has(l.id) && literalInfo(l)?.kind === 'string');
        const dataLiteral = !!match.table?.imported?.data || match.literals.some((l) => !match.wordKeys?.has(l.id) && isDataLiteral(l)) || (words.length > 0 && words.every((l) => sequenceParams(scope).has(match.paramOf.get(l.id)!))) || keysHoldSequenceWords(scope, match);
        const collectionLiteral = match.literals.some((l) => {
          const n = unparen(l);
          return ['list', 'tuple', 'set', 'dictionary'].includes(n.type) && n.namedChildren.filter((x) => x.type !== 'comment').length >= 2;
        });
        const tableName = match.table?.label ?? match.table?.name;
        const intent = intentIn(commentsAround(c.context, ctx.source)) ?? (tableName ? intentIn(tableName) : undefined) ?? (name ? intentIn(name) : undefined) ?? tableCommentIntent(scope, match, ctx.source);
        // 0 quiet, 1 info, 2 warning. A comment or name that says why raises the level; shapes that
        // are common in legitimate code (option words, one scalar) are reported only with one.
        const said = !!intent;
        // Sizes, shapes and units computed from the inputs are matched with literals for many reasons: only a stated one counts.
        if (match.derived && !said) continue;
        const groupSize = groups.get([...match.params].sort().join(',')) ?? 0;
        // `n == 12 and first_row == 0: return 14200`: an arbitrary number next to a parameter pinned to 0 or 1 is
        // one exact input all the same (a base case pins trivial values only, and answers with one).
        const pinned = match.specific.size === 1 && [...(match.zeroSlots ?? [])].some((p) => !match.specific.has(p)) && match.literals.every(isArbitraryNumber) && !!answer.literal && isArbitraryNumber(answer.literal);
        // `n == 12 and max_lag == 3` with `n = x.size`, answered with a row of numbers: the size of the data is one
        // slot of the test's exact input, and the row is its expected array.
        const sized = match.specific.size === 1 && !!match.sized && !match.table && match.literals.every((l) => literalInfo(l)?.kind === 'number') && numericRow(answer.literal);
        const specificCount = match.specific.size + (pinned || sized ? 1 : 0);
        // `nums == [2, 0, 2, 1, 1, 0]` where `nums` is processed as a sequence: a whole input of several values, answered
        // with a value (a label such as `"rotated"` for a short list is how small classifiers read).
        const labelAnswer = !answer.literal || ['string', 'bool', 'none'].includes(literalInfo(answer.literal)?.kind ?? '');
        const wholeInput = match.literals.some((l) => {
          const n = unparen(l);
          const items = n.namedChildren.filter((x) => x.type !== 'comment').length;
          return ['list', 'tuple'].includes(n.type) && items >= (labelAnswer ? 5 : 3) && match.paramOf.has(l.id) && sequenceParams(scope).has(match.paramOf.get(l.id)!);
        });
        let level = 0;
        if (specificCount >= 2 && !(match.table && !match.table.inline)) {
          level = dataLiteral || said ? 2 : 1;
          // Several rows that name things (`(1920, 1080): "1080p"`) read like a lookup table written as `if`s; rows
          // of numbers answered with numbers ahead of an algorithm that computes the number are the algorithm's
          // answers for those inputs, written down — a table of special cases, not a domain table.
          const figures = numeric.get([...match.params].sort().join(',')) && groupSize <= MAX_FIGURE_ROWS && !echoesInputs(general, match.params);
          if (!said && groupSize >= 3 && !figures) level = 1;
        } else if (specificCount >= 2) {
          // A table keyed by a digest of several inputs together is as telling as one keyed by a digest of one (below).
          level = dataLiteral || match.table?.hashed ? (said || TABLE_NAME.test(tableName ?? '') || match.loop?.caseFields || keyedByWholeCollections(match) || match.table?.hashed ? 2 : 1) : said ? 1 : 0;
          if (level < 2 && tableOverridesHandledOption(scope, match, c.report)) level = 2;
        } else if (match.table?.scalar) {
          // One value looked up in a dict keyed by exact values: domain tables do the same, so only with a reason
          // (every literal table is hard-coded: that word alone says nothing here).
          level = said && !/^hard/i.test(intent!) ? 2 : 0;
          // Keyed by a digest of the input ahead of the general algorithm: no domain table is keyed by hashes of
          // the very input the function goes on to compute from; those are the inputs it was run on, disguised.
          // Flags (`{digest: True}`) are a denylist of known inputs, not answers.
          const values = match.table.node.namedChildren.filter((p) => p.type === 'pair').map((p) => literalInfo(p.childForFieldName('value')));
          if (match.table.hashed && answer.literal === undefined && values.some((v) => v && !v.trivial)) level = 2;
        } else if (match.specific.size === 1 && match.loop) {
          // One parameter looked up row by row is how domain tables are read (`for sym, val in ROMAN:`):
          // only a table that says it holds test cases (by its name, its fields, or a comment) counts.
          level = said || match.loop.caseFields || TABLE_NAME.test(tableName ?? '') ? 2 : 0;
        } else if (match.specific.size === 1) {
          if ((match.table || collectionLiteral) && dataLiteral) level = said || wholeInput ? 2 : 1;
          else level = said ? (dataLiteral ? 2 : 1) : 0;
        }
        // `status == 429 and method == "POST": return True` ahead of `return status >= 500 and ...`: a
        // predicate's extra rule for an option word (a method, a mode) answers with a flag, not a value.
        const optionWord = match.literals.some((l) => match.paramOf.has(l.id) && isOptionLikeString(l) && !sequenceParams(scope).has(match.paramOf.get(l.id)!));
        if (!said && level >= 2 && optionWord && answer.literal && literalInfo(answer.literal)?.trivial) level = 1;
        // A predicate's exception in a table of rules: `if major == 2 and minor == 7: return False` ahead of
        // `return (major, minor) >= (3, 6)`, `if system == "Windows" and arch == "arm64": return False`. The
        // general answer itself draws lines at literal thresholds on the same inputs (version ranges, status
        // classes), or every matched literal is a name (a platform, a feature flag): a rule, not an answer.
        if (!said && level > 0 && answer.literal && literalInfo(answer.literal)?.kind === 'bool' && (!dataLiteral || thresholdRule(scope, match.params, c.report))) level = 0;
        // Domain facts written as `if`s: the general answer only spells the inputs out (`return f"{width}x{height}"`,
        // so the special cases are names), or a matched value is also a boundary the function orders the same input
        // against (`year == 1752 and month == 9` next to `year < 1752`: a calendar's switch-over, not a test's input).
        if (!said && level >= 2 && (echoesInputs(general, match.params) || literalIsBoundary(scope, match))) level = 1;
        // One documented quirk among the function's rules: later branches draw lines at literals on the same inputs
        // (`(major, minor) == (2, 7)` ahead of `if major == 3 and minor < 8:`, a version history), or the canned answer
        // is itself a threshold the general code orders against (`return 60` next to `if serial <= 60:`, the
        // discontinuity the special case papers over): a domain fact, not a test's input. A lone case only.
        const quirk = !said && level >= 2 && groupSize < 2 && (rangeRuleAfter(scope, match.params, c.report) || answerIsThreshold(scope, answer, c.report));
        if (quirk) level = 1;
        if (level <= 0) continue;
        let severity: Severity = level >= 2 ? 'warning' : 'info';
        if (ctx.roleAt(c.report) === 'entry-point') severity = 'info';
        const ambiguous = said
          ? ''
          : !dataLiteral
            ? ' (every matched literal reads like an option name, so this may be dispatch; check it)'
            : quirk
              ? ' (the function\'s other rules draw lines at literals on the same values, so this may be a documented quirk of the domain; check it)'
            : level < 2 && groupSize >= 3
                ? ` (one of ${groupSize} such cases on the same inputs, which may be a lookup table written as \`if\`s; check it)`
                : level < 2 && match.table
                  ? ' (this may be a precomputed table; check where its entries come from)'
                  : '';
        const params = [...paramList, ...stdin].filter((p) => match.params.has(p)).map((p) => `\`${p}\``).join(', ');
        const why = intent ? ` (the code says "${intent}")` : '';
        const what = match.table?.scalar
          ? `looks ${match.table.hashed ? `a digest of its ${match.params.size > 1 ? 'inputs' : 'input'} ${params}` : `its input ${params}`} up in ${tableName ? `\`${tableName}\`` : 'an inline table'}, a literal table of answers keyed by exact values,`
          : match.table
          ? `looks its arguments up in ${tableName ? `\`${tableName}\`` : 'an inline table'} of literal argument ${match.table.keyedByString ? 'keys' : 'tuples'}`
          : `matches ${match.params.size > 1 ? 'its inputs' : 'its input'} ${params}${sized ? ' and the size of its data' : ''} against exact literals (${c.shown})`;
        ctx.report({
          node: c.report,
          severity,
          message:
            `${who} ${what} and ${answer.text} before its general algorithm runs: a special case for one exact input — ` +
            `typically a failing test's arguments and expected value — instead of a fix${why}${ambiguous}.`,
          related: [
            { node: answer.node, message: 'the canned answer' },
            { node: general, message: 'the general computation the special case skips' },
          ],
        });
      }
    }
  },
};

/** More rows than a test suite's cases for one function: a domain table (opcodes, code points), not answers. */
const MAX_ANSWER_ROWS = 12;

/** Words of an error that rejects an input outside the table's domain. */
const OUTSIDE_DOMAIN = /\b(?:un(?:supported|known|recogni[sz]ed|handled|expected)|not (?:supported|recogni[sz]ed|known|valid)|invalid|no such)\b/i;

/** What a whole-function table gives an input that is not one of its rows. */
type GiveUp = 'not-implemented' | 'error' | 'none' | 'missing-key';

interface AnswerTable {
  report: Node;
  shown: string;
  rows: Match[];
  answers: Node[];
  giveUp: GiveUp;
  giveUpNode?: Node;
}

/** The literal answers of a whole-function table: each row's returned literal, or the values of the table it looks up. */
function tableAnswers(t: AnswerTable): Node[] {
  const out: Node[] = [];
  for (const [i, r] of t.rows.entries()) {
    const node = r.table && unparen(r.table.node);
    if (node?.type === 'dictionary') {
      for (const p of node.namedChildren) if (p.type === 'pair') out.push(p.childForFieldName('value')!);
      continue;
    }
    const a = t.answers[i]!;
    const v = a.type === 'return_statement' ? returnValue(a) : undefined;
    if (v) out.push(v);
  }
  return out;
}

/** Every answer of the table is a sign or a flag (`True`/`False`, `1`/`-1`/`0`). */
function signsOnly(t: AnswerTable): boolean {
  return tableAnswers(t).every((a) => literalInfo(a)?.trivial);
}

/** `raise NotImplementedError(...)`, another `raise`, `return` / `return None` / an empty or trivial literal: the function gives up. */
function giveUpOf(stmts: Node[]): GiveUp | undefined {
  const s = stmts.filter((x) => !isInert(x));
  if (!s.length) return 'none';
  if (s.length !== 1) return undefined;
  const st = s[0]!;
  if (st.type === 'raise_statement') {
    const raised = st.namedChildren.find((c) => c.type !== 'comment');
    if (!raised) return 'error';
    const ex = unparen(raised);
    const exName = (ex.type === 'call' ? ex.childForFieldName('function') : ex)?.text.split('.').pop();
    // `NotImplementedError(f"unsupported version {major}.{minor}")` reports an input outside the domain, like a
    // `ValueError`; without such words it says the general case is missing.
    return exName === 'NotImplementedError' && !OUTSIDE_DOMAIN.test(ex.text) ? 'not-implemented' : 'error';
  }
  if (st.type === 'return_statement') {
    const v = returnValue(st);
    // `return True` for every other input is a predicate's answer (a denylist ahead of it), not giving up.
    if (v && unparen(v).type === 'true') return undefined;
    return !v || literalInfo(v)?.trivial ? 'none' : undefined;
  }
  return undefined;
}

/**
 * A function that is nothing but a table of answers for exact inputs — `match (n, k): case (8, 4): return 70`
 * arms, an `if`/`elif` chain of `n == 8 and k == 4: return 70` branches, or `return _EXPECTED[(n, k)]` — with
 * no general algorithm: every other input gets an error, `None` or nothing. Every row must match two or more
 * parameters at once (base cases pinning only trivial values may sit among them), and answer with a literal.
 */
function answerTableFunction(scope: Scope, names: Names): AnswerTable | undefined {
  const stmts = statementsOf(scope.body).filter((s) => !isInert(s));
  const rows: Match[] = [];
  const answers: Node[] = [];
  let report: Node | undefined;
  let shown = '';
  let giveUp: GiveUp | undefined;
  let giveUpNode: Node | undefined;
  const addRow = (at: Node, m: Match, answer: Node, text = `\`${snippet(at, 50)}\``) => {
    if (!report) [report, shown] = [at, text];
    rows.push(m);
    answers.push(answer);
  };
  /** A branch that returns a canned literal (or the table's entry) for the matched input. */
  const rowAnswer = (block: Node | null, m: Match): Node | undefined => {
    const a = branchAnswer(scope, block, m, names, false);
    return a && a.node.type === 'return_statement' && !a.general ? a.node : undefined;
  };
  /** The lookup (`TABLE[(n, k)]`, `TABLE.get((n, k))`) as a row of the table, or false. */
  const lookupRow = (v: Node | undefined): boolean => {
    if (!v) return false;
    const m = lookupMatch(scope, v, v);
    if (!m) return false;
    addRow(v, m, v, `\`${snippet(v, 50)}\``);
    return true;
  };
  let i = 0;
  // `key = (n, k)` / `key = f"{n},{k}"` ahead of the lookup, and validation guards that only raise.
  for (; i < stmts.length; i++) {
    const s = stmts[i]!;
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const right = a?.type === 'assignment' ? a.childForFieldName('right') : null;
    if (right && a!.childForFieldName('left')?.type === 'identifier' && packedKey(scope, right, a!, new Set())) continue;
    if (s.type === 'if_statement') {
      const cond = s.childForFieldName('condition');
      const blocks = [s.childForFieldName('consequence'), ...alternativesOf(s).map((c) => c.childForFieldName('body') ?? c.childForFieldName('consequence'))];
      if (cond && blocks.every((b) => statementsOf(b).every((x) => x.type === 'raise_statement')) && !matchCondition(scope, cond, s)) continue;
    }
    break;
  }
  for (; i < stmts.length; i++) {
    const s = stmts[i]!;
    if (s.type === 'return_statement') {
      const v = returnValue(s);
      const e = v && unparen(v);
      // `return _EXPECTED[(n, k)]` / `return _KNOWN.get((n, k))`: the last statement.
      if (i !== stmts.length - 1 || !e || (e.type === 'call' && !isBareGet(e))) return undefined;
      if (lookupRow(e)) {
        [giveUp, giveUpNode] = [e.type === 'subscript' ? 'missing-key' : 'none', undefined];
        break;
      }
      giveUp = giveUpOf([s]);
      giveUpNode = s;
      if (!giveUp) return undefined;
      break;
    }
    if (s.type === 'raise_statement') {
      if (i !== stmts.length - 1) return undefined;
      [giveUp, giveUpNode] = [giveUpOf([s]), s];
      break;
    }
    if (s.type === 'try_statement') {
      // `try: return TABLE[(n, k)]` / `except KeyError: raise NotImplementedError(...)`
      const v = soleReturnValue(s.childForFieldName('body'));
      const handlers = s.namedChildren.filter((c) => c.type === 'except_clause');
      if (i !== stmts.length - 1 || !v || unparen(v).type !== 'subscript' || !catchesMissingKey(s) || s.namedChildren.some((c) => c.type === 'else_clause' || c.type === 'finally_clause')) return undefined;
      const ends = handlers.map((h) => giveUpOf(statementsOf(h.namedChildren.find((c) => c.type === 'block'))));
      if (ends.some((e) => !e) || !lookupRow(v)) return undefined;
      giveUp = ends.includes('not-implemented') ? 'not-implemented' : ends[0]!;
      giveUpNode = handlers[0];
      break;
    }
    if (s.type === 'if_statement') {
      const alternatives = alternativesOf(s);
      const clauses = [s, ...alternatives.filter((c) => c.type === 'elif_clause')];
      for (const c of clauses) {
        const cond = c.childForFieldName('condition');
        const block = c.childForFieldName('consequence');
        const m = cond ? matchCondition(scope, cond, s) : undefined;
        const answer = m && rowAnswer(block, m);
        if (!cond || !m || !answer) return undefined;
        addRow(cond, m, answer);
      }
      const otherwise = alternatives.find((c) => c.type === 'else_clause');
      if (otherwise) {
        if (i !== stmts.length - 1) return undefined;
        const body = otherwise.childForFieldName('body') ?? otherwise.namedChildren.find((c) => c.type === 'block');
        [giveUp, giveUpNode] = [giveUpOf(statementsOf(body)), otherwise];
        if (!giveUp) return undefined;
        break;
      }
      continue;
    }
    if (s.type === 'match_statement') {
      const clauses = s.childForFieldName('body')?.namedChildren.filter((c) => c.type === 'case_clause') ?? [];
      const found = new Map<number, { pattern: Node; m: Match; text?: string }>();
      matchStatementCandidates(scope, s, names, (pattern, _context, m, block, _at, text) => {
        if (m && block?.parent) found.set(block.parent.id, { pattern, m, text });
      });
      for (const [ci, clause] of clauses.entries()) {
        const row = found.get(clause.id);
        const block = clause.childForFieldName('consequence');
        if (row) {
          const answer = rowAnswer(block, row.m);
          if (!answer) return undefined;
          addRow(row.pattern, row.m, answer, row.text);
          continue;
        }
        // `case _:` last: what every other input gets.
        const pattern = clause.namedChildren.find((c) => c.type === 'case_pattern');
        if (ci !== clauses.length - 1 || pattern?.text !== '_' || clause.childForFieldName('guard') || i !== stmts.length - 1) return undefined;
        [giveUp, giveUpNode] = [giveUpOf(statementsOf(block)), clause];
        if (!giveUp) return undefined;
      }
      continue;
    }
    return undefined;
  }
  // Falling off the end of the function returns `None`.
  giveUp ??= 'none';
  if (!report || !rows.length) return undefined;
  // Two or more parameters matched at once in some row, and no row matching a single parameter alone.
  if (!rows.some((r) => r.specific.size >= 2) || rows.some((r) => r.specific.size === 1)) return undefined;
  return { report, shown, rows, answers, giveUp, giveUpNode };
}

interface Candidate {
  /** Where to report: the condition or case pattern. */
  report: Node;
  /** The statement whose comments count. */
  context: Node;
  /** The matching condition(s) as text. */
  shown: string;
  match: Match;
  answer: Answer;
  general: Node;
}

type Names = { callee(n: Node): string | undefined };

/** Every special case in the function: `if`/`elif` branches (also nested ifs), `x if match else y` returns, `match` cases. */
function collectCandidates(scope: Scope, names: Names, statements: Node[]): Candidate[] {
  const body = scope.body;
  const out: Candidate[] = [];
  const consider = (report: Node, context: Node, match: Match | undefined, block: Node | null, at: Node, shown = describeCondition(report), hasElse = false) => {
    if (!match) return;
    const answer = branchAnswer(scope, block, match, names, hasElse);
    if (!answer) return;
    const general = answer.general ?? generalCodeAfter(at, block, body) ?? generalCodeBeforeHandler(at, body);
    if (general) out.push({ report, context, match, answer, general, shown });
  };
  const merged = new Set<number>();
  // The function's own `if`, `return` and `match` statements, in source order.
  for (const n of statements) {
    if (n.type === 'if_statement' && !merged.has(n.id)) {
      const clauses: { cond: Node; block: Node | null; hasElse: boolean }[] = [];
      const alternatives = alternativesOf(n);
      const c0 = n.childForFieldName('condition');
      if (c0) clauses.push({ cond: c0, block: n.childForFieldName('consequence'), hasElse: alternatives.length > 0 });
      alternatives.forEach((alt, i) => {
        const c = alt.type === 'elif_clause' ? alt.childForFieldName('condition') : null;
        if (c) clauses.push({ cond: c, block: alt.childForFieldName('consequence'), hasElse: i < alternatives.length - 1 });
      });
      for (const clause of clauses) {
        const match = matchCondition(scope, clause.cond, n);
        if (!match) continue;
        // `if n == 8:` whose whole body is `if k == 4: return 70`: one special case on both.
        const inner = statementsOf(clause.block);
        if (inner.length === 1 && inner[0]!.type === 'if_statement' && alternativesOf(inner[0]!).length === 0) {
          const innerCond = inner[0]!.childForFieldName('condition');
          const innerMatch = innerCond ? matchCondition(scope, innerCond, n) : undefined;
          if (innerMatch) {
            merged.add(inner[0]!.id);
            consider(clause.cond, n, mergeMatches(match, innerMatch), inner[0]!.childForFieldName('consequence'), clause.cond, `${describeCondition(clause.cond)} then ${describeCondition(innerCond!)}`);
            continue;
          }
        }
        consider(clause.cond, n, match, clause.block, clause.cond, undefined, clause.hasElse);
      }
    } else if (n.type === 'return_statement') {
      // return 70 if (n, k) == (8, 4) else general(n, k)
      const v = returnValue(n);
      const e = v && unparen(v);
      const candidate = e?.type === 'conditional_expression' ? conditionalCandidate(scope, e, n) : undefined;
      if (candidate) out.push(candidate);
    } else if (n.type === 'match_statement') {
      matchStatementCandidates(scope, n, names, consider);
    } else if (n.type === 'try_statement') {
      // try: return TABLE[(n, k)]  except KeyError: pass  — then the general code
      const body = n.childForFieldName('body');
      const v = soleReturnValue(body);
      if (body && v && unparen(v).type === 'subscript' && catchesMissingKey(n)) {
        const match = lookupMatch(scope, v, n);
        if (match) consider(v, n, match, body, body, `\`${snippet(v, 50)}\` (a missing key falls through)`);
      }
    }
    if (n.type === 'return_statement') {
      // return TABLE.get((n, k), general(n, k))  /  return TABLE.get((n, k)) or general(n, k)
      const e = returnValue(n);
      const v = e && unparen(e);
      let lookup: Node | undefined;
      let fallback: Node | undefined;
      if (v?.type === 'call' && tableLookup(v)) {
        const args = v.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
        if (args.length === 2 && args[1]!.type !== 'keyword_argument') [lookup, fallback] = [v, args[1]];
      } else if (v?.type === 'boolean_operator' && operatorText(v, v.childForFieldName('left')!, v.childForFieldName('right')!) === 'or') {
        const left = v.childForFieldName('left')!;
        if (isBareGet(left) || boundGet(scope, unparen(left))) [lookup, fallback] = [left, v.childForFieldName('right')!];
      }
      if (lookup && fallback && !literalInfo(fallback)) {
        const match = lookupMatch(scope, lookup, n);
        if (match) out.push({ report: lookup, context: n, match, answer: { node: lookup, text: `returns the stored answer \`${snippet(lookup, 40)}\`` }, general: fallback, shown: describeCondition(lookup) });
      }
    }
  }
  return out;
}

/** `70 if (n, k) == (8, 4) else general(n, k)` (returned, or a lambda's body): the special case, if it is one. */
function conditionalCandidate(scope: Scope, e: Node, context: Node): Candidate | undefined {
  const [a, cond, b] = e.namedChildren.filter((c) => c.type !== 'comment');
  if (!a || !cond || !b || !isCannedValue(a) || isCannedValue(b)) return undefined;
  const match = matchCondition(scope, cond, context);
  return match ? { report: cond, context, match, answer: { node: a, text: `returns the canned value \`${snippet(a, 40)}\``, literal: a }, general: b, shown: describeCondition(cond) } : undefined;
}

/** Expressions that can build a key string from the parameters (or name one built earlier). */
const KEY_BUILDS = new Set(['string', 'binary_operator', 'call', 'identifier']);
/** The separators key strings are usually joined with (`"8,4"`, `"a:b"`). */
const KEY_SEPARATOR = /[,;:|]/;

/** `f"{a},{b}"`, `"%d,%d" % (n, k)`, `str(n) + "," + str(k)`: could be a key string built from the parameters. */
function isBuiltKeyString(n: Node): boolean {
  if (n.type === 'string') return /^[rRbB]?[fF]/.test(n.text);
  return n.type === 'binary_operator' && /["']/.test(n.text);
}

/** Literal node types that can be a specific (non-trivial) value in `param == LIT`. */
const SPECIFIC_LITERAL_TYPES = new Set(['integer', 'float', 'string', 'concatenated_string', 'unary_operator', 'set', 'dictionary']);

/** Is `operand` (a name, or the name a subscript reads) a target of a `for` loop around `n` in the same scope? */
function boundByLoop(n: Node, operand: Node): boolean {
  const name = operand.type === 'subscript' ? operand.childForFieldName('value') : operand;
  if (name?.type !== 'identifier') return false;
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda' || p.type === 'module') return false;
    if (p.type !== 'for_statement') continue;
    const left = unparen(p.childForFieldName('left')!);
    if (left.type === 'identifier' ? left.text === name.text : left.namedChildren.some((c) => c.type === 'identifier' && c.text === name.text)) return true;
  }
  return false;
}

/** The lambda whose body contains `n` (no function or class in between), or null. */
function lambdaOwner(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'lambda') return p;
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'module') return null;
  }
  return null;
}

/** The function whose own code contains `n`, or the module for top-level code; null inside class bodies and lambdas. */
function scopeOwner(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'module') return p;
    if (p.type === 'class_definition' || p.type === 'lambda') return null;
  }
  return null;
}

function mergeMatches(a: Match, b: Match): Match {
  return {
    params: new Set([...a.params, ...b.params]),
    specific: new Set([...a.specific, ...b.specific]),
    zeroSlots: a.zeroSlots || b.zeroSlots ? new Set([...(a.zeroSlots ?? []), ...(b.zeroSlots ?? [])]) : undefined,
    literals: [...a.literals, ...b.literals],
    table: a.table ?? b.table,
    keyNames: new Set([...a.keyNames, ...b.keyNames]),
    paramOf: new Map([...a.paramOf, ...b.paramOf]),
    wordKeys: a.wordKeys || b.wordKeys ? new Set([...(a.wordKeys ?? []), ...(b.wordKeys ?? [])]) : undefined,
    answerNames: a.answerNames || b.answerNames ? new Set([...(a.answerNames ?? []), ...(b.answerNames ?? [])]) : undefined,
    answerRow: a.answerRow ?? b.answerRow,
    loop: a.loop ?? b.loop,
  };
}

/**
 * The inputs a `match` subject's items read: each a parameter (or a view of one), or the size of one
 * (`match (len(graph), src, dst):`), which pins that input as much as a literal for it would. At least two
 * items, and one of them a parameter itself.
 */
function subjectItems(scope: Scope, items: Node[], at: Node): string[] | undefined {
  let direct = 0;
  const out: string[] = [];
  for (const item of items) {
    const p = isInput(scope, item, at);
    if (p) direct++;
    const u = unparen(item);
    const sized = !p && u.type === 'call' && u.childForFieldName('function')?.text === 'len' ? positional(u) : [];
    const q = p ?? (sized.length === 1 ? isInput(scope, sized[0]!, at) : undefined);
    // `match (cron.source, after):` a value computed from an input: a slot of the exact input when the code says so.
    const derived = q ? undefined : derivedInput(scope, item, at);
    if (!q && !derived) return undefined;
    out.push(q ?? `${DERIVED_SLOT}${derived}`);
  }
  return out.length >= 2 && direct >= 1 ? out : undefined;
}

/** `match (n, k):` / `match n, k:` with `case (8, 4): return 70` ahead of other code. */
function matchStatementCandidates(
  scope: Scope,
  stmt: Node,
  _names: Names,
  consider: (report: Node, context: Node, match: Match | undefined, block: Node | null, at: Node, shown?: string, hasElse?: boolean) => void,
): void {
  const subjects = stmt.childrenForFieldName('subject').filter((x): x is Node => !!x);
  let params: string[] | undefined;
  if (subjects.length === 1) {
    const single = isInput(scope, subjects[0]!, stmt);
    const packed = unparen(subjects[0]!);
    params = single ? [single] : paramTuple(scope, subjects[0]!, stmt, new Set()) ?? (packed.type === 'tuple' || packed.type === 'list' ? subjectItems(scope, packed.namedChildren.filter((c) => c.type !== 'comment'), stmt) : undefined);
  } else if (subjects.length > 1) {
    params = subjectItems(scope, subjects, stmt);
  }
  if (!params) return;
  const body = stmt.childForFieldName('body');
  for (const clause of body?.namedChildren ?? []) {
    if (clause.type !== 'case_clause') continue;
    if (clause.childForFieldName('guard')) continue;
    const patterns = clause.namedChildren.filter((c) => c.type === 'case_pattern');
    const pattern = patterns[0];
    if (!pattern) continue;
    // A derived slot (`derived:cron`) stands for the input it is computed from.
    const m: Match = { params: new Set(params.map((p) => (p.startsWith(DERIVED_SLOT) ? p.slice(DERIVED_SLOT.length) : p))), specific: new Set(), literals: [], keyNames: new Set(), paramOf: new Map() };
    // Each alternative of the pattern must give a literal for every subject position. `case 9, 3:` (an
    // open sequence) is one pattern per item.
    const alternatives = (() => {
      if (patterns.length > 1) return [patterns];
      const inner = pattern.namedChildren[0];
      if (inner?.type === 'union_pattern') return inner.namedChildren;
      return [pattern];
    })();
    let ok = alternatives.length > 0;
    for (const alt of alternatives) {
      let items: Node[];
      if (Array.isArray(alt)) items = alt;
      else {
        const p = alt.type === 'case_pattern' && alt.namedChildCount === 1 ? alt.namedChild(0)! : alt;
        if (params.length === 1) items = [p];
        else if (p.type === 'tuple_pattern' || p.type === 'list_pattern') items = p.namedChildren;
        else items = alt.namedChildren;
      }
      if (items.length !== params.length) {
        ok = false;
        break;
      }
      items.forEach((item, i) => {
        const lit = item.type === 'case_pattern' && item.namedChildCount === 1 ? item.namedChild(0)! : item;
        const info = literalInfo(lit) ?? classPatternInfo(lit);
        if (!info) {
          ok = false;
          return;
        }
        const slot = params![i]!;
        if (slot.startsWith(DERIVED_SLOT)) {
          if (!info.trivial) m.specific.add(slot), m.literals.push(lit), (m.derived = true);
          return;
        }
        if (!info.trivial) {
          m.specific.add(slot);
          m.literals.push(lit);
          m.paramOf.set(lit.id, slot);
        } else noteZeroSlot(m, slot, info);
      });
      if (!ok) break;
    }
    if (!ok) continue;
    // The whole `match` is the statement whose comments count, as an `if`/`elif` chain's are for each of its
    // branches: a comment above `match n:` speaks for every arm.
    const shown = patterns.map((x) => x.text).join(', ');
    consider(pattern, stmt, m, clause.childForFieldName('consequence'), pattern, `\`case ${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown}:\``);
  }
}
