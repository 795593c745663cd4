/**
 * Sorted, disjoint, inclusive address ranges with a value each, searched by binary search.
 * IPv4 keys are uint32; IPv6 keys are four uint32 words compared in order (no BigInt on the hot path).
 * Used by hosting.ts (cloud prefixes) and asn-csv.ts (ip-location-db ASN tables).
 */

export interface RangeTable<T> {
  /** The value of the range holding this 4- or 16-byte address, if any. */
  find(bytes: Uint8Array): T | undefined;
  /** Number of ranges. */
  readonly size: number;
  /** Ranges trimmed or dropped because they overlapped an earlier one (only with overlap: 'trim'). */
  readonly trimmed: number;
  /** What the table is made of, for another thread to search the same (tableFromParts). */
  readonly parts: RangeTableParts<T>;
  /** The index in parts.values of the value of the range holding the key (as find), or -1. */
  indexOf(bytes: Uint8Array): number;
}

/**
 * A built table's arrays: the bounds in shared memory (posting them to a worker shares them), the
 * values as they are (a worker gets a copy).
 */
export interface RangeTableParts<T> {
  starts: Uint32Array;
  ends: Uint32Array;
  valueIndex: Uint32Array;
  values: readonly T[];
  /** Words per key: 1 (IPv4) or 4 (IPv6). */
  n: number;
  trimmed: number;
}

export interface RangeTableBuilder<T> {
  /** Adds [start, end] (inclusive). Keys are 4 or 16 bytes, or for IPv4 a uint32. */
  add(start: Uint8Array | number, end: Uint8Array | number, value: T): void;
  /**
   * Sorts if needed. Overlapping ranges are a data error: 'throw' (the default) refuses the table, 'trim'
   * keeps the range that starts first and trims or drops the later one (for third-party data with a
   * known stray overlap; the count is in `trimmed`).
   */
  build(overlap?: 'throw' | 'trim'): RangeTable<T>;
}

const WORDS = { 4: 1, 6: 4 } as const;

/** Reads `words` big-endian uint32 words from `bytes` into `out` at `at`. */
function putWords(bytes: Uint8Array, out: number[] | Uint32Array, at: number, words: number): void {
  for (let w = 0; w < words; w++) {
    const i = w * 4;
    out[at + w] =
      (((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0;
  }
}

export function ipv4ToUint32(bytes: Uint8Array): number {
  return (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
}

/** -1, 0 or 1: words a[ai..ai+n) against b[bi..bi+n). */
function compare(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, n: number): number {
  for (let w = 0; w < n; w++) {
    const x = a[ai + w] ?? 0;
    const y = b[bi + w] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Adds one to the n-word number at `at` (no overflow past the top: ranges never end after the last address). */
function increment(words: Uint32Array, at: number, n: number): void {
  for (let w = n - 1; w >= 0; w--) {
    const next = ((words[at + w] ?? 0) + 1) >>> 0;
    words[at + w] = next;
    if (next !== 0) return;
  }
}

export function createRangeTableBuilder<T>(version: 4 | 6): RangeTableBuilder<T> {
  const n = WORDS[version];
  const bytesLength = version === 4 ? 4 : 16;
  const starts: number[] = [];
  const ends: number[] = [];
  const valueIndex: number[] = [];
  const values: T[] = [];
  const seen = new Map<T, number>();

  const put = (key: Uint8Array | number, out: number[]) => {
    if (typeof key === 'number') {
      if (n !== 1) throw new Error('numeric keys are only valid for IPv4 tables');
      out.push(key >>> 0);
    } else {
      if (key.length !== bytesLength) throw new Error(`expected a ${bytesLength}-byte key, got ${key.length}`);
      putWords(key, out, out.length, n);
    }
  };

  return {
    add(start, end, value) {
      put(start, starts);
      put(end, ends);
      let index = seen.get(value);
      if (index === undefined) {
        index = values.length;
        values.push(value);
        seen.set(value, index);
      }
      valueIndex.push(index);
    },
    build(overlap = 'throw') {
      const count = valueIndex.length;
      const order = Array.from({ length: count }, (_, i) => i);
      let sorted = true;
      for (let i = 1; i < count && sorted; i++) sorted = compare(starts, (i - 1) * n, starts, i * n, n) <= 0;
      if (!sorted) order.sort((a, b) => compare(starts, a * n, starts, b * n, n));
      const s = new Uint32Array(new SharedArrayBuffer(count * n * 4));
      const e = new Uint32Array(new SharedArrayBuffer(count * n * 4));
      const v = new Uint32Array(new SharedArrayBuffer(count * 4));
      let kept = 0;
      let trimmed = 0;
      for (const from of order) {
        const at = kept * n;
        for (let w = 0; w < n; w++) {
          s[at + w] = starts[from * n + w] ?? 0;
          e[at + w] = ends[from * n + w] ?? 0;
        }
        v[kept] = valueIndex[from] ?? 0;
        if (compare(s, at, e, at, n) > 0) throw new Error(`range ${from} ends before it starts`);
        if (kept > 0 && compare(s, at, e, at - n, n) <= 0) {
          if (overlap !== 'trim') throw new Error(`range ${from} overlaps the range before it`);
          trimmed++;
          if (compare(e, at, e, at - n, n) <= 0) continue; // wholly inside the earlier range
          s.set(e.subarray(at - n, at), at); // start = previous end + 1
          increment(s, at, n);
        }
        kept++;
      }
      return tableFromParts({
        starts: s.subarray(0, kept * n),
        ends: e.subarray(0, kept * n),
        valueIndex: v.subarray(0, kept),
        values,
        n,
        trimmed,
      });
    },
  };
}

/** A table over the parts of one built on this thread or another (RangeTable.parts). */
export function tableFromParts<T>(parts: RangeTableParts<T>): RangeTable<T> {
  const { starts, ends, valueIndex, values, n, trimmed } = parts;
  const key = new Uint32Array(n);
  const count = valueIndex.length;
  const bytesLength = n * 4;
  const indexOf = (bytes: Uint8Array): number => {
    if (bytes.length !== bytesLength || count === 0) return -1;
    putWords(bytes, key, 0, n);
    // Last range whose start <= key.
    let lo = 0;
    let hi = count - 1;
    let hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(starts, mid * n, key, 0, n) <= 0) {
        hit = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (hit < 0 || compare(key, 0, ends, hit * n, n) > 0) return -1;
    return valueIndex[hit] ?? -1;
  };
  return {
    size: count,
    trimmed,
    parts,
    indexOf,
    find(bytes) {
      const i = indexOf(bytes);
      return i < 0 ? undefined : values[i];
    },
  };
}
