/**
 * The set-up material a newcomer follows cannot drift from the code: the Slack app manifest lists
 * every slash command, event and scope the Slack code uses, and the Discord invite link printed by
 * `register-commands` carries the application id, the scopes and exactly the permissions the bot uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { checkCommand, practiceCommand, solveCommand } from '../../src/bots/platforms/discord/slash-commands';
import { command as registerCli, inviteUrl, INVITE_PERMISSIONS } from '../../src/cli/commands/register-commands';
import { FakeDiscord } from '../helpers/fake-discord';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push({ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') });
  }
  return out;
}

/** Every Bolt file: those that register handlers on a Bolt `app`, and the Slack helpers they call. */
const slackFiles = sources(path.join(ROOT, 'src/bots')).filter(
  (f) => /\bapp\.(command|event|action)\(/.test(f.text) || f.file.startsWith('src/bots/platforms/slack/'),
);
const all = (re: RegExp) => slackFiles.flatMap((f) => [...f.text.matchAll(re)].map((m) => m[1]));

/** Scope each Slack Web API method the code calls needs (https://api.slack.com/methods). */
const METHOD_SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'files.uploadV2': 'files:write',
  'reactions.add': 'reactions:write',
  'views.open': 'commands',
};

describe('Slack app manifest (docs/slack-app-manifest.json)', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/slack-app-manifest.json'), 'utf8'));
  const scopes: string[] = manifest.oauth_config.scopes.bot;

  test('the Slack code was found (the test reads the real handlers)', () => {
    expect(slackFiles.map((f) => f.file)).toEqual(expect.arrayContaining(['src/bots/platforms/slack/bot.ts']));
  });

  test('lists exactly the slash commands the code registers, each with a usage hint and the events URL', () => {
    const registered = [...new Set(all(/\bapp\.command\(\s*['"`]([^'"`]+)['"`]/g))].sort();
    expect(registered).toEqual(expect.arrayContaining(['/solve']));
    const listed = manifest.features.slash_commands.map((c: any) => c.command).sort();
    expect(listed).toEqual(registered);
    for (const c of manifest.features.slash_commands) {
      expect(c.usage_hint).toBeTruthy();
      expect(c.description.length).toBeLessThanOrEqual(100);
      expect(c.url).toMatch(/^https:\/\/.+\/slack\/events$/);
    }
  });

  test('subscribes to every event the code handles, and has interactivity on for its buttons', () => {
    const events = [...new Set(all(/\bapp\.event\(\s*['"`]([^'"`]+)['"`]/g))].sort();
    expect(events).toEqual(expect.arrayContaining(['app_mention']));
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(events);
    expect(all(/\bapp\.(action)\(/g).length).toBeGreaterThan(0);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  test('asks for every scope the code needs and no other', () => {
    const methods = [...new Set(all(/\bclient\.(\w+\.\w+)\(/g))].sort();
    expect(methods).toEqual(expect.arrayContaining(['chat.postMessage', 'files.uploadV2']));
    const unknown = methods.filter((m) => !(m in METHOD_SCOPES));
    expect(unknown).toEqual([]); // a new Web API call: add its scope to METHOD_SCOPES and the manifest
    const needed = new Set(methods.map((m) => METHOD_SCOPES[m]));
    if (all(/\bapp\.(command)\(/g).length) needed.add('commands');
    if (all(/\bapp\.event\(\s*['"`](app_mention)['"`]/g).length) needed.add('app_mentions:read');
    expect([...scopes].sort()).toEqual([...needed].sort());
  });

  test('HTTP mode (the default) with placeholder request URLs; the code also supports Socket Mode', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    for (const url of [manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url]) {
      expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
    }
    const bot = fs.readFileSync(path.join(ROOT, 'src/bots/platforms/slack/bot.ts'), 'utf8');
    expect(bot).toMatch(/socketMode: true/);
    expect(manifest.features.bot_user.display_name).toBe('Stepwise');
  });
});

describe('Discord invite link and register-commands', () => {
  const expected =
    PermissionFlagsBits.ViewChannel |
    PermissionFlagsBits.SendMessages |
    PermissionFlagsBits.SendMessagesInThreads |
    PermissionFlagsBits.CreatePublicThreads |
    PermissionFlagsBits.AttachFiles |
    PermissionFlagsBits.ReadMessageHistory;

  test('the invite URL carries the application id, bot + applications.commands, and the minimal permissions', async () => {
    const url = new URL(await inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.toString()).toContain('scope=bot%20applications.commands');
    const perms = BigInt(url.searchParams.get('permissions')!);
    expect(perms).toBe(expected);
    expect(perms).toBe(309237746688n);
    expect(perms & PermissionFlagsBits.Administrator).toBe(0n);
    expect(INVITE_PERMISSIONS).toHaveLength(6);
  });

  test('--help lists every command and /practice subcommand it registers', () => {
    const usage = registerCli.usage;
    for (const c of [solveCommand().toJSON(), practiceCommand().toJSON(), checkCommand().toJSON()]) {
      expect(usage).toContain(`/${c.name}`);
      expect(registerCli.summary).toContain(`/${c.name}`);
    }
    for (const sub of practiceCommand().toJSON().options ?? []) expect(usage).toContain(sub.name);
    expect(usage).toMatch(/Copy Server ID/);
  });

  describe('the CLI', () => {
    const saved = { ...process.env };
    let out = '';
    let spy: jest.SpyInstance;
    beforeEach(() => {
      out = '';
      spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: any) => ((out += String(s)), true));
      for (const k of Object.keys(process.env)) if (/^(DISCORD|SLACK)_/.test(k)) delete process.env[k];
    });
    afterEach(() => {
      spy.mockRestore();
      process.env = { ...saved };
    });

    test('--invite prints the link from DISCORD_APPLICATION_ID alone, without the network', async () => {
      process.env.DISCORD_APPLICATION_ID = '998877665544332211';
      expect(await registerCli.run(['--invite', '--env', '/nonexistent/.env'])).toBe(0);
      const url = new URL(out.trim().split('\n').pop()!);
      expect(url.searchParams.get('client_id')).toBe('998877665544332211');
      expect(BigInt(url.searchParams.get('permissions')!)).toBe(expected);
    });

    test('registering against the fake Discord prints the names and the invite link', async () => {
      const fake = new FakeDiscord();
      await fake.start();
      try {
        process.env.DISCORD_TOKEN = 'fake-token';
        process.env.DISCORD_APPLICATION_ID = fake.appId;
        process.env.DISCORD_API_URL = fake.apiUrl;
        expect(await registerCli.run(['--guild', fake.guildId, '--env', '/nonexistent/.env'])).toBe(0);
        expect(out).toContain(`registered /solve, /practice, /check in guild ${fake.guildId}`);
        const url = new URL(out.trim().split('\n').pop()!);
        expect(url.searchParams.get('client_id')).toBe(fake.appId);
        expect(url.searchParams.get('scope')).toBe('bot applications.commands');
      } finally {
        await fake.stop();
      }
    });
  });
});

describe('local page screenshots in the docs', () => {
  const names = ['local-empty.png', 'local-progress.png', 'local-thread.png'];

  test('`./stepwise screenshots` is a registered command that writes the three images the docs embed', async () => {
    const { commands } = await import('../../src/cli/commands/index');
    const shots = commands.find((c) => c.name === 'screenshots');
    expect(shots).toBeDefined();
    for (const n of names) expect(shots!.usage).toContain(n);
    await expect(shots!.run(['--width', '5'])).rejects.toThrow(/--width/);
  });

  test('docs/bots.md embeds each committed PNG, each a real PNG under 300 KB', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/bots.md'), 'utf8');
    for (const n of names) {
      expect(doc).toContain(`](img/${n})`);
      const png = fs.readFileSync(path.join(ROOT, 'docs/img', n));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeLessThan(300 * 1024);
    }
  });
});
