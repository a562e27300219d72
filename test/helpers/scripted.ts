/**
 * Scripted policy, scorer and executor for unit tests of the search strategies. Never used by the
 * product: the CLI and bots load real models from models/.
 */
import type { Executor, Observation } from '../../src/engine/exec/types';
import type { Policy, Sample, SampleRequest, StepScorer, ScoreItem } from '../../src/engine/models/types';
import type { AbstentionRule } from '../../src/engine/search/verdict';
import { seededRandom } from '../../src/engine/util/random';

/**
 * For a given partial solution, the next steps the scripted policy can write, with weights, and
 * optionally the log-probability the policy reports for writing each (as one token).
 */
export type Script = (partial: string) => { text: string; weight: number; logprob?: number }[];

export class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  readonly stop = ['<end_of_step>', '<end_of_code>', '<end_of_answer>'];
  calls: SampleRequest[][] = [];
  /**
   * The toy scripts' answers are what most tests check, so by default the rule vouches for every
   * answer; the not-sure path has tests of its own (test/engine/search/verdict.test.ts, test/render/unsure.test.ts).
   */
  readonly abstention: AbstentionRule;
  constructor(
    private readonly script: Script,
    abstention: AbstentionRule = {},
  ) {
    this.abstention = abstention;
  }

  async sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]> {
    this.calls.push(requests);
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    return requests.map((req) => {
      const options = this.script(req.partial);
      const rand = seededRandom(req.params.seed ?? 0);
      return Array.from({ length: req.n }, () => {
        if (options.length === 0) return { text: 'I am confused', finish: 'length' as const };
        let pick = options[0];
        if (req.params.temperature > 0) {
          const total = options.reduce((a, o) => a + o.weight, 0);
          let r = rand() * total;
          for (const o of options) {
            r -= o.weight;
            if (r <= 0) {
              pick = o;
              break;
            }
          }
        } else pick = options.reduce((a, b) => (b.weight > a.weight ? b : a));
        const stop = this.stop.find((s) => pick.text.endsWith(s));
        const measured = pick.logprob === undefined ? {} : { logprob: { sum: pick.logprob, tokens: 1 } };
        return { text: pick.text, finish: stop ? ('stop' as const) : ('length' as const), stop, ...measured };
      });
    });
  }
}

/** Scores a prefix by a function of its text. */
export class ScriptedScorer implements StepScorer {
  readonly name = 'scripted-scorer';
  calls = 0;
  constructor(private readonly fn: (text: string) => number) {}
  async score(items: ScoreItem[]): Promise<number[]> {
    this.calls++;
    return items.map((i) => this.fn(i.steps.join('')));
  }
}

/**
 * A toy executor understanding `name = <arithmetic>` and `print(<arithmetic>)` lines, enough for
 * scripted trajectories. It raises like Python on unknown names and division by zero.
 */
export class ToyExecutor implements Executor {
  runs: string[] = [];
  async run(program: string): Promise<Observation> {
    this.runs.push(program);
    const env: Record<string, number> = {};
    const out: string[] = [];
    const evalExpr = (e: string): number => {
      const js = e.replace(/[A-Za-z_]\w*/g, (name) => {
        if (!(name in env)) throw new Error(`NameError: name '${name}' is not defined`);
        return String(env[name]);
      });
      if (!/^[\d\s+\-*/().]+$/.test(js)) throw new Error(`SyntaxError: invalid syntax`);
      const v = Function(`"use strict"; return (${js});`)() as number;
      if (!Number.isFinite(v)) throw new Error('ZeroDivisionError: division by zero');
      return v;
    };
    try {
      for (const raw of program.split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#')) continue;
        const p = /^print\((.*)\)$/.exec(line);
        const a = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(line);
        if (p) out.push(String(evalExpr(p[1])));
        else if (a) env[a[1]] = evalExpr(a[2]);
        else throw new Error('SyntaxError: invalid syntax');
      }
      return { ok: true, output: out.join('\n'), timedOut: false };
    } catch (err) {
      const msg = (err as Error).message;
      return { ok: false, output: msg, error: msg, timedOut: false };
    }
  }
  async close(): Promise<void> {}
}
