/**
 * Small, rule-agnostic helpers over tree-sitter-python nodes. Rules use these instead of poking at
 * child indices so that grammar details live in one place.
 */
import type { Node } from 'web-tree-sitter';
import { flatIndexOf, flatTree, nodeAt } from './fast';
import type { Range } from './types';

export type { Node };

export function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
}

/** Strips parentheses: `((x))` → `x`. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

/**
 * The value of a plain string literal (`"x"`, `'x'`, `r"x"`, implicit concatenation) with its escapes
 * decoded as Python decodes them, or undefined for f-strings with interpolations, bytes, anything that is
 * not a literal, and a literal whose value cannot be known here (an out-of-range `\U`, a `\N{...}` name
 * outside `NAMED_CHARACTERS`): a value that is not Python's must not be mistaken for a name.
 */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type === 'concatenated_string') {
    let out = '';
    for (const part of n.namedChildren) {
      const v = stringValue(part);
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (n.type !== 'string') return undefined;
  // The first child is the named `string_start` token (prefix and quote), so no call for anonymous children.
  const start = n.namedChild(0);
  if (start?.type === 'string_start' && /[bB]/.test(start.text)) return undefined;
  let out = '';
  for (const child of n.namedChildren) {
    if (child.type === 'string_content') {
      const piece = contentValue(child);
      if (piece === undefined) return undefined;
      out += piece;
    } else if (child.type === 'interpolation') return undefined;
  }
  return out;
}

/** The value of a whole sum of string literals (`"PY" + "TEST_CURRENT_TEST"`, not a part of a longer one). */
export function literalSumValue(n: Node): string | undefined {
  return isStringSum(n) && !isStringSum(n.parent) ? stringSumValue(n, 0) : undefined;
}

function isStringSum(n: Node | null): boolean {
  return n?.type === 'binary_operator' && n.childForFieldName('operator')?.type === '+';
}

/** The value of `"a" + "b" + ...` when every operand is a string literal (or such a sum); depth-bounded. */
function stringSumValue(n: Node, depth: number): string | undefined {
  if (depth > 50) return undefined;
  const u = n.type === 'parenthesized_expression' ? n.namedChildren.find((c) => c.type !== 'comment') : n;
  if (!u) return undefined;
  if (u.type === 'string' || u.type === 'concatenated_string') return stringValue(u);
  if (!isStringSum(u)) return undefined;
  const left = stringSumValue(u.childForFieldName('left')!, depth + 1);
  const right = left === undefined ? undefined : stringSumValue(u.childForFieldName('right')!, depth + 1);
  return right === undefined ? undefined : left + right;
}

/**
 * The value of one `string_content` piece. tree-sitter-python makes each escape Python decodes an
 * `escape_sequence` child of the piece (`{{`/`}}` of an f-string an `escape_interpolation`), and none in
 * a raw string, whose text is its value; an escape Python keeps as written (`\d`) is an anonymous `\`.
 */
function contentValue(content: Node): string | undefined {
  const text = content.text;
  if (!text.includes('\\') && !text.includes('{{') && !text.includes('}}')) return text;
  const base = content.startIndex; // node indices count UTF-16 units, as string indices do
  let out = '';
  let at = 0;
  for (const child of content.namedChildren) {
    const decoded = child.type === 'escape_sequence' ? decodeEscape(child.text) : child.type === 'escape_interpolation' ? child.text[0] : undefined;
    if (decoded === undefined) {
      if (child.type === 'escape_sequence') return undefined;
      continue;
    }
    out += text.slice(at, child.startIndex - base) + decoded;
    at = child.endIndex - base;
  }
  return out + text.slice(at);
}

/**
 * Python's value for one `escape_sequence` token of a str literal, undefined when it cannot be known.
 * The token's shapes (tree-sitter-python 0.25): `\` then a line break, one of `'"\\abfnrtv`, 1-3 digits
 * (any, not only octal ones), `x` and 2 hex digits, `u` and 4, `U` and 8, or `N{...}`.
 */
function decodeEscape(seq: string): string | undefined {
  const body = seq.slice(1);
  const first = body[0] ?? '';
  if (first === '\n' || first === '\r') return ''; // a line continuation inside the literal
  const simple = SIMPLE_ESCAPES.get(first);
  if (simple !== undefined) return simple;
  if (first >= '0' && first <= '9') {
    // Python reads up to 3 octal digits; the token may also hold 8s and 9s, which are text (`\18` is
    // U+0001 then `8`), and `\8`/`\9` are not escapes at all, kept with their backslash.
    const octal = /^[0-7]{1,3}/.exec(body)?.[0];
    return octal ? String.fromCharCode(parseInt(octal, 8)) + body.slice(octal.length) : seq;
  }
  if (first === 'x' || first === 'u' || first === 'U') {
    const code = parseInt(body.slice(1), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : undefined; // Python rejects larger \U values
  }
  if (first === 'N') return NAMED_CHARACTERS.get(body.slice(2, -1).toUpperCase());
  return seq;
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map(
  Object.entries({ '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }),
);

/**
 * The `\N{...}` names decoded (Python matches them in any case): those of the characters that spell
 * identifiers and dotted names. Node has no Unicode name table, so any other name leaves the value unknown.
 */
const NAMED_CHARACTERS: ReadonlyMap<string, string> = (() => {
  const names = new Map<string, string>([
    ['LOW LINE', '_'],
    ['FULL STOP', '.'],
  ]);
  for (let c = 0; c < 26; c++) {
    const lower = String.fromCharCode(97 + c);
    names.set(`LATIN SMALL LETTER ${lower.toUpperCase()}`, lower);
    names.set(`LATIN CAPITAL LETTER ${lower.toUpperCase()}`, lower.toUpperCase());
  }
  ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'].forEach((digit, i) => names.set(`DIGIT ${digit}`, String(i)));
  return names;
})();

export interface CallArguments {
  positional: Node[];
  keywords: Map<string, Node>;
  /** True when `*args` or `**kwargs` make the argument list unknowable. */
  hasSplat: boolean;
}

export function callArguments(call: Node): CallArguments {
  const result: CallArguments = { positional: [], keywords: new Map(), hasSplat: false };
  const args = call.childForFieldName('arguments');
  if (!args) return result;
  if (args.type === 'generator_expression') {
    result.positional.push(args);
    return result;
  }
  for (const arg of args.namedChildren) {
    if (arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      const value = arg.childForFieldName('value');
      if (name && value) result.keywords.set(name.text, value);
    } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
      result.hasSplat = true;
    } else {
      result.positional.push(arg);
    }
  }
  return result;
}

/** The argument at `index` or passed by `keyword`, as Python would bind it. */
export function argument(call: Node, index: number, keyword?: string): Node | undefined {
  const args = callArguments(call);
  if (keyword && args.keywords.has(keyword)) return args.keywords.get(keyword);
  return args.positional[index];
}

export function isFunction(node: Node): boolean {
  return node.type === 'function_definition' || node.type === 'lambda';
}

/** Nearest enclosing `def` (not lambda), or null at module level / class body. */
export function enclosingFunction(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'class_definition') return null;
  }
  return null;
}

/** Nearest enclosing def or lambda, or null at module level / class body. */
export function enclosingFunctionScope(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return p;
    if (p.type === 'class_definition') return null;
  }
  return null;
}

export function enclosingClass(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'class_definition') return p;
  return null;
}

export function ancestors(node: Node): Node[] {
  const out: Node[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}

export function functionName(fn: Node): string {
  return fn.childForFieldName('name')?.text ?? '';
}

/** The definition a `decorated_definition` wraps, or the node itself. */
export function definitionOf(stmt: Node): Node {
  return stmt.type === 'decorated_definition' ? (stmt.childForFieldName('definition') ?? stmt) : stmt;
}

/** Module-level functions of a file (per root) by name. */
const moduleFunctions = new WeakMap<Node, Map<string, Node>>();

/** The module-level function `name` of the file whose root is `root` (decorated or not; the last definition wins, as at run time). */
export function moduleFunctionNamed(root: Node, name: string): Node | undefined {
  let byName = moduleFunctions.get(root);
  if (!byName) {
    byName = new Map();
    for (const child of root.namedChildren) {
      const def = definitionOf(child);
      const defName = def.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
      if (defName) byName.set(defName, def);
    }
    moduleFunctions.set(root, byName);
  }
  return byName.get(name);
}

/** The first module-level class `name` of the file whose root is `root` (decorated or not). */
export function moduleClassNamed(root: Node, name: string): Node | undefined {
  for (const stmt of root.namedChildren) {
    const d = definitionOf(stmt);
    if (d.type === 'class_definition' && d.childForFieldName('name')?.text === name) return d;
  }
  return undefined;
}

/** True for a def directly in a class body (possibly decorated). */
export function isMethod(fn: Node): boolean {
  const p = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  return p?.type === 'block' && p.parent?.type === 'class_definition';
}

/** A class statement's base expressions: its `superclasses` without keyword arguments (`metaclass=`) and comments. */
export function baseExpressions(cls: Node): Node[] {
  return (cls.childForFieldName('superclasses')?.namedChildren ?? []).filter((b) => b.type !== 'keyword_argument' && b.type !== 'comment');
}

/** The decorators of a function or class definition (the `@...` expressions, without the `@`). */
export function decoratorsOf(def: Node): Node[] {
  const parent = def.parent;
  if (!parent || parent.type !== 'decorated_definition') return [];
  return parent.namedChildren.filter((c) => c.type === 'decorator').map((d) => d.namedChild(0)!).filter(Boolean);
}

/** Parameter names of a function or lambda, in order, without `*`/`**` markers. */
export function parameterNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const names: string[] = [];
  for (const p of params.namedChildren) {
    if (p.type === 'identifier') names.push(p.text);
    else {
      const id = p.childForFieldName('name') ?? p.namedChildren.find((c) => c.type === 'identifier');
      if (id && id.type === 'identifier') names.push(id.text);
    }
  }
  return names;
}

/** `node` lies inside `container` (inclusive: a node is within itself), by position. */
export function isWithin(node: Node, container: Node): boolean {
  return container.startIndex <= node.startIndex && node.endIndex <= container.endIndex;
}

/** The default value of parameter `name` of `fn` (`def prepare(root="data")`), if it has one. */
export function parameterDefault(fn: Node, name: string): Node | undefined {
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if ((p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('name')?.text === name) return p.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

export { allNodes, flatTree } from './fast';

/**
 * Visits `root`'s named descendants depth-first (pre-order) without recursion: deeply nested input must
 * not overflow the stack. Returning false from `visit` skips that node's children.
 */
export function forEachDescendant(root: Node, visit: (node: Node) => boolean | void): void {
  const flat = flatTree(root);
  const at = flatIndexOf(flat, root);
  if (at < 0) return forEachDescendantSlow(root, visit);
  const { starts, ends, count } = flat;
  if (flat.structured) {
    // Subtree extents are known: skipping a subtree is one jump.
    const { nexts } = flat;
    const end = nexts[at]!;
    for (let i = at + 1; i < end; ) i = visit(nodeAt(flat, i)) === false ? nexts[i]! : i + 1;
    return;
  }
  const rootStart = starts[at]!;
  const rootEnd = ends[at]!;
  let i = at + 1;
  // In pre-order, the subtree is the run of following nodes that lie inside the root's range.
  while (i < count && starts[i]! >= rootStart && ends[i]! <= rootEnd) {
    if (visit(nodeAt(flat, i)) === false) {
      const skipStart = starts[i]!;
      const skipEnd = ends[i]!;
      i++;
      while (i < count && starts[i]! >= skipStart && ends[i]! <= skipEnd) i++;
      continue;
    }
    i++;
  }
}

function forEachDescendantSlow(root: Node, visit: (node: Node) => boolean | void): void {
  const stack: Node[] = [];
  for (let i = root.namedChildCount - 1; i >= 0; i--) stack.push(root.namedChild(i)!);
  while (stack.length) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    for (let i = node.namedChildCount - 1; i >= 0; i--) stack.push(node.namedChild(i)!);
  }
}

/** Descendants of a function body that belong to it, not to nested functions, lambdas or classes. */
export function forEachInScope(root: Node, visit: (node: Node) => boolean | void): void {
  forEachDescendant(root, (n) => {
    const r = visit(n);
    if (r === false) return false;
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return false;
    return true;
  });
}

/** `return` statements that belong to this function (not to nested ones). */
export function returnsOf(fn: Node): Node[] {
  const out: Node[] = [];
  const body = fn.childForFieldName('body');
  if (body) forEachInScope(body, (n) => void (n.type === 'return_statement' && out.push(n)));
  return out;
}

/** The value of a `return` statement (undefined for a bare `return`). */
export function returnValue(ret: Node): Node | undefined {
  return ret.namedChildren.find((c) => c.type !== 'comment');
}

/** Main-guard answers per `if` statement: every node under an `if` asks about it again. */
const mainGuards = new WeakMap<Node, boolean>();

/** True when `node` sits under `if __name__ == "__main__":` (either operand order). */
export function isUnderMainGuard(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'if_statement') continue;
    let guard = mainGuards.get(p);
    if (guard === undefined) mainGuards.set(p, (guard = isMainGuardCondition(p.childForFieldName('condition'))));
    if (guard) {
      const consequence = p.childForFieldName('consequence');
      if (consequence && consequence.startIndex <= node.startIndex && node.endIndex <= consequence.endIndex) return true;
    }
  }
  return false;
}

export function isMainGuardCondition(cond: Node | null): boolean {
  if (!cond) return false;
  const c = unparen(cond);
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2) return false;
  const [a, b] = c.namedChildren as [Node, Node];
  const isName = (n: Node) => n.type === 'identifier' && n.text === '__name__';
  const isMain = (n: Node) => stringValue(n) === '__main__';
  // The operator is an anonymous token (a call into tree-sitter): ask only when the operands match.
  return ((isName(a) && isMain(b)) || (isName(b) && isMain(a))) && c.child(1)?.type === '==';
}

/** The statement that contains `node` directly inside a block (or the module). */
export function enclosingStatement(node: Node): Node {
  let n = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n;
}

/** Does any descendant (or the node itself) satisfy `pred`? Nested scopes included. */
export function containsNode(root: Node, pred: (n: Node) => boolean): boolean {
  if (pred(root)) return true;
  let found = false;
  forEachDescendant(root, (n) => {
    if (found) return false;
    if (pred(n)) found = true;
    return !found;
  });
  return found;
}

/** Identifiers read anywhere under `root`. */
export function identifiersIn(root: Node): Set<string> {
  const out = new Set<string>();
  if (root.type === 'identifier') out.add(root.text);
  forEachDescendant(root, (n) => void (n.type === 'identifier' && out.add(n.text)));
  return out;
}

/** The last name of a callee or reference: `f` for `f`, `exit` for `os.exit` or `a.b().exit`; '' for anything else. */
export function lastNameOf(node: Node | null | undefined): string {
  const n = node && unparen(node);
  if (n?.type === 'identifier') return n.text;
  if (n?.type === 'attribute') return n.childForFieldName('attribute')?.text ?? '';
  return '';
}

/** `a.b.c` as text for identifier/attribute chains, else undefined. Iterative: chains can be very long. */
export function dottedName(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const parts: string[] = [];
  let n = unparen(node);
  while (n.type === 'attribute') {
    const attr = n.childForFieldName('attribute');
    const obj = n.childForFieldName('object');
    if (!attr || !obj) return undefined;
    parts.push(attr.text);
    n = unparen(obj);
  }
  if (n.type !== 'identifier') return undefined;
  parts.push(n.text);
  return parts.reverse().join('.');
}

/** Does one of these source positions (ascending) fall inside the node's text? A binary search. */
export function anyPositionWithin(positions: readonly number[], node: Node): boolean {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! < node.startIndex) lo = mid + 1;
    else hi = mid;
  }
  return lo < positions.length && positions[lo]! < node.endIndex;
}

/**
 * The iterable of the loop that binds `id` at this point: a `for` statement whose body holds it, or a
 * comprehension's `for` clause (`[os.remove(f) for f in glob.glob(...)]`). Only a loop in the same scope.
 */
export function enclosingLoopIterable(id: Node): Node | undefined {
  const name = id.text;
  for (let child: Node = id, p = id.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return undefined;
    if (p.type === 'for_statement') {
      const left = p.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name && p.childForFieldName('body')?.id === child.id) return p.childForFieldName('right') ?? undefined;
    } else if (/^(list_comprehension|set_comprehension|dictionary_comprehension|generator_expression)$/.test(p.type)) {
      for (const clause of p.namedChildren) {
        if (clause.type !== 'for_in_clause' || clause.id === child.id) continue;
        const left = clause.childForFieldName('left');
        if (left?.type === 'identifier' && left.text === name) return clause.childForFieldName('right') ?? undefined;
      }
    }
  }
  return undefined;
}

/** The strings a loop variable takes when its loop runs over a literal: `for c in ("time", "monotonic"):`. */
export function loopLiteralStrings(id: Node): string[] | undefined {
  if (unparen(id).type !== 'identifier') return undefined;
  const iterable = enclosingLoopIterable(unparen(id));
  const seq = iterable && unparen(iterable);
  if (!seq || !/^(tuple|list|set)$/.test(seq.type)) return undefined;
  const values = seq.namedChildren.filter((c) => c.type !== 'comment').map((c) => stringValue(c));
  return values.length > 0 && values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

/** Each comparison operator and the one that answers the opposite for the same operands. */
const NEGATED_OPERATOR: Readonly<Record<string, string>> = { is: 'is not', 'is not': 'is', in: 'not in', 'not in': 'in', '==': '!=', '!=': '==' };
/** Operators whose operands can be swapped without changing the answer (`None is x`, `x is None`). */
const SYMMETRIC_OPERATOR = new Set(['is', 'is not', '==', '!=']);

/**
 * `a` and `b` are a condition and its negation, so `a or b` is always true and `a and b` always false:
 * `p` / `not p`, or one comparison with the opposite operator (`x == y` / `x != y`, `y != x`, `in` / `not
 * in`, `is` / `is not`). Both must be the same expression with nothing in it that could answer differently
 * the second time (no call, `await`, `yield` or walrus). `<` / `>=` are not opposites: NaN fails both.
 */
export function negatesEachOther(a: Node, b: Node): boolean {
  const l = unparen(a);
  const r = unparen(b);
  if (l.type === 'not_operator') return sameStableExpression(l.childForFieldName('argument'), r);
  if (r.type === 'not_operator') return sameStableExpression(l, r.childForFieldName('argument'));
  const x = twoOperandComparison(l);
  const y = twoOperandComparison(r);
  if (!x || !y || NEGATED_OPERATOR[x.op] !== y.op) return false;
  if (sameStableExpression(x.left, y.left) && sameStableExpression(x.right, y.right)) return true;
  return SYMMETRIC_OPERATOR.has(x.op) && sameStableExpression(x.left, y.right) && sameStableExpression(x.right, y.left);
}

/** The two operands and the operator of a two-operand comparison (`a is not b`), else undefined. */
function twoOperandComparison(n: Node): { left: Node; op: string; right: Node } | undefined {
  if (n.type !== 'comparison_operator') return undefined;
  const operands = n.namedChildren.filter((c) => c.type !== 'comment');
  if (operands.length !== 2) return undefined;
  const operators: string[] = [];
  for (let i = 0; i < n.childCount; i++) {
    const c = n.child(i)!;
    if (!c.isNamed) operators.push(c.type);
  }
  return { left: operands[0]!, op: operators.join(' '), right: operands[1]! };
}

/**
 * The same expression written twice (spacing aside, outside string literals), with nothing in it that could
 * answer differently the second time: `other`, `other.value`, `self.items[0]`.
 */
function sameStableExpression(a: Node | null, b: Node | null): boolean {
  if (!a || !b) return false;
  const x = unparen(a);
  const y = unparen(b);
  // Spacing inside a string literal is part of its value (`'  '` is not `' '`).
  const spelling = (t: string) => (/["']/.test(t) ? t : t.replace(/\s+/g, ''));
  if (spelling(x.text) !== spelling(y.text)) return false;
  const unstable = (d: Node) => d.type === 'call' || d.type === 'await' || d.type === 'yield' || d.type === 'named_expression';
  let stable = !unstable(x);
  if (stable) {
    forEachDescendant(x, (d) => {
      if (unstable(d)) stable = false;
      return stable;
    });
  }
  return stable;
}

/** Adds `a` to `out` when it assigns a plain name (`name = value`): the value, under the name. */
function noteAssignment(a: Node, out: Map<string, Node[]>): void {
  if (a.type !== 'assignment') return;
  const left = a.childForFieldName('left');
  const right = a.childForFieldName('right');
  if (left?.type !== 'identifier' || !right) return;
  const list = out.get(left.text);
  if (list) list.push(right);
  else out.set(left.text, [right]);
}

/** Assignments `name = value` in a function body (nested scopes excluded): values by name, in order. */
export function localAssignments(fn: Node): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  const body = fn.childForFieldName('body');
  if (body) forEachInScope(body, (n) => noteAssignment(n, out));
  return out;
}

/** Per file (its root node): many rules ask, each for a few names. */
const moduleAssignmentsByRoot = new WeakMap<Node, ReadonlyMap<string, Node[]>>();

/** Module-level assignments `name = value` (statements of the module itself): values by name, in order; computed once per file. */
export function moduleAssignments(root: Node): ReadonlyMap<string, Node[]> {
  let out = moduleAssignmentsByRoot.get(root);
  if (!out) {
    const byName = new Map<string, Node[]>();
    for (const stmt of root.namedChildren) {
      const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
      if (a) noteAssignment(a, byName);
    }
    moduleAssignmentsByRoot.set(root, (out = byName));
  }
  return out;
}
