/**
 * An address's or a domain's name in a From display name, in linear time. What the signals used before:
 *
 *   ADDRESS_IN_TEXT = /[^\s<>"'@]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)/i
 *   DOMAIN_IN_TEXT = /\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b/i
 *
 * Both are quadratic on hostile names (a 40,000-character run without '@' cost ADDRESS_IN_TEXT ~4.4 s,
 * `'a.'.repeat(20000) + '1'` cost DOMAIN_IN_TEXT ~3 s), and a header may be as long as the parser
 * allows. These return exactly the regexes' first capture of their first match (undefined for none).
 * Without the u flag, /i makes [a-z] match A-Z and a-z only, and \b's word characters are [A-Za-z0-9_].
 */

const RUN = /[^\s<>"'@]+/gi;
const DOMAIN = /[a-z0-9-]+(?:\.[a-z0-9-]+)+/iy;

/** A run of [^\s<>"'@] that an address match can start in: [start, end) the local part, the domain to `matchEnd`. */
export interface AddressRun {
  start: number;
  end: number;
  matchEnd: number;
}

/**
 * The runs of [^\s<>"'@] that `[^\s<>"'@]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)` can match from, in order, at
 * most `max`. A match starting anywhere in such a run ends its local part at the run's end (the class
 * has no '@'), so it exists exactly when the run is followed by '@' and a domain, and then from every
 * position of the run; the domain is the greedy match after the '@'.
 */
export function addressRuns(text: string, max = Number.POSITIVE_INFINITY): AddressRun[] {
  const runs: AddressRun[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null && runs.length < max; m = RUN.exec(text)) {
    const end = m.index + m[0].length;
    if (text.charCodeAt(end) !== 0x40) continue; // '@'
    DOMAIN.lastIndex = end + 1;
    const d = DOMAIN.exec(text);
    if (d !== null) runs.push({ start: m.index, end, matchEnd: end + 1 + d[0].length });
  }
  return runs;
}

/** `ADDRESS_IN_TEXT.exec(text)?.[1]`: the domain of the first address run (addressRuns). */
export function addressDomainIn(text: string): string | undefined {
  const first = addressRuns(text, 1)[0];
  return first === undefined ? undefined : text.slice(first.end + 1, first.matchEnd);
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isWord(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function isLabel(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}

/**
 * `DOMAIN_IN_TEXT.exec(text)?.[1]`. From a start p, each group (label then '.') is fixed by the dots: a
 * label ends only at a non-label character, which must be the '.'. The regex takes as many groups as
 * the chain of labels allows and gives them back one by one; after the k-th dot, [a-z]{2,}\b succeeds
 * exactly when the letter run there is 2 or more long and followed by a non-word character or the end
 * (a shorter take ends between two letters). So a start before a label's dot ends its match at the
 * furthest success in the chain after that dot, the same for every start in the label; the first match
 * starts at the first \b of the first label whose chain has a success.
 */
export function domainIn(text: string): string | undefined {
  const n = text.length;
  // Maximal runs of label characters that a '.' follows: [start, dot).
  const starts: number[] = [];
  const dots: number[] = [];
  for (let i = 0; i < n; ) {
    if (!isLabel(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isLabel(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 0x2e) {
      starts.push(start);
      dots.push(i);
    }
  }
  // ends[j]: where the match ends for a start in run j (-1: no match), the furthest success after its dot.
  const ends = new Array<number>(starts.length).fill(-1);
  for (let j = starts.length - 1; j >= 0; j--) {
    const q = (dots[j] as number) + 1;
    if (j + 1 < starts.length && starts[j + 1] === q && (ends[j + 1] as number) >= 0) {
      ends[j] = ends[j + 1] as number;
      continue;
    }
    let e = q;
    while (e < n && isLetter(text.charCodeAt(e))) e++;
    if (e - q >= 2 && (e === n || !isWord(text.charCodeAt(e)))) ends[j] = e;
  }
  for (let j = 0; j < starts.length; j++) {
    const end = ends[j] as number;
    if (end < 0) continue;
    const dot = dots[j] as number;
    for (let p = starts[j] as number; p < dot; p++) {
      const before = p > 0 && isWord(text.charCodeAt(p - 1));
      if (before !== isWord(text.charCodeAt(p))) return text.slice(p, end);
    }
  }
  return undefined;
}
