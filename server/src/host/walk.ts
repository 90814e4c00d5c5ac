/**
 * Finding the Python files to scan. Folders are walked for `*.py`, skipping VCS folders, dependency and
 * virtual-environment folders and `.gitignore`d paths; symbolic links to folders are not followed, so a
 * link never leads the scan out of the tree or into a cycle. Files named on the command line are
 * always scanned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

const SKIPPED_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', '.venv', 'venv', '.eggs', 'site-packages', '.cache',
]);

export interface WalkedFile {
  /** Path to read. */
  fsPath: string;
  /** Path to show: as given, or joined under the given folder. */
  displayPath: string;
}

export interface WalkResult {
  files: WalkedFile[];
  errors: { path: string; message: string }[];
}

interface IgnoreLayer {
  dir: string;
  rules: Ignore;
}

function loadGitignore(dir: string): Ignore | undefined {
  const file = path.join(dir, '.gitignore');
  try {
    return ignore().add(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function isIgnored(layers: IgnoreLayer[], fullPath: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const rel = path.relative(layer.dir, fullPath).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (layer.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

function isVirtualEnv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

/** Walks the given paths; missing paths become errors. `excluded` drops walked (not named) files. */
export function collectFiles(inputs: string[], excluded: (fsPath: string) => boolean = () => false): WalkResult {
  const files: WalkedFile[] = [];
  const errors: WalkResult['errors'] = [];
  const seen = new Set<string>();
  const add = (fsPath: string, displayPath: string) => {
    const key = path.resolve(fsPath);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ fsPath, displayPath });
  };

  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch (err) {
      errors.push({ path: input, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      continue;
    }
    if (!stat.isDirectory()) {
      add(input, input);
      continue;
    }
    const rootReal = fs.realpathSync(input);
    const layers: IgnoreLayer[] = [];
    const top = findGitRoot(path.resolve(input));
    // .gitignore files above the scanned folder, up to the repository root, apply too.
    for (let d = path.resolve(input); top && d.startsWith(top); d = path.dirname(d)) {
      const rules = loadGitignore(d);
      if (rules && d !== path.resolve(input)) layers.push({ dir: d, rules });
      if (d === top) break;
    }
    walkDir(input, input, rootReal, layers, (fsPath, shown) => excluded(fsPath) || add(fsPath, shown), errors);
  }
  return { files, errors };
}

function findGitRoot(start: string): string | undefined {
  for (let d = start; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

function walkDir(
  dir: string,
  display: string,
  rootReal: string,
  parentLayers: IgnoreLayer[],
  add: (fsPath: string, displayPath: string) => void,
  errors: WalkResult['errors'],
): void {
  // Explicit stack rather than recursion: very deep trees must not overflow.
  const stack: { dir: string; display: string; layers: IgnoreLayer[] }[] = [{ dir, display, layers: parentLayers }];
  while (stack.length) {
    const current = stack.pop()!;
    const own = loadGitignore(current.dir);
    const layers = own ? [...current.layers, { dir: path.resolve(current.dir), rules: own }] : current.layers;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current.dir, { withFileTypes: true });
    } catch (err) {
      errors.push({ path: current.display, message: `cannot read folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: typeof stack = [];
    for (const entry of entries) {
      const full = path.join(current.dir, entry.name);
      const shown = path.join(current.display, entry.name);
      const abs = path.resolve(full);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || isVirtualEnv(full)) continue;
        if (isIgnored(layers, abs, true)) continue;
        subdirs.push({ dir: full, display: shown, layers });
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (!entry.name.endsWith('.py')) continue;
        if (isIgnored(layers, abs, false)) continue;
        if (entry.isSymbolicLink()) {
          // Follow a file link only when it stays inside the scanned tree.
          let real: string;
          try {
            real = fs.realpathSync(full);
          } catch {
            continue;
          }
          if (!real.startsWith(rootReal + path.sep) || !fs.statSync(real).isFile()) continue;
        }
        add(full, shown);
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}
