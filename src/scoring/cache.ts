/**
 * A bounded prediction cache for one model version. DNS and proxy traffic is heavily skewed, so most
 * items a sensor sends were answered seconds ago; a hit skips parsing, features and inference.
 *
 * Keys are UTF-8 bytes, so the transport can look an item up straight from the request buffer
 * (getBytes) without decoding a string first; string keys are encoded into a scratch buffer. Each
 * generation is an open-addressing table over typed arrays (hash, key offset and length, key bytes in
 * one arena): a lookup touches a few cache lines and allocates nothing, where a Map keyed by freshly
 * decoded strings hashed and compared through the heap and cost more than the feature extraction.
 *
 * Admission (TinyLFU's doorkeeper): an answer is stored the second time its key is offered, not the
 * first. Most names in a unique-heavy stream never come back; storing each of them kept ~1 KB of
 * answer objects alive for a while and made the garbage collector trace them (measured at concurrency
 * 64 with unique names: ~110-130 us of server CPU per call with admit-all, ~90 without a cache). The
 * doorkeeper is a direct-mapped table of key hashes: no allocation, and a collision only delays or
 * hastens one admission.
 *
 * Eviction is by two generations, with no per-entry bookkeeping: entries go into `young`; when it is
 * full, `old` is emptied and the two swap roles; a hit in `old` is copied into `young`. The cache hangs
 * off the model version object, so a prediction can never be served by another version than the one
 * that made it.
 */

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  capacity: number;
}

export interface PredictionCache<V> {
  get(key: string): V | undefined;
  /**
   * Looks up the key whose UTF-8 encoding is `bytes[start, end)`, and counts nothing: the caller
   * reports the answers it used with countHits() and looks up the rest with get(), which counts them.
   */
  getBytes(bytes: Uint8Array, start: number, end: number): V | undefined;
  countHits(n: number): void;
  /** Stores the answer if its key was offered before (see admission above); true when stored. */
  offer(key: string, value: V): boolean;
  stats(): CacheStats;
}

const EMPTY = 0;

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** FNV-1a over the key bytes. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h | 0;
}

class Generation<V> {
  readonly capacity: number;
  /** Entry index + 1 per slot, EMPTY when free; at most half full, so probes stay short. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  private readonly values: (V | undefined)[];
  private arena: Uint8Array;
  private arenaUsed = 0;
  count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.slots = new Int32Array(nextPowerOfTwo(capacity * 2));
    this.mask = this.slots.length - 1;
    this.hashes = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.values = new Array(capacity).fill(undefined);
    this.arena = new Uint8Array(Math.min(capacity, 1 << 16) * 32);
  }

  /** The entry index of the key, or -1. */
  find(bytes: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const e = (this.slots[s] as number) - 1;
      if (e < 0) return -1;
      if (this.hashes[e] !== h || this.lengths[e] !== len) continue;
      const off = this.offsets[e] as number;
      let k = 0;
      while (k < len && this.arena[off + k] === bytes[start + k]) k++;
      if (k === len) return e;
    }
  }

  value(e: number): V {
    return this.values[e] as V;
  }

  /** Inserts or replaces; the caller makes sure the generation is not full. */
  put(bytes: Uint8Array, start: number, end: number, h: number, value: V): void {
    const existing = this.find(bytes, start, end, h);
    if (existing >= 0) {
      this.values[existing] = value;
      return;
    }
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    const e = this.count++;
    this.hashes[e] = h;
    this.offsets[e] = this.arenaUsed;
    this.lengths[e] = len;
    this.values[e] = value;
    this.arenaUsed += len;
    let s = h & this.mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & this.mask;
    this.slots[s] = e + 1;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.values.fill(undefined, 0, this.count);
    this.count = 0;
    this.arenaUsed = 0;
  }
}

export function createPredictionCache<V>(capacity: number): PredictionCache<V> {
  const generation = Math.max(1, Math.floor(capacity / 2));
  let young = new Generation<V>(generation);
  let old = new Generation<V>(generation);
  let hits = 0;
  let misses = 0;
  // String keys are encoded here (keys are bounded by the indicators' length limits).
  let scratch = new Uint8Array(1024);
  // Hashes of keys offered once, each with its low bit set so that 0 means empty.
  const doorkeeper = new Int32Array(Math.min(1 << 22, Math.max(1 << 16, nextPowerOfTwo(capacity * 8))));
  const doorMask = doorkeeper.length - 1;

  function encode(key: string): number {
    if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) return Buffer.from(scratch.buffer, scratch.byteOffset, scratch.length).write(key, 'utf8');
      scratch[i] = c;
    }
    return key.length;
  }

  function put(bytes: Uint8Array, start: number, end: number, h: number, value: V): void {
    if (young.count >= young.capacity) {
      const recycled = old;
      recycled.clear();
      old = young;
      young = recycled;
    }
    young.put(bytes, start, end, h, value);
  }

  function lookup(bytes: Uint8Array, start: number, end: number): V | undefined {
    const h = hashBytes(bytes, start, end);
    let e = young.find(bytes, start, end, h);
    if (e >= 0) return young.value(e);
    e = old.find(bytes, start, end, h);
    if (e < 0) return undefined;
    const v = old.value(e);
    put(bytes, start, end, h, v); // promote; the copy left in `old` goes with it
    return v;
  }

  return {
    get(key) {
      const v = lookup(scratch, 0, encode(key));
      if (v === undefined) misses++;
      else hits++;
      return v;
    },
    getBytes: lookup,
    countHits(n) {
      hits += n;
    },
    offer(key, value) {
      const len = encode(key);
      const h = hashBytes(scratch, 0, len);
      const slot = h & doorMask;
      if (doorkeeper[slot] !== (h | 1)) {
        doorkeeper[slot] = h | 1;
        return false;
      }
      put(scratch, 0, len, h, value);
      return true;
    },
    stats: () => ({ hits, misses, entries: young.count + old.count, capacity: generation * 2 }),
  };
}
