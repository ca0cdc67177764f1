// Thin HTTP layer shared by the connectors: timeouts, offline detection, body capture.
// Status classification is vendor specific and stays in each vendor's folder. Every error says
// which method failed and whether the vendor may have applied it, so retries never duplicate.
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
  /** The request's method, so errors raised from this response can say whether a retry is safe. */
  method?: string;
  status: number;
  headers: Headers;
  text: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function httpRequest(fetchImpl: typeof fetch, req: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const method = req.method.toUpperCase();
  let res: Response;
  try {
    res = await fetchImpl(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
  } catch (e) {
    if (req.signal?.aborted) throw e;
    if (timeout.aborted) {
      throw new VendorError({ kind: 'transient', method, maybeApplied: true, message: `No answer from ${hostOf(req.url)} within ${(req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000}s`, cause: e });
    }
    const code = networkCode(e);
    if (isUnreachable(e, code)) {
      throw new VendorError({ kind: 'offline', method, maybeApplied: false, message: `Cannot reach ${hostOf(req.url)}: ${code ?? describeNetworkError(e)}`, cause: e });
    }
    // Reset or closed mid-request: the vendor may have acted before the connection died.
    throw new VendorError({ kind: 'transient', method, maybeApplied: true, message: `Connection to ${hostOf(req.url)} dropped before the answer came (${code ?? describeNetworkError(e)})`, cause: e });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if (req.signal?.aborted) throw e;
    // The connection dropped (or timed out) while the body was streaming.
    throw new VendorError({ kind: 'transient', method, maybeApplied: true, status: res.status, message: `Connection to ${hostOf(req.url)} dropped mid-response`, cause: e });
  }
  return { method, status: res.status, headers: res.headers, text };
}

// The host cannot be reached at all: nothing was sent, so nothing was applied.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ERR_INVALID_URL']);

function isUnreachable(e: unknown, code: string | undefined): boolean {
  if (code !== undefined) return UNREACHABLE.has(code);
  // fetch refuses some ports outright ("bad port"), before opening any connection.
  return /^bad port$/i.test(causeOf(e)?.message ?? '');
}

function causeOf(e: unknown): { code?: unknown; message?: string; errors?: unknown[] } | undefined {
  const c = (e as { cause?: unknown })?.cause;
  return c && typeof c === 'object' ? (c as { code?: unknown; message?: string; errors?: unknown[] }) : undefined;
}

/** The system/undici error code under fetch's TypeError (an AggregateError holds one per address). */
function networkCode(e: unknown): string | undefined {
  const c = causeOf(e);
  if (!c) return undefined;
  if (typeof c.code === 'string') return c.code;
  const first = Array.isArray(c.errors) ? (c.errors[0] as { code?: unknown } | undefined) : undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}

/** Generic fallbacks a connector uses after its vendor-specific checks. */
export function classifyStatus(res: HttpResponse, vendorName: string): VendorError | null {
  const excerpt = res.text.slice(0, 300);
  const method = res.method;
  if (res.status === 429) {
    return new VendorError({ kind: 'rate_limited', status: 429, method, maybeApplied: false, message: `${vendorName} asks us to slow down`, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')), bodyExcerpt: excerpt });
  }
  if (res.status >= 500) {
    const html = /^\s*</.test(res.text);
    return new VendorError({ kind: 'transient', status: res.status, method, maybeApplied: true, message: `${vendorName} had a server error (HTTP ${res.status}${html ? ', HTML page' : ''})`, bodyExcerpt: excerpt });
  }
  if (res.status === 403) {
    const refusal = businessRefusal(res, vendorName);
    if (refusal) return refusal;
  }
  if (res.status === 401 || res.status === 403) {
    return new VendorError({ kind: 'auth', status: res.status, method, maybeApplied: false, message: `${vendorName} refused the credentials (HTTP ${res.status})`, bodyExcerpt: excerpt });
  }
  if (res.status === 404) return new VendorError({ kind: 'not_found', status: 404, method, maybeApplied: false, message: `${vendorName}: record not found`, bodyExcerpt: excerpt });
  return null;
}

// What a 403 says when it is about who is asking (credentials, scope, tenant), not about what.
const AUTH_WORDS = /\b(auth\w*|unauthori[sz]ed|forbidden|access|permissions?|scopes?|tokens?|credentials?|sign(ed)? ?in|log(ged)? ?in|customer[- ]?id|not allowed)\b/i;

/**
 * A 403 RFC 7807 problem whose detail is a business reason ("You do not have enough credit"):
 * the vendor refused this request for what it asks, not for who asks, so it is a permanent
 * refusal carrying the vendor's words, never "sign in again". Null for any other 403.
 */
export function businessRefusal(res: HttpResponse, vendorName: string): VendorError | null {
  let p: unknown;
  try {
    p = JSON.parse(res.text);
  } catch {
    return null;
  }
  if (!p || typeof p !== 'object' || Array.isArray(p)) return null;
  const { type, title, detail } = p as { type?: unknown; title?: unknown; detail?: unknown };
  // The status phrase as a title says nothing of why; the detail does.
  const phrase = typeof title === 'string' && /^forbidden$/i.test(title.trim()) && typeof detail === 'string' && detail.trim();
  const texts = [type, phrase ? null : title, detail].filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  // RFC 7807: at least a title or a detail; a bare {"detail"} is DRF's, not a problem document.
  if (typeof title !== 'string' && typeof type !== 'string') return null;
  if (!texts.length || texts.some((t) => AUTH_WORDS.test(t.replace(/[-_/]/g, ' ')))) return null;
  const said = [title, detail].filter((x) => typeof x === 'string' && x.trim()).join(': ');
  return new VendorError({ kind: 'validation', status: 403, method: res.method, maybeApplied: false, message: `${vendorName} refused it: ${said}`, bodyExcerpt: res.text.slice(0, 300) });
}

/** Parse a JSON body or throw a `malformed` error that says what came back. */
export function parseJson<T = unknown>(res: HttpResponse, vendorName: string): T {
  try {
    return JSON.parse(res.text) as T;
  } catch (e) {
    throw new VendorError({ kind: 'malformed', status: res.status, method: res.method, maybeApplied: true, message: `${vendorName} sent a reply that is not valid JSON (HTTP ${res.status})`, bodyExcerpt: res.text.slice(0, 300), cause: e });
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
