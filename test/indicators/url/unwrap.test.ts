import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalizeUrl } from '../../../src/indicators/url/canonicalize';
import { MAX_WRAP_DEPTH, type UnwrappedUrl, unwrapUrl, wrappingReason } from '../../../src/indicators/url/unwrap';

function unwrap(raw: string): UnwrappedUrl {
  const c = canonicalizeUrl(raw);
  assert.ok(c.ok, raw);
  return unwrapUrl(raw, c.value);
}

const PP = 'Proofpoint URL Defense';
const SL = 'Microsoft Safe Links';
const GR = 'Google redirect';
const BL = 'Barracuda Link Protection';
const CS = 'Cisco Secure Email';
const TM = 'Trend Micro click-time protection';
const SO = 'Sophos Time-of-Click';

// Wrappers shaped as they occur in the R mailing lists (2015+), with invented ids and signatures:
// wrapper -> the canonical link it wraps, and the gateways taken off, outermost first.
const DECODED: ReadonlyArray<readonly [wrapper: string, target: string, gateways: string[]]> = [
  // v3 without encoded characters (empty table).
  [
    'https://urldefense.com/v3/__http://faculty.example.edu/liam/__;!!PDiH4ENfjr2_Jw!EUF27Khz-40ALcQ$',
    'http://faculty.example.edu/liam/',
    [PP],
  ],
  // v3: `*` is the table's next character (`Iw` is "#"), so the fragment is dropped as a fragment.
  [
    'https://urldefense.com/v3/__https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd*L17-L22__;Iw!!AbCdEf!Gh-Ij_Kl$',
    'https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd',
    [PP],
  ],
  // v3 as Outlook re-renders it in plain text, the `//` in the path collapsed: read as browsers do.
  [
    'https://urldefense.com/v3/__https:/github.com/stsds/MPCR__;!!IKRxdwAv5BmarQ!Yc-rZLeUomy6$',
    'https://github.com/stsds/MPCR',
    [PP],
  ],
  // v3: `**B` is a run of 3 (A = 2) of the table's characters ("ICAg" is three spaces).
  [
    'https://urldefense.com/v3/__https://example.org/files/report**Bpdf__;ICAg!!x!y$',
    'https://example.org/files/report%20%20%20pdf',
    [PP],
  ],
  // v2: `-XX` is `%XX`, `_` is `/`; the target's own `?` `=` `&` are escaped, so u= ends at `&d=`.
  [
    'https://urldefense.proofpoint.com/v2/url?u=https-3A__github.com_nodejs_node_pull_123-3Fa-3D1-26b-3D2&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e=',
    'https://github.com/nodejs/node/pull/123?a=1&b=2',
    [PP],
  ],
  // v2 on Proofpoint's US public-sector host; `-2D` is a written `-`.
  [
    'https://urldefense.us/v2/url?u=https-3A__doi.org_10.1007_s11749-2D018-2D0599-2Dx&d=DwIF-g&c=v4IIwR&r=OeZrzG&m=RlJo8V&s=Xiij52&e=',
    'https://doi.org/10.1007/s11749-018-0599-x',
    [PP],
  ],
  // v1: plain percent-encoding in u=.
  [
    'https://urldefense.proofpoint.com/v1/url?u=http://www.example.org/a%3Fb%3D1&k=abc%3D%0A&r=x&m=y&s=z',
    'http://www.example.org/a?b=1',
    [PP],
  ],
  // Safe Links, as pasted from HTML (`&amp;`); the target's own query survives whole.
  [
    'https://apc01.safelinks.protection.outlook.com/?url=http%3A%2F%2Fcainarchaeology.weebly.com%2Fpage%3Fx%3D1%26y%3D2&amp;data=04%7C01%7Cuser%40example.org%7C0215a2ea%7C0%7C637612003078348021&amp;sdata=y5f2wO8G%2BLfX%3D&amp;reserved=0',
    'http://cainarchaeology.weebly.com/page?x=1&y=2',
    [SL],
  ],
  // Google's redirector, `q=` (Docs, Gmail) and `url=` (search results).
  [
    'https://www.google.com/url?q=https://example.org/x?y%3D1&sa=D&source=editors&ust=1&usg=AOv',
    'https://example.org/x?y=1',
    [GR],
  ],
  [
    'https://www.google.com/url?sa=t&rct=j&url=https%3A%2F%2Fexample.org%2Fdoc.pdf&usg=AOv',
    'https://example.org/doc.pdf',
    [GR],
  ],
  // Nested: Proofpoint v3 around Safe Links (its `%` written `*`, 12 of them) ...
  [
    'https://urldefense.com/v3/__https://eur01.safelinks.protection.outlook.com/?url=https*3A*2F*2Fstat.ethz.ch*2Fmailman*2Flistinfo*2Fr-sig-mixed-models&data=05*7C02*7Cuser*40example.nl*7C944400495b934967798d08dc9ec287e8&sdata=AbC*2Bd*3D&reserved=0__;JSUlJSUlJSUlJSUl!!AbCdEf!GhIj$',
    'https://stat.ethz.ch/mailman/listinfo/r-sig-mixed-models',
    [PP, SL],
  ],
  // ... and Safe Links around Proofpoint v3.
  [
    'https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Furldefense.com%2Fv3%2F__https%3A%2F%2Fgithub.com%2Fnodejs%2Fnode__%3B!!ABCD!efgh%24&data=04%7C01%7C&sdata=xyz&reserved=0',
    'https://github.com/nodejs/node',
    [SL, PP],
  ],
  // v2 of a link that stood in HTML: `-26amp-3B` is `&amp;`, which the decoder reads as `&`.
  [
    'https://urldefense.proofpoint.com/v2/url?u=https-3A__example.org_a-3Fx-3D1-26amp-3By-3D2&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e=',
    'https://example.org/a?x=1&y=2',
    [PP],
  ],
  // Barracuda: lower-case escapes in a=, then its own c= and typo=.
  [
    'https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fexample.org%2fdocs%3fid%3d7%26lang%3den&c=E,1,AbCdEfGh-IjKl,&typo=1',
    'https://example.org/docs?id=7&lang=en',
    [BL],
  ],
  // Cisco: a base64url token, then the whole link percent-encoded as one path segment.
  [
    'https://secure-web.cisco.com/1YIShdE6aU0WIMsRjh-IYYGdRo_H_wyOVeLqk0ITHI7i/http%3A%2F%2Fwww.gnu.org%2Flicenses%2F',
    'http://www.gnu.org/licenses/',
    [CS],
  ],
  [
    'https://secure-web.cisco.com/1AbC/https%3A%2F%2Fexample.org%2Fsearch%3Fq%3Da%2526b%23top',
    // (canonicalisation decodes the query to its fixed point, as it does for any URL)
    'https://example.org/search?q=a&b',
    [CS],
  ],
  // Trend Micro: any instance host, the explicit :443 as its links carry it.
  [
    'https://ddec1-0-en-ctp.trendmicro.com:443/wis/clicktime/v1/query?url=https%3a%2f%2fdocs.example%2dopen.org%2fv1.1%2fspec.pdf&umid=d1786ace-e8ea-40e8-9665-96c0949174e5&auth=53c7c7de-39b15885',
    'https://docs.example-open.org/v1.1/spec.pdf',
    [TM],
  ],
  // Sophos: u= is the link in base64 (its `=` escaped), d= the domain it must be on.
  [
    'https://eu-west-1.protection.sophos.com/?d=example.org&u=aHR0cHM6Ly93d3cuZXhhbXBsZS5vcmcvbGljZW5zaW5nL2RlZmF1bHQuYXNweA%3D%3D&i=NWE&t=Zk&h=abc',
    'https://www.example.org/licensing/default.aspx',
    [SO],
  ],
  // Defanged as analysts paste it.
  ['hxxps://urldefense[.]com/v3/__https://evil.example/login__;!!x!y$', 'https://evil.example/login', [PP]],
];

describe('unwrapUrl', () => {
  for (const [wrapper, target, gateways] of DECODED) {
    it(`decodes ${wrapper.slice(0, 70)}`, () => {
      const u = unwrap(wrapper);
      assert.equal(u.url, target);
      assert.equal(u.wrapping?.undecoded, undefined);
      assert.deepEqual(
        u.wrapping?.layers.map((l) => l.gateway),
        gateways,
      );
      const reason = wrappingReason(u);
      assert.equal(reason?.code, 'WRAPPED_LINK');
      for (const g of gateways) assert.ok(reason.message.includes(g), reason.message);
      assert.ok(reason.message.includes(target), reason.message);
    });
  }

  it('gives the scored parts of the target, and the outer wrapper canonicalised', () => {
    const wrapper = 'https://urldefense.com/v3/__https://login.evil.example:8443/a/b?c=1__;!!x!y$';
    const u = unwrap(wrapper);
    assert.deepEqual([u.scheme, u.host, u.port, u.path, u.query], ['https', 'login.evil.example', 8443, '/a/b', 'c=1']);
    assert.equal(u.domain?.registrableDomain, 'evil.example');
    assert.equal(
      u.wrapping?.layers[0]?.wrapper,
      'https://urldefense.com/v3/__https:/login.evil.example:8443/a/b?c=1__;!!x!y$',
    );
  });

  // Wrappers whose target cannot be read exactly: scored as themselves, saying which gateway and why.
  const UNDECODED: ReadonlyArray<readonly [wrapper: string, gateway: string, why: RegExp]> = [
    ['https://protect-eu.mimecast.com/s/AbCdEfGhIjK?domain=example.org', 'Mimecast URL Protect', /only an id/],
    ['https://urldefense.com/v3/__https://example.org/a*b__;JSM!!x!y$', PP, /table is longer/],
    ['https://urldefense.com/v3/__https://example.org/files/report**Bpdf__;ICA!!x!y$', PP, /table is shorter/],
    ['https://urldefense.com/v3/__https://example.org/r**!pdf__;ICAg!!x!y$', PP, /no length code/],
    ['https://urldefense.com/v3/__https://example.org/r*__;I$w!!x!y$', PP, /not base64url/],
    ['https://urldefense.com/v3/__https://example.org/r*__;_w!!x!y$', PP, /not UTF-8/],
    // Cut where a plain-text line ended.
    ['https://urldefense.com/v3/__http://www.R-project.org/posting-guide.ht', PP, /no "__;"/],
    ['https://urldefense.com/v3/__https://example.org/a__;Iw', PP, /no "!"/],
    ['https://urldefense.proofpoint.com/v2/url?u=https-3A&d=DwMFaQ', PP, /not a URL that can be scored/],
    ['https://urldefense.com/v3/__https:github.com/x__;!!I!Y$', PP, /"https:" must be followed by "\/\/"/],
    ['https://urldefense.proofpoint.com/v2/url?d=DwMFaQ&c=abc', PP, /no u= parameter/],
    ['https://urldefense.com/v9/__https://example.org/__;!!x!y$', PP, /v9 is not one of the published formats/],
    ['https://eur02.safelinks.protection.outlook.com/?data=04%7C01', SL, /no url= parameter/],
    [
      'https://nam06.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)&data=04',
      SL,
      /not a URL that can be scored/,
    ],
    ['https://www.google.com/url?hl=en&sa=D', GR, /no q= or url= parameter/],
    ['https://linkprotect.cudasvc.com/url?c=E,1,AbCd,&typo=1', BL, /no a= parameter/],
    ['https://secure-web.cisco.com/1AbC/not-a-link', CS, /not a link with a scheme/],
    ['https://secure-web.cisco.com/1AbC/javascript%3Aalert(1)', CS, /not a URL that can be scored/],
    ['https://imsva91-ctp.trendmicro.com/wis/clicktime/v1/query?umid=1&auth=2', TM, /no url= parameter/],
    ['https://us-west-2.protection.sophos.com/?d=example.org&u=%25%25&i=1', SO, /not base64/],
    // The link in u= is not on the domain d= names: altered, so not followed.
    [
      'https://eu-central-1.protection.sophos.com/?d=example.org&u=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4%3D&i=1',
      SO,
      /on evil\.example, not on example\.org/,
    ],
  ];
  for (const [wrapper, gateway, why] of UNDECODED) {
    it(`scores ${wrapper.slice(0, 70)} as itself`, () => {
      const c = canonicalizeUrl(wrapper);
      assert.ok(c.ok);
      const u = unwrapUrl(wrapper, c.value);
      assert.equal(u.url, c.value.url);
      assert.deepEqual(u.wrapping?.layers, []);
      assert.equal(u.wrapping?.undecoded?.gateway, gateway);
      assert.match(u.wrapping?.undecoded?.why ?? '', why);
      const reason = wrappingReason(u);
      assert.equal(reason?.code, 'WRAPPED_LINK_UNDECODED');
      assert.ok(reason.message.includes(gateway) && reason.message.includes(c.value.url), reason.message);
    });
  }

  it('scores an inner wrapper that cannot be read as itself, after taking off the outer one', () => {
    const inner = 'https://protect-us.mimecast.com/s/AbCdEf?domain=example.org';
    const u = unwrap(`https://www.google.com/url?q=${encodeURIComponent(inner)}&sa=D`);
    assert.equal(u.url, inner);
    assert.deepEqual(
      u.wrapping?.layers.map((l) => l.gateway),
      [GR],
    );
    assert.equal(u.wrapping?.undecoded?.gateway, 'Mimecast URL Protect');
    assert.match(wrappingReason(u)?.message ?? '', /^a Google redirect link around a Mimecast URL Protect link whose/);
  });

  it(`takes off at most ${MAX_WRAP_DEPTH} wrappers`, () => {
    const nest = (n: number) => {
      let s = 'https://evil.example/login';
      for (let i = 0; i < n; i++) s = `https://www.google.com/url?q=${encodeURIComponent(s)}&sa=D`;
      return s;
    };
    const deepest = unwrap(nest(MAX_WRAP_DEPTH));
    assert.equal(deepest.url, 'https://evil.example/login');
    assert.equal(deepest.wrapping?.layers.length, MAX_WRAP_DEPTH);
    const tooDeep = unwrap(nest(MAX_WRAP_DEPTH + 1));
    assert.equal(tooDeep.wrapping?.layers.length, MAX_WRAP_DEPTH);
    assert.equal(tooDeep.host, 'www.google.com');
    assert.match(tooDeep.wrapping?.undecoded?.why ?? '', /wrapped more than 4 times/);
    assert.equal(wrappingReason(tooDeep)?.code, 'WRAPPED_LINK_UNDECODED');
  });

  it('returns a plain URL as the same object, and leaves look-alike paths on gateway hosts alone', () => {
    for (const plain of [
      'https://example.org/a?url=https://evil.example/',
      'https://www.google.com/search?q=https://evil.example/',
      'https://urldefense.com/',
      'https://nam02.safelinks.protection.outlook.com/other?url=https%3A%2F%2Fevil.example',
      'https://safelinks.protection.outlook.com.evil.example/?url=https%3A%2F%2Fgithub.com',
      'https://linkprotect.cudasvc.com/',
      'https://secure-web.cisco.com/',
      'https://secure-web.cisco.com/about',
      'https://www.trendmicro.com/en_us/business.html?url=https%3A%2F%2Fevil.example',
      'https://protection.sophos.com.evil.example/?u=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4%3D',
    ]) {
      const c = canonicalizeUrl(plain);
      assert.ok(c.ok);
      assert.equal(unwrapUrl(plain, c.value), c.value, plain);
      assert.equal(wrappingReason(c.value), undefined);
    }
  });
});
