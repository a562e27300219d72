/** `/solve` (and a mention with a question): the question is submitted and answered in a thread. */
import type { ChatCommand, CommandContext } from '../command';
import type { Accepted, AnswerThreads } from './answer-thread';
import { HELP_TEXT } from './mention-parser';

export interface SolveInput {
  question: string;
  strategy?: string;
  budget?: number;
}

export interface SolveContext<R extends Record<string, unknown>> extends CommandContext {
  threads: Pick<AnswerThreads<unknown, R, unknown>, 'submit'>;
  /** The reply record the job starts with (where to post; stored for resume). */
  reply: R;
  /** Posts the placeholder once the job is accepted; returns the reply to store and the thread's key. */
  placeholder(out: Accepted): Promise<{ reply: R; key?: string }>;
}

export const solveCommand: ChatCommand<SolveContext<Record<string, unknown>>, SolveInput> = {
  name: 'solve',
  description: 'Solve a math question step by step (code-checked steps)',
  usage: HELP_TEXT,
  async run(ctx, input) {
    const out = await ctx.threads.submit({ userId: ctx.userId, channelId: ctx.channelId, ...input, reply: ctx.reply }, ctx.placeholder);
    if (!out.ok) await ctx.refuse(out.message);
  },
};
