/**
 * RH401 vacuous-assertion: assertions that cannot fail — `assert True`, `assert 1`, `assert x == x`,
 * `assert ... or True`, `self.assertTrue(True)`, `self.assertEqual(x, x)` — in tests that therefore no
 * longer check anything. Judged per test: a vacuous assertion that is a test's only check is the hack
 * (warning); `assert True` after calls is the "did not raise" idiom (info), while another constant after
 * calls (`assert 1 == 1`, `self.assertEqual(6, 6)`) stands in for the result (warning); a constant among real
 * assertions is harmless (quiet); a self-comparison in a test about equality, comparison or NaN
 * semantics is a real check and stays quiet. `... or True`, and an `or` of a condition with its negation
 * (`x == y or x != y`), disable a real check wherever they appear. Conditions true of every value
 * (`len(x) >= 0`, `(n := len(x)) >= 0`, `isinstance(x, object)`) count as constants; a comparison with an alias of the same local
 * (`expected = result; assert result == expected`) or membership in a literal that lists the value
 * (`x in [x, y]`, `assertIn(x, (x,))`) counts as a self-comparison, and so does `all(r == r for r in rs)`. A name whose only binding is a truthy literal
 * (`PASSED = True; ... assert PASSED`) counts as that constant. So do a value compared with its copy
 * (`out == out.copy()`), a walrus with its own name (`(got := f()) == got`), the same pure builtin of the same
 * names (`sorted(got) == sorted(got)`), attributes of the test's own objects (`order.total == order.total`,
 * `self.order.total` with `self.order` set in setUp), `all(True for ...)`, and an expected value recomputed by the same
 * expression just before (`expected = parse("1h"); assert parse("1h") == expected`), outside tests about caching or determinism.
 * A roundtrip (`blob = codec.encode(value); decoded = codec.decode(blob)`, two steps that undo each other by name, or a
 * function named for a roundtrip) whose result is compared with its second step made again on the same intermediate and
 * never with the original is vacuous whatever the names, a warning in tests and in the helpers they share.
 * The result compared as a whole with a value equal to everything (`assert parse(s) == mock.ANY`) is vacuous too, and so is
 * a closeness check with an infinite or absurd tolerance (`math.isclose(t, x, rel_tol=math.inf)`, `rel_tol=1e6`, `approx(x, **TOL)`), and
 * a test of text against the empty string (`out.startswith("")`, `"" in out`); `ok | True`, `or ...` / `or "a sentence"` read as `or True`,
 * and so does `or not STRICT` when `STRICT` is `False` or an environment switch that is off by default (in this file or in
 * the module it is imported from; a switch on by default, or bound twice, is no such excuse). Asserting with a test helper
 * that returns `True` whatever it is given (`assert close_enough(a, b)`, here or imported) is vacuous too, and so are a
 * tolerance wider than the expected number (`approx(0.2, rel=1)`, `delta=10` around `0.02`), an asserted function object
 * (`check = lambda: ...; assert check`) and `all(...)` over a table bound once to an empty literal (`PAIRS = {}`).
 * A hand-written closeness check whose bound is at least the sum of the two magnitudes (`if abs(a - e) > rel * (abs(a) +
 * abs(e)): raise ...` with `rel` 1 or more, written, a constant, or a default no caller in the file replaces) never fails:
 * a warning in tests and in the helpers they share.
 * The expected number may sit in a local bound once (`expected = 343.5 + 930.0; approx(expected, abs=TOL)`); an expected
 * value copied from the result just before (`expected = copy.deepcopy(merged); assert merged == expected`) is the
 * result itself; a mock's configured value read back (`m.get_json.return_value is PAYLOAD` after
 * `c.get_json.return_value = PAYLOAD`) checks only the setup (checks that the mock was called at all do not count
 * beside it); and a self-comparison beside other checks is a warning when its comment says the expected value was
 * replaced by the computed one ("compare against the computed slug instead of a hard-coded string").
 */
import { callArguments, decoratorsOf, definitionOf, dottedName, forEachDescendant, forEachInScope, functionName, parameterDefault, parameterNames, rangeOf, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Fix, Severity } from '../../engine/types';
import { whenMentioned } from '../../engine/prefilter';
import { isAbs, vacuousDifferenceBound } from './bounded-difference';
import {
  bindsInFunction,
  alwaysTrueOperand,
  chainOperands,
  calleeLastName,
  classHasSetUp,
  comparisonOperator,
  complementaryOperands,
  copiedValue,
  decoratorsOfTestAndClass,
  effectiveCalleeName,
  elementwiseSelfComparison,
  fileDefinesComparisons,
  identifierWords,
  isCheckingCall,
  isDeliberateConstant,
  isEqualityWord,
  isExplicitFailure,
  isFailingSample,
  isLocalSampleTest,
  isModuleLevel,
  isOrLink,
  isTestFunction,
  isUnconditionalIn,
  knownAssertAliases,
  literalTruth,
  nameUse,
  ownerClass,
  testMethodsOf,
  testsAssertionMethod,
  vacuityOf,
  vacuousAssertionArguments,
  vacuousAssertionCall,
  isZero,
  type VacuousKind,
} from './helpers';

interface Vacuous {
  node: Node;
  kind: VacuousKind;
  /** For `assert PASSED`: the literal the name always holds (`True` in `PASSED = True`). */
  constant?: Node;
  /** For `isclose(a, b, rel_tol=math.inf)`: the infinite tolerance (or the absurd relative one, `rel_tol=1e6`). */
  tolerance?: Node;
  /** For an absurd finite relative tolerance: why any value passes. */
  loose?: string;
  /** That tolerance sits beside a small absolute one: a slip of the exponent's sign more than a way to pass. */
  slip?: boolean;
  /** A check disabled by its data (`all(...)` over an empty table): a warning as the only check, `info` beside real ones. */
  soft?: boolean;
  /**
   * For `assert got == want or not STRICT` (a switch off by default) and `assert close_enough(a, b)` (a helper
   * that returns `True` whatever it is given): what makes the check always pass, said in full.
   */
  excuse?: string;
  /**
   * The check reads back what the test configured (`m.return_value is PAYLOAD`): checks that the mock was called at
   * all (`m.call_count >= 1`, `m.called`) do not count beside it, since they hold whenever the code ran.
   */
  configured?: boolean;
}

/** The last name an operand reads: `total` in `inv.total`, `result` in `result`. */
function lastName(operand: Node): string {
  const o = unparen(operand);
  if (o.type === 'attribute') return o.childForFieldName('attribute')?.text ?? '';
  return o.type === 'identifier' ? o.text : '';
}

/** The operand's last name is one of the test's own words (`inv.total` in `test_total_with_discount`), not a generic one. */
function namesSubject(operand: Node, testName: string): boolean {
  const last = lastName(operand).toLowerCase();
  if (last.length < 4 || /^(result|value|self|data|output|actual|expected|obj|item|res|ret)$/.test(last)) return false;
  // `month` in `test_months_are_calendar_aware`: the singular or plural of a word of the name.
  return identifierWords(testName).some((w) => w !== 'test' && (w === last || w === `${last}s` || last === `${w}s`));
}

/** Assertion helpers by name: `assertRoundTrip`, `assert_valid_tree`, `check_result`, `verify_output`, `expect_equal`. */
const ASSERTION_HELPER_NAME = /^_*(assert|check|verify|expect)(_|[A-Z]|$)/;

/** Test names that say the test only checks that setup/construction/import works. */
const SMOKE_WORDS = new Set(['init', 'setup', 'smoke', 'import', 'imports', 'create', 'creation', 'instantiate', 'instantiation', 'construct', 'construction', 'constructor', 'load', 'loads', 'fixture', 'fixtures', 'works', 'runs', 'starts', 'startup', 'sanity']);

/** The test's name says it checks that setup, import or construction works (`test_init`, `test_import_works`). */
function isSmokeNamed(name: string): boolean {
  return identifierWords(name).some((w) => SMOKE_WORDS.has(w));
}

/** Deprecated unittest aliases: calling them with constants tests the alias (its deprecation warning), not the code. */
const DEPRECATED_ALIASES = new Set(['failUnless', 'failIf', 'assert_', 'assertEquals', 'failUnlessEqual', 'assertAlmostEquals', 'failUnlessAlmostEqual']);

/** A comment or docstring that says the test only checks that nothing crashes or raises. */
/**
 * For a self-comparison only a comment about not raising makes it a smoke check: "just check the key is populated"
 * claims a property that `x == x` does not verify, the way a replaced expected value is excused.
 */
const RAISE_SMOKE_COMMENT = /crash|segfault|no (exception|error)|(doesn't|does not|don't|do not|not) (raise|fail|throw|error)|without (raising|error|exception)|smoke|sanity/i;

const SMOKE_COMMENT = /crash|segfault|coverage|import (works|succeeds)|placeholder|no (exception|error)|(doesn't|does not|don't|do not|not) (raise|fail|throw|error)|without (raising|error|exception)|smoke|sanity|just (check|make sure|verify|ensure)|only (check|verify|make sure|ensure)/i;

/** Test names about the assertion API or truthiness itself (`test_assert`, `test_fail`, `test_truth`, `test_bool`). */
function isAssertionThemedName(name: string): boolean {
  const words = identifierWords(name).filter((w) => w !== 'test');
  return words.length > 0 && words.every((w) => /^(assert\w*|fail\w*|truth\w*|bool\w*|true|false|grammar|syntax|statement|stmt|literals?|constants?)$/.test(w));
}

/** The operand of a reflexive comparison (`x` in `assert x == x`, `self.assertEqual(x, x)`, `assertTrue(x == x)`). */
function selfComparedOperand(node: Node): Node | undefined {
  if (node.type === 'assert_statement') {
    const cond = node.namedChildren.find((c) => c.type !== 'comment');
    // `all(r == r for r in rs)`: each element is compared with itself.
    const c = cond && (elementwiseSelfComparison(cond) ?? unparen(cond));
    return c?.type === 'comparison_operator' ? c.namedChild(0) ?? undefined : undefined;
  }
  const args = callArguments(node).positional;
  const first = args[0] ? elementwiseSelfComparison(args[0]) ?? unparen(args[0]) : undefined;
  if (first?.type === 'comparison_operator') return first.namedChild(0) ?? undefined;
  return first;
}

/**
 * `assert True` / `self.assertTrue(True)`: the spelling of the "did not raise" idiom. Other constants
 * (`assert 1 == 1`, `self.assertEqual(6, 6)`, `assert "done"`) read as an expected value written in place
 * of the result.
 */
function isPlainTrue(node: Node): boolean {
  const cond = node.type === 'assert_statement' ? node.namedChildren.find((c) => c.type !== 'comment') : callArguments(node).positional[0];
  return !!cond && unparen(cond).type === 'true';
}

/** Test names that say the test is a scaffold (`test_placeholder`, `test_dummy`, `test_example`). */
function isPlaceholderName(name: string): boolean {
  return identifierWords(name).some((w) => /^(placeholder|dummy|example|template|noop|stub|scaffold|trivial|always|passes|pass)$/.test(w));
}

/** The test is decorated with a skip mark (`@pytest.mark.skip`, `@unittest.skip`): it does not run anyway. */
function isSkipped(fn: Node, ctx: RuleContext): boolean {
  return decoratorsOf(fn).some((d) => {
    const target = d.type === 'call' ? d.childForFieldName('function') : d;
    const q = ctx.names.qualify(target) ?? dottedName(target) ?? '';
    return /(^|\.)(skip|skipIf|skipUnless|skipif|xfail)$/.test(q);
  });
}

/** The names a function binds (assignments, loops, `with ... as`, `except ... as`, walrus): its locals. */
function bindsLocally(fn: Node, name: string): boolean {
  if (parameterNames(fn).includes(name)) return true;
  const body = fn.childForFieldName('body');
  let assigned = false;
  if (body) {
    forEachInScope(body, (n) => {
      if (assigned) return false;
      if (n.type === 'assignment' || n.type === 'for_statement' || n.type === 'with_item' || n.type === 'as_pattern' || n.type === 'named_expression') {
        const target = n.type === 'assignment' || n.type === 'for_statement' ? n.childForFieldName('left') : n.type === 'as_pattern' ? n.childForFieldName('alias') : n.type === 'named_expression' ? n.childForFieldName('name') : null;
        if (target && targetNames(target).some((t) => t.text === name)) assigned = true;
        if (n.type === 'as_pattern' && target && target.text === name) assigned = true;
      }
      return !assigned;
    });
  }
  return assigned;
}

/** `self.order = ...` / `cls.order = ...` in a method of `cls` (its setUp, setup_class, the test itself): an object the test class builds. */
function classSetsAttribute(cls: Node | null, attr: string): boolean {
  const body = cls?.childForFieldName('body');
  if (!body) return false;
  const pattern = new RegExp(`\\b(self|cls)\\.${attr}\\s*=[^=]`);
  if (!pattern.test(body.text)) return false;
  return body.descendantsOfType('assignment').some((a) => {
    const left = a?.childForFieldName('left');
    return left?.type === 'attribute' && /^(self|cls)$/.test(left.childForFieldName('object')?.text ?? '') && left.childForFieldName('attribute')?.text === attr;
  });
}

/** `NAME = ...` at module level (not an import, class or def): an object the test file builds itself. */
function moduleBinds(root: Node, name: string): boolean {
  return root.namedChildren.some((stmt) => {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    return !!left && targetNames(left).some((t) => t.text === name);
  });
}

/**
 * Every attribute chain the operand reads starts at an object the test owns: a local or parameter of the test
 * (`result.value == result.value`), an attribute its class sets (`self.order.total`, with `self.order = ...` in
 * setUp), or a module-level object the file builds (`BASKET = build_order(...)`); also inside pure builtins
 * (`len(order.lines)`). Then it is the test's own result compared with itself, not the stability of a shared
 * object's attribute (`sentinel.whatever`, a `self.sim` that subclasses set).
 */
function attributesOwned(node: Node, fn: Node, root: Node): boolean {
  const chains: Node[] = [];
  const op = unparen(node);
  if (op.type === 'attribute' || op.type === 'subscript') chains.push(op);
  forEachDescendant(op, (n) => {
    // The outermost chain of each nesting: its root is what matters.
    if ((n.type === 'attribute' || n.type === 'subscript') && n.parent?.type !== 'attribute' && !(n.parent?.type === 'subscript' && n.parent.childForFieldName('value')?.id === n.id)) chains.push(n);
    return true;
  });
  return chains.length > 0 && chains.every((chain) => {
    let base = unparen(chain);
    let first: Node | null = null;
    while (base.type === 'attribute' || base.type === 'subscript') {
      first = base;
      base = unparen(base.childForFieldName(base.type === 'attribute' ? 'object' : 'value')!);
    }
    if (base.type !== 'identifier') return false;
    if (base.text === 'self' || base.text === 'cls') {
      const attr = first?.type === 'attribute' ? first.childForFieldName('attribute')?.text : undefined;
      return !!attr && classSetsAttribute(ownerClass(fn), attr);
    }
    return bindsLocally(fn, base.text) || moduleBinds(root, base.text);
  });
}

/** "itself", or, for `x in [x, ...]` and `assert x == alias` (`alias = x`), what the other side is. */
function aliasNote(node: Node, operand: Node | undefined): string {
  if (!operand) return 'itself';
  const cond = node.type === 'assert_statement' ? node.namedChildren.find((c) => c.type !== 'comment') : undefined;
  const c = cond ? unparen(cond) : undefined;
  if (c?.type === 'comparison_operator' && comparisonOperator(c).endsWith('in')) return 'a collection that lists it';
  if (node.type === 'call' && calleeLastName(node) === 'assertIn') return 'a collection that lists it';
  if (cond && elementwiseSelfComparison(cond)) return 'itself in every element of `all(...)`';
  const other = c?.type === 'comparison_operator' ? c.namedChild(1) : node.type === 'call' ? callArguments(node).positional[1] : undefined;
  if (unparen(operand).type === 'named_expression') return `the name its \`:=\` just bound`;
  if (other && /(\.copy\(\s*\)|^copy\.(deep)?copy\(.*\))$/s.test(unparen(other).text)) return `\`${unparen(other).text}\`, a copy of itself`;
  // `result == expected_slug(result)`: a helper that hands its argument back (see identitySelfComparison).
  if (other && unparen(other).type === 'call' && callArguments(unparen(other)).positional.length === 1 && unparen(callArguments(unparen(other)).positional[0]!).text === unparen(operand).text) {
    return `\`${unparen(other).text}\`, which hands \`${unparen(operand).text}\` back unchanged`;
  }
  // `expected = copy.deepcopy(merged); assert merged == expected` (either order).
  const body = nearestDef(node)?.childForFieldName('body');
  if (other && body) {
    for (const [copy, original] of [[unparen(other), unparen(operand)], [unparen(operand), unparen(other)]] as const) {
      const value = bindingsOf(body).computed.get(copy.text)?.childForFieldName('right');
      const copied = value && copiedValue(value);
      if (copied && unparen(copied).text === original.text) return `\`${unparen(other).text}\`, where \`${copy.text}\` is a copy of \`${original.text}\` taken just before`;
    }
  }
  return other && unparen(other).text !== unparen(operand).text ? `\`${unparen(other).text}\`, which is bound to \`${unparen(operand).text}\` itself` : 'itself';
}

/** `a is b` / `self.assertIs(a, b)`: an identity comparison. */
function isIdentity(node: Node): boolean {
  if (node.type === 'call') return calleeLastName(node) === 'assertIs';
  const cond = node.namedChildren.find((c) => c.type !== 'comment');
  const c = cond && unparen(cond);
  return c?.type === 'comparison_operator' && comparisonOperator(c) === 'is';
}

/** Is one side of the comparison a copy of the other (`out == out.copy()`, `copy.deepcopy(rows) == rows`)? */
function comparesWithCopy(node: Node): boolean {
  let sides: (Node | undefined)[];
  if (node.type === 'assert_statement') {
    const cond = node.namedChildren.find((c) => c.type !== 'comment');
    const c = cond && unparen(cond);
    sides = c?.type === 'comparison_operator' ? c.namedChildren : [];
  } else sides = callArguments(node).positional.slice(0, 2);
  return sides.some((side) => !!side && copiedValue(side) !== undefined);
}

/**
 * `assert m.called`, `assert m.call_count >= 1` (or `> 0`, `!= 0`), `self.assertTrue(m.called)`: the mock was called at
 * all, which holds whenever the code under test ran.
 */
function checksCalledAtAll(n: Node): boolean {
  let cond = n.type === 'assert_statement' ? n.namedChildren.find((c) => c.type !== 'comment') : n.type === 'call' && calleeLastName(n) === 'assertTrue' ? callArguments(n).positional[0] : undefined;
  if (!cond) return false;
  cond = unparen(cond);
  const attr = (e: Node | null | undefined) => (e && unparen(e).type === 'attribute' ? unparen(e).childForFieldName('attribute')?.text : undefined);
  if (attr(cond) === 'called' || attr(cond) === 'call_count') return true;
  if (cond.type !== 'comparison_operator' || cond.namedChildCount !== 2) return false;
  const [a, b] = cond.namedChildren as [Node, Node];
  const op = comparisonOperator(cond);
  const n1 = unparen(b).text;
  return attr(a) === 'call_count' && ((op === '>=' && n1 === '1') || ((op === '>' || op === '!=') && n1 === '0'));
}

/**
 * `assert client.get_json.return_value is PAYLOAD` where the file configured `c.get_json.return_value = PAYLOAD` (in a
 * fixture or the test): the assertion reads back what the test set, not anything the code under test did. Matched on
 * the attribute path after the mock's own name and on the value as written. Returns why the check cannot fail.
 */
function configuredValueReadBack(node: Node, ctx: RuleContext): string | undefined {
  let sides: Node[] = [];
  if (node.type === 'assert_statement') {
    const cond = node.namedChildren.find((c) => c.type !== 'comment');
    const c = cond && unparen(cond);
    if (c?.type === 'comparison_operator' && c.namedChildCount === 2 && ['==', 'is'].includes(comparisonOperator(c))) sides = c.namedChildren.map(unparen);
  } else if (node.type === 'call' && /^assert(Equal|Equals|Is)$/.test(calleeLastName(node))) {
    sides = callArguments(node).positional.slice(0, 2).map(unparen);
  }
  if (sides.length !== 2) return undefined;
  const path = (e: Node) => (e.type === 'attribute' && e.childForFieldName('attribute')?.text === 'return_value' ? e.text.replace(/\s+/g, '').replace(/^[^.]*/, '') : undefined);
  const [read, value] = path(sides[0]!) ? [sides[0]!, sides[1]!] : path(sides[1]!) ? [sides[1]!, sides[0]!] : [];
  if (!read || !value || value.type === 'attribute' && path(value)) return undefined;
  const want = path(read)!;
  const root = (e: Node) => e.text.replace(/\s+/g, '').replace(/\..*$/s, '');
  const valueText = value.text.replace(/\s+/g, '');
  const here = nearestDef(node);
  const names = [value, ...value.descendantsOfType('identifier')].filter((i) => i!.type === 'identifier').map((i) => i!.text);
  // A name bound in a function means something else in another one (`transport` in two tests).
  const bindsAny = (fn: Node | null) => !!fn && names.some((n) => bindsInFunction(fn, n));
  for (const a of ctx.root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!left || !right || left.type !== 'attribute' || path(left) !== want || unparen(right).text.replace(/\s+/g, '') !== valueText) continue;
    // The same mock (same name), or the same method path on it (`c.get_json.return_value` / `client.get_json.return_value`).
    if (root(left) !== root(read) && want === '.return_value') continue;
    const there = nearestDef(a!);
    if (there?.id !== here?.id && (bindsAny(here) || bindsAny(there))) continue;
    return `\`${shortText(read)}\` is the value the test itself configured (\`${shortText(a!)}\`, line ${a!.startPosition.row + 1}), not something the code under test produced, so the check reads back its own setup`;
  }
  return undefined;
}

/**
 * Comments that say the expected value was given up for the computed one: "compare against the computed slug
 * instead of a hard-coded string", "whatever it returns", "the exact value depends on the platform".
 */
const EXCUSE_COMMENT = /instead of (?:a |the |an )?(?:hard[- ]?coded|fixed|literal|exact|known|pinned|expected)|(?:compare|check|assert|match)(?:e?s|ing)? (?:it |them )?(?:against|with|to) (?:the |its |our )?(?:computed|actual|own|current|returned|generated|produced|real) |whatever (?:it|the \w+|\w+\(\)) (?:returns|gives|produces|computes)|(?:exact|precise) (?:value|result|output|cut|string|text|number)s? (?:depends|varies|differs|changes)/i;

/** A comment saying a tolerance was widened on purpose: "keep it loose", "relaxed for CI", "differs between runners". */
const LOOSENED_COMMENT = /\bkeep (?:it|this|them|the \w+) (?:loose|lenient|generous)|\b(?:loosen(?:ed)?|relax(?:ed)?|widen(?:ed)?) (?:the |this |it |for |on |because|so )|\bflak(?:y|es|iness)\b|\bdiffers? (?:between|across|on) (?:\w+ )?(?:runners?|platforms?|machines?|architectures?|hosts?|backends?)/i;

/** The comment lines directly above the assertion and its trailing comment, when they excuse it (see `EXCUSE_COMMENT`). */
function excuseComment(node: Node, source: string, pattern: RegExp = EXCUSE_COMMENT): string | undefined {
  const lines = source.split('\n');
  const texts: string[] = [];
  const own = lines[node.startPosition.row] ?? '';
  const hash = own.indexOf('#', node.startPosition.column);
  if (hash >= 0) texts.push(own.slice(hash + 1).trim());
  const above: string[] = [];
  for (let row = node.startPosition.row - 1; row >= 0 && row >= node.startPosition.row - 6; row--) {
    const t = (lines[row] ?? '').trim();
    if (!t.startsWith('#')) break;
    above.unshift(t.slice(1).trim());
  }
  texts.push(above.join(' '));
  const hit = texts.find((t) => pattern.test(t));
  if (!hit) return undefined;
  return hit.length > 90 ? `${hit.slice(0, 87)}...` : hit;
}

/** Is the test or its class named for a theme: does a word of either name (`test_copy`, `TestClone`) pass `isThemeWord`? */
function namedFor(fn: Node, isThemeWord: (word: string) => boolean): boolean {
  const cls = ownerClass(fn);
  return [functionName(fn), cls?.childForFieldName('name')?.text ?? ''].some((n) => identifierWords(n).some(isThemeWord));
}

/** Words of names about copying (`test_copy`, `TestClone`): comparing a value with its copy is the check. */
const COPY_THEMED = /^(copy|copies|copied|copying|deepcopy|clone[sd]?|cloning|duplicate[sd]?|snapshot)$/;

/** `obj.attr == obj.attr` reads an attribute twice: a property or `__getattr__` may compute it (a stability check). */
function readsAttribute(node: Node): boolean {
  let found = unparen(node).type === 'attribute';
  forEachDescendant(node, (n) => void (n.type === 'attribute' && (found = true)));
  return found;
}

const COMPARING_CALL = /^(assert(Not)?(Equal|Equals|AlmostEqual|Is|Less|LessEqual|Greater|GreaterEqual|CountEqual)|assert_(array_)?(equal|almost_equal|allclose)|assert_array_(less|equal)|assert_allclose)$/;

/**
 * Is `operand` also compared with something else in the test (`assertNotEqual(x, other)`, `x != y`, `x < y`)?
 * Then the test exercises the comparison operators of `x`, and `x == x` checks reflexivity.
 */
function comparedWithOthers(body: Node, operand: Node, vacuous: Node): boolean {
  const key = operand.text.replace(/\s+/g, '');
  const same = (n: Node | undefined | null) => !!n && unparen(n).text.replace(/\s+/g, '') === key;
  let found = false;
  forEachDescendant(body, (n) => {
    // The vacuous comparison itself (`x in [x, y]`, `x == alias_of_x`) is not another comparison.
    if (found || n.id === vacuous.id) return false;
    if (n.type === 'comparison_operator' && n.namedChildCount === 2) {
      const [a, b] = n.namedChildren as [Node, Node];
      if (same(a) !== same(b)) found = true;
    } else if (n.type === 'call' && COMPARING_CALL.test(calleeLastName(n))) {
      const [a, b] = callArguments(n).positional;
      if (a && b && same(a) !== same(b)) found = true;
    }
    return !found;
  });
  return found;
}

const IGNORED_WORK_CALLS = /^(print|pprint|breakpoint|locals|globals|vars|id|repr|str|len)$/;

function shortText(node: Node): string {
  const first = node.text.split('\n')[0]!.trim();
  return first.length > 70 ? `${first.slice(0, 67)}...` : first;
}

function construct(v: Vacuous): string {
  const shown = `\`${shortText(v.node)}\``;
  if (!v.constant) return shown;
  const name = v.constant.parent?.childForFieldName('left')?.text ?? '';
  return `${shown} (\`${name}\` is only ever bound to \`${shortText(v.constant)}\`)`;
}

/** Names bound by an assignment target (identifiers, tuples and lists of them). */
function targetNames(left: Node): Node[] {
  const out: Node[] = [];
  const stack = [left];
  while (stack.length) {
    const n = unparen(stack.pop()!);
    if (n.type === 'identifier') out.push(n);
    else if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern' || n.type === 'tuple' || n.type === 'list') {
      for (const c of n.namedChildren) stack.push(c);
    }
  }
  return out;
}

/** Results of calls assigned to a name that the function never reads afterwards. */
function droppedResults(body: Node, vacuousIds: ReadonlySet<number>): string[] {
  const assigned: Node[] = [];
  const reads = new Map<string, number[]>();
  forEachDescendant(body, (n) => {
    // `match cfg: case {...}: assert True  case _: assert True` reads `cfg` only to pick an assertion that cannot fail.
    if (choosesOnlyVacuousArms(n, vacuousIds)) return false;
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      let hasCall = false;
      if (right) forEachDescendant(right, (c) => void (c.type === 'call' && (hasCall = true)));
      if (right?.type === 'call') hasCall = true;
      if (left && hasCall) for (const id of targetNames(left)) assigned.push(id);
    }
    if (n.type === 'identifier') {
      const list = reads.get(n.text) ?? [];
      list.push(n.startIndex);
      reads.set(n.text, list);
    }
  });
  const out: string[] = [];
  for (const id of assigned) {
    if (id.text.startsWith('_')) continue;
    const later = (reads.get(id.text) ?? []).filter((i) => i !== id.startIndex);
    if (later.length === 0 && !out.includes(id.text)) out.push(id.text);
  }
  return out;
}

/** A statement that neither checks nor does anything: `pass`, `...`, a docstring, or one of the vacuous assertions. */
function isInert(stmt: Node, vacuousIds: ReadonlySet<number>): boolean {
  if (stmt.type === 'comment' || stmt.type === 'pass_statement' || vacuousIds.has(stmt.id)) return true;
  const expr = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  return !!expr && (vacuousIds.has(expr.id) || expr.type === 'ellipsis' || expr.type === 'string');
}

/**
 * An `if` or `match` whose every arm is inert (`if ok: assert True else: pass`, `match cfg: case ...: assert
 * True`): the values its condition or subject reads decide nothing a test could fail on.
 */
function choosesOnlyVacuousArms(n: Node, vacuousIds: ReadonlySet<number>): boolean {
  let arms: (Node | null)[];
  if (n.type === 'if_statement') {
    arms = [n.childForFieldName('consequence')];
    for (const alt of n.childrenForFieldName('alternative')) arms.push(alt ? alt.childForFieldName(alt.type === 'else_clause' ? 'body' : 'consequence') : null);
  } else if (n.type === 'match_statement') {
    arms = (n.childForFieldName('body')?.namedChildren ?? []).filter((c) => c.type === 'case_clause').map((c) => c.childForFieldName('consequence'));
  } else {
    return false;
  }
  return arms.length > 0 && arms.every((arm) => arm?.type === 'block' && arm.namedChildren.every((s) => isInert(s, vacuousIds)));
}

/**
 * `... or ...` and `... or f"known gap for {n}"`: Ellipsis, or a string that reads as a sentence (three words, or
 * two around a formatted value), cannot be an alternative value the test meant to accept (`x == "a" or "b"`), unless
 * the `or` compares with string literals: the assertion reads as passing with an excuse, like `or True`.
 */
function isReasonOperand(operand: Node, cond: Node): boolean {
  const n = unparen(operand);
  if (n.type === 'ellipsis') return true;
  if (n.type !== 'string' && n.type !== 'concatenated_string') return false;
  const parts = n.type === 'string' ? [n] : n.namedChildren;
  const content = parts.flatMap((p) => p.namedChildren.filter((c) => c.type === 'string_content').map((c) => c.text)).join('');
  const formatted = parts.some((p) => p.namedChildren.some((c) => c.type === 'interpolation'));
  const words = content.split(/\s+/).filter((w) => /[a-z]{2}/i.test(w)).length;
  if (words < (formatted ? 2 : 3)) return false;
  // `mode == "read only" or "read write"`: another value of the compared kind, a slip for `in`.
  return !unparen(cond).descendantsOfType('comparison_operator').some((c) => c!.namedChildren.some((o) => ['string', 'concatenated_string'].includes(unparen(o).type)));
}

/** `... or True` is deliberate (warning); `... or (a, b)` is most likely a precedence mistake (info). */
function orTrueVerdict(v: Vacuous): { severity: Severity; detail: string } {
  if (v.excuse) return { severity: 'warning', detail: v.excuse };
  const cond = v.node.type === 'assert_statement' ? v.node.namedChildren.find((c) => c.type !== 'comment') : callArguments(v.node).positional[0];
  const operand = cond ? alwaysTrueOperand(cond) : undefined;
  const pair = !operand && cond ? complementaryOperands(cond) : undefined;
  if (pair) return { severity: 'warning', detail: `\`${shortText(pair[0])}\` and \`${shortText(pair[1])}\` negate each other, so the \`or\` is true whatever the values and the check is disabled` };
  // `ok | True`: on a bool, `|` is `or` that evaluates both sides.
  const op = cond && unparen(cond).type === 'binary_operator' ? '|' : 'or';
  if (!operand || isDeliberateConstant(operand) || isReasonOperand(operand, cond!)) {
    return { severity: 'warning', detail: `the always-true operand${operand ? ` \`${operand.text}\`` : ''} of \`${op}\` disables the check` };
  }
  const shown = operand.text.length > 40 ? `${operand.text.slice(0, 37)}...` : operand.text;
  return {
    severity: 'info',
    detail: `the operand \`${shown}\` of \`or\` is a non-empty literal, which is always true (did you mean \`in (...)\`?), so the check is disabled`,
  };
}

function orTrueFix(v: Vacuous): Fix | undefined {
  const cond = v.node.type === 'assert_statement' ? v.node.namedChildren.find((c) => c.type !== 'comment') : undefined;
  if (!cond) return undefined;
  const n = unparen(cond);
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  const bitwise = n.type === 'binary_operator' && n.child(1)?.type === '|';
  if ((n.type !== 'boolean_operator' && !bitwise) || !left || !right || literalTruth(right) !== true || literalTruth(left) !== undefined) return undefined;
  return {
    title: `Remove \`${bitwise ? '| True' : 'or True'}\` so the assertion checks again`,
    safe: false,
    edits: [{ range: rangeOf(n), newText: left.text }],
  };
}

/**
 * The vacuity of a call whose callee is a name, a method or a call (`getattr(self, "assertTrue")(True)`),
 * as `vacuousAssertionCall` reads it. Most calls are method calls, judged by their own name alone: the
 * name is read once and handed on.
 */
function vacuousCall(call: Node, names: NameResolver, aliases: () => ReadonlySet<string>): VacuousKind | undefined {
  const f = call.childForFieldName('function');
  if (f?.type === 'attribute') return vacuousAssertionArguments(call, f.childForFieldName('attribute')?.text ?? '');
  if (f?.type === 'identifier' || f?.type === 'call') return vacuousAssertionCall(call, names, aliases);
  return undefined;
}

/** Warnings turned into errors: `@pytest.mark.filterwarnings("error")` on the test or its class, or `warnings.simplefilter("error")`. */
const WARNINGS_AS_ERRORS = /\b(filterwarnings|simplefilter)\(\s*(action\s*=\s*)?["']error["']/;

/** The test fails if its calls emit a warning: comparing a value with itself still checks that the comparison warns of nothing. */
function failsOnWarnings(fn: Node): boolean {
  return decoratorsOfTestAndClass(fn).some((d) => WARNINGS_AS_ERRORS.test(d.text)) || WARNINGS_AS_ERRORS.test(fn.text);
}

/** `assert 17, 19 == f(17, 19)`: the message of an assert statement is a comparison (the check the comma displaced). */
function comparisonAsMessage(node: Node): Node | undefined {
  if (node.type !== 'assert_statement') return undefined;
  const message = node.namedChildren.filter((c) => c.type !== 'comment')[1];
  return message && unparen(message).type === 'comparison_operator' ? message : undefined;
}

class TestJudge {
  private comparisonsDefined?: boolean;
  private readonly pending = new Map<number, { fn: Node; vacuous: Vacuous[] }>();
  /** By class or module node: does it hold a test that only fails (see `besideFailingSamples`)? */
  private readonly failingSamples = new Map<number, boolean>();
  private aliases?: Set<string>;
  readonly knownAliases = () => (this.aliases ??= knownAssertAliases(this.ctx.root));

  constructor(private readonly ctx: RuleContext) {}

  private definesComparisons(): boolean {
    this.comparisonsDefined ??= fileDefinesComparisons(this.ctx.root);
    return this.comparisonsDefined;
  }

  /** Is this function's subject equality, comparison, identity or NaN semantics (by its name, its class's, or the file's `__eq__`)? */
  private equalityThemed(fn: Node): boolean {
    return namedFor(fn, isEqualityWord) || this.definesComparisons();
  }

  /** A setup smoke test: its name says it checks construction, and setup work happens in setUp or fixtures. */
  private isSmokeTest(fn: Node): boolean {
    if (!isSmokeNamed(functionName(fn))) return false;
    const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p) => !['self', 'cls'].includes(p.text));
    return params.length > 0 || classHasSetUp(ownerClass(fn));
  }

  /**
   * A sibling test (same class, or module level) does nothing but fail (`raise Exception("should never run")`):
   * the tests here are samples that a test framework's own tests run, skip or select, and a test that only
   * asserts a constant is the control that shows it ran.
   */
  private besideFailingSamples(fn: Node): boolean {
    const cls = ownerClass(fn);
    const container = cls ?? (isModuleLevel(fn) ? this.ctx.root : null);
    if (!container) return false;
    let verdict = this.failingSamples.get(container.id);
    if (verdict === undefined) {
      const tests = cls ? testMethodsOf(cls) : this.ctx.root.namedChildren.map(definitionOf).filter((d) => d.type === 'function_definition' && /^test/.test(functionName(d)));
      verdict = tests.some((t) => t.id !== fn.id && isFailingSample(t));
      this.failingSamples.set(container.id, verdict);
    }
    return verdict;
  }

  /** Records a vacuous assertion (given in document order); functions are judged at the end of the file. */
  collect(n: Node, kind: VacuousKind, constant?: Node, tolerance?: Node, excuse?: string, loose?: string, slip?: boolean, soft?: boolean, configured?: boolean): void {
    if (kind === 'constant' && n.type === 'call' && DEPRECATED_ALIASES.has(effectiveCalleeName(n, this.ctx.names))) return;
    const fn = nearestDef(n);
    if (!fn) {
      if (kind === 'or-true') this.reportTopLevel({ node: n, kind, excuse });
      return;
    }
    const list = this.pending.get(fn.id);
    const v: Vacuous = { node: n, kind, constant, tolerance, excuse, loose, slip, soft, configured };
    if (list) list.vacuous.push(v);
    else this.pending.set(fn.id, { fn, vacuous: [v] });
  }

  finish(): void {
    for (const { fn, vacuous } of this.pending.values()) this.check(fn, vacuous);
  }

  private check(fn: Node, vacuous: Vacuous[]): void {
    const body = fn.childForFieldName('body');
    if (!body) return;
    const isTest = isTestFunction(fn);

    // What else the test does: real checks and other work (nested helpers included for tests).
    let real = 0;
    let calledAtAll = 0;
    let work = 0;
    const vacuousIds = new Set(vacuous.map((v) => v.node.id));
    const walk = isTest ? forEachDescendant : forEachInScope;
    walk(body, (n) => {
      if (vacuousIds.has(n.id)) return false;
      if (n.type === 'assert_statement' || n.type === 'raise_statement' || isExplicitFailure(n)) {
        real++;
        if (checksCalledAtAll(n)) calledAtAll++;
        return false;
      }
      if (n.type === 'call') {
        if (isCheckingCall(n, this.ctx.names)) {
          real++;
          return false;
        }
        const fnNode = n.childForFieldName('function');
        if (!(fnNode?.type === 'identifier' && IGNORED_WORK_CALLS.test(fnNode.text))) work++;
      }
      if (n.type === 'await' || n.type === 'with_statement' || n.type === 'delete_statement' || n.type === 'import_statement' || n.type === 'import_from_statement') work++;
      return true;
    });

    const name = functionName(fn);
    const onlyCheck = real === 0;
    const smokeIntent = SMOKE_COMMENT.test(fn.text);

    for (const v of vacuous) {
      let severity: Severity;
      let message: string;
      let sharedHelper = false;
      const what = construct(v);
      // `self.assertIs(a, a)` in `test_assertIs`: a test of the assertion method itself, on arguments that must pass.
      if (v.kind !== 'or-true' && isTest && testsAssertionMethod(fn, v.node)) continue;
      // A test class built inside another test is a sample that the outer test runs and judges by its outcome.
      if (v.kind !== 'or-true' && isTest && isLocalSampleTest(fn)) continue;
      if (v.kind === 'infinite-tolerance') {
        // Tests of closeness checks themselves (`test_inf_tolerance`) check what an infinite tolerance does.
        if (namedFor(fn, (w) => TOLERANCE_THEMED.test(w))) continue;
        if (v.loose) {
          // A finite tolerance, however absurd, may be a slip of the sign of an exponent (`rtol=1e14`): a warning
          // as the test's only check, `info` beside real ones or beside a small absolute tolerance (`atol=1e-6, rtol=1e6`).
          // A comment that says the tolerance was widened on purpose ("keep it loose") rules out a slip: that check is given up.
          const loosened = isTest && !onlyCheck ? excuseComment(v.node, this.ctx.source, LOOSENED_COMMENT) : undefined;
          severity = (onlyCheck && isTest && !v.slip) || loosened ? 'warning' : 'info';
          message = `${what} can never fail: ${v.loose}${onlyCheck ? `, and it is the only check in \`${name}()\`` : ` (in \`${name}()\`)`}${loosened ? `; its comment ("${loosened}") says it was widened on purpose` : ''}.`;
        } else {
          // Like `or True`: it disables that check wherever it stands.
          severity = 'warning';
          message = `${what} can never fail: the tolerance \`${shortText(v.tolerance!)}\` is infinite, so any value is close enough in \`${name}()\`.`;
        }
      } else if (v.kind === 'empty-string') {
        // Tests of the empty string's own semantics (`test_startswith_empty`) check exactly this.
        if (namedFor(fn, (w) => EMPTY_STRING_THEMED.test(w))) continue;
        severity = onlyCheck && isTest ? 'warning' : 'info';
        message = onlyCheck
          ? `${what} can never fail: ${v.excuse}, and it is the only check in \`${name}()\`: the test no longer verifies the text.`
          : `${what} can never fail: ${v.excuse}; check the expected text instead (in \`${name}()\`).`;
      } else if (v.kind === 'or-true') {
        // Tests of the mock machinery itself (`test_return_value`, `TestMockConfiguration`) read back what they set.
        if (v.configured && namedFor(fn, (w) => /^(mocks?|magicmock|return|configure[sd]?|configuration|attributes?|spec|patch\w*)$/.test(w))) continue;
        const verdict = orTrueVerdict(v);
        const alone = onlyCheck || (!!v.configured && real === calledAtAll);
        severity = v.soft && !(alone && isTest) ? 'info' : verdict.severity;
        message = `${what} can never fail: ${verdict.detail} in \`${name}()\`.`;
      } else if (v.kind === 'matches-any') {
        const [value, wildcard] = comparedWithAnything(v.node, this.ctx.names)!;
        // Tests of the wildcard itself (`test_call_any`), or of a mock's equality with it (`call == ANY`, `m == ANY`).
        if (namedFor(fn, (w) => ANYTHING_THEMED.test(w)) || isMockObject(value, body, this.ctx.names)) continue;
        const shown = `\`${shortText(value)}\` with \`${wildcard.text}\`, which equals every value`;
        if (onlyCheck && isTest) {
          severity = 'warning';
          message = `${what} compares ${shown}, so it cannot fail, and it is the only check in \`${name}()\`: the test no longer verifies its result.`;
        } else {
          severity = 'info';
          message = `${what} compares ${shown}, so it cannot fail: at most it checks that the expression evaluates; compare it with the expected value, or put \`ANY\` only in the parts that may vary.`;
        }
      } else if (v.kind === 'self-compare') {
        const compared = selfComparedOperand(v.node);
        // `copy.deepcopy(rows) == rows` compares `rows` with its copy: judge `rows`.
        const operand = compared && (copiedValue(compared) ?? compared);
        // In a file that defines `__eq__`, `x == x` may check reflexivity, unless the test's only check compares the
        // result of the operation it is named for with itself (`result = Rat(10) // Rat(4); assertEqual(result, result)`).
        const resultWithItself = onlyCheck && isTest && !!operand && !namedFor(fn, isEqualityWord) && isComputedLocal(operand, body, functionName(fn));
        if ((this.equalityThemed(fn) && !resultWithItself) || (operand && comparedWithOthers(body, operand, v.node))) continue;
        // `G.adj.copy() == G.adj` in `test_copy` checks the copy method; next to other checks it is one of them.
        if (comparesWithCopy(v.node) && (!onlyCheck || namedFor(fn, (w) => COPY_THEMED.test(w)))) continue;
        // Reading an attribute twice checks it when the object is not the test's own, when the comparison is `is`
        // (a property or accessor cached on first access), or when the test is named for caching or stability.
        const viaAttribute = !!operand && readsAttribute(operand) && (!attributesOwned(operand, fn, this.ctx.root) || isIdentity(v.node) || namedFor(fn, (w) => REPEAT_THEMED.test(w)));
        // Under warnings-as-errors a self-comparison checks that comparing emits no warning: the subject is the
        // assertion helper on a given value (a fixture, a built input), not a result of the code under test.
        const warningsChecked = onlyCheck && isTest && failsOnWarnings(fn) && (namedFor(fn, (w) => WARNING_WORDS.test(w)) || !(operand && (resultWithItself || isResultOfImportedCall(operand, body, this.ctx.names))));
        const excuse = isTest && !onlyCheck && !viaAttribute && !warningsChecked ? excuseComment(v.node, this.ctx.source) : undefined;
        // A shared assertion helper (`assertRoundTrip`, `check_result`) whose self-comparison runs on every call: every
        // test that relies on it checks nothing there.
        sharedHelper = !isTest && !viaAttribute && ASSERTION_HELPER_NAME.test(name) && isUnconditionalIn(v.node, body);
        if (sharedHelper) {
          severity = 'warning';
          message = `${what} compares \`${operand?.text ?? 'an expression'}\` with ${aliasNote(v.node, operand)}, so it cannot fail, and it runs on every call of the assertion helper \`${name}()\`: the tests that rely on it check nothing there.`;
        } else if (onlyCheck && isTest && !viaAttribute && !(smokeIntent && RAISE_SMOKE_COMMENT.test(fn.text)) && !warningsChecked) {
          severity = 'warning';
          message = `${what} compares \`${operand?.text ?? 'an expression'}\` with ${aliasNote(v.node, operand)}, so it cannot fail, and it is the only check in \`${name}()\`: the test no longer verifies anything.`;
        } else if (isTest && !viaAttribute && !warningsChecked && operand && namesSubject(operand, name)) {
          // `test_total_with_discount` comparing `inv.total` with itself: whatever else it checks, the value the test is
          // named for is never checked.
          severity = 'warning';
          message = `${what} compares \`${operand.text}\` with ${aliasNote(v.node, operand)}, so it cannot fail, and \`${lastName(operand)}\` is what \`${name}()\` is named for: the test never checks it. Compare it with an independent expected value.`;
        } else if (excuse) {
          // Beside other checks a self-comparison is usually a slip; a comment that says the expected value was
          // replaced by the computed one on purpose makes it the check the test was meant to make, given up.
          severity = 'warning';
          message = `${what} compares \`${operand?.text ?? 'an expression'}\` with ${aliasNote(v.node, operand)}, so it cannot fail; its comment ("${excuse}") says the expected value was replaced by the result on purpose, so \`${name}()\` no longer checks it. Compare with an independent expected value.`;
        } else {
          severity = 'info';
          message = warningsChecked
            ? `${what} compares \`${operand?.text ?? 'an expression'}\` with itself, so it cannot fail; with warnings turned into errors, \`${name}()\` only checks that nothing warns.`
            : viaAttribute
            ? `${what} compares an expression with itself; unless the attribute is computed on each access, it cannot fail — compare it with an independent expected value.`
            : `${what} compares \`${operand?.text ?? 'an expression'}\` with itself, so it cannot fail; compare the result with an independent expected value.`;
        }
      } else {
        // A constant among real assertions is harmless (and often tests truthiness or the assertion API itself),
        // unless a comma turned the intended comparison into the message (`assert 17, 19 == f(17, 19)`): a slip, `info`.
        if (!onlyCheck || isAssertionThemedName(name)) {
          const message = comparisonAsMessage(v.node);
          if (!onlyCheck && isTest && message) {
            this.ctx.report({ node: v.node, message: `${what} asserts a constant: the comma makes \`${shortText(message)}\` its message, so that comparison is never checked; write it as the condition.`, severity: 'info' });
          }
          continue;
        }
        if (!isTest) {
          severity = 'info';
          message = `${what} checks nothing, and it is the only check in helper \`${name}()\`.`;
        } else {
          const dropped = droppedResults(body, vacuousIds);
          if (dropped.length && !smokeIntent) {
            severity = 'warning';
            message = `\`${name}()\` computes \`${dropped.join('`, `')}\` but never checks it: ${what} is its only assertion and cannot fail.`;
          } else if (work > 0 && (isPlainTrue(v.node) || isSmokeNamed(name))) {
            severity = 'info';
            message = `${what} checks nothing: \`${name}()\` only verifies that the calls before it do not raise; assert on their results.`;
          } else if (work > 0 && !smokeIntent && !isPlaceholderName(name) && !isSkipped(fn, this.ctx)) {
            // `assert 1 == 1` / `self.assertEqual(6, 6)` after the calls: an expected value where the result should be
            // (unless a comment or the name says the test only checks that nothing raises).
            severity = 'warning';
            message = `${what} is the only check in \`${name}()\` and cannot fail: a constant stands where the result of the calls before it should be checked.`;
          } else if (this.isSmokeTest(fn)) {
            severity = 'info';
            message = `${what} checks nothing: \`${name}()\` only verifies that its setup runs.`;
          } else if (smokeIntent) {
            severity = 'info';
            message = `${what} checks nothing: as its comment says, \`${name}()\` only checks that the module imports and sets up; assert on something it provides.`;
          } else if (isPlaceholderName(name)) {
            severity = 'info';
            message = `${what} checks nothing: \`${name}()\` is a placeholder test; replace it with a real test or delete it.`;
          } else if (isSkipped(fn, this.ctx)) {
            severity = 'info';
            message = `${what} checks nothing: \`${name}()\` is a skipped placeholder.`;
          } else if (this.besideFailingSamples(fn)) {
            severity = 'info';
            message = `${what} checks nothing: \`${name}()\` sits beside tests that only fail (samples for tests of the test machinery), so it only shows that it ran.`;
          } else {
            severity = 'warning';
            message = `${what} is the only check in \`${name}()\` and cannot fail: the test passes without exercising anything.`;
          }
        }
      }
      if (!isTest && !sharedHelper && v.kind !== 'or-true' && v.kind !== 'infinite-tolerance' && severity === 'warning') severity = 'info';
      this.ctx.report({ node: v.node, message, severity, fix: v.kind === 'or-true' ? orTrueFix(v) : undefined });
    }
  }

  /** Module-level and class-level `assert ... or True`. */
  private reportTopLevel(v: Vacuous): void {
    const verdict = orTrueVerdict(v);
    this.ctx.report({ node: v.node, message: `${construct(v)} can never fail: ${verdict.detail}.`, severity: verdict.severity, fix: orTrueFix(v) });
  }
}

/**
 * What the module-level names of this file, and those it imports, hold by default: constants (`STRICT = False`)
 * and environment switches that are off while their variable is unset (`STRICT = os.environ.get("X") == "1"`),
 * computed once per file.
 */
class ModuleSwitches {
  constructor(private readonly ctx: RuleContext) {}

  /** Why `name` is false by default, or undefined when it may be true. */
  offBecause(name: string): string | undefined {
    const fact = this.factOf(name);
    if (fact?.kind === 'constant' && fact.literal !== 'True') return `is always true: \`${name}\` is \`${fact.literal}\``;
    if (fact?.kind === 'env-flag') return `is true unless the environment variable \`${fact.variable}\` is set`;
    return undefined;
  }

  /** Why `name` is true by default, or undefined. */
  onBecause(name: string): string | undefined {
    const fact = this.factOf(name);
    return fact?.kind === 'constant' && fact.literal === 'True' ? `is always \`True\`` : undefined;
  }

  private factOf(name: string) {
    const facts = this.ctx.ownFacts();
    const own = facts && Object.prototype.hasOwnProperty.call(facts, name) ? facts[name] : undefined;
    if (own && own.kind !== 'alias') return own;
    return this.ctx.imported(this.ctx.names.alias(name));
  }
}

/**
 * `assert got == want or not STRICT`: an operand of the condition's top-level `or` that a switch off by default
 * makes true (`not STRICT` with `STRICT = False` or read from an unset environment variable, here or in the module it
 * is imported from), so the assertion checks nothing unless someone turns the switch on. Returns the excuse in full.
 */
function switchedOffOperand(cond: Node, switches: ModuleSwitches): string | undefined {
  if (!isOrLink(unparen(cond))) return undefined;
  for (const n of chainOperands(cond, isOrLink)) {
    let why: string | undefined;
    if (n.type === 'identifier') why = switches.onBecause(n.text);
    else if (n.type === 'not_operator') {
      const arg = n.childForFieldName('argument');
      why = arg && unparen(arg).type === 'identifier' ? switches.offBecause(unparen(arg).text) : undefined;
    }
    if (why) return `\`${shortText(n)}\` ${why}, so the \`or\` disables the check`;
  }
  return undefined;
}

/**
 * A helper of the tests that returns `True` whatever it is given (`def close_enough(a, b): return True`):
 * module-level, in a test file or test infrastructure. Before its final `return True` it may only document,
 * `pass` or log (`if not condition: log.warning(message)`, a "soft assertion" that never fails); or it returns
 * `True` first under a switch that is on by default (`if not STRICT: return True` with `STRICT = False` here or
 * in the module it is imported from). A helper that checks (asserts, raises, calls anything else) before
 * returning `True` is the "assert helper(...)" idiom and is no such helper.
 */
function isAlwaysTrueHelper(def: Node, switches: ModuleSwitches): boolean {
  const body = def.childForFieldName('body');
  if (!body || !parameterNames(def).length) return false;
  const statements = body.namedChildren.filter((c) => c.type !== 'comment');
  const returnsTrue = (st: Node | undefined) => st?.type === 'return_statement' && unparen(st.namedChildren.find((c) => c.type !== 'comment') ?? st).type === 'true';
  // `if not STRICT: return True` first, with the switch off by default.
  const first = statements.find((st) => !isDocOrPass(st));
  if (first?.type === 'if_statement' && !first.childForFieldName('alternative')) {
    const cond = first.childForFieldName('condition');
    const block = first.childForFieldName('consequence')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    if (cond && block.length === 1 && returnsTrue(block[0]) && switchTruth(cond, switches)) return true;
  }
  if (!returnsTrue(statements[statements.length - 1])) return false;
  return statements.slice(0, -1).every((st) => isDocOrPass(st) || isLogOnly(st));
}

function isDocOrPass(st: Node): boolean {
  return st.type === 'pass_statement' || (st.type === 'expression_statement' && ['string', 'concatenated_string'].includes(st.namedChild(0)?.type ?? ''));
}

/** Printing or logging (`log.warning(msg)`, `print(...)`, `warnings.warn(...)`), alone or under an `if` without `else`. */
const LOGGING_CALL = /^(print|pprint|(\w+\.)*(debug|info|warning|warn|error|exception|critical|log)|warnings\.warn|(\w+\.)*(stderr|stdout)\.write)$/;
function isLogOnly(st: Node): boolean {
  if (st.type === 'expression_statement') {
    const call = st.namedChild(0);
    return call?.type === 'call' && LOGGING_CALL.test(dottedName(call.childForFieldName('function')) ?? '');
  }
  if (st.type === 'if_statement' && !st.childForFieldName('alternative')) {
    const block = st.childForFieldName('consequence')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    return block.length > 0 && block.every((b) => isDocOrPass(b) || isLogOnly(b));
  }
  return false;
}

/** A condition true by default through module switches: `not STRICT` (off by default), `LENIENT` (`True`). */
function switchTruth(cond: Node, switches: ModuleSwitches): boolean {
  const n = unparen(cond);
  if (n.type === 'identifier') return switches.onBecause(n.text) !== undefined;
  if (n.type !== 'not_operator') return false;
  const arg = n.childForFieldName('argument');
  return !!arg && unparen(arg).type === 'identifier' && switches.offBecause(unparen(arg).text) !== undefined;
}

/** The checked argument of `self.assertTrue(x)` (or `assert_`, `failUnless`), for the helper check. */
function assertTrueArgument(call: Node): Node | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || !/^(assertTrue|assert_|failUnless)$/.test(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
  return callArguments(call).positional[0];
}

/** Module-level functions whose whole body (a docstring aside) returns their one parameter unchanged. */
function identityHelpers(root: Node): string[] {
  const out: string[] = [];
  for (const def of root.namedChildren) {
    if (def.type !== 'function_definition') continue;
    const params = parameterNames(def);
    const params_ = def.childForFieldName('parameters')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    if (params.length !== 1 || params_.length !== 1 || params_[0]!.type !== 'identifier') continue;
    const stmts = def.childForFieldName('body')?.namedChildren.filter((c) => c.type !== 'comment' && !(c.type === 'expression_statement' && c.namedChild(0)?.type === 'string')) ?? [];
    const v = stmts.length === 1 && stmts[0]!.type === 'return_statement' ? stmts[0]!.namedChild(0) : null;
    if (v && unparen(v).type === 'identifier' && unparen(v).text === params[0]) out.push(functionName(def));
  }
  return out;
}

/** The two sides of `assert a == b`, or the first two arguments of one of `calls` (`assertEqual(a, b)`). */
function equalityOperands(node: Node, calls: ReadonlySet<string>): [Node | undefined, Node | undefined] | undefined {
  if (node.type === 'assert_statement') {
    const cond = node.namedChildren.find((c) => c.type !== 'comment');
    const c = cond && unparen(cond);
    if (c?.type !== 'comparison_operator' || c.namedChildCount !== 2 || comparisonOperator(c) !== '==') return undefined;
    return c.namedChildren as [Node, Node];
  }
  if (node.type === 'call' && calls.has(calleeLastName(node))) {
    const [a, b] = callArguments(node).positional;
    return [a, b];
  }
  return undefined;
}

/**
 * `assert result == expected_slug(result)` with `expected_slug` a helper that returns its argument (defined in this
 * file, or imported from a module of the project that defines it so): the value compared with itself.
 */
function identitySelfComparison(node: Node, ctx: RuleContext): VacuousKind | undefined {
  const [a, b] = equalityOperands(node, EQUALITY_ASSERT_CALLS) ?? [];
  if (!a || !b) return undefined;
  const wrapped = (x: Node, other: Node) => {
    const u = unparen(x);
    const f = u.type === 'call' ? u.childForFieldName('function') : null;
    const args = u.type === 'call' ? callArguments(u) : undefined;
    if (f?.type !== 'identifier' || args?.positional.length !== 1 || args.keywords.size || args.hasSplat) return false;
    if (unparen(args.positional[0]!).text !== unparen(other).text) return false;
    const alias = ctx.names.alias(f.text);
    return alias ? ctx.imported(alias)?.kind === 'identity-function' : identityHelpers(ctx.root).includes(f.text);
  };
  return wrapped(b, a) || wrapped(a, b) ? 'self-compare' : undefined;
}

/** Module-level always-true helpers of a test-side file, by name. */
function alwaysTrueHelpers(root: Node, switches: ModuleSwitches): Set<string> {
  const out = new Set<string>();
  for (const stmt of root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? null : stmt;
    if (def?.type === 'function_definition' && isAlwaysTrueHelper(def, switches)) out.add(def.childForFieldName('name')!.text);
  }
  return out;
}

/**
 * `assert close_enough(got, want)` with a helper that returns `True` whatever it is given, defined in this test
 * file or imported from a test helper module of the project. Returns the excuse in full.
 */
function alwaysTrueHelperCall(cond: Node, local: ReadonlySet<string>, ctx: RuleContext): string | undefined {
  const n = unparen(cond);
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'identifier') return undefined;
  const helper = local.has(fn.text) && !ctx.names.alias(fn.text) ? 'defined in this file' : ctx.imported(ctx.names.alias(fn.text))?.kind === 'always-true-function' ? `imported from \`${ctx.names.alias(fn.text)!.replace(/\.[^.]*$/, '')}\`` : undefined;
  return helper && `\`${fn.text}()\` (${helper}) returns \`True\` whatever it is given, so the assertion checks nothing`;
}

const EQUALITY_ASSERT_CALLS = new Set(['assertEqual', 'assertEquals', 'assertIs', 'assert_equal', 'assert_array_equal']);

/**
 * `expected = result` followed by `assert result == expected`: the expected value was replaced by the result
 * itself, so the comparison is reflexive. Both names must be plain locals of the same function: the alias
 * bound once, from the other name, which is not rebound after it (mutating the object changes both alike).
 */
function aliasSelfComparison(node: Node, copies: ReadonlySet<string>): VacuousKind | undefined {
  if (!copies.size) return undefined;
  let a: Node | undefined;
  let b: Node | undefined;
  let identity = false;
  if (node.type === 'assert_statement') {
    const cond = node.namedChildren.find((c) => c.type !== 'comment');
    const c = cond && unparen(cond);
    if (c?.type !== 'comparison_operator' || c.namedChildCount !== 2 || !['==', 'is'].includes(comparisonOperator(c))) return undefined;
    [a, b] = c.namedChildren as [Node, Node];
    identity = comparisonOperator(c) === 'is';
  } else if (node.type === 'call') {
    const callee = calleeLastName(node);
    if (!EQUALITY_ASSERT_CALLS.has(callee) && !RECOMPUTED_ASSERT_CALLS.has(callee)) return undefined;
    [a, b] = callArguments(node).positional;
    identity = callee === 'assertIs';
  }
  if (!a || !b) return undefined;
  a = unparen(a);
  b = unparen(b);
  if (!(copies.has(a.text) || copies.has(b.text)) || a.text === b.text) return undefined;
  const fn = nearestDef(node);
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return undefined;
  // `expected = f(x); assert f(x) == expected` (not `is`: the same object back is what a cache test checks).
  if (a.type !== 'identifier' || b.type !== 'identifier') return !identity && recomputedExpected(a, b, node, fn, body) ? 'self-compare' : undefined;
  if (!EQUALITY_ASSERT_CALLS.has(node.type === 'call' ? calleeLastName(node) : 'assertEqual')) return undefined;
  if (aliasOf(body, b.text, a.text, node) || aliasOf(body, a.text, b.text, node)) return 'self-compare';
  return !identity && (copiedExpected(b, a, node, fn, body) || copiedExpected(a, b, node, fn, body)) ? 'self-compare' : undefined;
}

/**
 * `expected = copy.deepcopy(merged); assert merged == expected`: the expected value is a copy of the result taken
 * just before the comparison, so it equals the result whatever the code computed. Only a name that says it holds
 * the expected value, bound once, with only call-free statements that leave the original alone between the copy and
 * the assertion (`before = x.copy(); normalize(x); assert x == before` checks that `normalize` changed nothing),
 * outside tests about copying.
 */
function copiedExpected(name: Node, original: Node, use: Node, fn: Node, body: Node): boolean {
  if (!isExpectedName(name.text)) return false;
  const bindings = bindingsOf(body);
  if (bindings.at.get(name.text)?.length !== 1 || bindings.shared.has(name.text) || bindings.shared.has(original.text)) return false;
  const assignment = bindings.computed.get(name.text);
  const value = assignment?.childForFieldName('right');
  const copied = value && copiedValue(value);
  if (!assignment || !copied || unparen(copied).text !== original.text) return false;
  if (!quietBetween(assignment.parent, use, new RegExp(`\\b${original.text}\\b`))) return false;
  return !namedFor(fn, (w) => COPY_THEMED.test(w));
}

/**
 * Whether `use` follows the statement `binding` in the same block with only comments and call-free expression
 * statements between them (none mentioning `mentions`): nothing there changes the value bound or its input.
 */
function quietBetween(binding: Node | null, use: Node, mentions?: RegExp): boolean {
  let useStmt: Node | null = use;
  while (useStmt && useStmt.parent?.id !== binding?.parent?.id) useStmt = useStmt.parent;
  if (!binding || !useStmt || useStmt.startIndex < binding.endIndex) return false;
  for (let s = binding.nextNamedSibling; s && s.id !== useStmt.id; s = s.nextNamedSibling) {
    if (s.type === 'comment') continue;
    if (s.type !== 'expression_statement' || s.descendantsOfType('call').length > 0 || mentions?.test(s.text)) return false;
  }
  return true;
}

/**
 * Names bound anywhere by a plain `name = other_name` (only they can be aliases) and by `name = True` (only they
 * can be constants under a name): one indexed query per file.
 */
function plainAssignmentNames(root: Node): { copied: Set<string>; literal: Set<string> } {
  const copied = new Set<string>();
  const literal = new Set<string>();
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = left?.type === 'identifier' ? a!.childForFieldName('right') : null;
    if (!left || !right) continue;
    // `got = want = f(x)`: `got` is bound to the object `want` holds, like `got = want`.
    if (unparen(right).type === 'identifier' || right.type === 'assignment' || (isExpectedName(left.text) && isTakenValue(right))) copied.add(left.text);
    else if (isImmutableTruthyLiteral(right)) literal.add(left.text);
  }
  return { copied, literal };
}

/** Names that say they hold the expected value (`expected`, `want`, `expected_rows`, `golden`). */
const EXPECTED_WORDS = new Set(['expected', 'expect', 'exp', 'want', 'wanted', 'desired', 'golden', 'correct', 'truth', 'answer', 'reference', 'ref']);

function isExpectedName(name: string): boolean {
  return identifierWords(name).some((w) => EXPECTED_WORDS.has(w));
}

/**
 * What an expected value may have been taken from instead of written down: a computed value, or an attribute of the
 * result read without a call (`expected_total = acme.total`), which reads the same when read again.
 */
function isTakenValue(value: Node): boolean {
  const v = unparen(value);
  return isComputedValue(v) || (v.type === 'attribute' && v.descendantsOfType('call').length === 0);
}

/** A value computed by running code: a call, or a comprehension, collection or operation holding one. */
function isComputedValue(value: Node): boolean {
  const v = unparen(value);
  if (v.type === 'call') return true;
  if (!['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression', 'list', 'tuple', 'dictionary', 'binary_operator', 'subscript', 'attribute'].includes(v.type)) return false;
  return v.descendantsOfType('call').length > 0;
}

/** Test (or class) names about caching, determinism or repeatability: computing the value twice is what they check. */
const REPEAT_THEMED = /^(cache[sd]?|caching|memo\w*|lru|determinis\w*|stable|stability|idempot\w*|repeat\w*|consisten\w*|reproduc\w*|again|twice|reuse[sd]?|pure|purity|same|unchanged|persist\w*|roundtrip|reload\w*|restor\w*)$/;

/** Comparisons of a value with an expected one (the assertion calls a recomputed expected value can be handed to). */
const RECOMPUTED_ASSERT_CALLS = new Set([...['assertEqual', 'assertEquals', 'assert_equal', 'assert_array_equal'], 'assertListEqual', 'assertDictEqual', 'assertTupleEqual', 'assertCountEqual', 'assertAlmostEqual', 'assert_allclose', 'assert_array_almost_equal', 'assert_almost_equal', 'assert_frame_equal', 'assert_series_equal']);

/**
 * `expected = parse("1h"); assert parse("1h") == expected` (or `expected_total = acme.total` read back from the result):
 * the expected value is the code's own output,
 * computed by the same expression just before, so the comparison cannot fail (a determinism check in disguise).
 * Only a name that says it holds the expected value, bound once, in the statement right before the assertion's
 * (or with only call-free statements between, so nothing can change what the expression computes), and not in a
 * test about caching or repeatability.
 */
function recomputedExpected(a: Node, b: Node, use: Node, fn: Node, body: Node): boolean {
  const [name, other] = unparen(a).type === 'identifier' && isExpectedName(unparen(a).text) ? [unparen(a), unparen(b)] : [unparen(b), unparen(a)];
  if (name.type !== 'identifier' || other.type === 'identifier' || !isExpectedName(name.text)) return false;
  const bindings = bindingsOf(body);
  if (bindings.at.get(name.text)?.length !== 1 || bindings.shared.has(name.text)) return false;
  const assignment = bindings.computed.get(name.text);
  const value = assignment?.childForFieldName('right');
  if (!assignment || !value || !isTakenValue(value) || value.text.replace(/\s+/g, '') !== other.text.replace(/\s+/g, '')) return false;
  // The binding statement and the assertion's statement share a block, with only call-free statements between.
  if (!quietBetween(assignment.parent, use)) return false;
  return !namedFor(fn, (w) => REPEAT_THEMED.test(w));
}

/**
 * `blob = codec.encode(value); decoded = codec.decode(blob); assert decoded == codec.decode(blob)` (or `decoded, _ =
 * decode(blob)` against `decode(blob)[0]`): a roundtrip whose
 * result is compared with the second step computed again from the same intermediate, never with the original it
 * started from. Whatever the two steps do, the two decodes agree, so the roundtrip is not checked. Unlike
 * `recomputedExpected` any name counts: the chain says what the comparison should have been. Required: the result
 * bound once, to the same call text as the other operand, with only call-free statements between; that call reads a
 * local bound once to a call of another function on the original (a parameter or a local); and no comparison or
 * assertion of the function mentions the original (`assert decoded == value` elsewhere checks the roundtrip). Not in
 * functions named for determinism, caching or repeatability (a roundtrip name is no such excuse).
 * Returns the excuse, in full, for an `or True`-like finding.
 */
function recomputedRoundtrip(node: Node): string | undefined {
  const [a, b] = equalityOperands(node, RECOMPUTED_ASSERT_CALLS) ?? [];
  if (!a || !b) return undefined;
  const [result, written] = unparen(a).type === 'identifier' ? [unparen(a), unparen(b)] : [unparen(b), unparen(a)];
  // `decoded, _ = decode(blob)` then `decode(blob)[0]`: the element of the recomputed result in the same position.
  const position = written.type === 'subscript' && written.childForFieldName('subscript')?.type === 'integer' ? Number(written.childForFieldName('subscript')!.text) : undefined;
  const again = position !== undefined ? unparen(written.childForFieldName('value')!) : written;
  if (result.type !== 'identifier' || again.type !== 'call') return undefined;
  const fn = nearestDef(node);
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return undefined;
  const bindings = bindingsOf(body);
  const boundOnce = (name: string): Node | undefined => {
    if (bindings.at.get(name)?.length !== 1 || bindings.shared.has(name)) return undefined;
    let found: Node | undefined;
    forEachInScope(body, (n) => {
      if (!found && n.type === 'assignment' && n.childForFieldName('left')?.type === 'identifier' && n.childForFieldName('left')!.text === name) found = n;
      return !found;
    });
    return found;
  };
  const unpackedOnce = (name: string, at: number): Node | undefined => {
    if (bindings.at.get(name)?.length !== 1 || bindings.shared.has(name)) return undefined;
    let found: Node | undefined;
    forEachInScope(body, (n) => {
      const left = n.type === 'assignment' ? n.childForFieldName('left') : null;
      const targets = left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? left.namedChildren.filter((c) => c.type !== 'comment') : [];
      if (!found && targets[at]?.type === 'identifier' && targets[at]!.text === name) found = n;
      return !found;
    });
    return found;
  };
  const assignment = position !== undefined ? unpackedOnce(result.text, position) : boundOnce(result.text);
  const value = assignment?.childForFieldName('right');
  const flat = (t: string) => t.replace(/\s+/g, '');
  if (!assignment || !value || unparen(value).type !== 'call' || flat(unparen(value).text) !== flat(again.text)) return undefined;
  // The binding and the assertion share a block, with only call-free statements between (nothing changes the input).
  if (!quietBetween(assignment.parent, node)) return undefined;
  // The first step: an argument of the recomputed call is a local bound once to another call on the original.
  const second = calleeLastName(again);
  const params = parameterNames(fn);
  let original: string | undefined;
  let middle: string | undefined;
  let firstStep: string | undefined;
  for (const arg of callArguments(again).positional) {
    const m = unparen(arg);
    const first = m.type === 'identifier' ? boundOnce(m.text)?.childForFieldName('right') : undefined;
    const step = first && unparen(first);
    if (step?.type !== 'call' || calleeLastName(step) === second) continue;
    const source = callArguments(step).positional.map(unparen).find((x) => x.type === 'identifier' && (params.includes(x.text) || bindings.at.get(x.text)?.length === 1));
    if (source) {
      original = source.text;
      middle = m.text;
      firstStep = calleeLastName(step);
      break;
    }
  }
  if (!original || !middle || !firstStep) return undefined;
  // A roundtrip: the two steps undo each other by their names (`encode`/`decode`), or the function is named for one.
  if (!inverseSteps(firstStep, second) && !namedFor(fn, (w) => ROUNDTRIP_WORD.test(w))) return undefined;
  if (namedFor(fn, (w) => REPEAT_THEMED.test(w) && !ROUNDTRIP_WORD.test(w))) return undefined;
  // Any comparison or assertion call of the function that reads the original checks the roundtrip.
  const mentions = (n: Node | null | undefined) => !!n && identifiersOf(n).has(original!);
  let checked = false;
  forEachInScope(body, (n) => {
    if (checked) return false;
    if (n.type === 'assert_statement') checked = mentions(n.namedChildren.find((c) => c.type !== 'comment'));
    else if (n.type === 'comparison_operator') checked = mentions(n);
    else if (n.type === 'call' && /^(assert|check|expect|verify)/i.test(calleeLastName(n))) checked = callArguments(n).positional.slice(0, 2).some(mentions);
    return !checked;
  });
  if (checked) return undefined;
  return `\`${result.text}\` (\`${shortText(again)}\`) is compared with the same call made again on \`${middle}\`, never with the original \`${original}\`, so the roundtrip is not checked`;
}

/** Pieces of function names that one step of a roundtrip has where the other, undoing it, has the second. */
const INVERSE_PIECES: readonly [string, string][] = [
  ['encode', 'decode'], ['dumps', 'loads'], ['dump', 'load'], ['serialize', 'deserialize'], ['serialise', 'deserialise'],
  ['compress', 'decompress'], ['encrypt', 'decrypt'], ['pack', 'unpack'], ['save', 'load'], ['write', 'read'],
  ['quote', 'unquote'], ['escape', 'unescape'], ['marshal', 'unmarshal'], ['pickle', 'unpickle'], ['wrap', 'unwrap'],
  ['zip', 'unzip'], ['freeze', 'thaw'], ['format', 'parse'], ['to', 'from'], ['tokenize', 'detokenize'],
];

/** `b64encode` then `b64decode`, `to_bytes` then `from_bytes`: the second call undoes the first. */
function inverseSteps(first: string, second: string): boolean {
  const a = first.toLowerCase();
  const b = second.toLowerCase();
  return INVERSE_PIECES.some(([x, y]) => a.includes(x) && a.replace(x, y) === b);
}

/** Words of names about a roundtrip (`assert_roundtrip`, `test_round_trip`): the result must equal the original. */
const ROUNDTRIP_WORD = /^(roundtrip\w*|round|trip)$/;

/** Identifiers read in `n` (itself included), not member names. */
function identifiersOf(n: Node): Set<string> {
  const out = new Set<string>();
  const add = (c: Node) => {
    if (c.type === 'identifier' && !(c.parent?.type === 'attribute' && c.parent.childForFieldName('attribute')?.id === c.id)) out.add(c.text);
  };
  add(n);
  forEachDescendant(n, (c) => void add(c));
  return out;
}

/** Where a function binds each name: positions of every binding, and the plain `name = other_name` ones. */
interface FunctionBindings {
  at: Map<string, number[]>;
  /** `alias = original`: the alias's name → [original, position]. */
  copies: Map<string, [string, number]>;
  /** Names declared `global`/`nonlocal`: bound elsewhere too. */
  shared: Set<string>;
  /** `name = True` (an immutable truthy literal): the name → the assigned value, as written. */
  literals: Map<string, Node>;
  /** `expected = f(x)` (a name that says it holds the expected value): the name → its assignment. */
  computed: Map<string, Node>;
}

/** One walk per function however many assertions ask (a test may hold hundreds of `assert a == b`). */
const bindingsByFunction = new WeakMap<Node, FunctionBindings>();

function bindingsOf(body: Node): FunctionBindings {
  let b = bindingsByFunction.get(body);
  if (b) return b;
  b = { at: new Map(), copies: new Map(), shared: new Set(), literals: new Map(), computed: new Map() };
  const found = b;
  forEachInScope(body, (n) => {
    if (n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement' || n.type === 'named_expression') {
      const left = n.childForFieldName(n.type === 'named_expression' ? 'name' : 'left');
      for (const t of left ? targetNames(left) : []) {
        const list = found.at.get(t.text);
        if (list) list.push(n.startIndex);
        else found.at.set(t.text, [n.startIndex]);
      }
      const right = n.type === 'assignment' ? n.childForFieldName('right') : null;
      if (left?.type === 'identifier' && right && unparen(right).type === 'identifier') found.copies.set(left.text, [unparen(right).text, n.startIndex]);
      // `got = want = f(x)`: one object under two names (the inner binding counts as made with the outer one).
      else if (left?.type === 'identifier' && right?.type === 'assignment' && right.childForFieldName('left')?.type === 'identifier') found.copies.set(left.text, [right.childForFieldName('left')!.text, right.startIndex]);
      else if (left?.type === 'identifier' && right && isImmutableTruthyLiteral(right)) found.literals.set(left.text, right);
      else if (left?.type === 'identifier' && right && isExpectedName(left.text)) found.computed.set(left.text, n);
    } else if (n.type === 'global_statement' || n.type === 'nonlocal_statement') {
      for (const c of n.namedChildren) found.shared.add(c.text);
    }
    return true;
  });
  bindingsByFunction.set(body, b);
  return b;
}

/** `alias = original` is the only binding of `alias` before `use`, and `original` is not rebound between them. */
function aliasOf(body: Node, alias: string, original: string, use: Node): boolean {
  const b = bindingsOf(body);
  if (b.shared.has(alias) || b.shared.has(original)) return false;
  const copy = b.copies.get(alias);
  if (b.at.get(alias)?.length !== 1 || !copy || copy[0] !== original || copy[1] > use.startIndex) return false;
  const aliasAt = copy[1];
  const originalBindings = b.at.get(original) ?? [];
  // The original must be a local (bound in the function, or a parameter): a global may be rebound by the code
  // the test runs (`original = Foo`, then `patch(...)`, then `assertIs(Foo, original)` checks it was restored).
  const fn = body.parent;
  if (!originalBindings.length && !(fn && parameterNames(fn).includes(original))) return false;
  return !originalBindings.some((at) => at > aliasAt && at < use.startIndex);
}

/** The value of `operand` when it is a local of `body` assigned exactly once (and not shared with other scopes). */
function valueBoundOnceIn(operand: Node, body: Node): Node | undefined {
  const id = unparen(operand);
  if (id.type !== 'identifier') return undefined;
  const b = bindingsOf(body);
  if (b.at.get(id.text)?.length !== 1 || b.shared.has(id.text)) return undefined;
  let value: Node | undefined;
  forEachInScope(body, (n) => {
    if (value) return false;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === id.text) value = n.childForFieldName('right') ?? undefined;
    return !value;
  });
  return value ? unparen(value) : undefined;
}

/**
 * `name` is a local bound once, to the result of an operator (`Rat(10) // Rat(4)`) or of the function the test is
 * named for (`gcd(10, 12)` in `test_gcd`): not a fresh value (`Rat(1)`, `np.array([...])`), whose reflexivity,
 * or an assertion helper's handling of it, a test may check.
 */
function isComputedLocal(operand: Node, body: Node, testName: string): boolean {
  const v = valueBoundOnceIn(operand, body);
  if (v?.type === 'binary_operator') return true;
  if (v?.type !== 'call') return false;
  const callee = v.childForFieldName('function');
  const last = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.type === 'identifier' ? callee.text : undefined;
  if (!last) return false;
  const words = new Set(identifierWords(testName));
  return identifierWords(last).every((w) => words.has(w));
}

/** Words of a test name that say it is about warnings (`test_masked_grid_is_quiet`, `test_no_warning`). */
const WARNING_WORDS = /^(warn|warns|warning|warnings|quiet|silent|silently|nowarn)$/;

/** Libraries that build test inputs (`np.arange(4.0)`, `pd.DataFrame(...)`): their results are not results of the code under test. */
const INPUT_LIBRARIES = new Set(['numpy', 'pandas', 'scipy', 'torch', 'xarray', 'dask', 'jax', 'tensorflow', 'cupy', 'sparse', 'array', 'collections', 'copy', 'datetime', 'decimal', 'fractions', 'itertools', 'math', 'random', 'pathlib', 'io', 'json', 'pytest', 'unittest', 'hypothesis']);

/**
 * `name` is a local bound once to the result of a function imported from elsewhere that is not an input builder
 * (`out = resample(grid, factor=0.5)` with `from gridlib import resample`): a result of the code under test.
 */
function isResultOfImportedCall(operand: Node, body: Node, names: NameResolver): boolean {
  const v = valueBoundOnceIn(operand, body);
  const callee = v?.type === 'call' ? v.childForFieldName('function') : null;
  const qualified = callee ? names.qualify(callee) : undefined;
  if (!qualified || !qualified.includes('.')) return false;
  const last = qualified.slice(qualified.lastIndexOf('.') + 1);
  // A class (`Grid(...)`) builds an input; a function computes a result.
  return !INPUT_LIBRARIES.has(qualified.split('.')[0]!) && !/^[A-Z]/.test(last);
}

/** Literals a name keeps as long as it is not rebound: `True`, `1`, `"done"` (not a list or dict, which can be emptied). */
const IMMUTABLE_LITERALS = new Set(['true', 'integer', 'float', 'string', 'concatenated_string', 'unary_operator', 'not_operator']);

function isImmutableTruthyLiteral(value: Node): boolean {
  const v = unparen(value);
  if (!IMMUTABLE_LITERALS.has(v.type) || literalTruth(v) !== true) return false;
  // An f-string may format to nothing (`f"{x}"`): only plain strings have a known value.
  return (v.type !== 'string' && v.type !== 'concatenated_string') || stringValue(v) !== undefined;
}

/** Assertions of truth whose first argument is the checked value. */
const TRUTH_ASSERTS = new Set(['assertTrue', 'assert_', 'failUnless']);

/** The bare name an assertion checks for truth: `PASSED` in `assert PASSED` and `self.assertTrue(PASSED)`. */
function assertedName(node: Node): Node | undefined {
  let value: Node | undefined;
  if (node.type === 'assert_statement') value = node.namedChildren.find((c) => c.type !== 'comment');
  else {
    const f = node.childForFieldName('function');
    if (f?.type !== 'attribute' || !TRUTH_ASSERTS.has(f.childForFieldName('attribute')?.text ?? '')) return undefined;
    value = callArguments(node).positional[0];
  }
  const v = value ? unparen(value) : undefined;
  return v?.type === 'identifier' ? v : undefined;
}

/** `[]`, `{}`, `()`, `list()`, `dict()`: an empty collection written in place. */
function isEmptyCollection(node: Node | null | undefined): boolean {
  const n = node && unparen(node);
  if (!n) return false;
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'dictionary' || n.type === 'set') return n.namedChildren.every((c) => c.type === 'comment');
  return n.type === 'call' && /^(list|tuple|set|dict)$/.test(n.childForFieldName('function')?.text ?? '') && !n.childForFieldName('arguments')?.namedChildren.some((c) => c.type !== 'comment');
}

/** `xs` or `table.items()` / `.keys()` / `.values()` as what a loop or comprehension iterates. */
function iteratedTable(e: Node): boolean {
  let n = e;
  const p = n.parent;
  if (p?.type === 'attribute' && p.childForFieldName('object')?.id === n.id && /^(items|keys|values)$/.test(p.childForFieldName('attribute')?.text ?? '')) {
    if (p.parent?.type !== 'call' || callArguments(p.parent).positional.length) return false;
    n = p.parent;
  }
  return (n.parent?.type === 'for_statement' || n.parent?.type === 'for_in_clause') && n.parent.childForFieldName('right')?.id === n.id;
}

/**
 * `assert all(mean(xs) == want for xs, want in PAIRS.items())` with `PAIRS = {}` bound once and never filled
 * (the file mentions it nowhere but as what is iterated), or over `[]` itself: `all` of nothing is true, so
 * nothing is checked. Also `not any(...)`.
 */
function allOfEmptyTable(cond: Node, node: Node, ctx: RuleContext): string | undefined {
  let c = unparen(cond);
  const negated = c.type === 'not_operator';
  if (negated) c = unparen(c.childForFieldName('argument')!);
  if (c.type !== 'call' || c.childForFieldName('function')?.text !== (negated ? 'any' : 'all')) return undefined;
  const a = c.childForFieldName('arguments');
  const seq = a?.type === 'generator_expression' ? a : a?.namedChildren.length === 1 && a.namedChildren[0]!.type === 'list_comprehension' ? a.namedChildren[0]! : undefined;
  for (const clause of seq?.namedChildren ?? []) {
    if (clause.type !== 'for_in_clause') continue;
    const right = clause.childForFieldName('right');
    if (isEmptyCollection(right)) return `\`${c.text.split('(')[0]}\` over the empty \`${shortText(right!)}\` is ${negated ? 'false, so its negation is ' : ''}true without looking at anything`;
    let r = right && unparen(right);
    if (r?.type === 'call' && r.childForFieldName('function')?.type === 'attribute') r = unparen(r.childForFieldName('function')!.childForFieldName('object')!);
    if (r?.type !== 'identifier' || new RegExp(`['".]${r.text}['"]`).test(ctx.source)) continue;
    let binding: Node | undefined;
    let onlyIterated = true;
    for (const id of ctx.root.descendantsOfType('identifier')) {
      if (id!.text !== r.text) continue;
      if (nameUse(id!) === 'bind') {
        if (binding) return undefined;
        binding = id!;
      } else if (!iteratedTable(id!)) onlyIterated = false;
    }
    const bound = binding?.parent;
    const value = bound?.type === 'assignment' && bound.childForFieldName('left')?.id === binding!.id ? bound.childForFieldName('right') : null;
    if (!onlyIterated || !value || !isEmptyCollection(value)) continue;
    const home = nearestDef(binding!);
    if (home ? home.id !== nearestDef(node)?.id : !isModuleLevel(bound!.parent!)) continue;
    return `\`${r.text}\` is only ever bound to \`${shortText(value)}\` (line ${binding!.startPosition.row + 1}) and never filled, so \`${c.text.split('(')[0]}\` over it is ${negated ? 'false, its negation ' : ''}true without checking anything`;
  }
  return undefined;
}

/**
 * `checks = lambda: result == 2.5` (or `def checks(): ...`) then `assert checks` / `self.assertTrue(checks)`: a
 * function object is always true, so the assertion checks that the function exists, not what it would return.
 * Only a name bound once in the file, to a lambda or an undecorated `def` of the asserting function or the module.
 */
function functionObjectAsserted(node: Node, ctx: RuleContext): string | undefined {
  const id = assertedName(node);
  if (!id || new RegExp(`['"]${id.text}['"]`).test(ctx.source)) return undefined;
  let binding: Node | undefined;
  for (const n of ctx.root.descendantsOfType('identifier')) {
    if (n!.text !== id.text || nameUse(n!) !== 'bind') continue;
    if (binding) return undefined;
    binding = n!;
  }
  const p = binding?.parent;
  const value = p?.type === 'assignment' && p.childForFieldName('left')?.id === binding!.id ? p.childForFieldName('right') : null;
  const isDef = p?.type === 'function_definition' && p.parent?.type !== 'decorated_definition';
  if (!binding || !(isDef || (value && unparen(value).type === 'lambda'))) return undefined;
  // A lambda that itself asserts (`lambda: self.assertEqual(...)`) is RH403's: a check nothing calls.
  if (!isDef && value!.descendantsOfType('call').some((c) => isCheckingCall(c!, ctx.names))) return undefined;
  // The binding's own scope: the function around it (a def's name belongs to the scope around the def), else the module.
  const home = nearestDef(isDef ? p! : binding);
  const where = home ? nearestDef(node) : null;
  if (home ? home.id !== where?.id : !isModuleLevel(isDef ? p! : p!.parent!)) return undefined;
  return `\`${id.text}\` is a function (${isDef ? `\`def ${id.text}\`` : 'a lambda'}, line ${binding.startPosition.row + 1}), which is always true: the assertion never calls it, so what it checks never runs (call it: \`${id.text}()\`)`;
}

/**
 * `PASSED = True` then `assert PASSED`: a name whose only binding is a truthy literal, either a module constant or
 * a local of the test bound before the assertion, is that literal under another name. Any other binding of the
 * name (a second assignment, a loop, `global`/`nonlocal`, an import, `del`) or the name spelled in a string
 * (`setattr(module, "PASSED", False)`) keeps the assertion a check.
 */
class ConstantNames {
  private moduleLiterals?: Map<string, Node>;
  /** Verdicts by scope and name: the literal, or null when the name is not a constant there. */
  private readonly verdicts = new Map<string, Node | null>();

  /** `literalNames`: every name some assignment of the file binds to a truthy literal. */
  constructor(private readonly ctx: RuleContext, private readonly literalNames: ReadonlySet<string>) {}

  /** The literal an `assert NAME` / `self.assertTrue(NAME)` always sees, if any. */
  literalAsserted(node: Node): Node | undefined {
    if (!this.literalNames.size) return undefined;
    const id = assertedName(node);
    if (!id || !this.literalNames.has(id.text)) return undefined;
    const name = id.text;
    const fn = nearestDef(node);
    const body = fn?.childForFieldName('body');
    if (fn && body) {
      if (parameterNames(fn).includes(name)) return undefined;
      const b = bindingsOf(body);
      if (b.shared.has(name)) return undefined;
      const at = b.at.get(name);
      if (at) {
        const literal = b.literals.get(name);
        if (at.length !== 1 || !literal || literal.startIndex > node.startIndex || !dominates(literal, node)) return undefined;
        return this.soleBinding(body, name, literal);
      }
    }
    this.moduleLiterals ??= moduleLiteralNames(this.ctx.root);
    const literal = this.moduleLiterals.get(name);
    return literal && this.soleBinding(this.ctx.root, name, literal);
  }

  /** `literal` (the value of `name = literal`) when that assignment is the only binding of `name` in `scope`. */
  private soleBinding(scope: Node, name: string, literal: Node): Node | undefined {
    const key = `${scope.id}:${name}`;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const target = literal.parent?.childForFieldName('left');
      const spelled = new RegExp(`['"]${name}['"]`).test(this.ctx.source);
      const rebound = spelled || !target || scope.descendantsOfType('identifier').some((n) => n!.text === name && n!.id !== target.id && nameUse(n!) === 'bind');
      verdict = rebound ? null : literal;
      this.verdicts.set(key, verdict);
    }
    return verdict ?? undefined;
  }
}

/**
 * The assignment of `value` runs whenever `use` is reached: its statement sits in a block that contains `use`.
 * A binding inside `with suppress(...)`, `try` or `if` that the assertion follows may never run, and then the
 * assertion fails with an unbound name (`outer_continued = True` after a call that must not raise, then
 * `self.assertTrue(outer_continued)`): that is a check that the binding was reached.
 */
function dominates(value: Node, use: Node): boolean {
  const block = value.parent?.parent?.type === 'expression_statement' ? value.parent.parent.parent : null;
  if (!block) return false;
  for (let p = use.parent; p; p = p.parent) if (p.id === block.id) return true;
  return false;
}

/** Module-level `NAME = <immutable truthy literal>` statements: the name → the value, as written. */
function moduleLiteralNames(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const stmt of root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right && isImmutableTruthyLiteral(right)) out.set(left.text, right);
  }
  return out;
}

/** `unittest.mock.ANY` (also the `mock` backport and pytest-mock's `mocker.ANY`) and dirty-equals' `IsAnything`: values equal to every value. */
const MATCH_ANYTHING = /^(unittest\.mock|mock)(\.mock)?\.ANY$|^dirty_equals(\.\w+)*\.(IsAnything|AnyThing)$/;

function isAnything(node: Node, names: NameResolver): boolean {
  let n = unparen(node);
  // `IsAnything()` is an instance of the same.
  if (n.type === 'call' && !callArguments(n).positional.length) n = unparen(n.childForFieldName('function')!);
  if (n.type !== 'identifier' && n.type !== 'attribute') return false;
  // Cheap test first: the last name.
  if (!/(^|\.)(ANY|IsAnything|AnyThing)$/.test(n.text)) return false;
  if (n.type === 'attribute' && /^mocker\.ANY$/.test(n.text)) return true;
  return MATCH_ANYTHING.test(names.qualify(n) ?? '');
}

/** The equality assertions whose two sides are compared: `assertEqual(result, ANY)`. */
const EQUALITY_CALLS = new Set([...EQUALITY_ASSERT_CALLS, ...RECOMPUTED_ASSERT_CALLS]);

/**
 * `assert result == ANY`, `self.assertEqual(result, mock.ANY)`, `self.assertTrue(result == ANY)`: a whole side of an
 * equality is a value equal to everything, so the assertion cannot fail. Returns [the other side, the wildcard].
 * `ANY` inside an expected structure (`{"id": ANY, "name": "x"}`, `call(ANY, 1)`) leaves the rest checked.
 */
function comparedWithAnything(node: Node, names: NameResolver): [Node, Node] | undefined {
  let sides: (Node | undefined)[] | undefined;
  const fromComparison = (cond: Node | undefined) => {
    const c = cond && unparen(cond);
    return c?.type === 'comparison_operator' && c.namedChildCount === 2 && comparisonOperator(c) === '==' ? c.namedChildren : undefined;
  };
  if (node.type === 'assert_statement') sides = fromComparison(node.namedChildren.find((c) => c.type !== 'comment'));
  else if (node.type === 'call') {
    const callee = calleeLastName(node);
    if (EQUALITY_CALLS.has(callee) && callee !== 'assertIs') sides = callArguments(node).positional.slice(0, 2);
    else if (callee === 'assertTrue') sides = fromComparison(callArguments(node).positional[0]);
  }
  const [a, b] = sides ?? [];
  if (!a || !b) return undefined;
  const [anyA, anyB] = [isAnything(a, names), isAnything(b, names)];
  if (anyA === anyB) return undefined;
  return anyA ? [b, a] : [a, b];
}

/** Test names about the wildcard or matchers themselves (`test_call_any`, `test_matchers`). */
const ANYTHING_THEMED = /^(any|anything|wildcards?|matchers?)$/;

/** `call`, `mock.sentinel.x`, or a local bound once to `mock.MagicMock()`: an object of the mock library, whose equality with `ANY` is the subject. */
function isMockObject(value: Node, body: Node, names: NameResolver): boolean {
  const v = unparen(value);
  const bound = v.type === 'identifier' ? valueBoundOnceIn(v, body) : undefined;
  let root = bound ?? v;
  while (root.type === 'call' || root.type === 'attribute' || root.type === 'subscript') {
    root = unparen(root.type === 'call' ? root.childForFieldName('function')! : root.type === 'attribute' ? root.childForFieldName('object')! : root.childForFieldName('value')!);
  }
  return root.type === 'identifier' && /^(unittest\.)?mock(\.|$)/.test(names.qualify(root) ?? '');
}

/** Methods of strings (and bytes): an expression they are called on is text. */
const TEXT_METHODS = new Set(['startswith', 'endswith', 'splitlines', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'casefold', 'swapcase', 'capitalize', 'isdigit', 'isalpha', 'isalnum', 'isspace', 'isupper', 'islower', 'isidentifier', 'partition', 'rpartition', 'removeprefix', 'removesuffix', 'expandtabs', 'zfill']);

/** `""`, `str()`, or a name bound once to one of them (a local of the test that is no parameter, else a module constant). */
function isEmptyString(node: Node, ctx: RuleContext, depth = 0): boolean {
  const n = unparen(node);
  if (stringValue(n) === '') return true;
  if (n.type === 'call') {
    const callee = n.childForFieldName('function');
    return callee?.type === 'identifier' && callee.text === 'str' && !n.childForFieldName('arguments')?.namedChildren.some((c) => c.type !== 'comment') && ctx.names.qualify(callee) === 'builtins.str';
  }
  if (n.type !== 'identifier' || depth > 0) return false;
  const fn = nearestDef(n);
  const body = fn?.childForFieldName('body');
  if (fn && body) {
    const b = bindingsOf(body);
    if (parameterNames(fn).includes(n.text) || b.shared.has(n.text)) return false;
    if (b.at.has(n.text)) {
      const value = valueBoundOnceIn(n, body);
      return !!value && isEmptyString(value, ctx, depth + 1);
    }
  }
  const value = moduleConstant(ctx, n.text);
  return !!value && isEmptyString(value, ctx, depth + 1);
}

/**
 * `haystack` is text: a string literal, a local bound once to one (or to `str(...)`, `"...".join(...)`,
 * `"...".format(...)`), or an expression the same function calls a string method on (`out.endswith(...)`). A list or
 * a set may hold no empty string, so `"" in lines` stays a check unless the value is known to be text.
 */
function isText(haystack: Node, use: Node): boolean {
  const h = unparen(haystack);
  if (h.type === 'string' || h.type === 'concatenated_string') return true;
  if (h.type !== 'identifier' && h.type !== 'attribute') return false;
  const fn = nearestDef(use);
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return false;
  if (h.type === 'identifier') {
    const b = bindingsOf(body);
    const at = b.at.get(h.text)?.length ?? 0;
    // Rebound (`out = out.splitlines()`), or shared with other scopes: what it holds at the assertion is unknown.
    if (at > 1 || b.shared.has(h.text) || (at === 1 && parameterNames(fn).includes(h.text))) return false;
    const value = at === 1 ? valueBoundOnceIn(h, body) : undefined;
    if (value && textValue(value)) return true;
  }
  return body.descendantsOfType('call').some((c) => {
    const f = c?.childForFieldName('function');
    return f?.type === 'attribute' && TEXT_METHODS.has(f.childForFieldName('attribute')?.text ?? '') && unparen(f.childForFieldName('object')!).text === h.text;
  });
}

/** A value that is a string: a literal, `str(...)`, `"...".join(...)`, `"...".format(...)`. */
function textValue(value: Node): boolean {
  const v = unparen(value);
  if (v.type === 'string' || v.type === 'concatenated_string') return true;
  if (v.type !== 'call') return false;
  const f = v.childForFieldName('function');
  if (f?.type === 'identifier') return f.text === 'str';
  return f?.type === 'attribute' && /^(join|format)$/.test(f.childForFieldName('attribute')?.text ?? '') && ['string', 'concatenated_string'].includes(unparen(f.childForFieldName('object')!).type);
}

/** How an empty string is shown: `""`, or `HEADER` (which is `""`). */
function emptyShown(node: Node): string {
  const n = unparen(node);
  return n.type === 'identifier' ? `\`${n.text}\` (which is \`""\`)` : `\`${n.text}\``;
}

/**
 * `assert out.startswith("")`, `assert out.endswith(str())`, `assert "" in out`, `self.assertIn("", out)`, also with a
 * name bound once to `""` (`HEADER = ""`): every string starts with, ends with and contains the empty string, so the
 * check cannot fail. Returns why. `out.startswith("", 3)` (a position) and `"" in lines` (a list, unless `lines`
 * is known to be text) are real checks.
 */
function emptyStringContainment(node: Node, ctx: RuleContext): string | undefined {
  let cond: Node | undefined;
  if (node.type === 'assert_statement') cond = node.namedChildren.find((c) => c.type !== 'comment');
  else if (node.type === 'call') {
    const name = calleeLastName(node);
    if (name === 'assertTrue' || name === 'assert_' || name === 'failUnless') cond = callArguments(node).positional[0];
    else if (name === 'assertIn') {
      const args = callArguments(node);
      const [needle, haystack] = args.positional;
      return !args.hasSplat && needle && haystack && isEmptyString(needle, ctx) && isText(haystack, node) ? `every string contains ${emptyShown(needle)}` : undefined;
    }
  }
  const c = cond && unparen(cond);
  if (c?.type === 'call') {
    const f = c.childForFieldName('function');
    const method = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : undefined;
    if (method !== 'startswith' && method !== 'endswith') return undefined;
    const args = callArguments(c);
    const arg = args.positional[0];
    if (!arg || args.positional.length !== 1 || args.keywords.size || args.hasSplat) return undefined;
    const a = unparen(arg);
    // `startswith(("", "#"))`: one empty choice is enough.
    const empty = a.type === 'tuple' ? a.namedChildren.find((e) => e.type !== 'comment' && isEmptyString(e, ctx)) : isEmptyString(a, ctx) ? a : undefined;
    return empty ? `every string ${method === 'startswith' ? 'starts' : 'ends'} with ${emptyShown(empty)}` : undefined;
  }
  if (c?.type === 'comparison_operator' && c.namedChildCount === 2 && comparisonOperator(c) === 'in') {
    const [needle, haystack] = c.namedChildren as [Node, Node];
    return isEmptyString(needle, ctx) && isText(haystack, node) ? `every string contains ${emptyShown(needle)}` : undefined;
  }
  return undefined;
}

/** Test or class names about the empty string or affixes themselves (`test_startswith_empty`, `test_empty_prefix`). */
const EMPTY_STRING_THEMED = /^(empty|startswith|endswith|prefix(es)?|suffix(es)?|affix(es)?|contains|containment|membership|substrings?)$/;

/** `math.inf`, `numpy.inf` and their spellings: an infinite value. */
const INFINITY = /^(math|cmath|numpy|torch)\.(inf|Inf|infty|Infinity|PINF)$/;

/** `float("inf")`, `math.inf`, `np.inf`, or a module-level name bound once to one of them (`TOL = float("inf")`). */
function isInfinite(node: Node, ctx: RuleContext, depth = 0): boolean {
  const n = unparen(node);
  if (n.type === 'call') {
    const args = callArguments(n).positional;
    const callee = n.childForFieldName('function');
    return callee?.type === 'identifier' && ctx.names.qualify(callee) === 'builtins.float' && args.length === 1 && /^\s*\+?inf(inity)?\s*$/i.test(stringValue(args[0]) ?? '');
  }
  if (n.type !== 'identifier' && n.type !== 'attribute') return false;
  if (INFINITY.test(ctx.names.qualify(n) ?? '')) return true;
  if (n.type !== 'identifier' || depth > 0) return false;
  const value = moduleConstant(ctx, n.text);
  return !!value && isInfinite(value, ctx, depth + 1);
}

/**
 * `if abs(a - e) > rel * (abs(a) + abs(e)): raise AssertionError(...)` with `rel` at least 1 (written, a module
 * constant, or the default of a parameter that no call in the file passes), or `assert abs(a - e) <= ...` alike:
 * a closeness check that admits every pair of values. `node` is the `abs(...)` call; returns the failing branch's
 * `if` (or the `assert`) and why it never fails.
 */
function boundedDifferenceCheck(node: Node, ctx: RuleContext): { node: Node; excuse: string } | undefined {
  const cmp = node.parent;
  if (cmp?.type !== 'comparison_operator' || !isAbs(node)) return undefined;
  let statement = cmp.parent;
  while (statement?.type === 'parenthesized_expression') statement = statement.parent;
  const failing = statement?.type === 'if_statement' && statement.childForFieldName('condition') && unparen(statement.childForFieldName('condition')!).id === cmp.id;
  if (!failing && statement?.type !== 'assert_statement') return undefined;
  if (failing && !onlyFails(statement!.childForFieldName('consequence'))) return undefined;
  const fn = nearestDef(node);
  const num = (n: Node): number | undefined => {
    const u = unparen(n);
    const param = u.type === 'identifier' && fn ? parameterDefault(fn, u.text) : undefined;
    if (param) return passedByCaller(ctx, fn!, u.text) ? undefined : numberValue(param, ctx);
    return numberValue(u, ctx);
  };
  const factor = vacuousDifferenceBound(cmp, !!failing, num);
  if (factor === undefined) return undefined;
  const bound = `the difference of two numbers is never more than the sum of their magnitudes, and this bound is at least ${factor === 1 ? 'that sum' : `${factor} times that sum`}`;
  return { node: statement!, excuse: `${bound}, so ${failing ? 'the failure is never raised' : 'the condition always holds'} and any two values pass; use a small relative tolerance (\`1e-9\`)` };
}

/** Names of a count of failures or errors (doctest's `TestResults.failed`, unittest's `failures`, `n_failed`...). */
const FAILURE_COUNT = /^(?:failed|failures|errors|(?:n|num)_?(?:failed|failures|errors)|(?:failed|failure|failures|error|errors)_?count)$/i;

/**
 * A check of a failure count that holds whatever failed: `assert results.failed >= 0`, `0 <= n_failed`,
 * `len(result.failures) >= 0`, `assertGreaterEqual(outcome.failed, 0)`. It reads like the check that nothing failed
 * and disables it wherever it stands (beside other checks too), so it is judged like `or True`.
 */
function failureCountCheck(node: Node): string | undefined {
  let count: Node | undefined;
  if (node.type === 'assert_statement') {
    const cond = node.namedChildren.find((c) => c.type !== 'comment');
    const c = cond && unparen(cond);
    if (c?.type !== 'comparison_operator' || c.namedChildCount !== 2) return undefined;
    const [a, b] = c.namedChildren as [Node, Node];
    const op = comparisonOperator(c);
    count = (op === '>=' && isZero(b)) || (op === '>' && isMinusOne(b)) ? a : (op === '<=' && isZero(a)) || (op === '<' && isMinusOne(a)) ? b : undefined;
  } else if (node.type === 'call' && /^assertGreaterEqual$/.test(calleeLastName(node))) {
    const [a, b] = callArguments(node).positional;
    if (a && b && isZero(b)) count = a;
  }
  if (!count) return undefined;
  let x = unparen(count);
  // `(n_failed := run()) >= 0`: the walrus names the count.
  if (x.type === 'named_expression') x = x.childForFieldName('name') ?? x;
  if (x.type === 'call' && x.childForFieldName('function')?.text === 'len') {
    const args = callArguments(x).positional;
    if (args.length !== 1) return undefined;
    x = unparen(args[0]!);
  }
  const name = x.type === 'attribute' ? x.childForFieldName('attribute')?.text : x.type === 'identifier' ? x.text : undefined;
  if (!name || !FAILURE_COUNT.test(name)) return undefined;
  // A test of a counter's own invariants (`test_counts_never_negative`, a hypothesis property) checks exactly this bound.
  const fn = nearestDef(node);
  if (fn && (namedFor(fn, (w) => COUNTER_THEMED.test(w)) || decoratorsOfTestAndClass(fn).some((d) => /^(?:\w+\.)*given\b/.test(d.text)))) return undefined;
  return `a count of failures is never negative, so \`${shortText(count)}\` passes whatever failed and the check that nothing failed is disabled; compare it with 0`;
}

const EQUAL_ASSERT_NAMES = /^(?:assertEqual|assertEquals|failUnlessEqual)$/;

/**
 * `self.assertTrue(normalize("1-212-555-0142"), "+12125550142")`: the expected value passed as the message of a
 * truth check, where the file's other tests compare the same function's result with an expected value by
 * `assertEqual`. Any non-empty result passes; the comparison the neighbours make was dropped.
 */
function expectedValueAsMessage(call: Node, ctx: RuleContext): string | undefined {
  if (!TRUTH_ASSERTS.has(calleeLastName(call))) return undefined;
  const args = callArguments(call);
  if (args.positional.length !== 2 || args.hasSplat) return undefined;
  const [value, message] = args.positional.map(unparen) as [Node, Node];
  // A data-like literal (no spaces: not a sentence) or a number.
  const literal = message.type === 'string' ? stringValue(message) : undefined;
  if (!(message.type === 'integer' || message.type === 'float' || (literal !== undefined && literal.length >= 2 && !/\s/.test(literal)))) return undefined;
  if (value.type !== 'call') return undefined;
  const callee = value.childForFieldName('function')?.text;
  if (!callee) return undefined;
  const comparedElsewhere = calleesComparedByEquality(ctx.root).has(callee);
  if (!comparedElsewhere) return undefined;
  return `\`${shortText(message)}\` is passed as the message, not compared: any non-empty result of \`${callee}()\` passes, where the file's other tests compare it with the expected value by \`assertEqual\``;
}

/** Per file (its root): the callees whose result some `assertEqual` compares with a literal. */
const comparedCallees = new WeakMap<Node, Set<string>>();

/** The functions (by callee text) whose result the file compares with a literal by `assertEqual` (`assertEqual(f(x), "a")`). */
function calleesComparedByEquality(root: Node): Set<string> {
  let found = comparedCallees.get(root);
  if (found) return found;
  found = new Set();
  const literal = (x: Node | undefined) => !!x && (x.type === 'string' || x.type === 'integer' || x.type === 'float');
  const callee = (x: Node | undefined) => (x?.type === 'call' ? x.childForFieldName('function')?.text : undefined);
  for (const c of root.descendantsOfType('call')) {
    if (!c || !EQUAL_ASSERT_NAMES.test(calleeLastName(c))) continue;
    const [a, b] = callArguments(c).positional.map(unparen);
    const compared = literal(b) ? callee(a) : literal(a) ? callee(b) : undefined;
    if (compared) found.add(compared);
  }
  comparedCallees.set(root, found);
  return found;
}

/** Words of names about counters and their bounds: there `failed >= 0` is the property under test. */
const COUNTER_THEMED = /^(?:negative|nonnegative|non|invariants?|bounds?|bounded|counts?|counters?|counting|tally|tallies|properties|property|stats|statistics|metrics|monotonic)$/;

function isMinusOne(n: Node): boolean {
  const u = unparen(n);
  return u.type === 'unary_operator' && u.text.replace(/\s+/g, '') === '-1';
}

/** A block that only fails: `raise ...`, `pytest.fail(...)`, `self.fail(...)` (comments and a docstring aside). */
function onlyFails(block: Node | null): boolean {
  const stmts = block?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  return stmts.length > 0 && stmts.every((s) => s.type === 'raise_statement' || (s.type === 'expression_statement' && s.namedChild(0)?.type === 'call' && /(^|\.)fail$/.test(s.namedChild(0)!.childForFieldName('function')?.text ?? '')));
}


/** Some call in this file passes `param` to `fn`, by keyword (`assert_close(x, y, rel=1e-6)`) or by position. */
function passedByCaller(ctx: RuleContext, fn: Node, param: string): boolean {
  const name = functionName(fn);
  const params = parameterNames(fn).filter((p) => p !== 'self' && p !== 'cls');
  const at = params.indexOf(param);
  return ctx.root.descendantsOfType('call').some((c) => {
    if (!c || calleeLastName(c) !== name) return false;
    const args = callArguments(c);
    return args.keywords.has(param) || args.hasSplat || args.positional.length > at;
  });
}

/** The value of `NAME = value` at module level when that is the only binding of `NAME` in the file (and no string names it). */
function moduleConstant(ctx: RuleContext, name: string): Node | undefined {
  let value: Node | undefined;
  for (const stmt of ctx.root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) {
      if (value) return undefined;
      value = a.childForFieldName('right') ?? undefined;
    }
  }
  if (!value || new RegExp(`['"]${name}['"]`).test(ctx.source)) return undefined;
  const binds = ctx.root.descendantsOfType('identifier').filter((i) => i!.text === name && nameUse(i!) === 'bind').length;
  return binds === 1 ? value : undefined;
}

/**
 * Tolerance arguments of closeness checks: keyword names and positions (relative, then absolute), and the relative
 * tolerance from which any value passes. `math.isclose` scales by the larger of the two values, so `rel_tol >= 1`
 * accepts any two values of the same sign; numpy and `approx` scale by the expected value only, so a relative
 * tolerance of 100 still bounds the result by 101 times it: that is no longer a check of the value.
 */
const TOLERANCES: { callee: RegExp; rel: string; abs: string; positions: number[]; absurd: number }[] = [
  { callee: /^c?math\.isclose$/, rel: 'rel_tol', abs: 'abs_tol', positions: [], absurd: 1 },
  { callee: /^numpy\.(isclose|allclose)$/, rel: 'rtol', abs: 'atol', positions: [2, 3], absurd: 100 },
  { callee: /^numpy\.testing\.assert_allclose$/, rel: 'rtol', abs: 'atol', positions: [2, 3], absurd: 100 },
  { callee: /^pytest\.approx$/, rel: 'rel', abs: 'abs', positions: [1, 2], absurd: 100 },
];

/** A tolerance under which the check cannot fail: infinite, or (`finite`) a relative one too large to mean anything. */
interface LooseTolerance {
  node: Node;
  /** For a finite relative tolerance: why any value passes. */
  finite?: string;
  /** A small absolute tolerance beside it (`atol=1e-6, rtol=1e6`): most likely a dropped minus sign, not a way to pass. */
  slip?: boolean;
}

/** `1e9`, `10**9`, `+5`, or a module-level name bound once to one of them: the number, else undefined. */
function numberValue(node: Node, ctx: RuleContext, depth = 0): number | undefined {
  const n = unparen(node);
  if (n.type === 'integer' || n.type === 'float') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (n.type === 'unary_operator' && n.child(0)?.type === '+') return numberValue(n.childForFieldName('argument')!, ctx, depth);
  if (n.type === 'binary_operator' && ['**', '+', '*'].includes(n.child(1)?.type ?? '')) {
    // `10**9`, and sums or products of written numbers (`343.5 + 930.0`, a total of published values).
    const [a, b] = [signedNumber(n.childForFieldName('left')!, ctx, depth), signedNumber(n.childForFieldName('right')!, ctx, depth)];
    if (a === undefined || b === undefined) return undefined;
    const op = n.child(1)!.type;
    return op === '**' ? a ** b : op === '+' ? a + b : a * b;
  }
  if (n.type !== 'identifier' || depth > 0) return undefined;
  const value = moduleConstant(ctx, n.text);
  return value ? numberValue(value, ctx, depth + 1) : undefined;
}

/**
 * The keywords a `**TOL` splat passes when `TOL` is a module-level name bound once to `dict(rel=...)` or
 * `{"rel": ...}` (and never changed through a subscript or a method), or when the splat is such a literal itself.
 */
function splatKeywords(call: Node, ctx: RuleContext): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg.type !== 'dictionary_splat') continue;
    let value = arg.namedChild(0) ? unparen(arg.namedChild(0)!) : undefined;
    if (value?.type === 'identifier') {
      const name = value.text;
      if (new RegExp(`\\b${name}\\s*(\\[|\\.(update|setdefault|pop|clear|__setitem__)\\b)`).test(ctx.source)) continue;
      value = moduleConstant(ctx, name);
      value = value && unparen(value);
    }
    if (value?.type === 'call' && value.childForFieldName('function')?.type === 'identifier' && ctx.names.qualify(value.childForFieldName('function')) === 'builtins.dict') {
      const args = callArguments(value);
      if (!args.hasSplat && !args.positional.length) for (const [k, v] of args.keywords) out.set(k, v);
    } else if (value?.type === 'dictionary') {
      for (const pair of value.namedChildren) {
        const key = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : undefined;
        const v = pair.childForFieldName('value');
        if (key !== undefined && v) out.set(key, v);
      }
    }
  }
  return out;
}

/** The tolerance handed to a closeness check (`math.isclose(a, b, rel_tol=math.inf)`, `approx(x, **TOL)`) under which it cannot fail, if any. */
function looseToleranceOf(call: Node, ctx: RuleContext): LooseTolerance | undefined {
  const callee = ctx.names.callee(call) ?? '';
  const entry = TOLERANCES.find((t) => t.callee.test(callee));
  const args = callArguments(call);
  if (!entry) {
    const method = calleeLastName(call);
    const delta = /^assert(Not)?AlmostEquals?$/.test(method) ? args.keywords.get('delta') : undefined;
    if (delta && isInfinite(delta, ctx)) return { node: delta };
    if (!/^assertAlmostEquals?$/.test(method)) return undefined;
    const expected = expectedNumber(args.positional.slice(0, 2), ctx);
    if (delta) return wideAbsolute(delta, expected, ctx);
    // `places=0` rounds the difference to units: with an expected value below 0.5 that is wider than the value itself.
    const places = args.keywords.get('places') ?? args.positional[2];
    const p = places && signedNumber(places, ctx);
    if (!places || p === undefined || p > 0 || !Number.isInteger(p) || !expected || expected.value === 0) return undefined;
    const half = 0.5 * 10 ** -p;
    if (Math.abs(expected.value) >= half) return undefined;
    return { node: places, finite: `\`places=${shortText(places)}\` only checks the difference rounded to ${p === 0 ? 'units' : `${10 ** -p}s`}, so any value from ${shown(expected.value - half)} to ${shown(expected.value + half)} passes for the expected \`${shortText(expected.node)}\`` };
  }
  const keywords = args.hasSplat ? new Map([...splatKeywords(call, ctx), ...args.keywords]) : args.keywords;
  const rel = keywords.get(entry.rel) ?? args.positional[entry.positions[0] ?? -1];
  const abs = keywords.get(entry.abs) ?? args.positional[entry.positions[1] ?? -1];
  for (const t of [rel, abs]) if (t && isInfinite(t, ctx)) return { node: t };
  const r = rel && numberValue(rel, ctx);
  if (rel && r !== undefined && r >= entry.absurd) {
    const why = entry.absurd === 1 ? 'at least 1, so any two values of the same sign are close enough' : `at least ${entry.absurd}, so any value of the same sign up to ${r + 1} times the expected one passes`;
    const a = abs && numberValue(abs, ctx);
    const slip = a !== undefined && a > 0 && a < 1;
    const meant = /^[\d.]+e\+?\d+$/i.test(unparen(rel).text) ? ` (\`${unparen(rel).text.replace(/e\+?/i, 'e-')}\` meant?)` : '';
    return { node: rel, finite: `the relative tolerance \`${shortText(rel)}\`${unparen(rel).type === 'identifier' ? ` (${r})` : ''}${slip ? meant : ''} is ${why}`, slip };
  }
  // Judged against the expected value when it is written as a number (`approx(2.0, rel=1)`, `approx(200, abs=1e9)`).
  const expected = expectedNumber(entry.callee.source.includes('approx') ? args.positional.slice(0, 1) : args.positional.slice(0, 2), ctx);
  if (expected && expected.value !== 0 && rel && r !== undefined && r >= 1 && entry.callee.source.includes('approx')) {
    const e = Math.abs(expected.value);
    return { node: rel, finite: `the relative tolerance \`${shortText(rel)}\` accepts any value from ${shown(Math.sign(expected.value) * e * (1 - r))} to ${shown(Math.sign(expected.value) * e * (1 + r))} for the expected \`${shortText(expected.node)}\`` };
  }
  return abs ? wideAbsolute(abs, expected, ctx) : undefined;
}

/** A number as a message shows it: `0.3`, not `0.30000000000000004`. */
function shown(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** `-0.2` as well as what `numberValue` reads. */
function signedNumber(node: Node, ctx: RuleContext, depth = 0): number | undefined {
  const n = unparen(node);
  if (n.type === 'unary_operator' && n.child(0)?.type === '-') {
    const v = numberValue(n.childForFieldName('argument')!, ctx, depth);
    return v === undefined ? undefined : -v;
  }
  return numberValue(n, ctx, depth);
}

/** The compared value written as a number (the one of `candidates` that is; none when both or neither are). */
function expectedNumber(candidates: Node[], ctx: RuleContext): { node: Node; value: number } | undefined {
  const numbers = candidates.map((c) => ({ node: c, value: signedNumber(c, ctx) ?? localNumber(c, ctx) })).filter((c) => c.value !== undefined);
  return numbers.length === 1 ? (numbers[0] as { node: Node; value: number }) : undefined;
}

/**
 * `expected = 343.5 + 930.0; assert got == approx(expected, abs=TOL)`: a local of the test bound once to a written
 * number is that number (a name bound to a call or bound twice is not read).
 */
function localNumber(node: Node, ctx: RuleContext): number | undefined {
  const value = localValue(node);
  return value ? signedNumber(value, ctx) : undefined;
}

/** The value a local of the enclosing test is bound to once, if `node` is such a name. */
function localValue(node: Node): Node | undefined {
  const id = unparen(node);
  const fn = id.type === 'identifier' ? nearestDef(id) : null;
  const body = fn?.childForFieldName('body');
  return body ? valueBoundOnceIn(id, body) : undefined;
}

/**
 * An absolute tolerance (`abs=`, `atol=`, `delta=`) of at least 10 and ten times the expected number: any plausible
 * value passes (`approx(200, abs=1e9)`, `assertAlmostEqual(x, 0.02, delta=10)`); large expected values keep theirs.
 * An expected `0` is skipped (`delta=10` on a refcount difference is a leak check), and an integer one (a count)
 * needs a tolerance of a million or more.
 */
function wideAbsolute(tol: Node, expected: { node: Node; value: number } | undefined, ctx: RuleContext): LooseTolerance | undefined {
  const a = numberValue(tol, ctx);
  if (!expected || expected.value === 0 || a === undefined || a < 10 * Math.abs(expected.value)) return undefined;
  const written = localValue(expected.node) ?? unparen(expected.node);
  if (a < (written.text.replace(/^-/, '').match(/^[\d_]+$/) ? 1e6 : 10)) return undefined;
  const meant = /^[\d.]+e\+?\d+$/i.test(unparen(tol).text) ? ` (\`${unparen(tol).text.replace(/e\+?/i, 'e-')}\` meant?)` : '';
  return { node: tol, finite: `the absolute tolerance \`${shortText(tol)}\`${meant} accepts any value from ${shown(expected.value - a)} to ${shown(expected.value + a)} for the expected \`${shortText(expected.node)}\`` };
}

/**
 * `assert math.isclose(t, 86164.0, rel_tol=math.inf)`, `assert t == pytest.approx(5554.0, abs=TOL)` (`TOL = float("inf")`),
 * `self.assertAlmostEqual(t, 1.0, delta=np.inf)`, `math.isclose(t, x, rel_tol=1e6)`: an infinite tolerance accepts
 * every number, a relative one of 1 or more (100 or more for numpy and `approx`) any of the same sign, so the check
 * cannot fail. Returns the tolerance.
 */
function looseTolerance(node: Node, ctx: RuleContext): LooseTolerance | undefined {
  const judge = (e: Node | undefined): LooseTolerance | undefined => {
    const n = e && unparen(e);
    if (!n) return undefined;
    if (n.type === 'boolean_operator' && n.child(1)?.type === 'and') return judge(n.childForFieldName('left') ?? undefined) ?? judge(n.childForFieldName('right') ?? undefined);
    if (n.type === 'call') return looseToleranceOf(n, ctx);
    if (n.type === 'comparison_operator' && n.namedChildCount === 2 && comparisonOperator(n) === '==') {
      for (const side of n.namedChildren) {
        const s = unparen(side);
        if (s.type === 'call' && ctx.names.callee(s) === 'pytest.approx') return looseToleranceOf(s, ctx);
      }
    }
    return undefined;
  };
  if (node.type === 'assert_statement') return judge(node.namedChildren.find((c) => c.type !== 'comment'));
  if (node.type !== 'call') return undefined;
  const name = calleeLastName(node);
  if (name === 'assertTrue') return judge(callArguments(node).positional[0]);
  if (/^assert(AlmostEquals?|_allclose)$/.test(name)) return looseToleranceOf(node, ctx);
  return undefined;
}

/** Test or class names about tolerances or closeness themselves (`test_inf_tolerance`, `TestApprox`): an infinite tolerance is their subject. */
const TOLERANCE_THEMED = /^(inf|infinite|infinity|tol|tols|tolerance|tolerances|approx|isclose|allclose|close|closeness|almost)$/;

/** The `def` whose own code contains `node` (lambdas belong to their enclosing def), or null at module/class level. */
function nearestDef(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'class_definition') return null;
  }
  return null;
}

export const vacuousAssertion: Rule = {
  meta: {
    code: 'RH401',
    name: 'vacuous-assertion',
    family: 'RH4',
    defaultSeverity: 'warning',
    severityByRole: { test: 'warning', 'test-infrastructure': 'info', 'code-under-test': 'off', 'entry-point': 'off' },
    fixable: true,
    docs: {
      summary: 'Finds assertions that cannot fail (`assert True`, `assert x == x`, `assert ... or True`, `assert x == y or x != y`, `self.assertTrue(True)`, `assert len(x) >= 0`, `assert isinstance(x, object)`, `expected = result; assert result == expected`, `expected = f(x); assert f(x) == expected`, `assert out == out.copy()`, `PASSED = True; assert PASSED`, `assert parse(s) == mock.ANY`, `assert x == y or f"known gap for {n}"`, `assert ok | True`, `math.isclose(a, b, rel_tol=math.inf)`, `pytest.approx(x, rel=1e9)`, `assert out.startswith("")`) in tests that therefore check nothing.',
      why:
        'A test whose assertions are all vacuous always passes: replacing `assert result == expected` with `assert True`, ' +
        'comparing the result with itself (directly, through an alias `expected = result` or `got = want = f(x)`, with its own copy `out.copy()`, through a walrus `(got := f()) == got`, as `result in [result, ...]` or `self.assertIn(result, [result])`, or element by element: `all(r == r for r in results)`), ' +
        'recomputing the expected value with the very call under test (`expected = parse("1h"); assert parse("1h") == expected`), asserting something true of every value ' +
        '(`len(x) >= 0`, `isinstance(x, object)`), asserting a name only ever bound to a truthy literal (`PASSED = True`, then `assert PASSED`), ' +
        'comparing the whole result with a value equal to everything (`assert parse(s) == ANY`, `self.assertEqual(parse(s), mock.ANY)`), appending `or True` (or `| True`, or `or` the negated comparison, `or ...`, `or` an excuse such as `f"known gap for {n}"`, or `or not STRICT` with a switch that is off unless someone turns it on: `STRICT = False`, `STRICT = os.environ.get("STRICT") == "1"`, here or in a helper module the test imports it from), asserting with a helper that returns `True` whatever it is given (`def close_enough(a, b): return True`, in the test file or a test helper module it is imported from), or comparing with an infinite tolerance (`math.isclose(t, 86164.0, rel_tol=float("inf"))`, `pytest.approx(x, abs=math.inf)`, `assertAlmostEqual(a, b, delta=np.inf)`, also through a module constant `TOL = float("inf")`), or with a relative tolerance that bounds nothing (`math.isclose(a, b, rel_tol=1e6)`: 1 or more accepts any two values of the same sign; `pytest.approx(x, rel=1e9)`, `rtol=` of 100 or more in numpy; also through `**TOL` with `TOL = dict(rel=1e9)` bound once), or with a tolerance wider than the expected number itself (`approx(2.0, rel=1)`, `approx(200, abs=1e9)`, `assertAlmostEqual(x, 0.02, delta=10)`, `assertAlmostEqual(x, 0.2, places=0)`), asserting a function object instead of calling it (`check = lambda: result == 2.5; assert check`, `assert is_valid` with `def is_valid(): ...`: a function is always true), `all(...)` over a table bound once to an empty literal and never filled (`PAIRS = {}`, then `assert all(f(x) == y for x, y in PAIRS.items())`), or checking text against the empty string (`out.startswith("")`, `out.endswith(str())`, `"" in out`, also with `HEADER = ""`) turns a failing test green without fixing the code. ' +
        'The test run reports success although nothing was verified.' +
        ' An expected value read back from the result (`expected_total = acme.total`, then `assertEqual(acme.total, expected_total)`) is the result itself; a self-comparison of what the test is named for counts in the singular or plural (`month` in `test_months_are_calendar_aware`); a roundtrip result unpacked from a tuple is compared with the same element of the call made again (`decoded, _ = decode(b)`, `decode(b)[0]`); numpy\'s `np.abs` reads like `abs` in hand-written closeness checks; and an absurd tolerance beside other checks is a warning when its comment says it was widened on purpose ("keep it loose", "differs between runners"); a value compared with what a helper that hands its argument back returns (`assert result == expected_slug(result)` with `def expected_slug(v): return v`, in the file or imported) is compared with itself; and a test with no assertion whose comparison of its result only logs or prints the difference (`if got != expected: log.warning(...)`) passes whatever it computed.',
      example: 'def test_sort():\n    result = sort([3, 1, 2])\n    assert result == result\n',
      instead: 'Compare the result with an independent expected value (`assert sort([3, 1, 2]) == [1, 2, 3]`). If the test only checks that a call does not raise, say so with a comment or check a property of the result.',
      lookAlikes: [
        'A failure count compared with 0 by `>=` (`assert results.failed >= 0` after `doctest.testmod`, `0 <= len(result.failures)`, `assertGreaterEqual(outcome.failed, 0)`) disables the check that nothing failed: a warning beside other checks too; tests of a counter\'s own bounds (named for counts, non-negativity or invariants, or a hypothesis `@given` property) and `failed == 0` stay quiet. The expected value passed as `assertTrue`\'s message (`self.assertTrue(normalize(s), "+12125550142")`) where the file\'s other tests compare the same function\'s result by `assertEqual` is a warning as the test\'s only check and `info` beside others; a prose message, a variable, or a function no other test compares stays quiet.',
        'A self-comparison as the only check is a warning even when a comment calls it a lighter check ("just check the key is populated"); only a comment about not raising ("smoke: must not raise") makes it `info`.',
        'A soft-assertion helper that raises when its condition fails (`if not condition: log.error(msg); raise AssertionError(msg)`), or returns `True` early only under a switch that is off (`if LENIENT: return True` with `LENIENT = False`): quiet. One that only logs the failure and returns `True`, or returns `True` early under a switch off by default (`if not STRICT: return True`), checks nothing when asserted: warning.',
        'A helper that checks before it returns `True` (`assert abs(a - b) <= tol; return True`, a raise, any call), a fixture that returns `True`, and an always-true predicate handed to a filter rather than asserted: quiet.',
        '`or not FLAG` where the flag is on by default (`ENFORCE = os.environ.get("LOOSE", "") == ""`), bound more than once (set per platform or in `try`/`except`), a parameter, or `or DEBUG` with `DEBUG = False` (the check holds while debugging is off): quiet.',
        '`assert True` / `self.assertTrue(True)` after calls (the "did not raise" idiom) is `info`, unless the test computes a result and never checks it (it reads it at most in an `if` or `match` whose arms only hold vacuous assertions or `pass`): then it is a warning; other constants after calls (`assert 1 == 1`, `self.assertEqual(6, 6)`, `assert "done"`) read as an expected value written in place of the result and stay warnings unless a comment or the test name says it only checks that nothing raises. A constant next to real assertions (`self.assertTrue([42])` in a test of truthiness) stays quiet; function-form `raises(ValueError, lambda: f(0))` / `pytest.raises(E, f, x)` calls count as such assertions. A constant whose message is the comparison a comma displaced (`assert 17, 19 == f(17, 19)`) next to real checks is `info`.',
        'Tests of the assertion API or of truthiness (`test_assert`, `test_truth`), tests named for the assertion method they call (`self.assertIs(a, a)` or `self.assertIsNone(None)` in `test_assertIs`; also in other words, with only words about its behaviour before it: `assert_allclose(ds, ds)` in `test_raise_no_warning_assert_close`), and deprecated aliases called with constants (`self.failUnless(1)` in a test of the deprecation warning) stay quiet.',
        'A constant-only test beside tests that do nothing but fail (`raise Exception("should never run")`: samples for a test framework\'s own tests of skipping or selection) is the control that shows it ran: `info`. Tests of a class built inside another test (a sample the outer test runs and judges by its outcome) stay quiet.',
        '`self.assertEqual(x, x)` / `assert x == x` in tests about equality, comparison, identity or NaN semantics (test or class names such as `test_eq`, `test_reflexive`, `TestComparisons`, or files that define `__eq__`/`__lt__`) stay quiet. In a file that defines them, a test named for another operation whose only check compares the result of an operator or function call with itself (`result = Rat(10) // Rat(4); self.assertEqual(result, result)` in `test_floordiv`) is still a warning; a fresh instance (`r = Rat(3, 4)`) stays quiet.',
        '`assert x != x` (a NaN check) and `assert f() == f()` (a determinism check: the two calls are evaluated separately) stay quiet. `expected = f(x); assert f(x) == expected` is reported only when the name says it holds the expected value, nothing with a call runs between the two, the comparison is `==` (not `is`: a cache returns the same object), and the test or its class is not named for caching, determinism or repeatability (`test_encode_is_deterministic`, `test_second_call_uses_cache`); `expected = reference(x); assert fast(x) == expected` is a real check.',
        'A copy taken before the code runs (`before = x.copy(); normalize(x); assert_array_equal(x, before)`) is a real check; a value compared with its copy in the same assertion is vacuous only as the test\'s only check and outside tests named for copying (`test_copy`: `G.adj.copy() == G.adj` checks the copy method); `copy.copy(x) is x` (is the copy a new object?) stays quiet.',
        'Setup smoke tests (`def test_init(self): self.assertTrue(True)` in a class with `setUp`, or with fixture parameters) and tests whose comment says they only check that nothing crashes are `info`.',
        '`obj.attr == obj.attr` and `len(obj.items) == len(obj.items)` count like `x == x` when every object read is the test\'s own (a local or parameter, an attribute its class sets itself such as `self.order` from `setUp`, or a module-level object the file builds); on an object the test does not own (`sentinel.whatever`, an imported module, a `self.sim` that subclasses set), with `is` (`ds.accessor is ds.accessor`: an accessor or property cached on first access), or in a test named for caching or stability (`test_summary_is_cached`), the attribute may be computed on each access (a stability check): `info`. So is a self-comparison of a given value (a fixture, a built input) in a test that turns warnings into errors (`@pytest.mark.filterwarnings("error")`: it checks that nothing warns); a self-comparison of a result of the code under test there (`out = resample(grid)`, then `assert_allclose(out, out)`) stays a warning unless the test is named for warnings.',
        '`assert len(x) >= 0` (also through a walrus: `(n := len(x)) >= 0`) or `isinstance(x, object)` next to real assertions stays quiet, like other constants; `assert total(xs) >= 0` (a bound on a computed value) is a real check.',
        'An alias whose original is rebound before the comparison (`before = state; state = step(state); assert state == before`) is a real check and stays quiet.',
        'A flag asserted after something may change it stays quiet, and so does one bound only inside a block the assertion follows (`with suppress(...): ...; reached = True`, then `assert reached`: a check that the binding ran): `ok = True` reset in a loop, a module flag cleared by `except ImportError:` or through `global`, a local changed through `nonlocal`, a name patched by its string (`monkeypatch.setattr(mod, "STRICT", False)`), and lists or dicts (which can be emptied).',
        '`mock.ANY` (or `mocker.ANY`, dirty-equals\' `IsAnything`) as a part of an expected value (`{"id": ANY, "name": "x"}`, `call_args == call(ANY, 1)`, `assert_called_with(ANY)`) stays quiet; as a whole side of `==` / `assertEqual` it is a warning when it is the test\'s only check and `info` next to real checks (it checks at most that the expression evaluates, e.g. that a key exists). Tests of the wildcard itself (`test_call_any`) or of a mock\'s equality with it (`assertEqual(call, ANY)`, `m = MagicMock(); assert m == ANY`) stay quiet.',
        '`x == "a" or "b"` and `x == (a, b) or (b, a)` (a literal after `or` that could be another accepted value: a slip for `in`) are `info`; `or ...` and `or` a sentence (three words, or two around a formatted value: `or f"known gap for {n}"`) read as an excuse and are warnings like `or True`, unless the `or` compares with string literals (`mode == "read only" or "read and write"`).',
        '`flags | MASK` and other `|` of values that are not the constant `True` (an integer mask: `flags | 1`) stay quiet; `ok | True` and `(x == y) | (not False)` are warnings like `or True`.',
        'An expected number held in a local of the test bound once to a written number or a sum or product of them (`expected = 343.5 + 930.0`, then `approx(expected, abs=TOL)` with `TOL = 1e6`) is judged like the written number; a local bound to a call or bound twice is not read. An expected value copied from the result just before the comparison (`expected = copy.deepcopy(merged); assert merged == expected`, also `.copy()`, `copy.copy`) is a self-comparison when the name says it holds the expected value and only call-free statements that leave the result alone stand between; a copy taken before the code runs, an `is` check, and tests named for copying stay quiet. ' +
          'A mock\'s configured value read back (`assert client.get_json.return_value is PAYLOAD` where the file sets `c.get_json.return_value = PAYLOAD`: the same path after the mock\'s name, the same value as written) checks only the setup: a warning when the test\'s other checks only say the mock was called at all (`call_count >= 1`, `.called`), `info` beside real checks; tests named for the mock machinery (`test_return_value`) stay quiet. ' +
          'A self-comparison beside other checks is a warning when what it compares is what the test is named for (`self.assertEqual(inv.total, inv.total)` in `test_total_with_discount`: the total is never checked), or when a comment on it says the expected value was replaced by the computed one on purpose ("compare against the computed slug instead of a hard-coded string", "accept whatever wrap() returns", "the exact value depends on the platform").',
        'A relative tolerance that still bounds the value (`rel_tol` below 1 in `math.isclose`, `rel`/`rtol` below 100 in `approx` and numpy: `approx(x, rel=0.5)` for a noisy estimator) stays quiet; an absurd one (`rel_tol=1e6`, `rtol=1e14`, perhaps a slipped exponent sign) is a warning as the test\'s only check and `info` beside real checks or beside a small absolute tolerance (`atol=1e-6, rtol=1e6`: most likely a dropped minus sign). A tolerance dict changed after it is bound (`TOL["rel"] = 1e-3`) is not read.',
        '`startswith(prefix)` with a prefix that is not known to be empty, `startswith("", 3)` (a position), and `"" in lines` where `lines` may be a list (a blank line kept) stay quiet: `"" in x` counts only when `x` is a string literal, bound once to text, or used as text in the same test (`x.endswith(...)`). An empty-string check is a warning as the test\'s only check and `info` beside real checks; tests named for the empty string or affixes (`test_startswith_empty`, `TestEmptyPrefix`) stay quiet.',
        'A tolerance judged against the expected number stays quiet when it bounds the result: `approx(1e6, abs=10)`, `approx(42.0, abs=100)`, `rel` below 1, `abs`/`atol`/`delta` below 10 or below ten times the expected value, `places=0` on a value of 0.5 or more (or on 0), numpy `rtol=1` (scientific tests use it), and expected values that are not written as numbers. Tolerances wider than the expected value (`approx(0.33, rel=1)`, `approx(200, abs=1e9)`, `delta=25` around `0.03`, `places=0` around `0.125`) are a warning as the test\'s only check and `info` beside real checks.',
        '`assert callable(f)`, `assert f()`, `assert obj.method`, a name bound more than once or to a value, a decorated `def` (the decorator may return anything), an imported name, and a lambda that itself asserts (RH403\'s: a check nothing calls) stay quiet; `assert f` / `self.assertTrue(f)` with `f` bound once to a lambda or an undecorated `def` in the same function or module is a warning.',
        '`all(...)` / `not any(...)` over a table that a loop, `.update`, `.append`, a subscript, `+=`, `global` or a string (a patch by name) may fill, or over a non-empty one, stays quiet; over a table bound once to an empty literal and only ever iterated it is a warning as the test\'s only check and `info` beside real checks.',
        'Ordinary finite tolerances, a tolerance constant bound more than once, `inf` as the compared value (`x == approx(math.inf)`), and tests of closeness checks themselves (test or class named for tolerance, infinity, `approx`, `isclose`: `test_inf_tolerance`) stay quiet.',
        'A project\'s own equality assertion, named for it (`assert_balances_match(got, got)`, `assertSameTree(t, t)`, `assert_json_equal`; not dask\'s `assert_eq`, which also checks the collection\'s metadata), given the same value twice is a self-comparison like `assertEqual(x, x)`. ' +
        'Vacuous assertions in helpers and conftest files are `info`; code under test is not checked. Except a self-comparison that runs on every call of a shared assertion helper (`assertRoundTrip`, `check_*`, `verify_*`), also through a pure normaliser of the file (`self.assertEqual(_normalise(decoded), _normalise(decoded))`): a warning, since every test that relies on it checks nothing there. Except a roundtrip compared with its own second step made again (`decoded = codec.decode(blob); assert decoded == codec.decode(blob)` after `blob = codec.encode(value)`), never with `value`: a warning in a shared helper too, since every test that calls it checks nothing. One that also compares with the original, or in a function named for determinism or caching, or whose steps do not undo each other (and the function is not named for a roundtrip): quiet.',
      ],
    },
  },
  create(ctx) {
    if (ctx.role !== 'test' && ctx.role !== 'test-infrastructure') return {};
    // Tests elsewhere in the project that assert with this file's always-true helpers (`from tests._util import close_enough`).
    const switches = new ModuleSwitches(ctx);
    const helpers = alwaysTrueHelpers(ctx.root, switches);
    for (const name of helpers) ctx.exportFact(name, { kind: 'always-true-function' });
    // Tests elsewhere that compare a value with this file's identity helpers (`from .helpers import expected_slug`).
    for (const name of identityHelpers(ctx.root)) ctx.exportFact(name, { kind: 'identity-function' });
    // Every finding is an `assert` statement or a call of a known assertion (`assert*`, `fail*` names).
    return whenMentioned(ctx, /assert|fail/i, () => {
      return {
        'module:exit'() {
          const judge = new TestJudge(ctx);
          const { copied: copies, literal } = plainAssignmentNames(ctx.root);
          const constants = new ConstantNames(ctx, literal);
          const tolMentioned = /inf|rel|rtol|abs|atol|delta|places/i.test(ctx.source);
          const mocksConfigured = ctx.source.includes('return_value');
          const differencesBounded = /\babs\s*\(/.test(ctx.source);

          // Assertions and calls in document order (as listeners on both types would see them), from the tree's type index.
          for (const node of ctx.root.descendantsOfType(['assert_statement', 'call'])) {
            if (!node) continue;
            const bounded = differencesBounded && node.type === 'call' ? boundedDifferenceCheck(node, ctx) : undefined;
            if (bounded) {
              judge.collect(bounded.node, 'or-true', undefined, undefined, bounded.excuse);
              continue;
            }
            const failures = failureCountCheck(node);
            if (failures) {
              judge.collect(node, 'or-true', undefined, undefined, failures);
              continue;
            }
            // Still a check that the result is not empty: a warning as the test's only check, `info` beside others.
            const asMessage = node.type === 'call' ? expectedValueAsMessage(node, ctx) : undefined;
            if (asMessage) {
              judge.collect(node, 'or-true', undefined, undefined, asMessage, undefined, undefined, true);
              continue;
            }
            const kind = (node.type === 'assert_statement' ? vacuityOf(node) : vacuousCall(node, ctx.names, judge.knownAliases)) ?? aliasSelfComparison(node, copies) ?? identitySelfComparison(node, ctx) ?? (comparedWithAnything(node, ctx.names) ? 'matches-any' : undefined);
            const tolerance = kind || !tolMentioned ? undefined : looseTolerance(node, ctx);
            if (kind) judge.collect(node, kind);
            else if (tolerance) judge.collect(node, 'infinite-tolerance', undefined, tolerance.node, undefined, tolerance.finite, tolerance.slip);
            else {
              const constant = constants.literalAsserted(node);
              const empty = constant ? undefined : emptyStringContainment(node, ctx);
              const cond = constant || empty ? undefined : node.type === 'assert_statement' ? node.namedChildren.find((c) => c.type !== 'comment') : assertTrueArgument(node);
              const excuse = cond && ((node.type === 'assert_statement' ? switchedOffOperand(cond, switches) : undefined) ?? alwaysTrueHelperCall(cond, helpers, ctx) ?? functionObjectAsserted(node, ctx));
              const emptyTable = excuse ? undefined : cond && allOfEmptyTable(cond, node, ctx);
              const configured = excuse || emptyTable || constant || empty || !mocksConfigured ? undefined : configuredValueReadBack(node, ctx);
              const roundtrip = excuse || emptyTable || constant || empty || configured ? undefined : recomputedRoundtrip(node);
              if (constant) judge.collect(node, 'constant', constant);
              else if (empty) judge.collect(node, 'empty-string', undefined, undefined, empty);
              else if (excuse) judge.collect(node, 'or-true', undefined, undefined, excuse);
              else if (emptyTable) judge.collect(node, 'or-true', undefined, undefined, emptyTable, undefined, undefined, true);
              else if (configured) judge.collect(node, 'or-true', undefined, undefined, configured, undefined, undefined, true, true);
              // Like `or True`: the check is gone wherever it stands, in a test or in a helper the tests share.
              else if (roundtrip) judge.collect(node, 'or-true', undefined, undefined, roundtrip);
            }
          }
          judge.finish();
          if (ctx.role === 'test' && /!=|\bnot\b/.test(ctx.source)) reportLoggedComparisons(ctx);
        },
      };
    });
  },
};

/** Calls that only report: printing and logging. */
const REPORTING_CALL = /^(print|pprint|(\w+\.)*(debug|info|warning|warn|error|exception|critical|log)|warnings\.warn|(\w+\.)*(stderr|stdout)\.write)$/;

/**
 * A test with no assertion at all whose comparison of its result only reports the difference
 * (`if got != expected: log.warning(...)`): the check was turned into logging, so the test passes whatever it got.
 */
function reportLoggedComparisons(ctx: RuleContext): void {
  for (const fn of ctx.root.descendantsOfType('function_definition')) {
    if (!fn || !isTestFunction(fn)) continue;
    const body = fn.childForFieldName('body');
    // Any other way to fail (an assertion or assertion helper, `raise`, `fail()`, `raises`, a skip) makes it a test that checks.
    if (!body || /\bassert|\braise\b|\bfail\w*\s*\(|\braises\b|\bskip\w*\s*\(|\bxfail\b|\b(check|verify|expect)_?\w*\s*\(/i.test(body.text)) continue;
    for (const stmt of body.namedChildren) {
      if (stmt.type !== 'if_statement' || stmt.childrenForFieldName('alternative').length) continue;
      const cond = unparen(stmt.childForFieldName('condition')!);
      const negated = cond.type === 'not_operator' ? unparen(cond.childForFieldName('argument')!) : undefined;
      const cmp = negated ?? cond;
      if (cmp.type !== 'comparison_operator' || cmp.namedChildCount !== 2) continue;
      const op = comparisonOperator(cmp);
      if (negated ? op !== '==' : op !== '!=' && op !== 'not in') continue;
      const then = stmt.childForFieldName('consequence')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      const reports = then.length > 0 && then.every((t) => t.type === 'expression_statement' && unparen(t.namedChild(0)!).type === 'call' && REPORTING_CALL.test(dottedName(unparen(t.namedChild(0)!).childForFieldName('function')) ?? ''));
      if (!reports) continue;
      ctx.report({
        node: stmt,
        severity: 'warning',
        message: `\`if ${cmp.text.replace(/\s+/g, ' ').slice(0, 50)}:\` in \`${functionName(fn)}()\` only reports the difference (\`${then[0]!.text.replace(/\s+/g, ' ').slice(0, 40)}\`), and the test has no assertion: it passes whatever it computed. Assert the comparison instead.`,
      });
    }
  }
}
