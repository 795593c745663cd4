import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { urlsOfCsv, writeUrlList } from '../../src/bench/url-list';

const CSV = [
  'url,label,source,year',
  'http://example.com/a,0,pdd-sahingoz-legit,2018',
  '"http://example.com/b?x=1,2",1,csirtg-urlsml-blacklist|pdd-sahingoz-phishing,2018',
  'paypal.com.secure-login.example/verify,1,phishcrawl,2024\r',
  'not a row',
  '',
].join('\n');

describe('bench URL list', () => {
  it('takes the url column of the labelled CSV: header and malformed rows out, quotes undone', () => {
    assert.deepEqual(urlsOfCsv(CSV), [
      'http://example.com/a',
      'http://example.com/b?x=1,2',
      'paypal.com.secure-login.example/verify',
    ]);
  });

  it('writes them gunzipped, one per line, and says how many', () => {
    const dir = mkdtempSync(join(tmpdir(), 'url-list-'));
    try {
      writeFileSync(join(dir, 'urls.csv.gz'), gzipSync(CSV));
      assert.equal(writeUrlList(join(dir, 'urls.csv.gz'), join(dir, 'urls.txt')), 3);
      assert.equal(
        readFileSync(join(dir, 'urls.txt'), 'utf8'),
        'http://example.com/a\nhttp://example.com/b?x=1,2\npaypal.com.secure-login.example/verify\n',
      );
      writeFileSync(join(dir, 'empty.csv.gz'), gzipSync('url,label,source,year\n'));
      assert.throws(() => writeUrlList(join(dir, 'empty.csv.gz'), join(dir, 'x.txt')), /no URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
