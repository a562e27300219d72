import { CliError, parseFlags, type CliCommand } from '../command';

/** OAuth2 scopes the bot is added with: the bot user, and its slash commands. */
export const INVITE_SCOPES = ['bot', 'applications.commands'] as const;

/**
 * The channel permissions the bot uses, and nothing more: it reads the channel and the messages
 * that mention it, posts the header, opens a public thread on it (`threads.create` /
 * `startThread`), posts the steps there with their PNG attachments. It edits only its own
 * messages (no permission needed), sends no embeds and adds no reactions.
 */
export const INVITE_PERMISSIONS = [
  'ViewChannel',
  'SendMessages',
  'SendMessagesInThreads',
  'CreatePublicThreads',
  'AttachFiles',
  'ReadMessageHistory',
] as const;

/** The permissions integer for INVITE_PERMISSIONS, from discord.js's PermissionFlagsBits. */
export async function invitePermissions(): Promise<bigint> {
  const { PermissionFlagsBits } = await import('discord.js');
  return INVITE_PERMISSIONS.reduce((acc, p) => acc | PermissionFlagsBits[p], 0n);
}

/** The OAuth2 URL that adds the bot (with its commands) to a server the opener manages. */
export async function inviteUrl(applicationId: string): Promise<string> {
  const q = new URLSearchParams({
    client_id: applicationId,
    scope: INVITE_SCOPES.join(' '),
    permissions: String(await invitePermissions()),
  });
  return `https://discord.com/oauth2/authorize?${q.toString().replace(/\+/g, '%20')}`;
}

export const command: CliCommand = {
  name: 'register-commands',
  summary: 'Register the Discord slash commands /solve, /practice and /check (guild or global); print the invite link',
  usage: `Usage: ./stepwise register-commands [--guild ID] [--invite] [--env FILE]

Registers the slash commands /solve, /practice (start, answer, hint, end, leaderboard, season)
and /check for the Discord application in DISCORD_APPLICATION_ID with DISCORD_TOKEN
(DISCORD_API_URL honoured), then prints the invite link: the OAuth2 URL with the scopes
"bot applications.commands" and only the permissions the bot uses (View Channel, Send Messages,
Send Messages in Threads, Create Public Threads, Attach Files, Read Message History).

  --guild ID   register in that server (its Server ID: User Settings → Advanced → Developer Mode,
               then right-click the server icon → Copy Server ID); the commands appear at once.
               Without it they are registered globally (can take up to an hour to show).
               Add the bot to the server first (--invite), or Discord answers "Missing Access".
  --invite     only print the invite link (needs DISCORD_APPLICATION_ID only; no network)
`,
  async run(args) {
    const { values } = parseFlags('register-commands', args, {
      guild: { type: 'string' },
      invite: { type: 'boolean' },
      env: { type: 'string' },
    });
    const { loadConfig, readEnv, ConfigError } = await import('../../bots/core/config');
    const vars = readEnv(process.env, values.env);
    if (values.invite) {
      const id = vars.DISCORD_APPLICATION_ID?.trim();
      if (!id) throw new CliError('DISCORD_APPLICATION_ID must be set (General Information → Application ID; see .env.example)', 2);
      if (!/^\d{5,25}$/.test(id)) throw new CliError(`DISCORD_APPLICATION_ID must be numeric, got "${id}"`, 2);
      process.stdout.write(`Invite link (open it to add the bot to your server):\n${await inviteUrl(id)}\n`);
      return 0;
    }
    let config;
    try {
      config = loadConfig(vars);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message, 2);
      throw err;
    }
    if (!config.discord) throw new CliError('DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set (see .env.example)', 2);
    if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild))
      throw new CliError(`--guild must be a numeric server id, got "${values.guild}"`, 2);
    const { registerCommands } = await import('../../bots/platforms/discord/slash-commands');
    const names = await registerCommands({ ...config.discord, guildId: values.guild, maxBudget: config.maxBudget });
    process.stdout.write(`registered ${names.map((n) => `/${n}`).join(', ')} ${values.guild ? `in guild ${values.guild}` : 'globally'}\n`);
    process.stdout.write(`Invite link (open it to add the bot to your server):\n${await inviteUrl(config.discord.applicationId)}\n`);
    return 0;
  },
};
