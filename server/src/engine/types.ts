/**
 * The engine's public vocabulary. Everything here is plain data so that the CLI, the language server
 * and the tests can share it without depending on LSP or the file system.
 */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export const SEVERITIES: readonly Severity[] = ['hint', 'info', 'warning', 'error'];

/** Rank used to compare severities: hint < info < warning < error. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** 0-based line and column; columns count UTF-16 code units, as LSP does. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  /** Safe fixes keep the program's legitimate behaviour; only those are applied in bulk. */
  safe: boolean;
  edits: TextEdit[];
}

export interface RelatedLocation {
  range: Range;
  message: string;
}

export type FindingTag = 'unnecessary';

export interface Finding {
  rule: string;
  name: string;
  severity: Severity;
  message: string;
  range: Range;
  related?: RelatedLocation[];
  fix?: Fix;
  tags?: FindingTag[];
}

export interface SuppressedFinding extends Finding {
  /** The text after `--` in the suppression comment, or '' when none was given. */
  justification: string;
  suppressionLine: number;
}

/**
 * What a file is for. Severity depends on it: the same construct can be a hack in code under test and
 * normal in a test.
 */
export type FileRole = 'test' | 'test-infrastructure' | 'entry-point' | 'code-under-test';

export interface Suppression {
  kind: 'line' | 'file';
  /** Rule codes or names as written; empty means every rule. */
  rules: string[];
  justification: string;
  /** 0-based line of the comment. */
  line: number;
  range: Range;
}

export interface AnalysisSettings {
  /** Rule code, rule name, family code (`RH1`) or family name (`exit`) mapped to a severity or `off`. */
  rules?: Record<string, SeveritySetting>;
  /** Globs (matched against the path relative to the project root) that mark test files. */
  testFiles?: string[];
  /** Globs that mark test infrastructure (conftest.py, plugins). */
  testInfrastructureFiles?: string[];
  /** Only these rules run, when given (codes, names or families). */
  select?: string[];
  /** These rules never run (codes, names or families). */
  ignore?: string[];
  /** Files larger than this many characters are skipped with an error. */
  maxFileSize?: number;
  /** A parse that takes longer is stopped and the file reported as not analysed. */
  parseTimeLimitMs?: number;
  /**
   * Module-level functions of this file that the project declares as commands (`[project.scripts]` in its
   * pyproject.toml): their code is an entry point's, like code under `if __name__ == "__main__":`.
   */
  entryPointFunctions?: string[];
  /**
   * What other modules of the project bind names this file imports to, keyed by the qualified name as the
   * file imports it (`._compat.HAS_TZDB`, `pkg.helpers.probe`). Filled by the host from the other files'
   * `exports` (project.ts); rules read it through `RuleContext.imported`.
   */
  imported?: Record<string, ImportedFact>;
  /**
   * Module-level functions of this file that another module binds to a pytest hook name (`from ._plugin import
   * normalize as pytest_runtest_makereport` in a conftest): function name → hook name. Filled by the host from
   * the other files' `hookBindings` (project.ts); such a function is a hook implementation like a `def pytest_*`.
   */
  boundHooks?: Record<string, string>;
  /**
   * Module-level functions of this file that other modules of the project call with word-like string literals:
   * function name → one entry per call, its positional arguments (`null` where not such a string). Filled by the
   * host from the other files' `keyedCalls` (project.ts); rules read it through `RuleContext.callerStrings`.
   */
  callerStrings?: Record<string, (string | null)[][]>;
}

/**
 * What a module-level name is known to hold, for the modules that import it:
 * - `constant`: bound once to `True`, `False` or `None`;
 * - `integer-constant`: a name of an exit status bound once to an integer literal (`STATUS_OK = 0`), for RH102;
 * - `env-flag`: bound once to a test of an environment variable that is false while the variable is unset;
 * - `test-run-probe`: a function whose result (`call`), or a name whose value, says whether a test run is in
 *   progress (`detail`: how it tells);
 * - `always-true-function`: a test helper that returns `True` whatever it is given and does nothing else;
 * - `identity-function`: a test helper whose whole body returns its one parameter (`def expected_slug(v): return v`), RH401;
 * - `refers-to`: the name is another name of `qualified` (`from os import _exit as stop`, `stop = os._exit`), which
 *   the file importing it resolves it to;
 * - `result-patching-function`: a function that rebinds the test framework's result or runner machinery so
 *   failures are not reported (`detail`: what it does); calling it at import applies it to the whole run;
 * - `always-true-comparison`: a module-level function of two or more parameters that returns `True` and does
 *   nothing else (`def amounts_match(self, other): return True`), for a class that installs it as `__eq__`;
 * - `swallowing-manager`: a context manager whose block's failures are dropped (`how`: by what; `keeps`: attributes it files the failure under, which a test reading them back checks);
 * - `alias`: the module imports the name from `target` (a package's re-export, or an import under another name),
 *   followed by the project index;
 * - `literal-table`: bound once, and never written, to a literal table keyed by literal argument tuples of `arity`
 *   items (`KNOWN = {(8, 4): 70}`): its `rows`, whether a key holds data (numbers, free text), what a dict's values
 *   are (`names`: all strings, `signs`: all flags or signs, else `values`), and the intent its comment states (RH505);
 * - `always-true-descriptor`: a class whose `__get__` hands instances a function that always answers yes, so
 *   `__eq__ = TheClass()` makes every `==` true (RH201);
 * - `call-counter`: bound once to an instance of a class whose `methods` return how many times they were called
 *   (`def tick(self): self.n += 1; return self.n`), for RH504;
 * - `success-exit-function`: a module-level function of a test-side module that ends in a successful exit no test
 *   of its own file reaches (`exit`: that exit's text; `catchable`: false for `os._exit`), for RH101 at its callers.
 */
export type ImportedFact =
  | { kind: 'constant'; literal: 'True' | 'False' | 'None' }
  | { kind: 'integer-constant'; value: number }
  | { kind: 'env-flag'; variable: string }
  | { kind: 'test-run-probe'; detail: string; call: boolean }
  /** A function that returns its caller's function, module or file name (`sys._getframe(2).f_code.co_name`). */
  | { kind: 'caller-name-function' }
  /** A module-level name bound to a skip or xfail mark with no condition (`nightly = pytest.mark.skip(reason=...)`). */
  | { kind: 'skip-mark'; display: string; severity: 'warning' | 'info' }
  | { kind: 'always-true-function' }
  | { kind: 'identity-function' }
  | { kind: 'refers-to'; qualified: string }
  | { kind: 'result-patching-function'; detail: string }
  | { kind: 'swallowing-manager'; how: string; keeps?: string[] }
  | { kind: 'always-true-comparison' }
  | { kind: 'always-true-descriptor' }
  | { kind: 'alias'; target: string }
  | { kind: 'call-counter'; methods: string[] }
  | { kind: 'success-exit-function'; exit: string; catchable: boolean }
  | { kind: 'literal-table'; rows: number; arity: number; data: boolean; answers?: 'names' | 'signs' | 'values'; intent?: string };

/** An imported function (qualified as the binding file imports it) bound to a pytest hook name. */
export interface HookBinding {
  qualified: string;
  hook: string;
}

/** A call of an imported function (qualified as the calling file imports it): its positional arguments that are word-like strings. */
export interface KeyedCall {
  qualified: string;
  args: (string | null)[];
}

/** A module's facts by module-level name. */
export type ModuleExports = Record<string, ImportedFact>;

export interface AnalysisInput {
  source: string;
  /** Path used for role detection and messages; forward slashes, relative to the project root when known. */
  path: string;
  settings?: AnalysisSettings;
  /** The source is a string that an `exec()` of the file runs: its own `exec()` strings are not followed. */
  fromExec?: boolean;
}

export interface AnalysisResult {
  path: string;
  role: FileRole;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  suppressions: Suppression[];
  /** Set when the file could not be analysed (too large, binary...). Findings are then empty. */
  error?: string;
  /** True when the parse contained syntax errors; analysis still ran on the recovered tree. */
  syntaxErrors: boolean;
  /** Rules that threw while checking this file; the other rules' findings are still reported. */
  ruleErrors: { rule: string; message: string }[];
  /** Facts about this module's names for the modules that import them (see project.ts). */
  exports?: ModuleExports;
  /** The qualified names this file imports with `from ... import`, which other modules' exports may answer. */
  imports?: string[];
  /** Imported functions this file binds to pytest hook names (`from ._plugin import f as pytest_x`, `pytest_x = f`). */
  hookBindings?: HookBinding[];
  /** Calls of imported functions with word-like string literals among their positional arguments (see `callerStrings`). */
  keyedCalls?: KeyedCall[];
}
