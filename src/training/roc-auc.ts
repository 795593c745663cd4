/**
 * ROC AUC of scores of a positive set against a negative set: the probability that a random positive
 * outscores a random negative, ties counting half (Mann-Whitney U over average ranks; what
 * scikit-learn's roc_auc_score gives). Undefined (null) when either side is empty.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  const all = [...positives.map((s) => ({ s, pos: true })), ...negatives.map((s) => ({ s, pos: false }))].sort(
    (a, b) => a.s - b.s,
  );
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const rank = (i + 1 + j) / 2; // average of ranks i+1 .. j
    for (let k = i; k < j; k++) if (all[k]!.pos) rankSum += rank;
    i = j;
  }
  const n1 = positives.length;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * negatives.length);
}
