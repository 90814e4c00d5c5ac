/**
 * A context manager's `__exit__` that files the exception it is handed under an attribute of its own
 * (`self.notes.append(f"{self.label}: {exc!r}")`) and otherwise only prints that attribute still drops the failure,
 * unless a test reads the attribute back (`cm.notes`), which this module lets RH402 tell.
 */
import { parameterNames, unparen, type Node } from '../../engine/ast';

const COLLECTING = /^(append|appendleft|extend|add|insert)$/;

/** `self.X` in `self.X.append(...)` as a statement: the attribute collected into, else undefined. */
function collectedAttribute(call: Node, self: string): Node | undefined {
  const f = call.childForFieldName('function');
  if (f?.type !== 'attribute' || !COLLECTING.test(f.childForFieldName('attribute')?.text ?? '')) return undefined;
  const target = unparen(f.childForFieldName('object')!);
  if (target.type !== 'attribute' || target.childForFieldName('object')?.text !== self) return undefined;
  return call.parent?.type === 'expression_statement' ? target : undefined;
}

/**
 * The read `id` of an exception parameter of `method` goes only into `self.X.append(...)`, and every other use of
 * `self.X` in the class appends to it, binds it or only shows it (`shown`): the attribute's name, else undefined.
 */
export function keptOnlyToShow(id: Node, method: Node, cls: Node, shown: (read: Node, scope: Node) => boolean): string | undefined {
  const self = parameterNames(method)[0];
  if (!self) return undefined;
  let attr: Node | undefined;
  for (let p: Node | null = id; p && p.id !== method.id; p = p.parent) {
    if (p.type === 'call' && p.id !== id.id && (attr = collectedAttribute(p, self))) break;
    if (p.type.endsWith('_statement') || p.type === 'block' || p.type === 'lambda') return undefined;
  }
  const name = attr?.childForFieldName('attribute')?.text;
  if (!name) return undefined;
  for (const member of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = member.type === 'decorated_definition' ? member.childForFieldName('definition') : member;
    if (def?.type !== 'function_definition') continue;
    const body = def.childForFieldName('body');
    const own = parameterNames(def)[0];
    for (const a of body?.descendantsOfType('attribute') ?? []) {
      if (!a || a.childForFieldName('attribute')?.text !== name || a.childForFieldName('object')?.text !== own) continue;
      const call = a.parent?.parent;
      if (a.parent?.type === 'attribute' && call?.type === 'call' && collectedAttribute(call, own)?.id === a.id) continue;
      if (a.parent?.type === 'assignment' && a.parent.childForFieldName('left')?.id === a.id) continue;
      if (!shown(a, body!)) return undefined;
    }
  }
  return name;
}

/**
 * The read `id` sits in the condition of an `if` (`if exc_type is not None:`) whose branch only reports
 * (`reports`) or files into `self.X` attributes the class only shows: those attributes' names, else undefined.
 */
export function guardsOnlyKeeping(id: Node, method: Node, cls: Node, shown: (read: Node, scope: Node) => boolean, reports: (stmt: Node) => boolean): string[] | undefined {
  const self = parameterNames(method)[0];
  let p: Node | null = id.parent;
  while (p && p.type !== 'if_statement' && !p.type.endsWith('_statement') && p.type !== 'block') p = p.parent;
  const cond = p?.type === 'if_statement' ? p.childForFieldName('condition') : null;
  if (!p || !cond || !self || id.startIndex < cond.startIndex || id.endIndex > cond.endIndex || p.childrenForFieldName('alternative').length) return undefined;
  const out: string[] = [];
  for (const stmt of p.childForFieldName('consequence')?.namedChildren ?? []) {
    if (reports(stmt)) continue;
    const call = stmt.type === 'expression_statement' ? unparen(stmt.namedChild(0)!) : undefined;
    const attr = call?.type === 'call' ? collectedAttribute(call, self) : undefined;
    const arg = call?.childForFieldName('arguments')?.namedChildren[0];
    const name = attr && arg ? keptOnlyToShow(arg, method, cls, shown) : undefined;
    if (!name) return undefined;
    out.push(name);
  }
  return out;
}

/** Does the file read one of these attributes on something other than `self` (`cp.notes`, `assert not cm.errors`)? */
export function readsKeptAttribute(root: Node, names: readonly string[]): boolean {
  if (!names.length) return false;
  return root.descendantsOfType('attribute').some((a) => !!a && names.includes(a.childForFieldName('attribute')?.text ?? '') && a.childForFieldName('object')?.text !== 'self');
}
