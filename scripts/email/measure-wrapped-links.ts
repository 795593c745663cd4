/**
 * What the served stack answers for mail gateways' wrapped links inside real mail: the messages of
 * every source in `--sources` that hold a gateway's link (Proofpoint, Safe Links, Google redirect,
 * Mimecast, Barracuda, Cisco, Trend Micro, Sophos),
 * scored whole by the in-process app (as eval-served.ts does), counted per label:
 *
 *   nice -n 19 npx tsx scripts/email/measure-wrapped-links.ts [--data ../shared/data] \
 *       [--sources models/training/email-3-sources.json] [--models models]
 *
 * Prints one JSON line per label: messages and their served verdicts, URL indicators, those that are
 * (or were) wrappers, malicious URL indicators, malicious and suspicious-or-above wrapped ones, and
 * messages that cite a malicious URL, the gateways' own hosts reported as domain indicators, and URL
 * indicators that are the end of a wrapper's text (the scanner's second URL out of a v3 link), each
 * also counted apart for wrappers whose target cannot be read; then the
 * distinct wrapped links still malicious. Run it on a checkout before a change and after it: the
 * legitimate line should lose flagged wrappers, the malicious one keep its verdicts. `--verdicts FILE`
 * writes each message's verdict and served score (label, index, verdict, score) to diff between runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readMessages, withoutMboxLine } from '../../src/training/email-messages';
import { modelOptions, openApp } from './in-process-app';

const { values: args } = parseArgs({
  options: {
    ...modelOptions,
    sources: { type: 'string', default: 'models/training/email-3-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    verdicts: { type: 'string' },
  },
});

// The gateways' hosts as written in mail (the wrapper's own text, before any decoding).
const WRAPPER =
  /urldefense|safelinks\.protection|google\.com\/url\?|mimecast\.com\/s\/|linkprotect\.cudasvc\.com|secure-web\.cisco\.com|trendmicro\.com(?::443)?\/wis\/clicktime|protection\.sophos\.com/;
const CHUNK = 50;
/** The gateways' own hosts (unwrap.ts), as a domain indicator names them. */
const GATEWAY_HOST =
  /^(?:urldefense\.com|urldefense\.proofpoint\.com|urldefense\.us|[a-z0-9-]+\.safelinks\.protection\.outlook\.com|(?:www\.)?google\.com|protect(?:-[a-z0-9]+)?\.mimecast\.com|[a-z0-9.-]+\.mimecastprotect\.com|linkprotect\.cudasvc\.com|secure-web\.cisco\.com|[a-z0-9-]+\.trendmicro\.com|[a-z0-9-]+\.protection\.sophos\.com)$/;

interface Counts {
  messages: number;
  verdicts: Record<string, number>;
  urls: number;
  wrapped: number;
  maliciousUrls: number;
  maliciousWrapped: number;
  suspiciousOrAboveWrapped: number;
  messagesCitingMaliciousUrl: number;
  gatewayHostDomains: number;
  /** Of those, the ones a wrapper in the message whose target cannot be read (cut, Mimecast) is on. */
  gatewayHostDomainsOfUndecoded: number;
  fragmentUrls: number;
  /** URLs cut out of a wrapper whose target cannot be read (a v3 link cut at a line end). */
  fragmentUrlsOfUndecoded: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(args.sources as string, 'utf8')) as {
    sources: (Parameters<typeof readMessages>[0] & { label: 'benign' | 'malicious' })[];
  };
  const app = await openApp(args);
  const stillFlagged = new Map<string, number>();
  const verdictLines: string[] = [];
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
      gatewayHostDomains: 0,
      gatewayHostDomainsOfUndecoded: 0,
      fragmentUrls: 0,
      fragmentUrlsOfUndecoded: 0,
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
        verdictLines.push(`${label}\t${r.id}\t${r.verdict}\t${r.servedScore?.toFixed(4) ?? ''}`);
        c.messages++;
        // A fragment is a URL the scanner cut out of a wrapper's text: the end of the wrapper as written.
        const urls = r.indicators.filter((x) => x.result.kind === 'url');
        const undecoded = urls.filter((x) => x.result.reasons.some((q) => q.code === 'WRAPPED_LINK_UNDECODED'));
        const decoded = urls.filter((x) => x.result.reasons.some((q) => q.code === 'WRAPPED_LINK'));
        const within = (v: string, ws: typeof urls) => ws.some((w) => w.value !== v && w.value.endsWith(v));
        for (const { value } of urls) {
          if (within(value, decoded)) c.fragmentUrls++;
          else if (within(value, undecoded)) c.fragmentUrlsOfUndecoded++;
        }
        for (const x of r.indicators) {
          if (x.result.kind !== 'domain' || !GATEWAY_HOST.test(x.value)) continue;
          c.gatewayHostDomains++;
          if (undecoded.some((w) => w.value.includes(`//${x.value}/`))) c.gatewayHostDomainsOfUndecoded++;
        }
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
  if (args.verdicts !== undefined) writeFileSync(args.verdicts, `${verdictLines.join('\n')}\n`);
  for (const [url, n] of [...stillFlagged].sort((a, b) => b[1] - a[1])) console.log(`${n}\t${url}`);
}

void main();
