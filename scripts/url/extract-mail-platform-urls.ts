/**
 * The URLs on hosting platforms' customer sites (src/indicators/url/platform-slice.ts) that legitimate
 * mail links to: every message of the benign mail sources of --sources (the R-project and Cygwin list
 * archives), parsed as the service parses an email, and the URL indicators it reports. An evaluation
 * list for the URL platform slice (personal and project sites people cite in list mail), one URL a
 * line with the number of messages citing it, for scripts/url/measure-url-list.ts:
 *
 *   nice -n 19 npx tsx scripts/url/extract-mail-platform-urls.ts --out models/training/.work/probes/mail-platform-urls.txt
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEmail } from '../../src/indicators/email/parse-email';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import { isPlatformUrl } from '../../src/indicators/url/platform-slice';
import { readMessages } from '../../src/training/email-messages';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: 'models/training/email-3-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: 'models/training/.work/probes/mail-platform-urls.txt' },
  },
});

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(args.sources, 'utf8')) as {
    sources: (Parameters<typeof readMessages>[0] & { name: string; label: 'benign' | 'malicious'; kind: string })[];
  };
  const cited = new Map<string, number>();
  let messages = 0;
  for (const s of spec.sources.filter((x) => x.label === 'benign' && x.kind === 'tar.gz')) {
    for (const m of readMessages(s, args.data)) {
      const p = await parseEmail(m.raw);
      if (!p.ok) continue;
      messages++;
      const urls = new Set<string>();
      for (const ind of p.value.reported) {
        if (ind.kind !== 'url') continue;
        const u = canonicalizeUrl(ind.value);
        if (u.ok && isPlatformUrl(u.value)) urls.add(u.value.url);
      }
      for (const u of urls) cited.set(u, (cited.get(u) ?? 0) + 1);
    }
  }
  const list = [...cited.keys()].sort();
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${list.join('\n')}\n`);
  console.log(`${list.length} platform URLs cited in ${messages} legitimate messages -> ${args.out}`);
}

void main();
