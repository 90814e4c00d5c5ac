/**
 * The CLI's worker pool: ordering with several tasks in flight per worker, recycling (after N tasks, above
 * a memory threshold), time budgets and crashes with pipelined tasks, and scanFiles() over real workers.
 * Assertions are on behaviour (which results, which worker ran what), never on timing.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TaskTimeoutError, withoutLoaders, WorkerPool } from '../../server/src/cli/pool';
import { scanFiles, type FileOutcome, type FileTask } from '../../server/src/cli/tasks';
import { makeTree, REPO } from '../support/cli';

/** A stand-in worker: echoes `value` with its thread id; can spin, hang, exit, fail or report an external-memory figure. */
const TEST_WORKER = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', ({ id, payload: p }) => {
  if (p.hang) for (;;) {}
  if (p.exit) process.exit(3);
  const end = Date.now() + (p.spinMs || 0);
  while (Date.now() < end) {}
  if (p.fail) parentPort.postMessage({ id, ok: false, error: 'failed ' + p.value });
  else parentPort.postMessage({ id, ok: true, value: { value: p.value, threadId }, memory: { heap: 1000, external: p.external || 1000 } });
});
`;

interface Echo {
  value: number;
  threadId: number;
}

describe('WorkerPool', () => {
  let dir: string;
  let script: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-pool-'));
    script = path.join(dir, 'worker.js');
    fs.writeFileSync(script, TEST_WORKER);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('delivers every result to its own task, in submission order, with several tasks in flight per worker', async () => {
    const pool = new WorkerPool(script, { size: 2, timeoutMs: 60_000, inFlightPerWorker: 3 });
    try {
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => pool.run<Echo>({ value: i, spinMs: (i * 7) % 5 })));
      assert.deepEqual(results.map((r) => r.value), Array.from({ length: 60 }, (_, i) => i));
      assert.equal(new Set(results.map((r) => r.threadId)).size, 2, 'both workers took tasks');
      assert.equal(pool.workersStarted, 2);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker after recycleAfterTasks tasks; replacements serve the later tasks, results stay complete and ordered', async () => {
    const pool = new WorkerPool(script, { size: 2, timeoutMs: 60_000, recycleAfterTasks: 3 });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => pool.run<Echo>({ value: i })));
      assert.deepEqual(results.map((r) => r.value), Array.from({ length: 30 }, (_, i) => i));
      const perThread = new Map<number, number>();
      for (const r of results) perThread.set(r.threadId, (perThread.get(r.threadId) ?? 0) + 1);
      assert.ok([...perThread.values()].every((n) => n <= 3), `no worker ran more than 3 tasks: ${[...perThread.values()]}`);
      assert.ok(perThread.size >= 10, `30 tasks, at most 3 per worker: ${perThread.size} workers`);
      assert.equal(pool.workersStarted, perThread.size, 'every worker started ran tasks');
      // A task submitted after the run still finds a worker.
      assert.equal((await pool.run<Echo>({ value: 99 })).value, 99);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker, between tasks, once it reports more external (Wasm) memory than recycleAboveBytes', async () => {
    const pool = new WorkerPool(script, { size: 1, timeoutMs: 60_000, inFlightPerWorker: 1, recycleAboveBytes: 10_000 });
    try {
      const results = await Promise.all([pool.run<Echo>({ value: 0 }), pool.run<Echo>({ value: 1, external: 50_000 }), pool.run<Echo>({ value: 2 }), pool.run<Echo>({ value: 3 })]);
      assert.deepEqual(results.map((r) => r.value), [0, 1, 2, 3]);
      const [a, b, c, d] = results.map((r) => r.threadId);
      assert.equal(a, b, 'the task that grew the worker completes on it');
      assert.notEqual(c, b, 'the next task runs on a fresh worker');
      assert.equal(c, d);
      assert.equal(pool.workersStarted, 2);
    } finally {
      await pool.close();
    }
  });

  it('fails only the task over its time budget; the tasks queued behind it on that worker run on its replacement', async () => {
    const pool = new WorkerPool(script, { size: 1, timeoutMs: 2_000, inFlightPerWorker: 3 });
    try {
      const settled = await Promise.allSettled([pool.run<Echo>({ value: 0 }), pool.run<Echo>({ value: 1, hang: true }), pool.run<Echo>({ value: 2 }), pool.run<Echo>({ value: 3 })]);
      assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const reason = (settled[1] as PromiseRejectedResult).reason;
      assert.ok(reason instanceof TaskTimeoutError);
      assert.match(reason.message, /took longer than 2 s/);
      const ok = settled.filter((s): s is PromiseFulfilledResult<Echo> => s.status === 'fulfilled').map((s) => s.value);
      assert.deepEqual(ok.map((r) => r.value), [0, 2, 3]);
      assert.notEqual(ok[1]!.threadId, ok[0]!.threadId, 'the hung worker was replaced');
    } finally {
      await pool.close();
    }
  });

  it('counts a pipelined task’s budget from when its worker starts it, not from when it was posted', async () => {
    // Three tasks of 0.8 s each sit on one worker: together they exceed the 2 s budget, none does alone.
    const pool = new WorkerPool(script, { size: 1, timeoutMs: 2_000, inFlightPerWorker: 3 });
    try {
      const results = await Promise.all([0, 1, 2].map((value) => pool.run<Echo>({ value, spinMs: 800 })));
      assert.deepEqual(results.map((r) => r.value), [0, 1, 2]);
    } finally {
      await pool.close();
    }
  });

  it('fails only the running task when a worker dies, and reports task errors without replacing the worker', async () => {
    const pool = new WorkerPool(script, { size: 1, timeoutMs: 60_000, inFlightPerWorker: 3 });
    try {
      const settled = await Promise.allSettled([
        pool.run<Echo>({ value: 0 }),
        pool.run<Echo>({ value: 1, fail: true }),
        pool.run<Echo>({ value: 2 }),
        pool.run<Echo>({ value: 3, exit: true }),
        pool.run<Echo>({ value: 4 }),
      ]);
      assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      assert.match((settled[1] as PromiseRejectedResult).reason.message, /^failed 1$/);
      assert.match((settled[3] as PromiseRejectedResult).reason.message, /exited with code 3/);
      const threads = settled.map((s) => (s.status === 'fulfilled' ? s.value.threadId : undefined));
      assert.equal(threads[0], threads[2], 'a task error does not replace the worker');
      assert.notEqual(threads[4], threads[2]);
      assert.equal(pool.workersStarted, 2);
    } finally {
      await pool.close();
    }
  });

  it('rejects the tasks still pending when it is closed', async () => {
    const pool = new WorkerPool(script, { size: 1, timeoutMs: 60_000 });
    const pending = Promise.allSettled([pool.run<Echo>({ value: 0, spinMs: 300 }), pool.run<Echo>({ value: 1 }), pool.run<Echo>({ value: 2 })]);
    await pool.close();
    for (const s of await pending) {
      assert.equal(s.status, 'rejected');
      assert.match((s as PromiseRejectedResult).reason.message, /pool is closed/);
    }
    await assert.rejects(pool.run({ value: 3 }), /pool is closed/);
  });

  it('does not pass module loaders such as tsx on to the workers', () => {
    assert.deepEqual(withoutLoaders(['--import', 'tsx', '--enable-source-maps', '--require=./hook.js', '-r', 'x', '--loader', 'y', '--experimental-loader=z']), ['--enable-source-maps']);
    assert.equal(withoutLoaders(['--enable-source-maps']), undefined, 'nothing to drop: the workers inherit as usual');
  });
});

describe('scanFiles', () => {
  const WORKER = path.join(REPO, 'dist', 'worker.js');
  const HACK = 'import sys\n\n\ndef solve(n):\n    sys.exit(0)\n';
  let dir: string;
  let tasks: FileTask[];
  before(() => {
    if (!fs.existsSync(WORKER)) throw new Error('dist/worker.js is missing: run npm run build');
    // Sizes from a few bytes to ~100 KB in no particular order, so largest-first scheduling reorders them.
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) {
      const filler = Array.from({ length: (i * 37) % 80 === 0 ? 4000 : (i * 13) % 50 }, (_, k) => `x${k} = ${k}`).join('\n');
      files[`m${String(i).padStart(2, '0')}.py`] = (i % 9 === 0 ? HACK : 'def f():\n    return 1\n') + filler + '\n';
    }
    files['binary.py'] = '\0\0\0';
    dir = makeTree(files);
    tasks = Object.keys(files).map((f) => ({ kind: 'file', fsPath: f, displayPath: f, rolePath: f, settings: {} }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const summary = (outcomes: FileOutcome[]) => outcomes.map((o) => `${o.path} ${o.findings.map((f) => `${f.rule}:${f.range.start.line}`).join(',')} ${o.errors.length}`);

  it('reports a file that exhausts a worker’s heap as an error of that file only', async () => {
    // Two megabytes of functions, analysed under a 16 MB old generation.
    const big = Array.from({ length: 40_000 }, (_, i) => `def f${i}(a, b):\n    return a + b * ${i}\n`).join('\n');
    const heavy = makeTree({ 'big.py': big, ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`s${i}.py`, HACK])) });
    try {
      const heavyTasks: FileTask[] = ['big.py', ...Array.from({ length: 30 }, (_, i) => `s${i}.py`)].map((f) => ({ kind: 'file', fsPath: f, displayPath: f, rolePath: f, settings: {} }));
      const out = await scanFiles(heavyTasks, { jobs: 2, timeoutMs: 60_000, workerScript: WORKER, cwd: heavy, pool: { resourceLimits: { maxOldGenerationSizeMb: 16 } } });
      assert.deepEqual(out[0]!.errors.map((e) => e.message), ['analysis ran out of memory (worker heap limit 16 MB) and was stopped']);
      assert.ok(out.slice(1).every((o) => o.errors.length === 0 && o.findings.length === 1), 'every other file analysed');
    } finally {
      fs.rmSync(heavy, { recursive: true, force: true });
    }
  });

  it('returns the outcomes in input order, the same as in-process, with workers replaced after every task', async () => {
    const inProcess = await scanFiles(tasks, { jobs: 1, timeoutMs: 60_000, workerScript: WORKER, cwd: dir });
    assert.deepEqual(inProcess.map((o) => o.path), tasks.map((t) => t.displayPath));
    assert.equal(inProcess.filter((o) => o.findings.length).length, 9);
    const stats = { tasks: 0, workersStarted: 0, peakWorkerMemory: 0 };
    const recycled = await scanFiles(tasks, { jobs: 2, timeoutMs: 60_000, workerScript: WORKER, cwd: dir, pool: { recycleAfterTasks: 1 } }, stats);
    assert.deepEqual(summary(recycled), summary(inProcess));
    assert.equal(stats.workersStarted, stats.tasks, 'one worker per task');
    assert.ok(stats.tasks > 2);
  });
});
