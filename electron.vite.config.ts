import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CSP, DEV_CSP } from './src/shared/csp';

/** Put the CSP <meta> into index.html: strict when built, relaxed for the dev server. */
function csp(): Plugin {
  let dev = false;
  return {
    name: 'concord-csp',
    configResolved: (c) => void (dev = c.command === 'serve'),
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: dev ? DEV_CSP : CSP }, injectTo: 'head' }],
    },
  };
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/index.ts'),
          'core-worker': resolve(__dirname, 'src/main/worker/core-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [csp(), react()],
  },
});
