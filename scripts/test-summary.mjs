// Sums the per-package vitest summaries ("Tests  12 passed | 1 failed (13)") of a test log into one
// closing line, "tests: N passed, N failed", that CI tools can read.
//
// Only tests that ran are counted. Under `nx run-many --output-style=stream` a task that runs prints
// every line with its project as prefix ("@a2s/eval:       Tests  42 passed (42)"); a task read from
// the Nx cache is announced by "> nx run @a2s/eval:test  [local cache]" (or "[remote cache]",
// "[existing outputs match the cache, left as is]") and its old output is replayed without prefix.
// Replayed summaries are reported on their own line ("replayed from the Nx cache, not counted").
// A log that is plain vitest output (no Nx headers) is counted as it is.
import { readFileSync } from 'node:fs';

export function summarize(text) {
  const log = text.replace(/\u001b\[[0-9;]*m/g, '');
  const ran = { passed: 0, failed: 0, skipped: 0 };
  const replayed = { passed: 0, failed: 0, skipped: 0, tasks: [] };
  let replaying = false;
  for (const line of log.split('\n')) {
    const header = /^>\s+nx run\s+(\S+)(.*)$/.exec(line);
    if (header) {
      replaying = /\[(local cache|remote cache|existing outputs match the cache[^\]]*)\]/.test(header[2]);
      if (replaying) replayed.tasks.push(header[1]);
      continue;
    }
    const m = /^(\S+:)?\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (!m) continue;
    const into = !m[1] && replaying ? replayed : ran;
    for (const part of m[2].split('|')) {
      const p = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part);
      if (!p) continue;
      const n = Number(p[1]);
      if (p[2] === 'passed') into.passed += n;
      else if (p[2] === 'failed') into.failed += n;
      else into.skipped += n;
    }
  }
  const lines = [];
  if (replayed.tasks.length > 0) {
    lines.push(
      `replayed from the Nx cache, not counted: ${replayed.tasks.length} task(s) (${replayed.tasks.join(', ')}), ` +
        `${replayed.passed} passed, ${replayed.failed} failed`,
    );
  }
  lines.push(`tests: ${ran.passed} passed, ${ran.failed} failed${ran.skipped ? `, ${ran.skipped} skipped` : ''}`);
  return { ran, replayed, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(summarize(readFileSync(process.argv[2], 'utf8')).lines.join('\n') + '\n');
}
