/** The rule pages are generated from metadata; this fails when someone edits a rule and forgets `npm run docs`. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DOCS_DIR, expectedDocs } from '../../scripts/generate-docs';
import { ALL_META } from '../../server/src/rules/registry';

describe('rule documentation', () => {
  it('docs/rules matches the rules metadata (run `npm run docs`)', () => {
    for (const [name, text] of expectedDocs()) {
      const file = path.join(DOCS_DIR, name);
      assert.ok(fs.existsSync(file), `${name} is missing: run npm run docs`);
      assert.equal(fs.readFileSync(file, 'utf8'), text, `${name} is out of date: run npm run docs`);
    }
  });

  it('every rule has complete metadata', () => {
    const codes = new Set<string>();
    const names = new Set<string>();
    for (const m of ALL_META) {
      assert.match(m.code, /^RH\d{3}$/);
      assert.match(m.name, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(!codes.has(m.code) && !names.has(m.name), `duplicate ${m.code}/${m.name}`);
      codes.add(m.code);
      names.add(m.name);
      assert.ok(m.code.startsWith(m.family), `${m.code} family ${m.family}`);
      for (const field of ['summary', 'why', 'example', 'instead'] as const) assert.ok(m.docs[field].trim().length > 20, `${m.code} docs.${field} is too short`);
      assert.ok(m.docs.lookAlikes.length > 0, `${m.code} lists no look-alikes`);
    }
  });
});
