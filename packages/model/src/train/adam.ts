import * as tf from '@tensorflow/tfjs-core';
import { loadNativeAddon, nativeGemmActive } from '../tf/native-gemm.ts';

/** The scalars of one Adam update, as float32 (the values tfjs's scalar tensors held when the update was tfjs ops). */
export interface AdamCoefficients {
  /** Gradient scale of global-norm clipping (1: no clipping). */
  scale: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** Bias correction of the second moment, 1 − β₂ᵗ. */
  bc2: number;
  eps: number;
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
}

/** Coefficients of update number `step` (1-based) with learning rate `lr` and clipping scale `scale`. */
export function adamCoefficients(step: number, lr: number, scale: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): AdamCoefficients {
  const f = Math.fround;
  return {
    scale: f(scale),
    beta1: f(beta1),
    oneMinusBeta1: f(1 - beta1),
    beta2: f(beta2),
    oneMinusBeta2: f(1 - beta2),
    bc2: f(1 - Math.pow(beta2, step)),
    eps: f(eps),
    stepSize: f(lr / (1 - Math.pow(beta1, step))),
  };
}

/**
 * One Adam update of `p[from, to)` in place, with the gradient `g` (a sum of several arrays, added in order
 * and rounded to float32 after each addition) and moments `m`, `v`. Every operation is rounded to float32
 * in the order the earlier tfjs op sequence ran them (mul, add, square, div, sqrt), so the result is
 * bit-identical to it: products, sums, quotients and square roots of float32 values computed in float64
 * and rounded once are the correctly rounded float32 results.
 */
export function adamUpdate(p: Float32Array, gs: readonly Float32Array[], m: Float32Array, v: Float32Array, c: AdamCoefficients, from = 0, to = p.length): void {
  const f = Math.fround;
  const { scale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc2, eps, stepSize } = c;
  const g0 = gs[0];
  const more = gs.length > 1;
  for (let k = from; k < to; k++) {
    let g = g0[k];
    if (more) for (let w = 1; w < gs.length; w++) g = f(g + gs[w][k]);
    if (scale !== 1) g = f(g * scale);
    const mNew = f(f(m[k] * beta1) + f(g * oneMinusBeta1));
    const vNew = f(f(v[k] * beta2) + f(f(g * g) * oneMinusBeta2));
    m[k] = mNew;
    v[k] = vNew;
    const denom = f(f(Math.sqrt(f(vNew / bc2))) + eps);
    p[k] = f(p[k] - f(f(mNew / denom) * stepSize));
  }
}

/** Sum of squares (float64) of the gradient `gs[0] + gs[1] + …` (float32 sums, in order) over `[from, to)`. */
export function sumOfSquares(gs: readonly Float32Array[], from: number, to: number): number {
  const f = Math.fround;
  let s = 0;
  const g0 = gs[0];
  for (let k = from; k < to; k++) {
    let g = g0[k];
    for (let w = 1; w < gs.length; w++) g = f(g + gs[w][k]);
    s += g * g;
  }
  return s;
}

/** Adam's two loops over the parameters. */
export interface AdamKernels {
  adamUpdate: typeof adamUpdate;
  sumOfSquares: typeof sumOfSquares;
}

const JS_KERNELS: AdamKernels = { adamUpdate, sumOfSquares };

/**
 * {@link adamUpdate} and {@link sumOfSquares}, on the native addon (`native/adam.cc`: the same float32 operations
 * in the same order, bit-identical results, several times faster) when the native kernels are on in this thread
 * (`A2S_GEMM=openblas`), else these TypeScript ones.
 */
export function adamKernels(): AdamKernels {
  if (!nativeGemmActive()) return JS_KERNELS;
  const lib = loadNativeAddon();
  return {
    adamUpdate: (p, gs, m, v, c, from = 0, to = p.length) =>
      lib.adamUpdate(p, gs, m, v, [c.scale, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.bc2, c.eps, c.stepSize], from, to),
    sumOfSquares: (gs, from, to) => lib.sumOfSquares(gs, from, to),
  };
}

/**
 * Adam (PyTorch's defaults) with global gradient-norm clipping. Its moments are plain Float32Arrays by
 * parameter name, so that checkpoints save and restore them exactly and data-parallel workers can update them
 * in shared memory (parallel/pool.ts binds them to its buffers).
 */
export class Adam {
  readonly m = new Map<string, Float32Array>();
  readonly v = new Map<string, Float32Array>();
  /** Updates applied so far (bias correction uses it). */
  step = 0;
  constructor(
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {}

  /** Coefficients of the next update. */
  coefficients(lr: number, scale: number, step = this.step + 1): AdamCoefficients {
    return adamCoefficients(step, lr, scale, this.beta1, this.beta2, this.eps);
  }

  /** The moments of parameter `name` (`size` scalars), created as zeros on first use. */
  moments(name: string, size: number): { m: Float32Array; v: Float32Array } {
    let m = this.m.get(name);
    let v = this.v.get(name);
    if (!m || !v) {
      m = new Float32Array(size);
      v = new Float32Array(size);
      this.m.set(name, m);
      this.v.set(name, v);
    }
    return { m, v };
  }

  /** Clips the gradients to `clipNorm` (global L2) and applies one update; returns the pre-clip norm (NaN/Inf: no update). */
  apply(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, clipNorm: number): number {
    const names = Adam.reached(vars, grads);
    if (names.length === 0) return 0;
    const norm = tf.tidy(() => Adam.globalNorm(names, vars, grads).dataSync()[0]);
    return this.update(names, vars, norm, lr, clipNorm, (n) => [(vars.get(n)!.dataSync() as Float32Array).slice(), grads[vars.get(n)!.name].dataSync() as Float32Array]);
  }

  /**
   * {@link apply} with asynchronous reads (`data()`), for backends without synchronous ones (webgpu under Node):
   * the same norm, clipping and float32 update on the CPU, the same result.
   */
  async applyAsync(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, clipNorm: number): Promise<number> {
    const names = Adam.reached(vars, grads);
    if (names.length === 0) return 0;
    const normT = tf.tidy(() => Adam.globalNorm(names, vars, grads));
    const norm = (await normT.data())[0];
    normT.dispose();
    if (!Number.isFinite(norm)) return norm;
    const read = await Promise.all(names.map((n) => Promise.all([vars.get(n)!.data(), grads[vars.get(n)!.name].data()])));
    const values = new Map(names.map((n, i) => [n, [(read[i][0] as Float32Array).slice(), read[i][1] as Float32Array] as const]));
    return this.update(names, vars, norm, lr, clipNorm, (n) => values.get(n)!);
  }

  /** Our names of the parameters that have a gradient (grads are keyed by tfjs variable name, moments by ours). */
  private static reached(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>): string[] {
    return [...vars.keys()].filter((n) => grads[vars.get(n)!.name] !== undefined);
  }

  private static globalNorm(names: string[], vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>): tf.Tensor {
    return tf.sqrt(addMany(names.map((n) => tf.sum(tf.square(grads[vars.get(n)!.name])))));
  }

  /** The update from each parameter's values (a copy, updated in place) and gradient, given the pre-clip norm. */
  private update(
    names: string[],
    vars: Map<string, tf.Variable>,
    norm: number,
    lr: number,
    clipNorm: number,
    valuesOf: (name: string) => readonly [Float32Array, Float32Array],
  ): number {
    if (!Number.isFinite(norm)) return norm;
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1;
    this.step++;
    const c = this.coefficients(lr, scale, this.step);
    const { adamUpdate } = adamKernels();
    for (const n of names) {
      const p = vars.get(n)!;
      const [values, g] = valuesOf(n);
      const { m, v } = this.moments(n, p.size);
      adamUpdate(values, [g], m, v, c);
      tf.tidy(() => p.assign(tf.tensor(values, p.shape)));
    }
    return norm;
  }

  dispose(): void {
    this.m.clear();
    this.v.clear();
  }
}

/**
 * `tf.addN(ts)`; on webgpu in groups of 7, since a shader there binds at most 8 storage buffers (7 inputs and
 * the output: WebGPU's default `maxStorageBuffersPerShaderStage`, which tfjs-backend-webgpu does not raise).
 */
function addMany(ts: tf.Tensor[]): tf.Tensor {
  const group = 7;
  if (tf.getBackend() !== 'webgpu' || ts.length <= group) return tf.addN(ts);
  const sums: tf.Tensor[] = [];
  for (let i = 0; i < ts.length; i += group) sums.push(i + 1 === ts.length ? ts[i] : tf.addN(ts.slice(i, i + group)));
  return addMany(sums);
}
