// One handler per contract key. The mapped type makes a missing key a compile error.
import type { Output, ParsedInput, RequestKey } from '../../../shared/contract';
import type { CoreServices } from '../index';

export type Handlers = { [K in RequestKey]: (input: ParsedInput<K>) => Promise<Output<K>> | Output<K> };

export function createHandlers(s: CoreServices): Handlers {
  return {
    getStatus: () => s.status.get(),
    listContacts: (input) => s.contacts.list(input),
    getContact: ({ id }) => s.contacts.get(id),
    listAccounts: () => s.accounts.list(),
  };
}
