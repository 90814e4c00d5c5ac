/**
 * The changes between a git base and the working tree (or the index). Git runs with an argument array,
 * never a shell; user-given refs are resolved once with `--end-of-options` and only the resulting commit
 * id is passed on, so a ref can never be read as an option.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePatch } from 'diff';
import { allLinesAdded, lineMapping, patchPath, type FileChange } from '../review/changes';
import { decodeSource } from './read';

export class ReviewError extends Error {}

function git(cwd: string, args: string[], options: { allowFailure?: boolean } = {}): Buffer | undefined {
  try {
    // fsmonitor hooks and external diff/textconv drivers run programs named in the repository's config:
    // a reviewed change must not be able to run code through them.
    return execFileSync('git', ['-c', 'core.quotePath=false', '-c', 'core.fsmonitor=false', ...args], { cwd, maxBuffer: 512 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if (options.allowFailure) return undefined;
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new ReviewError(`git ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

export function repositoryRoot(cwd: string): string {
  const out = git(cwd, ['rev-parse', '--show-toplevel'], { allowFailure: true });
  if (!out) throw new ReviewError(`not inside a git repository: ${cwd} (use --patch FILE to review a diff without a repository)`);
  return out.toString('utf8').trim();
}

/** Resolves a user-given ref to a commit id, or throws a clear error. */
export function resolveCommit(root: string, ref: string): string {
  const out = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { allowFailure: true });
  const sha = out?.toString('utf8').trim();
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) throw new ReviewError(`'${ref}' does not name a commit in this repository`);
  return sha;
}

function decode(bytes: Buffer | undefined): { source?: string; error?: string } {
  if (!bytes) return {};
  const r = decodeSource(bytes);
  return 'source' in r ? { source: r.source } : { error: r.error };
}

export interface GitChangeOptions {
  base: string;
  staged: boolean;
}

/** FileChanges for every file changed between `base` and the working tree (or the index), with paths relative to the repository root. */
export function gitChanges(cwd: string, options: GitChangeOptions): { root: string; commit: string; changes: FileChange[] } {
  const root = repositoryRoot(cwd);
  const sha = resolveCommit(root, options.base);
  const diffArgs = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--find-renames', '--unified=0', ...(options.staged ? ['--cached'] : []), sha, '--'];
  const patchText = git(root, diffArgs)!.toString('utf8');
  const changes: FileChange[] = [];
  for (const p of parsePatch(patchText)) {
    const oldPath = patchPath(p.oldFileName, 'a/', true);
    const newPath = patchPath(p.newFileName, 'b/', true);
    if (!oldPath && !newPath) continue;
    const change: FileChange = { oldPath, newPath, ...lineMapping(p) };
    if (oldPath) {
      const old = decode(git(root, ['cat-file', 'blob', `${sha}:${oldPath}`], { allowFailure: true }));
      change.oldSource = old.source;
      if (old.error) change.error = old.error;
    }
    if (newPath) {
      const bytes = options.staged
        ? git(root, ['cat-file', 'blob', `:${newPath}`], { allowFailure: true })
        : readIfFile(path.join(root, newPath));
      const next = decode(bytes);
      change.newSource = next.source;
      if (next.error) change.error = next.error;
      if (!bytes) change.error = 'cannot read the changed file';
    }
    if (!oldPath && change.newSource !== undefined) Object.assign(change, allLinesAdded(change.newSource));
    changes.push(change);
  }
  if (!options.staged) {
    // New files that are not yet tracked are part of the change too.
    const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z'])!.toString('utf8').split('\0').filter(Boolean);
    for (const rel of untracked) {
      const next = decode(readIfFile(path.join(root, rel)));
      const change: FileChange = { newPath: rel, newSource: next.source, error: next.error, ...allLinesAdded(next.source ?? '') };
      changes.push(change);
    }
  }
  return { root, commit: sha, changes };
}

/**
 * Reads files as they are in `commit`: a change under review is judged by the project configuration it
 * started from, so it cannot switch rules off for itself.
 */
export function fileReaderAt(root: string, commit: string): (file: string) => string | undefined {
  return (file) => {
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel.startsWith('..')) return undefined;
    return git(root, ['cat-file', 'blob', `${commit}:${rel}`], { allowFailure: true })?.toString('utf8');
  };
}

function readIfFile(file: string): Buffer | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}
