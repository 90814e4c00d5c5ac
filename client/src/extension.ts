/**
 * The VS Code extension: starts the bundled language server over IPC and adds the commands and the
 * language status item. All analysis happens in the server; the extension never runs workspace code.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { openRuleDocumentation, pickRule, scanWorkspace } from './commands';
import { EXPLAIN_RULE_COMMAND, FileStatusNotification } from './protocol';
import { StatusItem } from './status';

/** What `activate` returns: end-to-end tests use it to wait for the server. */
export interface RewardHackApi {
  /** Resolves once the language server has started (rejects if it could not). */
  ready: Promise<void>;
  client(): LanguageClient | undefined;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): RewardHackApi {
  const output = vscode.window.createOutputChannel('Reward Hack Detector', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { notebook: 'jupyter-notebook', language: 'python' },
    ],
    diagnosticCollectionName: 'reward-hack',
    outputChannel: output,
    initializationOptions: { clientHandlesExplainRule: true },
    // Hovers link to the rule documentation through our own command and nothing else.
    markdown: { isTrusted: { enabledCommands: [EXPLAIN_RULE_COMMAND] } },
  };
  // The id makes vscode-languageclient read `rewardHack.trace.server`.
  const languageClient = new LanguageClient('rewardHack', 'Reward Hack Detector', serverOptions, clientOptions);
  client = languageClient;

  const status = new StatusItem(() => languageClient);
  context.subscriptions.push(output, status);
  context.subscriptions.push(languageClient.onDidChangeState(() => status.update()));
  languageClient.onNotification(FileStatusNotification, (s) => status.fileStatus(s));

  const running = () => (languageClient.state === State.Running ? languageClient : undefined);
  context.subscriptions.push(
    vscode.commands.registerCommand('rewardHack.scanWorkspace', () => withClient(running(), (c) => scanWorkspace(c))),
    vscode.commands.registerCommand('rewardHack.showRuleDocumentation', async (code?: unknown) => {
      const rule = typeof code === 'string' ? code : await pickRule(running(), context.extensionPath);
      if (rule) await openRuleDocumentation(running(), context.extensionPath, context.globalStorageUri, rule);
    }),
    vscode.commands.registerCommand(EXPLAIN_RULE_COMMAND, async (code?: unknown) => {
      if (typeof code === 'string') await openRuleDocumentation(running(), context.extensionPath, context.globalStorageUri, code);
    }),
    vscode.commands.registerCommand('rewardHack.restartServer', async () => {
      output.info('Restarting the language server');
      try {
        if (languageClient.state === State.Stopped) await languageClient.start();
        else await languageClient.restart();
      } catch (err) {
        reportStartFailure(output, err);
      }
      status.update();
    }),
    vscode.commands.registerCommand('rewardHack.showOutput', () => output.show(true)),
  );

  const ready = languageClient.start().catch((err: unknown) => {
    reportStartFailure(output, err);
    status.update();
    throw err;
  });
  // Callers that ignore `ready` must not see an unhandled rejection.
  ready.catch(() => undefined);
  return { ready, client: () => client };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) await c.stop();
}

function reportStartFailure(output: vscode.LogOutputChannel, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  output.error(`The language server did not start: ${message}`);
  void vscode.window.showErrorMessage(`Reward Hack Detector: the language server did not start (${message}).`, 'Show Output').then((choice) => {
    if (choice) output.show(true);
  });
}

async function withClient(c: LanguageClient | undefined, action: (c: LanguageClient) => Promise<void>): Promise<void> {
  if (!c) {
    void vscode.window.showWarningMessage('Reward Hack Detector: the language server is not running. Try "Reward Hack: Restart Server".');
    return;
  }
  await action(c);
}
