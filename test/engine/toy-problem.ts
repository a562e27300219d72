/** A toy problem where greedy decoding goes wrong and a scorer can tell the right path. */
import { ScriptedPolicy, ScriptedScorer, ToyExecutor, type Script } from '../helpers/scripted';

export const QUESTION = 'Tom has 3 boxes of 12 apples and gives 7 away. How many apples are left?';
export const RIGHT = '<code>\n# Step 1: 3 boxes of 12 apples\napples = 3 * 12\n<end_of_step>';
export const WRONG = '<code>\n# Step 1: the total is the boxes plus the apples per box\napples = 3 + 12\n<end_of_step>';
export const BROKEN = '<code>\n# Step 1: divide\napples = 3 / 0\n<end_of_step>';

export const toyScript: Script = (partial) => {
  if (partial === '')
    return [
      { text: WRONG, weight: 0.55 },
      { text: RIGHT, weight: 0.3 },
      { text: BROKEN, weight: 0.15 },
    ];
  if (partial.includes('<output>')) {
    const out = /<output>(.*?)<end_of_output>/s.exec(partial)?.[1] ?? '?';
    return [{ text: `\n<answer>Tom has \\boxed{${out}} apples left.<end_of_answer>`, weight: 1 }];
  }
  if (partial.includes('left =')) return [{ text: '\n# Now print the final answer\nprint(left)\n<end_of_code>', weight: 1 }];
  return [
    { text: '\n# Step 2: he gives 7 away\nleft = apples - 7\n<end_of_step>', weight: 0.9 },
    { text: '\n# Step 2: he gives away seven\nleft = apples - 7\n<end_of_step>', weight: 0.1 },
  ];
};

/** The scorer likes prefixes that multiply, dislikes those that add. */
export const toyScore = (text: string): number => (text.includes('3 * 12') ? 0.8 : text.includes('3 + 12') ? -0.4 : 0);

export function toyDeps() {
  return {
    policy: new ScriptedPolicy(toyScript),
    scorer: new ScriptedScorer(toyScore),
    executor: new ToyExecutor(),
    sameAnswer: (a: string, b: string) => a.trim() === b.trim(),
  };
}
