import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resample } from '@a2s/dataset';
import {
  AUDIO_METRICS,
  analyzeRecording,
  scoreAgainstRecording,
  scoreArrangement,
  type ArrangementScore,
  type MonoAudio,
  type RecordingAnalysis,
} from '../../src/audio-eval/score-arrangement.ts';
import type { ArrangedNote } from '../../src/audio-eval/notes.ts';
import { loadAudioFixtureSong, renderNotes, shiftBeats, type AudioFixtureSong } from '../helpers/audio-fixture.ts';

/**
 * Sanity behaviour on a POP909 fixture song (first 48 beats of 098, FluidSynth): the ground-truth accompaniment
 * against its own rendering scores near the top; shifted, transposed, borrowed and empty arrangements score
 * worse; the recording's sample rate and loudness do not matter. Then the same inputs through mir_eval.
 */
const BEATS = 48;
let song: AudioFixtureSong;
let other: AudioFixtureSong;
const scores: Record<string, ArrangementScore> = {};

let gtRendering: MonoAudio;
let analysis: RecordingAnalysis;

/** Scores `notes` (rendered with FluidSynth) against the song's recording, analysed once. */
async function score(notes: readonly ArrangedNote[]): Promise<ArrangementScore> {
  const len = song.recording.samples.length / song.recording.sampleRate;
  return scoreAgainstRecording(analysis, notes, await renderNotes(notes, len));
}

beforeAll(async () => {
  song = await loadAudioFixtureSong('098', BEATS);
  other = await loadAudioFixtureSong('331', BEATS);
  const len = song.recording.samples.length / song.recording.sampleRate;
  analysis = analyzeRecording(song.recording, song.beatTimesSec);
  gtRendering = await renderNotes(song.notes, len);
  scores.gt = scoreAgainstRecording(analysis, song.notes, gtRendering);
  scores.shifted = await score(shiftBeats(song.notes, song.beatTimesSec, 1));
  scores.tritone = await score(song.notes.map((n) => ({ ...n, pitch: n.pitch + 6 })));
  scores.other = await score(other.notes.filter((n) => n.onsetSec < len));
  scores.empty = await score([]);
}, 120_000);

const v = (name: string, metric: string): number => {
  const x = scores[name].metrics[metric];
  expect(x, `${name} ${metric}`).toBeDefined();
  return x;
};

describe('eval-audio sanity on a POP909 fixture song', () => {
  it('ground truth against its own rendering scores near the top', () => {
    expect(v('gt', 'audio.chroma.render.cosine')).toBeGreaterThan(0.9);
    expect(v('gt', 'audio.cover.qmax')).toBeGreaterThan(0.95);
    expect(v('gt', 'audio.chord.root.agree')).toBeGreaterThan(0.7);
    expect(v('gt', 'audio.onset.hit')).toBeGreaterThan(0.8);
    expect(v('gt', 'audio.beat.f')).toBeGreaterThan(0.9);
    expect(v('gt', 'audio.tempo.ratio')).toBeCloseTo(1, 1);
    expect(v('gt', 'audio.cover.wpd')).toBeLessThan(0.3);
  });

  it('one beat late: worse harmony (chroma, chords) and onsets', () => {
    for (const m of ['audio.chroma.notes.cosine', 'audio.chroma.render.cosine']) expect(v('shifted', m)).toBeLessThan(v('gt', m) - 0.1);
    expect(v('shifted', 'audio.chord.root.agree')).toBeLessThan(v('gt', 'audio.chord.root.agree') - 0.1);
    expect(v('shifted', 'audio.onset.f1')).toBeLessThan(v('gt', 'audio.onset.f1'));
  });

  it('a tritone away: chroma and chords collapse (Qmax and WPD are transposition-invariant by design)', () => {
    for (const m of ['audio.chroma.notes.cosine', 'audio.chroma.render.cosine']) expect(v('tritone', m)).toBeLessThan(v('gt', m) - 0.3);
    expect(v('tritone', 'audio.chord.root.agree')).toBeLessThan(0.15);
    expect(v('tritone', 'audio.cover.qmax')).toBeGreaterThan(0.9);
  });

  it('another song’s accompaniment: worse on harmony, timing and cover similarity', () => {
    for (const m of ['audio.chroma.notes.cosine', 'audio.chroma.render.cosine', 'audio.onset.hit', 'audio.onset.f1', 'audio.beat.f', 'audio.cover.qmax']) {
      expect(v('other', m), m).toBeLessThan(v('gt', m) - 0.2);
    }
    expect(v('other', 'audio.chord.root.agree')).toBeLessThan(0.2);
    expect(v('other', 'audio.cover.wpd')).toBeGreaterThan(3 * v('gt', 'audio.cover.wpd'));
  });

  it('an empty arrangement scores at the floor', () => {
    for (const m of ['audio.chroma.notes.cosine', 'audio.chroma.render.cosine', 'audio.onset.hit', 'audio.onset.f1', 'audio.beat.f', 'audio.cover.qmax', 'style.density', 'style.polyphony']) {
      expect(v('empty', m), m).toBe(0);
    }
    // Only the recording's own silent beats (recognized as N) agree with an all-N arrangement.
    const nShare = scores.empty.trace.audioChords.filter((c) => c.root < 0).length / scores.empty.trace.audioChords.length;
    expect(v('empty', 'audio.chord.root.agree')).toBeCloseTo(nShare, 9);
    expect(scores.empty.metrics['audio.cover.wpd']).toBeUndefined();
  });

  it('does not depend on the recording’s sample rate or loudness', async () => {
    const hi = { samples: resample(song.recording.samples, song.recording.sampleRate, 44100), sampleRate: 44100 };
    const quiet = { samples: song.recording.samples.map((x) => x * 0.1), sampleRate: song.recording.sampleRate };
    const [a, b] = [hi, quiet].map((recording) => scoreArrangement({ recording, notes: song.notes, beatTimesSec: song.beatTimesSec, rendering: gtRendering }));
    for (const { name } of AUDIO_METRICS) {
      expect(Math.abs(a.metrics[name] - scores.gt.metrics[name]), `44.1 kHz ${name}`).toBeLessThan(0.02);
      expect(Math.abs(b.metrics[name] - scores.gt.metrics[name]), `-20 dB ${name}`).toBeLessThan(0.01);
    }
  });
});

describe('independent check with mir_eval (Debian python3-mir-eval)', () => {
  it('chord root/majmin agreement, onset F-measure and beat F-measure equal mir_eval’s on the same inputs', () => {
    const cases = ['gt', 'shifted', 'other'].map((k) => {
      const t = scores[k].trace;
      return {
        chords: { ref: t.audioChords.map((c) => c.label), est: t.arrangementChords.map((c) => c.label) },
        onsets: { ref: Array.from(t.recordingOnsetsSec), est: Array.from(t.arrangementOnsetsSec) },
        beats: { ref: Array.from(t.beatTimesSec), est: Array.from(t.renderingBeatsSec ?? []) },
      };
    });
    const script = resolve(import.meta.dirname, '../../scripts/mir-eval-check.py');
    let out: string;
    try {
      out = execFileSync('/usr/bin/python3', [script], { input: JSON.stringify(cases), encoding: 'utf8' });
    } catch (err) {
      throw new Error(`mir_eval check failed to run (install python3-mir-eval: scripts/install-system-deps.sh): ${String(err)}`);
    }
    const ref = JSON.parse(out) as { chord_root: number; chord_majmin: number; onset_f: number; beat_f: number }[];
    ['gt', 'shifted', 'other'].forEach((k, i) => {
      const m = scores[k].metrics;
      expect(m['audio.chord.root.agree'], `${k} root`).toBeCloseTo(ref[i].chord_root, 9);
      expect(m['audio.chord.majmin.agree'], `${k} majmin`).toBeCloseTo(ref[i].chord_majmin, 9);
      expect(m['audio.onset.f1'], `${k} onsets`).toBeCloseTo(ref[i].onset_f, 9);
      expect(m['audio.beat.f'], `${k} beats`).toBeCloseTo(ref[i].beat_f, 9);
    });
  });
});
