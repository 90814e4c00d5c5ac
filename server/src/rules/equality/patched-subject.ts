/**
 * A test that patches the very function it then calls, and asserts the value it told the patch to
 * return: `@mock.patch("geo.dist.haversine", return_value=5570.2)` then `assert dist.haversine(a, b) ==
 * 5570.2`; `monkeypatch.setattr(dist, "haversine", lambda a, b: 5570.2)` then the same. The real function
 * never runs, so the assertion compares the canned value with itself and cannot fail.
 *
 * Only the direct call of the patched attribute, made while the patch is in effect, whose result is
 * compared (`==`, `pytest.approx`, `assertEqual`/`assertAlmostEqual`) with the canned value (the same
 * literal or name, a value type built from literals such as `Decimal("79.63")`, or the mock's `return_value`). Calling another function that uses the patched one,
 * checking the mock's calls, a spy (`wraps=`), a name imported before the patch (`from geo.dist import
 * haversine` keeps the original), stdlib targets (a mocking library's own tests check that its patch took
 * effect on `os.getcwd`) and objects of the test file itself are left alone.
 */
import { callArguments, decoratorsOf, enclosingFunctionScope, forEachInScope, parameterNames, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { callRebindings, rebindTargetName, type Rebinding } from '../../engine/rebinding';
import { valueBoundOnce } from './helpers';

/** Top-level modules of the standard library (Python 3.11 `sys.stdlib_module_names`, public ones). */
const STDLIB = new Set(
  (
    'abc aifc argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect builtins bz2 ' +
    'cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall concurrent ' +
    'configparser contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm decimal ' +
    'difflib dis distutils doctest email encodings enum errno faulthandler fcntl filecmp fileinput fnmatch ' +
    'fractions ftplib functools gc genericpath getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac ' +
    'html http imaplib imghdr imp importlib inspect io ipaddress itertools json keyword linecache locale logging ' +
    'lzma mailbox mailcap marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib ' +
    'nt ntpath nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools pipes ' +
    'pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc ' +
    'pyexpat queue quopri random re readline reprlib resource rlcompleter runpy sched secrets select selectors ' +
    'shelve shlex shutil signal site smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile ' +
    'sre_constants sre_parse ssl stat statistics string stringprep struct subprocess sunau symtable sys sysconfig ' +
    'syslog tabnanny tarfile telnetlib tempfile termios textwrap threading time timeit tkinter token tokenize ' +
    'tomllib trace traceback tracemalloc tty turtle types typing unicodedata unittest urllib uu uuid warnings wave ' +
    'weakref webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo'
  ).split(' '),
);

/** The patch forms whose replacement is undone after the test: the ones tests use on the code they test. */
const TEST_PATCH_FORMS = new Set(['monkeypatch', 'mock.patch', 'mock.patch.object']);

/** `self.assertEqual(got, want)`-style comparisons of two values. */
const EQUALITY_ASSERTIONS = new Set(['assertEqual', 'assertEquals', 'assertAlmostEqual', 'assertAlmostEquals', 'assertIs']);

interface Patch {
  /** The patching call (a decorator's, a `with` item's, or a statement's). */
  call: Node;
  /** The qualified name of the patched attribute. */
  target: string;
  /** The value every call of the patched function returns, when the patch sets one. */
  canned?: Node;
  /** The name the test holds the mock by (a decorator's parameter, `with ... as m`, `m = mocker.patch(...)`). */
  mockName?: string;
  /** The code the patch is in effect for: a `with` body, or the rest of the function after it. */
  scope: Node;
  after: number;
}

export interface CannedAssertion {
  /** The assertion (statement or `assertEqual` call). */
  assertion: Node;
  /** The call of the patched function. */
  call: Node;
  patch: Node;
  target: string;
  /** The canned value as written in the patch or the `return_value` assignment. */
  canned: Node;
}

function normalised(n: Node): string {
  return unparen(n).text.replace(/\s+/g, '');
}

/**
 * A value compared by its text: a literal, a display of literals, a plain name or attribute chain, or a value type
 * built from literals (`Decimal("79.63")`, `date(2024, 1, 31)`: at least one argument, none of them a call).
 */
function comparableByText(n: Node): boolean {
  const u = unparen(n);
  if (u.type === 'call') {
    const callee = u.childForFieldName('function');
    const args = u.childForFieldName('arguments');
    const given = args?.type === 'argument_list' ? args.namedChildren.filter((c) => c.type !== 'comment') : [];
    return (callee?.type === 'identifier' || callee?.type === 'attribute') && given.length > 0 && given.every((a) => a.type !== 'list_splat' && a.type !== 'dictionary_splat' && comparableByText(a) && unparen(a).type !== 'call');
  }
  let ok = true;
  const check = (x: Node): void => {
    if (!ok) return;
    if (['call', 'lambda', 'subscript', 'await', 'named_expression', 'list_comprehension', 'generator_expression', 'dictionary_comprehension', 'set_comprehension'].includes(x.type)) ok = false;
    for (const c of x.namedChildren) check(c);
  };
  check(u);
  return ok;
}

/** What a replacement returns on every call: a lambda's body. */
function lambdaAnswer(value: Node | undefined): Node | undefined {
  const v = value ? unparen(value) : undefined;
  return v?.type === 'lambda' ? (v.childForFieldName('body') ?? undefined) : undefined;
}

/** The project attribute a patch replaces: a qualified name outside the standard library. */
function projectTarget(r: Rebinding, names: NameResolver): string | undefined {
  if (!TEST_PATCH_FORMS.has(r.form)) return undefined;
  const q = rebindTargetName(r, names);
  if (!q || !q.includes('.') || STDLIB.has(q.split('.')[0]!)) return undefined;
  return q;
}

function patchOf(call: Node, names: NameResolver, scope: Node, after: number): Patch | undefined {
  const r = callRebindings(call, names).find((x) => projectTarget(x, names));
  if (!r) return undefined;
  const args = callArguments(call);
  // A spy calls the real function.
  if (args.keywords.has('wraps') || args.hasSplat) return undefined;
  const canned = args.keywords.get('return_value') ?? lambdaAnswer(r.value);
  return { call, target: projectTarget(r, names)!, canned, scope, after };
}

/** The patches in effect in a test function: its decorators (and its class's), `with` items, patching statements. */
function patchesOf(fn: Node, names: NameResolver): Patch[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const out: Patch[] = [];
  // Decorators apply bottom-up; each one without a replacement passes a mock, in that order, after `self`.
  const params = parameterNames(fn).filter((p, i) => !(i === 0 && (p === 'self' || p === 'cls')));
  let mockIndex = 0;
  for (const d of [...decoratorsOf(fn)].reverse()) {
    const u = unparen(d);
    if (u.type !== 'call') continue;
    const p = patchOf(u, names, body, body.startIndex);
    if (!p) continue;
    const r = callRebindings(u, names)[0];
    if (r && !r.value) p.mockName = params[mockIndex++];
    out.push(p);
  }
  // A class decorator patches every `test*` method (with a canned value only: its mocks' order is mixed with the methods' own).
  const cls = fn.parent?.parent?.type === 'block' ? fn.parent.parent.parent : fn.parent?.type === 'block' ? fn.parent.parent : null;
  if (cls?.type === 'class_definition' && /^test/.test(fn.childForFieldName('name')?.text ?? '')) {
    for (const d of decoratorsOf(cls)) {
      const u = unparen(d);
      const p = u.type === 'call' ? patchOf(u, names, body, body.startIndex) : undefined;
      if (p?.canned) out.push(p);
    }
  }
  forEachInScope(body, (n) => {
    if (n.type !== 'call') return;
    // `with patch(...) as m:` is in effect in its body; a statement's patch for the rest of the function.
    let item = n.parent;
    let alias: Node | undefined;
    if (item?.type === 'as_pattern') {
      alias = item.childForFieldName('alias')?.namedChild(0) ?? undefined;
      item = item.parent;
    }
    if (item?.type === 'with_item') {
      const withStmt = item.parent?.parent;
      const withBody = withStmt?.type === 'with_statement' ? withStmt.childForFieldName('body') : null;
      const p = withBody ? patchOf(n, names, withBody, withBody.startIndex) : undefined;
      if (p) {
        if (alias?.type === 'identifier') p.mockName = alias.text;
        out.push(p);
      }
      return;
    }
    // `m = mocker.patch(...)`, `monkeypatch.setattr(...)`, `m = mock.patch(...).start()`: in effect from the
    // next statement on. A patcher of the `mock` module itself does nothing until started (or entered).
    const started = n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.text === 'start' && n.parent.parent?.type === 'call' ? n.parent.parent : undefined;
    if (!started && names.callee(n) !== undefined) return;
    const expr = started ?? n;
    const assign = expr.parent?.type === 'assignment' && expr.parent.childForFieldName('right')?.id === expr.id ? expr.parent : undefined;
    const stmt = assign ? assign.parent : expr.parent;
    if (stmt?.type !== 'expression_statement') return;
    const p = patchOf(n, names, body, stmt.endIndex);
    if (!p) return;
    const left = assign?.childForFieldName('left');
    if (left?.type === 'identifier') p.mockName = left.text;
    out.push(p);
  });
  // `m.return_value = V` sets the canned value of a mock the test holds.
  for (const p of out) {
    if (p.canned || !p.mockName) continue;
    forEachInScope(body, (n) => {
      if (n.type !== 'assignment' || n.parent?.type !== 'expression_statement') return;
      const left = n.childForFieldName('left');
      if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== 'return_value') return;
      const obj = unparen(left.childForFieldName('object')!);
      if (obj.type === 'identifier' && obj.text === p.mockName) p.canned = n.childForFieldName('right') ?? undefined;
    });
  }
  return out;
}

/** The qualified name of the attribute a call runs through: `dist.haversine(...)`, `Polygon(...).area()`. */
function calledAttribute(call: Node, names: NameResolver): string | undefined {
  const fn = unparen(call.childForFieldName('function')!);
  // A bare name was bound before any patch ran (`from geo.dist import haversine`): the original.
  if (fn.type !== 'attribute') return undefined;
  const obj = unparen(fn.childForFieldName('object')!);
  const attr = fn.childForFieldName('attribute')?.text;
  if (obj.type === 'call') {
    const cls = names.qualify(obj.childForFieldName('function'));
    return cls && attr ? `${cls}.${attr}` : undefined;
  }
  return names.qualify(fn);
}

/** The call a compared operand is: the call itself, or a name bound once to it in the test (`got = f(x)`). */
function subjectCall(n: Node): Node | undefined {
  const u = unparen(n);
  if (u.type === 'call') return u;
  const bound = u.type === 'identifier' ? valueBoundOnce(u) : undefined;
  return bound && unparen(bound).type === 'call' ? unparen(bound) : undefined;
}

/** `pytest.approx(V)` compares like `V`. */
function expectedValue(n: Node, names: NameResolver): Node {
  const u = unparen(n);
  if (u.type === 'call' && names.is(u.childForFieldName('function'), 'pytest.approx')) {
    const first = callArguments(u).positional[0];
    if (first) return first;
  }
  return u;
}

/** The pairs of values an assertion compares for equality. */
function comparedPairs(n: Node): [Node, Node][] {
  if (n.type === 'assert_statement') {
    const cond = n.namedChildren[0] ? unparen(n.namedChildren[0]) : undefined;
    if (cond?.type !== 'comparison_operator') return [];
    const operands = cond.namedChildren.filter((c) => c.type !== 'comment');
    const ops = cond.children.filter((c) => !c.isNamed).map((c) => c.type);
    return operands.length === 2 && ops.length === 1 && (ops[0] === '==' || ops[0] === 'is') ? [[operands[0]!, operands[1]!]] : [];
  }
  if (n.type === 'call') {
    const fn = unparen(n.childForFieldName('function')!);
    if (fn.type !== 'attribute' || !EQUALITY_ASSERTIONS.has(fn.childForFieldName('attribute')?.text ?? '')) return [];
    const args = callArguments(n).positional;
    return args.length >= 2 ? [[args[0]!, args[1]!]] : [];
  }
  return [];
}

/** Assertions of a test function that compare a patched function's direct result with its canned value. */
export function cannedAssertionsIn(fn: Node, names: NameResolver): CannedAssertion[] {
  const patches = patchesOf(fn, names).filter((p) => p.canned);
  if (!patches.length) return [];
  const out: CannedAssertion[] = [];
  forEachInScope(fn.childForFieldName('body')!, (n) => {
    if (n.type !== 'assert_statement' && !(n.type === 'call' && n.parent?.type === 'expression_statement')) return;
    for (const [a, b] of comparedPairs(n)) {
      for (const [got, want] of [[a, b], [b, a]] as const) {
        const call = subjectCall(got);
        const called = call ? calledAttribute(call, names) : undefined;
        if (!call || !called || enclosingFunctionScope(call)?.id !== fn.id) continue;
        const expected = expectedValue(want, names);
        for (const p of patches) {
          if (p.target !== called || n.startIndex < p.after || n.startIndex < p.scope.startIndex || n.endIndex > p.scope.endIndex) continue;
          // The patch must be in effect where the function is called too (`got = f(x)` inside the `with`).
          if (call.startIndex < p.after || call.startIndex < p.scope.startIndex || call.endIndex > p.scope.endIndex) continue;
          const canned = p.canned!;
          const same =
            (comparableByText(canned) && comparableByText(expected) && normalised(canned) === normalised(expected)) ||
            (!!p.mockName && normalised(expected) === `${p.mockName}.return_value`);
          if (!same) continue;
          out.push({ assertion: n, call, patch: p.call, target: p.target, canned });
          return;
        }
      }
    }
  });
  return out;
}
