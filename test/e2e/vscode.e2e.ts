/**
 * End-to-end: the packaged VSIX in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven by
 * Playwright in Debian's Chromium. Run with `npm run test:e2e` (setup + package + this suite), or
 * `node --import tsx --test test/e2e/*.e2e.ts` once a VSIX exists. Screenshots and logs land in
 * test-results/e2e/. Steps run in order on one editor session; a failed step skips the rest.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  ROOT,
  RESULTS,
  SQUIGGLES,
  activeEditor,
  EXTENSION_ID,
  ensureSetup,
  extensionReport,
  findVsix,
  log,
  notifications,
  openFile,
  problemRows,
  problemsText,
  runCommand,
  screenshot,
  start,
  waitFor,
  type Session,
} from './harness';

/** The seed hacks in test/e2e/workspace and the text on the line each finding starts at. */
const HACK_FILES = [
  { file: 'solution.py', code: 'RH101', line: 'sys.exit(0)' },
  { file: 'models.py', code: 'RH201', line: 'return True' },
  { file: 'conftest.py', code: 'RH301', line: 'report.outcome = "passed"' },
] as const;

// Hard upper bound for the whole file, whatever hangs: kill everything and fail.
const WATCHDOG_MS = Number(process.env.RHD_E2E_WATCHDOG_MS ?? 7 * 60_000);

let session: Session | undefined;
let broken: string | undefined; // set when a step fails: later steps depend on the editor's state
let shot = 0;

/** Wraps a step: skips it after an earlier failure, screenshots the page on success and on failure. */
function step(name: string, fn: (s: Session) => Promise<void>, timeoutMs = 60_000) {
  it(name, { timeout: timeoutMs + 15_000 }, async (t: TestContext) => {
    if (broken) {
      t.skip(`skipped: an earlier step failed (${broken})`);
      return;
    }
    assert.ok(session, 'no editor session');
    const s = session;
    const label = `${String(++shot).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`;
    let timer: NodeJS.Timeout | undefined;
    try {
      const run = fn(s);
      run.catch(() => {}); // if the timeout wins, the step's own later rejection is not unhandled
      await Promise.race([
        run,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`step timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      await screenshot(s.page, label);
    } catch (e) {
      broken = name;
      await screenshot(s.page, `${label}-FAILED`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  });
}

function lineOf(file: string, needle: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i;
}

/**
 * Copies `file` to images/screenshot.png (referenced by the README) when RHD_E2E_UPDATE_SCREENSHOT is
 * set, or when that file is missing and the VSIX is the product's own (not RHD_E2E_VSIX).
 */
function updateReadmeScreenshot(file: string): void {
  const dest = path.join(ROOT, 'images', 'screenshot.png');
  if (!process.env.RHD_E2E_UPDATE_SCREENSHOT && (process.env.RHD_E2E_VSIX || fs.existsSync(dest))) return;
  const size = fs.statSync(file).size;
  assert.ok(size < 300_000, `screenshot too large for the README (${size} bytes)`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(file, dest);
  log(`updated images/screenshot.png (${size} bytes)`);
}

/** Why the extension may not be working: its log lines, its output channel and the visible notifications. */
async function diagnosis(s: Session): Promise<string> {
  const toasts = await notifications(s.page);
  return `${toasts.length ? `notifications: ${toasts.join(' | ')}\n` : ''}${extensionReport(s.userDataDir).summary}`;
}

/** Waits until the Problems panel satisfies `ok`, failing fast when the extension reports a failure. */
async function waitForProblems(s: Session, what: string, ok: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  let text = '';
  try {
    await waitFor(
      what,
      async () => {
        if (ok((text = await problemsText(s.page)))) return true;
        const { failure } = extensionReport(s.userDataDir);
        if (failure) throw Object.assign(new Error(`the extension failed:\n${failure}`), { fatal: true });
        return false;
      },
      timeoutMs,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\nProblems panel: ${text}\n${await diagnosis(s)}`);
  }
  return text;
}

describe('Reward Hack Detector in code-server', { timeout: WATCHDOG_MS }, () => {
  const watchdog = setTimeout(() => {
    log(`watchdog: ${WATCHDOG_MS} ms elapsed, killing code-server and chromium`);
    void (session?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();

  before(async () => {
    fs.rmSync(RESULTS, { recursive: true, force: true });
    fs.mkdirSync(RESULTS, { recursive: true });
    const t0 = Date.now();
    const codeServer = ensureSetup();
    log(`setup ok in ${Date.now() - t0} ms`);
    session = await start({ vsix: findVsix(), codeServer });
  });

  after(async () => {
    clearTimeout(watchdog);
    if (!session) return;
    await session.stop();
    const dest = session.collectLogs();
    const consoleLog = path.join(session.state, 'browser-console.log');
    if (fs.existsSync(consoleLog)) fs.copyFileSync(consoleLog, path.join(dest, 'browser-console.log'));
    if (!process.env.RHD_E2E_KEEP) fs.rmSync(session.state, { recursive: true, force: true });
    else log(`state kept in ${session.state}`);
    log(`screenshots and logs in ${path.relative(ROOT, RESULTS)}/`);
  });

  step('workbench opens the workspace', async ({ page }) => {
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 45_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'solution.py' }).waitFor({ state: 'visible', timeout: 30_000 });
  });

  step('the extension activates on a Python file', async (s) => {
    await openFile(s.page, HACK_FILES[0].file);
    let seen = 0;
    await waitFor(
      `activation of ${EXTENSION_ID} in the extension host log`,
      () => {
        const r = extensionReport(s.userDataDir);
        if (r.failure) throw Object.assign(new Error(`activation failed:\n${r.failure}\n${r.summary}`), { fatal: true });
        if (r.summary.includes('_doActivateExtension')) seen ||= Date.now();
        // Activation is logged when it starts: give activate() a moment to fail before calling it good.
        return seen > 0 && Date.now() - seen > 2_000;
      },
      30_000,
    );
  });

  step('Problems panel lists the findings with their rule codes', async (s) => {
    for (const h of HACK_FILES) await openFile(s.page, h.file);
    const text = await waitForProblems(
      s,
      'RH101, RH201 and RH301 in the Problems panel',
      (t) => HACK_FILES.every((h) => t.includes(h.code)),
      45_000,
    );
    const rows = await problemRows(s.page);
    for (const h of HACK_FILES) {
      assert.ok(rows.some((r) => r.includes(h.file)), `no ${h.file} group in the Problems panel: ${text}`);
      const row = rows.find((r) => r.includes(h.code) && /reward-hack/.test(r));
      assert.ok(row, `no reward-hack(${h.code}) row: ${rows.join(' | ')}`);
      // Positions survive the LSP round trip (0-based there, 1-based in the panel).
      const line = lineOf(path.join(s.workspace, h.file), h.line) + 1;
      assert.match(row, new RegExp(`\\[Ln ${line}, Col \\d+\\]`), `${h.code} is not on line ${line} of ${h.file}: ${row}`);
    }
    log(`Problems panel: ${rows.join(' | ')}`);
  });

  step('squiggles mark the flagged ranges', async (s) => {
    for (const h of [...HACK_FILES].reverse()) {
      await openFile(s.page, h.file);
      // The seed hacks are errors in these roles (code under test, test infrastructure).
      const n = await waitFor(`error squiggles in ${h.file}`, async () => activeEditor(s.page).locator('.squiggly-error').count());
      assert.ok(n >= 1, `no error squiggle in ${h.file}`);
    }
  });

  step('hover on the flagged range explains the rule', async ({ page }) => {
    await openFile(page, 'solution.py');
    const squiggle = activeEditor(page).locator(SQUIGGLES).first();
    const box = await squiggle.boundingBox();
    assert.ok(box, 'squiggle has no box');
    const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
    const text = await waitFor(
      'the hover with RH101',
      async () => {
        // Move off and back onto the squiggle so the hover is requested again.
        await page.mouse.move(box.x + box.width / 2, box.y - 60);
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 6, { steps: 3 });
        await hover.waitFor({ state: 'visible', timeout: 3_000 });
        const t = (await hover.innerText()).replace(/\s+/g, ' ');
        return t.includes('RH101') ? t : '';
      },
      20_000,
      500,
    );
    log(`hover: ${text.slice(0, 300)}...`);
    // Beyond the diagnostic itself (which VS Code shows in the hover too), the server's hover part
    // explains the rule: a markdown hover part that is not the marker part.
    const parts = (await page.locator('.monaco-editor .monaco-hover:not(.hidden) .hover-row:not(.status-bar)').allInnerTexts()).map((p) =>
      p.replace(/\s+/g, ' ').trim(),
    );
    const explanation = parts.filter((p) => !/reward-hack\s*\(RH101\)/.test(p)).join(' ');
    const hoverShot = await screenshot(page, `${String(shot).padStart(2, '0')}-hover-open`);
    // The rule's code and its stable name, then its documentation (more than a one-line message).
    assert.match(explanation, /RH101/, `no RH101 hover part besides the diagnostic; parts: ${JSON.stringify(parts)}`);
    assert.match(explanation, /forced-success-exit/, `the hover does not name the rule; parts: ${JSON.stringify(parts)}`);
    assert.ok(explanation.length > 80, `the rule explanation is suspiciously short: ${explanation}`);
    // Squiggle, hover and Problems panel in one picture: the README's screenshot.
    updateReadmeScreenshot(hoverShot);
    await page.keyboard.press('Escape');
  });

  step('a quick fix from the light bulb suppresses RH101 on the line', async (s) => {
    const { page } = s;
    const file = path.join(s.workspace, 'solution.py');
    const line = lineOf(file, 'sys.exit(0)');
    // Put the cursor inside the flagged range: click on the squiggle.
    const squiggle = activeEditor(page).locator('.squiggly-error, .squiggly-warning').first();
    const box = await squiggle.boundingBox();
    assert.ok(box, 'squiggle has no box');
    await page.mouse.click(box.x + Math.min(8, box.width / 2), box.y + box.height / 2 - 6);
    await page.mouse.move(box.x + box.width / 2, box.y + 200); // away, so no hover covers the bulb
    const bulb = activeEditor(page).locator('.lightBulbWidget');
    const menu = page.locator('.action-widget');
    try {
      await bulb.waitFor({ state: 'visible', timeout: 8_000 });
      await bulb.click();
      await menu.waitFor({ state: 'visible', timeout: 5_000 });
    } catch (e) {
      log(`light bulb not clickable (${String(e).split('\n')[0]}); using Ctrl+. (same menu)`);
      await page.keyboard.press('Control+.');
      await menu.waitFor({ state: 'visible', timeout: 8_000 });
    }
    await screenshot(page, `${String(shot).padStart(2, '0')}-code-actions-menu`);
    const items = (await menu.locator('.monaco-list-row').allInnerTexts()).map((t) => t.trim());
    log(`code actions: ${items.join(' | ')}`);
    const wanted = /Suppress RH101 on this line/;
    assert.ok(items.some((t) => wanted.test(t)), `no "Suppress RH101 on this line" action; got: ${items.join(' | ')}`);
    // Keyboard, not a click: the menu puts a pointer-blocking layer over itself until the mouse moves.
    for (let i = 0; ; i++) {
      const focused = (await menu.locator('.monaco-list-row.focused').first().getAttribute('aria-label').catch(() => null)) ?? '';
      if (wanted.test(focused)) break;
      assert.ok(i <= items.length + 1, `could not focus the suppress action (focused: ${focused})`);
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+S');
    const text = await waitFor(
      'solution.py saved with the suppression comment',
      () => {
        const t = fs.readFileSync(file, 'utf8');
        return /#\s*reward-hack:\s*ignore\[RH101\]/.test(t) ? t : '';
      },
      10_000,
    );
    const lines = text.split('\n');
    const at = lines.findIndex((l) => /reward-hack:\s*ignore\[RH101\]/.test(l));
    // On the flagged line itself or alone on the line above it (both silence the finding).
    assert.ok(
      (at === line && lines[at].includes('sys.exit(0)')) || (at === line && /^\s*#/.test(lines[at]) && lines[at + 1].includes('sys.exit(0)')),
      `suppression comment on an unexpected line ${at + 1} (flagged line ${line + 1}):\n${text}`,
    );
    assert.match(lines[at], /--/, 'the suppression comment has no "-- reason" placeholder');
    // The rest of the file is unchanged.
    const original = fs.readFileSync(path.join(__dirname, 'workspace', 'solution.py'), 'utf8').split('\n');
    const withoutComment = lines.filter((l) => !/^\s*#\s*reward-hack:/.test(l)).map((l) => l.replace(/\s*#\s*reward-hack:.*$/, ''));
    assert.deepEqual(withoutComment, original, 'the quick fix changed more than the suppression comment');
    await waitForProblems(s, 'RH101 to leave the Problems panel', (t) => !t.includes('RH101') && t.includes('RH201'));
  });

  step('turning RH201 off in settings removes its findings', async (s) => {
    const settingsDir = path.join(s.workspace, '.vscode');
    fs.mkdirSync(settingsDir, { recursive: true });
    fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ 'rewardHack.rules': { RH201: 'off' } }, null, 2));
    const text = await waitForProblems(s, 'RH201 to leave the Problems panel', (t) => !t.includes('RH201'), 30_000);
    assert.ok(text.includes('RH301'), `RH301 disappeared too: ${text}`);
    await openFile(s.page, 'models.py');
    await waitFor('no squiggle left in models.py', async () => (await activeEditor(s.page).locator(SQUIGGLES).count()) === 0, 10_000);
  });

  step('Review Changes reports what the session changed, not the hacks already committed', async (s) => {
    const { page } = s;
    // The workspace was committed as the suite started; since then the quick fix added a suppression
    // comment to solution.py. A review against HEAD must report that suppression (RH901) and leave the
    // unchanged hacks (RH301 in conftest.py) out.
    await runCommand(page, 'Reward Hack: Review Changes');
    const head = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'HEAD' }).first();
    await head.waitFor({ state: 'visible', timeout: 15_000 });
    await head.click();
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Reward Hack Review' }) });
    const rows = await waitFor(
      'RH901 in the Reward Hack Review view',
      async () => {
        const texts = (await pane.locator('.monaco-list-row').allInnerTexts().catch(() => [] as string[])).map((t) => t.replace(/\s+/g, ' ').trim());
        return texts.some((t) => t.includes('RH901')) ? texts : null;
      },
      30_000,
    ).catch(async (e: Error): Promise<never> => {
      throw new Error(`${e.message}\n${await diagnosis(s)}`);
    });
    assert.ok(rows);
    log(`review view: ${rows.join(' | ')}`);
    assert.ok(rows.some((r) => r.includes('solution.py')), `no solution.py row in the review view: ${rows.join(' | ')}`);
    const line = lineOf(path.join(s.workspace, 'solution.py'), 'reward-hack: ignore[RH101]') + 1;
    assert.ok(rows.some((r) => r.includes('RH901') && r.includes(`line ${line}`)), `RH901 is not on line ${line}: ${rows.join(' | ')}`);
    assert.ok(!rows.some((r) => r.includes('RH301') || r.includes('conftest.py')), `the review reports unchanged code: ${rows.join(' | ')}`);
  });
});
