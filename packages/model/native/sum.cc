// Sums over the rows of [outer, rows, cols] float32 arrays (the wasm backend's Sum over leading axes: every bias
// gradient), accumulated in float64 in the same order as src/tf/wasm-sum.ts's sumRows, so the results are
// bit-identical to it (built without -ffast-math). Used with the native kernels (A2S_GEMM=openblas).
#include <node_api.h>
#include <cstdint>
#include <vector>
#include "common.h"

A2S_CLONES static void SumRows(const float* __restrict x, int64_t rows, int64_t cols, double* __restrict acc, float* __restrict out) {
  for (int64_t j = 0; j < cols; j++) acc[j] = 0.0;
  int64_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    const float* x0 = x + i * cols;
    const float* x1 = x0 + cols;
    const float* x2 = x1 + cols;
    const float* x3 = x2 + cols;
    for (int64_t j = 0; j < cols; j++) acc[j] += (static_cast<double>(x0[j]) + x1[j]) + (static_cast<double>(x2[j]) + x3[j]);
  }
  for (; i < rows; i++) {
    const float* xi = x + i * cols;
    for (int64_t j = 0; j < cols; j++) acc[j] += xi[j];
  }
  for (int64_t j = 0; j < cols; j++) out[j] = static_cast<float>(acc[j]);
}

// sumRows(x, outer, rows, cols, out): out[o, j] = Σ_i x[o, i, j].
static napi_value SumRowsFn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  float *x, *out;
  size_t lx, lo;
  int64_t outer, rows, cols;
  if (argc != 5 || !Float32(env, argv[0], &x, &lx) || !Int(env, argv[1], &outer) || !Int(env, argv[2], &rows) || !Int(env, argv[3], &cols) ||
      !Float32(env, argv[4], &out, &lo)) {
    napi_throw_type_error(env, nullptr, "sumRows: expected (x: Float32Array, outer, rows, cols, out: Float32Array)");
    return nullptr;
  }
  if (outer * rows * cols > static_cast<int64_t>(lx) || outer * cols > static_cast<int64_t>(lo)) {
    napi_throw_range_error(env, nullptr, "sumRows: x or out is shorter than outer, rows and cols say");
    return nullptr;
  }
  std::vector<double> acc(cols);
  for (int64_t o = 0; o < outer; o++) SumRows(x + o * rows * cols, rows, cols, acc.data(), out + o * cols);
  return nullptr;
}

void RegisterSum(napi_env env, napi_value exports) {
  Export(env, exports, "sumRows", SumRowsFn);
}
