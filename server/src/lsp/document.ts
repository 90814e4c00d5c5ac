/**
 * An open document and its syntax tree. Edits from the client are applied to the tree as they arrive
 * (`tree.edit`), and the tree is re-parsed against the edited old tree only when someone needs it, so a
 * burst of keystrokes costs one incremental parse.
 *
 * For analysis the document is also kept as *pieces* (engine/chunks.ts): consecutive runs of top-level
 * statements, each parsed on its own over its range of the text. An edit re-parses only the pieces it
 * touched, where tree-sitter-python's own incremental parse re-parses most of the file.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { Edit, type Parser, type Point, type Range, type Tree } from 'web-tree-sitter';
import { pieceBoundaries, resumeStatementStarts, topLevelStatementStarts } from '../engine/chunks';

export interface ParseOptions {
  /** Re-use the edited old tree (default). Off, every parse starts from scratch (for benchmarks). */
  incremental?: boolean;
  /** A parse that takes longer is stopped with a ParseTimeLimitError, so one file cannot hang the server. */
  timeLimitMs?: number;
}

export class ParseTimeLimitError extends Error {}

/** A `\r` not followed by `\n`: LSP counts it as a line break, tree-sitter does not, so rows would disagree. */
const LONE_CARRIAGE_RETURN = /\r(?!\n)/;

/**
 * Pieces hold at least this many code units (about 100 lines): small enough that re-parsing one is cheap,
 * few enough that shifting the trees after an edit costs little.
 */
export const MIN_PIECE_LENGTH = 4096;

/** One piece: `[start, end)` of the current text and its tree (undefined once an edit touched it). */
interface Piece {
  start: number;
  end: number;
  tree: Tree | undefined;
}

export class SyntaxDocument {
  private text: TextDocument;
  /** Parsed for an earlier text, with every edit since applied: ready to be re-parsed incrementally. */
  private tree: Tree | undefined;
  private treeIsCurrent = false;
  /** The text as pieces, edited along with `tree`; built on first use. */
  private pieces: Piece[] | undefined;
  /**
   * The text's top-level statement starts when the pieces were last made, in the current text's offsets, and the
   * span edits changed since (undefined: none): the next scan resumes around the change instead of reading the
   * whole text again.
   */
  private starts: number[] | undefined;
  private changed: { from: number; to: number } | undefined;
  private disposed = false;

  constructor(uri: string, languageId: string, version: number, content: string) {
    this.text = TextDocument.create(uri, languageId, version, content);
  }

  get uri(): string {
    return this.text.uri;
  }
  get languageId(): string {
    return this.text.languageId;
  }
  get version(): number {
    return this.text.version;
  }
  get lineCount(): number {
    return this.text.lineCount;
  }
  get textDocument(): TextDocument {
    return this.text;
  }

  getText(): string {
    return this.text.getText();
  }

  /** The text of one line without its line break. */
  lineText(line: number): string {
    const raw = this.text.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    return raw.replace(/\r?\n$|\r$/, '');
  }

  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range) {
        this.editTree(change.range.start, change.range.end, change.text);
        this.text = TextDocument.update(this.text, [change], version);
      } else {
        this.dropTree();
        this.text = TextDocument.update(this.text, [change], version);
      }
    }
    // An empty change list still moves the version on.
    if (changes.length === 0) this.text = TextDocument.update(this.text, [], version);
    this.treeIsCurrent = false;
  }

  /** The syntax tree of the current text. The document owns it: do not delete it. */
  syntaxTree(parser: Parser, options: ParseOptions = {}): Tree {
    if (this.disposed) throw new Error(`document ${this.uri} is closed`);
    if (this.tree && this.treeIsCurrent) return this.tree;
    const source = this.getText();
    const old = options.incremental === false || LONE_CARRIAGE_RETURN.test(source) ? undefined : this.tree;
    let next: Tree | null;
    if (options.timeLimitMs === undefined) next = parser.parse(source, old ?? null);
    else {
      const deadline = Date.now() + options.timeLimitMs;
      // Returning true from the callback cancels the parse (the .d.ts types it as void).
      const progressCallback = (() => Date.now() > deadline) as unknown as () => void;
      next = parser.parse(source, old ?? null, { progressCallback });
      if (!next) {
        parser.reset();
        // The edited old tree stays valid, so the next attempt can still be incremental.
        throw new ParseTimeLimitError(`parsing took longer than ${options.timeLimitMs} ms and was stopped`);
      }
    }
    if (!next) throw new Error('tree-sitter returned no tree');
    this.tree?.delete();
    this.tree = next;
    this.treeIsCurrent = true;
    return next;
  }

  dispose(): void {
    this.disposed = true;
    this.dropTree();
  }

  /**
   * The current text as consecutive pieces, each parsed alone (their trees belong to the document: do not
   * delete them); only the pieces that edits touched since the last call are parsed again. Undefined when
   * pieces cannot stand for the text (a line break tree-sitter does not count, a piece with a syntax error):
   * use `syntaxTree()` then.
   */
  syntaxPieces(parser: Parser, options: Pick<ParseOptions, 'timeLimitMs'> & { minPieceLength?: number } = {}): Tree[] | undefined {
    if (this.disposed) throw new Error(`document ${this.uri} is closed`);
    const source = this.getText();
    if (source.length === 0 || LONE_CARRIAGE_RETURN.test(source)) {
      this.dropPieces();
      return undefined;
    }
    const deadline = options.timeLimitMs === undefined ? undefined : Date.now() + options.timeLimitMs;
    const starts = this.statementStarts(source);
    const isStart = (offset: number) => offset === source.length || binarySearch(starts, offset);
    const next: Piece[] = [];
    // Pieces no edit touched are kept while they still start and end at statements (an edit before them
    // can open a string or a bracket that swallows them); the others are parsed again, re-cut.
    let pendingFrom = 0;
    const flush = (until: number) => {
      if (until <= pendingFrom) return;
      const cuts = pieceBoundaries(starts, pendingFrom, until, options.minPieceLength ?? MIN_PIECE_LENGTH);
      for (let k = 0; k + 1 < cuts.length; k++) next.push({ start: cuts[k]!, end: cuts[k + 1]!, tree: this.parsePiece(parser, source, cuts[k]!, cuts[k + 1]!, deadline) });
      pendingFrom = until;
    };
    try {
      for (const piece of this.pieces ?? []) {
        if (piece.tree && piece.start >= pendingFrom && piece.end > piece.start && isStart(piece.start) && isStart(piece.end)) {
          flush(piece.start);
          next.push(piece);
          pendingFrom = piece.end;
        } else {
          piece.tree?.delete();
          piece.tree = undefined;
        }
      }
      flush(source.length);
    } catch (err) {
      // Keep what is parsed; the rest is parsed again next time.
      for (const piece of this.pieces ?? []) if (piece.tree && !next.includes(piece)) piece.tree.delete();
      this.pieces = next;
      throw err;
    }
    this.pieces = next;
    const trees = next.map((p) => p.tree!);
    return trees.some((t) => t.rootNode.hasError) ? undefined : trees;
  }

  /** Offsets of the current text's top-level statements (engine/chunks.ts), kept up to date through edits. */
  statementStarts(source = this.getText()): readonly number[] {
    if (this.disposed) throw new Error(`document ${this.uri} is closed`);
    const starts = !this.starts ? topLevelStatementStarts(source) : this.changed ? resumeStatementStarts(source, this.starts, this.changed.from, this.changed.to) : this.starts;
    this.starts = starts;
    this.changed = undefined;
    return starts;
  }

  private parsePiece(parser: Parser, source: string, start: number, end: number, deadline: number | undefined): Tree {
    const range: Range = { startIndex: start, endIndex: end, startPosition: this.pointAt(start), endPosition: this.pointAt(end) };
    const progressCallback = deadline === undefined ? undefined : ((() => Date.now() > deadline) as unknown as () => void);
    const tree = parser.parse(source, null, { includedRanges: [range], progressCallback });
    if (!tree) {
      parser.reset();
      throw new ParseTimeLimitError('parsing took longer than the time limit and was stopped');
    }
    return tree;
  }

  private dropPieces(): void {
    for (const piece of this.pieces ?? []) piece.tree?.delete();
    this.pieces = undefined;
    this.starts = undefined;
    this.changed = undefined;
  }

  private dropTree(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.dropPieces();
  }

  private editTree(start: { line: number; character: number }, end: { line: number; character: number }, newText: string): void {
    if (!this.tree && !this.pieces && !this.starts) return;
    // Offsets are clamped to the document the same way TextDocument.update clamps them.
    const startIndex = this.text.offsetAt(start);
    const oldEndIndex = Math.max(startIndex, this.text.offsetAt(end));
    const startPosition = this.pointAt(startIndex);
    const oldEndPosition = this.pointAt(oldEndIndex);
    const newEndIndex = startIndex + newText.length;
    const edit = new Edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition: advance(startPosition, newText) });
    this.tree?.edit(edit);
    // Offsets in the replaced range collapse to its new end; those after it move with the text.
    const map = (offset: number) => (offset <= startIndex ? offset : offset >= oldEndIndex ? offset + newEndIndex - oldEndIndex : newEndIndex);
    for (const piece of this.pieces ?? []) {
      const touched = startIndex === oldEndIndex ? piece.start <= startIndex && startIndex < piece.end : startIndex < piece.end && oldEndIndex > piece.start;
      if (touched) {
        piece.tree?.delete();
        piece.tree = undefined;
      } else if (piece.start >= oldEndIndex && piece.tree) piece.tree.edit(edit);
      piece.start = map(piece.start);
      piece.end = map(piece.end);
    }
    if (this.starts) {
      // Starts in the replaced text are gone; the rest keep their place in the text around it.
      const delta = newEndIndex - oldEndIndex;
      const kept: number[] = [];
      for (const start of this.starts) {
        if (start < startIndex) kept.push(start);
        else if (start >= oldEndIndex) kept.push(start + delta);
      }
      this.starts = kept;
      this.changed = this.changed ? { from: Math.min(map(this.changed.from), startIndex), to: Math.max(map(this.changed.to), newEndIndex) } : { from: startIndex, to: newEndIndex };
    }
  }

  private pointAt(offset: number): Point {
    const p = this.text.positionAt(offset);
    return { row: p.line, column: p.character };
  }
}

/** Whether the ascending `list` holds `value`. */
function binarySearch(list: readonly number[], value: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The point reached by writing `text` at `from`; columns count UTF-16 code units like tree-sitter's. */
function advance(from: Point, text: string): Point {
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak < 0) return { row: from.row, column: from.column + text.length };
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++;
  return { row: from.row + rows, column: text.length - lastBreak - 1 };
}

export const syntaxDocumentConfiguration: TextDocumentsConfiguration<SyntaxDocument> = {
  // Clients may send anything: a missing text is an empty document rather than a crash later on.
  create: (uri, languageId, version, content) =>
    new SyntaxDocument(String(uri), String(languageId), typeof version === 'number' ? version : 0, typeof content === 'string' ? content : ''),
  update: (document, changes, version) => {
    document.applyChanges(changes, version);
    return document;
  },
};
