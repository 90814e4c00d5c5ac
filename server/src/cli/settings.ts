/**
 * Settings for one file on the command line: the project's pyproject.toml configuration, then the
 * command-line flags on top (flags win). Also the path the engine sees, relative to the project root,
 * so that test globs mean the same thing wherever the scan starts.
 */
import * as path from 'node:path';
import type { AnalysisSettings, SeveritySetting } from '../engine';
import { DEFAULT_TEST_GLOBS, DEFAULT_TEST_INFRASTRUCTURE_GLOBS, matchesGlobs } from '../engine';
import { ConfigResolver, type ProjectConfig } from '../host/config';
import { PytestRolesResolver } from '../host/pytest-roles';
import { EntryPointResolver } from '../host/scripts';

export interface CliOverrides {
  rules: Record<string, SeveritySetting>;
  select: string[];
  ignore: string[];
  testFiles?: string[];
}

export interface FileSettings {
  settings: AnalysisSettings;
  /** Path for role detection: relative to the project configuration's folder, or to the working folder. */
  rolePath: string;
  config?: ProjectConfig;
}

export class SettingsBuilder {
  /** Problems already reported, so each malformed file is reported once. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly cwd: string,
    private readonly overrides: CliOverrides,
    private readonly configs = new ConfigResolver(),
    private readonly entryPoints = new EntryPointResolver(),
    private readonly pytestRoles = new PytestRolesResolver(),
  ) {}

  forFile(fsPath: string): FileSettings {
    const abs = path.resolve(this.cwd, fsPath);
    const config = this.configs.forFile(abs);
    const base = config ? config.root : this.cwd;
    const rel = path.relative(base, abs);
    const rolePath = (rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel).split(path.sep).join('/');
    const settings: AnalysisSettings = {
      rules: { ...(config?.rules ?? {}), ...this.overrides.rules },
      select: this.overrides.select,
      ignore: this.overrides.ignore,
    };
    // pytest's own configuration adds to the defaults: `python_files = check_*.py` are tests, `pytest11` plugins
    // are test infrastructure (globs given on the command line or in our table replace the test defaults).
    const roles = this.pytestRoles.forFile(abs);
    const testFiles = this.overrides.testFiles ?? config?.testFiles ?? (roles?.testFiles.length ? [...DEFAULT_TEST_GLOBS, ...roles.testFiles] : undefined);
    if (testFiles) settings.testFiles = testFiles;
    if (roles?.infrastructureFiles.length) settings.testInfrastructureFiles = [...DEFAULT_TEST_INFRASTRUCTURE_GLOBS, ...roles.infrastructureFiles];
    // Functions the project declares as commands (`[project.scripts]`) are entry points.
    const commands = this.entryPoints.forFile(abs);
    if (commands.length) settings.entryPointFunctions = commands;
    return { settings, rolePath, config };
  }

  /** True when the project configuration excludes this (walked) file. */
  isExcluded(fsPath: string): boolean {
    const { config, rolePath } = this.forFile(fsPath);
    return !!config && config.exclude.length > 0 && matchesGlobs(rolePath, config.exclude);
  }

  /** Configuration problems not yet reported. */
  takeProblems(config: ProjectConfig | undefined): { path: string; message: string }[] {
    if (!config || !config.problems.length || this.reported.has(config.file)) return [];
    this.reported.add(config.file);
    return config.problems.map((message) => ({ path: config.file, message }));
  }
}
