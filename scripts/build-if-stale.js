// `npm start` runs this first: it builds dist/ only when a source file is newer than the last build,
// so a start after `npm ci` (whose prepare step built already) serves at once instead of compiling
// for a minute first. `npm run build` writes the stamp when it succeeds.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const STAMP = join('dist', '.build-stamp');
const INPUTS = ['src', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs);
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
if (INPUTS.some((p) => existsSync(p) && newest(p) > built)) {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
