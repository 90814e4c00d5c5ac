/**
 * Source-text prefilters for rules: a rule that can only fire when the file mentions certain words skips
 * all tree work on files that do not, without losing words that only a string's value spells (by implicit
 * concatenation or by escapes).
 */
import { allNodes, flatTree, literalSumValue, stringValue, type Node } from './ast';
import type { Listeners, RuleContext } from './rule';

/**
 * The rule's listeners when the file can matter to it: `words` (a necessary condition the rule proves
 * from its own logic) matches the source text, or the value of a string that spells words its text lacks
 * (see `spellsByValue`). Identifiers and attribute names are source text, and a string's value has the
 * runs of word characters (and `.`s) of its text unless it is an implicit concatenation (`"pass" "ed"`)
 * or holds an escape that decodes to one or joins lines (`"\x65xit"`, see `SPELLING_ESCAPE`); the other
 * escapes decode to control characters, quotes and backslashes, which no name holds. So a word the rule
 * can match is either in the source or in the value of such a string; that rare case replays the file's
 * node list at the end.
 * `words` must be one segment of a dotted name at most (qualified names are joined from several tokens).
 */
export function whenMentioned(ctx: RuleContext, words: RegExp, make: () => Listeners): Listeners {
  if (words.test(ctx.source)) return make();
  return {
    'module:exit': () => {
      if (spelledByValue(ctx, words)) replay(ctx.root, make());
    },
  };
}

/**
 * `whenMentioned`'s condition asked directly, for a rule that decides inside a listener or after the walk:
 * `words` matches the source text or the value of a string that spells words its text lacks (`"sk" "ip"`,
 * `"\x73kip"`).
 */
export function mentionedInFile(ctx: Pick<RuleContext, 'source' | 'root'>, words: RegExp): boolean {
  return words.test(ctx.source) || spelledByValue(ctx, words);
}

/**
 * The second half of that condition, for a rule that has tested the source already: the value of an
 * implicitly concatenated string, or of a string with an escape that can spell a word, matches `words`.
 */
export function spelledByValue(ctx: Pick<RuleContext, 'source' | 'root'>, words: RegExp): boolean {
  return spelledLiterals(ctx).some((l) => words.test(l.value));
}

/**
 * The literals whose value matches `words` when their text may not: implicit concatenations, then lone
 * strings with an escape that can spell a word.
 */
export function* literalsSpelling(ctx: Pick<RuleContext, 'source' | 'root'>, words: RegExp): Generator<Node> {
  for (const l of spelledLiterals(ctx)) if (words.test(l.value)) yield l.node;
}

interface SpelledLiteral {
  node: Node;
  value: string;
}

/** Per file (its root node): most rules ask, with their own words, about the same few literals. */
const spelledLiteralsOf = new WeakMap<Node, SpelledLiteral[]>();

/**
 * The literals whose value may hold words that their text lacks, with those values: implicit
 * concatenations, lone strings with an escape that can spell a word, then sums of literals (`"_py" + "test"`).
 * Computed once per file.
 */
function spelledLiterals(ctx: Pick<RuleContext, 'source' | 'root'>): SpelledLiteral[] {
  let literals = spelledLiteralsOf.get(ctx.root);
  if (literals) return literals;
  literals = [];
  for (const s of ctx.root.descendantsOfType('concatenated_string')) {
    const value = s ? stringValue(s) : undefined;
    if (value !== undefined) literals.push({ node: s!, value });
  }
  if (mayHaveSpellingEscape(ctx.source)) {
    const seen = new Set<Node>();
    for (const escape of ctx.root.descendantsOfType('escape_sequence')) {
      const literal = escape ? literalSpelledByEscape(escape) : undefined;
      if (!literal || seen.has(literal)) continue;
      seen.add(literal);
      const value = stringValue(literal);
      if (value !== undefined) literals.push({ node: literal, value });
    }
  }
  // `"PY" + "TEST_CURRENT_TEST"`: a sum of literals is one string to Python (constant folding), so its value counts.
  if (mayHaveLiteralSums(ctx.source)) {
    for (const sum of ctx.root.descendantsOfType('binary_operator')) {
      // A sum of literals starts with a quote, a string prefix or a parenthesis: skip `a + b` without a look at its children.
      if (!sum || !STARTS_LITERAL.test(ctx.source[sum.startIndex] ?? '')) continue;
      const value = literalSumValue(sum);
      if (value !== undefined) literals.push({ node: sum, value });
    }
  }
  spelledLiteralsOf.set(ctx.root, literals);
  return literals;
}

/** A string literal's closing quote, `+`, and the next one's opening quote (with an optional prefix). */
const STRING_PLUS_STRING = /["']\s*\+\s*[rRuUbB]{0,2}["']/;

const STARTS_LITERAL = /["'(rRuUbBfF]/;

/** Can the file hold a sum of string literals (`"_py" + "test"`)? A cheap text test most files fail. */
export const mayHaveLiteralSums = rememberingLast((source: string) => STRING_PLUS_STRING.test(source));


/**
 * Can this literal's value hold a word its text does not: is it an implicit concatenation, or a string
 * with an escape that decodes to a word character or joins lines? (For a rule that tests literals' text.)
 */
export function spellsByValue(literal: Node): boolean {
  if (literal.type === 'concatenated_string') return true;
  return literal.type === 'string' && SPELLING_ESCAPE.test(literal.text) && literal.descendantsOfType('escape_sequence').some((e) => !!e && SPELLING_ESCAPE_TOKEN.test(e.text));
}

/**
 * The escapes that can put a word character (or `.`) in a value that its text lacks there: `\x`, `\u`,
 * `\U` and `\N{...}` can decode to any, an octal escape to `0`-`9`, `A`-`Z`, `_`, `a`-`z` or `.` only
 * with two or three digits (`\60`-`\172`; one digit gives a control character), and a line continuation
 * (backslash, line break) decodes to nothing, joining the text around it, which matters only when the
 * next line starts with a character a word can hold. Raw strings look the same in the text, so they can
 * pass this test without spelling anything; the tree's `escape_sequence` nodes (none in a raw string) decide.
 */
const SPELLING_ESCAPE = /\\(?:[xuUN]|[0-7]{2}|\r?\n\S)/;
/** The same, for the text of one `escape_sequence` token (which ends with the line break). */
const SPELLING_ESCAPE_TOKEN = /^\\(?:[xuUN]|[0-7]{2}|\r?\n)/;

/**
 * `answer` with its last question and answer remembered: several rules ask the same question about the
 * same file (its source or its path) one after another.
 */
export function rememberingLast<T>(answer: (text: string) => T): (text: string) => T {
  let lastText: string | undefined;
  let last: T;
  return (text) => {
    if (text !== lastText) {
      lastText = text;
      last = answer(text);
    }
    return last;
  };
}

/** Can the file hold a string that spells a word through an escape (a cheap text test most files fail)? */
export const mayHaveSpellingEscape = rememberingLast(hasSpellingEscape);

/**
 * `SPELLING_ESCAPE.test(source)`, by visiting the backslashes: most files have some (`\n` in strings,
 * regular expressions), and a regular expression that starts with one scans slower than `indexOf`.
 */
function hasSpellingEscape(source: string): boolean {
  for (let i = source.indexOf('\\'); i >= 0; i = source.indexOf('\\', i + 1)) {
    const c = source.charCodeAt(i + 1);
    if (c === 0x78 /* x */ || c === 0x75 /* u */ || c === 0x55 /* U */ || c === 0x4e /* N */) return true;
    if (c >= 0x30 && c <= 0x37) {
      const d = source.charCodeAt(i + 2);
      if (d >= 0x30 && d <= 0x37) return true;
    }
    const next = c === 0x0d && source.charCodeAt(i + 2) === 0x0a ? i + 3 : c === 0x0a ? i + 2 : -1;
    if (next > 0 && next < source.length && !/\s/.test(source[next]!)) return true;
  }
  return false;
}

/**
 * The literal whose value an escape that can spell a word is part of, when it is a lone string (the
 * value of a concatenation is tested as a whole, from its own node); undefined for other escapes.
 */
function literalSpelledByEscape(escape: Node): Node | undefined {
  if (!SPELLING_ESCAPE_TOKEN.test(escape.text)) return undefined;
  const literal = escape.parent?.parent; // escape_sequence < string_content < string
  return literal?.type === 'string' && literal.parent?.type !== 'concatenated_string' ? literal : undefined;
}

/** Runs listeners over the file's nodes in the engine's order (the shared pre-order list), then `module:exit`. */
function replay(root: Node, listeners: Listeners): void {
  const byType = new Map<string, (node: Node) => void>();
  for (const [type, listener] of Object.entries(listeners)) if (listener && type !== 'module:exit') byType.set(type, listener as (node: Node) => void);
  if (byType.size) for (const node of allNodes(flatTree(root))) byType.get(node.type)?.(node);
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
