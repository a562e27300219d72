/**
 * The process-level policy of a long-running Stepwise process (`serve`, `worker`): an error that
 * nothing caught (a throw in a callback, a rejected promise nobody awaited) is logged as one line
 * with its stack, counted in /metrics (`stepwise_uncaught_errors_total{kind}`) and the process
 * keeps serving. Every platform and every job in flight would otherwise die with it; the request
 * guards (src/bots/platforms/slack/guard.ts) keep known hostile input from getting this far.
 */
import type { Logger } from './log';
import type { OpsMetrics } from './metrics';

export interface ProcessPolicy {
  /** Removes the handlers (tests). */
  uninstall(): void;
}

export function installProcessPolicy(o: { logger: Logger; metrics?: OpsMetrics }): ProcessPolicy {
  const log = o.logger.child({ component: 'process' });
  const onException = (err: unknown, origin?: string) => {
    o.metrics?.uncaught.inc({ kind: 'exception' });
    log.error({ err: errText(err), origin }, 'uncaught exception (kept serving)');
  };
  const onRejection = (reason: unknown) => {
    o.metrics?.uncaught.inc({ kind: 'rejection' });
    log.error({ err: errText(reason) }, 'unhandled promise rejection (kept serving)');
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    uninstall() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}

function errText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}
