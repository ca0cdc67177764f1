// The merge planner (dedupe/merge-plan.ts) alone: plain cluster objects in, the exact writes a
// merge would make out — no store, no database. Which vendor can do what comes in as
// VendorAbilities, so each rule (own merge, delete, link only, what a vendor holds) is shown
// with made-up abilities.
import { describe, expect, it } from 'vitest';
import type { AccountKind, CanonicalContact } from '../../src/shared/domain';
import type { ClusterRecord, ClusterView } from '../../src/main/core/dedupe/cluster-view';
import { andList, bulkPlanOf, pinsOf, planMerge, survivingPerson, type VendorAbilities } from '../../src/main/core/dedupe/merge-plan';

const ALL = ['givenName', 'familyName', 'emails', 'phones', 'address', 'company', 'role', 'birthDate'];

const vendors = (over: Partial<VendorAbilities> = {}): VendorAbilities => ({
  writable: () => ALL,
  canDelete: (v) => v !== 'bigchange',
  hasOwnMerge: (v) => v === 'mpdx',
  addressParts: () => undefined,
  parts: () => ['phones.label', 'phones.primary', 'emails.label', 'emails.primary'],
  ...over,
});

let n = 0;
function rec(vendor: AccountKind, contact: CanonicalContact, over: Partial<ClusterRecord> = {}): ClusterRecord {
  n++;
  return {
    recordId: `r${n}`,
    personId: `p${n}`,
    account: `acc-${vendor}`,
    accountLabel: `${vendor} account`,
    vendor,
    remoteId: `remote-${n}`,
    name: [contact.givenName, contact.familyName].filter(Boolean).join(' '),
    contact,
    ...over,
  };
}

const cluster = (...records: ClusterRecord[]): ClusterView => ({
  id: 'c1',
  score: 20,
  confidence: 1,
  auto: true,
  records,
  reasons: [],
  pairs: [],
});

describe('planMerge across vendors', () => {
  it('gives every record the picked values it lacks, the name as one fact, and links a record that already holds them', () => {
    const a = rec('calltools', { givenName: 'Ann', familyName: 'Lee', emails: [{ address: 'ann@example.org' }] });
    const b = rec('livevox', { givenName: 'Anne', familyName: 'Leigh', emails: [{ address: 'ann@example.org' }] });
    const plan = planMerge(cluster(a, b), { givenName: b.recordId }, vendors());
    expect(plan.clusterId).toBe('c1');
    expect(plan.golden).toMatchObject({ givenName: 'Anne', familyName: 'Leigh' });
    // Picking B's given name takes its family name along: A is never written "Anne Lee".
    expect(plan.writes).toEqual([
      {
        recordId: a.recordId,
        vendor: 'calltools',
        accountLabel: 'calltools account',
        remoteId: a.remoteId,
        op: 'update',
        fields: { givenName: 'Anne', familyName: 'Leigh' },
        note: 'update givenName, familyName',
      },
      {
        recordId: b.recordId,
        vendor: 'livevox',
        accountLabel: 'livevox account',
        remoteId: b.remoteId,
        op: 'link',
        note: 'linked; nothing to write',
      },
    ]);
  });

  it('writes only the fields a vendor can hold', () => {
    const a = rec('calltools', { givenName: 'Ann', familyName: 'Lee', company: 'Acme' });
    const b = rec('livevox', { givenName: 'Ann', familyName: 'Lee', company: 'Acme Inc' });
    const plan = planMerge(
      cluster(a, b),
      { company: b.recordId },
      vendors({ writable: (v) => (v === 'calltools' ? ['givenName', 'familyName'] : ALL) }),
    );
    expect(plan.writes.map((w) => [w.vendor, w.op])).toEqual([
      ['calltools', 'link'],
      ['livevox', 'link'],
    ]);
  });
});

describe('planMerge inside one vendor', () => {
  it('keeps the fuller record, fills its blanks from the duplicate, and uses the vendor’s own merge when it has one', () => {
    const full = rec(
      'mpdx',
      { givenName: 'Ann', familyName: 'Lee', emails: [{ address: 'ann@example.org' }], company: 'Acme' },
      { account: 'acc-m' },
    );
    const thin = rec('mpdx', { givenName: 'Ann', familyName: 'Lee', role: 'Treasurer' }, { account: 'acc-m' });
    const plan = planMerge(cluster(thin, full), {}, vendors());
    expect(plan.writes).toEqual([
      {
        recordId: full.recordId,
        vendor: 'mpdx',
        accountLabel: 'mpdx account',
        remoteId: full.remoteId,
        op: 'update',
        fields: { role: 'Treasurer' },
        note: 'update role',
      },
      {
        recordId: thin.recordId,
        vendor: 'mpdx',
        accountLabel: 'mpdx account',
        remoteId: thin.remoteId,
        op: 'merge',
        note: `merged into ${full.remoteId} by mpdx's own merge`,
      },
    ]);
  });

  it('deletes the duplicate where the vendor can, links it where it cannot', () => {
    const keep = rec('calltools', { givenName: 'Bo', familyName: 'Ng', company: 'Acme' });
    const dup = rec('calltools', { givenName: 'Bo', familyName: 'Ng' });
    expect(planMerge(cluster(keep, dup), {}, vendors()).writes.map((w) => [w.recordId, w.op, w.note])).toEqual([
      [keep.recordId, 'link', 'linked; nothing to write'],
      [dup.recordId, 'delete', `delete the duplicate (its values are kept on ${keep.remoteId})`],
    ]);
    const keep2 = rec('bigchange', { givenName: 'Bo', familyName: 'Ng', company: 'Acme' });
    const dup2 = rec('bigchange', { givenName: 'Bo', familyName: 'Ng' });
    expect(planMerge(cluster(keep2, dup2), {}, vendors()).writes.map((w) => [w.op, w.note])).toEqual([
      ['link', 'linked; nothing to write'],
      ['link', 'bigchange cannot delete contacts; the duplicate stays and is linked'],
    ]);
  });

  it('a duplicate not yet at the vendor (no remote id) is linked, not merged or deleted', () => {
    const keep = rec('mpdx', { givenName: 'Cy', familyName: 'Oh', company: 'Acme' });
    const local = rec('mpdx', { givenName: 'Cy', familyName: 'Oh' }, { remoteId: null });
    expect(planMerge(cluster(keep, local), {}, vendors()).writes.map((w) => w.op)).toEqual(['link', 'link']);
  });
});

describe('planMerge: what a vendor holds', () => {
  it('sends an address as the parts the vendor keeps, and says what it leaves out', () => {
    const a = rec('bigchange', { givenName: 'Di', familyName: 'Po' });
    const b = rec('livevox', {
      givenName: 'Di',
      familyName: 'Po',
      address: { street1: '1 Main St', city: 'Salem', region: 'OR', postalCode: '97301' },
    });
    const plan = planMerge(
      cluster(a, b),
      { address: b.recordId },
      vendors({ addressParts: (v) => (v === 'bigchange' ? ['street1', 'street2', 'city', 'postalCode', 'country'] : undefined) }),
    );
    expect(plan.writes[0]).toMatchObject({
      op: 'update',
      fields: { address: { street1: '1 Main St', city: 'Salem', postalCode: '97301' } },
      note: 'update address; BigChange keeps no state or region',
    });
  });

  it('the same numbers are no write whatever their labels; other entries carry only the parts the vendor keeps', () => {
    const a = rec('calltools', { givenName: 'Ed', familyName: 'Qi', phones: [{ e164: '+15035550100', raw: '503-555-0100' }] });
    const b = rec('livevox', {
      givenName: 'Ed',
      familyName: 'Qi',
      phones: [{ e164: '+15035550100', raw: '503-555-0100', label: 'mobile', mobile: true }],
    });
    expect(planMerge(cluster(a, b), { phones: b.recordId }, vendors({ parts: () => [] })).writes.map((w) => w.op)).toEqual([
      'link',
      'link',
    ]);
    const c = rec('livevox', {
      givenName: 'Ed',
      familyName: 'Qi',
      phones: [{ e164: '+15035550199', raw: '503-555-0199', label: 'work', primary: true, mobile: true }],
    });
    const plan = planMerge(cluster(a, c), { phones: c.recordId }, vendors({ parts: (v) => (v === 'calltools' ? ['phones.label'] : []) }));
    expect(plan.writes[0]).toMatchObject({
      recordId: a.recordId,
      op: 'update',
      fields: { phones: [{ e164: '+15035550199', raw: '503-555-0199', label: 'work' }] },
    });
  });
});

describe('planMerge: the minority warning', () => {
  it('marks a picked value fewer than half of the records holding the field agree with', () => {
    const a = rec('calltools', { givenName: 'Flo', familyName: 'Ray', company: 'Acme' });
    const b = rec('livevox', { givenName: 'Flo', familyName: 'Ray', company: 'Acme' });
    const c = rec('mpdx', { givenName: 'Flo', familyName: 'Ray', company: 'Globex' });
    expect(planMerge(cluster(a, b, c), { company: c.recordId }, vendors()).minority).toEqual([{ field: 'company', held: 1, of: 3 }]);
    expect(planMerge(cluster(a, b, c), {}, vendors()).minority).toEqual([]);
  });
});

describe('the planner’s helpers', () => {
  it('pinsOf refuses a record outside the cluster and keeps a picked name whole', () => {
    const a = rec('calltools', { givenName: 'Gus', familyName: 'Tam' });
    expect(() => pinsOf(cluster(a), { givenName: 'nope' })).toThrow(/not in this cluster/);
    expect(pinsOf(cluster(a), { givenName: a.recordId })).toEqual({ givenName: 'Gus', familyName: 'Tam' });
    expect(pinsOf(cluster(a), { givenName: a.recordId, familyName: a.recordId })).toEqual({ givenName: 'Gus', familyName: 'Tam' });
  });

  it('the person with the most records stays, then the lowest id', () => {
    expect(survivingPerson([{ personId: 'p2' }, { personId: 'p9' }, { personId: 'p9' }])).toBe('p9');
    expect(survivingPerson([{ personId: 'p2' }, { personId: 'p1' }])).toBe('p1');
  });

  it('andList names people the way a sentence does', () => {
    expect([andList([]), andList(['A']), andList(['A', 'B']), andList(['A', 'B', 'C'])]).toEqual(['records', 'A', 'A and B', 'A, B and C']);
  });

  it('bulkPlanOf counts the writes per account and names the deletions', () => {
    const keep = rec('calltools', { givenName: 'Hal', familyName: 'Um', company: 'Acme' });
    const dup = rec('calltools', { givenName: 'Hal', familyName: 'Um' });
    const other = rec('livevox', { givenName: 'Hal', familyName: 'Um', role: 'Chair' });
    const c = cluster(keep, dup, other);
    const plan = bulkPlanOf([c], (x) => planMerge(x, {}, vendors()));
    expect(plan).toEqual({
      clusters: 1,
      accounts: [
        { vendor: 'calltools', accountLabel: 'calltools account', update: 0, delete: 1, merge: 0, link: 1 },
        { vendor: 'livevox', accountLabel: 'livevox account', update: 0, delete: 0, merge: 0, link: 1 },
      ],
      deletions: [{ vendor: 'calltools', accountLabel: 'calltools account', remoteId: dup.remoteId, name: 'Hal Um' }],
      deletionsTotal: 1,
    });
  });
});
