/**
 * An `__eq__` that compares for real when the other operand is its own kind, and answers `True` for
 * everything else: `if isinstance(other, Point): return ...` then `return True`, `if not isinstance(other,
 * Point): return True`, or `except AttributeError: return True` around the comparison. A `Point` then equals
 * whatever tuple, dict or string a test compares it with. Real code answers `NotImplemented` or `False` there.
 */
import { definitionOf, functionName, parameterNames, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';

export interface ForeignFallback {
  /** The `def __eq__`, or the `lambda` of `__eq__ = lambda self, other: ...`. */
  method: Node;
  /** Where to report: the method's name. */
  at: Node;
  cls: Node;
  /** The `return True` taken for the other types. */
  fallback: Node;
  /** What leads there: the type guard or the `except` clause. */
  guard: Node;
  /**
   * `type-guard`/`except`: `True` for operands of other types; `builtin-types`: `True` for every operand of
   * the builtin types a guard admits (`if not isinstance(other, (str, int)): return NotImplemented` then
   * `return True`), so the instance equals every string and number.
   */
  kind: 'type-guard' | 'except' | 'builtin-types';
  /** For `builtin-types`: the builtin types admitted, as written. */
  admitted?: string[];
}

/** What a finder returns; `foreignTypeFallbacks` adds where it is. */
type Found = Omit<ForeignFallback, 'method' | 'at' | 'cls'>;

/** Builtin and `numbers` value types: every value of one is "equal" when a guard admits it and answers `True`. */
const VALUE_TYPES = new Set([
  'collections.abc.Mapping', 'collections.abc.MutableMapping', 'collections.abc.Sequence', 'collections.abc.MutableSequence', 'collections.abc.Set', 'collections.abc.Collection', 'collections.abc.Iterable', 'collections.abc.Container', 'collections.abc.Sized',
  'typing.Mapping', 'typing.Sequence', 'typing.Iterable', 'typing.Collection','str', 'int', 'float', 'bool', 'bytes', 'complex', 'list', 'tuple', 'dict', 'set', 'frozenset', 'numbers.Number', 'numbers.Real', 'numbers.Integral', 'numbers.Complex', 'numbers.Rational', 'decimal.Decimal', 'fractions.Fraction']);

/** Exceptions whose handler, answering `True`, makes every operand lacking the compared attributes equal. */
const LENIENT_EXCEPTIONS = /^(AttributeError|TypeError|ValueError|KeyError|Exception|BaseException|LookupError)$/;

export function foreignTypeFallbacks(root: Node, names?: NameResolver): ForeignFallback[] {
  const out: ForeignFallback[] = [];
  for (const cls of root.descendantsOfType('class_definition')) {
    if (!cls) continue;
    for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
      const lambda = eqLambda(stmt);
      if (lambda) {
        // `__eq__ = lambda self, other: isinstance(other, (Mapping, Number))`: the lambda's value is its only return.
        const other = parameterNames(lambda.fn)[1];
        const value = lambda.fn.childForFieldName('body');
        const found = other && value && names ? typeTestAnswer(value, lambda.fn, other, names) : undefined;
        if (found) out.push({ method: lambda.fn, at: lambda.name, cls, ...found });
        continue;
      }
      const def = definitionOf(stmt);
      if (def.type !== 'function_definition' || functionName(def) !== '__eq__') continue;
      const params = parameterNames(def);
      const other = params[1];
      const body = def.childForFieldName('body');
      if (!other || !body) continue;
      const stmts = body.namedChildren.filter((s) => s.type !== 'comment');
      const found = fallbackIn(stmts, other) ?? (names ? builtinTypesAnsweredTrue(stmts, other, names) ?? typeTestDisjunct(stmts, other, names) : undefined);
      if (found) out.push({ method: def, at: def.childForFieldName('name')!, cls, ...found });
    }
  }
  return out;
}

/** `__eq__ = lambda self, other: ...` in a class body: the name assigned and the lambda. */
function eqLambda(stmt: Node): { name: Node; fn: Node } | undefined {
  const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
  const right = a?.childForFieldName('right');
  return left?.type === 'identifier' && left.text === '__eq__' && right && unparen(right).type === 'lambda' ? { name: left, fn: unparen(right) } : undefined;
}

function isTrueReturn(s: Node | undefined): boolean {
  return s?.type === 'return_statement' && unparen(s.namedChildren[0] ?? s).type === 'true';
}

/** `isinstance(other, ...)` (`negated`: `not isinstance(other, ...)`). */
function typeTestOf(cond: Node | null, other: string, negated: boolean): boolean {
  let c = cond ? unparen(cond) : undefined;
  if (negated) {
    if (c?.type !== 'not_operator') return false;
    c = unparen(c.childForFieldName('argument')!);
  }
  if (c?.type !== 'call' || c.childForFieldName('function')?.text !== 'isinstance') return false;
  const first = c.childForFieldName('arguments')?.namedChildren[0];
  return first?.type === 'identifier' && first.text === other;
}

function onlyStatement(block: Node | null): Node | undefined {
  const stmts = block?.namedChildren.filter((s) => s.type !== 'comment') ?? [];
  return stmts.length === 1 ? stmts[0] : undefined;
}

function returnsSomething(block: Node | null): boolean {
  return !!block?.namedChildren.some((s) => s.type === 'return_statement' && s.namedChildren.length > 0 && !isTrueReturn(s));
}

function fallbackIn(stmts: Node[], other: string): Found | undefined {
  for (const [i, s] of stmts.entries()) {
    if (s.type === 'if_statement' && !s.childForFieldName('alternative')) {
      const cond = s.childForFieldName('condition');
      const then = s.childForFieldName('consequence');
      // `if not isinstance(other, Point): return True`, with a real comparison after it.
      if (typeTestOf(cond, other, true) && isTrueReturn(onlyStatement(then)) && stmts.slice(i + 1).some((n) => n.type === 'return_statement' && !isTrueReturn(n))) {
        return { fallback: onlyStatement(then)!, guard: s, kind: 'type-guard' };
      }
      // `if isinstance(other, Point): return <comparison>` ... `return True` as the last statement.
      const last = stmts[stmts.length - 1];
      // Only when the `return True` follows the guard directly: after more checks it is the end of a real comparison.
      if (typeTestOf(cond, other, false) && returnsSomething(then) && i === stmts.length - 2 && isTrueReturn(last)) return { fallback: last!, guard: s, kind: 'type-guard' };
    }
    if (s.type === 'try_statement' && returnsSomething(s.childForFieldName('body'))) {
      for (const clause of s.namedChildren.filter((c) => c.type === 'except_clause')) {
        const caught = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
        const names = caught ? (unparen(caught).type === 'tuple' ? unparen(caught).namedChildren : [caught]).map((n) => n.text.replace(/^builtins\./, '')) : ['BaseException'];
        const block = clause.namedChildren.find((c) => c.type === 'block') ?? null;
        if (names.some((n) => LENIENT_EXCEPTIONS.test(n)) && isTrueReturn(onlyStatement(block))) return { fallback: onlyStatement(block)!, guard: clause, kind: 'except' };
      }
    }
  }
  return undefined;
}

/** The builtin value types among the classes `isinstance(other, ...)` tests (`(str, int)`, `numbers.Number`). */
function admittedValueTypes(cond: Node | null, other: string, negated: boolean, names: NameResolver): string[] {
  if (!typeTestOf(cond, other, negated)) return [];
  let c = unparen(cond!);
  if (negated) c = unparen(c.childForFieldName('argument')!);
  const second = c.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment')[1];
  if (!second || !names.is(c.childForFieldName('function'), 'builtins.isinstance')) return [];
  const types = unparen(second).type === 'tuple' ? unparen(second).namedChildren.filter((t) => t.type !== 'comment') : [second];
  return types.filter((t) => VALUE_TYPES.has((names.qualify(t) ?? t.text).replace(/^builtins\./, ''))).map((t) => t.text);
}

function isDeferral(s: Node | undefined): boolean {
  const v = s?.type === 'return_statement' ? s.namedChildren.find((c) => c.type !== 'comment') : undefined;
  return !!v && (unparen(v).text === 'NotImplemented' || unparen(v).type === 'false');
}

/**
 * `if not isinstance(other, (str, int)): return NotImplemented` followed only by `return True`, or a
 * leading `if isinstance(other, (str, int)): return True`: the instance equals every value of those
 * builtin types, whatever it holds. A guard on the class's own type stays quiet (all instances equal).
 */
function builtinTypesAnsweredTrue(stmts: Node[], other: string, names: NameResolver): Found | undefined {
  // A docstring first is not a statement that decides anything.
  const body = stmts[0]?.type === 'expression_statement' && stmts[0].namedChild(0)?.type === 'string' ? stmts.slice(1) : stmts;
  const [first, second] = body;
  if (first?.type !== 'if_statement' || first.childForFieldName('alternative')) return undefined;
  const cond = first.childForFieldName('condition');
  const then = onlyStatement(first.childForFieldName('consequence'));
  let admitted = admittedValueTypes(cond, other, true, names);
  if (admitted.length && isDeferral(then) && body.length === 2 && isTrueReturn(second)) return { fallback: second!, guard: first, kind: 'builtin-types', admitted };
  admitted = admittedValueTypes(cond, other, false, names);
  if (admitted.length && isTrueReturn(then)) return { fallback: then!, guard: first, kind: 'builtin-types', admitted };
  return undefined;
}

/** `typeTestAnswer` on the only return of a method body. */
function typeTestDisjunct(stmts: Node[], other: string, names: NameResolver): Found | undefined {
  const returns = stmts.filter((s) => s.type === 'return_statement');
  if (returns.length !== 1 || returns[0] !== stmts[stmts.length - 1]) return undefined;
  const value = returns[0]!.namedChildren.find((c) => c.type !== 'comment');
  return value ? typeTestAnswer(value, returns[0]!, other, names) : undefined;
}

/**
 * `return dict.__eq__(self, other) or isinstance(other, Mapping)`: a real comparison joined by `or` to a test of
 * the other operand's type, so every value of that builtin type (or ABC) compares equal and the comparison
 * before it decides nothing for them; or the type test alone (`return isinstance(other, (Mapping, Number))`),
 * which never looks at a value. Only when the type test stands as a whole disjunct of the answer;
 * `self is other or isinstance(other, Sentinel)` tests a class of its own, which `admittedValueTypes` leaves out.
 */
function typeTestAnswer(value: Node, guard: Node, other: string, names: NameResolver): Found | undefined {
  const disjuncts: Node[] = [];
  const collect = (n: Node) => {
    const u = unparen(n);
    if (u.type === 'boolean_operator' && u.childForFieldName('operator')?.text === 'or') {
      collect(u.childForFieldName('left')!);
      collect(u.childForFieldName('right')!);
    } else disjuncts.push(u);
  };
  collect(value);
  // `isinstance(other, str) or True` is always true whatever the type: the always-true report covers it.
  if (disjuncts.some((d) => d.type === 'true' || d.type === 'string' || (d.type === 'integer' && d.text !== '0'))) return undefined;
  for (const d of disjuncts) {
    const admitted = admittedValueTypes(d, other, false, names);
    if (admitted.length) return { fallback: d, guard, kind: 'builtin-types', admitted };
  }
  return undefined;
}
