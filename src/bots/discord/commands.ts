/** The slash command definitions (`/solve`, `/practice`, `/check`) and their registration (guild or global). */
import { REST, Routes, SlashCommandBuilder } from 'discord.js';
import { STRATEGY_NAMES } from '../../engine/index';

export function solveCommand(maxBudget = 64) {
  return new SlashCommandBuilder()
    .setName('solve')
    .setDescription('Solve a math question step by step (code-checked steps)')
    .addStringOption((o) => o.setName('question').setDescription('The math problem').setRequired(true).setMaxLength(4000))
    .addStringOption((o) =>
      o
        .setName('strategy')
        .setDescription('Search strategy (default: mcts)')
        .addChoices(...STRATEGY_NAMES.map((s) => ({ name: s, value: s }))),
    )
    .addIntegerOption((o) => o.setName('budget').setDescription('Search size: rollouts / samples / beam width').setMinValue(1).setMaxValue(maxBudget));
}

/** `/practice` with its subcommands (timed practice threads, src/bots/practice). */
export function practiceCommand() {
  return new SlashCommandBuilder()
    .setName('practice')
    .setDescription('Timed competition practice: problems in a thread, private answers, leaderboard')
    .addSubcommand((c) =>
      c
        .setName('start')
        .setDescription('Post problems in a thread with a countdown')
        .addStringOption((o) => o.setName('set').setDescription('Problem set: aime (default), aime2024, aime2025, amc23, or a club set').setMaxLength(60))
        .addIntegerOption((o) => o.setName('count').setDescription('Number of problems (default 3)').setMinValue(1).setMaxValue(15))
        .addIntegerOption((o) => o.setName('minutes').setDescription('Time limit in minutes (default 30)').setMinValue(1).setMaxValue(300)),
    )
    .addSubcommand((c) =>
      c
        .setName('answer')
        .setDescription('Answer a problem privately (AIME: an integer 0-999)')
        .addIntegerOption((o) => o.setName('problem').setDescription('Problem number').setRequired(true).setMinValue(1).setMaxValue(15))
        .addStringOption((o) => o.setName('value').setDescription('Your answer').setRequired(true).setMaxLength(100)),
    )
    .addSubcommand((c) =>
      c
        .setName('hint')
        .setDescription("The next step of the bot's solution (costs points; only you see it)")
        .addIntegerOption((o) => o.setName('problem').setDescription('Problem number').setRequired(true).setMinValue(1).setMaxValue(15)),
    )
    .addSubcommand((c) => c.setName('end').setDescription('End the session now (moderators or the starter)'))
    .addSubcommand((c) =>
      c
        .setName('leaderboard')
        .setDescription("This server's practice leaderboard")
        .addStringOption((o) => o.setName('season').setDescription('Season (default: the current one)').setMaxLength(40)),
    )
    .addSubcommand((c) =>
      c
        .setName('season')
        .setDescription('Start a new leaderboard season (moderators)')
        .addStringOption((o) => o.setName('name').setDescription('Season name, e.g. 2025 spring').setRequired(true).setMaxLength(40)),
    );
}

/** `/check`: score each step of a member's own solution. */
export function checkCommand() {
  return new SlashCommandBuilder()
    .setName('check')
    .setDescription('Check your own step-by-step solution (a model scores each step)')
    .addStringOption((o) => o.setName('problem').setDescription('The problem, or a bank id such as aime2024-I-1').setRequired(true).setMaxLength(4000))
    .addStringOption((o) =>
      o.setName('solution').setDescription('Your solution: "Step 1: ... Step 2: ...", LaTeX in $...$, answer as \\boxed{...}').setRequired(true).setMaxLength(6000),
    );
}

export interface RegisterOptions {
  token: string;
  applicationId: string;
  apiUrl?: string;
  /** Register in one guild (instant) instead of globally (may take up to an hour to appear). */
  guildId?: string;
  maxBudget?: number;
}

/** PUTs the command list; returns the registered commands' names. */
export async function registerCommands(o: RegisterOptions): Promise<string[]> {
  const rest = new REST(o.apiUrl ? { api: o.apiUrl.replace(/\/+$/, '') } : {}).setToken(o.token);
  const body = [solveCommand(o.maxBudget).toJSON(), practiceCommand().toJSON(), checkCommand().toJSON()];
  const route = o.guildId ? Routes.applicationGuildCommands(o.applicationId, o.guildId) : Routes.applicationCommands(o.applicationId);
  const res = (await rest.put(route, { body })) as { name: string }[];
  return res.map((c) => c.name);
}
