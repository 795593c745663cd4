/* The EVE reader as it was before the scan (main at 49e5555), verbatim but for import paths: the reference the fast path must equal. */
/**
 * Suricata EVE JSON (one event per line) -> a record with the values worth scoring: DNS names and
 * the addresses and names they resolved to, HTTP host + URL (and referer), TLS SNI, file hashes,
 * SMTP envelope and email header addresses, and the flow's two addresses. Suricata 7's DNS v2
 * (`rrname`, `answers`, `grouped`) and Suricata 8's v3 (`queries`, `answers`) are both read.
 */
import { answerType, bareAddress, type LineResult, type Observation, type WatchType } from '../../../src/watch/record';

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
 * Collects observations, once per (type, value) in a record: a DNS answer repeats its query's name.
 * A linear scan, not a Set: a record has a handful of values, and this runs for every line.
 */
function collector(): { add(field: string, value: string | undefined, type: WatchType): void; out: Observation[] } {
  const out: Observation[] = [];
  return {
    out,
    add(field, value, type) {
      if (value === undefined) return;
      for (const o of out) if (o.value === value && o.type === type) return;
      out.push({ field, value, type });
    },
  };
}

function dns(d: Obj, add: ReturnType<typeof collector>['add']): void {
  add('dns.rrname', str(d.rrname), 'domain');
  for (const q of list(d.queries)) add('dns.queries.rrname', str(obj(q)?.rrname), 'domain');
  for (const a of list(d.answers)) {
    const ans = obj(a);
    if (ans === undefined) continue;
    add('dns.answers.rrname', str(ans.rrname), 'domain');
    const rdata = str(ans.rdata);
    const t = rdata === undefined ? undefined : answerType(rdata);
    if (t !== undefined) add('dns.answers.rdata', rdata, t);
  }
  const grouped = obj(d.grouped);
  if (grouped !== undefined) {
    for (const [rrtype, values] of Object.entries(grouped)) {
      for (const v of list(values)) {
        const rdata = str(v);
        const t = rdata === undefined ? undefined : answerType(rdata);
        if (t !== undefined) add(`dns.grouped.${rrtype}`, rdata, t);
      }
    }
  }
}

/**
 * Suricata logs the request target as sent: a path, or an absolute URL when talking to a proxy. The
 * port is the Host header's (`http_port`), not the flow's: a fileinfo event runs server -> client,
 * so its dest_port is the client's.
 */
function httpUrl(h: Obj): string | undefined {
  const url = str(h.url);
  if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  const host = str(h.hostname);
  if (host === undefined) return undefined;
  const port = typeof h.http_port === 'number' ? h.http_port : 80;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${hostPart}${port === 80 ? '' : `:${port}`}${url === undefined ? '/' : url.startsWith('/') ? url : `/${url}`}`;
}

function smtp(e: Obj, add: ReturnType<typeof collector>['add']): void {
  const s = obj(e.smtp);
  if (s !== undefined) {
    add('smtp.helo', str(s.helo), 'domain');
    const from = str(s.mail_from);
    add('smtp.mail_from', from === undefined ? undefined : bareAddress(from), 'email_address');
    for (const r of list(s.rcpt_to)) {
      const v = str(r);
      add('smtp.rcpt_to', v === undefined ? undefined : bareAddress(v), 'email_address');
    }
  }
  const m = obj(e.email);
  if (m !== undefined) {
    for (const key of ['from', 'to', 'cc', 'reply_to']) {
      for (const r of list(m[key])) {
        const v = str(r);
        add(`email.${key}`, v === undefined ? undefined : bareAddress(v), 'email_address');
      }
    }
  }
}

/** One EVE line. `undefined` for a blank line; `malformed` for what is not an EVE event. */
export function readEveLine(text: string): LineResult {
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
  const c = collector();
  const d = obj(e.dns);
  if (d !== undefined) dns(d, c.add);
  const h = obj(e.http);
  if (h !== undefined) {
    c.add('http.url', httpUrl(h), 'url');
    const referer = str(h.http_refer);
    if (referer !== undefined && /^https?:\/\//i.test(referer)) c.add('http.http_refer', referer, 'url');
  }
  c.add('tls.sni', str(obj(e.tls)?.sni), 'domain');
  const f = obj(e.fileinfo);
  if (f !== undefined) for (const k of ['md5', 'sha1', 'sha256']) c.add(`fileinfo.${k}`, str(f[k]), 'file_hash');
  smtp(e, c.add);
  const src = str(e.src_ip);
  const dest = str(e.dest_ip);
  c.add('src_ip', src, 'ip');
  c.add('dest_ip', dest, 'ip');
  const ts = e.timestamp;
  return {
    sensor: 'suricata',
    kind: eventType,
    ts: typeof ts === 'string' || typeof ts === 'number' ? ts : undefined,
    flowId: typeof e.flow_id === 'number' ? FLOW_ID.exec(text)?.[1] : undefined,
    srcIp: src,
    destIp: dest,
    observations: c.out,
  };
}
