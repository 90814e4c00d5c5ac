/**
 * Review Changes / Review Patch File for the editor: the same review as `scan --diff` / `scan --patch`
 * (host/git.ts, host/patch.ts, review/review.ts), answered as LSP diagnostics per file. The client only
 * picks the base and shows the result.
 *
 * A change is judged by the configuration it started from (the base commit's pyproject.toml, or the one
 * on disk for a patch), with the editor's settings on top as on the command line the flags are.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError, type CancellationToken } from 'vscode-languageserver';
import { ConfigResolver, parseProjectConfig } from '../host/config';
import { fileReaderAt, gitChanges, resolveCommit, ReviewError } from '../host/git';
import { patchChanges } from '../host/patch';
import type { FileChange } from '../review/changes';
import { reviewChanges as review } from '../review/review';
import { ALL_RULES } from '../rules/registry';
import { toDiagnostic } from './convert';
import { fsPathOf } from './paths';
import { effectiveSettings } from './project';
import { REVIEW_ERROR, type ReviewBases, type ReviewBasesParams, type ReviewChangesParams, type ReviewChangesResult } from '../../../shared/src/protocol';
import { defaultSettings, type EditorSettings } from './settings';

/** Larger patch files are refused rather than read into memory. */
const MAX_PATCH_BYTES = 64 << 20;

export interface ReviewContext {
  editorSettings(uri: string): Promise<EditorSettings>;
  /** The path of a document relative to its workspace folder. */
  workspacePath(uri: string): string;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** Read-only git queries (argument arrays, never a shell). Undefined when git fails. */
function gitQuery(cwd: string, args: string[]): string | undefined {
  try {
    // fsmonitor off: a hook configured in the repository must not run because we asked for a ref.
    return execFileSync('git', ['-c', 'core.fsmonitor=false', ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 << 20, timeout: 30_000 })
      .toString('utf8')
      .trim();
  } catch {
    return undefined;
  }
}

function folderPath(folderUri: unknown): string {
  const fsPath = typeof folderUri === 'string' ? fsPathOf(folderUri) : undefined;
  if (!fsPath) throw new ResponseError(REVIEW_ERROR.badRequest, `not a folder on disk: ${String(folderUri)}`);
  if (!fs.existsSync(fsPath)) throw new ResponseError(REVIEW_ERROR.badRequest, `the folder ${fsPath} does not exist`);
  return fsPath;
}

function repositoryRoot(folder: string): string | undefined {
  return gitQuery(folder, ['rev-parse', '--show-toplevel']) || undefined;
}

/** `origin/HEAD`'s target, else `main`, else `master`: the branch changes are usually merged into. */
function defaultBranch(root: string): string | undefined {
  const remote = gitQuery(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  if (remote) return remote;
  for (const name of ['main', 'master']) {
    if (gitQuery(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${name}`])) return name;
  }
  return undefined;
}

function mergeBaseWith(root: string, branch: string): string | undefined {
  let target: string;
  try {
    target = resolveCommit(root, branch);
  } catch {
    return undefined;
  }
  const sha = gitQuery(root, ['merge-base', 'HEAD', target]);
  return sha && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}

export function reviewBases(params: ReviewBasesParams): ReviewBases {
  const folder = folderPath(params?.folderUri);
  const root = repositoryRoot(folder);
  if (!root) return { repository: false, branches: [] };
  const head = gitQuery(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']) || undefined;
  const branch = gitQuery(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']) || undefined;
  const main = defaultBranch(root);
  const refs = gitQuery(root, ['for-each-ref', '--sort=-committerdate', '--count=200', '--format=%(refname:short)', 'refs/heads', 'refs/remotes']) ?? '';
  return {
    repository: true,
    root,
    head,
    branch,
    defaultBranch: main,
    mergeBase: main && head ? mergeBaseWith(root, main) : undefined,
    branches: refs.split('\n').filter((b) => b && !b.endsWith('/HEAD') && b !== 'origin'),
  };
}

function inside(folder: string, abs: string): boolean {
  const rel = path.relative(folder, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function reviewChanges(params: ReviewChangesParams, token: CancellationToken, ctx: ReviewContext): Promise<ReviewChangesResult> {
  const folderUri = String(params?.folderUri);
  const folder = folderPath(params?.folderUri);
  const scope = params?.scope === 'files' ? 'files' : 'lines';

  let root: string;
  let changes: FileChange[];
  let configs: ConfigResolver;
  let label: string;
  let commit: string | undefined;
  if (params?.patchPath !== undefined) {
    if (typeof params.patchPath !== 'string' || !params.patchPath) throw new ResponseError(REVIEW_ERROR.badRequest, 'no patch file given');
    const patchFile = path.resolve(folder, params.patchPath);
    let text: string;
    try {
      const size = fs.statSync(patchFile).size;
      if (size > MAX_PATCH_BYTES) throw new Error(`${size} bytes, limit ${MAX_PATCH_BYTES}`);
      text = fs.readFileSync(patchFile, 'utf8');
    } catch (err) {
      throw new ResponseError(REVIEW_ERROR.badRequest, `cannot read the patch file ${patchFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    root = folder;
    changes = patchChanges(text, folder);
    configs = new ConfigResolver();
    label = path.basename(patchFile);
  } else {
    const repo = repositoryRoot(folder);
    if (!repo) throw new ResponseError(REVIEW_ERROR.notARepository, `${folder} is not inside a git repository`);
    let base: string;
    if (params?.mergeBase) {
      const main = defaultBranch(repo);
      if (!main) throw new ResponseError(REVIEW_ERROR.git, `${repo} has no default branch (origin/HEAD, main or master) to take the merge base with`);
      const sha = mergeBaseWith(repo, main);
      if (!sha) throw new ResponseError(REVIEW_ERROR.git, `HEAD and ${main} have no merge base in ${repo}`);
      base = sha;
      label = `merge base with ${main}`;
    } else {
      base = typeof params?.base === 'string' && params.base.trim() ? params.base.trim() : 'HEAD';
      label = base;
    }
    try {
      const git = gitChanges(folder, { base, staged: false });
      ({ root, changes, commit } = git);
      configs = new ConfigResolver(fileReaderAt(git.root, git.commit));
    } catch (err) {
      if (err instanceof ReviewError) throw new ResponseError(REVIEW_ERROR.git, err.message);
      throw err;
    }
    label += ` (${commit.slice(0, 7)})`;
  }

  const absOf = (rel: string) => path.resolve(root, rel);
  const uriOf = (rel: string) => pathToFileURL(absOf(rel)).toString();
  const errors: ReviewChangesResult['errors'] = [];
  // Only this folder's files: a folder inside a bigger repository, or a patch naming ../ paths.
  const inFolder = (rel: string | undefined) => rel !== undefined && inside(folder, absOf(rel));
  const selected = changes.filter((c) => {
    if (inFolder(c.newPath) || inFolder(c.oldPath)) return true;
    if (params?.patchPath !== undefined) errors.push({ path: c.newPath ?? c.oldPath ?? '?', message: `outside ${folder}: not reviewed` });
    return false;
  });

  // reviewChanges asks for settings synchronously: fetch the editor's for every file first.
  const editor = new Map<string, EditorSettings>();
  await Promise.all(
    [...new Set(selected.flatMap((c) => [c.newPath, c.oldPath]).filter((p): p is string => !!p))].map(async (rel) => {
      try {
        editor.set(rel, await ctx.editorSettings(uriOf(rel)));
      } catch {
        // Defaults below.
      }
    }),
  );
  const settingsOf = (rel: string) => {
    const abs = absOf(rel);
    return effectiveSettings(editor.get(rel) ?? defaultSettings(), configs.forFile(abs), ctx.workspacePath(pathToFileURL(abs).toString()), abs);
  };
  // Virtualenvs and other excluded files that git does not ignore would drown the review.
  const reviewed = selected.filter((c) => [c.newPath, c.oldPath].some((p) => p !== undefined && !settingsOf(p).excluded));
  if (token.isCancellationRequested) throw new ResponseError(-32800, 'cancelled');

  const result = review(reviewed, ALL_RULES, {
    scope,
    settingsFor: (rel) => settingsOf(rel).analysis,
    parseConfig: (text, rel) => parseProjectConfig(text, absOf(rel)),
  });
  for (const e of result.errors) errors.push({ path: e.path, uri: uriOf(e.path), message: e.message });
  ctx.log('info', `review of ${folder} against ${label}: ${result.files} Python file(s), ${result.results.reduce((n, r) => n + r.findings.length, 0)} finding(s)`);
  return {
    folderUri,
    label,
    commit,
    files: result.files,
    results: result.results
      .filter((r) => r.findings.length > 0)
      .map((r) => {
        const uri = uriOf(r.path);
        return { uri, path: r.path, diagnostics: r.findings.map((f) => toDiagnostic(uri, f, null)) };
      }),
    errors,
  };
}
