/**
 * Code that wraps every test method of a class: a metaclass `__new__` or a class decorator that replaces the
 * attributes named like tests (`if attr.startswith("test"): ns[attr] = mcls._logged(value)`,
 * `setattr(cls, name, tolerant(getattr(cls, name)))` for names from `dir(cls)` starting with `test`).
 */
import type { Node } from '../../engine/ast';

/** A condition or filter that picks test methods by name. */
const PICKS_TESTS = /\.startswith\(\s*(["']test|[\w.]*testMethodPrefix)|\bre\.match\(\s*r?["']\^?test/;

/**
 * The statement that installs what a call at `use` makes on test methods: the call's result is stored (an item
 * or attribute assignment, or `setattr`) under an `if` or comprehension filter that picks test names. Else undefined.
 */
export function testMethodInstaller(use: Node): Node | undefined {
  let call: Node | null = use.parent;
  if (call?.type === 'attribute' && call.childForFieldName('attribute')?.id === use.id) call = call.parent;
  if (call?.type !== 'call' || call.childForFieldName('function')?.endIndex !== use.endIndex) return undefined;
  let stored: Node | undefined;
  const p = call.parent;
  if (p?.type === 'assignment' && p.childForFieldName('right')?.id === call.id && /^(subscript|attribute)$/.test(p.childForFieldName('left')?.type ?? '')) stored = p;
  if (p?.type === 'argument_list' && /(^|\.)setattr$/.test(p.parent?.childForFieldName('function')?.text ?? '')) stored = p.parent!;
  if (!stored) return undefined;
  for (let q: Node | null = stored.parent; q && q.type !== 'function_definition' && q.type !== 'module'; q = q.parent) {
    const cond = q.type === 'if_statement' ? q.childForFieldName('condition') : null;
    if (cond && PICKS_TESTS.test(cond.text)) return stored;
  }
  return undefined;
}

/** Is `def` a method directly in the body of `cls` (also decorated, `@staticmethod`)? */
export function enclosingClassBodyOf(def: Node, cls: Node): boolean {
  const stmt = def.parent?.type === 'decorated_definition' ? def.parent : def;
  return stmt.parent?.id === cls.childForFieldName('body')?.id;
}
