/**
 * Scores raw email messages end to end, batch-first: parse every message in the worker pool (size,
 * depth and time limits), score every indicator of every message as one mixed batch through the
 * scorer, then run the message model once over all the messages' feature rows.
 *
 * Serving rules on top of the message model (the model itself never sees another model's score, so
 * retraining the URL or domain model cannot invalidate it):
 * - EMBEDDED_MALICIOUS_INDICATOR: indicators found in a body, an HTML part, an attachment or the
 *   From/Reply-To/Sender headers that their own model calls malicious raise the message's score in
 *   proportion to the message's own evidence and where they sit (email-evidence.ts); one bad name
 *   alone no longer decides. The reason names them with their scores. Received and X-Originating-IP
 *   hops, To and Cc are not counted (the receiving side's infrastructure and the victims are not the
 *   sender's choice). `score` stays the message model's; the verdict is read off the combined score.
 * - AUTHENTICATION_FAILED: spf/dkim/dmarc `fail` in the top message's Authentication-Results is a
 *   reason only. It is not a model feature: in the training corpora those headers mark the mailbox the
 *   mail was collected in, not phishing (models/email/README.md).
 * - Crypto wallets get no score (no model scores them); they are reported with the reason
 *   CRYPTO_WALLET and count as a feature of the message model.
 */

import { itemError, type PredictError, toPredictError } from '../errors';
import { explainEmail } from '../indicators/email/message-explain';
import { messageSignals } from '../indicators/email/message-signals';
import type { ParsePool, ParseRequest } from '../indicators/email/parse-pool';
import type { ExtractedIndicator, ParsedEmail } from '../indicators/email/types';
import type { Reason, Verdict } from '../indicators/types';
import type { ItemCounts } from '../metrics/items';
import { combineEvidence } from './email-evidence';
import type { ModelRepository } from './model-repository';
import { pipelineForFeatures, type ScoredItem } from './pipeline';
import { emailPipeline } from './pipelines/email';
import type { GenericItem, Scorer, View } from './scorer';
import { verdictOf } from './verdict';

export interface EmailInput {
  id: string;
  raw: Buffer;
}

export interface ScoredIndicator {
  result: ScoredItem;
  /** The value as extracted and sent (`result.indicator` is what was scored: canonical, maybe unwrapped). */
  value: string;
  foundIn: string[];
}

export interface EmailResult {
  id: string;
  score?: number | undefined;
  /**
   * The score the verdict was read from: the message model's, raised by the embedded indicators
   * (email-evidence.ts). In-process only (evaluation scripts); the wire carries `score`.
   */
  servedScore?: number | undefined;
  verdict?: Verdict | undefined;
  model?: { name: string; version: number } | undefined;
  reasons: Reason[];
  /** The parse, when the message parsed (even if it could not be scored). */
  parsed?: ParsedEmail | undefined;
  indicators: ScoredIndicator[];
  error?: PredictError | undefined;
}

export interface EmailScorer {
  /** `request` says who asks, until when, and carries the call's cancellation (see ParseRequest). */
  scoreEmails(items: readonly EmailInput[], view: View, request?: ParseRequest): Promise<EmailResult[]>;
}

export interface EmailScorerOptions {
  parser: ParsePool;
  scorer: Scorer;
  repository: ModelRepository;
  /** Messages answered per verdict (type email_message; src/metrics); none when metrics are off. */
  items?: ItemCounts | undefined;
}

const RULE_FOUND_IN_EXCLUDED = new Set(['header:received', 'header:x-originating-ip', 'header:to', 'header:cc']);
const RANK: Record<Verdict, number> = { benign: 0, suspicious: 1, malicious: 2 };
/** Malicious indicators named in a message's reasons; the full list is in `indicators`. */
const MAX_CITED = 5;

function walletResult(ind: ExtractedIndicator): ScoredItem {
  return {
    id: '',
    indicator: ind.value,
    kind: 'crypto_wallet',
    reasons: [
      { code: 'CRYPTO_WALLET', message: 'a cryptocurrency wallet address; no model scores wallets', weight: 0 },
    ],
  };
}

function authFailures(email: ParsedEmail): string[] {
  const top = email.messages[0];
  if (top === undefined) return [];
  const failed = top.authenticationResults.filter(
    (a) => ['spf', 'dkim', 'dmarc'].includes(a.method.toLowerCase()) && /^(fail|softfail|permerror)$/i.test(a.result),
  );
  return [...new Set(failed.map((a) => `${a.method.toLowerCase()}=${a.result.toLowerCase()}`))];
}

export function createEmailScorer(opts: EmailScorerOptions): EmailScorer {
  async function scoreIndicators(parsed: (ParsedEmail | undefined)[], view: View): Promise<ScoredIndicator[][]> {
    const batch: GenericItem[] = [];
    const where: { msg: number; ind: number }[] = [];
    const out: ScoredIndicator[][] = parsed.map((p) => new Array(p?.reported.length ?? 0));
    parsed.forEach((p, m) => {
      p?.reported.forEach((ind, j) => {
        if (ind.kind === 'crypto_wallet') {
          out[m]![j] = { result: walletResult(ind), value: ind.value, foundIn: ind.foundIn };
          return;
        }
        batch.push({ id: '', value: ind.value, kind: ind.kind });
        where.push({ msg: m, ind: j });
      });
    });
    const results = batch.length === 0 ? [] : await opts.scorer.scoreMixed(batch, view);
    results.forEach((r, k) => {
      const { msg, ind } = where[k]!;
      const sent = parsed[msg]!.reported[ind]!;
      out[msg]![ind] = { result: r, value: sent.value, foundIn: sent.foundIn };
    });
    return out;
  }

  async function scoreEmails(
    items: readonly EmailInput[],
    view: View,
    request: ParseRequest = {},
  ): Promise<EmailResult[]> {
    const parses = await Promise.all(items.map((it) => opts.parser.parse(it.raw, request)));
    const parsed = parses.map((p) => (p.ok ? p.value : undefined));
    const indicators = await scoreIndicators(parsed, view);
    const out: EmailResult[] = items.map((it, i) => {
      const p = parses[i]!;
      return p.ok
        ? { id: it.id, reasons: [], parsed: p.value, indicators: indicators[i]! }
        : { id: it.id, reasons: [], indicators: [], error: p.error };
    });

    const toScore = parsed.flatMap((p, i) => (p === undefined ? [] : [i]));
    if (toScore.length === 0) return out;
    const model = opts.repository.serving(emailPipeline.modelName);
    if (model === undefined) {
      const err = itemError('MODEL_UNAVAILABLE', 'no ready version of model "email"', { model: 'email' });
      for (const i of toScore) out[i]!.error = err;
      return out;
    }
    // The serving version's own feature code (email/1 or email/2): each version is fed what it learned on.
    const pipeline = pipelineForFeatures(emailPipeline, model.metadata.features_version) ?? emailPipeline;
    const width = pipeline.featureNames.length;
    const features = new Float32Array(toScore.length * width);
    const signals = toScore.map((i) => messageSignals(parsed[i]!));
    let scores: Float32Array;
    try {
      for (const [j, i] of toScore.entries()) pipeline.features(parsed[i]!, model.assets, features, j * width);
      scores = await model.predict(features, toScore.length);
    } catch (err) {
      const e = toPredictError(err);
      for (const i of toScore) out[i]!.error = e;
      return out;
    }
    toScore.forEach((i, j) => {
      const res = out[i]!;
      const email = parsed[i]!;
      const score = scores[j] as number;
      res.score = score;
      res.model = { name: model.name, version: model.version };
      const reasons: Reason[] = [
        { code: 'MODEL_SCORE', message: `model ${model.name} v${model.version} gave ${score.toFixed(4)}`, weight: 0 },
        ...explainEmail(email, signals[j]!),
      ];
      const cited = res.indicators.filter(
        (ind) => ind.result.verdict === 'malicious' && ind.foundIn.some((f) => !RULE_FOUND_IN_EXCLUDED.has(f)),
      );
      const combined = combineEvidence(
        score,
        model.metadata.thresholds.suspicious,
        cited.map((c) => ({
          indicator: c.result.indicator,
          kind: c.result.kind ?? '',
          score: c.result.score ?? 0,
          foundIn: c.foundIn.filter((f) => !RULE_FOUND_IN_EXCLUDED.has(f)),
        })),
        email.facts.linkMismatches,
      );
      let verdict = verdictOf(combined.score, model.metadata.thresholds);
      res.servedScore = combined.score;
      if (cited.length > 0) {
        const names = cited
          .slice(0, MAX_CITED)
          .map(
            (c) =>
              `${c.result.indicator} (${c.result.kind} ${c.result.model?.name ?? ''} ${c.result.score?.toFixed(3) ?? ''})`,
          );
        reasons.push({
          code: 'EMBEDDED_MALICIOUS_INDICATOR',
          message: `${cited.length} indicator(s) inside the message scored malicious: ${names.join(', ')}${cited.length > MAX_CITED ? ', ...' : ''}; with the message's own evidence the combined score is ${combined.score.toFixed(4)}`,
          weight: 0,
        });
      }
      const auth = authFailures(email);
      if (auth.length > 0) {
        reasons.push({
          code: 'AUTHENTICATION_FAILED',
          message: `the receiving server recorded ${auth.join(', ')}`,
          weight: 0,
        });
      }
      if (email.facts.parseLimit !== undefined) {
        // Padding a message past the parser's limits is a way to go unscored; legitimate mail does not.
        if (RANK[verdict] < RANK.suspicious) verdict = 'suspicious';
        reasons.push({
          code: 'PARSE_LIMIT_HIT',
          message: `the message goes past a parser limit (${email.facts.parseLimit}), so only its start was read`,
          weight: 0,
        });
      }
      res.verdict = verdict;
      res.reasons = view === 'full' ? reasons : [];
    });
    return out;
  }

  return {
    async scoreEmails(items, view, request) {
      const out = await scoreEmails(items, view, request);
      opts.items?.countAll('email_message', out);
      return out;
    },
  };
}
