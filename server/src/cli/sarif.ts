/**
 * SARIF 2.1.0 output that GitHub code scanning accepts: the tool's rules with help text, results with
 * locations relative to the scanned root, partial fingerprints (stable across line moves) and in-source
 * suppressions with their justification.
 */
import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import type { Finding, RuleMeta, Severity } from '../engine';
import { renderRuleDoc } from '../rules/docs';

export interface SarifInput {
  version: string;
  rules: readonly RuleMeta[];
  results: { path: string; findings: Finding[]; suppressed?: (Finding & { justification: string })[] }[];
  /** Reads a file's lines (for fingerprints); may return undefined. */
  lineText: (path: string, line: number) => string | undefined;
  errors: { path: string; message: string }[];
}

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function uri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

export function formatSarif(input: SarifInput): string {
  const ruleIndex = new Map(input.rules.map((r, i) => [r.code, i]));
  const seen = new Map<string, number>();
  const toResult = (path: string, f: Finding, justification?: string): Sarif.Result => {
    const text = (input.lineText(path, f.range.start.line) ?? '').trim();
    const base = createHash('sha256').update(`${f.rule}\0${path}\0${text}`).digest('hex').slice(0, 32);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const result: Sarif.Result = {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri(path), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: f.range.start.line + 1,
              startColumn: f.range.start.column + 1,
              endLine: f.range.end.line + 1,
              endColumn: f.range.end.column + 1,
            },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: `${base}:${n}` },
    };
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, id) => ({
        id,
        message: { text: r.message },
        physicalLocation: {
          artifactLocation: { uri: uri(path), uriBaseId: '%SRCROOT%' },
          region: { startLine: r.range.start.line + 1, startColumn: r.range.start.column + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.column + 1 },
        },
      }));
    }
    if (justification !== undefined) result.suppressions = [{ kind: 'inSource', justification: justification || undefined }];
    return result;
  };

  const log: Sarif.Log = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'reward-hack-detector',
            fullName: 'Reward Hack Detector',
            version: input.version,
            semanticVersion: /^\d+\.\d+\.\d+/.test(input.version) ? input.version : undefined,
            rules: input.rules.map((m) => ({
              id: m.code,
              name: m.name,
              shortDescription: { text: m.docs.summary },
              fullDescription: { text: m.docs.why.replace(/`/g, '') },
              help: { text: `${m.docs.summary}\n\nInstead: ${m.docs.instead.replace(/`/g, '')}`, markdown: renderRuleDoc(m) },
              defaultConfiguration: { level: LEVEL[m.defaultSeverity] },
              properties: { tags: ['test-gaming', 'reward-hacking', m.family], precision: 'high' },
            })),
          },
        },
        results: input.results.flatMap((r) => [
          ...r.findings.map((f) => toResult(r.path, f)),
          ...(r.suppressed ?? []).map((f) => toResult(r.path, f, f.justification)),
        ]),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: input.errors.map((e) => ({
              level: 'warning' as const,
              message: { text: `${e.path}: ${e.message}` },
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
