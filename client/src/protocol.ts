/**
 * The server's own requests, as the client sees them. Mirrors server/src/lsp/protocol.ts (the two
 * TypeScript projects do not import each other); keep the two in step.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageclient/node';

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
