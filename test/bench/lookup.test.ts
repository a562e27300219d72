/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/** `./stepwise bench lookup` on the test fixture: both runs write the same steps, and the figures add up. */
import { benchLookup } from '../../bench/lookup';
import { sharedFixture, describeIfShared } from '../helpers/shared-data';

const NEEDS = [sharedFixture('tiny-random-qwen2', 'reference.json'), sharedFixture('tiny-random-qwen2', 'policy.onnx')];

describeIfShared('bench lookup (Qwen fixture)', NEEDS, () => {
  test('same text with and without guesses; confirmed guesses are calls saved', async () => {
    const lines: string[] = [];
    const f = await benchLookup({ policyDir: 'fixture:tiny-random-qwen2', questions: 2, steps: 2, maxTokens: 24, log: (l) => lines.push(l) });
    expect(f.steps_with_different_text).toBe(0);
    expect(f.confirmed_tokens as number).toBeLessThanOrEqual(f.guessed_tokens as number);
    expect((f.calls_without as number) - (f.calls_with as number)).toBe(f.confirmed_tokens);
    expect(f.speedup as number).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/bench lookup: .*2 questions, guesses of 3 tokens vs none/);
  });
});
