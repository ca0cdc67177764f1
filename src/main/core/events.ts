import type { EventKey, EventPayload } from '../../shared/contract';

export type EventListener = <E extends EventKey>(event: E, payload: EventPayload<E>) => void;

/** Core -> hosts. Each host (Electron worker, e2e harness, CLI) forwards events its own way. */
export class EventBus {
  private listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventKey>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) l(event, payload);
  }
}
