/**
 * How many messages set `brand_shown_not_linked` under email/3 (served by v3) and under email/6
 * (which no longer reads email addresses), grouped by the addressee's mailbox domain. Measures what
 * the correction changes on a set of files (Ghost's member mail, phishing_pot) before retraining.
 *
 *   npx tsx scripts/email/count-brand-fact.ts /work/notes/ham-extra/ghost/ghost-* /tmp/pot/*.eml
 *   (directories are read for their .eml files)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  EMAIL_V3_FEATURE_COUNT,
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
} from '../../src/indicators/email/message-features-v3';
import { emailFeaturesV6 } from '../../src/indicators/email/message-features-v6';
import { parseEmail } from '../../src/indicators/email/parse-email';

const COLUMN = EMAIL_V3_FEATURE_NAMES.indexOf('brand_shown_not_linked');

function files(args: string[]): string[] {
  return args.flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => join(a, f))
      : [a],
  );
}

async function main(): Promise<void> {
  const groups = new Map<string, { n: number; v3: number; v6: number }>();
  const add = (key: string, v3: boolean, v6: boolean) => {
    const g = groups.get(key) ?? { n: 0, v3: 0, v6: 0 };
    g.n++;
    if (v3) g.v3++;
    if (v6) g.v6++;
    groups.set(key, g);
  };
  let unparsed = 0;
  for (const file of files(process.argv.slice(2))) {
    const r = await parseEmail(readFileSync(file));
    if (!r.ok) {
      unparsed++;
      continue;
    }
    const row = new Float32Array(EMAIL_V3_FEATURE_COUNT);
    emailFeaturesV3(r.value, row, 0, null);
    const v3 = row[COLUMN] === 1;
    emailFeaturesV6(r.value, row, 0, null);
    const v6 = row[COLUMN] === 1;
    const to = r.value.messages[0]?.to[0]?.address?.toLowerCase() ?? '';
    add('all', v3, v6);
    add(`to:${to.includes('@') ? to.slice(to.lastIndexOf('@') + 1) : '(none)'}`, v3, v6);
  }
  console.log('group\tmessages\temail/3 set\temail/6 set');
  const rows = [...groups].sort((a, b) => b[1].n - a[1].n);
  for (const [key, g] of rows) console.log(`${key}\t${g.n}\t${g.v3}\t${g.v6}`);
  if (unparsed > 0) console.log(`unparsed\t${unparsed}`);
}

void main();
