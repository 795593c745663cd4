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

/**
 * The label rules as they were written before parseDomain cut the labels out in one pass (split('.'),
 * then label by label: empty, longer than 63, a character outside [a-z0-9_-], a hyphen at either end):
 * the first error of `ascii`, or its labels. parseDomain must give the same for every name.
 */
function labelRules(ascii: string): { error: string } | { labels: string[] } {
  const labels = ascii.split('.');
  if (labels.length < 2) return { error: 'single-label name: a domain needs at least two labels' };
  for (const label of labels) {
    if (label.length === 0) return { error: 'domain has an empty label (two dots in a row)' };
    if (label.length > 63)
      return { error: `label "${label.slice(0, 20)}..." is ${label.length} octets; the limit is 63` };
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95)) {
        const shown = c < 32 || c === 127 ? `\\x${c.toString(16).padStart(2, '0')}` : label[i];
        return { error: `character "${shown}" is not allowed in a domain name` };
      }
    }
    if (label.startsWith('-') || label.endsWith('-')) return { error: `label "${label}" starts or ends with a hyphen` };
  }
  return { labels };
}

describe('parseDomain: labels and label errors as split() and the label rules give them', () => {
  it('agrees on 20,000 random names of dots, hyphens, letters, digits and bad characters', () => {
    // Characters that stay as they are through the IDNA step (lower-case ASCII), so `ascii` is the
    // input less a trailing dot; label lengths around the 63 limit; dots in runs and at the ends.
    const alphabet = ['a', 'b', 'z', '0', '9', '-', '-', '_', '.', '.', '$', '\u0001', '\u007f', '/', '*'];
    let seed = 17;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n; // the low bits of this generator repeat with short periods
    };
    let errors = 0;
    for (let k = 0; k < 20000; k++) {
      const parts: string[] = [];
      for (let j = 1 + next(4); j > 0; j--) {
        const long = next(8) === 0;
        const n = long ? 60 + next(8) : next(6);
        let label = '';
        for (let i = 0; i < n; i++) label += next(3) === 0 ? alphabet[next(alphabet.length)] : 'a';
        parts.push(label);
      }
      const name = `${parts.join('.')}.com`;
      if (name.length > 253 || name.endsWith('..') || name.startsWith('.')) continue;
      const p = parseDomain(name);
      const want = labelRules(name.endsWith('.') ? name.slice(0, -1) : name);
      if ('labels' in want) {
        if (p.ok) assert.deepEqual(p.value.labels, want.labels, name);
        // Every label passed: any error is a later rule's (a numeric last label never happens here).
        else assert.fail(`${JSON.stringify(name)}: ${p.error.message}`);
      } else {
        errors++;
        assert.equal(p.ok, false, name);
        if (!p.ok) assert.equal(p.error.message, want.error, name);
      }
    }
    assert.ok(errors > 5000, `${errors} names broke a label rule: too few to test their order`);
  });
});
