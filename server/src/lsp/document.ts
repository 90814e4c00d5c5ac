/**
 * An open document and its syntax tree. Edits from the client are applied to the tree as they arrive
 * (`tree.edit`), and the tree is re-parsed against the edited old tree only when someone needs it, so a
 * burst of keystrokes costs one incremental parse.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { Edit, type Parser, type Point, type Tree } from 'web-tree-sitter';

export interface ParseOptions {
  /** Re-use the edited old tree (default). Off, every parse starts from scratch (for benchmarks). */
  incremental?: boolean;
  /** A parse that takes longer is stopped with a ParseTimeLimitError, so one file cannot hang the server. */
  timeLimitMs?: number;
}

export class ParseTimeLimitError extends Error {}

/** A `\r` not followed by `\n`: LSP counts it as a line break, tree-sitter does not, so rows would disagree. */
const LONE_CARRIAGE_RETURN = /\r(?!\n)/;

export class SyntaxDocument {
  private text: TextDocument;
  /** Parsed for an earlier text, with every edit since applied: ready to be re-parsed incrementally. */
  private tree: Tree | undefined;
  private treeIsCurrent = false;
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

  private dropTree(): void {
    this.tree?.delete();
    this.tree = undefined;
  }

  private editTree(start: { line: number; character: number }, end: { line: number; character: number }, newText: string): void {
    if (!this.tree) return;
    // Offsets are clamped to the document the same way TextDocument.update clamps them.
    const startIndex = this.text.offsetAt(start);
    const oldEndIndex = Math.max(startIndex, this.text.offsetAt(end));
    const startPosition = this.pointAt(startIndex);
    const oldEndPosition = this.pointAt(oldEndIndex);
    this.tree.edit(
      new Edit({
        startIndex,
        oldEndIndex,
        newEndIndex: startIndex + newText.length,
        startPosition,
        oldEndPosition,
        newEndPosition: advance(startPosition, newText),
      }),
    );
  }

  private pointAt(offset: number): Point {
    const p = this.text.positionAt(offset);
    return { row: p.line, column: p.character };
  }
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
