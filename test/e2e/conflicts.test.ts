// The conflict view at real work: no silent default (Resolve waits for a choice per field),
// keyboard-first picking (1/2/3, ↑/↓, Enter, focus back in the queue), typing that shortcuts never
// eat, and a three-way table whose choices stay visible at 1024×640. The vendor must end up
// holding exactly what was chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import type { CanonicalContact, Vendor } from '../../src/shared/domain';
import { startSandboxInWindow, type Harness } from './harness';
import { navTo, openWindow } from './window';

let core: Core;
let h: Harness;
let close: () => Promise<void> = async () => {};
beforeAll(async () => void ({ core, h, close } = await openWindow()));
afterAll(() => close());

const nav = (label: string) => navTo(h, label);
function vendorClient(vendor: Vendor) {
  const info = core.sandbox.info()!.vendors[vendor]!;
  const def = vendorDefinition(vendor)!;
  return def.create({ baseUrl: info.baseUrl, credentials: def.credentialsSchema.parse(info.credentials) });
}
/** A person with exactly one record, of this vendor, and a name nobody else has. */
function loner(vendor: Vendor, skip = 0): { personId: string; recordId: string; remoteId: string } {
  return core.store.sqlite
    .prepare(
      `SELECT r.person_id AS personId, r.id AS recordId, r.remote_id AS remoteId FROM records r JOIN accounts a ON a.id = r.account_id JOIN people p ON p.id = r.person_id WHERE a.kind = ? AND (SELECT count(*) FROM records x WHERE x.person_id = r.person_id) = 1 AND (SELECT count(*) FROM people q WHERE q.display_name = p.display_name) = 1 ORDER BY r.remote_id LIMIT 1 OFFSET ?`,
    )
    .get(vendor, skip) as never;
}
/** Edit here with the core, edit differently at the vendor with a second client. */
async function conflict(vendor: Vendor, mine: Partial<CanonicalContact>, theirs: Partial<CanonicalContact>, skip = 0) {
  const target = loner(vendor, skip);
  core.edits.edit(target.recordId, mine);
  const client = vendorClient(vendor);
  const now = await client.read(target.remoteId);
  await client.update(target.remoteId, theirs, { raw: now.raw, versions: now.versions });
  return { ...target, name: core.contacts.get(target.personId).displayName, client };
}
async function syncNow() {
  await nav('Sync');
  await h.page.getByTestId('sync-now').click();
  await h.page.waitForFunction(() => document.querySelector('[data-testid=sync-now]')?.textContent === 'Sync now');
}
const focusedIn = (selector: string) => h.page.evaluate((s) => !!document.activeElement?.closest(s), selector);

describe('the conflict view', () => {
  it('waits for a choice per field, picks by keyboard, keeps typed keys in the box, and sends what was chosen', async () => {
    await nav('Accounts');
    await startSandboxInWindow(h);
    await h.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=accounts] td.num')].every((td) => Number(td.textContent?.replace(/\D/g, '')) > 0),
      null,
      { timeout: 30_000 },
    );

    const two = await conflict(
      'lightening',
      { role: 'Mine role', department: 'Mine dept' },
      { role: 'Their role', department: 'Their dept' },
    );
    const one = await conflict('calltools', { familyName: 'Mine-Family' }, { familyName: 'Their-Family' });
    await syncNow();
    // The button may read "Sync now" before the sync has begun: wait for the core to hold both.
    await expect.poll(() => core.sync.running() === null && core.status.get().outbox.conflict, { timeout: 15_000 }).toBe(2);
    await nav('Conflicts');
    await h.page.locator('.queue-item').nth(1).waitFor();
    expect(await h.page.locator('.queue-item').count()).toBe(2);

    // The two-field conflict: nothing is chosen, so nothing can be sent yet.
    await h.page.locator('.queue-item', { hasText: two.name }).click();
    await h.page.waitForFunction((n) => document.querySelector('.conflict .person-name')?.textContent === n, two.name);
    const resolve = h.page.getByTestId('resolve');
    const rows = h.page.locator('.tw-row[data-field]');
    expect(await rows.count()).toBe(2);
    const [first, second] = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-field')!));
    expect(await resolve.isDisabled()).toBe(true);
    expect(await h.page.locator('.resolve-hint').textContent()).toBe('Choose mine, theirs or a value for every field');
    expect(await h.page.locator('.tw-row [role=radio][aria-checked=true]').count()).toBe(0);
    await h.page.keyboard.press('Enter'); // not every field chosen: Enter sends nothing
    expect(await h.page.locator('.queue-item').count()).toBe(2);

    // 1 picks mine for the active (first) row; ↓ then 2 picks theirs for the second.
    await h.page.locator('.queue-item.selected').focus();
    await h.page.keyboard.press('1');
    expect(await h.page.locator(`.tw-row[data-field="${first}"] [role=radio][aria-checked=true]`).textContent()).toBe('Mine');
    expect(await resolve.isDisabled()).toBe(true);
    await h.page.keyboard.press('ArrowDown');
    expect(await h.page.locator('.tw-row.active').getAttribute('data-field')).toBe(second);
    await h.page.keyboard.press('2');
    expect(await h.page.locator(`.tw-row[data-field="${second}"] [role=radio][aria-checked=true]`).textContent()).toBe('Theirs');
    expect(await resolve.isDisabled()).toBe(false);
    expect(await h.page.locator('.resolve-hint').count()).toBe(0);

    // ↑ then 3 opens "Type…" for the first row with the caret in it; every shortcut key typed lands there.
    await h.page.keyboard.press('ArrowUp');
    await h.page.keyboard.press('3');
    const box = h.page.locator(`.tw-row[data-field="${first}"] textarea`);
    await box.waitFor();
    expect(await focusedIn(`.tw-row[data-field="${first}"] textarea`)).toBe(true);
    expect(await box.inputValue()).toBe(first === 'role' ? 'Mine role' : 'Mine dept'); // starts from mine, without the "3"
    await h.page.keyboard.press('Control+a');
    const typed = 'jk 123 Lead';
    await h.page.keyboard.type(typed);
    await h.page.keyboard.press('ArrowDown');
    await h.page.keyboard.press('ArrowUp');
    expect(await box.inputValue()).toBe(typed);
    expect(await h.page.locator('.conflict .person-name').textContent()).toBe(two.name); // j/k did not move the queue
    expect(await h.page.locator('.tw-row.active').getAttribute('data-field')).toBe(first); // arrows did not move the row
    expect(await h.page.locator(`.tw-row[data-field="${second}"] [role=radio][aria-checked=true]`).textContent()).toBe('Theirs'); // 1/2 picked nothing
    await h.page.getByLabel('What will be sent').getByText(typed).waitFor(); // the core works the preview out, a round trip later

    await h.screenshot('conflicts-keyboard-1280');
    await h.page.setViewportSize({ width: 1024, height: 640 });
    // At 1024 the choice controls are whole and inside the window.
    for (const group of await h.page.locator('.tw-row [role=radiogroup]').all()) {
      const b = (await group.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(1024);
      const pane = (await h.page.locator('.detail-pane').boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(pane.x + pane.width);
    }
    expect(await h.page.locator('.detail-pane').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await h.screenshot('conflicts-keyboard-1024');
    await h.page.setViewportSize({ width: 1280, height: 800 });

    // Esc leaves the box for the queue; Enter resolves; focus stays in the queue on the next one.
    await h.page.keyboard.press('Escape');
    expect(await focusedIn('.queue')).toBe(true);
    await h.page.keyboard.press('Enter');
    await h.page.waitForFunction(() => document.querySelectorAll('.queue-item').length === 1);
    await h.page.waitForFunction((n) => document.querySelector('.conflict .person-name')?.textContent === n, one.name);
    expect(await focusedIn('.queue-item.selected')).toBe(true);

    // The one-field conflict: nothing chosen again (no carry-over), then 1 and Enter.
    expect(await resolve.isDisabled()).toBe(true);
    await h.screenshot('conflicts-unchosen-1280');
    await h.page.keyboard.press('1');
    await h.page.keyboard.press('Enter');
    await h.page.locator('.empty-state').waitFor();

    await syncNow();
    const a = (await two.client.read(two.remoteId)).canonical;
    expect(a[first as 'role']).toBe(typed);
    expect(a[second as 'department']).toBe(second === 'role' ? 'Their role' : 'Their dept');
    expect((await one.client.read(one.remoteId)).canonical.familyName).toBe('Mine-Family');
  });

  it('a long queue: j/k keep the selected conflict in sight and focused, at 1024×640', async () => {
    for (let i = 1; i <= 14; i++) await conflict('lightening', { department: `Mine ${i}` }, { department: `Theirs ${i}` }, i);
    await syncNow();
    await expect.poll(() => core.sync.running() === null && core.status.get().outbox.conflict, { timeout: 15_000 }).toBe(14);
    await h.page.setViewportSize({ width: 1024, height: 640 });
    await nav('Conflicts');
    await h.page.locator('.queue-item').nth(13).waitFor();
    await h.page.locator('.queue-item').first().click();
    const inSight = () =>
      h.page.evaluate(() => {
        const q = document.querySelector('.queue')!.getBoundingClientRect();
        const s = document.querySelector('.queue-item.selected')!.getBoundingClientRect();
        return s.top >= q.top - 1 && s.bottom <= q.bottom + 1;
      });
    for (let i = 0; i < 13; i++) await h.page.keyboard.press('j');
    await h.page.waitForFunction(() => document.querySelectorAll('.queue-item')[13]?.classList.contains('selected'));
    expect(await inSight()).toBe(true);
    expect(await focusedIn('.queue-item.selected')).toBe(true);
    await h.screenshot('conflicts-queue-1024');
    for (let i = 0; i < 13; i++) await h.page.keyboard.press('k');
    await h.page.waitForFunction(() => document.querySelectorAll('.queue-item')[0]?.classList.contains('selected'));
    expect(await inSight()).toBe(true);
    // Take all theirs stays an explicit bulk choice, and focus comes back to the queue.
    await h.page.getByRole('button', { name: 'Take all theirs' }).click();
    await h.page.waitForFunction(() => document.querySelectorAll('.queue-item').length === 13);
    expect(await focusedIn('.queue-item.selected')).toBe(true);
    await h.page.setViewportSize({ width: 1280, height: 800 });
  });
});
