/**
 * A minimal LSP client for the language-server tests: starts the real bundled server (dist/server.js)
 * as a child process, speaks JSON-RPC to it, answers the requests a client must answer
 * (workspace/configuration, client/registerCapability, window/showDocument) and records what the
 * server publishes. Every wait has a timeout, so a broken server fails a test instead of hanging it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  ConfigurationParams,
  InitializeResult,
  PublishDiagnosticsParams,
  ShowDocumentParams,
  TextDocumentContentChangeEvent,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export type Transport = 'stdio' | 'ipc';

export interface StartOptions {
  transport?: Transport;
  /** The `rewardHack` section per scope URI; a plain object applies everywhere. */
  settings?: Record<string, unknown> | ((scopeUri: string | undefined) => unknown);
  capabilities?: ClientCapabilities;
  initializationOptions?: Record<string, unknown>;
  workspaceFolders?: string[];
}

export const CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceFolders: true,
    workspaceEdit: { documentChanges: true },
  },
  textDocument: {
    synchronization: { didSave: true, dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } }, isPreferredSupport: true, dataSupport: true },
  },
  notebookDocument: { synchronization: { dynamicRegistration: false } },
  window: { showDocument: { support: true } },
};

/** Code under test that forces a green run: RH101 on line EXIT_LINE. */
export const EXIT_HACK = ['import sys', '', 'def total(scores):', '    if not scores:', '        sys.exit(0)', '    return sum(scores)', ''].join('\n');
export const EXIT_LINE = 4;

import type { FileStatus } from '../../shared/src/protocol';
export type { FileStatus };

/** Workspaces made by this test process, removed when it exits (tests keep them while a server may read them). */
const workspaces = new Set<string>();
process.on('exit', () => {
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempWorkspace(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-lsp-'));
  workspaces.add(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

export function fileUri(p: string): string {
  return pathToFileURL(p).toString();
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly configurationRequests: ConfigurationParams[] = [];
  readonly shownDocuments: ShowDocumentParams[] = [];
  readonly logs: string[] = [];
  stderr = '';
  settings: StartOptions['settings'];
  private readonly versions = new Map<string, number>();
  private exitCode: number | null | undefined;
  private exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve((this.exitCode = code))));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    connection.onNotification((method, params) => {
      this.notifications.push({ method, params });
    });
    connection.onRequest('workspace/configuration', (p: ConfigurationParams) => {
      this.configurationRequests.push(p);
      return p.items.map((item) => (typeof this.settings === 'function' ? this.settings(item.scopeUri) : (this.settings ?? {})));
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('window/showDocument', (p: ShowDocumentParams) => {
      this.shownDocuments.push(p);
      return { success: true };
    });
    connection.listen();
  }

  /** Spawns the bundled server and runs initialize/initialized. */
  static async start(options: StartOptions = {}): Promise<{ client: TestClient; init: InitializeResult }> {
    const client = TestClient.spawn(options);
    const init = await client.initialize(options);
    return { client, init };
  }

  static spawn(options: StartOptions = {}): TestClient {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`node scripts/build.mjs\` first`);
    const transport = options.transport ?? 'ipc';
    if (transport === 'stdio') {
      const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
      return new TestClient(child, connection, options);
    }
    const child = spawn(process.execPath, [SERVER, '--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    return new TestClient(child, connection, options);
  }

  async initialize(options: StartOptions = {}): Promise<InitializeResult> {
    const folders = options.workspaceFolders ?? [];
    const init = await this.request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folders[0] ? fileUri(folders[0]) : null,
      workspaceFolders: folders.map((f) => ({ uri: fileUri(f), name: path.basename(f) })),
      capabilities: options.capabilities ?? CAPABILITIES,
      // The start-up warm-up (server/src/lsp/warm-up.ts) is 1-2 s of CPU per server: off unless a test turns it on.
      initializationOptions: { debounceMs: 50, warmUp: false, ...options.initializationOptions },
    });
    await this.notify('initialized', {});
    return init;
  }

  request<T>(method: string, params?: unknown, timeoutMs = 10_000): Promise<T> {
    return withTimeout(this.connection.sendRequest<T>(method, params), timeoutMs, `response to ${method}`);
  }

  notify(method: string, params?: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async open(uri: string, text: string, languageId = 'python'): Promise<void> {
    this.versions.set(uri, 1);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends incremental changes; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  async save(uri: string): Promise<void> {
    await this.notify('textDocument/didSave', { textDocument: { uri } });
  }

  /** The first publish for `uri` after `since` (an index into `published`) that satisfies `accept`. */
  diagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, since = 0, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    return waitFor(`diagnostics for ${uri}`, () => this.published.slice(since).find((p) => p.uri === uri && accept(p)), timeoutMs);
  }

  /** Diagnostics published for `uri` at exactly `version`. */
  diagnosticsAt(uri: string, version: number, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    return this.diagnostics(uri, (p) => p.version === version, 0, timeoutMs);
  }

  lastPublished(uri: string): PublishDiagnosticsParams | undefined {
    return this.published.filter((p) => p.uri === uri).at(-1);
  }

  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Resolves with the exit code, or rejects if the process is still alive after the timeout. */
  waitForExit(timeoutMs = 10_000): Promise<number | null> {
    return withTimeout(this.exited, timeoutMs, 'the server to exit');
  }

  /** shutdown + exit when the server still answers; the process is killed in any case. */
  async stop(): Promise<void> {
    if (!this.hasExited) {
      try {
        await this.request('shutdown', undefined, 3_000);
        await this.notify('exit');
        await this.waitForExit(3_000);
      } catch {
        // Fall through to kill.
      }
    }
    this.connection.dispose();
    if (!this.hasExited) this.child.kill();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** Applies LSP text edits (all relative to the original text) the way a client does. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) =>
    p.line >= lineStarts.length ? text.length : Math.min(lineStarts[p.line]! + p.character, p.line + 1 < lineStarts.length ? lineStarts[p.line + 1]! : text.length);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** The edits of a workspace edit for one document (`changes` or `documentChanges`). */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  if (edit.changes?.[uri]) return edit.changes[uri]!;
  const out: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) out.push(...(change.edits as TextEdit[]));
  }
  return out;
}

/** The latest `rewardHack/fileStatus` notification for `uri`. */
export function waitForStatus(client: TestClient, uri: string, accept: (s: FileStatus) => boolean = () => true): Promise<FileStatus> {
  return waitFor(`file status of ${uri}`, () => {
    const all = client.notifications.filter((n) => n.method === 'rewardHack/fileStatus' && (n.params as FileStatus).uri === uri);
    const last = all.at(-1)?.params as FileStatus | undefined;
    return last && accept(last) ? last : undefined;
  });
}
