import type { CliCommand } from '../command';

/** Every ./stepwise subcommand, in the order `--help` lists them. */
export const commands: CliCommand[] = [];
