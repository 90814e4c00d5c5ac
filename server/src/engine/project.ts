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
import type { AnalysisInput, AnalysisResult, AnalysisSettings, HookBinding, ImportedFact, KeyedCall, ModuleExports } from './types';

// ---------------------------------------------------------------------------------------------------
// Joining exports and imports over a project

/** A module's dotted path from its file path: `pkg/sub/__init__.py` → `pkg.sub` segments. */
function moduleSegments(path: string): string[] | undefined {
  const m = /^(.*?)(?:\/__init__)?\.pyi?$/.exec(path.replace(/\\/g, '/').replace(/^\.\//, ''));
  if (!m) return undefined;
  return m[1]!.split('/').filter((s) => s && s !== '.');
}

/**
 * The module a qualified import names, and the name in it: a relative one (`.._compat.X` from `pkg/sub/core.py`) as the
 * module's path segments from the importing file's package (`pkg._compat`), an absolute one as written (`tzparse`,
 * which may sit anywhere under the project: the caller matches its end). Undefined when the dots climb out.
 */
export function importTarget(fromPath: string, qualified: string): { relative: boolean; module: string[]; name: string } | undefined {
  const dots = /^\.*/.exec(qualified)![0].length;
  const parts = qualified.slice(dots).split('.').filter(Boolean);
  const name = parts.pop();
  if (!name) return undefined;
  if (dots === 0) return parts.length ? { relative: false, module: parts, name } : undefined;
  const here = moduleSegments(fromPath);
  if (!here) return undefined;
  // A module's own folder is its package; an `__init__.py` is its package itself.
  const pkg = /(^|\/)__init__\.pyi?$/.test(fromPath) ? here : here.slice(0, -1);
  if (dots - 1 > pkg.length) return undefined;
  return { relative: true, module: [...pkg.slice(0, pkg.length - (dots - 1)), ...parts], name };
}

/** Re-exports followed at most this deep (`pkg/__init__` → `pkg/_compat`). */
const MAX_ALIAS_DEPTH = 4;

/** One analysed module, as the index keeps it. */
interface ModuleEntry {
  path: string;
  exports: ModuleExports;
}

/**
 * The project's modules by dotted path, with their exports, to answer a file's imports. A module is found by
 * its path's dotted name: relative imports from the importing file's folder, absolute ones by the longest
 * match at the end of a module's path (`tzparse` is `src/tzparse/__init__.py`). Two modules that answer one
 * import differently give no answer.
 */
export class ProjectIndex {
  private readonly byModule = new Map<string, ModuleEntry[]>();
  /** Last segment → full module keys, for absolute imports whose root folder is not known. */
  private readonly byLast = new Map<string, string[]>();
  private withExports = 0;
  /** Last segments of the modules that have exports: most imports name none of them and are settled by one lookup. */
  private readonly exportingLast = new Set<string>();

  /** Registers a module (every file of the project, with or without exports: hooks may be bound to any). */
  add(path: string, exports: ModuleExports | undefined): void {
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
    list.push({ path, exports: exports ?? {} });
    if (exports && Object.keys(exports).length) {
      this.withExports++;
      this.exportingLast.add(segments[segments.length - 1]!);
    }
  }

  /** Whether any module has exports (else no import has an answer). */
  get hasExports(): boolean {
    return this.withExports > 0;
  }

  /** The facts for a file's imported names (what `settings.imported` takes), or undefined when there are none. */
  factsFor(path: string, imports: readonly string[] | undefined): Record<string, ImportedFact> | undefined {
    if (!imports || !this.withExports) return undefined;
    let out: Record<string, ImportedFact> | undefined;
    for (const q of imports) {
      // `pytest.raises`, `os._exit`: the rules' own names for these, even when the project holds pytest itself
      // (whose `__init__.py` re-exports `_pytest.python_api.raises`).
      if (WATCHED_MODULES.test(q)) continue;
      // An absolute name whose module ends in a segment no exporting module ends in has no answer.
      if (q.charCodeAt(0) !== 0x2e) {
        const last = q.lastIndexOf('.');
        if (last < 0 || !this.exportingLast.has(q.slice(q.lastIndexOf('.', last - 1) + 1, last))) continue;
      }
      const fact = this.resolve(path, q, 0);
      if (fact && fact.kind !== 'alias') (out ??= {})[q] = fact;
    }
    return out;
  }

  /**
   * The module and name that define what a file imports (`._plugin.normalize` from `tests/conftest.py` is
   * `normalize` in `tests/_plugin.py`), through re-exports; undefined when it is not in the project or ambiguous.
   */
  definer(fromPath: string, qualified: string, depth = 0): { path: string; name: string } | undefined {
    if (depth > MAX_ALIAS_DEPTH) return undefined;
    const found = this.modulesOf(fromPath, qualified);
    if (!found || found.entries.length !== 1) return undefined;
    const { path, exports } = found.entries[0]!;
    const fact = Object.prototype.hasOwnProperty.call(exports, found.name) ? exports[found.name] : undefined;
    return fact?.kind === 'alias' ? this.definer(path, fact.target, depth + 1) : { path, name: found.name };
  }

  /** The modules an imported qualified name can come from, and the name in them. */
  private modulesOf(fromPath: string, qualified: string): { entries: ModuleEntry[]; name: string } | undefined {
    const target = importTarget(fromPath, qualified);
    if (!target) return undefined;
    let keys: string[];
    if (target.relative) {
      const key = target.module.join('.');
      keys = this.byModule.has(key) ? [key] : [];
    } else {
      const wanted = target.module.join('.');
      keys = (this.byLast.get(target.module[target.module.length - 1]!) ?? []).filter((k) => k === wanted || k.endsWith(`.${wanted}`));
    }
    return { entries: keys.flatMap((k) => this.byModule.get(k)!), name: target.name };
  }


  private resolve(fromPath: string, qualified: string, depth: number): ImportedFact | undefined {
    if (depth > MAX_ALIAS_DEPTH) return undefined;
    const found = this.modulesOf(fromPath, qualified);
    if (!found) return undefined;
    let answer: ImportedFact | undefined;
    let answerText: string | undefined;
    for (const { path, exports } of found.entries) {
      let fact: ImportedFact | undefined = Object.prototype.hasOwnProperty.call(exports, found.name) ? exports[found.name] : undefined;
      // A re-export of something outside the project (`from os import _exit as stop`) names that thing.
      if (fact?.kind === 'alias') fact = this.resolve(path, fact.target, depth + 1) ?? (WATCHED_MODULES.test(fact.target) ? { kind: 'refers-to', qualified: fact.target } : undefined);
      if (!fact) continue;
      const text = JSON.stringify(fact);
      if (answerText !== undefined && text !== answerText) return undefined;
      answer = fact;
      answerText = text;
    }
    return answer;
  }
}

/** What one file of a project tells the others, from its first analysis. */
export interface ModuleReport {
  path: string;
  exports?: ModuleExports;
  imports?: string[];
  hookBindings?: HookBinding[];
  keyedCalls?: KeyedCall[];
}

/**
 * The settings each file needs for its second analysis (the answers to its imports, the hooks other files bind
 * its functions to), or undefined for a file that needs none; in the order given.
 */
export function projectSettings(reports: readonly ModuleReport[]): ProjectSettings[] {
  const index = new ProjectIndex();
  for (const r of reports) index.add(r.path, r.exports);
  const out: ProjectSettings[] = reports.map((r) => {
    const imported = index.factsFor(r.path, r.imports);
    return imported ? { imported } : undefined;
  });
  if (!reports.some((r) => r.hookBindings || r.keyedCalls)) return out;
  const byPath = new Map(reports.map((r, i) => [r.path, i]));
  // The word strings other modules call a module-level function with (`lookup("expected")`): `callerStrings`.
  for (const r of reports) {
    for (const c of r.keyedCalls ?? []) {
      const target = index.definer(r.path, c.qualified);
      const i = target && byPath.get(target.path);
      if (i === undefined || !target || target.path === r.path) continue;
      const settings = (out[i] ??= {});
      ((settings.callerStrings ??= {})[target.name] ??= []).push(c.args);
    }
  }
  for (const r of reports) {
    for (const b of r.hookBindings ?? []) {
      const target = index.definer(r.path, b.qualified);
      const i = target && byPath.get(target.path);
      if (i === undefined || !target) continue;
      const settings = (out[i] ??= {});
      (settings.boundHooks ??= {})[target.name] = b.hook;
    }
  }
  return out;
}

/** Rounds of analysis after the first: a fact can depend on another module's fact (a helper that returns `True`
 * because of a constant it imports), which reaches a third module one round later. */
export const MAX_PROJECT_ROUNDS = 3;

/** What one round changes: the files whose project settings differ from those they were last analysed with. */
export type ProjectSettings = Pick<AnalysisSettings, 'imported' | 'boundHooks' | 'callerStrings'> | undefined;

export function changedSettings(reports: readonly ModuleReport[], current: readonly ProjectSettings[]): { index: number; settings: ProjectSettings }[] {
  const next = projectSettings(reports);
  const out: { index: number; settings: ProjectSettings }[] = [];
  next.forEach((settings, index) => {
    if (JSON.stringify(settings ?? null) !== JSON.stringify(current[index] ?? null)) out.push({ index, settings });
  });
  return out;
}

/**
 * Analyses the files of one project together: every file once, then again, with what the other files say about
 * it (the facts its imports have, the hooks its functions are bound to), each file they say something new about,
 * until nothing changes (at most MAX_PROJECT_ROUNDS more times). Results in input order.
 */
export function analyzeProject(inputs: readonly AnalysisInput[], rules: readonly Rule[]): AnalysisResult[] {
  const results = inputs.map((input) => analyze(input, rules));
  const current: ProjectSettings[] = inputs.map(() => undefined);
  for (let round = 0; round < MAX_PROJECT_ROUNDS; round++) {
    const changed = changedSettings(results.map((r, i) => ({ path: inputs[i]!.path, exports: r.exports, imports: r.imports, hookBindings: r.hookBindings, keyedCalls: r.keyedCalls })), current);
    if (!changed.length) break;
    for (const { index, settings } of changed) {
      current[index] = settings;
      results[index] = analyze({ ...inputs[index]!, settings: { ...inputs[index]!.settings, ...settings } }, rules);
    }
  }
  return results;
}
