// Minimal typings for the parts of untyped dependencies this package uses.
declare module 'verovio/wasm' {
  const createVerovioModule: () => Promise<unknown>;
  export default createVerovioModule;
}
declare module 'verovio/esm' {
  export class VerovioToolkit {
    constructor(module: unknown);
    setOptions(options: Record<string, unknown>): void;
    loadData(data: string): boolean;
    getPageCount(): number;
    renderToSVG(page?: number, xmlDeclaration?: boolean): string;
    getVersion(): string;
    getLog(): string;
    destroy(): void;
  }
}
declare module 'pdfkit' {
  interface PdfDocOptions {
    size?: string | [number, number];
    margin?: number;
    autoFirstPage?: boolean;
    compress?: boolean;
    info?: Record<string, string | Date>;
  }
  class PDFDocument {
    constructor(options?: PdfDocOptions);
    addPage(options?: PdfDocOptions): this;
    on(event: 'data', cb: (chunk: Uint8Array) => void): this;
    on(event: 'end', cb: () => void): this;
    on(event: 'error', cb: (err: Error) => void): this;
    end(): void;
  }
  export default PDFDocument;
}
declare module 'svg-to-pdfkit' {
  function SVGtoPDF(
    doc: unknown,
    svg: string,
    x: number,
    y: number,
    options?: { width?: number; height?: number; preserveAspectRatio?: string; warningCallback?: (w: string) => void; assumePt?: boolean },
  ): void;
  export default SVGtoPDF;
}
