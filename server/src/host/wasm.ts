/**
 * Finds the grammar files for the hosts. Bundles (dist/) ship both `.wasm` files next to the script;
 * running from source (tests) resolves them from node_modules.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { WasmLocation } from '../engine/parser';

export function locateWasm(): WasmLocation {
  const besideScript = {
    runtime: path.join(__dirname, 'web-tree-sitter.wasm'),
    python: path.join(__dirname, 'tree-sitter-python.wasm'),
  };
  if (fs.existsSync(besideScript.runtime) && fs.existsSync(besideScript.python)) return besideScript;
  // createRequire keeps the bundler from trying to inline the .wasm files.
  const resolve = createRequire(__filename).resolve;
  return {
    runtime: resolve('web-tree-sitter/web-tree-sitter.wasm'),
    python: resolve('tree-sitter-python/tree-sitter-python.wasm'),
  };
}
