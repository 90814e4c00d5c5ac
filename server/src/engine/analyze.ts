/**
 * analyze(): source text + path + settings in, findings out. One parse per file, one walk shared by all
 * rules; no I/O, no LSP. Hosts call `initParser()` once before the first analysis.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { flatTree, isUnderMainGuard, literalSumValue, moduleAssignments, rangeOf, stringValue, unparen } from './ast';
import { activate, activateForest, allNodes, deactivate, deactivateForest, nodeAt } from './fast';
import { effectiveSeverity, isRuleEnabled } from './config';
import { importBindings, NameResolver } from './names';
import { parsePython, ParseTimeoutError } from './parser';
import { classifyFile, collectFileFacts } from './roles';
import type { Listeners, Report, Rule, RuleContext } from './rule';
import { hookBindingsOf, importedNames, keyedCallsOf, moduleExports } from './exports';
import { collectSuppressions, findSuppression } from './suppressions';
import { SEVERITIES, severityRank, type AnalysisInput, type AnalysisResult, type AnalysisSettings, type Finding, type FileRole, type ImportedFact, type ModuleExports, type Range, type SuppressedFinding } from './types';

export const DEFAULT_MAX_FILE_SIZE = 5_000_000;
export const DEFAULT_PARSE_TIME_LIMIT_MS = 10_000;

/** Why a text cannot be analysed as Python source, or undefined when it can. */
export function unanalysableReason(source: string, settings: AnalysisSettings = {}): string | undefined {
  const max = settings.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (source.length > max) return `file too large to analyse (${source.length} characters, limit ${max})`;
  if (source.includes('\0')) return 'file contains NUL bytes: binary data, not Python source';
  return undefined;
}

function emptyResult(input: AnalysisInput, error?: string): AnalysisResult {
  return { path: input.path, role: 'code-under-test', findings: [], suppressed: [], suppressions: [], syntaxErrors: false, ruleErrors: [], error };
}

/** Parses and analyses one file. */
export function analyze(input: AnalysisInput, rules: readonly Rule[]): AnalysisResult {
  const reason = unanalysableReason(input.source, input.settings);
  if (reason) return emptyResult(input, reason);
  let tree;
  try {
    tree = parsePython(input.source, null, input.settings?.parseTimeLimitMs ?? DEFAULT_PARSE_TIME_LIMIT_MS);
  } catch (err) {
    if (err instanceof ParseTimeoutError) return emptyResult(input, err.message);
    throw err;
  }
  try {
    return analyzeTree(tree, input, rules);
  } finally {
    tree.delete();
  }
}

/** Analyses an already parsed tree (the language server keeps trees per document). */
export function analyzeTree(tree: Tree, input: AnalysisInput, rules: readonly Rule[]): AnalysisResult {
  // Node accessors answer from a JS index of this tree while the rules run (fast.ts).
  const { root } = activate(tree, input.source);
  const execs: ExecString[] = [];
  let result: AnalysisResult;
  try {
    result = analyzeActiveTree(root, input, rules, execs);
  } finally {
    deactivate(tree);
  }
  return execs.length ? withExecFindings(result, execs, input, rules) : result;
}

/**
 * Analyses a module parsed as consecutive pieces (chunks.ts; the editor re-parses only the piece an edit
 * touched), with the same result as `analyzeTree` on a parse of the whole source. Undefined when the pieces
 * cannot stand for the module (a piece with a syntax error): parse the whole file instead.
 */
export function analyzeForest(trees: readonly Tree[], input: AnalysisInput, rules: readonly Rule[]): AnalysisResult | undefined {
  const active = activateForest(trees, input.source);
  if (!active) return undefined;
  const execs: ExecString[] = [];
  let result: AnalysisResult;
  try {
    result = analyzeActiveTree(active.root, input, rules, execs);
  } finally {
    deactivateForest(trees);
  }
  return execs.length ? withExecFindings(result, execs, input, rules) : result;
}

/** A string literal that `exec()` runs, and where it is. */
interface ExecString {
  value: string;
  /** Lines put before `value` so that it is analysed where it runs (see `inEnclosingDefinitions`). */
  prefixLines: number;
  range: Range;
  /** How the message names the code: `exec()` runs this string, or `eval()` runs `_CLEANUP`. */
  source: string;
}

/** Code in a string that `exec()` runs is code: longer strings than this are not analysed again. */
const MAX_EXEC_STRING = 200_000;

/**
 * `exec("import sys; sys.exit(0)")` runs the string as code: the string is analysed as a module of the same
 * file (one level deep), and its findings are reported on the string. Only in code under test and test
 * infrastructure: a test or a script that execs a snippet is exercising it.
 */
function collectExecStrings(root: Node, names: () => NameResolver, roleAt: (n: Node) => FileRole, out: ExecString[]): void {
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    const fn = call.childForFieldName('function');
    if (!fn || !/(^|\.)(exec|eval)$/.test(fn.text)) continue;
    const callee = names().callee(call);
    if (callee !== 'builtins.exec' && callee !== 'builtins.eval') continue;
    const arg = firstArgument(call);
    const code = arg ? codeString(arg, root, names) : undefined;
    if (!arg || !code || code.value.length > MAX_EXEC_STRING || !/\S/.test(code.value)) continue;
    const role = roleAt(call);
    if (role !== 'code-under-test' && role !== 'test-infrastructure') continue;
    // A string written at the call is reported there; one reached through a name or `compile()`, at the call's argument.
    const direct = code.node.id === unparen(arg).id;
    const placed = inEnclosingDefinitions(call, code.value);
    out.push({ value: placed.source, prefixLines: placed.prefixLines, range: rangeOf(direct ? code.node : arg), source: `\`${callee.slice('builtins.'.length)}()\` runs ${direct ? 'from this string' : `from \`${arg.text.length > 40 ? `${arg.text.slice(0, 37)}...` : arg.text}\``}` });
  }
}

/**
 * The string's code placed where it runs: `exec()` in a method runs in that method's frame, so the code is
 * analysed inside copies of the enclosing class and def headers (decorators and parameters included), and
 * a `sys.exit(0)` in it is judged as one in that function, not as one at module level.
 */
function inEnclosingDefinitions(call: Node, code: string): { source: string; prefixLines: number } {
  const headers: string[] = [];
  for (let n = call.parent; n; n = n.parent) {
    if (n.type !== 'function_definition' && n.type !== 'class_definition') continue;
    const body = n.childForFieldName('body');
    if (!body) continue;
    const outer = n.parent?.type === 'decorated_definition' ? n.parent : n;
    const column = outer.startPosition.column;
    const text = outer.text.slice(0, body.startIndex - outer.startIndex).trimEnd();
    headers.unshift(text.split('\n').map((l, i) => (i === 0 ? l : l.startsWith(' '.repeat(column)) ? l.slice(column) : l.trimStart())).join('\n'));
  }
  if (headers.length === 0) return { source: code, prefixLines: 0 };
  const lines: string[] = [];
  headers.forEach((h, depth) => {
    for (const l of h.split('\n')) lines.push(' '.repeat(4 * depth) + l);
  });
  const indent = ' '.repeat(4 * headers.length);
  return { source: `${lines.join('\n')}\n${code.split('\n').map((l) => (l.trim() ? indent + l : l)).join('\n')}`, prefixLines: lines.length };
}

function firstArgument(call: Node): Node | undefined {
  const arg = call.childForFieldName('arguments')?.namedChildren.find((c) => c.type !== 'comment');
  return arg && arg.type !== 'keyword_argument' && arg.type !== 'list_splat' && arg.type !== 'dictionary_splat' ? arg : undefined;
}

/**
 * The code an `exec`/`eval` argument holds, and where it is written: a string literal (or a sum of them), a
 * module-level name bound once to one (`_CLEANUP = "..."; eval(_CLEANUP)`), or `compile(<such a string>, ...)`.
 */
function codeString(arg: Node, root: Node, names: () => NameResolver, depth = 0): { value: string; node: Node } | undefined {
  const u = unparen(arg);
  const literal = stringValue(u) ?? literalSumValue(u);
  if (literal !== undefined) return { value: literal, node: u };
  if (depth > 2) return undefined;
  if (u.type === 'call' && names().callee(u) === 'builtins.compile') {
    const source = firstArgument(u);
    return source ? codeString(source, root, names, depth + 1) : undefined;
  }
  if (u.type !== 'identifier') return undefined;
  const bound = moduleStringBinding(root, u.text);
  return bound ? codeString(bound, root, names, depth + 1) : undefined;
}

/** The value of `NAME = <value>` when it is the only module-level assignment of `NAME` (and no `global NAME` rebinds it). */
function moduleStringBinding(root: Node, name: string): Node | undefined {
  const values = moduleAssignments(root).get(name);
  if (values?.length !== 1 || new RegExp(`\\bglobal\\s+[^\\n]*\\b${name}\\b`).test(root.text)) return undefined;
  return values[0];
}

function withExecFindings(result: AnalysisResult, execs: ExecString[], input: AnalysisInput, rules: readonly Rule[]): AnalysisResult {
  const lines = input.source.split('\n');
  const findings = [...result.findings];
  const suppressed = [...result.suppressed];
  for (const e of execs) {
    const inner = analyze({ source: e.value, path: input.path, settings: input.settings, fromExec: true }, rules);
    for (const f of inner.findings) {
      // Findings on the copied headers are the file's own, reported by its own analysis.
      if (f.range.start.line < e.prefixLines) continue;
      // Code kept in a string is out of a reviewer's sight, which no honest use needs: one level more severe.
      const severity = SEVERITIES[Math.min(severityRank(f.severity) + 1, SEVERITIES.length - 1)]!;
      const mapped: Finding = { rule: f.rule, name: f.name, severity, message: `In the code that ${e.source}: ${f.message}`, range: e.range };
      const s = findSuppression(mapped, result.suppressions, lines);
      if (s) suppressed.push({ ...mapped, justification: s.justification, suppressionLine: s.line });
      else findings.push(mapped);
    }
  }
  return { ...result, findings: dedupe(findings).sort(compareFindings), suppressed };
}

function analyzeActiveTree(root: Node, input: AnalysisInput, rules: readonly Rule[], execs: ExecString[]): AnalysisResult {
  const settings = input.settings ?? {};
  // Built on first use: many files never need a name resolved.
  let resolver: NameResolver | undefined;
  const names = () => (resolver ??= new NameResolver(root, settings.imported));
  const facts = collectFileFacts(input.path, input.source, root, settings.boundHooks);
  const role = classifyFile(facts, root, names, settings);
  const raw: Finding[] = [];
  const ruleErrors: AnalysisResult['ruleErrors'] = [];

  const imported = settings.imported;
  const ruleExports: ModuleExports = {};
  // What this module's names hold, computed once: asked by rules (RH401's switches) and reported at the end.
  let ownExports: ModuleExports | null | undefined;
  const ownFacts = () => (ownExports === undefined ? (ownExports = moduleExports(root, input.source, input.path, names) ?? null) : ownExports) ?? undefined;
  // Rules pre-filter files by the words in their text; a file that calls `os._exit` under a name another module
  // gave it (`from ._compat import hard_stop`) mentions it only there, so its rules read those names after the text.
  let ruleSource = imported ? withImportedNames(input.source, root, imported) : input.source;
  // Likewise for hooks another module binds this file's functions to.
  if (facts.boundHooks.length) ruleSource = `${ruleSource}\n${facts.boundHooks.map((b) => `# pytest hook: ${b.hook} = ${b.fn.childForFieldName('name')!.text}`).join('\n')}\n`;
  const active = rules.filter((r) => !r.meta.reviewOnly && isRuleEnabled(r.meta, settings));
  const listenersByType = new Map<string, Entry[]>();
  const exits: { rule: Rule; listener: () => void }[] = [];
  const failed = new Set<Rule>();
  const fail = (rule: Rule, err: unknown) => {
    if (failed.has(rule)) return;
    failed.add(rule);
    ruleErrors.push({ rule: rule.meta.code, message: err instanceof Error ? err.message : String(err) });
  };

  // A main guard compares the identifier `__name__`: files that never spell it need no walk up the tree.
  const mayHaveMainGuard = input.source.includes('__name__');
  const commands = role === 'code-under-test' && settings.entryPointFunctions?.length ? new Set(settings.entryPointFunctions) : undefined;
  const roleAt = (node: Node): FileRole => {
    if (commands && inDeclaredCommand(node, commands)) return 'entry-point';
    return (role === 'code-under-test' || role === 'entry-point') && mayHaveMainGuard && isUnderMainGuard(node) ? 'entry-point' : role;
  };

  for (const rule of active) {
    const context: RuleContext = {
      source: ruleSource,
      path: input.path,
      role,
      root,
      get names() {
        return names();
      },
      facts,
      roleAt,
      report: (r: Report) => raw.push(toFinding(rule, r, settings)),
      imported: (qualified) => (qualified && imported && Object.prototype.hasOwnProperty.call(imported, qualified) ? imported[qualified] : undefined),
      importedWith: (kind) => (imported ? Object.keys(imported).filter((q) => imported[q]!.kind === kind) : []),
      exportFact: (name, fact) => void (ruleExports[name] ??= fact),
      ownFacts,
      callerStrings: (name) => (settings.callerStrings && Object.prototype.hasOwnProperty.call(settings.callerStrings, name) ? settings.callerStrings[name]! : []),
    };
    let listeners: Listeners;
    try {
      listeners = rule.create(context);
    } catch (err) {
      fail(rule, err);
      continue;
    }
    for (const [type, listener] of Object.entries(listeners)) {
      if (!listener) continue;
      if (type === 'module:exit') exits.push({ rule, listener: listener as () => void });
      else {
        let list = listenersByType.get(type);
        if (!list) listenersByType.set(type, (list = []));
        list.push({ rule, listener: listener as (n: Node) => void });
      }
    }
  }

  walk(root, listenersByType, failed, fail);
  for (const { rule, listener } of exits) {
    if (failed.has(rule)) continue;
    try {
      listener();
    } catch (err) {
      fail(rule, err);
    }
  }

  // Strings that `exec()` runs are analysed after this tree is put away (one active tree at a time, fast.ts).
  if (!input.fromExec && (input.source.includes('exec(') || input.source.includes('eval('))) collectExecStrings(root, names, roleAt, execs);

  // Most files have no suppression comment; skip the comment search for them.
  const suppressions = input.source.includes('reward-hack') ? collectSuppressions(root) : [];
  // Only files with findings need their lines (suppression comments are matched by line).
  const lines = raw.length ? input.source.split('\n') : [];
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of dedupe(raw)) {
    const s = findSuppression(f, suppressions, lines);
    if (s) suppressed.push({ ...f, justification: s.justification, suppressionLine: s.line });
    else findings.push(f);
  }
  findings.sort(compareFindings);
  const result: AnalysisResult = { path: input.path, role, findings, suppressed, suppressions, syntaxErrors: root.hasError, ruleErrors };
  // Code that exec() runs is no module of its own: it neither exports nor imports for the project.
  if (!input.fromExec) {
    const exports = { ...ownFacts(), ...ruleExports };
    if (Object.keys(exports).length) result.exports = exports;
    const imports = importedNames(root, input.source);
    if (imports) result.imports = imports;
    const hookBindings = hookBindingsOf(root, input.source, names);
    if (hookBindings) result.hookBindings = hookBindings;
    const keyedCalls = keyedCallsOf(root, input.source, names);
    if (keyedCalls) result.keyedCalls = keyedCalls;
  }
  return result;
}

/**
 * The source with a comment line per imported name that another module says stands for something else
 * (`# imported: hard_stop = os._exit`), for rules that look for words and aliases in the text.
 */
function withImportedNames(source: string, root: Node, imported: Readonly<Record<string, ImportedFact>>): string {
  const lines: string[] = [];
  // What each import binds, by the qualified name it stands for: `from ._compat import hard_stop`, and modules
  // read through (`from imgtool import platform_shims`, `import pkgx`) whose attributes may be imported names.
  const byQualified = new Map<string, string>();
  for (const type of ['import_from_statement', 'import_statement']) for (const stmt of root.descendantsOfType(type)) for (const [local, qualified] of importBindings(stmt!)) byQualified.set(qualified, local);
  for (const [qualified, fact] of Object.entries(imported)) {
    if (fact.kind !== 'refers-to') continue;
    const local = byQualified.get(qualified);
    if (local !== undefined) {
      lines.push(`# imported: ${local} = ${fact.qualified}`);
      continue;
    }
    // `platform_shims.halt`: an attribute of an imported module.
    const dot = qualified.lastIndexOf('.');
    const owner = dot > 0 ? byQualified.get(qualified.slice(0, dot)) : undefined;
    if (owner !== undefined) lines.push(`# imported: ${owner}.${qualified.slice(dot + 1)} = ${fact.qualified}`);
  }
  return lines.length ? `${source}\n${lines.join('\n')}\n` : source;
}

/** Inside a module-level function (or its nested code) that the project declares as a command. */
function inDeclaredCommand(node: Node, commands: ReadonlySet<string>): boolean {
  let top: Node | null = null;
  for (let p: Node | null = node; p && p.type !== 'module'; p = p.parent) top = p;
  const def = top?.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
  return def?.type === 'function_definition' && commands.has(def.childForFieldName('name')?.text ?? '');
}

type Entry = { rule: Rule; listener: (n: Node) => void };

/**
 * One pass over the tree's flat pre-order list (shared with the rules' own subtree walks, ast.ts), in
 * document order. From the heap reader the list comes with each node's grammar symbol, so the pass looks
 * listeners up by symbol in an array and touches only the nodes someone listens to.
 */
function walk(root: Node, listenersByType: Map<string, Entry[]>, failed: Set<Rule>, fail: (rule: Rule, err: unknown) => void): void {
  if (listenersByType.size === 0) return;
  const flat = flatTree(root);
  const { symbols } = flat;
  const dispatch = (node: Node, entries: Entry[]) => {
    for (const { rule, listener } of entries) {
      if (failed.has(rule)) continue;
      try {
        listener(node);
      } catch (err) {
        fail(rule, err);
      }
    }
  };
  if (!symbols) {
    for (const node of allNodes(flat)) {
      const entries = listenersByType.get(node.type);
      if (entries) dispatch(node, entries);
    }
    return;
  }
  // Per symbol: its listeners, null for none, undefined until the symbol is first seen. ERROR nodes carry
  // a symbol past the language's table and are looked up by name.
  const symbolCount = root.tree.language.nodeTypeCount;
  const bySymbol = new Array<Entry[] | null | undefined>(symbolCount).fill(undefined);
  for (let j = 0; j < symbols.length; j++) {
    const symbol = symbols[j]!;
    let entries = symbol < symbolCount ? bySymbol[symbol] : listenersByType.get(nodeAt(flat, j).type) ?? null;
    if (entries === undefined) bySymbol[symbol] = entries = listenersByType.get(nodeAt(flat, j).type) ?? null;
    if (entries) dispatch(nodeAt(flat, j), entries);
  }
}

function toFinding(rule: Rule, r: Report, settings: AnalysisSettings): Finding {
  const range = r.range ?? (r.node ? rangeOf(r.node) : { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } });
  const finding: Finding = {
    rule: rule.meta.code,
    name: rule.meta.name,
    severity: effectiveSeverity(rule.meta, r.severity, settings),
    message: r.message,
    range,
  };
  if (r.related?.length) {
    finding.related = r.related.map((rel) => ({ message: rel.message, range: rel.range ?? (rel.node ? rangeOf(rel.node) : range) }));
  }
  if (r.fix) finding.fix = r.fix;
  if (r.tags?.length) finding.tags = r.tags;
  return finding;
}

/** Two reports of the same rule at the same place collapse into the more severe one. */
function dedupe(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  const rank = { hint: 0, info: 1, warning: 2, error: 3 } as const;
  for (const f of findings) {
    const key = `${f.rule}:${f.range.start.line}:${f.range.start.column}:${f.range.end.line}:${f.range.end.column}`;
    const prev = byKey.get(key);
    if (!prev || rank[f.severity] > rank[prev.severity]) byKey.set(key, f);
  }
  return [...byKey.values()];
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || a.rule.localeCompare(b.rule);
}
