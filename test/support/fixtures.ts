/**
 * Fixture files with inline expectations.
 *
 *   # fixture: path=tests/conftest.py        (optional first-lines header: the path used for file roles)
 *   sys.exit(0)  # expect: RH101:error       (a finding of RH101 with severity error starts on this line)
 *   x = 1        # expect: RH201:info RH202:error
 *
 * Every finding of every rule must be expected and every expectation met, so a fixture written for one
 * rule also guards the others against false positives.
 *
 * A folder under a rule's fixtures (`test/fixtures/RH404/imported-constant/`) is a project: its `.py` files,
 * at their paths inside the folder (which decide their roles), are analysed together like a scan of the
 * folder does (engine/project.ts), each with its own inline expectations.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURE_ROOT = path.join(__dirname, '..', 'fixtures');

export interface Expectation {
  line: number;
  rule: string;
  severity: string;
}

export interface Fixture {
  file: string;
  /** The path the engine sees (decides the file role). */
  virtualPath: string;
  source: string;
  expectations: Expectation[];
}

const EXPECT = /#\s*expect:\s*((?:RH\d{3}:(?:error|warning|info|hint)\s*)+)/;

/** A finding or an expectation as the fixture checks compare them: `line 12: RH101:error` (1-based). */
export function expectationKey(e: { line: number; rule: string; severity: string }): string {
  return `line ${e.line + 1}: ${e.rule}:${e.severity}`;
}

/** A result's findings as sorted expectation keys. */
export function findingKeys(findings: readonly { range: { start: { line: number } }; rule: string; severity: string }[]): string[] {
  return findings.map((f) => expectationKey({ line: f.range.start.line, rule: f.rule, severity: f.severity })).sort();
}

/** A fixture's expectations as sorted keys. */
export function expectedKeys(fixture: Fixture): string[] {
  return fixture.expectations.map(expectationKey).sort();
}

export function parseFixture(file: string, projectRoot?: string): Fixture {
  const source = fs.readFileSync(file, 'utf8');
  const lines = source.split('\n');
  let virtualPath = `src/${path.basename(file)}`;
  const header = /^#\s*fixture:\s*path=(\S+)/.exec(lines[0] ?? '') ?? /^#\s*fixture:\s*path=(\S+)/.exec(lines[1] ?? '');
  if (header) virtualPath = header[1]!;
  if (projectRoot) virtualPath = path.relative(projectRoot, file).split(path.sep).join('/');
  const expectations: Expectation[] = [];
  lines.forEach((text, line) => {
    const m = EXPECT.exec(text);
    if (!m) return;
    for (const item of m[1]!.trim().split(/\s+/)) {
      const [rule, severity] = item.split(':') as [string, string];
      expectations.push({ line, rule, severity });
    }
  });
  return { file, virtualPath, source, expectations };
}

export function listFixtures(): string[] {
  if (!fs.existsSync(FIXTURE_ROOT)) return [];
  const out: string[] = [];
  for (const dir of fs.readdirSync(FIXTURE_ROOT).sort()) {
    const full = path.join(FIXTURE_ROOT, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full).sort()) if (f.endsWith('.py')) out.push(path.join(full, f));
  }
  return out;
}

/** Project fixtures: folders of `.py` files under a rule's fixtures, each analysed as one project. */
export function listProjectFixtures(): { root: string; files: string[] }[] {
  if (!fs.existsSync(FIXTURE_ROOT)) return [];
  const out: { root: string; files: string[] }[] = [];
  for (const dir of fs.readdirSync(FIXTURE_ROOT).sort()) {
    const full = path.join(FIXTURE_ROOT, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const root = path.join(full, entry.name);
      const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.py')).sort().map((f) => path.join(root, f));
      out.push({ root, files });
    }
  }
  return out;
}
