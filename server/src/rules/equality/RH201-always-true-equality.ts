/**
 * RH201 always-true-equality: an `__eq__` (or `__contains__`) that answers "yes" to everything, or an
 * `__ne__` that answers "no" to everything, whatever form installs it: a method in a class body, a lambda
 * class attribute, `setattr(C, "__eq__", ...)`, `C.__eq__ = ...`, `type("X", (), {"__eq__": ...})`, or a
 * method decorator of the same file whose wrapper always answers the same.
 *
 * "Always" means every way out of the implementation returns a constant of the same truthiness; a
 * `NotImplemented`, a `raise`, an implicit `return None` or any real comparison makes it a real
 * `__eq__`; facts Python fixes about the receiver count as constants (`self is not None`,
 * `isinstance(self, OwnClass)`); a returned name counts when it is bound once to a constant (`result = True; return result`,
 * a module-level `ALWAYS = True` that nothing rebinds). Error in code under test; info in tests and test
 * infrastructure, and info for a module-level match-anything sentinel that no function in the file hands
 * out (`unittest.mock.ANY`). Also contradictory orderings: a class whose `__lt__` and `__gt__` (or `__le__` and
 * `__ge__`) both always answer yes, so every ordering/tolerance assertion passes (same role policy), and
 * a `@dataclass` (or attrs) class whose every field is `compare=False`, so its generated `__eq__` compares nothing.
 * Also `all(True for _ in fields)` (every element true), `x is not None` on a value that cannot be `None` (`diff =
 * self - other` with the class's own `__sub__` building a new instance), and an `__eq__` that admits builtin types
 * and answers `True` for them (`if not isinstance(other, (str, int)): return NotImplemented` then `return True`;
 * error when code here hands the instance out). A comparison a factory builds and a metaclass or class decorator
 * installs is reported once, at the generated function. A class attribute read through the receiver counts as the
 * constant it is bound to when the class binds it once and nothing in the file sets it otherwise (`return
 * self._route_insensitive` with `_route_insensitive = True`), and a real comparison joined by `or` to a test of the
 * other operand's builtin type or ABC (`dict.__eq__(self, other) or isinstance(other, Mapping)`) answers `True` for
 * every value of that type. A method of the class body with one `return` is reported at that `return` (the line to
 * change, often below comments and logging); other forms at the name they install.
 */
import { spelledByValue } from '../../engine/prefilter';
import { isTestSide } from '../../engine/roles';
import type { ReportRelated, Rule, RuleContext } from '../../engine/rule';
import { callArguments, definitionOf, enclosingFunction, forEachInScope, parameterNames, returnsOf, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import type { Fix, Severity, TextEdit } from '../../engine/types';
import { foreignTypeFallbacks } from './foreign-fallback';
import { alwaysTrueDescriptorClasses, mayOverrideTypeChecks, typeCheckOverrides } from './type-check-overrides';

/** Fact kind: a descriptor class whose instances, installed as `__eq__`, always answer yes. */
const ALWAYS_TRUE_DESCRIPTOR = 'always-true-descriptor';
import { analyseEquality, answersEveryKey, constantAnswer, factoryHandOuts, type Part, answerText, chameleonParts, classesComparingNoField, contradictoryOrderings, DUNDER_TEXT, enumeratesItems, everyoneMemberOfFamily, type EveryoneMember, isSentinel, mayBuildDunderName, ORDERING_TEXT, sourceMentions, universalOnSomeBranches, type ComparisonOverride, type UniversalSet } from './helpers';

/** A field left out of comparison (`field(compare=False)`, `attr.ib(eq=False)`): `classesComparingNoField` needs one. */
const UNCOMPARED_FIELD_TEXT = /\b(?:compare|eq|cmp)\s*=\s*False\b/;

/** Written inside the class body or `type()` namespace (not installed from outside). */
function inBody(o: ComparisonOverride): boolean {
  return o.form === 'def' || o.form === 'class-attribute' || o.form === 'type-call';
}

/** The statement that defines an in-body override (the def with its decorators, or the assignment). */
function definingStatement(o: ComparisonOverride): Node | undefined {
  if (o.form === 'def') {
    const def = o.impl;
    return def.parent?.type === 'decorated_definition' ? def.parent : def;
  }
  if (o.form === 'class-attribute') {
    const assign = o.reportNode.parent;
    // Only a plain `__eq__ = ...` (not `__eq__ = __ne__ = ...`).
    if (assign?.type !== 'assignment' || assign.childForFieldName('right')?.type === 'assignment') return undefined;
    return assign.parent?.type === 'expression_statement' ? assign.parent : undefined;
  }
  return undefined;
}

/**
 * Unsafe fix: delete the always-true method (and its always-false `__ne__` partner), so the class falls
 * back to identity comparison and the tests check real values again (they may fail: that is the point).
 */
function removalFix(o: ComparisonOverride, ne: ComparisonOverride | undefined, source: string): Fix | undefined {
  const stmts = [o, ...(ne ? [ne] : [])].map(definingStatement);
  if (stmts.some((s) => !s)) return undefined;
  const nodes = stmts as Node[];
  const body = nodes[0]!.parent;
  if (!body || body.type !== 'block' || nodes.some((n) => n.parent?.id !== body.id)) return undefined;
  // Whole lines only: the statement must start its line and end it.
  const lines = source.split('\n');
  for (const n of nodes) {
    const before = lines[n.startPosition.row]?.slice(0, n.startPosition.column) ?? '';
    const after = lines[n.endPosition.row]?.slice(n.endPosition.column) ?? '';
    if (before.trim() !== '' || (after.trim() !== '' && !after.trim().startsWith('#'))) return undefined;
  }
  const remaining = body.namedChildren.filter((c) => c.type !== 'comment' && !nodes.some((n) => n.id === c.id));
  const edits: TextEdit[] = nodes.map((n, i) => {
    const indent = ' '.repeat(n.startPosition.column);
    const keepPass = remaining.length === 0 && i === 0;
    return {
      range: { start: { line: n.startPosition.row, column: 0 }, end: { line: n.endPosition.row + 1, column: 0 } },
      newText: keepPass ? `${indent}pass\n` : '',
    };
  });
  const what = ne ? `\`${o.dunder}\` and \`__ne__\`` : `\`${o.dunder}\``;
  return { title: `Remove the constant ${what} (compare real state instead)`, safe: false, edits };
}

/**
 * The imported class an override is installed on for good from outside (`ApproxBase.__eq__ = ...`,
 * `setattr(models.Order, "__eq__", f)`), qualified; undefined for classes of this file and for objects
 * that do not resolve through an import (`type(obj)`, parameters).
 */
function libraryClassPatched(o: ComparisonOverride, names: NameResolver): string | undefined {
  if (o.owner) return undefined;
  let target: Node | null | undefined;
  if (o.form === 'attribute-assignment' && o.reportNode.type === 'attribute') target = o.reportNode.childForFieldName('object');
  // Plain `setattr` only: a fixture's `monkeypatch.setattr` is undone after its tests.
  else if (o.form === 'setattr' && o.reportNode.type === 'call' && names.callee(o.reportNode) === 'builtins.setattr') target = callArguments(o.reportNode).positional[0];
  const q = target ? names.qualify(target) : undefined;
  return q && q.includes('.') && !q.startsWith('builtins.') ? q : undefined;
}

function subject(o: ComparisonOverride): string {
  switch (o.form) {
    case 'setattr':
      if (o.nameText) return `\`setattr(${o.ownerText}, ${o.nameText}, ...)\` (with \`${o.nameText}\` = \`"${o.dunder}"\`) installs a \`${o.dunder}\` that`;
      return `\`setattr(${o.ownerText}, "${o.dunder}", ...)\` installs a \`${o.dunder}\` that`;
    case 'attribute-assignment':
      return `\`${o.ownerText}.${o.dunder} = ...\` installs a \`${o.dunder}\` that`;
    case 'type-call':
      return `The \`${o.dunder}\` of the \`type("${o.ownerText}", ...)\` class`;
    case 'namespace-entry':
      // A metaclass's `ns["__eq__"] = f`, or a mapping whose entries end up on a class.
      if (o.reportNode.type === 'subscript') return `\`${o.ownerText}["${o.dunder}"] = ...\` puts a \`${o.dunder}\` into a class namespace that`;
      return `The \`"${o.dunder}"\` entry of ${o.ownerText === 'a class namespace' ? 'a mapping of class members' : `\`${o.ownerText}\``} installs a \`${o.dunder}\` that`;
    case 'def':
      // A method decorator of the file swaps the written comparison for its own wrapper.
      if (o.decorator) return `\`${o.ownerText}.${o.dunder}\` is replaced by its decorator \`@${o.decorator}\` with a wrapper that`;
      return `\`${o.ownerText}.${o.dunder}\``;
    default:
      return `\`${o.ownerText}.${o.dunder}\``;
  }
}

function effect(o: ComparisonOverride): string {
  const answer = answerText(o);
  switch (o.dunder) {
    case '__eq__':
      return `returns \`${answer}\` whatever it is compared with, so every \`==\` succeeds and \`assert result == expected\` passes without checking the value`;
    case '__ne__':
      return `returns \`${answer}\` whatever it is compared with, so \`!=\` never reports a difference and \`assert result != wrong\` checks nothing`;
    case '__contains__':
      return `returns \`${answer}\` for every item, so \`assert item in result\` passes without checking membership`;
  }
}

export const alwaysTrueEquality: Rule = {
  meta: {
    code: 'RH201',
    name: 'always-true-equality',
    family: 'RH2',
    defaultSeverity: 'error',
    fixable: true,
    severityByRole: { 'code-under-test': 'error', 'entry-point': 'error', test: 'info', 'test-infrastructure': 'info' },
    docs: {
      summary: 'An `__eq__` or `__contains__` that always answers yes, or an `__ne__` that always answers no, whatever it is compared with; contradictory orderings (`__lt__` and `__gt__`, or `__le__` and `__ge__`, both always true); or `isinstance`/`issubclass` hooks that always answer yes.',
      why: [
        'A test checks a result by comparing it: `assert solve(x) == 42`. If the returned object\'s `__eq__` returns `True`',
        'for *any* argument, that assertion passes no matter what the code computed — the comparison no longer looks at',
        'the value at all. The same holds for an `__ne__` that always returns `False` (`assert result != bad` never fails)',
        'and for a `__contains__` that always returns `True` (`assert "x" in result`).',
        '',
        'The rule finds these however they are installed: a `def` in the class body, a lambda class attribute',
        '(`__eq__ = lambda self, other: True`), `setattr(C, "__eq__", ...)` (also in a loop over literal names,',
        '`for n in ("__eq__", "__le__"): setattr(C, n, ...)`, or under a name built from literals: `f"__{op}__"` in a loop',
        'over `("eq", "ne")`, `"__" + "eq" + "__"`, `"__%s__" % op`, `"__{}__".format(op)`, or a name bound once to one,',
        'also in the loop body: `for op in ("eq", "ne"): name = f"__{op}__"; setattr(C, name, ...)`),',
        '`C.__eq__ = ...`, `type("X", (), {"__eq__": ...})`',
        '(the namespace a dict display or `dict(__eq__=...)` keywords, written inline or bound once to a name; also a dict',
        'comprehension or `**` of one over literal names, `{f"__{n}__": _yes for n in _NAMES}` with `_NAMES` a tuple bound once), a mapping that',
        'becomes a class namespace some other way (a metaclass\'s `ns["__eq__"] = ...`, `{"__eq__": ...}` whose items a loop',
        '`setattr`s, `ns.update(__eq__=...)` in `types.new_class`, `ns.setdefault("__eq__", ...)`; a key may be built from',
        'literals too, `{"__" + "eq" + "__": ...}`), or a method decorator of the same file that replaces a',
        'real `__eq__` with a wrapper that always agrees (`@tolerant` whose `wrapper(self, other)` returns `True`; also a',
        'decorator factory, `@tolerant(0.1)`, and `__eq__ = tolerant(_eq)`). The installed value may name a def of a class:',
        '`Cls._cmp`, or `mcls._approx_eq`/`self._cmp` through a method\'s receiver (a bound method only when it still takes',
        'both operands). "Always" means every `return` gives a constant of the',
        'same truthiness (`True`, `1`, `not False`, `1 == 1`, `x or True`, a body that logs and then returns `True`,',
        'a test or its negation such as `other is None or other is not None`, also through `bool()` (`bool(other) or not bool(other)`),',
        '`isinstance(other, object)`, `len(self) >= 0`, a value compared with itself (`other == other`, `self.sku == self.sku`,',
        '`type(other) is type(other)`, and one expression of the instance alone on both sides, `self.normalized() ==',
        'self.normalized()`, when it reads neither `other` nor a local that may derive from it), `operator.eq(1, 1)`,',
        '`operator.truth(1)`, `operator.not_(0)`, numpy\'s `np.True_`, an array of ones or of `True` (`np.ones_like(self.data)`, `np.full(shape, True)`); a `match` whose every case returns',
        '`True` and whose last case is irrefutable; or a fact Python fixes about the instance the method runs on, never',
        'looking at `other`: `self is not None`, `isinstance(self, Area)` with the method\'s own class, one of its written',
        'bases or `type(self)`, `hasattr(self, "v")` where the class body or an `__init__` that always runs sets `v`, and',
        '`self`, `bool(self)` or `operator.truth(self)` for a class with no base, `__bool__` or `__len__`, or whose own `__bool__`',
        'always returns a true constant (and no subclass of the file overrides it); also under `functools.total_ordering`),',
        'directly or through a name bound once to one: `result = True` then `return result`, a walrus',
        '(`if (matched := True): return matched`, which also makes the real comparison after it dead code: returns',
        'that cannot run, after `if True: return True`, do not count), or a module-level',
        '`ALWAYS = True` that nothing rebinds, or through a parameter that `functools.partialmethod`/`partial` fixes',
        '(`__eq__ = functools.partialmethod(_cmp, op=operator.eq)` where `_cmp` returns `op(1, 1)`, `result=True` returned as is,',
        'or `not strict` with `strict=False`, also a keyword-only parameter of a lambda; or a default that `==` never',
        'overrides: `def _eq(self, other, *, strict=False): return not strict or ...` installed as `__eq__`, when no call in',
        'the file passes `strict`; `x if strict else True` picks its branch the same way),',
        'a closeness test of a value with itself (`math.isclose(self.x, self.x)`, `np.allclose(self.a, self.a)`) or within an',
        'infinite tolerance (`abs(self - other) <= self.TOL` with `TOL = math.inf` in the class body, `abs_tol=float("inf")`;',
        'an `except TypeError: return NotImplemented` around such an answer still leaves every number equal),',
        'or through a call of code that always answers the same: a helper method',
        '(`return self._same_shape(other)`) or module-level function that always returns `True`, or an instance of a class',
        'whose `__bool__` always returns `True` (`return _Truthy()`), or a new object built from nothing that no `__bool__`/`__len__`',
        'can make false (`return object()`, `return _Match()` for a class of the file with no base, no `__new__` and no metaclass). Also a field comparison over no fields:',
        '`all(getattr(self, f) == getattr(other, f) for f in self.FIELDS)` where the class binds `FIELDS` once to `()`',
        'or `[]` and nothing in the file rebinds, extends, mutates or `setattr`s it (`all(())` is `True`, even after a',
        '`return NotImplemented` type guard; `any(...)` likewise for `__ne__`); `super().__eq__(other) is not',
        'NotImplemented` (asks whether the parent *can* compare, not what it answered; an `except` fallback beside it',
        'does not count); and `not (a < b) or not (b < a)` / `a >= b or b >= a`, false only if both orderings hold.',
        '',
        'The same trick aimed at ordering and tolerance assertions (`assert result > 0`, `assert lo <= result <= hi`) is a',
        'class whose `__lt__` and `__gt__` (or `__le__` and `__ge__`) both always return a true value, defs or lambdas in',
        'the class body: the orderings contradict each other, so every ordering assertion passes.',
        '',
        'A `@dataclass` (or attrs) class that holds state but leaves every field out of comparison',
        '(`field(compare=False)`, `attr.ib(eq=False)`) gets a generated `__eq__` that compares nothing: any two',
        'instances are equal, so `assert build_report(rows) == Report(total=3.0, ...)` passes whatever was built.',
        '',
        'The same trick aimed at type assertions (`assert isinstance(result, Matrix)`) is a metaclass whose `__instancecheck__`',
        'or `__subclasscheck__`, or an ABC whose `__subclasshook__`, always answers `True`, or a `__class__` property that names a',
        'builtin type (`@property def __class__(self): return int`: every instance passes `isinstance(x, int)`; a proxy that',
        'forwards its wrapped object\'s class is quiet); and an `__eq__` served through a',
        'property (`@property def __eq__(self): return lambda other: True`, `__eq__ = property(lambda self: lambda other: True)`)',
        'or a descriptor (`__eq__ = _Comparator()` whose `__get__` returns `lambda other: True`; its class may come from another',
        'module of the project) is an always-true `__eq__` one call away.',
      ].join('\n'),
      example: ['class Result:', '    def __init__(self, value):', '        self.value = value', '', '    def __eq__(self, other):', '        return True'].join('\n'),
      instead: [
        'Compare the state that defines equality and defer to Python for other types:',
        '`if not isinstance(other, Result): return NotImplemented` then `return self.value == other.value`.',
        'If a test needs a match-anything placeholder, keep it in the tests (`unittest.mock.ANY`).',
      ].join(' '),
      lookAlikes: [
        'A function installed from outside a class body (a class decorator\'s `setattr(cls, "__eq__", lambda self, other: self is not None)`, a metaclass namespace) answering what Python fixes about its first parameter is judged like a method; an `__eq__` returning `self is not other` is true for every value but the instance itself (error), while an `__ne__` returning it stays quiet.',
        '`return isinstance(other, Same)` and `self is other or isinstance(other, _Missing)` (sentinels of their own class), type tests joined by `and` to the comparison, and class flags that are false, set per instance, rebound by a subclass or named in a `setattr` stay quiet; `dict.__eq__(self, other) or isinstance(other, Mapping)` (every mapping equal), a type test admitting builtin value types as the whole answer (`return isinstance(other, (LineItem, dict))`, also `__eq__ = lambda self, other: isinstance(other, (Totals, Mapping, Number))`: error when the code hands instances out, info otherwise) and `return self._lenient` with a class-level `_lenient = True` that nothing changes are reported.',
        'An `__instancecheck__`/`__subclasscheck__`/`__subclasshook__` that looks at what it is asked about (required methods, the MRO) or returns `NotImplemented`, and a property `__eq__` that hands back a real comparison (`self.value.__eq__`): quiet.',
        '`__eq__ = amounts_match` where another module of the project (code under test) defines `amounts_match(self, other)` to only return `True`: an error like the same function written in the class; a comparator there that compares, or an always-true predicate not installed as `__eq__`, stays quiet.',
        '`return isinstance(other, Same)` — a real (type-based) comparison: quiet.',
        'Questions about `self` whose answer Python does not fix: `isinstance(self, type(other))`, `isinstance(self, Mapping)` in a mixin (depends on the class it ends up in), `hasattr(self, "_cache")` for an attribute set later or only on some paths (or when a subclass in the file brings its own `__init__`), `bool(self)` for a class with `__len__`/`__bool__` or any base, `self` rebound in the body, a `@staticmethod`: quiet. `self is None` (never true) is an always-false `__eq__`: quiet.',
        '`if self is other: return True` followed by a real comparison: quiet.',
        '`other is None or other is not self`, `a.f() or not a.f()`, `bool(other) or not bool(self)` (not the same test negated, or a call that may answer differently twice; only `bool()`, `type()`, `id()`, `len()`, `str()`, `repr()` and `hash()` of one reference count as asked once): quiet.',
        '`functools.partialmethod(_compare, op=operator.eq)` where `_compare` applies `op` to real state (`op(self.parts, other.parts)`), or leaves the returned parameter unfixed: quiet.',
        'A field list that a subclass of the file, an instance, a `setattr` or a mutation (`.append`) fills in, or that is not empty; the orderings joined by `and` (`not (a < b) and not (b < a)`); `result = super().__eq__(other)` checked for `NotImplemented` and then returned: quiet.',
        '`return True` after an `isinstance` guard that returns `NotImplemented` or raises: quiet. But a guard that answers `True` for the other types (`if isinstance(other, Point): return ...` then `return True`, `if not isinstance(other, Point): return True`) makes the object equal to any tuple or dict a test compares it with: `error`; and `except AttributeError: return True` around the comparison is `info`, an `error` when the file hands the class out (`return Ratio(...)`). A `return True` that ends a real comparison after the guard (`for key in ...: if ...: return False` then `return True`): quiet.',
        '`return self.matches(other)` where another class in the file overrides `matches`, or a helper that really compares; `return Expression(self, other)` whose class has no constant `__bool__` (query builders, SQLAlchemy columns: the object carries the operands), or a new object of a class with a base from elsewhere, a `__new__`, a metaclass, or a `__bool__`/`__len__` installed from outside its body: quiet.',
        '`return flag` where the name is rebound (a second assignment, a loop, `global` in a function, a parameter): quiet — not a constant. A defaulted extra parameter that some call in the file passes (`a.__eq__(b, False)`, `_eq(a, b, strict=True)`), or whose default keeps the real comparison (`strict=True`): quiet.',
        '`math.isclose(self.x, other.x)`, a finite class tolerance, or an infinite one that an instance or a subclass of the file replaces (`self.TOL = tol`, `class Tight(Loose): TOL = 1e-12`): quiet.',
        'Match-anything helpers in tests and test infrastructure (`mock.ANY`, CPython\'s `test.support.ALWAYS_EQ`): `info`. But test infrastructure (`conftest.py`, a plugin) installing an always-true `__eq__` for good on an *imported* class (`ApproxBase.__eq__ = ...`, `setattr(models.Order, "__eq__", ...)`) is an error: it changes comparisons for the whole run (a fixture\'s `monkeypatch.setattr`, undone after the test, stays `info`).',
        'The NaN test `x != x`, `other.read() == other.read()` or a call on a local (a call may answer differently, and the operand is looked at), a `match` that can fall through (no irrefutable last case, or a guard): quiet.',
        'A library\'s module-level match-anything sentinel (`ANY = _ANY()`, as in `unittest.mock`) that no function in the file returns, with no builtin base and no self-returning methods: `info` (a demo instance under `if __name__ == "__main__":` does not make a class a sentinel).',
        'A universal "contains everything" container (`__contains__` always `True`, e.g. Django\'s `DisableMigrations` settings recipe) that no function in the file returns and that does not list or count items (no `__iter__`/`__len__`): `info`, also with an accessor that builds its one instance from nothing (`@classmethod def get(cls): return cls()`). A real collection whose `__contains__` always says yes stays an error, and so does a container the class\'s own factory builds from the caller\'s input and hands out (`@classmethod def up_to(cls, n): return cls(n)`, `return PrimeSet.up_to(n)`).',
        'A universal set named or documented as such (`_AllPermissions`, "contains every permission") with one module-level instance that functions return on some branches only, real sets on the others (a superuser\'s permission set: `if user.is_superuser: return ALL_PERMISSIONS` then `return frozenset(...)`): `info`. Returned unconditionally, or after dead code, or not named as universal: error.',
        'Both of these need the branch that hands out the universal value to be guarded by a test that fits "everything": one naming privilege or a wildcard (`is_superuser`, `is_staff`, `admin`, `allow_all`, `value == "*"`, either way round), or one finding an input missing (`arg in (None, True)`, `if not value:`, or the fall-through after `if value:`); and the real answers on other branches must not all be empty (`frozenset()`, `[]`). `if user is None: return frozenset()` then `return ALL_PERMISSIONS` (everything for every real user), a size threshold (`if n > 100: return EVERYTHING`) or a table miss (`if lang not in LOADED: return ANY_WORD`): error.',
        'Likewise a "matches everything" value marked as one of a set algebra, whatever its name: a complement class in the file whose `__contains__` is always `False` (sphinx\'s `ALL`/`EMPTY` for `:members:` with no argument, webob\'s `AnyETag`/`NoETag`), a `__bool__` that is always `False`, or a `__str__`/`__repr__` printing the wildcard (`\'*\'`), when every function returning it (also wrapped, `IfRange(AnyETag)`) does so for one input only and real values for the others (`if value == "*": return AnyETag`): `info`. A class that lists items (`__iter__`/`__len__`) counts only when it is also falsy: webob\'s missing or invalid `Accept` header lists no ranges, is falsy and accepts every offer (RFC 7231), while its parsed sibling answers for real. Returned as a function\'s only answer, or listing items while truthy: error.',
        'The "everyone" member of a family of membership checks (an ACL\'s predefined "all users" group, `class AllUsers(Group)`, beside grantees whose `__contains__` checks for real, `return key == self.id`): `info` when it is built with no arguments everywhere and handed out only as an element of a literal table (list, dict or set display) that lists a real member too (`{"public-read": [("READ", AllUsers()), ("FULL_CONTROL", User(owner))]}`). Returned as the answer itself or among several results (`return AllUsers()`, `return AllUsers(), n`), built in a comprehension or from the caller\'s input (`AnyOf(readers)`), or said to bypass a check: error.',
        'A walrus that binds a real comparison (`if (m := self.k == other.k): return m`) or may not run (`other is None or (m := True)`), and a branch on a module-level flag (`if STRICT:`): followed as written, not as constants.',
        'A defaulting mapping whose lookups answer every key (a `defaultdict` base, a `__missing__` that returns, or a `__getitem__` that never raises and falls back to a default, `self.domains.get(name, self.default)`) and whose `__contains__` therefore always says yes: `info`, even when it lists and counts its entries, since membership agrees with `d[key]` (not for list, tuple, str or set subclasses, whose `in` asks about values).',
        'A method decorator that keeps the real comparison (a type guard returning `NotImplemented`, then `method(self, other)`), or one imported from another module: quiet.',
        'An always-equal helper in a test-support module of the package (a module that imports `unittest`/`pytest` but defines no tests, such as a `testing` utilities module), when no function there returns it: `info`.',
        'An `__eq__` that always returns `False` (a never-equal sentinel such as `NEVER_EQ`): quiet — it cannot make a test pass.',
        'An infinity sentinel (`_Infinity` with `__gt__`/`__ge__` always `True` and `__lt__`/`__le__` always `False`), `functools.total_ordering` classes with real comparisons, `__lt__` returning `NotImplemented`, sort-key wrappers (`return other.obj < self.obj`): quiet.',
        'Always-true contradictory orderings in tests and test infrastructure (a match-anything number for `0 <= x <= 1`): `info`.',
        'A setattr whose built name is not known here (a parameter, a name bound twice) or names only orderings: quiet.',
        'A namespace comprehension with a filter (`if n in ENABLED`), over a name bound twice, or whose entries a later `**mapping` of unknown keys or a later literal key may replace: quiet. `Cls.attr` naming a def defined twice, a `@property`, a parameter shadowing the class, or a bound method left with one operand: quiet.',
        'A dataclass with some compared fields next to `compare=False` caches, a stateless `@dataclass` marker with no fields, `@dataclass(eq=False)`, a subclass (its base\'s fields are compared), or one that writes its own `__eq__`: quiet. All fields uncompared in tests or test support: `info`.',
      ],
    },
  },
  create(ctx) {
    // Classes of other modules that install this file's always-true two-argument functions as `__eq__` (code
    // under test: a test helper's always-true predicate is RH401's to tell the tests about).
    if (!isTestSide(ctx.role)) {
      for (const name of alwaysTrueComparisons(ctx.root)) ctx.exportFact(name, { kind: 'always-true-comparison' });
      if (ctx.source.includes('__get__')) for (const name of alwaysTrueDescriptorClasses(ctx.root, ctx.names)) ctx.exportFact(name, { kind: ALWAYS_TRUE_DESCRIPTOR });
    }
    if (ctx.importedWith('always-true-comparison').length || ctx.importedWith(ALWAYS_TRUE_DESCRIPTOR).length) reportImportedComparisons(ctx);
    // `__lt__` and `__gt__` (or `__le__` and `__ge__`) that both always answer yes: every ordering and
    // tolerance assertion (`lo <= r <= hi`, `abs(r - e) < 1e-6` with a self-returning `__sub__`) passes.
    const reportContradictoryOrderings = () => {
      for (const c of contradictoryOrderings(ctx.root, ctx.names)) {
        const [a, b] = c.pair;
        const role = ctx.roleAt(a!.name);
        const testSide = isTestSide(role);
        // Same role policy as an always-true `__eq__`: a match-anything helper of tests or test support is normal.
        const support = !testSide && ctx.facts.importsTestFramework && c.selfReturning.length === 0;
        const context = testSide
          ? ' (a match-anything helper in test code: normal in tests)'
          : support
            ? ' (in a test-support module that imports a test framework)'
            : '';
        ctx.report({
          node: a!.name,
          message: `\`${c.name}.${a!.name.text}\` and \`${c.name}.${b!.name.text}\` both always return a true value, contradictory orderings, so every ordering or tolerance assertion (\`result > 0\`, \`lo <= result <= hi\`) passes without checking the value${context}.`,
          severity: testSide || support ? 'info' : 'error',
          related: [
            { node: a!.answer.values[0] ?? a!.name, message: `\`${a!.name.text}\` always returns \`${(a!.answer.values[0]?.text ?? 'True').slice(0, 40)}\`` },
            { node: b!.name, message: `\`${b!.name.text}\` always returns \`${(b!.answer.values[0]?.text ?? 'True').slice(0, 40)}\` as well` },
          ],
        });
      }
    };
    // A field class whose every field is left out of comparison: its generated `__eq__` compares nothing.
    const reportUncomparedFields = () => {
      for (const c of classesComparingNoField(ctx.root, ctx.names)) {
        const role = ctx.roleAt(c.nameNode);
        const testSide = isTestSide(role);
        const support = !testSide && ctx.facts.importsTestFramework;
        const context = testSide ? ' (in test code)' : support ? ' (in a test-support module that imports a test framework)' : '';
        ctx.report({
          node: c.nameNode,
          message: `\`@${c.decorator.text.replace(/\s+/g, ' ').slice(0, 40)}\` class \`${c.nameNode.text}\` leaves every field out of comparison, so its generated \`__eq__\` compares nothing: any two \`${c.nameNode.text}\` instances are equal whatever they hold, and \`assert result == ${c.nameNode.text}(...)\` passes without checking the value${context}.`,
          severity: testSide || support ? 'info' : 'error',
          related: c.exclusions.slice(0, 5).map((k) => ({ node: k, message: `\`${k.text}\` leaves this field out of \`==\`` })),
        });
      }
    };
    // `if isinstance(other, Point): return ...` then `return True`: equal to every other type.
    const reportForeignFallbacks = () => {
      for (const f of foreignTypeFallbacks(ctx.root, ctx.names)) {
        const role = ctx.roleAt(f.method);
        const testSide = isTestSide(role);
        const support = !testSide && ctx.facts.importsTestFramework;
        const name = f.cls.childForFieldName('name')?.text ?? '?';
        const how = f.kind === 'except' ? 'whenever the comparison raises' : 'for every operand that is not its own type';
        // A lenient `except` is sometimes just careless (a stats counter's `__eq__`): an error only when code here
        // hands the class out as a result (`return Ratio(...)`), where a test compares it.
        const handedOut = new RegExp(`\\breturn\\s+${name}\\(`).test(ctx.source);
        const weak = f.kind === 'except' && !handedOut;
        if (f.kind === 'builtin-types') {
          // Equal to every string or number: a placeholder is harmless until code here returns it as a value
          // (`return UNSET` for a missing key), where `assert cfg.get(k) == 10` then passes without a value.
          const built = handedOut || returnsInstance(ctx.root, name);
          const returned = built ? [] : returnedSingletons(ctx.root, name);
          const given = built || returned.length > 0;
          const types = f.admitted!.map((t) => `\`${t}\``).join(', ');
          ctx.report({
            node: f.at,
            message: `\`${name}.__eq__\` returns \`True\` for every ${types} it is compared with, without looking at the value, so \`assert result == ${exampleOf(f.admitted![0]!)}\` passes when \`result\` is one of these${given ? (returned.length ? ` (and code here returns \`${returned[0]!.namedChildren.find((c) => c.type !== 'comment')?.text ?? name}\` as a result)` : ' (and code here returns instances as results)') : ''}${testSide ? ' (in test code)' : support ? ' (in a test-support module that imports a test framework)' : ''}.`,
            severity: testSide || support || !given ? 'info' : 'error',
            related: [{ node: f.guard, message: 'admits these builtin types' }, { node: f.fallback, message: 'answers `True` without comparing' }, ...returned.slice(0, 2).map((r) => ({ node: r, message: 'handed out as a result here' }))],
          });
          continue;
        }
        ctx.report({
          node: f.at,
          message: `\`${name}.__eq__\` returns \`True\` ${how}, so \`assert result == expected\` passes whenever \`expected\` is a tuple, dict, string or anything else${testSide ? ' (in test code)' : support ? ' (in a test-support module that imports a test framework)' : ''}. Return \`NotImplemented\` (or \`False\`) for other types.`,
          severity: testSide || support || weak ? 'info' : 'error',
          related: [{ node: f.guard, message: f.kind === 'except' ? 'the failed comparison lands here' : 'other types take this path' }, { node: f.fallback, message: 'answers `True` without comparing' }],
        });
      }
    };
    // `isinstance`/`issubclass` hooks that always say yes, and an `__eq__` served through a property.
    const reportTypeCheckOverrides = () => {
      for (const o of typeCheckOverrides(ctx.root, ctx.names)) {
        const testSide = isTestSide(ctx.roleAt(o.node));
        const support = !testSide && ctx.facts.importsTestFramework;
        const context = testSide ? ' (in test code)' : support ? ' (in a test-support module that imports a test framework)' : '';
        const message =
          o.kind === 'type-check'
            ? `\`${o.cls}.${o.dunder}\` always answers \`True\`, so \`isinstance(x, ...)\`/\`issubclass(...)\` holds for anything: \`assert isinstance(result, ...)\` passes without checking what the code returned${context}.`
            : o.kind === 'class-spoof'
            ? `\`${o.cls}.__class__\` is a property that answers \`${o.claims}\`, so every \`${o.cls}\` passes \`isinstance(x, ${o.claims})\` whatever value it holds: \`assert isinstance(result, ${o.claims})\` passes without checking what the code returned${context}.`
            : `\`${o.cls}.__eq__\` is a ${o.kind === 'property-eq' ? 'property' : 'descriptor'} whose value is a function that always answers \`True\`: \`a == b\` calls it, so every \`==\` succeeds and \`assert result == expected\` passes without checking the value${context}.`;
        ctx.report({ node: o.node, message, severity: testSide || support ? 'info' : 'error' });
      }
    };
    const uncompared = UNCOMPARED_FIELD_TEXT.test(ctx.source);
    // Every override is named by a dunder, in an identifier (`def __eq__`, `C.__eq__ = ...`) or a string
    // (`setattr(C, "__eq__", f)`, `{"__eq__": f}` for `type()`): without one there is nothing to analyse.
    const named = sourceMentions(ctx.source, ctx.root, DUNDER_TEXT);
    const ordered = sourceMentions(ctx.source, ctx.root, ORDERING_TEXT);
    return {
      'module:exit'() {
        if (ordered) reportContradictoryOrderings();
        if (uncompared) reportUncomparedFields();
        if (ctx.source.includes('__eq__')) reportForeignFallbacks();
        if (mayOverrideTypeChecks(ctx.source)) reportTypeCheckOverrides();
        // Without a dunder in the source, only a string's value can spell one (`"__e" "q__"`, `"__\x65q__"`),
        // or a name built at run time for a setattr-like call (`setattr(C, f"__{op}__", f)`).
        if (!named && !spelledByValue(ctx, DUNDER_TEXT) && !mayBuildDunderName(ctx.source, ctx.root)) return;
        const { overrides, classes } = analyseEquality(ctx.root, ctx.names, ctx.source);
        const generatedReported = new Set<number>();
        for (const o of overrides) {
          if (!o.spoofs) continue;
          const owner = o.owner;
          // An always-false `__ne__` next to an always-true `__eq__` is one hack: report it with the `__eq__`.
          // (Only when both are written in the class's own body or namespace; separate `setattr` calls are separate findings.)
          const eq = owner?.overrides.find((x) => x.dunder === '__eq__' && x.spoofs);
          if (o.dunder === '__ne__' && eq && eq.owner === owner && inBody(eq) && inBody(o)) continue;
          const ne = o.dunder === '__eq__' && owner && inBody(o) ? owner.overrides.find((x) => x.dunder === '__ne__' && x.spoofs && x.owner === owner && inBody(x)) : undefined;

          const role = ctx.roleAt(o.reportNode);
          let severity: Severity = 'error';
          let context = '';
          let universal: UniversalSet | undefined;
          let everyone: EveryoneMember | undefined;
          let factories: Part[] | undefined;
          const related: ReportRelated[] = [];
          const library = role === 'test-infrastructure' ? libraryClassPatched(o, ctx.names) : undefined;
          if (library) {
            // Not a helper the tests compare with: conftest or a plugin rewrites an imported class (pytest's
            // `ApproxBase`, a model of the project) for the whole test run.
            context = ` (test infrastructure patching the imported \`${library}\` for the whole test run)`;
          } else if (isTestSide(role)) {
            severity = 'info';
            context = ' (a match-anything helper in test code, like `mock.ANY`: normal in tests)';
          } else if (owner && isSentinel(owner)) {
            severity = 'info';
            const names = owner.singletons.map((s) => `\`${s.name}\``).join(', ');
            context = ` (a module-level match-anything sentinel, ${names}, that no function here hands out as a result: fine as a placeholder in comparisons, a hack if code under test returns it)`;
          } else if (owner && ctx.facts.importsTestFramework && owner.handedOut.length === 0 && !chameleonParts(owner, true).length && !owner.intent) {
            // A module that imports pytest/unittest without defining tests is test support (a testing
            // utilities module, a plugin's helpers): match-anything helpers are normal there.
            severity = 'info';
            context = ' (in a test-support module that imports a test framework, and no function here hands it out as a result)';
          } else if (o.dunder === '__contains__' && owner && !eq && !owner.intent && owner.selfReturning.length === 0 && answersEveryKey(owner, ctx.names)) {
            // A defaulting mapping (twisted's `DomainWithDefaultDict`): `d[key]` answers every key with a
            // default, so "every key is in it" is what its lookups say too; membership is not faked.
            severity = 'info';
            context = ' (its lookups answer every key with a default, so membership agrees with `d[key]`: a defaulting mapping, not a faked membership check)';
          } else if (o.dunder === '__contains__' && owner && !eq && (factories ??= factoryHandOuts(owner, ctx.root)).length) {
            // Built from the caller's input by the class's own factory and handed out: an answer a test
            // checks, not an allow-everything setting (neither exemption below applies).
            related.push(...factories.slice(0, 3));
            context = ' (its factory builds instances from the caller\'s input and hands them out as results: membership in the answer is faked)';
          } else if (o.dunder === '__contains__' && owner && !eq && owner.handedOut.length === 0 && !owner.intent && !enumeratesItems(owner)) {
            // A universal container ("allow everything", Django's DisableMigrations recipe) is a legitimate
            // configuration object; it only fakes a result when code under test returns it.
            severity = 'info';
            context = ' (a universal "contains everything" container that no function here returns: normal as an allow-everything setting, a hack if code under test returns it as a result)';
          } else if (o.dunder === '__contains__' && owner && !eq && (universal = universalOnSomeBranches(owner, classes))) {
            // Django's superuser permission set, sphinx's `:members:` with no argument, webob's ETag `*`:
            // "everything" is the right answer on that branch, and the same code computes real sets on the others.
            severity = 'info';
            const what = owner.singletons.length === 1 ? `, \`${owner.singletons[0]!.name}\`,` : '';
            const signs = universal.signals.join(', ');
            const fns = universal.functions.map((f) => `\`${f}()\``).join(', ');
            context = fns
              ? ` (a universal set${what} that ${fns} returns on some branches only and real values on the others${signs ? `; ${signs}` : ''}, like a superuser's permission set or a parser's "no argument means all": a hack if returned in place of a computed answer)`
              : ` (a deliberate "matches everything" value: ${signs}; no function here returns it: a hack if code under test returns it in place of a computed answer)`;
          } else if (o.dunder === '__contains__' && owner && !eq && (everyone = everyoneMemberOfFamily(owner, classes))) {
            // An ACL's predefined "all users" group beside grantees that check for real: a word of the
            // family's vocabulary that a preset table lists, not an answer computed for the caller.
            severity = 'info';
            const siblings = everyone.siblings.slice(0, 3).map((s) => `\`${s}\``).join(', ');
            const tables = everyone.tables.slice(0, 3).map((f) => `\`${f}()\``).join(', ');
            context = ` (the "everyone" member of a family whose other members check membership for real (${siblings}): it holds no data, and ${tables} lists it in a table next to them; a hack if code under test returns it as an answer)`;
          } else if (owner?.intent) {
            context = ` (the code says "${owner.intent}")`;
          }
          related.unshift(...o.answer.values.slice(0, 5).map((v) => ({ node: v, message: `always returns \`${v.text.replace(/\s+/g, ' ').slice(0, 40)}\` here` })));
          for (const v of o.answer.boundValues.slice(0, 3)) {
            // An argument a `functools.partial`/`partialmethod` fixes (`op=operator.eq`).
            if (v.parent?.type === 'keyword_argument' || v.parent?.type === 'argument_list') {
              related.push({ node: v, message: `the partial fixes \`${v.parent.type === 'keyword_argument' ? v.parent.text.replace(/\s+/g, ' ').slice(0, 40) : v.text.replace(/\s+/g, ' ').slice(0, 40)}\`, so the call always gives the same answer` });
              continue;
            }
            if (v.parent?.type === 'default_parameter' || v.parent?.type === 'typed_default_parameter') {
              // A default the comparison protocol never overrides: `a == b` passes only the two operands.
              related.push({ node: v, message: `\`${v.parent.childForFieldName('name')?.text ?? 'the parameter'}\` defaults to \`${v.text.replace(/\s+/g, ' ').slice(0, 40)}\`, and neither \`==\` nor any call here passes it` });
              continue;
            }
            const name = v.parent?.childForFieldName('left')?.text ?? 'the returned name';
            related.push({ node: v, message: `\`${name}\` is bound once, to \`${v.text.replace(/\s+/g, ' ').slice(0, 40)}\`, and never rebound` });
          }
          for (const v of o.answer.delegatedValues.slice(0, 3)) {
            related.push({ node: v, message: `the called code always returns \`${v.text.replace(/\s+/g, ' ').slice(0, 40)}\` here` });
          }
          if (ne) related.push({ node: ne.reportNode, message: `\`__ne__\` always returns \`${answerText(ne)}\` as well` });
          const fix = removalFix(o, ne, ctx.source);
          let node = decisiveReturn(o) ?? o.reportNode;
          // `def __eq__(self, other): return not self.__ne__(other)` with an always-false `__ne__`: the constant is in
          // `__ne__`, so that is where the finding points.
          if (ne && /__ne__/.test(node.text)) node = decisiveReturn(ne) ?? ne.reportNode;
          const generator = generatingFunction(o);
          if (generator) {
            // A comparison built by a factory and installed from elsewhere (a metaclass or class decorator calling
            // `_make_eq(fields)`): the install line shows only the factory's name, and every class it builds
            // shares the one constant answer; point at the generated function, once.
            if (generatedReported.has(o.impl.id)) continue;
            generatedReported.add(o.impl.id);
            node = o.impl.childForFieldName('name') ?? o.impl;
            for (const other of overrides) {
              if (other.spoofs && other.impl.id === o.impl.id) related.push({ node: other.reportNode, message: `installed here, through \`${generator}(...)\`` });
            }
          }
          const who = generator ? `\`${generator}()\` builds a \`${o.dunder}\` (installed on classes from outside it) that` : subject(o);
          ctx.report({ node, message: `${who} ${effect(o)}${context}.`, severity, related, ...(fix ? { fix } : {}) });
        }
      },
    };
  },
};

/**
 * A method written in the class body whose one way out gives the constant answer: the `return` to point at, since
 * it is the line to change (comments and logging often sit between it and the `def`). Undefined when several
 * statements return, or the answer comes from elsewhere (a bound name, a delegated call), or a lambda.
 */
function decisiveReturn(o: ComparisonOverride): Node | undefined {
  if (o.form !== 'def' || o.decorator || o.impl.type !== 'function_definition' || !o.answer.values.length) return undefined;
  const body = o.impl.childForFieldName('body')!;
  const statements = o.answer.values.map((v) => v.parent);
  if (statements.some((s) => s?.type !== 'return_statement' || enclosingFunction(s)?.id !== o.impl.id)) return undefined;
  let returns = 0;
  forEachInScope(body, (n) => void (n.type === 'return_statement' && returns++));
  if (returns === 1 && statements.length === 1) return statements[0]!;
  // Several returns of the one answer, the last ending the body after real work (`self.last_diff = _diff(...)`,
  // `return True`): the comparison was made and its result dropped there.
  if (new Set(o.answer.values.map((v) => v.text)).size !== 1) return undefined;
  const last = body.namedChildren.filter((c) => c.type !== 'comment').pop();
  const work = body.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'return_statement' && c.type !== 'if_statement' && !(c.type === 'expression_statement' && c.namedChild(0)?.type === 'string'));
  return last && statements.some((s) => s!.id === last.id) && work.length > 0 ? last : undefined;
}

/**
 * The factory whose call produced an override's implementation, when that implementation is a def nested in
 * a module-level function (`def _make_eq(fields): def __eq__(self, other): ...; return __eq__`) and is
 * installed from outside that function (a metaclass's `ns.setdefault("__eq__", _make_eq(fields))`, a class
 * decorator's `setattr(cls, "__eq__", _make_eq(...))`). Undefined for lambdas, module-level defs and
 * class-body installs (`__eq__ = tolerant(_eq)`), which are reported where they are written.
 */
function generatingFunction(o: ComparisonOverride): string | undefined {
  if (o.form !== 'namespace-entry' && o.form !== 'setattr' && o.form !== 'attribute-assignment') return undefined;
  if (o.impl.type !== 'function_definition') return undefined;
  const outer = o.impl.parent?.type === 'block' ? o.impl.parent.parent : undefined;
  const top = outer?.parent?.type === 'decorated_definition' ? outer.parent : outer;
  if (outer?.type !== 'function_definition' || top?.parent?.type !== 'module') return undefined;
  for (let p: Node | null = o.reportNode; p; p = p.parent) if (p.id === outer.id) return undefined;
  return outer.childForFieldName('name')?.text;
}

/** Does a `return` hand out a new instance of the class, also as one arm of `or`/`if`-`else` (`return found or Missing()`)? */
/** An expected value of the admitted type, for the message. */
function exampleOf(type: string): string {
  const t = type.replace(/^.*\./, '');
  if (/Mapping|^dict$/.test(t)) return '{"key": 1}';
  if (/Sequence|Iterable|Collection|Container|Sized|^(list|tuple)$/.test(t)) return '[1, 2]';
  if (/Set$|^(set|frozenset)$/.test(t)) return '{1, 2}';
  if (/^(str|bytes)$/.test(t)) return '"x"';
  return '10';
}

function returnsInstance(root: Node, cls: string): boolean {
  const arms = (v: Node): Node[] => {
    const u = unparen(v);
    if (u.type === 'boolean_operator') return [...arms(u.childForFieldName('left')!), ...arms(u.childForFieldName('right')!)];
    if (u.type === 'conditional_expression') return [u.namedChildren[0], u.namedChildren[2]].filter((x): x is Node => !!x).flatMap(arms);
    return [u];
  };
  return root.descendantsOfType('return_statement').some((r) => {
    const v = r?.namedChildren.find((c) => c.type !== 'comment');
    return !!v && arms(v).some((a) => a.type === 'call' && a.childForFieldName('function')?.text === cls);
  });
}

/**
 * `return UNSET` statements (of any function) where the module binds `UNSET` once, to `Cls()`: the class's
 * singleton handed out as a result.
 */
function returnedSingletons(root: Node, cls: string): Node[] {
  const singletons = new Set<string>();
  const counts = new Map<string, number>();
  for (const stmt of root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    if (left?.type !== 'identifier') continue;
    counts.set(left.text, (counts.get(left.text) ?? 0) + 1);
    const right = unparen(a!.childForFieldName('right') ?? left);
    if (right.type === 'call' && right.childForFieldName('function')?.text === cls) singletons.add(left.text);
  }
  const out: Node[] = [];
  for (const r of root.descendantsOfType('return_statement')) {
    const v = r?.namedChildren.find((c) => c.type !== 'comment');
    if (r && v && v.type === 'identifier' && singletons.has(v.text) && counts.get(v.text) === 1) out.push(r);
  }
  return out;
}

/** Module-level functions of two or more parameters whose body only returns `True` (a docstring aside). */
function alwaysTrueComparisons(root: Node): string[] {
  const out: string[] = [];
  for (const stmt of root.namedChildren) {
    // The text test first: this runs over every module-level function of a file.
    if (stmt.type !== 'function_definition' || !stmt.text.includes('True') || parameterNames(stmt).length < 2) continue;
    // Every way out answers `True` (logging before it, under a condition or not, changes nothing).
    if (constantAnswer(stmt)?.truth === 'truthy' && returnsOf(stmt).every((r) => unparen(r.namedChildren.find((c) => c.type !== 'comment') ?? r).type === 'true')) {
      out.push(stmt.childForFieldName('name')!.text);
    }
  }
  return out;
}

/**
 * `class Money: __eq__ = amounts_match` (or `= _internal.amounts_match`) where another module of the project defines
 * `amounts_match` to return `True` whatever it is given: the class's equality is always true, as if written here.
 */
function reportImportedComparisons(ctx: RuleContext): void {
  for (const stmt of ctx.root.namedChildren) {
    const cls = definitionOf(stmt);
    if (cls.type !== 'class_definition') continue;
    for (const member of cls.childForFieldName('body')?.namedChildren ?? []) {
      const a = member.type === 'expression_statement' ? member.namedChild(0) : null;
      const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
      const right = a?.childForFieldName('right');
      if (left?.text !== '__eq__' || !right) continue;
      // `__eq__ = _Comparator()`: an instance of an imported descriptor class.
      const made = right.type === 'call' && callArguments(right).positional.length === 0 ? right.childForFieldName('function') : null;
      const ref = made ?? right;
      if (ref.type !== 'identifier' && ref.type !== 'attribute') continue;
      const qualified = ref.type === 'identifier' ? ctx.names.alias(ref.text) : ctx.names.qualify(ref);
      if (ctx.imported(qualified)?.kind !== (made ? ALWAYS_TRUE_DESCRIPTOR : 'always-true-comparison')) continue;
      const name = cls.childForFieldName('name')?.text ?? 'the class';
      const testSide = isTestSide(ctx.roleAt(a!));
      const module = qualified!.replace(/^\.+/, '').replace(/\.[^.]*$/, '');
      ctx.report({
        node: left,
        message: made
          ? `\`${name}.__eq__\` is \`${right.text}\`, a descriptor that ${module} defines to hand instances a function returning \`True\` whatever it is compared with, so \`assert result == expected\` passes for any expected value${testSide ? ' (in test code)' : ''}.`
          : `\`${name}.__eq__\` is \`${right.text}\`, which ${module} defines to return \`True\` whatever it is compared with, so \`assert result == expected\` passes for any expected value${testSide ? ' (in test code)' : ''}.`,
        severity: testSide ? 'info' : 'error',
      });
    }
  }
}

