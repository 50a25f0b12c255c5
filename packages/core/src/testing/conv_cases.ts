/** The convolution cases every conv kernel (wasm, native) is tested on: strides, padding modes, dilation, odd channels. */
export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
export interface ConvCase { x: number[]; w: number[]; stride: number; pad: Pad; dilation: number }

// shapes: x [B, H, W, Ci], w [KH, KW, Ci, Co]
export const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same', dilation: 1 },
  { x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same', dilation: 1 },
  { x: [2, 10, 10, 3], w: [4, 4, 3, 5], stride: 2, pad: 'same', dilation: 1 },
  { x: [2, 9, 8, 3], w: [3, 3, 3, 4], stride: 1, pad: 'valid', dilation: 1 },
  { x: [2, 9, 9, 3], w: [3, 2, 3, 4], stride: 2, pad: 'valid', dilation: 1 },
  { x: [1, 7, 7, 2], w: [3, 3, 2, 3], stride: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dilation: 1 },
  { x: [1, 9, 9, 2], w: [3, 3, 2, 3], stride: 2, pad: [[0, 0], [2, 1], [1, 0], [0, 0]], dilation: 1 },
  { x: [1, 8, 8, 2], w: [2, 2, 2, 3], stride: 2, pad: 'valid', dilation: 1 },
  { x: [2, 11, 11, 3], w: [3, 3, 3, 2], stride: 1, pad: 'same', dilation: 2 },
  { x: [1, 12, 12, 2], w: [3, 3, 2, 2], stride: 1, pad: 'valid', dilation: 3 },
  { x: [1, 6, 6, 70], w: [3, 3, 70, 9], stride: 1, pad: 'same', dilation: 1 }, // odd channel counts
];

