/** The email RPCs. Until the email pipeline lands, every item gets a clear per-item error. */
import type { App } from '../app';
import { itemError } from '../errors';
import type { PredictionServiceServer } from '../gen/threatpredict/v1/prediction_service';
import { toStatus } from './convert';
import { serveStream } from './stream';

export function emailHandlers(app: App): Pick<PredictionServiceServer, 'predictEmails' | 'streamPredictEmails'> {
  const err = toStatus(itemError('INDICATOR_TYPE_UNSUPPORTED', 'email message scoring is not available in this build'));
  const answer = async (req: { items: { id: string }[] }) => ({
    results: req.items.map((i) => ({ id: i.id, verdict: 0, reasons: [], messages: [], indicators: [], attachments: [], warnings: [], error: err })),
  });
  return {
    predictEmails: (call, cb) => void answer(call.request).then((r) => cb(null, r)),
    streamPredictEmails: (call) => serveStream(call, answer, app.logger),
  };
}
