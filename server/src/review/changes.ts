/**
 * A patch as the reviewer sees it: per file, the old and new text and which new lines the change added.
 * Built from unified diffs (git's or any other) parsed by jsdiff.
 */
import type { StructuredPatch } from 'diff';

/** The path under which an error about a patch as a whole (not one of its files) is reported. */
export const WHOLE_PATCH = '<patch>';

export interface FileChange {
  /** Repository-relative path before the change (undefined for a new file). */
  oldPath?: string;
  /** Repository-relative path after the change (undefined for a deleted file). */
  newPath?: string;
  oldSource?: string;
  newSource?: string;
  /** 0-based lines of the new text that the change added or modified. */
  addedLines: Set<number>;
  /** Maps a 0-based old line to the new line at the same place (deleted lines map to where they were). */
  oldToNew: (oldLine: number) => number;
  /** Set when the file could not be reviewed (binary, undecodable, patch does not apply). */
  error?: string;
  /** Each side was rebuilt from the hunks alone (no files at hand): what lies outside them is unknown. */
  fromHunks?: boolean;
  /** With `fromHunks`: the lines of the new text that the hunks show. */
  newView?: SideView;
}

/** The part of one side of a file that a patch's hunks show. */
export interface SideView {
  /** 0-based lines the hunks show. */
  shown: Set<number>;
  /** The number of lines of the side when the last hunk reaches the end of the file. */
  end?: number;
}

/**
 * The new side's lines that the hunks show, and where the file ends when the last hunk shows it: git and
 * diff -u show the same number of context lines after a change as before one, except at the end of the
 * file, so a last hunk with fewer trailing context lines than the hunks' leading context ends there
 * (as does one that says `\ No newline at end of file`).
 */
export function newSideView(patch: StructuredPatch): SideView {
  const shown = new Set<number>();
  let context = 0;
  let end: number | undefined;
  patch.hunks.forEach((hunk, i) => {
    let line = hunk.newStart - 1;
    for (const l of hunk.lines) if (l[0] === ' ' || l[0] === '+') shown.add(line++);
    const body = hunk.lines.filter((l) => l[0] !== '\\');
    const firstChange = body.findIndex((l) => l[0] === '+' || l[0] === '-');
    if (firstChange < 0) return;
    let trailing = 0;
    while (trailing < body.length && body[body.length - 1 - trailing]![0] === ' ') trailing++;
    const last = i === patch.hunks.length - 1;
    // A hunk at the start of the file has fewer leading context lines; the largest count is the diff's.
    context = Math.max(context, firstChange, last ? 0 : trailing);
    const noNewline = hunk.lines.some((l, j) => l[0] === '\\' && hunk.lines[j - 1]?.[0] !== '-');
    if (last && (noNewline || trailing < context)) end = line;
  });
  // A created file's one hunk (`@@ -0,0 +1,5 @@`, which jsdiff reads as old start 1) shows all of it.
  const only = patch.hunks.length === 1 ? patch.hunks[0]! : undefined;
  const created = patch.isCreate || patch.oldFileName === '/dev/null';
  if (created && only && only.oldLines === 0) end = only.newStart - 1 + only.newLines;
  return { shown, end };
}

/**
 * True when a side shows the whole of the block of lines `start..end` (a definition's extent in the text
 * rebuilt from hunks): every line is shown, and after it a shown line that is not indented deeper than
 * `start`'s, or the end of the file.
 */
export function showsWhole(view: SideView | undefined, lines: readonly string[], start: number, end: number): boolean {
  if (!view) return true;
  for (let l = start; l <= end; l++) if (!view.shown.has(l)) return false;
  const indent = (s: string) => s.length - s.trimStart().length;
  for (let l = end + 1; ; l++) {
    if (view.end !== undefined && l >= view.end) return true;
    if (!view.shown.has(l)) return false;
    const text = lines[l] ?? '';
    if (text.trim() && !text.trimStart().startsWith('#')) return indent(text) <= indent(lines[start] ?? '');
  }
}

/** Strips git's `a/`, `b/` prefixes; `/dev/null` means no file. */
export function patchPath(name: string | undefined, prefix: 'a/' | 'b/', stripPrefix: boolean): string | undefined {
  if (!name || name === '/dev/null') return undefined;
  const clean = name.replace(/\t.*$/, '');
  return stripPrefix && clean.startsWith(prefix) ? clean.slice(2) : clean;
}

/** Added lines and the old→new line map of one file's hunks. */
export function lineMapping(patch: StructuredPatch): Pick<FileChange, 'addedLines' | 'oldToNew'> {
  const addedLines = new Set<number>();
  // Anchors (old line, new line) at the start of each hunk and after each run, for oldToNew.
  const anchors: { old: number; new: number; deleted: boolean }[] = [];
  for (const hunk of patch.hunks) {
    // jsdiff numbers an empty side like a non-empty one (git's `+5,0` reads as newStart 6), so
    // `start - 1` is the 0-based line where the hunk begins on both sides.
    let oldLine = hunk.oldStart - 1;
    let newLine = hunk.newStart - 1;

    for (const line of hunk.lines) {
      const kind = line[0];
      if (kind === '+') {
        addedLines.add(newLine);
        newLine++;
      } else if (kind === '-') {
        // Deleted lines are shown on the last line kept before them.
        anchors.push({ old: oldLine, new: Math.max(0, newLine - 1), deleted: true });
        oldLine++;
      } else if (kind === ' ') {
        anchors.push({ old: oldLine, new: newLine, deleted: false });
        oldLine++;
        newLine++;
      }
    }
    anchors.push({ old: oldLine, new: newLine, deleted: false });
  }
  const oldToNew = (old: number): number => {
    let best: { old: number; new: number; deleted: boolean } | undefined;
    for (const a of anchors) if (a.old <= old && (!best || a.old >= best.old)) best = a;
    if (!best) return old;
    return best.deleted && best.old === old ? best.new : best.new + (old - best.old);
  };
  return { addedLines, oldToNew };
}

/** Every line of a text, as added (new files). */
export function allLinesAdded(source: string): Pick<FileChange, 'addedLines' | 'oldToNew'> {
  const count = source.split('\n').length;
  return { addedLines: new Set(Array.from({ length: count }, (_, i) => i)), oldToNew: (l) => l };
}

/**
 * Standard modules whose attributes the rules look for (`sys.exit`, `os._exit`, `time.time`…). Test
 * frameworks are left out: importing them would change the file's role.
 */
const STANDARD_MODULES = ['sys', 'os', 'time', 'subprocess', 'inspect', 'traceback', 'gc', 'shutil', 'builtins', 'atexit', 'signal'];

/**
 * A hunk rarely shows the file's imports, so in a side rebuilt from hunks `sys.exit(0)` would name an
 * unknown `sys`. Code that uses a standard module's name with no binding of it in sight relies on an
 * import outside the hunks: the import is written on the first line when that line lies outside them
 * (it is empty there, so no line moves).
 */
function assumedImports(lines: string[], testFile: boolean): string | undefined {
  const text = lines.join('\n');
  // In a file named as a test, the frameworks' names are the frameworks (the name already makes it a test).
  const modules = testFile ? [...STANDARD_MODULES, 'unittest', 'pytest'] : STANDARD_MODULES;
  const used = modules.filter((m) => new RegExp(`(^|[^\\w.])${m}\\.\\w`).test(text) && !new RegExp(`\\b(import|as|def|class|global|nonlocal)\\s+${m}\\b|\\b${m}\\s*(=[^=]|,[^\\n]*=[^=])|\\bfor\\s+${m}\\b`).test(text));
  return used.length ? `import ${used.join(', ')}` : undefined;
}

/**
 * The text after each hunk header's second `@@`, in the patch's order (`@@ -10,3 +10,4 @@ def median(xs):`):
 * git writes there the nearest line before the hunk that starts a definition (its funcname line).
 */
export function hunkHeadings(patchText: string): string[] {
  const out: string[] = [];
  for (const m of patchText.matchAll(/^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/gm)) out.push(m[1]!.replace(/\r$/, ''));
  return out;
}

/** A hunk heading that opens a top-level function or class: `def median(xs):`, `class Cache(dict):`. */
const DEFINITION_HEADING = /^(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(.*\)[^:#]*:[ \t]*(?:#.*)?$|^class[ \t]+\w+[ \t]*(?:\(.*\))?[ \t]*:[ \t]*(?:#.*)?$/;

/** Text of one side of a patch rebuilt from its hunks alone; lines outside the hunks are left empty. */
function sideFromHunks(patch: StructuredPatch, side: 'old' | 'new', path: string, headings: readonly (string | undefined)[] = []): string {
  const lines: string[] = [];
  const firstStart = patch.hunks.length ? (side === 'old' ? patch.hunks[0]!.oldStart : patch.hunks[0]!.newStart) - 1 : 0;
  for (const hunk of patch.hunks) {
    let at = (side === 'old' ? hunk.oldStart : hunk.newStart) - 1;
    for (const line of hunk.lines) {
      const kind = line[0];
      const keep = kind === ' ' || (side === 'old' ? kind === '-' : kind === '+');
      if (!keep) continue;
      while (lines.length < at) lines.push('');
      lines[at++] = line.slice(1);
    }
  }
  if (firstStart > 0) {
    const imports = assumedImports(lines, /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(path));
    if (imports) lines[0] = imports;
  }
  // What a hunk starts inside of is put back on the empty line just before it: the `def` git names in the
  // hunk's heading, when the hunk starts one level into its body (so the code is read in its function, not
  // as stray indented module code), or else the opening of a `parametrize` list the hunk closes (so the rows
  // it drops are read as the test's cases).
  patch.hunks.forEach((hunk, i) => {
    const at = (side === 'old' ? hunk.oldStart : hunk.newStart) - 2;
    if (at < 1 || lines[at]) return;
    const shown = hunk.lines.filter((l) => l[0] === ' ' || l[0] === (side === 'old' ? '-' : '+')).map((l) => l.slice(1));
    const heading = headings[i];
    const first = shown.find((l) => l.trim() !== '');
    const opening = heading && DEFINITION_HEADING.test(heading) && first && /^( {4}|\t)\S/.test(first) ? heading : decoratorOpening(shown);
    if (opening) lines[at] = opening;
  });
  return lines.join('\n') + '\n';
}

/**
 * The opening of a `@pytest.mark.parametrize(` decorator that a hunk starts inside, or undefined: the hunk
 * closes a call at the margin right before a test's `def` (or another decorator), and what it leaves
 * unclosed is the call alone with a string of argument names in it, or a list and then the call.
 */
function decoratorOpening(shown: string[]): string | undefined {
  const close = shown.findIndex((l, i) => /^\)\s*(#.*)?$/.test(l) && /^(@|(async[ \t]+)?def[ \t]+test)/.test(shown[i + 1] ?? ''));
  if (close < 1) return undefined;
  const unclosed = unmatchedClosers(shown.slice(0, close + 1));
  if (unclosed === ')' && /^\s*(['"]|\(\s*['"]|\[\s*['"])/.test(shown.find((l) => l.trim() !== '') ?? '')) return '@pytest.mark.parametrize(';
  if (unclosed === '])' && /^\s*\],?\s*(#.*)?$/.test(shown[close - 1]!)) return '@pytest.mark.parametrize("…", [';
  return undefined;
}

/** The closing brackets of `lines` that nothing in them opens, in order (strings and comments skipped). */
function unmatchedClosers(lines: string[]): string {
  const open: string[] = [];
  let unmatched = '';
  let quote = '';
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (c === '\\') i++;
        else if (line.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = '';
        }
        continue;
      }
      if (c === '#') break;
      if (c === '"' || c === "'") quote = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      else if ('([{'.includes(c)) open.push(c);
      else if (')]}'.includes(c)) {
        if (open.length) open.pop();
        else unmatched += c;
      }
    }
    // A one-quote string does not go on past its line.
    if (quote.length === 1) quote = '';
  }
  return unmatched;
}

/**
 * FileChanges from a unified diff with no files at hand (batch records of agent episodes): each side is
 * rebuilt from the hunks, keeping line numbers, so rules see the changed code in place (tree-sitter
 * recovers from the missing surroundings).
 */
export function changesFromPatchText(patches: StructuredPatch[], headings: readonly string[] = []): FileChange[] {
  const out: FileChange[] = [];
  let next = 0;
  for (const p of patches) {
    const own = headings.slice(next, next + p.hunks.length);
    next += p.hunks.length;
    const absent = (name: string | undefined) => !name || name === '/dev/null';
    const prefixed = (absent(p.oldFileName) || p.oldFileName!.startsWith('a/')) && (absent(p.newFileName) || p.newFileName!.startsWith('b/'));
    const oldPath = p.isCreate || absent(p.oldFileName) ? undefined : patchPath(p.oldFileName, 'a/', prefixed);
    const newPath = p.isDelete || absent(p.newFileName) ? undefined : patchPath(p.newFileName, 'b/', prefixed);
    if (!oldPath && !newPath) continue;
    out.push({
      oldPath,
      newPath,
      oldSource: oldPath ? sideFromHunks(p, 'old', oldPath, own) : undefined,
      newSource: newPath ? sideFromHunks(p, 'new', newPath, own) : undefined,
      ...lineMapping(p),
      fromHunks: true,
      newView: newPath ? newSideView(p) : undefined,
    });
  }
  return out;
}
