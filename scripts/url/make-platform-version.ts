/**
 * Writes a URL version that serves an earlier one's model with thresholds of its own for URLs on
 * platform customer sites (src/indicators/url/platform-slice.ts, src/training/platform-version.ts),
 * unsigned (the lead signs it with `npm run models:sign`):
 *
 *   npx tsx scripts/url/make-platform-version.ts --from models/url/3 --version 4 \
 *       --result models/training/results/url-3-platform-slice.json --out models/url/4
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type PlatformSliceResult, writePlatformVersion } from '../../src/training/platform-version';

const { values: args } = parseArgs({
  options: {
    from: { type: 'string', default: 'models/url/3' },
    version: { type: 'string', default: '4' },
    result: { type: 'string', default: 'models/training/results/url-3-platform-slice.json' },
    out: { type: 'string', default: 'models/url/4' },
  },
});
const result = JSON.parse(readFileSync(args.result, 'utf8')) as PlatformSliceResult;
writePlatformVersion({
  from: args.from,
  out: args.out,
  version: Number(args.version),
  result,
  appliesTo:
    'URLs whose host is a customer site of a platform (PSL private suffix or shared hosting, not dynamic DNS; raw.githubusercontent.com is one) with no lure evidence: no brand (a customer name that is exactly a brand name included), lookalike, phishing keyword, crypto brand or word in the host; no brand, other host name or URL, sign-in or account word, "@" or e-mail address in the path or query; not a program or archive file (shell scripts excepted)',
});
console.log(`${args.out}: url v${args.version} from ${args.from}, unsigned`);
