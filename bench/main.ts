/**
 * Benchmarks: `npm run bench -- <name> [options]`. Each prints a table of measured figures
 * (ratios against a reference measured in the same run); `--json` prints one JSON object.
 */
const BENCHES: Record<string, { describe: string; run: (argv: string[]) => Promise<void> }> = {
  backend: { describe: 'U-Net training step: Lacuna wasm vs PyTorch CPU', run: async (a) => (await import('./backend.js')).main(a) },
  task: { describe: 'task-oriented synthesis: task terms vs L1/adversarial (Dice), HU classes, missing-PET diagnosis', run: async (a) => (await import('./task.js')).main(a) },
  pnp: { describe: 'PnP: Lacuna LM vs OpenCV.js (and native OpenCV) at N = 64/512/1024; Monte Carlo loss vs PyTorch EPro-PnP', run: async (a) => (await import('./pnp.js')).main(a) },
  epropnp: { describe: 'EPro-PnP ablation (Table 1): variants A-D on the rendered LineMOD-style set', run: async (a) => (await import('./epropnp.js')).main(a) },
  medsynth: { describe: 'synthesis: random forest vs U-Net (L1, L1+SSIM) vs pix2pix on the real T1/PD pair and the phantom', run: async (a) => (await import('./medsynth.js')).main(a) },
  detect: { describe: '3-D detection in rendered driving-like scenes: the direct FCOS3D-style detector vs chance (nuScenes mAP/ATE/ASE/AOE/NDS)', run: async (a) => (await import('./detect.js')).main(a) },
  dine: { describe: 'black-box domain adaptation: No Adapt, NLL-KL, SD-SHOT, DINE, DINE (full) on MNIST <-> USPS', run: async (a) => (await import('./dine.js')).main(a) },
};

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || !(name in BENCHES)) {
  console.log('usage: npm run bench -- <benchmark> [--json] [options]\n');
  for (const [k, v] of Object.entries(BENCHES)) console.log(`  ${k.padEnd(10)} ${v.describe}`);
  process.exit(name && name !== '--help' ? 2 : 0);
}
await BENCHES[name]!.run(rest);
