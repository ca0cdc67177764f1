// Blocks and consents in the LiveVox simulator (the vendor's livevox-contacts.txt). The DND route's
// values are actions: "The result of assigning the above values (action) depends on the
// current status as shown in the below table" — a table our copy lost. Read here as: DAILY and
// PERMANENT add that block (to the other one: BOTH), BOTH sets both, DAILY_OFF and
// PERMANENT_OFF take that one off (BOTH less one leaves the other), NONE clears. Sending the
// value a record holds leaves it as it is.
import type { Rng } from '../rng';
import { validate } from './validate';

type Json = Record<string, unknown>;

export function dndAction(current: unknown, action: unknown): string {
  const cur = typeof current === 'string' ? current : 'NONE';
  const daily = cur === 'DAILY' || cur === 'BOTH';
  const permanent = cur === 'PERMANENT' || cur === 'BOTH';
  const state = (d: boolean, p: boolean): string => (d && p ? 'BOTH' : d ? 'DAILY' : p ? 'PERMANENT' : 'NONE');
  switch (action) {
    case 'DAILY':
      return state(true, permanent);
    case 'PERMANENT':
      return state(daily, true);
    case 'BOTH':
      return 'BOTH';
    case 'DAILY_OFF':
      return daily ? state(false, permanent) : cur;
    case 'PERMANENT_OFF':
      return permanent ? state(daily, false) : cur;
    default:
      return 'NONE';
  }
}

/**
 * Seeded contacts the way a dialler's are: a few blocked for good (about 1 in 25) or for the
 * day (1 in 50), a few numbers blocked (1 in 12), and consents on some numbers, given or
 * refused (cellConsent and smsConsent each on about a third of them).
 */
export function seedBlocksAndConsents(rng: Rng, c: Json): Json {
  const roll = rng.next();
  const accountBlock = roll < 0.04 ? 'PERMANENT' : roll < 0.06 ? 'DAILY' : 'NONE';
  const phone = (Array.isArray(c.phone) ? (c.phone as Json[]) : []).map((p) => {
    const out: Json = { ...p, phoneBlock: rng.chance(1 / 12) ? 'PERMANENT' : 'NONE' };
    if (rng.chance(0.35)) out.cellConsent = rng.chance(0.7);
    if (rng.chance(0.3)) out.smsConsent = rng.chance(0.6);
    return out;
  });
  return { ...c, accountBlock, phone };
}

/**
 * The DND update: each entry acts on the phoneBlock of the phone at its ordinal and sets its
 * consents as sent (an empty slot with a number given gets that number); accountBlock acts on
 * the contact's. How an action combines with the current block is the document's lost table,
 * read as the top of this file says (DAILY on PERMANENT is BOTH, PERMANENT_OFF on BOTH leaves DAILY…).
 */
export function applyDnd(c: Json, d: Json, now: number): string | null {
  const entries = Array.isArray(d.updateContactDND) ? (d.updateContactDND as Json[]) : [];
  const next = [...((c.phone as Json[]) ?? [])].map((p) => ({ ...p }));
  for (const e of entries) {
    const o = Number(e.ordinal);
    if (!Number.isInteger(o) || o < 1 || o > 10) return `Invalid phone ordinal ${String(e.ordinal)}: must be 1-10`;
    let slot = next.find((p) => Number(p.ordinal) === o);
    if (!slot) {
      if (typeof e.phone !== 'string' || !e.phone) continue;
      slot = { phone: e.phone, ordinal: o };
      next.push(slot);
    }
    if (e.phoneBlock !== undefined) {
      const problem = validate({ phone: [{ ordinal: o, phoneBlock: e.phoneBlock }] });
      if (problem) return problem;
      slot.phoneBlock = dndAction(slot.phoneBlock, e.phoneBlock);
    }
    for (const k of ['smsConsent', 'cellConsent'] as const) if (e[k] !== undefined) slot[k] = e[k];
  }
  const problem = validate({ ...c, phone: next, ...(d.accountBlock !== undefined ? { accountBlock: d.accountBlock } : {}) });
  if (problem) return problem;
  c.phone = next;
  if (d.accountBlock !== undefined) c.accountBlock = dndAction(c.accountBlock, d.accountBlock);
  c.modifyDate = now;
  return null;
}
