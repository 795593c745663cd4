/**
 * A structural pass over the raw MIME tree that mailparser repairs silently, so the caller learns
 * the parse was best-effort: text parts in a charset nobody can decode (mailparser falls back to
 * UTF-8), base64 bodies with characters outside the alphabet (skipped by the decoder), unknown
 * transfer encodings, and multiparts whose closing boundary never came (a truncated message).
 * mailsplit's Splitter is the same splitter mailparser uses, so parts are cut the same way.
 */
import type { EventEmitter } from 'node:events';
import { Splitter } from '@zone-eu/mailsplit';
import libmime from 'libmime';

const MAX_WARNINGS = 20;
const KNOWN_ENCODINGS = new Set(['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/** 1 for bytes a base64 body may hold: the alphabet, padding and white space. */
const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n')
  BASE64_BYTE[c.charCodeAt(0)] = 1;

interface NodeState {
  label: string;
  boundary: string | undefined;
  closed: boolean;
  base64: boolean;
  badBytes: number;
}

/** Printable, short: names from the message end up in caller-visible warnings. */
function clean(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}

/** Warnings about the MIME structure of `raw`; never throws, [] when nothing looks wrong. */
export function auditMime(raw: Buffer): Promise<string[]> {
  return new Promise((resolve) => {
    const warnings = new Set<string>();
    const states: NodeState[] = [];
    let current: NodeState | undefined;
    let settled = false;
    const splitter = new Splitter({ defaultInlineEmbedded: true, maxChildNodes: 2000 });
    const warn = (text: string): void => {
      if (warnings.size < MAX_WARNINGS) warnings.add(text);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      for (const state of states) {
        if (state.boundary !== undefined && !state.closed)
          warn(`${state.label}: closing boundary missing (truncated message?)`);
        if (state.badBytes > 0)
          warn(`${state.label}: ${state.badBytes} bytes outside the base64 alphabet were skipped`);
      }
      resolve([...warnings]);
    };
    splitter.on('data', (chunk) => {
      if (chunk.type === 'node') {
        // mailsplit numbers parts IMAP style; its TEXT markers are not part numbers.
        const partNr = (chunk.partNr || []).filter((n) => typeof n === 'number').join('.');
        const label = partNr ? `part ${partNr}` : 'message root';
        const encoding = (chunk.encoding || '').toLowerCase();
        current = {
          label,
          boundary: chunk._boundary ? chunk._boundary.toString('latin1') : undefined,
          closed: false,
          base64: encoding === 'base64',
          badBytes: 0,
        };
        states.push(current);
        if (!KNOWN_ENCODINGS.has(encoding))
          warn(`${label}: unknown transfer encoding '${clean(encoding)}', body taken as is`);
        const contentType = chunk.contentType || 'text/plain';
        if (chunk.charset && contentType.startsWith('text/') && !libmime.createDecodeStream(chunk.charset).supported) {
          warn(`${label}: unknown or refused charset '${clean(chunk.charset)}', decoded as UTF-8`);
        }
      } else if (chunk.type === 'data') {
        const text = chunk.value.toString('latin1');
        for (const state of states) {
          if (state.boundary !== undefined && !state.closed && text.includes(`--${state.boundary}--`))
            state.closed = true;
        }
      } else if (chunk.type === 'body' && current?.base64) {
        const value = chunk.value;
        let bad = 0;
        for (let i = 0; i < value.length; i++) bad += 1 - (BASE64_BYTE[value[i] as number] as number);
        current.badBytes += bad;
      }
    });
    // mailsplit's typings declare only the 'data' event; the stream emits 'error' and 'end' as any Transform.
    const stream: EventEmitter = splitter;
    stream.on('error', (err: Error) => {
      warn(`MIME structure: ${clean(err.message)}`);
      finish();
    });
    stream.on('end', finish);
    splitter.end(raw);
  });
}
