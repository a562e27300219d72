import path from 'node:path';
import { CliError, parseFlags, type CliCommand } from '../command';
import { dataDir } from '../../paths';
import { CATALOGUE, SET_NAMES } from '../../engine/data/catalogue';
import { NoNetworkError } from '../../engine/data/download';
import { fetchSet, ShaMismatchError } from '../../engine/data/fetch-set';

const usage = `Usage: ./stepwise data fetch [${SET_NAMES.join('|')}] [--data-dir DIR]

Downloads the public benchmark sets from their published locations (https, pinned commits) and
converts them into <data dir>/benchmarks/<set>.jsonl, the files ./stepwise eval and the practice
bank read. With no name, fetches all. Prints each set's source, licence and the sha256 of every
downloaded file; a file whose published bytes are known is refused (nothing written) when its
sha256 differs. Provenance of each set: data/SOURCES.md.

  --data-dir DIR   where to write (default: STEPWISE_DATA_DIR, else ../shared/data)

Environment:
  STEPWISE_DATA_DIR      the data directory
  STEPWISE_DATA_MIRROR   a base URL to download from instead (the file name is appended);
                         plain http only for a loopback host
`;

export const command: CliCommand = {
  name: 'data',
  summary: 'data fetch: download the public benchmark sets (MATH500, GSM8K, AIME, AMC) into the data directory',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags('data', args, { 'data-dir': { type: 'string' } });
    const [sub, ...names] = positionals;
    if (sub !== 'fetch')
      throw new CliError(`data: unknown subcommand "${sub ?? ''}"; try ./stepwise data fetch [${SET_NAMES.join('|')}]`, 2);
    for (const n of names)
      if (!SET_NAMES.includes(n)) throw new CliError(`data fetch: unknown set "${n}" (known: ${SET_NAMES.join(', ')})`, 2);
    const entries = names.length ? CATALOGUE.filter((e) => names.includes(e.set)) : CATALOGUE;
    const dir = path.join(dataDir(values['data-dir']), 'benchmarks');
    for (const entry of entries) {
      try {
        await fetchSet(entry, dir, (line) => process.stdout.write(line + '\n'));
      } catch (err) {
        if (err instanceof NoNetworkError) {
          throw new CliError(`no network: ${err.message}; copy the files into ${dir} or set STEPWISE_DATA_MIRROR`, 1);
        }
        if (err instanceof ShaMismatchError) throw new CliError(err.message, 1);
        throw new CliError(`data fetch ${entry.set}: ${(err as Error).message}`, 1);
      }
    }
    return 0;
  },
};
