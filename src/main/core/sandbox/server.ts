// A tiny loopback HTTP server kit for the sandbox vendors: routing, body parsing and
// fault injection live here once; each vendor simulator only describes its API.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type FaultFilter, type FaultKind, type Faults, NO_FAULTS, type PlannedFault } from './faults';
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
  /** The vendor's own refusal of a write (a validation error in its format), for the `refuse` fault. */
  refuse?: () => SandboxResponse;
  /** Paths that never get faults (e.g. login, so a test can always re-authenticate). */
  exempt?: (req: SandboxRequest) => boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  query: string;
  /** Set when a fault was injected (planned or random). */
  fault?: FaultKind;
  /** A write's body as received (the first 64 KiB): a test compares it with a preview's promise. */
  body?: string;
}

export interface SandboxServer {
  baseUrl: string;
  port: number;
  faults: Faults;
  /** Every request answered (status 0: connection dropped); `query` is the decoded search string. */
  requestLog: LoggedRequest[];
  /** Requests seen that are not exempt from faults (login/token); what `failAt` counts. */
  readonly requestCount: number;
  /**
   * Fail the `n`-th (from 1, counted since the server started) non-exempt request that matches
   * `filter`; `holdMs` is how long a `timeout` holds the answer.
   */
  failAt(n: number, kind: FaultKind, filter?: FaultFilter & { holdMs?: number }): void;
  /** Fail the next non-exempt request that matches `filter`. */
  failNext(kind: FaultKind, filter?: FaultFilter & { holdMs?: number }): void;
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
  const requestLog: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const held = new Set<NodeJS.Timeout>();
  // Non-exempt requests seen, so a plan added later counts filtered requests from the start.
  const seen: { method: string; path: string }[] = [];
  const matches = (f: FaultFilter, r: { method: string; path: string }): boolean => {
    if (f.method && f.method.toUpperCase() !== r.method) return false;
    if (f.path) f.path.lastIndex = 0; // a /g regex would otherwise match every other time
    return !f.path || f.path.test(r.path);
  };
  type Pending = PlannedFault & { count: number };
  const plan: Pending[] = [];
  const addPlanned = (p: PlannedFault): void => {
    const count = seen.filter((r) => matches(p, r)).length;
    if (!Number.isInteger(p.at) || p.at <= count)
      throw new Error(`Cannot fail request ${p.at}: ${count} matching requests were already served`);
    plan.push({ ...p, count });
  };
  for (const p of opts.faults?.plan ?? []) addPlanned(p);
  delete faults.plan; // the server's own copy lives in `plan`; add more with failAt
  /** The planned fault for this request, if any (one per request: the earliest planned wins). */
  const planned = (r: { method: string; path: string }): Pending | undefined => {
    seen.push(r);
    let hit: Pending | undefined;
    for (const p of plan) {
      if (!matches(p, r)) continue;
      p.count++;
      if (p.count === p.at && !hit) hit = p;
    }
    for (let i = plan.length - 1; i >= 0; i--) if (plan[i]!.count >= plan[i]!.at) plan.splice(i, 1);
    return hit;
  };

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
    const query = decodeURIComponent(url.search);
    const log = (status: number, fault?: FaultKind): void => {
      const body = sreq.method !== 'GET' && sreq.body ? { body: sreq.body.slice(0, 65_536) } : {};
      requestLog.push({ method: sreq.method, path: sreq.path, status, query, ...(fault ? { fault } : {}), ...body });
    };
    const send = (r: SandboxResponse, fault?: FaultKind): void => {
      const isText = typeof r.body === 'string';
      const payload = r.body == null ? '' : isText ? (r.body as string) : JSON.stringify(r.body);
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      if (payload && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      }
      log(r.status, fault);
      res.writeHead(r.status, headers);
      res.end(payload);
    };
    const drop = (fault: FaultKind): void => {
      log(0, fault);
      req.socket.destroy();
    };

    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const exempt = opts.hooks.exempt?.(sreq) ?? false;
    let fault: FaultKind | undefined;
    let holdMs = 60_000;
    if (!exempt) {
      const p = planned(sreq);
      if (p) {
        fault = p.kind;
        holdMs = p.holdMs ?? holdMs;
      } else if (rng.chance(faults.dropRate)) fault = 'drop-before';
      else if (rng.chance(faults.rate429)) fault = '429';
      else if (rng.chance(faults.rate5xx)) fault = '500';
    }
    if (fault === 'drop-before') return drop(fault);
    if (fault === '429') return send(opts.hooks.tooMany(faults.retryAfterSec), fault);
    if (fault === '500') return send(opts.hooks.serverError(), fault);
    if (fault === 'refuse') return send(opts.hooks.refuse?.() ?? { status: 400, body: { detail: 'Refused.' } }, fault);

    let path = sreq.path;
    if (opts.basePath && path.startsWith(opts.basePath)) path = path.slice(opts.basePath.length) || '/';
    const m = opts.router.match(sreq.method, path);
    let out: SandboxResponse;
    try {
      if (m === null) out = opts.notFound?.(sreq) ?? { status: 404, body: { detail: 'Not found.' } };
      else if (m === 'method') out = { status: 405, body: { detail: `Method "${sreq.method}" not allowed.` } };
      else out = await m.handler({ ...sreq, path, params: m.params });
    } catch (e) {
      return send({ status: 500, body: { error: String((e as Error)?.message ?? e) } });
    }
    if (fault === 'drop-after') return drop(fault);
    if (fault === undefined && !exempt && out.status < 300 && rng.chance(faults.malformedRate)) fault = 'truncate';
    if (fault === 'truncate') {
      // A truncated body: what a proxy cutting the response short looks like.
      const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {});
      out = {
        ...out,
        body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
        headers: { ...(out.headers ?? {}), 'content-type': 'application/json' },
      };
    }
    if (fault === 'timeout') {
      const answer = out;
      log(answer.status, fault);
      const t = setTimeout(() => {
        held.delete(t);
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(answer.body == null ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
      }, holdMs);
      held.add(t);
      return;
    }
    send(out, fault);
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
    get requestCount() {
      return seen.length;
    },
    failAt: (n, kind, filter = {}) => addPlanned({ ...filter, at: n, kind }),
    failNext(kind, filter = {}) {
      addPlanned({ ...filter, at: seen.filter((r) => matches(filter, r)).length + 1, kind });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of held) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
