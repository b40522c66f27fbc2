/// <reference lib="dom" />
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, countSvgItems, parseWav16, renderReadmeSnippet, type BuildReportResult } from '../../src/index.ts';
import { EVAL_DIR, MANIFEST, RUN_DIRS, fixtureIo, writePredictionFolders } from '../helpers.ts';

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(root, join(e.parentPath, e.name)));
  }
  return out.sort();
}

const FIGURES = [
  'ablation-corruption',
  'dataset-chord-qualities',
  'dataset-metre',
  'dataset-note-density',
  'dataset-splits',
  'metric-bars',
  'metric-songs',
  'piano-rolls',
  'training-a2s-seed1',
  'training-a2s-seed2',
];

let root: string;
let a: BuildReportResult;
let b: BuildReportResult;

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'a2s-report-build-'));
  const predictionDirs = await writePredictionFolders(join(root, 'predictions'));
  const io = await fixtureIo();
  const input = { evalDir: EVAL_DIR, runDirs: [...RUN_DIRS].reverse(), manifest: MANIFEST, predictionDirs, options: { pngScale: 1 }, io };
  a = await buildReport({ ...input, outDir: join(root, 'a') });
  b = await buildReport({ ...input, runDirs: RUN_DIRS, predictionDirs: [...predictionDirs].reverse(), outDir: join(root, 'b') });
});

describe('buildReport', () => {
  it('writes every output', async () => {
    expect(a.figures.slice().sort()).toEqual(FIGURES);
    const files = await listFiles(a.outDir);
    expect(files).toEqual(a.files);
    for (const f of FIGURES) for (const ext of ['svg', 'png', 'csv', 'vl.json']) expect(files).toContain(`figures/${f}.${ext}`);
    for (const f of ['index.html', 'results.md', 'results.tex', 'results.csv', 'dataset-stats.json']) expect(files).toContain(f);
    // 2 segments × (ground truth + 3 systems)
    expect(files.filter((f) => f.startsWith('audio/') && f.endsWith('.wav'))).toHaveLength(8);
    // Engraved openings: one score per (test song, system), ground truth first; the fixture's test split
    // has songs 006 and 007, each present in all three prediction folders.
    const systems = ['ground truth', 'a2s', 'chord-polydis', 'transcription'];
    const expected = ['006', '007'].flatMap((song) => systems.map((sys) => `scores/song-${song}-${sys.replace(' ', '_')}.svg`));
    const scores = files.filter((f) => f.startsWith('scores/') && f.endsWith('.svg'));
    expect(scores).toEqual([...expected].sort());
    for (const f of scores) {
      const svg = await readFile(join(a.outDir, f), 'utf8');
      expect(svg, f).toMatch(/class="system"/);
      expect(svg, f).toMatch(/class="staff"/);
    }
    const html = await readFile(join(a.outDir, 'index.html'), 'utf8');
    const section = html.slice(html.indexOf('<section id="scores">'), html.indexOf('</section>', html.indexOf('<section id="scores">')));
    expect(section.length).toBeGreaterThan(0);
    const rows = section.match(/<tr data-song="[^"]*">.*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const song = i < systems.length ? '006' : '007';
      const sys = systems[i % systems.length]!;
      // The row names the song and the system; the engraving and, in the next cell, the roll of the same notes.
      expect(row).toContain(`<tr data-song="${song}"><th scope="row">song ${song}, beats 0–`);
      expect(row).toContain(`<td>${sys}</td><td><img class="score" alt="${sys}, song ${song}`);
      expect(row).toMatch(/<img class="score"[^>]*><\/td><td class="roll"><svg class="roll"/);
      expect((row.match(/<rect class="note"/g) ?? []).length).toBeGreaterThan(0);
    });
    // The opening covers the first 8 bars (32 beats) of song 006 (segments at beats 0, 4, 8, 12 stitched: beats 0–20).
    expect(rows[0]).toContain('song 006, beats 0–20 (5 bars)');
    expect(rows[systems.length]).toContain('song 007, beats 0–16 (4 bars)');
    expect(a.warnings).toEqual([]);
  });

  it('is deterministic: two runs (inputs given in another order) give the same bytes', async () => {
    expect(b.files).toEqual(a.files);
    for (const f of a.files) {
      const [x, y] = await Promise.all([readFile(join(a.outDir, f)), readFile(join(b.outDir, f))]);
      expect(x.equals(y), f).toBe(true);
    }
  });

  it('renders audio previews as short mono WAVs with sound', async () => {
    const wavs = a.files.filter((f) => f.startsWith('audio/'));
    for (const f of wavs) {
      const pcm = parseWav16(new Uint8Array(await readFile(join(a.outDir, f))));
      expect(pcm.channels).toBe(1);
      expect(pcm.sampleRate).toBe(16000);
      const sec = pcm.data.length / pcm.sampleRate;
      expect(sec).toBeGreaterThan(3);
      expect(sec).toBeLessThan(10);
      expect(pcm.data.reduce((m, s) => Math.max(m, Math.abs(s)), 0)).toBeGreaterThan(1000);
    }
  });

  it('figure SVGs hold the expected marks and CSVs the data behind them', async () => {
    const bars = await readFile(join(a.outDir, 'figures/metric-bars.svg'), 'utf8');
    expect(countSvgItems(bars, 'bar')).toBe(5 * 7);
    const csv = (await readFile(join(a.outDir, 'figures/metric-bars.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('metric,system,mean,ciLow,ciHigh,nSongs,best');
    expect(csv).toHaveLength(1 + 5 * 7);
    const rolls = await readFile(join(a.outDir, 'figures/piano-rolls.svg'), 'utf8');
    const rollCsv = (await readFile(join(a.outDir, 'figures/piano-rolls.csv'), 'utf8')).trim().split('\n');
    expect(countSvgItems(rolls, 'rect mark')).toBe(rollCsv.length - 1);
    expect(rollCsv[1]!.startsWith('ground truth,')).toBe(true);
  });

  it('results.md bolds the best system and renderReadmeSnippet links a figure', async () => {
    const md = await readFile(join(a.outDir, 'results.md'), 'utf8');
    // Metric order and directions come from summary.json's metric list.
    expect(md.split('\n')[0]).toBe('| System | chordAcc ↑ | onsetF1 ↑ | noteF1 ↑ | grooveSim ↑ | pitchClassSim ↑ | densityErr ↓ | polyphonyErr ↓ |');
    expect(md).toContain('| a2s | **');
    expect(md).not.toContain('(none)'); // ablation variants stay out of the main table
    const snippet = renderReadmeSnippet(a.table, { reportDir: 'data/reports/pop909' });
    expect(snippet.figurePath).toBe('data/reports/pop909/figures/metric-bars.svg');
    expect(snippet.markdown.startsWith(md.trimEnd())).toBe(true);
    expect(snippet.markdown).toContain('![Objective metrics per system](data/reports/pop909/figures/metric-bars.svg)');
  });
});

describe('index.html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens offline with no console errors and draws every figure', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const remote: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!/^(file|data):/.test(r.url())) remote.push(r.url());
    });
    await page.goto(pathToFileURL(join(a.outDir, 'index.html')).href);
    await page.waitForSelector(`body[data-figures-rendered="${FIGURES.length}"]`, { timeout: 60_000 });
    expect(errors).toEqual([]);
    expect(remote).toEqual([]);
    const figures = page.locator('.vega');
    expect(await figures.count()).toBe(FIGURES.length);
    for (let i = 0; i < FIGURES.length; i++) {
      const fig = figures.nth(i);
      expect(await fig.locator('svg path, svg line').count()).toBeGreaterThan(10);
      const png = await fig.screenshot();
      // Decode the screenshot in the page's canvas and count pixels that are not (near) white.
      const inked = await page.evaluate(async (b64: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const px = ctx.getImageData(0, 0, img.width, img.height).data;
        let n = 0;
        for (let k = 0; k < px.length; k += 4) if (px[k]! < 235 || px[k + 1]! < 235 || px[k + 2]! < 235) n++;
        return { n, total: px.length / 4 };
      }, png.toString('base64'));
      expect(inked.n, `figure ${i}`).toBeGreaterThan(0.01 * inked.total);
    }
    // Results table with bold best values, and playable audio.
    expect(await page.locator('table.results strong').count()).toBeGreaterThan(5);
    expect(await page.locator('dl.metrics dt').count()).toBe(7);
    const durations = await page.evaluate(async () =>
      Promise.all(
        Array.from(document.querySelectorAll('audio')).map(
          (el) =>
            new Promise<number>((resolve) => {
              const audio = el as HTMLAudioElement;
              audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
              audio.addEventListener('error', () => resolve(-1), { once: true });
              audio.preload = 'metadata';
              audio.load();
            }),
        ),
      ),
    );
    expect(durations).toHaveLength(8);
    for (const d of durations) expect(d).toBeGreaterThan(3);
    await page.close();
  });
});
