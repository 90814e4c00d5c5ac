/**
 * `npm run bench`: speed and scale on the false-positive corpus (corpus/files.sh, 1.32M lines), all in one
 * run so every number is a ratio against a baseline measured on the same machine at the same time.
 *   1. bare parse (the floor)  2. full scan, one thread  3. full scan, all cores  4. peak memory
 *   5. editing latency in the real language server  6. batch throughput
 * Ends with: bench: scan/parse X.XX, parallel speed-up Y.YY, edit p95 Z.Z ms, batch N/s
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureLatency, measureParseLatency } from './lsp-latency';

const REPO = path.join(__dirname, '..');

interface PhaseResult {
  ms: number;
  /** CPU time of all the process's threads, V8's background compiler and GC included. */
  cpuS: number;
  maxRssMb: number;
  jobs?: number;
  workersStarted?: number;
  peakWorkerMemoryMb?: number;
}

/**
 * Runs one phase in its own process from the bundle the build makes of phases.ts (dist/bench-phases.js): the
 * engine is measured as the CLI ships it (esbuild's bundle), not as tsx loads the sources, whose per-module
 * export getters make every cross-module call dearer.
 */
function phase(name: string, list: string): PhaseResult {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'bench-phases.js'), name, list], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`phase ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function batchThroughput(files: string[], records: number): Promise<number> {
  const sources = files.slice(0, 400).map((f) => fs.readFileSync(f, 'utf8')).filter((s) => s.length < 20_000);
  const lines: string[] = [];
  for (let i = 0; i < records; i++) lines.push(JSON.stringify({ id: i, files: { [`pkg/module_${i}.py`]: sources[i % sources.length] } }));
  const child = spawn(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.on('error', (err) => console.error(`batch stdin: ${err.message}`));
  let out = 0;
  child.stdout.on('data', (d: Buffer) => {
    for (const b of d) if (b === 10) out++;
  });
  const started = performance.now();
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.stdin.end(lines.join('\n') + '\n');
  await done;
  if (out !== records) throw new Error(`batch wrote ${out} lines for ${records} records`);
  return records / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'bench-phases.js'))) throw new Error('run npm run build first');
  const files = execFileSync('bash', [path.join(REPO, 'corpus', 'files.sh')], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').filter(Boolean);
  const listDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-bench-'));
  process.on('exit', () => fs.rmSync(listDir, { recursive: true, force: true }));
  const list = path.join(listDir, 'files.txt');
  fs.writeFileSync(list, files.join('\n'));
  console.log(`corpus: ${files.length} files; ${os.cpus().length} cores; node ${process.version}`);

  const parse = phase('parse', list);
  console.log(`1. bare parse, one thread:       ${(parse.ms / 1000).toFixed(2)} s`);
  const scan = phase('scan', list);
  console.log(`2. full scan, one thread:        ${(scan.ms / 1000).toFixed(2)} s  (${(scan.ms / parse.ms).toFixed(2)}x the parse)`);
  const parallel = phase('parallel', list);
  // CPU time shows what bounds the speed-up: with every core taken by a worker, V8's background work (optimising compiler, GC) no longer runs for free.
  console.log(
    `3. full scan, ${parallel.jobs} threads:        ${(parallel.ms / 1000).toFixed(2)} s  (speed-up ${(scan.ms / parallel.ms).toFixed(2)}x over ${parallel.jobs}; CPU ${parallel.cpuS.toFixed(1)} s, one thread ${scan.cpuS.toFixed(1)} s)`,
  );
  console.log(
    `4. peak memory:                  one thread ${scan.maxRssMb.toFixed(0)} MB, parallel ${parallel.maxRssMb.toFixed(0)} MB (${parallel.workersStarted} workers started, each at most ${parallel.peakWorkerMemoryMb?.toFixed(0)} MB of heap and Wasm)`,
  );
  const incremental = await measureLatency(true);
  const cold = await measureLatency(true, { cold: true });
  const full = await measureLatency(false);
  const pieces = await measureParseLatency('pieces');
  const wholeFile = await measureParseLatency('whole');
  console.log(`5. edit latency (5,000 lines):   incremental p50 ${incremental.p50.toFixed(1)} ms, p95 ${incremental.p95.toFixed(1)} ms; full re-parse p50 ${full.p50.toFixed(1)} ms, p95 ${full.p95.toFixed(1)} ms`);
  // The same edits sent the moment the server started, before V8 has optimised the analysis (warm-up off).
  console.log(`   from a cold start (no warm-up): incremental p50 ${cold.p50.toFixed(1)} ms, p95 ${cold.p95.toFixed(1)} ms`);
  // The parsing part alone, in this process: the server's (the pieces an edit touched), and, for
  // comparison, tree-sitter's own incremental re-parse of the whole file against the edited old tree.
  console.log(`   re-parse alone: of the pieces p50 ${pieces.p50.toFixed(1)} ms, p95 ${pieces.p95.toFixed(1)} ms; of the whole file p50 ${wholeFile.p50.toFixed(1)} ms, p95 ${wholeFile.p95.toFixed(1)} ms`);
  const batch = await batchThroughput(files, 2000);
  console.log(`6. batch throughput:             ${batch.toFixed(0)} records/s`);
  console.log(
    `bench: scan/parse ${(scan.ms / parse.ms).toFixed(2)}, parallel speed-up ${(scan.ms / parallel.ms).toFixed(2)}, edit p95 ${incremental.p95.toFixed(1)} ms, batch ${batch.toFixed(0)}/s`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
