import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One `./stepwise <name>` subcommand. Each lives in src/cli/commands/<name>.ts. */
export interface CliCommand {
  name: string;
  /** One line for `./stepwise --help`. */
  summary: string;
  /** Full usage text for `./stepwise <name> --help`. */
  usage: string;
  /** Runs the command; returns the process exit code. Progress goes to stderr, results to stdout. */
  run(args: string[]): Promise<number>;
}

/** A user-facing error: printed without a stack trace, exit code 2 (bad usage) or 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with strict checking and a friendly error naming the command. */
export function parseFlags<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${command}: ${(err as Error).message}. Try ./stepwise ${command} --help`, 2);
  }
}

/** Parses a positive integer flag or throws a CliError naming it. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer >= ${min}, got "${value}"`, 2);
  return n;
}

export function numberFlag(name: string, value: string | undefined, fallback: number, lo: number, hi: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < lo || n > hi) throw new CliError(`--${name} must be a number in [${lo}, ${hi}], got "${value}"`, 2);
  return n;
}

export function positiveFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new CliError(`--${name} must be a positive number, got "${value}"`, 2);
  return n;
}
