/**
 * Commands a project declares in its pyproject.toml (`[project.scripts]`, `[project.gui-scripts]`, Poetry's
 * `[tool.poetry.scripts]`): their functions are a program's entry points, so a command's exit 0 is not a
 * forced success. Read from disk by the CLI, through the same resolver the language server uses.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { entryPointNames, moduleNames, scriptTargets } from '../../server/src/host/scripts';
import { makeTree, runCli } from '../support/cli';

const SYNC = ['import sys', '', 'from mirror.remote import changed_files, upload', '', '', 'def sync_all():', '    files = changed_files()', '    if not files:', '        sys.exit(0)', '    for f in files:', '        upload(f)', ''].join('\n');

function scan(files: Record<string, string>): { rule: string; severity: string; line: number }[] {
  const dir = makeTree(files);
  try {
    const r = runCli(['scan', '.', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).findings.map((f: { rule: string; severity: string; line: number }) => ({ rule: f.rule, severity: f.severity, line: f.line }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('commands declared in pyproject.toml', () => {
  it('reads the targets of [project.scripts], [project.gui-scripts] and [tool.poetry.scripts], and nothing from a broken file', () => {
    const text = [
      '[project]', 'name = "mirror"', '', '[project.scripts]', 'mirror-sync = "mirror.sync:sync_all"', '', '[project.gui-scripts]', 'mirror-ui = "mirror.ui:App.run"',
      '', '[tool.poetry.scripts]', 'mirror-admin = "mirror.admin:main"', 'mirror-old = { callable = "mirror.old:entry" }', 'bad = 3',
    ].join('\n');
    assert.deepEqual(scriptTargets(text), ['mirror.sync:sync_all', 'mirror.ui:App.run', 'mirror.admin:main', 'mirror.old:entry']);
    assert.deepEqual(scriptTargets('[project\nname ='), []);
    assert.deepEqual(moduleNames('src/mirror/sync.py'), ['src.mirror.sync', 'mirror.sync']);
    assert.deepEqual(moduleNames('mirror/__init__.py'), ['mirror']);
    assert.deepEqual(entryPointNames(['mirror.sync:sync_all', 'mirror.ui:App.run', 'other.sync:x'], 'src/mirror/sync.py'), ['sync_all']);
    assert.deepEqual(entryPointNames(['mirror.ui:App.run'], 'mirror/ui.py'), ['App']);
  });

  it('treats a declared command as an entry point, and the same function undeclared as code under test', () => {
    const undeclared = scan({ 'src/mirror/sync.py': SYNC, 'pyproject.toml': '[project]\nname = "mirror"\n' });
    assert.deepEqual(undeclared, [{ rule: 'RH101', severity: 'error', line: 9 }]);
    const declared = scan({ 'src/mirror/sync.py': SYNC, 'pyproject.toml': '[project]\nname = "mirror"\n\n[project.scripts]\nmirror-sync = "mirror.sync:sync_all"\n' });
    assert.deepEqual(declared.filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
    // Another module's command does not make this function one.
    const elsewhere = scan({ 'src/mirror/sync.py': SYNC, 'pyproject.toml': '[project.scripts]\nmirror-sync = "mirror.cli:sync_all"\n' });
    assert.deepEqual(elsewhere, [{ rule: 'RH101', severity: 'error', line: 9 }]);
  });
});
