/**
 * The transport for `watch` without `--server`: batches go straight to the scoring core of an app
 * built in this process. Batches are scored concurrently (the core interleaves them) but answered
 * in the order they were sent, as a stream would.
 */

import type { ScoredItem } from '../scoring/pipeline';
import type { Scorer, View } from '../scoring/scorer';
import type { Answer } from './answer';
import type { Transport } from './transport';

export function answerOfScored(r: ScoredItem): Answer {
  return {
    indicator: r.indicator,
    type: r.kind,
    verdict: r.verdict,
    score: r.score,
    model: r.model === undefined ? undefined : `${r.model.name}/${r.model.version}`,
    reasons: r.reasons,
    error: r.error === undefined ? undefined : { code: r.error.code, reason: r.error.reason, message: r.error.message },
  };
}

export function createInProcessTransport(opts: { scorer: Scorer; view: View; close(): Promise<void> }): Transport {
  return {
    open(events) {
      let tail: Promise<void> = Promise.resolve();
      let open = true;
      return {
        send(items) {
          const scored = opts.scorer.scoreMixed(
            items.map((it, i) => ({ id: String(i), value: it.value, kind: it.type })),
            opts.view,
          );
          tail = tail.then(async () => {
            try {
              const results = await scored;
              if (open) events.answers(results.map(answerOfScored));
            } catch (err) {
              if (open) {
                open = false;
                events.failed(err as Error);
              }
            }
          });
        },
        close() {
          open = false;
        },
      };
    },
    close: opts.close,
  };
}
