/**
 * Human reasons for an IP's score, read off its feature row: the reputation of its ASN and prefix in
 * the training data, the hosting provider, the kind of network. `weight` is the log-odds the counts
 * imply (malicious vs benign training addresses, classes balanced), 0 for facts without a measure.
 */
import type { Reason } from '../types';
import { IP_FEATURE_NAMES, type IpIndicator, prefixKey, splitKey } from './features';
import { IP_FEATURE_NAMES_V2 } from './features-v2';
import { cdnEdgeOf, IP_FEATURE_NAMES_V3 } from './features-v3';

const INDEX_V1 = new Map(IP_FEATURE_NAMES.map((n, i) => [n, i]));
const INDEX_V2 = new Map(IP_FEATURE_NAMES_V2.map((n, i) => [n, i]));
const INDEX_V3 = new Map(IP_FEATURE_NAMES_V3.map((n, i) => [n, i]));

/** log-odds beyond which a network's training record is worth naming (about 3:1 either way). */
const NOTABLE = Math.log(3);

function prefixText(x: IpIndicator): string {
  const k = prefixKey(x.ip);
  if (x.ip.version === 4) return `${k}.0.0/16`;
  return `${k.slice(0, 4)}:${k.slice(4, 8)}::/32`;
}

/** Reasons read off an ip/1, ip/2 or ip/3 row (told apart by its width). */
export function explainIp(x: IpIndicator, row: Float32Array): Reason[] {
  const index =
    row.length === IP_FEATURE_NAMES_V3.length
      ? INDEX_V3
      : row.length === IP_FEATURE_NAMES_V2.length
        ? INDEX_V2
        : INDEX_V1;
  const f = (name: string) => row[index.get(name) as number] as number;
  const count = (name: string) => Math.round(Math.expm1(f(name)));
  const reasons: Reason[] = [];
  const g = x.geo;
  const asnOdds = f('asn_log_odds');
  if (f('asn_known') === 1 && Math.abs(asnOdds) >= NOTABLE) {
    const bad = asnOdds > 0;
    reasons.push({
      code: bad ? 'ASN_REPUTATION_BAD' : 'ASN_REPUTATION_GOOD',
      message:
        `AS${g.asn} (${g.asOrganization || 'unknown organisation'}) held ${count('asn_malicious_log1p')} malicious and ` +
        `${count('asn_benign_log1p')} benign addresses in the training data`,
      weight: asnOdds,
    });
  } else if (f('asn_known') === 1 && f('asn_malicious_log1p') === 0 && f('asn_benign_log1p') === 0) {
    reasons.push({ code: 'ASN_UNSEEN', message: `AS${g.asn} has no addresses in the training data`, weight: 0 });
  }
  const prefixOdds = f('prefix_log_odds');
  if (Math.abs(prefixOdds) >= NOTABLE) {
    reasons.push({
      code: prefixOdds > 0 ? 'PREFIX_REPUTATION_BAD' : 'PREFIX_REPUTATION_GOOD',
      message: `${prefixText(x)} held ${count('prefix_malicious_log1p')} malicious and ${count('prefix_benign_log1p')} benign training addresses`,
      weight: prefixOdds,
    });
  }
  if (index !== INDEX_V1) {
    const netOdds = f('net24_log_odds');
    if (Math.abs(netOdds) >= NOTABLE) {
      reasons.push({
        code: netOdds > 0 ? 'PREFIX_REPUTATION_BAD' : 'PREFIX_REPUTATION_GOOD',
        message: `${splitKey(x.ip)} held ${count('net24_malicious_log1p')} malicious and ${count('net24_benign_log1p')} benign training addresses`,
        weight: netOdds,
      });
    }
  }
  const edge = index === INDEX_V3 && f('cdn_edge') === 1 ? cdnEdgeOf(x) : '';
  if (edge !== '') {
    reasons.push({
      code: 'HOSTING_PROVIDER',
      message: `in the published edge ranges of ${edge}: a CDN front end shared by many customers' sites`,
      weight: 0,
    });
  } else if (g.hostingProvider !== '') {
    reasons.push({
      code: 'HOSTING_PROVIDER',
      message: `in the published ${g.hostingProvider} cloud ranges: rented servers, not an end user's line`,
      weight: 0,
    });
  } else if (f('as_org_hosting_words') === 1) {
    reasons.push({
      code: 'HOSTING_NETWORK',
      message: `the AS organisation "${g.asOrganization}" reads as a hosting network`,
      weight: 0,
    });
  } else if (f('as_org_access_words') === 1) {
    reasons.push({
      code: 'ACCESS_NETWORK',
      message: `the AS organisation "${g.asOrganization}" reads as an access (ISP/mobile) network`,
      weight: 0,
    });
  }
  if (f('asn_known') === 0) {
    reasons.push({ code: 'ASN_UNKNOWN', message: 'the ASN database has no entry for this address', weight: 0 });
  }
  if (f('special_routable_range') === 1) {
    reasons.push({ code: 'SPECIAL_RANGE', message: `the address is in the ${x.ip.range} range`, weight: 0 });
  }
  return reasons;
}
