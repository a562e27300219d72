/**
 * Downloads one published file into memory with Node's built-in fetch: https only, except a
 * loopback mirror (tests); a progress bar on a TTY, plain lines otherwise; a one-line error when
 * the host cannot be reached.
 */
import { createHash } from 'node:crypto';

export class NoNetworkError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The URL to fetch: STEPWISE_DATA_MIRROR/<name> when the mirror is set, else the published URL. */
export function sourceUrl(publishedUrl: string, name: string, mirror = process.env.STEPWISE_DATA_MIRROR): URL {
  const url = new URL(mirror ? `${mirror.replace(/\/+$/, '')}/${name}` : publishedUrl);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url;
  throw new Error(`refusing ${url.protocol}//${url.host}: downloads must use https (plain http only for a loopback mirror)`);
}

export interface Progress {
  update(done: number, total: number | undefined): void;
  end(done: number): void;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** A bar redrawn in place on a TTY; otherwise one line when the file is done. */
export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    return { update() {}, end: (done) => void stream.write(`${label}: ${done} bytes\n`) };
  }
  let last = 0;
  const draw = (done: number, total: number | undefined) => {
    const width = 30;
    const bar = total ? '#'.repeat(Math.round((done / total) * width)).padEnd(width, '.') : '?'.repeat(width);
    stream.write(`\r${label} [${bar}] ${kb(done)}${total ? ` / ${kb(total)}` : ''}`);
  };
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      draw(done, total);
    },
    end(done) {
      draw(done, done);
      stream.write('\n');
    },
  };
}

function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

export async function download(url: URL, bar: Progress): Promise<{ bytes: Buffer; sha256: string }> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new NoNetworkError(`could not reach ${url.host} (${networkCode(err)})`);
  }
  if (!res.ok || !res.body) throw new Error(`${url.href}: HTTP ${res.status} ${res.statusText}`.trim());
  const total = Number(res.headers.get('content-length')) || undefined;
  const chunks: Buffer[] = [];
  let done = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      chunks.push(Buffer.from(value));
      done += value.byteLength;
      bar.update(done, total);
    }
  } catch (err) {
    throw new NoNetworkError(`lost the connection to ${url.host} (${networkCode(err)})`);
  }
  bar.end(done);
  const bytes = Buffer.concat(chunks);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
