// The core's HTTP client: a `typeof fetch` on node:http/node:https with keep-alive agents.
// Node's built-in fetch (undici) parses HTTP in WASM and moves bodies through web streams;
// node:http parses natively. On a CallTools re-read (30 pages of ~650 KB) this client took about
// half of fetch's transport CPU (bench/http-pull.mts).
// It keeps fetch's shape so connectors, httpRequest's error classification and the tests'
// fault-injecting wrappers work unchanged:
// - resolves with a real Response once the headers are in; a body cut off later errors res.text();
// - network failures reject with TypeError('fetch failed', { cause }) where cause is the node
//   error with its .code (ECONNREFUSED, ECONNRESET, ...), as undici's do;
// - init.signal aborting rejects with the signal's reason and destroys the request;
// - redirects are followed as fetch follows them, except that leaving the origin keeps only
//   headers known to carry nothing secret, and never a body (connectors go through httpRequest,
//   which refuses such a redirect outright; this is for any other caller);
// - the body stream has backpressure: a fast (or decompressing) source waits for its reader;
// - gzip and deflate bodies are asked for and decoded, as fetch does.
// Not done (nobody needs it): request streams, Request objects as input, brotli.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

// Keep-alive: a pull is dozens of sequential requests to one host; reusing the connection saves
// a TCP (and TLS) handshake per page. LIFO hands out the most recently used, least likely stale, socket.
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
} as const;

/**
 * Methods that may be sent again after a stale keep-alive socket swallowed them. A server may
 * close an idle connection just as we reuse it; node:http then fails the request with
 * ECONNRESET ("socket hang up") before any byte of the answer, and retries nothing by itself.
 * A read is safe to repeat once on a fresh connection. Writes are not repeated here even though
 * PUT and DELETE are idempotent by the book: the vendor may have applied them, and the
 * callers' classification (maybeApplied) and outbox decide what happens next.
 */
const RETRY_ON_STALE_SOCKET = new Set(['GET', 'HEAD']);
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
/** Statuses whose Response must have a null body (the constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20; // fetch's limit
const CROSS_ORIGIN_SAFE = new Set(['accept', 'accept-encoding', 'accept-language', 'user-agent']);

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal | undefined;
}

export const nodeFetch: typeof fetch = async (input, init = {}) => {
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('nodeFetch takes a URL string or URL, not a Request');
  let url: URL;
  try {
    url = new URL(String(input));
  } catch (e) {
    throw new TypeError('fetch failed', { cause: e }); // cause.code ERR_INVALID_URL
  }
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v)); // lower-cased names
  headers.accept ??= '*/*';
  headers['user-agent'] ??= 'Concord';
  headers['accept-encoding'] ??= 'gzip, deflate';
  const method = (init.method ?? 'GET').toUpperCase();
  const body = bodyBuffer(init.body, headers);
  let out: Outgoing = { url, method, headers, body, signal };
  for (let hops = 0; ; hops++) {
    const res = await send(out, RETRY_ON_STALE_SOCKET.has(out.method));
    const location = res.headers.get('location');
    if (!REDIRECT.has(res.status) || location === null || init.redirect === 'manual') return res;
    await res.arrayBuffer().catch(() => undefined); // read to the end, so the connection is reused
    if (init.redirect === 'error' || hops >= MAX_REDIRECTS)
      throw new TypeError('fetch failed', {
        cause: new Error(`redirect ${init.redirect === 'error' ? 'refused' : 'count exceeded'} (${res.status} to ${location})`),
      });
    out = redirected(out, res.status, location);
  }
};

function bodyBuffer(b: RequestInit['body'], headers: Record<string, string>): Buffer | undefined {
  let buf: Buffer;
  if (b == null) return undefined;
  if (typeof b === 'string') {
    buf = Buffer.from(b, 'utf8');
    headers['content-type'] ??= 'text/plain;charset=UTF-8'; // as fetch labels a string body
  } else if (b instanceof URLSearchParams) {
    buf = Buffer.from(b.toString(), 'utf8');
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  } else if (ArrayBuffer.isView(b)) buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  else if (b instanceof ArrayBuffer) buf = Buffer.from(b);
  else throw new TypeError('nodeFetch sends string, URLSearchParams or byte bodies only');
  headers['content-length'] = String(buf.length);
  return buf;
}

/** fetch's redirect rules: 303 (and 301/302 after a POST) become a GET without body; credentials stay on their origin. */
function redirected(prev: Outgoing, status: number, location: string): Outgoing {
  const url = new URL(location, prev.url);
  const headers = { ...prev.headers };
  let { method, body } = prev;
  if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
    method = 'GET';
    body = undefined;
    for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) delete headers[h];
  }
  if (url.origin !== prev.url.origin) {
    // A vendor's credentials ride in headers of its own (LV-Access, Customer-Id, …): on another
    // origin only headers known to hold nothing secret go along, and a body never does.
    if (body !== undefined)
      throw new TypeError('fetch failed', {
        cause: new Error(`redirect with a body to another origin refused (${status} to ${url.origin})`),
      });
    for (const h of Object.keys(headers)) if (!CROSS_ORIGIN_SAFE.has(h)) delete headers[h];
  }
  return { url, method, headers, body, signal: prev.signal };
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | null {
  const e = encoding?.trim().toLowerCase();
  if (e === 'gzip' || e === 'x-gzip') return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (e === 'deflate') return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return null;
}

function send(o: Outgoing, retryStale: boolean): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const agent = o.url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    let req: http.ClientRequest;
    try {
      req = (o.url.protocol === 'https:' ? https : http).request(o.url, { method: o.method, headers: o.headers, agent });
    } catch (e) {
      reject(new TypeError('fetch failed', { cause: e })); // e.g. ERR_INVALID_PROTOCOL
      return;
    }
    let answered = false;
    const onAbort = (): void => {
      req.destroy(o.signal!.reason as Error);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => o.signal?.removeEventListener('abort', onAbort);

    req.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return; // after the headers, failures belong to the body stream
      done();
      if (o.signal?.aborted) return reject(o.signal.reason);
      if (retryStale && req.reusedSocket && STALE_SOCKET_CODES.has(err.code ?? '')) return resolve(send(o, false));
      reject(new TypeError('fetch failed', { cause: err }));
    });

    req.on('response', (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      let headers: Headers;
      try {
        headers = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      } catch (e) {
        done();
        res.destroy();
        return reject(new TypeError('fetch failed', { cause: e }));
      }
      const init = { status, statusText: res.statusMessage ?? '', headers };
      if (NULL_BODY.has(status) || o.method === 'HEAD') {
        done();
        res.on('error', () => {}); // nothing to read, nothing to report
        res.resume(); // drain, so the socket goes back to the pool
        return resolve(new Response(null, init));
      }
      // fetch asked for gzip/deflate and decoded it; so do we (a real vendor's 350 KB JSON page
      // is a few dozen KB on the wire). The sandbox answers uncompressed.
      const decoder = decoderFor(res.headers['content-encoding']);
      const src = decoder ? res.pipe(decoder) : res;
      let ended = false;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          src.on('data', (chunk: Buffer) => {
            c.enqueue(chunk);
            // Backpressure: without it a gzip bomb or a fast socket fills memory ahead of the reader.
            if ((c.desiredSize ?? 1) <= 0) src.pause();
          });
          src.on('end', () => {
            ended = true;
            done();
            c.close();
          });
          // A reset or close mid-body: 'error' (ECONNRESET "aborted"), or at least 'close' before complete.
          const fail = (e?: Error): void => {
            if (ended) return;
            ended = true;
            done();
            c.error(
              o.signal?.aborted ? o.signal.reason : new TypeError('terminated', { cause: e ?? new Error('connection closed mid-body') }),
            );
          };
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete) fail();
          });
          decoder?.on('error', (e) => {
            res.resume(); // a corrupt compressed body: read the rest, so the connection is reused
            fail(e);
          });
        },
        pull() {
          src.resume();
        },
        cancel() {
          done();
          res.destroy();
          decoder?.destroy();
        },
      });
      try {
        resolve(new Response(body, init));
      } catch (e) {
        done();
        res.destroy();
        reject(new TypeError('fetch failed', { cause: e })); // a status fetch cannot represent
      }
    });
    req.end(o.body);
  });
}
