/** Engine values to LSP values. Both use 0-based lines and UTF-16 columns, so ranges map one to one. */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import type { Finding, Fix, Range as EngineRange, Severity, TextEdit as EngineTextEdit } from '../engine';
import { documentationUri } from './docs';
import { DIAGNOSTIC_SOURCE } from '../../../shared/src/protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Carried in `Diagnostic.data` so code actions can be built from the diagnostic alone. */
export interface DiagnosticData {
  rule: string;
  name: string;
  /** Document version the finding (and its fix) was computed for; null for files read from disk. */
  version: number | null;
  fix?: Fix;
}

export function toRange(r: EngineRange): Range {
  return { start: { line: r.start.line, character: r.start.column }, end: { line: r.end.line, character: r.end.column } };
}

export function toTextEdit(e: EngineTextEdit): TextEdit {
  return { range: toRange(e.range), newText: e.newText };
}

export function toDiagnostic(uri: string, finding: Finding, version: number | null): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(finding.range),
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.rule,
    message: finding.message,
  };
  const href = documentationUri(finding.rule);
  if (href) diagnostic.codeDescription = { href };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((r) => ({ location: { uri, range: toRange(r.range) }, message: r.message }));
  }
  if (finding.tags?.includes('unnecessary')) diagnostic.tags = [DiagnosticTag.Unnecessary];
  const data: DiagnosticData = { rule: finding.rule, name: finding.name, version };
  if (finding.fix) data.fix = finding.fix;
  diagnostic.data = data;
  return diagnostic;
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.rule === 'string' && typeof v.name === 'string';
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character
  );
}

/** Whether `pos` lies in `range` (inclusive ends, so a hover at the last character still counts). */
export function rangeContains(range: Range, pos: { line: number; character: number }): boolean {
  if (pos.line < range.start.line || pos.line > range.end.line) return false;
  if (pos.line === range.start.line && pos.character < range.start.character) return false;
  if (pos.line === range.end.line && pos.character > range.end.character) return false;
  return true;
}
