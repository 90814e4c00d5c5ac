/**
 * Checks the JS-side tree index (server/src/engine/fast.ts) against web-tree-sitter itself: for every
 * named node of every listed file, each patched accessor must give what tree-sitter gives.
 *   node --import tsx bench/verify-fast-ast.ts LISTFILE [--fields]
 */
import * as fs from 'node:fs';
import type { Node } from 'web-tree-sitter';
import { initParser, parsePython } from '../server/src/engine';
import { activate, allNodes, deactivate } from '../server/src/engine/fast';
import { readSourceFile } from '../server/src/host/read';
import { locateWasm } from '../server/src/host/wasm';
import { nodeSignature, SIGNATURE_FIELDS } from '../test/support/node-signature';

async function main(): Promise<void> {
  const list = fs.readFileSync(process.argv[2]!, 'utf8').split('\n').filter(Boolean);
  const allFields = process.argv.includes('--fields');
  const language = await initParser(locateWasm());
  const fields = allFields ? language.fields.filter((f): f is string => !!f) : SIGNATURE_FIELDS;
  let files = 0;
  let nodes = 0;
  let structured = 0;
  let bad = 0;
  for (const file of list) {
    const r = readSourceFile(file);
    if (!('source' in r) || r.source.includes('\0')) continue;
    const tree = parsePython(r.source);
    const { flat } = activate(tree, r.source);
    if (flat.structured) structured++;
    const fast = allNodes(flat).map((n) => nodeSignature(n, fields));
    deactivate(tree);
    const slowNodes = tree.rootNode.descendantsOfType(language.types.filter((t, id) => t && language.nodeTypeIsNamed(id)));
    if (slowNodes.length !== fast.length) {
      console.log(`${file}: ${slowNodes.length} nodes vs ${fast.length}`);
      bad++;
    }
    slowNodes.forEach((n, i) => {
      const slow = nodeSignature(n!, fields);
      for (const k of Object.keys(slow)) {
        if (slow[k] !== fast[i]![k]) {
          if (bad++ < 30) console.log(`${file}: node ${i} (${slow.type} at ${n!.startPosition.row + 1}) ${k}: fast ${JSON.stringify(fast[i]![k])} slow ${JSON.stringify(slow[k])}`);
        }
      }
    });
    tree.delete();
    files++;
    nodes += fast.length;
  }
  console.log(`verify-fast-ast: ${files} files (${structured} structured), ${nodes} nodes, ${bad} mismatches`);
  process.exit(bad ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
