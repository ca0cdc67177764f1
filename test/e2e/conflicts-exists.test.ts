// A create that met a contact already at LiveVox (202 "Contact already exists!"), in the
// Conflicts view: this person beside that contact, and the two answers. "A different person"
// takes a new account key, typed here, and the create goes again under it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { startLiveVoxSandbox, type LiveVoxSandbox } from '../../src/main/core/sandbox/livevox';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import type { CanonicalContact } from '../../src/shared/domain';
import type { Harness } from './harness';
import { navTo, openWindow } from './window';

let core: Core;
let h: Harness;
let sb: LiveVoxSandbox;
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ core, h, close } = await openWindow());
  sb = await startLiveVoxSandbox({ seed: 5 });
});
afterAll(async () => {
  await close();
  await sb.server.close();
});

const ADA: CanonicalContact = {
  givenName: 'Ada',
  familyName: 'Lovelace',
  fullName: 'Ada Lovelace',
  phones: [{ e164: '+15035550188', raw: '+1 503 555 0188' }],
};

describe('the conflict view, a create that met an existing record', () => {
  it('shows both records and creates under the new key a person types', async () => {
    const acc = await core.accounts.add({
      kind: 'livevox',
      label: 'LiveVox',
      baseUrl: sb.baseUrl,
      credentials: sb.credentials as Record<string, unknown>,
    });
    const file = await core.accounts.add({ kind: 'csv', label: 'file', baseUrl: null });
    core.syncStore.upsertFromServer({ accountId: file.id, remoteId: 'row-1', raw: { ...ADA }, canonical: ADA, versions: { v: '1' } });
    const personId = (core.store.sqlite.prepare('SELECT person_id FROM records WHERE account_id = ?').get(file.id) as { person_id: string })
      .person_id;
    const def = vendorDefinition('livevox')!;
    const colleague = def.create({ baseUrl: sb.baseUrl, credentials: def.credentialsSchema.parse(sb.credentials) });
    await colleague.create({ givenName: 'Charles', familyName: 'Babbage' }, { idempotencyKey: 'colleague', values: { account: 'ACC-77' } });
    await core.addTo.addTo(personId, acc.id, { account: 'ACC-77' });
    await core.sync.sync({ accountId: acc.id });
    expect(core.edits.conflicts()).toHaveLength(1);

    await navTo(h, 'Conflicts');
    await h.page.locator('.queue-item').first().waitFor();
    await h.page.locator('.queue-item').first().click();
    const table = h.page.locator('.three-way.exists');
    await table.waitFor();
    expect(await h.page.locator('.conflict .muted').first().textContent()).toMatch(
      /already has a contact under LiveVox account key ACC-77/,
    );
    const given = table.locator('.tw-row[data-field=givenName]');
    expect(await given.locator('.tw-local').textContent()).toBe('Ada');
    expect(await given.locator('.tw-remote').textContent()).toBe('Charles');
    const different = h.page.getByTestId('exists-different');
    expect(await different.isDisabled()).toBe(true); // a new key first
    await h.page.getByLabel('New LiveVox account key').fill('ACC-78');
    await h.page.screenshot({ path: 'test/e2e/screenshots/conflicts-exists.png' });
    await different.click();
    await h.page.locator('.queue-item').first().waitFor({ state: 'detached' });
    await core.sync.sync({ accountId: acc.id });
    const made = await colleague.read('ACC-78');
    expect(made.canonical).toMatchObject({ givenName: 'Ada', familyName: 'Lovelace' });
    expect((await colleague.read('ACC-77')).canonical).toMatchObject({ givenName: 'Charles' });
  });
});
