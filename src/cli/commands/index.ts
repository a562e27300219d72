import type { CliCommand } from '../command';
import { command as bench } from './bench';
import { command as calibrate } from './calibrate';
import { command as data } from './data';
import { command as evaluate } from './eval';
import { command as evolve } from './evolve';
import { command as exec } from './exec';
import { command as familiarity } from './familiarity';
import { command as features } from './features';
import { command as generate } from './generate';
import { command as grade } from './grade';
import { command as models } from './models';
import { command as registerCommands } from './register-commands';
import { command as render } from './render';
import { command as score } from './score';
import { command as screenshots } from './screenshots';
import { command as serve } from './serve';
import { command as solve } from './solve';
import { command as synth } from './synth';
import { command as synthesize } from './synthesize';
import { command as worker } from './worker';

/** Every ./stepwise subcommand, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  solve,
  evaluate,
  calibrate,
  familiarity,
  bench,
  synth,
  synthesize,
  features,
  evolve,
  grade,
  render,
  exec,
  serve,
  worker,
  registerCommands,
  screenshots,
  generate,
  score,
  data,
  models,
];
