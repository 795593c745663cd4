/**
 * Turns raw RFC 5322 bytes into one ParsedMessage per message: the top-level one and every
 * `message/rfc822` part inside it (forwarded-as-attachment chains), depth-first, down to a depth
 * limit. mailparser's `simpleParser` does the MIME work; `ignoreEmbedded` makes it hand every
 * embedded message back as an attachment so each message is parsed, and attributed, on its own.
 * Headers mailparser rewrites (an unparseable Date becomes "now") are read from the raw lines.
 */
import {
  type AddressObject,
  type Attachment,
  type EmailAddress as MailboxEntry,
  type ParsedMail,
  simpleParser,
} from 'mailparser';
import { itemError } from '../../errors';
import { fail, ok, type Parsed } from '../types';
import { parseAuthenticationResults } from './auth-results';
import { ipLiteral } from './ip-literal';
import { parseReceived } from './received';
import type { EmailAddress, ParsedMessage } from './types';

/** An attachment still holding its bytes, for attachments.ts to sniff and hash. */
export interface RawAttachment {
  messageIndex: number;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** Header values extraction reads that ParsedMessage does not carry. */
export interface MessageExtras {
  sender: EmailAddress[];
  originatingIps: string[];
}

export interface MessageTree {
  messages: ParsedMessage[];
  extras: MessageExtras[];
  attachments: RawAttachment[];
  warnings: string[];
  depthLimitHits: number;
  /** The parser limit the message hit, when it was read as plain text instead (see plainTextFallback). */
  limitHit?: string | undefined;
}

/** A limit found outside the parser (time): read as plain text, as for the parser's own limits. */
class ParserLimit extends Error {}

/** mailsplit's errors for its resource limits (parts per message, header bytes per part). */
const LIMIT_ERRORS = /Max allowed child nodes exceeded|Max header size/;
/** What the plain-text reading keeps: headers up to here (whole lines), then the body up to here. */
const FALLBACK_HEADER_BYTES = 256 * 1024;
const FALLBACK_BODY_BYTES = 2 * 1024 * 1024;
/** Headers that describe the MIME structure the plain-text reading replaces. */
const STRUCTURE_HEADER = /^(content-type|content-transfer-encoding)\s*:/i;

/**
 * A message padded past the parser's limits (thousands of parts, a megabyte of headers, deep nesting)
 * must not escape scoring by being unparseable: it is read again as a plain-text message made of its
 * first header lines and the start of its body, so its sender, subject and visible links are still
 * scored; the structure and attachments are not read, and the limit is reported.
 */
function plainTextFallback(raw: Buffer): Buffer {
  let split = raw.indexOf('\r\n\r\n');
  let gap = 4;
  const lf = raw.indexOf('\n\n');
  if (split < 0 || (lf >= 0 && lf < split)) {
    split = lf;
    gap = 2;
  }
  const head = (split < 0 ? raw : raw.subarray(0, split)).subarray(0, FALLBACK_HEADER_BYTES).toString('latin1');
  const body = split < 0 ? Buffer.alloc(0) : raw.subarray(split + gap, split + gap + FALLBACK_BODY_BYTES);
  // Whole header fields only, without the ones that declared the structure.
  const lines = head.split(/\r?\n/);
  if (split < 0 || head.length === FALLBACK_HEADER_BYTES) lines.pop();
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (!continuation) skipping = STRUCTURE_HEADER.test(line);
    if (!skipping) kept.push(line);
  }
  return Buffer.concat([
    Buffer.from(`${kept.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`, 'latin1'),
    body,
  ]);
}

/** Most messages (top-level plus embedded) parsed out of one raw message. */
const MAX_MESSAGES = 100;
/** Received hops and Authentication-Results verdicts kept per message (real mail has a dozen at most). */
const MAX_HEADER_ENTRIES = 100;

const PARSER_OPTIONS = {
  ignoreEmbedded: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false,
} as const;

/** Attached messages: RFC 822 and its internationalised form (RFC 6532). */
const EMBEDDED_TYPES = new Set(['message/rfc822', 'message/global']);

/** Header names of which at least one must be present for bytes to count as a message. */
const MESSAGE_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'received',
  'return-path',
  'mime-version',
  'content-type',
  'reply-to',
  'sender',
  'delivered-to',
  'x-mailer',
  'dkim-signature',
  'authentication-results',
]);

function mailboxes(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const out: EmailAddress[] = [];
  const visit = (entry: MailboxEntry): void => {
    if (entry.group) for (const member of entry.group) visit(member);
    else out.push({ name: entry.name ?? '', address: entry.address ?? '' });
  };
  for (const object of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
    for (const entry of object.value) visit(entry);
  }
  return out;
}

/** Raw value of every header line named `key`, without the name and with folding removed. */
function rawValues(mail: ParsedMail, key: string): string[] {
  const values: string[] = [];
  for (const line of mail.headerLines ?? []) {
    if (line.key !== key) continue;
    const colon = line.line.indexOf(':');
    values.push(
      line.line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]*/g, ' ')
        .trim(),
    );
  }
  return values;
}

function headerDate(mail: ParsedMail): Date | undefined {
  const raw = rawValues(mail, 'date')[0];
  if (raw === undefined || raw.length > 200) return undefined;
  const date = new Date(raw.replace(/\([^()]*\)/g, '').trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function looksLikeMessage(mail: ParsedMail): boolean {
  return (mail.headerLines ?? []).some((line) => MESSAGE_HEADERS.has(line.key));
}

function toParsedMessage(mail: ParsedMail, depth: number): ParsedMessage {
  const returnPath = mail.headers.get('return-path') as AddressObject | AddressObject[] | undefined;
  return {
    depth,
    from: mailboxes(mail.from)[0],
    to: mailboxes(mail.to),
    cc: mailboxes(mail.cc),
    replyTo: mailboxes(mail.replyTo),
    returnPath: mailboxes(returnPath)[0]?.address ?? '',
    subject: mail.subject ?? '',
    date: headerDate(mail),
    messageId: (mail.messageId ?? '').replace(/^<|>$/g, ''),
    received: rawValues(mail, 'received').slice(0, MAX_HEADER_ENTRIES).map(parseReceived),
    authenticationResults: rawValues(mail, 'authentication-results')
      .slice(0, MAX_HEADER_ENTRIES)
      .flatMap(parseAuthenticationResults)
      .slice(0, MAX_HEADER_ENTRIES),
    textBody: mail.text ?? '',
    htmlBody: mail.html || '',
  };
}

function extrasOf(mail: ParsedMail): MessageExtras {
  const originatingIps: string[] = [];
  for (const key of ['x-originating-ip', 'x-sender-ip']) {
    for (const value of rawValues(mail, key)) {
      const ip = ipLiteral(value);
      if (ip) originatingIps.push(ip);
    }
  }
  return { sender: mailboxes(mail.headers.get('sender') as AddressObject | undefined), originatingIps };
}

/**
 * The Content-Type the part declared; mailparser's contentType swaps octet-stream for a guess from the
 * file name. A part cut off inside its header may have neither (found by fuzzing: a TypeError later).
 */
function declaredType(attachment: Attachment): string {
  const header = attachment.headers.get('content-type');
  const value = header && typeof header === 'object' && 'value' in header ? header.value : undefined;
  if (typeof value === 'string' && value !== '') return value.toLowerCase();
  return typeof attachment.contentType === 'string' && attachment.contentType !== ''
    ? attachment.contentType
    : 'application/octet-stream';
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 160 ? `${message.slice(0, 160)}...` : message;
}

/**
 * Parses `raw` and every message attached inside it, depth-first, at most `maxDepth` levels down.
 * With `plainTextBecause` (an earlier parse ran out of time) it reads the plain-text fallback only.
 */
export async function parseMessageTree(
  raw: Buffer,
  maxDepth: number,
  plainTextBecause?: string,
): Promise<Parsed<MessageTree>> {
  const tree: MessageTree = { messages: [], extras: [], attachments: [], warnings: [], depthLimitHits: 0 };
  let top: ParsedMail;
  try {
    if (plainTextBecause !== undefined) throw new ParserLimit(plainTextBecause);
    top = await simpleParser(raw, PARSER_OPTIONS);
  } catch (err) {
    if (!(err instanceof ParserLimit) && !LIMIT_ERRORS.test(describe(err)))
      return fail(itemError('INVALID_EMAIL_MESSAGE', `the message could not be parsed: ${describe(err)}`));
    tree.limitHit = describe(err);
    tree.warnings.push(
      `the message hit a parser limit (${tree.limitHit}): read as plain text from its first headers and body; its structure and attachments were not read`,
    );
    try {
      top = await simpleParser(plainTextFallback(raw), PARSER_OPTIONS);
    } catch (again) {
      return fail(itemError('INVALID_EMAIL_MESSAGE', `the message could not be parsed: ${describe(again)}`));
    }
  }
  if (!looksLikeMessage(top)) {
    return fail(itemError('INVALID_EMAIL_MESSAGE', 'the bytes do not start with an RFC 5322 header section'));
  }
  await visit(top, 0, tree, maxDepth);
  return ok(tree);
}

async function visit(mail: ParsedMail, depth: number, tree: MessageTree, maxDepth: number): Promise<void> {
  const index = tree.messages.length;
  tree.messages.push(toParsedMessage(mail, depth));
  tree.extras.push(extrasOf(mail));
  for (const attachment of mail.attachments) {
    if (
      EMBEDDED_TYPES.has(attachment.contentType) &&
      (await visitEmbedded(attachment, index, depth + 1, tree, maxDepth))
    )
      continue;
    tree.attachments.push({
      messageIndex: index,
      filename: attachment.filename ?? '',
      contentType: declaredType(attachment),
      content: attachment.content,
    });
  }
}

/** Parses an attached message as its own message; false keeps it as a plain attachment instead. */
async function visitEmbedded(
  attachment: Attachment,
  parent: number,
  depth: number,
  tree: MessageTree,
  maxDepth: number,
): Promise<boolean> {
  if (depth > maxDepth) {
    tree.depthLimitHits++;
    tree.warnings.push(`message ${parent}: attached message not parsed, nesting deeper than ${maxDepth}`);
    return false;
  }
  if (tree.messages.length >= MAX_MESSAGES) {
    tree.warnings.push(`message ${parent}: attached message not parsed, more than ${MAX_MESSAGES} messages`);
    return false;
  }
  let mail: ParsedMail;
  try {
    mail = await simpleParser(attachment.content, PARSER_OPTIONS);
  } catch (err) {
    tree.warnings.push(`message ${parent}: attached message could not be parsed: ${describe(err)}`);
    return false;
  }
  if (!looksLikeMessage(mail)) {
    tree.warnings.push(`message ${parent}: attachment declared ${attachment.contentType} has no message header`);
    return false;
  }
  await visit(mail, depth, tree, maxDepth);
  return true;
}
