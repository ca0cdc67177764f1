// LiveVox's batch routes through the connector, starting from the document's own examples (the
// vendor's livevox-contacts.txt, "Bulk Update Contact" and "Find Matching Contact"): readMany
// is one search whose tree ORs `account EQUALS` conditions; updateMany one PUT
// /contact/contacts/bulk whose items are the whole contacts, each named by its account.
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveVoxSandbox, type LiveVoxSandbox } from '../../../src/main/core/sandbox/livevox';
import type { Connector } from '../../../src/main/core/vendors/connector';
import { createLiveVoxConnector } from '../../../src/main/core/vendors/livevox';
import { accountsSearch } from '../../../src/main/core/vendors/livevox/bulk';
import { FAST_RETRY } from '../../helpers/vendor';

type Json = Record<string, unknown>;
let sb: LiveVoxSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

/** The accounts of the document's bulk update example, in its order. */
const DOC_ACCOUNTS = [
  'account10',
  'account9',
  'account8',
  'account7',
  'account6',
  'account5',
  'account4',
  'account3',
  'kavita1234',
  'QAKY1',
];
/** One item of the document's bulk update example (they differ only by account). */
const docItem = (account: string): Json => ({
  person: {
    firstName: 'James',
    lastName: '22',
    dateOfBirth: 621057600000,
    email: 'kyargal@liveox.com',
    ssn: '123DonotChange',
    zipCode: '560001',
  },
  guarantor: { firstName: 'aa', lastName: 'bbb' },
  phone: [{ phone: '6503517500', ordinal: 1, phoneBlock: 'PERMANENT', smsConsent: true, cellConsent: true }],
  account,
  active: true,
  balance: 100.0,
  accountBlock: 'PERMANENT',
});

async function setup(): Promise<{ sb: LiveVoxSandbox; c: Connector }> {
  sb = await startLiveVoxSandbox({ seed: 7, contacts: [] });
  // The same contacts before the update: another name, no email, no birth date.
  for (const account of DOC_ACCOUNTS) {
    const item = docItem(account);
    sb.store.create({ ...item, person: { ...(item.person as Json), firstName: 'Jim', lastName: 'Old', dateOfBirth: 0, email: null } });
  }
  return { sb, c: createLiveVoxConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, retry: FAST_RETRY }) };
}

const bodyOf = (sb: LiveVoxSandbox, method: string, path: string): Json[] =>
  sb.server.requestLog
    .filter((r) => r.method === method && r.path === path)
    .map((r) => JSON.parse((r as { body?: string }).body ?? '{}') as Json);

/** Every leaf of a search tree, and its depth. */
function leaves(node: Json, depth = 1): { leaf: Json; depth: number }[] {
  if ('rule' in node) {
    expect(Object.keys(node).sort()).toEqual(['left', 'right', 'rule']); // the document's rule shape
    return [...leaves(node.left as Json, depth + 1), ...leaves(node.right as Json, depth + 1)];
  }
  return [{ leaf: node, depth }];
}

describe('LiveVox batches from the document’s examples', () => {
  it('updateMany sends the document’s bulk update body; readMany reads the ten back in one search', async () => {
    const { sb, c } = await setup();
    const before = await c.readMany!([...DOC_ACCOUNTS, 'no-such-account']);
    expect([...before.keys()].sort()).toEqual([...DOC_ACCOUNTS].sort()); // a missing account is just absent
    // One search: count and offset given (both mandatory), the tree the "Multiple Conditions"
    // example's shape, one EQUALS per account.
    const searches = sb.server.requestLog.filter((r) => r.path === '/contact/contacts/search');
    expect(searches).toHaveLength(1);
    expect(searches[0]!.query).toBe('?count=11&offset=0');
    const tree = leaves(bodyOf(sb, 'POST', '/contact/contacts/search')[0]!.search as Json);
    expect(tree.map((t) => t.leaf)).toEqual(
      [...DOC_ACCOUNTS, 'no-such-account'].map((a) => ({ field: 'account', criteria: a, condition: 'EQUALS' })),
    );
    expect(Math.max(...tree.map((t) => t.depth))).toBeLessThanOrEqual(5);

    const sent: string[][] = [];
    const answer = await c.updateMany!(
      DOC_ACCOUNTS.map((account) => ({
        remoteId: account,
        patch: { givenName: 'James', familyName: '22', birthDate: '1989-09-06', emails: [{ address: 'kyargal@liveox.com' }] },
        context: { raw: before.get(account)!.raw, versions: before.get(account)!.versions },
      })),
      (ids) => sent.push(ids),
    );
    expect(answer).toEqual({ refused: new Map(), alone: [] });
    expect(sent).toEqual([DOC_ACCOUNTS]); // told before the request went
    // The body is the document's own example: each whole contact under its account, the
    // values Concord does not write (ssn, guarantor, blocks, consents, balance) as they were.
    const [body] = bodyOf(sb, 'PUT', '/contact/contacts/bulk');
    expect(Object.keys(body!)).toEqual(['updateContactDetails']);
    const items = body!.updateContactDetails as Json[];
    expect(items).toHaveLength(10);
    DOC_ACCOUNTS.forEach((account, i) => expect(items[i]).toMatchObject(docItem(account)));
    // Nothing only a search answer carries goes back (the internal id, padding, positions).
    expect(items.every((x) => !('id' in x) && !('postalCode' in x) && (x.phone as Json[]).length === 1)).toBe(true);
    expect(sb.server.requestLog.find((r) => r.path === '/contact/contacts/bulk')!.status).toBe(204);

    const after = await c.readMany!(DOC_ACCOUNTS);
    for (const account of DOC_ACCOUNTS)
      expect(after.get(account)!.canonical).toMatchObject({
        givenName: 'James',
        familyName: '22',
        birthDate: '1989-09-06',
        emails: [{ address: 'kyargal@liveox.com' }],
        phones: [{ e164: '+16503517500', doNotContact: true }],
        address: { postalCode: '560001' },
      });
  });

  it('reads the document’s search answer: no person block, padded phones, modifiedDate as the version', async () => {
    const { sb, c } = await setup();
    // The contact of the "Single Condition" example's answer.
    sb.store.create({ account: '1003', city: 'California', country: '', balance: 0.0, accountBlock: 'NONE', customFields: [] });
    const hit = (await c.readMany!(['1003'])).get('1003')!;
    expect(hit.canonical).toMatchObject({ externalRef: '1003', address: { city: 'California' }, doNotContact: false });
    expect(hit.canonical.phones).toBeUndefined(); // ten padded slots, none with a number
    expect(hit.versions.modifyDate).toBe(String(sb.store.contacts.get('1003')!.modifyDate));
    expect(hit.raw).not.toHaveProperty('id');
  });

  it('refuses an item it can see is wrong before sending, and leaves a block to the DND route', async () => {
    const { sb, c } = await setup();
    const read = await c.readMany!(DOC_ACCOUNTS.slice(0, 3));
    const ctx = (a: string) => ({ raw: read.get(a)!.raw, versions: read.get(a)!.versions });
    const answer = await c.updateMany!(
      [
        { remoteId: 'account10', patch: { givenName: 'Sent' }, context: ctx('account10') },
        { remoteId: 'account9', patch: { emails: [{ address: 'not an email' }] }, context: ctx('account9') },
        { remoteId: 'account8', patch: { doNotContact: true }, context: ctx('account8') },
      ],
      () => {},
    );
    expect([...answer.refused.keys()]).toEqual(['account9']);
    expect(answer.refused.get('account9')!.kind).toBe('validation');
    expect(answer.alone).toEqual(['account8']);
    const items = bodyOf(sb, 'PUT', '/contact/contacts/bulk')[0]!.updateContactDetails as Json[];
    expect(items.map((x) => x.account)).toEqual(['account10']);
  });

  it('builds a balanced tree: 1000 accounts are ten levels deep, not a thousand', () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => `A${i}`);
    const tree = leaves(accountsSearch(accounts) as unknown as Json);
    expect(tree.map((t) => t.leaf.criteria)).toEqual(accounts);
    expect(Math.max(...tree.map((t) => t.depth))).toBe(11);
  });
});
