/**
 * Shared analysis for RH501 (test-environment-detection) and RH502 (caller-frame-peeking):
 *
 * - Frames: which expressions are the *caller's* frame (`sys._getframe(1)`, `...f_back`,
 *   `inspect.stack()[1].frame`, a loop over `inspect.stack()`), the caller's namespace (`f_locals`,
 *   `f_globals`) or the caller's source text (`code_context`, `FrameSummary.line`, `linecache.getline`
 *   on the caller's file), tracked through local variables of one function.
 * - Probes: expressions that ask "is a test run in progress?" (`"pytest" in sys.modules`,
 *   `PYTEST_CURRENT_TEST`, `sys.argv` naming pytest, a caller frame named `test_*`), including names
 *   and functions that hold such a check.
 * - Constants: what counts as a canned answer.
 *
 * All walks are iterative or bounded by small depth caps.
 */
import { anyPositionWithin, callArguments, enclosingFunction, forEachDescendant, forEachInScope, literalSumValue, moduleFunctionNamed, parameterNames, stringValue, unparen, type Node } from '../../engine/ast';
import { fromImports } from '../../engine/exports';
import type { NameResolver } from '../../engine/names';
import type { RuleContext } from '../../engine/rule';
import { MentionedWords, rememberingLast, spellsByValue, type AnchoredWord } from '../../engine/prefilter';
import { literalLoopValues, valueOf } from '../harness/helpers';

// ---------------------------------------------------------------------------------------------------
// Text filter

/**
 * RH501's framework names: `/pytest|PYTEST|py\.test|unittest|_called_from_test/`, searched by rare letters
 * (see MentionedWords). `sys._called_from_test` is the flag pytest's documentation has a `conftest.py` set
 * so that code can tell it runs under test.
 */
const FRAMEWORK_NAMES: readonly AnchoredWord[] = [
  ['pytest', 'y'],
  ['unittest', 'unitt'],
  ['py.test', 'y'],
  ['PYTEST', 'Y'],
  ['_called_from_test', 'called_from'],
];

/** The attribute pytest's documented recipe sets on `sys` while tests run. */
export const TEST_RUN_FLAG = '_called_from_test';

/**
 * RH502's frame and heap accessors:
 * `/_getframe|f_back|currentframe|inspect|extract_stack|walk_stack|format_stack|get_referrers|get_objects|get_referents|linecache/`,
 * searched by rare letters (one pass over `k` for the four words that have one) and shared parts.
 */
const ACCESSOR_NAMES: readonly AnchoredWord[] = [
  ['inspect', 'pect'],
  ['f_back', 'k'],
  ['extract_stack', 'k'],
  ['walk_stack', 'k'],
  ['format_stack', 'k'],
  ['get_objects', 'j'],
  ['_getframe', 'frame'],
  ['currentframe', 'frame'],
  ['_current_frames', 'frame'],
  ['get_referrers', '_ref'],
  ['get_referents', '_ref'],
  ['linecache', 'h'],
];

/** Words of pytest's output-capturing classes' names (`CaptureIO`, `EncodedFile`, `DontReadFromInput`; see CAPTURE_CLASS). */
const CAPTURE_NAMES: readonly AnchoredWord[] = [
  ['Capture', 'Capt'],
  ['EncodedFile', 'dedF'],
  ['DontReadFromInput', 'tRead'],
];

export const PYTEST_WORDS = new MentionedWords(FRAMEWORK_NAMES);
export const TRIGGER_WORDS = new MentionedWords(ACCESSOR_NAMES);
export const CAPTURE_WORDS = new MentionedWords(CAPTURE_NAMES);

/** Every word of RH501's and RH502's text filters: one scan rules both out for most files. */
export const AWARENESS_WORDS = new MentionedWords([...FRAMEWORK_NAMES, ...ACCESSOR_NAMES, ...CAPTURE_NAMES, ['getouterframes', 'frame']]);

/** `/_getframe|f_back|currentframe|inspect\.stack|getouterframes|extract_stack/` (RH501's frame access), searched by rare letters. */
export const FRAME_WORDS = new MentionedWords([
  ['f_back', 'k'],
  ['extract_stack', 'k'],
  ['inspect.stack', 'k'],
  ['_getframe', 'frame'],
  ['currentframe', 'frame'],
  ['getouterframes', 'frame'],
]);

/** The source has one of the words RH501 and RH502 need (a necessary condition for either to report); both ask in a row. */
export const mentionsAwarenessWords = rememberingLast((source) => AWARENESS_WORDS.test(source));

// ---------------------------------------------------------------------------------------------------
// Frames

/** What an expression is, as far as frame peeking goes. */
export type FrameKind =
  /** The caller's frame (or an ancestor's). */
  | 'frame'
  /** The function's own frame (`inspect.currentframe()`, `sys._getframe()`). */
  | 'own'
  /** A `FrameInfo`/`FrameSummary` of a caller. */
  | 'info'
  /** A list of those (`inspect.stack()`, `traceback.extract_stack()`). */
  | 'stack'
  /** The caller's namespace (`f_locals`/`f_globals`). */
  | 'ns'
  /** The caller's source text (`code_context`, `.line`, `linecache.getline(...)` on the caller's file). */
  | 'source'
  /** The caller's function name or file name (`f_code.co_name`, `.function`). */
  | 'name';

/** Keys of a frame's globals that name where the caller lives: its module and file. */
const CALLER_NAME_KEY = /^__(name|file|module)__$/;

const STACK_FUNCTIONS = new Set(['inspect.stack', 'inspect.getouterframes', 'traceback.extract_stack', 'traceback.walk_stack', 'traceback.format_stack']);

const FRAME_ROOT_CALLEES = new Set(['sys._getframe', 'inspect.currentframe', 'sys._current_frames', ...STACK_FUNCTIONS]);

/** The running thread's id: `threading.get_ident()`, `_thread.get_ident()`, `threading.current_thread().ident`. */
function isCurrentThreadId(n: Node, names: NameResolver): boolean {
  const u = unparen(n);
  if (u.type === 'call') return /^_?thread(ing)?\.get_ident$/.test(names.callee(u) ?? '');
  if (u.type !== 'attribute' || u.childForFieldName('attribute')?.text !== 'ident') return false;
  const o = unparen(u.childForFieldName('object')!);
  return o.type === 'call' && /^threading\.(current_thread|currentThread)$/.test(names.callee(o) ?? '');
}

/** `sys._current_frames()[threading.get_ident()]` (or `.get(...)`): the running thread's top frame, the function's own. */
function isOwnThreadFrame(n: Node, names: NameResolver): boolean {
  let table: Node | null = null;
  let key: Node | undefined;
  if (n.type === 'subscript') {
    table = n.childForFieldName('value');
    key = n.childForFieldName('subscript') ?? undefined;
  } else if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'get') return false;
    table = fn.childForFieldName('object');
    key = callArguments(n).positional[0];
  }
  const t = table && unparen(table);
  return !!t && !!key && t.type === 'call' && names.callee(t) === 'sys._current_frames' && isCurrentThreadId(key, names);
}

const FRAME_ROOT_NAMES = new Set([...FRAME_ROOT_CALLEES].map((q) => q.slice(q.lastIndexOf('.') + 1)));

/**
 * A call or attribute where frame access starts: `FrameScope` gives an expression a kind only through
 * one of these calls or an `x.f_back` (every other case derives from a kind already found).
 */
export function isFrameRoot(n: Node, names: NameResolver): boolean {
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text === 'f_back';
  if (n.type !== 'call') return false;
  // An attribute callee resolves to `<base>.<attribute>`: no need to resolve other attributes.
  const f = n.childForFieldName('function');
  if (f?.type === 'attribute' && !FRAME_ROOT_NAMES.has(f.childForFieldName('attribute')?.text ?? '')) return false;
  return FRAME_ROOT_CALLEES.has(names.callee(n) ?? '');
}

/** Per-scope table of local names bound to frame-related values. */
export class FrameScope {
  private readonly vars = new Map<string, FrameKind>();

  /**
   * `seed`: names already bound on entry — a helper's parameter that receives a caller's namespace, or an
   * object's member written as `self.x` (a frame a method of the class stored on the object).
   */
  constructor(
    private readonly body: Node,
    private readonly names: NameResolver,
    seed?: ReadonlyMap<string, FrameKind>,
    /** Calls of helpers that return their caller's name (`caller = calling_function()`): their value is a name. */
    private readonly callerNameCall?: (call: Node) => boolean,
  ) {
    if (seed) for (const [name, kind] of seed) this.vars.set(name, kind);
    // A few passes reach a fixpoint for chains like `f = sys._getframe(); c = f.f_back; ns = c.f_locals`.
    for (let pass = 0; pass < 4; pass++) {
      let changed = false;
      forEachInScope(body, (n) => {
        if (n.type === 'assignment' || n.type === 'named_expression') {
          // `f = sys._getframe(1)`, and the walrus `(f := sys._getframe(1))`.
          const left = n.childForFieldName(n.type === 'assignment' ? 'left' : 'name');
          const right = n.childForFieldName('value') ?? n.childForFieldName('right');
          if (left?.type === 'identifier' && right) {
            const k = this.kindOf(right);
            const prev = this.vars.get(left.text);
            // Monotone: a name that ever holds a caller's frame stays one (`f = currentframe(); f = f.f_back`).
            if (k && prev !== k && !(k === 'own' && prev !== undefined)) {
              this.vars.set(left.text, k);
              changed = true;
            }
          }
        } else if (n.type === 'for_statement' || n.type === 'for_in_clause') {
          const left = n.childForFieldName('left');
          const right = n.childForFieldName('right');
          if (left && right) changed = this.bindLoop(left, right) || changed;
        }
      });
      if (!changed) break;
    }
  }

  private bindLoop(left: Node, right: Node): boolean {
    const k = this.kindOf(right);
    let changed = false;
    const set = (id: Node | null | undefined, kind: FrameKind) => {
      if (id?.type === 'identifier' && this.vars.get(id.text) !== kind) {
        this.vars.set(id.text, kind);
        changed = true;
      }
    };
    if (k === 'stack') {
      if (left.type === 'identifier') set(left, 'info');
      else if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
        // `for frame, filename, lineno, function, code_context, index in inspect.stack()`
        const items = left.namedChildren;
        set(items[0], 'frame');
        if (items.length >= 5) set(items[4], 'source');
        if (items.length >= 4) set(items[3], 'name');
      }
    }
    return changed;
  }

  lookup(name: string): FrameKind | undefined {
    return this.vars.get(name);
  }

  /** The frame kind of an expression, or undefined when it is not frame-related. */
  kindOf(expr: Node): FrameKind | undefined {
    return this.kindAt(expr, 0);
  }

  private kindAt(expr: Node, depth: number): FrameKind | undefined {
    // Frame expressions are short chains; a pathological one is simply not a frame.
    if (depth > 24) return undefined;
    let n = unparen(expr);
    for (let guard = 0; guard < 20; guard++) {
      switch (n.type) {
        case 'identifier':
          return this.vars.get(n.text);
        case 'call': {
          if (isOwnThreadFrame(n, this.names)) return 'own';
          if (this.callerNameCall?.(n)) return 'name';
          const q = this.names.callee(n) ?? '';
          const args = callArguments(n);
          if (q === 'sys._getframe') {
            const a = args.positional[0] ?? args.keywords.get('depth');
            if (!a) return 'own';
            const v = unparen(a);
            if (v.type === 'integer') return Number(v.text) >= 1 ? 'frame' : 'own';
            return 'frame';
          }
          if (q === 'inspect.currentframe') return 'own';
          if (STACK_FUNCTIONS.has(q)) return 'stack';
          if (q === 'inspect.getframeinfo' || q === 'inspect.getouterframes') {
            const a = args.positional[0];
            const k = a ? this.kindAt(a, depth + 1) : undefined;
            if (q === 'inspect.getouterframes') return 'stack';
            return k === 'frame' ? 'info' : undefined;
          }
          if (/^inspect\.(getsource|getsourcelines)$/.test(q)) {
            const a = args.positional[0];
            return a && this.kindAt(a, depth + 1) === 'frame' ? 'source' : undefined;
          }
          if (/^linecache\.(getline|getlines)$/.test(q)) {
            return args.positional.some((a) => this.mentionsCaller(a)) ? 'source' : undefined;
          }
          if (q === 'builtins.getattr' && args.positional.length >= 2) {
            // `getattr(frame, "f_" + "locals")`: a member named by a string built from literals is that member.
            const attr = stringValue(args.positional[1]) ?? builtText(args.positional[1]);
            const base = this.kindAt(args.positional[0]!, depth + 1);
            if (attr && base) return attributeKind(base, attr);
            return undefined;
          }
          if (q === 'builtins.dict' && args.positional[0]) return this.kindAt(args.positional[0], depth + 1) === 'ns' ? 'ns' : undefined;
          // `reversed(traceback.extract_stack())`, `list(inspect.stack())`: the same frames, in some order.
          if (/^builtins\.(reversed|list|tuple|iter)$/.test(q) && args.positional[0]) return this.kindAt(args.positional[0], depth + 1) === 'stack' ? 'stack' : undefined;
          const fn = n.childForFieldName('function');
          const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
          if (method === 'copy') return this.kindAt(fn!.childForFieldName('object')!, depth + 1) === 'ns' ? 'ns' : undefined;
          // `f_globals.get("__name__", "")`: the caller's module name.
          if (method === 'get' && CALLER_NAME_KEY.test(stringValue(args.positional[0]) ?? '')) {
            return this.kindAt(fn!.childForFieldName('object')!, depth + 1) === 'ns' ? 'name' : undefined;
          }
          return undefined;
        }
        case 'attribute': {
          const attr = n.childForFieldName('attribute')?.text ?? '';
          const obj = n.childForFieldName('object')!;
          if (attr === 'f_back') {
            // Any `x.f_back` is a caller's frame, whatever `x` is.
            return 'frame';
          }
          // A member seeded by its dotted name (`self._caller`); only seeds have a dot in their name.
          const member = obj.type === 'identifier' ? this.vars.get(`${obj.text}.${attr}`) : undefined;
          if (member) return member;
          const base = this.kindAt(obj, depth + 1);
          return base ? attributeKind(base, attr) : undefined;
        }
        case 'subscript': {
          if (isOwnThreadFrame(n, this.names)) return 'own';
          const value = n.childForFieldName('value')!;
          const base = this.kindAt(value, depth + 1);
          const index = n.childForFieldName('subscript');
          if (!base || !index) return undefined;
          const i = unparen(index);
          if (base === 'stack') {
            if (i.type === 'slice') return 'stack';
            const t = i.text.replace(/\s+/g, '');
            // inspect.stack()[0] is the function's own frame, and traceback.extract_stack()[-1]: the
            // traceback module lists the oldest frame first, so its `[0]` is a caller (with `limit=2`, the
            // direct one). A stack held in a name may be either.
            const order = this.stackOrder(value);
            if (t === '-1' && order !== 'inspect') return undefined;
            if (t === '0' && order !== 'traceback') return undefined;
            return 'info';
          }
          if (base === 'info') {
            const t = i.text.trim();
            if (t === '0') return 'frame';
            if (t === '4') return 'source';
            if (t === '3') return 'name';
            return undefined;
          }
          if (base === 'source') return 'source';
          // `f_globals["__name__"]`: the caller's module name.
          if (base === 'ns' && CALLER_NAME_KEY.test(stringValue(i) ?? '')) return 'name';
          return undefined;
        }
        case 'parenthesized_expression':
          n = unparen(n);
          continue;
        case 'conditional_expression': {
          // `sys._getframe(1) if hasattr(sys, "_getframe") else inspect.currentframe().f_back` (or `else None`):
          // a fallback between two ways to reach the same frame; a caller's frame on either side counts.
          const [a, , b] = n.namedChildren;
          const ka = a ? this.kindAt(a, depth + 1) : undefined;
          const kb = b ? this.kindAt(b, depth + 1) : undefined;
          if (ka && ka !== 'own') return ka;
          return kb && kb !== 'own' ? kb : (ka ?? kb);
        }
        default:
          return undefined;
      }
    }
    return undefined;
  }

  /** Which end of a stack list is the function's own frame: `inspect` lists it first, `traceback` last. */
  private stackOrder(stack: Node): 'inspect' | 'traceback' | undefined {
    const u = unparen(stack);
    if (u.type !== 'call') return undefined;
    const q = this.names.callee(u) ?? '';
    if (/^traceback\.(extract_stack|format_stack)$/.test(q)) return 'traceback';
    if (q === 'inspect.stack' || q === 'inspect.getouterframes') return 'inspect';
    return undefined;
  }

  /** The expression reads from a caller's frame somewhere (`caller.f_lineno`, `caller.f_code.co_filename`). */
  mentionsCaller(expr: Node): boolean {
    let found = false;
    const check = (n: Node) => {
      if (found) return false;
      if ((n.type === 'identifier' || n.type === 'attribute' || n.type === 'call' || n.type === 'subscript')) {
        const k = this.kindOf(n);
        if (k === 'frame' || k === 'info') found = true;
      }
      return !found;
    };
    check(expr);
    if (!found) forEachDescendant(expr, check);
    return found;
  }
}

function attributeKind(base: FrameKind, attr: string): FrameKind | undefined {
  if (base === 'frame') {
    if (attr === 'f_locals' || attr === 'f_globals') return 'ns';
    if (attr === 'f_code') return 'frame'; // co_name/co_filename below
    if (attr === 'co_name' || attr === 'co_filename' || attr === 'co_qualname') return 'name';
    return undefined;
  }
  if (base === 'own') {
    if (attr === 'f_back') return 'frame';
    return undefined;
  }
  if (base === 'info') {
    if (attr === 'frame') return 'frame';
    if (attr === 'code_context' || attr === 'line') return 'source';
    if (attr === 'function' || attr === 'filename' || attr === 'name') return 'name';
    return undefined;
  }
  if (base === 'source' && (attr === 'strip' || attr === 'lstrip' || attr === 'rstrip' || attr === 'split')) return 'source';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Literal vocabulary

/** Names of the value a test compares against. */
export const ANSWER_KEY = /^(expected|expect|exp|expected_\w+|\w+_expected|answer|answers|ans|want|wanted|golden|solution|correct|truth|ground_truth|reference|desired|should_be|target|result|results|output)$/i;
/** Words in literals or names that say the code is looking for the test's answer. */
export const ANSWER_WORD = /expect|answer|golden|correct|truth|\bwant\b|\bassert\b|==/i;

/**
 * String literals directly in a function (docstrings and error messages excluded), not in nested functions.
 * An error message says what the function was given ("dir expected at most 1 arguments"), not what it looks for.
 */
export function literalsIn(body: Node): string[] {
  const out: string[] = [];
  forEachInScope(body, (n) => {
    if (n.type === 'raise_statement') return false;
    if (n.type === 'string' || n.type === 'concatenated_string') {
      const parent = n.parent;
      const isDocstring = parent?.type === 'expression_statement' && parent.parent?.id === body.id && body.namedChildren[0]?.id === parent.id;
      if (!isDocstring) {
        const v = stringValue(n);
        if (v !== undefined) out.push(v);
        else for (const c of n.namedChildren) if (c.type === 'string_content') out.push(c.text);
      }
      return false;
    }
    return true;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Constants

const MAX_CONST_NODES = 200;

/** A literal value: number, string, bool, None, or a tuple/list/set/dict of those. */
export function isConstant(node: Node | null | undefined): boolean {
  if (!node) return false;
  let count = 0;
  let ok = true;
  const check = (n: Node): boolean => {
    if (++count > MAX_CONST_NODES) {
      ok = false;
      return false;
    }
    switch (n.type) {
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
      case 'string_start':
      case 'string_content':
      case 'string_end':
      case 'escape_sequence':
        return true;
      case 'string':
        if (n.namedChildren.some((c) => c.type === 'interpolation')) ok = false;
        return ok;
      case 'concatenated_string':
      case 'tuple':
      case 'list':
      case 'set':
      case 'dictionary':
      case 'pair':
      case 'parenthesized_expression':
        return true;
      case 'unary_operator':
        return true;
      case 'comment':
        return true;
      default:
        ok = false;
        return false;
    }
  };
  if (!check(unparen(node))) return false;
  forEachDescendant(unparen(node), (n) => (ok ? check(n) : false));
  return ok;
}

export function isNoneLiteral(node: Node | null | undefined): boolean {
  return !node || unparen(node).type === 'none';
}

// ---------------------------------------------------------------------------------------------------
// Test-run probes

export type ProbeKind = 'sys.modules' | 'environ' | 'argv' | 'caller-name' | 'named' | 'flag' | 'capture';

export interface Probe {
  node: Node;
  kind: ProbeKind;
  /** What the probe checks, for messages. */
  text: string;
}

/** The test frameworks' module names: code that asks whether `unittest` is loaded asks the same question. */
const FRAMEWORK_MODULE = /^(_?pytest|py\.test|_pytest\.\w+|unittest)$/;
const TEST_ENV_VAR = /^PYTEST_(CURRENT_TEST|VERSION|XDIST_WORKER|XDIST_TESTRUNUID)$/;
/** What a scan of the environment's names looks for (`k.startswith("PYTEST")`, `"pytest" in k.lower()`): pytest's variables by their prefix. */
const TEST_ENV_PREFIX = /^(?:PYTEST_?|pytest_?|PYTEST_[A-Z_]+)$/;
const RUNNER_WORD = /(^|[\/\\\s_.-])(py\.?test|pytest-\w+|_pytest)([\/\\\s_.-]|$)|^-m\s*pytest$|^pytest$|^py\.test$/;
/** A test's function, module or folder name: `test_*`, `*_test`, `*_test.py`, `tests`, `tests/...`, `.../test/...`. */
const TEST_NAME_LITERAL = /^(tests?|test_.*|.*_tests?(\.py)?|pytest|tests?[\/.].*|.*[\/.]tests?[\/.]?.*)$/;
/** pytest's output-capturing classes: what `type(sys.stdout).__name__` is while pytest captures a test's output. */
const CAPTURE_CLASS = /^(CaptureIO|TeeCaptureIO|EncodedFile|CaptureFixture|DontReadFromInput|SysCapture(Binary)?|FDCapture(Binary)?|MultiCapture|CaptureManager)$/;

/**
 * What a string literal's value can make a probe of: `framework` when it names the framework, one of its
 * variables or its runner (`sys.modules`, `environ` and `argv` probes), `name` when it only names a test
 * (a caller-frame probe, which also needs a frame), undefined when neither. Every probe tests a literal's
 * value against these patterns.
 */
export function probeStringKind(n: Node): 'framework' | 'name' | undefined {
  if (n.type === 'string' && !spellsByValue(n)) {
    // Without escapes that spell words (see `spellsByValue`), a literal's source text has every word its
    // value has (only an implicit concatenation joins words from parts). The framework patterns all contain
    // `pytest`, `py.test`, `PYTEST` or `unittest`; the test-name one contains `test` and, being anchored
    // with `.`, fails on a value with a line break (see `mayNameTest`).
    const t = n.text;
    if (!t.includes('pytest') && !t.includes('py.test') && !t.includes('PYTEST') && !t.includes('unittest') && !CAPTURE_WORDS.test(t)) {
      if (!mayNameTest(t)) return undefined;
    }
  }
  const v = n.type === 'binary_operator' ? literalSumValue(n) : stringValue(n);
  if (v === undefined) return undefined;
  if (FRAMEWORK_MODULE.test(v) || TEST_ENV_VAR.test(v) || TEST_ENV_PREFIX.test(v) || RUNNER_WORD.test(v) || v === TEST_RUN_FLAG || CAPTURE_CLASS.test(v)) return 'framework';
  return TEST_NAME_LITERAL.test(v) ? 'name' : undefined;
}

/** Where the file's probe strings start, by kind, to skip expressions that contain none (they hold no probe). */
export class ProbeStrings {
  private readonly starts = { framework: [] as number[], name: [] as number[] };
  /**
   * Strings that cannot name the framework, so at most a test: test names count only once the file
   * reaches a frame, so these are classified only when first asked about then.
   */
  private pending: Node[] = [];

  private sorted = true;

  /** A node that is a probe without a string (`sys._called_from_test`): it counts like a framework string. */
  noteFlag(n: Node): void {
    this.push('framework', n);
  }

  /** Called with every `string` and `concatenated_string` node of the file (the walk gives document order). */
  note(n: Node): void {
    // A sum of literals (`"PY" + "TEST_CURRENT_TEST"`, see `literalSumValue`) is one string to Python.
    if (n.type === 'binary_operator') {
      const kind = probeStringKind(n);
      if (kind === 'framework') this.push(kind, n);
      else if (kind === 'name') this.pending.push(n);
      return;
    }
    if (!mayNameFramework(n)) {
      if (n.type === 'concatenated_string' || mayNameTest(n.text)) this.pending.push(n);
      return;
    }
    const kind = probeStringKind(n);
    if (kind) this.push(kind, n);
  }

  private push(kind: 'framework' | 'name', n: Node): void {
    const list = this.starts[kind];
    if (list.length && n.startIndex < list[list.length - 1]!) this.sorted = false;
    list.push(n.startIndex);
  }

  /** Test-name strings, once `frames` makes them count. */
  private names(): number[] {
    if (this.pending.length) {
      for (const n of this.pending) if (probeStringKind(n) === 'name') this.push('name', n);
      this.pending = [];
    }
    return this.starts.name;
  }

  /** Some probe string exists (test names count only when the file can reach a frame). */
  any(frames: boolean): boolean {
    return this.starts.framework.length > 0 || (frames && this.names().length > 0);
  }

  /** Some probe string lies inside `n` (nodes nest, so starting inside it is enough). */
  within(n: Node, frames: boolean): boolean {
    if (frames) this.names();
    if (!this.sorted) {
      this.starts.framework.sort((a, b) => a - b);
      this.starts.name.sort((a, b) => a - b);
      this.sorted = true;
    }
    return anyPositionWithin(this.starts.framework, n) || (frames && anyPositionWithin(this.starts.name, n));
  }
}

/**
 * Could probeStringKind() call this string `framework`? Those patterns all need `pytest`, `py.test`,
 * `PYTEST` or `unittest` in the value. A plain literal's value has them only if its text does (see probeStringKind());
 * an implicit concatenation joins its parts' values, so a word can also start in one part and end in a
 * later one: then a part's value ends with the word's first letters, and (unless escapes spell words,
 * see `spellsByValue`) its last piece of text ends with the same letter.
 */
function mayNameFramework(n: Node): boolean {
  const t = n.text;
  if (t.includes('pytest') || t.includes('py.test') || t.includes('PYTEST') || t.includes('unittest') || t.includes(TEST_RUN_FLAG) || CAPTURE_WORDS.test(t)) return true;
  if (n.type !== 'concatenated_string') return spellsByValue(n);
  for (const part of n.namedChildren) {
    if (spellsByValue(part)) return true;
    // string_start, the pieces, string_end: the last piece is next to last (last, if string_end is missing).
    const pieces = part.namedChildren;
    for (let i = Math.max(0, pieces.length - 2); i < pieces.length; i++) if (/[pytes.PYTESuni]$/.test(pieces[i]!.text)) return true;
  }
  return false;
}

/**
 * Can a plain literal with this text name a test (see probeStringKind())? Its value holds `test` and no
 * line break, which a line break in the text gives unless a backslash continues the line (then it is
 * looked at).
 */
function mayNameTest(text: string): boolean {
  if (!text.includes('test')) return false;
  return (!text.includes('\n') && !text.includes('\r')) || /\\\r?\n/.test(text);
}

/** The modules an import statement names: `a.b` for `import a.b as c`, `.x` for `from .x import y`. */
export function importedModules(stmt: Node): string[] {
  if (stmt.type === 'import_from_statement') return [stmt.childForFieldName('module_name')?.text ?? ''];
  return stmt.namedChildren.map((c) => (c.type === 'aliased_import' ? c.childForFieldName('name')?.text : c.text) ?? '');
}

/**
 * A module of the importing file's own package: relative (`.test_properties`), or absolute from a package
 * holding the file (`bandit.core.test_properties` from `bandit/__init__.py` or `bandit/plugins/calls.py`).
 */
export function isOwnPackageModule(mod: string, path: string): boolean {
  return mod.startsWith('.') || path.replace(/\\/g, '/').split('/').slice(0, -1).includes(mod.split('.')[0]!);
}

/** A node's text on one line for a message, cut to `max` characters with `...`. */
export function short(node: Node, max = 60): string {
  const t = node.text.replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** The operator of a two-operand comparison as text: `in`, `not in`, `is not`, `==`. */
export function comparisonOperator(n: Node): string {
  return n.children.filter((c) => !c.isNamed).map((c) => c.text).join(' ');
}

/**
 * `os.environ`, or a name bound once to it or to a copy of it (`ENV = dict(os.environ)`,
 * `env = os.environ.copy()`).
 */
function isEnviron(n: Node | null | undefined, names: NameResolver): boolean {
  if (!n) return false;
  if (names.is(n, 'os.environ')) return true;
  const u = unparen(n);
  if (u.type !== 'identifier') return false;
  const v = valueOf(u, { orModule: true });
  if (!v || v.type !== 'call') return !!v && names.is(v, 'os.environ');
  const fn = v.childForFieldName('function');
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text === 'copy' && names.is(fn.childForFieldName('object'), 'os.environ');
  const a0 = callArguments(v).positional[0];
  return names.callee(v) === 'builtins.dict' && !!a0 && names.is(a0, 'os.environ');
}

/** Expression types `builtText` can fold (besides plain literals). */
const BUILT_TEXT_TYPES = new Set(['identifier', 'binary_operator', 'call', 'string']);

/**
 * The value of a string built from literals: a literal, `"A" + "B"`, `"_".join(["A", "B"])`, an f-string
 * whose pieces are such strings, or a name bound once to one (`_MARK = "_".join([...])`), a few steps deep.
 * Undefined when any piece is computed.
 */
export function builtText(n: Node | null | undefined, depth = 0): string | undefined {
  if (!n || depth > 4) return undefined;
  const u = unparen(n);
  const literal = stringValue(u);
  if (literal !== undefined || !BUILT_TEXT_TYPES.has(u.type)) return literal;
  if (u.type === 'identifier') {
    const v = valueOf(u, { orModule: true });
    return v && v.id !== u.id ? builtText(v, depth + 1) : undefined;
  }
  if (u.type === 'binary_operator') {
    if (u.childForFieldName('operator')?.text !== '+') return undefined;
    const a = builtText(u.childForFieldName('left'), depth + 1);
    const b = a === undefined ? undefined : builtText(u.childForFieldName('right'), depth + 1);
    return b === undefined ? undefined : a! + b;
  }
  if (u.type === 'call') {
    // `"_".join(["PYTEST", "CURRENT", "TEST"])`
    const f = u.childForFieldName('function');
    const args = callArguments(u).positional;
    const items = args.length === 1 && args[0] ? unparen(args[0]) : undefined;
    if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'join' || !items || !/^(list|tuple)$/.test(items.type)) return undefined;
    const sep = builtText(f.childForFieldName('object'), depth + 1);
    if (sep === undefined) return undefined;
    const parts: string[] = [];
    for (const item of items.namedChildren) {
      if (item.type === 'comment') continue;
      const v = builtText(item, depth + 1);
      if (v === undefined) return undefined;
      parts.push(v);
    }
    return parts.join(sep);
  }
  // An f-string: plain pieces and interpolations of built strings (`f"{PREFIX}_CURRENT_TEST"`).
  let out = '';
  for (const c of u.namedChildren) {
    if (c.type === 'string_start') {
      if (/[bB]/.test(c.text)) return undefined;
    } else if (c.type === 'string_content') {
      if (/[\\{}]/.test(c.text)) return undefined;
      out += c.text;
    } else if (c.type === 'interpolation') {
      const inner = c.namedChildren.filter((x) => x.type !== 'comment');
      const v = inner.length === 1 ? builtText(inner[0], depth + 1) : undefined;
      if (v === undefined) return undefined;
      out += v;
    } else if (c.type !== 'string_end') return undefined;
  }
  return out;
}

/** The environment variable an argument names, if one of pytest's (also when built from literals; see builtText). */
function namesTestEnvVar(n: Node | null | undefined): boolean {
  if (TEST_ENV_VAR.test(builtText(n) ?? '')) return true;
  // `any(os.environ.get(k) for k in ("CI", "PYTEST_CURRENT_TEST"))`: a loop variable over literal names, one of them pytest's.
  const u = n && unparen(n);
  return u?.type === 'identifier' && (literalLoopValues(u)?.some((v) => TEST_ENV_VAR.test(stringValue(v) ?? '')) ?? false);
}

/** A read of `os.environ` / `os.getenv` (or a copy of the environment) naming a pytest variable. */
function envProbe(n: Node, names: NameResolver): boolean {
  if (n.type === 'call') {
    const a0 = callArguments(n).positional[0];
    // A literal is settled first; a name or a built string only for a read of the environment.
    const literal = stringValue(a0);
    if (literal !== undefined ? !TEST_ENV_VAR.test(literal) : !a0 || !BUILT_TEXT_TYPES.has(unparen(a0).type)) return false;
    const q = names.callee(n) ?? '';
    let reads = q === 'os.getenv' || q === 'os.environ.get' || q === 'os.environ.__contains__' || q === 'os.getenvb';
    if (!reads) {
      const fn = n.childForFieldName('function');
      reads = fn?.type === 'attribute' && /^(get|__contains__)$/.test(fn.childForFieldName('attribute')?.text ?? '') && isEnviron(fn.childForFieldName('object'), names);
    }
    return reads && (literal !== undefined || namesTestEnvVar(a0));
  }
  if (n.type === 'subscript') {
    if (!isEnviron(n.childForFieldName('value'), names)) return false;
    if (n.parent?.type === 'assignment' && n.parent.childForFieldName('left')?.id === n.id) return false;
    if (n.parent?.type === 'delete_statement') return false;
    return namesTestEnvVar(n.childForFieldName('subscript'));
  }
  if (n.type === 'comparison_operator') {
    const [a, b] = n.namedChildren;
    if (!a || !b || n.namedChildCount !== 2 || !/\bin$/.test(comparisonOperator(n))) return false;
    if (!(/environ(\.keys\(\))?$/.test(b.text) || isEnviron(b, names))) return false;
    return namesTestEnvVar(a);
  }
  return false;
}

/**
 * Names bound to a pytest variable's name built from pieces (`_MARK = "_".join(["PYTEST", "CURRENT", "TEST"])`,
 * `_MARK = "PYTEST_CURRENT_TEST"`): a read through one holds no probe string where it is written.
 */
export function testEnvVarNames(root: Node): Set<string> {
  const out = new Set<string>();
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    // Built from literals: the value's text has a quote (most assignments are settled by that).
    if (left?.type !== 'identifier' || !right || right.type === 'identifier' || right.text.length > 300 || out.has(left.text) || !/["']/.test(right.text)) continue;
    if (!TEST_ENV_VAR.test(builtText(right) ?? '')) continue;
    // Bound once: the name holds that value wherever it is read.
    const bound = valueOf(left, { orModule: true });
    if (bound && unparen(bound).id === unparen(right).id) out.add(left.text);
  }
  return out;
}

/**
 * The environment's names as a collection or as text: `os.environ` (or a copy), `.keys()`, `.items()`,
 * `list(os.environ)`, and, with `text`, `" ".join(os.environ)`, `str(os.environ)`, `repr(os.environ)`.
 */
function isEnvironNames(n: Node, names: NameResolver, text: boolean): boolean {
  const u = unparen(n);
  if (isEnviron(u, names)) return !text;
  if (u.type !== 'call') return false;
  const fn = u.childForFieldName('function');
  const a0 = callArguments(u).positional[0];
  if (fn?.type === 'attribute') {
    const attr = fn.childForFieldName('attribute')?.text ?? '';
    if (attr === 'join') return text && !!a0 && isEnvironNames(a0, names, false);
    return !text && (attr === 'keys' || attr === 'items') && isEnviron(fn.childForFieldName('object'), names);
  }
  const q = names.callee(u) ?? '';
  if (!a0) return false;
  if (text) return /^builtins\.(str|repr)$/.test(q) && isEnvironNames(a0, names, false);
  return /^builtins\.(list|set|tuple|sorted|frozenset)$/.test(q) && isEnvironNames(a0, names, false);
}

/** A string naming pytest or its variables' prefix, in any case (`"PYTEST"`, `"pytest"`, `"PYTEST_CURRENT_TEST"`). */
function namesPytestVariable(n: Node): boolean {
  const v = stringValue(n);
  return v !== undefined && (TEST_ENV_PREFIX.test(v) || TEST_ENV_VAR.test(v) || /^_?pytest$/i.test(v));
}

/**
 * A scan of the environment's names for pytest's: a comprehension over them that looks for the prefix
 * (`any(k.startswith("PYTEST") for k in os.environ)`, `[k for k in os.environ if "pytest" in k.lower()]`),
 * a search of their text (`"PYTEST" in " ".join(os.environ)`, `"pytest" in str(os.environ).lower()`), or an
 * intersection with pytest's variables (`os.environ.keys() & {"PYTEST_CURRENT_TEST"}`).
 */
function envScanProbe(n: Node, names: NameResolver): boolean {
  if (COMPREHENSIONS.has(n.type)) {
    const over = n.namedChildren.find((c) => c.type === 'for_in_clause' && c.childForFieldName('right') && isEnvironNames(c.childForFieldName('right')!, names, false));
    if (!over) return false;
    let named = false;
    forEachDescendant(n, (c) => {
      if (named || c.id === over.childForFieldName('right')?.id) return false;
      if (c.type === 'string') {
        if (namesPytestVariable(c)) named = true;
        return false;
      }
      return true;
    });
    return named;
  }
  if (n.type === 'comparison_operator') {
    const [a, b] = n.namedChildren;
    if (!a || !b || n.namedChildCount !== 2 || !/\bin$/.test(comparisonOperator(n)) || !namesPytestVariable(a)) return false;
    // `"pytest" in str(os.environ).lower()`: a case change of the text is the text.
    let r = unparen(b);
    const f = r.type === 'call' ? r.childForFieldName('function') : null;
    if (f?.type === 'attribute' && /^(lower|upper|casefold)$/.test(f.childForFieldName('attribute')?.text ?? '')) r = unparen(f.childForFieldName('object')!);
    return isEnvironNames(r, names, true);
  }
  if (n.type === 'binary_operator' && /^\s*&\s*$/.test(n.text.slice(n.childForFieldName('left')!.endIndex - n.startIndex, n.childForFieldName('right')!.startIndex - n.startIndex))) {
    const sides = [n.childForFieldName('left')!, n.childForFieldName('right')!].map(unparen);
    const literal = (x: Node) => (x.type === 'set' || x.type === 'list' || x.type === 'tuple') && x.namedChildren.some(namesPytestVariable);
    return (isEnvironNames(sides[0]!, names, false) && literal(sides[1]!)) || (isEnvironNames(sides[1]!, names, false) && literal(sides[0]!));
  }
  if (n.type === 'call') {
    // `os.environ.keys().intersection({...})`, `{...}.intersection(os.environ)`
    const f = n.childForFieldName('function');
    if (f?.type !== 'attribute' || !/^intersection$/.test(f.childForFieldName('attribute')?.text ?? '')) return false;
    const obj = unparen(f.childForFieldName('object')!);
    const a0 = callArguments(n).positional[0];
    if (!a0) return false;
    const literal = (x: Node) => { const u = unparen(x); return (u.type === 'set' || u.type === 'list' || u.type === 'tuple') && u.namedChildren.some(namesPytestVariable); };
    return (isEnvironNames(obj, names, false) && literal(a0)) || (literal(obj) && isEnvironNames(a0, names, false));
  }
  return false;
}

/** The loaded modules: `sys.modules`, `sys.modules.keys()`, `list(sys.modules)`. */
function isModuleTable(n: Node, names: NameResolver): boolean {
  const u = unparen(n);
  if (names.is(u, 'sys.modules')) return true;
  if (u.type !== 'call') return false;
  const fn = u.childForFieldName('function');
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text === 'keys' && names.is(fn.childForFieldName('object'), 'sys.modules');
  const a0 = callArguments(u).positional[0];
  return !!a0 && /^builtins\.(list|set|tuple|sorted)$/.test(names.callee(u) ?? '') && names.is(a0, 'sys.modules');
}

const COMPREHENSIONS = new Set(['generator_expression', 'list_comprehension', 'set_comprehension']);

/**
 * `"pytest" in sys.modules`, `sys.modules.get("pytest")`, `"_pytest" in sys.modules.keys()`, and a
 * comprehension over the loaded modules that looks for the framework's name
 * (`any(m.startswith("_pytest") for m in sys.modules)`).
 */
function modulesProbe(n: Node, names: NameResolver): boolean {
  if (COMPREHENSIONS.has(n.type)) {
    const clauses = n.namedChildren.filter((c) => c.type === 'for_in_clause');
    const over = clauses.find((c) => c.childForFieldName('right') && isModuleTable(c.childForFieldName('right')!, names));
    if (!over) return false;
    // A framework name in the element or a filter, not in the iterable.
    let named = false;
    forEachDescendant(n, (c) => {
      if (named || c.id === over.childForFieldName('right')?.id) return false;
      if (c.type === 'string') {
        if (FRAMEWORK_MODULE.test(stringValue(c) ?? '')) named = true;
        return false;
      }
      // A name bound once to such a string, also built (`_HARNESS = "_py" + "test"`).
      if (c.type === 'identifier' && c.parent?.type !== 'attribute' && FRAMEWORK_MODULE.test(builtText(c) ?? '')) named = true;
      return true;
    });
    return named;
  }
  if (n.type === 'comparison_operator') {
    const [a, b] = n.namedChildren;
    if (!a || !b || n.namedChildCount !== 2 || !/\bin$/.test(comparisonOperator(n))) return false;
    if (!FRAMEWORK_MODULE.test(stringValue(a) ?? builtText(a) ?? '')) return false;
    const rb = unparen(b);
    if (names.is(rb, 'sys.modules')) return true;
    if (rb.type === 'call') {
      const fn = rb.childForFieldName('function');
      return fn?.type === 'attribute' && names.is(fn.childForFieldName('object'), 'sys.modules');
    }
    return false;
  }
  // `{"_pytest.runner", ...} & sys.modules.keys()`: a set test over the loaded modules naming a pytest module.
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '&') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return !!l && !!r && ((isModuleTable(l, names) && namesFrameworkModule(r)) || (isModuleTable(r, names) && namesFrameworkModule(l)));
  }
  if (n.type === 'call') {
    const q = names.callee(n) ?? '';
    const a0 = callArguments(n).positional[0];
    if ((q === 'sys.modules.get' || q === 'sys.modules.__contains__') && FRAMEWORK_MODULE.test(stringValue(a0) ?? '')) return true;
    // `HOSTS.intersection(sys.modules)` (not `isdisjoint`, whose truth is the opposite of a probe's)
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'attribute' || !a0 || callArguments(n).positional.length !== 1) return false;
    if (!/^intersection$/.test(fn.childForFieldName('attribute')?.text ?? '')) return false;
    const obj = fn.childForFieldName('object')!;
    return (isModuleTable(obj, names) && namesFrameworkModule(a0)) || (isModuleTable(a0, names) && namesFrameworkModule(obj));
  }
  return false;
}

/**
 * The cases of `match sys.modules:` whose mapping pattern has a key naming a test framework's module
 * (`case {"_pytest": _}:`, with or without a guard): each matches only under test, like `"_pytest" in sys.modules`.
 */
export function loadedModuleCases(match: Node, names: NameResolver): { clause: Node; probe: Probe }[] {
  const out: { clause: Node; probe: Probe }[] = [];
  const subject = match.childForFieldName('subject');
  if (!subject || !names.is(unparen(subject), 'sys.modules')) return out;
  for (const clause of match.childForFieldName('body')?.namedChildren ?? []) {
    if (clause.type !== 'case_clause') continue;
    const patterns = clause.namedChildren.filter((c) => c.type === 'case_pattern');
    // One pattern that is a mapping (also `{...} as m`), not a union with other shapes.
    let inner = patterns.length === 1 ? patterns[0]!.namedChildren.filter((c) => c.type !== 'comment') : [];
    if (inner.length === 1 && inner[0]!.type === 'as_pattern') inner = inner[0]!.namedChildren.slice(0, 1).flatMap((c) => (c.type === 'case_pattern' ? c.namedChildren : [c]));
    const mapping = inner.length === 1 && inner[0]!.type === 'dict_pattern' ? inner[0]! : undefined;
    const key = mapping?.childrenForFieldName('key').find((k) => !!k && FRAMEWORK_MODULE.test(stringValue(k) ?? ''));
    if (key) out.push({ clause, probe: { node: key, kind: 'sys.modules', text: `case ${short(mapping!)} on sys.modules` } });
  }
  return out;
}

/** A collection literal holding a pytest module name (`frozenset({"pluggy", "_pytest.runner"})`), also through a name bound once. */
function namesFrameworkModule(x: Node): boolean {
  return holdsStringMatching(x, FRAMEWORK_MODULE, false);
}

/**
 * A collection literal (`{...}`, `[...]`, `(...)`, `frozenset(...)`) with a string that `pattern` matches, or with
 * `lone` such a string itself, also through a name bound once.
 */
function holdsStringMatching(x: Node, pattern: RegExp, lone: boolean, depth = 0): boolean {
  const u = unparen(x);
  if (depth > 3) return false;
  if (lone && u.type === 'string') return pattern.test(stringValue(u) ?? '');
  if (u.type === 'set' || u.type === 'list' || u.type === 'tuple') return u.namedChildren.some((c) => c.type === 'string' && pattern.test(stringValue(c) ?? ''));
  if (u.type === 'call') {
    const f = u.childForFieldName('function');
    const args = callArguments(u).positional;
    return f?.type === 'identifier' && /^(frozenset|set|tuple|list)$/.test(f.text) && args.length === 1 && holdsStringMatching(args[0]!, pattern, lone, depth + 1);
  }
  if (u.type === 'identifier') {
    const v = valueOf(u, { orModule: true });
    return !!v && v.id !== u.id && holdsStringMatching(v, pattern, lone, depth + 1);
  }
  return false;
}

/** `type(sys.stdout).__name__`, `sys.stderr.__class__.__qualname__`: the class name of a standard stream. */
function isStreamTypeName(x: Node, names: NameResolver): boolean {
  const u = unparen(x);
  if (u.type !== 'attribute' || !/^__(qual)?name__$/.test(u.childForFieldName('attribute')?.text ?? '')) return false;
  const cls = unparen(u.childForFieldName('object')!);
  let stream: Node | undefined;
  if (cls.type === 'call' && names.callee(cls) === 'builtins.type' && callArguments(cls).positional.length === 1) stream = callArguments(cls).positional[0];
  else if (cls.type === 'attribute' && cls.childForFieldName('attribute')?.text === '__class__') stream = cls.childForFieldName('object') ?? undefined;
  return !!stream && (names.is(stream, 'sys.stdout') || names.is(stream, 'sys.stderr') || names.is(stream, 'sys.stdin'));
}

/** A pytest capture class's name, or a collection holding one (`frozenset({"CaptureIO", "StringIO"})`), also through a name bound once. */
function namesCaptureClass(x: Node): boolean {
  return holdsStringMatching(x, CAPTURE_CLASS, true);
}

/**
 * `type(sys.stdout).__name__ in {"CaptureIO", "EncodedFile"}`, `sys.stdout.__class__.__name__ == "CaptureIO"`: the
 * standard stream is one of pytest's capturing objects, so a test is running with its output captured.
 */
function captureProbe(n: Node, names: NameResolver): boolean {
  if (n.type !== 'comparison_operator' || n.namedChildCount !== 2 || !/^(==|!=|in|not in)$/.test(comparisonOperator(n))) return false;
  const [a, b] = n.namedChildren as [Node, Node];
  return (isStreamTypeName(a, names) && namesCaptureClass(b)) || (comparisonOperator(n).endsWith('=') && isStreamTypeName(b, names) && namesCaptureClass(a));
}

/** Names bound once to a table of pytest's capture classes (`_STREAMS = frozenset({"CaptureIO", ...})`): their reads count like the strings. */
export function captureTableNames(root: Node): Set<string> {
  const out = new Set<string>();
  if (!CAPTURE_WORDS.test(root.text)) return out;
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || right.text.length > 400 || out.has(left.text) || !CAPTURE_WORDS.test(right.text)) continue;
    if (!namesCaptureClass(right)) continue;
    const bound = valueOf(left, { orModule: true });
    if (bound && unparen(bound).id === unparen(right).id) out.add(left.text);
  }
  return out;
}

/** Names bound once to a collection of test-framework module names (`_HOSTS = frozenset({"_pytest.runner", ...})`): their reads count like the strings. */
export function frameworkModuleTableNames(root: Node): Set<string> {
  const out = new Set<string>();
  // Also a lone name built from pieces (`_HARNESS = "_py" + "test"`), whose text spells no framework.
  if (!/pytest|unittest|test["']/.test(root.text)) return out;
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || right.text.length > 400 || out.has(left.text) || !/pytest|unittest|test["']/.test(right.text)) continue;
    if (!namesFrameworkModule(right) && !FRAMEWORK_MODULE.test(builtText(right) ?? '')) continue;
    const bound = valueOf(left, { orModule: true });
    if (bound && unparen(bound).id === unparen(right).id) out.add(left.text);
  }
  return out;
}

/** `sys._called_from_test`, `getattr(sys, "_called_from_test", False)`, `hasattr(sys, "_called_from_test")`. */
function flagProbe(n: Node, names: NameResolver): boolean {
  if (n.type === 'attribute') {
    // `sys._called_from_test = True` (the conftest half of the recipe) sets the flag; it does not test it.
    if (n.childForFieldName('attribute')?.text !== TEST_RUN_FLAG || isAssignedHere(n)) return false;
    return names.is(n.childForFieldName('object'), 'sys');
  }
  if (n.type === 'call') {
    const q = names.callee(n);
    if (q !== 'builtins.getattr' && q !== 'builtins.hasattr') return false;
    const [obj, attr] = callArguments(n).positional;
    return stringValue(attr) === TEST_RUN_FLAG && names.is(obj, 'sys');
  }
  return false;
}

/**
 * Finds probes in an expression (a condition, a right-hand side, a return value). Named probes (variables
 * and functions known to hold a check) are matched by `named`.
 */
export function probesIn(expr: Node, names: NameResolver, named: NamedProbes, frameScope?: FrameScope): Probe[] {
  const out: Probe[] = [];
  const root = unparen(expr);
  // Values are read only when a `sys.argv` or caller-frame read makes them matter (most expressions have neither).
  const stringNodes: Node[] = [];
  let argv: Node | undefined;
  const indirect: Node[] = [];
  let callerName: Node | undefined;
  const visit = (n: Node): boolean => {
    if (n.type === 'lambda' || n.type === 'function_definition') return false;
    if (modulesProbe(n, names)) {
      out.push({ node: n, kind: 'sys.modules', text: short(n) });
      return false;
    }
    if (envProbe(n, names) || envScanProbe(n, names)) {
      out.push({ node: n, kind: 'environ', text: short(n) });
      return false;
    }
    if (flagProbe(n, names)) {
      out.push({ node: n, kind: 'flag', text: short(n) });
      return false;
    }
    if (captureProbe(n, names)) {
      out.push({ node: n, kind: 'capture', text: short(n) });
      return false;
    }
    // `_caller_module().startswith("test_")`: a helper of the file that returns the caller's function, module or file name.
    if (!callerName && n.type === 'call' && returnsCallerName(n, names, named.callerNameFunctions)) callerName = n;
    if (n.type === 'string') {
      stringNodes.push(n);
      return false;
    }
    if (!argv && isRunnerValue(n, names) && !isCommandItem(n)) argv = n;
    // A name or a call of the file's function that may hold the command line (`PROG == "pytest"`), looked into below.
    if (!argv && indirect.length < 8 && ((n.type === 'identifier' && !isAssignedHere(n) && n.parent?.type !== 'keyword_argument') || (n.type === 'call' && n.childForFieldName('function')?.type === 'identifier')) && !isCommandItem(n)) indirect.push(n);
    if (!callerName && (n.type === 'attribute' || n.type === 'identifier' || n.type === 'subscript' || n.type === 'call')) {
      const k = frameScope?.kindOf(n);
      if (k === 'name' || k === 'info' || k === 'frame' || k === 'stack') callerName = n;
    }
    const variable = n.type === 'identifier' && !isAssignedHere(n) ? namedVariable(named, n) : undefined;
    if (variable) {
      out.push({ node: n, kind: 'named', text: variable });
      return false;
    }
    if (n.type === 'attribute' && named.qualified?.size && !isAssignedHere(n)) {
      const text = named.qualified.get(names.qualify(n) ?? '');
      if (text) {
        out.push({ node: n, kind: 'named', text });
        return false;
      }
    }
    if (n.type === 'attribute' && named.attributes.size > 0 && !isAssignedHere(n)) {
      const attr = selfAttributeName(n);
      if (attr && named.attributes.has(attr)) {
        out.push({ node: n, kind: 'named', text: named.attributes.get(attr)! });
        return false;
      }
    }
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const fname = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (fname && named.functions.has(fname)) {
        out.push({ node: n, kind: 'named', text: named.functions.get(fname)! });
        return false;
      }
      // `_called_from("test_")`: a helper comparing the caller's frame names with its parameter, given a test name.
      const param = fn?.type === 'identifier' ? named.parametric.get(fn.text) : undefined;
      if (param) {
        const args = callArguments(n);
        const given = builtText(args.keywords.get(param.name) ?? args.positional[param.index]);
        if (given !== undefined && TEST_NAME_LITERAL.test(given)) {
          out.push({ node: n, kind: 'named', text: short(n) });
          return false;
        }
      }
    }
    return true;
  };
  if (visit(root)) forEachDescendant(root, visit);
  const strings = argv || callerName || indirect.length ? stringNodes.map((s) => stringValue(s)).filter((v): v is string => v !== undefined) : [];
  const namesRunner = strings.some((s) => RUNNER_WORD.test(s));
  if (!argv && namesRunner) argv = indirect.find((n) => holdsRunnerValue(n, names, 0));
  if (argv && namesRunner) out.push({ node: argv.parent ?? argv, kind: 'argv', text: short(root) });
  if (callerName && strings.some((s) => TEST_NAME_LITERAL.test(s))) out.push({ node: callerName, kind: 'caller-name', text: short(root) });
  return out;
}

const callerNameHelpers = new WeakMap<Node, boolean>();

/**
 * A call of a module-level function of the file whose returns are a caller's name (`return os.path.basename(info.filename)`
 * with `info = inspect.stack()[2]`, `return sys._getframe(2).f_code.co_name`), or built from one.
 */
export function returnsCallerName(call: Node, names: NameResolver, imported?: ReadonlySet<string>): boolean {
  const f = call.childForFieldName('function');
  if (f?.type !== 'identifier') return false;
  const def = moduleFunctionNamed(call.tree.rootNode, f.text);
  if (!def) return !!imported?.has(f.text);
  return definesCallerName(def, names);
}

/** A function whose returns are a caller's name, or built from one (see `returnsCallerName`). */
function definesCallerName(def: Node, names: NameResolver): boolean {
  let known = callerNameHelpers.get(def);
  if (known !== undefined) return known;
  known = false;
  const body = def.childForFieldName('body');
  if (body && FRAME_WORDS.test(body.text)) {
    const scope = new FrameScope(body, names);
    forEachInScope(body, (r) => {
      if (known) return false;
      if (r.type !== 'return_statement' || !r.namedChild(0)) return true;
      const v = unparen(r.namedChild(0)!);
      // A yes/no about the name is a probe of its own (or not), judged where it is defined.
      if (/^(comparison_operator|boolean_operator|not_operator)$/.test(v.type)) return true;
      const isName = (d: Node) => (d.type === 'identifier' || d.type === 'attribute' || d.type === 'subscript' || d.type === 'call') && scope.kindOf(d) === 'name';
      if (isName(v)) known = true;
      else forEachDescendant(v, (d) => !(known ||= isName(d)));
      return !known;
    });
  }
  callerNameHelpers.set(def, known);
  return known;
}

/**
 * An item of a list or tuple display, also read from (`[sys.executable, "-m", "pytest"]`,
 * `[sys.argv[0], "--verbose"]`): a command line being built to run, not a test of the current one.
 */
function isCommandItem(n: Node): boolean {
  let item = n;
  while (item.parent && (item.parent.type === 'parenthesized_expression' || ((item.parent.type === 'subscript' || item.parent.type === 'attribute') && item.parent.namedChild(0)?.id === item.id))) item = item.parent;
  return item.parent?.type === 'list' || item.parent?.type === 'tuple' || item.parent?.type === 'set';
}

/** The command line or the script the run started from: `sys.argv`, `sys.orig_argv`, `sys.executable`, the `__main__` module. */
function isRunnerValue(n: Node, names: NameResolver): boolean {
  if (n.type === 'attribute' || n.type === 'identifier') {
    if (names.is(n, 'sys.argv') || names.is(n, 'sys.orig_argv') || names.is(n, 'sys.executable')) return true;
  }
  return isMainModule(n, names);
}

/**
 * A name bound once to a value built from the command line (`PROG = os.path.basename(sys.argv[0])`,
 * `main = sys.modules.get("__main__")`), or a call of a function of the file that returns one
 * (`def _runner(): return getattr(main, "__file__", "")`), two steps deep at most.
 */
function holdsRunnerValue(n: Node, names: NameResolver, depth: number): boolean {
  const values: Node[] = [];
  if (n.type === 'identifier') {
    const v = valueOf(n, { orModule: true });
    if (v) values.push(v);
  } else if (n.type === 'call') {
    const def = moduleFunctionNamed(n.tree.rootNode, n.childForFieldName('function')?.text ?? '');
    const body = def?.childForFieldName('body');
    if (body) {
      forEachInScope(body, (r) => {
        if (r.type === 'return_statement' && r.namedChild(0) && values.length < 4) values.push(r.namedChild(0)!);
        return true;
      });
    }
  }
  return values.some((v) => {
    let found = false;
    let budget = 60;
    const visit = (d: Node): boolean => {
      if (found || --budget < 0) return false;
      if (isRunnerValue(d, names)) found = true;
      else if (depth < 1 && (d.type === 'identifier' || (d.type === 'call' && d.childForFieldName('function')?.type === 'identifier'))) {
        const field = d.parent?.type === 'attribute' && d.parent.childForFieldName('attribute')?.id === d.id;
        if (!field && d.parent?.type !== 'keyword_argument' && holdsRunnerValue(d, names, depth + 1)) found = true;
      }
      return !found;
    };
    if (visit(v)) forEachDescendant(v, visit);
    return found;
  });
}

/**
 * The script the run started from, whose file names the runner like `sys.argv[0]` does: the `__main__`
 * module (`import __main__`), `sys.modules["__main__"]`, `sys.modules.get("__main__")`.
 */
function isMainModule(n: Node, names: NameResolver): boolean {
  if (n.type === 'identifier') return n.text === '__main__' && names.qualify(n) === '__main__';
  if (n.type === 'subscript') return stringValue(n.childForFieldName('subscript')) === '__main__' && names.is(n.childForFieldName('value'), 'sys.modules');
  if (n.type === 'call') return stringValue(callArguments(n).positional[0]) === '__main__' && names.callee(n) === 'sys.modules.get';
  return false;
}

/** `X` of `self.X` / `cls.X`: state an object keeps for its methods. */
/**
 * Members of `fn`'s class that its other methods set from their arguments (`self.points = points` in
 * `__init__`, `self.a = a` in `set_seqs(a, b)`): the caller's data the object holds. Empty for a non-method.
 */
export function callerDataMembers(fn: Node): Set<string> {
  const data = new Set<string>();
  const cls = fn.parent?.type === 'block' ? fn.parent.parent : fn.parent?.type === 'decorated_definition' ? fn.parent.parent?.parent : null;
  if (cls?.type !== 'class_definition') return data;
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const method = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    const methodBody = method?.type === 'function_definition' ? method.childForFieldName('body') : null;
    const [owner, ...params] = method ? parameterNames(method) : [];
    if (!methodBody || !owner || params.length === 0 || method!.id === fn.id) continue;
    const isParam = (e: Node) => e.type === 'identifier' && params.includes(e.text);
    forEachInScope(methodBody, (n) => {
      if (n.type !== 'assignment') return true;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== owner || !right) return true;
      let fromParam = isParam(unparen(right));
      if (!fromParam) forEachDescendant(right, (d) => !(fromParam ||= isParam(d)));
      if (fromParam) data.add(left.childForFieldName('attribute')!.text);
      return true;
    });
  }
  return data;
}

/**
 * A method that writes back members holding the caller's data (`self.tokens -= 1`, `self.tokens = min(...)`
 * with `self.tokens = capacity` in `__init__`): it works on that data, so a yes/no it returns is an answer
 * about it, not a setting.
 */
export function updatesCallerData(fn: Node): boolean {
  const self = parameterNames(fn)[0];
  const body = fn.childForFieldName('body');
  if (self !== 'self' || !body || !/\bself\.\w+\s*(?:[-+*\/%]|\/\/)?=[^=]/.test(body.text)) return false;
  const data = callerDataMembers(fn);
  if (data.size === 0) return false;
  let writes = false;
  forEachInScope(body, (n) => {
    if (writes) return false;
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'attribute' && left.childForFieldName('object')?.text === self && data.has(left.childForFieldName('attribute')?.text ?? '')) writes = true;
    }
    return !writes;
  });
  return writes;
}

function selfAttributeName(n: Node): string | undefined {
  const obj = n.childForFieldName('object');
  if (obj?.type !== 'identifier' || (obj.text !== 'self' && obj.text !== 'cls')) return undefined;
  return n.childForFieldName('attribute')?.text;
}

/** Some variable, attribute or function holds a check. */
export function hasNamedProbes(named: NamedProbes): boolean {
  return named.variables.size > 0 || named.functions.size > 0 || named.attributes.size > 0 || named.parametric.size > 0 || (named.qualified?.size ?? 0) > 0;
}

/** The scope key of module-level (and class-body) names in `NamedProbes.variables`. */
const MODULE_SCOPE = -1;

/** Probes another module of the project defines, by the local name this file imports them under. */
export interface ImportedProbes {
  functions: Map<string, string>;
  variables: Map<string, string>;
  /** Names read through their module (`settings.TESTING`), by the qualified name this file reads. */
  qualified?: Map<string, string>;
}

/** The probes this file imports (`from ._env import under_test`), from the project's facts; undefined for none. */
export function importedProbes(ctx: Pick<RuleContext, 'root' | 'imported' | 'importedWith'>): ImportedProbes | undefined {
  const probes = ctx.importedWith('test-run-probe');
  if (!probes.length) return undefined;
  const out: ImportedProbes = { functions: new Map(), variables: new Map(), qualified: new Map() };
  const imported = new Set<string>();
  for (const stmt of ctx.root.descendantsOfType('import_from_statement')) {
    for (const [local, qualified] of fromImports(stmt!)) {
      const fact = ctx.imported(qualified);
      if (fact?.kind !== 'test-run-probe') continue;
      imported.add(qualified);
      (fact.call ? out.functions : out.variables).set(local, `${local}${fact.call ? '()' : ''} (${fact.detail})`);
    }
  }
  // Read through the module (`settings.TESTING`, `lintr._in_ci()` after `import lintr`).
  for (const q of probes) {
    const fact = ctx.imported(q);
    if (imported.has(q) || fact?.kind !== 'test-run-probe') continue;
    const name = q.slice(q.lastIndexOf('.') + 1);
    if (fact.call) out.functions.set(name, `${name}() (${fact.detail})`);
    else out.qualified!.set(q, `${q.replace(/^\.+/, '')} (${fact.detail})`);
  }
  return out.functions.size || out.variables.size || out.qualified!.size ? out : undefined;
}

/**
 * Tells the modules that import them which module-level functions of this file return their caller's name
 * (`def calling_function(): return sys._getframe(2).f_code.co_name`): a test-name comparison of what they return
 * is a caller-frame probe there. Files without frame words export none.
 */
export function exportCallerNameFunctions(ctx: Pick<RuleContext, 'root' | 'source' | 'names' | 'exportFact'>): void {
  if (!FRAME_WORDS.test(ctx.source)) return;
  for (const stmt of ctx.root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition' && definesCallerName(def, ctx.names)) ctx.exportFact(def.childForFieldName('name')?.text ?? '', { kind: 'caller-name-function' });
  }
}

/** The local names of caller-name functions this file imports from the project (`from ._introspect import calling_function`). */
export function importedCallerNameFunctions(ctx: Pick<RuleContext, 'root' | 'imported' | 'importedWith'>): Set<string> | undefined {
  if (!ctx.importedWith('caller-name-function').length) return undefined;
  const out = new Set<string>();
  for (const stmt of ctx.root.descendantsOfType('import_from_statement')) {
    for (const [local, qualified] of fromImports(stmt!)) if (ctx.imported(qualified)?.kind === 'caller-name-function') out.add(local);
  }
  return out.size ? out : undefined;
}

/**
 * Tells the modules that import them which module-level functions and names of this file are probes
 * (`def under_test(): return "pytest" in sys.modules`): the description without the name, for their messages.
 */
export function exportProbes(ctx: Pick<RuleContext, 'root' | 'exportFact'>, named: NamedProbes): void {
  const moduleLevel = new Set<string>();
  for (const stmt of ctx.root.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') moduleLevel.add(def.childForFieldName('name')?.text ?? '');
  }
  // Descriptions read `name() (how)` or `name (how)`: keep `how`.
  const detail = (name: string, text: string) => {
    for (const head of [`${name}() (`, `${name} (`]) if (text.startsWith(head) && text.endsWith(')')) return text.slice(head.length, -1);
    return text;
  };
  for (const [name, text] of named.functions) if (moduleLevel.has(name)) ctx.exportFact(name, { kind: 'test-run-probe', detail: detail(name, text), call: true });
  for (const [name, byScope] of named.variables) {
    const text = byScope.get(MODULE_SCOPE);
    if (text !== undefined) ctx.exportFact(name, { kind: 'test-run-probe', detail: detail(name, text), call: false });
  }
}

/** Per function: the names its body binds as locals, and the ones it declares `global` or `nonlocal`. */
interface LocalNames {
  bound: Set<string>;
  global: Set<string>;
  nonlocal: Set<string>;
}

const localNamesCache = new WeakMap<Node, LocalNames>();

function localNamesOf(fn: Node): LocalNames {
  let out = localNamesCache.get(fn);
  if (out) return out;
  out = { bound: new Set(parameterNames(fn)), global: new Set(), nonlocal: new Set() };
  const { bound } = out;
  const bindTargets = (t: Node | null | undefined) => {
    if (!t) return;
    if (t.type === 'identifier') bound.add(t.text);
    else if (/^(pattern_list|tuple_pattern|list_pattern|expression_list|tuple|list)$/.test(t.type)) for (const c of t.namedChildren) bindTargets(c);
  };
  const body = fn.childForFieldName('body');
  if (body) {
    forEachInScope(body, (n) => {
      switch (n.type) {
        case 'assignment':
        case 'augmented_assignment':
          bindTargets(n.childForFieldName('left'));
          break;
        case 'for_statement':
          bindTargets(n.childForFieldName('left'));
          break;
        case 'named_expression':
          bindTargets(n.childForFieldName('name'));
          break;
        case 'as_pattern': {
          const alias = n.childForFieldName('alias');
          bindTargets(alias?.type === 'as_pattern_target' ? alias.namedChild(0) : alias);
          break;
        }
        case 'function_definition':
        case 'class_definition':
          bindTargets(n.childForFieldName('name'));
          break;
        case 'global_statement':
        case 'nonlocal_statement':
          for (const c of n.namedChildren) if (c.type === 'identifier') out![n.type === 'global_statement' ? 'global' : 'nonlocal'].add(c.text);
          break;
      }
      return true;
    });
  }
  localNamesCache.set(fn, out);
  return out;
}

/** The function whose local (or parameter) `name` is, seen from `at`; null for a module-level name. */
export function bindingFunction(name: string, at: Node): Node | null {
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
    const local = localNamesOf(fn);
    if (local.global.has(name)) return null;
    if (local.bound.has(name) && !local.nonlocal.has(name)) return fn;
  }
  return null;
}

/** The scope key of the variable `name` seen from `at`: its function's node id, or MODULE_SCOPE. */
function bindingScope(name: string, at: Node): number {
  return bindingFunction(name, at)?.id ?? MODULE_SCOPE;
}

/** What check the variable read by `id` holds, if a named probe: resolved in the scope the read sees. */
export function namedVariable(named: NamedProbes, id: Node): string | undefined {
  const byScope = named.variables.get(id.text);
  return byScope?.get(bindingScope(id.text, id));
}

function isAssignedHere(id: Node): boolean {
  const p = id.parent;
  return !!p && (p.type === 'assignment' || p.type === 'augmented_assignment') && p.childForFieldName('left')?.id === id.id;
}

export interface NamedProbes {
  /**
   * Variable name → the scope that binds it (a function's node id, or MODULE_SCOPE) → description of the
   * check it holds. A function's local named like another function's probe is a different variable.
   */
  variables: Map<string, Map<number, string>>;
  /** Instance or class attribute name (`self.X = <probe>`, read as `self.X`) → description of the check it holds. */
  attributes: Map<string, string>;
  /** Function name → description of the check it returns. */
  functions: Map<string, string>;
  /**
   * Module-level function name → its parameter that the function compares with a caller's frame name
   * (`def _called_from(prefix): return any(fi.function.startswith(prefix) for fi in inspect.stack())`): a
   * call of it in the file that passes a test's name there (`_called_from("test_")`) is a probe.
   */
  parametric: Map<string, { name: string; index: number }>;
  /** Probe names of another module read through its module (`settings.TESTING`), by qualified name → description. */
  qualified?: Map<string, string>;
  /** Functions imported from another module of the project that return their caller's name (`from ._introspect import calling_function`). */
  callerNameFunctions?: ReadonlySet<string>;
}

/**
 * Variables assigned a probe (`IN_PYTEST = "pytest" in sys.modules`) and functions returning one
 * (`def _under_test(): return "PYTEST_CURRENT_TEST" in os.environ`), file-wide, to a small fixpoint.
 */
export function collectNamedProbes(
  root: Node,
  names: NameResolver,
  frameScopeOf: (n: Node) => FrameScope,
  /** False for expressions that hold no probe unless they use a named one (optional: a shortcut). */
  mayHoldProbe?: (n: Node) => boolean,
  /** Probes imported from other modules of the project: local name → description, functions and variables. */
  imported?: ImportedProbes,
): NamedProbes {
  const named: NamedProbes = { variables: new Map(), functions: new Map(), attributes: new Map(), parametric: new Map() };
  for (const [name, text] of imported?.functions ?? []) named.functions.set(name, text);
  for (const [name, text] of imported?.variables ?? []) named.variables.set(name, new Map([[MODULE_SCOPE, text]]));
  if (imported?.qualified?.size) named.qualified = imported.qualified;
  const mayHold = (n: Node) => !mayHoldProbe || hasNamedProbes(named) || mayHoldProbe(n);
  const assignments: Node[] = [];
  const functions: Node[] = [];
  forEachDescendant(root, (n) => {
    const left = n.type === 'assignment' ? n.childForFieldName('left') : null;
    if (left?.type === 'identifier' || (left?.type === 'attribute' && selfAttributeName(left))) assignments.push(n);
    if (n.type === 'function_definition') functions.push(n);
    return true;
  });
  for (let pass = 0; pass < 3; pass++) {
    let changed = false;
    for (const a of assignments) {
      const left = a.childForFieldName('left')!;
      if (left.type === 'attribute') {
        // `self._under_test = "pytest" in sys.modules` in `__init__`, read by the other methods.
        const attr = selfAttributeName(left)!;
        const right = a.childForFieldName('right');
        if (named.attributes.has(attr) || !right || right.type === 'assignment' || !mayHold(right)) continue;
        const probes = probesIn(right, names, named, frameScopeOf(a));
        if (probes.length) {
          named.attributes.set(attr, `${left.text} (${probes[0]!.text})`);
          changed = true;
        }
        continue;
      }
      const scope = bindingScope(left.text, left);
      if (named.variables.get(left.text)?.has(scope)) continue;
      const right = a.childForFieldName('right');
      if (!right || right.type === 'assignment' || named.functions.has(left.text) || !mayHold(right)) continue;
      const value = unparen(right);
      // `_under_test = lambda: "pytest" in sys.modules` is a helper function like a `def`.
      const lambdaBody = value.type === 'lambda' ? value.childForFieldName('body') : undefined;
      const probes = probesIn(lambdaBody ?? right, names, named, frameScopeOf(a));
      if (probes.length) {
        if (lambdaBody) named.functions.set(left.text, `${left.text}() (${probes[0]!.text})`);
        else {
          let byScope = named.variables.get(left.text);
          if (!byScope) named.variables.set(left.text, (byScope = new Map()));
          byScope.set(scope, `${left.text} (${probes[0]!.text})`);
        }
        changed = true;
      }
    }
    for (const f of functions) {
      const name = f.childForFieldName('name')?.text;
      if (!name || named.functions.has(name) || !mayHold(f)) continue;
      const body = f.childForFieldName('body');
      if (!body) continue;
      const inputs = parameterNames(f).filter((p) => p !== 'self' && p !== 'cls').length;
      let found: Probe | undefined;
      forEachInScope(body, (n) => {
        if (found) return false;
        if (n.type === 'return_statement' && n.namedChild(0)) {
          // `return "pytest" in sys.modules`, `return bool(os.environ.get(...))` — not `return 1 if probe else f(x)`.
          const v = unparen(n.namedChild(0)!);
          if (/^(comparison_operator|boolean_operator|not_operator|call|identifier|attribute|subscript)$/.test(v.type) && mayHold(v)) {
            const p = probesIn(v, names, named, frameScopeOf(n));
            if (p.length) found = p[0];
          }
        }
        // Not a method that works on its object's data (`allow(self)` updating `self.tokens`): that answers about the data.
        if (inputs === 0 && (n.type === 'if_statement' || n.type === 'elif_clause') && n.childForFieldName('condition') && mayHold(n.childForFieldName('condition')!) && !updatesCallerData(f)) {
          // `if "pytest" in sys.modules: return True` (not `return 1.0`, an answer)
          const cond = n.childForFieldName('condition')!;
          const consequence = n.childForFieldName('consequence');
          const p = probesIn(cond, names, named, frameScopeOf(n));
          if (p.length && consequence && /^\s*return\s+(True|1)(?![\w.])/.test(consequence.text)) found = p[0];
        }
        return true;
      });
      if (found) {
        named.functions.set(name, `${name}() (${found.text})`);
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const f of functions) {
    const name = f.childForFieldName('name')?.text;
    if (!name || named.functions.has(name) || named.parametric.has(name)) continue;
    const param = comparedFrameNameParameter(f, frameScopeOf);
    if (param) named.parametric.set(name, param);
  }
  return named;
}

/**
 * The parameter of a module-level function that it compares with a caller's frame name and answers with:
 * `return any(fi.function.startswith(prefix) for fi in inspect.stack()[1:])`, `return prefix in frame.f_back.f_code.co_name`,
 * or `if fi.function.startswith(prefix): return True`. The test name is given at the call (see `parametric`).
 */
function comparedFrameNameParameter(f: Node, frameScopeOf: (n: Node) => FrameScope): { name: string; index: number } | undefined {
  const holder = f.parent?.type === 'decorated_definition' ? f.parent.parent : f.parent;
  const body = f.childForFieldName('body');
  const params = parameterNames(f);
  if (holder?.type !== 'module' || !body || params.length === 0 || !FRAME_WORDS.test(body.text)) return undefined;
  let found: { name: string; index: number } | undefined;
  const compared = (e: Node, scope: FrameScope): string | undefined => {
    let hit: string | undefined;
    const isName = (x: Node | null | undefined) => {
      const k = x ? scope.kindOf(x) : undefined;
      return k === 'name';
    };
    const param = (x: Node | null | undefined) => {
      const u = x && unparen(x);
      return u?.type === 'identifier' && params.includes(u.text) ? u.text : undefined;
    };
    const visit = (n: Node): boolean => {
      if (hit) return false;
      if (n.type === 'call') {
        // `fi.function.startswith(prefix)`
        const fn = n.childForFieldName('function');
        const args = callArguments(n).positional;
        if (fn?.type === 'attribute' && /^(startswith|endswith)$/.test(fn.childForFieldName('attribute')?.text ?? '') && args.length === 1 && isName(fn.childForFieldName('object'))) hit = param(args[0]);
      } else if (n.type === 'comparison_operator' && n.namedChildCount === 2 && /^(==|in)$/.test(comparisonOperator(n))) {
        // `fi.function == name`, `prefix in fi.function`
        const [a, b] = n.namedChildren as [Node, Node];
        hit = (isName(b) ? param(a) : undefined) ?? (isName(a) ? param(b) : undefined);
      }
      return !hit;
    };
    if (visit(e)) forEachDescendant(e, visit);
    return hit;
  };
  forEachInScope(body, (n) => {
    if (found) return false;
    let hit: string | undefined;
    if (n.type === 'return_statement' && n.namedChild(0)) {
      hit = compared(n.namedChild(0)!, frameScopeOf(n));
    } else if (n.type === 'if_statement' && n.childForFieldName('condition')) {
      const consequence = n.childForFieldName('consequence');
      if (consequence && /^\s*return\s+(True|1)(?![\w.])/.test(consequence.text)) hit = compared(n.childForFieldName('condition')!, frameScopeOf(n));
    }
    if (hit) found = { name: hit, index: params.indexOf(hit) };
    return !found;
  });
  return found;
}
