// Fails when the committed generated code (src/gen) is not what `buf generate` makes from proto/
// today: someone edited a .proto without regenerating, or edited generated code by hand. The same for
// src/http/data/openapi.json (scripts/generate-openapi.ts).
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, readdirSync, statSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');
const { tmpdir } = require('node:os');

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const out = mkdtempSync(join(tmpdir(), 'tp-gen-'));
try {
  const template = readFileSync('buf.gen.yaml', 'utf8').replace('out: src/gen', `out: ${out}`);
  execFileSync('node_modules/.bin/buf', ['generate', '--template', template], { stdio: 'inherit' });
  // The descriptor set that server reflection serves (it carries the well-known types too).
  execFileSync('node_modules/.bin/buf', ['build', '-o', join(out, 'threatpredict.binpb')], { stdio: 'inherit' });
  const want = files(out)
    .map((f) => relative(out, f))
    .sort();
  const have = files('src/gen')
    .map((f) => relative('src/gen', f))
    .sort();
  const problems = [];
  for (const f of new Set([...want, ...have])) {
    if (!want.includes(f)) problems.push(`src/gen/${f} is not generated from proto/ (remove it)`);
    else if (!have.includes(f)) problems.push(`src/gen/${f} is missing (run npm run generate)`);
    else if (!readFileSync(join(out, f)).equals(readFileSync(join('src/gen', f)))) {
      problems.push(`src/gen/${f} differs from what proto/ generates (run npm run generate; never edit it by hand)`);
    }
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`generated code is up to date (${want.length} files)`);
  // The OpenAPI document the HTTP listener serves (gnostic, from the google.api.http rules). Its
  // generator needs Go; the Docker build, which has none, says THREATPREDICT_CHECK_OPENAPI=0 (CI checks it).
  if (process.env.THREATPREDICT_CHECK_OPENAPI === '0')
    console.log('openapi.json not checked (THREATPREDICT_CHECK_OPENAPI=0)');
  else execFileSync('node_modules/.bin/tsx', ['scripts/generate-openapi.ts', '--check'], { stdio: 'inherit' });
} finally {
  rmSync(out, { recursive: true, force: true });
}
