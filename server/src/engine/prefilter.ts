/**
 * Source-text prefilters for rules: a rule that can only fire when the file mentions certain words skips
 * all tree work on files that do not, without losing words spelt by implicit string concatenation.
 */
import { flatTree, stringValue, type Node } from './ast';
import type { Listeners, RuleContext } from './rule';

/**
 * The rule's listeners when the file can matter to it: `words` (a necessary condition the rule proves
 * from its own logic) matches the source text, or the value of an implicitly concatenated string
 * (`"pass" "ed"`, which `stringValue` joins). Identifiers, attribute names and plain string contents are
 * source text, and escapes never decode to word characters, so a word the rule can match is either in the
 * source or joined by a concatenation; that rare case replays the file's node list at the end.
 * `words` must be one segment of a dotted name at most (qualified names are joined from several tokens).
 */
export function whenMentioned(ctx: RuleContext, words: RegExp, make: () => Listeners): Listeners {
  if (words.test(ctx.source)) return make();
  let joined = false;
  return {
    concatenated_string: (node) => {
      if (!joined && words.test(stringValue(node) ?? '')) joined = true;
    },
    'module:exit': () => {
      if (joined) replay(ctx.root, make());
    },
  };
}

/** Runs listeners over the file's nodes in the engine's order (the shared pre-order list), then `module:exit`. */
function replay(root: Node, listeners: Listeners): void {
  const byType = new Map<string, (node: Node) => void>();
  for (const [type, listener] of Object.entries(listeners)) if (listener && type !== 'module:exit') byType.set(type, listener as (node: Node) => void);
  if (byType.size) for (const node of flatTree(root).nodes) byType.get(node.type)?.(node);
  listeners['module:exit']?.();
}
