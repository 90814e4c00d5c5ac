/**
 * Facts from the modules a document imports (engine/project.ts), so that the editor sees what `scan` sees of
 * a hack split over two modules: `skipif(not HAS_TZDB)` with `HAS_TZDB = False` in the package's `_compat.py`.
 * The imported modules are found on disk from the document's project root (relative imports from its folder,
 * absolute ones under the root or its `src/`), read from the editor when open, and analysed once per content.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, importTarget, ProjectIndex, type HookBinding, type ImportedFact, type ModuleExports, type ProjectSettings } from '../engine';
import { readSourceFile } from '../host/read';
import { ALL_RULES } from '../rules/registry';

/** Re-exports followed at most this deep, like the index. */
const MAX_DEPTH = 4;
/** Module files whose exports are remembered (least recently used go first). */
const MAX_CACHED = 500;

export interface OpenText {
  /** Changes when the text changes (the document's version). */
  key: string;
  text: string;
}

export class ImportedFacts {
  private readonly cache = new Map<string, { key: string; exports?: ModuleExports; hookBindings?: HookBinding[] }>();

  /** @param openText the text of a file open in the editor, by file-system path; undefined when it is not open. */
  constructor(private readonly openText: (fsPath: string) => OpenText | undefined) {}

  /**
   * What the project says about a document for its second analysis (engine/project.ts): the facts of its imports
   * and the hooks conftests bind its functions to; undefined when it says nothing.
   */
  settingsFor(fsPath: string, analysisPath: string, imports: readonly string[] | undefined): ProjectSettings {
    const imported = this.factsFor(fsPath, analysisPath, imports);
    const boundHooks = this.boundHooksFor(fsPath, analysisPath);
    return imported || boundHooks ? { ...(imported ? { imported } : {}), ...(boundHooks ? { boundHooks } : {}) } : undefined;
  }

  /**
   * The facts for the document's imports, or undefined for none.
   * @param fsPath the document's file-system path
   * @param analysisPath its path relative to the project root (what the engine sees)
   */
  factsFor(fsPath: string, analysisPath: string, imports: readonly string[] | undefined): Record<string, ImportedFact> | undefined {
    if (!imports?.length) return undefined;
    const root = projectRoot(fsPath, analysisPath);
    if (root === undefined) return undefined;
    const index = new ProjectIndex();
    const added = new Set<string>();
    const load = (fromRel: string, qualified: string, depth: number) => {
      for (const file of moduleFiles(fromRel, qualified)) {
        if (added.has(file)) continue;
        const exports = this.exportsOf(path.join(root, ...file.split('/')), file);
        if (exports === null) continue;
        added.add(file);
        index.add(file, exports);
        if (depth < MAX_DEPTH) for (const fact of Object.values(exports ?? {})) if (fact.kind === 'alias') load(file, fact.target, depth + 1);
      }
    };
    for (const q of imports) load(analysisPath, q, 0);
    return index.factsFor(analysisPath, imports);
  }

  /**
   * The hooks that the conftest.py files of the document's folder and its parents (up to the project root) bind
   * the document's functions to (`from ._reporting import normalize as pytest_runtest_makereport`), or undefined.
   */
  boundHooksFor(fsPath: string, analysisPath: string): Record<string, string> | undefined {
    const root = projectRoot(fsPath, analysisPath);
    if (root === undefined) return undefined;
    const folders = analysisPath.split('/').slice(0, -1);
    let out: Record<string, string> | undefined;
    for (let depth = folders.length; depth >= 0; depth--) {
      const rel = [...folders.slice(0, depth), 'conftest.py'].join('/');
      if (rel === analysisPath) continue;
      const bindings = this.moduleOf(path.join(root, ...rel.split('/')), rel)?.hookBindings;
      if (!bindings) continue;
      const index = new ProjectIndex();
      index.add(rel, undefined);
      index.add(analysisPath, undefined);
      for (const b of bindings) {
        const target = index.definer(rel, b.qualified);
        if (target?.path === analysisPath) (out ??= {})[target.name] = b.hook;
      }
    }
    return out;
  }

  /** The module's exports; undefined when it has none, null when there is no such file. */
  private exportsOf(fsPath: string, rel: string): ModuleExports | undefined | null {
    const module = this.moduleOf(fsPath, rel);
    return module === null ? null : module.exports;
  }

  /** What the module tells others (analysed once per content), or null when there is no such file. */
  private moduleOf(fsPath: string, rel: string): { exports?: ModuleExports; hookBindings?: HookBinding[] } | null {
    const open = this.openText(fsPath);
    let key: string;
    if (open) key = `open:${open.key}`;
    else {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(fsPath);
      } catch {
        return null;
      }
      if (!stat.isFile()) return null;
      key = `disk:${stat.mtimeMs}:${stat.size}`;
    }
    const cached = this.cache.get(fsPath);
    if (cached?.key === key) {
      this.cache.delete(fsPath);
      this.cache.set(fsPath, cached);
      return cached;
    }
    let source = open?.text;
    if (source === undefined) {
      const read = readSourceFile(fsPath);
      if ('error' in read) return null;
      source = read.source;
    }
    const entry: { key: string; exports?: ModuleExports; hookBindings?: HookBinding[] } = { key };
    try {
      const result = analyze({ source, path: rel }, ALL_RULES);
      entry.exports = result.exports;
      entry.hookBindings = result.hookBindings;
    } catch {
      // An analysis that fails tells nothing.
    }
    this.cache.set(fsPath, entry);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }
}

/** The project root: the document's path without its analysis path (which is relative to it). */
function projectRoot(fsPath: string, analysisPath: string): string | undefined {
  const rel = analysisPath.split('/');
  const abs = fsPath.split(path.sep);
  if (rel.length >= abs.length || abs.slice(abs.length - rel.length).join('/') !== rel.join('/')) return undefined;
  return abs.slice(0, abs.length - rel.length).join(path.sep) || path.sep;
}

/**
 * The files (relative to the project root) that can be the module of an imported name: `._compat.X` from
 * `pkg/core.py` is `pkg/_compat.py` or `pkg/_compat/__init__.py`; `pkg.X` is `pkg/__init__.py` or
 * `src/pkg/__init__.py` (or `pkg.py`).
 */
export function moduleFiles(fromRel: string, qualified: string): string[] {
  const target = importTarget(fromRel, qualified);
  if (!target) return [];
  const bases = target.relative ? [target.module] : [target.module, ['src', ...target.module]];
  const out: string[] = [];
  for (const base of bases) {
    if (base.length) out.push(`${base.join('/')}.py`);
    out.push([...base, '__init__.py'].join('/'));
  }
  return out;
}
