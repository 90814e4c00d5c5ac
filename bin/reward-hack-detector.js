#!/usr/bin/env node
// The npm bin: runs the bundled CLI (build first with `npm run build`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('reward-hack-detector: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}
require(cli).main();
