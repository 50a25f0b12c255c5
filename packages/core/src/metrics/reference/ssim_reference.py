"""Reference numbers for metrics/ssim.test.ts and metrics/ms_ssim.test.ts.

Run from the repository root with Debian's system Python (it has scikit-image):

    /usr/bin/python3 packages/core/src/metrics/reference/ssim_reference.py

Versions used for the numbers in the tests: scikit-image 0.19.3, SciPy 1.10.1, NumPy 1.24.2.

SSIM comes from skimage.metrics.structural_similarity(gaussian_weights=True, sigma=...,
use_sample_covariance=False, data_range=..., channel_axis=-1), per sample.
scikit-image has no MS-SSIM, so ms_ssim() below is an independent NumPy/SciPy
implementation (scipy.ndimage.gaussian_filter + crop, float64), whose single-scale SSIM is
asserted equal to scikit-image's at every scale before the MS-SSIM product is formed.
"""
import json

import numpy as np
from scipy.ndimage import gaussian_filter
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]


def pattern(b, h, w, c):
    """Deterministic test images, the same formula as patternPair() in the tests."""
    bb, i, j, cc = np.meshgrid(np.arange(b), np.arange(h), np.arange(w), np.arange(c), indexing="ij")
    x = 0.5 + 0.25 * np.sin(0.23 * i + 0.17 * j * (cc + 1) + 0.9 * bb) + 0.2 * np.cos(0.011 * i * j + 0.5 * cc)
    y = (x + 0.1 * np.sin(1.7 * i - 0.8 * j + 1.3 * cc + bb) + 0.05 * np.cos(0.29 * (i + 2 * j) + cc)
         + 0.08 * np.sin(0.045 * i * (cc + 1) - 0.03 * j + bb))
    return x.astype(np.float64), y.astype(np.float64)


def sk_ssim(x, y, data_range, sigma=1.5, full=False):
    return structural_similarity(x, y, gaussian_weights=True, sigma=sigma, use_sample_covariance=False,
                                 data_range=data_range, channel_axis=-1, full=full)


def stats_2d(x, y, data_range, sigma=1.5, k1=0.01, k2=0.03):
    """Mean SSIM and mean contrast-structure over the cropped region of one channel."""
    f = lambda im: gaussian_filter(im, sigma=sigma, truncate=3.5, mode="reflect")
    ux, uy = f(x), f(y)
    vx, vy, vxy = f(x * x) - ux * ux, f(y * y) - uy * uy, f(x * y) - ux * uy
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    cs = (2 * vxy + c2) / (vx + vy + c2)
    s = (2 * ux * uy + c1) / (ux * ux + uy * uy + c1) * cs
    pad = int(3.5 * sigma + 0.5)
    crop = (slice(pad, -pad), slice(pad, -pad))
    return s[crop].mean(), cs[crop].mean()


def pool2(im):
    h, w = im.shape[0] // 2 * 2, im.shape[1] // 2 * 2
    return im[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def ms_ssim(x, y, data_range, weights=WEIGHTS):
    """x, y: [H, W, C] -> MS-SSIM (per-channel product over scales, then channel mean)."""
    per_channel = []
    for ch in range(x.shape[-1]):
        a, b = x[..., ch], y[..., ch]
        prod = 1.0
        for s, wgt in enumerate(weights):
            ssim_s, cs_s = stats_2d(a, b, data_range)
            ref = structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                        data_range=data_range)
            assert abs(ssim_s - ref) < 1e-12, (ssim_s, ref)
            v = ssim_s if s == len(weights) - 1 else cs_s
            prod *= max(v, 0.0) ** wgt
            a, b = pool2(a), pool2(b)
        per_channel.append(prod)
    return float(np.mean(per_channel))


out = {}

x, y = pattern(2, 24, 20, 3)
out["ssim_2x24x20x3_range1"] = [sk_ssim(x[k], y[k], 1.0) for k in range(2)]
out["psnr_2x24x20x3_range1"] = [peak_signal_noise_ratio(y[k], x[k], data_range=1.0) for k in range(2)]
_, S = sk_ssim(x[1], y[1], 1.0, full=True)
out["ssim_map_sample1_at"] = {f"{i},{j},{c}": float(S[i + 5, j + 5, c]) for (i, j, c) in [(0, 0, 0), (3, 7, 1), (13, 9, 2)]}

x, y = pattern(1, 16, 16, 1)
out["ssim_1x16x16x1_range255"] = [sk_ssim(255 * x[0], 255 * y[0], 255.0)]

x, y = pattern(2, 13, 17, 1)
out["ssim_2x13x17x1_targetrange"] = [sk_ssim(x[k], y[k], float(y[k].max() - y[k].min())) for k in range(2)]
out["target_ranges_2x13x17x1"] = [float(y[k].max() - y[k].min()) for k in range(2)]

x, y = pattern(1, 20, 22, 2)
out["ssim_1x20x22x2_sigma1_win9"] = [sk_ssim(x[0], y[0], 1.0, sigma=1.0)]

x, y = pattern(2, 181, 178, 1)
out["msssim_2x181x178x1_range1"] = [ms_ssim(x[k], y[k], 1.0) for k in range(2)]

x, y = pattern(1, 176, 180, 3)
out["msssim_1x176x180x3_range1"] = [ms_ssim(x[0], y[0], 1.0)]

x, y = pattern(1, 48, 50, 2)
out["msssim_1x48x50x2_range1_3scales"] = [ms_ssim(x[0], y[0], 1.0, WEIGHTS[:3])]

print(json.dumps(out, indent=2))
