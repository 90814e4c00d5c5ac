/**
 * The command-line scanner: `reward-hack-detector scan [PATH...]`. A thin host over the same engine as
 * the language server: it finds files, reads them, calls analyze() and prints.
 * Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage error or crash.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, initParser, isSeverity, severityRank, type AnalysisSettings, type Severity, type SeveritySetting } from '../engine';
import { readSourceFile } from '../host/read';
import { locateWasm } from '../host/wasm';
import { ALL_META, ALL_RULES } from '../rules/registry';
import { formatJson, formatText, type FileFindings } from './format';
import { collectFiles } from './walk';
import { isKnownRuleKey } from '../engine';

/** Injected by the bundler from package.json; 'dev' when running from source. */
declare const RHD_VERSION: string | undefined;
const version = typeof RHD_VERSION === 'string' ? RHD_VERSION : 'dev';

export class UsageError extends Error {}

const HELP = `Usage: reward-hack-detector scan [options] [PATH...]
       reward-hack-detector rules [--format text|json]

Finds test-gaming code in Python: forced success exits, always-true equality,
pytest report forgery and more. PATHs are files or folders (default: .).

Options:
  --format text|json        output format (default: text)
  --fail-on SEVERITY        exit 1 when a finding is at least this severe:
                            error, warning, info, hint, or never (default: warning)
  --select RULES            only run these rules (comma-separated codes, names or families: RH1, exit)
  --ignore RULES            do not run these rules
  --severity RULE=LEVEL     set a rule's severity (off, hint, info, warning, error); repeatable
  --test-files GLOB         mark files matching GLOB as tests (repeatable; replaces the defaults)
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

/** Path given to the engine for role detection: relative to the working folder when inside it. */
function rolePath(fsPath: string, cwd: string): string {
  const abs = path.resolve(cwd, fsPath);
  const rel = path.relative(cwd, abs);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel).split(path.sep).join('/');
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
  if (command !== 'scan') throw new UsageError(`unknown command '${command}' (expected 'scan' or 'rules')`);

  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'warning' },
        select: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
        severity: { type: 'string', multiple: true },
        'test-files': { type: 'string', multiple: true },
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
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const failOn = opts['fail-on']!;
  if (failOn !== 'never' && !isSeverity(failOn)) throw new UsageError(`--fail-on must be error, warning, info, hint or never, not '${failOn}'`);
  const select = splitList(opts.select);
  const ignored = splitList(opts.ignore);
  checkRuleKeys(select, '--select');
  checkRuleKeys(ignored, '--ignore');
  const settings: AnalysisSettings = { rules: parseSeverities(opts.severity), select, ignore: ignored };
  if (opts['test-files']) settings.testFiles = opts['test-files'];

  const inputs = parsed.positionals.length ? parsed.positionals : ['.'];
  const walked = collectFiles(inputs.map((p) => p));
  await initParser(locateWasm());

  const results: FileFindings[] = [];
  const errors = [...walked.errors];
  for (const file of walked.files) {
    const read = readSourceFile(path.resolve(io.cwd, file.fsPath));
    if ('error' in read) {
      errors.push({ path: file.displayPath, message: read.error });
      continue;
    }
    const result = analyze({ source: read.source, path: rolePath(file.fsPath, io.cwd), settings }, ALL_RULES);
    if (result.error) errors.push({ path: file.displayPath, message: result.error });
    for (const e of result.ruleErrors) errors.push({ path: file.displayPath, message: `internal error in ${e.rule}: ${e.message}` });
    if (result.findings.length) results.push({ path: file.displayPath, findings: result.findings });
  }
  const report = { files: walked.files.length, results, errors };
  io.stdout(format === 'json' ? formatJson(report) : formatText(report));

  if (failOn === 'never') return 0;
  const threshold = severityRank(failOn as Severity);
  return results.some((r) => r.findings.some((f) => severityRank(f.severity) >= threshold)) ? 1 : 0;
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
