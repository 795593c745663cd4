/**
 * Collects the indicators of every parsed message (headers, plain text, HTML links and text, HTML
 * attachments), de-duplicated by kind and value, each with every place it was found, and the HTML
 * facts the scoring model reads: lying links, hidden text, forms.
 *
 * Two lists come out. `indicators` is what the message model's features read, exactly as the
 * committed email versions learned it (their golden rows pin it). `reported` is what the message is
 * answered with: the same, except that a mail gateway's wrapper (unwrap.ts) stands for the link it
 * wraps, as the URL pipeline scores it. The wrapper is still the URL sent (the pipeline answers it as
 * its target, with WRAPPED_LINK), but the domain reported with it is the target's host, not the
 * gateway's (the recipient's own organisation put the gateway there; it still is reported when the
 * message names it on its own), and a URL the text scanner finds inside a wrapper's text (a
 * Proofpoint v3 link writes its target in clear: `.../v3/__https://x/__;Iw!!...$`) is a piece of that
 * one link, not another.
 */
import { getDomain } from 'tldts';
import { canonicalizeUrl } from '../url/canonicalize';
import { refang } from '../url/defang';
import { unwrapUrl } from '../url/unwrap';
import { type HtmlWalk, walkHtml } from './html-walk';
import type { MessageExtras } from './parse-message';
import { hostHit, scanText, type TextHit, urlCandidate } from './text-scan';
import type {
  EmailAddress,
  EmailIndicatorKind,
  ExtractedIndicator,
  FoundIn,
  HiddenText,
  LinkMismatch,
  ParsedMessage,
} from './types';

/** HTML bodies (and HTML attachments) longer than this are analysed up to this length only. */
const MAX_HTML_CHARS = 5 * 1024 * 1024;
const MAX_MISMATCHES = 50;
const MAX_LINK_CHARS = 16 * 1024;

export interface HtmlSource {
  messageIndex: number;
  html: string;
  /** `html` for a body; `attachment:html` for an HTML attachment. */
  origin: 'body' | 'attachment';
}

export interface Extraction {
  /** What the message model's features read (unchanged by unwrapping). */
  indicators: ExtractedIndicator[];
  /** What the message is answered with: wrapped links reported by their targets' hosts. */
  reported: ExtractedIndicator[];
  linkMismatches: LinkMismatch[];
  hiddenText: HiddenText[];
  forms: number;
  warnings: string[];
}

class Collector {
  private readonly byKey = new Map<string, ExtractedIndicator>();
  dropped = 0;

  constructor(private readonly max: number) {}

  add(kind: EmailIndicatorKind, value: string, foundIn: FoundIn): void {
    const key = `${kind}\u0000${value}`;
    const existing = this.byKey.get(key);
    if (existing) {
      if (!existing.foundIn.includes(foundIn)) existing.foundIn.push(foundIn);
    } else if (this.byKey.size < this.max) {
      this.byKey.set(key, { kind, value, foundIn: [foundIn] });
    } else {
      this.dropped++;
    }
  }

  addHits(hits: TextHit[], foundIn: FoundIn): void {
    for (const hit of hits) this.add(hit.kind, hit.value, foundIn);
  }

  list(): ExtractedIndicator[] {
    return [...this.byKey.values()];
  }
}

/**
 * What a gateway's wrapper stands for: the host of the link unwrapUrl() takes it to (none when that
 * host is no indicator, a single label), or undefined when `url` is no wrapper or its target cannot be
 * read (then the wrapper is scored as itself, and its host is the one to report).
 */
function wrappedHost(url: string): { host: TextHit | undefined } | undefined {
  const c = canonicalizeUrl(url);
  if (!c.ok) return undefined;
  const u = unwrapUrl(url, c.value);
  if (u === c.value || (u.wrapping?.layers.length ?? 0) === 0) return undefined;
  return { host: hostHit(u.host.replace(/^\[|\]$/g, '')) };
}

/**
 * Hits as reported: a wrapper's host hit (scanText puts a URL's host right after it) becomes its
 * target's, and URL hits inside the wrapper's text go with their host hits.
 */
function reportedHits(hits: TextHit[]): TextHit[] {
  const out: TextHit[] = [];
  let wrapper: string | undefined;
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i] as TextHit;
    if (hit.kind !== 'url') {
      out.push(hit);
      continue;
    }
    if (wrapper !== undefined && hit.value !== wrapper && wrapper.includes(hit.value)) {
      i++;
      continue;
    }
    const target = wrappedHost(hit.value);
    wrapper = target === undefined ? undefined : hit.value;
    out.push(hit);
    if (target !== undefined) {
      if (target.host !== undefined) out.push(target.host);
      i++;
    }
  }
  return out;
}

/** The two lists (see the file's comment), each de-duplicated and bounded on its own. */
class Collectors {
  readonly features: Collector;
  readonly reported: Collector;

  constructor(max: number) {
    this.features = new Collector(max);
    this.reported = new Collector(max);
  }

  add(kind: EmailIndicatorKind, value: string, foundIn: FoundIn): void {
    this.features.add(kind, value, foundIn);
    this.reported.add(kind, value, foundIn);
  }

  addHits(hits: TextHit[], foundIn: FoundIn): void {
    this.features.addHits(hits, foundIn);
    this.reported.addHits(hits.some((h) => h.kind === 'url') ? reportedHits(hits) : hits, foundIn);
  }
}

function addMailboxes(collector: Collectors, mailboxes: EmailAddress[], foundIn: FoundIn): void {
  for (const mailbox of mailboxes) {
    if (mailbox.address) collector.addHits(scanText(mailbox.address), foundIn);
  }
}

function addHeaders(collector: Collectors, message: ParsedMessage, extras: MessageExtras): void {
  addMailboxes(collector, message.from ? [message.from] : [], 'header:from');
  addMailboxes(collector, message.replyTo, 'header:reply-to');
  addMailboxes(collector, extras.sender, 'header:sender');
  addMailboxes(collector, message.to, 'header:to');
  addMailboxes(collector, message.cc, 'header:cc');
  if (message.returnPath) collector.addHits(scanText(message.returnPath), 'header:return-path');
  for (const hop of message.received) if (hop.fromIp) collector.add('ip', hop.fromIp, 'header:received');
  for (const ip of extras.originatingIps) collector.add('ip', ip, 'header:x-originating-ip');
}

/** A link attribute as indicators: URLs keep their written (re-fanged) form; mailto: gives the address. */
function addLink(collector: Collectors, value: string, foundIn: FoundIn): void {
  // data: URIs (inline images, often megabytes) and absurdly long values carry no host to report.
  if (value.length > MAX_LINK_CHARS || /^\s*data:/i.test(value)) return;
  const link = refang(value.replace(/[\r\n\t]+/g, ''));
  if (/^mailto:/i.test(link)) {
    collector.addHits(scanText(link.slice(0, 2048)), foundIn);
    return;
  }
  const url = urlCandidate(link);
  if (!url) return;
  collector.add('url', link, foundIn);
  const host = hostHit(url.hostname);
  if (host) collector.features.add(host.kind, host.value, foundIn);
  const wrapped = wrappedHost(link);
  const reported = wrapped === undefined ? host : wrapped.host;
  if (reported) collector.reported.add(reported.kind, reported.value, foundIn);
}

/** The registrable domain (or IP) a piece of link text names, when it names one. */
function textTarget(text: string): string | undefined {
  for (const hit of scanText(text)) {
    if (hit.kind === 'domain') return getDomain(hit.value) ?? hit.value;
    if (hit.kind === 'ip') return hit.value;
  }
  return undefined;
}

function mismatches(walk: HtmlWalk, messageIndex: number): LinkMismatch[] {
  const out: LinkMismatch[] = [];
  for (const anchor of walk.anchors) {
    if (out.length >= MAX_MISMATCHES) break;
    const textDomain = anchor.text && textTarget(anchor.text);
    const url = textDomain ? urlCandidate(refang(anchor.href)) : undefined;
    if (!textDomain || !url) continue;
    const host = hostHit(url.hostname);
    const hrefDomain = host?.kind === 'domain' ? (getDomain(host.value) ?? host.value) : host?.value;
    if (hrefDomain && hrefDomain !== textDomain) {
      out.push({ messageIndex, text: anchor.text.slice(0, 200), href: anchor.href, textDomain, hrefDomain });
    }
  }
  return out;
}

/** Every indicator and HTML fact of the given messages (parallel arrays `messages`/`extras`). */
export function extractIndicators(
  messages: ParsedMessage[],
  extras: MessageExtras[],
  htmlAttachments: HtmlSource[],
  maxIndicators: number,
): Extraction {
  const collector = new Collectors(maxIndicators);
  const extraction: Extraction = {
    indicators: [],
    reported: [],
    linkMismatches: [],
    hiddenText: [],
    forms: 0,
    warnings: [],
  };
  const sources: HtmlSource[] = [];
  messages.forEach((message, index) => {
    addHeaders(collector, message, extras[index] ?? { sender: [], originatingIps: [] });
    if (message.htmlBody) sources.push({ messageIndex: index, html: message.htmlBody, origin: 'body' });
  });
  for (const message of messages) collector.addHits(scanText(message.textBody), 'text');
  for (const source of [...sources, ...htmlAttachments]) {
    let html = source.html;
    if (html.length > MAX_HTML_CHARS) {
      extraction.warnings.push(
        `message ${source.messageIndex}: HTML ${source.origin} longer than ${MAX_HTML_CHARS} characters; analysed in part`,
      );
      html = html.slice(0, MAX_HTML_CHARS);
    }
    const walk = walkHtml(html);
    if (walk.truncated) extraction.warnings.push(`message ${source.messageIndex}: ${walk.truncated}`);
    const attachment = source.origin === 'attachment';
    for (const link of walk.links) addLink(collector, link.value, attachment ? 'attachment:html' : link.foundIn);
    collector.addHits(scanText(walk.visibleText), attachment ? 'attachment:html' : 'html:text');
    collector.addHits(scanText(walk.hiddenText), attachment ? 'attachment:html' : 'html:hidden-text');
    extraction.linkMismatches.push(...mismatches(walk, source.messageIndex));
    for (const [reason, characters] of walk.hiddenCharacters)
      extraction.hiddenText.push({ messageIndex: source.messageIndex, reason, characters });
    extraction.forms += walk.forms;
  }
  const dropped = collector.reported.dropped;
  if (dropped > 0) extraction.warnings.push(`more than ${maxIndicators} indicators; ${dropped} not reported`);
  extraction.indicators = collector.features.list();
  extraction.reported = collector.reported.list();
  return extraction;
}
