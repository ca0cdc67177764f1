// The round-trip property for BigChange: generated raw contacts (shapes the document's contact
// model allows, plus unknown fields the API may add) are put straight into the simulator's
// store, pulled into a real core, edited once through the real edit path, and synced. The raw
// record may then differ only in the vendor fields the edited canonical field maps to; BigChange
// keeps no modification time, so there is no bookkeeping field to allow. A second property: a
// sync with no edit sends no write. No vitest import: the bench runs this under plain tsx.
import fc from 'fast-check';
import { createCore } from '../../../src/main/core';
import { createLogger, nullSink } from '../../../src/main/core/log';
import { startBigChangeSandbox } from '../../../src/main/core/sandbox/bigchange';
import { MemorySecretStore } from '../../../src/main/core/secrets/memory-store';
import type { CanonicalContact } from '../../../src/shared/domain';
import { nonBlank } from '../../../src/main/core/normalize/names';
import { canonicalCountry } from '../../../src/main/core/normalize/countries';
import { tempDir } from '../tmp';

type Raw = Record<string, unknown> & { id: number };
type Edit = { field: 'givenName' | 'familyName' | 'fullName' | 'notes' | 'externalRef' | 'address' | 'location'; part?: 'street1' | 'city' | 'postalCode' | 'country'; value: unknown };

/** Vendor fields each canonical field maps to (vendors/bigchange/mapping.ts). */
const MAPS_TO: Record<Edit['field'], string[]> = {
  givenName: ['name'],
  familyName: ['name'],
  fullName: ['name'],
  notes: ['extraInformation'],
  externalRef: ['reference'],
  address: ['street', 'town', 'postalCode', 'country'],
  location: ['location'],
};
const RETRY = { maxRetries: 2, baseDelayMs: 1, maxRetryWaitMs: 5 };

const word = fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme' }).filter((s) => s.trim() === s && !/[\s,]/.test(s));
// Limits count UTF-16 units, as the simulator (and .NET) does: a grapheme string is cut to fit.
const text = (max: number) => fc.string({ maxLength: max, unit: 'grapheme' }).filter((s) => s.length <= max);
/** An optional nullable field: absent, null, "" or a value (long ones up to the limit included). */
const optional = (max: number) => fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(''), text(max), fc.string({ minLength: max, maxLength: max, unit: 'grapheme-ascii' }));
/** As `optional`, or up to a few characters longer than `max`. */
const beyond = (max: number) => fc.oneof(optional(max), fc.string({ minLength: max + 1, maxLength: max + 4, unit: 'grapheme-ascii' }));
const coordinate = (edge: number) => fc.oneof(fc.constantFrom(-edge, edge, 0), fc.double({ min: -edge, max: edge, noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)));
const location = fc.record({ latitude: coordinate(90), longitude: coordinate(180) });
const customFields = fc.oneof(fc.constant(undefined), fc.constant(null), fc.array(fc.record({ definitionId: fc.integer({ min: 1, max: 50 }), value: fc.oneof(fc.constant(null), text(30), fc.integer()) }), { maxLength: 4 }));
// Fields the document does not list that a real answer may still carry; the connector must keep them.
const unknown = fc.dictionary(fc.constantFrom('isDeleted', 'createdBy', 'contactType', 'x_extra', 'web'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

const rawContact = (id: number, ids: number[]) =>
  fc.record({
    name: fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')).filter((n) => n.length <= 50),
    reference: optional(40),
    groupId: fc.integer({ min: 1, max: 4 }),
    parentId: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constantFrom(...ids)),
    extraInformation: optional(200),
    // Parts longer than the documented limits too: what BigChange already holds (written by
    // another client, or before the limit) must not block an edit of the part beside it.
    street: beyond(100),
    town: optional(100),
    postalCode: beyond(10),
    country: beyond(50),
    location,
    customFields,
    extra: unknown,
  }).map(({ extra, ...c }): Raw => {
    const out: Raw = { ...extra, id };
    for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v;
    return out;
  });

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ field: fc.constantFrom('givenName' as const, 'familyName' as const), value: word }),
  fc.record({ field: fc.constant('fullName' as const), value: fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')).filter((n) => n.length <= 50) }),
  fc.record({ field: fc.constant('notes' as const), value: fc.oneof(fc.constant(null), text(200).filter((s) => s.trim() === s && s !== '')) }),
  fc.record({ field: fc.constant('externalRef' as const), value: fc.oneof(fc.constant(null), fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme-ascii' }).filter((s) => s.trim() === s && s !== '')) }),
  fc.record({ field: fc.constant('address' as const), part: fc.constantFrom('street1' as const, 'city' as const, 'postalCode' as const, 'country' as const), value: fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme-ascii' }).filter((s) => s.trim() === s && s !== '') }),
  fc.record({ field: fc.constant('location' as const), value: location.map((l) => ({ lat: l.latitude, lng: l.longitude })) }),
);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function roundTrip(opts: { numRuns: number; seed: number }): Promise<void> {
  const sb = await startBigChangeSandbox({ seed: opts.seed });
  try {
    const records = fc.integer({ min: 1, max: 4 }).chain((n) => {
      const ids = Array.from({ length: n }, (_, i) => 7_000_000_001 + i);
      return fc.tuple(...ids.map((id) => rawContact(id, ids)));
    });
    await fc.assert(
      fc.asyncProperty(records, fc.nat(), edit, async (raws, pick, e) => {
        sb.store.contacts.clear();
        sb.server.requestLog.length = 0;
        for (const r of raws) sb.store.put(structuredClone(r));
        const tmp = tempDir();
        const core = await createCore({ dataDir: tmp.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink), retry: RETRY, syncTuning: { roundDelayMs: 0 } });
        try {
          const acc = await core.accounts.add({ kind: 'bigchange', label: 'bc', baseUrl: sb.baseUrl, credentials: sb.credentials, settings: sb.settings });
          const first = await core.sync.sync();
          if (first.accounts[0]?.errors.length) throw new Error(`pull failed: ${JSON.stringify(first.accounts[0].errors)}`);
          // Property 2: a sync with nothing edited writes nothing.
          const before = sb.server.requestLog.length;
          await core.sync.sync();
          const writes = sb.server.requestLog.slice(before).filter((r) => r.method !== 'GET' && r.path !== '/auth/tokens');
          if (writes.length) throw new Error(`a sync with no edit wrote: ${JSON.stringify(writes)}`);

          // Property 1: one edit changes only the vendor fields it maps to.
          const target = raws[pick % raws.length]!;
          const rec = core.store.sqlite.prepare('SELECT id, local FROM records WHERE account_id = ? AND remote_id = ?').get(acc.id, String(target.id)) as { id: string; local: string };
          const local = JSON.parse(rec.local) as CanonicalContact;
          const patch: Partial<CanonicalContact> = e.field === 'address' ? { address: { ...(local.address ?? {}), [e.part!]: e.value } } : { [e.field]: e.value };
          core.edits.edit(rec.id, patch);
          const s = await core.sync.sync();
          const a = s.accounts[0]!;
          if (a.errors.length || a.rejected) throw new Error(`the push failed: ${JSON.stringify(a.errors)} rejected ${a.rejected}; ${JSON.stringify(core.store.sqlite.prepare('SELECT last_error FROM changes').all())}`);
          const after = sb.store.contacts.get(target.id)!;
          const allowed = new Set(MAPS_TO[e.field]);
          for (const k of new Set([...Object.keys(target), ...Object.keys(after)])) {
            if (!allowed.has(k) && !same(target[k], after[k])) throw new Error(`editing ${e.field} changed "${k}": ${JSON.stringify(target[k])} -> ${JSON.stringify(after[k])}`);
          }
          for (const r of raws) if (r.id !== target.id && !same(r, sb.store.contacts.get(r.id))) throw new Error(`contact ${r.id} was not edited but changed`);
          // …and the edit landed where it maps.
          const landed: Record<Edit['field'], () => boolean> = {
            givenName: () => typeof after.name === 'string' && after.name.startsWith(String(e.value)),
            familyName: () => typeof after.name === 'string' && after.name.endsWith(String(e.value)),
            fullName: () => after.name === e.value,
            // As Concord reads them: a blank the server holds ("  ") already reads as cleared.
            notes: () => nonBlank(after.extraInformation) === e.value,
            externalRef: () => nonBlank(after.reference) === e.value,
            // A country is sent as its name where it is a known one ("us" → "United States").
            address: () => (e.part === 'country' ? canonicalCountry(after.country as string) === canonicalCountry(String(e.value)) : after[{ street1: 'street', city: 'town', postalCode: 'postalCode' }[e.part!]!] === e.value),
            location: () => same(after.location, { latitude: (e.value as { lat: number }).lat, longitude: (e.value as { lng: number }).lng }),
          };
          if (!landed[e.field]()) throw new Error(`the edit of ${e.field} to ${JSON.stringify(e.value)} did not land: ${JSON.stringify(after)}`);
        } finally {
          core.close();
          tmp.cleanup();
        }
      }),
      { numRuns: opts.numRuns, seed: opts.seed },
    );
  } finally {
    await sb.server.close();
  }
}
