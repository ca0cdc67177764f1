import { create } from 'zustand';
import type { EventPayload, Status } from '../../shared/contract';
import { call } from './api';

export const VIEWS = ['contacts', 'conflicts', 'duplicates', 'reconcile', 'sync', 'accounts', 'activity'] as const;
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
  /** Who started the sync that is running (the schedule's is as visible as a person's). */
  syncTrigger: 'person' | 'schedule' | 'reconnect' | null;
  lastSyncError: string | null;
  /** A quiet word after a sync the app started by itself brought conflicts or refusals. */
  notice: string | null;
  /** Journal entries undone in this window (from any view): banners offering their undo go. */
  undone: number[];
  /** Undo a journal entry and let every banner that offered it know. */
  undo(id: number): Promise<void>;
  /** The last sync's automatic links, with the journal entry that undoes them all; null once settled. */
  linked: { count: number; linkId: number } | null;
  undoLinked(): Promise<void>;
  dismissLinked(): void;
  onSyncStarted(p: EventPayload<'syncStarted'>): void;
  onSyncFinished(p: EventPayload<'syncFinished'>): void;
  /** Stop the running sync, or only one account of it. */
  cancelSync(accountId?: string): Promise<void>;
  dismissNotice(): void;
  /** Take back the newest action that can be undone (Ctrl+Z), and say what was undone. */
  undoLast(): Promise<void>;
  setView(v: View): void;
  onProgress(p: EventPayload<'syncProgress'>): void;
  syncNow(accountId?: string): Promise<void>;
  /** Open a person in the Contacts view. */
  openPerson(id: string): void;
  setSearch(q: string): void;
  select(id: string | null): void;
  refreshStatus(): Promise<void>;
  contactsChanged(): void;
  /** One line in Contacts saying what to try next (after the sandbox first starts); null: none. */
  tip: string | null;
  setTip(tip: string | null): void;
  /** The account whose Edit dialog Accounts opens (from "Fix credentials" anywhere). */
  editingAccount: string | null;
  fixCredentials(accountId: string | null): void;
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
  syncTrigger: null,
  lastSyncError: null,
  notice: null,
  linked: null,
  undone: [],
  undo: async (id) => {
    await call('undoJournal', { id });
    set((s) => ({
      undone: [...s.undone.slice(-50), id],
      linked: s.linked?.linkId === id ? null : s.linked,
      contactsVersion: s.contactsVersion + 1,
    }));
    await useApp.getState().refreshStatus();
  },
  setView: (view) => set({ view }),
  onProgress: (p) => set((s) => ({ progress: { ...s.progress, [p.accountId]: p } })),
  onSyncStarted: (p) => set({ syncing: true, syncTrigger: p.trigger, lastSyncError: null }),
  onSyncFinished: (p) => {
    const said = [
      p.conflicts && `${p.conflicts} new conflict${p.conflicts === 1 ? '' : 's'}`,
      p.rejected && `${p.rejected} refused change${p.rejected === 1 ? '' : 's'}`,
    ]
      .filter(Boolean)
      .join(' and ');
    set((s) => ({
      syncing: false,
      syncTrigger: null,
      contactsVersion: s.contactsVersion + 1,
      notice: said && p.trigger !== 'person' ? `The ${p.trigger === 'schedule' ? 'scheduled' : 'reconnect'} sync found ${said}.` : s.notice,
      linked: p.linked > 0 && p.linkId !== null ? { count: p.linked, linkId: p.linkId } : s.linked,
    }));
    void useApp.getState().refreshStatus();
  },
  cancelSync: async (accountId?: string) => {
    await call('cancelSync', accountId ? { accountId } : {});
  },
  dismissNotice: () => set({ notice: null }),
  undoLinked: async () => {
    const l = useApp.getState().linked;
    if (!l) return;
    try {
      await useApp.getState().undo(l.linkId);
      set({ notice: `Unlinked ${l.count === 1 ? 'the person' : `the ${l.count} people`} linked automatically.` });
    } catch (e) {
      // Already undone (another window, the CLI): the banner has nothing left to offer.
      set({ linked: null, notice: `Could not undo the links: ${(e as Error).message}` });
    }
  },
  dismissLinked: () => set({ linked: null }),
  undoLast: async () => {
    const { entries } = await call('listJournal', { limit: 30, offset: 0 });
    const rows = entries.flatMap((e) => [e, ...e.rows]);
    const last = rows.find((r) => r.undo && !r.undone);
    if (!last) {
      set({ notice: 'Nothing to undo.' });
      return;
    }
    try {
      await useApp.getState().undo(last.id);
      set({ notice: `Undone: ${last.summary}${last.people[0] ? ` (${last.people[0].name})` : ''}` });
    } catch (e) {
      set({ notice: `Could not undo: ${(e as Error).message}` });
    }
    await useApp.getState().refreshStatus();
  },
  syncNow: async (accountId) => {
    set({ syncing: true, syncTrigger: 'person', lastSyncError: null });
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
      const status = await call('getStatus', {});
      // A notice about conflicts or refusals goes once there are none left to see.
      set((s) => ({
        status,
        statusError: null,
        notice:
          s.notice &&
          ((/conflict/.test(s.notice) && status.openConflicts === 0) || (/refused/.test(s.notice) && status.outbox.rejected === 0))
            ? null
            : s.notice,
      }));
    } catch (e) {
      set({ statusError: (e as Error).message });
    }
  },
  contactsChanged: () => set((s) => ({ contactsVersion: s.contactsVersion + 1 })),
  tip: null,
  setTip: (tip) => set({ tip }),
  editingAccount: null,
  fixCredentials: (editingAccount) => set(editingAccount ? { editingAccount, view: 'accounts' } : { editingAccount }),
}));
