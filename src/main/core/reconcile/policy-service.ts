// Field policies: a person chooses, per field, which accounts should agree ("phones and emails
// across CallTools, LiveVox and MPDX"). Drift is where linked records in those accounts say
// different things — counted per pair of accounts and field, each cell naming its people.
// Making them agree proposes writes from the golden record (its survivorship rules), which go
// through the outbox like any edit: previewed, guarded at push, undoable as one action.
// Policies live in app_settings; drift is re-checked after every sync and remembered there too,
// so `status` can say how many people drift without working it out again.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { CANONICAL_FIELDS, type AccountKind, type CanonicalContact, type CanonicalField } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import { isBlank } from '../contacts/golden';
import { CoreError } from '../errors';
import type { Clock } from '../clock';
import type { SyncStore } from '../sync/sync-store';
import { readSetting, writeSetting } from '../store/app-settings';
import { journalEntryOfKind, latestEditOfRecord } from '../store/journal-entries';
import { recordsLinkedAcross, type LinkedRecordRow } from '../store/records';
import { agreeKey } from './agree-key';

export { agreeKey };

export interface FieldPolicy {
  field: CanonicalField;
  accounts: string[];
}

export interface DriftCell {
  field: CanonicalField;
  a: string;
  b: string;
  count: number;
}

export interface DriftReport {
  policies: FieldPolicy[];
  cells: DriftCell[];
  /** People with at least one disagreement under some policy. */
  people: number;
  checkedAt: string;
}

export interface AgreeWrite {
  recordId: string;
  personId: string;
  name: string;
  vendor: AccountKind;
  accountLabel: string;
  accountId: string;
  field: CanonicalField;
  from: unknown;
  to: unknown;
  /** What the write leaves out or cannot carry of a do-not-contact, in words. */
  note?: string;
  /** `recordId|field`: what a person excludes a write by. */
  key: string;
  /** How many of the person's records in the policy's accounts already hold the value written, of how many. */
  held: number;
  of: number;
  /** Another record holds a different value: with `held` 1, the golden value is one record's word against another's. */
  contested: boolean;
}

/** Writes per field and account, for the window's groups (each can be left out whole). */
export interface AgreeGroup {
  field: CanonicalField;
  accountId: string;
  accountLabel: string;
  vendor: AccountKind;
  count: number;
}

/** Writes a person chose to leave out before queuing: single writes by key, or whole field × account groups. */
export interface AgreeExclusions {
  keys?: string[];
  groups?: { field: CanonicalField; accountId: string }[];
}

const POLICIES = 'field_policies';
const LAST = 'drift_last';
const WRITES_PAGE = 500;

type Row = LinkedRecordRow;

/** A write a policy apply queued, kept in its journal entry so its undo can check and take it back. */
interface AppliedWrite {
  editId: number;
  recordId: string;
  field: CanonicalField;
  from: unknown;
  to: unknown;
}

/** What a policy apply's journal entry keeps (`after`); applies from before writes were kept have editIds only. */
interface PolicyApplyAfter {
  editIds: number[];
  writes?: AppliedWrite[];
}

export class PolicyService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly store: SyncStore,
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
    private readonly writable: (vendor: AccountKind) => readonly string[],
    /** The parts of phones/emails a vendor writes (`phones.doNotContact`: it can mark one number blocked). */
    private readonly parts: (vendor: AccountKind) => readonly string[] = () => [],
  ) {}

  list(): FieldPolicy[] {
    return readSetting<FieldPolicy[]>(this.sqlite, POLICIES) ?? [];
  }

  /** Set (or replace) the policy for one field. Two accounts at least, each able to hold the field. */
  set(field: CanonicalField, accountIds: string[]): FieldPolicy[] {
    if (!CANONICAL_FIELDS.includes(field)) throw new CoreError('bad_request', `No field "${field}"`);
    const ids = [...new Set(accountIds)];
    if (ids.length < 2) throw new CoreError('bad_request', 'A policy needs at least two accounts to agree');
    for (const id of ids) {
      const a = this.accounts.get(id);
      if (a.kind === 'csv') throw new CoreError('bad_request', `${a.label} is a CSV source; it cannot be written to`);
      if (!this.writable(a.kind as AccountKind).includes(field))
        throw new CoreError('bad_request', `${a.label} (${a.kind}) cannot hold ${field}`);
    }
    const next = [...this.list().filter((p) => p.field !== field), { field, accounts: ids }];
    this.save(POLICIES, next);
    this.check();
    return next;
  }

  clear(field?: CanonicalField): FieldPolicy[] {
    const next = field ? this.list().filter((p) => p.field !== field) : [];
    this.save(POLICIES, next);
    this.check();
    return next;
  }

  /** Work drift out now (every sync does) and remember the count for `status`. */
  check(only?: CanonicalField): DriftReport {
    const { report } = this.compute(only);
    if (!only) this.save(LAST, { people: report.people, checkedAt: report.checkedAt });
    return report;
  }

  /** The last count, for status (null before any policy). */
  last(): { people: number; checkedAt: string } | null {
    if (!this.list().length) return null;
    return readSetting<{ people: number; checkedAt: string }>(this.sqlite, LAST) ?? null;
  }

  /** The people in one cell of the matrix, with what each side holds. */
  people(q: { field: CanonicalField; a: string; b: string; limit: number; offset: number }): {
    total: number;
    people: { personId: string; name: string; a: unknown; b: unknown }[];
  } {
    const { byCell } = this.compute(q.field);
    const list = byCell.get(cellKey(q.field, q.a, q.b)) ?? byCell.get(cellKey(q.field, q.b, q.a)) ?? [];
    const flip = !byCell.has(cellKey(q.field, q.a, q.b));
    return {
      total: list.length,
      people: list
        .slice(q.offset, q.offset + q.limit)
        .map((x) => ({ personId: x.personId, name: x.name, a: flip ? x.vb : x.va, b: flip ? x.va : x.vb })),
    };
  }

  /**
   * The writes that make every policy's accounts hold the golden value (one field, or all), a
   * page at a time in the order they are queued (field, then account, then person), with the
   * count per field and account so a person can review every one and leave groups out.
   */
  plan(
    field?: CanonicalField,
    page: { offset?: number; limit?: number } = {},
  ): { people: number; total: number; writes: AgreeWrite[]; groups: AgreeGroup[]; offset: number } {
    const writes = this.writesFor(field);
    const offset = Math.max(0, page.offset ?? 0);
    return {
      people: new Set(writes.map((w) => w.personId)).size,
      total: writes.length,
      writes: writes.slice(offset, offset + Math.min(page.limit ?? WRITES_PAGE, WRITES_PAGE)),
      groups: groupsOf(writes),
      offset,
    };
  }

  /**
   * Queue those writes as edits (one action, one undo), less the ones a person left out;
   * `expected` is the count the person saw queued. Each write keeps what it replaced, so an
   * undo after the push can write it back.
   */
  apply(
    field: CanonicalField | undefined,
    expected: number,
    exclude: AgreeExclusions = {},
  ): { written: number; refused: { recordId: string; name: string; reason: string }[]; applyId: number } {
    const writes = excluding(this.writesFor(field), exclude);
    if (writes.length !== expected)
      throw new CoreError('conflict', `The writes changed since you looked (${expected} then, ${writes.length} now); review them again`);
    const actionId = randomUUID();
    const refused: { recordId: string; name: string; reason: string }[] = [];
    return this.store.withAction(
      `making ${field ?? 'the policy fields'} agree`,
      () => {
        const editIds: number[] = [];
        const done: AppliedWrite[] = [];
        for (const w of writes) {
          try {
            const editId = this.store.edit(w.recordId, { [w.field]: w.to } as Partial<CanonicalContact>, 'user').journalId;
            editIds.push(editId);
            done.push({ editId, recordId: w.recordId, field: w.field, from: w.from, to: w.to });
          } catch (e) {
            // A value this vendor cannot hold (too many phones for its slots, say) is reported, not forced.
            refused.push({ recordId: w.recordId, name: w.name, reason: (e as Error).message });
          }
        }
        const left = writes.length === expected ? this.writesFor(field).length - writes.length : 0;
        const summary = `made ${field ? fieldWords(field) : 'the policy fields'} agree: ${editIds.length} write${editIds.length === 1 ? '' : 's'} queued${left ? `, ${left} left out` : ''}`;
        const applyId = this.store.journal(
          'policy-apply',
          'bulk',
          actionId,
          summary,
          null,
          { editIds, writes: done } satisfies PolicyApplyAfter,
          'user',
        );
        this.check();
        return { written: editIds.length, refused, applyId };
      },
      actionId,
    );
  }

  /**
   * Take back a "make them agree". A write not sent yet is cancelled; one already sent is
   * written back to what it replaced — through the outbox, guarded like any edit — if the
   * record still holds what the apply wrote; one changed since (by a person here or at the
   * vendor) is left as it is and counted, and then the apply is not marked undone.
   */
  undo(applyId: number): { undone: number; writtenBack: number; leftAsIs: number } {
    const j = journalEntryOfKind(this.sqlite, applyId, 'policy-apply');
    if (!j) throw new CoreError('not_found', `No policy apply with id ${applyId}`);
    if (j.undone) throw new CoreError('bad_request', 'That was already undone');
    return this.store.withAction(null, () => {
      const after = JSON.parse(j.after ?? '{"editIds":[]}') as PolicyApplyAfter;
      // Applies from before writes were kept: only their unsent edits can be taken back.
      const writes =
        after.writes ??
        after.editIds.map((editId) => ({ editId, recordId: '', field: 'notes' as CanonicalField, from: undefined, to: undefined }));
      let undone = 0;
      let writtenBack = 0;
      let leftAsIs = 0;
      for (const w of [...writes].reverse()) {
        const e = journalEntryOfKind(this.sqlite, w.editId, 'edit');
        if (!e || e.undone) continue;
        // Only the record's latest edit is this one's to take back; a later edit is someone's change.
        if (latestEditOfRecord(this.sqlite, e.entityId) === w.editId && this.store.undoLatestEdit(e.entityId)) {
          undone++;
          continue;
        }
        const rec = w.recordId ? this.store.record(w.recordId) : null;
        if (rec && w.to !== undefined && agreeKey(w.field, rec.local[w.field]) === agreeKey(w.field, w.to)) {
          this.store.edit(w.recordId, { [w.field]: w.from ?? null } as Partial<CanonicalContact>, 'user');
          writtenBack++;
        } else leftAsIs++;
      }
      if (!leftAsIs) this.store.markUndone(j.id);
      const parts = [
        undone && `${undone} not sent yet, cancelled`,
        writtenBack && `${writtenBack} already sent, written back`,
        leftAsIs && `${leftAsIs} changed since, left as they are`,
      ].filter(Boolean);
      this.store.journal(
        'undo',
        'bulk',
        String(j.id),
        `${leftAsIs ? 'partly undid' : 'undid'} making them agree: ${parts.join('; ') || 'nothing to take back'}`,
        null,
        { undone, writtenBack, leftAsIs },
        'user',
      );
      this.check();
      return { undone, writtenBack, leftAsIs };
    });
  }

  /**
   * The writes, and for a person blocked anywhere the block carried along (blocks.ts): every
   * record of theirs whose vendor can say do-not-contact and does not yet is written so, and a
   * blocked number or email is never written to a vendor that cannot mark it.
   */
  private writesFor(field?: CanonicalField): PlannedWrite[] {
    const out: PlannedWrite[] = [];
    const blocking = new Set<string>();
    const labels = new Map(this.accounts.list().map((a) => [a.id, a] as const));
    for (const policy of this.list()) {
      if (field && policy.field !== field) continue;
      for (const group of this.groups(policy).values()) {
        const golden = JSON.parse(group[0]!.golden) as CanonicalContact;
        const want = golden[policy.field];
        if (isBlank(want)) continue; // nothing to agree on: the golden record has no value
        const key = agreeKey(policy.field, want);
        const keys = group.map((r) => agreeKey(policy.field, (JSON.parse(r.local) as CanonicalContact)[policy.field]));
        const held = keys.filter((k) => k === key).length;
        if (held === group.length) continue;
        const contested = keys.some((k) => k !== '' && k !== key);
        for (const r of group) {
          const local = JSON.parse(r.local) as CanonicalContact;
          const have = local[policy.field];
          const acc = labels.get(r.account_id)!;
          const vendor = acc.kind as AccountKind;
          const base = {
            recordId: r.id,
            personId: r.person_id,
            name: r.name,
            vendor,
            accountLabel: acc.label,
            accountId: r.account_id,
            held,
            of: group.length,
            contested,
          };
          if (
            golden.doNotContact === true &&
            !blocking.has(r.id) &&
            local.doNotContact !== true &&
            this.writable(vendor).includes('doNotContact')
          ) {
            blocking.add(r.id);
            out.push({
              ...base,
              key: `${r.id}|doNotContact`,
              field: 'doNotContact',
              from: local.doNotContact ?? null,
              to: true,
              note: `Do not contact — ${golden.doNotContactWhy ?? 'a linked record says so'}`,
            });
          }
          if (agreeKey(policy.field, have) === key) continue;
          const { to, note } = this.withoutUnmarkable(policy.field, want, have, vendor, acc.label);
          if (agreeKey(policy.field, to) === agreeKey(policy.field, have)) continue; // only blocked entries differ: left as they are
          out.push({ ...base, key: `${r.id}|${policy.field}`, field: policy.field, from: have ?? null, to, ...(note ? { note } : {}) });
        }
      }
    }
    // Grouped as the window shows them: by field, then account, then person.
    return out.sort(
      (a, b) =>
        a.field.localeCompare(b.field) ||
        a.accountLabel.localeCompare(b.accountLabel) ||
        a.accountId.localeCompare(b.accountId) ||
        a.name.localeCompare(b.name) ||
        a.recordId.localeCompare(b.recordId),
    );
  }

  /** A phone or email list without the blocked entries a vendor cannot mark (unless the record holds them already). */
  private withoutUnmarkable(
    field: CanonicalField,
    want: unknown,
    have: unknown,
    vendor: AccountKind,
    label: string,
  ): { to: unknown; note?: string } {
    if ((field !== 'phones' && field !== 'emails') || !Array.isArray(want) || this.parts(vendor).includes(`${field}.doNotContact`))
      return { to: want };
    const held = new Set(agreeKey(field, have).split(','));
    const left: string[] = [];
    const to = (want as { doNotContact?: boolean; doNotContactWhy?: string | null }[]).filter((e) => {
      if (!e.doNotContact || held.has(agreeKey(field, [e]))) return true;
      left.push(`${agreeKey(field, [e])} (${e.doNotContactWhy ?? 'do not contact'})`);
      return false;
    });
    return left.length
      ? {
          to,
          note: `left out: ${left.join(', ')}; ${label} cannot mark one ${field === 'phones' ? 'number' : 'email address'} as do-not-contact`,
        }
      : { to };
  }

  /** A policy's linked records, by person (only people with records in two or more of its accounts). */
  private groups(policy: FieldPolicy): Map<string, Row[]> {
    const rows = recordsLinkedAcross(this.sqlite, policy.accounts);
    const by = new Map<string, Row[]>();
    for (const r of rows) by.set(r.person_id, [...(by.get(r.person_id) ?? []), r]);
    return by;
  }

  private compute(only?: CanonicalField): {
    report: DriftReport;
    byCell: Map<string, { personId: string; name: string; va: unknown; vb: unknown }[]>;
  } {
    const policies = this.list();
    const counts = new Map<string, DriftCell>();
    const byCell = new Map<string, { personId: string; name: string; va: unknown; vb: unknown }[]>();
    const drifting = new Set<string>();
    for (const policy of policies) {
      if (only && policy.field !== only) continue;
      const order = new Map(policy.accounts.map((id, i) => [id, i]));
      for (const group of this.groups(policy).values()) {
        const seen = new Set<string>();
        for (let i = 0; i < group.length; i++) {
          for (let k = i + 1; k < group.length; k++) {
            let [x, y] = [group[i]!, group[k]!];
            if (x.account_id === y.account_id) continue;
            if (order.get(x.account_id)! > order.get(y.account_id)!) [x, y] = [y, x];
            const vx = (JSON.parse(x.local) as CanonicalContact)[policy.field];
            const vy = (JSON.parse(y.local) as CanonicalContact)[policy.field];
            if (agreeKey(policy.field, vx) === agreeKey(policy.field, vy)) continue;
            const key = cellKey(policy.field, x.account_id, y.account_id);
            if (seen.has(key)) continue; // a person counts once per cell
            seen.add(key);
            const cell = counts.get(key) ?? { field: policy.field, a: x.account_id, b: y.account_id, count: 0 };
            cell.count++;
            counts.set(key, cell);
            byCell.set(key, [...(byCell.get(key) ?? []), { personId: x.person_id, name: x.name, va: vx ?? null, vb: vy ?? null }]);
            drifting.add(x.person_id);
          }
        }
      }
    }
    return { report: { policies, cells: [...counts.values()], people: drifting.size, checkedAt: this.clock.now().toISOString() }, byCell };
  }

  private save(key: string, value: unknown): void {
    writeSetting(this.sqlite, key, value, this.clock.now().toISOString());
  }
}

const cellKey = (field: string, a: string, b: string): string => `${field}|${a}|${b}`;

type PlannedWrite = AgreeWrite;

function groupsOf(writes: PlannedWrite[]): AgreeGroup[] {
  const by = new Map<string, AgreeGroup>();
  for (const w of writes) {
    const k = `${w.field}|${w.accountId}`;
    const g = by.get(k) ?? { field: w.field, accountId: w.accountId, accountLabel: w.accountLabel, vendor: w.vendor, count: 0 };
    g.count++;
    by.set(k, g);
  }
  return [...by.values()];
}

function excluding(writes: PlannedWrite[], ex: AgreeExclusions): PlannedWrite[] {
  const keys = new Set(ex.keys ?? []);
  const groups = new Set((ex.groups ?? []).map((g) => `${g.field}|${g.accountId}`));
  return writes.filter((w) => !keys.has(w.key) && !groups.has(`${w.field}|${w.accountId}`));
}

const FIELD_WORDS: Partial<Record<CanonicalField, string>> = {
  givenName: 'given names',
  familyName: 'family names',
  fullName: 'full names',
  birthDate: 'birth dates',
  timeZone: 'time zones',
  doNotContact: 'do-not-contact',
  externalRef: 'external refs',
};
const fieldWords = (f: CanonicalField): string => FIELD_WORDS[f] ?? f;
