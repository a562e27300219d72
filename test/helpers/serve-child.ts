/** Starts test/ops/serve-main.ts (the real front-end) as a child process the tests can kill -9. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServeChild {
  proc: ChildProcess;
  url: string;
  /** Everything it wrote on stderr (its JSON log lines). */
  stderr(): string;
  exited(): boolean;
  kill(sig?: NodeJS.Signals): Promise<void>;
}

export async function startServeChild(env: Record<string, string>, timeoutMs = 30_000): Promise<ServeChild> {
  const proc = spawn(
    process.execPath,
    [path.join(__dirname, '..', 'ops', 'worker-child.js'), path.join(__dirname, '..', 'ops', 'serve-main.ts')],
    {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  let out = '';
  proc.stderr!.on('data', (c) => (err += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve child not ready in ${timeoutMs} ms: ${err.slice(-2000)}`)), timeoutMs);
    proc.stdout!.on('data', (c) => {
      out += c;
      const m = /\{"ev":"ready","url":"([^"]+)"/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]));
    });
    proc.once('exit', (code, sig) => (clearTimeout(timer), reject(new Error(`serve child exited (${code ?? sig}): ${err.slice(-2000)}`))));
  });
  const exited = () => proc.exitCode !== null || proc.signalCode !== null;
  return {
    proc,
    url,
    stderr: () => err,
    exited,
    kill: (sig = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(sig);
      }),
  };
}
