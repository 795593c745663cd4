/**
 * Malicious host, address and URL lists from the filter lists Debian's uBlock Origin package ships
 * (webext-ublock-origin-*): the URLhaus filter (malware-filter's "Online Malicious URL Blocklist" built
 * from abuse.ch URLhaus: sites serving malware now, CC0) and uBlock's own "Badware risks" list (fake
 * download and support sites, scareware, malvertising: GPL-3.0). Threats absent from the training data
 * (malware distribution, badware), used to evaluate the domain, IP and URL models.
 */
import { isIP } from 'node:net';
import { parseDomain } from '../indicators/domain/parse';

export interface UrlhausFilter {
  /** The list's `! Updated:` time (ISO), '' when absent. */
  updated: string;
  /** Bare host entries (a whole site serves malware). */
  hosts: string[];
  ips: string[];
  /** `||host/path...^` entries as http URLs (the filter keeps no scheme). */
  urls: string[];
}

const COMMENT = /^\s*(!|\[|$)/;

/** urlhaus-filter-online.txt: one IP, host or `||host/path^$all` rule a line. */
export function urlhausFilter(text: string): UrlhausFilter {
  const out: UrlhausFilter = { updated: '', hosts: [], ips: [], urls: [] };
  const seen = new Set<string>();
  const add = (list: string[], v: string) => {
    if (seen.has(v)) return;
    seen.add(v);
    list.push(v);
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const updated = /^!\s*Updated:\s*(\S+)/.exec(line);
    if (updated) out.updated = updated[1]!;
    if (COMMENT.test(line)) continue;
    if (line.startsWith('||')) {
      const rule = line.slice(2).replace(/\^?(\$[^/]*)?$/, '');
      if (rule.includes('/')) add(out.urls, `http://${rule}`);
      else add(out.hosts, rule.toLowerCase());
    } else if (isIP(line) !== 0) add(out.ips, line);
    else {
      const p = parseDomain(line);
      if (p.ok) add(out.hosts, p.value.ascii);
    }
  }
  return out;
}

/**
 * The hosts uBlock's badware list blocks whole (`||host^`, alone or with `$doc`, `$all`, `$document`,
 * `$popup`): rules for a path, a pattern (`familysimulator.`) or a cosmetic filter on a legitimate
 * site are not a verdict on the host and are left out.
 */
export function badwareHosts(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    const m = /^\|\|([a-z0-9.-]+)\^(?:\$([a-z,~-]+))?$/i.exec(raw.trim());
    if (!m) continue;
    const options = (m[2] ?? 'doc').split(',');
    if (!options.every((o) => ['doc', 'document', 'all', 'popup', 'important'].includes(o))) continue;
    const p = parseDomain(m[1]!);
    if (p.ok && p.value.registrableDomain !== '') out.add(p.value.ascii);
  }
  return [...out];
}
