/**
 * Warming the analysis up while the server is idle after start-up. V8 runs new code in its interpreter and
 * optimises functions only after many calls, so without this the first dozen analyses of a large file take
 * three to eight times as long as later ones, and those are the keystrokes a user makes first. Here the
 * server analyses sample code of its own in the background, one analysis per turn of the event loop (messages
 * from the client are handled in between), going through the path typing takes: a document kept as pieces,
 * small edits, re-parse and analysis.
 *
 * The sample is every rule's documentation example, under a test path and under a package path, between
 * ordinary module code; nothing is published, and the documents are thrown away at the end.
 */
import type { Parser } from 'web-tree-sitter';
import { analyzeForest, analyzeTree } from '../engine/analyze';
import type { Rule } from '../engine/rule';
import { SyntaxDocument } from './document';

/** Analyses of each sample document: enough for V8 to optimise the engine's and the rules' hot functions. */
const ROUNDS = 20;
/** The warm-up stops after this much time spent analysing, whatever is left. */
const BUDGET_MS = 2000;
/** How long the warm-up waits when the server is busy with documents before it looks again. */
const BUSY_WAIT_MS = 100;

/** Ordinary module code around the examples: functions, loops, classes and assignments, as most files are. */
function ordinaryCode(index: number): string {
  return [
    `def transform_${index}(records, scale=${index % 5}):`,
    `    """Scale the records that pass the filter."""`,
    `    out = []`,
    `    for r in records:`,
    `        if r.value % ${(index % 3) + 2} == 0 and r.name:`,
    `            out.append(r.value * scale)`,
    `        else:`,
    `            out.append(None)`,
    `    return out`,
    ``,
    `class Store${index}:`,
    `    def __init__(self, path):`,
    `        self.path = path`,
    `        self.items = {}`,
    ``,
    `    def get(self, key, default=None):`,
    `        return self.items.get(key, default)`,
    ``,
  ].join('\n');
}

/** Sample documents are repeated up to this many lines: V8 tunes for the large arrays a large file needs, too. */
const SAMPLE_LINES = 1500;

/** The sample documents: every rule's example in a test file and in a module, with ordinary code between. */
export function warmUpDocuments(rules: readonly Rule[]): { path: string; source: string }[] {
  const examples = rules.map((r) => r.meta.docs.example).filter((e) => e.trim());
  const body = (offset: number) => examples.map((e, i) => `${ordinaryCode(offset + i)}\n${e.trimEnd()}\n\n`).join('');
  const grown = (head: string, offset: number) => {
    let source = head;
    for (let k = 0; source.split('\n').length < SAMPLE_LINES; k++) source += body(offset + k * examples.length);
    return source;
  };
  return [
    { path: 'tests/test_warm_up.py', source: grown('import os\nimport sys\nimport pytest\n\n', 0) },
    { path: 'warm_up/module.py', source: grown('import os\nimport sys\n\n', 10_000) },
  ];
}

export interface WarmUp {
  /** Stops the warm-up before its next analysis (on shutdown). */
  cancel(): void;
  /** Settles when the warm-up ended, with the number of analyses made and the time they took. */
  readonly done: Promise<{ analyses: number; ms: number }>;
}

/**
 * Starts the warm-up: `rounds` analyses of each sample document, each after a small edit, one per
 * `setImmediate`, until `budgetMs` of analysis time is spent. While `busy()` says the server has real work
 * (an analysis waiting or just made), it waits rather than compete. Errors end it (`onError` is told).
 */
export function startWarmUp(parser: Parser, rules: readonly Rule[], busy: () => boolean, onError: (err: unknown) => void, rounds = ROUNDS, budgetMs = BUDGET_MS): WarmUp {
  const samples = warmUpDocuments(rules);
  const docs = samples.map((s, i) => new SyntaxDocument(`untitled:warm-up-${i}.py`, 'python', 1, s.source));
  let cancelled = false;
  let step = 0;
  let spent = 0;
  let finish!: (r: { analyses: number; ms: number }) => void;
  const done = new Promise<{ analyses: number; ms: number }>((resolve) => (finish = resolve));
  const end = () => {
    for (const d of docs) d.dispose();
    finish({ analyses: step, ms: spent });
  };
  const next = (): void => {
    if (cancelled || step >= rounds * docs.length || spent >= budgetMs) return end();
    if (busy()) {
      setTimeout(next, BUSY_WAIT_MS);
      return;
    }
    const started = performance.now();
    try {
      const k = step % docs.length;
      const doc = docs[k]!;
      const round = Math.floor(step / docs.length);
      if (round > 0) {
        // Type a space at a line start, or take it away again: the edit a keystroke makes.
        const line = 3 + ((Math.floor((round - 1) / 2) * 41) % Math.max(1, doc.lineCount - 4));
        const change = round % 2 === 1 ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' } : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
        doc.applyChanges([change], round + 1);
      }
      const input = { source: doc.getText(), path: samples[k]!.path, settings: {} };
      const pieces = doc.syntaxPieces(parser);
      if (!(pieces && analyzeForest(pieces, input, rules))) analyzeTree(doc.syntaxTree(parser), input, rules);
    } catch (err) {
      cancelled = true;
      onError(err);
    }
    spent += performance.now() - started;
    step++;
    setImmediate(next);
  };
  setImmediate(next);
  return {
    cancel: () => {
      cancelled = true;
    },
    done,
  };
}
