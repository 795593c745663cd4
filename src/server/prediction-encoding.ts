/**
 * A core result written as a threatpredict.v1.Prediction (without its id) straight from the result,
 * in the order and with the defaults of the generated encoder: no Prediction, enrichment or Status
 * message objects are built per answer. What `toPrediction` (convert.ts) maps, this writes; the
 * wire test holds the two to the same bytes for every field and view.
 */
import type { PredictError } from '../errors';
import { Status } from '../gen/google/rpc/status';
import type { DomainEnrichment, IpEnrichment, UrlEnrichment } from '../indicators/types';
import type { ScoredItem } from '../scoring/pipeline';
import type { View } from '../scoring/scorer';
import { KIND_TO_TYPE, toStatus, verdictToPb } from './convert';
import { ProtoWriter } from './proto-writer';

// Field numbers of threatpredict.v1.Prediction (proto/threatpredict/v1/prediction.proto).
const INDICATOR = 2;
const TYPE = 3;
const SCORE = 4;
const VERDICT = 5;
const MODEL = 6;
const REASONS = 7;
const DOMAIN = 8;
const URL = 9;
const IP = 10;
const ERROR = 15;

/**
 * An error's google.rpc.Status, encoded once per error object: one error often answers many items
 * (a batch refused whole, a model that is not ready), and errors are rare enough for the generated
 * encoder.
 */
const statusBytes = new WeakMap<PredictError, Uint8Array>();

function encodedStatus(err: PredictError): Uint8Array {
  let bytes = statusBytes.get(err);
  if (bytes === undefined) {
    bytes = Status.encode(toStatus(err)).finish();
    statusBytes.set(err, bytes);
  }
  return bytes;
}

type ModelRef = NonNullable<ScoredItem['model']>;

/**
 * A ModelRef field (tag, length, name, version), encoded once per reference object: the answers of a
 * batch share one (scoring/stages.ts reasonsStage), and answers from the cache keep theirs.
 */
let lastModel: ModelRef | undefined;
let lastModelBytes: Uint8Array = new Uint8Array(0);
const modelWriter = new ProtoWriter(64);

function modelBytes(model: ModelRef): Uint8Array {
  if (model !== lastModel) {
    modelWriter.reset();
    const at = modelWriter.fork(MODEL);
    if (model.name !== '') modelWriter.string(1, model.name);
    if (model.version !== 0) modelWriter.uint32(2, model.version);
    modelWriter.join(at);
    lastModelBytes = modelWriter.copyFrom(0);
    lastModel = model;
  }
  return lastModelBytes;
}

function writeDomain(w: ProtoWriter, field: number, d: DomainEnrichment): void {
  const at = w.fork(field);
  if (d.registrableDomain !== '') w.string(1, d.registrableDomain);
  if (d.publicSuffix !== '') w.string(2, d.publicSuffix);
  if (d.subdomain !== '') w.string(3, d.subdomain);
  if (d.subdomainDepth !== 0) w.uint32(4, d.subdomainDepth);
  if (d.ascii !== '') w.string(5, d.ascii);
  if (d.unicode !== '') w.string(6, d.unicode);
  if (d.privateSuffix) w.bool(7, true);
  if (d.sharedHostingPlatform) w.bool(8, true);
  w.join(at);
}

function writeUrl(w: ProtoWriter, u: UrlEnrichment): void {
  const at = w.fork(URL, 2);
  if (u.scheme !== '') w.string(1, u.scheme);
  if (u.host !== '') w.string(2, u.host);
  if (u.port !== 0) w.uint32(3, u.port);
  if (u.path !== '') w.string(4, u.path);
  if (u.query !== '') w.string(5, u.query);
  if (u.domain !== undefined) writeDomain(w, 6, u.domain);
  if (u.hostIsIp) w.bool(7, true);
  if (u.hadUserinfo) w.bool(8, true);
  w.join(at);
}

function writeIp(w: ProtoWriter, ip: IpEnrichment): void {
  const at = w.fork(IP);
  // The types rule out the proto defaults below, but the generated encoder checks them: so do we.
  if ((ip.version as number) !== 0) w.uint32(1, ip.version);
  if (ip.asn !== 0) w.uint32(2, ip.asn);
  if (ip.asOrganization !== '') w.string(3, ip.asOrganization);
  if (ip.countryCode !== '') w.string(4, ip.countryCode);
  if (ip.countryName !== '') w.string(5, ip.countryName);
  if (ip.city !== '') w.string(6, ip.city);
  if (ip.latitude !== 0) w.double(7, ip.latitude);
  if (ip.longitude !== 0) w.double(8, ip.longitude);
  if (ip.hasLocation) w.bool(9, true);
  if (ip.timeZone !== '') w.string(10, ip.timeZone);
  if (ip.range !== '') w.string(11, ip.range);
  if (ip.globallyRoutable) w.bool(12, true);
  if (ip.address !== '') w.string(13, ip.address);
  if (ip.prefixLength !== 0) w.uint32(14, ip.prefixLength);
  if (ip.hostingProvider !== '') w.string(15, ip.hostingProvider);
  w.join(at);
}

/** Prediction fields 2 and on of `r` in `view` (field 1, the id, is the caller's: it comes first). */
export function writePredictionTail(w: ProtoWriter, r: ScoredItem, view: View): void {
  const full = view === 'full';
  if (full && r.indicator !== '') w.string(INDICATOR, r.indicator);
  if (r.kind !== undefined) w.uint32(TYPE, KIND_TO_TYPE[r.kind]);
  if (r.score !== undefined) w.float(SCORE, r.score);
  if (r.verdict !== undefined) w.uint32(VERDICT, verdictToPb(r.verdict));
  if (r.model !== undefined) w.raw(modelBytes(r.model));
  if (full) {
    const reasons = r.reasons;
    for (let i = 0; i < reasons.length; i++) {
      const reason = reasons[i]!;
      const at = w.fork(REASONS);
      if ((reason.code as string) !== '') w.string(1, reason.code);
      if (reason.message !== '') w.string(2, reason.message);
      if (reason.weight !== 0) w.float(3, reason.weight);
      w.join(at);
    }
    const e = r.enrichment;
    if (e !== undefined) {
      if (e.kind === 'domain') writeDomain(w, DOMAIN, e.domain);
      else if (e.kind === 'url') writeUrl(w, e.url);
      else writeIp(w, e.ip);
    }
  }
  if (r.error !== undefined) {
    const status = encodedStatus(r.error);
    w.bytesOf(ERROR, status, 0, status.length);
  }
}
