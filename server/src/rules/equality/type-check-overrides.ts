/**
 * Always-true answers that are not an `__eq__` method but do the same to assertions:
 * - `isinstance`/`issubclass` hooks that always answer yes: a metaclass's `__instancecheck__` or
 *   `__subclasscheck__`, or an ABC's `__subclasshook__` returning `True` whatever it is asked about, so
 *   `assert isinstance(result, Matrix)` passes for any result;
 * - an `__eq__` served through a property (`@property def __eq__(self): return lambda other: True`,
 *   `__eq__ = property(lambda self: lambda other: True)`): `a == b` gets the property's value and calls it.
 */
import { callArguments, definitionOf, decoratorsOf, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { constantAnswer, returnedFunctions } from './helpers';

export interface TypeCheckOverride {
  /** The name node of the method (or the class attribute) to report. */
  node: Node;
  cls: string;
  dunder: string;
  kind: 'type-check' | 'property-eq' | 'descriptor-eq' | 'class-spoof';
  /** For `class-spoof`: the builtin type the instances claim to be. */
  claims?: string;
}

/** Builtin value types an object can pretend to be through a `__class__` property. */
const BUILTIN_TYPES = new Set(['int', 'float', 'complex', 'bool', 'str', 'bytes', 'bytearray', 'list', 'tuple', 'dict', 'set', 'frozenset']);

const TYPE_CHECK_HOOKS = new Set(['__instancecheck__', '__subclasscheck__', '__subclasshook__']);

export function mayOverrideTypeChecks(source: string): boolean {
  return source.includes('check__') || source.includes('__subclasshook__') || source.includes('def __class__') || /@property\s+def\s+__eq__|__eq__\s*=\s*\w+\(/.test(source);
}

export function typeCheckOverrides(root: Node, names: NameResolver): TypeCheckOverride[] {
  const out: TypeCheckOverride[] = [];
  for (const cls of root.descendantsOfType('class_definition')) {
    const body = cls?.childForFieldName('body');
    if (!cls || !body) continue;
    const clsName = cls.childForFieldName('name')?.text ?? '?';
    for (const stmt of body.namedChildren) {
      const def = definitionOf(stmt);
      if (def.type === 'function_definition') {
        const name = def.childForFieldName('name')!;
        if (TYPE_CHECK_HOOKS.has(name.text) && constantAnswer(def, names)?.truth === 'truthy') {
          out.push({ node: name, cls: clsName, dunder: name.text, kind: 'type-check' });
        } else if (name.text === '__eq__' && decoratorsOf(def).some((d) => isProperty(d, names)) && returnsAlwaysTrueFunction(def, names)) {
          out.push({ node: name, cls: clsName, dunder: '__eq__', kind: 'property-eq' });
        } else if (name.text === '__class__' && decoratorsOf(def).some((d) => isProperty(d, names))) {
          // `@property def __class__(self): return int`: every instance passes `isinstance(x, int)`. A proxy that
          // forwards (`return self.__wrapped__.__class__`) answers with the wrapped object's real class.
          const claims = constantBuiltinType(def);
          if (claims) out.push({ node: name, cls: clsName, dunder: '__class__', kind: 'class-spoof', claims });
        }
        continue;
      }
      // `__eq__ = property(lambda self: lambda other: True)`, or `__eq__ = _Comparator()` for a descriptor class of the file.
      const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
      const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
      const right = assign?.childForFieldName('right');
      if (left?.text !== '__eq__' || right?.type !== 'call') continue;
      const fn = right.childForFieldName('function');
      if (fn?.type === 'identifier' && callArguments(right).positional.length === 0 && alwaysTrueDescriptorClasses(root, names).includes(fn.text)) {
        out.push({ node: left, cls: clsName, dunder: '__eq__', kind: 'descriptor-eq' });
        continue;
      }
      if (!isProperty(fn, names)) continue;
      const getter = right.childForFieldName('arguments')?.namedChildren.find((c) => c.type !== 'comment');
      if (getter?.type === 'lambda' && returnsAlwaysTrueFunction(getter, names)) out.push({ node: left, cls: clsName, dunder: '__eq__', kind: 'property-eq' });
    }
  }
  return out;
}

/** The builtin type every `return` of a getter names (`return int`), or undefined. */
function constantBuiltinType(getter: Node): string | undefined {
  const body = getter.childForFieldName('body');
  const values = new Set<string>();
  let other = false;
  for (const r of body?.descendantsOfType('return_statement') ?? []) {
    const v = r?.namedChildren.find((c) => c.type !== 'comment');
    if (v?.type === 'identifier' && BUILTIN_TYPES.has(v.text)) values.add(v.text);
    else other = true;
  }
  return !other && values.size === 1 ? [...values][0] : undefined;
}

/** Per file: its descriptor classes whose instances, as `__eq__`, always answer yes. */
const descriptorsOf = new WeakMap<Node, string[]>();

/**
 * Module-level classes whose `__get__` hands an instance an always-true function: every `return` is either that
 * function or the descriptor itself for access through the class (`if obj is None: return self`).
 */
export function alwaysTrueDescriptorClasses(root: Node, names: NameResolver): string[] {
  let found = descriptorsOf.get(root);
  if (found) return found;
  found = [];
  for (const stmt of root.namedChildren) {
    const cls = definitionOf(stmt);
    if (cls.type !== 'class_definition') continue;
    const get = cls.childForFieldName('body')?.namedChildren.map(definitionOf).find((d) => d.type === 'function_definition' && d.childForFieldName('name')?.text === '__get__');
    if (get && returnsAlwaysTrueFunction(get, names, true)) found.push(cls.childForFieldName('name')!.text);
  }
  descriptorsOf.set(root, found);
  return found;
}

/** The builtin `property` (the resolver qualifies only some builtins; a local rebinding of the name would be odd). */
function isProperty(n: Node | null, names: NameResolver): boolean {
  return !!n && (names.is(n, 'builtins.property') || (n.type === 'identifier' && n.text === 'property'));
}

/** Every way out of `getter` hands back a function (a lambda or a def of its body) that always answers yes. */
function returnsAlwaysTrueFunction(getter: Node, names: NameResolver, selfForClassAccess = false): boolean {
  // A descriptor read through its class hands back itself (`if obj is None: return self`).
  const receiver = selfForClassAccess ? getter.childForFieldName('parameters')?.namedChildren[0]?.text : undefined;
  const handsBackItself = receiver ? (v: Node) => v.type === 'identifier' && v.text === receiver : undefined;
  const made = returnedFunctions(getter, handsBackItself);
  return !!made && made.every((fn) => constantAnswer(fn, names)?.truth === 'truthy');
}
