// Do-not-contact in the golden record: the strictest wins. A person is not to be contacted if
// any live linked record says so, and a number or address blocked in one vendor stays blocked
// in the golden list — whatever a newer or trusted record, or a pinned value, says. Lifting a
// block is done where it was set; Concord never lifts one by choosing another record's value.
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../shared/domain';

interface Source {
  local: CanonicalContact;
}

/** The reason a record gives, or a plain one when it gives none. */
const whyOf = (why: string | null | undefined): string => (why && why.trim()) || 'do not contact (a linked record says so)';

/** Lay the strictest do-not-contact of `sources` (most relevant first) over the golden record `out`. */
export function strictestDoNotContact(out: Record<string, unknown>, sources: readonly Source[]): void {
  const blocked = sources.find((s) => s.local.doNotContact === true);
  if (blocked) {
    out.doNotContact = true;
    out.doNotContactWhy = whyOf(blocked.local.doNotContactWhy);
  } else if (out.doNotContact !== true) delete out.doNotContactWhy;
  else out.doNotContactWhy ??= 'do not contact (set in Concord)';
  if (Array.isArray(out.phones))
    out.phones = (out.phones as PhoneEntry[]).map((p) =>
      entry(
        p,
        sources.flatMap((s) => s.local.phones ?? []),
        phoneKey(p),
        phoneKey,
      ),
    );
  if (Array.isArray(out.emails))
    out.emails = (out.emails as EmailEntry[]).map((e) =>
      entry(
        e,
        sources.flatMap((s) => s.local.emails ?? []),
        emailKey(e),
        emailKey,
      ),
    );
}

function entry<T extends { doNotContact?: boolean; doNotContactWhy?: string | null; consent?: unknown }>(
  chosen: T,
  all: T[],
  key: string,
  keyOf: (x: T) => string,
): T {
  const same = all.filter((x) => keyOf(x) === key);
  const blocked = same.find((x) => x.doNotContact === true);
  const out: T = { ...chosen };
  if (blocked) Object.assign(out, { doNotContact: true, doNotContactWhy: whyOf(blocked.doNotContactWhy) });
  // Consents are read-only facts of one vendor's number: shown from whichever record holds them.
  const consent = chosen.consent ?? same.find((x) => x.consent)?.consent;
  if (consent) Object.assign(out, { consent });
  return out;
}

const phoneKey = (p: PhoneEntry): string => p.e164 ?? p.raw.replace(/\D/g, '');
const emailKey = (e: EmailEntry): string => e.address.trim().toLowerCase();
