/**
 * Renderer benchmark: Chromium launch time and memory, warm per-formula KaTeX → PNG time
 * (median, p95; every formula distinct so the cache never answers), and a typical solution with
 * 10 formulas end to end (thread → images → Discord payloads) on a fresh cache.
 * Targets (issue 4): ≤ 70 ms per formula warm, ≤ 1.5 s per solution.
 */
import { MathImageRenderer } from '../src/render/images';
import { renderThreadModel } from '../src/render';
import { threadFromSolutionText } from '../src/render/thread';

export interface RenderBenchOptions {
  /** Distinct formulas timed warm (default 60). */
  formulas?: number;
  /** Solutions rendered end to end; the median is reported (default 3). */
  solutions?: number;
  log?: (msg: string) => void;
}

export interface RenderBenchFigures {
  formula_median_ms: number;
  formula_p95_ms: number;
  solution_10_formulas_ms: number;
  browser_launch_ms: number;
  browser_rss_mb: number;
  /** Extra context. */
  formulas_timed: number;
  solution_images: number;
  fallback: string | null;
}

const FORMULAS = [
  (i: number) => `\\frac{${i + 1}}{x^{${i + 2}}+1}`,
  (i: number) => `\\sqrt{${i + 3}^2 + ${i + 4}^2} = ${i + 5}`,
  (i: number) => `\\sum_{k=1}^{${i + 10}} k^2 = \\frac{n(n+1)(2n+1)}{6}`,
  (i: number) => `\\int_0^{${i + 1}} x^{${i}}\\,dx`,
  (i: number) => `\\begin{pmatrix} ${i} & 1 \\\\ 0 & ${i + 1} \\end{pmatrix}`,
  (i: number) => `x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a} + ${i}`,
];

/** A 5-step rStar-format solution with 10 formulas (the `i` makes each run's images distinct). */
export function sampleSolution(i: number): { question: string; solution: string } {
  return {
    question: `A right triangle has legs $${i + 3}$ and $${i + 4}$. What is the length of the hypotenuse $c$, and what is $c^2$?`,
    solution: [
      '<code>',
      `# Step 1: By the Pythagorean theorem $c^2 = a^2 + b^2$ with $a = ${i + 3}$ and $b = ${i + 4}$`,
      `a, b = ${i + 3}, ${i + 4}`,
      '<end_of_step>',
      `# Step 2: Compute $a^2 + b^2 = ${(i + 3) ** 2} + ${(i + 4) ** 2}$`,
      'c2 = a**2 + b**2',
      '<end_of_step>',
      `# Step 3: Take the square root: $c = \\sqrt{c^2} = \\sqrt{${(i + 3) ** 2 + (i + 4) ** 2}}$`,
      'import math',
      'c = math.sqrt(c2)',
      '<end_of_step>',
      '# Now print the final answer',
      'print(c, c2)',
      '<end_of_code>',
      `<output>${Math.sqrt((i + 3) ** 2 + (i + 4) ** 2)} ${(i + 3) ** 2 + (i + 4) ** 2}<end_of_output>`,
      `<answer>So $c = \\sqrt{${(i + 3) ** 2 + (i + 4) ** 2}}$ and $$c^2 = \\frac{${2 * ((i + 3) ** 2 + (i + 4) ** 2)}}{2}$$ so the answer is $\\boxed{${(i + 3) ** 2 + (i + 4) ** 2}}$.<end_of_answer>`,
    ].join('\n'),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export async function benchRender(opts: RenderBenchOptions = {}): Promise<RenderBenchFigures> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`bench render: ${m}\n`));
  const n = opts.formulas ?? 60;
  const renderer = new MathImageRenderer({ log, cacheSize: 1024 });
  try {
    log('launching chromium...');
    const t0 = performance.now();
    await renderer.start();
    const launchMs = performance.now() - t0;
    if (renderer.fallbackReason) throw new Error(renderer.fallbackReason);
    log(`warm per-formula renders (${n})...`);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const tex = FORMULAS[i % FORMULAS.length](i);
      const t = performance.now();
      const o = await renderer.renderTex(tex, true);
      if (!o.ok) throw new Error(`formula ${tex} failed: ${o.reason}`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    log('10-formula solutions end to end...');
    const sol: number[] = [];
    let images = 0;
    for (let i = 0; i < (opts.solutions ?? 3); i++) {
      const { question, solution } = sampleSolution(1000 + i);
      const t = performance.now();
      const thread = threadFromSolutionText(question, solution);
      const msgs = await renderThreadModel(thread, { platform: 'discord', images: renderer });
      sol.push(performance.now() - t);
      images = msgs.reduce((k, m) => k + (m.platform === 'discord' ? m.files.length : 0), 0);
    }
    sol.sort((a, b) => a - b);
    return {
      formula_median_ms: r1(quantile(times, 0.5)),
      formula_p95_ms: r1(quantile(times, 0.95)),
      solution_10_formulas_ms: r1(quantile(sol, 0.5)),
      browser_launch_ms: Math.round(launchMs),
      browser_rss_mb: Math.round(renderer.browserRssMb() ?? NaN),
      formulas_timed: n,
      solution_images: images,
      fallback: renderer.fallbackReason,
    };
  } finally {
    await renderer.close();
  }
}
