/**
 * MetaMask's crypto phishing lists (npm `eth-phishing-detect`, `src/config.json`) reduced to host
 * rows: `blacklist` holds sites that impersonate crypto services or collect wallet keys (the list is
 * kept newest first, so a row's position is a rough age), `whitelist` legitimate sites that its fuzzy
 * matcher would otherwise flag (sushi.com, artus.com), `fuzzylist` the legitimate services it protects
 * (metamask.io, myetherwallet.com). A source never used in training: the domain model's crypto
 * phishing and its false positives on legitimate crypto sites are measured on it.
 */
import { parseDomain } from '../indicators/domain/parse';
import { stableUnit } from './sources';

/** Share of the blacklist, by position from the top (newest), held out of training as the later rows. */
export const NEWEST_SHARE = 0.2;

export interface CryptoListRow {
  host: string;
  /** `blacklist`, `whitelist` or `fuzzylist`. */
  list: string;
  /** Position in its list (0 = first; the blacklist is kept newest first). */
  position: number;
  /**
   * Which part a training source may read (its `where`): a blacklist row is `newest` in the first
   * NEWEST_SHARE of the list's positions, else `older`; a legitimate row is `train` or `held_out` by a
   * seeded half of registrable domains, so no site is on both sides. Never-trained rows measure the model.
   */
  part: 'newest' | 'older' | 'train' | 'held_out';
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
    const newestBelow = entries.length * NEWEST_SHARE;
    entries.forEach((e, position) => {
      const p = typeof e === 'string' ? parseDomain(e.trim()) : undefined;
      if (p === undefined || !p.ok) {
        dropped[list] = [...(dropped[list] ?? []), String(e)];
        return;
      }
      if (seen.has(p.value.ascii)) return;
      seen.add(p.value.ascii);
      const site = p.value.registrableDomain === '' ? p.value.siteKey : p.value.registrableDomain;
      const part =
        list === 'blacklist'
          ? position < newestBelow
            ? 'newest'
            : 'older'
          : stableUnit(`crypto-legit:${site}`) < 0.5
            ? 'train'
            : 'held_out';
      rows.push({ host: p.value.ascii, list, position, part });
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
