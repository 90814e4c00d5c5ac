/**
 * RH102 in tox's configuration: a test environment whose pytest command tox is told to pass whatever it returns.
 * A leading `-` (`- pytest {posargs}`) makes tox ignore the command's exit status, and a shell that ends in
 * `|| true` turns every failure into success: the environment, and the CI job running it, is green while tests
 * fail. `ignore_outcome = true` is tox's documented switch for environments allowed to fail (it still reports
 * them as failed-but-ignored): `info`.
 */
import { toxCommands } from '../../review/pytest-config';
import type { Finding, Severity } from '../../engine/types';

/** The configuration files tox reads its environments from. */
export const TOX_CONFIG_FILES = ['tox.ini', 'setup.cfg', 'tox.toml', 'pyproject.toml'];

export function ignoredToxRuns(text: string, fileName: string): Finding[] {
  if (!/pytest|py\.test/.test(text)) return [];
  const lines = text.split(/\r?\n/);
  const out: Finding[] = [];
  const reported = new Set<number>();
  for (const command of toxCommands(text, fileName)) {
    const how = command.ignoresFailure;
    if (!how) continue;
    const outcomeSwitch = /ignore_outcome/.test(how);
    // The line that says it: the `- pytest` (or `|| true`) command, or the `ignore_outcome` key.
    const line = lines.findIndex((l, i) => !reported.has(i) && (outcomeSwitch ? /^\s*ignore_outcome\s*[=:]/.test(l) : /\b(py\.test|pytest)\b/.test(l) && (/^-\s/.test(how) ? /^\s*(commands\s*[=:]\s*)?-\s*\S/.test(l) : l.includes(how.split(' ')[0]!))));
    if (line < 0) continue;
    reported.add(line);
    const env = command.env ? `tox's \`[${command.env}]\`` : 'a tox environment';
    const severity: Severity = outcomeSwitch ? 'info' : /^-\s/.test(how) ? 'warning' : 'error';
    const message = outcomeSwitch
      ? `${env} sets \`ignore_outcome = true\`: tox reports its pytest failures as ignored and the run passes. Fine for an environment allowed to fail (a development dependency); not for the one CI relies on.`
      : `${env} runs pytest as \`${how.startsWith('-') ? '- pytest' : `pytest ${how}`}\`, which ${how.startsWith('-') ? 'tells tox to ignore its exit status' : 'turns its failing exit status into success'}: the environment passes whatever the tests do. Let pytest's status fail the run; mark known failures \`xfail(strict=True)\` instead.`;
    out.push({ rule: 'RH102', name: 'exit-status-override', severity, message, range: { start: { line, column: 0 }, end: { line, column: lines[line]!.length } } });
  }
  return out;
}
