import { describe, expect, it } from 'vitest';
import { groupBySong } from '../../src/baselines/group-by-song.ts';

const row = (songId: string, startBeat: number) => ({ songId, startBeat });

describe('groupBySong', () => {
  it('groups rows by song id, each song in beat order, songs in order of first appearance', () => {
    const rows = [row('b', 32), row('a', 16), row('b', 0), row('a', 0), row('b', 16)];
    const bySong = groupBySong(rows);
    expect([...bySong.keys()]).toEqual(['b', 'a']);
    expect(bySong.get('b')!.map((r) => r.startBeat)).toEqual([0, 16, 32]);
    expect(bySong.get('a')!.map((r) => r.startBeat)).toEqual([0, 16]);
    // The rows themselves are passed through, and the input array keeps its order.
    expect(bySong.get('a')![0]).toBe(rows[3]);
    expect(rows.map((r) => r.startBeat)).toEqual([32, 16, 0, 0, 16]);
  });

  it('gives an empty map for no rows', () => {
    expect(groupBySong([]).size).toBe(0);
  });
});
