/** The language status item: server state and the number of findings in the current file. */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { DIAGNOSTIC_SOURCE, type FileStatus } from './protocol';

const ROLE_LABEL: Record<string, string> = {
  test: 'test file',
  'test-infrastructure': 'test infrastructure',
  'entry-point': 'entry point',
  'code-under-test': 'code under test',
};

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('rewardHack.status', { language: 'python' });
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
    const count = uri ? vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE).length : 0;
    this.item.text = count === 0 ? '$(shield) Reward Hack: no findings' : `$(warning) Reward Hack: ${count} finding${count === 1 ? '' : 's'}`;
    const details = [status?.role ? ROLE_LABEL[status.role] ?? status.role : undefined];
    if (status?.suppressed) details.push(`${status.suppressed} suppressed`);
    if (status?.syntaxErrors) details.push('syntax errors (analysed what parsed)');
    this.item.detail = details.filter(Boolean).join(' · ') || undefined;
    this.item.severity = count === 0 ? vscode.LanguageStatusSeverity.Information : vscode.LanguageStatusSeverity.Warning;
    this.item.command = count === 0 ? { title: 'Scan Workspace', command: 'rewardHack.scanWorkspace' } : { title: 'Show Problems', command: 'workbench.actions.view.problems' };
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
