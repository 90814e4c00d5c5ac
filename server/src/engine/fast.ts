/**
 * A JavaScript-side index of a tree, so that rules stop paying for JS↔Wasm marshalling.
 *
 * Every web-tree-sitter `Node` accessor (`parent`, `childForFieldName`, `namedChildren`, `text`…)
 * marshals the node into Wasm memory, calls into Wasm and allocates a fresh `Node` for the result;
 * `parent` even walks down from the root. Profiles of a full scan were dominated by that, not by the
 * rules' own logic. So, while `analyzeTree` runs, the tree being analysed is *active*:
 *
 * - one native call (`descendantsOfType`) fetches every named node in pre-order (the flat list);
 * - parent/children structure is derived in JS from the nodes' ranges (exact when the tree has no
 *   errors and no zero-width nodes; otherwise only the flat list and text are used);
 * - the accessors above are patched on `Node.prototype` to answer from the index for nodes of the active
 *   tree and to return one canonical `Node` object per tree position, so that what a rule fetches
 *   once (types, fields, children) is not fetched again. Nodes of other trees, and any node once the
 *   analysis has finished, take the original code path unchanged.
 *
 * The patches give exactly the answers web-tree-sitter would (see test/engine/fast-ast.test.ts and
 * bench/verify-fast-ast.ts, which compares every accessor on the whole corpus).
 */
import { Node as TSNode, Tree as TSTree } from 'web-tree-sitter';
import { createParser, wasmHeap } from './parser';
import { compareWithCursor, readTree, rootStart, type TreeArrays, type WasmHeap } from './tree-memory';

type Node = TSNode;
type Tree = TSTree;

export interface FlatTree {
  /** How many nodes are listed: every named node in document (pre-)order, the root included. */
  count: number;
  /**
   * The canonical node objects by position, made on first use (`nodeAt`) when the tree was read from the
   * heap: a node no rule asks for is never made (making them all was a large part of the engine's own cost).
   */
  made: (Node | undefined)[];
  /** Makes node `i` (heap reader); undefined when every node was made up front. */
  make?: (i: number) => Node;
  /** `made`, `kids` and `children` are the shared node slots of the active tree (see `takeSlots`). */
  pooled?: boolean;
  starts: Int32Array;
  ends: Int32Array;
  /** Parent index (-1 for the root), only when `structured`. */
  parents: Int32Array;
  /** Index just past the node's subtree, only when `structured`. */
  nexts: Int32Array;
  /** 1 for anonymous tokens whose name equals a named type (`lambda`, `await`…): they are in `nodes` too. */
  anon: Uint8Array;
  /** Range nesting is tree nesting: no syntax errors (whose nodes are not listed), no zero-width nodes. */
  structured: boolean;
  /** The source the tree was parsed from, once checked; enables `text` from slices. */
  source?: string;
  /** Lazily filled per-node caches. */
  kids: (Node[] | undefined)[];
  /** childForFieldName results, keyed by `index * fieldCount + fieldId`. */
  fields: Map<number, Node | null>;
  /** Entries in the language's field table (the key stride of `fields`). */
  fieldCount: number;
  children: (Node[] | undefined)[];
  /** Positions of each type's nodes, built on the first `descendantsOfType`. */
  byType?: Map<string, ArrayLike<number>>;
  /** From the heap reader: each node's public symbol. */
  symbols?: Uint16Array;
  /** From the heap reader: each node's field in its parent, and fields its parent has on unlisted tokens. */
  fieldIds?: Uint16Array;
  unlistedFields?: Uint32Array;
  /** The canonical root, once activated. */
  root?: Node;
  /** When the flat tree joins the pieces of one module parsed apart (see `activateForest`). */
  forest?: ForestInfo;
}

interface ForestInfo {
  /** The pieces' trees, in document order. */
  trees: Tree[];
  /** The pieces' own root nodes (web-tree-sitter's objects), which stand for the one module root. */
  pieceRoots: Set<number>;
  /** Where the module ends. */
  endPosition: { row: number; column: number };
  /** The module's children, anonymous tokens included, and each one's position among them. */
  children?: Node[];
  childIndex?: Map<Node, number>;
}

/** Index of a node in its flat tree, stored on the canonical node objects. */
const IDX = Symbol('flatIndex');
/** The node's type, stored on the canonical node objects (the `type` getter calls into Wasm otherwise). */
const TYPE = Symbol.for('reward-hack-detector.nodeType');
type Indexed = Node & { [IDX]?: number; [TYPE]?: string };

const flatTrees = new WeakMap<object, FlatTree>();
let namedTypeNames: string[] | undefined;
let collidingNames: Set<string> | undefined;

function namedTypes(node: Node): string[] {
  if (!namedTypeNames) {
    const language = node.tree.language;
    const names = new Set<string>();
    const anonymous = new Set<string>();
    for (let id = 0; id < language.nodeTypeCount; id++) {
      const name = language.nodeTypeForId(id);
      if (!name) continue;
      if (language.nodeTypeIsNamed(id)) names.add(name);
      else anonymous.add(name);
    }
    namedTypeNames = [...names];
    collidingNames = new Set([...names].filter((n) => anonymous.has(n)));
  }
  return namedTypeNames;
}

export function flatTree(anyNode: Node): FlatTree {
  const tree = anyNode.tree;
  let flat = flatTrees.get(tree);
  if (!flat) {
    flat = buildFlatTree(tree);
    flatTrees.set(tree, flat);
  }
  return flat;
}

/** How flat trees are built: from the Wasm heap when its layout checks out, else through the API. */
let reader: 'auto' | 'api' = 'auto';

/** For tests and benchmarks: force the public-API builder, or go back to the automatic choice. */
export function useTreeReader(choice: 'auto' | 'api'): void {
  reader = choice;
}

/** Whether flat trees are being read from the Wasm heap. */
export function readsTreeMemory(): boolean {
  return reader === 'auto' && wasmHeap() !== undefined && treeReaderAgrees();
}

function buildFlatTree(tree: Tree, pooled = false): FlatTree {
  const heap = wasmHeap();
  if (reader === 'auto' && heap && treeReaderAgrees()) return flatTreeFromMemory(heap, tree, pooled);
  return flatTreeFromApi(tree);
}

/**
 * Per-node slots (node objects, named children, children) of the active tree, reused from one analysis to
 * the next. A fresh array per analysis cost more than the analysis of a large file needs elsewhere: past
 * 16k entries V8 puts a new array in its large-object space, about 0.8 ms each, three per analysis of a
 * 5,000-line file in the editor. Only the active tree takes them (one at a time); they are emptied when it
 * is put away, so they keep no node of a finished analysis alive.
 */
interface Slots {
  made: (Node | undefined)[];
  kids: (Node[] | undefined)[];
  children: (Node[] | undefined)[];
}
let spareSlots: Slots | undefined;
let slotsTaken = false;
/** Larger trees (multi-megabyte files) get arrays of their own, so a long-lived process keeps no huge ones. */
const MAX_SHARED_SLOTS = 1 << 18;

function takeSlots(count: number): Slots | undefined {
  if (slotsTaken || count > MAX_SHARED_SLOTS) return undefined;
  slotsTaken = true;
  if (!spareSlots || spareSlots.made.length < count) {
    const size = Math.max(count, 1024);
    spareSlots = { made: new Array(size).fill(undefined), kids: new Array(size).fill(undefined), children: new Array(size).fill(undefined) };
  }
  return spareSlots;
}

function releaseSlots(flat: FlatTree): void {
  if (!flat.pooled) return;
  flat.pooled = false;
  flat.made.fill(undefined, 0, flat.count);
  flat.kids.fill(undefined, 0, flat.count);
  flat.children.fill(undefined, 0, flat.count);
  slotsTaken = false;
}

/** Node slots for a new flat tree: the shared ones when `pooled` and free, else fresh arrays. */
function slotsFor(count: number, pooled: boolean): Slots & { pooled: boolean } {
  const shared = pooled ? takeSlots(count) : undefined;
  if (shared) return { ...shared, pooled: true };
  const empty = () => new Array(count).fill(undefined);
  return { made: empty(), kids: empty(), children: empty(), pooled: false };
}

/**
 * Sources that exercise what the heap reader must get right: aliases, fields on hidden and anonymous
 * children, extras (comments) between children, decorators, non-ASCII text and surrogate pairs, CRLF,
 * deep nesting, and a tree with ERROR and MISSING nodes.
 */
const READER_SAMPLES = [
  [
    'import os.path as p, sys',
    'from . import (a as b, c)',
    '@decorator(arg=1)  # comment',
    'class K(Base, metaclass=M):',
    '    """doc 😀 ünï"""',
    '    x: int = 1',
    '    def m(self, a, /, b=2, *args, c, **kw) -> "K":',
    '        # between',
    '        return [y for y in a if y] or {k: v for k, v in kw.items()} or (lambda q: q + 1)(b)',
    'async def g():\r',
    '    async with h() as (u, v):\r',
    '        await u',
    '    match v:',
    '        case {"k": [1, *rest]} | Point(x=0) if rest:',
    '            print(f"{rest!r:>{10}} {v}", end="")',
    '        case _:',
    '            pass',
    'type Alias[T] = list[T]',
    'z = not a and b or -c ** 2 if d else e[1:2, ...]',
    'try:',
    '    raise ValueError("x") from None',
    'except* (TypeError, ValueError) as err:',
    '    del err',
    'finally:',
    '    global q; nonlocal_ = [[[[[[1]]]]]]',
    'print >> sys.stderr, "py2"',
  ].join('\n') + '\n',
  'def f(:\n    return (1,\nclass\nx = [1, 2\nif x\n    pass\n',
];

let readerAgrees: boolean | undefined;

/** Whether the heap reader gives what web-tree-sitter gives, checked once per process on the samples. */
function treeReaderAgrees(): boolean {
  if (readerAgrees === undefined) {
    const heap = wasmHeap();
    readerAgrees = false;
    if (heap) {
      const parser = createParser();
      try {
        readerAgrees = READER_SAMPLES.every((source) => {
          const sample = parser.parse(source)!;
          try {
            return compareWithCursor(heap, sample, listedSymbolsOf(sample)) === undefined;
          } finally {
            sample.delete();
          }
        });
      } catch {
        readerAgrees = false;
      } finally {
        parser.delete();
      }
    }
  }
  return readerAgrees;
}

/** Symbols listed in the flat tree, by public symbol id: those whose name is a named type's name. */
let listedSymbols: Uint8Array | undefined;
function listedSymbolsOf(tree: Tree): Uint8Array {
  if (!listedSymbols) {
    const names = new Set(namedTypes(tree.rootNode));
    listedSymbols = new Uint8Array(65536);
    tree.language.types.forEach((t, id) => {
      if (t && names.has(t)) listedSymbols![id] = 1;
    });
  }
  return listedSymbols;
}

/**
 * Node objects made without web-tree-sitter's constructor (which only its own unmarshalling may call):
 * the same own fields, with Node.prototype, one hidden class for all.
 */
interface NodeFields {
  [TYPE]: string;
  [IDX]: number;
}
const FastNode = function FastNode(this: Record<PropertyKey, unknown>, tree: Tree, id: number, alias: number, start: number, row: number, column: number, type: string, index: number) {
  this._alias = alias;
  this._children = undefined;
  this._namedChildren = undefined;
  this.id = id;
  this.startIndex = start;
  this.tree = tree;
  this._startRow = row;
  this._startColumn = column;
  this[TYPE] = type;
  this[IDX] = index;
} as unknown as new (tree: Tree, id: number, alias: number, start: number, row: number, column: number, type: string, index: number) => Node & NodeFields;
// `startPosition` is made when first read: most nodes never report a position. `node[0]` (the alias,
// which web-tree-sitter passes to Wasm) is a getter too: an own indexed property costs an allocation.
FastNode.prototype = Object.create(TSNode.prototype, {
  0: {
    get(this: { _alias: number }) {
      return this._alias;
    },
  },
  startPosition: {
    get(this: { _startRow: number; _startColumn: number }) {
      return { row: this._startRow, column: this._startColumn };
    },
  },
}) as Node & NodeFields;

/** The flat tree from one read of the Wasm heap (tree-memory.ts): no call into Wasm per node. */
function flatTreeFromMemory(heap: WasmHeap, tree: Tree, pooled: boolean): FlatTree {
  const a = readTree(heap, tree, listedSymbolsOf(tree));
  const count = a.count;
  const types = tree.language.types;
  const anon = new Uint8Array(count);
  for (let i = 0; i < count; i++) if (!a.named[i]) anon[i] = 1;
  const slots = slotsFor(count, pooled);
  const { made } = slots;
  return {
    count,
    made,
    pooled: slots.pooled,
    make: (i) => (made[i] = new FastNode(tree, a.ids[i]!, a.aliases[i]!, a.starts[i]!, a.startRows[i]!, a.startColumns[i]!, types[a.symbols[i]!] || 'ERROR', i)),
    starts: a.starts,
    ends: a.ends,
    parents: a.parents,
    nexts: a.nexts,
    anon,
    // Parents come from the tree itself, so only ERROR nodes (not listed) break the structure.
    structured: !a.hasError,
    kids: slots.kids,
    fields: new Map(),
    fieldCount: tree.language.fields.length,
    children: slots.children,
    fieldIds: a.fieldIds,
    symbols: a.symbols,
    unlistedFields: a.unlistedFields,
  };
}

/** The flat tree through the public API, when the heap layout is not the one tree-memory.ts knows. */
function flatTreeFromApi(tree: Tree): FlatTree {
  const root = tree.rootNode;
  const types = namedTypes(root);
  const nodes = root.descendantsOfType(types).filter((n): n is Node => n !== null);
  const count = nodes.length;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const anon = new Uint8Array(count);
  let structured = !original.hasError.call(root);
  for (let i = 0; i < count; i++) {
    const n = nodes[i]! as Indexed;
    const start = n.startIndex;
    const end = original.endIndex.call(n) as number;
    starts[i] = start;
    ends[i] = end;
    if (start === end) structured = false;
    const type = n.type;
    n[TYPE] = type;
    n[IDX] = i;
    if (collidingNames!.has(type) && !original.isNamed.call(n)) anon[i] = 1;
  }
  const parents = new Int32Array(structured ? count : 0);
  const nexts = new Int32Array(structured ? count : 0);
  if (structured) {
    // Pre-order plus proper nesting: a node's parent is the nearest open ancestor whose range contains it.
    const stack = new Int32Array(count);
    let depth = 0;
    for (let i = 0; i < count; i++) {
      const s = starts[i]!;
      const e = ends[i]!;
      while (depth > 0) {
        const top = stack[depth - 1]!;
        if (starts[top]! <= s && e <= ends[top]!) break;
        nexts[top] = i;
        depth--;
      }
      parents[i] = depth > 0 ? stack[depth - 1]! : -1;
      stack[depth++] = i;
    }
    while (depth > 0) nexts[stack[--depth]!] = count;
  }
  // Filled (not holey-sparse) arrays keep fast element access for the per-node caches.
  const empty = () => new Array<Node[] | undefined>(count).fill(undefined);
  return { count, made: nodes, starts, ends, parents, nexts, anon, structured, kids: empty(), fields: new Map(), fieldCount: tree.language.fields.length, children: empty() };
}

/** The canonical node at position `i` of `flat`. */
export function nodeAt(flat: FlatTree, i: number): Node {
  return flat.made[i] ?? flat.make!(i);
}

/** Every listed node, in pre-order (makes them all: for whole-file passes that look at each node anyway). */
export function allNodes(flat: FlatTree): Node[] {
  const out = new Array<Node>(flat.count);
  for (let i = 0; i < flat.count; i++) out[i] = nodeAt(flat, i);
  return out;
}

/** Position of `node` in its flat tree, or -1 (anonymous nodes, other trees). */
export function flatIndexOf(flat: FlatTree, node: Node): number {
  const i = (node as Indexed)[IDX];
  if (i !== undefined && flat.made[i] === node) return i;
  let lo = 0;
  let hi = flat.starts.length;
  const start = node.startIndex;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (flat.starts[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < flat.starts.length && flat.starts[k] === start; k++) {
    const n = nodeAt(flat, k);
    if (n.id === node.id && n.tree === node.tree) return k;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// Activation and the Node.prototype patches.

interface FastState {
  tree: object | undefined;
  flat: FlatTree | undefined;
  /** The other pieces' trees when the active flat tree is a forest. */
  others: Set<object> | undefined;
}

/** Shared by every copy of this module that patches the same web-tree-sitter (bundles, test loaders). */
const STATE_KEY = Symbol.for('reward-hack-detector.fastAst');
const proto = TSNode.prototype as unknown as Record<PropertyKey, unknown>;

function getter(name: string): (this: Node) => unknown {
  return Object.getOwnPropertyDescriptor(TSNode.prototype, name)!.get! as (this: Node) => unknown;
}
function method(name: string): (this: Node, ...args: unknown[]) => unknown {
  return Object.getOwnPropertyDescriptor(TSNode.prototype, name)!.value as (this: Node, ...args: unknown[]) => unknown;
}

interface Originals {
  type: (this: Node) => string;
  parent: (this: Node) => Node | null;
  text: (this: Node) => string;
  endIndex: (this: Node) => number;
  hasError: (this: Node) => boolean;
  isNamed: (this: Node) => boolean;
  isMissing: (this: Node) => boolean;
  isError: (this: Node) => boolean;
  namedChildren: (this: Node) => (Node | null)[];
  namedChildCount: (this: Node) => number;
  children: (this: Node) => (Node | null)[];
  nextNamedSibling: (this: Node) => Node | null;
  previousNamedSibling: (this: Node) => Node | null;
  nextSibling: (this: Node) => Node | null;
  previousSibling: (this: Node) => Node | null;
  namedChild: (this: Node, i: number) => Node | null;
  child: (this: Node, i: number) => Node | null;
  childForFieldName: (this: Node, name: string) => Node | null;
  childrenForFieldName: (this: Node, name: string) => (Node | null)[];
  descendantsOfType: (this: Node, ...args: unknown[]) => (Node | null)[];
  endPosition: (this: Node) => { row: number; column: number };
  childCount: (this: Node) => number;
  firstChild: (this: Node) => Node | null;
  lastChild: (this: Node) => Node | null;
  firstNamedChild: (this: Node) => Node | null;
  lastNamedChild: (this: Node) => Node | null;
  rootNode: (this: Tree) => Node;
}

let state: FastState;
let original: Originals;

if (proto[STATE_KEY]) {
  const installed = proto[STATE_KEY] as { state: FastState; original: Originals };
  state = installed.state;
  original = installed.original;
} else {
  state = { tree: undefined, flat: undefined, others: undefined };
  original = {
    type: getter('type') as Originals['type'],
    parent: getter('parent') as Originals['parent'],
    text: getter('text') as Originals['text'],
    endIndex: getter('endIndex') as Originals['endIndex'],
    hasError: getter('hasError') as Originals['hasError'],
    isNamed: getter('isNamed') as Originals['isNamed'],
    isMissing: getter('isMissing') as Originals['isMissing'],
    isError: getter('isError') as Originals['isError'],
    namedChildren: getter('namedChildren') as Originals['namedChildren'],
    namedChildCount: getter('namedChildCount') as Originals['namedChildCount'],
    children: getter('children') as Originals['children'],
    nextNamedSibling: getter('nextNamedSibling') as Originals['nextNamedSibling'],
    previousNamedSibling: getter('previousNamedSibling') as Originals['previousNamedSibling'],
    nextSibling: getter('nextSibling') as Originals['nextSibling'],
    previousSibling: getter('previousSibling') as Originals['previousSibling'],
    namedChild: method('namedChild') as Originals['namedChild'],
    child: method('child') as Originals['child'],
    childForFieldName: method('childForFieldName') as Originals['childForFieldName'],
    childrenForFieldName: method('childrenForFieldName') as Originals['childrenForFieldName'],
    descendantsOfType: method('descendantsOfType') as Originals['descendantsOfType'],
    endPosition: getter('endPosition') as Originals['endPosition'],
    childCount: getter('childCount') as Originals['childCount'],
    firstChild: getter('firstChild') as Originals['firstChild'],
    lastChild: getter('lastChild') as Originals['lastChild'],
    firstNamedChild: getter('firstNamedChild') as Originals['firstNamedChild'],
    lastNamedChild: getter('lastNamedChild') as Originals['lastNamedChild'],
    rootNode: Object.getOwnPropertyDescriptor(TSTree.prototype, 'rootNode')!.get! as Originals['rootNode'],
  };
  Object.defineProperty(proto, STATE_KEY, { value: { state, original } });
  installPatches();
}

/** The active flat tree when `node` belongs to it. */
function activeFor(node: Node): FlatTree | undefined {
  const tree = node.tree;
  return tree === state.tree || state.others?.has(tree) ? state.flat : undefined;
}

/** The canonical object for `node` when it is listed in `flat`, else `node` itself. */
function canon(flat: FlatTree, node: Node | null): Node | null {
  if (!node) return node;
  const i = flatIndexOf(flat, node);
  if (i >= 0) return nodeAt(flat, i);
  return flat.forest?.pieceRoots.has(node.id) && node.type === 'module' ? nodeAt(flat, 0) : node;
}

function canonAll(flat: FlatTree, list: (Node | null)[]): (Node | null)[] {
  for (let k = 0; k < list.length; k++) list[k] = canon(flat, list[k]!);
  return list;
}

function kidsOf(flat: FlatTree, i: number): Node[] {
  let kids = flat.kids[i];
  if (!kids) {
    kids = [];
    const { nexts, anon } = flat;
    const end = nexts[i]!;
    for (let j = i + 1; j < end; j = nexts[j]!) if (!anon[j]) kids.push(nodeAt(flat, j));
    flat.kids[i] = kids;
  }
  return kids;
}

/** Field ids by name for the language in use (`Language.fields`, indexed by id); rebuilt if another appears. */
let fieldTable: readonly (string | null)[] | undefined;
let fieldIdsByName = new Map<string, number>();
function fieldIdOf(fields: readonly (string | null)[], name: string): number {
  if (fields !== fieldTable) {
    fieldIdsByName = new Map();
    fields.forEach((f, id) => f !== null && !fieldIdsByName.has(f) && fieldIdsByName.set(f, id));
    fieldTable = fields;
  }
  return fieldIdsByName.get(name) ?? -1;
}

/** The first child of node `i` in field `fieldId`, when no unlisted token carries that field. */
function listedChildWithField(flat: FlatTree, i: number, fieldId: number): Node | null {
  const { nexts, fieldIds } = flat;
  const end = nexts[i]!;
  for (let j = i + 1; j < end; j = nexts[j]!) if (fieldIds![j] === fieldId) return nodeAt(flat, j);
  return null;
}

/**
 * Nodes of the given types in the subtree of node `i` (itself included), in document order. Positions by
 * type are indexed once per tree, so a query costs its matches, not the subtree's size.
 */
function ofTypes(flat: FlatTree, i: number, types: readonly string[]): Node[] {
  const byType = (flat.byType ??= indexByType(flat));
  const end = flat.nexts[i]!;
  const found: number[] = [];
  for (const type of new Set(types)) {
    const list = byType.get(type);
    if (!list) continue;
    for (let k = lowerBound(list, i); k < list.length && list[k]! < end; k++) found.push(list[k]!);
  }
  if (types.length > 1) found.sort((a, b) => a - b);
  return found.map((j) => nodeAt(flat, j));
}

/** Positions of each type's nodes, ascending: a counting sort by symbol when the heap reader gave symbols. */
function indexByType(flat: FlatTree): Map<string, ArrayLike<number>> {
  const byType = new Map<string, ArrayLike<number>>();
  const { symbols } = flat;
  if (!symbols) {
    for (let j = 0; j < flat.count; j++) {
      const type = nodeAt(flat, j).type;
      let list = byType.get(type) as number[] | undefined;
      if (!list) byType.set(type, (list = []));
      list.push(j);
    }
    return byType;
  }
  let symbolCount = 0;
  for (let j = 0; j < symbols.length; j++) if (symbols[j]! >= symbolCount) symbolCount = symbols[j]! + 1;
  const starts = new Int32Array(symbolCount + 1);
  for (let j = 0; j < symbols.length; j++) starts[symbols[j]! + 1]!++;
  for (let k = 0; k < symbolCount; k++) starts[k + 1]! += starts[k]!;
  const order = new Int32Array(symbols.length);
  const next = starts.slice(0, symbolCount);
  for (let j = 0; j < symbols.length; j++) order[next[symbols[j]!]!++] = j;
  for (let k = 0; k < symbolCount; k++) {
    if (starts[k] === starts[k + 1]) continue;
    const positions = order.subarray(starts[k]!, starts[k + 1]!);
    const type = nodeAt(flat, positions[0]!).type;
    const known = byType.get(type);
    // Two symbols can share a name (an alias and a rule): merge them, still ascending.
    byType.set(type, known ? Int32Array.from([...Array.from(known), ...positions]).sort() : positions);
  }
  return byType;
}

/** First position in the ascending `list` whose value is at least `value`. */
function lowerBound(list: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Structured index of `node` in the active tree, or -1. */
function structuredIndex(node: Node): number {
  const flat = activeFor(node);
  if (!flat || !flat.structured) return -1;
  return flatIndexOf(flat, node);
}

function namedSibling(node: Node, step: 1 | -1): Node | null | undefined {
  const flat = activeFor(node);
  if (!flat || !flat.structured) return undefined;
  const i = flatIndexOf(flat, node);
  if (i < 0 || flat.anon[i]) return undefined;
  const p = flat.parents[i]!;
  if (p < 0) return null;
  const kids = kidsOf(flat, p);
  const at = kids.indexOf(nodeAt(flat, i));
  return kids[at + step] ?? null;
}

function installPatches(): void {
  const defineGetter = (name: string, get: (this: Node) => unknown) =>
    Object.defineProperty(TSNode.prototype, name, { get, configurable: true, enumerable: false });
  const defineMethod = (name: string, value: (this: Node, ...args: never[]) => unknown) =>
    Object.defineProperty(TSNode.prototype, name, { value, configurable: true, writable: true, enumerable: false });

  // A node's type never changes, so the one kept on the node serves after the analysis too.
  defineGetter('type', function fast_type(this: Indexed) {
    const type = this[TYPE];
    return type !== undefined ? type : original.type.call(this);
  });

  defineGetter('parent', function fast_parent(this: Node) {
    const flat = activeFor(this);
    if (!flat) return original.parent.call(this);
    if (flat.structured) {
      const i = flatIndexOf(flat, this);
      if (i >= 0) {
        const p = flat.parents[i]!;
        return p >= 0 ? nodeAt(flat, p) : null;
      }
    }
    return canon(flat, original.parent.call(this));
  });

  // From the source for every node of the active tree, listed or not: a piece of a forest may keep the
  // text callback of an older parse (its positions are edited, its text is not).
  defineGetter('text', function fast_text(this: Node) {
    const flat = activeFor(this);
    if (flat?.source !== undefined) {
      const i = flatIndexOf(flat, this);
      return i >= 0 ? flat.source.slice(flat.starts[i], flat.ends[i]) : flat.source.slice(this.startIndex, this.endIndex);
    }
    return original.text.call(this);
  });

  defineGetter('endIndex', function fast_endIndex(this: Node) {
    const flat = activeFor(this);
    if (flat) {
      const i = flatIndexOf(flat, this);
      if (i >= 0) return flat.ends[i];
    }
    return original.endIndex.call(this);
  });

  // An error-free tree has no error or missing node anywhere.
  defineGetter('hasError', function fast_hasError(this: Node) {
    return structuredIndex(this) >= 0 ? false : original.hasError.call(this);
  });
  defineGetter('isMissing', function fast_isMissing(this: Node) {
    return structuredIndex(this) >= 0 ? false : original.isMissing.call(this);
  });
  defineGetter('isError', function fast_isError(this: Node) {
    return structuredIndex(this) >= 0 ? false : original.isError.call(this);
  });

  defineGetter('isNamed', function fast_isNamed(this: Node) {
    const flat = activeFor(this);
    if (flat) {
      const i = flatIndexOf(flat, this);
      if (i >= 0) return flat.anon[i] === 0;
    }
    return original.isNamed.call(this);
  });

  defineGetter('namedChildren', function fast_namedChildren(this: Node) {
    const i = structuredIndex(this);
    if (i >= 0) return kidsOf(state.flat!, i);
    const flat = activeFor(this);
    const list = original.namedChildren.call(this);
    return flat ? canonAll(flat, list) : list;
  });

  defineGetter('namedChildCount', function fast_namedChildCount(this: Node) {
    const i = structuredIndex(this);
    return i >= 0 ? kidsOf(state.flat!, i).length : original.namedChildCount.call(this);
  });

  defineMethod('namedChild', function fast_namedChild(this: Node, index: number) {
    const i = structuredIndex(this);
    if (i >= 0) return kidsOf(state.flat!, i)[index] ?? null;
    const flat = activeFor(this);
    const n = original.namedChild.call(this, index);
    return flat ? canon(flat, n) : n;
  });

  defineGetter('children', function fast_children(this: Node) {
    const flat = activeFor(this);
    if (!flat) return original.children.call(this);
    if (isForestRoot(flat, this)) return forestChildren(flat);
    const i = flatIndexOf(flat, this);
    if (i >= 0) return (flat.children[i] ??= canonAll(flat, original.children.call(this)) as Node[]);
    return canonAll(flat, original.children.call(this));
  });

  defineMethod('child', function fast_child(this: Node, index: number) {
    const flat = activeFor(this);
    if (isForestRoot(flat, this)) return forestChildren(flat)[index] ?? null;
    const n = original.child.call(this, index);
    return flat ? canon(flat, n) : n;
  });

  // The module root of a forest answers from all its pieces; other nodes as before, canonical.
  defineGetter('childCount', function fast_childCount(this: Node) {
    const flat = activeFor(this);
    return isForestRoot(flat, this) ? forestChildren(flat).length : original.childCount.call(this);
  });
  const ends = (name: 'firstChild' | 'lastChild' | 'firstNamedChild' | 'lastNamedChild', pick: (flat: FlatTree) => Node | undefined) =>
    defineGetter(name, function fast_end(this: Node) {
      const flat = activeFor(this);
      if (!flat) return original[name].call(this);
      if (isForestRoot(flat, this)) return pick(flat) ?? null;
      return canon(flat, original[name].call(this));
    });
  ends('firstChild', (flat) => forestChildren(flat)[0]);
  ends('lastChild', (flat) => forestChildren(flat).at(-1));
  ends('firstNamedChild', (flat) => kidsOf(flat, 0)[0]);
  ends('lastNamedChild', (flat) => kidsOf(flat, 0).at(-1));

  defineGetter('endPosition', function fast_endPosition(this: Node) {
    const flat = activeFor(this);
    if (isForestRoot(flat, this)) return { ...flat.forest.endPosition };
    return original.endPosition.call(this);
  });

  // A tree's root while it is active is the canonical one (for a forest's pieces: the module's).
  Object.defineProperty(TSTree.prototype, 'rootNode', {
    get: function fast_rootNode(this: Tree) {
      const flat = this === state.tree || state.others?.has(this) ? state.flat : undefined;
      return flat?.root ?? original.rootNode.call(this);
    },
    configurable: true,
    enumerable: false,
  });

  defineMethod('childForFieldName', function fast_childForFieldName(this: Node, name: string) {
    const flat = activeFor(this);
    if (!flat) return original.childForFieldName.call(this, name);
    const i = flatIndexOf(flat, this);
    const fieldId = fieldIdOf(this.tree.language.fields, name);
    if (i < 0 || fieldId < 0) return canon(flat, original.childForFieldName.call(this, name));
    // From the heap reader: a scan of the node's few children beats any cache.
    if (flat.structured && flat.fieldIds && !(flat.unlistedFields![i]! & (fieldId < 32 ? 1 << fieldId : 1))) return listedChildWithField(flat, i, fieldId);
    const key = i * flat.fieldCount + fieldId;
    let r = flat.fields.get(key);
    if (r === undefined) {
      r = canon(flat, original.childForFieldName.call(this, name));
      flat.fields.set(key, r);
    }
    return r;
  });

  defineMethod('childrenForFieldName', function fast_childrenForFieldName(this: Node, name: string) {
    const flat = activeFor(this);
    if (flat?.structured && flat.fieldIds) {
      const i = flatIndexOf(flat, this);
      const fieldId = fieldIdOf(this.tree.language.fields, name);
      // tree-sitter lists the visible children the cursor finds in the field: the heap reader's fields.
      if (i >= 0 && fieldId > 0 && !(flat.unlistedFields![i]! & (fieldId < 32 ? 1 << fieldId : 1))) {
        const out: Node[] = [];
        for (let j = i + 1, end = flat.nexts[i]!; j < end; j = flat.nexts[j]!) if (flat.fieldIds[j] === fieldId) out.push(nodeAt(flat, j));
        return out;
      }
    }
    const list = original.childrenForFieldName.call(this, name);
    return flat ? canonAll(flat, list) : list;
  });

  defineGetter('nextNamedSibling', function fast_nextNamedSibling(this: Node) {
    const r = namedSibling(this, 1);
    if (r !== undefined) return r;
    const flat = activeFor(this);
    const n = original.nextNamedSibling.call(this);
    return flat ? canon(flat, n) : n;
  });
  defineGetter('previousNamedSibling', function fast_previousNamedSibling(this: Node) {
    const r = namedSibling(this, -1);
    if (r !== undefined) return r;
    const flat = activeFor(this);
    const n = original.previousNamedSibling.call(this);
    return flat ? canon(flat, n) : n;
  });
  defineGetter('nextSibling', function fast_nextSibling(this: Node) {
    const flat = activeFor(this);
    if (flat?.forest) {
      const r = moduleSibling(flat, this, 1);
      if (r !== undefined) return r;
    }
    const n = original.nextSibling.call(this);
    return flat ? canon(flat, n) : n;
  });
  defineGetter('previousSibling', function fast_previousSibling(this: Node) {
    const flat = activeFor(this);
    if (flat?.forest) {
      const r = moduleSibling(flat, this, -1);
      if (r !== undefined) return r;
    }
    const n = original.previousSibling.call(this);
    return flat ? canon(flat, n) : n;
  });

  defineMethod('descendantsOfType', function fast_descendantsOfType(this: Node, ...args: unknown[]) {
    const flat = activeFor(this);
    if (flat && flat.structured && args.length <= 1) {
      const wanted = Array.isArray(args[0]) ? (args[0] as string[]) : [args[0] as string];
      const i = flatIndexOf(flat, this);
      // The flat list holds every node whose type name is a named type (the same symbols-by-name match
      // descendantsOfType makes), so any other name must go to tree-sitter.
      if (i >= 0 && wanted.every((t) => namedTypeNames!.includes(t))) return ofTypes(flat, i, wanted);
    }
    if (isForestRoot(flat, this)) {
      const all: (Node | null)[] = [];
      for (const tree of flat.forest.trees) all.push(...original.descendantsOfType.apply(original.rootNode.call(tree), args));
      return canonAll(flat, all);
    }
    const list = original.descendantsOfType.apply(this, args);
    return flat ? canonAll(flat, list) : list;
  });
}

/** Is `node` the module root of the active forest (which answers from all the pieces)? */
function isForestRoot(flat: FlatTree | undefined, node: Node): flat is FlatTree & { forest: ForestInfo } {
  return flat?.forest !== undefined && flatIndexOf(flat, node) === 0;
}

/** The children of a forest's module root, anonymous tokens included: its pieces' roots' children. */
function forestChildren(flat: FlatTree): Node[] {
  const forest = flat.forest!;
  if (!forest.children) {
    const all: Node[] = [];
    for (const tree of forest.trees) for (const c of original.children.call(original.rootNode.call(tree))) if (c) all.push(canon(flat, c)!);
    forest.children = all;
    forest.childIndex = new Map(all.map((c, k) => [c, k]));
  }
  return forest.children;
}

/** For a child of a forest's module root: its sibling across pieces (null at the ends); else undefined. */
function moduleSibling(flat: FlatTree, node: Node, step: 1 | -1): Node | null | undefined {
  forestChildren(flat);
  const at = flat.forest!.childIndex!.get(node);
  if (at === undefined) return undefined;
  return flat.forest!.children![at + step] ?? null;
}

/**
 * Makes `tree` the active tree (see above) and returns its canonical root. `source` must be the text the
 * tree was parsed from; it is checked, and `text` falls back to tree-sitter when it differs.
 * Call `deactivate()` when done: after that, every node of the tree behaves as before.
 */
export function activate(tree: Tree, source: string): { root: Node; flat: FlatTree } {
  // Always a fresh index: the tree may have been edited since an earlier one was built.
  const flat = buildFlatTree(tree, true);
  flatTrees.set(tree, flat);
  const treeRoot = original.rootNode.call(tree);
  const first = flat.count ? nodeAt(flat, 0) : undefined;
  const root = first && first.id === treeRoot.id ? first : treeRoot;
  if (flat.count && original.text.call(root) === source.slice(flat.starts[0], flat.ends[0])) flat.source = source;
  flat.root = root;
  state.tree = tree;
  state.flat = flat;
  state.others = undefined;
  return { root, flat };
}

export function deactivate(tree: Tree): void {
  const flat = flatTrees.get(tree);
  if (flat) releaseSlots(flat);
  if (state.tree === tree) {
    state.tree = undefined;
    state.flat = undefined;
    state.others = undefined;
  }
  // Trees are edited in place (tree.edit) between analyses in the editor: never reuse the index.
  flatTrees.delete(tree);
}

/**
 * Makes the pieces of one module, parsed apart (chunks.ts: consecutive top-level statements, each tree over
 * its own `includedRanges` of `source`, with current positions), the active tree: one flat index over all
 * their nodes under one module root, which answers as the root of a single parse of `source` would. Only
 * from the heap reader and for error-free pieces; otherwise undefined, and the caller parses the whole file.
 * Call `deactivateForest()` when done.
 */
export function activateForest(trees: readonly Tree[], source: string): { root: Node; flat: FlatTree } | undefined {
  const heap = wasmHeap();
  if (trees.length === 0 || !heap || !readsTreeMemory()) return undefined;
  const listed = listedSymbolsOf(trees[0]!);
  const parts = trees.map((t) => readPiece(heap, t, listed));
  if (parts.some((a) => a.hasError || a.count === 0)) return undefined;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (last.ends[0]! > source.length) return undefined;
  let count = 1;
  for (const a of parts) count += a.count - 1;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const parents = new Int32Array(count);
  const nexts = new Int32Array(count);
  const symbols = new Uint16Array(count);
  const fieldIds = new Uint16Array(count);
  const unlistedFields = new Uint32Array(count);
  const anon = new Uint8Array(count);
  // Where each piece's nodes begin in the joined list (its root is not listed: the module root stands for it).
  const bases = new Int32Array(parts.length);
  starts[0] = first.starts[0]!;
  ends[0] = last.ends[0]!;
  parents[0] = -1;
  nexts[0] = count;
  symbols[0] = first.symbols[0]!;
  let base = 1;
  parts.forEach((a, k) => {
    bases[k] = base;
    unlistedFields[0]! |= a.unlistedFields[0]!;
    const shift = base - 1;
    for (let i = 1; i < a.count; i++) {
      const j = shift + i;
      starts[j] = a.starts[i]!;
      ends[j] = a.ends[i]!;
      const p = a.parents[i]!;
      parents[j] = p <= 0 ? 0 : shift + p;
      nexts[j] = shift + a.nexts[i]!;
      symbols[j] = a.symbols[i]!;
      fieldIds[j] = a.fieldIds[i]!;
      unlistedFields[j] = a.unlistedFields[i]!;
      if (!a.named[i]) anon[j] = 1;
    }
    base += a.count - 1;
  });
  const types = trees[0]!.language.types;
  const slots = slotsFor(count, true);
  const { made } = slots;
  // The module root: the first piece's root object, spanning all pieces.
  made[0] = new FastNode(trees[0]!, first.ids[0]!, 0, first.starts[0]!, first.startRows[0]!, first.startColumns[0]!, 'module', 0);
  const make = (j: number): Node => {
    // The piece holding node j: the last whose base is at most j.
    let lo = 0;
    let hi = bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bases[mid]! <= j) lo = mid;
      else hi = mid - 1;
    }
    const a = parts[lo]!;
    const i = j - bases[lo]! + 1;
    return (made[j] = new FastNode(trees[lo]!, a.ids[i]!, a.aliases[i]!, a.starts[i]!, a.startRows[i]!, a.startColumns[i]!, types[a.symbols[i]!] || 'ERROR', j));
  };
  const flat: FlatTree = {
    count,
    made,
    make,
    pooled: slots.pooled,
    starts,
    ends,
    parents,
    nexts,
    anon,
    structured: true,
    source,
    kids: slots.kids,
    fields: new Map(),
    fieldCount: trees[0]!.language.fields.length,
    children: slots.children,
    fieldIds,
    symbols,
    unlistedFields,
    root: made[0],
    forest: {
      trees: [...trees],
      pieceRoots: new Set(parts.map((a) => a.ids[0]!)),
      endPosition: original.endPosition.call(original.rootNode.call(trees[trees.length - 1]!)),
    },
  };
  for (const t of trees) flatTrees.set(t, flat);
  state.tree = trees[0];
  state.others = new Set(trees.slice(1));
  state.flat = flat;
  return { root: made[0]!, flat };
}

/** What the heap reader found in each piece's tree, with the positions it had then. */
const pieceReads = new WeakMap<Tree, TreeArrays>();

/**
 * The heap reader's columns for one piece, read once per tree. An edit before a piece (`tree.edit`) moves
 * all of its nodes by the same amount and leaves its memory where it was (tree-sitter edits a tree it owns
 * alone in place), so later reads only shift the remembered positions: by the change in the root's start.
 * A piece whose own text changed is parsed again (a new tree), never edited.
 */
function readPiece(heap: WasmHeap, tree: Tree, listed: Uint8Array): TreeArrays {
  const known = pieceReads.get(tree);
  if (!known || known.count === 0) {
    const fresh = readTree(heap, tree, listed);
    pieceReads.set(tree, fresh);
    return fresh;
  }
  const now = rootStart(heap, tree);
  const chars = now.index - known.starts[0]!;
  const rows = now.row - known.startRows[0]!;
  if (chars !== 0 || rows !== 0) {
    const { starts, ends, startRows, count } = known;
    for (let i = 0; i < count; i++) {
      starts[i]! += chars;
      ends[i]! += chars;
      startRows[i]! += rows;
    }
  }
  return known;
}

export function deactivateForest(trees: readonly Tree[]): void {
  for (const t of trees) deactivate(t);
}
