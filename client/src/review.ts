/**
 * Review Changes / Review Patch File: the server computes the findings on changed lines; this shows
 * them in the Problems panel (own diagnostic collection, so stopping the review leaves the live
 * diagnostics alone) and in the "Reward Hack Review" tree, and re-runs on save while active.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import { REVIEW_ERROR, ReviewBasesRequest, ReviewChangesRequest, type ReviewBases, type ReviewChangesParams, type ReviewChangesResult } from '../../shared/src/protocol';

export const REVIEW_VIEW = 'rewardHack.review';
const ACTIVE_CONTEXT = 'rewardHack.reviewActive';
const RERUN_DELAY_MS = 500;

/** What is under review: a git base for every repository folder, or one patch file on one folder. */
type Target = { kind: 'git'; base?: string; mergeBase?: boolean; title: string } | { kind: 'patch'; patchPath: string; folderUri: string; title: string };

export interface ReviewSummary {
  title: string;
  findings: number;
  files: number;
  running: boolean;
}

type Node =
  | { type: 'file'; uri: vscode.Uri; path: string; diagnostics: vscode.Diagnostic[] }
  | { type: 'finding'; uri: vscode.Uri; diagnostic: vscode.Diagnostic }
  | { type: 'message'; text: string; tooltip?: string; uri?: vscode.Uri; icon: string };

class ReviewTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  roots: Node[] = [];

  set(roots: Node[]): void {
    this.roots = roots;
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.roots;
    if (node.type === 'file') return node.diagnostics.map((diagnostic) => ({ type: 'finding', uri: node.uri, diagnostic }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.type === 'file') {
      const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.Expanded);
      const dir = path.dirname(node.path);
      item.description = `${dir === '.' ? '' : `${dir} · `}${node.diagnostics.length}`;
      item.tooltip = node.path;
      item.contextValue = 'file';
      return item;
    }
    if (node.type === 'finding') {
      const d = node.diagnostic;
      const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
      const item = new vscode.TreeItem(d.message.split('\n')[0]!, vscode.TreeItemCollapsibleState.None);
      item.description = `${code} · line ${d.range.start.line + 1}`;
      item.tooltip = new vscode.MarkdownString(`**${code}** (line ${d.range.start.line + 1})\n\n${d.message}`);
      item.iconPath = new vscode.ThemeIcon(
        d.severity === vscode.DiagnosticSeverity.Error ? 'error' : d.severity === vscode.DiagnosticSeverity.Warning ? 'warning' : 'info',
      );
      item.command = { title: 'Open', command: 'vscode.open', arguments: [node.uri, { selection: d.range, preview: true }] };
      item.contextValue = 'finding';
      return item;
    }
    const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.uri) item.command = { title: 'Open', command: 'vscode.open', arguments: [node.uri] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function fileFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
}

export class ReviewController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('reward-hack-review');
  private readonly tree = new ReviewTree();
  private readonly view: vscode.TreeView<Node>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private target: Target | undefined;
  private running = false;
  private rerunPending = false;
  private rerunTimer: NodeJS.Timeout | undefined;
  private readonly changedEmitter = new vscode.EventEmitter<ReviewSummary | undefined>();
  /** Fires with the new summary (undefined when no review is active). */
  readonly onDidChange = this.changedEmitter.event;
  summary: ReviewSummary | undefined;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.view = vscode.window.createTreeView(REVIEW_VIEW, { treeDataProvider: this.tree, showCollapseAll: true });
    this.subscriptions.push(
      this.view,
      this.collection,
      this.tree,
      this.changedEmitter,
      vscode.workspace.onDidSaveTextDocument(() => this.scheduleRerun()),
    );
  }

  get active(): boolean {
    return this.target !== undefined;
  }

  // ---- commands --------------------------------------------------------------------------------

  async reviewChanges(): Promise<void> {
    const client = this.requireClient();
    if (!client) return;
    if (!vscode.workspace.isTrusted) {
      // git honours repository configuration (fsmonitor, filters) that can run programs.
      void vscode.window.showWarningMessage(
        'Reward Hack: Review Changes runs git, which needs a trusted workspace. Trust the workspace, or use "Reward Hack: Review Patch File…".',
      );
      return;
    }
    const folders = fileFolders();
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('Reward Hack: open a folder to review its changes.');
      return;
    }
    const bases = await Promise.all(
      folders.map((f) =>
        client.sendRequest(ReviewBasesRequest, { folderUri: client.code2ProtocolConverter.asUri(f.uri) }).then(
          (b) => ({ folder: f, bases: b }),
          (err: unknown) => {
            this.output.warn(`review: cannot read the git state of ${f.uri.fsPath}: ${messageOf(err)}`);
            return { folder: f, bases: { repository: false, branches: [] } as ReviewBases };
          },
        ),
      ),
    );
    const repos = bases.filter((b) => b.bases.repository);
    if (repos.length === 0) {
      void vscode.window.showErrorMessage('Reward Hack: no workspace folder is in a git repository. To review a diff without one, use "Reward Hack: Review Patch File…".');
      return;
    }
    const activeFolder = vscode.window.activeTextEditor && vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri);
    const primary = repos.find((r) => r.folder === activeFolder) ?? repos[0]!;
    const target = await pickBase(primary.bases);
    if (!target) return;
    await this.start(target);
  }

  async reviewPatch(): Promise<void> {
    if (!this.requireClient()) return;
    const folders = fileFolders();
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('Reward Hack: open the folder the patch applies to first.');
      return;
    }
    const picked = await vscode.window.showOpenDialog({
      title: 'Reward Hack: patch file to review',
      canSelectMany: false,
      openLabel: 'Review',
      defaultUri: folders[0]!.uri,
      filters: { 'Patch files': ['patch', 'diff'], 'All files': ['*'] },
    });
    const file = picked?.[0];
    if (!file) return;
    const folder =
      folders.length === 1
        ? folders[0]
        : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder the patch applies to (its paths are relative to it)' });
    if (!folder) return;
    await this.start({ kind: 'patch', patchPath: file.fsPath, folderUri: folder.uri.toString(), title: path.basename(file.fsPath) });
  }

  stop(): void {
    this.target = undefined;
    if (this.rerunTimer) clearTimeout(this.rerunTimer);
    this.rerunTimer = undefined;
    this.collection.clear();
    this.tree.set([]);
    this.view.message = undefined;
    this.view.description = undefined;
    this.view.badge = undefined;
    this.summary = undefined;
    void vscode.commands.executeCommand('setContext', ACTIVE_CONTEXT, false);
    this.changedEmitter.fire(undefined);
  }

  async refresh(): Promise<void> {
    if (this.target) await this.run(true);
  }

  // ---- running ---------------------------------------------------------------------------------

  private async start(target: Target): Promise<void> {
    this.target = target;
    await vscode.commands.executeCommand('setContext', ACTIVE_CONTEXT, true);
    await this.run(true);
    if (this.target === target) void vscode.commands.executeCommand(`${REVIEW_VIEW}.focus`);
  }

  private scheduleRerun(): void {
    if (!this.target) return;
    if (this.rerunTimer) clearTimeout(this.rerunTimer);
    // Saving several files at once re-runs once.
    this.rerunTimer = setTimeout(() => {
      this.rerunTimer = undefined;
      void this.run(false);
    }, RERUN_DELAY_MS);
  }

  /** Runs the active review; a request while one runs re-runs once it ends. */
  private async run(interactive: boolean): Promise<void> {
    if (this.running) {
      this.rerunPending = true;
      return;
    }
    const target = this.target;
    const client = this.client();
    if (!target || !client) return;
    this.running = true;
    this.publishSummary(true);
    try {
      const outcome = await vscode.window.withProgress(
        { location: { viewId: REVIEW_VIEW }, title: 'Reward Hack: reviewing changes' },
        () => this.compute(client, target),
      );
      if (this.target !== target) return;
      await this.show(client, target, outcome, interactive);
    } finally {
      this.running = false;
      if (this.target === target) this.publishSummary(false);
      if (this.rerunPending) {
        this.rerunPending = false;
        void this.run(false);
      }
    }
  }

  private async compute(client: LanguageClient, target: Target): Promise<{ results: ReviewChangesResult[]; failures: string[] }> {
    const requests: { name: string; params: ReviewChangesParams }[] =
      target.kind === 'patch'
        ? [{ name: target.title, params: { folderUri: target.folderUri, patchPath: target.patchPath } }]
        : fileFolders().map((f) => ({
            name: f.name,
            params: { folderUri: client.code2ProtocolConverter.asUri(f.uri), base: target.base, mergeBase: target.mergeBase },
          }));
    const results: ReviewChangesResult[] = [];
    const failures: string[] = [];
    let repositories = 0;
    for (const r of requests) {
      try {
        results.push(await client.sendRequest(ReviewChangesRequest, r.params));
        repositories++;
      } catch (err) {
        // Folders outside git are simply not part of a git review.
        if (target.kind === 'git' && err instanceof ResponseError && err.code === REVIEW_ERROR.notARepository) continue;
        repositories++;
        failures.push(`${r.name}: ${messageOf(err)}`);
      }
    }
    if (repositories === 0) failures.push('no workspace folder is in a git repository');
    return { results, failures };
  }

  private async show(client: LanguageClient, target: Target, outcome: { results: ReviewChangesResult[]; failures: string[] }, interactive: boolean): Promise<void> {
    const roots: Node[] = [];
    const entries: [vscode.Uri, vscode.Diagnostic[]][] = [];
    let findings = 0;
    let files = 0;
    for (const failure of outcome.failures) {
      this.output.error(`review: ${failure}`);
      roots.push({ type: 'message', text: failure, tooltip: failure, icon: 'error' });
    }
    for (const result of outcome.results) {
      files += result.files;
      for (const e of result.errors) {
        this.output.warn(`review: ${e.path}: ${e.message}`);
        roots.push({ type: 'message', text: `${e.path}: ${e.message}`, tooltip: e.message, uri: e.uri ? vscode.Uri.parse(e.uri) : undefined, icon: 'warning' });
      }
      for (const r of result.results) {
        const uri = client.protocol2CodeConverter.asUri(r.uri);
        const diagnostics = await client.protocol2CodeConverter.asDiagnostics(r.diagnostics);
        entries.push([uri, diagnostics]);
        findings += diagnostics.length;
        roots.push({ type: 'file', uri, path: r.path, diagnostics });
      }
    }
    this.collection.clear();
    this.collection.set(entries);
    this.tree.set(roots);
    const labels = [...new Set(outcome.results.map((r) => r.label))];
    const title = target.kind === 'patch' ? `patch ${target.title}` : `changes vs ${labels.length === 1 ? labels[0] : target.title}`;
    this.view.description = title;
    this.view.badge = findings ? { value: findings, tooltip: `${findings} finding${findings === 1 ? '' : 's'} on changed lines` } : undefined;
    this.view.message = findings === 0 && roots.length === 0 ? `No findings on the changed lines (${files} Python file${files === 1 ? '' : 's'} reviewed).` : undefined;
    this.summary = { title, findings, files, running: false };
    this.output.info(`review of ${title}: ${findings} finding(s) in ${files} Python file(s)`);
    if (outcome.failures.length) {
      const text = `Reward Hack: the review failed: ${outcome.failures.join('; ')}`;
      if (interactive) void vscode.window.showErrorMessage(text);
      else this.output.error(text);
    } else if (interactive && outcome.results.some((r) => r.errors.length)) {
      void vscode.window.showWarningMessage('Reward Hack: the review is incomplete: some files could not be reviewed (see the Reward Hack Review view).');
    }
  }

  private publishSummary(running: boolean): void {
    if (!this.target) return;
    this.summary = { title: this.summary?.title ?? this.target.title, findings: this.summary?.findings ?? 0, files: this.summary?.files ?? 0, running };
    this.changedEmitter.fire(this.summary);
  }

  private requireClient(): LanguageClient | undefined {
    const c = this.client();
    if (!c) void vscode.window.showWarningMessage('Reward Hack Detector: the language server is not running. Try "Reward Hack: Restart Server".');
    return c;
  }

  dispose(): void {
    if (this.rerunTimer) clearTimeout(this.rerunTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}

type BaseItem = vscode.QuickPickItem & { target?: Target; typeIn?: boolean };

async function pickBase(bases: ReviewBases): Promise<Target | undefined> {
  const short = (sha?: string) => (sha ? sha.slice(0, 7) : '');
  const items: BaseItem[] = [
    {
      label: '$(git-commit) HEAD',
      description: bases.branch ? `uncommitted changes on ${bases.branch}` : 'uncommitted changes',
      detail: bases.head ? `Compare the working tree with the last commit (${short(bases.head)}).` : undefined,
      target: { kind: 'git', base: 'HEAD', title: 'HEAD' },
    },
  ];
  if (bases.defaultBranch && bases.mergeBase) {
    items.push({
      label: `$(git-merge) Merge base with ${bases.defaultBranch}`,
      description: short(bases.mergeBase),
      detail: 'Everything this branch changed, committed or not.',
      target: { kind: 'git', mergeBase: true, title: `merge base with ${bases.defaultBranch}` },
    });
  }
  items.push({ label: '$(edit) Branch, tag or commit…', description: 'type a ref', typeIn: true });
  if (bases.branches.length) {
    items.push({ label: 'Branches', kind: vscode.QuickPickItemKind.Separator });
    for (const b of bases.branches) items.push({ label: `$(git-branch) ${b}`, target: { kind: 'git', base: b, title: b } });
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Reward Hack: review the changes since…', placeHolder: 'Pick the base to compare the working tree with', matchOnDescription: true });
  if (!picked) return undefined;
  if (!picked.typeIn) return picked.target;
  const ref = await vscode.window.showInputBox({
    title: 'Reward Hack: review the changes since…',
    prompt: 'A branch, tag or commit id',
    validateInput: (v) => (v.trim() ? undefined : 'Enter a ref'),
  });
  return ref?.trim() ? { kind: 'git', base: ref.trim(), title: ref.trim() } : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
