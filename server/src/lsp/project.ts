/**
 * What applies to one document: the editor's settings on top of `[tool.reward-hack-detector]` in the
 * nearest pyproject.toml, read with the CLI's ConfigResolver so both hosts see the same configuration.
 *
 * Merge (the editor plays the part of the CLI's flags): `rules` merged per key, the editor's winning;
 * `testFiles` / `exclude` from the editor when it sets them, else the file's. Globs from the file are
 * relative to the file's folder (as on the command line), the editor's to the workspace folder. Without
 * an editor `exclude`, the default skips (virtualenvs, site-packages...) still apply, as the CLI's walk
 * always skips them.
 */
import * as path from 'node:path';
import { DEFAULT_TEST_GLOBS, matchesGlobs, type AnalysisSettings } from '../engine';
import type { ProjectConfig } from '../host/config';
import { DEFAULT_EXCLUDE, type EditorSettings, type RunMode } from './settings';

export interface EffectiveSettings {
  enable: boolean;
  run: RunMode;
  analysis: AnalysisSettings;
  /** The path the engine classifies the file by (the base of whichever test globs apply). */
  analysisPath: string;
  /** Why the file is excluded, when it is. */
  excluded?: string;
  /** The project file that contributed, if any. */
  config?: ProjectConfig;
}

/** `fsPath` relative to `root` with forward slashes, or undefined when it is not inside. */
function relativeInside(root: string, fsPath: string): string | undefined {
  const rel = path.relative(root, fsPath);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * @param workspacePath the document's path relative to its workspace folder (as WorkspaceFolders gives it)
 * @param fsPath the document's file-system path, when it has one
 */
export function effectiveSettings(editor: EditorSettings, config: ProjectConfig | undefined, workspacePath: string, fsPath: string | undefined): EffectiveSettings {
  const configPath = config && fsPath ? relativeInside(config.root, fsPath) : undefined;
  const fileConfig = configPath !== undefined ? config : undefined;

  let testFiles: string[];
  let analysisPath: string;
  if (editor.testFiles) {
    testFiles = editor.testFiles;
    analysisPath = workspacePath;
  } else {
    testFiles = fileConfig?.testFiles ?? DEFAULT_TEST_GLOBS;
    // Like the CLI: with a project file, paths are relative to its folder.
    analysisPath = configPath ?? workspacePath;
  }

  let excluded: string | undefined;
  if (editor.exclude) {
    if (matchesGlobs(workspacePath, editor.exclude)) excluded = 'excluded by rewardHack.exclude';
  } else if (matchesGlobs(workspacePath, DEFAULT_EXCLUDE)) {
    excluded = 'excluded by the default rewardHack.exclude';
  } else if (fileConfig && configPath !== undefined && matchesGlobs(configPath, fileConfig.exclude)) {
    excluded = `excluded by ${fileConfig.file}`;
  }

  return {
    enable: editor.enable,
    run: editor.run,
    analysis: { rules: { ...(fileConfig?.rules ?? {}), ...editor.rules }, testFiles },
    analysisPath,
    excluded,
    config: fileConfig,
  };
}
