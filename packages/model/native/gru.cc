// Fused GRU kernels for the wasm backend (src/tf/native-gru.ts): a whole recurrence, or one cell (T = 1), forward
// and backward through time, on Float32Arrays (views of the tfjs wasm heap). PyTorch's gate equations, weights
// fused in gate order r, z, n, as src/nn/layers.ts's gruCell:
//   hp = h·wh + bh;  r = σ(x_r + hp_r);  z = σ(x_z + hp_z);  n = tanh(x_n + r ⊙ hp_n);  h' = n + z ⊙ (h − n)
// and, with a mask m (1 = advance, 0 = keep): h' ← h + m (h' − h). The recurrent products run on OpenBLAS
// (one thread, as sgemm.cc); the gates in one pass per row, vectorized for the CPU it runs on (target clones).
#include <node_api.h>
#include <cblas.h>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include "common.h"

static inline float Sigmoid(float x) {
  x = fminf(fmaxf(x, -80.0f), 80.0f);
  return 1.0f / (1.0f + expf(-x));
}

// tanh(x) = 2σ(2x) − 1 (one exp; absolute error about 1e-7)
static inline float Tanh(float x) {
  x = fminf(fmaxf(x, -40.0f), 40.0f);
  return 2.0f / (1.0f + expf(-2.0f * x)) - 1.0f;
}

// One row of one step: x [3H] (projected input), hp [3H] (h·wh, no bias), h [H] (state before), m the mask value
// (1 without a mask); writes the new state o [H] and the gates g [4H] = r, z, n, hp_n + b_n.
A2S_CLONES static void ForwardRow(const float* __restrict x, const float* __restrict hp, const float* __restrict bh,
                                  const float* __restrict h, float m, float* __restrict o, float* __restrict g, int H) {
  for (int j = 0; j < H; j++) {
    float r = Sigmoid(x[j] + (hp[j] + bh[j]));
    float z = Sigmoid(x[H + j] + (hp[H + j] + bh[H + j]));
    float hpn = hp[2 * H + j] + bh[2 * H + j];
    float n = Tanh(x[2 * H + j] + r * hpn);
    float hn = n + z * (h[j] - n);
    o[j] = h[j] + m * (hn - h[j]);
    g[j] = r;
    g[H + j] = z;
    g[2 * H + j] = n;
    g[3 * H + j] = hpn;
  }
}

// One row of one step backwards: dout [H] reaches the state after the step (from its output and the next step),
// h [H] the state before, g [4H] the saved gates, m the mask value. Writes the gradient of the projected input
// gx [3H], of the recurrent pre-activation gh [3H] (hp's, for wh and bh), and the direct part of the gradient of
// the state before, dprev [H] (the product gh·whᵀ is added by the caller, for all rows at once).
A2S_CLONES static void BackwardRow(const float* __restrict dout, const float* __restrict h, const float* __restrict g, float m,
                                   float* __restrict gx, float* __restrict gh, float* __restrict dprev, int H) {
  for (int j = 0; j < H; j++) {
    float r = g[j], z = g[H + j], n = g[2 * H + j], hpn = g[3 * H + j];
    float dNew = dout[j] * m;
    float dn = dNew * (1.0f - z);
    float dz = dNew * (h[j] - n);
    float daN = dn * (1.0f - n * n);
    float daR = daN * hpn * r * (1.0f - r);
    float daZ = dz * z * (1.0f - z);
    gx[j] = daR;
    gx[H + j] = daZ;
    gx[2 * H + j] = daN;
    gh[j] = daR;
    gh[H + j] = daZ;
    gh[2 * H + j] = daN * r;
    dprev[j] = dout[j] * (1.0f - m) + dNew * z;
  }
}

struct Args {
  float* p[8];
  size_t len[8];
  int64_t B, T, H;
  bool reverse;
};

// Reads `arrays` typed-array arguments (index `optional` may be null), then B, T, H and reverse.
static bool ReadArgs(napi_env env, napi_callback_info info, size_t arrays, int optional, const char* name, Args* a) {
  size_t argc = arrays + 4;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != arrays + 4) {
    napi_throw_type_error(env, nullptr, (std::string(name) + ": wrong number of arguments").c_str());
    return false;
  }
  for (size_t i = 0; i < arrays; i++) {
    bool ok = static_cast<int>(i) == optional ? OptionalFloat32(env, argv[i], &a->p[i], &a->len[i]) : Float32(env, argv[i], &a->p[i], &a->len[i]);
    if (!ok) {
      napi_throw_type_error(env, nullptr, (std::string(name) + ": argument " + std::to_string(i) + " must be a Float32Array").c_str());
      return false;
    }
  }
  if (!Int(env, argv[arrays], &a->B) || !Int(env, argv[arrays + 1], &a->T) || !Int(env, argv[arrays + 2], &a->H) ||
      napi_get_value_bool(env, argv[arrays + 3], &a->reverse) != napi_ok || a->B > INT32_MAX / 4 || a->H > INT32_MAX / 4 || a->T > INT32_MAX) {
    napi_throw_type_error(env, nullptr, (std::string(name) + ": B, T and H must be non-negative integers, reverse a boolean").c_str());
    return false;
  }
  return true;
}

// Every array at least as long as its shape says (a null optional array is not checked).
static bool Fits(napi_env env, const Args& a, std::initializer_list<int64_t> need, const char* name) {
  size_t i = 0;
  for (int64_t n : need) {
    if (a.p[i] != nullptr && static_cast<int64_t>(a.len[i]) < n) {
      napi_throw_range_error(env, nullptr, (std::string(name) + ": argument " + std::to_string(i) + " is shorter than B, T and H say").c_str());
      return false;
    }
    i++;
  }
  return true;
}

// gruForward(xp [B,T,3H], h0 [B,H], wh [H,3H], bh [3H], mask [B,T] | null, out [B,T,H], gates [T,B,4H],
//            hsave [T,B,H], B, T, H, reverse): out[:, t] is the state after step t; hsave[t] the state before it.
static napi_value GruForward(napi_env env, napi_callback_info info) {
  Args a;
  if (!ReadArgs(env, info, 8, 4, "gruForward", &a)) return nullptr;
  const int64_t B = a.B, T = a.T, H = a.H;
  if (!Fits(env, a, {B * T * 3 * H, B * H, H * 3 * H, 3 * H, B * T, B * T * H, T * B * 4 * H, T * B * H}, "gruForward")) return nullptr;
  const float *xp = a.p[0], *h0 = a.p[1], *wh = a.p[2], *bh = a.p[3], *mask = a.p[4];
  float *out = a.p[5], *gates = a.p[6], *hsave = a.p[7];
  if (B == 0 || T == 0 || H == 0) return nullptr;
  std::vector<float> hp(B * 3 * H);
  const float* h = h0;
  int64_t ldh = H;
  for (int64_t i = 0; i < T; i++) {
    const int64_t t = a.reverse ? T - 1 - i : i;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, 3 * H, H, 1.0f, h, ldh, wh, 3 * H, 0.0f, hp.data(), 3 * H);
    for (int64_t b = 0; b < B; b++) {
      const float* hb = h + b * ldh;
      std::memcpy(hsave + (t * B + b) * H, hb, H * sizeof(float));
      ForwardRow(xp + (b * T + t) * 3 * H, hp.data() + b * 3 * H, bh, hb, mask ? mask[b * T + t] : 1.0f, out + (b * T + t) * H,
                 gates + (t * B + b) * 4 * H, H);
    }
    h = out + t * H;  // rows b at (b·T + t)·H
    ldh = T * H;
  }
  return nullptr;
}

// gruBackward(dy [B,T,H], wh [H,3H], mask [B,T] | null, gates [T,B,4H], hsave [T,B,H], dxp [B,T,3H], dh0 [B,H],
//             dhp [T,B,3H], B, T, H, reverse): dy is the gradient of out; writes the gradients of xp and h0 and
//             the recurrent pre-activation's dhp (wh's gradient is hsaveᵀ·dhp, bh's the sum of dhp's rows).
static napi_value GruBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!ReadArgs(env, info, 8, 2, "gruBackward", &a)) return nullptr;
  const int64_t B = a.B, T = a.T, H = a.H;
  if (!Fits(env, a, {B * T * H, H * 3 * H, B * T, T * B * 4 * H, T * B * H, B * T * 3 * H, B * H, T * B * 3 * H}, "gruBackward")) return nullptr;
  const float *dy = a.p[0], *wh = a.p[1], *mask = a.p[2], *gates = a.p[3], *hsave = a.p[4];
  float *dxp = a.p[5], *dh0 = a.p[6], *dhp = a.p[7];
  if (B == 0 || H == 0) return nullptr;
  std::vector<float> dh(B * H, 0.0f), dprev(B * H), dout(H);
  for (int64_t i = T - 1; i >= 0; i--) {
    const int64_t t = a.reverse ? T - 1 - i : i;
    for (int64_t b = 0; b < B; b++) {
      const float* dyb = dy + (b * T + t) * H;
      const float* dhb = dh.data() + b * H;
      for (int64_t j = 0; j < H; j++) dout[j] = dhb[j] + dyb[j];
      BackwardRow(dout.data(), hsave + (t * B + b) * H, gates + (t * B + b) * 4 * H, mask ? mask[b * T + t] : 1.0f, dxp + (b * T + t) * 3 * H,
                  dhp + (t * B + b) * 3 * H, dprev.data() + b * H, H);
    }
    // dprev += gh · whᵀ, for all rows of the step
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, H, 3 * H, 1.0f, dhp + t * B * 3 * H, 3 * H, wh, 3 * H, 1.0f, dprev.data(), H);
    dh.swap(dprev);
  }
  std::memcpy(dh0, dh.data(), B * H * sizeof(float));
  return nullptr;
}

void RegisterGru(napi_env env, napi_value exports) {
  Export(env, exports, "gruForward", GruForward);
  Export(env, exports, "gruBackward", GruBackward);
}
