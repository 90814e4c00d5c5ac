/** Runs every fixture under test/fixtures/<code>/ through the real engine and compares with its inline expectations. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSource } from '../support/engine';
import { listFixtures, parseFixture, FIXTURE_ROOT } from '../support/fixtures';

const key = (e: { line: number; rule: string; severity: string }) => `line ${e.line + 1}: ${e.rule}:${e.severity}`;

describe('rule fixtures', () => {
  const files = listFixtures();
  it('has fixtures', () => assert.ok(files.length > 0, 'no fixtures found'));
  for (const file of files) {
    it(path.relative(FIXTURE_ROOT, file), async () => {
      const fixture = parseFixture(file);
      const result = await analyzeSource(fixture.source, fixture.virtualPath);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.ruleErrors, [], 'a rule threw');
      const actual = result.findings.map((f) => key({ line: f.range.start.line, rule: f.rule, severity: f.severity })).sort();
      const expected = fixture.expectations.map(key).sort();
      const detail = result.findings.map((f) => `  ${key({ line: f.range.start.line, rule: f.rule, severity: f.severity })} ${f.message}`).join('\n');
      assert.deepEqual(actual, expected, `findings differ in ${fixture.virtualPath}:\n${detail}`);
    });
  }
});
