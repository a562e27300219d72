/**
 * KaTeX → PNG through Debian's chromium (puppeteer-core): one browser, one warm page, renders
 * serialised through a promise queue, 2x scale, opaque white card, tight crop, LRU cache by
 * content hash. When chromium is missing or crashes, it is relaunched once; after that every
 * render reports a fallback reason (callers then show LaTeX source in code blocks).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { blockHtml, checkTex } from './latex';
import type { TextBlock } from './types';

export const CHROMIUM_PATH = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';

/** Profile directories are named `stepwise-chromium-<our pid>-XXXXXX` in the temp directory. */
const PROFILE_PREFIX = 'stepwise-chromium-';

let deathSigLauncher: string | null | undefined;
/**
 * util-linux `setpriv --pdeathsig KILL` (Debian: always installed): Chromium then gets SIGKILL
 * from the kernel when the process that launched it dies, even by `kill -9`. Null where it is
 * missing (Chromium is then only stopped by a clean shutdown).
 */
export function deathSignalLauncher(): string | null {
  if (deathSigLauncher === undefined) {
    const exe = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
    deathSigLauncher = exe && /--pdeathsig/.test(spawnSync(exe, ['--help'], { encoding: 'utf8' }).stdout ?? '') ? exe : null;
  }
  return deathSigLauncher;
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
const alive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
};

/**
 * Removes Chromium profiles that processes killed before they could clean up left in `dir`: those
 * whose owner (the pid in the name) and whose browser (the pid in Chromium's SingletonLock) are
 * both gone. Returns the paths removed.
 */
export function removeStaleProfiles(dir = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(PROFILE_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    const owner = /^stepwise-chromium-(\d+)-/.exec(name);
    if (owner && alive(Number(owner[1]))) continue;
    let lock: string | null = null;
    try {
      lock = fs.readlinkSync(path.join(full, 'SingletonLock')); // "<host>-<pid>"
    } catch {
      /* no browser ran or it removed its lock */
    }
    const browser = lock ? /-(\d+)$/.exec(lock) : null;
    if (browser && alive(Number(browser[1]))) continue;
    // an old-style name (no owner pid) without a live browser: only once it is a day old
    if (!owner && !browser) {
      const age = Date.now() - (fs.statSync(full, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age < 86_400_000) continue;
    }
    try {
      fs.rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      /* another process's: leave it */
    }
  }
  return removed;
}

let swept = false;

/** Launch flags from docs/platforms.md (plus a fresh --user-data-dir added at launch). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  '--mute-audio',
];

/** Bump when the look changes: it is part of the cache key. */
const STYLE_VERSION = 2;
/**
 * Every image is this wide (CSS pixels; the PNG is twice that), with the math left-aligned, so a
 * chat client that fits images to one width shows the text of every image of a thread at the same
 * size. Content wider than that is scaled down to fit, down to MIN_SCALE.
 */
export const IMAGE_WIDTH = 680;
const MIN_SCALE = 0.34;
const MAX_IMAGE_CSS = { width: 2000, height: 4000 };

export interface PngImage {
  png: Buffer;
  width: number;
  height: number;
  /** sha256 of the content rendered (cache key). */
  hash: string;
  cached: boolean;
  ms: number;
}

export type ImageOutcome = { ok: true; image: PngImage } | { ok: false; reason: string };

export interface MathImageRendererOptions {
  executablePath?: string;
  /** LRU cache entries (default 256). */
  cacheSize?: number;
  /** Where reasons for fallbacks and relaunches go (default stderr). */
  log?: (msg: string) => void;
  /** Per-render timeout in ms (default 15,000). */
  timeoutMs?: number;
}

let cssCache: string | null = null;

/** katex.min.css with every font inlined as a woff2 data URI (no file or network access needed). */
export function katexCss(): string {
  if (cssCache) return cssCache;
  const dist = path.dirname(require.resolve('katex/dist/katex.min.css'));
  const css = fs.readFileSync(path.join(dist, 'katex.min.css'), 'utf8');
  cssCache = css.replace(/src:url\(fonts\/([\w-]+)\.woff2\)[^;}]*/g, (_m, name: string) => {
    const data = fs.readFileSync(path.join(dist, 'fonts', `${name}.woff2`)).toString('base64');
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
  return cssCache;
}

/** The page: CSP forbids every load except inline styles and data: fonts; scripts only via CDP. */
export function pageHtml(): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:">
<style>${katexCss()}
html,body{margin:0;padding:0;background:#ffffff}
#card{display:block;box-sizing:border-box;width:${IMAGE_WIDTH}px;padding:14px 18px;background:#ffffff;color:#1f2328;
 font:19px/1.5 "Noto Sans","Noto Sans CJK SC","Noto Sans CJK JP","Noto Color Emoji",sans-serif;overflow-wrap:anywhere}
#inner{display:block;width:100%}
.katex{font-size:1.12em;color:#111}
.katex-display{margin:.45em 0;text-align:left}
.katex-display>.katex{text-align:left}
.sw-note{color:#57606a;font-style:italic}
</style></head><body><div id="card"></div></body></html>`;
}

/** A small LRU on Map insertion order. */
class Lru<V> {
  private map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  get size(): number {
    return this.map.size;
  }
}

export class MathImageRenderer {
  private browser: Browser | null = null;
  private page: Page | null = null;
  private userDataDir: string | null = null;
  private starting: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache: Lru<{ png: Buffer; width: number; height: number }>;
  private relaunches = 0;
  private closed = false;
  /** Why images are unavailable, once the renderer gave up (null while it works). */
  fallbackReason: string | null = null;
  /** Milliseconds the last launch took (launch + first page ready). */
  launchMs: number | null = null;
  renders = 0;
  cacheHits = 0;
  private readonly log: (msg: string) => void;
  private readonly timeoutMs: number;

  constructor(private readonly opts: MathImageRendererOptions = {}) {
    this.cache = new Lru(opts.cacheSize ?? 256);
    this.log = opts.log ?? ((m) => process.stderr.write(`render: ${m}\n`));
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** Launches the browser now (otherwise the first render does). Never throws; see fallbackReason. */
  async start(): Promise<boolean> {
    await this.ensure().catch(() => undefined);
    return this.page !== null;
  }

  private ensure(): Promise<void> {
    if (this.page && this.browser?.connected) return Promise.resolve();
    // A browser that was running and is gone crashed: report it so the caller counts the relaunch.
    if (this.browser && !this.browser.connected) return Promise.reject(new Error('chromium exited unexpectedly'));
    if (!this.starting) {
      this.starting = this.launch().finally(() => {
        this.starting = null;
      });
    }
    return this.starting;
  }

  private async launch(): Promise<void> {
    if (this.closed) throw new Error('renderer closed');
    const exe = this.opts.executablePath ?? CHROMIUM_PATH;
    if (!fs.existsSync(exe)) throw new Error(`chromium not found at ${exe}`);
    const t0 = performance.now();
    const { default: puppeteer } = await import('puppeteer-core');
    if (!swept) {
      swept = true;
      const stale = removeStaleProfiles();
      if (stale.length) this.log(`removed ${stale.length} Chromium profile(s) left by processes that were killed`);
    }
    if (this.userDataDir) fs.rmSync(this.userDataDir, { recursive: true, force: true });
    this.userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
    const tmp = path.join(this.userDataDir, 'tmp');
    fs.mkdirSync(tmp);
    const args = [...CHROMIUM_FLAGS, `--user-data-dir=${this.userDataDir}`];
    // Chromium dies with this process: started through setpriv --pdeathsig KILL, which then execs it
    // (puppeteer's own flags are given here because the executable it starts is setpriv)
    const launcher = deathSignalLauncher();
    this.browser = await puppeteer.launch({
      ...(launcher
        ? {
            executablePath: launcher,
            ignoreDefaultArgs: true,
            args: ['--pdeathsig', 'KILL', '--', exe, ...puppeteer.defaultArgs({ headless: true, args })],
          }
        : { executablePath: exe, args }),
      headless: true,
      env: { ...process.env, TMPDIR: tmp },
      timeout: 30_000,
      protocolTimeout: 30_000,
    });
    const page = await this.browser.newPage();
    await page.setViewport({ width: MAX_IMAGE_CSS.width, height: 800, deviceScaleFactor: 2 });
    await page.setJavaScriptEnabled(false);
    await page.setContent(pageHtml(), { waitUntil: 'load' });
    this.page = page;
    // Warm up: load the common fonts once.
    await this.shoot(checkTexOrThrow('x^2+\\frac{1}{2}\\sqrt{\\pi}', false) + ' Warm 中文 😀');
    this.launchMs = performance.now() - t0;
  }

  /** Renders prose-with-math (a classified block) as one PNG. */
  renderBlock(block: TextBlock): Promise<ImageOutcome> {
    if (block.mode !== 'image') return Promise.resolve({ ok: false, reason: block.refusals.join('; ') || 'no math to typeset' });
    const html = blockHtml(block);
    if (html === null) return Promise.resolve({ ok: false, reason: 'a formula did not validate' });
    return this.renderHtml(html);
  }

  /** Renders one formula (used by the benchmark). */
  renderTex(tex: string, display = true): Promise<ImageOutcome> {
    const c = checkTex(tex, display);
    if (!c.ok) return Promise.resolve({ ok: false, reason: c.reason });
    return this.renderHtml(c.html);
  }

  /** Renders trusted HTML (KaTeX output + escaped text) through the queue, with the cache. */
  renderHtml(html: string): Promise<ImageOutcome> {
    const hash = createHash('sha256').update(`v${STYLE_VERSION}\n${html}`).digest('hex');
    const hit = this.cache.get(hash);
    if (hit) {
      this.cacheHits++;
      return Promise.resolve({ ok: true, image: { ...hit, hash, cached: true, ms: 0 } });
    }
    const job = this.queue.then(() => this.renderUncached(html, hash));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async renderUncached(html: string, hash: string): Promise<ImageOutcome> {
    if (this.fallbackReason) return { ok: false, reason: this.fallbackReason };
    if (this.closed) return { ok: false, reason: 'renderer closed' };
    const hit = this.cache.get(hash);
    if (hit) return { ok: true, image: { ...hit, hash, cached: true, ms: 0 } };
    for (;;) {
      const t0 = performance.now();
      try {
        await this.ensure();
        const shot = await this.shoot(html);
        if ('reason' in shot) return { ok: false, reason: shot.reason };
        this.cache.set(hash, shot);
        this.renders++;
        return { ok: true, image: { ...shot, hash, cached: false, ms: performance.now() - t0 } };
      } catch (err) {
        const why = (err as Error)?.message ?? String(err);
        await this.disposeBrowser();
        if (this.closed) return { ok: false, reason: 'renderer closed' };
        if (this.relaunches < 1 && !/not found/.test(why)) {
          this.relaunches++;
          this.log(`chromium failed (${why}); relaunching once`);
          continue;
        }
        this.fallbackReason = `math images unavailable: ${why}`;
        this.log(`${this.fallbackReason}; falling back to LaTeX source in code blocks`);
        return { ok: false, reason: this.fallbackReason };
      }
    }
  }

  private async shoot(html: string): Promise<{ png: Buffer; width: number; height: number } | { reason: string }> {
    const page = this.page;
    if (!page) throw new Error('no page');
    const work = (async () => {
      const box = await page.evaluate(
        async (content: string, minScale: number) => {
          const card = document.getElementById('card')!;
          card.innerHTML = `<div id="inner">${content}</div>`;
          const inner = document.getElementById('inner')!;
          await document.fonts.ready;
          // A display formula wider than the card is scaled down on its own; then, if something is
          // still too wide (a long unbreakable inline formula), the whole content.
          let scale = 1;
          for (const d of Array.from(card.querySelectorAll<HTMLElement>('.katex-display'))) {
            if (d.scrollWidth > d.clientWidth + 1) {
              const z = d.clientWidth / d.scrollWidth;
              d.style.zoom = String(z);
              scale = Math.min(scale, z);
            }
          }
          if (inner.scrollWidth > inner.clientWidth + 1) {
            const z = inner.clientWidth / inner.scrollWidth;
            inner.style.zoom = String(z);
            scale = Math.min(scale, z);
          }
          const r = card.getBoundingClientRect();
          return {
            x: Math.floor(r.left),
            y: Math.floor(r.top),
            width: Math.round(r.width),
            height: Math.ceil(r.height),
            scale,
            tooWide: scale < minScale,
          };
        },
        html,
        MIN_SCALE,
      );
      if (box.tooWide) return { reason: `typeset text too wide for an image (it would be scaled to ${Math.round(box.scale * 100)}%)` };
      if (box.height > MAX_IMAGE_CSS.height) return { reason: `typeset text too large for an image (${box.width}×${box.height} px)` };
      const png = (await page.screenshot({
        type: 'png',
        clip: { x: box.x, y: box.y, width: Math.max(1, box.width), height: Math.max(1, box.height) },
        captureBeyondViewport: true,
        omitBackground: false,
        optimizeForSpeed: true,
      })) as Uint8Array;
      return { png: Buffer.from(png), width: box.width * 2, height: box.height * 2 };
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`render timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resident memory of the browser and its child processes, in MB (Linux /proc). */
  browserRssMb(): number | null {
    const pid = this.browser?.process()?.pid;
    if (!pid) return null;
    return processTreeRssMb(pid);
  }

  /** The chromium process id (tests use it to simulate a crash). */
  get browserPid(): number | null {
    return this.browser?.process()?.pid ?? null;
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  private async disposeBrowser(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    this.page = null;
    if (b) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([b.close().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 3000)))]);
      clearTimeout(timer);
      const pid = b.process()?.pid;
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    if (this.userDataDir) {
      fs.rmSync(this.userDataDir, { recursive: true, force: true });
      this.userDataDir = null;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    await this.starting?.catch(() => undefined);
    await this.disposeBrowser();
  }
}

function checkTexOrThrow(tex: string, display: boolean): string {
  const c = checkTex(tex, display);
  if (!c.ok) throw new Error(c.reason);
  return c.html;
}

/** Memory of a process and its descendants in MB: the sum of Pss (VmRSS where Pss is unavailable). */
export function processTreeRssMb(root: number): number | null {
  try {
    const children = new Map<number, number[]>();
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(d));
        children.set(ppid, list);
      } catch {
        /* process exited */
      }
    }
    let kb = 0;
    const stack = [root];
    while (stack.length) {
      const pid = stack.pop()!;
      try {
        // Pss (proportional set size) counts shared pages once across the process tree.
        let m: RegExpExecArray | null = null;
        try {
          m = /Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
        } catch {
          /* no smaps_rollup */
        }
        m ??= /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) kb += Number(m[1]);
      } catch {
        /* exited */
      }
      stack.push(...(children.get(pid) ?? []));
    }
    return kb / 1024;
  } catch {
    return null;
  }
}
