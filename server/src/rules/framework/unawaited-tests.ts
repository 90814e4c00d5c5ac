/**
 * RH302: an `async def` test "called" by a run hook without being run. Calling a coroutine function only
 * creates the coroutine; its body runs when something awaits it or hands it to an event loop. A hook that
 * closes the coroutine (`coro = func(**kwargs); coro.close()`, `func(**kwargs).close()`) or drops it where
 * only coroutine functions arrive (`if inspect.iscoroutinefunction(func): func(**kwargs)`) ran nothing,
 * so its call is no evidence that the test ran.
 */
import { forEachDescendant, unparen, type Node } from '../../engine/ast';
import { gatesOf, requires } from './helpers';

/** Callees that drive or schedule what they are given (a runner's own call is evidence, not a test's creation). */
const DRIVER = /run|call|protocol|send|throw|wait|loop|task|future|gather|submit|spawn/i;
const COROUTINE_TEST = /\b(iscoroutinefunction|iscoroutine|isawaitable|isasyncgenfunction|is_async_function|is_coroutine_function)\b/;

/** Ids of the `evidence` calls of hook `fn` that create a test's coroutine and never run it. */
export function unrunCoroutineCalls(fn: Node, body: Node, evidence: readonly Node[]): Set<number> {
  const out = new Set<number>();
  for (const call of evidence) {
    const callee = unparen(call.childForFieldName('function')!);
    const last = callee.type === 'attribute' ? callee.childForFieldName('attribute')?.text ?? '' : callee.text;
    if (DRIVER.test(last)) continue;
    if (closedAt(call) || closedOnly(call, body) || droppedUnderCoroutineGate(call, fn)) out.add(call.id);
  }
  return out;
}

/** `func(**kwargs).close()`. */
function closedAt(call: Node): boolean {
  const p = call.parent;
  return p?.type === 'attribute' && p.childForFieldName('attribute')?.text === 'close' && p.parent?.type === 'call';
}

/** The coroutine a call makes is closed, never run: `func().close()`, or `coro = func()` then only `coro.close()`. */
export function closedUnrun(call: Node, body: Node): boolean {
  return closedAt(call) || closedOnly(call, body);
}

/**
 * `coro = func(**kwargs)` where every other mention of `coro` in the hook is `coro.close()`, `del coro`, or a look at
 * what it is (`asyncio.iscoroutine(coro)`).
 */
function closedOnly(call: Node, body: Node): boolean {
  const assign = call.parent;
  const left = assign?.type === 'assignment' && assign.childForFieldName('right')?.id === call.id ? assign.childForFieldName('left') : null;
  if (left?.type !== 'identifier') return false;
  let closed = false;
  let other = false;
  forEachDescendant(body, (n) => {
    if (other) return false;
    if (n.type !== 'identifier' || n.text !== left.text || n.id === left.id) return true;
    const p = n.parent;
    if (p?.type === 'attribute' && p.childForFieldName('object')?.id === n.id && p.childForFieldName('attribute')?.text === 'close' && p.parent?.type === 'call') closed = true;
    else if (p?.type === 'argument_list' && COROUTINE_TEST.test(p.parent?.childForFieldName('function')?.text ?? '')) return true;
    else if (p?.type !== 'delete_statement') other = true;
    return !other;
  });
  return closed && !other;
}

/** A bare `func(**kwargs)` statement reached only when the test is a coroutine function. */
function droppedUnderCoroutineGate(call: Node, fn: Node): boolean {
  if (call.parent?.type !== 'expression_statement') return false;
  return gatesOf(call, fn).some((g) => requires(g.cond, g.positive, (atom) => COROUTINE_TEST.test(atom.text)));
}

/** Gates that only tell coroutine functions from plain ones: a hook for `async def` tests applies to all of them. */
export function onlyCoroutineGates(gates: readonly { cond: Node }[]): boolean {
  return gates.length > 0 && gates.every((g) => COROUTINE_TEST.test(g.cond.text) && !/\b(and|or)\b/.test(g.cond.text));
}
