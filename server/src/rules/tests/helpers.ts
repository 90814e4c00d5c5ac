/**
 * Shared vocabulary of the RH4 (neutralised tests) rules: what a test function is, what counts as an
 * assertion, which expressions are vacuous (always true), which calls skip a test, and how to read a
 * skip's reason. Everything here is syntactic and iterative (no JS recursion over the tree, except on
 * small expression trees whose depth is bounded by the depth guards below).
 */
import {
  callArguments,
  decoratorsOf,
  definitionOf,
  dottedName,
  forEachInScope,
  functionName,
  moduleAssignments,
  moduleFunctionNamed,
  negatesEachOther,
  parameterNames,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import type { RuleContext } from '../../engine/rule';
import { MentionedWords } from '../../engine/prefilter';

/** Expression depth beyond which the small recursive expression helpers give up (pathological input). */
const MAX_EXPR_DEPTH = 40;

// ---------------------------------------------------------------------------------------------------
// Tests and their classes

/** The class whose body directly contains `fn` (methods only), or null. */
export function ownerClass(fn: Node): Node | null {
  let p = fn.parent;
  if (p?.type === 'decorated_definition') p = p.parent;
  if (p?.type !== 'block') return null;
  const cls = p.parent;
  return cls?.type === 'class_definition' ? cls : null;
}

/** The decorators of a test and then of its class (`@pytest.mark.network` on either). */
export function decoratorsOfTestAndClass(fn: Node): Node[] {
  const cls = ownerClass(fn);
  return [...decoratorsOf(fn), ...(cls ? decoratorsOf(cls) : [])];
}

/** True when `fn` is defined at module level (possibly decorated). */
export function isModuleLevel(fn: Node): boolean {
  let p = fn.parent;
  if (p?.type === 'decorated_definition') p = p.parent;
  return p?.type === 'module';
}

/**
 * A test function as pytest and unittest collect it: `test*` at module level, or a `test*` method of a
 * class (unittest's `TestCase` subclasses, pytest's `Test*` classes and their mixins).
 */
export function isTestFunction(fn: Node): boolean {
  if (fn.type !== 'function_definition') return false;
  if (!/^test/.test(functionName(fn))) return false;
  return isModuleLevel(fn) || ownerClass(fn) !== null;
}

/**
 * The test is named for the assertion method `call` invokes (`test_assertIs` calling `self.assertIs(a, a)` or
 * `self.assertIsNone(None)`, `test_assertNoResultSwallowsFailure` calling `self.assertNoResult(d)`): a test of
 * the assertion API itself, whose subject is what the assertion does with arguments that cannot fail, or how
 * it fails. The name after `test` and the callee must extend one another, and the callee is an `assert*`/`fail*`.
 */
export function testsAssertionMethod(fn: Node, call: Node): boolean {
  return call.type === 'call' && testsAssertionNamed(fn, calleeLastName(call));
}

/** `testsAssertionMethod` for the assertion method's name (`assertEqual`, also when passed as a callable). */
export function testsAssertionNamed(fn: Node, method: string): boolean {
  const calleeWords = identifierWords(method);
  if (!/^(assert|fail)/.test(calleeWords[0] ?? '')) return false;
  const nameWords = identifierWords(functionName(fn));
  while (nameWords[0] === 'test' || nameWords[0] === 'tests') nameWords.shift();
  const callee = calleeWords.join('');
  if (/^(assert|fail)/.test(nameWords[0] ?? '')) {
    const subject = nameWords.join('');
    // A bare `assert_`/`fail` names no particular method: only a test named exactly for it.
    if (calleeWords.length < 2) return subject === callee;
    if (subject.startsWith(callee) || callee.startsWith(subject)) return true;
  }
  return namesAssertionLoosely(nameWords, calleeWords);
}

/** Words of a test name that describe how an assertion behaves (`test_raise_no_warning_assert_close`), not what it checks. */
const ASSERTION_BEHAVIOUR_WORDS = /^(raises?|raising|no|not|never|does|doesn|t|warns?|warnings?|errors?|emits?|from|silent|silently|quiet|quietly|without|passes|accepts|rejects|fails)$/;

/**
 * The test's name mentions the assertion in its own words: `test_assert_close_nan` or
 * `test_raise_no_warning_assert_close` for `assert_allclose`. The name's `assert` word is the callee's, only
 * words about the assertion's behaviour come before it, and the words after it start a suffix of the callee's
 * remaining words (`close` ends `allclose`), so the test names the same kind of assertion. A subject before
 * it (`test_render_assert_is`) makes it the test of that subject.
 */
function namesAssertionLoosely(nameWords: string[], calleeWords: string[]): boolean {
  const at = nameWords.indexOf(calleeWords[0]!);
  if (at < 0 || calleeWords.length < 2 || !nameWords.slice(0, at).every((w) => ASSERTION_BEHAVIOUR_WORDS.test(w))) return false;
  const calleeRest = calleeWords.slice(1).join('');
  let named = '';
  for (const word of nameWords.slice(at + 1)) {
    named += word;
    if (calleeRest.endsWith(named)) return true;
  }
  return false;
}

/** Statements of a function body other than its docstring, comments and `pass`. */
function workingStatements(body: Node): Node[] {
  return body.namedChildren.filter(
    (s, i) => s.type !== 'comment' && s.type !== 'pass_statement' && !(i === 0 && s.type === 'expression_statement' && s.namedChild(0)?.type === 'string'),
  );
}

/**
 * A test that does nothing but fail (`raise Exception("should never run")`, `self.fail("not skipped")`): a
 * sample for tests of the test machinery (skipping, selection, reporting), which fails if it is ever run.
 * It checks no code, so skipping it hides nothing.
 */
export function isFailingSample(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  const stmts = body ? workingStatements(body) : [];
  if (stmts.length !== 1) return false;
  const only = stmts[0]!;
  if (only.type === 'raise_statement') return only.namedChildren.some((c) => c.type !== 'comment');
  if (only.type === 'assert_statement') return isExplicitFailure(only);
  const call = only.type === 'expression_statement' ? only.namedChild(0) : null;
  return call?.type === 'call' && isExplicitFailure(call);
}

/**
 * A test method of a class defined inside a function (`def test_reports_success(self): class Sample(TestCase):
 * def test_passes(self): ...`): a sample that the enclosing test builds and runs, and whose outcome it checks.
 */
export function isLocalSampleTest(fn: Node): boolean {
  const cls = ownerClass(fn);
  for (let p = cls?.parent; p; p = p.parent) if (p.type === 'function_definition') return true;
  return false;
}

/** The `test*` methods a class body defines (decorated or not). */
export function testMethodsOf(cls: Node): Node[] {
  return (cls.childForFieldName('body')?.namedChildren ?? []).map(definitionOf).filter((d) => d.type === 'function_definition' && /^test/.test(functionName(d)));
}

/** The nearest enclosing `def` of any node, looking through lambdas but stopping at classes. */
export function nearestFunction(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'class_definition') return null;
  }
  return null;
}

/** The outermost test function containing `node` (nested helpers inside a test belong to the test). */
export function enclosingTest(node: Node): Node | null {
  let found: Node | null = null;
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' && isTestFunction(p)) found = p;
  }
  return found;
}

/** Words of an identifier: `test_eqReflexive` → [test, eq, reflexive]. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const EQUALITY_WORD_PREFIXES = ['equal', 'compar', 'reflex', 'richcmp', 'richcompar', 'symmetr', 'transitiv', 'equival'];
const EQUALITY_WORDS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'cmp', 'eqne', 'inequality', 'identity', 'identical', 'nan', 'nans', 'ordering', 'orderings', 'equiv']);

/** Does this word of a name say the test is about equality, comparison, identity or NaN semantics? */
export function isEqualityWord(word: string): boolean {
  return EQUALITY_WORDS.has(word) || EQUALITY_WORD_PREFIXES.some((p) => word.startsWith(p));
}

const COMPARISON_DUNDERS = new Set(['__eq__', '__ne__', '__lt__', '__le__', '__gt__', '__ge__', '__hash__', '__cmp__']);

/** Does the file define a class with comparison dunders (a test of equality semantics builds such classes)? */
export function fileDefinesComparisons(root: Node): boolean {
  let found = false;
  const stack: Node[] = [root];
  while (stack.length && !found) {
    const n = stack.pop()!;
    if (n.type === 'function_definition') {
      const name = functionName(n);
      if (COMPARISON_DUNDERS.has(name) && ownerClass(n)) found = true;
      // Methods are looked into as well: local classes in tests count.
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i)!;
      if (c.type === 'block' || c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'decorated_definition' || c.type === 'module' || c.type === 'if_statement' || c.type === 'try_statement' || c.type === 'with_statement' || c.type === 'for_statement' || c.type === 'else_clause' || c.type === 'elif_clause' || c.type === 'except_clause' || c.type === 'finally_clause') stack.push(c);
    }
  }
  return found;
}

/** unittest setUp-style methods and module functions whose skip skips every test they prepare. */
export const SETUP_NAMES = new Set(['setUp', 'setUpClass', 'asyncSetUp', 'setUpModule', 'setup_method', 'setup_class', 'setup_module', 'setup', 'setup_function']);

/** Does the class (or file, for module functions) prepare state in setUp-style hooks? */
export function classHasSetUp(cls: Node | null): boolean {
  const body = cls?.childForFieldName('body');
  if (!body) return false;
  return body.namedChildren.some((s) => {
    const d = definitionOf(s);
    return d.type === 'function_definition' && SETUP_NAMES.has(functionName(d));
  });
}

// ---------------------------------------------------------------------------------------------------
// Assertions

const ASSERT_CALL = /^_*(assert|fail)/i;
/** Helper calls that, by name, check something (`self.check_roundtrip(x)`, `verify(out)`, `expect(...)`). */
const CHECK_CALL = /^_*(assert|fail|check|verify|expect|ensure|validate|compare|should|must|do_?test|run_?test|_?test_|helper_?test)/i;

/** The last segment of a call's callee: `self.assertEqual` → `assertEqual`. */
export function calleeLastName(call: Node): string {
  const fn = call.childForFieldName('function');
  if (!fn) return '';
  const f = unparen(fn);
  if (f.type === 'identifier') return f.text;
  if (f.type === 'attribute') return f.childForFieldName('attribute')?.text ?? '';
  if (f.type === 'call') {
    // getattr(self, "assertTrue")(True)
    const g = f.childForFieldName('function');
    if (g?.type === 'identifier' && g.text === 'getattr') return stringValue(callArguments(f).positional[1]) ?? '';
  }
  return '';
}

/**
 * A local alias of a method: `check = self.assertTrue` earlier in the same function (or at module level)
 * makes `check(True)` an `assertTrue` call. Returns the aliased attribute name.
 */
export function localAliasTarget(ident: Node): string | undefined {
  let scope: Node | null = null;
  for (let p = ident.parent; p; p = p.parent) {
    if (p.type === 'function_definition') {
      scope = p.childForFieldName('body');
      break;
    }
    if (p.type === 'module') scope = p;
  }
  if (!scope) return undefined;
  let found: string | undefined;
  for (const stmt of scope.namedChildren) {
    if (stmt.startIndex >= ident.startIndex) break;
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || left.text !== ident.text || !right) continue;
    const r = unparen(right);
    if (r.type === 'attribute') found = r.childForFieldName('attribute')?.text;
    else if (r.type === 'call') {
      const g = r.childForFieldName('function');
      if (g?.type === 'identifier' && g.text === 'getattr') found = stringValue(callArguments(r).positional[1]);
    }
  }
  return found;
}

/**
 * `names.callee(call)`: a bare name resolves through its binding alone, so it is looked up directly
 * (the same answer, without a per-node cache entry for every call in the file).
 */
function resolvedCallee(call: Node, fn: Node | null, names: NameResolver): string | undefined {
  return fn?.type === 'identifier' ? names.lookup(fn.text) : names.callee(call);
}

/** The callee's last name, seen through imports (`from numpy.testing import assert_equal as same` → `assert_equal`). */
export function effectiveCalleeName(call: Node, names?: NameResolver): string {
  const fn = call.childForFieldName('function');
  const q = names && resolvedCallee(call, fn, names);
  if (q) return q.slice(q.lastIndexOf('.') + 1);
  if (fn?.type === 'identifier') return localAliasTarget(fn) ?? fn.text;
  return calleeLastName(call);
}

/** `self.assertX(...)`, `assert_equal(...)`, `np.testing.assert_allclose(...)`, `mock.assert_called_with()`, `self.fail()`, `pytest.fail()`. */
export function isAssertionCall(call: Node, names?: NameResolver): boolean {
  return call.type === 'call' && (ASSERT_CALL.test(calleeLastName(call)) || ASSERT_CALL.test(effectiveCalleeName(call, names)));
}

/**
 * `app.test_client()`, `app.test_request_context()`: a `test_*` method of another object (not `self`/`cls`)
 * builds a test double or context for the test; it is not one of the test's own checks (`self._test_x()`, `_test_x()`).
 */
function isFactoryOfAnotherObject(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || !/^test_/.test(fn.childForFieldName('attribute')?.text ?? '')) return false;
  const obj = fn.childForFieldName('object');
  return !(obj?.type === 'identifier' && (obj.text === 'self' || obj.text === 'cls'));
}

/** Calls that check something by their name (assertions plus `check_*`/`verify*`/`expect*` helpers). */
export function isCheckingCall(call: Node, names: NameResolver): boolean {
  if (call.type !== 'call') return false;
  if (isFactoryOfAnotherObject(call)) return false;
  if (CHECK_CALL.test(calleeLastName(call)) || CHECK_CALL.test(effectiveCalleeName(call, names))) return true;
  const q = names.callee(call) ?? '';
  return /^pytest\.(raises|warns|fail|deprecated_call|approx)$/.test(q) || isFunctionFormRaises(call, names);
}

/**
 * `raises(ValueError, lambda: parse(""))`, `raises(KeyError, lookup, "x")`: the function form of a `raises`
 * helper (sympy's `raises`, a project's own) calls the function and fails unless it raises: a check.
 */
function isFunctionFormRaises(call: Node, names: NameResolver): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text !== 'raises' : effectiveCalleeName(call, names) !== 'raises') return false;
  const [, callable] = callArguments(call).positional;
  return !!callable && ['lambda', 'identifier', 'attribute'].includes(unparen(callable).type);
}

/** An assertion in the sense of RH402/RH403: an `assert` statement or an assertion call. */
export function isAssertion(node: Node, names?: NameResolver): boolean {
  return node.type === 'assert_statement' || isAssertionCall(node, names);
}

/** The assertions that belong to `root` (not to nested functions, lambdas or classes). */
export function assertionsIn(root: Node, names?: NameResolver): Node[] {
  const out: Node[] = [];
  if (isAssertion(root, names)) out.push(root);
  forEachInScope(root, (n) => {
    if (isAssertion(n, names)) out.push(n);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Vacuous expressions

export type VacuousKind = 'constant' | 'self-compare' | 'or-true' | 'matches-any' | 'infinite-tolerance' | 'empty-string';

/** Literal truthiness: true/false for literals Python evaluates without running code, else undefined. */
export function literalTruth(node: Node | null | undefined, depth = 0): boolean | undefined {
  if (!node || depth > MAX_EXPR_DEPTH) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'true':
      return true;
    case 'false':
    case 'none':
      return false;
    case 'ellipsis':
    case 'lambda':
      return true;
    case 'integer':
    case 'float': {
      const t = n.text.replace(/_/g, '').toLowerCase();
      if (/^0[xob]/.test(t)) return Number(t) !== 0;
      if (t.endsWith('j')) return Number(t.slice(0, -1)) !== 0;
      const v = Number(t);
      return Number.isNaN(v) ? undefined : v !== 0;
    }
    case 'string':
    case 'concatenated_string': {
      // f-strings and bytes: truthy when any literal text is present.
      const v = stringValue(n);
      if (v !== undefined) return v.length > 0;
      if (n.type === 'string' && n.namedChildren.some((c) => c.type === 'string_content' || c.type === 'interpolation')) return true;
      return undefined;
    }
    case 'tuple':
    case 'list':
    case 'set':
    case 'dictionary':
      return n.namedChildren.filter((c) => c.type !== 'comment').length > 0;
    case 'not_operator': {
      const v = literalTruth(n.childForFieldName('argument'), depth + 1);
      return v === undefined ? undefined : !v;
    }
    case 'unary_operator': {
      const op = n.child(0)?.type;
      if (op === '-' || op === '+') return literalTruth(n.childForFieldName('argument'), depth + 1);
      return undefined;
    }
    case 'boolean_operator': {
      const left = literalTruth(n.childForFieldName('left'), depth + 1);
      const right = literalTruth(n.childForFieldName('right'), depth + 1);
      const op = n.child(1)?.type;
      if (op === 'or') {
        if (left === true || right === true) return true;
        if (left === false && right === false) return false;
      } else if (op === 'and') {
        if (left === false || right === false) return false;
        if (left === true && right === true) return true;
      }
      return undefined;
    }
    case 'comparison_operator': {
      // `1 == 1`, `None is None`, `"a" != "b"`: two literals compared.
      if (n.namedChildCount !== 2) return undefined;
      const [a, b] = n.namedChildren as [Node, Node];
      if (!isLiteral(a) || !isLiteral(b)) return undefined;
      const op = comparisonOperator(n);
      const same = normalise(a.text) === normalise(b.text);
      if (op === '==' || op === 'is' || op === '<=' || op === '>=') return same ? true : undefined;
      if (op === '!=' || op === 'is not' || op === '<' || op === '>') return same ? false : undefined;
      return undefined;
    }
    default:
      return undefined;
  }
}

function isLiteral(node: Node): boolean {
  let n = unparen(node);
  for (let depth = 0; n.type === 'unary_operator' && depth < MAX_EXPR_DEPTH; depth++) {
    const arg = n.childForFieldName('argument');
    if (!arg) return false;
    n = unparen(arg);
  }
  if (['true', 'false', 'none', 'integer', 'float'].includes(n.type)) return true;
  if (n.type === 'string') return stringValue(n) !== undefined;
  return false;
}

/** Whitespace outside string literals removed (the spaces inside a literal are part of its value: `' '` is not `'  '`). */
function normalise(text: string): string {
  return text.replace(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|\s+/g, (_match, literal: string | undefined) => literal ?? '');
}

/** The operator of a two-operand comparison, with `is not` / `not in` joined. */
export function comparisonOperator(cmp: Node): string {
  const ops: string[] = [];
  for (let i = 0; i < cmp.childCount; i++) {
    const c = cmp.child(i)!;
    if (!c.isNamed) ops.push(c.type);
  }
  return ops.join(' ').replace(/^\(\s*|\s*\)$/g, '');
}

/** Expressions whose evaluation cannot differ between two reads: names, attribute chains, literals, subscripts of those. */
export function isPure(node: Node | null | undefined, depth = 0): boolean {
  if (!node || depth > MAX_EXPR_DEPTH) return false;
  const n = unparen(node);
  switch (n.type) {
    case 'identifier':
    case 'true':
    case 'false':
    case 'none':
    case 'integer':
    case 'float':
      return true;
    case 'string':
      return stringValue(n) !== undefined;
    case 'attribute':
      return isPure(n.childForFieldName('object'), depth + 1);
    case 'subscript': {
      if (!isPure(n.childForFieldName('value'), depth + 1)) return false;
      if (n.hasError) return n.childrenForFieldName('subscript').every((s) => isPure(s, depth + 1));
      // Without errors, the named children after `value` are the `subscript` fields and comments
      // (`childrenForFieldName` would call into tree-sitter).
      const kids = n.namedChildren;
      for (let i = 1; i < kids.length; i++) if (kids[i]!.type !== 'comment' && !isPure(kids[i], depth + 1)) return false;
      return true;
    }
    case 'unary_operator':
      return isPure(n.childForFieldName('argument'), depth + 1);
    case 'tuple':
      return n.namedChildren.every((c) => isPure(c, depth + 1));
    case 'call': {
      // `sorted(x)`, `len(x)`: a builtin that computes its value from its arguments alone; `_normalise(x)`: a function
      // of this file that does too (see `isPureHelper`).
      const callee = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      if (callee?.type !== 'identifier' || args?.type !== 'argument_list') return false;
      if (!PURE_BUILTINS.has(callee.text) && !isPureHelper(n.tree.rootNode, callee.text)) return false;
      const given = args.namedChildren.filter((c) => c.type !== 'comment');
      return given.length > 0 && given.every((c) => isPure(c, depth + 1));
    }
    default:
      return false;
  }
}

/** Per module: which of its functions are pure helpers (see `isPureHelper`). */
const pureHelpers = new WeakMap<Node, Map<string, boolean>>();

/** Methods of builtin values that compute from the value alone (`value.encode()`, `d.items()`). */
const PURE_METHODS = new Set(['encode', 'decode', 'items', 'keys', 'values', 'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'split', 'join', 'replace', 'get', 'copy', 'startswith', 'endswith', 'casefold', 'format']);

/**
 * A module-level function of the file that computes its result from its arguments alone (a test's normaliser,
 * `def _normalise(v): if isinstance(v, str): return v.encode() ...`): no `global`, `nonlocal`, `yield` or `await`,
 * and every call is to a pure builtin, `isinstance`, itself, or a pure method of a builtin value. Two calls of it on
 * the same names are the same value.
 */
function isPureHelper(root: Node, name: string): boolean {
  let byName = pureHelpers.get(root);
  if (!byName) pureHelpers.set(root, (byName = new Map()));
  const known = byName.get(name);
  if (known !== undefined) return known;
  byName.set(name, false);
  // A decorator may return anything: only a plain `def` is judged.
  const def = moduleFunctionNamed(root, name);
  const body = def && def.parent?.type !== 'decorated_definition' ? def.childForFieldName('body') : undefined;
  let pure = !!body && !/\b(global|nonlocal|yield|await)\b/.test(body.text);
  if (pure && body) {
    for (const call of body.descendantsOfType('call')) {
      const f = call?.childForFieldName('function');
      if (!f) continue;
      // A method of a value, given literals only (`v.encode()`, `s.replace("-", "_")`) or called on a literal
      // (`", ".join(parts)`): `codec.decode(blob)` hands a value to an object that may be the code under test.
      const literalArgs = () => (call!.childForFieldName('arguments')?.namedChildren ?? []).every((a) => a.type === 'comment' || isLiteral(a));
      const ok = f.type === 'identifier'
        ? PURE_BUILTINS.has(f.text) || f.text === 'isinstance' || f.text === name
        : f.type === 'attribute' && PURE_METHODS.has(f.childForFieldName('attribute')?.text ?? '') && (literalArgs() || unparen(f.childForFieldName('object')!).type === 'string');
      if (!ok) {
        pure = false;
        break;
      }
    }
  }
  byName.set(name, pure);
  return pure;
}

/** Builtins whose result depends only on the value of their arguments (a comparison of two such calls on the same names is reflexive). */
const PURE_BUILTINS = new Set(['sorted', 'len', 'list', 'tuple', 'set', 'frozenset', 'str', 'repr', 'abs', 'sum', 'min', 'max', 'bool', 'int', 'float', 'round', 'type', 'dict']);

/** `x.copy()`, `copy.copy(x)`, `copy.deepcopy(x)`: the copied value `x`, which equals its copy. */
export function copiedValue(node: Node): Node | undefined {
  const n = unparen(node);
  if (n.type !== 'call') return undefined;
  const callee = n.childForFieldName('function');
  const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  if (callee?.type !== 'attribute') return undefined;
  const method = callee.childForFieldName('attribute')?.text;
  if (method === 'copy' && args.length === 0) return callee.childForFieldName('object') ?? undefined;
  if ((method === 'copy' || method === 'deepcopy') && args.length === 1 && callee.childForFieldName('object')?.text === 'copy' && args[0]!.type !== 'keyword_argument') return args[0];
  return undefined;
}

/**
 * The two operands are the same pure value: the same text, a value and its copy (`out == out.copy()`, for an
 * equality: `copy.copy(x) is x` asks whether the copy is a new object), or a walrus and its name
 * (`(got := f()) == got`, where the right side reads what the left just bound).
 */
function sameValue(a: Node, b: Node, equality = true): boolean {
  const x = unparen(a);
  const y = unparen(b);
  if (x.type === 'named_expression') return y.type === 'identifier' && x.childForFieldName('name')?.text === y.text;
  if (sameText(x.text, y.text)) return isPure(x);
  if (!equality) return false;
  const copied = copiedValue(y) ?? copiedValue(x);
  const other = copied && (copiedValue(y) ? x : y);
  return !!copied && !!other && isPure(copied) && sameText(unparen(copied).text, unparen(other).text);
}

/** `collection` is a literal list, tuple or set that lists the pure value `value` (`x` in `[x]`, `(x,)`, `{x, y}`). */
export function listedIn(value: Node, collection: Node): boolean {
  const r = unparen(collection);
  if ((r.type !== 'list' && r.type !== 'tuple' && r.type !== 'set') || !isPure(value)) return false;
  const key = normalise(unparen(value).text);
  return r.namedChildren.some((c) => normalise(unparen(c).text) === key);
}

/**
 * `all(r == r for r in results)`, `all([x is x for x in xs])`: every element compared with itself, so the `all`
 * is true whatever the results. Returns the reflexive comparison.
 */
export function elementwiseSelfComparison(node: Node | null | undefined): Node | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type !== 'call' || n.childForFieldName('function')?.text !== 'all') return undefined;
  const given = n.childForFieldName('arguments');
  let each: Node | null | undefined;
  if (given?.type === 'generator_expression') each = given.childForFieldName('body');
  else {
    const args = given?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    const only = args.length === 1 ? unparen(args[0]!) : undefined;
    if (only?.type === 'list_comprehension' || only?.type === 'set_comprehension' || only?.type === 'generator_expression') each = only.childForFieldName('body');
  }
  return each && isSelfComparison(each) ? unparen(each) : undefined;
}

/** `x == x`, `x is x`, `x >= x`, `x <= x`: a reflexive comparison of the same pure expression. */
export function isSelfComparison(node: Node | null | undefined, negated = false): boolean {
  if (!node) return false;
  const n = unparen(node);
  if (n.type !== 'comparison_operator' || n.namedChildCount !== 2) return false;
  const [a, b] = n.namedChildren as [Node, Node];
  // `x in [x, y]`: a value is always among a literal collection that lists it. (The operator is read only
  // for a literal collection on the right: most comparisons stop at the text check below.)
  const r = unparen(b);
  if (r.type === 'list' || r.type === 'tuple' || r.type === 'set') {
    const op = comparisonOperator(n);
    if (op === 'in' || op === 'not in') return listedIn(a, r) && (negated ? op === 'not in' : op === 'in');
  }
  // The operator is read only for the few comparisons that may hold a copy (`out == out.copy()`, not `copy.copy(x) is x`).
  if (!sameValue(a, r, false) && !(/copy/.test(r.text + a.text) && !comparisonOperator(n).startsWith('is') && sameValue(a, r))) return false;
  const op = comparisonOperator(n);
  // `x != x` / `x is not x` are NaN checks when asserted; only their negation (`assertFalse(x != x)`) is reflexive.
  return negated ? op === '!=' || op === 'is not' : op === '==' || op === 'is' || op === '<=' || op === '>=';
}

/** `... or True`: a disjunction with an always-true operand, or with a condition and its negation (`x == y or x != y`). */
export function isOrTrue(node: Node | null | undefined): boolean {
  if (!node) return false;
  const n = unparen(node);
  if (n.type === 'binary_operator') return bitwiseOrTrue(n) !== undefined;
  if (n.type !== 'boolean_operator' || n.child(1)?.type !== 'or') return false;
  return (literalTruth(n) === true && !isLiteralOnly(n)) || complementaryOperands(n) !== undefined;
}

/** `True`, `not False`, `not 0`: a boolean constant that is true (not an integer, which may be a bit mask: `flags | 1`). */
function isTrueBoolean(node: Node): boolean {
  const n = unparen(node);
  if (n.type === 'true') return true;
  return n.type === 'not_operator' && literalTruth(n.childForFieldName('argument')) === false;
}

/** A link of an `or` chain (`a or b`). */
export function isOrLink(n: Node): boolean {
  return n.type === 'boolean_operator' && n.child(1)?.type === 'or';
}

/**
 * The operands of a chain of one operator (`a or b or c`, `a | b | c`), parentheses stripped, in document order;
 * iterative, since hostile input nests thousands deep. Stops once more than `max` operands are collected.
 */
export function chainOperands(node: Node, isLink: (n: Node) => boolean, max = Infinity): Node[] {
  const operands: Node[] = [];
  const stack = [unparen(node)];
  while (stack.length && operands.length <= max) {
    const n = stack.pop()!;
    if (isLink(n)) stack.push(unparen(n.childForFieldName('right')!), unparen(n.childForFieldName('left')!));
    else operands.push(n);
  }
  return operands;
}

/**
 * `ok | True`, `(det(m) == 24) | (not False)`: a bitwise `|` chain with `True` among operands that are not all
 * constants. For a bool (or an int) the result is true whatever the other side: `or True` spelled with `|`.
 * Returns the `True` operand.
 */
export function bitwiseOrTrue(node: Node): Node | undefined {
  const operands = chainOperands(node, (n) => n.type === 'binary_operator' && n.child(1)?.type === '|', 16);
  if (operands.length < 2) return undefined;
  const found = operands.find(isTrueBoolean);
  return found && operands.some((o) => literalTruth(o) === undefined) ? found : undefined;
}

/**
 * The operands of an `or` chain that are a condition and its negation (`got == want or got != want`,
 * `ok or not ok`): the disjunction is true whatever the values.
 */
export function complementaryOperands(node: Node): [Node, Node] | undefined {
  const operands = chainOperands(node, isOrLink, 16);
  for (let i = 0; i < operands.length; i++) {
    for (let j = 0; j < operands.length; j++) if (i !== j && negatesEachOther(operands[i]!, operands[j]!)) return i < j ? [operands[i]!, operands[j]!] : [operands[j]!, operands[i]!];
  }
  return undefined;
}

/** The always-true operand of an `or` chain (`True` in `x == 1 or True`). */
export function alwaysTrueOperand(node: Node): Node | undefined {
  if (unparen(node).type === 'binary_operator') return bitwiseOrTrue(unparen(node));
  return chainOperands(node, isOrLink).find((n) => literalTruth(n) === true);
}

/**
 * `True`, `1`, `not False`, `1 == 1`: a constant someone wrote to make the condition true. A non-empty
 * tuple or string (`x == (a, b) or (b, a)`) is more likely an operator-precedence mistake.
 */
export function isDeliberateConstant(node: Node): boolean {
  const n = unparen(node);
  return !['tuple', 'list', 'set', 'dictionary', 'string', 'concatenated_string', 'lambda', 'ellipsis'].includes(n.type);
}

/** `True or False`: literals only (that is a plain constant, not a disabled check). */
function isLiteralOnly(node: Node): boolean {
  const stack = [node];
  while (stack.length) {
    const n = unparen(stack.pop()!);
    if (n.type === 'boolean_operator' || n.type === 'not_operator') {
      for (const c of n.namedChildren) stack.push(c);
    } else if (literalTruth(n) === undefined) return false;
  }
  return true;
}

/** Classifies the condition of an `assert` statement. */
export function vacuousAssertCondition(cond: Node | null | undefined): VacuousKind | undefined {
  if (!cond) return undefined;
  if (isOrTrue(cond)) return 'or-true';
  if (literalTruth(cond) === true || isTautology(cond)) return 'constant';
  if (isSelfComparison(cond) || elementwiseSelfComparison(cond)) return 'self-compare';
  return undefined;
}

/** A call of the builtin `name` (`len(x)`), with its arguments. */
function builtinCall(node: Node, name: string): Node[] | undefined {
  const n = unparen(node);
  if (n.type !== 'call' || n.childForFieldName('function')?.text !== name) return undefined;
  return n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
}

/** `len(...)` and `abs(...)` are never negative, also when a walrus keeps them (`(n := len(items)) >= 0`). */
function isNeverNegative(node: Node): boolean {
  const n = unparen(node);
  const value = n.type === 'named_expression' ? n.childForFieldName('value') : n;
  return !!value && !!(builtinCall(value, 'len') ?? builtinCall(value, 'abs'));
}

/** A literal 0 (`0`, `0.0`). */
export function isZero(node: Node): boolean {
  const n = unparen(node);
  return (n.type === 'integer' || n.type === 'float') && literalTruth(n) === false;
}

/** `object`, or a tuple that names it: every value is an instance. */
function isObjectType(node: Node): boolean {
  const n = unparen(node);
  if (n.type === 'tuple') return n.namedChildren.some((c) => unparen(c).type === 'identifier' && unparen(c).text === 'object');
  return n.type === 'identifier' && n.text === 'object';
}

/**
 * Conditions true for every value, without being literals: `len(x) >= 0`, `0 <= abs(d)`, `isinstance(x, object)`,
 * `bool(1)`, `all([])`. They read like checks but cannot fail.
 */
export function isTautology(node: Node): boolean {
  const n = unparen(node);
  if (n.type === 'comparison_operator' && n.namedChildCount === 2) {
    const [a, b] = n.namedChildren as [Node, Node];
    // The zero side first: most comparisons have no literal 0 and stop here.
    if (isZero(b)) return comparisonOperator(n) === '>=' && isNeverNegative(a);
    return isZero(a) && comparisonOperator(n) === '<=' && isNeverNegative(b);
  }
  if (n.type !== 'call') return false;
  const callee = n.childForFieldName('function');
  if (callee?.type !== 'identifier') return false;
  const name = callee.text;
  if (name !== 'isinstance' && name !== 'bool' && name !== 'all') return false;
  const args = builtinCall(n, name)!;
  if (name === 'isinstance') return args.length === 2 && isObjectType(args[1]!);
  if (name === 'bool') return args.length === 1 && literalTruth(args[0]) === true;
  // `all(True for _ in results)`: every element is a true constant.
  const given = n.childForFieldName('arguments');
  if (given?.type === 'generator_expression') return literalTruth(given.childForFieldName('body')) === true;
  return args.length === 1 && ['list', 'tuple'].includes(unparen(args[0]!).type) && literalTruth(args[0]) === false;
}

const TRUE_ASSERTS = new Set(['assertTrue', 'assert_', 'failUnless', 'assertIsNotNone']);
const FALSE_ASSERTS = new Set(['assertFalse', 'failIf']);
const EQUAL_ASSERTS = new Set([
  'assertEqual', 'assertEquals', 'failUnlessEqual', 'assertIs', 'assertAlmostEqual', 'assertAlmostEquals',
  'failUnlessAlmostEqual', 'assertCountEqual', 'assertItemsEqual', 'assertListEqual', 'assertTupleEqual',
  'assertSetEqual', 'assertDictEqual', 'assertSequenceEqual', 'assertMultiLineEqual', 'assertGreaterEqual',
  'assertLessEqual', 'assert_equal', 'assert_array_equal', 'assert_almost_equal', 'assert_array_almost_equal',
  'assert_allclose', 'assert_approx_equal', 'assert_array_max_ulp', 'assert_frame_equal', 'assert_series_equal',
  'assert_close', 'assert_array_almost_equal_nulp', 'assertDictContainsSubset',
]);

/** Cheap shape test before resolving an identifier callee: a constant first argument, or two equal arguments. */
function argumentsLookVacuous(call: Node): boolean {
  // The first two arguments that are neither comments nor keywords.
  let a: Node | undefined;
  let b: Node | undefined;
  for (const c of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (c.type === 'comment' || c.type === 'keyword_argument') continue;
    if (a) {
      b = c;
      break;
    }
    a = c;
  }
  if (!a) return false;
  if (literalTruth(a) !== undefined || isSelfComparison(a) || isSelfComparison(a, true) || isTautology(a) || elementwiseSelfComparison(a)) return true;
  return !!b && (sameValue(a, b) || listedIn(a, b));
}

/**
 * The same expression up to whitespace, without normalising when neither text has whitespace to remove.
 * Spaces inside string literals count: `s.startswith(' ')` is not `s.startswith('    ')`.
 */
function sameText(x: string, y: string): boolean {
  if (x === y) return true;
  if (!/\s/.test(x) && !/\s/.test(y)) return false;
  return normalise(x) === normalise(y);
}

const KNOWN_ASSERTS = new Set([...TRUE_ASSERTS, ...FALSE_ASSERTS, ...EQUAL_ASSERTS, 'assertIsNone', 'assertIsInstance', 'assertIn']);

/**
 * A project's own equality assertion, by its words: `assert_balances_match`, `assertSameTree`, `assert_json_equal`
 * (starts with `assert`, says equal/match/same/close, and not `not`/`differ`/`raises`).
 */
function isEqualityAssertionName(name: string): boolean {
  if (!/^assert/i.test(name)) return false;
  const words = identifierWords(name);
  // Not `assert_eq`: dask's computes both sides and checks their metadata, so `assert_eq(x, x)` checks the collection.
  return words[0] === 'assert' && words.some((w) => /^(equal|equals|match|matches|same|close|identical|equivalent)$/.test(w)) && !words.some((w) => /^(not|no|differ\w*|unequal|raises?|warns?|never)$/.test(w));
}

/** An assertion that compares its first two arguments for equality: unittest's, numpy's, and the project's own by name. */
function isEqualityAssertion(name: string): boolean {
  return EQUAL_ASSERTS.has(name) || isEqualityAssertionName(name);
}

/**
 * Names that some assignment in the file binds to a known assertion (`check = self.assertTrue`,
 * `check = getattr(self, "assertTrue")`): every alias `localAliasTarget` finds for one is among them.
 */
export function knownAssertAliases(root: Node): Set<string> {
  const out = new Set<string>();
  for (const a of root.descendantsOfType('assignment')) {
    const right = a?.childForFieldName('right');
    if (!right) continue;
    const r = unparen(right);
    // Most values are neither: the target is looked at only for the rest.
    if (r.type !== 'attribute' && r.type !== 'call') continue;
    const left = a!.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    let target: string | undefined;
    if (r.type === 'attribute') target = r.childForFieldName('attribute')?.text;
    else if (r.type === 'call') {
      const g = r.childForFieldName('function');
      if (g?.type === 'identifier' && g.text === 'getattr') target = stringValue(callArguments(r).positional[1]);
    }
    if (target !== undefined && KNOWN_ASSERTS.has(target)) out.add(left.text);
  }
  return out;
}

/**
 * Classifies an assertion call with a vacuous argument: `self.assertTrue(True)`, `self.assertEqual(x, x)`.
 * `aliases` (from `knownAssertAliases`, asked for only when needed) lets a bare name that no assignment
 * binds to an assertion go without looking at its arguments.
 */
export function vacuousAssertionCall(call: Node, names?: NameResolver, aliases?: () => ReadonlySet<string>): VacuousKind | undefined {
  if (call.type !== 'call') return undefined;
  const fn = call.childForFieldName('function');
  // A method call is an assertion by its own name alone (what `calleeLastName` gives for it).
  if (fn?.type === 'attribute') return vacuousAssertionArguments(call, fn.childForFieldName('attribute')?.text ?? '');
  let name = calleeLastName(call);
  // The project's own equality assertion, whatever module defines it (`assert_balances_match(got, got)`).
  if (fn?.type === 'identifier' && isEqualityAssertionName(fn.text)) return argumentsLookVacuous(call) ? vacuousAssertionArguments(call, fn.text) : undefined;
  if (!KNOWN_ASSERTS.has(name) && fn?.type === 'identifier') {
    // A bare name may be an alias of an assertion (`effectiveCalleeName`) when its arguments look vacuous.
    // Both tests are pure: the cheaper goes first (most bare names resolve to a builtin or an import).
    const q = names?.lookup(fn.text);
    if (q !== undefined) {
      const last = q.slice(q.lastIndexOf('.') + 1);
      if ((!KNOWN_ASSERTS.has(last) && !isEqualityAssertionName(last)) || !argumentsLookVacuous(call)) return undefined;
    } else if ((aliases && !aliases().has(fn.text)) || !argumentsLookVacuous(call)) return undefined; // unresolved: known only through a local alias
    name = effectiveCalleeName(call, names);
  }
  return vacuousAssertionArguments(call, name);
}

/** How many positional arguments a call passes (keywords, splats and comments aside). */
function positionalCount(call: Node): number {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment' && c.type !== 'keyword_argument' && c.type !== 'dictionary_splat').length;
}

/** Keywords that can give the first or the second argument of an assertion. */
const ASSERTION_KEYWORDS = new Set(['expr', 'first', 'actual', 'second', 'desired', 'expected']);

/** The arguments `vacuousAssertionArguments` reads, as `callArguments` would bind them; undefined with `*args`/`**kwargs`. */
function assertionArguments(call: Node): { first?: Node; second?: Node } | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return {};
  if (args.type === 'generator_expression') return { first: args };
  let p0: Node | undefined;
  let p1: Node | undefined;
  // Keyword values by name, the last one given winning as in `callArguments`; most calls have none.
  let kw: Partial<Record<string, Node>> | undefined;
  for (const arg of args.namedChildren) {
    const t = arg.type;
    if (t === 'comment') continue;
    if (t === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      const value = arg.childForFieldName('value');
      if (name && value && ASSERTION_KEYWORDS.has(name.text)) (kw ??= {})[name.text] = value;
    } else if (t === 'list_splat' || t === 'dictionary_splat') return undefined;
    else if (!p0) p0 = arg;
    else p1 ??= arg;
  }
  if (!kw) return { first: p0, second: p1 };
  return { first: p0 ?? kw.expr ?? kw.first ?? kw.actual, second: p1 ?? kw.second ?? kw.desired ?? kw.expected };
}

/** The vacuity of a call of the assertion `name` (its last name as `vacuousAssertionCall` determines it). */
export function vacuousAssertionArguments(call: Node, name: string): VacuousKind | undefined {
  if (!KNOWN_ASSERTS.has(name) && !isEqualityAssertionName(name)) return undefined;
  const args = assertionArguments(call);
  if (!args) return undefined;
  const first = args.first;
  if (TRUE_ASSERTS.has(name)) {
    if (!first) return undefined;
    if (name === 'assertIsNotNone') return isLiteral(first) && unparen(first).type !== 'none' ? 'constant' : undefined;
    if (isOrTrue(first)) return 'or-true';
    if (literalTruth(first) === true || isTautology(first)) return 'constant';
    if (isSelfComparison(first) || elementwiseSelfComparison(first)) return 'self-compare';
    return undefined;
  }
  // `assertIn(x, [x])`: a value is always among a literal collection that lists it. (A literal in a literal,
  // `assertIn('a', ('a', 1))`, tests the `in` operator itself.)
  if (name === 'assertIn') return first && args.second && !isLiteral(first) && listedIn(first, args.second) ? 'self-compare' : undefined;
  if (name === 'assertIsInstance') return first && args.second && isObjectType(args.second) ? 'constant' : undefined;
  if (name === 'assertGreaterEqual' && first && args.second && isNeverNegative(first) && isZero(args.second)) return 'constant';
  if (FALSE_ASSERTS.has(name)) {
    if (!first) return undefined;
    if (literalTruth(first) === false) return 'constant';
    if (isSelfComparison(first, true)) return 'self-compare';
    return undefined;
  }
  if (name === 'assertIsNone') return first && unparen(first).type === 'none' ? 'constant' : undefined;
  if (isEqualityAssertion(name)) {
    const second = args.second;
    if (!first || !second) return undefined;
    // A project's own helper compares its first two arguments only when they are all it takes (and a message):
    // `assertEntryEqual(None, None, None, state, b"_", 0)` passes expected fields first. And two literals are its
    // expected values, not a result.
    if (!EQUAL_ASSERTS.has(name) && (positionalCount(call) > 3 || isLiteral(first))) return undefined;
    // The structural test first: most compared values are calls, which never need their text compared.
    if (!sameValue(first, second, name !== 'assertIs')) return undefined;
    return isLiteral(first) ? 'constant' : 'self-compare';
  }
  return undefined;
}

/** The vacuity of an assertion node (assert statement or assertion call). */
export function vacuityOf(node: Node, names?: NameResolver, aliases?: () => ReadonlySet<string>): VacuousKind | undefined {
  if (node.type === 'assert_statement') return vacuousAssertCondition(node.namedChildren.find((c) => c.type !== 'comment'));
  if (node.type === 'call') return vacuousAssertionCall(node, names, aliases);
  return undefined;
}

/** `assert False`, `assert 0`, `self.fail(...)`, `pytest.fail(...)`: an assertion that always fails (an explicit failure). */
export function isExplicitFailure(node: Node): boolean {
  if (node.type === 'assert_statement') return literalTruth(node.namedChildren.find((c) => c.type !== 'comment')) === false;
  if (node.type === 'call') {
    const name = calleeLastName(node);
    return name === 'fail';
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Skips

export type SkipKind = 'skip' | 'xfail';

export interface SkipSite {
  kind: SkipKind;
  /** The call or raise statement. */
  node: Node;
  /** Human-readable construct, e.g. `pytest.skip()`. */
  display: string;
  /** The reason argument, when given. */
  reason?: Node;
  /** `allow_module_level=True` was passed. */
  moduleLevel: boolean;
}

const SKIP_EXCEPTIONS = /^(unittest(\.case)?\.SkipTest|pytest\.skip\.Exception|_pytest\.outcomes\.(Skipped|skip\.Exception)|nose\.(SkipTest|plugins\.skip\.SkipTest)|numpy\.testing\.SkipTest|test\.support\.ResourceDenied)$/;

function isTrueKeyword(node: Node | undefined): boolean {
  return !!node && unparen(node).type === 'true';
}

/** Last names of the skipping calls and exceptions below: a dotted callee or type ends in one of these. */
const SKIP_CALL_LAST = new Set(['skip', 'xfail', 'skipTest']);
const SKIP_EXCEPTION_LAST = new Set(['SkipTest', 'Exception', 'Skipped', 'ResourceDenied']);

/** An `a.b.attr` node whose `attr` is not in `last`: neither its resolved nor its dotted name can end in one. */
export function attributeNotIn(n: Node | null, last: ReadonlySet<string>): boolean {
  return n?.type === 'attribute' && !last.has(n.childForFieldName('attribute')?.text ?? '');
}

/**
 * Every skip `skipSiteOf` accepts spells one of these words, case and all, in one segment of its name:
 * `skip`, `skipTest`, `SkipTest`, `Skipped`, `skip.Exception`, `xfail`, `ResourceDenied`. A file that
 * mentions none of them (see `mentionedInFile`) has no skip site.
 */
export const SKIP_WORDS = new MentionedWords([
  ['skip', 'kip'],
  ['Skip', 'kip'],
  ['xfail', 'xfail'],
  ['ResourceDenied', 'Denied'],
]);

/** A call or `raise` that skips (or imperatively xfails) the running test, or undefined. */
export function skipSiteOf(node: Node, names: NameResolver): SkipSite | undefined {
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    // `getattr(self, "skipTest")(reason)`: the method looked up by its name.
    const looked = fn?.type === 'call' && fn.childForFieldName('function')?.text === 'getattr' ? callArguments(fn).positional : undefined;
    if (looked?.length === 2 && /^(self|cls)$/.test(looked[0]!.text) && stringValue(looked[1]) === 'skipTest') {
      const args = callArguments(node);
      return { kind: 'skip', node, display: `${looked[0]!.text}.skipTest()`, reason: args.keywords.get('reason') ?? args.positional[0], moduleLevel: false };
    }
    // Most calls are method calls of other names: rejected without resolving anything.
    if (attributeNotIn(fn, SKIP_CALL_LAST)) return undefined;
    const q = resolvedCallee(node, fn, names) ?? '';
    const pytestSkip = q === 'pytest.skip' || q === '_pytest.outcomes.skip';
    const pytestXfail = q === 'pytest.xfail' || q === '_pytest.outcomes.xfail';
    // A bare name's dotted name has no dot: it is never `self.skipTest`.
    if (!pytestSkip && !pytestXfail && fn?.type === 'identifier') return undefined;
    const d = dottedName(fn) ?? '';
    const skipTest = /^(self|cls)\.skipTest$/.test(d);
    if (!pytestSkip && !pytestXfail && !skipTest) return undefined;
    const args = callArguments(node);
    const reason = args.keywords.get('reason') ?? args.keywords.get('msg') ?? args.positional[0];
    if (pytestSkip) return { kind: 'skip', node, display: 'pytest.skip()', reason, moduleLevel: isTrueKeyword(args.keywords.get('allow_module_level')) };
    if (pytestXfail) return { kind: 'xfail', node, display: 'pytest.xfail()', reason, moduleLevel: false };
    return { kind: 'skip', node, display: `${d}()`, reason, moduleLevel: false };
  }
  if (node.type === 'raise_statement') {
    const exc = node.namedChildren.find((c) => c.type !== 'comment' && node.childForFieldName('cause')?.id !== c.id);
    if (!exc) return undefined;
    const e = unparen(exc);
    const target = e.type === 'call' ? e.childForFieldName('function') : e;
    if (attributeNotIn(target, SKIP_EXCEPTION_LAST)) return undefined;
    const q = names.qualify(target) ?? '';
    const d = dottedName(target) ?? '';
    if (SKIP_EXCEPTIONS.test(q) || /(^|\.)SkipTest$/.test(d)) {
      const reason = e.type === 'call' ? callArguments(e).positional[0] : undefined;
      return { kind: 'skip', node, display: `raise ${d || q}`, reason, moduleLevel: false };
    }
  }
  return undefined;
}

/**
 * What follows "needs"/"requires" when the reason is unfinished work on the code itself ("needs rework",
 * "requires more work", "needs to be fixed"), not something the environment lacks ("requires numpy",
 * "needs os.pipe()", "need zlib support"). The objects of the environment are open-ended (any module name),
 * so the work vocabulary is what is excluded.
 */
const DEVELOPMENT_WORK_OBJECT = String.raw`\s+(?:to\s+(?:be\s+)?)?(?:(?:a|an|the|some|more|further|much|major|minor|serious)\s+)*(?:re-?work\w*|work\b|fix\w*|updat\w*|refactor\w*|rewrit\w*|review\w*|investigat\w*|attention|love|thought|chang\w*|implement\w*|debugging|debugged|clean-?ups?\b|cleaning|porting|ported|adjust\w*|adapting|adaptation|adapted|tweak\w*|redesign\w*|rethink\w*|rethought|revisit\w*|reconsider\w*|looking|looked|checking|checked|verification|verifying|triag\w*|finishing|finished|completion|completing|polish\w*|improv\w*|overhaul\w*|re-?generat\w*|re-?record\w*|re-?comput\w*|re-?calculat\w*)`;

/**
 * Reasons that name something outside the code under test — the network, a host, the platform, the
 * machine's resources, the run time, a tracked issue — are what project skips look like. A reason that
 * says "failing", "broken", "TODO" (or no reason at all) is what skipping the failing tests looks like.
 */
const EXTERNAL_REASON = new RegExp(
  [
    String.raw`network|internet|\bconnect|offline|online|\bhosts?\b|\bservers?\b|\burl\b|https?:|\bdns\b|socket|proxy|firewall`,
    String.raw`\.(com|org|net|edu|io)\b`,
    String.raw`platform|environment|\bos\b|windows|win32|cygwin|linux|mac ?os|darwin|freebsd|openbsd|netbsd|solaris|\baix\b|android|\bios\b|wasi|wasm|emscripten|\*nix|posix`,
    // Distributions and packagers: a downstream skip ("not working on Debian", "fails in the Fedora build root").
    String.raw`\b(debian|ubuntu|fedora|centos|rhel|red ?hat|alpine|gentoo|opensuse|suse|nixos|homebrew|conda|buildd|build ?root|sbuild|pbuilder|autopkgtest)\b`,
    String.raw`buildbots?|\bci\b|docker|container|sandbox`,
    String.raw`\bhours?\b|\bminutes\b|slow|long[- ]running|takes? (too )?long|timeout|time-consuming|expensive`,
    String.raw`resources?\b|memory|\bram\b|\bdisk\b|\bgpu\b|cuda|display|\bgui\b|\bx11\b|\btk\b|\broot\b|privilege|permission|admin`,
    String.raw`locale|encoding|filesystem|file ?system|case[- ]insensitive|symlink`,
    String.raw`not (available|installed|supported|present|found)|unavailable|unsupported|\b(requires?|needs?)\b(?!${DEVELOPMENT_WORK_OBJECT})|missing|is gone|no longer (available|exists|online)|\bdependenc|\bdepends? on\b|\bwith -O|optimi[sz]ation|\bPYTHONOPTIMIZE`,
    // A tracked issue is a reference (`#1234`, `gh-12`, `issue 4012`, an issue URL); "known issue" alone is no reference.
    String.raw`\bbpo-?\d|\bgh-?\d|\bissues? ?#?\d|\bbug ?#?\d|#\d{2,}|\bpep ?\d|\bb/\d{4,}|\bissues?/\d+`,
    String.raw`\bpython ?[23]|\bpypy|jython|ironpython|32-?bit|64-?bit|endian|\bversion\b`,
    // Someone else's code: a dependency's own bug ("upstream kjd/idna#172", "third-party wheel").
    String.raw`\bupstream\b|\bthird[- ]party\b`,
  ].join('|'),
  'i',
);

/**
 * What names the environment beyond doubt (a platform, the network, an issue number, a Python version), as
 * opposed to the generic "not supported", "requires", "missing", which also describe a feature nobody wrote yet.
 */
const SPECIFIC_EXTERNAL_REASON = new RegExp(
  [
    String.raw`network|internet|\bconnect|offline|online|\bhosts?\b|\bservers?\b|\burl\b|https?:|\bdns\b|socket|proxy|firewall`,
    String.raw`windows|win32|cygwin|linux|mac ?os|darwin|freebsd|openbsd|netbsd|solaris|\baix\b|android|\bios\b|wasi|wasm|emscripten|\bpypy|jython|ironpython|32-?bit|64-?bit|endian|\b(debian|ubuntu|fedora|centos|rhel|alpine|gentoo|opensuse|nixos|autopkgtest)\b`,
    String.raw`\bbpo-?\d|\bgh-?\d|\bissues? ?#?\d|\bbug ?#?\d|#\d{2,}|\bpep ?\d|\bb/\d{4,}|\bissues?/\d+|\bpython ?[23]`,
  ].join('|'),
  'i',
);

/**
 * A tracker key (`PROJ-123`, `CSV-412`): capitals, a dash, a number. Spellings of standards and encodings
 * (`UTF-8`, `ISO-8859`, `SHA-256`) are not issues.
 */
const TRACKER_KEY = /\b(?!(?:UTF|UCS|ISO|SHA|MD|CP|RFC|PEP|IEEE|ECMA|X|ANSI|TLS|SSL|HTTP|IPV|AES|DES|RSA|CRC|PY|COVID)-)[A-Z][A-Z0-9]{1,9}-\d+\b/;

/** Downstream build farms: a packager's skip names the builder ("flaky on the buildds"). */
const BUILD_FARM = /\b(buildds?|build ?farms?|build ?roots?|sbuild|pbuilder|autopkgtest|koji|obs)\b/i;

/**
 * "flaky", "intermittent", "sporadic": the test fails now and then, which says nothing about what this machine
 * lacks. A skip for it hides the test everywhere, so only a named platform, build farm or tracked issue
 * ("flaky on Windows", "intermittent, see gh-123") makes it a reason outside the code; "flaky on CI" does not.
 */
const FLAKY = /\bflak(?:y|ey|iness|es)\b|\bintermittent|\bsporadic|\bnon-?deterministic|\brandomly (?:fail|break|hang)/i;

/** Words that say the reason is work left undone on the code itself: "not supported yet", "TODO", "for now". */
const UNFINISHED_WORK = /\byet\b|\btodo\b|\bfixme\b|\bfor now\b|\bwip\b|work in progress|\b(?:not|un)[ -]?implemented\b/i;

export type ReasonVerdict = 'external' | 'none' | 'unknown' | 'internal';

/** Reads a skip's reason: none given, not a literal, external (environment, tracked issue) or internal. */
export function classifyReason(reason: Node | undefined): ReasonVerdict {
  if (!reason) return 'none';
  const n = unparen(reason);
  let text = stringValue(n);
  if (text === undefined) {
    // f-strings, `%`-formatting and concatenation: judge the literal parts.
    const parts: string[] = [];
    const stack = [n];
    while (stack.length) {
      const c = stack.pop()!;
      if (c.type === 'string_content') parts.push(c.text);
      for (const k of c.namedChildren) stack.push(k);
    }
    if (!parts.length) return 'unknown';
    text = parts.join(' ');
  }
  return classifyReasonText(text);
}

/** Classifies free text (a reason, or the comments next to a disabled test). */
export function classifyReasonText(text: string): ReasonVerdict {
  if (!text.trim()) return 'none';
  const tracked = TRACKER_KEY.test(text);
  if (FLAKY.test(text)) return tracked || SPECIFIC_EXTERNAL_REASON.test(text) || BUILD_FARM.test(text) ? 'external' : 'internal';
  if (tracked) return 'external';
  if (!EXTERNAL_REASON.test(text)) return 'internal';
  // "quotes not supported yet", "requires a rewrite, TODO": a generic need that is the project's unfinished work.
  return UNFINISHED_WORK.test(text) && !SPECIFIC_EXTERNAL_REASON.test(text) ? 'internal' : 'external';
}

/** A reason that says the tests fail: "flaky", "timing-sensitive", "broken", "fails", "race condition", "hangs". */
const SAYS_TESTS_FAIL = /\bflak(?:y|ey|iness)\b|\bintermittent|\bsporadic|\btiming[- ](?:sensitive|dependent|related|issues?)|\btiming\b|\bbroken\b|\bbreaks?\b|\bfail(?:s|ing|ures?|ed)?\b|\brac(?:e|y|es)\b|\bhangs?\b|\bunstable\b|\bunreliable\b|\bdeadlocks?\b/i;

/** Where the project's own test runs happen ("CI", "CI runners", "GitHub Actions"), and references to its tracker. */
const CI_OR_ISSUE = /\bci\b(?:[- ]?(?:runners?|servers?|machines?|builds?|jobs?))?|\bgithub actions\b|\btravis\b|\bappveyor\b|\bbpo-?\d+|\bgh-?#?\s?\d+|\bissues? ?#?\d+|\bbug ?#?\d+|#\d{2,}|\bb\/\d{4,}|https?:\/\/github\.com\/\S*\/(?:issues|pull)\/\d+/gi;
/** A tracker key (`PROJ-123`): capitals only. */
const TRACKER_KEY_ANYWHERE = /\b[A-Z][A-Z0-9]{1,9}-\d+\b/g;

/**
 * `classifyReasonText` for the reason of a skip of a whole module or class (or of tests taken out of every run). A reason that says the tests fail ("timing-sensitive, see
 * #412", "flaky on CI", "broken on CI runners") and names nothing else outside the code than the project's CI or an
 * issue number is the failure being hidden, with a ticket: it keeps the warning. The project's CI is where its tests
 * are meant to run, and a ticket does not make a skip conditional. A platform, a distribution, the network or a
 * resource ("fails on Windows", "flaky convergence, https://bugs.debian.org/944054") still makes it info, and so does
 * a bare reference without a claim of failure ("see gh-1234"). A non-strict xfail (`marksFailure`) is such a claim
 * by itself: `xfail(reason="rewrite in progress (#482)")` keeps the warning. A skip (not an xfail) whose reason,
 * without the reference, is the project's own unfinished work (`ticketOnlyExcuse`) keeps it as well.
 */
export function blanketReasonTextVerdict(text: string, marksFailure = false, skips = true): ReasonVerdict {
  const verdict = classifyReasonText(text);
  if (verdict !== 'external') return verdict;
  if (!marksFailure && !SAYS_TESTS_FAIL.test(text)) return skips && ticketOnlyExcuse(text) ? 'internal' : verdict;
  return classifyReasonText(text.replace(CI_OR_ISSUE, ' ').replace(TRACKER_KEY_ANYWHERE, ' ')) === 'external' ? 'external' : 'internal';
}

/** Words that only point at a ticket ("see", "until ... is fixed"), not at a reason of their own. */
const POINTER_WORDS = /^(see|until|till|fixed|fix|resolved|for|the|and|issue|issues|bug|bugs|ticket|tickets|tracked|details|info|also|ref|refs|cf|wait|waiting|blocked|by|on|is|are|in|of|to|a|an)$/i;

/**
 * A reason that cites a ticket for what is the project's own unfinished work ("pending FIN-212 sign-off",
 * "fixtures being regenerated for the DST rework (SCHED-412)"): without the reference it names nothing outside
 * the code, so the ticket only dates the skip. A bare pointer ("see gh-1234", "until #88 is fixed") stays info.
 */
function ticketOnlyExcuse(text: string): boolean {
  const rest = text.replace(CI_OR_ISSUE, ' ').replace(TRACKER_KEY_ANYWHERE, ' ');
  if (rest === text) return false;
  const words = (rest.match(/[A-Za-z][A-Za-z'-]+/g) ?? []).filter((w) => !POINTER_WORDS.test(w));
  return words.length >= 2 && classifyReasonText(rest) === 'internal';
}

/** A short quote of a reason for messages. */
export function quoteReason(reason: Node | undefined): string {
  if (!reason) return '';
  const v = stringValue(reason);
  const t = v ?? reason.text;
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

/** Is `node` a statement executed every time its function runs (directly in the body, or inside `with` / try bodies on that path)? */
export function isUnconditionalIn(node: Node, scope: Node): boolean {
  for (let p = node.parent; p && p.id !== scope.id; p = p.parent) {
    switch (p.type) {
      case 'block':
      case 'expression_statement':
      case 'with_statement':
      case 'raise_statement':
      case 'call':
      case 'argument_list':
      case 'keyword_argument':
        continue;
      case 'try_statement':
        // Only the try body is on the unconditional path.
        continue;
      default:
        return false;
    }
  }
  return true;
}

/** True when `node` is inside the `body` block of a try statement (not a handler, else or finally). */
export function inTryBodyOnly(node: Node, scope: Node): boolean {
  for (let p = node.parent; p && p.id !== scope.id; p = p.parent) {
    if (p.type === 'except_clause' || p.type === 'else_clause' || p.type === 'finally_clause' || p.type === 'except_group_clause') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Names: where an identifier binds and where it is read

/** What an identifier occurrence does with its name. `neither`: it is an attribute or keyword name, not the variable. */
export type NameUse = 'read' | 'bind' | 'neither';

/** Nodes that group assignment targets (`a, b = ...`, `[a, *b] = ...`, `(a) = ...`). */
const TARGET_GROUPS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'tuple', 'list', 'expression_list']);
/** Nodes whose identifiers all bind (imports, declarations, parameters, match captures). */
const BINDING_PARENTS = new Set([
  'as_pattern_target', 'aliased_import', 'dotted_name', 'global_statement', 'nonlocal_statement', 'parameters', 'lambda_parameters',
  'list_splat_pattern', 'dictionary_splat_pattern', 'splat_pattern', 'keyword_pattern', 'case_pattern', 'typed_parameter', 'delete_statement',
]);
/** Statements and clauses whose `left` (or `name`) field binds what it holds. */
const TARGET_OWNERS = new Set(['assignment', 'augmented_assignment', 'for_statement', 'for_in_clause']);

/** `name` is bound in the function itself (a parameter, an assignment, a loop, `with` or `except` target), not only in a nested scope. */
export function bindsInFunction(fn: Node, name: string): boolean {
  if (parameterNames(fn).includes(name)) return true;
  const body = fn.childForFieldName('body');
  let bound = false;
  if (body) {
    forEachInScope(body, (n) => {
      if (bound) return false;
      if (n.type === 'identifier' && n.text === name && nameUse(n) === 'bind') bound = true;
      return !bound;
    });
  }
  return bound;
}

/**
 * How `id` uses its name: bound (assignment target, loop variable, `as` target, import, parameter, `del`,
 * `global`), read, or neither (`obj.name`, `f(name=...)`). Unknown shapes count as reads.
 */
export function nameUse(id: Node): NameUse {
  const p = id.parent;
  if (!p) return 'read';
  const t = p.type;
  if (t === 'attribute') return p.childForFieldName('attribute')?.id === id.id ? 'neither' : 'read';
  if (t === 'keyword_argument') return p.childForFieldName('name')?.id === id.id ? 'neither' : 'read';
  if (t === 'default_parameter' || t === 'typed_default_parameter' || t === 'named_expression' || t === 'function_definition' || t === 'class_definition') {
    return p.childForFieldName('name')?.id === id.id ? 'bind' : 'read';
  }
  if (t === 'as_pattern') return p.childForFieldName('alias')?.id === id.id ? 'bind' : 'read';
  if (BINDING_PARENTS.has(t)) return 'bind';
  // A target, possibly inside a tuple or list of targets: climb the groups to the statement that owns them.
  let target: Node = id;
  for (let q: Node | null = p; q; q = q.parent) {
    if (TARGET_OWNERS.has(q.type)) return q.childForFieldName('left')?.id === target.id ? 'bind' : 'read';
    if (q.type === 'delete_statement') return 'bind';
    if (!TARGET_GROUPS.has(q.type)) return 'read';
    target = q;
  }
  return 'read';
}

// ---------------------------------------------------------------------------------------------------
// Module constants

/** Immutable literals whose truth a name keeps as long as nothing rebinds it. */
const CONSTANT_VALUE_TYPES = new Set(['true', 'false', 'none', 'integer', 'float', 'string', 'concatenated_string', 'unary_operator', 'not_operator']);

const moduleConstantsCache = new WeakMap<Node, Map<string, Node | null>>();

/**
 * The literal of `NAME = False` (or `True`, `0`, `None`, `"x"`) at module level, when that assignment is the only
 * binding of `NAME` anywhere in the file (no second assignment, `global` rebinding, loop, import or `del`) and
 * the name is not spelled in a string (`monkeypatch.setattr(mod, "NAME", True)`): the name always holds it.
 */
export function moduleConstant(root: Node, source: string, name: string): Node | undefined {
  let cache = moduleConstantsCache.get(root);
  if (!cache) moduleConstantsCache.set(root, (cache = new Map()));
  let verdict = cache.get(name);
  if (verdict === undefined) {
    verdict = null;
    let value: Node | undefined;
    let target: Node | undefined;
    for (const stmt of root.namedChildren) {
      const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
      const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
      if (left?.type !== 'identifier' || left.text !== name) continue;
      if (target) {
        target = undefined;
        break;
      }
      target = left;
      const right = a!.childForFieldName('right');
      value = right && CONSTANT_VALUE_TYPES.has(unparen(right).type) && literalTruth(right) !== undefined ? right : undefined;
    }
    // The name spelled in a string, alone or at the end of a dotted path (`setattr(mod, "NAME", ...)`, `patch("pkg.mod.NAME", ...)`).
    if (target && value && !new RegExp(`['".]${name}['"]`).test(source)) {
      const rebound = root.descendantsOfType('identifier').some((n) => n!.text === name && n!.id !== target!.id && nameUse(n!) === 'bind');
      if (!rebound) verdict = value;
    }
    cache.set(name, verdict);
  }
  return verdict ?? undefined;
}

/**
 * The truth of a condition made of literals and module constants (`False`, `CHECK_VALUES`, `not KNOWN_BROKEN`),
 * also constants another module of the project defines (`from ._compat import HAS_TZDB`), given `project`.
 */
export function constantTruth(cond: Node | null | undefined, root: Node, source: string, project?: Pick<RuleContext, 'names' | 'imported'>): boolean | undefined {
  if (!cond) return undefined;
  const literal = literalTruth(cond);
  if (literal !== undefined) return literal;
  const c = unparen(cond);
  if (c.type === 'identifier') {
    const value = moduleConstant(root, source, c.text);
    if (value) return literalTruth(value);
    const fact = project?.imported(project.names.alias(c.text));
    return fact?.kind === 'constant' ? fact.literal === 'True' : undefined;
  }
  if (c.type === 'attribute' && project) {
    // `vecmath.HAS_SIMD` after `import vecmath`: a constant of another module of the project.
    const fact = project.imported(project.names.qualify(c));
    return fact?.kind === 'constant' ? fact.literal === 'True' : undefined;
  }
  if (c.type === 'not_operator') {
    const inner = constantTruth(c.childForFieldName('argument'), root, source, project);
    return inner === undefined ? undefined : !inner;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Loops over literal case lists: `for case in CASES: if <condition on case>: pytest.skip(...)`

/** A Python value known without running code: None, bools, numbers, strings, tuples/lists, dicts with scalar keys. */
type PyValue = null | boolean | number | string | PyValue[] | PyDict;
class PyDict {
  constructor(readonly entries: Map<string | number | boolean | null, PyValue>) {}
}
const UNKNOWN = Symbol('unknown');
type Known = PyValue | typeof UNKNOWN;

/** Methods that change a list or dict in place (a module name called with one is no constant case list). */
const MUTATING_METHODS = new Set(['append', 'extend', 'insert', 'remove', 'pop', 'clear', 'sort', 'reverse', 'update', 'add', 'discard', 'setdefault', 'popitem']);
/** Builtins that read a case list without changing it. */
const READING_BUILTINS = new Set(['len', 'list', 'tuple', 'sorted', 'enumerate', 'zip', 'iter', 'reversed', 'set', 'dict', 'any', 'all', 'print', 'str', 'repr', 'min', 'max', 'sum']);

const moduleLiteralCache = new WeakMap<Node, Map<string, Node | null>>();

/**
 * The literal a module name always holds (`CASES = [("apple", None)]`, `RATES = {"usd": None}`): its only binding
 * is one module-level assignment, nothing mutates it (`CASES.append(...)`, `CASES[0] = ...`, `del CASES[0]`, a
 * call that is handed it other than a reading builtin or `parametrize`) and no string spells its name (`setattr`).
 */
function moduleLiteral(root: Node, source: string, name: string): Node | undefined {
  let cache = moduleLiteralCache.get(root);
  if (!cache) moduleLiteralCache.set(root, (cache = new Map()));
  let verdict = cache.get(name);
  if (verdict === undefined) {
    verdict = null;
    const values = moduleAssignments(root).get(name);
    const value = values?.length === 1 ? values[0]! : undefined;
    const target = value?.parent?.type === 'assignment' ? value.parent.childForFieldName('left') : null;
    if (value && target?.type === 'identifier' && !new RegExp(`['".]${name}['"]`).test(source)) {
      const changed = root.descendantsOfType('identifier').some((id) => id!.text === name && id!.id !== target.id && mayChange(id!));
      if (!changed) verdict = value;
    }
    cache.set(name, verdict);
  }
  return verdict ?? undefined;
}

/** Can this mention of a name rebind or change the value it holds? */
function mayChange(id: Node): boolean {
  if (nameUse(id) === 'bind') return true;
  const p = id.parent;
  if (p?.type === 'attribute') return p.childForFieldName('object')?.id === id.id && MUTATING_METHODS.has(p.childForFieldName('attribute')?.text ?? '');
  if (p?.type === 'subscript' && p.childForFieldName('value')?.id === id.id) {
    const owner = p.parent;
    return owner?.type === 'delete_statement' || ((owner?.type === 'assignment' || owner?.type === 'augmented_assignment') && owner.childForFieldName('left')?.id === p.id);
  }
  if (p?.type === 'argument_list') {
    const callee = p.parent?.childForFieldName('function');
    const last = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
    return !(last && (READING_BUILTINS.has(last) || last === 'parametrize'));
  }
  return false;
}

/** The value of a literal expression (module names bound to literals followed), or UNKNOWN. */
function literalValue(node: Node, root: Node, source: string, depth = 0): Known {
  if (depth > 8) return UNKNOWN;
  const n = unparen(node);
  switch (n.type) {
    case 'none':
      return null;
    case 'true':
      return true;
    case 'false':
      return false;
    case 'integer':
    case 'float': {
      const t = n.text.replace(/_/g, '').toLowerCase();
      const v = t.endsWith('j') ? NaN : Number(t);
      return Number.isNaN(v) ? UNKNOWN : v;
    }
    case 'string':
    case 'concatenated_string':
      return stringValue(n) ?? UNKNOWN;
    case 'unary_operator': {
      const v = literalValue(n.childForFieldName('argument')!, root, source, depth + 1);
      const op = n.child(0)?.type;
      return typeof v === 'number' && (op === '-' || op === '+') ? (op === '-' ? -v : v) : UNKNOWN;
    }
    case 'tuple':
    case 'list': {
      const out: PyValue[] = [];
      for (const c of n.namedChildren) {
        if (c.type === 'comment') continue;
        const v = literalValue(c, root, source, depth + 1);
        if (v === UNKNOWN) return UNKNOWN;
        out.push(v);
      }
      return out;
    }
    case 'dictionary': {
      const entries = new Map<string | number | boolean | null, PyValue>();
      for (const c of n.namedChildren) {
        if (c.type === 'comment') continue;
        if (c.type !== 'pair') return UNKNOWN;
        const k = literalValue(c.childForFieldName('key')!, root, source, depth + 1);
        const v = literalValue(c.childForFieldName('value')!, root, source, depth + 1);
        if (k === UNKNOWN || v === UNKNOWN || (k !== null && typeof k === 'object')) return UNKNOWN;
        entries.set(k, v);
      }
      return new PyDict(entries);
    }
    case 'identifier': {
      const bound = moduleLiteral(root, source, n.text);
      return bound ? literalValue(bound, root, source, depth + 1) : UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function pyTruth(v: PyValue): boolean {
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyDict) return v.entries.size > 0;
  return typeof v === 'string' ? v.length > 0 : typeof v === 'number' ? v !== 0 : v;
}

function pyEqual(a: PyValue, b: PyValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]!));
  if (a instanceof PyDict && b instanceof PyDict) return a.entries.size === b.entries.size && [...a.entries].every(([k, v]) => b.entries.has(k) && pyEqual(v, b.entries.get(k)!));
  // `True == 1` in Python: compare bools as numbers.
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  return x === y;
}

/** One comparison `a <op> b`, or UNKNOWN where Python would raise or the types are not handled. */
function compare(op: string, a: PyValue, b: PyValue): Known {
  switch (op) {
    case '==':
      return pyEqual(a, b);
    case '!=':
      return !pyEqual(a, b);
    case 'is':
    case 'is not': {
      // Identity is known for the singletons only.
      const singleton = (v: PyValue) => v === null || typeof v === 'boolean';
      if (!singleton(a) && !singleton(b)) return UNKNOWN;
      return (a === b) === (op === 'is');
    }
    case 'in':
    case 'not in': {
      let found: boolean;
      if (Array.isArray(b)) found = b.some((x) => pyEqual(a, x));
      else if (b instanceof PyDict) found = (a === null || typeof a !== 'object') && [...b.entries.keys()].some((k) => pyEqual(a, k));
      else if (typeof b === 'string' && typeof a === 'string') found = b.includes(a);
      else return UNKNOWN;
      return found === (op === 'in');
    }
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const num = (v: PyValue) => (typeof v === 'boolean' ? Number(v) : v);
      const x = num(a);
      const y = num(b);
      if (!((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string'))) return UNKNOWN;
      return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
    }
    default:
      return UNKNOWN;
  }
}

/** Evaluates a condition over known values (`price is None`, `case["ready"]`, `name in ("a", "b")`, `not ok`), or UNKNOWN. */
function evaluate(node: Node, env: ReadonlyMap<string, PyValue>, root: Node, source: string, depth = 0): Known {
  if (depth > MAX_EXPR_DEPTH) return UNKNOWN;
  const n = unparen(node);
  const sub = (c: Node | null) => (c ? evaluate(c, env, root, source, depth + 1) : UNKNOWN);
  switch (n.type) {
    case 'identifier':
      return env.has(n.text) ? env.get(n.text)! : literalValue(n, root, source);
    case 'not_operator': {
      const v = sub(n.childForFieldName('argument'));
      return v === UNKNOWN ? UNKNOWN : !pyTruth(v);
    }
    case 'boolean_operator': {
      const left = sub(n.childForFieldName('left'));
      if (left === UNKNOWN) return UNKNOWN;
      const isOr = n.child(1)?.type === 'or';
      return pyTruth(left) === isOr ? left : sub(n.childForFieldName('right'));
    }
    case 'comparison_operator': {
      // A chain `a < b < c`: operands are the named children, operators the anonymous tokens between them.
      const operands = n.namedChildren.filter((c) => c.type !== 'comment');
      const ops: string[] = [];
      let pending: string[] = [];
      for (let i = 0; i < n.childCount; i++) {
        const c = n.child(i)!;
        if (c.isNamed) {
          if (pending.length) ops.push(pending.join(' '));
          pending = [];
        } else pending.push(c.type);
      }
      if (ops.length !== operands.length - 1) return UNKNOWN;
      let left = sub(operands[0]!);
      for (let i = 0; i < ops.length; i++) {
        const right = sub(operands[i + 1]!);
        if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
        const r = compare(ops[i]!, left, right);
        if (r !== true) return r;
        left = right;
      }
      return true;
    }
    case 'subscript': {
      const value = sub(n.childForFieldName('value'));
      const index = n.childrenForFieldName('subscript');
      if (value === UNKNOWN || index.length !== 1) return UNKNOWN;
      const key = sub(index[0]!);
      if (key === UNKNOWN) return UNKNOWN;
      if (Array.isArray(value) && typeof key === 'number' && Number.isInteger(key)) {
        const at = key < 0 ? value.length + key : key;
        return at >= 0 && at < value.length ? value[at]! : UNKNOWN;
      }
      if (value instanceof PyDict && (key === null || typeof key !== 'object')) return value.entries.has(key) ? value.entries.get(key)! : UNKNOWN;
      return UNKNOWN;
    }
    case 'call': {
      // `len(case)`: the one builtin conditions on cases commonly use.
      const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      if (n.childForFieldName('function')?.text !== 'len' || args.length !== 1) return UNKNOWN;
      const v = sub(args[0]!);
      return Array.isArray(v) || typeof v === 'string' ? v.length : v instanceof PyDict ? v.entries.size : UNKNOWN;
    }
    default:
      return literalValue(n, root, source, depth + 1);
  }
}

export interface LoopGuard {
  loop: Node;
  condition: Node;
  /** The listed case the condition holds for. */
  element: Node;
}

/**
 * `for item, price in CASES: if price is None: pytest.skip(...)` where `CASES` is a literal (or a module name only
 * ever bound to one) and some listed case meets the condition: the loop reaches that case on every run, so the
 * statement `stmt` (directly in the `if` body) always runs. The loop must not leave early (`break`, `continue`,
 * `return`), and nothing before the `if` in the loop body may rebind a name the condition reads. Cases that come
 * from data (`load_cases()`), a list that something changes, or a condition on anything else are real conditions.
 */
export function alwaysTakenLoopGuard(stmt: Node, root: Node, source: string): LoopGuard | undefined {
  const ifBlock = stmt.parent;
  const ifStmt = ifBlock?.parent;
  if (ifBlock?.type !== 'block' || ifStmt?.type !== 'if_statement' || ifStmt.childForFieldName('consequence')?.id !== ifBlock.id) return undefined;
  const loopBody = ifStmt.parent;
  const loop = loopBody?.parent;
  if (loopBody?.type !== 'block' || loop?.type !== 'for_statement' || loop.childForFieldName('body')?.id !== loopBody.id) return undefined;
  const condition = ifStmt.childForFieldName('condition');
  const target = loop.childForFieldName('left');
  const iterable = loop.childForFieldName('right');
  if (!condition || !target || !iterable) return undefined;
  // The listed cases, as nodes (for the message) and values.
  let list = unparen(iterable);
  if (list.type === 'identifier') list = moduleLiteral(root, source, list.text) ?? list;
  if (list.type !== 'list' && list.type !== 'tuple') return undefined;
  let leaves = false;
  forEachInScope(loopBody, (n) => {
    if (n.type === 'break_statement' || n.type === 'continue_statement' || n.type === 'return_statement') leaves = true;
    return !leaves;
  });
  if (leaves) return undefined;
  const read = new Set(condition.descendantsOfType('identifier').map((id) => id!.text));
  if (condition.type === 'identifier') read.add(condition.text);
  for (let s: Node | null | undefined = loopBody.namedChildren[0]; s && s.id !== ifStmt.id; s = s.nextNamedSibling) {
    if (s.descendantsOfType('identifier').some((id) => read.has(id!.text) && nameUse(id!) === 'bind')) return undefined;
  }
  const t = unparen(target);
  const names = t.type === 'identifier' ? undefined : t.namedChildren.map(unparen);
  if (names && (!['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple'].includes(t.type) || names.some((c) => c.type !== 'identifier'))) return undefined;
  for (const element of list.namedChildren) {
    if (element.type === 'comment') continue;
    const value = literalValue(element, root, source);
    if (value === UNKNOWN) return undefined;
    const env = new Map<string, PyValue>();
    if (!names) env.set(t.text, value);
    else if (Array.isArray(value) && value.length === names.length) names.forEach((c, i) => env.set(c.text, value[i]!));
    else return undefined;
    const holds = evaluate(condition, env, root, source);
    if (holds === UNKNOWN) return undefined;
    if (pyTruth(holds)) return { loop, condition, element };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Skip and xfail marks

/** What reading a mark needs: names resolved through imports, the module (for constants) and its text. */
export type MarkContext = Pick<RuleContext, 'names' | 'root' | 'source' | 'imported'>;

export interface MarkSkip {
  node: Node;
  display: string;
  reason?: Node;
  /** For an `xfail` mark: how it neutralises the tests (`skip` marks leave this undefined). */
  xfail?: XfailKind;
  /** The condition is a version comparison every real Python 3 answers the same way (`sys.version_info < (99,)`). */
  versionGate?: boolean;
}

/**
 * `never-run`: `xfail(run=False)`, the tests are not even run. `lenient`: a non-strict xfail, failures read as
 * expected and passes as XPASS. `strict`: `strict=True` (a pass fails the run) or `raises=` a specific type
 * (other failures still fail): the documented way to track known failures, but blanket.
 */
export type XfailKind = 'never-run' | 'lenient' | 'strict';

const BROAD_EXCEPTIONS = /(^|\.)(Exception|BaseException|AssertionError)$/;

/** `pytest.mark.xfail(...)` without a condition (or with a literally true one), or undefined. */
export function unconditionalXfailMark(expr: Node, ctx: MarkContext): MarkSkip | undefined {
  const n = unparen(expr);
  const target = n.type === 'call' ? n.childForFieldName('function') : n;
  // Cheap test first: the mark's last name is `xfail`.
  if (target?.type !== 'attribute' || target.childForFieldName('attribute')?.text !== 'xfail') return undefined;
  const d = dottedName(target) ?? '';
  const q = ctx.names.qualify(target) ?? '';
  if (!/^(pytest\.mark|_pytest\.mark\.MARK_GEN)\.xfail$/.test(q) && !/(^|\.)mark\.xfail$/.test(d)) return undefined;
  const args = n.type === 'call' ? callArguments(n) : undefined;
  const cond = args?.positional[0] ?? args?.keywords.get('condition');
  // A condition (an expression, or a string pytest evaluates) makes it a gate like `skipif`.
  if (cond && (unparen(cond).type === 'string' ? !isTrueConditionString(cond) : constantTruth(cond, ctx.root, ctx.source, ctx) !== true)) return undefined;
  const reason = args?.keywords.get('reason') ?? args?.positional[1];
  const run = args?.keywords.get('run');
  const strict = args?.keywords.get('strict');
  const raises = args?.keywords.get('raises');
  let xfail: XfailKind = 'lenient';
  if (run && literalTruth(run) === false) xfail = 'never-run';
  else if (strict && literalTruth(strict) === true) xfail = 'strict';
  else if (raises && !exceptionNames(raises).some((t) => BROAD_EXCEPTIONS.test(t))) xfail = 'strict';
  return { node: n, display: `${d || 'pytest.mark.xfail'}${xfail === 'never-run' ? '(run=False)' : ''}`, reason, xfail };
}

/** The exception types named by `raises=` (a name or a tuple of names). */
function exceptionNames(value: Node): string[] {
  const v = unparen(value);
  const items = v.type === 'tuple' || v.type === 'list' ? v.namedChildren.filter((c) => c.type !== 'comment') : [v];
  return items.map((c) => dottedName(c) ?? '?');
}

/** A skip or xfail mark that neutralises every test in its scope. */
export function blanketMark(expr: Node, ctx: MarkContext): MarkSkip | undefined {
  const mark = markValue(expr, ctx);
  return unconditionalSkipMark(mark, ctx) ?? unconditionalXfailMark(mark, ctx) ?? expectedFailureMark(mark, ctx);
}

/**
 * `@unittest.expectedFailure`: on a class it marks every test as a known failure. An unexpected success
 * fails the run (since Python 3.4), so it behaves like a strict xfail.
 */
export function expectedFailureMark(expr: Node, ctx: MarkContext): MarkSkip | undefined {
  const n = unparen(expr);
  if (n.type !== 'attribute' && n.type !== 'identifier') return undefined;
  if (!/(^|\.)expectedFailure$/.test(n.text)) return undefined;
  if (!/^unittest(\.case)?\.expectedFailure$/.test(ctx.names.qualify(n) ?? '')) return undefined;
  return { node: n, display: dottedName(n) ?? 'unittest.expectedFailure', xfail: 'strict' };
}

/**
 * A comparison of the running Python's version that every real Python 3 (3.0 to 3.99) answers the same way:
 * `sys.version_info >= (3,)`, `sys.version_info < (99,)`, `sys.version_info[:2] > (2, 7)`, `sys.version_info[0] > 1`,
 * `sys.version_info.major >= 3` (true) or `sys.version_info < (3,)`, `sys.version_info >= (4,)` (false).
 * Comparisons that some of those versions meet and others do not (`< (3, 10)`) are real gates.
 */
export function versionTruth(cond: Node, ctx: MarkContext): boolean | undefined {
  const c = unparen(cond);
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2) return undefined;
  let [left, right] = c.namedChildren as [Node, Node];
  let op = comparisonOperator(c);
  const flipped: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
  let range = versionRange(left, ctx);
  if (!range) {
    range = versionRange(right, ctx);
    if (!range || !flipped[op]) return undefined;
    [left, right] = [right, left];
    op = flipped[op]!;
  }
  const r = unparen(right);
  const items = r.type === 'tuple' ? r.namedChildren.filter((x) => x.type !== 'comment') : [r];
  // Integer parts only: a release level (`"final"`) or a name makes it no constant.
  if (!items.length || items.some((x) => x.type !== 'integer') || (r.type === 'tuple') !== range.tuple) return undefined;
  const bound = items.map((x) => Number(x.text));
  // `sys.version_info`'s fourth part is the release level, a string: no integer tuple reaches it without a TypeError.
  if (bound.length > 3 && range.ends[0].length > 3) return undefined;
  // `==` / `!=` decide only for a bound outside the range (`sys.version_info[0] == 2`).
  if (op === '==' || op === '!=') {
    const outside = compareVersions('<', bound, range.ends[0]) || compareVersions('>', bound, range.ends[1]);
    return outside ? op === '!=' : undefined;
  }
  // The oldest and the newest version: a comparison is monotonic in the version, so what both ends answer, all do.
  const [low, high] = range.ends.map((end) => compareVersions(op, end, bound));
  return low !== undefined && low === high ? low : undefined;
}

/**
 * `a op b` for version tuples (Python's tuple ordering: the first differing part decides, then the longer
 * tuple is the greater).
 */
function compareVersions(op: string, a: readonly number[], b: readonly number[]): boolean | undefined {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length) && d === 0; i++) d = Math.sign(a[i]! - b[i]!);
  if (d === 0) d = Math.sign(a.length - b.length);
  switch (op) {
    case '<': return d < 0;
    case '<=': return d <= 0;
    case '>': return d > 0;
    case '>=': return d >= 0;
    default: return undefined;
  }
}

/**
 * The oldest and the newest value of a version expression on Python 3.0 to 3.99: `sys.version_info` (a 5-tuple,
 * whose release level never decides against an integer tuple of at most three parts), `sys.version_info[:2]`,
 * `sys.version_info[0]`, `sys.version_info.major` (through imports); also `sys.maxsize` on 32- and 64-bit builds.
 */
function versionRange(node: Node, ctx: MarkContext): { ends: [number[], number[]]; tuple: boolean } | undefined {
  let n = unparen(node);
  let ends: [number[], number[]] = [[3, 0, 0, 0, 0], [3, 99, 99, 99, 99]];
  let tuple = true;
  if (n.type === 'subscript') {
    const index = n.namedChildren[1];
    if (index?.text === '0') {
      ends = [[3], [3]];
      tuple = false;
    } else {
      // `[:2]`, `[:3]`: the first parts.
      const m = index?.type === 'slice' ? /^:\s*([1-3])$/.exec(index.text) : null;
      if (!m) return undefined;
      ends = [ends[0].slice(0, Number(m[1])), ends[1].slice(0, Number(m[1]))];
    }
    n = unparen(n.childForFieldName('value')!);
  } else if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'major') {
    ends = [[3], [3]];
    tuple = false;
    n = unparen(n.childForFieldName('object')!);
  } else if ((ctx.names.qualify(n) ?? dottedName(n)) === 'sys.maxsize') {
    // 2**31 - 1 on 32-bit builds, 2**63 - 1 on 64-bit ones: `sys.maxsize > 0` holds on every interpreter.
    return { ends: [[2 ** 31 - 1], [2 ** 63 - 1]], tuple: false };
  }
  if ((ctx.names.qualify(n) ?? dottedName(n)) !== 'sys.version_info') return undefined;
  return { ends, tuple };
}

/**
 * pytest evaluates a string condition (`skipif("sys.platform == 'win32'")`); the strings `"True"` and `"1"`
 * are no condition at all.
 */
export function isTrueConditionString(cond: Node): boolean {
  const text = stringValue(cond)?.trim();
  return text === 'True' || text === '1';
}

/**
 * A mark kept in a module-level name (`wip = pytest.mark.skip(reason="later")`, then `@wip`, or
 * `pytestmark = _MARKS`) is the mark itself: the value of the name's only module-level assignment.
 */
export function markValue(expr: Node, ctx: MarkContext): Node {
  const n = unparen(expr);
  if (n.type !== 'identifier') return n;
  const values = moduleAssignments(ctx.root).get(n.text);
  return values?.length === 1 && unparen(values[0]!).type !== 'identifier' ? unparen(values[0]!) : n;
}

/** A skip mark or decorator that applies unconditionally: `pytest.mark.skip(...)`, `unittest.skip(...)`, `skipif(True, ...)`. */
export function unconditionalSkipMark(expr: Node, ctx: MarkContext): MarkSkip | undefined {
  const n = unparen(expr);
  const target = n.type === 'call' ? n.childForFieldName('function') : n;
  const q = ctx.names.qualify(target) ?? '';
  const d = dottedName(target) ?? '';
  const name = q || d;
  const args = n.type === 'call' ? callArguments(n) : undefined;
  if (/^(pytest\.mark|_pytest\.mark\.MARK_GEN)\.skip$/.test(name) || /(^|\.)mark\.skip$/.test(d)) {
    return { node: n, display: `${d || 'pytest.mark.skip'}`, reason: args?.keywords.get('reason') ?? args?.positional[0] };
  }
  if (/^unittest(\.case)?\.skip$/.test(q)) {
    const first = args?.positional[0];
    return { node: n, display: d || 'unittest.skip', reason: first ?? args?.keywords.get('reason') };
  }
  if (!args) return undefined;
  const cond = args.positional[0] ?? args.keywords.get('condition');
  const constantSkip = (c: Node) => ({ node: n, display: `${d}(${c.text}, ...)`, reason: args.keywords.get('reason') ?? args.positional[1] });
  const pytestSkipif = /^(pytest\.mark|_pytest\.mark\.MARK_GEN)\.skipif$/.test(name) || /(^|\.)mark\.skipif$/.test(d);
  if (pytestSkipif || /^unittest(\.case)?\.skipIf$/.test(q)) {
    // pytest evaluates a string condition (`skipif("sys.platform == 'win32'")`): that is a gate, not a constant.
    if (pytestSkipif && cond && unparen(cond).type === 'string' && !isTrueConditionString(cond)) return undefined;
    if (cond && (constantTruth(cond, ctx.root, ctx.source, ctx) === true || isTrueConditionString(cond)) && args.positional.length >= 1) return constantSkip(cond);
    if (cond && versionTruth(cond, ctx) === true && args.positional.length >= 1) return { ...constantSkip(cond), versionGate: true };
  }
  // A project's own conditional skip factory (`from helpers import skip_if`, `@skip_if(True, "rounding bug")`): whatever
  // its implementation, a condition that is always true makes it `skipIf(True)`.
  if (!pytestSkipif && !/^unittest(\.case)?\./.test(q) && /^skip_?if$/i.test(name.slice(name.lastIndexOf('.') + 1))) {
    const first = args.positional[0];
    if (first && constantTruth(first, ctx.root, ctx.source, ctx) === true) return constantSkip(first);
  }
  if (/^unittest(\.case)?\.skipUnless$/.test(q)) {
    if (cond && constantTruth(cond, ctx.root, ctx.source, ctx) === false) return constantSkip(cond);
    if (cond && versionTruth(cond, ctx) === false) return { ...constantSkip(cond), versionGate: true };
  }
  return undefined;
}
