import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/test-summary.mjs closes `bash .ci/run` with "tests: N passed, N failed". Logs below have the
// shape `nx run-many --output-style=stream` writes (checked against Nx 24): tasks that run print with a
// project prefix; tasks read from the cache print a "[local cache]"-style header and replay unprefixed.
const script = resolve(import.meta.dirname, '../../../scripts/test-summary.mjs');
const dir = mkdtempSync(join(tmpdir(), 'a2s-ci-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summary(log: string): string {
  const file = join(dir, `log-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, log);
  return execFileSync(process.execPath, [script, file], { encoding: 'utf8' });
}

describe('CI test summary', () => {
  it('counts tests of tasks that ran', () => {
    const log = [
      '> nx run @a2s/eval:test',
      '',
      '@a2s/eval:       Tests  40 passed | 2 failed (42)',
      '> nx run @a2s/cli:test',
      '\u001b[1m@a2s/cli:\u001b[22m       Tests  7 passed | 1 skipped (8)',
    ].join('\n');
    expect(summary(log)).toBe('tests: 47 passed, 2 failed, 1 skipped\n');
  });

  it('does not count tests replayed from the Nx cache, and says so', () => {
    const log = [
      '> nx run @a2s/eval:test  [existing outputs match the cache, left as is]',
      '',
      '      Tests  40 passed (40)',
      '> nx run @a2s/model:test  [local cache]',
      '      Tests  9 passed (9)',
      '> nx run @a2s/cli:test',
      '@a2s/cli:       Tests  7 passed (7)',
    ].join('\n');
    expect(summary(log)).toBe(
      'replayed from the Nx cache, not counted: 2 task(s) (@a2s/eval:test, @a2s/model:test), 49 passed, 0 failed\n' +
        'tests: 7 passed, 0 failed\n',
    );
  });

  it('counts a plain vitest log (no Nx headers)', () => {
    expect(summary(' Test Files  2 passed (2)\n      Tests  12 passed (12)\n')).toBe('tests: 12 passed, 0 failed\n');
  });

  it('.ci/run skips the Nx cache', () => {
    const ci = readFileSync(resolve(import.meta.dirname, '../../../.ci/run'), 'utf8');
    expect(ci).toMatch(/npm test -- --skip-nx-cache/);
  });
});
