/** Plain lines: each non-empty line is one indicator of any type; the service detects which. */
import type { LineResult } from '../record';

export function readPlainLine(text: string): LineResult {
  const v = text.trim();
  if (v === '' || v.startsWith('#')) return undefined;
  return { sensor: 'plain', observations: [{ field: 'line', value: v }] };
}
