// The round-trip property for BigChange: generated raw contacts (shapes the document's contact
// model allows, plus unknown fields the API may add) are put straight into the simulator's
// store, pulled into a real core, edited once through the real edit path, and synced. The raw
// record may then differ only in the vendor fields the edited canonical field maps to; BigChange
// keeps no modification time, so there is no bookkeeping field to allow. Between the pull and
// the push "another BigChange user" may save the contact (see applyOther): their change must
// still be there after the sync, or the record must hold a conflict. A second property: a sync
// with no edit sends no write. No vitest import: the bench runs this under plain tsx.
import fc from 'fast-check';
import { createCore, type Core } from '../../../src/main/core';
import { createLogger, nullSink } from '../../../src/main/core/log';
import { startBigChangeSandbox, type BigChangeSandbox } from '../../../src/main/core/sandbox/bigchange';
import { MemorySecretStore } from '../../../src/main/core/secrets/memory-store';
import type { CanonicalContact } from '../../../src/shared/domain';
import { nonBlank } from '../../../src/main/core/normalize/names';
import { canonicalCountry } from '../../../src/main/core/normalize/countries';
import { readName } from '../../../src/main/core/vendors/bigchange/name';
import { tempDir } from '../tmp';

type Raw = Record<string, unknown> & { id: number };
type Edit = {
  field: 'givenName' | 'familyName' | 'fullName' | 'notes' | 'externalRef' | 'address' | 'location';
  part?: 'street1' | 'city' | 'postalCode' | 'country';
  value: unknown;
};

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
const optional = (max: number) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constant(''),
    text(max),
    fc.string({ minLength: max, maxLength: max, unit: 'grapheme-ascii' }),
  );
/** As `optional`, or up to a few characters longer than `max`. */
const beyond = (max: number) => fc.oneof(optional(max), fc.string({ minLength: max + 1, maxLength: max + 4, unit: 'grapheme-ascii' }));
const coordinate = (edge: number) =>
  fc.oneof(
    fc.constantFrom(-edge, edge, 0),
    fc.double({ min: -edge, max: edge, noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
  );
const location = fc.record({ latitude: coordinate(90), longitude: coordinate(180) });
const customFields = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.array(fc.record({ definitionId: fc.integer({ min: 1, max: 50 }), value: fc.oneof(fc.constant(null), text(30), fc.integer()) }), {
    maxLength: 4,
  }),
);
// Fields the document does not list that a real answer may still carry; the connector must keep them.
const unknown = fc.dictionary(fc.constantFrom('isDeleted', 'createdBy', 'contactType', 'x_extra', 'web'), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 3,
});

const rawContact = (id: number, ids: number[]) =>
  fc
    .record({
      name: fc
        .array(word, { minLength: 1, maxLength: 3 })
        .map((w) => w.join(' '))
        .filter((n) => n.length <= 50),
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
    })
    .map(({ extra, ...c }): Raw => {
      const out: Raw = { ...extra, id };
      for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v;
      return out;
    });

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ field: fc.constantFrom('givenName' as const, 'familyName' as const), value: word }),
  fc.record({
    field: fc.constant('fullName' as const),
    value: fc
      .array(word, { minLength: 1, maxLength: 3 })
      .map((w) => w.join(' '))
      .filter((n) => n.length <= 50),
  }),
  fc.record({
    field: fc.constant('notes' as const),
    value: fc.oneof(
      fc.constant(null),
      text(200).filter((s) => s.trim() === s && s !== ''),
    ),
  }),
  fc.record({
    field: fc.constant('externalRef' as const),
    value: fc.oneof(
      fc.constant(null),
      fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme-ascii' }).filter((s) => s.trim() === s && s !== ''),
    ),
  }),
  fc.record({
    field: fc.constant('address' as const),
    part: fc.constantFrom('street1' as const, 'city' as const, 'postalCode' as const, 'country' as const),
    value: fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme-ascii' }).filter((s) => s.trim() === s && s !== ''),
  }),
  fc.record({ field: fc.constant('location' as const), value: location.map((l) => ({ lat: l.latitude, lng: l.longitude })) }),
);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

// ---- another user ---------------------------------------------------------------------------

/**
 * What "another BigChange user" saves between Concord's pull and its push: the name, the notes
 * (extraInformation), one address part, the reference, the location, or a field Concord does
 * not write (group, parent, custom fields). BigChange keeps no modification time: Concord's
 * only way to see it is the content hash.
 */
const OTHER_KINDS = ['name', 'notes', 'street', 'town', 'postalCode', 'country', 'reference', 'location', 'unmapped'] as const;
type OtherKind = (typeof OTHER_KINDS)[number];
export type Other = { kind: OtherKind; pick: number; clear: boolean } | null;
export const otherArb: fc.Arbitrary<Other> = fc.option(
  fc.record({ kind: fc.constantFrom(...OTHER_KINDS), pick: fc.nat(), clear: fc.boolean() }),
  { freq: 3 },
);
/** The canonical fields their save lands in (to know when the person's edit overlaps it). */
const OTHER_FIELDS: Record<OtherKind, Edit['field'][]> = {
  name: ['givenName', 'familyName', 'fullName'],
  notes: ['notes'],
  street: ['address'],
  town: ['address'],
  postalCode: ['address'],
  country: ['address'],
  reference: ['externalRef'],
  location: ['location'],
  unmapped: [],
};

/** The fields their save sets, as BigChange's own update would store them. */
function otherBody(c: Record<string, unknown>, o: NonNullable<Other>, ids: number[]): Record<string, unknown> {
  const at = <T>(xs: readonly T[]): T => xs[o.pick % xs.length]!;
  // A nullable field that holds something may be cleared (null unsets it); name and location may not.
  const text = (key: string, values: string[]) => ({ [key]: o.clear && nonBlank(c[key]) ? null : at(values) });
  switch (o.kind) {
    case 'name':
      return { name: at(['Ada Byron', 'Grace Hopper Jr', 'Cher', 'Dr Mary Ann Smith']) };
    case 'notes':
      return text('extraInformation', ['Changed elsewhere', 'Gate code 4412']);
    case 'street':
      return text('street', ['9 Other Road', 'Unit 4, Mill Lane']);
    case 'town':
      return text('town', ['Elsewhere', 'Leeds']);
    case 'postalCode':
      return text('postalCode', ['ZZ1 1ZZ', '75001']);
    case 'country':
      return text('country', ['France', 'United Kingdom', 'Ireland']);
    case 'reference':
      return text('reference', ['OT-77', 'REF 2']);
    case 'location':
      return {
        location: at([
          { latitude: 48.8566, longitude: 2.3522 },
          { latitude: -33.9, longitude: 151.2 },
        ]),
      };
    case 'unmapped': {
      const cf = ((c.customFields as { definitionId: number; value: unknown }[] | null | undefined) ?? []).filter(
        (f) => f.definitionId !== 77,
      );
      return at([
        { groupId: (Number(c.groupId ?? 1) % 4) + 1 },
        { customFields: [...cf, { definitionId: 77, value: 'set elsewhere' }] },
        { parentId: o.clear && c.parentId != null ? null : (ids.find((id) => id !== c.id && id !== c.parentId) ?? null) },
      ]);
    }
  }
}

/**
 * Apply their save to the simulator's store, as BigChange's update stores it (a plain
 * assignment: no timestamp to bump). Returns a check that it is still there: the fields they
 * set, as they left them; where the person edited a name part, the part they changed.
 */
function applyOther(sb: BigChangeSandbox, id: number, o: NonNullable<Other>, ids: number[]): ((overlaps: boolean) => string | null) | null {
  const c = sb.store.contacts.get(id)!;
  const was = structuredClone(c);
  const body = otherBody(c, o, ids);
  // A save that changes nothing is no change of theirs to keep.
  if (Object.entries(body).every(([k, v]) => same(c[k] ?? null, v))) return null;
  sb.store.touch(id, structuredClone(body));
  return (overlaps) => {
    const now = sb.store.contacts.get(id);
    if (!now) return 'the contact is gone';
    if (overlaps && o.kind === 'name') {
      // One `name` holds both parts: a part they changed reads as they left it, the other part
      // may be the person's (a given name edited here, a family name there: both stand).
      const [b, t, n] = [was.name, body.name, now.name].map((x) => readName(String(x)));
      const lostPart = (['given', 'family'] as const).find((k) => t![k] !== b![k] && t![k] !== n![k]);
      return lostPart ? `their ${lostPart} name in ${JSON.stringify(body.name)} is lost: ${JSON.stringify(now.name)}` : null;
    }
    const lost = Object.keys(body).filter((k) => !same(now[k], body[k]));
    return lost.length ? `their ${lost.map((k) => `${k}: ${JSON.stringify(body[k])} is now ${JSON.stringify(now[k])}`).join(', ')}` : null;
  };
}

// ---- the rig --------------------------------------------------------------------------------

async function coreOn(sb: BigChangeSandbox): Promise<{ core: Core; accountId: string; close(): void }> {
  const tmp = tempDir();
  const core = await createCore({
    dataDir: tmp.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: RETRY,
    syncTuning: { roundDelayMs: 0 },
  });
  const acc = await core.accounts.add({
    kind: 'bigchange',
    label: 'bc',
    baseUrl: sb.baseUrl,
    credentials: sb.credentials,
    settings: sb.settings,
  });
  return { core, accountId: acc.id, close: () => (core.close(), tmp.cleanup()) };
}

/** Writes the vendor received since `from` (the token request is not one). */
const writesSince = (sb: BigChangeSandbox, from: number) =>
  sb.server.requestLog
    .slice(from)
    .filter((r) => r.method !== 'GET' && r.path !== '/auth/tokens')
    .map((r) => `${r.method} ${r.path} → ${r.status}`);

/** The edit, read back where it maps (as Concord reads it). */
function landed(e: Edit, after: Record<string, unknown>): boolean {
  switch (e.field) {
    case 'givenName':
      return typeof after.name === 'string' && after.name.startsWith(String(e.value));
    case 'familyName':
      return typeof after.name === 'string' && after.name.endsWith(String(e.value));
    case 'fullName':
      return after.name === e.value;
    // A blank the server holds ("  ") already reads as cleared.
    case 'notes':
      return nonBlank(after.extraInformation) === e.value;
    case 'externalRef':
      return nonBlank(after.reference) === e.value;
    // A country is sent as its name where it is a known one ("us" → "United States").
    case 'address':
      return e.part === 'country'
        ? canonicalCountry(after.country as string) === canonicalCountry(String(e.value))
        : after[{ street1: 'street', city: 'town', postalCode: 'postalCode' }[e.part!]!] === e.value;
    case 'location':
      return same(after.location, { latitude: (e.value as { lat: number }).lat, longitude: (e.value as { lng: number }).lng });
  }
}

export async function roundTrip(opts: { numRuns: number; seed: number }): Promise<void> {
  const sb = await startBigChangeSandbox({ seed: opts.seed });
  const records = fc.integer({ min: 1, max: 4 }).chain((n) => {
    const ids = Array.from({ length: n }, (_, i) => 7_000_000_001 + i);
    return fc.tuple(...ids.map((id) => rawContact(id, ids)));
  });
  const plant = (raws: Raw[]) => {
    sb.store.contacts.clear();
    sb.server.requestLog.length = 0;
    for (const r of raws) sb.store.put(structuredClone(r));
  };
  try {
    // 1. One edit changes only the vendor fields it maps to, and lands — unless another user's
    // save in between raised a conflict; their save is never lost silently.
    await fc.assert(
      fc.asyncProperty(records, fc.nat(), edit, otherArb, async (raws, pick, e, other) => {
        plant(raws);
        const run = await coreOn(sb);
        try {
          const first = await run.core.sync.sync();
          if (first.accounts[0]?.errors.length) throw new Error(`pull failed: ${JSON.stringify(first.accounts[0].errors)}`);
          const target = raws[pick % raws.length]!;
          const rec = run.core.store.sqlite
            .prepare('SELECT id, local FROM records WHERE account_id = ? AND remote_id = ?')
            .get(run.accountId, String(target.id)) as { id: string; local: string };
          const local = JSON.parse(rec.local) as CanonicalContact;
          const patch: Partial<CanonicalContact> =
            e.field === 'address' ? { address: { ...(local.address ?? {}), [e.part!]: e.value } } : { [e.field]: e.value };
          // Another BigChange user saves after Concord's read, before its push.
          const survives = other
            ? applyOther(
                sb,
                target.id,
                other,
                raws.map((r) => r.id),
              )
            : null;
          const before = new Map([...sb.store.contacts.values()].map((c) => [c.id as number, structuredClone(c)]));
          run.core.edits.edit(rec.id, patch);
          const mark = sb.server.requestLog.length;
          const s = await run.core.sync.sync();
          const a = s.accounts[0]!;
          const why = () => JSON.stringify(run.core.store.sqlite.prepare('SELECT state, last_error FROM changes').all());
          if (a.errors.length || a.rejected || (a.conflicts && !survives))
            throw new Error(`the push did not go cleanly: ${JSON.stringify(a)}; ${why()}`);
          const after = sb.store.contacts.get(target.id)!;
          const was = before.get(target.id)!;
          const allowed = new Set(MAPS_TO[e.field]);
          for (const k of new Set([...Object.keys(was), ...Object.keys(after)])) {
            if (!allowed.has(k) && !same(was[k], after[k]))
              throw new Error(`editing ${e.field} changed "${k}": ${JSON.stringify(was[k])} -> ${JSON.stringify(after[k])}`);
          }
          for (const [id, c] of before)
            if (id !== target.id && !same(c, sb.store.contacts.get(id))) throw new Error(`contact ${id} was not edited but changed`);
          // Their save survived, or it is a conflict for a person to settle; never lost silently.
          const raised = run.core.edits.conflicts().some((c) => c.recordId === rec.id);
          const overlaps = !!survives && OTHER_FIELDS[other!.kind].some((f) => MAPS_TO[f].some((k) => allowed.has(k)));
          const lost = survives?.(overlaps) ?? null;
          if (lost && !raised) throw new Error(`another user's save lost (${JSON.stringify(other)}, Concord's ${e.field} edit): ${lost}`);
          // …and the edit landed where it maps, unless their save of the same field won the merge or is the conflict.
          if (!raised && !overlaps && !landed(e, after))
            throw new Error(
              `the edit of ${e.field} to ${JSON.stringify(e.value)} did not land${other ? ` (another user: ${JSON.stringify(other)})` : ''}: ${JSON.stringify(after)}`,
            );
          // At most one write, none for a conflict; settled: the next sync sends nothing.
          const w = writesSince(sb, mark);
          if (w.length > 1 || (raised && w.length))
            throw new Error(`expected ${raised ? 'no write' : 'one write at most'}, got ${w.join(', ')}`);
          const again = sb.server.requestLog.length;
          await run.core.sync.sync();
          if (writesSince(sb, again).length) throw new Error(`a second sync wrote again: ${writesSince(sb, again).join(', ')}`);
        } finally {
          run.close();
        }
      }),
      { numRuns: opts.numRuns, seed: opts.seed },
    );

    // 2. A pull and a sync with no edit send no write at all.
    await fc.assert(
      fc.asyncProperty(records, async (raws) => {
        plant(raws);
        const run = await coreOn(sb);
        try {
          const first = await run.core.sync.sync();
          if (first.accounts[0]?.errors.length) throw new Error(`pull failed: ${JSON.stringify(first.accounts[0].errors)}`);
          await run.core.sync.sync();
          const w = writesSince(sb, 0);
          if (w.length) throw new Error(`a sync with no edit wrote: ${w.join(', ')}`);
          for (const r of raws) if (!same(r, sb.store.contacts.get(r.id))) throw new Error(`contact ${r.id} changed with no edit`);
        } finally {
          run.close();
        }
      }),
      { numRuns: Math.max(1, Math.ceil(opts.numRuns / 4)), seed: opts.seed + 1 },
    );
  } finally {
    await sb.server.close();
  }
}
