/**
 * The language server: keeps open documents (and notebook cells) with their syntax trees, analyses them
 * with the engine, publishes diagnostics, answers hovers and code actions, and scans files on request.
 * It only knows rules through the registry and their metadata.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  NotebookDocuments,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type DidChangeWatchedFilesParams,
  type Diagnostic,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import type { Parser } from 'web-tree-sitter';
import {
  analyze,
  analyzeConfigFile,
  analyzeForest,
  configFileNames,
  analyzeTree,
  createParser,
  DEFAULT_TEST_GLOBS,
  DEFAULT_TEST_INFRASTRUCTURE_GLOBS,
  initParser,
  unanalysableReason,
  type AnalysisInput,
  type AnalysisResult,
  type Finding,
} from '../engine';
import { DEFAULT_PARSE_TIME_LIMIT_MS } from '../engine/analyze';
import { ConfigResolver, type ProjectConfig } from '../host/config';
import { PytestRolesResolver } from '../host/pytest-roles';
import { EntryPointResolver } from '../host/scripts';
import { readSourceFile } from '../host/read';
import { locateWasm } from '../host/wasm';
import { ALL_RULES } from '../rules/registry';
import { actionsForDiagnostic, fixAllAction, kindRequested, type ActionContext } from './codeActions';
import { isDiagnosticData, rangeContains, sameRange, toDiagnostic, toRange } from './convert';
import { documentationMarkdown, documentationUri, findMeta, ruleInfos } from './docs';
import { ParseTimeLimitError, syntaxDocumentConfiguration, type SyntaxDocument } from './document';
import { hoverMarkdown } from './hover';
import { configFileNameOf, ProjectTestNames } from './config-files';
import { ImportedFacts } from './imports';
import { fsPathOf, WorkspaceFolders } from './paths';
import {
  AnalyzeFilesRequest,
  DebugSyntaxTreeRequest,
  DIAGNOSTIC_SOURCE,
  EXPLAIN_RULE_COMMAND,
  FileStatusNotification,
  FIX_ALL_KIND,
  RuleDocumentationRequest,
  ReviewBasesRequest,
  ReviewChangesRequest,
  RulesRequest,
  type AnalyzeFilesResult,
  type InitializationOptions,
} from '../../../shared/src/protocol';
import { effectiveSettings, type EffectiveSettings } from './project';
import { reviewBases, reviewChanges } from './review';
import { SettingsCache, type EditorSettings } from './settings';
import { startWarmUp, type WarmUp } from './warm-up';

export const SERVER_NAME = 'reward-hack-detector';
export const SERVER_VERSION = packageVersion();
const DEFAULT_DEBOUNCE_MS = 300;
/** The warm-up (warm-up.ts) waits until no document was analysed for this long. */
const WARM_UP_IDLE_MS = 200;
const MAX_ADAPTIVE_DEBOUNCE_MS = 2_000;

export interface ServerHooks {
  /** Called when the client asks the server to shut down (before `exit`). */
  onShutdown?: () => void;
}

/** The analysis of one document version under one settings object. */
interface LiveResult {
  version: number;
  settings: EffectiveSettings;
  /** How long the analysis took. */
  durationMs?: number;
  /** Undefined when the document was not analysed; `skipped` says why. */
  result?: AnalysisResult;
  skipped?: string;
}

export class RewardHackServer {
  private readonly documents = new TextDocuments(syntaxDocumentConfiguration);
  private readonly notebooks = new NotebookDocuments(syntaxDocumentConfiguration);
  private readonly folders = new WorkspaceFolders();
  private readonly settings: SettingsCache;
  private parser: Parser | undefined;
  private capabilities: ClientCapabilities = {};
  private options: InitializationOptions = {};
  private debounceMs = DEFAULT_DEBOUNCE_MS;
  private incrementalParsing = true;
  /** Project configuration (pyproject.toml), read as the CLI reads it; cleared when such a file changes. */
  private readonly configs = new ConfigResolver();
  private readonly entryPoints = new EntryPointResolver();
  private readonly pytestRoles = new PytestRolesResolver();
  /** Editor settings merged with the project file, per resource; rebuilt when either changes. */
  private readonly effective = new Map<string, { editor: EditorSettings; value: EffectiveSettings }>();
  private readonly loggedConfigProblems = new Set<string>();
  private readonly notifiedConfigFiles = new Set<string>();

  private readonly results = new Map<string, LiveResult>();
  /** Facts from the modules documents import (read from the editor when open, else from disk). */
  private readonly importedFacts = new ImportedFacts((fsPath) => {
    const doc = this.openDocuments().find((d) => fsPathOf(d.uri) === fsPath);
    return doc ? { key: `${doc.uri}@${doc.version}`, text: doc.getText() } : undefined;
  });
  /** Test names for the checks of pytest's configuration files, per folder; cleared when Python files change. */
  private readonly projectTestNames = new ProjectTestNames();
  /** The non-Python files the rules read (pytest's configuration files). */
  private readonly configFiles = configFileNames(ALL_RULES);
  /** Scheduled analyses by document: how to cancel each. */
  private readonly timers = new Map<string, () => void>();
  /** Bumped by every publish request and by close: a publish that is no longer the newest gives up. */
  private readonly generations = new Map<string, number>();
  /** Files published by a scan (read from disk): re-analysed on settings changes, restored on close. */
  private readonly scanned = new Set<string>();
  private readonly reportedRuleErrors = new Set<string>();
  private rescanGeneration = 0;
  private warmUp: WarmUp | undefined;
  /** When the last analysis of a document ended (performance.now()): the warm-up waits while documents keep the server busy. */
  private lastAnalysisAt = -Infinity;

  constructor(
    private readonly connection: Connection,
    private readonly hooks: ServerHooks = {},
  ) {
    this.settings = new SettingsCache(
      {
        canFetch: () => this.capabilities.workspace?.configuration === true,
        fetch: (scopeUri) => connection.workspace.getConfiguration({ scopeUri, section: 'rewardHack' }),
      },
      (m) => this.log('warn', m),
    );
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.initialized());
    c.onShutdown(() => {
      this.warmUp?.cancel();
      this.disposeAll();
      this.hooks.onShutdown?.();
    });
    c.onDidChangeConfiguration((params) => {
      const pushed = (params?.settings as Record<string, unknown> | null | undefined)?.rewardHack;
      if (pushed !== undefined) this.settings.setPushed(pushed);
      this.settingsChanged();
    });
    c.onHover((params) => this.hover(params));
    c.onCodeAction((params) => this.codeActions(params));
    c.onExecuteCommand((params) => this.executeCommand(params.command, params.arguments ?? []));
    c.onRequest(RulesRequest, () => ruleInfos());
    c.onRequest(RuleDocumentationRequest, (params) => {
      const meta = typeof params?.rule === 'string' ? findMeta(params.rule) : undefined;
      if (!meta) return null;
      return { code: meta.code, markdown: documentationMarkdown(meta), documentationUri: documentationUri(meta.code) };
    });
    c.onRequest(AnalyzeFilesRequest, (params, token) => this.analyzeFiles(Array.isArray(params?.uris) ? params.uris : [], token));
    c.onRequest(DebugSyntaxTreeRequest, (params) => this.debugSyntaxTree(String(params?.uri)));
    c.onRequest(ReviewBasesRequest, (params) => reviewBases(params));
    c.onRequest(ReviewChangesRequest, (params, token) =>
      reviewChanges(params, token, {
        editorSettings: (uri) => this.settings.get(uri),
        workspacePath: (uri) => this.folders.analysisPath(uri),
        log: (level, message) => this.log(level, message),
      }),
    );
    c.onDidChangeWatchedFiles((params) => this.watchedFilesChanged(params));

    for (const docs of [this.documents, this.notebooks.cellTextDocuments]) {
      docs.onDidOpen((e) => this.publishSoon(e.document.uri, 0));
      docs.onDidChangeContent((e) => this.contentChanged(e.document));
      docs.onDidSave((e) => this.saved(e.document.uri));
      docs.onDidClose((e) => this.closed(e.document));
    }
    this.notebooks.onDidSave((notebook) => {
      for (const cell of notebook.cells) this.saved(cell.document);
    });
    this.documents.listen(c);
    this.notebooks.listen(c);
    c.listen();
  }

  // ---- lifecycle -----------------------------------------------------------------------------------

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    this.capabilities = params.capabilities ?? {};
    const options = params.initializationOptions;
    this.options = options && typeof options === 'object' ? (options as InitializationOptions) : {};
    if (typeof this.options.debounceMs === 'number' && this.options.debounceMs >= 0) this.debounceMs = this.options.debounceMs;
    if (this.options.incrementalParsing === false) this.incrementalParsing = false;
    if (this.options.settings !== undefined) this.settings.setPushed(this.options.settings);
    if (Array.isArray(params.workspaceFolders)) this.folders.set(params.workspaceFolders.map((f) => f.uri));
    else if (typeof params.rootUri === 'string') this.folders.set([params.rootUri]);

    await initParser(locateWasm());
    this.parser = createParser();

    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: { notebookSelector: [{ notebook: 'jupyter-notebook', cells: [{ language: 'python' }] }] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        executeCommandProvider: this.options.clientHandlesExplainRule ? undefined : { commands: [EXPLAIN_RULE_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    };
  }

  private initialized(): void {
    this.log('info', `${SERVER_NAME} ${SERVER_VERSION} ready: ${ALL_RULES.length} rules, ${this.folders.list().length} workspace folder(s)`);
    if (this.parser && this.options.warmUp !== false) {
      const busy = () => this.timers.size > 0 || performance.now() - this.lastAnalysisAt < WARM_UP_IDLE_MS;
      const warmUp = startWarmUp(this.parser, ALL_RULES, busy, (err) => this.log('warn', `warming the analysis up failed (analyses are not affected): ${err instanceof Error ? err.message : String(err)}`));
      this.warmUp = warmUp;
      void warmUp.done.then(({ analyses, ms }) => this.log('info', `analysis warmed up: ${analyses} analyses of sample code in ${Math.round(ms)} ms`));
    }
    if (this.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      // Without the section the client sends nothing when our settings change (pull model).
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'rewardHack' }).catch(() => undefined);
    }
    if (!this.options.clientWatchesConfigFiles && this.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      // Clients other than ours learn this way that pyproject.toml changes matter to us.
      void this.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/pyproject.toml' }] })
        .catch(() => undefined);
    }
    if (this.capabilities.workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) => {
        for (const f of event.removed) this.folders.remove(f.uri);
        for (const f of event.added) this.folders.add(f.uri);
        this.settingsChanged();
      });
    }
  }

  private disposeAll(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    for (const doc of [...this.documents.all(), ...this.notebooks.cellTextDocuments.all()]) doc.dispose();
  }

  // ---- documents -----------------------------------------------------------------------------------

  private document(uri: string): SyntaxDocument | undefined {
    return this.documents.get(uri) ?? this.notebooks.cellTextDocuments.get(uri);
  }

  private openDocuments(): SyntaxDocument[] {
    return [...this.documents.all(), ...this.notebooks.cellTextDocuments.all()];
  }

  /** Settings and roles of a notebook cell come from its notebook. */
  private resourceOf(uri: string): string {
    return this.notebooks.findNotebookDocumentForCell(uri)?.uri ?? uri;
  }

  private contentChanged(doc: SyntaxDocument): void {
    // The test names a configuration file's checks use come from Python files (only read when asked).
    if (!configFileNameOf(doc.uri, this.configFiles)) this.projectTestNames.clear();
    // Opening also fires a content change; the open handler already scheduled the first analysis.
    if (this.results.get(doc.uri) === undefined && this.timers.has(doc.uri)) return;
    void this.settingsFor(doc.uri).then((s) => {
      // A file that takes long to analyse waits longer, so typing is not stalled by back-to-back analyses.
      // A debounce of 0 (benchmarks, tests) means every change is analysed at once.
      const slow = this.debounceMs === 0 ? 0 : Math.min(MAX_ADAPTIVE_DEBOUNCE_MS, this.results.get(doc.uri)?.durationMs ?? 0);
      if (s.run === 'onType') this.publishSoon(doc.uri, Math.max(this.debounceMs, slow));
    });
  }

  private saved(uri: string): void {
    void this.settingsFor(uri).then((s) => {
      if (s.run === 'onSave') this.publishSoon(uri, 0);
    });
  }

  private closed(doc: SyntaxDocument): void {
    const uri = doc.uri;
    this.cancelTimer(uri);
    this.bumpGeneration(uri);
    this.results.delete(uri);
    doc.dispose();
    // A file from a workspace scan keeps its findings from disk; anything else is cleared.
    if (this.scanned.has(uri)) void this.analyzeFromDisk(uri);
    else void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private settingsChanged(): void {
    this.settings.invalidate();
    this.effective.clear();
    for (const doc of this.openDocuments()) this.publishSoon(doc.uri, 0);
    void this.rescanFromDisk();
  }

  private watchedFilesChanged(params: DidChangeWatchedFilesParams): void {
    const changes = Array.isArray(params?.changes) ? params.changes : [];
    if (changes.some((c) => typeof c?.uri === 'string' && /\.py$/i.test(c.uri))) this.projectTestNames.clear();
    if (!changes.some((c) => typeof c?.uri === 'string' && /(^|[/\\])(pyproject\.toml|pytest\.ini|tox\.ini|setup\.cfg)$/i.test(c.uri))) return;
    this.configs.clear();
    this.entryPoints.clear();
    this.pytestRoles.clear();
    this.settingsChanged();
  }

  /** The editor's settings for a document merged with its project file; cached until either changes. */
  private async settingsFor(uri: string): Promise<EffectiveSettings> {
    const resource = this.resourceOf(uri);
    const editor = await this.settings.get(resource);
    const cached = this.effective.get(resource);
    if (cached?.editor === editor) return cached.value;
    const fsPath = fsPathOf(resource);
    let config: ProjectConfig | undefined;
    if (fsPath) {
      try {
        config = this.configs.forFile(fsPath);
      } catch (err) {
        this.log('warn', `could not read the project configuration for ${fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.reportConfigProblems(config);
    const value = effectiveSettings(editor, config, this.folders.analysisPath(resource), fsPath);
    if (fsPath) {
      // Functions the project declares as commands (`[project.scripts]`) are entry points.
      const commands = this.entryPoints.forFile(fsPath);
      if (commands.length) value.analysis = { ...value.analysis, entryPointFunctions: commands };
      // pytest's configuration: `python_files` are tests, `pytest11` plugins test infrastructure (unless the editor
      // or the project file sets the test globs).
      const roles = this.pytestRoles.forFile(fsPath);
      if (roles?.testFiles.length && !editor.testFiles && !config?.testFiles) value.analysis = { ...value.analysis, testFiles: [...(value.analysis.testFiles ?? DEFAULT_TEST_GLOBS), ...roles.testFiles] };
      if (roles?.infrastructureFiles.length) value.analysis = { ...value.analysis, testInfrastructureFiles: [...DEFAULT_TEST_INFRASTRUCTURE_GLOBS, ...roles.infrastructureFiles] };
    }
    this.effective.set(resource, { editor, value });
    return value;
  }

  /** Each problem once in the output, and one warning notification per file for the session. */
  private reportConfigProblems(config: ProjectConfig | undefined): void {
    if (!config?.problems.length) return;
    const key = `${config.file}\0${config.problems.join('\0')}`;
    if (this.loggedConfigProblems.has(key)) return;
    this.loggedConfigProblems.add(key);
    for (const problem of config.problems) this.log('warn', `${config.file}: ${problem}`);
    if (this.notifiedConfigFiles.has(config.file)) return;
    this.notifiedConfigFiles.add(config.file);
    void this.connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: `Reward Hack Detector: ${config.file} has problems in [tool.reward-hack-detector] (${config.problems[0]}${config.problems.length > 1 ? `, and ${config.problems.length - 1} more` : ''}); see the output for details.`,
    });
  }

  // ---- analysis ------------------------------------------------------------------------------------

  private cancelTimer(uri: string): void {
    this.timers.get(uri)?.();
    this.timers.delete(uri);
  }

  private bumpGeneration(uri: string): number {
    const next = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, next);
    return next;
  }

  private publishSoon(uri: string, delayMs: number): void {
    this.cancelTimer(uri);
    const run = () => {
      this.timers.delete(uri);
      void this.publish(uri);
    };
    // No delay: the next turn of the event loop (a 0 ms timeout waits at least 1 ms in Node), after the
    // messages already read, so a burst of changes is still analysed once.
    if (delayMs <= 0) {
      const immediate = setImmediate(run);
      this.timers.set(uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(run, delayMs);
      this.timers.set(uri, () => clearTimeout(timer));
    }
  }

  /** Analyses the current version and publishes it, unless a newer publish or a close overtook it. */
  private async publish(uri: string): Promise<void> {
    const generation = this.bumpGeneration(uri);
    if (!this.document(uri)) return;
    const settings = await this.settingsFor(uri);
    if (this.generations.get(uri) !== generation) return;
    const doc = this.document(uri);
    if (!doc) return;
    const live = this.compute(doc, settings);
    // compute() is synchronous, so `live` describes doc.version; the check guards future changes to that.
    if (this.document(uri)?.version !== live.version) return;
    const diagnostics: Diagnostic[] = (live.result?.findings ?? []).map((f) => toDiagnostic(uri, f, live.version));
    await this.connection.sendDiagnostics({ uri, version: live.version, diagnostics });
    void this.connection.sendNotification(FileStatusNotification, {
      uri,
      version: live.version,
      findings: diagnostics.length,
      suppressed: live.result?.suppressed.length ?? 0,
      role: live.result?.role,
      syntaxErrors: live.result?.syntaxErrors ?? false,
      skipped: live.skipped,
    });
  }

  /** The analysis of the document's current text, reusing the last one when nothing changed. */
  private async fresh(uri: string): Promise<{ doc: SyntaxDocument; live: LiveResult } | undefined> {
    if (!this.document(uri)) return undefined;
    const settings = await this.settingsFor(uri);
    const doc = this.document(uri);
    if (!doc) return undefined;
    const cached = this.results.get(uri);
    if (cached && cached.version === doc.version && cached.settings === settings) return { doc, live: cached };
    return { doc, live: this.compute(doc, settings) };
  }

  private isPython(doc: SyntaxDocument): boolean {
    return doc.languageId === 'python' || /\.pyi?$/i.test(doc.uri.replace(/[?#].*$/, ''));
  }

  private compute(doc: SyntaxDocument, settings: EffectiveSettings): LiveResult {
    const live: LiveResult = { version: doc.version, settings };
    const analysisPath = settings.analysisPath;
    const source = doc.getText();
    const configName = configFileNameOf(doc.uri, this.configFiles);
    if (!this.isPython(doc) && !configName) live.skipped = `not a Python document (${doc.languageId})`;
    else if (!settings.enable) live.skipped = 'disabled by rewardHack.enable';
    else if (settings.excluded) live.skipped = settings.excluded;
    else live.skipped = unanalysableReason(source, settings.analysis);
    if (!live.skipped && configName) {
      // pytest's configuration (`addopts`...): the rules that read such files judge it, as in a CLI scan.
      const started = performance.now();
      const open = () => new Map(this.openDocuments().flatMap((d) => (fsPathOf(d.uri) ? [[fsPathOf(d.uri)!, d.getText()] as const] : [])));
      const testNames = () => this.projectTestNames.namesFor(doc.uri, settings.analysis, open);
      const findings = analyzeConfigFile(configName, source, ALL_RULES, settings.analysis, testNames);
      live.result = { path: analysisPath, role: 'test-infrastructure', findings, suppressed: [], suppressions: [], syntaxErrors: false, ruleErrors: [] };
      live.durationMs = performance.now() - started;
    } else if (!live.skipped) {
      const started = performance.now();
      try {
        if (!this.parser) throw new Error('the server is not initialised');
        const parser = this.parser;
        const input = { source, path: analysisPath, settings: settings.analysis };
        // Incremental: the document's pieces, of which an edit re-parses only the one it touched; a file
        // with a syntax error is parsed whole (against its edited old tree).
        const pieces = this.incrementalParsing ? doc.syntaxPieces(parser, { timeLimitMs: DEFAULT_PARSE_TIME_LIMIT_MS }) : undefined;
        const run = (what: AnalysisInput) =>
          (pieces && analyzeForest(pieces, what, ALL_RULES)) ?? analyzeTree(doc.syntaxTree(parser, { incremental: this.incrementalParsing, timeLimitMs: DEFAULT_PARSE_TIME_LIMIT_MS }), what, ALL_RULES);
        live.result = run(input);
        // Again with what the modules it imports define, when they define something it imports (engine/project.ts).
        const fsPath = fsPathOf(doc.uri);
        const project = fsPath ? this.importedFacts.settingsFor(fsPath, analysisPath, live.result.imports) : undefined;
        if (project) live.result = run({ ...input, settings: { ...input.settings, ...project } });
        this.reportRuleErrors(analysisPath, live.result);
      } catch (err) {
        if (err instanceof ParseTimeLimitError) live.skipped = err.message;
        else {
          live.skipped = `internal error: ${err instanceof Error ? err.message : String(err)}`;
          this.log('error', `analysing ${doc.uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        }
      }
      live.durationMs = performance.now() - started;
    }
    this.results.set(doc.uri, live);
    this.lastAnalysisAt = performance.now();
    return live;
  }

  private reportRuleErrors(analysisPath: string, result: AnalysisResult): void {
    for (const e of result.ruleErrors) {
      const key = `${analysisPath}:${e.rule}:${e.message}`;
      if (this.reportedRuleErrors.has(key)) continue;
      this.reportedRuleErrors.add(key);
      this.log('error', `rule ${e.rule} failed on ${analysisPath}: ${e.message}`);
    }
  }

  // ---- files on disk (workspace scan) -----------------------------------------------------------------

  private async analyzeFiles(uris: unknown[], token: CancellationToken): Promise<AnalyzeFilesResult> {
    const out: AnalyzeFilesResult = { analysed: 0, findings: 0, skipped: [] };
    for (const uri of uris) {
      if (token.isCancellationRequested) break;
      if (typeof uri !== 'string') {
        out.skipped.push({ uri: String(uri), reason: 'not a URI' });
        continue;
      }
      const outcome = this.document(uri) ? await this.fresh(uri).then((f) => f?.live) : await this.analyzeFromDisk(uri);
      if (this.document(uri) || fsPathOf(uri)) this.scanned.add(uri);
      if (outcome?.result) {
        out.analysed++;
        out.findings += outcome.result.findings.length;
      } else out.skipped.push({ uri, reason: outcome?.skipped ?? 'not analysed' });
      // Let cancellation, edits and other requests in between files.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }

  private async analyzeFromDisk(uri: string): Promise<Omit<LiveResult, 'version' | 'settings'>> {
    const fsPath = fsPathOf(uri);
    if (!fsPath) return { skipped: 'not a file: URI' };
    const settings = await this.settingsFor(uri);
    if (this.document(uri)) return { skipped: 'open in the editor' };
    const analysisPath = settings.analysisPath;
    let outcome: Omit<LiveResult, 'version' | 'settings'>;
    if (!settings.enable) outcome = { skipped: 'disabled by rewardHack.enable' };
    else if (settings.excluded) outcome = { skipped: settings.excluded };
    else {
      const read = readSourceFile(fsPath);
      if ('error' in read) outcome = { skipped: read.error };
      else {
        try {
          let result = analyze({ source: read.source, path: analysisPath, settings: settings.analysis }, ALL_RULES);
          const project = this.importedFacts.settingsFor(fsPath, analysisPath, result.imports);
          if (project) result = analyze({ source: read.source, path: analysisPath, settings: { ...settings.analysis, ...project } }, ALL_RULES);
          outcome = result.error ? { skipped: result.error } : { result };
          if (!result.error) this.reportRuleErrors(analysisPath, result);
        } catch (err) {
          outcome = { skipped: `internal error: ${err instanceof Error ? err.message : String(err)}` };
        }
      }
    }
    const diagnostics = (outcome.result?.findings ?? []).map((f) => toDiagnostic(uri, f, null));
    await this.connection.sendDiagnostics({ uri, diagnostics });
    return outcome;
  }

  private async rescanFromDisk(): Promise<void> {
    // A newer settings change restarts the rescan rather than running two side by side.
    const generation = ++this.rescanGeneration;
    for (const uri of [...this.scanned]) {
      if (generation !== this.rescanGeneration) return;
      if (!this.document(uri)) await this.analyzeFromDisk(uri);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  // ---- hover, code actions, commands ----------------------------------------------------------------

  private async hover(params: HoverParams): Promise<Hover | null> {
    const state = await this.fresh(String(params?.textDocument?.uri));
    if (!state?.live.result || !params.position) return null;
    const here = state.live.result.findings.filter((f) => rangeContains(toRange(f.range), params.position));
    if (here.length === 0) return null;
    const link = (code: string) =>
      this.options.clientHandlesExplainRule
        ? `command:${EXPLAIN_RULE_COMMAND}?${encodeURIComponent(JSON.stringify([code]))}`
        : documentationUri(code);
    return { contents: { kind: 'markdown', value: hoverMarkdown(here, link) }, range: toRange(here[0]!.range) };
  }

  private async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const uri = String(params?.textDocument?.uri);
    const state = await this.fresh(uri);
    if (!state?.live.result || !this.parser) return [];
    const { doc, live } = state;
    const findings = live.result!.findings;
    const parser = this.parser;
    const ctx: ActionContext = {
      doc,
      // Parsed only for an action that needs it: most requests (each cursor move) have none of ours.
      get tree() {
        return doc.syntaxTree(parser);
      },
      versionedEdits: this.capabilities.workspace?.workspaceEdit?.documentChanges === true,
    };
    const only = params.context?.only;
    const actions: CodeAction[] = [];
    if (kindRequested(CodeActionKind.QuickFix, only)) {
      for (const diagnostic of params.context?.diagnostics ?? []) {
        if (diagnostic?.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string' || !diagnostic.range) continue;
        const finding = findings.find((f) => f.rule === diagnostic.code && sameRange(toRange(f.range), diagnostic.range));
        actions.push(...actionsForDiagnostic(ctx, diagnostic, diagnostic.code, this.fixFor(finding, diagnostic, doc.version)));
      }
    }
    if (kindRequested(FIX_ALL_KIND, only)) {
      const fixAll = fixAllAction(ctx, findings);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  }

  /** The rule's fix, only when its edits were computed for the text the client now has. */
  private fixFor(finding: Finding | undefined, diagnostic: Diagnostic, version: number) {
    if (finding) return finding.fix;
    const data = diagnostic.data;
    return isDiagnosticData(data) && data.version === version ? data.fix : undefined;
  }

  private async executeCommand(command: string, args: unknown[]): Promise<void> {
    if (command !== EXPLAIN_RULE_COMMAND) return;
    const meta = typeof args[0] === 'string' ? findMeta(args[0]) : undefined;
    if (!meta) return;
    const uri = documentationUri(meta.code);
    if (uri && this.capabilities.window?.showDocument?.support) {
      await this.connection.window.showDocument({ uri, takeFocus: true });
    } else {
      // A plain notification: some clients do not answer window/showMessageRequest.
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `${meta.code} ${meta.name}: ${meta.docs.summary}` });
    }
  }

  private debugSyntaxTree(uri: string): { incremental: string; fresh: string } | null {
    const doc = this.document(uri);
    if (!doc || !this.parser) return null;
    const incremental = doc.syntaxTree(this.parser).rootNode.toString();
    const scratch = createParser();
    try {
      const tree = scratch.parse(doc.getText());
      const fresh = tree?.rootNode.toString() ?? '';
      tree?.delete();
      return { incremental, fresh };
    } finally {
      scratch.delete();
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    if (level === 'error') this.connection.console.error(message);
    else if (level === 'warn') this.connection.console.warn(message);
    else this.connection.console.info(message);
  }
}

/** The version in package.json beside the bundle (dist/../) or the source tree (server/src/lsp/../../../). */
function packageVersion(): string {
  for (const candidate of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === SERVER_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Try the next place.
    }
  }
  return '0.0.0';
}

export function startServer(connection: Connection, hooks: ServerHooks = {}): RewardHackServer {
  const server = new RewardHackServer(connection, hooks);
  server.listen();
  return server;
}
