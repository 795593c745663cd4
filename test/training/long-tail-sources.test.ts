/**
 * src/training/long-tail-sources.ts: Debian Homepage fields and the PSL's private section reduced to
 * the hosts a resolver would see, on small fixtures written in the files' own formats.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { homepageHosts, privateSuffixes } from '../../src/training/long-tail-sources';

const packages = `Package: 7zip
Version: 22.01+dfsg-8
Homepage: https://www.7-zip.org/

Package: aide
Homepage: https://aide.github.io

Package: libfoo-perl
Description: a module
Homepage: https://metacpan.org/release/Foo

Package: libbar-perl
Homepage: http://metacpan.org/release/Bar/

Package: nohome
Description: no Homepage field

Package: oddport
Homepage: https://User@Example.ORG:8443/path?q=1

Package: addr
Homepage: http://192.0.2.7/tool

Package: local
Homepage: http://localhost/
`;
const security = `Package: aide
Homepage: https://aide.github.io

Package: newpkg
Homepage: https://new.example.net
`;

it('keeps one row per host a resolver would look up, counting the packages that name it', () => {
  const { hosts, stats } = homepageHosts([packages, security]);
  assert.deepEqual(
    hosts.map((h) => [h.host, h.packages, h.example]),
    [
      ['www.7-zip.org', 1, '7zip'],
      ['aide.github.io', 1, 'aide'],
      ['metacpan.org', 2, 'libfoo-perl'],
      ['example.org', 1, 'oddport'],
      ['new.example.net', 1, 'newpkg'],
    ],
  );
  // aide appears in both indexes (a security update) and counts once.
  assert.equal(stats.packages, 9);
  assert.equal(stats.withHomepage, 8);
  assert.deepEqual(stats.dropped, { no_host: 0, ip_literal: 1, single_label: 1 });
});

const psl = `// ===BEGIN ICANN DOMAINS===
com
*.ck
!www.ck
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
// (Note: these are in alphabetical order by company name)

// Amazon S3 : https://aws.amazon.com/s3/
// Submitted by Luke Wells <psl-maintainers@amazon.com>
s3.eu-west-1.amazonaws.com
*.compute.amazonaws.com

// GitHub, Inc.
// Submitted by Patrick Toomey <security@github.com>
github.io
githubusercontent.com

// 12CHARS: https://12chars.com
// Submitted by Kenny Niehage <psl@12chars.com>
12chars.dev
*.12chars.dev
!x.12chars.dev

// ===END PRIVATE DOMAINS===
`;

it('reads the private section only, each rule with its organisation, wildcards reduced to the name below them', () => {
  assert.deepEqual(
    privateSuffixes(psl).map((p) => [p.host, p.organisation, p.rule]),
    [
      ['s3.eu-west-1.amazonaws.com', 'Amazon S3', 'plain'],
      ['compute.amazonaws.com', 'Amazon S3', 'wildcard'],
      ['github.io', 'GitHub, Inc.', 'plain'],
      ['githubusercontent.com', 'GitHub, Inc.', 'plain'],
      ['12chars.dev', '12CHARS', 'plain'],
      ['x.12chars.dev', '12CHARS', 'exception'],
    ],
  );
  assert.throws(() => privateSuffixes('com\nnet\n'), /no private section/);
});
