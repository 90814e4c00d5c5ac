/**
 * Robustness: real Python mutated in every way we could think of, plus random bytes, through the bundled
 * CLI (worker threads, per-file time budget). Every file must end with findings or a clear per-file error:
 * no crash, no hang. `npm test` runs a bounded slice; `npm run fuzz` (FUZZ_FULL=1) runs the full suite.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURE_ROOT, listFixtures } from '../support/fixtures';
import { runCli } from '../support/cli';

const FULL = process.env.FUZZ_FULL === '1';

/** A small deterministic PRNG, so a failure can be reproduced from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedSources(limit: number): Buffer[] {
  const out: Buffer[] = listFixtures().map((f) => fs.readFileSync(f));
  const corpusList = '/usr/lib/python3.11';
  if (fs.existsSync(corpusList)) {
    for (const f of fs.readdirSync(corpusList).filter((n) => n.endsWith('.py')).sort().slice(0, limit)) out.push(fs.readFileSync(path.join(corpusList, f)));
  }
  return out;
}

type Mutation = (src: Buffer, rand: () => number) => Buffer;

const MUTATIONS: Record<string, Mutation> = {
  truncated: (src, rand) => src.subarray(0, Math.floor(rand() * src.length)),
  shuffledLines: (src, rand) => {
    const lines = src.toString('utf8').split('\n');
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    return Buffer.from(lines.join('\n'));
  },
  flippedBytes: (src, rand) => {
    const b = Buffer.from(src);
    for (let i = 0; i < 1 + b.length / 200; i++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
    return b;
  },
  invalidUtf8: (src) => Buffer.concat([src, Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0a])]),
  nulBytes: (src) => Buffer.concat([src.subarray(0, src.length >> 1), Buffer.from([0]), src.subarray(src.length >> 1)]),
  bom: (src) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), src]),
  crlf: (src) => Buffer.from(src.toString('utf8').replace(/\n/g, '\r\n')),
  tabs: (src) => Buffer.from(src.toString('utf8').replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4))),
  python2: (src) => Buffer.from(`print "hello"\nexec "x = 1"\nraise ValueError, "old"\nprint >>sys.stderr, 'x'\n${src.toString('utf8')}\n0777L\nur"x"\n`),
};

const GENERATED: Record<string, (rand: () => number) => Buffer> = {
  deepBrackets: () => Buffer.from(`x = ${'['.repeat(5000)}1${']'.repeat(5000)}\nimport sys\nsys.exit(0)\n`),
  deepBlocks: () => {
    let s = 'import sys\ndef f():\n';
    for (let i = 1; i < 1500; i++) s += `${' '.repeat(i)}if x:\n`;
    return Buffer.from(`${s}${' '.repeat(1500)}sys.exit(0)\n`);
  },
  deepCalls: () => Buffer.from(`y = ${'f('.repeat(3000)}${')'.repeat(3000)}\n`),
  longAttributeChain: () => Buffer.from(`import sys\nz = sys${'.a'.repeat(20000)}\n`),
  unclosedString: () => Buffer.from(`x = """${'a'.repeat(100000)}\nimport sys\nsys.exit(0)\n`),
  hugeLine: () => Buffer.from(`x = ${'1 + '.repeat(200000)}1\n`),
  randomBytes: (rand) => Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256))),
  randomPrintable: (rand) => Buffer.from(Array.from({ length: 8192 }, () => ' \n\t()[]{}:=.,#"\'\\abcdefxyz_0123456789deflambdaclassif'.charAt(Math.floor(rand() * 52))).join('')),
  twentyMegabytes: () => Buffer.from('x = 1\n'.repeat(20 * 1024 * 1024 / 6)),
  empty: () => Buffer.alloc(0),
};

describe('fuzz', () => {
  it(`every mutated input ends with findings or a clear error (${FULL ? 'full' : 'CI slice'})`, { timeout: FULL ? 3_600_000 : 240_000 }, () => {
    const rand = prng(20261127);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhd-fuzz-'));
    try {
      const seeds = seedSources(FULL ? 400 : 25);
      const rounds = FULL ? 3 : 1;
      let n = 0;
      for (let round = 0; round < rounds; round++) {
        for (const [name, mutate] of Object.entries(MUTATIONS)) {
          for (const src of seeds.filter((_, i) => FULL || i % 7 === round)) fs.writeFileSync(path.join(dir, `${name}_${n++}.py`), mutate(src, rand));
        }
      }
      for (const [name, make] of Object.entries(GENERATED)) fs.writeFileSync(path.join(dir, `${name}_${n++}.py`), make(rand));
      const files = fs.readdirSync(dir);
      const r = runCli(['scan', '.', '--format', 'json', '--jobs', '2', '--timeout', '20', '--fail-on', 'never'], dir);
      assert.equal(r.status, 0, `the scan itself failed: ${r.stderr.slice(0, 2000)}`);
      const out = JSON.parse(r.stdout);
      assert.equal(out.files, files.length);
      const internal = out.errors.filter((e: { message: string }) => /internal error/.test(e.message));
      assert.deepEqual(internal, [], 'a rule threw');
      for (const e of out.errors) assert.match(e.message, /NUL|UTF-8|too large|took longer|encoding/, `${e.path}: ${e.message}`);
      const byName = new Set(out.errors.map((e: { path: string }) => e.path));
      assert.ok(byName.has(files.find((f) => f.startsWith('twentyMegabytes'))), '20 MB file is reported as too large');
      assert.ok(byName.has(files.find((f) => f.startsWith('randomBytes'))), 'random bytes are reported');
      assert.ok(out.findings.some((f: { path: string; rule: string }) => f.path.startsWith('deepBlocks') && f.rule === 'RH101'), 'deep blocks still analysed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
void FIXTURE_ROOT;
