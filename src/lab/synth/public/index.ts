/** Mechanical conversion of the public training sets into verified rStar-format trajectories. */
export * from './format';
export { convertGsm8k, gsm8kProblem } from './gsm8k';
export { convertMwp, mwpProblem } from './mwp-equations';
export { convertDolphin, dolphinProblem, dolphinAnswer } from './dolphin';
export { convertMathQa, mathqaProblem } from './mathqa';
export { convertDm, dmProblem, DM_MODULES } from './dm-mathematics';
export { readSource, SOURCE_FILES } from './sources';
export {
  convertPublic,
  summaryTable,
  idShare,
  verdict,
  type PublicRecord,
  type WithheldRecord,
  type SourceStats,
  type ConvertOptions,
} from './runner';
