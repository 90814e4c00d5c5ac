/**
 * Where the analysis time goes, rule by rule: every file is parsed once (not timed), then analysed with
 * all rules, each rule's `create`, listeners and `module:exit` timed separately, in the same process.
 * The shared name resolver is built before the rules run and reported on its own line.
 *   node --import tsx bench/rule-cost.ts LISTFILE
 * Prints the parse time (the floor), the engine's own cost (analysis with no rules) and each rule's
 * cost, all as ratios to the parse.
 */
import * as fs from 'node:fs';
import { initParser, parsePython } from '../server/src/engine';
import { analyzeTree } from '../server/src/engine/analyze';
import type { Listeners, Rule } from '../server/src/engine/rule';
import { readSourceFile } from '../server/src/host/read';
import { locateWasm } from '../server/src/host/wasm';
import { ALL_RULES } from '../server/src/rules/registry';

const cost = new Map<string, number>();
const add = (key: string, ms: number) => cost.set(key, (cost.get(key) ?? 0) + ms);

function timed(rule: Rule): Rule {
  const code = rule.meta.code;
  return {
    meta: rule.meta,
    create(context) {
      let t = performance.now();
      void context.names; // built once per file, shared: charged to "names", not to the first rule asking
      add('names', performance.now() - t);
      t = performance.now();
      const listeners = rule.create(context);
      add(code, performance.now() - t);
      const wrapped: Listeners = {};
      for (const [type, listener] of Object.entries(listeners)) {
        if (!listener) continue;
        wrapped[type] = (node) => {
          const s = performance.now();
          try {
            (listener as (n: unknown) => void)(node);
          } finally {
            add(code, performance.now() - s);
          }
        };
      }
      return wrapped;
    },
  };
}

async function main(): Promise<void> {
  const list = fs.readFileSync(process.argv[2]!, 'utf8').split('\n').filter(Boolean);
  await initParser(locateWasm());
  const inputs: { path: string; source: string }[] = [];
  for (const file of list) {
    const r = readSourceFile(file);
    if ('source' in r && !r.source.includes('\0')) inputs.push({ path: file, source: r.source });
  }
  const rules = ALL_RULES.filter((r) => !r.meta.reviewOnly).map(timed);
  let parse = 0;
  let engine = 0;
  let total = 0;
  for (const input of inputs) {
    let t = performance.now();
    const tree = parsePython(input.source);
    parse += performance.now() - t;
    try {
      t = performance.now();
      analyzeTree(tree, input, []);
      engine += performance.now() - t;
      t = performance.now();
      analyzeTree(tree, input, rules);
      total += performance.now() - t;
    } finally {
      tree.delete();
    }
  }
  const ratio = (ms: number) => (ms / parse).toFixed(3);
  console.log(`${inputs.length} files: parse ${parse.toFixed(0)} ms (1.000)`);
  console.log(`engine without rules  ${engine.toFixed(0).padStart(7)} ms  ${ratio(engine)}`);
  console.log(`analysis, all rules   ${total.toFixed(0).padStart(7)} ms  ${ratio(total)}`);
  for (const [key, ms] of [...cost].sort((a, b) => b[1] - a[1])) console.log(`  ${key.padEnd(20)}${ms.toFixed(0).padStart(7)} ms  ${ratio(ms)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
