/**
 * Generates the OpenAPI 3 document the HTTP listener serves at /openapi.json from proto/ (never by
 * hand): gnostic's protoc-gen-openapi reads the google.api.http rules and the comments, through buf.
 *
 *   npx tsx scripts/generate-openapi.ts           # rewrite src/http/data/openapi.json
 *   npx tsx scripts/generate-openapi.ts --check   # fail when it differs from what proto/ makes
 *
 * The plugin is pinned and installed from the Go module proxy into the cache on first use, as
 * scripts/generate-clients.ts does for the Go plugins. Its YAML becomes JSON, plus the two things a
 * google.api.http rule cannot say, added here by rule rather than by hand: `POST /v1/emails:predict`
 * also takes a `message/rfc822` body, and the streaming methods take newline-delimited JSON.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
export const OPENAPI_JSON = join(ROOT, 'src', 'http', 'data', 'openapi.json');
export const GNOSTIC = 'github.com/google/gnostic/cmd/protoc-gen-openapi@v0.7.1';

function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'threatpredict');
}

async function plugin(): Promise<string> {
  const bin = join(cacheRoot(), 'go-bin', GNOSTIC.replace(/[/@]/g, '_'));
  const exe = join(bin, 'protoc-gen-openapi');
  if (existsSync(exe)) return exe;
  try {
    await run('go', ['install', GNOSTIC], { env: { ...process.env, GOBIN: bin } });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new Error('go is not installed: install Go 1.26 or later and put `go` on PATH');
    throw new Error(`go install ${GNOSTIC} failed: ${e.stderr || e.message}`);
  }
  return exe;
}

type Json = Record<string, unknown>;

/** The additions the rules cannot express (see the header). */
function extend(doc: Json): Json {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const emails = paths['/v1/emails:predict']?.post;
  if (emails === undefined) throw new Error('no POST /v1/emails:predict in the generated document');
  const body = emails.requestBody as { content: Json };
  body.content['message/rfc822'] = { schema: { type: 'string', format: 'binary' } };
  emails.parameters = [
    {
      name: 'id',
      in: 'query',
      description: 'With a message/rfc822 body: the id echoed in the result.',
      schema: { type: 'string' },
    },
    {
      name: 'view',
      in: 'query',
      description: 'With a message/rfc822 body: RESULT_VIEW_FULL (default) or RESULT_VIEW_COMPACT.',
      schema: { type: 'string', enum: ['RESULT_VIEW_UNSPECIFIED', 'RESULT_VIEW_FULL', 'RESULT_VIEW_COMPACT'] },
    },
  ];
  for (const [path, ops] of Object.entries(paths)) {
    if (!path.endsWith(':streamPredict')) continue;
    const op = ops.post as { requestBody: { content: Json }; responses: { '200': { content: Json } } };
    const req = op.requestBody.content['application/json'];
    const res = op.responses['200'].content['application/json'] as { schema: unknown };
    op.requestBody.content['application/x-ndjson'] = req;
    op.responses['200'].content['application/x-ndjson'] = {
      schema: {
        type: 'object',
        description: 'One line per request line: {"result": response} or {"error": Status}.',
        properties: { result: res.schema, error: { $ref: '#/components/schemas/Status' } },
      },
    };
  }
  return doc;
}

export async function generateOpenApi(): Promise<string> {
  const exe = await plugin();
  const out = mkdtempSync(join(tmpdir(), 'tp-openapi-'));
  try {
    const template = JSON.stringify({
      version: 'v2',
      inputs: [{ directory: 'proto' }],
      plugins: [
        {
          local: exe,
          out,
          strategy: 'all',
          opt: ['enum_type=string', 'title=threatpredict', 'version=v1', 'default_response=true'],
        },
      ],
    });
    await run(join(ROOT, 'node_modules/.bin/buf'), ['generate', '--template', template], { cwd: ROOT });
    const doc = extend(parse(readFileSync(join(out, 'openapi.yaml'), 'utf8')) as Json);
    return `${JSON.stringify(doc, null, 2)}\n`;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  generateOpenApi()
    .then((text) => {
      if (!check) {
        writeFileSync(OPENAPI_JSON, text);
        process.stdout.write(`wrote ${OPENAPI_JSON}\n`);
        return;
      }
      const have = existsSync(OPENAPI_JSON) ? readFileSync(OPENAPI_JSON, 'utf8') : '';
      if (have !== text) {
        process.stderr.write(
          'src/http/data/openapi.json differs from what proto/ generates (run npm run generate:openapi; never edit it by hand)\n',
        );
        process.exit(1);
      }
      process.stdout.write('openapi.json is up to date\n');
    })
    .catch((err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    });
}
