import type { Chord, DecodedAudio, Note } from '@a2s/dataset';
import type { FeatureConfig } from '@a2s/features';

/** The model's input for one 2-bar window (8 beats). */
export interface SegmentInput {
  /** Beat-synchronous audio features `[8 × framesPerBeat, bins]`, row-major. */
  readonly audio: Float32Array;
  /** Chords `[8, 36]` as `encodeChords` lays them out. */
  readonly chords: Float32Array;
}

/** The pluggable model step: arranges each window; note onsets are relative to the window start (0–31). */
export interface SegmentArranger {
  arrange(inputs: SegmentInput[]): Promise<Note[][]>;
  /**
   * Arranges a whole song's windows (first beats `starts`, in order) at once, when the arranger needs them
   * together: autoregressive decoding (each window sees the previous window's notes) or a texture reference
   * (which part of it a window gets depends on its beat). When present, the pipeline calls it instead of
   * {@link arrange}.
   */
  arrangeSong?(inputs: SegmentInput[], starts: readonly number[], onProgress?: (done: number) => void): Promise<Note[][]>;
}

/** What `arrange` needs from a trained model: its feature configuration and the arranger. */
export interface ArrangeModel {
  readonly features: FeatureConfig;
  readonly arranger: SegmentArranger;
  /** What the loader had to work around (e.g. a damaged latest checkpoint skipped for an older one); printed by the CLI. */
  readonly warnings?: readonly string[];
  /** How the arranger decodes (e.g. "greedy, EOS threshold …, the model's recommended decoding"); printed by the CLI. */
  readonly decoding?: string;
  /** Frees model memory. */
  dispose?(): void;
}

/** Where the model comes from, and its sampling options (as given on the command line). */
export interface ModelSource {
  readonly run?: string;
  readonly checkpoint?: string;
  readonly seed: number;
  /** Sampling temperature (`--temperature`, 0 = greedy); absent: the model's recommended decoding, else 1. */
  readonly temperature?: number;
  /** Greedy decoding's EOS thresholds (`--eos-threshold`, "F" or "F,R"); see `resolveDecoding`. */
  readonly eosThreshold?: string;
  /** The chord-bass post-process (`--chord-bass`: off, release, voice, fill); absent: the model's, else off. */
  readonly chordBass?: string;
  /** The checkpoint of this stage of the run folder (`--stage`). */
  readonly stage?: string;
  /** Inference mode (`--mode`): independent or autoregressive; default the checkpoint's own. */
  readonly mode?: string;
  /** A reference piano score (MIDI) whose texture the arrangement takes (`--texture`). */
  readonly texture?: string;
  /** Decode in the asked mode even when the checkpoint was trained for another. */
  readonly force?: boolean;
}

/** Loads a trained model for `arrange`; the model package supplies it (the CLI takes it as a dependency). */
export type ModelLoader = (source: ModelSource) => Promise<ArrangeModel>;

/** Beats, bars and chords of a recording. */
export interface SongAnalysis {
  readonly beatTimesSec: Float64Array;
  readonly downbeatBeats: number[];
  readonly beatsPerBar: number;
  readonly tempoBpm: number;
  /** One chord per beat. */
  readonly chords: Chord[];
  /** Where beats and chords came from. */
  readonly beatSource: 'tracked' | 'file';
  readonly chordSource: 'recognized' | 'file';
}

/** Stages reported through {@link ArrangeHooks.onStage}. */
export type ArrangeStage = 'decode' | 'beats' | 'chords' | 'features' | 'arrange' | 'write';

/** Progress callbacks of the pipeline (the CLI turns them into lines or a bar). */
export interface ArrangeHooks {
  onStage?(stage: ArrangeStage, detail: string): void;
  /** Windows arranged so far out of `total`. */
  onSegments?(done: number, total: number): void;
  /** Something about the input the user should know (e.g. weakly tonal, noisy audio). */
  onWarning?(message: string): void;
}

export type { DecodedAudio };
