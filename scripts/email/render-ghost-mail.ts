/**
 * Renders Ghost's member mail (npm `ghost`, MIT: the newsletter platform's sign-in link, sign-in code,
 * sign-up, paid sign-up, subscription and address-change confirmations) in every language its
 * `@tryghost/i18n` catalogue translates, as .eml the way Ghost sends them: the HTML from Ghost's own
 * template modules (`core/server/services/members/emails/*.js`), the subject and the text/plain part
 * from Ghost's own `getSubject`/`getText` (read out of `core/server/services/members/api.js`, not
 * copied), strings through an i18next-compatible `t` (`{name}` placeholders, values HTML-escaped
 * unless the call says not, an empty translation falls back to English as `returnEmptyString: false`
 * does). A language's mail is written when its subject and all but at most one of its strings are
 * translated (the manifest names the string left in English, usually the footer).
 * scripts/email/fetch-registry-ham.sh fetches the package and runs this.
 *
 *   npx tsx scripts/email/render-ghost-mail.ts --ghost DIR/package --i18n DIR/locales --out DIR
 *
 * Sites, domains, addresses, tokens and dates are invented and vary by a hash of mail and language.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    ghost: { type: 'string' },
    i18n: { type: 'string' },
    out: { type: 'string' },
  },
});

type Translate = (key: string, opts?: Record<string, unknown>) => string;
type Template = (values: Record<string, unknown>) => string;

/** The mails Ghost's members API sends: `type` as getSubject/getText/getHTML name it, and a sign-in code or not. */
const MAILS = [
  { name: 'signin', type: 'signin', otc: false, template: 'signin' },
  { name: 'signin-code', type: 'signin', otc: true, template: 'signin' },
  { name: 'signup', type: 'signup', otc: false, template: 'signup' },
  { name: 'signup-paid', type: 'signup-paid', otc: false, template: 'signup-paid' },
  { name: 'subscribe', type: 'subscribe', otc: false, template: 'subscribe' },
  { name: 'update-email', type: 'updateEmail', otc: false, template: 'update-email' },
];

const SITES = [
  'Kaiyo Notes',
  'Nordlicht Weekly',
  'Vesna Journal',
  'Tarn Letters',
  'Albero Review',
  'Brisa Digest',
  'Hakuba Dispatch',
  'Solace Post',
];
const PEOPLE = [
  'ana.silva',
  'jonas.berg',
  'mei.lin',
  'omar.haddad',
  'eva.novak',
  'kenji.sato',
  'lukas.weber',
  'sofia.rossi',
];
const MAILBOXES = [
  'posteo.de',
  'gmx.net',
  'mail.com',
  'proton.me',
  'outlook.com',
  'web.de',
  'fastmail.com',
  'icloud.com',
];
const ACCENTS = ['#15212A', '#FF1A75', '#3D7EFF', '#2E8B57', '#C0392B', '#8E44AD'];

function hash(...words: string[]): number {
  return createHash('sha256').update(words.join('\0')).digest().readUInt32BE(0);
}
const pick = <T>(list: T[], ...words: string[]): T => list[hash(...words) % list.length];

/** The country TLD a site in that language is likely to have. */
function tld(lang: string): string {
  const special: Record<string, string> = {
    en: 'com',
    ar: 'com',
    'pt-BR': 'com.br',
    'zh-Hant': 'tw',
    zh: 'cn',
    'de-CH': 'ch',
    'sr-Cyrl': 'rs',
    ja: 'jp',
    ko: 'kr',
    el: 'gr',
    he: 'co.il',
    uk: 'com.ua',
    kz: 'kz',
    sv: 'se',
    da: 'dk',
    nb: 'no',
    nn: 'no',
    cs: 'cz',
    et: 'ee',
    fa: 'ir',
    hi: 'in',
    bn: 'com.bd',
    ur: 'pk',
    ta: 'in',
    pa: 'in',
    ne: 'com.np',
    si: 'lk',
    sw: 'co.ke',
    sq: 'al',
    ca: 'cat',
    eu: 'eus',
    gd: 'scot',
    eo: 'org',
    ms: 'my',
    vi: 'vn',
    af: 'co.za',
    bs: 'ba',
    sl: 'si',
    mn: 'mn',
    uz: 'uz',
    mk: 'mk',
    ga: 'ie',
    sr: 'rs',
  };
  return special[lang] ?? lang.toLowerCase();
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '/': '&#x2F;',
};

/** An i18next-compatible `t` over one catalogue, recording the strings it had to take in English. */
function translator(catalogue: Record<string, string>, missing: Set<string>): Translate {
  return (key, opts = {}) => {
    let message = catalogue[key];
    if (!message) {
      missing.add(key);
      message = key;
    }
    const escapeValues = (opts.interpolation as { escapeValue?: boolean } | undefined)?.escapeValue !== false;
    return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!(name in opts)) return whole;
      const value = String(opts[name]);
      return escapeValues ? value.replace(/[&<>"'/]/g, (c) => ESCAPES[c]) : value;
    });
  };
}

/** A method of Ghost's members API (`name(params) { ... }`), read from api.js and made callable. */
function method(source: string, signature: string, next: string, params: string[]): (...a: unknown[]) => string {
  const start = source.indexOf(`${signature} {`);
  const end = source.indexOf(next, start);
  if (start < 0 || end < 0) throw new Error(`api.js: ${signature} not found`);
  const body = source.slice(start + signature.length + 2, source.lastIndexOf('}', end));
  return new Function(...params, body) as (...a: unknown[]) => string;
}

function trimLeadingWhitespaceOf(source: string): unknown {
  const start = source.indexOf('function trimLeadingWhitespace');
  const end = source.indexOf('\n}\n', start);
  return new Function(`return ${source.slice(start, end + 2)}`)();
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

function encodedWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function main(): void {
  const ghost = resolve(args.ghost as string);
  const out = args.out as string;
  const emails = join(ghost, 'core/server/services/members/emails');
  const api = readFileSync(join(ghost, 'core/server/services/members/api.js'), 'utf8');
  const trim = trimLeadingWhitespaceOf(api);
  const getSubject = method(api, 'getSubject(type, otc)', 'getText(url', ['type', 'otc', 't', 'settingsCache']);
  const getText = method(api, 'getText(url, type, email, otc)', 'getHTML(url', [
    'url',
    'type',
    'email',
    'otc',
    't',
    'settingsCache',
    'trimLeadingWhitespace',
  ]);
  const require = createRequire(join(emails, 'index.js'));
  const templates = new Map(MAILS.map((m) => [m.template, require(join(emails, `${m.template}.js`)) as Template]));
  const manifest = ['file\tlanguage\tmail\tsubject\tleft_in_english'];
  for (const lang of readdirSync(args.i18n as string).sort()) {
    const file = join(args.i18n as string, lang, 'ghost.json');
    if (!existsSync(file)) continue;
    const catalogue = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    let written = 0;
    for (const m of MAILS) {
      const missing = new Set<string>();
      const t = translator(catalogue, missing);
      const siteTitle = pick(SITES, lang, m.name, 'site');
      const siteDomain = `${siteTitle.toLowerCase().replace(' ', '-')}.${tld(lang)}`;
      const siteUrl = `https://${siteDomain}/`;
      const email = `${pick(PEOPLE, lang, m.name, 'to')}@${pick(MAILBOXES, lang, m.name, 'box')}`;
      const token = createHash('sha256').update(`${lang}/${m.name}/token`).digest('base64url').slice(0, 32);
      const action = m.type === 'updateEmail' ? 'updateEmail' : m.type === 'signin' ? 'signin' : 'signup';
      const url = `${siteUrl}members/?token=${token}&action=${action}&r=${encodeURIComponent(siteUrl)}`;
      const otc = m.otc ? String(100000 + (hash(lang, m.name, 'otc') % 900000)) : undefined;
      const settingsCache = { get: (key: string) => (key === 'title' ? siteTitle : undefined) };
      const accentColor = pick(ACCENTS, lang, m.name, 'accent');
      const subject = getSubject(m.type, otc, t, settingsCache);
      const text = getText(url, m.type, email, otc, t, settingsCache, trim);
      const html = templates.get(m.template)!({ t, url, otc, email, siteTitle, accentColor, siteDomain, siteUrl });
      // Ghost sends untranslated strings in English; a mail is kept when its subject and all but at most
      // one of its strings (in practice the footer "This message was sent from ... to ...") are translated.
      const subjectMissing = new Set<string>();
      getSubject(m.type, otc, translator(catalogue, subjectMissing), settingsCache);
      if (lang !== 'en' && (missing.size > 1 || subjectMissing.size > 0)) continue;
      const date = new Date(Date.UTC(2025, 0, 6) + (hash(lang, m.name, 'date') % (620 * 24 * 60)) * 60_000);
      const boundary = `--_NmP-${createHash('sha256').update(`${lang}/${m.name}/b`).digest('hex').slice(0, 16)}-Part_1`;
      const eml = [
        `From: ${encodedWord(`"${siteTitle}"`)} <noreply@${siteDomain}>`,
        `To: ${email}`,
        `Subject: ${encodedWord(subject)}`,
        `Message-ID: <${createHash('sha256').update(`${lang}/${m.name}/id`).digest('hex').slice(0, 24)}@${siteDomain}>`,
        `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/alternative; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(text),
        `--${boundary}`,
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(html),
        `--${boundary}--`,
        '',
      ].join('\r\n');
      const name = `ghost-${lang}/${m.name}.eml`;
      mkdirSync(join(out, `ghost-${lang}`), { recursive: true });
      writeFileSync(join(out, name), eml);
      manifest.push([name, lang, m.name, subject, lang === 'en' ? '' : [...missing].join(' | ')].join('\t'));
      written++;
    }
    process.stderr.write(`${lang}: ${written} of ${MAILS.length}\n`);
  }
  writeFileSync(join(out, 'manifest.tsv'), `${manifest.join('\n')}\n`);
}

main();
