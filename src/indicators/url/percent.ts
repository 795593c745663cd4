/**
 * Percent-decoding to a fixed point and the Safe Browsing re-escaping, on "byte strings": JS strings
 * whose char codes are all <= 0xFF, one per octet (Node's `latin1` encoding). Working on octets keeps
 * `%C3%BC` and a literal `ü` the same thing, as the Safe Browsing rules require.
 */

const HEX = '0123456789ABCDEF';
// Regex scans run in native code, several times faster per character than a charCodeAt loop, so
// the common case (nothing to convert, nothing to escape) is decided by one test() each.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at NUL
const NON_ASCII = /[^\x00-\x7f]/;
const NEEDS_ESCAPE = /[^\x21-\x7e]|[#%]/;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** UTF-8 octets of `s` as a byte string; ASCII input comes back as is. */
export function toByteString(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/**
 * Percent-unescapes `s` repeatedly until no `%XX` is left (`%252525` -> `%`), in one linear pass.
 *
 * Decoding an escape can only create a new escape that ends at the decoded octet (`%2%35` -> `%25`),
 * so the output is kept as a stack and only its top three octets are re-examined after each push.
 * Escapes never overlap (a `%` is not a hex digit), so this gives the same result as decoding the
 * whole string over and over, without the quadratic cost of doing so on `%25252525...`.
 */
export function unescapeFully(s: string): string {
  if (s.indexOf('%') < 0) return s;
  const out = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    out[n++] = s.charCodeAt(i);
    while (n >= 3 && out[n - 3] === 37) {
      const hi = hexValue(out[n - 2] as number);
      const lo = hexValue(out[n - 1] as number);
      if (hi < 0 || lo < 0) break;
      n -= 2;
      out[n - 1] = hi * 16 + lo;
    }
  }
  return out.toString('latin1', 0, n);
}

function mustEscape(c: number): boolean {
  return c <= 0x20 || c >= 0x7f || c === 35 /* # */ || c === 37 /* % */;
}

/** Escapes octets <= 0x20, >= 0x7F, `#` and `%` as `%XX` (upper-case hex), as Safe Browsing does. */
export function escapeBytes(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!mustEscape(c)) continue;
    out += `${s.slice(start, i)}%${HEX[c >> 4]}${HEX[c & 15]}`;
    start = i + 1;
  }
  return out + s.slice(start);
}

/** Shows an octet in a message: printable ASCII as itself, anything else as `\xNN`. */
export function showByte(c: number): string {
  return c > 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
}

/** At most 32 octets of `s` for a message, non-printable ones as `\xNN`. */
export function shown(s: string): string {
  let out = '';
  for (let i = 0; i < s.length && i < 32; i++) out += showByte(s.charCodeAt(i));
  return s.length > 32 ? `${out}...` : out;
}
