// Adam's update and the gradient's sum of squares (src/train/adam.ts's adamUpdate and sumOfSquares) in C++, with
// the same float32 operations in the same order, so the results are bit-identical to them: built without
// -ffast-math and with -ffp-contract=off (no fused multiply-add). Used with the native kernels (A2S_GEMM=openblas).
#include <node_api.h>
#include <cmath>
#include <cstdint>
#include <vector>
#include "common.h"

struct Coefficients {
  float scale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc2, eps, stepSize;
};

// The gradients: a Float32Array or an array of them (summed in order, in float32).
static bool Grads(napi_env env, napi_value v, std::vector<float*>* gs, size_t* minLength) {
  bool isArray = false;
  napi_is_array(env, v, &isArray);
  uint32_t n = 1;
  if (isArray) napi_get_array_length(env, v, &n);
  if (n == 0) return false;
  *minLength = SIZE_MAX;
  for (uint32_t i = 0; i < n; i++) {
    napi_value e = v;
    if (isArray) napi_get_element(env, v, i, &e);
    float* p;
    size_t len;
    if (!Float32(env, e, &p, &len)) return false;
    gs->push_back(p);
    if (len < *minLength) *minLength = len;
  }
  return true;
}

static bool Number(napi_env env, napi_value v, float* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return false;
  *out = static_cast<float>(d);
  return true;
}

// adamUpdate(p, gs, m, v, [scale, beta1, 1−beta1, beta2, 1−beta2, bc2, eps, stepSize], from, to)
static napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  float *p, *m, *v;
  size_t lp, lm, lv, lg;
  std::vector<float*> gs;
  int64_t from, to;
  Coefficients c;
  bool ok = argc == 7 && Float32(env, argv[0], &p, &lp) && Grads(env, argv[1], &gs, &lg) && Float32(env, argv[2], &m, &lm) && Float32(env, argv[3], &v, &lv) &&
            Int(env, argv[5], &from) && Int(env, argv[6], &to);
  bool isArray = false;
  if (ok) napi_is_array(env, argv[4], &isArray);
  uint32_t nc = 0;
  if (ok && isArray) napi_get_array_length(env, argv[4], &nc);
  ok = ok && isArray && nc == 8;
  float* fields = &c.scale;
  for (uint32_t i = 0; ok && i < 8; i++) {
    napi_value e;
    napi_get_element(env, argv[4], i, &e);
    ok = Number(env, e, fields + i);
  }
  if (!ok) {
    napi_throw_type_error(env, nullptr, "adamUpdate: expected (p, grads, m, v, coefficients[8], from, to) with Float32Arrays");
    return nullptr;
  }
  if (from > to || static_cast<size_t>(to) > lp || static_cast<size_t>(to) > lm || static_cast<size_t>(to) > lv || static_cast<size_t>(to) > lg) {
    napi_throw_range_error(env, nullptr, "adamUpdate: [from, to) is outside an array");
    return nullptr;
  }
  const size_t n = gs.size();
  for (int64_t k = from; k < to; k++) {
    float g = gs[0][k];
    for (size_t w = 1; w < n; w++) g = g + gs[w][k];
    if (c.scale != 1.0f) g = g * c.scale;
    float mNew = m[k] * c.beta1 + g * c.oneMinusBeta1;
    float vNew = v[k] * c.beta2 + (g * g) * c.oneMinusBeta2;
    m[k] = mNew;
    v[k] = vNew;
    float denom = std::sqrt(vNew / c.bc2) + c.eps;
    p[k] = p[k] - (mNew / denom) * c.stepSize;
  }
  return nullptr;
}

// sumOfSquares(gs, from, to): Σ (Σ_w gs[w][k])² over [from, to), the inner sum in float32, the outer in float64.
static napi_value SumOfSquares(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::vector<float*> gs;
  size_t lg;
  int64_t from, to;
  if (argc != 3 || !Grads(env, argv[0], &gs, &lg) || !Int(env, argv[1], &from) || !Int(env, argv[2], &to)) {
    napi_throw_type_error(env, nullptr, "sumOfSquares: expected (grads, from, to) with Float32Arrays");
    return nullptr;
  }
  if (from > to || static_cast<size_t>(to) > lg) {
    napi_throw_range_error(env, nullptr, "sumOfSquares: [from, to) is outside an array");
    return nullptr;
  }
  double s = 0;
  const size_t n = gs.size();
  for (int64_t k = from; k < to; k++) {
    float g = gs[0][k];
    for (size_t w = 1; w < n; w++) g = g + gs[w][k];
    double d = g;
    s += d * d;
  }
  napi_value out;
  napi_create_double(env, s, &out);
  return out;
}

void RegisterAdam(napi_env env, napi_value exports) {
  Export(env, exports, "adamUpdate", AdamUpdate);
  Export(env, exports, "sumOfSquares", SumOfSquares);
}
