/**
 * How often `lookalike_domains` fires under email/3's rule (message-signals.ts `imitatedBrand`, which
 * v1-v5 learned) and under email/7's (lookalike-links.ts), per source of an export, and which hosts
 * set it: the measurement behind the email/7 candidate (models/email/README.md, "Look-alike
 * candidate"). Reads the raw messages the export kept (rows.tsv, eml-gz-b64) and parses them again.
 *
 *   npx tsx scripts/email/count-lookalike-v7.ts --export models/training/.work/email-lk [--top 15] [--out FILE]
 *
 * Prints (or writes) one JSON object: per source its label, messages, messages setting the fact under
 * each rule, and the hosts email/7 counts (and those only email/3 counted) with their message counts;
 * for email/7 also the messages where the own-domain rule alone took a host away.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { imitatedBrandV7 } from '../../src/indicators/email/lookalike-links';
import { lookalikeHosts } from '../../src/indicators/email/message-features-v7';
import { messageSignals } from '../../src/indicators/email/message-signals';
import { parseEmail } from '../../src/indicators/email/parse-email';
import { decodeRawEmail } from '../../src/scoring/pipelines/email';

const { values: args } = parseArgs({
  options: { export: { type: 'string' }, top: { type: 'string', default: '15' }, out: { type: 'string' } },
});
if (args.export === undefined) throw new Error('--export DIR is required');

interface Tally {
  label: string;
  messages: number;
  v3: number;
  v7: number;
  ownRuleOnly: number;
  v7Hosts: Map<string, number>;
  v3OnlyHosts: Map<string, number>;
}
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const top = (m: Map<string, number>) =>
  Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Number(args.top)));

async function main(): Promise<void> {
  const lines = readFileSync(join(args.export as string, 'rows.tsv'), 'utf8').split('\n');
  const head = (lines[0] ?? '').split('\t');
  const col = (n: string) => head.indexOf(n);
  const tallies = new Map<string, Tally>();
  const none = new Set<string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const f = line.split('\t');
    const source = f[col('source')] as string;
    const raw = decodeRawEmail(f[col('indicator')] as string);
    if (raw === undefined) continue;
    const parsed = await parseEmail(raw);
    if (!parsed.ok) continue;
    let t = tallies.get(source);
    if (t === undefined) {
      t = {
        label: f[col('label')] as string,
        messages: 0,
        v3: 0,
        v7: 0,
        ownRuleOnly: 0,
        v7Hosts: new Map(),
        v3OnlyHosts: new Map(),
      };
      tallies.set(source, t);
    }
    t.messages++;
    const old = messageSignals(parsed.value).lookalikeDomains;
    const now = lookalikeHosts(parsed.value);
    if (old.length > 0) t.v3++;
    if (now.length > 0) t.v7++;
    for (const h of now) bump(t.v7Hosts, h);
    for (const h of old) if (!now.includes(h)) bump(t.v3OnlyHosts, h);
    // Hosts the rule would count with no own domains: what the own-domain rule alone took away.
    if (now.length === 0 && old.some((h) => imitatedBrandV7(h, none) !== undefined)) t.ownRuleOnly++;
  }
  const out = {
    command: `npx tsx scripts/email/count-lookalike-v7.ts ${process.argv.slice(2).join(' ')}`,
    sources: Object.fromEntries(
      [...tallies].map(([s, t]) => [
        s,
        {
          label: t.label,
          messages: t.messages,
          email3_set: t.v3,
          email3_share: +(t.v3 / t.messages).toFixed(4),
          email7_set: t.v7,
          email7_share: +(t.v7 / t.messages).toFixed(4),
          email7_unset_by_own_domain_rule_alone: t.ownRuleOnly,
          email7_hosts: top(t.v7Hosts),
          email3_only_hosts: top(t.v3OnlyHosts),
        },
      ]),
    ),
  };
  const text = `${JSON.stringify(out, null, 2)}\n`;
  if (args.out !== undefined) writeFileSync(args.out, text);
  else process.stdout.write(text);
}

void main();
