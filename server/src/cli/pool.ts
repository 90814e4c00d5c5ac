/**
 * A fixed pool of worker threads running CLI tasks, results delivered in submission order. A task that
 * exceeds its time budget gets its worker terminated and replaced, and fails with a clear message: one
 * pathological file never hangs a scan.
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';

interface Pending<T> {
  id: number;
  payload: unknown;
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy?: { task: Pending<unknown>; timer: NodeJS.Timeout };
}

export class TaskTimeoutError extends Error {}

export function defaultJobs(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending<unknown>[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly script: string,
    private readonly size: number,
    private readonly workerData: unknown,
    private readonly timeoutMs: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script, { workerData: this.workerData }) };
    slot.worker.on('message', (msg: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const busy = slot.busy;
      if (!busy || busy.task.id !== msg.id) return;
      clearTimeout(busy.timer);
      slot.busy = undefined;
      if (msg.ok) busy.task.resolve(msg.value);
      else busy.task.reject(new Error(msg.error));
      this.pump();
    });
    slot.worker.on('error', (err) => this.replace(slot, err));
    slot.worker.on('exit', (code) => {
      if (!this.closed && slot.busy) this.replace(slot, new Error(`worker exited with code ${code}`));
    });
    slot.worker.unref();
    return slot;
  }

  private replace(slot: Slot, err: Error): void {
    const busy = slot.busy;
    slot.busy = undefined;
    if (busy) {
      clearTimeout(busy.timer);
      busy.task.reject(err);
    }
    void slot.worker.terminate();
    const index = this.slots.indexOf(slot);
    if (index >= 0 && !this.closed) this.slots[index] = this.spawn();
    this.pump();
  }

  run<T>(payload: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error('pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, payload, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || !this.queue.length) continue;
      const task = this.queue.shift()!;
      const timer = setTimeout(() => this.replace(slot, new TaskTimeoutError(`analysis took longer than ${this.timeoutMs / 1000} s and was stopped`)), this.timeoutMs);
      slot.busy = { task, timer };
      slot.worker.postMessage({ id: task.id, payload: task.payload });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
