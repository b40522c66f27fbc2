export { checkPlayability, formatPlayability, type CheckedNote, type Violation, type ViolationKind, type PlayabilityReport } from './check.ts';
