// Carrying do-not-contact into another vendor (issue 21): a person, number or address blocked
// anywhere is never sent to a vendor as contactable. Where the target can hold the block it is
// sent with it (CallTools do_not_contact, LiveVox accountBlock/phoneBlock); a number or address
// it cannot mark is left out, saying why; a person it cannot mark at all is not created there.
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../shared/domain';
import type { FieldSupport } from '../vendors/connector';

export interface CarriedBlocks {
  /** The contact to send: blocked entries the vendor cannot mark taken out. */
  contact: CanonicalContact;
  /** What happens to each block, in words, for the preview. */
  lines: string[];
  /** Why the person cannot be created there at all, or null. */
  refusal: string | null;
}

const why = (x: { doNotContactWhy?: string | null }): string => x.doNotContactWhy?.trim() || 'do not contact';

export function carryBlocks(c: CanonicalContact, fields: FieldSupport, label: string): CarriedBlocks {
  const out: CanonicalContact = { ...c };
  const lines: string[] = [];
  let refusal: string | null = null;
  if (c.doNotContact === true) {
    if (fields.write.includes('doNotContact')) lines.push(`Do not contact — ${why(c)}: created as do-not-contact in ${label}`);
    else refusal = `${why(c)}; ${label} has no place to say so, so they are not added there`;
  }
  const carry = <T extends PhoneEntry | EmailEntry>(
    field: 'phones' | 'emails',
    list: T[] | undefined,
    name: (e: T) => string,
  ): T[] | undefined => {
    if (!list) return list;
    const canMark = fields.parts?.includes(`${field}.doNotContact`) ?? false;
    const kept = list.filter((e) => {
      if (!e.doNotContact) return true;
      if (canMark) lines.push(`${name(e)} — ${why(e)}: sent blocked`);
      else
        lines.push(
          `${name(e)} left out — ${why(e)}; ${label} cannot mark one ${field === 'phones' ? 'number' : 'email address'} as do-not-contact`,
        );
      return canMark;
    });
    return kept.length ? kept : undefined;
  };
  const phones = carry('phones', out.phones, (p) => p.e164 ?? p.raw);
  const emails = carry('emails', out.emails, (e) => e.address);
  if (phones) out.phones = phones;
  else delete out.phones;
  if (emails) out.emails = emails;
  else delete out.emails;
  return { contact: out, lines, refusal };
}
