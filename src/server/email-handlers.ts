/**
 * The email RPCs: raw messages in, EmailPrediction out. Batches go to the email scorer whole (one
 * parse-pool pass, one indicator batch, one message-model run). Message bodies are never logged: the
 * log line of a call has counts and timings only.
 */
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { App } from '../app';
import { PredictError } from '../errors';
import type { Attachment, EmailPrediction, ParsedMessage } from '../gen/threatpredict/v1/email';
import type { EmailItem } from '../gen/threatpredict/v1/items';
import { Verdict as PbVerdict, type ResultView } from '../gen/threatpredict/v1/prediction';
import type {
  PredictEmailsRequest,
  PredictEmailsResponse,
  PredictionServiceServer,
} from '../gen/threatpredict/v1/prediction_service';
import type { ParseRequest } from '../indicators/email/parse-pool';
import type { ParsedMessage as CoreMessage, ParsedEmail } from '../indicators/email/types';
import type { EmailResult } from '../scoring/email-scorer';
import type { View } from '../scoring/scorer';
import { toServiceError } from './call-errors';
import { toPrediction, toStatus, viewOf } from './convert';
import { type StreamShutdown, serveStream } from './stream';

const VERDICTS = {
  benign: PbVerdict.VERDICT_BENIGN,
  suspicious: PbVerdict.VERDICT_SUSPICIOUS,
  malicious: PbVerdict.VERDICT_MALICIOUS,
};

function toMessage(m: CoreMessage, view: View): ParsedMessage {
  return {
    depth: m.depth,
    from: m.from,
    to: m.to,
    cc: m.cc,
    replyTo: m.replyTo,
    returnPath: m.returnPath,
    subject: m.subject,
    date: m.date,
    messageId: m.messageId,
    received: m.received,
    authenticationResults: m.authenticationResults,
    // The compact view drops bodies: a sensor that only wants the verdict should not receive megabytes back.
    textBody: view === 'full' ? m.textBody : '',
    htmlBody: view === 'full' ? m.htmlBody : '',
  };
}

function toAttachments(p: ParsedEmail): Attachment[] {
  return p.attachments.map((a) => ({
    messageIndex: a.messageIndex,
    filename: a.filename,
    declaredContentType: a.declaredContentType,
    sniffedContentType: a.sniffedContentType,
    size: a.size,
    sha256: a.sha256,
    executable: a.executable,
    macroEnabled: a.macroEnabled,
    archive: a.archive,
    doubleExtension: a.doubleExtension,
    html: a.html,
  }));
}

export function toEmailPrediction(r: EmailResult, view: View): EmailPrediction {
  const p = r.parsed;
  const out: EmailPrediction = {
    id: r.id,
    verdict: r.verdict === undefined ? PbVerdict.VERDICT_UNSPECIFIED : VERDICTS[r.verdict],
    reasons: view === 'full' ? r.reasons : [],
    messages: p === undefined ? [] : p.messages.map((m) => toMessage(m, view)),
    indicators: r.indicators.map((i) => ({ prediction: toPrediction(i.result, view), foundIn: i.foundIn })),
    attachments: p === undefined ? [] : toAttachments(p),
    warnings: p?.warnings ?? [],
  };
  if (r.score !== undefined) out.score = r.score;
  if (r.model !== undefined) out.model = r.model;
  if (r.error !== undefined) out.error = toStatus(r.error);
  return out;
}

/** Room kept in the message size limit for everything of an answer but the bodies it echoes (at most a quarter). */
const NON_BODY_ROOM = 4 * 1024 * 1024;

/**
 * The full view echoes each message's text and HTML bodies, which in UTF-8 can be twice the raw size
 * (two 24 MiB Latin-1 messages made a 96 MiB answer, and the call failed whole). Past the size limit,
 * bodies are left out of the answer, the largest first, each with a warning; scores are unchanged.
 */
function withinSizeLimit(results: EmailPrediction[], maxBytes: number, logger: Logger): EmailPrediction[] {
  const bodies = results.flatMap((r) =>
    r.messages.map((m) => ({ r, m, bytes: Buffer.byteLength(m.textBody) + Buffer.byteLength(m.htmlBody) })),
  );
  let total = bodies.reduce((n, b) => n + b.bytes, 0);
  const budget = maxBytes - Math.min(NON_BODY_ROOM, Math.floor(maxBytes / 4));
  if (total <= budget) return results;
  let dropped = 0;
  for (const b of bodies.sort((x, y) => y.bytes - x.bytes)) {
    if (total <= budget) break;
    total -= b.bytes;
    b.m.textBody = '';
    b.m.htmlBody = '';
    b.r.warnings.push(
      `message ${b.m.depth}: its text and HTML bodies (${b.bytes} bytes) were left out of the answer to keep it within the ${maxBytes}-byte message limit`,
    );
    dropped++;
  }
  logger.warn({ dropped, maxBytes }, 'email answer over the message size limit: bodies left out');
  return results;
}

/**
 * What the parse pool needs to know of a call: who calls (its connection: messages of different
 * connections take turns), its deadline (a message is not parsed past it), and a signal that fires
 * when the call is cancelled (its messages leave the queue).
 */
function parseRequestOf(call: {
  once(event: 'cancelled', listener: () => void): unknown;
  getDeadline(): Date | number;
  getPeer(): string;
}): ParseRequest {
  const controller = new AbortController();
  call.once('cancelled', () => controller.abort());
  const d = call.getDeadline();
  const deadline = d instanceof Date ? d.getTime() : d;
  return {
    caller: call.getPeer(),
    signal: controller.signal,
    ...(Number.isFinite(deadline) ? { deadline } : {}),
  };
}

export function emailHandlers(
  app: App,
  shutdown?: StreamShutdown,
): Pick<PredictionServiceServer, 'predictEmails' | 'streamPredictEmails'> {
  const { config, logger } = app;

  const tooLarge = (n: number) =>
    new PredictError('BATCH_TOO_LARGE', `batch has ${n} items; the maximum is ${config.maxBatchItems}`, {
      items: String(n),
      max: String(config.maxBatchItems),
    });

  async function answer(
    req: { items: EmailItem[]; view: ResultView },
    parse: ParseRequest,
  ): Promise<PredictEmailsResponse> {
    const view = viewOf(req.view);
    if (req.items.length > config.maxBatchItems) {
      const err = tooLarge(req.items.length);
      return {
        results: req.items.map((i) => toEmailPrediction({ id: i.id, reasons: [], indicators: [], error: err }, view)),
      };
    }
    const results = await app.emails.scoreEmails(
      req.items.map((i) => ({ id: i.id, raw: i.value })),
      view,
      parse,
    );
    return {
      results: withinSizeLimit(
        results.map((r) => toEmailPrediction(r, view)),
        config.maxMessageBytes,
        logger,
      ),
    };
  }

  const predictEmails: handleUnaryCall<PredictEmailsRequest, PredictEmailsResponse> = (call, callback) => {
    const started = process.hrtime.bigint();
    const n = call.request.items.length;
    if (n > config.maxBatchItems) {
      // As the other unary RPCs: an oversized batch fails the call (a stream answers it per item and stays open).
      callback(toServiceError(tooLarge(n), logger));
      return;
    }
    // A parse may not outlive the caller's deadline: past it, the message gets EMAIL_PARSE_TIMEOUT.
    answer(call.request, parseRequestOf(call)).then(
      (res) => {
        const bytes = call.request.items.reduce((n, i) => n + i.value.length, 0);
        logger.debug(
          {
            rpc: 'PredictEmails',
            items: call.request.items.length,
            bytes,
            us: Number(process.hrtime.bigint() - started) / 1000,
          },
          'call',
        );
        callback(null, res);
      },
      (err) => callback(toServiceError(err, logger)),
    );
  };

  return {
    predictEmails,
    streamPredictEmails: (call) => {
      const parse = parseRequestOf(call);
      return serveStream(
        call,
        (req) => answer(req, parse),
        logger.child({ rpc: 'StreamPredictEmails' }),
        undefined,
        shutdown,
      );
    },
  };
}
