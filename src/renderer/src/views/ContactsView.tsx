import { isEditable } from '../lib/keys';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { ContactDetail, ContactRow } from '../../../shared/contract';
import { ACCOUNT_KINDS, VENDOR_LABELS, primaryOf, type AccountKind } from '../../../shared/domain';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { Icon } from '../components/Icon';
import { VendorBadge } from '../components/VendorBadge';
import { phoneText } from '../lib/fields';
import { useApp } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { PersonPane } from './PersonPane';
import { useContactPages, type ContactFilters } from './useContactPages';

const ROW_HEIGHT = 52;

export function ContactsView() {
  const { search, setSearch, selectedId, select, contactsVersion, setView, tip, setTip } = useApp(
    useShallow((s) => ({
      search: s.search,
      setSearch: s.setSearch,
      selectedId: s.selectedId,
      select: s.select,
      contactsVersion: s.contactsVersion,
      setView: s.setView,
      tip: s.tip,
      setTip: s.setTip,
    })),
  );
  const [vendor, setVendor] = useState<AccountKind | ''>('');
  const [state, setState] = useState<ContactFilters['state']>('');
  const [duplicates, setDuplicates] = useState(false);
  const [typed, setTyped] = useState(search);
  const pages = useContactPages(search, { vendor, state, duplicates }, contactsVersion);
  const filtered = !!(search || vendor || state || duplicates);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // Search as you type, without a query per keystroke.
  useEffect(() => {
    const t = setTimeout(() => setSearch(typed.trim()), 120);
    return () => clearTimeout(t);
  }, [typed, setSearch]);

  const count = pages.total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    if (items.length) pages.ensure(items[0]!.index, items[items.length - 1]!.index);
  });

  // "/" focuses search; arrows / j,k move the selection, Home/End jump (from the list).
  const selectedIndex = (() => {
    for (const it of items) if (pages.row(it.index)?.id === selectedId) return it.index;
    return -1;
  })();
  // A move to a row not loaded yet (End on a long list) lands once its page arrives; focus
  // follows the selection only when it was in the list already.
  const pending = useRef<{ index: number; focus: boolean } | null>(null);
  const moveTo = (index: number, focus: boolean) => {
    if (count === 0) return;
    pending.current = { index: Math.max(0, Math.min(count - 1, index)), focus };
    virtualizer.scrollToIndex(pending.current.index, { align: 'auto' });
    settle();
  };
  const settle = () => {
    const p = pending.current;
    const row = p && pages.row(p.index);
    if (!p || !row) return;
    if (row.id !== selectedId) select(row.id);
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${p.index}"]`);
    if (!el) return;
    if (p.focus) el.focus({ preventScroll: true });
    pending.current = null;
  };
  useEffect(settle);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Only the search box lends its arrow keys to the list; every other field keeps its keys.
      if (isEditable(e.target) && e.target !== searchRef.current) return;
      const inField = e.target === searchRef.current;
      const inList = !!scrollRef.current && scrollRef.current.contains(e.target as Node);
      if (e.key === '/' && !inField) {
        e.preventDefault();
        searchRef.current?.focus();
        return;
      }
      if (inList && (e.key === 'Home' || e.key === 'End')) {
        e.preventDefault();
        moveTo(e.key === 'Home' ? 0 : count - 1, true);
        return;
      }
      if (inField && e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      const down = e.key === 'ArrowDown' || (!inField && e.key === 'j');
      const up = e.key === 'ArrowUp' || (!inField && e.key === 'k');
      if (!down && !up) return;
      e.preventDefault();
      moveTo((selectedIndex < 0 ? -1 : selectedIndex) + (down ? 1 : -1), inList);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  // Roving tabindex: Tab enters the list at the selected row, or the first one on screen.
  const tabStop = selectedIndex >= 0 ? selectedIndex : (items[0]?.index ?? -1);

  const [detail, setDetail] = useState<ContactDetail | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  useEffect(() => {
    if (!selectedId) {
      setDetail(null);
      return;
    }
    let live = true;
    call('getContact', { id: selectedId })
      .then((d) => live && (setDetail(d), setDetailError(null)))
      .catch((e: Error) => live && setDetailError(e.message));
    return () => {
      live = false;
    };
  }, [selectedId, contactsVersion]);

  const empty = pages.total === 0;
  // The list renders again on every frame of a scroll; the toolbar and the person beside it
  // have not changed and are kept as they are.
  const total = pages.total;
  const header = useMemo(
    () => (
      <header className="view-header">
        <h1>Contacts</h1>
        <div className="toolbar">
          <label className="search">
            <Icon name="search" size={14} />
            <input
              ref={searchRef}
              type="search"
              placeholder="Search names, emails, phones…  ( / )"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              aria-label="Search contacts"
            />
          </label>
          <select value={vendor} onChange={(e) => setVendor(e.target.value as AccountKind | '')} aria-label="Filter by vendor">
            <option value="">All vendors</option>
            {ACCOUNT_KINDS.map((k) => (
              <option key={k} value={k}>
                {VENDOR_LABELS[k]}
              </option>
            ))}
          </select>
          <select value={state} onChange={(e) => setState(e.target.value as ContactFilters['state'])} aria-label="Filter by state">
            <option value="">Any state</option>
            <option value="modified">Changed here</option>
            <option value="conflicted">In conflict</option>
            <option value="rejected">Refused</option>
          </select>
          <label className="check">
            <input type="checkbox" checked={duplicates} onChange={(e) => setDuplicates(e.target.checked)} /> Possible duplicates
          </label>
          <span className="result-count" data-testid="result-count">
            {total == null ? '…' : `${total.toLocaleString()} ${total === 1 ? 'person' : 'people'}`}
          </span>
        </div>
      </header>
    ),
    [typed, vendor, state, duplicates, total],
  );
  const detailPane = useMemo(
    () => (
      <aside className="detail-pane" aria-label="Contact details">
        {detailError ? (
          <div className="banner error">{detailError}</div>
        ) : detail ? (
          <PersonPane detail={detail} />
        ) : (
          <EmptyState icon="contacts" title="Select a contact">
            Pick someone on the left to see their golden record beside each vendor&apos;s copy.
          </EmptyState>
        )}
      </aside>
    ),
    [detail, detailError],
  );
  return (
    <section className="view contacts-view">
      {/* Above the toolbar, so Tab still goes from the toolbar straight into the list. */}
      {tip && (
        <div className="tip-line" role="status" data-testid="tip">
          <span>{tip}</span>
          <span className="spacer" />
          <button className="link" onClick={() => setTip(null)} aria-label="Dismiss the tip">
            Got it
          </button>
        </div>
      )}
      {header}
      {pages.error && (
        <div className="banner error" role="alert">
          Could not load contacts: {pages.error}
        </div>
      )}
      <div className="split">
        <div className="list-pane">
          {empty && !filtered ? (
            <EmptyState
              icon="contacts"
              title="No contacts yet"
              action={
                <button className="btn primary" onClick={() => setView('accounts')}>
                  Connect an account
                </button>
              }
            >
              Connect a vendor account, or try Concord with the sandbox vendors, to pull contacts into this workstation.
            </EmptyState>
          ) : empty ? (
            <EmptyState icon="search" title="No matches">
              Nobody matches{search ? ` “${search}”` : ' these filters'}
              {vendor ? ` in ${VENDOR_LABELS[vendor]}` : ''}.
            </EmptyState>
          ) : (
            <div className="virtual-scroll" ref={scrollRef} role="listbox" aria-label="Contacts" data-testid="contact-list">
              <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                {items.map((it) => {
                  const row = pages.row(it.index);
                  return (
                    <ContactListRow
                      key={it.key}
                      index={it.index}
                      start={it.start}
                      row={row}
                      selected={!!row && row.id === selectedId}
                      count={count}
                      tabStop={it.index === tabStop}
                      onSelect={select}
                    />
                  );
                })}
              </div>
            </div>
          )}
        </div>
        {detailPane}
      </div>
    </section>
  );
}

/**
 * One row of the virtual list. Memoised: while the list scrolls, a row still on screen keeps
 * its props (index, offset, data) and is not rendered again — only rows coming into view are.
 */
const ContactListRow = memo(function ContactListRow(props: {
  index: number;
  start: number;
  row: ContactRow | undefined;
  selected: boolean;
  count: number;
  tabStop: boolean;
  onSelect: (id: string) => void;
}) {
  const { index, start, row, selected, count, tabStop, onSelect } = props;
  const email = primaryOf(row?.fields.emails)?.address;
  const phone = primaryOf(row?.fields.phones);
  return (
    <div
      className={`contact-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
      role="option"
      aria-selected={selected}
      aria-setsize={count}
      aria-posinset={index + 1}
      data-index={index}
      data-person-id={row?.id}
      tabIndex={tabStop ? 0 : -1}
      onClick={() => row && onSelect(row.id)}
    >
      {row ? (
        <>
          <div className="avatar" aria-hidden="true">
            {initials(row.displayName)}
          </div>
          <div className="contact-main">
            <div className="contact-name">{row.displayName}</div>
            <div className="contact-sub">
              {[email, phone && phoneText(phone), row.fields.address?.city].filter(Boolean).join(' · ') || '—'}
            </div>
          </div>
          <div className="contact-vendors">
            {row.vendors.map((v) => (
              <VendorBadge key={v} kind={v} />
            ))}
          </div>
        </>
      ) : (
        <div className="row-skeleton" />
      )}
    </div>
  );
});

function initials(name: string): string {
  const parts = name.split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}
