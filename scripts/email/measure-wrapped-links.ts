/**
 * What the served stack answers for mail gateways' wrapped links inside real mail: the messages of
 * every source in `--sources` that hold a Proofpoint, Safe Links, Google redirect or Mimecast link,
 * scored whole by the in-process app (as eval-served.ts does), counted per label:
 *
 *   nice -n 19 npx tsx scripts/email/measure-wrapped-links.ts [--data ../shared/data] \
 *       [--sources models/training/email-3-sources.json] [--models models]
 *
 * Prints one JSON line per label: messages and their served verdicts, URL indicators, those that are
 * (or were) wrappers, malicious URL indicators, malicious and suspicious-or-above wrapped ones, and
 * messages that cite a malicious URL; then the distinct wrapped links still malicious. Run it on a
 * checkout before a change and after it: the legitimate line should lose flagged wrappers, the
 * malicious one keep its verdicts.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readMessages, withoutMboxLine } from '../../src/training/email-messages';
import { modelOptions, openApp } from './in-process-app';

const { values: args } = parseArgs({
  options: {
    ...modelOptions,
    sources: { type: 'string', default: 'models/training/email-3-sources.json' },
    data: { type: 'string', default: '../shared/data' },
  },
});

// The gateways' hosts as written in mail (the wrapper's own text, before any decoding).
const WRAPPER = /urldefense|safelinks\.protection|google\.com\/url\?|mimecast\.com\/s\//;
const CHUNK = 50;

interface Counts {
  messages: number;
  verdicts: Record<string, number>;
  urls: number;
  wrapped: number;
  maliciousUrls: number;
  maliciousWrapped: number;
  suspiciousOrAboveWrapped: number;
  messagesCitingMaliciousUrl: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(args.sources as string, 'utf8')) as {
    sources: (Parameters<typeof readMessages>[0] & { label: 'benign' | 'malicious' })[];
  };
  const app = await openApp(args);
  const stillFlagged = new Map<string, number>();
  for (const label of ['benign', 'malicious'] as const) {
    const c: Counts = {
      messages: 0,
      verdicts: {},
      urls: 0,
      wrapped: 0,
      maliciousUrls: 0,
      maliciousWrapped: 0,
      suspiciousOrAboveWrapped: 0,
      messagesCitingMaliciousUrl: 0,
    };
    const raws = spec.sources
      .filter((s) => s.label === label)
      .flatMap((s) => readMessages(s, args.data as string))
      .map((m) => withoutMboxLine(m.raw))
      .filter((raw) => WRAPPER.test(raw.toString('latin1')));
    for (let i = 0; i < raws.length; i += CHUNK) {
      const chunk = raws.slice(i, i + CHUNK).map((raw, k) => ({ id: String(i + k), raw }));
      for (const r of await app.emails.scoreEmails(chunk, 'full')) {
        if (r.verdict === undefined) continue;
        c.messages++;
        c.verdicts[r.verdict] = (c.verdicts[r.verdict] ?? 0) + 1;
        let cites = false;
        for (const { result: x } of r.indicators) {
          if (x.kind !== 'url') continue;
          // Before unwrapping the indicator is the wrapper; after, its reasons say it was one.
          const wrapped = WRAPPER.test(x.indicator) || x.reasons.some((q) => q.code.startsWith('WRAPPED_LINK'));
          c.urls++;
          if (wrapped) c.wrapped++;
          if (wrapped && x.verdict !== 'benign') c.suspiciousOrAboveWrapped++;
          if (x.verdict !== 'malicious') continue;
          c.maliciousUrls++;
          cites = true;
          if (!wrapped) continue;
          c.maliciousWrapped++;
          if (label === 'benign') stillFlagged.set(x.indicator, (stillFlagged.get(x.indicator) ?? 0) + 1);
        }
        if (cites) c.messagesCitingMaliciousUrl++;
      }
    }
    console.log(JSON.stringify({ label, ...c }));
  }
  await app.close();
  for (const [url, n] of [...stillFlagged].sort((a, b) => b[1] - a[1])) console.log(`${n}\t${url}`);
}

void main();
