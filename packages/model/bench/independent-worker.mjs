// Entry of train-bench's independent threads: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./independent-worker.ts');
