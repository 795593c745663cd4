/**
 * Two real long-tail benign sources that need no download, read from files a Debian machine already
 * has, reduced to the host names a DNS resolver would see:
 *
 * - the `Homepage:` fields of Debian's package index (`/var/lib/apt/lists/*_Packages.lz4`): the sites
 *   of free-software projects, universities, companies and individuals. `https://github.com/x/y` is
 *   one lookup of `github.com`, whatever the path, so a host counts once however many packages name it;
 * - the private section of the Public Suffix List (Debian `publicsuffix`): the names of platforms whose
 *   subdomains are their users' sites (`github.io`, `s3.eu-west-1.amazonaws.com`, `duckdns.org`). A
 *   wildcard rule `*.x.y` names hosts under `x.y`, so `x.y` is what is kept; an exception rule `!a.x.y`
 *   is itself a host.
 *
 * Pure text in, rows out: scripts/domain/extract-long-tail.ts reads the files and writes the rows.
 */
import { hostOfUrl } from './sources';

export interface HomepageHost {
  host: string;
  /** Packages whose Homepage names this host. */
  packages: number;
  /** The first package (in index order) that names it, to trace a row back. */
  example: string;
}

/** What a dropped Homepage value was: no host, an address or a single label. */
export interface HomepageStats {
  packages: number;
  withHomepage: number;
  dropped: Record<'no_host' | 'ip_literal' | 'single_label', number>;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * The hosts of the Homepage fields of one or more Packages indexes (deb822 paragraphs), in order of
 * first appearance; the same package in two indexes (a security update) counts once.
 */
export function homepageHosts(indexes: readonly string[]): { hosts: HomepageHost[]; stats: HomepageStats } {
  const byHost = new Map<string, HomepageHost>();
  const seenPackages = new Set<string>();
  const stats: HomepageStats = {
    packages: 0,
    withHomepage: 0,
    dropped: { no_host: 0, ip_literal: 0, single_label: 0 },
  };
  for (const text of indexes) {
    for (const para of text.split(/\n\s*\n/)) {
      const pkg = /^Package:\s*(\S+)/m.exec(para)?.[1];
      if (pkg === undefined || seenPackages.has(pkg)) continue;
      seenPackages.add(pkg);
      stats.packages++;
      const homepage = /^Homepage:\s*(\S+)/m.exec(para)?.[1];
      if (homepage === undefined) continue;
      stats.withHomepage++;
      const host = hostOfUrl(homepage);
      if (host === '' || host.startsWith('[')) stats.dropped[host === '' ? 'no_host' : 'ip_literal']++;
      else if (IPV4.test(host)) stats.dropped.ip_literal++;
      else if (!host.includes('.')) stats.dropped.single_label++;
      else {
        const prev = byHost.get(host);
        if (prev === undefined) byHost.set(host, { host, packages: 1, example: pkg });
        else prev.packages++;
      }
    }
  }
  return { hosts: [...byHost.values()], stats };
}

export interface PrivateSuffix {
  /** The host the rule names (wildcard stripped). */
  host: string;
  /** The organisation comment the rule sits under (`// Amazon S3 : https://...` -> `Amazon S3`). */
  organisation: string;
  /** `*.host` (the names are below it) or `!host` (an exception: the host itself is a site). */
  rule: 'plain' | 'wildcard' | 'exception';
}

/**
 * The rules of the private section of a public_suffix_list.dat, each with the organisation comment
 * above it, in list order; a host named by two rules (plain and wildcard) is kept once.
 */
export function privateSuffixes(psl: string): PrivateSuffix[] {
  const begin = psl.indexOf('===BEGIN PRIVATE DOMAINS===');
  const end = psl.indexOf('===END PRIVATE DOMAINS===');
  if (begin < 0 || end < begin) throw new Error('no private section (===BEGIN PRIVATE DOMAINS=== ... END) in the list');
  const out = new Map<string, PrivateSuffix>();
  let organisation = '';
  let lastWasComment = false;
  for (const raw of psl.slice(begin, end).split('\n').slice(1)) {
    const line = raw.trim();
    if (line === '') {
      lastWasComment = false;
      continue;
    }
    if (line.startsWith('//')) {
      // The first comment line of a block names the organisation; the lines after it describe it.
      if (!lastWasComment)
        organisation = line
          .slice(2)
          .split(/\s:\s|\s*:\s*https?:|\s+https?:/)[0]!
          .trim();
      lastWasComment = true;
      continue;
    }
    lastWasComment = false;
    const rule = line.split(/\s/)[0]!.toLowerCase();
    const kind = rule.startsWith('*.') ? 'wildcard' : rule.startsWith('!') ? 'exception' : 'plain';
    const host = rule.replace(/^\*\.|^!/, '');
    if (host.includes('*') || !host.includes('.')) continue;
    if (!out.has(host)) out.set(host, { host, organisation, rule: kind });
  }
  return [...out.values()];
}
