/**
 * Functions handed every new `TestCase` subclass: a `__init_subclass__` of a `TestCase` subclass, or a module function
 * installed as `TestCase.__init_subclass__` (`unittest.TestCase.__init_subclass__ = classmethod(_collect)`). What
 * they set on the class they are handed (`cls.run = _deferred`) is set on every test class, like `TestCase.run = ...`.
 */
import { dottedName, enclosingClass, functionName, parameterNames, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { baseNames } from './helpers';

/** Is `obj` (`cls` in `cls.run = ...`) the class parameter of such a hook? `isTestCase` judges a qualified class name. */
export function isTestCaseSubclassParameter(obj: Node, names: NameResolver, isTestCase: (qualified: string) => boolean): boolean {
  const id = unparen(obj);
  if (id.type !== 'identifier') return false;
  let fn: Node | null = id.parent;
  while (fn && fn.type !== 'function_definition') {
    if (fn.type === 'lambda' || fn.type === 'class_definition') return false;
    fn = fn.parent;
  }
  if (!fn || parameterNames(fn)[0] !== id.text) return false;
  const name = functionName(fn);
  if (name === '__init_subclass__') {
    const cls = enclosingClass(fn);
    return !!cls && baseNames(cls, names).some(isTestCase);
  }
  const stmt = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  if (stmt.parent?.type !== 'module') return false;
  return installedAsInitSubclass(stmt.parent, name, names, isTestCase);
}

/** `TestCase.__init_subclass__ = classmethod(name)` (or `= name`) at module level. */
function installedAsInitSubclass(root: Node, name: string, names: NameResolver, isTestCase: (qualified: string) => boolean): boolean {
  for (const stmt of root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== '__init_subclass__') continue;
    const owner = left.childForFieldName('object')!;
    if (!isTestCase(names.qualify(owner) ?? dottedName(owner) ?? owner.text)) continue;
    let value = unparen(a!.childForFieldName('right')!);
    if (value.type === 'call' && /^(builtins\.)?classmethod$/.test(dottedName(value.childForFieldName('function')) ?? '')) {
      const arg = value.childForFieldName('arguments')?.namedChildren.find((c) => c.type !== 'comment');
      if (!arg) continue;
      value = unparen(arg);
    }
    if (value.type === 'identifier' && value.text === name) return true;
  }
  return false;
}
