// Put a person where they are missing: create their record in another account from the golden
// record, visibly. A preview shows the exact requests per the vendor's mapping, the golden
// fields that vendor cannot hold, and what the vendor requires that the golden record lacks —
// asked for, never invented. The record is created through the outbox (a create happens once,
// see push-service), linked to the person, and can be undone: before it is sent by cancelling,
// after by deleting it at the vendor where the vendor allows (and saying so where it does not).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountKind, CanonicalContact } from '../../../shared/domain';
import { displayName } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import type { ContactsService } from '../contacts/contacts-service';
import { isBlank } from '../contacts/golden';
import { CoreError } from '../errors';
import { inBatches } from '../jobs';
import type { SyncStore } from '../sync/sync-store';
import type { Connector, CreateNeed } from '../vendors/connector';
import { emailKey, phoneKey, strongMatch } from '../vendors/evidence';
import { carryBlocks } from './blocks';
import {
  accountRecordsByKeys,
  goldenExternalRef,
  idsOfUnsentCreates,
  peopleMissingFrom,
  peopleTagged,
  personHeldIn,
} from '../store/add-to-reads';
import { journalEntry } from '../store/journal-entries';
import { recordLookup } from '../store/records';

export interface AddToPreview {
  personId: string;
  name: string;
  accountId: string;
  accountLabel: string;
  vendor: AccountKind;
  /** The record as it will be created (the golden values this vendor can hold, plus what was given). */
  contact: CanonicalContact;
  requests: { method: string; path: string; body: unknown }[];
  /** Everything the vendor needs beyond the contact: given, taken from a setting, or still missing. */
  needs: (CreateNeed & { missing: boolean })[];
  /** Golden fields this vendor cannot hold (they stay in Concord and the other vendors). */
  notHeld: string[];
  /** What happens to each do-not-contact the person carries: sent with the block, or left out and why. */
  blocks: string[];
  /** Values the vendor would refuse (too long, wrong shape), per its field rules. */
  problems: { field: string; message: string }[];
  /** Records already in that account with the same email, phone or reference (and no other first name): likely this person, unlinked. */
  likelyThere: { recordId: string; personId: string; name: string }[];
  ready: boolean;
}

export interface BulkAddPlan {
  from: string;
  to: string;
  count: number;
  sample: { personId: string; name: string }[];
  /** What every create needs that is missing (the first person's preview stands for all). */
  needs: (CreateNeed & { missing: boolean })[];
  notHeld: string[];
}

export interface AddToDeps {
  sqlite: Database.Database;
  store: SyncStore;
  accounts: AccountsService;
  contacts: ContactsService;
  connectorFor: (accountId: string) => Promise<Connector>;
  writable: (vendor: AccountKind) => readonly string[];
  /** The address parts a vendor keeps (absent: all); see FieldSupport.addressParts. */
  addressParts: (vendor: AccountKind) => readonly string[] | undefined;
  canDelete: (vendor: AccountKind) => boolean;
  /** The vendor's field rules on typed values, and its normaliser (typed phones to E.164). */
  check: (
    vendor: AccountKind,
    accountId: string,
    contact: CanonicalContact,
  ) => { contact: CanonicalContact; problems: { field: string; message: string }[] };
}

const BULK_BATCH = 100;

/** What an add-to journal entry keeps (`after`): the record it created (the undo reads it), its create, the person. */
interface AddToAfter {
  recordId: string;
  changeId: number;
  personId: string;
}

/** What a bulk add's journal entry keeps (`after`): the journal ids of its adds. */
interface BulkAddAfter {
  addIds?: number[];
}

type TargetIndex = Map<string, { recordId: string; personId: string; local: CanonicalContact }[]>;
// Per-person placeholders a bulk value may use (a LiveVox account key per person, say).
const TEMPLATE = /\{(personId|externalRef)\}/g;

export class AddToService {
  constructor(private readonly d: AddToDeps) {}

  async preview(personId: string, accountId: string, values: Record<string, string> = {}): Promise<AddToPreview> {
    const connector = await this.d.connectorFor(accountId);
    return this.previewWith(connector, personId, accountId, values);
  }

  private previewWith(
    connector: Connector,
    personId: string,
    accountId: string,
    values: Record<string, string>,
    index?: TargetIndex,
  ): AddToPreview {
    const account = this.d.accounts.get(accountId);
    if (account.kind === 'csv') throw new CoreError('bad_request', 'A CSV source cannot take new records; export a CSV instead');
    const person = this.d.contacts.get(personId);
    if (personHeldIn(this.d.sqlite, personId, accountId))
      throw new CoreError('conflict', `${person.displayName} is in ${account.label} already`);
    const vendor = account.kind as AccountKind;
    const writable = this.d.writable(vendor);
    const golden = person.golden as CanonicalContact;
    const base: Record<string, unknown> = {};
    const notHeld: string[] = [];
    for (const [f, v] of Object.entries(golden)) {
      // The reason goes where doNotContact goes (carryBlocks); a block is never just "not held".
      if (isBlank(v) || f === 'doNotContactWhy' || (f === 'doNotContact' && v === true)) continue;
      if (writable.includes(f)) base[f] = v;
      else notHeld.push(f);
    }
    // An address takes the parts the vendor has a place for; the others are listed, like a field
    // it cannot hold, rather than refused (an edit refuses them) or dropped without a word.
    const parts = this.d.addressParts(vendor);
    if (parts && base.address && typeof base.address === 'object') {
      const address = { ...(base.address as Record<string, unknown>) };
      for (const [part, v] of Object.entries(address)) {
        if (parts.includes(part) || isBlank(v)) continue;
        delete address[part];
        notHeld.push(`address.${part}`);
      }
      base.address = address;
    }
    // Blocks travel with the person: sent where the vendor can hold them, else left out or refused.
    const carried = carryBlocks(
      {
        ...(base as CanonicalContact),
        ...(golden.doNotContact === true ? { doNotContact: true, doNotContactWhy: golden.doNotContactWhy ?? null } : {}),
      },
      connector.fields,
      account.label,
    );
    Object.keys(base).forEach((k) => delete base[k]);
    Object.assign(base, carried.contact);
    if (!connector.fields.write.includes('doNotContact')) delete base.doNotContact;
    delete base.doNotContactWhy;
    // A name the vendor needs is the golden one when there is any; a value given for a field fills it.
    const first = connector.previewCreate(base as CanonicalContact, values);
    for (const n of first.needs) {
      const v = values[n.key]?.trim();
      if (!n.field || !v) continue;
      if (n.field === 'phones') base.phones = [{ raw: v }];
      else base[n.field] = v;
    }
    const checked = this.d.check(vendor, accountId, base as CanonicalContact);
    const preview = connector.previewCreate(checked.contact, values);
    const needs = preview.needs.map((n) => ({ ...n, missing: !n.from && !n.value && !values[n.key]?.trim() }));
    const problems = [...checked.problems, ...(carried.refusal ? [{ field: 'doNotContact', message: carried.refusal }] : [])];
    // A value that becomes the vendor's id (a LiveVox account key) must not be one in use there.
    for (const n of needs) {
      const v = values[n.key]?.trim();
      if (!n.becomesId || !v) continue;
      const taken = recordLookup(this.d.sqlite)(accountId, v) || this.claimed?.has(v);
      if (taken) problems.push({ field: n.key, message: `${n.label} "${v}" is in use in ${account.label}; choose another` });
    }
    // One preview looks up only this person's keys; a bulk job indexes the account once.
    const idx = index ?? this.targetIndex(accountId, [...keysOf(golden), ...keysOf(checked.contact)]);
    const likelyThere = this.likelyThere(golden, idx);
    if (connector.createMergesOn === 'phones') {
      // The vendor would not create a record but merge into (and overwrite) one holding a phone.
      for (const p of checked.contact.phones ?? []) {
        const holder = (idx.get(`p:${phoneKey(p)}`) ?? []).find((h) => !likelyThere.some((l) => l.recordId === h.recordId));
        if (holder && phoneKey(p))
          problems.push({
            field: 'phones',
            message: `${account.label} would merge this into ${displayName(holder.local)} (same phone ${p.e164 ?? p.raw}) and overwrite it; link them in Duplicates instead, or leave that phone out`,
          });
      }
    }
    return {
      personId,
      name: person.displayName,
      accountId,
      accountLabel: account.label,
      vendor,
      contact: checked.contact,
      requests: preview.requests,
      needs,
      notHeld,
      blocks: carried.lines,
      problems,
      likelyThere,
      ready: !needs.some((n) => n.missing) && problems.length === 0,
    };
  }

  /**
   * The account's live records by email, E.164 phone and reference, to spot a person there
   * already — all of them, or (`only`) just the records holding one of these keys.
   */
  private targetIndex(accountId: string, only?: string[]): TargetIndex {
    const index: TargetIndex = new Map();
    const rows = accountRecordsByKeys(this.d.sqlite, accountId, only);
    for (const r of rows) {
      const local = JSON.parse(r.local) as CanonicalContact;
      const hit = { recordId: r.id, personId: r.person_id, local };
      for (const k of keysOf(local)) {
        const list = index.get(k);
        if (list) list.push(hit);
        else index.set(k, [hit]);
      }
    }
    return index;
  }

  private likelyThere(golden: CanonicalContact, index: TargetIndex): AddToPreview['likelyThere'] {
    const seen = new Map<string, AddToPreview['likelyThere'][number]>();
    for (const k of keysOf(golden))
      for (const hit of index.get(k) ?? [])
        if (!seen.has(hit.recordId) && strongMatch(golden, hit.local))
          seen.set(hit.recordId, { recordId: hit.recordId, personId: hit.personId, name: displayName(hit.local) });
    return [...seen.values()];
  }

  /** Create the person's record in the account (through the outbox). Refused, with what is missing, when the preview is not ready. */
  async addTo(
    personId: string,
    accountId: string,
    values: Record<string, string> = {},
  ): Promise<{ recordId: string; changeId: number; journalId: number }> {
    const p = await this.preview(personId, accountId, values);
    return this.store(p, values, null);
  }

  private store(
    p: AddToPreview,
    values: Record<string, string>,
    actionId: string | null,
  ): { recordId: string; changeId: number; journalId: number } {
    if (!p.ready) throw new CoreError('bad_request', refusal(p));
    const vendorValues = Object.fromEntries(
      p.needs.filter((n) => !n.field && values[n.key]?.trim()).map((n) => [n.key, values[n.key]!.trim()]),
    );
    const run = () => {
      const { recordId, changeId } = this.d.store.create(
        p.accountId,
        p.personId,
        p.contact,
        'user',
        vendorValues,
        `added to ${p.accountLabel} from the golden record`,
      );
      const journalId = this.d.store.journal(
        'add-to',
        'record',
        recordId,
        `added ${p.name} to ${p.accountLabel}`,
        null,
        { recordId, changeId, personId: p.personId } satisfies AddToAfter,
        'user',
      );
      return { recordId, changeId, journalId };
    };
    return actionId ? run() : this.d.store.withAction(`adding ${p.name} to ${p.accountLabel}`, run);
  }

  /** People in account `from` who have no record in account `to`, optionally narrowed by a search or a tag. */
  private missing(q: { from: string; to: string; search?: string; tag?: string }): { personId: string; name: string }[] {
    const rows = peopleMissingFrom(this.d.sqlite, q.from, q.to);
    let out = rows.map((r) => ({ personId: r.id, name: r.display_name }));
    if (q.search?.trim()) {
      const hits = new Set(this.d.contacts.list({ search: q.search, limit: 100_000, offset: 0 }).rows.map((r) => r.id));
      out = out.filter((r) => hits.has(r.personId));
    }
    if (q.tag?.trim()) {
      const tagged = peopleTagged(this.d.sqlite, q.tag.trim());
      out = out.filter((r) => tagged.has(r.personId));
    }
    return out;
  }

  async planBulk(q: { from: string; to: string; search?: string; tag?: string; values?: Record<string, string> }): Promise<BulkAddPlan> {
    if (q.from === q.to) throw new CoreError('bad_request', 'Choose two different accounts');
    const people = this.missing(q);
    const first = people[0];
    const connector = await this.d.connectorFor(q.to);
    const p = first
      ? this.previewWith(connector, first.personId, q.to, expand(q.values ?? {}, first.personId, this.externalRef(first.personId)))
      : null;
    return { from: q.from, to: q.to, count: people.length, sample: people.slice(0, 10), needs: p?.needs ?? [], notHeld: p?.notHeld ?? [] };
  }

  private bulkRun: AbortController | null = null;
  /** Ids a running bulk job has given out already (its creates are not in the store's remote ids yet). */
  private claimed: Set<string> | null = null;

  /**
   * Add everyone the plan named, as one job: batches of one transaction each, progress after
   * each, a cancel heard between batches, one journal entry whose undo takes them all back.
   * A person whose record the vendor would refuse (a value too long, a required value missing)
   * is skipped and reported; the others go on.
   */
  async bulk(
    q: { from: string; to: string; search?: string; tag?: string; values?: Record<string, string>; expected: number },
    onProgress?: (done: number, total: number) => void,
  ): Promise<{
    added: number;
    total: number;
    cancelled: boolean;
    bulkId: number | null;
    refused: { personId: string; name: string; reason: string }[];
  }> {
    if (this.bulkRun) throw new CoreError('conflict', 'A bulk add is already running');
    const people = this.missing(q);
    if (people.length !== q.expected)
      throw new CoreError(
        'conflict',
        `The people to add changed since you confirmed (${q.expected} then, ${people.length} now); review the new count and confirm again`,
      );
    const connector = await this.d.connectorFor(q.to);
    const label = this.d.accounts.get(q.to).label;
    const index = this.targetIndex(q.to);
    const run = (this.bulkRun = new AbortController());
    this.claimed = new Set(this.pendingIds(q.to));
    const actionId = randomUUID();
    const cause = `adding ${people.length} people to ${label}`;
    const added: number[] = [];
    const refused: { personId: string; name: string; reason: string }[] = [];
    let bulkId: number | null = null;
    let done = 0;
    try {
      done = await inBatches(
        people,
        BULK_BATCH,
        (batch) => {
          this.d.store.withAction(
            cause,
            () => {
              for (const who of batch) {
                const values = expand(q.values ?? {}, who.personId, this.externalRef(who.personId));
                const p = this.previewWith(connector, who.personId, q.to, values, index);
                if (!p.ready) refused.push({ personId: who.personId, name: who.name, reason: refusal(p) });
                // Someone already there under the same email or phone is linked by a merge, not added twice.
                else if (p.likelyThere.length)
                  refused.push({
                    personId: who.personId,
                    name: who.name,
                    reason: `likely in ${label} already as ${p.likelyThere.map((x) => x.name).join(', ')}; review it in Duplicates`,
                  });
                else {
                  added.push(this.store(p, values, actionId).journalId);
                  for (const n of p.needs) if (n.becomesId && values[n.key]) this.claimed!.add(values[n.key]!.trim());
                }
              }
              bulkId ??= this.d.store.journal('bulk-add', 'bulk', actionId, '', null, null, 'user');
              this.d.store.amendJournal(bulkId, `added ${added.length} ${added.length === 1 ? 'person' : 'people'} to ${label}`, {
                addIds: added,
              } satisfies BulkAddAfter);
            },
            actionId,
          );
        },
        { signal: run.signal, onProgress },
      );
    } finally {
      this.bulkRun = null;
      this.claimed = null;
    }
    return { added: added.length, total: people.length, cancelled: done < people.length, bulkId, refused };
  }

  cancelBulk(): { cancelled: boolean } {
    if (!this.bulkRun) return { cancelled: false };
    this.bulkRun.abort();
    return { cancelled: true };
  }

  /**
   * Undo an add (or a bulk add, each of its adds): not sent yet — the create is cancelled and
   * the record goes; sent — the record is deleted at the vendor, or, where the vendor cannot
   * delete, unlinked and left there, which the answer says.
   */
  undo(journalId: number): { undone: string; deletedAtVendor: number; leftAtVendor: string[] } {
    const j = journalEntry(this.d.sqlite, journalId);
    if (!j || (j.kind !== 'add-to' && j.kind !== 'bulk-add')) throw new CoreError('not_found', `No add with id ${journalId}`);
    if (j.undone) throw new CoreError('bad_request', 'That was already undone');
    return this.d.store.withAction(j.kind === 'bulk-add' ? 'undoing a bulk add' : null, () => {
      const ids = j.kind === 'bulk-add' ? ((JSON.parse(j.after ?? '{}') as BulkAddAfter).addIds ?? []) : [j.id];
      let deletedAtVendor = 0;
      const leftAtVendor: string[] = [];
      for (const id of [...ids].reverse()) {
        const a = journalEntry(this.d.sqlite, id);
        if (!a || a.undone) continue;
        const { recordId } = JSON.parse(a.after ?? '{}') as AddToAfter;
        const rec = this.d.store.record(recordId);
        if (rec.state !== 'deleted_local' && rec.state !== 'deleted_remote') {
          const vendor = this.d.accounts.get(rec.accountId).kind as AccountKind;
          if (rec.remoteId && !this.d.canDelete(vendor)) {
            // The vendor has no delete: the record stays there, no longer linked to this person.
            this.d.store.unlinkRecord(recordId);
            leftAtVendor.push(`${displayName(rec.local)} (${vendor} ${rec.remoteId})`);
          } else {
            this.d.store.delete(recordId);
            if (rec.remoteId) deletedAtVendor++;
          }
        }
        this.d.store.markUndone(a.id);
      }
      if (j.kind === 'bulk-add') this.d.store.markUndone(j.id);
      const said = [
        deletedAtVendor && `${deletedAtVendor} to be deleted at the vendor`,
        leftAtVendor.length && `${leftAtVendor.length} left at the vendor, which cannot delete contacts`,
      ]
        .filter(Boolean)
        .join('; ');
      this.d.store.journal(
        'undo',
        j.kind === 'bulk-add' ? 'bulk' : 'record',
        String(j.id),
        `add undone${said ? `: ${said}` : ''}`,
        null,
        { deletedAtVendor, leftAtVendor },
        'user',
      );
      return { undone: j.kind, deletedAtVendor, leftAtVendor };
    });
  }

  /** Vendor ids given to creates not sent yet (their records have no remote id until they are). */
  private pendingIds(accountId: string): string[] {
    return idsOfUnsentCreates(this.d.sqlite, accountId);
  }

  private externalRef(personId: string): string {
    return goldenExternalRef(this.d.sqlite, personId);
  }
}

/** What can recognise a person in another account: emails, E.164 phones (digits), the external reference. */
function keysOf(c: CanonicalContact): string[] {
  const keys = [
    ...(c.emails ?? []).map((e) => `e:${emailKey(e.address)}`),
    ...(c.phones ?? []).map((p) => `p:${phoneKey(p)}`),
    ...(c.externalRef?.trim() ? [`x:${c.externalRef.trim()}`] : []),
  ];
  return keys.filter((k) => !k.endsWith(':'));
}

/** A bulk value with per-person placeholders filled in: "CONCORD-{personId}", "{externalRef}". */
function expand(values: Record<string, string>, personId: string, externalRef: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, v.replace(TEMPLATE, (_m, name: string) => (name === 'personId' ? personId : externalRef))]),
  );
}

function refusal(p: AddToPreview): string {
  const missing = p.needs.filter((n) => n.missing).map((n) => `${n.label} (${n.why})`);
  const bad = p.problems.map((x) => `${x.field}: ${x.message}`);
  return `Cannot add ${p.name} to ${p.accountLabel} yet: ${[...missing.map((m) => `needs ${m}`), ...bad].join('; ')}`;
}
