/** The slash command definitions (`/solve`, `/practice`, `/check`) and their registration (guild or global). */
import { LabelBuilder, ModalBuilder, REST, Routes, SlashCommandBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { STRATEGY_NAMES } from '../../../engine/index';

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
    .addIntegerOption((o) =>
      o.setName('budget').setDescription('Search size: rollouts / samples / beam width').setMinValue(1).setMaxValue(maxBudget),
    );
}

/** `/practice` with its subcommands (timed practice threads, src/bots/features/practice). */
export function practiceCommand() {
  return new SlashCommandBuilder()
    .setName('practice')
    .setDescription('Timed competition practice: problems in a thread, private answers, leaderboard')
    .addSubcommand((c) =>
      c
        .setName('start')
        .setDescription('Post problems in a thread with a countdown')
        .addStringOption((o) =>
          o.setName('set').setDescription('Problem set: aime (default), aime2024, aime2025, amc23, or a club set').setMaxLength(60),
        )
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

/**
 * `/check`: score each step of a member's own solution. Without `solution` it opens a form
 * (checkModal) with a multi-line field, which suits written work better than a one-line option.
 */
export function checkCommand() {
  return new SlashCommandBuilder()
    .setName('check')
    .setDescription('Check your own step-by-step solution (a model scores each step); opens a form without options')
    .addStringOption((o) => o.setName('problem').setDescription('The problem, or a bank id such as aime2024-I-1').setMaxLength(4000))
    .addStringOption((o) =>
      o
        .setName('solution')
        .setDescription('Your solution (leave out to write it in a form): "Step 1: ...", LaTeX in $...$, \\boxed{...}')
        .setMaxLength(6000),
    );
}

/** Custom ids of the /check form and its fields. */
export const CHECK_MODAL = { id: 'sw:check', problem: 'problem', solution: 'solution' } as const;
/** Discord's limit for a text input. */
export const MODAL_TEXT_MAX = 4000;

/** The /check form: the problem (prefilled when given) and the solution, both multi-line. */
export function checkModal(problem?: string | null) {
  const p = new TextInputBuilder()
    .setCustomId(CHECK_MODAL.problem)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMaxLength(MODAL_TEXT_MAX)
    .setPlaceholder('The problem text, or a bank id such as aime2024-I-1');
  if (problem?.trim()) p.setValue(problem.slice(0, MODAL_TEXT_MAX));
  const sol = new TextInputBuilder()
    .setCustomId(CHECK_MODAL.solution)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMaxLength(MODAL_TEXT_MAX)
    .setPlaceholder('Step 1: ...\nStep 2: ...\nSo the answer is $\\boxed{...}$');
  return new ModalBuilder()
    .setCustomId(CHECK_MODAL.id)
    .setTitle('Check my solution')
    .addLabelComponents(
      new LabelBuilder().setLabel('Problem').setTextInputComponent(p),
      new LabelBuilder()
        .setLabel('Your solution')
        .setDescription('One step per line or paragraph; LaTeX in $...$; the answer as \\boxed{...}')
        .setTextInputComponent(sol),
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
