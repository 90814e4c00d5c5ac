/**
 * RH502 caller-frame-peeking: code under test reading what its *caller* — the test — holds: the
 * caller's local or global variables (`sys._getframe(1).f_locals`, `inspect.currentframe().f_back`,
 * `inspect.stack()[1].frame`), the caller's source line (`inspect.getframeinfo(frame.f_back).code_context`,
 * `traceback.extract_stack()[-2].line`, `linecache.getline` on the caller's file), or the heap
 * (`gc.get_objects()`, `gc.get_referrers()`), to find the value the test expects.
 *
 * Frame access is also how debuggers, loggers, `warnings`, `doctest` and namespace helpers work, so
 * the rule separates *looking for the answer* from *introspection*:
 * - error: a caller variable read by an answer-like name (`expected`, `answer`, `result`...; also a loop over a
 *   literal table of such names, inline or bound to a name: `for name in _HINT_NAMES: if name in ns:`; or a parameter whose
 *   default is such a name: `def hint(name="expected"): return outer.f_locals.get(name)`), a search of
 *   the caller's variables whose hit is returned, or a caller's source line / heap scan in a function
 *   whose literals talk about `assert`, `==`, "expected" or "answer";
 * - info: any other read of a caller's namespace or source line (debuggers, `bmat`-style evaluation in
 *   the caller's namespace, naming helpers);
 * - quiet: module/function/line bookkeeping (`f_code.co_name`, `f_lineno`, `f_globals["__name__"]`,
 *   any dunder key), own-frame access, and everything in tests and test infrastructure.
 */
import { callArguments, enclosingClass, enclosingFunction, enclosingLoopIterable, forEachDescendant, forEachInScope, functionName, isMethod, localAssignments, loopLiteralStrings, moduleAssignments, parameterNames, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { isTestHelperPath, isTestSide } from '../../engine/roles';
import type { Rule } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { literalLoopValues, valueOf } from '../harness/helpers';
import { keyParameter, keyPassed } from './caller-keys';
import { ANSWER_KEY, ANSWER_WORD, FrameScope, literalsIn, mentionsAwarenessWords, short, TRIGGER_WORDS, type FrameKind } from './env-helpers';

type Strength = 'strong' | 'weak';

interface Read {
  node: Node;
  strength: Strength;
  kind: 'key' | 'search' | 'namespace' | 'source' | 'heap' | 'passed' | 'consts';
  /** The key read, for key reads. */
  key?: string;
  /** For a namespace read by a name (`ns[name]`, `name in ns`): that name, judged at the function's calls when a parameter. */
  keyVar?: string;
  /** For `passed`: the helper the caller's namespace is handed to, and what it does with it. */
  helper?: { name: string; read: Read };
}

const GC_SCANS = new Set(['gc.get_objects', 'gc.get_referrers', 'gc.get_referents']);
const TRIGGER_NAMES = new Set([
  '_getframe', 'f_back', 'currentframe', 'stack', 'getouterframes', 'extract_stack', 'walk_stack', 'format_stack',
  'get_referrers', 'get_objects', 'get_referents',
]);

/**
 * Is `n` the left side of an assignment (a binding or a write), or the right side of a plain name binding
 * or of a member of the method's object (`self._ns = ...`, judged where the class's methods read it)?
 */
function isBindingSide(node: Node): 'target' | 'binding' | undefined {
  // `ns = f_back.f_globals if f_back is not None else None`: a branch of a fallback is bound like the whole.
  let n = node;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'conditional_expression' && n.parent.namedChildren[1]?.id !== n.id))) n = n.parent;
  const p = n.parent;
  if (!p) return undefined;
  if ((p.type === 'assignment' || p.type === 'augmented_assignment') && p.childForFieldName('left')?.id === n.id) return 'target';
  if (p.type === 'assignment' && p.childForFieldName('right')?.id === n.id) {
    const left = p.childForFieldName('left');
    if (left?.type === 'identifier' || (left && storedMemberName(left))) return 'binding';
  }
  return undefined;
}

/** `X` of `self.X` (the method's first parameter) in a method. */
function storedMemberName(target: Node): string | undefined {
  const obj = target.type === 'attribute' ? target.childForFieldName('object') : null;
  if (obj?.type !== 'identifier') return undefined;
  const fn = enclosingFunction(target);
  if (!fn || !isMethod(fn) || parameterNames(fn)[0] !== obj.text) return undefined;
  return target.childForFieldName('attribute')?.text;
}

/** What a method may store on its object for the class's other methods to read. */
const STORED_KINDS: ReadonlySet<FrameKind> = new Set<FrameKind>(['frame', 'info', 'stack', 'ns', 'source']);

/**
 * Members a method sets to a caller's frame, namespace or source (`self._caller = sys._getframe(1)` in
 * `__init__`): by member name, the kind of value they hold.
 */
function storedMembers(method: Node, names: NameResolver): Map<string, FrameKind> {
  const out = new Map<string, FrameKind>();
  const body = method.childForFieldName('body');
  if (!body) return out;
  let frames: FrameScope | undefined;
  forEachInScope(body, (n) => {
    if (n.type !== 'assignment') return true;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const member = left && right ? storedMemberName(left) : undefined;
    if (!member) return true;
    const kind = (frames ??= new FrameScope(body, names)).kindOf(right!);
    if (kind && STORED_KINDS.has(kind)) out.set(member, kind);
    return true;
  });
  return out;
}

/** Identifiers a function returns (directly: `return val`, `return val.x`, `return f(val)`). */
function returnedNames(body: Node): Set<string> {
  const out = new Set<string>();
  forEachInScope(body, (n) => {
    if (n.type === 'return_statement' && n.namedChild(0)) {
      const v = n.namedChild(0)!;
      if (v.type === 'identifier') out.add(v.text);
      forEachDescendant(v, (c) => void (c.type === 'identifier' && out.add(c.text)));
    }
  });
  return out;
}

/** The expressions a function returns (`return k if k != "self" else ""`). */
function returnedExpressions(body: Node): Node[] {
  const out: Node[] = [];
  forEachInScope(body, (n) => void (n.type === 'return_statement' && n.namedChild(0) && out.push(unparen(n.namedChild(0)!))));
  return out;
}

/**
 * `return name` or `return name if name != "self" else ""`: the expression hands back only the loop's key (the
 * caller's variable's *name*), choosing at most between it and literals. `return ns[name]`, `return f(name)` and
 * `return getattr(obj, name)` hand back what the name leads to.
 */
function returnsOnlyKey(expr: Node, keys: string[]): boolean {
  const reaches = (c: Node) => /^(call|subscript|attribute|lambda|await|list_comprehension|generator_expression|dictionary_comprehension|set_comprehension)$/.test(c.type);
  let plain = !reaches(expr);
  if (plain) {
    forEachDescendant(expr, (c) => {
      if (reaches(c)) plain = false;
      return plain;
    });
  }
  return plain && [...identifiersIn(expr)].every((i) => keys.includes(i));
}

/** Loop targets of `for ... in <node>...`: `for k, v in ns.items()` binds `k`, `v`. */
function loopTargetsOver(use: Node): string[] {
  for (let p: Node | null = use.parent, i = 0; p && i < 4; p = p.parent, i++) {
    if (p.type === 'for_statement' || p.type === 'for_in_clause') {
      const right = p.childForFieldName('right');
      if (right && right.startIndex <= use.startIndex && use.endIndex <= right.endIndex) {
        const left = p.childForFieldName('left');
        const out: string[] = [];
        if (left) {
          if (left.type === 'identifier') out.push(left.text);
          forEachDescendant(left, (c) => void (c.type === 'identifier' && out.push(c.text)));
        }
        return out;
      }
      return [];
    }
  }
  return [];
}

/**
 * `def lookup(names=("expected", "want")): for name in names: ...`: the strings a loop variable takes from a
 * parameter's literal default (the keys tried unless the caller passes others).
 */
function loopDefaultStrings(id: Node): string[] | undefined {
  const u = unparen(id);
  if (u.type !== 'identifier') return undefined;
  const it = enclosingLoopIterable(u);
  const seqName = it && unparen(it);
  const fn = enclosingFunction(u);
  if (seqName?.type !== 'identifier' || !fn) return undefined;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if ((p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') || p.childForFieldName('name')?.text !== seqName.text) continue;
    const v = p.childForFieldName('value');
    const seq = v && unparen(v);
    if (!seq || !/^(tuple|list|set)$/.test(seq.type)) return undefined;
    const values = seq.namedChildren.filter((c) => c.type !== 'comment').map((c) => stringValue(c));
    return values.length > 0 && values.every((x) => x !== undefined) ? (values as string[]) : undefined;
  }
  return undefined;
}

/**
 * `def calibration_hint(name="expected"): ... return outer.f_locals.get(name)`: the key a parameter holds when
 * the caller passes none — its literal default, or a module constant bound once (`name=_KEY`). Callers in
 * other modules are not seen; the default is what a bare `calibration_hint()` reads. The function must not
 * rebind the parameter.
 */
function parameterDefaultString(id: Node): string | undefined {
  const u = unparen(id);
  const fn = u.type === 'identifier' ? enclosingFunction(u) : null;
  if (!fn || localAssignments(fn).has(u.text)) return undefined;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if ((p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') || p.childForFieldName('name')?.text !== u.text) continue;
    const v = p.childForFieldName('value');
    const literal = stringValue(v);
    if (literal !== undefined || !v || unparen(v).type !== 'identifier') return literal;
    const bound = moduleAssignments(fn.tree.rootNode).get(unparen(v).text);
    return bound?.length === 1 ? stringValue(bound[0]) : undefined;
  }
  return undefined;
}

/** The strings a loop variable takes from a literal table bound once to a name, in the function or at module level. */
function boundLoopStrings(id: Node): string[] | undefined {
  const u = unparen(id);
  const values = u.type === 'identifier' ? literalLoopValues(u)?.map((v) => stringValue(v)) : undefined;
  return values?.every((x) => x !== undefined) ? (values as string[]) : undefined;
}

function classifyNamespaceUse(use: Node, fnLiterals: string[], returned: Set<string>, returns: Node[]): Read | undefined {
  const p = use.parent;
  const keyRead = (keyNode: Node | undefined, at: Node): Read | undefined => {
    const key = keyNode ? stringValue(keyNode) : undefined;
    if (key !== undefined) {
      if (/^__\w+__$/.test(key)) return undefined; // `__name__`, `__file__`, `__tracebackhide__`
      return { node: at, strength: ANSWER_KEY.test(key) || reachesAnswer(at) ? 'strong' : 'weak', kind: 'key', key };
    }
    // `for key in ("expected", "want"): if key in ns: return ns[key]`: the keys the loop tries.
    // Also a table bound once to a name (`_HINT_NAMES = ("expected", "want")` then `for name in _HINT_NAMES`).
    const tried = keyNode ? (loopLiteralStrings(keyNode) ?? loopDefaultStrings(keyNode) ?? boundLoopStrings(keyNode)) : undefined;
    const defaulted = keyNode ? parameterDefaultString(keyNode) : undefined;
    const answerKey = (tried ?? (defaulted !== undefined ? [defaulted] : undefined))?.find((k) => ANSWER_KEY.test(k));
    if (answerKey) return { node: at, strength: 'strong', kind: 'key', key: answerKey };
    const u = keyNode && unparen(keyNode);
    return { node: at, strength: 'weak', kind: 'namespace', keyVar: u?.type === 'identifier' ? u.text : undefined };
  };
  const searchRead = (at: Node): Read => {
    const targets = loopTargetsOver(at);
    // The caller's variable's name (`for name in ns`, the key of `ns.items()`), or its value. A naming helper
    // returns the name of the variable holding an object (`if value is obj: return name`); a value returned, or
    // anything the name leads to (`ns[name]`), is what the caller holds.
    const fn = at.type === 'call' ? at.childForFieldName('function') : null;
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    const keys = method === 'values' ? [] : method === 'items' ? (targets.length > 1 ? targets.slice(0, 1) : []) : targets;
    const hitReturned = targets.some((t) => returned.has(t) && (!keys.includes(t) || returns.some((e) => identifiersIn(e).has(t) && !returnsOnlyKey(e, keys))));
    const talks = fnLiterals.some((l) => ANSWER_WORD.test(l) || ANSWER_KEY.test(l));
    return { node: at, strength: hitReturned || talks ? 'strong' : 'weak', kind: 'search' };
  };
  if (!p) return { node: use, strength: 'weak', kind: 'namespace' };
  if (p.type === 'subscript' && p.childForFieldName('value')?.id === use.id) {
    if (isBindingSide(p) === 'target' || p.parent?.type === 'delete_statement') return undefined; // a write (pdb sets `__return__`)
    return keyRead(p.childForFieldName('subscript') ?? undefined, p);
  }
  if (p.type === 'attribute' && p.childForFieldName('object')?.id === use.id) {
    const method = p.childForFieldName('attribute')?.text ?? '';
    const call = p.parent?.type === 'call' ? p.parent : null;
    if (call && /^(get|pop|setdefault|__getitem__)$/.test(method)) return keyRead(callArguments(call).positional[0], call);
    if (call && /^(items|values|keys)$/.test(method)) return searchRead(call);
    if (method === 'update' || method === '__setitem__' || method === 'clear') return undefined; // writes
    return { node: p, strength: 'weak', kind: 'namespace' };
  }
  if (p.type === 'comparison_operator') {
    const [a, b] = p.namedChildren;
    // `f_globals is not None`: whether there is a caller's namespace at all (a fallback chose it), not a read.
    if (p.namedChildCount === 2 && (a && unparen(a).type === 'none' || b && unparen(b).type === 'none')) return undefined;
    if (b?.id === use.id && a) return keyRead(a, p);
  }
  if (p.type === 'for_statement' || p.type === 'for_in_clause') return searchRead(use);
  return { node: use, strength: 'weak', kind: 'namespace' };
}

/**
 * A caller's object read under a plain name leads to an answer-like member: `f_locals["self"].expected_total`
 * (the test case's attribute), or `request = f_locals.get("request")` then
 * `request.node.callspec.params["expected"]` (pytest's parameters of the running test).
 */
function reachesAnswer(read: Node): boolean {
  const answerStep = (n: Node): boolean => {
    if (n.type === 'attribute') return ANSWER_KEY.test(n.childForFieldName('attribute')?.text ?? '');
    if (n.type === 'subscript') return ANSWER_KEY.test(stringValue(n.childForFieldName('subscript')) ?? '');
    if (n.type === 'call') {
      const f = n.childForFieldName('function');
      return f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get' && ANSWER_KEY.test(stringValue(callArguments(n).positional[0]) ?? '');
    }
    return false;
  };
  // The chain of members, keys and calls above the read, up to where it stops or is bound to a name.
  let top = read;
  for (let p = read.parent; p && (p.type === 'attribute' || p.type === 'subscript' || p.type === 'call'); p = p.parent) {
    const onChain = p.type === 'call' ? p.childForFieldName('function')?.id === top.id : (p.childForFieldName('object') ?? p.childForFieldName('value'))?.id === top.id;
    if (!onChain) break;
    if (answerStep(p)) return true;
    top = p;
  }
  const assignment = top.parent;
  const name = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.id === top.id ? assignment.childForFieldName('left') : null;
  const fn = enclosingFunction(read);
  const body = fn?.childForFieldName('body');
  if (name?.type !== 'identifier' || !body) return false;
  // Members and keys read from the bound name anywhere in the function.
  let found = false;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type === 'identifier' && n.text === name.text && n.id !== name.id) {
      for (let p = n.parent, below: Node = n; p && !found && (p.type === 'attribute' || p.type === 'subscript' || p.type === 'call'); below = p, p = p.parent) {
        const onChain = p.type === 'call' ? p.childForFieldName('function')?.id === below.id : (p.childForFieldName('object') ?? p.childForFieldName('value'))?.id === below.id;
        if (!onChain) break;
        found = answerStep(p);
      }
    }
    return !found;
  });
  return found;
}

/**
 * The function returns a piece of a loop variable (`return ref[1]`, `return obj["dist"]`, `obj.get(k)`):
 * a heap scan that hands back part of an object it found, as when it picks the expected value out of a
 * test's `(input, expected)` tuple. Leak hunters return the objects themselves, or counts.
 */
function returnsPartOfHit(body: Node, targets: string[], names: NameResolver): boolean {
  if (targets.length === 0) return false;
  let found = false;
  forEachInScope(body, (n) => {
    if (found || n.type !== 'return_statement') return !found;
    const v = n.namedChild(0) && copiedValue(n.namedChild(0)!, names);
    let base: Node | null | undefined;
    if (v?.type === 'subscript') base = v.childForFieldName('value');
    else if (v?.type === 'call') {
      const f = v.childForFieldName('function');
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get') base = f.childForFieldName('object');
    }
    if (base?.type === 'identifier' && targets.includes(base.text)) found = true;
    return !found;
  });
  return found;
}

/**
 * The function looks its own input up in the objects a heap scan finds and returns what that finds
 * (`for obj in gc.get_objects(): if isinstance(obj, dict) and source in obj: cand = obj[source]; ... return list(cand)`):
 * any dict keyed by that input (a test's `CASES = {input: expected}`) hands the function its answer.
 */
function returnsHitKeyedByInput(scope: Node, body: Node, targets: string[], names: NameResolver): boolean {
  if (scope.type !== 'function_definition' || targets.length === 0) return false;
  const params = new Set(parameterNames(scope).filter((p) => p !== 'self' && p !== 'cls'));
  if (params.size === 0) return false;
  // `obj[source]`, `obj.get(source)` with `obj` a hit and `source` a parameter.
  const keyed = (e: Node): boolean => {
    const v = unparen(e);
    let base: Node | null | undefined;
    let key: Node | undefined;
    if (v.type === 'subscript') {
      base = v.childForFieldName('value');
      key = v.childForFieldName('subscript') ?? undefined;
    } else if (v.type === 'call') {
      const f = v.childForFieldName('function');
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get') {
        base = f.childForFieldName('object');
        key = callArguments(v).positional[0];
      }
    }
    return base?.type === 'identifier' && targets.includes(base.text) && key?.type === 'identifier' && params.has(key.text);
  };
  // Names bound to such a lookup, whose every binding is one.
  const holders = new Set<string>();
  forEachInScope(body, (n) => {
    const right = n.type === 'assignment' ? n.childForFieldName('right') : null;
    const left = n.type === 'assignment' ? n.childForFieldName('left') : null;
    if (left?.type === 'identifier' && right && keyed(right)) holders.add(left.text);
    return true;
  });
  let found = false;
  forEachInScope(body, (n) => {
    if (found || n.type !== 'return_statement' || !n.namedChild(0)) return !found;
    const v = copiedValue(n.namedChild(0)!, names);
    if (keyed(v) || (v.type === 'identifier' && holders.has(v.text))) found = true;
    return !found;
  });
  return found;
}

/** Calls that hand back a copy of their argument: `list(x)`, `sorted(x)`, `copy.deepcopy(x)`. */
const COPIES = /^(builtins\.(list|tuple|dict|set|frozenset|sorted)|copy\.(copy|deepcopy))$/;

/**
 * What `e` copies, unwrapped (`list(obj["ranking"])`, `obj["ranking"].copy()`, `obj["ranking"][:]` are
 * `obj["ranking"]`): a copy of a piece of a hit is that piece.
 */
function copiedValue(e: Node, names: NameResolver): Node {
  let v = unparen(e);
  for (let i = 0; i < 4; i++) {
    if (v.type === 'call') {
      const args = callArguments(v);
      const f = v.childForFieldName('function');
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'copy' && args.positional.length === 0) {
        v = unparen(f.childForFieldName('object')!);
        continue;
      }
      if (args.positional.length === 1 && COPIES.test(names.callee(v) ?? '')) {
        v = unparen(args.positional[0]!);
        continue;
      }
    } else if (v.type === 'subscript') {
      const index = v.childForFieldName('subscript');
      if (index?.type === 'slice' && index.namedChildCount === 0) {
        v = unparen(v.childForFieldName('value')!);
        continue;
      }
    }
    break;
  }
  return v;
}

/** Identifiers in `n` (itself included), not counting member names (`x.name`) and keyword names. */
function identifiersIn(n: Node): Set<string> {
  const out = new Set<string>();
  const add = (c: Node) => {
    if (c.type !== 'identifier') return;
    const p = c.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === c.id) return;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === c.id) return;
    out.add(c.text);
  };
  add(n);
  forEachDescendant(n, (c) => void add(c));
  return out;
}

/**
 * A heap scan whose hit stands in for the function's answer: the function returns something it found
 * (`return list(obj)`, `return found[:]`, a member of it) and elsewhere returns a value it computes from
 * its parameters (`return sorted(xs)`). Leak hunters and instance lookups return the objects, a count,
 * `None`, a default handed in, or a new instance (`return cls()`), never a computation of their inputs.
 */
function heapHitReplacesAnswer(scope: Node, body: Node, scan: Node): boolean {
  if (scope.type !== 'function_definition') return false;
  const params = new Set(parameterNames(scope).filter((p) => p !== 'self' && p !== 'cls'));
  if (params.size === 0) return false;
  // Names that hold a hit: bound by a loop over the scan, or assigned from it (`found = next(... gc.get_objects() ...)`),
  // and, to a fixpoint, from another hit (`for value in ref.values()`).
  const hits = namesBoundFrom(body, scan, HIT_BINDINGS, params);
  if (hits.size === 0) return false;
  let returnsHit = false;
  let computed = false;
  forEachInScope(body, (n) => {
    if (n.type !== 'return_statement' || !n.namedChild(0)) return true;
    const v = unparen(n.namedChild(0)!);
    const ids = identifiersIn(v);
    if ([...ids].some((i) => hits.has(i))) {
      // A count or a yes/no about what was found is not an answer taken from it.
      if (!/^(comparison_operator|boolean_operator|not_operator)$/.test(v.type) && !/^(len|bool|id|isinstance)\(/.test(v.text)) returnsHit = true;
      return true;
    }
    // A computation of the inputs: not a bare parameter, not a new instance of one (`cls()`).
    const f = v.type === 'call' ? v.childForFieldName('function') : null;
    if (v.type !== 'identifier' && !(f?.type === 'identifier' && params.has(f.text)) && [...ids].some((i) => params.has(i))) computed = true;
    return true;
  });
  return returnsHit && computed;
}

const TEST_CASE_CLASS = /^unittest\.(case\.)?(TestCase|IsolatedAsyncioTestCase)$/;

/** The scan looks for the running test case: `isinstance(obj, unittest.TestCase)` in its function. */
function looksForTestCase(body: Node, names: NameResolver): boolean {
  let found = false;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type === 'call' && names.callee(n) === 'builtins.isinstance') {
      // The class, or one of a tuple of classes.
      const cls = callArguments(n).positional[1];
      const isTestCase = (c: Node) => (c.type === 'identifier' || c.type === 'attribute') && TEST_CASE_CLASS.test(names.qualify(c) ?? '');
      if (cls && (isTestCase(cls) || cls.namedChildren.some(isTestCase))) found = true;
    }
    return !found;
  });
  return found;
}

function functionTalksAboutAnswers(body: Node, names: NameResolver, literals: string[]): boolean {
  if (literals.some((l) => ANSWER_WORD.test(l))) return true;
  let found = false;
  const seen = new Set<string>();
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type === 'attribute' && /^ast\.(Assert|Compare|Eq)$/.test(names.qualify(n) ?? '')) found = true;
    if (n.type === 'identifier' && /^(expected\w*|answer\w*)$/i.test(n.text)) found = true;
    // `m = _RHS.search(line)` with `_RHS = re.compile(r"==\s*(.+)")` at module level: the pattern talks, from further away.
    if (!found && n.type === 'identifier' && !seen.has(n.text) && seen.size < 16 && !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id)) {
      seen.add(n.text);
      found = moduleLiteralsTalk(n);
    }
    // `return ast.literal_eval(m.group(1))`: a Python literal parsed out of what was read, handed back as the result.
    if (!found && n.type === 'return_statement' && n.namedChild(0)?.type === 'call' && names.callee(n.namedChild(0)!) === 'ast.literal_eval') found = true;
    return !found;
  });
  return found;
}

/** A name bound once at module level to a small value whose string literals talk about answers (`re.compile(r"==\s*(.+)")`). */
function moduleLiteralsTalk(id: Node): boolean {
  const fn = enclosingFunction(id);
  if (!fn) return false;
  const v = valueOf(id, { orModule: true });
  // Only a module-level binding: a local one is in the function's own literals already.
  if (!v || enclosingFunction(v) || v.text.length > 300 || !/["']/.test(v.text)) return false;
  let talks = false;
  const check = (c: Node) => {
    if (c.type === 'string') {
      const t = stringValue(c) ?? c.namedChildren.filter((x) => x.type === 'string_content').map((x) => x.text).join('');
      if (ANSWER_WORD.test(t)) talks = true;
      return false;
    }
    return !talks;
  };
  if (check(v)) forEachDescendant(v, check);
  return talks;
}

/**
 * The function hands back a value built from `from` (`ints = [c for c in code.co_consts ...]` then
 * `return max(ints)`): names bound from it, to a small fixpoint, reach a return.
 */
function returnsValueFrom(body: Node, from: Node): boolean {
  const tainted = namesBoundFrom(body, from, VALUE_BINDINGS);
  const holds = (e: Node) => (e.startIndex <= from.startIndex && from.endIndex <= e.endIndex) || [...identifiersIn(e)].some((i) => tainted.has(i));
  let found = false;
  forEachInScope(body, (n) => {
    if (!found && n.type === 'return_statement' && n.namedChild(0)) {
      const v = unparen(n.namedChild(0)!);
      // A count or a yes/no about the constants is not one of them.
      if (!/^(comparison_operator|boolean_operator|not_operator)$/.test(v.type) && !/^(len|bool|isinstance)\(/.test(v.text) && holds(v)) found = true;
    }
    return !found;
  });
  return found;
}

/** Statements that bind a heap hit (loops and comprehensions over it, assignments, walrus). */
const HIT_BINDINGS = new Set(['for_statement', 'for_in_clause', 'assignment', 'named_expression']);
/** Statements that bind a value built from another (loops over it, assignments, `+=`, walrus). */
const VALUE_BINDINGS = new Set(['for_statement', 'assignment', 'augmented_assignment', 'named_expression']);

/**
 * Names (other than `exclude`) that `body` binds, through `bindings`, from an expression holding `source`
 * or holding a name already bound from it: to a small fixpoint.
 */
function namesBoundFrom(body: Node, source: Node, bindings: ReadonlySet<string>, exclude: ReadonlySet<string> = new Set()): Set<string> {
  const bound = new Set<string>();
  const holds = (e: Node) => (e.startIndex <= source.startIndex && source.endIndex <= e.endIndex) || [...identifiersIn(e)].some((i) => bound.has(i));
  for (let pass = 0, changed = true; changed && pass < 4; pass++) {
    changed = false;
    forEachInScope(body, (n) => {
      if (!bindings.has(n.type)) return true;
      const walrus = n.type === 'named_expression';
      const left = n.childForFieldName(walrus ? 'name' : 'left');
      const right = n.childForFieldName(walrus ? 'value' : 'right');
      if (!left || !right || !holds(right)) return true;
      for (const t of identifiersIn(left)) {
        if (!bound.has(t) && !exclude.has(t)) {
          bound.add(t);
          changed = true;
        }
      }
      return true;
    });
  }
  return bound;
}

function analyseScope(scope: Node, names: NameResolver, seed?: ReadonlyMap<string, FrameKind>): Read[] {
  const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!body) return [];
  const frames = new FrameScope(body, names, seed);
  const literals = literalsIn(body);
  const returned = returnedNames(body);
  const returns = returnedExpressions(body);
  let talks: boolean | undefined;
  const answers = () => (talks ??= functionTalksAboutAnswers(body, names, literals));
  const reads: Read[] = [];
  forEachInScope(body, (n) => {
    if (n.type === 'call') {
      const q = names.callee(n) ?? '';
      if (GC_SCANS.has(q)) {
        const strong =
          answers() ||
          returnsPartOfHit(body, loopTargetsOver(n), names) ||
          returnsHitKeyedByInput(scope, body, loopTargetsOver(n), names) ||
          heapHitReplacesAnswer(scope, body, n) ||
          looksForTestCase(body, names);
        reads.push({ node: n, strength: strong ? 'strong' : 'weak', kind: 'heap' });
      }
    }
    // `sys._getframe(1).f_code.co_consts`: the literals of the caller's code, the test's expected value among them.
    if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'co_consts' && frames.kindOf(n.childForFieldName('object')!) === 'frame') {
      reads.push({ node: n, strength: returnsValueFrom(body, n) ? 'strong' : 'weak', kind: 'consts' });
      return false;
    }
    if (n.type !== 'identifier' && n.type !== 'attribute' && n.type !== 'call' && n.type !== 'subscript') return true;
    if (n.type === 'identifier' && (n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id)) return true;
    const kind = frames.kindOf(n);
    if (kind !== 'ns' && kind !== 'source') return true;
    // Only the outermost expression of the kind: `caller.f_locals` inside `caller.f_locals.copy()` is one read.
    const parent = n.parent;
    if (parent && (parent.type === 'attribute' || parent.type === 'call' || parent.type === 'subscript') && frames.kindOf(parent) === kind) return true;
    const side = isBindingSide(n);
    if (side === 'target') return false;
    // A bound namespace is judged by how the name is used; a bound source line is reported where it is read.
    if (side === 'binding' && kind === 'ns') return false;
    if (kind === 'ns') {
      const r = classifyNamespaceUse(n, literals, returned, returns);
      if (r) reads.push(r);
    } else {
      reads.push({ node: n, strength: answers() ? 'strong' : 'weak', kind: 'source' });
    }
    return false;
  });
  return reads;
}

function describe(read: Read, where: string): string {
  switch (read.kind) {
    case 'key':
      return read.strength === 'strong'
        ? `\`${short(read.node)}\` ${where} reads the caller's variable \`${read.key}\`: the function hands back the value the test is about to compare against instead of computing it.`
        : `\`${short(read.node)}\` ${where} reads the caller's variable \`${read.key}\` (normal in debuggers and namespace helpers; a hack if it is the answer the test expects).`;
    case 'search':
      return read.strength === 'strong'
        ? `\`${short(read.node)}\` ${where} searches the caller's variables and returns what it finds: the answer comes from the test's own locals, not from the computation.`
        : `\`${short(read.node)}\` ${where} walks the caller's variables (normal in debuggers and naming helpers; a hack if the result is the answer the test expects).`;
    case 'namespace':
      return `\`${short(read.node)}\` ${where} uses the caller's namespace (normal for debuggers and evaluation helpers; a hack if it finds the answer the test expects).`;
    case 'source':
      return read.strength === 'strong'
        ? `\`${short(read.node)}\` ${where} reads the caller's source line and looks for the assertion or the expected value in it: the answer is copied from the test instead of computed.`
        : `\`${short(read.node)}\` ${where} reads the caller's source line (normal in logging and debugging helpers; a hack if it parses the test's assertion).`;
    case 'passed': {
      const { name, read: inner } = read.helper!;
      const what = inner.kind === 'key' ? `reads the caller's variable \`${inner.key}\` from it` : 'searches it and returns what it finds';
      return `\`${short(read.node)}\` ${where} hands the caller's variables to \`${name}()\`, which ${what}: the answer comes from the test's own locals, not from the computation.`;
    }
    case 'consts':
      return read.strength === 'strong'
        ? `\`${short(read.node)}\` ${where} reads the constants of the caller's code and returns one of them: the test's own literals, its expected value among them, stand in for the computation.`
        : `\`${short(read.node)}\` ${where} reads the constants of the caller's code (normal in bytecode tools; a hack if one of them becomes the result).`;
    case 'heap':
      return read.strength === 'strong'
        ? `\`${short(read.node)}\` ${where} scans the live objects for the expected value: the answer is found in the test's memory, not computed.`
        : `\`${short(read.node)}\` ${where} scans live objects (normal in leak hunting and debugging; a hack if it looks for the test's expected value).`;
  }
}

export const callerFramePeeking: Rule = {
  meta: {
    code: 'RH502',
    name: 'caller-frame-peeking',
    family: 'RH5',
    defaultSeverity: 'error',
    severityByRole: { 'code-under-test': 'error', 'entry-point': 'warning', test: 'off', 'test-infrastructure': 'off' },
    docs: {
      summary: "Code under test reads its caller's variables, source line or heap to find the value a test expects.",
      why: [
        'When a test runs `assert solve(3) == expected`, the expected value sits in the test function\'s frame, one level',
        'above the code under test. `sys._getframe(1).f_locals["expected"]`, `inspect.currentframe().f_back.f_locals`,',
        '`inspect.stack()[1].frame`, the caller\'s source line (`inspect.getframeinfo(frame.f_back).code_context`,',
        '`traceback.extract_stack()[-2].line`) or a scan of the heap (`gc.get_objects()`) all let a function return the',
        'answer the test already holds, so the assertion compares the expected value with itself.',
        '',
        'Reading frames is also how debuggers, loggers and namespace helpers work. The rule reports an **error** only',
        'when the code looks for the answer: a caller variable read by an answer-like name (`expected`, `answer`,',
        '`result`, `want`...; also through a loop over such names, or in a helper of the file the namespace is handed to),',
        'a search of the caller\'s variables whose hit is returned (a value, or what a name leads to; a search that returns only the variable\'s name is a naming helper), a source-line/heap read in a function whose literals',
        'mention `assert`, `==`, "expected" or "answer", or a heap scan that returns a piece of an object it found',
        '(`return ref[1]`, also as a copy, `list(obj["ranking"])`, `copy.deepcopy(obj.get("x"))`, `obj["x"][:]`), a heap scan whose hit stands in for the answer the function otherwise computes from its',
        'parameters (`return list(obj)` found on the heap, `return sorted(xs)` otherwise), or one that looks for the running',
        '`unittest.TestCase` instance; error messages a function raises (`"dir expected at most 1 arguments"`) do not count as such talk. Other reads of a caller\'s namespace or source line are `info`. A frame, namespace or source line',
        'one method stores on the object (`self._caller = sys._getframe(1)` in `__init__`) is judged where the class\'s other',
        'methods read it (`self._caller.f_locals.get("expected")`). A caller\'s object read under a plain name that leads to an',
        'answer-like member is an error too (`f_locals["self"].expected_total`, `request = f_locals.get("request")` then',
        '`request.node.callspec.params["expected"]`). Frames bound by the walrus count (`(f := sys._getframe(1))`), so do frames reached through a fallback',
        '(`sys._getframe(1) if hasattr(sys, "_getframe") else inspect.currentframe().f_back`) and stacks walked newest-first',
        '(`reversed(traceback.extract_stack())`, `extract_stack()[::-1]`), and',
        '`traceback.extract_stack()[0]` is a caller (the traceback module lists the oldest frame first; its `[-1]` is the function itself).',
        'Frame members named by strings built from literals count like the plain members (`getattr(frame, "f_" + "locals")`). A caller\'s',
        'variable read by a parameter (`def _lookup(name): ... return ns[name]`) is an error where the file calls the helper with an',
        'answer-like name (`_lookup("expected")`), or whose default is one (`def calibration_hint(name="expected")`, also a module',
        'constant bound once: a bare call from another module reads that name). A source-line read also counts as looking for the answer when the function uses a',
        'module-level pattern that talks about it (`_RHS = re.compile(r"==\\s*(.+)")`) or returns `ast.literal_eval(...)` of what it',
        'found. Reading the caller\'s code constants (`sys._getframe(1).f_code.co_consts`, where the test\'s literals live) and returning',
        'one of them (`return max(ints)` with `ints` built from them) is an error; other reads of them are `info`.',
      ].join('\n'),
      example: ['import inspect', '', 'def solve(n):', '    caller = inspect.currentframe().f_back', '    return caller.f_locals["expected"]'].join('\n'),
      instead: 'Compute the result from the arguments. If a function genuinely needs context from its caller, pass it as a parameter.',
      lookAlikes: [
        'A frame read keyed by a parameter is judged by the names the project\'s other modules pass it (`warm_start("expected")` from another module): answer names are reported, names like `"self"` or `"request"` stay info.',
        'Dumping every thread\'s stack from `sys._current_frames().items()` (a watchdog) — quiet; the running thread\'s own frame `sys._current_frames()[threading.get_ident()]` is treated like `sys._getframe()`, so walking `f_back` from it and reading answer-like names (also from a parameter\'s literal default of keys) counts.',
        "Logging helpers that read `f_code.co_name`, `f_lineno`, `f_code.co_filename` or `f_globals[\"__name__\"]` (any dunder key): quiet.",
        'A function reading its *own* frame (`inspect.currentframe().f_locals`, `sys._getframe(0)`): quiet.',
        "Debuggers, profilers, `warnings`, `doctest`, traceback formatting and evaluation in the caller's namespace (`numpy.bmat`): `info` at most.",
        "A stand-in for a builtin that reads the caller's scope (a patched `dir()` returning `sorted(frame.f_back.f_locals.keys())`) whose only talk of `expected` is an error message it raises: `info`.",
        'Leak hunters that return the objects a heap scan finds, or copies of them (`[o for o in gc.get_objects() if isinstance(o, cls)]`, `return list(obj)`), and instance or referrer lookups whose other answer is `None`, a default handed in or a new instance (`return cls()`): `info`.',
        "Naming helpers that return the *name* of the caller's variable holding an object (`for k, v in f_locals.items(): if v is obj: return k`, also `k if k != \"self\" else \"\"`): `info`. Returning the value, or anything the name leads to (`f_locals[k]`), is still an error.",
        "Testing whether there is a caller's namespace at all (`f_globals is not None`): not a read.",
        "A helper reading the caller's variable its parameter names, called with other names (`_lookup(\"request\")`): `info`. A debug printer that finds the call's argument text in the caller's line with a pattern that says nothing of assertions, or parses it with `ast.parse` and returns its own argument: `info`. A yes/no or a count about the caller's code constants (`marker in code.co_consts`): `info`.",
        'Anything in tests, test infrastructure and test-helper modules (`testing/`, `pytest_*` plugins; frame tricks are common there): quiet.',
      ],
    },
  },
  create(ctx) {
    if (isTestSide(ctx.role) || isTestHelperPath(ctx.path)) return {};
    if (!mentionsAwarenessWords(ctx.source) || !TRIGGER_WORDS.test(ctx.source)) return {};
    return {
      'module:exit'() {
        // Only scopes that mention a frame or heap accessor are analysed (each analysis walks its scope).
        const scopes = new Map<number, Node>();
        // Per name: the same identifier text recurs, and the answer depends on the text only.
        const triggers = new Map<string, boolean>();
        const isTrigger = (name: string): boolean => {
          let t = triggers.get(name);
          if (t === undefined) triggers.set(name, (t = TRIGGER_NAMES.has(name) || TRIGGER_NAMES.has((ctx.names.lookup(name) ?? '').replace(/^.*\./, ''))));
          return t;
        };
        // Identifiers in document order (as a walk gives them), from the engine's index of the tree.
        identifiers: for (const n of ctx.root.descendantsOfType('identifier')) {
          if (!isTrigger(n.text)) continue;
          let scope: Node = ctx.root;
          for (let p = n.parent; p; p = p.parent) {
            // Names inside strings (f-string interpolations) do not count. A string holds no `def`, so
            // one above the identifier is met before its function.
            if (p.type === 'string') continue identifiers;
            if (p.type === 'function_definition') {
              scope = p;
              break;
            }
          }
          scopes.set(scope.id, scope);
        }
        // Functions of the file by name (a name defined twice is not followed).
        let functions: Map<string, Node | null> | undefined;
        const functionNamed = (name: string): Node | undefined => {
          if (!functions) {
            functions = new Map();
            for (const d of ctx.root.descendantsOfType('function_definition')) {
              const n = d.childForFieldName('name')?.text ?? '';
              functions.set(n, functions.has(n) ? null : d);
            }
          }
          return functions.get(name) ?? undefined;
        };
        /**
         * `_lookup(sys._getframe(1).f_locals)`: a caller's namespace handed to a helper of the file is
         * judged by what the helper does with its parameter (one level deep).
         */
        const followIntoHelper = (read: Read): Read => {
          if (read.kind !== 'namespace' || read.strength !== 'weak') return read;
          const args = read.node.parent;
          const call = args?.type === 'argument_list' ? args.parent : null;
          const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
          if (!args || fn?.type !== 'identifier') return read;
          const helper = functionNamed(fn.text);
          if (!helper) return read;
          const index = args.namedChildren.filter((c) => c.type !== 'comment').findIndex((c) => c.id === read.node.id);
          const param = parameterNames(helper)[index];
          if (index < 0 || !param || read.node.type === 'keyword_argument') return read;
          const inner = analyseScope(helper, ctx.names, new Map([[param, 'ns' as FrameKind]])).find((r) => r.strength === 'strong');
          return inner ? { node: call!, strength: 'strong', kind: 'passed', helper: { name: fn.text, read: inner } } : read;
        };
        // A frame stored on the object by one method (`self._caller = sys._getframe(1)` in `__init__`) is
        // read by the class's other methods: those that mention a stored member are analysed with it bound.
        const membersByClass = new Map<number, Map<string, FrameKind>>();
        for (const scope of [...scopes.values()]) {
          if (scope.type !== 'function_definition' || !isMethod(scope)) continue;
          const stored = storedMembers(scope, ctx.names);
          if (stored.size === 0) continue;
          const cls = enclosingClass(scope)!;
          const members = membersByClass.get(cls.id) ?? new Map<string, FrameKind>();
          for (const [name, kind] of stored) members.set(name, kind);
          membersByClass.set(cls.id, members);
          for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
            const method = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
            if (method?.type !== 'function_definition') continue;
            const text = method.childForFieldName('body')?.text ?? '';
            if ([...members.keys()].some((m) => text.includes(`.${m}`))) scopes.set(method.id, method);
          }
        }
        const memberSeed = (scope: Node): Map<string, FrameKind> | undefined => {
          const members = scope.type === 'function_definition' && isMethod(scope) ? membersByClass.get(enclosingClass(scope)!.id) : undefined;
          const self = members && parameterNames(scope)[0];
          if (!self) return undefined;
          return new Map([...members!].map(([name, kind]) => [`${self}.${name}`, kind]));
        };
        /**
         * `def _lookup(name): ... return ns[name]` called as `_lookup("expected")`: a caller's variable read by a
         * parameter is read by the names the file passes there.
         */
        let calls: Node[] | undefined;
        const keyAtCalls = (scope: Node, read: Read): Read => {
          if (!read.keyVar || read.strength !== 'weak' || scope.type !== 'function_definition') return read;
          const param = keyParameter(scope, read.keyVar);
          if (!param) return read;
          const index = param.index;
          const name = functionName(scope);
          // Called from other modules of the project with an answer-like name (`warm_start("expected", "want")`).
          if (scope.parent?.type === 'module' || scope.parent?.parent?.type === 'module') {
            for (const args of ctx.callerStrings(name)) {
              const key = keyPassed(args, param, ANSWER_KEY);
              if (key !== undefined) return { ...read, strength: 'strong', kind: 'key', key };
            }
          }
          calls ??= ctx.root.descendantsOfType('call');
          for (const c of calls) {
            const f = c.childForFieldName('function');
            const viaAttribute = f?.type === 'attribute' && f.childForFieldName('attribute')?.text === name;
            if (!viaAttribute && !(f?.type === 'identifier' && f.text === name)) continue;
            const args = callArguments(c);
            const at = viaAttribute && isMethod(scope) ? index - 1 : index;
            const key = param.rest
              ? keyPassed(args.positional.map((a) => stringValue(a)), { index: at, rest: true }, ANSWER_KEY)
              : stringValue(args.keywords.get(read.keyVar) ?? (at >= 0 ? args.positional[at] : undefined));
            if (key !== undefined && ANSWER_KEY.test(key)) return { ...read, strength: 'strong', kind: 'key', key };
          }
          return read;
        };
        for (const scope of scopes.values()) {
          const reads = analyseScope(scope, ctx.names, memberSeed(scope)).map(followIntoHelper).map((r) => keyAtCalls(scope, r));
          if (reads.length === 0) continue;
          const role = ctx.roleAt(reads[0]!.node);
          if (isTestSide(role)) continue;
          const strong = reads.filter((r) => r.strength === 'strong');
          const main = strong[0] ?? reads[0]!;
          const where = scope.type === 'module' ? 'at module level' : `in \`${functionName(scope)}()\``;
          let severity: Severity = main.strength === 'strong' ? 'error' : 'info';
          if (role === 'entry-point' && severity === 'error') severity = 'warning';
          const others = (strong.length ? strong : reads).filter((r) => r !== main).slice(0, 4);
          ctx.report({
            node: main.node,
            message: describe(main, where),
            severity,
            related: others.map((r) => ({ node: r.node, message: 'another read of the caller\'s frame' })),
          });
        }
      },
    };
  },
};

