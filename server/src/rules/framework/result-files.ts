/**
 * Test-result files rewritten after the run: a JUnit XML report with its `<failure>` / `<error>` /
 * `<skipped>` elements removed or its `failures` / `errors` counts set to zero, or a JSON report (loaded with
 * `json.load`) whose tests are set to `"outcome": "passed"` or whose summary's failure counts are zeroed or
 * removed. CI and graders read these files, so the failures vanish from what they see.
 */
import { callArguments, enclosingLoopIterable, forEachDescendant, localAssignments, stringValue, unparen, type Node } from '../../engine/ast';
import { enclosingCallable } from './helpers';

export interface ResultFileTampering {
  node: Node;
  message: string;
  related: Node[];
}

/** Elements whose removal turns a failed (or skipped) test case into a passed one. */
const FAILURE_TAGS = new Set(['failure', 'error', 'skipped']);
/** Suite attributes counting failures. */
const COUNT_KEYS = new Set(['failures', 'errors']);
/** JSON summary keys counting failures (pytest-json-report's `summary`). */
const SUMMARY_KEYS = new Set(['failed', 'failures', 'error', 'errors']);
const LOOKUPS = /^(findall|iter|iterfind|find|getiterator|getElementsByTagName|xpath)$/;

/** Is the file worth the walk: it names JUnit elements or JSON loading, and failure words. */
export function mayTamperResultFiles(source: string): boolean {
  // XML: a failure element or count named in a string. JSON: a report's outcome or summary key in a string.
  const xml = /testcase|testsuite|junit/i.test(source) && /["'](?:[^"'\n]*[/}])?(?:failures?|errors?|skipped)["']/.test(source);
  return xml || (/json\.load/.test(source) && /["'](?:outcome|summary|failed)["']/.test(source));
}

/** The tamperings in a file that passed `mayTamperResultFiles` (the caller's gate). */
export function resultFileTamperings(root: Node, source: string): ResultFileTampering[] {
  const xml = /testcase|testsuite|junit/i.test(source);
  const json = /json\.loads?\b/.test(source);
  const locals = new Map<number, Map<string, Node[]>>();
  const localsOf = (fn: Node) => {
    let m = locals.get(fn.id);
    if (!m) locals.set(fn.id, (m = localAssignments(fn)));
    return m;
  };
  // Per enclosing function (or module): removals, zeroings and the count keys it also sets to a computed value.
  interface Scope { removals: Node[]; zeroings: { node: Node; key: string; parsed: boolean }[]; recomputed: Set<string>; forged: Node[] }
  const scopes = new Map<number, Scope>();
  const scopeOf = (n: Node) => {
    const fn = enclosingCallable(n) ?? root;
    let s = scopes.get(fn.id);
    if (!s) scopes.set(fn.id, (s = { removals: [], zeroings: [], recomputed: new Set(), forged: [] }));
    return s;
  };

  /** The tag a lookup string selects: the last path step of `.//testcase/failure`, without a namespace. */
  const tagOf = (s: Node | undefined): string | undefined => {
    const v = s ? stringValue(s) : undefined;
    if (v === undefined) return undefined;
    const tags = v.split('|').map((p) => p.trim().split('/').pop()!.replace(/^\{[^}]*\}/, '').replace(/\[.*$/, ''));
    return tags.every((t) => t === tags[0]) ? tags[0] : tags.every((t) => FAILURE_TAGS.has(t)) ? 'failure' : undefined;
  };
  const lookupTag = (n: Node): string | undefined => {
    if (n.type !== 'call') return undefined;
    const f = unparen(n.childForFieldName('function')!);
    if (f.type !== 'attribute' || !LOOKUPS.test(f.childForFieldName('attribute')?.text ?? '')) return undefined;
    return tagOf(callArguments(n).positional[0]);
  };
  /** The loop (for statement or comprehension) iterable that binds `id`, or its single local binding. */
  const boundTo = (id: Node): Node | undefined => {
    const iterable = enclosingLoopIterable(id);
    if (iterable) return iterable;
    const fn = enclosingCallable(id);
    const values = fn ? localsOf(fn).get(id.text) : undefined;
    return values?.length === 1 ? values[0] : undefined;
  };
  /** Does `n` denote elements of the tags `want` (a lookup, a sum or list of lookups, a name bound to one)? */
  const denotes = (n: Node | null | undefined, want: (tag: string) => boolean, depth = 0): boolean => {
    if (!n || depth > 6) return false;
    const u = unparen(n);
    const tag = lookupTag(u);
    if (tag !== undefined) return want(tag);
    if (u.type === 'binary_operator') return denotes(u.childForFieldName('left'), want, depth + 1) && denotes(u.childForFieldName('right'), want, depth + 1);
    if (u.type === 'list' || u.type === 'tuple') return u.namedChildCount > 0 && u.namedChildren.every((c) => denotes(c, want, depth + 1));
    if (u.type === 'call') {
      const f = unparen(u.childForFieldName('function')!);
      const args = callArguments(u).positional;
      if (/^(list|tuple|sorted|reversed|chain|itertools\.chain)$/.test(f.text) && args.length > 0) return args.every((a) => denotes(a, want, depth + 1));
      return false;
    }
    if (u.type === 'identifier') return denotes(boundTo(u), want, depth + 1);
    return false;
  };
  const isFailureElement = (n: Node | undefined) => denotes(n, (t) => FAILURE_TAGS.has(t));
  /** An element of a parsed report: a loop over its suites, or its root. */
  const isParsedSuite = (n: Node | null | undefined): boolean => {
    const u = n ? unparen(n) : undefined;
    if (!u) return false;
    if (denotes(u, (t) => t === 'testsuite' || t === 'testsuites')) return true;
    if (u.type === 'call') return /(^|\.)(getroot|documentElement)$/.test(u.childForFieldName('function')?.text ?? '');
    if (u.type === 'attribute') return u.childForFieldName('attribute')?.text === 'documentElement';
    return u.type === 'identifier' && isParsedSuite(boundTo(u));
  };
  const isZero = (n: Node | undefined): boolean => {
    const u = n ? unparen(n) : undefined;
    if (!u) return false;
    if (u.type === 'integer') return u.text === '0';
    if (u.type === 'string') return stringValue(u) === '0';
    return u.type === 'call' && u.childForFieldName('function')?.text === 'str' && isZero(callArguments(u).positional[0]);
  };

  // JSON: names bound to `json.load(...)` / `json.loads(...)`, and what is reached from them.
  const isLoaded = (n: Node | null | undefined, depth = 0): boolean => {
    const u = n ? unparen(n) : undefined;
    if (!u || depth > 6) return false;
    if (u.type === 'call') {
      const f = u.childForFieldName('function')?.text ?? '';
      if (/^(json\.loads?|loads?)$/.test(f)) return true;
      // `data.get("tests", [])`, `data["summary"].items()`-style reads.
      const fn = unparen(u.childForFieldName('function')!);
      return fn.type === 'attribute' && /^(get|values|items)$/.test(fn.childForFieldName('attribute')?.text ?? '') && isLoaded(fn.childForFieldName('object'), depth + 1);
    }
    if (u.type === 'subscript') return isLoaded(u.childForFieldName('value'), depth + 1);
    if (u.type === 'identifier') return isLoaded(boundTo(u), depth + 1);
    return false;
  };
  const keyOf = (sub: Node): string | undefined => stringValue(sub.childForFieldName('subscript'));
  /** `data["summary"]`, or a name bound to it. */
  const isSummary = (n: Node | null | undefined, depth = 0): boolean => {
    const u = n ? unparen(n) : undefined;
    if (!u || depth > 3) return false;
    if (u.type === 'subscript') return keyOf(u) === 'summary' && isLoaded(u.childForFieldName('value'));
    if (u.type === 'call') {
      const f = unparen(u.childForFieldName('function')!);
      return f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'get' && stringValue(callArguments(u).positional[0]) === 'summary' && isLoaded(f.childForFieldName('object'));
    }
    return u.type === 'identifier' && isSummary(boundTo(u), depth + 1);
  };

  forEachDescendant(root, (n) => {
    if (n.type === 'string') return false;
    if (n.type === 'call') {
      const f = unparen(n.childForFieldName('function')!);
      const method = f.type === 'attribute' ? f.childForFieldName('attribute')?.text : undefined;
      const args = callArguments(n).positional;
      if (xml && (method === 'remove' || method === 'removeChild') && args.length === 1 && isFailureElement(args[0])) scopeOf(n).removals.push(n);
      if (xml && (method === 'set' || method === 'setAttribute') && args.length === 2) {
        const key = stringValue(args[0]);
        if (key && COUNT_KEYS.has(key)) {
          const obj = f.childForFieldName('object');
          if (isZero(args[1])) scopeOf(n).zeroings.push({ node: n, key, parsed: isParsedSuite(obj) });
          else scopeOf(n).recomputed.add(key);
        }
      }
      // `summary.pop("failed")`.
      if (json && method === 'pop' && SUMMARY_KEYS.has(stringValue(args[0]) ?? '') && isSummary(f.childForFieldName('object'))) scopeOf(n).forged.push(n);
    } else if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type !== 'subscript' || !right) return true;
      const key = keyOf(left);
      const obj = left.childForFieldName('value');
      // `suite.attrib["failures"] = "0"`.
      if (xml && key && COUNT_KEYS.has(key) && obj?.type === 'attribute' && obj.childForFieldName('attribute')?.text === 'attrib') {
        if (isZero(right)) scopeOf(n).zeroings.push({ node: n, key, parsed: isParsedSuite(obj.childForFieldName('object')) });
        else scopeOf(n).recomputed.add(key);
      }
      if (!json || !key) return true;
      // `test["outcome"] = "passed"` on a test of a loaded report; `summary["failed"] = 0`.
      if (key === 'outcome' && stringValue(right) === 'passed' && isLoaded(obj)) scopeOf(n).forged.push(n);
      if (SUMMARY_KEYS.has(key) && isZero(right) && isSummary(obj)) scopeOf(n).forged.push(n);
    } else if (n.type === 'delete_statement' && json) {
      for (const t of n.namedChildren.flatMap((c) => (c.type === 'expression_list' ? c.namedChildren : [c]))) {
        if (t.type === 'subscript' && SUMMARY_KEYS.has(keyOf(t) ?? '') && isSummary(t.childForFieldName('value'))) scopeOf(n).forged.push(n);
      }
    }
    return true;
  });

  const out: ResultFileTampering[] = [];
  for (const s of scopes.values()) {
    const zeroings = s.zeroings.filter((z) => !s.recomputed.has(z.key));
    if (s.removals.length) {
      out.push({
        node: s.removals[0]!,
        message: 'removes the `<failure>`/`<error>` elements from the JUnit XML report' + (zeroings.length ? ' and zeroes its failure counts' : ''),
        related: [...s.removals.slice(1), ...zeroings.map((z) => z.node)],
      });
    } else {
      const parsed = zeroings.filter((z) => z.parsed);
      if (parsed.length) out.push({ node: parsed[0]!.node, message: 'sets the failure counts of the JUnit XML report it parsed to zero', related: parsed.slice(1).map((z) => z.node) });
    }
    if (s.forged.length) out.push({ node: s.forged[0]!, message: 'rewrites the JSON test report it loaded so failures read as passes (outcome "passed", failure counts zeroed or removed)', related: s.forged.slice(1) });
  }
  return out;
}
