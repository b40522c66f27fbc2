import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { adamRanges, barrier, createSharedState, sharedViews, StepAborted } from '../../src/train/parallel/shared.ts';
import type { ParamLayout } from '../../src/train/parallel/layout.ts';

function layoutOf(sizes: number[]): ParamLayout {
  let offset = 0;
  const slots = sizes.map((size, i) => {
    const s = { name: `p${i}`, varName: `v${i}`, shape: [size], offset, size };
    offset += size;
    return s;
  });
  return { slots, total: offset };
}

describe('shared state of a worker pool', () => {
  it('splits the parameters into contiguous whole-parameter runs of similar size, covering each once', () => {
    const layout = layoutOf([100, 5, 300, 7, 80, 80, 400, 3]);
    for (const n of [1, 2, 3, 4]) {
      const r = adamRanges(layout, n);
      expect(r.length).toBe(n);
      expect(r[0][0]).toBe(0);
      expect(r[n - 1][1]).toBe(layout.slots.length);
      for (let w = 1; w < n; w++) expect(r[w][0]).toBe(r[w - 1][1]);
    }
    const sizeOf = ([a, b]: [number, number]) => layout.slots.slice(a, b).reduce((t, s) => t + s.size, 0);
    const two = adamRanges(layout, 2).map(sizeOf);
    expect(Math.abs(two[0] - two[1])).toBeLessThanOrEqual(400);
    expect(two[0] + two[1]).toBe(layout.total);
  });

  it('a lone participant passes the barrier at once; an aborted pool makes a waiting worker give up', async () => {
    const layout = layoutOf([4]);
    const buffers = createSharedState(layout, 2, 3);
    const s = sharedViews(buffers, layout, 2, 3);
    barrier(s, 1);
    barrier(s, 1);
    // another thread aborts the pool 200 ms from now (as the trainer does when a worker dies), while this
    // thread waits for a second participant that never comes
    const t = new Worker(
      `const { workerData } = require('node:worker_threads');
       const c = new Int32Array(workerData);
       setTimeout(() => { Atomics.store(c, 2, 1); Atomics.notify(c, 1); }, 200);`,
      { eval: true, workerData: buffers.control },
    );
    const t0 = performance.now();
    expect(() => barrier(s, 2)).toThrow(StepAborted);
    expect(performance.now() - t0).toBeLessThan(5000);
    await t.terminate();
    // and once aborted, nobody waits again
    expect(() => barrier(s, 2)).toThrow(StepAborted);
  });
});
