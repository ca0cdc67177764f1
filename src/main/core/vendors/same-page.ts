// A page of a full re-read whose body is byte-for-byte what the store remembers for the same
// request holds the same records, so a connector need not parse it. The digest is SHA-1 over
// the body text (0.25 ms for a 500 KB page, against ~10 µs a record to parse, hash and compare).
import { createHash } from 'node:crypto';
import type { PullOptions, PullPage } from './connector';

/** The page as the store remembers it when its body is unchanged, else the source to remember it under. */
export function samePage(options: PullOptions | undefined, key: string, body: string): { unchanged: PullPage | null; source: { key: string; digest: string } } {
  const digest = createHash('sha1').update(body).digest('hex');
  const known = options?.remembered?.(key);
  const unchanged = known && known.digest === digest ? { records: [], unchangedIds: known.remoteIds, nextCursor: known.nextCursor, fullScan: true, checkpoint: null, source: { key, digest } } : null;
  return { unchanged, source: { key, digest } };
}
