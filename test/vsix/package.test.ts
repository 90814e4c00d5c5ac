/**
 * The VSIX as `npm run package` makes it (vsce 3, --no-dependencies): the bundles and grammar files
 * inside, no node_modules, the documents the marketplace page and the offline install need, under 2 MB.
 * Packs into a temporary folder from the current dist/ (npm test builds first).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TEST_GLOBS } from '../../server/src/engine';
import { DEFAULT_EXCLUDE } from '../../server/src/lsp/settings';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** File names in a zip archive, from its central directory (no unzip tool needed). */
function zipEntries(file: string): string[] {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip archive');
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(offset), 0x02014b50, 'bad central directory entry');
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    names.push(buf.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('VSIX', { timeout: 120_000 }, () => {
  it('packs the extension with its server, grammar files, docs and icon, under 2 MB', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-vsix-')), `${manifest.name}-${manifest.version}.vsix`);
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', out], {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 100_000,
      });
      const size = fs.statSync(out).size;
      assert.ok(size < 2 * 1024 * 1024, `the VSIX is ${size} bytes`);
      const entries = zipEntries(out);
      for (const required of [
        'extension/package.json',
        'extension/dist/client.js',
        'extension/dist/server.js',
        'extension/dist/web-tree-sitter.wasm',
        'extension/dist/tree-sitter-python.wasm',
        'extension/syntaxes/reward-hack-suppression.injection.json',
        'extension/images/icon.png',
        'extension/readme.md',
        'extension/changelog.md',
        'extension/LICENSE.txt',
      ]) {
        assert.ok(entries.includes(required), `${required} missing from the VSIX: ${entries.join(', ')}`);
      }
      for (const code of fs.existsSync(path.join(ROOT, 'docs', 'rules')) ? fs.readdirSync(path.join(ROOT, 'docs', 'rules')) : []) {
        if (code.endsWith('.md')) assert.ok(entries.includes(`extension/docs/rules/${code}`), `docs/rules/${code} missing`);
      }
      const unwanted = entries.filter((e) => /node_modules|\.map$|\.ts$|^extension\/(shared|server|client|test|scripts|corpus|out)\//.test(e));
      assert.deepEqual(unwanted, []);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });

  it('the manifest matches what the client and the server expect', () => {
    assert.equal(manifest.main, './dist/client.js');
    assert.equal(manifest.engines.vscode, '^1.91.0');
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited', 'only Review Changes (git) needs trust');
    assert.ok(manifest.activationEvents.includes('onLanguage:python'));
    const properties = manifest.contributes.configuration.properties;
    for (const key of ['rewardHack.enable', 'rewardHack.rules', 'rewardHack.testFiles', 'rewardHack.exclude', 'rewardHack.run', 'rewardHack.trace.server']) {
      assert.ok(properties[key]?.markdownDescription, `${key} has no markdownDescription`);
    }
    assert.deepEqual(properties['rewardHack.run'].enum, ['onType', 'onSave']);
    // The defaults VS Code shows are the ones the server uses when a setting is missing.
    assert.deepEqual(properties['rewardHack.testFiles'].default, DEFAULT_TEST_GLOBS);
    assert.deepEqual(properties['rewardHack.exclude'].default, DEFAULT_EXCLUDE);
    assert.deepEqual(properties['rewardHack.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.deepEqual(properties['rewardHack.rules'].additionalProperties.enum, ['off', 'hint', 'info', 'warning', 'error']);
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(commands, [
      'rewardHack.refreshReview',
      'rewardHack.restartServer',
      'rewardHack.reviewChanges',
      'rewardHack.reviewPatch',
      'rewardHack.scanWorkspace',
      'rewardHack.showOutput',
      'rewardHack.showRuleDocumentation',
      'rewardHack.stopReview',
    ]);
    // Every contributed command is registered by the client.
    const client = fs.readFileSync(path.join(ROOT, 'client', 'src', 'extension.ts'), 'utf8');
    for (const c of commands) assert.ok(client.includes(`'${c}'`), `${c} is not registered in client/src/extension.ts`);
  });
});
