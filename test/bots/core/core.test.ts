import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseDotEnv, readEnv, SqliteStore, type JobSink } from '../../../src/bots/core/index';
import { parseCommand } from '../../../src/bots/features/solve/index';
import { startDiscord } from '../../../src/bots/platforms/discord/bot';
import { EngineError, QuestionError } from '../../../src/engine/index';
import { SandboxUnavailableError } from '../../../src/engine/exec';
import { ModelNotFoundError } from '../../../src/engine/models';
import { FakeDiscord } from '../../helpers/fake-discord';
import { MATH_QUESTION, testCore, tmpDb, toyEngine } from '../harness';

const sink = (log: string[]): JobSink => ({
  progress: (j, p) => void log.push(`progress ${p.done}`),
  done: (j, r, i) => void log.push(`done ${j.id} ${i.cached ? 'cached' : 'fresh'}`),
  failed: (j, m) => void log.push(`failed ${m}`),
});

describe('config', () => {
  test('no platform credentials is valid: local mode', () => {
    const c = loadConfig({});
    expect(c.discord).toBeUndefined();
    expect(c.slack).toBeUndefined();
    expect(c.port).toBe(8080);
  });
  test('every bad value is reported with its name', () => {
    try {
      loadConfig({
        DISCORD_TOKEN: 'abc',
        SLACK_BOT_TOKEN: 'nope',
        PORT: 'eighty',
        DISCORD_API_URL: 'ftp://x',
        STEPWISE_STRATEGY: 'magic',
        SLACK_APP_TOKEN: 'bad',
      });
      throw new Error('expected ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const s of [
        'DISCORD_APPLICATION_ID is missing',
        'SLACK_BOT_TOKEN must start with "xoxb-"',
        'SLACK_SIGNING_SECRET is missing',
        'PORT must be an integer',
        'DISCORD_API_URL must be an http(s) URL',
        'STEPWISE_STRATEGY must be one of',
        'SLACK_APP_TOKEN must start with "xapp-"',
      ])
        expect(msg).toContain(s);
    }
  });
  test("without STEPWISE_STRATEGY / STEPWISE_BUDGET the bots search as the policy's manifest says, else MCTS with 16", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-'));
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'tiny-random-qwen2', 'manifest.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, search: { strategy: 'greedy', budget: 3 } }));
    expect(loadConfig({ STEPWISE_POLICY_DIR: dir })).toMatchObject({ defaultStrategy: 'greedy', defaultBudget: 3 });
    expect(loadConfig({ STEPWISE_POLICY_DIR: dir, STEPWISE_STRATEGY: 'vote', STEPWISE_BUDGET: '5' })).toMatchObject({ defaultStrategy: 'vote', defaultBudget: 5 });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(loadConfig({ STEPWISE_POLICY_DIR: dir })).toMatchObject({ defaultStrategy: 'mcts', defaultBudget: 16 });
  });
  test('.env file values are read, the environment wins', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-'));
    const f = path.join(dir, '.env');
    fs.writeFileSync(f, '# comment\nexport PORT=9000\nSLACK_BOT_TOKEN="xoxb-1"\nSLACK_SIGNING_SECRET=abc # trailing\n');
    expect(parseDotEnv(fs.readFileSync(f, 'utf8'))).toEqual({ PORT: '9000', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abc' });
    const c = loadConfig(readEnv({ PORT: '9100' }, f));
    expect(c.port).toBe(9100);
    expect(c.slack?.botToken).toBe('xoxb-1');
  });
  test('every variable the config reads is documented in .env.example', () => {
    const example = fs.readFileSync(path.join(__dirname, '../../../.env.example'), 'utf8');
    const src = fs.readFileSync(path.join(__dirname, '../../../src/bots/core/config.ts'), 'utf8');
    const used = new Set([...src.matchAll(/(?:get|int|url)\('([A-Z_]+)'/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(10);
    for (const v of used) expect(example).toMatch(new RegExp(`^#? ?${v}=`, 'm'));
  });
});

describe('commands', () => {
  test('mentions parse into commands with inline options', () => {
    expect(parseCommand('<@123> next step')).toEqual({ kind: 'next' });
    expect(parseCommand('<@U1|bot> Show all')).toEqual({ kind: 'all' });
    expect(parseCommand('<@1> other answers?')).toEqual({ kind: 'alternatives' });
    expect(parseCommand('<@1>')).toEqual({ kind: 'help' });
    expect(parseCommand('<@1> strategy:beam budget:8 What is 2+2?')).toEqual({
      kind: 'solve',
      question: 'What is 2+2?',
      strategy: 'beam',
      budget: 8,
    });
  });
});

describe('solve job service', () => {
  test('answers repeated questions from the cache (normalised question + strategy + budget)', async () => {
    const core = testCore();
    const log: string[] = [];
    const a = await core.service.submit(
      { platform: 'local', userId: 'u', channelId: 'c', question: 'What is 3*12-7?', strategy: 'greedy' },
      sink(log),
    );
    if (!a.ok) throw new Error(a.message);
    await a.finished;
    const b = await core.service.submit(
      { platform: 'local', userId: 'u', channelId: 'c', question: '  What   is 3*12-7 ', strategy: 'greedy' },
      sink(log),
    );
    if (!b.ok) throw new Error(b.message);
    expect(b.cached).toBe(true);
    await b.finished;
    const c = await core.service.submit(
      { platform: 'local', userId: 'u', channelId: 'c', question: 'What is 3*12-7?', strategy: 'vote', budget: 3 },
      sink(log),
    );
    expect(c.ok && c.cached).toBe(false);
    await core.service.idle();
    expect(log.filter((l) => l.startsWith('done')).map((l) => l.split(' ')[2])).toEqual(['fresh', 'cached', 'fresh']);
    await core.close();
  });

  test('chit-chat and empty questions get a friendly reply with an example, and start no job', async () => {
    const core = testCore();
    const log: string[] = [];
    for (const question of ['hello, can you help me?', '   ']) {
      const out = await core.service.submit({ platform: 'local', userId: 'u', channelId: 'c', question }, sink(log));
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.message).toMatch(/(does not look like a math problem|is empty)[^]*for example: ".+"/);
    }
    await core.service.idle();
    expect(log).toEqual([]);
    await core.close();
  });

  test('concurrency limit, and users served in turn', async () => {
    const core = testCore({ STEPWISE_CONCURRENCY: '2', STEPWISE_USER_PENDING: '5' }, { delayMs: 10 });
    const jobs: { user: string; id: string }[] = [];
    for (let k = 0; k < 3; k++)
      for (const user of ['a', 'b', 'c', 'd']) {
        const out = await core.service.submit(
          { platform: 'local', userId: user, channelId: 'c', question: `What is ${k} + 3*12 (${user})?`, strategy: 'greedy' },
          sink([]),
        );
        if (out.ok) jobs.push({ user, id: out.job.id });
      }
    await core.service.idle();
    expect(core.service.maxRunning).toBeLessThanOrEqual(2);
    const order = core.service.startOrder.map((id) => jobs.find((j) => j.id === id)!.user);
    // each window of 4 consecutive starts serves 4 different users
    for (let i = 0; i + 4 <= order.length; i += 4) expect(new Set(order.slice(i, i + 4)).size).toBe(4);
    await core.close();
  });

  test('engine failures become friendly messages (models not installed)', async () => {
    const core = testCore(
      {},
      {
        engine: async () => {
          throw new ModelNotFoundError('models/stepwise-synth-policy has no manifest.json (see docs/models.md for the manifest format)');
        },
      },
    );
    const log: string[] = [];
    const out = await core.service.submit({ platform: 'local', userId: 'u', channelId: 'c', question: '1+1?' }, sink(log));
    if (out.ok) await out.finished;
    expect(log[0]).toMatch(/failed The solver models are not installed/);
    await core.close();
  });

  test('an engine error reaches the user by its code, with the same reply text as before', async () => {
    const reply = async (fail: () => Error): Promise<string> => {
      const engine = toyEngine();
      engine.solve = async () => {
        throw fail();
      };
      const core = testCore({}, { engine: async () => engine });
      const log: string[] = [];
      const req = { platform: 'local' as const, userId: 'u', channelId: 'c', question: MATH_QUESTION, strategy: 'greedy' };
      const out = await core.service.submit(req, sink(log));
      if (out.ok) await out.finished;
      await core.close();
      return log[0];
    };
    expect(await reply(() => new SandboxUnavailableError('setting up uid map: Permission denied'))).toBe(
      'failed The code sandbox is unavailable on this server, so I cannot check solution steps right now. (Admin: install bubblewrap, see docs/bots.md.)',
    );
    // the code decides, whatever the message says
    expect(await reply(() => new EngineError('scorer_unavailable', 'no PPM here'))).toBe(
      'failed That strategy needs the step scorer model, which is not loaded here. Try strategy greedy or vote.',
    );
    expect(await reply(() => new EngineError('model_invalid', 'bad field'))).toMatch(/^failed The solver models are not installed/);
    const notMath = 'That does not look like a math problem.';
    expect(await reply(() => new QuestionError('not_math', notMath))).toBe(`failed ${notMath}`);
    // an error from outside the engine gets the generic reply, whatever words are in it
    expect(await reply(() => new Error('bwrap: manifest.json needs a step scorer'))).toBe(
      'failed Something went wrong while solving this (bwrap: manifest.json needs a step scorer). Please try again later.',
    );
  });

  test('a job interrupted by a restart is resumed by the next process', async () => {
    const db = tmpDb();
    const core1 = testCore({}, { delayMs: 400, dbPath: db });
    const out = await core1.service.submit(
      { platform: 'local', userId: 'u', channelId: 'c', question: MATH_QUESTION, strategy: 'beam', budget: 2 },
      sink([]),
    );
    if (!out.ok) throw new Error(out.message);
    await new Promise((r) => setTimeout(r, 150));
    await core1.close(); // "crash": the running search is cancelled, the job stays unfinished
    const store = new SqliteStore(db);
    expect(store.getJob(out.job.id)?.status).toBe('queued');
    store.close();
    const core2 = testCore({}, { delayMs: 1, dbPath: db });
    const left = core2.service.unfinished('local');
    expect(left.map((j) => j.id)).toEqual([out.job.id]);
    const log: string[] = [];
    await core2.service.resume(left[0], sink(log));
    expect(log.at(-1)).toBe(`done ${out.job.id} fresh`);
    expect(core2.service.getJob(out.job.id)).toMatchObject({ status: 'done', attempts: 2 });
    await core2.close();
  });
});

describe('restart with the real Discord client', () => {
  test('a /solve interrupted by a restart is resumed and answered in its thread', async () => {
    const fake = new FakeDiscord();
    await fake.start();
    const db = tmpDb();
    const config = { token: 't', applicationId: fake.appId, apiUrl: fake.apiUrl };
    const core1 = testCore({}, { delayMs: 500, dbPath: db });
    const bot1 = await startDiscord({ config, core: core1, log: () => undefined });
    await bot1.ready;
    const { token } = fake.slash({ question: MATH_QUESTION, strategy: 'beam', budget: 2 });
    const original = new RegExp(`^/webhooks/${fake.appId}/${token}/messages/@original$`);
    await fake.waitFor(() => fake.callsTo('PATCH', original).some((c) => /Working on it/.test(c.body?.content ?? '')), 5000, 'placeholder');
    await bot1.close();
    await core1.close();
    const core2 = testCore({}, { delayMs: 1, dbPath: db });
    const bot2 = await startDiscord({ config, core: core2, log: () => undefined });
    await bot2.ready;
    await fake.waitFor(
      () => fake.callsTo('PATCH', original).some((c) => /Answer:/.test(c.body?.content ?? '')),
      10_000,
      'answer after restart',
    );
    expect(fake.callsTo('PATCH', original).some((c) => /restarted/.test(c.body?.content ?? ''))).toBe(true);
    await fake.waitFor(() => fake.threads().length > 0 && fake.posts(fake.threads()[0].id).length > 0, 5000, 'thread');
    await core2.service.idle();
    await bot2.close();
    await core2.close();
    await fake.stop();
  });
});
