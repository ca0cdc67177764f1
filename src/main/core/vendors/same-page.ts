// Vendors with no changed-since filter (CallTools, Lightening, BigChange) are read in full at
// every sync. What the store holds already need not be parsed again:
//  - a page whose body is byte-for-byte the one the store remembers for the same request holds
//    the same records (SHA-1 of the body: 0.25 ms for a 500 KB page);
//  - otherwise, each record of the page is cut out as the vendor wrote it (record-slices.ts)
//    and a record whose bytes the store remembers from that page is the record it holds; only
//    the others are parsed, mapped and compared.
// What is remembered, and when it is forgotten, is SyncStore's (rememberPage).
import crypto from 'node:crypto';
import type { PullOptions, PullPage, RemoteRecord } from './connector';
import { VendorError } from './errors';
import type { HttpResponse } from './http';
import { sliceRecords } from './record-slices';
import { isStringifyOutput } from './stringify-output';

/** SHA-1 in one call (Node ≥ 20.12: no Hash object per record); createHash where it is missing. */
const sha1: (s: string | Uint8Array) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha1', s, 'hex') : (s) => crypto.createHash('sha1').update(s).digest('hex');
/** 64 bits of a record's SHA-1 tell its bytes apart within a page. */
const itemDigest = (s: string): string => sha1(s).slice(0, 16);

export interface ListPage {
  /** The page as the same records again (nothing to parse), or null. */
  same: PullPage | null;
  /** The page, parsed, its array holding only the records still to look at. */
  json: Record<string, unknown>;
  /** Records the store holds exactly as sent, and their digests. */
  unchangedIds: string[];
  unchangedDigests: string[];
  /** The digest of each record in `json[arrayKey]`, in order (absent when the page could not be cut). */
  digests: string[] | undefined;
  /** Each record in `json[arrayKey]` as the vendor wrote it when that is what JSON.stringify writes for it, in the order of `digests`. */
  texts: (string | undefined)[] | undefined;
  source: { key: string; digest: string };
}

/** Read a list page whose records are the array under `arrayKey`, parsing only what the store does not hold. */
export function readListPage(
  options: PullOptions | undefined,
  key: string,
  res: HttpResponse,
  arrayKey: string,
  vendorName: string,
): ListPage {
  const body = res.text;
  // The bytes, when the text is exactly their UTF-8, hash to the same digest without encoding it again.
  const source = { key, digest: sha1(res.bytes ?? body) };
  const known = options?.remembered?.(key);
  if (known && known.digest === source.digest) {
    // Nothing to remember afresh: the store holds this page as it is (pull-service skips it).
    const same: PullPage = { records: [], unchangedIds: known.remoteIds, nextCursor: known.nextCursor, fullScan: true, checkpoint: null };
    return { same, json: {}, unchangedIds: known.remoteIds, unchangedDigests: [], digests: undefined, texts: undefined, source };
  }
  const malformed = (e: unknown) =>
    new VendorError({
      kind: 'malformed',
      status: res.status,
      method: res.method,
      maybeApplied: true,
      message: `${vendorName} sent a reply that is not valid JSON (HTTP ${res.status})`,
      bodyExcerpt: body.slice(0, 300),
      cause: e,
    });
  const slices = sliceRecords(body, arrayKey);
  if (!slices) {
    try {
      return {
        same: null,
        json: JSON.parse(body) as Record<string, unknown>,
        unchangedIds: [],
        unchangedDigests: [],
        digests: undefined,
        texts: undefined,
        source,
      };
    } catch (e) {
      throw malformed(e);
    }
  }
  const held = new Map<string, string>();
  if (known?.itemDigests) known.itemDigests.forEach((d, i) => held.set(d, known.remoteIds[i]!));
  const unchangedIds: string[] = [];
  const unchangedDigests: string[] = [];
  const items: unknown[] = [];
  const digests: string[] = [];
  const texts: (string | undefined)[] = [];
  try {
    const json = JSON.parse(slices.envelope) as Record<string, unknown>;
    for (const item of slices.items) {
      const d = itemDigest(item);
      const id = held.get(d);
      if (id !== undefined) {
        unchangedIds.push(id);
        unchangedDigests.push(d);
      } else {
        const parsed: unknown = JSON.parse(item);
        items.push(parsed);
        digests.push(d);
        texts.push(isStringifyOutput(item, parsed) ? item : undefined);
      }
    }
    if (json && typeof json === 'object') json[arrayKey] = items;
    return { same: null, json, unchangedIds, unchangedDigests, digests, texts, source };
  } catch (e) {
    throw malformed(e);
  }
}

/** What the store should remember of a page read by `readListPage`, once its records are known. */
export function rememberOf(page: ListPage, remoteIds: string[]): PullPage['remember'] {
  return {
    remoteIds: [...page.unchangedIds, ...remoteIds],
    itemDigests: page.digests ? [...page.unchangedDigests, ...page.digests] : undefined,
  };
}

/**
 * The page's records (made from `json[arrayKey]`, in its order) with the text each was parsed
 * from and its digest, where that text is what serialising the record gives: the store then
 * neither serialises nor hashes it again (RemoteRecord.rawText).
 */
export function withSentText(page: ListPage, records: RemoteRecord[]): RemoteRecord[] {
  const { texts, digests } = page;
  if (!texts || !digests || texts.length !== records.length) return records;
  records.forEach((r, i) => {
    const text = texts[i];
    if (text === undefined) return;
    r.rawText = text;
    r.rawSha1 = digests[i];
  });
  return records;
}
