/**
 * The two steps of the generic `Predict` that the typed RPCs do not have, shared by every path that
 * scores its items (the scorer's scoreMixed on the event loop, the transport's RawBatch path and a
 * pipeline worker's `answer`), so that they answer alike: routing an item to the kind it is scored as
 * (or refusing it before any pipeline sees it), and turning a pipeline's INVALID_* answer for an item
 * whose type the caller asserted into INDICATOR_TYPE_MISMATCH.
 */
import { itemError } from '../errors';
import { detectKind, isFileHash } from '../indicators/detect';
import type { IndicatorKind } from '../indicators/types';
import type { ScoredItem } from './pipeline';
import { echo, result, tooLong } from './stages';

/** How to answer an item refused before its type was known or trusted, given its id. */
export type Refused = (id: string) => ScoredItem;

/**
 * The kind a generic item is scored as: the asserted one, or the one its value looks like; or how it
 * is answered when no pipeline may see it (longer than `maxLength`, the longest any pipeline takes;
 * not a file hash though asserted to be one; empty; of no known shape).
 */
export function routeMixed(
  value: string,
  asserted: IndicatorKind | undefined,
  maxLength: number,
): IndicatorKind | Refused {
  if (value.length > maxLength) return (id) => tooLong({ id, value }, asserted, maxLength);
  if (asserted === 'file_hash' && !isFileHash(value)) {
    const err = itemError(
      'INDICATOR_TYPE_MISMATCH',
      'not an MD5, SHA-1 or SHA-256 hex digest (asserted type file_hash)',
      {
        type: 'file_hash',
      },
    );
    return (id) => result(id, echo(value), asserted, err);
  }
  const kind = asserted ?? detectKind(value);
  if (kind !== undefined) return kind;
  const err =
    value.trim() === ''
      ? itemError('INDICATOR_EMPTY', 'indicator is empty')
      : itemError('INDICATOR_TYPE_UNKNOWN', 'not a domain, URL, IP address, email address or file hash');
  return (id) => result(id, echo(value), undefined, err);
}

/** Whether an answer for an item asserted to be of its kind says the value is not of that kind. */
export function isMismatch(r: ScoredItem): boolean {
  return r.error?.reason.startsWith('INVALID_') === true;
}

/**
 * The answer for an item asserted to be of `kind`: a pipeline's INVALID_* error becomes
 * INDICATOR_TYPE_MISMATCH (a new object, linked to no cache entry: the entry keeps the pipeline's).
 */
export function assertedAnswer(r: ScoredItem, kind: IndicatorKind): ScoredItem {
  if (!isMismatch(r)) return r;
  return {
    ...r,
    cached: undefined,
    error: itemError('INDICATOR_TYPE_MISMATCH', `${r.error!.message} (asserted type ${kind})`, { type: kind }),
  };
}
