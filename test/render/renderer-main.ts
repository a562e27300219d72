/** A process that starts the math image renderer (headless Chromium) and waits to be killed. */
import { MathImageRenderer } from '../../src/render/images';

const r = new MathImageRenderer({ log: (m) => process.stderr.write(`${m}\n`) });
r.start().then((ok) => {
  process.stdout.write(JSON.stringify({ ev: 'ready', ok, browserPid: r.browserPid }) + '\n');
});
setInterval(() => undefined, 60_000);
