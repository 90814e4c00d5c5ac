/**
 * Name resolution through imports and aliases, so that rules match what a name *is*, not how it is
 * spelt: `import sys as s; s.exit()`, `from os import _exit as bye`, `getattr(sys, "exit")`,
 * `__import__("os")._exit`, `e = sys.exit; e(0)`.
 *
 * Scoping is deliberately file-wide (one table for the module): agents' hacks are short and local, and
 * a name bound to two different things in one file is treated as unknown rather than guessed.
 */
import { isMethod, literalSumValue, stringValue, unparen, type Node } from './ast';
import type { ImportedFact } from './types';

/** Builtins rules care about. Names shadowed anywhere in the file stop resolving to the builtin. */
const BUILTINS = new Set([
  'exit', 'quit', 'SystemExit', 'getattr', 'setattr', 'delattr', 'hasattr', 'isinstance', 'issubclass',
  'len', 'sorted', 'type', '__import__', 'open', 'print', 'vars', 'globals', 'locals', 'eval', 'exec',
  'compile', 'any', 'all', 'callable', 'id', 'hash', 'repr', 'str', 'int', 'float', 'bool', 'list', 'dict',
  'set', 'tuple', 'frozenset', 'bytes', 'object', 'super', 'max', 'min', 'sum', 'abs', 'round', 'range',
  'enumerate', 'zip', 'map', 'filter', 'iter', 'next', 'reversed', 'format', 'input',
  'Exception', 'BaseException', 'AssertionError', 'KeyboardInterrupt', 'NotImplemented',
  'NotImplementedError', 'RuntimeError', 'ValueError', 'TypeError', 'ImportError', 'StopIteration',
]);

/** The statements and expressions that bind names. */
const BINDING_TYPES = ['import_statement', 'import_from_statement', 'function_definition', 'class_definition', 'lambda', 'assignment', 'augmented_assignment', 'for_statement', 'for_in_clause', 'as_pattern', 'except_clause', 'named_expression'];

/** The expression types `computeQualifiedAt` can resolve (after parentheses are stripped). */
const QUALIFIABLE = new Set(['attribute', 'identifier', 'call', 'subscript', 'named_expression']);

/** `a, b = x, y` (or `[a, b] = (x, y)`): as many plain targets as values, none starred. */
function isUnpacking(left: Node, right: Node): boolean {
  const l = unparen(left);
  const r = unparen(right);
  if (!['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(l.type)) return false;
  if (r.type !== 'expression_list' && r.type !== 'tuple' && r.type !== 'list') return false;
  const targets = l.namedChildren.filter((c) => c.type !== 'comment');
  const values = r.namedChildren.filter((c) => c.type !== 'comment');
  return targets.length === values.length && !values.some((v) => v.type === 'list_splat' || v.type === 'parenthesized_list_splat');
}

const UNKNOWN = Symbol('unknown');
/** A cached `qualify` answer of undefined (so that a cache hit is one map lookup). */
const NOT_QUALIFIED = Symbol('not qualified');
type Binding = string | typeof UNKNOWN;

/**
 * What an import statement binds, local name → qualified name: `import a.b.c` binds `a`, `import a.b as x` binds
 * `x` to `a.b`, `from m import a, b as c` binds `a` and `c` to `m.a` and `m.b` (relative modules keep their dots:
 * `from . import x` names `.x`).
 */
export function importBindings(stmt: Node): [string, string][] {
  const out: [string, string][] = [];
  if (stmt.type === 'import_statement') {
    for (const item of stmt.namedChildren) {
      if (item.type === 'dotted_name') {
        const first = item.namedChild(0)?.text;
        if (first) out.push([first, first]);
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (name && alias) out.push([alias, name]);
      }
    }
  } else if (stmt.type === 'import_from_statement') {
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode) return out;
    const module = moduleNode.text.replace(/\s+/g, '');
    const prefix = module.endsWith('.') ? module : `${module}.`;
    for (const item of stmt.childrenForFieldName('name')) {
      if (item?.type === 'dotted_name') out.push([item.text, `${prefix}${item.text}`]);
      else if (item?.type === 'aliased_import') {
        const name = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (name && alias) out.push([alias, `${prefix}${name}`]);
      }
    }
  }
  return out;
}

export class NameResolver {
  /** Local name → qualified name (or UNKNOWN when bound to more than one thing). */
  private readonly aliases = new Map<string, Binding>();
  /**
   * Builtins bound by def/class/assignment/parameters anywhere: they shadow the builtin. Only `BUILTINS`
   * are kept (nothing else is asked), which spares a set entry per local name.
   */
  private readonly locallyBound = new Set<string>();
  private readonly cache = new Map<number, string | typeof NOT_QUALIFIED>();

  /**
   * @param imported what other modules of the project bind this file's imports to (`settings.imported`): a name
   *   that is another name of something (`stop` for `os._exit`) resolves to that.
   */
  constructor(root: Node, private readonly imported?: Readonly<Record<string, ImportedFact>>) {
    const assignments: Node[] = [];
    // Only these statements bind names, and none of them sits inside an import or global statement, so
    // visiting just them in document order (an indexed query) is the whole-tree walk without the walk.
    for (const n of root.descendantsOfType(BINDING_TYPES)) {
      if (!n) continue;
      switch (n.type) {
        case 'import_statement':
          this.collectImport(n);
          break;
        case 'import_from_statement':
          this.collectImport(n);
          break;
        case 'function_definition':
        case 'class_definition': {
          const name = n.childForFieldName('name');
          // A method binds its name in the class, not in the module: `def timeit(self)` leaves `import timeit` alone.
          if (name && !(n.type === 'function_definition' && isMethod(n))) this.bindUnknown(name.text);
          if (n.type === 'function_definition') this.collectParameters(n);
          break;
        }
        case 'lambda':
          this.collectParameters(n);
          break;
        case 'assignment':
        case 'augmented_assignment':
        case 'named_expression':
          assignments.push(n);
          break;
        case 'for_statement':
        case 'for_in_clause':
          this.collectTargets(n.childForFieldName('left'));
          break;
        case 'as_pattern':
          this.collectTargets(n.childForFieldName('alias'));
          break;
        case 'except_clause':
          for (const c of n.namedChildren) {
            // `except E as name:`. Only a builtin's binding is kept: ask for the sibling (a walk in tree-sitter) only then.
            if (c.type === 'identifier' && BUILTINS.has(c.text) && c.previousSibling?.type === 'as') this.shadow(c.text);
          }
          break;
      }
    }
    // Aliases made by plain assignment (`e = sys.exit`) resolve after imports are known.
    for (const a of assignments) {
      // `(stop := sys.exit)` binds like `stop = sys.exit` (PEP 572), in the enclosing function or module.
      if (a.type === 'named_expression') {
        const name = a.childForFieldName('name');
        const value = a.childForFieldName('value');
        if (name?.type === 'identifier' && value) this.bindValue(name.text, value);
        continue;
      }
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (left?.type === 'identifier' && right && a.type === 'assignment' && this.isImportFallback(left.text, right, a)) continue;
      if (left?.type === 'identifier' && right && a.type === 'assignment') {
        this.bindValue(left.text, right);
      } else if (left && right && a.type === 'assignment' && isUnpacking(left, right)) {
        // `stop, hard_stop = sys.exit, os._exit` binds each name as its own assignment would.
        const values = unparen(right).namedChildren.filter((c) => c.type !== 'comment');
        unparen(left).namedChildren.filter((c) => c.type !== 'comment').forEach((target, i) => {
          if (target.type === 'identifier') this.bindValue(target.text, values[i]!);
          else this.collectTargets(target);
        });
      } else {
        this.collectTargets(left);
      }
    }
    this.cache.clear();
  }

  /**
   * `try: import torch` / `except ImportError: torch = None`: the placeholder for a missing optional module
   * does not make the name unknown (where the module exists, the name is the module).
   */
  private isImportFallback(local: string, value: Node, assign: Node): boolean {
    if (unparen(value).type !== 'none' || typeof this.aliases.get(local) !== 'string') return false;
    for (let p = assign.parent; p; p = p.parent) {
      if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return false;
      if (p.type === 'except_clause') return /\b(?:ImportError|ModuleNotFoundError)\b/.test(p.namedChildren.find((c) => c.type !== 'comment' && c.type !== 'block')?.text ?? '');
    }
    return false;
  }

  /** `local = value`: an alias when the value names a module attribute, otherwise an unknown binding. */
  private bindValue(local: string, value: Node): void {
    // Only these expressions can name a module attribute: skip resolving (and caching) the rest.
    const q = QUALIFIABLE.has(unparen(value).type) ? this.qualify(value) : undefined;
    if (q) this.bind(local, q);
    else this.bindUnknown(local);
  }

  private bind(local: string, qualified: string): void {
    const existing = this.aliases.get(local);
    if (existing === undefined) this.aliases.set(local, qualified);
    else if (existing !== qualified) this.aliases.set(local, UNKNOWN);
    this.shadow(local);
  }

  /** Records a local binding of `name`, which matters only when it shadows a builtin. */
  private shadow(name: string): void {
    if (BUILTINS.has(name)) this.locallyBound.add(name);
  }

  private bindUnknown(local: string): void {
    this.shadow(local);
    if (this.aliases.has(local)) this.aliases.set(local, UNKNOWN);
  }

  private collectParameters(fn: Node): void {
    const params = fn.childForFieldName('parameters');
    if (!params) return;
    for (const p of params.namedChildren) {
      const id = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c.type === 'identifier'));
      if (id?.type === 'identifier') this.shadow(id.text);
    }
  }

  private collectTargets(target: Node | null): void {
    if (!target) return;
    if (target.type === 'identifier') {
      this.bindUnknown(target.text);
      return;
    }
    // `as_pattern_target` wraps the name in `except E as e:` and `with f() as x:`.
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'list_splat_pattern', 'as_pattern_target', 'parenthesized_expression'].includes(target.type)) {
      for (const c of target.namedChildren) this.collectTargets(c);
    }
  }

  private collectImport(stmt: Node): void {
    for (const [local, qualified] of importBindings(stmt)) this.bind(local, qualified);
  }

  /** What a local name is bound to, when known (`s` → `sys` after `import sys as s`). */
  lookup(name: string): string | undefined {
    const b = this.aliases.get(name);
    if (typeof b === 'string') return this.referent(b);
    if (b === undefined && BUILTINS.has(name) && !this.locallyBound.has(name)) return `builtins.${name}`;
    if (b === undefined && name === '__builtins__') return 'builtins';
    return undefined;
  }

  /** What another module of the project says about a name this file imports (`settings.STATUS_OK`), if anything. */
  importedFact(qualified: string): ImportedFact | undefined {
    return this.imported && Object.prototype.hasOwnProperty.call(this.imported, qualified) ? this.imported[qualified] : undefined;
  }

  /** What another module of the project says an imported name stands for, else the name itself. */
  private referent(qualified: string): string {
    const fact = this.imported && Object.prototype.hasOwnProperty.call(this.imported, qualified) ? this.imported[qualified] : undefined;
    return fact?.kind === 'refers-to' ? fact.qualified : qualified;
  }

  /** What an import or assignment binds `name` to, when known: `lookup` without the builtins. */
  alias(name: string): string | undefined {
    const b = this.aliases.get(name);
    return typeof b === 'string' ? b : undefined;
  }

  /**
   * The fully qualified name an expression refers to, or undefined when it is not a resolvable
   * module attribute: `s.exit` → `sys.exit`, `getattr(os, "_exit")` → `os._exit`,
   * `__import__("os")` → `os`, `sys.modules["os"]` → `os`.
   */
  qualify(node: Node | null | undefined): string | undefined {
    if (!node) return undefined;
    const cached = this.cache.get(node.id);
    if (cached !== undefined) return cached === NOT_QUALIFIED ? undefined : cached;
    const value = this.computeQualified(node);
    this.cache.set(node.id, value ?? NOT_QUALIFIED);
    return value;
  }

  /** Resolution depth beyond which an expression is treated as unknown (hostile input nests thousands deep). */
  private depth = 0;

  private computeQualified(node: Node): string | undefined {
    if (this.depth > 64) return undefined;
    this.depth++;
    try {
      return this.computeQualifiedAt(node);
    } finally {
      this.depth--;
    }
  }

  private computeQualifiedAt(node: Node): string | undefined {
    let n = unparen(node);
    // Attribute chains are walked iteratively: `a.b.c...` can be thousands of links long.
    const attrs: string[] = [];
    while (n.type === 'attribute') {
      const attr = n.childForFieldName('attribute')?.text;
      const obj = n.childForFieldName('object');
      if (!attr || !obj) return undefined;
      attrs.push(attr);
      n = unparen(obj);
    }
    if (attrs.length) {
      const base = this.qualify(n);
      return base ? this.referent([base, ...attrs.reverse()].join('.')) : undefined;
    }
    switch (n.type) {
      case 'identifier':
        return this.lookup(n.text);
      case 'named_expression':
        // `(stop := sys.exit)` is its value.
        return this.qualify(n.childForFieldName('value'));
      case 'call': {
        const fn = this.qualify(n.childForFieldName('function'));
        // Only these callees make a call name a module (most calls stop here, before their arguments).
        if (fn !== 'builtins.getattr' && fn !== 'builtins.__import__' && fn !== 'importlib.import_module') return undefined;
        const args = n.childForFieldName('arguments');
        const positional = args?.namedChildren.filter((c) => c.type !== 'keyword_argument' && c.type !== 'comment') ?? [];
        if (fn === 'builtins.getattr' && positional.length >= 2) {
          const obj = this.qualify(positional[0]);
          const attr = literalText(positional[1]);
          return obj && attr && /^[A-Za-z_]\w*$/.test(attr) ? `${obj}.${attr}` : undefined;
        }
        if ((fn === 'builtins.__import__' || fn === 'importlib.import_module') && positional.length >= 1) {
          const mod = literalText(positional[0]);
          if (!mod) return undefined;
          // `__import__("os.path")` returns the top package; import_module returns the leaf.
          return fn === 'builtins.__import__' ? mod.split('.')[0] : mod;
        }
        return undefined;
      }
      case 'subscript': {
        const container = n.childForFieldName('value');
        const key = literalText(n.childForFieldName('subscript'));
        if (!key) return undefined;
        // `vars(builtins)["exit"]`, `os.__dict__["_exit"]`: a module's namespace read by key.
        const namespace = namespaceOwner(container);
        if (namespace) {
          const owner = this.qualify(namespace);
          return owner && /^[A-Za-z_]\w*$/.test(key) ? `${owner}.${key}` : undefined;
        }
        return this.qualify(container) === 'sys.modules' ? key : undefined;
      }
      default:
        return undefined;
    }
  }

  /** True when `node` resolves to one of `names` (qualified). */
  is(node: Node | null | undefined, ...names: string[]): boolean {
    const q = this.qualify(node);
    return q !== undefined && names.includes(q);
  }

  /** The qualified name of a call's callee. */
  callee(call: Node): string | undefined {
    return call.type === 'call' ? this.qualify(call.childForFieldName('function')) : undefined;
  }
}

/** A string literal's value, or a sum of them (`"ti" + "me"`: one string to Python). */
function literalText(n: Node | null | undefined): string | undefined {
  if (!n) return undefined;
  return stringValue(n) ?? literalSumValue(unparen(n));
}

/** The module whose namespace `n` is: `vars(mod)` or `mod.__dict__`. */
function namespaceOwner(n: Node | null | undefined): Node | undefined {
  const u = n && unparen(n);
  if (u?.type === 'attribute' && u.childForFieldName('attribute')?.text === '__dict__') return u.childForFieldName('object') ?? undefined;
  if (u?.type !== 'call' || u.childForFieldName('function')?.text !== 'vars') return undefined;
  const args = u.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  return args.length === 1 && args[0]!.type !== 'keyword_argument' ? args[0] : undefined;
}
