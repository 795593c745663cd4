/**
 * A hosting platform's own names: `github.io`, `s3.dualstack.eu-west-1.amazonaws.com`,
 * `eu-central-1.elasticbeanstalk.com`. The private section of the Public Suffix List holds the
 * suffixes under which platforms give names to their customers; the suffix itself, and the base of a
 * wildcard rule (`compute-1.amazonaws.com` for `*.compute-1.amazonaws.com`), is a name the platform
 * runs, listed there by the platform (the PSL checks that the submitter controls the domain). Its
 * customers' names are below it (`evil-login.github.io`) and are not its own.
 *
 * A name that is a suffix only through a wildcard (`ec2-1-2-3-4.compute-1.amazonaws.com` under
 * `*.compute-1.amazonaws.com`) is not: the wildcard label may be a customer's choice or a customer's
 * machine. tldts does not say which rule matched, so a wildcard is found by asking whether a label no
 * rule can name (`zz--`, reserved by RFC 5891 for other uses) is a suffix under the same parent.
 */
import { parse as parseTld } from 'tldts';

/** How every tldts call on a domain reads a name (the parser's too): already a host name, checked by us, PSL private rules included. */
export const TLD_OPTIONS = {
  allowPrivateDomains: true,
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
  mixedInputs: false,
} as const;
const ICANN = { ...TLD_OPTIONS, allowPrivateDomains: false } as const;

/** A label no PSL rule names: labels with "--" in their third and fourth places are reserved. */
const PROBE = 'zz--probe';

/** `name` is a public suffix of the PSL's private section (no registrable domain of its own). */
function isPrivateSuffix(name: string): boolean {
  const p = parseTld(name, TLD_OPTIONS);
  return p.isPrivate === true && p.domain === null;
}

/**
 * For a lower-case ASCII name that tldts (private domains allowed) parsed as a private public suffix:
 * the registrable domain of the platform that runs it under ICANN rules alone (`github.io`,
 * `amazonaws.com`) when the name is the platform's own, else '' (a suffix reached only through a
 * wildcard rule).
 */
export function platformOwner(ascii: string): string {
  const dot = ascii.indexOf('.');
  const wildcardAbove = dot > 0 && isPrivateSuffix(`${PROBE}.${ascii.slice(dot + 1)}`);
  // Under a wildcard, only a name that is itself the base of a wildcard is the platform's structure.
  if (wildcardAbove && !isPrivateSuffix(`${PROBE}.${ascii}`)) return '';
  return parseTld(ascii, ICANN).domain ?? '';
}
