/**
 * src/training/deep-url-sources.ts: real deep URLs read from packaging metadata (apt Homepage, AppStream
 * Url blocks, free text of /usr/share/doc, npm package.json, Python METADATA), cleaned, classified by
 * kind and capped per registrable domain, on small fixtures written in the files' own formats.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import {
  capPerRegistrableDomain,
  cleanUrls,
  type DeepUrl,
  debianHomepageUrls,
  dep11Urls,
  kindOf,
  packageJsonUrls,
  pythonMetadataUrls,
  urlsInText,
} from '../../src/training/deep-url-sources';

it('reads Homepage fields once per package, the first index winning', () => {
  const main = 'Package: aide\nHomepage: https://aide.github.io/\n\nPackage: nohome\nDescription: none\n';
  const security =
    'Package: aide\nHomepage: https://other.example.net/\n\nPackage: dpdk\nHomepage: https://dpdk.org/doc/guides/\n';
  assert.deepEqual(
    debianHomepageUrls([main, security]).map((f) => [f.text, f.from]),
    [
      ['https://aide.github.io/', 'aide'],
      ['https://dpdk.org/doc/guides/', 'dpdk'],
    ],
  );
});

it('reads every key of an AppStream Url block, named by its key', () => {
  const yaml = `---
Type: desktop-application
Package: kpat
Url:
  homepage: https://apps.kde.org/kpat
  bugtracker: https://bugs.kde.org/enter_bug.cgi?format=guided&product=kpat
Icon:
  cached: x
---
Package: nourl
Name: nothing
`;
  assert.deepEqual(
    dep11Urls(yaml).map((f) => [f.origin, f.text, f.from]),
    [
      ['dep11-homepage', 'https://apps.kde.org/kpat', 'kpat'],
      ['dep11-bugtracker', 'https://bugs.kde.org/enter_bug.cgi?format=guided&product=kpat', 'kpat'],
    ],
  );
});

it('finds URLs in free text without the punctuation that ends a sentence', () => {
  const text =
    'Upstream: <https://www.gnu.org/software/tar/>. See (http://example.net/x.html), and ftp://ftp.gnu.org/gnu/tar.';
  assert.deepEqual(urlsInText(text), [
    'https://www.gnu.org/software/tar/',
    'http://example.net/x.html',
    'ftp://ftp.gnu.org/gnu/tar',
  ]);
});

it('turns npm repository remotes into browser links and reads bugs objects', () => {
  const pj = JSON.stringify({
    name: 'pino',
    homepage: 'https://getpino.io',
    bugs: { url: 'https://github.com/pinojs/pino/issues' },
    repository: { type: 'git', url: 'git+https://github.com/pinojs/pino.git' },
  });
  assert.deepEqual(
    packageJsonUrls(pj, 'dir').map((f) => [f.origin, f.text, f.from]),
    [
      ['npm-homepage', 'https://getpino.io', 'pino'],
      ['npm-bugs', 'https://github.com/pinojs/pino/issues', 'pino'],
      ['npm-repository', 'https://github.com/pinojs/pino', 'pino'],
    ],
  );
  assert.deepEqual(packageJsonUrls('{ not json', 'x'), []);
});

it('reads Home-page and Project-URL from the METADATA headers only', () => {
  const meta = `Metadata-Version: 2.1
Name: pip
Home-page: https://pip.pypa.io/
Project-URL: Source, https://github.com/pypa/pip

Body text: Project-URL: Fake, https://not.a.header.example.com/
`;
  assert.deepEqual(
    pythonMetadataUrls(meta, 'pip-23.dist-info').map((f) => [f.origin, f.text, f.from]),
    [
      ['python-home-page', 'https://pip.pypa.io/', 'pip'],
      ['python-project-url', 'https://github.com/pypa/pip', 'pip'],
    ],
  );
});

it('classifies pages by kind', () => {
  const table: [string, string][] = [
    ['https://github.com/openSUSE/catatonit', 'forge-hosted'],
    ['https://salsa.debian.org/debian/dochelp', 'forge-hosted'],
    ['https://gitlab.esrf.fr/favre/PyNX', 'forge-self-hosted'],
    ['https://cgit.freedesktop.org/mesa/glu/', 'forge-self-hosted'],
    ['https://bugs.kde.org/enter_bug.cgi?product=kpat', 'bug-tracker'],
    ['https://github.example.org/x/issues/3', 'bug-tracker'],
    ['https://lists.debian.org/debian-devel/', 'mailing-list'],
    ['https://dpdk.org/doc/guides/nics/enic.html', 'docs'],
    ['https://oauthlib.readthedocs.io/en/latest/', 'docs'],
    ['https://www.gnu.org/licenses/gpl-3.0.html', 'licence'],
    ['https://ftp.gnome.org/pub/GNOME/sources/', 'download'],
    ['https://bindfs.org/', 'homepage'],
    ['https://bindfs.org/?lang=de', 'other-deep'],
    ['https://www.xach.com/lisp/buildapp/', 'other-deep'],
  ];
  for (const [url, kind] of table) {
    const p = canonicalizeUrl(url);
    assert.ok(p.ok, url);
    assert.equal(kindOf(p.value), kind, url);
  }
});

it('keeps only public web addresses, canonical and once, saying why the others went', () => {
  const found = [
    'https://Dovecot.org/',
    'https://dovecot.org/',
    'mailto:someone@dovecot.org',
    'https://git.<name>.org/<user>/repo',
    'https://user:pw@host.example.net/',
    'http://192.0.2.7/tool',
    'http://www.example.com/path',
    'https://ftp.gnu.org/gnu/tar/',
  ].map((text) => ({ text, origin: 'fixture', from: 'pkg' }));
  const { rows, dropped } = cleanUrls(found);
  assert.deepEqual(
    rows.map((r) => [r.url, r.kind]),
    [
      ['https://dovecot.org/', 'homepage'],
      ['https://ftp.gnu.org/gnu/tar/', 'download'],
    ],
  );
  assert.deepEqual(dropped, {
    unparsable: 0,
    not_web: 1,
    ip_or_single_label: 1,
    placeholder: 1,
    user_info: 1,
    reserved_name: 1,
  });
});

it('caps each registrable domain with a seeded sample that does not depend on input order', () => {
  const row = (url: string): DeepUrl => ({ url, kind: 'other-deep', origin: 'fixture', from: 'pkg' });
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => row(`https://github.com/u${i}/r`)),
    row('https://salsa.debian.org/a/b'),
    row('https://www.debian.org/doc/'),
    row('https://dpdk.org/doc/'),
  ];
  const kept = capPerRegistrableDomain(rows, 3);
  const count = (d: string) => kept.filter((r) => r.url.includes(d)).length;
  assert.equal(count('github.com'), 3);
  assert.equal(count('debian.org'), 2);
  assert.equal(count('dpdk.org'), 1);
  const reversed = capPerRegistrableDomain([...rows].reverse(), 3);
  assert.deepEqual(reversed.map((r) => r.url).sort(), kept.map((r) => r.url).sort());
});
