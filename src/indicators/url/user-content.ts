/**
 * User-content hosts (data/user-content-hosts.txt): places on otherwise reputable registrable domains
 * where anyone can publish a page, a file or a form (drive.google.com, *.blob.core.windows.net,
 * dropbox.com/s/, shorteners). The allow-list of registrable domains does not vouch for URLs there:
 * the URL itself is the indicator, so the model scores it.
 */
import { loadUrlList } from './lists';

interface Entry {
  /** Exact host, or the parent for a `*.` wildcard. */
  host: string;
  wildcard: boolean;
  /** Path prefix, '' for any path. */
  pathPrefix: string;
}

function parseEntry(line: string): Entry {
  const slash = line.indexOf('/');
  const hostPart = slash < 0 ? line : line.slice(0, slash);
  const pathPrefix = slash < 0 ? '' : line.slice(slash);
  const wildcard = hostPart.startsWith('*.');
  return { host: wildcard ? hostPart.slice(2) : hostPart, wildcard, pathPrefix };
}

export const USER_CONTENT_ENTRIES: readonly Entry[] = loadUrlList('user-content-hosts.txt').map(parseEntry);
const exact = new Map<string, Entry[]>();
const wild = new Map<string, Entry[]>();
for (const e of USER_CONTENT_ENTRIES) {
  const m = e.wildcard ? wild : exact;
  const list = m.get(e.host) ?? [];
  list.push(e);
  m.set(e.host, list);
}
// The wildcards' parents, longest first: the order in which a host's parents are tried, nearest first.
const WILD_PARENTS: readonly (readonly [string, Entry[]])[] = [...wild].sort((a, b) => b[0].length - a[0].length);

function pathMatches(list: readonly Entry[] | undefined, path: string): string | undefined {
  if (list === undefined) return undefined;
  for (const e of list) {
    if (e.pathPrefix === '' || path.toLowerCase().startsWith(e.pathPrefix)) {
      return `${e.wildcard ? '*.' : ''}${e.host}${e.pathPrefix}`;
    }
  }
  return undefined;
}

/**
 * The list entry that `host` + `path` falls under (e.g. `*.blob.core.windows.net`), or undefined.
 * `host` is a canonical lower-case host name; `path` the canonical path.
 */
export function userContentEntry(host: string, path: string): string | undefined {
  const h = host.startsWith('www.') ? host.slice(4) : host;
  const hit = pathMatches(exact.get(h), path);
  if (hit !== undefined) return hit;
  // Wildcards: every proper parent of the host, on a label boundary. Each of the few wildcard parents
  // is compared with the host's end, rather than each of the host's parents sliced out and looked up.
  for (const [parent, list] of WILD_PARENTS) {
    const at = h.length - parent.length - 1;
    if (at >= 0 && h.charCodeAt(at) === 46 && h.endsWith(parent)) {
      const w = pathMatches(list, path);
      if (w !== undefined) return w;
    }
  }
  return undefined;
}
