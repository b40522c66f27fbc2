/*
 * What a second core adds on this machine, below any of our code (bench/core-probe.ts runs it alone and two at a
 * time). One probe per run, printed as one JSON line with its rate:
 *   fma              12 independent AVX2 fused multiply-adds per iteration, all in registers: the vector units
 *   scalar           a dependent integer loop: the scalar pipeline
 *   stream <KiB>     AVX2 loads summing a buffer of <KiB> over and over (8 GiB read in all): the cache level or
 *                    memory that a buffer of that size lives in
 * Built by core-probe.ts with `gcc -O2 -mavx2 -mfma`; not part of the build, needs no library.
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int fma_probe(void) {
  const long n = 300000000L;
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  __m256 a0 = _mm256_set1_ps(1), a1 = _mm256_set1_ps(2), a2 = _mm256_set1_ps(3), a3 = _mm256_set1_ps(4);
  __m256 a4 = _mm256_set1_ps(5), a5 = _mm256_set1_ps(6), a6 = _mm256_set1_ps(7), a7 = _mm256_set1_ps(8);
  __m256 a8 = _mm256_set1_ps(9), a9 = _mm256_set1_ps(10), a10 = _mm256_set1_ps(11), a11 = _mm256_set1_ps(12);
  double t0 = now();
  for (long i = 0; i < n; i++) {
    a0 = _mm256_fmadd_ps(a0, m, c); a1 = _mm256_fmadd_ps(a1, m, c); a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c); a4 = _mm256_fmadd_ps(a4, m, c); a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c); a7 = _mm256_fmadd_ps(a7, m, c); a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c); a10 = _mm256_fmadd_ps(a10, m, c); a11 = _mm256_fmadd_ps(a11, m, c);
  }
  double s = now() - t0;
  __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)), _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  sum = _mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float o[8];
  _mm256_storeu_ps(o, sum);
  /* 8 lanes × 2 flops per FMA */
  printf("{\"probe\":\"fma\",\"seconds\":%.4f,\"rate\":%.3f,\"unit\":\"GFLOP/s\",\"check\":%g}\n", s, n * 12 * 16 / s / 1e9, o[0]);
  return 0;
}

static int scalar_probe(void) {
  const long n = 2000000000L;
  long x = 1, y = 2, z = 3, w = 4;
  double t0 = now();
  for (long i = 0; i < n; i++) {
    x = x * 3 + i;
    y ^= x;
    z += y >> 3;
    w += z & 7;
  }
  double s = now() - t0;
  printf("{\"probe\":\"scalar\",\"seconds\":%.4f,\"rate\":%.3f,\"unit\":\"G iterations/s\",\"check\":%ld}\n", s, n / s / 1e9, x + y + z + w);
  return 0;
}

static int stream_probe(long kib) {
  const long n = kib * 1024 / 4 / 32 * 32;
  const long total = 8L * 1024 * 1024 * 1024 / 4;
  float *x = aligned_alloc(64, (size_t)n * 4);
  if (!x) return fprintf(stderr, "core-probe: cannot allocate %ld KiB\n", kib), 1;
  for (long i = 0; i < n; i++) x[i] = 1e-3f * (float)(i % 7);
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  const long rounds = total / n;
  double t0 = now();
  for (long r = 0; r < rounds; r++) {
    for (long i = 0; i < n; i += 32) {
      s0 = _mm256_add_ps(s0, _mm256_load_ps(x + i));
      s1 = _mm256_add_ps(s1, _mm256_load_ps(x + i + 8));
      s2 = _mm256_add_ps(s2, _mm256_load_ps(x + i + 16));
      s3 = _mm256_add_ps(s3, _mm256_load_ps(x + i + 24));
    }
  }
  double s = now() - t0;
  float o[8];
  _mm256_storeu_ps(o, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  printf("{\"probe\":\"stream %ld KiB\",\"seconds\":%.4f,\"rate\":%.3f,\"unit\":\"GB/s\",\"check\":%g}\n", kib, s, (double)rounds * n * 4 / s / 1e9, o[0]);
  free(x);
  return 0;
}

int main(int argc, char **argv) {
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return fprintf(stderr, "core-probe: this CPU has no AVX2/FMA\n"), 2;
  if (argc >= 2 && strcmp(argv[1], "fma") == 0) return fma_probe();
  if (argc >= 2 && strcmp(argv[1], "scalar") == 0) return scalar_probe();
  if (argc >= 3 && strcmp(argv[1], "stream") == 0 && atol(argv[2]) >= 4) return stream_probe(atol(argv[2]));
  fprintf(stderr, "usage: core-probe fma | scalar | stream <KiB ≥ 4>\n");
  return 2;
}
