import type { Api } from '../../shared/contract';

declare global {
  interface Window {
    /** The only way the window reaches the core (src/preload/index.ts). */
    api: Api;
  }
}
