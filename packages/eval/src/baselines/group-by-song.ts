import type { SegmentRow } from '@a2s/dataset';

/**
 * Groups segment rows by song: song id → that song's rows in beat order (`startBeat` ascending). Songs keep
 * the order of their first row; the input is not mutated.
 */
export function groupBySong<R extends Pick<SegmentRow, 'songId' | 'startBeat'>>(rows: readonly R[]): Map<string, R[]> {
  const bySong = new Map<string, R[]>();
  for (const r of rows) {
    let list = bySong.get(r.songId);
    if (!list) bySong.set(r.songId, (list = []));
    list.push(r);
  }
  for (const list of bySong.values()) list.sort((a, b) => a.startBeat - b.startBeat);
  return bySong;
}
