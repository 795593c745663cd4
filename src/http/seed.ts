/**
 * csirtg-predictd's endpoints (`--http-seed-compat`), answered in its shapes so that a user of it
 * switches by changing a host name. Its Flask handlers (csirtgadgets/silver-spork,
 * csirtg_predict_api/*.py) answered:
 *
 *   GET  /domain/?q=FQDN          {"data": "0"} or {"data": "1"}   (a string, from str(predict(q)))
 *   GET  /url/?q=URL              {"data": "0" | "1"}
 *   GET  /ip/?q=IP[,HOUR]         {"data": "0" | "1"}             (HOUR: hour of day observed, UTC)
 *   POST /email/  (raw message)   {"message": body, "urls": [...], "email_addresses": [...],
 *                                  "headers": {"subject": ["..."], ...}}, 422 without a text part
 *
 * "1" here is our verdict SUSPICIOUS or MALICIOUS (the seed's classifiers said 1 past their 0.5 cut,
 * which is nearer our suspicious threshold than our malicious one); "0" is BENIGN. POST /email also
 * gets `"data"`, the message's verdict the same way. Errors are Flask-RESTPlus's `{"message": ...}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { type EmailPrediction, EmailPrediction as EmailPredictionCodec } from '../gen/threatpredict/v1/email';
import { IndicatorType, ResultView, Verdict } from '../gen/threatpredict/v1/prediction';
import {
  PredictDomainsResponse,
  PredictEmailsResponse,
  PredictIpsResponse,
  PredictUrlsResponse,
} from '../gen/threatpredict/v1/prediction_service';
import { readBody } from './body';
import type { Contract } from './contract';
import { sendJson } from './gateway';
import type { CallContext, InProcessServices } from './services';
import { errorBody, noteError } from './status';

export interface SeedDeps {
  services: InProcessServices;
  contract: Contract;
  config: Config;
  logger: Logger;
  /** Who calls and their item quota (security.ts), for the call context. */
  caller(req: IncomingMessage, streaming: boolean, signal: AbortSignal): Pick<CallContext, 'identity' | 'admitItems'>;
}

type Handle = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const flagged = (v: Verdict | undefined) =>
  v === Verdict.VERDICT_MALICIOUS || v === Verdict.VERDICT_SUSPICIOUS ? '1' : '0';

class SeedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The seed split `q` on a comma: `ip,hour`. The hour becomes an observation time today (UTC). */
export function seedIpQuery(q: string, now = new Date()): { ip: string; observedAt?: Date } {
  const comma = q.indexOf(',');
  if (comma < 0) return { ip: q };
  const hourText = q.slice(comma + 1).trim();
  const hour = Number(hourText);
  if (!/^\d{1,2}$/.test(hourText) || hour > 23)
    throw new SeedError(400, `hour of day must be 0 to 23, got "${hourText}"`);
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  return { ip: q.slice(0, comma).trim(), observedAt: at };
}

/** Header name (lower case) -> every value, unfolded and undecoded: the seed's `parse_headers`. */
export function seedHeaders(raw: Buffer): Record<string, string[]> {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const out: Record<string, string[]> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    out[name] = [...(out[name] ?? []), line.slice(colon + 1).trim()];
  }
  return out;
}

export function seedEmailAnswer(p: EmailPrediction, raw: Buffer) {
  const top = p.messages[0];
  const body = top === undefined ? '' : top.htmlBody !== '' ? top.htmlBody : top.textBody;
  if (p.error !== undefined) throw new SeedError(422, p.error.message);
  if (top === undefined || (top.htmlBody === '' && top.textBody === ''))
    throw new SeedError(422, 'the message has neither a text nor an HTML part');
  const of = (t: IndicatorType) =>
    p.indicators.filter((i) => i.prediction?.type === t).map((i) => i.prediction?.indicator ?? '');
  return {
    message: body,
    urls: of(IndicatorType.INDICATOR_TYPE_URL),
    email_addresses: of(IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS),
    headers: seedHeaders(raw),
    data: flagged(p.verdict),
  };
}

export function seedRoutes({ services, contract, config, logger, caller }: SeedDeps) {
  function context(req: IncomingMessage, res: ServerResponse): CallContext {
    const controller = new AbortController();
    res.once('close', () => controller.abort());
    // The call, body included, gets --http-timeout-ms; past it the connection closes.
    const timer = setTimeout(() => {
      if (!res.headersSent)
        sendJson(
          res,
          504,
          { message: 'the call deadline passed before the answer was ready' },
          { connection: 'close' },
        );
      controller.abort();
    }, config.httpTimeoutMs);
    res.once('close', () => clearTimeout(timer));
    return {
      peer: `http:${req.socket.remoteAddress}:${req.socket.remotePort}`,
      deadline: Date.now() + config.httpTimeoutMs,
      signal: controller.signal,
      ...caller(req, false, controller.signal),
    };
  }

  function query(url: URL): string {
    const q = url.searchParams.get('q');
    if (q === null || q.trim() === '') throw new SeedError(400, 'missing required parameter q');
    return q.trim();
  }

  /** One item through its batch RPC; an item error is the seed's 400 with the reason. */
  async function one<R extends { results: { verdict: Verdict; error?: { message: string } }[] }>(
    key: string,
    request: unknown,
    decode: (b: Uint8Array) => R,
    ctx: CallContext,
  ): Promise<string> {
    const r = decode(await services.callDecoded(key, request, ctx)).results[0];
    if (r === undefined) throw new Error(`${key} answered no result`);
    if (r.error !== undefined) throw new SeedError(400, r.error.message);
    return flagged(r.verdict);
  }

  const view = ResultView.RESULT_VIEW_COMPACT;
  // Each with the RPC it calls: its scope, quotas, metrics and logs are that RPC's.
  const handlers: Record<string, { method: string; rpc: string; handle: Handle }> = {
    '/domain/': {
      method: 'GET',
      rpc: 'PredictDomains',
      handle: async (req, res, url) => {
        const data = await one(
          'predictDomains',
          { items: [{ id: '', value: query(url) }], view },
          (b) => PredictDomainsResponse.decode(b),
          context(req, res),
        );
        sendJson(res, 200, { data });
      },
    },
    '/url/': {
      method: 'GET',
      rpc: 'PredictUrls',
      handle: async (req, res, url) => {
        const data = await one(
          'predictUrls',
          { items: [{ id: '', value: query(url) }], view },
          (b) => PredictUrlsResponse.decode(b),
          context(req, res),
        );
        sendJson(res, 200, { data });
      },
    },
    '/ip/': {
      method: 'GET',
      rpc: 'PredictIps',
      handle: async (req, res, url) => {
        const { ip, observedAt } = seedIpQuery(query(url));
        const data = await one(
          'predictIps',
          { items: [{ id: '', value: ip, ...(observedAt === undefined ? {} : { observedAt }) }], view },
          (b) => PredictIpsResponse.decode(b),
          context(req, res),
        );
        sendJson(res, 200, { data });
      },
    },
    '/email/': {
      method: 'POST',
      rpc: 'PredictEmails',
      handle: async (req, res) => {
        const ctx = context(req, res);
        const raw = await readBody(req, config.maxMessageBytes);
        const answer = PredictEmailsResponse.decode(
          await services.callDecoded(
            'predictEmails',
            { items: [{ id: '', value: raw }], view: ResultView.RESULT_VIEW_FULL },
            ctx,
          ),
        );
        const p = answer.results[0] ?? EmailPredictionCodec.fromPartial({});
        sendJson(res, 200, seedEmailAnswer(p, raw));
      },
    },
  };

  return {
    match(method: string, pathname: string): { name: string; rpcPath: string; handle: Handle } | undefined {
      // Flask-RESTPlus routes were `/domain/`; Flask redirected `/domain` there. Both are answered.
      const key = pathname.endsWith('/') ? pathname : `${pathname}/`;
      const h = handlers[key];
      if (h === undefined || h.method !== method) return undefined;
      return {
        name: key,
        rpcPath: `/threatpredict.v1.PredictionService/${h.rpc}`,
        handle: async (req, res, url) => {
          try {
            await h.handle(req, res, url);
          } catch (err) {
            if (err instanceof SeedError) sendJson(res, err.status, { message: err.message });
            else {
              const body = errorBody(err, contract.registry, logger);
              noteError(res, body);
              const json = body.json as { message?: string };
              sendJson(res, body.httpStatus, { message: json.message ?? 'error' }, { ...body.headers });
            }
          }
        },
      };
    },
  };
}
