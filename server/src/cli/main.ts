/**
 * The command-line scanner: `reward-hack-detector scan [PATH...]`. A thin host over the same engine as
 * the language server: it finds files, reads them, calls analyze() and prints.
 * Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage error or crash.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, analyzeConfigFile, configFileNames, initParser, isKnownRuleKey, projectTestFunctionNames, isSeverity, severityRank, type Severity, type SeveritySetting } from '../engine';
import { ConfigResolver, parseProjectConfig, readIfExists } from '../host/config';
import { fileReaderAt, gitChanges, ReviewError } from '../host/git';
import { patchChanges } from '../host/patch';
import { readSourceFile } from '../host/read';
import { locateWasm } from '../host/wasm';
import type { FileChange } from '../review/changes';
import { reviewChanges, type DiffScope } from '../review/review';
import { ALL_META, ALL_RULES } from '../rules/registry';
import { formatJson, formatText, type FileFindings, type ScanReport } from './format';
import { formatSarif } from './sarif';
import { SettingsBuilder } from './settings';
import { collectFiles } from '../host/walk';
import * as readline from 'node:readline';
import type { AnalysisSettings } from '../engine';
import { runBatchRecord, type BatchTask } from './batch';
import { defaultJobs, WorkerPool } from './pool';
import { ANALYSIS_POOL, scanFiles, type FileTask } from './tasks';

interface Parallelism {
  jobs: number;
  timeoutMs: number;
}

/** Injected by the bundler from package.json; 'dev' when running from source. */
declare const RHD_VERSION: string | undefined;
const version = typeof RHD_VERSION === 'string' ? RHD_VERSION : 'dev';

export class UsageError extends Error {}

const HELP = `Usage: reward-hack-detector scan [options] [PATH...]
       reward-hack-detector batch [options] < records.jsonl > results.jsonl
       reward-hack-detector rules [--format text|json]

Finds test-gaming code in Python: forced success exits, always-true equality,
pytest report forgery and more. PATHs are files or folders (default: .).

Options:
  --format text|json|sarif  output format (default: text)
  --fail-on SEVERITY        exit 1 when a finding is at least this severe:
                            error, warning, info, hint, or never (default: warning)
  --select RULES            only run these rules (comma-separated codes, names or families: RH1, exit)
  --ignore RULES            do not run these rules
  --severity RULE=LEVEL     set a rule's severity (off, hint, info, warning, error); repeatable
  --test-files GLOB         mark files matching GLOB as tests (repeatable; replaces the defaults)
  --jobs N                  worker threads (default: the number of cores; 1 scans in-process)
  --timeout SECONDS         per-file time budget in worker threads (default: 30)

Reviewing a change (report only what the change adds):
  --diff [BASE]             files changed between BASE (default HEAD) and the working tree
  --staged                  with --diff: compare BASE with the index instead
  --diff-scope lines|files  report the findings the change adds (default) or all in changed files
  --patch FILE|-            review a unified diff applied to the files on disk (- reads stdin)
  In these modes suppressions added by the change are not honoured and are reported (RH901),
  and so are configuration changes that silence rules and deleted tests (RH902).

Batch mode reads JSON Lines on stdin, one record per line: {"id": ..., "files": {"path": "content"}}
or {"id": ..., "patch": "<unified diff>"}, and writes one line per record, in input order:
{"id", "hacked", "max_severity", "findings"} (or {"id", "error"}). --select, --ignore, --severity,
--jobs and --timeout apply; --fail-on sets the severity that counts as hacked (default warning).

Configuration: [tool.reward-hack-detector] in the nearest pyproject.toml (rules, test-files,
exclude); command-line flags win over it.
  -h, --help                show this help
  -v, --version             show the version
`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

function checkRuleKeys(keys: string[], option: string): void {
  for (const k of keys) {
    if (!isKnownRuleKey(k, [...ALL_META])) throw new UsageError(`${option}: unknown rule or family '${k}' (see 'reward-hack-detector rules')`);
  }
}

function parseSeverities(values: string[] | undefined): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  for (const item of splitList(values)) {
    const m = /^([^=]+)=(.+)$/.exec(item);
    const level = m?.[2]?.trim().toLowerCase();
    if (!m || !level || !(level === 'off' || isSeverity(level))) {
      throw new UsageError(`--severity expects RULE=LEVEL with LEVEL one of off, hint, info, warning, error; got '${item}'`);
    }
    checkRuleKeys([m[1]!], '--severity');
    out[m[1]!.trim()] = level as SeveritySetting;
  }
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(HELP);
    return command ? 0 : 2;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${version}\n`);
    return 0;
  }
  if (command === 'rules') return listRules(rest, io);
  if (command !== 'scan' && command !== 'batch') throw new UsageError(`unknown command '${command}' (expected 'scan', 'batch' or 'rules')`);

  // `--diff [BASE]`: the value is optional, so take it out before parseArgs sees it.
  const { args: scanArgs, base } = extractDiffBase(rest, io.cwd);
  let parsed;
  try {
    parsed = parseArgs({
      args: scanArgs,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'warning' },
        select: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
        severity: { type: 'string', multiple: true },
        'test-files': { type: 'string', multiple: true },
        diff: { type: 'boolean' },
        staged: { type: 'boolean' },
        'diff-scope': { type: 'string', default: 'lines' },
        patch: { type: 'string' },
        jobs: { type: 'string' },
        timeout: { type: 'string', default: '30' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const opts = parsed.values;
  if (opts.help) {
    io.stdout(HELP);
    return 0;
  }
  const format = opts.format!;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  const failOn = opts['fail-on']!;
  if (failOn !== 'never' && !isSeverity(failOn)) throw new UsageError(`--fail-on must be error, warning, info, hint or never, not '${failOn}'`);
  const scope = opts['diff-scope']!;
  if (scope !== 'lines' && scope !== 'files') throw new UsageError(`--diff-scope must be lines or files, not '${scope}'`);
  if (opts.diff && opts.patch !== undefined) throw new UsageError('--diff and --patch cannot be combined');
  if (opts.staged && !opts.diff) throw new UsageError('--staged goes with --diff');
  const select = splitList(opts.select);
  const ignored = splitList(opts.ignore);
  checkRuleKeys(select, '--select');
  checkRuleKeys(ignored, '--ignore');
  const overrides = { rules: parseSeverities(opts.severity), select, ignore: ignored, testFiles: opts['test-files'] };
  const jobs = opts.jobs === undefined ? defaultJobs() : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`--jobs must be a whole number from 1 to 256, not '${opts.jobs}'`);
  const timeoutSeconds = Number(opts.timeout);
  if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, not '${opts.timeout}'`);
  const parallel: Parallelism = { jobs, timeoutMs: timeoutSeconds * 1000 };

  if (command === 'batch') {
    if (parsed.positionals.length) throw new UsageError('batch reads records from standard input and takes no paths');
    const settings = new SettingsBuilder(io.cwd, overrides).forFile(path.join(io.cwd, 'record.py')).settings;
    await runBatch(settings, failOn === 'never' ? 'error' : (failOn as Severity), parallel, io.cwd);
    return 0;
  }

  const inputs = parsed.positionals.length ? parsed.positionals : ['.'];
  let report: ScanReport;
  let reviewFailed = false;
  if (opts.diff || opts.patch !== undefined) {
    let changes: FileChange[];
    let root: string;
    // A change is judged by the configuration it started from: the base commit's, or (for a patch) the files on disk.
    let builder: SettingsBuilder;
    try {
      if (opts.diff) {
        const git = gitChanges(io.cwd, { base: base ?? 'HEAD', staged: !!opts.staged });
        ({ root, changes } = git);
        builder = new SettingsBuilder(io.cwd, overrides, new ConfigResolver(fileReaderAt(git.root, git.commit)));
      } else {
        root = io.cwd;
        changes = patchChanges(readPatch(opts.patch!), io.cwd);
        builder = new SettingsBuilder(io.cwd, overrides);
      }
    } catch (err) {
      if (err instanceof ReviewError) throw new UsageError(err.message);
      throw err;
    }
    await initParser(locateWasm());
    report = reviewReport(changes, root, inputs, scope, builder, io.cwd);
    // An incomplete review must not pass a gate: a patch that does not apply is a usage error.
    reviewFailed = report.errors.some((e) => /does not apply|does not exist|not a unified diff/.test(e.message));
  } else {
    report = await scanReport(inputs, new SettingsBuilder(io.cwd, overrides), io.cwd, parallel);
  }

  if (format === 'json') io.stdout(formatJson(report));
  else if (format === 'sarif') io.stdout(formatSarif({ version, rules: ALL_META, results: report.results, errors: report.errors, lineText: lineReader(io.cwd) }));
  else io.stdout(formatText(report));

  if (reviewFailed) {
    io.stderr(`reward-hack-detector: the review is incomplete: ${report.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}\n`);
    return 2;
  }
  if (failOn === 'never') return 0;
  const threshold = severityRank(failOn as Severity);
  return report.results.some((r) => r.findings.some((f) => severityRank(f.severity) >= threshold)) ? 1 : 0;
}

/** Takes `--diff` and its optional BASE out of the arguments: the next word is BASE unless it is an option or an existing path. */
function extractDiffBase(args: string[], cwd: string): { args: string[]; base?: string } {
  const out: string[] = [];
  let base: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--diff=')) {
      out.push('--diff');
      base = a.slice('--diff='.length);
    } else if (a === '--diff') {
      out.push(a);
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-') && !fs.existsSync(path.resolve(cwd, next))) {
        base = next;
        i++;
      }
    } else out.push(a);
  }
  if (base !== undefined && base.trim() === '') throw new UsageError('--diff needs a non-empty BASE');
  return { args: out, base };
}

function readPatch(file: string): string {
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read patch ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

async function scanReport(inputs: string[], builder: SettingsBuilder, cwd: string, parallel: Parallelism): Promise<ScanReport> {
  const walked = collectFiles(inputs, (fsPath) => builder.isExcluded(fsPath));
  const errors = [...walked.errors];
  const tasks: FileTask[] = walked.files.map((file) => {
    const { settings, rolePath, config } = builder.forFile(file.fsPath);
    errors.push(...builder.takeProblems(config));
    return { kind: 'file', fsPath: file.fsPath, displayPath: file.displayPath, rolePath, settings };
  });
  // In workers unless there are only a few files; the grammar is loaded in this thread only for an in-process scan.
  const outcomes = await scanFiles(tasks, { jobs: parallel.jobs, timeoutMs: parallel.timeoutMs, workerScript: workerScript(), cwd });
  const results: FileFindings[] = [];
  for (const o of outcomes) {
    errors.push(...o.errors);
    if (o.findings.length || o.suppressed.length) results.push({ path: o.path, findings: o.findings, suppressed: o.suppressed });
  }
  results.push(...configuredRunFindings(inputs, tasks, builder));
  return { files: walked.files.length, results, errors };
}

/**
 * The configuration files some rule reads (pytest's `pytest.ini`, `pyproject.toml`...) at the root of each
 * scanned folder. The project's test function names, which some checks need, are read when asked from the
 * scanned files that are test files by their path (the `testFiles` setting, as for the files' roles).
 */
function configuredRunFindings(inputs: string[], scanned: readonly { fsPath: string; rolePath: string; settings: AnalysisSettings }[], builder: SettingsBuilder): FileFindings[] {
  let names: string[] | undefined;
  const testNames = () => (names ??= projectTestFunctionNames(scanned.map((f) => ({ rolePath: f.rolePath, settings: f.settings, read: () => readIfExists(f.fsPath) }))));
  const out: FileFindings[] = [];
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = fs.statSync(input).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) continue;
    for (const name of configFileNames(ALL_RULES)) {
      const fsPath = path.join(input, name);
      let text: string;
      try {
        text = fs.readFileSync(fsPath, 'utf8');
      } catch {
        continue;
      }
      if (builder.isExcluded(fsPath)) continue;
      const { settings } = builder.forFile(fsPath);
      const findings = analyzeConfigFile(name, text, ALL_RULES, settings, testNames);
      if (findings.length) out.push({ path: fsPath, findings, suppressed: [] });
    }
  }
  return out;
}

/** The bundled worker next to the bundled CLI. */
function workerScript(): string {
  return path.join(__dirname, 'worker.js');
}

/**
 * Streams records from stdin through the pool and writes results in input order. At most a few records
 * per worker are in flight, so memory stays flat however long the stream is.
 */
async function runBatch(settings: AnalysisSettings, hackedAt: Severity, parallel: Parallelism, cwd: string): Promise<void> {
  const maxInFlight = parallel.jobs * 4;
  const pool =
    parallel.jobs > 1 ? new WorkerPool(workerScript(), { size: parallel.jobs, workerData: { cwd }, timeoutMs: parallel.timeoutMs, ...ANALYSIS_POOL }) : undefined;
  if (!pool) await initParser(locateWasm());
  const pending: Promise<string>[] = [];
  let written = Promise.resolve();
  const write = (text: string) =>
    new Promise<void>((resolve) => {
      if (process.stdout.write(text)) resolve();
      else process.stdout.once('drain', resolve);
    });
  const flush = async (all: boolean) => {
    while (pending.length && (all || pending.length >= maxInFlight)) {
      const line = await pending.shift()!;
      written = written.then(() => write(line + '\n'));
      await written;
    }
  };
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of input) {
    lineNo++;
    if (!raw.trim()) continue;
    const task: BatchTask = { kind: 'record', line: raw, settings, hackedAt };
    const at = lineNo;
    pending.push(
      pool
        ? pool.run<string>(task).catch((err: Error) => JSON.stringify({ id: idOf(raw), error: `record on line ${at}: ${err.message}` }))
        : Promise.resolve(runBatchRecord(task)),
    );
    await flush(false);
  }
  await flush(true);
  await pool?.close();
}

/** The record's id for an error line, when it can be read. */
function idOf(line: string): unknown {
  try {
    return (JSON.parse(line) as { id?: unknown }).id ?? null;
  } catch {
    return null;
  }
}

/** Review results, with paths shown relative to the working folder and restricted to the given PATHs. */
function reviewReport(changes: FileChange[], root: string, inputs: string[], scope: DiffScope, builder: SettingsBuilder, cwd: string): ScanReport {
  const toDisplay = (rel: string) => path.relative(cwd, path.join(root, rel)) || rel;
  const within = inputs.map((p) => path.resolve(cwd, p));
  const wanted = (rel: string | undefined) => {
    if (!rel) return false;
    const abs = path.join(root, rel);
    return within.some((w) => abs === w || abs.startsWith(w.endsWith(path.sep) ? w : w + path.sep));
  };
  const selected = changes.filter((c) => wanted(c.newPath) || wanted(c.oldPath));
  const review = reviewChanges(selected, ALL_RULES, {
    scope,
    settingsFor: (rel) => builder.forFile(path.join(root, rel)).settings,
    // Test globs in a pyproject.toml are relative to its folder, which need not be the repository root.
    rolePathFor: (rel) => builder.forFile(path.join(root, rel)).rolePath,
    parseConfig: (text, rel) => parseProjectConfig(text, path.join(root, rel)),
  });
  return {
    files: review.files,
    results: review.results.map((r) => ({ path: toDisplay(r.path), findings: r.findings, suppressed: r.suppressed })),
    errors: review.errors.map((e) => ({ path: toDisplay(e.path), message: e.message })),
  };
}

/** Line text for SARIF fingerprints, read lazily from disk. */
function lineReader(cwd: string): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!cache.has(file)) {
      const read = readSourceFile(path.resolve(cwd, file));
      cache.set(file, 'source' in read ? read.source.split('\n') : undefined);
    }
    return cache.get(file)?.[line];
  };
}

function listRules(args: string[], io: CliIO): number {
  const json = args.includes('--format=json') || (args.includes('--format') && args[args.indexOf('--format') + 1] === 'json');
  if (json) {
    io.stdout(JSON.stringify(ALL_META.map((m) => ({ code: m.code, name: m.name, family: m.family, severity: m.defaultSeverity, summary: m.docs.summary })), null, 2) + '\n');
  } else {
    for (const m of ALL_META) io.stdout(`${m.code}  ${m.name.padEnd(28)} ${m.defaultSeverity.padEnd(8)} ${m.docs.summary}\n`);
  }
  return 0;
}

/** Entry point of the bundled CLI (the npm bin calls it). */
export function main(): void {
  const io: CliIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() };
  run(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      if (err instanceof UsageError) io.stderr(`reward-hack-detector: ${err.message}\nTry 'reward-hack-detector --help'.\n`);
      else io.stderr(`reward-hack-detector: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) main();
