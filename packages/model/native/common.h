// What the a2s native kernels (sgemm.cc, gru.cc, sum.cc, adam.cc) share: argument helpers, exporting a function,
// per-CPU vector clones, and the registration entry points of each file.
#pragma once
#include <node_api.h>
#include <cstdint>

// Loops built for AVX-512, AVX2 and a baseline, chosen at load time for the CPU it runs on (GCC on x86-64).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define A2S_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define A2S_CLONES
#endif

// exports[name] = a function calling f.
inline void Export(napi_env env, napi_value exports, const char* name, napi_callback f) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, f, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

// A Float32Array argument: its data and length in elements; false for anything else.
inline bool Float32(napi_env env, napi_value v, float** data, size_t* length) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void* p;
  napi_get_typedarray_info(env, v, &type, length, &p, &buffer, &offset);
  *data = static_cast<float*>(p);
  return type == napi_float32_array;
}

// A Float32Array or null/undefined (then data is nullptr and length 0).
inline bool OptionalFloat32(napi_env env, napi_value v, float** data, size_t* length) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    *data = nullptr;
    *length = 0;
    return true;
  }
  return Float32(env, v, data, length);
}

inline bool Int(napi_env env, napi_value v, int64_t* out) {
  return napi_get_value_int64(env, v, out) == napi_ok && *out >= 0;
}

void RegisterGru(napi_env env, napi_value exports);
void RegisterSum(napi_env env, napi_value exports);
void RegisterAdam(napi_env env, napi_value exports);
