/**
 * An `ExitStack` handed out with an exit callback that answers True (`es.push(lambda *exc: True)`): like an
 * `__exit__` returning True, it suppresses whatever the `with` block raises, so `with scratch():` around
 * assertions is `contextlib.suppress(BaseException)` under another name.
 */
import { dottedName, forEachInScope, localAssignments, moduleFunctionNamed, returnValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { literalTruth } from './helpers';

const EXIT_STACK = /^contextlib\.(Async)?ExitStack$/;

/** `lambda *exc: True`, or a function of the file (or a nested one) that only returns a true literal. */
function answersTrue(cb: Node, scope: Node): boolean {
  const c = unparen(cb);
  if (c.type === 'lambda') return literalTruth(c.childForFieldName('body')) === true;
  if (c.type !== 'identifier') return false;
  let def: Node | undefined;
  forEachInScope(scope, (n) => {
    if (n.type === 'function_definition' && n.childForFieldName('name')?.text === c.text) def = n;
    return !def;
  });
  def ??= moduleFunctionNamed(scope.tree.rootNode, c.text);
  const stmts = def?.childForFieldName('body')?.namedChildren.filter((s) => s.type !== 'comment' && !(s.type === 'expression_statement' && s.namedChild(0)?.type === 'string'));
  return stmts?.length === 1 && stmts[0]!.type === 'return_statement' && literalTruth(returnValue(stmts[0]!)) === true;
}

/** Does `fn` build an ExitStack, push an always-true exit callback on it, and return it? The callback's text, if so. */
export function returnsSwallowingExitStack(fn: Node, names: NameResolver): string | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const stacks = new Set<string>();
  for (const [name, values] of localAssignments(fn)) {
    const v = values.length === 1 ? unparen(values[0]!) : undefined;
    const callee = v?.type === 'call' ? v.childForFieldName('function') : null;
    if (callee && EXIT_STACK.test(names.qualify(callee) ?? '')) stacks.add(name);
  }
  if (!stacks.size) return undefined;
  let pushed: Node | undefined;
  let returned = false;
  forEachInScope(body, (n) => {
    if (n.type === 'call') {
      const f = n.childForFieldName('function');
      const obj = f?.type === 'attribute' ? f.childForFieldName('object') : null;
      const arg = n.childForFieldName('arguments')?.namedChildren.find((a) => a.type !== 'comment');
      if (obj?.type === 'identifier' && stacks.has(obj.text) && f!.childForFieldName('attribute')?.text === 'push' && arg && answersTrue(arg, body)) pushed = arg;
    }
    if (n.type === 'return_statement') {
      const v = returnValue(n);
      if (v && unparen(v).type === 'identifier' && stacks.has(unparen(v).text)) returned = true;
    }
    return true;
  });
  return pushed && returned ? (dottedName(pushed) ?? pushed.text) : undefined;
}
