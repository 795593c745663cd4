/**
 * One JSON line per answer, joined to the record it came from: the sensor's join keys (Suricata
 * `flow_id`, Zeek `uid`), timestamp, addresses, the field and line the value was read from, and the
 * answer. Or, with `eve-alert`, the same answer shaped as a Suricata EVE `alert` event, so a pipeline
 * that already ingests eve.json (Elastic, Splunk, a SIEM) ingests these too.
 *
 * `flow_id` is written as the digits the log had: a 64-bit id would be rounded by a JavaScript number.
 */
import { type Answer, flagged, neverAlerts, VERDICT_RANK, type VerdictName } from './answer';
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

/** JSON.stringify of answerFields(a) without its braces, written directly. */
function answerFieldsText(a: Answer): string {
  let t = `"type":${a.type === undefined ? 'null' : q(a.type)}`;
  if (a.indicator !== '') t += `,"indicator":${q(a.indicator)}`;
  if (a.verdict !== undefined) t += `,"verdict":${q(a.verdict)}`;
  if (a.score !== undefined) t += `,"score":${q(Math.round(a.score * 1e6) / 1e6)}`;
  if (a.model !== undefined) t += `,"model":${q(a.model)}`;
  if (a.reasons.length > 0) t += `,"reasons":${q(a.reasons)}`;
  if (a.error !== undefined)
    t += `,"error":{"reason":${a.error.reason === undefined ? 'null' : q(a.error.reason)},"code":${q(a.error.code)},"message":${q(a.error.message)}}`;
  else if (neverAlerts(a)) t += ',"never_alert":true';
  return t;
}

/**
 * The JSON line of one answer: what JSON.stringify of {ts, sensor, event_type|log, uid, src_ip,
 * dest_ip, file, line, field, value, ...answer, deduplicated} writes, built as text (one string per
 * line instead of two objects and a stringify of each; helpers/output-reference.ts is the old code,
 * and test/watch/output.test.ts compares the two).
 */
export function answerLine(j: Joined, file: string | undefined): string {
  const r = j.record;
  let t = r.flowId === undefined ? '{' : `{"flow_id":${r.flowId},`;
  let first = true;
  if (r.ts !== undefined) {
    t += `"ts":${q(r.ts)}`;
    first = false;
  }
  t += `${first ? '' : ','}"sensor":${q(r.sensor)}`;
  if (r.kind !== undefined) t += `,${r.sensor === 'suricata' ? '"event_type"' : '"log"'}:${q(r.kind)}`;
  if (r.uid !== undefined) t += `,"uid":${q(r.uid)}`;
  if (r.srcIp !== undefined) t += `,"src_ip":${q(r.srcIp)}`;
  if (r.destIp !== undefined) t += `,"dest_ip":${q(r.destIp)}`;
  if (file !== undefined) t += `,"file":${q(file)}`;
  t += `,"line":${q(j.line)},"field":${q(j.observation.field)},"value":${q(j.observation.value)},${answerFieldsText(j.answer)}`;
  if (j.deduplicated) t += ',"deduplicated":true';
  return `${t}}`;
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
