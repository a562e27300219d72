/**
 * Structured logs (pino). JSON lines on stderr by default when stderr is not a terminal (containers,
 * log shippers); a short human format on a terminal. LOG_FORMAT=json|pretty and LOG_LEVEL
 * (trace, debug, info, warn, error) override. Every solve logs with `req` = its job id.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  format?: 'json' | 'pretty';
  /** Where lines go (default stderr). */
  dest?: { write(s: string): unknown };
  base?: Record<string, unknown>;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A line-at-a-time stream that turns pino's JSON into `HH:MM:SS INFO [component] message key=value`. */
function prettyStream(dest: { write(s: string): unknown }) {
  return {
    write(line: string) {
      try {
        const { time, level, msg, component, pid: _p, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const t = new Date(Number(time)).toISOString().slice(11, 19);
        const extra = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        dest.write(`${t} ${LEVELS[Number(level)] ?? level} ${component ? `[${component}] ` : ''}${msg ?? ''}${extra ? ` ${extra}` : ''}\n`);
      } catch {
        dest.write(line);
      }
    },
  };
}

export function createLogger(o: LoggerOptions = {}, env: NodeJS.ProcessEnv = process.env): Logger {
  const dest = o.dest ?? process.stderr;
  const format =
    o.format ??
    (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty' ? env.LOG_FORMAT : process.stderr.isTTY && !o.dest ? 'pretty' : 'json');
  const level = o.level ?? env.LOG_LEVEL ?? 'info';
  const opts: pino.LoggerOptions = { level, base: { pid: process.pid, ...o.base }, redact: ['token', 'reply.token', '*.token'] };
  return pino(opts, format === 'pretty' ? prettyStream(dest) : (dest as pino.DestinationStream));
}

/** The bots take `(msg: string) => void` loggers; this one writes through pino with a component. */
export function lineLog(logger: Logger, component: string): (msg: string) => void {
  const child = logger.child({ component });
  return (msg: string) => {
    if (/\bfailed\b|error|unavailable/i.test(msg)) child.warn(msg);
    else child.info(msg);
  };
}
