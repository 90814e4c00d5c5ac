/**
 * Shared analysis for RH203 (neutralised-comparison): which library helpers decide a test's outcome
 * (assertion helpers, comparison functions, comparison-relevant builtins), every way a file can rebind
 * one of them, and what the replacement does.
 *
 * - `classifyHelper`: a qualified name (or a `mock.patch`/`monkeypatch.setattr` dotted string) → the
 *   helper it names, with its kind (`assertion`, `comparison`, `builtin`).
 * - `RebindingFinder.at(node)`: the rebindings an `assignment`, a misparsed `type(x).attr = v`
 *   (`type_alias_statement`), a `call` (`setattr`, `monkeypatch.setattr`, `swap_attr`, `mock.patch`,
 *   `mock.patch.object`, `mock.patch.multiple`) or a `function_definition` (a no-op override in a
 *   `TestCase` subclass, a library helper imported then redefined) makes. Assignments and calls are
 *   recognised by the engine (`engine/rebinding.ts`); this file decides which targets are helpers.
 * - `judgeReplacement`: whether the replacement provably checks nothing (a function that cannot fail, a
 *   constant answer, a mock), restores the original, or is something we cannot judge.
 *
 * A general helper that could move into the engine: `passiveCall` (calls that cannot make a check fail).
 */
import {
  baseExpressions,
  callArguments,
  dottedName,
  enclosingClass,
  enclosingFunctionScope,
  forEachDescendant,
  forEachInScope,
  parameterNames,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { assignmentRebindings, callRebindings, type RebindForm as SyntacticForm, type Rebinding as SyntacticRebinding } from '../../engine/rebinding';
import { analyseEquality, builtStrings, constantAnswer, returnedFunctions, type Truth } from './helpers';

// ---------------------------------------------------------------------------------------------------------
// Which helpers matter

export type HelperKind = 'assertion' | 'comparison' | 'builtin';

export interface Helper {
  /** Canonical qualified name, e.g. `unittest.TestCase.assertEqual`, `math.isclose`, `builtins.len`. */
  name: string;
  kind: HelperKind;
  /** The last segment (`assertEqual`, `isclose`, `len`). */
  short: string;
}

/**
 * Builtins whose answer decides common test assertions: type and interface checks, lengths, order- and
 * duplicate-insensitive comparisons, tolerances, aggregates. Not `open`, `print`, `input`, `_`, `help`,
 * `exit`, `__import__`, nor the constructors (`str`, `int`, `list`...) that old compatibility shims rebind.
 */
export const BUILTIN_HELPERS = new Set([
  'isinstance', 'issubclass', 'type', 'callable', 'hasattr', 'len', 'sorted', 'set', 'frozenset', 'all', 'any',
  'abs', 'round', 'min', 'max', 'sum', 'bool',
]);

/** The assertion methods unittest's `TestCase` defines (current names and deprecated aliases). */
export const STANDARD_TESTCASE_ASSERTIONS = new Set([
  'assertAlmostEqual', 'assertCountEqual', 'assertDictContainsSubset', 'assertDictEqual', 'assertEqual', 'assertFalse',
  'assertGreater', 'assertGreaterEqual', 'assertIn', 'assertIs', 'assertIsInstance', 'assertIsNone', 'assertIsNot',
  'assertIsNotNone', 'assertLess', 'assertLessEqual', 'assertListEqual', 'assertLogs', 'assertMultiLineEqual',
  'assertNoLogs', 'assertNotAlmostEqual', 'assertNotEqual', 'assertNotIn', 'assertNotIsInstance', 'assertNotRegex',
  'assertRaises', 'assertRaisesRegex', 'assertRegex', 'assertSequenceEqual', 'assertSetEqual', 'assertTrue',
  'assertTupleEqual', 'assertWarns', 'assertWarnsRegex', 'fail',
  'failUnlessEqual', 'assertEquals', 'failIfEqual', 'assertNotEquals', 'failUnlessAlmostEqual', 'assertAlmostEquals',
  'failIfAlmostEqual', 'assertNotAlmostEquals', 'failUnless', 'assert_', 'failUnlessRaises', 'failIf',
  'assertRaisesRegexp', 'assertRegexpMatches', 'assertNotRegexpMatches', 'assertItemsEqual',
  // The internals `assertEqual` delegates to.
  '_baseAssertEqual', '_getAssertEqualityFunc',
  // (Not `failureException`: a replacement other than a skip exception still fails the test, so only a
  // skip exception, judged neutral, is reported.)
]);

/** The assertions Django's test case classes add to unittest's (current names and deprecated spellings). */
const DJANGO_TESTCASE_ASSERTIONS = new Set([
  'assertRedirects', 'assertURLEqual', 'assertContains', 'assertNotContains', 'assertFormError', 'assertFormSetError',
  'assertFormsetError', 'assertTemplateUsed', 'assertTemplateNotUsed', 'assertRaisesMessage', 'assertWarnsMessage',
  'assertFieldOutput', 'assertHTMLEqual', 'assertHTMLNotEqual', 'assertInHTML', 'assertNotInHTML', 'assertJSONEqual',
  'assertJSONNotEqual', 'assertXMLEqual', 'assertXMLNotEqual', 'assertQuerySetEqual', 'assertQuerysetEqual',
  'assertNumQueries', 'assertMessages', '_assert_contains', '_assert_template_used',
]);

/**
 * Does the library's `TestCase` define this assertion, so that assigning it replaces a check the tests
 * already run? `TestCase.assertFrameEqual = ...` adds a method the library does not have (a plugin's new
 * assertion): nothing is replaced. Other helpers are always the library's own.
 */
export function replacesLibraryAssertion(h: Helper): boolean {
  if (h.name.startsWith('unittest.')) return STANDARD_TESTCASE_ASSERTIONS.has(h.short);
  if (h.name.startsWith('django.test.')) return STANDARD_TESTCASE_ASSERTIONS.has(h.short) || DJANGO_TESTCASE_ASSERTIONS.has(h.short);
  return true;
}

const TESTCASE_CLASS = /^(unittest\.(TestCase|IsolatedAsyncioTestCase|FunctionTestCase)|django\.test\.(SimpleTestCase|TransactionTestCase|TestCase|LiveServerTestCase))$/;
const TESTCASE_ATTR = /^(assert[A-Z_]\w*|fail|failIf\w*|failUnless\w*|_baseAssertEqual|_getAssertEqualityFunc|failureException)$/;

/**
 * Exceptions a test runner reports as a skip, not a failure: a `TestCase.failureException` set to one
 * turns every failed assertion into a skipped test.
 */
const SKIP_EXCEPTIONS = new Set(['unittest.SkipTest', 'unittest.case.SkipTest', '_pytest.outcomes.Skipped', 'pytest.skip.Exception', '_pytest.outcomes.skip.Exception']);
const MOCK_CLASS = /^(unittest\.mock|mock)\.(Mock|MagicMock|NonCallableMock|NonCallableMagicMock|AsyncMock|AsyncMockMixin|CallableMixin)$/;

/** Spellings that reach the same object: `unittest.case.TestCase` is `unittest.TestCase`. */
function normalise(q: string): string {
  return q
    .replace(/^__builtin__\./, 'builtins.')
    .replace(/^__builtins__\./, 'builtins.')
    .replace(/^unittest\.case\./, 'unittest.')
    .replace(/^django\.test\.testcases\./, 'django.test.')
    .replace(/^numpy\.testing\.(_private\.utils|utils|_private)\./, 'numpy.testing.')
    .replace(/^numpy\.core\.numeric\./, 'numpy.')
    .replace(/^(pandas\.util\.testing|pandas\._testing)\./, 'pandas.testing.')
    .replace(/^_pytest\.python_api\.(approx|raises)$/, 'pytest.$1')
    .replace(/^_pytest\.outcomes\.fail$/, 'pytest.fail')
    .replace(/^_pytest\.recwarn\.(warns|deprecated_call)$/, 'pytest.$1');
}

function lastSegment(q: string): string {
  return q.slice(q.lastIndexOf('.') + 1);
}

/** The helper a qualified name denotes, or undefined when it is not one RH203 cares about. */
export function classifyHelper(qualified: string): Helper | undefined {
  const q = normalise(qualified);
  const short = lastSegment(q);
  const owner = q.slice(0, Math.max(0, q.length - short.length - 1));
  const make = (kind: HelperKind): Helper => ({ name: q, kind, short });
  if (owner === 'builtins') return BUILTIN_HELPERS.has(short) ? make('builtin') : undefined;
  if (TESTCASE_CLASS.test(owner)) return TESTCASE_ATTR.test(short) ? make('assertion') : undefined;
  if (MOCK_CLASS.test(owner)) return /^assert_\w+$/.test(short) ? make('assertion') : undefined;
  if (owner === 'numpy.testing') return /^assert\w*$/.test(short) ? make('assertion') : undefined;
  if (owner === 'numpy' || owner === 'numpy.ma') return /^(allclose|isclose|array_equal|array_equiv)$/.test(short) ? make('comparison') : undefined;
  if (owner === 'math' || owner === 'cmath') return short === 'isclose' ? make('comparison') : undefined;
  if (owner === 'torch') return /^(allclose|isclose|equal)$/.test(short) ? make('comparison') : undefined;
  if (owner === 'torch.testing') return /^(assert_close|assert_allclose)$/.test(short) ? make('assertion') : undefined;
  if (owner === 'operator') {
    return /^(__)?(eq|ne|lt|le|gt|ge|is_|is_not|contains|truth|not_)(__)?$/.test(short) ? make('comparison') : undefined;
  }
  if (owner === 'pytest') {
    if (short === 'approx') return make('comparison');
    return /^(raises|warns|fail|deprecated_call)$/.test(short) ? make('assertion') : undefined;
  }
  if (owner === 'pandas.testing') return /^assert_\w+$/.test(short) ? make('assertion') : undefined;
  if (owner === 'doctest.OutputChecker') return short === 'check_output' ? make('comparison') : undefined;
  return undefined;
}

/**
 * Every last segment `classifyHelper` accepts, under any owner (a superset): lets callers pass over most
 * names before building and normalising a qualified name.
 */
const HELPER_SHORT =
  /^(assert\w*|fail\w*|_baseAssertEqual|_getAssertEqualityFunc|allclose|isclose|array_equal|array_equiv|equal|approx|raises|warns|deprecated_call|check_output|(__)?(eq|ne|lt|le|gt|ge|is_|is_not|contains|truth|not_)(__)?)$/;

export function couldNameHelper(short: string): boolean {
  return BUILTIN_HELPERS.has(short) || HELPER_SHORT.test(short);
}

/** Conventional import aliases, for dotted strings (`"pkg.np.allclose"` reaches numpy through `pkg`). */
const STRING_ALIASES: Record<string, string> = { np: 'numpy', npt: 'numpy.testing', pd: 'pandas', tm: 'pandas.testing' };
const KNOWN_ROOTS = new Set(['builtins', '__builtin__', 'unittest', 'django', 'mock', 'numpy', 'math', 'cmath', 'torch', 'operator', 'pytest', '_pytest', 'pandas', 'doctest']);

/**
 * The helper a dotted-string target names: `"math.isclose"`, or an attribute reached through another
 * module (`"solution.math.isclose"` is the `math` module's `isclose`). `"solution.isclose"` is the
 * solution's own binding (a collaborator), not the library function.
 */
export function classifyDottedString(target: string): Helper | undefined {
  if (!/^[A-Za-z_][\w.]*$/.test(target)) return undefined;
  const parts = target.split('.');
  for (let i = 0; i < parts.length - 1; i++) {
    const head = parts[i]!;
    // Own keys only: `constructor` or `toString` in a string is a name, not Object.prototype's member.
    const root = Object.hasOwn(STRING_ALIASES, head) ? STRING_ALIASES[head]! : head;
    if (!KNOWN_ROOTS.has(root.split('.')[0]!)) continue;
    const h = classifyHelper([root, ...parts.slice(i + 1)].join('.'));
    if (h) return h;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Local TestCase classes

const TESTCASE_BASE_TEXT = /(^|\.)\w*TestCase$/;

/** Names of the classes in a file that are `TestCase` subclasses (transitively), plus their local mixins. */
export function localTestCaseClasses(root: Node, names: NameResolver): Map<string, Node> {
  const classes = root.descendantsOfType('class_definition').filter((n): n is Node => !!n);
  const byName = new Map<string, Node[]>();
  for (const c of classes) {
    const name = c.childForFieldName('name')?.text;
    if (!name) continue;
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(c);
  }
  const result = new Map<string, Node>();
  // A unittest-style class whose base lives elsewhere under another name (`class TestParser(BaseTest)`):
  // named like a test class and calling `self.assert...` itself.
  const unittestStyle = (c: Node): boolean => {
    const name = c.childForFieldName('name')?.text ?? '';
    if (!/^Test|Tests?$/.test(name)) return false;
    const bases = baseExpressions(c);
    if (bases.length === 0 || bases.every((b) => b.text === 'object')) return false;
    return /\bself\.assert[A-Z]\w*\(/.test(c.childForFieldName('body')?.text ?? '');
  };
  const isTestCaseBase = (b: Node): boolean => {
    const u = unparen(b);
    if (u.type === 'identifier' && result.has(u.text)) return true;
    const q = names.qualify(u);
    if (q && (TESTCASE_CLASS.test(normalise(q)) || TESTCASE_BASE_TEXT.test(q))) return true;
    const d = dottedName(u);
    return !!d && TESTCASE_BASE_TEXT.test(d);
  };
  // Fixpoint over local inheritance (bounded: each round adds at least one class).
  for (let round = 0; round < 10; round++) {
    let changed = false;
    for (const c of classes) {
      const name = c.childForFieldName('name')?.text;
      if (!name || result.has(name)) continue;
      if (baseExpressions(c).some(isTestCaseBase) || (round === 0 && unittestStyle(c))) {
        result.set(name, c);
        changed = true;
      }
    }
    if (!changed) break;
  }
  // Local mixins listed next to a TestCase base: `class T(QuietAsserts, unittest.TestCase)`.
  for (const c of [...result.values()]) {
    for (const b of baseExpressions(c)) {
      const u = unparen(b);
      if (u.type !== 'identifier' || result.has(u.text)) continue;
      const defs = byName.get(u.text);
      if (defs?.length === 1) result.set(u.text, defs[0]!);
    }
  }
  // A name defined twice in the file is ambiguous only when one of the definitions is not a test case.
  for (const [name] of [...result]) if ((byName.get(name)?.length ?? 0) > 1 && !byName.get(name)!.every((c) => baseExpressions(c).some(isTestCaseBase))) result.delete(name);
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Rebindings

/**
 * - `global`: the library object itself changes for everyone (assignment, `setattr`, namespace write).
 * - `scoped`: a patch that is undone after the test or block (`monkeypatch`, `mock.patch`, `swap_attr`).
 * - `local-class`: a `TestCase` subclass or instance of this file replaces one of its assertions.
 * - `module-shadow`: a test module imports a library helper and then rebinds that name.
 */
export type RebindScope = 'global' | 'scoped' | 'local-class' | 'module-shadow';

export type RebindForm =
  | 'assignment'
  | 'namespace'
  | 'setattr'
  | 'monkeypatch'
  | 'swap_attr'
  | 'mock.patch'
  | 'mock.patch.object'
  | 'mock.patch.multiple'
  | 'override'
  | 'class-attribute'
  | 'instance-attribute'
  | 'redefinition';

/** The engine's call forms in this rule's terms: `monkeypatch.setitem` and `mock.patch.dict` are reported like their `setattr`/`patch` siblings. */
const CALL_FORMS: Partial<Record<SyntacticForm, RebindForm>> = {
  setattr: 'setattr',
  swap_attr: 'swap_attr',
  monkeypatch: 'monkeypatch',
  'monkeypatch.setitem': 'monkeypatch',
  'mock.patch': 'mock.patch',
  'mock.patch.dict': 'mock.patch',
  'mock.patch.object': 'mock.patch.object',
  'mock.patch.multiple': 'mock.patch.multiple',
};

/** What the helper is replaced with. */
export type Replacement =
  | { kind: 'expr'; node: Node }
  /** A mock object (`MagicMock()`, or `mock.patch` without `new`). */
  | { kind: 'mock'; node: Node; returnValue?: Node; sideEffect?: Node; wraps?: Node; newCallable?: Node }
  /** The replacement is computed elsewhere (a `def` override reports on itself). */
  | { kind: 'def'; node: Node }
  | { kind: 'missing' };

export interface Rebinding {
  helper: Helper;
  scope: RebindScope;
  form: RebindForm;
  replacement: Replacement;
  /** Where to report. */
  node: Node;
  /** How the code spells the target (`np.testing.assert_allclose`, `self.assertEqual`). */
  spelled: string;
  /** For local-class forms: the test-case class involved. */
  testClass?: string;
  /** The attribute name is computed (`setattr(TestCase, name, ...)`): `helper.short` is the expression. */
  dynamic?: boolean;
  /**
   * The attribute name is computed from literals (`for n in ("assertEqual", ...): setattr(TestCase, n, f)`):
   * `helper` is known, but like a `dynamic` one it is reported only when the replacement checks nothing
   * (loops that install real wrappers around each assertion are common in test plugins).
   */
  listed?: boolean;
  /** `helper.__defaults__ = (...)` / `__kwdefaults__`: the helper stays, its default arguments change. */
  defaults?: boolean;
}

/** What most nodes rebind: shared, so that the common answer allocates nothing. */
const NONE: readonly Rebinding[] = Object.freeze([]);

export class RebindingFinder {
  private testClasses?: Map<string, Node>;
  private importedHelpers?: Map<string, Helper>;
  private defsByName?: Map<string, Node[]>;

  /**
   * @param namesOf the file's name resolver, asked for only when an assignment or call passes the cheap
   *   tests (most files' assignments never need it, and building it walks the whole module).
   * @param moduleShadows look for library helpers imported and then rebound by name (only meaningful
   *   in test modules, where the rebinding changes what the module's own assertions call).
   */
  constructor(
    private readonly root: Node,
    private readonly namesOf: () => NameResolver,
    private readonly moduleShadows = true,
  ) {}

  private get names(): NameResolver {
    return this.namesOf();
  }

  /** Local `TestCase` subclasses by name. */
  testCaseClasses(): Map<string, Node> {
    return (this.testClasses ??= localTestCaseClasses(this.root, this.names));
  }

  private isTestCaseClassNode(cls: Node | null): cls is Node {
    if (!cls) return false;
    const name = cls.childForFieldName('name')?.text;
    return !!name && this.testCaseClasses().get(name)?.id === cls.id;
  }

  /** Top-level `def`s and nested ones by name (for resolving `x = noop`). */
  functionsNamed(name: string): Node[] {
    if (!this.defsByName) {
      const map = new Map<string, Node[]>();
      for (const n of this.root.descendantsOfType('function_definition')) {
        const nm = n?.childForFieldName('name')?.text;
        if (!n || !nm) continue;
        let list = map.get(nm);
        if (!list) map.set(nm, (list = []));
        list.push(n);
      }
      this.defsByName = map;
    }
    return this.defsByName.get(name) ?? [];
  }

  /** `from numpy.testing import assert_allclose as aac` → `aac` ↦ the helper. */
  private importedHelper(local: string): Helper | undefined {
    if (!this.importedHelpers) {
      const map = new Map<string, Helper>();
      for (const n of this.root.descendantsOfType('import_from_statement')) {
        const mod = n?.childForFieldName('module_name')?.text.replace(/\s+/g, '');
        if (!n || !mod || mod.startsWith('.')) continue;
        for (const item of n.childrenForFieldName('name')) {
          if (!item) continue;
          const name = item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.text;
          const alias = item.type === 'aliased_import' ? item.childForFieldName('alias')?.text : item.text;
          if (!name || !alias || !couldNameHelper(lastSegment(name))) continue;
          const h = classifyHelper(`${mod}.${name}`);
          if (h && h.kind !== 'builtin') map.set(alias, h);
        }
      }
      this.importedHelpers = map;
    }
    return this.importedHelpers.get(local);
  }

  /** The rebindings made at `node`. */
  at(node: Node): readonly Rebinding[] {
    switch (node.type) {
      case 'assignment':
        return this.fromAssignment(node);
      case 'type_alias_statement':
        return this.fromMisparsedTypeAssignment(node);
      case 'call':
        return this.fromCall(node);
      case 'function_definition':
        return this.fromDefinition(node);
      default:
        return NONE;
    }
  }

  // -- owners -------------------------------------------------------------------------------------------

  /**
   * The local test case an owner expression denotes inside its method: `self`, `cls`, `type(self)`,
   * `self.__class__`, or the name of a local `TestCase` subclass.
   */
  private localTestCaseOwner(owner: Node, at: Node): string | undefined {
    const o = unparen(owner);
    if (o.type === 'identifier' && this.testCaseClasses().has(o.text) && !this.isFirstParameter(o.text, at)) return o.text;
    let base: Node | undefined;
    if (o.type === 'identifier') base = o;
    else if (o.type === 'call' && this.names.is(o.childForFieldName('function'), 'builtins.type')) base = callArguments(o).positional[0];
    else if (o.type === 'attribute' && o.childForFieldName('attribute')?.text === '__class__') base = o.childForFieldName('object') ?? undefined;
    if (!base || unparen(base).type !== 'identifier') return undefined;
    return this.methodClassOf(unparen(base).text, at);
  }

  /** When `name` is the first parameter of the method enclosing `at`, in a local TestCase class: that class. */
  private methodClassOf(name: string, at: Node): string | undefined {
    for (let p = at.parent; p; p = p.parent) {
      if (p.type === 'function_definition') {
        if (parameterNames(p)[0] !== name) {
          // A nested function: keep looking for the method that binds `self`.
          continue;
        }
        const cls = enclosingClass(p);
        // The method must be directly in the class body (possibly decorated).
        const holder = p.parent?.type === 'decorated_definition' ? p.parent : p;
        if (cls && holder.parent?.parent?.id === cls.id && this.isTestCaseClassNode(cls)) return cls.childForFieldName('name')?.text;
        return undefined;
      }
      if (p.type === 'class_definition') return undefined;
    }
    return undefined;
  }

  private isFirstParameter(name: string, at: Node): boolean {
    for (let p = at.parent; p; p = p.parent) if (p.type === 'function_definition' && parameterNames(p).includes(name)) return true;
    return false;
  }

  /** The helper `owner.attr` names, as a library target or as an assertion of a local test case. */
  private helperOn(owner: Node, attr: string, at: Node): { helper: Helper; testClass?: string } | undefined {
    const q = this.names.qualify(owner);
    if (q) {
      const h = classifyHelper(`${q}.${attr}`);
      if (h) return { helper: h };
    }
    if (!STANDARD_TESTCASE_ASSERTIONS.has(attr)) return undefined;
    const cls = this.localTestCaseOwner(owner, at);
    if (cls) return { helper: { name: `unittest.TestCase.${attr}`, kind: 'assertion', short: attr }, testClass: cls };
    return undefined;
  }

  // -- forms ----------------------------------------------------------------------------------------------

  /**
   * A cheap necessary condition for `fromAssignment` to find anything: a target that can name a helper
   * (an attribute or namespace key named like one, a `__code__` swap, a plain name that is a standard
   * assertion or, in test modules, an imported helper). Most assignments (`self.x = ...`, `x = ...`)
   * stop here, before the engine describes their targets.
   */
  private mayRebindHelper(assign: Node): boolean {
    for (let cur: Node | null = assign; cur?.type === 'assignment'; cur = cur.childForFieldName('right')) {
      const left = cur.childForFieldName('left');
      if (!left) continue;
      if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
        for (const t of left.namedChildren) if (this.mayBeHelperTarget(t)) return this.headOfChain(assign);
      } else if (this.mayBeHelperTarget(left)) return this.headOfChain(assign);
    }
    return false;
  }

  /** The engine reports a chain `a.x = b.y = v` at its head only (asked last: most assignments stop before). */
  private headOfChain(assign: Node): boolean {
    return assign.parent?.type !== 'assignment';
  }

  private mayBeHelperTarget(t: Node): boolean {
    switch (t.type) {
      case 'attribute': {
        const attr = t.childForFieldName('attribute')?.text;
        return !!attr && (attr === '__code__' || attr === '__defaults__' || attr === '__kwdefaults__' || couldNameHelper(attr));
      }
      case 'subscript': {
        const key = stringValue(t.childForFieldName('subscript'));
        return key !== undefined && couldNameHelper(lastSegment(key));
      }
      case 'identifier': {
        const name = t.text;
        return STANDARD_TESTCASE_ASSERTIONS.has(name) || (this.moduleShadows && this.importedHelper(name) !== undefined);
      }
      default:
        return false;
    }
  }

  private fromAssignment(assign: Node): readonly Rebinding[] {
    if (!this.mayRebindHelper(assign)) return NONE;
    const out: Rebinding[] = [];
    for (const r of assignmentRebindings(assign, this.names)) {
      const t = r.target;
      if (t.kind === 'attribute') {
        let obj: Node | null = t.owner;
        let attr: string | undefined = t.attr;
        // `unittest.TestCase.assertEqual.__code__ = noop.__code__` swaps the body in place.
        let codeSwap = false;
        if (attr === '__code__' && unparen(obj).type === 'attribute') {
          const inner = unparen(obj);
          attr = inner.childForFieldName('attribute')?.text;
          obj = inner.childForFieldName('object');
          codeSwap = true;
          if (!obj || !attr) continue;
        }
        // `pytest.approx.__defaults__ = (0.5, 500.0, True)`: the helper's default tolerances.
        let defaults = false;
        if ((attr === '__defaults__' || attr === '__kwdefaults__') && unparen(obj).type === 'attribute') {
          const inner = unparen(obj);
          attr = inner.childForFieldName('attribute')?.text;
          obj = inner.childForFieldName('object');
          defaults = true;
          if (!obj || !attr) continue;
        }
        if (!attr) continue;
        const found = this.helperOn(obj, attr, assign);
        if (!found) continue;
        out.push({
          helper: found.helper,
          scope: found.testClass ? 'local-class' : 'global',
          form: found.testClass ? (this.isInstanceOwner(obj) ? 'instance-attribute' : 'assignment') : 'assignment',
          replacement: codeSwap ? this.codeOwner(r.value) : this.valueReplacement(r.value),
          node: r.node,
          spelled: r.node.text,
          testClass: found.testClass,
          ...(defaults ? { defaults } : {}),
        });
      } else if (t.kind === 'namespace') {
        // `vars(math)["isclose"] = ...`, `math.__dict__["isclose"] = ...`, `__builtins__["len"] = ...`
        const h = classifyHelper(`${t.module}.${t.key}`);
        if (h) out.push({ helper: h, scope: 'global', form: 'namespace', replacement: this.valueReplacement(r.value), node: r.node, spelled: r.node.text });
      } else if (t.kind === 'name') {
        const name = t.name.text;
        if (!this.moduleShadows && !STANDARD_TESTCASE_ASSERTIONS.has(name)) continue;
        // The head of the chain: its statement is what sits in a class body.
        const cls = this.classBodyOf(assign);
        if (cls) {
          // `assertEqual = lambda self, *a, **k: None` in a TestCase subclass body.
          if (STANDARD_TESTCASE_ASSERTIONS.has(name) && this.isTestCaseClassNode(cls)) {
            out.push({
              helper: { name: `unittest.TestCase.${name}`, kind: 'assertion', short: name },
              scope: 'local-class',
              form: 'class-attribute',
              replacement: this.valueReplacement(r.value),
              node: r.node,
              spelled: name,
              testClass: cls.childForFieldName('name')?.text,
            });
          }
          continue;
        }
        const h = this.moduleShadows ? this.importedHelper(name) : undefined;
        if (h) out.push({ helper: h, scope: 'module-shadow', form: 'redefinition', replacement: this.valueReplacement(r.value), node: r.node, spelled: name });
      }
    }
    return out;
  }

  /** For `f.__code__ = g.__code__`: the function `g` whose body is installed. */
  private codeOwner(value: Node | undefined): Replacement {
    const v = value ? unparen(value) : null;
    if (v?.type === 'attribute' && v.childForFieldName('attribute')?.text === '__code__') {
      const o = v.childForFieldName('object');
      if (o) return this.replacementOf(o);
    }
    return { kind: 'missing' };
  }

  private isInstanceOwner(obj: Node): boolean {
    const o = unparen(obj);
    return o.type === 'identifier' && o.text === 'self';
  }

  /** The class whose body directly holds this statement, if any. */
  private classBodyOf(node: Node): Node | null {
    const stmt = node.parent?.type === 'expression_statement' ? node.parent : node;
    const block = stmt.parent;
    const cls = block?.type === 'block' ? block.parent : null;
    return cls?.type === 'class_definition' ? cls : null;
  }

  /** tree-sitter-python 0.25 parses `type(self).assertEqual = f` as a PEP 695 `type` statement. */
  private fromMisparsedTypeAssignment(stmt: Node): Rebinding[] {
    const typeNodes = stmt.namedChildren.filter((c) => c.type === 'type');
    const target = typeNodes[0]?.namedChild(0);
    const value = typeNodes[1]?.namedChild(0);
    if (target?.type !== 'attribute' || !value) return [];
    const obj = target.childForFieldName('object');
    const attr = target.childForFieldName('attribute')?.text;
    if (!obj || !attr || unparen(obj).type !== 'identifier' || !STANDARD_TESTCASE_ASSERTIONS.has(attr)) return [];
    // `type(x)` where x is the method's `self`.
    const cls = this.methodClassOf(unparen(obj).text, stmt);
    if (!cls) return [];
    return [
      {
        helper: { name: `unittest.TestCase.${attr}`, kind: 'assertion', short: attr },
        scope: 'local-class',
        form: 'assignment',
        replacement: this.replacementOf(value),
        node: stmt,
        spelled: `type${obj.text}.${attr}`,
        testClass: cls,
      },
    ];
  }

  private fromCall(call: Node): readonly Rebinding[] {
    const found = callRebindings(call, this.names);
    if (found.length === 0) return NONE;
    const out: Rebinding[] = [];
    for (const r of found) {
      const form = CALL_FORMS[r.form];
      if (!form) continue;
      // `setattr` changes the object for everyone; the patching helpers undo their change afterwards.
      const scope: RebindScope = r.form === 'setattr' ? 'global' : 'scoped';
      const replacement = this.callReplacement(r, call);
      const t = r.target;
      if (t.kind === 'attribute') {
        // `setattr(math, isclose.__name__, f)`: the name of a resolved function is its last segment.
        const attr = t.attr ?? (t.attrNode ? this.nameOfFunction(t.attrNode) : undefined);
        // `for name in ("assertAlmostEqual", "assertAlmostEquals"): setattr(TestCase, name, f)`: a name
        // computed from literals is each of the names it can take, judged like a literal one.
        const attrs = attr !== undefined ? [attr] : t.attrNode ? builtStrings(t.attrNode) : undefined;
        if (attrs === undefined) {
          if (t.attrNode) out.push(...this.dynamicName(form, scope, t.owner, t.attrNode, replacement, call));
          continue;
        }
        for (const a of attrs) {
          const found = a ? this.helperOn(t.owner, a, call) : undefined;
          if (!found) continue;
          out.push({
            helper: found.helper,
            scope: found.testClass ? 'local-class' : scope,
            form,
            replacement,
            node: call,
            spelled: `${unparen(t.owner).text}.${a}`,
            testClass: found.testClass,
            listed: attr === undefined || undefined,
          });
        }
      } else if (t.kind === 'dotted') {
        const h = classifyDottedString(t.path);
        if (h) out.push({ helper: h, scope, form, replacement, node: call, spelled: t.path });
      } else if (t.kind === 'namespace') {
        const spelled = `${t.module}.${t.key}`;
        const h = classifyHelper(spelled);
        if (h) out.push({ helper: h, scope, form, replacement, node: call, spelled });
      }
    }
    return out;
  }

  /** `isclose.__name__` where `isclose` resolves to `math.isclose`: `"isclose"`. */
  private nameOfFunction(expr: Node): string | undefined {
    const e = unparen(expr);
    if (e.type !== 'attribute' || e.childForFieldName('attribute')?.text !== '__name__') return undefined;
    const q = this.names.qualify(e.childForFieldName('object'));
    return q?.slice(q.lastIndexOf('.') + 1);
  }

  /** What a patching call installs: `mock.patch` without `new` (or with `DEFAULT`) installs a MagicMock. */
  private callReplacement(r: SyntacticRebinding, call: Node): Replacement {
    switch (r.form) {
      case 'mock.patch':
      case 'mock.patch.object':
        return this.patchReplacement(call, r.value);
      case 'mock.patch.multiple':
        return r.value && /(^|\.)DEFAULT$/.test(unparen(r.value).text) ? { kind: 'mock', node: r.value } : this.valueReplacement(r.value);
      default:
        return this.valueReplacement(r.value);
    }
  }

  private valueReplacement(value: Node | undefined): Replacement {
    return value ? this.replacementOf(value) : { kind: 'missing' };
  }

  /**
   * `for name in dir(TestCase): setattr(TestCase, name, noop)`: a computed name on a class or module
   * that holds only assertions (`TestCase`, `numpy.testing`). Reported only when the replacement
   * provably checks nothing (`dynamic` rebindings with another verdict are dropped by the rule).
   */
  private dynamicName(form: RebindForm, scope: RebindScope, owner: Node, attrNode: Node, value: Replacement, call: Node): Rebinding[] {
    const q = this.names.qualify(owner);
    const holder = q ? normalise(`${q}.x`).slice(0, -2) : undefined;
    if (!holder || !(TESTCASE_CLASS.test(holder) || holder === 'numpy.testing')) return [];
    const label = shorten(unparen(attrNode).text, 30);
    return [{ helper: { name: `${holder}.<${label}>`, kind: 'assertion', short: label }, scope, form, replacement: value, node: call, spelled: `${unparen(owner).text}.<${label}>`, dynamic: true }];
  }

  /** The replacement a `mock.patch...(...)` call installs: `new`, or a MagicMock configured by its keywords. */
  private patchReplacement(call: Node, nw: Node | undefined): Replacement {
    const args = callArguments(call);
    if (nw && !/(^|\.)DEFAULT$/.test(unparen(nw).text)) return this.replacementOf(nw);
    return {
      kind: 'mock',
      node: call,
      returnValue: args.keywords.get('return_value'),
      sideEffect: args.keywords.get('side_effect'),
      wraps: args.keywords.get('wraps'),
      newCallable: args.keywords.get('new_callable'),
    };
  }

  /** A value expression, recognising mocks (`MagicMock(return_value=True)`) and `staticmethod(...)` wrappers. */
  replacementOf(value: Node): Replacement {
    let v = unparen(value);
    if (v.type === 'call') {
      const q = this.names.callee(v) ?? dottedName(v.childForFieldName('function')) ?? '';
      const args = callArguments(v);
      if (/(^|\.)(Mock|MagicMock|AsyncMock|NonCallableMock|NonCallableMagicMock|create_autospec)$/.test(q) || /^mocker\.(Mock|MagicMock|stub)$/.test(q)) {
        return { kind: 'mock', node: v, returnValue: args.keywords.get('return_value'), sideEffect: args.keywords.get('side_effect'), wraps: args.keywords.get('wraps') };
      }
      if (/^(builtins\.)?(staticmethod|classmethod)$/.test(q) && args.positional[0]) v = unparen(args.positional[0]);
    }
    return { kind: 'expr', node: v };
  }

  /** `def assertEqual(self, *a, **k): pass` in a TestCase subclass; a library helper imported then redefined. */
  private fromDefinition(def: Node): readonly Rebinding[] {
    const nameNode = def.childForFieldName('name');
    const name = nameNode?.text;
    if (!nameNode || !name) return NONE;
    // Both forms below need one of these (most defs have neither).
    if (!STANDARD_TESTCASE_ASSERTIONS.has(name) && !(this.moduleShadows && this.importedHelper(name))) return NONE;
    const holder = def.parent?.type === 'decorated_definition' ? def.parent : def;
    const block = holder.parent;
    if (block?.type === 'block' && block.parent?.type === 'class_definition') {
      const cls = block.parent;
      if (!STANDARD_TESTCASE_ASSERTIONS.has(name) || !this.isTestCaseClassNode(cls)) return [];
      return [
        {
          helper: { name: `unittest.TestCase.${name}`, kind: 'assertion', short: name },
          scope: 'local-class',
          form: 'override',
          replacement: { kind: 'def', node: def },
          node: nameNode,
          spelled: name,
          testClass: cls.childForFieldName('name')?.text,
        },
      ];
    }
    const h = this.moduleShadows ? this.importedHelper(name) : undefined;
    if (!h) return [];
    return [{ helper: h, scope: 'module-shadow', form: 'redefinition', replacement: { kind: 'def', node: def }, node: nameNode, spelled: name }];
  }

  /** The function a name stands for: a unique `def` (preferring one in the same scope as `at`). */
  resolveFunction(id: Node, at: Node): Node | undefined {
    const defs = this.functionsNamed(id.text);
    if (defs.length === 1) return defs[0];
    const scope = enclosingFunctionScope(at);
    const local = defs.filter((d) => enclosingFunctionScope(d)?.id === scope?.id && d.startIndex < at.startIndex);
    return local.length === 1 ? local[0] : undefined;
  }

  /** The always-equal classes of the file (RH201's analysis), by name. */
  alwaysEqualClass(name: string): boolean {
    const analysis = analyseEquality(this.root, this.names, this.root.text);
    return analysis.classes.some((c) => c.name === name && c.overrides.some((o) => o.dunder === '__eq__' && o.spoofs));
  }
}

// ---------------------------------------------------------------------------------------------------------
// What the replacement does

export type Verdict =
  /** Provably checks nothing: cannot fail (assertions) or answers a constant (comparisons). */
  | 'neutral'
  /** Puts the original back (`math.isclose = _orig_isclose`). */
  | 'restore'
  /** A real function we cannot judge. */
  | 'unknown';

export interface Judgement {
  verdict: Verdict;
  /** Human text: "a lambda that always returns `True`", "a function that never raises". */
  what: string;
  /** The def or lambda behind the replacement, for related information. */
  impl?: Node;
}

/** Builtins that never raise for ordinary arguments: used as an assertion, they check nothing. */
const PASSIVE_BUILTINS = new Set(['print', 'repr', 'str', 'id', 'bool', 'type', 'len', 'hash', 'vars', 'dir', 'isinstance', 'callable', 'hasattr'].map((n) => `builtins.${n}`));

const PASSIVE_NAMES = new Set([
  'print', 'repr', 'str', 'format', 'len', 'isinstance', 'type', 'id', 'getattr', 'hasattr', 'vars', 'bool',
  // Arithmetic on the compared values (`abs(first - second)` to log the drift) raises no assertion failure.
  'abs', 'round', 'min', 'max',
  'nullcontext', 'suppress', 'ExitStack', '__import__', 'debug', 'info', 'warning', 'warn', 'log', 'write', 'flush',
]);

/** A call that cannot make a check fail: output, logging, string formatting, `nullcontext()`. */
export function passiveCall(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  const f = unparen(fn);
  const last = f.type === 'identifier' ? f.text : f.type === 'attribute' ? (f.childForFieldName('attribute')?.text ?? '') : '';
  if (!PASSIVE_NAMES.has(last)) return false;
  // `self.log(...)`, `logger.info(...)`, `sys.stdout.write(...)`. Not `append`: soft-assertion helpers record
  // failures in a list that `tearDown` checks.
  return true;
}

/**
 * Can a function body never make a check fail? No `raise`, no `assert`, no `yield`, no state recorded
 * on an object (soft assertions check it later), and every call is passive (output, logging, formatting). `return` of anything is fine: an assertion that returns a
 * value instead of raising checks nothing.
 */
export function cannotFail(impl: Node): boolean {
  const body = impl.childForFieldName('body');
  if (!body) return false;
  let ok = true;
  const visit = (n: Node): boolean => {
    if (!ok) return false;
    if (n.type === 'raise_statement' || n.type === 'assert_statement' || n.type === 'yield' || n.type === 'await') ok = false;
    else if (n.type === 'call' && !passiveCall(n)) ok = false;
    else if ((n.type === 'assignment' || n.type === 'augmented_assignment') && n.childForFieldName('left')?.type !== 'identifier') {
      // `self.failures += [...]`, `self.failed = True`: a soft assertion that records the failure for later.
      ok = false;
    }
    // A nested def or lambda only runs when called, and calls are already rejected.
    return ok;
  };
  if (impl.type === 'lambda') {
    if (!visit(body)) return ok;
    forEachDescendant(body, visit);
    return ok;
  }
  forEachInScope(body, visit);
  return ok;
}

/** An `except` that catches an assertion's failure: bare, `AssertionError`, `failureException`, `Exception`. */
const FAILURE_CATCH = /\b(?:AssertionError|failureException|Exception|BaseException)\b/;

/**
 * A def whose checks all run inside `try:` blocks whose handlers catch the failure and cannot fail
 * themselves (`try: return orig(self, *a) except self.failureException: return None`): it never raises
 * what an assertion raises. Outside those blocks the body must be as passive as for `cannotFail`.
 */
export function swallowsFailures(impl: Node): boolean {
  const body = impl.type === 'function_definition' ? impl.childForFieldName('body') : null;
  if (!body) return false;
  let ok = true;
  let swallowed = false;
  const passive = (n: Node): boolean => {
    if (!ok) return false;
    if (n.type === 'try_statement') {
      const handlers = n.namedChildren.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
      const catches = handlers.some((h) => {
        const types = h.namedChildren.filter((c) => c.type !== 'block' && c.type !== 'comment');
        return types.length === 0 || types.some((t) => FAILURE_CATCH.test(t.text));
      });
      if (catches) {
        swallowed = true;
        // The protected body is not visited; handlers, `else` and `finally` must not fail.
        for (const c of n.namedChildren) if (c.type !== 'block') forEachInScope(c, passive);
        return false;
      }
    }
    if (n.type === 'raise_statement' || n.type === 'assert_statement' || n.type === 'yield' || n.type === 'await') ok = false;
    else if (n.type === 'call' && !passiveCall(n)) ok = false;
    else if ((n.type === 'assignment' || n.type === 'augmented_assignment') && n.childForFieldName('left')?.type !== 'identifier') ok = false;
    return ok;
  };
  forEachInScope(body, passive);
  return ok && swallowed;
}

function constantText(t: Truth, values: Node[]): string {
  const v = values[0]?.text.replace(/\s+/g, ' ');
  if (v && v.length <= 30) return `\`${v}\``;
  return t === 'truthy' ? 'a true value' : 'a false value';
}

/** unittest's deprecated spellings and the assertion each one means. */
const DEPRECATED_ALIASES: Record<string, string> = {
  assertEquals: 'assertEqual', failUnlessEqual: 'assertEqual', assertNotEquals: 'assertNotEqual', failIfEqual: 'assertNotEqual',
  assertAlmostEquals: 'assertAlmostEqual', failUnlessAlmostEqual: 'assertAlmostEqual', assertNotAlmostEquals: 'assertNotAlmostEqual',
  failIfAlmostEqual: 'assertNotAlmostEqual', failUnless: 'assertTrue', assert_: 'assertTrue', failIf: 'assertFalse',
  failUnlessRaises: 'assertRaises', assertRaisesRegexp: 'assertRaisesRegex', assertRegexpMatches: 'assertRegex',
  assertNotRegexpMatches: 'assertNotRegex', assertItemsEqual: 'assertCountEqual',
  // torch.testing's deprecated name for `assert_close`.
  assert_allclose: 'assert_close',
};

function modernName(name: string): string {
  return Object.hasOwn(DEPRECATED_ALIASES, name) ? DEPRECATED_ALIASES[name]! : name;
}

function ownerOf(q: string): string {
  return q.slice(0, q.lastIndexOf('.'));
}

/** Names that, by convention, hold a saved original: `_orig_isclose`, `old_len`, `saved`, `real_allclose`. */
const SAVED_ORIGINAL = /^_*(orig|original|old|saved?|real|prev|previous|backup|builtin)(_|[A-Z]|$)/i;

/**
 * What a replacement does to the helper it replaces. Assertion helpers are neutralised by anything that
 * cannot raise; comparison helpers and builtins by a constant answer (or a mock, whose answer is a
 * truthy `MagicMock`).
 */
export function judgeReplacement(r: Rebinding, finder: RebindingFinder, names: NameResolver): Judgement {
  if (r.defaults) return judgeDefaults(r, names);
  const rep = r.replacement;
  const kind = r.helper.kind;
  switch (rep.kind) {
    case 'missing':
      return { verdict: 'unknown', what: 'another value' };
    case 'mock':
      // A spy around the original (`wraps=math.isclose`) still runs the real check.
      if (rep.wraps && !rep.sideEffect && classifyHelper(names.qualify(rep.wraps) ?? '')?.name === r.helper.name) return { verdict: 'restore', what: 'a spy around the original' };
      // Without `side_effect`/`wraps` a mock never raises and always returns the same object.
      if (rep.sideEffect || rep.wraps || rep.newCallable) return { verdict: 'unknown', what: 'a configured mock' };
      return {
        verdict: 'neutral',
        what: rep.returnValue ? `a mock that always returns \`${shorten(rep.returnValue.text)}\`` : 'a `MagicMock` (it never raises, and always answers a truthy mock)',
      };
    case 'def':
      return judgeFunction(rep.node, kind, names, finder);
    case 'expr': {
      const v = unparen(rep.node);
      const q = names.qualify(v);
      if (q && classifyHelper(q)?.name === r.helper.name) return { verdict: 'restore', what: 'the original' };
      // A compatibility alias between spellings of one assertion: `TestCase.assertEquals = TestCase.assertEqual`.
      const same = q ? classifyHelper(q) : undefined;
      if (same && same.kind === 'assertion' && r.helper.kind === 'assertion' && modernName(same.short) === modernName(r.helper.short) && ownerOf(same.name) === ownerOf(r.helper.name)) {
        return { verdict: 'restore', what: `the equivalent \`${same.short}\`` };
      }
      if (r.scope === 'local-class' && v.type === 'attribute' && modernName(v.childForFieldName('attribute')?.text ?? '') === modernName(r.helper.short) && (v.childForFieldName('attribute')?.text ?? '') !== r.helper.short) {
        return { verdict: 'restore', what: 'an equivalent assertion' };
      }
      if (r.scope === 'local-class' && v.type === 'attribute') {
        // `self.assertEqual = self._saved_assert_equal`, `assertEqual = unittest.TestCase.assertEqual`
        const attr = v.childForFieldName('attribute')?.text ?? '';
        if (attr === r.helper.short || SAVED_ORIGINAL.test(attr)) return { verdict: 'restore', what: 'the original' };
      }
      if ((v.type === 'identifier' || v.type === 'attribute') && SAVED_ORIGINAL.test(lastSegment(v.text))) return { verdict: 'restore', what: 'a saved original' };
      if (v.type === 'lambda') return judgeFunction(v, kind, names, finder);
      if (r.helper.short === 'failureException') {
        // What failed assertions raise: a skip exception reports every failure as a skip.
        return q && SKIP_EXCEPTIONS.has(q) ? { verdict: 'neutral', what: `\`${shorten(v.text)}\`, a skip exception` } : { verdict: 'unknown', what: `\`${shorten(v.text)}\`` };
      }
      if (kind === 'assertion' && q) {
        // A function that answers instead of raising: `self.assertIn = print`, `assertEqual = operator.eq`.
        const other = classifyHelper(q);
        if (PASSIVE_BUILTINS.has(q) || (other && other.kind !== 'assertion')) return { verdict: 'neutral', what: `\`${shorten(v.text)}\`, which returns instead of raising` };
      }
      if (v.type === 'identifier') {
        const def = finder.resolveFunction(v, rep.node);
        if (def) return judgeFunction(def, kind, names, finder);
      }
      if (kind === 'assertion' && v.type === 'call') {
        // `TestCase.assertEqual = _quiet(TestCase.assertEqual)`: a wrapper factory of the file whose every
        // returned wrapper cannot fail (it swallows the original's failure).
        const fn = unparen(v.childForFieldName('function')!);
        const factory = fn.type === 'identifier' ? finder.resolveFunction(fn, rep.node) : undefined;
        const wrappers = factory ? returnedFunctions(factory) : undefined;
        if (factory && wrappers?.every((w) => cannotFail(w) || swallowsFailures(w))) {
          return { verdict: 'neutral', what: `the wrapper \`${fn.text}()\` returns, which never raises (it swallows the original's failure)`, impl: wrappers[0]! };
        }
      }
      if (r.helper.short === 'approx' && v.type === 'call') {
        const fn = unparen(v.childForFieldName('function')!);
        if (fn.type === 'identifier' && finder.alwaysEqualClass(fn.text)) return { verdict: 'neutral', what: `\`${fn.text}\` (an always-equal class)` };
      }
      return { verdict: 'unknown', what: `\`${shorten(v.text)}\`` };
    }
  }
}

function judgeFunction(impl: Node, kind: HelperKind, names: NameResolver, finder: RebindingFinder): Judgement {
  const label = impl.type === 'lambda' ? 'a lambda' : `\`${impl.childForFieldName('name')?.text ?? 'function'}()\``;
  if (kind === 'assertion') {
    if (cannotFail(impl)) {
      return { verdict: 'neutral', what: impl.type === 'lambda' ? 'a lambda that never raises' : `${label}, which never raises`, impl };
    }
    if (swallowsFailures(impl)) return { verdict: 'neutral', what: `${label}, which catches every assertion failure and returns`, impl };
    return { verdict: 'unknown', what: label, impl };
  }
  // Comparisons and builtins: a constant answer.
  const answer = constantAnswer(impl, names);
  if (answer) return { verdict: 'neutral', what: `${impl.type === 'lambda' ? 'a lambda that' : `${label}, which`} always returns ${constantText(answer.truth, answer.values)}`, impl };
  // `lambda *a, **k: ANY` or an always-equal instance (for `pytest.approx`).
  const body = impl.type === 'lambda' ? impl.childForFieldName('body') : undefined;
  if (body) {
    const b = unparen(body);
    if (names.is(b, 'unittest.mock.ANY', 'mock.ANY')) return { verdict: 'neutral', what: 'a lambda that returns `mock.ANY` (equal to everything)', impl };
    if (b.type === 'call') {
      const fn = unparen(b.childForFieldName('function')!);
      if (fn.type === 'identifier' && finder.alwaysEqualClass(fn.text)) return { verdict: 'neutral', what: `a lambda that returns an always-equal \`${fn.text}\``, impl };
    }
  }
  return { verdict: 'unknown', what: label, impl };
}

export function shorten(text: string, max = 40): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** A default of 0.1 or more (or infinite) loosens a comparison helper's tolerance until it accepts nearly anything. */
const LOOSE_DEFAULT = 0.1;

/**
 * New `__defaults__`/`__kwdefaults__` for a comparison or assertion helper: neutral when they hold a loose
 * tolerance (`pytest.approx.__defaults__ = (0.5, 500.0, True)`); anything else is not judged (quiet).
 */
function judgeDefaults(r: Rebinding, names: NameResolver): Judgement {
  const rep = r.replacement;
  if (rep.kind !== 'expr' || r.helper.kind === 'builtin') return { verdict: 'restore', what: 'other defaults' };
  let loose: Node | undefined;
  forEachDescendant(rep.node, (n) => {
    if (loose) return false;
    if (n.type === 'float' || n.type === 'integer') {
      const v = Number(n.text.replace(/_/g, ''));
      if (Number.isFinite(v) && v >= LOOSE_DEFAULT) loose = n;
    } else if ((n.type === 'attribute' || n.type === 'identifier') && /(?:^|\.)inf$/.test(names.qualify(n) ?? '')) loose = n;
    else if (n.type === 'call' && names.is(n.childForFieldName('function'), 'builtins.float') && /inf/i.test(stringValue(callArguments(n).positional[0]) ?? '')) loose = n;
    return !loose;
  });
  return loose ? { verdict: 'neutral', what: `ones holding the loose tolerance \`${shorten(loose.text)}\`` } : { verdict: 'restore', what: 'other defaults' };
}
