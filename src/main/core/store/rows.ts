// Rows as raw SQL returns them, typed from the drizzle schema (schema.ts) so that a column's
// name and type are written once. better-sqlite3 types every row `unknown` and returns SQL
// column names, JSON columns as their text and booleans as 0/1; SqlRow says so, and a read
// casts to a Pick of it (issue 24: no row read through an `as { ... }` literal).
import type { Column, Table } from 'drizzle-orm';
import type { AccountKind } from '../../../shared/domain';
import type { accounts } from './schema';

/** What better-sqlite3 returns for a column: JSON as text, booleans as 0/1, null where allowed. */
type RawValue<C extends Column> =
  | (C['_']['dataType'] extends 'json' ? string : C['_']['dataType'] extends 'boolean' ? number : C['_']['data'])
  | (C['_']['notNull'] extends true ? never : null);

/** A whole row of `T` as `SELECT *` returns it: SQL column names, raw values. */
export type SqlRow<T extends Table> = {
  [K in keyof T['_']['columns'] as T['_']['columns'][K]['_']['name']]: RawValue<T['_']['columns'][K]>;
};

/** Some columns of a row of `T`, as `SELECT <those columns>` returns them. */
export type SqlColumns<T extends Table, K extends keyof SqlRow<T>> = Pick<SqlRow<T>, K>;

/** `T` with some fields' types narrowed (a `kind` that is an AccountKind, a generated column never null). */
export type Narrowed<T, N extends { [K in keyof T]?: T[K] }> = Omit<T, keyof N> & N;

/** A row of the accounts table, its kind one of the vendors Concord knows. */
export type AccountSqlRow = Narrowed<SqlRow<typeof accounts>, { kind: AccountKind }>;

/** A `count(*) AS n` (or any one number named n). */
export interface CountRow {
  n: number;
}
