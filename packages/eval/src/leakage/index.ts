export { measureLeakage, leakageMarkdownRow, LEAKAGE_SCHEMA_VERSION, type LeakageOptions, type LeakageResult, type LeakageSong, type PooledOnsetF1 } from './leakage.ts';
