/** `/check`: scores each step of a member's own solution; the report is for the member alone. */
import type { ChatCommand, CommandContext } from '../command';
import { CHECK_USAGE } from '../practice/text';
import { checkReportText, type CheckService } from './check';

export interface CheckContext extends CommandContext {
  check: CheckService;
  /** Longest report message the platform takes. */
  maxChars: number;
  /** Shown while checking, where the platform has no "thinking…" state of its own. */
  working?(text: string): Promise<unknown>;
}

/** The problem (text or a bank id) and the solution; null when the input could not be read. */
export type CheckInput = { problem: string; solution: string } | null;

export const checkCommand: ChatCommand<CheckContext, CheckInput> = {
  name: 'check',
  description: 'Check your own step-by-step solution (a model scores each step)',
  usage: CHECK_USAGE,
  async run(ctx, input) {
    if (!input) return void (await ctx.whisper(CHECK_USAGE).catch(() => undefined));
    await ctx.working?.('Checking your solution: scoring each step and solving the problem myself…').catch(() => undefined);
    try {
      const r = await ctx.check.check({ platform: ctx.platform, userId: ctx.userId, channelId: ctx.channelId, ...input });
      await ctx.whisper(checkReportText(r, ctx.bold, ctx.maxChars));
    } catch (err) {
      ctx.log(`/check failed: ${(err as Error)?.stack ?? err}`);
      await ctx.whisper(`${ctx.warn} Something went wrong while checking; please try again later.`).catch(() => undefined);
    }
  },
};
