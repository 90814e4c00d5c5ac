/**
 * RH902 in a conftest: code a change adds to pytest's hooks that takes named tests out of the run or out of
 * the failures, the way `--deselect` in addopts does: `config.option.deselect += [...]`, a
 * `pytest_collection_modifyitems` that marks the items it picks by name as xfail or skip, or drops them.
 * Picking by marker or keyword (`"slow" in item.keywords`, the documented `--runslow` recipe), platform or
 * option is how suites are meant to be narrowed, and is left alone.
 */
import { callArguments, enclosingFunction, forEachDescendant, functionName, unparen, type Node } from '../../engine/ast';
import type { Finding } from '../../engine/types';

/** Where pytest keeps an item's name: `item.nodeid`, `item.name`, `item.originalname`, `item.function.__name__`. */
const ITEM_NAME = /\.(nodeid|name|originalname|__name__)\b/;

export function conftestExclusionFindings(root: Node, addedLines: ReadonlySet<number>): Finding[] {
  const out: Finding[] = [];
  const report = (node: Node, message: string) => {
    if (!addedLines.has(node.startPosition.row)) return;
    out.push({ rule: 'RH902', name: 'test-deleted', severity: 'warning', message, range: { start: { line: node.startPosition.row, column: node.startPosition.column }, end: { line: node.startPosition.row, column: node.startPosition.column } } });
  };
  forEachDescendant(root, (n) => {
    // config.option.deselect = [...] / += [...] / .extend([...]) / .append("...")
    if ((n.type === 'assignment' || n.type === 'augmented_assignment') && /(^|\.)option\.deselect$/.test(n.childForFieldName('left')?.text ?? '')) {
      report(n, `This change deselects tests from a conftest (\`${short(n.text)}\`): like \`--deselect\` in addopts, those tests no longer run`);
    } else if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const text = fn?.text ?? '';
      if (/(^|\.)option\.deselect\.(extend|append|insert)$/.test(text)) {
        report(n, `This change deselects tests from a conftest (\`${short(n.text)}\`): like \`--deselect\` in addopts, those tests no longer run`);
      } else if (/\.add_marker$/.test(text) && inCollectionHook(n)) {
        const mark = markKind(callArguments(n).positional[0]);
        const guard = mark ? nameGuard(n) : undefined;
        if (mark && guard) report(n, `This change marks the tests a conftest picks by name (\`${short(guard.text)}\`) as ${mark === 'xfail' ? 'expected to fail: their failures no longer fail the run' : 'skipped: they no longer run'}`);
      }
    }
    return true;
  });
  return out;
}

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > 70 ? `${t.slice(0, 67)}...` : t;
}

function inCollectionHook(n: Node): boolean {
  const fn = enclosingFunction(n);
  return !!fn && /^pytest_(collection_modifyitems|itemcollected|runtest_setup)$/.test(functionName(fn));
}

/** `pytest.mark.xfail(...)`, `pytest.mark.skip`, `mark.xfail(reason=...)`: which of the two, if either. */
function markKind(arg: Node | undefined): 'xfail' | 'skip' | undefined {
  if (!arg) return undefined;
  const a = unparen(arg);
  const callee = a.type === 'call' ? a.childForFieldName('function') : a;
  const m = /(?:^|\.)mark\.(xfail|skip)$/.exec(callee?.text ?? '');
  // `skipif(cond)` decides per item by its own condition.
  return m?.[1] as 'xfail' | 'skip' | undefined;
}

/** The `if` above `n` (inside the hook) whose condition tests the item's name against something: the pick. */
function nameGuard(n: Node): Node | undefined {
  for (let p = n.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    const cond = p.childForFieldName('condition');
    if (cond && ITEM_NAME.test(cond.text) && !/keywords|get_closest_marker|iter_markers|platform|getoption|option\./.test(cond.text)) return cond;
  }
  return undefined;
}
