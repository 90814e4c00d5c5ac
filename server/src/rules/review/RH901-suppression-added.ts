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

const CONFIG_HEADER = '[tool.reward-hack-detector]';

/** Line (0-based) of the first line of `text` that mentions `needle`, or 0. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  return Math.max(0, i);
}

/**
 * Findings for configuration changes that weaken the detector. A key's level before and after is its value
 * in the file or, when absent, the default (`defaultOf`): setting a rule below its default, raising it less
 * than before, or removing a key that had raised it all count.
 */
export function weakenedConfigFindings(
  before: ConfigSnapshot | undefined,
  after: ConfigSnapshot | undefined,
  newText: string,
  defaultOf: (key: string) => string | undefined = () => undefined,
): Finding[] {
  const old = before ?? { rules: {}, exclude: [] };
  const now = after ?? { rules: {}, exclude: [] };
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
  for (const key of new Set([...Object.keys(old.rules), ...Object.keys(now.rules)])) {
    const fallback = defaultOf(key) ?? 'warning';
    const previous = old.rules[key] ?? fallback;
    const level = now.rules[key] ?? fallback;
    if (ORDER.indexOf(level) >= ORDER.indexOf(previous)) continue;
    if (now.rules[key] === undefined) at(CONFIG_HEADER, `This change removes rule '${key}' = '${previous}' from the project configuration, lowering it to its default '${level}'`);
    else at(key, `This change sets rule '${key}' to '${level}'${old.rules[key] !== undefined ? ` (was '${previous}')` : ` (default '${previous}')`} in the project configuration, silencing the detector`);
  }
  const added = (a: string[], b: string[]) => a.filter((g) => !b.includes(g));
  for (const glob of added(now.exclude, old.exclude)) at(glob, `This change excludes '${glob}' from analysis in the project configuration`);
  for (const glob of added(now.testFiles ?? [], old.testFiles ?? [])) at(glob, `This change marks '${glob}' as test files, where most rules are quieter`);
  return out;
}
