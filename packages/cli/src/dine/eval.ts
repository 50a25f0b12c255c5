/** `lacuna dine eval`: accuracy of a model (or a black box) on a labelled digit set. */
import { resolve } from 'node:path';
import { ValueError } from '@lacuna/core';
import { accuracyOf, data, loadDigits, openBlackBox, unlabelled, writePredictionsFile } from '@lacuna/dine';

const { checkLabels } = data;
import { backendOptions, parseOptions, printUsage, required, startBackend, type Command } from '../cli_args.js';
import { dataOptions, dataSettings, DATA_HELP, pct } from './common.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'accuracy of a model or black box on a labelled set; optionally save its predictions',
  usage: `lacuna dine eval --model DIR|URL|FILE [--data demo|mnist|usps|idx:..|png:..] [--split test|train]
                 [--save-predictions P.json] [--data-root DIR] [--usps-resize stretch|frame]

Prints overall and per-class accuracy of the model's (or black box's) predictions on the set
(default: --data demo, the demo target's test split). --save-predictions writes them as a
predictions file that 'adapt --teacher file:P.json' can use as a precomputed black box.
${DATA_HELP}`,
  async run(argv) {
    const o = parseOptions('dine eval', argv, { model: { type: 'string' }, data: { type: 'string' }, split: { type: 'string' }, 'save-predictions': { type: 'string' }, ...dataOptions, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    const spec = required('dine eval', o.model, 'model', 'DIR|URL|FILE');
    const split = o.split ?? 'test';
    if (split !== 'test' && split !== 'train') throw new ValueError(`lacuna dine eval: --split must be test or train, got '${split}'`);
    await startBackend('dine eval', o);
    const d = dataSettings(o);
    const set = await loadDigits(o.data ?? 'demo', 'target', split, d.root, d.resize);
    const box = await openBlackBox(spec, { warn: (m) => console.warn(`warning: ${m}`) });
    checkLabels(set, box.numClasses);
    const probs = await box.predict(unlabelled(set));
    if (o['save-predictions']) {
      await writePredictionsFile(resolve(o['save-predictions']), box, unlabelled(set));
      console.log(`predictions -> ${o['save-predictions']}`);
    }
    if (!set.labels) {
      console.log(`${set.name} has no labels; nothing to score`);
      return 0;
    }
    const k = box.numClasses;
    console.log(`accuracy of ${box.name} on ${set.name} (${set.count} images): ${pct(accuracyOf(probs, set.labels, k))}`);
    const perClass: string[] = [];
    for (let c = 0; c < k; c++) {
      const idx = [...set.labels.keys()].filter((i) => set.labels![i] === c);
      if (idx.length === 0) continue;
      const rows = new Float32Array(idx.length * k);
      idx.forEach((i, r) => rows.set(probs.subarray(i * k, (i + 1) * k), r * k));
      perClass.push(`${c}: ${(accuracyOf(rows, Int32Array.from(idx, () => c), k) * 100).toFixed(1)}`);
    }
    console.log(`per class (%): ${perClass.join('  ')}`);
    await box.close?.();
    return 0;
  },
};
