// A tiny loopback HTTP server kit for the sandbox vendors: routing, body parsing and
// fault injection live here once; each vendor simulator only describes its API.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Faults, NO_FAULTS } from './faults';
import { createRng, type Rng } from './rng';

export interface SandboxRequest {
  method: string;
  path: string; // without query string
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  params: Record<string, string>;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | object | null;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];

  /** `path` uses `:name` segments, e.g. `/api/contacts/:id/`. */
  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const src = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, k: string) => {
      keys.push(k);
      return '([^/]+)';
    });
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${src}$`), keys, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      return { handler: r.handler, params };
    }
    return pathMatched ? 'method' : null;
  }
}

export interface FaultHooks {
  /** The vendor's own 429 answer (body and headers differ per vendor). */
  tooMany: (retryAfterSec: number) => SandboxResponse;
  /** The vendor's own 5xx answer (CallTools sends HTML). */
  serverError: () => SandboxResponse;
  /** Paths that never get faults (e.g. login, so a test can always re-authenticate). */
  exempt?: (req: SandboxRequest) => boolean;
}

export interface SandboxServer {
  baseUrl: string;
  port: number;
  faults: Faults;
  /** Count of requests served, by "METHOD path" — tests use it to check paging and retries. */
  /** Every request answered (status 0: connection dropped); `query` is the decoded search string. */
  requestLog: { method: string; path: string; status: number; query: string }[];
  close(): Promise<void>;
}

export interface StartOptions {
  router: Router;
  hooks: FaultHooks;
  faults?: Faults;
  seed?: number;
  /** Prefix that the vendor's real base URL has (e.g. `/v1` for BigChange). */
  basePath?: string;
  notFound?: (req: SandboxRequest) => SandboxResponse;
}

export async function startSandboxServer(opts: StartOptions): Promise<SandboxServer> {
  const faults: Faults = { ...(opts.faults ?? NO_FAULTS) };
  const rng: Rng = createRng(opts.seed ?? 1);
  const requestLog: SandboxServer['requestLog'] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const sreq: SandboxRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      params: {},
    };
    const send = (r: SandboxResponse): void => {
      const isText = typeof r.body === 'string';
      const payload = r.body == null ? '' : isText ? (r.body as string) : JSON.stringify(r.body);
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      if (payload && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      }
      requestLog.push({ method: sreq.method, path: sreq.path, status: r.status, query: decodeURIComponent(url.search) });
      res.writeHead(r.status, headers);
      res.end(payload);
    };

    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const exempt = opts.hooks.exempt?.(sreq) ?? false;
    if (!exempt) {
      if (rng.chance(faults.dropRate)) {
        requestLog.push({ method: sreq.method, path: sreq.path, status: 0, query: decodeURIComponent(url.search) });
        req.socket.destroy();
        return;
      }
      if (rng.chance(faults.rate429)) return send(opts.hooks.tooMany(faults.retryAfterSec));
      if (rng.chance(faults.rate5xx)) return send(opts.hooks.serverError());
    }
    let path = sreq.path;
    if (opts.basePath && path.startsWith(opts.basePath)) path = path.slice(opts.basePath.length) || '/';
    const m = opts.router.match(sreq.method, path);
    try {
      let out: SandboxResponse;
      if (m === null) out = opts.notFound?.(sreq) ?? { status: 404, body: { detail: 'Not found.' } };
      else if (m === 'method') out = { status: 405, body: { detail: `Method "${sreq.method}" not allowed.` } };
      else out = await m.handler({ ...sreq, path, params: m.params });
      if (!exempt && out.status < 300 && rng.chance(faults.malformedRate)) {
        // A truncated body: what a proxy cutting the response short looks like.
        const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {});
        out = { ...out, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))), headers: { ...(out.headers ?? {}), 'content-type': 'application/json' } };
      }
      send(out);
    } catch (e) {
      send({ status: 500, body: { error: String((e as Error)?.message ?? e) } });
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${opts.basePath ?? ''}`,
    port,
    faults,
    requestLog,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
