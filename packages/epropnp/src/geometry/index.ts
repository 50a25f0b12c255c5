/** Cameras, rotations (quaternions, yaw, Rodrigues), pose steps; x_cam = R x_obj + t as OpenCV. */
export { makeCamera, projectPoints, poseRotation, LINEMOD_INTRINSICS } from './camera.js';
export type { Camera, CameraOptions, Intrinsics } from './camera.js';
export { quaternionToMatrix, matrixToQuaternion, yawToMatrix, normalizeQuaternion, quaternionTangent, quaternionAngleDeg, rotationAngleDeg } from './rotation.js';
export { rvecToMatrix, matrixToRvec, poseToRvecTvec, poseFromRvecTvec } from './rodrigues.js';
export { addPoseStep, poseLength } from './pose_step.js';
