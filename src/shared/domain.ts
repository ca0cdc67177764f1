// Domain types shared by every layer. Plain TypeScript + zod: no electron, no node:*.
import { z } from 'zod';

export const VENDORS = ['calltools', 'mpdx', 'livevox', 'lightening', 'bigchange'] as const;
export const ACCOUNT_KINDS = [...VENDORS, 'csv'] as const;
export const Vendor = z.enum(VENDORS);
export type Vendor = z.infer<typeof Vendor>;
export const AccountKind = z.enum(ACCOUNT_KINDS);
export type AccountKind = z.infer<typeof AccountKind>;

export const VENDOR_LABELS: Record<AccountKind, string> = {
  calltools: 'CallTools',
  mpdx: 'MPDX',
  livevox: 'LiveVox',
  lightening: 'Lightening',
  bigchange: 'BigChange',
  csv: 'CSV file',
};

/**
 * Why a contact, phone or email is not to be contacted, in words ("blocked in LiveVox:
 * PERMANENT"), as the vendor said it. Kept beside `doNotContact` so the window can say why,
 * and through the golden record; not a field of its own (it goes where `doNotContact` goes).
 */
export const DoNotContactWhy = z.string().nullable().optional();

export const EmailEntry = z.object({
  address: z.string(),
  label: z.string().nullable().optional(),
  primary: z.boolean().optional(),
  doNotContact: z.boolean().optional(),
  doNotContactWhy: DoNotContactWhy,
  /**
   * Why the vendor marks this entry as not accurate, in words (MPDX `valid_values: false`:
   * "whether the number is accurate", the vendor's mpdx-phones.txt). Read only; Concord never sets it.
   */
  notAccurate: z.string().optional(),
});
export type EmailEntry = z.infer<typeof EmailEntry>;

export const PhoneEntry = z.object({
  /** E.164 when the number could be parsed, otherwise null (raw is always kept). */
  e164: z.string().nullable(),
  raw: z.string(),
  label: z.string().nullable().optional(),
  primary: z.boolean().optional(),
  doNotContact: z.boolean().optional(),
  doNotContactWhy: DoNotContactWhy,
  /**
   * Why the vendor marks this entry as not accurate, in words (MPDX `valid_values: false`:
   * "whether the number is accurate", the vendor's mpdx-phones.txt). Read only; Concord never sets it.
   */
  notAccurate: z.string().optional(),
  mobile: z.boolean().optional(),
  /**
   * Consent to be called on a cell phone / texted, exactly as the vendor holds it (LiveVox
   * cellConsent, smsConsent). A legal fact: read only, never written or derived by Concord.
   */
  consent: z.object({ call: z.boolean().optional(), sms: z.boolean().optional() }).optional(),
});
export type PhoneEntry = z.infer<typeof PhoneEntry>;

export const Address = z.object({
  street1: z.string().nullable().optional(),
  street2: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  region: z.string().nullable().optional(),
  postalCode: z.string().nullable().optional(),
  county: z.string().nullable().optional(),
  country: z.string().nullable().optional(),
});
export type Address = z.infer<typeof Address>;

/** Each part of an address in words, for the core's messages and the window alike. */
export const ADDRESS_PART_WORDS: Record<keyof Address, string> = {
  street1: 'street',
  street2: 'second street line',
  city: 'city',
  region: 'state or region',
  postalCode: 'postal code',
  county: 'county',
  country: 'country',
};

/** The canonical contact (docs/design.md#canonical-contact). Every field is optional: vendors hold different subsets. */
export const CanonicalContact = z.object({
  givenName: z.string().nullable().optional(),
  familyName: z.string().nullable().optional(),
  fullName: z.string().nullable().optional(),
  emails: z.array(EmailEntry).optional(),
  phones: z.array(PhoneEntry).optional(),
  address: Address.nullable().optional(),
  company: z.string().nullable().optional(),
  department: z.string().nullable().optional(),
  role: z.string().nullable().optional(),
  /** ISO date YYYY-MM-DD. */
  birthDate: z.string().nullable().optional(),
  /**
   * A birth date as an import had it when it is not a whole date ("1856-86-18"): matching reads
   * what it can of it (the year, a slipped digit); it is never shown as the birth date nor sent
   * to a vendor, so it is not among CANONICAL_FIELDS.
   */
  birthDateText: z.string().nullable().optional(),
  timeZone: z.string().nullable().optional(),
  doNotContact: z.boolean().nullable().optional(),
  doNotContactWhy: DoNotContactWhy,
  tags: z.array(z.string()).optional(),
  notes: z.string().nullable().optional(),
  externalRef: z.string().nullable().optional(),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable().optional(),
  custom: z.record(z.string(), z.string()).optional(),
});
export type CanonicalContact = z.infer<typeof CanonicalContact>;

export const CANONICAL_FIELDS = [
  'givenName',
  'familyName',
  'fullName',
  'emails',
  'phones',
  'address',
  'company',
  'department',
  'role',
  'birthDate',
  'timeZone',
  'doNotContact',
  'tags',
  'notes',
  'externalRef',
  'location',
  'custom',
] as const satisfies readonly (keyof CanonicalContact)[];
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

export const RECORD_STATES = ['synced', 'modified', 'conflicted', 'pushing', 'rejected', 'deleted_remote', 'deleted_local'] as const;
export const RecordState = z.enum(RECORD_STATES);
export type RecordState = z.infer<typeof RecordState>;

/** How long an account's removal can be undone; then it is final (its kept copy and secret go). */
export const REMOVAL_UNDO_DAYS = 7;

/** Outbox states, defined once; the sync-state module moves changes between them. */
export const CHANGE_STATES = ['pending', 'in_flight', 'done', 'conflict', 'rejected', 'cancelled'] as const;
export const ChangeState = z.enum(CHANGE_STATES);
export type ChangeState = z.infer<typeof ChangeState>;
/** States of a change still waiting for something (a push, a person). */
export const OPEN_CHANGE_STATES = ['pending', 'in_flight', 'conflict', 'rejected'] as const satisfies readonly ChangeState[];

export const CHANGE_OPS = ['create', 'update', 'delete', 'merge'] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

/** A readable name for a contact, whatever subset of fields it has. */
export function displayName(c: CanonicalContact): string {
  const parts = [c.givenName, c.familyName].filter((p): p is string => !!p && p.trim() !== '');
  if (parts.length) return parts.join(' ');
  if (c.fullName) return c.fullName;
  if (c.company) return c.company;
  return c.emails?.[0]?.address ?? c.phones?.[0]?.raw ?? '(no name)';
}

export function primaryOf<T extends { primary?: boolean }>(list: T[] | undefined): T | undefined {
  if (!list?.length) return undefined;
  return list.find((x) => x.primary) ?? list[0];
}
