// A pulled record whose canonical form is mapped when first asked for. A re-sync reads every
// record of a vendor without a changed-since filter; most arrive exactly as stored, and the
// store sees that from the version and the raw copy alone, so their mapping (phone parsing
// above all) is never done.
import type { CanonicalContact } from '../../../shared/domain';
import type { RemoteRecord } from './connector';

export function lazyRecord(remoteId: string, raw: unknown, versions: Record<string, string>, map: () => CanonicalContact): RemoteRecord {
  let canonical: CanonicalContact | undefined;
  const rec = { remoteId, raw, versions } as RemoteRecord;
  Object.defineProperty(rec, 'canonical', {
    enumerable: true,
    get: () => (canonical ??= map()),
    // A caller may replace it (tests shape records by hand).
    set: (v: CanonicalContact) => {
      canonical = v;
    },
  });
  return rec;
}
