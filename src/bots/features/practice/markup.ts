/**
 * What practice texts need from a platform's markup: bold, a deadline in the platform's own date
 * syntax, and how `/practice answer` and `/practice hint` are typed there. Discord's and Slack's
 * live with the platforms (src/bots/platforms/{discord,slack}/practice-markup.ts).
 */
export interface PracticeMarkup {
  bold(s: string): string;
  /** ` (ends …)` for a deadline at `unixSeconds`, in a form the platform shows in local time; '' for none. */
  deadline(unixSeconds: number): string;
  answerUsage: string;
  hintUsage: string;
}

/** Platforms without their own (the local page): Markdown bold, no date syntax, text usage. */
export const PLAIN_MARKUP: PracticeMarkup = {
  bold: (s) => `**${s}**`,
  deadline: () => '',
  answerUsage: '/practice answer <n> <answer>',
  hintUsage: '/practice hint <n>',
};
