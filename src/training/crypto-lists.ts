/**
 * MetaMask's crypto phishing lists (npm `eth-phishing-detect`, `src/config.json`) reduced to host
 * rows: `blacklist` holds sites that impersonate crypto services or collect wallet keys (the list is
 * kept newest first, so a row's position is a rough age), `whitelist` legitimate sites that its fuzzy
 * matcher would otherwise flag (sushi.com, artus.com), `fuzzylist` the legitimate services it protects
 * (metamask.io, myetherwallet.com). A source never used in training: the domain model's crypto
 * phishing and its false positives on legitimate crypto sites are measured on it.
 */
import { parseDomain } from '../indicators/domain/parse';

export interface CryptoListRow {
  host: string;
  /** `blacklist`, `whitelist` or `fuzzylist`. */
  list: string;
  /** Position in its list (0 = first; the blacklist is kept newest first). */
  position: number;
}

export interface CryptoLists {
  phishing: CryptoListRow[];
  legitimate: CryptoListRow[];
  /** Entries that are not host names the domain parser accepts (wildcards, paths), by list. */
  dropped: Record<string, string[]>;
  /** Hosts on both sides (kept out of both). */
  conflicting: string[];
}

/** Reads config.json's text; each host once per side, in list order, lower-cased by the domain parser. */
export function cryptoLists(configJson: string): CryptoLists {
  const config = JSON.parse(configJson) as Record<string, unknown>;
  const dropped: Record<string, string[]> = {};
  const read = (list: string): CryptoListRow[] => {
    const entries = config[list];
    if (!Array.isArray(entries)) throw new Error(`config.json: no ${list} array`);
    const seen = new Set<string>();
    const rows: CryptoListRow[] = [];
    entries.forEach((e, position) => {
      const p = typeof e === 'string' ? parseDomain(e.trim()) : undefined;
      if (p === undefined || !p.ok) {
        dropped[list] = [...(dropped[list] ?? []), String(e)];
        return;
      }
      if (seen.has(p.value.ascii)) return;
      seen.add(p.value.ascii);
      rows.push({ host: p.value.ascii, list, position });
    });
    return rows;
  };
  const phishing = read('blacklist');
  const legitimateHosts = new Set<string>();
  const legitimate = [...read('whitelist'), ...read('fuzzylist')].filter((r) => {
    const first = !legitimateHosts.has(r.host);
    legitimateHosts.add(r.host);
    return first;
  });
  const bad = new Set(phishing.map((r) => r.host));
  const conflicting = legitimate.filter((r) => bad.has(r.host)).map((r) => r.host);
  const drop = new Set(conflicting);
  return {
    phishing: phishing.filter((r) => !drop.has(r.host)),
    legitimate: legitimate.filter((r) => !drop.has(r.host)),
    dropped,
    conflicting,
  };
}
