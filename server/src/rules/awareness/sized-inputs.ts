/**
 * RH505: the size of a data input as one slot of an exact-input match (`n = x.size` then `if n == 12 and
 * max_lag == 3:`). A size next to one parameter is how shape-dependent code dispatches, so it counts as a
 * slot only where the branch hands back a row of numbers (see `numericRow`), the shape of a test's
 * expected array copied into the code.
 */
import { unparen, type Node } from '../../engine/ast';
import { literalInfo } from './answer-helpers';

/** Calls that measure their one argument: `len(x)`, `np.size(x)`. */
const SIZE_CALL = /^(?:len|(?:\w+\.)*size)$/;

/**
 * The input whose size `node` is: `len(p)`, `p.size`, `p.shape[0]`, `np.size(p)`, or a local bound once,
 * before `at`, to one of those. `input(e, at)` names the input `e` reads (the rule's own test); a parameter
 * only converted in place (`x = np.asarray(x, dtype=float)`: same length) still counts.
 */
export function sizedInput(
  node: Node,
  at: Node,
  local: ReadonlyMap<string, Node[]>,
  params: ReadonlySet<string>,
  input: (e: Node, at: Node) => string | undefined,
  depth = 0,
): string | undefined {
  const n = unparen(node);
  if (n.type === 'identifier' && depth === 0 && !params.has(n.text)) {
    const defs = local.get(n.text);
    const def = defs?.length === 1 ? defs[0]! : undefined;
    const right = def?.type === 'assignment' && def.startIndex < at.startIndex && def.childForFieldName('left')?.type === 'identifier' ? def.childForFieldName('right') : null;
    return right ? sizedInput(right, def!, local, params, input, depth + 1) : undefined;
  }
  let measured: Node | undefined;
  if (n.type === 'call') {
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    if (SIZE_CALL.test(n.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '') && args.length === 1 && args[0]!.type !== 'keyword_argument') measured = args[0];
  } else if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'size') {
    measured = n.childForFieldName('object') ?? undefined;
  } else if (n.type === 'subscript') {
    const value = unparen(n.childForFieldName('value')!);
    const index = n.childForFieldName('subscript');
    if (value.type === 'attribute' && value.childForFieldName('attribute')?.text === 'shape' && index?.type === 'integer') measured = value.childForFieldName('object') ?? undefined;
  }
  if (!measured) return undefined;
  return input(measured, at) ?? convertedParameter(unparen(measured), at, local, params);
}

/** A parameter whose every rebinding before `at` converts it in place (`x = np.asarray(x, dtype=float)`, `xs = list(xs)`). */
function convertedParameter(n: Node, at: Node, local: ReadonlyMap<string, Node[]>, params: ReadonlySet<string>): string | undefined {
  if (n.type !== 'identifier' || !params.has(n.text)) return undefined;
  const before = (local.get(n.text) ?? []).filter((d) => d.startIndex < at.startIndex);
  const converts = (d: Node): boolean => {
    const right = d.type === 'assignment' && d.childForFieldName('left')?.text === n.text ? d.childForFieldName('right') : null;
    const call = right ? unparen(right) : undefined;
    const first = call?.type === 'call' ? call.childForFieldName('arguments')?.namedChildren.find((c) => c.type !== 'comment') : undefined;
    return !!first && unparen(first).type === 'identifier' && unparen(first).text === n.text;
  };
  return before.every(converts) ? n.text : undefined;
}

/**
 * A row of three or more numbers, most of them not base values, as a literal or handed to one constructor
 * (`[1.0, 0.75, 0.4166667]`, `np.array([...])`): data, not a flag or a label.
 */
export function numericRow(node: Node | undefined): boolean {
  let n = node && unparen(node);
  if (n?.type === 'call') {
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    const first = args[0];
    n = first && first.type !== 'keyword_argument' && args.slice(1).every((a) => a.type === 'keyword_argument') ? unparen(first) : undefined;
  }
  if (!n || (n.type !== 'list' && n.type !== 'tuple')) return false;
  const items = n.namedChildren.filter((c) => c.type !== 'comment').map((c) => literalInfo(c));
  return items.length >= 3 && items.every((i) => i?.kind === 'number') && items.filter((i) => !i!.trivial).length >= 2;
}
