import type { CliCommand } from '../command';
import { command as bench } from './bench';
import { command as solve } from './solve';
import { command as synth } from './synth';

/** Every ./stepwise subcommand, in the order `--help` lists them. */
export const commands: CliCommand[] = [solve, bench, synth];
