/**
 * Runs the extension tests in a real VS Code downloaded by @vscode/test-electron. This needs a machine
 * that can download VS Code (it cannot run offline); `.ci/run` uses the code-server suite instead.
 *
 *   npm run test:electron            (VSCODE_VERSION=1.91.0 to pin the editor version)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

// Compiled to out/e2e-electron/runTest.js.
const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'e2e', 'workspace');

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'client.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'server.js'))) {
    throw new Error('dist/ is not built: run `npm run build` first');
  }
  // The tests edit files and settings: work on a copy of the fixture project.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-electron-'));
  fs.cpSync(FIXTURE, workspace, { recursive: true });
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-electron-user-'));
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(__dirname, 'suite', 'index'),
      extensionTestsEnv: { RHD_TEST_WORKSPACE: workspace },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', userData],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
