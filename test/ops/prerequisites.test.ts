/**
 * What a newcomer sees before anything is installed: ./stepwise checks Node.js first and says
 * exactly what to install when it is missing or too old (Debian 12's own nodejs is 18), and the
 * first install of the Debian packages prints a short summary instead of apt's ~180 lines, showing
 * apt's output only when it fails. Fake node / npm / apt-get on PATH: nothing is really installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function tool(bin: string, name: string, body: string): void {
  fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
}

/** A bin folder holding only links to the named system tools (so the real node is not on PATH). */
function isolatedBin(tools: string[]): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-bin-'));
  for (const t of tools) {
    const real = spawnSync('bash', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    if (real) fs.symlinkSync(real, path.join(bin, t));
  }
  return bin;
}

/** ./stepwise in a scratch copy of the repository root (fake npm / npx record whether they ran). */
function runStepwise(bin: string, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-node-'));
  fs.copyFileSync(path.join(root, 'stepwise'), path.join(dir, 'stepwise'));
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'])
    fs.writeFileSync(path.join(dir, f), '{}\n');
  fs.mkdirSync(path.join(dir, 'src'));
  const log = path.join(dir, 'ran.log');
  tool(bin, 'npm', `echo npm >> "${log}"; mkdir -p node_modules && echo '{}' > node_modules/.package-lock.json`);
  tool(bin, 'npx', `echo npx >> "${log}"; mkdir -p dist/src/cli && touch dist/src/cli/main.js`);
  const r = spawnSync('bash', [path.join(dir, 'stepwise'), ...args], {
    cwd: dir,
    env: { PATH: bin, HOME: dir, STEPWISE_SKIP_SYSTEM_DEPS: '1' },
    encoding: 'utf8',
  });
  return { ...r, ran: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [] };
}

const BASICS = ['bash', 'cat', 'dirname', 'mkdir', 'touch', 'find', 'flock', 'rm', 'env', 'id'];

describe('./stepwise checks Node.js before anything else', () => {
  test("Node 18 (Debian 12's own): stops, names the version found and the NodeSource commands to run", () => {
    const bin = isolatedBin(BASICS);
    tool(bin, 'node', 'if [[ $1 == --version ]]; then echo v18.19.0; else echo "node ran" ; fi');
    const r = runStepwise(bin, ['solve', 'What is 2 + 3?']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('found Node.js v18.19.0');
    expect(r.stderr).toContain('needs Node.js 20 or newer');
    expect(r.stderr).toContain('curl -fsSL https://deb.nodesource.com/setup_22.x | sudo bash -');
    expect(r.stderr).toContain('sudo apt-get install -y nodejs');
    expect(r.ran).toEqual([]); // no npm ci, no build on the wrong Node
    expect(r.stdout).not.toContain('node ran');
  });

  test('no Node at all: says it is not installed and what to install', () => {
    const bin = isolatedBin(BASICS);
    const r = runStepwise(bin, ['--help']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Node.js is not installed');
    expect(r.stderr).toContain('deb.nodesource.com/setup_22.x');
    expect(r.ran).toEqual([]);
  });

  test('Node 20 or newer: goes on to install and run the command', () => {
    const bin = isolatedBin(BASICS);
    tool(bin, 'node', 'if [[ $1 == --version ]]; then echo v20.11.1; else echo "node ran $2"; fi');
    const r = runStepwise(bin, ['hello']);
    expect(r.stderr).not.toContain('needs Node.js');
    expect(r.status).toBe(0);
    expect(r.ran).toEqual(['npm', 'npx']);
    expect(r.stdout.trim()).toBe('node ran hello');
  });
});

describe('scripts/install-system-deps.sh on a fresh machine', () => {
  function install(aptBody: string) {
    const bin = isolatedBin(['bash', 'cat', 'dirname', 'flock', 'id', 'grep']);
    tool(bin, 'dpkg-query', 'exit 1'); // nothing installed yet
    tool(bin, 'sudo', 'exec "$@"');
    tool(bin, 'apt-get', aptBody);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-apt-'));
    const logFile = path.join(tmp, 'apt.log');
    const r = spawnSync('bash', [path.join(root, 'scripts/install-system-deps.sh')], {
      env: { PATH: bin, STEPWISE_APT_LOG: logFile, STEPWISE_APT_LOCK: path.join(tmp, 'apt.lock') },
      encoding: 'utf8',
    });
    return { ...r, logFile };
  }

  test("apt's output goes to a log file; the terminal gets a line saying what is installed and a summary", () => {
    const r = install('for ((i = 1; i <= 90; i++)); do echo "Unpacking package-$i ..."; done');
    const lines = `${r.stdout}${r.stderr}`.trim().split('\n');
    expect(r.status).toBe(0);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/^system packages: installing python3 .* \(log: .*apt\.log\)$/);
    expect(lines.at(-1)).toMatch(/^system packages: installed \d+ \(\d+ s\)$/);
    expect(fs.readFileSync(r.logFile, 'utf8')).toContain('Unpacking package-90');
  });

  test('when apt fails, its output is shown and the script fails', () => {
    const r = install('if [[ $1 == install ]]; then echo "E: Unable to locate package chromium"; exit 100; fi');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('apt-get failed');
    expect(r.stderr).toContain('E: Unable to locate package chromium');
  });
});
