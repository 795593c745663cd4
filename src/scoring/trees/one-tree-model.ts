/**
 * A one-tree binary TreeEnsembleClassifier written as ONNX bytes, to have onnxruntime score chosen
 * values: row k (feature 0 = k) lands on leaf k, whose class-0 weight is `weights[k]`, so
 * onnxruntime's output for row k is its post transform of weights[k] + base. tree-runner.ts asks it
 * for its logistic at load (the probe); tests for the walk's last steps. Messages: onnx-proto.ts.
 */
import { ONNX_MODEL } from './onnx-proto';

/** AttributeProto.AttributeType values. */
const STRING = 3;
const FLOATS = 6;
const INTS = 7;
const STRINGS = 8;
/** TensorProto.DataType values. */
const FLOAT = 1;
const INT64 = 7;

export interface OneTreeOptions {
  weights: readonly number[];
  base?: number;
  postTransform?: 'NONE' | 'LOGISTIC';
}

/** The model's input and outputs, as a ModelIo names them. */
export const ONE_TREE_IO = { input: 'X', output: 'probabilities', width: 1 } as const;

export function oneTreeModel({ weights, base = 0, postTransform = 'LOGISTIC' }: OneTreeOptions): Uint8Array {
  const nodes: { id: number; mode: string; threshold: number; yes: number; no: number }[] = [];
  const leafOf: number[] = [];
  // A balanced tree over leaves [lo, hi): x <= mid - 0.5 goes to the lower half.
  const build = (lo: number, hi: number): number => {
    const id = nodes.length;
    const node = { id, mode: 'LEAF', threshold: 0, yes: 0, no: 0 };
    nodes.push(node);
    if (hi - lo === 1) {
      leafOf[lo] = id;
      return id;
    }
    const mid = (lo + hi) >> 1;
    node.mode = 'BRANCH_LEQ';
    node.threshold = mid - 0.5;
    node.yes = build(lo, mid);
    node.no = build(mid, hi);
    return id;
  };
  build(0, weights.length);
  const ints = (name: string, ints: number[]) => ({ name, ints, type: INTS });
  const floats = (name: string, floats: number[]) => ({ name, floats, type: FLOATS });
  const text = (s: string) => Buffer.from(s, 'utf8');
  const attribute = [
    ints('classlabels_int64s', [0, 1]),
    ints(
      'class_ids',
      weights.map(() => 0),
    ),
    ints(
      'class_treeids',
      weights.map(() => 0),
    ),
    ints('class_nodeids', leafOf),
    floats('class_weights', [...weights]),
    floats('base_values', [base]),
    ints(
      'nodes_treeids',
      nodes.map(() => 0),
    ),
    ints(
      'nodes_nodeids',
      nodes.map((n) => n.id),
    ),
    ints(
      'nodes_featureids',
      nodes.map(() => 0),
    ),
    floats(
      'nodes_values',
      nodes.map((n) => n.threshold),
    ),
    ints(
      'nodes_truenodeids',
      nodes.map((n) => n.yes),
    ),
    ints(
      'nodes_falsenodeids',
      nodes.map((n) => n.no),
    ),
    ints(
      'nodes_missing_value_tracks_true',
      nodes.map(() => 0),
    ),
    floats(
      'nodes_hitrates',
      nodes.map(() => 1),
    ),
    { name: 'nodes_modes', strings: nodes.map((n) => text(n.mode)), type: STRINGS },
    { name: 'post_transform', s: text(postTransform), type: STRING },
  ];
  const tensor = (elemType: number, dims: ({ dimParam: string } | { dimValue: number })[]) => ({
    tensorType: { elemType, shape: { dim: dims } },
  });
  const model = {
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    graph: {
      name: 'one-tree',
      node: [
        {
          input: [ONE_TREE_IO.input],
          output: ['label', ONE_TREE_IO.output],
          name: 'trees',
          opType: 'TreeEnsembleClassifier',
          domain: 'ai.onnx.ml',
          attribute,
        },
      ],
      input: [{ name: ONE_TREE_IO.input, type: tensor(FLOAT, [{ dimParam: 'N' }, { dimValue: 1 }]) }],
      output: [
        { name: 'label', type: tensor(INT64, [{ dimParam: 'N' }]) },
        { name: ONE_TREE_IO.output, type: tensor(FLOAT, [{ dimParam: 'N' }, { dimValue: 2 }]) },
      ],
    },
  };
  return ONNX_MODEL.encode(ONNX_MODEL.fromObject(model)).finish();
}
