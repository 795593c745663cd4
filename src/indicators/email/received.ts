/**
 * Parses one Received header (RFC 5321 section 4.4) into a hop. Real headers vary a lot by MTA:
 *   Postfix  `from helo.example (rdns.example [203.0.113.5]) by mx.example (Postfix) with ESMTPS id X; date`
 *   Exim     `from [203.0.113.5] (helo=foo) by mx.example with esmtp; date`
 *   Exchange `from EX1.corp (2603:10b6::1) by EX2.corp (2603:10b6::2) with Microsoft SMTP Server; date`
 *   qmail    `from unknown (HELO foo) (203.0.113.5) by mx.example with SMTP; date`
 * The parser is a single left-to-right pass over words and (nested) comments, so its time is linear
 * in the header length whatever the input; no regular expression runs over the header.
 */
import { ipLiteral } from './ip-literal';
import type { ReceivedHop } from './types';

interface Token {
  comment: boolean;
  text: string;
}

const KEYWORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

/** Words and parenthesised comments (nesting and backslash escapes honoured; an unclosed comment runs to the end). */
function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      i++;
    } else if (c === 0x28) {
      let depth = 1;
      const start = ++i;
      while (i < s.length && depth > 0) {
        const d = s.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x28) depth++;
        else if (d === 0x29) depth--;
        i++;
      }
      tokens.push({ comment: true, text: s.slice(start, depth === 0 ? i - 1 : i) });
    } else {
      const start = i;
      while (i < s.length) {
        const d = s.charCodeAt(i);
        if (d === 0x20 || d === 0x09 || d === 0x0d || d === 0x0a || d === 0x28) break;
        i++;
      }
      tokens.push({ comment: false, text: s.slice(start, i) });
    }
  }
  return tokens;
}

/** An IP inside a from-clause comment: a `[...]` literal first, else a bare word that is an address. */
function ipInComment(text: string): string | undefined {
  let open = text.indexOf('[');
  while (open >= 0) {
    const close = text.indexOf(']', open + 1);
    if (close < 0) break;
    const ip = ipLiteral(text.slice(open + 1, close));
    if (ip) return ip;
    open = text.indexOf('[', close + 1);
  }
  for (const word of text.split(/[\s=,]+/)) {
    const ip = ipLiteral(word);
    if (ip) return ip;
  }
  return undefined;
}

function parseDate(s: string): Date | undefined {
  const comment = s.indexOf('(');
  const text = (comment >= 0 ? s.slice(0, comment) : s).trim();
  if (text.length === 0 || text.length > 100) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `value` is the header value without the `Received:` name; folding may still be in it. */
export function parseReceived(value: string): ReceivedHop {
  const semicolon = value.lastIndexOf(';');
  const clauses = semicolon >= 0 ? value.slice(0, semicolon) : value;
  const hop: ReceivedHop = {
    fromHost: '',
    fromIp: '',
    byHost: '',
    time: semicolon >= 0 ? parseDate(value.slice(semicolon + 1)) : undefined,
  };
  let clause = '';
  let hostIp: string | undefined;
  let commentIp: string | undefined;
  for (const token of tokenize(clauses)) {
    const keyword = token.comment ? '' : token.text.toLowerCase();
    if (KEYWORDS.has(keyword)) {
      clause = keyword;
      continue;
    }
    if (clause === 'from') {
      if (token.comment) {
        commentIp ??= ipInComment(token.text);
      } else if (hop.fromHost === '') {
        const word = token.text;
        hop.fromHost = word.startsWith('[') && word.endsWith(']') ? word.slice(1, -1) : word;
        hostIp = ipLiteral(word);
      }
    } else if (clause === 'by' && !token.comment && hop.byHost === '') {
      hop.byHost = token.text;
    }
  }
  hop.fromIp = commentIp ?? hostIp ?? '';
  return hop;
}
