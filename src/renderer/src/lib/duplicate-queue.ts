// The duplicates queue as the window holds it: a sparse list the length of the core's queue,
// filled a page at a time as rows scroll into view (the core's queue can be tens of thousands
// of clusters; only summaries cross, and only for what is on screen). The queue is cached once,
// in the core: pages scrolled away from are let go here and asked for again if they come back.
// A merge or decision made here takes its row out in place — the core did the same, so offsets
// stay in step.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DuplicateSummary } from '../../../shared/contract';
import { call } from '../api';

export const QUEUE_PAGE = 100;
const pageOf = (i: number): number => Math.floor(i / QUEUE_PAGE) * QUEUE_PAGE;

export interface DuplicateQueue {
  /** null until the first page arrived. */
  total: number | null;
  autoLinkable: number;
  at(index: number): DuplicateSummary | undefined;
  /**
   * Load the pages holding rows from..to that are not here yet, and let go of the rows more than
   * a page away from them, except those on the pages of `keep` (the selection).
   */
  ensure(from: number, to: number, keep?: number[]): void;
  /** Take a row out (merged or dismissed here). */
  remove(index: number): void;
  /** Forget every row and load again around `index` (after a scan, an undo, a bulk merge). */
  reload(index?: number): void;
  error: string | null;
}

interface State {
  total: number | null;
  autoLinkable: number;
  items: (DuplicateSummary | undefined)[];
}

export function useDuplicateQueue(version: number, order: 'best' | 'unsure' = 'best'): DuplicateQueue {
  const [state, setState] = useState<State>({ total: null, autoLinkable: 0, items: [] });
  const [error, setError] = useState<string | null>(null);
  // Answers to requests made before a reload are dropped: they describe an older queue.
  const generation = useRef(0);
  const loading = useRef(new Set<number>());

  const load = useCallback(
    (offset: number) => {
      if (loading.current.has(offset)) return;
      loading.current.add(offset);
      const g = generation.current;
      call('listDuplicates', { offset, limit: QUEUE_PAGE, order }).then(
        (r) => {
          if (g !== generation.current) return;
          loading.current.delete(offset);
          setState((s) => {
            // A different length means the core's queue changed under us: start from this page.
            const items = s.total === r.total ? [...s.items] : new Array<DuplicateSummary | undefined>(r.total);
            r.items.forEach((it, i) => (items[offset + i] = it));
            return { total: r.total, autoLinkable: r.autoLinkable, items };
          });
          setError(null);
        },
        (e: Error) => {
          loading.current.delete(offset);
          setError(e.message);
        },
      );
    },
    [order],
  );

  const reload = useCallback(
    (index = 0) => {
      generation.current++;
      loading.current.clear();
      setState((s) => ({ ...s, items: new Array<DuplicateSummary | undefined>(s.total ?? 0) }));
      load(Math.floor(Math.max(0, index) / QUEUE_PAGE) * QUEUE_PAGE);
    },
    [load],
  );

  useEffect(() => reload(0), [reload, version]);

  const ensure = useCallback(
    (from: number, to: number, keep: number[] = []) => {
      for (let i = Math.max(0, from); i <= to && i < state.items.length; i++) {
        if (state.items[i]) continue;
        load(pageOf(i));
        i = pageOf(i) + QUEUE_PAGE - 1;
      }
      const held = new Set(keep.map(pageOf));
      for (let p = pageOf(Math.max(0, from - QUEUE_PAGE)); p <= to + QUEUE_PAGE; p += QUEUE_PAGE) held.add(p);
      const far = (i: number) => !held.has(pageOf(i));
      // Only when there is something to let go: this runs at every render of the list.
      if (state.items.some((it, i) => it && far(i))) setState((s) => ({ ...s, items: s.items.map((it, i) => (far(i) ? undefined : it)) }));
    },
    [load, state.items],
  );

  const remove = useCallback((index: number) => {
    // A page asked for before the removal may or may not have it: drop those answers.
    generation.current++;
    loading.current.clear();
    setState((s) => {
      const gone = s.items[index];
      const items = [...s.items];
      items.splice(index, 1);
      return { total: Math.max(0, (s.total ?? 1) - 1), autoLinkable: s.autoLinkable - (gone?.auto ? 1 : 0), items };
    });
  }, []);

  return { total: state.total, autoLinkable: state.autoLinkable, at: (i) => state.items[i], ensure, remove, reload, error };
}
