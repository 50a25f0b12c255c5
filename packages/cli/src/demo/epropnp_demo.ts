/**
 * The EPro-PnP part of `lacuna demo`: the pose distribution of a two-fold symmetric object
 * (epropnp's workflow.symmetricPoseExample, which `lacuna app` shows too), written as pictures,
 * charts and a table. Takes a few seconds.
 */
import { join } from 'node:path';
import { data } from '@lacuna/core';
import { workflow } from '@lacuna/epropnp';
import type { Chart, DemoPartOptions, ReportImage, ReportSection } from './report.js';

export type EpropnpDemoOptions = DemoPartOptions;

const S = 64;

export async function epropnpDemo(o: EpropnpDemoOptions): Promise<{ section: ReportSection; peaksAmbiguous: number; peaksClean: number }> {
  const t0 = performance.now();
  const cases = workflow.symmetricPoseExample({ seed: o.seed, cropSize: S });
  const rows: (string | number)[][] = [];
  const images: ReportImage[] = [];
  const charts: Chart[] = [];
  for (const c of cases) {
    const name = c.name;
    await data.writePng(join(o.out, `epropnp_${name}_correspondences.png`), c.correspondences);
    await data.writePng(join(o.out, `epropnp_${name}_samples.png`), c.samples);
    const profile = c.profile;
    charts.push({ label: `${name} correspondences: pose density exp(-cost) along rotations of the true pose about the box's z axis`, values: Array.from(profile), kind: 'bar', x0: 0, dx: 360 / profile.length, xLabel: 'rotation about z from the true pose (degrees)', yLabel: 'density (max 1)' });
    images.push(
      { src: `epropnp_${name}_correspondences.png`, columns: ['crop', 'weights w2d', 'object coordinates x3d'], width: 600, caption: `${name}: the visible mask as weights; x3d as RGB = xyz${name === 'ambiguous' ? '; half of the 4x4 blocks turned by 180° about z' : ''}` },
      { src: `epropnp_${name}_samples.png`, width: 320, caption: `${name}: AMIS pose samples, each a line from the projected object origin (white dot) to the +x end of the box (cyan), brighter for larger weights; ${c.modes} mode(s), evidence shares ${c.shares.map((s) => s.toFixed(2)).join(' / ')}` },
    );
    rows.push([name, c.peaks.map((d) => `${d.toFixed(0)}°`).join(', '), profile[profile.length / 2]!.toExponential(2), c.solutionErrorDeg.toFixed(2), c.shares.map((v) => v.toFixed(2)).join(' / ')]);
    o.log(`epropnp demo: ${name}: density peaks at ${c.peaks.map((d) => d.toFixed(0)).join(', ')} deg about z`);
  }
  const peaksAmbiguous = cases.find((c) => c.name === 'ambiguous')!.peaks.length;
  const peaksClean = cases.find((c) => c.name === 'unambiguous')!.peaks.length;
  const seconds = (performance.now() - t0) / 1000;
  return {
    peaksAmbiguous,
    peaksClean,
    section: {
      title: 'EPro-PnP: the pose distribution of a symmetric object',
      text:
        `A 12 x 8 x 6 cm box whose texture repeats after a 180° turn about z, rendered at a random pose (LineMOD camera, ${S} px crop). ` +
        `EPro-PnP's output is a distribution p(y | X) ∝ exp(-Σ Huber reprojection cost), not one pose. With the true object coordinates it has one mode. ` +
        `With coordinates that mix the two symmetric readings (as a network that cannot tell them apart predicts them; weights 20 per axis spread over the visible pixels), ` +
        `the distribution has two modes, 180° apart: both show in the orientation profile and in the AMIS samples (512 per mode, weighted by each mode's estimated evidence), ` +
        `while the weighted PnP returns a single pose. ${seconds.toFixed(1)} s.`,
      table: { header: ['correspondences', 'density peaks about z', 'density at 180° (rel.)', 'PnP solution: rotation error, symmetry-aware (deg)', 'evidence shares of the modes'], rows },
      images,
      charts,
    },
  };
}
