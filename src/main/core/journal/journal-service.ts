// The activity log: every edit, sync write, conflict, merge and undo, newest first, with
// what "undo" would do where something can be undone. The rows of one action (a merge, a
// person edit fanned out to the vendors, one sync's pushes) come as one entry, each row naming
// the person it is about.
import type Database from 'better-sqlite3';
import { VENDOR_LABELS } from '../../../shared/domain';
import { REMOVAL_UNDO_DAYS } from '../store/removed-accounts';
import { journalKind, journalPage, peopleNames, personIdsOfRecords, type JournalRowSql } from '../store/journal-list';

export interface JournalRowView {
  id: number;
  at: string;
  actor: string;
  kind: string;
  entityType: string;
  entityId: string;
  summary: string;
  undone: boolean;
  undo: 'edit' | 'merge' | 'dismiss' | 'add' | 'agree' | 'account' | null;
  /** Who the row is about, as they are named now (a dismissal is about several). */
  people: { id: string; name: string }[];
  /** The vendor of the record the row is about. */
  vendor: string | null;
  /** The action that caused it, in words ("the merge of Ann Lee and Ann Leigh"). */
  cause: string | null;
}

/** One action: its leading row (or a summary of them all) and the rest of its rows. */
export interface JournalEntryView extends JournalRowView {
  rows: JournalRowView[];
  rowCount: number;
}

// A bulk merge is one entry of tens of thousands of steps; the window shows the first ones.
const ENTRY_ROWS_SHOWN = 200;

// The row that stands for the whole action when it has one.
const LEADS = ['bulk-merge', 'bulk-unmerge', 'bulk-add', 'policy-apply', 'merge', 'unmerge', 'dismiss', 'add-to'];

type RowSql = JournalRowSql;

/** What a dismissal's journal entry keeps (`after`): the records it was about. */
interface DismissedAfter {
  recordIds?: string[];
}

export class JournalService {
  constructor(private readonly sqlite: Database.Database) {}

  list(q: { kind?: string; entityIds?: string[]; limit: number; offset: number }): { total: number; entries: JournalEntryView[] } {
    const { total, groups, counts, rows } = journalPage(this.sqlite, q, ENTRY_ROWS_SHOWN);

    const personIds = new Map<number, string[]>();
    for (const r of rows) {
      const ids =
        r.kind === 'unmerge'
          ? [r.merged_person]
          : r.dismissed
            ? this.peopleOfRecords((JSON.parse(r.dismissed) as DismissedAfter).recordIds ?? [])
            : [r.person_id];
      personIds.set(r.id, [...new Set(ids.filter((x): x is string => !!x))]);
    }
    const names = this.names([...new Set([...personIds.values()].flat())]);
    const views = rows.map((r) =>
      toView(
        r,
        (personIds.get(r.id) ?? []).filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id)! })),
      ),
    );

    const byGroup = new Map<string, JournalRowView[]>();
    rows.forEach((r, i) => {
      const key = r.action_id ?? `j${r.id}`;
      const list = byGroup.get(key);
      if (list) list.push(views[i]!);
      else byGroup.set(key, [views[i]!]);
    });
    return {
      total,
      entries: groups
        .map((g) => entryOf(byGroup.get(g.action_id ?? `j${g.top}`) ?? [], g.action_id ? (counts.get(g.action_id) ?? 1) : 1))
        .filter((e): e is JournalEntryView => e !== null),
    };
  }

  kindOf(id: number): string | null {
    return journalKind(this.sqlite, id);
  }

  private peopleOfRecords(recordIds: string[]): string[] {
    return personIdsOfRecords(this.sqlite, recordIds);
  }

  private names(ids: string[]): Map<string, string> {
    return peopleNames(this.sqlite, ids);
  }
}

function toView(r: RowSql, people: { id: string; name: string }[]): JournalRowView {
  const vendor = r.vendor ? VENDOR_LABELS[r.vendor] : null;
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    kind: r.kind,
    entityType: r.entity_type,
    entityId: r.entity_id,
    summary: wordsOf(r, vendor),
    undone: r.undone === 1,
    undo: r.undone
      ? null
      : r.kind === 'edit' && r.entity_type === 'record'
        ? r.edit_undoable
          ? 'edit'
          : null
        : r.kind === 'merge' || r.kind === 'bulk-merge'
          ? 'merge'
          : r.kind === 'dismiss'
            ? 'dismiss'
            : r.kind === 'add-to' || r.kind === 'bulk-add'
              ? 'add'
              : r.kind === 'policy-apply'
                ? 'agree'
                : r.kind === 'account.remove' && Date.now() - Date.parse(r.at) < REMOVAL_UNDO_DAYS * 86_400_000
                  ? 'account'
                  : null,
    people,
    vendor,
    cause: r.cause,
  };
}

/** A deletion says where and, when an action caused it, which one. */
function wordsOf(r: RowSql, vendor: string | null): string {
  const because = r.cause ? ` because of ${r.cause}` : '';
  if (r.kind === 'edit' && r.summary === 'deleted here' && vendor) return `deleted here; to be deleted at ${vendor}${because}`;
  if (r.kind === 'sync.push' && r.summary === 'deleted on the server' && vendor) return `deleted at ${vendor}${because}`;
  return r.summary;
}

/** An action as one entry: led by its merge (or unmerge, dismissal) row, else by a summary of its rows. */
function entryOf(rows: JournalRowView[], all: number): JournalEntryView | null {
  if (!rows.length) return null;
  const entry = entryOfAll(rows, all);
  // Its steps: every row but the lead (when one leads), the first ENTRY_ROWS_SHOWN of them.
  return { ...entry, rowCount: all - (entry.rows.length < rows.length ? 1 : 0), rows: entry.rows.slice(0, ENTRY_ROWS_SHOWN) };
}

function entryOfAll(rows: JournalRowView[], all: number): Omit<JournalEntryView, 'rowCount'> {
  if (rows.length === 1) return { ...rows[0]!, rows: [] };
  // A bulk merge leads its many merges; else the first merge, unmerge or dismissal.
  const lead = LEADS.map((k) => rows.find((r) => r.kind === k)).find((r) => r !== undefined);
  if (lead) return { ...lead, rows: rows.filter((r) => r !== lead) };
  const last = rows[rows.length - 1]!;
  const kinds = new Set(rows.map((r) => r.kind));
  const kind = kinds.size === 1 ? last.kind : kinds.has('sync.push') ? 'sync.push' : last.kind;
  const vendors = [...new Set(rows.map((r) => r.vendor).filter((v): v is string => !!v))];
  const people = [...new Map(rows.flatMap((r) => r.people).map((p) => [p.id, p])).values()];
  const at = vendors.length ? ` at ${vendors.join(', ')}` : '';
  const summary =
    kind === 'edit' && kinds.size === 1
      ? `${[...new Set(rows.map((r) => r.summary))].join('; ')}${at}`
      : kind === 'sync.push'
        ? `${all} writes sent${at}`
        : `${all} entries${at}`;
  // Its rows keep their own undo; the action as a whole has none of its own.
  return {
    ...last,
    kind,
    summary,
    people,
    vendor: vendors.length === 1 ? vendors[0]! : null,
    undo: null,
    undone: rows.every((r) => r.undone),
    cause: rows.find((r) => r.cause)?.cause ?? null,
    rows,
  };
}
