/**
 * Command-line entry points that a project declares in its nearest `pyproject.toml`: `[project.scripts]`,
 * `[project.gui-scripts]` and Poetry's `[tool.poetry.scripts]` map a command to `module:function`. Such a
 * function is a program's main even when it is not named `main`, so its exits are a command line's.
 * The CLI and the language server read them the same way; a file that does not parse declares nothing.
 */
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { nearestPyproject, readIfExists } from './config';

/** The `module:attr` targets a pyproject.toml's text declares as commands. */
export function scriptTargets(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const table = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const project = table(doc['project']);
  const poetry = table(table(doc['tool'])?.['poetry']);
  const out: string[] = [];
  for (const scripts of [table(project?.['scripts']), table(project?.['gui-scripts']), table(poetry?.['scripts'])]) {
    for (const value of Object.values(scripts ?? {})) {
      // Poetry also accepts `{ reference = "pkg.cli:main", type = "console" }` (older: `callable`).
      const target = typeof value === 'string' ? value : (table(value)?.['reference'] ?? table(value)?.['callable']);
      if (typeof target === 'string' && /^[\w.]+:[\w.]+/.test(target.trim())) out.push(target.trim());
    }
  }
  return out;
}

/** The dotted module names a file may be imported as from the project root (`src/` layouts included). */
export function moduleNames(relativePath: string): string[] {
  const parts = relativePath.replace(/\\/g, '/').replace(/\.pyi?$/, '').split('/').filter((p) => p && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) return [];
  if (parts[parts.length - 1] === '__init__') parts.pop();
  const names = [parts.join('.')];
  if (parts.length > 1 && /^(src|lib|python)$/.test(parts[0]!)) names.push(parts.slice(1).join('.'));
  return names.filter(Boolean);
}

/** The names, in the file at `relativePath`, that the targets point at (`run_hook` for `hooks.precommit:run_hook`). */
export function entryPointNames(targets: readonly string[], relativePath: string): string[] {
  const modules = new Set(moduleNames(relativePath));
  const out = new Set<string>();
  for (const t of targets) {
    const [mod, attr] = t.split(':') as [string, string];
    if (modules.has(mod.trim())) out.add(attr.trim().split('.')[0]!);
  }
  return [...out];
}

/** Finds the nearest pyproject.toml of a file and caches its declared commands per folder. */
export class EntryPointResolver {
  private readonly byDir = new Map<string, { root: string; targets: string[] } | undefined>();

  constructor(private readonly readText: (file: string) => string | undefined = readIfExists) {}

  /** The function names of `filePath` (absolute) that its project declares as commands. */
  forFile(filePath: string): string[] {
    const abs = path.resolve(filePath);
    const project = this.forDir(path.dirname(abs));
    if (!project || project.targets.length === 0) return [];
    return entryPointNames(project.targets, path.relative(project.root, abs));
  }

  private forDir(dir: string): { root: string; targets: string[] } | undefined {
    // The nearest pyproject.toml is the project's, whether or not it declares commands.
    return nearestPyproject(dir, this.byDir, this.readText, (text, file) => ({ root: path.dirname(file), targets: scriptTargets(text) }));
  }

  clear(): void {
    this.byDir.clear();
  }
}
