import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import { addressDomainIn, domainIn } from '../../../src/indicators/email/text-domains';
import { seededRandom } from '../../../src/seeded-random';

// What the email signals ran on the From display name before: quadratic on hostile names.
const ADDRESS_IN_TEXT = /[^\s<>"'@]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)/i;
const DOMAIN_IN_TEXT = /\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b/i;

function same(s: string): void {
  assert.equal(addressDomainIn(s), ADDRESS_IN_TEXT.exec(s)?.[1], `address in ${JSON.stringify(s)}`);
  assert.equal(domainIn(s), DOMAIN_IN_TEXT.exec(s)?.[1], `domain in ${JSON.stringify(s)}`);
}

it('finds exactly what the regexes find in random names', () => {
  const parts = ['a', 'b', 'Z', 'Q', '1', '0', '.', '.', '.', '-', '_', '@', ' ', '\t', '"', "'", '<', '>', 'é'];
  const words = ['\u212a', '\u017f', 'co', 'COM', 'x@y.co', '.org', 'a.b', '-.', '..', 'ab1', 'Mail.Example.de'];
  const random = seededRandom(20261208);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  let addresses = 0;
  let domains = 0;
  for (let i = 0; i < 60_000; i++) {
    let s = '';
    for (let j = Math.floor(random() * 24); j > 0; j--) s += random() < 0.2 ? pick(words) : pick(parts);
    same(s);
    if (ADDRESS_IN_TEXT.test(s)) addresses++;
    if (DOMAIN_IN_TEXT.test(s)) domains++;
  }
  // The strings exercise both outcomes of both regexes often.
  assert.ok(addresses > 5_000 && addresses < 55_000, `${addresses} with an address`);
  assert.ok(domains > 5_000 && domains < 55_000, `${domains} with a domain`);
});

it('finds exactly what the regexes find in hand-made and fixture names', async () => {
  const names = [
    'PayPal Service <service@paypal.com>',
    'support@secure-paypal.com.verify.ru',
    'Amazon.com',
    'amazon.co.uk Team',
    'a.b.c1 x.yz',
    '_-a.bc',
    'a-b.cc_',
    'x.y1.zz',
    'a.bc.d1',
    'é.com é@b.c',
    'Bank of America',
    '',
  ];
  const dir = join(__dirname, '../../fixtures/email');
  const files = [
    ...readdirSync(dir).map((f) => join(dir, f)),
    ...readdirSync(join(dir, 'modern')).map((f) => join(dir, 'modern', f)),
  ].filter((f) => f.endsWith('.eml'));
  for (const file of files) {
    const parsed = await parseEmail(readFileSync(file));
    if (!parsed.ok) continue;
    for (const m of parsed.value.messages) if (m.from?.name) names.push(m.from.name);
  }
  assert.ok(names.length > 20, `${names.length} names`);
  for (const s of names) same(s);
  assert.equal(domainIn('Amazon.com'), 'Amazon.com');
  assert.equal(addressDomainIn('PayPal Service <service@paypal.com>'), 'paypal.com');
});

// The regexes take seconds here (every start position scans to the run's end before failing): ~12-14 s
// each for these lengths on an idle core. node:test's timeout cannot stop a synchronous test, so the
// time is asserted; the functions take well under 100 ms.
it('takes linear time on long hostile names', () => {
  const started = performance.now();
  assert.equal(addressDomainIn('x'.repeat(100_000)), undefined);
  assert.equal(addressDomainIn(`${'x'.repeat(100_000)}@a.bc`), 'a.bc');
  assert.equal(addressDomainIn(`${'a.'.repeat(50_000)}1`), undefined);
  assert.equal(addressDomainIn(`${'a@'.repeat(50_000)}`), undefined);
  assert.equal(domainIn(`${'a.'.repeat(50_000)}1`), undefined);
  assert.equal(domainIn(`${'a-'.repeat(50_000)}`), undefined);
  assert.equal(domainIn(`${'a.'.repeat(50_000)}bc`), `${'a.'.repeat(50_000)}bc`);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 3_000, `${elapsed.toFixed(0)} ms`);
});
