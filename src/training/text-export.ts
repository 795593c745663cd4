/**
 * Rows' hashed text vectors as the training side reads them (models/training/text_model.py): CSR
 * arrays text_indptr.u32, text_indices.u32 and text_values.f32 in the export folder, row i's
 * buckets at indices[indptr[i] .. indptr[i+1]). One writer for the email export and the tests that
 * make synthetic exports, so both hand train.py the same layout.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SparseText } from '../indicators/email/text-hash';

export function writeTextVectors(dir: string, vectors: readonly SparseText[]): void {
  const indptr = new Uint32Array(vectors.length + 1);
  let n = 0;
  for (const [i, v] of vectors.entries()) {
    n += v.indices.length;
    indptr[i + 1] = n;
  }
  const indices = new Uint32Array(n);
  const values = new Float32Array(n);
  for (const [i, v] of vectors.entries()) {
    indices.set(v.indices, indptr[i]);
    values.set(v.values, indptr[i]);
  }
  writeFileSync(join(dir, 'text_indptr.u32'), Buffer.from(indptr.buffer));
  writeFileSync(join(dir, 'text_indices.u32'), Buffer.from(indices.buffer));
  writeFileSync(join(dir, 'text_values.f32'), Buffer.from(values.buffer));
}
