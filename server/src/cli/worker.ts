/** Worker thread of the CLI's pool: loads the grammar once, then runs file and batch tasks. */
import { parentPort, workerData } from 'node:worker_threads';
import { initParser } from '../engine';
import { locateWasm } from '../host/wasm';
import { runBatchRecord, type BatchTask } from './batch';
import { runFileTask, type FileTask } from './tasks';

const ready = initParser(locateWasm());
const { cwd } = workerData as { cwd: string };

type Payload = FileTask | BatchTask | { kind: 'files'; tasks: FileTask[] };

parentPort!.on('message', async (msg: { id: number; payload: Payload }) => {
  try {
    await ready;
    const p = msg.payload;
    const value = p.kind === 'file' ? runFileTask(p, cwd) : p.kind === 'files' ? p.tasks.map((t) => runFileTask(t, cwd)) : runBatchRecord(p);
    parentPort!.postMessage({ id: msg.id, ok: true, value });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
