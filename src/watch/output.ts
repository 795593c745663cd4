/**
 * One JSON line per answer, joined to the record it came from: the sensor's join keys (Suricata
 * `flow_id`, Zeek `uid`), timestamp, addresses, the field and line the value was read from, and the
 * answer. Or, with `eve-alert`, the same answer shaped as a Suricata EVE `alert` event, so a pipeline
 * that already ingests eve.json (Elastic, Splunk, a SIEM) ingests these too.
 *
 * `flow_id` is written as the digits the log had: a 64-bit id would be rounded by a JavaScript number.
 */
import { type Answer, flagged, neverAlerts, VERDICT_RANK, type VerdictName } from './answer';
import { JsonBytes } from './json-bytes';
import type { Observation, SensorRecord } from './record';

export type MinVerdict = 'all' | VerdictName;
export const MIN_VERDICTS: readonly MinVerdict[] = ['all', 'benign', 'suspicious', 'malicious'];

export interface Joined {
  record: SensorRecord;
  line: number;
  observation: Observation;
  answer: Answer;
  deduplicated: boolean;
}

/** Whether an answer is written at this threshold: never-alert answers only when benign ones are. */
export function selected(a: Answer, min: MinVerdict): boolean {
  if (min === 'all') return true;
  if (a.verdict === undefined) return false;
  if (min === 'benign') return true;
  return flagged(a) && VERDICT_RANK[a.verdict] >= VERDICT_RANK[min];
}

function withFlowId(json: string, flowId: string | undefined): string {
  return flowId === undefined ? json : `{"flow_id":${flowId},${json.slice(1)}`;
}

function answerFields(a: Answer): Record<string, unknown> {
  const o: Record<string, unknown> = { type: a.type ?? null };
  if (a.indicator !== '') o.indicator = a.indicator;
  if (a.verdict !== undefined) o.verdict = a.verdict;
  if (a.score !== undefined) o.score = Math.round(a.score * 1e6) / 1e6;
  if (a.model !== undefined) o.model = a.model;
  if (a.reasons.length > 0) o.reasons = a.reasons;
  if (a.error !== undefined) o.error = { reason: a.error.reason ?? null, code: a.error.code, message: a.error.message };
  if (a.error === undefined && neverAlerts(a)) o.never_alert = true;
  return o;
}

const q = JSON.stringify;

type PlainReason = { code: string; message: string; weight: number };

/** JSON.stringify(reasons) of reasons that are all {code, message, weight} objects, keys in that order. */
function writePlainReasons(o: JsonBytes, reasons: PlainReason[]): void {
  for (let i = 0; i < reasons.length; i++) {
    const r = reasons[i] as PlainReason;
    o.ascii(i === 0 ? '[{"code":' : ',{"code":');
    o.string(r.code);
    o.ascii(',"message":');
    o.string(r.message);
    o.ascii(',"weight":');
    o.number(r.weight);
    o.byte(125);
  }
  o.byte(93);
}

/** JSON.stringify of answerFields(a) without its braces, written into `o`. */
function writeAnswerFields(o: JsonBytes, a: Answer): void {
  o.ascii('"type":');
  if (a.type === undefined) o.ascii('null');
  else o.string(a.type);
  if (a.indicator !== '') {
    o.ascii(',"indicator":');
    o.string(a.indicator);
  }
  if (a.verdict !== undefined) {
    o.ascii(',"verdict":');
    o.string(a.verdict);
  }
  if (a.score !== undefined) {
    o.ascii(',"score":');
    o.number(Math.round(a.score * 1e6) / 1e6);
  }
  if (a.model !== undefined) {
    o.ascii(',"model":');
    o.string(a.model);
  }
  if (a.reasons.length > 0) {
    o.ascii(',"reasons":');
    if (a.plainReasons === true) writePlainReasons(o, a.reasons as PlainReason[]);
    else o.text(q(a.reasons));
  }
  if (a.error !== undefined) {
    o.ascii(',"error":{"reason":');
    if (a.error.reason === undefined) o.ascii('null');
    else o.string(a.error.reason);
    o.ascii(',"code":');
    o.number(a.error.code);
    o.ascii(',"message":');
    o.string(a.error.message);
    o.byte(125);
  } else if (neverAlerts(a)) o.ascii(',"never_alert":true');
}

/**
 * The JSON line of one answer (without its newline), written into `o`: what JSON.stringify of {ts,
 * sensor, event_type|log, uid, src_ip, dest_ip, file, line, field, value, ...answer, deduplicated}
 * writes, written as bytes (no string per line, nor the two objects and a stringify of each that
 * the old code made; helpers/output-reference.ts is that code, and test/watch/output.test.ts
 * compares the two).
 */
export function writeAnswerLine(o: JsonBytes, j: Joined, file: string | undefined): void {
  const r = j.record;
  if (r.flowId === undefined) o.byte(123);
  else {
    o.ascii('{"flow_id":');
    o.text(r.flowId);
    o.byte(44);
  }
  if (r.ts !== undefined) {
    o.ascii('"ts":');
    if (typeof r.ts === 'string') o.string(r.ts);
    else o.number(r.ts);
    o.byte(44);
  }
  o.ascii('"sensor":');
  o.string(r.sensor);
  if (r.kind !== undefined) {
    o.ascii(r.sensor === 'suricata' ? ',"event_type":' : ',"log":');
    o.string(r.kind);
  }
  if (r.uid !== undefined) {
    o.ascii(',"uid":');
    o.string(r.uid);
  }
  if (r.srcIp !== undefined) {
    o.ascii(',"src_ip":');
    o.string(r.srcIp);
  }
  if (r.destIp !== undefined) {
    o.ascii(',"dest_ip":');
    o.string(r.destIp);
  }
  if (file !== undefined) {
    o.ascii(',"file":');
    o.string(file);
  }
  o.ascii(',"line":');
  o.number(j.line);
  o.ascii(',"field":');
  o.string(j.observation.field);
  o.ascii(',"value":');
  o.string(j.observation.value);
  o.byte(44);
  writeAnswerFields(o, j.answer);
  if (j.deduplicated) o.ascii(',"deduplicated":true');
  o.byte(125);
}

const scratch = new JsonBytes(4096);

/** writeAnswerLine as a string. */
export function answerLine(j: Joined, file: string | undefined): string {
  writeAnswerLine(scratch, j, file);
  return scratch.takeText();
}

/** Local-use signature ids (Suricata reserves 1000000-1999999 for local rules): one per type and verdict. */
const SID_BASE: Record<string, number> = { domain: 10, url: 20, ip: 30, email_address: 40, file_hash: 50 };

/**
 * The record's time as EVE writes it; the time of writing when the record has none or its number is
 * no date (NaN, or beyond the ±8.64e15 ms a Date holds: toISOString would throw and end the reader).
 */
function isoTime(ts: string | number | undefined): string {
  if (typeof ts === 'string') return ts;
  const at = ts === undefined ? Number.NaN : ts * 1000;
  return new Date(Number.isFinite(at) && Math.abs(at) <= 8.64e15 ? at : Date.now()).toISOString().replace('Z', '+0000');
}

export function alertLine(j: Joined, file: string | undefined): string {
  const r = j.record;
  const a = j.answer;
  const verdict = a.verdict as VerdictName;
  const o: Record<string, unknown> = {
    timestamp: isoTime(r.ts),
    event_type: 'alert',
  };
  if (r.srcIp !== undefined) o.src_ip = r.srcIp;
  if (r.destIp !== undefined) o.dest_ip = r.destIp;
  o.alert = {
    action: 'allowed',
    gid: 1,
    signature_id: 1_000_000 + (SID_BASE[a.type ?? ''] ?? 90) + VERDICT_RANK[verdict],
    rev: 1,
    signature: `THREATPREDICT ${verdict} ${a.type ?? 'indicator'} ${j.observation.value}${a.score === undefined ? '' : ` (score ${a.score.toFixed(3)})`}`,
    category: 'Threat prediction',
    severity: verdict === 'malicious' ? 1 : 2,
  };
  const tp: Record<string, unknown> = { field: j.observation.field, value: j.observation.value, ...answerFields(a) };
  if (r.uid !== undefined) tp.uid = r.uid;
  if (r.kind !== undefined) tp.source_event = r.kind;
  if (file !== undefined) tp.file = file;
  tp.line = j.line;
  o.threatpredict = tp;
  return withFlowId(JSON.stringify(o), r.flowId);
}
