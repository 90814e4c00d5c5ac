// Bundles the three entry points with esbuild and copies the grammar files next to them.
// dist/cli.js (the scanner), dist/server.js (the language server), dist/client.js (the VS Code extension),
// dist/worker.js (the scanner's workers) and dist/bench-phases.js (npm run bench).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
fs.mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // web-tree-sitter's ESM build reads import.meta.url, which is empty in CommonJS output: use its .cjs build.
  plugins: [
    {
      name: 'web-tree-sitter-cjs',
      setup(build) {
        build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
      },
    },
  ],
  mainFields: ['module', 'main'],
  define: { RHD_VERSION: JSON.stringify(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
};

const entries = [
  { in: 'server/src/cli/main.ts', out: 'cli.js', banner: '#!/usr/bin/env node' },
  { in: 'server/src/cli/worker.ts', out: 'worker.js' },
  { in: 'server/src/lsp/main.ts', out: 'server.js' },
  { in: 'client/src/extension.ts', out: 'client.js', external: ['vscode'] },
  // The benchmark's phases run the engine as the CLI ships it, bundled (not packaged: see .vscodeignore).
  { in: 'bench/phases.ts', out: 'bench-phases.js' },
];

for (const e of entries) {
  if (!fs.existsSync(path.join(root, e.in))) continue;
  const options = {
    ...common,
    entryPoints: [path.join(root, e.in)],
    outfile: path.join(dist, e.out),
    external: e.external ?? [],
    banner: e.banner ? { js: e.banner } : undefined,
  };
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}

for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  fs.copyFileSync(require.resolve(wasm), path.join(dist, path.basename(wasm)));
}
