/**
 * Suppression comments: `# reward-hack: ignore[RH101] -- reason` on the flagged line or alone on the
 * line above; `# reward-hack: ignore-file[RH201] -- reason` anywhere. Codes or names are accepted.
 */
import { rangeOf, forEachDescendant, type Node } from './ast';
import type { Finding, Suppression } from './types';

const PATTERN = /#\s*reward-hack:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?(?:\s*--\s*(.*))?/;

export function parseSuppression(commentText: string): Omit<Suppression, 'line' | 'range'> | undefined {
  const m = PATTERN.exec(commentText);
  if (!m) return undefined;
  const rules = (m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { kind: m[1] === 'ignore-file' ? 'file' : 'line', rules, justification: (m[3] ?? '').trim() };
}

export function collectSuppressions(root: Node): Suppression[] {
  const out: Suppression[] = [];
  const visit = (n: Node) => {
    if (n.type !== 'comment') return;
    const parsed = parseSuppression(n.text);
    if (parsed) out.push({ ...parsed, line: n.startPosition.row, range: rangeOf(n) });
  };
  visit(root);
  forEachDescendant(root, (n) => {
    visit(n);
  });
  return out;
}

function namesRule(s: Suppression, finding: Finding): boolean {
  if (s.rules.length === 0) return true;
  return s.rules.some((r) => r.toUpperCase() === finding.rule || r.toLowerCase() === finding.name);
}

/**
 * The suppression that silences `finding`, if any. A line comment covers its own line, and the next
 * line when the comment stands alone on its line.
 */
export function findSuppression(finding: Finding, suppressions: Suppression[], lines: string[]): Suppression | undefined {
  const line = finding.range.start.line;
  for (const s of suppressions) {
    if (!namesRule(s, finding)) continue;
    if (s.kind === 'file') return s;
    if (s.line === line) return s;
    if (s.line === line - 1 && /^\s*#/.test(lines[s.line] ?? '')) return s;
  }
  return undefined;
}
