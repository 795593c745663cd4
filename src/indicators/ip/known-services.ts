/**
 * Published ranges of well-known services: relays (iCloud Private Relay egress), messengers (Telegram),
 * crawlers (Googlebot, Bingbot, DuckDuckBot, OpenAI and Perplexity bots) and uptime monitors (Pingdom,
 * StatusCake). data/known-services.json holds them with their source (lord-alfred/ipranges, CC0) and
 * the commit each list was taken from; nothing is fetched at run time.
 *
 * Why a rule and not a feature: these services sit inside networks that also host C2 (Apple's relay in
 * Cloudflare, Fastly and Akamai space, StatusCake probes on DigitalOcean and Vultr, crawlers in Azure and
 * Google Cloud), so a reputation model scores them by their neighbours. Their addresses are either shared
 * by many users (a relay's egress) or the service's own machines (a crawler), and the operator says so
 * in public: the pipeline answers them as what they are, with the service's name as the reason.
 */
import bundled from './data/known-services.json';
import { type IpAddress, parseIp } from './parse';
import { createRangeTableBuilder, type RangeTable } from './range-table';

export type KnownServiceKind = 'relay' | 'messenger' | 'crawler' | 'monitor';

export interface KnownService {
  id: string;
  name: string;
  kind: KnownServiceKind;
}

interface ServiceEntry extends KnownService {
  ipv4: readonly string[];
  ipv6: readonly string[];
}

export interface KnownServicesData {
  services: readonly ServiceEntry[];
}

export interface KnownServiceLookup {
  /** The service whose published range holds the address (a CIDR's network address), if any. */
  find(ip: Pick<IpAddress, 'bytes'>): KnownService | undefined;
  readonly rangeCount: number;
}

const KINDS: readonly string[] = ['relay', 'messenger', 'crawler', 'monitor'];

/** First and last address of `a.b.c.d`, `a.b.c.d/n` or `first-last`, as bytes. */
export function rangeOf(text: string): { version: 4 | 6; start: Uint8Array; end: Uint8Array } {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = parseIp(text.slice(0, dash));
    const b = parseIp(text.slice(dash + 1));
    if (!a.ok || !b.ok || a.value.version !== b.value.version) throw new Error(`bad range "${text}"`);
    return { version: a.value.version, start: a.value.bytes, end: b.value.bytes };
  }
  const p = parseIp(text);
  if (!p.ok) throw new Error(`bad address or CIDR "${text}": ${p.error.message}`);
  const start = p.value.bytes;
  const end = Uint8Array.from(start);
  const prefix = p.value.prefixLength === 0 ? start.length * 8 : p.value.prefixLength;
  for (let bit = prefix; bit < end.length * 8; bit++) end[bit >> 3]! |= 0x80 >> (bit & 7);
  return { version: p.value.version, start, end };
}

// JSON imports widen the kind to string; createKnownServiceLookup checks it entry by entry.
const BUNDLED = bundled as unknown as KnownServicesData;

export function createKnownServiceLookup(data: KnownServicesData = BUNDLED): KnownServiceLookup {
  const v4 = createRangeTableBuilder<KnownService>(4);
  const v6 = createRangeTableBuilder<KnownService>(6);
  /** IPv4 /16s that hold any known-service range. */
  const v4Slash16 = new Uint8Array(65536);
  for (const s of data.services) {
    if (!KINDS.includes(s.kind)) throw new Error(`known service ${s.id}: unknown kind "${s.kind}"`);
    const service: KnownService = { id: s.id, name: s.name, kind: s.kind };
    for (const text of [...s.ipv4, ...s.ipv6]) {
      const r = rangeOf(text);
      (r.version === 4 ? v4 : v6).add(r.start, r.end, service);
      if (r.version === 4) {
        const first = ((r.start[0] as number) << 8) | (r.start[1] as number);
        const last = ((r.end[0] as number) << 8) | (r.end[1] as number);
        for (let k = first; k <= last; k++) v4Slash16[k] = 1;
      }
    }
  }
  // Overlaps would make the answer depend on list order: the data must not have any.
  const tables: Record<number, RangeTable<KnownService>> = { 4: v4.build(), 16: v6.build() };
  const v4Table = tables[4] as RangeTable<KnownService>;
  return {
    rangeCount: (tables[4]?.size ?? 0) + (tables[16]?.size ?? 0),
    find(ip) {
      const b = ip.bytes;
      // Nearly every address is in a /16 no service uses: one array read instead of a binary search.
      if (b.length === 4) return v4Slash16[((b[0] as number) << 8) | (b[1] as number)] ? v4Table.find(b) : undefined;
      return tables[b.length]?.find(b);
    },
  };
}

const KIND_TEXT: Record<KnownServiceKind, string> = {
  relay: 'a relay egress address shared by many users: what one user does there says nothing of the next one',
  messenger: "the messenger's own servers",
  crawler: "the operator's published crawler addresses",
  monitor: "the operator's published uptime-probe addresses",
};

/** The reason text for an address answered as a known service. */
export function knownServiceMessage(address: string, s: KnownService): string {
  return `${address} is in the published ranges of ${s.name} (${s.kind}): ${KIND_TEXT[s.kind]}; answered as that service, not scored by its network's neighbours`;
}
