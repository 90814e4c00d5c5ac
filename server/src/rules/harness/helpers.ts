/**
 * Shared analysis for the RH6 (harness tampering) rules, also used by RH503 (test-source-reading):
 *
 * - `pathOf`: what a path expression is made of — its literal fragments and its dynamic bases — through
 *   `os.path.join`, `pathlib.Path(...)`, the `/` operator, `+`, f-strings, `.joinpath()` and one-hop
 *   local variables (`p = Path("tests")`), so that `Path("tests") / "test_x.py"` is recognised and
 *   `shutil.rmtree(build_dir)` is not.
 * - `testPathKind`: whether such a path names a test file, a test folder, `conftest.py`, a pytest/tox
 *   configuration file or an expected-output file.
 *
 * Expression walks are bounded (depth and fan-out caps): a path expression is small, and a pathological
 * one must not overflow the stack.
 */
import {
  callArguments,
  dottedName,
  enclosingFunction,
  forEachInScope,
  parameterNames,
  stringValue,
  unparen,
  type Node,
} from '../../engine/ast';
import type { NameResolver } from '../../engine/names';

// ---------------------------------------------------------------------------------------------------
// Path expressions

/** One piece of a path expression: literal text, or a dynamic value (a variable, a call). */
export type PathPart = { lit: string } | { dyn: Node };

export interface PathInfo {
  /** Literal and dynamic parts in order; `/` separators are explicit literal text. */
  parts: PathPart[];
  /** A dynamic part comes from a temporary directory (tempfile, `tmp_path`, a `tmp*` name, `/tmp/...`). */
  temporary: boolean;
  /** At least one literal fragment. */
  hasLiteral: boolean;
  /**
   * Where the path starts: a literal (relative to the working directory, or absolute), the module's own
   * location or the working directory (`__file__`, `os.getcwd()`, `Path.cwd()`), or some other value (a
   * parameter, an attribute) — e.g. the target folder of a project generator.
   */
  base?: 'literal' | 'project' | 'other';
}

const JOIN_FUNCTIONS = new Set(['os.path.join', 'posixpath.join', 'ntpath.join']);
const PATH_CLASSES = /^(pathlib\.)?(Path|PurePath|PosixPath|WindowsPath|PurePosixPath|PureWindowsPath)$/;
const PASSTHROUGH_FUNCTIONS = new Set([
  'os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'os.path.expanduser', 'os.fspath', 'builtins.str',
  'os.path.normcase',
]);
const PASSTHROUGH_METHODS = new Set(['resolve', 'absolute', 'expanduser', 'as_posix', '__fspath__']);
const TEMP_NAME = /(^|_)(tmp|temp|tmpdir|tmp_?path|tempdir|temp_?dir|scratch|sandbox)(_|$|dir|path|s\b)|^(tmp|temp)/i;
const TEMP_FACTORIES = /^(tempfile\.\w+|py\.path\.local\.mkdtemp)$/;

const MAX_PATH_DEPTH = 24;
const MAX_PATH_PARTS = 64;

/** Statements in `scope` that bind `name` (simple assignment, `with ... as name`, `for name in ...`). */
function bindingsOf(name: string, scope: Node): Node[] {
  const out: Node[] = [];
  const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!body) return out;
  forEachInScope(body, (n) => {
    if (out.length > 4) return false;
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name) out.push(n);
    } else if (n.type === 'as_pattern') {
      const alias = n.childForFieldName('alias');
      const id = alias?.type === 'as_pattern_target' ? alias.namedChild(0) : alias;
      if (id?.type === 'identifier' && id.text === name) out.push(n);
    } else if (n.type === 'for_statement') {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name) out.push(n);
    }
    return true;
  });
  return out;
}

/** The expression a binding gives its name: the right side, the `with` item, or the `for` iterable. */
function boundExpression(binding: Node): { expr: Node; via: 'value' | 'with' | 'for' } | undefined {
  if (binding.type === 'assignment') {
    const right = binding.childForFieldName('right');
    return right ? { expr: right, via: 'value' } : undefined;
  }
  if (binding.type === 'as_pattern') {
    const v = binding.namedChild(0);
    return v ? { expr: v, via: 'with' } : undefined;
  }
  if (binding.type === 'for_statement') {
    const right = binding.childForFieldName('right');
    return right ? { expr: right, via: 'for' } : undefined;
  }
  return undefined;
}

function isTemporaryDynamic(node: Node, names: NameResolver): boolean {
  const n = unparen(node);
  const text = n.type === 'identifier' ? n.text : n.type === 'attribute' ? (n.childForFieldName('attribute')?.text ?? '') : '';
  if (text && TEMP_NAME.test(text)) return true;
  if (n.type === 'call') {
    const q = names.callee(n) ?? '';
    if (TEMP_FACTORIES.test(q)) return true;
    const d = dottedName(n.childForFieldName('function')) ?? '';
    if (/(^|\.)(mkdtemp|mkstemp|mktemp|gettempdir|TemporaryDirectory|NamedTemporaryFile|mktemp|getbasetemp)$/.test(d)) return true;
  }
  if (n.type === 'attribute' || n.type === 'call') {
    // `tmp_path.joinpath(...)`, `self.tmpdir.name`
    if (TEMP_NAME.test(dottedName(n.type === 'call' ? n.childForFieldName('function') : n) ?? '')) return true;
  }
  return false;
}

/**
 * The parts of a path expression. Depth-capped iteration via an explicit work list; identifiers are
 * followed one hop to their single binding in the enclosing function (or module).
 */
export function pathOf(expr: Node, names: NameResolver): PathInfo {
  const info: PathInfo = { parts: [], temporary: false, hasLiteral: false };
  // Work items are processed in order; `emit` items are pushed in reverse so the output stays ordered.
  type Item = { node: Node; depth: number; followed: number } | { lit: string };
  const stack: Item[] = [{ node: expr, depth: 0, followed: 0 }];
  const pushSeq = (items: Item[]) => {
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!);
  };
  const joined = (args: Node[], depth: number, followed: number): Item[] => {
    const items: Item[] = [];
    args.forEach((a, i) => {
      if (i > 0) items.push({ lit: '/' });
      items.push({ node: a, depth: depth + 1, followed });
    });
    return items;
  };
  while (stack.length) {
    if (info.parts.length > MAX_PATH_PARTS) break;
    const item = stack.pop()!;
    if ('lit' in item) {
      info.parts.push({ lit: item.lit });
      continue;
    }
    const { depth, followed } = item;
    const n = unparen(item.node);
    const dyn = () => {
      info.parts.push({ dyn: n });
      if (isTemporaryDynamic(n, names)) info.temporary = true;
    };
    if (depth > MAX_PATH_DEPTH) {
      dyn();
      continue;
    }
    const s = stringValue(n);
    if (s !== undefined) {
      info.parts.push({ lit: s });
      info.hasLiteral = true;
      if (/^\/(tmp|var\/tmp)(\/|$)/.test(s) && info.parts.length === 1) info.temporary = true;
      continue;
    }
    if (n.type === 'string') {
      // An f-string: literal pieces and interpolations.
      const items: Item[] = [];
      for (const c of n.namedChildren) {
        if (c.type === 'string_content') items.push({ lit: c.text });
        else if (c.type === 'interpolation') {
          const e = c.namedChild(0);
          if (e) items.push({ node: e, depth: depth + 1, followed });
        }
      }
      if (items.some((i) => 'lit' in i)) info.hasLiteral = true;
      pushSeq(items);
      continue;
    }
    if (n.type === 'binary_operator') {
      const op = n.childForFieldName('operator')?.type;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left && right && (op === '/' || op === '+')) {
        pushSeq(op === '/' ? [{ node: left, depth: depth + 1, followed }, { lit: '/' }, { node: right, depth: depth + 1, followed }] : [{ node: left, depth: depth + 1, followed }, { node: right, depth: depth + 1, followed }]);
        continue;
      }
      dyn();
      continue;
    }
    if (n.type === 'call') {
      const fnNode = n.childForFieldName('function');
      const q = names.callee(n) ?? '';
      const args = callArguments(n);
      if ((JOIN_FUNCTIONS.has(q) || PATH_CLASSES.test(q)) && !args.hasSplat && args.positional.length > 0) {
        pushSeq(joined(args.positional, depth, followed));
        continue;
      }
      if (PASSTHROUGH_FUNCTIONS.has(q) && args.positional.length === 1) {
        stack.push({ node: args.positional[0]!, depth: depth + 1, followed });
        continue;
      }
      if (fnNode?.type === 'attribute') {
        const method = fnNode.childForFieldName('attribute')?.text ?? '';
        const obj = fnNode.childForFieldName('object');
        if (obj && method === 'joinpath' && !args.hasSplat) {
          pushSeq([{ node: obj, depth: depth + 1, followed }, { lit: '/' }, ...joined(args.positional, depth, followed)]);
          continue;
        }
        if (obj && PASSTHROUGH_METHODS.has(method)) {
          stack.push({ node: obj, depth: depth + 1, followed });
          continue;
        }
        if (obj && (method === 'with_name' || method === 'with_suffix') && args.positional[0]) {
          // Not modelled precisely: keep the base, then the new name as the last segment.
          pushSeq([{ node: obj, depth: depth + 1, followed }, { lit: '/' }, { node: args.positional[0], depth: depth + 1, followed }]);
          continue;
        }
      }
      dyn();
      continue;
    }
    if (n.type === 'identifier' && followed < 3) {
      const scope = enclosingFunction(n) ?? n.tree.rootNode;
      if (scope.type === 'function_definition' && parameterNames(scope).includes(n.text)) {
        dyn();
        continue;
      }
      let binds = bindingsOf(n.text, scope);
      if (binds.length === 0 && scope.type !== 'module') binds = bindingsOf(n.text, n.tree.rootNode);
      const only = binds.length === 1 ? boundExpression(binds[0]!) : undefined;
      if (only && only.via !== 'for' && only.expr.startIndex < n.startIndex) {
        if (only.via === 'with' && isTemporaryDynamic(only.expr, names)) {
          info.temporary = true;
          dyn();
          continue;
        }
        stack.push({ node: only.expr, depth: depth + 1, followed: followed + 1 });
        continue;
      }
      if (only && only.via === 'for') {
        // `for f in glob.glob("tests/test_*.py"): os.remove(f)` — the loop iterates the listing's entries.
        const listed = listingTarget(only.expr, names);
        if (listed) {
          const items: Item[] = [{ node: listed.base, depth: depth + 1, followed: followed + 1 }];
          if (listed.pattern) items.push({ lit: '/' }, { node: listed.pattern, depth: depth + 1, followed: followed + 1 });
          if (listed.entry) items.push({ lit: '/' }, { lit: '\u0000' });
          pushSeq(items);
          continue;
        }
      }
      dyn();
      continue;
    }
    dyn();
  }
  const first = info.parts.find((p) => !('lit' in p && p.lit === '/'));
  if (first) info.base = 'lit' in first ? 'literal' : /__file__|getcwd|\bcwd\(\)|\bhere\b|\bHERE\b|\bROOT\b|_ROOT\b|\broot_dir\b/.test(first.dyn.text) ? 'project' : 'other';
  return info;
}

/**
 * What the entries of a listing are: `glob.glob("tests/test_*.py")` → the pattern itself;
 * `Path(p).glob("test_*.py")` → `p / pattern`; `os.listdir(p)`, `Path(p).iterdir()` → `p / <entry>`.
 */
export function listingTarget(expr: Node, names: NameResolver): { base: Node; pattern?: Node; entry: boolean } | undefined {
  const n = unparen(expr);
  if (n.type !== 'call') return undefined;
  const q = names.callee(n) ?? '';
  const args = callArguments(n);
  const first = args.positional[0] ?? args.keywords.get('pathname');
  if (/^glob\.(glob|iglob)$/.test(q) && first) return { base: first, entry: false };
  if (/^os\.(listdir|scandir|walk)$/.test(q) && args.positional[0]) return { base: args.positional[0], entry: true };
  const fn = n.childForFieldName('function');
  if (fn?.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const obj = fn.childForFieldName('object');
    if (obj && /^(glob|rglob)$/.test(method) && args.positional[0]) return { base: obj, pattern: args.positional[0], entry: false };
    if (obj && method === 'iterdir') return { base: obj, entry: true };
  }
  return undefined;
}

/** The path as text, dynamic parts written as `\0`. */
export function pathText(info: PathInfo): string {
  return info.parts.map((p) => ('lit' in p ? p.lit : '\u0000')).join('').replace(/\\/g, '/');
}

export type TestPathKind = 'test-file' | 'test-folder' | 'in-test-folder' | 'conftest' | 'pytest-config' | 'project-config' | 'expected-output';

export interface TestPathMatch {
  kind: TestPathKind;
  /** The path as written, dynamic parts as `…`. */
  display: string;
}

const CACHE_SEGMENT = /^(__pycache__|\.pytest_cache|\.mypy_cache|\.tox|\.nox|htmlcov|\.coverage.*|.*\.py[cod]|build|dist|.*\.egg-info)$/;
const WILDCARD = '\u0000';

/** A segment with its dynamic pieces replaced by a neutral word (`test_{name}.py` → `test_x.py`). */
function representative(segment: string): string {
  return segment.split(WILDCARD).join('x');
}

/**
 * Whether a path names something the test run depends on. Only literal text decides: a path with no
 * literal fragment, or one built on a temporary directory, never matches.
 */
export function testPathKind(info: PathInfo): TestPathMatch | undefined {
  if (!info.hasLiteral || info.temporary) return undefined;
  const text = pathText(info);
  const display = text.replace(/\u0000/g, '…');
  const segments = text.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return undefined;
  if (segments.some((s) => CACHE_SEGMENT.test(representative(s)))) return undefined;
  const last = segments[segments.length - 1]!;
  const dirs = segments.slice(0, -1);
  const literal = (s: string) => !s.includes(WILDCARD);
  const rep = representative(last);
  if (last !== WILDCARD) {
    if (literal(last) && last === 'conftest.py') return { kind: 'conftest', display };
    if (literal(last) && /^\.?pytest\.ini$/.test(last)) return { kind: 'pytest-config', display };
    if (literal(last) && /^(tox\.ini|setup\.cfg)$/.test(last)) return { kind: 'project-config', display };
    if (/^(test_.*|.*_test)\.py$/.test(rep)) return { kind: 'test-file', display };
    if (/^(expected|golden)([_.\-].*)?$|[_.\-](expected|golden)(\.\w+)?$/i.test(rep)) return { kind: 'expected-output', display };
  }
  if (literal(last) && /^tests?$/.test(last)) return { kind: 'test-folder', display };
  if (dirs.some((d) => literal(d) && /^tests?$/.test(d))) return { kind: 'in-test-folder', display };
  return undefined;
}

export function describeTestPath(m: TestPathMatch): string {
  switch (m.kind) {
    case 'test-file':
      return `the test file \`${m.display}\``;
    case 'test-folder':
      return `the test folder \`${m.display}\``;
    case 'in-test-folder':
      return `\`${m.display}\` in the test folder`;
    case 'conftest':
      return `\`${m.display}\` (pytest's per-folder configuration and hooks)`;
    case 'pytest-config':
      return `the pytest configuration \`${m.display}\``;
    case 'project-config':
      return `\`${m.display}\` (which can hold the test-run configuration)`;
    case 'expected-output':
      return `the expected-output file \`${m.display}\``;
  }
}
