// Request and event names without their schemas, so the sandboxed preload can build
// window.api without bundling zod. contract.ts proves at compile time these lists match.
export const REQUEST_KEYS = [
  'getStatus',
  'listContacts',
  'getContact',
  'listAccounts',
  'addAccount',
  'testAccount',
  'startSandbox',
  'sync',
  'editContact',
  'undoEdit',
  'listOutbox',
  'listConflicts',
  'resolveConflict',
  'scanDuplicates',
  'listDuplicates',
  'planMerge',
  'mergeDuplicates',
  'dismissDuplicates',
  'listJournal',
  'undoJournal',
  'cancelSync',
  'getSyncSchedule',
  'setSyncSchedule',
  'setAccountTrust',
  'getDuplicate',
  'planBulkMerge',
  'bulkMerge',
  'cancelBulkMerge',
  'previewAddTo',
  'addTo',
  'planBulkAddTo',
  'bulkAddTo',
  'cancelBulkAddTo',
  'listPolicies',
  'setPolicy',
  'clearPolicy',
  'getDrift',
  'listDriftPeople',
  'planAgree',
  'applyAgree',
  'getMatchWeights',
  'listInformativePairs',
  'getDuplicateSettings',
  'setLinkAfterSync',
  // issue #14: the CLI as a host, core rules out of the renderer
  'listRejected',
  'importCsv',
  'exportCsv',
  'previewResolution',
  'getAccountForms',
  // issue #26: accounts a person can manage
  'checkCredentials',
  'testCredentials',
  'updateAccount',
  'planRemoveAccount',
  'removeAccount',
  'getSandbox',
  'getVendorFields',
] as const;
export const EVENT_KEYS = [
  'contactsChanged',
  'statusChanged',
  'syncProgress',
  'syncStarted',
  'syncFinished',
  'bulkMergeProgress',
  'bulkAddProgress',
  /* issue #14 */ 'coreStatus',
] as const;

export type RequestKeyName = (typeof REQUEST_KEYS)[number];
export type EventKeyName = (typeof EVENT_KEYS)[number];

/** IPC channel names; events get their own prefix so they can never collide with requests. */
export const requestChannel = (key: RequestKeyName): string => `concord:${key}`;
export const eventChannel = (key: EventKeyName): string => `concord-event:${key}`;
