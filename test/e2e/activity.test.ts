// The Activity view at real work: a merge inside CallTools (which deletes the duplicate there),
// a person edit sent to each of their vendors, and the sync that pushes both. Each is one
// entry naming the person; the steps unfold; the vendor delete says which merge caused it, and
// a name opens the person in Contacts. Photographed at 1280×800 and 1024×640.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import { startSandboxInWindow, type Harness } from './harness';
import { navTo, openWindow } from './window';

let core: Core;
let h: Harness;
let close: () => Promise<void> = async () => {};
beforeAll(async () => void ({ core, h, close } = await openWindow()));
afterAll(() => close());

const nav = (label: string) => navTo(h, label);

describe('the Activity view', () => {
  it('shows one entry per action, names the person, and says which merge deleted a duplicate', async () => {
    await nav('Accounts');
    await startSandboxInWindow(h);
    await h.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=accounts] td.num')].every((td) => Number(td.textContent?.replace(/\D/g, '')) > 0),
      null,
      { timeout: 30_000 },
    );
    await expect.poll(() => core.sync.running(), { timeout: 30_000 }).toBeNull();

    // A duplicate made at CallTools by hand (a typo in the family name), pulled in.
    const info = core.sandbox.info()!.vendors.calltools!;
    const def = vendorDefinition('calltools')!;
    const ct = def.create({ baseUrl: info.baseUrl, credentials: def.credentialsSchema.parse(info.credentials), settings: info.settings });
    const first = (await ct.pull(null).next()).value!.records.find(
      (r: { canonical: { givenName?: string | null; familyName?: string | null; emails?: unknown[] } }) =>
        r.canonical.givenName && r.canonical.familyName && r.canonical.emails?.length,
    )!;
    const copy = await ct.create({
      givenName: first.canonical.givenName,
      familyName: first.canonical.familyName!.replace(/(.)(.)$/, '$2$1'),
      emails: first.canonical.emails,
      timeZone: 'America/Denver',
    });
    await core.sync.sync();
    const c = core.dedupe.scan().clusters.find((x) => x.records.some((r) => r.remoteId === copy.remoteId))!;
    expect(c.records.length).toBeGreaterThanOrEqual(2);
    expect(core.dedupe.plan(c.id).writes.map((w) => w.op)).toContain('delete');
    const { personId, mergeId } = core.dedupe.merge(c.id);
    const names = [...new Set(c.records.map((r) => r.name))];
    core.edits.edit(personId, { notes: 'Prefers mornings' });
    const s = await core.sync.sync();
    for (const a of s.accounts) expect(a.errors).toEqual([]);
    const name = core.contacts.get(personId).displayName;

    await nav('Activity');
    const merge = h.page.locator(`tr.journal-entry[data-entry="${mergeId}"]`);
    await merge.waitFor();
    const together = names.length < 2 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    await expect(merge.textContent()).resolves.toContain(`the merge of ${together}`);
    await expect(merge.getByRole('button', { name }).count()).resolves.toBe(1);
    // The sync is the newest entry: its pushes folded into one, the delete among them.
    const sync = h.page.locator('tr.journal-entry').first();
    await expect(sync.textContent()).resolves.toMatch(/Sent.*writes sent at/);
    await sync.locator('button.expand').click();
    await h.page.locator('tr.journal-step', { hasText: 'deleted at CallTools because of the merge of' }).waitFor();
    await merge.locator('button.expand').click();
    await h.page.locator('tr.journal-step', { hasText: 'to be deleted at CallTools because of the merge of' }).waitFor();
    await expect(h.page.locator('tr.journal-step', { hasText: 'user' }).count()).resolves.toBe(0);
    // Product names and words, never the code's ids ("calltools update", "policy-apply").
    const table = (await h.page.getByTestId('journal').textContent())!;
    expect(table).not.toMatch(/\b(calltools|livevox|mpdx|lightening|bigchange)\b/);
    expect(table).not.toMatch(/policy-apply|bulk-merge|dedupe\.scan|sync\.push/);
    // A row names at most three people, then "and N more".
    for (const cell of await h.page.locator('.journal-people').all())
      expect(await cell.locator('.person-link').count()).toBeLessThanOrEqual(3);
    await h.screenshot('activity-actions-1280');
    await h.page.setViewportSize({ width: 1024, height: 640 });
    await h.screenshot('activity-actions-1024');
    await h.page.setViewportSize({ width: 1280, height: 800 });

    // A name opens that person in Contacts.
    await merge.getByRole('button', { name }).click();
    await h.page.locator('.person-name', { hasText: name }).waitFor();

    // A sync that sends edits for six people: its row names three, then "and 3 more" (a click shows all).
    const six = core.store.sqlite
      .prepare(
        "SELECT r.id FROM records r JOIN accounts a ON a.id = r.account_id WHERE a.kind = 'calltools' AND r.person_id <> ? ORDER BY r.remote_id LIMIT 6",
      )
      .all(personId) as { id: string }[];
    for (const r of six) core.edits.edit(r.id, { timeZone: 'America/Chicago' });
    expect((await core.sync.sync()).accounts.flatMap((a) => a.errors)).toEqual([]);
    await nav('Contacts');
    await nav('Activity');
    const sent = h.page.locator('tr.journal-entry').first();
    await expect.poll(() => sent.textContent()).toMatch(/Sent/);
    const people = sent.locator('.journal-people');
    expect(await people.locator('.person-link').count()).toBe(3);
    expect(await people.locator('.more-people').textContent()).toBe('and 3 more');
    await people.locator('.more-people').click();
    expect(await people.locator('.person-link').count()).toBe(6);
  });
});
