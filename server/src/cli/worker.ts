/** Worker thread of the CLI's pool: loads the grammar once, then runs file and batch tasks. */
import * as v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { initParser } from '../engine';
import { locateWasm } from '../host/wasm';
import { runBatchRecord, type BatchTask } from './batch';
import type { WorkerReply } from './pool';
import { runFileTask, type FileTask } from './tasks';

const ready = initParser(locateWasm());
const { cwd } = workerData as { cwd: string };

type Payload = FileTask | BatchTask | { kind: 'files'; tasks: FileTask[] };

/** For the pool's recycling: external memory includes tree-sitter's Wasm memory, which grows with the largest file parsed and never shrinks. */
function memory(): WorkerReply['memory'] {
  const h = v8.getHeapStatistics();
  return { heap: h.total_heap_size, external: h.external_memory };
}

parentPort!.on('message', async (msg: { id: number; payload: Payload }) => {
  let reply: WorkerReply;
  try {
    await ready;
    const p = msg.payload;
    const value = p.kind === 'file' ? runFileTask(p, cwd) : p.kind === 'files' ? p.tasks.map((t) => runFileTask(t, cwd)) : runBatchRecord(p);
    reply = { id: msg.id, ok: true, value, memory: memory() };
  } catch (err) {
    reply = { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err), memory: memory() };
  }
  parentPort!.postMessage(reply);
});
