/**
 * Real host names of the kind a DNS resolver sees most (issue 12: "machine-made subdomains of
 * legitimate services: CDN, cloud, telemetry"), read from files that registry packages ship:
 *
 * - cloud service endpoints: botocore's `endpoints.json` (every AWS service in every region and
 *   partition: `bedrock-runtime.us-east-1.amazonaws.com`, `s3-fips.dualstack.us-gov-west-1.amazonaws.com`)
 *   and the `rootUrl` / `mtlsRootUrl` / regional `endpoints` of the Google API discovery documents
 *   (`europe-west1-aiplatform.googleapis.com`, `cloudkms.us-east5.rep.googleapis.com`);
 * - telemetry hosts from EasyPrivacy (as uBlock Origin ships it): the names its rules block whole
 *   (`||host^`), by the section they come from. `specific_cname_<vendor>`: a company's own subdomain
 *   that is a CNAME to an analytics vendor (`smetrics.nespresso.com` -> Adobe, `aacjdq.pontoslivelo.com.br`
 *   -> Criteo); `specific*`: a company's own telemetry host (`mcs-va.tiktokv.com`); `trackingservers*` and
 *   `thirdparty*`: an analytics vendor's own hosts. Tracking is not malice: these are the names browsers
 *   and apps of legitimate companies resolve all day;
 * - the Debian and Ubuntu archive mirrors python-apt knows (`mirror.aarnet.edu.au`, `ftp.tu-graz.ac.at`).
 *
 * What EasyPrivacy also holds, and where it goes (`easyPrivacyHosts` returns a `group` for each):
 * `mining` (in-browser coin miners: cryptojacking) and `notifications` (push-notification spam networks)
 * are abuse and are dropped; `admiral`, `dataunlocker` and `lead-forensics` are registrable domains
 * made up to dodge blockers (random word pairs `clumsycar.com`, `secure.feed5baby.com`): real and not
 * malware, but built to look like nothing, so they are kept apart (`evasive`) and reported on their own,
 * never counted as ordinary benign traffic. EasyList (ads), where malvertising and pop-under networks
 * sit, is not read at all.
 *
 * Pure text in, rows out: scripts/domain/extract-resolver-hosts.ts fetches the pinned packages.
 */
import { parseDomain } from '../indicators/domain/parse';
import { stableUnit } from './sources';

export interface ResolverHost {
  host: string;
  /**
   * Who runs the name: `aws`, `google`, an analytics vendor for a CNAME-cloaked tracker (`adobe`),
   * otherwise the registrable domain (the company). A split by provider keeps every name of one
   * provider on one side.
   */
  provider: string;
  /** Where in the source file it came from (AWS partition, EasyPrivacy section, mirror list). */
  origin: string;
}

const regdomOf = (host: string): string => {
  const p = parseDomain(host);
  return p.ok ? p.value.registrableDomain || p.value.siteKey : '';
};

/** A name parseDomain accepts, lower-cased A-label form; '' otherwise. */
const hostName = (raw: string): string => {
  const p = parseDomain(raw);
  return p.ok && p.value.ascii.includes('.') ? p.value.ascii : '';
};

function dedupe(rows: ResolverHost[]): ResolverHost[] {
  const seen = new Set<string>();
  return rows.filter((r) => r.host !== '' && !seen.has(r.host) && seen.add(r.host) !== undefined);
}

interface EndpointVariant {
  hostname?: string;
  dnsSuffix?: string;
  tags?: string[];
}
interface Endpoint {
  hostname?: string;
  variants?: EndpointVariant[];
}
interface Partition {
  partition: string;
  dnsSuffix: string;
  regionRegex?: string;
  regions: Record<string, unknown>;
  defaults?: Endpoint;
  services: Record<string, { defaults?: Endpoint; endpoints?: Record<string, Endpoint> }>;
}

/**
 * Every host botocore's endpoints.json names: per partition, service and endpoint key, the endpoint's
 * own hostname or, when it has none, the service's or partition's template (`{service}.{region}.{dnsSuffix}`)
 * filled in, plus each variant (FIPS, dual-stack) the endpoint lists, filled the same way. A template is filled only for a key that
 * is a region of the partition (`fips-us-east-1`-style keys carry their own hostname; a key without one
 * names no host of its own).
 */
export function awsEndpointHosts(json: string): ResolverHost[] {
  const doc = JSON.parse(json) as { partitions: Partition[] };
  const out: ResolverHost[] = [];
  for (const part of doc.partitions) {
    const regionRe = new RegExp(part.regionRegex ?? '^$');
    const fill = (template: string, service: string, region: string, suffix: string) =>
      template.replaceAll('{service}', service).replaceAll('{region}', region).replaceAll('{dnsSuffix}', suffix);
    for (const [service, spec] of Object.entries(part.services)) {
      for (const [key, ep] of Object.entries(spec.endpoints ?? {})) {
        const isRegion = key in part.regions || regionRe.test(key);
        const template = ep.hostname ?? spec.defaults?.hostname ?? part.defaults?.hostname;
        if (template !== undefined && (ep.hostname !== undefined || isRegion)) {
          out.push({
            host: hostName(fill(template, service, key, part.dnsSuffix)),
            provider: 'aws',
            origin: part.partition,
          });
        }
        // A variant exists where the endpoint lists it (botocore's resolver); its hostname and DNS
        // suffix come from the endpoint, else the service's defaults, else the partition's.
        for (const v of ep.variants ?? []) {
          const inherited = [spec.defaults?.variants, part.defaults?.variants].map((vs) =>
            vs?.find((w) => sameTags(w.tags, v.tags)),
          );
          const t = v.hostname ?? inherited[0]?.hostname ?? inherited[1]?.hostname;
          if (t === undefined) continue;
          const suffix = v.dnsSuffix ?? inherited[0]?.dnsSuffix ?? inherited[1]?.dnsSuffix ?? part.dnsSuffix;
          out.push({ host: hostName(fill(t, service, key, suffix)), provider: 'aws', origin: part.partition });
        }
      }
    }
  }
  return dedupe(out.filter((r) => !r.host.includes('{')));
}

function sameTags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = [...(a ?? [])].sort().join(',');
  return x === [...(b ?? [])].sort().join(',');
}

/** The hosts of a Google API discovery document: rootUrl, mtlsRootUrl and each regional endpointUrl. */
export function googleDiscoveryHosts(documents: readonly string[]): ResolverHost[] {
  const out: ResolverHost[] = [];
  for (const text of documents) {
    const doc = JSON.parse(text) as {
      name?: string;
      rootUrl?: string;
      mtlsRootUrl?: string;
      endpoints?: { endpointUrl?: string }[];
    };
    const urls = [doc.rootUrl, doc.mtlsRootUrl, ...(doc.endpoints ?? []).map((e) => e.endpointUrl)];
    for (const u of urls) {
      if (u === undefined) continue;
      const host = /^https?:\/\/([^/:]+)/.exec(u)?.[1];
      if (host !== undefined) out.push({ host: hostName(host), provider: 'google', origin: doc.name ?? '' });
    }
  }
  return dedupe(out);
}

export type EasyPrivacyGroup = 'cname' | 'first_party' | 'tracker' | 'evasive' | 'abuse';

/** Which group an EasyPrivacy section's hosts belong to (module comment), '' for sections of no hosts we read. */
export function easyPrivacyGroup(section: string): EasyPrivacyGroup | '' {
  if (/^specific_cname_(admiral|dataunlocker|lead-forensics)$/.test(section)) return 'evasive';
  if (section === 'trackingservers_admiral') return 'evasive';
  if (/^trackingservers_(mining|notifications)$/.test(section)) return 'abuse';
  if (section.startsWith('specific_cname_')) return 'cname';
  if (/^specific(_international|_uBO|_perimeterx)?$/.test(section)) return 'first_party';
  if (/^(trackingservers|thirdparty)(_|$)/.test(section)) return 'tracker';
  return '';
}

export interface EasyPrivacyHost extends ResolverHost {
  group: EasyPrivacyGroup;
}

/**
 * The hosts EasyPrivacy blocks whole (`||host^`, optionally `$third-party` or resource types: a
 * verdict on the name, not on a path), with the section (`! *** easylist:easyprivacy/easyprivacy_<section>.txt`)
 * each came from. Allow-list sections (`@@`) and rules limited to some sites (`domain=`) are skipped.
 * A CNAME section's provider is its vendor; any other row's is its registrable domain.
 */
export function easyPrivacyHosts(text: string): EasyPrivacyHost[] {
  const out: EasyPrivacyHost[] = [];
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const head = /^! \*\*\* easylist:easyprivacy\/easyprivacy_(.+)\.txt \*\*\*$/.exec(line);
    if (head) {
      section = head[1]!;
      continue;
    }
    const m = /^\|\|([a-z0-9.-]+)\^(?:\$([a-z,~-]+))?$/i.exec(line);
    if (!m || (m[2] ?? '').includes('domain')) continue;
    const group = easyPrivacyGroup(section);
    if (group === '') continue;
    const host = hostName(m[1]!);
    if (host === '' || /^\d+(\.\d+){3}$/.test(host)) continue;
    const vendor = /^specific_cname_(.+)$/.exec(section)?.[1];
    out.push({ host, provider: vendor ?? regdomOf(host), origin: section, group });
  }
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(r.host) && seen.add(r.host) !== undefined);
}

/** The hosts of python-apt's `<Distribution>.mirrors` files (one URL a line, `#LOC:` country lines). */
export function aptMirrorHosts(files: readonly { name: string; text: string }[]): ResolverHost[] {
  const out: ResolverHost[] = [];
  for (const { name, text } of files) {
    for (const line of text.split('\n')) {
      const host = /^(?:https?|ftp|rsync):\/\/([^/:]+)/.exec(line.trim())?.[1];
      if (host === undefined || /^\d+(\.\d+){3}$/.test(host)) continue;
      const h = hostName(host);
      out.push({ host: h, provider: regdomOf(h), origin: name });
    }
  }
  return dedupe(out);
}

/**
 * `train` or `held_out` for a provider, by a seeded hash of its name: every host of one provider on one
 * side, so the held-out side measures providers a model never saw (`aws` and `google` hash like any
 * other name).
 */
export function providerPart(provider: string): 'train' | 'held_out' {
  return stableUnit(`resolver-provider:${provider}`) < 0.5 ? 'train' : 'held_out';
}
