/**
 * Items answered, per indicator type and verdict. Counted on the hot path (every item of every batch),
 * so a count is one increment in a typed array: no label object, no map lookup, no allocation. The
 * Prometheus counter reads the array when it is scraped.
 */
import { Counter, type Registry } from 'prom-client';

/** Indicator types as they are labelled; `unknown` is an item whose type could not be told. */
export const ITEM_TYPES = [
  'domain',
  'url',
  'ip',
  'email_address',
  'email_message',
  'file_hash',
  'crypto_wallet',
  'unknown',
] as const;
/** `error`: the item got a per-item error; `none`: no verdict and no error (nothing to say about it). */
export const ITEM_VERDICTS = ['benign', 'suspicious', 'malicious', 'error', 'none'] as const;

export type ItemType = (typeof ITEM_TYPES)[number];

export interface CountedItem {
  readonly verdict?: string | undefined;
  readonly error?: unknown;
}

export interface ItemCounts {
  /** Counts one answered item. */
  count(type: string | undefined, item: CountedItem): void;
  /** Counts every item of a batch of one type. */
  countAll(type: string | undefined, items: readonly (CountedItem | undefined)[]): void;
}

function typeIndex(type: string | undefined): number {
  switch (type) {
    case 'domain':
      return 0;
    case 'url':
      return 1;
    case 'ip':
      return 2;
    case 'email_address':
      return 3;
    case 'email_message':
      return 4;
    case 'file_hash':
      return 5;
    case 'crypto_wallet':
      return 6;
    default:
      return 7;
  }
}

function verdictIndex(item: CountedItem): number {
  if (item.error !== undefined) return 3;
  switch (item.verdict) {
    case 'benign':
      return 0;
    case 'suspicious':
      return 1;
    case 'malicious':
      return 2;
    default:
      return 4;
  }
}

export function createItemCounts(registry: Registry): ItemCounts {
  const width = ITEM_VERDICTS.length;
  const counts = new Float64Array(ITEM_TYPES.length * width);
  new Counter({
    name: 'threatpredict_items_total',
    help: 'Items answered, by indicator type and verdict (error: a per-item error). Embedded indicators of emails count as their own type.',
    labelNames: ['type', 'verdict'],
    registers: [registry],
    collect() {
      this.reset();
      for (let t = 0; t < ITEM_TYPES.length; t++)
        for (let v = 0; v < width; v++) {
          const n = counts[t * width + v] as number;
          if (n > 0) this.inc({ type: ITEM_TYPES[t], verdict: ITEM_VERDICTS[v] }, n);
        }
    },
  });
  return {
    count(type, item) {
      counts[typeIndex(type) * width + verdictIndex(item)]++;
    },
    countAll(type, items) {
      const base = typeIndex(type) * width;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (item !== undefined) counts[base + verdictIndex(item)]++;
      }
    },
  };
}
