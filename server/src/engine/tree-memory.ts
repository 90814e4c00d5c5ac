/**
 * Reads a parsed tree straight out of the tree-sitter Wasm heap: every visible node's type, range, start
 * point, field and parent in one JavaScript pass, with no call into Wasm per node.
 *
 * web-tree-sitter answers each node question (type, end, field, children…) with a call into Wasm that
 * marshals the node through a transfer buffer; for a whole-file index that is most of the analysis time.
 * The tree is plain data in the Wasm memory, so we walk it the way tree-sitter's own child iterator and
 * tree cursor do (lib/src/node.c, tree_cursor.c): children stored just before their parent, inline leaf
 * tokens, hidden nodes whose children belong to the nearest visible ancestor, aliases from the parent's
 * production, fields from the parent's field map.
 *
 * That ties us to the memory layout of the tree-sitter version inside web-tree-sitter. `selfCheck()`
 * compares this reader with the public API on a sample that exercises every case; when it disagrees (a
 * different web-tree-sitter), the engine falls back to the API, slower but exact.
 */
import type { Language, Tree } from 'web-tree-sitter';

/** The Emscripten module object: Parser.init() fills the options object it is given with these. */
export interface WasmHeap {
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAPU32: Uint32Array;
}

/**
 * One pass over a tree: the *listed* nodes (those whose public symbol the caller selects) in document
 * (pre-)order, in columns indexed by that order.
 */
export interface TreeArrays {
  count: number;
  /** Address of the node's subtree slot: web-tree-sitter's `Node.id`. */
  ids: Uint32Array;
  /** Public symbol, the alias the node was reached through (0 for none: web-tree-sitter's `node[0]`). */
  symbols: Uint16Array;
  aliases: Uint16Array;
  named: Uint8Array;
  /** In UTF-16 code units, as web-tree-sitter reports them. */
  starts: Int32Array;
  ends: Int32Array;
  startRows: Int32Array;
  startColumns: Int32Array;
  /** Index of the nearest listed ancestor, -1 for none. */
  parents: Int32Array;
  /** Index just past the node's subtree. */
  nexts: Int32Array;
  /** Field id of the node in its visible parent (tree cursor semantics), 0 for none. */
  fieldIds: Uint16Array;
  /**
   * Per listed node, a bit per field id (1–31) carried by one of its *unlisted* visible children (an
   * anonymous token such as a binary operator): those field lookups must go to tree-sitter.
   */
  unlistedFields: Uint32Array;
  /** An ERROR or MISSING node anywhere. */
  hasError: boolean;
}

export const ERROR_SYMBOL = 65535;

/** Offsets in tree-sitter's structs for wasm32 (lib/src/subtree.h, language.h, parser.h). */
const LANG = { fieldCount: 32, maxAliasSequenceLength: 36, fieldMapSlices: 64, fieldMapEntries: 68, symbolMetadata: 72, publicSymbolMap: 76, aliasSequences: 84 };
const HEAP = { paddingBytes: 4, paddingRow: 8, paddingColumn: 12, sizeBytes: 16, sizeRow: 20, sizeColumn: 24, childCount: 36, symbol: 40, flags: 44, visibleDescendantCount: 56, productionId: 66 };

/** Stack frame layout: one frame per subtree whose children are being visited. */
const F_PTR = 0; // heap address of the subtree
const F_INDEX = 1; // next child
const F_COUNT = 2; // child count
const F_STRUCTURAL = 3; // structural index of the next child (extras do not count)
const F_ALIAS = 4; // address of the production's alias sequence, 0 for none
const F_FIELDS = 5; // first field map entry address
const F_FIELDS_END = 6;
const F_OWNER = 7; // nearest listed ancestor
const F_INHERITED = 8; // field a hidden subtree passes to its children
const F_BYTES = 9; // position of the next child, in bytes (UTF-16: two per code unit)
const F_ROW = 10;
const F_COLUMN = 11;
const F_OPENED = 12; // listed node whose subtree this frame is, -1 for none
const F_PARENT_VISIBLE = 13; // nearest visible ancestor when it is listed (where unlisted fields are noted), else -1
const FRAME = 14;

type Columns = Omit<TreeArrays, 'count' | 'hasError'>;
let stack = new Int32Array(FRAME * 256);

function allocate(capacity: number): Columns {
  return {
    ids: new Uint32Array(capacity),
    symbols: new Uint16Array(capacity),
    aliases: new Uint16Array(capacity),
    named: new Uint8Array(capacity),
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    startRows: new Int32Array(capacity),
    startColumns: new Int32Array(capacity),
    parents: new Int32Array(capacity),
    nexts: new Int32Array(capacity),
    fieldIds: new Uint16Array(capacity),
    unlistedFields: new Uint32Array(capacity),
  };
}

function grow(cols: Columns): Columns {
  const bigger = allocate(cols.ids.length * 2);
  for (const key of Object.keys(bigger) as (keyof Columns)[]) (bigger[key] as Uint32Array).set(cols[key] as Uint32Array);
  return bigger;
}

/**
 * Walks `tree` in the Wasm heap and returns its listed nodes: visible nodes whose public symbol has
 * `listed[symbol] === 1` and that end after the start of the file (what `descendantsOfType` returns).
 * Iterative, so deeply nested input cannot overflow the stack. The columns are fresh for each call.
 */
export function readTree(heap: WasmHeap, tree: Tree, listed: Uint8Array): TreeArrays {
  const u8 = heap.HEAPU8;
  const u16 = heap.HEAPU16;
  const u32 = heap.HEAPU32;
  const base = (tree.language as unknown as { [0]: number })[0];
  const fieldCount = u32[(base + LANG.fieldCount) >>> 2]!;
  const maxAlias = u16[(base + LANG.maxAliasSequenceLength) >>> 1]!;
  const fieldMapSlices = u32[(base + LANG.fieldMapSlices) >>> 2]!;
  const fieldMapEntries = u32[(base + LANG.fieldMapEntries) >>> 2]!;
  const symbolMetadata = u32[(base + LANG.symbolMetadata) >>> 2]!;
  const publicSymbolMap = u32[(base + LANG.publicSymbolMap) >>> 2]!;
  const aliasSequences = u32[(base + LANG.aliasSequences) >>> 2]!;

  // Sized by the root's count of visible descendants (grown if that ever falls short).
  const rootSlot = (tree as unknown as { [0]: number })[0];
  const rootPtr = u8[rootSlot]! & 1 ? 0 : u32[rootSlot >>> 2]!;
  let cols = allocate(rootPtr ? Math.min(u32[(rootPtr + HEAP.visibleDescendantCount) >>> 2]! + 1, 1 << 20) : 1);
  let size = 0;
  let hasError = false;
  let depth = 0;

  const publicOf = (symbol: number) => (symbol === ERROR_SYMBOL ? ERROR_SYMBOL : u16[(publicSymbolMap + symbol * 2) >>> 1]!);

  // The root: tree->root is the first member of TSTree, and its node starts after its padding.
  if (!rootPtr) {
    // A one-token tree (an inline leaf): nothing of interest to list, and no children.
    return finish(cols, 0, (u8[rootSlot]! >> 5) & 1 ? true : u8[rootSlot + 1] === ERROR_SYMBOL);
  }
  const rootStart = u32[(rootPtr + HEAP.paddingBytes) >>> 2]!;
  const rootRow = u32[(rootPtr + HEAP.paddingRow) >>> 2]!;
  const rootColumn = u32[(rootPtr + HEAP.paddingColumn) >>> 2]!;
  {
    const endBytes = rootStart + u32[(rootPtr + HEAP.sizeBytes) >>> 2]!;
    const symbol = u16[(rootPtr + HEAP.symbol) >>> 1]!;
    const flags = u16[(rootPtr + HEAP.flags) >>> 1]!;
    if (symbol === ERROR_SYMBOL || (flags >> 9) & 1) hasError = true;
    const pub = publicOf(symbol);
    if (listed[pub] && endBytes > 0) {
      size = 1;
      cols.ids[0] = rootSlot;
      cols.symbols[0] = pub;
      cols.named[0] = (flags >> 1) & 1;
      cols.starts[0] = rootStart >>> 1;
      cols.ends[0] = endBytes >>> 1;
      cols.startRows[0] = rootRow;
      cols.startColumns[0] = rootColumn >>> 1;
      cols.parents[0] = -1;
      cols.nexts[0] = 1;
    }
  }

  // The frame being visited lives in these locals; the frames of its ancestors wait on `stack`.
  let ptr = rootPtr;
  let index = 0;
  let count = u32[(ptr + HEAP.childCount) >>> 2]!;
  let structural = 0;
  let aliasBase = 0;
  let fields = 0;
  let fieldsEnd = 0;
  let owner = size - 1;
  let inherited = 0;
  let bytes = rootStart;
  let row = rootRow;
  let column = rootColumn;
  let openedHere = size - 1;
  let record = size - 1;
  const enter = (production: number) => {
    aliasBase = production && aliasSequences ? aliasSequences + production * maxAlias * 2 : 0;
    if (fieldCount) {
      const slice = fieldMapSlices + production * 4;
      fields = fieldMapEntries + u16[slice >>> 1]! * 4;
      fieldsEnd = fields + u16[(slice + 2) >>> 1]! * 4;
    } else fields = fieldsEnd = 0;
  };
  enter(u16[(ptr + HEAP.productionId) >>> 1]!);

  for (;;) {
    if (index >= count) {
      if (openedHere >= 0) cols.nexts[openedHere] = size;
      if (depth === 0) break;
      const f = --depth * FRAME;
      ptr = stack[f + F_PTR]!;
      index = stack[f + F_INDEX]!;
      count = stack[f + F_COUNT]!;
      structural = stack[f + F_STRUCTURAL]!;
      aliasBase = stack[f + F_ALIAS]!;
      fields = stack[f + F_FIELDS]!;
      fieldsEnd = stack[f + F_FIELDS_END]!;
      owner = stack[f + F_OWNER]!;
      inherited = stack[f + F_INHERITED]!;
      bytes = stack[f + F_BYTES]!;
      row = stack[f + F_ROW]!;
      column = stack[f + F_COLUMN]!;
      openedHere = stack[f + F_OPENED]!;
      record = stack[f + F_PARENT_VISIBLE]!;
      continue;
    }
    const slot = ptr - (count - index) * 8;
    let visible: number, named: number, extra: number, symbol: number;
    let padBytes: number, padRows: number, padColumns: number, sizeBytes: number, sizeRows: number, sizeColumns: number;
    let childPtr = 0;
    let grandChildren = 0;
    if (u8[slot]! & 1) {
      // An inline leaf: flags, symbol, parse state, padding columns, padding rows | lookahead, padding bytes, size bytes.
      const flags = u8[slot]!;
      visible = (flags >> 1) & 1;
      named = (flags >> 2) & 1;
      extra = (flags >> 3) & 1;
      if ((flags >> 5) & 1) hasError = true;
      symbol = u8[slot + 1]!;
      padColumns = u8[slot + 4]!;
      padRows = u8[slot + 5]! & 0xf;
      padBytes = u8[slot + 6]!;
      sizeBytes = u8[slot + 7]!;
      sizeRows = 0;
      sizeColumns = sizeBytes;
    } else {
      childPtr = u32[slot >>> 2]!;
      const at = childPtr >>> 2;
      padBytes = u32[at + 1]!;
      padRows = u32[at + 2]!;
      padColumns = u32[at + 3]!;
      sizeBytes = u32[at + 4]!;
      sizeRows = u32[at + 5]!;
      sizeColumns = u32[at + 6]!;
      grandChildren = u32[at + 9]!;
      symbol = u16[(childPtr + HEAP.symbol) >>> 1]!;
      const flags = u16[(childPtr + HEAP.flags) >>> 1]!;
      visible = flags & 1;
      named = (flags >> 1) & 1;
      extra = (flags >> 2) & 1;
      if (symbol === ERROR_SYMBOL || (flags >> 9) & 1) hasError = true;
    }
    // The first child starts where its parent does (they share the padding).
    if (index > 0) {
      bytes += padBytes;
      if (padRows > 0) {
        row += padRows;
        column = padColumns;
      } else column += padColumns;
    }
    index++;
    const startBytes = bytes;
    const startRow = row;
    const startColumn = column;
    bytes += sizeBytes;
    if (sizeRows > 0) {
      row += sizeRows;
      column = sizeColumns;
    } else column += sizeColumns;

    let alias = 0;
    let field = 0;
    let inheritedFields = 0;
    if (!extra) {
      if (aliasBase) alias = u16[(aliasBase + structural * 2) >>> 1]!;
      // A field map entry: {field id u16, child index u8, inherited u8}. Inherited entries name fields
      // found inside this child; tree-sitter's field lookup descends into the child for them.
      for (let e = fields; e < fieldsEnd; e += 4) {
        if (u8[e + 2] !== structural) continue;
        const id = u16[e >>> 1]!;
        if (u8[e + 3]) inheritedFields |= id < 32 ? 1 << id : 1;
        else if (!field) field = id;
      }
      if (!field) field = inherited;
      structural++;
    }
    const isVisible = visible || alias !== 0;
    let childOwner = owner;
    let opened = -1;
    let childRecord = record;
    if (isVisible) {
      // A visible child (an aliased hidden rule) with inherited fields: tree-sitter answers those field
      // lookups on the ancestor with the child's own children, which the cursor does not. Ask tree-sitter.
      if (inheritedFields && record >= 0) cols.unlistedFields[record] |= inheritedFields;
      const pub = publicOf(alias || symbol);
      if (listed[pub] && bytes > 0) {
        if (size === cols.ids.length) cols = grow(cols);
        const i = size++;
        cols.ids[i] = slot;
        cols.symbols[i] = pub;
        cols.aliases[i] = alias;
        cols.named[i] = alias ? u8[symbolMetadata + alias * 3 + 1]! : named;
        cols.starts[i] = startBytes >>> 1;
        cols.ends[i] = bytes >>> 1;
        cols.startRows[i] = startRow;
        cols.startColumns[i] = startColumn >>> 1;
        cols.parents[i] = owner;
        cols.fieldIds[i] = field;
        cols.nexts[i] = i + 1;
        childOwner = opened = i;
      } else if (field && record >= 0) {
        // Field lookups on `record` for this field must ask tree-sitter (or, past bit 31, all of them).
        cols.unlistedFields[record] |= field < 32 ? 1 << field : 1;
      }
      childRecord = opened;
    }
    if (grandChildren > 0) {
      // Suspend this frame and visit the child's children.
      if ((depth + 1) * FRAME > stack.length) {
        const bigger = new Int32Array(stack.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      const f = depth++ * FRAME;
      stack[f + F_PTR] = ptr;
      stack[f + F_INDEX] = index;
      stack[f + F_COUNT] = count;
      stack[f + F_STRUCTURAL] = structural;
      stack[f + F_ALIAS] = aliasBase;
      stack[f + F_FIELDS] = fields;
      stack[f + F_FIELDS_END] = fieldsEnd;
      stack[f + F_OWNER] = owner;
      stack[f + F_INHERITED] = inherited;
      stack[f + F_BYTES] = bytes;
      stack[f + F_ROW] = row;
      stack[f + F_COLUMN] = column;
      stack[f + F_OPENED] = openedHere;
      stack[f + F_PARENT_VISIBLE] = record;
      // Children of a hidden node inherit its field unless they have their own; extras pass none on.
      inherited = isVisible || extra ? 0 : field;
      ptr = childPtr;
      index = 0;
      count = grandChildren;
      structural = 0;
      owner = childOwner;
      bytes = startBytes;
      row = startRow;
      column = startColumn;
      openedHere = opened;
      record = childRecord;
      enter(u16[(ptr + HEAP.productionId) >>> 1]!);
    }
  }
  return finish(cols, size, hasError);
}

/** Where the tree's root node starts (UTF-16 code units, row): the root's padding. */
export function rootStart(heap: WasmHeap, tree: Tree): { index: number; row: number } {
  const rootSlot = (tree as unknown as { [0]: number })[0];
  const u8 = heap.HEAPU8;
  if (u8[rootSlot]! & 1) return { index: u8[rootSlot + 6]! >>> 1, row: u8[rootSlot + 5]! & 0xf };
  const rootPtr = heap.HEAPU32[rootSlot >>> 2]!;
  return { index: heap.HEAPU32[(rootPtr + HEAP.paddingBytes) >>> 2]! >>> 1, row: heap.HEAPU32[(rootPtr + HEAP.paddingRow) >>> 2]! };
}

function finish(cols: Columns, n: number, hasError: boolean): TreeArrays {
  return {
    count: n,
    ids: cols.ids.subarray(0, n),
    symbols: cols.symbols.subarray(0, n),
    aliases: cols.aliases.subarray(0, n),
    named: cols.named.subarray(0, n),
    starts: cols.starts.subarray(0, n),
    ends: cols.ends.subarray(0, n),
    startRows: cols.startRows.subarray(0, n),
    startColumns: cols.startColumns.subarray(0, n),
    parents: cols.parents.subarray(0, n),
    nexts: cols.nexts.subarray(0, n),
    fieldIds: cols.fieldIds.subarray(0, n),
    unlistedFields: cols.unlistedFields.subarray(0, n),
    hasError,
  };
}

/**
 * Where `readTree` disagrees with web-tree-sitter's own cursor on `tree` (recursive: for small samples) (every listed node's id, type,
 * namedness, range, start point, parent, subtree end and field), or undefined when it agrees.
 */
export function compareWithCursor(heap: WasmHeap, tree: Tree, listed: Uint8Array): string | undefined {
  const mine = readTree(heap, tree, listed);
  const types = tree.language.types;
  const cursor = tree.walk();
  try {
    let i = 0;
    const open: number[] = [];
    let problem: string | undefined;
    const check = (): void => {
      const node = cursor.currentNode;
      const isListed = listed[node.typeId] === 1 && node.endIndex > 0;
      const at = i;
      if (isListed) {
        if (at >= mine.count) problem ??= `node ${at} (${node.type}) is missing`;
        else {
          const expect: [string, unknown, unknown][] = [
            ['id', node.id, mine.ids[at]],
            ['type', node.type, types[mine.symbols[at]!] || 'ERROR'],
            ['named', node.isNamed, mine.named[at] === 1],
            ['start', node.startIndex, mine.starts[at]],
            ['end', node.endIndex, mine.ends[at]],
            ['row', node.startPosition.row, mine.startRows[at]],
            ['column', node.startPosition.column, mine.startColumns[at]],
            ['parent', open.length ? open[open.length - 1] : -1, mine.parents[at]],
            ['field', cursor.currentFieldId, mine.fieldIds[at]],
          ];
          for (const [what, theirs, ours] of expect) if (theirs !== ours) problem ??= `node ${at} (${node.type}) ${what}: ${String(theirs)} vs ${String(ours)}`;
        }
        i++;
        open.push(at);
      }
      if (cursor.gotoFirstChild()) {
        do check();
        while (cursor.gotoNextSibling() && !problem);
        cursor.gotoParent();
      }
      if (isListed) {
        open.pop();
        if (at < mine.count && mine.nexts[at] !== i) problem ??= `node ${at} (${node.type}) subtree end: ${i} vs ${mine.nexts[at]}`;
      }
    };
    check();
    if (!problem && i !== mine.count) problem = `${i} listed nodes vs ${mine.count}`;
    if (!problem && tree.rootNode.hasError !== mine.hasError) problem = `hasError: ${tree.rootNode.hasError} vs ${mine.hasError}`;
    return problem;
  } finally {
    cursor.delete();
  }
}
