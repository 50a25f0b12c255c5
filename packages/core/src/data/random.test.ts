import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../errors.js';
import { Random } from './random.js';

const draw = (r: Random, n: number): number[] => Array.from({ length: n }, () => r.nextUint32());

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length };
}

test('same seed gives the same stream; different seeds differ', () => {
  assert.deepEqual(draw(new Random(42), 16), draw(new Random(42), 16));
  assert.notDeepEqual(draw(new Random(42), 16), draw(new Random(43), 16));
  // Seeds differing only above bit 32 differ too.
  assert.notDeepEqual(draw(new Random(1), 8), draw(new Random(1 + 2 ** 32), 8));
});

test('sfc32 raw outputs are pinned (guards against accidental algorithm changes)', () => {
  // Independent reference (Python, PractRand seeding a=0, b=seed lo, c=seed hi, d=1, 12 discarded):
  //   M = 0xffffffff
  //   def sfc32(seed):
  //       a, b, c, d = 0, seed & M, (seed >> 32) & M, 1
  //       def nxt():
  //           nonlocal a, b, c, d
  //           t = (a + b + d) & M; d = (d + 1) & M; a = b ^ (b >> 9)
  //           b = (c + (c << 3)) & M; c = ((c << 21) | (c >> 11)) & M; c = (c + t) & M
  //           return t
  //       for _ in range(12): nxt()
  //       return nxt
  //   n = sfc32(seed); print([n() for _ in range(4)])
  assert.deepEqual(draw(new Random(0), 4), [1363572419, 145230303, 808754475, 4216505632]);
  assert.deepEqual(draw(new Random(42), 4), [1264412219, 1947509147, 3919439299, 1251167922]);
});

test('state round-trips through JSON and resumes bit-identically', () => {
  const r = new Random(7);
  r.normal();
  r.beta(0.3, 0.3);
  const saved = JSON.parse(JSON.stringify(r.getState()));
  const expected = [r.uniform(), r.normal(), r.int(0, 10), r.beta(0.3, 0.3), r.gamma(2.5), ...r.permutation(5)];
  const resumed = Random.fromState(saved);
  const got = [resumed.uniform(), resumed.normal(), resumed.int(0, 10), resumed.beta(0.3, 0.3), resumed.gamma(2.5), ...resumed.permutation(5)];
  assert.deepEqual(got, expected);
  const c = r.clone();
  assert.equal(c.uniform(), r.uniform());
  assert.throws(() => r.setState({ algorithm: 'sfc32', words: [1, 2, 3] } as never), ValueError);
  assert.throws(() => new Random(-1), ValueError);
});

test('uniform is in [low, high) with mean and variance of U(0,1)', () => {
  const r = new Random(1);
  const xs = Array.from({ length: 20000 }, () => r.uniform());
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const { mean, variance } = moments(xs);
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.003, `variance ${variance}`);
  const ys = Array.from({ length: 1000 }, () => r.uniform(-3, -1));
  assert.ok(ys.every((y) => y >= -3 && y < -1));
});

test('normal has the requested mean and variance', () => {
  const r = new Random(2);
  const { mean, variance } = moments(Array.from({ length: 20000 }, () => r.normal(3, 2)));
  assert.ok(Math.abs(mean - 3) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 4) < 0.15, `variance ${variance}`);
});

test('int covers its range uniformly and rejects bad ranges', () => {
  const r = new Random(3);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 12000; i++) counts[r.int(-2, 4) + 2]++;
  for (const c of counts) assert.ok(Math.abs(c - 2000) < 200, `counts ${counts}`);
  assert.ok(Array.from({ length: 100 }, () => r.int(0, 2 ** 32)).every((x) => x >= 0 && x < 2 ** 32));
  assert.throws(() => r.int(3, 3), /Random.int/);
  assert.throws(() => r.int(0, 1.5), ValueError);
});

test('shuffle and permutation are permutations; choice picks members', () => {
  const r = new Random(4);
  const p = r.permutation(50);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual([...p], Array.from({ length: 50 }, (_, i) => i));
  const arr = ['a', 'b', 'c', 'd'];
  assert.equal(r.shuffle(arr), arr);
  assert.deepEqual([...arr].sort(), ['a', 'b', 'c', 'd']);
  // Fisher–Yates is uniform: each of the 6 orders of 3 items appears about equally often.
  const seen = new Map<string, number>();
  for (let i = 0; i < 6000; i++) {
    const k = r.shuffle([0, 1, 2]).join('');
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  assert.equal(seen.size, 6);
  for (const c of seen.values()) assert.ok(Math.abs(c - 1000) < 150, `orders ${[...seen]}`);
  assert.ok(['x', 'y'].includes(r.choice(['x', 'y'])));
  assert.throws(() => r.choice([]), ValueError);
});

test('gamma and beta have the right moments, including MixUp Beta(0.3, 0.3)', () => {
  const r = new Random(5);
  for (const [shape, scale] of [[0.3, 1], [2.5, 2]] as const) {
    const { mean, variance } = moments(Array.from({ length: 20000 }, () => r.gamma(shape, scale)));
    assert.ok(Math.abs(mean - shape * scale) < 0.05 * Math.max(1, shape * scale), `gamma(${shape}) mean ${mean}`);
    assert.ok(Math.abs(variance / (shape * scale * scale) - 1) < 0.08, `gamma(${shape}) variance ${variance}`);
  }
  const bs = Array.from({ length: 20000 }, () => r.beta(0.3, 0.3));
  assert.ok(bs.every((b) => b >= 0 && b <= 1 && !Number.isNaN(b)));
  const { mean, variance } = moments(bs);
  assert.ok(Math.abs(mean - 0.5) < 0.01, `beta mean ${mean}`);
  assert.ok(Math.abs(variance - 0.15625) < 0.005, `beta variance ${variance}`); // ab / ((a+b)^2 (a+b+1))
  const b2 = moments(Array.from({ length: 20000 }, () => r.beta(2, 5)));
  assert.ok(Math.abs(b2.mean - 2 / 7) < 0.01, `beta(2,5) mean ${b2.mean}`);
  // Tiny shapes must not produce NaN (log-space sampling).
  assert.ok(Array.from({ length: 1000 }, () => r.beta(0.01, 0.01)).every((b) => b >= 0 && b <= 1));
  assert.throws(() => r.beta(0, 1), /Random.beta: shape must be > 0/);
});

test('deriveSeed: stable, in [0, 2^53), different for neighbouring inputs and for the order of parts', async () => {
  const { deriveSeed } = await import('./random.js');
  assert.equal(deriveSeed(1, 2, 3), deriveSeed(1, 2, 3));
  const seen = new Set<number>();
  for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) {
    const s = deriveSeed(a, b);
    assert.ok(Number.isSafeInteger(s) && s >= 0);
    seen.add(s);
  }
  assert.equal(seen.size, 400);
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 1));
});
