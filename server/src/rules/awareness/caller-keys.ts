/**
 * RH502: a caller's variable read by a name the function is given (`ns[name]` with `name` a parameter, or a
 * loop variable over a `*names` parameter: `for name in names: if name in ns: return ns[name]`). Whether that
 * is looking for the test's answer depends on the names the function is called with, in this file or, for a
 * module-level function, in the modules that import it (`warm_start("expected", "want")`).
 */
import { forEachInScope, parameterNames, type Node } from '../../engine/ast';

/** The parameter a key variable comes from: its position, and whether it collects the rest (`*names`). */
export interface KeyParameter {
  index: number;
  rest: boolean;
}

/** The `*rest` parameter of `fn` (also annotated, `*names: str`) and how many parameters precede it. */
function restParameter(fn: Node): { name: string; index: number } | undefined {
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p) => p.type !== 'comment') ?? [];
  for (const [index, p] of params.entries()) {
    const splat = p.type === 'list_splat_pattern' ? p : p.type === 'typed_parameter' ? p.namedChildren.find((c) => c.type === 'list_splat_pattern') : undefined;
    const id = splat?.namedChildren.find((c) => c.type === 'identifier');
    if (id) return { name: id.text, index };
  }
  return undefined;
}

/** `keyVar` itself a parameter, or the variable of a `for keyVar in P` loop of `fn` over a `*P` parameter. */
export function keyParameter(fn: Node, keyVar: string): KeyParameter | undefined {
  const params = parameterNames(fn);
  const direct = params.indexOf(keyVar);
  if (direct >= 0) return { index: direct, rest: false };
  const rest = restParameter(fn);
  if (!rest) return undefined;
  let found: KeyParameter | undefined;
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type !== 'for_statement') return;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left?.type !== 'identifier' || left.text !== keyVar || right?.type !== 'identifier') return;
    if (rest?.name === right.text) found = { index: rest.index, rest: true };
  });
  return found;
}

/** The first of a call's positional word strings that the parameter receives and `wanted` accepts. */
export function keyPassed(args: readonly (string | null | undefined)[], at: KeyParameter, wanted: RegExp): string | undefined {
  const given = at.rest ? args.slice(at.index) : [args[at.index]];
  return given.find((s): s is string => typeof s === 'string' && wanted.test(s));
}
