/**
 * One interface for the bots' commands (`/solve`, `/practice`, `/check`), like the command files
 * of the discord.js guide: each feature exports a module with its name, description and text
 * usage and `run(ctx, input)`. A platform turns its event into the command's input (Discord: the
 * slash command's options; Slack: the command text) and a context that posts the platform's way;
 * the command decides what happens and what is said. Discord's slash definitions (option types
 * and limits) stay with the platform: src/bots/platforms/discord/slash-commands.ts.
 */
import type { PlatformName } from '../core/store';

/** What a platform gives a command when a member runs it. */
export interface CommandContext {
  platform: PlatformName;
  userId: string;
  channelId: string;
  /** The server: a Discord guild (or `dm:<channel>`), a Slack team. */
  guildId: string;
  /** Text only the member sees (the platform splits long text). */
  whisper(text: string): Promise<unknown>;
  /** Text everyone in the channel sees. */
  say(text: string): Promise<unknown>;
  /** A refusal (the platform marks it as a warning and shows it where its replies go). */
  refuse(message: string): Promise<unknown>;
  /** The platform's warning mark and bold (Discord `⚠` / `**b**`, Slack `:warning:` / `*b*`). */
  warn: string;
  bold(s: string): string;
  log(msg: string): void;
}

/** A command module. `I` is the command's parsed input, the same on every platform. */
export interface ChatCommand<C extends CommandContext, I> {
  readonly name: string;
  readonly description: string;
  /** How to type it (help texts, Slack's one text field). */
  readonly usage: string;
  run(ctx: C, input: I): Promise<void>;
}
