// After a create whose answer never came back (a timeout, a crash between send and commit),
// Concord must find out whether the vendor made the record before sending the create again
// (DESIGN §4). Each connector knows its strong evidence (stored step ids, an idempotency
// marker, an exact external ref / email / phone); a same-name record is never adopted, since
// two people with one name are common and adopting the wrong one overwrites a stranger.
import type { CanonicalContact } from '../../../shared/domain';
import type { Connector, CreateProgress, RemoteRecord } from '../vendors/connector';

export async function findCreated(connector: Connector, contact: CanonicalContact, idempotencyKey: string, progress?: CreateProgress): Promise<RemoteRecord | null> {
  return connector.findCreated(contact, { idempotencyKey, ...(progress ? { progress } : {}) });
}
