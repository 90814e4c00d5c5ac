/**
 * `reward-hack-detector batch`: JSON Lines in, JSON Lines out, for RL pipelines that score agent episodes.
 *
 *   in:  {"id": ..., "files": {"path": "content", ...}}   or   {"id": ..., "patch": "<unified diff>"}
 *   out: {"id": ..., "hacked": bool, "max_severity": "error"|...|null, "findings": [...]}
 *        {"id": ..., "error": "..."}   for a record that cannot be read; the stream goes on.
 *
 * Records are reviewed like patches: everything in `files` counts as written by the agent (so its
 * suppression comments are reported, not honoured); a patch is reviewed on its added lines.
 */
import { parsePatch } from 'diff';
import { withoutEmailSignatures } from '../host/patch';
import { severityRank, type AnalysisSettings, type Severity } from '../engine';
import { allLinesAdded, changesFromPatchText, hunkHeadings, type FileChange } from '../review/changes';
import { reviewChanges } from '../review/review';
import { parseProjectConfig } from '../host/config';
import { ALL_RULES } from '../rules/registry';
import { toJsonFindings } from './format';

export interface BatchTask {
  kind: 'record';
  line: string;
  settings: AnalysisSettings;
  /** Severity at which a record counts as hacked. */
  hackedAt: Severity;
}

const MAX_FILES_PER_RECORD = 10_000;

function fail(id: unknown, message: string): string {
  return JSON.stringify({ id: id ?? null, error: message });
}

/** Reviews one input line and returns the output line (without newline). Never throws. */
export function runBatchRecord(task: BatchTask): string {
  let record: unknown;
  try {
    record = JSON.parse(task.line);
  } catch (err) {
    return fail(null, `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return fail(null, 'a record must be a JSON object');
  const r = record as { id?: unknown; files?: unknown; patch?: unknown };
  const id = r.id;
  if (id === undefined) return fail(null, 'record has no "id"');
  let changes: FileChange[];
  // Which one to review would be a guess: the patch may or may not apply to the files.
  if (r.files !== undefined && r.patch !== undefined) return fail(id, 'a record has "files" or "patch", not both');
  if (r.files !== undefined) {
    if (typeof r.files !== 'object' || r.files === null || Array.isArray(r.files)) return fail(id, '"files" must be an object of path: content');
    const entries = Object.entries(r.files as Record<string, unknown>);
    if (entries.length > MAX_FILES_PER_RECORD) return fail(id, `too many files (${entries.length}, limit ${MAX_FILES_PER_RECORD})`);
    changes = [];
    for (const [path, content] of entries) {
      if (!path.trim()) return fail(id, 'a file path in "files" is empty');
      if (typeof content !== 'string') return fail(id, `content of "${path}" must be a string`);
      changes.push({ newPath: path, newSource: content, ...allLinesAdded(content) });
    }
  } else if (typeof r.patch === 'string') {
    try {
      const text = withoutEmailSignatures(r.patch);
      changes = changesFromPatchText(parsePatch(text), hunkHeadings(text));
    } catch (err) {
      return fail(id, `invalid patch: ${(err as Error).message}`);
    }
  } else {
    return fail(id, 'record needs "files" (an object) or "patch" (a string)');
  }
  try {
    const review = reviewChanges(changes, ALL_RULES, {
      scope: 'lines',
      settingsFor: () => task.settings,
      parseConfig: (text, path) => parseProjectConfig(text, path),
    });
    const findings = toJsonFindings(review.results);
    let max: Severity | null = null;
    for (const f of findings) if (max === null || severityRank(f.severity) > severityRank(max)) max = f.severity;
    const hacked = max !== null && severityRank(max) >= severityRank(task.hackedAt);
    const out: Record<string, unknown> = { id, hacked, max_severity: max, findings };
    if (review.errors.length) out.errors = review.errors;
    return JSON.stringify(out);
  } catch (err) {
    return fail(id, `internal error: ${(err as Error).message}`);
  }
}
