/**
 * The units of work the CLI hands to worker threads (or runs in-process): analysing a file from disk,
 * and reviewing one batch record. Both are plain data in, plain data out, so they cross threads as is.
 */
import * as path from 'node:path';
import { analyze, type Finding, type SuppressedFinding } from '../engine';
import { readSourceFile } from '../host/read';
import { ALL_RULES } from '../rules/registry';
import type { AnalysisSettings } from '../engine';

export interface FileTask {
  kind: 'file';
  fsPath: string;
  displayPath: string;
  rolePath: string;
  settings: AnalysisSettings;
}

export interface FileOutcome {
  path: string;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  errors: { path: string; message: string }[];
}

export function runFileTask(task: FileTask, cwd: string): FileOutcome {
  const out: FileOutcome = { path: task.displayPath, findings: [], suppressed: [], errors: [] };
  const read = readSourceFile(path.resolve(cwd, task.fsPath));
  if ('error' in read) {
    out.errors.push({ path: task.displayPath, message: read.error });
    return out;
  }
  const result = analyze({ source: read.source, path: task.rolePath, settings: task.settings }, ALL_RULES);
  if (result.error) out.errors.push({ path: task.displayPath, message: result.error });
  for (const e of result.ruleErrors) out.errors.push({ path: task.displayPath, message: `internal error in ${e.rule}: ${e.message}` });
  out.findings = result.findings;
  out.suppressed = result.suppressed;
  return out;
}
