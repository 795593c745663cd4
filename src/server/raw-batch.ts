/**
 * The request side of the sensor fast path. Requests of the batch RPCs whose items are
 * `{ string id = 1; string value = 2; }` (domains, URLs; IPs without observed_at; Predict's
 * IndicatorItem without observed_at, whose asserted type is kept beside the offsets) are decoded into
 * offsets into the request buffer rather than into objects and strings: a repeat is then looked up in the prediction cache by
 * its value's bytes and answered with its id's bytes and the answer's stored encoding, so it costs no
 * allocation at all. Only the items that miss are decoded into strings and scored.
 *
 * A RawBatch is still a valid request object for the handlers that do not know it: `items` decodes
 * (once) on first use. Anything unusual on the wire (groups, over-long varints, truncation) is left to
 * the generated decoder, which gives the same errors as before.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { ResultView } from '../gen/threatpredict/v1/prediction';

interface Item {
  id: string;
  value: string;
}

/** An IndicatorItem as the generated decoder gives it when it carries no observed_at. */
interface TypedItem extends Item {
  type: number;
  observedAt: undefined;
}

export class RawBatch<I extends Item = Item> {
  private decoded: I[] | undefined;

  constructor(
    readonly bytes: Buffer,
    readonly count: number,
    /** Per item: id start, id end, value start, value end. */
    private readonly offsets: Int32Array,
    readonly view: ResultView,
    /** Per item, the `type` field (IndicatorItem's asserted type, 0 when absent); only for Predict's requests. */
    readonly types?: Int32Array | undefined,
  ) {}

  /** The request's items as the generated decoder would give them. */
  get items(): I[] {
    if (this.decoded === undefined) {
      const out: I[] = new Array(this.count);
      const types = this.types;
      for (let i = 0; i < this.count; i++)
        out[i] = (
          types === undefined
            ? { id: this.id(i), value: this.value(i) }
            : ({ id: this.id(i), value: this.value(i), type: types[i] as number, observedAt: undefined } as TypedItem)
        ) as I;
      this.decoded = out;
    }
    return this.decoded;
  }

  id(i: number): string {
    return this.bytes.toString('utf8', this.offsets[4 * i], this.offsets[4 * i + 1]);
  }

  value(i: number): string {
    return this.bytes.toString('utf8', this.offsets[4 * i + 2], this.offsets[4 * i + 3]);
  }

  idStart(i: number): number {
    return this.offsets[4 * i] as number;
  }

  idEnd(i: number): number {
    return this.offsets[4 * i + 1] as number;
  }

  valueStart(i: number): number {
    return this.offsets[4 * i + 2] as number;
  }

  valueEnd(i: number): number {
    return this.offsets[4 * i + 3] as number;
  }

  /** Whether the id is plain ASCII, so its bytes are exactly what encoding the decoded id would write. */
  idIsAscii(i: number): boolean {
    const end = this.offsets[4 * i + 1] as number;
    for (let k = this.offsets[4 * i] as number; k < end; k++) if ((this.bytes[k] as number) >= 0x80) return false;
    return true;
  }
}

// The decoder's cursor (decoding is synchronous): -1 after anything it leaves to the generated decoder.
let pos = 0;

/** A varint of at most 32 bits (5 bytes), as an unsigned number; sets pos = -1 otherwise. */
function varint(b: Buffer, end: number): number {
  // Tags and the lengths of ids and names: one byte.
  if (pos < end && (b[pos] as number) < 0x80) return b[pos++] as number;
  let result = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) break;
    const byte = b[pos++] as number;
    result += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      if (result <= 0xffffffff) return result;
      break;
    }
  }
  pos = -1;
  return 0;
}

/** Skips a field of wire type `wt`; sets pos = -1 for groups and truncation. */
function skip(b: Buffer, wt: number, end: number): void {
  if (wt === 0) {
    const start = pos;
    while (pos < end && (b[pos] as number) >= 0x80) pos++;
    pos = pos < end && pos - start < 10 ? pos + 1 : -1;
  } else if (wt === 1) pos = pos + 8 <= end ? pos + 8 : -1;
  else if (wt === 5) pos = pos + 4 <= end ? pos + 4 : -1;
  else if (wt === 2) {
    const len = varint(b, end);
    if (pos >= 0) pos = pos + len <= end ? pos + len : -1;
  } else pos = -1;
}

/**
 * Decodes `{ repeated Item items = 1; ResultView view = 2; }`, or undefined to use the generated decoder.
 * An item field numbered `handled` (other than id and value) is one the handler reads, which a RawBatch
 * does not keep: a request with one is left to the generated decoder (other unknown fields are skipped).
 * An enum item field numbered `typeField` is kept per item (RawBatch.types: IndicatorItem's asserted
 * type); the same field with another wire type is skipped, as the generated decoder does.
 */
export function decodeRawBatch<I extends Item>(b: Buffer, handled = 0, typeField = 0): RawBatch<I> | undefined {
  // The enum's tag, wire type varint.
  const typeTag = typeField === 0 ? -1 : typeField << 3;
  // An item takes at least 6 bytes, a sensor's ~20-40: room for one per 16 bytes grows a batch's once at most.
  let offsets = new Int32Array(4 * ((b.length >> 4) + 1));
  let types = typeTag < 0 ? undefined : new Int32Array(offsets.length >> 2);
  let n = 0;
  let view = 0;
  const end = b.length;
  pos = 0;
  while (pos < end) {
    const tag = varint(b, end);
    if (pos < 0 || tag === 0) return undefined;
    if (tag === 10) {
      const len = varint(b, end);
      if (pos < 0 || pos + len > end) return undefined;
      const itemEnd = pos + len;
      if (offsets.length < 4 * (n + 1)) {
        const grown = new Int32Array(offsets.length * 2);
        grown.set(offsets);
        offsets = grown;
        if (types !== undefined) {
          const more = new Int32Array(grown.length >> 2);
          more.set(types);
          types = more;
        }
      }
      let idStart = 0;
      let idEnd = 0;
      let valueStart = 0;
      let valueEnd = 0;
      let type = 0;
      while (pos < itemEnd) {
        const t = varint(b, itemEnd);
        if (pos < 0 || t === 0) return undefined;
        if (t === 10 || t === 18) {
          const l = varint(b, itemEnd);
          if (pos < 0 || pos + l > itemEnd) return undefined;
          // A repeated scalar field: the last occurrence wins, as in the generated decoder.
          if (t === 10) {
            idStart = pos;
            idEnd = pos + l;
          } else {
            valueStart = pos;
            valueEnd = pos + l;
          }
          pos += l;
        } else if (t === typeTag) {
          type = varint(b, itemEnd) | 0; // int32, as the generated decoder reads the enum
          if (pos < 0) return undefined;
        } else {
          if (t >>> 3 === handled) return undefined;
          skip(b, t & 7, itemEnd);
          if (pos < 0) return undefined;
        }
      }
      offsets[4 * n] = idStart;
      offsets[4 * n + 1] = idEnd;
      offsets[4 * n + 2] = valueStart;
      offsets[4 * n + 3] = valueEnd;
      if (types !== undefined) types[n] = type;
      n++;
    } else if (tag === 16) {
      view = varint(b, end) | 0; // int32, as the generated decoder reads the enum
      if (pos < 0) return undefined;
    } else {
      skip(b, tag & 7, end);
      if (pos < 0) return undefined;
    }
  }
  return new RawBatch<I>(b, n, offsets, view as ResultView, types);
}

/**
 * The service definition with the named methods' requests decoded into RawBatch objects when the
 * wire allows it (their handlers receive either a RawBatch or a generated message object).
 */
export function withRawBatchRequests<S extends ServiceDefinition>(
  service: S,
  methods: readonly (keyof S)[],
  handled = 0,
  typeField = 0,
): S {
  const out: Record<string, unknown> = { ...service };
  for (const name of methods) {
    const method = service[name] as S[keyof S];
    const generated = method.requestDeserialize;
    out[name as string] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => decodeRawBatch(bytes, handled, typeField) ?? generated(bytes),
    };
  }
  return out as S;
}

/** IpItem's observed_at: the IP pipeline keeps it with the item (no version reads it yet). */
const OBSERVED_AT = 3;
/** IndicatorItem's asserted type and observed_at. */
const INDICATOR_TYPE = 3;
const INDICATOR_OBSERVED_AT = 4;

/**
 * PredictionService with the batch RPCs' requests decoded into RawBatch objects: domains and URLs,
 * IPs without observed_at, and Predict's items (with their asserted types) without observed_at (a
 * request with it is decoded by the generated decoder).
 */
export function withRawPredictionBatches<S extends ServiceDefinition>(service: S): S {
  const typed = withRawBatchRequests(service, [
    'predictDomains',
    'streamPredictDomains',
    'predictUrls',
    'streamPredictUrls',
  ] as (keyof S)[]);
  const ips = withRawBatchRequests(typed, ['predictIps', 'streamPredictIps'] as (keyof S)[], OBSERVED_AT);
  return withRawBatchRequests(ips, ['predict', 'streamPredict'] as (keyof S)[], INDICATOR_OBSERVED_AT, INDICATOR_TYPE);
}
