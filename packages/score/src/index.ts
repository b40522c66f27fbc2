export type { ScoreSource, ScoreNote, ScoreMeasure, ScoreModel } from './types.ts';
export * from './key/index.ts';
export * from './notation/index.ts';
export * from './playability/index.ts';
export * from './musicxml/index.ts';

export * from './engrave/index.ts';
export * from './io/index.ts';
export { writeScore, svgPagePath, type ScoreOutputPaths, type ScoreResult } from './render.ts';
