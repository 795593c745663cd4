/**
 * The OpenAPI document: valid OpenAPI 3 (@readme/openapi-parser), one operation per google.api.http
 * rule and no other, and a client generated from it (openapi-typescript types + openapi-fetch)
 * type-checks and calls the running service. That it matches the proto is `npm run check:generated`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compileErrors, validate } from '@readme/openapi-parser';
import { loadContract } from '../../src/http/contract';
import { type HttpTestServer, startHttpTestServer } from './helpers';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const DOC_PATH = join(ROOT, 'src', 'http', 'data', 'openapi.json');
const doc = JSON.parse(readFileSync(DOC_PATH, 'utf8'));

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3', async () => {
    const result = await validate(structuredClone(doc));
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
  });

  it('has exactly one operation per google.api.http rule', () => {
    const { bindings } = loadContract();
    const fromRules = bindings.map((b) => `${b.httpMethod} ${b.path}`).sort();
    const fromDoc = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(fromDoc, fromRules);
  });
});

describe('a client generated from the document', () => {
  let s: HttpTestServer;
  let dir: string;
  before(async () => {
    s = await startHttpTestServer();
    // Under node_modules so that the client resolves openapi-fetch as a user's project would.
    mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'tp-openapi-client-'));
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks and scores a domain, a raw email and reads a model', async () => {
    await run(process.execPath, [
      join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
      DOC_PATH,
      '-o',
      join(dir, 'api.d.ts'),
    ]);
    writeFileSync(
      join(dir, 'client.mts'),
      `import createClient from 'openapi-fetch';
import type { paths } from './api.d.ts';

const client = createClient<paths>({ baseUrl: process.argv[2] });
const domains = await client.POST('/v1/domains:predict', {
  body: { items: [{ id: 'a', value: 'paypal-login-secure.xyz' }], view: 'RESULT_VIEW_FULL' },
});
if (domains.error !== undefined) throw new Error(JSON.stringify(domains.error));
const model = await client.GET('/v1/models/{name}', { params: { path: { name: 'domain' } } });
const email = await client.POST('/v1/emails:predict', {
  body: { items: [{ id: 'm', value: ${JSON.stringify(readFileSync(join(ROOT, 'test/fixtures/email/html-phish.eml')).toString('base64'))} }] },
});
const missing = await client.GET('/v1/models/{name}', { params: { path: { name: 'nope' } } });
const first = domains.data?.results?.[0];
console.log(JSON.stringify({
  verdict: first?.verdict,
  registrable: first?.domain?.registrableDomain,
  model: model.data?.model?.name,
  emailVerdict: email.data?.results?.[0]?.verdict,
  missingCode: missing.error?.code,
}));
`,
    );
    await run(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--allowImportingTsExtensions',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        join(dir, 'client.mts'),
      ],
      { cwd: ROOT },
    ).catch((err: { stdout?: string; message: string }) => {
      throw new Error(`the generated client does not type-check: ${err.stdout || err.message}`);
    });
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(dir, 'client.mts'), s.base], { cwd: ROOT });
    assert.deepEqual(JSON.parse(stdout), {
      verdict: 'VERDICT_MALICIOUS',
      registrable: 'paypal-login-secure.xyz',
      model: 'domain',
      emailVerdict: 'VERDICT_MALICIOUS',
      missingCode: 5,
    });
  });
});
