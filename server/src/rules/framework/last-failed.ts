/**
 * RH303: a collection hook that drops the tests pytest recorded as failing. pytest keeps the ids of the tests
 * that failed in the last run under the cache key `cache/lastfailed`; a `pytest_collection_modifyitems` that
 * keeps only the items *not* in that record (`items[:] = [i for i in items if i.nodeid not in known]`, or
 * `items.remove(i)` for those in it) stops running a test the first time it fails, so every later run is green.
 * pytest's own `--lf` does the opposite (it keeps the failed tests and deselects the rest): quiet.
 */
import { forEachInScope, isWithin, stringValue, unparen, type Node } from '../../engine/ast';
import type { RuleContext } from '../../engine/rule';
import { comparisonOperator } from '../tests/helpers';
import { gatesOf } from './helpers';

const CACHE_KEY = 'cache/lastfailed';
/** Conditions on the command line or the environment. */
const SWITCH = /\b(getoption|getvalue|getini|option|environ|getenv)\b/;

/** Local names of `fn` bound to something read from the last-failed record (`known = set(cache.get("cache/lastfailed", {}))`). */
function lastFailedNames(fn: Node): Set<string> {
  const names = new Set<string>();
  const readsRecord = (value: Node): boolean => {
    let found = false;
    forEachInScope(value, (n) => {
      if (found) return false;
      if (n.type === 'string' && stringValue(n) === CACHE_KEY) found = true;
      else if (n.type === 'identifier' && names.has(n.text)) found = true;
      return !found;
    });
    return found || (value.type === 'string' && stringValue(value) === CACHE_KEY);
  };
  const body = fn.childForFieldName('body');
  if (!body) return names;
  // Two passes reach `raw = cache.get(...)` then `known = set(raw)`.
  for (let pass = 0; pass < 2; pass++) {
    forEachInScope(body, (n) => {
      if (n.type !== 'assignment') return;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && right && readsRecord(right)) names.add(left.text);
    });
  }
  return names;
}

/** `x.nodeid not in known` (or `known`'s record directly): the operand tested against the record and the polarity. */
function recordTest(cond: Node, record: ReadonlySet<string>): 'not-in' | 'in' | undefined {
  const c = unparen(cond);
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2) return undefined;
  const op = comparisonOperator(c);
  if (op !== 'in' && op !== 'not in') return undefined;
  const container = unparen(c.namedChildren[1]!);
  const held = container.type === 'identifier' ? record.has(container.text) : container.text.includes(CACHE_KEY);
  if (!held || !/\b(nodeid|_nodeid|name)\b/.test(c.namedChildren[0]!.text)) return undefined;
  return op === 'not in' ? 'not-in' : 'in';
}

/** The comprehension's `if` clauses, and whether it iterates the hook's `items`. */
function filterOf(comprehension: Node, items: string): Node[] | undefined {
  const forClause = comprehension.namedChildren.find((c) => c.type === 'for_in_clause');
  const over = forClause?.childForFieldName('right');
  if (!over || unparen(over).text !== items) return undefined;
  return comprehension.namedChildren.filter((c) => c.type === 'if_clause').map((c) => c.namedChild(0)!).filter(Boolean);
}

/** Sites of `fn` (a `pytest_collection_modifyitems` taking `items`) that drop the tests in the last-failed record. */
export function lastFailedDrops(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  if (!body || !body.text.includes(CACHE_KEY)) return [];
  const record = lastFailedNames(fn);
  const items = 'items';
  // Lists built of the items not in the record: `keep = [i for i in items if i.nodeid not in known]`.
  const kept = new Set<string>();
  const keepsOthers = (value: Node | null | undefined): boolean => {
    const v = value && unparen(value);
    if (v?.type === 'identifier') return kept.has(v.text);
    if (v?.type !== 'list_comprehension') return false;
    const conds = filterOf(v, items);
    return !!conds?.some((c) => recordTest(c, record) === 'not-in');
  };
  const sites: Node[] = [];
  forEachInScope(body, (n) => {
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && keepsOthers(right)) kept.add(left.text);
      // `items[:] = keep`: the hook's list now holds only the tests that did not fail last time.
      if (left?.type === 'subscript' && unparen(left.childForFieldName('value')!).text === items && keepsOthers(right)) sites.push(n);
    } else if (n.type === 'call') {
      // `items.remove(item)` under `if item.nodeid in known:`.
      const f = n.childForFieldName('function');
      if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'remove' || unparen(f.childForFieldName('object')!).text !== items) return;
      if (gatesOf(n, body).some((g) => g.positive && recordTest(g.cond, record) === 'in')) sites.push(n);
    }
  });
  return sites.filter((s, i) => !sites.slice(0, i).some((t) => isWithin(s, t)));
}

export function checkLastFailedDrops(ctx: RuleContext, fn: Node): void {
  for (const site of lastFailedDrops(fn)) {
    // Only when an option or variable is given (`if config.getoption("--skip-known"):`), the user asked for a run
    // without the known failures: a warning. Unless one is given (`if config.getoption("--include-known"): return`),
    // every default run drops them: an error.
    const gated = gatesOf(site, fn).some((g) => SWITCH.test(g.cond.text) && g.positive === (unparen(g.cond).type !== 'not_operator'));
    ctx.report({
      node: site,
      severity: gated ? 'warning' : 'error',
      message:
        `\`${site.text.replace(/\s+/g, ' ').slice(0, 60)}\` drops every test pytest recorded as failing in the last run (\`${CACHE_KEY}\`): ` +
        'a test stops running the first time it fails, so every later run is green. pytest\'s `--lf` keeps the failed tests instead; fix or mark the failing tests `xfail(strict=True)`.',
    });
  }
}
