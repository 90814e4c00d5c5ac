/**
 * Project files that are not Python (pytest's configuration files): the rules that declare `configFiles` judge
 * them, with the same settings as the Python files (rule switches and severities).
 */
import { effectiveSeverity, isRuleEnabled } from './config';
import { isTestFilePath } from './roles';
import type { Rule } from './rule';
import type { AnalysisSettings, Finding } from './types';

/** The base names some rule of `rules` reads, in the order the rules list them. */
export function configFileNames(rules: readonly Rule[]): string[] {
  return [...new Set(rules.flatMap((r) => r.configFiles?.names ?? []))];
}

/** The findings of every enabled rule that reads `fileName` (a base name) on `text`. */
export function analyzeConfigFile(fileName: string, text: string, rules: readonly Rule[], settings: AnalysisSettings, testNames: () => readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    if (!rule.configFiles?.names.includes(fileName) || !isRuleEnabled(rule.meta, settings)) continue;
    for (const f of rule.configFiles.check(text, fileName, testNames)) out.push({ ...f, severity: effectiveSeverity(rule.meta, f.severity, settings) });
  }
  return out;
}

/**
 * The test function names of a project's files that are test files by their path (the `testFiles` setting, as for
 * the files' roles): what the hosts hand `analyzeConfigFile`. `read` is asked only for test files (undefined: unreadable).
 */
export function projectTestFunctionNames(files: Iterable<{ rolePath: string; settings: AnalysisSettings; read: () => string | undefined }>): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (!isTestFilePath(f.rolePath, f.settings)) continue;
    const text = f.read();
    if (text !== undefined) out.push(...testFunctionNames(text));
  }
  return out;
}

/** The test functions a Python source defines (`def test_x`, `async def test_y`, methods too), by a line scan. */
export function testFunctionNames(source: string): string[] {
  return [...source.matchAll(/^[ \t]*(?:async[ \t]+)?def[ \t]+(test\w*)/gm)].map((m) => m[1]!);
}
