/**
 * A benign source of real deep URLs (not homepages) read from packaging metadata a Debian machine
 * already has: the Homepage fields of the apt package index, the Url blocks of its AppStream (dep11)
 * catalogue, URLs in /usr/share/doc copyright files and changelogs, npm package.json homepage, bugs and
 * repository fields, and Python dist-info METADATA Home-page / Project-URL lines. The URL model's
 * benign training URLs are nearly all homepages apart from the 2018 search results of pdd, so without
 * pdd a deep path was never benign; these are the links a developer's or sysadmin's traffic is made of.
 *
 * Such lists are heavy in forges (github.com, salsa.debian.org) and documentation sites, so each URL
 * gets a `kind` (reported separately, never mixed) and the list is capped per registrable domain.
 *
 * Pure text in, rows out: scripts/url/extract-deep-urls.ts reads the files and writes the rows.
 */
import { type CanonicalUrl, canonicalizeUrl } from '../indicators/url/canonicalize';
import { stableUnit } from './sources';

export interface DeepUrl {
  /** The canonical URL (serving canonicaliser). */
  url: string;
  /** What kind of page it is (see kindOf). */
  kind: UrlKind;
  /** Where it was read: `debian-homepage`, `dep11-bugtracker`, `doc-copyright`, `npm-repository`, ... */
  origin: string;
  /** The package (or file) it came from, to trace a row back. */
  from: string;
}

export type UrlKind =
  | 'forge-hosted'
  | 'forge-self-hosted'
  | 'bug-tracker'
  | 'docs'
  | 'licence'
  | 'mailing-list'
  | 'download'
  | 'homepage'
  | 'other-deep';

/** A URL as found, before cleaning: its text, where it was read and from which package. */
export interface FoundUrl {
  text: string;
  origin: string;
  from: string;
}

/** Why a found string was dropped. */
export type DropReason =
  | 'unparsable'
  | 'not_web'
  | 'ip_or_single_label'
  | 'placeholder'
  | 'user_info'
  | 'reserved_name';

const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s<>"'`()[\]{}|\\^]+/gi;

/** URLs written in free text (copyright files, changelogs), without the punctuation that ends a sentence. */
export function urlsInText(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(/[.,;:!?*]+$/, ''));
}

/** Homepage fields of Packages indexes (deb822), one row per package (the first index wins). */
export function debianHomepageUrls(indexes: readonly string[]): FoundUrl[] {
  const out: FoundUrl[] = [];
  const seen = new Set<string>();
  for (const text of indexes)
    for (const para of text.split(/\n\s*\n/)) {
      const pkg = /^Package:\s*(\S+)/m.exec(para)?.[1];
      if (pkg === undefined || seen.has(pkg)) continue;
      seen.add(pkg);
      const homepage = /^Homepage:\s*(\S+)/m.exec(para)?.[1];
      if (homepage !== undefined) out.push({ text: homepage, origin: 'debian-homepage', from: pkg });
    }
  return out;
}

/** The `Url:` blocks of an AppStream (dep11) YAML catalogue: homepage, bugtracker, help, donation, ... */
export function dep11Urls(yaml: string): FoundUrl[] {
  const out: FoundUrl[] = [];
  for (const doc of yaml.split(/^---$/m)) {
    const pkg = /^Package:\s*(\S+)/m.exec(doc)?.[1] ?? '';
    const block = /^Url:\n((?:[ \t]+\S.*\n?)+)/m.exec(doc)?.[1];
    if (block === undefined) continue;
    for (const m of block.matchAll(/^[ \t]+([a-z-]+):\s*(\S+)/gm))
      out.push({ text: m[2]!, origin: `dep11-${m[1]}`, from: pkg });
  }
  return out;
}

/** homepage, bugs and repository of an npm package.json (strings or { url }); git+ and .git undone. */
export function packageJsonUrls(json: string, from: string): FoundUrl[] {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return [];
  }
  const urlOf = (v: unknown): string | undefined =>
    typeof v === 'string'
      ? v
      : typeof v === 'object' && v !== null && typeof (v as { url?: unknown }).url === 'string'
        ? (v as { url: string }).url
        : undefined;
  const name = typeof pkg.name === 'string' ? pkg.name : from;
  const out: FoundUrl[] = [];
  for (const field of ['homepage', 'bugs', 'repository'] as const) {
    let u = urlOf(pkg[field]);
    if (u === undefined) continue;
    // A repository is written as a git remote; the browser link is the https form without `.git`.
    if (field === 'repository')
      u = u
        .replace(/^git\+/, '')
        .replace(/^git:\/\//, 'https://')
        .replace(/\.git$/, '');
    out.push({ text: u, origin: `npm-${field}`, from: name });
  }
  return out;
}

/** Home-page, Download-URL and Project-URL lines of a Python METADATA / PKG-INFO file (headers only). */
export function pythonMetadataUrls(metadata: string, from: string): FoundUrl[] {
  const head = metadata.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const name = /^Name:\s*(\S+)/m.exec(head)?.[1] ?? from;
  const out: FoundUrl[] = [];
  for (const m of head.matchAll(/^(Home-page|Download-URL):\s*(\S+)/gm))
    out.push({ text: m[2]!, origin: `python-${m[1]!.toLowerCase()}`, from: name });
  for (const m of head.matchAll(/^Project-URL:\s*[^,\n]*,\s*(\S+)/gm))
    out.push({ text: m[1]!, origin: 'python-project-url', from: name });
  return out;
}

/** Hosts and paths of the big hosted forges (anyone's project, one registrable domain). */
const HOSTED_FORGES = new Set([
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'codeberg.org',
  'sourceforge.net',
  'launchpad.net',
  'sr.ht',
  'savannah.gnu.org',
  'savannah.nongnu.org',
  'salsa.debian.org',
  'pagure.io',
  'gitee.com',
]);
const SELF_HOSTED_FORGE_HOST = /^(?:git|gitlab|gitea|forgejo|cgit|gitweb|code|src|hg|svn|forge|scm|repo|anongit)\./;
const LICENCE_HOSTS = new Set(['creativecommons.org', 'opensource.org', 'spdx.org']);

/**
 * The kind of page a URL is, in order: licence text, hosted forge, self-hosted forge (`git.x.org`,
 * `gitlab.x.org`, `/cgit/`), bug tracker, mailing list, docs, download, homepage (path `/` and no
 * query), else other-deep.
 */
export function kindOf(u: CanonicalUrl): UrlKind {
  const host = u.host;
  const regdom = u.domain?.registrableDomain ?? host;
  const path = u.path.toLowerCase();
  // The labels left of the registrable domain; under a private suffix (freedesktop.org) the
  // registrable domain is the whole host, and its first label says what the site is.
  const sub =
    u.domain?.privateSuffix && host === regdom ? `${host}.` : host.slice(0, Math.max(0, host.length - regdom.length));
  if (LICENCE_HOSTS.has(regdom) || /^\/licen[cs]es?\//.test(path)) return 'licence';
  if (HOSTED_FORGES.has(regdom) || HOSTED_FORGES.has(host)) return 'forge-hosted';
  if (SELF_HOSTED_FORGE_HOST.test(sub) || /\/(?:cgit|gitweb|gitlab|gitea)(?:\/|$)|\.git$/.test(path))
    return 'forge-self-hosted';
  if (
    /^(?:bugs|bugzilla|issues|tracker)\./.test(sub) ||
    /\/(?:issues|bugs|bugzilla|tracker)(?:\/|$)|show_bug|enter_bug/.test(path)
  )
    return 'bug-tracker';
  if (/^(?:lists|mail|mailman)\./.test(sub) || /\/(?:mailman|pipermail|mailing-?lists?|archives?)(?:\/|$)/.test(path))
    return 'mailing-list';
  if (
    /^(?:docs?|wiki|manual|help|developer|api|man|userbase)\./.test(sub) ||
    /readthedocs|\.wiki$/.test(host) ||
    /\/(?:docs?|documentation|manual|wiki|help|guide|api|man|faq|tutorial)(?:\/|$|\.)/.test(path)
  )
    return 'docs';
  if (
    u.scheme === 'ftp' ||
    /^(?:ftp|download|downloads|dl|mirrors?)\./.test(sub) ||
    /\/(?:pub|download|downloads|releases|dist)(?:\/|$)/.test(path)
  )
    return 'download';
  if (path === '/' && u.query === '') return 'homepage';
  return 'other-deep';
}

/** Names that are examples or placeholders, never someone's site. */
const RESERVED = /(?:^|\.)(?:example\.(?:com|org|net)|localhost|invalid|test|local|lan|internal)$/;

/**
 * Cleans found URLs: canonicalised with the serving parser, deduplicated by canonical URL (the first
 * origin wins), and dropped when they are not a real public web address (IP literal, single label,
 * reserved name, `user@`, template placeholders such as `<user>` or `${name}`).
 */
export function cleanUrls(found: readonly FoundUrl[]): { rows: DeepUrl[]; dropped: Record<DropReason, number> } {
  const dropped: Record<DropReason, number> = {
    unparsable: 0,
    not_web: 0,
    ip_or_single_label: 0,
    placeholder: 0,
    user_info: 0,
    reserved_name: 0,
  };
  const byUrl = new Map<string, DeepUrl>();
  for (const f of found) {
    const text = f.text.trim();
    if (!/^(?:https?|ftp):\/\//i.test(text)) {
      dropped.not_web++;
      continue;
    }
    if (/[<>{}$%]\w|\bX{3,}\b|\.\.\.|\*/.test(text.replace(/%[0-9a-f]{2}/gi, ''))) {
      dropped.placeholder++;
      continue;
    }
    if (/^[a-z]+:\/\/[^/?#]*@/i.test(text)) {
      dropped.user_info++;
      continue;
    }
    const p = canonicalizeUrl(text);
    if (!p.ok) {
      dropped.unparsable++;
      continue;
    }
    const u = p.value;
    if (u.domain === undefined || u.domain.registrableDomain === '' || !u.host.includes('.')) {
      dropped.ip_or_single_label++;
      continue;
    }
    if (RESERVED.test(u.host)) {
      dropped.reserved_name++;
      continue;
    }
    if (!byUrl.has(u.url)) byUrl.set(u.url, { url: u.url, kind: kindOf(u), origin: f.origin, from: f.from });
  }
  return { rows: [...byUrl.values()], dropped };
}

/**
 * At most `cap` URLs per registrable domain (a seeded sample: the smallest hashes of `seed:url`), so
 * github.com and salsa.debian.org do not make up the list. Order of the input is kept.
 */
export function capPerRegistrableDomain(rows: readonly DeepUrl[], cap: number, seed = 'deep-url'): DeepUrl[] {
  const byDomain = new Map<string, { row: DeepUrl; k: number }[]>();
  for (const row of rows) {
    const p = canonicalizeUrl(row.url);
    const key = p.ok ? (p.value.domain?.registrableDomain ?? p.value.host) : row.url;
    const list = byDomain.get(key) ?? [];
    list.push({ row, k: stableUnit(`${seed}:${row.url}`) });
    byDomain.set(key, list);
  }
  const keep = new Set<DeepUrl>();
  for (const list of byDomain.values())
    for (const x of [...list].sort((a, b) => a.k - b.k).slice(0, cap)) keep.add(x.row);
  return rows.filter((r) => keep.has(r));
}
