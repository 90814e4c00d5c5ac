/**
 * Everything a rule can ask a tree-sitter Node, as plain data: comparing signatures taken with and without
 * the engine's JS tree index (server/src/engine/fast.ts) proves the index answers like web-tree-sitter.
 * Used by test/engine/fast-ast.test.ts and, over the whole corpus, by bench/verify-fast-ast.ts.
 */
import type { Node } from 'web-tree-sitter';

export const SIGNATURE_FIELDS = ['name', 'body', 'function', 'arguments', 'left', 'right', 'value', 'object', 'attribute', 'condition', 'consequence', 'alternative', 'parameters', 'operator', 'definition', 'module_name', 'alias', 'subscript', 'superclasses', 'return_type', 'type'];

export function nodeSignature(n: Node, fields: readonly string[] = SIGNATURE_FIELDS): Record<string, unknown> {
  const ids = (l: (Node | null)[]) => l.map((c) => c?.id ?? null).join(',');
  const sig: Record<string, unknown> = {
    id: n.id,
    type: n.type,
    parent: n.parent?.id ?? null,
    text: n.text,
    endIndex: n.endIndex,
    isNamed: n.isNamed,
    hasError: n.hasError,
    isMissing: n.isMissing,
    namedChildren: ids(n.namedChildren),
    namedChildCount: n.namedChildCount,
    namedChild0: n.namedChild(0)?.id ?? null,
    lastNamedChild: n.lastNamedChild?.id ?? null,
    children: ids(n.children),
    child1: n.child(1)?.id ?? null,
    nextNamed: n.nextNamedSibling?.id ?? null,
    prevNamed: n.previousNamedSibling?.id ?? null,
    next: n.nextSibling?.id ?? null,
    prev: n.previousSibling?.id ?? null,
    ofType: ids(n.descendantsOfType(['call', 'identifier', 'lambda', 'type'])),
  };
  for (const f of fields) {
    sig[`field ${f}`] = n.childForFieldName(f)?.id ?? null;
    sig[`fields ${f}`] = ids(n.childrenForFieldName(f));
  }
  return sig;
}
