/**
 * `text.replace(URLS, ' ')` for the text models' URL and address removal, with
 *
 *   URLS = /\b(?:https?:\/\/|www\.)\S+|[^\s<>"'@]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi
 *
 * in linear time. The regex itself is quadratic on a long run without spaces and without an address:
 * at every position of the run the address alternative scans to the run's end before failing (a
 * 100,000-character body of one run cost ~15 s of CPU on the event loop). Same matches: an address
 * match starting anywhere in a run of [^\s<>"'@] ends its local part at that run's end (the class has
 * no '@'), so it exists exactly when the run is followed by '@' and a domain, and then from every
 * position of the run; the URL alternative is tried first at a position, as in the regex.
 */
const URL_AT = /\b(?:https?:\/\/|www\.)\S+/gi;
const RUN = /[^\s<>"'@]+/gi;
const DOMAIN = /[a-z0-9-]+(?:\.[a-z0-9-]+)+/iy;

export function replaceUrls(text: string, by: string): string {
  // Runs an address can start in: [start, end) of local-part characters, the match's end after the domain.
  const runs: { start: number; end: number; matchEnd: number }[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const end = m.index + m[0].length;
    if (text.charCodeAt(end) !== 0x40) continue; // '@'
    DOMAIN.lastIndex = end + 1;
    const d = DOMAIN.exec(text);
    if (d !== null) runs.push({ start: m.index, end, matchEnd: end + 1 + d[0].length });
  }
  let out = '';
  let copied = 0;
  let pos = 0;
  let run = 0;
  let url: RegExpExecArray | null | undefined; // the first URL match at or after pos (null: none left)
  for (;;) {
    while (run < runs.length && (runs[run] as (typeof runs)[number]).end <= pos) run++;
    const address = runs[run];
    const addressAt = address === undefined ? -1 : Math.max(address.start, pos);
    if (url !== null && (url === undefined || url.index < pos)) {
      URL_AT.lastIndex = pos;
      url = URL_AT.exec(text);
    }
    let at: number;
    let end: number;
    if (url !== null && (addressAt < 0 || url.index <= addressAt)) {
      at = url.index;
      end = at + url[0].length;
    } else if (address !== undefined) {
      at = addressAt;
      end = address.matchEnd;
    } else break;
    out += text.slice(copied, at) + by;
    copied = end;
    pos = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
