// Argument helpers shared by the a2s native kernels (sgemm.cc, gru.cc, sum.cc, adam.cc), and their registration.
#pragma once
#include <node_api.h>
#include <cstdint>

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
