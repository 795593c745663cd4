#!/usr/bin/env node
// Entry point for `npx threatpredict`; the code is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
require('../dist/cli/main.js').run(process.argv.slice(2));
