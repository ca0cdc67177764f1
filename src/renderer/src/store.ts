import { create } from 'zustand';
import type { EventPayload, Status } from '../../shared/contract';
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
  /** The latest sync progress per account (from the core's syncProgress events). */
  progress: Record<string, EventPayload<'syncProgress'>>;
  syncing: boolean;
  lastSyncError: string | null;
  setView(v: View): void;
  onProgress(p: EventPayload<'syncProgress'>): void;
  syncNow(accountId?: string): Promise<void>;
  /** Open a person in the Contacts view. */
  openPerson(id: string): void;
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
  progress: {},
  syncing: false,
  lastSyncError: null,
  setView: (view) => set({ view }),
  onProgress: (p) => set((s) => ({ progress: { ...s.progress, [p.accountId]: p } })),
  syncNow: async (accountId) => {
    set({ syncing: true, lastSyncError: null });
    try {
      await call('sync', accountId ? { accountId } : {});
    } catch (e) {
      set({ lastSyncError: (e as Error).message });
    } finally {
      set((s) => ({ syncing: false, contactsVersion: s.contactsVersion + 1 }));
      await useApp.getState().refreshStatus();
    }
  },
  openPerson: (id) => set({ view: 'contacts', selectedId: id }),
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
