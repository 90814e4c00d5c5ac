/**
 * RH303: the `--runslow` recipe without its category check. A skip of every test gated on an opt-in option
 * being off is usually a whole-suite switch (info); but when the option is named after a marker the same
 * file registers (`--runslow` and `addinivalue_line("markers", "slow: ...")`), the skip was meant for that
 * marker's tests and, missing `"slow" in item.keywords`, skips every test of a default run instead.
 */
import { callArguments, stringValue, unparen, type Node } from '../../engine/ast';
import type { RuleContext } from '../../engine/rule';
import { localBindings, requires, type Gate } from './helpers';

/** `config.getoption("--runslow")`, `getvalue("runslow")`, `config.option.runslow`: the option's name. */
function optionNameOf(atom: Node): string | undefined {
  const u = unparen(atom);
  if (u.type === 'call') {
    const f = u.childForFieldName('function');
    if (f?.type !== 'attribute' || !/^(getoption|getvalue)$/.test(f.childForFieldName('attribute')?.text ?? '')) return undefined;
    return stringValue(callArguments(u).positional[0]);
  }
  if (u.type === 'attribute' && unparen(u.childForFieldName('object')!).text.replace(/\s+/g, '').endsWith('.option')) return u.childForFieldName('attribute')?.text;
  return undefined;
}

/** Marker names registered by this file: `config.addinivalue_line("markers", "slow: mark test as slow")`. */
function registeredMarkers(root: Node): string[] {
  const out: string[] = [];
  for (const call of root.descendantsOfType('call')) {
    const f = call.childForFieldName('function');
    if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'addinivalue_line') continue;
    const [kind, line] = callArguments(call).positional;
    const name = stringValue(kind) === 'markers' ? /^\s*(\w{3,})\s*[:(]/.exec(stringValue(line) ?? '')?.[1] : undefined;
    if (name) out.push(name);
  }
  return out;
}

/**
 * The registered marker whose opt-in option must be off for the site to run (every test skipped unless the
 * option is given), if any.
 */
export function skippedCategory(ctx: RuleContext, gates: readonly Gate[], fn: Node | null): string | undefined {
  if (!/addinivalue_line/.test(ctx.source)) return undefined;
  const markers = registeredMarkers(ctx.root);
  if (!markers.length) return undefined;
  const bindings = fn ? localBindings(fn) : undefined;
  const options: string[] = [];
  // `run_slow = config.getoption("--runslow")` then `if run_slow: return`: the local stands for the option.
  const atomOption = (atom: Node): string | undefined => {
    const u = unparen(atom);
    const bound = u.type === 'identifier' ? bindings?.get(u.text) : undefined;
    return bound?.length === 1 ? optionNameOf(bound[0]!) : optionNameOf(u);
  };
  for (const g of gates) {
    // The gate passes whenever the option is off (`requires` of the opposite outcome).
    const seen: string[] = [];
    const off = requires(g.cond, !g.positive, (atom) => {
      const name = atomOption(atom);
      if (name) seen.push(name);
      return !!name;
    });
    if (off) options.push(...seen);
  }
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const o of options) {
    const marker = markers.find((m) => squash(o).includes(squash(m)));
    if (marker) return marker;
  }
  return undefined;
}
