import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDomain } from '../../../src/indicators/domain/parse';

interface Good {
  input: string;
  ascii: string;
  unicode?: string;
  registrableDomain: string;
  publicSuffix: string;
  subdomain?: string;
  subdomainDepth?: number;
  privateSuffix?: boolean;
  sharedHostingPlatform?: boolean;
  siteKey?: string;
  hasIdn?: boolean;
}

const GOOD: Good[] = [
  {
    input: 'Example.COM',
    ascii: 'example.com',
    registrableDomain: 'example.com',
    publicSuffix: 'com',
    subdomain: '',
    subdomainDepth: 0,
  },
  { input: 'example.com.', ascii: 'example.com', registrableDomain: 'example.com', publicSuffix: 'com' },
  { input: '  example.com  ', ascii: 'example.com', registrableDomain: 'example.com', publicSuffix: 'com' },
  // Whitespace at one end only, and Unicode spaces (no-break, em space, BOM), are trimmed too.
  { input: 'example.com\t', ascii: 'example.com', registrableDomain: 'example.com', publicSuffix: 'com' },
  { input: '\u00a0example.com\u2003', ascii: 'example.com', registrableDomain: 'example.com', publicSuffix: 'com' },
  { input: '\ufeffexample.com', ascii: 'example.com', registrableDomain: 'example.com', publicSuffix: 'com' },
  {
    input: 'www.example.co.uk',
    ascii: 'www.example.co.uk',
    registrableDomain: 'example.co.uk',
    publicSuffix: 'co.uk',
    subdomain: 'www',
    subdomainDepth: 1,
  },
  // IDN <-> punycode: both spellings give the same ASCII and Unicode forms.
  {
    input: 'pаypal.com',
    ascii: 'xn--pypal-4ve.com',
    unicode: 'pаypal.com',
    registrableDomain: 'xn--pypal-4ve.com',
    publicSuffix: 'com',
    hasIdn: true,
  },
  {
    input: 'xn--pypal-4ve.com',
    ascii: 'xn--pypal-4ve.com',
    unicode: 'pаypal.com',
    registrableDomain: 'xn--pypal-4ve.com',
    publicSuffix: 'com',
    hasIdn: true,
  },
  {
    input: 'bücher.de',
    ascii: 'xn--bcher-kva.de',
    unicode: 'bücher.de',
    registrableDomain: 'xn--bcher-kva.de',
    publicSuffix: 'de',
    hasIdn: true,
  },
  {
    input: 'BÜCHER.de',
    ascii: 'xn--bcher-kva.de',
    unicode: 'bücher.de',
    registrableDomain: 'xn--bcher-kva.de',
    publicSuffix: 'de',
    hasIdn: true,
  },
  // Full-width letters and the ideographic full stop map to ASCII (UTS #46).
  {
    input: 'ＥＸＡＭＰＬＥ．com',
    ascii: 'example.com',
    unicode: 'example.com',
    registrableDomain: 'example.com',
    publicSuffix: 'com',
    hasIdn: false,
  },
  // Underscores are accepted (DMARC, SRV names).
  {
    input: '_dmarc.example.com',
    ascii: '_dmarc.example.com',
    registrableDomain: 'example.com',
    publicSuffix: 'com',
    subdomain: '_dmarc',
    subdomainDepth: 1,
  },
  // Shared hosting: a customer's site is its own unit of reputation.
  {
    input: 'a.b.weebly.com',
    ascii: 'a.b.weebly.com',
    registrableDomain: 'weebly.com',
    publicSuffix: 'com',
    subdomain: 'a.b',
    subdomainDepth: 2,
    sharedHostingPlatform: true,
    siteKey: 'b.weebly.com',
  },
  {
    input: 'weebly.com',
    ascii: 'weebly.com',
    registrableDomain: 'weebly.com',
    publicSuffix: 'com',
    sharedHostingPlatform: true,
    siteKey: 'weebly.com',
  },
  {
    input: 'x.y.blogspot.co.uk',
    ascii: 'x.y.blogspot.co.uk',
    registrableDomain: 'blogspot.co.uk',
    publicSuffix: 'co.uk',
    sharedHostingPlatform: true,
    siteKey: 'y.blogspot.co.uk',
  },
  // PSL private suffix: each customer is already a registrable domain.
  {
    input: 'foo.github.io',
    ascii: 'foo.github.io',
    registrableDomain: 'foo.github.io',
    publicSuffix: 'github.io',
    privateSuffix: true,
    sharedHostingPlatform: false,
    siteKey: 'foo.github.io',
  },
  // A brand in the subdomain does not make the name the brand's.
  {
    input: 'google.com.evil.net',
    ascii: 'google.com.evil.net',
    registrableDomain: 'evil.net',
    publicSuffix: 'net',
    subdomain: 'google.com',
    subdomainDepth: 2,
    sharedHostingPlatform: false,
    siteKey: 'evil.net',
  },
  {
    input: `${'a'.repeat(63)}.com`,
    ascii: `${'a'.repeat(63)}.com`,
    registrableDomain: `${'a'.repeat(63)}.com`,
    publicSuffix: 'com',
  },
];

describe('parseDomain: valid names', () => {
  for (const g of GOOD) {
    it(JSON.stringify(g.input), () => {
      const p = parseDomain(g.input);
      assert.ok(p.ok, p.ok ? '' : p.error.message);
      const v = p.value;
      assert.equal(v.ascii, g.ascii);
      assert.equal(v.unicode, g.unicode ?? g.ascii);
      assert.equal(v.registrableDomain, g.registrableDomain);
      assert.equal(v.publicSuffix, g.publicSuffix);
      assert.deepEqual(v.labels, g.ascii.split('.'));
      if (g.subdomain !== undefined) assert.equal(v.subdomain, g.subdomain);
      if (g.subdomainDepth !== undefined) assert.equal(v.subdomainDepth, g.subdomainDepth);
      assert.equal(v.privateSuffix, g.privateSuffix ?? false);
      if (g.sharedHostingPlatform !== undefined) assert.equal(v.sharedHostingPlatform, g.sharedHostingPlatform);
      assert.equal(v.siteKey, g.siteKey ?? g.registrableDomain);
      assert.equal(v.hasIdn, g.hasIdn ?? false);
    });
  }
});

const BAD: { input: string; reason: string; message: string }[] = [
  { input: '', reason: 'INDICATOR_EMPTY', message: 'domain is empty' },
  { input: '   ', reason: 'INDICATOR_EMPTY', message: 'domain is empty' },
  { input: 'x'.repeat(1025), reason: 'INDICATOR_TOO_LONG', message: 'domain is 1025 characters' },
  { input: 'localhost', reason: 'INVALID_DOMAIN', message: 'single-label name' },
  { input: '.', reason: 'INVALID_DOMAIN', message: 'empty label' },
  { input: 'a..b.com', reason: 'INVALID_DOMAIN', message: 'empty label (two dots in a row)' },
  { input: '.a.com', reason: 'INVALID_DOMAIN', message: 'empty label' },
  { input: '-a.com', reason: 'INVALID_DOMAIN', message: 'label "-a" starts or ends with a hyphen' },
  { input: 'a-.com', reason: 'INVALID_DOMAIN', message: 'label "a-" starts or ends with a hyphen' },
  { input: 'a b.com', reason: 'INVALID_DOMAIN', message: 'character " " is not allowed' },
  { input: 'exa$mple.com', reason: 'INVALID_DOMAIN', message: 'character "$" is not allowed' },
  { input: 'a\u0000b.com', reason: 'INVALID_DOMAIN', message: 'character "\\x00" is not allowed' },
  { input: '1.2.3.4', reason: 'INVALID_DOMAIN', message: 'looks like an IP address' },
  { input: `${'a'.repeat(64)}.com`, reason: 'INVALID_DOMAIN', message: 'is 64 octets; the limit is 63' },
  {
    input: `${`${'a'.repeat(60)}.`.repeat(5)}com`,
    reason: 'INVALID_DOMAIN',
    message: 'domain is 308 octets; the limit is 253',
  },
  { input: 'xn--zz.com', reason: 'INVALID_DOMAIN', message: 'is not a valid internationalised domain name' },
];

describe('parseDomain: invalid input gives a per-item error', () => {
  for (const b of BAD) {
    it(`${JSON.stringify(b.input.slice(0, 30))} -> ${b.reason}`, () => {
      const p = parseDomain(b.input);
      assert.equal(p.ok, false);
      if (p.ok) return;
      assert.equal(p.error.reason, b.reason);
      assert.ok(p.error.message.includes(b.message), `"${p.error.message}" should contain "${b.message}"`);
    });
  }
});
