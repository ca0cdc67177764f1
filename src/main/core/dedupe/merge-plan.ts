// What a merge of a cluster's records would produce, worked out from the records alone: the
// golden record, and the exact write per vendor record — inside one vendor the duplicate is
// merged the vendor's way (its own merge, else update the survivor and delete the loser, else
// link only), across vendors each record is given the picked values it can hold. Pure: no store,
// no SQL; what each vendor can hold comes in as VendorAbilities.
import type { AccountKind, CanonicalContact } from '../../../shared/domain';
import { ADDRESS_PART_WORDS, VENDOR_LABELS } from '../../../shared/domain';
import { computeGolden, isBlank } from '../contacts/golden';
import type { NameStats } from '../contacts/name-choice';
import { CoreError } from '../errors';
import { agreeKey } from '../reconcile/agree-key';
import { sameValue } from '../sync/merge';
import type { ClusterRecord, ClusterView } from './cluster-view';

export interface PlannedWrite {
  recordId: string;
  vendor: AccountKind;
  accountLabel: string;
  remoteId: string | null;
  op: 'update' | 'delete' | 'merge' | 'link';
  fields?: Partial<CanonicalContact>;
  note: string;
}

export interface MergePlan {
  clusterId: string;
  golden: CanonicalContact;
  writes: PlannedWrite[];
  /** Golden values only a minority of the records that have the field hold (marked in the preview). */
  minority: { field: string; held: number; of: number }[];
}

export interface BulkPlan {
  clusters: number;
  accounts: { vendor: AccountKind; accountLabel: string; update: number; delete: number; merge: number; link: number }[];
  /** The vendor deletions, named (the first BULK_DELETIONS_LISTED). */
  deletions: { vendor: AccountKind; accountLabel: string; remoteId: string | null; name: string }[];
  deletionsTotal: number;
}

/** What each vendor can hold and do (from the vendor definitions; the core wires them in). */
export interface VendorAbilities {
  /** The canonical fields a vendor's records can be written. */
  writable(vendor: AccountKind): readonly string[];
  canDelete(vendor: AccountKind): boolean;
  /** The vendor merges two of its contacts itself (MPDX). */
  hasOwnMerge(vendor: AccountKind): boolean;
  /** The address parts a vendor keeps (absent: all): a merge's preview shows only what it will hold. */
  addressParts(vendor: AccountKind): readonly string[] | undefined;
  /** The parts of phones and emails a vendor holds (`phones.label`, …); see FieldSupport.parts. */
  parts(vendor: AccountKind): readonly string[];
}

export const BULK_DELETIONS_LISTED = 500;

/**
 * The exact writes a merge would make, per vendor record. `picks` chooses a field's value from
 * one record (FIELD -> record id); inside an account the record with the most filled fields
 * survives. `names` lets the golden record repair swaps and prefer common spellings.
 */
export function planMerge(
  c: Pick<ClusterView, 'id' | 'records'>,
  picks: Record<string, string>,
  vendors: VendorAbilities,
  names?: NameStats,
): MergePlan {
  const pinned = pinsOf(c, picks);
  const golden = computeGolden(
    c.records.map((r) => ({ local: r.contact, updatedAt: '' })),
    pinned as Partial<CanonicalContact>,
    names,
  );
  const writes: PlannedWrite[] = [];
  const byAccount = new Map<string, ClusterRecord[]>();
  for (const r of c.records) byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
  for (const group of byAccount.values()) {
    const survivor = [...group].sort((x, y) => filled(y.contact) - filled(x.contact) || x.recordId.localeCompare(y.recordId))[0]!;
    const writable = vendors.writable(survivor.vendor);
    // The picked values go to every record that can hold them; inside one vendor the
    // survivor also takes what only the duplicates had (fill blanks).
    const patch: Record<string, unknown> = {};
    for (const [f, v] of Object.entries(pinned))
      if (writable.includes(f) && JSON.stringify(survivor.contact[f as keyof CanonicalContact] ?? null) !== JSON.stringify(v)) patch[f] = v;
    if (group.length > 1) {
      for (const loser of group) {
        if (loser === survivor) continue;
        for (const f of writable) {
          const key = f as keyof CanonicalContact;
          if (f in patch || !isBlank(survivor.contact[key]) || isBlank(loser.contact[key])) continue;
          patch[f] = loser.contact[key];
        }
      }
    }
    const notHeld = keepHeldAddress(patch, survivor, vendors.addressParts(survivor.vendor));
    keepHeldEntries(patch, survivor, vendors.parts(survivor.vendor));
    if (Object.keys(patch).length)
      writes.push({
        recordId: survivor.recordId,
        vendor: survivor.vendor,
        accountLabel: survivor.accountLabel,
        remoteId: survivor.remoteId,
        op: 'update',
        fields: patch as Partial<CanonicalContact>,
        note: `update ${Object.keys(patch).join(', ')}${notHeld}`,
      });
    else
      writes.push({
        recordId: survivor.recordId,
        vendor: survivor.vendor,
        accountLabel: survivor.accountLabel,
        remoteId: survivor.remoteId,
        op: 'link',
        note: 'linked; nothing to write',
      });
    for (const loser of group) {
      if (loser === survivor) continue;
      if (vendors.hasOwnMerge(loser.vendor) && loser.remoteId && survivor.remoteId)
        writes.push({
          recordId: loser.recordId,
          vendor: loser.vendor,
          accountLabel: loser.accountLabel,
          remoteId: loser.remoteId,
          op: 'merge',
          note: `merged into ${survivor.remoteId} by ${loser.vendor}'s own merge`,
        });
      else if (vendors.canDelete(loser.vendor) && loser.remoteId)
        writes.push({
          recordId: loser.recordId,
          vendor: loser.vendor,
          accountLabel: loser.accountLabel,
          remoteId: loser.remoteId,
          op: 'delete',
          note: `delete the duplicate (its values are kept on ${survivor.remoteId})`,
        });
      else
        writes.push({
          recordId: loser.recordId,
          vendor: loser.vendor,
          accountLabel: loser.accountLabel,
          remoteId: loser.remoteId,
          op: 'link',
          note: `${loser.vendor} cannot delete contacts; the duplicate stays and is linked`,
        });
    }
  }
  return { clusterId: c.id, golden, writes, minority: minorityOf(c, golden) };
}

/**
 * What merging these clusters would write, counted per vendor account, with every vendor
 * deletion named (the first BULK_DELETIONS_LISTED) — for the confirmation a person reads
 * before a bulk merge.
 */
export function bulkPlanOf(clusters: Iterable<ClusterView>, planOf: (c: ClusterView) => MergePlan): BulkPlan {
  let count = 0;
  const perAccount = new Map<string, BulkPlan['accounts'][number]>();
  const deletions: BulkPlan['deletions'] = [];
  for (const c of clusters) {
    count++;
    for (const w of planOf(c).writes) {
      const key = `${w.vendor}|${w.accountLabel}`;
      const a = perAccount.get(key) ?? { vendor: w.vendor, accountLabel: w.accountLabel, update: 0, delete: 0, merge: 0, link: 0 };
      a[w.op]++;
      perAccount.set(key, a);
      if (w.op === 'delete' && deletions.length < BULK_DELETIONS_LISTED)
        deletions.push({
          vendor: w.vendor,
          accountLabel: w.accountLabel,
          remoteId: w.remoteId,
          name: c.records.find((r) => r.recordId === w.recordId)?.name ?? '',
        });
    }
  }
  const accounts = [...perAccount.values()];
  return { clusters: count, accounts, deletions, deletionsTotal: accounts.reduce((n, a) => n + a.delete, 0) };
}

/** The person who stays when these records become one: the one with the most of them, then the lowest id (links and deep links stay valid). */
export function survivingPerson(records: Pick<ClusterRecord, 'personId'>[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.personId, (counts.get(r.personId) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

/** "A", "A and B", "A, B and C". */
export function andList(names: string[]): string {
  return names.length < 2 ? (names[0] ?? 'records') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The values a merge's picks pin, FIELD -> the picked record's value, for the preview and the
 * merge alike. A name is one fact: picking a record's given or family name takes both of its
 * parts (README: a picked given name brings its family name along), so no record is written a
 * name nobody has ("Melissa Melissa").
 */
export function pinsOf(c: Pick<ClusterView, 'records'>, picks: Record<string, string>): Record<string, unknown> {
  const byId = new Map(c.records.map((r) => [r.recordId, r]));
  const pinned: Record<string, unknown> = {};
  for (const [field, recordId] of Object.entries(picks)) {
    const r = byId.get(recordId);
    if (!r) throw new CoreError('bad_request', `Record ${recordId} is not in this cluster`);
    pinned[field] = r.contact[field as keyof CanonicalContact] ?? null;
    if (field === 'givenName' || field === 'familyName') {
      const other = field === 'givenName' ? 'familyName' : 'givenName';
      if (!(other in picks) && !isBlank(r.contact[other])) pinned[other] = r.contact[other];
    }
  }
  return pinned;
}

const filled = (c: CanonicalContact): number => Object.values(c).filter((v) => !isBlank(v)).length;

/**
 * Single-value golden fields fewer than half of the records that have the field agree with:
 * the person should look twice before every vendor is given that value. Names count as one:
 * a record agrees when both parts match (a swapped record agrees in neither order).
 */
function minorityOf(c: Pick<ClusterView, 'records'>, golden: CanonicalContact): MergePlan['minority'] {
  const out: MergePlan['minority'] = [];
  for (const field of ['givenName', 'familyName', 'birthDate', 'company', 'role', 'address'] as const) {
    if (isBlank(golden[field])) continue;
    const having = c.records.filter((r) => !isBlank(r.contact[field]));
    if (having.length < 2) continue;
    const held = having.filter((r) => sameValue(field, r.contact[field], golden[field])).length;
    if (held * 2 < having.length) out.push({ field, held, of: having.length });
  }
  return out;
}

/**
 * An address goes to a vendor as the parts it keeps (BigChange: no state or county): the
 * preview shows what the vendor will hold, and says what it leaves out. Dropped from the
 * patch when what is left is what the record holds already.
 */
function keepHeldAddress(patch: Record<string, unknown>, r: ClusterRecord, parts: readonly string[] | undefined): string {
  const a = patch.address as CanonicalContact['address'] | undefined;
  if (!a || !parts) return '';
  const kept = Object.fromEntries(Object.entries(a).filter(([k]) => parts.includes(k)));
  const lost = Object.keys(a).filter((k) => !parts.includes(k) && !isBlank(a[k as keyof typeof a]));
  if (sameValue('address', kept, r.contact.address)) delete patch.address;
  else patch.address = kept;
  return lost.length
    ? `; ${VENDOR_LABELS[r.vendor]} keeps no ${lost.map((k) => ADDRESS_PART_WORDS[k as keyof typeof ADDRESS_PART_WORDS] ?? k).join(' or ')}`
    : '';
}

/**
 * Phones and emails go to a vendor as it can hold them: the same numbers (addresses) it holds
 * already are no write at all, whatever labels or flags the picked record gives them (the
 * vendor has no place for those, and the edit would be refused); otherwise the entries carry
 * only the parts it keeps.
 */
function keepHeldEntries(patch: Record<string, unknown>, r: ClusterRecord, held: readonly string[]): void {
  for (const f of ['phones', 'emails'] as const) {
    const v = patch[f] as Record<string, unknown>[] | undefined;
    if (!v) continue;
    if (agreeKey(f, v) === agreeKey(f, r.contact[f])) {
      delete patch[f];
      continue;
    }
    patch[f] = v.map((e) =>
      Object.fromEntries(
        Object.entries(e).filter(([k]) => !['label', 'primary', 'mobile', 'doNotContact'].includes(k) || held.includes(`${f}.${k}`)),
      ),
    );
  }
}
