/**
 * A pool of worker threads running CLI tasks; each task's promise settles with its own result, so callers
 * get results in submission order by awaiting in that order. A task that exceeds its time budget gets its
 * worker terminated and replaced, and fails with a clear message: one pathological file never hangs a
 * scan. Workers are also replaced between tasks once they have run `recycleAfterTasks` tasks or report
 * more than `recycleAboveBytes` of memory: tree-sitter's Wasm memory never shrinks, so one huge file
 * would otherwise leave its worker large for the rest of the run.
 */
import * as os from 'node:os';
import * as v8 from 'node:v8';
import { Worker, type ResourceLimits, type WorkerOptions } from 'node:worker_threads';

export interface PoolOptions {
  /** Number of workers. */
  size: number;
  workerData?: unknown;
  /** Time budget of one task, counted from when its worker starts it (not from when it was queued). */
  timeoutMs: number;
  /**
   * Tasks posted to a worker before it asks for more (default 2): the next one is already in its inbox when
   * it finishes, so it never waits for a round-trip through the main thread.
   */
  inFlightPerWorker?: number;
  /** Replace a worker after this many tasks (between tasks, never in the middle of one). */
  recycleAfterTasks?: number;
  /**
   * Replace a worker (between tasks) once the external memory it reports exceeds this: tree-sitter's Wasm
   * memory, which grows with the largest file parsed and never shrinks. (V8's own heap does shrink.)
   */
  recycleAboveBytes?: number;
  resourceLimits?: ResourceLimits;
  /** Node options of the workers; default: the parent's, minus module loaders (see withoutLoaders). */
  execArgv?: string[];
}

/** What a worker posts back for each task. */
export interface WorkerReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
  /** The worker's memory after the task, in bytes: V8 heap, and external memory (Wasm memory, buffers). */
  memory?: { heap: number; external: number };
}

interface Pending<T> {
  id: number;
  payload: unknown;
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Tasks posted to this worker, in the order it runs them: the first one is running. */
  inFlight: Pending<unknown>[];
  /** Time budget of the running task. */
  timer?: NodeJS.Timeout;
  tasksDone: number;
  /** Gets no new tasks; terminated once its in-flight tasks are done. */
  retiring: boolean;
  dead: boolean;
}

export class TaskTimeoutError extends Error {}

export function defaultJobs(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The parent's Node options without module loaders, or undefined when it has none. The worker scripts are
 * self-contained bundles, and a loader such as tsx (the bench runs under it) would otherwise be loaded
 * again in every worker: about 35 MB and half a second each.
 */
export function withoutLoaders(execArgv: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!LOADER_FLAGS.has(name)) out.push(arg);
    else if (eq < 0) i++; // its value is the next argument
  }
  return out.length === execArgv.length ? undefined : out;
}

function startWorker(script: string, options: WorkerOptions): Worker {
  if (options.execArgv === undefined) {
    const execArgv = withoutLoaders(process.execArgv);
    try {
      if (execArgv) return new Worker(script, { ...options, execArgv });
    } catch (err) {
      // Some options (V8 flags such as --max-old-space-size) are inherited but cannot be given explicitly.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    }
  }
  return new Worker(script, options);
}

let compilerTuned = false;

/**
 * V8 optimises hot functions on background threads. A one-thread scan leaves them a spare core; a pool
 * with a worker per core does not, and every worker optimises the same functions again: a fifth to a
 * quarter of the CPU time of a parallel scan of the corpus went to that. Optimising later (8x Node 20's
 * default interrupt budget) and inlining much less (under a quarter of the default cumulative size) cuts
 * most of it, for slightly slower code: the parallel scan takes about 15% less CPU time than with the
 * defaults (measured back to back: 4x and half the inlining, the previous setting, gave 13%, and the
 * corpus scan and batch mode were 3-5% slower with it). Turning inlining off altogether did no better.
 * The flags are process-wide: they are set once, before the first worker starts.
 */
function tuneCompilerForWorkers(): void {
  if (compilerTuned) return;
  compilerTuned = true;
  v8.setFlagsFromString('--interrupt-budget=540672');
  v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
}

function outOfMemory(err: Error): boolean {
  return (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

export class WorkerPool {
  /** Workers that take new tasks. Retiring ones are only referenced by their own listeners until they exit. */
  private readonly slots: Slot[] = [];
  private readonly retiring = new Set<Slot>();
  private readonly queue: Pending<unknown>[] = [];
  private readonly options: PoolOptions & { inFlightPerWorker: number };
  private nextId = 0;
  private closed = false;
  private started = 0;
  private peakMemory = 0;

  constructor(
    private readonly script: string,
    options: PoolOptions,
  ) {
    this.options = { ...options, inFlightPerWorker: Math.max(1, options.inFlightPerWorker ?? 2) };
    if (options.recycleAfterTasks !== undefined) this.options.recycleAfterTasks = Math.max(1, options.recycleAfterTasks);
    tuneCompilerForWorkers();
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  /** Workers started so far, replacements included. */
  get workersStarted(): number {
    return this.started;
  }

  /** The most memory (V8 heap plus external) a worker has reported after a task, in bytes. */
  get peakWorkerMemory(): number {
    return this.peakMemory;
  }

  private spawn(): Slot {
    const worker = startWorker(this.script, { workerData: this.options.workerData, resourceLimits: this.options.resourceLimits, execArgv: this.options.execArgv });
    const slot: Slot = { worker, inFlight: [], tasksDone: 0, retiring: false, dead: false };
    this.started++;
    worker.on('message', (msg: WorkerReply) => this.settle(slot, msg));
    worker.on('error', (err) => this.fail(slot, outOfMemory(err) ? new Error(`analysis ran out of memory (worker heap limit ${this.options.resourceLimits?.maxOldGenerationSizeMb ?? '?'} MB) and was stopped`) : err));
    worker.on('exit', (code) => {
      if (slot.inFlight.length) this.fail(slot, new Error(`worker exited with code ${code}`));
    });
    worker.unref();
    return slot;
  }

  private settle(slot: Slot, msg: WorkerReply): void {
    const task = slot.inFlight[0];
    if (slot.dead || !task || task.id !== msg.id) return;
    clearTimeout(slot.timer);
    slot.inFlight.shift();
    slot.tasksDone++;
    if (msg.memory) this.peakMemory = Math.max(this.peakMemory, msg.memory.heap + msg.memory.external);
    if (msg.ok) task.resolve(msg.value);
    else task.reject(new Error(msg.error));
    // The worker has started the next task it holds: its budget starts now.
    if (slot.inFlight.length) this.startTimer(slot);
    const { recycleAfterTasks, recycleAboveBytes } = this.options;
    if (
      !slot.retiring &&
      ((recycleAfterTasks !== undefined && slot.tasksDone >= recycleAfterTasks) ||
        (recycleAboveBytes !== undefined && msg.memory !== undefined && msg.memory.external > recycleAboveBytes))
    ) {
      this.retire(slot);
    }
    if (slot.retiring && !slot.inFlight.length) this.kill(slot);
    this.pump();
  }

  /** Stops feeding a worker; pump() starts its replacement, which loads while the old one finishes what it holds. */
  private retire(slot: Slot): void {
    slot.retiring = true;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    this.retiring.add(slot);
  }

  /** The running task failed (time budget, crash): it is rejected, the tasks queued behind it go back to the front of the queue. */
  private fail(slot: Slot, err: Error): void {
    if (slot.dead) return;
    clearTimeout(slot.timer);
    const [running, ...waiting] = slot.inFlight;
    slot.inFlight = [];
    this.queue.unshift(...waiting);
    if (!slot.retiring) this.retire(slot);
    this.kill(slot);
    running?.reject(err);
    this.pump();
  }

  private kill(slot: Slot): void {
    slot.dead = true;
    this.retiring.delete(slot);
    void slot.worker.terminate();
  }

  private startTimer(slot: Slot): void {
    const { timeoutMs } = this.options;
    slot.timer = setTimeout(() => this.fail(slot, new TaskTimeoutError(`analysis took longer than ${timeoutMs / 1000} s and was stopped`)), timeoutMs);
  }

  run<T>(payload: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error('pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, payload, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    for (;;) {
      // Round-robin, one task per worker per pass, so a short queue is spread over all workers.
      for (let posted = true; posted && this.queue.length; ) {
        posted = false;
        for (const slot of this.slots) {
          if (!this.queue.length || !this.accepts(slot)) continue;
          this.post(slot, this.queue.shift()!);
          posted = true;
        }
      }
      // Replacements of retired workers start only for work the others cannot take now.
      if (!this.queue.length || this.slots.length >= this.options.size) return;
      this.slots.push(this.spawn());
    }
  }

  private post(slot: Slot, task: Pending<unknown>): void {
    slot.inFlight.push(task);
    if (slot.inFlight.length === 1) this.startTimer(slot);
    slot.worker.postMessage({ id: task.id, payload: task.payload });
  }

  /** Room in the worker's inbox, and (with recycleAfterTasks) no more tasks than it will run before it is replaced. */
  private accepts(slot: Slot): boolean {
    const { inFlightPerWorker, recycleAfterTasks } = this.options;
    if (slot.inFlight.length >= inFlightPerWorker) return false;
    return recycleAfterTasks === undefined || slot.tasksDone + slot.inFlight.length < recycleAfterTasks;
  }

  /** Terminates the workers; tasks not finished yet are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots, ...this.retiring];
    const unfinished = [...slots.flatMap((s) => s.inFlight), ...this.queue.splice(0)];
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.inFlight = [];
      slot.dead = true;
    }
    this.slots.length = 0;
    this.retiring.clear();
    for (const task of unfinished) task.reject(new Error('pool is closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
