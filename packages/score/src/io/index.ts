export { readMidiScoreSource, midiToScoreSource, type MidiSourceOptions } from './midi-source.ts';
export { readPredictionScoreSources } from './prediction-source.ts';
