/**
 * One benchmark phase per process, so each reports its own peak memory (maxRSS):
 *   node --import tsx bench/phases.ts parse|scan|parallel|batch LISTFILE
 * Prints one JSON line: {"phase", "ms", "maxRssMb", ...}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, initParser, parsePython } from '../server/src/engine';
import { readSourceFile } from '../server/src/host/read';
import { locateWasm } from '../server/src/host/wasm';
import { ALL_RULES } from '../server/src/rules/registry';
import { defaultJobs, WorkerPool } from '../server/src/cli/pool';
import type { FileOutcome, FileTask } from '../server/src/cli/tasks';

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
  await initParser(locateWasm());
  const started = process.hrtime.bigint();
  const extra: Record<string, unknown> = {};
  if (phase === 'parse') {
    // The floor: read every file and parse it, one thread.
    for (const { source } of readAll(list)) parsePython(source).delete();
  } else if (phase === 'scan') {
    let findings = 0;
    for (const { file, source } of readAll(list)) findings += analyze({ source, path: file }, ALL_RULES).findings.length;
    extra.findings = findings;
  } else if (phase === 'parallel') {
    const jobs = defaultJobs();
    const pool = new WorkerPool(WORKER, jobs, { cwd: REPO }, 60_000);
    const tasks: FileTask[] = list.map((f) => ({ kind: 'file', fsPath: f, displayPath: f, rolePath: f, settings: {} }));
    const chunks: FileTask[][] = [];
    for (let i = 0; i < tasks.length; i += 8) chunks.push(tasks.slice(i, i + 8));
    const results = await Promise.all(chunks.map((c) => pool.run<FileOutcome[]>({ kind: 'files', tasks: c })));
    await pool.close();
    extra.findings = results.flat().reduce((n, r) => n + r.findings.length, 0);
    extra.jobs = jobs;
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ phase, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
