import type { BeatChroma } from '@a2s/features';
import type { ArrangedNote } from './notes.ts';

/** Log compression `log(1 + η x / max)` as in the audio chroma of `@a2s/features` (η = 1000). */
const ETA = 1000;
/** Bass chroma range (E1–E3), the same as the audio chroma's. */
const BASS_MIN_MIDI = 28;
const BASS_MAX_MIDI = 52;

/** End of beat `i`: the next beat, or one more interval like the previous one for the last beat. */
export function beatEnd(beatTimesSec: ArrayLike<number>, i: number): number {
  const n = beatTimesSec.length;
  if (i + 1 < n) return beatTimesSec[i + 1];
  return beatTimesSec[i] + (n > 1 ? beatTimesSec[i] - beatTimesSec[i - 1] : 0.5);
}

/**
 * Beat-synchronous chroma of a note list, shaped like the audio chroma of `@a2s/features` so that both can
 * be compared and fed to the same chord decoder: per beat, each pitch class collects
 * `seconds sounding inside the beat × velocity / 127` of its notes, then `log(1 + 1000 · x / max)` (max over
 * the song) and unit L2 norm per beat. `relEnergy` is the beat's total weight over the median of the
 * sounding beats (0 for silent beats).
 */
export function noteChromaPerBeat(notes: readonly ArrangedNote[], beatTimesSec: ArrayLike<number>): BeatChroma {
  const beats = beatTimesSec.length;
  const chroma = new Float32Array(beats * 12);
  const bassChroma = new Float32Array(beats * 12);
  const energy = new Float64Array(beats);
  if (beats > 0) {
    const starts = Float64Array.from({ length: beats }, (_, i) => beatTimesSec[i]);
    for (const n of notes) {
      // First beat whose end lies after the onset (binary search), then walk while beats overlap the note.
      let lo = 0;
      let hi = beats - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (beatEnd(beatTimesSec, mid) <= n.onsetSec) lo = mid + 1;
        else hi = mid;
      }
      const w = n.velocity / 127;
      const pc = n.pitch % 12;
      for (let b = lo; b < beats && starts[b] < n.offsetSec; b++) {
        const end = beatEnd(beatTimesSec, b);
        const overlap = Math.min(end, n.offsetSec) - Math.max(starts[b], n.onsetSec);
        if (overlap <= 0) continue;
        const v = (overlap / Math.max(1e-6, end - starts[b])) * w;
        chroma[b * 12 + pc] += v;
        if (n.pitch >= BASS_MIN_MIDI && n.pitch <= BASS_MAX_MIDI) bassChroma[b * 12 + pc] += v;
        energy[b] += v;
      }
    }
  }
  compressAndNormalize(chroma, beats);
  compressAndNormalize(bassChroma, beats);
  const sounding = Array.from(energy).filter((e) => e > 0).sort((a, b) => a - b);
  const median = sounding.length > 0 ? sounding[sounding.length >> 1] : 0;
  const relEnergy = Float32Array.from(energy, (e) => (median > 0 ? e / median : 0));
  return { chroma, bassChroma, relEnergy, beats };
}

function compressAndNormalize(x: Float32Array, rows: number): void {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]);
  if (max === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = Math.log1p((ETA * x[i]) / max);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < 12; c++) s += x[r * 12 + c] ** 2;
    const norm = Math.sqrt(s);
    if (norm > 0) for (let c = 0; c < 12; c++) x[r * 12 + c] /= norm;
  }
}

/** Beats quieter than this fraction of the median beat energy count as silent (as the chord recognizer's N). */
export const SILENT_REL_ENERGY = 0.02;

/**
 * Mean over the recording's sounding beats of the cosine between the recording's and the arrangement's
 * beat chroma (both unit-norm rows, so the cosine is the dot product). A silent arrangement beat scores 0 on
 * a sounding recording beat; beats where the recording is silent are not counted. NaN when no beat counts.
 */
export function beatChromaCosine(recording: BeatChroma, arrangement: BeatChroma): number {
  const n = Math.min(recording.beats, arrangement.beats);
  let sum = 0;
  let counted = 0;
  for (let b = 0; b < n; b++) {
    if (recording.relEnergy[b] < SILENT_REL_ENERGY) continue;
    counted++;
    if (arrangement.relEnergy[b] < SILENT_REL_ENERGY) continue;
    let dot = 0;
    for (let c = 0; c < 12; c++) dot += recording.chroma[b * 12 + c] * arrangement.chroma[b * 12 + c];
    sum += dot;
  }
  return counted > 0 ? sum / counted : Number.NaN;
}
