/// <reference path="./vendor.d.ts" />
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

/** A4 in PDF points. */
export const A4_POINTS: readonly [number, number] = [595.28, 841.89];

/**
 * Puts SVG pages into one PDF, one SVG per A4 page, as vector graphics (pdfkit + svg-to-pdfkit: pure
 * JavaScript, no browser or system tool). Verovio draws the music font's glyphs as SVG paths, so no font
 * is embedded for the notation. Resolves to the PDF bytes.
 */
export function svgPagesToPdf(pages: readonly string[], opts: { title?: string; compress?: boolean; onWarning?: (message: string) => void } = {}): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      autoFirstPage: false,
      compress: opts.compress ?? true,
      info: { Title: opts.title ?? 'Piano arrangement', Creator: 'a2s (Verovio engraving)', CreationDate: new Date(0) },
    });
    const chunks: Uint8Array[] = [];
    doc.on('data', (c) => chunks.push(c));
    doc.on('error', reject);
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    for (const svg of pages) {
      doc.addPage({ size: [A4_POINTS[0], A4_POINTS[1]], margin: 0 });
      SVGtoPDF(doc, svg, 0, 0, {
        width: A4_POINTS[0],
        height: A4_POINTS[1],
        preserveAspectRatio: 'xMidYMin meet',
        warningCallback: (w) => opts.onWarning?.(w),
      });
    }
    doc.end();
  });
}
