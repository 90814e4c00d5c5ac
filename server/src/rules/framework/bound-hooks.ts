/**
 * Hooks bound in another module of the project (`from ._plugin import normalize as pytest_runtest_makereport` in a
 * conftest): the function here is that hook, and the framework rules judge it like `pytest_x = normalize` beside it.
 */
import { decoratorsOf } from '../../engine/ast';
import type { RuleContext } from '../../engine/rule';
import type { AssignedHook } from './helpers';

export function hooksBoundElsewhere(ctx: Pick<RuleContext, 'facts'>): AssignedHook[] {
  return ctx.facts.boundHooks.map(({ fn, hook }) => ({ hook, fn, binding: fn, decorators: decoratorsOf(fn) }));
}
