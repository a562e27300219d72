/** The `/solve` slash command definition and its registration (guild or global). */
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
  const body = [solveCommand(o.maxBudget).toJSON()];
  const route = o.guildId ? Routes.applicationGuildCommands(o.applicationId, o.guildId) : Routes.applicationCommands(o.applicationId);
  const res = (await rest.put(route, { body })) as { name: string }[];
  return res.map((c) => c.name);
}
