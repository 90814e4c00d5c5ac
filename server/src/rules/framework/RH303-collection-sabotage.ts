/**
 * RH303 collection-sabotage: the tests are collected away, deselected or skipped wholesale, so the run
 * has nothing left that could fail.
 *
 * - `pytest_collection_modifyitems` emptying `items` (`items.clear()`, `items[:] = []`, `del items[:]`, a
 *   comprehension that keeps nothing, `for item in list(items): items.remove(item)`), keeping only a
 *   hard-coded subset (`items[:] = [i for i in items if i.name == "test_ok"]`, `del items[1:]`), removing a
 *   pick of the items one by one (`broken = [i for i in items if i.name in BROKEN]; for i in broken:
 *   items.remove(i)`), and hooks that clear or rebind `session.items` (`pytest_collection_finish`, `pytest_sessionstart`);
 * - skip/xfail marks added to every item (`for item in items: item.add_marker(pytest.mark.skip(...))`, or
 *   the same loop written as a comprehension run for its side effect, whose `if` filters count like `if`
 *   statements), in `pytest_itemcollected`/`pytest_runtest_setup`, or `request.node.add_marker` in an
 *   autouse fixture; a marker may be bound to a name or by a walrus first (`if (mark := pytest.mark.xfail()):`
 *   is no condition: a MarkDecorator is always true);
 * - an autouse fixture, `pytest_runtest_setup`, `pytest_runtest_call` or `pytest_pyfunc_call` that calls
 *   `pytest.skip()`/`pytest.xfail()` (or raises a skip exception) for every test;
 * - `pytest_ignore_collect` returning True for every path or for the test files, and
 *   `pytest_pycollect_makeitem` returning `[]` for every test function;
 * - `collect_ignore`/`collect_ignore_glob` in conftest.py covering the test files, also with entries built from
 *   literals (`[f"test_{s}*.py" for s in SUITES]` over a tuple bound once, `"test_%s.py" % n` in a loop);
 * - `config.option.keyword` (the `-k` expression) set from code to one no test name satisfies (`"not test_"`),
 *   and `config.option.collectonly` (`--collect-only`) switched on from code; the same options put in the
 *   argument list of `pytest_load_initial_conftests` / `pytest_cmdline_preparse` (`args[:] = ["-k", "not test_"]`);
 * - pytest's `--deselect` / `--ignore` / `--ignore-glob` options filled from code with hard-coded test ids or test
 *   files (`config.option.deselect += ["tests/test_a.py::test_x"]`, also in the argument list), and `config.args`
 *   set to hard-coded test files or ids only (nothing else is collected);
 * - a `pytest_collect_file` wrapper returning `[]` (or `force_result([])`) for the test files;
 * - `pytest_collection_modifyitems` keeping only the items not in pytest's record of the last run's failures
 *   (`cache/lastfailed`), see `last-failed.ts`;
 * - `unittest.TestLoader.testMethodPrefix` set to a prefix the `test*` methods do not have;
 * - in a folder scan, pytest's `addopts` at the folder's root (pytest.ini, pyproject.toml, tox.ini, setup.cfg)
 *   taking named tests out of every run (`-k "not iso_week and not tz_offset"` whose terms each pick a few of the
 *   project's test functions, `--deselect` of test ids, `--ignore` of test files) or running none (`--co`), see
 *   `configured-deselection.ts`.
 *
 * What each of these applies to is worked out from its conditions (a small lattice: nothing / a category /
 * named tests / all but a category / all but named tests / all). Conditions on the item's markers or
 * keywords select a category the test author chose (the `--runslow` recipe) and stay quiet; conditions
 * on options, platform, Python version, installed packages or environment make the sabotage conditional
 * and drop it to `info` or below; hard-coded test names give a warning; no condition gives an error.
 */
import { callArguments, decoratorsOf, dottedName, enclosingLoopIterable, forEachDescendant, forEachInScope, functionName, isMethod, lastNameOf, moduleAssignments, moduleFunctionNamed, parameterNames, returnValue, unparen, stringValue, type Node } from '../../engine/ast';
import { MentionedWords } from '../../engine/prefilter';
import { builtStrings } from '../equality/helpers';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { assignedHooks, enclosingCallable, gatesOf, hookNameOf, hookScope, hookParameters, hookStyle, keywordValue, localBindings, requires, snippet, truthiness, type Gate } from './helpers';
import { hooksBoundElsewhere } from './bound-hooks';
import { PYTEST_CONFIG_FILES, runNarrowingOptions } from '../../review/pytest-config';
import { addoptsWrites, configuredDeselections, judgeAddoptsOption, literalWords } from './configured-deselection';
import { skippedCategory } from './opt-in-category';
import { checkLastFailedDrops } from './last-failed';

// ---------------------------------------------------------------------------------------------------
// The selection lattice: which tests a condition picks.

const DEAD = 0; // no test (the code never runs)
const OTHER = 1; // a category the author chose (markers, keywords, non-test paths), or something opaque
const NAMED = 2; // tests picked by hard-coded name
const ALLBUT_CAT = 3; // every test except a category
const ALLBUT = 4; // every test except a hard-coded few
const ALL = 5; // every test
type Sel = 0 | 1 | 2 | 3 | 4 | 5;
const NEG: readonly Sel[] = [ALL, ALLBUT_CAT, ALLBUT, OTHER, NAMED, DEAD];

interface Verdict {
  sel: Sel;
  /** Depends on an option, the platform, the environment, installed packages or plugin state. */
  ext: boolean;
  /** Depends on a CI environment variable (`CI`, `GITHUB_ACTIONS`...). */
  ci: boolean;
  /** Opaque verdicts do not change under negation (`not config.getoption(x)` is as conditional as its opposite). */
  pure?: 'ext' | 'opaque';
}

const TRIVIAL: Verdict = { sel: ALL, ext: false, ci: false };
const EXT = (ci = false): Verdict => ({ sel: ALL, ext: true, ci, pure: 'ext' });
const OPAQUE: Verdict = { sel: OTHER, ext: false, ci: false, pure: 'opaque' };
const sel = (s: Sel): Verdict => ({ sel: s, ext: false, ci: false });

function neg(v: Verdict): Verdict {
  return v.pure ? v : { ...v, sel: NEG[v.sel]! };
}
function and(a: Verdict, b: Verdict): Verdict {
  // No condition is the identity: `and(TRIVIAL, opaque)` stays opaque (its negation too).
  if (a === TRIVIAL) return b;
  if (b === TRIVIAL) return a;
  return { sel: Math.min(a.sel, b.sel) as Sel, ext: a.ext || b.ext, ci: a.ci || b.ci, pure: a.pure === b.pure ? a.pure : undefined };
}
function or(a: Verdict, b: Verdict): Verdict {
  return { sel: Math.max(a.sel, b.sel) as Sel, ext: a.ext || b.ext, ci: a.ci || b.ci, pure: a.pure === b.pure ? a.pure : undefined };
}

// ---------------------------------------------------------------------------------------------------
// What a condition refers to.

/** Conditions on the run's configuration or environment rather than on the tests. */
const EXTERNAL =
  /\b(config|getoption|getini|getvalue|option|options|environ|getenv|platform|version_info|hexversion|implementation|python_version|python_implementation|find_spec|find_loader|importorskip|which|modules|maxsize|byteorder|HAS_\w+|IS_\w+|has_\w+|\w+_AVAILABLE|available|installed)\b|\bos\.name\b/;
const CI_NAMES = `["'](CI|GITHUB_ACTIONS|GITLAB_CI|TRAVIS|CIRCLECI|JENKINS_URL|BUILDKITE|TF_BUILD|TEAMCITY_VERSION|CONTINUOUS_INTEGRATION|BUILD_ID)["']`;
const CI_VAR = new RegExp(`\\b(environ|getenv)\\b[\\s\\S]*${CI_NAMES}|${CI_NAMES}[\\s\\S]*\\b(environ|getenv)\\b`);
/** A gate that holds only when the user asked for it on the command line or in the ini file. */
const OPTION_ATOM = (atom: Node): boolean => /\b(getoption|getvalue|getini)\s*\(|\bconfig\.option\.\w+|\boption\.\w+/.test(atom.text);
/** Attributes of an item (or path) that name the test. */
const NAME_ATTR = /\b(name|nodeid|_nodeid|originalname|fspath|path|file_path|collection_path|location|basename|stem|strpath|__name__|__qualname__|module|function|cls|parent|fullname|__module__)\b/;
/** Callables and modules that are neutral in a condition (they do not make it depend on the environment). */
const NEUTRAL = new Set([
  'str', 'len', 'any', 'all', 'isinstance', 'bool', 'list', 'set', 'tuple', 'frozenset', 'repr', 'getattr', 'hasattr', 'fnmatch',
  're', 'os', 'posixpath', 'pathlib', 'Path', 'type', 'pytest', '_pytest', 'inspect', 'callable', 'safe_isclass', 'PurePath', 'lower', 'print',
]);

type Domain = 'item' | 'path';

interface Scope {
  /** Per-test names: the loop variable over `items`, the item parameter, `request`, the path parameter, and locals derived from them. */
  v: Set<string>;
  /** Those of `v` that stand for the test's name or path. */
  nameVars: Set<string>;
  /** Locals computed from options, platform or environment. */
  extLocals: Set<string>;
  /** Names bound to string literals or collections of them. */
  literals: Map<string, string[]>;
  /** Names that are the item list or session: conditions on them alone select nothing in particular. */
  neutral: Set<string>;
  domain: Domain;
  /**
   * The names are those of the objects pytest is offered in a module or class (`pytest_pycollect_makeitem`),
   * not of collected tests: a class-style prefix longer than `Test` there names a family of classes.
   */
  objectNames?: boolean;
  /**
   * Which items a local list derived from the items holds (`deselected = [i for i in items if K]` holds those
   * where K), for `item in deselected`; undefined for other names.
   */
  members?: (name: string) => Verdict | undefined;
}

/** String values of a literal or a literal collection (`"a"`, `("a", "b")`, `{"a"}`, `frozenset([...])`, a constant). */
function literalsOf(node: Node | null | undefined, s: Scope, depth = 0): string[] | undefined {
  if (!node || depth > 5) return undefined;
  const n = unparen(node);
  const v = stringValue(n);
  if (v !== undefined) return [v];
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'set') {
    const out: string[] = [];
    for (const c of n.namedChildren) {
      if (c.type === 'comment') continue;
      const l = literalsOf(c, s, depth + 1);
      if (!l) return undefined;
      out.push(...l);
    }
    return out;
  }
  if (n.type === 'identifier') return s.literals.get(n.text);
  if (n.type === 'call') {
    const f = unparen(n.childForFieldName('function')!);
    const args = callArguments(n);
    if (f.type === 'identifier' && /^(frozenset|set|tuple|list)$/.test(f.text) && args.positional.length === 1) return literalsOf(args.positional[0], s, depth + 1);
    // `set()`: an empty collection.
    if (f.type === 'identifier' && /^(frozenset|set|tuple|list)$/.test(f.text) && n.childForFieldName('arguments')?.namedChildren.length === 0) return [];
  }
  return undefined;
}

function fnmatchRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** Names a generic test file, test id or test directory would have. */
const ITEM_SAMPLES = ['test_sample', 'tests/test_sample.py::test_sample', 'tests/test_sample.py', 'test_sample.py'];
const PATH_SAMPLES = ['test_sample.py', 'sample_test.py', 'tests', 'test', 'tests/test_sample.py', 'test/test_sample.py', 'pkg/tests/test_sample.py'];
const TEST_LIKE = /(^|[/\\:.])test_\w|\w_test(\.py)?$|(^|::)Test[A-Z_]|^tests?$/;

type LiteralKind = 'eq' | 'contains' | 'prefix' | 'suffix' | 'glob' | 'regex';

/** Which tests `<name> <kind> L` selects. */
function classifyLiteral(l: string, kind: LiteralKind, domain: Domain, objectNames = false): Sel {
  // Among the objects offered for collection, `name.startswith("TestData")` picks the helper and data classes
  // named like tests (`TestDataFactory`): keeping them out stops pytest from collecting non-tests (its
  // "cannot collect test class" warning), like `__test__ = False`. Dropping real tests needs the generic
  // prefix (`"Test"`, `"test"`) or their exact names, which stay reported.
  if (objectNames && kind === 'prefix' && /^Test[A-Z0-9]\w*$/.test(l)) return OTHER;
  const samples = domain === 'path' ? PATH_SAMPLES : ITEM_SAMPLES;
  switch (kind) {
    case 'contains':
      if (/^(tests?_?|tests?\/|\.py|py|::|\/|_|)$/i.test(l)) return ALL;
      break;
    case 'prefix':
      if (/^(tests?_?|Test|tests?\/|\.?\/?)$/i.test(l)) return ALL;
      break;
    case 'suffix':
      if (/^(\.?py|)$/.test(l)) return ALL;
      break;
    case 'eq':
      if (domain === 'path' && /^(tests?|\.py|py)$/.test(l)) return ALL;
      break;
    case 'glob': {
      const re = fnmatchRegex(l);
      if (samples.some((x) => re.test(x) || re.test(x.split('/').pop()!))) return ALL;
      break;
    }
    case 'regex':
      try {
        const re = new RegExp(l);
        if (samples.some((x) => re.test(x))) return ALL;
      } catch {
        return OTHER;
      }
      break;
  }
  // An exact item name is a specific test; a fragment of an id or path ("integration", "/e2e/") is a
  // directory or category unless it looks like a test's own name.
  if (domain === 'item' && kind === 'eq') return NAMED;
  return TEST_LIKE.test(l) || /::/.test(l) ? NAMED : OTHER;
}

function classifyLiterals(ls: string[], kind: LiteralKind, domain: Domain, objectNames = false): Sel {
  let out: Sel = DEAD;
  for (const l of ls) out = Math.max(out, classifyLiteral(l, kind, domain, objectNames)) as Sel;
  return out;
}

interface IdentInfo {
  hasV: boolean;
  /** A per-test name used for itself, not only to reach `item.config` / `item.session`. */
  hasVDirect: boolean;
  hasExt: boolean;
  unknown: boolean;
  any: boolean;
}

/** Root identifiers of a condition, classified. Attribute names and keyword names are not identifiers here. */
function identInfo(c: Node, s: Scope, compLiterals: Map<string, string[]>, compV: Set<string>): IdentInfo {
  const info: IdentInfo = { hasV: false, hasVDirect: false, hasExt: false, unknown: false, any: false };
  const visit = (n: Node) => {
    if (n.type !== 'identifier') return;
    const p = n.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) return;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id) return;
    info.any = true;
    const t = n.text;
    if (s.v.has(t) || compV.has(t)) {
      info.hasV = true;
      const via = p?.type === 'attribute' && p.childForFieldName('object')?.id === n.id ? p.childForFieldName('attribute')?.text : undefined;
      if (!via || !/^_?(config|session)$/.test(via)) info.hasVDirect = true;
    }
    else if (s.extLocals.has(t)) info.hasExt = true;
    else if (s.literals.has(t) || compLiterals.has(t) || s.neutral.has(t) || NEUTRAL.has(t)) return;
    else info.unknown = true;
  };
  visit(c);
  forEachDescendant(c, (n) => void visit(n));
  return info;
}

/** Comprehension variables inside a condition (`any(x in item.nodeid for x in NAMES)`): literal-bound or per-test. */
function comprehensionBindings(c: Node, s: Scope): { lits: Map<string, string[]>; v: Set<string> } {
  const lits = new Map<string, string[]>();
  const v = new Set<string>();
  forEachDescendant(c, (n) => {
    if (n.type !== 'for_in_clause') return;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) return;
    const l = literalsOf(right, s);
    if (l) lits.set(left.text, l);
    else if ([...identsOf(right)].some((i) => s.v.has(i))) v.add(left.text);
  });
  return { lits, v };
}

function identsOf(n: Node): Set<string> {
  const out = new Set<string>();
  if (n.type === 'identifier') out.add(n.text);
  forEachDescendant(n, (d) => {
    if (d.type !== 'identifier') return;
    const p = d.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === d.id) return;
    out.add(d.text);
  });
  return out;
}

function refersToV(n: Node, s: Scope, compV: Set<string>): boolean {
  for (const i of identsOf(n)) if (s.v.has(i) || compV.has(i)) return true;
  return false;
}

/** An expression that stands for the test's name, id or path (`item.nodeid`, `str(item.fspath)`, `collection_path.name`). */
function isNameRef(n: Node, s: Scope, compV: Set<string>): boolean {
  if (!refersToV(n, s, compV)) return false;
  if (s.domain === 'path') return true;
  for (const i of identsOf(n)) if (s.nameVars.has(i)) return true;
  return NAME_ATTR.test(n.text);
}

/**
 * A call of a module-level function of the file that answers the same constant whatever happens
 * (`def _backend_ready(): return False`): the condition it stands in is that constant. The function must be
 * defined once, undecorated, never rebound at module level (`try: from flags import ready as _ready`), and
 * end in a return, all its returns giving constants of one truthiness.
 */
function constantHelperCall(c: Node): 'truthy' | 'falsy' | undefined {
  const callee = c.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const root = c.tree.rootNode;
  const helper = moduleFunctionNamed(root, callee.text);
  if (!helper || helper.parent?.type === 'decorated_definition' || moduleAssignments(root).has(callee.text)) return undefined;
  // Defined once, and not also imported, assigned or declared global anywhere in the file.
  const name = callee.text;
  const defs = root.text.match(new RegExp(`\\b(def|class)\\s+${name}\\b`, 'g'))?.length ?? 0;
  if (defs !== 1 || new RegExp(`\\b(import|as|global)\\s+${name}\\b|\\b${name}\\s*(=[^=]|:=)|\\bglobal\\b[^\\n]*\\b${name}\\b`).test(root.text)) return undefined;
  const body = helper.childForFieldName('body');
  const stmts = body?.namedChildren.filter((x) => x.type !== 'comment') ?? [];
  if (!body || stmts[stmts.length - 1]?.type !== 'return_statement') return undefined;
  let answer: Truthy | undefined;
  let mixed = false;
  forEachInScope(body, (n) => {
    if (mixed) return false;
    if (n.type === 'yield' || n.type === 'global_statement' || n.type === 'nonlocal_statement') mixed = true;
    if (n.type !== 'return_statement') return;
    const t = truthiness(returnValue(n));
    // Only literal constants: `return None`/`return` count as falsy like `return False`.
    if (t === 'unknown' || (answer && answer !== t)) mixed = true;
    else answer = t;
  });
  return mixed ? undefined : answer;
}
type Truthy = 'truthy' | 'falsy';

function evalCond(node: Node, s: Scope, depth = 0, compLits = new Map<string, string[]>(), compV = new Set<string>()): Verdict {
  if (depth > 60) return OPAQUE;
  const c = unparen(node);
  if (c.type === 'call') {
    const k = constantHelperCall(c);
    if (k) return k === 'truthy' ? TRIVIAL : sel(DEAD);
  }
  // `(name := value)` is as true as its value; the name it binds plays no part.
  if (c.type === 'named_expression') {
    const value = c.childForFieldName('value');
    return value ? evalCond(value, s, depth + 1, compLits, compV) : OPAQUE;
  }
  if (c.type === 'not_operator') {
    const a = c.childForFieldName('argument');
    return a ? neg(evalCond(a, s, depth + 1, compLits, compV)) : OPAQUE;
  }
  if (c.type === 'boolean_operator') {
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    if (!l || !r) return OPAQUE;
    // `offline or not offline`: a test and its negation hold whatever the environment says.
    const constant = truthiness(c);
    if (constant === 'truthy') return TRIVIAL;
    if (constant === 'falsy') return sel(DEAD);
    const a = evalCond(l, s, depth + 1, compLits, compV);
    const b = evalCond(r, s, depth + 1, compLits, compV);
    return c.child(1)?.type === 'and' ? and(a, b) : or(a, b);
  }
  if (c.type === 'comparison_operator' && c.namedChildCount === 2) {
    const op = c.children.filter((x) => !x.isNamed).map((x) => x.type).join(' ');
    const [a, b] = c.namedChildren as [Node, Node];
    const negated = op === 'not in' || op === '!=' || op === 'is not';
    const positiveOp = op === 'in' || op === '==' || op === 'is' || negated;
    if (positiveOp) {
      const ua = unparen(a);
      const ub = unparen(b);
      // `x is None`, `x == False`: about x's truth.
      const falsy = (n: Node) => n.type === 'none' || n.type === 'false';
      if (op !== 'in' && op !== 'not in' && (falsy(ub) || falsy(ua))) {
        const other = falsy(ub) ? a : b;
        const v = evalCond(other, s, depth + 1, compLits, compV);
        return negated ? v : neg(v);
      }
      if (op !== 'in' && op !== 'not in' && (ub.type === 'true' || ua.type === 'true')) {
        const v = evalCond(ub.type === 'true' ? a : b, s, depth + 1, compLits, compV);
        return negated ? neg(v) : v;
      }
      const v = compareAtom(c, a, b, op.includes('in') ? 'in' : 'eq', s, compLits, compV);
      return negated ? neg(v) : v;
    }
  }
  return atom(c, s, compLits, compV);
}

/** `name in LITERALS`, `"literal" in item.nodeid`, `item.name == "test_x"`. */
function compareAtom(whole: Node, a: Node, b: Node, op: 'in' | 'eq', s: Scope, compLits: Map<string, string[]>, compV: Set<string>): Verdict {
  // `item in deselected`, with `deselected` a subset of the items this hook built: the condition that built it.
  const ua = unparen(a);
  const ub = unparen(b);
  if (op === 'in' && s.members && ub.type === 'identifier' && ua.type === 'identifier' && (s.v.has(ua.text) || compV.has(ua.text))) {
    const held = s.members(ub.text);
    if (held) return held;
  }
  const pre = precheck(whole, s, compLits, compV);
  if (pre) return pre;
  const withComp: Scope = compLits.size ? { ...s, literals: new Map([...s.literals, ...compLits]) } : s;
  const lb = literalsOf(b, withComp);
  const la = literalsOf(a, withComp);
  if (lb && isNameRef(a, s, compV)) return sel(classifyLiterals(lb, 'eq', s.domain));
  if (la && op === 'in' && isNameRef(b, s, compV)) return sel(classifyLiterals(la, 'contains', s.domain));
  if (la && op === 'eq' && isNameRef(b, s, compV)) return sel(classifyLiterals(la, 'eq', s.domain));
  return atom(whole, s, compLits, compV);
}

/** Conditions that are external, constant or about the item list alone; undefined when the condition is per test. */
function precheck(c: Node, s: Scope, compLits: Map<string, string[]>, compV: Set<string>): Verdict | undefined {
  const bindings = comprehensionBindings(c, s);
  const lits = new Map([...compLits, ...bindings.lits]);
  const vs = new Set([...compV, ...bindings.v]);
  const info = identInfo(c, s, lits, vs);
  // A per-test name checked against a configured list (`item.nodeid in config.getoption("deselect")`) is a
  // selection the user made; a condition on the configuration alone switches the whole run.
  if (EXTERNAL.test(c.text) || info.hasExt) return info.hasVDirect ? OPAQUE : EXT(CI_VAR.test(c.text));
  if (!info.hasV) {
    if (info.unknown) return EXT();
    if (!info.any) {
      const t = truthiness(c);
      return t === 'falsy' ? sel(DEAD) : TRIVIAL;
    }
    return TRIVIAL;
  }
  if (info.unknown) return OPAQUE;
  return undefined;
}

/** The class a test item belongs to: `item.getparent(pytest.Class)`, `item.cls`. */
function isItemClass(n: Node, s: Scope, vs: Set<string>): boolean {
  const u = unparen(n);
  if (u.type === 'attribute') {
    const obj = u.childForFieldName('object');
    return u.childForFieldName('attribute')?.text === 'cls' && obj?.type === 'identifier' && (s.v.has(obj.text) || vs.has(obj.text));
  }
  if (u.type !== 'call') return false;
  const fn = unparen(u.childForFieldName('function')!);
  const obj = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
  const args = callArguments(u).positional;
  return lastNameOf(fn) === 'getparent' && !!obj && refersToV(obj, s, vs) && args.length === 1 && /(^|\.)Class$/.test(args[0]!.text);
}

/**
 * A condition on how the item's class is built rather than on which test it is: whether the test sits in a
 * class, or whether that class is private (`_Base`, a template expanded per backend elsewhere). Filtering on
 * it drops the templates, not tests of the project's choosing, in either polarity.
 */
function isClassStructure(c: Node, s: Scope, vs: Set<string>): boolean {
  if (isItemClass(c, s, vs)) return true;
  if (c.type !== 'call') return false;
  const fn = unparen(c.childForFieldName('function')!);
  const obj = fn.type === 'attribute' ? unparen(fn.childForFieldName('object')!) : null;
  if (lastNameOf(fn) !== 'startswith' || obj?.type !== 'attribute' || !/^(name|__name__|__qualname__)$/.test(obj.childForFieldName('attribute')?.text ?? '')) return false;
  const literals = literalsOf(callArguments(c).positional[0], s);
  return !!literals?.length && literals.every((l) => /^_+$/.test(l)) && isItemClass(obj.childForFieldName('object')!, s, vs);
}

function atom(c: Node, s: Scope, compLits: Map<string, string[]>, compV: Set<string>): Verdict {
  const pre = precheck(c, s, compLits, compV);
  if (pre) return pre;
  if (isClassStructure(c, s, compV)) return OPAQUE;
  const lits = new Map([...compLits, ...comprehensionBindings(c, s).lits]);
  const vs = new Set([...compV, ...comprehensionBindings(c, s).v]);
  const withComp: Scope = { ...s, literals: new Map([...s.literals, ...lits]) };
  if (c.type === 'call') {
    const fn = unparen(c.childForFieldName('function')!);
    const name = lastNameOf(fn);
    const args = callArguments(c).positional;
    const obj = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
    // any(x in item.nodeid for x in NAMES) / all(...): the element condition over literal bindings.
    if ((name === 'any' || name === 'all') && args[0]?.type === 'generator_expression') {
      const body = args[0].childForFieldName('body');
      if (body) return evalCond(body, s, 1, lits, vs);
    }
    if ((name === 'startswith' || name === 'endswith') && obj && isNameRef(obj, s, vs)) {
      const l = literalsOf(args[0], withComp);
      if (l) return sel(classifyLiterals(l, name === 'startswith' ? 'prefix' : 'suffix', s.domain, s.objectNames));
    }
    if (/^(fnmatch|fnmatchcase)$/.test(name) && args.length >= 2 && isNameRef(args[0]!, s, vs)) {
      const l = literalsOf(args[1], withComp);
      if (l) return sel(classifyLiterals(l, 'glob', s.domain));
    }
    if ((name === 'match' || name === 'fnmatch') && obj && isNameRef(obj, s, vs) && args.length === 1 && !/^re$/.test(obj.text)) {
      const l = literalsOf(args[0], withComp);
      if (l) return sel(classifyLiterals(l, 'glob', s.domain));
    }
    if (/^(match|search|fullmatch)$/.test(name) && obj?.text === 're' && args.length >= 2 && isNameRef(args[1]!, s, vs)) {
      const l = literalsOf(args[0], withComp);
      if (l) return sel(classifyLiterals(l, 'regex', s.domain));
    }
    // `isinstance(obj, type)` is `inspect.isclass(obj)`: structural, it picks no test in particular.
    if (name === 'isinstance' && args.length === 2 && /^(builtins\.)?type$/.test(args[1]!.text) && refersToV(args[0]!, s, vs)) return TRIVIAL;
    if (name === 'isinstance' && args.length === 2) return sel(/\b(Function|Item)\s*\)?$/.test(args[1]!.text) ? ALL : OTHER);
    if (s.domain === 'path' && /^(is_dir|is_file|isdir|isfile|exists|check)$/.test(name) && obj && refersToV(obj, s, vs)) return TRIVIAL;
    if (/^(is(function|class|method|routine|coroutinefunction)|callable|safe_isclass)$/.test(name) && args.some((a) => refersToV(a, s, vs))) return TRIVIAL;
  }
  return sel(OTHER);
}

// ---------------------------------------------------------------------------------------------------
// Marks and skips

type SkipKind = 'skip' | 'xfail';

const MARK = /(^|\.)(mark|MARK_GEN)\.(skip|skipif|xfail)$/;

/**
 * `pytest.mark.NAME` or `pytest.mark.NAME(...)`: a MarkDecorator, which is always true, so `if mark:` (or
 * `if (mark := pytest.mark.xfail(...)):`) around `add_marker(mark)` does not make the marking conditional.
 */
function isMarkDecorator(n: Node): boolean {
  const u = unparen(n);
  const target = u.type === 'call' ? u.childForFieldName('function') : u;
  return /(^|\.)(mark|MARK_GEN)\.\w+$/.test(dottedName(target) ?? '');
}

/** Does `expr` (as passed to `add_marker`) skip or xfail unconditionally? Resolves local and module names. */
function skipMarkOf(expr: Node | undefined, ctx: RuleContext, defs: (name: string) => Node[], depth = 0): SkipKind | undefined {
  if (!expr || depth > 3) return undefined;
  let e = unparen(expr);
  // `item.add_marker(mark := pytest.mark.skip())`: the walrus passes its value on.
  if (e.type === 'named_expression') e = unparen(e.childForFieldName('value') ?? e);
  const str = stringValue(e);
  if (str === 'skip' || str === 'xfail') return str;
  // `pytest.mark.skip(...).mark`: the Mark inside the decorator, what `own_markers` holds.
  if (e.type === 'attribute' && e.childForFieldName('attribute')?.text === 'mark') return skipMarkOf(e.childForFieldName('object')!, ctx, defs, depth + 1);
  if (e.type === 'call' && /(^|\.)Mark$/.test(ctx.names.callee(e) ?? dottedName(e.childForFieldName('function')) ?? '')) return builtMarkKind(e);
  if (e.type === 'identifier') {
    const rhs = defs(e.text);
    if (rhs.length === 0) {
      const m = (ctx.names.qualify(e) ?? '').match(MARK);
      return m ? (m[3] === 'xfail' ? 'xfail' : m[3] === 'skip' ? 'skip' : undefined) : undefined;
    }
    const kinds = rhs.map((r) => skipMarkOf(r, ctx, defs, depth + 1));
    return kinds.every((k) => k && k === kinds[0]) ? kinds[0] : undefined;
  }
  if (e.type === 'call') {
    // `_pending = functools.partial(pytest.mark.xfail, reason=...)`, then `_pending()`: the mark, with the arguments of both.
    const fn = unparen(e.childForFieldName('function')!);
    const bound = fn.type === 'identifier' ? defs(fn.text) : [];
    const partial = bound.length === 1 && unparen(bound[0]!).type === 'call' ? unparen(bound[0]!) : undefined;
    if (partial && /(^|\.)partial$/.test(ctx.names.callee(partial) ?? dottedName(partial.childForFieldName('function')) ?? '')) {
      const [marked, ...given] = callArguments(partial).positional;
      const q = marked ? (ctx.names.qualify(marked) ?? dottedName(marked) ?? '') : '';
      const kind = q.match(MARK)?.[3];
      const conditions = [...given, ...callArguments(e).positional, callArguments(partial).keywords.get('condition'), callArguments(e).keywords.get('condition')].filter(Boolean);
      if (kind === 'skip') return 'skip';
      if (kind === 'xfail' && conditions.length === 0) return 'xfail';
      return undefined;
    }
    const helper = markHelperReturns(e, defs);
    if (helper) {
      // Names in the helper are its own locals, else the module's.
      const locals = localBindings(helper.fn);
      const moduleDefs = moduleAssignments(e.tree.rootNode);
      const helperDefs = (name: string) => locals.get(name) ?? moduleDefs.get(name) ?? [];
      const kinds = helper.values.map((r) => skipMarkOf(r, ctx, helperDefs, depth + 1));
      return kinds.every((k) => k && k === kinds[0]) ? kinds[0] : undefined;
    }
  }
  const target = e.type === 'call' ? e.childForFieldName('function') : e;
  const q = ctx.names.qualify(target) ?? builtGetattrName(target, ctx) ?? dottedName(target) ?? '';
  const m = q.match(MARK);
  if (!m) return undefined;
  const kind = m[3]!;
  if (e.type !== 'call') return kind === 'skipif' ? undefined : (kind as SkipKind);
  const args = callArguments(e);
  if (kind === 'skip') return 'skip';
  // skipif(cond) / xfail(cond): only a constant true condition is unconditional.
  const cond = args.positional[0] ?? args.keywords.get('condition');
  if (!cond) return kind === 'xfail' ? 'xfail' : undefined;
  if (truthiness(cond) !== 'truthy' || stringValue(cond) !== undefined) return undefined;
  return kind === 'skipif' ? 'skip' : 'xfail';
}

/**
 * `getattr(pytest.mark, KIND)` with KIND a string built from literals (`"x" + "fail"`, a module constant):
 * the attribute it names, when the string takes one value.
 */
function builtGetattrName(target: Node | null, ctx: RuleContext): string | undefined {
  const t = target && unparen(target);
  if (t?.type !== 'call' || unparen(t.childForFieldName('function')!).text !== 'getattr') return undefined;
  const [obj, attr] = callArguments(t).positional;
  const names = attr && builtStrings(attr);
  const base = obj && (ctx.names.qualify(obj) ?? dottedName(obj));
  return base && names?.length === 1 && /^\w+$/.test(names[0]!) ? `${base}.${names[0]}` : undefined;
}

/**
 * `_mark()` with `_mark` a module-level function of the file (defined once, undecorated, not bound otherwise)
 * whose body ends in a return: the values it returns, so a marker made by a helper is that marker.
 */
function markHelperReturns(call: Node, defs: (name: string) => Node[]): { fn: Node; values: Node[] } | undefined {
  const callee = unparen(call.childForFieldName('function')!);
  if (callee.type !== 'identifier' || defs(callee.text).length) return undefined;
  const root = call.tree.rootNode;
  const helper = moduleFunctionNamed(root, callee.text);
  if (!helper || helper.parent?.type === 'decorated_definition' || moduleAssignments(root).has(callee.text)) return undefined;
  if ((root.text.match(new RegExp(`\\bdef\\s+${callee.text}\\b`, 'g'))?.length ?? 0) !== 1) return undefined;
  const body = helper.childForFieldName('body');
  const stmts = body?.namedChildren.filter((x) => x.type !== 'comment') ?? [];
  if (!body || stmts[stmts.length - 1]?.type !== 'return_statement') return undefined;
  const out: Node[] = [];
  let bad = false;
  forEachInScope(body, (n) => {
    if (n.type === 'yield') bad = true;
    if (n.type !== 'return_statement') return;
    const v = returnValue(n);
    if (v) out.push(v);
    else bad = true;
  });
  return bad || !out.length ? undefined : { fn: helper, values: out };
}

/** `Mark("skip", (), {})`: a Mark built by hand; `skipif`/`xfail` are unconditional only without a condition or with a constant true one. */
function builtMarkKind(call: Node): SkipKind | undefined {
  const [nameArg, argsArg] = callArguments(call).positional;
  const name = stringValue(nameArg ?? callArguments(call).keywords.get('name'));
  if (name === 'skip') return 'skip';
  if (name !== 'xfail' && name !== 'skipif') return undefined;
  const args = argsArg ? unparen(argsArg) : undefined;
  const cond = args && (args.type === 'tuple' || args.type === 'list') ? args.namedChildren.filter((c) => c.type !== 'comment')[0] : undefined;
  if (args && !cond && args.type !== 'tuple' && args.type !== 'list') return undefined;
  if (!cond) return name === 'xfail' ? 'xfail' : undefined;
  if (truthiness(cond) !== 'truthy' || stringValue(cond) !== undefined) return undefined;
  return name === 'skipif' ? 'skip' : 'xfail';
}

/**
 * `X.own_markers.append(m)`, `.insert(i, m)`, `.extend([m, ...])`, `X.own_markers += [m]`: the list `add_marker` appends to, written
 * directly. Returns the owner `X` and the marks added.
 */
function ownMarkersPush(n: Node): { owner: Node; marks: Node[] } | undefined {
  // `X.own_markers += [m]`: `extend` spelt as an operator.
  if (n.type === 'augmented_assignment') {
    const left = unparen(n.childForFieldName('left')!);
    const right = unparen(n.childForFieldName('right')!);
    const op = n.childForFieldName('operator')?.text ?? n.children.find((c) => !c.isNamed)?.text;
    if (op !== '+=' || left.type !== 'attribute' || left.childForFieldName('attribute')?.text !== 'own_markers') return undefined;
    const marks = right.type === 'list' || right.type === 'tuple' ? right.namedChildren.filter((c) => c.type !== 'comment') : [];
    return { owner: unparen(left.childForFieldName('object')!), marks };
  }
  if (n.type !== 'call') return undefined;
  const f = unparen(n.childForFieldName('function')!);
  if (f.type !== 'attribute') return undefined;
  const method = f.childForFieldName('attribute')?.text ?? '';
  const list = unparen(f.childForFieldName('object')!);
  if (!/^(append|insert|extend)$/.test(method) || list.type !== 'attribute' || list.childForFieldName('attribute')?.text !== 'own_markers') return undefined;
  const args = callArguments(n).positional;
  const arg = args[method === 'insert' ? 1 : 0];
  if (!arg) return undefined;
  const u = unparen(arg);
  const marks = method !== 'extend' ? [arg] : u.type === 'list' || u.type === 'tuple' ? u.namedChildren.filter((c) => c.type !== 'comment') : [];
  return { owner: unparen(list.childForFieldName('object')!), marks };
}

/** `pytest.skip(...)`, `pytest.xfail(...)`, `raise pytest.skip.Exception(...)`, `raise unittest.SkipTest(...)`. */
function imperativeSkip(n: Node, ctx: RuleContext): SkipKind | undefined {
  if (n.type === 'call') {
    const q = ctx.names.callee(n) ?? '';
    if (/^(pytest|_pytest\.outcomes)\.skip$/.test(q)) return 'skip';
    if (/^(pytest|_pytest\.outcomes)\.xfail$/.test(q)) return 'xfail';
    return undefined;
  }
  if (n.type === 'raise_statement') {
    const v = n.namedChildren[0];
    if (!v) return undefined;
    const u = unparen(v);
    const target = u.type === 'call' ? u.childForFieldName('function') : u;
    const q = ctx.names.qualify(target) ?? dottedName(target) ?? '';
    if (/(^|\.)skip\.Exception$|(^|\.)(Skipped|SkipTest)$/.test(q)) return 'skip';
    if (/(^|\.)xfail\.Exception$|(^|\.)XFailed$/.test(q)) return 'xfail';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Scopes

/** Module-level names bound to string literals or literal collections. */
function moduleLiterals(root: Node, base: Scope): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const stmt of root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    const l = literalsOf(a.childForFieldName('right'), { ...base, literals: out });
    if (seen.has(left.text) || !l || (l.length === 0 && filledLater(root, left.text))) out.delete(left.text);
    else out.set(left.text, l);
    seen.add(left.text);
  }
  return out;
}

/**
 * Is a module's empty collection filled somewhere (`SELECTED.update(...)`, `ONLY += [...]`, `global ONLY`,
 * `ONLY[:] = ...`)? Only one never written stays empty, so that a filter on membership in it keeps nothing.
 */
function filledLater(root: Node, name: string): boolean {
  // Handed to a function (`_load_selection(SELECTED)`), it may be filled there too.
  const writes = `\\b${name}\\s*(\\.\\s*(add|update|extend|append|insert|__ior__|setdefault)\\b|[|+]=|\\[)`;
  return new RegExp(`${writes}|\\bglobal\\b[^\\n]*\\b${name}\\b|[(,]\\s*${name}\\s*[,)]`).test(root.text);
}

function makeScope(fn: Node, perTest: string[], nameVars: string[], domain: Domain, modLits: Map<string, string[]>, neutral: string[] = []): Scope {
  const s: Scope = {
    v: new Set(perTest),
    nameVars: new Set(nameVars),
    extLocals: new Set(),
    literals: new Map(modLits),
    neutral: new Set(neutral),
    domain,
  };
  const defs = localBindings(fn);
  for (let round = 0; round < 3; round++) {
    for (const [name, rhs] of defs) {
      if (s.v.has(name) || s.extLocals.has(name)) continue;
      for (const r of rhs) {
        const ids = identsOf(r);
        if (EXTERNAL.test(r.text) || [...ids].some((i) => s.extLocals.has(i))) s.extLocals.add(name);
        else if ([...ids].some((i) => s.v.has(i))) {
          s.v.add(name);
          if (domain === 'path' || NAME_ATTR.test(r.text) || [...ids].some((i) => s.nameVars.has(i))) s.nameVars.add(name);
        }
      }
    }
  }
  for (const [name, rhs] of defs) {
    if (s.v.has(name)) continue;
    if (!s.extLocals.has(name) && rhs.every(isMarkDecorator)) s.neutral.add(name);
    if (rhs.length !== 1) continue;
    const l = literalsOf(rhs[0], s);
    if (l) s.literals.set(name, l);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Reporting

interface Site {
  node: Node;
  fn: Node | null;
  /** Gates as given by `gatesOf`, plus extra verdicts (comprehension filters, except handlers). */
  gates: Gate[];
  extra: Verdict[];
  scope: Scope;
  /** Module-level code of a test file that changes the whole run when imported (the global unittest loader). */
  atImport?: boolean;
}

function verdictOf(site: Site): Verdict {
  let v: Verdict = TRIVIAL;
  for (const g of site.gates) {
    const e = evalCond(g.cond, site.scope);
    v = and(v, g.positive ? e : neg(e));
  }
  for (const e of site.extra) v = and(v, e);
  // Inside an `except` handler: the statement runs when something failed (an import, usually): a dependency gate.
  for (let p = site.node.parent; p && p.id !== site.fn?.id; p = p.parent) {
    if (p.type === 'except_clause' || p.type === 'except_group_clause') {
      v = and(v, EXT());
      break;
    }
  }
  return v;
}

function baseSeverity(v: Verdict, gates: Gate[]): Severity | undefined {
  switch (v.sel) {
    case DEAD:
    case OTHER:
      return undefined;
    case NAMED:
    case ALLBUT_CAT:
      return v.ext ? undefined : 'warning';
    case ALLBUT:
      return v.ext ? 'info' : 'error';
    default:
      if (!v.ext) return 'error';
      if (gates.some((g) => requires(g.cond, g.positive, OPTION_ATOM))) return undefined;
      return v.ci ? 'warning' : 'info';
  }
}

const RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/**
 * Severity by role. In test files an autouse fixture at module level switches off that module's tests,
 * like a blanket `pytestmark` skip (RH404): warning at most; plugin code nested in test functions or plugin
 * classes in test files (pytest's own test style) is testing the framework: info.
 */
function roleSeverity(ctx: RuleContext, site: Site, base: Severity): Severity {
  if (ctx.roleAt(site.node) !== 'test') return base;
  const fn = site.fn;
  if (!fn && site.atImport) return RANK[base] > RANK.warning ? 'warning' : base;
  if (!fn || enclosingCallable(fn) || (isMethod(fn) && hookNameOf(fn).startsWith('pytest_'))) return 'info';
  // A fixtures module under tests/ that defines no test (`tests/fixtures/env.py` loaded by `pytest_plugins`):
  // its autouse fixture reaches the tests of every module that loads it, as from a conftest.
  if (!definesTests(ctx.root)) return base;
  return RANK[base] > RANK.warning ? 'warning' : base;
}

/** Module-level tests: a `test*` function, a `Test*` class, or a class deriving from a `...TestCase`. */
function definesTests(root: Node): boolean {
  return root.namedChildren.some((stmt) => {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    const name = def?.childForFieldName('name')?.text ?? '';
    if (def?.type === 'function_definition') return /^test/.test(name);
    if (def?.type !== 'class_definition') return false;
    return /^Test/.test(name) || /TestCase\b/.test(def.childForFieldName('superclasses')?.text ?? '');
  });
}

function conditionNote(v: Verdict, site: Site): string {
  if (!v.ext) return '';
  const g = site.gates.find((x) => EXTERNAL.test(x.cond.text));
  if (v.ci) return g ? ` on CI only (\`${snippet(g.cond, 50)}\`), where the run is graded` : ' on CI only';
  return ` (${gateClause(site, g)})`;
}

/** "when `cond`" for the gate that makes a finding conditional (an external one, else the innermost). */
function gateClause(site: Site, g = site.gates.find((x) => EXTERNAL.test(x.cond.text))): string {
  const gate = g ?? site.gates[0];
  return gate ? `when ${gate.positive ? '' : 'not '}\`${snippet(gate.cond, 50)}\`` : 'conditionally';
}

function which(v: Verdict, what: 'test' | 'file'): string {
  const t = what === 'test' ? 'test' : 'test file';
  switch (v.sel) {
    case NAMED:
      return what === 'test' ? 'tests picked by hard-coded name' : 'test files picked by name';
    case ALLBUT_CAT:
      return `every ${t} outside one marker/keyword category`;
    case ALLBUT:
      return `every ${t} except a hard-coded few`;
    default:
      return `every ${t}`;
  }
}

/** `soften` drops the finding to `info` for some verdicts; `cap` is the most it can be. */
function report(ctx: RuleContext, site: Site, message: (v: Verdict, note: string) => string, soften?: (v: Verdict) => boolean, cap: Severity = 'error'): void {
  const v = verdictOf(site);
  let base = baseSeverity(v, site.gates);
  if (!base) return;
  if (soften?.(v) && RANK[base] > RANK.info) base = 'info';
  if (RANK[base] > RANK[cap]) base = cap;
  // Every test skipped unless an option named after a marker of the file is given: a category's switch missing its category check.
  const category = base === 'info' && v.sel === ALL && v.ext && !v.ci ? skippedCategory(ctx, site.gates, site.fn) : undefined;
  if (category && RANK[cap] >= RANK.warning) base = 'warning';
  const why = category ? ` (the option is named after the \`${category}\` marker this file registers, but nothing limits this to \`${category}\` tests: a default run skips them all)` : '';
  ctx.report({ node: site.node, message: message(v, conditionNote(v, site)) + why, severity: roleSeverity(ctx, site, base) });
}

// ---------------------------------------------------------------------------------------------------
// pytest_collection_modifyitems and session.items

/** Comprehensions whose body runs once per element (a call there is a loop's body). */
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Hooks that run before the tests do: changing the items there changes what runs. */
const SESSION_HOOKS = new Set(['pytest_collection_modifyitems', 'pytest_collection_finish', 'pytest_collection', 'pytest_sessionstart', 'pytest_runtestloop']);
const ITEM_HOOKS_IMPERATIVE = new Set(['pytest_runtest_setup', 'pytest_runtest_call', 'pytest_pyfunc_call']);
const ITEM_HOOKS_MARKER = new Set(['pytest_runtest_setup', 'pytest_itemcollected']);
const DOCTEST_TEXT = /\.examples\b/;

function isFullSlice(sub: Node): boolean {
  // `x[:]`, `x[0:]`, `x[None:]`, `x[0:len(x)]`
  const slice = sub.namedChildren.slice(1).find((c) => c.type === 'slice');
  if (!slice || sub.namedChildren.length !== 2) return false;
  const t = slice.text.replace(/\s+/g, '');
  return /^(0|None)?:(len\(\w+(\.\w+)*\)|None)?(:1?)?$/.test(t);
}

/** `x[:N]`, `x[N:]`, `x[a:b]` with literal bounds: a fixed subset by position. */
function literalSlice(sub: Node): 'head' | 'tail' | undefined {
  const slice = sub.namedChildren.slice(1).find((c) => c.type === 'slice');
  if (!slice || sub.namedChildren.length !== 2) return undefined;
  const t = slice.text.replace(/\s+/g, '');
  if (/^0?:-?\d+$/.test(t)) return 'head';
  if (/^-?\d+:$/.test(t)) return 'tail';
  if (/^-?\d+:-?\d+$/.test(t)) return 'head';
  return undefined;
}

function isEmptyLiteral(n: Node): boolean {
  const u = unparen(n);
  if ((u.type === 'list' || u.type === 'tuple') && u.namedChildren.filter((c) => c.type !== 'comment').length === 0) return true;
  if (u.type === 'call' && /^(list|tuple)$/.test(u.childForFieldName('function')?.text ?? '') && callArguments(u).positional.length === 0) return true;
  return false;
}

class ItemsAnalysis {
  private readonly itemsNames = new Set<string>();
  private readonly defs: ReadonlyMap<string, Node[]>;

  constructor(
    private readonly ctx: RuleContext,
    private readonly fn: Node,
    private readonly hook: string,
    private readonly modLits: Map<string, string[]>,
    private readonly moduleDefs: ReadonlyMap<string, Node[]>,
  ) {
    if (hook === 'pytest_collection_modifyitems' && hookParameters(fn).includes('items')) this.itemsNames.add('items');
    this.defs = localBindings(fn);
    // Aliases: `lst = items`, `all_items = session.items`.
    for (const [name, rhs] of this.defs) if (rhs.length === 1 && this.isItems(rhs[0]!)) this.itemsNames.add(name);
  }

  /** `items`, `session.items`, `self.session.items`, `item.session.items`. */
  isItems(n: Node): boolean {
    const u = unparen(n);
    if (u.type === 'identifier') return this.itemsNames.has(u.text);
    if (u.type === 'attribute' && u.childForFieldName('attribute')?.text === 'items') {
      const obj = unparen(u.childForFieldName('object')!);
      return /(^|\.)_?session$/.test(obj.text);
    }
    return false;
  }

  private mentionsItems(n: Node): boolean {
    if (this.isItems(n)) return true;
    let yes = false;
    forEachDescendant(n, (d) => {
      if (yes) return false;
      if (this.isItems(d)) yes = true;
      return !yes;
    });
    return yes;
  }

  /**
   * Loop variables of the `for` statements over the items that enclose `node`, and of the comprehensions
   * run for their side effect (`[item.add_marker(skip) for item in items]`) with their `if` filters.
   */
  private loopVars(node: Node): { vars: string[]; loops: Node[]; filters: Node[] } {
    const vars: string[] = [];
    const loops: Node[] = [];
    const filters: Node[] = [];
    const addVars = (left: Node) => {
      if (left.type === 'identifier') vars.push(left.text);
      else forEachDescendant(left, (d) => void (d.type === 'identifier' && vars.push(d.text)));
    };
    for (let p = node.parent; p && p.id !== this.fn.id; p = p.parent) {
      if (p.type === 'for_statement') {
        const right = p.childForFieldName('right');
        const left = p.childForFieldName('left');
        if (right && left && this.mentionsItems(right)) {
          loops.push(p);
          addVars(left);
        }
      } else if (p.type === 'lambda' && this.mapsOverItems(p)) {
        // `map(lambda item: item.add_marker(skip), items)`: the lambda's body runs once per item.
        loops.push(p);
        for (const name of parameterNames(p)) vars.push(name);
      } else if (COMPREHENSIONS.has(p.type)) {
        const within = (outer: Node | null) => !!outer && outer.startIndex <= node.startIndex && node.endIndex <= outer.endIndex;
        const clauses = p.namedChildren.filter((c) => c.type === 'for_in_clause');
        // A loop over the items, with `node` run per element (not part of the iterable itself).
        const overItems = clauses.some((c) => {
          const right = c.childForFieldName('right');
          return !!right && !within(right) && this.mentionsItems(right);
        });
        if (!overItems) continue;
        loops.push(p);
        for (const c of clauses) if (c.childForFieldName('left')) addVars(c.childForFieldName('left')!);
        // The body runs only for the elements every filter keeps; a call in a later clause, after the earlier filters.
        const inBody = within(p.childForFieldName('body'));
        for (const c of p.namedChildren) {
          if (c.type === 'if_clause' && c.namedChildren[0] && (inBody || c.endIndex <= node.startIndex)) filters.push(c.namedChildren[0]);
        }
      }
    }
    return { vars, loops, filters };
  }

  /** `map(<lambda>, items)`: a lambda applied to every item (run for its effect, like a comprehension). */
  mapsOverItems(lambda: Node): boolean {
    const call = lambda.parent?.type === 'argument_list' ? lambda.parent.parent : null;
    if (call?.type !== 'call' || unparen(call.childForFieldName('function')!).text !== 'map') return false;
    const [first, ...iterables] = callArguments(call).positional;
    return first?.id === lambda.id && iterables.some((it) => this.mentionsItems(it));
  }

  private scope(perTest: string[]): Scope {
    const s = makeScope(this.fn, perTest, [], 'item', this.modLits, [...this.itemsNames, 'session']);
    s.members = (name) => this.memberVerdict(name);
    return s;
  }

  private readonly members = new Map<string, Verdict | undefined>();

  /**
   * Which items the local list `name` holds, when this hook built it from the items: all of them (`list(items)`,
   * `items[:]`, `items.copy()`, a comprehension without filter), or those its filters or append loop keep.
   */
  private memberVerdict(name: string): Verdict | undefined {
    if (this.members.has(name)) return this.members.get(name);
    this.members.set(name, undefined); // while it is worked out (a list defined through itself)
    const rhs = this.defs.get(name) ?? [];
    let held: Verdict | undefined;
    if (rhs.length === 1 && !this.itemsNames.has(name)) {
      const init = unparen(rhs[0]!);
      if (this.copiesItems(init)) held = TRIVIAL;
      else {
        const keep = isEmptyLiteral(init) ? this.appendsVerdict(name) : this.keepVerdict(init, 0);
        held = keep && neg(keep.removal);
      }
    }
    this.members.set(name, held);
    return held;
  }

  /**
   * Which items an expression built from the items holds: a copy (every item), a filtering comprehension or
   * `filter(...)` (those it keeps), or a local list of this hook (`memberVerdict`); undefined otherwise.
   */
  private heldBy(e: Node): Verdict | undefined {
    const u = unparen(e);
    if (u.type === 'identifier') return this.itemsNames.has(u.text) ? undefined : this.memberVerdict(u.text);
    if (this.copiesItems(u)) return TRIVIAL;
    const keep = isEmptyLiteral(u) ? undefined : this.keepVerdict(u, 0);
    return keep && neg(keep.removal);
  }

  /**
   * The `for` loop whose variable `name` is removed, when it iterates over a pick of the items rather than the
   * items themselves, with what the pick holds.
   */
  private pickedLoop(node: Node, name: string): { loop: Node; held: Verdict } | undefined {
    for (let p = node.parent; p && p.id !== this.fn.id; p = p.parent) {
      if (p.type !== 'for_statement' || p.childForFieldName('left')?.text !== name) continue;
      const right = p.childForFieldName('right');
      if (!right || this.isItems(right)) return undefined;
      const held = this.heldBy(right);
      return held && { loop: p, held };
    }
    return undefined;
  }

  /** Does the loop put `name` back into the items (`items.remove(item); items.append(item)`)? A move, not a removal. */
  private readds(loop: Node, name: string): boolean {
    let yes = false;
    forEachInScope(loop, (d) => {
      if (yes || d.type !== 'call') return;
      const f = unparen(d.childForFieldName('function')!);
      if (f.type !== 'attribute' || !/^(append|insert)$/.test(f.childForFieldName('attribute')?.text ?? '') || !this.isItems(f.childForFieldName('object')!)) return;
      const args = callArguments(d).positional;
      const arg = args[f.childForFieldName('attribute')!.text === 'insert' ? 1 : 0];
      if (arg && unparen(arg).text === name) yes = true;
    });
    return yes;
  }

  /** `list(items)`, `sorted(items)`, `items[:]`, `items.copy()`, `[i for i in items]`: every item. */
  private copiesItems(e: Node): boolean {
    if (e.type === 'call') {
      const f = unparen(e.childForFieldName('function')!);
      const args = callArguments(e).positional;
      if (f.type === 'identifier' && /^(list|tuple|set|sorted)$/.test(f.text)) return args.length === 1 && this.isItems(args[0]!);
      return f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'copy' && args.length === 0 && this.isItems(f.childForFieldName('object')!);
    }
    if (e.type === 'subscript') return this.isItems(e.namedChildren[0]!) && isFullSlice(e);
    if (e.type === 'list_comprehension' || e.type === 'generator_expression') {
      const clauses = e.namedChildren.filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
      const right = clauses[0]?.childForFieldName('right');
      return clauses.length === 1 && clauses[0]!.type === 'for_in_clause' && !!right && this.isItems(right) && e.childForFieldName('body')?.text === clauses[0]!.childForFieldName('left')?.text;
    }
    return false;
  }

  private site(node: Node, perTest: string[], extra: Verdict[] = []): Site {
    return { node, fn: this.fn, gates: gatesOf(node, this.fn), extra, scope: this.scope(perTest) };
  }

  run(): void {
    const body = this.fn.childForFieldName('body');
    if (!body || !SESSION_HOOKS.has(this.hook)) return;
    const where = `\`${this.hook}\``;
    // In a wrapper around the run (`pytest_runtestloop`, `pytest_collection`), code after `yield` runs when it is over.
    let firstYield = Infinity;
    if (this.hook !== 'pytest_collection_modifyitems') forEachInScope(body, (n) => void (n.type === 'yield' && (firstYield = Math.min(firstYield, n.startIndex))));
    const visit = (n: Node): boolean | void => {
      if (n.startIndex > firstYield) return false;
      // A lambda mapped over the items runs in the hook: its calls count as the hook's own.
      if (n.type === 'lambda' && this.mapsOverItems(n)) {
        const lambdaBody = n.childForFieldName('body')!;
        if (visit(lambdaBody) !== false) forEachInScope(lambdaBody, visit);
      }
      else if (n.type === 'call') this.checkCall(n, where);
      else if (n.type === 'assignment') this.checkAssignment(n, where);
      else if (n.type === 'augmented_assignment') this.checkAugmented(n, where);
      else if (n.type === 'delete_statement') this.checkDelete(n, where);
    };
    forEachInScope(body, visit);
  }

  /** `items *= 0` empties the list in place. */
  private checkAugmented(n: Node, where: string): void {
    const pushed = ownMarkersPush(n);
    if (pushed) {
      for (const mark of pushed.marks) if (this.checkAddMarker(n, pushed.owner, mark, where)) break;
      return;
    }
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const op = n.childForFieldName('operator')?.text ?? n.children.find((c) => !c.isNamed)?.text;
    if (!left || !right || !this.isItems(left) || op !== '*=' || truthiness(right) !== 'falsy') return;
    const shown = snippet(n);
    report(this.ctx, this.site(n, []), (v, note) => `\`${shown}\` in ${where} removes every collected test${note}: nothing runs, so nothing can fail`);
  }

  private checkCall(n: Node, where: string): void {
    const f = unparen(n.childForFieldName('function')!);
    // `list.clear(items)`
    if (f.text === 'list.clear' && callArguments(n).positional[0] && this.isItems(callArguments(n).positional[0]!)) {
      const shown = snippet(n);
      report(this.ctx, this.site(n, []), (v, note) => `\`${shown}\` in ${where} removes every collected test${note}: nothing runs, so nothing can fail`);
      return;
    }
    if (f.type !== 'attribute') return;
    const method = f.childForFieldName('attribute')?.text ?? '';
    const obj = f.childForFieldName('object')!;
    const args = callArguments(n).positional;
    const pushed = ownMarkersPush(n);
    if (pushed) {
      // One finding per call, for the first skip/xfail mark it adds.
      for (const mark of pushed.marks) if (this.checkAddMarker(n, pushed.owner, mark, where)) break;
      return;
    }
    if (this.isItems(obj)) {
      const shown = snippet(n);
      if (method === 'clear') {
        report(this.ctx, this.site(n, []), (v, note) =>
          `\`${shown}\` in ${where} removes every collected test${note}: nothing runs, so nothing can fail`);
      } else if (method === 'remove' || method === 'pop') {
        const { vars, loops, filters } = this.loopVars(n);
        const inWhile = (() => {
          for (let p = n.parent; p && p.id !== this.fn.id; p = p.parent) if (p.type === 'while_statement' && this.mentionsItems(p.childForFieldName('condition')!)) return true;
          return false;
        })();
        const removed = method === 'remove' && args[0] ? unparen(args[0]).text : undefined;
        const removesLoopVar = removed !== undefined && vars.includes(removed);
        // `for item in broken: items.remove(item)`, with `broken` picked from the items (a list of this hook, a
        // filtering comprehension, `filter(...)`): it removes the items the pick holds.
        const picked = removed !== undefined ? this.pickedLoop(n, removed) : undefined;
        if (!inWhile && !picked && !(loops.length && (removesLoopVar || method === 'pop'))) return;
        const loop = picked?.loop ?? (removesLoopVar ? loops[0] : undefined);
        if (loop && this.readds(loop, removed!)) return;
        const extra = [...this.filterVerdicts(filters, vars), ...(picked ? [picked.held] : [])];
        report(this.ctx, this.site(n, picked ? [...vars, removed!] : vars, extra), (v, note) =>
          `\`${shown}\` in ${where} drops ${which(v, 'test')}${note} from the run: they never execute and their failures never show`);
      }
      return;
    }
    if (method === 'add_marker') this.checkAddMarker(n, obj, args[0], where);
  }

  private checkAddMarker(n: Node, obj: Node, mark: Node | undefined, where: string): boolean {
    const kind = skipMarkOf(mark, this.ctx, (name) => this.defs.get(name) ?? this.moduleDefs.get(name) ?? []);
    if (!kind) return false;
    const { vars, loops, filters } = this.loopVars(n);
    const o = unparen(obj);
    // The marked object must be the loop variable (or `items[i]` with i the loop index).
    const isLoopItem = (o.type === 'identifier' && vars.includes(o.text)) || (o.type === 'subscript' && this.isItems(o.namedChildren[0]!) && loops.length > 0);
    // `for it in tagged: it.add_marker(...)`, with `tagged` picked from the items: the items the pick holds.
    const picked = !isLoopItem && o.type === 'identifier' ? this.pickedLoop(n, o.text) : undefined;
    if (!isLoopItem && !picked) return false;
    const helper = mark && unparen(mark).type === 'call' ? markHelperReturns(unparen(mark), (name) => this.defs.get(name) ?? this.moduleDefs.get(name) ?? []) : undefined;
    const text = [mark, ...(mark ? (this.defs.get(mark.text) ?? this.moduleDefs.get(mark.text) ?? []) : []), ...(helper?.values ?? [])].map((x) => x?.text ?? '').join(' ');
    const perTest = picked ? [...vars, o.text] : vars;
    reportMarker(this.ctx, this.site(n, perTest, [...this.filterVerdicts(filters, vars), ...(picked ? [picked.held] : [])]), kind, where, text);
    return true;
  }

  /** What the `if` filters of enclosing comprehensions select, as verdicts. */
  private filterVerdicts(filters: Node[], vars: string[]): Verdict[] {
    if (filters.length === 0) return [];
    const s = this.scope(vars);
    return filters.map((f) => evalCond(f, s));
  }

  private checkAssignment(n: Node, where: string): void {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) return;
    const l = unparen(left);
    let target: 'slice' | 'rebind' | undefined;
    if (l.type === 'subscript' && this.isItems(l.namedChildren[0]!) && isFullSlice(l)) target = 'slice';
    else if (l.type === 'attribute' && this.isItems(l)) target = 'rebind';
    if (!target) return;
    const shown = snippet(n);
    const consequence =
      target === 'rebind' && this.hook !== 'pytest_collection_modifyitems'
        ? 'pytest reports the tests as collected but runs none of them'
        : 'they never execute and their failures never show';
    const r = unparen(right);
    if (isEmptyLiteral(r)) {
      report(this.ctx, this.site(n, []), (v, note) => `\`${shown}\` in ${where} removes every collected test${note}: ${consequence}`);
      return;
    }
    const keep = this.keepVerdict(r, 0);
    if (!keep) return;
    const removal = keep.removal;
    report(this.ctx, this.site(n, keep.vars, [removal]), (v, note) =>
      `\`${shown}\` in ${where} drops ${which(v, 'test')}${note} from the run: ${consequence}`);
  }

  /** What an `items[:] = <expr>` keeps, as the verdict of what it removes. */
  private keepVerdict(r: Node, depth: number): { removal: Verdict; vars: string[] } | undefined {
    if (depth > 2) return undefined;
    // [i for i in items if K], (… for …), list(<comprehension>), list(filter(lambda i: K, items))
    let e = r;
    if (e.type === 'call' && /^(list|tuple)$/.test(e.childForFieldName('function')?.text ?? '') && callArguments(e).positional.length === 1) {
      e = unparen(callArguments(e).positional[0]!);
    }
    if (e.type === 'list_comprehension' || e.type === 'generator_expression') {
      const clauses = e.namedChildren.filter((c) => c.type === 'for_in_clause');
      if (clauses.length !== 1) return undefined;
      const fc = clauses[0]!;
      const right = fc.childForFieldName('right');
      const left = fc.childForFieldName('left');
      const bodyExpr = e.childForFieldName('body');
      if (!right || !left || !this.mentionsItems(right) || left.type !== 'identifier' || bodyExpr?.text !== left.text) return undefined;
      const ifs = e.namedChildren.filter((c) => c.type === 'if_clause');
      if (ifs.length === 0) return undefined;
      const vars = [left.text];
      const s = this.scope(vars);
      let k: Verdict = TRIVIAL;
      for (const c of ifs) {
        const cond = c.namedChildren[0];
        if (cond) k = and(k, evalCond(cond, s));
      }
      return { removal: neg(k), vars };
    }
    if (e.type === 'call' && e.childForFieldName('function')?.text === 'filter') {
      const [lam, src] = callArguments(e).positional;
      if (lam?.type !== 'lambda' || !src || !this.mentionsItems(src)) return undefined;
      const params = lam.childForFieldName('parameters')?.namedChildren.map((p) => p.text) ?? [];
      const body = lam.childForFieldName('body');
      if (params.length !== 1 || !body) return undefined;
      return { removal: neg(evalCond(body, this.scope(params))), vars: params };
    }
    // items[:1], items[2:]
    if (e.type === 'subscript' && this.isItems(e.namedChildren[0]!) && literalSlice(e)) return { removal: sel(ALLBUT), vars: [] };
    // [items[0]]
    if (e.type === 'list' && e.namedChildren.length > 0 && e.namedChildren.every((c) => c.type === 'subscript' && this.isItems(c.namedChildren[0]!))) {
      return { removal: sel(ALLBUT), vars: [] };
    }
    // A local list: `kept = []` filled by `kept.append(item)` in a loop over the items.
    if (e.type === 'identifier' && !this.itemsNames.has(e.text)) {
      const rhs = this.defs.get(e.text) ?? [];
      if (rhs.length !== 1) return undefined;
      const init = unparen(rhs[0]!);
      if (!isEmptyLiteral(init)) return this.keepVerdict(init, depth + 1);
      return this.appendsVerdict(e.text);
    }
    return undefined;
  }

  private appendsVerdict(list: string): { removal: Verdict; vars: string[] } | undefined {
    const body = this.fn.childForFieldName('body')!;
    let kept: Verdict | undefined;
    let opaque = false;
    const allVars: string[] = [];
    forEachInScope(body, (n) => {
      if (opaque) return false;
      if (n.type === 'augmented_assignment' && n.childForFieldName('left')?.text === list) opaque = true;
      if (n.type !== 'call') return;
      const f = unparen(n.childForFieldName('function')!);
      if (f.type !== 'attribute') return;
      // A partition, `(drop if C else keep).append(item)`: the list gets the items of its branch.
      const target = this.appendTarget(f.childForFieldName('object')!, list);
      if (!target) return;
      const m = f.childForFieldName('attribute')?.text ?? '';
      if (!/^(append|extend|insert|add)$/.test(m)) return;
      const arg = callArguments(n).positional[m === 'insert' ? 1 : 0];
      const { vars, loops, filters } = this.loopVars(n);
      if (m !== 'append' || !arg || !loops.length || !vars.includes(unparen(arg).text)) {
        opaque = true;
        return;
      }
      allVars.push(...vars);
      const s = this.scope(vars);
      let v: Verdict = TRIVIAL;
      if (target.cond) {
        const e = evalCond(target.cond, s);
        v = target.positive ? e : neg(e);
      }
      for (const e of this.filterVerdicts(filters, vars)) v = and(v, e);
      for (const g of gatesOf(n, loops[loops.length - 1]!)) {
        const e = evalCond(g.cond, s);
        v = and(v, g.positive ? e : neg(e));
      }
      kept = kept ? or(kept, v) : v;
    });
    if (opaque) return undefined;
    return { removal: kept ? neg(kept) : sel(ALL), vars: allVars };
  }

  /**
   * Does an `.append` on `obj` add to `list`: `list` itself, or a branch of `a if C else b` (then under `C`, or
   * under `not C` for the `else` branch)? A branch naming `list` on both sides adds unconditionally.
   */
  private appendTarget(obj: Node, list: string): { cond?: Node; positive?: boolean } | undefined {
    const o = unparen(obj);
    if (o.text === list) return {};
    if (o.type !== 'conditional_expression') return undefined;
    const [then, cond, otherwise] = o.namedChildren.filter((c) => c.type !== 'comment');
    if (!then || !cond || !otherwise) return undefined;
    const inThen = unparen(then).text === list;
    const inElse = unparen(otherwise).text === list;
    if (inThen && inElse) return {};
    if (inThen || inElse) return { cond, positive: inThen };
    return undefined;
  }

  /**
   * Doctests disabled wholesale: every example of a doctest item given doctest's `SKIP` option, its expected
   * output rewritten to a bare `...` wildcard (with `ELLIPSIS` on, any output matches), or its examples emptied.
   * Conditions on whether the item is a doctest are structure, not a choice of tests; example-level
   * conditions, named picks and platform or dependency gates stay quiet.
   */
  checkDoctests(where: string): void {
    const body = this.fn.childForFieldName('body');
    if (!body) return;
    const ellipsis = this.ctx.source.includes('ELLIPSIS');
    const visit = (n: Node): void => {
      const what = doctestSabotage(n, this.ctx, ellipsis);
      if (!what) return;
      const target = what.target;
      const exLoop = what.kind === 'empty' ? undefined : this.examplesLoop(n, target);
      if (what.kind !== 'empty' && !exLoop) return;
      const { vars, filters } = this.loopVars(n);
      const perTest = [...hookParameters(this.fn).filter((x) => !/^(config|early_config|session|items|parser|manager)$/.test(x)), ...vars, ...enclosingLoopVars(n, this.fn)];
      const extra = this.filterVerdicts(filters, perTest);
      for (let p = n.parent; p && p.id !== this.fn.id; p = p.parent) {
        if (p.type !== 'for_statement') continue;
        const left = p.childForFieldName('left');
        const picked = left?.type === 'identifier' ? this.pickedLoop(n, left.text) : undefined;
        if (picked?.loop.id === p.id) extra.push(picked.held);
      }
      const site = this.site(n, perTest, extra);
      site.gates = site.gates.filter((g) => !isDoctestStructure(g.cond, this.defs));
      const v = verdictOf(site);
      if (v.sel === NAMED || (v.ext && !v.ci)) return;
      const base = baseSeverity(v, site.gates);
      if (!base) return;
      const shown = snippet(n);
      const effect =
        what.kind === 'skip'
          ? `sets doctest's SKIP option on every example of ${which(v, 'test').replace('test', 'doctest')}${conditionNote(v, site)}: no example runs and each doctest passes`
          : what.kind === 'want'
            ? `rewrites the expected output of every example of ${which(v, 'test').replace('test', 'doctest')} to a bare \`...\` wildcard${conditionNote(v, site)}: with ELLIPSIS any output matches, so each doctest passes unchecked`
            : `empties the examples of ${which(v, 'test').replace('test', 'doctest')}${conditionNote(v, site)}: nothing is checked and each doctest passes`;
      this.ctx.report({ node: n, message: `\`${shown}\` in ${where} ${effect}`, severity: roleSeverity(this.ctx, site, base) });
    };
    forEachInScope(body, (n) => void visit(n));
  }

  /** The loop (a `for` or a comprehension) over some doctest's `.examples` whose variable is `name`. */
  private examplesLoop(node: Node, name: string): Node | undefined {
    for (let p = node.parent; p && p.id !== this.fn.id; p = p.parent) {
      const clauses = p.type === 'for_statement' ? [p] : COMPREHENSIONS.has(p.type) ? p.namedChildren.filter((c) => c.type === 'for_in_clause') : [];
      for (const c of clauses) {
        if (c.childForFieldName('left')?.text !== name) continue;
        const right = c.childForFieldName('right');
        return right && isExamplesList(right, this.defs) ? p : undefined;
      }
    }
    return undefined;
  }

  private checkDelete(n: Node, where: string): void {
    for (const t of n.namedChildren) {
      const u = unparen(t);
      const targets = u.type === 'expression_list' ? u.namedChildren : [u];
      for (const x of targets) {
        if (x.type !== 'subscript' || !this.isItems(x.namedChildren[0]!)) continue;
        const shown = snippet(n);
        if (isFullSlice(x)) {
          report(this.ctx, this.site(n, []), (v, note) => `\`${shown}\` in ${where} removes every collected test${note}: nothing runs, so nothing can fail`);
        } else {
          const part = literalSlice(x);
          if (!part) continue;
          // `del items[1:]` keeps the first test only; `del items[:3]` drops a fixed few.
          const slice = x.namedChildren[1]!.text.replace(/\s+/g, '');
          const keepsHead = /^-?\d+:$/.test(slice);
          report(this.ctx, this.site(n, [], [sel(keepsHead ? ALLBUT : NAMED)]), (v, note) =>
            `\`${shown}\` in ${where} drops ${keepsHead ? 'every test after a fixed position' : 'a fixed number of tests by position'}${note}: they never execute and their failures never show`);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Doctests disabled wholesale

/** `x.examples`, `list(x.examples)`, `x.examples[:]`, or a local bound once to one of these. */
function isExamplesList(n: Node, defs: ReadonlyMap<string, Node[]>, depth = 0): boolean {
  const u = unparen(n);
  if (u.type === 'attribute') return u.childForFieldName('attribute')?.text === 'examples';
  if (u.type === 'subscript') return isFullSlice(u) && isExamplesList(u.namedChildren[0]!, defs, depth + 1);
  if (u.type === 'call' && /^(list|tuple|iter|reversed)$/.test(u.childForFieldName('function')?.text ?? '')) {
    const [arg] = callArguments(u).positional;
    return !!arg && isExamplesList(arg, defs, depth + 1);
  }
  const rhs = u.type === 'identifier' && depth < 3 ? defs.get(u.text) : undefined;
  return rhs?.length === 1 && isExamplesList(rhs[0]!, defs, depth + 1);
}

/** Variables of the `for` loops and comprehensions enclosing `node` inside `fn`. */
function enclosingLoopVars(node: Node, fn: Node): string[] {
  const out: string[] = [];
  for (let p = node.parent; p && p.id !== fn.id; p = p.parent) {
    const clauses = p.type === 'for_statement' ? [p] : COMPREHENSIONS.has(p.type) ? p.namedChildren.filter((c) => c.type === 'for_in_clause') : [];
    for (const c of clauses) {
      const left = c.childForFieldName('left');
      if (left?.type === 'identifier') out.push(left.text);
      else if (left) forEachDescendant(left, (d) => void (d.type === 'identifier' && out.push(d.text)));
    }
  }
  return out;
}

/** doctest's option flag `name` (`doctest.SKIP`, `SKIP` imported from doctest), by its qualified name or spelling. */
function isDoctestFlag(n: Node | null | undefined, ctx: RuleContext, name: string): boolean {
  if (!n) return false;
  const u = unparen(n);
  return ctx.names.qualify(u) === `doctest.${name}` || new RegExp(`^(\\w+\\.)*${name}$`).test(u.text);
}

/** Does a dict literal or comprehension given to `options.update(...)` set `flag` to a true value? */
function dictSetsFlag(d: Node | undefined, ctx: RuleContext, flag: string): boolean {
  const u = d && unparen(d);
  if (!u) return false;
  if (u.type === 'dictionary') {
    return u.namedChildren.some((pair) => pair.type === 'pair' && isDoctestFlag(pair.childForFieldName('key'), ctx, flag) && truthiness(pair.childForFieldName('value')) === 'truthy');
  }
  if (u.type !== 'dictionary_comprehension') return false;
  const pair = u.childForFieldName('body');
  if (pair?.type !== 'pair' || truthiness(pair.childForFieldName('value')) !== 'truthy' || u.namedChildren.some((c) => c.type === 'if_clause')) return false;
  const key = pair.childForFieldName('key');
  const clause = u.namedChildren.find((c) => c.type === 'for_in_clause');
  if (key?.type !== 'identifier' || clause?.childForFieldName('left')?.text !== key.text) return false;
  const over = unparen(clause.childForFieldName('right')!);
  return /^(tuple|list|set)$/.test(over.type) && over.namedChildren.some((c) => isDoctestFlag(c, ctx, flag));
}

/**
 * A statement that disables one doctest example (or all of a doctest's): `X.options[doctest.SKIP] = True`,
 * `X.options.update({doctest.SKIP: True})`, `X.want = "...\n"` (while the file turns ELLIPSIS on), or the
 * examples list emptied (`dt.examples = []`, `.clear()`); `target` is the example variable `X`.
 */
function doctestSabotage(n: Node, ctx: RuleContext, ellipsis: boolean): { kind: 'skip' | 'want' | 'empty'; target: string } | undefined {
  const optionsOf = (x: Node | null | undefined): string | undefined => {
    const u = x && unparen(x);
    if (u?.type !== 'attribute' || u.childForFieldName('attribute')?.text !== 'options') return undefined;
    const obj = unparen(u.childForFieldName('object')!);
    return obj.type === 'identifier' ? obj.text : undefined;
  };
  if (n.type === 'assignment') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const l = left && unparen(left);
    if (!l || !right) return undefined;
    if (l.type === 'subscript') {
      const target = optionsOf(l.namedChildren[0]);
      if (target && isDoctestFlag(l.childForFieldName('subscript'), ctx, 'SKIP') && truthiness(right) === 'truthy') return { kind: 'skip', target };
      if (isFullSlice(l) && unparen(l.namedChildren[0]!).text.endsWith('.examples') && isEmptyLiteral(right)) return { kind: 'empty', target: '' };
    }
    if (l.type === 'attribute') {
      const attr = l.childForFieldName('attribute')?.text;
      const obj = unparen(l.childForFieldName('object')!);
      if (attr === 'examples' && isEmptyLiteral(right)) return { kind: 'empty', target: '' };
      if (attr === 'want' && ellipsis && obj.type === 'identifier' && stringValue(right)?.trim() === '...') return { kind: 'want', target: obj.text };
    }
    return undefined;
  }
  if (n.type === 'call') {
    const f = unparen(n.childForFieldName('function')!);
    if (f.type !== 'attribute') return undefined;
    const method = f.childForFieldName('attribute')?.text;
    const obj = f.childForFieldName('object')!;
    if (method === 'clear' && unparen(obj).type === 'attribute' && unparen(obj).childForFieldName('attribute')?.text === 'examples') return { kind: 'empty', target: '' };
    const target = optionsOf(obj);
    if (target && method === 'update' && dictSetsFlag(callArguments(n).positional[0], ctx, 'SKIP')) return { kind: 'skip', target };
  }
  return undefined;
}

/**
 * A condition on whether an item is a doctest, or has examples (`isinstance(item, DoctestItem)`,
 * `dt is None` with `dt = getattr(item, "dtest", None)`, `not dt.examples`): structure, not a choice of tests.
 */
function isDoctestStructure(cond: Node, defs: ReadonlyMap<string, Node[]>): boolean {
  const DOCTESTISH = /\b(dtest|examples)\b|Doctest\w*|\bdoctest\b/;
  let c = unparen(cond);
  while (c.type === 'not_operator') c = unparen(c.childForFieldName('argument')!);
  if (c.type === 'comparison_operator' && c.namedChildCount === 2 && /^none$/.test(unparen(c.namedChildren[1]!).type)) c = unparen(c.namedChildren[0]!);
  if (c.type === 'identifier') return (defs.get(c.text) ?? []).some((r) => DOCTESTISH.test(r.text));
  if (c.type === 'boolean_operator') {
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    return !!l && !!r && isDoctestStructure(l, defs) && isDoctestStructure(r, defs);
  }
  return DOCTESTISH.test(c.text) && !/\b(name|nodeid|_nodeid|fspath|path|source|want)\b/.test(c.text);
}

function reportMarker(ctx: RuleContext, site: Site, kind: SkipKind, where: string, markText: string): void {
  const shown = snippet(site.node);
  // `xfail(strict=True)` on a known-failure list is honest bookkeeping: a test that starts passing fails the run.
  const strict = kind === 'xfail' && /\bstrict\s*=\s*True\b/.test(markText);
  report(ctx, site, (v, note) =>
    kind === 'skip'
      ? `\`${shown}\` in ${where} skips ${which(v, 'test')}${note}: the run reports skips instead of failures`
      : `\`${shown}\` in ${where} marks ${which(v, 'test')} as expected to fail${note}: failures are reported as xfail and the run stays green`,
    (v) => strict && v.sel === NAMED);
}

// ---------------------------------------------------------------------------------------------------
// Per-test hooks and autouse fixtures

function isAutouseFixture(fn: Node, ctx: RuleContext): boolean {
  for (const dec of decoratorsOf(fn)) {
    const d = unparen(dec);
    if (d.type !== 'call') continue;
    // Cheap checks first: resolving names builds the file's resolver.
    const auto = keywordValue(d, 'autouse');
    if (!auto || truthiness(auto) !== 'truthy') continue;
    const f = d.childForFieldName('function');
    const q = ctx.names.qualify(f) ?? dottedName(f) ?? '';
    if (/(^|\.)fixture$/.test(q)) return true;
  }
  return false;
}

/**
 * A call to a module-level function of the file that skips (or xfails) whatever it is given: a
 * `pytest.skip(...)` / `raise SkipTest(...)` among its own top-level statements, so no condition guards it
 * (`def _not_ready(reason): pytest.skip(reason)`). A helper that skips only under a condition
 * (`if shutil.which("docker") is None:`) is not one.
 */
const SIMPLE_STATEMENTS = new Set(['expression_statement', 'raise_statement', 'pass_statement', 'import_statement', 'import_from_statement', 'comment']);

function skipThroughHelper(n: Node, ctx: RuleContext): SkipKind | undefined {
  if (n.type !== 'call') return undefined;
  const callee = n.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const helper = moduleFunctionNamed(ctx.root, callee.text);
  for (const stmt of helper?.childForFieldName('body')?.namedChildren ?? []) {
    // Only simple statements may come first: an `if`, loop, `try` or `return` could leave the helper before the skip.
    if (!SIMPLE_STATEMENTS.has(stmt.type)) return undefined;
    const skip = stmt.type === 'expression_statement' ? stmt.namedChild(0) : stmt;
    const k = skip ? imperativeSkip(skip, ctx) : undefined;
    if (k) return k;
  }
  return undefined;
}

function checkPerTest(ctx: RuleContext, fn: Node, kind: 'fixture' | 'hook', hook: string, modLits: Map<string, string[]>, moduleDefs: ReadonlyMap<string, Node[]>): void {
  const body = hookScope(fn);
  if (!body) return;
  const params = hookParameters(fn);
  const perTest = kind === 'fixture' ? ['request', ...params.slice(0, 1).filter((p) => p === 'self')] : [...new Set([...params.filter((p) => p === 'item' || p === 'pyfuncitem'), ...params.slice(0, 1)])];
  const scope = makeScope(fn, perTest, [], 'item', modLits, ['session']);
  const defs = localBindings(fn);
  const where = kind === 'fixture' ? `the autouse fixture \`${fn.childForFieldName('name')?.text ?? ''}\`` : `\`${hook}\``;
  // A fixture's code after `yield` is teardown: a skip there does not hide the test's result.
  let firstYield = Infinity;
  forEachInScope(body, (n) => void (n.type === 'yield' && (firstYield = Math.min(firstYield, n.startIndex))));
  const imperative = kind === 'fixture' || ITEM_HOOKS_IMPERATIVE.has(hook);
  const markers = kind === 'fixture' || ITEM_HOOKS_MARKER.has(hook);
  forEachInScope(body, (n) => {
    if (kind === 'fixture' && n.startIndex > firstYield) return false;
    // A skip in an `except` handler turns the test's own failure into a skip: that is RH302's relabelling.
    if (n.type === 'except_clause' || n.type === 'except_group_clause') return false;
    const site = (): Site => ({ node: n, fn, gates: gatesOf(n, fn), extra: [], scope });
    if (imperative) {
      const k = imperativeSkip(n, ctx) ?? skipThroughHelper(n, ctx);
      if (k) {
        const shown = snippet(n);
        report(ctx, site(), (v, note) =>
          k === 'skip' && v.ext && !v.ci
            ? // An environment or availability gate: say that it is one rather than that everything is skipped.
              `\`${shown}\` in ${where} skips ${which(v, 'test')} only ${gateClause(site())}, an environment or availability gate: where that holds, the run reports skips instead of failures`
            : k === 'skip'
            ? `\`${shown}\` in ${where} skips ${which(v, 'test')} before the test body runs${note}: the run reports skips instead of failures`
            : `\`${shown}\` in ${where} turns ${which(v, 'test')} into an expected failure before the test body runs${note}: nothing is tested and the run stays green`);
        return;
      }
    }
    if (markers && (n.type === 'call' || n.type === 'augmented_assignment')) {
      const f = n.type === 'call' ? unparen(n.childForFieldName('function')!) : undefined;
      if (f && f.type !== 'attribute') return;
      const m = f?.childForFieldName('attribute')?.text ?? '';
      const obj = f ? unparen(f.childForFieldName('object')!) : n;
      const isNode = (o: Node) => (kind === 'hook' ? o.type === 'identifier' && perTest.includes(o.text) : /^request\.node$/.test(o.text));
      // `item.own_markers.append(mark)` is `add_marker` written by hand.
      const pushed = ownMarkersPush(n);
      const isTarget = pushed ? isNode(pushed.owner) : (m === 'add_marker' && isNode(obj)) || (m === 'applymarker' && kind === 'fixture' && obj.text === 'request');
      if (!isTarget) return;
      for (const mark of pushed ? pushed.marks : [callArguments(n).positional[0]]) {
        const k = skipMarkOf(mark, ctx, (name) => defs.get(name) ?? moduleDefs.get(name) ?? []);
        const text = [mark, ...(mark ? (defs.get(mark.text) ?? moduleDefs.get(mark.text) ?? []) : [])].map((x) => x?.text ?? '').join(' ');
        if (k) {
          reportMarker(ctx, site(), k, where, text);
          break;
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// pytest_ignore_collect and pytest_pycollect_makeitem

/** Folder names for bundled third-party code (`sklearn/externals`, `pip/_vendor`, `astropy/extern`). */
const VENDORED_FOLDER = /^_*(externals|extern|vendor|vendored|third[_-]?party|3rd[_-]?party)$/i;
/** Folder names that hold tests. */
const TEST_FOLDER = /^(tests?|testing)$/i;

/**
 * A conftest's `pytest_ignore_collect` and `collect_ignore` only apply below its own folder. In a folder of
 * vendored third-party code that is not under a test folder, ignoring everything keeps pytest from importing
 * the bundled modules (or collecting their doctests, with `--pyargs`/`--doctest-modules`); it does not hide
 * the project's tests. Only the path is known here, so the folder's name is the evidence: `info`, not quiet.
 */
function isVendoredFolderConftest(ctx: RuleContext): boolean {
  if (!ctx.facts.isConftest) return false;
  const folders = ctx.path.split(/[\\/]/).slice(0, -1);
  const own = folders[folders.length - 1];
  return own !== undefined && VENDORED_FOLDER.test(own) && !folders.some((f) => TEST_FOLDER.test(f));
}

/** Does the code deciding a return (the return and its gates in `fn`) spell a test file or folder name (`"test_"`, `"tests"`)? */
function namesTestPaths(ret: Node, gates: readonly Gate[]): boolean {
  for (const n of [ret, ...gates.map((g) => g.cond)]) {
    for (const str of n.descendantsOfType('string')) if (str && /\btests?\b|test_|_test\b/i.test(str.text)) return true;
  }
  return false;
}

const VENDORED_NOTE = ' (in the conftest of a vendored-code folder, so it applies to the bundled modules below it)';

function checkIgnoreCollect(ctx: RuleContext, fn: Node, modLits: Map<string, string[]>): void {
  const body = fn.childForFieldName('body');
  if (!body) return;
  const params = hookParameters(fn).filter((p) => p !== 'config');
  const scope = makeScope(fn, params, params, 'path', modLits);
  const vendored = isVendoredFolderConftest(ctx);
  // A def's returns, or a lambda hook's body (its one returned value).
  const returns: Node[] = [];
  if (fn.type === 'lambda') returns.push(body);
  else forEachInScope(body, (n) => void (n.type === 'return_statement' && returns.push(n)));
  for (const n of returns) {
    const value = n.type === 'return_statement' ? returnValue(n) : n;
    const t = truthiness(value);
    if (t === 'falsy') continue;
    const extra = t === 'unknown' && value ? [evalCond(value, scope)] : [];
    const site: Site = { node: n, fn, gates: gatesOf(n, fn), extra, scope };
    const conditional = site.gates.length > 0 || extra.length > 0;
    report(
      ctx,
      site,
      (v, note) =>
        vendored
          ? `\`pytest_ignore_collect\` returns \`${snippet(value ?? n, 40)}\` in the conftest of a vendored-code folder${note}: this keeps pytest away from the bundled modules below it, but a test put there would never be collected`
          : `\`pytest_ignore_collect\` returns \`${snippet(value ?? n, 40)}\` for ${v.sel === ALL ? (conditional ? 'the test files' : 'every path, test files included') : which(v, 'file')}${note}: pytest never collects those tests, so they can never fail`,
      // Only ignoring the whole folder (or by a category of its own) is the vendoring case: a return that picks
      // test files by name hides tests, whatever the folder is called.
      (v) => vendored && v.sel !== NAMED && !namesTestPaths(n, site.gates),
    );
  }
}

function checkMakeItem(ctx: RuleContext, fn: Node, modLits: Map<string, string[]>): void {
  const body = fn.childForFieldName('body');
  if (!body) return;
  const params = hookParameters(fn);
  const scope = makeScope(fn, params.filter((p) => p !== 'collector'), params.filter((p) => p === 'name'), 'item', modLits, ['collector']);
  scope.objectNames = true;
  forEachInScope(body, (n) => {
    if (n.type !== 'return_statement') return;
    const value = returnValue(n);
    if (!value || !isEmptyLiteral(value)) return;
    const site: Site = { node: n, fn, gates: gatesOf(n, fn), extra: [], scope };
    report(ctx, site, (v, note) =>
      `\`pytest_pycollect_makeitem\` returns \`${value.text}\` for ${which(v, 'test')}${note}: pytest takes the empty list as "no test here" and never runs them`);
  });
}

/**
 * A wrapper around `pytest_collect_file` decides what each file collects: returning `[]` after the `yield`
 * (new style) or `outcome.force_result([])` (old style) leaves the files it applies to without tests. A plain
 * implementation returning `[]` only adds nothing to what the other plugins collect, and is left alone.
 */
function checkCollectFileWrapper(ctx: RuleContext, fn: Node, modLits: Map<string, string[]>): void {
  const style = hookStyle(fn);
  const body = fn.childForFieldName('body');
  if (style === 'plain' || !body) return;
  const params = hookParameters(fn).filter((p) => p !== 'parent');
  const scope = makeScope(fn, params, params, 'path', modLits, ['parent']);
  forEachInScope(body, (n) => {
    let empty: Node | undefined;
    if (style === 'new-wrapper' && n.type === 'return_statement') {
      const value = returnValue(n);
      if (value && isEmptyLiteral(value)) empty = value;
    } else if (style === 'old-wrapper' && n.type === 'call') {
      const f = unparen(n.childForFieldName('function')!);
      const arg = callArguments(n).positional[0];
      if (f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'force_result' && arg && isEmptyLiteral(arg)) empty = arg;
    }
    if (!empty) return;
    const site: Site = { node: n, fn, gates: gatesOf(n, fn), extra: [], scope };
    report(ctx, site, (v, note) =>
      `\`${snippet(n)}\` in a \`pytest_collect_file\` wrapper replaces what ${which(v, 'file')} collects with \`${empty!.text}\`${note}: pytest finds no test in them, so none runs`);
  });
}

// ---------------------------------------------------------------------------------------------------
// Options put on pytest's command line from code

/** Hooks that get the command-line arguments as a list they may change before pytest parses them. */
const ARGS_HOOKS = new Set(['pytest_load_initial_conftests', 'pytest_cmdline_preparse', 'pytest_cmdline_parse']);

/**
 * The string literals a statement puts in the argument list `args`: `args[:] = [...]`, `args.extend([...])`,
 * `args += [...]`, `args.append("...")`, `args.insert(i, "...")`.
 */
function argumentsAdded(n: Node, args: string): Node[] | undefined {
  const strings = (list: Node | undefined) => {
    const u = list ? unparen(list) : undefined;
    return u && (u.type === 'list' || u.type === 'tuple') ? u.namedChildren.filter((c) => stringValue(c) !== undefined) : undefined;
  };
  if (n.type === 'assignment' || n.type === 'augmented_assignment') {
    const left = n.childForFieldName('left');
    const l = left ? unparen(left) : undefined;
    const whole = n.type === 'assignment' ? l?.type === 'subscript' && l.namedChildren[0]?.text === args && isFullSlice(l) : l?.text === args;
    return whole ? strings(n.childForFieldName('right') ?? undefined) : undefined;
  }
  if (n.type !== 'call') return undefined;
  const f = unparen(n.childForFieldName('function')!);
  if (f.type !== 'attribute' || f.childForFieldName('object')?.text !== args) return undefined;
  const method = f.childForFieldName('attribute')?.text;
  const positional = callArguments(n).positional;
  const value = method === 'append' ? positional[0] : method === 'insert' ? positional[1] : undefined;
  if (value) return stringValue(value) !== undefined ? [value] : undefined;
  return method === 'extend' ? strings(positional[0]) : undefined;
}

/**
 * An argument-list hook that adds `--collect-only`, or a `-k` expression no test name satisfies, to the command
 * line: pytest then runs nothing. Additions the user's own arguments decide (`if "--quick" in args:`) are theirs.
 */
function checkArgumentsHook(ctx: RuleContext, fn: Node, hook: string, modLits: Map<string, string[]>): void {
  const body = fn.childForFieldName('body');
  if (!body || !hookParameters(fn).includes('args')) return;
  const added: { value: string; statement: Node }[] = [];
  forEachInScope(body, (n) => {
    for (const s of argumentsAdded(n, 'args') ?? []) added.push({ value: stringValue(s)!, statement: n });
  });
  const scope: Scope = { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: modLits, neutral: new Set(hookParameters(fn)), domain: 'item' };
  const reported = new Set<number>();
  added.forEach(({ value, statement }, i) => {
    let effect: { site: Node; what: string; consequence: string } | undefined;
    if (/^--(collect-only|collectonly|co)$/.test(value)) {
      effect = { site: statement, what: `switches on pytest's \`${value}\``, consequence: 'the tests are collected but none of them runs, and the session exits 0' };
    }
    // `-k EXPR` as two arguments (reported where the expression is added), `-kEXPR`, `--keyword=EXPR`.
    const separate = value === '-k' || value === '--keyword' ? added[i + 1] : undefined;
    const keyword = separate ? separate.value : /^(-k(?!-)|--keyword=)(.+)$/.exec(value)?.[2];
    if (keyword !== undefined && keywordVerdict(keyword) === false) {
      effect = { site: separate?.statement ?? statement, what: `sets pytest's \`-k\` expression to \`${keyword}\`, which no test name satisfies`, consequence: 'every test is deselected, so nothing runs and nothing can fail' };
    }
    // `--deselect ID`, `--ignore PATH`, `--ignore-glob GLOB` (or `--flag=VALUE`): judged like the option written in code.
    const flag = /^--(deselect|ignore|ignore-glob)$/.exec(value)?.[1] ?? /^--(deselect|ignore|ignore-glob)=/.exec(value)?.[1];
    const next = flag && value.startsWith(`--${flag}=`) ? undefined : added[i + 1];
    const entry = flag ? (next ? next.value : value.slice(value.indexOf('=') + 1)) : undefined;
    let level: Sel = ALL;
    if (flag && entry !== undefined) {
      const option = flag.replace('-', '_') as SelectionOption;
      level = selectionEntryLevel(option, entry);
      if (level > OTHER) effect = { site: next?.statement ?? statement, what: `adds \`--${flag} ${entry}\` to the command line`, consequence: 'pytest leaves those tests out of the run, so they never execute and cannot fail' };
    }
    if (!effect || reported.has(effect.site.id)) return;
    const { site, what, consequence } = effect;
    const gates = gatesOf(site, fn);
    if (gates.some((g) => identsOf(g.cond).has('args'))) return;
    reported.add(site.id);
    report(ctx, { node: site, fn, gates, extra: [sel(level)], scope }, (_v, note) => `\`${snippet(site)}\` in \`${hook}\` ${what}${note}: ${consequence}`);
  });
}

// ---------------------------------------------------------------------------------------------------
// unittest's test method prefix

/**
 * `unittest.TestLoader.testMethodPrefix = "check_"` (or on `unittest.defaultTestLoader`) changes which methods
 * every loader collects, pytest's unittest support included: with a prefix the `test*` methods do not
 * have, no test is collected and the run is empty. On a loader of the file's own it may be the project's
 * naming convention: a warning; in a function of a test file (a test of the loader) `info`, at the module
 * level of a test file (the global loader, for the whole run) a warning. Prefixes that
 * start with `test` (`"test"`, `"test_"`) are left alone.
 */
function checkTestMethodPrefix(ctx: RuleContext, modLits: () => Map<string, string[]>): void {
  for (const a of ctx.root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!a || left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== 'testMethodPrefix' || !right) continue;
    const prefix = stringValue(right);
    if (!prefix || /^test/i.test(prefix)) continue;
    const owner = left.childForFieldName('object')!;
    const global = /^unittest(\.loader)?\.(TestLoader|defaultTestLoader)$/.test(ctx.names.qualify(owner) ?? dottedName(owner) ?? '');
    const fn = enclosingCallable(a);
    if (!global && !(unparen(owner).type === 'identifier' && isLoaderInstance(ctx, unparen(owner).text, fn))) continue;
    // A loader whose every load is checked by an assertion is under test itself: its tests are never run.
    if (!global && fn && onlyAsserted(unparen(owner).text, fn)) continue;
    const scope: Scope = { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: modLits(), neutral: new Set(), domain: 'item' };
    // At module level of a test file (`tests/__init__.py`) the global loader changes for the whole run: as
    // `pytestmark = pytest.mark.skip`, a warning.
    const site: Site = { node: a, fn, gates: gatesOf(a, fn ?? ctx.root), extra: [], scope, atImport: global };
    const where = global ? 'every unittest loader (pytest\'s unittest collection included)' : 'this loader';
    // In a test file, inside a function, it is a test of unittest's loader itself.
    const cap: Severity = fn && ctx.roleAt(a) === 'test' ? 'info' : global ? 'error' : 'warning';
    report(ctx, site, (_v, note) =>
      `\`${snippet(a)}\` makes ${where} collect only methods named \`${prefix}*\`${note}: the \`test*\` methods are no longer collected, so they never run and cannot fail`,
      undefined,
      cap);
  }
}

/**
 * Is every use of the loader `name` in `fn` (other than setting its attributes) inside an assertion
 * (`self.assertEqual(loader.loadTestsFromTestCase(Foo), expected)`, `assert ...`)? Then the function tests
 * the loader; nothing it loads reaches a runner.
 */
function onlyAsserted(name: string, fn: Node): boolean {
  let uses = 0;
  for (const id of fn.descendantsOfType('identifier')) {
    if (id?.text !== name) continue;
    const parent = id.parent;
    // `loader = TestLoader()`, `loader.testMethodPrefix = ...`: the setup, not a use.
    if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === id.id) continue;
    if (parent?.type === 'attribute' && parent.parent?.type === 'assignment' && parent.parent.childForFieldName('left')?.id === parent.id) continue;
    if (!insideAssertion(id, fn)) return false;
    uses++;
  }
  return uses > 0;
}

function insideAssertion(node: Node, fn: Node): boolean {
  for (let p = node.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type === 'assert_statement') return true;
    if (p.type === 'call' && /^(assert|fail)\w*$/.test(lastCalleeName(p))) return true;
  }
  return false;
}

function lastCalleeName(call: Node): string {
  const f = unparen(call.childForFieldName('function')!);
  return f.type === 'attribute' ? (f.childForFieldName('attribute')?.text ?? '') : f.text;
}

/** Is `name` bound (in `fn`, or at module level) to a new `TestLoader()` only? */
function isLoaderInstance(ctx: RuleContext, name: string, fn: Node | null): boolean {
  const rhs = (fn ? localBindings(fn).get(name) : undefined) ?? moduleAssignments(ctx.root).get(name) ?? [];
  return rhs.length > 0 && rhs.every((r) => unparen(r).type === 'call' && /(^|\.)TestLoader$/.test(ctx.names.callee(unparen(r)) ?? dottedName(unparen(r).childForFieldName('function')) ?? ''));
}

// ---------------------------------------------------------------------------------------------------
// collect_ignore / collect_ignore_glob in conftest.py

type IgnoreLevel = 'all' | 'named' | 'subdir' | 'other';

export function ignoreLevel(entry: string, glob: boolean, listing = false): IgnoreLevel {
  const e = entry.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (glob) {
    const re = fnmatchRegex(`/r/${e}`);
    // In a file listing (`Path.glob`, `glob.glob(recursive=True)`) `**/` also matches no folder at all.
    const flat = listing && e.includes('**/') ? fnmatchRegex(`/r/${e.replace(/\*\*\//g, '')}`) : undefined;
    if (PATH_SAMPLES.some((p) => re.test(`/r/${p}`) || flat?.test(`/r/${p}`))) return 'all';
  } else if (e === '' || e === '.' || /(^|\/)tests?$/.test(e)) return 'all';
  const base = e.slice(e.lastIndexOf('/') + 1);
  if (/^test_|_test(\.py)?$|^test[*?]/.test(base)) return 'named';
  if (/(^|\/)tests?\//.test(e)) return 'subdir';
  return 'other';
}

const IGNORE_VAR = /^collect_ignore(_glob)?$/;

/** One entry added to `collect_ignore` / `collect_ignore_glob`, with the value it takes. */
interface IgnoreEntry {
  /** Where the entry is written (the literal, or the comprehension's element). */
  node: Node;
  value: string;
}

/**
 * The strings a list's entries or a comprehension's element take, built from literals (`builtStrings`:
 * `f"test_{suite}*.py" for suite in ("export", "markdown")`, also over a module name bound once). The
 * comprehension's `if` filters are returned as conditions; an element not built from literals gives nothing.
 */
function builtEntries(n: Node, ctx: RuleContext): { entries: IgnoreEntry[]; conditions: Node[] } | undefined {
  const u = unparen(n);
  if (u.type === 'list' || u.type === 'tuple') {
    return { entries: u.namedChildren.flatMap((c) => (pathStrings(c, ctx) ?? []).map((value) => ({ node: c, value }))), conditions: [] };
  }
  if (u.type !== 'list_comprehension' && u.type !== 'generator_expression') return undefined;
  const element = u.namedChildren[0];
  if (!element || u.namedChildren.filter((c) => c.type === 'for_in_clause').length !== 1) return undefined;
  const values = pathStrings(element, ctx);
  if (!values) return undefined;
  const conditions = u.namedChildren.filter((c) => c.type === 'if_clause').flatMap((c) => (c.namedChildren[0] ? [c.namedChildren[0]] : []));
  return { entries: values.map((value) => ({ node: element, value })), conditions };
}

/**
 * The paths an entry takes: strings built from literals, also joined as paths (`os.path.join(HERE, f"test_{s}.py")`,
 * `HERE / "test_x.py"`, in `str(...)` / `os.fspath(...)`). A leading folder not known here is dropped: entries are
 * relative to the conftest's folder, and whether a file is a test shows in its own name.
 */
function pathStrings(n: Node, ctx: RuleContext, depth = 0): string[] | undefined {
  const built = builtStrings(n);
  if (built || depth > 4) return built;
  const u = unparen(n);
  const joined = (parts: Node[]): string[] | undefined => {
    let out: string[] | undefined;
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = pathStrings(parts[i]!, ctx, depth + 1);
      if (!p) return out;
      const next: string[] = out ? p.flatMap((x) => out!.map((y) => `${x.replace(/\/+$/, '')}/${y}`)) : p;
      if (next.length > 64) return out;
      out = next;
    }
    return out;
  };
  if (u.type === 'call') {
    const callee = ctx.names.callee(u) ?? unparen(u.childForFieldName('function')!).text;
    const args = callArguments(u).positional;
    if (/^(builtins\.)?str$|^os\.fspath$/.test(callee) && args.length === 1) return pathStrings(args[0]!, ctx, depth + 1);
    if (callee === 'os.path.join' && args.length) return joined(args);
  }
  if (u.type === 'binary_operator' && u.childForFieldName('operator')?.text === '/') return joined([u.childForFieldName('left')!, u.childForFieldName('right')!]);
  return undefined;
}

/**
 * The entries one statement adds to `collect_ignore` / `collect_ignore_glob`. `ownFolder` is set when they are a
 * listing of every Python file of the conftest's own folder (then every test file there is among them);
 * `conditions` are the `if` filters of a comprehension that builds them.
 */
function ignoreEntries(stmt: Node, ctx: RuleContext): { variable: string; entries: IgnoreEntry[]; ownFolder?: Node; listing?: boolean; conditions?: Node[] } | undefined {
  const literal = (c: Node): IgnoreEntry[] => (pathStrings(c, ctx) ?? []).map((value) => ({ node: c, value }));
  if (stmt.type === 'assignment' || stmt.type === 'augmented_assignment') {
    const left = stmt.childForFieldName('left');
    let right = stmt.childForFieldName('right');
    if (left?.type !== 'identifier' || !IGNORE_VAR.test(left.text) || !right) return undefined;
    while (right.type === 'assignment') right = right.childForFieldName('right') ?? right;
    const r = unparen(right);
    if (r.type === 'list' || r.type === 'tuple') return { variable: left.text, ...builtEntries(r, ctx)! };
    if (ownFolderListing(r)) return { variable: left.text, entries: [], ownFolder: r };
    // collect_ignore = glob.glob("test_*.py"), [str(p) for p in HERE.glob("tests/test_*.py")]: the pattern.
    const pattern = globPattern(r, ctx);
    // The entries are then glob patterns, whichever variable they go to.
    if (pattern) return { variable: left.text, entries: [{ node: pattern, value: stringValue(pattern)! }], listing: true };
    const built = builtEntries(r, ctx);
    return built ? { variable: left.text, ...built } : undefined;
  }
  if (stmt.type === 'call') {
    const f = unparen(stmt.childForFieldName('function')!);
    if (f.type !== 'attribute') return undefined;
    const obj = f.childForFieldName('object');
    const m = f.childForFieldName('attribute')?.text ?? '';
    if (obj?.type !== 'identifier' || !IGNORE_VAR.test(obj.text)) return undefined;
    const args = callArguments(stmt).positional;
    if (m === 'append') return args[0] ? { variable: obj.text, entries: literal(args[0]) } : undefined;
    if (m === 'insert') return args[1] ? { variable: obj.text, entries: literal(args[1]) } : undefined;
    if (m === 'extend' && args[0]) {
      const a = unparen(args[0]);
      if (a.type === 'list' || a.type === 'tuple') return { variable: obj.text, ...builtEntries(a, ctx)! };
      if (ownFolderListing(a)) return { variable: obj.text, entries: [], ownFolder: a };
      const pattern = globPattern(a, ctx);
      if (pattern) return { variable: obj.text, entries: [{ node: pattern, value: stringValue(pattern)! }], listing: true };
      const built = builtEntries(a, ctx);
      if (built) return { variable: obj.text, ...built };
    }
  }
  return undefined;
}

/** The conftest's own folder: `os.path.dirname(__file__)`, `Path(__file__).parent`, `HERE`-style names are not resolved. */
const OWN_FOLDER = /^(os\.path\.dirname\(\s*(os\.path\.(abspath|realpath)\(\s*)?__file__\s*\)?\s*\)|(pathlib\.)?Path\(\s*__file__\s*\)(\.resolve\(\))?\.parent|["']\.?["'])$/;
/** The only filters that keep a listing of a folder's files covering its tests: Python files, test files, not the conftest. */
const LISTING_FILTER = /^\w+(\.name)?\.(endswith\(\s*["']\.py["']\s*\)|startswith\(\s*["']test_?["']\s*\))$|^\w+\.suffix\s*==\s*["']\.py["']$|^\w+(\.name)?\s*!=\s*["']conftest\.py["']$/;

/**
 * A comprehension over every file of the conftest's own folder (`os.listdir(os.path.dirname(__file__))`,
 * `Path(__file__).parent.iterdir()`), kept whole or filtered only to Python or test files: ignoring that
 * ignores every test module there. A filter on anything else (`f.startswith("legacy_")`) is a choice of files.
 */
function ownFolderListing(n: Node): boolean {
  let u = unparen(n);
  for (let i = 0; i < 2 && u.type === 'call' && /^(list|sorted|tuple)$/.test(unparen(u.childForFieldName('function')!).text); i++) {
    const inner = callArguments(u).positional[0];
    if (!inner) return false;
    u = unparen(inner);
  }
  if (u.type !== 'list_comprehension' && u.type !== 'generator_expression') return false;
  const clauses = u.namedChildren.filter((c) => c.type === 'for_in_clause');
  const source = clauses.length === 1 ? clauses[0]!.childForFieldName('right') : null;
  if (!source) return false;
  for (const clause of u.namedChildren.filter((c) => c.type === 'if_clause')) {
    const cond = clause.namedChildren[0];
    const parts = cond ? (cond.type === 'boolean_operator' && cond.childForFieldName('operator')?.text === 'and' ? [cond.childForFieldName('left')!, cond.childForFieldName('right')!] : [cond]) : [];
    if (!parts.every((p) => LISTING_FILTER.test(unparen(p).text))) return false;
  }
  const src = unparen(source);
  if (src.type !== 'call') return false;
  const f = unparen(src.childForFieldName('function')!);
  const arg = callArguments(src).positional[0];
  if (/^os\.(listdir|scandir)$/.test(f.text)) return !arg || OWN_FOLDER.test(arg.text);
  if (f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'iterdir') return OWN_FOLDER.test(f.childForFieldName('object')!.text);
  return false;
}

/**
 * The literal pattern of a file listing: `glob.glob("p")`, `Path.glob("p")` / `.rglob("p")` on any path, also
 * as the iterable of a comprehension or wrapped in `list(...)` / `sorted(...)` (the paths, turned to strings).
 */
function globPattern(n: Node, ctx: RuleContext): Node | undefined {
  let u = unparen(n);
  if (u.type === 'list_comprehension' || u.type === 'generator_expression') {
    const clauses = u.namedChildren.filter((c) => c.type === 'for_in_clause');
    const source = clauses.length === 1 ? clauses[0]!.childForFieldName('right') : null;
    if (!source) return undefined;
    u = unparen(source);
  }
  for (let i = 0; i < 2 && u.type === 'call' && /^(list|sorted|tuple)$/.test(unparen(u.childForFieldName('function')!).text); i++) {
    const inner = callArguments(u).positional[0];
    if (!inner) return undefined;
    u = unparen(inner);
  }
  if (u.type !== 'call') return undefined;
  const f = unparen(u.childForFieldName('function')!);
  const p = callArguments(u).positional[0];
  const value = p ? stringValue(p) : undefined;
  if (!p || value === undefined) return undefined;
  if (/^glob\.i?glob$/.test(ctx.names.callee(u) ?? '')) return p;
  // A path's `.glob()` is relative to a directory this file may not show (`Path("examples").glob("*.py")`):
  // only a pattern that itself names test files says what it lists.
  const method = f.type === 'attribute' && /^r?glob$/.test(f.childForFieldName('attribute')?.text ?? '');
  return method && /test/i.test(value) ? p : undefined;
}

function checkCollectIgnore(ctx: RuleContext, modLits: Map<string, string[]>): void {
  const scope: Scope = { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: modLits, neutral: new Set(), domain: 'path' };
  forEachDescendant(ctx.root, (n) => {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return false;
    const found = ignoreEntries(n, ctx);
    if (!found) return true;
    const glob = found.listing || found.variable.endsWith('_glob');
    let worst: { node: Node; level: IgnoreLevel } | undefined = found.ownFolder ? { node: found.ownFolder, level: 'all' } : undefined;
    const order: IgnoreLevel[] = ['other', 'subdir', 'named', 'all'];
    let worstValue = '';
    for (const e of found.entries) {
      const level = ignoreLevel(e.value, glob, found.listing);
      if (!worst || order.indexOf(level) > order.indexOf(worst.level)) [worst, worstValue] = [{ node: e.node, level }, e.value];
    }
    if (!worst || worst.level === 'other') return true;
    const stmt = n.parent?.type === 'expression_statement' ? n.parent : n;
    // A comprehension's filters gate its entries as an `if` around the statement would.
    const filters: Gate[] = (found.conditions ?? []).map((cond) => ({ cond, positive: true }));
    const site: Site = { node: worst.node, fn: null, gates: [...gatesOf(stmt, ctx.root), ...filters], extra: [], scope };
    const v = verdictOf(site);
    if (v.sel === DEAD) return true;
    const conditional = v.ext || v.sel !== ALL;
    let severity: Severity | undefined;
    if (worst.level === 'all') severity = conditional ? (v.ci ? 'warning' : 'info') : 'error';
    else if (worst.level === 'named') severity = conditional ? undefined : 'warning';
    else severity = conditional ? undefined : 'info';
    if (!severity) return true;
    // Vendored folder: only ignoring everything below it keeps pytest out of the bundled modules; an entry that
    // names a test file or a test directory hides tests there.
    const vendored = worst.level === 'all' && isVendoredFolderConftest(ctx);
    if (vendored) severity = 'info';
    // An entry built from literals is shown with the value it takes (`f"test_{suite}*.py"` → "test_export*.py").
    const entry = found.ownFolder ? `\`${snippet(found.ownFolder)}\`` : stringValue(worst.node) !== undefined ? worst.node.text : `\`${snippet(worst.node)}\` ("${worstValue}")`;
    const scopeText =
      worst.level === 'all'
        ? 'covers the test files'
        : worst.level === 'named'
          ? glob
            ? 'matches test files by name'
            : 'names a test file'
          : 'names a test directory';
    ctx.report({
      node: worst.node,
      message: `\`${found.variable}\` ${found.listing ? `lists the files matching ${entry}, which ${scopeText.replace(/^covers/, 'cover').replace(/^matches/, 'match').replace(/^names a test/, 'name test')}` : `entry ${entry} ${scopeText}`}${vendored ? VENDORED_NOTE : ''}${conditionNote(v, site)}: pytest silently skips collecting ${worst.level === 'all' || found.listing ? 'them' : 'it'}, so those tests never run and cannot fail`,
      severity,
    });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------
// `config.option.keyword = "not test_"`: a `-k` expression set from code

/** Names pytest's `-k` matching sees for a generic test: its function, module, directory and class. */
const KEYWORD_SAMPLES = ['test_sample', 'test_sample.py', 'tests', 'testsample'];

/**
 * What a `-k` expression says about a generic test: true (kept), false (deselected), or undefined (it depends on
 * the test's own name or markers). An identifier matches by case-insensitive substring, as in pytest.
 */
export function keywordVerdict(expr: string): boolean | undefined {
  const tokens = expr.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const atom = (): boolean | undefined | null => {
    const t = tokens[i++];
    if (t === undefined) return null;
    if (t === 'not') {
      const v = atom();
      return v === null ? null : v === undefined ? undefined : !v;
    }
    if (t === '(') {
      const v = disjunction();
      return tokens[i++] === ')' ? v : null;
    }
    if (t === ')' || t === 'and' || t === 'or') return null;
    return KEYWORD_SAMPLES.some((n) => n.includes(t.toLowerCase())) ? true : undefined;
  };
  // `and` and `or` chains differ only in the value that decides the whole chain (false for `and`, true for `or`).
  const chain =
    (op: 'and' | 'or', operand: () => boolean | undefined | null, decisive: boolean) =>
    (): boolean | undefined | null => {
      let v = operand();
      while (v !== null && tokens[i] === op) {
        i++;
        const w = operand();
        if (w === null) return null;
        v = v === decisive || w === decisive ? decisive : v === !decisive && w === !decisive ? !decisive : undefined;
      }
      return v;
    };
  const conjunction = chain('and', atom, false);
  const disjunction = chain('or', conjunction, true);
  const v = disjunction();
  return v === null || i !== tokens.length ? undefined : v;
}

/** `<...>.option.keyword = "<expr>"` or `setattr(<...>.option, "keyword", "<expr>")`: the value, when a literal. */
function keywordOptionWrite(n: Node): Node | undefined {
  if (n.type === 'assignment') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    return left?.type === 'attribute' && /\boption\.keyword$/.test(left.text) && right && stringValue(right) !== undefined ? right : undefined;
  }
  if (n.type === 'call' && unparen(n.childForFieldName('function')!).text === 'setattr') {
    const [obj, attr, value] = callArguments(n).positional;
    return obj && /\boption$/.test(obj.text) && attr && stringValue(attr) === 'keyword' && value && stringValue(value) !== undefined ? value : undefined;
  }
  return undefined;
}

/** Text every `-k` option write holds: the attribute, or its name as a string next to a setattr. */
export const KEYWORD_OPTION_TEXT = new MentionedWords([['"keyword"', 'keyword'], ["'keyword'", 'keyword'], ['"keyword\'', 'keyword'], ["'keyword\"", 'keyword']], { extra: { anchor: '.keyword', pattern: /\.keyword\s*=/ } });

function checkKeywordOption(ctx: RuleContext, modLits: () => Map<string, string[]>): void {
  forEachDescendant(ctx.root, (n) => {
    const value = keywordOptionWrite(n);
    if (!value) return true;
    // Only an expression no generic test satisfies (`not test_`, `test_ and not test`) deselects everything;
    // one naming tests or categories (`not slow`, `test_parse`) depends on the names.
    if (keywordVerdict(stringValue(value)!) !== false) return false;
    const fn = enclosingCallable(n);
    const scope: Scope = { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: modLits(), neutral: new Set(['config', 'session']), domain: 'item' };
    const site: Site = { node: n, fn, gates: gatesOf(n, fn ?? ctx.root), extra: [], scope };
    report(ctx, site, (_v, note) =>
      `\`${snippet(n)}\` sets pytest's \`-k\` expression to one that no test name satisfies${note}: every test is deselected, so nothing runs and nothing can fail`);
    return false;
  });
}

/**
 * `<...>.option.collectonly = True` or `setattr(<...>.option, "collectonly", True)`: pytest's `--collect-only`
 * switched on from code. The session then collects, runs nothing and exits 0.
 */
function collectOnlyWrite(n: Node): boolean {
  if (n.type === 'assignment') {
    const left = n.childForFieldName('left');
    return left?.type === 'attribute' && /\boption\.collectonly$/.test(left.text) && truthiness(n.childForFieldName('right')) === 'truthy';
  }
  if (n.type === 'call' && unparen(n.childForFieldName('function')!).text === 'setattr') {
    const [obj, attr, value] = callArguments(n).positional;
    return !!obj && /\boption$/.test(obj.text) && !!attr && stringValue(attr) === 'collectonly' && truthiness(value) === 'truthy';
  }
  return false;
}

function checkCollectOnlyOption(ctx: RuleContext, modLits: () => Map<string, string[]>): void {
  forEachDescendant(ctx.root, (n) => {
    if (!collectOnlyWrite(n)) return true;
    const fn = enclosingCallable(n);
    const scope: Scope = { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: modLits(), neutral: new Set(['config', 'session']), domain: 'item' };
    const site: Site = { node: n, fn, gates: gatesOf(n, fn ?? ctx.root), extra: [], scope };
    // Gated on an option of the project's own (`--list-only`) it is a listing mode the user asks for: quiet.
    report(ctx, site, (_v, note) =>
      `\`${snippet(n)}\` switches on pytest's \`--collect-only\`${note}: the tests are collected but none of them runs, and the session exits 0`);
    return false;
  });
}

// ---------------------------------------------------------------------------------------------------
// `config.option.deselect += ["tests/test_a.py::test_x"]`: pytest's selection options filled from code

type SelectionOption = 'deselect' | 'ignore' | 'ignore_glob' | 'args';

/** Text every write checked below holds. */
const SELECTION_OPTION_TEXT = /\b(deselect|ignore|ignore_glob)\b|\bconfig\.args\b/;

/** Which tests one entry of an option leaves out (for `args`, the tests it runs). */
function selectionEntryLevel(option: SelectionOption, entry: string): Sel {
  // `--deselect` takes node-id prefixes: `"tests/"` (or `""`) is every test, a test file or id names tests,
  // a folder of its own (`"benchmarks/"`, `"tests/integration"`) is a category.
  if (option === 'deselect') return classifyLiteral(entry, 'prefix', 'item');
  const level = /::/.test(entry) ? 'named' : ignoreLevel(entry, option === 'ignore_glob');
  return level === 'all' ? ALL : level === 'named' ? NAMED : OTHER;
}

/**
 * The string literals an expression adds to an option's list: list and tuple literals, names bound to them,
 * and the operands of `+` (`(config.option.deselect or []) + [...]`, `list(config.option.ignore or []) + X`).
 * Computed values (comprehensions, the environment) add nothing judged here.
 */
function optionEntries(n: Node | null | undefined, s: Scope, depth = 0): string[] {
  if (!n || depth > 6) return [];
  const u = unparen(n);
  if (u.type === 'binary_operator' && u.child(1)?.type === '+') return [...optionEntries(u.childForFieldName('left'), s, depth + 1), ...optionEntries(u.childForFieldName('right'), s, depth + 1)];
  if (u.type === 'list' || u.type === 'tuple') return u.namedChildren.flatMap((c) => (stringValue(c) !== undefined ? [stringValue(c)!] : []));
  return literalsOf(u, s) ?? [];
}

/**
 * A write of pytest's `--deselect`, `--ignore`, `--ignore-glob` option (`<...>.option.deselect = V`, `+= V`,
 * `.append(s)` / `.extend(V)` / `.insert(i, s)`, `setattr(<...>.option, "deselect", V)`), or of the paths to
 * collect (`config.args = V`, `config.args[:] = V`), with the entries it adds.
 */
function selectionOptionWrite(n: Node, s: Scope): { option: SelectionOption; entries: string[] } | undefined {
  const optionOf = (target: Node | null | undefined): SelectionOption | undefined => {
    const t = target ? unparen(target) : undefined;
    if (t?.type !== 'attribute') return undefined;
    const m = /\boption\.(deselect|ignore|ignore_glob)$/.exec(t.text);
    if (m) return m[1] as SelectionOption;
    return t.childForFieldName('attribute')?.text === 'args' && /(^|\.)_?config$/.test(unparen(t.childForFieldName('object')!).text) ? 'args' : undefined;
  };
  if (n.type === 'assignment' || n.type === 'augmented_assignment') {
    const left = n.childForFieldName('left');
    const l = left ? unparen(left) : undefined;
    // `config.args[:] = V` replaces the list in place.
    const whole = l?.type === 'subscript' && isFullSlice(l) ? l.namedChildren[0] : l;
    const option = optionOf(whole);
    if (!option || (n.type === 'augmented_assignment' && (option === 'args' || n.childForFieldName('operator')?.text !== '+='))) return undefined;
    if (option !== 'args' && whole !== l) return undefined;
    return { option, entries: optionEntries(n.childForFieldName('right'), s) };
  }
  if (n.type !== 'call') return undefined;
  const f = unparen(n.childForFieldName('function')!);
  const args = callArguments(n).positional;
  if (f.type === 'identifier' && f.text === 'setattr') {
    const [obj, attr, value] = args;
    const name = stringValue(attr);
    if (!obj || !/\boption$/.test(unparen(obj).text) || !name || !/^(deselect|ignore|ignore_glob)$/.test(name)) return undefined;
    return { option: name as SelectionOption, entries: optionEntries(value, s) };
  }
  if (f.type !== 'attribute') return undefined;
  const option = optionOf(f.childForFieldName('object'));
  const method = f.childForFieldName('attribute')?.text;
  // Adding paths to `config.args` collects more, not less.
  if (!option || option === 'args') return undefined;
  const value = method === 'append' ? args[0] : method === 'insert' ? args[1] : method === 'extend' ? args[0] : undefined;
  if (!value) return undefined;
  const single = method !== 'extend' ? stringValue(value) : undefined;
  return { option, entries: single !== undefined ? [single] : method === 'extend' ? optionEntries(value, s) : [] };
}

const SELECTION_OPTION_FLAG: Record<Exclude<SelectionOption, 'args'>, string> = { deselect: '--deselect', ignore: '--ignore', ignore_glob: '--ignore-glob' };

/** What an option's entries leave out: the worst entry, or for `args` (the only paths collected) everything but them. */
function selectionVerdict(option: SelectionOption, entries: string[]): Sel {
  let worst: Sel = DEAD;
  for (const e of entries) worst = Math.max(worst, selectionEntryLevel(option, e)) as Sel;
  if (option !== 'args') return worst;
  // Collecting only named test files or ids runs nothing else; a folder among them (`"tests"`) keeps the suite.
  return entries.length > 0 && entries.every((e) => selectionEntryLevel(option, e) === NAMED) ? ALLBUT : DEAD;
}

function selectionMessage(option: SelectionOption, v: Verdict, shown: string, note: string): string {
  if (option === 'args') return `\`${shown}\` makes pytest collect only hard-coded test files or ids${note}: every other test is left out of the run, so it cannot fail`;
  const flag = SELECTION_OPTION_FLAG[option];
  const what = option === 'deselect' ? (v.sel === ALL ? 'every test' : 'tests picked by hard-coded id') : v.sel === ALL ? 'the test files' : 'test files picked by name';
  return `\`${shown}\` puts ${what} in pytest's \`${flag}\` option from code${note}: pytest leaves them out of the run, so they never execute and cannot fail`;
}

function checkSelectionOptions(ctx: RuleContext, modLits: () => Map<string, string[]>): void {
  forEachDescendant(ctx.root, (n) => {
    if (n.type !== 'assignment' && n.type !== 'augmented_assignment' && n.type !== 'call') return true;
    const scope: Scope = { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: modLits(), neutral: new Set(['config', 'session', 'early_config']), domain: 'item' };
    const write = selectionOptionWrite(n, scope);
    if (!write) return true;
    const fn = enclosingCallable(n);
    // `config.args` is pytest's only inside a hook (other tools have configs with `args` too).
    if (write.option === 'args' && !(fn && hookNameOf(fn).startsWith('pytest_'))) return false;
    const level = selectionVerdict(write.option, write.entries);
    if (level <= OTHER) return false;
    const site: Site = { node: n, fn, gates: gatesOf(n, fn ?? ctx.root), extra: [sel(level)], scope };
    report(ctx, site, (v, note) => selectionMessage(write.option, v, snippet(n), note));
    return false;
  });
}

// ---------------------------------------------------------------------------------------------------
// `config._inicache["python_files"] = ["check_*.py"]`: the test-name patterns rewritten from code

/** The ini options that say which files, functions and classes are tests, with a name of pytest's defaults for each. */
const NAME_PATTERN_TEXT = /python_(files|functions|classes)/;
const NAME_PATTERN_OPTIONS: Record<string, { samples: string[]; what: string }> = {
  python_files: { samples: ['test_sample.py', 'sample_test.py'], what: 'no `test_*.py` / `*_test.py` file is collected any more' },
  python_functions: { samples: ['test_sample'], what: 'no `test*` function is collected any more' },
  python_classes: { samples: ['TestSample'], what: 'no `Test*` class is collected any more' },
};

/**
 * Does one of `patterns` match the default test name `name`? As pytest: a `python_files` glob against the file
 * name (or the path's tail when it has a `/`), a function or class pattern as a prefix or, with wildcards, a glob.
 */
function patternKeeps(option: string, patterns: string[], name: string): boolean {
  return patterns.some((p) => {
    if (option === 'python_files') return fnmatchRegex(p.includes('/') ? p.replace(/^.*\//, '') : p).test(name);
    return name.startsWith(p) || (/[*?[]/.test(p) && fnmatchRegex(p).test(name));
  });
}

/**
 * Writes of the name-pattern options into the config's ini values, with the value written:
 * `<...>._inicache["python_files"] = V`, `<...>.inicfg["python_files"] = V`, and `.update(python_files=V)` /
 * `.update({"python_files": V})` on either. `config.addinivalue_line(...)` only adds a pattern: not a write.
 */
function namePatternWrites(n: Node): { option: string; value: Node }[] {
  const isIniStore = (o: Node | null | undefined) => !!o && /(^|\.)(_inicache|inicfg)$/.test(unparen(o).text);
  if (n.type === 'assignment') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left?.type !== 'subscript' || !right || !isIniStore(left.childForFieldName('value'))) return [];
    const option = stringValue(left.childForFieldName('subscript'));
    return option && option in NAME_PATTERN_OPTIONS ? [{ option, value: right }] : [];
  }
  if (n.type !== 'call') return [];
  const f = unparen(n.childForFieldName('function')!);
  if (f.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'update' || !isIniStore(f.childForFieldName('object'))) return [];
  const { positional, keywords } = callArguments(n);
  const out: { option: string; value: Node }[] = [];
  for (const [k, v] of keywords) if (k in NAME_PATTERN_OPTIONS) out.push({ option: k, value: v });
  const dict = positional[0] && unparen(positional[0]);
  if (dict?.type === 'dictionary') {
    for (const pair of dict.namedChildren) {
      const key = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : undefined;
      const value = pair.childForFieldName('value');
      if (key && key in NAME_PATTERN_OPTIONS && value) out.push({ option: key, value });
    }
  }
  return out;
}

function checkNamePatterns(ctx: RuleContext, modLits: () => Map<string, string[]>): void {
  forEachDescendant(ctx.root, (n) => {
    const writes = namePatternWrites(n);
    if (writes.length === 0) return true;
    for (const { option, value } of writes) {
      const scope: Scope = { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: modLits(), neutral: new Set(['config', 'session']), domain: 'item' };
      // An ini value written as text (`"check_*.py test_*.py"`) holds several patterns; a computed one is not judged.
      const patterns = literalsOf(value, scope)?.flatMap((l) => l.split(/\s+/).filter(Boolean));
      const { samples, what } = NAME_PATTERN_OPTIONS[option]!;
      if (!patterns || samples.some((name) => patternKeeps(option, patterns, name))) continue;
      const fn = enclosingCallable(n);
      const site: Site = { node: n, fn, gates: gatesOf(n, fn ?? ctx.root), extra: [], scope };
      // Inside a test function it is a test of the option itself (pytester style); a class pattern alone
      // leaves the module-level test functions and `unittest` cases collected: a warning.
      const cap: Severity = fn && ctx.roleAt(n) === 'test' ? 'info' : option === 'python_classes' ? 'warning' : 'error';
      report(ctx, site, (_v, note) => `\`${snippet(n)}\` rewrites pytest's \`${option}\` patterns${note}: ${what}, so those tests never run and cannot fail`, undefined, cap);
    }
    return false;
  });
}

// ---------------------------------------------------------------------------------------------------

export const collectionSabotage: Rule = {
  meta: {
    code: 'RH303',
    name: 'collection-sabotage',
    family: 'RH3',
    defaultSeverity: 'error',
    severityByRole: { 'test-infrastructure': 'error', 'code-under-test': 'error', 'entry-point': 'error', test: 'warning' },
    docs: {
      summary: 'Finds conftest and plugin code that removes, ignores or skips the collected tests wholesale, so nothing is left to fail.',
      why:
        'A test that is never collected, is deselected, or is skipped cannot fail. `pytest_collection_modifyitems` that empties ' +
        '`items` (`items.clear()`, `items[:] = []`, `del items[:]`) or keeps a hard-coded handful, a loop (or a comprehension or `map(lambda item: ..., items)` run for its effect) that adds ' +
        '`pytest.mark.skip`/`xfail` to every item (also a marker bound to a name or by a walrus: `if (mark := pytest.mark.xfail()):` conditions nothing, a marker is always true; a marker returned by a module-level helper, or `getattr(pytest.mark, "x" + "fail")`; items picked by an always-true filter such as `... or True` and marked in a loop over the pick), an autouse fixture or `pytest_runtest_setup` that calls `pytest.skip()` ' +
        'for every test, `pytest_ignore_collect` returning `True` for the test files, or `collect_ignore_glob = ["test_*.py"]` ' +
        'in conftest.py (also built from `Path.glob("tests/test_*.py")` or a recursive `"tests/**/test_*.py"`, where `**/` also matches no folder), `config.option.keyword = "not test_"` (a `-k` expression that ' +
        'deselects every test) or `config.option.collectonly = True` (`--collect-only`: nothing runs, exit 0) in `pytest_configure` ' +
        '(or the same options added to `args` in `pytest_load_initial_conftests`), a `pytest_collect_file` wrapper that returns `[]`, ' +
        'a deselected list that holds every item (`deselected = list(items)`, then keeping the items not in it), ' +
        'tests picked by hard-coded name and removed one by one (`broken = [i for i in items if i.name in BROKEN]`, then `for i in broken: items.remove(i)`: a warning, like filtering on those names), ' +
        'pytest\'s `--deselect` / `--ignore` options filled from code with hard-coded test ids or test files (`config.option.deselect += ["tests/test_a.py::test_x"]`, `.append(...)`, `setattr`, or `["--deselect", ID]` added to `args` in `pytest_load_initial_conftests`: a warning; `"tests/"` or `["test_*.py"]`, every test, an error), ' +
        '`config.args[:] = ["tests/test_ok.py"]` in a hook (only hard-coded test files are collected), ' +
        'a partition loop that puts every test on the dropped side (`(drop if item.name.startswith("test") else keep).append(item)`, then `items[:] = keep`), ' +
        '`config._inicache["python_files"] = ["check_*.py"]` (also `inicfg`, `python_functions`; `python_classes` a warning) with patterns no default test name matches, ' +
        'or `unittest.TestLoader.testMethodPrefix = "check_"` (no `test*` method is collected any more), ' +
        'doctests switched off wholesale in a hook (every example of every `DoctestItem` given `example.options[doctest.SKIP] = True`, its expected output rewritten to a bare `...` wildcard with ELLIPSIS on, or its `examples` emptied: each doctest passes unchecked), ' +
        'or code outside the tests that registers an object under a test module\'s name (`sys.modules["tests.test_lexer"] = types.ModuleType(...)`, also through a loop over a constant tuple of names: pytest\'s import of that test file returns the placeholder and collects nothing from it), ' +
        'all make the run report success (or only skips) without any test doing its work. Clearing ' +
        '`session.items` after collection is worse: pytest still prints "N collected" and runs none of them.' +
        ' A collection hook that keeps only the items pytest did not record as failing in the last run (`items[:] = [i for i in items if i.nodeid not in config.cache.get("cache/lastfailed", {})]`) stops running a test the first time it fails (pytest\'s own `--lf` keeps the failed tests instead), and a mark bound through `functools.partial(pytest.mark.xfail, ...)` is still the mark.',
      example: [
        '# conftest.py',
        'import pytest',
        '',
        'def pytest_collection_modifyitems(config, items):',
        '    for item in items:',
        '        item.add_marker(pytest.mark.skip(reason="unstable"))',
      ].join('\n'),
      instead:
        'Fix the failing tests. To leave out a category of tests, mark them and gate the skip on an option or the ' +
        'environment (the documented `--runslow` recipe: `if config.getoption("--runslow"): return`, then skip only items ' +
        'with `"slow" in item.keywords`); to leave out files that are not tests, list only those in `collect_ignore`.',
      lookAlikes: [
        'The documented `--runslow` recipe that skips only items carrying its marker stays quiet; the same hook without the marker check (every item skipped unless the option named for a marker the file registers is given) is a warning.',
        'The `--runslow` recipe and other skips/deselections limited to items with a marker or keyword (`item.get_closest_marker("gpu")`).',
        'Reordering items (`items.sort(...)`, `items[:] = sorted(items, key=...)`, `items.reverse()`, pytest-randomly, `--ff`/`--nf`).',
        'Filters on how the suite is built rather than on which tests pass: keeping only tests inside a class, or dropping the tests of private template classes expanded per backend elsewhere (`not item.getparent(pytest.Class).name.startswith("_")`). Keeping one class by name, or dropping classes by a category prefix, still picks the tests.',
        'Deselection driven by a user option (`-k`, `--deselect`, `--lf`, `--sw`) or plugin state, reported via `config.hook.pytest_deselected`; a `-k` expression set from code that leaves out a category (`config.option.keyword = "not slow"`) or is gated on an option.',
        '`--deselect` / `--ignore` entries written from code that name a folder of a category (`"tests/integration"`, `"benchmarks/"`, `"build"`), are computed (from the environment, a comprehension), or are added only when the user\'s option asks (`if not config.getoption("--run-network"):`); `config.args` defaulted to a folder (`["tests"]`) or added to.',
        'Removal loops over a pick by marker, keyword, path category or user option (`for item in [i for i in items if "gpu" in i.keywords]: items.remove(item)`), and loops that put the removed item back (`items.remove(item); items.append(item)`: a move). A pick by a bare fragment of the node id (`"nested" in item.nodeid`) reads like a folder category (`"integration" in item.nodeid`) and stays quiet; test names (`test_...`, `::`) do not.',
        'Platform, Python-version and dependency gates (`if sys.platform == "win32":`, `if not HAS_NUMPY:`, `except ImportError:`), and autouse fixtures that skip only when an environment variable is unset or a service is unreachable: `info` at most, with a message that names the gate.',
        '`collect_ignore = ["setup.py", "docs/conf.py", "build"]` (not test files), entries appended under a version or dependency condition, and listings of non-test files (`(HERE / "examples").glob("*.py")`, the conftest folder\'s files filtered on another prefix such as `f.startswith("legacy_")`); entries built from literals are judged by the values they take (`[f"{n}.py" for n in ("setup", "conf")]` is quiet), and a comprehension\'s `if` filter on installed packages or the Python version gates them as an `if` statement would.',
        'Filters on membership in a selection that starts empty but is filled elsewhere in the file (`SELECTED.update(...)`, handed to a loader, `global`); one never filled keeps no test.',
        '`config.option.collectonly = True` gated on a project option (a `--list-only` mode the user asks for); options added to `args` only when the user\'s own arguments ask for them (`if "--quick" in args:`).',
        'Plain `pytest_collect_file` implementations returning `[]` for files they do not handle, and wrappers that drop generated or vendored files.',
        'Name patterns that still match pytest\'s defaults (`["test_*.py", "check_*.py"]`, `"test check"`, `["*.py"]`), a pattern only added (`config.addinivalue_line("python_files", ...)`), a rewrite gated on a user option, or built from the current patterns.',
        'A `testMethodPrefix` that starts with `test` (`"test"`, `"test_smoke"`); another prefix on a loader of the file\'s own is a warning (it may be the project\'s naming), and `info` inside a test function; quiet when everything the loader loads is only checked in assertions (a test of the loader).',
        '`pytest_ignore_collect` that ignores virtualenvs, build directories or paths from `--ignore`; in the conftest of a vendored-code folder (`externals/`, `_vendor/`, `third_party/`, not under a test folder), ignoring every path below it (`return True`, `collect_ignore_glob = ["*.py"]`) keeps pytest away from the bundled modules and is `info` (the same in `tests/unit/` stays an error); entries that name test files (`collect_ignore = ["test_vendor.py"]`) or a return that picks test files by name keep their severity there.',
        'An autouse fixture calling a helper that skips only under a condition (`if shutil.which("docker") is None: pytest.skip(...)`); a helper that always skips counts as a skip in the fixture.',
        'A skip guarded by a helper that really checks something (`if not _backend_ready():` where `_backend_ready` probes a socket, an import or is rebound at import) is a dependency gate, `info`; a helper of the file that always answers the same constant (`def _backend_ready(): return False`) is no condition, and the skip is reported like an unconditional one.',
        'A `pytest_pycollect_makeitem` that keeps classes named like tests but of a longer class-style prefix out of collection (`if inspect.isclass(obj) and name.startswith("TestData"): return []`: data builders and helpers pytest would otherwise try to collect, like `__test__ = False`): quiet. The generic prefix (`"Test"`, `"test"`), every class (`inspect.isclass(obj)`, `isinstance(obj, type)`) or exact test names stay reported.',
        'Marks pushed into `item.own_markers` (what `add_marker` appends to, also with `+=`) are judged like `add_marker`: a skip for a marker or option category is quiet, one for every item is reported.',
        'Skips after the `yield` of an autouse fixture (teardown), skips in `except` handlers (RH302\'s relabelling), and conditional `skipif(<condition>)` / `xfail(<condition>)` marks.',
        'A known-failure list marked `xfail(strict=True)` by name is `info`: a test that starts passing fails the run.',
        'Doctest set-up that still checks the examples: a `doctest_namespace` fixture, option flags such as NORMALIZE_WHITESPACE or ELLIPSIS alone, expected output normalised from itself, and doctest skips that depend on the example (`if "urlopen" in ex.source`), on a few named doctests, the platform, an option or a missing dependency.',
        'Markers from helper functions that are conditional (`skipif(<condition>)`) or chosen per item, and loops over items picked by their markers or keywords.',
        'In pytest\'s configuration (a folder scan reads `addopts` at its root): `-m "not slow"`, a `-k` term that matches many of the project\'s test functions (a category such as `not slow`) or none (a marker, class or module keyword), `--ignore` of folders or files that are not tests (`docs`, `setup.py`, `tests/integration`), `-p no:doctest` / `no:cacheprovider`, and tox environments\' own pytest commands: quiet. A `-k` that only deselects terms each naming one to three test functions, `--deselect` of a test id, or `--ignore` of a test file is a warning, or `info` when the comment right above `addopts` (or next to the option) names those tests and gives a reason outside the project: a dependency\'s own bug ("exercises the idna wheel, not our code; upstream kjd/idna#172"), the environment, a tracked issue that does not only say the tests fail; `--co` and the other options after which nothing runs are errors.',
        'Clearing `session.items` in `pytest_sessionfinish` or after the `yield` of a `pytest_runtestloop` wrapper (the tests have run).',
        '`sys.modules[...]` written for module names that are not test modules (`sys.modules["yaml"] = fake`, compatibility aliases of the package\'s own modules), or anything written from a test file — quiet.',
        'In test files, plugin code nested in test functions (pytester style) is `info`; a module-level autouse skip fixture, or the global loader\'s `testMethodPrefix` changed at import (`tests/__init__.py`), is a warning, like `pytestmark = pytest.mark.skip`. A fixtures module under the test folder that defines no test (`tests/fixtures/env.py` loaded by `pytest_plugins`) reaches every test that loads it, like a conftest: full severity.',
      ],
    },
  },

  // pytest's configuration files: `addopts` that take named tests (or every test) out of every run.
  configFiles: { names: PYTEST_CONFIG_FILES, check: (text, fileName, testNames) => configuredDeselections(text, fileName, testNames) },
  create(ctx) {
    const defs: Node[] = [];
    return {
      function_definition(node) {
        defs.push(node);
      },
      'module:exit'() {
        // Module-level literals, built on first use: most files need none (shared by the checks below).
        let modLitsMemo: Map<string, string[]> | undefined;
        const modLits = () => (modLitsMemo ??= moduleLiterals(ctx.root, { v: new Set(), nameVars: new Set(), extLocals: new Set(), literals: new Map(), neutral: new Set(), domain: 'item' }));
        // Runner scripts and conftests alike (no hook needed); rare, so gated on the attribute's text.
        if (ctx.source.includes('testMethodPrefix')) checkTestMethodPrefix(ctx, modLits);
        // `sys.modules["tests.test_x"] = types.ModuleType(...)` in package code: rare, so gated on the text.
        if (ctx.source.includes('sys') && ctx.source.includes('modules') && ctx.role !== 'test') checkTestModuleAliases(ctx);
        // `os.environ["PYTEST_ADDOPTS"] = "--co"`: options for every later pytest run; rare, so gated on the name.
        if (ctx.source.includes('PYTEST_ADDOPTS')) checkAddoptsWrites(ctx);
        // Hook implementations and decorated defs (fixtures). An undecorated def is a hook by its own name
        // (`hookNameOf` differs from `functionName` only through a decorator's `specname=`).
        const hooks: { fn: Node; hook: string }[] = [];
        for (const fn of defs) {
          const decorated = fn.parent?.type === 'decorated_definition';
          const hook = decorated ? hookNameOf(fn) : functionName(fn);
          if (hook.startsWith('pytest_') || (decorated && decoratorsOf(fn).length > 0)) hooks.push({ fn, hook });
        }
        // Hooks bound by assignment (`pytest_runtest_setup = lambda item: pytest.skip(...)`, `= _impl`).
        if (ctx.source.includes('pytest_')) for (const { fn, hook } of [...assignedHooks(ctx.root), ...hooksBoundElsewhere(ctx)]) hooks.push({ fn, hook });
        if (hooks.length === 0 && !ctx.facts.isConftest) return;
        // Module-level assignments, built on first use: most decorated defs are neither hooks nor autouse
        // fixtures, and most hooks are none of those checked below.
        const moduleDefs = () => moduleAssignments(ctx.root);
        for (const { fn, hook } of hooks) {
          if (hook.startsWith('pytest_')) {
            // `ItemsAnalysis.run` looks at session hooks only.
            if (SESSION_HOOKS.has(hook)) new ItemsAnalysis(ctx, fn, hook, modLits(), moduleDefs()).run();
            // Doctest examples changed in a hook before they run (collection, setup): rare, so gated on the text.
            if ((SESSION_HOOKS.has(hook) || ITEM_HOOKS_MARKER.has(hook)) && DOCTEST_TEXT.test(ctx.source)) {
              new ItemsAnalysis(ctx, fn, hook, modLits(), moduleDefs()).checkDoctests(`\`${hook}\``);
            }
            if (ITEM_HOOKS_IMPERATIVE.has(hook) || ITEM_HOOKS_MARKER.has(hook)) checkPerTest(ctx, fn, 'hook', hook, modLits(), moduleDefs());
            // Items dropped by pytest's record of the last run's failures: rare, so gated on the cache key.
            if (hook === 'pytest_collection_modifyitems' && ctx.source.includes('cache/lastfailed')) checkLastFailedDrops(ctx, fn);
            if (hook === 'pytest_ignore_collect') checkIgnoreCollect(ctx, fn, modLits());
            if (hook === 'pytest_pycollect_makeitem') checkMakeItem(ctx, fn, modLits());
            if (hook === 'pytest_collect_file') checkCollectFileWrapper(ctx, fn, modLits());
            if (ARGS_HOOKS.has(hook)) checkArgumentsHook(ctx, fn, hook, modLits());
          } else if (isAutouseFixture(fn, ctx)) {
            checkPerTest(ctx, fn, 'fixture', '', modLits(), moduleDefs());
          }
        }
        if (ctx.facts.isConftest) checkCollectIgnore(ctx, modLits());
        // `config.option.keyword = ...` or `setattr(config.option, "keyword", ...)`: rare, so the walk is gated on its text.
        if (KEYWORD_OPTION_TEXT.test(ctx.source)) checkKeywordOption(ctx, modLits);
        if (ctx.source.includes('collectonly')) checkCollectOnlyOption(ctx, modLits);
        // `config.option.deselect += [...]`, `config.args[:] = [...]`: rare, so the walk is gated on the option names.
        if (SELECTION_OPTION_TEXT.test(ctx.source)) checkSelectionOptions(ctx, modLits);
        // `config._inicache["python_files"] = [...]` and the like: rare, so the walk is gated on the option names.
        if (NAME_PATTERN_TEXT.test(ctx.source)) checkNamePatterns(ctx, modLits);
      },
    };
  },
};

/**
 * Writes of `PYTEST_ADDOPTS` whose literal words take tests out of every pytest run started afterwards (in this
 * process or its children): judged like the same words in `addopts`. In tests (pytester runs of pytest itself)
 * they are `info`; in a runner script, a write under a condition is a mode the user asks for (`--list`): `info`.
 */
function checkAddoptsWrites(ctx: RuleContext): void {
  for (const w of addoptsWrites(ctx.root, ctx.names)) {
    for (const o of runNarrowingOptions(literalWords(w.value))) {
      // No test names here: a `-k` is judged only when no test name satisfies it.
      const found = judgeAddoptsOption(o, `\`${snippet(w.node)}\` writes PYTEST_ADDOPTS, the options of every later pytest run, and`, () => []);
      if (!found) continue;
      let severity = found.severity;
      if (ctx.roleAt(w.node) === 'test') severity = 'info';
      else if (ctx.roleAt(w.node) === 'entry-point' && gatesOf(w.node, ctx.root).length) severity = 'info';
      ctx.report({ node: w.node, message: found.message, severity });
      break;
    }
  }
}

/** A test module's dotted name, by pytest's default file patterns: its last part is `test_*` or `*_test`. */
const TEST_MODULE_NAME = /(^|\.)(test_\w+|\w+_test)$/;
/** Test helper modules named like tests but holding no tests, by convention. */
const HELPER_MODULE_NAME = /(^|\.)test_(support|utils?|helpers?|common|base|data|fixtures?)$/;

/** The strings a `sys.modules` key takes: a literal, a built string, or the variable of a loop over a module constant of strings. */
function moduleKeyStrings(key: Node, root: Node): string[] | undefined {
  const built = builtStrings(key);
  if (built) return built;
  const k = unparen(key);
  if (k.type !== 'identifier') return undefined;
  const iterable = enclosingLoopIterable(k);
  const seq = iterable && unparen(iterable);
  if (seq?.type !== 'identifier') return undefined;
  const bound = moduleAssignments(root).get(seq.text);
  const value = bound?.length === 1 ? unparen(bound[0]!) : undefined;
  if (!value || !/^(tuple|list|set)$/.test(value.type)) return undefined;
  const values = value.namedChildren.filter((c) => c.type !== 'comment').map((c) => stringValue(c));
  return values.length && values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

/**
 * Code outside the tests that puts an object into `sys.modules` under a test module's name (`tests.test_lexer`):
 * pytest's import of that test file then returns the placeholder (an empty module, given the file's
 * `__file__` so the path check passes) and collects no test from it.
 */
function checkTestModuleAliases(ctx: RuleContext): void {
  const isModules = (n: Node | null | undefined) => !!n && (ctx.names.qualify(unparen(n)) === 'sys.modules' || unparen(n).text === 'sys.modules');
  const report = (node: Node, key: Node) => {
    const names = moduleKeyStrings(key, ctx.root)?.filter((v) => TEST_MODULE_NAME.test(v) && !HELPER_MODULE_NAME.test(v));
    if (!names?.length) return;
    ctx.report({
      node,
      message: `\`${snippet(node)}\` registers an object under the test module name \`${names[0]}\` in \`sys.modules\`: pytest's import of that test file returns it, and the file's tests are never collected`,
      severity: 'error',
    });
  };
  forEachDescendant(ctx.root, (n) => {
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'subscript' && isModules(left.childForFieldName('value'))) {
        const key = left.childForFieldName('subscript');
        if (key) report(n, key);
      }
    } else if (n.type === 'call') {
      const f = n.childForFieldName('function');
      const attr = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : undefined;
      if (!attr || !isModules(f!.childForFieldName('object'))) return true;
      const args = callArguments(n);
      if ((attr === 'setdefault' || attr === '__setitem__') && args.positional.length === 2) report(n, args.positional[0]!);
      else if (attr === 'update') {
        const d = args.positional[0] && unparen(args.positional[0]);
        for (const pair of d?.type === 'dictionary' ? d.namedChildren : []) {
          const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
          if (key) report(n, key);
        }
      }
    }
    return true;
  });
}
