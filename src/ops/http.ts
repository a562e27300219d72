/**
 * GET /healthz and GET /metrics: on the local page's server when it runs, else on a small server
 * of their own on PORT (HOST). /healthz answers 200 while the process takes work and 503 while
 * it drains for shutdown or when a dependency it cannot work without (Redis) is down.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpsMetrics } from './metrics';

export interface HealthReport {
  status: 'ok' | 'draining' | 'unhealthy';
  /** Details for people (engine, sandbox, Redis, platforms, queue). Not used for the status. */
  checks: Record<string, unknown>;
}

export interface OpsContext {
  metrics: OpsMetrics;
  health(): Promise<HealthReport> | HealthReport;
}

/** Handles /healthz and /metrics; returns false for any other request. */
export function opsHandler(ctx: OpsContext): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (p === '/healthz') {
      let h: HealthReport;
      try {
        h = await ctx.health();
      } catch (err) {
        h = { status: 'unhealthy', checks: { error: (err as Error).message } };
      }
      res.writeHead(h.status === 'ok' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(h));
      return true;
    }
    if (p === '/metrics') {
      const body = await ctx.metrics.text();
      res.writeHead(200, { 'content-type': ctx.metrics.contentType, 'cache-control': 'no-store' });
      res.end(body);
      return true;
    }
    return false;
  };
}

export interface OpsServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** A server with /healthz and /metrics (when no local page runs), and `routes` (Slack events) tried first. */
export async function startOpsServer(
  ctx: OpsContext,
  o: { host?: string; port?: number; routes?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> | boolean },
): Promise<OpsServer> {
  const ops = opsHandler(ctx);
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => (o.routes && (await o.routes(req, res))) || ops(req, res);
  const server = http.createServer((req, res) => {
    handle(req, res)
      .then((done) => {
        if (!done) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end(`not found: this port serves /healthz and /metrics${o.routes ? ' (and POST /slack/events)' : ''}\n`);
        }
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, o.host ?? '127.0.0.1', () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    server,
    url: `http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
