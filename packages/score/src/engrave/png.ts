import { Resvg } from '@resvg/resvg-js';

/** Rasterises one SVG page to PNG at `widthPx` (white background), e.g. for a look at the first page. */
export function svgToPng(svg: string, widthPx = 1200): Uint8Array {
  const r = new Resvg(svg, { fitTo: { mode: 'width', value: widthPx }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Serif' } });
  return r.render().asPng();
}
