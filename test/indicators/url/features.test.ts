import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets } from '../../../src/indicators/domain/assets';
import {
  DOMAIN_FEATURE_COUNT,
  DOMAIN_FEATURE_NAMES,
  DOMAIN_FEATURES_VERSION,
} from '../../../src/indicators/domain/features';
import { BRANDS } from '../../../src/indicators/domain/lexicon';
import { buildHostAssets, countNgrams, parseUrlAssets, serializeUrlAssets } from '../../../src/indicators/url/assets';
import { type CanonicalUrl, canonicalizeUrl } from '../../../src/indicators/url/canonicalize';
import { extensionClass, fileExtension } from '../../../src/indicators/url/extension';
import {
  countEmbeddedUrls,
  countEscapes,
  countTokens,
  hasEmail,
  hasHexRun,
  pathBrand,
  URL_FEATURE_COUNT,
  URL_FEATURE_NAMES,
  URL_FEATURES_VERSION,
  type UrlFeatureAssets,
  type UrlOwnFeatureName,
  urlFeatureIndex,
  urlFeatures,
} from '../../../src/indicators/url/features';
import { PATH_TOKENS } from '../../../src/indicators/url/lists';
import { forEachBucket, summarise, weightCounts } from '../../../src/indicators/url/ngram-llr';
import { userContentEntry } from '../../../src/indicators/url/user-content';

function url(raw: string): CanonicalUrl {
  const p = canonicalizeUrl(raw);
  if (!p.ok) throw new Error(`${raw}: ${p.error.message}`);
  return p.value;
}

// Empty n-gram weights, host statistics from two names: the URL's own features do not depend on them.
const ASSETS: UrlFeatureAssets = {
  host: buildDomainAssets([
    { sld: 'example', tld: 'com', malicious: false },
    { sld: 'paypa1', tld: 'xyz', malicious: true },
  ]),
  ngram: weightCounts(countNgrams([], 10)),
};

function own(raw: string): Record<UrlOwnFeatureName, number> {
  const row = new Float32Array(URL_FEATURE_COUNT + 3).fill(-9);
  urlFeatures(url(raw), ASSETS, row, 3);
  assert.equal(row[2], -9, 'nothing is written before the offset');
  return new Proxy({} as Record<UrlOwnFeatureName, number>, {
    get: (_, n) => row[3 + urlFeatureIndex(n as UrlOwnFeatureName)],
  });
}

describe('URL feature names and version', () => {
  it('start with the host domain features under host_ and embed the domain features version', () => {
    assert.equal(URL_FEATURE_NAMES.length, URL_FEATURE_COUNT);
    assert.deepEqual(
      URL_FEATURE_NAMES.slice(0, DOMAIN_FEATURE_COUNT),
      DOMAIN_FEATURE_NAMES.map((n) => `host_${n}`),
    );
    assert.equal(new Set(URL_FEATURE_NAMES).size, URL_FEATURE_COUNT, 'names are unique');
    assert.ok(URL_FEATURES_VERSION.endsWith(`+${DOMAIN_FEATURES_VERSION}`));
    assert.ok(
      !URL_FEATURE_NAMES.some((n) => /scheme|https/.test(n)),
      'the scheme is not a feature (it tracks the era)',
    );
  });
});

describe('urlFeatures', () => {
  // [url, feature, expected]
  const TABLE: ReadonlyArray<readonly [string, UrlOwnFeatureName, number]> = [
    ['http://195.127.0.11/blah', 'ip_literal_host', 1],
    ['http://[2001:db8::1]/', 'ip_literal_host', 1],
    ['http://example.com/', 'ip_literal_host', 0],
    ['http://example.com:8080/', 'explicit_port', 1],
    ['http://example.com:80/', 'explicit_port', 0],
    ['https://example.com:443/a', 'explicit_port', 0],
    ['http://paypal.com@evil.example/', 'userinfo', 1],
    ['http://example.com/', 'url_length', 'example.com/'.length],
    ['http://example.com/a/bb/ccc?x=1&y=2', 'url_length', 'example.com/a/bb/ccc?x=1&y=2'.length],
    ['http://example.com/a/bb/ccc?x=1&y=2', 'path_length', 9],
    ['http://example.com/a/bb/ccc?x=1&y=2', 'path_depth', 3],
    ['http://example.com/a/bb/ccc/', 'path_depth', 3],
    ['http://example.com/', 'path_depth', 0],
    ['http://example.com/a/bbbbb/c', 'path_max_segment_length', 5],
    ['http://example.com/', 'path_is_root', 1],
    ['https://example.com', 'path_is_root', 1],
    ['http://example.com/?q=1', 'path_is_root', 0],
    ['http://example.com/a?x=1&y=2&&z', 'query_length', 10],
    ['http://example.com/a?x=1&y=2&&z', 'query_param_count', 3],
    ['http://example.com/a?', 'query_param_count', 0],
    ['http://example.com/login.php', 'ext_php', 1],
    ['http://example.com/index.html', 'ext_html', 1],
    ['http://example.com/app.aspx', 'ext_server_script', 1],
    ['http://example.com/setup.exe', 'ext_executable', 1],
    ['http://example.com/a.zip', 'ext_archive', 1],
    ['http://example.com/invoice.pdf', 'ext_document', 1],
    ['http://example.com/logo.PNG', 'ext_image', 1],
    // The seed's image filter treated any path ending in p, n, g or j as an image.
    ['http://example.com/shop/app', 'ext_image', 0],
    ['http://example.com/login.jsp', 'ext_image', 0],
    ['http://example.com/sign', 'ext_image', 0],
    ['http://example.com/pjng', 'ext_image', 0],
    ['http://example.com/a.weird', 'ext_other', 1],
    ['http://example.com/a.b/c', 'ext_other', 0],
    ['http://example.com/secure/login/verify-account', 'suspicious_token_count', 4],
    ['http://example.com/cgi-bin/webscr?cmd=_login', 'suspicious_token_count', 3],
    ['http://example.com/about', 'suspicious_token_count', 0],
    ['http://example.com/wp-content/uploads/x.php', 'wordpress_path', 1],
    ['http://example.com/blog/wp-admin/', 'wordpress_path', 1],
    ['http://example.com/wpcontent/', 'wordpress_path', 0],
    ['http://example.com/a.php/b.php?c.php', 'php_count', 3],
    ['http://example.com/a@b', 'at_in_path_or_query', 1],
    ['http://example.com/r?u=http://evil.example/', 'embedded_url', 1],
    ['http://example.com/www.paypal.com/', 'embedded_url', 1],
    ['http://example.com/includes/login.alibaba.com/login.jsp', 'domain_name_in_path', 1],
    ['http://example.com/ab.com.b', 'domain_name_in_path', 1],
    ['http://example.com/x.com', 'domain_name_in_path', 0],
    ['http://example.com/post.comment', 'domain_name_in_path', 0],
    ['http://example.com/paypal/signin', 'brand_in_path', 1],
    ['http://example.com/dhl-tracking/', 'brand_in_path', 1],
    ['http://example.com/dhlx/', 'brand_in_path', 0],
    ['https://www.paypal.com/paypal/signin', 'brand_in_path', 0],
    ['http://example.com/%00%ff/a%20b', 'encoded_char_count', 3],
    ['http://example.com/', 'path_entropy', 0],
    ['http://example.com/aaaa', 'path_entropy', -(0.2 * Math.log2(0.2) + 0.8 * Math.log2(0.8))],
    ['http://example.com/a1b2', 'path_digit_ratio', 2 / 5],
    ['http://example.com/AbC', 'path_upper_count', 2],
    ['http://example.com/a-b-c', 'path_hyphen_count', 2],
    ['http://example.com/a.b.c', 'path_dot_count', 2],
    ['http://example.com/ab/abcdef-x', 'path_longest_token', 6],
    ['http://example.com/e4c6e83ef71892c22cd5c366da5cac48/', 'hex_token', 1],
    ['http://example.com/deadbeef/', 'hex_token', 0],
    ['http://example.com/~user/', 'tilde_in_path', 1],
    ['http://example.com/a?email=john.doe@example.org', 'email_in_query', 1],
    ['http://example.com/a?email=john.doe%40example.org', 'email_in_query', 1],
    ['http://example.com/a?email=', 'email_in_query', 0],
    ['https://bit.ly/3abcDEF', 'shortener_host', 1],
    ['https://t.co/xyz', 'shortener_host', 1],
    ['https://example.co/xyz', 'shortener_host', 0],
    ['https://drive.google.com/file/d/1/view', 'user_content_host', 1],
    ['https://www.google.com/search?q=x', 'user_content_host', 0],
    ['https://www.dropbox.com/s/abc/invoice.pdf', 'user_content_host', 1],
    ['https://www.dropbox.com/plans', 'user_content_host', 0],
    ['https://acct1.blob.core.windows.net/c/x.html', 'user_content_host', 1],
  ];
  for (const [raw, name, expected] of TABLE) {
    it(`${raw} -> ${name} = ${expected}`, () => {
      assert.equal(own(raw)[name], Math.fround(expected));
    });
  }

  it('writes all-zero host features for an IP host and the domain features for a name', () => {
    const row = new Float32Array(URL_FEATURE_COUNT).fill(7);
    urlFeatures(url('http://10.0.0.1/x'), ASSETS, row, 0);
    assert.deepEqual([...row.subarray(0, DOMAIN_FEATURE_COUNT)], new Array(DOMAIN_FEATURE_COUNT).fill(0));
    urlFeatures(url('http://login.example.com/x'), ASSETS, row, 0);
    assert.equal(row[URL_FEATURE_NAMES.indexOf('host_name_length')], 'login.example.com'.length);
    assert.equal(row[URL_FEATURE_NAMES.indexOf('host_subdomain_depth')], 1);
  });

  it('does not depend on the scheme', () => {
    const a = new Float32Array(URL_FEATURE_COUNT);
    const b = new Float32Array(URL_FEATURE_COUNT);
    urlFeatures(url('http://secure-login.example.com/verify?x=1'), ASSETS, a, 0);
    urlFeatures(url('https://secure-login.example.com/verify?x=1'), ASSETS, b, 0);
    assert.deepEqual(a, b);
  });
});

describe('file extensions', () => {
  const TABLE: ReadonlyArray<readonly [string, string, string]> = [
    ['/a/b.PHP', 'php', 'php'],
    ['/a/b.tar.gz', 'gz', 'archive'],
    ['/a/.htaccess', '', 'none'],
    ['/a/b.', '', 'none'],
    ['/a.b/c', '', 'none'],
    ['/a/b.j%20pg', '', 'none'],
    ['/a/b.jpg', 'jpg', 'image'],
    ['/a/b.jpgx', 'jpgx', 'other'],
  ];
  for (const [path, ext, cls] of TABLE) {
    it(`${path} -> ${ext || '(none)'} (${cls})`, () => {
      assert.equal(fileExtension(path), ext);
      assert.equal(extensionClass(fileExtension(path)), cls);
    });
  }
});

describe('fileExtension reads what slice, toLowerCase and /^[a-z0-9]{1,6}$/ read', () => {
  it('on 100,000 random paths', () => {
    const alphabet = [...'/.aAzZ09-%_', 'K', 'İ', 'é', 'php', 'HTML', '.exe'];
    let seed = 5;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const reference = (path: string) => {
      const seg = path.slice(path.lastIndexOf('/') + 1);
      const dot = seg.lastIndexOf('.');
      if (dot <= 0 || dot === seg.length - 1) return '';
      const ext = seg.slice(dot + 1).toLowerCase();
      return /^[a-z0-9]{1,6}$/.test(ext) ? ext : '';
    };
    let found = 0;
    for (let k = 0; k < 100_000; k++) {
      let p = '/';
      const n = Math.floor(rnd() * 10);
      for (let i = 0; i < n; i++) p += alphabet[Math.floor(rnd() * alphabet.length)];
      const want = reference(p);
      assert.equal(fileExtension(p), want, p);
      if (want !== '') found++;
    }
    assert.ok(found > 10_000, `${found} paths with an extension`);
    assert.equal(fileExtension('/a.\u212a'), 'k'); // the Kelvin sign lower-cases to an ASCII k
  });
});

describe('user-content hosts', () => {
  const TABLE: ReadonlyArray<readonly [string, string, string | undefined]> = [
    ['drive.google.com', '/file/d/x', 'drive.google.com'],
    ['www.drive.google.com', '/', 'drive.google.com'],
    ['mail.google.com', '/', undefined],
    ['firebasestorage.googleapis.com', '/v0/b/x', 'firebasestorage.googleapis.com'],
    ['acct.blob.core.windows.net', '/', '*.blob.core.windows.net'],
    ['blob.core.windows.net', '/', undefined],
    ['www.dropbox.com', '/s/abc', 'dropbox.com/s/'],
    ['www.dropbox.com', '/S/abc', 'dropbox.com/s/'],
    ['www.dropbox.com', '/business', undefined],
    ['contoso.sharepoint.com', '/:b:/g/x', '*.sharepoint.com'],
    ['forms.office.com', '/r/abc', 'forms.office.com'],
    ['1drv.ms', '/u/s!x', '1drv.ms'],
    ['evil-drive.google.com.example', '/', undefined],
  ];
  for (const [host, path, entry] of TABLE) {
    it(`${host}${path} -> ${entry ?? '(none)'}`, () => assert.equal(userContentEntry(host, path), entry));
  }
});

describe('n-gram weights', () => {
  it('weight n-grams of malicious URLs positive and benign ones negative, and survive serialisation', () => {
    const docs = [
      ...Array.from({ length: 5 }, (_, i) => ({ host: `a${i}.test`, pathQuery: '/webscr/login.php', malicious: true })),
      ...Array.from({ length: 5 }, (_, i) => ({ host: `b${i}.test`, pathQuery: '/blog/recipes/', malicious: false })),
    ];
    const table = weightCounts(countNgrams(docs, 12));
    assert.ok(summarise(table, '/webscr/login.php', 'path').mean > 1);
    assert.ok(summarise(table, '/blog/recipes/', 'path').mean < -1);
    assert.deepEqual(summarise(table, '/a', 'path'), { mean: 0, max: 0, min: 0 }, 'shorter than an n-gram');
    const assets = buildHostAssets([], table);
    const back = parseUrlAssets(serializeUrlAssets(assets));
    assert.deepEqual([...back.ngram.llr], [...table.llr]);
    assert.equal(back.ngram.bits, 12);
  });

  it('summarise (inlined hashing) agrees with forEachBucket, which builds the tables', () => {
    const table = weightCounts(
      countNgrams(
        [
          { host: 'a.test', pathQuery: '/Login/verify.php?x=1', malicious: true },
          { host: 'b.test', pathQuery: '/blog/', malicious: false },
        ],
        10,
      ),
      1,
      1,
    );
    for (const [s, part] of [
      ['/Login/verify.php?x=1', 'path'],
      ['b.test', 'host'],
      ['/blo', 'path'],
      ['/Lo', 'path'],
      ['A.bZ@', 'host'],
      ['[Q-x]~', 'path'],
      [`/${'wp-content/Login.PHP?'.repeat(15)}`, 'path'],
      ['xn--80ak6aa92e.com', 'host'],
    ] as const) {
      const w: number[] = [];
      forEachBucket(s, part, table.bits, (b) => w.push(table.llr[b] as number));
      const got = summarise(table, s, part);
      assert.equal(got.mean, w.reduce((a, b) => a + b, 0) / w.length, s);
      assert.equal(got.max, Math.max(...w), s);
      assert.equal(got.min, Math.min(...w), s);
    }
  });

  it('rejects a table whose size does not match its bits', () => {
    const json = JSON.stringify({
      host: JSON.parse(serializeUrlAssets({ ...ASSETS })).host,
      ngram: { bits: 11, llr: Buffer.alloc(8).toString('base64') },
    });
    assert.throws(() => parseUrlAssets(json), /has 2 weights, expected 2048/);
  });
});

describe('the URL features scans read what their regular expressions read', () => {
  // Texts over an alphabet that makes the patterns' edges common: their letters in both cases,
  // hex digits, `% @ . / : - ~ &`, and non-ASCII characters that a case-insensitive regular
  // expression could be mistaken to fold onto ASCII (ſ -> S, K (Kelvin) -> k, ı -> I, İ -> i).
  const alphabet = [...'hHtTpPsS:/wW.%@40aAfF9zZ-_+~&e', 'ſ', 'K', 'ı', 'İ', 'é', '%40', 'http', 'www.', 'https:/'];
  let seed = 7;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const text = () => {
    let s = '';
    const n = Math.floor(rnd() * 40);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const texts = Array.from({ length: 200_000 }, text);
  texts.push('', '%4', '%41', '%%41', 'a@b.c', 'a@b.', '@b.cd', 'a%40b..', 'a%40-.x', '0123456789abcdeF', 'httpS://');
  const count = (re: RegExp, s: string) => {
    re.lastIndex = 0;
    let n = 0;
    while (re.exec(s) !== null) n++;
    return n;
  };

  it('counts embedded URLs as /https?:\\/|www\\./gi', () => {
    for (const s of texts) assert.equal(countEmbeddedUrls(s), count(/https?:\/|www\./gi, s), s);
  });
  it('counts escapes as /%[0-9a-f]{2}/gi', () => {
    for (const s of texts) assert.equal(countEscapes(s), count(/%[0-9a-f]{2}/gi, s), s);
  });
  it('finds hex runs as /[0-9a-f]{16,}/i', () => {
    const hex = [...'0123456789abcdefABCDEFgG%'];
    for (let k = 0; k < 50_000; k++) {
      let s = '';
      const n = Math.floor(rnd() * 40);
      for (let i = 0; i < n; i++) s += hex[Math.floor(rnd() * hex.length)];
      assert.equal(hasHexRun(s), /[0-9a-f]{16,}/i.test(s), s);
    }
  });
  it('finds e-mail addresses as /[a-z0-9._%+-]+(?:@|%40)[a-z0-9-]+\\.[a-z0-9.-]+/i', () => {
    let found = 0;
    for (const s of texts) {
      const want = /[a-z0-9._%+-]+(?:@|%40)[a-z0-9-]+\.[a-z0-9.-]+/i.test(s);
      assert.equal(hasEmail(s), want, s);
      if (want) found++;
    }
    assert.ok(found > 1000, `${found} texts with an address`);
  });
  it('counts the path tokens as PATH_TOKENS.filter((t) => s.includes(t)).length', () => {
    // Pieces of the tokens (whole, halves, overlaps such as `signinin`), repeats, and other text.
    const pieces = [...PATH_TOKENS, ...PATH_TOKENS.map((t) => t.slice(0, 3)), ...PATH_TOKENS.map((t) => t.slice(2))];
    pieces.push('/', '-', 'in', 'é', 'ſ', 'K', '=', 'x', '');
    let found = 0;
    for (let k = 0; k < 50_000; k++) {
      let s = '';
      const n = Math.floor(rnd() * 10);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rnd() * pieces.length)];
      const want = PATH_TOKENS.filter((t) => s.includes(t)).length;
      assert.equal(countTokens(s), want, s);
      if (want > 1) found++;
    }
    assert.ok(found > 5000, `${found} texts with two tokens or more`);
  });
  it('finds the brand in the path as the alternation of the long brands, then the short tokens, do', () => {
    const long = BRANDS.filter((b) => b.length >= 5);
    const short = BRANDS.filter((b) => b.length < 5 && /^[a-z0-9]+$/.test(b));
    const re = new RegExp(long.join('|'));
    // Whole brands, their halves (overlaps such as `paypalpay` + `pal`), separators and other text.
    const pieces = [...BRANDS, ...BRANDS.map((b) => b.slice(0, 3)), ...BRANDS.map((b) => b.slice(2))];
    pieces.push('/', '-', '.', 'x', 'é', '?a=');
    const none = url('http://example.com/');
    let found = 0;
    for (let k = 0; k < 50_000; k++) {
      let s = '';
      const n = Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rnd() * pieces.length)];
      const want = re.exec(s)?.[0] ?? s.split(/[^a-z0-9-]+|-/).find((t) => short.includes(t));
      assert.equal(pathBrand(none, s), want, s);
      if (want !== undefined && want.length >= 5) found++;
    }
    assert.ok(found > 10_000, `${found} texts with a long brand`);
  });
  it('finds the first short brand token as split(/[^a-z0-9-]+|-/) does', () => {
    const words = ['ups', 'dhl', 'visa', 'zoom', 'att', 'usps', 'upsx', 'xups', 'vis', '-', '/', '.', '--', 'é', '9'];
    const none = url('http://example.com/');
    for (let k = 0; k < 50_000; k++) {
      let s = '';
      const n = Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) s += words[Math.floor(rnd() * words.length)];
      const want = s.split(/[^a-z0-9-]+|-/).find((t) => ['ups', 'dhl', 'visa', 'zoom', 'att', 'usps'].includes(t));
      assert.equal(pathBrand(none, s), want, s);
    }
  });
});
