/** Synthesis networks and training: generator/discriminator factories, the perceptual net, the GAN step. */
export { buildGenerator, GENERATOR_ARCHS } from './generator.js';
export type { GeneratorConfig, GeneratorArch } from './generator.js';
export { buildDiscriminator, patchGanReceptiveField } from './discriminator.js';
export type { DiscriminatorConfig } from './discriminator.js';
export { buildPerceptualNet, trainPerceptualNet, denoisingLoss, PERCEPTUAL_LAYERS } from './perceptual_net.js';
export type { PerceptualNetOptions, TrainPerceptualNetOptions } from './perceptual_net.js';
export { validateLossConfig, PIX2PIX_LOSSES } from './loss_config.js';
export type { LossConfig } from './loss_config.js';
export { SynthesisTrainer } from './trainer.js';
export type { SynthesisTrainerOptions, SynthesisStepResult, AdamSettings } from './trainer.js';
export type { TaskOptions } from './trainer.js';
export { blobImages, invertedPairs } from './toy_pairs.js';
export { CycleGanTrainer, cycleConsistencyLoss } from './cycle_gan.js';
export type { CycleGanOptions, CycleGanStepResult } from './cycle_gan.js';
export { ImagePool } from './image_pool.js';
export type { ImagePoolState } from './image_pool.js';
