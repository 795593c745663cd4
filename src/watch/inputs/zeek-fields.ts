/**
 * The values worth scoring in a Zeek log entry, whatever its encoding (TSV or JSON): given the log's
 * path and a way to read a field, per Zeek's documented Info records -
 *   dns.log   query, answers (vector: addresses and names)
 *   http.log  host + uri (as a URL, port from id.resp_p), referrer
 *   ssl.log   server_name
 *   conn.log  id.resp_h (the responder)
 *   smtp.log  helo, mailfrom, rcptto, from, to, cc, reply_to
 *   files.log md5, sha1, sha256 (recognised by the service, answered as not scored)
 * A log whose path is unknown (JSON without `_path`) is recognised by the fields it has.
 */
import { answerType, bareAddress, type Observation, type SensorRecord, type WatchType } from '../record';

/** A field's values: [] when unset or empty; sets and vectors give one value per element. */
export type FieldReader = (name: string) => string[];

export function guessPath(has: (name: string) => boolean): string | undefined {
  if (has('query') && has('qtype_name')) return 'dns';
  if (has('host') && has('uri')) return 'http';
  if (has('server_name') || has('ssl_history')) return 'ssl';
  if (has('mailfrom') || has('rcptto')) return 'smtp';
  if (has('fuid') && (has('md5') || has('sha1') || has('sha256') || has('mime_type'))) return 'files';
  if (has('conn_state') || has('history')) return 'conn';
  return undefined;
}

function collect(): { add(field: string, value: string | undefined, type: WatchType): void; out: Observation[] } {
  const seen = new Set<string>();
  const out: Observation[] = [];
  return {
    out,
    add(field, value, type) {
      if (value === undefined || value === '') return;
      const key = `${type} ${value}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ field, value, type });
    },
  };
}

function httpUrl(f: FieldReader): string | undefined {
  const host = f('host')[0];
  if (host === undefined) return undefined;
  const uri = f('uri')[0] ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri;
  const port = Number(f('id.resp_p')[0] ?? 80);
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${hostPart}${port === 80 || !Number.isFinite(port) ? '' : `:${port}`}${uri.startsWith('/') ? uri : `/${uri}`}`;
}

export function zeekRecord(path: string | undefined, f: FieldReader): SensorRecord {
  const c = collect();
  switch (path) {
    case 'dns':
      c.add('query', f('query')[0], 'domain');
      for (const a of f('answers')) {
        const t = answerType(a);
        if (t !== undefined) c.add('answers', a, t);
      }
      break;
    case 'http': {
      c.add('uri', httpUrl(f), 'url');
      const ref = f('referrer')[0];
      if (ref !== undefined && /^https?:\/\//i.test(ref)) c.add('referrer', ref, 'url');
      break;
    }
    case 'ssl':
      c.add('server_name', f('server_name')[0], 'domain');
      break;
    case 'conn':
      c.add('id.resp_h', f('id.resp_h')[0], 'ip');
      break;
    case 'smtp':
      c.add('helo', f('helo')[0], 'domain');
      for (const key of ['mailfrom', 'rcptto', 'from', 'to', 'cc', 'reply_to'])
        for (const v of f(key)) c.add(key, bareAddress(v), 'email_address');
      break;
    case 'files':
      for (const key of ['md5', 'sha1', 'sha256']) c.add(key, f(key)[0], 'file_hash');
      break;
  }
  const ts = f('ts')[0];
  return {
    sensor: 'zeek',
    kind: path,
    ts: ts === undefined ? undefined : /^\d+(\.\d+)?$/.test(ts) ? Number(ts) : ts,
    uid: f('uid')[0] ?? f('fuid')[0],
    srcIp: f('id.orig_h')[0],
    destIp: f('id.resp_h')[0],
    observations: c.out,
  };
}
