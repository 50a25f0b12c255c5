/**
 * `lacuna epropnp render`: renders a LineMOD-style data set (crops, object-coordinate maps,
 * masks, poses, crop boxes) of one object to a data set file, with an optional preview PNG.
 */
import { ConfigError, data } from '@lacuna/core';
import { dataset, readMesh, render, renderDataset, writeDataset, type ObjectName } from '@lacuna/epropnp';
const { writeBopDataset } = dataset;

const { previewSheet } = dataset;
const { OBJECT_NAMES } = render;
import { parseOptions, positiveInt, printUsage, strings, type Command } from '../cli_args.js';

const NAME = 'epropnp render';

export const renderCommand: Command = {
  name: 'render',
  summary: 'render a LineMOD-style data set of one object (crops, coordinate maps, masks, poses)',
  usage: `lacuna epropnp render (--object ${OBJECT_NAMES.join('|')} | --mesh FILE --units m|mm) --count N --out PATH
                       [--format lcnp|bop] [--seed S] [--crop PX] [--views sphere|upper] [--centred]
                       [--occlusion P] [--max-occlusion F] [--noise SIGMA] [--preview PNG] [--preview-count K]
                       [--scale F] [--symmetry SPEC] [--up x|y|z] [--name NAME] [--obj-id N]

Renders N samples of the object at random poses 0.5-1.0 m in front of a camera with LineMOD's
intrinsics (fx 572.41, fy 573.57, cx 325.26, cy 242.05), with a random Lambertian light, a random
background and, in a share of the samples, occluders hiding up to 30 % of the object. Each sample
is a square crop around the object (CDPN's dynamic zoom-in: centre shifted by up to 25 % and size
scaled by up to ±25 % of the object's box, padded 1.5x) rendered at PX x PX, with its ground-truth
pose [x y z w i j k], object-coordinate map (metres, object frame), visible and full masks and the
crop box (centre, size in image pixels). Objects:
  bunny   the Stanford bunny, 0.15 m diameter, no symmetry
  box     12 x 8 x 6 cm box, texture symmetric under 180 deg about z (discrete 2-fold symmetry)
  vase    14 cm surface of revolution, texture depends on radius and height (continuous about z)
Or your own mesh (--mesh): PLY (ASCII or binary, with vertex colours or a texture) or OBJ (with
its MTL colours), in the units you state (--units, and --scale); it keeps its own origin and axes,
so poses are poses of your mesh. Sample i depends only on (S, i).

--format bop writes a BOP data set folder instead of a .lcnp file: PATH/models/ (models_info.json,
obj_000001.ply in mm), PATH/camera.json, and PATH/train/000000/... with full 640x480 frames
(rgb/, mask/, mask_visib/, scene_camera.json, scene_gt.json, scene_gt_info.json; up to 1000
images per scene). 'train' and 'eval' read BOP folders as well as .lcnp files.

  --object NAME        a built-in object (or --mesh)
  --mesh FILE          a .ply or .obj mesh to render (needs --units)
  --units m|mm         the units of the mesh file
  --scale F            extra scale applied after --units (default 1)
  --symmetry SPEC      the mesh's symmetry: none (default), discrete:AXIS:ORDER or continuous:AXIS,
                       AXIS x, y, z or 'a,b,c' (e.g. discrete:z:2 for a 180 deg symmetry about z)
  --up x|y|z           the mesh's up axis, for --views upper (default z)
  --name NAME          the object's name (default the file's name)
  --format F           lcnp (default: one data set file of crops) or bop (a BOP folder of frames)
  --obj-id N           BOP object id (default 1)
  --count N            number of samples (required)
  --out PATH           data set file (or BOP folder) to write (required; written atomically)
  --seed S             seed, integer >= 0 (default 0)
  --crop PX            crop side in pixels (default 64)
  --views V            'sphere' (default): uniformly random rotations; 'upper': only views from
                       above the object's equator, as LineMOD's captures (an easier task)
  --centred            test-time crops: centred on the object's box, no zoom-in jitter
  --occlusion P        share of samples with occluders (default 0.5)
  --max-occlusion F    max occluded fraction of the silhouette (default 0.3)
  --noise SIGMA        Gaussian pixel noise (default 0.02)
  --preview PNG        also write a preview sheet: crop | visible mask (red) and occluded part
                       (blue) | coordinate map, for the first samples
  --preview-count K    samples in the preview (default 16)`,
  async run(argv) {
    const o = parseOptions(NAME, argv, {
      ...strings('object', 'count', 'out', 'seed', 'crop', 'views', 'occlusion', 'max-occlusion', 'noise', 'preview', 'preview-count', 'mesh', 'units', 'scale', 'symmetry', 'up', 'name', 'format', 'obj-id'),
      centred: { type: 'boolean' },
    });
    if (o.help) return printUsage(this.usage);
    if (!o.object === !o.mesh) throw new ConfigError(`lacuna ${NAME}: give --object (${OBJECT_NAMES.join(', ')}) or --mesh FILE`, 'object');
    if (o.object && !OBJECT_NAMES.includes(o.object as ObjectName)) throw new ConfigError(`lacuna ${NAME}: --object must be one of ${OBJECT_NAMES.join(', ')}, got '${o.object}'`, 'object', o.object);
    if (o.mesh && o.units !== 'm' && o.units !== 'mm') throw new ConfigError(`lacuna ${NAME}: --mesh needs --units m or mm (the units the file is in)${o.units ? `, got '${o.units}'` : ''}`, 'units', o.units);
    const format = o.format ?? 'lcnp';
    if (format !== 'lcnp' && format !== 'bop') throw new ConfigError(`lacuna ${NAME}: --format must be lcnp or bop, got '${format}'`, 'format', format);
    const up = o.up === undefined ? undefined : ({ x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1] } as Record<string, [number, number, number]>)[o.up];
    if (o.up !== undefined && !up) throw new ConfigError(`lacuna ${NAME}: --up must be x, y or z, got '${o.up}'`, 'up', o.up);
    const object = o.mesh
      ? await readMesh(o.mesh, {
          units: o.units as 'm' | 'mm',
          ...(o.scale === undefined ? {} : { scale: number('scale', o.scale, (v) => v > 0, 'a positive number') }),
          ...(o.symmetry ? { symmetry: render.parseSymmetry(o.symmetry) } : {}),
          ...(up ? { up } : {}),
          ...(o.name ? { name: o.name } : {}),
        })
      : (o.object as ObjectName);
    if (o.count === undefined) throw new ConfigError(`lacuna ${NAME}: --count N is required`, 'count');
    if (!o.out) throw new ConfigError(`lacuna ${NAME}: --out FILE is required`, 'out');
    const count = positiveInt(NAME, 'count', o.count, 1);
    const cropSize = positiveInt(NAME, 'crop', o.crop, 64);
    if (cropSize < 8) throw new ConfigError(`lacuna ${NAME}: --crop must be at least 8, got ${cropSize}`, 'crop', o.crop);
    const seed = o.seed === undefined ? 0 : number('seed', o.seed, (v) => Number.isSafeInteger(v) && v >= 0, 'an integer >= 0');
    if (o.views !== undefined && o.views !== 'sphere' && o.views !== 'upper') throw new ConfigError(`lacuna ${NAME}: --views must be 'sphere' or 'upper', got '${o.views}'`, 'views', o.views);
    const previewCount = positiveInt(NAME, 'preview-count', o['preview-count'], 16);
    const options = {
      object,
      count,
      seed,
      cropSize,
      ...(o.views ? { views: o.views as 'sphere' | 'upper' } : {}),
      ...(o.centred ? { zoomIn: { shift: 0, scale: 0 } } : {}),
      ...(o.occlusion === undefined ? {} : { occlusionProbability: number('occlusion', o.occlusion, (v) => v >= 0 && v <= 1, 'in [0, 1]') }),
      ...(o['max-occlusion'] === undefined ? {} : { maxOcclusion: number('max-occlusion', o['max-occlusion'], (v) => v >= 0 && v < 1, 'in [0, 1)') }),
      ...(o.noise === undefined ? {} : { noise: number('noise', o.noise, (v) => v >= 0, '>= 0') }),
    };
    const t0 = performance.now();
    const step = Math.max(1, Math.round(count / 10));
    const progress = (done: number, total: number) => {
      if (done % step === 0 || done === total) console.log(`rendered ${done}/${total}`);
    };
    if (format === 'bop') {
      const model = typeof object === 'string' ? render.loadObject(object) : object;
      const objId = positiveInt(NAME, 'obj-id', o['obj-id'], 1);
      const { cropSize: _c, zoomIn: _z, object: _o, count: _n, seed: _s, ...frame } = options as typeof options & { zoomIn?: unknown };
      await writeBopDataset(o.out, { object: model, objId, count, seed, frame, onProgress: progress });
      const seconds = (performance.now() - t0) / 1000;
      console.log(`wrote a BOP data set of ${count} 640x480 frames of '${model.name}' (object ${objId}, diameter ${(model.diameter * 100).toFixed(1)} cm, symmetry ${model.symmetry.kind}) to ${o.out}; ${(count / seconds).toFixed(1)} frames/s`);
      return 0;
    }
    const ds = renderDataset({
      ...options,
      onProgress: (done, total) => {
        if (done % step === 0 || done === total) console.log(`rendered ${done}/${total}`);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    await writeDataset(o.out, ds);
    console.log(`wrote ${count} ${cropSize}x${cropSize} samples of '${ds.object.name}' (diameter ${(ds.object.diameter * 100).toFixed(1)} cm, symmetry ${ds.object.symmetry.kind}) to ${o.out}; ${(count / seconds).toFixed(0)} samples/s`);
    if (o.preview) {
      await data.writePng(o.preview, previewSheet(ds, previewCount));
      console.log(`wrote preview ${o.preview}`);
    }
    return 0;
  },
};

function number(flag: string, value: string, ok: (v: number) => boolean, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new ConfigError(`lacuna ${NAME}: --${flag} must be ${what}, got '${value}'`, flag, value);
  return n;
}
