// The Reconcile view and add-to in Chromium, against the sandbox vendors: a phones policy
// ticked across three accounts, the drift matrix with a cell opening its people, "make them
// agree" previewed and queued; a person added to LiveVox from the person pane — the exact
// request shown, the account key asked for, nothing sent until Add. 1280×800 and 1024×640.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { startSandboxInWindow, type Harness } from './harness';
import { navTo, openWindow } from './window';

let core: Core;
let h: Harness;
let close: () => Promise<void> = async () => {};
beforeAll(async () => void ({ core, h, close } = await openWindow()));
afterAll(() => close());

const nav = (label: string) => navTo(h, label);
async function both(name: string) {
  await h.screenshot(`${name}-1280`);
  await h.page.setViewportSize({ width: 1024, height: 640 });
  await h.screenshot(`${name}-1024`);
  await h.page.setViewportSize({ width: 1280, height: 800 });
}

describe('reconciling in the window', () => {
  it('a phones policy shows drift by account pair, a cell opens its people, and the writes that make them agree are previewed and queued', async () => {
    await nav('Accounts');
    await startSandboxInWindow(h);
    await h.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=accounts] td.num')].every((td) => Number(td.textContent?.replace(/\D/g, '')) > 0),
      null,
      { timeout: 30_000 },
    );
    await expect.poll(() => core.sync.running(), { timeout: 30_000 }).toBeNull();
    // The people the sandbox put in several vendors, linked (what "Merge all" would do).
    const scan = core.dedupe.scan();
    for (const c of scan.clusters.filter((x) => x.auto && new Set(x.records.map((r) => r.account)).size === x.records.length))
      core.dedupe.merge(c.id, { clusters: scan.clusters });

    await nav('Reconcile');
    await expect.poll(() => h.page.getByTestId('drift-count').textContent()).toBe('no policies yet');
    for (const account of ['CallTools sandbox', 'LiveVox sandbox', 'MPDX sandbox']) await h.page.getByLabel(`Phones at ${account}`).check();
    await h.page.getByTestId('save-policies').click();
    await h.page.getByTestId('drift-matrix').waitFor();
    const drifting = core.policies.check().people;
    expect(drifting).toBeGreaterThan(0);
    await expect
      .poll(() => h.page.getByTestId('drift-count').textContent())
      .toBe(`${drifting} ${drifting === 1 ? 'person drifts' : 'people drift'}`);
    // One cell per pair of the three accounts; a count opens its people, each with both values.
    expect(await h.page.getByTestId('drift-matrix').locator('tbody tr').count()).toBe(3);
    const cell = h.page.locator('.drift-cell').first();
    const n = Number(await cell.textContent());
    await cell.click();
    await expect.poll(() => h.page.getByTestId('drift-people').locator('tbody tr').count()).toBe(n);
    // The bulk-add fields keep what is typed, shortcut letters and all.
    for (const label of ['Narrow by search', 'Narrow by tag']) {
      const box = h.page.getByLabel(label);
      await box.pressSequentially('jkmns/ Jackson-Kirk');
      await box.press('ArrowDown');
      expect(await box.inputValue()).toBe('jkmns/ Jackson-Kirk');
      await box.fill('');
    }
    await h.page.getByTestId('plan-agree').click();
    const plan = h.page.getByTestId('agree-plan');
    await plan.waitFor();
    const full = core.policies.plan();
    const planned = full.total;
    expect(await plan.textContent()).toContain(`${planned} write`);
    // Every write is there to review: a header per field and account, rows under it, the last one reachable.
    expect(await plan.getByTestId('agree-group').count()).toBeGreaterThan(0);
    await plan.getByTestId('agree-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const last = core.policies.plan(undefined, { offset: planned - 1, limit: 1 }).writes[0]!;
    await plan.getByTestId('agree-write').filter({ hasText: last.name }).last().waitFor();
    await plan.getByTestId('agree-list').evaluate((el) => el.scrollTo(0, 0));
    // Leave one account's writes out: the button counts what will be queued.
    const group = full.groups[0]!;
    await plan.getByTestId('agree-group').first().locator('input').uncheck();
    await expect
      .poll(() => h.page.getByTestId('apply-agree').textContent())
      .toBe(`Queue ${(planned - group.count).toLocaleString()} write${planned - group.count === 1 ? '' : 's'}`);
    await both('reconcile-drift');
    await plan.scrollIntoViewIfNeeded();
    await both('reconcile-agree');
    const pendingBefore = core.status.get().outbox.pending;
    await h.page.getByTestId('apply-agree').click();
    await h.page.getByTestId('toast').filter({ hasText: 'Queued' }).waitFor();
    // The left-out group stays to do; nothing of it was queued.
    expect(core.policies.plan().groups.find((g) => g.field === group.field && g.accountId === group.accountId)?.count).toBe(group.count);
    expect(core.status.get().outbox.pending - pendingBefore).toBeLessThanOrEqual(planned - group.count);
    // The Sync view says how many drift (after the next sync: the check runs there too).
    await nav('Sync');
    await h.page.getByTestId('sync-now').click();
    await h.page.waitForFunction(() => document.querySelector('[data-testid=sync-now]')?.textContent === 'Sync now', null, {
      timeout: 30_000,
    });
    const left = core.status.get().drift?.people ?? 0;
    if (left)
      await h.page
        .getByTestId('sync-drift')
        .filter({ hasText: `${left}` })
        .waitFor();
    else expect(await h.page.getByTestId('sync-drift').count()).toBe(0);
  });

  it('add to LiveVox from the person pane: the exact request, the account key asked for, nothing sent until Add', async () => {
    const mpdx = core.accounts.list().find((a) => a.kind === 'mpdx')!;
    const livevox = core.accounts.list().find((a) => a.kind === 'livevox')!;
    // Someone only in MPDX, with a phone, whose name no one else has (so the list click is theirs).
    const person = core.store.sqlite
      .prepare(
        `SELECT r.person_id AS id FROM records r JOIN people p ON p.id = r.person_id WHERE r.account_id = ? AND (SELECT count(*) FROM records o WHERE o.person_id = r.person_id) = 1
      AND json_array_length(json_extract(r.local, '$.phones')) > 0 AND (SELECT count(*) FROM people q WHERE q.display_name = p.display_name) = 1 ORDER BY p.display_name LIMIT 1`,
      )
      .get(mpdx.id) as { id: string };
    const name = core.contacts.get(person.id).displayName;
    await nav('Contacts');
    await h.page.getByLabel('Search contacts').fill(name);
    const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await h.page.locator('.contact-name').filter({ hasText: exact }).first().click();
    await h.page.waitForFunction((n) => document.querySelector('.person-name')?.textContent === n, name);
    const panel = h.page.getByTestId('add-to');
    await panel.locator(`[data-account="${livevox.id}"]`).click();
    const preview = h.page.getByTestId('add-to-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('POST /contact/contacts/');
    expect(await h.page.getByTestId('add-to-confirm').isDisabled()).toBe(true); // the key is required
    // Shortcut keys typed into the box stay in the box: no jump to search, no move in the list.
    const keyBox = h.page.getByLabel('LiveVox account key');
    await keyBox.pressSequentially('jk/ms-n');
    await keyBox.press('ArrowDown');
    await keyBox.press('ArrowUp');
    expect(await keyBox.inputValue()).toBe('jk/ms-n');
    expect(await h.page.getByLabel('Search contacts').inputValue()).toBe(name);
    expect(await h.page.locator('.person-name').textContent()).toBe(name);
    await keyBox.fill('E2E-ADD-1');
    await expect.poll(() => preview.locator('.request-body').textContent()).toContain('"account": "E2E-ADD-1"');
    await expect.poll(() => h.page.getByTestId('add-to-confirm').isDisabled()).toBe(false);
    const outbox = core.status.get().outbox.pending;
    await both('person-add-to');
    await h.page.getByTestId('add-to-confirm').click();
    await panel.getByRole('status').filter({ hasText: 'Added to' }).waitFor();
    expect(core.status.get().outbox.pending).toBe(outbox + 1);
    expect(
      core.contacts
        .get(person.id)
        .records.map((r) => r.vendor)
        .sort(),
    ).toEqual(['livevox', 'mpdx']);
    await panel.getByRole('button', { name: 'Undo' }).click();
    await panel.getByRole('status').filter({ hasText: 'Undone' }).waitFor();
    expect(core.status.get().outbox.pending).toBe(outbox);
  });

  it('add to BigChange: the address parts it has no place for are named, and the rest of the address goes', async () => {
    const bigchange = core.accounts.list().find((a) => a.kind === 'bigchange')!;
    await core.csv.import(
      'first_name,last_name,street1,street2,city,state,postal code,county,country\nOrla,Quillfeather,1 Main St,Flat 2,Portland,OR,97201,Multnomah,US\n',
      { source: 'paper list' },
    );
    await nav('Contacts');
    await h.page.getByLabel('Search contacts').fill('Quillfeather');
    await h.page
      .locator('.contact-name')
      .filter({ hasText: /^Orla Quillfeather$/ })
      .first()
      .click();
    await h.page.waitForFunction(() => document.querySelector('.person-name')?.textContent === 'Orla Quillfeather');
    await h.page.getByTestId('add-to').locator(`[data-account="${bigchange.id}"]`).click();
    const preview = h.page.getByTestId('add-to-preview');
    await preview.waitFor();
    const text = (await preview.textContent()) ?? '';
    expect(text).toMatch(/BigChange cannot hold .*the address's second street line, the address's state or region, the address's county/);
    expect(text).not.toMatch(/Flat 2|Multnomah/); // not in the request
    expect(text).toContain('Portland');
    // Nothing left to ask: the name comes from the given and family names.
    await expect.poll(() => h.page.getByTestId('add-to-confirm').isDisabled()).toBe(false);
    await both('person-add-to-address');

    // The address as shown, edited key by key (shortcut letters included): the county line comes back whole.
    const row = h.page.locator('.compare-row[data-field="address"]');
    await row.locator('.editable').click();
    const box = row.locator('textarea');
    expect(await box.inputValue()).toBe('1 Main St\nFlat 2\nPortland OR 97201\nCounty: Multnomah\nUS');
    await box.press('Control+Home');
    await box.press('End');
    await box.pressSequentially(' jk/mns');
    expect((await box.inputValue()).split('\n')[0]).toBe('1 Main St jk/mns');
    expect(await h.page.locator('.person-name').textContent()).toBe('Orla Quillfeather');
    await both('person-edit-address');
    await box.press('Enter');
    await box.waitFor({ state: 'detached' });
    await expect
      .poll(() => core.contacts.get(core.contacts.list({ search: 'Quillfeather', limit: 1, offset: 0 }).rows[0]!.id).golden.address)
      .toMatchObject({ street1: '1 Main St jk/mns', street2: 'Flat 2', county: 'Multnomah', country: 'US' });

    // Everyone in MPDX missing from BigChange: the plan names what BigChange has no place for,
    // the state of an MPDX address among it.
    const mpdx = core.accounts.list().find((a) => a.kind === 'mpdx')!;
    await nav('Reconcile');
    await h.page.getByLabel('From account').selectOption(mpdx.id);
    await h.page.getByLabel('To account').selectOption(bigchange.id);
    await h.page.getByTestId('plan-bulk-add').click();
    const plan = h.page.getByTestId('bulk-add-plan');
    await plan.waitFor();
    expect(await plan.textContent()).toMatch(/Not held there: [^.]*the address's state or region/);
    await plan.scrollIntoViewIfNeeded();
    await h.screenshot('reconcile-bulk-add-address-1280');
    await h.page.setViewportSize({ width: 1024, height: 640 });
    await h.page.getByTestId('run-bulk-add').scrollIntoViewIfNeeded(); // the plan's end in view at the smaller size too
    await h.screenshot('reconcile-bulk-add-address-1024');
    await h.page.setViewportSize({ width: 1280, height: 800 });
  });
});
