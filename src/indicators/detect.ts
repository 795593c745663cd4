/**
 * Type detection for the generic Predict RPC: which kind of indicator a plain string holds. Cheap
 * shape tests decide; the kind's own parser then validates (and reports) the details. A value that
 * has the shape of none (`???`, `hello world`) is undefined, answered as INDICATOR_TYPE_UNKNOWN: a
 * guess would answer with the wrong type's error (INVALID_URL for `???`) and mislead the caller.
 */
import type { IndicatorKind } from './types';

const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i;
const SCHEME = /^[a-z][a-z0-9+.-]*(?::\/\/|\[:\]\/\/)/i;
const DEFANGED_SCHEME = /^h[tx]{2}ps?/i;
// A trailing :port is let through so that the IP parser can say what is wrong with a socket address.
const IPV4ISH = /^[0-9]{1,3}(?:\.[0-9]{1,3}){1,3}(?:\/[0-9]{1,3}|:[0-9]{1,5})?$/;
const IPV6ISH = /^\[?[0-9a-f]{0,4}:[0-9a-f:.]*\]?(?:%[0-9a-z_.-]+)?(?:\/[0-9]{1,3})?$/i;
// Letters, digits, marks, `-`, `_` and dots (ASCII and the IDN full stops): what a host name, valid or
// not, is written with. At least one letter or digit, so `...` or `-` is no name.
const NAMEISH = /^[\p{L}\p{N}\p{M}_.\u3002\uff0e\uff61-]*[\p{L}\p{N}][\p{L}\p{N}\p{M}_.\u3002\uff0e\uff61-]*$/u;
// A scheme-less URL's host: a dotted name, an IPv4 address, either with a port, or defanged (`[.]`).
const HOSTISH = /^(?:[^\s/?#@]*\[\.\][^\s/?#@]*|[\p{L}\p{N}\p{M}_-]+(?:\.[\p{L}\p{N}\p{M}_-]+)+\.?)(?::[0-9]{1,5})?$/u;

function hostOf(v: string): string {
  const end = v.search(/[/?#]/);
  return end === -1 ? v : v.slice(0, end);
}

/** Whether the value has the shape of an MD5, SHA-1 or SHA-256 hex digest. */
export function isFileHash(raw: string): boolean {
  return HASH.test(raw.trim());
}

export function detectKind(raw: string): IndicatorKind | undefined {
  const v = raw.trim();
  if (v === '') return undefined;
  if (HASH.test(v)) return 'file_hash';
  if (SCHEME.test(v) || DEFANGED_SCHEME.test(v)) return 'url';
  if (IPV4ISH.test(v) || IPV6ISH.test(v)) return 'ip';
  const at = v.indexOf('@');
  const slash = v.indexOf('/');
  if (at > 0 && slash === -1 && v.indexOf('@', at + 1) === -1) return 'email_address';
  if (slash !== -1 || v.includes('?') || v.includes('#') || v.includes('[.]')) {
    return HOSTISH.test(hostOf(v)) ? 'url' : undefined;
  }
  return NAMEISH.test(v) ? 'domain' : undefined;
}
