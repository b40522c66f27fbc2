export { engraveMusicXml, portableSvg, type EngraveOptions, type Engraving } from './verovio.ts';
export { svgPagesToPdf, A4_POINTS } from './pdf.ts';
export { svgToPng } from './png.ts';
