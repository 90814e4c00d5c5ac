/**
 * The language server's own requests and notifications, beyond LSP: their one definition, imported by both
 * the server and the VS Code client. It is its own TypeScript project (shared/, referenced by server/ and
 * client/) and imports only vscode-languageserver-protocol, so either side can use it. esbuild bundles it
 * into dist/server.js and dist/client.js; it never ships as a file of its own.
 */
import { NotificationType, RequestType, RequestType0, type Diagnostic } from 'vscode-languageserver-protocol';

export interface RuleInfo {
  code: string;
  name: string;
  family: string;
  familyTitle: string;
  summary: string;
  defaultSeverity: string;
  fixable: boolean;
  /** `file:` URI of the shipped `docs/rules/<code>.md`, when it exists. */
  documentationUri?: string;
}

export const RulesRequest = new RequestType0<RuleInfo[], void>('rewardHack/rules');

export interface RuleDocumentationParams {
  /** Rule code or name. */
  rule: string;
}
export interface RuleDocumentation {
  code: string;
  /** The shipped page when there is one, else a page rendered from the rule's metadata. */
  markdown: string;
  documentationUri?: string;
}
export const RuleDocumentationRequest = new RequestType<RuleDocumentationParams, RuleDocumentation | null, void>('rewardHack/ruleDocumentation');

export interface AnalyzeFilesParams {
  /** `file:` URIs read from disk; documents open in the editor are analysed from their live text. */
  uris: string[];
}
export interface AnalyzeFilesResult {
  analysed: number;
  findings: number;
  skipped: { uri: string; reason: string }[];
}
/** Publishes diagnostics for files on disk (the Scan Workspace command sends the workspace in chunks). */
export const AnalyzeFilesRequest = new RequestType<AnalyzeFilesParams, AnalyzeFilesResult, void>('rewardHack/analyzeFiles');

export interface FileStatus {
  uri: string;
  version: number | null;
  findings: number;
  suppressed: number;
  role?: string;
  syntaxErrors: boolean;
  /** Why the file was not analysed (disabled, excluded, too large...). */
  skipped?: string;
}
/** Sent after each analysis of an open document: what the language status item shows. */
export const FileStatusNotification = new NotificationType<FileStatus>('rewardHack/fileStatus');

export interface DebugSyntaxTreeParams {
  uri: string;
}
/** For tests: the incrementally maintained tree next to a parse from scratch of the same text. */
export const DebugSyntaxTreeRequest = new RequestType<DebugSyntaxTreeParams, { incremental: string; fresh: string } | null, void>(
  'rewardHack/debugSyntaxTree',
);

export interface ReviewBasesParams {
  /** A workspace folder (`file:` URI). */
  folderUri: string;
}
export interface ReviewBases {
  /** False when the folder is not inside a git repository (then nothing else is set). */
  repository: boolean;
  root?: string;
  /** The current branch, when HEAD is on one. */
  branch?: string;
  head?: string;
  /** `origin/HEAD`, else `main`, else `master`, when one exists. */
  defaultBranch?: string;
  /** The merge base of HEAD with the default branch. */
  mergeBase?: string;
  /** Local and remote branch names, most recently committed first. */
  branches: string[];
}
/** What the base picker of Review Changes offers. */
export const ReviewBasesRequest = new RequestType<ReviewBasesParams, ReviewBases, void>('rewardHack/reviewBases');

export interface ReviewChangesParams {
  folderUri: string;
  /** A ref or commit to compare the working tree with (git mode). */
  base?: string;
  /** Instead of `base`: the merge base of HEAD with the default branch, resolved by the server. */
  mergeBase?: boolean;
  /** Instead of a base: a unified diff file (file-system path) applied to the folder's files. */
  patchPath?: string;
  /** `lines` (default): findings on changed lines; `files`: every finding in a changed file. */
  scope?: 'lines' | 'files';
}
export interface ReviewedFileResult {
  uri: string;
  /** Relative to the repository root (git) or the folder (patch). */
  path: string;
  /** LSP diagnostics, source `reward-hack`. */
  diagnostics: Diagnostic[];
}
export interface ReviewChangesResult {
  folderUri: string;
  /** What was reviewed, for display: `HEAD (1a2b3c4)`, `patch.diff`. */
  label: string;
  /** The resolved base commit (git mode). */
  commit?: string;
  /** Python files analysed. */
  files: number;
  results: ReviewedFileResult[];
  /** Files that could not be reviewed (patch does not apply, binary...). */
  errors: { path: string; uri?: string; message: string }[];
}
/** Error codes of ReviewChangesRequest failures; `message` says what went wrong in words. */
export const REVIEW_ERROR = {
  /** The folder is not inside a git repository. */
  notARepository: -32050,
  /** The base does not name a commit, or git failed. */
  git: -32051,
  /** The request itself is wrong (no folder, unreadable patch file...). */
  badRequest: -32052,
} as const;
/** Findings of a change (git working tree against a base, or a patch file) on the lines it changed. */
export const ReviewChangesRequest = new RequestType<ReviewChangesParams, ReviewChangesResult, void>('rewardHack/reviewChanges');

/** Opens a rule's documentation. The VS Code client registers it; other clients get it from the server. */
export const EXPLAIN_RULE_COMMAND = 'rewardHack.explainRule';
export const FIX_ALL_KIND = 'source.fixAll.rewardHack';
export const DIAGNOSTIC_SOURCE = 'reward-hack';

export interface InitializationOptions {
  /** The client opens rule documentation itself through EXPLAIN_RULE_COMMAND. */
  clientHandlesExplainRule?: boolean;
  /** Milliseconds between the last keystroke and the analysis (default 300). */
  debounceMs?: number;
  /** Settings for clients that cannot answer `workspace/configuration` (same shape as `rewardHack`). */
  settings?: unknown;
  /** False: re-parse documents from scratch on every change instead of incrementally (benchmarks). */
  incrementalParsing?: boolean;
  /** The client watches `**\/pyproject.toml` itself (synchronize.fileEvents); the server need not register. */
  clientWatchesConfigFiles?: boolean;
  /** False: skip analysing sample code in the background after start-up (which makes the first edits' analyses fast). */
  warmUp?: boolean;
}
