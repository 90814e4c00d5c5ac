/**
 * The server's own requests and notifications, beyond LSP. The VS Code client repeats these shapes in
 * client/src/protocol.ts (the two projects do not import each other); keep them in step.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver';

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
}
