import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chord, Note } from '@a2s/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeSongFeatures, resolveFeatureConfig, type AudioInput } from '../../src/audio/index.ts';
import { createBatchIterator, type BatchIteratorOptions } from '../../src/batch/index.ts';
import type { Batch } from '../../src/batch/types.ts';
import { encodeChord, notesToPianoRoll, notesToPianoTree } from '../../src/score/index.ts';

const SR = 16000;
const BEATS = 24;
const BEAT_SAMPLES = Array.from({ length: BEATS }, (_, b) => b * 8000);
const C: Chord = { root: 0, pcMask: 0b000010010001, bass: 0, label: 'C:maj' };
const G: Chord = { root: 7, pcMask: 0b000010000100 | (1 << 11), bass: 7, label: 'G:maj' };

/** A song's synthetic audio: a tone whose pitch depends on the song (so songs differ). */
function songAudio(path: string): AudioInput {
  const hz = path.includes('s1') ? 220 : 330;
  return { sampleRate: SR, samples: new Float32Array(BEATS * 8000).map((_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / SR)) };
}

function segmentNotes(startBeat: number): Note[] {
  return [
    { onsetStep: 0, durationSteps: 4, pitch: 48 + (startBeat % 12), velocity: 80, track: 'PIANO' },
    { onsetStep: 8, durationSteps: 2, pitch: 64, velocity: 80, track: 'BRIDGE' },
    { onsetStep: 16, durationSteps: 8, pitch: 72, velocity: 90, track: 'MELODY' },
  ];
}

const songs = ['s1', 's2'].map((songId) => ({
  songId,
  split: 'train',
  status: 'built',
  audioPath: `audio/${songId}.wav`,
  audioSha256: songId === 's1' ? '11'.repeat(32) : '22'.repeat(32),
  sampleRate: SR,
  beatSamples: BEAT_SAMPLES,
}));
const segments = songs.flatMap((s) =>
  [0, 4, 8, 12].map((startBeat) => ({
    songId: s.songId,
    split: 'train',
    startBeat,
    notes: segmentNotes(startBeat),
    chords: [C, C, C, C, G, G, G, G],
    beatSamples: Int32Array.from(BEAT_SAMPLES.slice(startBeat, startBeat + 9)),
    audioPath: s.audioPath,
    audioSha256: s.audioSha256,
    sampleRate: SR,
  })),
);

let dir = '';
let decodes = 0;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'a2s-features-batch-'));
  decodes = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(over: Partial<BatchIteratorOptions> = {}): BatchIteratorOptions {
  return {
    manifestPath: join(dir, 'manifest.json'),
    split: 'train',
    batchSize: 3,
    features: { framesPerBeat: 4 },
    corruption: { type: 'none' },
    shuffle: true,
    seed: 7,
    cacheDir: join(dir, 'cache'),
    manifest: { songs },
    segments,
    decode: async (path) => {
      decodes++;
      return songAudio(path);
    },
    ...over,
  };
}

async function collect(opts: BatchIteratorOptions): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of createBatchIterator(opts)) out.push(b);
  return out;
}

/** Segment j of a batch as per-field slices. */
function slice(b: Batch, j: number) {
  const a = b.audioFrames * b.audioBins;
  return {
    key: `${b.songIds[j]}:${b.startBeats[j]}`,
    audio: b.audio.subarray(j * a, (j + 1) * a),
    chords: b.chords.subarray(j * 8 * 36, (j + 1) * 8 * 36),
    roll: b.pianoRoll.subarray(j * 32 * 128, (j + 1) * 32 * 128),
    tree: b.pianoTree.subarray(j * 32 * 16 * 6, (j + 1) * 32 * 16 * 6),
    aux: b.aux.subarray(j * 32 * 3, (j + 1) * 32 * 3),
  };
}

function bySegment(batches: Batch[]) {
  const m = new Map<string, ReturnType<typeof slice> & { t: number }>();
  for (const b of batches) for (let j = 0; j < b.size; j++) m.set(`${b.songIds[j]}:${b.startBeats[j]}`, { ...slice(b, j), t: b.transpose[j] });
  return m;
}

describe('createBatchIterator', () => {
  it('yields every segment once per epoch with the documented shapes', async () => {
    const it0 = createBatchIterator(options());
    expect(await it0.info()).toEqual({ segments: 8, batchesPerEpoch: 3 });
    const batches = await collect(options());
    expect(batches.map((b) => b.size)).toEqual([3, 3, 2]);
    const b = batches[0];
    expect([b.audioFrames, b.audioBins]).toEqual([32, 88]);
    expect([b.audio.length, b.chords.length, b.pianoRoll.length, b.pianoTree.length, b.aux.length]).toEqual([
      3 * 32 * 88, 3 * 8 * 36, 3 * 32 * 128, 3 * 32 * 16 * 6, 3 * 32 * 3,
    ]);
    expect(bySegment(batches).size).toBe(8);
  });

  it("cuts the audio features from the song's matrix at the segment's start beat", async () => {
    const cfg = resolveFeatureConfig({ framesPerBeat: 4 });
    const song = computeSongFeatures(songAudio('audio/s2.wav'), BEAT_SAMPLES, cfg);
    const seg = bySegment(await collect(options())).get('s2:8')!;
    expect(Array.from(seg.audio)).toEqual(Array.from(song.data.subarray(8 * 4 * 88, (8 + 8) * 4 * 88)));
    expect(Array.from(seg.chords.subarray(0, 36))).toEqual(Array.from(encodeChord(C)));
    expect(Array.from(seg.chords.subarray(4 * 36, 5 * 36))).toEqual(Array.from(encodeChord(G)));
    const acc = segmentNotes(8).filter((n) => n.track !== 'MELODY');
    expect(Array.from(seg.roll)).toEqual(Array.from(notesToPianoRoll(acc)));
    expect(Array.from(seg.tree)).toEqual(Array.from(notesToPianoTree(acc)));
    // Melody onset at step 16 lands in the third aux column.
    expect(seg.aux[16 * 3 + 2]).toBeGreaterThan(0);
  });

  it('is deterministic for a seed, independent of prefetching, and shuffles differently for another seed', async () => {
    const a = await collect(options({ prefetch: 1, transpose: { enabled: true } }));
    const b = await collect(options({ prefetch: 4, transpose: { enabled: true } }));
    const c = await collect(options({ seed: 8, transpose: { enabled: true } }));
    const order = (x: Batch[]) => x.flatMap((bt) => bt.songIds.map((s, j) => `${s}:${bt.startBeats[j]}:${bt.transpose[j]}`));
    expect(order(a)).toEqual(order(b));
    expect(a.map((x) => Array.from(x.audio.subarray(0, 500)))).toEqual(b.map((x) => Array.from(x.audio.subarray(0, 500))));
    expect(order(c)).not.toEqual(order(a));
    const unshuffled = await collect(options({ shuffle: false }));
    expect(order(unshuffled).map((k) => k.split(':').slice(0, 2).join(':'))).toEqual(segments.map((s) => `${s.songId}:${s.startBeat}`));
  });

  it('transposes audio (bin shift with floor), chords and notes by the same amount', async () => {
    const plain = bySegment(await collect(options()));
    // All the weight on +2 semitones (weights index i ↔ i − 6 semitones).
    const weights = Array.from({ length: 12 }, (_, i) => (i === 8 ? 1 : 0));
    const moved = bySegment(await collect(options({ transpose: { enabled: true, weights } })));
    for (const [key, m] of moved) {
      const p = plain.get(key)!;
      expect(m.t).toBe(2);
      for (let f = 0; f < 32; f++) {
        expect(Array.from(m.audio.subarray(f * 88, f * 88 + 2))).toEqual([0, 0]);
        expect(Array.from(m.audio.subarray(f * 88 + 2, f * 88 + 88))).toEqual(Array.from(p.audio.subarray(f * 88, f * 88 + 86)));
      }
      // C major → D major: root one-hot moves from 0 to 2.
      expect([m.chords[0], m.chords[2]]).toEqual([0, 1]);
      for (let s = 0; s < 32; s++) {
        for (let pitch = 0; pitch < 126; pitch++) expect(m.roll[s * 128 + pitch + 2]).toBe(p.roll[s * 128 + pitch]);
      }
      for (let i = 0; i < m.tree.length; i += 6) {
        expect(m.tree[i]).toBe(p.tree[i] < 128 ? p.tree[i] + 2 : p.tree[i]);
      }
    }
  });

  it('with the tempo bin: 89 bins, the tempo last (0.25 s beats: −1), kept in place by a transposition', async () => {
    const fast = Array.from({ length: BEATS }, (_, b) => b * 4000);
    const tempo = {
      features: { framesPerBeat: 4, tempo: true as const },
      manifest: { songs: songs.map((s) => ({ ...s, beatSamples: fast })) },
      segments: segments.map((g) => ({ ...g, beatSamples: Int32Array.from(fast.slice(g.startBeat, g.startBeat + 9)) })),
    };
    const weights = Array.from({ length: 12 }, (_, i) => (i === 8 ? 1 : 0));
    const plain = bySegment(await collect(options(tempo)));
    const moved = bySegment(await collect(options({ ...tempo, transpose: { enabled: true, weights } })));
    expect(moved.size).toBe(segments.length);
    for (const [key, m] of moved) {
      const p = plain.get(key)!;
      expect(m.audio.length).toBe(32 * 89);
      for (let f = 0; f < 32; f++) {
        expect(p.audio[f * 89 + 88]).toBe(-1);
        expect(m.audio[f * 89 + 88]).toBe(-1);
        expect(Array.from(m.audio.subarray(f * 89 + 2, f * 89 + 88))).toEqual(Array.from(p.audio.subarray(f * 89, f * 89 + 86)));
        expect(Array.from(m.audio.subarray(f * 89, f * 89 + 2))).toEqual([0, 0]);
      }
    }
  });

  it('with songValues: one more bin holding each song its value, kept by a transposition, the cache shared with the plain config', async () => {
    const values = { features: { framesPerBeat: 4, songValues: { s1: 0.25, s2: -0.5 } } };
    const weights = Array.from({ length: 12 }, (_, i) => (i === 8 ? 1 : 0));
    const plainBatches = await collect(options());
    const before = decodes;
    const withValues = bySegment(await collect(options(values)));
    expect(decodes).toBe(before); // the plain config's cache files served: nothing decoded or recomputed
    const moved = bySegment(await collect(options({ ...values, transpose: { enabled: true, weights } })));
    const plain = bySegment(plainBatches);
    expect(withValues.size).toBe(segments.length);
    for (const [key, v] of withValues) {
      const p = plain.get(key)!;
      const m = moved.get(key)!;
      const want = key.startsWith('s1') ? 0.25 : -0.5;
      expect(v.audio.length).toBe(32 * 89);
      for (let f = 0; f < 32; f++) {
        expect(Array.from(v.audio.subarray(f * 89, f * 89 + 88))).toEqual(Array.from(p.audio.subarray(f * 88, f * 88 + 88)));
        expect(v.audio[f * 89 + 88]).toBe(want);
        expect(m.audio[f * 89 + 88]).toBe(want);
        expect(Array.from(m.audio.subarray(f * 89 + 2, f * 89 + 88))).toEqual(Array.from(v.audio.subarray(f * 89, f * 89 + 86)));
      }
    }
    await expect(collect(options({ features: { framesPerBeat: 4, songValues: { s1: 1 } } }))).rejects.toThrow(/song s2: the feature configuration's songValues has no value for it \(it has 1 songs\)/);
  });

  it('gives previousSegment the roll of the segment 4 beats earlier (zeros at the start of a song)', async () => {
    const plain = bySegment(await collect(options()));
    const prev = bySegment(await collect(options({ corruption: { type: 'previousSegment' } })));
    for (const [key, seg] of prev) {
      const [song, start] = key.split(':');
      if (start === '0') expect(seg.roll.every((v) => v === 0)).toBe(true);
      else expect(Array.from(seg.roll)).toEqual(Array.from(plain.get(`${song}:${Number(start) - 4}`)!.roll));
    }
  });

  it('computes each song once, and a second iterator reads the disk cache without decoding', async () => {
    await collect(options({ epochs: 2 }));
    expect(decodes).toBe(2);
    const again = createBatchIterator(options());
    for await (const _ of again) void _;
    expect(decodes).toBe(2);
    expect(again.songLoads()).toBe(2);
  });

  it("score: the reference's PIANO-only symbolic input and aux targets (BRIDGE onsets), chosen by option", async () => {
    const seg = bySegment(await collect(options({ score: { input: 'piano', aux: 'reference' } }))).get('s1:4')!;
    const notes = segmentNotes(4);
    expect(Array.from(seg.roll)).toEqual(Array.from(notesToPianoRoll(notes.filter((n) => n.track === 'PIANO'))));
    // the target stays PIANO + BRIDGE
    expect(Array.from(seg.tree)).toEqual(Array.from(notesToPianoTree(notes.filter((n) => n.track !== 'MELODY'))));
    // the onset column marks the BRIDGE onset (step 8), not the MELODY one (step 16); intensity from PIANO only
    expect([seg.aux[8 * 3 + 2], seg.aux[16 * 3 + 2], seg.aux[8 * 3 + 1]]).toEqual([1, 0, 0]);
    // the default: PIANO + BRIDGE input, MELODY onsets, intensity from both tracks
    const dflt = bySegment(await collect(options())).get('s1:4')!;
    expect([dflt.aux[8 * 3 + 2], dflt.aux[16 * 3 + 2], dflt.aux[8 * 3 + 1]]).toEqual([0, 1, Math.fround(1 / 14)]);
    await expect(collect(options({ score: { input: 'left-hand' } as never }))).rejects.toThrow(/input/);
  });

  it('supports several epochs and dropLast', async () => {
    expect((await collect(options({ epochs: 3, dropLast: true }))).map((b) => b.size)).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('refuses transposition augmentation with mel features', async () => {
    await expect(collect(options({ features: { transform: { type: 'mel' } }, transpose: { enabled: true } }))).rejects.toThrow(/cqt/);
  });
});
