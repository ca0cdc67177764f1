// The window over 100,000 people: the list opens at once (windowed loading), search answers
// from FTS, filters apply, and the list scrolls. Frame times are measured by
// `npm run bench -- scroll`, not asserted here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillStore } from '../helpers/big-store';
import { makeTestCore, type TestCore } from '../helpers/core';
import { startHarness, type Harness } from './harness';

let t: TestCore;
let h: Harness;
beforeAll(async () => {
  t = await makeTestCore();
  fillStore(t.core, 100_000);
  h = await startHarness(t.core);
}, 120_000);
afterAll(async () => {
  await h?.close();
  t?.cleanup();
});

describe('a large store', () => {
  it('lists 100,000 people, searches them, and filters', async () => {
    const { page } = h;
    await page.locator('.contact-name').first().waitFor();
    expect(await page.getByTestId('result-count').textContent()).toBe('100,000 people');
    // Fewer than a hundred rows exist in the page at any time.
    expect(await page.locator('.contact-row').count()).toBeLessThan(100);
    await page.getByTestId('contact-list').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.waitForFunction(() => [...document.querySelectorAll('.contact-name')].length > 5);
    const mid = await page.locator('.contact-name').first().textContent();
    expect(mid).toBeTruthy();
    await h.screenshot('contacts-100k-1280');

    const rare = t.core.store.sqlite.prepare("SELECT display_name FROM people WHERE display_name LIKE '%Abernathy%' LIMIT 1").get() as { display_name: string };
    const expected = t.core.contacts.list({ search: rare.display_name, limit: 1, offset: 0 }).total;
    await page.getByLabel('Search contacts').fill(rare.display_name);
    await page.waitForFunction((n) => document.querySelector('[data-testid=result-count]')?.textContent === `${n.toLocaleString('en-US')} ${n === 1 ? 'person' : 'people'}`, expected);
    expect(await page.locator('.contact-name').first().textContent()).toContain('Abernathy');
    await page.getByLabel('Search contacts').fill('');
    await page.getByLabel('Filter by vendor').selectOption('bigchange');
    const bc = t.core.contacts.list({ vendor: 'bigchange', limit: 1, offset: 0 }).total;
    await page.waitForFunction((n) => document.querySelector('[data-testid=result-count]')?.textContent === `${n.toLocaleString('en-US')} people`, bc);
  });
});
