/**
 * Which hosts set `lookalike_domains` (email/2 on, message-signals.ts `imitatedBrand`) on a set of
 * messages or HTML bodies, and where in the message each sits (an href or a plain-text link the reader
 * follows, or a resource: stylesheet, image, text). Email v5 is fitted without this fact; this is the
 * measurement behind that (models/email/README.md, "Version 5 candidate").
 *
 *   npx tsx scripts/email/count-lookalike-hosts.ts [--html] [--top 25] FILE_OR_DIR...
 *
 * `--html`: the files are HTML bodies, wrapped as the export wraps them (a Content-Type line, a blank
 * line). Directories are read for `.eml` (or, with --html, `.html`) files. Prints one JSON object:
 * messages read, messages setting the fact, and per host the messages it is found in and in how many
 * of those it is a followed link.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { imitatedBrand, messageSignals } from '../../src/indicators/email/message-signals';
import { parseEmail } from '../../src/indicators/email/parse-email';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { html: { type: 'boolean', default: false }, top: { type: 'string', default: '25' } },
});

/** Where a link the reader follows sits (as email/3's link facts read it). */
const LINK_PLACES = new Set(['html:href', 'html:form-action', 'text']);

function files(paths: string[], ext: string): string[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith(ext))
          .map((f) => join(p, f))
      : [p],
  );
}

function hostOf(value: string): string {
  try {
    return new URL(value).hostname.toLowerCase();
  } catch {
    return value.toLowerCase();
  }
}

async function main(): Promise<void> {
  const hosts = new Map<string, { messages: number; followed: number }>();
  let read = 0;
  let setting = 0;
  for (const f of files(positionals, args.html ? '.html' : '.eml')) {
    let raw = readFileSync(f);
    if (args.html) raw = Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${raw.toString('utf8')}`);
    const parsed = await parseEmail(raw);
    if (!parsed.ok) continue;
    read++;
    const found = messageSignals(parsed.value).lookalikeDomains;
    if (found.length === 0) continue;
    setting++;
    const followed = new Set<string>();
    for (const ind of parsed.value.indicators) {
      if (ind.kind !== 'url' || !ind.foundIn.some((p) => LINK_PLACES.has(p))) continue;
      const h = hostOf(ind.value);
      if (imitatedBrand(h) !== undefined) followed.add(h);
    }
    for (const h of found) {
      const e = hosts.get(h) ?? { messages: 0, followed: 0 };
      e.messages++;
      if (followed.has(h)) e.followed++;
      hosts.set(h, e);
    }
  }
  const top = [...hosts].sort((a, b) => b[1].messages - a[1].messages).slice(0, Number(args.top));
  console.log(JSON.stringify({ read, setting, hosts: Object.fromEntries(top) }, null, 1));
  process.exit(0);
}

void main();
