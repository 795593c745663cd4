/**
 * src/training/crypto-lists.ts (MetaMask's eth-phishing-detect config.json reduced to host rows) and
 * src/training/roc-auc.ts (the AUC the measuring scripts report), on small inputs with known answers.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cryptoLists } from '../../src/training/crypto-lists';
import { rocAuc } from '../../src/training/roc-auc';

const config = JSON.stringify({
  version: 2,
  tolerance: 2,
  fuzzylist: ['metamask.io', 'MyEtherWallet.com'],
  whitelist: ['sushi.com', 'metmask.com', 'metamask.io'],
  blacklist: [
    'uniswap-claim.xyz',
    'Trezor.US',
    'trezor.us',
    '46.226.108.171',
    'com12786312634',
    'metmask.com',
    'xn--metamsk-3bb.com',
  ],
});

it('keeps host names in list order, once, lower-cased, with their positions', () => {
  const { phishing, legitimate } = cryptoLists(config);
  assert.deepEqual(
    phishing.map((r) => [r.host, r.position]),
    [
      ['uniswap-claim.xyz', 0],
      ['trezor.us', 1],
      ['xn--metamsk-3bb.com', 6],
    ],
  );
  assert.deepEqual(
    legitimate.map((r) => [r.host, r.list]),
    [
      ['sushi.com', 'whitelist'],
      ['metamask.io', 'whitelist'],
      ['myetherwallet.com', 'fuzzylist'],
    ],
  );
});

it('drops what is not a host name and keeps a host listed on both sides out of both', () => {
  const lists = cryptoLists(config);
  assert.deepEqual(lists.dropped, { blacklist: ['46.226.108.171', 'com12786312634'] });
  assert.deepEqual(lists.conflicting, ['metmask.com']);
});

it('refuses a config.json without its lists', () => {
  assert.throws(() => cryptoLists('{"blacklist": []}'), /no whitelist array/);
});

it('rocAuc: ranks, ties counting half, as scikit-learn does', () => {
  assert.equal(rocAuc([0.9, 0.8], [0.1, 0.2]), 1);
  assert.equal(rocAuc([0.1], [0.9]), 0);
  assert.equal(rocAuc([0.5], [0.5]), 0.5);
  // sklearn.metrics.roc_auc_score([1,1,1,0,0,0], [0.9,0.4,0.6,0.4,0.2,0.7]) = 0.7222...
  assert.ok(Math.abs((rocAuc([0.9, 0.4, 0.6], [0.4, 0.2, 0.7]) as number) - 0.722222) < 1e-6);
  assert.equal(rocAuc([], [0.1]), null);
});

it('marks the blacklist newest first 20% of positions and splits legitimate sites by registrable domain', () => {
  const { phishing, legitimate } = cryptoLists(config);
  // 7 entries: positions 0 and 1 are under 20% of 7 (1.4).
  assert.deepEqual(
    phishing.map((r) => [r.host, r.part]),
    [
      ['uniswap-claim.xyz', 'newest'],
      ['trezor.us', 'newest'],
      ['xn--metamsk-3bb.com', 'older'],
    ],
  );
  for (const r of legitimate) assert.ok(r.part === 'train' || r.part === 'held_out', r.host);
  const many = cryptoLists(
    JSON.stringify({
      fuzzylist: [],
      whitelist: Array.from({ length: 200 }, (_, i) => `site${i}.com`).flatMap((h) => [h, `www.${h}`]),
      blacklist: [],
    }),
  ).legitimate;
  const partOf = new Map(many.filter((r) => !r.host.startsWith('www.')).map((r) => [r.host, r.part]));
  for (const r of many.filter((r) => r.host.startsWith('www.')))
    assert.equal(r.part, partOf.get(r.host.slice(4)), `${r.host}: same part as its registrable domain`);
  const held = many.filter((r) => r.part === 'held_out').length / many.length;
  assert.ok(held > 0.35 && held < 0.65, `held-out share ${held}`);
});
