/**
 * Starts the product: whichever chat platforms have credentials, and the local web page when none
 * do (or when asked). One bots core (engine, queue, store) is shared by all of them.
 */
import type { DiscordBot } from './discord/bot';
import type { SlackBot } from './slack/bot';
import { createCore, type BotConfig, type BotCore, type CoreOverrides } from './core/index';
import { startLocal, type LocalServer } from './local/server';

export interface Running {
  core: BotCore;
  local?: LocalServer;
  discord?: DiscordBot;
  slack?: SlackBot;
  close(): Promise<void>;
}

export async function serve(config: BotConfig, opts: { local?: boolean; log?: (m: string) => void; core?: CoreOverrides } = {}): Promise<Running> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const core = createCore(config, { log: (m) => log(`[bots] ${m}`), ...opts.core });
  const running: Running = {
    core,
    async close() {
      await Promise.allSettled([running.discord?.close(), running.slack?.close(), running.local?.close()]);
      await core.close();
    },
  };
  // Load the models in the background; a failure is reported to users per question.
  core.service.engine().then(
    () => log('engine ready'),
    (err) => log(`engine unavailable: ${(err as Error).message} (questions will get a clear message until this is fixed)`),
  );
  try {
    if (config.discord) {
      const { startDiscord } = await import('./discord/bot');
      running.discord = await startDiscord({ config: config.discord, core, log: (m) => log(`[discord] ${m}`) });
    }
    if (config.slack) {
      const { startSlack } = await import('./slack/bot');
      running.slack = await startSlack({ config: config.slack, core, log: (m) => log(`[slack] ${m}`) });
      log(config.slack.appToken ? '[slack] connected (Socket Mode)' : `[slack] listening on port ${config.slack.port} (POST /slack/events)`);
    }
    if (opts.local || (!config.discord && !config.slack)) {
      running.local = await startLocal(core, { host: config.host, port: config.port, log: (m) => log(`[local] ${m}`) });
      log(`Stepwise local mode: open ${running.local.url} in a browser`);
    }
  } catch (err) {
    await running.close();
    throw err;
  }
  return running;
}
