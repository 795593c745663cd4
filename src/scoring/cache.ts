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
 *
 * A key is (key space, bytes): every pipeline scored by a model has a space of its own (`space()`),
 * because the same text means different things to them. A domain and an email address share the
 * domain model, and `x.xyz` is a good domain but a bad address: with one space, one caller asking for
 * the address made every other caller's domain answer an INVALID_EMAIL_ADDRESS.
 *
 * Memory is bounded twice: by entries, and by an estimate of the bytes each entry keeps alive (its key
 * and an answer that grows with it: the normalised indicator, enrichment, the memoised encoding), so
 * long keys cannot multiply the footprint. Keys longer than MAX_KEY_BYTES are never stored.
 */

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  capacity: number;
}

export interface PredictionCache<V> {
  /** The answer stored for this key in this cache's key space. */
  get(key: string): V | undefined;
  /**
   * Looks up the key whose UTF-8 encoding is `bytes[start, end)`, and counts nothing: the caller
   * reports the answers it used with countHits() and looks up the rest with get(), which counts them.
   */
  getBytes(bytes: Uint8Array, start: number, end: number): V | undefined;
  countHits(n: number): void;
  /** Counts lookups that found nothing, made with getBytes() by a caller that then did not call get(). */
  countMisses(n: number): void;
  /** Stores the answer if its key was offered before (see admission above); true when stored. */
  offer(key: string, value: V): boolean;
  /** Whether offer() would store the key whose UTF-8 encoding is `bytes[start, end)` now (it was offered before). */
  seenBytes(bytes: Uint8Array, start: number, end: number): boolean;
  /** Offers that key without an answer: as offer() when the key is new, and stores nothing. */
  noteBytes(bytes: Uint8Array, start: number, end: number): void;
  /** seenBytes(), then noteBytes() when it was not seen, with one hash of the key for both. */
  seenOrNoteBytes(bytes: Uint8Array, start: number, end: number): boolean;
  /** Counters of the whole store, every key space together. */
  stats(): CacheStats;
}

/** One bounded store with separate key spaces (one per pipeline) sharing its room and counters. */
export interface CacheStore<V> {
  /** The cache of one key space, created on first use. */
  space(name: string): PredictionCache<V>;
  stats(): CacheStats;
  /** Estimated bytes the entries keep alive (entryBytes), bounded by the store's maxBytes. */
  bytes(): number;
}

export interface CacheLimits {
  /** Entries at most. */
  entries: number;
  /** Estimated bytes kept alive at most (see entryBytes). */
  maxBytes: number;
}

/**
 * Longest key stored, in UTF-8 bytes: the longest URL accepted (8,192 characters) when it is ASCII.
 * Longer keys are looked up and offered like any other and never found or kept.
 */
export const MAX_KEY_BYTES = 8192;

/**
 * What one entry is estimated to keep alive: a fixed part (the answer's objects, reasons, enrichment
 * of a short name: ~1.1 KB measured for a full-view domain answer) and a part that grows with the key
 * (the key in the arena, the normalised indicator, enrichment strings derived from it, the memoised
 * encoding that repeats them); plus, once the answer is repeated over HTTP, its JSON kept beside the
 * encoding (src/http/batch-json.ts): ~350 bytes for a full-view domain answer, growing ~4.6 bytes per
 * key byte (a 72-byte name 626, a 484-byte URL 1,561), in a Buffer of its own.
 */
export function entryBytes(keyBytes: number): number {
  return 1024 + 6 * keyBytes + (512 + 5 * keyBytes);
}

const EMPTY = 0;

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** FNV-1a over the key bytes, seeded by the key space. */
function hashBytes(space: number, bytes: Uint8Array, start: number, end: number): number {
  let h = Math.imul(0x811c9dc5 ^ space, 0x01000193);
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h | 0;
}

class Generation<V> {
  readonly capacity: number;
  readonly maxBytes: number;
  /**
   * Two numbers per slot: entry index + 1 (EMPTY when free) and the key's hash, so a probe past
   * another key reads no entry; at most half full, so probes stay short.
   */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /**
   * Per entry, side by side (a lookup reads them together, and on a busy machine each array apart
   * was a cache miss): key space, key offset in the arena, key length.
   */
  private readonly keys: Int32Array;
  private readonly values: (V | undefined)[];
  private arena: Uint8Array;
  private arenaUsed = 0;
  count = 0;
  /** Estimated bytes its entries keep alive (entryBytes). */
  bytes = 0;

  constructor(capacity: number, maxBytes: number) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    const size = nextPowerOfTwo(capacity * 2);
    this.slots = new Int32Array(2 * size);
    this.mask = size - 1;
    this.keys = new Int32Array(3 * capacity);
    this.values = new Array(capacity).fill(undefined);
    this.arena = new Uint8Array(Math.min(capacity, 1 << 16) * 32);
  }

  full(): boolean {
    return this.count >= this.capacity || this.bytes >= this.maxBytes;
  }

  /** The entry index of the key, or -1. */
  find(space: number, bytes: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    const keys = this.keys;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const e = (this.slots[2 * s] as number) - 1;
      if (e < 0) return -1;
      if (this.slots[2 * s + 1] !== h || keys[3 * e + 2] !== len || keys[3 * e] !== space) continue;
      const off = keys[3 * e + 1] as number;
      let k = 0;
      while (k < len && this.arena[off + k] === bytes[start + k]) k++;
      if (k === len) return e;
    }
  }

  value(e: number): V {
    return this.values[e] as V;
  }

  /** Inserts or replaces; the caller makes sure the generation is not full. */
  put(space: number, bytes: Uint8Array, start: number, end: number, h: number, value: V): void {
    const existing = this.find(space, bytes, start, end, h);
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
    this.keys[3 * e] = space;
    this.keys[3 * e + 1] = this.arenaUsed;
    this.keys[3 * e + 2] = len;
    this.values[e] = value;
    this.arenaUsed += len;
    this.bytes += entryBytes(len);
    let s = h & this.mask;
    while (this.slots[2 * s] !== EMPTY) s = (s + 1) & this.mask;
    this.slots[2 * s] = e + 1;
    this.slots[2 * s + 1] = h;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.values.fill(undefined, 0, this.count);
    this.count = 0;
    this.bytes = 0;
    this.arenaUsed = 0;
  }
}

/** A store with one key space: for callers that need no spaces (and the tests of the mechanism). */
export function createPredictionCache<V>(entries: number, maxBytes = entries * entryBytes(256)): PredictionCache<V> {
  return createCacheStore<V>({ entries, maxBytes }).space('');
}

export function createCacheStore<V>(limits: CacheLimits): CacheStore<V> {
  const generation = Math.max(1, Math.floor(limits.entries / 2));
  const generationBytes = Math.max(entryBytes(MAX_KEY_BYTES), Math.floor(limits.maxBytes / 2));
  let young = new Generation<V>(generation, generationBytes);
  let old = new Generation<V>(generation, generationBytes);
  let hits = 0;
  let misses = 0;
  // String keys are encoded here; a key of more than MAX_KEY_BYTES characters is not encoded at all.
  const scratch = new Uint8Array(MAX_KEY_BYTES * 3);
  const scratchView = Buffer.from(scratch.buffer, scratch.byteOffset, scratch.length);
  // Hashes of keys offered once, each with its low bit set so that 0 means empty.
  const doorkeeper = new Int32Array(Math.min(1 << 22, Math.max(1 << 16, nextPowerOfTwo(limits.entries * 8))));
  const doorMask = doorkeeper.length - 1;
  const spaces = new Map<string, PredictionCache<V>>();

  /** The key's UTF-8 length in `scratch`, or -1 when it is too long to store. */
  function encode(key: string): number {
    if (key.length > MAX_KEY_BYTES) return -1;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) {
        const n = scratchView.write(key, 'utf8');
        return n > MAX_KEY_BYTES ? -1 : n;
      }
      scratch[i] = c;
    }
    return key.length;
  }

  function put(space: number, bytes: Uint8Array, start: number, end: number, h: number, value: V): void {
    if (young.full()) {
      const recycled = old;
      recycled.clear();
      old = young;
      young = recycled;
    }
    young.put(space, bytes, start, end, h, value);
  }

  function lookup(space: number, bytes: Uint8Array, start: number, end: number): V | undefined {
    if (end - start > MAX_KEY_BYTES) return undefined;
    const h = hashBytes(space, bytes, start, end);
    let e = young.find(space, bytes, start, end, h);
    if (e >= 0) return young.value(e);
    e = old.find(space, bytes, start, end, h);
    if (e < 0) return undefined;
    const v = old.value(e);
    put(space, bytes, start, end, h, v); // promote; the copy left in `old` goes with it
    return v;
  }

  const stats = () => ({ hits, misses, entries: young.count + old.count, capacity: generation * 2 });

  function makeSpace(space: number): PredictionCache<V> {
    return {
      get(key) {
        const len = encode(key);
        const v = len < 0 ? undefined : lookup(space, scratch, 0, len);
        if (v === undefined) misses++;
        else hits++;
        return v;
      },
      getBytes: (bytes, start, end) => lookup(space, bytes, start, end),
      countHits(n) {
        hits += n;
      },
      countMisses(n) {
        misses += n;
      },
      offer(key, value) {
        const len = encode(key);
        if (len < 0) return false;
        const h = hashBytes(space, scratch, 0, len);
        const slot = h & doorMask;
        if (doorkeeper[slot] !== (h | 1)) {
          doorkeeper[slot] = h | 1;
          return false;
        }
        put(space, scratch, 0, len, h, value);
        return true;
      },
      seenBytes(bytes, start, end) {
        if (end - start > MAX_KEY_BYTES) return false;
        const h = hashBytes(space, bytes, start, end);
        return doorkeeper[h & doorMask] === (h | 1);
      },
      noteBytes(bytes, start, end) {
        if (end - start > MAX_KEY_BYTES) return;
        const h = hashBytes(space, bytes, start, end);
        doorkeeper[h & doorMask] = h | 1;
      },
      seenOrNoteBytes(bytes, start, end) {
        if (end - start > MAX_KEY_BYTES) return false;
        const h = hashBytes(space, bytes, start, end);
        if (doorkeeper[h & doorMask] === (h | 1)) return true;
        doorkeeper[h & doorMask] = h | 1;
        return false;
      },
      stats,
    };
  }

  return {
    space(name) {
      let c = spaces.get(name);
      if (c === undefined) {
        c = makeSpace(spaces.size);
        spaces.set(name, c);
      }
      return c;
    },
    stats,
    bytes: () => young.bytes + old.bytes,
  };
}
