import { expect } from 'vitest';
import type { Connector, PullPage } from '../../src/main/core/vendors/connector';
import { VendorError } from '../../src/main/core/vendors/errors';

export { FAST_RETRY } from './fast-retry';

export async function pullAll(c: Connector, cursor: string | null = null): Promise<PullPage[]> {
  const pages: PullPage[] = [];
  for await (const p of c.pull(cursor)) pages.push(p);
  return pages;
}

/** The VendorError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function failure(p: Promise<unknown>): Promise<VendorError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(VendorError);
  return e as VendorError;
}
