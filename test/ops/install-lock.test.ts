/**
 * ./stepwise started twice at once on a fresh checkout: one runs `npm ci` and the build while the
 * other waits for the lock ("waiting for another stepwise install…") and then finds nothing to do.
 * Fake npm / npx on PATH record overlapping runs; no real install happens.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function run(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; err: string; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', [path.join(dir, 'stepwise'), 'hello'], { cwd: dir, env });
    let err = '';
    let out = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, err, out }));
  });
}

test('two ./stepwise commands at once: npm ci and the build run once, never overlapping', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-lock-'));
  fs.copyFileSync(path.join(root, 'stepwise'), path.join(dir, 'stepwise'));
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'])
    fs.writeFileSync(path.join(dir, f), '{}\n');
  fs.mkdirSync(path.join(dir, 'src'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'runs.log');
  // Each fake tool notes start and end, and "OVERLAP" if another fake run is in progress.
  const tool = (name: string, work: string) =>
    fs.writeFileSync(
      path.join(bin, name),
      `#!/usr/bin/env bash\nset -e\ncd "${dir}"\nif [[ -e running ]]; then echo OVERLAP >> "${log}"; fi\ntouch running\necho "${name} start" >> "${log}"\nsleep 1\n${work}\necho "${name} end" >> "${log}"\nrm -f running\n`,
      { mode: 0o755 },
    );
  tool('npm', 'mkdir -p node_modules && echo "{}" > node_modules/.package-lock.json');
  tool('npx', 'mkdir -p dist/src/cli && echo "console.log(\\"ran\\", process.argv[2])" > dist/src/cli/main.js');
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, STEPWISE_SKIP_SYSTEM_DEPS: '1' };
  const [a, b] = await Promise.all([run(dir, env), run(dir, env)]);
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(a.out.trim()).toBe('ran hello');
  expect(b.out.trim()).toBe('ran hello');
  const runs = fs.readFileSync(log, 'utf8').trim().split('\n');
  expect(runs).toEqual(['npm start', 'npm end', 'npx start', 'npx end']);
  expect(`${a.err}\n${b.err}`).toContain('waiting for another stepwise install…');
  // a later run finds everything installed and built: no lock, no tools
  const c = await run(dir, env);
  expect(c.code).toBe(0);
  expect(c.err).not.toMatch(/installing|building|waiting/);
  expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(4);
  fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);
