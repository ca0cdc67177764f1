// Unwraps window.api results: components get values or an ApiCallError with the core's code.
import type { Input, Output, RequestKey } from '../../shared/contract';

export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<K extends RequestKey>(key: K, input: Input<K>): Promise<Output<K>> {
  const fn = window.api[key] as (
    i: Input<K>,
  ) => Promise<{ ok: true; value: Output<K> } | { ok: false; error: { code: string; message: string } }>;
  const res = await fn(input);
  if (!res.ok) throw new ApiCallError(res.error.code, res.error.message);
  return res.value;
}
