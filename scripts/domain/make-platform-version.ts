/**
 * Writes a domain version that serves an earlier one's model with thresholds of its own for platform
 * customer sites (src/training/platform-version.ts), unsigned:
 *
 *   npx tsx scripts/domain/make-platform-version.ts --from models/domain/3 --version 4 \
 *       --result models/training/results/domain-3-platform-slice.json --out models/training/.work/candidate/domain/4
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type PlatformSliceResult, writePlatformVersion } from '../../src/training/platform-version';

const { values: args } = parseArgs({
  options: {
    from: { type: 'string', default: 'models/domain/3' },
    version: { type: 'string', default: '4' },
    result: { type: 'string', default: 'models/training/results/domain-3-platform-slice.json' },
    out: { type: 'string', default: 'models/training/.work/candidate/domain/4' },
  },
});
const result = JSON.parse(readFileSync(args.result, 'utf8')) as PlatformSliceResult;
writePlatformVersion({ from: args.from, out: args.out, version: Number(args.version), result });
console.log(`${args.out}: domain v${args.version} from ${args.from}, unsigned`);
