/**
 * The raw messages of an email training source (models/training/email-*-sources.json) as the export
 * reads them: a folder of files, a tar.gz of .eml, or a tar.gz of HTML bodies wrapped as header-less
 * messages; the stable sample a source's `sample` keeps; and the site key the split is made on.
 * src/training/export-email.ts trains on them; scripts/email/eval-served.ts scores every message of
 * the same sources end to end and needs to know which of them a version was trained on.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ParsedEmail } from '../indicators/email/types';
import { stableUnit } from './sources';

export interface EmailSource {
  name: string;
  /** The collection a source belongs to (spamassassin for its five folders); default: the source's name. */
  corpus?: string;
  kind: 'dir' | 'tar.gz' | 'html-bodies';
  path: string;
  pattern?: string;
  /** A stable sample of at most this many messages of the source. */
  sample?: number;
  /** html-bodies: the manifest CSV beside the archive (rows with role/format say which members are HTML). */
  manifest?: string;
  /** dir: also the files in its subfolders (one folder per language), named by their path under `path`. */
  recursive?: boolean;
  /**
   * Only the members whose first path segment is one of these: an organisation's templates (html-bodies),
   * a product's languages (a recursive dir). Splits one collection into parts that train and parts that
   * evaluate, so no organisation is on both sides.
   */
  folders?: string[];
  label: 'benign' | 'malicious';
  license: string;
  origin: string;
}

const FREEMAIL_SPLIT = new Set([
  'gmail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'aol.com',
  'live.com',
  'msn.com',
  'yandex.ru',
  'mail.ru',
]);

/** The regular files of a tar archive (ustar and GNU long names), in archive order. */
export function* tarEntries(tar: Buffer): Generator<{ name: string; data: Buffer }> {
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, b: number) => h.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(str(124, 136).trim() || '0', 8);
    const type = String.fromCharCode(h[156] ?? 0);
    const prefix = str(257, 263).startsWith('ustar') ? str(345, 500) : '';
    const data = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      // A pax extended header: its `path` record names the next member (names over 100 bytes).
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (path !== null) longName = path[1];
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    longName = undefined;
    if (type === '0' || type === '\0') yield { name, data };
  }
}

/** An mbox `From ` separator line is the archive's, not the message's. */
export function withoutMboxLine(raw: Buffer): Buffer {
  if (raw.subarray(0, 5).toString('latin1') !== 'From ') return raw;
  const nl = raw.indexOf(0x0a);
  return nl < 0 ? raw : raw.subarray(nl + 1);
}

/**
 * The template bodies' constant filler person (SOURCES.md: every rendering uses the same name and
 * address), removed so that no word of it can stand for "legitimate".
 */
const FILLER = /alex\.morgan@example\.com|\balex\s+morgan\b|\bmorgan\b|\balex\b/gi;

/**
 * An HTML body as a message with no header but its content type: no From, Subject, Date or
 * Received, so no header of a fixed synthetic set can stand for "legitimate" (features email/2 read
 * no header presence).
 */
export function bodyAsMessage(html: string): Buffer {
  return Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html.replace(FILLER, '')}`, 'utf8');
}

/** Members that are HTML bodies: renderings, and templates that are plain HTML already. */
function htmlMembers(manifest: string): Set<string> {
  const keep = new Set<string>();
  for (const line of readFileSync(manifest, 'utf8').split(/\r?\n/).slice(1)) {
    const cols = line.split(',');
    if (cols.length < 3) continue;
    const [role, format] = cols.slice(-2);
    if ((role === 'rendered' && format === 'html') || (role === 'template' && format === 'html')) keep.add(cols[0]!);
  }
  return keep;
}

/** The files under `dir` whose names end in `ext`, as paths relative to it, sorted at each level. */
function filesUnder(dir: string, ext: string, recursive: boolean, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    if (recursive && statSync(join(dir, rel)).isDirectory()) out.push(...filesUnder(dir, ext, true, rel));
    else if (name.endsWith(ext)) out.push(rel);
  }
  return out;
}

/** Every message of a source as its file holds it (html-bodies: each body wrapped as a message). */
export function readMessages(s: EmailSource, data: string): { file: string; raw: Buffer }[] {
  const all = readAll(s, data);
  if (s.folders === undefined) return all;
  const keep = new Set(s.folders);
  return all.filter((m) => keep.has(m.file.split('/')[0] ?? ''));
}

function readAll(s: EmailSource, data: string): { file: string; raw: Buffer }[] {
  if (s.kind === 'html-bodies') {
    const keep = htmlMembers(join(data, s.manifest ?? ''));
    const tar = gunzipSync(readFileSync(join(data, s.path)));
    return [...tarEntries(tar)]
      .filter((e) => keep.has(e.name))
      .map((e) => ({ file: e.name, raw: bodyAsMessage(e.data.toString('utf8')) }));
  }
  if (s.kind === 'dir') {
    const dir = resolve(s.path);
    return filesUnder(dir, s.pattern ?? '.eml', s.recursive === true).map((f) => ({
      file: f,
      raw: readFileSync(join(dir, f)),
    }));
  }
  const tar = gunzipSync(readFileSync(join(data, s.path)));
  return [...tarEntries(tar)]
    .filter((e) => e.name.endsWith('.eml'))
    .map((e) => ({ file: e.name, raw: Buffer.from(e.data) }));
}

/** The stable sample of at most `cap` messages a source's `sample` keeps (the same for every run). */
export function stableSample<T extends { file: string }>(source: string, messages: T[], cap: number): T[] {
  if (messages.length <= cap) return messages;
  return messages
    .map((m) => ({ m, k: stableUnit(`${source}:${m.file}`) }))
    .sort((a, b) => a.k - b.k)
    .slice(0, cap)
    .map((x) => x.m);
}

/**
 * The key a message is split on: the From address's registrable domain (the whole address on a big free
 * mailbox provider), else its display name (`splitByName`, email/2 on: the R-list archive obfuscates
 * addresses), else the message's hash; a template body by its organisation (the member's folder).
 */
export function siteKey(
  s: EmailSource,
  file: string,
  raw: Buffer,
  email: ParsedEmail,
  fromDomain: string,
  splitByName: boolean,
): string {
  const top = email.messages[0];
  const from = top?.from?.address.toLowerCase() ?? '';
  const name = (top?.from?.name ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  if (s.kind === 'html-bodies') return `template:${file.split('/')[0]}`;
  if (fromDomain !== '') return FREEMAIL_SPLIT.has(fromDomain) ? from : fromDomain;
  if (name !== '' && splitByName) return `name:${name}`;
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}
