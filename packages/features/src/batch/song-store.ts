import type { FeatureConfig } from '../audio/config.ts';
import { appendSongValue, type SongFeatures } from '../audio/song-features.ts';
import type { SongRecordLike } from '../cache/dataset-io.ts';
import { loadOrComputeSongFeatures, type AudioDecoder } from '../cache/feature-cache.ts';

/**
 * Song feature matrices held in memory (with the configuration's song value appended, if any), least recently
 * used evicted past `budgetBytes`; misses are read from the disk cache (and computed there when missing).
 * Concurrent requests for one song share one load.
 */
export class SongFeatureStore {
  private readonly held = new Map<string, SongFeatures>();
  private readonly pending = new Map<string, Promise<SongFeatures>>();
  private bytes = 0;
  /** Songs read from disk or computed (for tests and benchmarks). */
  loads = 0;

  constructor(
    private readonly songs: ReadonlyMap<string, SongRecordLike & { audioPath: string; beatSamples: readonly number[] }>,
    private readonly cfg: FeatureConfig,
    private readonly opts: { cacheDir: string; decode: AudioDecoder; budgetBytes: number },
  ) {}

  async get(songId: string): Promise<SongFeatures> {
    const hit = this.held.get(songId);
    if (hit) {
      this.held.delete(songId);
      this.held.set(songId, hit);
      return hit;
    }
    let p = this.pending.get(songId);
    if (!p) {
      p = this.load(songId).finally(() => this.pending.delete(songId));
      this.pending.set(songId, p);
    }
    return p;
  }

  private async load(songId: string): Promise<SongFeatures> {
    const song = this.songs.get(songId);
    if (!song) throw new Error(`song ${songId} is not a built song of the manifest`);
    const r = await loadOrComputeSongFeatures(
      { audioPath: song.audioPath, audioSha256: song.audioSha256, beatSamples: song.beatSamples, config: this.cfg },
      { cacheDir: this.opts.cacheDir, decode: this.opts.decode },
    );
    this.loads++;
    const features = appendSongValue(r.features, songId, this.cfg);
    this.held.set(songId, features);
    this.bytes += features.data.byteLength;
    for (const [id, f] of this.held) {
      if (this.bytes <= this.opts.budgetBytes || this.held.size <= 1) break;
      this.held.delete(id);
      this.bytes -= f.data.byteLength;
    }
    return features;
  }
}
