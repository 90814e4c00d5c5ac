/**
 * Hand-written closeness checks that can never fail: `abs(a - e) > rel * (abs(a) + abs(e))` with `rel >= 1`.
 * The difference of two numbers is never more than the sum of their magnitudes (the triangle inequality), nor more
 * than twice the larger one, so a bound of at least that much admits every pair of values.
 */
import { callArguments, unparen, type Node } from '../../engine/ast';
import { comparisonOperator } from './helpers';

/** Resolves a written number: a literal, a module constant, a parameter's default. */
export type NumberOf = (node: Node) => number | undefined;

/** The two operands of `abs(x - y)` / `math.fabs(x - y)`, as written. */
function absoluteDifference(node: Node): [string, string] | undefined {
  const n = unparen(node);
  if (n.type !== 'call' || !isAbs(n)) return undefined;
  const args = callArguments(n).positional;
  const d = args.length === 1 ? unparen(args[0]!) : undefined;
  if (d?.type !== 'binary_operator' || d.child(1)?.type !== '-') return undefined;
  return [flat(d.childForFieldName('left')!), flat(d.childForFieldName('right')!)];
}

/** `abs(x)`, `math.fabs(x)`, `np.abs(x)`: the magnitude of a number. */
export function isAbs(call: Node): boolean {
  const f = call.childForFieldName('function')?.text.replace(/\s+/g, '');
  return f === 'abs' || f === 'math.fabs' || f === 'fabs' || f === 'np.abs' || f === 'numpy.abs';
}

const flat = (n: Node) => unparen(n).text.replace(/\s+/g, '');

/** `abs(x)` of one of the two operands: which one (0 or 1), or undefined. */
function magnitudeOf(node: Node, pair: [string, string]): number | undefined {
  const n = unparen(node);
  if (n.type !== 'call' || !isAbs(n)) return undefined;
  const args = callArguments(n).positional;
  if (args.length !== 1) return undefined;
  const i = pair.indexOf(flat(args[0]!));
  return i < 0 ? undefined : i;
}

/**
 * How much of each magnitude a bound guarantees: `k * (abs(x) + abs(y)) + t` gives `[k, k]`, `k * max(abs(x),
 * abs(y))` counts as half of `k` for each (the larger is at least their mean). Every other term must be a
 * non-negative number; otherwise undefined.
 */
function boundCoefficients(node: Node, pair: [string, string], num: NumberOf, depth = 0): [number, number] | undefined {
  if (depth > 8) return undefined;
  const n = unparen(node);
  const which = magnitudeOf(n, pair);
  if (which !== undefined) return which === 0 ? [1, 0] : [0, 1];
  if (n.type === 'call') {
    const f = n.childForFieldName('function')?.text;
    const args = callArguments(n).positional;
    if (f === 'max' && args.length === 2) {
      const idx = args.map((a) => magnitudeOf(a, pair));
      if (idx[0] !== undefined && idx[1] !== undefined && idx[0] !== idx[1]) return [0.5, 0.5];
    }
    return undefined;
  }
  if (n.type === 'binary_operator') {
    const op = n.child(1)?.type;
    const left = n.childForFieldName('left')!;
    const right = n.childForFieldName('right')!;
    if (op === '+') {
      const a = boundCoefficients(left, pair, num, depth + 1);
      const b = boundCoefficients(right, pair, num, depth + 1);
      return a && b ? [a[0] + b[0], a[1] + b[1]] : undefined;
    }
    if (op === '*') {
      for (const [factor, term] of [[left, right], [right, left]] as const) {
        const k = num(factor);
        if (k === undefined || k < 0) continue;
        const c = boundCoefficients(term, pair, num, depth + 1);
        if (c) return [c[0] * k, c[1] * k];
      }
    }
    return undefined;
  }
  const v = num(n);
  return v !== undefined && v >= 0 ? [0, 0] : undefined;
}

/**
 * The condition can never hold (`failing`: it guards a failure, `abs(a - e) > bound`) or always holds (an asserted
 * `abs(a - e) <= bound`), because the bound is at least the sum of the two magnitudes. Returns the factor that makes
 * it so (for the message), or undefined.
 */
export function vacuousDifferenceBound(cond: Node, failing: boolean, num: NumberOf): number | undefined {
  const c = unparen(cond);
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2) return undefined;
  const op = comparisonOperator(c);
  const [a, b] = c.namedChildren as [Node, Node];
  // Normalised to `difference OP bound`.
  let diff = absoluteDifference(a);
  let bound = b;
  let rel = op;
  if (!diff) {
    diff = absoluteDifference(b);
    bound = a;
    rel = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, string>)[op] ?? '';
  }
  if (!diff || diff[0] === diff[1]) return undefined;
  const coefficients = boundCoefficients(bound, diff, num);
  if (!coefficients) return undefined;
  const k = Math.min(coefficients[0], coefficients[1]);
  // `>` fails only above the sum, which no difference reaches; `>=` and `<` also on the sum itself, so only a
  // larger factor makes them vacuous.
  const strictEnough = failing ? rel === '>' ? k >= 1 : rel === '>=' && k > 1 : rel === '<=' ? k >= 1 : rel === '<' && k > 1;
  return strictEnough ? k : undefined;
}
