/** Pose metrics: LineMOD's ADD, ADD-S, n° n cm, 2D projection error; BOP's MSSD and MSPD; the symmetry-mode check. */
export {
  addError, addSError, mssdError, mspdError, rotationErrorDeg, translationErrorCm, projectionError2d, poseErrors, poseAccuracy, poseRt,
  ADD_THRESHOLDS, DEG_CM_THRESHOLDS, PROJ_THRESHOLD_PX, MSSD_THRESHOLDS, MSPD_THRESHOLDS_PX,
} from './pose_metrics.js';
export type { PoseInput, PoseErrors, PoseModel, PoseAccuracy } from './pose_metrics.js';
export { twoModeStats, hasOppositePeak, twinReprojectionPx } from './symmetry_modes.js';
export type { TwoModeStats } from './symmetry_modes.js';
