/**
 * What the sensor readers hand to the streaming client: one record per log line, carrying the values
 * worth scoring (observations) and the keys a SOC joins answers back on (Zeek uid, Suricata flow_id,
 * timestamp). The readers know log formats and nothing about gRPC; the client knows batches and
 * nothing about logs.
 */

/** The indicator types a reader may assert; the service checks the value really is one. */
export type WatchType = 'domain' | 'url' | 'ip' | 'email_address' | 'file_hash';

/** One value found in a record, and where: `field` names it the way the log does (`dns.rrname`, `query`). */
export interface Observation {
  field: string;
  value: string;
  /** Undefined for plain lines: the service detects the type. */
  type?: WatchType | undefined;
}

export interface SensorRecord {
  sensor: 'suricata' | 'zeek' | 'plain';
  /** Suricata event_type or Zeek log path (`dns`, `http`, ...), when known. */
  kind?: string | undefined;
  /** The record's timestamp as the log wrote it (ISO text for Suricata, epoch seconds for Zeek TSV). */
  ts?: string | number | undefined;
  /**
   * Suricata's flow_id as its decimal digits: flow ids use all 64 bits, and JSON.parse would round
   * them to the nearest double, so that the join key no longer matched the flow's other events.
   */
  flowId?: string | undefined;
  /** Zeek's connection uid (or, in files.log without one, the file's fuid). */
  uid?: string | undefined;
  srcIp?: string | undefined;
  destIp?: string | undefined;
  observations: Observation[];
}

/** A line a reader could not read: counted and reported with its line number, never fatal. */
export interface Malformed {
  malformed: string;
}

/** What a reader makes of one line: a record, a problem, or nothing (a header or an empty line). */
export type LineResult = SensorRecord | Malformed | undefined;

export function isMalformed(r: LineResult): r is Malformed {
  return r !== undefined && 'malformed' in r;
}

/**
 * `Name <a@b.example>` or `<a@b.example>` or `a@b.example` -> `a@b.example`: SMTP envelopes and
 * headers carry addresses in all three forms.
 */
export function bareAddress(raw: string): string | undefined {
  const lt = raw.lastIndexOf('<');
  const v = (lt >= 0 ? raw.slice(lt + 1, raw.indexOf('>', lt) === -1 ? undefined : raw.indexOf('>', lt)) : raw).trim();
  return v.includes('@') ? v : undefined;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;
const NAME = /^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?\.?$/i;

/** A DNS answer's rdata: an address, a name (CNAME, NS, MX target, PTR), or neither (TXT, ...). */
export function answerType(rdata: string): WatchType | undefined {
  if (IPV4.test(rdata) || (rdata.includes(':') && IPV6.test(rdata))) return 'ip';
  if (NAME.test(rdata) && rdata.includes('.')) return 'domain';
  return undefined;
}
