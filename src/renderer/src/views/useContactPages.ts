// Windowed loading for the virtual list: rows are fetched a page at a time around what is
// visible, so a 100k-person store never crosses the bridge in one piece. A page that follows
// one already loaded is asked for by keyset (after its last row); a jump far down the list
// by offset — both walk the core's sort index, neither sorts.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContactRow } from '../../../shared/contract';
import type { AccountKind } from '../../../shared/domain';
import { call } from '../api';

// Small pages: a jump far down the list waits for (and the bridge carries) one or two pages
// of brief rows, not hundreds of full records landing in one long task mid-fling.
const PAGE = 50;
/** Rows fetched beyond what is on screen (and overscanned), so a steady scroll meets loaded rows. */
const AHEAD = 25;

export interface ContactPages {
  total: number | null;
  error: string | null;
  row(index: number): ContactRow | undefined;
  ensure(from: number, to: number): void;
}

export interface ContactFilters {
  vendor: AccountKind | '';
  state: '' | 'modified' | 'conflicted' | 'rejected';
  duplicates: boolean;
}

export function useContactPages(search: string, filters: ContactFilters, version: number): ContactPages {
  const { vendor, state, duplicates } = filters;
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setTick] = useState(0);
  const pages = useRef(new Map<number, ContactRow[]>());
  const cursors = useRef(new Map<number, { key: string; id: string } | null>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);

  const load = useCallback(
    async (page: number) => {
      if (pages.current.has(page) || loading.current.has(page)) return;
      loading.current.add(page);
      const gen = generation.current;
      try {
        const after = cursors.current.get(page - 1) ?? undefined;
        const res = await call('listContacts', {
          search: search || undefined,
          vendor: vendor || undefined,
          state: state || undefined,
          duplicates: duplicates || undefined,
          limit: PAGE,
          offset: page * PAGE,
          after,
          brief: true,
        });
        if (gen !== generation.current) return; // a newer query replaced this one
        pages.current.set(page, res.rows);
        cursors.current.set(page, res.next);
        setTotal(res.total);
        setError(null);
        setTick((t) => t + 1);
      } catch (e) {
        if (gen === generation.current) setError((e as Error).message);
      } finally {
        loading.current.delete(page);
      }
    },
    [search, vendor, state, duplicates],
  );

  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    cursors.current = new Map();
    loading.current = new Set();
    void load(0);
  }, [load, version]);

  return {
    total,
    error,
    row: (i) => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE],
    ensure: (from, to) => {
      let shown = true;
      for (let p = Math.floor(from / PAGE); p <= Math.floor(to / PAGE); p++) {
        void load(p);
        shown &&= pages.current.has(p);
      }
      // The rows ahead only once those on screen are in: after a long jump the pages land
      // one or two at a time, in separate frames, the ones shown first.
      if (!shown) return;
      const last = total == null ? to : Math.min(to + AHEAD, total - 1);
      for (let p = Math.floor(Math.max(0, from - AHEAD) / PAGE); p <= Math.floor(last / PAGE); p++) void load(p);
    },
  };
}
