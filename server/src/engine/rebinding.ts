/**
 * Rebindings: code that replaces an attribute of an object or module at run time — `x.attr = v`,
 * `vars(mod)["attr"] = v`, `setattr(x, "attr", v)`, `monkeypatch.setattr(...)` / `monkeypatch.setitem(...)`,
 * `test.support.swap_attr(...)`, `mock.patch(...)` and its `.object` / `.multiple` / `.dict` forms — and
 * plain names assigned to (`assertEqual = ...`).
 *
 * Only the shape is recognised here. Which targets matter and what the replacement means is up to each
 * rule: RH203 (assertion and comparison helpers), RH301/RH302 (pytest and unittest machinery), RH601
 * (clocks). A rule that covers fewer forms filters on `form`.
 */
import { callArguments, dottedName, literalSumValue, moduleAssignments, stringValue, unparen, type Node } from './ast';
import type { NameResolver } from './names';

export type RebindForm =
  /** `x.attr = v`, `name = v` */
  | 'assignment'
  /** `vars(mod)["attr"] = v`, `mod.__dict__["attr"] = v`, `__builtins__["attr"] = v` */
  | 'namespace'
  | 'setattr'
  /** `test.support.swap_attr(x, "attr", v)`: undone when its block ends. */
  | 'swap_attr'
  /** `monkeypatch.setattr(x, "attr", v)`, `monkeypatch.setattr("mod.attr", v)` */
  | 'monkeypatch'
  /** `monkeypatch.setitem(vars(mod), "attr", v)` */
  | 'monkeypatch.setitem'
  /** `mock.patch("mod.attr", new)` */
  | 'mock.patch'
  | 'mock.patch.object'
  /** `mock.patch.multiple(owner, attr=v, ...)`: one rebinding per keyword. */
  | 'mock.patch.multiple'
  /** `mock.patch.dict(vars(mod), {"attr": v})`: one rebinding per entry. */
  | 'mock.patch.dict';

export type RebindTarget =
  /** `owner.attr`. `attr` is undefined when the name is computed (`setattr(x, name, v)`); `attrNode` is then that expression. */
  | { kind: 'attribute'; owner: Node; attr: string | undefined; attrNode: Node | undefined }
  /** A dotted string naming the attribute: `mock.patch("time.time")`, `monkeypatch.setattr("time.time", f)`. */
  | { kind: 'dotted'; path: string }
  /** An entry of a module's namespace; `module` is the module's qualified name. */
  | { kind: 'namespace'; module: string; key: string }
  /** A plain name (assignments only). */
  | { kind: 'name'; name: Node };

export interface Rebinding {
  form: RebindForm;
  target: RebindTarget;
  /** Where to report: the assignment target, or the call. */
  node: Node;
  /** The assignment whose left side holds the target (one link of `a = b = v`), or the call. */
  statement: Node;
  /** The replacement (the assigned value, the `value`/`new` argument), when visible. */
  value?: Node;
  /** The target is unpacked from the value (`a.x, b.y = f, g`), so `value` is not its replacement and is left out. */
  unpacked?: boolean;
}

/** Answers per file (one resolver each) and node: several rules ask about the same calls. */
const answers = new WeakMap<NameResolver, WeakMap<Node, readonly Rebinding[]>>();

/** The rebindings an `assignment` or a `call` makes. */
export function rebindingsAt(node: Node, names: NameResolver): readonly Rebinding[] {
  if (node.type === 'assignment') return assignmentRebindings(node, names);
  if (node.type === 'call') return callRebindings(node, names);
  return [];
}

function remembered(node: Node, names: NameResolver, compute: () => Rebinding[]): readonly Rebinding[] {
  let byNode = answers.get(names);
  if (!byNode) answers.set(names, (byNode = new WeakMap()));
  let found = byNode.get(node);
  if (!found) byNode.set(node, (found = compute()));
  return found;
}

/** Chains longer than this (`a = b = c = ...`) are hostile input: their value is not looked for. */
const MAX_CHAIN = 100;

/**
 * The targets of an assignment chain `a.x = b.y = v`, all reported at its head: an inner link returns
 * nothing. An annotation without a value (`x.attr: int`) rebinds nothing.
 */
export function assignmentRebindings(assign: Node, names: NameResolver): readonly Rebinding[] {
  return remembered(assign, names, () => computeAssignmentRebindings(assign, names));
}

function computeAssignmentRebindings(assign: Node, names: NameResolver): Rebinding[] {
  if (assign.parent?.type === 'assignment') return [];
  if (!assign.childForFieldName('right')) return [];
  const links: Node[] = [];
  let value: Node | undefined;
  for (let cur: Node = assign; links.length < MAX_CHAIN; ) {
    links.push(cur);
    const right: Node | null = cur.childForFieldName('right');
    if (right?.type !== 'assignment') {
      value = right ?? undefined;
      break;
    }
    cur = right;
  }
  const out: Rebinding[] = [];
  for (const link of links) {
    const left = link.childForFieldName('left');
    if (!left) continue;
    const unpacked = left.type === 'pattern_list' || left.type === 'tuple_pattern';
    for (const t of unpacked ? left.namedChildren : [left]) {
      const base = { node: t, statement: link, value: unpacked ? undefined : value, unpacked };
      if (t.type === 'attribute') {
        const owner = t.childForFieldName('object');
        const attrNode = t.childForFieldName('attribute');
        if (owner && attrNode) out.push({ form: 'assignment', target: { kind: 'attribute', owner, attr: attrNode.text, attrNode }, ...base });
      } else if (t.type === 'subscript') {
        const module = namespaceModule(t.childForFieldName('value'), names);
        const key = stringValue(t.childForFieldName('subscript'));
        if (module && key) out.push({ form: 'namespace', target: { kind: 'namespace', module, key }, ...base });
      } else if (t.type === 'identifier') {
        out.push({ form: 'assignment', target: { kind: 'name', name: t }, ...base });
      }
    }
  }
  return out;
}

/** The module a namespace expression is: `vars(math)`, `math.__dict__`, `__builtins__` (a dict in modules). */
function namespaceModule(container: Node | null | undefined, names: NameResolver): string | undefined {
  if (!container) return undefined;
  const c = unparen(container);
  if (c.type === 'call' && names.callee(c) === 'builtins.vars') return names.qualify(callArguments(c).positional[0]);
  if (c.type === 'attribute' && c.childForFieldName('attribute')?.text === '__dict__') return names.qualify(c.childForFieldName('object'));
  if (c.type === 'identifier' && c.text === '__builtins__' && names.lookup('__builtins__') === 'builtins') return 'builtins';
  return undefined;
}

/** The last name of every call form `callRebindings` understands. */
const PATCH_METHODS = new Set(['setattr', 'swap_attr', 'setitem', 'patch', 'object', 'multiple', 'dict']);
/** What a bare callee name must resolve to when it is an alias (`from unittest.mock import patch as p`). */
const ALIASED_PATCHER = /^builtins\.setattr$|(^|\.)(swap_attr|patch(\.object|\.multiple|\.dict)?)$/;
const PATCHER = /(^|\.)patch(\.object|\.multiple)?$/;
/** `mock.patch.multiple` keywords that configure the patch instead of naming an attribute. */
const MULTIPLE_OPTIONS = new Set(['target', 'spec', 'create', 'spec_set', 'autospec', 'new_callable']);
/** `mock.patch.dict` keywords that configure the patch instead of naming an entry. */
const DICT_OPTIONS = new Set(['clear', 'values', 'in_dict']);

/** The rebindings a patching call makes (`setattr`, `monkeypatch.setattr`, `mock.patch`...), else none. */
export function callRebindings(call: Node, names: NameResolver): readonly Rebinding[] {
  return remembered(call, names, () => computeCallRebindings(call, names));
}

/**
 * Whether `callRebindings` can find anything in `call`: its callee's last name is a patching method, or a
 * bare name bound to a patcher. Cheap, and false for nearly every call; rules use it to skip the rest.
 */
export function mayRebindCall(call: Node, names: NameResolver): boolean {
  const fnNode = call.childForFieldName('function');
  if (!fnNode) return false;
  const fn = unparen(fnNode);
  if (fn.type === 'attribute') return PATCH_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
  if (fn.type !== 'identifier') return false;
  const name = fn.text;
  // A builtin other than `setattr` (a patch method already) never matches: only aliases need the test.
  return PATCH_METHODS.has(name) || ALIASED_PATCHER.test(names.alias(name) ?? '');
}

/**
 * A key written as a string, a concatenation of strings (`"is" + "close"`), or a module-level name bound once to one
 * (`_name = "is" + "close"`).
 */
function keyString(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  const u = unparen(n);
  const direct = stringValue(u) ?? (u.type === 'binary_operator' ? literalSumValue(u) : undefined);
  if (direct !== undefined || u.type !== 'identifier') return direct;
  const bound = moduleAssignments(u.tree.rootNode).get(u.text);
  const v = bound?.length === 1 ? unparen(bound[0]!) : undefined;
  return v ? stringValue(v) ?? (v.type === 'binary_operator' ? literalSumValue(v) : undefined) : undefined;
}

function computeCallRebindings(call: Node, names: NameResolver): Rebinding[] {
  if (!mayRebindCall(call, names)) return [];
  const fnNode = call.childForFieldName('function')!;
  const fn = unparen(fnNode);
  const last = fn.type === 'attribute' ? fn.childForFieldName('attribute')!.text : fn.text;
  const callee = names.callee(call);
  const args = callArguments(call);
  const [a0, a1, a2] = args.positional;
  const keyword = (name: string) => args.keywords.get(name);
  const made = (form: RebindForm, target: RebindTarget, value: Node | undefined): Rebinding => ({ form, target, node: call, statement: call, value });
  const onAttribute = (form: RebindForm, owner: Node | undefined, attrNode: Node | undefined, value: Node | undefined): Rebinding[] =>
    owner && attrNode ? [made(form, { kind: 'attribute', owner, attr: stringValue(attrNode), attrNode }, value)] : [];

  if (callee === 'builtins.setattr') return onAttribute('setattr', a0, a1, a2);
  if (last === 'swap_attr') return onAttribute('swap_attr', a0, a1, a2 ?? keyword('new_val'));
  if (fn.type === 'attribute' && last === 'setattr') {
    const path = stringValue(a0);
    if (path !== undefined) {
      // A third argument would set an attribute on the string itself, which pytest rejects.
      return a2 ? [] : [made('monkeypatch', { kind: 'dotted', path }, a1 ?? keyword('value'))];
    }
    return onAttribute('monkeypatch', a0 ?? keyword('target'), a1 ?? keyword('name'), a2 ?? keyword('value'));
  }
  if (fn.type === 'attribute' && last === 'setitem') {
    const module = namespaceModule(a0, names);
    const key = keyString(a1);
    return module && key ? [made('monkeypatch.setitem', { kind: 'namespace', module, key }, a2 ?? keyword('value'))] : [];
  }
  const dotted = dottedName(fnNode) ?? '';
  const q = callee ?? dotted;
  if (/(^|\.)patch\.dict$/.test(q)) {
    const module = namespaceModule(a0, names);
    if (!module) return [];
    const entries: [string, Node][] = [];
    const dict = a1 ? unparen(a1) : undefined;
    if (dict?.type === 'dictionary') {
      for (const pair of dict.namedChildren) {
        const key = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : undefined;
        const value = pair.type === 'pair' ? pair.childForFieldName('value') : null;
        if (key && value) entries.push([key, value]);
      }
    }
    for (const [key, value] of args.keywords) if (!DICT_OPTIONS.has(key)) entries.push([key, value]);
    return entries.map(([key, value]) => made('mock.patch.dict', { kind: 'namespace', module, key }, value));
  }
  if (!PATCHER.test(q) && !PATCHER.test(dotted)) return [];
  if (/\.object$/.test(q) || /\.object$/.test(dotted)) return onAttribute('mock.patch.object', a0 ?? keyword('target'), a1 ?? keyword('attribute'), a2 ?? keyword('new'));
  if (/\.multiple$/.test(q) || /\.multiple$/.test(dotted)) {
    const owner = a0 ?? keyword('target');
    if (!owner) return [];
    const path = stringValue(owner);
    const out: Rebinding[] = [];
    for (const [attr, value] of args.keywords) {
      if (MULTIPLE_OPTIONS.has(attr)) continue;
      const target: RebindTarget = path !== undefined ? { kind: 'dotted', path: `${path}.${attr}` } : { kind: 'attribute', owner, attr, attrNode: undefined };
      out.push(made('mock.patch.multiple', target, value));
    }
    return out;
  }
  const path = stringValue(a0 ?? keyword('target'));
  return path === undefined ? [] : [made('mock.patch', { kind: 'dotted', path }, a1 ?? keyword('new'))];
}

/**
 * The qualified name of what is rebound (`time.time` for `time.time = f`, `setattr(time, "time", f)`,
 * `mock.patch("time.time")`), or undefined when the owner does not resolve or the name is computed.
 */
export function rebindTargetName(r: Rebinding, names: NameResolver): string | undefined {
  const t = r.target;
  switch (t.kind) {
    case 'attribute': {
      const owner = names.qualify(t.owner);
      return owner && t.attr ? `${owner}.${t.attr}` : undefined;
    }
    case 'dotted':
      return t.path;
    case 'namespace':
      return `${t.module}.${t.key}`;
    case 'name':
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Feature-check guards (backports)

const MISSING_CHECK = /\bnot\s+hasattr\s*\(|\bgetattr\s*\([^)]*,\s*None\s*\)\s+is\s+None|\bnot\s+in\s+(dir|vars)\s*\(|\bversion_info\b|\bPY2\b|\bPY3\b|\bPY_?\d+\b/;

/**
 * Is this rebinding a backport: under `if not hasattr(mod, "name"):` (or a version check), or in an
 * `except (AttributeError | ImportError | NameError)` handler, or the `else` of `if hasattr(...)`?
 */
export function isFeatureGuarded(node: Node): boolean {
  for (let p: Node | null = node.parent, child: Node = node; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') return false;
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      const cons = p.childForFieldName('consequence');
      if (cond && cons && cons.id === child.id && MISSING_CHECK.test(cond.text)) return true;
      if (cond && child.type === 'else_clause' && /^\s*hasattr\s*\(/.test(cond.text)) return true;
    }
    if (p.type === 'else_clause' && p.parent?.type === 'if_statement') {
      const cond = p.parent.childForFieldName('condition');
      if (cond && /^\s*hasattr\s*\(/.test(cond.text)) return true;
    }
    if (p.type === 'except_clause') {
      const types = p.namedChildren.filter((c) => c.type !== 'block' && c.type !== 'comment').map((c) => c.text).join(' ');
      if (/\b(AttributeError|ImportError|ModuleNotFoundError|NameError)\b/.test(types)) return true;
    }
  }
  return false;
}
