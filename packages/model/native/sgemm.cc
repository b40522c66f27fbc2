// a2s native kernels, module entry and sgemm: OpenBLAS's cblas_sgemm on Float32Arrays (e.g. views of the tfjs
// wasm heap), for the wasm backend's BatchMatMul (src/tf/native-gemm.ts); the fused GRU kernels are in gru.cc.
// Built by native/build.mjs; optional at run time.
#include <node_api.h>
#include <cblas.h>
#include <cstdint>
#include <cstdio>
#include "common.h"

extern "C" void openblas_set_num_threads(int);
extern "C" char* openblas_get_config(void);
extern "C" char* openblas_get_corename(void);

// sgemm(a, b, c, m, n, k, transA, transB, batch, strideA, strideB): for i < batch,
// c[i·m·n …] (row-major [m, n]) = op(a[i·strideA …]) · op(b[i·strideB …]); op(a) is [m, k], op(b) [k, n].
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 11) {
    napi_throw_type_error(env, nullptr, "sgemm: expected 11 arguments (a, b, c, m, n, k, transA, transB, batch, strideA, strideB)");
    return nullptr;
  }
  float *a, *b, *c;
  size_t la, lb, lc;
  if (!Float32(env, argv[0], &a, &la) || !Float32(env, argv[1], &b, &lb) || !Float32(env, argv[2], &c, &lc)) {
    napi_throw_type_error(env, nullptr, "sgemm: a, b and c must be Float32Arrays");
    return nullptr;
  }
  int64_t m, n, k, batch, sa, sb;
  bool ta, tb;
  if (!Int(env, argv[3], &m) || !Int(env, argv[4], &n) || !Int(env, argv[5], &k) || !Int(env, argv[8], &batch) ||
      !Int(env, argv[9], &sa) || !Int(env, argv[10], &sb) || napi_get_value_bool(env, argv[6], &ta) != napi_ok ||
      napi_get_value_bool(env, argv[7], &tb) != napi_ok || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    napi_throw_type_error(env, nullptr, "sgemm: m, n, k, batch and strides must be non-negative integers, transA and transB booleans");
    return nullptr;
  }
  // every element read or written must lie inside its array
  bool fits = batch == 0 || ((batch - 1) * sa + m * k <= static_cast<int64_t>(la) && (batch - 1) * sb + k * n <= static_cast<int64_t>(lb) &&
                             batch * m * n <= static_cast<int64_t>(lc));
  if (!fits) {
    napi_throw_range_error(env, nullptr, "sgemm: an operand is shorter than its shape and stride say");
    return nullptr;
  }
  for (int64_t i = 0; i < batch; i++) {
    float* ci = c + i * m * n;
    if (k == 0) {
      for (int64_t j = 0; j < m * n; j++) ci[j] = 0.0f;
      continue;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), 1.0f, a + i * sa, ta ? static_cast<int>(m) : static_cast<int>(k), b + i * sb,
                tb ? static_cast<int>(k) : static_cast<int>(n), 0.0f, ci, static_cast<int>(n));
  }
  return nullptr;
}

static napi_value Config(napi_env env, napi_callback_info) {
  napi_value s;
  char text[256];
  snprintf(text, sizeof text, "%s (core %s)", openblas_get_config(), openblas_get_corename());
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &s);
  return s;
}

NAPI_MODULE_INIT() {
  // one thread per call: each training worker is one thread on one core
  openblas_set_num_threads(1);
  Export(env, exports, "sgemm", Sgemm);
  Export(env, exports, "config", Config);
  RegisterGru(env, exports);
  RegisterSum(env, exports);
  RegisterAdam(env, exports);
  return exports;
}
