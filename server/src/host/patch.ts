/**
 * Reviewing a unified diff with no repository at hand: apply it in memory to the files on disk (or, for
 * new files, take the added content alone) and mark the added lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyPatch, parsePatch, type StructuredPatch } from 'diff';
import { allLinesAdded, lineMapping, patchPath, WHOLE_PATCH, type FileChange } from '../review/changes';
import { decodeSource } from './read';

/** The new file's text from a creation patch: its added lines. */
function addedContent(p: StructuredPatch): string {
  const lines = p.hunks.flatMap((h) => h.lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)));
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** A line that only a diff has: a file header or one of git's extended headers. */
const DIFF_HEADER = /^(diff --git |--- |\+\+\+ |Binary files |rename from |new file mode |deleted file mode |old mode )/m;

/**
 * `git format-patch` ends each message with an email signature, `-- ` and git's version: to a diff parser
 * the `-- ` reads as one more removed line. Only that exact pair, before a blank line, the next message
 * or the end, is dropped (a hunk line always starts with ' ', '+', '-' or '\\', never a digit).
 */
export function withoutEmailSignatures(patchText: string): string {
  const lines = patchText.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const next = lines[i + 2];
    const signature =
      lines[i]!.replace(/\r$/, '') === '-- ' && /^\d+(\.\d+)+\S*\r?$/.test(lines[i + 1] ?? '') && (next === undefined || /^\r?$|^From /.test(next));
    if (signature) i++;
    else kept.push(lines[i]!);
  }
  return kept.join('\n');
}

function wholePatchError(message: string): FileChange[] {
  return [{ newPath: WHOLE_PATCH, addedLines: new Set(), oldToNew: (l) => l, error: `not a unified diff: ${message}` }];
}

/** Reads the files a patch touches from `baseDir`; paths in the result are as the patch names them. */
export function patchChanges(patchText: string, baseDir: string): FileChange[] {
  // An empty patch changes nothing; text with no diff header at all is not a patch (a wrong file, an error page).
  if (patchText.trim() && !DIFF_HEADER.test(patchText)) return wholePatchError('no file header (--- a/file, +++ b/file or diff --git) found');
  let patches: StructuredPatch[];
  try {
    patches = parsePatch(withoutEmailSignatures(patchText));
  } catch (err) {
    return wholePatchError((err as Error).message);
  }
  const changes: FileChange[] = [];
  for (const p of patches) {
    // git diffs prefix a/ and b/; plain `diff -u` output does not.
    const absent = (name: string | undefined) => !name || name === '/dev/null';
    const prefixed =
      (absent(p.oldFileName) || p.oldFileName!.startsWith('a/')) && (absent(p.newFileName) || p.newFileName!.startsWith('b/')) && !(absent(p.oldFileName) && absent(p.newFileName));
    const oldPath = p.isCreate || absent(p.oldFileName) ? undefined : patchPath(p.oldFileName, 'a/', prefixed);
    const newPath = p.isDelete || absent(p.newFileName) ? undefined : patchPath(p.newFileName, 'b/', prefixed);
    if (!oldPath && !newPath) continue;
    const change: FileChange = { oldPath, newPath, ...lineMapping(p) };
    if (!oldPath) {
      change.newSource = addedContent(p);
      Object.assign(change, allLinesAdded(change.newSource));
      changes.push(change);
      continue;
    }
    let bytes: Buffer | undefined;
    try {
      bytes = fs.readFileSync(path.join(baseDir, oldPath));
    } catch {
      bytes = undefined;
    }
    if (!bytes) {
      change.error = `patch modifies ${oldPath}, which does not exist under ${baseDir}`;
      changes.push(change);
      continue;
    }
    const decoded = decodeSource(bytes);
    if ('error' in decoded) {
      change.error = decoded.error;
      changes.push(change);
      continue;
    }
    change.oldSource = decoded.source;
    if (newPath) {
      const applied = applyPatch(decoded.source, p);
      if (applied === false) change.error = `patch does not apply to ${oldPath}: its context does not match the file on disk`;
      else change.newSource = applied;
    }
    changes.push(change);
  }
  return changes;
}
