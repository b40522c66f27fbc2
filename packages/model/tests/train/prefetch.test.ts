import { describe, expect, it } from 'vitest';
import { prefetched } from '../../src/train/trainer.ts';

/** A source that records when each item was asked for and when the source was closed. */
function source(n: number, events: string[]): AsyncIterable<number> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; i < n; i++) {
          events.push(`make ${i}`);
          await Promise.resolve();
          yield i;
        }
      } finally {
        events.push('closed');
      }
    },
  };
}

describe('prefetched batches', () => {
  it('yields the same items in order, and asks for the next one while the consumer is still busy', async () => {
    const events: string[] = [];
    const got: number[] = [];
    for await (const x of prefetched(source(3, events))) {
      events.push(`take ${x}`);
      got.push(x);
      // a step that waits (as the trainer waits for its workers): the next item is made meanwhile
      await new Promise((r) => setTimeout(r, 10));
      events.push(`done ${x}`);
    }
    expect(got).toEqual([0, 1, 2]);
    expect(events.indexOf('make 1')).toBeLessThan(events.indexOf('done 0'));
    expect(events.indexOf('make 2')).toBeLessThan(events.indexOf('done 1'));
    expect(events.at(-1)).toBe('done 2');
  });

  it('closes the source when the consumer stops early', async () => {
    const events: string[] = [];
    for await (const x of prefetched(source(10, events))) if (x === 1) break;
    expect(events).toContain('closed');
    expect(events.filter((e) => e.startsWith('make')).length).toBeLessThanOrEqual(3);
  });
});
