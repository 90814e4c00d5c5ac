/**
 * The units of work the CLI hands to worker threads (or runs in-process): analysing a file from disk,
 * and reviewing one batch record. Both are plain data in, plain data out, so they cross threads as is.
 * scanFiles() schedules file tasks; the CLI's scan and the bench's parallel phase both call it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, changedSettings, initParser, MAX_PROJECT_ROUNDS, type Finding, type HookBinding, type KeyedCall, type ModuleExports, type ProjectSettings, type SuppressedFinding } from '../engine';
import { readSourceFile } from '../host/read';
import { locateWasm } from '../host/wasm';
import { ALL_RULES } from '../rules/registry';
import type { AnalysisSettings } from '../engine';
import { WorkerPool, type PoolOptions } from './pool';

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
  /** For the project pass (engine/project.ts): the module's facts and the names it imports. */
  exports?: ModuleExports;
  imports?: string[];
  hookBindings?: HookBinding[];
  keyedCalls?: KeyedCall[];
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
  if (result.exports) out.exports = result.exports;
  if (result.imports) out.imports = result.imports;
  if (result.hookBindings) out.hookBindings = result.hookBindings;
  if (result.keyedCalls) out.keyedCalls = result.keyedCalls;
  return out;
}

export interface ScanOptions {
  /** Worker threads; 1 scans in-process. */
  jobs: number;
  /** Time budget of one worker task. */
  timeoutMs: number;
  /** The bundled worker (dist/worker.js). */
  workerScript: string;
  cwd: string;
  /** Overrides of the pool's settings (tests, experiments). */
  pool?: Partial<Omit<PoolOptions, 'size' | 'workerData' | 'timeoutMs'>>;
}

/** How a parallel scan went (for the bench). */
export interface ScanStats {
  tasks: number;
  workersStarted: number;
  /** The most memory (V8 heap plus external memory such as Wasm) a worker reported after a task, in bytes. */
  peakWorkerMemory: number;
}

/** Below this many files the scan runs in-process: starting workers costs more than it saves. */
const PARALLEL_THRESHOLD = 24;
/** A task holds at most this many files... */
const FILES_PER_TASK = 8;
/** ...and stops taking files once it holds this much source: tasks of similar cost keep the cores balanced to the end. */
const BYTES_PER_TASK = 128 * 1024;

/** Worker settings shared by scan and batch. */
export const ANALYSIS_POOL: Pick<PoolOptions, 'recycleAboveBytes' | 'resourceLimits'> = {
  /**
   * tree-sitter's Wasm memory starts at 32 MB and stays there on the whole corpus (files up to 750 KB); a
   * 5 MB file takes it past 110 MB for good. Such a worker is replaced after its task.
   */
  recycleAboveBytes: 96 * 1024 * 1024,
  resourceLimits: {
    // By default V8 sizes a worker's heap like a main thread's, from the machine's memory, and lets it grow
    // far past the live data. A 256 MB old generation (a 5 MB file needs about 140 MB) bounds that; a file
    // beyond it fails alone, like one over its time budget. The young generation keeps V8's 48 MB: half
    // of it made workers 20 MB smaller each on the corpus but the parallel scan 3-4% slower (twice the
    // scavenges of the short-lived node objects).
    maxYoungGenerationSizeMb: 48,
    maxOldGenerationSizeMb: 256,
  },
};

/**
 * Analyses the files and returns their outcomes in the order given, in two passes over the project: every
 * file, then again, with the facts its imports have in the other files (engine/project.ts), each file whose
 * imports have some. In workers, the largest files go first (sizes from fs.stat): the scan then ends on
 * small tasks, so no core idles while another finishes a big file. A task that fails (time budget, crashed
 * worker) is retried file by file, so only the file at fault is reported as an error.
 */
export async function scanFiles(tasks: FileTask[], options: ScanOptions, stats?: ScanStats): Promise<FileOutcome[]> {
  const { cwd } = options;
  if (options.jobs <= 1 || tasks.length < PARALLEL_THRESHOLD) {
    await initParser(locateWasm());
    const run = async (list: FileTask[]) => list.map((t) => runFileTask(t, cwd));
    return withProjectPass(tasks, run);
  }
  const pool = new WorkerPool(options.workerScript, {
    size: Math.min(options.jobs, Math.ceil(tasks.length / FILES_PER_TASK)),
    workerData: { cwd },
    timeoutMs: options.timeoutMs,
    ...ANALYSIS_POOL,
    ...options.pool,
  });
  let chunkCount = 0;
  const run = async (list: FileTask[]): Promise<FileOutcome[]> => {
    const chunks = chunkBySize(list, cwd);
    chunkCount += chunks.length;
    const outcomes: FileOutcome[] = new Array(list.length);
    await Promise.all(
      chunks.map(async (chunk) => {
        let results: FileOutcome[];
        try {
          results = await pool.run<FileOutcome[]>({ kind: 'files', tasks: chunk.map((i) => list[i]!) });
        } catch {
          // The chunk timed out or its worker died: retry file by file so only the culprit is lost.
          results = await Promise.all(
            chunk.map((i) => {
              const t = list[i]!;
              return pool.run<FileOutcome>(t).catch((err: Error): FileOutcome => ({ path: t.displayPath, findings: [], suppressed: [], errors: [{ path: t.displayPath, message: err.message }] }));
            }),
          );
        }
        chunk.forEach((taskIndex, k) => (outcomes[taskIndex] = results[k]!));
      }),
    );
    return outcomes;
  };
  try {
    return await withProjectPass(tasks, run);
  } finally {
    if (stats) {
      stats.tasks = chunkCount;
      stats.workersStarted = pool.workersStarted;
      stats.peakWorkerMemory = pool.peakWorkerMemory;
    }
    await pool.close();
  }
}

/**
 * Runs the tasks, then again those that other files say something new about (the facts their imports have, the
 * hooks their functions are bound to: engine/project.ts), until nothing changes. Modules are named from the
 * role paths (relative to the project root).
 */
async function withProjectPass(tasks: FileTask[], run: (tasks: FileTask[]) => Promise<FileOutcome[]>): Promise<FileOutcome[]> {
  const outcomes = await run(tasks);
  const current: ProjectSettings[] = tasks.map(() => undefined);
  for (let round = 0; round < MAX_PROJECT_ROUNDS; round++) {
    const changed = changedSettings(outcomes.map((o, i) => ({ path: tasks[i]!.rolePath, exports: o.exports, imports: o.imports, hookBindings: o.hookBindings, keyedCalls: o.keyedCalls })), current);
    if (!changed.length) break;
    const again = await run(changed.map(({ index, settings }) => ({ ...tasks[index]!, settings: { ...tasks[index]!.settings, ...settings } })));
    changed.forEach(({ index, settings }, k) => {
      current[index] = settings;
      outcomes[index] = again[k]!;
    });
  }
  return outcomes;
}

/** Task indexes grouped into chunks, largest files first. An unreadable file counts as empty: its task reports the error. */
function chunkBySize(tasks: FileTask[], cwd: string): number[][] {
  const sizes = tasks.map((t) => {
    try {
      return fs.statSync(path.resolve(cwd, t.fsPath)).size;
    } catch {
      return 0;
    }
  });
  const order = tasks.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of order) {
    current.push(i);
    bytes += sizes[i]!;
    if (current.length >= FILES_PER_TASK || bytes >= BYTES_PER_TASK) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}
