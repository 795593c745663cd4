/**
 * Files the HTTP listener serves: the analysts' page, the OpenAPI document and its reference page
 * (Swagger UI from the swagger-ui-dist package, served from node_modules: nothing is fetched from the
 * internet, not at build time and not in the browser). Every page has a Content-Security-Policy that
 * allows only this origin's scripts, styles and fetches.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

const DATA = join(__dirname, 'data');

/**
 * The analysts' page: only our own script and stylesheet, fetches to this origin, no inline code, no
 * plugins, no frames, no forms posting elsewhere. Message HTML is never rendered (the page shows text).
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Swagger UI sets style attributes from script and draws its icons as data: SVGs. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

interface Asset {
  file: string;
  type: string;
  csp?: string;
}

function swaggerDir(): string {
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

const ASSETS: Record<string, Asset> = {
  '/': { file: join(DATA, 'page', 'index.html'), type: 'text/html; charset=utf-8', csp: PAGE_CSP },
  '/ui/page.js': { file: join(DATA, 'page', 'page.js'), type: 'text/javascript; charset=utf-8' },
  '/ui/page.css': { file: join(DATA, 'page', 'page.css'), type: 'text/css; charset=utf-8' },
  '/openapi.json': { file: join(DATA, 'openapi.json'), type: 'application/json; charset=utf-8' },
  '/docs/': { file: join(DATA, 'docs', 'index.html'), type: 'text/html; charset=utf-8', csp: DOCS_CSP },
  '/docs/docs.js': { file: join(DATA, 'docs', 'docs.js'), type: 'text/javascript; charset=utf-8' },
  '/docs/swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  '/docs/swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
};

export interface StaticAssets {
  match(
    method: string,
    pathname: string,
  ): { name: string; handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> } | undefined;
}

export function staticAssets(): StaticAssets {
  const cache = new Map<string, Buffer>();
  const read = (asset: Asset) => {
    const path = asset.file.includes('/') ? asset.file : join(swaggerDir(), asset.file);
    let bytes = cache.get(path);
    if (bytes === undefined) {
      bytes = readFileSync(path);
      cache.set(path, bytes);
    }
    return bytes;
  };
  return {
    match(method, pathname) {
      if (pathname === '/docs') {
        return {
          name: 'docs',
          handle: async (_req, res) => {
            res.writeHead(308, { location: '/docs/' }).end();
          },
        };
      }
      const asset = ASSETS[pathname];
      if (asset === undefined || (method !== 'GET' && method !== 'HEAD')) return undefined;
      return {
        name: pathname === '/' ? 'page' : pathname,
        handle: async (req, res) => {
          const bytes = read(asset);
          res.writeHead(200, {
            'content-type': asset.type,
            'content-length': bytes.length,
            'cache-control': 'no-cache',
            ...(asset.csp === undefined ? {} : { 'content-security-policy': asset.csp }),
          });
          res.end(req.method === 'HEAD' ? undefined : bytes);
        },
      };
    },
  };
}
