/** Registration (browser entry): rigid transforms and elastix rigid registration from the app's own pipeline files. */
export { eulerRotation, rigidMatrix, transformPoint, transformVolume, meanPointDistance, maskLandmarks } from './rigid.js';
export type { RigidParameters } from './rigid.js';
export { registerRigid } from './elastix_browser.js';
export type { BrowserRegistrationOptions } from './elastix_browser.js';
export type { RegistrationMetric, RigidRegistrationOptions, RigidRegistration } from './elastix.js';
