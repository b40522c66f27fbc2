import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/main.ts';

describe('a2s program', () => {
  it('registers the sub-commands of every package', () => {
    const names = buildProgram().commands.map((c) => c.name());
    for (const expected of ['data', 'features', 'score', 'train', 'predict', 'eval', 'ablate', 'report', 'arrange']) {
      expect(names).toContain(expected);
    }
  });
});
