/**
 * `text.replace(URLS, ' ')` for the text models' URL and address removal, with
 *
 *   URLS = /\b(?:https?:\/\/|www\.)\S+|[^\s<>"'@]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi
 *
 * in linear time. The regex itself is quadratic on a long run without spaces and without an address:
 * at every position of the run the address alternative scans to the run's end before failing (a
 * 100,000-character body of one run cost ~15 s of CPU on the event loop). Same matches: the address
 * alternative matches from every position of an address run (text-domains.ts, addressRuns) and nowhere
 * else; the URL alternative is tried first at a position, as in the regex.
 */
import { addressRuns } from './text-domains';

const URL_AT = /\b(?:https?:\/\/|www\.)\S+/gi;

export function replaceUrls(text: string, by: string): string {
  const runs = addressRuns(text);
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
