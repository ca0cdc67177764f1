// Real vendor hosts are the defaults; any base URL may be set per account, but only
// loopback may be plain http (the sandbox vendors) — secrets never travel unencrypted.
import { excerpt } from '../errors';

export function checkBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${excerpt(value)}" is not a valid URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new Error(`${url.origin} must use https (plain http is allowed only for 127.0.0.1/localhost)`);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Join a base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  // Trailing slashes cut by hand: /\/+$/ is quadratic on a long run of slashes not at the end.
  let end = base.length;
  while (end > 0 && base[end - 1] === '/') end--;
  return base.slice(0, end) + '/' + path.replace(/^\/+/, '');
}
