/**
 * Path canonicalisation (Safe Browsing): resolve `.` and `..` segments, collapse runs of `/`, and an
 * empty path becomes `/`. Backslashes count as `/`, as in browsers for http(s), so `\..\` cannot
 * hide a traversal. Runs on the percent-decoded path, so `%2e%2e` is `..` too.
 */

function needsWork(p: string): boolean {
  return p.includes('//') || p.includes('/.') || p.includes('\\');
}

/** Canonical form of `path` (decoded, starting with `/` or empty). */
export function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/';
  if (!needsWork(path)) return path;
  const segments = path.replace(/\\/g, '/').split('/');
  const out: string[] = [];
  // A trailing `/`, `/.` or `/..` leaves the result ending in `/` (a directory).
  const last = segments[segments.length - 1];
  const trailingSlash = last === '' || last === '.' || last === '..';
  for (const seg of segments) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  if (out.length === 0) return '/';
  const joined = `/${out.join('/')}`;
  return trailingSlash ? `${joined}/` : joined;
}
