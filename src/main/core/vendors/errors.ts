// Every connector failure is one of these kinds, so sync can decide what to do
// (retry later, wait, ask the person, stop quietly) without knowing the vendor.
export type VendorErrorKind =
  | 'auth' // credentials refused (after one re-login attempt where the vendor has sessions)
  | 'validation' // the vendor (or our pre-flight check) refused the data; fieldErrors says why
  | 'not_found'
  | 'conflict' // the record moved under us (MPDX 409 / version token changed)
  | 'rate_limited' // 429; retryAfterMs when the vendor said
  | 'transient' // 5xx, HTML error pages, timeouts: retry with backoff
  | 'offline' // could not reach the host at all
  | 'malformed' // the vendor answered, but not in the shape its API promises
  | 'refused'; // Concord refused what the vendor did (redirect off its origin, untrusted certificate, an answer past a limit, paging that goes nowhere): permanent, never retried

export interface VendorErrorInit {
  kind: VendorErrorKind;
  message: string;
  status?: number;
  fieldErrors?: Record<string, string[]>;
  retryAfterMs?: number;
  /** Current server version token, when a conflict answer carries it (MPDX meta.updated_in_db_at). */
  currentVersion?: string;
  /** A short excerpt of the raw body, for the activity log. Never contains request secrets. */
  bodyExcerpt?: string;
  /** Which part of a record the error is about (MPDX: `person`, `phone:<id>`, …). */
  resource?: string;
  /** HTTP method of the request that failed, when known (the retry layer needs it). */
  method?: string;
  /** Whether the vendor may have applied the request; see VendorError.maybeApplied. */
  maybeApplied?: boolean;
  /** No answer (or no whole answer) within the request's deadline: retried once at most. */
  timedOut?: boolean;
  /** The pull's cursor cannot be trusted (paging looped): the next pull starts from the beginning. */
  restartPull?: boolean;
  cause?: unknown;
}

export class VendorError extends Error {
  readonly kind: VendorErrorKind;
  readonly status?: number;
  readonly fieldErrors?: Record<string, string[]>;
  readonly retryAfterMs?: number;
  readonly currentVersion?: string;
  readonly bodyExcerpt?: string;
  readonly resource?: string;
  readonly method?: string;
  /**
   * False only when the vendor surely did not apply the request (host unreachable, 429, refused
   * before acting). Unknown counts as true, so a lost answer to a create is never re-sent blindly.
   */
  readonly maybeApplied: boolean;
  readonly timedOut?: boolean;
  readonly restartPull?: boolean;

  constructor(init: VendorErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = 'VendorError';
    this.kind = init.kind;
    this.status = init.status;
    this.fieldErrors = init.fieldErrors;
    this.retryAfterMs = init.retryAfterMs;
    this.currentVersion = init.currentVersion;
    this.bodyExcerpt = init.bodyExcerpt;
    this.resource = init.resource;
    this.method = init.method?.toUpperCase();
    if (init.timedOut) this.timedOut = true;
    if (init.restartPull) this.restartPull = true;
    this.maybeApplied = init.kind === 'rate_limited' || init.status === 429 ? false : (init.maybeApplied ?? init.kind !== 'offline');
  }

  /** Whether trying the same request again later can succeed without a person acting. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient' || this.kind === 'offline';
  }
}

export function isVendorError(e: unknown): e is VendorError {
  return e instanceof VendorError;
}

/** Parse a Retry-After header (delta-seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
