/** Helpers of the URL exporter that tests can import without running it: CSV lines and site keys. */
import type { CanonicalUrl } from '../indicators/url/canonicalize';

/**
 * Splits one CSV line whose first field may be quoted and hold commas (URLs do), while the others
 * never do: the last fields are cut from the right.
 */
export function splitUrlCsvLine(line: string, fields: number): string[] | undefined {
  const tail: string[] = [];
  let end = line.length;
  for (let k = 0; k < fields - 1; k++) {
    const c = line.lastIndexOf(',', end - 1);
    if (c < 0) return undefined;
    tail.unshift(line.slice(c + 1, end));
    end = c;
  }
  let first = line.slice(0, end);
  if (first.length >= 2 && first.startsWith('"') && first.endsWith('"')) first = first.slice(1, -1).replace(/""/g, '"');
  return [first, ...tail];
}

/**
 * The unit a split keeps on one side: the host's site key (registrable domain, or customer.platform
 * on a shared host), an IPv4 host's /24 and an IPv6 host's /48, since neighbouring addresses are
 * usually one operator.
 */
export function urlSiteKey(u: CanonicalUrl): string {
  if (u.domain !== undefined) return u.domain.siteKey;
  if (u.hostKind === 'ipv4') return `${u.host.slice(0, u.host.lastIndexOf('.'))}.0/24`;
  // Canonical IPv6 is bracketed and compressed: expand enough to take the first three groups.
  const inner = u.host.slice(1, -1);
  const [head = '', tail = ''] = inner.split('::');
  const groups = head === '' ? [] : head.split(':');
  if (inner.includes('::')) {
    const rest = tail === '' ? [] : tail.split(':');
    while (groups.length + rest.length < 8) groups.push('0');
    groups.push(...rest);
  }
  return `${groups.slice(0, 3).join(':')}::/48`;
}
