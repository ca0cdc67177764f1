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
    addAccount: (input) => s.accounts.add(input),
    testAccount: ({ id }) => s.sync.test(id),
    startSandbox: (input) => s.sandbox.start(input),
    sync: (input) => s.sync.sync({ ...input, trigger: 'person' }),
    setAccountTrust: ({ id, fields }) => {
      const people = s.accounts.setTrustedFor(s.accounts.get(id).id, fields);
      s.syncStore.refreshPeople(people);
      return { peopleUpdated: people.length };
    },
    cancelSync: () => ({ cancelled: s.sync.cancel() }),
    getSyncSchedule: () => s.scheduler.schedule(),
    setSyncSchedule: ({ minutes }) => s.scheduler.setMinutes(minutes),
    editContact: ({ id, patch }) => s.edits.edit(id, patch),
    undoEdit: ({ id }) => s.edits.undo(id),
    listOutbox: () => s.edits.outboxItems(),
    listConflicts: () => s.edits.conflicts(),
    resolveConflict: ({ id, resolution }) => s.edits.resolve(id, resolution),
    scanDuplicates: (input) => {
      const { clusters: _all, ...r } = s.dedupe.scan(input); // the queue is paged, never sent whole
      return r;
    },
    listDuplicates: ({ offset, limit, order }) => s.dedupe.page(offset, limit, order),
    getDuplicate: ({ id }) => s.dedupe.cluster(id),
    planBulkMerge: () => s.dedupe.bulkPlan(),
    bulkMerge: async ({ expected }) => {
      const r = await s.dedupe.bulkMerge({ expected, onProgress: (done, total) => s.events.emit('bulkMergeProgress', { done, total }) });
      s.events.emit('contactsChanged', { reason: 'bulk merge' });
      s.events.emit('statusChanged', {});
      return r;
    },
    cancelBulkMerge: () => s.dedupe.cancelBulkMerge(),
    planMerge: ({ clusterId, picks }) => s.dedupe.plan(clusterId, picks),
    mergeDuplicates: ({ clusterId, picks }) => {
      const r = s.dedupe.merge(clusterId, { picks });
      return { mergeId: r.mergeId, personId: r.personId };
    },
    dismissDuplicates: ({ clusterId }) => s.dedupe.dismiss(clusterId),
    listJournal: (input) => s.journal.list(input),
    undoJournal: async ({ id }) => {
      const kind = s.journal.kindOf(id);
      if (kind === 'edit') s.edits.undoEntry(id);
      else if (kind === 'add-to' || kind === 'bulk-add') s.addTo.undo(id);
      else if (kind === 'policy-apply') s.policies.undo(id);
      else if (kind === 'bulk-merge') {
        await s.dedupe.undoBulk(id, (done, total) => s.events.emit('bulkMergeProgress', { done, total }));
        s.events.emit('contactsChanged', { reason: 'bulk merge undone' });
      }
      else s.dedupe.undo(id); // merges and dismissals (it says so when it is neither)
      return { undone: kind ?? 'nothing' };
    },
    previewAddTo: ({ personId, accountId, values }) => s.addTo.preview(personId, accountId, values),
    addTo: async ({ personId, accountId, values }) => {
      const r = await s.addTo.addTo(personId, accountId, values);
      s.events.emit('contactsChanged', { reason: 'add-to' });
      return r;
    },
    planBulkAddTo: (q) => s.addTo.planBulk(q),
    bulkAddTo: async (q) => {
      const r = await s.addTo.bulk(q, (done, total) => s.events.emit('bulkAddProgress', { done, total }));
      s.events.emit('contactsChanged', { reason: 'bulk add' });
      s.events.emit('statusChanged', {});
      return r;
    },
    cancelBulkAddTo: () => s.addTo.cancelBulk(),
    listPolicies: () => s.policies.list(),
    setPolicy: ({ field, accounts }) => s.policies.set(field, accounts),
    clearPolicy: ({ field }) => s.policies.clear(field),
    getDrift: ({ field }) => s.policies.check(field),
    listDriftPeople: (q) => s.policies.people(q),
    planAgree: ({ field }) => s.policies.plan(field),
    applyAgree: ({ field, expected }) => s.policies.apply(field, expected),
    // Matching weights and review order (issue #13).
    getMatchWeights: () => s.dedupe.weights(),
    listInformativePairs: ({ limit }) => s.dedupe.informativePairs(limit ?? 20),
  };
}
