// One handler per contract key. The mapped type makes a missing key a compile error.
import type { Output, ParsedInput, RequestKey } from '../../../shared/contract';
import { ACCOUNT_KINDS, type AccountKind, type CanonicalContact } from '../../../shared/domain';
import { parseTypedValues } from '../contacts/typed-values';
import { timeZoneProblem } from '../normalize/time-zone';
import { CoreError } from '../errors';
import type { CoreServices } from '../index';
import type { ConflictView } from '../sync/edit-service';
import { parsedResolution, previewResolution } from '../sync/resolution-preview';
import { ACCOUNT_FORMS } from '../vendors/account-forms';
import { writableFields } from '../vendors/registry';
import { credentialsProblems } from '../accounts/credentials-check';

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
    cancelSync: ({ accountId }) => ({ cancelled: s.sync.cancel(accountId) }),
    getSyncSchedule: () => s.scheduler.schedule(),
    setSyncSchedule: ({ minutes }) => s.scheduler.setMinutes(minutes),
    editContact: ({ id, patch, typed }) => {
      // A time zone sent as a value (not typed) is checked at the door as a typed one is.
      const zone = patch?.timeZone ? timeZoneProblem(patch.timeZone) : null;
      if (zone) throw new CoreError('bad_request', `timeZone: ${zone}`);
      return s.edits.edit(id, typed ? { ...patch, ...parseTypedValues(typed, currentOf(s, id)) } : patch);
    },
    undoEdit: ({ id }) => s.edits.undo(id),
    listOutbox: () => s.edits.outboxItems(),
    listConflicts: () => s.edits.conflicts(),
    resolveConflict: ({ id, resolution }) => s.edits.resolve(id, parsedResolution(resolution, conflictOf(s, id).local)),
    scanDuplicates: ({ full, autoLink, review, autoThreshold }) => {
      if (review !== undefined || autoThreshold !== undefined)
        s.dedupe.setThresholds({
          ...(review !== undefined ? { review } : {}),
          ...(autoThreshold !== undefined ? { autoLink: autoThreshold } : {}),
        });
      // The queue is paged, never sent whole: its clusters (read in full when asked for) stay here.
      const { total, autoLinkable, records, rescored, comparisons, autoLinked, ms } = s.dedupe.scan({ full, autoLink });
      return { total, autoLinkable, records, rescored, comparisons, autoLinked, ms };
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
      return { mergeId: r.mergeId, personId: r.personId, plan: r.plan };
    },
    dismissDuplicates: ({ clusterId }) => s.dedupe.dismiss(clusterId),
    listJournal: (input) => s.journal.list(input),
    undoJournal: async ({ id, kind: expected }) => {
      const kind = s.journal.kindOf(id);
      if (expected && kind !== expected)
        throw new CoreError(
          'bad_request',
          `Entry ${id} is not that kind of entry (it is ${kind ?? 'not in the activity log'}): nothing was undone`,
        );
      if (kind === 'edit') s.edits.undoEntry(id);
      else if (kind === 'add-to' || kind === 'bulk-add') s.addTo.undo(id);
      else if (kind === 'policy-apply') s.policies.undo(id);
      else if (kind === 'account.remove') {
        const lease = s.syncStore.currentLease();
        if (lease) throw new CoreError('busy', `${lease.holder} is syncing; undo the removal when it has finished`);
        const r = s.syncStore.restoreAccount(id);
        // Policies that named it name it again, where their other accounts are all still here.
        const here = new Set(s.accounts.list().map((x) => x.id));
        for (const p of r.policies) if (p.accounts.every((x) => here.has(x))) s.policies.set(p.field, p.accounts);
        s.events.emit('contactsChanged', { reason: 'account restored' });
        s.events.emit('statusChanged', {});
      } else if (kind === 'bulk-merge') {
        const r = await s.dedupe.undoBulk(id, (done, total) => s.events.emit('bulkMergeProgress', { done, total }));
        s.events.emit('contactsChanged', { reason: 'bulk merge undone' });
        return { undone: kind, compensating: r.compensating };
      } else return { undone: kind ?? 'nothing', compensating: s.dedupe.undo(id).compensating }; // merges and dismissals (it says so when it is neither)
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
    planAgree: ({ field, offset, limit }) => s.policies.plan(field, { offset, limit }),
    applyAgree: ({ field, expected, exclude }) => s.policies.apply(field, expected, exclude),
    // Matching weights and review order (issue #13).
    getMatchWeights: () => s.dedupe.weights(),
    getDuplicateSettings: () => {
      const d = s.dedupe.decision();
      return {
        linkAfterSync: s.dedupe.linksAfterSync(),
        ...s.dedupe.thresholds,
        expectedPrecision: d?.expectedPrecision ?? null,
        expectedRecall: d?.expectedRecall ?? null,
      };
    },
    setLinkAfterSync: ({ on }) => ({ linkAfterSync: s.dedupe.setLinksAfterSync(on) }),
    listInformativePairs: ({ limit }) => s.dedupe.informativePairs(limit ?? 20),
    // --- issue #14: what the CLI needs as a host, and core rules the renderer used to copy ---
    listRejected: () => s.edits.rejected(),
    importCsv: ({ bytes, ...opts }) => s.csv.import(bytes, opts),
    exportCsv: ({ search }) => s.csv.export(search),
    previewResolution: ({ id, resolution }) => {
      const c = conflictOf(s, id);
      return { sends: previewResolution(c, parsedResolution(resolution, c.local)) };
    },
    getAccountForms: () => ACCOUNT_FORMS,
    // --- issue #26: accounts a person can manage ---
    checkCredentials: ({ kind, credentials, partial }) => {
      // What the form has typed so far: an empty field is not yet a value.
      const typed = Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== '' && v != null));
      return { problems: credentialsProblems(kind, typed, { partial }) };
    },
    testCredentials: (input) => s.testCredentials(input),
    updateAccount: async ({ id, ...change }) => {
      const a = await s.accounts.update(id, change);
      s.events.emit('statusChanged', {});
      return a;
    },
    planRemoveAccount: ({ id }) => s.syncStore.removalPlan(s.accounts.get(id).id),
    removeAccount: async ({ id }) => {
      const a = s.accounts.get(id);
      // A sync writing this account's records while they go would bring some back half-made.
      const lease = s.syncStore.currentLease();
      if (lease) throw new CoreError('busy', `${lease.holder} is syncing; remove ${a.label} when it has finished`);
      const policies = s.policies.list().filter((x) => x.accounts.includes(a.id));
      const r = s.syncStore.removeAccount(a.id, a.label, { policies });
      // Field policies naming it keep their other accounts (two at least), else they go.
      for (const p of policies) {
        const rest = p.accounts.filter((x) => x !== a.id);
        if (rest.length >= 2) s.policies.set(p.field, rest);
        else s.policies.clear(p.field);
      }
      // Its secret stays in the keychain while the removal can be undone; older removals' go now.
      await s.accounts.forgetRemoved(s.syncStore.purgeRemovals());
      s.events.emit('contactsChanged', { reason: 'account removed' });
      s.events.emit('statusChanged', {});
      return { records: r.records, people: r.people, undoId: r.journalId };
    },
    getSandbox: () => ({ running: s.sandbox.isRunning() }),
    getVendorFields: () => Object.fromEntries(ACCOUNT_KINDS.map((k) => [k, [...writableFields(k)]])) as Record<AccountKind, string[]>,
  };
}

/** The contact typed values apply to: a record's local copy, or a person's golden record. */
function currentOf(s: CoreServices, id: string): CanonicalContact {
  const d = s.contacts.get(id);
  return d.id === id ? d.golden : (d.records.find((r) => r.id === id)?.local ?? d.golden);
}

function conflictOf(s: CoreServices, id: string): ConflictView & { local: CanonicalContact } {
  const c = s.edits.conflicts().find((x) => x.id === id);
  if (!c) throw new CoreError('not_found', `No open conflict with id ${id}`);
  return { ...c, local: currentOf(s, c.recordId) };
}
