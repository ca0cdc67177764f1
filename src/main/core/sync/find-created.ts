// After a create whose answer never came back (a timeout, a crash between send and commit),
// Concord must find out whether the vendor made the record before sending the create again
// (DESIGN §4). The vendor's exact lookup is used where it has one; otherwise a full scan
// looks for a record with the same name and a shared email or phone. A match may also be a
// pre-existing copy of the same person; adopting it is what the person would want anyway.
import type { CanonicalContact } from '../../../shared/domain';
import type { Connector, RemoteRecord } from '../vendors/connector';

export async function findCreated(connector: Connector, contact: CanonicalContact, idempotencyKey: string): Promise<RemoteRecord | null> {
  if (connector.findCreated) return connector.findCreated(contact, { idempotencyKey });
  for await (const page of connector.pull(null, { full: true })) {
    const hit = page.records.find((r) => looksLikeTheSame(contact, r.canonical));
    if (hit) return hit;
  }
  return null;
}

const norm = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase();

export function looksLikeTheSame(a: CanonicalContact, b: CanonicalContact): boolean {
  const nameA = norm(a.givenName) + '|' + norm(a.familyName) + '|' + (a.givenName || a.familyName ? '' : norm(a.fullName));
  const nameB = norm(b.givenName) + '|' + norm(b.familyName) + '|' + (b.givenName || b.familyName ? '' : norm(b.fullName));
  if (nameA !== nameB) return false;
  const emails = new Set((a.emails ?? []).map((e) => norm(e.address)));
  const phones = new Set((a.phones ?? []).map((p) => p.e164 ?? p.raw.replace(/\D/g, '')));
  if (!emails.size && !phones.size) return true;
  return (b.emails ?? []).some((e) => emails.has(norm(e.address))) || (b.phones ?? []).some((p) => phones.has(p.e164 ?? p.raw.replace(/\D/g, '')));
}
