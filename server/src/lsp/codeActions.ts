/**
 * Code actions for reward-hack diagnostics: the rule's own fix, suppressions on the line or in the file,
 * and an explanation; plus a source action applying every safe fix. Everything here works from findings
 * and the syntax tree; it knows nothing about individual rules.
 */
import {
  CodeActionKind,
  type CodeAction,
  type Command,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Tree } from 'web-tree-sitter';
import { parseSuppression, type Finding, type Fix } from '../engine';
import { toTextEdit } from './convert';
import type { SyntaxDocument } from './document';
import { EXPLAIN_RULE_COMMAND, FIX_ALL_KIND } from '../../../shared/src/protocol';

export const REASON_PLACEHOLDER = 'reason';

export interface ActionContext {
  doc: SyntaxDocument;
  tree: Tree;
  /** Use versioned `documentChanges` (the client supports them) rather than `changes`. */
  versionedEdits: boolean;
}

/** Whether an action of `kind` was asked for (`only` absent means everything). */
export function kindRequested(kind: string, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function workspaceEdit(ctx: ActionContext, edits: TextEdit[]): WorkspaceEdit {
  if (ctx.versionedEdits) return { documentChanges: [{ textDocument: { uri: ctx.doc.uri, version: ctx.doc.version }, edits }] };
  return { changes: { [ctx.doc.uri]: edits } };
}

function eolOf(doc: SyntaxDocument): string {
  return doc.getText().includes('\r\n') ? '\r\n' : '\n';
}

function commentsOnLine(tree: Tree, line: number, length: number) {
  return tree.rootNode
    .descendantsOfType('comment', { row: line, column: 0 }, { row: line, column: length })
    .filter((c): c is NonNullable<typeof c> => c !== null && c.startPosition.row === line);
}

/** Inserts `code` into an existing `ignore[...]`/`ignore-file[...]` list: the edit, or undefined if none fits. */
function mergeIntoComment(comment: { text: string; startPosition: { row: number; column: number } }, kind: 'line' | 'file', code: string): TextEdit | undefined {
  const parsed = parseSuppression(comment.text);
  if (!parsed || parsed.kind !== kind || parsed.rules.length === 0) return undefined;
  const match = /reward-hack:\s*ignore(?:-file)?\s*\[[^\]]*\]/.exec(comment.text);
  if (!match) return undefined;
  // Comments never span lines, so the bracket's column is the comment's column plus its offset.
  const column = comment.startPosition.column + match.index + match[0].length - 1;
  const at = { line: comment.startPosition.row, character: column };
  return { range: { start: at, end: at }, newText: `, ${code}` };
}

/** True when a comment cannot be appended to `line`: it ends inside a string or continues with `\`. */
function lineEndIsNotCode(ctx: ActionContext, line: number, text: string): boolean {
  if (/\\\s*$/.test(text)) return true;
  const strings = ctx.tree.rootNode.descendantsOfType('string', { row: line, column: 0 }, { row: line, column: text.length });
  return strings.some((s) => s !== null && s.startPosition.row <= line && s.endPosition.row > line);
}

export function suppressOnLineEdit(ctx: ActionContext, line: number, code: string): TextEdit {
  const text = ctx.doc.lineText(line);
  for (const comment of commentsOnLine(ctx.tree, line, text.length)) {
    const merged = mergeIntoComment(comment, 'line', code);
    if (merged) return merged;
  }
  const comment = `# reward-hack: ignore[${code}] -- ${REASON_PLACEHOLDER}`;
  if (lineEndIsNotCode(ctx, line, text)) {
    // A comment alone on the line above covers the next line too.
    const indent = /^[ \t]*/.exec(text)?.[0] ?? '';
    const at = { line, character: 0 };
    return { range: { start: at, end: at }, newText: `${indent}${comment}${eolOf(ctx.doc)}` };
  }
  const codeEnd = text.trimEnd().length;
  return { range: { start: { line, character: codeEnd }, end: { line, character: text.length } }, newText: `${codeEnd > 0 ? '  ' : ''}${comment}` };
}

const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/;

export function suppressInFileEdit(ctx: ActionContext, code: string): TextEdit {
  for (const comment of ctx.tree.rootNode.descendantsOfType('comment')) {
    const merged = comment && mergeIntoComment(comment, 'file', code);
    if (merged) return merged;
  }
  // The shebang and the encoding cookie must stay on the first two lines.
  let line = ctx.doc.lineText(0).startsWith('#!') ? 1 : 0;
  for (let l = line; l < 2 && l < ctx.doc.lineCount; l++) if (CODING_COOKIE.test(ctx.doc.lineText(l))) line = l + 1;
  const eol = eolOf(ctx.doc);
  const comment = `# reward-hack: ignore-file[${code}] -- ${REASON_PLACEHOLDER}`;
  if (line >= ctx.doc.lineCount) {
    const last = ctx.doc.lineCount - 1;
    const at = { line: last, character: ctx.doc.lineText(last).length };
    return { range: { start: at, end: at }, newText: `${eol}${comment}` };
  }
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: `${comment}${eol}` };
}

export function explainCommand(code: string): Command {
  return { title: `Explain ${code}`, command: EXPLAIN_RULE_COMMAND, arguments: [code] };
}

/** The actions offered on one diagnostic. `fix` is the rule's fix when it is valid for the current text. */
export function actionsForDiagnostic(ctx: ActionContext, diagnostic: Diagnostic, code: string, fix: Fix | undefined): CodeAction[] {
  const actions: CodeAction[] = [];
  if (fix && fix.edits.length > 0) {
    actions.push({
      title: fix.safe ? fix.title : `${fix.title} (changes behaviour: review it)`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: fix.safe,
      edit: workspaceEdit(ctx, fix.edits.map(toTextEdit)),
    });
  }
  actions.push({
    title: `Suppress ${code} on this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: workspaceEdit(ctx, [suppressOnLineEdit(ctx, diagnostic.range.start.line, code)]),
  });
  actions.push({
    title: `Suppress ${code} in this file`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: workspaceEdit(ctx, [suppressInFileEdit(ctx, code)]),
  });
  actions.push({ title: `Explain ${code}`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: explainCommand(code) });
  return actions;
}

function before(a: { line: number; column: number }, b: { line: number; column: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/**
 * Every safe fix of the document at once. A fix whose edits overlap an earlier fix is left out (it can
 * be applied on its own afterwards), so the combined edit is always well-formed.
 */
export function fixAllAction(ctx: ActionContext, findings: readonly Finding[]): CodeAction | undefined {
  const accepted: { start: { line: number; column: number }; end: { line: number; column: number } }[] = [];
  const edits: TextEdit[] = [];
  for (const finding of findings) {
    const fix = finding.fix;
    if (!fix?.safe || fix.edits.length === 0) continue;
    const overlaps = fix.edits.some((e) => accepted.some((a) => before(e.range.start, a.end) && before(a.start, e.range.end)) || accepted.some((a) => sameStart(a, e.range)));
    if (overlaps) continue;
    for (const e of fix.edits) {
      accepted.push(e.range);
      edits.push(toTextEdit(e));
    }
  }
  if (edits.length === 0) return undefined;
  return { title: 'Fix all safe reward-hack findings', kind: FIX_ALL_KIND, edit: workspaceEdit(ctx, edits) };
}

function sameStart(a: { start: { line: number; column: number } }, b: { start: { line: number; column: number } }): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column;
}
