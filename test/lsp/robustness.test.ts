/**
 * The server under abuse: junk on the wire after initialisation, a 20 MB document, documents opened
 * and closed faster than they can be analysed; full re-parses on request (incrementalParsing: false);
 * and the client's policy for restarting a crashed server.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EXIT_HACK, EXIT_LINE, fileUri, ROOT, TestClient, tempWorkspace, waitFor, waitForStatus } from './harness';

describe('robustness', { timeout: 180_000 }, () => {
  it('skips junk messages after initialisation, over stdio and IPC, and keeps serving', async () => {
    for (const transport of ['stdio', 'ipc'] as const) {
      const ws = tempWorkspace();
      const { client } = await TestClient.start({ transport, workspaceFolders: [ws] });
      try {
        const junk: unknown[] = [
          [1, 2, 3],
          'text',
          { jsonrpc: '2.0' },
          { jsonrpc: '2.0', id: 99, method: 42 },
          { jsonrpc: '2.0', id: { weird: true }, method: 'textDocument/hover', params: 1 },
          { jsonrpc: '2.0', id: 12345, result: 'a response nobody asked for' },
          { jsonrpc: '2.0', method: '$/no.such.notification', params: [1] },
          { jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///x.py', version: 'two' }, contentChanges: [null] } },
        ];
        for (const message of junk) {
          if (transport === 'stdio') {
            const body = JSON.stringify(message);
            client.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
          } else client.child.send(message as never);
        }
        if (transport === 'stdio') {
          const bad = '{"jsonrpc": "2.0", "method": ';
          client.child.stdin!.write(`Content-Length: ${Buffer.byteLength(bad)}\r\n\r\n${bad}`);
        }
        await assert.rejects(client.request('$/no.such.request', {}), /Unhandled method|not found/i);
        const uri = fileUri(path.join(ws, 'src', 'after-junk.py'));
        await client.open(uri, EXIT_HACK);
        assert.ok((await client.diagnosticsAt(uri, 1, 20_000)).diagnostics.some((d) => d.code === 'RH101'), transport);
        assert.equal(client.hasExited, false, transport);
      } finally {
        await client.stop();
      }
    }
  });

  it('a 20 MB document is skipped with a clear reason and does not hold up other documents', async () => {
    const ws = tempWorkspace();
    const { client } = await TestClient.start({ workspaceFolders: [ws] });
    try {
      const huge = fileUri(path.join(ws, 'src', 'huge.py'));
      const line = 'value = compute(alpha, beta, gamma)  # padding padding padding padding\n';
      const text = EXIT_HACK + line.repeat(Math.ceil(20_000_000 / line.length));
      const small = fileUri(path.join(ws, 'src', 'small.py'));
      const started = Date.now();
      await client.open(huge, text);
      await client.open(small, EXIT_HACK);
      assert.ok((await client.diagnosticsAt(small, 1, 60_000)).diagnostics.some((d) => d.code === 'RH101'));
      const elapsed = Date.now() - started;
      assert.deepEqual((await client.diagnosticsAt(huge, 1, 60_000)).diagnostics, []);
      assert.match((await waitForStatus(client, huge, (s) => s.skipped !== undefined)).skipped!, /too large to analyse \(\d+ characters, limit \d+\)/);
      // Edits, hovers and code actions on it are answered, cheaply.
      const v2 = await client.change(huge, [{ range: { start: { line: EXIT_LINE, character: 0 }, end: { line: EXIT_LINE, character: 0 } }, text: '#' }]);
      assert.deepEqual((await client.diagnosticsAt(huge, v2, 60_000)).diagnostics, []);
      assert.equal(await client.request('textDocument/hover', { textDocument: { uri: huge }, position: { line: EXIT_LINE, character: 10 } }, 30_000), null);
      assert.deepEqual(await client.request('textDocument/codeAction', { textDocument: { uri: huge }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, context: { diagnostics: [] } }, 30_000), []);
      await client.close(huge);
      assert.equal(client.hasExited, false);
      // Generous: the machine is shared; without the size limit this would be a minutes-long parse.
      assert.ok(elapsed < 45_000, `the small document waited ${elapsed} ms`);
    } finally {
      await client.stop();
    }
  });

  it('rapid open/change/close leaves no stale diagnostics behind', async () => {
    const ws = tempWorkspace();
    const { client } = await TestClient.start({ workspaceFolders: [ws], initializationOptions: { debounceMs: 0 } });
    try {
      const uris = Array.from({ length: 10 }, (_, i) => fileUri(path.join(ws, 'src', `rapid_${i}.py`)));
      for (let round = 0; round < 30; round++) {
        for (const uri of uris) {
          await client.open(uri, EXIT_HACK);
          if (round % 3 === 0) await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edit\n' }]);
          await client.close(uri);
        }
      }
      // Everything closed: after the server has caught up, each file's last word is "no diagnostics".
      const marker = fileUri(path.join(ws, 'src', 'marker.py'));
      await client.open(marker, EXIT_HACK);
      await client.diagnosticsAt(marker, 1, 60_000);
      await new Promise((r) => setTimeout(r, 500));
      for (const uri of uris) assert.deepEqual(client.lastPublished(uri)?.diagnostics, [], uri);
      // Opening one again works as the first time.
      await client.open(uris[0]!, EXIT_HACK);
      await waitFor('fresh diagnostics', () => client.lastPublished(uris[0]!)?.diagnostics.some((d) => d.code === 'RH101'), 30_000);
      assert.equal(client.hasExited, false);
    } finally {
      await client.stop();
    }
  });

  it('incrementalParsing: false re-parses from scratch and reports the same', async () => {
    const ws = tempWorkspace();
    const { client } = await TestClient.start({ workspaceFolders: [ws], initializationOptions: { debounceMs: 0, incrementalParsing: false } });
    try {
      const uri = fileUri(path.join(ws, 'src', 'full.py'));
      await client.open(uri, EXIT_HACK);
      assert.ok((await client.diagnosticsAt(uri, 1)).diagnostics.some((d) => d.code === 'RH101'));
      const v2 = await client.change(uri, [{ range: { start: { line: EXIT_LINE, character: 8 }, end: { line: EXIT_LINE, character: 19 } }, text: 'return None' }]);
      assert.deepEqual((await client.diagnosticsAt(uri, v2)).diagnostics, []);
      const v3 = await client.change(uri, [{ range: { start: { line: EXIT_LINE, character: 8 }, end: { line: EXIT_LINE, character: 19 } }, text: 'sys.exit(0)' }]);
      assert.ok((await client.diagnosticsAt(uri, v3)).diagnostics.some((d) => d.code === 'RH101'));
      const trees = await client.request<{ incremental: string; fresh: string }>('rewardHack/debugSyntaxTree', { uri });
      assert.equal(trees.incremental, trees.fresh);
    } finally {
      await client.stop();
    }
  });
});

describe('restarting a crashed server (client policy)', () => {
  // The policy has no vscode import, so it runs here; loaded by path, as the client is its own project.
  type Policy = { onCrash(): { restart: boolean; notify: boolean } };
  const { RestartPolicy } = require(path.join(ROOT, 'client', 'src', 'restart.ts')) as {
    RestartPolicy: new (max?: number, windowMs?: number, now?: () => number) => Policy;
  };

  it('restarts a bounded number of times within the window and notifies once', () => {
    let now = 0;
    const policy = new RestartPolicy(3, 60_000, () => now);
    const decisions = [0, 1, 2, 3].map(() => {
      now += 1_000;
      return policy.onCrash();
    });
    assert.deepEqual(decisions, [
      { restart: true, notify: true },
      { restart: true, notify: false },
      { restart: true, notify: false },
      { restart: false, notify: true },
    ]);
  });

  it('crashes far apart keep being restarted, without another notification', () => {
    let now = 0;
    const policy = new RestartPolicy(2, 60_000, () => now);
    for (let i = 0; i < 10; i++) {
      now += 120_000;
      assert.deepEqual(policy.onCrash(), { restart: true, notify: i === 0 });
    }
  });
});
