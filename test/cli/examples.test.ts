/** The README's demo: scanning the shipped examples reports every rule that analyze() runs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/rules/registry';
import { runCli } from '../support/cli';

describe('examples/', () => {
  it('scan examples --format json reports every rule', () => {
    const r = runCli(['scan', 'examples', '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.errors, []);
    const found = new Set(out.findings.map((f: { rule: string }) => f.rule));
    const missing = ALL_RULES.filter((rule) => !rule.meta.reviewOnly && !found.has(rule.meta.code)).map((rule) => rule.meta.code);
    assert.deepEqual(missing, [], 'rules without an example that triggers them');
  });
});
