/**
 * A hosting platform's own names (src/indicators/domain/platform-own.ts): private PSL suffixes and
 * the bases of wildcard rules are the platform's; its customers' names, names reached only through
 * a wildcard, and names that merely contain a platform's word are not. The feature view of a bare
 * suffix (no registrable domain under the PSL) is what published versions were trained and golden-
 * tested on, so it must not move.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDomain } from '../../../src/indicators/domain/parse';
import { domainEnrichment } from '../../../src/scoring/pipelines/domain';

function parsed(name: string) {
  const p = parseDomain(name);
  assert.ok(p.ok, name);
  return p.value;
}

describe("platforms' own names", () => {
  const own: [string, string][] = [
    ['github.io', 'github.io'],
    ['blogspot.com', 'blogspot.com'],
    ['s3.dualstack.eu-west-1.amazonaws.com', 'amazonaws.com'],
    ['s3-website.eu-central-1.amazonaws.com', 'amazonaws.com'],
    ['eu-central-1.elasticbeanstalk.com', 'elasticbeanstalk.com'],
    ['elasticbeanstalk.com', 'elasticbeanstalk.com'],
    ['cn-north-1.eb.amazonaws.com.cn', 'amazonaws.com.cn'],
    // The base of the wildcard rule *.compute-1.amazonaws.com.
    ['compute-1.amazonaws.com', 'amazonaws.com'],
    ['duckdns.org', 'duckdns.org'],
    ['GitHub.IO.', 'github.io'],
  ];
  for (const [name, owner] of own)
    it(`${name} is run by ${owner}`, () => {
      const d = parsed(name);
      assert.equal(d.platformOwn, true);
      assert.equal(d.ownerDomain, owner);
    });

  const notOwn = [
    // customers of a platform
    'evil-login.github.io',
    'paypal-verify.blogspot.com',
    'mybucket.s3.dualstack.eu-west-1.amazonaws.com',
    'myapp.eu-central-1.elasticbeanstalk.com',
    // a suffix only through the wildcard *.compute-1.amazonaws.com: a customer's machine
    'ec2-54-1-2-3.compute-1.amazonaws.com',
    // names that contain a platform's words
    'github-io.com',
    'githubio.evil.com',
    'github.io.evil.com',
    's3.dualstack.eu-west-1.amazonaws.com.evil.net',
    'amazonaws-s3.com',
    'elasticbeanstalk.com-login.xyz',
    // ordinary names and ICANN suffixes' own registrable domains
    'example.com',
    'www.example.co.uk',
    'amazonaws.com',
  ];
  for (const name of notOwn)
    it(`${name} is not a platform's own name`, () => {
      const d = parsed(name);
      assert.equal(d.platformOwn, false);
      assert.equal(d.ownerDomain, '');
    });

  it('a bare suffix keeps the feature view published versions were trained on', () => {
    const d = parsed('github.io');
    assert.equal(d.registrableDomain, '');
    assert.equal(d.publicSuffix, 'github.io');
    assert.equal(d.privateSuffix, true);
    assert.equal(d.siteKey, 'github.io');
  });

  it('the enrichment names the platform as the registrable domain of its own name', () => {
    assert.equal(domainEnrichment(parsed('github.io')).registrableDomain, 'github.io');
    assert.equal(domainEnrichment(parsed('s3.eu-west-1.amazonaws.com')).registrableDomain, 'amazonaws.com');
    assert.equal(domainEnrichment(parsed('x.github.io')).registrableDomain, 'x.github.io');
  });
});
