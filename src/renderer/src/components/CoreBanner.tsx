// Says so when the core process stopped: restarting (requests answer "unavailable" at once
// meanwhile), back (lists reload), or given up. Nothing shows while all is well.
import { useEffect, useState } from 'react';
import type { EventPayload } from '../../../shared/contract';
import { useApp } from '../store';

export function CoreBanner() {
  const [state, setState] = useState<EventPayload<'coreStatus'> | null>(null);
  useEffect(
    () =>
      window.api.on('coreStatus', (s) => {
        setState(s.state === 'ready' ? null : s);
        if (s.state === 'ready') {
          useApp.getState().contactsChanged();
          void useApp.getState().refreshStatus();
        }
      }),
    [],
  );
  if (!state) return null;
  return (
    <div className={`banner ${state.state === 'down' ? 'error' : 'warn'}`} role="alert" data-testid="core-status">
      {state.message}
    </div>
  );
}
