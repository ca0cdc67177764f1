// What Concord accepts from a vendor (issue 23): a broken or hostile vendor must not stall a
// sync, exhaust memory or the stack, or loop a pull forever. Every limit hit is a `refused`
// VendorError: permanent for this sync (retrying cannot help), named, and what was committed
// before it stays committed.
import { VendorError } from './errors';

export interface VendorLimits {
  /** Bytes of one answer, counted after gzip/deflate decoding (a gzip bomb is small on the wire). */
  maxResponseBytes: number;
  /** Nesting of arrays and objects in a JSON answer; no vendor's documented shape goes past ~8. */
  maxJsonDepth: number;
  /** One request, headers and whole body, so a body trickled a byte at a time cannot hold a sync. */
  requestTimeoutMs: number;
  /** One account's whole sync (pull and push). */
  syncDeadlineMs: number;
  /** Records on one page, as a multiple of the page size asked for. */
  recordsPerPageFactor: number;
  /** Records in one pull where the vendor states no total: at least this many… */
  pullRecordFloor: number;
  /** …or this many times what the store holds for the account, whichever is more. */
  pullRecordFactor: number;
  /** Same-origin redirects followed for one request. */
  maxRedirects: number;
}

export const DEFAULT_VENDOR_LIMITS: VendorLimits = {
  maxResponseBytes: 64 * 1024 * 1024,
  maxJsonDepth: 64,
  requestTimeoutMs: 30_000,
  syncDeadlineMs: 60 * 60_000,
  recordsPerPageFactor: 2,
  pullRecordFloor: 1_000_000,
  pullRecordFactor: 10,
  maxRedirects: 5,
};

export function resolveLimits(l?: Partial<VendorLimits>): VendorLimits {
  return { ...DEFAULT_VENDOR_LIMITS, ...l };
}

/** "64 MB", "1.5 KB": sizes as a person reads them in a message. */
export function sizeText(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[u]}`;
}

export function refused(
  message: string,
  extra: { status?: number; method?: string; restartPull?: boolean; cause?: unknown } = {},
): VendorError {
  return new VendorError({ kind: 'refused', maybeApplied: true, message, ...extra });
}

/**
 * Whether JSON text nests deeper than `max`, found by one pass over the characters (no
 * recursion, no parse): JSON.parse itself copes with deep nesting, but everything after it
 * that walks the value (JSON.stringify when storing the raw record, the mappers) recurses
 * and would overflow the stack.
 */
export function jsonTooDeep(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: jump to its closing quote (native indexOf; a page is mostly string bytes).
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j < 0) return false; // unterminated: JSON.parse will say so
        let backslashes = 0;
        while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Whether a body is meant as JSON (CSV exports are not scanned: their brackets mean nothing). */
export function looksLikeJson(text: string): boolean {
  const m = /^\s*([[{])/.exec(text.slice(0, 64));
  return m !== null;
}

export interface PageFacts {
  /** Which page this was, as the request named it (page number, offset): it must not come twice. */
  at: string;
  /** The vendor's link to the next page, when it sends one. */
  next?: string | null;
  /** Ids of the records on the page (parsed or known unchanged). */
  ids: string[];
  /** Whether the vendor says more pages follow. */
  more: boolean;
  /** Records the vendor says it holds (CallTools `count`, MPDX `total_count`). */
  statedTotal?: number;
  /** Pages the vendor says it has (MPDX `total_pages`). */
  statedPages?: number;
  /** Whether the page is one the store remembered from an earlier pull (its size was checked then). */
  remembered?: boolean;
}

/**
 * A pull must prove it is getting somewhere: each page brings a record not seen yet in this
 * pull, no link or page comes twice, an empty page does not say more follow, and the pull ends
 * within what the vendor said it holds (with a margin for records added meanwhile) or, when it
 * states nothing, within a multiple of what the store holds. A breach throws `refused` with
 * restartPull: the cursor it reached is dropped, so the next sync does not resume the loop.
 */
export class PagingGuard {
  private readonly seen = new Set<string>();
  private readonly links = new Set<string>();
  private readonly ats = new Set<string>();
  private pages = 0;
  private records = 0;
  private maxPages: number | null = null;
  private readonly maxRecords: number;

  constructor(
    private readonly vendor: string,
    private readonly o: { pageSize?: number; limits: VendorLimits; knownRecords?: number; what?: string },
  ) {
    this.maxRecords = Math.max(o.limits.pullRecordFloor, o.limits.pullRecordFactor * (o.knownRecords ?? 0));
  }

  page(p: PageFacts): void {
    const what = this.o.what ?? 'contacts';
    const stop = (why: string): never => {
      throw refused(`${this.vendor} ${why} — paging stopped; what came before is kept, and the next sync starts from the first page`, {
        restartPull: true,
      });
    };
    this.pages++;
    if (this.ats.has(p.at)) stop(`sent ${what} page ${p.at} a second time`);
    this.ats.add(p.at);
    if (p.next) {
      if (this.links.has(p.next)) stop(`sent the same next link twice (${p.next.slice(0, 120)})`);
      this.links.add(p.next);
    }
    const perPage = this.o.pageSize ? this.o.pageSize * this.o.limits.recordsPerPageFactor : null;
    if (perPage !== null && !p.remembered && p.ids.length > perPage) {
      throw refused(`${this.vendor} sent ${p.ids.length} ${what} on one page where ${this.o.pageSize} were asked for — refused`);
    }
    if (!p.ids.length && p.more) stop(`sent an empty ${what} page (${p.at}) that says more follow`);
    if (p.ids.length && p.ids.every((id) => this.seen.has(id)))
      stop(`sent ${what} page ${p.at} with nothing new on it (every record came earlier in this pull)`);
    for (const id of p.ids) this.seen.add(id);
    this.records += p.ids.length;
    // The first stated size counts: a vendor that raises it page after page does not extend the cap.
    if (this.maxPages === null && this.o.pageSize) {
      const fromTotal = p.statedTotal !== undefined && Number.isFinite(p.statedTotal) ? Math.ceil(p.statedTotal / this.o.pageSize) : null;
      const stated = p.statedPages !== undefined && Number.isFinite(p.statedPages) ? p.statedPages : null;
      const base = Math.max(fromTotal ?? 0, stated ?? 0);
      if (fromTotal !== null || stated !== null) this.maxPages = base + Math.max(3, Math.ceil(base / 10));
    }
    if (p.more && this.maxPages !== null && this.pages >= this.maxPages)
      stop(`kept saying more ${what} follow past page ${this.pages}, beyond the ${this.maxPages} pages its own total allows`);
    if (this.records > this.maxRecords) stop(`sent more than ${this.maxRecords.toLocaleString('en')} ${what} in one pull`);
  }
}
