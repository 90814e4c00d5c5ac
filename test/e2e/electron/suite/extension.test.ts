/**
 * The extension in a real VS Code: activation, diagnostics in the Problems collection, hover, quick
 * fixes applied through the editor, settings changes, and the commands. The workspace is a copy of
 * test/e2e/workspace (solution.py → RH101, models.py → RH201, conftest.py → RH301).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'reward-hack-detector.reward-hack-detector';
const SOURCE = 'reward-hack';

interface Api {
  ready: Promise<void>;
}

function workspaceFile(name: string): vscode.Uri {
  const root = process.env.RHD_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'no test workspace');
  return vscode.Uri.file(path.join(root, name));
}

function codeOf(d: vscode.Diagnostic): string {
  const code = d.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

function findings(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && (code === undefined || codeOf(d) === code));
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function open(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc);
}

export const tests: { name: string; run: () => Promise<void> }[] = [
  {
    name: 'the extension activates and its server starts',
    run: async () => {
      const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not installed`);
      await open('solution.py');
      const api = await extension.activate();
      await api.ready;
    },
  },
  {
    name: 'commands are registered',
    run: async () => {
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['rewardHack.scanWorkspace', 'rewardHack.showRuleDocumentation', 'rewardHack.restartServer', 'rewardHack.showOutput']) {
        assert.ok(commands.includes(c), `${c} is missing`);
      }
    },
  },
  {
    name: 'an open file gets its findings with source and code',
    run: async () => {
      const uri = workspaceFile('solution.py');
      const [d] = await until('RH101 in solution.py', () => findings(uri, 'RH101').length > 0 && findings(uri, 'RH101'));
      assert.equal(d!.severity, vscode.DiagnosticSeverity.Error);
      const text = (await vscode.workspace.openTextDocument(uri)).getText(d!.range);
      assert.equal(text, 'sys.exit(0)');
    },
  },
  {
    name: 'hover explains the rule',
    run: async () => {
      const uri = workspaceFile('solution.py');
      const [d] = findings(uri, 'RH101');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, d!.range.start.translate(0, 2));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /RH101 forced-success-exit/);
      assert.match(text, /Instead/);
    },
  },
  {
    name: 'the suppress quick fix silences the finding',
    run: async () => {
      const uri = workspaceFile('solution.py');
      const [d] = findings(uri, 'RH101');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d!.range, vscode.CodeActionKind.QuickFix.value);
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Explain RH101'), titles.join(' | '));
      const suppress = actions.find((a) => a.title === 'Suppress RH101 on this line');
      assert.ok(suppress?.edit, titles.join(' | '));
      assert.ok(await vscode.workspace.applyEdit(suppress.edit));
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.match(doc.lineAt(d!.range.start.line).text, /sys\.exit\(0\)\s+# reward-hack: ignore\[RH101\] -- reason$/);
      await until('RH101 to go away', () => findings(uri, 'RH101').length === 0);
      await doc.save();
    },
  },
  {
    name: 'turning a rule off in the settings removes its findings',
    run: async () => {
      await open('models.py');
      const uri = workspaceFile('models.py');
      await until('RH201 in models.py', () => findings(uri, 'RH201').length > 0);
      const config = vscode.workspace.getConfiguration('rewardHack');
      await config.update('rules', { RH201: 'off' }, vscode.ConfigurationTarget.Workspace);
      try {
        await until('RH201 to go away', () => findings(uri, 'RH201').length === 0);
      } finally {
        await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await until('RH201 to come back', () => findings(uri, 'RH201').length > 0);
    },
  },
  {
    name: 'Scan Workspace reports files that are not open',
    run: async () => {
      const conftest = workspaceFile('conftest.py');
      assert.equal(findings(conftest).length, 0, 'conftest.py has findings before the scan');
      await vscode.commands.executeCommand('rewardHack.scanWorkspace');
      await until('RH301 in conftest.py', () => findings(conftest, 'RH301').length > 0);
    },
  },
  {
    name: 'Restart Server brings the findings back',
    run: async () => {
      await vscode.commands.executeCommand('rewardHack.restartServer');
      const uri = workspaceFile('models.py');
      await until('RH201 after the restart', () => findings(uri, 'RH201').length > 0);
    },
  },
];
