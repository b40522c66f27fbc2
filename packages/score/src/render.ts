import path from 'node:path';
import { writeFileAtomic } from '@a2s/dataset';
import { engraveMusicXml, type Engraving } from './engrave/verovio.ts';
import { svgPagesToPdf } from './engrave/pdf.ts';
import { writeMusicXml } from './musicxml/write.ts';
import { buildScore } from './notation/build.ts';
import { splitHands } from './notation/hands.ts';
import type { LevelName } from './notation/levels.ts';
import { checkPlayability, type PlayabilityReport } from './playability/check.ts';
import type { ScoreModel, ScoreSource } from './types.ts';

/** Where to write a score; every path is optional (nothing is written for an absent one). */
export interface ScoreOutputPaths {
  readonly musicxml?: string;
  readonly pdf?: string;
  /** SVG pages: `song.svg` writes `song-1.svg`, `song-2.svg`, … */
  readonly svg?: string;
}

/** What {@link writeScore} made. */
export interface ScoreResult {
  readonly score: ScoreModel;
  readonly musicxml: string;
  /** Present when a PDF or SVG was asked for. */
  readonly engraving?: Engraving;
  /** The playability checker on the written notes (no violation by construction; checked independently). */
  readonly playability: PlayabilityReport;
  /** The checker on the source notes split into hands, before the level's changes (voices not checked): what the input asks beyond the level. */
  readonly sourcePlayability: PlayabilityReport;
  /** Files written. */
  readonly files: string[];
}

/** `song.svg` → `song-<page>.svg`. */
export function svgPagePath(base: string, page: number): string {
  const ext = path.extname(base) || '.svg';
  return path.join(path.dirname(base), `${path.basename(base, path.extname(base))}-${page}${ext}`);
}

/**
 * Builds the score of a source at a level and writes the files asked for: MusicXML, SVG pages and PDF
 * (each to a temporary name, then renamed). Engraves only when SVG or PDF is asked for.
 */
export async function writeScore(
  source: ScoreSource,
  out: ScoreOutputPaths,
  opts: { level?: LevelName; beatFactor?: 1 | 2 } = {},
): Promise<ScoreResult> {
  const score = buildScore(source, opts);
  const musicxml = writeMusicXml(score);
  const factor = score.beatFactor;
  const sourceHands = splitHands(
    source.notes.map((n) => ({ onsetDiv: (n.onsetStep - score.originStep) * factor, durDiv: n.durationSteps * factor, pitch: n.pitch })),
    score.limits,
  );
  const sourcePlayability = checkPlayability(
    sourceHands.map((n) => ({ ...n, voice: n.staff === 1 ? 1 : 5 })),
    score.limits,
    { voices: false },
  );
  const files: string[] = [];
  if (out.musicxml) {
    await writeFileAtomic(out.musicxml, musicxml);
    files.push(out.musicxml);
  }
  let engraving: Engraving | undefined;
  if (out.svg || out.pdf) {
    engraving = await engraveMusicXml(musicxml);
    if (out.svg) {
      for (let p = 0; p < engraving.pages.length; p++) {
        const file = svgPagePath(out.svg, p + 1);
        await writeFileAtomic(file, engraving.pages[p]);
        files.push(file);
      }
    }
    if (out.pdf) {
      await writeFileAtomic(out.pdf, await svgPagesToPdf(engraving.pages, { title: score.title }));
      files.push(out.pdf);
    }
  }
  return { score, musicxml, engraving, playability: checkPlayability(score.notes, score.limits), sourcePlayability, files };
}
