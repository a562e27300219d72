/**
 * The platform-neutral answer-thread controller (src/bots/features/solve/answer-thread.ts) with a recording
 * poster: no progress, answer or failure is lost or posted before the placeholder exists, even
 * when the engine reports and finishes before the platform has posted it.
 */
import type { Engine, SearchProgress } from '../../../../src/engine/index';
import type { JobSink, Presentation } from '../../../../src/bots/core/index';
import type { BotCore } from '../../../../src/bots/compose';
import { AnswerThreads, type ThreadPoster } from '../../../../src/bots/features/solve/index';
import { testCore, toyEngine } from '../../harness';
import { SandboxUnavailableError } from '../../../../src/engine/exec';

type Reply = { channel: string; ts?: string };
type Msg = { text: string };

/** The toy engine, but it reports progress at once, before anything else happens. */
function eagerEngine(): Engine {
  const toy = toyEngine(0);
  return {
    ...toy,
    solve: async (q, c, hooks) => {
      hooks?.onProgress?.({ strategy: 'greedy', done: 0, total: 1, unit: 'step', bestAnswer: null, bestScore: null });
      await new Promise((r) => setTimeout(r, 20));
      return toy.solve(q, c, hooks);
    },
  };
}

function recorder(core: BotCore) {
  const events: string[] = [];
  const poster: ThreadPoster<Msg, Reply, string> = {
    present: async (result): Promise<Presentation<Msg>> => ({
      thread: null as never,
      images: { images: new Map(), failures: new Map() },
      header: [{ text: `answer ${result.answer}` }],
      steps: result.trajectory.map((_, i) => [{ text: `step ${i + 1}` }]),
      final: [{ text: 'final' }],
    }),
    progress: async (r, text) => void events.push(`progress@${r.ts} ${text.split(' ')[0]}`),
    failed: async (r, message) => void events.push(`failed@${r.ts} ${message}`),
    postHeader: async (_job, r, header, info) => {
      events.push(`header@${r.ts} ${header[0].text}${info.cached ? ' (cached)' : ''}`);
      return { where: r.ts!, key: r.ts! };
    },
    postSteps: async (where, _jobId, groups, more) =>
      void events.push(
        `steps@${where} ${groups
          .flat()
          .map((m) => m.text)
          .join(',')}${more ? ' +buttons' : ''}`,
      ),
    postText: async (where, text) => void events.push(`text@${where} ${text.slice(0, 20)}`),
  };
  const threads = new AnswerThreads({ service: core.service, platform: 'local', poster, log: () => undefined });
  /** Submits; the placeholder takes `placeholderMs` to post (longer than the whole search). */
  const ask = (question: string, placeholderMs: number) =>
    threads.submit({ userId: 'u', channelId: 'c', question, strategy: 'greedy' }, async (out) => {
      await new Promise((r) => setTimeout(r, placeholderMs));
      events.push(`placeholder ${out.cached ? 'cached' : 'new'}`);
      return { reply: { channel: 'c', ts: `ts-${out.job.id.slice(0, 4)}` }, key: `ts-${out.job.id.slice(0, 4)}` };
    });
  return { events, threads, ask };
}

describe('answer-thread controller', () => {
  let core: BotCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  test('progress and the answer that come before the placeholder is posted are posted after it, none lost', async () => {
    core = testCore({}, { engine: async () => eagerEngine(), progressIntervalMs: 0 });
    const { events, threads, ask } = recorder(core);
    const out = await ask('What is 3*12-7?', 300);
    if (!out.ok) throw new Error(out.message);
    await out.finished;
    await threads.withLock(out.job.id, async () => undefined); // the final post has finished
    const ts = `ts-${out.job.id.slice(0, 4)}`;
    const answer = core.service.getJob(out.job.id)?.result?.answer;
    expect(answer).toBeTruthy();
    expect(events[0]).toBe('placeholder new');
    expect(events).toContain(`progress@${ts} Solving…`);
    const header = events.findIndex((e) => e.startsWith('header@'));
    expect(events[header]).toBe(`header@${ts} answer ${answer}`);
    expect(events.filter((e) => e.startsWith('header@'))).toHaveLength(1);
    expect(events.findIndex((e) => e.startsWith('progress@'))).toBeLessThan(header);
    expect(events[header + 1]).toMatch(new RegExp(`^steps@${ts} step 1 \\+buttons$`));
    // the thread's key leads to the job, and reveals continue where the answer stopped
    expect(threads.jobOf(ts)).toBe(out.job.id);
    expect(await threads.reveal(out.job.id, 'all', ts)).toBeNull();
    expect(events[events.length - 1]).toMatch(new RegExp(`^steps@${ts} step 2,.*,final$`));
    expect(await threads.reveal(out.job.id, 'next', ts)).toBe('All steps are shown already.');
  });

  test('an answer from the cache, ready at once, waits for its placeholder', async () => {
    core = testCore({}, { engine: async () => eagerEngine(), progressIntervalMs: 0 });
    const { events, threads, ask } = recorder(core);
    const first = await ask('What is 3*12-7?', 0);
    if (!first.ok) throw new Error(first.message);
    await first.finished;
    events.length = 0;
    const again = await ask('What is 3*12-7?', 200);
    if (!again.ok) throw new Error(again.message);
    expect(again.cached).toBe(true);
    await again.finished;
    await threads.withLock(again.job.id, async () => undefined);
    const header = `header@ts-${again.job.id.slice(0, 4)} answer ${again.job.result?.answer} (cached)`;
    expect(events.slice(0, 2)).toEqual(['placeholder cached', header]);
  });

  test('a failure before the placeholder is posted is shown on it', async () => {
    core = testCore({}, { engine: async () => Promise.reject(new SandboxUnavailableError('bwrap missing')) });
    const { events, ask } = recorder(core);
    const out = await ask('What is 3*12-7?', 200);
    if (!out.ok) throw new Error(out.message);
    await out.finished;
    expect(events[0]).toBe('placeholder new');
    expect(events[1]).toMatch(new RegExp(`^failed@ts-${out.job.id.slice(0, 4)} The code sandbox is unavailable`));
  });

  test('the service: callbacks given with the submission get the earliest progress and the answer', async () => {
    core = testCore({}, { engine: async () => eagerEngine(), progressIntervalMs: 0 });
    const seen: string[] = [];
    const sink: JobSink = {
      progress: (_j, p: SearchProgress) => void seen.push(`progress ${p.done}/${p.total}`),
      done: (_j, r) => void seen.push(`done ${r.answer}`),
      failed: (_j, m) => void seen.push(`failed ${m}`),
    };
    const req = { platform: 'local' as const, userId: 'u', channelId: 'c', question: 'What is 3*12-7?', strategy: 'greedy' };
    const out = await core.service.submit(req, sink);
    if (!out.ok) throw new Error(out.message);
    await out.finished;
    expect(seen[0]).toBe('progress 0/1');
    expect(seen[seen.length - 1]).toBe(`done ${core.service.getJob(out.job.id)?.result?.answer}`);
    expect(seen.filter((s) => s.startsWith('done'))).toHaveLength(1);
  });
});
