/**
 * Float32Array <-> base64, for arrays kept in a checkpoint's JSON state (a teacher memory, an
 * image pool). btoa/atob rather than Buffer, so it runs in a browser too.
 */
export function encodeFloats(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  // In chunks: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function decodeFloats(s: string): Float32Array {
  const bin = atob(s);
  if (bin.length % 4 !== 0) throw new RangeError(`decodeFloats: ${bin.length} bytes is not a whole number of float32 values`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
