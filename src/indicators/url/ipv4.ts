/**
 * IPv4 hosts in every form browsers and `inet_aton` accept: 1 to 4 parts, each decimal, octal
 * (leading `0`) or hex (`0x`), the last part filling the remaining octets
 * (`3279880203` -> `195.127.0.11`, `0x7f.1` -> `127.0.0.1`, `012.034.01.055` -> `10.28.1.45`).
 */

export type Ipv4Result =
  | { kind: 'not-ipv4' }
  | { kind: 'ipv4'; address: string }
  | { kind: 'invalid'; message: string };

const NOT_IPV4: Ipv4Result = { kind: 'not-ipv4' };

/** Value of one part, or -1 when it is not a number in any base. */
function partValue(p: string): number {
  let radix = 10;
  let digits = p;
  if (p.length >= 2 && p.charCodeAt(0) === 48 && (p.charCodeAt(1) | 0x20) === 120) {
    radix = 16;
    digits = p.slice(2);
    if (digits === '') return 0; // `0x` alone is 0, as in browsers
  } else if (p.length >= 2 && p.charCodeAt(0) === 48) {
    radix = 8;
    digits = p.slice(1);
  }
  if (digits === '') return -1;
  let v = 0;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i) | 0x20; // lower-cases letters, keeps digits
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : 99;
    if (d >= radix) return -1;
    v = v * radix + d;
    if (v > 0xffffffff) return 0x100000000; // out of range whatever follows; stop growing
  }
  return v;
}

/** True when the last label is a number (`123`, `0x1f`): browsers then insist on a valid IPv4 address. */
export function endsInNumber(host: string): boolean {
  // `/^(?:[0-9]+|0x[0-9a-f]*)$/i.test(last label)`, read in place: digits only (at least one), or
  // `0x`/`0X` then hex digits only.
  const from = host.lastIndexOf('.') + 1;
  const n = host.length;
  if (from === n) return false;
  let i = from;
  if (n - from >= 2 && host.charCodeAt(from) === 48 && (host.charCodeAt(from + 1) | 0x20) === 120) {
    for (i = from + 2; i < n; i++) {
      const c = host.charCodeAt(i);
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) break;
    }
    if (i === n) return true;
  }
  for (i = from; i < n; i++) {
    const c = host.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Classifies a host (already lower-cased, no empty labels) as an IPv4 address, a name, or a broken
 * address: a host whose last label is numeric but that does not parse is an error, not a name,
 * because no browser would resolve it as one.
 */
export function parseIpv4Host(host: string): Ipv4Result {
  if (!endsInNumber(host)) return NOT_IPV4;
  const labels = host.split('.');
  if (labels.length > 4) {
    return {
      kind: 'invalid',
      message: `host "${host}" ends in a number but has ${labels.length} parts; an IPv4 address has at most 4`,
    };
  }
  const values: number[] = [];
  for (const label of labels) {
    const v = partValue(label);
    if (v < 0)
      return { kind: 'invalid', message: `host "${host}" ends in a number but part "${label}" is not a number` };
    values.push(v);
  }
  const last = values.length - 1;
  for (let i = 0; i < last; i++) {
    if ((values[i] as number) > 255) {
      return { kind: 'invalid', message: `IPv4 host "${host}": part "${labels[i]}" is greater than 255` };
    }
  }
  const lastMax = 256 ** (4 - last);
  if ((values[last] as number) >= lastMax) {
    return {
      kind: 'invalid',
      message: `IPv4 host "${host}": last part "${labels[last]}" is greater than ${lastMax - 1}`,
    };
  }
  let n = values[last] as number;
  for (let i = 0; i < last; i++) n += (values[i] as number) * 256 ** (3 - i);
  return { kind: 'ipv4', address: `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}` };
}
