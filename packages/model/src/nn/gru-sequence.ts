import * as tf from '@tensorflow/tfjs-core';
import { weightGradient } from './matmul.ts';
import { nativeGruActive, nativeGruBackward, nativeGruForward } from '../tf/native-gru.ts';

/**
 * A whole GRU recurrence as one differentiable op with a hand-written backward pass through time.
 *
 * Why: run step by step, tfjs's backward pass computes the recurrent weight's gradient once per step
 * (`hᵀ·dhp`, a full `[H, 3H]` matrix) and keeps every one of them alive until the whole backward pass ends
 * (the engine adds them up but does not free the parts). For the `paper` preset's 1024-wide time GRU that is
 * 32 × 12 MiB per pass. Here the per-step gate gradients are stacked and the weight gradient is one matmul
 * over all steps: `Hprevᵀ · dHP`, `[H, T·B] · [T·B, 3H]`. The forward pass runs exactly the ops of
 * `gruCell` (layers.ts), so its values are unchanged.
 */

interface StepSaved {
  hPrev: tf.Tensor2D;
  r: tf.Tensor2D;
  z: tf.Tensor2D;
  n: tf.Tensor2D;
  hpN: tf.Tensor2D;
}

/** Inputs `[xp [B,T,3H], h0 [B,H], wh [H,3H], bh [3H], mask [B,T] (optional)]`; output `[B, T, H]` (state after step t at t). */
function gruSequenceOp(reverse: boolean, masked: boolean) {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xp, h0, wh, bh, mask] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D | undefined];
    const [B, T, H3] = xp.shape;
    const H = H3 / 3;
    const xs = tf.unstack(xp, 1) as tf.Tensor2D[];
    const ms = masked ? (tf.unstack(mask!.reshape([B, T, 1]), 1) as tf.Tensor2D[]) : null;
    const steps: StepSaved[] = new Array(T);
    const outs: tf.Tensor2D[] = new Array(T);
    let h = h0;
    for (let i = 0; i < T; i++) {
      const t = reverse ? T - 1 - i : i;
      const hp = tf.add(tf.matMul(h, wh), bh) as tf.Tensor2D;
      const rz = tf.sigmoid(tf.add(xs[t].slice([0, 0], [-1, 2 * H]), hp.slice([0, 0], [-1, 2 * H])));
      const r = rz.slice([0, 0], [-1, H]) as tf.Tensor2D;
      const z = rz.slice([0, H], [-1, H]) as tf.Tensor2D;
      const hpN = hp.slice([0, 2 * H], [-1, H]) as tf.Tensor2D;
      const n = tf.tanh(tf.add(xs[t].slice([0, 2 * H], [-1, H]), tf.mul(r, hpN))) as tf.Tensor2D;
      let hNew = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
      if (ms) hNew = tf.add(h, tf.mul(ms[t], tf.sub(hNew, h))) as tf.Tensor2D;
      steps[t] = { hPrev: h, r, z, n, hpN };
      outs[t] = hNew;
      h = hNew;
    }
    const value = tf.stack(outs, 1) as tf.Tensor3D;
    const flat = (k: keyof StepSaved) => steps.map((s) => s[k]);
    save([wh, ...(ms ?? []), ...flat('hPrev'), ...flat('r'), ...flat('z'), ...flat('n'), ...flat('hpN')]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          let k = 0;
          const w = saved[k++] as tf.Tensor2D;
          const mk = masked ? (saved.slice(k, (k += T)) as tf.Tensor2D[]) : null;
          const take = () => saved.slice(k, (k += T)) as tf.Tensor2D[];
          const [hPrev, r, z, n, hpN] = [take(), take(), take(), take(), take()];
          const whT = tf.transpose(w);
          const dys = tf.unstack(dy, 1) as tf.Tensor2D[];
          const dxp: tf.Tensor2D[] = new Array(T);
          const dhp: tf.Tensor2D[] = new Array(T);
          let dh = tf.zerosLike(hPrev[0]) as tf.Tensor2D;
          for (let i = T - 1; i >= 0; i--) {
            const t = reverse ? T - 1 - i : i;
            const next = tf.tidy(() => {
              // gradient reaching the state after step t: from the output at t and from the step after it
              const dOut = tf.add(dh, dys[t]) as tf.Tensor2D;
              const dNew = mk ? tf.mul(dOut, mk[t]) : dOut;
              let dPrev = mk ? tf.mul(dOut, tf.sub(1, mk[t])) : tf.zerosLike(dOut);
              // h' = n + z ⊙ (h − n)
              const dn = tf.mul(dNew, tf.sub(1, z[t]));
              const dz = tf.mul(dNew, tf.sub(hPrev[t], n[t]));
              dPrev = tf.add(dPrev, tf.mul(dNew, z[t]));
              const daN = tf.mul(dn, tf.sub(1, tf.square(n[t])));
              const dr = tf.mul(daN, hpN[t]);
              const daR = tf.mul(dr, tf.mul(r[t], tf.sub(1, r[t])));
              const daZ = tf.mul(dz, tf.mul(z[t], tf.sub(1, z[t])));
              const gx = tf.concat([daR, daZ, daN], 1) as tf.Tensor2D;
              const gh = tf.concat([daR, daZ, tf.mul(daN, r[t])], 1) as tf.Tensor2D;
              dPrev = tf.add(dPrev, tf.matMul(gh, whT));
              return { gx, gh, dPrev: dPrev as tf.Tensor2D };
            });
            dh.dispose();
            dh = next.dPrev;
            dxp[t] = next.gx;
            dhp[t] = next.gh;
          }
          const dHP = tf.concat(dhp, 0) as tf.Tensor2D; // [T·B, 3H], step order
          const hAll = tf.concat(hPrev, 0) as tf.Tensor2D; // [T·B, H], same order
          const dWh = weightGradient(hAll, dHP);
          const dBh = tf.sum(dHP, 0);
          const grads: tf.Tensor[] = [tf.stack(dxp, 1), dh, dWh, dBh];
          if (masked) grads.push(tf.zeros([B, T]));
          return grads;
        }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
}

/**
 * The same op on the fused native kernels (`src/tf/native-gru.ts`): one kernel forward, one backward, then the
 * recurrent weight's gradient as one product over all steps, as above.
 */
function nativeSequenceOp(reverse: boolean, masked: boolean) {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xp, h0, wh, bh, mask] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D | undefined];
    const [out, gates, hsave] = nativeGruForward(xp, h0, wh, bh, mask, reverse);
    save(masked ? [wh, gates, hsave, mask!] : [wh, gates, hsave]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [w, g, hs, mk] = saved as [tf.Tensor2D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D | undefined];
          const [T, B, H] = hs.shape;
          const [dxp, dh0, dhp] = nativeGruBackward(dy as tf.Tensor3D, w, mk, g, hs, reverse);
          const dHP = dhp.reshape([T * B, 3 * H]) as tf.Tensor2D;
          const grads: tf.Tensor[] = [dxp, dh0, weightGradient(hs.reshape([T * B, H]) as tf.Tensor2D, dHP), tf.sum(dHP, 0)];
          if (masked) grads.push(tf.zeros([B, T]));
          return grads;
        }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
}

const ops = new Map<string, ReturnType<typeof gruSequenceOp>>();

/**
 * All states `[B, T, H]` of a GRU (PyTorch's gate equations; weights `wh` `[H, 3H]`, `bh` `[3H]`) over the
 * projected inputs `xp` `[B, T, 3H]` from `h0`; `mask` `[B, T]` (1 = advance, 0 = keep the state) freezes
 * the state on padded steps; `reverse` runs from the last step to the first. Output t is the state after
 * step t, as {@link runGru} returns it. With the native kernels active (`A2S_GEMM=openblas`) the recurrence runs
 * as one fused kernel each way.
 */
export function gruSequence(xp: tf.Tensor3D, h0: tf.Tensor2D, wh: tf.Tensor2D, bh: tf.Tensor1D, opts: { mask?: tf.Tensor2D; reverse?: boolean } = {}): tf.Tensor3D {
  const native = nativeGruActive();
  const key = `${native}/${!!opts.reverse}/${!!opts.mask}`;
  let op = ops.get(key);
  if (!op) {
    op = (native ? nativeSequenceOp : gruSequenceOp)(!!opts.reverse, !!opts.mask);
    ops.set(key, op);
  }
  const args = opts.mask ? [xp, h0, wh, bh, opts.mask] : [xp, h0, wh, bh];
  return (op as unknown as (...t: tf.Tensor[]) => tf.Tensor)(...args) as tf.Tensor3D;
}
