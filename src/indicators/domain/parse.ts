/**
 * Domain name normalisation: lower-case ASCII (punycode) form, Unicode form, and the Public Suffix
 * List split (registrable domain, suffix, subdomain). Label and length rules follow RFC 1035 and
 * RFC 5890-5891 as resolvers apply them in practice: underscores are accepted (`_dmarc`, SRV names).
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse as parseTld } from 'tldts';
import { itemError } from '../../errors';
import { fail, ok, type Parsed } from '../types';
import { platformOwner, TLD_OPTIONS } from './platform-own';
import { findPlatform, siteKeyOf } from './platforms';

export interface DomainName {
  /** Lower-case ASCII form without a trailing dot, e.g. `xn--pypal-4ve.com`. */
  ascii: string;
  /** Unicode form, e.g. `pаypal.com`; equal to `ascii` when no label is IDN. */
  unicode: string;
  labels: readonly string[];
  /** eTLD+1, e.g. `example.co.uk`; for private-section suffixes `foo.github.io`. */
  registrableDomain: string;
  publicSuffix: string;
  subdomain: string;
  subdomainDepth: number;
  /** The suffix is from the PSL private section (github.io, blogspot.com, ...). */
  privateSuffix: boolean;
  /** The suffix is an ICANN one (false for private and for unknown TLDs). */
  icannSuffix: boolean;
  /** The registrable domain gives subdomains to anyone (weebly.com, webflow.io, ...). */
  sharedHostingPlatform: boolean;
  /**
   * The unit of reputation: the registrable domain, or `customer.platform` on a shared hosting
   * platform, so that one customer's site never borrows the platform's reputation.
   */
  siteKey: string;
  hasIdn: boolean;
  /**
   * The name is a hosting platform's own (a private PSL suffix such as `github.io` or
   * `s3.eu-west-1.amazonaws.com`, not one reached only through a wildcard: platform-own.ts), not a
   * customer's site: `ownerDomain` is then the platform's registrable domain under ICANN rules.
   */
  platformOwn: boolean;
  /** For a platform's own name, its registrable domain under ICANN rules (`github.io`, `amazonaws.com`); else ''. */
  ownerDomain: string;
}

/** Longest raw value we look at; DNS names are at most 253 octets, so anything longer is not one. */
export const MAX_DOMAIN_INPUT = 1024;

// Characters allowed in an ASCII label: letters, digits, hyphen, underscore.
function isLdhu(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 45 || code === 95;
}

/** Printable ASCII other than the space: a character `trim` never removes. */
function isPlain(code: number): boolean {
  return code > 32 && code < 127;
}

function isAllDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

function countDots(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 46) n++;
  return n;
}

function needsIdnaMapping(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || (c >= 65 && c <= 90)) return true;
  }
  return s.includes('xn--');
}

// Where each label of the name being parsed ends (at most 127 labels in 253 octets).
const LABEL_ENDS = new Int32Array(128);

function invalid(message: string, value: string) {
  return fail<DomainName>(itemError('INVALID_DOMAIN', message, { value: value.slice(0, 256) }));
}

export function parseDomain(raw: string): Parsed<DomainName> {
  if (raw.length > MAX_DOMAIN_INPUT) {
    return fail(
      itemError('INDICATOR_TOO_LONG', `domain is ${raw.length} characters; at most 253 are possible`, {
        length: String(raw.length),
      }),
    );
  }
  // Most values need no trimming, and `trim` is a builtin call (~1% of a worker's time per new name).
  let name = raw.length > 0 && isPlain(raw.charCodeAt(0)) && isPlain(raw.charCodeAt(raw.length - 1)) ? raw : raw.trim();
  if (name.length === 0) return fail(itemError('INDICATOR_EMPTY', 'domain is empty'));
  if (name.charCodeAt(name.length - 1) === 46) name = name.slice(0, -1);
  if (name.length === 0 || name.charCodeAt(0) === 46) return invalid('domain has an empty label', raw);

  let ascii = name;
  if (needsIdnaMapping(name)) {
    // UTS #46 mapping (the WHATWG URL host rules): lower-cases, maps full-width dots, encodes IDN labels
    // and rejects punycode that does not decode. Underscore survives it.
    ascii = domainToASCII(name);
    if (ascii === '') return invalid(`"${name.slice(0, 64)}" is not a valid internationalised domain name`, raw);
  }
  if (ascii.length > 253) return invalid(`domain is ${ascii.length} octets; the limit is 253`, raw);

  if (ascii.indexOf('.') < 0) return invalid('single-label name: a domain needs at least two labels', raw);
  // The labels are checked in one pass over `ascii`, then cut out: split('.') is a call into the
  // runtime (~40% of this function's time per new name), and reading characters through the label
  // strings it returns (copied, sliced or one-character strings) made those loads megamorphic. The same
  // labels as split('.') gives, the same checks in the same order (label by label: empty, length,
  // characters, hyphens), so the same error for every name; the array has the labels' exact length
  // (grown by push it took ~110 bytes more per name).
  let count = 0;
  for (let start = 0; start <= ascii.length; ) {
    let end = start;
    let bad = -1;
    for (; end < ascii.length; end++) {
      const c = ascii.charCodeAt(end);
      if (c === 46) break;
      if (bad < 0 && !isLdhu(c)) bad = end;
    }
    const n = end - start;
    if (n === 0) return invalid('domain has an empty label (two dots in a row)', raw);
    if (n > 63) return invalid(`label "${ascii.slice(start, start + 20)}..." is ${n} octets; the limit is 63`, raw);
    if (bad >= 0) {
      const c = ascii.charCodeAt(bad);
      const shown = c < 32 || c === 127 ? `\\x${c.toString(16).padStart(2, '0')}` : ascii[bad];
      return invalid(`character "${shown}" is not allowed in a domain name`, raw);
    }
    if (ascii.charCodeAt(start) === 45 || ascii.charCodeAt(end - 1) === 45)
      return invalid(`label "${ascii.slice(start, end)}" starts or ends with a hyphen`, raw);
    LABEL_ENDS[count++] = end;
    start = end + 1;
  }
  const labels: string[] = new Array(count);
  for (let k = 0, start = 0; k < count; k++) {
    const end = LABEL_ENDS[k] as number;
    labels[k] = ascii.slice(start, end);
    start = end + 1;
  }
  const tld = labels[labels.length - 1] as string;
  if (isAllDigits(tld)) return invalid('the last label is numeric: this looks like an IP address, not a domain', raw);

  const p = parseTld(ascii, TLD_OPTIONS);
  const publicSuffix = p.publicSuffix ?? tld;
  const registrableDomain = p.domain ?? '';
  const subdomain = p.subdomain ?? '';
  const hasIdn = ascii.includes('xn--');
  const platform = findPlatform(ascii, registrableDomain, publicSuffix, p.domainWithoutSuffix);
  // A private suffix has no registrable domain under the PSL: who runs it is asked only then (rare).
  const ownerDomain = p.isPrivate === true && p.domain === null ? platformOwner(ascii) : '';
  return ok({
    ascii,
    unicode: hasIdn ? domainToUnicode(ascii) : ascii,
    labels,
    registrableDomain,
    publicSuffix,
    subdomain,
    subdomainDepth: subdomain === '' ? 0 : countDots(subdomain) + 1,
    privateSuffix: p.isPrivate === true,
    icannSuffix: p.isIcann === true,
    // A private PSL suffix (github.io) is a platform too: its customers are the registrable domains.
    sharedHostingPlatform: platform !== undefined,
    siteKey: siteKeyOf(ascii, registrableDomain, platform),
    hasIdn,
    platformOwn: ownerDomain !== '',
    ownerDomain,
  });
}
