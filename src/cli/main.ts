#!/usr/bin/env node
import { CliError, type CliCommand } from './command';
import { commands } from './commands';

function help(list: CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'Stepwise: rStar-Math style step-by-step math solving (policy + PPM + MCTS, code-verified steps).',
    '',
    'Usage: ./stepwise <command> [options]      ./stepwise <command> --help for details',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help(commands) + '\n');
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`Unknown command "${name}".\n\n${help(commands)}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`stepwise: unexpected error: ${(err as Error)?.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
