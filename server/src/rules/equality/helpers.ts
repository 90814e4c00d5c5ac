/**
 * Shared analysis for the equality family (RH201, RH202): which comparison dunders always give the same
 * answer, which classes own them, and what else those classes do (self-returning methods, builtin bases,
 * instances handed out by functions, module-level sentinel singletons).
 *
 * The analysis runs once per tree and is cached by root node, so both rules read the same picture.
 *
 * General helpers that could move into the engine: `constantTruth` (truthiness of a constant expression)
 * and `canCompleteNormally` (does control reach the end of a block).
 */
import {
  anyPositionWithin,
  baseExpressions,
  callArguments,
  decoratorsOf,
  definitionOf,
  enclosingFunctionScope,
  enclosingLoopIterable,
  forEachDescendant,
  forEachInScope,
  isUnderMainGuard,
  isWithin,
  loopLiteralStrings,
  negatesEachOther,
  parameterNames,
  returnsOf,
  returnValue,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import { flatTree, nodeAt } from '../../engine/fast';
import { callRebindings, mayRebindCall } from '../../engine/rebinding';
import type { NameResolver } from '../../engine/names';
import { literalsSpelling, MentionedWords, spelledByValue } from '../../engine/prefilter';

// ---------------------------------------------------------------------------------------------------------
// Constant truthiness

export type Truth = 'truthy' | 'falsy' | 'unknown';

function numberValue(text: string): number | undefined {
  let t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) t = t.slice(0, -1);
  if (/[lL]$/.test(t)) t = t.slice(0, -1);
  const v = Number(t);
  return Number.isNaN(v) ? undefined : v;
}

type Literal = { kind: 'num'; value: number } | { kind: 'str'; value: string } | { kind: 'none' };

function literalOf(node: Node): Literal | undefined {
  const n = unparen(node);
  switch (n.type) {
    case 'true':
      return { kind: 'num', value: 1 };
    case 'false':
      return { kind: 'num', value: 0 };
    case 'none':
      return { kind: 'none' };
    case 'integer':
    case 'float': {
      const v = numberValue(n.text);
      return v === undefined ? undefined : { kind: 'num', value: v };
    }
    case 'unary_operator': {
      // Iterative over `- - + 1`: deeply nested input must not recurse.
      let sign = 1;
      let cur: Node = n;
      while (cur.type === 'unary_operator') {
        const op = cur.child(0)?.type;
        if (op === '-') sign = -sign;
        else if (op !== '+') return undefined;
        const arg = cur.childForFieldName('argument');
        if (!arg) return undefined;
        cur = unparen(arg);
      }
      const inner = literalOf(cur);
      return inner && inner.kind === 'num' ? { kind: 'num', value: sign * inner.value } : undefined;
    }
    default: {
      const s = stringValue(n);
      return s === undefined ? undefined : { kind: 'str', value: s };
    }
  }
}

function compareLiterals(a: Literal, op: string, b: Literal): boolean | undefined {
  if (op === 'is' || op === 'is not') {
    // Only None/True/False identity is certain.
    if (a.kind === 'none' || b.kind === 'none') {
      const same = a.kind === b.kind;
      return op === 'is' ? same : !same;
    }
    return undefined;
  }
  if (a.kind === 'none' || b.kind === 'none') {
    if (op === '==') return a.kind === b.kind;
    if (op === '!=') return a.kind !== b.kind;
    return undefined;
  }
  if (a.kind !== b.kind) {
    if (op === '==') return false;
    if (op === '!=') return true;
    return undefined;
  }
  const x = a.value;
  const y = b.value;
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    default:
      return undefined;
  }
}

/** A name or an attribute chain of names (`other`, `self.item.sku`): reading it twice gives the same object. */
function isPlainReference(n: Node): boolean {
  let cur = n;
  while (cur.type === 'attribute') cur = unparen(cur.childForFieldName('object')!);
  return cur.type === 'identifier';
}

function comparisonTruth(n: Node, names?: NameResolver, recv?: Receiver): Truth {
  const operands = n.namedChildren.filter((c) => c.type !== 'comment');
  const operators: string[] = [];
  for (let i = 0; i < n.childCount; i++) {
    const c = n.child(i)!;
    if (!c.isNamed) operators.push(c.type);
  }
  if (operands.length !== 2 || operators.length < 1) {
    // Chains (`0 < 1 < 2`) are rare in hacks; evaluate only two-operand comparisons.
    return 'unknown';
  }
  const op = operators.join(' ');
  const [left, right] = operands as [Node, Node];
  const a = unparen(left);
  const b = unparen(right);
  // `self is self`: identity of one name with itself.
  if (a.type === 'identifier' && b.type === 'identifier' && a.text === b.text) {
    if (op === 'is') return 'truthy';
    if (op === 'is not') return 'falsy';
  }
  // `other == other`, `self.sku == self.sku`: a value equals itself (only NaN does not, and `x != x` is
  // the NaN test, left alone). Plain names and attribute chains only: a call may answer differently twice.
  if (op === '==' && isPlainReference(a) && a.text === b.text && isPlainReference(b)) return 'truthy';
  // `type(other) is type(other)`, `id(other) == id(other)`: a stable builtin of one reference, asked twice.
  const fa = stableBuiltinArgument(a, names);
  const fb = stableBuiltinArgument(b, names);
  if (fa && fb && fa.text === fb.text && names!.qualify(a.childForFieldName('function')!) === names!.qualify(b.childForFieldName('function')!)) {
    if (op === '==' || op === 'is') return 'truthy';
    if (op === '!=' || op === 'is not') return 'falsy';
  }
  // `len(self) >= 0`: a length is never negative (`len()` raises rather than return one).
  const lengthOf = (x: Node) => !!names && x.type === 'call' && names.is(x.childForFieldName('function'), 'builtins.len');
  const zero = (x: Node) => /^0+$/.test(x.text);
  if ((op === '>=' && lengthOf(a) && zero(b)) || (op === '<=' && zero(a) && lengthOf(b))) return 'truthy';
  if ((op === '<' && lengthOf(a) && zero(b)) || (op === '>' && zero(a) && lengthOf(b))) return 'falsy';
  // `abs(self - other) <= self.TOLERANCE` with an infinite tolerance: every number is within it.
  if (names && (op === '<=' || op === '<') && infiniteValue(b, names, recv)) return 'truthy';
  if (names && (op === '>=' || op === '>') && infiniteValue(a, names, recv)) return 'truthy';
  // `diff is not None` where `diff = self - other` and the class's `__sub__` always builds a new instance:
  // a value that cannot be `None` makes the test a constant.
  if (op === 'is' || op === 'is not') {
    const other = b.type === 'none' ? a : a.type === 'none' ? b : undefined;
    if (other && other.type !== 'none' && neverNone(other, names, recv, 0)) return op === 'is' ? 'falsy' : 'truthy';
  }
  const la = literalOf(a);
  const lb = literalOf(b);
  if (!la || !lb) return 'unknown';
  const r = compareLiterals(la, op, lb);
  return r === undefined ? 'unknown' : r ? 'truthy' : 'falsy';
}


/** Binary operators and the dunder Python calls on the left operand first. */
const OPERATOR_DUNDERS: Readonly<Record<string, string>> = {
  '+': '__add__', '-': '__sub__', '*': '__mul__', '/': '__truediv__', '//': '__floordiv__', '%': '__mod__',
  '**': '__pow__', '@': '__matmul__', '&': '__and__', '|': '__or__', '^': '__xor__', '<<': '__lshift__', '>>': '__rshift__',
};
const VALUE_BUILTINS = ['builtins.len', 'builtins.str', 'builtins.int', 'builtins.float', 'builtins.bool', 'builtins.tuple', 'builtins.list', 'builtins.dict', 'builtins.set', 'builtins.frozenset', 'builtins.repr', 'builtins.isinstance', 'builtins.type', 'builtins.id'];

/**
 * Can `n` never evaluate to `None`? Literals, displays and comprehensions, `not`/identity/membership tests,
 * builtin constructors, a new instance of a class of the file (no `__new__` or metaclass on it or its
 * bases of the file, no base from elsewhere), a name bound once to such a value, and `self <op> x` when
 * the class's own operator method (not overridden by a subclass here) always returns such a value. Used
 * only to decide `x is None` tests inside comparison methods.
 */
function neverNone(node: Node, names: NameResolver | undefined, recv: Receiver | undefined, depth: number): boolean {
  if (depth > 6) return false;
  const n = unparen(node);
  switch (n.type) {
    case 'integer':
    case 'float':
    case 'string':
    case 'concatenated_string':
    case 'true':
    case 'false':
    case 'tuple':
    case 'list':
    case 'set':
    case 'dictionary':
    case 'list_comprehension':
    case 'set_comprehension':
    case 'dictionary_comprehension':
    case 'generator_expression':
    case 'lambda':
    case 'not_operator':
      return true;
    case 'comparison_operator': {
      const ops = n.children.filter((c) => !c.isNamed).map((c) => c.type);
      return ops.length > 0 && ops.every((o) => o === 'is' || o === 'in' || o === 'not' || o === 'is not' || o === 'not in');
    }
    case 'identifier': {
      const v = valueBoundOnce(n);
      return !!v && neverNone(v, names, recv, depth + 1);
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      if (!fn || !names) return false;
      if (names.is(fn, ...VALUE_BUILTINS)) return true;
      return fn.type === 'identifier' && !!newInstanceOfFileClass(n, fn, names);
    }
    case 'binary_operator': {
      const op = n.children.find((c) => !c.isNamed)?.type ?? '';
      const dunder = OPERATOR_DUNDERS[op];
      const left = n.childForFieldName('left');
      if (!dunder || !recv || !left || !isReceiver(left, recv)) return false;
      if (subclassesInFile(recv.cls).some((c) => classBodyBinds(c, dunder) || classBodyBinds(c, `__r${dunder.slice(2)}`))) return false;
      const defs = classStatements(recv.cls).filter((st) => st.type === 'function_definition' && st.childForFieldName('name')?.text === dunder);
      const def = defs.length === 1 && !classStatements(recv.cls).some((st) => st.type !== 'function_definition' && classBodyBindsIn(st, dunder)) ? defs[0]! : undefined;
      const inner = def ? receiverOf(def) : undefined;
      if (!def || !inner || canCompleteNormally(def)) return false;
      const rets = returnsOf(def);
      return rets.length > 0 && rets.every((r) => {
        const v = returnValue(r);
        return !!v && neverNone(v, names, inner, depth + 1);
      });
    }
    default:
      return false;
  }
}

/** Does a class-body statement other than a def bind `name` (`__sub__ = other_impl`)? */
function classBodyBindsIn(stmt: Node, name: string): boolean {
  const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : undefined;
  return assign?.type === 'assignment' && assignmentChain(assign).targets.some((t) => t.type === 'identifier' && t.text === name);
}

/**
 * The class a call `Cls(...)` builds a fresh instance of, when that is all it can return: a module-level class
 * of the file bound once, with no `__new__` and no metaclass, whose bases are builtins or such classes.
 */
function newInstanceOfFileClass(call: Node, fn: Node, names: NameResolver, depth = 0): Node | undefined {
  const module = moduleOf(call);
  if (!module || depth > 5) return undefined;
  const bindings = moduleBindingsOf(module, fn.text);
  const cls = bindings.length === 1 ? bindings[0]! : undefined;
  if (cls?.type !== 'class_definition' || cls.parent?.id !== module.id) return undefined;
  const supers = cls.childForFieldName('superclasses');
  if (supers?.namedChildren.some((c) => c.type === 'keyword_argument')) return undefined;
  if (classBodyBinds(cls, '__new__')) return undefined;
  for (const b of baseExpressions(cls)) {
    if (names.is(b, 'builtins.object', 'builtins.tuple', 'builtins.list', 'builtins.dict', 'builtins.int', 'builtins.str', 'builtins.float')) continue;
    if (b.type !== 'identifier' || !newInstanceOfFileClass(call, b, names, depth + 1)) return undefined;
  }
  return cls;
}

/**
 * Builtins whose answer for one object cannot change between two calls in one expression (`bool(other)`,
 * `type(other)`), and which never give a float (so `f(x) == f(x)` is no NaN test).
 */
const STABLE_BUILTINS = ['builtins.bool', 'builtins.type', 'builtins.id', 'builtins.len', 'builtins.str', 'builtins.repr', 'builtins.hash'];

/** `bool(other)` -> `other`: one stable builtin call of a plain reference, else undefined. */
function stableBuiltinArgument(n: Node, names: NameResolver | undefined): Node | undefined {
  if (!names || n.type !== 'call' || !names.is(n.childForFieldName('function'), ...STABLE_BUILTINS)) return undefined;
  const args = callArguments(n);
  const arg = args.positional.length === 1 && args.keywords.size === 0 && !args.hasSplat ? unparen(args.positional[0]!) : undefined;
  return arg && isPlainReference(arg) ? arg : undefined;
}

/**
 * Is `a` the negation of `b`, so that `a or b` always holds: a test and its negation
 * (`x is None or x is not None`), also through `bool()` (`bool(other) or not bool(other)`, `other or not
 * bool(other)`). Not for other calls: `a.f() or not a.f()` may ask twice and get two answers.
 */
function complementary(a: Node, b: Node, names: NameResolver | undefined): boolean {
  if (negatesEachOther(a, b)) return true;
  // Peel `not` and `bool()` down to the tested reference, counting negations.
  const core = (n: Node): { ref: Node; negated: boolean } => {
    let negated = false;
    let cur = unparen(n);
    for (let i = 0; i < 20; i++) {
      if (cur.type === 'not_operator') {
        negated = !negated;
        cur = unparen(cur.childForFieldName('argument')!);
        continue;
      }
      if (names && cur.type === 'call' && names.is(cur.childForFieldName('function'), 'builtins.bool')) {
        const arg = stableBuiltinArgument(cur, names);
        if (!arg) break;
        cur = arg;
        continue;
      }
      break;
    }
    return { ref: cur, negated };
  };
  const x = core(a);
  const y = core(b);
  return x.negated !== y.negated && isPlainReference(x.ref) && isPlainReference(y.ref) && x.ref.text.replace(/\s+/g, '') === y.ref.text.replace(/\s+/g, '');
}

/** The `operator` module's comparison functions, as the comparison operator they apply. */
const OPERATOR_COMPARISONS: Record<string, string> = {
  'operator.eq': '==', 'operator.ne': '!=', 'operator.lt': '<', 'operator.le': '<=', 'operator.gt': '>', 'operator.ge': '>=',
  'operator.is_': 'is', 'operator.is_not': 'is not',
  'operator.__eq__': '==', 'operator.__ne__': '!=', 'operator.__lt__': '<', 'operator.__le__': '<=', 'operator.__gt__': '>', 'operator.__ge__': '>=',
};

const ONES = new Set(['numpy.ones', 'numpy.ones_like', 'torch.ones', 'torch.ones_like']);
const FULL = new Set(['numpy.full', 'numpy.full_like', 'torch.full', 'torch.full_like']);

/** `np.ones(...)`, `np.ones_like(x)`, `np.full(shape, True)`, torch's alike: an array with every element truthy. */
function allTrueArray(call: Node, names: NameResolver): boolean {
  const q = names.qualify(call.childForFieldName('function'));
  if (!q) return false;
  if (ONES.has(q)) return true;
  if (!FULL.has(q)) return false;
  const args = callArguments(call);
  const fill = args.positional[1] ?? args.keywords.get('fill_value');
  const lit = fill ? literalOf(unparen(fill)) : undefined;
  return !!lit && (lit.kind === 'num' ? lit.value !== 0 : lit.kind !== 'none' && lit.value.length > 0);
}

/** Closeness tests that answer a plain bool (not numpy's elementwise `isclose`). */
const CLOSENESS_CHECKS = new Set(['math.isclose', 'cmath.isclose', 'numpy.allclose', 'torch.allclose']);

const INFINITY_NAMES = new Set(['math.inf', 'cmath.inf', 'numpy.inf', 'numpy.Inf', 'numpy.Infinity', 'numpy.infty', 'numpy.PINF', 'torch.inf']);

/**
 * Positive infinity: `math.inf`, `numpy.inf`, `float("inf")`, `1e999`, a name bound once to one, or
 * `self.TOL` where the method's class body binds `TOL` once to one and nothing in the file assigns
 * `.TOL` (an instance or a subclass setting its own tolerance).
 */
function infiniteValue(node: Node, names: NameResolver, recv: Receiver | undefined, depth = 0): boolean {
  if (depth > 3) return false;
  const n = unparen(node);
  if (n.type === 'float') return numberValue(n.text) === Infinity;
  if (n.type === 'call') {
    const args = callArguments(n);
    const s = args.positional.length === 1 && !args.keywords.size ? stringValue(unparen(args.positional[0]!)) : undefined;
    return s !== undefined && names.is(n.childForFieldName('function'), 'builtins.float', 'numpy.float64') && /^\s*\+?inf(inity)?\s*$/i.test(s);
  }
  if (n.type !== 'identifier' && n.type !== 'attribute') return false;
  const q = names.qualify(n);
  if (q && INFINITY_NAMES.has(q)) return true;
  if (n.type === 'identifier') {
    const v = valueBoundOnce(n);
    return !!v && infiniteValue(v, names, recv, depth + 1);
  }
  const obj = n.childForFieldName('object');
  const attr = n.childForFieldName('attribute')?.text;
  if (!recv || !obj || !attr || !isReceiver(obj, recv)) return false;
  const value = fixedClassAttribute(attr, recv);
  return !!value && infiniteValue(value, names, undefined, depth + 1);
}

/**
 * The value of a class attribute the method reads through its receiver (`self.TOL`, `self._lenient`) when the
 * class body binds it exactly once and nothing in the file sets it otherwise: no `x.TOL = ...` anywhere, no
 * subclass of the file rebinding it, no method of that name, no `setattr` naming it.
 */
export function fixedClassAttribute(attr: string, recv: Receiver): Node | undefined {
  const module = moduleOf(recv.cls);
  if (!module) return undefined;
  // Set elsewhere (`self.TOL = tol`, `m.TOL = 1e-9`), or rebound by a subclass of the file: not fixed.
  for (const a of module.descendantsOfType('attribute')) {
    if (a?.childForFieldName('attribute')?.text !== attr) continue;
    const parent = a.parent;
    if ((parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.id === a.id) return undefined;
  }
  if (subclassesInFile(recv.cls).some((c) => classBodyBinds(c, attr))) return undefined;
  if (new RegExp(`["']${attr}["']`).test(module.text)) return undefined;
  const values: Node[] = [];
  for (const s of classStatements(recv.cls)) {
    if (s.type === 'function_definition' || s.type === 'class_definition') {
      if (s.childForFieldName('name')?.text === attr) return undefined;
      continue;
    }
    const assign = s.type === 'expression_statement' ? s.namedChild(0) : undefined;
    if (assign?.type !== 'assignment') continue;
    const { targets, value } = assignmentChain(assign);
    if (targets.some((t) => t.type === 'identifier' && t.text === attr)) {
      if (!value) return undefined;
      values.push(value);
    }
  }
  return values.length === 1 ? values[0] : undefined;
}


/** `operator.eq(1, 1)` (the function given by its qualified name): the comparison of two literals, else unknown. */
function operatorCallTruth(call: Node, qualified: string | undefined): Truth {
  const op = qualified ? OPERATOR_COMPARISONS[qualified] : undefined;
  if (!op) return 'unknown';
  const args = callArguments(call);
  if (args.positional.length !== 2 || args.keywords.size || args.hasSplat) return 'unknown';
  const a = literalOf(args.positional[0]!);
  const b = literalOf(args.positional[1]!);
  const r = a && b ? compareLiterals(a, op, b) : undefined;
  return r === undefined ? 'unknown' : r ? 'truthy' : 'falsy';
}

/**
 * Truthiness of an expression that does not depend on any variable: `True`, `1`, `not False`, `1 == 1`,
 * `True or x`, `x or True`, `"yes"`, `(1,)`. Anything else is `unknown`.
 */
export function constantTruth(node: Node | null | undefined, names?: NameResolver, recv?: Receiver): Truth {
  if (!node) return 'unknown';
  // Iterative over the common unary wrappers; binary operators recurse on bounded depth.
  return truthAt(node, names, 0, recv);
}

function truthAt(node: Node, names: NameResolver | undefined, depth: number, recv?: Receiver): Truth {
  if (depth > 50) return 'unknown';
  const n = unparen(node);
  // What Python fixes about the instance a method runs on (`self is not None`, `isinstance(self, Cls)`).
  if (recv) {
    const t = receiverTruth(n, names, recv);
    if (t !== 'unknown') return t;
  }
  // `self._lenient` where the class binds `_lenient = True` once and nothing sets it otherwise.
  if (recv && n.type === 'attribute' && isReceiver(n.childForFieldName('object')!, recv)) {
    const value = fixedClassAttribute(n.childForFieldName('attribute')!.text, recv);
    if (value && literalOf(unparen(value))) return truthAt(value, names, depth + 1);
  }
  const lit = literalOf(n);
  if (lit) {
    if (lit.kind === 'none') return 'falsy';
    if (lit.kind === 'num') return lit.value !== 0 ? 'truthy' : 'falsy';
    return lit.value.length > 0 ? 'truthy' : 'falsy';
  }
  switch (n.type) {
    case 'not_operator': {
      const t = truthAt(n.childForFieldName('argument')!, names, depth + 1, recv);
      return t === 'truthy' ? 'falsy' : t === 'falsy' ? 'truthy' : 'unknown';
    }
    case 'boolean_operator': {
      const op = n.childForFieldName('operator')?.type ?? n.child(1)?.type;
      const l = truthAt(n.childForFieldName('left')!, names, depth + 1, recv);
      const r = truthAt(n.childForFieldName('right')!, names, depth + 1, recv);
      if (op === 'or') {
        if (l === 'truthy') return 'truthy';
        if (l === 'falsy') return r;
        if (r === 'truthy') return 'truthy';
        // `x is None or x is not None`: a test or its negation holds whatever `x` is.
        if (complementary(n.childForFieldName('left')!, n.childForFieldName('right')!, names)) return 'truthy';
        // `not (a < b) or not (b < a)`: false only if `a < b` and `b < a` both hold.
        return orderingTautology(n.childForFieldName('left')!, n.childForFieldName('right')!) ? 'truthy' : 'unknown';
      }
      if (op === 'and') {
        if (l === 'falsy') return 'falsy';
        if (l === 'truthy') return r;
        if (r === 'falsy') return 'falsy';
        return complementary(n.childForFieldName('left')!, n.childForFieldName('right')!, names) ? 'falsy' : 'unknown';
      }
      return 'unknown';
    }
    case 'conditional_expression': {
      const [a, cond, b] = n.namedChildren;
      if (!a || !b) return 'unknown';
      const ta = truthAt(a, names, depth + 1, recv);
      const tb = truthAt(b, names, depth + 1, recv);
      if (ta === tb) return ta;
      // `False if diff is not None else True` with a test that cannot fail: only one branch is ever taken.
      const tc = cond ? truthAt(cond, names, depth + 1, recv) : 'unknown';
      return tc === 'truthy' ? ta : tc === 'falsy' ? tb : 'unknown';
    }
    case 'comparison_operator':
      return comparisonTruth(n, names, recv);
    case 'named_expression':
      // `(matched := True)` is the value it binds.
      return truthAt(n.childForFieldName('value')!, names, depth + 1, recv);
    case 'tuple':
    case 'list':
    case 'set':
    case 'dictionary':
      return n.namedChildren.some((c) => c.type !== 'comment') ? 'truthy' : 'falsy';
    case 'identifier':
    case 'attribute': {
      // numpy's boolean scalars (`np.True_`), what array-like `__eq__` methods return.
      const q = names && (n.type === 'attribute' || n.text.endsWith('_')) ? names.qualify(n) : undefined;
      return q === 'numpy.True_' ? 'truthy' : q === 'numpy.False_' ? 'falsy' : 'unknown';
    }
    case 'call': {
      // `bool(1)`, `bool(not False)`, `np.bool_(True)`.
      const fn = n.childForFieldName('function');
      if (names && (names.is(fn, 'builtins.bool') || names.is(fn, 'numpy.bool_'))) {
        const args = callArguments(n);
        if (args.positional.length === 0 && args.keywords.size === 0 && !args.hasSplat) return 'falsy';
        if (args.positional.length === 1) return truthAt(args.positional[0]!, names, depth + 1, recv);
      }
      // `operator.truth(1)` is `bool(1)`; `operator.not_(0)` is `not 0`.
      if (names && (names.is(fn, 'operator.truth') || names.is(fn, 'operator.not_') || names.is(fn, 'operator.__not__'))) {
        const args = callArguments(n);
        if (args.positional.length === 1 && args.keywords.size === 0 && !args.hasSplat) {
          const t = truthAt(args.positional[0]!, names, depth + 1, recv);
          if (names.is(fn, 'operator.truth') || t === 'unknown') return t;
          return t === 'truthy' ? 'falsy' : 'truthy';
        }
      }
      // `operator.eq(1, 1)`: the comparison function on two literals.
      const compared = names ? operatorCallTruth(n, names.qualify(fn)) : 'unknown';
      if (compared !== 'unknown') return compared;
      // An array of ones or of `True` (`np.ones_like(self.data, dtype=bool)`, `np.full(shape, True)`): every
      // element compares equal, so `(a == b).all()` holds whatever `b` is.
      if (names && allTrueArray(n, names)) return 'truthy';
      // `math.isclose(self.x, self.x)`: a value is close to itself (NaN aside, as for `x == x`); or any two
      // numbers are close within an infinite tolerance (`abs_tol=math.inf`).
      if (names && CLOSENESS_CHECKS.has(names.qualify(fn) ?? '')) {
        const args = callArguments(n);
        const [x, y] = args.positional.map((p) => unparen(p));
        if (!args.hasSplat && x && y && isPlainReference(x) && isPlainReference(y) && x.text.replace(/\s+/g, '') === y.text.replace(/\s+/g, '')) return 'truthy';
        for (const k of ['abs_tol', 'rel_tol', 'atol', 'rtol']) {
          const tol = args.keywords.get(k);
          if (tol && infiniteValue(tol, names, recv)) return 'truthy';
        }
      }
      // `all(... for f in self.FIELDS)` over a class attribute bound once to `()`: vacuously true, compares nothing.
      if (names && recv && (names.is(fn, 'builtins.all') || names.is(fn, 'builtins.any'))) {
        const args = callArguments(n);
        if (args.positional.length === 1 && !args.keywords.size && !args.hasSplat && iteratesNoField(args.positional[0]!, recv)) {
          return names.is(fn, 'builtins.all') ? 'truthy' : 'falsy';
        }
      }
      // `all(True for _ in fields)`: every element it can yield is true (and `all` of nothing is true), so the
      // answer never depends on what is iterated; `any(False for ...)` likewise never holds.
      if (names && (names.is(fn, 'builtins.all') || names.is(fn, 'builtins.any'))) {
        const args = callArguments(n);
        const g = args.positional.length === 1 && !args.keywords.size && !args.hasSplat ? unparen(args.positional[0]!) : undefined;
        if (g && (g.type === 'generator_expression' || g.type === 'list_comprehension' || g.type === 'set_comprehension')) {
          const elem = truthAt(g.childForFieldName('body') ?? g.namedChild(0)!, names, depth + 1, recv);
          if (names.is(fn, 'builtins.all') && elem === 'truthy') return 'truthy';
          if (names.is(fn, 'builtins.any') && elem === 'falsy') return 'falsy';
        }
      }
      // `object()` or `Yes()`: a new instance, built from nothing the comparison saw, of a class of this file
      // that no `__bool__`/`__len__` can make false. A DSL's `Condition(self, other)` carries its operands.
      if (names && fn && freshTruthyInstance(n, fn, names)) return 'truthy';
      // `isinstance(other, object)`: everything is an `object`.
      if (names && names.is(fn, 'builtins.isinstance')) {
        const args = callArguments(n);
        if (args.positional.length === 2 && !args.hasSplat && names.is(unparen(args.positional[1]!), 'builtins.object')) return 'truthy';
      }
      return 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** `all(...)`/`any(...)` over a comprehension that iterates nothing. */
function vacuousFieldCheck(value: Node, names: NameResolver, recv: Receiver): boolean {
  const v = unparen(value);
  if (v.type !== 'call') return false;
  const fn = v.childForFieldName('function');
  const args = callArguments(v);
  return (names.is(fn, 'builtins.all') || names.is(fn, 'builtins.any')) && args.positional.length === 1 && iteratesNoField(args.positional[0]!, recv);
}

/** A comprehension (generator, list or set) one of whose `for` clauses runs over an always-empty class attribute. */
function iteratesNoField(arg: Node, recv: Receiver): boolean {
  const g = unparen(arg);
  if (g.type !== 'generator_expression' && g.type !== 'list_comprehension' && g.type !== 'set_comprehension') return false;
  return g.namedChildren.some((c) => c.type === 'for_in_clause' && emptyClassAttribute(c.childForFieldName('right'), recv));
}

const EMPTY_CALLS = new Set(['tuple', 'list', 'frozenset']);

/** `()`, `[]`, `tuple()`, `list()`, `frozenset()`. */
function emptyCollection(v: Node): boolean {
  const n = unparen(v);
  if (n.type === 'tuple' || n.type === 'list') return !n.namedChildren.some((c) => c.type !== 'comment');
  if (n.type !== 'call') return false;
  const fn = n.childForFieldName('function');
  return fn?.type === 'identifier' && EMPTY_CALLS.has(fn.text) && !callArguments(n).positional.length && !callArguments(n).keywords.size && !callArguments(n).hasSplat;
}

/**
 * `self.X`, `type(self).X`, `self.__class__.X` or `Cls.X` where the method's module-level class binds `X`
 * once in its body to an empty tuple/list, and nothing else in the file names `X` except as a plain read
 * (no rebinding, subclass override, keyword, mutation, `setattr` by name, nor a dynamic `setattr`).
 */
function emptyClassAttribute(it: Node | null | undefined, recv: Receiver): boolean {
  const n = it ? unparen(it) : undefined;
  if (n?.type !== 'attribute') return false;
  const obj = unparen(n.childForFieldName('object')!);
  const attr = n.childForFieldName('attribute')?.text;
  const cls = recv.cls;
  const clsName = cls.childForFieldName('name')?.text;
  const module = moduleOf(cls);
  const top = cls.parent?.type === 'decorated_definition' ? cls.parent : cls;
  if (!attr || !module || top.parent?.type !== 'module') return false;
  const viaClass =
    isReceiver(obj, recv) ||
    (obj.type === 'identifier' && obj.text === clsName) ||
    (obj.type === 'attribute' && obj.childForFieldName('attribute')?.text === '__class__' && isReceiver(obj.childForFieldName('object')!, recv)) ||
    (obj.type === 'call' && obj.childForFieldName('function')?.text === 'type' && callArguments(obj).positional.length === 1 && isReceiver(callArguments(obj).positional[0]!, recv));
  if (!viaClass) return false;
  // One binding in the class body, to an empty collection.
  const bindings = classStatements(cls).filter((s) => {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : undefined;
    return (a?.type === 'assignment' || a?.type === 'augmented_assignment') && a.childForFieldName('left')?.text === attr;
  });
  const assign = bindings.length === 1 ? bindings[0]!.namedChild(0)! : undefined;
  const value = assign?.type === 'assignment' ? assign.childForFieldName('right') : undefined;
  if (!assign || !value || !emptyCollection(value)) return false;
  const target = assign.childForFieldName('left')!;
  // A class-level hook may fill it in for subclasses; a dynamic `setattr` may name it.
  if (classBodyBinds(cls, '__init_subclass__') || classBodyBinds(cls, '__set_name__')) return false;
  let changed = false;
  forEachDescendant(module, (c) => {
    if (changed) return false;
    if (c.type === 'string' && stringValue(c) === attr) changed = true;
    else if (c.type === 'call' && c.childForFieldName('function')?.text === 'setattr') {
      const name = callArguments(c).positional[1];
      if (!name || stringValue(name) === undefined) changed = true;
    } else if (c.type === 'identifier' && c.text === attr && c.id !== target.id) {
      // Only `<expr>.X` read as a value: not assigned to, not `.X.append(...)`, not `.X[i] = ...`.
      const p = c.parent;
      if (p?.type !== 'attribute' || p.childForFieldName('attribute')?.id !== c.id) changed = true;
      else {
        const up = p.parent;
        if (up?.type === 'attribute' || up?.type === 'subscript' || up?.type === 'augmented_assignment' || up?.type === 'delete_statement') changed = true;
        else if ((up?.type === 'assignment' || up?.type === 'for_statement' || up?.type === 'for_in_clause') && up.childForFieldName('left') && isWithin(p, up.childForFieldName('left')!)) changed = true;
        else if (up?.type === 'pattern_list' || up?.type === 'tuple_pattern' || up?.type === 'list_pattern' || up?.type === 'expression_list' && up.parent?.type === 'assignment' && up.parent.childForFieldName('left')?.id === up.id) changed = true;
      }
    }
    return !changed;
  });
  return !changed;
}

/** `a >= b`, `b <= a`, `not (a < b)`, `not (b > a)` as `[a, b]` ("a is not below b"); else undefined. */
function notBelow(side: Node): [Node, Node] | undefined {
  let n = unparen(side);
  let negated = false;
  if (n.type === 'not_operator') {
    negated = true;
    n = unparen(n.childForFieldName('argument')!);
  }
  if (n.type !== 'comparison_operator') return undefined;
  const operands = n.namedChildren.filter((c) => c.type !== 'comment').map((c) => unparen(c));
  const ops = n.children.filter((c) => !c.isNamed).map((c) => c.type);
  if (operands.length !== 2 || ops.length !== 1) return undefined;
  const [a, b] = operands as [Node, Node];
  const op = negated ? ({ '<': '>=', '>': '<=', '<=': '>', '>=': '<' } as Record<string, string>)[ops[0]!] : ops[0];
  // Only the non-strict "not below" forms: `a >= b` or `a <= b`.
  if (op === '>=') return [a, b];
  if (op === '<=') return [b, a];
  return undefined;
}

/** Two spellings of one operand: the same text, or one wraps the other (`Money(other)`, `self._coerce(other)`). */
function sameOperand(x: Node, y: Node): boolean {
  const tx = x.text.replace(/\s+/g, '');
  const ty = y.text.replace(/\s+/g, '');
  if (tx === ty) return true;
  const wraps = (outer: Node, inner: string) => {
    if (outer.type !== 'call') return false;
    let found = false;
    forEachDescendant(outer, (d) => {
      if (found) return false;
      if (d.id !== outer.id && (d.type === 'identifier' || d.type === 'attribute') && d.text.replace(/\s+/g, '') === inner) {
        // `self` inside `Money(self._coerce(other))` is the receiver of a helper, not the operand.
        const p = d.parent;
        if (!(p?.type === 'attribute' && p.childForFieldName('object')?.id === d.id)) found = true;
      }
      return !found;
    });
    return found;
  };
  return wraps(x, ty) || wraps(y, tx);
}

/**
 * `not (a < b) or not (b < a)` (also `a >= b or b >= a`): for any total order one side holds, so the
 * `or` is always true; an equality written this way (instead of `and`) makes everything equal.
 */
function orderingTautology(left: Node, right: Node): boolean {
  const l = notBelow(left);
  const r = notBelow(right);
  if (!l || !r) return false;
  // Not `a >= a`-style self-comparisons (those are the reflexive case, handled elsewhere).
  if (l[0].text === l[1].text) return false;
  return sameOperand(l[0], r[1]) && sameOperand(l[1], r[0]) && !sameOperand(l[0], l[1]);
}

// ---------------------------------------------------------------------------------------------------------
// The instance a method runs on

/**
 * The instance parameter of a method: the first parameter of a def (not a static or class method) or of
 * a lambda written directly in a class body, when the body never rebinds it. Called through `a == b`,
 * Python binds it to an instance of that class or of a subclass, found through its MRO.
 */
export interface Receiver {
  impl: Node;
  name: string;
  cls: Node;
}

const receivers = new WeakMap<Node, Receiver | null>();

export function receiverOf(impl: Node): Receiver | undefined {
  let r = receivers.get(impl);
  if (r === undefined) receivers.set(impl, (r = findReceiver(impl) ?? null));
  return r ?? undefined;
}

function findReceiver(impl: Node): Receiver | undefined {
  let stmt: Node | null = impl;
  if (impl.type === 'function_definition') {
    // A static method has no instance parameter, a class method's is the class.
    if (decoratorsOf(impl).some((d) => /(?:^|\.)(?:staticmethod|classmethod)$/.test(d.text))) return undefined;
    if (impl.parent?.type === 'decorated_definition') stmt = impl.parent;
  } else if (impl.type === 'lambda') {
    // `__eq__ = lambda self, other: ...` in the class body.
    const assign = impl.parent;
    if (assign?.type !== 'assignment' || assign.childForFieldName('right')?.id !== impl.id) return undefined;
    stmt = assign.parent;
    if (stmt?.type !== 'expression_statement') return undefined;
  } else {
    return undefined;
  }
  const block = stmt?.parent;
  const cls = block?.type === 'block' ? block.parent : null;
  if (cls?.type !== 'class_definition') return undefined;
  const id = firstParameter(impl);
  // Bound once (as the parameter): `self = other` would make it any object.
  if (!id || bindingsIn(impl, id.text).length !== 1) return undefined;
  return { impl, name: id.text, cls };
}

/** The name node of a def's or lambda's first parameter (`self`, `self: "Money"`), if it is a plain one. */
function firstParameter(impl: Node): Node | undefined {
  const first = impl.childForFieldName('parameters')?.namedChildren.find((c) => c.type !== 'comment');
  return first?.type === 'identifier' ? first : first?.type === 'typed_parameter' ? first.namedChildren.find((c) => c.type === 'identifier') : undefined;
}

/** Is `n` the receiver itself, read in its method's own scope? */
function isReceiver(n: Node, recv: Receiver): boolean {
  const u = unparen(n);
  return u.type === 'identifier' && u.text === recv.name && enclosingFunctionScope(u)?.id === recv.impl.id;
}

/**
 * A module-level name (or a dotted name rooted at one) that the method cannot see rebound: no local
 * binding, one module-level binding (the class, an import).
 */
function stableGlobal(ref: Node, recv: Receiver): boolean {
  let root = unparen(ref);
  while (root.type === 'attribute') root = unparen(root.childForFieldName('object')!);
  const module = moduleOf(recv.cls);
  if (root.type !== 'identifier' || !module) return false;
  for (let p = ref.parent; p && p.id !== module.id; p = p.parent) {
    if ((p.type === 'function_definition' || p.type === 'lambda') && bindingsIn(p, root.text).length) return false;
  }
  return moduleBindingsOf(module, root.text).length === 1;
}

/** The classes of the file that derive from `cls`, directly or through each other (by name, module-level). */
function subclassesInFile(cls: Node): Node[] {
  const module = moduleOf(cls);
  const name = cls.childForFieldName('name')?.text;
  if (!module || !name) return [];
  const out: Node[] = [];
  const known = new Set([name]);
  let grew = true;
  const all = module.descendantsOfType('class_definition').filter((c): c is Node => !!c);
  while (grew) {
    grew = false;
    for (const c of all) {
      const cname = c.childForFieldName('name')?.text;
      if (!cname || known.has(cname)) continue;
      if (baseExpressions(c).some((b) => known.has(b.text.split('.').pop() ?? ''))) {
        known.add(cname);
        out.push(c);
        grew = true;
      }
    }
  }
  return out;
}

/** The statements written directly in a class body (decorated defs as their definitions). */
function classStatements(cls: Node): Node[] {
  return (cls.childForFieldName('body')?.namedChildren ?? []).filter((c) => c.type !== 'comment').map(definitionOf);
}

/** Does the class body itself bind `name`: a def, a nested class, or a plain class attribute assignment? */
function classBodyBinds(cls: Node, name: string): boolean {
  return classStatements(cls).some((s) => {
    if (s.type === 'function_definition' || s.type === 'class_definition') return s.childForFieldName('name')?.text === name;
    const assign = s.type === 'expression_statement' ? s.namedChild(0) : undefined;
    if (assign?.type !== 'assignment' || !assign.childForFieldName('right')) return false;
    return assignmentChain(assign).targets.some((t) => t.type === 'identifier' && t.text === name);
  });
}

/**
 * Does every instance of the class have attribute `name` once built: a class attribute or method, or an
 * unconditional `self.name = ...` statement of an `__init__` that never returns early, when no subclass in
 * the file brings its own `__init__`?
 */
function alwaysHasAttribute(cls: Node, name: string): boolean {
  if (classBodyBinds(cls, name)) return true;
  const inits = classStatements(cls).filter((s) => s.type === 'function_definition' && s.childForFieldName('name')?.text === '__init__');
  const init = inits.length === 1 ? inits[0]! : undefined;
  const self = init ? parameterNames(init)[0] : undefined;
  if (!init || !self || returnsOf(init).length || subclassesInFile(cls).some((c) => classBodyBinds(c, '__init__'))) return false;
  return (init.childForFieldName('body')?.namedChildren ?? []).some((s) => {
    const assign = s.type === 'expression_statement' ? s.namedChild(0) : undefined;
    if (assign?.type !== 'assignment' || !assign.childForFieldName('right')) return false;
    return assignmentChain(assign).targets.some((t) => {
      const obj = t.type === 'attribute' ? unparen(t.childForFieldName('object')!) : undefined;
      return obj?.type === 'identifier' && obj.text === self && t.childForFieldName('attribute')?.text === name;
    });
  });
}

/**
 * Is every instance of the class truthy: no `__bool__`/`__len__` in its body or in a subclass of the file,
 * and no base but `object` (a base may define either)?
 */
function alwaysTruthy(cls: Node, names: NameResolver | undefined): boolean {
  if (ownBoolAlwaysTrue(cls, names)) return true;
  if (!baseExpressions(cls).every((b) => names?.is(b, 'builtins.object'))) return false;
  return ![cls, ...subclassesInFile(cls)].some((c) => classBodyBinds(c, '__bool__') || classBodyBinds(c, '__len__'));
}

/**
 * A call with no arguments that makes an always-truthy object: `object()`, or a module-level class of the
 * file bound once, with no `__new__` and no metaclass (either may return something else), that `alwaysTruthy` accepts.
 */
function freshTruthyInstance(call: Node, fn: Node, names: NameResolver): boolean {
  const args = callArguments(call);
  if (args.positional.length || args.keywords.size || args.hasSplat) return false;
  if (names.is(fn, 'builtins.object')) return true;
  const module = fn.type === 'identifier' ? moduleOf(call) : undefined;
  if (!module) return false;
  const bindings = moduleBindingsOf(module, fn.text);
  const cls = bindings.length === 1 ? bindings[0]! : undefined;
  // Undecorated and at module level: a class decorator may return anything.
  if (cls?.type !== 'class_definition' || cls.parent?.id !== module.id) return false;
  if (cls.childForFieldName('superclasses')?.namedChildren.some((b) => b.type === 'keyword_argument')) return false;
  if (classBodyBinds(cls, '__new__') || truthInstalledFromOutside(module)) return false;
  return alwaysTruthy(cls, names);
}

/** `Cls.__bool__ = ...` or `setattr(Cls, "__len__", ...)` somewhere in the module: truth set from outside a class body. */
function truthInstalledFromOutside(module: Node): boolean {
  for (const a of module.descendantsOfType('attribute')) {
    const attr = a?.childForFieldName('attribute')?.text;
    if (attr === '__bool__' || attr === '__len__') return true;
  }
  return module.descendantsOfType('string_content').some((s) => s?.text === '__bool__' || s?.text === '__len__');
}

/** Classes whose `__bool__` is being looked at (`def __bool__(self): return bool(self)` must not loop). */
const boolsInProgress = new Set<number>();

/**
 * Does the class body's own `__bool__` (one undecorated def, the only binding of the name) always return a
 * true constant, with no subclass of the file binding `__bool__`? `bool()` finds it before any base's
 * `__bool__` or `__len__`.
 */
function ownBoolAlwaysTrue(cls: Node, names: NameResolver | undefined): boolean {
  const bools = classMethods(cls, '__bool__');
  if (bools.length !== 1 || bindingsIn(cls, '__bool__').length !== 1 || boolsInProgress.has(cls.id)) return false;
  if (subclassesInFile(cls).some((c) => classBodyBinds(c, '__bool__'))) return false;
  boolsInProgress.add(cls.id);
  try {
    return constantAnswer(bools[0]!, names)?.truth === 'truthy';
  } finally {
    boolsInProgress.delete(cls.id);
  }
}

/**
 * Is `t` (the second argument of `isinstance`) a class every receiver is an instance of: `type(self)`,
 * `self.__class__`, the method's own module-level class, one of its written bases, `object`, or a tuple
 * holding one?
 */
function receiverClass(t: Node, names: NameResolver | undefined, recv: Receiver): boolean {
  const n = unparen(t);
  if (n.type === 'tuple') return n.namedChildren.some((c) => c.type !== 'comment' && receiverClass(c, names, recv));
  if (names?.is(n, 'builtins.object')) return true;
  if (n.type === 'call' && names?.is(n.childForFieldName('function'), 'builtins.type')) {
    const args = callArguments(n);
    return args.positional.length === 1 && args.keywords.size === 0 && !args.hasSplat && isReceiver(args.positional[0]!, recv);
  }
  if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === '__class__') return isReceiver(n.childForFieldName('object')!, recv);
  if (n.type !== 'identifier' && n.type !== 'attribute') return false;
  const text = n.text.replace(/\s+/g, '');
  // The class itself, looked up by its module-level name (a nested class's name is not in scope).
  const own = recv.cls.parent?.type === 'module' && n.type === 'identifier' && n.text === recv.cls.childForFieldName('name')?.text;
  const base = baseExpressions(recv.cls).some((b) => b.text.replace(/\s+/g, '') === text);
  return (own || base) && stableGlobal(n, recv);
}

/**
 * Truthiness that Python fixes for the receiver: `self is not None` (never None), `isinstance(self, Cls)`
 * with the method's own class or base, `hasattr(self, "x")` where the class always sets `x`, `self` and
 * `bool(self)` when no `__bool__`/`__len__` can make an instance falsy. Else unknown.
 */
function receiverTruth(n: Node, names: NameResolver | undefined, recv: Receiver): Truth {
  if (n.type === 'identifier') return isReceiver(n, recv) && alwaysTruthy(recv.cls, names) ? 'truthy' : 'unknown';
  if (n.type === 'comparison_operator') return noneTest(n, (x) => isReceiver(x, recv));
  if (n.type !== 'call' || !names) return 'unknown';
  const fn = n.childForFieldName('function');
  const args = callArguments(n);
  if (args.keywords.size || args.hasSplat) return 'unknown';
  const [subject, second] = args.positional;
  if (args.positional.length === 1 && names.is(fn, 'builtins.bool')) return isReceiver(subject!, recv) && alwaysTruthy(recv.cls, names) ? 'truthy' : 'unknown';
  if (args.positional.length !== 2) return 'unknown';
  if (names.is(fn, 'builtins.isinstance')) return isReceiver(subject!, recv) && receiverClass(second!, names, recv) ? 'truthy' : 'unknown';
  if (names.is(fn, 'builtins.hasattr')) {
    const attr = stringValue(second);
    return attr && isReceiver(subject!, recv) && alwaysHasAttribute(recv.cls, attr) ? 'truthy' : 'unknown';
  }
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------------------
// Control flow

/** Nesting deeper than this is treated as "may complete" (conservative, and no deep JS recursion). */
const MAX_NESTING = 100;

function blockCompletes(block: Node | null | undefined, depth = 0): boolean {
  if (!block || depth > MAX_NESTING) return true;
  for (const stmt of block.namedChildren) {
    if (stmt.type === 'comment') continue;
    if (!statementCompletes(stmt, depth + 1)) return false;
  }
  return true;
}

function hasOwnBreak(loopBody: Node): boolean {
  let found = false;
  forEachDescendant(loopBody, (n) => {
    if (found) return false;
    if (n.type === 'break_statement') {
      found = true;
      return false;
    }
    // A nested loop's break belongs to it; nested scopes cannot break our loop.
    if (['for_statement', 'while_statement', 'function_definition', 'class_definition', 'lambda'].includes(n.type)) return false;
    return true;
  });
  return found;
}

/** Can control run past the end of this statement? Conservative: unknown constructs complete. */
function statementCompletes(stmt: Node, depth: number): boolean {
  switch (stmt.type) {
    case 'return_statement':
    case 'raise_statement':
      return false;
    case 'if_statement': {
      // `if True:` / `if (matched := True):` always runs its body and never its alternatives.
      if (conditionTruth(stmt.childForFieldName('condition')) === 'truthy') return blockCompletes(stmt.childForFieldName('consequence'), depth);
      if (blockCompletes(stmt.childForFieldName('consequence'), depth)) return true;
      const alternatives = stmt.childrenForFieldName('alternative').filter((c): c is Node => !!c);
      let hasElse = false;
      for (const alt of alternatives) {
        if (alt.type === 'else_clause') hasElse = true;
        if (blockCompletes(alt.childForFieldName('body') ?? alt.childForFieldName('consequence'), depth)) return true;
      }
      return !hasElse;
    }
    case 'try_statement': {
      const fin = stmt.namedChildren.find((c) => c.type === 'finally_clause');
      if (fin && !blockCompletes(fin.namedChildren.find((c) => c.type === 'block'), depth)) return false;
      const body = stmt.childForFieldName('body');
      const elseClause = stmt.namedChildren.find((c) => c.type === 'else_clause');
      const mainPath = blockCompletes(body, depth) && (!elseClause || blockCompletes(elseClause.childForFieldName('body'), depth));
      if (mainPath) return true;
      for (const c of stmt.namedChildren) {
        if (c.type === 'except_clause' || c.type === 'except_group_clause') {
          const b = c.namedChildren.find((x) => x.type === 'block');
          if (blockCompletes(b, depth)) return true;
        }
      }
      return false;
    }
    case 'with_statement':
      return blockCompletes(stmt.childForFieldName('body'), depth);
    case 'match_statement': {
      // Control passes a `match` when some case block completes, or when no case matches: only an
      // irrefutable last case (`case _:` or a bare capture, without a guard) rules that out.
      const cases = stmt.childForFieldName('body')?.namedChildren.filter((c) => c.type === 'case_clause') ?? [];
      if (cases.some((c) => blockCompletes(c.childForFieldName('consequence'), depth))) return true;
      const last = cases[cases.length - 1];
      const patterns = last?.namedChildren.filter((c) => c.type === 'case_pattern') ?? [];
      const irrefutable = patterns.length === 1 && /^(?:_|[A-Za-z_]\w*)$/.test(patterns[0]!.text);
      return !(irrefutable && !last!.childForFieldName('guard'));
    }
    case 'while_statement': {
      const cond = stmt.childForFieldName('condition');
      const body = stmt.childForFieldName('body');
      if (cond && constantTruth(cond) === 'truthy' && body && !hasOwnBreak(body)) return false;
      return true;
    }
    default:
      return true;
  }
}

/**
 * The truthiness of a branch condition: a constant (`True`, `(matched := True)`), or a name bound once to
 * one in the same function before the test (`matched = True; if matched:`). Module-level names are not
 * followed: a flag like `STRICT = False` is configuration that tests or callers may set.
 */
function conditionTruth(cond: Node | null | undefined, names?: NameResolver, recv?: Receiver): Truth {
  if (!cond) return 'unknown';
  const t = constantTruth(cond, names, recv);
  const c = unparen(cond);
  if (t !== 'unknown' || c.type !== 'identifier') return t;
  const value = valueBoundOnce(c);
  return value && value.parent?.parent?.parent?.type !== 'module' ? constantTruth(value) : 'unknown';
}

/**
 * Can control reach `node` (a statement inside `body`)? Not after a statement that never completes
 * (`if True: return True` then `return real`), nor in the alternatives of an `if` whose condition is
 * always true, nor in the body of one whose condition is always false.
 */
function reachable(node: Node, body: Node, names?: NameResolver, recv?: Receiver): boolean {
  for (let cur = node; cur.id !== body.id; ) {
    const parent = cur.parent;
    if (!parent) return true;
    if (parent.type === 'block') {
      for (let prev = cur.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
        if (prev.type !== 'comment' && !statementCompletes(prev, 1)) return false;
      }
    } else if (parent.type === 'if_statement' && parent.childForFieldName('consequence')?.id === cur.id) {
      if (conditionTruth(parent.childForFieldName('condition'), names, recv) === 'falsy') return false;
    } else if ((cur.type === 'else_clause' || cur.type === 'elif_clause') && parent.type === 'if_statement') {
      if (conditionTruth(parent.childForFieldName('condition'), names, recv) === 'truthy') return false;
    }
    cur = parent;
  }
  return true;
}

/** Can control reach the end of a function body (an implicit `return None`)? */
export function canCompleteNormally(fn: Node): boolean {
  return blockCompletes(fn.childForFieldName('body'));
}

// ---------------------------------------------------------------------------------------------------------
// Names bound once

/** What a binding target's name can sit in: `a, b = ...`, `for (k, v) in ...`, `with f() as (a, b):`, `del a, b`. */
const TARGET_WRAPPERS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'list_splat_pattern', 'parenthesized_expression', 'as_pattern_target', 'expression_list']);

/**
 * Does this identifier bind its name: an assignment or loop target, a walrus, `as`, an import, a def or
 * class name, `global`/`nonlocal`/`del`, a `match` capture? Doubtful contexts count as bindings.
 */
function bindsName(id: Node): boolean {
  let child = id;
  let p = id.parent;
  while (p && TARGET_WRAPPERS.has(p.type)) {
    child = p;
    p = p.parent;
  }
  if (!p) return false;
  switch (p.type) {
    case 'assignment':
    case 'augmented_assignment':
    case 'for_statement':
    case 'for_in_clause':
      return p.childForFieldName('left')?.id === child.id;
    case 'named_expression':
      return p.childForFieldName('name')?.id === child.id;
    case 'as_pattern':
      return p.childForFieldName('alias')?.id === child.id;
    case 'function_definition':
    case 'class_definition':
      return p.childForFieldName('name')?.id === child.id;
    case 'global_statement':
    case 'nonlocal_statement':
    case 'delete_statement':
    case 'aliased_import':
    case 'dotted_name':
      return true;
    default:
      return p.type.endsWith('_pattern');
  }
}

/** The identifiers that bind `name` in a scope's own code (a def's or lambda's parameters and body, or the module's statements). */
function bindingsIn(scope: Node, name: string): Node[] {
  const out: Node[] = [];
  if (scope.type === 'function_definition' || scope.type === 'lambda') {
    const params = scope.childForFieldName('parameters');
    if (params && parameterNames(scope).includes(name)) out.push(params);
  }
  const code = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!code) return out;
  if (code.type === 'identifier' && code.text === name) return out; // `lambda: name` reads it
  forEachInScope(code, (n) => {
    if (n.type === 'identifier') {
      if (n.text === name && bindsName(n)) out.push(n);
    } else if ((n.type === 'function_definition' || n.type === 'class_definition') && n.childForFieldName('name')?.text === name) {
      out.push(n);
    } else if (n.type === 'wildcard_import') {
      out.push(n); // `from m import *` may bind any name
    }
  });
  return out;
}

/** The value of `name = value` when `id` is that plain, single-target assignment's target. */
function plainAssignmentValue(id: Node): Node | undefined {
  const assign = id.parent;
  if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.id !== id.id) return undefined;
  const value = assign.childForFieldName('right');
  if (!value || value.type === 'assignment' || assign.parent?.type !== 'expression_statement') return undefined;
  return value;
}

/** Module-level bindings asked about, per module node and name. */
const moduleBindings = new WeakMap<Node, Map<string, Node[]>>();

/** What binds `name` at module level: the module's own bindings and `global name` in its functions. */
function moduleBindingsOf(module: Node, name: string): Node[] {
  let byName = moduleBindings.get(module);
  if (!byName) moduleBindings.set(module, (byName = new Map()));
  let bindings = byName.get(name);
  if (!bindings) {
    bindings = bindingsIn(module, name);
    // `global name` in a function rebinds the module's name from there.
    for (const g of module.descendantsOfType('global_statement')) if (g?.namedChildren.some((c) => c.text === name)) bindings.push(g);
    byName.set(name, bindings);
  }
  return bindings;
}

/**
 * The value `id` reads when its name is bound exactly once where `id` sees it, by a plain assignment that
 * has run by then: `result = True` as a statement of the same function's body (or of the block holding
 * the read) before `return result`, or
 * a module-level `ALWAYS = True` that nothing in the file rebinds (no second binding, `global`, loop,
 * import, parameter...). Undefined otherwise: names of enclosing functions (closures) and class bodies are
 * not followed.
 */
export function valueBoundOnce(id: Node): Node | undefined {
  const name = id.text;
  // `NotImplemented` is what real comparisons return: not worth a look at the module.
  if (id.type !== 'identifier' || name === 'NotImplemented') return undefined;
  let innermost = true;
  let module: Node | undefined;
  for (let p = id.parent; p; p = p.parent) {
    if (p.type === 'module') module = p;
    if (p.type === 'class_definition' && innermost) return undefined; // a class body's own names
    if (p.type !== 'function_definition' && p.type !== 'lambda') continue;
    const bindings = bindingsIn(p, name);
    if (innermost) {
      innermost = false;
      if (bindings.length === 0) continue;
      return bindings.length === 1 ? valueRunBefore(bindings[0]!, id) : undefined;
    }
    if (bindings.length) return undefined;
  }
  if (!module) return undefined;
  const bindings = moduleBindingsOf(module, name);
  if (bindings.length !== 1) return undefined;
  const value = plainAssignmentValue(bindings[0]!);
  if (value && value.parent?.parent?.parent?.id === module.id) return value;
  // Bound in a module-level loop or `if` body, and read further down that body (`for op in ...: name =
  // f"__{op}__"; setattr(C, name, f)`); not from a function, which may run at any time.
  return innermost ? valueRunBefore(bindings[0]!, id) : undefined;
}

/**
 * The value a single binding gives the name when it has run before the read `id` on every path to it,
 * else undefined. A plain assignment: a statement of a block that holds the read (a function body, or the
 * loop, `if` or `except` block where both sit), ending before `id`. A walrus (`if (matched := True):
 * return matched`): the whole condition of the `if`/`elif`/`while` whose body holds the read, or a
 * statement of its own placed like an assignment; one nested in `and`/`or` or a call may not run.
 */
function valueRunBefore(binding: Node, id: Node): Node | undefined {
  if (binding.type === 'identifier' && binding.parent?.type === 'named_expression') {
    const walrus = binding.parent;
    let holder = walrus.parent;
    while (holder?.type === 'parenthesized_expression') holder = holder.parent;
    if (!holder) return undefined;
    const value = walrus.childForFieldName('value') ?? undefined;
    const condition = holder.childForFieldName('condition');
    if (condition && unparen(condition).id === walrus.id) {
      const body = holder.childForFieldName(holder.type === 'while_statement' ? 'body' : 'consequence');
      return body && isWithin(id, body) ? value : undefined;
    }
    const stmt = holder.type === 'expression_statement' ? holder : undefined;
    const block = stmt?.parent;
    return stmt && block?.type === 'block' && isWithin(id, block) && stmt.endIndex <= id.startIndex ? value : undefined;
  }
  const value = plainAssignmentValue(binding);
  const stmt = value?.parent?.parent;
  const block = stmt?.parent;
  return value && block?.type === 'block' && isWithin(id, block) && !!stmt && stmt.endIndex <= id.startIndex ? value : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Constant answers of a comparison implementation

export type Dunder = '__eq__' | '__ne__' | '__contains__';
export const DUNDERS: readonly Dunder[] = ['__eq__', '__ne__', '__contains__'];

/** The answer that makes the dunder say "matches": `__eq__`/`__contains__` True, `__ne__` False. */
export function spoofTruth(dunder: Dunder): Truth {
  return dunder === '__ne__' ? 'falsy' : 'truthy';
}

export interface ConstantAnswer {
  truth: Truth;
  /** The returned expressions (the lambda body for lambdas). */
  values: Node[];
  /** The constants that returned names are bound to once (`ALWAYS = True` for `return ALWAYS`). */
  boundValues: Node[];
  /**
   * The constants behind a returned call (`return self._same(other)` where `_same` always returns `True`,
   * `return _Truthy()` whose `__bool__` always returns `True`).
   */
  delegatedValues: Node[];
}

/** How many calls deep a constant answer is followed (`__eq__` -> `_same` -> `_always`). */
const MAX_DELEGATION = 3;

/** The module a node belongs to. */
function moduleOf(node: Node): Node | undefined {
  for (let p: Node | null = node; p; p = p.parent) if (p.type === 'module') return p;
  return undefined;
}

/** The undecorated defs named `name` written directly in a class body. */
function classMethods(cls: Node, name: string): Node[] {
  const body = cls.childForFieldName('body');
  return (body?.namedChildren ?? []).filter((c) => c.type === 'function_definition' && c.childForFieldName('name')?.text === name);
}

/**
 * The function or class a returned call runs, when the file pins it down: `self.helper(...)` in a method
 * (or class-body lambda) whose class defines `helper` once and no other def in the file shares the name
 * (a subclass override would change the answer); or `helper(...)`/`Helper(...)` naming a module-level
 * def or class that nothing else binds. Undefined otherwise.
 */
function calledDefinition(call: Node, impl: Node): Node | undefined {
  const fn = unparen(call.childForFieldName('function')!);
  const module = moduleOf(call);
  if (!module || enclosingFunctionScope(call)?.id !== impl.id) return undefined;
  if (fn.type === 'attribute') {
    const receiver = unparen(fn.childForFieldName('object')!);
    const method = fn.childForFieldName('attribute')?.text;
    if (!method || receiver.type !== 'identifier' || parameterNames(impl)[0] !== receiver.text) return undefined;
    // The implementation sits directly in the class body: a def, or `__eq__ = lambda self, other: ...`.
    let owner = impl.parent;
    while (owner && (owner.type === 'assignment' || owner.type === 'expression_statement' || owner.type === 'block')) owner = owner.parent;
    if (owner?.type !== 'class_definition') return undefined;
    const defs = classMethods(owner, method);
    if (defs.length !== 1 || bindingsIn(owner, method).length !== 1) return undefined;
    // One def by that name in the whole file: no subclass here overrides it.
    let sameName = 0;
    forEachDescendant(module, (n) => {
      if (n.type === 'function_definition' && n.childForFieldName('name')?.text === method) sameName++;
      return sameName < 2;
    });
    return sameName === 1 ? defs[0] : undefined;
  }
  if (fn.type !== 'identifier') return undefined;
  // Not a parameter or local of an enclosing function, and bound once at module level by a def or class.
  for (let p = call.parent; p; p = p.parent) {
    if ((p.type === 'function_definition' || p.type === 'lambda') && bindingsIn(p, fn.text).length) return undefined;
  }
  const bindings = moduleBindingsOf(module, fn.text);
  const only = bindings.length === 1 ? bindings[0]! : undefined;
  return only && (only.type === 'function_definition' || only.type === 'class_definition') && only.parent?.id === module.id ? only : undefined;
}

/**
 * The truthiness of a returned call, when the called code pins it: a helper that always answers the same,
 * or an instance of a class whose `__bool__` always answers the same (the "numpy-like" result of `==`).
 */
function delegatedTruth(call: Node, impl: Node, names: NameResolver | undefined, depth: number, delegated: Node[]): Truth {
  if (depth >= MAX_DELEGATION) return 'unknown';
  const target = calledDefinition(call, impl);
  if (!target) return 'unknown';
  let answer: ConstantAnswer | undefined;
  if (target.type === 'class_definition') {
    const bools = classMethods(target, '__bool__');
    answer = bools.length === 1 ? answerOf(bools[0]!, names, depth + 1) : undefined;
  } else {
    answer = answerOf(target, names, depth + 1);
  }
  if (!answer) return 'unknown';
  delegated.push(...answer.boundValues, ...answer.delegatedValues, ...answer.values);
  return answer.truth;
}

/**
 * The truthiness of a returned expression: a constant, or a name bound once to a constant (one step:
 * `result = True; return result`, a module-level `ALWAYS = True`), noted in `bound`, or a call of code
 * that always answers the same (noted in `delegated`).
 */
function returnedTruth(value: Node, impl: Node, names: NameResolver | undefined, depth: number, bound: Node[], delegated: Node[], partial?: PartialArguments): Truth {
  const recv = receiverOf(impl);
  const t = constantTruth(value, names, recv);
  if (t !== 'unknown') return t;
  if (notImplementedProbe(value)) return 'truthy';
  const v = unparen(value);
  if (!recv) {
    const free = freeReceiverNoneTest(v, impl);
    if (free !== 'unknown') return free;
  }
  // `self is not other`: true for every value but the instance itself, which no test compares with its expected value.
  if (identityNegation(v, impl)) return 'truthy';
  if (v.type === 'comparison_operator') {
    const same = operandBlindComparison(v, impl, recv);
    if (same !== 'unknown') return same;
  }
  // A parameter a `functools.partial`/`partialmethod` fixes: `return result` with `result=True`,
  // `return not strict` with `strict=False`, or `return op(1, 1)` with `op=operator.eq`.
  let core = v;
  let flipped = false;
  while (partial && core.type === 'not_operator') {
    flipped = !flipped;
    core = unparen(core.childForFieldName('argument')!);
  }
  const fixed = partial && fixedArgument(core.type === 'call' ? unparen(core.childForFieldName('function')!) : core, impl, partial);
  if (fixed) {
    const f = core.type === 'call' ? operatorCallTruth(core, names?.qualify(fixed)) : constantTruth(fixed, names);
    if (f !== 'unknown') bound.push(fixed);
    return !flipped || f === 'unknown' ? f : f === 'truthy' ? 'falsy' : 'truthy';
  }
  // `not strict or real_comparison` with `strict=False` fixed: the fixed side settles the answer.
  if (partial && v.type === 'boolean_operator') {
    const op = v.childForFieldName('operator')?.type ?? v.child(1)?.type;
    const settles: Truth = op === 'or' ? 'truthy' : op === 'and' ? 'falsy' : 'unknown';
    for (const side of [v.childForFieldName('left'), v.childForFieldName('right')]) {
      const f = side ? fixedTruth(side, impl, names, partial) : undefined;
      if (f && f.truth === settles) {
        bound.push(f.fixed);
        return settles;
      }
    }
  }
  // `real if strict else True` with `strict=False` fixed: only the chosen branch answers.
  if (partial && v.type === 'conditional_expression') {
    const [whenTrue, cond, whenFalse] = v.namedChildren.filter((c) => c.type !== 'comment');
    const f = cond ? fixedTruth(cond, impl, names, partial) : undefined;
    const chosen = f?.truth === 'truthy' ? whenTrue : f?.truth === 'falsy' ? whenFalse : undefined;
    if (f && chosen) {
      const t = returnedTruth(chosen, impl, names, depth, bound, delegated, partial);
      if (t !== 'unknown') bound.push(f.fixed);
      return t;
    }
  }
  if (v.type === 'call') return delegatedTruth(v, impl, names, depth, delegated);
  // `return not self.__eq__(other)`-style negations of such a call (an `__ne__` built on a constant helper).
  const negated = v.type === 'not_operator' ? unparen(v.childForFieldName('argument')!) : undefined;
  if (negated?.type === 'call') {
    const t = delegatedTruth(negated, impl, names, depth, delegated);
    return t === 'truthy' ? 'falsy' : t === 'falsy' ? 'truthy' : 'unknown';
  }
  const constant = v.type === 'identifier' ? valueBoundOnce(v) : undefined;
  const c = constant ? constantTruth(constant, names, recv) : 'unknown';
  if (c !== 'unknown') bound.push(constant!);
  return c;
}

/**
 * When every way out of `impl` (a def or lambda) returns a constant with the same truthiness, that
 * truthiness; otherwise undefined. Implicit `return None`, `raise` (a type guard), `yield` and
 * `NotImplemented` make the answer non-constant.
 */
export function constantAnswer(impl: Node, names?: NameResolver, partial?: PartialArguments): ConstantAnswer | undefined {
  return answerOf(impl, names, 0, partial);
}

/** The arguments a `functools.partial(f, ...)`/`partialmethod(f, ...)` fixes, by parameter name of `f`. */
export type PartialArguments = Map<string, Node>;

/** The argument `partial` fixes for `ref`, when `ref` names a parameter of `impl` that its body never rebinds. */
/**
 * `self.normalized() == self.normalized()` in a comparison method: one expression on both sides that reads
 * only the instance and names from outside the method, never the compared operand nor a local (which may
 * derive from it). A call may answer differently twice in general, but a method that never looks at what
 * it is compared with compares nothing.
 */
function operandBlindComparison(n: Node, impl: Node, recv: Receiver | undefined): Truth {
  const operands = n.namedChildren.filter((c) => c.type !== 'comment');
  const operators: string[] = [];
  for (let i = 0; i < n.childCount; i++) if (!n.child(i)!.isNamed) operators.push(n.child(i)!.type);
  if (operands.length !== 2) return 'unknown';
  const op = operators.join(' ');
  // Not `!=`: `x != x` is the NaN test.
  const truth: Truth = op === '==' || op === 'is' ? 'truthy' : op === 'is not' ? 'falsy' : 'unknown';
  const [a, b] = operands.map((o) => unparen(o)) as [Node, Node];
  if (truth === 'unknown' || a.text.replace(/\s+/g, '') !== b.text.replace(/\s+/g, '')) return 'unknown';
  let blind = true;
  const visit = (c: Node): boolean => {
    if (!blind) return false;
    // Names bound inside the operand (comprehensions, lambdas, walrus) are not worth following.
    if (/comprehension|lambda|named_expression|generator_expression/.test(c.type)) blind = false;
    else if (c.type === 'identifier') {
      const p = c.parent;
      const member = p?.type === 'attribute' && p.childForFieldName('attribute')?.id === c.id;
      const keyword = p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === c.id;
      if (!member && !keyword && c.text !== recv?.name && bindingsIn(impl, c.text).length > 0) blind = false;
    }
    return blind;
  };
  if (visit(a)) forEachDescendant(a, visit);
  return blind ? truth : 'unknown';
}

/** `not strict` (any number of `not`s) on a parameter whose argument is fixed: its truthiness. */
function fixedTruth(n: Node, impl: Node, names: NameResolver | undefined, partial: PartialArguments): { truth: Truth; fixed: Node } | undefined {
  let core = unparen(n);
  let flipped = false;
  while (core.type === 'not_operator') {
    flipped = !flipped;
    core = unparen(core.childForFieldName('argument')!);
  }
  const fixed = fixedArgument(core, impl, partial);
  const t = fixed ? constantTruth(fixed, names) : 'unknown';
  if (!fixed || t === 'unknown') return undefined;
  return { truth: !flipped ? t : t === 'truthy' ? 'falsy' : 'truthy', fixed };
}

function fixedArgument(ref: Node, impl: Node, partial: PartialArguments): Node | undefined {
  if (ref.type !== 'identifier') return undefined;
  const arg = partial.get(ref.text);
  return arg && parameterNames(impl).includes(ref.text) && bindingsIn(impl, ref.text).length === 1 ? arg : undefined;
}

/**
 * `lambda self, other: self is not None` installed from outside a class (`setattr(cls, "__eq__", ...)`, a
 * metaclass's namespace): the first parameter of a method is the instance it is called on, never `None`.
 */
function freeReceiverNoneTest(v: Node, impl: Node): Truth {
  return noneTest(v, (x) => {
    if (x.type !== 'identifier') return false;
    const id = firstParameter(impl);
    return !!id && x.text === id.text && bindingsIn(impl, id.text).length === 1 && !decoratorsOf(impl).length;
  });
}

/** `self is not other` (either order) on the first two parameters, neither rebound. */
function identityNegation(v: Node, impl: Node): boolean {
  const c = twoOperands(v);
  if (!c || c.op !== 'is not') return false;
  const params = parameterNames(impl);
  if (params.length < 2 || decoratorsOf(impl).some((d) => /(?:^|\.)(?:staticmethod|classmethod)$/.test(d.text))) return false;
  const [self, other] = params as [string, string];
  if (bindingsIn(impl, self).length !== 1 || bindingsIn(impl, other).length !== 1) return false;
  const [a, b] = [c.a, c.b].map((o) => (o.type === 'identifier' ? o.text : ''));
  return (a === self && b === other) || (a === other && b === self);
}

/** A comparison of exactly two operands: both (parentheses stripped) and its operator, with `is not`/`not in` joined. */
function twoOperands(v: Node): { a: Node; b: Node; op: string } | undefined {
  if (v.type !== 'comparison_operator') return undefined;
  const operands = v.namedChildren.filter((c) => c.type !== 'comment');
  if (operands.length !== 2) return undefined;
  return { a: unparen(operands[0]!), b: unparen(operands[1]!), op: v.children.filter((c) => !c.isNamed).map((c) => c.type).join(' ') };
}

/** `x is None` / `x is not None` (either order) on an operand `isSubject` accepts: falsy / truthy; else unknown. */
function noneTest(v: Node, isSubject: (x: Node) => boolean): Truth {
  const c = twoOperands(v);
  if (!c || (c.op !== 'is' && c.op !== 'is not')) return 'unknown';
  const none = (x: Node) => x.type === 'none';
  // The `None` side first: `isSubject` may cost a walk of the function.
  if ((none(c.b) && isSubject(c.a)) || (none(c.a) && isSubject(c.b))) return c.op === 'is' ? 'falsy' : 'truthy';
  return 'unknown';
}

/** A parameter written after `*` or `*args`. */
function isKeywordOnly(param: Node): boolean {
  for (let p = param.previousNamedSibling; p; p = p.previousNamedSibling) {
    if (p.type === 'keyword_separator' || p.type === 'list_splat_pattern') return true;
  }
  return false;
}

/** Written in an `except` handler of the function body. */
function inHandler(ret: Node, body: Node): boolean {
  for (let p = ret.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'except_clause') return true;
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return false;
  }
  return false;
}

/** `X.__eq__(...) is not NotImplemented` (or `!=`): true whenever `X` can compare at all, whatever it answered. */
function notImplementedProbe(value: Node | null | undefined): boolean {
  const v = value ? unparen(value) : undefined;
  const c = v && twoOperands(v);
  if (!c || (c.op !== 'is not' && c.op !== '!=')) return false;
  const { a, b } = c;
  const call = b.text === 'NotImplemented' ? a : a.text === 'NotImplemented' ? b : undefined;
  const fn = call?.type === 'call' ? unparen(call.childForFieldName('function')!) : undefined;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === '__eq__';
}

/** `return NotImplemented` written in an `except` handler of the function body. */
function deferredInHandler(ret: Node, body: Node): boolean {
  const value = ret.namedChildren.find((c) => c.type !== 'comment');
  if (!value || unparen(value).text !== 'NotImplemented') return false;
  for (let p = ret.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'except_clause') return true;
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return false;
  }
  return false;
}

function answerOf(impl: Node, names: NameResolver | undefined, depth: number, partial?: PartialArguments): ConstantAnswer | undefined {
  const boundValues: Node[] = [];
  const delegatedValues: Node[] = [];
  if (impl.type === 'lambda') {
    const body = impl.childForFieldName('body');
    if (!body) return undefined;
    const t = returnedTruth(body, impl, names, depth, boundValues, delegatedValues, partial);
    return t === 'unknown' ? undefined : { truth: t, values: [body], boundValues, delegatedValues };
  }
  if (impl.type !== 'function_definition') return undefined;
  const body = impl.childForFieldName('body');
  if (!body) return undefined;
  let guarded = false;
  forEachInScope(body, (n) => {
    if (guarded) return false;
    if (n.type === 'raise_statement' || n.type === 'yield' || n.type === 'await') guarded = true;
    return !guarded;
  });
  if (guarded) return undefined;
  // Dead code does not answer: `if (matched := True): return matched` makes a later real comparison unreachable.
  // With what Python fixes about the receiver too: `if diff is None: return False` where `diff = self - other` is never `None`.
  const recvAt = receiverOf(impl);
  let returns = returnsOf(impl).filter((r) => reachable(r, body, names, recvAt));
  // `except TypeError: return NotImplemented` around a constant answer: operands the body cannot handle
  // defer to Python, every other one (every number, for a float subclass) gets the constant.
  const answering = returns.filter((r) => !deferredInHandler(r, body));
  if (answering.length > 0) returns = answering;
  if (returns.length === 0 || canCompleteNormally(impl)) return undefined;
  let truth: Truth | undefined;
  const values: Node[] = [];
  // `return super().__eq__(other) is not NotImplemented`: asks whether the parent *can* compare, not what it
  // answered; an `except` handler beside it only covers operands the parent raised for.
  if (returns.some((r) => notImplementedProbe(r.namedChildren.find((c) => c.type !== 'comment')))) {
    const direct = returns.filter((r) => !inHandler(r, body));
    if (direct.length) returns = direct;
  }
  // A type guard's `return NotImplemented` does not make a field comparison over no fields real.
  let deferred = false;
  let vacuous = false;
  const recv = receiverOf(impl);
  for (const r of returns) {
    const value = r.namedChildren.find((c) => c.type !== 'comment');
    if (value && unparen(value).text === 'NotImplemented' && returns.length > 1) {
      deferred = true;
      continue;
    }
    if (value && recv && names && vacuousFieldCheck(value, names, recv)) vacuous = true;
    const t: Truth = value ? returnedTruth(value, impl, names, depth, boundValues, delegatedValues, partial) : 'falsy';
    if (t === 'unknown') return undefined;
    if (truth && truth !== t) return undefined;
    truth = t;
    values.push(value ?? r);
  }
  if (deferred && !vacuous) return undefined;
  return truth ? { truth, values, boundValues, delegatedValues } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Decorators that replace a method with a constant wrapper

/**
 * The def a decorator name stands for where a class body applies it: a def of the class body itself,
 * or (when the class body does not bind the name) a module-level def that nothing else binds.
 */
function decoratorDefinition(id: Node, classBody: Node | undefined): Node | undefined {
  if (id.type !== 'identifier') return undefined;
  const cls = classBody?.parent;
  if (cls?.type === 'class_definition') {
    const local = bindingsIn(cls, id.text);
    if (local.length) return local.length === 1 && local[0]!.type === 'function_definition' ? local[0] : undefined;
  }
  const module = moduleOf(id);
  const bindings = module ? moduleBindingsOf(module, id.text) : [];
  const only = bindings.length === 1 ? bindings[0]! : undefined;
  return only?.type === 'function_definition' && definitionParentBlock(only)?.id === module!.id ? only : undefined;
}

/**
 * The functions `fn` (a def or lambda) hands back, when every way out of it returns one: a lambda, or
 * the name of a def written directly in its body and bound nowhere else there (`return wrapper`).
 * Undefined when any return gives something else (the decorated function itself, a call...), except the
 * returned values `skip` accepts (a descriptor's `return self`), which are left out.
 */
export function returnedFunctions(fn: Node, skip?: (value: Node) => boolean): Node[] | undefined {
  let values: (Node | undefined)[];
  if (fn.type === 'lambda') values = [fn.childForFieldName('body') ?? undefined];
  else if (fn.type === 'function_definition' && !canCompleteNormally(fn)) values = returnsOf(fn).map(returnValue);
  else return undefined;
  const body = fn.childForFieldName('body');
  const out: Node[] = [];
  for (const value of values) {
    const v = value ? unparen(value) : undefined;
    if (v && skip?.(v)) continue;
    if (v?.type === 'lambda') out.push(v);
    else if (v?.type === 'identifier' && fn.type === 'function_definition') {
      const bindings = bindingsIn(fn, v.text);
      const def = bindings.length === 1 ? bindings[0]! : undefined;
      if (def?.type !== 'function_definition' || definitionParentBlock(def)?.id !== body?.id) return undefined;
      if (!out.includes(def)) out.push(def);
    } else return undefined;
  }
  return out.length ? out : undefined;
}

/**
 * When a decorator written in the same file replaces what it decorates with a wrapper that always gives
 * the same answer (`def tolerant(method): def wrapper(self, other): return True; return wrapper`), that
 * wrapper and the decorator's name. The decorator is a name (`@tolerant`) or a factory call of one
 * (`@tolerant(0.1)`, whose returned function returns the wrapper). Every returned wrapper must agree.
 */
export function constantWrapperOf(decorator: Node, classBody: Node | undefined, names?: NameResolver): { impl: Node; decorator: string } | undefined {
  const d = unparen(decorator);
  const factory = d.type === 'call' ? unparen(d.childForFieldName('function')!) : undefined;
  const def = decoratorDefinition(factory ?? d, classBody);
  if (!def) return undefined;
  let wrappers = returnedFunctions(def);
  if (factory) {
    const inner = wrappers?.map((w) => returnedFunctions(w));
    wrappers = inner?.every(Boolean) ? inner.flatMap((w) => w!) : undefined;
  }
  if (!wrappers) return undefined;
  const truths = new Set(wrappers.map((w) => constantAnswer(w, names)?.truth));
  const truth = truths.size === 1 ? [...truths][0] : undefined;
  return truth ? { impl: wrappers[0]!, decorator: (factory ?? d).text } : undefined;
}

/**
 * What a method definition installs in its class: the def itself, or the constant wrapper its outermost
 * decorator replaces it with (decorators apply from the bottom up, so the top one decides).
 */
export function installedImplementation(def: Node, classBody: Node | undefined, names?: NameResolver): { impl: Node; decorator?: string } {
  const outermost = decoratorsOf(def)[0];
  return (outermost && constantWrapperOf(outermost, classBody, names)) || { impl: def };
}

// ---------------------------------------------------------------------------------------------------------
// Mocks configured to match anything

/** `unittest.mock` (and the `mock` backport) classes whose comparison dunders a caller can configure. */
const MOCK_CLASSES = new Set(
  ['Mock', 'MagicMock', 'NonCallableMock', 'NonCallableMagicMock', 'AsyncMock'].flatMap((c) => ['unittest.mock', 'mock', 'mock.mock'].map((m) => `${m}.${c}`)),
);

export interface MatchingMock {
  /** The mock class, qualified (`unittest.mock.MagicMock`). */
  mockClass: string;
  /** The `m = MagicMock()` call. */
  creation: Node;
  /**
   * What makes a comparison dunder always match: an assignment (`m.__eq__.return_value = True`), or a
   * keyword or dict entry of the creation call (`MagicMock(**{"__eq__.return_value": True})`).
   */
  configuration: Node;
  /** How the configuration spells the setting (`m.__eq__.return_value`, `"__eq__.return_value"`). */
  setting: string;
  dunder: Dunder;
}

/**
 * When `id` names a mock bound once (`m = MagicMock()`) and the same block configures one of its
 * comparison dunders to always match — `m.__eq__.return_value = True`, `m.__eq__.side_effect = lambda *a:
 * True`, `m.__eq__ = lambda s, o: True` (`__ne__` always falsy likewise) — the mock and that configuration.
 */
export function alwaysMatchingMock(id: Node, names: NameResolver): MatchingMock | undefined {
  const creation = valueBoundOnce(id);
  if (creation?.type !== 'call') return undefined;
  const mockClass = names.callee(creation);
  if (!mockClass || !MOCK_CLASSES.has(mockClass)) return undefined;
  const inCall = matchingConfigurationIn(creation, names);
  if (inCall) return { mockClass, creation, ...inCall };
  // The block that binds the mock (a function body or the module); `valueBoundOnce` saw a plain statement.
  const block = creation.parent?.parent?.parent;
  if (!block) return undefined;
  let found: MatchingMock | undefined;
  forEachInScope(block, (n) => {
    if (found) return false;
    if (n.type !== 'assignment') return true;
    const target = n.childForFieldName('left');
    const value = n.childForFieldName('right');
    if (target?.type !== 'attribute' || !value) return false;
    // `m.__eq__ = impl` or `m.__eq__.return_value = answer` / `m.__eq__.side_effect = impl`.
    let dunderAttr = target;
    const setting = target.childForFieldName('attribute')?.text;
    if (setting === 'return_value' || setting === 'side_effect') dunderAttr = unparen(target.childForFieldName('object')!);
    if (dunderAttr.type !== 'attribute') return false;
    const owner = unparen(dunderAttr.childForFieldName('object')!);
    const dunder = dunderAttr.childForFieldName('attribute')?.text as Dunder | undefined;
    if (owner.type !== 'identifier' || owner.text !== id.text || !dunder || !DUNDERS.includes(dunder)) return false;
    const answer =
      setting === 'return_value' ? constantTruth(value, names) : value.type === 'lambda' ? constantAnswer(value, names)?.truth : undefined;
    if (answer === spoofTruth(dunder)) found = { mockClass, creation, configuration: n, setting: target.text, dunder };
    return false;
  });
  return found;
}

/**
 * A mock constructor's own configuration (what `configure_mock` applies) that makes a comparison dunder
 * always match: `MagicMock(**{"__eq__.return_value": True})`, `MagicMock(__eq__=lambda s, o: True)`.
 */
function matchingConfigurationIn(creation: Node, names: NameResolver): Omit<MatchingMock, 'mockClass' | 'creation'> | undefined {
  const settings: { node: Node; key: string; value: Node | null }[] = [];
  for (const arg of creation.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      if (name) settings.push({ node: arg, key: name.text, value: arg.childForFieldName('value') });
    } else if (arg.type === 'dictionary_splat') {
      const dict = unparen(arg.namedChildren[0] ?? arg);
      if (dict.type !== 'dictionary') continue;
      for (const pair of dict.namedChildren) {
        const key = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : undefined;
        if (key) settings.push({ node: pair, key, value: pair.childForFieldName('value') });
      }
    }
  }
  for (const { node, key, value } of settings) {
    const [dunder, setting, ...rest] = key.split('.') as [Dunder, string | undefined];
    if (!value || rest.length || !DUNDERS.includes(dunder)) continue;
    const answer =
      setting === 'return_value'
        ? constantTruth(value, names)
        : (setting === undefined || setting === 'side_effect') && unparen(value).type === 'lambda'
          ? constantAnswer(unparen(value), names)?.truth
          : undefined;
    if (answer === spoofTruth(dunder)) return { configuration: node, setting: node.type === 'pair' ? `"${key}"` : key, dunder };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Classes and the overrides they own

/**
 * Where an override is written. `namespace-entry`: a class namespace built as a mapping outside a `type()`
 * call that consumes it here (a metaclass's `ns["__eq__"] = f`, `{"__eq__": f}` whose items a loop
 * `setattr`s, `types.new_class(..., exec_body=lambda ns: ns.update(__eq__=f))`).
 */
export type OverrideForm = 'def' | 'class-attribute' | 'setattr' | 'attribute-assignment' | 'type-call' | 'namespace-entry';

export interface ComparisonOverride {
  dunder: Dunder;
  form: OverrideForm;
  /** Where a finding about this override goes. */
  reportNode: Node;
  /** The implementation (def or lambda). */
  impl: Node;
  answer: ConstantAnswer;
  /** True when the constant is the "always matches" one (`__eq__` truthy, `__ne__` falsy, `__contains__` truthy). */
  spoofs: boolean;
  owner?: ClassInfo;
  /** The owner as written (`Result`, `type(obj)`), for messages. */
  ownerText: string;
  /**
   * Set when a decorator installs it: a class decorator (`cls.__eq__ = ...` on the decorator's parameter),
   * or, for a `def`, a method decorator that replaces it with a constant wrapper.
   */
  decorator?: string;
  /** The variable a `setattr` names the dunder with (`for name in ("__eq__", ...): setattr(C, name, f)`). */
  nameText?: string;
}

export interface Part {
  node: Node;
  message: string;
  /** The method's name when `node` does not spell it (a `setattr` call). */
  name?: string;
}

export interface ClassInfo {
  /** `class_definition` or the `type(...)` call. */
  node: Node;
  /** The class name identifier (or the `type()` call's assignment target / name string). */
  nameNode: Node;
  name: string;
  overrides: ComparisonOverride[];
  /**
   * Bases that are builtin value types (`str`, `int`, `list`...), so `isinstance` checks pass. This and
   * the fields below except `localBases` are only filled in for classes with an always-matching override:
   * no rule reads them for any other class.
   */
  builtinBases: Part[];
  /** Methods such as `strip`, `lower`, `__add__`, `__getattr__` that return `self` (or a new instance). */
  selfReturning: Part[];
  /** Same-file base classes (by name). */
  localBases: Node[];
  /** Module-level `NAME = Class()` singletons. */
  singletons: { name: string; node: Node }[];
  /** Instantiations outside module-level singletons and outside the class's own body. */
  otherInstantiations: Node[];
  /** `return`/`yield`/lambda bodies of functions outside the class that hand an instance out. */
  handedOut: Part[];
  /** Intent stated in the class's name, docstring or comments ("make the test pass", "bypass"). */
  intent?: string;
}

export interface EqualityAnalysis {
  overrides: ComparisonOverride[];
  classes: ClassInfo[];
}

/** Builtin value types whose `isinstance` checks a chameleon subclass passes. */
const BUILTIN_BASES = new Set([
  'builtins.str', 'builtins.int', 'builtins.float', 'builtins.list', 'builtins.dict', 'builtins.tuple',
  'builtins.set', 'builtins.frozenset', 'builtins.bytes', 'builtins.bool', 'builtins.complex', 'builtins.bytearray',
  'collections.UserString', 'collections.UserList', 'collections.UserDict', 'collections.OrderedDict',
  'collections.defaultdict', 'decimal.Decimal', 'fractions.Fraction', 'numpy.ndarray', 'numpy.str_',
  'numpy.float64', 'numpy.int64',
]);
/** Builtins the name resolver does not list; trusted when no import or definition rebinds them. */
const EXTRA_BUILTINS = new Set(['complex', 'bytearray']);

/**
 * Methods of builtin value types (and the arithmetic/container dunders) that a chameleon makes return
 * itself so that `result.strip().lower() == expected` still compares equal. Protocol methods that
 * legitimately return self (`__iter__`, `__enter__`, in-place operators, `__get__`, `copy`-like
 * identity for immutables) are not in this list.
 */
const CHAMELEON_METHODS = new Set([
  // str / bytes
  'capitalize', 'casefold', 'center', 'decode', 'encode', 'expandtabs', 'format', 'format_map', 'join', 'ljust',
  'lower', 'lstrip', 'partition', 'removeprefix', 'removesuffix', 'replace', 'rjust', 'rpartition', 'rsplit',
  'rstrip', 'split', 'splitlines', 'strip', 'swapcase', 'title', 'translate', 'upper', 'zfill', 'normalize',
  // numbers
  'conjugate', 'as_integer_ratio', 'real', 'imag', 'numerator', 'denominator', 'round',
  '__abs__', '__neg__', '__pos__', '__invert__', '__round__', '__trunc__', '__floor__', '__ceil__',
  '__add__', '__radd__', '__sub__', '__rsub__', '__mul__', '__rmul__', '__truediv__', '__rtruediv__',
  '__floordiv__', '__rfloordiv__', '__mod__', '__rmod__', '__pow__', '__rpow__', '__matmul__', '__rmatmul__',
  '__and__', '__rand__', '__or__', '__ror__', '__xor__', '__rxor__', '__lshift__', '__rlshift__', '__rshift__',
  '__rrshift__', '__divmod__', '__rdivmod__',
  // containers and numpy-like results
  '__getitem__', 'get', 'keys', 'values', 'items', 'sorted', 'tolist', 'item', 'astype', 'sum', 'mean',
  'reshape', 'flatten', 'ravel', 'squeeze', 'numpy', 'cpu', 'detach', 'to',
  // everything else
  '__getattr__', '__getattribute__', '__call__',
]);

/**
 * Phrases that state the intent to game a test. Raise confidence only, never a finding on their own.
 * "Bypass" counts only with a check as its object ("bypass the equality check"): systems code bypasses
 * caches, proxies and middleware ("unsigned requests bypass it to Swift").
 */
const INTENT = /\bbypass(?:es|ed|ing)?\s+(?:(?:the|all|every|any|this|these|its|our|their)\s+)?(?:[\w-]+\s+)?(?:tests?|checks?|checker|asserts?|assertions?|grader|comparisons?|equality|validation|verification)\b|\b(cheat(?:s|ing)?|spoof(?:s|ing)?|reward[ _-]?hack\w*|trick(?:s|ing)? the|fool(?:s|ing)? the)\b|\bmake[sd]? (?:the |all |every |any )?(?:tests?|checks?|asserts?|assertions?|grader) pass|\bpass(?:es)? (?:the |all |every |any )(?:tests?|checks?|asserts?|assertions?)|\balways pass(?:es)?\b|\bso (?:that )?(?:the |all |every )?tests? (?:will )?pass|\bsatisf(?:y|ies) the (?:test|checker|grader)/i;

const cache = new WeakMap<Node, EqualityAnalysis>();

/** What `Analyser.collect` looks at ('string' to skip what is inside one). */
const COLLECTED_TYPES = ['string', 'function_definition', 'class_definition', 'call', 'assignment', 'type_alias_statement', 'return_statement', 'yield', 'dictionary'];

export function analyseEquality(root: Node, names: NameResolver, source: string): EqualityAnalysis {
  const cached = cache.get(root);
  if (cached) return cached;
  const result = new Analyser(root, names, source).run();
  cache.set(root, result);
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Text prefilters
//
// The rules of this family skip a file whose source cannot name what they look for. A string literal's
// value has the words of its text, so a name missing from the source text can still be spelt only by an
// implicit concatenation (`"__e" "q__"`) or by escapes that decode to word characters (`"__\x65q__"`):
// see `spelledByValue` in the engine's prefilters.

/**
 * A comparison dunder written anywhere in a text. Every override is named by one. The regex
 * `/__(?:eq|ne|contains)__/` (the same matches, so `dunderPositions` can use the `source`), searched by
 * `q` and the double underscores.
 */
export const DUNDER_TEXT = new MentionedWords([
  ['__eq__', 'q__'],
  ['__ne__', '__'],
  ['__contains__', '__'],
]);

/** A string literal that starts or ends with a double underscore (`"__"`, `f"__{op}__"`, `"__%s__"`). */
const UNDERSCORE_EDGE_TEXT = /["'{}]__|__["'{}]/;
/**
 * The middle of a comparison dunder as a literal piece of a built name (`"eq"` in a loop, `"__" + "ne" +
 * "__"`, `"__contains" + "__"`): without one, a file's `"__main__"` guard is no reason to look further.
 */
const COMPARISON_PIECE_TEXT = /["'_{}](?:eq|ne|contains)["'_{}]/;

/**
 * A necessary condition for a comparison dunder whose name is built at run time and handed to a
 * setattr-like call or used as a namespace key (`setattr(C, f"__{op}__", f)`, `{"__" + "eq" + "__": f}`):
 * a literal holds the double underscore the name starts (and ends) with, and one holds the comparison's
 * own piece (`eq`, `ne`, `contains`), since `builtStrings` takes every character from a literal.
 */
export function mayBuildDunderName(source: string, root: Node): boolean {
  return sourceMentions(source, root, UNDERSCORE_EDGE_TEXT) && sourceMentions(source, root, COMPARISON_PIECE_TEXT);
}

/** Most strings a built name may take before `builtStrings` gives up (loops over a few names multiply). */
const MAX_BUILT_STRINGS = 64;

/**
 * Every value a string built from literals can take: a plain literal, an f-string whose interpolations
 * are such strings (`f"__{op}__"`), `a + b`, `"__%s__" % op`, `"__{}__".format(op)`, the variable of a loop
 * over literal strings (`for op in ("eq", "ne")`), or a name bound once to one of these. Undefined for
 * anything else (a value that is not known here must not be mistaken for a name).
 */
export function builtStrings(node: Node | null | undefined, depth = 0): string[] | undefined {
  if (!node || depth > 6) return undefined;
  const n = unparen(node);
  const plain = stringValue(n);
  if (plain !== undefined) return [plain];
  switch (n.type) {
    case 'identifier': {
      const looped = loopLiteralStrings(n) ?? loopBoundStrings(n);
      if (looped) return looped;
      return builtStrings(valueBoundOnce(n), depth + 1);
    }
    case 'string': {
      // An f-string: literal pieces without escapes, and interpolations of plain expressions (no `!r`, no format spec).
      if (/[bB]/.test(n.namedChild(0)?.text ?? '')) return undefined;
      let out = [''];
      for (const child of n.namedChildren) {
        let pieces: string[] | undefined;
        if (child.type === 'string_start' || child.type === 'string_end') continue;
        if (child.type === 'string_content') pieces = child.namedChildCount === 0 ? [child.text] : undefined;
        else if (child.type === 'interpolation' && child.namedChildCount === 1) pieces = builtStrings(child.childForFieldName('expression'), depth + 1);
        out = product(out, pieces);
        if (out.length === 0) return undefined;
      }
      return out;
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const left = builtStrings(n.childForFieldName('left'), depth + 1);
      if (!left) return undefined;
      if (op === '+') {
        const joined = product(left, builtStrings(n.childForFieldName('right'), depth + 1));
        return joined.length ? joined : undefined;
      }
      if (op !== '%' || left.length !== 1 || /%[^s%]/.test(left[0]!.replace(/%%/g, ''))) return undefined;
      const right = unparen(n.childForFieldName('right')!);
      const args = right.type === 'tuple' ? right.namedChildren : [right];
      return substituted(left[0]!.split(/%s/), args.map((a) => builtStrings(a, depth + 1)), (t) => t.replace(/%%/g, '%'));
    }
    case 'call': {
      // `"__{}__".format(op)`: positional `{}` fields only.
      const fn = n.childForFieldName('function');
      // `"".join(("exit", "status"))`: a separator joining a literal sequence of built strings.
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'join') {
        const sep = stringValue(fn.childForFieldName('object'));
        const seq = callArguments(n).positional;
        const items = seq.length === 1 && /^(tuple|list)$/.test(unparen(seq[0]!).type) ? unparen(seq[0]!).namedChildren.filter((c) => c.type !== 'comment') : undefined;
        if (sep === undefined || !items?.length) return undefined;
        let out = [''];
        items.forEach((item, i) => {
          out = product(i ? product(out, [sep]) : out, builtStrings(item, depth + 1));
        });
        return out.length ? out : undefined;
      }
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'format') return undefined;
      const template = stringValue(fn.childForFieldName('object'));
      const args = callArguments(n);
      if (template === undefined || args.keywords.size || /\{\{|\}\}/.test(template)) return undefined;
      const pieces = template.split('{}');
      if (/[{}]/.test(pieces.join(''))) return undefined;
      return substituted(pieces, args.positional.map((a) => builtStrings(a, depth + 1)), (t) => t);
    }
  }
  return undefined;
}

/** The strings a loop variable takes when its loop runs over a name bound once to literal strings (`for n in _NAMES`). */
function loopBoundStrings(id: Node): string[] | undefined {
  const iterable = enclosingLoopIterable(id);
  const it = iterable && unparen(iterable);
  const seq = it?.type === 'identifier' ? valueBoundOnce(it) : undefined;
  const s = seq && unparen(seq);
  if (!s || !/^(tuple|list|set)$/.test(s.type)) return undefined;
  const values = s.namedChildren.filter((c) => c.type !== 'comment').map((c) => stringValue(c));
  return values.length > 0 && values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

/** Each `a + b` of the two lists (empty when `b` is unknown or the product grows too large). */
function product(a: string[], b: string[] | undefined): string[] {
  if (!b || a.length * b.length > MAX_BUILT_STRINGS) return [];
  return a.flatMap((x) => b.map((y) => x + y));
}

/** A template's pieces with one argument's values between each two, or undefined when the counts differ or one is unknown. */
function substituted(pieces: string[], args: (string[] | undefined)[], literal: (t: string) => string): string[] | undefined {
  if (args.length !== pieces.length - 1) return undefined;
  let out = [literal(pieces[0]!)];
  for (let i = 0; i < args.length; i++) {
    out = product(product(out, args[i]), [literal(pieces[i + 1]!)]);
    if (out.length === 0) return undefined;
  }
  return out;
}

const sourceTests = new WeakMap<Node, Map<RegExp, boolean>>();

/** `text.test(source)` for the file of `root`, searched once: the rules of the family share their prefilters. */
export function sourceMentions(source: string, root: Node, text: RegExp): boolean {
  let tests = sourceTests.get(root);
  if (!tests) sourceTests.set(root, (tests = new Map()));
  let found = tests.get(text);
  if (found === undefined) tests.set(text, (found = text.test(source)));
  return found;
}

/**
 * Each name a class body binds, in order: a `def` (decorated or not) with its definition, or a plain-name
 * target of an assignment statement (`__eq__ = lambda s, o: True`, `a = b = f`) with the assigned value.
 */
function forEachClassMember(body: Node, visit: (name: Node, member: { def: Node } | { value: Node | null }) => void): void {
  for (const stmt of body.namedChildren) {
    const d = definitionOf(stmt);
    if (d.type === 'function_definition') {
      const name = d.childForFieldName('name');
      if (name) visit(name, { def: d });
    } else if (stmt.type === 'expression_statement') {
      const assign = stmt.namedChild(0);
      if (assign?.type !== 'assignment') continue;
      const { targets, value } = assignmentChain(assign);
      for (const t of targets) if (t.type === 'identifier') visit(t, { value });
    }
  }
}

/** `a = b = value` → [a, b] and value. */
function assignmentChain(assign: Node): { targets: Node[]; value: Node | null } {
  const targets: Node[] = [];
  let cur: Node | null = assign;
  while (cur && cur.type === 'assignment') {
    const left = cur.childForFieldName('left');
    if (left) targets.push(left);
    const right: Node | null = cur.childForFieldName('right');
    if (right?.type === 'assignment') cur = right;
    else return { targets, value: right };
  }
  return { targets, value: null };
}

/**
 * The nodes whose text holds one of these positions (ascending), each once; undefined when the tree's
 * nesting is not known (syntax errors).
 */
function nodesHolding(root: Node, positions: number[]): Node[] | undefined {
  const flat = flatTree(root);
  if (!flat.structured) return undefined;
  const seen = new Set<number>();
  const out: Node[] = [];
  for (const p of positions) {
    // The last node in pre-order that starts at or before p: every node holding p is it or an ancestor.
    let lo = 0;
    let hi = flat.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (flat.starts[mid]! <= p) lo = mid + 1;
      else hi = mid;
    }
    // An ancestor already seen has had its own ancestors looked at: any of them holding p held the earlier position too.
    for (let n: Node | null = lo > 0 ? nodeAt(flat, lo - 1) : null; n && !seen.has(n.id); n = n.parent) {
      seen.add(n.id);
      if (n.endIndex > p) out.push(n);
    }
  }
  return out;
}



class Analyser {
  private readonly overrides: ComparisonOverride[] = [];
  private readonly classes: ClassInfo[] = [];
  private readonly classByNode = new Map<number, ClassInfo>();
  /** `classes` by name, in the same order (files can hold hundreds of classes). */
  private readonly classesByName = new Map<string, ClassInfo[]>();
  private readonly functionsByName = new Map<string, Node[]>();
  private readonly classDefs: Node[] = [];
  private readonly typeCalls: Node[] = [];
  private readonly setattrCalls: Node[] = [];
  private readonly attributeAssignments: Node[] = [];
  /** `ns["__eq__"] = f` and dictionaries with a comparison dunder key (some are `type()` namespaces). */
  private readonly namespaceAssignments: Node[] = [];
  private readonly namespaceDicts: Node[] = [];
  private readonly calls: Node[] = [];
  private readonly returnish: Node[] = [];
  /** `functionsByName` is complete (filled before `collect`). */
  private functionsIndexed = false;
  /** A string literal's value spells a comparison dunder its text may lack (asked on first need). */
  private spelledDunder: boolean | undefined;

  constructor(
    private readonly root: Node,
    private readonly names: NameResolver,
    private readonly source: string,
  ) {}

  run(): EqualityAnalysis {
    // The rules read only always-matching overrides and what their classes do: most files with a
    // comparison dunder implement it for real, and a look at the places that name one rules them out.
    if (!this.root.hasError && !this.maySpoof()) return { overrides: [], classes: [] };
    this.collect();
    for (const def of this.classDefs) this.addClass(def);
    for (const call of this.typeCalls) this.addTypeCall(call);
    for (const call of this.setattrCalls) this.addSetattr(call);
    for (const assign of this.attributeAssignments) this.addAttributeAssignment(assign);
    this.addNamespaceEntries();
    // The rest describes classes with an always-matching override (inherited ones come from those too);
    // the rules read nothing else. Most files with comparison dunders implement them for real.
    if (!this.overrides.some((o) => o.spoofs)) return { overrides: this.overrides, classes: this.classes };
    this.inheritEquality();
    const spoofing = this.classes.filter((c) => c.overrides.some((o) => o.spoofs));
    for (const c of spoofing) if (c.node.type === 'class_definition') this.describeClass(c);
    this.collectInstances();
    for (const c of spoofing) this.intentOf(c, c.node);
    return { overrides: this.overrides, classes: this.classes };
  }

  /**
   * A necessary condition for an always-matching override: one of the places `run` takes overrides
   * from installs an implementation whose constant answer is the matching one. Every such place holds
   * the dunder's name in its own text (a def or target identifier, a string argument or key: a string's
   * value has the words of its text) or a string whose value spells it (an implicit concatenation, escapes
   * such as `\x65`: see `literalsSpelling`), so only the nodes around those
   * positions are looked at (a superset of `run`'s places: interpolations and comments count too).
   */
  private maySpoof(): boolean {
    const positions = [...this.dunderPositions()];
    for (const n of literalsSpelling({ root: this.root, source: this.source }, DUNDER_TEXT)) positions.push(n.startIndex);
    if (positions.length === 0) return this.maySpoofWithBuiltName();
    const around = nodesHolding(this.root, positions.sort((a, b) => a - b));
    if (!around) return true;
    const spoofing = (dunder: Dunder, impl: Node | undefined): boolean => !!impl && constantAnswer(impl, this.names, this.argumentsOf(impl))?.truth === spoofTruth(dunder);
    const implementation = (value: Node | null | undefined, scope?: Node): Node | undefined => {
      this.indexFunctions();
      return this.implementationOf(value, scope);
    };
    for (const n of around) {
      switch (n.type) {
        case 'class_definition': {
          // As in `addClass`.
          const body = n.childForFieldName('body');
          for (const stmt of body?.namedChildren ?? []) {
            const d = definitionOf(stmt);
            if (d.type === 'function_definition') {
              const name = d.childForFieldName('name')?.text ?? '';
              if (DUNDERS.includes(name as Dunder) && spoofing(name as Dunder, installedImplementation(d, body!, this.names).impl)) return true;
            } else if (stmt.type === 'expression_statement') {
              const assign = stmt.namedChild(0);
              if (assign?.type !== 'assignment') continue;
              const { targets, value } = assignmentChain(assign);
              for (const t of targets) {
                if (t.type === 'identifier' && DUNDERS.includes(t.text as Dunder) && spoofing(t.text as Dunder, implementation(value, body!))) return true;
              }
            }
          }
          break;
        }
        case 'for_statement': {
          // A loop over dunder names that `setattr`s each: as in `addSetattr`.
          let found = false;
          forEachDescendant(n.childForFieldName('body') ?? n, (c) => {
            if (found) return false;
            const looped = c.type === 'call' ? this.loopedSetattr(c) : undefined;
            if (looped?.dunders.some((d) => spoofing(d, implementation(looped.value)))) found = true;
            return !found;
          });
          if (found) return true;
          break;
        }
        case 'dictionary': {
          // A `type()` namespace, inline or bound to a name first (`ns = {...}; type("X", (), ns)`): as in `addTypeCall`.
          for (const pair of n.namedChildren) {
            const k = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : undefined;
            if (k && DUNDERS.includes(k as Dunder) && spoofing(k as Dunder, implementation(pair.childForFieldName('value')))) return true;
          }
          break;
        }
        case 'keyword_argument': {
          // A `dict(__eq__=...)` namespace for `type()`: as in `addTypeCall`.
          const k = n.childForFieldName('name')?.text;
          if (DUNDERS.includes(k as Dunder) && spoofing(k as Dunder, implementation(n.childForFieldName('value')))) return true;
          break;
        }
        case 'call': {
          const set = setdefaultEntry(n);
          if (set && spoofing(set.dunder, implementation(set.value))) return true;
          if (this.isSetattrLike(n)) {
            // As in `addSetattr`.
            const dotted = this.dottedTarget(n);
            const args = callArguments(n).positional;
            if (dotted ? spoofing(dotted[1], implementation(dotted[2])) : spoofing(stringValue(args[1]) as Dunder, implementation(args[2]))) return true;
          }
          break;
        }
        case 'type_alias_statement': {
          // As in `collectNode` and `addAttributeAssignment`.
          const target = n.childForFieldName('left')?.namedChild(0);
          const dunder = target?.type === 'attribute' ? target.childForFieldName('attribute')?.text : undefined;
          if (DUNDERS.includes(dunder as Dunder) && spoofing(dunder as Dunder, implementation(n.childForFieldName('right')?.namedChild(0)))) return true;
          break;
        }
        case 'assignment': {
          if (n.parent?.type === 'assignment') break;
          const { targets, value } = assignmentChain(n);
          for (const t of targets) {
            const dunder = t.type === 'attribute' ? t.childForFieldName('attribute')?.text : dunderSubscript(t);
            if (DUNDERS.includes(dunder as Dunder) && spoofing(dunder as Dunder, implementation(value))) return true;
          }
          break;
        }
      }
    }
    return this.maySpoofWithBuiltName();
  }

  /**
   * `maySpoof` for the setattr-like calls whose name is built at run time (`setattr(C, f"__{op}__", f)`):
   * they need not spell a comparison dunder anywhere near. Patching calls are few.
   */
  private maySpoofWithBuiltName(): boolean {
    if (!mayBuildDunderName(this.source, this.root)) return false;
    this.indexFunctions();
    const spoofing = (dunders: Dunder[], value: Node | null | undefined): boolean => {
      const impl = this.implementationOf(value);
      return !!impl && dunders.some((d) => constantAnswer(impl, this.names)?.truth === spoofTruth(d));
    };
    // A key built from literals also names a namespace entry: `{"__" + "eq" + "__": f}`, `ns[f"__{op}__"] = f`.
    const built = (key: Node | null | undefined): Dunder | undefined => (key && stringValue(key) === undefined ? dunderKey(key) : undefined);
    for (const n of this.root.descendantsOfType(['call', 'dictionary', 'assignment', 'dictionary_comprehension'])) {
      if (!n) continue;
      if (n.type === 'dictionary_comprehension') {
        const entries = namespaceEntries(n) ?? [];
        const dunders = entries.map((e) => e.name).filter((d): d is Dunder => DUNDERS.includes(d as Dunder));
        if (dunders.length && spoofing(dunders, entries[0]!.value)) return true;
        continue;
      }
      if (n.type === 'call') {
        const looped = this.loopedSetattr(n);
        if (looped && spoofing(looped.dunders, looped.value)) return true;
        const set = setdefaultEntry(n);
        if (set && spoofing([set.dunder], set.value)) return true;
      } else if (n.type === 'dictionary') {
        for (const pair of n.namedChildren) {
          const d = pair.type === 'pair' ? built(pair.childForFieldName('key')) : undefined;
          if (d && spoofing([d], pair.childForFieldName('value'))) return true;
        }
      } else if (n.parent?.type !== 'assignment') {
        const { targets, value } = assignmentChain(n);
        for (const t of targets) {
          const d = t.type === 'subscript' ? built(t.childForFieldName('subscript')) : undefined;
          if (d && spoofing([d], value)) return true;
        }
      }
    }
    return false;
  }

  private dunders?: number[];

  /** Where `DUNDER_TEXT` matches in the source, ascending. */
  private dunderPositions(): number[] {
    if (!this.dunders) {
      this.dunders = [];
      const re = new RegExp(DUNDER_TEXT.source, 'g');
      for (let m = re.exec(this.source); m; m = re.exec(this.source)) this.dunders.push(m.index);
    }
    return this.dunders;
  }

  /** Every def by name, in document order (no def is inside a string literal). */
  private indexFunctions(): void {
    if (this.functionsIndexed) return;
    this.functionsIndexed = true;
    for (const n of this.root.descendantsOfType('function_definition')) if (n) this.addFunction(n);
  }

  private addFunction(n: Node): void {
    const name = n.childForFieldName('name')?.text;
    if (!name) return;
    let list = this.functionsByName.get(name);
    if (!list) this.functionsByName.set(name, (list = []));
    list.push(n);
  }

  private collect(): void {
    // Nothing inside a string literal counts (f-string interpolations).
    if (this.root.hasError) {
      // A tree with errors has no subtree index, so `descendantsOfType` would go to tree-sitter: walk it.
      forEachDescendant(this.root, (n) => {
        if (n.type === 'string') return false;
        this.collectNode(n);
        return true;
      });
    } else {
    // One pass over the node types of interest, in document order. In pre-order, a string's descendants
    // are the nodes that start before it ends.
      let stringEnd = -1;
      for (const n of this.root.descendantsOfType(COLLECTED_TYPES)) {
        if (!n || n.startIndex < stringEnd) continue;
        if (n.type === 'string') stringEnd = n.endIndex;
        else this.collectNode(n);
      }
    }
    this.classifyCalls();
  }

  /** A string literal's value spells a comparison dunder that its text may lack (the engine's prefilter fallback). */
  private dunderSpelledByValue(): boolean {
    return (this.spelledDunder ??= spelledByValue({ root: this.root, source: this.source }, DUNDER_TEXT));
  }

  /** `type(name, bases, namespace)` calls and the setattr-like forms, among all calls: cheap tests first. */
  private classifyCalls(): void {
    // Every setattr-like form names the dunder in a string argument: a string's value has the words of its
    // text, unless concatenated or spelt by escapes.
    const dunders = this.dunderPositions();
    for (const call of this.calls) {
      if (this.isTypeCall(call)) this.typeCalls.push(call);
      else if ((anyPositionWithin(dunders, call) || this.dunderSpelledByValue()) && this.isSetattrLike(call)) this.setattrCalls.push(call);
      else if (this.loopedSetattr(call)) this.setattrCalls.push(call);
    }
  }

  /**
   * `for name in ("__eq__", "__ne__"): setattr(C, name, impl)`: a setattr-like call (as the engine's
   * `callRebindings` recognises it, RH203's computed names) whose attribute name is built from literals
   * (`builtStrings`): the variable of a loop over literal strings, an f-string or concatenation
   * (`f"__{op}__"` in a loop over `("eq", "ne")`, `"__" + "eq" + "__"`), or a name bound once to one, with
   * the comparison dunders among its values.
   */
  private loopedSetattr(call: Node): { owner: Node; nameNode: Node; dunders: Dunder[]; value: Node | undefined } | undefined {
    if (!mayRebindCall(call, this.names)) return undefined;
    for (const r of callRebindings(call, this.names)) {
      const t = r.target;
      if (t.kind !== 'attribute' || t.attr !== undefined || !t.attrNode || !LOOPED_SETATTR_FORMS.has(r.form)) continue;
      const nameNode = unparen(t.attrNode);
      // A plain literal is `isSetattrLike`'s; a name or an expression built from literals is this method's.
      if (nameNode.type === 'string' && stringValue(nameNode) !== undefined) continue;
      const dunders = builtStrings(nameNode)?.filter((n): n is Dunder => DUNDERS.includes(n as Dunder));
      if (dunders?.length) return { owner: t.owner, nameNode, dunders, value: r.value };
    }
    return undefined;
  }

  private isTypeCall(call: Node): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    // An attribute resolves to a name ending in its own: only `x.type` can be `builtins.type`.
    const f = unparen(fn);
    if (f.type === 'attribute' && f.childForFieldName('attribute')?.text !== 'type') return false;
    return this.names.is(fn, 'builtins.type') && callArguments(call).positional.length === 3;
  }

  private collectNode(n: Node): void {
    switch (n.type) {
      case 'function_definition':
        if (!this.functionsIndexed) this.addFunction(n);
        break;
      case 'class_definition':
        this.classDefs.push(n);
        break;
      case 'call':
        this.calls.push(n);
        break;
      case 'assignment': {
        if (n.parent?.type !== 'assignment') {
          const { targets } = assignmentChain(n);
          if (targets.some((t) => t.type === 'attribute' && DUNDERS.includes(t.childForFieldName('attribute')?.text as Dunder))) {
            this.attributeAssignments.push(n);
          }
          if (targets.some((t) => dunderSubscript(t))) this.namespaceAssignments.push(n);
        }
        break;
      }
      case 'dictionary':
        if (n.namedChildren.some((p) => p.type === 'pair' && dunderKey(p.childForFieldName('key')))) this.namespaceDicts.push(n);
        break;
      case 'type_alias_statement': {
        // tree-sitter-python parses `type(obj).__eq__ = f` as a PEP 695 `type X = ...` statement.
        const left = n.childForFieldName('left')?.namedChild(0);
        if (left?.type === 'attribute' && DUNDERS.includes(left.childForFieldName('attribute')?.text as Dunder)) {
          this.attributeAssignments.push(n);
        }
        break;
      }
      case 'return_statement':
      case 'yield':
        this.returnish.push(n);
        break;
    }
  }

  /** `setattr(C, "__eq__", f)`, `monkeypatch.setattr(C, "__eq__", f)`, `mock.patch.object(C, "__eq__", f)`. */
  private isSetattrLike(call: Node): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const args = callArguments(call);
    if (this.dottedTarget(call)) return true;
    if (args.positional.length < 3 || !DUNDERS.includes(stringValue(args.positional[1]) as Dunder)) return false;
    if (this.names.is(fn, 'builtins.setattr')) return true;
    const f = unparen(fn);
    if (f.type !== 'attribute') return false;
    const attr = f.childForFieldName('attribute')?.text;
    if (attr === 'setattr' || attr === '__setattr__') return true;
    if (attr === 'object') {
      const obj = f.childForFieldName('object');
      return unparen(obj!).type === 'attribute' ? unparen(obj!).childForFieldName('attribute')?.text === 'patch' : obj?.text === 'patch';
    }
    return false;
  }

  /**
   * `monkeypatch.setattr("pkg.mod.Cls.__eq__", impl)`: the dotted-string form, as [owner text, dunder, impl].
   */
  private dottedTarget(call: Node): [string, Dunder, Node] | undefined {
    const fn = call.childForFieldName('function');
    const f = fn ? unparen(fn) : undefined;
    if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'setattr') return undefined;
    const args = callArguments(call).positional;
    const target = stringValue(args[0]);
    if (!target || args.length !== 2) return undefined;
    const m = /^(?:(.*)\.)?(__eq__|__ne__|__contains__)$/.exec(target);
    return m ? [m[1]?.split('.').pop() ?? target, m[2] as Dunder, args[1]!] : undefined;
  }

  /** The def or lambda an implementation expression stands for: a lambda, or a name bound to one def. */
  private implementationOf(value: Node | null | undefined, scope?: Node): Node | undefined {
    if (!value) return undefined;
    let v = unparen(value);
    // `staticmethod(lambda ...)`, `classmethod(f)`, `functools.wraps(...)` are not unwrapped beyond the first two.
    if (v.type === 'call' && this.names.is(v.childForFieldName('function'), 'builtins.staticmethod', 'builtins.classmethod')) {
      const arg = callArguments(v).positional[0];
      if (!arg) return undefined;
      v = unparen(arg);
    } else if (v.type === 'call') {
      const fnText = v.childForFieldName('function')?.text;
      if (fnText === 'staticmethod' || fnText === 'classmethod') {
        const arg = callArguments(v).positional[0];
        if (!arg) return undefined;
        v = unparen(arg);
      }
    }
    // `__eq__ = functools.partialmethod(_cmp, op=operator.eq)`: `_cmp` with some arguments fixed.
    if (v.type === 'call' && this.names.is(v.childForFieldName('function'), 'functools.partial', 'functools.partialmethod')) {
      const args = callArguments(v);
      const impl = args.hasSplat ? undefined : this.implementationOf(args.positional[0], scope);
      if (!impl) return undefined;
      // `partialmethod` fixes the parameters after `self`; a `partial` (not a descriptor) fixes the first ones.
      const params = parameterNames(impl);
      const skip = this.names.is(v.childForFieldName('function'), 'functools.partialmethod') ? 1 : 0;
      // A partial of a partial keeps the inner one's arguments too.
      const fixed: PartialArguments = new Map([...(this.partialArguments.get(impl.id) ?? []), ...args.keywords]);
      args.positional.slice(1).forEach((a, i) => {
        const p = params[skip + i];
        if (p) fixed.set(p, a);
      });
      this.partialArguments.set(impl.id, fixed);
      return impl;
    }
    // `__eq__ = tolerant(_eq)`: a same-file decorator called by hand, whose wrapper always answers the same.
    if (v.type === 'call') return constantWrapperOf(v.childForFieldName('function')!, scope, this.names)?.impl;
    const impl = this.plainImplementationOf(v, scope);
    // Used as it is, not through a partial: no argument fixed.
    if (impl) this.partialArguments.delete(impl.id);
    return impl;
  }

  /** A lambda, or a name bound to one def (preferring a def in `scope`). */
  private plainImplementationOf(v: Node, scope?: Node): Node | undefined {
    if (v.type === 'lambda') return v;
    if (v.type === 'attribute') return classAttributeDefinition(v);
    if (v.type === 'identifier') {
      const defs = this.functionsByName.get(v.text) ?? [];
      // Prefer a def in the same class body or function scope, else a unique def in the file.
      if (scope) {
        const local = defs.filter((d) => definitionParentBlock(d)?.id === scope.id);
        if (local.length === 1) return local[0];
      }
      if (defs.length === 1) return defs[0];
      // `_accept = lambda *_: True` bound once, then `{"__eq__": _accept}`.
      const bound = defs.length === 0 ? valueBoundOnce(v) : undefined;
      if (bound && unparen(bound).type === 'lambda') return unparen(bound);
    }
    return undefined;
  }

  /**
   * The arguments a `functools.partial`/`partialmethod` fixes, by the id of the def or lambda it wraps, as
   * the last `implementationOf` resolved them (each use of an implementation is analysed right after).
   */
  private readonly partialArguments = new Map<number, PartialArguments>();

  /**
   * The arguments fixed when `a == b` calls `impl` as `impl(a, b)`: those of a partial, and the defaults
   * of the parameters the protocol never passes (keyword-only ones, positional ones after the two operands)
   * when no call in the file passes them either (`def _eq(self, other, *, strict=False)`).
   */
  private argumentsOf(impl: Node): PartialArguments | undefined {
    const partial = this.partialArguments.get(impl.id);
    const params = impl.childForFieldName('parameters')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    const defaults = new Map<string, Node>();
    let positional = 0;
    let keywordOnly = false;
    let positionalDefaults = false;
    for (const p of params) {
      if (p.type === 'keyword_separator' || p.type === 'list_splat_pattern') keywordOnly = true;
      if (p.type === 'keyword_separator' || p.type === 'list_splat_pattern' || p.type === 'positional_separator' || p.type === 'dictionary_splat_pattern') continue;
      const index = keywordOnly ? -1 : positional++;
      if (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') continue;
      const name = p.childForFieldName('name');
      const value = p.childForFieldName('value');
      if (name?.type !== 'identifier' || !value || (!keywordOnly && index < 2)) continue;
      // A partial already places the operands differently: only keyword-only defaults are certain then.
      if (!keywordOnly && partial) continue;
      if (!keywordOnly) positionalDefaults = true;
      defaults.set(name.text, value);
    }
    if (defaults.size === 0) return partial;
    const callee = impl.type === 'function_definition' ? impl.childForFieldName('name')?.text : undefined;
    for (const call of this.root.descendantsOfType('call')) {
      if (!call) continue;
      const args = callArguments(call);
      for (const k of args.keywords.keys()) defaults.delete(k);
      if (!positionalDefaults) continue;
      // `self.__eq__(other, True)`, `_eq(a, b, True)`, or a splat: a call may pass the extra parameters.
      const fn = unparen(call.childForFieldName('function')!);
      const last = fn.type === 'identifier' ? fn.text : fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (!last || (last !== callee && !DUNDERS.includes(last as Dunder))) continue;
      if (args.hasSplat || args.positional.length > (fn.type === 'attribute' ? 1 : 2)) {
        for (const [k, v] of [...defaults]) if (v.parent && !isKeywordOnly(v.parent)) defaults.delete(k);
      }
    }
    if (defaults.size === 0) return partial;
    return new Map([...defaults, ...(partial ?? [])]);
  }

  private addOverride(
    dunder: Dunder,
    form: OverrideForm,
    reportNode: Node,
    impl: Node | undefined,
    owner: ClassInfo | undefined,
    ownerText: string,
    nameText?: string,
  ): ComparisonOverride | undefined {
    if (!impl) return undefined;
    // The arguments a partial fixes when `implementationOf` just resolved one (`__eq__ = partialmethod(f, ...)`).
    const answer = constantAnswer(impl, this.names, this.argumentsOf(impl));
    if (!answer) return undefined;
    const spoofs = answer.truth === spoofTruth(dunder);
    const o: ComparisonOverride = { dunder, form, reportNode, impl, answer, spoofs, owner, ownerText, ...(nameText ? { nameText } : {}) };
    this.overrides.push(o);
    owner?.overrides.push(o);
    if (!owner && (form === 'setattr' || form === 'attribute-assignment')) this.noteDecorator(o);
    return o;
  }

  /** Class decorators that install a comparison on their parameter: `def deco(cls): cls.__eq__ = ...`. */
  private readonly decoratorOverrides = new Map<string, ComparisonOverride[]>();

  private noteDecorator(o: ComparisonOverride): void {
    let fn: Node | null = null;
    for (let p = o.reportNode.parent; p; p = p.parent) {
      if (p.type === 'function_definition') {
        fn = p;
        break;
      }
      if (p.type === 'class_definition' || p.type === 'lambda') return;
    }
    const first = fn?.childForFieldName('parameters')?.namedChildren.find((c) => c.type === 'identifier')?.text;
    const name = fn?.childForFieldName('name')?.text;
    if (!fn || !first || !name || o.ownerText !== first) return;
    o.decorator = name;
    let list = this.decoratorOverrides.get(name);
    if (!list) this.decoratorOverrides.set(name, (list = []));
    list.push(o);
  }

  private newClass(node: Node, nameNode: Node, name: string): ClassInfo {
    const info: ClassInfo = {
      node,
      nameNode,
      name,
      overrides: [],
      builtinBases: [],
      selfReturning: [],
      localBases: [],
      singletons: [],
      otherInstantiations: [],
      handedOut: [],
    };
    this.classes.push(info);
    this.classByNode.set(node.id, info);
    const named = this.classesByName.get(name);
    if (named) named.push(info);
    else this.classesByName.set(name, [info]);
    return info;
  }

  private builtinBase(base: Node): string | undefined {
    const q = this.names.qualify(base);
    if (q && BUILTIN_BASES.has(q)) return q.replace(/^builtins\./, '');
    const b = unparen(base);
    if (!q && b.type === 'identifier' && EXTRA_BUILTINS.has(b.text) && !this.functionsByName.has(b.text) && !this.classDefs.some((c) => c.childForFieldName('name')?.text === b.text)) {
      return b.text;
    }
    return undefined;
  }

  private addClass(def: Node): void {
    const nameNode = def.childForFieldName('name');
    if (!nameNode) return;
    const info = this.newClass(def, nameNode, nameNode.text);
    for (const base of baseExpressions(def)) {
      // Builtin bases are listed by `describeClass`, for the classes that need them.
      const b = unparen(base);
      if (b.type === 'identifier' && !this.builtinBase(base)) info.localBases.push(b);
    }
    const body = def.childForFieldName('body');
    if (!body) return;
    forEachClassMember(body, (name, member) => {
      if (!DUNDERS.includes(name.text as Dunder)) return;
      if ('def' in member) {
        const installed = installedImplementation(member.def, body, this.names);
        const o = this.addOverride(name.text as Dunder, 'def', name, installed.impl, info, info.name);
        if (o && installed.decorator) o.decorator = installed.decorator;
      } else this.addOverride(name.text as Dunder, 'class-attribute', name, this.implementationOf(member.value, body), info, info.name);
    });
  }

  /** The builtin bases and self-returning methods of a class statement. */
  private describeClass(info: ClassInfo): void {
    const def = info.node;
    for (const base of baseExpressions(def)) {
      const builtin = this.builtinBase(base);
      if (builtin) info.builtinBases.push({ node: base, message: `subclasses \`${builtin}\`, so \`isinstance(x, ${builtin.split('.').pop()})\` checks pass` });
    }
    const body = def.childForFieldName('body');
    if (!body) return;
    forEachClassMember(body, (name, member) => {
      if (!CHAMELEON_METHODS.has(name.text)) return;
      const impl = 'def' in member ? member.def : this.implementationOf(member.value, body);
      if (impl && this.returnsSelf(impl, info)) {
        info.selfReturning.push({ node: name, message: `\`${name.text}\` returns the object itself, so chained calls keep the always-equal object` });
      }
    });
    // Installed from outside the body: `for m in ("strip", "lower"): setattr(C, m, C._same)`.
    for (const { owner, names, call, value } of this.methodSetattrs()) {
      if (this.classNamed(owner) !== info) continue;
      const methods = names.filter((n) => CHAMELEON_METHODS.has(n));
      const impl = methods.length ? this.implementationOf(value) : undefined;
      if (!impl || !this.returnsSelf(impl, info)) continue;
      for (const m of methods) info.selfReturning.push({ node: call, name: m, message: `\`setattr\` makes \`${m}\` return the object itself, so chained calls keep the always-equal object` });
    }
  }

  private setattrsOfMethods?: { owner: Node; names: string[]; call: Node; value: Node }[];

  /** The setattr-like calls of the file whose attribute name is known (a literal, or built from literals: `builtStrings`). */
  private methodSetattrs(): { owner: Node; names: string[]; call: Node; value: Node }[] {
    if (this.setattrsOfMethods) return this.setattrsOfMethods;
    const out: { owner: Node; names: string[]; call: Node; value: Node }[] = [];
    for (const call of this.calls) {
      if (!mayRebindCall(call, this.names)) continue;
      for (const r of callRebindings(call, this.names)) {
        const t = r.target;
        if (t.kind !== 'attribute' || !r.value || !LOOPED_SETATTR_FORMS.has(r.form)) continue;
        const names = t.attr !== undefined ? [t.attr] : builtStrings(t.attrNode);
        if (names?.length) out.push({ owner: t.owner, names, call, value: r.value });
      }
    }
    return (this.setattrsOfMethods = out);
  }

  /**
   * Does every return of `impl` give back `self` (the first parameter), a new instance of the class, or
   * a function (lambda or nested def) that does? `lambda self, *a: self`, `return lambda *a, **k: self`.
   */
  private returnsSelf(impl: Node, info: ClassInfo, depth = 0): boolean {
    if (depth > 3) return false;
    const params = impl.childForFieldName('parameters');
    const first = params?.namedChildren.find((p) => p.type === 'identifier')?.text;
    const selfNames = new Set<string>();
    if (first && depth === 0) selfNames.add(first);
    return this.returnsSelfWith(impl, info, depth, selfNames.size ? selfNames : undefined);
  }

  private returnsSelfWith(impl: Node, info: ClassInfo, depth: number, selfNames: Set<string> | undefined): boolean {
    const values: Node[] = [];
    if (impl.type === 'lambda') {
      const b = impl.childForFieldName('body');
      if (b) values.push(b);
    } else {
      const returns = returnsOf(impl);
      if (returns.length === 0) return false;
      for (const r of returns) {
        const v = r.namedChildren.find((c) => c.type !== 'comment');
        if (!v) return false;
        values.push(v);
      }
    }
    if (values.length === 0) return false;
    const outerSelf = selfNames ?? new Set<string>();
    // An attribute hook may hand some names to the ordinary lookup (`object.__getattribute__(self, name)`
    // for dunders): those returns are neutral, the others decide.
    const hook = depth === 0 && impl.type === 'function_definition' ? impl.childForFieldName('name')?.text : undefined;
    const decisive = hook === '__getattr__' || hook === '__getattribute__' ? values.filter((v) => !this.isDefaultLookup(unparen(v), impl)) : values;
    return decisive.length > 0 && decisive.every((v) => this.isSelfValue(unparen(v), impl, info, depth, outerSelf));
  }

  /** `object.__getattribute__(self, name)` or `super().__getattribute__(name)` (or `__getattr__`) with the hook's own parameters. */
  private isDefaultLookup(v: Node, hook: Node): boolean {
    const [self, name] = parameterNames(hook);
    const fn = v.type === 'call' ? unparen(v.childForFieldName('function')!) : undefined;
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (!fn || !self || !name || (method !== '__getattribute__' && method !== '__getattr__')) return false;
    const args = callArguments(v);
    if (args.keywords.size || args.hasSplat) return false;
    const texts = args.positional.map((a) => unparen(a).text);
    const obj = unparen(fn.childForFieldName('object')!);
    if (this.names.is(obj, 'builtins.object')) return texts.length === 2 && texts[0] === self && texts[1] === name;
    const isSuper = obj.type === 'call' && this.names.is(obj.childForFieldName('function'), 'builtins.super');
    return isSuper && texts.length === 1 && texts[0] === name;
  }

  private isSelfValue(v: Node, impl: Node, info: ClassInfo, depth: number, selfNames: Set<string>): boolean {
    if (v.type === 'identifier' && selfNames.has(v.text)) return true;
    // A new, empty instance of the same class: `Cls()`, `type(self)()`, `self.__class__()`. With
    // arguments (`Fraction(n, d)`) it is an ordinary value operation, not a chameleon.
    const args = v.type === 'call' ? callArguments(v) : undefined;
    const empty = !!args && args.keywords.size === 0 && args.positional.every((a) => a.type === 'identifier' && selfNames.has(a.text));
    if (v.type === 'call' && empty) {
      const fn = unparen(v.childForFieldName('function')!);
      if (fn.type === 'identifier' && fn.text === info.name) return true;
      if (fn.type === 'call' && this.names.is(fn.childForFieldName('function'), 'builtins.type')) {
        const a = callArguments(fn).positional[0];
        if (a && a.type === 'identifier' && selfNames.has(a.text)) return true;
      }
      if (fn.type === 'attribute' && fn.childForFieldName('attribute')?.text === '__class__') {
        const o = fn.childForFieldName('object');
        if (o && o.type === 'identifier' && selfNames.has(o.text)) return true;
      }
    }
    // A function that returns self when called (for `__getattr__`): `lambda *a, **k: self`.
    if (v.type === 'lambda') return this.returnsSelfWith(v, info, depth + 1, selfNames);
    if (v.type === 'identifier') {
      const body = impl.childForFieldName('body');
      const nested = (this.functionsByName.get(v.text) ?? []).filter((d) => body && isWithin(d, body));
      if (nested.length === 1) return this.returnsSelfWith(nested[0]!, info, depth + 1, selfNames);
    }
    return false;
  }

  private intentOf(info: ClassInfo, node: Node): void {
    // The class's own text (docstring, comments, strings in it) plus the comment lines right above it.
    let start = node.startIndex;
    const top = node.parent?.type === 'decorated_definition' ? node.parent : node;
    for (let prev = top.previousNamedSibling; prev && prev.type === 'comment'; prev = prev.previousNamedSibling) start = prev.startIndex;
    const text = `${info.name}\n${this.source.slice(Math.min(start, top.startIndex), node.endIndex)}`;
    const m = INTENT.exec(text) ?? INTENT.exec(info.name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' '));
    if (m) info.intent = m[0];
  }

  private addTypeCall(call: Node): void {
    const [nameArg, basesArg, nsArg] = callArguments(call).positional as [Node, Node, Node];
    const entries = namespaceEntries(nsArg);
    if (!entries) return;
    const className = stringValue(nameArg) ?? 'anonymous';
    // Name the class by its assignment target when there is one (`X = type("X", ...)`).
    let nameNode: Node = nameArg;
    let name = className;
    const parent = call.parent;
    if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id) {
      const left = parent.childForFieldName('left');
      if (left?.type === 'identifier') {
        nameNode = left;
        name = left.text;
      }
    }
    const info = this.newClass(call, nameNode, name);
    const bases = unparen(basesArg);
    for (const b of bases.type === 'tuple' || bases.type === 'list' ? bases.namedChildren : [bases]) {
      const builtin = this.builtinBase(b);
      if (builtin) info.builtinBases.push({ node: b, message: `derives from \`${builtin}\`, so \`isinstance(x, ${builtin.split('.').pop()})\` checks pass` });
    }
    for (const { key, name: k, value } of entries) {
      const impl = this.implementationOf(value);
      if (DUNDERS.includes(k as Dunder)) this.addOverride(k as Dunder, 'type-call', key, impl, info, className);
      if (CHAMELEON_METHODS.has(k) && impl && this.returnsSelf(impl, info)) {
        info.selfReturning.push({ node: key, name: k, message: `\`${k}\` returns the object itself, so chained calls keep the always-equal object` });
      }
    }
  }

  private classNamed(node: Node | undefined): ClassInfo | undefined {
    if (!node) return undefined;
    const n = unparen(node);
    if (n.type !== 'identifier') return undefined;
    const found = this.classesByName.get(n.text) ?? [];
    return found.length === 1 ? found[0] : undefined;
  }

  private addSetattr(call: Node): void {
    const looped = this.loopedSetattr(call);
    if (looped) {
      const owner = this.classNamed(looped.owner);
      for (const dunder of looped.dunders) this.addOverride(dunder, 'setattr', call, this.implementationOf(looped.value), owner, unparen(looped.owner).text, looped.nameNode.text);
      return;
    }
    const dotted = this.dottedTarget(call);
    if (dotted) {
      const [ownerName, dunder, impl] = dotted;
      const owner = this.classesByName.get(ownerName) ?? [];
      this.addOverride(dunder, 'setattr', call, this.implementationOf(impl), owner.length === 1 ? owner[0] : undefined, ownerName);
      return;
    }
    const args = callArguments(call).positional;
    const target = args[0]!;
    const dunder = stringValue(args[1]) as Dunder;
    const owner = this.classNamed(target);
    this.addOverride(dunder, 'setattr', call, this.implementationOf(args[2]), owner, unparen(target).text);
  }

  private addAttributeAssignment(assign: Node): void {
    if (assign.type === 'type_alias_statement') {
      const target = assign.childForFieldName('left')?.namedChild(0);
      const value = assign.childForFieldName('right')?.namedChild(0);
      const obj = target?.childForFieldName('object');
      if (!target || !obj) return;
      const dunder = target.childForFieldName('attribute')!.text as Dunder;
      this.addOverride(dunder, 'attribute-assignment', assign, this.implementationOf(value), undefined, `type${obj.text}`);
      return;
    }
    const { targets, value } = assignmentChain(assign);
    for (const t of targets) {
      if (t.type !== 'attribute') continue;
      const dunder = t.childForFieldName('attribute')?.text as Dunder;
      if (!DUNDERS.includes(dunder)) continue;
      const obj = t.childForFieldName('object')!;
      this.addOverride(dunder, 'attribute-assignment', t, this.implementationOf(value), this.classNamed(obj), obj.text);
    }
  }

  /**
   * Comparison dunders put in a mapping that becomes a class namespace by some other road than a `type()`
   * call of this file (`addTypeCall` has those): a metaclass's `ns["__eq__"] = f`, a dict whose items a loop
   * `setattr`s onto a class, `ns.update(__eq__=f)` in an `exec_body`. Outside class machinery a mapping
   * keyed by a comparison dunder to an always-true function has no other use.
   */
  private addNamespaceEntries(): void {
    const taken = new Set(this.overrides.map((o) => o.reportNode.id));
    for (const assign of this.namespaceAssignments) {
      const { targets, value } = assignmentChain(assign);
      for (const t of targets) {
        const dunder = dunderSubscript(t);
        if (!dunder) continue;
        const obj = t.childForFieldName('value')!;
        this.addOverride(dunder, 'namespace-entry', t, this.implementationOf(value), undefined, obj.text);
      }
    }
    for (const dict of this.namespaceDicts) {
      const bound = dict.parent?.type === 'assignment' && dict.parent.childForFieldName('right')?.id === dict.id ? dict.parent.childForFieldName('left') : undefined;
      const ownerText = bound?.type === 'identifier' ? bound.text : 'a class namespace';
      // A name bound more than once may hand a different mapping to the class: only one bound once counts.
      if (bound?.type === 'identifier' && valueBoundOnce(bound)?.id !== dict.id) continue;
      for (const pair of dict.namedChildren) {
        const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
        const dunder = dunderKey(key);
        if (!key || !dunder || taken.has(key.id)) continue;
        this.addOverride(dunder, 'namespace-entry', key, this.implementationOf(pair.childForFieldName('value')), undefined, ownerText);
      }
    }
    // `ns.update(__eq__=f)`, `ns.setdefault("__eq__", f)`.
    for (const call of this.calls) {
      const fn = call.childForFieldName('function');
      const set = setdefaultEntry(call);
      if (set && !taken.has(set.key.id)) {
        this.addOverride(set.dunder, 'namespace-entry', set.key, this.implementationOf(set.value), undefined, fn!.childForFieldName('object')!.text);
        continue;
      }
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'update') continue;
      for (const kw of call.childForFieldName('arguments')?.namedChildren ?? []) {
        const key = kw.type === 'keyword_argument' ? kw.childForFieldName('name') : null;
        if (!key || !DUNDERS.includes(key.text as Dunder)) continue;
        this.addOverride(key.text as Dunder, 'namespace-entry', key, this.implementationOf(kw.childForFieldName('value')), undefined, fn.childForFieldName('object')!.text);
      }
    }
  }

  /** A same-file subclass of an always-equal class is always-equal too (unless it overrides `__eq__`). */
  private inheritEquality(): void {
    for (const c of this.classes) {
      if (c.node.type !== 'class_definition') continue;
      for (const d of decoratorsOf(c.node)) {
        const dn = unparen(d);
        if (dn.type === 'identifier') for (const o of this.decoratorOverrides.get(dn.text) ?? []) c.overrides.push(o);
      }
    }
    for (let round = 0; round < 5; round++) {
      let changed = false;
      for (const c of this.classes) {
        if (c.overrides.some((o) => o.dunder === '__eq__')) continue;
        if (this.definesDunder(c, '__eq__')) continue;
        for (const b of c.localBases) {
          const base = this.classNamed(b);
          const eq = base?.overrides.find((o) => o.dunder === '__eq__' && o.spoofs);
          if (base && eq && base !== c) {
            c.overrides.push(eq);
            changed = true;
            break;
          }
        }
      }
      if (!changed) break;
    }
  }

  /** Does the class body define this dunder at all (even non-constantly)? */
  private definesDunder(c: ClassInfo, dunder: Dunder): boolean {
    if (c.node.type !== 'class_definition') return false;
    const body = c.node.childForFieldName('body');
    for (const stmt of body?.namedChildren ?? []) {
      const d = definitionOf(stmt);
      if (d.type === 'function_definition' && d.childForFieldName('name')?.text === dunder) return true;
      if (stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'assignment') {
        if (assignmentChain(stmt.namedChild(0)!).targets.some((t) => t.type === 'identifier' && t.text === dunder)) return true;
      }
    }
    return false;
  }

  /** Instantiations, module-level singletons, and functions that hand an instance out. */
  private collectInstances(): void {
    const interesting = this.classes.filter((c) => c.overrides.some((o) => o.spoofs));
    if (interesting.length === 0) return;
    const byName = new Map<string, ClassInfo[]>();
    for (const c of interesting) {
      let list = byName.get(c.name);
      if (!list) byName.set(c.name, (list = []));
      list.push(c);
    }
    // Instantiation sites: `Name(...)`, or `type(...)(...)` directly.
    const instantiationsOf = new Map<ClassInfo, Node[]>();
    for (const call of this.calls) {
      const fn = unparen(call.childForFieldName('function')!);
      let targets: ClassInfo[] = [];
      if (fn.type === 'identifier') targets = byName.get(fn.text) ?? [];
      else if (fn.type === 'call') {
        const c = this.classByNode.get(fn.id);
        if (c && interesting.includes(c)) targets = [c];
      }
      for (const c of targets) {
        let list = instantiationsOf.get(c);
        if (!list) instantiationsOf.set(c, (list = []));
        list.push(call);
      }
    }
    for (const c of interesting) {
      const localVars = new Map<number, Set<string>>(); // scope id → names bound to an instance
      for (const inst of instantiationsOf.get(c) ?? []) {
        if (c.node.type === 'class_definition' && isWithin(inst, c.node)) continue; // its own factories
        const parent = inst.parent;
        const scope = enclosingFunctionScope(inst);
        if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === inst.id) {
          const left = parent.childForFieldName('left');
          if (left?.type === 'identifier') {
            // Module level or class level (not inside any function): a named constant. (A demo instance
            // under `if __name__ == "__main__":` is an ordinary use, not a placeholder the module offers.)
            if (!scope && !isUnderMainGuard(inst)) {
              c.singletons.push({ name: left.text, node: left });
              continue;
            }
            if (scope) {
              let set = localVars.get(scope.id);
              if (!set) localVars.set(scope.id, (set = new Set()));
              set.add(left.text);
            }
          }
        }
        c.otherInstantiations.push(inst);
        if (scope?.type === 'lambda') {
          const body = scope.childForFieldName('body');
          if (body && isWithin(inst, body) && !(c.node.type === 'class_definition' && isWithin(scope, c.node))) {
            const holder = scope.parent?.type === 'assignment' && scope.parent.childForFieldName('right')?.id === scope.id ? scope.parent.childForFieldName('left') : null;
            c.handedOut.push({
              node: body,
              message: holder?.type === 'identifier' ? `\`${holder.text}()\` returns an instance of \`${c.name}\` here` : `this lambda returns an instance of \`${c.name}\``,
            });
          }
        }
      }
      const singletonNames = new Set(c.singletons.map((s) => s.name));
      for (const r of this.returnish) {
        const scope = enclosingFunctionScope(r);
        if (!scope || scope.type !== 'function_definition') continue;
        if (c.node.type === 'class_definition' && isWithin(r, c.node)) continue;
        const value = r.type === 'return_statement' ? r.namedChildren.find((x) => x.type !== 'comment') : r.namedChildren[0];
        if (!value) continue;
        const locals = localVars.get(scope.id) ?? new Set<string>();
        if (this.mentionsInstance(value, c, singletonNames, locals)) {
          const fname = scope.childForFieldName('name')?.text ?? 'a function';
          c.handedOut.push({ node: r, message: `\`${fname}()\` ${r.type === 'yield' ? 'yields' : 'returns'} an instance of \`${c.name}\` here` });
        }
      }
    }
  }

  private mentionsInstance(value: Node, c: ClassInfo, singletons: Set<string>, locals: Set<string>): boolean {
    const check = (n: Node): boolean => {
      if (n.type === 'identifier') return singletons.has(n.text) || locals.has(n.text);
      if (n.type === 'call') {
        const fn = unparen(n.childForFieldName('function')!);
        if (fn.type === 'identifier' && fn.text === c.name) return true;
        if (fn.id === c.node.id) return true;
      }
      return false;
    };
    // Comparisons, negations and conditions give a bool, not the instance; strings are text.
    const notAValue = (n: Node) =>
      ['lambda', 'string', 'comparison_operator', 'not_operator', 'if_clause'].includes(n.type) ||
      (n.parent?.type === 'conditional_expression' && n.parent.namedChild(1)?.id === n.id);
    const v = unparen(value);
    if (notAValue(v)) return false;
    if (check(v)) return true;
    let found = false;
    forEachDescendant(v, (n) => {
      if (found) return false;
      if (notAValue(n)) return false;
      // `x.attr`: only the object side can be the instance itself.
      // `x.attr` / `ANY.method()` hand out whatever the attribute is, not the instance itself.
      if (n.type === 'attribute') return false;
      if (n.type === 'call' && check(n)) {
        found = true;
        return false;
      }
      if (n.type === 'identifier' && check(n)) {
        // An identifier used as a call's callee (`Cls`) is not an instance.
        const p = n.parent;
        if (!(p?.type === 'call' && p.childForFieldName('function')?.id === n.id) && !(p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id)) {
          found = true;
          return false;
        }
      }
      return true;
    });
    return found;
  }
}

/** The attribute forms of `callRebindings` that install a method on a class for good or for a test. */
const LOOPED_SETATTR_FORMS = new Set(['setattr', 'monkeypatch', 'mock.patch.object', 'swap_attr']);


/** One entry of a `type()` namespace: the node that names it, the name, and the value. */
interface NamespaceEntry {
  key: Node;
  name: string;
  value: Node | null;
}

/**
 * The entries of a `type()` call's namespace: a dict display (`{"__eq__": f}`) or a `dict(__eq__=f)` call,
 * written inline or bound once to a name (`ns = {...}; type("X", (), ns)`). Undefined for anything else.
 */
function namespaceEntries(arg: Node, depth = 0): NamespaceEntry[] | undefined {
  let ns = unparen(arg);
  if (ns.type === 'identifier') ns = unparen(valueBoundOnce(ns) ?? ns);
  if (ns.type === 'dictionary') {
    let out: NamespaceEntry[] = [];
    // Entries a `**mapping` brought in; a later mapping of unknown keys may replace them.
    const splatted = new Set<NamespaceEntry>();
    for (const item of ns.namedChildren) {
      if (item.type === 'dictionary_splat') {
        const inner = depth < 3 && item.namedChild(0) ? namespaceEntries(item.namedChild(0)!, depth + 1) : undefined;
        if (!inner) {
          out = out.filter((e) => !splatted.has(e));
          continue;
        }
        // A later key replaces an earlier one.
        out = out.filter((e) => !inner.some((i) => i.name === e.name));
        for (const e of inner) splatted.add(e);
        out.push(...inner);
        continue;
      }
      const key = item.type === 'pair' ? item.childForFieldName('key') : null;
      const name = keyName(key);
      if (key && name) {
        out = out.filter((e) => e.name !== name);
        out.push({ key, name, value: item.childForFieldName('value') });
      } else if (key) out = out.filter((e) => !splatted.has(e));
    }
    return out;
  }
  // `{f"__{op}__": f for op in ("eq", "contains")}`: one loop over literal strings, no filter.
  if (ns.type === 'dictionary_comprehension') {
    const clauses = ns.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'pair');
    const pair = ns.namedChildren.find((c) => c.type === 'pair');
    const key = pair?.childForFieldName('key');
    if (!pair || !key || clauses.length !== 1 || clauses[0]!.type !== 'for_in_clause') return undefined;
    const names = builtStrings(key);
    return names ? [...new Set(names)].map((name) => ({ key, name, value: pair.childForFieldName('value') })) : undefined;
  }
  // `dict(__eq__=f, ...)`: the keywords name the entries (a rebound `dict` is not worth resolving here).
  if (ns.type === 'call' && ns.childForFieldName('function')?.text === 'dict') {
    const out: NamespaceEntry[] = [];
    for (const kw of ns.childForFieldName('arguments')?.namedChildren ?? []) {
      const key = kw.type === 'keyword_argument' ? kw.childForFieldName('name') : null;
      if (key) out.push({ key, name: key.text, value: kw.childForFieldName('value') });
    }
    return out;
  }
  return undefined;
}

/** `ns.setdefault("__eq__", f)`: the dunder key (a literal or built from literals), its node and the value. */
function setdefaultEntry(call: Node): { dunder: Dunder; key: Node; value: Node } | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'setdefault') return undefined;
  const args = callArguments(call);
  if (args.positional.length !== 2 || args.keywords.size || args.hasSplat) return undefined;
  const key = args.positional[0]!;
  const dunder = dunderKey(key);
  return dunder ? { dunder, key, value: args.positional[1]! } : undefined;
}

/**
 * A mapping key's string: a literal, or one built from literals with a single value (`"__" + "eq" + "__"`,
 * a name bound once to one: see `builtStrings`).
 */
function keyName(key: Node | null | undefined): string | undefined {
  if (!key) return undefined;
  const plain = stringValue(key);
  if (plain !== undefined) return plain;
  const built = builtStrings(key);
  return built?.length === 1 ? built[0] : undefined;
}

/** The comparison dunder a mapping key names, if it names one (`keyName`). */
function dunderKey(key: Node | null | undefined): Dunder | undefined {
  const name = keyName(key);
  return DUNDERS.includes(name as Dunder) ? (name as Dunder) : undefined;
}

/** The comparison dunder a subscript target names (`ns["__eq__"]`), if it names one. */
function dunderSubscript(t: Node): Dunder | undefined {
  return t.type === 'subscript' ? dunderKey(t.childForFieldName('subscript')) : undefined;
}

/** Methods whose first parameter is the class, not an instance (besides `@classmethod`s). */
const CLASS_LEVEL_METHODS = new Set(['__new__', '__init_subclass__', '__class_getitem__']);

/**
 * The def an attribute names when the file pins it down: `Cls._cmp` with `Cls` a module-level class bound
 * once, or `mcls._approx_eq`/`self._cmp` read through the first parameter of a method of the class. The
 * class body must bind the name once, by a def (plain, `@staticmethod` or `@classmethod`). A bound method
 * (`self.f`, any `@classmethod`) has its first parameter filled, so it counts only when it still takes the
 * two operands.
 */
function classAttributeDefinition(v: Node): Node | undefined {
  const obj = unparen(v.childForFieldName('object')!);
  const attr = v.childForFieldName('attribute')?.text;
  if (obj.type !== 'identifier' || !attr) return undefined;
  let cls: Node | undefined;
  let bound = false;
  const fn = enclosingFunctionScope(v);
  const fnClass = fn?.type === 'function_definition' ? definitionParentBlock(fn)?.parent : undefined;
  const firstParam = fn?.childForFieldName('parameters')?.namedChildren.find((c) => c.type !== 'comment');
  if (fn && fnClass?.type === 'class_definition' && firstParam?.type === 'identifier' && firstParam.text === obj.text) {
    // The receiver of a method of the class (never rebound); a static method has none.
    const decorators = decoratorsOf(fn).map((d) => d.text);
    if (bindingsIn(fn, obj.text).length !== 1 || decorators.some((d) => /(?:^|\.)staticmethod$/.test(d))) return undefined;
    const classLevel = decorators.some((d) => /(?:^|\.)classmethod$/.test(d)) || CLASS_LEVEL_METHODS.has(fn.childForFieldName('name')?.text ?? '');
    cls = fnClass;
    bound = !classLevel;
  } else {
    // A module-level class that no enclosing function rebinds the name of.
    for (let p = v.parent; p; p = p.parent) {
      if ((p.type === 'function_definition' || p.type === 'lambda') && bindingsIn(p, obj.text).length) return undefined;
    }
    const module = moduleOf(v);
    const bindings = module ? moduleBindingsOf(module, obj.text) : [];
    const only = bindings.length === 1 ? bindings[0]! : undefined;
    if (only?.type !== 'class_definition' || definitionParentBlock(only)?.id !== module!.id) return undefined;
    cls = only;
  }
  const defs = classStatements(cls).filter((s) => s.type === 'function_definition' && s.childForFieldName('name')?.text === attr);
  if (defs.length !== 1 || bindingsIn(cls, attr).length !== 1) return undefined;
  const def = defs[0]!;
  const decorators = decoratorsOf(def).map((d) => d.text);
  const isStatic = decorators.length === 1 && /(?:^|\.)staticmethod$/.test(decorators[0]!);
  const isClass = decorators.length === 1 && /(?:^|\.)classmethod$/.test(decorators[0]!);
  // Other decorators (`property`, caches, wrappers) change what the attribute is.
  if (decorators.length && !isStatic && !isClass) return undefined;
  if (isStatic) bound = false;
  if (isClass) bound = true;
  return !bound || takesOperandsAfterFirst(def) ? def : undefined;
}

/** Can `def` be called with two positional arguments after its first parameter (`(self, a, b)`, `(self, *args)`)? */
function takesOperandsAfterFirst(def: Node): boolean {
  const params = def.childForFieldName('parameters')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  let positional = 0;
  for (const p of params) {
    if (p.type === 'list_splat_pattern') return true;
    if (p.type === 'keyword_separator' || p.type === 'dictionary_splat_pattern' || p.type === 'positional_separator') {
      if (p.type === 'positional_separator') continue;
      break;
    }
    positional++;
  }
  return positional >= 3;
}

/** The block or module that directly contains a definition (looking through decorators). */
function definitionParentBlock(def: Node): Node | null {
  const top = def.parent?.type === 'decorated_definition' ? def.parent : def;
  return top.parent;
}

/** Human text for a constant answer: the source of the first returned value, shortened. */
export function answerText(o: ComparisonOverride): string {
  const first = o.answer.values[0];
  // A returned name bound once to a constant (`return ALWAYS`): the constant is the answer (resolved first).
  // A returned call of code that always answers the same (`return self._same(other)`): what that code returns.
  const shown =
    first && unparen(first).type === 'identifier' && o.answer.boundValues.length
      ? o.answer.boundValues[0]
      : first && unparen(first).type === 'call' && o.answer.delegatedValues.length
        ? o.answer.delegatedValues[0]
        : first;
  const t = shown?.text.replace(/\s+/g, ' ') ?? (o.answer.truth === 'truthy' ? 'True' : 'False');
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}

/**
 * A "sentinel" is an always-equal class whose only instances are module-level constants (`ANY = _ANY()`)
 * that no function in the file hands out, with no builtin base and no self-returning methods: a
 * match-anything placeholder for comparisons (`unittest.mock.ANY`), not a stand-in for a result.
 */
export function isSentinel(c: ClassInfo): boolean {
  return (
    c.singletons.length > 0 &&
    c.otherInstantiations.length === 0 &&
    c.handedOut.length === 0 &&
    c.builtinBases.length === 0 &&
    c.selfReturning.length === 0 &&
    !c.intent
  );
}

/**
 * Does the class list or count what it holds (`__iter__`, `__len__` in its body or `type()` namespace)?
 * A universal "contains everything" object cannot; a collection that does and still answers yes to every
 * membership test has had its check neutralised.
 */
export function enumeratesItems(c: ClassInfo): boolean {
  const enumerating = (name: string | undefined) => name === '__iter__' || name === '__len__';
  if (c.node.type === 'class_definition') {
    const body = c.node.childForFieldName('body');
    let found = false;
    if (body) forEachClassMember(body, (name, member) => void (found ||= enumerating(name.text) && !('def' in member && iteratesNothing(member.def))));
    return found;
  }
  return !!namespaceEntries(callArguments(c.node).positional[2] ?? c.node)?.some((e) => enumerating(e.name));
}

/**
 * An `__iter__` that lists nothing (`return iter(())`, `return iter([])`, `yield from ()`): a universal set
 * that supports iteration only so that code can loop over it, not a collection of items.
 */
function iteratesNothing(def: Node): boolean {
  if (def.childForFieldName('name')?.text !== '__iter__') return false;
  const stmts = (def.childForFieldName('body')?.namedChildren ?? []).filter((c) => c.type !== 'comment' && !(c.type === 'expression_statement' && c.namedChild(0)?.type === 'string'));
  if (stmts.length !== 1) return false;
  const st = stmts[0]!;
  const empty = (n: Node | null | undefined) => {
    const u = n ? unparen(n) : undefined;
    return !!u && ['tuple', 'list', 'set', 'dictionary'].includes(u.type) && !u.namedChildren.some((c) => c.type !== 'comment');
  };
  if (st.type === 'return_statement') {
    const v = st.namedChild(0) ? unparen(st.namedChild(0)!) : undefined;
    if (v?.type !== 'call' || v.childForFieldName('function')?.text !== 'iter') return false;
    const args = v.childForFieldName('arguments')?.namedChildren ?? [];
    return args.length === 1 && (empty(args[0]) || (unparen(args[0]!).type === 'call' && /^(set|list|tuple|frozenset)$/.test(unparen(args[0]!).childForFieldName('function')?.text ?? '') && !unparen(args[0]!).childForFieldName('arguments')?.namedChildren.length));
  }
  const y = st.type === 'expression_statement' ? st.namedChild(0) : undefined;
  return y?.type === 'yield' && /^yield\s+from\b/.test(y.text) && empty(y.namedChild(0));
}

/**
 * Instances a class's own factories build from their inputs and hand out as results: a classmethod or
 * staticmethod returning `cls(...)` / `Name(...)` made from its arguments (`def up_to(cls, limit): return
 * cls(limit)`), and functions outside the class returning what such a factory returns (`return
 * PrimeSet.up_to(n)`). The instance is then an answer computed for the caller's input, which a test checks,
 * not an "allow everything" setting; a sentinel's accessor (`def get(cls): return cls()`) builds from nothing.
 */
export function factoryHandOuts(c: ClassInfo, root: Node): Part[] {
  const body = c.node.type === 'class_definition' ? c.node.childForFieldName('body') : null;
  if (!body) return [];
  const out: Part[] = [];
  const factories = new Set<string>();
  forEachClassMember(body, (name, member) => {
    if (!('def' in member)) return;
    const def = member.def;
    const decorators = decoratorsOf(def).map((d) => d.text);
    const classmethod = decorators.includes('classmethod');
    if (!classmethod && !decorators.includes('staticmethod')) return;
    const params = parameterNames(def);
    const clsName = classmethod ? params[0] : undefined;
    const inputs = new Set(params.slice(classmethod ? 1 : 0));
    const builds = returnsOf(def).filter((r) => {
      const v = returnValue(r);
      const u = v ? unparen(v) : undefined;
      if (u?.type !== 'call') return false;
      const f = unparen(u.childForFieldName('function')!);
      return f.type === 'identifier' && (f.text === clsName || f.text === c.name);
    });
    if (!builds.length) return;
    factories.add(name.text);
    const fromInputs = builds.find((r) => {
      let uses = false;
      forEachDescendant(unparen(returnValue(r)!).childForFieldName('arguments')!, (n) => {
        if (n.type === 'identifier' && inputs.has(n.text)) uses = true;
        return !uses;
      });
      return uses;
    });
    if (fromInputs) out.push({ node: fromInputs, message: `\`${c.name}.${name.text}()\` builds an instance from its arguments and returns it` });
  });
  if (!factories.size) return out;
  const isFactoryCall = (n: Node | undefined) => {
    const u = n ? unparen(n) : undefined;
    const f = u?.type === 'call' ? unparen(u.childForFieldName('function')!) : undefined;
    return f?.type === 'attribute' && f.childForFieldName('object')?.text === c.name && factories.has(f.childForFieldName('attribute')?.text ?? '');
  };
  for (const r of root.descendantsOfType('return_statement')) {
    if (!r || (r.startIndex >= c.node.startIndex && r.endIndex <= c.node.endIndex)) continue;
    const fn = enclosingFunctionScope(r);
    if (fn?.type !== 'function_definition') continue;
    let v = returnValue(r);
    // `result = PrimeSet.up_to(n); return result`: a local bound once to the factory's result.
    if (v && unparen(v).type === 'identifier') {
      const name = unparen(v).text;
      const bound = fn.descendantsOfType('assignment').filter((a) => a?.childForFieldName('left')?.text === name && enclosingFunctionScope(a)?.id === fn.id);
      v = bound.length === 1 ? bound[0]!.childForFieldName('right') ?? undefined : undefined;
    }
    if (isFactoryCall(v)) out.push({ node: r, message: `\`${fn.childForFieldName('name')?.text ?? 'a function'}()\` returns an instance of \`${c.name}\` built by its factory` });
  }
  return out;
}

/** Collection displays a preset table is written with, and the nodes between them and an element. */
const TABLE_NODES = new Set(['list', 'tuple', 'set', 'dictionary', 'pair', 'parenthesized_expression']);

/** The "everyone" member of a family of membership checks, and what shows it. */
export interface EveryoneMember {
  /** Same-family classes whose `__contains__` computes its answer. */
  siblings: string[];
  /** Functions that list it in a table next to real members. */
  tables: string[];
}

/**
 * The "everyone" member of a family of membership checks, such as an ACL's predefined "all users" group
 * next to grantees that check for real (`class User(Grantee)` with `return key == self.id`): a class with
 * an always-true `__contains__` that shares a same-file base with a sibling whose own `__contains__`
 * computes its answer, is built with no arguments wherever it is built (it holds nothing that membership
 * could be checked against: it is a vocabulary word, not a result computed for an input), and is handed
 * out only as an element of a literal table (`{"public-read": [("READ", AllUsers()), ("FULL_CONTROL",
 * User(owner))]}`) that lists an instance of such a sibling too. Undefined for a result itself (`return
 * Everyone()`), several results (`return Everyone(), n`), a comprehension, an instance built from input,
 * or a class that lists its items or states intent.
 */
export function everyoneMemberOfFamily(c: ClassInfo, classes: ClassInfo[]): EveryoneMember | undefined {
  if (c.node.type !== 'class_definition' || c.intent || c.selfReturning.length || c.builtinBases.length) return undefined;
  if (!c.handedOut.length || enumeratesItems(c)) return undefined;
  const builtFromInput = (call: Node) => {
    const a = callArguments(call);
    return a.positional.length > 0 || a.keywords.size > 0 || a.hasSplat;
  };
  if (c.otherInstantiations.some(builtFromInput)) return undefined;
  const byName = new Map<string, ClassInfo | null>();
  for (const k of classes) if (k.node.type === 'class_definition') byName.set(k.name, byName.has(k.name) ? null : k);
  const ancestors = (k: ClassInfo) => {
    const seen = new Set<ClassInfo>();
    const todo = [k];
    while (todo.length) {
      for (const b of todo.pop()!.localBases) {
        const base = byName.get(b.text);
        if (!base || base === k || seen.has(base)) continue;
        seen.add(base);
        todo.push(base);
      }
    }
    return seen;
  };
  const own = ancestors(c);
  if (!own.size) return undefined;
  // Siblings (neither its ancestors nor its descendants) whose own `__contains__` returns a computed answer.
  const siblings = classes.filter((k) => {
    if (k === c || k.node.type !== 'class_definition' || own.has(k)) return false;
    const theirs = ancestors(k);
    if (theirs.has(c) || ![...theirs].some((a) => own.has(a))) return false;
    const def = ownMethod(k.node, ['__contains__']);
    return !!def && returnsOf(def).some((r) => returnValue(r)) && !constantAnswer(def);
  });
  if (!siblings.length) return undefined;
  const siblingNames = new Set(siblings.map((k) => k.name));
  const singletons = new Set(c.singletons.map((s) => s.name));
  const tables: string[] = [];
  for (const part of c.handedOut) {
    const ret = part.node;
    const fn = ret.type === 'return_statement' ? enclosingFunctionScope(ret) : undefined;
    const value = ret.type === 'return_statement' ? returnValue(ret) : undefined;
    const top = value ? unparen(value) : undefined;
    // A returned tuple is several results, each an answer; a table is a list, dict or set literal.
    if (!fn || fn.type !== 'function_definition' || !top || !['list', 'dictionary', 'set'].includes(top.type)) return undefined;
    let mentions = 0;
    let loose = false;
    let sibling = false;
    forEachDescendant(top, (n) => {
      if (n.type === 'call') {
        const f = unparen(n.childForFieldName('function')!);
        if (f.type === 'identifier' && siblingNames.has(f.text)) sibling = true;
        if (!(f.type === 'identifier' && f.text === c.name)) return true;
      } else if (!(n.type === 'identifier' && singletons.has(n.text) && n.parent?.type !== 'attribute')) return true;
      mentions++;
      // Only displays between the instance and the table: not wrapped in a call, a comprehension, an operator.
      for (let p = n.parent; p && p.id !== top.id; p = p.parent) if (!TABLE_NODES.has(p.type)) loose = true;
      return false;
    });
    // No mention seen: handed out through a local (`g = Everyone(); return [g]`), not a literal table.
    if (!mentions || loose || !sibling) return undefined;
    tables.push(fn.childForFieldName('name')?.text ?? 'a function');
  }
  return { siblings: [...siblingNames], tables: [...new Set(tables)] };
}

/** A universal set's name or docstring: `_AllPermissions`, `EVERYTHING`, "contains every permission". */
const UNIVERSAL_TEXT = /\b(?:all|every(?:thing)?|any(?:thing)?|universal|wildcard|unrestricted|unlimited)\b/i;

/** Words of an identifier: `_AllPermissions` → `All Permissions`, `ALL_PERMISSIONS` → `ALL PERMISSIONS`. */
function identifierWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
}

/** A universal value met on some branches only: the functions handing it out and why it reads as "everything". */
export interface UniversalSet {
  /** Names of the functions that return it (next to real values); empty when none does. */
  functions: string[];
  /** What marks it as a deliberate "matches everything" value, for the message. */
  signals: string[];
}

/** The single method a class body binds under one of `names`, following `__bool__ = __nonzero__`. */
function ownMethod(cls: Node, names: string[]): Node | undefined {
  const body = cls.childForFieldName('body');
  if (!body) return undefined;
  const defs = new Map<string, Node>();
  const aliases = new Map<string, string>();
  forEachClassMember(body, (name, member) => {
    if ('def' in member) defs.set(name.text, member.def);
    else if (member.value?.type === 'identifier') aliases.set(name.text, member.value.text);
  });
  for (const n of names) {
    const def = defs.get(n) ?? defs.get(aliases.get(n) ?? '');
    if (def) return def;
  }
  return undefined;
}

/** A printed form that names the wildcard: `'*'`, `'<ETag *>'`, `'all'`, `'<everything>'`. */
const WILDCARD_PRINT = /^\W*\*\W*$|(?:^|\s)\*(?:\s|>|$)|^\W*(?:all|any|everything)\W*$/i;

/**
 * What marks a class with an always-true `__contains__` as a deliberate "matches everything" value of a
 * set algebra rather than a faked result: a sibling class of the file whose `__contains__` is always false
 * (sphinx's `_All`/`_Empty`, webob's `_AnyETag`/`_NoETag`); a `__bool__` that is always false (an absent
 * or invalid header, the ETag `*`: a stand-in for a result would want to be truthy); a `__str__`/`__repr__`
 * that prints the wildcard (`'*'`).
 */
function universalSignals(c: ClassInfo, classes: ClassInfo[]): { signals: string[]; falsy: boolean } {
  const signals: string[] = [];
  const empty = classes.find((k) => k !== c && k.overrides.some((o) => o.owner === k && o.dunder === '__contains__' && o.answer.truth === 'falsy'));
  if (empty) signals.push(`its complement \`${empty.name}\` contains nothing`);
  const bool = ownMethod(c.node, ['__bool__', '__nonzero__']);
  const falsy = !!bool && constantAnswer(bool)?.truth === 'falsy';
  if (falsy) signals.push('it is falsy');
  for (const name of ['__str__', '__repr__']) {
    const def = ownMethod(c.node, [name]);
    const values = def ? returnsOf(def).map((r) => returnValue(r)) : [];
    const printed = values.length > 0 && values.every((v) => v?.type === 'string' && WILDCARD_PRINT.test(stringContent(v)));
    if (printed) {
      signals.push(`it prints as \`${stringContent(values[0]!)}\``);
      break;
    }
  }
  return { signals, falsy };
}

/** The text between a plain string literal's quotes (prefixes and escapes left as written). */
function stringContent(s: Node): string {
  return s.namedChildren.filter((x) => x.type === 'string_content').map((x) => x.text).join('');
}

/**
 * A universal set handed out as one answer among real ones, or marked as a deliberate "everything"
 * value. The class must be named or documented as containing everything (`_AllPermissions`, "contains
 * every permission") with one module-level instance and no other, or carry a set-algebra signal
 * (`universalSignals`: an always-empty complement, always falsy, prints as `*`). Every function that
 * returns it (the singleton, a new instance, or either wrapped in a call: `IfRange(AnyETag)`) must do so
 * on some branches only, returning a real value on others (`if user.is_superuser: return
 * ALL_PERMISSIONS` then `return frozenset(...)`; `if arg is None: return ALL` then the parsed list). That
 * is Django's superuser permission set or a parser's "no argument means everything", not a faked result.
 * A class that lists items (`__iter__`/`__len__`) qualifies only when it is also falsy (webob's
 * no-header `Accept`: it lists nothing and says so). Undefined when any hand-out is unconditional
 * (`def allowed(user): return EVERYTHING`), or the class returns itself from its methods.
 */
export function universalOnSomeBranches(c: ClassInfo, classes: ClassInfo[]): UniversalSet | undefined {
  if (c.node.type !== 'class_definition' || c.selfReturning.length || c.intent) return undefined;
  const { signals, falsy } = universalSignals(c, classes);
  if (enumeratesItems(c) && !falsy) return undefined;
  if (!signals.length) {
    // Named as universal only: Django's `ALL_PERMISSIONS` singleton, handed out on some branches.
    if (c.singletons.length !== 1 || c.otherInstantiations.length || !c.handedOut.length) return undefined;
    const first = c.node.childForFieldName('body')?.namedChildren.find((x) => x.type !== 'comment');
    const docstring = first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string' ? first.text : '';
    if (!UNIVERSAL_TEXT.test(`${identifierWords(c.name)} ${identifierWords(c.singletons[0]!.name)} ${docstring}`)) return undefined;
  }
  const singletons = new Set(c.singletons.map((s) => s.name));
  // The instance itself, or a call handed it (`cls(AnyETag)`, `IfRange(_All())`).
  const isInstance = (n: Node | null | undefined, depth = 0): boolean => {
    if (!n) return false;
    const v = unparen(n);
    if (v.type === 'identifier') return singletons.has(v.text);
    if (v.type !== 'call') return false;
    const fn = unparen(v.childForFieldName('function')!);
    if (fn.type === 'identifier' && fn.text === c.name) return true;
    return depth === 0 && callArguments(v).positional.some((a) => isInstance(a, 1));
  };
  const functions: string[] = [];
  for (const part of c.handedOut) {
    const ret = part.node;
    const fn = ret.type === 'return_statement' ? enclosingFunctionScope(ret) : undefined;
    if (!fn || fn.type !== 'function_definition') return undefined;
    const inputs = new Set(parameterNames(fn));
    const fits = (g: Guard) => guardFitsEverything(g.cond, g.positive, inputs);
    const value = unparen(returnValue(ret) ?? ret);
    let conditional: boolean;
    if (value.type === 'conditional_expression') {
      // `ALL_PERMISSIONS if user.is_superuser else frozenset(...)`: the universal set on one side only.
      const [a, cond, b] = value.namedChildren;
      conditional = !!a && !!b && isInstance(a) !== isInstance(b) && unparen(a).type !== 'none' && unparen(b).type !== 'none';
      conditional &&= !emptyAnswer(isInstance(a) ? b! : a!) && guardsOf(ret, fn).concat({ cond: cond!, positive: isInstance(a) }).some(fits);
    } else {
      // `return ALL_PERMISSIONS` with another return of the function giving a real value.
      const realAnswer = (r: Node) => {
        const v = returnValue(r);
        return r.id !== ret.id && !!v && !isInstance(v) && unparen(v).type !== 'none' && reachable(r, fn.childForFieldName('body')!);
      };
      // A real answer that is only an empty set (`if user is None: return frozenset()`) does not count.
      conditional = isInstance(value) && returnsOf(fn).some((r) => realAnswer(r) && !emptyAnswer(returnValue(r)!)) && guardsOf(ret, fn).some(fits);
    }
    if (!conditional) return undefined;
    functions.push(fn.childForFieldName('name')?.text ?? 'a function');
  }
  return { functions: [...new Set(functions)], signals };
}

/** A condition that leads to a return, and whether the return runs when it holds (`else` and fall-through: not). */
interface Guard {
  cond: Node;
  positive: boolean;
}

/**
 * The conditions a return depends on inside its function: the `if`/`elif` branches around it (and, for an
 * `else`, the tests it follows, negated), and at each level the `if` statements before it (early returns,
 * negated). An `except` clause or a loop adds none.
 */
function guardsOf(ret: Node, fn: Node): Guard[] {
  const guards: Guard[] = [];
  const testsOf = (ifStatement: Node) => [
    ifStatement.childForFieldName('condition'),
    ...ifStatement.namedChildren.filter((x) => x.type === 'elif_clause').map((x) => x.childForFieldName('condition')),
  ];
  const body = fn.childForFieldName('body');
  for (let n: Node | null = ret; n && n.parent && n.id !== body?.id; n = n.parent) {
    const p: Node = n.parent;
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && n.id === p.childForFieldName('consequence')?.id) {
      guards.push({ cond: p.childForFieldName('condition')!, positive: true });
    } else if (p.type === 'else_clause' && p.parent?.type === 'if_statement') {
      for (const t of testsOf(p.parent)) if (t) guards.push({ cond: t, positive: false });
    } else if (p.type === 'block') {
      for (let prev = n.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
        if (prev.type === 'if_statement') for (const t of testsOf(prev)) if (t) guards.push({ cond: t, positive: false });
      }
    }
  }
  return guards;
}

/** Words of a test that name privilege or a wildcard: `user.is_superuser`, `config.get("allow_all")`, `ALLOW_ANY`. */
const PRIVILEGE_WORD = /^(?:super(?:user)?s?|admins?|administrators?|staff|root|privileged|all|any|every(?:thing|one)?|wildcard|unrestricted|unlimited)$/i;

/**
 * Does a test fit handing out "everything" (when it holds, or when it fails for a negated guard)? It names
 * privilege or a wildcard (`user.is_superuser`, `allow_all`, `value == "*"`, either way round), or it
 * finds an input missing: `arg is None`, `arg in (None, True)`, `not value` (or present, for a negated
 * guard). A numeric threshold (`n > 100`) or a table miss (`lang not in LOADED`) does not fit, nor a
 * `user is None` test whose failure (every real user) gets everything.
 */
function guardFitsEverything(cond: Node, positive: boolean, inputs: Set<string>): boolean {
  const c = unparen(cond);
  // An input itself, or read through an attribute, item or call (`value`, `options.get("members")`).
  const isInput = (n: Node): boolean => {
    let v = unparen(n);
    while (v.type === 'attribute' || v.type === 'subscript' || v.type === 'call') v = unparen(v.childForFieldName(v.type === 'call' ? 'function' : v.type === 'attribute' ? 'object' : 'value')!);
    return v.type === 'identifier' && inputs.has(v.text);
  };
  if (c.type === 'not_operator') {
    const arg = c.childForFieldName('argument');
    if (!arg) return false;
    return isInput(arg) && !namesPrivilege(arg) ? positive : guardFitsEverything(arg, !positive, inputs);
  }
  if (c.type === 'boolean_operator') return c.namedChildren.some((x) => guardFitsEverything(x, positive, inputs));
  if (namesPrivilege(c)) return true;
  if (c.type === 'comparison_operator' && c.namedChildren.length === 2) {
    const [left, right] = c.namedChildren.map((x) => unparen(x)) as [Node, Node];
    const op = c.children.find((t) => !t.isNamed)?.type ?? '';
    const isNone = (x: Node) => x.type === 'none' || (['tuple', 'list', 'set'].includes(x.type) && x.namedChildren.some((e) => e.type === 'none'));
    const missing = (x: Node, y: Node) => isInput(x) && isNone(y);
    if (missing(left, right) || (op !== 'in' && op !== 'not in' && missing(right, left))) {
      return ['is', '==', 'in'].includes(op) ? positive : ['is not', '!=', 'not in'].includes(op) ? !positive : false;
    }
    return false;
  }
  // A bare input (`if value:`): present, so the fall-through after it is the missing case.
  return isInput(c) && !positive;
}

/** A test naming privilege or a wildcard in its identifiers or strings, leaving out `all(...)`/`any(...)` calls. */
function namesPrivilege(cond: Node): boolean {
  let found = false;
  const visit = (n: Node) => {
    if (found) return;
    if (n.type === 'identifier') {
      const p = n.parent;
      if (p?.type === 'call' && p.childForFieldName('function')?.id === n.id && (n.text === 'all' || n.text === 'any')) return;
      found = identifierWords(n.text).split(/\s+/).some((w) => PRIVILEGE_WORD.test(w));
    } else if (n.type === 'string') {
      const text = stringContent(n);
      found = WILDCARD_PRINT.test(text) || identifierWords(text).split(/[\s\W]+/).some((w) => PRIVILEGE_WORD.test(w));
    }
  };
  visit(unparen(cond));
  forEachDescendant(cond, visit);
  return found;
}

/** An empty answer: `frozenset()`, `[]`, `cls([])`, `""`, `0`, `False`. */
function emptyAnswer(v: Node): boolean {
  const x = unparen(v);
  if (['list', 'tuple', 'dictionary', 'set'].includes(x.type)) return !x.namedChildren.some((e) => e.type !== 'comment');
  if (x.type === 'false' || x.type === 'none') return true;
  if (x.type === 'integer') return x.text === '0';
  if (x.type === 'string') return stringContent(x) === '' && !x.namedChildren.some((e) => e.type === 'interpolation');
  if (x.type === 'call') {
    const args = x.childForFieldName('arguments')?.namedChildren.filter((e) => e.type !== 'comment') ?? [];
    return args.length === 0 ? /^(?:frozenset|set|list|tuple|dict|str)$/.test(x.childForFieldName('function')?.text ?? '') : args.length === 1 && emptyAnswer(args[0]!);
  }
  return false;
}

/** Builtin bases whose `in` tests values (sequences, sets, strings), not keys. */
const NOT_MAPPING_BASES = new Set([
  'builtins.list', 'builtins.tuple', 'builtins.str', 'builtins.bytes', 'builtins.bytearray', 'builtins.set', 'builtins.frozenset',
  'collections.UserList', 'collections.UserString', 'collections.deque',
]);

/**
 * Does every key look up to a value, so an always-yes `__contains__` agrees with the lookups? A
 * `defaultdict` base, a `__missing__` that answers instead of raising, or a `__getitem__` that never
 * raises and falls back to a default (`self.data.get(key, self.default)`, `getattr(obj, key, default)`, a
 * `try` whose `except` returns, an `if key in ...` branch). A "defaulting mapping" like this says yes to
 * `name in d` because `d[name]` really answers for every name; a lookup that can refuse a key (a `raise`,
 * or plain `return self.data[key]`) does not count.
 */
export function answersEveryKey(c: ClassInfo, names: NameResolver): boolean {
  if (c.node.type !== 'class_definition') return false;
  const bases = baseExpressions(c.node).map((b) => names.qualify(b));
  // `in` on a sequence or set asks about its values, not about the positions `__getitem__` answers.
  if (bases.some((q) => q && NOT_MAPPING_BASES.has(q))) return false;
  if (bases.includes('collections.defaultdict')) return true;
  const body = c.node.childForFieldName('body');
  if (!body) return false;
  let answers = false;
  forEachClassMember(body, (name, member) => {
    if (answers || !('def' in member) || (name.text !== '__getitem__' && name.text !== '__missing__')) return;
    const def = member.def;
    const key = parameterNames(def)[1];
    const fnBody = def.childForFieldName('body');
    if (!key || !fnBody) return;
    let raises = false;
    let falls = false;
    forEachInScope(fnBody, (n) => {
      if (n.type === 'raise_statement') raises = true;
      else if (n.type === 'except_clause' && returnsOf(def).some((r) => returnValue(r) && isWithin(r, n))) falls = true;
      else if (n.type === 'call') {
        // `<mapping>.get(key, default)` or `getattr(obj, key, default)`: the default answers a missing key.
        const fn = unparen(n.childForFieldName('function')!);
        const args = callArguments(n).positional;
        const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn.text;
        const keyAt = method === 'get' && fn.type === 'attribute' ? 0 : method === 'getattr' && fn.type === 'identifier' ? 1 : -1;
        if (keyAt >= 0 && args.length === keyAt + 2 && unparen(args[keyAt]!).text === key) falls = true;
      } else if (n.type === 'comparison_operator' && unparen(n.namedChildren[0]!).text === key && n.children.some((t) => !t.isNamed && /^(not )?in$/.test(t.type))) {
        falls = true;
      }
    });
    // `__missing__` is only called for a key the mapping lacks: answering at all is the fallback.
    const fallsBack = name.text === '__missing__' ? returnsOf(def).some((r) => returnValue(r)) : falls;
    if (!raises && fallsBack) answers = true;
  });
  return answers;
}

/** Why the class is a chameleon (RH202), as related locations; empty when it is not one. */
export function chameleonParts(c: ClassInfo, includeHandedOut: boolean): Part[] {
  const eq = c.overrides.find((o) => o.dunder === '__eq__' && o.spoofs);
  if (!eq) return [];
  const parts = [...c.selfReturning, ...c.builtinBases, ...(includeHandedOut ? c.handedOut : [])];
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Contradictory orderings ("tolerance chameleon")

/** Ordering dunders written anywhere in a text (`__lt__`, `__gt__`, `__le__`, `__ge__`). */
export const ORDERING_TEXT = new MentionedWords([
  ['__lt__', 't__'],
  ['__gt__', 't__'],
  ['__le__', 'e__'],
  ['__ge__', 'e__'],
]);

/** Pairs of orderings that cannot both hold: always answering yes to both makes every ordering assertion pass. */
const CONTRADICTORY_PAIRS = [['__lt__', '__gt__'], ['__le__', '__ge__']] as const;

/** Methods that keep the object through `abs(result - expected) < tol` when they return it. */
const TOLERANCE_METHODS = new Set(['__sub__', '__rsub__', '__abs__', '__neg__', '__round__']);

export interface ContradictoryOrdering {
  cls: Node;
  nameNode: Node;
  name: string;
  /** The always-true pair, as written (`__lt__` with `__gt__`, or `__le__` with `__ge__`). */
  pair: { name: Node; answer: ConstantAnswer }[];
  /** `__sub__`, `__abs__`... that return the object itself. */
  selfReturning: Part[];
}

const orderingCache = new WeakMap<Node, ContradictoryOrdering[]>();

/**
 * Classes whose `__lt__` and `__gt__` (or `__le__` and `__ge__`) both always return a truthy constant
 * (the same `constantAnswer` analysis as for `__eq__`), written in the class body as defs or lambdas.
 * A sentinel such as `_Infinity` (`__gt__` True, `__lt__` False) has one of each and is not listed.
 */
export function contradictoryOrderings(root: Node, names: NameResolver): ContradictoryOrdering[] {
  const cached = orderingCache.get(root);
  if (cached) return cached;
  const found: ContradictoryOrdering[] = [];
  for (const cls of root.descendantsOfType('class_definition')) {
    const body = cls?.childForFieldName('body');
    const nameNode = cls?.childForFieldName('name');
    if (!cls || !body || !nameNode) continue;
    const orderings = new Map<string, { name: Node; impl: Node }>();
    const others: { name: Node; impl: Node }[] = [];
    forEachClassMember(body, (name, member) => {
      const impl = 'def' in member ? member.def : member.value && unparen(member.value).type === 'lambda' ? unparen(member.value) : undefined;
      if (!impl) return;
      if (/^__[lg][te]__$/.test(name.text)) orderings.set(name.text, { name, impl });
      else if (TOLERANCE_METHODS.has(name.text)) others.push({ name, impl });
    });
    if (orderings.size < 2) continue;
    for (const [a, b] of CONTRADICTORY_PAIRS) {
      const first = orderings.get(a);
      const second = orderings.get(b);
      if (!first || !second) continue;
      const answers = [first, second].map((m) => ({ name: m.name, answer: constantAnswer(m.impl, names) }));
      if (!answers.every((m) => m.answer?.truth === 'truthy')) continue;
      const selfReturning = others
        .filter((m) => returnsFirstParameter(m.impl))
        .map((m) => ({ node: m.name, message: `\`${m.name.text}\` returns the object itself, so \`abs(result - expected)\` is still the always-ordered object` }));
      found.push({ cls, nameNode, name: nameNode.text, pair: answers as { name: Node; answer: ConstantAnswer }[], selfReturning });
      break;
    }
  }
  orderingCache.set(root, found);
  return found;
}

/** Every way out of the method returns its first parameter (`return self`, `lambda s, *a: s`). */
function returnsFirstParameter(impl: Node): boolean {
  const params = impl.childForFieldName('parameters');
  const first = params?.namedChildren.find((p) => p.type === 'identifier')?.text;
  if (!first) return false;
  if (impl.type === 'lambda') {
    const b = impl.childForFieldName('body');
    return !!b && unparen(b).type === 'identifier' && unparen(b).text === first;
  }
  if (canCompleteNormally(impl)) return false;
  const returns = returnsOf(impl);
  return (
    returns.length > 0 &&
    returns.every((r) => {
      const v = returnValue(r);
      return !!v && unparen(v).type === 'identifier' && unparen(v).text === first;
    })
  );
}

// ---------------------------------------------------------------------------------------------------------
// Generated comparisons that compare nothing

/** Class decorators that generate `__eq__` from the fields, and the keyword that turns that off. */
const FIELD_CLASS_DECORATORS: Readonly<Record<string, 'dataclass' | 'attrs'>> = {
  'dataclasses.dataclass': 'dataclass',
  'attr.s': 'attrs',
  'attr.attrs': 'attrs',
  'attr.define': 'attrs',
  'attr.mutable': 'attrs',
  'attr.frozen': 'attrs',
  'attr.dataclass': 'attrs',
  'attrs.define': 'attrs',
  'attrs.mutable': 'attrs',
  'attrs.frozen': 'attrs',
};
/** The field specifiers, and the keywords that leave a field out of the generated `__eq__`. */
const FIELD_SPECIFIERS: Readonly<Record<string, readonly string[]>> = {
  'dataclasses.field': ['compare'],
  'attr.ib': ['eq', 'cmp'],
  'attr.attrib': ['eq', 'cmp'],
  'attr.field': ['eq', 'cmp'],
  'attrs.field': ['eq', 'cmp'],
};

export interface UncomparedFieldsClass {
  /** The class name identifier. */
  nameNode: Node;
  /** The decorator as written (`dataclass`, `attr.s(auto_attribs=True)`). */
  decorator: Node;
  /** The `compare=False` (or `eq=False`) keyword of each field. */
  exclusions: Node[];
}

/**
 * `@dataclass` (or attrs) classes whose every field is left out of comparison (`field(compare=False)`,
 * `attr.ib(eq=False)`): the generated `__eq__` compares `() == ()`, so any two instances are equal
 * whatever state they hold. Only classes with at least one field (instance state: a stateless class has
 * nothing to compare), no base class (a base's fields would be compared), no `__eq__` of their own and no
 * `eq=False` on the decorator.
 */
export function classesComparingNoField(root: Node, names: NameResolver): UncomparedFieldsClass[] {
  const out: UncomparedFieldsClass[] = [];
  for (const cls of root.descendantsOfType('class_definition')) {
    if (!cls || baseExpressions(cls).some((b) => b.text !== 'object')) continue;
    const decorator = decoratorsOf(cls).find((d) => {
      const call = unparen(d).type === 'call' ? unparen(d) : undefined;
      const kind = FIELD_CLASS_DECORATORS[names.qualify(call ? call.childForFieldName('function') : d) ?? ''];
      if (!kind) return false;
      // `@dataclass(eq=False)`, `@attr.s(eq=False)`: no generated `__eq__`.
      const keywords = call ? callArguments(call).keywords : new Map<string, Node>();
      return !['eq', 'cmp'].some((k) => keywords.get(k)?.text === 'False');
    });
    const body = cls.childForFieldName('body');
    if (!decorator || !body) continue;
    const exclusions: Node[] = [];
    let compared = false;
    let ownEq = false;
    forEachClassMember(body, (name, member) => {
      if (name.text === '__eq__') ownEq = true;
      if (!('value' in member)) return;
      const assign = name.parent;
      const annotation = assign?.type === 'assignment' ? assign.childForFieldName('type')?.text : undefined;
      const value = member.value ? unparen(member.value) : undefined;
      const specifier = value?.type === 'call' ? FIELD_SPECIFIERS[names.callee(value) ?? ''] : undefined;
      // A field is annotated (dataclasses, `attr.s(auto_attribs=True)`, `define`) or an `attr.ib()`;
      // `ClassVar`, `InitVar` and `KW_ONLY` annotations are not compared fields.
      if (!specifier && (annotation === undefined || /\b(ClassVar|InitVar|KW_ONLY)\b/.test(annotation))) return;
      const keywords = specifier ? callArguments(value!).keywords : undefined;
      const off = specifier?.map((k) => keywords!.get(k)).find((v) => v?.text === 'False');
      if (off) exclusions.push(off.parent ?? off);
      else compared = true;
    });
    if (!ownEq && !compared && exclusions.length > 0) out.push({ nameNode: cls.childForFieldName('name')!, decorator, exclusions });
  }
  return out;
}
