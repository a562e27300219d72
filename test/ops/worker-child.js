// Runs test/ops/worker-main.ts (or the .ts file named as argv[2]) in a child process (a real
// process the tests can kill -9).
// TypeScript is transpiled on the fly with the project's compiler (no type-checking); the output
// is cached in the temp directory by content hash, so later workers start fast.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');
const cacheDir = path.join(os.tmpdir(), 'stepwise-test-ts-cache');
fs.mkdirSync(cacheDir, { recursive: true });
require.extensions['.ts'] = (module, filename) => {
  const src = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(filename).update('\0').update(src).update(ts.version).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let out;
  try {
    out = fs.readFileSync(cached, 'utf8');
  } catch {
    out = ts.transpileModule(src, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true },
    }).outputText;
    const tmp = `${cached}.${process.pid}`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached);
  }
  module._compile(out, filename);
};
require(process.argv[2] ? path.resolve(process.argv[2]) : './worker-main.ts');
