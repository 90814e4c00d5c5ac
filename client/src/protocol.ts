/**
 * The server's own requests, as the client sees them. Mirrors server/src/lsp/protocol.ts (the two
 * TypeScript projects do not import each other); keep the two in step.
 */
import { NotificationType, RequestType, RequestType0, type Diagnostic as LspDiagnostic } from 'vscode-languageclient/node';

export interface RuleInfo {
  code: string;
  name: string;
  family: string;
  familyTitle: string;
  summary: string;
  defaultSeverity: string;
  fixable: boolean;
  documentationUri?: string;
}
export const RulesRequest = new RequestType0<RuleInfo[], void>('rewardHack/rules');

export interface RuleDocumentation {
  code: string;
  markdown: string;
  documentationUri?: string;
}
export const RuleDocumentationRequest = new RequestType<{ rule: string }, RuleDocumentation | null, void>('rewardHack/ruleDocumentation');

export interface AnalyzeFilesResult {
  analysed: number;
  findings: number;
  skipped: { uri: string; reason: string }[];
}
export const AnalyzeFilesRequest = new RequestType<{ uris: string[] }, AnalyzeFilesResult, void>('rewardHack/analyzeFiles');

export interface FileStatus {
  uri: string;
  version: number | null;
  findings: number;
  suppressed: number;
  role?: string;
  syntaxErrors: boolean;
  skipped?: string;
}
export const FileStatusNotification = new NotificationType<FileStatus>('rewardHack/fileStatus');

export const EXPLAIN_RULE_COMMAND = 'rewardHack.explainRule';
export const DIAGNOSTIC_SOURCE = 'reward-hack';

export interface ReviewBases {
  repository: boolean;
  root?: string;
  branch?: string;
  head?: string;
  defaultBranch?: string;
  mergeBase?: string;
  branches: string[];
}
export const ReviewBasesRequest = new RequestType<{ folderUri: string }, ReviewBases, void>('rewardHack/reviewBases');

export interface ReviewChangesParams {
  folderUri: string;
  base?: string;
  mergeBase?: boolean;
  patchPath?: string;
  scope?: 'lines' | 'files';
}
export interface ReviewChangesResult {
  folderUri: string;
  label: string;
  commit?: string;
  files: number;
  results: { uri: string; path: string; diagnostics: LspDiagnostic[] }[];
  errors: { path: string; uri?: string; message: string }[];
}
export const ReviewChangesRequest = new RequestType<ReviewChangesParams, ReviewChangesResult, void>('rewardHack/reviewChanges');
export const REVIEW_ERROR = { notARepository: -32050, git: -32051, badRequest: -32052 } as const;
