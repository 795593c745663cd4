/**
 * The in-process pipeline for one raw message: size check, MIME parse of the message and every
 * message attached inside it, attachment facts, indicator extraction. It has no time limit of its
 * own; the server runs it through parse-pool.ts, which does.
 */
import { itemError } from '../../errors';
import { fail, ok, type Parsed } from '../types';
import { describeAttachment } from './attachments';
import { extractIndicators, type HtmlSource } from './extract';
import { auditMime } from './mime-audit';
import { parseMessageTree } from './parse-message';
import { DEFAULT_EMAIL_LIMITS, type EmailLimits, type ParsedEmail } from './types';

/** HTML attachments up to this size are scanned for links like an HTML body. */
const MAX_HTML_ATTACHMENT = 5 * 1024 * 1024;

/**
 * Drops a UTF-8 byte-order mark and blank lines before the first header, which some exporters
 * write; left in place they turn the whole header section into body text.
 */
function withoutLeadingNoise(raw: Buffer): Buffer {
  let start = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  while (
    start < raw.length &&
    (raw[start] === 0x0d || raw[start] === 0x0a || raw[start] === 0x20 || raw[start] === 0x09)
  ) {
    start++;
  }
  return raw.subarray(start);
}

export async function parseEmail(
  raw: Buffer,
  limits: Partial<EmailLimits> = {},
  opts: { plainTextBecause?: string | undefined } = {},
): Promise<Parsed<ParsedEmail>> {
  const { maxBytes, maxDepth, maxIndicators } = { ...DEFAULT_EMAIL_LIMITS, ...limits };
  if (raw.length > maxBytes) {
    return fail(
      itemError('EMAIL_TOO_LARGE', `the message is ${raw.length} bytes; the maximum is ${maxBytes}`, {
        size: String(raw.length),
        max: String(maxBytes),
      }),
    );
  }
  const message = withoutLeadingNoise(raw);
  if (message.length === 0) return fail(itemError('INVALID_EMAIL_MESSAGE', 'the message is empty'));
  const tree = await parseMessageTree(message, maxDepth, opts.plainTextBecause);
  if (!tree.ok) return tree;
  const { messages, extras, warnings, depthLimitHits } = tree.value;
  const attachments = tree.value.attachments.map(describeAttachment);
  const htmlAttachments: HtmlSource[] = [];
  tree.value.attachments.forEach((attachment, index) => {
    if (attachments[index]?.html && attachment.content.length <= MAX_HTML_ATTACHMENT) {
      htmlAttachments.push({
        messageIndex: attachment.messageIndex,
        html: attachment.content.toString('utf8'),
        origin: 'attachment',
      });
    }
  });
  const extraction = extractIndicators(messages, extras, htmlAttachments, maxIndicators);
  const top = messages[0];
  return ok({
    messages,
    indicators: extraction.indicators,
    reported: extraction.reported,
    attachments,
    // A message read as plain text because its parse ran out of time is not walked again for the audit.
    warnings: [
      ...(opts.plainTextBecause === undefined ? await auditMime(message) : []),
      ...warnings,
      ...extraction.warnings,
    ],
    facts: {
      htmlOnly: top !== undefined && top.htmlBody !== '' && top.textBody.trim() === '',
      linkMismatches: extraction.linkMismatches,
      hiddenText: extraction.hiddenText,
      forms: extraction.forms,
      depthLimitHits,
      ...(tree.value.limitHit === undefined ? {} : { parseLimit: tree.value.limitHit }),
    },
  });
}
