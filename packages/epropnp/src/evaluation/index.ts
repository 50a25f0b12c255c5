/** LineMOD pose metrics: ADD, ADD-S, n° n cm, 2D projection error, and their pass rates. */
export {
  addError, addSError, rotationErrorDeg, translationErrorCm, projectionError2d, poseErrors, poseAccuracy, poseRt,
  ADD_THRESHOLDS, DEG_CM_THRESHOLDS, PROJ_THRESHOLD_PX,
} from './pose_metrics.js';
export type { PoseInput, PoseErrors, PoseModel, PoseAccuracy } from './pose_metrics.js';
