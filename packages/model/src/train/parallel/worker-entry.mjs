// Entry of a data-parallel training worker: loads the TypeScript sources through tsx (as bin/a2s.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
