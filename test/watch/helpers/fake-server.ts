/**
 * A StreamPredict server whose answers depend only on the item (no model, no cache, no batch effects),
 * with every field the full view carries: scores, verdicts, reasons with weights, model, all three
 * enrichments, never-alert reasons, and per-item errors with an ErrorInfo reason. Two watch clients
 * against it must write the same bytes. `node --import tsx fake-server.ts PORT` runs it alone.
 */
import { createHash } from 'node:crypto';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { Any } from '../../../src/gen/google/protobuf/any';
import { ErrorInfo } from '../../../src/gen/google/rpc/error_details';
import { IndicatorType, type Prediction, ResultView, Verdict } from '../../../src/gen/threatpredict/v1/prediction';
import {
  PredictionServiceService,
  type StreamPredictRequest,
  type StreamPredictResponse,
} from '../../../src/gen/threatpredict/v1/prediction_service';

const NAMES = ['domain', 'url', 'ip', 'email_address', 'email', 'file_hash', 'crypto_wallet'];

/** The answer for one item, from its bytes alone. */
/** A full IP enrichment with non-ASCII text, as the full view carries it. */
export function sampleIpEnrichment(address: string, asn: number): NonNullable<Prediction['ip']> {
  return {
    version: 4,
    asn,
    asOrganization: 'AS',
    countryCode: 'DE',
    countryName: 'Germany',
    city: 'Köln',
    latitude: 50.9,
    longitude: 6.9,
    hasLocation: true,
    timeZone: 'Europe/Berlin',
    range: 'unicast',
    globallyRoutable: true,
    address,
    prefixLength: 0,
    hostingProvider: '',
  };
}

export function fakePrediction(id: string, value: string, type: IndicatorType, view: ResultView): Prediction {
  const h = createHash('sha256').update(`${type}\0${value}`).digest();
  const detected = type === IndicatorType.INDICATOR_TYPE_UNSPECIFIED ? 1 + (h[0]! % 3) : type;
  const p: Prediction = { id, indicator: '', type: detected, verdict: Verdict.VERDICT_UNSPECIFIED, reasons: [] };
  if (value === '' || value.includes('bad') || h[1]! < 8) {
    p.error = {
      code: 3,
      message: `cannot read "${value}" as ${NAMES[detected - 1] ?? 'anything'}`,
      details:
        h[2]! % 2 === 0
          ? [
              Any.fromPartial({
                typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo',
                value: Buffer.from(
                  ErrorInfo.encode({ reason: 'INVALID_INDICATOR', domain: 'x', metadata: {} }).finish(),
                ),
              }),
            ]
          : [],
    };
    return p;
  }
  if (view !== ResultView.RESULT_VIEW_COMPACT) p.indicator = value.toLowerCase();
  if (value.startsWith('10.') || h[3]! < 40) {
    // A never-alert rule: benign without a score.
    p.verdict = Verdict.VERDICT_BENIGN;
    if (view !== ResultView.RESULT_VIEW_COMPACT)
      p.reasons = [
        { code: value.startsWith('10.') ? 'NOT_GLOBALLY_ROUTABLE' : 'ALLOW_LISTED', message: 'rule', weight: 0 },
      ];
    return p;
  }
  const score = Math.fround(h.readUInt32LE(4) / 2 ** 32);
  p.score = score;
  p.verdict =
    score >= 0.8 ? Verdict.VERDICT_MALICIOUS : score >= 0.5 ? Verdict.VERDICT_SUSPICIOUS : Verdict.VERDICT_BENIGN;
  p.model = { name: NAMES[detected - 1] ?? 'x', version: 1 + (h[5]! % 3) };
  if (view !== ResultView.RESULT_VIEW_COMPACT) {
    p.reasons = [
      { code: 'MODEL_SCORE', message: `model gave ${score.toFixed(4)} for «${value}»`, weight: 0 },
      { code: 'FEATURE', message: 'weight \u2028 "quoted"', weight: Math.fround((h[6]! - 128) / 7) },
    ];
    if (detected === IndicatorType.INDICATOR_TYPE_IP) p.ip = sampleIpEnrichment(value, h[7]!);
    else
      p.domain = {
        registrableDomain: value,
        publicSuffix: 'example',
        subdomain: '',
        subdomainDepth: 0,
        ascii: value,
        unicode: value,
        privateSuffix: false,
        sharedHostingPlatform: false,
      };
  }
  return p;
}

export function fakeAnswers(req: StreamPredictRequest): StreamPredictResponse {
  return { results: req.items.map((it) => fakePrediction(it.id, it.value, it.type, req.view)) };
}

export async function startFakeServer(port = 0): Promise<{ addr: string; stop(): Promise<void> }> {
  const server = new Server();
  server.addService(PredictionServiceService, {
    streamPredict(call: ServerDuplexStream<StreamPredictRequest, StreamPredictResponse>) {
      call.on('data', (req: StreamPredictRequest) => call.write(fakeAnswers(req)));
      call.on('end', () => call.end());
    },
  } as never);
  const bound = await new Promise<number>((res, rej) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? rej(err) : res(p))),
  );
  return {
    addr: `127.0.0.1:${bound}`,
    stop: () => new Promise<void>((res) => server.tryShutdown(() => res())),
  };
}

if (require.main === module) {
  startFakeServer(Number(process.argv[2] ?? 0)).then((s) => process.stdout.write(`listening ${s.addr}\n`));
}
