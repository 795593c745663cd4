/** Email addresses are scored by their domain with the domain model; the result names the address. */
import { itemError } from '../../errors';
import type { DomainFeatureAssets } from '../../indicators/domain/features';
import { type DomainName, parseDomain } from '../../indicators/domain/parse';
import { fail, ok, type Parsed } from '../../indicators/types';
import type { Pipeline } from '../pipeline';
import { domainFeatureParts, domainPipeline } from './domain';

export interface EmailAddress {
  address: string;
  domain: DomainName;
}

/** Longest address RFC 5321 allows (64 + 1 + 255). */
const MAX_ADDRESS = 320;
/** Longest input: the address with room for `mailto:`, angle brackets and surrounding white space. */
const MAX_ADDRESS_INPUT = 1024;

export function parseEmailAddress(raw: string): Parsed<EmailAddress> {
  let v = raw.trim();
  if (v.toLowerCase().startsWith('mailto:')) v = v.slice(7);
  if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1);
  if (v === '') return fail(itemError('INDICATOR_EMPTY', 'email address is empty'));
  if (v.length > MAX_ADDRESS)
    return fail(
      itemError('INDICATOR_TOO_LONG', `email address is ${v.length} characters; the maximum is ${MAX_ADDRESS}`),
    );
  const at = v.lastIndexOf('@');
  const local = v.slice(0, at);
  if (at <= 0 || at === v.length - 1)
    return fail(itemError('INVALID_EMAIL_ADDRESS', 'an email address needs a local part, "@" and a domain'));
  if (local.length > 64)
    return fail(itemError('INVALID_EMAIL_ADDRESS', `local part is ${local.length} characters; the maximum is 64`));
  if (/[\s<>()[\]\\,;:"]/.test(local) && !/^".*"$/.test(local)) {
    return fail(itemError('INVALID_EMAIL_ADDRESS', 'local part has characters that need quoting'));
  }
  const d = parseDomain(v.slice(at + 1));
  if (!d.ok) return fail(itemError('INVALID_EMAIL_ADDRESS', `domain part: ${d.error.message}`));
  return ok({ address: `${local}@${d.value.ascii}`, domain: d.value });
}

export const emailAddressPipeline: Pipeline<EmailAddress, DomainFeatureAssets> = {
  kind: 'email_address',
  ...domainFeatureParts<EmailAddress>((e) => e.domain),
  maxLength: MAX_ADDRESS_INPUT,
  parse: (item) => parseEmailAddress(item.value),
  normalised: (e) => e.address,
  enrich: (e) => domainPipeline.enrich(e.domain),
  decide: (e, meta) => domainPipeline.decide?.(e.domain, meta),
};
