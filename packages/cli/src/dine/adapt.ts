/**
 * `lacuna dine adapt`: adapts a target network to unlabelled target images from one or more
 * black boxes' probabilities (DINE or a baseline), resumable, and reports target accuracy
 * before (the black box's own) and after when the target has labels.
 */
import { join, resolve } from 'node:path';
import { ConfigError, lookUpOption } from '@lacuna/core';
import {
  accuracyOf, adapt, adaptation, blackBox, data, loadDigits, model, modelAccuracy, openBlackBox, queryTeachers, saveDigitsNet, unlabelled,
  type AdaptMethod, type BlackBoxPredictor, type DigitsArch,
} from '@lacuna/dine';

const { ADAPT_METHODS, DEFAULT_FINETUNE_CONSISTENCY, ensembleMean } = adaptation;
const { DIGITS_ARCHS } = model;
const { checkLabels } = data;
import { backendOptions, nonNegativeNumber, parseOptions, positiveInt, printUsage, required, startBackend, type Command } from '../cli_args.js';
import { dataOptions, dataSettings, DATA_HELP, pct } from './common.js';

export const adaptCommand: Command = {
  name: 'adapt',
  summary: 'adapt a target network from black-box predictions (DINE or a baseline)',
  usage: `lacuna dine adapt --teacher T [--teacher T2 ...] --out DIR [--target demo|mnist|usps|idx:..|png:..]
                  [--method dine-full|dine|nll-kl|sd-shot|hd-shot] [--distill-iters N] [--finetune-iters N]
                  [--arch lenet|lenet-small|mlp|resnet8] [--seed S] [--batch N] [--augment-target]
                  [--finetune-prior uniform|initial] [--finetune-consistency W] [--resume]
                  [--timeout-ms N] [--retries N] [--query-batch N] [--cache DIR] [--data-root DIR] [--usps-resize stretch|frame]

--teacher: http(s)://HOST[:PORT] (a 'lacuna dine serve' endpoint, or with --format tf-serving|kserve a
TensorFlow Serving or KServe v2 model server: give --model-name, --classes K and --input-size HxW;
--input-range 0-1|0-255|-1-1 for its pixel values; --header 'Name: value' for gateways; an API
key goes in the LACUNA_BLACK_BOX_TOKEN environment variable, sent as Authorization: Bearer and
never logged or cached; answers may be full probabilities, the top k classes or labels only),
a predictions file (file:P.json),
--max-queries N: at most N target images get teacher answers (cached ones first, they are already
paid for; then a seeded random choice); the rest adapt through the IM and MixUp terms only. A
resumed run asks only for the answers it still lacks.
or a model folder from train-source. Several teachers: the memory starts from the mean of their
smoothed predictions. Only class probabilities are used; each answer is validated.
The target's train split is adapted on (labels unused); when its test split has labels, accuracy
is reported before (the black box's own predictions, 'No Adapt') and after.
DINE (Liang et al., CVPR 2022): stage 1 distils KL(memory || student) + information maximisation +
MixUp (Beta(0.3, 0.3)), memory = top-1 adaptive label smoothing of the teacher, EMA 0.6 every
iters/10, SGD Nesterov 0.9, wd 1e-3, lr 0.01 (1 + 10 p)^-1.5; stage 2 (dine-full) fine-tunes with IM
(plus the consistency term below), lr 0.01 (11 + 10 p)^-0.75, stopping once fewer than 0.1 % of the target
labels change.
--augment-target: the student sees every target image through a random affine warp (±10 deg, scale
0.9-1.1, shift ±10 %) in both stages, so it learns the digits rather than the adaptation set's
writers (the benchmark's default; off here, as in the article).
--finetune-prior: the class proportions stage 2's diversity term keeps: uniform (default, the
article's) or initial (the distilled network's own, for an imbalanced target such as USPS).
--finetune-consistency W: with --augment-target, stage 2 minimises IM + W * KL(p(x) || p(warp(x))):
each warped image must read as its clean self (the clean prediction a constant). Default
${DEFAULT_FINETUNE_CONSISTENCY}, the article's IM-only stage 2. Choose it on validation held out by writers: with a strong
distilled network IM alone fits the adaptation set's writers and W = 1 helps (MNIST -> USPS);
a weak or biased one needs stage 2 free (W = 0, USPS -> MNIST).
Defaults: --method dine-full, --distill-iters 500, --finetune-iters 300, --target demo, --seed 1.
HTTP client: --timeout-ms 30000, --retries 3 (back-off 200 ms doubling), --query-batch 256,
cache DIR/teacher-cache (each image is queried once, also across runs).
Writes the adapted model to DIR/model (model.json, weights.bin, dine-model.json); checkpoints in
DIR/checkpoints; --resume continues after an interruption (Ctrl-C saves a checkpoint).
${DATA_HELP}`,
  async run(argv) {
    const o = parseOptions('dine adapt', argv, {
      teacher: { type: 'string', multiple: true }, out: { type: 'string' }, target: { type: 'string' }, method: { type: 'string' },
      'distill-iters': { type: 'string' }, 'finetune-iters': { type: 'string' }, arch: { type: 'string' }, seed: { type: 'string' },
      batch: { type: 'string' }, resume: { type: 'boolean' }, 'timeout-ms': { type: 'string' }, retries: { type: 'string' },
      'query-batch': { type: 'string' }, cache: { type: 'string' }, header: { type: 'string', multiple: true }, format: { type: 'string' },
      'model-name': { type: 'string' }, classes: { type: 'string' }, 'input-size': { type: 'string' }, 'input-range': { type: 'string' },
      'max-queries': { type: 'string' }, 'augment-target': { type: 'boolean' }, 'finetune-prior': { type: 'string' },
      'finetune-consistency': { type: 'string' }, ...dataOptions, ...backendOptions,
    });
    if (o.help) return printUsage(this.usage);
    const cmd = 'dine adapt';
    const teachers = o.teacher ?? [];
    required(cmd, teachers[0], 'teacher', 'URL|FILE|MODEL_DIR');
    const out = resolve(required(cmd, o.out, 'out', 'DIR'));
    const method = lookUpOption(o.method ?? 'dine-full', ADAPT_METHODS, 'dine adapt --method') as AdaptMethod;
    const arch = lookUpOption(o.arch ?? 'lenet', DIGITS_ARCHS, 'dine adapt --arch') as DigitsArch;
    const finetunePrior = lookUpOption(o['finetune-prior'] ?? 'uniform', ['uniform', 'initial'] as const, 'dine adapt --finetune-prior') as 'uniform' | 'initial';
    const finetuneConsistency = nonNegativeNumber(cmd, 'finetune-consistency', o['finetune-consistency'], DEFAULT_FINETUNE_CONSISTENCY);
    if (finetuneConsistency > 0 && !o['augment-target']) throw new ConfigError(`lacuna ${cmd}: --finetune-consistency compares clean and warped images; it needs --augment-target`, 'finetune-consistency');
    const distillIterations = positiveInt(cmd, 'distill-iters', o['distill-iters'], 500);
    const finetuneIterations = positiveInt(cmd, 'finetune-iters', o['finetune-iters'], 300);
    const seed = positiveInt(cmd, 'seed', o.seed, 1);
    const batchSize = positiveInt(cmd, 'batch', o.batch, 64);
    const retries = o.retries === '0' ? 0 : positiveInt(cmd, 'retries', o.retries, 3);
    const http = {
      timeoutMs: positiveInt(cmd, 'timeout-ms', o['timeout-ms'], 30_000),
      retries,
      batchSize: positiveInt(cmd, 'query-batch', o['query-batch'], 256),
      cacheDir: resolve(o.cache ?? join(out, 'teacher-cache')),
      warn: (m: string) => console.warn(`warning: ${m}`),
      ...apiOptions(cmd, o),
    };
    const info = await startBackend(cmd, o);
    const d = dataSettings(o);
    const targetName = o.target ?? 'demo';
    const trainSet = await loadDigits(targetName, 'target', 'train', d.root, d.resize);
    const testSet = ['demo', 'mnist', 'usps', 'mnist-m', 'mnist-rgb'].includes(targetName) ? await loadDigits(targetName, 'target', 'test', d.root, d.resize) : null;
    const boxes: BlackBoxPredictor[] = [];
    for (const t of teachers) boxes.push(await openBlackBox(t, http));
    console.log(`lacuna dine adapt: ${method} on ${trainSet.count} unlabelled images of ${trainSet.name}; ${boxes.length} black box(es); ${info.backend}, ${info.threads} thread(s)`);
    let teacherProbs: Float32Array[];
    let answered: Uint8Array | undefined;
    const budget = o['max-queries'] === undefined ? null : o['max-queries'] === '0' ? 0 : positiveInt(cmd, 'max-queries', o['max-queries'], 1);
    if (budget === null) {
      teacherProbs = await queryTeachers(boxes, unlabelled(trainSet), http.warn);
    } else {
      const r = await adaptation.queryTeachersWithinBudget(boxes, unlabelled(trainSet), { maxQueries: budget, seed, warn: http.warn });
      teacherProbs = r.teacherProbs;
      answered = r.answered;
      console.log(`query budget ${budget}: teacher answers for ${r.answeredCount} of ${trainSet.count} images (${r.fromCache} already paid, from the cache); the other ${trainSet.count - r.answeredCount} adapt through information maximisation and MixUp only`);
    }
    for (const b of boxes) {
      const kind = b.answerKind ?? { kind: 'full' as const };
      console.log(`teacher ${b.name} answers ${kind.kind === 'full' ? 'full probabilities' : kind.kind === 'label' ? 'labels only (memory: one-hot rows)' : `the top ${kind.k} classes (memory: the rest of the mass spread evenly)`}`);
    }
    const k = boxes[0]!.numClasses;
    if (testSet) checkLabels(testSet, k);
    let before: number | null = null;
    if (testSet?.labels && budget !== null) {
      console.log('no adapt accuracy: not measured under a query budget (it would query the test images too)');
    } else if (testSet?.labels) {
      // No Adapt: the mean of the black boxes' predictions on the labelled test images.
      const testProbs = await queryTeachers(boxes, unlabelled(testSet), http.warn);
      const mean = ensembleMean(testProbs);
      before = accuracyOf(mean, testSet.labels, k);
      console.log(`no adapt (black box) accuracy on ${testSet.name}: ${pct(before)}`);
    }
    const r = await adapt({
      method, teacherProbs, numClasses: k, target: unlabelled(trainSet), seed, arch, batchSize, distillIterations, finetuneIterations, ...(o['augment-target'] ? { targetAugment: true } : {}), finetunePrior, finetuneConsistency,
      ...(answered ? { answered } : {}),
      checkpointDir: join(out, 'checkpoints'), resume: o.resume ?? false, progress: 'auto', log: (m) => console.log(m),
    });
    if (r.distill?.interrupted || r.finetune?.interrupted) {
      console.log(`interrupted; run again with --resume to continue`);
      return 130;
    }
    if (r.finetune?.stoppedAt != null) console.log(`fine-tuning stopped at step ${r.finetune.stoppedAt}: the target labels stopped changing`);
    const after = testSet?.labels ? modelAccuracy(r.model, testSet) : null;
    await saveDigitsNet(join(out, 'model'), r.model, r.netOptions, { method, teachers, target: trainSet.name, distillIterations, finetuneIterations, noAdaptAccuracy: before, accuracy: after });
    if (after !== null) console.log(`${method} accuracy on ${testSet!.name}: ${pct(after)} (no adapt ${pct(before!)})`);
    console.log(`adapted model -> ${join(out, 'model')}`);
    for (const b of boxes) await b.close?.();
    return 0;
  },
};

/** The options of real prediction APIs: headers, request format, model name, class count and input size. */
function apiOptions(cmd: string, o: { header?: string[]; format?: string; 'model-name'?: string; classes?: string; 'input-size'?: string; 'input-range'?: string }) {
  const headers: Record<string, string> = {};
  for (const h of o.header ?? []) {
    const m = /^([^:\s]+):\s*(.*)$/.exec(h);
    if (!m) throw new ConfigError(`lacuna ${cmd}: --header must be 'Name: value', got '${h}'`, 'header', h);
    if (m[1]!.toLowerCase() === 'authorization') throw new ConfigError(`lacuna ${cmd}: put the API key in the LACUNA_BLACK_BOX_TOKEN environment variable, not in --header (it would stay in the shell history)`, 'header');
    headers[m[1]!] = m[2]!;
  }
  const format = o.format ?? 'lacuna';
  if (!blackBox.REQUEST_FORMATS.includes(format as never)) throw new ConfigError(`lacuna ${cmd}: --format must be one of ${blackBox.REQUEST_FORMATS.join(', ')}, got '${format}'`, 'format', format);
  const size = o['input-size'] ? /^(\d+)x(\d+)$/.exec(o['input-size']) : null;
  if (o['input-size'] && !size) throw new ConfigError(`lacuna ${cmd}: --input-size must be HxW, e.g. 28x28, got '${o['input-size']}'`, 'input-size');
  return {
    headers,
    format: format as blackBox.RequestFormat,
    ...(o['model-name'] ? { model: o['model-name'] } : {}),
    ...(o.classes ? { numClasses: positiveInt(cmd, 'classes', o.classes, 10) } : {}),
    ...(size ? { height: Number(size[1]), width: Number(size[2]) } : {}),
    ...(o['input-range'] ? { inputRange: o['input-range'] as blackBox.InputRange } : {}),
  };
}
