/**
 * An `ExitStack` handed out with an exit callback that answers True (`es.push(lambda *exc: True)`): like an
 * `__exit__` returning True, it suppresses whatever the `with` block raises, so `with scratch():` around
 * assertions is `contextlib.suppress(BaseException)` under another name.
 */
import { dottedName, enclosingFunction, forEachInScope, localAssignments, moduleFunctionNamed, returnValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { literalTruth } from './helpers';

const EXIT_STACK = /^contextlib\.(Async)?ExitStack$/;

/** `ExitStack()` / `contextlib.AsyncExitStack()`, however imported. */
function makesExitStack(v: Node | undefined, names: NameResolver): boolean {
  const callee = v?.type === 'call' ? v.childForFieldName('function') : null;
  return !!callee && EXIT_STACK.test(names.qualify(callee) ?? '');
}

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
    if (values.length === 1 && makesExitStack(unparen(values[0]!), names)) stacks.add(name);
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

/**
 * Inside `with ExitStack() as es:` (or `with es:` for a local `es = ExitStack()`), the first call that
 * makes the stack drop what its block raises: `es.push(<callback answering True>)`, or
 * `es.enter_context(<call>)` where `swallows(call)` describes a suppressing manager. Checks after that
 * call run with their failures dropped.
 */
export function inlineSwallowingEntry(withStmt: Node, names: NameResolver, swallows: (call: Node) => string | undefined): { call: Node; how: string } | undefined {
  const body = withStmt.childForFieldName('body');
  const clause = withStmt.namedChildren.find((c) => c.type === 'with_clause');
  if (!body || !clause) return undefined;
  const fn = enclosingFunction(withStmt);
  const stacks = new Set<string>();
  for (const item of clause.namedChildren) {
    if (item.type !== 'with_item') continue;
    const value = item.childForFieldName('value');
    if (!value) continue;
    if (value.type === 'as_pattern') {
      const made = unparen(value.namedChild(0)!);
      const alias = value.childForFieldName('alias')?.namedChild(0) ?? value.namedChildren.find((c) => c.type === 'as_pattern_target')?.namedChild(0);
      if (makesExitStack(made, names) && alias?.type === 'identifier') stacks.add(alias.text);
    } else if (value.type === 'identifier' && fn) {
      // `es = ExitStack()` bound once in the function, then `with es:`.
      const bound = localAssignments(fn).get(value.text);
      if (bound?.length === 1 && makesExitStack(unparen(bound[0]!), names)) stacks.add(value.text);
    }
  }
  if (!stacks.size) return undefined;
  let found: { call: Node; how: string } | undefined;
  forEachInScope(body, (n) => {
    if (found) return false;
    if (n.type !== 'call') return true;
    const f = n.childForFieldName('function');
    const obj = f?.type === 'attribute' ? f.childForFieldName('object') : null;
    if (obj?.type !== 'identifier' || !stacks.has(obj.text)) return true;
    const method = f!.childForFieldName('attribute')?.text;
    const arg = n.childForFieldName('arguments')?.namedChildren.find((a) => a.type !== 'comment');
    if (!arg) return true;
    if ((method === 'push' || method === 'push_async_exit') && answersTrue(arg, fn?.childForFieldName('body') ?? body)) {
      found = { call: n, how: `the exit callback \`${shorten(arg.text)}\` pushed on \`${obj.text}\` returns a true value` };
    } else if (method === 'enter_context' || method === 'enter_async_context') {
      const inner = unparen(arg);
      const how = inner.type === 'call' ? swallows(inner) : undefined;
      if (how) found = { call: n, how: `\`${obj.text}\` enters \`${how}\`` };
    }
    return !found;
  });
  return found;
}

function shorten(text: string): string {
  const line = text.split('\n')[0]!;
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
