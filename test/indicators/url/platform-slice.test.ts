/**
 * The URL platform slice (src/indicators/url/platform-slice.ts): which URLs are on a platform customer
 * site, the unit that keeps one publisher's URLs on one side of a split, and which lure evidence
 * (host, path and query, file) keeps a platform URL at the global thresholds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOMAIN_FEATURE_NAMES_2 } from '../../../src/indicators/domain/features-v2';
import { loadUrlAssets } from '../../../src/indicators/url/assets';
import { type CanonicalUrl, canonicalizeUrl } from '../../../src/indicators/url/canonicalize';
import { URL_FEATURE_COUNT_2, URL_OWN_OFFSET_2, urlFeatures2 } from '../../../src/indicators/url/features-v2';
import {
  isPlatformUrl,
  lureFile,
  PLATFORM_CUSTOMER,
  platformUnit,
  urlPlatformSlice,
} from '../../../src/indicators/url/platform-slice';
import { committedModel } from '../../helpers/model';

const assets = loadUrlAssets(`${committedModel('url', 3).dir}/assets.json`);
const slice = urlPlatformSlice(DOMAIN_FEATURE_NAMES_2, URL_OWN_OFFSET_2);

function url(s: string): CanonicalUrl {
  const p = canonicalizeUrl(s);
  assert.ok(p.ok, s);
  return p.value;
}

function sliceOf(s: string): string | undefined {
  const u = url(s);
  const row = new Float32Array(URL_FEATURE_COUNT_2);
  urlFeatures2(u, assets, row, 0);
  return slice(u, row);
}

describe('URL platform slice', () => {
  it('takes platform customer sites (raw.githubusercontent.com among them), not dynamic DNS or allow-listed user content', () => {
    const cases: [string, boolean][] = [
      ['https://jsmith.github.io/notes/', true],
      ['https://site.netlify.app/', true],
      ['https://jsmith.weebly.com/', true],
      ['https://raw.githubusercontent.com/o/r/main/README.md', true],
      ['https://bucket.s3.amazonaws.com/index.html', true],
      ['https://home.duckdns.org/', false],
      ['https://drive.google.com/file/d/1/view', false],
      ['https://bit.ly/abc', false],
      ['https://www.kernel.org/doc/', false],
      ['https://github.io/', false],
    ];
    for (const [s, want] of cases) assert.equal(isPlatformUrl(url(s)), want, s);
  });

  it('groups a shared file host by owner, other platforms by customer site', () => {
    assert.equal(
      platformUnit(url('https://raw.githubusercontent.com/owner/repo/main/x.sh')),
      'raw.githubusercontent.com/owner',
    );
    assert.equal(platformUnit(url('https://jsmith.github.io/a/b')), 'jsmith.github.io');
    assert.equal(platformUnit(url('https://bucket.s3.amazonaws.com/x')), 'bucket.s3.amazonaws.com');
  });

  it('counts programs and archives as lure files, shell scripts not', () => {
    const cases: [string, boolean][] = [
      ['https://raw.githubusercontent.com/o/r/main/setup.exe', true],
      ['https://raw.githubusercontent.com/o/r/main/run.ps1', true],
      ['https://raw.githubusercontent.com/o/r/main/payload.zip', true],
      ['https://raw.githubusercontent.com/o/r/main/install.sh', false],
      ['https://raw.githubusercontent.com/o/r/main/README.md', false],
    ];
    for (const [s, want] of cases) assert.equal(lureFile(url(s)), want, s);
  });

  it('relaxes platform URLs without lure evidence only', () => {
    const cases: [string, string | undefined][] = [
      ['https://jsmith.github.io/notes/', PLATFORM_CUSTOMER],
      ['https://raw.githubusercontent.com/o/r/main/install.sh', PLATFORM_CUSTOMER],
      ['https://site.netlify.app/docs/index.html', PLATFORM_CUSTOMER],
      ['https://paypal-verify.netlify.app/', undefined], // brand and keyword in the host
      ['https://office365.netlify.app/', undefined], // the customer name is a brand
      ['https://site.netlify.app/paypal/', undefined], // brand in the path
      ['https://site.netlify.app/account/login', undefined], // sign-in words
      ['https://site.netlify.app/x?u=someone@example.org', undefined], // an e-mail address
      ['https://site.netlify.app/www.bank.com/', undefined], // another host name in the path
      ['https://raw.githubusercontent.com/o/r/main/setup.exe', undefined], // a program
      ['https://www.kernel.org/doc/', undefined], // not on a platform
    ];
    for (const [s, want] of cases) assert.equal(sliceOf(s), want, s);
  });
});
