import type { ReactNode } from 'react';
import { EmptyState } from '../components/EmptyState';

/** A view whose content arrives with a later issue: a designed empty state, never a blank pane. */
export function PlannedView({ icon, title, children }: { icon: string; title: string; children: ReactNode }) {
  return (
    <section className="view">
      <header className="view-header">
        <h1>{title.replace(/^No /, '').replace(/^Nothing to /, '').replace(/^./, (c) => c.toUpperCase())}</h1>
      </header>
      <EmptyState icon={icon} title={title}>
        {children}
      </EmptyState>
    </section>
  );
}
