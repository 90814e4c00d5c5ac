/**
 * An `__eq__` that compares for real when the other operand is its own kind, and answers `True` for
 * everything else: `if isinstance(other, Point): return ...` then `return True`, `if not isinstance(other,
 * Point): return True`, or `except AttributeError: return True` around the comparison. A `Point` then equals
 * whatever tuple, dict or string a test compares it with. Real code answers `NotImplemented` or `False` there.
 */
import { definitionOf, functionName, parameterNames, unparen, type Node } from '../../engine/ast';

export interface ForeignFallback {
  method: Node;
  /** The `return True` taken for the other types. */
  fallback: Node;
  /** What leads there: the type guard or the `except` clause. */
  guard: Node;
  kind: 'type-guard' | 'except';
}

/** Exceptions whose handler, answering `True`, makes every operand lacking the compared attributes equal. */
const LENIENT_EXCEPTIONS = /^(AttributeError|TypeError|ValueError|KeyError|Exception|BaseException|LookupError)$/;

export function foreignTypeFallbacks(root: Node): ForeignFallback[] {
  const out: ForeignFallback[] = [];
  for (const cls of root.descendantsOfType('class_definition')) {
    for (const stmt of cls?.childForFieldName('body')?.namedChildren ?? []) {
      const def = definitionOf(stmt);
      if (def.type !== 'function_definition' || functionName(def) !== '__eq__') continue;
      const params = parameterNames(def);
      const other = params[1];
      const body = def.childForFieldName('body');
      if (!other || !body) continue;
      const found = fallbackIn(body.namedChildren.filter((s) => s.type !== 'comment'), other);
      if (found) out.push({ method: def, ...found });
    }
  }
  return out;
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

function fallbackIn(stmts: Node[], other: string): Omit<ForeignFallback, 'method'> | undefined {
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
