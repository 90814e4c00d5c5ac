/**
 * Facts that cross module boundaries. Each file is analysed alone, but an agent's hack is often split over
 * two modules: a constant, an environment switch or a test-run probe defined in one and used in another
 * (`from ._compat import HAS_TZDB` then `skipif(not HAS_TZDB)`). So an analysis also reports what its
 * module-level names are known to hold (`exports`) and the names it imports (`imports`); the host joins
 * them over the project (`ProjectIndex`) and analyses again, with the answers in `settings.imported`, only
 * the files that import a name with a fact. `analyzeProject` is that loop in-process; the CLI's parallel
 * scan runs the same two passes in its workers.
 */
import { analyze } from './analyze';
import { WATCHED_MODULES } from './exports';
import type { Rule } from './rule';
import type { AnalysisInput, AnalysisResult, ImportedFact, ModuleExports } from './types';

// ---------------------------------------------------------------------------------------------------
// Joining exports and imports over a project

/** A module's dotted path from its file path: `pkg/sub/__init__.py` → `pkg.sub` segments. */
function moduleSegments(path: string): string[] | undefined {
  const m = /^(.*?)(?:\/__init__)?\.pyi?$/.exec(path.replace(/\\/g, '/').replace(/^\.\//, ''));
  if (!m) return undefined;
  return m[1]!.split('/').filter((s) => s && s !== '.');
}

/** Re-exports followed at most this deep (`pkg/__init__` → `pkg/_compat`). */
const MAX_ALIAS_DEPTH = 4;

/**
 * The project's module exports by module path, and the answers to a file's imports. A module is found by
 * its path's dotted name: relative imports from the importing file's folder, absolute ones by the longest
 * match at the end of a module's path (`tzparse` is `src/tzparse/__init__.py`). Two modules that answer one
 * import differently give no answer.
 */
export class ProjectIndex {
  private readonly byModule = new Map<string, ModuleExports[]>();
  /** Last segment → full module keys, for absolute imports whose root folder is not known. */
  private readonly byLast = new Map<string, string[]>();

  add(path: string, exports: ModuleExports | undefined): void {
    if (!exports) return;
    const segments = moduleSegments(path);
    if (!segments?.length) return;
    const key = segments.join('.');
    let list = this.byModule.get(key);
    if (!list) {
      this.byModule.set(key, (list = []));
      const last = segments[segments.length - 1]!;
      let keys = this.byLast.get(last);
      if (!keys) this.byLast.set(last, (keys = []));
      keys.push(key);
    }
    list.push(exports);
  }

  get size(): number {
    return this.byModule.size;
  }

  /** The facts for a file's imported names (what `settings.imported` takes), or undefined when there are none. */
  factsFor(path: string, imports: readonly string[] | undefined): Record<string, ImportedFact> | undefined {
    if (!imports || this.byModule.size === 0) return undefined;
    let out: Record<string, ImportedFact> | undefined;
    for (const q of imports) {
      const fact = this.resolve(path, q, 0);
      if (fact && fact.kind !== 'alias') (out ??= {})[q] = fact;
    }
    return out;
  }

  private resolve(fromPath: string, qualified: string, depth: number): ImportedFact | undefined {
    if (depth > MAX_ALIAS_DEPTH) return undefined;
    const dots = /^\.*/.exec(qualified)![0].length;
    const parts = qualified.slice(dots).split('.').filter(Boolean);
    const name = parts.pop();
    if (!name) return undefined;
    let candidates: { key: string; path: string }[];
    if (dots > 0) {
      const here = moduleSegments(fromPath);
      if (!here) return undefined;
      // A module's own folder is its package; an `__init__.py` is its package itself.
      const pkg = /(^|\/)__init__\.pyi?$/.test(fromPath) ? here : here.slice(0, -1);
      const base = pkg.slice(0, pkg.length - (dots - 1));
      if (dots - 1 > pkg.length) return undefined;
      const key = [...base, ...parts].join('.');
      candidates = this.byModule.has(key) ? [{ key, path: modulePath(key) }] : [];
    } else {
      if (!parts.length) return undefined;
      const wanted = parts.join('.');
      candidates = (this.byLast.get(parts[parts.length - 1]!) ?? []).filter((k) => k === wanted || k.endsWith(`.${wanted}`)).map((key) => ({ key, path: modulePath(key) }));
    }
    let answer: ImportedFact | undefined;
    let answerText: string | undefined;
    for (const { key, path } of candidates) {
      for (const exports of this.byModule.get(key)!) {
        let fact: ImportedFact | undefined = Object.prototype.hasOwnProperty.call(exports, name) ? exports[name] : undefined;
        // A re-export of something outside the project (`from os import _exit as stop`) names that thing.
        if (fact?.kind === 'alias') fact = this.resolve(path, fact.target, depth + 1) ?? (WATCHED_MODULES.test(fact.target) ? { kind: 'refers-to', qualified: fact.target } : undefined);
        if (!fact) continue;
        const text = JSON.stringify(fact);
        if (answerText !== undefined && text !== answerText) return undefined;
        answer = fact;
        answerText = text;
      }
    }
    return answer;
  }
}

/** A path standing for a module key, for resolving the relative imports of a re-export (`pkg.sub` → `pkg/sub/__init__.py`). */
function modulePath(key: string): string {
  return `${key.split('.').join('/')}/__init__.py`;
}

/**
 * Analyses the files of one project together: every file once, then again, with the facts its imports
 * have elsewhere in the project, each file whose imports have some. Results in input order.
 */
export function analyzeProject(inputs: readonly AnalysisInput[], rules: readonly Rule[]): AnalysisResult[] {
  const results = inputs.map((input) => analyze(input, rules));
  const index = new ProjectIndex();
  results.forEach((r, i) => index.add(inputs[i]!.path, r.exports));
  if (index.size === 0) return results;
  return results.map((r, i) => {
    const input = inputs[i]!;
    const imported = index.factsFor(input.path, r.imports);
    return imported ? analyze({ ...input, settings: { ...input.settings, imported } }, rules) : r;
  });
}
