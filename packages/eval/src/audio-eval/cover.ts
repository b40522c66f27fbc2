/**
 * Cover-song similarity between two chroma sequences `[frames, 12]` (row-major, one row per beat or frame):
 * the optimal transposition index, Qmax from a cross-recurrence plot (Serrà, Serra & Andrzejak 2009) and the
 * warping-path deviation of a DTW alignment (Etude, Chen & Joung 2025).
 */

/** Sum of the rows of `x` (the global chroma profile), scaled to maximum 1. */
function globalProfile(x: Float32Array, rows: number): Float64Array {
  const g = new Float64Array(12);
  for (let r = 0; r < rows; r++) for (let c = 0; c < 12; c++) g[c] += x[r * 12 + c];
  const max = Math.max(...g);
  if (max > 0) for (let c = 0; c < 12; c++) g[c] /= max;
  return g;
}

/**
 * Optimal transposition index (Serrà, Gómez & Herrera 2008): the shift `k` (0–11) of `b`'s pitch classes
 * that maximizes the dot product of the two global chroma profiles; `rotateChroma(b, k)` then matches `a`'s key.
 */
export function optimalTransposition(a: Float32Array, aRows: number, b: Float32Array, bRows: number): number {
  const ga = globalProfile(a, aRows);
  const gb = globalProfile(b, bRows);
  let best = 0;
  let bestDot = -Infinity;
  for (let k = 0; k < 12; k++) {
    let dot = 0;
    for (let c = 0; c < 12; c++) dot += ga[(c + k) % 12] * gb[c];
    if (dot > bestDot + 1e-12) {
      bestDot = dot;
      best = k;
    }
  }
  return best;
}

/** `x` with every pitch class moved up by `k` semitones (row-major `[rows, 12]`). */
export function rotateChroma(x: Float32Array, rows: number, k: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < 12; c++) out[r * 12 + ((c + k) % 12)] = x[r * 12 + c];
  return out;
}

/** Options of {@link qmax}. Defaults follow Serrà et al. (2009). */
export interface QmaxOptions {
  /** Embedding dimension (rows concatenated). Default 10. */
  readonly embedding?: number;
  /** Delay between embedded rows. Default 1. */
  readonly delay?: number;
  /** Fraction of nearest neighbours that count as recurrent (κ). Default 0.1. */
  readonly neighbourFraction?: number;
  /** Penalty for starting a gap (γo). Default 5. */
  readonly gapOnset?: number;
  /** Penalty for extending a gap (γe). Default 0.5. */
  readonly gapExtension?: number;
}

/** Result of {@link qmax}. */
export interface QmaxResult {
  /** Length of the longest (gap-penalized) aligned stretch, in embedded rows. */
  readonly qmax: number;
  /** `qmax` divided by the shorter embedded sequence: 1 = aligned from end to end, 0 = nothing in common; NaN when a sequence is shorter than the embedding. */
  readonly normalized: number;
  /** Transposition applied to `b` (semitones up). */
  readonly transposition: number;
}

function embed(x: Float32Array, rows: number, m: number, tau: number): { v: Float32Array; n: number; silent: Uint8Array } {
  const n = Math.max(0, rows - (m - 1) * tau);
  const dim = 12 * m;
  const v = new Float32Array(n * dim);
  const silent = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let energy = 0;
    for (let k = 0; k < m; k++) {
      for (let c = 0; c < 12; c++) {
        const val = x[(i + k * tau) * 12 + c];
        v[i * dim + k * 12 + c] = val;
        energy += val * val;
      }
    }
    silent[i] = energy === 0 ? 1 : 0;
  }
  return { v, n, silent };
}

/** The `k`-th smallest value (1-based) of `values` (copied). */
function kthSmallest(values: Float32Array, k: number): number {
  const s = Float32Array.from(values).sort();
  return s[Math.min(s.length, Math.max(1, k)) - 1];
}

/**
 * Qmax (Serrà et al. 2009, "Cross recurrence quantification for cover song identification"): `b` is
 * transposed to `a`'s key by the optimal transposition index; both sequences are delay-embedded (m rows,
 * delay τ); the cross-recurrence plot marks (i, j) when each embedded vector is among the other's κ·N
 * nearest neighbours (Euclidean; windows that are entirely silent never recur); then
 * `Q[i][j] = max(Q[i−1][j−1], Q[i−2][j−1], Q[i−1][j−2]) + 1` on a recurrence, and otherwise
 * `max(0, Q[·] − γ(R[·]))` over the same three predecessors with γ = γo after a recurrence and γe after a
 * gap. Qmax is the largest Q: the length of the longest curved, gap-tolerant diagonal.
 */
export function qmax(a: Float32Array, aRows: number, b: Float32Array, bRows: number, opts: QmaxOptions = {}): QmaxResult {
  const m = opts.embedding ?? 10;
  const tau = opts.delay ?? 1;
  const kappa = opts.neighbourFraction ?? 0.1;
  const go = opts.gapOnset ?? 5;
  const ge = opts.gapExtension ?? 0.5;
  const transposition = optimalTransposition(a, aRows, b, bRows);
  const ea = embed(a, aRows, m, tau);
  const eb = embed(rotateChroma(b, bRows, transposition), bRows, m, tau);
  const N = ea.n;
  const M = eb.n;
  // Shorter than one embedding window (m rows): nothing to align; undefined rather than 0.
  if (N === 0 || M === 0) return { qmax: 0, normalized: Number.NaN, transposition };
  const dim = 12 * m;
  const d = new Float32Array(N * M);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < M; j++) {
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const diff = ea.v[i * dim + c] - eb.v[j * dim + c];
        s += diff * diff;
      }
      d[i * M + j] = Math.sqrt(s);
    }
  }
  const epsA = new Float32Array(N);
  for (let i = 0; i < N; i++) epsA[i] = kthSmallest(d.subarray(i * M, (i + 1) * M), Math.ceil(kappa * M));
  const epsB = new Float32Array(M);
  const col = new Float32Array(N);
  for (let j = 0; j < M; j++) {
    for (let i = 0; i < N; i++) col[i] = d[i * M + j];
    epsB[j] = kthSmallest(col, Math.ceil(kappa * N));
  }
  const R = new Uint8Array(N * M);
  for (let i = 0; i < N; i++) {
    if (ea.silent[i]) continue;
    for (let j = 0; j < M; j++) {
      if (eb.silent[j]) continue;
      const v = d[i * M + j];
      if (v <= epsA[i] && v <= epsB[j]) R[i * M + j] = 1;
    }
  }
  const Q = new Float32Array(N * M);
  const at = (i: number, j: number): number => (i < 0 || j < 0 ? 0 : Q[i * M + j]);
  const rec = (i: number, j: number): number => (i < 0 || j < 0 ? 0 : R[i * M + j]);
  const gamma = (i: number, j: number): number => (rec(i, j) ? go : ge);
  let best = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < M; j++) {
      let q: number;
      if (R[i * M + j]) q = Math.max(at(i - 1, j - 1), at(i - 2, j - 1), at(i - 1, j - 2)) + 1;
      else {
        q = Math.max(
          0,
          at(i - 1, j - 1) - gamma(i - 1, j - 1),
          at(i - 2, j - 1) - gamma(i - 2, j - 1),
          at(i - 1, j - 2) - gamma(i - 1, j - 2),
        );
      }
      Q[i * M + j] = q;
      if (q > best) best = q;
    }
  }
  return { qmax: best, normalized: best / Math.min(N, M), transposition };
}

/** Rows of `[rows, 12]` averaged in blocks of `block` rows, then scaled to unit L2 norm (zero rows stay zero). */
export function poolChroma(x: Float32Array, rows: number, block: number): { chroma: Float32Array; rows: number } {
  const out = Math.ceil(rows / block);
  const y = new Float32Array(out * 12);
  for (let r = 0; r < rows; r++) for (let c = 0; c < 12; c++) y[Math.floor(r / block) * 12 + c] += x[r * 12 + c];
  for (let r = 0; r < out; r++) {
    let s = 0;
    for (let c = 0; c < 12; c++) s += y[r * 12 + c] ** 2;
    const n = Math.sqrt(s);
    if (n > 0) for (let c = 0; c < 12; c++) y[r * 12 + c] /= n;
  }
  return { chroma: y, rows: out };
}

/**
 * Dynamic time warping of two unit-norm chroma sequences with cost `1 − cosine` (0 between two silent
 * rows) and steps (1,1), (1,0),
 * (0,1), each of weight 1, from (0, 0) to (N−1, M−1). Returns the warping path as index pairs, start first.
 */
export function dtwPath(a: Float32Array, aRows: number, b: Float32Array, bRows: number): { i: Int32Array; j: Int32Array } {
  const N = aRows;
  const M = bRows;
  if (N === 0 || M === 0) return { i: new Int32Array(0), j: new Int32Array(0) };
  const D = new Float32Array(N * M);
  const step = new Uint8Array(N * M); // 0 diagonal, 1 from (i−1, j), 2 from (i, j−1)
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < M; j++) {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let c = 0; c < 12; c++) {
        dot += a[i * 12 + c] * b[j * 12 + c];
        na += a[i * 12 + c];
        nb += b[j * 12 + c];
      }
      // Silence matches silence; against sound it costs as much as orthogonal chroma.
      const cost = na === 0 && nb === 0 ? 0 : 1 - dot;
      if (i === 0 && j === 0) {
        D[0] = cost;
        continue;
      }
      let best = Infinity;
      let s = 0;
      if (i > 0 && j > 0) best = D[(i - 1) * M + j - 1];
      if (i > 0 && D[(i - 1) * M + j] < best) {
        best = D[(i - 1) * M + j];
        s = 1;
      }
      if (j > 0 && D[i * M + j - 1] < best) {
        best = D[i * M + j - 1];
        s = 2;
      }
      D[i * M + j] = best + cost;
      step[i * M + j] = s;
    }
  }
  const pi: number[] = [];
  const pj: number[] = [];
  let i = N - 1;
  let j = M - 1;
  for (;;) {
    pi.push(i);
    pj.push(j);
    if (i === 0 && j === 0) break;
    const s = step[i * M + j];
    if (s === 0) {
      i--;
      j--;
    } else if (s === 1) i--;
    else j--;
  }
  return { i: Int32Array.from(pi.reverse()), j: Int32Array.from(pj.reverse()) };
}

/**
 * Warping-path deviation (Etude, Chen & Joung 2025): the DTW path between the arrangement's and the
 * recording's chroma, as times (`hopSec` per row), a least-squares line `t_rec = α · t_arr + β` fitted to
 * it, and the standard deviation (population) of the residuals, in seconds. 0 = the arrangement keeps one
 * steady relation to the recording's time; NaN for fewer than 10 path points.
 */
export function warpingPathDeviation(path: { i: Int32Array; j: Int32Array }, hopSec: number): number {
  const n = path.i.length;
  if (n < 10) return Number.NaN;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < n; k++) {
    sx += path.j[k] * hopSec;
    sy += path.i[k] * hopSec;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    const dx = path.j[k] * hopSec - mx;
    sxy += dx * (path.i[k] * hopSec - my);
    sxx += dx * dx;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const icept = my - slope * mx;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const r = path.i[k] * hopSec - (slope * path.j[k] * hopSec + icept);
    ss += r * r;
  }
  return Math.sqrt(ss / n);
}
