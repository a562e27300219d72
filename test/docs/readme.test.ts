/**
 * The README a newcomer reads first stays true: its command table lists every ./stepwise command,
 * it names the Node.js version package.json requires (and ./stepwise checks), and its example
 * question is the one the help texts suggest (which the default models answer and are sure of,
 * test/engine/example-question.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { commands } from '../../src/cli/commands';
import { EXAMPLE_QUESTION } from '../../src/engine/search';

const ROOT = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('the command table has a row for every ./stepwise command', () => {
  const rows = readme.split('\n').filter((l) => l.startsWith('| `./stepwise '));
  const listed = new Set(rows.flatMap((r) => [...r.matchAll(/`\.\/stepwise ([a-z-]+)/g)].map((m) => m[1])));
  const missing = commands.map((c) => c.name).filter((n) => !listed.has(n));
  expect(missing).toEqual([]);
});

test('the Node.js prerequisite matches package.json and ./stepwise, with the install commands', () => {
  const engines = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node as string;
  const major = Number(/>=\s*(\d+)/.exec(engines)![1]);
  expect(readme).toContain(`Node.js ${major} or newer`);
  expect(fs.readFileSync(path.join(ROOT, 'stepwise'), 'utf8')).toContain(`BASH_REMATCH[1] < ${major}`);
  expect(readme).toContain('curl -fsSL https://deb.nodesource.com/setup_22.x | sudo bash -');
  expect(readme).toContain('cp .env.example .env');
  expect(fs.existsSync(path.join(ROOT, '.env.example'))).toBe(true);
});

test("the quick start solves the help texts' example question", () => {
  expect(readme).toContain(`./stepwise solve "${EXAMPLE_QUESTION}"`);
});
