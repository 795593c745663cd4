/**
 * Shared hosting platforms: registrable domains whose subdomains belong to anyone who signs up.
 * The list is data (`data/shared-platforms.txt`); this module answers "which platform, if any,
 * hosts this name" without regexes, by walking the name's label boundaries.
 */
import { loadWordList } from './lexicon';

const entries = loadWordList('shared-platforms.txt');
const exact = new Set(entries.filter((e) => !e.endsWith('.*')));
// `blogspot.*`: the platform's name under any public suffix.
const anySuffix = new Set(entries.filter((e) => e.endsWith('.*')).map((e) => e.slice(0, -2)));

/**
 * The platform that hosts `ascii` (a lower-case ASCII name), or undefined. `registrableDomain` is the
 * PSL registrable domain of the name and `publicSuffix` its suffix; `sld`, when the caller has it, the
 * registrable domain without its suffix (tldts's `domainWithoutSuffix`: the parser does not cut it
 * out again).
 */
export function findPlatform(
  ascii: string,
  registrableDomain: string,
  publicSuffix: string,
  sld?: string | null,
): string | undefined {
  if (registrableDomain === '') return undefined;
  if (exact.has(registrableDomain)) return registrableDomain;
  if (anySuffix.has(sld ?? registrableDomain.slice(0, registrableDomain.length - publicSuffix.length - 1)))
    return registrableDomain;
  // Multi-label platform entries (web.core.windows.net): test every suffix of the name on a label boundary.
  // Only a tail longer than the registrable domain can answer (one as long is the registrable domain
  // itself): the length is checked before the tail is cut out, so a name with no subdomain cuts none.
  for (let i = ascii.indexOf('.'); i !== -1; i = ascii.indexOf('.', i + 1)) {
    if (ascii.length - i - 1 <= registrableDomain.length) break;
    const tail = ascii.slice(i + 1);
    if (exact.has(tail)) return tail;
  }
  return undefined;
}

/** Site key: the unit of reputation. `customer.platform` on a platform, else the registrable domain. */
export function siteKeyOf(ascii: string, registrableDomain: string, platform: string | undefined): string {
  if (registrableDomain === '') return ascii;
  if (platform === undefined || ascii === platform || !ascii.endsWith(`.${platform}`)) return registrableDomain;
  const rest = ascii.slice(0, ascii.length - platform.length - 1);
  const customer = rest.slice(rest.lastIndexOf('.') + 1);
  return `${customer}.${platform}`;
}
