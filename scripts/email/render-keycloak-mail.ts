/**
 * Renders Keycloak's account mail (the `email` theme inside Maven Central's keycloak-themes jar,
 * Apache-2.0) the way Keycloak sends it: each template's own message in each language the theme
 * translates, with its placeholders filled. These are the short, one-link security notices
 * (verify your address, reset your password, a failed sign-in, an invitation) that phishing
 * copies, written by a real product in 31 languages: the legitimate side of issue 13's
 * "non-English mail with links" that no other source here has. scripts/email/fetch-registry-ham.sh
 * fetches the jar and runs this.
 *
 *   npx tsx scripts/email/render-keycloak-mail.ts --theme DIR/theme/base/email --out DIR --origin TEXT
 *
 * Writes `html/keycloak-<lang>/<template>.rendered.html` (the HTML part inside the theme's own
 * layout; a manifest.csv in the columns `html-bodies` sources use) and `text/<template>.<lang>.eml`
 * (the text/plain part with its Subject, for scoring). Filled values vary by a hash of template and
 * language (never one constant filler the model could learn); link hosts are invented operator
 * domains, since Keycloak runs under each operator's own name.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    theme: { type: 'string' },
    out: { type: 'string' },
    origin: { type: 'string', default: 'Maven Central org.keycloak:keycloak-themes' },
  },
});

/** Values one rendering draws from (picked by hash, see `pick`). */
interface Fill {
  link: string;
  expMinutes: number;
  realm: string;
  date: string;
  ip: string;
  code: string;
  email: string;
  username: string;
  idp: string;
  org: string;
  credential: string;
  actions: string[];
}

/** A template: its HTML and text message keys, subject key, kind, and the arguments in theme order. */
interface Template {
  name: string;
  html: string;
  text: string;
  subject: string;
  kind: string;
  args: (f: Fill, expiry: string, msg: (key: string) => string | undefined) => string[];
}

const LINKED = (f: Fill, exp: string): string[] => [f.link, String(f.expMinutes), f.realm, exp];
const EVENT = (f: Fill): string[] => [f.date, f.ip];

const TEMPLATES: Template[] = [
  {
    name: 'email-verification',
    html: 'emailVerificationBodyHtml',
    text: 'emailVerificationBody',
    subject: 'emailVerificationSubject',
    kind: 'welcome',
    args: LINKED,
  },
  {
    name: 'email-verification-with-code',
    html: 'emailVerificationBodyCodeHtml',
    text: 'emailVerificationBodyCode',
    subject: 'emailVerificationSubject',
    kind: 'sign_in_code',
    args: (f) => [f.code],
  },
  {
    name: 'email-update-confirmation',
    html: 'emailUpdateConfirmationBodyHtml',
    text: 'emailUpdateConfirmationBody',
    subject: 'emailUpdateConfirmationSubject',
    kind: 'alert',
    args: (f, exp) => [f.link, f.email, f.realm, exp],
  },
  {
    name: 'password-reset',
    html: 'passwordResetBodyHtml',
    text: 'passwordResetBody',
    subject: 'passwordResetSubject',
    kind: 'password_reset',
    args: LINKED,
  },
  {
    name: 'executeActions',
    html: 'executeActionsBodyHtml',
    text: 'executeActionsBody',
    subject: 'executeActionsSubject',
    kind: 'alert',
    args: (f, exp, msg) => [
      f.link,
      String(f.expMinutes),
      f.realm,
      f.actions.map((a) => msg(`requiredAction.${a}`) ?? a).join(', '),
      exp,
    ],
  },
  {
    name: 'identity-provider-link',
    html: 'identityProviderLinkBodyHtml',
    text: 'identityProviderLinkBody',
    subject: 'identityProviderLinkSubject',
    kind: 'alert',
    args: (f, exp) => [f.idp, f.realm, f.username, f.link, String(f.expMinutes), exp],
  },
  {
    name: 'org-invite',
    html: 'orgInviteBodyHtml',
    text: 'orgInviteBody',
    subject: 'orgInviteSubject',
    kind: 'invitation',
    args: (f, exp) => [f.link, String(f.expMinutes), f.realm, f.org, exp],
  },
  {
    name: 'event-login_error',
    html: 'eventLoginErrorBodyHtml',
    text: 'eventLoginErrorBody',
    subject: 'eventLoginErrorSubject',
    kind: 'alert',
    args: EVENT,
  },
  {
    name: 'event-remove_totp',
    html: 'eventRemoveTotpBodyHtml',
    text: 'eventRemoveTotpBody',
    subject: 'eventRemoveTotpSubject',
    kind: 'alert',
    args: EVENT,
  },
  {
    name: 'event-update_password',
    html: 'eventUpdatePasswordBodyHtml',
    text: 'eventUpdatePasswordBody',
    subject: 'eventUpdatePasswordSubject',
    kind: 'alert',
    args: EVENT,
  },
  {
    name: 'event-update_totp',
    html: 'eventUpdateTotpBodyHtml',
    text: 'eventUpdateTotpBody',
    subject: 'eventUpdateTotpSubject',
    kind: 'alert',
    args: EVENT,
  },
  {
    name: 'event-update_credential',
    html: 'eventUpdateCredentialBodyHtml',
    text: 'eventUpdateCredentialBody',
    subject: 'eventUpdateCredentialSubject',
    kind: 'alert',
    args: (f) => [f.credential, f.date, f.ip],
  },
  {
    name: 'event-remove_credential',
    html: 'eventRemoveCredentialBodyHtml',
    text: 'eventRemoveCredentialBody',
    subject: 'eventRemoveCredentialSubject',
    kind: 'alert',
    args: (f) => [f.credential, f.date, f.ip],
  },
  {
    name: 'event-user_disabled_by_temporary_lockout',
    html: 'eventUserDisabledByTemporaryLockoutHtml',
    text: 'eventUserDisabledByTemporaryLockoutBody',
    subject: 'eventUserDisabledByTemporaryLockoutSubject',
    kind: 'alert',
    args: (f) => [f.date],
  },
  {
    name: 'event-user_disabled_by_permanent_lockout',
    html: 'eventUserDisabledByPermanentLockoutHtml',
    text: 'eventUserDisabledByPermanentLockoutBody',
    subject: 'eventUserDisabledByPermanentLockoutSubject',
    kind: 'alert',
    args: (f) => [f.date],
  },
];

/** Operators' realm names and (invented) hosts: no real deployment is named. */
const REALMS = ['intranet', 'portal', 'staff', 'students', 'members', 'customers', 'research', 'partners'];
const HOSTS = [
  'id.nordlicht-verbund',
  'sso.campus-rive-gauche',
  'auth.ayuntamiento-digital',
  'login.kaiyo-net',
  'konto.zelena-sit',
  'sso.meridian-health',
  'auth.vidda-energi',
  'id.sakura-lab',
];
const TLD: Record<string, string> = {
  de: 'de',
  fr: 'fr',
  es: 'es',
  it: 'it',
  ja: 'jp',
  pl: 'pl',
  cs: 'cz',
  sk: 'sk',
  nl: 'nl',
  pt: 'pt',
  'pt-BR': 'com.br',
  ru: 'ru',
  uk: 'ua',
  tr: 'com.tr',
  sv: 'se',
  no: 'no',
  da: 'dk',
  fi: 'fi',
  hu: 'hu',
  el: 'gr',
  lt: 'lt',
  sl: 'si',
  hr: 'hr',
  ro: 'ro',
};
const NAMES = ['m.keller', 'sofia.ruiz', 'j.dubois', 'kenji.sato', 'a.nowak', 'l.rossi', 'e.petrova', 'o.lindqvist'];
const IDPS = ['GitHub', 'Google', 'Microsoft', 'GitLab', 'SAML-IdP', 'ORCID'];
const ORGS = ['Fachschaft Informatik', 'Open Data Lab', 'Atelier Numérique', 'Grupo de Investigación', 'Team Nord'];
const CREDENTIALS = ['otp', 'password', 'webauthn', 'recovery-authn-codes'];
const ACTIONS = [
  ['UPDATE_PASSWORD'],
  ['VERIFY_EMAIL'],
  ['CONFIGURE_TOTP', 'UPDATE_PROFILE'],
  ['UPDATE_PASSWORD', 'CONFIGURE_TOTP'],
];

/** A stable choice for one rendering: hash of (template, language, what). */
function pick<T>(items: readonly T[], seed: string, what: string): T {
  const n = createHash('sha256').update(`${seed}:${what}`).digest().readUInt32BE(0);
  return items[n % items.length]!;
}

function fillFor(template: string, lang: string): Fill {
  const seed = `${template}:${lang}`;
  const h = createHash('sha256').update(seed).digest();
  const realm = pick(REALMS, seed, 'realm');
  const host = `${pick(HOSTS, seed, 'host')}.${TLD[lang] ?? 'org'}`;
  const token = createHash('sha256').update(`token:${seed}`).digest('base64url');
  const tab = h.subarray(8, 14).toString('base64url');
  const day = new Date(Date.UTC(2025, 0, 1) + (h.readUInt32BE(16) % (640 * 86400)) * 1000);
  return {
    link: `https://${host}/realms/${realm}/login-actions/action-token?key=eyJhbGciOiJIUzUxMiJ9.${token}&client_id=account-console&tab_id=${tab}`,
    expMinutes: pick([5, 12, 30, 60, 720, 1440], seed, 'exp'),
    realm,
    date: day.toISOString().slice(0, 16).replace('T', ' '),
    ip: `${pick(['198.51.100', '203.0.113', '192.0.2'], seed, 'net')}.${(h[20]! % 250) + 2}`,
    code: String(100000 + (h.readUInt32BE(24) % 900000)),
    email: `${pick(NAMES, seed, 'name')}@${host.split('.').slice(1).join('.')}`,
    username: pick(NAMES, seed, 'user'),
    idp: pick(IDPS, seed, 'idp'),
    org: pick(ORGS, seed, 'org'),
    credential: pick(CREDENTIALS, seed, 'cred'),
    actions: pick(ACTIONS, seed, 'actions'),
  };
}

/** Java .properties as Keycloak's themes write them (UTF-8, `key=value`, `\n` escapes, `\` continuations). */
function readProperties(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trimStart();
    const eq = line.search(/[=:]/);
    if (eq < 0) continue;
    const value = line
      .slice(eq + 1)
      .trimStart()
      .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    out.set(line.slice(0, eq).trim(), value);
  }
  return out;
}

/** java.text.MessageFormat as Keycloak uses it: `{n}`, `{n,choice,...}`, `''` and quoted literals. */
function formatMessage(pattern: string, values: string[]): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      out += pattern.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? pattern.length : end;
      continue;
    }
    if (c === '{') {
      let depth = 1;
      let j = i + 1;
      for (; j < pattern.length && depth > 0; j++) depth += pattern[j] === '{' ? 1 : pattern[j] === '}' ? -1 : 0;
      const [index, type, ...rest] = pattern.slice(i + 1, j - 1).split(',');
      const value = values[Number(index)] ?? '';
      out += type?.trim() === 'choice' ? choose(rest.join(','), Number(value)) : value;
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

/** A ChoiceFormat pattern (`0#Minuten|1#Minute|1<Minuten`) for one number. */
function choose(pattern: string, n: number): string {
  let chosen = '';
  for (const option of pattern.split('|')) {
    const m = /^\s*(-?[\d.]+)\s*([#<≤])(.*)$/s.exec(option);
    if (!m) continue;
    const limit = Number(m[1]);
    if (m[2] === '<' ? n > limit : n >= limit) chosen = m[3]!;
  }
  return chosen;
}

/** Keycloak's linkExpirationFormatter: whole days, hours or minutes with the language's unit word. */
function expiry(minutes: number, msg: (key: string) => string | undefined): string {
  const [n, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, 'days']
      : minutes % 60 === 0
        ? [minutes / 60, 'hours']
        : [minutes, 'minutes'];
  const word = msg(`linkExpirationFormatter.timePeriodUnit.${unit}`);
  return word === undefined ? `${n} ${unit}` : `${n} ${formatMessage(word, [String(n)])}`;
}

function csv(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function main(): void {
  const theme = args.theme as string;
  const out = args.out as string;
  const locales =
    readFileSync(join(theme, 'theme.properties'), 'utf8')
      .match(/^locales=(.*)$/m)?.[1]
      ?.split(',') ?? [];
  const files = new Set(readdirSync(join(theme, 'messages')));
  mkdirSync(join(out, 'text'), { recursive: true });
  const rows = ['file,source_repo,commit,path,licence,kind,language,bytes,sha256,role,format'];
  for (const lang of locales) {
    const file = `messages_${lang.replace('-', '_')}.properties`;
    if (!files.has(file)) continue;
    const messages = readProperties(join(theme, 'messages', file));
    const msg = (key: string): string | undefined => messages.get(key);
    for (const t of TEMPLATES) {
      // Keycloak falls back to English for an untranslated key: that mail is the English one, kept once.
      const html = msg(t.html);
      if (html === undefined || (lang !== 'en' && !messages.has(t.subject))) continue;
      const fill = fillFor(t.name, lang);
      const values = t.args(fill, expiry(fill.expMinutes, msg), msg);
      const dir = lang === 'fa' || lang === 'ar' ? 'rtl' : 'ltr';
      const body = `<html lang="${lang.split('-')[0]}" dir="${dir}">\n<body>\n${formatMessage(html, values)}\n</body>\n</html>\n`;
      // One folder per language: the export splits `html-bodies` by folder, so a language is unseen in test.
      const name = `keycloak-${lang}/${t.name}.rendered.html`;
      mkdirSync(join(out, 'html', `keycloak-${lang}`), { recursive: true });
      writeFileSync(join(out, 'html', name), body);
      const bytes = Buffer.byteLength(body);
      const sha = createHash('sha256').update(body).digest('hex');
      rows.push(
        [
          name,
          csv(args.origin as string),
          '',
          `theme/base/email/html/${t.name}.ftl`,
          'Apache-2.0',
          t.kind,
          lang,
          String(bytes),
          sha,
          'rendered',
          'html',
        ].join(','),
      );
      const text = msg(t.text);
      const subject = msg(t.subject);
      if (text === undefined || subject === undefined) continue;
      const subjectLine = formatMessage(subject, [t.name === 'identity-provider-link' ? fill.idp : fill.org]);
      const eml = `Subject: =?utf-8?B?${Buffer.from(subjectLine).toString('base64')}?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${formatMessage(text, values).replace(/\r?\n/g, '\r\n')}\r\n`;
      writeFileSync(join(out, 'text', `${t.name}.${lang}.eml`), eml);
    }
  }
  writeFileSync(join(out, 'manifest.csv'), `${rows.join('\n')}\n`);
}

main();
