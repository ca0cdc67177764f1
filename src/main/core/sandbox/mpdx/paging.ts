// MPDX's lists (docs/vendors/mpdx.md): page/per_page paging echoed as strings, sort, include,
// and filter[updated_at] ranges, served from the store's ordered indexes.
import type { SandboxRequest, SandboxResponse } from '../server';
import { doc, errors, serialize } from './jsonapi';
import type { MpdxStore, MpdxType, Row } from './store';

/** First index in `rows` (ordered so that `past` turns true once and stays) where `past` holds. */
function firstIndex(rows: readonly Row[], past: (r: Row) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One side of a filter[updated_at] value as [first ms, last ms]: a day, or a time to the second. */
function pointOf(s: string): [number, number] | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return [Date.parse(`${s}T00:00:00Z`), Date.parse(`${s}T00:00:00Z`) + 86_399_999];
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-\d{2}:\d{2}$/.test(s)) return pointOf(s.slice(0, 10)); // a -hh:mm offset falls back to the whole day
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|\+\d{2}:\d{2})$/.test(s)) return [Date.parse(s), Date.parse(s) + 999];
  return null;
}

/** filter[updated_at] as bounds in ms: `from` inclusive, `to` inclusive (A..B, one point) or exclusive (A...B). */
export function updatedAtRange(value: string): { from: number; to: number; endExclusive: boolean } | null {
  const m = /^(.+?)(\.\.\.?)(.+)$/.exec(value);
  if (m) {
    const a = pointOf(m[1]!);
    const b = pointOf(m[3]!);
    if (!a || !b) return null;
    return m[2] === '...' ? { from: a[0], to: b[0], endExclusive: true } : { from: a[0], to: b[1], endExclusive: false };
  }
  const p = pointOf(value);
  return p ? { from: p[0], to: p[1], endExclusive: false } : null;
}

/** filter[updated_at]: day, exact time, A..B inclusive, A...B end-exclusive (docs/vendors/mpdx.md). */
export function updatedAtFilter(value: string): ((ms: number) => boolean) | null {
  const r = updatedAtRange(value);
  return r ? (t) => t >= r.from && (r.endExclusive ? t < r.to : t <= r.to) : null;
}

/**
 * One page of a collection: a whole type (served from the store's ordered index, so a page
 * costs what it holds) or a contact's or person's few children (sorted here).
 */
export function page(store: MpdxStore, req: SandboxRequest, of: MpdxType | Row[]): SandboxResponse {
  const sort = req.query.get('sort') ?? 'created_at';
  const key = sort.replace(/^-/, '');
  const dir = sort.startsWith('-') ? -1 : 1;
  if (!['created_at', 'updated_at', 'name'].includes(key))
    return errors(400, [{ status: '400', title: 'Bad Request', detail: `Sorting by ${key} is not supported` }]);
  const f = req.query.get('filter[updated_at]');
  const test = f !== null ? updatedAtFilter(f) : null;
  if (f !== null && !test)
    return errors(400, [
      {
        status: '400',
        title: 'Bad Request',
        detail:
          "Wrong format of date range for filter 'updated_at', should follow 'YYYY-MM-DDTHH:MM:SSZ..YYYY-MM-DDTHH:MM:SSZ' for datetime range",
      },
    ]);
  const p = Number(req.query.get('page') ?? '1');
  const per = Number(req.query.get('per_page') ?? '25');
  let rows: readonly Row[];
  const from = (p - 1) * per;
  let total: number;
  if (typeof of === 'string' && key !== 'name' && dir > 0) {
    rows = store.inOrder(of, key as 'created_at' | 'updated_at');
    total = rows.length;
    const range = f !== null && key === 'updated_at' ? updatedAtRange(f) : null;
    if (range) {
      // The filter is a range of updated_at: two binary searches on the index.
      const lo = firstIndex(rows, (r) => r.updatedAt >= range.from);
      const hi = firstIndex(rows, (r) => (range.endExclusive ? r.updatedAt >= range.to : r.updatedAt > range.to));
      rows = rows.slice(lo, Math.max(lo, hi));
      total = rows.length;
    } else if (test) {
      rows = rows.filter((r) => test(r.updatedAt));
      total = rows.length;
    }
  } else {
    const list = typeof of === 'string' ? store.list(of) : [...of];
    list.sort(
      (a, b) =>
        dir *
          (key === 'updated_at'
            ? a.updatedAt - b.updatedAt
            : key === 'name'
              ? String(a.attrs.name).localeCompare(String(b.attrs.name))
              : a.createdAt - b.createdAt) || a.id.localeCompare(b.id),
    );
    rows = test ? list.filter((r) => test(r.updatedAt)) : list;
    total = rows.length;
  }
  const slice = rows.slice(from, from + per);
  const included: Record<string, unknown>[] = [];
  const inc = (req.query.get('include') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const r of slice) {
    if (r.type !== 'contacts') continue;
    const people = store.childrenOf('people', { contactId: r.id });
    if (inc.includes('people')) included.push(...people.map((x) => serialize(store, x)));
    if (inc.includes('addresses')) included.push(...store.childrenOf('addresses', { contactId: r.id }).map((x) => serialize(store, x)));
    for (const person of people) {
      if (inc.includes('people.phone_numbers'))
        included.push(...store.childrenOf('phone_numbers', { personId: person.id }).map((x) => serialize(store, x)));
      if (inc.includes('people.email_addresses'))
        included.push(...store.childrenOf('email_addresses', { personId: person.id }).map((x) => serialize(store, x)));
    }
  }
  return doc(200, {
    data: slice.map((r) => serialize(store, r)),
    ...(included.length ? { included } : {}),
    meta: {
      pagination: {
        page: req.query.has('page') ? String(p) : 1,
        per_page: req.query.has('per_page') ? String(per) : 25,
        total_count: total,
        total_pages: Math.max(1, Math.ceil(total / per)),
      },
      sort,
      filter: f !== null ? { updated_at: f } : {},
    },
  });
}
