export * from './config.ts';
export * from './metrics/index.ts';
export * from './scoring/index.ts';
export * from './baselines/index.ts';
export * from './ablation/index.ts';
export * from './audio-eval/index.ts';
export * from './leakage/index.ts';
