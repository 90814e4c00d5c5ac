/** Runs every fixture under test/fixtures/<code>/ through the real engine and compares with its inline expectations. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeProject } from '../../server/src/engine';
import { ALL_RULES } from '../../server/src/rules/registry';
import { analyzeSource, ensureParser } from '../support/engine';
import type { AnalysisResult } from '../../server/src/engine';
import { expectationKey, expectedKeys, findingKeys, listFixtures, listProjectFixtures, parseFixture, FIXTURE_ROOT, type Fixture } from '../support/fixtures';

/** The result has exactly the fixture's expected findings, and no rule threw. */
function assertMatches(fixture: Fixture, result: AnalysisResult): void {
  assert.equal(result.error, undefined);
  assert.deepEqual(result.ruleErrors, [], `a rule threw in ${fixture.virtualPath}`);
  const detail = result.findings.map((f) => `  ${expectationKey({ line: f.range.start.line, rule: f.rule, severity: f.severity })} ${f.message}`).join('\n');
  assert.deepEqual(findingKeys(result.findings), expectedKeys(fixture), `findings differ in ${fixture.virtualPath}:\n${detail}`);
}

describe('rule fixtures', () => {
  const files = listFixtures();
  it('has fixtures', () => assert.ok(files.length > 0, 'no fixtures found'));
  for (const file of files) {
    it(path.relative(FIXTURE_ROOT, file), async () => {
      const fixture = parseFixture(file);
      assertMatches(fixture, await analyzeSource(fixture.source, fixture.virtualPath));
    });
  }

  // Folders: small projects whose files are analysed together, so a fact of one module reaches another.
  for (const project of listProjectFixtures()) {
    it(`${path.relative(FIXTURE_ROOT, project.root)}/ (project)`, async () => {
      await ensureParser();
      const fixtures = project.files.map((f) => parseFixture(f, project.root));
      assert.ok(fixtures.length > 0, 'an empty project fixture');
      const results = analyzeProject(fixtures.map((f) => ({ source: f.source, path: f.virtualPath })), ALL_RULES);
      results.forEach((result, i) => assertMatches(fixtures[i]!, result));
    });
  }
});
