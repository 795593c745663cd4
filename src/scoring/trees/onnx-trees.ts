/**
 * Reads a tree ensemble out of an ONNX model: the attributes of its one `TreeEnsembleClassifier` node
 * (ai.onnx.ml), as skl2onnx writes them for our scikit-learn models. Anything else (more nodes, other
 * operators, tensor-valued attributes, several classes) is reported as unsupported, and the model is
 * run by onnxruntime as before.
 *
 * The file is decoded by protobufjs with the few messages of onnx.proto this needs (onnx-proto.ts).
 */
import { ONNX_MODEL } from './onnx-proto';

interface Attribute {
  name: string;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export type NodeMode = 'BRANCH_LEQ' | 'BRANCH_LT' | 'BRANCH_GTE' | 'BRANCH_GT' | 'BRANCH_EQ' | 'BRANCH_NEQ' | 'LEAF';
const MODES = new Set<string>([
  'BRANCH_LEQ',
  'BRANCH_LT',
  'BRANCH_GTE',
  'BRANCH_GT',
  'BRANCH_EQ',
  'BRANCH_NEQ',
  'LEAF',
]);

export interface TreeNode {
  mode: NodeMode;
  feature: number;
  /** The threshold as onnxruntime compares it: a float32. */
  value: number;
  trueId: number;
  falseId: number;
  /** A missing value (NaN) takes the true branch. */
  missingTrue: boolean;
  /** The leaf's class weight, a float32 (leaves only; a leaf has one, see readTreeEnsemble). */
  weight: number;
}

export interface TreeEnsemble {
  input: string;
  outputs: string[];
  /** Trees in the file's order, each its nodes by node id. */
  trees: Map<number, TreeNode>[];
  base: number;
  postTransform: 'NONE' | 'LOGISTIC';
  /**
   * No class weight is negative: onnxruntime then reports [1 - score, score] for a binary model and
   * skips the post transform (ml_common.h write_scores, add_second_class 0 and 1).
   */
  weightsAllPositive: boolean;
  /** Highest feature index any node reads. */
  maxFeature: number;
}

export type ReadTrees = { ok: true; ensemble: TreeEnsemble } | { ok: false; why: string };

export function readTreeEnsemble(bytes: Uint8Array): ReadTrees {
  let model: { graph?: { node?: unknown[]; input?: { name: string }[]; output?: { name: string }[] } };
  try {
    // The decoded message as it is: every field read below is a number, a string or bytes (onnx-proto.ts).
    model = ONNX_MODEL.decode(bytes) as unknown as typeof model;
  } catch (err) {
    return { ok: false, why: `not an ONNX model: ${(err as Error).message}` };
  }
  const nodes = (model.graph?.node ?? []) as { opType?: string; domain?: string; attribute?: Attribute[] }[];
  if (nodes.length !== 1 || nodes[0]?.opType !== 'TreeEnsembleClassifier' || nodes[0].domain !== 'ai.onnx.ml')
    return { ok: false, why: `graph is not one TreeEnsembleClassifier (${nodes.map((n) => n.opType).join(', ')})` };
  const attrs = new Map((nodes[0].attribute ?? []).map((a) => [a.name, a]));
  for (const name of attrs.keys())
    if (name.endsWith('_as_tensor') || name === 'classlabels_strings')
      return { ok: false, why: `attribute ${name} is not supported` };
  const ints = (name: string) => attrs.get(name)?.ints ?? [];
  const floats = (name: string) => attrs.get(name)?.floats ?? [];
  const text = (b: Uint8Array | undefined) => (b === undefined ? '' : Buffer.from(b).toString('utf8'));

  const labels = ints('classlabels_int64s');
  const classIds = new Set(ints('class_ids'));
  // Binary models score one class; onnxruntime reports sigmoid(score) as the second label's probability.
  if (labels.length !== 2 || classIds.size !== 1) return { ok: false, why: 'only binary classifiers are compiled' };
  // With the weights on class 1, onnxruntime scores both classes apart (binary as multiclass).
  if (!classIds.has(0)) return { ok: false, why: `class weights for class ${[...classIds][0]}, not 0` };
  const post = text(attrs.get('post_transform')?.s) || 'NONE';
  if (post !== 'NONE' && post !== 'LOGISTIC') return { ok: false, why: `post_transform ${post} is not supported` };
  const base = floats('base_values');
  if (base.length > 1) return { ok: false, why: 'more than one base value' };

  const treeIds = ints('nodes_treeids');
  const nodeIds = ints('nodes_nodeids');
  const modes = (attrs.get('nodes_modes')?.strings ?? []).map(text);
  const featureIds = ints('nodes_featureids');
  const values = floats('nodes_values');
  const trueIds = ints('nodes_truenodeids');
  const falseIds = ints('nodes_falsenodeids');
  const missing = ints('nodes_missing_value_tracks_true');
  const n = treeIds.length;
  for (const [name, list] of Object.entries({ nodeIds, modes, featureIds, values, trueIds, falseIds }))
    if (list.length !== n) return { ok: false, why: `${name} has ${list.length} entries, nodes_treeids ${n}` };

  const byTree = new Map<number, Map<number, TreeNode>>();
  let maxFeature = 0;
  for (let k = 0; k < n; k++) {
    const mode = modes[k] as string;
    if (!MODES.has(mode)) return { ok: false, why: `node mode ${mode} is not supported` };
    const tree = byTree.get(treeIds[k] as number) ?? new Map<number, TreeNode>();
    byTree.set(treeIds[k] as number, tree);
    const feature = featureIds[k] as number;
    if (mode !== 'LEAF') maxFeature = Math.max(maxFeature, feature);
    tree.set(nodeIds[k] as number, {
      mode: mode as NodeMode,
      feature,
      value: Math.fround(values[k] as number),
      trueId: trueIds[k] as number,
      falseId: falseIds[k] as number,
      missingTrue: missing[k] === 1,
      weight: 0,
    });
  }
  const cTrees = ints('class_treeids');
  const cNodes = ints('class_nodeids');
  const cWeights = floats('class_weights');
  const weighted = new Set<TreeNode>();
  for (let k = 0; k < cTrees.length; k++) {
    const leaf = byTree.get(cTrees[k] as number)?.get(cNodes[k] as number);
    if (leaf === undefined || leaf.mode !== 'LEAF') return { ok: false, why: 'a class weight names no leaf' };
    // onnxruntime adds a leaf's weights one by one in an order its sort leaves open; ours have one.
    if (weighted.has(leaf)) return { ok: false, why: 'a leaf has more than one class weight' };
    weighted.add(leaf);
    leaf.weight = Math.fround(cWeights[k] as number);
  }
  for (const tree of byTree.values()) {
    if (!tree.has(0)) return { ok: false, why: 'a tree has no root node 0' };
    for (const node of tree.values())
      if (node.mode !== 'LEAF' && !(tree.has(node.trueId) && tree.has(node.falseId)))
        return { ok: false, why: 'a branch points to a missing node' };
  }
  return {
    ok: true,
    ensemble: {
      input: model.graph?.input?.[0]?.name ?? '',
      outputs: (model.graph?.output ?? []).map((o) => o.name),
      trees: [...byTree.values()],
      base: base[0] ?? 0,
      postTransform: post,
      weightsAllPositive: cWeights.every((w) => !(w < 0)),
      maxFeature,
    },
  };
}
