import { CliError, parseFlags, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'register-commands',
  summary: 'Register the Discord /solve slash command (guild or global)',
  usage: `Usage: ./stepwise register-commands [--guild ID] [--env FILE]

Registers /solve for the Discord application in DISCORD_APPLICATION_ID with DISCORD_TOKEN
(DISCORD_API_URL honoured). With --guild the command appears in that server at once; without,
it is registered globally (can take up to an hour to show everywhere).
`,
  async run(args) {
    const { values } = parseFlags('register-commands', args, { guild: { type: 'string' }, env: { type: 'string' } });
    const { loadConfig, readEnv, ConfigError } = await import('../../bots/core/config');
    let config;
    try {
      config = loadConfig(readEnv(process.env, values.env));
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message, 2);
      throw err;
    }
    if (!config.discord) throw new CliError('DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set (see .env.example)', 2);
    if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild)) throw new CliError(`--guild must be a numeric server id, got "${values.guild}"`, 2);
    const { registerCommands } = await import('../../bots/discord/commands');
    const names = await registerCommands({ ...config.discord, guildId: values.guild, maxBudget: config.maxBudget });
    process.stdout.write(`registered ${names.map((n) => `/${n}`).join(', ')} ${values.guild ? `in guild ${values.guild}` : 'globally'}\n`);
    return 0;
  },
};
