import { create } from 'zustand';
import type { Status } from '../../shared/contract';
import { call } from './api';

export const VIEWS = ['contacts', 'conflicts', 'duplicates', 'sync', 'accounts', 'activity'] as const;
export type View = (typeof VIEWS)[number];

interface AppState {
  view: View;
  status: Status | null;
  statusError: string | null;
  search: string;
  selectedId: string | null;
  /** Bumped when the core says contacts changed, so lists re-query. */
  contactsVersion: number;
  setView(v: View): void;
  setSearch(q: string): void;
  select(id: string | null): void;
  refreshStatus(): Promise<void>;
  contactsChanged(): void;
}

export const useApp = create<AppState>((set) => ({
  view: 'contacts',
  status: null,
  statusError: null,
  search: '',
  selectedId: null,
  contactsVersion: 0,
  setView: (view) => set({ view }),
  setSearch: (search) => set({ search }),
  select: (selectedId) => set({ selectedId }),
  refreshStatus: async () => {
    try {
      set({ status: await call('getStatus', {}), statusError: null });
    } catch (e) {
      set({ statusError: (e as Error).message });
    }
  },
  contactsChanged: () => set((s) => ({ contactsVersion: s.contactsVersion + 1 })),
}));
