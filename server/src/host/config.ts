/**
 * Project configuration: `[tool.reward-hack-detector]` in the nearest `pyproject.toml` (searching up from
 * the analysed file) that has that table. The CLI and the language server read it the same way.
 *
 *   [tool.reward-hack-detector]
 *   rules = { RH201 = "info", RH4 = "off" }    # same map as the rewardHack.rules setting
 *   test-files = ["checks/**"]                  # globs, relative to the pyproject.toml folder
 *   exclude = ["generated/**"]                  # never analysed
 *
 * A malformed file is reported, never fatal: analysis goes on with the other settings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { isSeverity, type SeveritySetting } from '../engine';

export const CONFIG_TABLE = 'reward-hack-detector';

export interface ProjectConfig {
  /** The pyproject.toml the settings came from. */
  file: string;
  /** Its folder: globs are relative to it. */
  root: string;
  rules: Record<string, SeveritySetting>;
  testFiles?: string[];
  exclude: string[];
  /** Problems found in the file (unknown keys, bad values, TOML syntax). */
  problems: string[];
}

/** Parses the text of a pyproject.toml; undefined when it has no `[tool.reward-hack-detector]` table. */
export function parseProjectConfig(text: string, file: string): ProjectConfig | undefined {
  const root = path.dirname(file);
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    // Only a file that mentions our table is ours to complain about.
    if (!text.includes(CONFIG_TABLE)) return undefined;
    const message = (err as Error).message.split('\n')[0];
    return { file, root, rules: {}, exclude: [], problems: [`invalid TOML, configuration ignored: ${message}`] };
  }
  const tool = doc['tool'] as Record<string, unknown> | undefined;
  const table = tool?.[CONFIG_TABLE];
  if (table === undefined) return undefined;
  const config: ProjectConfig = { file, root, rules: {}, exclude: [], problems: [] };
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    config.problems.push(`[tool.${CONFIG_TABLE}] must be a table`);
    return config;
  }
  for (const [key, value] of Object.entries(table as Record<string, unknown>)) {
    if (key === 'rules') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        config.problems.push(`'rules' must be a table of rule = "severity"`);
        continue;
      }
      for (const [rule, level] of Object.entries(value as Record<string, unknown>)) {
        const l = typeof level === 'string' ? level.toLowerCase() : level;
        if (l === 'off' || isSeverity(l)) config.rules[rule] = l as SeveritySetting;
        else config.problems.push(`rules.${rule} must be one of off, hint, info, warning, error`);
      }
    } else if (key === 'test-files' || key === 'exclude') {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        config.problems.push(`'${key}' must be a list of glob strings`);
        continue;
      }
      if (key === 'test-files') config.testFiles = value as string[];
      else config.exclude = value as string[];
    } else {
      config.problems.push(`unknown key '${key}' in [tool.${CONFIG_TABLE}] (expected rules, test-files, exclude)`);
    }
  }
  return config;
}

/** Finds and caches project configuration per folder. */
export class ConfigResolver {
  private readonly byDir = new Map<string, ProjectConfig | undefined>();

  /** `readText` returns a file's text or undefined; by default the file on disk. */
  constructor(private readonly readText: (file: string) => string | undefined = readIfExists) {}

  /** The configuration that applies to a file (absolute path), or undefined. */
  forFile(filePath: string): ProjectConfig | undefined {
    return this.forDir(path.dirname(path.resolve(filePath)));
  }

  forDir(dir: string): ProjectConfig | undefined {
    return nearestPyproject(dir, this.byDir, this.readText, parseProjectConfig);
  }

  clear(): void {
    this.byDir.clear();
  }
}

/**
 * What the nearest pyproject.toml up from `dir` gives (`parse` returning undefined passes on to the folder
 * above), cached for every folder on the way.
 */
export function nearestPyproject<T>(dir: string, cache: Map<string, T | undefined>, readText: (file: string) => string | undefined, parse: (text: string, file: string) => T | undefined): T | undefined {
  if (cache.has(dir)) return cache.get(dir);
  let found: T | undefined;
  const candidate = path.join(dir, 'pyproject.toml');
  const text = readText(candidate);
  if (text !== undefined) found = parse(text, candidate);
  if (found === undefined) {
    const parent = path.dirname(dir);
    found = parent === dir ? undefined : nearestPyproject(parent, cache, readText, parse);
  }
  cache.set(dir, found);
  return found;
}

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
