/**
 * Reviewing a change: analyse the changed Python files, keep the findings on lines the change touched
 * (or whole files), refuse to honour suppressions the change itself adds, and add the review rules'
 * findings (RH901 suppressions and weakened configuration, RH902 deleted tests). Pure: the hosts
 * (git, patch files, the editor) build the FileChanges.
 */
import { analyze, analyzeProject, effectiveSeverity, isRuleEnabled, parsePython, compareFindings, rulesForKey, type AnalysisInput, type AnalysisResult } from '../engine';
import type { AnalysisSettings, Finding, Rule, SuppressedFinding } from '../engine';
import { addedSuppressionFindings, suppressionAdded, weakenedConfigFindings, type ConfigSnapshot } from '../rules/review/RH901-suppression-added';
import { collectTests, deletedTestFindings, narrowedRunFindings, squash, testDeleted, uncollectedTestNames, type ChangeTexts, type TestDefinition, type TestFileChange, type UncollectedDefinition } from '../rules/review/RH902-test-deleted';
import { conftestExclusionFindings } from '../rules/review/conftest-exclusions';
import { isPytestConfigPath, readPytestConfig } from './pytest-config';
import { classifyFile, collectFileFacts } from '../engine/roles';
import { NameResolver } from '../engine/names';
import type { Node } from '../engine/ast';
import { showsWhole, WHOLE_PATCH, type FileChange } from './changes';

export type DiffScope = 'lines' | 'files';

export interface ReviewOptions {
  scope: DiffScope;
  /** Settings for a file (repository-relative path). */
  settingsFor: (path: string) => AnalysisSettings;
  /** The path the engine sees for roles (default: the repository-relative path). */
  rolePathFor?: (path: string) => string;
  /** Reads project configuration out of a pyproject.toml text (undefined when it has none). */
  parseConfig: (text: string, path: string) => ConfigSnapshot | undefined;
}

export interface ReviewedFile {
  path: string;
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

export interface ReviewResult {
  files: number;
  results: ReviewedFile[];
  errors: { path: string; message: string }[];
}

function touches(f: Finding, lines: Set<number>): boolean {
  for (let l = f.range.start.line; l <= f.range.end.line; l++) if (lines.has(l)) return true;
  return false;
}

function isPython(path: string | undefined): boolean {
  return !!path && path.endsWith('.py');
}

function isConfig(path: string | undefined): boolean {
  return !!path && /(^|\/)pyproject\.toml$/.test(path);
}

export function reviewChanges(changes: FileChange[], rules: readonly Rule[], options: ReviewOptions): ReviewResult {
  const byPath = new Map<string, ReviewedFile>();
  const fileFor = (path: string) => {
    let r = byPath.get(path);
    if (!r) byPath.set(path, (r = { path, findings: [], suppressed: [] }));
    return r;
  };
  const errors: ReviewResult['errors'] = [];
  const testChanges: TestFileChange[] = [];
  // Test names in files the change creates: a test moved there is not deleted.
  const addedTests: string[] = [];
  // pytest's python_files when the change sets it (a test file renamed to a name it no longer matches).
  let pythonFiles: string[] | undefined;
  // Every Python file's text on each side: code a test loses that lands elsewhere in the change moved.
  const texts: ChangeTexts = { old: '', new: '' };
  let files = 0;
  // The changed Python files are analysed together first: a fact one of them defines (a constant, a probe)
  // reaches the files that import it (engine/project.ts).
  const analysed = analyseTogether(changes, rules, options);

  for (const change of changes) {
    const path = change.newPath ?? change.oldPath ?? '';
    if (change.error) {
      if (isPython(path) || isConfig(path) || isPytestConfigPath(path) || path === WHOLE_PATCH) errors.push({ path, message: change.error });
      continue;
    }
    const settings = options.settingsFor(path);
    const review = (rule: Rule, list: Finding[]) =>
      isRuleEnabled(rule.meta, settings) ? list.map((f) => ({ ...f, severity: effectiveSeverity(rule.meta, f.severity, settings) })) : [];

    if (isPytestConfigPath(path)) {
      // Options the change gives pytest that take tests out of the run (RH902).
      const before = change.oldSource !== undefined ? readPytestConfig(change.oldSource, change.oldPath!) : undefined;
      const after = change.newSource !== undefined ? readPytestConfig(change.newSource, path) : undefined;
      if (after?.lists.python_files) pythonFiles = after.lists.python_files;
      const found = review(testDeleted, narrowedRunFindings(before, after, change.newSource ?? ''));
      if (found.length) fileFor(path).findings.push(...found);
    }
    if (isConfig(path)) {
      // A deleted pyproject.toml counts as an empty configuration.
      const before = change.oldSource !== undefined ? options.parseConfig(change.oldSource, change.oldPath!) : undefined;
      const after = change.newSource !== undefined ? options.parseConfig(change.newSource, path) : undefined;
      const found = review(suppressionAdded, weakenedConfigFindings(before, after, change.newSource ?? '', (key) => strictestDefault(key, rules)));
      if (found.length) fileFor(path).findings.push(...found);
      continue;
    }
    if (!isPython(change.newPath) && !isPython(change.oldPath)) continue;
    if (change.oldSource !== undefined && isPython(change.oldPath)) {
      texts.old += `${squash(change.oldSource)}\n`;
      noteDefinitions(change.oldSource, (texts.oldDefinitions ??= new Set()));
    }
    if (change.newSource !== undefined && isPython(change.newPath)) {
      texts.new += `${squash(change.newSource)}\n`;
      noteDefinitions(change.newSource, (texts.newDefinitions ??= new Set()));
    }

    if (change.oldSource !== undefined && isPython(change.oldPath)) {
      const oldTests = testsIn(change.oldSource, change.oldPath!, settings)?.tests;
      if (oldTests) {
        const after = change.newSource !== undefined ? testsIn(change.newSource, change.newPath!, settings, true) : undefined;
        const newLines = change.newView ? (change.newSource ?? '').split('\n') : [];
        testChanges.push({
          oldPath: change.oldPath,
          newPath: change.newPath,
          oldTests,
          newTests: change.newSource !== undefined ? (after?.tests ?? []) : undefined,
          newUncollected: after?.uncollected,
          oldToNew: change.oldToNew,
          oldUnseen: change.fromHunks,
          newInView: change.newView ? (t) => showsWhole(change.newView, newLines, t.line, t.endLine ?? t.line) : undefined,
        });
      }
    }
    if (change.newSource === undefined || !isPython(change.newPath)) continue;
    if (change.oldSource === undefined) {
      const created = testsIn(change.newSource, change.newPath!, settings, true);
      addedTests.push(...(created?.tests ?? []).map((t) => t.name));
      // A created test file: tests moved into it are compared with where they came from.
      if (created?.tests.length) {
        const newLines = change.newView ? change.newSource.split('\n') : [];
        testChanges.push({ newPath: change.newPath, oldTests: [], newTests: created.tests, newUncollected: created.uncollected, oldToNew: change.oldToNew, oldUnseen: change.fromHunks, newInView: change.newView ? (t) => showsWhole(change.newView, newLines, t.line, t.endLine ?? t.line) : undefined });
      }
    }
    files++;
    const result = analysed.get(change) ?? analyze({ source: change.newSource, path: options.rolePathFor?.(path) ?? path, settings }, rules);
    if (result.error) {
      errors.push({ path, message: result.error });
      continue;
    }
    // A suppression the change adds does not count: the finding it hides is reported.
    const unhonoured = result.suppressed.filter((s) => change.addedLines.has(s.suppressionLine));
    const honoured = result.suppressed.filter((s) => !change.addedLines.has(s.suppressionLine));
    const revealed = unhonoured.map(({ justification: _j, suppressionLine: _l, ...f }) => f);
    let findings = [...result.findings, ...revealed];
    if (options.scope === 'lines') {
      // A finding on an unchanged line is still the change's doing when the old text did not have it: the
      // change rewrote the body of the `def` it is reported on, or the import that makes a call an exit.
      const untouched = findings.filter((f) => !touches(f, change.addedLines) && !revealed.includes(f));
      const before = untouched.length ? findingLinesBefore(change, options, rules) : undefined;
      findings = findings.filter((f) => touches(f, change.addedLines) || revealed.includes(f) || (before !== undefined && !before.has(`${f.rule}:${f.range.start.line}`)));
    }
    findings.push(...review(suppressionAdded, addedSuppressionFindings(result.suppressions, change.addedLines)));
    if (/(^|\/)conftest\.py$/.test(path)) findings.push(...review(testDeleted, conftestExclusions(change.newSource, change.addedLines)));
    const file = fileFor(path);
    file.findings.push(...findings);
    file.suppressed.push(...honoured);
  }

  for (const d of deletedTestFindings(testChanges, addedTests, pythonFiles, texts)) {
    const settings = options.settingsFor(d.path);
    if (!isRuleEnabled(testDeleted.meta, settings)) continue;
    fileFor(d.path).findings.push({ ...d.finding, severity: effectiveSeverity(testDeleted.meta, d.finding.severity, settings) });
  }

  const results = [...byPath.values()].filter((r) => r.findings.length || r.suppressed.length);
  for (const r of results) r.findings.sort(compareFindings);
  results.sort((a, b) => a.path.localeCompare(b.path));
  return { files, results, errors };
}

/** The analyses of the change's new Python sources, made together (analyzeProject), by change. */
function analyseTogether(changes: FileChange[], rules: readonly Rule[], options: ReviewOptions): Map<FileChange, AnalysisResult> {
  const analysable = changes.filter((c) => !c.error && c.newSource !== undefined && isPython(c.newPath));
  const inputs: AnalysisInput[] = analysable.map((c) => ({ source: c.newSource!, path: options.rolePathFor?.(c.newPath!) ?? c.newPath!, settings: options.settingsFor(c.newPath!) }));
  const results = analyzeProject(inputs, rules);
  return new Map(analysable.map((c, i) => [c, results[i]!]));
}

/**
 * `rule:line` of each finding of the old text, suppressed or not, at its line in the new text; undefined
 * when there is no old Python text to compare with (a new file: every line is added anyway).
 */
function findingLinesBefore(change: FileChange, options: ReviewOptions, rules: readonly Rule[]): Set<string> | undefined {
  if (change.oldSource === undefined || !isPython(change.oldPath)) return undefined;
  const settings = options.settingsFor(change.oldPath!);
  const old = analyze({ source: change.oldSource, path: options.rolePathFor?.(change.oldPath!) ?? change.oldPath!, settings }, rules);
  if (old.error) return undefined;
  return new Set([...old.findings, ...old.suppressed].map((f) => `${f.rule}:${change.oldToNew(f.range.start.line)}`));
}

/** The most severe default among the rules a settings key names: lowering any of them weakens the review. */
function strictestDefault(key: string, rules: readonly Rule[]): string | undefined {
  const order = ['hint', 'info', 'warning', 'error'];
  let best: string | undefined;
  for (const m of rulesForKey(key, rules.map((r) => r.meta))) if (!best || order.indexOf(m.defaultSeverity) > order.indexOf(best)) best = m.defaultSeverity;
  return best;
}

/**
 * The tests a Python file defines, and its definitions named like tests that the runner does not collect
 * (where a test renamed out of collection lands), when it is a test file (by role); undefined otherwise.
 */
function testsIn(source: string, path: string, settings: AnalysisSettings, always = false): { tests: TestDefinition[]; uncollected: UncollectedDefinition[] } | undefined {
  return withParsed(source, (root) => {
    const facts = collectFileFacts(path, source, root, settings.boundHooks);
    let names: NameResolver | undefined;
    const role = classifyFile(facts, root, () => (names ??= new NameResolver(root)), settings);
    if (role !== 'test' && !always) return undefined;
    return { tests: collectTests(root), uncollected: uncollectedTestNames(root) };
  });
}

/** Code a change adds to a conftest that deselects or xfails/skips named tests (RH902). */
function conftestExclusions(source: string, addedLines: ReadonlySet<number>): Finding[] {
  return withParsed(source, (root) => conftestExclusionFindings(root, addedLines)) ?? [];
}

/** `read` of the parsed source, the tree freed afterwards; undefined when the source cannot be parsed. */
function withParsed<T>(source: string, read: (root: Node) => T): T | undefined {
  let tree;
  try {
    tree = parsePython(source);
  } catch {
    return undefined;
  }
  try {
    return read(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** The names of the functions and classes a Python text defines (`def parse_duration(`), at any depth. */
function noteDefinitions(source: string, into: Set<string>): void {
  for (const m of source.matchAll(/^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)/gm)) into.add(m[1]!);
}
