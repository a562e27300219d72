/** Starts a throwaway redis-server on a free loopback port (no persistence) for the ops tests. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** The redis-server binary, or null when it is not installed (scripts/install-system-deps.sh installs it). */
export function redisBinary(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const bin = redisBinary();
  if (!bin) throw new Error('redis-server is not installed');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc = spawn(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      proc.stdout!.on('data', (d) => {
        out += d;
        if (/Ready to accept connections/i.test(out)) (clearTimeout(timer), resolve(true));
      });
      proc.once('exit', () => (clearTimeout(timer), resolve(false)));
    });
    if (ok) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        proc,
        stop: () =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null) return resolve();
            proc.once('exit', () => resolve());
            proc.kill('SIGTERM');
          }),
      };
    }
    proc.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`redis-server did not start: ${out.slice(-500)}`);
  }
}
