/**
 * ./stepwise data fetch against a local mirror (127.0.0.1 only; the internet is never contacted):
 * made-up files in each published format are downloaded through STEPWISE_DATA_MIRROR, converted to
 * our benchmark line format and written into <data dir>/benchmarks; a pinned sha256 that differs is
 * refused; a closed port gives the one-line "no network" error.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { sourceUrl } from '../../src/engine/data/download';

const files = new Map<string, string>();
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
files.set(
  'gsm8k/test.jsonl',
  jsonl([
    { question: 'Ann has 3 apples and buys 4. How many?', answer: 'She has 3 + 4 = <<3+4=7>>7.\n#### 7' },
    { question: 'A farm sells 2,125 eggs.', answer: 'It sells 2,125.\n#### 2,125' },
  ]),
);
files.set(
  'aime24/test.jsonl',
  '{"id": 0, "problem": "Find $x$.", "solution": "It is 25.", "answer": "025", "url": "https://artofproblemsolving.com/wiki/index.php/2024_AIME_II_Problems/Problem_4"}\n',
);
files.set(
  'amc23/test.jsonl',
  '{"id": 0, "problem": "How far?", "answer": 27.0, "url": "https://artofproblemsolving.com/wiki/index.php/2023_AMC_12A_Problems/Problem_1"}\n',
);
files.set(
  'math500/test.jsonl',
  jsonl([
    { problem: 'What is $1+1$?', solution: '$\\boxed{2}$', answer: '2', subject: 'Algebra', level: 1, unique_id: 'test/algebra/1.json' },
  ]),
);
for (const part of ['I', 'II']) {
  files.set(
    `aime_2025_${part}/answers.csv`,
    'id,answer\n' + Array.from({ length: 15 }, (_, i) => `${i + 1},${part === 'I' ? i + 100 : 7}`).join('\n') + '\n',
  );
  for (let n = 1; n <= 15; n++) files.set(`aime_2025_${part}/problems/${n}.tex`, `Problem ${part}-${n}: find $n$.\n`);
}

let server: http.Server;
let mirror: string;
let dir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const body = files.get(decodeURIComponent((req.url ?? '').replace(/^\/mirror\//, '')));
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-fetch-'));
});

async function run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.env = saved;
  }
}

const read = (set: string) =>
  fs
    .readFileSync(path.join(dir, 'benchmarks', `${set}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test('gsm8k: the answer after ####, thousands commas removed (original in answer_raw); source, licence and sha256 printed', async () => {
  const r = await run(['data', 'fetch', 'gsm8k', '--data-dir', dir], { STEPWISE_DATA_MIRROR: mirror });
  expect(r.code).toBe(0);
  expect(read('gsm8k_test')).toEqual([
    {
      id: 'gsm8k-test-0',
      problem: 'Ann has 3 apples and buys 4. How many?',
      answer: '7',
      solution: 'She has 3 + 4 = <<3+4=7>>7.',
      source: expect.stringContaining('openai/grade-school-math@3101c7d'),
    },
    {
      id: 'gsm8k-test-1',
      problem: 'A farm sells 2,125 eggs.',
      answer: '2125',
      answer_raw: '2,125',
      solution: 'It sells 2,125.',
      source: expect.any(String),
    },
  ]);
  const sha = require('node:crypto').createHash('sha256').update(files.get('gsm8k/test.jsonl')).digest('hex');
  expect(r.out).toContain(`sha256 ${sha}  gsm8k/test.jsonl (not pinned`);
  expect(r.out).toContain('licence: MIT (c) 2021 OpenAI');
  expect(r.out).toContain('source: openai/grade-school-math@3101c7d5072418e28b9008a6636bde82a006892c');
  // stderr is not a TTY here: plain progress lines, no carriage-return bar
  expect(r.err).toContain('gsm8k: gsm8k/test.jsonl: ');
  expect(r.err).not.toContain('\r');
});

test('aime2024, amc23, aime2025: answers as integer strings, ids from the AoPS url / matharena folders', async () => {
  const r = await run(['data', 'fetch', 'aime2024', 'amc23', 'aime2025'], { STEPWISE_DATA_MIRROR: mirror, STEPWISE_DATA_DIR: dir });
  expect(r.code).toBe(0);
  expect(read('aime2024')).toEqual([
    {
      id: 'aime2024-II-4',
      problem: 'Find $x$.',
      answer: '25',
      answer_raw: '025',
      solution: 'It is 25.',
      source: expect.stringContaining('QwenLM/Qwen2.5-Math'),
    },
  ]);
  expect(read('amc23')).toEqual([{ id: 'amc23-0', problem: 'How far?', answer: '27', answer_raw: '27.0', source: expect.any(String) }]);
  const aime25 = read('aime2025');
  expect(aime25).toHaveLength(30);
  expect(aime25[0]).toEqual({
    id: 'aime2025-I-1',
    problem: 'Problem I-1: find $n$.',
    answer: '100',
    source: expect.stringContaining('eth-sri/matharena'),
  });
  expect(aime25[29].id).toBe('aime2025-II-15');
});

test('a pinned file whose sha256 differs is refused and nothing is written', async () => {
  const r = await run(['data', 'fetch', 'math500', '--data-dir', dir], { STEPWISE_DATA_MIRROR: mirror });
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/error: math500: math500\/test\.jsonl has sha256 [0-9a-f]{64}, expected 35dc4108\w+; nothing written/);
  expect(fs.existsSync(path.join(dir, 'benchmarks', 'math500.jsonl'))).toBe(false);
  expect(fs.readdirSync(dir).flatMap((d) => fs.readdirSync(path.join(dir, d)))).toEqual([]);
});

test('an unreachable host: one-line "no network" error naming the host and the folder, exit code 1', async () => {
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const r = await run(['data', 'fetch', 'gsm8k', '--data-dir', dir], { STEPWISE_DATA_MIRROR: `http://127.0.0.1:${port}` });
  expect(r.code).toBe(1);
  expect(r.err).toBe(
    `error: no network: could not reach 127.0.0.1:${port} (ECONNREFUSED); copy the files into ${path.join(dir, 'benchmarks')} or set STEPWISE_DATA_MIRROR\n`,
  );
});

test('an unknown set name is refused with the known names', async () => {
  const r = await run(['data', 'fetch', 'math5000', '--data-dir', dir], {});
  expect(r.code).toBe(2);
  expect(r.err).toContain('unknown set "math5000" (known: math500, gsm8k, aime2024, aime2025, amc23)');
});

test('real downloads must be https: plain http is allowed only for a loopback mirror', () => {
  expect(sourceUrl('https://raw.githubusercontent.com/a/b/c', 'x/test.jsonl', undefined).href).toBe(
    'https://raw.githubusercontent.com/a/b/c',
  );
  expect(sourceUrl('https://example.org/a', 'x/test.jsonl', 'http://127.0.0.1:9/m/').href).toBe('http://127.0.0.1:9/m/x/test.jsonl');
  expect(() => sourceUrl('https://example.org/a', 'x/test.jsonl', 'http://example.org/m')).toThrow(/must use https/);
});
