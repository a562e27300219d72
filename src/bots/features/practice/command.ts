/** `/practice`: start a timed session, answer, take a hint, end it, leaderboards and seasons. */
import type { ChatCommand, CommandContext } from '../command';
import type { PracticeService } from './service';
import type { PracticeSession } from './store';
import { PRACTICE_HELP, type PracticeCommand } from './text';

export interface PracticeContext extends CommandContext {
  practice: PracticeService;
  /** The platform's own moderator right (Discord: Manage Messages or Manage Server). */
  moderator: boolean;
  /** Where moderators come from, for the refusal (Slack: ` (STEPWISE_PRACTICE_MODERATORS)`). */
  moderatorsNote: string;
  /** Posts a started session: its header with the countdown, its thread and its problems. */
  started(session: PracticeSession): Promise<unknown>;
}

export const practiceCommand: ChatCommand<PracticeContext, PracticeCommand> = {
  name: 'practice',
  description: 'Timed competition practice: problems in a thread, private answers, leaderboard',
  usage: PRACTICE_HELP,
  async run(ctx, cmd) {
    const { practice } = ctx;
    const here = () => practice.openSessionIn(ctx.platform, ctx.channelId);
    switch (cmd.kind) {
      case 'help':
        return void (await ctx.whisper(PRACTICE_HELP));
      case 'error':
        return void (await ctx.whisper(`${ctx.warn} ${cmd.message}`));
      case 'answer':
        return void (await ctx.whisper(practice.answer(here(), ctx.userId, cmd.n, cmd.value).text));
      case 'hint':
        return void (await ctx.whisper(practice.hint(here(), ctx.userId, cmd.n).text));
      case 'end': {
        const s = here();
        if (!s) return void (await ctx.whisper('There is no practice session running here.'));
        if (!practice.isModerator(ctx.userId, ctx.moderator, s)) {
          return void (await ctx.whisper(`Only a moderator${ctx.moderatorsNote} or the member who started the session can end it.`));
        }
        void practice.end(s.id, ctx.userId);
        return void (await ctx.whisper('Ended: the answers, scores and solutions are being posted in the thread.'));
      }
      case 'season':
        if (!practice.isModerator(ctx.userId, ctx.moderator)) {
          return void (await ctx.whisper(`Only a moderator${ctx.moderatorsNote} can start a new season.`));
        }
        return void (await ctx.whisper(practice.setSeason(ctx.platform, ctx.guildId, cmd.name).text));
      case 'leaderboard':
        return void (await ctx.say(practice.leaderboardText(ctx.platform, ctx.guildId, cmd.season)));
      case 'start': {
        const out = practice.start({
          platform: ctx.platform,
          guildId: ctx.guildId,
          channelId: ctx.channelId,
          userId: ctx.userId,
          set: cmd.set,
          count: cmd.count,
          minutes: cmd.minutes,
        });
        if (!out.ok) return void (await ctx.refuse(out.message));
        return void (await ctx.started(out.session));
      }
    }
  },
};
