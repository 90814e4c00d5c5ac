/**
 * The start-up warm-up (server/src/lsp/warm-up.ts): what it analyses, that it waits while the server is busy and
 * stops when told, and, in the real server, that it publishes nothing and lets documents go first.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { analyze, createParser } from '../../server/src/engine';
import { ALL_RULES } from '../../server/src/rules/registry';
import { startWarmUp, warmUpDocuments } from '../../server/src/lsp/warm-up';
import { ensureParser } from '../support/engine';
import { EXIT_HACK, fileUri, TestClient, tempWorkspace, waitFor } from './harness';

describe('the warm-up sample', () => {
  before(ensureParser);

  it('holds every rule example, in a test file and in a module, and reads as Python the engine analyses', () => {
    const docs = warmUpDocuments(ALL_RULES);
    assert.deepEqual(
      docs.map((d) => d.path),
      ['tests/test_warm_up.py', 'warm_up/module.py'],
    );
    for (const rule of ALL_RULES) {
      for (const d of docs) assert.ok(d.source.includes(rule.meta.docs.example.trimEnd()), `${rule.meta.code}'s example in ${d.path}`);
    }
    for (const d of docs) {
      assert.ok(d.source.split('\n').length >= 1500, `${d.path} is large enough to warm up for large files`);
      const result = analyze(d, ALL_RULES);
      assert.equal(result.syntaxErrors, false, `${d.path} parses without errors`);
      // The examples are hacks: the rules see them, so their code paths are the ones warmed up.
      assert.ok(result.findings.length > ALL_RULES.length / 2, `${d.path}: ${result.findings.length} findings`);
    }
  });
});

describe('startWarmUp', () => {
  let parser: Parser;
  before(async () => {
    await ensureParser();
    parser = createParser();
  });
  after(() => parser.delete());

  it('analyses each sample the given number of rounds, then ends', async () => {
    const errors: unknown[] = [];
    const { analyses, ms } = await startWarmUp(parser, ALL_RULES, () => false, (e) => errors.push(e), 3, 60_000).done;
    assert.deepEqual(errors, []);
    assert.equal(analyses, 6);
    assert.ok(ms > 0);
  });

  it('stops at its time budget', async () => {
    const { analyses } = await startWarmUp(parser, ALL_RULES, () => false, () => undefined, 50, 1).done;
    assert.equal(analyses, 1, 'the first analysis spends the whole budget');
  });

  it('waits while the server is busy and analyses nothing when cancelled meanwhile', async () => {
    let asked = 0;
    const warmUp = startWarmUp(parser, ALL_RULES, () => ++asked > 0, () => undefined, 3, 60_000);
    await waitFor('the warm-up to ask twice whether the server is busy', () => asked >= 2 || undefined);
    warmUp.cancel();
    assert.equal((await warmUp.done).analyses, 0);
  });
});

describe('the warm-up in the server', { timeout: 60_000 }, () => {
  it('runs after start-up, publishes nothing of its own, and lets an open document go first', async () => {
    const ws = tempWorkspace();
    const { client } = await TestClient.start({ workspaceFolders: [ws], initializationOptions: { warmUp: true, debounceMs: 0 } });
    try {
      const uri = fileUri(path.join(ws, 'src', 'solution.py'));
      await client.open(uri, EXIT_HACK);
      const published = await client.diagnosticsAt(uri, 1);
      assert.ok(published.diagnostics.some((d) => d.code === 'RH101'));
      assert.ok(!client.logs.some((m) => /warmed up/.test(m)), 'the document was analysed before the warm-up ended');
      const line = await waitFor('the warm-up to end', () => client.logs.find((m) => /analysis warmed up/.test(m)), 30_000);
      assert.match(line, /^analysis warmed up: \d+ analyses of sample code in \d+ ms$/);
      // Nothing but the document the client opened was published.
      assert.deepEqual([...new Set(client.published.map((p) => p.uri))], [uri]);
      assert.doesNotMatch(client.stderr + client.logs.join('\n'), /warming the analysis up failed/);
    } finally {
      await client.stop();
    }
  });

  it('is off when the client says so', async () => {
    const { client } = await TestClient.start({ initializationOptions: { warmUp: false } });
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!client.logs.some((m) => /warmed up/.test(m)));
    } finally {
      await client.stop();
    }
  });
});
