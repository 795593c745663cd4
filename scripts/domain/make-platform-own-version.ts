/**
 * Writes a domain version that answers hosting platforms' own names benign by rule
 * (src/training/platform-version.ts, `writePlatformOwnVersion`), unsigned, optionally recording the
 * measure-long-tail.ts result that measured it:
 *
 *   npx tsx scripts/domain/make-platform-own-version.ts --from models/domain/4 --version 5 \
 *       --out models/training/.work/candidate/domain/5 [--evaluation models/training/results/domain-5-long-tail-debian-psl.json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writePlatformOwnVersion } from '../../src/training/platform-version';

const { values: args } = parseArgs({
  options: {
    from: { type: 'string', default: 'models/domain/4' },
    version: { type: 'string', default: '5' },
    out: { type: 'string', default: 'models/training/.work/candidate/domain/5' },
    evaluation: { type: 'string' },
  },
});
const evaluation = args.evaluation === undefined ? undefined : summary(args.evaluation);
writePlatformOwnVersion({ from: args.from, out: args.out, version: Number(args.version), evaluation });
console.log(`${args.out}: domain v${args.version} from ${args.from}, unsigned`);

/** The command and each source's unseen figures of a measure-long-tail.ts result. */
function summary(path: string): Record<string, unknown> {
  const r = JSON.parse(readFileSync(path, 'utf8'));
  const sources: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(r.sources as Record<string, Record<string, unknown>>))
    sources[name] = {
      unseen: s.unseen,
      unseen_platform_own: s.unseen_platform_own,
      unseen_on_platform: s.unseen_on_platform,
    };
  return { command: r.command, sources };
}
