import { InputError } from '@a2s/dataset';
import type { EosThreshold } from '../net/pianotree.ts';
import type { ModelDecoding } from '../train/checkpoint.ts';
import { parseChordBassRule, type ChordBassRule } from './chord-bass.ts';

/** The help text of `--eos-threshold` (a2s predict, a2s arrange). */
export const EOS_THRESHOLD_HELP =
  "greedy decoding (--temperature 0) only: end a step's notes where P(EOS) reaches this threshold instead of where EOS is the argmax; " +
  '"F" for every slot or "F,R" (first slot: no onset at the step; later slots: no further note); lower: fewer notes';

/**
 * Parses `--eos-threshold` ("0.4" or "0.4,0.5", each in (0, 1]) for a run at `temperature`; the threshold
 * is a rule of greedy decoding, so it is refused with sampling (temperature > 0).
 */
export function parseEosThreshold(text: string | undefined, temperature: number, flag = '--eos-threshold'): EosThreshold | null {
  if (text === undefined) return null;
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.length < 1 || parts.length > 2 || parts.some((p) => p === '') || values.some((v) => !Number.isFinite(v) || v <= 0 || v > 1)) {
    throw new InputError({ file: flag, message: `expected one threshold or two comma-separated ones (first slot, later slots), each in (0, 1]; got "${text}"` });
  }
  if (temperature > 0) {
    throw new InputError({ file: flag, message: `the EOS threshold is a rule of greedy decoding: pass --temperature 0 with it (got --temperature ${temperature})` });
  }
  return { first: values[0], rest: values[values.length - 1] };
}

/** Parses `--temperature` (a number ≥ 0); undefined when the flag is absent. */
export function parseTemperature(text: string | undefined, flag = '--temperature'): number | undefined {
  if (text === undefined) return undefined;
  const t = Number(text);
  if (!(Number.isFinite(t) && t >= 0)) throw new InputError({ file: flag, message: `expected a number ≥ 0, got "${text}"` });
  return t;
}

/** Sampling temperature when neither the command line nor the model says otherwise. */
export const DEFAULT_TEMPERATURE = 1;

/** The help text of `--chord-bass` (a2s predict, a2s arrange). */
export const CHORD_BASS_HELP =
  "after decoding, put each beat's lowest note on its chord's bass: off; release (where the prediction plays that bass, end lower notes held over from an earlier beat); " +
  'voice (release, and move lower notes that start in the beat up by octaves) ' +
  "or fill (voice, and where a beat sounds without its chord's bass, hold the previous beat's bass note on or add one under the lowest note); " +
  "default: the model's recommended decoding, else off";

export interface ResolvedDecoding {
  temperature: number;
  eos: EosThreshold | null;
  /** The chord-bass post-process (`--chord-bass`, else the model's, else off); see chord-bass.ts. */
  chordBass: ChordBassRule;
  /** Where it came from, for the log line: "command line", "the model's recommended decoding, …" or "default". */
  source: string;
}

/**
 * The decoding of a predict or arrange run: the flags when either is given (`--eos-threshold` alone implies
 * greedy decoding), else the model's recommended decoding (`decoding` in an exported model's header.json),
 * else sampling at {@link DEFAULT_TEMPERATURE}.
 */
export function resolveDecoding(
  flags: { temperature?: number; eosThreshold?: string; chordBass?: string },
  model: ModelDecoding | null | undefined,
): ResolvedDecoding {
  const chordBass = parseChordBassRule(flags.chordBass) ?? model?.chordBass ?? 'off';
  if (flags.temperature === undefined && flags.eosThreshold === undefined) {
    if (model) return { temperature: model.temperature, eos: model.eosThreshold, chordBass, source: "the model's recommended decoding, see its model-card.json" };
    return { temperature: DEFAULT_TEMPERATURE, eos: null, chordBass, source: 'default' };
  }
  const temperature = flags.temperature ?? (flags.eosThreshold !== undefined ? 0 : DEFAULT_TEMPERATURE);
  return { temperature, eos: parseEosThreshold(flags.eosThreshold, temperature), chordBass, source: 'command line' };
}

/**
 * One line for the log: "greedy, EOS threshold 0.4 (first slot) / 0.5 (later slots)", "greedy (argmax)" or
 * "sampled at temperature 1", then ", chord bass voice" unless the chord-bass rule is off.
 */
export function describeDecoding(d: { temperature: number; eos: EosThreshold | null; chordBass?: ChordBassRule }): string {
  const bass = d.chordBass && d.chordBass !== 'off' ? `, chord bass ${d.chordBass}` : '';
  if (d.temperature > 0) return `sampled at temperature ${d.temperature}${bass}`;
  if (!d.eos) return `greedy (argmax)${bass}`;
  return `greedy, EOS threshold ${d.eos.first} (first slot) / ${d.eos.rest} (later slots)${bass}`;
}
