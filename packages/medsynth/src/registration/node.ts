/** Registration (Node entry): rigid transforms and elastix rigid registration; registration through synthesis. */
export { eulerRotation, rigidMatrix, transformPoint, transformVolume, meanPointDistance, maskLandmarks } from './rigid.js';
export type { RigidParameters } from './rigid.js';
export { registerRigid } from './elastix_node.js';
export type { RegistrationMetric, RigidRegistrationOptions, RigidRegistration } from './elastix.js';
export { runRegistrationExperiment } from './registration_experiment.js';
export type { RegistrationExperimentOptions, RegistrationExperimentResult, RegistrationCase } from './registration_experiment.js';
