import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/shared/domain';
import { generatePopulation } from '../../src/main/core/sandbox/population';

describe('sandbox population', () => {
  it('is deterministic per seed', () => {
    expect(JSON.stringify(generatePopulation({ seed: 7 }))).toBe(JSON.stringify(generatePopulation({ seed: 7 })));
    expect(JSON.stringify(generatePopulation({ seed: 7 }))).not.toBe(JSON.stringify(generatePopulation({ seed: 8 })));
  });

  it('has 300 people by default, about half in two or more vendors, some twice in one vendor', () => {
    const pop = generatePopulation({ seed: 1 });
    expect(pop.truth).toHaveLength(300);
    const multi = pop.truth.filter((t) => new Set(t.keys.map((k) => k.split(':')[0])).size >= 2).length / 300;
    expect(multi).toBeGreaterThan(0.4);
    expect(multi).toBeLessThan(0.6);
    const twiceInOne = pop.truth.filter((t) => new Set(t.keys.map((k) => k.split(':')[0])).size < t.keys.length);
    expect(twiceInOne.length).toBeGreaterThan(3);
    for (const v of VENDORS) expect(pop.byVendor[v].length).toBeGreaterThan(60);
    // Every placement is in the truth exactly once.
    const keys = pop.truth.flatMap((t) => t.keys).sort();
    expect(keys).toEqual(VENDORS.flatMap((v) => pop.byVendor[v].map((c) => c.key)).sort());
  });

  it('varies copies of one person the way real systems do', () => {
    const pop = generatePopulation({ seed: 1, people: 1000 });
    const byKey = new Map(
      Object.values(pop.byVendor)
        .flat()
        .map((c) => [c.key, c.contact]),
    );
    let nickname = 0;
    let swapped = 0;
    let phoneFormats = 0;
    for (const t of pop.truth) {
      const copies = t.keys.map((k) => byKey.get(k)!);
      const [first, ...rest] = copies;
      for (const c of rest) {
        if (c.givenName !== first!.givenName && c.familyName === first!.familyName) nickname++;
        if (c.givenName === first!.familyName && c.familyName === first!.givenName) swapped++;
        const a = first!.phones?.[0];
        const b = c.phones?.[0];
        if (a && b && a.e164 === b.e164 && a.raw !== b.raw) phoneFormats++;
      }
    }
    expect(nickname).toBeGreaterThan(10);
    expect(swapped).toBeGreaterThan(2);
    expect(phoneFormats).toBeGreaterThan(10);
    // Households: two different people sharing a phone number.
    const phoneOwners = new Map<string, Set<string>>();
    for (const t of pop.truth)
      for (const k of t.keys)
        for (const p of byKey.get(k)!.phones ?? []) {
          if (!phoneOwners.has(p.e164!)) phoneOwners.set(p.e164!, new Set());
          phoneOwners.get(p.e164!)!.add(t.personId);
        }
    expect([...phoneOwners.values()].filter((s) => s.size > 1).length).toBeGreaterThan(5);
  });

  it('keeps values inside the tightest vendor limits', () => {
    const pop = generatePopulation({ seed: 3, people: 2000 });
    for (const c of Object.values(pop.byVendor)
      .flat()
      .map((x) => x.contact)) {
      expect(`${c.givenName} ${c.familyName}`.length).toBeLessThanOrEqual(50);
      for (const p of c.phones ?? []) expect(p.raw.length).toBeLessThanOrEqual(20);
      for (const e of c.emails ?? []) expect(e.address.length).toBeLessThanOrEqual(100);
      expect((c.address?.postalCode ?? '').length).toBeLessThanOrEqual(10);
    }
  });
});
