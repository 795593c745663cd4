/**
 * Bitcoin address validation, so that only checksummed addresses are reported as wallets and a
 * random 34-character token is not. Base58Check (P2PKH `1...`, P2SH `3...`) and segwit `bc1...`
 * (BIP 173 bech32 for witness v0, BIP 350 bech32m for v1+) via @scure/base, an audited codec.
 */
import { createHash } from 'node:crypto';
import { bech32, bech32m, createBase58check } from '@scure/base';

const base58check = createBase58check((data) => new Uint8Array(createHash('sha256').update(data).digest()));

const BASE58 = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/;
const SEGWIT = /^(?:bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71})$/;

function validBase58(candidate: string): boolean {
  try {
    const payload = base58check.decode(candidate);
    // 1 version byte + 20-byte hash; 0x00 is P2PKH (`1...`), 0x05 is P2SH (`3...`).
    return payload.length === 21 && (payload[0] === 0x00 || payload[0] === 0x05);
  } catch {
    return false;
  }
}

function validSegwit(candidate: string): boolean {
  const address = candidate.toLowerCase() as `${string}1${string}`;
  for (const codec of [bech32, bech32m]) {
    let decoded: { prefix: string; words: number[] };
    try {
      decoded = codec.decode(address, 90);
    } catch {
      continue;
    }
    const [version, ...rest] = decoded.words;
    if (decoded.prefix !== 'bc' || version === undefined || version > 16) return false;
    // BIP 350: v0 must use bech32, v1..16 must use bech32m.
    if ((version === 0) !== (codec === bech32)) return false;
    let program: Uint8Array;
    try {
      program = codec.fromWords(rest);
    } catch {
      return false;
    }
    if (program.length < 2 || program.length > 40) return false;
    return version !== 0 || program.length === 20 || program.length === 32;
  }
  return false;
}

/** True when `candidate` is a mainnet Bitcoin address with a valid checksum. */
export function isBitcoinAddress(candidate: string): boolean {
  if (BASE58.test(candidate)) return validBase58(candidate);
  if (SEGWIT.test(candidate)) return validSegwit(candidate);
  return false;
}
