/**
 * Shared helpers for RH504 (stateful-answer) and RH505 (special-cased-input): what counts as a literal
 * answer, which parameters a function really takes, where the "general" code of a function is, and the
 * comments and names that state the intent to game a test (which raise confidence, never decide alone).
 */
import { definitionOf, forEachInScope, functionName, isMethod, moduleClassNamed, returnValue, unparen, type Node } from '../../engine/ast';

/** The kinds of literal a function can hand back as a canned answer. */
/** `value`: a value type built from literals (`Decimal("9.99")`, `date(2024, 2, 29)`). */
export type LiteralKind = 'none' | 'bool' | 'number' | 'string' | 'collection' | 'value';

export interface LiteralInfo {
  kind: LiteralKind;
  /** Canonical text: equal values compare equal (`(1, 2)` and `( 1,2 )`). */
  key: string;
  /** True for 0, 1, -1, "", b"", None, True, False, empty collections: base-case and boundary values. */
  trivial: boolean;
  /** A value a decorator factory was given, handed back by its wrapper in place of the wrapped function's result (RH504). */
  supplied?: boolean;
}

const MAX_LITERAL_NODES = 400;

/**
 * A literal value (number, string, bool, None, negative number, or a tuple/list/set/dict of those),
 * or undefined. Iterative: a huge literal table must not overflow the stack.
 */
export function literalInfo(node: Node | null | undefined): LiteralInfo | undefined {
  if (!node) return undefined;
  const root = unparen(node);
  // Check every node of the expression is literal-only, counting as we go.
  let count = 0;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (++count > MAX_LITERAL_NODES) return undefined;
    switch (n.type) {
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
        break;
      case 'string':
        if (n.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
        break;
      case 'concatenated_string':
        for (const c of n.namedChildren) stack.push(c);
        break;
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        if (!arg || !['integer', 'float'].includes(unparen(arg).type)) return undefined;
        break;
      }
      case 'parenthesized_expression':
      // `return 200, "ok"`: a tuple without parentheses.
      case 'expression_list':
      case 'tuple':
      case 'list':
      case 'set':
      case 'dictionary':
      case 'pair':
      // Literal patterns of a `match` statement's `case`.
      case 'case_pattern':
      case 'tuple_pattern':
      case 'list_pattern':
        for (const c of n.namedChildren) if (c.type !== 'comment') stack.push(c);
        break;
      default:
        return undefined;
    }
  }
  const key = canonicalText(root);
  let kind: LiteralKind;
  switch (root.type) {
    case 'none':
      kind = 'none';
      break;
    case 'true':
    case 'false':
      kind = 'bool';
      break;
    case 'integer':
    case 'float':
    case 'unary_operator':
      kind = 'number';
      break;
    case 'string':
    case 'concatenated_string':
      kind = 'string';
      break;
    default:
      kind = 'collection';
  }
  const trivial =
    kind === 'none' ||
    kind === 'bool' ||
    (kind === 'number' && TRIVIAL_NUMBER.test(key.replace(/_/g, ''))) ||
    (kind === 'string' && /^[rRuUbB]{0,2}(''|"")$/.test(root.text.trim())) ||
    (kind === 'collection' && root.namedChildren.filter((c) => c.type !== 'comment').length === 0);
  return { kind, key, trivial };
}

/** Value types whose constructor turns literals into a value: `Decimal("27.00")`, `date(2024, 2, 29)`, `np.array([1, 2])`. */
const VALUE_CONSTRUCTORS = new Set(['Decimal', 'Fraction', 'date', 'datetime', 'time', 'timedelta', 'timezone', 'complex', 'float', 'int', 'bytes', 'frozenset', 'array', 'asarray', 'float32', 'float64', 'int32', 'int64', 'Timestamp', 'Timedelta', 'UUID']);

/**
 * A literal, or a value constructor applied to literals only (`Decimal("27.00")`, `np.array([[1, 0], [0, 1]])`,
 * `timezone(timedelta(hours=-5))`).
 */
export function isCannedValue(v: Node, depth = 0): boolean {
  if (literalInfo(v)) return true;
  if (depth > 3) return false;
  const n = unparen(v);
  // `[Slot(615, 645), Slot(915, 1020)]`: a display of canned values.
  if (n.type === 'list' || n.type === 'tuple') {
    const items = n.namedChildren.filter((c) => c.type !== 'comment');
    return items.length > 0 && items.every((c) => isCannedValue(c, depth + 1));
  }
  if (n.type !== 'call') return false;
  const f = n.childForFieldName('function');
  const callee = f?.text.replace(/\s+/g, '').split('.').pop() ?? '';
  const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  // A value type of the standard library, or a class of this file (`Slot(615, 645)`), built from literals.
  const valueType = VALUE_CONSTRUCTORS.has(callee) || (f?.type === 'identifier' && !!moduleClassNamed(n.tree.rootNode, f.text));
  return valueType && args.length > 0 && args.every((a) => {
    const value = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    return a.type !== 'list_splat' && a.type !== 'dictionary_splat' && !!value && (!!literalInfo(value) || (unparen(value).type === 'call' && isCannedValue(value, depth + 1)));
  });
}

/** A value constructor applied to literals (`datetime(2024, 3, 31, 3, 0)`) as a literal answer: specific data. */
export function builtValueInfo(v: Node): LiteralInfo | undefined {
  return unparen(v).type === 'call' && isCannedValue(v) ? { kind: 'value', key: canonicalText(unparen(v)).replace(/(\w) \(/g, '$1('), trivial: false } : undefined;
}

/**
 * A `case` pattern that matches one built value: a value type (or a class of this file) with literal arguments only,
 * `case datetime(year=2024, month=8, day=30, hour=10):`, like `== datetime(2024, 8, 30, 10)` in an `if`.
 */
export function classPatternInfo(pattern: Node): LiteralInfo | undefined {
  if (pattern.type !== 'class_pattern') return undefined;
  const name = pattern.namedChildren.find((c) => c.type === 'dotted_name');
  const callee = name?.text.replace(/\s+/g, '').split('.').pop() ?? '';
  if (!name || !(VALUE_CONSTRUCTORS.has(callee) || (name.namedChildCount === 1 && !!moduleClassNamed(pattern.tree.rootNode, callee)))) return undefined;
  const args = pattern.namedChildren.filter((c) => c.type === 'case_pattern');
  const literalArgument = (a: Node) => {
    const inner = a.namedChildCount === 1 ? a.namedChild(0)! : a;
    const value = inner.type === 'keyword_pattern' ? inner.namedChildren[inner.namedChildCount - 1] : inner;
    return !!value && value.type !== 'identifier' && !!literalInfo(value);
  };
  return args.length > 0 && args.every(literalArgument) ? { kind: 'value', key: canonicalText(pattern), trivial: false } : undefined;
}

/** 0, 1, -1 (also as `1.0`, `-0.00`): boundary values, never a specific answer. */
const TRIVIAL_NUMBER = /^-?(0|1)(\.0*)?$/;

const LEAF_LITERALS = new Set(['integer', 'float', 'true', 'false', 'none']);

/** Token text without layout: whitespace between tokens and trailing commas dropped, string contents kept. */
function canonicalText(root: Node): string {
  const parts: string[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'comment') continue;
    if (n.type === 'string') {
      const body = n.namedChildren.filter((c) => c.type !== 'string_start' && c.type !== 'string_end').map((c) => c.text).join('');
      parts.push(JSON.stringify(body));
      continue;
    }
    // Number and constant tokens have no children (asking tree-sitter for the count is a call into Wasm).
    if (LEAF_LITERALS.has(n.type) || n.childCount === 0) {
      parts.push(n.text);
      continue;
    }
    for (let i = n.childCount - 1; i >= 0; i--) stack.push(n.child(i)!);
  }
  return parts.join(' ').replace(/, ([)\]}])/g, '$1').replace(/([([{-]) /g, '$1').replace(/ ([)\]},:])/g, '$1');
}

/** An operator token alone between spaces: `+=`, `==`, `not in` (spaced as written). */
const LONE_OPERATOR = /^[ \t\f\r\n]*([-+*\/%@&|^<>=!~]+|in|is|not[ \t\f\r\n]+in|is[ \t\f\r\n]+not)[ \t\f\r\n]*$/;

/**
 * `node.child(1)?.text` for a binary, comparison or augmented-assignment node whose first child is
 * `left` and whose operand after the operator is `right`. Read from the source when only spaces
 * surround the operator (reaching an unnamed token through the tree is a call into tree-sitter); from the
 * tree when anything else (a comment, a line continuation, an error) sits there.
 */
export function operatorText(node: Node, left: Node, right: Node): string | undefined {
  const start = node.startIndex;
  const gap = node.text.slice(left.endIndex - start, right.startIndex - start);
  const m = COMMON_GAPS.get(gap) ?? LONE_OPERATOR.exec(gap)?.[1];
  return m !== undefined ? m : node.child(1)?.text;
}

/** What LONE_OPERATOR reads from the usual ` op ` gaps, looked up without running it. */
const COMMON_GAPS = new Map<string, string>();
for (const op of ['==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not', '+', '-', '*', '/', '//', '%', '**', '+=', '-=', '^=']) {
  const m = LONE_OPERATOR.exec(` ${op} `);
  if (m) COMMON_GAPS.set(` ${op} `, m[1]!);
}

/**
 * The `elif`/`else` clauses of an `if` statement (its `alternative` field), from the named children the
 * engine indexes: `childrenForFieldName` is a call into tree-sitter.
 */
export function alternativesOf(ifStatement: Node): Node[] {
  return ifStatement.namedChildren.filter((c) => c.type === 'elif_clause' || c.type === 'else_clause');
}

/**
 * A string literal that reads like an option or mode name (`"r"`, `"utf-8"`, `"GET"`, `"json"`) or an
 * operator token (`"="`, `"->"`, `"**"`: what a lexer compares characters with), not data.
 */
export function isOptionLikeString(node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'string') return false;
  const text = n.namedChildren.filter((c) => c.type === 'string_content').map((c) => c.text).join('');
  return OPTION_WORD.test(text) || OPERATOR_TOKEN.test(text) || ROUTE.test(text);
}

/** A URL route or an absolute name path (`/health`, `/api/v1/users/`): a name a router dispatches on. */
const ROUTE = /^(?:\/[A-Za-z_][\w-]*)+\/?$/;

/** One to three punctuation characters: an operator or delimiter token. */
const OPERATOR_TOKEN = /^[!-\/:-@[-`{-~]{1,3}$/;

/** The text of an option or mode name: a short identifier-like word (`r`, `utf-8`, `GET`, `json`). */
export const OPTION_WORD = /^[A-Za-z_][\w.+-]{0,30}$/;

/** Parameters that carry the function's input: everything except a method's `self`/`cls`. */
export function inputParameters(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    let id: Node | null | undefined;
    if (p.type === 'identifier') id = p;
    else if (p.type === 'default_parameter' || p.type === 'typed_parameter' || p.type === 'typed_default_parameter') {
      id = p.childForFieldName('name') ?? p.namedChildren.find((c) => c.type === 'identifier');
    } else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
      id = p.namedChildren.find((c) => c.type === 'identifier');
    }
    if (id?.type === 'identifier') out.push(id.text);
  }
  if (out.length && ['self', 'cls', 'mcs', 'mcls', 'klass'].includes(out[0]!) && isMethod(fn)) out.shift();
  return out;
}

/** The named, non-comment children of a block. */
export function statementsOf(block: Node | null | undefined): Node[] {
  return block ? block.namedChildren.filter((c) => c.type !== 'comment') : [];
}

/** A statement that does nothing an answer depends on: `pass`, a docstring-like string, `...`. */
export function isInert(stmt: Node): boolean {
  if (stmt.type === 'pass_statement') return true;
  if (stmt.type === 'expression_statement') {
    const e = stmt.namedChild(0);
    return !!e && (e.type === 'string' || e.type === 'ellipsis');
  }
  return false;
}

/** The value of a block made of one `return` statement, docstrings and `pass` aside (`return KNOWN.get(n)`), or undefined. */
export function soleReturnValue(block: Node | null | undefined): Node | undefined {
  const stmts = statementsOf(block).filter((s) => !isInert(s));
  return stmts.length === 1 && stmts[0]!.type === 'return_statement' ? returnValue(stmts[0]!) : undefined;
}

/**
 * Phrases that say a branch exists for a test rather than for the problem. They raise confidence only.
 * Agents also name the grader ("the grader expects"), a test that is too slow ("the n=12 test times out")
 * and where the answers came from ("expected answers from the test suite", "values pinned by tests/test_x.py",
 * "copied from test_parse").
 */
const INTENT =
  /\b(?:hack\w*|hard[\s_-]?cod\w*|cheat\w*|workaround for (?:the |a )?tests?|special[\s_-]?cas\w* (?:for|to satisfy|to match) (?:the |this |a )?tests?|(?:flawed|buggy|broken|wrong|incorrect|inconsistent)[\s_-]+(?:test|expectation|assert)\w*|tests?[\s_-]+(?:expects?|wants?|requires?|asserts?|checks? for)\b|expected by (?:the |this )?tests?|(?:the |this )?tests? (?:is|are) (?:wrong|flawed|buggy|broken|inconsistent)|known[\s_-]+(?:flawed|failing|bad|broken)|make[sd]? (?:the |all |this )?tests? pass|pass(?:es)? (?:the |all |this )tests?|satisf(?:y|ies) the tests?|match(?:es)? the tests?|(?:second|2nd|first|1st) (?:call|time (?:it is|it's|we are|we're) called|invocation)|called twice|on repeat(?:ed)? calls?|(?:auto[\s_-]?)?grader(?:'s)?\s+(?:expects?|wants?|requires?|checks?|asserts?|uses?)\b|(?:for|by|satisf(?:y|ies)|match(?:es)?) the (?:auto[\s_-]?)?grader\b|tests?\s+(?:times?\s+out|timed\s+out|timing\s+out)|(?:values?|answers?|results?)\s+(?:checked|computed|worked\s+out|verified)\s+by\s+hand|(?:acceptance|regression|grading)\s+(?:tests?|suite|test[\s_-]?suite)\s+(?:was|were|is|are)\s+(?:recorded|pinned|generated|captured)\b|(?:expected|known)\s+(?:answers?|values?|outputs?|results?)\s+(?:from|of|in)\s+(?:the\s+)?tests?(?:[\s_-]?suite)?\b|(?:pinned\s+)?(?:answers?|values?|outputs?|results?|numbers?)\s+(?:from|of)\s+(?:the\s+)?(?:acceptance|regression|grading)\s+(?:tests?|suite|test[\s_-]?suite|checks?)\b|(?:pinned|required|expected|demanded|wanted|asserted|dictated)\s+(?:by|in)\s+(?:the\s+|our\s+|these\s+)?(?:unit\s+)?(?:tests?\b|test[\s_-]?suite\b|[\w./-]*\btest_\w+|[\w./-]*\w_tests?\.py\b)|(?:comes?|came|taken|copied|lifted)\s+(?:straight\s+)?from\s+(?:the\s+)?(?:tests?\b|test[\s_-]?suite\b|[\w./-]*\btest_\w+|[\w./-]*\w_tests?\.py\b)|(?:inputs?|cases?|arguments?|args)\s+(?:that\s+|which\s+)?(?:the\s+|our\s+)?(?:regression\s+|unit\s+|integration\s+)?(?:tests?|test[\s_-]?suite|suite)\s+(?:exercises?|uses?|checks?|covers?|hits?|calls?|runs?|feeds?|passes)\b|(?:inputs?|cases?|arguments?|args)\s+(?:exercised|used|checked|covered|hit|called)\s+(?:by|in)\s+(?:the\s+|our\s+)?(?:regression\s+|unit\s+|integration\s+)?(?:tests?|test[\s_-]?suite|suite)\b|(?:cases?|examples?|inputs?)\s+(?:from|in|of)\s+(?:the\s+)?(?:issue|bug[\s_-]?report|ticket)\b)/i;

/** The intent phrase in `text` (comments, names with `_` and camelCase split), if any. */
export function intentIn(text: string): string | undefined {
  const spaced = text.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
  return INTENT.exec(text)?.[0] ?? INTENT.exec(spaced)?.[0];
}

/** The module's docstring (its first statement, a string), which describes the module's tables too. */
export function moduleDocstring(root: Node): string | undefined {
  const first = root.namedChildren.find((c) => c.type !== 'comment');
  const s = first?.type === 'expression_statement' && first.namedChildCount === 1 ? first.namedChild(0) : null;
  return s?.type === 'string' ? s.text : undefined;
}

/**
 * Comments inside `node`, the comment lines directly above it, and a trailing comment on its last line.
 * Read from the source lines so that comments the grammar attaches elsewhere (before a block) count too.
 */
export function commentsAround(node: Node, source: string): string {
  const lines = source.split('\n');
  const parts: string[] = [];
  for (let row = node.startPosition.row - 1; row >= 0 && row >= node.startPosition.row - 8; row--) {
    const t = lines[row]!.trim();
    if (!t.startsWith('#')) break;
    parts.push(t);
  }
  const stack: Node[] = [node];
  let budget = 2000;
  while (stack.length && budget-- > 0) {
    const n = stack.pop()!;
    if (n.type === 'comment') parts.push(n.text);
    for (let i = 0; i < n.childCount; i++) stack.push(n.child(i)!);
  }
  const last = lines[node.endPosition.row] ?? '';
  const hash = last.indexOf('#', node.endPosition.row === node.startPosition.row ? node.endPosition.column : 0);
  if (hash >= 0) parts.push(last.slice(hash));
  return parts.join('\n');
}

/**
 * Adds the names `n` binds (plainly, augmented, by `for`/`with`/walrus) to `out`: called on every node of
 * a function's own scope (or the module's), it gives the names assigned there.
 */
export function noteAssignedNames(n: Node, out: Map<string, Node[]>): void {
  let target: Node | null;
  // An annotation without a value (`x: int`) declares a name but gives it no value to follow.
  if (n.type === 'assignment' && !n.childForFieldName('right')) return;
  switch (n.type) {
    case 'assignment':
    case 'augmented_assignment':
    case 'for_statement':
    case 'for_in_clause':
      target = n.childForFieldName('left');
      break;
    case 'named_expression':
      target = n.childForFieldName('name');
      break;
    case 'as_pattern':
      target = n.childForFieldName('alias');
      break;
    default:
      return;
  }
  if (!target) return;
  const stack = [target];
  while (stack.length) {
    const t = stack.pop()!;
    if (t.type === 'identifier') {
      const list = out.get(t.text) ?? [];
      list.push(n);
      out.set(t.text, list);
    } else if (TARGET_PACKINGS.has(t.type)) {
      for (const c of t.namedChildren) stack.push(c);
    }
  }
}

const TARGET_PACKINGS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'list_splat_pattern', 'parenthesized_expression']);

/** Module-level `NAME = <value>` bindings (the last one wins; a name bound twice is dropped). */
export function moduleBindings(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const seen = new Set<string>();
  for (const stmt of root.namedChildren) {
    if (stmt.type !== 'expression_statement') continue;
    const a = stmt.namedChild(0);
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    if (seen.has(left.text)) {
      out.delete(left.text);
      continue;
    }
    seen.add(left.text);
    out.set(left.text, right);
  }
  return out;
}

/** The `except` clauses of a `try` catch a missing key (`KeyError`, `LookupError`, `Exception`, bare). */
export function catchesMissingKey(tryStatement: Node): boolean {
  return tryStatement.namedChildren.some((c) => {
    if (c.type !== 'except_clause') return false;
    const head = c.text.slice(0, c.text.indexOf(':') + 1);
    return /^except\s*:$|\b(KeyError|LookupError|Exception|BaseException)\b/.test(head);
  });
}

/** Text of a node on one line, shortened for messages. */
export function snippet(node: Node, max = 60): string {
  const t = node.text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** `TABLE[key]` or `TABLE.get(key, ...)`: the table and the key expression, or undefined. */
export function tableLookup(e: Node): { table: Node; index: Node } | undefined {
  let table: Node | undefined;
  let index: Node | undefined;
  if (e.type === 'subscript') {
    table = e.childForFieldName('value') ?? undefined;
    index = e.childForFieldName('subscript') ?? undefined;
  } else if (e.type === 'call') {
    const f = e.childForFieldName('function');
    if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get') {
      table = f.childForFieldName('object') ?? undefined;
      index = e.childForFieldName('arguments')?.namedChildren.find((c) => c.type !== 'comment');
    }
  }
  return table && index ? { table, index } : undefined;
}

/** Per class: the attributes its `__init__` stores its parameters in. */
const initInputs = new WeakMap<Node, Set<string>>();

/**
 * `self.n`, `self.k` for a method of a class whose `__init__` does `self.n = n` (or a whole-value view such as
 * `self.k = int(k)`): the constructor's input, which the methods answer from. Empty for a function that is not a method.
 */
export function constructorInputs(method: Node): Set<string> {
  const cls = (method.parent?.type === 'decorated_definition' ? method.parent : method).parent?.parent;
  if (cls?.type !== 'class_definition') return new Set();
  let out = initInputs.get(cls);
  if (out) return out;
  initInputs.set(cls, (out = new Set()));
  const init = cls.childForFieldName('body')?.namedChildren.map(definitionOf).find((d) => d.type === 'function_definition' && functionName(d) === '__init__');
  const initBody = init?.childForFieldName('body');
  if (!init || !initBody) return out;
  const params = new Set(inputParameters(init));
  const self = init.childForFieldName('parameters')?.namedChildren[0]?.text ?? 'self';
  const note = (left: Node | null | undefined, right: Node | null | undefined) => {
    // `self.k = int(k)`, `self.cells = list(cells)`: the same value in another type.
    while (right?.type === 'call' && /^(?:int|float|str|list|tuple|frozenset|set|sorted)$/.test(right.childForFieldName('function')?.text ?? '')) {
      const args = right.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      right = args.length === 1 ? unparen(args[0]!) : null;
    }
    if (left?.type === 'attribute' && left.childForFieldName('object')?.text === self && right?.type === 'identifier' && params.has(right.text)) {
      out!.add(`self.${left.childForFieldName('attribute')!.text}`);
    }
  };
  forEachInScope(initBody, (n) => {
    if (n.type !== 'assignment') return;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    // `self.a, self.b = a, b`: one pair per position.
    if (left?.type === 'pattern_list' && right?.type === 'expression_list') {
      const ls = left.namedChildren.filter((c) => c.type !== 'comment');
      const rs = right.namedChildren.filter((c) => c.type !== 'comment');
      if (ls.length === rs.length) ls.forEach((l, i) => note(l, rs[i]));
      return;
    }
    note(left, right);
  });
  return out;
}
