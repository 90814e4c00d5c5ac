/** The Scan Workspace and Show Rule Documentation commands. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AnalyzeFilesRequest, RuleDocumentationRequest, RulesRequest, type RuleInfo } from '../../shared/src/protocol';

/** Files per request: small enough for a responsive progress bar and prompt cancellation. */
const SCAN_CHUNK = 20;

function excludeGlob(): string | undefined {
  const globs = vscode.workspace.getConfiguration('rewardHack').get<unknown>('exclude');
  if (!Array.isArray(globs)) return undefined;
  const valid = globs.filter((g): g is string => typeof g === 'string' && g.length > 0);
  if (valid.length === 0) return undefined;
  return valid.length === 1 ? valid[0] : `{${valid.join(',')}}`;
}

/** Every Python file of the workspace into the Problems panel; the server reads them from disk. */
export async function scanWorkspace(client: LanguageClient): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showWarningMessage('Reward Hack Detector: open a folder to scan its Python files.');
    return;
  }
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Reward Hack: scanning the workspace', cancellable: true },
    async (progress, token) => {
      const files = await vscode.workspace.findFiles('**/*.py', excludeGlob(), undefined, token);
      const totals = { files: files.length, analysed: 0, findings: 0, skipped: 0, cancelled: false };
      for (let i = 0; i < files.length; i += SCAN_CHUNK) {
        if (token.isCancellationRequested) break;
        const chunk = files.slice(i, i + SCAN_CHUNK);
        try {
          const result = await client.sendRequest(AnalyzeFilesRequest, { uris: chunk.map((u) => client.code2ProtocolConverter.asUri(u)) }, token);
          totals.analysed += result.analysed;
          totals.findings += result.findings;
          totals.skipped += result.skipped.length;
          for (const s of result.skipped) client.outputChannel.appendLine(`scan: skipped ${s.uri}: ${s.reason}`);
        } catch (err) {
          if (token.isCancellationRequested) break;
          throw err;
        }
        progress.report({ increment: (chunk.length / files.length) * 100, message: `${Math.min(i + SCAN_CHUNK, files.length)}/${files.length} files` });
      }
      totals.cancelled = token.isCancellationRequested;
      return totals;
    },
  );
  const text = `Reward Hack: ${summary.cancelled ? 'scan cancelled after' : 'scanned'} ${summary.analysed} of ${summary.files} Python files, ${summary.findings} finding${summary.findings === 1 ? '' : 's'}${summary.skipped ? ` (${summary.skipped} skipped, see the output)` : ''}.`;
  // Not awaited: the command finishes with the scan, not when the notification is dismissed.
  void vscode.window.showInformationMessage(text, 'Show Problems').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
}

function docsFolder(extensionPath: string): string {
  return path.join(extensionPath, 'docs', 'rules');
}

/** The rules from the server, or from the shipped documentation pages when the server is down. */
async function listRules(client: LanguageClient | undefined, extensionPath: string): Promise<Pick<RuleInfo, 'code' | 'name' | 'summary' | 'familyTitle'>[]> {
  if (client) {
    try {
      return await client.sendRequest(RulesRequest);
    } catch {
      // Fall back to the pages on disk.
    }
  }
  try {
    return fs
      .readdirSync(docsFolder(extensionPath))
      .filter((f) => /^RH\d+\.md$/.test(f))
      .sort()
      .map((f) => ({ code: f.slice(0, -3), name: '', summary: '', familyTitle: '' }));
  } catch {
    return [];
  }
}

export async function pickRule(client: LanguageClient | undefined, extensionPath: string): Promise<string | undefined> {
  const rules = await listRules(client, extensionPath);
  if (rules.length === 0) {
    void vscode.window.showWarningMessage('Reward Hack Detector: no rules found.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    rules.map((r) => ({ label: r.code, description: r.name, detail: r.summary || undefined, code: r.code })),
    { title: 'Reward Hack: rule documentation', placeHolder: 'Pick a rule', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.code;
}

/** Opens the rule's page in the Markdown preview: the shipped file, or one the server renders. */
export async function openRuleDocumentation(client: LanguageClient | undefined, extensionPath: string, storage: vscode.Uri, rule: string): Promise<void> {
  let uri: vscode.Uri | undefined;
  let markdown: string | undefined;
  if (client) {
    try {
      const doc = await client.sendRequest(RuleDocumentationRequest, { rule });
      if (doc?.documentationUri) uri = vscode.Uri.parse(doc.documentationUri);
      markdown = doc?.markdown;
    } catch {
      // Fall back to the page on disk.
    }
  }
  if (!uri) {
    const file = path.join(docsFolder(extensionPath), `${rule.toUpperCase()}.md`);
    if (fs.existsSync(file)) uri = vscode.Uri.file(file);
  }
  if (!uri && markdown) {
    // A page rendered by the server: preview it from a file, so closing it never asks to save.
    const folder = vscode.Uri.joinPath(storage, 'rule-docs');
    await vscode.workspace.fs.createDirectory(folder);
    uri = vscode.Uri.joinPath(folder, `${rule.replace(/[^\w-]/g, '_')}.md`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(markdown));
  }
  if (!uri) {
    void vscode.window.showWarningMessage(`Reward Hack Detector: no documentation for ${rule}.`);
    return;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // The built-in Markdown extension may be disabled: show the source instead.
    await vscode.window.showTextDocument(uri, { preview: true });
  }
}
