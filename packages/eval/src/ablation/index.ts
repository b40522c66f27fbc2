export { readMatrix, expandMatrix, shellQuote, renderTemplate, type MatrixCell } from './matrix.ts';
export { DONE_MARKER, runMatrix, isCellDone, evaluateMatrixCells, type CellEvent, type RunMatrixOptions, type MatrixResult } from './run-matrix.ts';
export { slurmMatrixStatus, submitSlurmMatrix, slurmDirOf, type SlurmCellState, type SlurmCellStatus, type SlurmMatrixOptions, type SlurmSubmitResult } from './slurm-matrix.ts';
