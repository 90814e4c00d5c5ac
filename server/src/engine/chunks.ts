/**
 * Where a Python source can be cut into pieces that parse alone: the starts of its top-level statements.
 *
 * tree-sitter-python re-parses most of a file after an edit (its indentation tokens come from an external
 * scanner, so old tokens are rarely reusable), which makes every keystroke in a large file cost most of a
 * full parse. A top-level statement, though, parses the same inside the whole module as on its own, so the
 * editor parses a file as consecutive pieces (each a tree over its own `includedRanges`) and, after an edit,
 * parses again only the piece that changed. The engine analyses the pieces as one module (fast.ts).
 *
 * The cut points are found from the text alone, with a light scan that follows strings, brackets, comments
 * and backslash continuations. It only has to be safe: a missed cut point only makes a piece larger, and a
 * wrong one (text that fools the scan) leaves a piece that does not parse cleanly, which callers check.
 */

/** Clauses that continue the compound statement before them, even at column 0. */
const CONTINUATION_CLAUSE = /^(?:else|elif|except|finally)\b/;

/**
 * Ascending offsets (UTF-16 code units) of the lines that start a new top-level statement; always starts
 * with 0. A line qualifies when it begins at column 0 with a character that can start a statement (not a
 * space, tab, form feed, line break, `#` or `\`), outside any string, bracket or backslash continuation, is not
 * a continuation clause (`else:`...), and does not follow a decorator line (the decorated definition is one
 * statement).
 */
export function topLevelStatementStarts(source: string): number[] {
  return scanStarts(source, [0], 0, undefined);
}

/**
 * `topLevelStatementStarts` of a text after edits, from its answer before them: `previous` holds the old starts
 * in the new text's offsets (those after the edits shifted), and `[changedFrom, changedTo)` spans the changed
 * text. The scan resumes at the last start well before the change (the scan's state is known at a start: outside
 * any string, bracket or continuation) and stops at the first start after it that was a start before, since
 * the text from there on, and so every later start, is as it was.
 */
export function resumeStatementStarts(source: string, previous: readonly number[], changedFrom: number, changedTo: number): number[] {
  // A start's verdict reads up to 8 characters past it (the continuation clauses): resume before any it saw change.
  let k = upperBound(previous, changedFrom - 8) - 1;
  if (k < 0) k = 0;
  const from = previous[k] ?? 0;
  const kept = previous.slice(0, k + 1);
  if (kept.length === 0) kept.push(0);
  return scanStarts(source, kept, from, { after: changedTo, previous });
}

/** Index of the first element of the ascending `list` greater than `value`. */
function upperBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The scan behind both: from offset `from` (0 or a statement start, where the scan's state is clean), appending
 * to `starts`. With `sync`, a start at or after `sync.after` that `sync.previous` holds ends the scan: the rest
 * of `sync.previous` follows.
 */
function scanStarts(source: string, starts: number[], from: number, sync: { after: number; previous: readonly number[] } | undefined): number[] {
  const n = source.length;
  let i = from;
  let depth = 0; // open brackets
  let continued = false; // the previous line ended inside brackets or with a backslash
  let afterDecorator = false; // the last statement line at column 0 was a decorator
  let bareJoin = false; // the previous line was only a backslash at column 0: this one starts the statement
  while (i < n) {
    // At the start of a physical line.
    const first = source.charCodeAt(i);
    const logicalStart: boolean = depth === 0 && (!continued || bareJoin);
    if (logicalStart && startsStatement(first)) {
      if (!continued && i > from && !afterDecorator && !CONTINUATION_CLAUSE.test(source.slice(i, i + 8))) {
        if (sync && i >= sync.after) {
          const k = upperBound(sync.previous, i) - 1;
          if (k >= 0 && sync.previous[k] === i) {
            for (let j = k; j < sync.previous.length; j++) starts.push(sync.previous[j]!);
            return starts;
          }
        }
        starts.push(i);
      }
      afterDecorator = first === 0x40; // @
    }
    bareJoin = logicalStart && first === 0x5c;
    continued = false;
    // The rest of the line: strings, brackets, comments, the line break.
    for (;;) {
      if (i >= n) break;
      const c = source.charCodeAt(i);
      if (c === 0x0a) {
        i++;
        continued = depth > 0;
        break;
      }
      if (c === 0x0d) {
        i += source.charCodeAt(i + 1) === 0x0a ? 2 : 1;
        continued = depth > 0;
        break;
      }
      if (c === 0x23) {
        // A comment runs to the end of the line.
        while (i < n && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
        continue;
      }
      if (c === 0x5c) {
        // A backslash before a line break joins the next line to this one.
        const next = source.charCodeAt(i + 1);
        if (next === 0x0a || next === 0x0d) {
          i += next === 0x0d && source.charCodeAt(i + 2) === 0x0a ? 3 : 2;
          continued = true;
          break;
        }
        i++;
        continue;
      }
      if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x29 || c === 0x5d || c === 0x7d) depth = depth > 0 ? depth - 1 : 0;
      else if (c === 0x22 || c === 0x27) {
        i = skipString(source, i, c);
        continue;
      }
      i++;
    }
  }
  return starts;
}

/** Can a line starting with this character begin a statement? Not blanks, comments, or a backslash that joins the line to the next. */
function startsStatement(c: number): boolean {
  return c !== 0x20 && c !== 0x09 && c !== 0x0c && c !== 0x0a && c !== 0x0d && c !== 0x23 && c !== 0x5c;
}

/**
 * The offset just past the string literal whose opening quote is at `i`. A single-quoted string also ends
 * at an unescaped line break (unterminated: the parser will say so); a triple-quoted one at the end of
 * the text. A backslash always skips the next character, which is what matters for finding the end.
 */
function skipString(source: string, i: number, quote: number): number {
  const n = source.length;
  const triple = source.charCodeAt(i + 1) === quote && source.charCodeAt(i + 2) === quote;
  i += triple ? 3 : 1;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 0x5c) {
      i += source.charCodeAt(i + 1) === 0x0d && source.charCodeAt(i + 2) === 0x0a ? 3 : 2;
      continue;
    }
    if (c === quote) {
      if (!triple) return i + 1;
      if (source.charCodeAt(i + 1) === quote && source.charCodeAt(i + 2) === quote) return i + 3;
    } else if (!triple && (c === 0x0a || c === 0x0d)) return i;
    i++;
  }
  return n;
}

/**
 * Where to cut `[from, to)` (which starts and ends at statements) into groups of consecutive top-level
 * statements of at least `minLength` code units each (the last may be shorter): ascending offsets from
 * `from` to `to`, taken from the ascending statement starts `starts`. Fewer, larger pieces cost less to
 * keep; smaller ones less to re-parse.
 */
export function pieceBoundaries(starts: readonly number[], from: number, to: number, minLength: number): number[] {
  const cuts = [from];
  for (const s of starts) if (s > from && s < to && s - cuts[cuts.length - 1]! >= minLength && to - s >= minLength / 4) cuts.push(s);
  cuts.push(to);
  return cuts;
}
