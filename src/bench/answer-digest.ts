/**
 * Digests of what a build answers for a fixed, varied set of domain names, so that a change to
 * parsing, features, reasons or encoding can be shown to change no answer: run each build's copy and
 * compare the two files (`cmp`); a differing line names the stage and the block of 1000 names.
 *
 *   npm run build && cp -r dist dist-b            # dist-a built from main the same way
 *   node dist-a/bench/answer-digest.js --out a.txt && node dist-b/bench/answer-digest.js --out b.txt
 *   cmp a.txt b.txt                               # 250,000 names: ~3 min per build on a quiet machine
 *
 * Per block of 1000 names, a SHA-256 of: `parseDomain`'s result (JSON, errors included); the
 * feature rows of every committed domain version's features version (and every later one for the
 * newest version), computed with that version's assets; and the encoded answers (`scoreFresh` +
 * `encodeAnswers`, as a pipeline worker makes them, full and compact view) of the serving domain
 * model and, for the same names as URL hosts, of the serving URL model. The names (a fixed seed):
 * Tranco names, CDN-style subdomains, random labels, brand and keyword mixes, platform and
 * dynamic-DNS customers, homoglyphs and IDN, whitespace, upper case, trailing dots, long labels and
 * every parse error (2026-12-07: 210k valid, 40k invalid across the 10 error messages).
 *
 * URLs (`--urls`, 240,000 by default): the training list's and variants of them (see `urls`), digested
 * as the URL pipeline parses them, as the feature rows of every committed URL version (its own
 * features version and assets), and as the serving URL model's encoded answers, full and compact.
 *
 * IP indicators (`--ips`, 200,000 by default; see `ips`): as the IP pipeline parses them (with the
 * bundled geo/ASN/hosting enrichment), the feature rows and reasons of every committed IP version, and
 * the serving IP model's encoded answers, full and compact. `--only domain|url|ip` digests one block.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { loadDomainAssets } from '../indicators/domain/assets';
import { DOMAIN_FEATURE_SETS } from '../indicators/domain/feature-sets';
import { BRANDS, KEYWORDS, loadWordList } from '../indicators/domain/lexicon';
import { parseDomain } from '../indicators/domain/parse';
import cdnEdgesJson from '../indicators/ip/data/cdn-edges.json';
import hostingJson from '../indicators/ip/data/hosting-ranges.json';
import knownServicesJson from '../indicators/ip/data/known-services.json';
import type { Parsed } from '../indicators/types';
import { pipelineForFeatures } from '../scoring/pipeline';
import { scoreFresh, type View } from '../scoring/stages';
import { encodeAnswers } from '../server/answer-encoding';
import { dataLines, SHARED_DATA } from './shared-data';
import { urlsOfCsv } from './url-list';

const { values: args } = parseArgs({
  options: {
    names: { type: 'string', default: '250000' },
    urls: { type: 'string', default: '240000' },
    ips: { type: 'string', default: '200000' },
    /** One block alone (domain, url or ip), to compare two builds of a change to one pipeline faster. */
    only: { type: 'string' },
    out: { type: 'string' },
  },
});

const ROOT = resolve(__dirname, '..', '..');
const BLOCK = 1000;

let seed = 12345;
function rnd(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}
function pick<T>(a: readonly T[]): T {
  return a[Math.floor(rnd() * a.length)] as T;
}
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789-';
function randomLabel(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[Math.floor(rnd() * ALNUM.length)];
  return s;
}

function names(count: number): string[] {
  const tranco = dataLines(join(SHARED_DATA, 'domains', 'tranco_top100k.txt'));
  const popular = tranco.length > 0 ? tranco : ['example.com', 'google.com', 'bbc.co.uk', 'github.io'];
  const allow = loadWordList('allow-list.txt');
  const platforms = loadWordList('shared-platforms.txt').map((e) => e.replace('.*', '.com'));
  const dynamic = loadWordList('dynamic-dns.txt');
  const words = ['secure', 'login', 'verify', 'wallet', 'account', 'update', 'support', 'the', 'shop', 'cloud'];
  const lures = [...words, 'elon', 'musk', 'giveaway', 'token', 'idex', 'xrp', 'btc', 'metamask', 'paypa1'];
  const lex = [...BRANDS, ...KEYWORDS, ...lures, 'rnetamask', 'uniswsap', 'etherscan', 'ethercat'];
  const odd = ['а', 'е', 'о', 'р', 'с', 'ü', 'é', 'ß', '中', '文', 'ı', 'ⓐ', '．', 'Ａ'];
  const tlds = [
    'com',
    'net',
    'org',
    'io',
    'co.uk',
    'github.io',
    'biz',
    'cn',
    'ru',
    'xyz',
    'top',
    'de',
    'com.br',
    '123',
  ];
  const junk = [' ', '\t', '.', '..', '-', '_', '!', '\u0000', '\u00a0', 'A', 'Z', '/', ':', '@', '*'];
  const fixed = ['', ' ', '.', 'com', '.com', 'a..b.com', '-a.com', 'a-.com', '1.2.3.4', 'localhost', 'github.io'];
  fixed.push('s3.amazonaws.com', 'eu-west-1.elasticbeanstalk.com', 'x'.repeat(300), `a.${'b'.repeat(64)}.com`);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = pick(popular);
    let name: string;
    switch (i % 20) {
      case 2:
        name = `cdn-${randomLabel(8)}.${t}`;
        break;
      case 3:
        name = `${randomLabel(3 + Math.floor(rnd() * 20))}.${pick(tlds)}`;
        break;
      case 4:
        name = `${pick(lex)}${pick(['', '-', ''])}${pick(lex)}.${pick(tlds)}`;
        break;
      case 5:
        name = `${pick(lex)}.${pick(platforms)}`;
        break;
      case 6:
        name = `${randomLabel(5)}.${pick(dynamic)}`;
        break;
      case 7:
        name = `www.${pick(allow)}`;
        break;
      case 8:
        name = `${pick(words)}-${pick(lex)}.${t}`;
        break;
      case 9: {
        const s = pick(lex);
        const j = Math.floor(rnd() * s.length);
        name = `${s.slice(0, j)}${pick(odd)}${s.slice(j + 1)}.${pick(tlds)}`;
        break;
      }
      case 10: {
        const j = Math.floor(rnd() * (t.length + 1));
        name = `${t.slice(0, j)}${pick(junk)}${t.slice(j)}`;
        break;
      }
      case 11:
        name = `${pick(['', ' ', '  ', '\t'])}${t.toUpperCase()}${pick(['', '.', ' ', '. '])}`;
        break;
      case 12:
        name = `xn--${randomLabel(6)}.${pick(tlds)}`;
        break;
      case 13:
        name = `${randomLabel(60 + Math.floor(rnd() * 10))}.${pick(tlds)}`;
        break;
      case 14:
        name = `${pick(['a', 'b.c', '_dmarc', 'x_y'])}.${randomLabel(4)}.${pick(tlds)}`;
        break;
      case 15:
        name = `${pick(lex)}${randomLabel(3)}.${pick(lex)}.${pick(allow)}`;
        break;
      case 16:
        name = pick(fixed);
        break;
      case 17:
        name = `${randomLabel(2)}.${randomLabel(2)}.${randomLabel(2)}.${t}`;
        break;
      case 18:
        name = `${pick(odd)}${pick(lex)}${pick(odd)}.${pick(['рф', 'com', 'net', '中国'])}`;
        break;
      case 19:
        name = `${randomLabel(12)}${Math.floor(rnd() * 1e6)}.${pick(tlds)}`;
        break;
      default:
        name = t;
    }
    out.push(name);
  }
  return out;
}

/**
 * URLs: the training list's (../shared/data/urls/urls_train.csv.gz) as they are, then each again with
 * one change from a fixed list: upper case, non-ASCII, percent escapes, ports, user-info, `@`,
 * embedded URLs, e-mail addresses, hex runs, `.php`, `~`, brands, empty query parameters, fragments,
 * defanged forms and odd spellings, so every branch of the URL's own features is read.
 */
function urls(count: number): string[] {
  const file = join(SHARED_DATA, 'urls', 'urls_train.csv.gz');
  const list = existsSync(file)
    ? urlsOfCsv(gunzipSync(readFileSync(file)).toString('utf8'))
    : ['http://example.com/a/b.php?x=1', 'https://login.paypal.com.evil.cn/wp-admin/'];
  const odd = [
    'é',
    'ü',
    '中',
    'ſ',
    'K',
    'İ',
    'ı',
    '\u00a0',
    ' ',
    '\t',
    '%',
    '%2',
    '%zz',
    '%41',
    '%c3%a9',
    '%40',
    '%2F',
  ];
  const edits: ((u: string) => string)[] = [
    (u) => u.toUpperCase(),
    (u) => `${u}${u.includes('?') ? '&' : '?'}q=${pick(odd)}${randomLabel(4)}#frag${pick(odd)}`,
    (u) => u.replace(/^(https?:\/\/[^/]+)/i, `$1:${pick(['8080', '80', '443', '21', '0', '65535'])}`),
    (u) => u.replace(/^(https?:\/\/)/i, `$1${pick(['user', 'a:b', 'x@y'])}@`),
    (u) =>
      `${u}${pick(['/', '?', '&', '&&', '?&a=&', '?a&b&&c=1&'])}${pick(['x@y.com', 'me%40mail.co.uk', 'a.b+c@d-e.f.g', '@x.', 'x@-.a'])}`,
    (u) =>
      `${u}${pick(['/', '?u='])}${pick(['http://', 'HTTPS:/', 'hTtPs://', 'www.', 'WWW.', 'http:', 'httpss:/', 'wwww.'])}${pick(['a.com', ''])}`,
    (u) =>
      `${u}/${randomLabel(3)}${pick(['0123456789abcdef', '0123456789ABCDEF0', '0123456789abcde', 'deadbeefdeadbeefdeadbeef'])}`,
    (u) => `${u}${pick(['/.php', '/a.php.php', '/x.PHP', '/.ph', '/index.php5', '/.phpphp'])}`,
    (u) => `${u}/~${pick(['user', '', '~'])}`,
    (u) => `${u}/${pick([...BRANDS])}${pick(['', '-', '.', '/'])}${pick(['login', 'secure', 'x'])}`,
    (u) =>
      `${u}/${pick(['login.paypal.com/', 'www.apple.com-secure/', 'a.co', '.com', 'x.com.', 'ab.info?', 'abc.de-x'])}`,
    (u) =>
      u
        .replace(/^https?:\/\//i, pick(['hxxp://', 'hxxps[:]//', '', '//', 'ftp://']))
        .replace(/\./, pick(['[.]', '.', '(.)'])),
    (u) => `${u}${pick(['%25', '%2e%2E', '%%41', '%4', '%41%42%43', '%e2%80%8b', '%00'])}${randomLabel(2)}`,
    (u) => `${u}/${'a'.repeat(Math.floor(rnd() * 300))}-${randomLabel(Math.floor(rnd() * 40))}`,
    (u) => `${u}/${pick(odd)}${randomLabel(5)}${pick(odd)}`,
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const u = list[i % list.length] as string;
    out.push(i < list.length ? u : pick(edits)(u));
  }
  return out;
}

/** An IPv4 address's text from its 32-bit value. */
const v4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
/** An IPv6 address's text from 8 groups. */
const v6 = (g: number[]) => g.map((x) => x.toString(16)).join(':');
const u32 = () => Math.floor(rnd() * 4294967296) >>> 0;
const g16 = () => Math.floor(rnd() * 65536);

/** The first address of a known-service / CDN range entry (`a.b.c.d`, `a-b` or a CIDR), as text. */
const rangeStart = (r: string) => (r.split('-')[0] as string).split('/')[0] as string;

/**
 * IP indicators (a fixed seed): unique public IPv4 and IPv6 (2000::/3), the special ranges (private,
 * loopback, CGNAT, documentation, multicast, reserved, link-local, ULA, mapped, 6to4, Teredo ...),
 * known-service, cloud-hosting and CDN-edge ranges and their neighbours, CIDRs, zones, brackets,
 * upper case, whitespace, leading zeros, and invalid forms (ports, hex, fewer parts, out of range,
 * bad prefixes and zones, junk, too long).
 */
function ips(count: number): string[] {
  seed = 20261207; // its own sequence: the same list with `--only ip` as in a full run
  const services = (knownServicesJson as { services: { ipv4: string[]; ipv6: string[] }[] }).services;
  const edges = (cdnEdgesJson as { operators: { ipv4: string[]; ipv6: string[] }[] }).operators;
  const hosting = hostingJson as unknown as { ipv4: [number, number, number][]; ipv6: [string, string, number][] };
  const known = [...services, ...edges].flatMap((s) => [...s.ipv4, ...s.ipv6].map(rangeStart));
  const hex6 = (h: string) => (h.match(/.{4}/g) as string[]).join(':');
  const special4 = [0, 10, 100, 127, 169, 172, 192, 198, 203, 224, 233, 239, 240, 255];
  const special6 = [
    '::1',
    '::',
    'fe80::',
    'fc00::',
    'fd12:3456::',
    'ff02::',
    '2001:db8::',
    '2002::',
    '2001::',
    '64:ff9b::',
    '100::',
    '2001:10::',
    '2001:20::',
    '::ffff:0:0',
    '3fff::',
    '5f00::',
  ];
  const gens: (() => string)[] = [
    () => v4((11 + Math.floor(rnd() * 212)) * 16777216 + Math.floor(rnd() * 16777216)),
    () => v4((11 + Math.floor(rnd() * 212)) * 16777216 + Math.floor(rnd() * 16777216)),
    () => v4((11 + Math.floor(rnd() * 212)) * 16777216 + Math.floor(rnd() * 16777216)),
    () => v6([0x2000 + Math.floor(rnd() * 0x2000), g16(), g16(), g16(), g16(), g16(), g16(), g16()]),
    () => v6([0x2000 + Math.floor(rnd() * 0x2000), g16(), g16(), 0, 0, 0, 0, g16()]).replace(/(^|:)0(:0)+(:|$)/, '::'),
    () => v4(pick(special4) * 16777216 + Math.floor(rnd() * 16777216)),
    () =>
      v4(
        (pick([192, 198, 203, 100, 172, 169]) * 16777216 +
          (pick([0, 18, 19, 51, 88, 168, 254, 31, 52, 175, 64, 16]) << 16) +
          g16()) >>>
          0,
      ),
    () => pick(special6).replace(/::$/, `::${g16().toString(16)}`),
    () => `::ffff:${v4(u32())}`,
    () => pick(known),
    () => {
      const k = pick(known);
      return k.includes(':')
        ? k.replace(/::$/, `::${g16().toString(16)}`)
        : v4((Number(k.split('.').reduce((a, x) => a * 256 + Number(x), 0)) + Math.floor(rnd() * 300)) >>> 0);
    },
    () => {
      const r = pick(hosting.ipv4);
      return v4(r[0] + Math.floor(rnd() * (r[1] - r[0] + 1)));
    },
    () => hex6(pick(hosting.ipv6)[0]).replace(/0000$/, g16().toString(16)),
    () => `${v4(u32())}/${1 + Math.floor(rnd() * 33)}`,
    () =>
      `${v6([0x2000 + Math.floor(rnd() * 0x2000), g16(), g16(), g16(), g16(), g16(), g16(), g16()])}/${Math.floor(rnd() * 130)}`,
    () => `fe80::${g16().toString(16)}%${pick(['eth0', 'en0', 'wlan_1', 'bad zone', ''])}`,
    () => `[${v6([0x2000 + Math.floor(rnd() * 0x2000), g16(), g16(), g16(), 0, 0, g16(), g16()])}]`,
    () => `  ${v4(u32())}\t`,
    () => v6([0x2000 + Math.floor(rnd() * 0x2000), g16(), g16(), g16(), g16(), g16(), g16(), g16()]).toUpperCase(),
    () => v4(u32()).replace(/(^|\.)(\d)(?=\.|$)/, `$1${pick(['0', '00'])}$2`),
    () => `${v4(u32())}:${Math.floor(rnd() * 70000)}`,
    () => `[${v6([0x2001, g16(), 0, 0, 0, 0, 0, 1])}]:443`,
    () => `0x${u32().toString(16)}`,
    () =>
      v4(u32())
        .split('.')
        .slice(0, 1 + Math.floor(rnd() * 3))
        .join('.'),
    () => `${Math.floor(rnd() * 400)}.${Math.floor(rnd() * 400)}.${Math.floor(rnd() * 400)}.${Math.floor(rnd() * 400)}`,
    () => `${v4(u32())}.${Math.floor(rnd() * 9)}`,
    () => `${v4(u32())}/${pick(['0', '33', 'x', '', '-1', '0100'])}`,
    () => `1:2:3:4:5:6:7:8:9`.slice(0, 5 + Math.floor(rnd() * 13)),
    () => `${v6([0x2001, g16(), g16(), g16(), 0, 0, 0, 0])}`.replace(/:0:0/, '::').replace(/:0:0/, '::'),
    () =>
      pick([
        '',
        ' ',
        'localhost',
        'example.com',
        '1.2.3.4.5',
        '::ffff:1.2.3',
        'g::1',
        '1.2.3.4%eth0',
        '1.2.3.4 ',
        'a'.repeat(90),
      ]),
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pick(gens)());
  return out;
}

type App = Awaited<ReturnType<typeof createApp>>;

/**
 * One line per block of BLOCK values and view: the SHA-256 of the serving `kind` model's encoded
 * answers to them (`answers <tag><kind>/<version> <view> <first index> <hash>`).
 */
async function answerLines(app: App, kind: string, values: readonly string[], tag: string): Promise<string[]> {
  const base = app.scorer.pipelines().find((x) => x.kind === kind);
  const model = base === undefined ? undefined : app.repository.serving(base.modelName);
  if (base === undefined || model === undefined) throw new Error(`no ${kind} pipeline or serving model`);
  const fp = pipelineForFeatures(base, model.metadata.features_version);
  if (fp === undefined) throw new Error(`no features ${model.metadata.features_version}`);
  const scoring = { name: model.metadata.name, version: model.metadata.version, metadata: model.metadata };
  const run = (features: Float32Array, rows: number) => model.predict(features, rows);
  const out: string[] = [];
  for (const view of ['full', 'compact'] as View[]) {
    for (let b = 0; b < values.length; b += BLOCK) {
      const items = values.slice(b, b + BLOCK).map((value) => ({ id: '', value }));
      const answers = encodeAnswers(await scoreFresh(base, fp, scoring, model.assets, items, view, run), view);
      const h = createHash('sha256');
      h.update(answers.bytes);
      h.update(new Uint8Array(answers.ends.buffer));
      out.push(`answers ${tag}${kind}/${model.metadata.version} ${view} ${b} ${h.digest('hex')}`);
    }
  }
  return out;
}

/** One line per block: the SHA-256 of each parse's JSON (the value, or the error's reason, message, metadata). */
function parseLines(parsed: readonly Parsed<object>[], label: string): string[] {
  const out: string[] = [];
  for (let b = 0; b < parsed.length; b += BLOCK) {
    const h = createHash('sha256');
    for (let i = b; i < Math.min(parsed.length, b + BLOCK); i++) {
      const p = parsed[i] as Parsed<object>;
      const json = p.ok ? JSON.stringify(p.value) : JSON.stringify([p.error.reason, p.error.message, p.error.metadata]);
      h.update(`${json}\n`);
    }
    out.push(`${label} ${b} ${h.digest('hex')}`);
  }
  return out;
}

async function main(): Promise<void> {
  const only = args.only;
  if (only !== undefined && only !== 'domain' && only !== 'url' && only !== 'ip')
    throw new Error('--only is domain, url or ip');
  const all = only === undefined || only === 'domain' ? names(Number(args.names)) : [];
  const lines: string[] = [];
  const blocks = (f: (from: number, to: number, hash: ReturnType<typeof createHash>) => void, label: string) => {
    for (let b = 0; b < all.length; b += BLOCK) {
      const h = createHash('sha256');
      f(b, Math.min(all.length, b + BLOCK), h);
      lines.push(`${label} ${b} ${h.digest('hex')}`);
    }
  };
  blocks((from, to, h) => {
    for (let i = from; i < to; i++) {
      const p = parseDomain(all[i] as string);
      // An error's reason and message by name: JSON.stringify of an Error leaves its message out.
      const json = p.ok ? JSON.stringify(p.value) : JSON.stringify([p.error.reason, p.error.message, p.error.metadata]);
      h.update(`${json}\n`);
    }
  }, 'parse');

  const versions = readdirSync(join(ROOT, 'models', 'domain'))
    .filter((v) => /^\d+$/.test(v))
    .map(Number)
    .sort((a, b) => a - b);
  const newest = versions[versions.length - 1];
  for (const v of versions) {
    const dir = join(ROOT, 'models', 'domain', String(v));
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as { features_version: string };
    const assets = loadDomainAssets(join(dir, 'assets.json'));
    for (const set of DOMAIN_FEATURE_SETS.values()) {
      if (set.wordOdds === true && assets.wordLogOdds === undefined) continue;
      if (set.version !== meta.features_version && v !== newest) continue;
      const row = new Float32Array(set.names.length);
      blocks((from, to, h) => {
        for (let i = from; i < to; i++) {
          const p = parseDomain(all[i] as string);
          if (!p.ok) continue;
          row.fill(0);
          set.compute(p.value, assets, row, 0);
          h.update(new Uint8Array(row.buffer));
        }
      }, `features domain/${v} ${set.version}`);
    }
  }

  const app = await createApp(
    loadConfig(['--listen', '127.0.0.1:0', '--inference', 'inline'], {}),
    pino({ level: 'warn' }),
  );
  lines.push(...(await answerLines(app, 'domain', all, '')));
  lines.push(
    ...(await answerLines(
      app,
      'url',
      all.map((n, k) => `http://${n.trim()}/login.php?a=${k}`),
      '',
    )),
  );

  // URLs as the URL pipeline parses them (canonical form, unwrapped), the feature rows of every
  // committed URL version (its features version, its assets), and the serving URL model's answers.
  const allUrls = only === undefined || only === 'url' ? urls(Number(args.urls)) : [];
  const up = app.scorer.pipelines().find((x) => x.kind === 'url');
  const uModel = up === undefined ? undefined : app.repository.serving(up.modelName);
  if (up === undefined || uModel === undefined) throw new Error('no url pipeline or serving model');
  const parsed = allUrls.map((value) => up.parse({ id: '', value }) as Parsed<object>);
  lines.push(...parseLines(parsed, 'url-parse'));
  const urlVersions = readdirSync(join(ROOT, 'models', 'url'))
    .filter((v) => /^\d+$/.test(v))
    .map(Number)
    .sort((a, b) => a - b);
  for (const v of urlVersions) {
    const dir = join(ROOT, 'models', 'url', String(v));
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as { features_version: string };
    const fp = pipelineForFeatures(up, meta.features_version);
    if (fp === undefined) throw new Error(`no url features ${meta.features_version}`);
    const assets = fp.loadAssets(dir);
    const row = new Float32Array(fp.featureNames.length);
    for (let b = 0; b < allUrls.length; b += BLOCK) {
      const h = createHash('sha256');
      for (let i = b; i < Math.min(allUrls.length, b + BLOCK); i++) {
        const p = parsed[i] as (typeof parsed)[number];
        if (!p.ok) continue;
        row.fill(0);
        fp.features(p.value, assets, row, 0);
        h.update(new Uint8Array(row.buffer));
      }
      lines.push(`features url/${v} ${meta.features_version} ${b} ${h.digest('hex')}`);
    }
  }
  lines.push(...(await answerLines(app, 'url', allUrls, 'url-list ')));

  // IP indicators as the IP pipeline parses them (with the bundled geo/ASN/hosting enrichment), the
  // feature rows and reasons of every committed IP version (and every later features version for the
  // newest, with its assets), and the serving IP model's answers, full and compact.
  const allIps = only === undefined || only === 'ip' ? ips(Number(args.ips)) : [];
  const ipp = app.scorer.pipelines().find((x) => x.kind === 'ip');
  const iModel = ipp === undefined ? undefined : app.repository.serving(ipp.modelName);
  if (ipp === undefined || iModel === undefined) throw new Error('no ip pipeline or serving model');
  const ipParsed = allIps.map((value) => ipp.parse({ id: '', value }) as Parsed<object>);
  lines.push(...parseLines(ipParsed, 'ip-parse'));
  const ipVersions = readdirSync(join(ROOT, 'models', 'ip'))
    .filter((v) => /^\d+$/.test(v))
    .map(Number)
    .sort((a, b) => a - b);
  const ipFeatureVersions = [ipp.featuresVersion, ...(ipp.olderFeatures ?? []).map((f) => f.featuresVersion)];
  for (const v of ipVersions) {
    const dir = join(ROOT, 'models', 'ip', String(v));
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
    for (const fv of ipFeatureVersions) {
      if (fv !== meta.features_version && v !== ipVersions[ipVersions.length - 1]) continue;
      const fp = pipelineForFeatures(ipp, fv);
      if (fp === undefined) throw new Error(`no ip features ${fv}`);
      const assets = fp.loadAssets(dir);
      const row = new Float32Array(fp.featureNames.length);
      for (let b = 0; b < allIps.length; b += BLOCK) {
        const h = createHash('sha256');
        for (let i = b; i < Math.min(allIps.length, b + BLOCK); i++) {
          const p = ipParsed[i] as (typeof ipParsed)[number];
          if (!p.ok) continue;
          row.fill(0);
          fp.features(p.value, assets, row, 0);
          h.update(new Uint8Array(row.buffer));
          h.update(`${JSON.stringify(fp.explain(p.value, row, 0.5, meta))}\n`);
        }
        lines.push(`features ip/${v} ${fv} ${b} ${h.digest('hex')}`);
      }
    }
  }
  lines.push(...(await answerLines(app, 'ip', allIps, '')));
  const text = `${lines.join('\n')}\n`;
  if (args.out === undefined) process.stdout.write(text);
  else writeFileSync(args.out, text);
  await app.close();
  process.exit(0);
}

void main();
