import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, initBackend, tf } from '@lacuna/core';
import { sampleRandom } from '../dataset/pose_dataset.js';
import { boxCorners, yawDifference } from './box3d.js';
import { decodeDetections } from './decode_detections.js';
import { denseTargets, projectBox } from './dense_targets.js';
import { detectionMetrics } from './detection_metrics.js';
import { detectorLoss } from './detector_loss.js';
import { buildDirectDetector, detectorForward, OUTPUT_STRIDE } from './direct_detector_net.js';
import { DRIVING_INTRINSICS, renderScene } from './render_scene.js';
import { openSceneSet, writeSceneSet } from './scene_files.js';
import { MEAN_SIZES, SCENE_CLASSES } from './scene_objects.js';
import { evaluateDetector, loadDetector, renderDetectionData, trainDetector } from './train_detector.js';
import { detectionPicture } from './detection_picture.js';

/** Convex hull (counter-clockwise, monotone chain) of 2-D points. */
function hull(points: [number, number][]): [number, number][] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]) => (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);
  const lower: [number, number][] = [], upper: [number, number][] = [];
  for (const q of p) { while (lower.length >= 2 && cross(lower.at(-2)!, lower.at(-1)!, q) <= 0) lower.pop(); lower.push(q); }
  for (const q of [...p].reverse()) { while (upper.length >= 2 && cross(upper.at(-2)!, upper.at(-1)!, q) <= 0) upper.pop(); upper.push(q); }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

test('every object of a scene: its visible mask lies inside its projected 3-D box, and is non-empty', () => {
  const K = DRIVING_INTRINSICS;
  let objects = 0, occluded = 0;
  for (let i = 0; i < 25; i++) {
    const s = renderScene(sampleRandom(5, i));
    assert.ok(s.objects.length >= 1 && s.objects.length <= 5);
    for (const ob of s.objects) {
      objects++;
      if (ob.visibility < 0.99) occluded++;
      assert.ok(ob.pxCountVisib > 0 && ob.visibility >= 0.1, `scene ${i}: an object with ${ob.pxCountVisib} visible pixels`);
      const c = boxCorners(ob.box);
      const h = hull(Array.from({ length: 8 }, (_, k) => [(K.fx * c[k * 3]!) / c[k * 3 + 2]! + K.cx, (K.fy * c[k * 3 + 1]!) / c[k * 3 + 2]! + K.cy]));
      for (let p = 0; p < s.width * s.height; p++) {
        if (!ob.mask[p]) continue;
        assert.equal(ob.objectMask[p], 1, 'a visible pixel belongs to the whole silhouette');
        const u = p % s.width, v = Math.floor(p / s.width);
        for (let k = 0; k < h.length; k++) {
          const a = h[k]!, b = h[(k + 1) % h.length]!;
          const side = (b[0] - a[0]) * (v - a[1]) - (b[1] - a[1]) * (u - a[0]);
          assert.ok(side >= -1e-6, `scene ${i}: visible pixel (${u}, ${v}) of a ${ob.box.label} lies outside its projected box`);
        }
      }
    }
  }
  assert.ok(objects >= 50 && occluded >= 3, `${objects} objects, ${occluded} partly occluded: the scenes must have occlusion`);
});

test('a scene set written and read back gives the same boxes, boxes from BOP poses, and the same images', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-scenes-'));
  try {
    const out = join(dir, 'set');
    await writeSceneSet(out, { count: 6, seed: 3 });
    const set = await openSceneSet(out);
    assert.equal(set.count, 6);
    assert.deepEqual(set.classes, [...SCENE_CLASSES]);
    for (let i = 0; i < 6; i++) {
      const s = renderScene(sampleRandom(3, i));
      const t = set.truth(i);
      assert.equal(t.boxes.length, s.objects.length);
      t.boxes.forEach((b, k) => {
        const want = s.objects[k]!.box;
        assert.equal(b.label, want.label);
        for (let a = 0; a < 3; a++) {
          assert.ok(Math.abs(b.centre[a]! - want.centre[a]!) < 1e-9, `centre ${a}: ${b.centre[a]} vs ${want.centre[a]}`);
          assert.equal(b.size[a], want.size[a]);
        }
        assert.ok(yawDifference(b.yaw, want.yaw) < 1e-9);
        assert.deepEqual(t.info[k]!.bbox_visib, s.objects[k]!.bboxVisib);
      });
      const im = await set.image(i);
      let worst = 0;
      for (let p = 0; p < im.length; p++) worst = Math.max(worst, Math.abs(im[p]! - s.image[p]!));
      assert.ok(worst <= 0.5 / 255 + 1e-6, `image ${i}: PNG round trip off by ${worst}`);
    }
    // A pose that is not a rotation about y is named with its file and instance.
    const gtPath = join(out, 'train', '000000', 'scene_gt.json');
    const gts = JSON.parse(await readFile(gtPath, 'utf8'));
    gts['2'][0].cam_R_m2c = [1, 0, 0, 0, 0, -1, 0, 1, 0];
    await writeFile(gtPath, JSON.stringify(gts));
    await assert.rejects(openSceneSet(out), (e: Error) => e.message.includes('scene_gt.json image 2 instance 0') && e.message.includes('rotation about'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dense targets decode back to the true boxes: a perfect head finds every object whose centre has a cell of its own, exactly', () => {
  const scenes = Array.from({ length: 8 }, (_, i) => renderScene(sampleRandom(11, i)));
  const boxes = scenes.map((s) => s.objects.map((o) => o.box));
  const o = { classes: SCENE_CLASSES, meanSizes: MEAN_SIZES, intrinsics: DRIVING_INTRINSICS, width: 128, height: 96, stride: OUTPUT_STRIDE };
  const t = denseTargets(boxes, o);
  assert.ok(t.positives >= boxes.flat().length, 'every object has a positive location');
  // The head output a perfect network would give: logits ±20 from the targets, regression = targets.
  const C = SCENE_CLASSES.length, n = 8 * t.rows * t.cols;
  const out = new Float32Array(n * (C + 13));
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < C; c++) out[p * (C + 13) + c] = t.classes[p * C + c] ? 20 : -20;
    // Centerness: high at positives, peaked at the centre (its target), so the peak is the centre cell.
    out[p * (C + 13) + C] = t.positive[p] ? Math.log(t.centerness[p]! / (1 - t.centerness[p]! + 1e-6)) : -20;
    out.set(t.regression.subarray(p * 12, p * 12 + 12), p * (C + 13) + C + 1);
  }
  const found = decodeDetections(out, [8, t.rows, t.cols, C + 13], o);
  // Peaks are 3x3 maxima, so of two same-class objects whose centre cells touch only one can be found (as in CenterNet).
  const cell = (b: (typeof boxes)[0][0]) => projectBox(b, DRIVING_INTRINSICS).centre.map((x) => Math.round((x - 1.5) / OUTPUT_STRIDE));
  let separate = 0;
  boxes.forEach((bs, i) => {
    for (const b of bs) {
      const [cu, cv] = cell(b);
      if (bs.some((other) => other !== b && other.label === b.label && Math.abs(cell(other)[0]! - cu!) <= 1 && Math.abs(cell(other)[1]! - cv!) <= 1)) continue;
      separate++;
      const hit = found[i]!.find((d) => d.label === b.label && Math.hypot(d.centre[0] - b.centre[0], d.centre[1] - b.centre[1], d.centre[2] - b.centre[2]) < 1e-4);
      assert.ok(hit, `scene ${i}: the ${b.label} at z ${b.centre[2].toFixed(1)} m is not found`);
      assert.ok(Math.abs(hit.size[0] - b.size[0]) < 1e-4 && Math.abs(hit.size[2] - b.size[2]) < 1e-4 && (b.label === 'pedestrian' || yawDifference(hit.yaw, b.yaw) < 1e-4));
    }
  });
  assert.ok(separate >= 0.85 * boxes.flat().length, `${separate} of ${boxes.flat().length} objects have a centre cell of their own`);
  const m = detectionMetrics(boxes.map((truth, i) => ({ truth, predicted: found[i]! })), { classes: SCENE_CLASSES, headingFree: ['pedestrian'] });
  assert.ok(m.map > 0.85 && m.ate < 1e-4 && m.ase < 1e-4 && m.aoe < 1e-4, `mAP ${m.map}, ATE ${m.ate} ASE ${m.ase} AOE ${m.aoe}`);
});

test('the focal loss matches a hand computation; training lowers the loss and the model folder round-trips', async () => {
  await initBackend();
  // One location, one class, target 1, logit 0: p = 0.5, focal = 0.25 · 0.5² · log 2.
  const t = { rows: 1, cols: 1, classes: Float32Array.of(1, 0), positive: Float32Array.of(1), centerness: Float32Array.of(1), regression: new Float32Array(12), positives: 1 };
  const { total, parts } = detectorLoss(tf.zeros([1, 1, 1, 15]) as tf.Tensor4D, t);
  const cls = parts.cls!.dataSync()[0]!;
  assert.ok(Math.abs(cls - (0.25 * 0.25 * Math.LN2 + 0.75 * 0.25 * Math.LN2)) < 1e-6, `focal ${cls}`);
  tf.dispose([total, ...Object.values(parts)]);

  const dir = await mkdtemp(join(tmpdir(), 'lacuna-detect-'));
  try {
    const d = renderDetectionData(48, 2);
    const net = buildDirectDetector({ classes: 2, channels: 8, seed: 1 });
    const batch = tf.tensor4d(Float32Array.from(d.images.subarray(0, 8 * 128 * 96 * 3), (v) => v / 255), [8, 96, 128, 3]);
    const targets = denseTargets(d.truths.slice(0, 8), { classes: SCENE_CLASSES, meanSizes: MEAN_SIZES, intrinsics: d.intrinsics, width: 128, height: 96, stride: OUTPUT_STRIDE });
    const lossOf = (model: typeof net) => tf.tidy(() => {
      const l = detectorLoss(detectorForward(model, batch, false), targets);
      const v = l.total.dataSync()[0]!;
      tf.dispose(Object.values(l.parts));
      return v;
    });
    const before = lossOf(net);
    net.dispose();
    const losses: number[] = [];
    const r = await trainDetector({ out: join(dir, 'run'), data: d, steps: 60, batchSize: 8, channels: 8, seed: 1, progress: 'none', checkpointEvery: 60, onStep: (_, l) => void losses.push(l.loss!) });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const first = mean(losses.slice(0, 10)), last = mean(losses.slice(-10));
    assert.ok(Math.abs(first - before) < 0.5 * before, `the first steps' loss ${first.toFixed(3)} is the untrained network's (${before.toFixed(3)})`);
    assert.ok(last < 0.75 * first, `training loss, mean of the first and last 10 steps: ${first.toFixed(3)} -> ${last.toFixed(3)}`);
    const model = await loadDetector(join(dir, 'run'));
    assert.equal(model.meta.trainedSteps, 60);
    assert.deepEqual(model.meta.classes, [...SCENE_CLASSES]);
    const m = evaluateDetector(model, renderDetectionData(4, 99));
    assert.ok(Number.isFinite(m.map) && Number.isFinite(m.nds));
    assert.equal(r.steps, 60);
    batch.dispose();
    model.net.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a detection picture has the image on the left and a bird\'s-eye view on the right', () => {
  const s = renderScene(new data.Random(4));
  const boxes = s.objects.map((o) => o.box);
  const count = (pic: { data: Float32Array }, colour: number[], from: number, to: number) => {
    let n = 0;
    for (let r = 0; r < 192; r++) for (let c = from; c < to; c++) if ([0, 1, 2].every((k) => pic.data[(r * 448 + c) * 3 + k] === colour[k])) n++;
    return n;
  };
  const truthOnly = detectionPicture(s.image, s.width, s.height, s.intrinsics, boxes, [], { classes: SCENE_CLASSES, scale: 2 });
  assert.deepEqual(truthOnly.shape, [192, 256 + 192, 3]);
  // The truth's edges (white) on the image side and footprints in the bird's-eye view; no class colour anywhere.
  assert.ok(count(truthOnly, [1, 1, 1], 0, 256) > 20 && count(truthOnly, [1, 1, 1], 256, 448) > 10);
  const car = [0.1, 0.9, 0.2].map(Math.fround);
  assert.equal(count(truthOnly, car, 0, 448), 0);
  const withCars = detectionPicture(s.image, s.width, s.height, s.intrinsics, [], boxes.filter((b) => b.label === 'car'), { classes: SCENE_CLASSES, scale: 2 });
  assert.equal(boxes.some((b) => b.label === 'car'), count(withCars, car, 0, 448) > 10);
});
