/**
 * The language status items: server state and the number of findings in the current file, and while a
 * review is active, the number of findings on changed lines.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { type FileStatus } from '../../shared/src/protocol';
import type { ReviewSummary } from './review';

const ROLE_LABEL: Record<string, string> = {
  test: 'test file',
  'test-infrastructure': 'test infrastructure',
  'entry-point': 'entry point',
  'code-under-test': 'code under test',
};

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('rewardHack.status', { language: 'python' });
  private reviewItem: vscode.LanguageStatusItem | undefined;
  private readonly statuses = new Map<string, FileStatus>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.item.name = 'Reward Hack Detector';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = this.activeUri();
        if (active && e.uris.some((u) => u.toString() === active.toString())) this.update();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.statuses.delete(d.uri.toString())),
    );
    this.update();
  }

  fileStatus(status: FileStatus): void {
    this.statuses.set(status.uri, status);
    if (status.uri === this.activeUri()?.toString()) this.update();
  }

  private activeUri(): vscode.Uri | undefined {
    return vscode.window.activeTextEditor?.document.uri;
  }

  update(): void {
    const state = this.client()?.state;
    if (state !== State.Running) {
      const starting = state === State.Starting;
      this.item.text = starting ? '$(loading~spin) Reward Hack' : '$(error) Reward Hack: stopped';
      this.item.detail = starting ? 'starting the language server' : 'the language server is not running';
      this.item.severity = starting ? vscode.LanguageStatusSeverity.Information : vscode.LanguageStatusSeverity.Error;
      this.item.busy = starting;
      this.item.command = starting ? undefined : { title: 'Restart', command: 'rewardHack.restartServer' };
      return;
    }
    this.item.busy = false;
    const uri = this.activeUri();
    const status = uri ? this.statuses.get(uri.toString()) : undefined;
    if (status?.skipped) {
      this.item.text = '$(circle-slash) Reward Hack: not analysed';
      this.item.detail = status.skipped;
      this.item.severity = vscode.LanguageStatusSeverity.Information;
      this.item.command = { title: 'Show Output', command: 'rewardHack.showOutput' };
      return;
    }
    // The live diagnostics only: a review's findings for the same file are counted by the review item.
    const count = uri ? (this.client()?.diagnostics?.get(uri)?.length ?? 0) : 0;
    this.item.text = count === 0 ? '$(shield) Reward Hack: no findings' : `$(warning) Reward Hack: ${count} finding${count === 1 ? '' : 's'}`;
    const details = [status?.role ? ROLE_LABEL[status.role] ?? status.role : undefined];
    if (status?.suppressed) details.push(`${status.suppressed} suppressed`);
    if (status?.syntaxErrors) details.push('syntax errors (analysed what parsed)');
    this.item.detail = details.filter(Boolean).join(' · ') || undefined;
    this.item.severity = count === 0 ? vscode.LanguageStatusSeverity.Information : vscode.LanguageStatusSeverity.Warning;
    this.item.command = count === 0 ? { title: 'Scan Workspace', command: 'rewardHack.scanWorkspace' } : { title: 'Show Problems', command: 'workbench.actions.view.problems' };
  }

  review(summary: ReviewSummary | undefined): void {
    if (!summary) {
      this.reviewItem?.dispose();
      this.reviewItem = undefined;
      return;
    }
    this.reviewItem ??= vscode.languages.createLanguageStatusItem('rewardHack.review', { language: 'python' });
    const item = this.reviewItem;
    item.name = 'Reward Hack Review';
    item.busy = summary.running;
    item.text = `$(checklist) Review: ${summary.findings} finding${summary.findings === 1 ? '' : 's'}`;
    item.detail = `${summary.title} · ${summary.files} Python file${summary.files === 1 ? '' : 's'}`;
    item.severity = summary.findings ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    item.command = { title: 'Show', command: 'rewardHack.review.focus' };
  }

  dispose(): void {
    this.reviewItem?.dispose();
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
