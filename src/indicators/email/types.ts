/**
 * Shapes of a parsed email, mirroring `proto/threatpredict/v1/email.proto` as plain interfaces so the
 * parsing code (and the worker that runs it) needs no gRPC import. Field names are the camelCase of
 * the proto fields; proto Timestamps are `Date | undefined`.
 */
import type { IndicatorKind } from '../types';

/** EmailAddress: a mailbox as written in a header. */
export interface EmailAddress {
  /** Display name, RFC 2047 decoded; '' when none. */
  name: string;
  /** The address; '' when the header held only a name or a group label. */
  address: string;
}

/** ReceivedHop: one Received header, newest first as in the message. */
export interface ReceivedHop {
  fromHost: string;
  fromIp: string;
  byHost: string;
  time: Date | undefined;
}

/** AuthenticationResult: one method's verdict from an Authentication-Results header. */
export interface AuthenticationResult {
  method: string;
  result: string;
  detail: string;
}

/** ParsedMessage: the top-level message (depth 0) or one attached inside it. */
export interface ParsedMessage {
  depth: number;
  from: EmailAddress | undefined;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress[];
  returnPath: string;
  subject: string;
  date: Date | undefined;
  messageId: string;
  received: ReceivedHop[];
  authenticationResults: AuthenticationResult[];
  textBody: string;
  htmlBody: string;
}

/** Attachment: facts about one attachment (proto fields), plus what an archive lists inside it. */
export interface EmailAttachment {
  messageIndex: number;
  filename: string;
  declaredContentType: string;
  sniffedContentType: string;
  size: number;
  sha256: string;
  executable: boolean;
  macroEnabled: boolean;
  archive: boolean;
  doubleExtension: boolean;
  html: boolean;
  /** Names listed in a ZIP central directory (first 200); empty for other types. Not in the proto. */
  archiveEntries: string[];
  /** The archive lists an executable or script by name (e.g. `setup.exe` in a zip). Not in the proto. */
  archiveHasExecutable: boolean;
}

/**
 * Where an indicator was found: `text`, `html:href`, `html:src`, `html:form-action`, `html:text`,
 * `html:hidden-text`, `attachment:html`, `header:<name>` (from, reply-to, to, cc, sender, return-path,
 * received, x-originating-ip).
 */
export type FoundIn = string;

/** The indicator kinds extraction produces. */
export type EmailIndicatorKind = Extract<IndicatorKind, 'url' | 'domain' | 'ip' | 'email_address' | 'crypto_wallet'>;

/** One extracted indicator, raw (not scored, not normalised beyond re-fanging), de-duplicated by kind + value. */
export interface ExtractedIndicator {
  kind: EmailIndicatorKind;
  value: string;
  foundIn: FoundIn[];
}

/** An `<a>` whose visible text names a URL or domain on another registrable domain than its href. */
export interface LinkMismatch {
  messageIndex: number;
  /** The visible text, trimmed, at most 200 characters. */
  text: string;
  href: string;
  textDomain: string;
  hrefDomain: string;
}

export type HiddenTextReason =
  | 'display-none'
  | 'visibility-hidden'
  | 'font-size-zero'
  | 'opacity-zero'
  | 'same-color-as-background';

/** Text present in the HTML but styled so a reader does not see it. */
export interface HiddenText {
  messageIndex: number;
  reason: HiddenTextReason;
  /** Characters of non-white-space text hidden this way in the message. */
  characters: number;
}

/** Facts about the message as a whole that the scoring model reads. */
export interface EmailFacts {
  /** The top-level message has an HTML body and no plain-text body. */
  htmlOnly: boolean;
  linkMismatches: LinkMismatch[];
  hiddenText: HiddenText[];
  /** `<form>` elements in any HTML body (forms in mail are a phishing tell). */
  forms: number;
  /** Embedded messages not parsed because of the depth limit. */
  depthLimitHits: number;
  /**
   * The parser limit the message hit (thousands of parts, a megabyte of headers), when it was read as
   * plain text from its start instead; absent when it parsed within the limits.
   */
  parseLimit?: string | undefined;
}

/** Everything parsing and extraction learn from one raw message. */
export interface ParsedEmail {
  /** Top-level message first, then attached messages depth-first. */
  messages: ParsedMessage[];
  /**
   * The indicators as extracted, what the message model's features read (committed email versions
   * learned this list; unwrapping gateways' links does not change it).
   */
  indicators: ExtractedIndicator[];
  /**
   * The indicators the message is scored and answered with: `indicators`, except that a gateway's
   * wrapped link is reported with its target's host instead of the gateway's, and a URL found inside a
   * wrapper's text (Proofpoint v3) is not reported apart (extract.ts).
   */
  reported: ExtractedIndicator[];
  attachments: EmailAttachment[];
  warnings: string[];
  facts: EmailFacts;
}

/** Bounds against hostile input. */
export interface EmailLimits {
  /** Largest raw message accepted, in bytes. */
  maxBytes: number;
  /** Deepest `message/rfc822` nesting parsed; 0 parses only the top-level message. */
  maxDepth: number;
  /** Longest a parse may run in the worker pool before the worker is replaced. */
  timeoutMs: number;
  /** Most indicators returned; extraction stops adding new ones past this. */
  maxIndicators: number;
}

export const DEFAULT_EMAIL_LIMITS: Readonly<EmailLimits> = Object.freeze({
  maxBytes: 25 * 1024 * 1024,
  maxDepth: 5,
  timeoutMs: 5000,
  maxIndicators: 2000,
});
