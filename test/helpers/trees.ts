/**
 * For the tree walks' tests (trees.test.ts, level-trees.test.ts): every committed model version, and
 * hand-made ensembles to test the walks' rules on.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TreeEnsemble, TreeNode } from '../../src/scoring/trees/onnx-trees';

export const MODELS = join(__dirname, '..', '..', 'models');

/** models/<name>/<version> of every committed version. */
export const versions = readdirSync(MODELS)
  .filter((name) => name !== 'training')
  .flatMap((name) =>
    readdirSync(join(MODELS, name))
      .filter((v) => /^[0-9]+$/.test(v))
      .map((v) => join(MODELS, name, v)),
  );

export const leaf = (weight: number): TreeNode => ({
  mode: 'LEAF',
  feature: 0,
  value: 0,
  trueId: 0,
  falseId: 0,
  missingTrue: false,
  weight,
});

/** A node sending `feature` <= `value` to `trueId`, the rest (and a missing value) to `falseId`. */
export const branch = (feature: number, value: number, trueId: number, falseId: number): TreeNode => ({
  mode: 'BRANCH_LEQ',
  feature,
  value,
  trueId,
  falseId,
  missingTrue: false,
  weight: 0,
});

/** An ensemble of `trees` over two features, base score 0.5. */
export function ensemble(trees: Map<number, TreeNode>[], postTransform: 'NONE' | 'LOGISTIC' = 'NONE'): TreeEnsemble {
  return { input: 'X', outputs: [], trees, base: 0.5, postTransform, weightsAllPositive: false, maxFeature: 1 };
}
