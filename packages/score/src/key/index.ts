export { keyFromHistogram, keyFromChroma, keyFromNotes, keyFromSpans, parseKeyLabel, type Key } from './key-finder.ts';
