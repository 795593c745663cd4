/**
 * The real URLs the load generator sends (`loadgen -kind url -urls FILE`): the url column of the
 * labelled training list (../shared/data/urls/urls_train.csv.gz, see its SOURCES.md), one per line.
 * The load generator adds a counter to each, so the list's size does not bound the unique values.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { splitUrlCsvLine } from '../training/url-rows';

/** The url column of a `url,label,source,year` CSV (with its header line); lines without it are skipped. */
export function urlsOfCsv(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    // One URL per output line: the list holds no URL with a control character (SOURCES.md), and the
    // generator would take a stray one as two values.
    const url = splitUrlCsvLine(line.trimEnd(), 4)?.[0]?.trim();
    if (url !== undefined && url !== '' && !/[\r\n]/.test(url)) out.push(url);
  }
  return out;
}

/** Writes the URLs of a gzip CSV to `file`, one per line; returns how many. */
export function writeUrlList(csvGz: string, file: string): number {
  const urls = urlsOfCsv(gunzipSync(readFileSync(csvGz)).toString('utf8'));
  if (urls.length === 0) throw new Error(`no URL in ${csvGz}`);
  writeFileSync(file, `${urls.join('\n')}\n`);
  return urls.length;
}
