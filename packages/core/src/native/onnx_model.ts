/**
 * A minimal writer for ONNX models (protobuf wire format), enough to describe the one-kernel
 * graphs the native engine runs: nodes with int / ints / float / string attributes, float32
 * inputs and outputs of static shape, and int64 initialisers.
 *
 * Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * ValueInfoProto, TypeProto, TensorShapeProto, TensorProto).
 */

class ProtoWriter {
  private readonly bytes: number[] = [];

  varint(value: number | bigint): this {
    let n = BigInt(value);
    if (n < 0n) n += 1n << 64n; // int64 fields encode negatives as 10-byte two's complement
    while (n >= 0x80n) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
    return this;
  }

  private tag(field: number, wireType: 0 | 2 | 5): this {
    return this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    for (const b of new Uint8Array(new Float32Array([value]).buffer)) this.bytes.push(b);
    return this;
  }

  raw(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.raw(field, m.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export type AttributeValue = number | number[] | string | { float: number };

// AttributeProto.AttributeType
const FLOAT = 1;
const INT = 2;
const STRING = 3;
const INTS = 7;
// TensorProto.DataType
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

function attribute(name: string, value: AttributeValue): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return a.raw(4, new TextEncoder().encode(value)).int(20, STRING);
  if (typeof value === 'number') return a.int(3, value).int(20, INT);
  if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    return a.int(20, INTS);
  }
  return a.float(2, value.float).int(20, FLOAT);
}

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttributeValue>>;
}

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  /** float32 graph inputs with their static shapes. */
  readonly inputs: Readonly<Record<string, readonly number[]>>;
  readonly outputs: Readonly<Record<string, readonly number[]>>;
  /** int64 constants (shapes, pads, slice bounds). */
  readonly int64Constants?: Readonly<Record<string, readonly number[]>>;
  /** float32 scalar constants (activation bounds). */
  readonly floatConstants?: Readonly<Record<string, number>>;
}

function valueInfo(name: string, shape: readonly number[]): ProtoWriter {
  const dims = new ProtoWriter();
  for (const d of shape) dims.message(1, new ProtoWriter().int(1, d));
  const tensorType = new ProtoWriter().int(1, ONNX_FLOAT).message(2, dims);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

function int64Tensor(name: string, values: readonly number[]): ProtoWriter {
  const t = new ProtoWriter().int(1, values.length).int(2, ONNX_INT64);
  for (const v of values) t.int(7, v);
  return t.string(8, name);
}

function floatScalar(name: string, value: number): ProtoWriter {
  return new ProtoWriter().int(2, ONNX_FLOAT).string(8, name).raw(9, new Uint8Array(new Float32Array([value]).buffer));
}

/** Serialises a graph as an ONNX model (IR version 8, default opset 17). */
export function encodeOnnxModel(graph: OnnxGraph, opset = 17): Uint8Array {
  const g = new ProtoWriter();
  graph.nodes.forEach((n, i) => {
    const node = new ProtoWriter();
    for (const x of n.inputs) node.string(1, x);
    for (const y of n.outputs) node.string(2, y);
    node.string(3, `n${i}`).string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) node.message(5, attribute(k, v));
    g.message(1, node);
  });
  g.string(2, 'lacuna');
  for (const [name, values] of Object.entries(graph.int64Constants ?? {})) g.message(5, int64Tensor(name, values));
  for (const [name, value] of Object.entries(graph.floatConstants ?? {})) g.message(5, floatScalar(name, value));
  for (const [name, shape] of Object.entries(graph.inputs)) g.message(11, valueInfo(name, shape));
  for (const [name, shape] of Object.entries(graph.outputs)) g.message(12, valueInfo(name, shape));
  return new ProtoWriter()
    .int(1, 8)
    .string(2, 'lacuna')
    .message(7, g)
    .message(8, new ProtoWriter().string(1, '').int(2, opset))
    .finish();
}
