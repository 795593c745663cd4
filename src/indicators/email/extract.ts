/**
 * Collects the indicators of every parsed message (headers, plain text, HTML links and text, HTML
 * attachments), de-duplicated by kind and value, each with every place it was found, and the HTML
 * facts the scoring model reads: lying links, hidden text, forms.
 */
import { getDomain } from 'tldts';
import { refang } from '../url/defang';
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
  indicators: ExtractedIndicator[];
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

function addMailboxes(collector: Collector, mailboxes: EmailAddress[], foundIn: FoundIn): void {
  for (const mailbox of mailboxes) {
    if (mailbox.address) collector.addHits(scanText(mailbox.address), foundIn);
  }
}

function addHeaders(collector: Collector, message: ParsedMessage, extras: MessageExtras): void {
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
function addLink(collector: Collector, value: string, foundIn: FoundIn): void {
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
  if (host) collector.add(host.kind, host.value, foundIn);
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
  const collector = new Collector(maxIndicators);
  const extraction: Extraction = { indicators: [], linkMismatches: [], hiddenText: [], forms: 0, warnings: [] };
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
  if (collector.dropped > 0)
    extraction.warnings.push(`more than ${maxIndicators} indicators; ${collector.dropped} not reported`);
  extraction.indicators = collector.list();
  return extraction;
}
