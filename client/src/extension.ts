/**
 * The VS Code extension: starts the bundled language server over IPC and adds the commands and the
 * language status item. All analysis happens in the server; the extension never runs workspace code.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { openRuleDocumentation, pickRule, scanWorkspace } from './commands';
import { EXPLAIN_RULE_COMMAND, FileStatusNotification, type InitializationOptions } from '../../shared/src/protocol';
import { RestartPolicy } from './restart';
import { ReviewController } from './review';
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
      // pytest's and tox's configuration: options there can take tests out of every run (RH303) or ignore pytest's status (RH102).
      { scheme: 'file', pattern: '**/{pytest.ini,.pytest.ini,tox.ini,tox.toml,setup.cfg,pyproject.toml}' },
    ],
    diagnosticCollectionName: 'reward-hack',
    outputChannel: output,
    initializationOptions: { clientHandlesExplainRule: true, clientWatchesConfigFiles: true } satisfies InitializationOptions,
    // Hovers link to the rule documentation through our own command and nothing else.
    markdown: { isTrusted: { enabledCommands: [EXPLAIN_RULE_COMMAND] } },
    // [tool.reward-hack-detector] lives there: the server re-reads it when one changes.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{pyproject.toml,pytest.ini,tox.ini,setup.cfg}') },
    errorHandler: crashHandler(output),
    middleware: {
      workspace: {
        // Only the settings the user set, so pyproject.toml supplies the others (defaults would mask it).
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) return answer;
          return params.items.map((item, i) => (item.section === 'rewardHack' ? explicitSettings(item.scopeUri) : answer[i]));
        },
      },
    },
  };
  // The id makes vscode-languageclient read `rewardHack.trace.server`.
  const languageClient = new LanguageClient('rewardHack', 'Reward Hack Detector', serverOptions, clientOptions);
  client = languageClient;

  const status = new StatusItem(() => languageClient);
  context.subscriptions.push(output, status);
  context.subscriptions.push(languageClient.onDidChangeState(() => status.update()));
  languageClient.onNotification(FileStatusNotification, (s) => status.fileStatus(s));

  const running = () => (languageClient.state === State.Running ? languageClient : undefined);
  const review = new ReviewController(running, output);
  context.subscriptions.push(review, review.onDidChange((summary) => status.review(summary)));
  void vscode.commands.executeCommand('setContext', 'rewardHack.reviewActive', false);
  context.subscriptions.push(
    vscode.commands.registerCommand('rewardHack.reviewChanges', () => review.reviewChanges()),
    vscode.commands.registerCommand('rewardHack.reviewPatch', () => review.reviewPatch()),
    vscode.commands.registerCommand('rewardHack.refreshReview', () => review.refresh()),
    vscode.commands.registerCommand('rewardHack.stopReview', () => review.stop()),
  );
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

/** The `rewardHack` keys set anywhere (user, workspace, folder); unset ones are left out. */
function explicitSettings(scopeUri: string | undefined): Record<string, unknown> {
  let scope: vscode.Uri | undefined;
  try {
    scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
  } catch {
    scope = undefined;
  }
  const config = vscode.workspace.getConfiguration('rewardHack', scope);
  const out: Record<string, unknown> = {};
  for (const key of ['enable', 'run', 'rules', 'testFiles', 'exclude']) {
    const i = config.inspect(key);
    const values = i ? [i.globalValue, i.workspaceValue, i.workspaceFolderValue, i.globalLanguageValue, i.workspaceLanguageValue, i.workspaceFolderLanguageValue] : [];
    if (values.some((v) => v !== undefined)) out[key] = config.get(key);
  }
  return out;
}

/** Restarts a crashed server a bounded number of times; says so once, and once more on giving up. */
function crashHandler(output: vscode.LogOutputChannel): ErrorHandler {
  const policy = new RestartPolicy();
  return {
    // Read/write errors on a live connection are usually transient; the closed handler decides the rest.
    error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
    closed: () => {
      const decision = policy.onCrash();
      if (!decision.restart) {
        const message = 'Reward Hack Detector: the language server keeps crashing and was not restarted. Run "Reward Hack: Restart Server" to try again.';
        output.error(message);
        void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
          if (choice) output.show(true);
        });
        return { action: CloseAction.DoNotRestart, handled: true };
      }
      output.warn('The language server stopped unexpectedly; restarting it');
      if (decision.notify) {
        void vscode.window.showWarningMessage('Reward Hack Detector: the language server stopped unexpectedly and was restarted.', 'Show Output').then((choice) => {
          if (choice) output.show(true);
        });
      }
      return { action: CloseAction.Restart, handled: true };
    },
  };
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
