/**
 * Failures taken out of pytest's terminal summary: `terminalreporter.stats` maps each category ("failed",
 * "error", "passed"...) to its reports, and the closing line ("3 failed, 10 passed") and the short test
 * summary are printed from it. Popping, deleting, clearing or overwriting the failure categories makes the
 * output read as a green run; graders and reviewers that read pytest's output are fooled, even though the
 * exit status still counts the failures.
 */
import { callArguments, forEachDescendant, localAssignments, stringValue, unparen, type Node } from '../../engine/ast';
import { enclosingCallable } from './helpers';

export interface StatsTampering {
  node: Node;
  /** The failure categories removed ("failed", "error"), or "every category" for `stats.clear()`. */
  what: string;
}

/** The categories that hold failures; the others (passed, skipped, deselected, warnings...) are free to edit. */
const FAILURE_KEYS = new Set(['failed', 'error']);
const MUTATORS = new Set(['pop', 'clear', 'update', '__delitem__', 'popitem', 'setdefault']);

/** Whether `n` (a statement or expression of a conftest or plugin) removes failures from the summary. */
export function statsTamperings(root: Node, source: string): StatsTampering[] {
  if (!source.includes('terminalreporter') || !source.includes('stats')) return [];
  const out: StatsTampering[] = [];
  const aliases = new Map<number, Map<string, Node[]>>();
  const isStats = (n: Node | null | undefined): boolean => {
    if (!n) return false;
    const u = unparen(n);
    if (u.type === 'attribute') return u.childForFieldName('attribute')?.text === 'stats' && isReporter(u.childForFieldName('object')!, u);
    if (u.type !== 'identifier') return false;
    // A local bound once to `<reporter>.stats` (`stats = terminalreporter.stats`).
    const fn = enclosingCallable(u);
    if (!fn) return false;
    let locals = aliases.get(fn.id);
    if (!locals) aliases.set(fn.id, (locals = localAssignments(fn)));
    const values = locals.get(u.text);
    return values?.length === 1 && unparen(values[0]!).type === 'attribute' && isStats(values[0]);
  };
  /** `stats["failed"]`, `stats.get("failed")`, `stats.setdefault("failed", [])`: the failure list itself. */
  const failureList = (n: Node): string | undefined => {
    const u = unparen(n);
    if (u.type === 'subscript' && isStats(u.childForFieldName('value'))) return failureKey(u.childForFieldName('subscript'));
    if (u.type === 'call') {
      const fn = u.childForFieldName('function');
      if (fn?.type === 'attribute' && /^(get|setdefault)$/.test(fn.childForFieldName('attribute')?.text ?? '') && isStats(fn.childForFieldName('object'))) {
        return failureKey(callArguments(u).positional[0]);
      }
    }
    return undefined;
  };
  forEachDescendant(root, (n) => {
    if (n.type === 'string') return false;
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (!fn || !method || !MUTATORS.has(method)) return true;
      const obj = fn.childForFieldName('object')!;
      const args = callArguments(n);
      if (isStats(obj)) {
        if (method === 'clear') out.push({ node: n, what: 'every category' });
        else if (method === 'pop' || method === '__delitem__') {
          const key = failureKey(args.positional[0]);
          if (key) out.push({ node: n, what: `"${key}"` });
        } else if (method === 'update') {
          const keys = [...args.keywords.keys()].filter((k) => FAILURE_KEYS.has(k));
          const dict = args.positional[0] && unparen(args.positional[0]).type === 'dictionary' ? unparen(args.positional[0]) : undefined;
          for (const p of dict?.namedChildren ?? []) {
            const k = p.type === 'pair' ? failureKey(p.childForFieldName('key')) : undefined;
            if (k) keys.push(k);
          }
          if (keys.length) out.push({ node: n, what: keys.map((k) => `"${k}"`).join(' and ') });
        }
      } else if (method === 'clear') {
        const key = failureList(obj);
        if (key) out.push({ node: n, what: `"${key}"` });
      }
    } else if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      // `stats["failed"] = []`, `stats["failed"][:] = []`, `terminalreporter.stats = {...}`.
      const left = n.childForFieldName('left');
      if (!left || n.type === 'augmented_assignment') return true;
      const l = unparen(left);
      if (l.type === 'attribute' && isStats(l)) out.push({ node: n, what: 'every category' });
      else if (l.type === 'subscript') {
        const key = isStats(l.childForFieldName('value')) ? failureKey(l.childForFieldName('subscript')) : failureList(l.childForFieldName('value')!);
        if (key) out.push({ node: n, what: `"${key}"` });
      }
    } else if (n.type === 'delete_statement') {
      for (const t of n.namedChildren.flatMap((c) => (c.type === 'expression_list' ? c.namedChildren : [c]))) {
        const u = unparen(t);
        const key = u.type === 'subscript' ? (isStats(u.childForFieldName('value')) ? failureKey(u.childForFieldName('subscript')) : failureList(u.childForFieldName('value')!)) : undefined;
        if (key) out.push({ node: n, what: `"${key}"` });
      }
    }
    return true;
  });
  return out;
}

function failureKey(n: Node | null | undefined): string | undefined {
  const v = n ? stringValue(unparen(n)) : undefined;
  return v && FAILURE_KEYS.has(v) ? v : undefined;
}

/**
 * pytest's terminal reporter: the hook parameter `terminalreporter`, or a name or attribute whose binding
 * in the function asks the plugin manager for it (`config.pluginmanager.getplugin("terminalreporter")`).
 */
function isReporter(obj: Node, at: Node): boolean {
  const o = unparen(obj);
  if (/terminalreporter|(^|\.)_?(tr|reporter|terminal_reporter)$/.test(o.text)) return true;
  if (o.type !== 'identifier') return false;
  const fn = enclosingCallable(at);
  const values = fn ? localAssignments(fn).get(o.text) : undefined;
  return !!values?.some((v) => v.text.includes('terminalreporter'));
}
