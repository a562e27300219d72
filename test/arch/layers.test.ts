/**
 * The module boundaries the README promises, checked on the import statements: the engine knows
 * nothing of chat platforms or rendering; the bots' core services know no feature or platform;
 * features know no platform; nothing in the product imports the offline tools in src/lab.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '../../src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports (static or dynamic), as a path relative to src/. */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)));
}

const offenders = (from: string, forbidden: RegExp) =>
  files(path.join(SRC, from)).flatMap((f) =>
    imports(f)
      .filter((i) => forbidden.test(i))
      .map((i) => `${path.relative(SRC, f)} → ${i}`),
  );

describe('module boundaries', () => {
  test('the engine imports no bots, renderer, CLI or lab code', () => {
    expect(offenders('engine', /^(bots|render|cli|lab)\//)).toEqual([]);
  });
  test('the renderer imports no bots or CLI code', () => {
    expect(offenders('render', /^(bots|cli|lab)\//)).toEqual([]);
  });
  test('bots core services import no feature and no platform', () => {
    expect(offenders('bots/core', /^bots\/(features|platforms)\//)).toEqual([]);
  });
  test('features import no platform', () => {
    expect(offenders('bots/features', /^bots\/platforms\//)).toEqual([]);
  });
  test('the product (bots, engine, render, ops) never imports the offline tools in src/lab', () => {
    expect(['bots', 'engine', 'render', 'ops'].flatMap((d) => offenders(d, /^lab\//))).toEqual([]);
  });
});
