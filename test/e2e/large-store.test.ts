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

    const rare = t.core.store.sqlite.prepare("SELECT display_name FROM people WHERE display_name LIKE '%Abernathy%' LIMIT 1").get() as {
      display_name: string;
    };
    const expected = t.core.contacts.list({ search: rare.display_name, limit: 1, offset: 0 }).total;
    await page.getByLabel('Search contacts').fill(rare.display_name);
    await page.waitForFunction(
      (n) =>
        document.querySelector('[data-testid=result-count]')?.textContent ===
        `${n.toLocaleString('en-US')} ${n === 1 ? 'person' : 'people'}`,
      expected,
    );
    expect(await page.locator('.contact-name').first().textContent()).toContain('Abernathy');
    await page.getByLabel('Search contacts').fill('');
    await page.getByLabel('Filter by vendor').selectOption('bigchange');
    const bc = t.core.contacts.list({ vendor: 'bigchange', limit: 1, offset: 0 }).total;
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=result-count]')?.textContent === `${n.toLocaleString('en-US')} people`,
      bc,
    );
  });

  it('the search box keeps every character typed, shortcut letters included, while a person is open beside it', async () => {
    const { page } = h;
    await page.getByLabel('Filter by vendor').selectOption('');
    await page.locator('.contact-row').first().click();
    await page.getByLabel('Contact details').locator('.person-name').waitFor();
    const person = await page.getByLabel('Contact details').locator('.person-name').textContent();
    const box = page.getByLabel('Search contacts');
    await box.click();
    // j, k, m, n, s and / move, merge or search elsewhere in the window; in the box they are letters.
    const typed = 'jk/mns Ab';
    await box.pressSequentially(typed);
    expect(await box.inputValue()).toBe(typed);
    expect(await page.getByLabel('Contact details').locator('.person-name').textContent()).toBe(person);
    await box.fill('');
    await box.pressSequentially('Abernathy');
    expect(await box.inputValue()).toBe('Abernathy');
    const expected = t.core.contacts.list({ search: 'Abernathy', limit: 1, offset: 0 }).total;
    await page.waitForFunction(
      (n) =>
        document.querySelector('[data-testid=result-count]')?.textContent ===
        `${n.toLocaleString('en-US')} ${n === 1 ? 'person' : 'people'}`,
      expected,
    );
    // The first row is found by the word, in its name or its email (an Abbernathy with an abernathy@ address).
    expect((await page.locator('.contact-row').first().textContent())?.toLowerCase()).toContain('bernathy');
    expect(await page.getByLabel('Contact details').locator('.person-name').textContent()).toBe(person);
    await h.screenshot('contacts-100k-search-1280');
    await page.setViewportSize({ width: 1024, height: 640 });
    await h.screenshot('contacts-100k-search-1024');
    await page.setViewportSize({ width: 1280, height: 800 });
    await box.fill('');
  });

  it('the duplicates queue over 100,000 records: paged and virtual, keys move and merge in place', async () => {
    const { page } = h;
    const scan = t.core.dedupe.scan({ full: true });
    expect(scan.total).toBeGreaterThan(10_000);
    await page.getByRole('navigation').getByText('Duplicates', { exact: true }).click();
    await page.getByTestId('cluster').waitFor({ timeout: 30_000 });
    const count = () =>
      page
        .getByTestId('queue-count')
        .textContent()
        .then((x) => Number(x?.replace(/\D/g, '')));
    expect(await count()).toBe(scan.total);
    expect(await page.locator('.queue-item').count()).toBeLessThan(60);
    // What the window asks for is a page of summaries, never the whole queue.
    const payload = JSON.stringify(await t.core.dispatch('listDuplicates', { offset: 0, limit: 100 })).length;
    expect(payload).toBeLessThan(100_000);
    // j three times, then m: the fourth cluster is merged and the queue shrinks in place.
    for (let i = 0; i < 3; i++) await page.keyboard.press('j');
    await expect.poll(() => page.locator('.queue-item[aria-selected=true]').getAttribute('aria-posinset')).toBe('4');
    await expect
      .poll(() => page.getByLabel('Write preview').getAttribute('data-cluster'))
      .toBe(await page.locator('.queue-item[aria-selected=true]').getAttribute('data-cluster'));
    const merged = await page.getByTestId('cluster').getAttribute('data-cluster');
    await page.keyboard.press('m');
    await expect.poll(count).toBe(scan.total - 1);
    await expect.poll(() => page.getByTestId('cluster').getAttribute('data-cluster')).not.toBe(merged);
    expect(await page.locator('.queue-item[aria-selected=true]').getAttribute('aria-posinset')).toBe('4');
    // The far end of the queue is a keypress away, loaded when it is reached.
    await page.locator('.queue-item[aria-selected=true]').focus();
    await page.keyboard.press('End');
    await expect
      .poll(() => page.locator('.queue-item[aria-selected=true]').getAttribute('aria-posinset'), { timeout: 10_000 })
      .toBe(String(scan.total - 1));
    await page.getByTestId('cluster').waitFor();
    await h.screenshot('duplicates-100k-end-1280');
    await page.setViewportSize({ width: 1024, height: 640 });
    await h.screenshot('duplicates-100k-end-1024');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
