// Strong evidence that a vendor record is the one an interrupted create made (or an existing
// copy of the same person): an exact external reference, email or E.164 phone. A name is never
// evidence on its own: two people called John Smith are common, and adopting the wrong one
// would write one person's data over another's.
import type { CanonicalContact, PhoneEntry } from '../../../shared/domain';
import type { Connector, RemoteRecord } from './connector';
import { VendorError } from './errors';
import { withRetry, type RetryOptions } from './retry';

/** The record under a known vendor id, or null when the vendor says it is not there (any other failure throws). */
export async function readIfThere(connector: Pick<Connector, 'read'>, remoteId: string | undefined | null): Promise<RemoteRecord | null> {
  if (!remoteId) return null;
  try {
    return await connector.read(remoteId);
  } catch (e) {
    if (e instanceof VendorError && e.kind === 'not_found') return null;
    throw e;
  }
}

export const emailKey = (address: string | null | undefined): string => (address ?? '').trim().toLowerCase();

/** E.164 digits, or '' when the number could not be parsed (raw digits are too loose to trust). */
export const phoneKey = (p: Pick<PhoneEntry, 'e164'>): string => (p.e164 ?? '').replace(/\D/g, '');

/** True when the wanted contact could claim something strong enough to recognise it by. */
export function hasStrongEvidence(wanted: CanonicalContact): boolean {
  return (
    !!wanted.externalRef?.trim() || (wanted.emails ?? []).some((e) => emailKey(e.address)) || (wanted.phones ?? []).some((p) => phoneKey(p))
  );
}

/**
 * Same external ref, or a shared email or E.164 phone. Two different external refs mean two
 * records even when they share an email (a household address).
 */
export function strongMatch(wanted: CanonicalContact, found: CanonicalContact): boolean {
  const refA = wanted.externalRef?.trim();
  const refB = found.externalRef?.trim();
  if (refA && refB) return refA === refB;
  // A household shares a phone (often an email too): a shared number with a clearly different
  // given name is someone else. A name is never evidence for a match, only against one.
  if (differentGivenNames(wanted, found)) return false;
  const emails = new Set((wanted.emails ?? []).map((e) => emailKey(e.address)).filter(Boolean));
  const phones = new Set((wanted.phones ?? []).map(phoneKey).filter(Boolean));
  return (found.emails ?? []).some((e) => emails.has(emailKey(e.address))) || (found.phones ?? []).some((p) => phones.has(phoneKey(p)));
}

/**
 * A create POST answered by a timeout or a 5xx may have landed, so it is never re-sent as it
 * is: before each retry `find` (the connector's findCreated) looks for it. `send` must not
 * retry by itself.
 */
export async function createOnce<T>(
  send: () => Promise<T>,
  find: () => Promise<RemoteRecord | null>,
  retry?: RetryOptions,
): Promise<{ answer: T; found?: undefined } | { found: RemoteRecord }> {
  let sent = false;
  return withRetry(
    async () => {
      if (sent) {
        const found = await find();
        if (found) return { found };
      }
      sent = true;
      return { answer: await send() };
    },
    retry,
    { repeatable: true },
  );
}

const fold = (s: string | null | undefined): string =>
  (s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** Both give a first name and neither is the other (nor its initial, nor a shortening of it). */
function differentGivenNames(a: CanonicalContact, b: CanonicalContact): boolean {
  const first = (c: CanonicalContact): string => fold(c.givenName ?? (c.fullName ?? '').trim().split(/\s+/)[0]);
  const [x, y] = [first(a), first(b)];
  if (!x || !y) return false;
  return !(x.startsWith(y) || y.startsWith(x));
}
