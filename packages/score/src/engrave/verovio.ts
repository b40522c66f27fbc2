/// <reference path="./vendor.d.ts" />
import createVerovioModule from 'verovio/wasm';
import { VerovioToolkit } from 'verovio/esm';

/** Page layout of the engraving, in Verovio units (tenths of a millimetre at scale 100). */
export interface EngraveOptions {
  /** Default 2100 (A4 width). */
  readonly pageWidth?: number;
  /** Default 2970 (A4 height). */
  readonly pageHeight?: number;
  /** Zoom in percent. Default 40. */
  readonly scale?: number;
  /** No title, and the page cut to the music's height (for excerpts shown in a report). Default false. */
  readonly excerpt?: boolean;
}

/** The engraved pages. */
export interface Engraving {
  /** One SVG document per page. */
  readonly pages: string[];
  /** Systems (lines of music) on each page. */
  readonly systemsPerPage: number[];
  /** Page size in SVG user units (pixels) as Verovio reports it. */
  readonly widthPx: number;
  readonly heightPx: number;
}

/** SMuFL text glyphs Verovio writes in the Leipzig font (chord-symbol accidentals, metronome note) and their Unicode equivalents. */
const SMUFL_TEXT: Readonly<Record<string, string>> = {
  '\uEA64': '\u266D',
  '\uEA65': '\u266E',
  '\uEA66': '\u266F',
  '\uECA5': '\u2669',
  '\uECA7': '\u266A',
};

/**
 * Makes a Verovio page self-contained for renderers without Verovio's music text font (resvg, svg-to-pdfkit,
 * most image viewers): text glyphs in Leipzig become the Unicode signs ♭ ♮ ♯ ♩ ♪ in a text font (DejaVu Sans).
 * Notation glyphs are paths already and stay as they are.
 */
export function portableSvg(svg: string): string {
  return svg.replace(/<tspan font-family="Leipzig" font-size="(\d+)px">([^<]*)<\/tspan>/g, (whole, size: string, text: string) => {
      const mapped = [...text].map((c) => SMUFL_TEXT[c]).join('');
      if (mapped.length !== [...text].length) return whole;
      return `<tspan font-family="DejaVu Sans" font-size="${Math.round(Number(size) * 0.6)}px">${mapped}</tspan>`;
    });
}

let modulePromise: Promise<unknown> | undefined;

/** Verovio's WebAssembly module, loaded once per process on first use (about 0.7 s; no network). */
function verovioModule(): Promise<unknown> {
  modulePromise ??= createVerovioModule();
  return modulePromise;
}

/**
 * Engraves MusicXML with Verovio (LGPL-3.0, used as a library; its WebAssembly engine ships in the npm
 * package): one SVG per A4 page. Deterministic (fixed id seed): the same input gives the same SVG bytes.
 * Throws Error when Verovio cannot read the input.
 */
export async function engraveMusicXml(musicxml: string, opts: EngraveOptions = {}): Promise<Engraving> {
  const tk = new VerovioToolkit(await verovioModule());
  try {
    tk.setOptions({
      pageWidth: opts.pageWidth ?? 2100,
      pageHeight: opts.pageHeight ?? 2970,
      scale: opts.scale ?? 40,
      adjustPageHeight: opts.excerpt === true,
      breaks: 'auto',
      footer: 'none',
      header: opts.excerpt ? 'none' : 'auto',
      svgViewBox: false,
      pageMarginTop: 100,
      pageMarginBottom: 100,
      pageMarginLeft: 100,
      pageMarginRight: 100,
      xmlIdSeed: 1,
    });
    if (!tk.loadData(musicxml)) throw new Error('Verovio could not read the MusicXML');
    const count = tk.getPageCount();
    const pages: string[] = [];
    const systemsPerPage: number[] = [];
    for (let p = 1; p <= count; p++) {
      const svg = portableSvg(tk.renderToSVG(p));
      pages.push(svg);
      systemsPerPage.push((svg.match(/class="system"/g) ?? []).length);
    }
    const size = /<svg[^>]*width="([\d.]+)px"[^>]*height="([\d.]+)px"/.exec(pages[0] ?? '');
    return { pages, systemsPerPage, widthPx: size ? Number(size[1]) : 0, heightPx: size ? Number(size[2]) : 0 };
  } finally {
    tk.destroy();
  }
}
