export { buildReport, mainTableRows, fileSafe, RESULTS_CAPTION, type BuildReportInput, type BuildReportResult } from './build-report.ts';
export { renderReadmeSnippet, type ReadmeSnippetOptions } from './readme-snippet.ts';
export { renderHtmlPage, loadVegaRuntime, type HtmlPageInput, type AudioClip } from './html.ts';
export { renderClipsToWav, canSynthesize, stepToSec, parseWav16, encodeWav16Mono, type SynthOptions, type ClipNotes } from './audio.ts';
export { selectComparison, evenlySpaced, type Comparison } from './comparison.ts';
export { trainingMarkdown, trainingHtml, type TrainingSectionRun } from './training-section.ts';
export { readComparisonFile, comparisonsMarkdown, comparisonsHtml, comparisonCaption, type ComparisonFile } from './comparisons.ts';
