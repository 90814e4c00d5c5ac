/**
 * Project files that are not Python but that some rule reads (pytest's `pytest.ini`, `pyproject.toml`...): the
 * editor shows their findings as the CLI's scan does. Which files those are comes from the rules
 * (`configFileNames`, asked once by the server); the test function names some checks need come from the test
 * files of the folder the configuration file is in, read from disk (open documents win) and kept until a
 * Python file changes in the editor or on disk.
 */
import * as path from 'node:path';
import { projectTestFunctionNames, type AnalysisSettings } from '../engine';
import { readIfExists } from '../host/config';
import { collectFiles } from '../host/walk';
import { fsPathOf } from './paths';

/** A project with more Python files than this is read up to it: the names serve a heuristic, not a proof. */
const MAX_FILES = 5_000;

/** The base name of the file at `uri` when it is one of `names` (the configuration files the rules read). */
export function configFileNameOf(uri: string, names: readonly string[]): string | undefined {
  const base = decodeURIComponent(uri.replace(/[?#].*$/, '').replace(/^.*\//, ''));
  return names.includes(base) ? base : undefined;
}

export class ProjectTestNames {
  private readonly byFolder = new Map<string, string[]>();

  /**
   * The test function names of the test files (by the settings' test globs) under the folder of the
   * configuration file at `uri`: the files on disk, and open documents (their text wins, saved or not).
   */
  namesFor(uri: string, settings: AnalysisSettings, openDocuments: () => ReadonlyMap<string, string>): string[] {
    const file = fsPathOf(uri);
    if (!file) return [];
    const folder = path.dirname(file);
    const known = this.byFolder.get(folder);
    if (known) return known;
    const open = openDocuments();
    const paths = new Set([...collectFiles([folder]).files.slice(0, MAX_FILES).map((f) => f.fsPath), ...open.keys()]);
    const files = [...paths].flatMap((fsPath) => {
      const rel = path.relative(folder, fsPath).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel) || !/\.py$/i.test(rel)) return [];
      return [{ rolePath: rel, settings, read: () => open.get(fsPath) ?? readIfExists(fsPath) }];
    });
    const names = projectTestFunctionNames(files);
    this.byFolder.set(folder, names);
    return names;
  }

  /** Python files changed: read them again when next asked. */
  clear(): void {
    this.byFolder.clear();
  }
}
