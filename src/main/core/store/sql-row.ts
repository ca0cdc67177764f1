// Rows as better-sqlite3 returns them, typed from the drizzle schema (issue 24): a table's SQL
// column names, JSON columns as their text, booleans as 0/1. A module selects some columns and
// names its row type `Pick<SqlRow<typeof table>, ...>`, so a renamed column fails to compile.
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/** One column's value as SQLite hands it back. */
type RawValue<C> = C extends { _: { columnType: infer T; data: infer D; notNull: infer N } }
  ? (T extends 'SQLiteTextJson' | 'SQLiteBlobJson' ? string : T extends 'SQLiteBoolean' ? number : D) | (N extends true ? never : null)
  : never;

/** A whole row of `T` by SQL column name, as `SELECT *` reads it. */
export type SqlRow<T extends SQLiteTable> = {
  [K in keyof T['_']['columns'] as T['_']['columns'][K]['_']['name']]: RawValue<T['_']['columns'][K]>;
};
