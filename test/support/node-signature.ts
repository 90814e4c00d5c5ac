/**
 * Everything a rule can ask a tree-sitter Node, as plain data: comparing signatures taken with and without
 * the engine's JS tree index (server/src/engine/fast.ts) proves the index answers like web-tree-sitter.
 * Used by test/engine/fast-ast.test.ts and, over the whole corpus, by bench/verify-fast-ast.ts.
 */
import type { Node } from 'web-tree-sitter';

export const SIGNATURE_FIELDS = ['name', 'body', 'function', 'arguments', 'left', 'right', 'value', 'object', 'attribute', 'condition', 'consequence', 'alternative', 'parameters', 'operator', 'definition', 'module_name', 'alias', 'subscript', 'superclasses', 'return_type', 'type'];

/** How a signature names other nodes: by id (one tree), or by type and range (trees of the same text). */
export type NodeKey = (n: Node) => string | number;
export const byId: NodeKey = (n) => n.id;
export const byRange: NodeKey = (n) => `${n.type}@${n.startIndex}-${n.endIndex}`;

export function nodeSignature(n: Node, fields: readonly string[] = SIGNATURE_FIELDS, key: NodeKey = byId): Record<string, unknown> {
  const ids = (l: (Node | null)[]) => l.map((c) => (c ? key(c) : null)).join(',');
  const one = (c: Node | null) => (c ? key(c) : null);
  const sig: Record<string, unknown> = {
    id: key(n),
    type: n.type,
    parent: one(n.parent),
    text: n.text,
    endIndex: n.endIndex,
    isNamed: n.isNamed,
    hasError: n.hasError,
    isMissing: n.isMissing,
    namedChildren: ids(n.namedChildren),
    namedChildCount: n.namedChildCount,
    namedChild0: one(n.namedChild(0)),
    lastNamedChild: one(n.lastNamedChild),
    children: ids(n.children),
    child1: one(n.child(1)),
    nextNamed: one(n.nextNamedSibling),
    prevNamed: one(n.previousNamedSibling),
    next: one(n.nextSibling),
    prev: one(n.previousSibling),
    ofType: ids(n.descendantsOfType(['call', 'identifier', 'lambda', 'type'])),
    ofTokens: ids(n.descendantsOfType(['=', 'def'])),
    start: `${n.startPosition.row}:${n.startPosition.column}`,
    end: `${n.endPosition.row}:${n.endPosition.column}`,
    childCount: n.childCount,
    firstChild: one(n.firstChild),
    lastChild: one(n.lastChild),
    firstNamedChild: one(n.firstNamedChild),
  };
  for (const f of fields) {
    sig[`field ${f}`] = one(n.childForFieldName(f));
    sig[`fields ${f}`] = ids(n.childrenForFieldName(f));
  }
  return sig;
}

/** Every node under `root`, named and anonymous (its own `children`), the root first. */
export function allNodes(root: Node): Node[] {
  const out = [root];
  const stack = [root];
  while (stack.length) {
    for (const c of stack.pop()!.children) {
      if (!c) continue;
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}
