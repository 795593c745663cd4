/**
 * The combination of a message's own score with the malicious indicators inside it: one bad name in
 * a plainly legitimate message must not raise it, the same name in a message the model already
 * doubts must, and where the indicator sits and how many sites are named change the lift.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineEvidence, contextWeight, type EmbeddedMalicious, siteOf } from '../../src/scoring/email-evidence';

const SUSPICIOUS = 0.7;
const mention = (indicator: string, foundIn: string[], score = 0.99, kind = 'domain'): EmbeddedMalicious => ({
  indicator,
  kind,
  score,
  foundIn,
});

describe('combineEvidence', () => {
  it('leaves the score alone without malicious indicators', () => {
    assert.equal(combineEvidence(0.31, SUSPICIOUS, [], []).score, 0.31);
  });

  it('does not raise a message the model finds legitimate for one domain named in its text', () => {
    const c = combineEvidence(0.02, SUSPICIOUS, [mention('btrfs.wiki.kernel.org', ['text'])], []);
    assert.ok(c.score < 0.05, `${c.score}`);
    assert.ok(c.score >= 0.02);
  });

  it('raises a doubtful message whose link target is malicious past the suspicious threshold', () => {
    const c = combineEvidence(
      0.5,
      SUSPICIOUS,
      [mention('https://login.paypa1-secure.example/verify', ['html:href'], 0.99, 'url')],
      [],
    );
    assert.ok(c.score >= SUSPICIOUS, `${c.score}`);
  });

  it('weighs a link whose visible text names another site, and the sender, more than a mention', () => {
    const site = new Set(['evil.example']);
    const href = mention('https://evil.example/x', ['html:href'], 0.99, 'url');
    assert.equal(contextWeight(href, site), 1);
    assert.equal(contextWeight(href, new Set()), 0.6);
    assert.equal(contextWeight(mention('a@evil.example', ['header:from'], 0.99, 'email_address'), new Set()), 1);
    assert.equal(contextWeight(mention('https://cdn.example/logo.png', ['html:src'], 0.99, 'url'), new Set()), 0.1);
    const mismatch = [
      {
        messageIndex: 0,
        text: 'www.paypal.com',
        href: 'https://evil.example/x',
        textDomain: 'paypal.com',
        hrefDomain: 'evil.example',
      },
    ];
    const withMismatch = combineEvidence(0.4, SUSPICIOUS, [href], mismatch).score;
    const without = combineEvidence(0.4, SUSPICIOUS, [href], []).score;
    assert.ok(withMismatch > without, `${withMismatch} > ${without}`);
  });

  it('counts a site once however many of its URLs appear, and more sites lift more', () => {
    const one = combineEvidence(0.4, SUSPICIOUS, [mention('https://a.example/1', ['text'], 0.99, 'url')], []).score;
    const same = combineEvidence(
      0.4,
      SUSPICIOUS,
      [
        mention('https://a.example/1', ['text'], 0.99, 'url'),
        mention('https://www.a.example/2', ['text'], 0.99, 'url'),
      ],
      [],
    ).score;
    const two = combineEvidence(
      0.4,
      SUSPICIOUS,
      [mention('https://a.example/1', ['text'], 0.99, 'url'), mention('https://b.example/2', ['text'], 0.99, 'url')],
      [],
    ).score;
    assert.equal(same, one);
    assert.ok(two > one);
  });

  it('names sites by registrable domain, IPs as they are', () => {
    assert.equal(siteOf('https://mail.google.com/x', 'url'), 'google.com');
    assert.equal(siteOf('user@sub.example.co.uk', 'email_address'), 'example.co.uk');
    assert.equal(siteOf('http://192.0.2.7/a', 'url'), '192.0.2.7');
  });
});
