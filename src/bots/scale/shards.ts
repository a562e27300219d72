/**
 * Discord sharding (needed from 2,500 servers): with REDIS_URL each shard runs in its own process
 * (discord.js ShardingManager re-running `./stepwise serve`; every shard process is a front-end
 * instance sharing limits and the queue through Redis); without it, discord.js runs the shards
 * inside this one process (internal sharding).
 */
import type { ClientOptions, ShardingManager } from 'discord.js';
import type { BotConfig } from '../core/config';

/** True in a shard process started by the ShardingManager. */
export const isShardChild = (env: NodeJS.ProcessEnv = process.env): boolean => env.SHARDING_MANAGER === 'true' && env.SHARDS !== undefined;

/** The first shard id of a shard process (for its /metrics port: PORT + 1 + id). */
export const shardId = (env: NodeJS.ProcessEnv = process.env): number =>
  Number(
    String(env.SHARDS ?? '0')
      .replace(/[^\d,]/g, '')
      .split(',')[0] || 0,
  );

/** How this process runs Discord: 'single' (no sharding), 'internal' shards, a 'manager' of shard processes, or one 'child'. */
export function shardMode(config: BotConfig, env: NodeJS.ProcessEnv = process.env): 'single' | 'internal' | 'manager' | 'child' {
  if (!config.discord) return 'single';
  if (isShardChild(env)) return 'child';
  if (config.shards === undefined || config.shards === 1) return 'single';
  return config.redisUrl ? 'manager' : 'internal';
}

/** discord.js client options for internal sharding (undefined otherwise; shard children read their env). */
export function shardClientOptions(config: BotConfig, env: NodeJS.ProcessEnv = process.env): Partial<ClientOptions> | undefined {
  if (shardMode(config, env) !== 'internal') return undefined;
  if (config.shards === 'auto') return { shards: 'auto' };
  const n = config.shards as number;
  return { shards: Array.from({ length: n }, (_, i) => i), shardCount: n };
}

/** Starts the shard processes (`node <main.js> serve`), respawning any that die. */
export async function startShardManager(
  config: BotConfig,
  o: { file: string; args?: string[]; log: (m: string) => void },
): Promise<ShardingManager> {
  const { ShardingManager } = await import('discord.js');
  const manager = new ShardingManager(o.file, {
    token: config.discord!.token,
    totalShards: config.shards ?? 'auto',
    shardArgs: o.args ?? ['serve'],
    mode: 'process',
    respawn: true,
  });
  manager.on('shardCreate', (shard) => o.log(`shard ${shard.id} starting (process)`));
  await manager.spawn({ timeout: -1 });
  return manager;
}
