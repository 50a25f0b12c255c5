#!/usr/bin/python3
"""Native OpenCV twin of bench/pnp.ts: solves the same PnP problems with cv2.solvePnP
(ITERATIVE, EPNP, SQPNP) and cv2.solvePnPRansac, single-threaded, and prints the poses and
the median batch times as JSON. Usage: /usr/bin/python3 bench/pnp_opencv.py problems.json"""
import json
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
spec = json.load(open(sys.argv[1]))
B, N, reps = spec["B"], spec["N"], spec["reps"]
x3d = np.asarray(spec["x3d"], dtype=np.float64).reshape(B, N, 3)
x2d = np.asarray(spec["x2d"], dtype=np.float64).reshape(B, N, 2)
K = np.asarray(spec["K"], dtype=np.float64).reshape(3, 3)
dist = np.zeros(4)
flags = {"ITERATIVE": cv2.SOLVEPNP_ITERATIVE, "EPNP": cv2.SOLVEPNP_EPNP, "SQPNP": cv2.SOLVEPNP_SQPNP}


def solve(method, b):
    if method == "RANSAC":
        ok, rvec, tvec, _ = cv2.solvePnPRansac(x3d[b], x2d[b], K, dist, iterationsCount=100,
                                               reprojectionError=8.0, confidence=0.99,
                                               flags=cv2.SOLVEPNP_ITERATIVE)
    else:
        ok, rvec, tvec = cv2.solvePnP(x3d[b], x2d[b], K, dist, flags=flags[method])
    return rvec.ravel().tolist() + tvec.ravel().tolist() if ok else None


out = {"version": cv2.__version__}
for method in ["ITERATIVE", "EPNP", "SQPNP", "RANSAC"]:
    times, poses = [], None
    for _ in range(reps + 1):
        t0 = time.perf_counter()
        poses = [solve(method, b) for b in range(B)]
        times.append((time.perf_counter() - t0) * 1000)
    out[method] = {"batch_ms": float(np.median(times[1:])), "poses": poses}
print(json.dumps(out))
