/**
 * One benchmark phase per process, so each reports its own peak memory (maxRSS). bench.ts runs the bundle
 * the build makes of this file (dist/bench-phases.js); from source it also runs as
 *   node --import tsx bench/phases.ts parse|scan|parallel LISTFILE
 * Prints one JSON line: {"phase", "ms", "cpuS", "maxRssMb", ...}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser, parsePython } from '../server/src/engine';
import { readSourceFile } from '../server/src/host/read';
import { locateWasm } from '../server/src/host/wasm';
import { defaultJobs } from '../server/src/cli/pool';
import { scanFiles, type FileTask, type ScanStats } from '../server/src/cli/tasks';

const REPO = path.join(__dirname, '..');
const WORKER = path.join(REPO, 'dist', 'worker.js');

function readAll(list: string[]): { file: string; source: string }[] {
  const out: { file: string; source: string }[] = [];
  for (const file of list) {
    const r = readSourceFile(file);
    if ('source' in r) out.push({ file, source: r.source });
  }
  return out;
}

async function main(): Promise<void> {
  const [phase, listFile] = process.argv.slice(2);
  const list = fs.readFileSync(listFile!, 'utf8').split('\n').filter(Boolean);
  // Only the one-thread phases load the grammar here; the parallel one, like the CLI, loads it in the workers.
  if (phase !== 'parallel') await initParser(locateWasm());
  const tasks: FileTask[] = list.map((f) => ({ kind: 'file', fsPath: f, displayPath: f, rolePath: f, settings: {} }));
  const started = process.hrtime.bigint();
  const extra: Record<string, unknown> = {};
  if (phase === 'parse') {
    // The floor: read every file and parse it, one thread.
    for (const { source } of readAll(list)) parsePython(source).delete();
  } else if (phase === 'scan') {
    // The CLI's one-thread scan: every file, then the few whose imports other files answer (engine/project.ts).
    const outcomes = await scanFiles(tasks, { jobs: 1, timeoutMs: 60_000, workerScript: WORKER, cwd: REPO });
    extra.findings = outcomes.reduce((n, r) => n + r.findings.length, 0);
  } else if (phase === 'parallel') {
    // The CLI's own scheduling (largest files first, pipelined tasks, worker recycling): scanFiles().
    const jobs = defaultJobs();
    const stats: ScanStats = { tasks: 0, workersStarted: 0, peakWorkerMemory: 0 };
    const outcomes = await scanFiles(tasks, { jobs, timeoutMs: 60_000, workerScript: WORKER, cwd: REPO }, stats);
    extra.findings = outcomes.reduce((n, r) => n + r.findings.length, 0);
    extra.jobs = jobs;
    extra.tasks = stats.tasks;
    extra.workersStarted = stats.workersStarted;
    extra.peakWorkerMemoryMb = stats.peakWorkerMemory / 1048576;
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const usage = process.resourceUsage();
  // CPU time of every thread of the process (workers and V8's background compiler and GC threads included).
  const cpuS = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stdout.write(JSON.stringify({ phase, ms, cpuS, maxRssMb: usage.maxRSS / 1024, ...extra }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
