/** Discord's practice markup: `**bold**`, `<t:…>` timestamps, slash-command option syntax. */
import type { PracticeMarkup } from '../../features/practice/markup';

export const DISCORD_PRACTICE_MARKUP: PracticeMarkup = {
  bold: (s) => `**${s}**`,
  deadline: (unix) => ` (ends <t:${unix}:t>, <t:${unix}:R>)`,
  answerUsage: '/practice answer problem:<n> value:<answer>',
  hintUsage: '/practice hint problem:<n>',
};
