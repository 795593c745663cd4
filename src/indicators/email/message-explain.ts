/**
 * Human reasons for a message score, from the message's signals. They name what a reader can check
 * (the Reply-To domain, the lookalike sender, the link whose text and target disagree), not weights.
 */
import type { Reason } from '../types';
import type { MessageSignals } from './message-signals';
import type { ParsedEmail } from './types';

const reason = (code: Reason['code'], message: string): Reason => ({ code, message, weight: 0 });

export function explainEmail(email: ParsedEmail, s: MessageSignals): Reason[] {
  const out: Reason[] = [];
  const top = email.messages[0];
  if (s.fromMissing) out.push(reason('SENDER_MISSING', 'the message has no usable From address'));
  if (s.nameDomainMismatch || s.nameHasAddress) {
    out.push(
      reason(
        'DISPLAY_NAME_SPOOF',
        `the display name "${(top?.from?.name ?? '').slice(0, 100)}" names another address or domain than the sender ${s.fromDomain}`,
      ),
    );
  }
  if (s.nameBrand !== undefined) {
    out.push(
      reason('DISPLAY_NAME_BRAND', `the display name names "${s.nameBrand}" but the sender domain is ${s.fromDomain}`),
    );
  }
  if (s.fromLookalikeBrand !== undefined) {
    out.push(
      reason('LOOKALIKE_SENDER', `the sender domain ${s.fromDomain} imitates the brand "${s.fromLookalikeBrand}"`),
    );
  }
  if (s.replyToMismatch) {
    const rt = (top?.replyTo ?? []).map((r) => r.address).join(', ');
    out.push(
      reason('REPLY_TO_MISMATCH', `replies go to ${rt.slice(0, 200)}, not to the sender domain ${s.fromDomain}`),
    );
  }
  if (s.fromFreemail)
    out.push(reason('FREEMAIL_SENDER', `the sender writes from a free mailbox provider (${s.fromDomain})`));
  if (s.linkMismatches > 0) {
    const m = email.facts.linkMismatches[0]!;
    out.push(
      reason(
        'LINK_TEXT_MISMATCH',
        `${s.linkMismatches} link(s) show one site and go to another (text ${m.textDomain}, target ${m.hrefDomain})`,
      ),
    );
  }
  if (s.lookalikeDomains.length > 0) {
    out.push(
      reason('LOOKALIKE_LINK', `links to domains that imitate brands: ${s.lookalikeDomains.slice(0, 5).join(', ')}`),
    );
  }
  if (s.ipUrls > 0) out.push(reason('IP_LITERAL_LINK', `${s.ipUrls} link(s) point to a bare IP address`));
  if (s.shortenerUrls > 0) out.push(reason('SHORTENED_LINK', `${s.shortenerUrls} link(s) go through a URL shortener`));
  if (s.hiddenChars > 0)
    out.push(reason('HIDDEN_TEXT', `${s.hiddenChars} characters of text are styled to be invisible`));
  if (s.forms > 0)
    out.push(reason('HTML_FORM', `the HTML holds ${s.forms} form(s), which can collect input in the mail itself`));
  if (email.facts.htmlOnly) out.push(reason('HTML_ONLY', 'the message has an HTML body and no plain-text alternative'));
  if (s.wallets > 0)
    out.push(reason('CRYPTO_WALLET', `the message names ${s.wallets} cryptocurrency wallet address(es)`));
  const risky = s.executable + s.macro + s.archiveExecutable + s.doubleExtension + s.htmlAttachment;
  if (risky > 0) {
    const kinds = [
      s.executable > 0 ? 'executable' : '',
      s.macro > 0 ? 'macro-enabled document' : '',
      s.archiveExecutable > 0 ? 'archive holding an executable' : '',
      s.doubleExtension > 0 ? 'double extension' : '',
      s.htmlAttachment > 0 ? 'HTML file' : '',
    ].filter(Boolean);
    out.push(reason('RISKY_ATTACHMENT', `attachments include: ${kinds.join(', ')}`));
  }
  return out;
}
