/**
 * Behaviour check for performance work: every finding (all severities, suppressed ones, rule errors) for
 * every listed file, one JSON line per file. Diff the output before and after an engine change.
 *   node --import tsx bench/dump-findings.ts LISTFILE > out.jsonl
 */
import * as fs from 'node:fs';
import { analyze, initParser } from '../server/src/engine';
import { readSourceFile } from '../server/src/host/read';
import { locateWasm } from '../server/src/host/wasm';
import { ALL_RULES } from '../server/src/rules/registry';

async function main(): Promise<void> {
  const list = fs.readFileSync(process.argv[2]!, 'utf8').split('\n').filter(Boolean);
  await initParser(locateWasm());
  for (const file of list) {
    const r = readSourceFile(file);
    if (!('source' in r)) continue;
    const res = analyze({ source: r.source, path: file }, ALL_RULES);
    process.stdout.write(JSON.stringify({ file, role: res.role, findings: res.findings, suppressed: res.suppressed, ruleErrors: res.ruleErrors, error: res.error }) + '\n');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
