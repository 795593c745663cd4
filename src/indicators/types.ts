/**
 * Shapes shared by every indicator type. These mirror the protobuf contract but do not import it:
 * the indicator and scoring layers are testable without gRPC (see STYLE.md, "Shape of the house").
 */
import type { PredictError } from '../errors';
import type { ReasonCode } from '../reason-codes';

export type IndicatorKind = 'domain' | 'url' | 'ip' | 'email_address' | 'email_message' | 'file_hash' | 'crypto_wallet';

export type Verdict = 'benign' | 'suspicious' | 'malicious';

/** One reason behind a score. `weight` is signed log-odds strength, 0 when not measured. */
export interface Reason {
  /** One of the catalogue's codes (src/reason-codes.ts), so the proto's ReasonCode enum lists it. */
  code: ReasonCode;
  message: string;
  weight: number;
}

/**
 * Where an explanation appends its reasons, in order: an array, or the reasons stage's list that
 * gives the item one array of their exact number (scoring/stages.ts).
 */
export interface ReasonSink {
  push(reason: Reason): unknown;
}

export interface DomainEnrichment {
  registrableDomain: string;
  publicSuffix: string;
  subdomain: string;
  subdomainDepth: number;
  ascii: string;
  unicode: string;
  privateSuffix: boolean;
  sharedHostingPlatform: boolean;
}

export interface UrlEnrichment {
  scheme: string;
  host: string;
  port: number;
  path: string;
  query: string;
  domain: DomainEnrichment | undefined;
  hostIsIp: boolean;
  hadUserinfo: boolean;
}

export interface IpEnrichment {
  version: 4 | 6;
  asn: number;
  asOrganization: string;
  countryCode: string;
  countryName: string;
  city: string;
  latitude: number;
  longitude: number;
  hasLocation: boolean;
  timeZone: string;
  range: string;
  globallyRoutable: boolean;
  address: string;
  prefixLength: number;
  hostingProvider: string;
}

export type Enrichment =
  | { kind: 'domain'; domain: DomainEnrichment }
  | { kind: 'url'; url: UrlEnrichment }
  | { kind: 'ip'; ip: IpEnrichment };

/** Result of parsing one raw value: the parsed form, or a per-item error. Parsers never throw for bad input. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: PredictError };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T>(error: PredictError): Parsed<T> {
  return { ok: false, error };
}
