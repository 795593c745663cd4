/**
 * mulberry32: a small seeded generator of numbers in [0, 1), the same sequence for the same seed on
 * every run and machine. For what must be reproducible, never for secrets: the tree runner's check
 * rows, the slice thresholds' bootstrap, the benches' and tests' generated inputs.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
