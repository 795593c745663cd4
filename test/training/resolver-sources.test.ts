/**
 * src/training/resolver-sources.ts: real resolver-like benign hosts from botocore's endpoints.json, Google
 * API discovery documents, EasyPrivacy and python-apt's mirror lists (small inputs in each file's own format).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  aptMirrorHosts,
  awsEndpointHosts,
  easyPrivacyGroup,
  easyPrivacyHosts,
  googleDiscoveryHosts,
  providerPart,
} from '../../src/training/resolver-sources';

it('awsEndpointHosts: templates filled for regions, own hostnames kept, listed variants only', () => {
  const endpoints = {
    partitions: [
      {
        partition: 'aws',
        dnsSuffix: 'amazonaws.com',
        regionRegex: '^(us|eu)\\-\\w+\\-\\d+$',
        regions: { 'us-east-1': {}, 'eu-west-1': {} },
        defaults: {
          hostname: '{service}.{region}.{dnsSuffix}',
          variants: [
            { dnsSuffix: 'amazonaws.com', hostname: '{service}-fips.{region}.{dnsSuffix}', tags: ['fips'] },
            { dnsSuffix: 'api.aws', hostname: '{service}.{region}.{dnsSuffix}', tags: ['dualstack'] },
          ],
        },
        services: {
          'bedrock-runtime': { endpoints: { 'us-east-1': { variants: [{ tags: ['fips'] }] }, 'eu-west-1': {} } },
          // A key that is no region and has no hostname of its own names no host.
          kms: {
            endpoints: {
              'fips-us-east-1': { hostname: 'kms-fips.us-east-1.amazonaws.com' },
              ProdFips: {},
              'eu-west-1': { variants: [{ tags: ['dualstack'] }] },
            },
          },
          s3: {
            defaults: {
              variants: [
                {
                  dnsSuffix: 'amazonaws.com',
                  hostname: '{service}.dualstack.{region}.{dnsSuffix}',
                  tags: ['dualstack'],
                },
              ],
            },
            endpoints: { 'us-east-1': { hostname: 's3.us-east-1.amazonaws.com', variants: [{ tags: ['dualstack'] }] } },
          },
        },
      },
    ],
  };
  assert.deepEqual(
    awsEndpointHosts(JSON.stringify(endpoints)).map((r) => r.host),
    [
      'bedrock-runtime.us-east-1.amazonaws.com',
      'bedrock-runtime-fips.us-east-1.amazonaws.com',
      'bedrock-runtime.eu-west-1.amazonaws.com',
      'kms-fips.us-east-1.amazonaws.com',
      'kms.eu-west-1.amazonaws.com',
      'kms.eu-west-1.api.aws',
      's3.us-east-1.amazonaws.com',
      's3.dualstack.us-east-1.amazonaws.com',
    ],
  );
  assert.ok(awsEndpointHosts(JSON.stringify(endpoints)).every((r) => r.provider === 'aws' && r.origin === 'aws'));
});

it('googleDiscoveryHosts: root, mTLS and regional endpoint hosts, each once', () => {
  const doc = (name: string, extra: object) =>
    JSON.stringify({
      name,
      rootUrl: `https://${name}.googleapis.com/`,
      mtlsRootUrl: `https://${name}.mtls.googleapis.com/`,
      ...extra,
    });
  const rows = googleDiscoveryHosts([
    doc('cloudkms', {
      endpoints: [{ endpointUrl: 'https://cloudkms.us-east5.rep.googleapis.com/', location: 'us-east5' }],
    }),
    doc('cloudkms', {}),
  ]);
  assert.deepEqual(
    rows.map((r) => r.host),
    ['cloudkms.googleapis.com', 'cloudkms.mtls.googleapis.com', 'cloudkms.us-east5.rep.googleapis.com'],
  );
  assert.equal(rows[0]!.provider, 'google');
});

it('easyPrivacyHosts: whole-host rules by section group; abuse, blocker-dodging and site-limited rules kept apart or out', () => {
  const list = [
    '! *** easylist:easyprivacy/easyprivacy_general.txt ***',
    '||not-a-section-we-read.example^',
    '! *** easylist:easyprivacy/easyprivacy_trackingservers_mining.txt ***',
    '||coinhive.com^$third-party',
    '! *** easylist:easyprivacy/easyprivacy_trackingservers_admiral.txt ***',
    '||clumsycar.com^',
    '! *** easylist:easyprivacy/easyprivacy_trackingservers_thirdparty.txt ***',
    '||hitbox.com^$third-party',
    '||109.123.233.251^',
    '||stats.example.com^$script,domain=example.org',
    '! *** easylist:easyprivacy/easyprivacy_specific.txt ***',
    '||logging.api.intuit.com^',
    '||pm.dailykos.com/track/*',
    '! *** easylist:easyprivacy/easyprivacy_specific_cname_adobe.txt ***',
    '||smetrics.nespresso.com^',
    '||SMetrics.Nespresso.com^',
    '! *** easylist:easyprivacy/easyprivacy_specific_cname_dataunlocker.txt ***',
    '||ros3d4dbs3px.salud-masculina.info^',
  ].join('\n');
  assert.deepEqual(
    easyPrivacyHosts(list).map((r) => [r.host, r.group, r.provider]),
    [
      ['coinhive.com', 'abuse', 'coinhive.com'],
      ['clumsycar.com', 'evasive', 'clumsycar.com'],
      ['hitbox.com', 'tracker', 'hitbox.com'],
      ['logging.api.intuit.com', 'first_party', 'intuit.com'],
      ['smetrics.nespresso.com', 'cname', 'adobe'],
      ['ros3d4dbs3px.salud-masculina.info', 'evasive', 'dataunlocker'],
    ],
  );
  assert.equal(easyPrivacyGroup('specific_cname_criteo'), 'cname');
  assert.equal(easyPrivacyGroup('allowlist'), '');
});

it('aptMirrorHosts: the host of each mirror URL, country lines and addresses skipped', () => {
  const mirrors = [
    '#LOC:AT',
    'http://ftp.tu-graz.ac.at/mirror/debian/',
    'https://192.0.2.7/debian/',
    'http://ftp.at.debian.org/debian/',
  ];
  assert.deepEqual(
    aptMirrorHosts([{ name: 'Debian.mirrors', text: mirrors.join('\n') }]).map((r) => [r.host, r.provider]),
    [
      ['ftp.tu-graz.ac.at', 'tu-graz.ac.at'],
      ['ftp.at.debian.org', 'debian.org'],
    ],
  );
});

it('providerPart: one side per provider, both sides used', () => {
  assert.equal(providerPart('adobe'), providerPart('adobe'));
  const sides = new Set(['adobe', 'acton', 'oracle', 'criteo', 'aws', 'google'].map(providerPart));
  assert.deepEqual([...sides].sort(), ['held_out', 'train']);
});
