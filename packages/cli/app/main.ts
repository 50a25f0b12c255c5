/**
 * The page of `lacuna app`: medsynth synthesis, the EPro-PnP pose distribution and DINE
 * adaptation, all computed here with the browser entries of the Lacuna packages. The server
 * only serves files. <body data-lacuna-ready="true"> once the built-in examples are done;
 * data-lacuna-error (and the message on the page) on any error.
 */
import { data, initBackend, tf, train, transforms, type tfl } from '@lacuna/core';
import { openPoseModel, workflow as epWorkflow } from '@lacuna/epropnp';
import { openSynthesisModel, phantom, registration, synthesizeVolume, type LoadedSynthesisModel } from '@lacuna/medsynth';
import { adapt, digitsNet, model as dineModel, modelAccuracy, ModelBlackBox, openDigitsNet, pngDigitSet, queryTeachers, type DigitsArch } from '@lacuna/dine';
import { zipSync } from 'fflate';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function fail(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  console.error(e);
  const box = $('error');
  box.style.display = 'block';
  box.textContent = `error: ${message}`;
  document.body.dataset['lacunaError'] = message;
}

/** [H, W, 3] floats in [0, 1] (or [H, W] grey) onto a new canvas, scaled by `zoom`. */
function canvasOf(values: ArrayLike<number>, h: number, w: number, channels: 1 | 3, zoom = 1): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  c.style.width = `${w * zoom}px`; c.style.height = `${h * zoom}px`;
  const img = c.getContext('2d')!.createImageData(w, h);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) img.data[p * 4 + k] = Math.round(255 * Math.min(1, Math.max(0, values[p * channels + (channels === 3 ? k : 0)]!)));
    img.data[p * 4 + 3] = 255;
  }
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
}

function figure(canvas: HTMLCanvasElement, caption: string): HTMLElement {
  const f = document.createElement('figure');
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  f.append(canvas, cap);
  return f;
}

function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name; a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function fileBytes(f: File): Promise<Uint8Array> {
  return new Uint8Array(await f.arrayBuffer());
}

/** A folder picked with webkitdirectory as ModelFiles: names relative to the picked folder. */
async function folderFiles(list: FileList, what: string): Promise<train.ModelFiles & { names: string[] }> {
  const map = new Map<string, Uint8Array>();
  for (const f of Array.from(list)) {
    const rel = (f.webkitRelativePath || f.name).split('/').slice(1).join('/') || f.name;
    map.set(rel, await fileBytes(f));
  }
  if (map.size === 0) throw new Error(`${what}: the folder is empty`);
  return { ...train.modelFilesFromMap(map, what), names: [...map.keys()].sort() };
}

// ---------------------------------------------------------------- medsynth

interface Synthesis { source: data.Volume; synthetic: data.Volume; target: data.Volume | null; psnr: number | null }
let shown: Synthesis | null = null;

function volumeSlice(v: data.Volume, z: number, lo: number, hi: number): Float32Array {
  const [nx, ny] = v.dims;
  // Axial slice z, drawn with y up (rows from the top are decreasing y).
  const out = new Float32Array(nx * ny);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) out[(ny - 1 - y) * nx + x] = (v.data[z * nx * ny + y * nx + x]! - lo) / (hi - lo || 1);
  return out;
}

function range99(v: data.Volume): [number, number] {
  const s = Float32Array.from(v.data).sort();
  return [s[Math.floor(s.length * 0.01)]!, s[Math.floor(s.length * 0.995)]!];
}

function drawSynthesis(): void {
  if (!shown) return;
  const z = Number($<HTMLInputElement>('ms-slice').value);
  const [nx, ny] = shown.source.dims;
  const tr = shown.target ? range99(shown.target) : range99(shown.synthetic);
  const panels: [data.Volume, string, [number, number]][] = [[shown.source, 'source', range99(shown.source)], [shown.synthetic, 'synthetic', tr]];
  if (shown.target) panels.push([shown.target, 'real target', tr]);
  $('ms-figures').replaceChildren(...panels.map(([v, name, [lo, hi]]) => figure(canvasOf(volumeSlice(v, z, lo, hi), ny, nx, 1, 3), name)));
  $('ms-slice-label').textContent = `${z + 1} / ${shown.source.dims[2]}`;
}

async function runSynthesis(model: LoadedSynthesisModel, source: data.Volume, target: data.Volume | null): Promise<Synthesis> {
  const t0 = performance.now();
  const read = async (name: string) => {
    if (name === 'source') return source;
    throw new Error(`no volume '${name}'`);
  };
  const { volume, mask } = await synthesizeVolume(model.synthesizer, model.info, ['source'], read);
  let psnr: number | null = null;
  if (target) psnr = medsynthPsnr(volume.data, target.data, mask);
  const seconds = (performance.now() - t0) / 1000;
  document.body.dataset['medsynthRuns'] = String(Number(document.body.dataset['medsynthRuns'] ?? '0') + 1);
  $('ms-status').textContent = `synthesised ${volume.dims.join('x')} voxels in ${seconds.toFixed(1)} s` + (psnr !== null ? `; PSNR against the real target, in the head mask: ${psnr.toFixed(2)} dB` : '');
  document.body.dataset['medsynthPsnr'] = psnr === null ? '' : psnr.toFixed(3);
  return { source, synthetic: volume, target, psnr };
}

/** PSNR in the head mask, data range of the reference there (as the CLI's metrics). */
function medsynthPsnr(pred: Float32Array, ref: Float32Array, mask: Uint8Array): number {
  let lo = Infinity, hi = -Infinity, se = 0, n = 0;
  for (let v = 0; v < ref.length; v++) {
    if (!mask[v]) continue;
    lo = Math.min(lo, ref[v]!); hi = Math.max(hi, ref[v]!);
    se += (pred[v]! - ref[v]!) ** 2; n += 1;
  }
  return 10 * Math.log10(((hi - lo) ** 2) / (se / n));
}

function showSynthesis(s: Synthesis): void {
  shown = s;
  const slider = $<HTMLInputElement>('ms-slice');
  slider.max = String(s.source.dims[2] - 1);
  slider.value = String(Math.floor(s.source.dims[2] / 2));
  drawSynthesis();
  $<HTMLButtonElement>('ms-download').disabled = false;
}

async function builtInSynthesis(): Promise<void> {
  $('ms-status').textContent = 'generating phantom subject sub-001 and loading the built-in model…';
  const subject = phantom.generatePhantomSubject(0);
  const model = await openSynthesisModel(train.modelFilesFromUrl('models/medsynth-phantom-t1-t2-small'));
  try {
    showSynthesis(await runSynthesis(model, subject.modalities.t1, subject.modalities.t2));
  } finally {
    model.dispose();
  }
}

/** The middle axial slice of a volume, scaled to [0, 1] by the volume's range. */
function axialSlice(v: data.Volume): { values: Float32Array; h: number; w: number } {
  const [nx, ny, nz] = v.dims;
  let lo = Infinity, hi = -Infinity;
  for (const x of v.data) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
  const z = Math.floor(nz / 2);
  const values = new Float32Array(nx * ny);
  // Rows are y (flipped so anterior is up), columns x.
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) values[(ny - 1 - y) * nx + x] = (v.data[x + nx * (y + ny * z)]! - lo) / (hi - lo || 1);
  return { values, h: ny, w: nx };
}

/**
 * elastix in the page: a 4 mm phantom T1 moved by a known rigid transform, registered back with
 * mean squares; the pipelines come from pipelines/elastix next to this page.
 */
async function registrationExample(): Promise<void> {
  document.body.dataset['registrationDone'] = 'false';
  $('rg-status').textContent = 'registering (elastix, WebAssembly)…';
  const s = phantom.generatePhantomSubject(0, { voxel: 4, seed: 2 });
  const t1 = s.modalities.t1;
  const centre = registration.transformPoint(t1.affine, t1.dims.map((n) => (n - 1) / 2));
  const truth = registration.rigidMatrix({ angles: [0.08, -0.05, 0.1], translation: [4, -3, 2.5], centre });
  const moving = registration.transformVolume(t1, truth);
  const r = await registration.registerRigid(t1, moving, { metric: 'mean-squares', pipelinesBaseUrl: new URL('pipelines/elastix', document.baseURI) });
  const brain = s.labels.data.map((l) => (l === phantom.TISSUE_LABEL.gm || l === phantom.TISSUE_LABEL.wm ? 1 : 0));
  const points = registration.maskLandmarks(t1, brain, 300, new data.Random(1));
  const inverse = transforms.invertAffine(truth);
  const error = registration.meanPointDistance(r.transform, inverse, points);
  const before = registration.meanPointDistance(inverse, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], points);
  const row = $('rg-figures');
  row.replaceChildren();
  for (const [v, caption] of [[t1, 'fixed T1'], [moving, 'moved T1'], [registration.transformVolume(moving, r.transform), 'moved T1, registered back']] as const) {
    const sl = axialSlice(v);
    row.append(figure(canvasOf(sl.values, sl.h, sl.w, 1, 4), caption));
  }
  $('rg-status').textContent = `landmark error ${error.toFixed(3)} mm (misalignment ${before.toFixed(2)} mm), ${r.seconds.toFixed(1)} s`;
  Object.assign(document.body.dataset, { registrationErrorMm: String(error), registrationBeforeMm: String(before), registrationDone: 'true' });
}

async function ownSynthesis(): Promise<void> {
  const src = $<HTMLInputElement>('ms-source').files?.[0];
  const modelList = $<HTMLInputElement>('ms-model').files;
  if (!src || !modelList?.length) throw new Error('medsynth: choose a source volume and a model folder');
  const source = data.decodeNifti(await fileBytes(src), src.name);
  const tgt = $<HTMLInputElement>('ms-target').files?.[0];
  const target = tgt ? data.decodeNifti(await fileBytes(tgt), tgt.name) : null;
  const model = await openSynthesisModel(await folderFiles(modelList, 'model folder'));
  try {
    showSynthesis(await runSynthesis(model, source, target));
  } finally {
    model.dispose();
  }
}

// ---------------------------------------------------------------- epropnp

function poseDistributionExample(): void {
  const t0 = performance.now();
  const cases = epWorkflow.symmetricPoseExample({ seed: 0 });
  const figs: HTMLElement[] = [];
  for (const c of cases) {
    figs.push(figure(canvasOf(c.samples.data, c.samples.shape[0], c.samples.shape[1], 3, 1.2), `${c.name}: AMIS pose samples (${c.modes} mode(s))`));
    figs.push(figure(profileCanvas(c.profile), `${c.name}: density along rotations about z; peaks at ${c.peaks.map((d) => d.toFixed(0)).join(', ')}°`));
  }
  $('ep-figures').replaceChildren(...figs);
  const amb = cases.find((c) => c.name === 'ambiguous')!;
  const clean = cases.find((c) => c.name === 'unambiguous')!;
  document.body.dataset['epropnpPeaks'] = String(amb.peaks.length);
  document.body.dataset['epropnpPeaksClean'] = String(clean.peaks.length);
  $('ep-status').textContent = `ambiguous correspondences: ${amb.peaks.length} peaks; unambiguous: ${clean.peaks.length}; ${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

/** The committed bunny model posing new crops: the one-call estimatePose, in the page. */
async function trainedPoseExample(): Promise<void> {
  const t0 = performance.now();
  const model = await openPoseModel(train.modelFilesFromUrl('models/epropnp-bunny64-D'));
  try {
    const ex = epWorkflow.trainedPoseExample(model, { count: 4, seed: 7000 });
    $('ep-model-figures').replaceChildren(...ex.cases.map((c, i) => figure(
      canvasOf(c.picture.data, c.picture.shape[0], c.picture.shape[1], 3, 1),
      `crop ${i}: ADD ${(100 * c.addOverDiameter).toFixed(1)} % of the diameter, rotation error ${c.rotationErrorDeg.toFixed(1)}°, AMIS rotation std ${c.rotationStdDeg.toFixed(1)}°`,
    )));
    document.body.dataset['epropnpModelPass'] = String(ex.cases.filter((c) => c.addOverDiameter < 0.1).length);
    document.body.dataset['epropnpModelAdd'] = ex.cases.map((c) => c.addOverDiameter.toFixed(4)).join(',');
    $('ep-model-status').textContent = `${ex.cases.filter((c) => c.addOverDiameter < 0.1).length} of ${ex.cases.length} crops within 0.1 diameter (ADD); ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  } finally {
    model.net.dispose();
  }
}

function profileCanvas(profile: Float64Array): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = 360; c.height = 192;
  c.style.background = '#fff';
  const g = c.getContext('2d')!;
  g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
  const bw = c.width / profile.length;
  g.fillStyle = '#3465a4';
  profile.forEach((v, i) => g.fillRect(i * bw, c.height - 16 - v * (c.height - 24), Math.max(1, bw - 1), v * (c.height - 24)));
  g.fillStyle = '#333'; g.font = '11px sans-serif';
  for (const deg of [0, 90, 180, 270]) g.fillText(`${deg}°`, (deg / 360) * c.width + 2, c.height - 3);
  return c;
}

// ---------------------------------------------------------------- dine

let adapted: { model: tfl.LayersModel; arch: DigitsArch | undefined; numClasses: number; seed: number } | null = null;

function drawCurve(points: [number, number][], total: number): void {
  const c = $<HTMLCanvasElement>('dn-curve');
  const g = c.getContext('2d')!;
  g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
  g.strokeStyle = '#999'; g.strokeRect(30, 10, c.width - 40, c.height - 30);
  g.fillStyle = '#333'; g.font = '11px sans-serif';
  g.fillText('accuracy', 2, 10); g.fillText('100%', 2, 20); g.fillText('0%', 10, c.height - 20); g.fillText(`step ${total}`, c.width - 60, c.height - 5);
  if (points.length === 0) return;
  g.strokeStyle = '#c0392b'; g.lineWidth = 2; g.beginPath();
  points.forEach(([s, a], i) => {
    const x = 30 + (s / total) * (c.width - 40), y = 10 + (1 - a) * (c.height - 30);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

/** Target PNGs: `<label>/*.png` (labelled) or `*.png`, relative to the picked or built-in folder. */
async function targetSet(entries: { path: string; bytes: Uint8Array }[], where: string) {
  const files = entries.filter((e) => e.path.toLowerCase().endsWith('.png')).map((e) => {
    const parts = e.path.split('/');
    const label = parts.length > 1 && /^\d+$/.test(parts[parts.length - 2]!) ? Number(parts[parts.length - 2]) : null;
    return { path: e.path, label, bytes: e.bytes };
  }).sort((a, b) => (a.path < b.path ? -1 : 1));
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  return pngDigitSet(files, async (p) => data.decodePng(byPath.get(p)!, p), where);
}

async function runAdaptation(source: { model: tfl.LayersModel; options: { arch?: DigitsArch; numClasses?: number; seed: number } }, target: Awaited<ReturnType<typeof targetSet>>): Promise<void> {
  document.body.dataset['dineDone'] = 'false';
  const steps = Math.max(2, Math.floor(Number($<HTMLInputElement>('dn-steps').value) || 60));
  const distillIterations = Math.ceil(steps / 2), finetuneIterations = steps - distillIterations;
  const box = new ModelBlackBox(source.model, 'source model');
  const teacherProbs = await queryTeachers([box], target);
  const numClasses = box.numClasses;
  const netOptions = { arch: source.options.arch ?? 'lenet', numClasses, seed: 1 } as const;
  const student = digitsNet(netOptions);
  const points: [number, number][] = [];
  const labelled = target.labels !== null;
  const measure = (done: number) => {
    if (!labelled) return;
    const acc = modelAccuracy(student, target);
    points.push([done, acc]);
    document.body.dataset['dineAccuracy'] = points.map(([, a]) => a.toFixed(4)).join(',');
    drawCurve(points, steps);
  };
  const sourceAcc = labelled ? modelAccuracy(source.model, target) : null;
  $('dn-status').textContent = `target: ${target.count} images ${target.height}x${target.width}` + (sourceAcc !== null ? `; the source model (black box) scores ${(100 * sourceAcc).toFixed(1)} % on them` : '');
  measure(0);
  const every = Math.max(1, Math.floor(steps / 12));
  const t0 = performance.now();
  await adapt({
    method: 'dine-full', teacherProbs, numClasses, target, seed: 1, distillIterations, finetuneIterations,
    arch: netOptions.arch, student: { model: student, netOptions }, batchSize: 32,
    onStep: async (stage, done) => {
      const overall = stage === 'distill' ? done : distillIterations + done;
      $<HTMLProgressElement>('dn-progress').value = overall / steps;
      $('dn-progress-label').textContent = `${stage} ${done} · step ${overall}/${steps}`;
      if (overall % every === 0 || overall === steps) measure(overall);
      await new Promise((r) => setTimeout(r, 0)); // let the page repaint
    },
  });
  adapted = { model: student, arch: netOptions.arch, numClasses, seed: netOptions.seed };
  const last = points[points.length - 1];
  $('dn-status').textContent += `; adapted in ${((performance.now() - t0) / 1000).toFixed(1)} s` + (last ? `: ${(100 * last[1]).toFixed(1)} %` : '');
  document.body.dataset['dineDone'] = 'true';
  $<HTMLButtonElement>('dn-download').disabled = false;
}

async function builtInAdaptation(): Promise<void> {
  $('dn-status').textContent = 'loading the built-in source model and target images…';
  const source = await openDigitsNet(train.modelFilesFromUrl('models/dine-digits-source-small'));
  const list = (await (await fetch('examples/dine-target/index.json')).json()) as string[];
  const entries = await Promise.all(list.map(async (path) => ({ path, bytes: new Uint8Array(await (await fetch(`examples/dine-target/${path}`)).arrayBuffer()) })));
  await runAdaptation(source, await targetSet(entries, 'built-in target images'));
}

async function ownAdaptation(): Promise<void> {
  const modelList = $<HTMLInputElement>('dn-model').files;
  const targetList = $<HTMLInputElement>('dn-target').files;
  if (!modelList?.length || !targetList?.length) return builtInAdaptation();
  const source = await openDigitsNet(await folderFiles(modelList, 'model folder'));
  const entries = await Promise.all(Array.from(targetList).map(async (f) => ({ path: (f.webkitRelativePath || f.name).split('/').slice(1).join('/') || f.name, bytes: await fileBytes(f) })));
  await runAdaptation(source, await targetSet(entries, 'target folder'));
}

/** The adapted model as the folder saveDigitsNet writes (model.json, weights.bin, dine-model.json), zipped. */
async function adaptedZip(): Promise<Uint8Array> {
  if (!adapted) throw new Error('nothing adapted yet');
  let artifacts: tf.io.ModelArtifacts | null = null;
  await adapted.model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const weights = new Uint8Array(a.weightData as ArrayBuffer);
  const modelJson = { modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
  const folder = dineModel.DIGITS_MODEL_FOLDER;
  const meta = { format: folder.format, version: folder.versions[0], arch: adapted.arch ?? 'lenet', numClasses: adapted.numClasses, seed: adapted.seed, info: { adaptedIn: 'lacuna app (browser)' } };
  const enc = new TextEncoder();
  return zipSync({ 'adapted-model': { 'model.json': enc.encode(JSON.stringify(modelJson)), 'weights.bin': weights, [folder.metaFile]: enc.encode(JSON.stringify(meta, null, 2)) } });
}

// ---------------------------------------------------------------- start

/**
 * wasm with Lacuna's kernels by default; ?backend=webgl uses the GPU through WebGL when the
 * browser has it (falling back to wasm, and saying so, when it does not).
 */
async function startBackend(): Promise<string> {
  const wanted = new URLSearchParams(location.search).get('backend') ?? 'wasm';
  const select = $<HTMLSelectElement>('backend-choice');
  select.value = wanted === 'webgl' ? 'webgl' : 'wasm';
  select.addEventListener('change', () => {
    location.search = `?backend=${select.value}`;
  });
  let note = '';
  if (wanted === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
    try {
      if (await tf.setBackend('webgl')) {
        await tf.ready();
        $('backend').textContent = `backend: webgl (${(tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl?.getParameter(0x1f01) ?? 'GPU'}); Lacuna's training kernels are for wasm`;
        return 'webgl';
      }
    } catch (e) {
      note = ` (WebGL failed: ${(e as Error).message})`;
    }
    note ||= ' (no WebGL here)';
  }
  const info = await initBackend({ backend: 'wasm', wasmPaths: new URL('wasm/', location.href).href });
  // tfjs-backend-wasm runs at most half the logical cores; without cross-origin isolation, one thread.
  $('backend').textContent = `backend: ${info.backend}, ${info.threads} thread(s), SIMD ${info.simd ? 'on' : 'off'}, Lacuna kernels ${info.lacunaKernels ? 'on' : 'off'}${globalThis.crossOriginIsolated ? '' : ' (not cross-origin isolated: one thread)'}${note}`;
  return info.backend;
}

async function main(): Promise<void> {
  window.addEventListener('error', (e) => fail(e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) => fail(e.reason));
  document.body.dataset['lacunaBackend'] = await startBackend();
  const guard = (f: () => Promise<void>) => () => void f().catch(fail);
  $('ms-slice').addEventListener('input', drawSynthesis);
  $('ms-run').addEventListener('click', guard(ownSynthesis));
  $('ms-download').addEventListener('click', () => {
    if (shown) download(data.encodeNifti(shown.synthetic, { gzip: true }), 'synthetic.nii.gz', 'application/gzip');
  });
  $('dn-run').addEventListener('click', () => {
    // Marked at once, so that a watcher never reads the previous run's end.
    document.body.dataset['dineDone'] = 'false';
    $<HTMLButtonElement>('dn-download').disabled = true;
    guard(ownAdaptation)();
  });
  $('dn-download').addEventListener('click', guard(async () => download(await adaptedZip(), 'adapted-model.zip', 'application/zip')));
  $('rg-run').addEventListener('click', guard(registrationExample));
  await builtInSynthesis();
  await new Promise((r) => setTimeout(r, 0));
  poseDistributionExample();
  await trainedPoseExample();
  document.body.dataset['lacunaReady'] = 'true';
}

main().catch(fail);
