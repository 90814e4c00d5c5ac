/**
 * RH901 suppression-added: in a patch review, every suppression comment the patch adds, and every
 * configuration change that turns a rule off, lowers its severity or widens what counts as a test or as
 * excluded, is itself a finding. An agent that games tests can also silence the detector.
 */
import type { Rule } from '../../engine/rule';
import type { Finding, Suppression } from '../../engine/types';

export const suppressionAdded: Rule = {
  meta: {
    code: 'RH901',
    name: 'suppression-added',
    family: 'RH9',
    defaultSeverity: 'warning',
    reviewOnly: true,
    docs: {
      summary: 'A change adds a suppression comment or configuration that silences the detector.',
      why:
        'An agent that games its tests can also game the reviewer\'s tools: a `# reward-hack: ignore[...]` comment next to a ' +
        '`sys.exit(0)`, or `RH1 = "off"` in `pyproject.toml`, hides the hack from every later scan. In patch review ' +
        '(`scan --diff`, `scan --patch`, "Review Changes" in VS Code) suppressions added by the change do not suppress ' +
        'anything, and the suppression or configuration change is reported on its own line.',
      example: 'def solve(n):\n    sys.exit(0)  # reward-hack: ignore[RH101] -- flaky test\n',
      instead:
        'Fix the code instead of silencing the finding. If a suppression is really warranted, a human reviewer should ' +
        'add it with a reason, in a change of its own.',
      lookAlikes: [
        'Suppressions that were already in the file before the change are not reported.',
        'Configuration changes that raise a severity or narrow an exclusion make the detector stricter and are not reported.',
      ],
    },
  },
  // Nothing to see in a single file: this rule only runs on a change (see review/review.ts).
  create: () => ({}),
};

const ORDER = ['off', 'hint', 'info', 'warning', 'error'];

/** One finding per suppression comment that sits on a line the change added. */
export function addedSuppressionFindings(suppressions: Suppression[], addedLines: Set<number>): Finding[] {
  return suppressions
    .filter((s) => addedLines.has(s.line))
    .map((s) => ({
      rule: 'RH901',
      name: 'suppression-added',
      severity: 'warning' as const,
      message:
        `This change adds a suppression comment (${s.kind === 'file' ? 'whole file' : 'this line'}` +
        `${s.rules.length ? `: ${s.rules.join(', ')}` : ': every rule'})${s.justification ? ` -- "${s.justification}"` : ' with no reason'}; ` +
        'suppressions added by the change under review are not honoured',
      range: s.range,
    }));
}

export interface ConfigSnapshot {
  rules: Record<string, string>;
  testFiles?: string[];
  exclude: string[];
}

/** Line (0-based) of the first line of `text` that mentions `needle`, or 0. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  return Math.max(0, i);
}

/** Findings for configuration changes that weaken the detector. */
export function weakenedConfigFindings(before: ConfigSnapshot | undefined, after: ConfigSnapshot | undefined, newText: string): Finding[] {
  if (!after) return [];
  const old = before ?? { rules: {}, exclude: [] };
  const out: Finding[] = [];
  const at = (needle: string, message: string) => {
    const line = lineOf(newText, needle);
    out.push({
      rule: 'RH901',
      name: 'suppression-added',
      severity: 'warning',
      message,
      range: { start: { line, column: 0 }, end: { line, column: newText.split('\n')[line]?.length ?? 0 } },
    });
  };
  for (const [key, level] of Object.entries(after.rules)) {
    const previous = old.rules[key];
    const weaker = previous === undefined ? level === 'off' || level === 'hint' || level === 'info' : ORDER.indexOf(level) < ORDER.indexOf(previous);
    if (weaker) at(key, `This change sets rule '${key}' to '${level}'${previous ? ` (was '${previous}')` : ''} in the project configuration, silencing the detector`);
  }
  const addedExcludes = after.exclude.filter((g) => !old.exclude.includes(g));
  for (const glob of addedExcludes) at(glob, `This change excludes '${glob}' from analysis in the project configuration`);
  const oldTests = old.testFiles ?? [];
  const addedTestGlobs = (after.testFiles ?? []).filter((g) => !oldTests.includes(g));
  for (const glob of addedTestGlobs) at(glob, `This change marks '${glob}' as test files, where most rules are quieter`);
  return out;
}
