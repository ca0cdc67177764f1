// HS256 JSON Web Tokens as MPDX issues them: payload {user_id, exp: now + 30 days}, no refresh.
import { createHmac, timingSafeEqual } from 'node:crypto';

const b64 = (s: Buffer | string): string => Buffer.from(s).toString('base64url');

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64(JSON.stringify(payload));
  const sig = b64(createHmac('sha256', secret).update(`${head}.${body}`).digest());
  return `${head}.${body}.${sig}`;
}

export function verifyJwt(token: string, secret: string, nowSec: number): Record<string, unknown> | null {
  const [head, body, sig] = token.split('.');
  if (!head || !body || !sig) return null;
  const expected = Buffer.from(b64(createHmac('sha256', secret).update(`${head}.${body}`).digest()));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof payload.exp === 'number' && payload.exp > nowSec ? payload : null;
  } catch {
    return null;
  }
}
