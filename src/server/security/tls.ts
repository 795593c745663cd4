/**
 * TLS and mTLS server credentials whose certificate files are re-read when they change, so a rotation
 * by cert-manager (or anything that rewrites or re-links the files) takes effect without a restart.
 * grpc-js applies a new secure context to its HTTP/2 server when credentials call their protected
 * updateSecureContextOptions (the same path its own certificate providers use); connections already
 * open keep the certificate they were made with. The HTTP listener (src/http) serves the same files
 * from the same poller: it takes `httpsOptions()` at start and `setSecureContext` on each reload.
 *
 * Defaults are modern only: TLS 1.2 at least (1.3 with --tls-min-version 1.3), and for TLS 1.2 only
 * ECDHE key exchange with AEAD ciphers (Mozilla's "intermediate" list). With a client CA, a client
 * must present a certificate that CA signed, or the handshake fails.
 */

import { X509Certificate } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type TlsOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';

const CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** A certificate this close to expiry is logged as a warning at each (re)load. */
const EXPIRY_WARNING_MS = 14 * 24 * 3600 * 1000;

export interface TlsFiles {
  cert: string;
  key: string;
  /** Client CA bundle; empty = no client certificates asked for. */
  clientCa: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

export interface ReloadingCredentials {
  /** For grpc-js. */
  readonly credentials: ServerCredentials;
  /** For a node:tls / node:https server (the HTTP listener): fixed options plus the current context. */
  httpsOptions(): TlsOptions;
  /** Called with each new context after a reload took it (e.g. `server.setSecureContext`); returns an unsubscribe. */
  onReload(listener: (context: SecureContextOptions) => void): () => void;
  /** Reads the files now (the poller calls this when one changes); false when they did not make a valid context. */
  reload(): boolean;
  close(): void;
}

function contextOptions(files: TlsFiles): SecureContextOptions {
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ...(files.clientCa === '' ? {} : { ca: readFileSync(files.clientCa) }),
    minVersion: files.minVersion,
    ciphers: CIPHERS,
  };
}

class ReloadableSslCredentials extends ServerCredentials {
  update(context: SecureContextOptions): void {
    this.updateSecureContextOptions(context);
  }

  override _equals(other: ServerCredentials): boolean {
    return this === other;
  }
}

function describe(cert: Buffer | string | undefined): { subject: string; validTo: string; expiresInMs: number } {
  const x = new X509Certificate(cert as Buffer);
  return {
    subject: x.subject.replace(/\n/g, ', '),
    validTo: x.validTo,
    expiresInMs: Date.parse(x.validTo) - Date.now(),
  };
}

/**
 * Credentials from the files, validated now (a bad pair fails the start with the file names), then
 * polled every `pollMs`. A change that does not make a valid context (a key written before its
 * certificate) keeps the current one and is logged; the next change is tried again.
 */
export function createTlsCredentials(opts: { files: TlsFiles; pollMs: number; logger: Logger }): ReloadingCredentials {
  const { files, logger } = opts;
  const mtls = files.clientCa !== '';
  let current: SecureContextOptions;
  try {
    current = contextOptions(files);
    createSecureContext(current);
  } catch (err) {
    throw new Error(`TLS files ${files.cert} / ${files.key}: ${(err as Error).message}`);
  }
  const logLoaded = (msg: string) => {
    const info = describe(current.cert as Buffer);
    const level = info.expiresInMs < EXPIRY_WARNING_MS ? 'warn' : 'info';
    logger[level]({ cert: files.cert, subject: info.subject, validTo: info.validTo, mtls }, msg);
  };
  logLoaded('TLS certificate loaded');
  // Server options, fixed for the server's life; the context options above are what reloads replace.
  const fixed = { requestCert: mtls, rejectUnauthorized: mtls, minVersion: files.minVersion, ciphers: CIPHERS };
  const credentials = new ReloadableSslCredentials(fixed, current);
  const listeners = new Set<(context: SecureContextOptions) => void>();

  const reload = (): boolean => {
    let next: SecureContextOptions;
    try {
      next = contextOptions(files);
      createSecureContext(next);
    } catch (err) {
      logger.error(
        { cert: files.cert, key: files.key, err: (err as Error).message },
        'TLS files changed but do not load; keeping the current certificate',
      );
      return false;
    }
    const same = ['cert', 'key', 'ca'].every((k) => {
      const a = current[k as keyof SecureContextOptions] as Buffer | undefined;
      const b = next[k as keyof SecureContextOptions] as Buffer | undefined;
      return a === b || (a !== undefined && b !== undefined && a.equals(b));
    });
    if (same) return true;
    current = next;
    credentials.update(next);
    for (const l of listeners) l(next);
    logLoaded('TLS certificate reloaded');
    return true;
  };

  const watched = [files.cert, files.key, ...(mtls ? [files.clientCa] : [])];
  // stat() polling follows symlinks, so it sees Kubernetes' atomic `..data` link swaps that fs.watch misses.
  const onChange = () => reload();
  for (const f of watched) watchFile(f, { interval: opts.pollMs, persistent: false }, onChange);
  return {
    credentials,
    httpsOptions: () => ({ ...fixed, ...current }),
    onReload(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    close: () => {
      for (const f of watched) unwatchFile(f, onChange);
    },
  };
}
