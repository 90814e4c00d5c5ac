/**
 * Editing latency in the real language server: a 5,000-line Python file open in dist/server.js over
 * stdio, 200 single-character edits; time from each didChange to the publishDiagnostics of that version
 * (debounce off). Run with incremental parsing and with full re-parses for comparison, and from a cold start.
 *
 * Unless `cold`, the edits begin once the server has warmed up (it analyses sample code of its own while idle
 * after start-up and says so in its log, server/src/lsp/warm-up.ts), as they do when a user starts typing a
 * few seconds after the editor started the server. A cold start sends them at once, with the warm-up off.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { initParser } from '../server/src/engine';
import { createParser } from '../server/src/engine/parser';
import { locateWasm } from '../server/src/host/wasm';
import { SyntaxDocument } from '../server/src/lsp/document';

const SERVER = path.join(__dirname, '..', 'dist', 'server.js');

function makeDocument(lines: number): string {
  const out: string[] = ['import os', 'import sys', ''];
  let i = 0;
  while (out.length < lines) {
    out.push(`def compute_${i}(values, factor=${i % 7}):`, `    total = 0`, `    for v in values:`, `        if v % ${(i % 5) + 2} == 0:`, `            total += v * factor`, `    return total`, ``);
    i++;
  }
  out.length = lines;
  return out.join('\n') + '\n';
}

/** Edit `k` of the script: type a space at the start of a line, then delete it again, all over the file. */
function editNumber(k: number): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const line = 3 + ((Math.floor(k / 2) * 37) % 4990);
  return k % 2 === 0
    ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }
    : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
}

function percentiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: pick(0.5), p95: pick(0.95) };
}

/**
 * The parsing part of the editing latency: the same document and edits in this process, timing only the
 * re-parse: of the pieces the edit touched, as the server does (SyntaxDocument.syntaxPieces), or of the whole
 * file by tree-sitter against the edited old tree (SyntaxDocument.syntaxTree).
 */
export async function measureParseLatency(what: 'pieces' | 'whole', edits = 200): Promise<{ p50: number; p95: number }> {
  await initParser(locateWasm());
  const parser = createParser();
  const doc = new SyntaxDocument('file:///bench/big_module.py', 'python', 1, makeDocument(5000));
  try {
    const reparse = () => (what === 'pieces' ? doc.syntaxPieces(parser) : doc.syntaxTree(parser));
    reparse();
    const samples: number[] = [];
    for (let k = 0; k < edits; k++) {
      doc.applyChanges([editNumber(k)], k + 2);
      const started = performance.now();
      reparse();
      samples.push(performance.now() - started);
    }
    return percentiles(samples);
  } finally {
    doc.dispose();
    parser.delete();
  }
}

export async function measureLatency(incremental: boolean, options: { cold?: boolean; edits?: number } = {}): Promise<{ p50: number; p95: number }> {
  const edits = options.edits ?? 200;
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, (t: number) => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
    if (p.version !== undefined) waiting.get(p.version)?.(performance.now());
  });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ enable: true, run: 'onType' })));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  let warmedUp!: () => void;
  const warm = new Promise<void>((resolve) => (warmedUp = resolve));
  conn.onNotification('window/logMessage', (p: { message?: string }) => {
    if (/^analysis warmed up/.test(p.message ?? '')) warmedUp();
  });
  // The server closes its end on exit; late write errors are expected then and not a benchmark failure.
  conn.onError(() => undefined);
  child.stdin.on('error', () => undefined);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: true } },
    initializationOptions: { debounceMs: 0, incrementalParsing: incremental, warmUp: !options.cold },
  });
  conn.sendNotification('initialized', {});
  if (!options.cold) await Promise.race([warm, new Promise((_, reject) => setTimeout(() => reject(new Error('the server did not log the end of its warm-up')), 30_000))]);
  const uri = 'file:///bench/big_module.py';
  const text = makeDocument(5000);
  const opened = new Promise<number>((resolve) => waiting.set(1, resolve));
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  await opened;
  const samples: number[] = [];
  for (let k = 0; k < edits; k++) {
    const version = k + 2;
    const change = editNumber(k);
    const published = new Promise<number>((resolve) => waiting.set(version, resolve));
    const sent = performance.now();
    conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    const at = await Promise.race([published, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no diagnostics for version ${version}`)), 10_000))]);
    samples.push(at - sent);
    waiting.delete(version);
  }
  // Shut down in protocol order and wait for the process, so nothing is written to a closed pipe.
  await conn.sendRequest('shutdown');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  conn.sendNotification('exit');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  conn.dispose();
  if (child.exitCode === null) child.kill();
  return percentiles(samples);
}
