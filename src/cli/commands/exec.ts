import * as fs from 'fs';
import { CliError, intFlag, parseFlags, type CliCommand } from '../command';
import { createExecutorPool, SandboxUnavailableError } from '../../engine/exec';

const USAGE = `Usage: ./stepwise exec FILE.py [--json] [--timeout MS]

Runs one Python program in the sandboxed worker pool (bubblewrap: no network, no host files,
no secrets, CPU/memory/process/file limits) and prints its observation in the rStar format:
stdout, or the value of the last expression when nothing was printed, cut to 1,024 characters
(head and tail kept); on error \`ExcType: message\`. Use - to read the program from standard input.
Exit code 0 when the program ran to the end, 1 when it failed or hit a limit.

Options:
  --json         print exactly one JSON line {"ok":…,"output":…,"error":…,"timed_out":…}
  --timeout MS   wall-clock limit in milliseconds (default 10000)`;

export const command: CliCommand = {
  name: 'exec',
  summary: 'Run a Python program in the sandbox and print its observation',
  usage: USAGE,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags('exec', args, {
      json: { type: 'boolean' },
      timeout: { type: 'string' },
    });
    if (positionals.length !== 1) throw new CliError('exec: expected one FILE.py argument. Try ./stepwise exec --help', 2);
    const timeoutMs = intFlag('timeout', values.timeout, 10_000, 50);
    const file = positionals[0];
    let program: string;
    try {
      program = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`exec: cannot read ${file}: ${(err as Error).message}`);
    }
    const pool = createExecutorPool({ workers: 1, timeoutMs });
    try {
      const obs = await pool.run(program, { timeoutMs });
      if (values.json) {
        const line = { ok: obs.ok, output: obs.output, error: obs.error ?? null, timed_out: obs.timedOut };
        process.stdout.write(JSON.stringify(line) + '\n');
      } else {
        process.stdout.write(obs.output + (obs.output.endsWith('\n') || obs.output === '' ? '' : '\n'));
      }
      return obs.ok ? 0 : 1;
    } catch (err) {
      if (err instanceof SandboxUnavailableError) throw new CliError(`exec: ${err.message}`);
      throw err;
    } finally {
      await pool.close();
    }
  },
};
