// An incremental scan finds a changed record's partners from the keys the store keeps
// (match-keys.ts partnersOf) instead of blocking every record. They must be the partners
// blocking gives (candidateKeys with that record dirty), big blocks and weak caps included:
// the store is padded past 100,000 records so weak blocks (a birth date, a postcode) are capped.
import { describe, expect, it } from 'vitest';
import { candidateKeys, pairHi, pairLo } from '../../src/main/core/dedupe/blocking';
import { toMatchRecord, type MatchRecord } from '../../src/main/core/dedupe/features';
import { partnersOf, recordKeys } from '../../src/main/core/dedupe/match-keys';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import { VENDORS, type CanonicalContact } from '../../src/shared/domain';

const rec = (ix: number, c: CanonicalContact): MatchRecord =>
  toMatchRecord(ix, { id: `r${ix}`, accountId: 'a', vendor: 'mpdx', remoteId: String(ix), personId: `p${ix}`, contact: c });

describe('partners from the kept keys', () => {
  it('are the partners blocking gives, in small, big and capped weak blocks', { timeout: 60_000 }, () => {
    const pop = generatePopulation({ seed: 3, people: 1500 });
    const contacts = VENDORS.flatMap((v) => pop.byVendor[v].map((s) => s.contact as CanonicalContact));
    const recs: MatchRecord[] = [];
    contacts.forEach((c, i) => {
      // Crowds: a shared birth date (weak), a shared switchboard (strong), one postcode and family (weak).
      const crowd: Partial<CanonicalContact> =
        i % 40 === 0
          ? { birthDate: '1970-01-01' }
          : i % 40 === 1
            ? { phones: [{ e164: '+16505550000', raw: '' }] }
            : i % 75 === 2 // about 35: over the weak cap at 190,000 records (29), under BIG (40)
              ? { familyName: 'Garcia', address: { ...c.address, postalCode: '94110' } }
              : {};
      recs.push(rec(i, { ...c, ...crowd }));
    });
    // Records with no key make the store big (past the weak cap's 100,000) without adding a pair.
    const blank = rec(recs.length, {});
    for (let i = recs.length; i < 190_000; i++) recs.push({ ...blank, ix: i, rowid: i, id: `r${i}`, personId: `p${i}` });
    const kept = recs.map(recordKeys);
    const byKey = new Map<number, number[]>();
    for (const k of kept) for (const key of k.keys) byKey.set(key, [...(byKey.get(key) ?? []), k.rec]);
    const changed = Array.from({ length: 400 }, (_, i) => (i * 7) % contacts.length);
    const found = partnersOf(
      changed.map((i) => kept[i]!),
      (key) => byKey.get(key) ?? [],
      (key) => (byKey.get(key) ?? []).map((r) => [r, kept[r]!.sort] as [number, string]),
      recs.length,
    );
    const ours = new Set([...found].flatMap(([a, ps]) => [...ps].map((b) => (a < b ? `${a}|${b}` : `${b}|${a}`))));
    const theirs = new Set([...candidateKeys(recs, new Set(changed))].map((k) => `${pairLo(k)}|${pairHi(k)}`));
    expect(ours.size).toBeGreaterThan(1000);
    expect([...ours].sort()).toEqual([...theirs].sort());
  });
});
