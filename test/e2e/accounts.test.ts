// Accounts a person can manage, in real Chromium over a real core (issue 26): credentials are
// checked in the form as they are typed by the core's own rule; an account's label and
// credentials are edited; Remove says what happens and refuses while changes wait; the sandbox
// is one thing however often it is started; and an edit a vendor cannot hold says so at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { selectPerson, startSandboxInWindow, type Harness } from './harness';
import { navTo, openWindow } from './window';

let core: Core;
let h: Harness;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ core, h, close } = await openWindow());
});

afterAll(async () => {
  await close?.();
});

async function shots(name: string) {
  await h.screenshot(`${name}-1280`);
  await h.page.setViewportSize({ width: 1024, height: 640 });
  await h.screenshot(`${name}-1024`);
  await h.page.setViewportSize({ width: 1280, height: 800 });
}
const sandboxAccounts = () => core.accounts.list().filter((a) => a.sandbox);
const row = (label: string) => h.page.locator(`[data-testid=accounts] tbody tr[data-account="${label}"]`);

describe('accounts a person can manage', () => {
  it('checks credentials in the form as they are typed, and keeps what was typed', async () => {
    await navTo(h, 'Accounts');
    await h.page.getByLabel('Add an account').selectOption('calltools');
    const form = h.page.getByRole('form', { name: 'Add CallTools' });
    await form.getByLabel('Label').fill('CallTools office');
    const token = form.getByLabel('API token (40 hex characters)');
    await token.fill('abc123');
    const problem = form.locator('.field-problem');
    await expect.poll(() => problem.textContent()).toMatch(/40 hexadecimal characters/);
    expect(await token.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: 'Test' }).isDisabled()).toBe(true);
    await shots('accounts-add-problem');
    await token.fill('a'.repeat(40));
    await problem.waitFor({ state: 'detached' });
    await expect.poll(() => form.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);
    expect(await form.getByLabel('Label').inputValue()).toBe('CallTools office');
    expect(await token.inputValue()).toBe('a'.repeat(40));
    // Empty, the token is not an error under the field: Save says what it waits for.
    await token.fill('');
    await expect.poll(() => h.page.getByTestId('save-waits').textContent()).toMatch(/fill in API token/);
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(core.accounts.list()).toEqual([]);
  });

  it('starts the sandbox once: a second start keeps the five accounts and they stay online', async () => {
    await navTo(h, 'Accounts');
    await startSandboxInWindow(h);
    // The first start went to Contacts with what to try next (checked by the helper), and synced.
    await h.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=accounts] td.num')].every((td) => Number(td.textContent?.replace(/\D/g, '')) > 0),
      null,
      { timeout: 30_000 },
    );
    await h.page.getByTestId('sandbox-running').waitFor();
    expect(await h.page.getByTestId('try-sandbox').count()).toBe(0);
    const first = sandboxAccounts();
    expect(first).toHaveLength(5);
    const urls = core.sandbox.info()!.vendors;
    // Twice more at once (a double click, the empty state's button): nothing new is started.
    const again = await h.page.evaluate(async () => {
      const api = (
        window as unknown as { api: { startSandbox(i: object): Promise<{ ok: boolean; value: { added: number; reused: boolean } }> } }
      ).api;
      return Promise.all([api.startSandbox({}), api.startSandbox({})]);
    });
    for (const r of again) expect(r).toMatchObject({ ok: true, value: { added: 0, reused: true } });
    expect(sandboxAccounts().map((a) => [a.id, a.baseUrl])).toEqual(first.map((a) => [a.id, a.baseUrl]));
    expect(core.sandbox.info()!.vendors).toBe(urls);
    for (const a of first)
      expect(await core.dispatch('testAccount', { id: a.id }), a.label).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('tests and adds an account before saving, then edits its label and credentials', async () => {
    const ct = core.sandbox.info()!.vendors.calltools!;
    await h.page.getByLabel('Add an account').selectOption('calltools');
    const form = h.page.getByRole('form', { name: 'Add CallTools' });
    await form.getByLabel('Label').fill('CallTools office');
    await form.getByLabel(/^Base URL/).fill(ct.baseUrl);
    await form.getByLabel('API token (40 hex characters)').fill(String(ct.credentials.token));
    await expect.poll(() => form.getByRole('button', { name: 'Test' }).isEnabled()).toBe(true);
    await form.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => form.getByTestId('test-result').textContent()).toMatch(/^Connected/);
    await form.getByRole('button', { name: 'Save' }).click();
    await row('CallTools office').waitFor();
    const id = core.accounts.list().find((a) => a.label === 'CallTools office')!.id;

    // Credentials the vendor refuses: health "auth" offers Fix credentials, which opens Edit.
    await core.dispatch('updateAccount', { id, credentials: { token: 'b'.repeat(40) } });
    await core.dispatch('testAccount', { id });
    await navTo(h, 'Sync');
    await navTo(h, 'Accounts');
    const fix = row('CallTools office').getByRole('button', { name: 'Fix credentials' });
    await fix.waitFor();
    expect(
      await row('CallTools office')
        .getByRole('button', { name: /^Retry/ })
        .count(),
    ).toBe(0);
    await fix.click();
    const dialog = h.page.getByRole('dialog', { name: 'Edit CallTools office' });
    await dialog.waitFor();
    await dialog.getByLabel('Label').fill('CallTools (head office)');
    const token = dialog.getByLabel('API token (40 hex characters)');
    await token.fill('not hex');
    await expect.poll(() => dialog.locator('.field-problem').textContent()).toMatch(/40 hexadecimal characters/);
    expect(await dialog.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await shots('accounts-edit-dialog');
    await token.fill(String(ct.credentials.token));
    await dialog.locator('.field-problem').waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => dialog.getByTestId('test-result').textContent()).toMatch(/^Connected/);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row('CallTools (head office)').waitFor();
    expect(await core.accounts.credentials(id)).toEqual({ token: ct.credentials.token });
    // Saved credentials are tested at once: the account is healthy again.
    await expect.poll(() => core.accounts.get(id).health).toBe('ok');
    await expect.poll(() => row('CallTools (head office)').locator('.health').textContent()).toBe('ok');
    await shots('accounts');
  });

  it('remove says what happens, refuses while changes wait (nothing lost), then removes', async () => {
    const lv = sandboxAccounts().find((a) => a.kind === 'lightening')!;
    const rec = core.store.sqlite
      .prepare('SELECT id, person_id AS personId FROM records WHERE account_id = ? ORDER BY remote_id LIMIT 1')
      .get(lv.id) as { id: string; personId: string };
    core.edits.edit(rec.id, { role: 'Waiting to be sent' });
    const waiting = core.edits.outboxItems().filter((o) => o.recordId === rec.id);
    expect(waiting).toHaveLength(1);
    await navTo(h, 'Sync');
    await navTo(h, 'Accounts');
    await row(lv.label)
      .getByRole('button', { name: `Remove ${lv.label}` })
      .click();
    const dialog = h.page.getByRole('dialog', { name: `Remove ${lv.label}` });
    await dialog.getByTestId('remove-waiting').waitFor();
    const text = (await dialog.textContent())!;
    expect(text).toMatch(/1 change to this account is not sent yet/);
    expect(text).toMatch(/Nothing is sent to Lightening/);
    expect(text).toMatch(
      /people linked to records in other accounts stay|person linked to records in other accounts stays|linked to records in other accounts stay/,
    );
    expect(text).toMatch(/You can undo this for 7 days/);
    expect(await dialog.getByRole('button', { name: 'Remove account' }).isDisabled()).toBe(true);
    await shots('accounts-remove-waiting');
    // The core refuses too, whoever asks; the change is still there.
    expect(await core.dispatch('removeAccount', { id: lv.id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(core.edits.outboxItems().filter((o) => o.recordId === rec.id)).toEqual(waiting);
    // "See it in Sync" goes where the change can be seen.
    await dialog.getByRole('button', { name: 'See it in Sync' }).click();
    await h.page.locator('[data-testid=outbox]').getByText('Role').waitFor();

    // Once nothing waits, it goes: its records and the people only there; linked people stay.
    core.edits.undo(rec.id);
    const plan = core.syncStore.removalPlan(lv.id);
    expect(plan.waiting).toBe(0);
    const people = core.contacts.list({ limit: 1, offset: 0 }).total;
    await navTo(h, 'Accounts');
    await row(lv.label)
      .getByRole('button', { name: `Remove ${lv.label}` })
      .click();
    const again = h.page.getByRole('dialog', { name: `Remove ${lv.label}` });
    await again.getByText('Waiting changes:').waitFor();
    await again.getByRole('button', { name: 'Remove account' }).click();
    await again.waitFor({ state: 'detached' });
    await row(lv.label).waitFor({ state: 'detached' });
    expect(core.accounts.list().some((a) => a.id === lv.id)).toBe(false);
    expect(core.store.sqlite.prepare('SELECT count(*) AS n FROM records WHERE account_id = ?').get(lv.id)).toEqual({ n: 0 });
    expect(core.contacts.list({ limit: 1, offset: 0 }).total).toBe(people - plan.peopleOnlyHere);
    await h.page.getByRole('status').filter({ hasText: 'removed' }).waitFor();
    await shots('accounts-removed');

    // Undo brings it back whole: the account, its records and the people only there.
    const records = plan.records;
    await h.page.getByTestId('undo-remove').click();
    await h.page
      .getByRole('status')
      .filter({ hasText: `${lv.label} is back` })
      .waitFor();
    await row(lv.label).waitFor();
    expect(core.store.sqlite.prepare('SELECT count(*) AS n FROM records WHERE account_id = ?').get(lv.id)).toEqual({ n: records });
    expect(core.contacts.list({ limit: 1, offset: 0 }).total).toBe(people);
    expect(await h.page.getByTestId('undo-remove').count()).toBe(0);
  });

  it('says at the edit that CallTools has no notes, and where the value is kept', async () => {
    const p = core.store.sqlite
      .prepare(
        `SELECT r.person_id AS personId FROM records r JOIN accounts a ON a.id = r.account_id JOIN people pe ON pe.id = r.person_id WHERE a.kind = 'calltools' AND (SELECT count(*) FROM records x WHERE x.person_id = r.person_id) = 1 AND (SELECT count(*) FROM people q WHERE q.display_name = pe.display_name) = 1 ORDER BY r.remote_id LIMIT 1`,
      )
      .get() as { personId: string };
    await selectPerson(h, p.personId, core.contacts.get(p.personId).displayName);
    await h.page.getByLabel('Add a field').selectOption({ label: 'Notes' });
    const notes = h.page.locator('.compare-row[data-field="notes"]');
    // Said while typing, before anything is saved.
    await expect.poll(() => notes.getByTestId('not-held').textContent()).toBe('CallTools has no notes: kept on the person only');
    await notes.locator('textarea').fill('Prefers mornings');
    await notes.getByRole('button', { name: 'Save' }).click();
    await notes.locator('textarea').waitFor({ state: 'detached' });
    expect(await notes.getByTestId('not-held').textContent()).toBe('CallTools has no notes: kept on the person only');
    expect(core.contacts.get(p.personId).golden.notes).toBe('Prefers mornings');
    await shots('person-not-held');
  });
});
