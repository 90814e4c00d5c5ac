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

/**
 * `whenMentioned`'s condition asked directly, for a rule that decides inside a listener or after the walk:
 * `words` matches the source text or the value of an implicitly concatenated string (`"sk" "ip"`).
 */
export function mentionedInFile(ctx: Pick<RuleContext, 'source' | 'root'>, words: RegExp): boolean {
  return words.test(ctx.source) || spelledByConcatenation(ctx.root, words);
}

/** The second half of that condition, for a rule that has tested the source already: an implicitly concatenated string's value matches `words`. */
export function spelledByConcatenation(root: Node, words: RegExp): boolean {
  for (const s of root.descendantsOfType('concatenated_string')) if (s && words.test(stringValue(s) ?? '')) return true;
  return false;
}

/** Runs listeners over the file's nodes in the engine's order (the shared pre-order list), then `module:exit`. */
function replay(root: Node, listeners: Listeners): void {
  const byType = new Map<string, (node: Node) => void>();
  for (const [type, listener] of Object.entries(listeners)) if (listener && type !== 'module:exit') byType.set(type, listener as (node: Node) => void);
  if (byType.size) for (const node of flatTree(root).nodes) byType.get(node.type)?.(node);
  listeners['module:exit']?.();
}

/** A word a `MentionedWords` looks for and the part of it that is searched for (see there). */
export type AnchoredWord = readonly [word: string, anchor: string];

/**
 * A prefilter's words as a `RegExp` (the alternation of `words`, of `\b(?:wholeWords)\b` and of
 * `extra.pattern`, which is also its `source`) whose `test` gives the same answer at a fraction of the cost.
 * Irregexp tries every alternative at every position of the file, and most files mention none of the words,
 * so they are scanned to the end; `indexOf` of a short anchor that starts with a rare character (`Report` in
 * `TestReport`, `ytest` in `_pytest`) skips ahead with memchr (a long one with Boyer-Moore-Horspool), and
 * only the anchor's few occurrences are compared with the words. Anchors shared by several words are
 * searched once; earlier anchors go first, so put the words most files that match have first.
 * - `words`: `[word, anchor]` pairs, the anchor a substring of the word; the word is literal text.
 * - `wholeWords`: the same, for words of identifier characters that count only between `\b`s (the JS
 *   sense: no `[A-Za-z0-9_]` just before or after).
 * - `extra.pattern` (a flagless pattern for what is neither) runs only on texts that contain `extra.anchor`.
 */
export class MentionedWords extends RegExp {
  private readonly groups: { anchor: string; words: { word: string; offset: number; whole: boolean }[] }[] = [];
  private readonly extra?: { anchor: string; pattern: RegExp };

  constructor(
    words: readonly AnchoredWord[],
    options: { wholeWords?: readonly AnchoredWord[]; extra?: { anchor: string; pattern: RegExp } } = {},
  ) {
    const { wholeWords = [], extra } = options;
    const alternatives = words.map(([word]) => escapeRegExp(word));
    if (wholeWords.length) alternatives.push(`\\b(?:${wholeWords.map(([word]) => word).join('|')})\\b`);
    if (extra) alternatives.push(extra.pattern.source);
    super(alternatives.join('|'));
    if (extra?.pattern.flags) throw new Error(`MentionedWords: the extra pattern must have no flags: ${extra.pattern}`);
    const add = ([word, anchor]: AnchoredWord, whole: boolean) => {
      const offset = word.indexOf(anchor);
      if (!anchor || offset < 0 || (whole && !/^\w+$/.test(word))) throw new Error(`MentionedWords: bad word or anchor ${word} / ${anchor}`);
      const group = this.groups.find((g) => g.anchor === anchor);
      if (group) group.words.push({ word, offset, whole });
      else this.groups.push({ anchor, words: [{ word, offset, whole }] });
    };
    for (const w of words) add(w, false);
    for (const w of wholeWords) add(w, true);
    this.extra = extra;
  }

  override test(text: string): boolean {
    for (const { anchor, words } of this.groups) {
      for (let i = text.indexOf(anchor); i >= 0; i = text.indexOf(anchor, i + 1)) {
        for (const { word, offset, whole } of words) {
          const start = i - offset;
          if (start < 0 || !text.startsWith(word, start)) continue;
          if (!whole || (!isWordCharAt(text, start - 1) && !isWordCharAt(text, start + word.length))) return true;
        }
      }
    }
    return !!this.extra && text.includes(this.extra.anchor) && this.extra.pattern.test(text);
  }
}

/** Is the character at `i` one of `\w`'s `[A-Za-z0-9_]`? (Outside the text it is not.) */
function isWordCharAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i); // NaN outside the text
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
