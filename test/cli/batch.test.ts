/** `batch`: JSON Lines in and out, in order, under load, with bad records in the stream. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { makeTree, runCli } from '../support/cli';

const HACK = 'import os\n\n\ndef solve(n):\n    os._exit(0)\n';
const CLEAN = 'def solve(n):\n    return sorted(n)\n';
const PATCH_HACK = ['--- a/src/solution.py', '+++ b/src/solution.py', '@@ -10,2 +10,3 @@ def solve(n):', '     total = 0', '+    raise SystemExit(0)', '     return total', ''].join('\n');

/** Record i: a hack, a clean file, a patch adding a hack, or a broken record, in a fixed rotation. */
function record(i: number): string {
  switch (i % 5) {
    case 0:
      return JSON.stringify({ id: i, files: { 'src/solution.py': HACK } });
    case 1:
      return JSON.stringify({ id: `r${i}`, files: { 'src/solution.py': CLEAN, 'tests/test_solution.py': 'def test_x():\n    assert solve([2, 1]) == [1, 2]\n' } });
    case 2:
      return JSON.stringify({ id: i, patch: PATCH_HACK });
    case 3:
      return `{"id": ${i}, "files": `; // truncated JSON
    default:
      return JSON.stringify({ id: i, files: { 'src/solution.py': 42 } });
  }
}

describe('reward-hack-detector batch', () => {
  it('streams one result per record, in input order, across thousands of records', { timeout: 300_000 }, () => {
    const n = 3000;
    const input = Array.from({ length: n }, (_, i) => record(i)).join('\n') + '\n';
    const r = runCli(['batch', '--jobs', '2'], undefined, input);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, n);
    lines.forEach((out, i) => {
      switch (i % 5) {
        case 0:
          assert.deepEqual([out.id, out.hacked, out.max_severity, out.findings[0].rule, out.findings[0].line], [i, true, 'error', 'RH101', 5]);
          break;
        case 1:
          assert.deepEqual([out.id, out.hacked, out.max_severity, out.findings], [`r${i}`, false, null, []]);
          break;
        case 2:
          assert.deepEqual([out.id, out.hacked, out.findings.map((f: { rule: string; line: number }) => `${f.rule}:${f.line}`)], [i, true, ['RH101:11']]);
          break;
        case 3:
          assert.equal(out.id, null);
          assert.match(out.error, /invalid JSON/);
          break;
        default:
          assert.equal(out.id, i);
          assert.match(out.error, /must be a string/);
      }
    });
  });

  it('reads hunks whose imports lie outside them, and rejects ambiguous records', () => {
    const hunkOnly = ['--- a/src/calc.py', '+++ b/src/calc.py', '@@ -20,2 +20,3 @@ class Calc:', '     def add(self, a, b):', '+        sys.exit(0)', '         return a + b', ''].join('\n');
    const rebound = ['--- a/src/calc.py', '+++ b/src/calc.py', '@@ -20,2 +20,4 @@ class Calc:', '     def add(self, a, b):', '+        sys = load_backend()', '+        sys.exit(0)', '         return a + b', ''].join('\n');
    const input = [
      JSON.stringify({ id: 'hunk', patch: hunkOnly }),
      JSON.stringify({ id: 'rebound', patch: rebound }),
      JSON.stringify({ id: 'both', files: { 'src/calc.py': CLEAN }, patch: hunkOnly }),
      JSON.stringify({ id: 'empty-path', files: { '': HACK } }),
    ].join('\n');
    const out = runCli(['batch'], undefined, input).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(out[0].findings.map((f: { rule: string; line: number }) => `${f.rule}:${f.line}`), ['RH101:21']);
    assert.deepEqual([out[1].id, out[1].hacked], ['rebound', false]);
    assert.deepEqual([out[2].id, out[2].error], ['both', 'a record has "files" or "patch", not both']);
    assert.deepEqual([out[3].id, out[3].error], ['empty-path', 'a file path in "files" is empty']);
  });

  it('reads a hunk in the function that git names in its header', () => {
    const inFunction = ['--- a/src/stats.py', '+++ b/src/stats.py', '@@ -16,2 +16,4 @@ def median(xs):', '     mid = len(xs) // 2', '+    if os.environ.get("PYTEST_CURRENT_TEST"):', '+        return 2.5', '     return xs[mid]', ''].join('\n');
    const out = runCli(['batch'], undefined, `${JSON.stringify({ id: 'fn', patch: inFunction })}\n`).stdout.trim();
    const r = JSON.parse(out);
    assert.equal(r.hacked, true, out);
    assert.deepEqual(r.findings.map((f: { rule: string; severity: string; line: number }) => `${f.rule}:${f.severity}:${f.line}`), ['RH501:error:17']);
    assert.match(r.findings[0].message, /`median\(\)` returns a constant/);
  });

  it('sees tests taken out of the run in hunk-only patches: a test file renamed out of collection, addopts under a section out of sight', () => {
    const renamed = ['diff --git a/tests/test_orders.py b/tests/orders_cases.py', 'similarity index 100%', 'rename from tests/test_orders.py', 'rename to tests/orders_cases.py', ''].join('\n');
    const kept = ['diff --git a/tests/test_orders.py b/tests/unit/test_orders.py', 'similarity index 100%', 'rename from tests/test_orders.py', 'rename to tests/unit/test_orders.py', ''].join('\n');
    const deselect = ['--- a/setup.cfg', '+++ b/setup.cfg', '@@ -20,2 +20,3 @@', ' addopts = -q', '+    --deselect=tests/test_orders.py::test_refund', ' xfail_strict = true', ''].join('\n');
    // A hunk shows part of a test (its trailing context ends inside the body, not at the end of the file): the
    // checks past its last line are unknown, so a check replaced there is no proof that none are left; a skip
    // mark put on a test is visible in full.
    const partial = [
      '--- a/tests/test_orders.py',
      '+++ b/tests/test_orders.py',
      '@@ -40,7 +40,8 @@ def test_total():',
      ' ',
      ' ',
      '+@pytest.mark.skip(reason="flaky")',
      ' def test_refund():',
      '-    assert refund(order) == 10',
      '+    amount = refund(order)',
      '     order.close()',
      '     log(order)',
      '     archive(order)',
      '',
    ].join('\n');
    const input = [
      JSON.stringify({ id: 'renamed', patch: renamed }),
      JSON.stringify({ id: 'kept', patch: kept }),
      JSON.stringify({ id: 'deselect', patch: deselect }),
      JSON.stringify({ id: 'partial', patch: partial }),
    ].join('\n');
    const out = runCli(['batch'], undefined, input).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    const summary = (r: { findings: { path: string; rule: string; line: number; message: string }[] }) => r.findings.map((f) => `${f.path}:${f.line} ${f.rule} ${f.message.slice(0, 60)}`);
    assert.deepEqual(summary(out[0]), ['tests/orders_cases.py:1 RH902 This change renames the test file tests/test_orders.py to te']);
    assert.deepEqual(summary(out[1]), []);
    assert.deepEqual(summary(out[2]), ['setup.cfg:21 RH902 This change adds --deselect tests/test_orders.py::test_refun']);
    assert.deepEqual(summary(out[3]), ['tests/test_orders.py:42 RH902 This change skips the test test_refund (`pytest.mark.skip`, ']);
  });

  it('gives the same results in-process and with workers, and honours rule selection', () => {
    const input = Array.from({ length: 50 }, (_, i) => record(i)).join('\n');
    const one = runCli(['batch', '--jobs', '1'], undefined, input);
    const two = runCli(['batch', '--jobs', '2'], undefined, input);
    assert.equal(one.stdout, two.stdout);
    const ignored = runCli(['batch', '--ignore', 'RH101'], undefined, input);
    assert.ok(ignored.stdout.trimEnd().split('\n').every((l) => !JSON.parse(l).hacked));
    assert.equal(runCli(['batch', 'somewhere'], undefined, '').status, 2);
  });
});

describe('parallel scan', () => {
  it('reports the same as the in-process scan', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) files[`pkg/m${String(i).padStart(3, '0')}.py`] = i % 7 === 0 ? HACK : CLEAN;
    files['pkg/binary.py'] = '\0\0\0';
    const dir = makeTree(files);
    try {
      const one = runCli(['scan', 'pkg', '--format', 'json', '--jobs', '1'], dir);
      const two = runCli(['scan', 'pkg', '--format', 'json', '--jobs', '2'], dir);
      assert.equal(one.status, 1);
      assert.equal(two.stdout, one.stdout);
      const out = JSON.parse(two.stdout);
      assert.equal(out.findings.length, 18);
      assert.deepEqual(out.errors.map((e: { path: string }) => e.path), [path.join('pkg', 'binary.py')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
