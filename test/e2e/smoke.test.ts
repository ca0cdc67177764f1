import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';
import { startHarness, type Harness } from './harness';

let t: TestCore;
let h: Harness;

beforeAll(async () => {
  t = await makeTestCore();
  await seedAccount(
    t.core,
    'mpdx',
    [
      {
        givenName: 'Ada',
        familyName: 'Lovelace',
        emails: [{ address: 'ada@analytical.org', primary: true }],
        phones: [{ e164: '+16503517500', raw: '(650) 351-7500' }],
        address: { city: 'London', country: 'GB' },
      },
      { givenName: 'Grace', familyName: 'Hopper', emails: [{ address: 'grace@navy.mil' }], company: 'US Navy' },
    ],
    'MPDX — Main list',
  );
  await seedAccount(
    t.core,
    'calltools',
    [
      { givenName: 'Alan', familyName: 'Turing', phones: [{ e164: '+441234567890', raw: '01234 567890' }], address: { city: 'Wilmslow' } },
      { givenName: 'Katherine', familyName: 'Johnson', emails: [{ address: 'kj@nasa.gov' }] },
    ],
    'CallTools',
  );
  h = await startHarness(t.core);
});

afterAll(async () => {
  await h?.close();
  t?.cleanup();
});

describe('smoke: the shell lists contacts from a real SQLite file', () => {
  it('shows the navigation and the contacts from the store', async () => {
    const { page } = h;
    for (const label of ['Contacts', 'Conflicts', 'Duplicates', 'Sync', 'Accounts', 'Activity']) {
      await expect(page.getByRole('navigation').getByText(label, { exact: true }).isVisible()).resolves.toBe(true);
    }
    await page.locator('.contact-name').first().waitFor();
    const names = await page.locator('.contact-name').allTextContents();
    expect(names).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Katherine Johnson']);
    expect(await page.getByTestId('result-count').textContent()).toBe('4 people');
    await expect(page.locator('.statusbar').textContent()).resolves.toMatch(/4 people · 4 records · 2 accounts/);
  });

  it('opens a contact with its vendor record and searches', async () => {
    const { page } = h;
    await page.getByText('Ada Lovelace').click();
    await page.locator('.person-name').waitFor();
    expect(await page.locator('.person-name').textContent()).toBe('Ada Lovelace');
    expect(await page.locator('.compare').textContent()).toContain('ada@analytical.org');
    await h.screenshot('contacts-1280');

    await page.getByLabel('Search contacts').fill('turing');
    await page.waitForFunction(() => document.querySelector('[data-testid=result-count]')?.textContent === '1 person');
    expect(await page.locator('.contact-name').allTextContents()).toEqual(['Alan Turing']);
  });

  it('runs under the strict Content-Security-Policy', async () => {
    const csp = await h.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // An inline script must be refused.
    h.allowError(/Executing inline script violates the following Content Security Policy/);
    const ran = await h.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.appendChild(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran).toBe(false);
  });

  it('lists accounts and keeps a usable layout at a narrow width', async () => {
    const { page } = h;
    await page.getByRole('navigation').getByText('Accounts', { exact: true }).click();
    await page.locator('table.table').waitFor();
    expect(await page.locator('table.table tbody tr').count()).toBe(2);
    await h.screenshot('accounts-1280');
    await page.setViewportSize({ width: 720, height: 800 });
    await page.getByRole('navigation').locator('[data-view=contacts]').click();
    await page.getByLabel('Search contacts').fill('');
    await page.waitForFunction(() => document.querySelector('[data-testid=result-count]')?.textContent === '4 people');
    await page.getByText('Grace Hopper').click();
    await page.locator('.person-name').waitFor();
    await h.screenshot('contacts-720');
  });
});
