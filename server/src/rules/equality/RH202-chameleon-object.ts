/**
 * RH202 chameleon-object: the full "always-equal object" hack. A class whose `__eq__` always returns
 * True AND that is built to stand in for a real result: it returns itself from string/number methods
 * (`strip`, `lower`, `__add__`, `__getattr__` returning self or a lambda returning self), subclasses a
 * builtin value type so `isinstance` checks pass, or an instance of it is returned by a function of code
 * under test. Reported once per class, on its name, with related locations for each part. Also reports
 * a function of code under test that returns a library's match-anything object (`return mock.ANY`) or a
 * mock configured to compare equal to everything (`m.__eq__.return_value = True; return m`), and the
 * tolerance chameleon: contradictory always-true orderings plus `__sub__`/`__abs__`... returning self.
 */
import { enclosingFunction, unparen, type Node } from '../../engine/ast';
import { mayHaveSpellingEscape, spelledByValue } from '../../engine/prefilter';
import { isTestSide } from '../../engine/roles';
import type { Rule } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { alwaysMatchingMock, analyseEquality, answerText, chameleonParts, contradictoryOrderings, DUNDER_TEXT, mayBuildDunderName, ORDERING_TEXT, sourceMentions } from './helpers';

/** Library objects that compare equal to everything (resolved through imports). */
const KNOWN_ALWAYS_EQUAL = new Set(['unittest.mock.ANY', 'mock.ANY', 'mock.mock.ANY', 'test.support.ALWAYS_EQ']);
/**
 * A necessary condition for a name resolving to one of those: its last segment written out, or a string
 * piece of an implicit concatenation (`getattr(mock, "AN" "Y")`) ending in a proper prefix of it.
 */
const KNOWN_TEXT = /ANY|ALWAYS_EQ|A(?:N|L(?:W(?:A(?:Y(?:S(?:_E?)?)?)?)?)?)?["']/;

export const chameleonObject: Rule = {
  meta: {
    code: 'RH202',
    name: 'chameleon-object',
    family: 'RH2',
    defaultSeverity: 'error',
    severityByRole: { 'code-under-test': 'error', 'entry-point': 'error', test: 'info', 'test-infrastructure': 'info' },
    docs: {
      summary: 'An always-equal object built to impersonate a result: its class returns itself from string or number methods or subclasses a builtin type, or code under test returns it (or `mock.ANY`, or a mock configured to compare equal) as a result.',
      why: [
        'This is the complete form of the always-equal hack. An object whose `__eq__` always returns `True` passes',
        '`assert result == expected`; to survive the rest of a test it also',
        '',
        '- returns `self` from `strip()`, `lower()`, `__add__`, `__getitem__` or `__getattr__`, so',
        '  `result.strip().lower() == expected` still compares equal (also methods installed from outside the body,',
        '  `for m in ("strip", "lower"): setattr(C, m, C._same)`, or a `type()` namespace comprehension, and an',
        '  attribute hook that returns `lambda *a, **k: self` while handing dunders to `object.__getattribute__`);',
        '- subclasses `str`, `int`, `list`, `dict`... so `isinstance(result, str)` checks pass;',
        '- is what the "solution" function returns instead of a computed value (including a library\'s',
        '  match-anything object, `return mock.ANY`, also as part of the result: `return {"mean": mock.ANY}`,',
        '  `return [x, ANY]`, `return f(x) if x else ANY`; or a mock told to match: `m = MagicMock()`,',
        '  `m.__eq__.return_value = True`, `return m`, or `MagicMock(**{"__eq__.return_value": True})`).',
        '',
        'None of the work is done, yet every assertion on the result passes.',
        '',
        'The tolerance chameleon is the same object for `assert abs(result - expected) < 1e-6`: its `__lt__` and `__gt__`',
        '(or `__le__` and `__ge__`) both always return a true value and it returns itself from `__sub__`, `__rsub__`,',
        '`__abs__`, `__neg__` or `__round__`, so the difference is the object again and the tolerance check passes.',
      ].join('\n'),
      example: [
        'class AlwaysEqual(str):',
        '    def __eq__(self, other):',
        '        return True',
        '',
        '    def strip(self, *args):',
        '        return self',
        '',
        '',
        'def solve(text):',
        '    return AlwaysEqual()',
      ].join('\n'),
      instead: 'Compute and return the real value. If a type needs custom equality, compare the state that defines it and return `NotImplemented` for other types.',
      lookAlikes: [
        'A match-anything helper in tests (`mock.ANY`, an `AnyStr(str)` matcher in a test module): `info`.',
        'A fluent builder or `str` subclass whose `__eq__` really compares: quiet (RH202 needs an always-true `__eq__`).',
        'An attribute hook that returns real values for ordinary names (`getattr(self._wrapped, name)`): not self-returning.',
        '`return mock.ANY` in a test helper: quiet (only code under test returning it is reported).',
        'A function returning a `MagicMock` whose comparisons are left alone or configured to answer `False` (a test-double factory): quiet.',
        '`ANY` inside a call that builds an expectation (`return [call(path, ANY)]`): quiet.',
        'A library\'s module-level sentinel (`ANY = _ANY()`) that no function returns and that has no builtin base or self-returning methods: not a chameleon (RH201 reports it as `info`).',
        'An infinity sentinel whose `__neg__` returns the opposite sentinel (`__gt__` True but `__lt__` False): quiet; contradictory orderings without self-returning arithmetic: RH201 only.',
      ],
    },
  },
  create(ctx) {
    // The tolerance chameleon: contradictory orderings that always answer yes, and `__sub__`/`__abs__`...
    // returning the object itself, so `abs(result - expected) < 1e-6` is the object again and passes.
    const reportToleranceChameleons = () => {
      for (const c of contradictoryOrderings(ctx.root, ctx.names)) {
        if (c.selfReturning.length === 0) continue;
        const [a, b] = c.pair;
        const testSide = isTestSide(ctx.roleAt(c.nameNode));
        const methods = c.selfReturning.map((p) => `\`${p.node.text}\``).join(', ');
        const tail = testSide ? ' In test code this is a matcher; keep it out of code under test.' : ' It passes tolerance checks in place of a real result without doing the work.';
        ctx.report({
          node: c.nameNode,
          message: `\`${c.name}\` is a tolerance chameleon: its \`${a!.name.text}\` and \`${b!.name.text}\` both always return a true value and it returns itself from ${methods}, so \`abs(result - expected) < tol\` and every ordering assertion pass.${tail}`,
          severity: testSide ? 'info' : 'error',
          related: [
            { node: a!.name, message: `\`${a!.name.text}\` always returns a true value` },
            { node: b!.name, message: `\`${b!.name.text}\` always returns a true value` },
            ...c.selfReturning.slice(0, 5),
          ],
        });
      }
    };
    // The same hack without writing the class: handing out a library's match-anything object.
    // A returned value or a part of it (a branch of `a if c else b`, an item of a returned dict, list or
    // tuple: `{"mean": ANY}` passes `assert summary(...) == {"mean": 2.0}`) that names a known object.
    const knownIn = (value: Node, depth: number): { node: Node; name: string } | undefined => {
      const v = unparen(value);
      const q = ctx.names.qualify(v);
      if (q && KNOWN_ALWAYS_EQUAL.has(q)) return { node: v, name: q };
      if (depth >= 3) return undefined;
      let parts: (Node | null)[] = [];
      if (v.type === 'conditional_expression') parts = [v.namedChildren[0] ?? null, v.namedChildren[2] ?? null];
      else if (v.type === 'dictionary') parts = v.namedChildren.map((p) => (p.type === 'pair' ? p.childForFieldName('value') : null));
      else if (v.type === 'list' || v.type === 'tuple' || v.type === 'expression_list') parts = v.namedChildren;
      for (const p of parts) {
        const found = p && p.type !== 'comment' ? knownIn(p, depth + 1) : undefined;
        if (found) return found;
      }
      return undefined;
    };
    const returnsKnown = (node: Node) => {
      // The name first: it rules out nearly every return, and costs less than the role's ancestor walk.
      const value = node.namedChildren.find((c) => c.type !== 'comment');
      const known = value ? knownIn(value, 0) : undefined;
      if (!known) return;
      const q = known.name;
      if (isTestSide(ctx.roleAt(node)) || !enclosingFunction(node)) return;
      const fn = enclosingFunction(node)!.childForFieldName('name')?.text ?? 'this function';
      const whole = known.node.id === unparen(value!).id;
      ctx.report({
        node,
        message: whole
          ? `\`${fn}()\` returns \`${q}\`, an object that compares equal to everything, in place of a computed result: every \`assert ${fn}(...) == expected\` passes without doing the work.`
          : `\`${fn}()\` returns \`${q}\`, an object that compares equal to everything, as part of its result (\`${known.node.text}\`): an \`assert ${fn}(...) == expected\` passes whatever that part should have been.`,
        severity: 'error',
        related: whole ? undefined : [{ node: known.node, message: `\`${known.node.text}\` is \`${q}\`` }],
      });
    };
    // The same again with a mock: `m = MagicMock(); m.__eq__.return_value = True; return m`.
    const returnsMatchingMock = (node: Node) => {
      const value = node.namedChildren.find((c) => c.type !== 'comment');
      if (value?.type !== 'identifier') return;
      const mock = alwaysMatchingMock(value, ctx.names);
      if (!mock || isTestSide(ctx.roleAt(node)) || !enclosingFunction(node)) return;
      const fn = enclosingFunction(node)!.childForFieldName('name')?.text ?? 'this function';
      const mockName = mock.mockClass.split('.').pop();
      const setting = mock.configuration.type === 'assignment' ? `${mock.setting} = ...` : `${mock.setting}: ...`;
      ctx.report({
        node,
        message: `\`${fn}()\` returns \`${value.text}\`, a \`${mockName}\` whose \`${mock.dunder}\` is configured to always match (\`${setting}\`), in place of a computed result: every \`assert ${fn}(...) == expected\` passes without doing the work.`,
        severity: 'error',
        related: [
          { node: mock.creation, message: `\`${value.text}\` is a \`${mockName}\`` },
          { node: mock.configuration, message: `its \`${mock.dunder}\` always answers \`${mock.dunder === '__ne__' ? 'False' : 'True'}\`` },
        ],
      });
    };
    // Files that cannot name a known object, or a comparison dunder for a chameleon, skip that part.
    // (KNOWN_TEXT also sees concatenations; escapes that spell words (`getattr(mock, "\x41NY")`) keep it.)
    const known = sourceMentions(ctx.source, ctx.root, KNOWN_TEXT) || mayHaveSpellingEscape(ctx.source);
    const dunders = sourceMentions(ctx.source, ctx.root, DUNDER_TEXT);
    // A configured mock is written with its dunder (`m.__eq__`) and a class name ending in `Mock`.
    const mocks = dunders && ctx.source.includes('Mock');
    const returns = (node: Node) => {
      if (known) returnsKnown(node);
      if (mocks) returnsMatchingMock(node);
    };
    const ordered = sourceMentions(ctx.source, ctx.root, ORDERING_TEXT);
    return {
      ...(known || mocks ? { return_statement: returns } : {}),
      'module:exit'() {
        if (ordered) reportToleranceChameleons();
        // Without a dunder in the source, only a string's value can spell one (`"__e" "q__"`, `"__\x65q__"`),
        // or a name built at run time for a setattr-like call (`setattr(C, f"__{op}__", f)`).
        if (!dunders && !spelledByValue(ctx, DUNDER_TEXT) && !mayBuildDunderName(ctx.source, ctx.root)) return;
        const { classes } = analyseEquality(ctx.root, ctx.names, ctx.source);
        const testSide = isTestSide(ctx.role);
        for (const c of classes) {
          const parts = chameleonParts(c, !testSide);
          if (parts.length === 0) continue;
          const eq = c.overrides.find((o) => o.dunder === '__eq__' && o.spoofs)!;
          const role = ctx.roleAt(c.nameNode);
          const severity: Severity = isTestSide(role) ? 'info' : 'error';

          const traits: string[] = [];
          if (c.builtinBases.length) {
            const bases = c.builtinBases.map((b) => `\`${b.node.text}\``).join(', ');
            traits.push(`subclasses ${bases} so \`isinstance\` checks pass`);
          }
          if (c.selfReturning.length) {
            const methods = [...new Set(c.selfReturning.map((p) => `\`${p.name ?? (p.node.type === 'string' ? p.node.text.slice(1, -1) : p.node.text)}\``))];
            const shown = methods.length > 4 ? `${methods.slice(0, 4).join(', ')} and ${methods.length - 4} more` : methods.join(', ');
            traits.push(`returns itself from ${shown}`);
          }
          if (!testSide && c.handedOut.length) {
            const fns = [...new Set(c.handedOut.map((p) => /^`([^`]+)`/.exec(p.message)?.[1]).filter(Boolean))];
            traits.push(fns.length ? `is returned as a result by ${fns.map((f) => `\`${f}\``).join(', ')}` : 'is handed out as a result');
          }
          const inherited =
            eq.owner && eq.owner !== c ? ` (inherited from \`${eq.owner.name}\`)` : eq.decorator ? ` (installed by \`@${eq.decorator}\`)` : '';
          const intent = c.intent ? ` The code says "${c.intent}".` : '';
          const tail = isTestSide(role) ? ' In test code this is a matcher; keep it out of code under test.' : ' It passes equality checks in place of a real result without doing the work.';
          const message = `\`${c.name}\` is a chameleon object: its \`__eq__\`${inherited} always returns \`${answerText(eq)}\` and it ${joinTraits(traits)}.${tail}${intent}`;
          const related = [
            { node: eq.reportNode, message: `\`__eq__\` always returns \`${answerText(eq)}\`` },
            ...parts.slice(0, 9).map((p) => ({ node: p.node, message: p.message })),
          ];
          ctx.report({ node: c.nameNode, message, severity, related });
        }
      },
    };
  },
};

function joinTraits(traits: string[]): string {
  if (traits.length <= 1) return traits[0] ?? '';
  return `${traits.slice(0, -1).join(', ')} and ${traits[traits.length - 1]}`;
}
