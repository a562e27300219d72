/** Manifest loading and validation: clear errors naming the file and the field. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY_DIR, DEFAULT_SCORER_DIR, findManifest, loadPolicy, loadScorer } from '../../../src/engine/models';
import { fillTemplate, loadManifest, manifestSearch, transformScore, validateManifest } from '../../../src/engine/models/manifest';

// A model directory the test makes: the project's fixture manifests (test/fixtures/tiny-random-qwen2)
// with empty stand-ins for the third-party weight and tokenizer files (only their presence is checked).
const FIXTURE = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-fixture-'));
for (const f of ['policy.onnx', 'ppm.onnx', 'tokenizer.json', 'tokenizer_config.json']) fs.writeFileSync(path.join(FIXTURE, f), '');
for (const f of ['manifest.json', 'ppm.manifest.json']) fs.copyFileSync(path.join(__dirname, '..', '..', 'fixtures', 'tiny-random-qwen2', f), path.join(FIXTURE, f));
const REPO = path.join(__dirname, '..', '..', '..');

const base = () => ({
  name: 'm',
  kind: 'policy',
  backend: 'onnx',
  files: { model: 'policy.onnx', tokenizer: 'tokenizer.json' },
  prompt: { template: 'Q: {question}\nA:{partial}' },
  stop: ['<end_of_step>'],
  specialTokens: { eos: ['<|endoftext|>'] },
  limits: { maxContextTokens: 2048, maxStepTokens: 256 },
});
const FILE = path.join(FIXTURE, 'virtual.json'); // files resolve against the fixture dir

function err(mutate: (m: any) => void): string {
  const m: any = base();
  mutate(m);
  try {
    validateManifest(m, FILE);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('manifest validation', () => {
  test('a valid manifest resolves files and fills defaults', () => {
    const m = validateManifest(base(), FILE);
    expect(m.files.model).toBe(path.join(FIXTURE, 'policy.onnx'));
    expect(m.onnx.executionProviders).toEqual(['cpu']);
    expect(m.kind).toBe('policy');
    expect(m.stepStyles).toEqual(['code', 'prose']); // no restriction declared
  });

  test('the shipped PPM says it judges code steps only; the Qwen PRM judges written steps too', () => {
    const ppm = path.join(REPO, 'models', 'stepwise-synth-ppm', 'manifest.json');
    if (fs.existsSync(ppm)) expect(loadManifest(path.dirname(ppm)).stepStyles).toEqual(['code']);
    expect(loadManifest(path.join(REPO, 'models', 'qwen2.5-math-prm-7b')).stepStyles).toContain('prose');
  });

  test('the shipped policy carries a notice for readers; policies without one have none', () => {
    const policy = path.join(REPO, 'models', 'stepwise-synth-policy', 'manifest.json');
    if (fs.existsSync(policy)) expect(loadManifest(path.dirname(policy)).notice).toMatch(/small built-in model .* synthetic word problems/);
    expect(validateManifest(base(), FILE).notice).toBeUndefined();
  });

  test.each([
    ['missing kind', (m: any) => delete m.kind, /virtual\.json: field "kind" is required/],
    ['bad kind', (m: any) => (m.kind = 'critic'), /field "kind" must be one of policy \| ppm \| prm, got "critic"/],
    ['bad backend', (m: any) => (m.backend = 'tgi'), /field "backend" must be one of onnx \| openai \| vllm-pooling/],
    ['missing model file', (m: any) => (m.files.model = 'nope.onnx'), /field "files.model" points to .*nope\.onnx, which does not exist/],
    ['no files for onnx', (m: any) => delete m.files, /field "files" is required/],
    ['template without {partial}', (m: any) => (m.prompt.template = '{question}'), /field "prompt.template" must contain \{partial\}/],
    ['fewshot placeholder without fewshot', (m: any) => (m.prompt.template = '{fewshot}{question}{partial}'), /field "prompt.fewshot" is required when the template uses \{fewshot\}/],
    ['stop not strings', (m: any) => (m.stop = ['a', 3]), /field "stop" must be an array of non-empty strings/],
    ['no eos', (m: any) => (m.specialTokens.eos = []), /field "specialTokens.eos" must name at least one/],
    ['limits', (m: any) => (m.limits.maxStepTokens = 5000), /field "limits.maxStepTokens" must be smaller/],
    ['unknown search strategy', (m: any) => (m.search = { strategy: 'dfs' }), /field "search.strategy" must be one of greedy, best-of-n, vote, beam, mcts/],
    ['search setting not a number', (m: any) => (m.search = { redraws: 'two' }), /field "search.redraws" must be a number >= 0/],
    ['limits type', (m: any) => (m.limits.maxContextTokens = '2k'), /field "limits.maxContextTokens" must be an integer >= 8, got "2k"/],
    ['ppm without score', (m: any) => ((m.kind = 'ppm'), delete m.stop), /field "score" is required/],
    ['prm without separator', (m: any) => ((m.kind = 'prm'), (m.score = { transform: 'prob' })), /field "specialTokens.stepSeparator" is required for a prm/],
    ['bad transform', (m: any) => ((m.kind = 'ppm'), (m.score = { transform: 'exp' })), /field "score.transform" must be one of/],
    ['openai without server', (m: any) => (m.backend = 'openai'), /field "server" is required/],
    ['openai bad url', (m: any) => ((m.backend = 'openai'), (m.server = { baseUrl: 'localhost:8000', model: 'x' })), /field "server.baseUrl" must be an http\(s\) URL/],
    ['openai scorer', (m: any) => ((m.backend = 'openai'), (m.kind = 'ppm')), /field "backend" "openai" serves policies only/],
    ['pooling policy', (m: any) => (m.backend = 'vllm-pooling'), /field "backend" "vllm-pooling" serves scorers/],
    ['bad providers', (m: any) => (m.onnx = { executionProviders: [] }), /field "onnx.executionProviders" must not be empty/],
    ['notice too long', (m: any) => (m.notice = 'x'.repeat(301)), /field "notice" must be a non-empty string of at most 300 characters/],
    ['notice not a string', (m: any) => (m.notice = 3), /field "notice" must be a non-empty string/],
    ['unknown step style', (m: any) => (m.stepStyles = ['code', 'latex']), /field "stepStyles" must list one or more of "code", "prose", got "latex"/],
    ['no step style', (m: any) => (m.stepStyles = []), /field "stepStyles" must list one or more of "code", "prose"/],
  ])('%s', (_name, mutate, expected) => {
    expect(err(mutate)).toMatch(expected);
  });

  test("a policy's default strategy and budget are read from its manifest without loading it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-manifest-'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...base(), search: { strategy: 'greedy', redraws: 1, budget: 4 } }));
    expect(manifestSearch(dir)).toEqual({ strategy: 'greedy', redraws: 1, budget: 4 });
    expect(validateManifest({ ...base(), search: { strategy: 'vote', samples: 3 } }, FILE).search).toEqual({ strategy: 'vote', samples: 3 });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...base(), search: { strategy: 'dfs' } }));
    expect(manifestSearch(dir)).toBeUndefined(); // the loader reports it, with file and field
    expect(manifestSearch(path.join(dir, 'missing'))).toBeUndefined();
  });

  test('unreadable and non-JSON manifests name the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-manifest-'));
    expect(() => loadManifest(dir)).toThrow(new RegExp(`${dir}/manifest.json: cannot read manifest \\(ENOENT\\)`));
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{ "name": ');
    expect(() => loadManifest(dir)).toThrow(/manifest.json: is not valid JSON/);
  });

  test('fillTemplate substitutes placeholders once and leaves other braces alone', () => {
    const m = { prompt: { template: '\\boxed{} {fewshot}Q:{question} A:{partial}', fewshot: 'EX\n' } };
    expect(fillTemplate(m, 'q{partial}', 'p')).toBe('\\boxed{} EX\nQ:q{partial} A:p');
  });

  test('score transforms land in [-1, 1]', () => {
    const tanh = { transform: 'tanh' as const, scale: 5, positiveIndex: 1 };
    expect(transformScore(tanh, 5, true)).toBeCloseTo(Math.tanh(1));
    const prob = { transform: 'prob' as const, scale: 1, positiveIndex: 1 };
    expect(transformScore(prob, [0.2, 0.8], false)).toBeCloseTo(0.6);
    expect(transformScore(prob, [0, 0], true)).toBeCloseTo(0);
    expect(transformScore({ ...tanh, transform: 'clip' }, 7, true)).toBe(1);
  });
});

describe('finding manifests', () => {
  test('the fixture directory serves both a policy and a PPM', () => {
    expect(findManifest(FIXTURE, 'policy').kind).toBe('policy');
    expect(findManifest(FIXTURE, 'scorer').kind).toBe('ppm');
    expect(() => findManifest(path.join(FIXTURE, 'ppm.manifest.json'), 'policy')).toThrow(/is "ppm", but a policy was asked for/);
  });

  test('the product default is the fetched 1.5B Qwen policy searching greedily, with the value head for the other strategies; the suite runs on the SynthMath models', async () => {
    // test/helpers/default-models.js points the defaults at the small models in the repository
    expect(DEFAULT_POLICY_DIR).toBe(path.join(REPO, 'models', 'stepwise-synth-policy'));
    expect(DEFAULT_SCORER_DIR).toBe(path.join(REPO, 'models', 'stepwise-synth-ppm'));
    const env = { ...process.env };
    try {
      delete process.env.STEPWISE_DEFAULT_POLICY_DIR;
      delete process.env.STEPWISE_DEFAULT_SCORER_DIR;
      jest.isolateModules(() => {
        const m = require('../../../src/engine/models') as typeof import('../../../src/engine/models');
        expect(m.DEFAULT_POLICY_DIR).toBe(path.join(REPO, 'models', 'qwen2.5-coder-1.5b-instruct'));
        expect(m.DEFAULT_SCORER_DIR).toBe(path.join(REPO, 'models', 'qwen2.5-coder-0.5b-ppm-head'));
        expect(m.manifestSearch(m.DEFAULT_POLICY_DIR)).toMatchObject({ strategy: 'greedy', redraws: 2 });
        // the head runs on the 0.5B's hidden states: that model is fetched with it
        expect(m.modelDirsNeeded(m.DEFAULT_POLICY_DIR, m.DEFAULT_SCORER_DIR)).toEqual([
          path.join(REPO, 'models', 'qwen2.5-coder-1.5b-instruct'),
          path.join(REPO, 'models', 'qwen2.5-coder-0.5b-ppm-head'),
          path.join(REPO, 'models', 'qwen2.5-coder-0.5b-instruct'),
        ]);
        expect(m.modelDirsNeeded(m.DEFAULT_POLICY_DIR, null)).toEqual([path.join(REPO, 'models', 'qwen2.5-coder-1.5b-instruct')]);
      });
    } finally {
      Object.assign(process.env, env);
    }
    if (!fs.existsSync(path.join(DEFAULT_POLICY_DIR, 'manifest.json'))) {
      await expect(loadPolicy()).rejects.toThrow(/default Stepwise models are not trained\/shipped yet.*--model DIR/);
    }
    if (!fs.existsSync(path.join(DEFAULT_SCORER_DIR, 'manifest.json'))) await expect(loadScorer()).rejects.toThrow(/not trained\/shipped yet/);
    await expect(loadPolicy('/nonexistent/model')).rejects.toThrow(/model directory \/nonexistent\/model does not exist/);
  });

  test('the shipped real-model manifests validate', () => {
    for (const name of ['qwen2.5-math-1.5b-instruct', 'qwen2.5-math-7b-instruct', 'qwen2.5-math-prm-7b']) {
      const m = loadManifest(path.join(REPO, 'models', name));
      expect(m.backend === 'onnx' ? 'onnx' : m.server!.baseUrl).toBeTruthy();
    }
  });
});
