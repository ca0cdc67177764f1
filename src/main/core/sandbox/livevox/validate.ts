// What LiveVox refuses in a contact (the vendor's livevox-contacts.txt, docs/vendors/livevox.md):
// phone ordinals 1-10, block values, COL1-COL100 custom fields, the email, the account length.
import type { Json } from './store';

export function validate(c: Json): string | null {
  for (const p of (c.phone as Json[] | undefined) ?? []) {
    const o = Number(p.ordinal);
    if (!Number.isInteger(o) || o < 1 || o > 10) return `Invalid phone ordinal ${String(p.ordinal)}: must be 1-10`;
  }
  const BLOCKS = ['NONE', 'DAILY', 'PERMANENT', 'BOTH', 'DAILY_OFF', 'PERMANENT_OFF'];
  for (const p of (c.phone as Json[] | undefined) ?? []) {
    if (p.phoneBlock != null && !BLOCKS.includes(String(p.phoneBlock))) return `Invalid phoneBlock ${String(p.phoneBlock)}`;
  }
  if (c.accountBlock != null && !BLOCKS.includes(String(c.accountBlock))) return `Invalid accountBlock ${String(c.accountBlock)}`;
  for (const f of Array.isArray(c.customFields) ? (c.customFields as Json[]) : []) {
    if (!/^COL([1-9]\d?|100)$/.test(String(f.field))) return `Invalid custom field ${String(f.field)}: must be COL1-COL100`;
  }
  const person = (c.person ?? {}) as Json;
  if (person.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(person.email))) return 'Invalid email address';
  if (typeof c.account === 'string' && c.account.length > 255) return 'Account must be at most 255 characters';
  return null;
}
