/**
 * pytest's own configuration, as far as it decides which tests run: `addopts`, `testpaths`,
 * `python_files`/`python_classes`/`python_functions` and `norecursedirs`, from `pytest.ini`, `.pytest.ini`,
 * `tox.ini` (`[pytest]`), `setup.cfg` (`[tool:pytest]`) or `pyproject.toml` (`[tool.pytest.ini_options]`).
 * A review compares the two sides of a change (RH902: tests taken out of the run by configuration).
 */
import { parse as parseShellWords } from 'shell-quote';
import { parse as parseToml } from 'smol-toml';


/** The file names pytest reads its configuration from, in its order of precedence. */
export const PYTEST_CONFIG_FILES = ['pytest.ini', '.pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'];
export interface PytestRunConfig {
  /** `addopts` split the way pytest splits it (shell words). */
  addopts: string[];
  /** The other keys, as lists of words; absent keys are absent. */
  lists: Partial<Record<ListKey, string[]>>;
  /** The pytest commands of tox's environments (`[testenv] commands = pytest ...`). */
  commands?: PytestCommand[];
}

/** One pytest invocation in a tox environment's `commands`. */
export interface PytestCommand {
  /** The environment's section (`testenv`, `testenv:py311`); empty when a hunk does not show it. */
  env: string;
  /** The words after `pytest` (`python -m pytest`, `coverage run -m pytest`). */
  args: string[];
  /** How tox is told to pass whatever pytest returns: `- pytest`, `pytest || true`, `ignore_outcome = true`. */
  ignoresFailure?: string;
}

export type ListKey = 'testpaths' | 'python_files' | 'python_classes' | 'python_functions' | 'norecursedirs';
const LIST_KEYS: readonly ListKey[] = ['testpaths', 'python_files', 'python_classes', 'python_functions', 'norecursedirs'];

/** pytest's defaults for the collection patterns: a key set for the first time replaces these. */
export const PYTEST_DEFAULTS: Partial<Record<ListKey, string[]>> = {
  python_files: ['test_*.py', '*_test.py'],
  python_classes: ['Test'],
  python_functions: ['test'],
};

/** The INI section pytest reads in a file of this name, or undefined when pytest reads no INI section there. */
function iniSectionFor(path: string): string | undefined {
  const base = path.split('/').pop() ?? '';
  if (base === 'pytest.ini' || base === '.pytest.ini' || base === 'tox.ini') return 'pytest';
  if (base === 'setup.cfg') return 'tool:pytest';
  return undefined;
}

/** True for the files pytest reads its configuration from, and tox's (whose commands run pytest). */
export function isPytestConfigPath(path: string | undefined): boolean {
  return !!path && (iniSectionFor(path) !== undefined || /(^|\/)(pyproject|tox)\.toml$/.test(path));
}

/** pytest's configuration in a file's text; undefined when the file holds none (or cannot be read). */
export function readPytestConfig(text: string, path: string): PytestRunConfig | undefined {
  const section = iniSectionFor(path);
  const commands = toxCommands(text, path);
  const raw = section ? iniValues(text, section) : /(^|\/)tox\.toml$/.test(path) ? undefined : tomlValues(text);
  if (!raw) return commands.length ? { addopts: [], lists: {}, commands } : undefined;
  const addopts = raw.addopts === undefined ? [] : typeof raw.addopts === 'string' ? shellWords(raw.addopts) : raw.addopts;
  const config: PytestRunConfig = { addopts, lists: {} };
  for (const key of LIST_KEYS) {
    const value = raw[key];
    if (value !== undefined) config.lists[key] = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
  }
  // `-o python_files=test_u*.py` in addopts overrides the key for every run (pytest applies it over the INI value).
  for (const [key, value] of overriddenKeys(addopts)) config.lists[key] = value.split(/\s+/).filter(Boolean);
  if (commands.length) config.commands = commands;
  return config;
}

/** The collection keys that `-o key=value` / `--override-ini=key=value` options set, in order. */
function overriddenKeys(words: readonly string[]): [ListKey, string][] {
  const out: [ListKey, string][] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let setting: string | undefined;
    if (word === '-o' || word === '--override-ini') setting = words[++i];
    else if (word.startsWith('--override-ini=')) setting = word.slice('--override-ini='.length);
    else if (word.startsWith('-o') && !word.startsWith('--')) setting = word.slice(2);
    const eq = setting?.indexOf('=') ?? -1;
    const key = eq > 0 ? setting!.slice(0, eq).trim() : '';
    if ((LIST_KEYS as readonly string[]).includes(key)) out.push([key as ListKey, setting!.slice(eq + 1)]);
  }
  return out;
}

/**
 * The pytest commands of tox's environments: `commands` of `[testenv]`/`[testenv:name]` in tox.ini or
 * setup.cfg (or pyproject.toml's `legacy_tox_ini`), and of `env_run_base`/`env.<name>` in tox.toml or
 * pyproject.toml's `[tool.tox]`. A `commands` key before any section header (a hunk that does not show
 * it) counts, with the environment unknown.
 */
export function toxCommands(text: string, path: string): PytestCommand[] {
  const base = path.split('/').pop() ?? '';
  if (base === 'tox.ini' || base === 'setup.cfg') return iniToxCommands(text);
  if (base !== 'tox.toml' && base !== 'pyproject.toml') return [];
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const tox = (base === 'tox.toml' ? doc : (doc.tool as Record<string, unknown> | undefined)?.tox) as Record<string, unknown> | undefined;
  if (!tox || typeof tox !== 'object') return [];
  if (typeof tox.legacy_tox_ini === 'string') return iniToxCommands(tox.legacy_tox_ini);
  const out: PytestCommand[] = [];
  const fromEnv = (env: string, table: unknown) => {
    const commands = (table as Record<string, unknown> | undefined)?.commands;
    if (!Array.isArray(commands)) return;
    for (const c of commands) if (Array.isArray(c)) pushPytest(out, env, c.map((w) => (typeof w === 'string' ? w : '{replace}')));
  };
  fromEnv('env_run_base', tox.env_run_base);
  const envs = tox.env as Record<string, unknown> | undefined;
  if (envs && typeof envs === 'object') for (const [name, table] of Object.entries(envs)) fromEnv(`env.${name}`, table);
  return out;
}

function iniToxCommands(text: string): PytestCommand[] {
  const out: PytestCommand[] = [];
  let section: string | undefined;
  let inCommands = false;
  let pending = '';
  // Environments with `ignore_outcome = true`: tox reports their failures as passes.
  const ignoring = new Set<string>();
  const flush = () => {
    const command = pending.trim();
    // A leading `-` tells tox to ignore the command's exit code.
    if (command) pushPytest(out, section ?? '', shellWords(command.replace(/^-\s*/, '')), command.startsWith('-') ? '- pytest' : undefined);
    pending = '';
  };
  const isEnv = () => section === undefined || section === 'testenv' || section.startsWith('testenv:');
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[([^\]]*)\]/.exec(line);
    if (header) {
      flush();
      section = header[1]!.trim();
      inCommands = false;
      continue;
    }
    if (/^\s*([#;]|$)/.test(line)) continue;
    if (/^\s/.test(line)) {
      if (!inCommands) continue;
      // Each continuation line is a command of its own, unless the one before ends with `\`.
      if (!pending.endsWith('\\')) flush();
      pending = `${pending.replace(/\\$/, '')} ${line.trim()}`;
      continue;
    }
    flush();
    const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    inCommands = !!entry && entry[1]!.trim() === 'commands' && isEnv();
    if (inCommands) pending = entry![2]!.trim();
    if (entry && entry[1]!.trim() === 'ignore_outcome' && isEnv() && /^(true|1|yes)$/i.test(entry[2]!.trim())) ignoring.add(section ?? '');
  }
  flush();
  for (const c of out) if (ignoring.has(c.env)) c.ignoresFailure ??= 'ignore_outcome = true';
  return out;
}

/** Adds the command to `out` when it runs pytest: `pytest`, `py.test`, `{envbindir}/pytest`, `python -m pytest`. */
function pushPytest(out: PytestCommand[], env: string, words: string[], ignoresFailure?: string): void {
  const at = words.findIndex((w, i) => /(^|[/}])(py\.test|pytest)$/.test(w) && (i === 0 || words[i - 1] === '-m' || !words[i - 1]!.startsWith('-')));
  if (at < 0) {
    // `bash -c 'pytest {posargs} || true'`: the command a shell runs.
    const script = words.findIndex((w, i) => i > 0 && words[i - 1] === '-c' && /\b(py\.test|pytest)\b/.test(w));
    if (script > 0) pushPytest(out, env, shellWords(words[script]!), ignoresFailure);
    return;
  }
  // `pytest ... || true`, `pytest ...; exit 0`: the shell turns a failure into success.
  const rest = words.slice(at + 1);
  const op = rest.findIndex((w) => w === '||' || w === ';');
  const args = op >= 0 ? rest.slice(0, op) : rest;
  const after = op >= 0 ? rest.slice(op + 1).join(' ') : '';
  const swallowed = op >= 0 && /^(true|:|exit 0)\b/.test(after) ? `${rest[op]} ${after}` : undefined;
  out.push({ env, args, ...(ignoresFailure || swallowed ? { ignoresFailure: ignoresFailure ?? swallowed } : {}) });
}

type RawValues = Partial<Record<'addopts' | ListKey, string | string[]>>;

/**
 * The keys of one section of an INI file as pytest's reader (iniconfig) sees it: `key = value` or
 * `key: value`, lines that start with whitespace continue the value, `#`/`;` lines are comments. The INI
 * packages on npm do not join continuation lines, which is how multi-line `addopts` is written.
 * Keys before any section header (a side of a patch rebuilt from hunks, whose header lies outside them)
 * are read too: these key names are pytest's own.
 */
function iniValues(text: string, wanted: string): RawValues | undefined {
  const values: Record<string, string> = {};
  let section: string | undefined;
  let key: string | undefined;
  let found = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    const header = /^\[([^\]]*)\]/.exec(line);
    if (header) {
      section = header[1]!.trim();
      key = undefined;
      found ||= section === wanted;
      continue;
    }
    const inScope = section === undefined || section === wanted;
    if (/^\s/.test(line)) {
      if (inScope && key) values[key] += `\n${line.trim()}`;
      continue;
    }
    const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    key = entry && inScope ? entry[1]!.trim() : undefined;
    if (key) {
      values[key] = entry![2]!.trim();
      found = true;
    }
  }
  if (!found) return undefined;
  const out: RawValues = {};
  for (const k of ['addopts', ...LIST_KEYS] as const) if (values[k] !== undefined) out[k] = values[k];
  return out;
}

/** `[tool.pytest.ini_options]` of a pyproject.toml, where values are strings or arrays of strings. */
function tomlValues(text: string): RawValues | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const tool = doc.tool as Record<string, unknown> | undefined;
  const pytest = tool?.pytest as Record<string, unknown> | undefined;
  const options = pytest?.ini_options as Record<string, unknown> | undefined;
  if (!options || typeof options !== 'object') return undefined;
  const out: RawValues = {};
  for (const k of ['addopts', ...LIST_KEYS] as const) {
    const v = options[k];
    if (typeof v === 'string') out[k] = v;
    // A TOML array is pytest's list of words already (`addopts = ["-k", "not slow"]`).
    else if (Array.isArray(v)) out[k] = v.map(String);
  }
  return out;
}

/** Shell words, as pytest's `shlex.split` makes them: globs and `$VARS` stay as written. */
export function shellWords(text: string): string[] {
  return parseShellWords(text, (name) => `$${name}`).map((w) => (typeof w === 'string' ? w : 'pattern' in w ? w.pattern : 'op' in w ? String(w.op) : ''));
}

/** One `addopts` option that takes tests out of the run, in a form that compares across sides. */
export interface RunNarrowingOption {
  /** `--ignore`, `--deselect`, `-k`, `-m`, `--collect-only`… */
  option: string;
  value?: string;
  /** The words as written, to find them in the file. */
  written: string;
}

/** Options of pytest that take a value and narrow which tests run. */
const VALUE_OPTIONS: Record<string, string> = {
  '--ignore': '--ignore',
  '--ignore-glob': '--ignore-glob',
  '--deselect': '--deselect',
  '-k': '-k',
  '-m': '-m',
};
/** Options after which no test runs at all. */
const NO_RUN_OPTIONS: Record<string, string> = {
  '--collect-only': '--collect-only',
  '--co': '--collect-only',
  '--setup-only': '--setup-only',
  '--setup-plan': '--setup-plan',
  // Information that pytest prints instead of running the tests, exiting 0.
  '--fixtures': '--fixtures',
  '--funcargs': '--fixtures',
  '--fixtures-per-test': '--fixtures-per-test',
  '--markers': '--markers',
  '--version': '--version',
  '-V': '--version',
  '--help': '--help',
  '-h': '--help',
  // pytest-custom_exit_code: failing tests no longer fail the run.
  '--suppress-tests-failed-exit-code': '--suppress-tests-failed-exit-code',
};

/** The narrowing options among `addopts` words (`--ignore=x`, `--ignore x`, `-kexpr`, `-k expr`). */
export function runNarrowingOptions(words: readonly string[]): RunNarrowingOption[] {
  const out: RunNarrowingOption[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (NO_RUN_OPTIONS[word]) {
      out.push({ option: NO_RUN_OPTIONS[word]!, written: word });
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    if (VALUE_OPTIONS[name] !== undefined) {
      if (eq > 0) out.push({ option: VALUE_OPTIONS[name]!, value: word.slice(eq + 1), written: word });
      else if (i + 1 < words.length) {
        out.push({ option: VALUE_OPTIONS[name]!, value: words[i + 1]!, written: words[i + 1]! });
        i++;
      }
      continue;
    }
    // Plugins switched off that collect tests: `-p no:unittest` (TestCase classes), `-p no:python` (everything).
    const plugin = word === '-p' ? words[i + 1] : /^-p(no:.+)$/.exec(word)?.[1];
    if (plugin && /^no:(unittest|python|doctest)$/.test(plugin)) {
      out.push({ option: '-p', value: plugin, written: word === '-p' ? plugin : word });
      if (word === '-p') i++;
      continue;
    }
    // Short options glued to their value: `-knot slow`, `-mnot db`.
    const glued = /^-([km])(.+)$/.exec(word);
    if (glued) out.push({ option: `-${glued[1]}`, value: glued[2]!, written: word });
  }
  return out;
}
