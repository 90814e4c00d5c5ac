/**
 * RH404 blanket-skip: skips and xfails that switch off a whole module or class without a condition —
 * `pytestmark = pytest.mark.skip(...)` or `pytest.mark.xfail(...)` (non-strict, or `run=False`),
 * `@pytest.mark.xfail` on a test class, module-level `pytest.skip(..., allow_module_level=True)` (also
 * under a broad `except Exception:` around an import) or
 * `raise unittest.SkipTest`, `@unittest.skip`/`@pytest.mark.skip` (or `skipIf(True)`) on a test class,
 * an unconditional skip in `setUp`/`setUpClass`/`setUpModule`, `__unittest_skip__ = True`, a `load_tests`
 * hook that returns an empty suite — and skips
 * raised from code under test (`pytest.skip()`, `raise SkipTest`), which turn the tests that exercise
 * that code into skips (also from a handler of the computation's own errors, `except ValueError:`).
 * A skip renamed so that it reads as an ordinary error (`from unittest import SkipTest as _Unavailable`,
 * `NotReady = unittest.SkipTest`, `from pytest import skip as bail`) is a warning in code under test whatever gate it sits behind.
 * Conditional marks (`skipif(<condition>)`), `importorskip`, environment gates
 * (`if sys.platform ...`, `except ImportError:`) and skip helpers stay quiet; a blanket skip whose
 * reason names the environment or a tracked issue ("requires network", "bpo-12345") is info. The same
 * mark on every test of a file (one by one), a mark kept in a module-level name (`wip = pytest.mark.skip()`),
 * a module skip under `if True:`, `if __name__ != "__main__":` or `if sys.version_info[0] >= 3:`, conditions every Python 3 meets (`sys.version_info >= (3,)`, `sys.version_info < (99,)`, `"True"`)
 * and a parametrized test whose every case carries an unconditional skip (`pytest.param(..., marks=pytest.mark.skip(...))`)
 * are blanket skips too, and so are conditions that are a module name only ever bound to a constant
 * (`KNOWN_BROKEN = True`, `skipif(KNOWN_BROKEN)`, also in another module of the project that the test imports it from), a fixture (in a test file or a conftest) that skips before
 * it provides anything, and `@unittest.expectedFailure` on a test class (info: an unexpected success fails the run),
 * and module-level `__test__ = False` in a test module (pytest collects nothing from it), or on a `Test*` class whose tests
 * need nothing from a subclass (pytest collects none of them). A reason that says the tests
 * fail and names only the CI or an issue number ("timing-sensitive, see #412") keeps the warning.
 * A skip inside a loop over a literal case list (`for item, price in CASES: if price is None: pytest.skip(...)`,
 * `CASES` a literal nothing changes) whose condition some listed case meets always runs: at module level, in a
 * fixture, in setUp and in code under test it counts as unconditional. Cases from data, a list that changes or a
 * condition on anything else are real conditions.
 */
import { baseExpressions, callArguments, decoratorsOf, definitionOf, dottedName, forEachDescendant, forEachInScope, functionName, moduleClassNamed, parameterNames, stringValue, unparen, type Node } from '../../engine/ast';
import type { Listeners, Rule, RuleContext } from '../../engine/rule';
import { MentionedWords, whenMentioned } from '../../engine/prefilter';
import { fromImports } from '../../engine/exports';
import type { Severity } from '../../engine/types';
import { checkHypothesisPhases } from './hypothesis-phases';
import { isTestHelperPath } from '../../engine/roles';
import {
  alwaysTakenLoopGuard,
  blanketMark,
  markValue,
  type MarkSkip,
  type SkipSite,
  classifyReason,
  blanketReasonTextVerdict,
  classifyReasonText,
  comparisonOperator,
  calleeLastName,
  constantTruth,
  decoratorsOfTestAndClass,
  identifierWords,
  isModuleLevel,
  isTestFunction,
  isUnconditionalIn,
  literalTruth,
  nearestFunction,
  ownerClass,
  quoteReason,
  SETUP_NAMES,
  SKIP_WORDS,
  isFailingSample,
  skipSiteOf,
  testMethodsOf,
  type ReasonVerdict,
  type MarkContext,
  versionTruth,
} from './helpers';

/** What the mark does to `tests` ("every test in this file"), as a verb phrase. */
function markEffect(mark: MarkSkip, tests: string): string {
  switch (mark.xfail) {
    case 'never-run':
      return `marks ${tests} as expected to fail and does not run them`;
    case 'lenient':
      return `marks ${tests} as expected to fail, so their failures are reported as xfailed`;
    case 'strict':
      return `marks ${tests} as known failures`;
    default:
      return `skips ${tests} unconditionally`;
  }
}

/** Severity and message parts for a blanket mark (see `reasonNote`); a strict xfail is info. `scopeWide`: on a module or class. */
function markNote(mark: MarkSkip, scopeWide = false): { severity: Severity; text: string; tail: string } {
  // A non-strict xfail over a whole module or class says by itself that its tests fail: a reason naming only an
  // issue does not lower it. (Per-case marks with an issue, `pytest.param(..., marks=xfail(reason="GH#22092"))`, stay info.)
  const note = reasonNote(mark.reason, scopeWide && (mark.xfail === 'lenient' || mark.xfail === 'never-run'), !mark.xfail);
  // A version condition every Python meets: a reason that claims a need ("needs a newer interpreter") is what no
  // release satisfies; only one naming the Python it is about ("Python 2 only", "py3.12 changed repr") is a gate.
  if (mark.versionGate && note.severity === 'info' && !NAMES_PYTHON_VERSION.test(mark.reason ? stringValue(mark.reason) ?? mark.reason.text : '')) {
    return { ...note, severity: 'warning', tail: ' Every Python 3 interpreter meets that condition: fix the failing tests, or gate on the version or platform that really lacks what they need.' };
  }
  if (mark.xfail === 'strict') {
    return {
      severity: 'info',
      text: note.text,
      tail: ' A strict or type-specific xfail fails the run when a test passes or fails differently, but it still hides every matching failure in its scope; mark the known failures one by one.',
    };
  }
  if (mark.xfail && note.severity === 'warning') {
    return { ...note, tail: ' Fix the failing tests, or mark single known failures `xfail(strict=True)` with the issue.' };
  }
  return note;
}

/** A reason that names a Python release: `Python 2 only`, `py2`, `py3k`, `3.12`, `PyPy`. */
const NAMES_PYTHON_VERSION = /\bpy(thon)? ?[23]|\bpy[23]k?\b|\b[23]\.\d+\b|pypy|jython|ironpython/i;

/** The marks in a `pytestmark = ...` value (a mark, or a list/tuple of marks). */
function marksIn(value: Node): Node[] {
  const v = unparen(value);
  if (v.type === 'list' || v.type === 'tuple') return v.namedChildren.filter((c) => c.type !== 'comment');
  return [v];
}

/**
 * `classifyReason` for a skip of a whole module or class (`blanketReasonTextVerdict` on the reason's literal text).
 */
function blanketReasonVerdict(reason: Node | undefined, marksFailure = false, skips = true): ReasonVerdict {
  const verdict = classifyReason(reason);
  if (verdict !== 'external' || !reason) return verdict;
  return blanketReasonTextVerdict(reasonText(reason), marksFailure, skips);
}

/** The literal text of a reason (the literal parts of an f-string or concatenation). */
function reasonText(reason: Node): string {
  const n = unparen(reason);
  const v = stringValue(n);
  if (v !== undefined) return v;
  const parts: string[] = [];
  forEachDescendant(n, (c) => void (c.type === 'string_content' && parts.push(c.text)));
  return parts.join(' ');
}

function severityFor(reason: ReasonVerdict): Severity {
  return reason === 'external' || reason === 'unknown' ? 'info' : 'warning';
}

/** Severity and message parts from a skip's reason: `text` goes before the sentence's full stop, `tail` after it. */
function reasonNote(reasonNode: Node | undefined, marksFailure = false, skips = true): { severity: Severity; text: string; tail: string } {
  const severity = severityFor(blanketReasonVerdict(reasonNode, marksFailure, skips));
  const text = reasonNode ? ` (reason: ${quoteReason(reasonNode)})` : ' without a reason';
  const tail =
    severity === 'info'
      ? ' The reason names the environment or a tracked issue; prefer a condition that checks it (`skipif(...)`, `requires(...)`).'
      : ' Fix the failing tests or skip under a condition that names why they cannot run here.';
  return { severity, text, tail };
}

function className(cls: Node): string {
  return cls.childForFieldName('name')?.text ?? '?';
}

/** `__unittest_skip__ = True` in a class body, `C.__unittest_skip__ = True`, `setattr(C, "__unittest_skip__", True)`. */
function isUnittestSkipFlag(node: Node): Node | undefined {
  if (node.type === 'assignment') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return undefined;
    const l = unparen(left);
    const attr = l.type === 'attribute' ? l.childForFieldName('attribute')?.text : l.type === 'identifier' ? l.text : undefined;
    return attr === '__unittest_skip__' && literalTruth(right) === true ? node : undefined;
  }
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    if (!(fn?.type === 'identifier' && fn.text === 'setattr')) return undefined;
    const args = callArguments(node);
    if (stringValue(args.positional[1]) === '__unittest_skip__' && args.positional[2] && literalTruth(args.positional[2]) === true) return node;
  }
  return undefined;
}

/**
 * `def decorator(test_item): ...; test_item.__unittest_skip__ = True; return test_item`: the implementation of
 * a skip decorator marks whatever it is given; the blanket skip, if any, is where the decorator is applied.
 */
function marksReturnedParameter(fn: Node, target: Node | null | undefined): boolean {
  const t = target ? unparen(target) : undefined;
  if (t?.type !== 'identifier' || !parameterNames(fn).includes(t.text)) return false;
  const body = fn.childForFieldName('body');
  let returned = false;
  if (body) {
    forEachInScope(body, (n) => {
      if (n.type === 'return_statement') returned ||= n.namedChildren.some((c) => unparen(c).text === t.text);
      return !returned;
    });
  }
  return returned;
}

// ---------------------------------------------------------------------------------------------------
// Test files

/**
 * The truth of a module-level condition when the test runner imports the module: a literal, or a test of
 * `__name__` against `"__main__"` (an imported module is never `__main__`, so `if __name__ != "__main__":`
 * always holds under pytest and unittest discovery).
 */
function truthWhenImported(cond: Node | null, ctx: MarkContext): boolean | undefined {
  const literal = literalTruth(cond);
  if (literal !== undefined || !cond) return literal;
  const c = unparen(cond);
  // `if sys.version_info[0] >= 3:`: every Python 3 takes the same branch.
  const version = versionTruth(c, ctx);
  if (version !== undefined) return version;
  if (c.type === 'not_operator') {
    const inner = truthWhenImported(c.childForFieldName('argument'), ctx);
    return inner === undefined ? undefined : !inner;
  }
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2 || !/__name__/.test(c.text)) return undefined;
  const [a, b] = c.namedChildren as [Node, Node];
  const isName = (n: Node) => unparen(n).type === 'identifier' && unparen(n).text === '__name__';
  const isMain = (n: Node) => stringValue(unparen(n)) === '__main__';
  if (!((isName(a) && isMain(b)) || (isName(b) && isMain(a)))) return undefined;
  const op = comparisonOperator(c);
  return op === '!=' || op === 'is not' ? true : op === '==' || op === 'is' ? false : undefined;
}

/** The block of an `if` statement that always runs on import (`if True:`, `if __name__ != "__main__":`, the `else:` of `if __name__ == "__main__":`). */
function blockRunOnImport(stmt: Node, ctx: MarkContext): Node | null {
  if (stmt.type !== 'if_statement') return null;
  const truth = truthWhenImported(stmt.childForFieldName('condition'), ctx);
  if (truth === true) return stmt.childForFieldName('consequence');
  if (truth !== false) return null;
  const alternatives = stmt.childrenForFieldName('alternative');
  // Only a plain `else:` is certain; an `elif` has a condition of its own.
  return alternatives.length === 1 && alternatives[0]?.type === 'else_clause' ? alternatives[0].childForFieldName('body') : null;
}

/** For a statement inside an `if` that always runs on import: which condition always holds (` that can fail (...)`). */
function gateNote(stmt: Node, ctx: MarkContext): string {
  const branch = stmt.parent?.parent;
  if (branch?.type !== 'if_statement' && branch?.type !== 'else_clause') return '';
  const ifStmt = branch.type === 'else_clause' ? branch.parent : branch;
  const cond = ifStmt?.childForFieldName('condition');
  if (!cond || literalTruth(cond) !== undefined) return '';
  if (versionTruth(unparen(cond), ctx) !== undefined) return ` that can fail (\`${cond.text}\` is ${branch.type === 'else_clause' ? 'false' : 'true'} on every Python 3)`;
  return ` that can fail (\`${cond.text}\` is ${branch.type === 'else_clause' ? 'false' : 'true'} whenever the test runner imports the module)`;
}

/** The module's statements, with the blocks that always run on import in their place (`if True:`, `if __name__ != "__main__":`). */
function moduleStatements(root: Node, ctx: MarkContext): Node[] {
  const out: Node[] = [];
  const stack = [...root.namedChildren].reverse();
  while (stack.length) {
    const stmt = stack.pop()!;
    const block = blockRunOnImport(stmt, ctx);
    if (block) for (let i = block.namedChildCount - 1; i >= 0; i--) stack.push(block.namedChild(i)!);
    else out.push(stmt);
  }
  return out;
}

/**
 * A test the module takes back after defining it: `del test_slugify`, `test_slugify = None`, `test_x = lambda: None`.
 * The collector sees the module's names when it is done, so the test never runs. A rebinding that wraps the
 * test itself (`test_x = deferredGenerator(test_x)`, `test_x = mark(test_x)`) keeps it.
 */
function checkTestTakenBack(ctx: RuleContext, stmt: Node, defined: Set<string>): void {
  const report = (node: Node, name: string, how: string) =>
    ctx.report({ node, message: `\`${name}\` is a test of this file, and ${how} takes it out of the module: pytest and unittest no longer collect it, so it never runs and nothing reports it missing.`, severity: 'warning' });
  if (stmt.type === 'delete_statement') {
    for (const t of stmt.namedChildren.flatMap((c) => (c.type === 'expression_list' ? c.namedChildren : [c]))) {
      if (t.type === 'identifier' && defined.has(t.text)) report(stmt, t.text, `\`${stmt.text.split('\n')[0]}\``);
    }
    return;
  }
  const e = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  if (e?.type !== 'assignment') return;
  const left = e.childForFieldName('left');
  const right = e.childForFieldName('right');
  if (left?.type !== 'identifier' || !right || !defined.has(left.text)) return;
  // Wrapping the test keeps it (`test_x = gen_test(test_x)`), and so does any value that mentions it.
  if (right.descendantsOfType('identifier').some((i) => i?.text === left.text) || (right.type === 'identifier' && right.text === left.text)) return;
  const v = unparen(right);
  if (!['none', 'false', 'true', 'integer', 'string', 'lambda', 'identifier'].includes(v.type)) return;
  report(e, left.text, `rebinding it (\`${e.text.split('\n')[0].slice(0, 60)}\`)`);
}

/** A module-level `del` or rebinding of a name that looks like a test's: only then can a test be taken back. */
const TAKES_BACK_TEXT = /^(?:del[ \t]+[\w, \t()]*\b[Tt]est|[Tt]est\w*[ \t]*=[^=])/m;

function checkTestsTakenBack(ctx: RuleContext): void {
  // Module-level tests defined so far, for the statements that take one back.
  const defined = new Set<string>();
  for (const stmt of moduleStatements(ctx.root, ctx)) {
    checkTestTakenBack(ctx, stmt, defined);
    const top = definitionOf(stmt);
    if (top.type === 'function_definition' && isTestFunction(top)) defined.add(functionName(top));
    if (top.type === 'class_definition' && /^Test/.test(top.childForFieldName('name')?.text ?? '')) defined.add(top.childForFieldName('name')!.text);
    // A base of other test classes (`class TestTester(unittest.TestCase)` that the others extend): deleting it
    // keeps the loader from running the base on its own, as trial's tests do.
    for (const b of top.type === 'class_definition' ? (top.childForFieldName('superclasses')?.namedChildren ?? []) : []) defined.delete(unparen(b).text);
  }
}

function checkTestModule(ctx: RuleContext): void {
  checkSkippedOneByOne(ctx);
  for (const fn of ctx.root.descendantsOfType('function_definition')) if (fn && isTestFunction(fn)) checkEveryCaseSkipped(ctx, fn);
  for (const stmt of moduleStatements(ctx.root, ctx)) {
    // pytestmark = pytest.mark.skip(...)
    if (stmt.type === 'expression_statement') {
      const e = stmt.namedChild(0);
      if (e?.type === 'assignment') {
        checkPytestmark(ctx, e, 'module');
        checkModuleTestFlag(ctx, e, stmt);
        const right = e.childForFieldName('right');
        if (right) checkAppliedDecorator(ctx, right);
      } else if (e?.type === 'call' && checkAppliedDecorator(ctx, e)) {
        // reported
      } else if (e?.type === 'call') {
        const site = skipSiteOf(e, ctx.names);
        if (site && site.kind === 'skip' && site.moduleLevel) {
          const note = reasonNote(site.reason);
          ctx.report({
            node: e,
            message: `Module-level \`${site.display}\` with \`allow_module_level=True\` and no condition${gateNote(stmt, ctx)} skips every test in this file${note.text}.${note.tail}`,
            severity: note.severity,
          });
        }
      }
    } else if (stmt.type === 'raise_statement') {
      const site = skipSiteOf(stmt, ctx.names);
      if (site) {
        const note = reasonNote(site.reason);
        ctx.report({ node: stmt, message: `Module-level \`${site.display}\` with no condition${gateNote(stmt, ctx)} skips every test in this file${note.text}.${note.tail}`, severity: note.severity });
      }
    }
    if (stmt.type === 'try_statement') checkGuardedImport(ctx, stmt);
    if (stmt.type === 'for_statement') {
      for (const { stmt: at, site, note: loopNote } of loopSkips(stmt, ctx)) {
        // At module level only a module skip (`allow_module_level=True`, `raise SkipTest`) is valid.
        if (at.type !== 'raise_statement' && !site.moduleLevel) continue;
        const note = reasonNote(site.reason);
        ctx.report({ node: at, message: `Module-level \`${site.display}\` ${loopNote}: it skips every test in this file${note.text}.${note.tail}`, severity: note.severity });
      }
    }
    const def = definitionOf(stmt);
    if (def.type === 'function_definition') checkFixture(ctx, def);
    if (def.type === 'class_definition') checkClass(ctx, def);
    if (def.type === 'class_definition') checkClassTestFlag(ctx, def);
    if (def.type === 'function_definition' && SETUP_NAMES.has(functionName(def)) && moduleDefinesTests(ctx.root)) checkSetUp(ctx, def, 'module');
  }
}

/**
 * `__test__ = False` at module level: pytest (and nose) collect nothing from a module whose `__test__` is false, so
 * every test of the file silently stops running. Only in a module that defines tests; on a class it marks a helper
 * or an abstract base (subclasses set it back), and `__test__ = {...}` is doctest's table of extra tests.
 */
function checkModuleTestFlag(ctx: RuleContext, assign: Node, stmt: Node): void {
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (left?.type !== 'identifier' || left.text !== '__test__' || !right) return;
  // `False`, `None`, `0`; an empty `{}` is how doctest's own copies start their table of extra tests.
  const v = unparen(right);
  if (!(v.type === 'false' || v.type === 'none' || (v.type === 'integer' && literalTruth(v) === false))) return;
  // `test_data(seed)` helpers that return values and check nothing are why a helper module sets the flag.
  if (!moduleDefinesTests(ctx.root, true)) return;
  ctx.report({
    node: assign,
    message: `Module-level \`${assign.text.split('\n')[0]}\`${gateNote(stmt, ctx)} stops pytest from collecting any test in this file: none of them runs, and the run reports nothing missing. Remove it, or skip under a condition that names why the tests cannot run here.`,
    severity: 'warning',
  });
}

/**
 * `class TestFieldParsing: __test__ = False` on a class pytest would collect (named `Test*`, no base but `object`)
 * whose test methods check the code with nothing left for a subclass to supply: pytest silently stops collecting all
 * of them. Quiet for abstract bases (a subclass in the file, a `Base`/`Mixin`/`Abstract` name, or a test reading a
 * `self.` attribute the class never provides: subclasses elsewhere set it and `__test__` back), for classes named
 * like tests that are not (`TestClient`, `TestApp`: no checking `test*` method) and for unittest classes.
 */
function checkClassTestFlag(ctx: RuleContext, cls: Node): void {
  const name = cls.childForFieldName('name')?.text ?? '';
  const body = cls.childForFieldName('body');
  if (!body || !/^Test/.test(name) || /Base|Mixin|Abstract|Template|Generic/.test(name)) return;
  if ((cls.childForFieldName('superclasses')?.namedChildren ?? []).some((b) => b.type !== 'comment' && b.text !== 'object')) return;
  const flag = body.namedChildren.map((st) => (st.type === 'expression_statement' ? st.namedChild(0) : null)).find((a) => a?.type === 'assignment' && a.childForFieldName('left')?.text === '__test__');
  const value = flag?.childForFieldName('right');
  const v = value ? unparen(value) : undefined;
  if (!flag || !v || !(v.type === 'false' || v.type === 'none' || (v.type === 'integer' && literalTruth(v) === false))) return;
  const tests = body.namedChildren.map(definitionOf).filter((d) => d.type === 'function_definition' && /^test/.test(functionName(d)) && isTestNotDataHelper(d) && d.descendantsOfType(['assert_statement', 'call']).length > 0);
  if (!tests.length) return;
  // Subclassed in the file: an abstract base whose subclasses set the flag back.
  if (ctx.root.descendantsOfType('class_definition').some((c) => (c?.childForFieldName('superclasses')?.namedChildren ?? []).some((b) => b.text === name || b.text.endsWith(`.${name}`)))) return;
  // Something the class leaves to subclasses: a `self.` attribute it neither defines nor assigns.
  const provided = new Set<string>();
  for (const st of body.namedChildren) {
    const d = definitionOf(st);
    if (d.type === 'function_definition' || d.type === 'class_definition') provided.add(d.childForFieldName('name')?.text ?? '');
    const a = st.type === 'expression_statement' ? st.namedChild(0) : null;
    if (a?.type === 'assignment') for (const id of a.childForFieldName('left')?.descendantsOfType('identifier') ?? []) provided.add(id!.text);
  }
  for (const a of body.descendantsOfType('attribute')) {
    const target = a?.parent?.type === 'assignment' && a.parent.childForFieldName('left')?.id === a.id;
    if (target && /^(self|cls)$/.test(a!.childForFieldName('object')?.text ?? '')) provided.add(a!.childForFieldName('attribute')?.text ?? '');
  }
  const missing = body.descendantsOfType('attribute').some((a) => /^(self|cls)$/.test(a!.childForFieldName('object')?.text ?? '') && !provided.has(a!.childForFieldName('attribute')?.text ?? ''));
  if (missing) return;
  ctx.report({
    node: flag,
    message: `\`${flag.text.split('\n')[0]}\` in class \`${name}\` stops pytest from collecting its ${tests.length === 1 ? 'test' : `${tests.length} tests`}: none of them runs, and the run reports nothing missing. Remove it, or skip under a condition that names why the tests cannot run here.`,
    severity: 'warning',
  });
}

/** The name a `@pytest.fixture` function provides, unless it is autouse (RH303 judges autouse fixtures) or not a fixture. */
function requestableFixtureName(fn: Node, ctx: RuleContext): string | undefined {
  for (const d of decoratorsOf(fn)) {
    const n = unparen(d);
    const target = n.type === 'call' ? n.childForFieldName('function') : n;
    if (!target || !/(^|\.)fixture$/.test(target.text)) continue;
    const q = ctx.names.qualify(target) ?? dottedName(target) ?? '';
    if (!/^(pytest\.fixture|_pytest\.fixtures\.fixture|pytest_asyncio\.fixture)$/.test(q)) continue;
    const args = n.type === 'call' ? callArguments(n) : undefined;
    const autouse = args?.keywords.get('autouse');
    if (autouse && literalTruth(autouse) !== false) return undefined;
    return stringValue(args?.keywords.get('name')) ?? functionName(fn);
  }
  return undefined;
}

/** Test functions and methods of the file that request `fixture` as a parameter (or name it in `usefixtures`). */
function testsRequesting(ctx: RuleContext, fixture: string): number {
  let count = 0;
  for (const def of ctx.root.descendantsOfType('function_definition')) {
    if (def && /^test/.test(functionName(def)) && parameterNames(def).includes(fixture)) count++;
  }
  if (!count && new RegExp(`usefixtures\\([^)]*['"]${fixture}['"]`).test(ctx.source)) count++;
  return count;
}

/**
 * `@pytest.fixture def db(): pytest.skip("...")`: a fixture that skips before it provides anything skips every
 * test that requests it. Only a skip on the fixture's unconditional path, before its `return`/`yield`; in a
 * test file only when some test requests it (a conftest's fixtures serve tests elsewhere).
 */
function checkFixture(ctx: RuleContext, fn: Node): void {
  const body = fn.childForFieldName('body');
  if (!body || !decoratorsOf(fn).length) return;
  for (const stmt of body.namedChildren) {
    if (stmt.type === 'return_statement' || (stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'yield')) return;
    // `for d in DISCOUNTS: if not d["ready"]: pytest.skip(...)` over a literal list that has such a case: as unconditional.
    const looped = stmt.type === 'for_statement' ? loopSkips(stmt, ctx).find((l) => l.site.kind === 'skip') : undefined;
    const target = stmt.type === 'raise_statement' ? stmt : stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'call' ? stmt.namedChild(0)! : null;
    const site = looped?.site ?? (target ? skipSiteOf(target, ctx.names) : undefined);
    if (!site || site.kind !== 'skip') continue;
    const name = requestableFixtureName(fn, ctx);
    if (!name) return;
    const requested = ctx.role === 'test' ? testsRequesting(ctx, name) : undefined;
    if (requested === 0) return;
    const note = reasonNote(site.reason);
    const who = requested === undefined ? 'every test that requests it' : `every test that requests it (${requested} in this file)`;
    const how = looped ? looped.note : 'runs unconditionally';
    ctx.report({ node: looped?.stmt ?? stmt, message: `\`${site.display}\` in fixture \`${name}\` ${how}, before the fixture provides anything: ${who} is skipped${note.text}.${note.tail}`, severity: note.severity });
    return;
  }
}

/** A suite built with nothing in it: `unittest.TestSuite()`, `TestSuite([])`, `loader.suiteClass()`. */
function isEmptySuite(value: Node, ctx: RuleContext): boolean {
  const v = unparen(value);
  if (v.type !== 'call') return false;
  const f = v.childForFieldName('function');
  const name = ctx.names.qualify(f) ?? dottedName(f) ?? '';
  if (!/(^|\.)(TestSuite|suiteClass)$/.test(name)) return false;
  const args = v.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  if (args.length === 0) return true;
  const only = unparen(args[0]!);
  return args.length === 1 && (only.type === 'list' || only.type === 'tuple') && only.namedChildren.every((c) => c.type === 'comment');
}

/**
 * `def load_tests(loader, tests, pattern): return unittest.TestSuite()`: unittest asks a module's (or a
 * package's) `load_tests` for its tests, and an empty suite means none of them run. Only a return on the
 * unconditional path counts (one under `if sys.platform ...:` is a gate); a suite bound to a name counts
 * when nothing else touches the name (no `addTest`, not passed anywhere).
 */
function checkLoadTests(ctx: RuleContext): void {
  for (const stmt of ctx.root.namedChildren) {
    const fn = definitionOf(stmt);
    if (fn.type !== 'function_definition' || functionName(fn) !== 'load_tests') continue;
    const body = fn.childForFieldName('body');
    if (!body) continue;
    forEachInScope(body, (n) => {
      if (n.type !== 'return_statement') return true;
      const value = n.namedChildren.find((c) => c.type !== 'comment');
      if (!value || !isUnconditionalIn(n, body)) return false;
      if (!isEmptySuite(value, ctx) && !(unparen(value).type === 'identifier' && boundOnlyToEmptySuite(unparen(value).text, body, ctx))) return false;
      ctx.report({
        node: n,
        message: `\`load_tests()\` returns an empty suite: unittest runs none of the tests of this ${ctx.path.endsWith('__init__.py') ? 'package' : 'module'}, so they can never fail.`,
        severity: 'warning',
      });
      return false;
    });
  }
}

/** `name` is assigned an empty suite and used nowhere else in `body` than that assignment and returns. */
function boundOnlyToEmptySuite(name: string, body: Node, ctx: RuleContext): boolean {
  let empty = false;
  let otherUse = false;
  forEachInScope(body, (n) => {
    if (otherUse || n.type !== 'identifier' || n.text !== name) return !otherUse;
    const p = n.parent;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === n.id) {
      const right = p.childForFieldName('right');
      if (right && isEmptySuite(right, ctx)) empty = true;
      else otherUse = true;
    } else if (p?.type !== 'return_statement') otherUse = true;
    return true;
  });
  return empty && !otherUse;
}

/** The clause catches everything: bare `except:`, `Exception`, `BaseException` (alone or in a tuple). */
function catchesBroadly(clause: Node): boolean {
  const first = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
  if (!first) return true;
  const value = first.type === 'as_pattern' ? first.namedChild(0) : first;
  if (!value) return false;
  const v = unparen(value);
  const types = v.type === 'tuple' || v.type === 'list' ? v.namedChildren : [v];
  return types.some((t) => /^(builtins\.)?(Exception|BaseException)$/.test(dottedName(t) ?? ''));
}

/**
 * `try: from solution import total` / `except Exception: pytest.skip(..., allow_module_level=True)`: a broad
 * handler turns any error of the imported code (a syntax error, an exception at import time) into a skip of
 * the whole module, so a broken module under test reads as skipped tests. `except ImportError:` around an
 * optional dependency is an environment gate and stays quiet; a reason that names the environment is info.
 */
function checkGuardedImport(ctx: RuleContext, tryStmt: Node): void {
  const body = tryStmt.childForFieldName('body');
  if (!body?.namedChildren.some((s) => s.type === 'import_statement' || s.type === 'import_from_statement')) return;
  for (const clause of tryStmt.namedChildren) {
    if (clause.type !== 'except_clause') continue;
    if (!catchesBroadly(clause)) continue;
    const block = clause.namedChildren.find((c) => c.type === 'block');
    for (const stmt of block?.namedChildren ?? []) {
      const target = stmt.type === 'raise_statement' ? stmt : stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'call' ? stmt.namedChild(0)! : null;
      const site = target ? skipSiteOf(target, ctx.names) : undefined;
      if (!site || site.kind !== 'skip' || (!site.moduleLevel && target!.type !== 'raise_statement')) continue;
      const note = reasonNote(site.reason);
      const header = clause.text.slice(0, clause.text.indexOf(':') + 1).replace(/\s+/g, ' ');
      ctx.report({
        node: stmt,
        message:
          `\`${site.display}\` under \`${header}\` skips every test in this file when the import fails for any reason${note.text}: ` +
          `an error in the imported code reads as skipped tests.${note.severity === 'warning' ? ' Catch `ImportError` for an optional dependency, and let errors of the module under test fail the tests.' : note.tail}`,
        severity: note.severity,
      });
      return;
    }
  }
}

/** `Tests = unittest.skip("...")(Tests)`: a skip decorator applied by hand to a test class. */
function checkAppliedDecorator(ctx: RuleContext, expr: Node): boolean {
  const call = unparen(expr);
  if (call.type !== 'call') return false;
  const decorator = call.childForFieldName('function');
  if (!decorator || unparen(decorator).type !== 'call') return false;
  const skip = blanketMark(decorator, ctx);
  if (!skip) return false;
  const target = callArguments(call).positional[0];
  const cls = target && target.type === 'identifier' ? moduleClassNamed(ctx.root, target.text) : undefined;
  if (!cls || hidesNoCheck(cls, ctx)) return false;
  const note = markNote(skip, true);
  ctx.report({ node: call, message: `\`${skip.display}(...)(${target!.text})\` ${markEffect(skip, `every test of class \`${target!.text}\``)}${note.text}.${note.tail}`, severity: note.severity });
  return true;
}

function checkPytestmark(ctx: RuleContext, assign: Node, scope: 'module' | { cls: Node }): void {
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (left?.type !== 'identifier' || left.text !== 'pytestmark' || !right) return;
  for (const mark of marksIn(markValue(right, ctx))) {
    const skip = blanketMark(mark, ctx);
    if (!skip) continue;
    const note = markNote(skip, true);
    const target = scope === 'module' ? 'every test in this file' : `every test of class \`${className(scope.cls)}\``;
    ctx.report({ node: assign, message: `\`pytestmark = ${skip.display}\` ${markEffect(skip, target)}${note.text}.${note.tail}`, severity: note.severity });
  }
}

/** Modules of test frameworks whose base classes define no tests of the project (`unittest.TestCase`). */
const FRAMEWORK_BASES = /^(unittest|unittest2|twisted\.trial|testtools|django\.test|absl\.testing|tornado\.testing|asynctest|aiounittest)(\.|$)/;

/**
 * Skipping the class hides no check: it defines no tests, or only tests that do nothing but fail (samples for
 * a test framework's own tests of skipping, `raise Exception("should never run")`), and it inherits from
 * nothing but `object` and test framework base classes (a project mixin would bring tests of its own).
 */
function hidesNoCheck(cls: Node, ctx: RuleContext): boolean {
  if (!testMethodsOf(cls).every(isFailingSample)) return false;
  const bases = baseExpressions(cls);
  if (!bases.every((b) => b.text === 'object' || FRAMEWORK_BASES.test(ctx.names.qualify(b) ?? ''))) return false;
  // Subclasses inherit a class skip (`@skip class Base(TestCase): pass`, then `class TestParse(Base): ...`).
  return !inheritedNames(ctx.root).has(className(cls));
}

const inheritedNamesCache = new WeakMap<Node, Set<string>>();

/**
 * The names some class of the file inherits from, as written (`Base`) and by their last dotted segment
 * (`common.Base` → `Base`), computed once per file.
 */
function inheritedNames(root: Node): Set<string> {
  let names = inheritedNamesCache.get(root);
  if (!names) {
    names = new Set();
    for (const c of root.descendantsOfType('class_definition')) {
      for (const b of c?.childForFieldName('superclasses')?.namedChildren ?? []) {
        names.add(b.text);
        const dot = b.text.lastIndexOf('.');
        if (dot >= 0) names.add(b.text.slice(dot + 1));
      }
    }
    inheritedNamesCache.set(root, names);
  }
  return names;
}

/**
 * A reason that says the tests run somewhere else ("Tested in tests/reductions", "covered by test_io.py", "tests
 * live in test_io.py", "run separately"): the tests are the subject, not a fix that happens elsewhere.
 */
const TESTED_ELSEWHERE = /\b(tested|covered|exercised|checked|run|done)\b[^.;]{0,40}?\b(in|by)\s+\S*(test|\.py\b|\/)|\btests?\s+(live|lives|are|is)\s+in\s+\S*(test|\.py\b|\/)|\b(tested|covered|run|exercised)\s+(elsewhere|separately)\b/i;

/** A reason that names a failure ("off by a cent", "broken", "fails on ..."): the suite is skipped because it fails. */
const NAMES_FAILURE = /\b(fail\w*|bugs?|buggy|broken|wrong|off by|incorrect|flaky|fix(ed|es)?|crash\w*|errors?|regression|todo|fixme|xxx)\b/i;

/** A class that inherits its tests and defines nothing itself (`class TestReduce(base.BaseReduceTests): pass`). */
function isEmptySubclass(cls: Node): boolean {
  const bases = baseExpressions(cls);
  if (!bases.length) return false;
  return (cls.childForFieldName('body')?.namedChildren ?? []).every((s) => {
    const e = s.type === 'expression_statement' ? s.namedChild(0) : null;
    return s.type === 'comment' || s.type === 'pass_statement' || e?.type === 'string' || e?.type === 'ellipsis';
  });
}

function checkClass(ctx: RuleContext, cls: Node): void {
  if (hidesNoCheck(cls, ctx)) return;
  // Decorators.
  const wrapper = cls.parent?.type === 'decorated_definition' ? cls.parent : null;
  for (const dec of wrapper?.namedChildren.filter((c) => c.type === 'decorator') ?? []) {
    const expr = dec.namedChild(0);
    if (!expr) continue;
    const skip = blanketMark(expr, ctx);
    if (!skip) continue;
    const note = markNote(skip, true);
    // `@skip(reason="Tested in test_reductions.py") class TestReduce(base.BaseReduceTests): pass`: this copy of a shared
    // suite is opted out because the suite runs elsewhere, which the reason says; the class adds nothing of its own.
    const reasonText = skip.reason ? (stringValue(skip.reason) ?? skip.reason.text) : '';
    const elsewhere = !skip.xfail && note.severity === 'warning' && TESTED_ELSEWHERE.test(reasonText) && !NAMES_FAILURE.test(reasonText) && isEmptySubclass(cls);
    ctx.report({
      node: dec,
      message: `\`@${skip.display}\` on class \`${className(cls)}\` ${markEffect(skip, 'all of its tests')}${note.text}.${elsewhere ? ' The class only inherits a shared suite and the reason says it runs elsewhere; not subclassing it says the same without a skip.' : note.tail}`,
      severity: elsewhere ? 'info' : note.severity,
    });
  }
  const body = cls.childForFieldName('body');
  for (const stmt of body?.namedChildren ?? []) {
    if (stmt.type === 'expression_statement') {
      const e = stmt.namedChild(0);
      if (e?.type === 'assignment') {
        checkPytestmark(ctx, e, { cls });
        if (isUnittestSkipFlag(e)) {
          ctx.report({ node: e, message: `\`__unittest_skip__ = True\` makes unittest skip every test of class \`${className(cls)}\` without a visible decorator.`, severity: 'warning' });
        }
      }
    }
    const def = definitionOf(stmt);
    if (def.type === 'function_definition' && SETUP_NAMES.has(functionName(def)) && definesTests(cls) && !isSkipNamed(cls)) checkSetUp(ctx, def, { cls });
  }
}

function moduleDefinesTests(root: Node, checking = false): boolean {
  return root.namedChildren.some((s) => {
    const d = definitionOf(s);
    return (d.type === 'function_definition' && /^test/.test(functionName(d)) && (!checking || isTestNotDataHelper(d))) || (d.type === 'class_definition' && definesTests(d, checking));
  });
}

/** The class body defines `test*` methods (a skip in its setUp then silences them). */
function definesTests(cls: Node, checking = false): boolean {
  return (cls.childForFieldName('body')?.namedChildren ?? []).some((s) => {
    const d = definitionOf(s);
    return d.type === 'function_definition' && /^test/.test(functionName(d)) && (!checking || isTestNotDataHelper(d));
  });
}

/**
 * Not a data helper named like a test: a helper returns a value and checks nothing (`def test_data(seed): return
 * [...]`). A body that asserts, fails or expects an exception, or returns nothing, is a test's.
 */
function isTestNotDataHelper(fn: Node): boolean {
  let returnsValue = false;
  for (const n of fn.descendantsOfType(['assert_statement', 'call', 'return_statement'])) {
    if (n?.type === 'assert_statement') return true;
    if (n?.type === 'return_statement') returnsValue ||= n.namedChildCount > 0;
    else if (n && /^(assert|fail|raises|check|verify|expect)/i.test(calleeLastName(n))) return true;
  }
  return !returnsValue;
}

/** A class whose name says skipping is its purpose (`SkipDocTestCase`, `SkippedTest`). */
function isSkipNamed(cls: Node): boolean {
  return identifierWords(className(cls)).some((w) => w.startsWith('skip'));
}

/**
 * Skips in `if` statements directly in the body of `loop` that always run (see `alwaysTakenLoopGuard`: the loop
 * walks a literal case list and some listed case meets the condition), each with a phrase that says why.
 */
function loopSkips(loop: Node, ctx: RuleContext): { stmt: Node; site: SkipSite; note: string }[] {
  const out: { stmt: Node; site: SkipSite; note: string }[] = [];
  for (const ifStmt of loop.childForFieldName('body')?.namedChildren ?? []) {
    if (ifStmt.type !== 'if_statement') continue;
    for (const stmt of ifStmt.childForFieldName('consequence')?.namedChildren ?? []) {
      const target = stmt.type === 'raise_statement' ? stmt : stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'call' ? stmt.namedChild(0)! : null;
      const site = target ? skipSiteOf(target, ctx.names) : undefined;
      const guard = site && alwaysTakenLoopGuard(stmt, ctx.root, ctx.source);
      if (!site || !guard) continue;
      const head = `for ${guard.loop.childForFieldName('left')?.text} in ${guard.loop.childForFieldName('right')?.text}:`;
      const element = guard.element.text.length > 40 ? `${guard.element.text.slice(0, 37)}...` : guard.element.text;
      out.push({ stmt, site, note: `runs under \`if ${guard.condition.text}:\` in \`${head}\`, and the listed case \`${element}\` meets that condition on every run` });
    }
  }
  return out;
}

/** An unconditional skip in `setUp`/`setUpClass`/`setUpModule` skips every test it prepares. */
function checkSetUp(ctx: RuleContext, fn: Node, scope: 'module' | { cls: Node }): void {
  const body = fn.childForFieldName('body');
  if (!body) return;
  for (const stmt of body.namedChildren) {
    const looped = stmt.type === 'for_statement' ? loopSkips(stmt, ctx).find((l) => l.site.kind === 'skip') : undefined;
    const target = stmt.type === 'raise_statement' ? stmt : stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'call' ? stmt.namedChild(0)! : null;
    if (!target && !looped) continue;
    const site = looped?.site ?? skipSiteOf(target!, ctx.names);
    if (!site || site.kind !== 'skip') continue;
    const note = reasonNote(site.reason);
    const what = scope === 'module' ? 'every test in this file' : `every test of class \`${className(scope.cls)}\``;
    ctx.report({ node: looped?.stmt ?? stmt, message: `\`${site.display}\` in \`${functionName(fn)}()\` ${looped ? `${looped.note}: it` : 'runs unconditionally and'} skips ${what}${note.text}.${note.tail}`, severity: note.severity });
    return;
  }
}

// ---------------------------------------------------------------------------------------------------
// Code under test

const SKIP_HELPER_WORDS = new Set(['skip', 'skips', 'skipped', 'skipper', 'require', 'requires', 'required', 'requirement', 'need', 'needs', 'only', 'import', 'importorskip', 'available', 'availability', 'check', 'ensure', 'xfail', 'unsupported', 'precondition', 'guard']);

/** A function that exists to skip: its name says so, or it forwards a reason it was given. */
function isSkipHelper(fn: Node, reason: Node | undefined): boolean {
  if (identifierWords(functionName(fn)).some((w) => SKIP_HELPER_WORDS.has(w))) return true;
  const cls = ownerClass(fn);
  if (cls && identifierWords(className(cls)).some((w) => SKIP_HELPER_WORDS.has(w) || w === 'test' || w === 'tests' || w === 'testcase')) return true;
  if (reason) {
    const params = new Set(parameterNames(fn));
    let forwards = false;
    forEachDescendant(reason, (n) => void (n.type === 'identifier' && params.has(n.text) && (forwards = true)));
    if (unparen(reason).type === 'identifier' && params.has(unparen(reason).text)) forwards = true;
    if (forwards) return true;
  }
  return false;
}

const DECORATED_PARAM = /^(f|fn|func|function|method|meth|test|test_?func|test_?item|wrapped|obj|cls|klass)$/;

/**
 * A wrapper defined inside a decorator (`def slow(func): def wrapper(): skip("too slow"); return wrapper`):
 * a skip marker implemented by hand, which only affects the tests it decorates.
 */
function isDecoratorWrapper(fn: Node): boolean {
  const outer = nearestFunction(fn);
  if (outer && (isSkipHelper(outer, undefined) || parameterNames(outer).some((p) => DECORATED_PARAM.test(p)))) return true;
  return enclosingFunctions(fn).some(returnsParameterWhenGated);
}

/** The functions `fn` is nested in, innermost first, also across a class defined inside a function (`class Skipped(target)`). */
function enclosingFunctions(fn: Node): Node[] {
  const out: Node[] = [];
  for (let p = fn.parent; p && out.length < 3; p = p.parent) if (p.type === 'function_definition') out.push(p);
  return out;
}

/**
 * A conditional decorator (`def decorate(target): if not condition: return target` ... `return wrapper`): on
 * some path it hands back what it was given unchanged, under a condition that is not a constant, so the
 * skipping wrapper it builds on the other path is chosen by that condition (`skip_if(condition, reason)`).
 * Under a constant condition (`if not True: return target`) the wrapper is always what it returns.
 */
function returnsParameterWhenGated(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  const params = new Set(parameterNames(fn));
  const isParam = (n: Node | null | undefined) => !!n && unparen(n).type === 'identifier' && params.has(unparen(n).text);
  let found = false;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type !== 'return_statement') return;
    const value = n.namedChild(0);
    const v = value ? unparen(value) : null;
    // `return target if not condition else wrapper`
    if (v?.type === 'conditional_expression') {
      const [whenTrue, cond, whenFalse] = v.namedChildren;
      found = (isParam(whenTrue) || isParam(whenFalse)) && literalTruth(cond) === undefined;
    } else found = isParam(v) && reachedUnderCondition(n, body);
  });
  return found;
}

/** `node` runs only under some non-constant `if`/`elif` condition within `scope`, and no constant one excludes it. */
function reachedUnderCondition(node: Node, scope: Node): boolean {
  let gated = false;
  for (let p: Node | null = node; p && p.parent && p.id !== scope.id; p = p.parent) {
    const branch = p.parent;
    if (branch.type !== 'if_statement' && branch.type !== 'elif_clause') continue;
    const cond = branch.childForFieldName('condition');
    if (!cond || p.id === cond.id) continue;
    // The consequence runs when the condition holds; an `elif`/`else` of the `if` when it does not.
    const runsWhen = branch.childForFieldName('consequence')?.id === p.id;
    const truth = literalTruth(cond);
    if (truth === undefined) gated = true;
    else if (truth !== runsWhen) return false;
  }
  return gated;
}

/** The `except` clause (within `scope`) whose handler contains `node`, if any. */
function enclosingHandler(node: Node, scope: Node | null): Node | undefined {
  for (let p = node.parent; p && p.id !== scope?.id; p = p.parent) {
    if (p.type === 'except_clause' || p.type === 'except_group_clause') return p;
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return undefined;
  }
  return undefined;
}

/**
 * Errors of the computation itself (bad input, wrong types, arithmetic, a failed assertion), never of the
 * environment: a skip in their handler turns each test whose input makes the code fail into a skip.
 * `ImportError`, `OSError`, `RuntimeError`, `KeyError` (environment lookups), `AttributeError` and
 * `NotImplementedError` (feature probes) are how libraries detect what the machine lacks.
 */
const COMPUTATION_ERRORS = /^(ValueError|TypeError|ArithmeticError|ZeroDivisionError|OverflowError|FloatingPointError|IndexError|AssertionError|RecursionError|UnicodeError|UnicodeDecodeError|UnicodeEncodeError|JSONDecodeError|InvalidOperation|DecimalException)$/;

/**
 * DB-API errors of the statement the code runs (`sqlite3.OperationalError` on a malformed JSON path, a
 * syntax error, a constraint): the work's own failures when the code runs its own query. Test-helper
 * modules (`testing.py`, `testing/`) probe a server with them, and stay quiet.
 */
const STATEMENT_ERRORS = /^(OperationalError|ProgrammingError|IntegrityError|DataError|DatabaseError)$/;

/** The last names of the exception types an `except` clause catches (none for a bare `except:`). */
function handledTypes(clause: Node): string[] {
  const first = clause.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
  if (!first) return [];
  const value = first.type === 'as_pattern' ? first.namedChild(0) : first;
  const out: string[] = [];
  const stack = value ? [value] : [];
  while (stack.length) {
    const n = unparen(stack.pop()!);
    if (n.type === 'tuple' || n.type === 'list') for (const c of n.namedChildren) stack.push(c);
    else {
      const d = dottedName(n) ?? '';
      out.push(d.slice(d.lastIndexOf('.') + 1));
    }
  }
  return out;
}

/** Per file: names of the module's own functions and classes (module-level `def`/`class`). */
const ownDefinitionsCache = new WeakMap<Node, Set<string>>();

function ownDefinitions(root: Node): Set<string> {
  let names = ownDefinitionsCache.get(root);
  if (!names) {
    names = new Set();
    for (const stmt of root.namedChildren) {
      const def = definitionOf(stmt);
      if (def.type === 'function_definition' || def.type === 'class_definition') names.add(def.childForFieldName('name')?.text ?? '');
    }
    ownDefinitionsCache.set(root, names);
  }
  return names;
}

/**
 * The try statement whose handler is `clause` calls the project's own code: a function or class this module
 * defines, one imported relatively (`from .grid import flood`), or a method of the enclosing class
 * (`self._solve(...)`). Its errors are the computation's, not the machine's.
 */
function guardsOwnCode(clause: Node, ctx: RuleContext): boolean {
  const tryBody = clause.parent?.type === 'try_statement' ? clause.parent.childForFieldName('body') : null;
  if (!tryBody) return false;
  const own = ownDefinitions(ctx.root);
  const cls = nearestFunction(clause) ? ownerClass(nearestFunction(clause)!) : null;
  const methods = new Set((cls?.childForFieldName('body')?.namedChildren ?? []).map(definitionOf).filter((d) => d.type === 'function_definition').map((d) => functionName(d)));
  let found = false;
  forEachInScope(tryBody, (n) => {
    if (found) return false;
    if (n.type !== 'call') return true;
    const callee = n.childForFieldName('function');
    if (callee?.type === 'identifier') found = own.has(callee.text) || (ctx.names.alias(callee.text)?.startsWith('.') ?? false);
    else if (callee?.type === 'attribute') {
      const obj = callee.childForFieldName('object');
      found = (obj?.text === 'self' || obj?.text === 'cls') && methods.has(callee.childForFieldName('attribute')?.text ?? '');
      // `self.db.execute(...)`: the object's own resource, set up by its class, runs the method's own work.
      if (!found && obj?.type === 'attribute' && obj.childForFieldName('object')?.text === 'self' && cls) {
        found = assignsSelfAttribute(cls, obj.childForFieldName('attribute')?.text ?? '');
      }
    }
    return !found;
  });
  return found;
}

/** Some method of `cls` assigns `self.<attr>`. */
function assignsSelfAttribute(cls: Node, attr: string): boolean {
  let found = false;
  forEachDescendant(cls, (n) => {
    if (found) return false;
    if (n.type !== 'assignment') return true;
    const left = n.childForFieldName('left');
    found = left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self' && left.childForFieldName('attribute')?.text === attr;
    return !found;
  });
  return found;
}

/** Words of a skip reason that describe the data the code was given ("unsupported input"), not the machine. */
const INPUT_WORDS = /\b(inputs?|values?|arguments?|args?|data|format|formats|cases?|parameters?|params?|strings?|numbers?)\b/i;

interface InputGuard {
  params: string[];
  /** The guard compares an input with a value (`n > 1000`, `len(xs) == 0`, `name in ("a", "b")`), not just `is None` / truthiness. */
  specialCases: boolean;
}

/** Parameters of `fn` read by the conditions (`if`/`elif`/`while`/ternary) that guard `node`. */
function inputGuard(node: Node, fn: Node | null, scope: Node): InputGuard {
  const result: InputGuard = { params: [], specialCases: false };
  if (!fn) return result;
  const params = new Set(parameterNames(fn).filter((p) => p !== 'self' && p !== 'cls'));
  const own = new Set(params);
  // Loop variables over the inputs are inputs too (`for row in rows:`, `any(... for c in row)`), when a property of
  // theirs picks the skip (a missing element of a data list, `if a is None:`, stays a loop over data: quiet).
  const loops = fn.descendantsOfType(['for_statement', 'for_in_clause']);
  for (let pass = 0; pass < 3 && loops.length; pass++) {
    for (const l of loops) {
      const right = l?.childForFieldName('right');
      const left = l?.childForFieldName('left');
      if (!right || !left || !(right.type === 'identifier' ? params.has(right.text) : right.descendantsOfType('identifier').some((i) => !!i && params.has(i.text)))) continue;
      for (const id of left.type === 'identifier' ? [left] : left.descendantsOfType('identifier')) if (id) params.add(id.text);
    }
  }
  const out = new Set<string>();
  // An element of an input collection, read without calls (`c.tzinfo`, `row[0]`).
  const readsElement = (n: Node) => n.descendantsOfType('call').length === 0 && (n.type === 'identifier' ? params.has(n.text) && !own.has(n.text) : n.descendantsOfType('identifier').some((i) => !!i && params.has(i.text) && !own.has(i.text)));
  const readsParam = (n: Node) => {
    let hit = n.type === 'identifier' && params.has(n.text);
    forEachDescendant(n, (c) => void (c.type === 'identifier' && params.has(c.text) && (hit = true)));
    return hit;
  };
  for (let p = node.parent; p && p.id !== scope.id; p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause' && p.type !== 'while_statement' && p.type !== 'conditional_expression') continue;
    const cond = p.type === 'conditional_expression' ? p.namedChild(1) : p.childForFieldName('condition');
    if (!cond || (cond.startIndex <= node.startIndex && node.endIndex <= cond.endIndex)) continue;
    if (cond.type === 'identifier' && params.has(cond.text)) out.add(cond.text);
    // Names a comprehension of the condition binds (`c` in `any(... for c in row)`) are shown through what they iterate.
    const local = new Set<string>();
    for (const clause of cond.descendantsOfType('for_in_clause')) for (const id of clause?.childForFieldName('left')?.descendantsOfType('identifier') ?? []) if (id) local.add(id.text);
    forEachDescendant(cond, (n) => void (n.type === 'identifier' && params.has(n.text) && !local.has(n.text) && out.add(n.text)));
    const comparisons = unparen(cond).type === 'comparison_operator' ? [unparen(cond)] : [];
    forEachDescendant(cond, (n) => void (n.type === 'comparison_operator' && comparisons.push(n)));
    for (const cmp of comparisons) {
      const op = comparisonOperator(cmp);
      const operands = cmp.namedChildren;
      // `x is None` asks whether an input is missing; `c.tzinfo is not None` asks about a property of an element of
      // one (an option read off a parameter, `item.config.getoption(...) is False`, is a switch, not the input).
      if (op === 'is' || op === 'is not') {
        if (operands.some((o) => (unparen(o).type === 'attribute' || unparen(o).type === 'subscript') && readsElement(o))) result.specialCases = true;
        continue;
      }
      if (operands.some((o) => readsParam(o)) && operands.every((o) => unparen(o).type !== 'none')) result.specialCases = true;
    }
    // `isinstance(c, datetime)` for an element `c` of an input: the element's type picks the skip.
    forEachDescendant(cond, (n) => void (n.type === 'call' && n.childForFieldName('function')?.text === 'isinstance' && callArguments(n).positional[0] && readsElement(callArguments(n).positional[0]!) && (result.specialCases = true)));
  }
  result.params = [...out].filter((name) => result.specialCases || own.has(name));
  return result;
}

/** Per file: the calls of each module function whose first argument is a constant true (`skip_if(True, "known failure")`). */
const constantTrueCalls = new WeakMap<Node, Map<string, Node>>();

/**
 * A call in this module of a function enclosing `fn` (a conditional skip factory, `def skip_if(condition, reason)`)
 * with a condition that is always true: `known_failure = skip_if(True, "known failure")` makes its skipping
 * wrapper unconditional, whatever the factory's own gate.
 */
function constantlyTrueApplication(fn: Node, ctx: RuleContext): Node | undefined {
  // Module-level factories only: an inner helper's name may be reused for an unrelated call.
  const factories = enclosingFunctions(fn).filter(isModuleLevel);
  if (!factories.length) return undefined;
  let calls = constantTrueCalls.get(ctx.root);
  if (!calls) {
    calls = new Map();
    for (const call of ctx.root.descendantsOfType('call')) {
      const callee = call?.childForFieldName('function');
      if (!call || callee?.type !== 'identifier' || calls.has(callee.text)) continue;
      const cond = callArguments(call).positional[0];
      if (cond && constantTruth(cond, ctx.root, ctx.source, ctx) === true) calls.set(callee.text, call);
    }
    constantTrueCalls.set(ctx.root, calls);
  }
  for (const f of factories) {
    const call = calls.get(functionName(f));
    if (call) return call;
  }
  return undefined;
}

function shortCall(call: Node): string {
  return call.text.length > 60 ? `${call.text.slice(0, 57)}...` : call.text;
}

/**
 * The skip exception or call at a skip site, written under a name that does not say skip (`_Unavailable` for
 * `unittest.SkipTest`, `bail` for `pytest.skip`): the written name and what it stands for.
 */
function disguisedSkip(node: Node, ctx: RuleContext): { written: string; qualified: string } | undefined {
  let target: Node | null | undefined;
  if (node.type === 'call') target = node.childForFieldName('function');
  else {
    const exc = node.namedChildren.find((c) => c.type !== 'comment' && node.childForFieldName('cause')?.id !== c.id);
    const e = exc && unparen(exc);
    target = e?.type === 'call' ? e.childForFieldName('function') : e;
  }
  const t = target && unparen(target);
  if (!t || (t.type !== 'identifier' && t.type !== 'attribute')) return undefined;
  const written = t.type === 'identifier' ? t.text : (t.childForFieldName('attribute')?.text ?? '');
  // `self.skipTest`, `pytest.skip.Exception`, `SkipTest`, `Skipped`: the name says what it does.
  if (/skip/i.test(t.text)) return undefined;
  const qualified = ctx.names.qualify(t) ?? '';
  return /(^|\.)(SkipTest|Skipped|skip)$|\.skip\.Exception$/.test(qualified) && qualified !== written ? { written, qualified } : undefined;
}

function checkCodeUnderTestSite(ctx: RuleContext, node: Node): void {
  const site = skipSiteOf(node, ctx.names);
  if (!site) return;
  const fn = nearestFunction(node);
  const scope = fn?.childForFieldName('body') ?? ctx.root;
  const handler = enclosingHandler(node, scope);
  const constantUse = fn ? constantlyTrueApplication(fn, ctx) : undefined;
  const where = fn ? `\`${functionName(fn)}()\`` : 'this module';
  // `from unittest import SkipTest as _Unavailable`: a skip renamed so that it reads as an ordinary error. No
  // environment gate excuses that: code meant to skip says so, and a library's users get no such exception.
  const disguise = disguisedSkip(node, ctx);
  if (disguise && !constantUse) {
    ctx.report({
      node,
      message: `\`${disguise.written}\` in ${where} is \`${disguise.qualified}\` under another name: code under test that raises it turns every test that reaches it into a skip instead of a failure, and the name hides that from a reader. Raise a real error (\`NotImplementedError\`, \`ImportError\`, \`RuntimeError\`) instead.`,
      severity: 'warning',
    });
    return;
  }
  if (fn && !constantUse && (isSkipHelper(fn, site.reason) || isDecoratorWrapper(fn))) return;
  if (constantUse) {
    ctx.report({
      node,
      message: `\`${site.display}\` in \`${functionName(fn!)}()\`: the decorator factory around it is applied with a condition that is always true (\`${shortCall(constantUse)}\`), so every test it decorates is skipped instead of run.`,
      severity: 'warning',
    });
    return;
  }
  if (handler) {
    // A skip in a handler of an environment error (`except ImportError:`, `except OSError:`) is a gate; one in a
    // handler of the computation's own errors turns the failing cases into skips.
    const caught = handledTypes(handler).filter((t) => COMPUTATION_ERRORS.test(t) || (STATEMENT_ERRORS.test(t) && !isTestHelperPath(ctx.path)));
    if (!caught.length || site.kind !== 'skip') return;
    const reasonText = site.reason ? stringValue(site.reason) ?? '' : '';
    // The structure outweighs the wording: a handler around the project's own code (`return _flood(grid)`)
    // hides that code's crash, whatever environment the reason blames.
    const environmental = classifyReason(site.reason) === 'external' && !INPUT_WORDS.test(reasonText) && !guardsOwnCode(handler, ctx);
    ctx.report({
      node,
      message: `\`${site.display}\` in code under test turns a \`${caught.join('`/`')}\` of ${where} into a skip: every test whose input makes this code fail is reported as skipped instead of failed.${environmental ? ' The reason names the environment; check that condition directly instead of catching the error.' : ''}`,
      severity: environmental ? 'info' : 'warning',
    });
    return;
  }
  const verb = site.kind === 'xfail' ? 'marks every test that calls it as an expected failure' : 'skips every test that reaches it';
  if (isUnconditionalIn(node, scope)) {
    ctx.report({
      node,
      message: `\`${site.display}\` in code under test: ${where} ${verb}, so the tests of this code report ${site.kind === 'xfail' ? 'expected failures' : 'skips'} instead of failures.`,
      severity: 'warning',
    });
    return;
  }
  // `for code in ("eur", "usd"): if RATES[code] is None: pytest.skip(...)`: a loop over the code's own literal
  // table that always reaches a case meeting the condition skips as surely as an unconditional call.
  const stmt = node.type === 'raise_statement' ? node : node.parent?.type === 'expression_statement' ? node.parent : null;
  const looped = stmt ? alwaysTakenLoopGuard(stmt, ctx.root, ctx.source) : undefined;
  if (looped && isUnconditionalIn(looped.loop, scope)) {
    ctx.report({
      node,
      message: `\`${site.display}\` in code under test runs under \`if ${looped.condition.text}:\` in a loop over a literal list whose case \`${looped.element.text}\` meets that condition: ${where} ${verb} on every call, so the tests of this code report ${site.kind === 'xfail' ? 'expected failures' : 'skips'} instead of failures.`,
      severity: 'warning',
    });
    return;
  }
  // Conditional: an environment gate is fine; a skip chosen by the function's own inputs skips exactly the
  // failing cases (warning when it compares an input with values, info for `is None` / truthiness checks).
  const guard = inputGuard(node, fn, scope);
  if (!guard.params.length) return;
  ctx.report({
    node,
    message: guard.specialCases
      ? `\`${site.display}\` in code under test, chosen by the input \`${guard.params.join('`, `')}\`: ${where} skips the tests that pass such inputs instead of handling them.`
      : `\`${site.display}\` in code under test when \`${guard.params.join('`, `')}\` is missing or empty: raise a real error (\`ValueError\`) instead, so a test that passes such input fails rather than skips.`,
    severity: guard.specialCases ? 'warning' : 'info',
  });
}

export const blanketSkip: Rule = {
  meta: {
    code: 'RH404',
    name: 'blanket-skip',
    family: 'RH4',
    defaultSeverity: 'warning',
    severityByRole: { test: 'warning', 'code-under-test': 'warning', 'test-infrastructure': 'warning', 'entry-point': 'off' },
    docs: {
      summary: 'Finds skips and xfails that switch off a whole test module or class without a condition (also written out on every test of a file or every case of a parametrized test, kept in a name, or gated on a constant or a version every Python meets), fixtures that always skip, `load_tests` hooks that return an empty suite, module-level `__test__ = False`, and skips raised from code under test.',
      why:
        'Skipped tests do not fail the run. `pytestmark = pytest.mark.skip(...)`, a module-level `pytest.skip(..., allow_module_level=True)`, ' +
        '`@unittest.skip` on a test class or a skip in `setUp` silences every test in its scope at once. A blanket non-strict ' +
        '`pytest.mark.xfail` makes every failure read as expected (with `run=False` the tests do not even run), and a ' +
        'module-level skip under `except Exception:` around an import turns a broken module under test into skipped tests. `pytest.skip()` or ' +
        '`raise SkipTest` inside the code under test turns each test that exercises it into a skip; renamed so that it reads as an ordinary error (`from unittest import SkipTest as _Unavailable`) it does so under any gate, a missing optional module included. A `load_tests` hook that returns an empty ' +
        '`unittest.TestSuite()` drops every test of its module without a word, and so does `__test__ = False` at module level under pytest; a test the module takes back after defining it (`del test_slugify`, `test_slugify = lambda: None`) is never collected either. The same skip put on every test of a file one by one, a mark kept in a name ' +
        '(`wip = pytest.mark.skip(...)`, `@wip`), or a condition every Python 3 meets (`skipif(sys.version_info >= (3,))`, `skipif(sys.version_info < (99,))`, `skipif(sys.version_info[0] > 1)`, `skipif(sys.version_info[0] != 2)`, `skipif(sys.maxsize > 0)`, `skipif("True")`) or that is a constant under a name (`KNOWN_BROKEN = True`, `skipif(KNOWN_BROKEN)`; also a constant another module of the scanned project defines and the test imports, `from pkg._compat import HAS_TZDB` with `HAS_TZDB = False` there), is no different, and so is the project\'s own `skip_if` factory under such a condition (`@skip_if(True, "rounding bug")`), and an unconditional skip mark another module of the project defines, bound to `pytestmark` by an import (`from tests._marks import nightly as pytestmark`) or put in it (`pytestmark = [posix_only, nightly]`). ' +
        'A fixture whose first act is `pytest.skip()` skips every test that requests it. A parametrize table whose every case is `pytest.param(..., marks=pytest.mark.skip(...))` reads as a list of cases but runs none of them. The run ends green with the failures hidden.' +
        ' A module skip under a version test every Python 3 passes (`if sys.version_info[0] >= 3: pytest.skip(..., allow_module_level=True)`) runs on every import; a reason saying test data needs regenerating is work left on the project, not something the machine lacks.',
      example: 'import pytest\n\npytestmark = pytest.mark.skip(reason="flaky")\n\ndef test_parse():\n    assert parse("1 + 2") == 3\n',
      instead: 'Fix the failing tests, or skip under a condition that names why they cannot run here (`pytest.mark.skipif(sys.platform == "win32", reason=...)`, `pytest.importorskip("numpy")`); mark known failures `xfail(strict=True)` with the issue. Code under test should raise a real error, never a skip.',
      lookAlikes: [
        'A whole class or module skipped with a reason that only points at a ticket (`"see gh-1234"`, `"until #88 is fixed"`) or names the environment beside it is `info`; a reason that, without its ticket, is the project\'s own unfinished work (`"pending FIN-212 sign-off"`, `"fixtures being regenerated for the rework (SCHED-412)"`) keeps the warning.',
        'Hypothesis settings that run no example are blanket skips too: `@settings(phases=[])` on a `@given` test, `phases=(Phase.explicit,)` on one without `@example` (also through a name, `_fast = settings(...)`), and a profile with `phases=[]` that the same file registers and loads (an explicit-only profile: info). Fewer examples (`max_examples=20`), phases that still generate, and profiles that are not loaded here stay quiet.',
        'Rebindings that wrap the test itself (`test_x = deferredGenerator(test_x)`), attributes set on it (`test_x.todo = ...`), deletions under a condition, of helpers, or of a test class that other test classes of the file extend (a base kept from running alone): quiet.',
        '`pytest.mark.skipif(<condition>)`, `unittest.skipIf(<condition>)`, `pytest.importorskip(...)` stay quiet, also on a module flag that an import probe or the environment sets (`HAVE_TZ = True` then `HAVE_TZ = False` in `except ImportError:`, `RUN_SLOW = os.environ.get(...)`).',
        'Fixtures that skip under a condition (`if not url: pytest.skip(...)`), after their `yield`/`return`, or that no test of the file requests stay quiet; autouse fixtures are RH303\'s. A conftest fixture that always skips is a warning, or `info` when its reason names the environment.',
        '`@unittest.expectedFailure` on a single test method stays quiet; on a whole class it is `info` (an unexpected success fails the run, as with a strict xfail).',
        'Environment gates: module-level skips under `if sys.platform ...:`, `if not HAS_X:` or in `except ImportError:` stay quiet; under a broad `except Exception:` around an import they are warnings, or `info` when the reason names the environment. A skip under `if __name__ == "__main__":` never runs under the test runner and stays quiet; under `if __name__ != "__main__":` (or in the `else:` of a main guard) it always runs and is a blanket skip.',
        'Conditional `xfail(<condition>, ...)`, `skipif("<string condition>")` and xfail on single tests stay quiet; a blanket `xfail(strict=True)` or `xfail(raises=SpecificError)` (a pass or another failure still fails the run) is `info`.',
        'Skips of single test functions (`@pytest.mark.skip` on one test, or on several tests among running ones) are not blanket skips and stay quiet; a skip on every test of a file is, unless the reasons name the environment; when every test also carries a mark naming what it needs (`@pytest.mark.network`, `@requires_gpu`) and the skip or xfail gives no reason of its own, it is `info` (a reason that does not name the environment, `xfail(reason="intermittent")`, keeps the warning).',
        'Version gates that some Python 3 release (3.0 to 3.99) meets and another does not (`skipif(sys.version_info < (3, 10))`, `skipif(sys.version_info >= (4,))`, `skipif(sys.version_info.minor < 11)`) and string conditions pytest evaluates (`skipif("sys.platform == \'win32\'")`) stay quiet. A version condition every release meets is reported like `skipif(True)`; its reason lowers it to `info` only when it names the Python it is about ("Python 2 only", "py3k"): "needs a newer interpreter" under `sys.version_info < (99,)` stays a warning.',
        'Parametrized tests where some cases run, where the case marks are conditional (`skipif(sys.platform == "win32")`) or strict xfails, with a single case, or whose cases are built by code stay quiet; when every case of a literal table carries an unconditional skip or non-strict xfail, it is a warning, or `info` when a reason names the environment or a tracked issue ("GH#22092").',
        'A blanket skip whose reason names the environment or a tracked issue ("requires network", "host is gone", "bpo-12345") is `info` (a non-strict xfail on a whole module or class already says its tests fail: one whose reason names only an issue, `pytestmark = [..., pytest.mark.xfail(reason="rewrite in progress (#482)")]`, keeps the warning); "known issue" without a reference and "flaky" (even "flaky on CI") are not reasons outside the code and keep the warning. A reason that says the tests fail ("timing-sensitive, see #412", "flaky on CI, see #412", "broken on CI runners", "race condition, gh-88") and names nothing else than the project\'s CI or an issue number keeps the warning too: the CI is where the tests are meant to run, and a ticket is no condition. A failure tied to a platform, a distribution, the network or a resource ("fails on Windows, see #412", "flaky convergence, https://bugs.debian.org/944054") stays `info`.',
        '`__test__ = False` (or `None`, `0`) at module level in a test module that defines tests is a warning: pytest (and nose) collect nothing from it. On a `Test*` class without bases whose `test*` methods check the code and read no `self.` attribute the class does not provide (`class TestFieldParsing: __test__ = False` above three real tests) it is a warning too: pytest collects none of them. On other classes (`class TestData: __test__ = False`, `TestClient`, an abstract base subclassed in the file, named `...Base`/`Mixin`, or reading what subclasses supply: `self.make_store()`), in a module without tests (or whose test-named functions check nothing: data helpers) or in a conftest it stays quiet, and so does doctest\'s table `__test__ = {...}`.',
        'Skip helpers in libraries (functions named `skip_*`/`requires_*`, forwarding the reason they receive, or wrappers inside a decorator such as `def slow(func): def wrapper(): skip("too slow")`, or inside a conditional decorator that returns its target unchanged when a condition does not hold, `def skip_if(condition, reason): def decorate(target): if not condition: return target ...`; under a constant condition, `if not True:`, or when the module applies the factory with a condition that is always true, `known_failure = skip_if(True, "known failure")`, the wrapper is still reported), skips in handlers of environment errors (`except ImportError:`, `except OSError:`, `except RuntimeError:`, bare or broad `except:`) and skips under environment conditions stay quiet in code under test. A skip in a handler of the computation\'s own errors (`except ValueError:`, `except TypeError:`, `except ZeroDivisionError:`, and outside test-helper modules such as `testing.py` the DB-API errors of the code\'s own query, `except sqlite3.OperationalError:`) is a warning, or `info` when its reason names the environment and the try block calls no code of the project (`os.sysconf(...)`, `raw.decode(...)`); around the module\'s own functions (`return _flood(grid)`, `self._step(x)`, a relative import) or the object\'s own resource (`self.db.execute(...)` with `self.db` set by its class) the reason does not lower it.',
        'In code under test, a skip guarded only by `if url is None:` / `if not name:` (missing input) is `info`; one chosen by comparing inputs with values (`if n > 1000:`), or by the type or a property of an element of an input (`for row in rows: if any(isinstance(c, datetime) and c.tzinfo is not None for c in row):`), is a warning; an element that is only missing (`for a in amounts: if a is None:`) stays quiet, as a loop over data.',
        'A `setUp` that skips in a class without `test*` methods, or in a class named for skipping (`SkipDocTestCase`), stays quiet.',
        'Skipped classes that hide no check stay quiet: no tests, or only tests that do nothing but fail (`raise Exception("should never run")`, samples for a framework\'s own tests of skipping), with no bases but `object` or test framework classes and no subclass in the file. So does `test_item.__unittest_skip__ = True` in the implementation of a skip decorator (on the parameter it returns). A skipped empty subclass of a shared suite whose reason says the suite\'s tests run elsewhere (`@skip(reason="Tested in tests/reductions/...") class TestReduce(base.BaseReduceTests): pass`, "covered by test_io.py", "tests live in ...") is `info`; a reason that says a fix happens elsewhere or names a failure ("off by a cent; will be fixed separately") stays a warning.',
        'A skip in a loop over cases (`for case in CASES: if <condition on case>: pytest.skip(...)`) at module level, in a fixture, in `setUp` or in code under test stays quiet when the cases come from data (`load_cases(...)`, a parameter), the environment (`if name not in os.environ:`), a list that something changes (`CASES.append(...)`, `CASES.clear()`, a second binding), or when no listed case meets the condition; over a literal list (or a module name only ever bound to one) with a case that meets it, the skip always runs and is reported like an unconditional one.',
        '`load_tests` hooks that add to the suite they return (`tests.addTest(doctest.DocTestSuite())`), and empty suites returned under a condition (`if sys.platform != "win32": return unittest.TestSuite()`), stay quiet.',
      ],
    },
  },
  create(ctx) {
    exportSkipMarks(ctx);
    const imported = importedSkipMarks(ctx);
    const listeners = imported ? withImportedSkipMarks(blanketSkipListeners(ctx), ctx, imported) : blanketSkipListeners(ctx);
    // Hypothesis settings that run no example (`phases=[]`): no skip word, so checked on their own.
    if ((ctx.role !== 'test' && ctx.role !== 'test-infrastructure') || !/\bphases\s*=/.test(ctx.source)) return listeners;
    const exit = listeners['module:exit'];
    return {
      ...listeners,
      'module:exit'() {
        exit?.();
        checkHypothesisPhases(ctx);
      },
    };
  },
};

/**
 * Tells the modules that import them which module-level names of this file are marks that skip (or leniently xfail)
 * whatever they are put on (`nightly = pytest.mark.skip(reason="nightly only")`): bound to a test module's
 * `pytestmark` there, they skip the whole module.
 */
function exportSkipMarks(ctx: RuleContext): void {
  if (!ctx.source.includes('mark.')) return;
  for (const stmt of ctx.root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || left.text === 'pytestmark') continue;
    const skip = blanketMark(right, ctx);
    // Judged as it would be in the test module (a reason naming the environment makes it `info`).
    if (skip && skip.xfail !== 'strict') ctx.exportFact(left.text, { kind: 'skip-mark', display: skip.display, severity: markNote(skip, true).severity === 'info' ? 'info' : 'warning' });
  }
}

/** Local names of skip marks this file imports from the project (`from tests._marks import nightly`), with how they read. */
function importedSkipMarks(ctx: RuleContext): Map<string, { text: string; severity: Severity }> | undefined {
  if (ctx.role !== 'test' || !ctx.source.includes('pytestmark') || !ctx.importedWith('skip-mark').length) return undefined;
  const out = new Map<string, { text: string; severity: Severity }>();
  for (const stmt of ctx.root.descendantsOfType('import_from_statement')) {
    for (const [local, qualified] of fromImports(stmt!)) {
      const fact = ctx.imported(qualified);
      if (fact?.kind === 'skip-mark') out.set(local, { text: `\`${qualified.replace(/^\.+/, '')}\` (\`${fact.display}\`)`, severity: fact.severity });
    }
  }
  return out.size ? out : undefined;
}

/**
 * `from tests._marks import nightly as pytestmark`, or `pytestmark = nightly` / `[nightly, ...]` with `nightly` imported:
 * the module's tests all carry another module's unconditional skip.
 */
function withImportedSkipMarks(inner: Listeners, ctx: RuleContext, marks: Map<string, { text: string; severity: Severity }>): Listeners {
  const exit = inner['module:exit'];
  return {
    ...inner,
    'module:exit'() {
      exit?.();
      for (const stmt of ctx.root.namedChildren) {
        if (stmt.type === 'import_from_statement') {
          if (fromImports(stmt).some(([local]) => local === 'pytestmark') && marks.has('pytestmark')) {
            const m = marks.get('pytestmark')!;
            ctx.report({ node: stmt, message: `\`pytestmark\` is imported as ${m.text}, a mark that skips unconditionally: every test in this file is skipped. Fix the failing tests, or skip under a condition that names why they cannot run here.`, severity: m.severity });
          }
          continue;
        }
        const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
        const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
        const right = a?.childForFieldName('right');
        if (left?.text !== 'pytestmark' || !right) continue;
        const r = unparen(right);
        const items = r.type === 'list' || r.type === 'tuple' ? r.namedChildren.filter((c) => c.type !== 'comment') : [r];
        const hit = items.map((i) => unparen(i)).find((i) => i.type === 'identifier' && marks.has(i.text));
        const m = hit && marks.get(hit.text);
        if (hit && m) ctx.report({ node: a!, message: `\`pytestmark\` holds \`${hit.text}\`, imported as ${m.text}, a mark that skips unconditionally: every test in this file is skipped. Fix the failing tests, or skip under a condition that names why they cannot run here.`, severity: m.severity });
      }
    },
  };
}

/** The blanket skips proper (the hypothesis check is added by `create`). */
function blanketSkipListeners(ctx: RuleContext): Listeners {
  // Every finding is a skip site (`skipSiteOf`, which needs `SKIP_WORDS`) or a mark or flag whose name
  // spells `skip` (`mark.skip`, `skipif`, `unittest.skip`, `skipIf`, `skipUnless`, `__unittest_skip__`).
  // Names are case-sensitive, so the case-exact words (searched with indexOf) are enough.
  if (ctx.role === 'test-infrastructure') {
    // A conftest's fixtures serve the tests around it: one that always skips skips them all.
    return whenMentioned(ctx, SKIP_WORDS, () => ({
      'module:exit'() {
        for (const stmt of ctx.root.namedChildren) {
          const def = definitionOf(stmt);
          if (def.type === 'function_definition') checkFixture(ctx, def);
        }
      },
    }));
  }
  if (ctx.role !== 'test' && ctx.role !== 'code-under-test') return {};
  const skips = whenMentioned(ctx, ctx.role === 'test' ? TEST_FILE_WORDS : SKIP_WORDS, () => listeners(ctx));
  // A test module's `load_tests` hook can drop every test without any skip word, and so can `del test_x`.
  const loadTests = ctx.role === 'test' && ctx.source.includes('load_tests');
  const takesBack = ctx.role === 'test' && TAKES_BACK_TEXT.test(ctx.source);
  if (!loadTests && !takesBack) return skips;
  const skipsExit = skips['module:exit'];
  return {
    ...skips,
    'module:exit'() {
      skipsExit?.();
      if (loadTests) checkLoadTests(ctx);
      if (takesBack) checkTestsTakenBack(ctx);
    },
  };
}

/** What a blanket skip in a test file spells: `SKIP_WORDS`, or `expectedFailure` on a class. */
const TEST_FILE_WORDS = new MentionedWords([
  ['skip', 'kip'],
  ['Skip', 'kip'],
  ['xfail', 'xfail'],
  ['ResourceDenied', 'Denied'],
  ['expectedFailure', 'edFailure'],
  ['__test__', '_test__'],
]);

/** `/__unittest_skip__/`, searched from its rare `k` (see `MentionedWords`). */
const UNITTEST_SKIP_FLAG = new MentionedWords([['__unittest_skip__', 'kip__']]);

function listeners(ctx: RuleContext): Listeners {
  if (ctx.role === 'test') {
    // A class flag outside a class body spells `__unittest_skip__` as an attribute or a `setattr` string.
    const flags = whenMentioned(ctx, UNITTEST_SKIP_FLAG, () => ({
      call(node) {
        const flag = isUnittestSkipFlag(node);
        if (!flag) return;
        const fn = nearestFunction(node);
        if (fn && marksReturnedParameter(fn, callArguments(node).positional[0])) return;
        if (isUnconditionalIn(node, fn?.childForFieldName('body') ?? ctx.root)) ctx.report({ node, message: '`setattr(..., "__unittest_skip__", True)` makes unittest skip every test of the class without a visible decorator.', severity: 'warning' });
      },
      assignment(node) {
        // Class-body flags are reported by checkClass; this catches `SomeTest.__unittest_skip__ = True` elsewhere.
        const left = node.childForFieldName('left');
        if (left?.type !== 'attribute' || !isUnittestSkipFlag(node)) return;
        const fn = nearestFunction(node);
        if (fn && marksReturnedParameter(fn, left.childForFieldName('object'))) return;
        if (isUnconditionalIn(node.parent ?? node, fn?.childForFieldName('body') ?? ctx.root)) {
          ctx.report({ node, message: `\`${left.text} = True\` makes unittest skip every test of the class without a visible decorator.`, severity: 'warning' });
        }
      },
    }));
    const replayFlags = flags['module:exit'];
    return {
      ...flags,
      'module:exit'() {
        replayFlags?.();
        checkTestModule(ctx);
      },
    };
  }
  if (ctx.role === 'code-under-test') {
    return {
      call(node) {
        checkCodeUnderTestSite(ctx, node);
      },
      raise_statement(node) {
        checkCodeUnderTestSite(ctx, node);
      },
    };
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------
// Every test skipped one by one

/** The blanket mark among a test's decorators that would warn on a module (`reasonNote` warning, not a strict xfail). */
function silencingMark(fn: Node, ctx: RuleContext): { decorator: Node; mark: MarkSkip } | undefined {
  for (const d of decoratorsOf(fn)) {
    const mark = blanketMark(d, ctx);
    if (mark && mark.xfail !== 'strict' && markNote(mark).severity === 'warning') return { decorator: d, mark };
  }
  return undefined;
}

/** Marks that do not say what a test needs from its environment. */
const NON_GATE_MARKS = new Set(['skip', 'skipif', 'xfail', 'parametrize', 'usefixtures', 'filterwarnings']);

/**
 * A custom pytest mark on the test or its class whose name says what the test needs from its environment
 * (`@pytest.mark.network`, `network = pytest.mark.network` then `@network`, `@pytest.mark.requires_gpu`, an
 * imported `@requires_internet`):
 * the display name, or undefined.
 */
function environmentMarkOf(fn: Node, ctx: RuleContext): string | undefined {
  for (const d of decoratorsOfTestAndClass(fn)) {
    const mark = markValue(d, ctx);
    const target = mark.type === 'call' ? mark.childForFieldName('function') : mark;
    const name = ctx.names.qualify(target) ?? dottedName(target) ?? '';
    const m = /^(?:pytest|_pytest\.mark\.MARK_GEN)\.mark\.(\w+)$/.exec(name) ?? /(?:^|\.)mark\.(\w+)$/.exec(dottedName(target) ?? '');
    // A gate imported from a shared module (`from pkg.tests import network`, then `@network`) is judged by its name.
    const gate = m?.[1] ?? (mark.type === 'identifier' || mark.type === 'attribute' ? mark.text.slice(mark.text.lastIndexOf('.') + 1) : undefined);
    if (gate && !NON_GATE_MARKS.has(gate) && classifyReasonText(identifierWords(gate).join(' ')) === 'external') return unparen(d).text;
  }
  return undefined;
}

/**
 * `@pytest.mark.skip` (or a non-strict xfail) on each test of a file, with no reason that names the
 * environment: the blanket skip written out test by test (the same as `pytestmark = pytest.mark.skip`).
 * Reported at each mark when the file has at least two tests and every one of them is silenced (tests of a
 * class with a blanket mark count as silenced; that mark is reported on its own). Skipped tests among
 * running ones, even a whole class of them, stay quiet: that is how single known failures are set aside.
 */
function checkSkippedOneByOne(ctx: RuleContext): void {
  const tests: Node[] = [];
  let silencedClasses = 0;
  for (const stmt of ctx.root.namedChildren) {
    const def = definitionOf(stmt);
    if (def.type === 'function_definition' && /^test/.test(functionName(def))) tests.push(def);
    else if (def.type === 'class_definition') {
      const methods = (def.childForFieldName('body')?.namedChildren ?? []).map(definitionOf).filter((m) => m.type === 'function_definition' && /^test/.test(functionName(m)));
      if (methods.length && decoratorsOf(def).some((d) => blanketMark(d, ctx))) silencedClasses += methods.length;
      else tests.push(...methods);
    }
  }
  if (tests.length + silencedClasses < 2 || !tests.length) return;
  const marks = [];
  for (const t of tests) {
    const m = silencingMark(t, ctx);
    if (!m) return;
    marks.push(m);
  }
  const total = tests.length + silencedClasses;
  // Tests that all carry a mark naming what they need (`@network`): that need is what the marks stand for.
  const gates = tests.map((t) => environmentMarkOf(t, ctx));
  const gate = gates.every(Boolean) ? gates[0] : undefined;
  for (const { decorator, mark } of marks) {
    const note = markNote(mark);
    // A reason of its own that does not name the environment ("intermittent") says why the tests fail, and it is not the mark's need.
    const excused = !!gate && !mark.reason;
    const tail = excused ? ` The tests are marked \`@${gate}\`: if that is why they fail, skip or xfail under that condition instead.` : note.tail;
    ctx.report({
      node: decorator,
      message: `\`@${mark.display}\` is on every test of this file (${total} tests): a blanket skip written out test by test; it ${markEffect(mark, 'them')}${note.text}.${tail}`,
      severity: excused ? 'info' : 'warning',
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Every case of a parametrized test skipped

/** The elements of a literal list or tuple (also one held in a module name bound only to it); undefined for anything built. */
function literalCases(value: Node, ctx: RuleContext): Node[] | undefined {
  const v = markValue(value, ctx);
  if (v.type !== 'list' && v.type !== 'tuple') return undefined;
  const items = v.namedChildren.filter((c) => c.type !== 'comment');
  return items.some((c) => c.type === 'list_splat') ? undefined : items;
}

/** The blanket (non-strict) skip or xfail among the `marks=` of a `pytest.param(...)` case, or undefined (a plain tuple runs). */
function caseSkip(item: Node, ctx: RuleContext): MarkSkip | undefined {
  const c = unparen(item);
  if (c.type !== 'call') return undefined;
  const callee = c.childForFieldName('function');
  const q = ctx.names.qualify(callee) ?? dottedName(callee) ?? '';
  if (!/^(pytest|_pytest\.mark)\.param$/.test(q) && !/(^|\.)pytest\.param$/.test(dottedName(callee) ?? '')) return undefined;
  const marks = callArguments(c).keywords.get('marks');
  if (!marks) return undefined;
  const value = markValue(marks, ctx);
  const listed = value.type === 'list' || value.type === 'tuple' ? value.namedChildren.filter((m) => m.type !== 'comment') : [value];
  for (const m of listed) {
    const mark = blanketMark(m, ctx);
    // A strict xfail fails the run when the case passes: a tracked known failure, as on a single test.
    if (mark && mark.xfail !== 'strict') return mark;
  }
  return undefined;
}

/**
 * `@pytest.mark.parametrize(..., [pytest.param(..., marks=pytest.mark.skip(...)), ...])` where every case (at least two,
 * from a literal list) carries an unconditional skip or non-strict xfail: the test is switched off as a whole while it
 * reads as a table of cases. Cases that run, conditional marks (`skipif(sys.platform == "win32")`) and cases built by
 * code stay quiet.
 */
function checkEveryCaseSkipped(ctx: RuleContext, fn: Node): void {
  for (const d of decoratorsOf(fn)) {
    const call = unparen(d);
    if (call.type !== 'call') continue;
    const target = call.childForFieldName('function');
    const dotted = dottedName(target) ?? '';
    if (!/(^|\.)parametrize$/.test(dotted)) continue;
    if (!/^(pytest\.mark|_pytest\.mark\.MARK_GEN)\.parametrize$/.test(ctx.names.qualify(target) ?? '') && !/(^|\.)mark\.parametrize$/.test(dotted)) continue;
    const args = callArguments(call);
    const values = args.positional[1] ?? args.keywords.get('argvalues');
    const cases = values && literalCases(values, ctx);
    if (!cases || cases.length < 2) continue;
    const marks: MarkSkip[] = [];
    for (const item of cases) {
      const mark = caseSkip(item, ctx);
      if (!mark) break;
      marks.push(mark);
    }
    if (marks.length !== cases.length) continue;
    const notes = marks.map((m) => markNote(m));
    const note = notes.find((n) => n.severity === 'info') ?? notes[0]!;
    const first = marks[0]!;
    ctx.report({
      node: d,
      message: `Every case of \`${functionName(fn)}()\` (${cases.length} of them) carries \`${first.display}\`: the parametrize table ${markEffect(first, 'all of its cases')}${note.text}, so none of them can fail the run.${note.tail}`,
      severity: note.severity,
    });
  }
}
