// The renderer's Content-Security-Policy. The built app gets the strict one (as a <meta> in
// index.html and as a response header from main). The dev server needs inline scripts for
// React Refresh's preamble and a websocket for HMR, so `npm start` gets a relaxed copy.
const BASE: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

function render(p: Record<string, string[]>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

export const CSP = render(BASE);

export const DEV_CSP = render({
  ...BASE,
  'script-src': ["'self'", "'unsafe-inline'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'connect-src': ["'self'", 'ws:', 'http://localhost:*', 'http://127.0.0.1:*'],
});
