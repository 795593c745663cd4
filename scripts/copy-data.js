// tsc compiles only TypeScript: copy the data files the code reads at run time (word lists, range
// tables) from src/**/data/ to the same place under dist/.
const { cpSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    if (name === 'data') cpSync(p, join('dist', p.slice('src/'.length)), { recursive: true });
    else walk(p);
  }
}
walk('src');
