/**
 * rewardHack/reviewChanges and rewardHack/reviewBases over JSON-RPC against real git repositories made
 * in temporary folders: the same agent-like change as the CLI's review test, so the editor and the
 * command line report exactly the same findings.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { AGENT_FILES, BASE_FILES } from '../support/review-repo';
import { EXIT_HACK, fileUri, TestClient, tempWorkspace } from './harness';

/** As the CLI's review test has it: path:line(1-based) rule severity. */
const EXPECTED = [
  'pyproject.toml:5 RH901 warning',
  'src/helper.py:2 RH901 warning',
  'src/solution.py:5 RH101 error',
  'src/solution.py:5 RH901 warning',
  'tests/test_other.py:1 RH902 warning',
  'tests/test_solution.py:5 RH902 warning',
].sort();

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

interface ReviewResult {
  folderUri: string;
  label: string;
  commit?: string;
  files: number;
  results: { uri: string; path: string; diagnostics: Diagnostic[] }[];
  errors: { path: string; uri?: string; message: string }[];
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

function makeRepo(): string {
  const dir = tempWorkspace(BASE_FILES);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

function agentChange(dir: string): void {
  write(dir, AGENT_FILES);
  fs.rmSync(path.join(dir, 'tests', 'test_other.py'));
}

const summary = (r: ReviewResult) =>
  r.results.flatMap((f) => f.diagnostics.map((d) => `${f.path}:${d.range.start.line + 1} ${String(d.code)} ${SEVERITY[d.severity ?? 0]}`)).sort();

describe('review requests', { timeout: 120_000 }, () => {
  let client: TestClient;
  let repo: string;
  let settings: Record<string, unknown> = {};
  const cleanup: string[] = [];

  before(async () => {
    repo = makeRepo();
    agentChange(repo);
    cleanup.push(repo);
    ({ client } = await TestClient.start({ workspaceFolders: [repo], settings: () => settings }));
  });
  after(async () => {
    await client?.stop();
    for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
  });

  const review = (params: Record<string, unknown>) => client.request<ReviewResult>('rewardHack/reviewChanges', params, 60_000);

  it('reports exactly the hack, the suppression, the config change and the deleted tests against HEAD', async () => {
    const r = await review({ folderUri: fileUri(repo), base: 'HEAD' });
    assert.deepEqual(summary(r), EXPECTED);
    assert.deepEqual(r.errors, []);
    assert.match(r.label, /^HEAD \([0-9a-f]{7}\)$/);
    assert.equal(r.commit, git(repo, 'rev-parse', 'HEAD').trim());
    for (const f of r.results) {
      assert.equal(f.uri, fileUri(path.join(repo, f.path)));
      for (const d of f.diagnostics) assert.equal(d.source, 'reward-hack');
    }
    const deleted = r.results.flatMap((f) => f.diagnostics).filter((d) => d.code === 'RH902').map((d) => d.message).join('\n');
    assert.match(deleted, /test_negative/);
    // Unchanged code is not part of the review, even with a hack in it.
    assert.ok(!r.results.some((f) => f.path.includes('legacy')));
  });

  it('the editor settings win over the base configuration, as command-line flags do', async () => {
    settings = { rules: { RH101: 'info' } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    try {
      const r = await review({ folderUri: fileUri(repo) });
      assert.ok(summary(r).includes('src/solution.py:5 RH101 info'), summary(r).join('\n'));
    } finally {
      settings = {};
      await client.notify('workspace/didChangeConfiguration', { settings: null });
    }
  });

  it('scope "files" reports whole changed files', async () => {
    write(repo, { 'src/legacy.py': BASE_FILES['src/legacy.py'] + '\n\ndef more():\n    return 1\n' });
    try {
      const lines = summary(await review({ folderUri: fileUri(repo) }));
      const files = summary(await review({ folderUri: fileUri(repo), scope: 'files' }));
      assert.ok(!lines.some((l) => l.startsWith('src/legacy.py')));
      assert.ok(files.includes('src/legacy.py:5 RH101 error'), files.join('\n'));
    } finally {
      write(repo, { 'src/legacy.py': BASE_FILES['src/legacy.py'] });
    }
  });

  it('lists the bases: branch, default branch, merge base and branches', async () => {
    const other = makeRepo();
    cleanup.push(other);
    git(other, 'checkout', '-qb', 'feature');
    write(other, { 'src/solution.py': 'import sys\n\n\ndef solve(n):\n    sys.exit(0)\n' });
    git(other, 'commit', '-qam', 'agent');
    const bases = await client.request<{ repository: boolean; branch?: string; defaultBranch?: string; mergeBase?: string; branches: string[] }>(
      'rewardHack/reviewBases',
      { folderUri: fileUri(other) },
    );
    assert.equal(bases.repository, true);
    assert.equal(bases.branch, 'feature');
    assert.equal(bases.defaultBranch, 'main');
    assert.equal(bases.mergeBase, git(other, 'rev-parse', 'main').trim());
    assert.deepEqual([...bases.branches].sort(), ['feature', 'main']);

    // Against HEAD the committed hack is not a change; against the merge base it is.
    assert.deepEqual(summary(await review({ folderUri: fileUri(other), base: 'HEAD' })), []);
    const sinceMain = await review({ folderUri: fileUri(other), mergeBase: true });
    assert.deepEqual(summary(sinceMain), ['src/solution.py:5 RH101 error']);
    assert.match(sinceMain.label, /^merge base with main \([0-9a-f]{7}\)$/);
    assert.deepEqual(summary(await review({ folderUri: fileUri(other), base: 'main' })), ['src/solution.py:5 RH101 error']);

    const plain = tempWorkspace({ 'a.py': 'x = 1\n' });
    cleanup.push(plain);
    assert.deepEqual(await client.request('rewardHack/reviewBases', { folderUri: fileUri(plain) }), { repository: false, branches: [] });
  });

  it('a base that names no commit, hostile refs and folders outside git are clear errors', async () => {
    await assert.rejects(review({ folderUri: fileUri(repo), base: 'no-such-branch' }), (err: { code: number; message: string }) => {
      assert.equal(err.code, -32051);
      assert.match(err.message, /'no-such-branch' does not name a commit/);
      return true;
    });
    const marker = path.join(os.tmpdir(), `rhd-hostile-${process.pid}`);
    for (const hostile of [`--output=${marker}`, '-p', 'HEAD; touch x', '$(touch x)']) {
      await assert.rejects(review({ folderUri: fileUri(repo), base: hostile }), /does not name a commit/);
    }
    assert.equal(fs.existsSync(marker), false);
    assert.equal(fs.existsSync(path.join(repo, 'x')), false);

    const plain = tempWorkspace({ 'a.py': 'x = 1\n' });
    cleanup.push(plain);
    await assert.rejects(review({ folderUri: fileUri(plain) }), (err: { code: number; message: string }) => {
      assert.equal(err.code, -32050);
      assert.match(err.message, /not inside a git repository/);
      return true;
    });
    await assert.rejects(review({ folderUri: 'untitled:x' }), (err: { code: number }) => err.code === -32052);
    await assert.rejects(review({}), (err: { code: number }) => err.code === -32052);
  });

  it('reviews a patch file applied to the folder, with the same findings', async () => {
    const patch = git(repo, 'diff', '--no-color', 'HEAD');
    // The patch covers tracked files; helper.py is untracked, so add it as a new-file hunk.
    const helper = AGENT_FILES['src/helper.py'].trimEnd().split('\n');
    const newFile = `diff --git a/src/helper.py b/src/helper.py\nnew file mode 100644\n--- /dev/null\n+++ b/src/helper.py\n@@ -0,0 +1,${helper.length} @@\n${helper.map((l) => `+${l}`).join('\n')}\n`;
    const clean = tempWorkspace(BASE_FILES);
    cleanup.push(clean);
    const patchFile = path.join(os.tmpdir(), `rhd-review-${process.pid}.diff`);
    fs.writeFileSync(patchFile, patch + newFile);
    cleanup.push(patchFile);
    const r = await review({ folderUri: fileUri(clean), patchPath: patchFile });
    assert.deepEqual(summary(r), EXPECTED);
    assert.deepEqual(r.errors, []);
    assert.equal(r.label, path.basename(patchFile));
    assert.equal(r.commit, undefined);

    // A patch whose context does not match the files on disk: reported per file, not fatal.
    write(clean, { 'src/solution.py': 'def solve(n):\n    return n + n\n' });
    const stale = await review({ folderUri: fileUri(clean), patchPath: patchFile });
    assert.ok(
      stale.errors.some((e) => e.path === 'src/solution.py' && /does not apply/.test(e.message) && e.uri === fileUri(path.join(clean, 'src/solution.py'))),
      JSON.stringify(stale.errors),
    );
    assert.ok(summary(stale).includes('src/helper.py:2 RH901 warning'));

    await assert.rejects(review({ folderUri: fileUri(clean), patchPath: path.join(clean, 'missing.diff') }), (err: { code: number; message: string }) => {
      assert.equal(err.code, -32052);
      assert.match(err.message, /cannot read the patch file/);
      return true;
    });
  });

  it('a patch cannot reach outside the folder', async () => {
    const clean = tempWorkspace({ 'inner/a.py': 'x = 1\n' });
    cleanup.push(clean);
    const patchFile = path.join(clean, 'escape.diff');
    fs.writeFileSync(patchFile, '--- /dev/null\n+++ ../outside.py\n@@ -0,0 +1,2 @@\n+import sys\n+sys.exit(0)\n');
    const r = await review({ folderUri: fileUri(path.join(clean, 'inner')), patchPath: patchFile });
    assert.deepEqual(r.results, []);
    assert.match(r.errors[0]?.message ?? '', /outside/);
  });

  it('open documents follow the pyproject.toml on disk, the review the one at the base', async () => {
    // The agent's pyproject.toml turns RH1 off: live diagnostics obey it, the review above did not.
    const uri = fileUri(path.join(repo, 'src', 'live.py'));
    await client.open(uri, EXIT_HACK);
    const p = await client.diagnosticsAt(uri, 1);
    assert.ok(!p.diagnostics.some((d) => d.code === 'RH101'), JSON.stringify(p.diagnostics));
    await client.close(uri);
  });
});
