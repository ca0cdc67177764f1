// Every kind of edit a person makes reaches every vendor that can hold it (docs/design.md#push-and-write-guards "intent,
// not diffs"): which phone or email is the primary one, its label, which phone is the mobile.
// Before, an edit of only those produced an empty patch and was quietly dropped. A vendor
// that cannot hold a part refuses the edit when it is typed, saying what it cannot hold.
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldPart } from '../../src/main/core/vendors/connector';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import { VENDORS, primaryOf, type CanonicalContact, type EmailEntry, type PhoneEntry, type Vendor } from '../../src/shared/domain';
import { syncRig, type SyncRig } from '../helpers/sync';

const PARTS: FieldPart[] = [
  'phones.primary',
  'phones.label',
  'phones.mobile',
  'phones.doNotContact',
  'emails.primary',
  'emails.label',
  'emails.doNotContact',
];
let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type Entry = PhoneEntry | EmailEntry;
const keyOf = (x: Entry): string => ('address' in x ? x.address.toLowerCase() : (x.e164 ?? x.raw));

/** The record's list with a second entry, so "which one is primary / mobile" can move. */
async function withTwo(r: SyncRig, recordId: string, field: 'phones' | 'emails'): Promise<Entry[]> {
  const local = r.core.syncStore.record(recordId).local;
  const list = (local[field] ?? []) as Entry[];
  if (list.length >= 2) return list;
  const extra: Entry[] =
    field === 'phones'
      ? [
          { e164: '+15035550161', raw: '+1 503 555 0161' },
          { e164: '+15035550162', raw: '+1 503 555 0162' },
        ]
      : [{ address: 'kinds.one@example.org' }, { address: 'kinds.two@example.org' }];
  r.core.edits.edit(recordId, { [field]: [...list, ...extra].slice(0, 2) });
  const s = await r.core.sync.sync();
  expect(s.accounts[0]).toMatchObject({ errors: [], rejected: 0 });
  return (r.core.syncStore.record(recordId).local[field] ?? []) as Entry[];
}

/** The edit of one part, and how to see it in the vendor's copy. */
function editOf(part: FieldPart, list: Entry[]): { next: Entry[]; holds: (server: Entry[]) => boolean } {
  const [field, what] = part.split('.') as ['phones' | 'emails', string];
  void field;
  if (what === 'primary') {
    const target = list.find((x) => x !== primaryOf(list))!;
    const next = list.map((x) => ({ ...x, primary: x === target }));
    return { next, holds: (server) => keyOf(primaryOf(server)!) === keyOf(target) };
  }
  if (what === 'label') {
    const label = list[0]!.label === 'work' ? 'home' : 'work';
    const next = list.map((x, i) => (i === 0 ? { ...x, label } : x));
    return { next, holds: (server) => server.find((x) => keyOf(x) === keyOf(list[0]!))?.label === label };
  }
  if (what === 'mobile') {
    const current = (list as PhoneEntry[]).find((x) => x.mobile);
    const target = (list as PhoneEntry[]).find((x) => x !== current)!;
    const next = (list as PhoneEntry[]).map((x) => ({ ...x, mobile: x === target }));
    return {
      next,
      holds: (server) => keyOf((server as PhoneEntry[]).find((x) => x.mobile) ?? ({ raw: '' } as PhoneEntry)) === keyOf(target),
    };
  }
  const next = list.map((x, i) => (i === 0 ? { ...x, doNotContact: !x.doNotContact } : x));
  return { next, holds: (server) => !!server.find((x) => keyOf(x) === keyOf(list[0]!))?.doNotContact === !list[0]!.doNotContact };
}

describe.each(VENDORS)('%s: every edit kind it can hold reaches it', (vendor: Vendor) => {
  const fields = vendorDefinition(vendor)!.fields;
  const holds = (p: FieldPart) => (fields.parts ?? []).includes(p) && (fields.write as readonly string[]).includes(p.split('.')[0]!);
  const maxOf = (f: 'phones' | 'emails'): number =>
    vendor === 'bigchange' || (vendor === 'livevox' && f === 'emails') || (vendor === 'calltools' && f === 'emails') ? 1 : 2;

  // BigChange's contact model has neither (the vendor's bigchange-contacts.txt): typing one is refused.
  if (!(['phones', 'emails'] as const).some((f) => (fields.write as readonly string[]).includes(f))) {
    it('holds no phone or email: an edit of either is refused as it is typed, nothing queued', async () => {
      const r = (rig = await syncRig(vendor, 2));
      await r.core.sync.sync();
      const rec = r.recordOf(r.seeded[0]!.remoteId);
      expect(() => r.core.edits.edit(rec.id, { phones: [{ e164: '+15035550161', raw: '+1 503 555 0161' }] })).toThrow(/cannot hold phones/);
      expect(() => r.core.edits.edit(rec.id, { emails: [{ address: 'kinds.one@example.org' }] })).toThrow(/cannot hold emails/);
      expect(r.core.status.get().outbox.pending).toBe(0);
    });
  }
  for (const part of PARTS) {
    const field = part.split('.')[0] as 'phones' | 'emails';
    if (!(fields.write as readonly string[]).includes(field)) continue;
    it(`${part}: ${holds(part) ? 'sent, and the vendor holds it; nothing else moves' : 'refused as it is typed, with the reason'}`, async () => {
      const r = (rig = await syncRig(vendor, 4));
      await r.core.sync.sync();
      const rec = r.recordOf(r.seeded[0]!.remoteId);
      if (!holds(part)) {
        const list = ((rec.local[field] ?? []) as Entry[]).length ? (rec.local[field] as Entry[]) : await withTwo(r, rec.id, field);
        const { next } = editOf(part, list);
        if (part.endsWith('primary') || part.endsWith('mobile')) {
          if (list.length < 2) return; // nothing to move with a single entry: no edit of that kind exists here
        }
        expect(() => r.core.edits.edit(rec.id, { [field]: next })).toThrow(/cannot hold/);
        expect(r.core.status.get().outbox.pending).toBe(0);
        return;
      }
      const list = maxOf(field) >= 2 ? await withTwo(r, rec.id, field) : ((rec.local[field] ?? []) as Entry[]);
      const beforeServer = (await r.other.read(r.seeded[0]!.remoteId)).canonical;
      const { next, holds: sees } = editOf(part, list);
      const edit = r.core.edits.edit(rec.id, { [field]: next });
      expect(edit.records[0]!.changeId).not.toBeNull(); // not an empty patch
      expect(r.core.syncStore.change(edit.records[0]!.changeId!).intent).toEqual([part]);
      const s = await r.core.sync.sync();
      expect(s.accounts[0]).toMatchObject({ pushed: 1, conflicts: 0, rejected: 0, errors: [], waiting: 0 });
      const after = (await r.other.read(r.seeded[0]!.remoteId)).canonical;
      expect(sees((after[field] ?? []) as Entry[])).toBe(true);
      // Nothing else moved: every other field is as it was, and the list holds the same values.
      const others = (c: CanonicalContact) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== field));
      expect(others(after)).toEqual(others(beforeServer));
      expect(((after[field] ?? []) as Entry[]).map(keyOf).sort()).toEqual(((beforeServer[field] ?? []) as Entry[]).map(keyOf).sort());
      expect(r.recordOf(r.seeded[0]!.remoteId).state).toBe('synced');
    });
  }
});
