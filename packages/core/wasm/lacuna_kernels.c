// Lacuna's data-movement kernels for training convolutions on the TensorFlow.js wasm backend.
//
// The module imports the wasm backend's own linear memory, so every pointer below is a byte
// offset of a tensor that the backend already owns: no copies in or out. The heavy
// arithmetic (GEMM) stays in XNNPACK, which the backend runs on its thread pool; these
// kernels only lay data out so that each gradient becomes one large, non-transposed GEMM.
//
// Rules that keep the module safe inside memory it does not own: no static data, no
// address-taken locals (so no shadow stack), no libc. Build: see build.sh.
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// Copies `n` floats; `memory.copy` under -mbulk-memory.
static inline void copy_floats(float *dst, const float *src, int n) {
  __builtin_memcpy(dst, src, (unsigned)n * sizeof(float));
}

static inline void zero_floats(float *dst, int n) {
  __builtin_memset(dst, 0, (unsigned)n * sizeof(float));
}

// Rows [part*rows/parts, (part+1)*rows/parts) rounded to multiples of 4: how the `_part`
// kernels split work between the threads of kernels/wasm_threads.ts.
static inline int part_start(int n, int part, int parts) {
  return part >= parts ? n : (int)(((long)n * part / parts) & ~3L);
}

// dst[c][r] = src[r][c] for rows [r_begin, r_end) of a row-major [rows, cols] matrix, in 4x4
// SIMD tiles (r_begin a multiple of 4).
static void transpose_rows(const float *src, float *dst, int rows, int cols, int r_begin, int r_end) {
  const int r4 = r_begin + ((r_end - r_begin) & ~3), c4 = cols & ~3;
  for (int r = r_begin; r < r4; r += 4) {
    const float *s0 = src + (long)r * cols;
    for (int c = 0; c < c4; c += 4) {
      v128_t a = wasm_v128_load(s0 + c);
      v128_t b = wasm_v128_load(s0 + cols + c);
      v128_t d = wasm_v128_load(s0 + 2 * cols + c);
      v128_t e = wasm_v128_load(s0 + 3 * cols + c);
      v128_t t0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
      v128_t t1 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
      v128_t t2 = wasm_i32x4_shuffle(d, e, 0, 4, 1, 5);
      v128_t t3 = wasm_i32x4_shuffle(d, e, 2, 6, 3, 7);
      float *o = dst + (long)c * rows + r;
      wasm_v128_store(o, wasm_i64x2_shuffle(t0, t2, 0, 2));
      wasm_v128_store(o + rows, wasm_i64x2_shuffle(t0, t2, 1, 3));
      wasm_v128_store(o + 2 * rows, wasm_i64x2_shuffle(t1, t3, 0, 2));
      wasm_v128_store(o + 3 * rows, wasm_i64x2_shuffle(t1, t3, 1, 3));
    }
    for (int c = c4; c < cols; c++)
      for (int i = 0; i < 4; i++) dst[(long)c * rows + r + i] = src[(long)(r + i) * cols + c];
  }
  for (int r = r4; r < r_end; r++)
    for (int c = 0; c < cols; c++) dst[(long)c * rows + r] = src[(long)r * cols + c];
}

// dst[c][r] = src[r][c] for a row-major [rows, cols] matrix.
EXPORT(transpose_2d)
void transpose_2d(const float *src, float *dst, int rows, int cols) { transpose_rows(src, dst, rows, cols, 0, rows); }

// The part `part` of `parts` of transpose_2d.
EXPORT(transpose_2d_part)
void transpose_2d_part(const float *src, float *dst, int rows, int cols, int part, int parts) {
  transpose_rows(src, dst, rows, cols, part_start(rows, part, parts), part_start(rows, part + 1, parts));
}

// im2col for NHWC input x [B, H, W, C] (only batches b0..b0+nb-1):
// out [nb*OH*OW, KH*KW*C], row m = (b, oh, ow), column (kh, kw, c); zero where the tap
// falls into the padding.
EXPORT(im2col)
void im2col(const float *x, int b0, int nb, int H, int W, int C, int KH, int KW, int sh, int sw,
            int dh, int dw, int pt, int pl, int OH, int OW, float *out) {
  const int rowLen = KH * KW * C;
  float *o = out;
  for (int b = b0; b < b0 + nb; b++) {
    const float *xb = x + (long)b * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++) {
        for (int kh = 0; kh < KH; kh++) {
          const int ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) {
            zero_floats(o, KW * C);
            o += KW * C;
            continue;
          }
          const float *xr = xb + (long)ih * W * C;
          int iw = ow * sw - pl;
          if (dw == 1 && iw >= 0 && iw + KW <= W) {
            copy_floats(o, xr + (long)iw * C, KW * C);  // taps of a row are contiguous
            o += KW * C;
            continue;
          }
          for (int kw = 0; kw < KW; kw++, iw += dw, o += C) {
            if (iw < 0 || iw >= W) zero_floats(o, C);
            else copy_floats(o, xr + (long)iw * C, C);
          }
        }
      }
    }
  }
  (void)rowLen;
}

// dst[i] += src[i]
static inline void add_floats(float *dst, const float *src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}

// The adjoint of im2col: scatter-adds col [nb*OH*OW, KH*KW*C] into dx [B, H, W, C]
// (batches b0..b0+nb-1). dx must be zeroed by the caller before the first chunk.
EXPORT(col2im_add)
void col2im_add(const float *col, int b0, int nb, int H, int W, int C, int KH, int KW, int sh,
                int sw, int dh, int dw, int pt, int pl, int OH, int OW, float *dx) {
  const float *c = col;
  for (int b = b0; b < b0 + nb; b++) {
    float *db = dx + (long)b * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++) {
        for (int kh = 0; kh < KH; kh++) {
          const int ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) {
            c += KW * C;
            continue;
          }
          float *dr = db + (long)ih * W * C;
          int iw = ow * sw - pl;
          for (int kw = 0; kw < KW; kw++, iw += dw, c += C) {
            if (iw >= 0 && iw < W) add_floats(dr + (long)iw * C, c, C);
          }
        }
      }
    }
  }
}

EXPORT(fill_zero)
void fill_zero(float *dst, int n) { zero_floats(dst, n); }

// MaxPoolGrad: dx [B, H, W, C] (zeroed here) receives each dy [B, OH, OW, C] at the
// position of the first maximum of its window in x. (The stock wasm kernel drops some.)
EXPORT(max_pool_grad)
void max_pool_grad(const float *x, const float *dy, int B, int H, int W, int C, int KH, int KW,
                   int sh, int sw, int dh, int dw, int pt, int pl, int OH, int OW, float *dx) {
  zero_floats(dx, B * H * W * C);
  for (int b = 0; b < B; b++) {
    const float *xb = x + (long)b * H * W * C;
    float *db = dx + (long)b * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++) {
        const float *g = dy + (((long)b * OH + oh) * OW + ow) * C;
        for (int c = 0; c < C; c++) {
          float best = -__builtin_inff();
          long at = -1;
          for (int kh = 0; kh < KH; kh++) {
            const int ih = oh * sh - pt + kh * dh;
            if (ih < 0 || ih >= H) continue;
            for (int kw = 0; kw < KW; kw++) {
              const int iw = ow * sw - pl + kw * dw;
              if (iw < 0 || iw >= W) continue;
              const long i = ((long)ih * W + iw) * C + c;
              if (at < 0 || xb[i] > best) {
                best = xb[i];
                at = i;
              }
            }
          }
          if (at >= 0) db[at] += g[c];
        }
      }
    }
  }
}

// Transposed im2col from channel-major xT [C, B, H, W] (batches b0..b0+nb-1):
// out [KH*KW*C, nb*OH*OW], row (kh, kw, c), column m = (b, oh, ow). With this layout the
// filter gradient is out @ dy[M, Co], a GEMM whose large operand is XNNPACK's input, not
// its weights (which it would repack on every call).
static void im2col_t_rows(const float *xT, int B, int b0, int nb, int H, int W, int C, int KH, int KW,
                          int sh, int sw, int dh, int dw, int pt, int pl, int OH, int OW, float *out,
                          int row_begin, int row_end) {
  const long M = (long)nb * OH * OW;
  for (int kh = 0; kh < KH; kh++) {
    for (int kw = 0; kw < KW; kw++) {
      const int tap = kh * KW + kw;
      if ((tap + 1) * C <= row_begin || tap * C >= row_end) continue;
      // Output columns ow whose tap falls inside the row: ow in [owLo, owHi).
      const int off = kw * dw - pl;
      int owLo = off >= 0 ? 0 : (-off + sw - 1) / sw;
      int owHi = (W - 1 - off) >= 0 ? (W - 1 - off) / sw + 1 : 0;
      if (owHi > OW) owHi = OW;
      if (owLo > owHi) owLo = owHi;
      const int c_begin = row_begin > tap * C ? row_begin - tap * C : 0;
      const int c_end = row_end < (tap + 1) * C ? row_end - tap * C : C;
      for (int c = c_begin; c < c_end; c++) {
        float *o = out + ((long)tap * C + c) * M;
        for (int b = b0; b < b0 + nb; b++) {
          const float *xc = xT + ((long)c * B + b) * H * W;
          for (int oh = 0; oh < OH; oh++, o += OW) {
            const int ih = oh * sh - pt + kh * dh;
            if (ih < 0 || ih >= H) {
              zero_floats(o, OW);
              continue;
            }
            const float *xr = xc + (long)ih * W + off;
            if (owLo > 0) zero_floats(o, owLo);
            if (sw == 1) copy_floats(o + owLo, xr + owLo, owHi - owLo);
            else for (int ow = owLo; ow < owHi; ow++) o[ow] = xr[(long)ow * sw];
            if (owHi < OW) zero_floats(o + owHi, OW - owHi);
          }
        }
      }
    }
  }
}

EXPORT(im2col_t)
void im2col_t(const float *xT, int B, int b0, int nb, int H, int W, int C, int KH, int KW, int sh,
              int sw, int dh, int dw, int pt, int pl, int OH, int OW, float *out) {
  im2col_t_rows(xT, B, b0, nb, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW, out, 0, KH * KW * C);
}

// The part `part` of `parts` of im2col_t (split over the output rows).
EXPORT(im2col_t_part)
void im2col_t_part(const float *xT, int B, int b0, int nb, int H, int W, int C, int KH, int KW, int sh,
                   int sw, int dh, int dw, int pt, int pl, int OH, int OW, float *out, int part, int parts) {
  const int rows = KH * KW * C;
  const int r0 = parts <= 1 ? 0 : (int)((long)rows * part / parts);
  const int r1 = parts <= 1 ? rows : (int)((long)rows * (part + 1) / parts);
  im2col_t_rows(xT, B, b0, nb, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW, out, r0, r1);
}

// Sum over the middle axis of a contiguous [outer, mid, inner] array: out [outer, inner].
// Covers any reduction over a contiguous run of axes without the transpose the stock
// kernel makes first.
EXPORT(sum_middle)
void sum_middle(const float *x, int outer, int mid, int inner, float *out) {
  for (int o = 0; o < outer; o++) {
    float *dst = out + (long)o * inner;
    const float *src = x + (long)o * mid * inner;
    if (inner == 1) {
      v128_t acc = wasm_f32x4_splat(0.f);
      int i = 0;
      for (; i + 4 <= mid; i += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(src + i));
      float s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
                wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
      for (; i < mid; i++) s += src[i];
      dst[0] = s;
      continue;
    }
    copy_floats(dst, src, inner);
    for (int m = 1; m < mid; m++) add_floats(dst, src + (long)m * inner, inner);
  }
}

EXPORT(scale_floats)
void scale_floats(float *x, int n, float s) {
  const v128_t v = wasm_f32x4_splat(s);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(x + i, wasm_f32x4_mul(wasm_v128_load(x + i), v));
  for (; i < n; i++) x[i] *= s;
}

// dst[r * dst_stride + c] = src[r * src_stride + c] for r < rows, c < cols: a strided block of
// rows, as in a slice or concatenation along an inner axis (the stock kernels copy row by row
// from JavaScript, one typed-array view per row).
EXPORT(copy_2d)
void copy_2d(const float *src, int src_stride, float *dst, int dst_stride, int rows, int cols) {
  if (cols >= 16) {
    for (int r = 0; r < rows; r++) copy_floats(dst + (long)r * dst_stride, src + (long)r * src_stride, cols);
    return;
  }
  const int c4 = cols & ~3;
  for (int r = 0; r < rows; r++) {
    const float *s = src + (long)r * src_stride;
    float *d = dst + (long)r * dst_stride;
    for (int c = 0; c < c4; c += 4) wasm_v128_store(d + c, wasm_v128_load(s + c));
    for (int c = c4; c < cols; c++) d[c] = s[c];
  }
}

// ReLU's gradient in one pass: dx = x > 0 ? dy : 0 (tfjs composes Step, Cast and Multiply).
EXPORT(relu_grad)
void relu_grad(const float *x, const float *dy, float *dx, int n) {
  const int n4 = n & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < n4; i += 4) {
    v128_t mask = wasm_f32x4_gt(wasm_v128_load(x + i), zero);
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), mask));
  }
  for (int i = n4; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

// One Adam step in one pass, with tfjs' AdamOptimizer's float32 operations in its order
// (no contraction into fused multiply-adds), so it equals the composed ops bit for bit:
//   m' = m*b1 + g*c1;  v' = v*b2 + (g*g)*c2;
//   w' = (m'/omab1) / (sqrt(v'/omab2) + eps) * neg_lr + w
#pragma clang fp contract(off)
EXPORT(adam_update)
void adam_update(const float *w, const float *m, const float *v, const float *g, float *w_out, float *m_out,
                 float *v_out, int n, float b1, float c1, float b2, float c2, float omab1, float omab2,
                 float eps, float neg_lr) {
  const int n4 = n & ~3;
  const v128_t vb1 = wasm_f32x4_splat(b1), vc1 = wasm_f32x4_splat(c1), vb2 = wasm_f32x4_splat(b2),
               vc2 = wasm_f32x4_splat(c2), vo1 = wasm_f32x4_splat(omab1), vo2 = wasm_f32x4_splat(omab2),
               veps = wasm_f32x4_splat(eps), vlr = wasm_f32x4_splat(neg_lr);
  for (int i = 0; i < n4; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, vc1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), vc2));
    const v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vi, vo2)), veps);
    const v128_t step = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_div(mi, vo1), den), vlr);
    wasm_v128_store(m_out + i, mi);
    wasm_v128_store(v_out + i, vi);
    wasm_v128_store(w_out + i, wasm_f32x4_add(step, wasm_v128_load(w + i)));
  }
  for (int i = n4; i < n; i++) {
    const float mi = m[i] * b1 + g[i] * c1;
    const float vi = v[i] * b2 + (g[i] * g[i]) * c2;
    const float den = __builtin_sqrtf(vi / omab2) + eps;
    m_out[i] = mi;
    v_out[i] = vi;
    w_out[i] = (mi / omab1) / den * neg_lr + w[i];
  }
}
