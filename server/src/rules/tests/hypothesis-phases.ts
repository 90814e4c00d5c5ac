/**
 * Hypothesis settings under which property tests run no example (RH404): `phases=[]` (nothing is generated,
 * shrunk or replayed), or only `Phase.explicit` on a test that has no `@example`. Such a `@given` test passes
 * without ever calling its body. Found on a test's `@settings(...)` (also through a name bound to it,
 * `_fast = settings(...)` then `@_fast`) and on a profile that the same file registers and loads.
 */
import { callArguments, decoratorsOf, dottedName, functionName, moduleAssignments, unparen, type Node } from '../../engine/ast';
import type { RuleContext } from '../../engine/rule';

type Phases = 'none' | 'explicit-only';

/** What a `phases=` value leaves to run: nothing, only the explicit examples, or something generated. */
function phasesOf(value: Node | undefined): Phases | undefined {
  if (!value) return undefined;
  const v = unparen(value);
  if (v.type === 'call' && /^(list|tuple|set|frozenset)$/.test(v.childForFieldName('function')?.text ?? '') && callArguments(v).positional.length === 0) return 'none';
  if (!/^(list|tuple|set)$/.test(v.type)) return undefined;
  const items = v.namedChildren.filter((c) => c.type !== 'comment');
  if (items.length === 0) return 'none';
  return items.every((i) => /(^|\.)explicit$/.test(dottedName(i) ?? '')) ? 'explicit-only' : undefined;
}

/** `settings(phases=...)` or `hypothesis.settings(...)`: the phases it sets, if they run nothing generated. */
function settingsPhases(call: Node): Phases | undefined {
  if (call.type !== 'call') return undefined;
  const callee = dottedName(call.childForFieldName('function')) ?? '';
  if (!/(^|\.)settings$/.test(callee)) return undefined;
  return phasesOf(callArguments(call).keywords.get('phases'));
}

const HAS_EXAMPLE = /(^|\.)example$/;

export function checkHypothesisPhases(ctx: RuleContext): void {
  if (!/\bphases\s*=/.test(ctx.source)) return;
  const bound = moduleAssignments(ctx.root);
  // Tests decorated with such settings.
  for (const def of ctx.root.descendantsOfType('function_definition')) {
    const fn = def!;
    if (!/^test/.test(functionName(fn))) continue;
    const decorators = decoratorsOf(fn);
    if (!decorators.some((d) => /(^|\.)given$/.test(dottedName(unparen(d).type === 'call' ? unparen(d).childForFieldName('function') : d) ?? ''))) continue;
    for (const d of decorators) {
      let call = unparen(d);
      // `_fast = settings(phases=(Phase.explicit,))` then `@_fast`.
      if (call.type === 'identifier') {
        const values = bound.get(call.text);
        if (values?.length !== 1) continue;
        call = unparen(values[0]!);
      }
      const phases = settingsPhases(call);
      if (!phases) continue;
      const examples = decorators.some((x) => HAS_EXAMPLE.test(dottedName(unparen(x).type === 'call' ? unparen(x).childForFieldName('function') : x) ?? ''));
      if (phases === 'explicit-only' && examples) continue;
      ctx.report({
        node: d,
        message:
          phases === 'none'
            ? `\`${d.text.replace(/\s+/g, ' ').slice(0, 60)}\` turns off every phase of \`${functionName(fn)}()\`: hypothesis runs no example and the test passes without calling its body.`
            : `\`${d.text.replace(/\s+/g, ' ').slice(0, 60)}\` runs only the explicit examples of \`${functionName(fn)}()\`, and it has none (no \`@example\`): the test passes without calling its body.`,
        severity: 'warning',
      });
    }
  }
  // A profile registered and loaded here: every property test of the run is under it.
  const loaded = new Set<string>();
  const registered: { call: Node; name: string; phases: Phases }[] = [];
  for (const c of ctx.root.descendantsOfType('call')) {
    const call = c!;
    const callee = dottedName(call.childForFieldName('function')) ?? '';
    const args = callArguments(call);
    const name = args.positional[0] && unparen(args.positional[0]).type === 'string' ? unparen(args.positional[0]).text.slice(1, -1) : undefined;
    if (!name) continue;
    if (/(^|\.)settings\.load_profile$/.test(callee)) loaded.add(name);
    else if (/(^|\.)settings\.register_profile$/.test(callee)) {
      const phases = phasesOf(args.keywords.get('phases'));
      if (phases) registered.push({ call, name, phases });
    }
  }
  for (const r of registered) {
    if (!loaded.has(r.name)) continue;
    ctx.report({
      node: r.call,
      message:
        r.phases === 'none'
          ? `The hypothesis profile \`${r.name}\`, registered and loaded here, turns off every phase: every \`@given\` test of the run passes without running an example.`
          : `The hypothesis profile \`${r.name}\`, registered and loaded here, runs only explicit examples: every \`@given\` test without \`@example\` passes without running one.`,
      severity: r.phases === 'none' ? 'warning' : 'info',
    });
  }
}
