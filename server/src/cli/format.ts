/** Output formats of `scan`. JSON is a stable contract (version 1); text is for people. */
import type { Finding, Severity, SuppressedFinding } from '../engine';

export interface FileFindings {
  path: string;
  findings: Finding[];
  /** Findings silenced by a suppression comment (SARIF reports them as suppressed). */
  suppressed?: SuppressedFinding[];
}

export interface ScanReport {
  files: number;
  results: FileFindings[];
  errors: { path: string; message: string }[];
}

/** A finding as the JSON contracts (scan --format json, batch) spell it: 1-based lines and columns. */
export interface JsonFinding {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  name: string;
  severity: Severity;
  message: string;
}

export function toJsonFindings(results: FileFindings[]): JsonFinding[] {
  return results.flatMap((r) =>
    r.findings.map((f) => ({
      path: r.path,
      line: f.range.start.line + 1,
      column: f.range.start.column + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.column + 1,
      rule: f.rule,
      name: f.name,
      severity: f.severity,
      message: f.message,
    })),
  );
}

export function formatJson(report: ScanReport): string {
  const findings = toJsonFindings(report.results);
  return JSON.stringify({ version: 1, files: report.files, findings, errors: report.errors }, null, 2) + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatText(report: ScanReport): string {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of report.results) {
    for (const f of r.findings) {
      counts[f.severity]++;
      lines.push(`${r.path}:${f.range.start.line + 1}:${f.range.start.column + 1}: ${f.rule} [${f.severity}] ${f.message}`);
    }
  }
  for (const e of report.errors) lines.push(`${e.path}: skipped: ${e.message}`);
  const total = counts.error + counts.warning + counts.info + counts.hint;
  const parts = (['error', 'warning', 'info', 'hint'] as const).filter((s) => counts[s] > 0).map((s) => plural(counts[s], s));
  const summary =
    total === 0
      ? `No findings in ${plural(report.files, 'file')}.`
      : `Found ${plural(total, 'finding')} (${parts.join(', ')}) in ${plural(report.files, 'file')}.`;
  if (lines.length) lines.push('');
  lines.push(report.errors.length ? `${summary} ${plural(report.errors.length, 'file')} skipped.` : summary);
  return lines.join('\n') + '\n';
}
