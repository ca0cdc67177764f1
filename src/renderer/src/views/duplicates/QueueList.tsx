// The queue of clusters, best first: a virtual listbox (a few dozen rows exist at a time,
// whatever the queue's length) over the pages the core hands out. Owns the scrolling and the
// focus; the selected index is the view's, moved here by j/k, the arrows, Home/End and clicks.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useImperativeHandle, useLayoutEffect, useRef } from 'react';
import { VendorBadge } from '../../components/VendorBadge';
import type { DuplicateQueue } from '../../lib/duplicate-queue';
import { ignoredKey, inQueue } from './keys';

const ROW_HEIGHT = 58;

export interface QueueHandle {
  /** Select row `to` (clamped), scrolled into view; focus follows when `focus`. */
  moveTo(to: number, focus: boolean): void;
  /** Focus the selected row after the next render (a merged row went, the next slid under). */
  focusSelected(): void;
}

export function QueueList({
  ref,
  queue,
  index,
  onSelect,
  bulk,
}: {
  ref: React.Ref<QueueHandle>;
  queue: DuplicateQueue;
  index: number;
  onSelect: (index: number) => void;
  bulk: boolean;
}) {
  const total = queue.total;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const visible = virtualizer.getVirtualItems();
  // Every render, like the list it follows: the rows on screen, and the selection with the one
  // after it, are held; the rest of the queue stays in the core.
  useEffect(() => {
    if (visible.length) queue.ensure(visible[0]!.index, visible[visible.length - 1]!.index, [index, index + 1]);
  });
  const focusAfter = useRef(false);
  const moveTo = (to: number, focus: boolean) => {
    if (!total) return;
    const i = Math.max(0, Math.min(total - 1, to));
    focusAfter.current = focus;
    onSelect(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  useImperativeHandle(ref, () => ({ moveTo, focusSelected: () => void (focusAfter.current = true) }));
  // Focus follows the selection when it was in the queue (it never drops to the page); in a
  // layout effect, so it moves in the same frame as the selection.
  useLayoutEffect(() => {
    if (!focusAfter.current) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
    if (!el) return;
    focusAfter.current = false;
    el.focus({ preventScroll: true });
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ignoredKey(e, bulk) || !total) return;
      const fromQueue = inQueue(e.target);
      const to = (n: number) => {
        e.preventDefault();
        moveTo(n, fromQueue || document.activeElement === document.body);
      };
      if (e.key === 'j' || (fromQueue && e.key === 'ArrowDown')) to(index + 1);
      else if (e.key === 'k' || (fromQueue && e.key === 'ArrowUp')) to(index - 1);
      else if (fromQueue && e.key === 'Home') to(0);
      else if (fromQueue && e.key === 'End') to(total - 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="queue" aria-label="Duplicate clusters" role="listbox" ref={scrollRef} data-testid="duplicate-queue">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {visible.map((v) => {
          const c = queue.at(v.index);
          const sel = v.index === index;
          return (
            // Roving tabindex: the queue is one tab stop, at the selected cluster.
            <button
              key={v.index /* by position: a row that was loading keeps its element (and focus) when it arrives */}
              className={`queue-item${sel ? ' selected' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
              onClick={() => moveTo(v.index, true)}
              role="option"
              aria-selected={sel}
              aria-setsize={total ?? 0}
              aria-posinset={v.index + 1}
              tabIndex={sel ? 0 : -1}
              data-index={v.index}
              data-cluster={c?.id}
            >
              {c ? (
                <span className="queue-main">
                  <span className="queue-title">{c.names.join(' / ')}</span>
                  <span className="queue-sub">
                    {c.vendors.map((k, i) => (
                      <VendorBadge key={i} kind={k} />
                    ))}{' '}
                    <span className="score-bar" style={{ width: `${Math.min(100, (c.score / 30) * 100)}%` }} /> {c.score}
                    {c.auto && <span className="pill pill-online">auto</span>}
                  </span>
                </span>
              ) : (
                <span className="queue-main muted">…</span>
              )}
            </button>
          );
        })}
      </div>
    </div>
  );
}
