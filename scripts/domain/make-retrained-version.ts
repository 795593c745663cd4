/**
 * Writes a domain version whose model train.sh made (its own model.onnx, assets, golden rows) with the
 * serving rules of an earlier version re-derived for it (src/training/platform-version.ts
 * writeRetrainedVersion): platform customer slice thresholds from a measure-platform-slice.ts run on
 * this model, and the platforms' own names rule. Unsigned: the lead signs what is published.
 *
 *   npx tsx scripts/domain/make-retrained-version.ts --model models/training/.work/candidate-resolver/domain/6 \
 *       --rules-from models/domain/5 --slice models/training/results/domain-resolver-candidate-platform-slice.json \
 *       [--evaluation models/training/results/domain-resolver-candidate-resolver-hosts.json] --out models/training/.work/candidate-resolver/domain/6-served
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeRetrainedVersion } from '../../src/training/platform-version';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/training/.work/candidate-resolver/domain/6' },
    'rules-from': { type: 'string', default: 'models/domain/5' },
    slice: { type: 'string', default: 'models/training/results/domain-resolver-candidate-platform-slice.json' },
    evaluation: { type: 'string' },
    out: { type: 'string', default: 'models/training/.work/candidate-resolver/domain/6-served' },
  },
});
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
writeRetrainedVersion({
  model: args.model,
  rulesFrom: args['rules-from'],
  out: args.out,
  slice: json(args.slice),
  ...(args.evaluation === undefined ? {} : { evaluation: json(args.evaluation) }),
});
console.log(`${args.out}: ${args.model}'s model with ${args['rules-from']}'s serving rules, unsigned`);
