/**
 * Precision on real code: scans the Debian corpus (corpus/files.sh) with every rule and prints the
 * warning-and-above findings by rule, then each such finding with its triage status.
 *   npm run eval:corpus               the table and the findings
 *   npm run eval:corpus -- --json     a JSON summary (used by the corpus test)
 *   npm run eval:corpus -- --list F   scan the files listed in F instead of installing the corpus
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeProject, initParser, severityRank, type AnalysisResult, type Finding } from '../server/src/engine';
import { locateWasm } from '../server/src/host/wasm';
import { readSourceFile } from '../server/src/host/read';
import { ALL_RULES } from '../server/src/rules/registry';
import { expectedKeys, findingKeys, listFixtures, listProjectFixtures, parseFixture, type Fixture } from '../test/support/fixtures';

const repo = path.join(__dirname, '..');

export interface TriageEntry {
  path: string;
  line: number;
  rule: string;
  reason: string;
}

function corpusFiles(listFile?: string): string[] {
  const text = listFile ? fs.readFileSync(listFile, 'utf8') : execFileSync('bash', [path.join(repo, 'corpus', 'files.sh')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return text.split('\n').filter(Boolean);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const listIdx = args.indexOf('--list');
  let files: string[];
  try {
    files = corpusFiles(listIdx >= 0 ? args[listIdx + 1] : undefined);
  } catch (err) {
    const status = (err as { status?: number }).status;
    console.error(status === 3 ? 'eval:corpus: the corpus is not installed and cannot be installed here (apt-get as root needed)' : String(err));
    process.exit(status === 3 ? 3 : 2);
  }
  await initParser(locateWasm());
  const triage: TriageEntry[] = JSON.parse(fs.readFileSync(path.join(repo, 'corpus', 'triage.json'), 'utf8'));
  const started = process.hrtime.bigint();
  const bySeverity = new Map<string, Record<string, number>>();
  for (const r of ALL_RULES) bySeverity.set(r.meta.code, { error: 0, warning: 0, info: 0, hint: 0 });
  const loud: (Finding & { path: string })[] = [];
  let lines = 0;
  const errors: { path: string; message: string }[] = [];
  for (const file of files) {
    const read = readSourceFile(file);
    if ('error' in read) {
      errors.push({ path: file, message: read.error });
      continue;
    }
    lines += read.source.split('\n').length;
    const result = analyze({ source: read.source, path: file }, ALL_RULES);
    if (result.error) errors.push({ path: file, message: result.error });
    for (const e of result.ruleErrors) errors.push({ path: file, message: `${e.rule} threw: ${e.message}` });
    for (const f of result.findings) {
      bySeverity.get(f.rule)![f.severity]!++;
      if (severityRank(f.severity) >= severityRank('warning')) loud.push({ ...f, path: file });
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const fixtures = fixtureResults();
  const triaged = (f: Finding & { path: string }) => triage.find((t) => t.path === f.path && t.line === f.range.start.line + 1 && t.rule === f.rule);
  const untriaged = loud.filter((f) => !triaged(f));
  const summary = {
    files: files.length,
    lines,
    seconds,
    loud: loud.length,
    untriaged: untriaged.length,
    rules: Object.fromEntries(bySeverity),
    fixtures,
    findings: loud.map((f) => ({ path: f.path, line: f.range.start.line + 1, rule: f.rule, severity: f.severity, message: f.message, reason: triaged(f)?.reason })),
    errors,
  };
  if (json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  console.log(`corpus: ${files.length} files, ${lines} lines, scanned in ${seconds.toFixed(1)} s`);
  console.log('rule    fixtures  error warning  info  hint');
  for (const [code, c] of bySeverity) {
    const fx = fixtures[code] ?? { passed: 0, total: 0 };
    console.log(`${code.padEnd(7)} ${`${fx.passed}/${fx.total}`.padStart(8)}  ${String(c.error).padStart(5)} ${String(c.warning).padStart(7)} ${String(c.info).padStart(5)} ${String(c.hint).padStart(5)}`);
  }
  console.log(`warning+ findings: ${loud.length} (budget 5), untriaged: ${untriaged.length}`);
  for (const f of loud) console.log(`${f.path}:${f.range.start.line + 1}:${f.range.start.column + 1}: ${f.rule} [${f.severity}] ${f.message}${triaged(f) ? `  (triaged: ${triaged(f)!.reason})` : '  (UNTRIAGED)'}`);
  if (errors.length) console.log(`${errors.length} files skipped or with rule errors:`), errors.slice(0, 20).forEach((e) => console.log(`  ${e.path}: ${e.message}`));
}

/** The result gives exactly the fixture's expected findings, and no rule threw (what the fixture tests check). */
function matches(fixture: Fixture, result: AnalysisResult): boolean {
  return JSON.stringify(findingKeys(result.findings)) === JSON.stringify(expectedKeys(fixture)) && result.ruleErrors.length === 0;
}

/** Per rule folder of test/fixtures: how many fixture files (and project folders) give exactly their expected findings. */
function fixtureResults(): Record<string, { passed: number; total: number }> {
  const out: Record<string, { passed: number; total: number }> = {};
  for (const file of listFixtures()) {
    const code = path.basename(path.dirname(file));
    const fixture = parseFixture(file);
    const result = analyze({ source: fixture.source, path: fixture.virtualPath }, ALL_RULES);
    const entry = (out[code] ??= { passed: 0, total: 0 });
    entry.total++;
    if (matches(fixture, result)) entry.passed++;
  }
  // A project fixture (a folder) counts once: it passes when every one of its files gives exactly its expectations.
  for (const project of listProjectFixtures()) {
    const code = path.basename(path.dirname(project.root));
    const fixtures = project.files.map((f) => parseFixture(f, project.root));
    const results = analyzeProject(fixtures.map((f) => ({ source: f.source, path: f.virtualPath })), ALL_RULES);
    const entry = (out[code] ??= { passed: 0, total: 0 });
    entry.total++;
    if (results.every((result, i) => matches(fixtures[i]!, result))) entry.passed++;
  }
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
