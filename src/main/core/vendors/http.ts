// Thin HTTP layer shared by the connectors: timeouts, offline detection, body capture.
// Status classification is vendor specific and stays in each vendor's folder.
import { VendorError, parseRetryAfter } from './errors';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function httpRequest(fetchImpl: typeof fetch, req: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetchImpl(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
  } catch (e) {
    if (timeout.aborted) {
      throw new VendorError({ kind: 'transient', message: `No answer from ${hostOf(req.url)} within ${(req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000}s`, cause: e });
    }
    if (req.signal?.aborted) throw e;
    throw new VendorError({ kind: 'offline', message: `Cannot reach ${hostOf(req.url)}: ${describeNetworkError(e)}`, cause: e });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    // The connection dropped while the body was streaming.
    throw new VendorError({ kind: 'transient', status: res.status, message: `Connection to ${hostOf(req.url)} dropped mid-response`, cause: e });
  }
  return { status: res.status, headers: res.headers, text };
}

/** Generic fallbacks a connector uses after its vendor-specific checks. */
export function classifyStatus(res: HttpResponse, vendorName: string): VendorError | null {
  const excerpt = res.text.slice(0, 300);
  if (res.status === 429) {
    return new VendorError({ kind: 'rate_limited', status: 429, message: `${vendorName} asks us to slow down`, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')), bodyExcerpt: excerpt });
  }
  if (res.status >= 500) {
    const html = /^\s*</.test(res.text);
    return new VendorError({ kind: 'transient', status: res.status, message: `${vendorName} had a server error (HTTP ${res.status}${html ? ', HTML page' : ''}); will retry`, bodyExcerpt: excerpt });
  }
  if (res.status === 401 || res.status === 403) {
    return new VendorError({ kind: 'auth', status: res.status, message: `${vendorName} refused the credentials (HTTP ${res.status})`, bodyExcerpt: excerpt });
  }
  if (res.status === 404) return new VendorError({ kind: 'not_found', status: 404, message: `${vendorName}: record not found`, bodyExcerpt: excerpt });
  return null;
}

/** Parse a JSON body or throw a `malformed` error that says what came back. */
export function parseJson<T = unknown>(res: HttpResponse, vendorName: string): T {
  try {
    return JSON.parse(res.text) as T;
  } catch (e) {
    throw new VendorError({ kind: 'malformed', status: res.status, message: `${vendorName} sent a reply that is not valid JSON (HTTP ${res.status})`, bodyExcerpt: res.text.slice(0, 300), cause: e });
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e);
}
