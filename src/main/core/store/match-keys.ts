// What a full duplicate scan worked out about each record that the next scan needs again
// (migration 0014): its blocking keys, to find a changed record's partners without blocking the
// whole store; how many records hold each value the weights count; and what a big block is
// sorted by. Keys and values are 53-bit hashes (dedupe/match-keys.ts); records are named by
// rowid, with their id beside it.
import type Database from 'better-sqlite3';
import { liveRecord } from './predicates';

/** One record's keys and counted values, as hashes, and its sort key in a big block. */
export interface RecordKeys {
  rec: number;
  id: string;
  keys: Float64Array;
  vals: Float64Array;
  sort: string;
}

const blob = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const floats = (b: Buffer): Float64Array => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

const BATCH = 64;
const rows = (n: number, width: number): string => Array.from({ length: n }, () => `(${Array(width).fill('?').join(', ')})`).join(', ');

/** Rows written BATCH to a statement (one statement per row costs more in binding than SQLite's own work). */
class BatchInsert {
  private readonly full: Database.Statement;
  private readonly args: unknown[] = [];
  constructor(
    private readonly sqlite: Database.Database,
    private readonly into: string,
    private readonly width: number,
  ) {
    this.full = sqlite.prepare(`INSERT INTO ${into} VALUES ${rows(BATCH, width)}`);
  }
  row(...values: unknown[]): void {
    this.args.push(...values);
    if (this.args.length === BATCH * this.width) {
      this.full.run(this.args);
      this.args.length = 0;
    }
  }
  done(): void {
    if (this.args.length)
      this.sqlite.prepare(`INSERT INTO ${this.into} VALUES ${rows(this.args.length / this.width, this.width)}`).run(this.args);
    this.args.length = 0;
  }
}

/** A growable Float64 list. */
class Floats {
  a = new Float64Array(1 << 16);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const g = new Float64Array(this.a.length * 2);
      g.set(this.a);
      this.a = g;
    }
    this.a[this.n++] = v;
  }
}

/**
 * Replace every record's keys and the value counts with these, handed over one record at a
 * time in rowid order (a full scan, or a scan that read every record). At a million records
 * that is ten million keys: they are kept in typed arrays and sorted before they are written,
 * so the (key, rec) tree is appended to rather than split page by page.
 */
export function replaceMatchKeys(sqlite: Database.Database, each: (put: (k: RecordKeys) => void) => void): void {
  sqlite.prepare('DELETE FROM match_keys').run();
  sqlite.prepare('DELETE FROM match_values').run();
  sqlite.prepare('DELETE FROM match_record_keys').run();
  const perRecord = new BatchInsert(sqlite, 'match_record_keys (rec, id, keys, vals, sort)', 5);
  const keys = new Floats();
  const recs = new Floats();
  const vals = new Floats();
  let kept = 0;
  each((k) => {
    kept++;
    perRecord.row(k.rec, k.id, blob(k.keys), blob(k.vals), k.sort);
    for (const key of k.keys) {
      keys.push(key);
      recs.push(k.rec);
    }
    for (const v of k.vals) vals.push(v);
  });
  perRecord.done();
  sqlite.prepare('UPDATE match_keys_state SET kept = ? WHERE id = 1').run(kept);
  const order = sortedOrder(keys.a.subarray(0, keys.n));
  const keyRows = new BatchInsert(sqlite, 'match_keys (key, rec)', 2);
  for (const i of order) keyRows.row(keys.a[i]!, recs.a[i]!);
  keyRows.done();
  const v = vals.a.slice(0, vals.n).sort();
  const valueRows = new BatchInsert(sqlite, 'match_values (value, n)', 2);
  for (let i = 0; i < v.length;) {
    let j = i;
    while (j < v.length && v[j] === v[i]) j++;
    valueRows.row(v[i]!, j - i);
    i = j;
  }
  valueRows.done();
}

/**
 * The indexes of `keys` (53-bit integers) in ascending order, equal keys in their given order:
 * a least-significant-digit radix sort, 16 bits a pass, numbers only.
 */
export function sortedOrder(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    hi[i] = Math.floor(k / 0x100000000);
    lo[i] = k - hi[i]! * 0x100000000;
  }
  let order = Uint32Array.from({ length: n }, (_, i) => i);
  let next = new Uint32Array(n);
  const count = new Uint32Array(1 << 16);
  for (const [words, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let d = 0; d < count.length; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let p = 0; p < n; p++) {
      const i = order[p]!;
      next[count[(words[i]! >>> shift) & 0xffff]!++] = i;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** How many records have keys kept (every live record, while the tables are current). */
export function matchKeysKept(sqlite: Database.Database): number {
  return sqlite.prepare('SELECT kept FROM match_keys_state WHERE id = 1').pluck().get() as number;
}

/**
 * The records written since their keys were kept: those a contact edit or a state change marked
 * (trigger, migration 0014) and those inserted since (a rowid past every kept one). Each with
 * whether it is live now.
 */
export function recordsWrittenSinceKeys(sqlite: Database.Database): { rec: number; id: string; live: boolean }[] {
  const after = (sqlite.prepare('SELECT max(rec) FROM match_record_keys').pluck().get() as number | null) ?? 0;
  // Two lookups by rowid: with an OR between them SQLite reads the whole table.
  const cols = `r.rowid, r.id, ${liveRecord('r')}`;
  const marked = sqlite
    .prepare(`SELECT ${cols} FROM records r WHERE r.rowid IN (SELECT rec FROM match_dirty) AND r.rowid <= ?`)
    .raw()
    .all(after);
  const added = sqlite.prepare(`SELECT ${cols} FROM records r WHERE r.rowid > ? ORDER BY r.rowid`).raw().all(after);
  return ([...marked, ...added] as [number, string, number][]).map(([rec, id, live]) => ({ rec, id, live: live === 1 }));
}

/** The marks of records written are spent: a scan took what they marked into account. */
export function clearWrittenMarks(sqlite: Database.Database): void {
  sqlite.prepare('DELETE FROM match_dirty').run();
}

/** A record's kept keys; undefined when none are kept for that rowid. */
export function keptKeysOf(sqlite: Database.Database, rec: number): RecordKeys | undefined {
  const row = sqlite.prepare('SELECT id, keys, vals, sort FROM match_record_keys WHERE rec = ?').raw().get(rec) as
    [string, Buffer, Buffer, string] | undefined;
  return row && { rec, id: row[0], keys: floats(row[1]), vals: floats(row[2]), sort: row[3] };
}

/** A writer that takes a record's kept keys out (and its values' counts down), and puts new ones in. */
export function recordKeysWriter(sqlite: Database.Database): { remove(k: RecordKeys): void; add(k: RecordKeys): void } {
  const delKey = sqlite.prepare('DELETE FROM match_keys WHERE key = ? AND rec = ?');
  const addKey = sqlite.prepare('INSERT OR IGNORE INTO match_keys (key, rec) VALUES (?, ?)');
  const down = sqlite.prepare('UPDATE match_values SET n = n - 1 WHERE value = ?');
  const dropZero = sqlite.prepare('DELETE FROM match_values WHERE value = ? AND n <= 0');
  const up = sqlite.prepare('INSERT INTO match_values (value, n) VALUES (?, 1) ON CONFLICT(value) DO UPDATE SET n = n + 1');
  const delRec = sqlite.prepare('DELETE FROM match_record_keys WHERE rec = ?');
  const addRec = sqlite.prepare('INSERT INTO match_record_keys (rec, id, keys, vals, sort) VALUES (?, ?, ?, ?, ?)');
  const kept = sqlite.prepare('UPDATE match_keys_state SET kept = kept + ? WHERE id = 1');
  return {
    remove(k) {
      for (const key of k.keys) delKey.run(key, k.rec);
      for (const v of k.vals) {
        down.run(v);
        dropZero.run(v);
      }
      if (delRec.run(k.rec).changes) kept.run(-1);
    },
    add(k) {
      for (const key of k.keys) addKey.run(key, k.rec);
      for (const v of k.vals) up.run(v);
      addRec.run(k.rec, k.id, blob(k.keys), blob(k.vals), k.sort);
      kept.run(1);
    },
  };
}

/** A reader of a block's members (rowids, ascending) by key. */
export function blockMembersReader(sqlite: Database.Database): (key: number) => number[] {
  const st = sqlite.prepare('SELECT rec FROM match_keys WHERE key = ? ORDER BY rec').pluck();
  return (key) => st.all(key) as number[];
}

/** A reader of a block's members with their sort keys (rowid ascending), for a big block's neighbours. */
export function blockSortKeysReader(sqlite: Database.Database): (key: number) => [number, string][] {
  const st = sqlite
    .prepare('SELECT m.rec, r.sort FROM match_keys m JOIN match_record_keys r ON r.rec = m.rec WHERE m.key = ? ORDER BY m.rec')
    .raw();
  return (key) => st.all(key) as [number, string][];
}

/** A reader of how many live records hold a value (0 when none). */
export function valueCountReader(sqlite: Database.Database): (value: number) => number {
  const st = sqlite.prepare('SELECT n FROM match_values WHERE value = ?').pluck();
  return (value) => (st.get(value) as number | undefined) ?? 0;
}
