import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFloats, encodeFloats } from './float_state.js';

test('floats survive base64 exactly (NaN, -0, infinities, an array longer than one chunk) and match Node Buffer base64', () => {
  const a = new Float32Array(20000).map((_, i) => Math.sin(i) * 1e3);
  a.set([NaN, -0, Infinity, -Infinity, 1e-45], 0);
  const s = encodeFloats(a);
  assert.equal(s, Buffer.from(a.buffer).toString('base64'));
  const b = decodeFloats(s);
  assert.equal(b.length, a.length);
  assert.ok(Number.isNaN(b[0]!) && Object.is(b[1], -0) && b[2] === Infinity && b[3] === -Infinity);
  assert.deepEqual(b.subarray(4), a.subarray(4));
  // A view into a larger buffer encodes only its own bytes.
  assert.deepEqual(decodeFloats(encodeFloats(a.subarray(10, 13))), a.subarray(10, 13));
  assert.throws(() => decodeFloats(btoa('abc')), /3 bytes is not a whole number of float32/);
});
