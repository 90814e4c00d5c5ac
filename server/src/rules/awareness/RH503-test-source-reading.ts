/**
 * RH503 test-source-reading: code under test opening, parsing or importing the tests that check it, or
 * the expected-output files they compare against — `open("tests/test_x.py")`,
 * `Path("tests/expected.json").read_text()`, `json.load(open("expected_output.json"))`,
 * `from tests.test_solution import EXPECTED`, `importlib.import_module("tests.test_x")`,
 * `inspect.getsource(test_function)`. An answer read from the test is not computed.
 *
 * Warning in code under test, info in command-line scripts; nothing in tests and test infrastructure
 * (tests reading golden files is what golden files are for). Paths are recognised as in RH602: literals
 * or paths built from literals; temporary directories and paths in plain variables stay quiet. Listing a
 * test folder without opening anything is info.
 */
import { callArguments, dottedName, enclosingClass, enclosingFunction, enclosingLoopIterable, forEachDescendant, functionName, isMethod, isWithin, loopLiteralStrings, parameterNames, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { isTestHelperPath, isTestSide } from '../../engine/roles';
import type { Rule } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { isInert, statementsOf } from './answer-helpers';
import { importedModules, isOwnPackageModule, short } from './env-helpers';
import { describeTestPath, listingTarget, pathOf, pathText, testPathKind, valueOf, type FileContext, type PathInfo, type TestPathMatch } from '../harness/helpers';

const OPEN_FUNCTIONS = new Set(['builtins.open', 'io.open', 'codecs.open', 'tokenize.open']);
const PATH_READERS = new Set(['linecache.getline', 'linecache.getlines', 'linecache.updatecache', 'runpy.run_path']);
const SOURCE_FUNCTIONS = new Set(['inspect.getsource', 'inspect.getsourcelines', 'inspect.getsourcefile', 'inspect.getfile', 'inspect.getcomments']);
/**
 * Data-library readers that take a path (`pd.read_csv("tests/expected.csv")`, `np.load(...)`), by the
 * keyword that can name it; `pandas.read_*` are matched by pattern below (they all take `filepath_or_buffer`
 * or `path`/`io`). Readers of an opened file (`json.load(open(...))`, `pickle.load`) are caught at the `open`.
 */
const DATA_READERS = new Map<string, string>([
  ['numpy.load', 'file'],
  ['numpy.loadtxt', 'fname'],
  ['numpy.genfromtxt', 'fname'],
  ['numpy.fromfile', 'file'],
  ['toml.load', 'f'],
  ['joblib.load', 'filename'],
]);
const PANDAS_READER = /^pandas\.read_(csv|table|fwf|json|excel|parquet|feather|orc|pickle|hdf|xml|html|sas|spss|stata)$/;
const PANDAS_PATH_KEYWORDS = ['filepath_or_buffer', 'path_or_buf', 'path', 'io'];

/** Calls that import or run a module by name: a test module named there hands its answers over. */
const MODULE_LOADERS = new Set(['importlib.import_module', 'builtins.__import__', 'runpy.run_module', 'importlib.util.find_spec', 'pkgutil.get_loader']);
/**
 * Readers of a package's data files, by the package they start from (`pkgutil.get_data("tests", ...)`,
 * `importlib.resources.files("tests")`, the older `read_text("tests.data", "expected.txt")` family and its
 * `importlib_resources` backport): a test package's data are the tests' expected outputs.
 */
const RESOURCE_READERS = /^(pkgutil\.get_data|importlib_?\.?resources\.(files|read_text|read_binary|open_text|open_binary|path|contents))$/;

const RELEVANT_CALLEES = new Set([...OPEN_FUNCTIONS, ...PATH_READERS, ...SOURCE_FUNCTIONS, ...MODULE_LOADERS, 'importlib.util.spec_from_file_location']);
const RELEVANT_METHODS = new Set(['read_text', 'read_bytes', 'open', 'glob', 'rglob', 'iterdir']);
/** Calls that run a command and hand its output back: `git show HEAD:tests/test_x.py` read that way is a read of the file. */
const CAPTURING_COMMANDS = new Set(['subprocess.run', 'subprocess.check_output', 'subprocess.Popen', 'subprocess.getoutput', 'subprocess.getstatusoutput', 'os.popen']);
/** Programs that print a file's text (`cat`, `head`, `git show REV:path`, `git cat-file -p REV:path`). */
const FILE_PRINTERS = /^(?:cat|head|tail|less|more|type|grep|strings|git\s+(?:show|cat-file|grep|blame))$/;

/**
 * Last segments of every callee or method the `call` listener can report: the relevant callees, the
 * listings (`glob.glob`/`iglob`, `os.listdir`/`scandir`/`walk`) and the path methods.
 */
const CALL_NAMES = new Set([
  ...[...RELEVANT_CALLEES, ...DATA_READERS.keys()].map((q) => q.slice(q.lastIndexOf('.') + 1)),
  'get_data',
  'files',
  'read_binary',
  'open_text',
  'open_binary',
  'path',
  'contents',
  'glob',
  'iglob',
  'listdir',
  'scandir',
  'walk',
  ...RELEVANT_METHODS,
  ...[...CAPTURING_COMMANDS].map((q) => q.slice(q.lastIndexOf('.') + 1)),
]);

/**
 * Test modules by dotted name: a `tests` package, or a `test_*` module (the last segment: test files are
 * modules, and a package named `test_state` is a library's feature — moto's Step Functions TestState). In
 * a relative name (`.tests`) a `tests` module belongs to the importing package itself — jinja2's
 * `tests.py` of template tests, the suite a `runtests()` helper runs — so there only a `test_*` module
 * names a test. A `test_*` module named after a `test_*` package above it is one of that feature's parts
 * (`test_state.program.test_state_program`, `test_runs.test_run_model`): test suites keep their modules in
 * `tests` folders, and a folder of them (`test_cases/test_add`) does not prefix its modules with its own name.
 */
export function isTestModuleName(dotted: string): boolean {
  const relative = dotted.startsWith('.');
  const segs = dotted.replace(/^\.+/, '').split('.');
  const last = segs[segs.length - 1]!;
  const featurePart = segs.slice(0, -1).some((p) => /^test_\w+$/.test(p) && sameFeature(p, last));
  return segs.some((s, i) => (s === 'tests' && !relative) || (i === segs.length - 1 && /^test_\w+$/.test(s) && !featurePart));
}

/**
 * Two `test_*` names of one feature: their first words after `test_` agree, one (three letters or more)
 * being the start of the other (`test_state` and `test_state_program`, `test_runs` and `test_run_model`).
 */
function sameFeature(pkg: string, mod: string): boolean {
  const a = pkg.slice(5).split('_')[0]!;
  const b = mod.slice(5).split('_')[0]!;
  return Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a));
}

/**
 * Folders of tooling that reuses a package's tests without being what they check, as the folder holding the
 * file: benchmarks (asv's `benchmarks/`, pandas' `asv_bench/`, jsonschema's suite-driven benchmarks), scripts
 * that precompute tables or test data (scipy's `special/_precompute/` builds its data from a test module's
 * reference implementation), and documentation sources (`docs/conf.py`).
 */
const TOOLING_DIR = /^_?(benchmarks?|bench|asv_bench\w*|precompute\w*|docs?)$/i;
/** Benchmark modules by name: `bench_parser.py`, `parser_benchmark.py`. */
const BENCHMARK_FILE = /^(bench(mark)?_\w+|\w+_bench(mark)?s?)\.py$/i;
/** Documentation builders: Sphinx extensions and docutils directives render a project's examples, often kept with the tests. */
const DOC_BUILDER_MODULE = /^(sphinx|docutils)(\.|$)/;

/**
 * What makes a file tooling around the package rather than its code, or undefined: a benchmark or
 * data-generation script by its folder or name, or a documentation builder by what it imports. Its reads of
 * the tests (a suite's loader, a reference implementation, example files to show) are info.
 */
function toolingKind(path: string, source: string, root: Node): string | undefined {
  const segs = path.replace(/\\/g, '/').split('/').filter(Boolean);
  const base = segs.pop() ?? '';
  // The folder holding the file only: a path may start outside the project (`/data/benchmarks/case_3/src/...`).
  const dir = segs.length > 0 && TOOLING_DIR.test(segs[segs.length - 1]!) ? segs[segs.length - 1] : undefined;
  if (dir) return /^_?docs?$/i.test(dir) ? 'documentation tooling' : /bench/i.test(dir) ? 'a benchmark' : 'a data-generation script';
  if (BENCHMARK_FILE.test(base)) return 'a benchmark';
  if (!/\b(sphinx|docutils)\b/.test(source)) return undefined;
  for (const stmt of root.namedChildren) {
    const mod = stmt.type === 'import_from_statement' || stmt.type === 'import_statement' ? importedModules(stmt) : [];
    if (mod.some((m) => DOC_BUILDER_MODULE.test(m))) return 'documentation tooling';
  }
  return undefined;
}

/**
 * `from M import name`: can `name` be a submodule? Only of a package: `from . import test_x`,
 * `from tests import test_x`, `from .tests import test_x`. From a module (`from pip._internal.utils.filesystem
 * import test_writable_dir`, sympy's `from .common import test_closed_group`) a `test_*` name is a function.
 */
function importsSubmodules(mod: string): boolean {
  return /^\.+$/.test(mod) || /(^|\.)tests?$/.test(mod);
}

/** A module's name with `test` as one of its words: `dns_test_common`, `smtp_test_utils_base`, `run_tests`. */
const TEST_WORD_STEM = /(^|_)(tests?|testing)(_|$)/i;
/** The test frameworks and their mocking library. */
const TEST_FRAMEWORK_MODULE = /^(unittest|mock|pytest)(\.|$)/;

/**
 * `certbot/plugins/dns_test_common.py`: a module named as test support for a feature (a `test` word in its name)
 * and built on a test framework (it imports `unittest`, `unittest.mock` or `pytest` at module level). Such a module
 * holds base test classes and fixtures that other packages' test suites share, and importing the project's test
 * utilities is its job. A module of the package under test is not named that way, nor is a feature module named for
 * A/B tests that does not use a test framework.
 */
function isFeatureTestSupport(path: string, root: Node): boolean {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  if (!TEST_WORD_STEM.test(base.replace(/\.py$/, ''))) return false;
  return root.namedChildren.some((stmt) => (stmt.type === 'import_statement' || stmt.type === 'import_from_statement') && importedModules(stmt).some((m) => TEST_FRAMEWORK_MODULE.test(m)));
}

/**
 * Configuration kept in a test folder: `tests/requirements.txt` read by `setup.py`, `tests/tox.ini`,
 * `tests/constraints.txt`. The tests' dependencies and settings hold no answers.
 */
const TEST_CONFIG_FILE = /^(requirements|constraints)[\w.-]*\.(txt|in)$|\.(ini|cfg|toml)$/i;

/**
 * A read target worth reporting: test sources and expected outputs, not configuration files or pytest's cache. `file` (the
 * file doing the read) lets a `test` folder of a data module be read as a data set's split.
 */
function readMatch(info: PathInfo, file: FileContext): TestPathMatch | undefined {
  const m = testPathKind(info, file);
  if (!m || m.kind === 'pytest-config' || m.kind === 'project-config' || m.kind === 'test-folder' || m.kind === 'failure-record') return undefined;
  if (m.kind === 'in-test-folder' && TEST_CONFIG_FILE.test(m.display.slice(m.display.lastIndexOf('/') + 1))) return undefined;
  return m;
}

/**
 * The words of a command given as a list of string literals (`["git", "show", "HEAD:tests/test_x.py"]`) or as one
 * string (`"cat tests/test_x.py"`), or undefined when any word is computed.
 */
function commandWords(cmd: Node | undefined): string[] | undefined {
  if (!cmd) return undefined;
  const c = unparen(cmd);
  const single = stringValue(c);
  if (single !== undefined) return single.trim().split(/\s+/);
  if (c.type !== 'list' && c.type !== 'tuple') return undefined;
  const words = c.namedChildren.filter((w) => w.type !== 'comment').map((w) => stringValue(w));
  return words.every((w): w is string => w !== undefined) ? words : undefined;
}

/** A command that prints a test file (`git show HEAD:tests/test_solution.py`): the file it names, if any. */
function printedTestFile(cmd: Node | undefined, file: FileContext): TestPathMatch | undefined {
  const words = commandWords(cmd);
  if (!words?.length) return undefined;
  const program = words[0] === 'git' ? `git ${words[1] ?? ''}` : words[0]!;
  if (!FILE_PRINTERS.test(program.replace(/^.*\//, ''))) return undefined;
  // `grep PATTERN FILE...`: the first operand is the pattern.
  let operands = words.slice(words[0] === 'git' ? 2 : 1).filter((w) => !w.startsWith('-'));
  if (/grep$/.test(program)) operands = operands.slice(1);
  for (const w of operands) {
    // `HEAD:tests/test_x.py`, `main:tests/...`: a revision before the path.
    const path = w.replace(/^[\w.~^@{}\/-]*:(?!\/)/, '');
    const m = readMatch({ parts: [{ lit: path }], temporary: false, hasLiteral: true }, file);
    if (m) return m;
  }
  return undefined;
}

/**
 * `importlib.resources.files("etl.schemas").joinpath(...)`: a resource of a package that is not a test package, the
 * package name, or undefined. A package's own data file named `expected_*` is its configuration, not a test's answer.
 */
function ownPackageResource(obj: Node, names: NameResolver): string | undefined {
  let n = unparen(obj);
  for (let depth = 0; depth < 8; depth++) {
    if (n.type === 'binary_operator') n = unparen(n.childForFieldName('left')!);
    else if (n.type === 'call') {
      const f = n.childForFieldName('function');
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'joinpath') {
        n = unparen(f.childForFieldName('object')!);
        continue;
      }
      if (!/^importlib_?\.?resources\.files$/.test(names.callee(n) ?? '')) return undefined;
      const pkg = stringValue(callArguments(n).positional[0]);
      return pkg && !isTestModuleName(pkg) ? pkg : undefined;
    } else return undefined;
  }
  return undefined;
}

/** The first positional argument of a call, or its `args=` keyword. */
function args0(call: Node): Node | undefined {
  const a = callArguments(call);
  return a.positional[0] ?? a.keywords.get('args') ?? a.keywords.get('cmd');
}

/** Module names that pick test modules: `"test_"`, `"tests"`, `"tests."`, `".tests"`. */
const TEST_MODULE_FILTER = /^\.?tests?(?:_|\.)?$/;

/**
 * `for name, mod in sys.modules.items(): if name...startswith("test_"): return mod.EXPECTED`: a scan of the loaded
 * modules that picks the test modules by name and reads their globals, or their source (`inspect.getsource(mod)`).
 * The filter's call or comparison and what is read, or undefined.
 */
function loadedTestModuleRead(loop: Node, namesOf: () => NameResolver): { filter: Node; what: string } | undefined {
  const right = loop.childForFieldName('right');
  const left = loop.childForFieldName('left');
  const body = loop.childForFieldName('body');
  if (!right || !left || !body || !/\bmodules\b/.test(right.text)) return undefined;
  const names = namesOf();
  let modulesRead = false;
  forEachDescendant(right, (n) => {
    if ((n.type === 'attribute' || n.type === 'identifier') && names.qualify(n) === 'sys.modules') modulesRead = true;
    return !modulesRead;
  });
  if (!modulesRead) return undefined;
  // The loop's module object: the last target (`name, mod` of `.items()`, or `mod` of `.values()`).
  const targets = left.type === 'identifier' ? [left] : left.namedChildren.filter((c) => c.type === 'identifier');
  const mod = /\.values\s*\(/.test(right.text) || /\.items\s*\(/.test(right.text) ? targets[targets.length - 1]?.text : undefined;
  let filter: Node | undefined;
  let readsGlobals = false;
  let readsSource = false;
  forEachDescendant(body, (n) => {
    if (n.type === 'string' && TEST_MODULE_FILTER.test(stringValue(n) ?? '')) filter ??= n.parent?.type === 'argument_list' ? (n.parent.parent ?? n) : (n.parent ?? n);
    else if (mod && n.type === 'attribute' && n.childForFieldName('object')?.text === mod) readsGlobals = true;
    else if (mod && n.type === 'call' && unparen(callArguments(n).positional[0] ?? n).text === mod) {
      if (/^(?:getattr|vars)$/.test(n.childForFieldName('function')?.text ?? '')) readsGlobals = true;
      else if (/^inspect\.(getsource|getsourcelines|getcomments)$/.test(names.callee(n) ?? '')) readsSource = true;
    }
    return true;
  });
  if (!filter || !(readsGlobals || readsSource)) return undefined;
  return { filter, what: readsGlobals ? 'the globals of the loaded test modules' : 'the source of the loaded test modules' };
}

/**
 * The path starts at a parameter with no default: the caller says which project to look at, as in a
 * test-discovery or mutation-testing tool (`Path(root).rglob("test_*.py")`), not the project's own tests.
 */
function startsAtCallersLocation(info: PathInfo): boolean {
  const first = info.parts.find((p) => !('lit' in p && p.lit === '/'));
  if (!first || 'lit' in first || first.dyn.type !== 'identifier') return false;
  const fn = enclosingFunction(first.dyn);
  return !!fn && parameterNames(fn).includes(first.dyn.text);
}

/**
 * A module name built from literals (`f"tests.test_{name}"`, `TEST_PKG + ".test_x"`): its text with each
 * dynamic part as `x`. A name that starts with a dynamic part (`f"{__name__}.tests"`) is read like a relative
 * one: a package's own `tests` module.
 */
function builtModuleName(arg: Node, names: NameResolver): string | undefined {
  const info = pathOf(arg, names);
  if (!info.hasLiteral || info.parts.length < 2) return undefined;
  const text = pathText(info);
  if (text.includes('/')) return undefined;
  return text.replace(/^\u0000+/, '.').replace(/\u0000/g, 'x');
}

/**
 * The listing a loop variable goes through: `for f in os.listdir(p)`, `for p in sorted(Path(d).rglob("*.py"))`,
 * or the file names of an `os.walk` (`for root, dirs, files in os.walk(p): for f in files`).
 */
function listingOfEntry(id: Node, names: NameResolver): { call: Node; base: Node } | undefined {
  let iterable = enclosingLoopIterable(id);
  for (let i = 0; iterable && i < 2; i++) {
    const u = unparen(iterable);
    const only = u.type === 'call' ? callArguments(u).positional : [];
    if (only.length !== 1 || !/^builtins\.(sorted|list|iter|reversed)$/.test(names.callee(u) ?? '')) break;
    iterable = only[0];
  }
  if (!iterable) return undefined;
  const u = unparen(iterable);
  const listed = listingTarget(u, names);
  if (listed) return { call: u, base: listed.base };
  if (u.type !== 'identifier') return undefined;
  // `files` of `for root, dirs, files in os.walk(p)` around the loop.
  for (let p = u.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const left = p.childForFieldName('left');
    const walk = unparen(p.childForFieldName('right') ?? p);
    if ((left?.type === 'pattern_list' || left?.type === 'tuple_pattern') && left.namedChildren[2]?.text === u.text && names.callee(walk) === 'os.walk') {
      const base = callArguments(walk).positional[0];
      return base ? { call: walk, base } : undefined;
    }
  }
  return undefined;
}

/** A file name pattern that starts like a test module's name: `test_*`, `^test_`, also after `**` and a slash. */
const TEST_PREFIX_PATTERN = /^(\*\*\/|\^)?test_/;
/** One that ends like a Python file's name (`.py`, `\.py$`), or like a test module's (`_test.py`). */
const PYTHON_PATTERN = /\\?\.py\$?$/;
const TEST_SUFFIX_PATTERN = /_tests?\\?\.py\$?$/;

/** What a condition says about the name of a listed entry. */
interface NameFilter {
  /** A check that names test modules on its own (`fnmatch(f, "test_*.py")`, `endswith("_test.py")`). */
  test?: Node;
  /**
   * `startswith("test_")`, `startswith("test")`, `re.match("test_", f)`: a test module only among Python
   * files (`test_batch`, `test_images.npy` are a data set's split).
   */
  prefix?: Node;
  /** `endswith(".py")`. */
  python: boolean;
}

/**
 * The checks of a condition on the name of `entry`: `entry.startswith("test_")`, `f.endswith("_test.py")`,
 * `p.name.startswith("test")`, `f.endswith(".py")`, `fnmatch(f, "test_*.py")`, `re.match(r"test_\w+", f)`,
 * `p.match("test_*.py")`. `negated`: only checks under a `not` count (`if not ...: continue`), else only
 * checks outside one.
 */
function nameFilterIn(condition: Node, entry: string, names: NameResolver, negated: boolean): NameFilter {
  // The entry's name: `f`, `p.name`, `p.stem`, `os.path.basename(f)`, `f.lower()`.
  const isEntryName = (n: Node | null | undefined): boolean => {
    const u = n && unparen(n);
    if (!u) return false;
    if (u.type === 'identifier') return u.text === entry;
    if (u.type === 'attribute') return /^(name|stem)$/.test(u.childForFieldName('attribute')?.text ?? '') && isEntryName(u.childForFieldName('object'));
    if (u.type !== 'call') return false;
    const fn = u.childForFieldName('function');
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'lower') return isEntryName(fn.childForFieldName('object'));
    return names.callee(u) === 'os.path.basename' && isEntryName(callArguments(u).positional[0]);
  };
  const out: NameFilter = { python: false };
  const lit = (a: Node | undefined) => stringValue(a) ?? '';
  // A glob or regular expression on the name (`test_*.py`, `^test_\w+\.py$`; `\w+`, `.*` and classes dropped).
  const pattern = (at: Node, value: string) => {
    if (TEST_SUFFIX_PATTERN.test(value)) out.test ??= at;
    else if (TEST_PREFIX_PATTERN.test(value)) {
      if (PYTHON_PATTERN.test(value)) out.test ??= at;
      else out.prefix ??= at;
    } else if (PYTHON_PATTERN.test(value)) out.python = true;
  };
  const visit = (n: Node): boolean => {
    if (n.type !== 'call') return true;
    if (isUnderNot(n, condition) !== negated) return false;
    const fn = n.childForFieldName('function');
    const args = callArguments(n).positional;
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if ((method === 'startswith' || method === 'endswith' || method === 'match') && isEntryName(fn!.childForFieldName('object'))) {
      const value = lit(args[0]);
      if (method === 'startswith' && /^test(_|$)/.test(value)) out.prefix ??= n;
      else if (method === 'endswith' && TEST_SUFFIX_PATTERN.test(value)) out.test ??= n;
      else if (method === 'endswith' && value === '.py') out.python = true;
      else if (method === 'match') pattern(n, value);
      return false;
    }
    const q = names.callee(n) ?? '';
    if (/^fnmatch\.fnmatch(case)?$/.test(q) && isEntryName(args[0])) pattern(n, lit(args[1]));
    if (/^re\.(match|search|fullmatch)$/.test(q) && isEntryName(args[1])) pattern(n, lit(args[0]).replace(/\\w\+|\.\*|\[\^?[^\]]*\][*+]?/g, ''));
    return true;
  };
  if (visit(condition)) forEachDescendant(condition, visit);
  return out;
}

/** `n` sits under a `not` within `condition` (or is one's operand). */
function isUnderNot(n: Node, condition: Node): boolean {
  for (let p: Node | null = n; p && p.id !== condition.parent?.id; p = p.parent) if (p.type === 'not_operator') return true;
  return false;
}

/**
 * A read inside a loop over a listing that keeps only test files by name:
 * `for f in files: if f.startswith("test_"): open(os.path.join(root, f))`, or `if not ...: continue` before
 * the read. The filter and the listing, or undefined.
 */
function filteredTestEntry(read: Node, pathExpr: Node, names: NameResolver): { filter: Node; listing: { call: Node; base: Node } } | undefined {
  // Loop variables in the path, also through one local binding (`path = os.path.join(root, f)`).
  const candidates: Node[] = [];
  const collect = (e: Node, hop: number) => {
    const visit = (n: Node): boolean => {
      if (n.type !== 'identifier' || candidates.length > 8) return true;
      if (enclosingLoopIterable(n)) candidates.push(n);
      else if (hop === 0 && n.parent?.type !== 'attribute') {
        const v = valueOf(n);
        if (v) collect(v, 1);
      }
      return true;
    };
    if (visit(unparen(e))) forEachDescendant(unparen(e), visit);
  };
  collect(pathExpr, 0);
  for (const id of candidates) {
    const listing = listingOfEntry(id, names);
    if (!listing) continue;
    // Conditions between the read and the loop: enclosing `if`s, and earlier `if not <filter>: continue`s.
    // A listing of Python files (`rglob("*.py")`) says what a `test_` prefix picks.
    const found: NameFilter = { python: /\.py\b/.test(listing.call.text) };
    const note = (f: NameFilter) => {
      found.test ??= f.test;
      found.prefix ??= f.prefix;
      found.python ||= f.python;
    };
    for (let child: Node = read, p = read.parent; p && p.type !== 'function_definition' && p.type !== 'for_statement'; child = p, p = p.parent) {
      if ((p.type === 'if_statement' || p.type === 'elif_clause') && p.childForFieldName('consequence')?.id === child.id) {
        note(nameFilterIn(p.childForFieldName('condition')!, id.text, names, false));
      }
      if (p.type !== 'block') continue;
      for (let s = child.previousNamedSibling; s; s = s.previousNamedSibling) {
        const cond = s.type === 'if_statement' ? s.childForFieldName('condition') : null;
        if (cond && /^(continue|return)\b/.test(s.childForFieldName('consequence')?.text.trim() ?? '')) note(nameFilterIn(cond, id.text, names, true));
      }
    }
    const filter = found.test ?? (found.python ? found.prefix : undefined);
    if (filter) return { filter, listing };
  }
  return undefined;
}

/**
 * Module-level functions that hand a package's own test suite to a runner: setuptools' `test_suite` entry
 * point, unittest's `load_tests` protocol, `additional_tests`, `suite()`, a `runtests()` helper. Importing or
 * reading the tests is what they are for, and nothing the package computes comes from them.
 */
const SUITE_HOOK = /^(test_?suite|load_tests|additional_tests|suite|run_?tests)$/;

function inSuiteHook(node: Node): boolean {
  const fn = enclosingFunction(node);
  if (!fn || !SUITE_HOOK.test(functionName(fn))) return false;
  const holder = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  return holder?.type === 'module';
}

/** A word of a name that says it serves the tests: `get_test_permutations`, `cmd_selftest`, `makeTestServer`. */
function hasTestWord(name: string): boolean {
  return name.split(/_|(?<=[a-z0-9])(?=[A-Z])/).some((w) => /^(self)?tests?$|^testing$/i.test(w));
}

/**
 * The function around `node` when it serves the package's own test suite rather than being its API: its name (or
 * its class's) says so (`get_test_permutations()`, `get_foreign_tests_branch_factory()`, a `cmd_selftest` command),
 * or it takes the running test case (`def make_tree(cls, test_case, tree)`: only a test calls it that way). Code
 * under test is called by the API's names with the inputs, never with the test. `testCase`: that parameter.
 */
function testServingFunction(node: Node): { fn: Node; testCase?: string } | undefined {
  const fn = enclosingFunction(node);
  if (!fn) return undefined;
  const testCase = parameterNames(fn).find((p) => /^test_?case$/i.test(p));
  const cls = isMethod(fn) ? enclosingClass(fn) : null;
  const clsName = cls?.childForFieldName('name')?.text ?? '';
  return testCase || hasTestWord(functionName(fn)) || hasTestWord(clsName) ? { fn, testCase } : undefined;
}

/** A name the tests' data or oracle would have: constants, answer and oracle names. */
function isDataName(name: string): boolean {
  return CONSTANT_NAME.test(name) || ANSWER_NAME.test(name) || ORACLE_NAME.test(name);
}

/** `e` is read further: `e.x`, `e[k]`, `e(...)`. */
function isDereferenced(e: Node): boolean {
  const p = e.parent;
  if (!p) return false;
  if (p.type === 'attribute') return p.childForFieldName('object')?.id === e.id;
  if (p.type === 'subscript') return p.childForFieldName('value')?.id === e.id;
  return p.type === 'call' && p.childForFieldName('function')?.id === e.id;
}

/**
 * A call given only constants (`certs.build_path("ca.pem")`, `Factory()`): configuration for the suite. A call given
 * the function's inputs (`support.lookup(n)`) computes something from them, which may be the answer.
 */
function takesOnlyConstants(call: Node): boolean {
  const args = call.childForFieldName('arguments');
  return (args?.namedChildren ?? []).every((a) => {
    const v = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    return a.type === 'comment' || (!!v && /^(string|concatenated_string|integer|float|true|false|none)$/.test(unparen(v).type));
  });
}

/**
 * A class taken from the tests (`ForeignTestsFactory`, `test_server.LoopbackServer`) used as machinery: referred
 * to (handed to the suite), instantiated, subclassed; with `callable` (a support module's class, not a `test_*`
 * module's) also asked through a method (`features.TLSFeature.available()`). A member read (`TestSolve.expected`),
 * an index, or a member of the instance (`Oracle().solve(n)`) reads the tests' data or oracle.
 */
function classUsedAsMachinery(e: Node, callable: boolean): boolean {
  const p = e.parent;
  if (!p || !isDereferenced(e)) return true;
  if (p.type === 'call') return !isDereferenced(p) && takesOnlyConstants(p);
  if (p.type !== 'attribute' || !callable) return false;
  const method = p.childForFieldName('attribute')?.text ?? '';
  return p.parent?.type === 'call' && p.parent.childForFieldName('function')?.id === p.id && !isDataName(method) && !isDereferenced(p.parent) && takesOnlyConstants(p.parent);
}

/**
 * In a function that serves the tests (see `testServingFunction`), every name `from mod import ...` brings in is
 * machinery handed to the suite, not data: modules read only for classes (`test_server.LoopbackServer`) or, from a
 * support module, functions called with constants (`certs.build_path("ca.pem")`); classes used as in `classUsedAsMachinery`; a
 * value only passed to the running test case (`test_case.requireFeature(compiled_index_feature)`). Constants, answer
 * and oracle names, tables indexed, values returned and functions of a `test_*` module (its reference
 * implementation) still count. Uses are counted in the function (the import binds a local).
 */
function handsMachineryToTests(mod: string, node: Node, hook: { fn: Node; testCase?: string }): boolean {
  const isTestsModule = (m: string) => /(^|\.)test_\w+$/.test(m);
  const toTestCase = (id: Node) => {
    const call = id.parent?.type === 'argument_list' ? id.parent.parent : null;
    const f = call?.type === 'call' ? call.childForFieldName('function') : null;
    return !!hook.testCase && f?.type === 'attribute' && f.childForFieldName('object')?.text === hook.testCase;
  };
  return importedItems(node).every(({ name, local }) => {
    if (!name || isDataName(name) || /^test_/.test(name) && !importsSubmodules(mod)) return false;
    // Another import of the same name (`from .tests import test_server` in two branches) is not a use.
    const uses = usesOf(local, node, hook.fn).filter((id) => !/^(dotted_name|aliased_import)$/.test(id.parent?.type ?? ''));
    const isClass = TYPE_NAME.test(name);
    // `from pkg.tests import test_server`: a module of the tests; otherwise a name of `mod`.
    const owner = !isClass && importsSubmodules(mod) ? `${mod}.${name}` : mod;
    if (isClass) return uses.every((id) => classUsedAsMachinery(id, !isTestsModule(mod)));
    return uses.every((id) => {
      if (toTestCase(id)) return true;
      const p = id.parent;
      if (owner === mod || p?.type !== 'attribute' || p.childForFieldName('object')?.id !== id.id) {
        // A support module's function called (`make_server()`); a `test_*` module's is the tests' oracle.
        return owner === mod && !isTestsModule(mod) && p?.type === 'call' && p.childForFieldName('function')?.id === id.id && !isDereferenced(p) && takesOnlyConstants(p);
      }
      const attr = p.childForFieldName('attribute')?.text ?? '';
      if (isDataName(attr)) return false;
      if (TYPE_NAME.test(attr)) return classUsedAsMachinery(p, !isTestsModule(owner));
      return !isTestsModule(owner) && p.parent?.type === 'call' && p.parent.childForFieldName('function')?.id === p.id && !isDereferenced(p.parent) && takesOnlyConstants(p.parent);
    });
  });
}

/**
 * `from ..tests.test_server import TestServer` then `class LocalServer(TestServer)`, the subclass referred to only in
 * functions that serve the tests (`get_test_permutations()` returns it): a base class for a server the suite runs
 * against. A subclass the file never hands to a test hook (`class Solver(TestSolve)`, the API the tests call) may
 * read the test case's data through `self`.
 */
function baseOfTestOnlyClasses(node: Node, root: Node): boolean {
  const items = importedItems(node);
  return items.length > 0 && items.every(({ name, local }) => {
    if (!TYPE_NAME.test(name) || isDataName(name)) return false;
    const uses = usesOf(local, node, root);
    return uses.length > 0 && uses.every((id) => {
      const cls = id.parent?.type === 'argument_list' ? id.parent.parent : null;
      if (cls?.type !== 'class_definition') return false;
      const refs = usesOf(cls.childForFieldName('name')?.text ?? '', cls, root);
      return refs.length > 0 && refs.every((r) => !!testServingFunction(r));
    });
  });
}

/**
 * `import othertool.test_results` in a file that never names `test_results` again: the module is imported for its
 * side effects (registering its classes) and nothing is read from it. Only for a module inside a package outside
 * any `tests` folder (a library's module named like a test).
 */
function unreadPackageModule(name: string, root: Node): boolean {
  if (!isPackageModule(name)) return false;
  const last = name.slice(name.lastIndexOf('.') + 1);
  // The import's own identifier, and no other (comments aside); nor a string naming it (`getattr(pkg, "test_results")`).
  return root.descendantsOfType('identifier').filter((id) => id?.text === last).length === 1 && !root.descendantsOfType('string').some((s) => !!s && s.text.includes(last));
}

/**
 * Names a test's data would not have: classes (`CatFiles`, `AutoTimingTestResultDecorator`), not constants
 * (`EXPECTED`, `CASES`), values or functions, and not test cases themselves (`TestSolver`, `SolverTests`).
 */
function isMachineryClassName(name: string): boolean {
  return /^[A-Z]\w*[a-z]\w*$/.test(name) && !/^Test|Tests?$|TestCase$/.test(name);
}

/**
 * `from subunit.test_results import CatFiles`: a `test_*` module inside a package rather than in a `tests`
 * one, of which only classes are imported. Test-tooling libraries name modules after what they hold (the
 * result classes of `test_results`); a test's answers are constants and values, not classes.
 *
 * Other type names — test-case base classes (`AutomotiveTestCase`, `TestCaseGenerator` of a scanner whose
 * probing strategies are its "test cases") and private type aliases (`_SocketUnion`) — count only from the
 * importing package's own module and only where every use is as a type (see `usedOnlyAsType`): a test-case
 * class read as a value (`TestSolve.expected[n]`) hands over the tests' data.
 */
function importsLibraryClasses(mod: string, node: Node, root: Node, path: string, source: string, names: NameResolver): boolean {
  if (!isPackageModule(mod)) return false;
  const items = importedItems(node);
  if (items.length === 0) return false;
  const typed = items.filter((i) => !isMachineryClassName(i.name));
  if (typed.length === 0) return true;
  if (!isOwnPackageModule(mod, path) || typed.some((i) => !TYPE_NAME.test(i.name) || ANSWER_NAME.test(i.name))) return false;
  return typed.every((i) => usedOnlyAsType(i.local, node, root, source, names));
}

/** Class and type-alias names: `AutomotiveTestCase`, `_SocketUnion` (not constants such as `EXPECTED`). */
const TYPE_NAME = /^_?[A-Z]\w*[a-z]\w*$/;

/** The names an import brings in and the local names it binds them to (`from m import a as b`: a, b). */
function importedItems(node: Node): { name: string; local: string }[] {
  return node.childrenForFieldName('name').map((n) => {
    const name = (n?.type === 'aliased_import' ? n.childForFieldName('name')?.text : n?.text) ?? '';
    return { name, local: (n?.type === 'aliased_import' ? n.childForFieldName('alias')?.text : name) ?? '' };
  });
}

/**
 * The uses of an imported name outside its import: identifiers that stand for it (not another object's
 * attribute, a keyword's name or a definition's own name).
 */
function usesOf(local: string, node: Node, root: Node): Node[] {
  const out: Node[] = [];
  for (const id of root.descendantsOfType('identifier')) {
    if (!id || id.text !== local || isWithin(id, node)) continue;
    const p = id.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
    if ((p?.type === 'function_definition' || p?.type === 'class_definition') && p.childForFieldName('name')?.id === id.id) continue;
    out.push(id);
  }
  return out;
}

/**
 * Every use of the imported class is as a type, which computes nothing: in an annotation, as a base class, as the
 * class an `isinstance`/`issubclass` checks against or a `cast` names, or read in the body of a class that derives from it
 * (`_supported_kwargs = copy(AutomotiveTestCase._supported_kwargs)`: what the subclass inherits anyway). A name
 * the code never uses must appear in a `# type:` comment or a string annotation.
 */
function usedOnlyAsType(local: string, node: Node, root: Node, source: string, names: NameResolver): boolean {
  const uses = usesOf(local, node, root);
  if (uses.length === 0) {
    // Only in a `# type:` comment or a string annotation (`-> "_TransitionTuple"`).
    const word = new RegExp(`\\b${local}\\b`);
    return new RegExp(`#\\s*type:.*\\b${local}\\b`).test(source) || root.descendantsOfType('type').some((t) => !!t && word.test(t.text));
  }
  return uses.every((id) => {
    for (let a: Node | null = id.parent; a && a.type !== 'block' && a.type !== 'module'; a = a.parent) if (a.type === 'type') return true;
    const p = id.parent!;
    if (p.type === 'argument_list' && p.parent?.type === 'class_definition') return true;
    // `isinstance(x, Cls)`, `issubclass(c, (Cls, Other))`.
    const arg = p.type === 'tuple' ? p : id;
    const args = arg.parent;
    if (args?.type === 'argument_list' && args.parent?.type === 'call' && /^(isinstance|issubclass)$/.test(args.parent.childForFieldName('function')?.text ?? '')) {
      return callArguments(args.parent).positional[1]?.id === arg.id;
    }
    // `typing.cast(Cls, value)` (also imported through a module re-exporting it).
    if (p.type === 'argument_list' && p.parent?.type === 'call' && /\.cast$/.test(names.callee(p.parent) ?? '')) {
      return callArguments(p.parent).positional[0]?.id === id.id;
    }
    if (p.type === 'attribute' && p.childForFieldName('object')?.id === id.id) {
      for (let c: Node | null = p.parent; c; c = c.parent) {
        if (c.type !== 'class_definition') continue;
        if (c.childForFieldName('superclasses')?.namedChildren.some((b) => b.type === 'identifier' && b.text === local)) return true;
      }
    }
    return false;
  });
}

/**
 * `if TYPE_CHECKING:` (from `typing` or a module re-exporting it) around `node`, in the branch that runs only for
 * the type checker: an import there never runs, so nothing is read from the module.
 */
function inTypeCheckingBlock(node: Node, names: NameResolver): boolean {
  for (let child: Node = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'if_statement' && p.childForFieldName('consequence')?.id === child.id && /(^|\.)TYPE_CHECKING$/.test(names.qualify(p.childForFieldName('condition')) ?? '')) return true;
  }
  return false;
}

/** Methods of the values a test module holds (tables, lists, strings): `cases.get(n)` uses a value, not a submodule. */
const VALUE_METHODS = new Set([
  'get', 'items', 'keys', 'values', 'pop', 'popitem', 'setdefault', 'update', 'copy', 'index', 'count', 'append', 'extend',
  'format', 'split', 'strip', 'splitlines', 'encode', 'decode', 'read', 'readlines', 'tolist', 'loc', 'iloc',
]);

/**
 * `from tempest.test_discover import plugins` then `plugins.TempestTestPluginManager()`: each imported name is a
 * module (lower-case, used only through its attributes), so `test_discover` is a package, and a package named like a
 * test is a library's feature (test files are modules: see `isTestModuleName`). Names that say they hold the answers,
 * and names also called, indexed or used through a table's or a string's methods, are values of a test module.
 */
function importsPackageSubmodules(mod: string, node: Node, root: Node): boolean {
  if (!isPackageModule(mod)) return false;
  const items = importedItems(node);
  if (items.length === 0) return false;
  return items.every((i) => {
    if (!/^[a-z][a-z0-9_]*$/.test(i.name) || /^test_|_tests?$/.test(i.name) || ANSWER_NAME.test(i.name) || ORACLE_NAME.test(i.name)) return false;
    const uses = usesOf(i.local, node, root);
    return uses.length > 0 && uses.every((id) => {
      const p = id.parent;
      return p?.type === 'attribute' && p.childForFieldName('object')?.id === id.id && !VALUE_METHODS.has(p.childForFieldName('attribute')?.text ?? '');
    });
  });
}

/**
 * `from scapy.libs.test_pyx import PYX` in a file that imports `pyx` in a `try` that catches `ImportError`: a
 * `test_<dependency>` module that tests whether an optional dependency is installed, not a module of tests (those
 * test the project's own code, and a required dependency needs no check). The dependency, or undefined. Names
 * that say they are answers or test cases still count.
 */
function probedOptionalDependency(mod: string, node: Node, root: Node, path: string): string | undefined {
  const last = /(?:^|\.)test_(\w+)$/.exec(mod)?.[1];
  if (!last || !isPackageModule(mod) || isOwnPackageModule(last, path) || last === mod.replace(/^\.+/, '').split('.')[0]) return undefined;
  const items = importedItems(node);
  if (items.length === 0 || items.some((i) => ANSWER_NAME.test(i.name) || ORACLE_NAME.test(i.name) || /^test_|^Test|Tests?$|TestCase$/.test(i.name))) return undefined;
  let found = false;
  forEachDescendant(root, (n) => {
    if (found) return false;
    if (n.type !== 'import_statement' && n.type !== 'import_from_statement') return true;
    if (importedModules(n).some((m) => m.split('.')[0] === last) && inOptionalImportTry(n)) found = true;
    return false;
  });
  return found ? last : undefined;
}

/** `node` is in the body of a `try` with a handler for a failed import (`ImportError`, `ModuleNotFoundError`, `Exception`, bare). */
function inOptionalImportTry(node: Node): boolean {
  for (let child: Node = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') return false;
    if (p.type !== 'try_statement' || p.childForFieldName('body')?.id !== child.id) continue;
    return p.namedChildren.some((h) => {
      if (h.type !== 'except_clause') return false;
      const caught = h.namedChildren.find((c) => c.type !== 'comment' && c.type !== 'block')?.text;
      return caught === undefined || /\b(ImportError|ModuleNotFoundError|Exception|BaseException)\b/.test(caught);
    });
  }
  return false;
}

/** A module inside a package and outside any `tests` folder: `subunit.test_results`, `.test_outcomes`. */
function isPackageModule(mod: string): boolean {
  const segs = mod.replace(/^\.+/, '').split('.');
  const inPackage = segs.length > 1 || mod.startsWith('.');
  return inPackage && !segs.some((s) => s === 'tests' || s === 'test');
}

/**
 * `from bandit.core.test_properties import *` in `bandit/__init__.py`: a package re-exporting, as its API,
 * one of its own modules that is named like a test (bandit's "tests" are its security checks, and the
 * module holds their decorators). A module of tests has nothing to re-export; code that wants a test's
 * answers imports them where it uses them. A star import anywhere else, or of a `tests` package's module,
 * still counts.
 */
function reExportsOwnModule(mod: string, node: Node, root: Node, path: string): boolean {
  if (!/(^|[\\/])__init__\.py$/.test(path) || !node.namedChildren.some((c) => c?.type === 'wildcard_import')) return false;
  return isPackageModule(mod) && isOwnPackageModule(mod, path) && !readsUnboundConstant(root);
}

/** Constant-like names (`EXPECTED`, `CASES`): what a star import of a test module would bring in as data. */
const CONSTANT_NAME = /^_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * The file reads a constant-like name it never binds itself (`return EXPECTED[case]` under
 * `from .test_solver import *`): a star import brought it in, so the package uses the module's data rather
 * than re-exporting an API.
 */
function readsUnboundConstant(root: Node): boolean {
  const bound = new Set<string>();
  const read = new Set<string>();
  for (const id of root.descendantsOfType('identifier')) {
    if (!id || !CONSTANT_NAME.test(id.text)) continue;
    const p = id.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
    if (isBindingName(id)) bound.add(id.text);
    else read.add(id.text);
  }
  return [...read].some((name) => !bound.has(name));
}

/** `id` is bound where it stands: an assignment's or loop's target, an import, a definition's name, a parameter. */
function isBindingName(id: Node): boolean {
  let n: Node = id;
  // Climb through target patterns (`A, B = ...`, `(A, B)`, `[A, *B]`).
  while (n.parent && /^(pattern_list|tuple_pattern|list_pattern|list_splat_pattern|parenthesized_expression)$/.test(n.parent.type)) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  switch (p.type) {
    case 'assignment':
    case 'augmented_assignment':
    case 'for_statement':
    case 'for_in_clause':
      return p.childForFieldName('left')?.id === n.id;
    case 'named_expression':
      return p.childForFieldName('name')?.id === n.id;
    case 'function_definition':
    case 'class_definition':
      return p.childForFieldName('name')?.id === n.id;
    case 'as_pattern_target':
    case 'global_statement':
    case 'nonlocal_statement':
    case 'parameters':
    case 'lambda_parameters':
    case 'typed_parameter':
      return true;
    // `def f(x=EXPECTED)` binds `x` and reads `EXPECTED`.
    case 'default_parameter':
    case 'typed_default_parameter':
      return p.childForFieldName('name')?.id === n.id;
    case 'dotted_name':
      return /^(import_statement|import_from_statement|aliased_import)$/.test(p.parent?.type ?? '');
    case 'aliased_import':
      return p.childForFieldName('alias')?.id === n.id;
    default:
      return false;
  }
}

/**
 * Names that say they hold or produce the tests' answers (`expected_for`, `load_golden`, `reference_solution`):
 * called or not, what they give back is what the tests compare against.
 */
const ANSWER_NAME = /expect|answer|golden|solution|oracle|reference|fixture/i;
/**
 * Names of the tests' oracles: a slow, obviously correct implementation the tests compare against
 * (`brute_force_shortest_path`, `naive_variance`, `slow_quantile`, `ground_truth_labels`, `sort_baseline`).
 * The word must start or end a longer name: `slow` alone (sympy's `@slow`) is a test mark.
 */
const ORACLE_NAME = /^(brute_?force|brute|naive|slow|exhaustive|baseline|ground_?truth|truth|canonical|golden)_[a-z0-9]\w*$|^[a-z]\w*_(brute_?force|naive|oracle|baseline|ground_?truth)$/i;

/**
 * `from astropy.coordinates.tests.helper import skycoord_equal`, `from numba.tests.support import
 * captured_stdout`: names from a support module of a test package (not a `test_*` module, which holds the
 * tests themselves), each used in this file only as a utility — called (`skycoord_equal(a, b)`,
 * `with captured_stdout():`), applied as a decorator or subclassed. A comparison helper or a context manager
 * computes nothing the tests expect; constants, tables and test cases (`EXPECTED`, `CASES`, `TestSolver`) are
 * data, and a name passed around or read from (`CASES[0]`, `EXPECTED.get(n)`) is used as one.
 */
function importsTestUtilities(mod: string, node: Node, root: Node, path: string): boolean {
  const last = mod.slice(mod.lastIndexOf('.') + 1);
  // A module named like a test holds tests and whatever they compare against, and a function of it may be
  // the tests' reference implementation: only decorators count, and only from the importing package's own
  // module outside a `tests` folder (`from bandit.core.test_properties import checks` then `@checks("Call")`).
  const decoratorsOnly = /^test_\w+$|_tests?$/.test(last);
  if (decoratorsOnly && !(isPackageModule(mod) && isOwnPackageModule(mod, path))) return false;
  const locals = new Set<string>();
  for (const n of node.childrenForFieldName('name')) {
    const name = (n?.type === 'aliased_import' ? n.childForFieldName('name')?.text : n?.text) ?? '';
    const local = (n?.type === 'aliased_import' ? n.childForFieldName('alias')?.text : name) ?? '';
    // A decorator is not a test even when named `test_id`: a test takes no function to wrap.
    if (!/[a-z]/.test(name) || (decoratorsOnly ? /^Test|Tests?$|TestCase$/ : /^test_|^Test|Tests?$|TestCase$/).test(name) || ANSWER_NAME.test(name) || ORACLE_NAME.test(name)) return false;
    locals.add(local);
  }
  if (locals.size === 0) return false;
  const used = new Set<string>();
  for (const id of root.descendantsOfType('identifier')) {
    if (!id || !locals.has(id.text) || isWithin(id, node)) continue;
    const p = id.parent;
    // Not a use of the imported name: another object's attribute, a keyword's name, a definition's own name.
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
    if ((p?.type === 'function_definition' || p?.type === 'class_definition') && p.childForFieldName('name')?.id === id.id) continue;
    const called = p?.type === 'call' && p.childForFieldName('function')?.id === id.id;
    // `@checks` or a decorator factory `@checks("Call")`.
    const decorator = p?.type === 'decorator' || (called && p!.parent?.type === 'decorator');
    const base = p?.type === 'argument_list' && p.parent?.type === 'class_definition';
    if (decoratorsOnly ? !decorator : !called && !decorator && !base) return false;
    // A decorator on a stub (`raise NotImplementedError`, `pass`) supplies the function's whole result.
    if (decorator && decoratesStub(id)) return false;
    used.add(id.text);
  }
  return used.size === locals.size;
}

/**
 * The function under the decorator `id` belongs to has a body that computes nothing: only a docstring,
 * `pass`, `...`, `return`/`return None`, or `raise NotImplementedError`.
 */
function decoratesStub(id: Node): boolean {
  let d: Node | null = id.parent;
  while (d && d.type !== 'decorator') d = d.parent;
  const def = d?.parent?.type === 'decorated_definition' ? d.parent.childForFieldName('definition') : null;
  const body = def?.type === 'function_definition' ? def.childForFieldName('body') : null;
  if (!body) return false;
  return statementsOf(body).every((stmt) => {
    if (isInert(stmt)) return true;
    if (stmt.type === 'return_statement') return !stmt.namedChild(0) || stmt.namedChild(0)!.type === 'none';
    if (stmt.type === 'raise_statement') return /^NotImplementedError\b/.test(stmt.namedChild(0)?.text ?? '');
    return false;
  });
}


function isReadMode(mode: Node | undefined): boolean {
  if (!mode) return true;
  const s = stringValue(mode);
  return s !== undefined && !/[wax+]/.test(s);
}

/** A name that designates a test: `test_parse`, `TestParser`, `tests.test_x`, `parse_test`. */
function namesATest(node: Node, names: NameResolver): string | undefined {
  const n = unparen(node);
  const q = names.qualify(n);
  if (q && isTestModuleName(q)) return q;
  // Imported from a library module (`from starlette.testclient import TestClient`): its name says nothing.
  if (q && !q.startsWith('builtins.')) return q.includes('.') && isTestModuleName(q.slice(0, q.lastIndexOf('.'))) ? q : undefined;
  const d = dottedName(n);
  if (!d) return undefined;
  const last = d.slice(d.lastIndexOf('.') + 1);
  if (/^(test_\w+|Test[A-Z_]\w*|\w+_test)$/.test(last)) return d;
  return undefined;
}

interface Hit {
  node: Node;
  what: string;
  how: string;
  severity: Severity;
  /** Listing a folder rather than reading a file. */
  listing?: boolean;
  /** Why the read is probably harmless, said in place of what a read of the tests means. */
  note?: string;
}

export const testSourceReading: Rule = {
  meta: {
    code: 'RH503',
    name: 'test-source-reading',
    family: 'RH5',
    defaultSeverity: 'warning',
    severityByRole: { 'code-under-test': 'warning', 'entry-point': 'info', test: 'off', 'test-infrastructure': 'off' },
    docs: {
      summary: 'Code under test opens, parses or imports test files or expected-output files.',
      why: [
        'The tests hold the answers: `assert solve(case) == EXPECTED[case]`, `expected_output.json`, the literal on the',
        'right of an `assert`. Code under test that opens `tests/test_solution.py`, parses it, imports',
        '`tests.test_solution`, calls `inspect.getsource` on a test, or loads `expected*.json` can hand those answers',
        'back without computing anything, and the tests pass for inputs the code cannot actually handle.',
        '',
        'Paths are recognised when they are literals or built from literals (`Path(__file__).parent / "tests" / "expected.json"`,',
        '`os.path.join(ROOT, "tests", name)`, a loop over `glob.glob("tests/test_*.py")`), in `open` and path methods and in',
        'the data libraries\' readers that take a path (`pd.read_csv`, `pd.read_json` and the other `pandas.read_*`,',
        '`np.load`, `np.loadtxt`, `np.genfromtxt`, `np.fromfile`, `toml.load`, `joblib.load`). Module names count also when built',
        'from literals (`importlib.import_module(f"tests.test_{name}")`) or taken from a loop over literals that names a test module among others (`for m in ("overrides", "tests.test_core"): import_module(m)`), and so do modules run or located by name (`runpy.run_module`,',
        '`importlib.util.find_spec`) and the data files of a test package (`pkgutil.get_data("tests", ...)`, `importlib.resources.files("tests")`,',
        '`read_text("tests.data", ...)`; a resource path into the tests from another package counts too). A read of a listing\'s entry that a condition keeps',
        'by a test module\'s name counts as well (`for f in files: if f.startswith("test_") and f.endswith(".py"): open(...)`,',
        '`fnmatch(f, "test_*.py")`, `re.match(r"test_\\w+\\.py", f)`, `if not p.name.startswith("test"): continue` over `rglob("*.py")`).',
      ].join('\n'),
      example: ['import json', '', 'def solve(case):', '    with open("tests/expected_output.json") as fh:', '        return json.load(fh)[case]'].join('\n'),
      instead: 'Compute the answer from the input. If the code genuinely needs reference data, ship it with the package (not under `tests/`) and document why.',
      lookAlikes: [
        'Library names that start with `test`: a function imported from a module (`from pip._internal.utils.filesystem import test_writable_dir`), a feature package such as moto\'s `test_state` and the modules named after it (`test_state.program.test_state_program`): quiet (only a `tests` package or a `test_*` module counts).',
        'Tooling around the package: benchmarks (`benchmarks/`, `asv_bench/`, `bench_*.py`), data-generation scripts (`_precompute/`), documentation sources (`docs/`) and builders (Sphinx extensions, docutils directives) reusing the test suite\'s loader, reference implementation or example files: `info`. Only the folder holding the file counts.',
        'A package\'s own data files (`pkgutil.get_data(__name__, "data/zones.json")`, `importlib.resources.files("mypkg.templates")`): quiet; one named like an expected output among the package\'s own resources (`resources.files("etl.schemas").joinpath("expected_columns.json")`): `info`.',
        'Commands that run the tests (`subprocess.run(["pytest", "tests/test_x.py"])`) or print other files (`git show HEAD:CHANGELOG.md`), and scans of `sys.modules` for other packages or that only collect test module names: quiet. A command that prints a test file with its output captured (`git show HEAD:tests/test_x.py`, `cat tests/test_x.py`), or a scan of `sys.modules` that picks the test modules by name and reads their globals or their source (`inspect.getsource(mod)`), counts as a read.',
        'Tests reading their own golden files (`expected_output.json` in a test): quiet (test role).',
        'Test infrastructure (`conftest.py`, pytest plugins) loading test data: quiet.',
        'Build and packaging tools reading `setup.cfg`, `tox.ini` or `pytest.ini`: quiet (configuration, not answers).',
        'Paths held in variables with no literal test path, and temporary directories: quiet.',
        'Listing a test folder without opening its files (`os.listdir("tests")`): `info`.',
        'A relative import of a package\'s own `tests` module (`from .tests import TESTS` in jinja2, a `runtests()` helper that runs the package\'s suite): quiet; `from .tests.test_x import ...` still counts.',
        'Command-line scripts (`if __name__ == "__main__":`, shebang files) doing the same: `info`.',
        'Tools that read the tests of a project they are given (`Path(root).rglob("test_*.py")` with `root` a parameter without default: test discovery, mutation testing): `info`.',
        'Configuration kept in a test folder (`tests/requirements.txt`, `tests/tox.ini`): quiet. A `test` folder of a data module (`datasets/mnist.py`) is a data split: quiet.',
        'Library classes whose name starts with `Test` (`from starlette.testclient import TestClient`): quiet.',
        'Hooks of the package\'s own test suite inside its code: a function whose name (or whose class\'s) says it serves the tests (`get_test_permutations()`, `get_foreign_tests_factory()`, a `cmd_selftest` or `cmd_test_script` command) or that takes the running test case (`def make_tree(cls, test_case, tree)`), importing from the tests only classes it hands over (`test_server.LoopbackServer`, `Factory()`, a base class, a support module\'s `features.TLSFeature.available()` or `certs.build_path("ca.pem")`; calls given constants only) or a feature passed to the test case (`test_case.requireFeature(feature)`): quiet. Constants, answer and oracle names, tables indexed, values returned, calls given the function\'s inputs (`support.lookup(n)`, `Case(n)`), a `test_*` module\'s functions and class methods, members read from a class or an instance still count.',
        'A class from the tests used only as the base of a class the file hands to such hooks alone (a module-level `from ..tests.test_server import TestServer` for `class LocalServer(TestServer)` returned by `get_test_permutations()`): `info`. A subclass used anywhere else (`class Solver(TestSolve)`, the API the tests call) still counts.',
        '`import othertool.test_results` (a package\'s module outside any `tests` folder) in a file that never names `test_results` again: quiet, nothing is read from it.',
        'Functions that hand the package\'s own suite to a runner (a module-level `test_suite()` for setuptools, `load_tests()`, `additional_tests()`, `suite()`, `runtests()`) importing or reading the tests: quiet.',
        'Classes imported from a `test_*` module of a package outside any `tests` folder (`from subunit.test_results import CatFiles`: test tooling names modules after the result classes they hold): `info`. Constants, functions and test-case classes (`TestSolver`) imported from it still count.',
        'Helpers of a test package\'s support modules used only as utilities in the importing file (`from astropy.coordinates.tests.helper import skycoord_equal` then `skycoord_equal(a, b)`, `with captured_stdout():` from `numba.tests.support`, a decorator or a base class): `info`. Constants, test-case classes, names that say they give the answers (`expected_*`, `golden`, `reference`) or name the tests\' oracle (`brute_force_*`, `naive_*`, `slow_*`, `*_baseline`, `ground_truth_*`), decorators on a function whose body computes nothing (`pass`, `...`, `raise NotImplementedError`: the decorator supplies the result), names used as values, and anything else from a `test_*` module still count.',
        'A package\'s own module that is only named like a test (bandit\'s "tests" are its security checks): re-exported by a package `__init__.py` (`from bandit.core.test_properties import *`) or with names used only as decorators (`@checks("Call")`): `info`. A star import elsewhere, an `__init__.py` that reads a constant-like name it never binds (`return EXPECTED[case]`: data the star import brought in), functions called from it (a test\'s reference implementation), constants, and any module of a `tests` folder still count.',
        'Imports under `if TYPE_CHECKING:` (from `typing` or a module re-exporting it): quiet, they never run. A flag the file sets itself, and the `else` branch, still count.',
        'A package named like a test whose submodules are imported (`from tempest.test_discover import plugins`, then only `plugins.TempestTestPluginManager()`): quiet, a test file is a module. Names used as values (called, indexed, a table\'s `get`/`items`) or named like answers still count.',
        'Base classes and type aliases from the package\'s own module named like a test (a scanner\'s `scanner/test_case.py` holding `AutomotiveTestCase`, `TestCaseGenerator`, `_SocketUnion`), used only as types (annotations, `# type:` comments, base classes, `isinstance` checks, a subclass reading what it inherits): `info`. A test-case class read as a value (`TestSolve.expected[n]`) still counts.',
        'A `test_<dependency>` module that checks whether an optional dependency is installed (`from scapy.libs.test_pyx import PYX` in a file that imports `pyx` in a `try` catching `ImportError`): `info`. A required dependency, a module named after anything else, and answer-like or test-case names still count.',
        'Test-support modules named for a feature and built on a test framework (`plugins/dns_test_common.py` importing `unittest.mock`, whose base test classes other packages\' suites share) importing the project\'s test utilities: quiet. A module named with a `test` word that does not import a test framework (an A/B-testing feature) still counts.',
        'Listed files kept by a `test_` prefix that are not Python files (a data set\'s `test_batch`, `test_images.npy`), or files kept because they are *not* tests (`if not f.startswith("test_")`): quiet.',
      ],
    },
  },
  create(ctx) {
    // `emit` drops every hit here: roleAt() keeps a test-side file's role, and helpers are always quiet.
    if (isTestSide(ctx.role) || isTestHelperPath(ctx.path) || isFeatureTestSupport(ctx.path, ctx.root)) return {};
    // Computed at the first hit: most files have none.
    let tooling: string | null | undefined;
    const emit = (hit: Hit) => {
      const role = ctx.roleAt(hit.node);
      if (isTestSide(role) || inSuiteHook(hit.node)) return;
      tooling ??= toolingKind(ctx.path, ctx.source, ctx.root) ?? null;
      const severity: Severity = role === 'entry-point' || tooling ? 'info' : hit.severity;
      const fn = enclosingFunction(hit.node);
      if (role !== 'entry-point' && tooling) {
        // Benchmarks, data generators and documentation builders reuse the tests' loaders and examples.
        const where = fn ? `in \`${functionName(fn)}()\` of ${tooling}` : `at import time in ${tooling}`;
        const message = `${hit.how} ${where} ${hit.listing ? 'lists' : 'reads'} ${hit.what}: normal for tooling that reuses a package's test data, a hack if the package's own code does it to find the expected answers.`;
        ctx.report({ node: hit.node, message, severity });
        return;
      }
      const where = role === 'entry-point' ? 'in a script' : fn ? `in \`${functionName(fn)}()\` of code under test` : 'at import time in code under test';
      const message = hit.note
        ? `${hit.how} ${where} reads ${hit.what}: ${hit.note}`
        : hit.listing
        ? `${hit.how} ${where} lists ${hit.what}: code under test has no reason to look at its tests (reading them would be a way to find the expected answers).`
        : `${hit.how} ${where} reads ${hit.what}: an answer taken from the tests is not computed, so the tests pass without checking the code.`;
      ctx.report({ node: hit.node, message, severity });
    };
    const file: FileContext = { source: ctx.source, path: ctx.path };
    // Files that pick entries by name (`startswith`, `fnmatch`, `re.match`) next to a `test` literal.
    let mayFilterByName: boolean | undefined;
    const fromPath = (node: Node, expr: Node | undefined, how: string) => {
      if (!expr) return false;
      const info = pathOf(expr, ctx.names);
      const m = readMatch(info, file);
      if (!m) {
        if (!(mayFilterByName ??= /test/.test(ctx.source) && /startswith|endswith|fnmatch|match\(/.test(ctx.source))) return false;
        const picked = filteredTestEntry(node, expr, ctx.names);
        if (!picked) return false;
        const lister = picked.listing.call.childForFieldName('function');
        const where = dottedName(lister) ?? (lister?.type === 'attribute' ? `….${lister.childForFieldName('attribute')?.text}` : 'a listing');
        const severity = startsAtCallersLocation(pathOf(picked.listing.base, ctx.names)) ? 'info' : 'warning';
        emit({ node, what: `the test files \`${short(picked.filter, 50)}\` picks from \`${where}(...)\``, how, severity });
        return true;
      }
      emit({ node, what: describeTestPath(m), how, severity: startsAtCallersLocation(info) ? 'info' : 'warning' });
      return true;
    };
    // A test module's name is written in the import itself (identifiers have no escapes): an import whose
    // text lacks `test` names none, which is cheaper to ask of each import than of the whole file. With a
    // syntax error, `module_name` (read without whitespace) may join stray tokens: ask the file instead.
    let fileMentionsTest: boolean | undefined;
    const mayImportTests = (node: Node) =>
      ctx.root.hasError ? (fileMentionsTest ??= ctx.source.includes('test')) : node.text.includes('test');
    return {
      call(node) {
        const callee = node.childForFieldName('function');
        // `x.open(...)` → `open`; undefined for any other callee.
        const method = callee?.type === 'attribute' ? (callee.childForFieldName('attribute')?.text ?? '') : undefined;
        // An attribute callee resolves to `<base>.<attribute>`: unless the attribute is one of the names
        // below, the callee and the method are both irrelevant, so skip resolving it.
        if (method !== undefined && !CALL_NAMES.has(method) && !method.startsWith('read_')) return;
        // A plain name resolves by a table lookup (the same answer `callee()` gives, without its cache).
        const q = (callee?.type === 'identifier' ? ctx.names.lookup(callee.text) : ctx.names.callee(node)) ?? '';
        const dataReader = DATA_READERS.get(q) ?? (PANDAS_READER.test(q) ? '' : undefined);
        const resourceReader = RESOURCE_READERS.test(q);
        if (CAPTURING_COMMANDS.has(q)) {
          // `subprocess.run`/`Popen` hand the output back only when asked to (`capture_output=True`, `stdout=PIPE`).
          const keywords = callArguments(node).keywords;
          if ((q === 'subprocess.run' || q === 'subprocess.Popen') && !keywords.has('capture_output') && !keywords.has('stdout')) return;
          const m = printedTestFile(args0(node), file);
          if (m) emit({ node, what: describeTestPath(m), how: `\`${dottedName(callee) ?? q}(...)\``, severity: 'warning' });
          return;
        }
        if (!RELEVANT_CALLEES.has(q) && dataReader === undefined && !resourceReader && !q.startsWith('glob.') && !q.startsWith('os.')) {
          if (method === undefined || !RELEVANT_METHODS.has(method)) return;
        }
        const args = callArguments(node);
        const fnText = dottedName(callee) ?? (method !== undefined ? `….${method}` : 'call');
        if (resourceReader) {
          const anchor = args.positional[0] ?? args.keywords.get('package') ?? args.keywords.get('anchor');
          const pkg = stringValue(anchor) ?? (anchor && builtModuleName(anchor, ctx.names));
          if (pkg && isTestModuleName(pkg)) {
            emit({ node, what: `the data of the test package \`${pkg}\``, how: `\`${fnText}("${pkg}")\``, severity: 'warning' });
          } else if (!q.endsWith('.files')) {
            // `pkgutil.get_data(__name__, "tests/expected.json")`: the resource's own path may lead into the tests.
            fromPath(node, args.positional[1] ?? args.keywords.get('resource'), `\`${fnText}(...)\``);
          }
          return;
        }
        if (dataReader !== undefined) {
          const keywords = dataReader ? [dataReader] : PANDAS_PATH_KEYWORDS;
          const p = args.positional[0] ?? keywords.map((k) => args.keywords.get(k)).find((a) => a);
          fromPath(node, p, `\`${fnText}(...)\``);
          return;
        }
        if (OPEN_FUNCTIONS.has(q)) {
          const mode = q === 'tokenize.open' ? undefined : (args.positional[1] ?? args.keywords.get('mode'));
          if (isReadMode(mode)) fromPath(node, args.positional[0] ?? args.keywords.get('file') ?? args.keywords.get('filename'), `\`${fnText}(...)\``);
          return;
        }
        if (PATH_READERS.has(q) || q === 'importlib.util.spec_from_file_location') {
          const p = q === 'importlib.util.spec_from_file_location' ? (args.positional[1] ?? args.keywords.get('location')) : (args.positional[0] ?? args.keywords.get('path_name'));
          fromPath(node, p, `\`${fnText}(...)\``);
          return;
        }
        if (MODULE_LOADERS.has(q)) {
          const a0 = args.positional[0];
          // `for name in ("overrides", "tests.test_core"): import_module(name)`: a test module among the names tried.
          const mod = stringValue(a0) ?? (a0 && builtModuleName(a0, ctx.names)) ?? (a0 && loopLiteralStrings(a0)?.find(isTestModuleName));
          if (mod && isTestModuleName(mod)) emit({ node, what: `the test module \`${mod}\``, how: `\`${fnText}("${mod}")\``, severity: 'warning' });
          return;
        }
        if (SOURCE_FUNCTIONS.has(q)) {
          const arg = args.positional[0] ?? args.keywords.get('object');
          const test = arg && namesATest(arg, ctx.names);
          if (test) emit({ node, what: `the source of the test \`${test}\``, how: `\`${fnText}(...)\``, severity: 'warning' });
          return;
        }
        if (method !== undefined) {
          const obj = callee!.childForFieldName('object');
          if (obj && (method === 'read_text' || method === 'read_bytes')) {
            const pkg = ownPackageResource(obj, ctx.names);
            const m = pkg ? readMatch(pathOf(obj, ctx.names), file) : undefined;
            if (m?.kind === 'expected-output') {
              const note = `a data file of the package's own resources (\`${pkg}\`), not of its tests: a package reads its schemas and defaults that way; check that the tests do not compare against it.`;
              emit({ node, what: describeTestPath(m), how: `\`.${method}()\``, severity: 'info', note });
              return;
            }
            fromPath(node, obj, `\`.${method}()\``);
            return;
          }
          if (obj && method === 'open' && isReadMode(args.positional[0] ?? args.keywords.get('mode'))) {
            const o = unparen(obj);
            // `Path(...).open()` only: `webbrowser.open("tests/x")`-style calls on modules are not file reads.
            if (!ctx.names.qualify(o)) fromPath(node, obj, '`.open()`');
            return;
          }
        }
        const listing = listingTarget(node, ctx.names);
        if (listing) {
          const info = pathOf(listing.base, ctx.names);
          const m = testPathKind(info, file);
          if (m && (m.kind === 'test-folder' || m.kind === 'in-test-folder' || m.kind === 'test-file')) {
            emit({ node, what: describeTestPath(m), how: `\`${fnText}(...)\``, severity: 'info', listing: true });
          }
        }
      },
      for_statement(node) {
        const read = loadedTestModuleRead(node, () => ctx.names);
        if (read) emit({ node: read.filter, what: read.what, how: '`sys.modules`', severity: 'warning' });
      },
      import_statement(node) {
        if (!mayImportTests(node) || inTypeCheckingBlock(node, ctx.names)) return;
        for (const item of node.namedChildren) {
          const name = item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.type === 'dotted_name' ? item.text : undefined;
          // `import othertool.test_results` never read again: nothing is taken from it.
          if (name && isTestModuleName(name) && !(item.type === 'dotted_name' && unreadPackageModule(name, ctx.root))) emit({ node, what: `the test module \`${name}\``, how: `\`import ${name}\``, severity: 'warning' });
        }
      },
      import_from_statement(node) {
        if (!mayImportTests(node)) return;
        const mod = node.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '';
        const imported = node.childrenForFieldName('name').map((n) => (n?.type === 'aliased_import' ? n.childForFieldName('name')?.text : n?.text) ?? '');
        const full = isTestModuleName(mod) ? mod : importsSubmodules(mod) ? imported.map((i) => `${mod}.${i}`).find((m) => /\.test_\w+$/.test(m)) : undefined;
        if (!full) return;
        if (inTypeCheckingBlock(node, ctx.names)) return;
        if (full === mod && importsPackageSubmodules(mod, node, ctx.root)) return;
        // A hook of the package's own test suite importing the servers, factories and features it hands to it.
        const hook = testServingFunction(node);
        if (hook && handsMachineryToTests(mod, node, hook)) return;
        if (!enclosingFunction(node) && baseOfTestOnlyClasses(node, ctx.root)) {
          const note = 'a base class for a class the file hands only to its test hooks (a server or fixture the suite runs against); a test\'s answers are values, not base classes.';
          emit({ node, what: `the classes ${imported.map((i) => `\`${i}\``).slice(0, 3).join(', ')} of \`${mod}\``, how: `\`from ${mod} import ...\``, severity: 'info', note });
          return;
        }
        if (full === mod && importsLibraryClasses(mod, node, ctx.root, ctx.path, ctx.source, ctx.names)) {
          const note = 'a library module named like a test, from which only classes are imported (test tooling names modules after the result classes or runners they hold; a test\'s answers are values, not classes).';
          emit({ node, what: `the classes ${imported.map((i) => `\`${i}\``).slice(0, 3).join(', ')} of \`${mod}\``, how: `\`from ${mod} import ...\``, severity: 'info', note });
          return;
        }
        const probed = full === mod ? probedOptionalDependency(mod, node, ctx.root, ctx.path) : undefined;
        if (probed) {
          const note = `a module that checks whether the optional dependency \`${probed}\` is installed (the file imports it where a failed import is caught): a module of tests checks the project's own code, not what is installed.`;
          emit({ node, what: `the names ${imported.map((i) => `\`${i}\``).slice(0, 3).join(', ')} of \`${mod}\``, how: `\`from ${mod} import ...\``, severity: 'info', note });
          return;
        }
        if (full === mod && reExportsOwnModule(mod, node, ctx.root, ctx.path)) {
          const note = 'a package re-exporting its own module named like a test as part of its API (a module of tests has nothing to export; code after a test\'s answers imports them where it uses them).';
          emit({ node, what: `the names of its own module \`${mod}\``, how: `\`from ${mod} import *\``, severity: 'info', note });
          return;
        }
        if (full === mod && importsTestUtilities(mod, node, ctx.root, ctx.path)) {
          const note = 'a support module of the tests, whose names are only called here (comparison helpers, context managers and decorators compute nothing the tests expect; constants and tables would).';
          emit({ node, what: `the helpers ${imported.map((i) => `\`${i}\``).slice(0, 3).join(', ')} of \`${mod}\``, how: `\`from ${mod} import ...\``, severity: 'info', note });
          return;
        }
        emit({ node, what: `the test module \`${full.replace(/^\.+/, '.')}\``, how: `\`from ${mod} import ...\``, severity: 'warning' });
      },
    };
  },
};
