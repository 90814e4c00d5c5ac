/** Writes docs/rules/*.md from the rules' metadata. `npm run docs`; a test fails when they are stale. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_META } from '../server/src/rules/registry';
import { renderIndex, renderRuleDoc } from '../server/src/rules/docs';

export const DOCS_DIR = path.join(__dirname, '..', 'docs', 'rules');

/** File name → expected content. */
export function expectedDocs(): Map<string, string> {
  const out = new Map<string, string>();
  for (const meta of ALL_META) out.set(`${meta.code}.md`, renderRuleDoc(meta));
  out.set('README.md', renderIndex(ALL_META));
  return out;
}

if (require.main === module) {
  fs.mkdirSync(DOCS_DIR, { recursive: true });
  const expected = expectedDocs();
  for (const f of fs.readdirSync(DOCS_DIR)) if (f.endsWith('.md') && !expected.has(f)) fs.rmSync(path.join(DOCS_DIR, f));
  for (const [name, text] of expected) fs.writeFileSync(path.join(DOCS_DIR, name), text);
  console.log(`wrote ${expected.size} files to docs/rules/`);
}
