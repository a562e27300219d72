/** Micro-batching wrappers: coalescing, size/wait limits, fairness, errors, aborts, histogram. */
import { MicroBatchPolicy, MicroBatchScorer } from '../../../src/engine/models/batching';
import type { Policy, Sample, SampleRequest, ScoreItem, StepScorer } from '../../../src/engine/models/types';

class CountingPolicy implements Policy {
  readonly name = 'counting';
  readonly stop = ['<end_of_step>'];
  calls: SampleRequest[][] = [];
  delayMs = 10;
  failNext = false;
  async sample(requests: SampleRequest[]): Promise<Sample[][]> {
    this.calls.push(requests);
    await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('model exploded');
    }
    return requests.map((r) => Array.from({ length: r.n }, (_, j) => ({ text: `${r.question}#${j}`, finish: 'stop' as const })));
  }
}

const req = (q: string, n = 1): SampleRequest => ({ question: q, partial: '', n, params: { temperature: 1, topP: 1, maxTokens: 8 } });

describe('MicroBatchPolicy', () => {
  test('coalesces concurrent calls into one model call and returns each caller its own samples', async () => {
    const inner = new CountingPolicy();
    const mb = new MicroBatchPolicy(inner, { maxWaitMs: 20, maxBatch: 64 });
    const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => mb.sample([req(`s${i}`, 2)])));
    expect(inner.calls).toHaveLength(1);
    outs.forEach((o, i) => expect(o).toEqual([[{ text: `s${i}#0`, finish: 'stop' }, { text: `s${i}#1`, finish: 'stop' }]]));
    const st = mb.stats();
    expect(st).toMatchObject({ batches: 1, calls: 8, rows: 16, rowHistogram: { 16: 1 }, callsPerBatchHistogram: { 8: 1 } });
  });

  test('the size limit splits batches; requests queued during a call go out together next', async () => {
    const inner = new CountingPolicy();
    const mb = new MicroBatchPolicy(inner, { maxWaitMs: 5, maxBatch: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => mb.sample([req(`s${i}`)])));
    expect(inner.calls.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(mb.stats().maxRows).toBe(4);
  });

  test('fairness: a big call does not starve small ones (round-robin fill)', async () => {
    const inner = new CountingPolicy();
    const mb = new MicroBatchPolicy(inner, { maxWaitMs: 5, maxBatch: 4 });
    const big = mb.sample(Array.from({ length: 12 }, (_, i) => req(`big${i}`)));
    const small = mb.sample([req('small')]);
    await Promise.all([big, small]);
    // the first batch went out full at once; the next one already serves the small caller
    expect(inner.calls[0]!.map((r) => r.question)).toEqual(['big0', 'big1', 'big2', 'big3']);
    expect(inner.calls[1]!.map((r) => r.question)).toContain('small');
    expect((await big).map((s) => s[0]!.text)).toEqual(Array.from({ length: 12 }, (_, i) => `big${i}#0`));
  });

  test('a failing model call rejects the callers in that batch only; aborts reject early', async () => {
    const inner = new CountingPolicy();
    const mb = new MicroBatchPolicy(inner, { maxWaitMs: 5, maxBatch: 64 });
    inner.failNext = true;
    const [a, b] = await Promise.allSettled([mb.sample([req('a')]), mb.sample([req('b')])]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    await expect(mb.sample([req('c')])).resolves.toHaveLength(1);
    const ac = new AbortController();
    const p = mb.sample([req('d')], ac.signal);
    ac.abort(new Error('stop it'));
    await expect(p).rejects.toThrow('stop it');
    expect(await mb.sample([])).toEqual([]);
  });
});

describe('MicroBatchScorer', () => {
  test('coalesces score calls and passes scoreAllSteps through', async () => {
    const calls: number[] = [];
    const inner: StepScorer = {
      name: 'fake',
      async score(items: ScoreItem[]) {
        calls.push(items.length);
        await new Promise((r) => setTimeout(r, 5));
        return items.map((it) => it.steps.length / 10);
      },
      async scoreAllSteps(item) {
        return item.steps.map((_, i) => i);
      },
    };
    const mb = new MicroBatchScorer(inner, { maxWaitMs: 10 });
    const outs = await Promise.all([1, 2, 3].map((k) => mb.score([{ question: 'q', steps: Array(k).fill('s') }])));
    expect(outs).toEqual([[0.1], [0.2], [0.3]]);
    expect(calls).toEqual([3]);
    expect(await mb.scoreAllSteps!({ question: 'q', steps: ['a', 'b'] })).toEqual([0, 1]);
  });
});
