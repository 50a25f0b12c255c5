import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '@lacuna/core';
import { alignedIoU, yawDifference, type Box3D, type ScoredBox3D } from './box3d.js';
import { averagePrecision, detectionMetrics } from './detection_metrics.js';

const car = (x: number, z: number, extra: Partial<Box3D> = {}): Box3D => ({ label: 'car', centre: [x, 1, z], size: [2, 1.5, 4], yaw: 0, ...extra });
const person = (x: number, z: number): Box3D => ({ label: 'pedestrian', centre: [x, 0.9, z], size: [0.6, 1.8, 0.6], yaw: 0 });
const scored = (b: Box3D, score: number, extra: Partial<ScoredBox3D> = {}): ScoredBox3D => ({ ...b, score, ...extra });
const close = (a: number, b: number, what: string, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const closeAll = (a: readonly number[], b: readonly number[], what: string) => {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => close(v, b[i]!, `${what} [${i}]`));
};

test('box helpers: aligned IoU of two sizes and the smallest heading difference, by hand', () => {
  close(alignedIoU(car(0, 10), car(5, 5, { size: [2, 1.5, 5], yaw: 1 })), 12 / 15, 'IoU');
  close(alignedIoU(car(0, 10), car(0, 10, { size: [1, 3, 4] })), 6 / (12 + 12 - 6), 'IoU of crossing sizes');
  close(yawDifference(3, -3), 2 * Math.PI - 6, 'wrap-around');
  close(yawDifference(0.2, 0.2 + 4 * Math.PI), 0, 'whole turns');
  close(yawDifference(0, Math.PI), Math.PI, 'facing back');
});

test('a perfect detector scores mAP 1, zero errors and NDS 1; an empty one mAP 0, errors 1 and NDS 0', () => {
  const samples = [
    { truth: [car(0, 10), person(3, 12)], predicted: [] as ScoredBox3D[] },
    { truth: [car(-4, 25, { yaw: 2 })], predicted: [] as ScoredBox3D[] },
  ];
  const perfect = detectionMetrics(samples.map((s) => ({ truth: s.truth, predicted: s.truth.map((b) => scored(b, 0.9)) })), { headingFree: ['pedestrian'] });
  closeAll([perfect.map, perfect.ate, perfect.ase, perfect.aoe, perfect.nds], [1, 0, 0, 0, 1], 'perfect');
  assert.ok(Number.isNaN(perfect.perClass['pedestrian']!.errors.aoe), 'no heading error for a heading-free class');
  closeAll([perfect.perDistance['0-20']!.map, perfect.perDistance['0-20']!.truth], [1, 2], 'perfect, 0-20 m');
  const empty = detectionMetrics(samples);
  closeAll([empty.map, empty.ate, empty.ase, empty.aoe, empty.nds], [0, 1, 1, 1, 0], 'empty');
});

test('one car found 0.75 m off with a longer box and a 0.3 rad heading error: hand-computed mAP, errors and NDS', () => {
  const truth = car(0, 10);
  const found = scored(car(0.6, 10.45, { size: [2, 1.5, 5], yaw: 0.3 }), 0.8);
  const m = detectionMetrics([{ truth: [truth], predicted: [found] }]);
  // Missed at 0.5 m, found at 1, 2 and 4 m with precision 1 at recall 1.
  assert.deepEqual(m.thresholds, [0.5, 1, 2, 4]);
  closeAll(m.perClass['car']!.ap, [0, 1, 1, 1], 'AP per threshold');
  close(m.map, 0.75, 'mAP');
  close(m.ate, 0.75, 'ATE');
  close(m.ase, 1 - 12 / 15, 'ASE');
  close(m.aoe, 0.3, 'AOE');
  close(m.nds, (5 * 0.75 + 0.25 + 0.8 + 0.7) / 8, 'NDS');
});

test('a false positive ranked above the true one: precision 0.5 r along recall, AP 0.2 (by hand) at every threshold', () => {
  const truth = car(0, 10);
  const m = detectionMetrics([{ truth: [truth], predicted: [scored(car(10, 30), 0.9), scored(truth, 0.5)] }]);
  // prec(r) = 0.5 r; AP = Σ_{k=11..100} max(0, 0.005 k − 0.1) / 90 / 0.9 = 16.2 / 81 = 0.2.
  closeAll(m.perClass['car']!.ap, [0.2, 0.2, 0.2, 0.2], 'AP per threshold');
  close(averagePrecision({ matched: [null, truth], truthCount: 1 }), 0.2, 'AP from the matches');
  // Half the cars found, the first confident: precision 1 up to recall 0.5, then nothing.
  close(averagePrecision({ matched: [truth], truthCount: 2 }), (40 * 0.9) / 90 / 0.9, 'AP with half the recall');
});

test('each truth is matched once, to the nearest prediction first in score order; classes never match across', () => {
  const t = [car(0, 10), car(6, 10)];
  const m = detectionMetrics([{ truth: t, predicted: [scored(car(0.2, 10), 0.9), scored(car(0.1, 10), 0.8), scored({ ...car(6, 10), label: 'pedestrian' }, 0.7)] }], { classes: ['car'] });
  // The second car prediction finds its truth taken and the other car 5.9 m away: a false positive at every threshold.
  closeAll(m.perClass['car']!.ap, new Array(4).fill(40 / 90), 'AP per threshold');
  close(m.ate, 0.2, 'ATE from the first match only');
});

test('the per-distance breakdown scores each range band on its own boxes', () => {
  const near = car(0, 10), far = car(0, 25);
  const m = detectionMetrics([{ truth: [near, far], predicted: [scored(near, 0.9)] }]);
  closeAll(['0-20', '20-30', '30-inf'].flatMap((band) => [m.perDistance[band]!.map, m.perDistance[band]!.truth]), [1, 1, 0, 1, 0, 0], 'bands');
});

test('bad boxes are clear errors that name the image and box', () => {
  assert.throws(() => detectionMetrics([{ truth: [car(0, 10)], predicted: [scored(car(NaN, 10), 0.5)] }]), (e: Error) => e instanceof ValueError && /image 0 prediction 0/.test(e.message));
  assert.throws(() => detectionMetrics([{ truth: [car(0, 10)], predicted: [{ ...car(0, 10) } as ScoredBox3D] }]), /score/);
  assert.throws(() => detectionMetrics([{ truth: [], predicted: [] }]), /no classes/);
});
