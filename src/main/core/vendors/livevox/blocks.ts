// LiveVox blocks and consents (the vendor's livevox-contacts.txt). `accountBlock` on a contact and
// `phoneBlock` on a phone take NONE, DAILY, PERMANENT, BOTH, DAILY_OFF, PERMANENT_OFF: the
// document says they "block any dialing to this account for the entire day or permanently",
// and the _OFF values are the actions that take a block off. So DAILY, PERMANENT and BOTH are
// blocks; NONE and the _OFF values are not. Search results say it of a phone as `dnd` (and
// `dndDaily`) booleans. Consents (`cellConsent`, `smsConsent`) are legal facts: read, shown,
// sent back as read, never set by Concord.
import type { PhoneEntry } from '../../../../shared/domain';

const BLOCKING = new Set(['DAILY', 'PERMANENT', 'BOTH']);

/** The block Concord writes for a person or number blocked elsewhere: a standing one. It never writes NONE or an _OFF (it never lifts a block). */
export const LIVEVOX_BLOCK = 'PERMANENT';

export const isLiveVoxBlock = (v: unknown): boolean => typeof v === 'string' && BLOCKING.has(v.trim().toUpperCase());

/** Why a LiveVox contact or phone is blocked, in words, or null when it is not. */
export function liveVoxBlockWhy(block: unknown, flags: Record<string, unknown> = {}): string | null {
  if (isLiveVoxBlock(block)) return `blocked in LiveVox: ${String(block).trim().toUpperCase()}`;
  if (flags.dnd === true) return 'blocked in LiveVox: do not dial (dnd)';
  if (flags.dndDaily === true) return 'blocked in LiveVox for today (dndDaily)';
  return null;
}

/** cellConsent / smsConsent as the phone holds them (only the keys it has). */
export function liveVoxConsent(p: Record<string, unknown>): PhoneEntry['consent'] | undefined {
  const c: NonNullable<PhoneEntry['consent']> = {};
  if (typeof p.cellConsent === 'boolean') c.call = p.cellConsent;
  if (typeof p.smsConsent === 'boolean') c.sms = p.smsConsent;
  return Object.keys(c).length ? c : undefined;
}
