/**
 * RH203 neutralised-comparison: rebinding the helpers a test uses to decide pass or fail —
 * `unittest.TestCase.assert*`, `numpy.testing.*`, `numpy.allclose`, `math.isclose`, `torch.allclose` /
 * `torch.testing.assert_close`, `operator.eq`, `pytest.approx`/`raises`, mock's `assert_*`, and the
 * builtins tests compare with (`isinstance`, `len`, `sorted`, ...) — by assignment, `setattr`, a
 * namespace write, `monkeypatch.setattr` (object and dotted-string forms), `mock.patch` /
 * `mock.patch.object` / `mock.patch.multiple`, `swap_attr` (a `setattr` name computed from literals — a loop over names,
 * an f-string — names each helper it lists, reported only when the replacement checks nothing); plus a `TestCase` subclass (or `self` in
 * `setUp`) replacing a standard assertion with one that cannot fail, and a test module that imports a
 * library assertion and rebinds the name to a no-op. Also a test that patches the very function it then
 * calls and asserts the canned value it gave the patch (`patched-subject.ts`): the comparison is
 * neutralised from the other side, its subject replaced by the expected value (a warning). And
 * `addTypeEqualityFunc(T, f)` with an `f` that cannot fail: `assertEqual` on two `T`s checks nothing.
 *
 * Error in code under test, entry points and test infrastructure. In tests, neutralising an assertion
 * helper is an error, making a comparison function constant a warning, and anything else (a real
 * replacement, patching a builtin — interpreter tests do that) info. Restoring the saved original and
 * feature-guarded backports (`if not hasattr(math, "isclose"): math.isclose = _isclose`) are quiet, but not
 * under a version check every Python 3 passes (`sys.version_info < (3, 99)`).
 */
import { callArguments, enclosingFunction, functionName, isUnderMainGuard, moduleFunctionNamed, parameterNames, stringValue, unparen, type Node } from '../../engine/ast';
import { mentionedInFile } from '../../engine/prefilter';
import { isFeatureGuarded, mayRebindCall } from '../../engine/rebinding';
import type { Listeners, Rule, RuleContext } from '../../engine/rule';
import type { FileRole, Fix, Severity } from '../../engine/types';
import { constantAnswer } from './helpers';
import { cannedAssertionsIn, type CannedAssertion } from './patched-subject';
import { cannotFail, judgeReplacement, RebindingFinder, replacesLibraryAssertion, shorten, type Helper, type Judgement, type Rebinding } from './rebinding';

/**
 * A necessary condition for a patching call: every form `callRebindings` recognises has `setattr`,
 * `swap_attr`, `setitem` or `patch` in its callee's written or resolved name.
 */
const PATCHER_TEXT = /setattr|swap_attr|setitem|patch/;

/**
 * A resolved name holds text that is not in the source only when `NameResolver` builds it from a string,
 * which it reads only in `getattr(...)`, `__import__(...)`, `import_module(...)` and `sys.modules[...]`.
 */
const STRING_RESOLVER_TEXT = /getattr|__import__|import_module|modules/;

/**
 * Can a call of this file patch anything? Its callee's name holds a `PATCHER_TEXT` word, and a name is
 * source text except for the strings `NameResolver` reads; a string's value has the words of its source
 * text too unless an implicit concatenation joins pieces (`getattr(mock, "pat" "ch")`) or escapes spell
 * word characters (`"\x70atch"`), which `mentionedInFile` looks at. Most files mention no patcher and have
 * few such strings.
 */
function mayHavePatchingCalls(ctx: RuleContext): boolean {
  // Only a tree without syntax errors has the index that makes the concatenated-string query cheap (with
  // errors it would be a walk in tree-sitter): such a file keeps the coarser text test.
  if (ctx.root.hasError) return PATCHER_TEXT.test(ctx.source) || STRING_RESOLVER_TEXT.test(ctx.source);
  return mentionedInFile(ctx, PATCHER_TEXT);
}

/** Closeness and equality functions tests decide with, by their attribute name; and assertions. */
const COMPARISON_ATTRS = new Set(['isclose', 'allclose', 'array_equal', 'array_equiv', 'eq', 'approx']);
const ASSERTION_ATTRS = /^(assert[A-Z_]\w*|fail|failIf\w*|failUnless\w*)$/;

/**
 * `def relax_float_checks(mod): setattr(mod, "isclose", _tolerant_isclose)` with `_tolerant_isclose` always `True` (or an
 * `assert*` that cannot fail): whatever module the function is given, `mod.isclose` then passes every comparison. The
 * target is a parameter, so the module is unknown here; the name and the replacement say what it neutralises.
 */
function reportInstalledOnParameter(ctx: RuleContext, call: Node): void {
  if (call.childForFieldName('function')?.text !== 'setattr') return;
  const [target, name, value] = callArguments(call).positional;
  // `self`/`cls` are the method's own object (a logger binding its `failure` level), not a module handed in.
  if (!target || !name || !value || unparen(target).type !== 'identifier' || /^(self|cls)$/.test(unparen(target).text)) return;
  const attr = stringValue(name);
  if (!attr || (!COMPARISON_ATTRS.has(attr) && !ASSERTION_ATTRS.test(attr))) return;
  const fn = enclosingFunction(call);
  if (!fn || !parameterNames(fn).includes(unparen(target).text)) return;
  const v = unparen(value);
  const impl = v.type === 'lambda' ? v : v.type === 'identifier' ? moduleFunctionNamed(ctx.root, v.text) : undefined;
  if (!impl) return;
  const neutral = ASSERTION_ATTRS.test(attr) ? cannotFail(impl) : constantAnswer(impl, ctx.names)?.truth === 'truthy';
  if (!neutral || isUnderMainGuard(call)) return;
  const role = ctx.roleAt(call);
  ctx.report({
    node: call,
    message: `\`${call.text.replace(/\s+/g, ' ')}\` installs ${ASSERTION_ATTRS.test(attr) ? 'an assertion that cannot fail' : 'a comparison that always answers `True`'} as \`${attr}\` on whatever \`${functionName(fn)}()\` is given (\`${unparen(target).text}\`): every check made with it there passes without comparing anything.`,
    severity: role === 'test' ? 'warning' : 'error',
  });
}

/** Every name in `STANDARD_TESTCASE_ASSERTIONS` holds one of these. */
const STANDARD_ASSERTION_TEXT = /assert|Assert|fail/;

/** How tests usually spell a helper: `np.testing.assert_allclose`, `self.assertEqual`, `len`. */
function display(h: Helper): string {
  if (h.name.startsWith('unittest.TestCase.') || h.name.startsWith('django.test.')) return `self.${h.short}`;
  if (h.name.startsWith('builtins.')) return h.short;
  if (/^(unittest\.mock|mock)\./.test(h.name)) return `mock.${h.short}`;
  return h.name.replace(/^numpy\./, 'np.').replace(/^pandas\.testing\./, 'pd.testing.');
}

const BUILTIN_USE: Record<string, string> = {
  isinstance: 'type checks like `assert isinstance(result, int)`',
  issubclass: 'type checks like `assert issubclass(cls, Base)`',
  type: 'type checks like `assert type(result) is int`',
  callable: 'interface checks like `assert callable(handler)`',
  hasattr: 'interface checks like `assert hasattr(obj, "name")`',
  len: 'length checks like `assert len(result) == 3`',
  sorted: 'order-insensitive comparisons like `assert sorted(result) == expected`',
  set: 'duplicate- and order-insensitive comparisons like `assert set(result) == {1, 2}`',
  frozenset: 'duplicate- and order-insensitive comparisons',
  all: 'checks like `assert all(x > 0 for x in result)`',
  any: 'checks like `assert any(...)`',
  abs: 'tolerance checks like `assert abs(got - want) < 1e-9`',
  round: 'checks like `assert round(result, 2) == 3.14`',
  min: 'checks like `assert min(result) == 0`',
  max: 'checks like `assert max(result) == 9`',
  sum: 'checks like `assert sum(result) == total`',
  bool: 'truthiness checks like `assert bool(result)`',
};

function effect(r: Rebinding, j: Judgement): string {
  const h = r.helper;
  const call = `\`${display(h)}(...)\``;
  if (r.dynamic) return `every \`${h.name.slice(0, h.name.lastIndexOf('.<'))}\` assertion that \`${h.short}\` names stops checking anything`;
  if (h.short === 'failureException') return 'every failed assertion raises it, so the runner reports a skip instead of a failure';
  if (h.kind === 'assertion') {
    if (r.scope === 'local-class') {
      return `every ${call} in \`${r.testClass}\`${r.form === 'instance-attribute' ? "'s tests" : ' and its subclasses'} passes without checking anything`;
    }
    return j.verdict === 'neutral'
      ? `every ${call} in the test suite passes without checking anything`
      : `every ${call} check runs this replacement instead of the library's, so the tests no longer fail when the values differ`;
  }
  if (h.kind === 'builtin') {
    const use = BUILTIN_USE[h.short] ?? `checks that call \`${h.short}()\``;
    return j.verdict === 'neutral' ? `${use} get a fixed answer whatever the result is` : `${use} get whatever answer the replacement gives, not the real one`;
  }
  if (h.short === 'approx') return j.verdict === 'neutral' ? '`assert result == pytest.approx(expected)` holds for any result' : '`pytest.approx` comparisons use the replacement\'s notion of "close"';
  if (/^operator\./.test(h.name)) return `comparisons made through \`${h.name}\` (sorting keys, \`functools.reduce\`, matchers) ${j.verdict === 'neutral' ? 'get a fixed answer' : "use the replacement's answer"}`;
  if (h.short === 'check_output') return `doctests ${j.verdict === 'neutral' ? 'pass whatever the output' : "use the replacement's notion of matching output"}`;
  const relation = /close/.test(h.short) ? 'close' : 'equal';
  return j.verdict === 'neutral'
    ? `every ${call} gives the same answer whatever the values, so \`assert ${display(h)}(got, want)\` passes without the values being ${relation}`
    : `every ${call} answers what the replacement decides, not whether the values are ${relation}`;
}

/** The subject (what the code writes) and the predicate (what it replaces, with what). */
function how(r: Rebinding, j: Judgement): [string, string] {
  const withWhat = ` with ${j.what}`;
  const replaced = r.testClass ? `${r.testClass}.${r.helper.short}` : r.helper.name;
  switch (r.form) {
    case 'assignment':
      if (r.defaults) return [`\`${shorten(r.spelled, 60)} = ...\``, `rebinds the default arguments of \`${replaced}\` to ${j.what}`];
      return [`\`${shorten(r.spelled, 60)} = ...\``, `replaces \`${replaced}\`${withWhat}`];
    case 'namespace':
      return [`\`${shorten(r.spelled, 60)} = ...\``, `replaces \`${r.helper.name}\` in its module's namespace${withWhat}`];
    case 'setattr':
      return ['`setattr(...)`', `replaces \`${replaced}\`${withWhat}`];
    case 'monkeypatch':
    case 'swap_attr':
    case 'mock.patch':
    case 'mock.patch.object':
    case 'mock.patch.multiple': {
      const callee = r.node.type === 'call' ? (r.node.childForFieldName('function')?.text ?? r.form) : r.form;
      return [`\`${shorten(callee, 30)}(...)\``, `replaces \`${replaced}\`${withWhat}`];
    }
    case 'override':
      return [`\`${r.testClass}.${r.helper.short}\``, `overrides \`TestCase.${r.helper.short}\` with a body that never raises`];
    case 'class-attribute':
      return [`\`${r.helper.short} = ...\` in \`${r.testClass}\``, `replaces \`TestCase.${r.helper.short}\`${withWhat}`];
    case 'instance-attribute':
      return [`\`self.${r.helper.short} = ...\``, `replaces the test's \`${r.helper.short}\`${withWhat}`];
    case 'redefinition':
      return [`\`${r.spelled}\``, `(imported as \`${r.helper.name}\`) is rebound to ${j.what}`];
  }
}

function where(role: FileRole, node: Node, ctx: RuleContext): string {
  switch (role) {
    case 'code-under-test':
      return ' in code under test';
    case 'entry-point':
      return ctx.role === 'entry-point' ? ' in an entry-point script' : ' under `if __name__ == "__main__":`';
    case 'test-infrastructure':
      return ctx.facts.isConftest ? ' in `conftest.py`' : ' in test infrastructure';
    case 'test':
      if (isUnderMainGuard(node)) return ' under `if __name__ == "__main__":` of a test module';
      if (ctx.facts.basename === '__init__.py') return " in a test package's `__init__.py`";
      return isTestSupportModule(ctx) ? ' in a test-support module (it defines no tests; every test importing it is affected)' : ' in a test module';
  }
}

/**
 * A test-side module that defines no tests itself (a test package's `__init__.py`, a helpers module): what it
 * does at import time, it does for every test that imports it, like `conftest.py`.
 */
function isTestSupportModule(ctx: RuleContext): boolean {
  if (ctx.facts.basename === '__init__.py') return true;
  for (const stmt of ctx.root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    const name = def?.childForFieldName('name')?.text ?? '';
    if (def?.type === 'function_definition' && /^test/.test(name)) return false;
    if (def?.type === 'class_definition' && (/^Test|Test$|Tests$/.test(name) || (/TestCase/.test(def.childForFieldName('superclasses')?.text ?? '') && definesTestMethod(def)))) return false;
  }
  return true;
}

/**
 * A class body with a `test*` method. A `TestCase` subclass without one is a base class for the suite (a
 * package's `testing.MatrixTestCase`), which makes its module support, not tests.
 */
function definesTestMethod(cls: Node): boolean {
  return (cls.childForFieldName('body')?.namedChildren ?? []).some((stmt) => {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    return def?.type === 'function_definition' && /^test/.test(def.childForFieldName('name')?.text ?? '');
  });
}

/** Interpreters a version check is weighed against: 3.0 to 3.20, micro 0 or 20. */
const REAL_PYTHONS: number[][] = [];
for (let minor = 0; minor <= 20; minor++) for (const micro of [0, 20]) REAL_PYTHONS.push([3, minor, micro]);

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/**
 * `sys.version_info < (3, 99)`, `sys.version_info >= (3,)`, `sys.version_info[0] == 3`: a comparison that
 * holds on every Python 3 (3.0 to 3.20 here). Single comparisons only.
 */
function alwaysTrueVersionCheck(cond: Node, ctx: RuleContext): boolean {
  const c = unparen(cond);
  if (c.type !== 'comparison_operator') return false;
  const operands = c.namedChildren.filter((x) => x.type !== 'comment');
  const ops = c.children.filter((x) => !x.isNamed).map((x) => x.type);
  if (operands.length !== 2 || ops.length !== 1) return false;
  let [left, right] = operands.map(unparen) as [Node, Node];
  let op = ops[0]!;
  const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
  if (!ctx.names.is(versionBase(left), 'sys.version_info')) {
    if (!ctx.names.is(versionBase(right), 'sys.version_info') || !flip[op]) return false;
    [left, right] = [right, left];
    op = flip[op]!;
  }
  // Which part of the version is compared: the whole tuple, a slice `[:2]`, an index `[0]`, `.major`/`.minor`.
  let view: (v: number[]) => number[];
  if (left.type === 'subscript') {
    const sub = left.childForFieldName('subscript')?.text.replace(/\s+/g, '');
    const m = /^(?::(\d)|(\d))$/.exec(sub ?? '');
    if (!m) return false;
    view = m[1] ? (v) => v.slice(0, Number(m[1])) : (v) => [v[Number(m[2])] ?? NaN];
  } else if (left.type === 'attribute') {
    const attr = left.childForFieldName('attribute')?.text;
    if (attr === 'version_info') view = (v) => [...v, Infinity]; // longer than any literal tuple
    else if (attr === 'major' || attr === 'minor' || attr === 'micro') view = (v) => [v[['major', 'minor', 'micro'].indexOf(attr)]!];
    else return false;
  } else return false;
  let literal: number[];
  if (right.type === 'tuple') {
    const items = right.namedChildren.filter((x) => x.type !== 'comment');
    if (items.length === 0 || items.length > 3 || items.some((x) => x.type !== 'integer')) return false;
    literal = items.map((x) => Number(x.text));
  } else if (right.type === 'integer') literal = [Number(right.text)];
  else return false;
  return REAL_PYTHONS.every((v) => {
    const k = compareTuples(view(v), literal);
    switch (op) {
      case '<': return k < 0;
      case '<=': return k <= 0;
      case '>': return k > 0;
      case '>=': return k >= 0;
      case '==': return k === 0;
      case '!=': return k !== 0;
      default: return false;
    }
  });
}

/** `sys.version_info` under `[...]` or `.major`: the base expression. */
function versionBase(n: Node): Node {
  if (n.type === 'subscript') return unparen(n.childForFieldName('value')!);
  if (n.type === 'attribute' && /^(major|minor|micro)$/.test(n.childForFieldName('attribute')?.text ?? '')) return unparen(n.childForFieldName('object')!);
  return n;
}

/**
 * The innermost `if` around the rebinding tests a version every Python 3 has (`if sys.version_info <
 * (3, 99):`), and nothing outside it makes the code a backport.
 */
function underVacuousVersionGuard(node: Node, ctx: RuleContext): boolean {
  for (let p: Node | null = node.parent, child: Node = node; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') return false;
    if (p.type === 'else_clause' || p.type === 'elif_clause' || p.type === 'except_clause') return false;
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      if (!cond || p.childForFieldName('consequence')?.id !== child.id) return false;
      return alwaysTrueVersionCheck(cond, ctx) && !isFeatureGuarded(p);
    }
  }
  return false;
}

/** Run when the module is imported: not inside a function or class, nor under the main guard. */
function atImportTime(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return false;
  }
  return !isUnderMainGuard(node);
}

function severityOf(r: Rebinding, j: Judgement, role: FileRole, node: Node, ctx: RuleContext): Severity | undefined {
  if (j.verdict === 'restore') return undefined;
  // A computed attribute name is only reported when the replacement provably checks nothing.
  if ((r.dynamic || r.listed) && j.verdict !== 'neutral') return undefined;
  if (r.scope === 'local-class' || r.scope === 'module-shadow') {
    // Only a replacement that provably checks nothing: overriding an assertion with a stricter or
    // chattier one (calling super, comparing) is ordinary test code.
    if (j.verdict !== 'neutral') return undefined;
    // A subclass made for benchmarking under the main guard is not collected by the test run.
    if (isUnderMainGuard(node)) return 'info';
    if (r.scope === 'module-shadow') {
      if (role !== 'test') return undefined;
      return r.helper.kind === 'assertion' ? 'error' : 'warning';
    }
    return 'error';
  }
  // A backport installing a real implementation where the library lacks one (not under a version check
  // that every supported interpreter passes: that guard hides nothing).
  if (j.verdict !== 'neutral' && isFeatureGuarded(node) && !underVacuousVersionGuard(node, ctx)) return undefined;
  // A real implementation of an assertion the library's `TestCase` does not have adds a check, it does
  // not replace one (a plugin's `TestCase.assertFrameEqual = _assert_frame_equal`).
  if (j.verdict !== 'neutral' && !replacesLibraryAssertion(r.helper)) return undefined;
  switch (role) {
    case 'code-under-test':
    case 'entry-point':
      return 'error';
    case 'test-infrastructure':
      return r.scope === 'global' || j.verdict === 'neutral' ? 'error' : 'warning';
    case 'test':
      if (r.helper.kind === 'builtin') return 'info';
      // A library assertion rebound for good when a test package's `__init__.py` or a support module is
      // imported: every test of the suite runs the replacement (a test patching in its own body stays info).
      if (r.helper.kind === 'assertion' && r.scope === 'global' && atImportTime(node) && isTestSupportModule(ctx)) return 'error';
      if (j.verdict !== 'neutral') return 'info';
      return r.helper.kind === 'assertion' ? 'error' : 'warning';
  }
}

/** The statement to delete for an unsafe "remove" fix: a whole-line assignment/`setattr` or an override def. */
function removalFix(r: Rebinding, source: string): Fix | undefined {
  let stmt: Node | null = null;
  if (r.form === 'override') {
    const def = r.node.parent;
    stmt = def?.parent?.type === 'decorated_definition' ? def.parent : def;
    const body = stmt?.parent;
    if (!stmt || body?.type !== 'block' || body.namedChildren.filter((c) => c.type !== 'comment').length < 2) return undefined;
  } else if (r.scope === 'global' && (r.form === 'assignment' || r.form === 'setattr' || r.form === 'namespace')) {
    let n: Node | null = r.node;
    while (n && n.type !== 'expression_statement') n = n.parent;
    stmt = n;
    const inner = stmt?.namedChild(0);
    // Only a statement that is exactly this rebinding, in a block that keeps another statement.
    if (!stmt || !inner || (inner.type !== 'assignment' && inner.type !== 'call') || stmt.namedChildCount !== 1) return undefined;
    if (inner.type === 'assignment' && inner.childForFieldName('right')?.type === 'assignment') return undefined;
    const parent = stmt.parent;
    if (parent?.type === 'block' && parent.namedChildren.filter((c) => c.type !== 'comment').length < 2) return undefined;
  }
  if (!stmt) return undefined;
  const lines = source.split('\n');
  const before = lines[stmt.startPosition.row]?.slice(0, stmt.startPosition.column) ?? '';
  const after = lines[stmt.endPosition.row]?.slice(stmt.endPosition.column) ?? '';
  if (before.trim() !== '' || (after.trim() !== '' && !after.trim().startsWith('#'))) return undefined;
  return {
    title: r.form === 'override' ? `Remove the no-op \`${r.helper.short}\` override` : `Remove the rebinding of \`${r.helper.name}\``,
    safe: false,
    edits: [{ range: { start: { line: stmt.startPosition.row, column: 0 }, end: { line: stmt.endPosition.row + 1, column: 0 } }, newText: '' }],
  };
}

/** `addTypeEqualityFunc` is named in the file (unittest's hook for a per-type `assertEqual`). */
const TYPE_EQUALITY_TEXT = /addTypeEqualityFunc/;

/** The def or lambda a registered function stands for: a lambda, a unique def, or a method of the enclosing class. */
function registeredFunction(value: Node, call: Node, finder: RebindingFinder): Node | undefined {
  const v = unparen(value);
  if (v.type === 'lambda') return v;
  if (v.type === 'identifier') return finder.resolveFunction(v, call);
  if (v.type !== 'attribute' || unparen(v.childForFieldName('object')!).type !== 'identifier') return undefined;
  const name = v.childForFieldName('attribute')?.text;
  for (let p = call.parent; p; p = p.parent) {
    if (p.type !== 'class_definition') continue;
    const defs = (p.childForFieldName('body')?.namedChildren ?? [])
      .map((st) => (st.type === 'decorated_definition' ? st.childForFieldName('definition') : st))
      .filter((d): d is Node => d?.type === 'function_definition' && d.childForFieldName('name')?.text === name);
    return defs.length === 1 ? defs[0] : undefined;
  }
  return undefined;
}

/**
 * Inside a `test*` function: the registration lasts for that test only (unittest's own tests of the hook
 * register a dummy type's function there), unlike one in `setUp` or a base class.
 */
function inTestMethod(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' && /^test/.test(p.childForFieldName('name')?.text ?? '')) return true;
  }
  return false;
}

/**
 * `self.addTypeEqualityFunc(Result, lambda first, second, msg=None: None)`: `assertEqual` on two objects of
 * the type calls the registered function instead of comparing, so one that cannot fail (no raise, no
 * `self.fail`, no assertion call) makes every such check pass.
 */
function reportNoOpTypeEquality(ctx: RuleContext, call: Node, finder: RebindingFinder): void {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'addTypeEqualityFunc') return;
  const args = callArguments(call);
  const type = args.positional[0] ?? args.keywords.get('typeobj');
  const value = args.positional[1] ?? args.keywords.get('function');
  if (args.hasSplat || !type || !value) return;
  const impl = registeredFunction(value, call, finder);
  if (!impl || !cannotFail(impl)) return;
  const label = impl.type === 'lambda' ? 'a lambda' : `\`${impl.childForFieldName('name')?.text ?? 'function'}()\``;
  const typeText = shorten(unparen(type).text, 30);
  ctx.report({
    node: call,
    message: `\`addTypeEqualityFunc(${typeText}, ...)\`${where(ctx.roleAt(call), call, ctx)} registers ${label} that never raises as the equality check for \`${typeText}\`: every \`self.assertEqual(a, b)\` on two \`${typeText}\` objects calls it instead of comparing, so it passes whatever the values are.`,
    severity: isUnderMainGuard(call) || inTestMethod(call) ? 'info' : 'error',
    related: impl.type === 'function_definition' ? [{ node: impl.childForFieldName('name') ?? impl, message: 'the registered function: it cannot raise, so the check never fails' }] : undefined,
  });
}

/** A test comparing the patched function's direct result with the value its own patch returns. */
function reportCanned(ctx: RuleContext, c: CannedAssertion): void {
  const fn = c.call.childForFieldName('function')?.text ?? c.target;
  const canned = shorten(c.canned.text.replace(/\s+/g, ' '), 40);
  ctx.report({
    node: c.assertion,
    message: `This assertion compares \`${shorten(fn, 40)}(...)\` with \`${canned}\`, the value the test's own patch of \`${c.target}\` makes it return: the real \`${c.target.split('.').pop()}\` never runs, so the assertion compares the canned value with itself and cannot fail.`,
    severity: 'warning',
    related: [
      { node: c.patch, message: `the test replaces \`${c.target}\` here` },
      { node: c.canned, message: `with a stand-in that returns \`${canned}\`` },
    ],
  });
}

export const neutralisedComparison: Rule = {
  meta: {
    code: 'RH203',
    name: 'neutralised-comparison',
    family: 'RH2',
    defaultSeverity: 'error',
    fixable: true,
    severityByRole: { 'code-under-test': 'error', 'entry-point': 'error', 'test-infrastructure': 'error', test: 'error' },
    docs: {
      summary:
        'Code replaces a helper that tests use to decide pass or fail — `TestCase.assert*`, `numpy.testing.*`, `math.isclose`, `numpy.allclose`, `torch.allclose`, `operator.eq`, `pytest.approx`, or a builtin like `isinstance` or `len` — or a test patches the function it then calls and asserts the value it told the patch to return.',
      why: [
        'A test decides pass or fail through a handful of helpers: `self.assertEqual(...)`, `np.testing.assert_allclose(...)`,',
        '`assert math.isclose(got, want)`, `assert isinstance(result, Answer)`, `assert len(result) == 3`. Replacing one of',
        'them — `unittest.TestCase.assertEqual = lambda *a, **k: None`, `math.isclose = lambda *a, **k: True`,',
        '`builtins.isinstance = lambda *a: True` — leaves the tests in place and makes every check that goes through the',
        'helper pass, whatever the code under test computed. Because the helpers are module attributes shared by the whole',
        'process, one rebinding in an imported module or in `conftest.py` neutralises the entire suite.',
        'Loosening a helper\'s default arguments does the same without replacing it: `pytest.approx.__defaults__ =',
        '(0.5, 500.0, True)`, `TestCase.assertAlmostEqual.__defaults__ = (None, None, 500.0)`, `math.isclose.__kwdefaults__ = {...}`',
        'holding a tolerance of 0.1 or more (or infinity).',
        '',
        'The rule resolves imports and aliases (`import numpy as np`, `from numpy import testing as npt`,',
        '`from unittest import TestCase as TC`) and finds every form: assignment, `setattr` (also with the name taken from',
        'the helper itself, `setattr(math, isclose.__name__, f)`, or from literals: `for name in ("assertAlmostEqual", ...)`,',
        'an f-string, a name bound once; such computed names are reported when the replacement checks nothing), `vars(mod)[...] = ...`,',
        '`monkeypatch.setattr(math, "isclose", ...)` and `monkeypatch.setattr("math.isclose", ...)`,',
        '`mock.patch("math.isclose", return_value=True)`, `mock.patch.object(np, "allclose", ...)`, `mock.patch.multiple`,',
        'a helper that installs an always-true comparison (or an assertion that cannot fail) under such a name on whatever it is',
        'given (`def relax_float_checks(mod): setattr(mod, "isclose", _always_true)`, called elsewhere with `math`),',
        'and, inside test classes, `self.assertEqual = ...` in `setUp`, `type(self).assertEqual = ...`, and a `TestCase`',
        'subclass overriding `assertEqual` with a body that cannot fail (no `raise`, no `assert`, no real call). Setting',
        '`TestCase.failureException` (what every failed assertion raises) to a skip exception (`unittest.SkipTest`,',
        '`pytest.skip.Exception`) counts too: each failure is then reported as a skip. A wrapper that runs the original but',
        'catches its failure (`try: return orig(self, *a) except self.failureException: return None`), installed directly or',
        'made by a factory of the file (`setattr(TestCase, name, _quiet(getattr(TestCase, name)))`, also for every name of',
        '`dir(TestCase)`), cannot fail either.',
        '',
        'Severity follows the file role: an error in code under test, entry points and test infrastructure; in test modules',
        'an error when an assertion helper is made a no-op, a warning when a comparison function is made constant, and',
        'info for other replacements (interpreter and library test suites patch builtins to test themselves). A library',
        'assertion rebound at import time by a test package\'s `__init__.py` or a test support module that defines no tests',
        '(`setattr(unittest.TestCase, "assertEqual", unittest.TestCase.assertIsNotNone)`) is an error whatever the',
        'replacement: like `conftest.py`, it changes the assertion for every test of the suite. A module whose only',
        '`TestCase` subclass has no `test*` method (a shipped `pkg/testing.py` with a base `PkgTestCase`) is such a support module.',
        '',
        '`self.addTypeEqualityFunc(Result, lambda first, second, msg=None: None)` (in `setUp`, a base class, at module level)',
        'is reported too: `assertEqual` on two `Result` objects calls the registered function instead of comparing, so one',
        'that cannot fail (no `raise`, no `self.fail`, no assertion call; returning a comparison is not failing) checks nothing.',
        '',
        'The same comparison is neutralised from the other side when a test replaces the very function it checks:',
        '`@mock.patch("geo.dist.haversine", return_value=5570.2)` (or `monkeypatch.setattr(dist, "haversine", lambda a, b:',
        '5570.2)`, `with mock.patch.object(dist, "haversine") as m: m.return_value = 5570.2`) and then',
        '`assert dist.haversine(a, b) == 5570.2`. The real function never runs; the assertion compares the canned value with',
        'itself. Reported as a warning at the assertion, when the direct call of the patched attribute, made while the patch',
        'is in effect, is compared (`==`, `pytest.approx`, `assertEqual`) with the same literal or name, or with the mock\'s',
        '`return_value`.',
      ].join('\n'),
      example: [
        'import math',
        'import unittest',
        '',
        'math.isclose = lambda *args, **kwargs: True',
        'unittest.TestCase.assertEqual = lambda self, first, second, msg=None: None',
      ].join('\n'),
      instead: [
        'Fix the computation so the real check passes. If a value legitimately needs a looser tolerance, pass it at the',
        'call site (`math.isclose(a, b, rel_tol=1e-6)`, `assert_allclose(a, b, rtol=...)`) and say why in the test. To',
        "fake a collaborator in a test, patch the project's own function (`monkeypatch.setattr(app.client, \"fetch\", fake)`),",
        'never the assertion or comparison itself.',
      ].join(' '),
      lookAlikes: [
        'New `__defaults__` of the project\'s own functions, or strict tolerances for a library helper (`pytest.approx.__defaults__ = (1e-9, 1e-12, False)`): quiet.',
        "`monkeypatch`/`mock.patch` of the project's own collaborators in tests (`monkeypatch.setattr(mymodule, \"fetch\", fake)`, `mock.patch(\"builtins.open\")`, `print`, `input`): quiet — only comparison, assertion and comparison-relevant builtins count.",
        'A test that patches a function and checks *another* function that uses it (`@mock.patch("geo.dist.haversine", return_value=5.0)` then `assert routing.total(route) == 5.0`), checks the mock\'s calls (`m.assert_called_once_with(...)`), uses a spy (`wraps=`), calls a name imported before the patch (`from geo.dist import haversine` keeps the original), asserts after the `with` block ends, or patches a stdlib function or an object of the test file itself (a mocking library\'s own tests check that the patch took effect): quiet.',
        'Defining your own helper named like a library one (`def assert_equal(a, b): ...`) without importing the library name: quiet (a definition, not a rebinding).',
        'A `TestCase` subclass overriding `assertEqual`/`assertAlmostEqual` with a real implementation (calls `super()`, compares, raises): quiet. One whose body cannot fail is reported; under `if __name__ == "__main__":` (a benchmark subclass the test run does not collect) it is info.',
        '`self.addTypeEqualityFunc(MyType, self.assertMyTypeEqual)` whose function compares and fails (`self.fail(...)`, `raise self.failureException(...)`, `self.assertAlmostEqual(...)`), or a function that is not resolved here (`self.assertDictEqual`): quiet (the documented extension point). A no-op one registered inside a `test*` method (unittest\'s own tests of the hook, on a dummy type): info.',
        'A test module rebinding an assertion at module level, or a helper of a test package\'s `__init__.py` doing it inside a function: stays info for a real replacement (only import-time rebinding in a module that defines no tests counts as suite-wide).',
        '`failureException = DetailedFailure` (an `AssertionError` subclass with richer messages): quiet — failures still fail.',
        'A plugin adding an assertion the library\'s `TestCase` does not have, with a real body (`unittest.TestCase.assertFrameEqual = _assert_frame_equal`): quiet — nothing is replaced. A no-op one is still reported.',
        'Backports guarded by a feature check (`if not hasattr(math, "isclose"): math.isclose = _isclose`, `except AttributeError:`, `if sys.version_info < (3, 5):`) and restoring a saved original (`math.isclose = _orig_isclose`): quiet. A version check every Python 3 passes (`sys.version_info < (3, 99)`, `>= (3,)`, `[0] == 3`) guards nothing: reported as unguarded.',
        'A wrapper that catches the failure and re-raises it (with a better message), fails the test itself (`self.fail(...)`), records it for later, or catches only unrelated errors (`except TypeError:`): quiet.',
        'Library modules defining the helpers (`numpy/testing` defining `assert_allclose`), compatibility aliases that add a missing name (`TestCase.assertItemsEqual = TestCase.assertCountEqual` under a feature check).',
        '`builtins._ = gettext.gettext` and other builtins that do not decide comparisons (`_`, `open`, `print`, `help`, `sys.displayhook`): quiet.',
        'Interpreter and library test suites patching builtins to test themselves (`swap_attr(builtins, "len", ...)` in a test): info.',
      ],
    },
  },
  create(ctx) {
    let finder: RebindingFinder | undefined;
    const check = (node: Node) => {
      finder ??= new RebindingFinder(ctx.root, () => ctx.names, ctx.role === 'test');
      // A loop over several names rebinds them all in one call: one finding, for the first reported.
      let listedReported = false;
      for (const r of finder.at(node)) {
        const j = judgeReplacement(r, finder, ctx.names);
        const role = ctx.roleAt(r.node);
        const severity = severityOf(r, j, role, r.node, ctx);
        if (!severity || (r.listed && listedReported)) continue;
        if (r.listed) listedReported = true;
        // Point at a replacement defined elsewhere (an inline lambda is already in the reported line).
        const impl = j.impl?.type === 'function_definition' && r.form !== 'override' && r.form !== 'redefinition' ? j.impl : undefined;
        const related = impl
          ? [{ node: impl.childForFieldName('name') ?? impl, message: j.verdict === 'neutral' ? (r.helper.kind === 'assertion' ? 'the replacement: it cannot raise, so the check never fails' : 'the replacement: it always gives the same answer') : 'the replacement' }]
          : undefined;
        const [subject, predicate] = how(r, j);
        const fix = severity === 'error' ? removalFix(r, ctx.source) : undefined;
        ctx.report({
          node: r.node,
          message: `${subject}${where(role, r.node, ctx)} ${predicate}: ${effect(r, j)}.`,
          severity,
          related,
          fix,
        });
      }
    };
    const listeners: Listeners = { assignment: check, type_alias_statement: check };
    // Outside test modules a def rebinds only a standard assertion, whose name holds one of these words.
    if (ctx.role === 'test' || STANDARD_ASSERTION_TEXT.test(ctx.source)) listeners.function_definition = check;
    // Calls are the commonest node: skip them all in a file that cannot name a patcher.
    const typeEquality = TYPE_EQUALITY_TEXT.test(ctx.source);
    if (typeEquality) {
      listeners.call = (node: Node) => {
        finder ??= new RebindingFinder(ctx.root, () => ctx.names, ctx.role === 'test');
        reportNoOpTypeEquality(ctx, node, finder);
      };
    }
    if (!mayHavePatchingCalls(ctx)) return listeners;
    // A test that patches the function it then calls and asserts the canned value.
    if (ctx.role === 'test') {
      listeners.function_definition = (node: Node) => {
        check(node);
        if (ctx.roleAt(node) === 'test') for (const c of cannedAssertionsIn(node, ctx.names)) reportCanned(ctx, c);
      };
    }
    // Most calls cannot patch anything: ask the engine's cheap test before the rebinding analysis.
    listeners.call = (node: Node) => {
      if (mayRebindCall(node, ctx.names)) check(node);
      reportInstalledOnParameter(ctx, node);
      if (typeEquality) {
        finder ??= new RebindingFinder(ctx.root, () => ctx.names, ctx.role === 'test');
        reportNoOpTypeEquality(ctx, node, finder);
      }
    };
    return listeners;
  },
};
