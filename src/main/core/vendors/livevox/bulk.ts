// LiveVox's batch routes (the vendor's livevox-contacts.txt, "Find Matching Contact" and "Bulk
// Update Contact"; docs/vendors/livevox.md): many accounts read by one search whose tree ORs
// `account EQUALS` conditions, and many whole contacts written by one PUT /contact/contacts/bulk.
import type { LiveVoxJson } from './mapping';

/** Search's hard cap on `count` (the document: "There is a hard cap of 1000 items"). */
export const LIVEVOX_SEARCH_CAP = 1000;
/** Records per batch: one search, one bulk PUT and one search settle this many edits. */
export const LIVEVOX_BATCH = 200;

type SearchNode = { field: string; criteria: string; condition: 'EQUALS' } | { rule: 'OR'; left: SearchNode; right: SearchNode };

/**
 * The search tree matching exactly these accounts. A rule has one left and one right branch
 * (the document's "Multiple Conditions" example), so many accounts make a balanced tree of ORs:
 * its depth grows with log2 of the count (8 levels for 200), never one level per account.
 */
export function accountsSearch(accounts: readonly string[]): SearchNode {
  if (!accounts.length) throw new Error('accountsSearch needs at least one account');
  const build = (lo: number, hi: number): SearchNode => {
    if (hi - lo === 1) return { field: 'account', criteria: accounts[lo]!, condition: 'EQUALS' };
    const mid = (lo + hi) >>> 1;
    return { rule: 'OR', left: build(lo, mid), right: build(mid, hi) };
  };
  return build(0, accounts.length);
}

/** Keys only search answers carry on each phone slot (the document's search examples). */
const SEARCH_SLOT_KEYS = ['position', 'callAttemptsTotal', 'callAttemptsToday'];

/**
 * A search answer in the shape of a read (`readContactDetails`), so the whole-contact PUT built
 * from it carries only what the contact holds: the padded phone slots with no number are
 * dropped, and so are the keys only search answers have (the internal `id`, the top-level
 * `postalCode` beside `person.zipCode`, each slot's position and call counts, a `dnd` /
 * `dndDaily` that is false). A `dnd` that is true stays: it is a block.
 */
export function searchAsRead(j: LiveVoxJson): LiveVoxJson {
  const { id: _id, postalCode: _p, ...rest } = j;
  if (!Array.isArray(rest.phone)) return rest;
  const phone = (rest.phone as LiveVoxJson[])
    .filter((p) => p && typeof p.phone === 'string' && p.phone.trim() !== '')
    .map((p) => {
      const slot: LiveVoxJson = {};
      for (const [k, v] of Object.entries(p)) {
        if (SEARCH_SLOT_KEYS.includes(k)) continue;
        if ((k === 'dnd' || k === 'dndDaily') && v !== true) continue;
        slot[k] = v;
      }
      return slot;
    });
  return { ...rest, phone };
}
