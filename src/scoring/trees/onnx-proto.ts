/**
 * The few messages of onnx.proto that reading a tree ensemble (onnx-trees.ts) and writing a one-tree
 * model (one-tree-model.ts) need, for protobufjs. Field numbers are onnx.proto's own
 * (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto); protobuf skips the fields a schema does
 * not name, so a real model decodes through this subset.
 */
import protobuf from 'protobufjs';

export const ONNX_MODEL = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensorType: { type: 'Tensor', id: 1 } } },
        Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'Shape', id: 2 } } },
        Shape: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'bytes', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            // int64 in onnx.proto, read as int32 (the same varint on the wire for every value of int32's
            // range): a tree's ids, features and labels, without a Long per value (~5x faster to decode).
            // A value past that range would read wrong, and the walk's check against onnxruntime, which
            // reads it right, would keep the model on onnxruntime (tree-runner.ts).
            ints: { rule: 'repeated', type: 'int32', id: 8 },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            type: { type: 'int32', id: 20 },
          },
        },
      },
    },
  },
}).lookupType('onnx.ModelProto');
