/**
 * File roles that a project's pytest configuration declares: `python_files = check_*.py` (pytest.ini,
 * `[tool.pytest.ini_options]`, tox.ini's `[pytest]`, setup.cfg's `[tool:pytest]`) makes such files tests, and a
 * `pytest11` entry point (`[project.entry-points.pytest11]`, setup.cfg's `[options.entry_points]`) makes its
 * module a plugin: test infrastructure, where a frozen clock or an always-equal helper is normal. Read from the
 * nearest folder, up from the analysed file, that holds one of those files. The CLI and the language server
 * read them the same way; a file that does not parse declares nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { readPytestConfig } from '../review/pytest-config';
import { readIfExists } from './config';

export interface PytestRoles {
  /** Globs (matched anywhere under the project) of the files pytest collects as tests. */
  testFiles: string[];
  /** Globs of the modules the project registers as pytest plugins. */
  infrastructureFiles: string[];
}

const CONFIG_FILES = ['pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'];

/** What one folder's configuration files declare (pytest's own order of precedence for `python_files`). */
export function pytestRolesIn(files: { name: string; text: string }[]): PytestRoles {
  const roles: PytestRoles = { testFiles: [], infrastructureFiles: [] };
  for (const name of CONFIG_FILES) {
    const text = files.find((f) => f.name === name)?.text;
    if (text === undefined) continue;
    const patterns = readPytestConfig(text, name)?.lists.python_files;
    if (patterns?.length) {
      roles.testFiles = patterns.filter((p) => /^[\w*?.[\]-]+$/.test(p)).map((p) => `**/${p}`);
      break;
    }
  }
  for (const { name, text } of files) {
    for (const module of name === 'pyproject.toml' ? tomlPlugins(text) : name === 'setup.cfg' ? cfgPlugins(text) : []) {
      const rel = module.split('.').join('/');
      roles.infrastructureFiles.push(`**/${rel}.py`, `**/${rel}/__init__.py`);
    }
  }
  return roles;
}

/** `[project.entry-points.pytest11]`: name = "module" (or "module:object"). */
function tomlPlugins(text: string): string[] {
  if (!text.includes('pytest11')) return [];
  try {
    const doc = parseToml(text) as Record<string, unknown>;
    const table = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
    const plugins = table(table(table(doc['project'])?.['entry-points'])?.['pytest11']);
    return Object.values(plugins ?? {}).flatMap((v) => (typeof v === 'string' && /^[\w.]+(:[\w.]+)?$/.test(v.trim()) ? [v.trim().split(':')[0]!] : []));
  } catch {
    return [];
  }
}

/** setup.cfg's `[options.entry_points]` `pytest11 =` lines (`name = module`). */
function cfgPlugins(text: string): string[] {
  const out: string[] = [];
  let inSection = false;
  let inKey = false;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]/.exec(line);
    if (section) {
      inSection = section[1]!.trim() === 'options.entry_points';
      inKey = false;
      continue;
    }
    if (!inSection) continue;
    const key = /^(\S[^=]*?)\s*=\s*(.*)$/.exec(line);
    if (key && !/^\s/.test(line)) {
      inKey = key[1]!.trim() === 'pytest11';
      const value = key[2]!.trim();
      if (inKey && value) out.push(...cfgTargets(value));
      continue;
    }
    if (inKey && /^\s+\S/.test(line)) out.push(...cfgTargets(line.trim()));
  }
  return out;
}

function cfgTargets(entry: string): string[] {
  const m = /^[\w.-]+\s*=\s*([\w.]+)(:[\w.]+)?\s*$/.exec(entry);
  return m ? [m[1]!] : [];
}

/** Finds and caches the pytest roles per folder. */
export class PytestRolesResolver {
  private readonly byDir = new Map<string, PytestRoles | undefined>();

  constructor(private readonly readText: (file: string) => string | undefined = readIfExists) {}

  /** The roles that apply to a file (absolute path), or undefined when no folder above it declares any. */
  forFile(filePath: string): PytestRoles | undefined {
    return this.forDir(path.dirname(path.resolve(filePath)));
  }

  private forDir(dir: string): PytestRoles | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    const files: { name: string; text: string }[] = [];
    for (const name of CONFIG_FILES) {
      const text = fs.existsSync(path.join(dir, name)) ? this.readText(path.join(dir, name)) : undefined;
      if (text !== undefined) files.push({ name, text });
    }
    let roles: PytestRoles | undefined;
    if (files.length) {
      const found = pytestRolesIn(files);
      roles = found.testFiles.length || found.infrastructureFiles.length ? found : undefined;
    } else {
      const parent = path.dirname(dir);
      roles = parent === dir ? undefined : this.forDir(parent);
    }
    this.byDir.set(dir, roles);
    return roles;
  }

  clear(): void {
    this.byDir.clear();
  }
}
