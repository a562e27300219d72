/** Slack's practice markup: `*bold*`, `<!date^…>` dates, the command's text syntax. */
import type { PracticeMarkup } from '../../features/practice/markup';

export const SLACK_PRACTICE_MARKUP: PracticeMarkup = {
  bold: (s) => `*${s}*`,
  deadline: (unix) => ` (ends <!date^${unix}^{time}|soon>)`,
  answerUsage: '/practice answer <n> <answer>',
  hintUsage: '/practice hint <n>',
};
