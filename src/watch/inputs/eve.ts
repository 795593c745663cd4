/**
 * Suricata EVE JSON (one event per line) -> a record with the values worth scoring: DNS names and
 * the addresses and names they resolved to, HTTP host + URL (and referer), TLS SNI, file hashes,
 * SMTP envelope and email header addresses, and the flow's two addresses. Suricata 7's DNS v2
 * (`rrname`, `answers`, `grouped`) and Suricata 8's v3 (`queries`, `answers`) are both read.
 *
 * Most lines are read by a scan that picks out only these fields (eve-scan.ts); a line it does not
 * vouch for is read here with JSON.parse (readEveLineParsed), and both give the same record.
 */
import {
  answerType,
  bareAddress,
  type LineResult,
  type Observation,
  type SensorRecord,
  type WatchType,
} from '../record';
import { type EveParts, scanEve, scanEveBytes } from './eve-scan';

type Obj = Record<string, unknown>;

const FLOW_ID = /"flow_id"\s*:\s*(\d+)/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/**
 * Adds an observation, once per (type, value) in a record: a DNS answer repeats its query's name.
 * A linear scan, not a Set: a record has a handful of values, and this runs for every line.
 */
function add(out: Observation[], field: string, value: string | undefined, type: WatchType): void {
  if (value === undefined) return;
  for (let i = 0; i < out.length; i++) {
    const o = out[i] as Observation;
    if (o.value === value && o.type === type) return;
  }
  out.push({ field, value, type });
}

function dns(d: Obj, out: Observation[]): void {
  add(out, 'dns.rrname', str(d.rrname), 'domain');
  for (const q of list(d.queries)) add(out, 'dns.queries.rrname', str(obj(q)?.rrname), 'domain');
  for (const a of list(d.answers)) {
    const ans = obj(a);
    if (ans === undefined) continue;
    add(out, 'dns.answers.rrname', str(ans.rrname), 'domain');
    const rdata = str(ans.rdata);
    const t = rdata === undefined ? undefined : answerType(rdata);
    if (t !== undefined) add(out, 'dns.answers.rdata', rdata, t);
  }
  const grouped = obj(d.grouped);
  if (grouped !== undefined) {
    for (const [rrtype, values] of Object.entries(grouped)) {
      for (const v of list(values)) {
        const rdata = str(v);
        const t = rdata === undefined ? undefined : answerType(rdata);
        if (t !== undefined) add(out, `dns.grouped.${rrtype}`, rdata, t);
      }
    }
  }
}

/**
 * Suricata logs the request target as sent: a path, or an absolute URL when talking to a proxy. The
 * port is the Host header's (`http_port`), not the flow's: a fileinfo event runs server -> client,
 * so its dest_port is the client's.
 */
function httpUrl(url: string | undefined, host: string | undefined, port: number): string | undefined {
  if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  if (host === undefined) return undefined;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${hostPart}${port === 80 ? '' : `:${port}`}${url === undefined ? '/' : url.startsWith('/') ? url : `/${url}`}`;
}

function http(
  url: string | undefined,
  host: string | undefined,
  port: number,
  referer: string | undefined,
  out: Observation[],
): void {
  add(out, 'http.url', httpUrl(url, host, port), 'url');
  if (referer !== undefined && /^https?:\/\//i.test(referer)) add(out, 'http.http_refer', referer, 'url');
}

function fileinfo(f: Obj, out: Observation[]): void {
  for (const k of ['md5', 'sha1', 'sha256']) add(out, `fileinfo.${k}`, str(f[k]), 'file_hash');
}

function smtp(s: Obj | undefined, m: Obj | undefined, out: Observation[]): void {
  if (s !== undefined) {
    add(out, 'smtp.helo', str(s.helo), 'domain');
    const from = str(s.mail_from);
    add(out, 'smtp.mail_from', from === undefined ? undefined : bareAddress(from), 'email_address');
    for (const r of list(s.rcpt_to)) {
      const v = str(r);
      add(out, 'smtp.rcpt_to', v === undefined ? undefined : bareAddress(v), 'email_address');
    }
  }
  if (m !== undefined) {
    for (const key of ['from', 'to', 'cc', 'reply_to']) {
      for (const r of list(m[key])) {
        const v = str(r);
        add(out, `email.${key}`, v === undefined ? undefined : bareAddress(v), 'email_address');
      }
    }
  }
}

/** One EVE line. `undefined` for a blank line; `malformed` for what is not an EVE event. */
export function readEveLine(text: string): LineResult {
  const p = scanEve(text);
  return p === null ? readEveLineParsed(text) : recordOf(p);
}

/**
 * readEveLine of the line held as UTF-8 bytes [from, to) of `buf`, when the scan vouches for it;
 * null when it does not (then readEveLine of the line's text answers).
 */
export function readEveBytes(buf: Buffer, from: number, to: number): SensorRecord | null {
  const p = scanEveBytes(buf, from, to);
  return p === null ? null : recordOf(p);
}

function recordOf(p: EveParts): SensorRecord {
  const out: Observation[] = [];
  if (p.dnsText !== undefined) dns(JSON.parse(p.dnsText) as Obj, out);
  else add(out, 'dns.rrname', p.dnsRrname, 'domain');
  if (p.http) http(p.httpUrl, p.httpHostname, p.httpPort ?? 80, p.httpRefer, out);
  add(out, 'tls.sni', p.tlsSni, 'domain');
  if (p.fileinfoText !== undefined) fileinfo(JSON.parse(p.fileinfoText) as Obj, out);
  if (p.smtpText !== undefined || p.emailText !== undefined)
    smtp(
      p.smtpText === undefined ? undefined : (JSON.parse(p.smtpText) as Obj),
      p.emailText === undefined ? undefined : (JSON.parse(p.emailText) as Obj),
      out,
    );
  add(out, 'src_ip', p.srcIp, 'ip');
  add(out, 'dest_ip', p.destIp, 'ip');
  return {
    sensor: 'suricata',
    kind: p.eventType,
    ts: p.ts,
    flowId: p.flowId,
    srcIp: p.srcIp,
    destIp: p.destIp,
    observations: out,
  };
}

/** readEveLine by JSON.parse of the whole line: every line the scan does not vouch for. */
export function readEveLineParsed(text: string): LineResult {
  if (text.trim() === '') return undefined;
  let e: Obj | undefined;
  try {
    e = obj(JSON.parse(text));
  } catch (err) {
    return { malformed: `not JSON (${(err as Error).message})` };
  }
  if (e === undefined) return { malformed: 'not a JSON object' };
  const eventType = str(e.event_type);
  if (eventType === undefined) return { malformed: 'no event_type: not a Suricata EVE event' };
  const out: Observation[] = [];
  const d = obj(e.dns);
  if (d !== undefined) dns(d, out);
  const h = obj(e.http);
  if (h !== undefined)
    http(str(h.url), str(h.hostname), typeof h.http_port === 'number' ? h.http_port : 80, str(h.http_refer), out);
  add(out, 'tls.sni', str(obj(e.tls)?.sni), 'domain');
  const f = obj(e.fileinfo);
  if (f !== undefined) fileinfo(f, out);
  smtp(obj(e.smtp), obj(e.email), out);
  const src = str(e.src_ip);
  const dest = str(e.dest_ip);
  add(out, 'src_ip', src, 'ip');
  add(out, 'dest_ip', dest, 'ip');
  const ts = e.timestamp;
  return {
    sensor: 'suricata',
    kind: eventType,
    ts: typeof ts === 'string' || typeof ts === 'number' ? ts : undefined,
    flowId: typeof e.flow_id === 'number' ? FLOW_ID.exec(text)?.[1] : undefined,
    srcIp: src,
    destIp: dest,
    observations: out,
  };
}
