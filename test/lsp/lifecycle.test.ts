/**
 * Starting and stopping the server, the standalone `--stdio` mode other editors use, and input no
 * client should send: the server survives what it can and exits cleanly otherwise, never hangs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import { EXIT_HACK, EXIT_LINE, fileUri, SERVER, TestClient, tempWorkspace, waitForStatus } from './harness';

describe('command line', () => {
  it('prints its version and usage, and refuses to start without a transport', () => {
    const version = spawnSync(process.execPath, [SERVER, '--version'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const help = spawnSync(process.execPath, [SERVER, '--help'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--stdio/);
    const bare = spawnSync(process.execPath, [SERVER], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /usage/);
  });
});

describe('--stdio (standalone, for any LSP client)', { timeout: 60_000 }, () => {
  it('initializes, publishes diagnostics, answers hovers, and exits 0 after shutdown + exit', async () => {
    const ws = tempWorkspace();
    const { client, init } = await TestClient.start({ transport: 'stdio', workspaceFolders: [ws] });
    try {
      assert.equal(init.serverInfo?.name, 'reward-hack-detector');
      assert.equal((init.capabilities.textDocumentSync as { change: number }).change, 2, 'incremental sync');
      assert.ok(init.capabilities.hoverProvider);
      assert.ok(init.capabilities.notebookDocumentSync);
      const uri = fileUri(path.join(ws, 'src', 'solution.py'));
      await client.open(uri, EXIT_HACK);
      const p = await client.diagnosticsAt(uri, 1);
      assert.ok(p.diagnostics.some((d) => d.code === 'RH101'));
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: EXIT_LINE, character: 10 } });
      assert.ok(hover);
      await client.request('shutdown');
      await client.notify('exit');
      assert.equal(await client.waitForExit(), 0);
    } finally {
      await client.stop();
    }
  });

  it('exits with status 1 when its input closes without a shutdown', async () => {
    const client = TestClient.spawn({ transport: 'stdio' });
    try {
      await client.initialize();
      client.child.stdin!.end();
      assert.equal(await client.waitForExit(), 1);
    } finally {
      await client.stop();
    }
  });

  it('skips a message whose body is not JSON and goes on', async () => {
    const client = TestClient.spawn({ transport: 'stdio' });
    try {
      for (const junk of ['{bad json', '[]', 'null', '"text"', '{"jsonrpc":"2.0"}', '{"id":1}']) {
        client.child.stdin!.write(`Content-Length: ${Buffer.byteLength(junk)}\r\n\r\n${junk}`);
      }
      const init = await client.initialize();
      assert.ok(init.capabilities);
    } finally {
      await client.stop();
    }
  });

  it('exits cleanly when the framing is lost (a header without Content-Length)', async () => {
    const client = TestClient.spawn({ transport: 'stdio' });
    try {
      client.child.stdin!.write('this is not a header\r\n\r\n{}');
      assert.equal(await client.waitForExit(), 1);
      assert.match(client.stderr, /unreadable message stream/);
    } finally {
      await client.stop();
    }
  });
});

describe('garbage from a connected client', { timeout: 60_000 }, () => {
  it('survives malformed parameters, unknown documents and unknown methods', async () => {
    const ws = tempWorkspace();
    const { client } = await TestClient.start({ workspaceFolders: [ws] });
    try {
      const uri = fileUri(path.join(ws, 'src', 'after-garbage.py'));
      const notifications: [string, unknown][] = [
        ['textDocument/didOpen', {}],
        ['textDocument/didOpen', null],
        ['textDocument/didOpen', { textDocument: { uri: 42, languageId: 'python', version: 'x', text: { not: 'text' } } }],
        ['textDocument/didChange', { textDocument: { uri: 'file:///nowhere.py', version: 2 }, contentChanges: [{ text: 'x' }] }],
        ['textDocument/didChange', { textDocument: { uri }, contentChanges: 'nope' }],
        ['textDocument/didClose', { textDocument: { uri: 'file:///never-opened.py' } }],
        ['textDocument/didSave', {}],
        ['workspace/didChangeConfiguration', { settings: { rewardHack: 'not an object' } }],
        ['workspace/didChangeConfiguration', null],
        ['notebookDocument/didOpen', { notebookDocument: null }],
        ['notebookDocument/didChange', { notebookDocument: { uri: 'file:///nb.ipynb', version: 2 }, change: { cells: { data: [{}] } } }],
        ['$/cancelRequest', null],
        ['$/setTrace', { value: 'verbose' }],
        ['no/such/notification', { x: 1 }],
      ];
      for (const [method, params] of notifications) await client.notify(method, params);
      const requests: [string, unknown][] = [
        ['textDocument/hover', { textDocument: { uri: 'file:///nowhere.py' }, position: { line: 0, character: 0 } }],
        ['textDocument/hover', {}],
        ['textDocument/codeAction', { textDocument: { uri: 'file:///nowhere.py' } }],
        ['textDocument/codeAction', null],
        ['workspace/executeCommand', { command: 'rewardHack.explainRule', arguments: [null] }],
        ['workspace/executeCommand', { command: 'unknown.command' }],
        ['rewardHack/ruleDocumentation', { rule: 'RH999' }],
        ['rewardHack/analyzeFiles', { uris: [42, null, 'not a uri', 'file:///does/not/exist.py'] }],
        ['rewardHack/analyzeFiles', null],
      ];
      for (const [method, params] of requests) await client.request(method, params).catch(() => undefined);
      await assert.rejects(client.request('no/such/request', {}), /Unhandled method|not found/i);

      // Still working: a real document gets its diagnostics.
      await client.open(uri, EXIT_HACK);
      const p = await client.diagnosticsAt(uri, 1);
      assert.ok(p.diagnostics.some((d) => d.code === 'RH101'));
      assert.equal(client.hasExited, false);
    } finally {
      await client.stop();
    }
  });

  it('reports files it will not analyse (too large, NUL bytes) instead of failing', async () => {
    const ws = tempWorkspace();
    const { client } = await TestClient.start({ workspaceFolders: [ws] });
    try {
      const binary = fileUri(path.join(ws, 'src', 'binary.py'));
      await client.open(binary, 'import sys\n\0\0\0sys.exit(0)\n');
      assert.deepEqual((await client.diagnosticsAt(binary, 1)).diagnostics, []);
      assert.match((await waitForStatus(client, binary, (s) => s.skipped !== undefined)).skipped!, /NUL/);
      const huge = fileUri(path.join(ws, 'src', 'huge.py'));
      await client.open(huge, EXIT_HACK + '#'.repeat(5_100_000));
      assert.deepEqual((await client.diagnosticsAt(huge, 1, 20_000)).diagnostics, []);
      assert.match((await waitForStatus(client, huge, (s) => s.skipped !== undefined)).skipped!, /too large/);
    } finally {
      await client.stop();
    }
  });
});
