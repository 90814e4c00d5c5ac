/**
 * Harness for the end-to-end tests: code-server (VS Code 1.100 served to a browser, Node extension host)
 * with the packaged VSIX installed offline, driven by Playwright in Debian's Chromium. Everything runs on
 * loopback, inside a throw-away state folder, with bounded timeouts; `stop()` kills code-server's whole
 * process group and the browser even when a test failed. See test/e2e/README.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
export const RESULTS = path.join(ROOT, 'test-results', 'e2e');
export const FIXTURE_WORKSPACE = path.join(__dirname, 'workspace');
export const CHROMIUM = process.env.RHD_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const EXTENSION_ID = 'reward-hack-detector.reward-hack-detector';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--password-store=basic',
];

/** User settings that keep dialogs, tours and notifications from stealing the keyboard. */
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.autoSave': 'off',
  'editor.hover.delay': 300,
  'editor.lightbulb.enabled': 'on',
  'editor.minimap.enabled': false,
  'window.zoomLevel': 0,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

export function log(msg: string): void {
  process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/**
 * Polls `fn` until it returns a truthy value; throws with `what` and the last value after `timeoutMs`.
 * Errors thrown by `fn` are retried, except those with `fatal: true`, which end the wait at once.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 20_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as T;
    } catch (e) {
      if ((e as { fatal?: boolean }).fatal) throw e;
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${String(lastError).split('\n')[0]})` : ` (last value: ${JSON.stringify(last)?.slice(0, 500)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Makes the workspace copy a git repository with everything committed, so that "Review Changes" has a
 * base: what the steps then change (a suppression comment, a settings file) is the change under review.
 */
function commitWorkspace(workspace: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
      cwd: workspace,
      stdio: 'pipe',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'the workspace as the suite starts');
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** The VSIX to test: RHD_E2E_VSIX, else reward-hack-detector-<version>.vsix at the repo root. */
export function findVsix(): string {
  if (process.env.RHD_E2E_VSIX) return path.resolve(process.env.RHD_E2E_VSIX);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
}

export interface Session {
  page: Page;
  context: BrowserContext;
  /** Copy of test/e2e/workspace that the tests may edit. */
  workspace: string;
  userDataDir: string;
  state: string;
  codeServerLog: string;
  stop(): Promise<void>;
  /** Copies code-server's and the extension host's logs into test-results/e2e/logs/. */
  collectLogs(): string;
}

/**
 * Runs a command in its own process group and ends the whole group when the command exits or when the
 * watched process (this test process) is gone, even if that one was killed with SIGKILL and could not
 * clean up. Arguments: the pid to watch, then the command.
 */
const GUARD = `
watch="$1"; shift
"$@" & child=$!
trap '' TERM
while kill -0 "$watch" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
kill -TERM -- -$$ 2>/dev/null
for _ in 1 2 3 4 5; do kill -0 "$child" 2>/dev/null || break; sleep 1; done
kill -KILL -- -$$ 2>/dev/null
`;

let liveServer: ChildProcess | undefined;

function killServerGroup(signal: NodeJS.Signals): void {
  const pid = liveServer?.pid;
  if (!pid || liveServer?.exitCode !== null || liveServer?.signalCode !== null) return;
  try {
    process.kill(-pid, signal); // the whole process group: server, extension host, language server
  } catch {
    /* already gone */
  }
}

// Last-chance cleanup if the runner dies or is interrupted.
process.on('exit', () => killServerGroup('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killServerGroup('SIGKILL');
    process.exit(130);
  });
}

/** Runs test/e2e/setup.sh (fast when cached) and returns the code-server binary. */
export function ensureSetup(): string {
  const out = execFileSync('bash', [path.join(__dirname, 'setup.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 480_000,
  });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(bin)) throw new Error(`setup.sh did not print the code-server binary (got ${JSON.stringify(out)})`);
  return bin;
}

export async function start(opts: { vsix: string; codeServer: string }): Promise<Session> {
  if (!fs.existsSync(opts.vsix)) {
    throw new Error(`VSIX not found: ${opts.vsix}. Run \`npm run package\` first (npm run test:e2e does), or set RHD_E2E_VSIX.`);
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  // State outside the repo: paths under the checkout contain `test/`, which the detector's default
  // test-file globs would match, turning code under test into tests.
  for (const old of fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('rhd-e2e-'))) {
    // Left behind by a run that was killed: remove once stale (never a concurrent run's).
    const dir = path.join(os.tmpdir(), old);
    if (Date.now() - fs.statSync(dir).mtimeMs > 3 * 3600_000) fs.rmSync(dir, { recursive: true, force: true });
  }
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-e2e-'));
  const home = path.join(state, 'home');
  const userDataDir = path.join(state, 'user-data');
  const extensionsDir = path.join(state, 'extensions');
  const workspace = path.join(state, 'workspace');
  const profile = path.join(state, 'chromium-profile');
  for (const d of [home, userDataDir, extensionsDir, profile]) fs.mkdirSync(d, { recursive: true });
  copyDir(FIXTURE_WORKSPACE, workspace);
  commitWorkspace(workspace);
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: state,
    // Never let the editor or an extension reach out: everything is loopback.
    NO_PROXY: '*',
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  log(`installing ${path.basename(opts.vsix)} into code-server (offline)`);
  const installOut = execFileSync(opts.codeServer, ['--install-extension', opts.vsix, ...common], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const installed = fs.readdirSync(extensionsDir).filter((d) => d.toLowerCase().startsWith(EXTENSION_ID));
  if (installed.length === 0) throw new Error(`--install-extension did not install ${EXTENSION_ID}:\n${installOut}`);
  log(`installed ${installed.join(', ')}`);

  const port = await freePort();
  const codeServerLog = path.join(state, 'code-server.log');
  const logFd = fs.openSync(codeServerLog, 'a');
  const server = spawn(
    'bash',
    [
      '-c',
      GUARD,
      'rhd-e2e-guard',
      String(process.pid),
      opts.codeServer,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--log',
      'debug',
      ...common,
      workspace,
    ],
    { env, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  liveServer = server;
  log(`code-server pid ${server.pid} on 127.0.0.1:${port}`);

  let context: BrowserContext | undefined;
  const stop = async () => {
    if (context) {
      const c = context;
      context = undefined;
      await Promise.race([c.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      killServerGroup('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      killServerGroup('SIGKILL');
    }
    liveServer = undefined;
  };
  const collectLogs = () => {
    const dest = path.join(RESULTS, 'logs');
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(dest, { recursive: true });
    if (fs.existsSync(codeServerLog)) fs.copyFileSync(codeServerLog, path.join(dest, 'code-server.log'));
    const logs = path.join(userDataDir, 'logs');
    if (fs.existsSync(logs)) copyDir(logs, path.join(dest, 'user-data-logs'));
    return dest;
  };

  try {
    await waitFor(
      'code-server /healthz',
      async () => {
        if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}: ${fs.readFileSync(codeServerLog, 'utf8').slice(-2000)}`);
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
        return res.ok;
      },
      30_000,
    );

    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache') },
    });
    context.setDefaultTimeout(15_000);
    // Only loopback: fail any request that would leave the machine.
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/, (route) => route.abort());
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleLog = path.join(state, 'browser-console.log');
    page.on('console', (m) => fs.appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => fs.appendFileSync(consoleLog, `[pageerror] ${e.message}\n`));
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    return { page, context, workspace, userDataDir, state, codeServerLog, stop, collectLogs };
  } catch (e) {
    await stop();
    throw e;
  }
}

// ------------------------------------------------------------------------------------ workbench helpers

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, timeout: 10_000 }).catch((e) => log(`screenshot ${name} failed: ${e}`));
  return file;
}

/** Quick Open (Ctrl+P) a file by name and wait until its editor tab is active. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  // Wait for the filtered list: until then the focused row is a recently opened file.
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ state: 'visible' });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
}

/** Runs a command from the command palette (F1) by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: title }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** Text of the Problems panel (opened with Ctrl+Shift+M when not visible). */
export async function problemsText(page: Page): Promise<string> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible' });
  }
  return (await panel.innerText()).replace(/\s+/g, ' ');
}

/** Rows of the Problems panel, one string per row (files and markers). */
export async function problemRows(page: Page): Promise<string[]> {
  await problemsText(page);
  return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

export const SQUIGGLES = '.squiggly-error, .squiggly-warning, .squiggly-info, .squiggly-hint';

/** The active editor (the one whose group is active). */
export function activeEditor(page: Page) {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

// ---------------------------------------------------------------------------------- failure diagnosis

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

/**
 * What the logs say about our extension: the extension host's lines about it (activation, errors) and
 * its output channels (the language client logs server start, crashes and traces there).
 * `failure` is set when activation failed or the client reported an error or a crash.
 */
export function extensionReport(userDataDir: string): { failure?: string; summary: string } {
  const files = walk(path.join(userDataDir, 'logs'));
  const parts: string[] = [];
  let failure: string | undefined;
  for (const f of files.filter((f) => /exthost\.log$/.test(f))) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    const picked = new Set<number>();
    lines.forEach((l, i) => {
      if (l.includes(EXTENSION_ID)) {
        picked.add(i);
        if (/failed/.test(l)) {
          // The error and its stack follow on the next lines.
          const err: number[] = [];
          for (let j = i + 1; j < Math.min(lines.length, i + 12); j++) {
            if (!/^\d{4}-\d\d-\d\d .*\[(info|debug|trace)\]/.test(lines[j])) err.push(j);
          }
          err.forEach((j) => picked.add(j));
          failure ??= [i, ...err].map((j) => lines[j]).join('\n');
        }
      } else if (/\[error\]/.test(l) && /reward|rewardHack|languageclient|server\.js|client\.js/i.test(l)) {
        picked.add(i);
      }
    });
    if (picked.size) parts.push(`--- ${path.relative(userDataDir, f)} (our lines)\n${[...picked].sort((a, b) => a - b).map((i) => lines[i]).join('\n')}`);
  }
  for (const f of files.filter((f) => /output_logging/.test(f) && /reward|hack/i.test(path.basename(f)))) {
    const text = fs.readFileSync(f, 'utf8');
    const bad = text.split('\n').filter((l) => /\[Error|crashed|Cannot find module|ENOENT|Couldn't start|failed/i.test(l));
    if (bad.length) failure ??= `${path.basename(f)}: ${bad.slice(0, 8).join('\n')}`;
    parts.push(`--- ${path.relative(userDataDir, f)} (last 40 lines)\n${text.split('\n').slice(-40).join('\n')}`);
  }
  if (!parts.length) parts.push(`(no log mentions ${EXTENSION_ID}: was it activated? is there a Python file open?)`);
  return { failure, summary: parts.join('\n') };
}

/** Texts of the notification toasts and the notification center (errors such as "Couldn't start client"). */
export async function notifications(page: Page): Promise<string[]> {
  return (await page.locator('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message').allInnerTexts().catch(() => [] as string[]))
    .map((t) => t.trim())
    .filter(Boolean);
}
