/**
 * kill -9 of a process that renders math must not leave its headless Chromium running (about ten
 * processes and 1 GB each time), and the profile it could not remove is removed by the next start.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH, MathImageRenderer, removeStaleProfiles } from '../../src/render/images';

jest.setTimeout(60_000);
const d = fs.existsSync(CHROMIUM_PATH) ? describe : describe.skip;

/** Pids of the processes whose command line mentions `text`. */
function processesWith(text: string): number[] {
  const out: number[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

d('Chromium dies with the process that launched it', () => {
  test('kill -9 of the renderer process: no Chromium process is left; its profile goes at the next start', async () => {
    const child = spawn(
      process.execPath,
      [path.join(__dirname, '..', 'ops', 'worker-child.js'), path.join(__dirname, 'renderer-main.ts')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    const ready = await new Promise<{ ok: boolean; browserPid: number }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c) => {
        out += c;
        const m = /\{"ev":"ready".*\}/.exec(out);
        if (m) resolve(JSON.parse(m[0]));
      });
      child.once('exit', (code) => reject(new Error(`renderer child exited (${code}): ${err}`)));
    });
    expect(ready.ok).toBe(true);
    const cmdline = fs.readFileSync(`/proc/${ready.browserPid}/cmdline`, 'utf8');
    const profile = /--user-data-dir=([^\0]+)/.exec(cmdline)![1];
    expect(profile.startsWith(path.join(os.tmpdir(), 'stepwise-chromium-'))).toBe(true);
    expect(processesWith(profile).length).toBeGreaterThan(0);

    await new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGKILL')));
    const end = Date.now() + 10_000;
    while (processesWith(profile).length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(processesWith(profile)).toEqual([]);
    expect(fs.existsSync(profile)).toBe(true); // nobody could clean up after kill -9 …

    expect(removeStaleProfiles()).toContain(profile); // … so the next start does
    expect(fs.existsSync(profile)).toBe(false);
  });

  test("a live renderer's profile is never taken for a stale one", async () => {
    const r = new MathImageRenderer({ log: () => undefined });
    try {
      expect(await r.start()).toBe(true);
      const profile = /--user-data-dir=([^\0]+)/.exec(fs.readFileSync(`/proc/${r.browserPid}/cmdline`, 'utf8'))![1];
      expect(removeStaleProfiles()).not.toContain(profile);
      expect(fs.existsSync(profile)).toBe(true);
    } finally {
      await r.close();
    }
  });
});
