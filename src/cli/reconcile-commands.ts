// The CLI's reconciling commands — add a person where they are missing, field policies, drift —
// all through core.dispatch with the contract's schemas, exactly as the window asks for them.
import type { Core } from '../main/core';
import { CoreError } from '../main/core/errors';
import type { Input, Output, RequestKey } from '../shared/contract';
import { CANONICAL_FIELDS, VENDOR_LABELS, type CanonicalField } from '../shared/domain';

export class ReconcileUsageError extends Error {}

interface Ctx {
  core: Core;
  sub: string;
  values: Record<string, unknown>;
  positionals: string[];
  json: boolean;
}

export const RECONCILE_USAGE = `  contacts add-to VENDOR|ACCOUNT PERSON [--value KEY=VALUE ...] [--dry-run]
                                 create the person's record where they are missing, from the
                                 golden record: prints the exact requests first; what the vendor
                                 needs that the record lacks is asked for with --value
  contacts add-missing --from A --to B [--search Q] [--tag T] [--value KEY=VALUE ...] [--dry-run]
                                 everyone in account A who is missing from B, as one job
                                 (--value may use {personId} or {externalRef} per person)
  policies list                  which accounts should agree on which fields
  policies set FIELD ACCOUNT ACCOUNT [ACCOUNT ...]
                                 those accounts should hold the same FIELD (accounts by id or vendor)
  policies clear [FIELD]         forget one policy (or all)
  drift [--field F] [--people] [--apply]
                                 where linked records disagree under the policies, per pair of
                                 accounts; --apply queues the writes that make them agree
  undo ID                        undo what an add, a bulk add or a drift --apply printed
`;

/** Call the core through the contract, as the window does; a refusal becomes the error it is. */
async function call<K extends RequestKey>(core: Core, key: K, input: Input<K>): Promise<Output<K>> {
  const r = await core.dispatch(key, input);
  if (!r.ok) throw new CoreError(r.error.code as never, r.error.message);
  return r.value as Output<K>;
}

function values(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (list as string[] | undefined) ?? []) {
    const i = kv.indexOf('=');
    if (i < 1) throw new ReconcileUsageError(`--value takes KEY=VALUE, not "${kv}"`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** An account given by id, or by vendor name when there is exactly one of that vendor. */
async function accountId(core: Core, given: string | undefined, what: string): Promise<string> {
  if (!given) throw new ReconcileUsageError(`Name the ${what} account (an id from "concord accounts list", or a vendor)`);
  const accounts = await call(core, 'listAccounts', {});
  const byId = accounts.find((a) => a.id === given);
  if (byId) return byId.id;
  const ofVendor = accounts.filter((a) => a.kind === given.toLowerCase());
  if (ofVendor.length === 1) return ofVendor[0]!.id;
  if (ofVendor.length > 1)
    throw new ReconcileUsageError(
      `There are ${ofVendor.length} ${given} accounts; name one by id: ${ofVendor.map((a) => `${a.id} (${a.label})`).join(', ')}`,
    );
  throw new ReconcileUsageError(`No account "${given}" (see "concord accounts list")`);
}

function field(f: unknown): CanonicalField | undefined {
  if (f === undefined) return undefined;
  if (!CANONICAL_FIELDS.includes(f as CanonicalField))
    throw new ReconcileUsageError(`No field "${String(f)}"; one of: ${CANONICAL_FIELDS.join(', ')}`);
  return f as CanonicalField;
}

function describePreview(p: Output<'previewAddTo'>): string {
  const out = [`Adding ${p.name} to ${p.accountLabel} (${VENDOR_LABELS[p.vendor]}) sends:`];
  for (const r of p.requests)
    out.push(
      `  ${r.method} ${r.path}`,
      ...JSON.stringify(r.body, null, 2)
        .split('\n')
        .map((l) => `    ${l}`),
    );
  for (const n of p.needs)
    out.push(
      n.missing
        ? `  NEEDS ${n.label}: ${n.why} (give it with --value ${n.key}=…)`
        : `  ${n.label}: ${n.value ?? ''}${n.from ? ` (from ${n.from})` : ''}`,
    );
  if (p.notHeld.length)
    out.push(`  ${VENDOR_LABELS[p.vendor]} cannot hold: ${p.notHeld.join(', ')} (they stay in Concord and the other vendors)`);
  for (const b of p.blocks) out.push(`  ${b}`);
  for (const x of p.problems) out.push(`  REFUSED ${x.field}: ${x.message}`);
  return out.join('\n') + '\n';
}

export async function addTo(ctx: Ctx): Promise<unknown> {
  const [target, personId] = ctx.positionals;
  if (!target || !personId)
    throw new ReconcileUsageError('Usage: concord contacts add-to VENDOR|ACCOUNT PERSON [--value KEY=VALUE ...] [--dry-run]');
  const input = { personId, accountId: await accountId(ctx.core, target, 'target'), values: values(ctx.values.value) };
  const preview = await call(ctx.core, 'previewAddTo', input);
  if (ctx.values['dry-run'] || !preview.ready) {
    if (!preview.ready && !ctx.values['dry-run'])
      throw new CoreError('bad_request', `${describePreview(preview)}Nothing was added: give what it needs, or fix what it refuses.`);
    return ctx.json ? preview : describePreview(preview) + 'Dry run: nothing was added.\n';
  }
  const r = await call(ctx.core, 'addTo', input);
  return ctx.json
    ? { ...r, preview }
    : `${describePreview(preview)}Added; it is created at the next sync (undo with: concord undo ${r.journalId}).\n`;
}

export async function addMissing(ctx: Ctx): Promise<unknown> {
  const q = {
    from: await accountId(ctx.core, ctx.values.from as string | undefined, '--from'),
    to: await accountId(ctx.core, ctx.values.to as string | undefined, '--to'),
    search: ctx.values.search as string | undefined,
    tag: ctx.values.tag as string | undefined,
    values: values(ctx.values.value),
  };
  const plan = await call(ctx.core, 'planBulkAddTo', q);
  const said = [
    `${plan.count} ${plan.count === 1 ? 'person' : 'people'} to add, for example: ${plan.sample.map((s) => s.name).join(', ') || '(none)'}`,
  ];
  for (const n of plan.needs)
    said.push(
      n.missing
        ? `NEEDS ${n.label}: ${n.why} (give it with --value ${n.key}=…; {personId} or {externalRef} make it per person)`
        : `${n.label}: ${n.value ?? ''}${n.from ? ` (from ${n.from})` : ''}`,
    );
  if (plan.notHeld.length) said.push(`Not held there: ${plan.notHeld.join(', ')}`);
  if (ctx.values['dry-run'] || plan.count === 0) return ctx.json ? plan : said.join('\n') + '\nDry run: nothing was added.\n';
  if (plan.needs.some((n) => n.missing)) throw new CoreError('bad_request', said.join('\n') + '\nNothing was added.');
  const r = await call(ctx.core, 'bulkAddTo', { ...q, expected: plan.count });
  if (ctx.json) return r;
  return `${said.join('\n')}\nAdded ${r.added} of ${r.total}; they are created at the next sync (undo all with: concord undo ${r.bulkId}).\n${r.refused.map((x) => `  refused ${x.name}: ${x.reason}`).join('\n')}${r.refused.length ? '\n' : ''}`;
}

export async function policies(ctx: Ctx): Promise<unknown> {
  const accounts = await call(ctx.core, 'listAccounts', {});
  const label = (id: string) => accounts.find((a) => a.id === id)?.label ?? id;
  const show = (list: Output<'listPolicies'>) =>
    ctx.json
      ? list
      : list.length
        ? list.map((p) => `${p.field.padEnd(12)} ${p.accounts.map(label).join(', ')}`).join('\n') + '\n'
        : 'No policies. Set one with: concord policies set FIELD ACCOUNT ACCOUNT\n';
  if (ctx.sub === 'set') {
    const [f, ...accs] = ctx.positionals;
    if (!f || accs.length < 2) throw new ReconcileUsageError('Usage: concord policies set FIELD ACCOUNT ACCOUNT [ACCOUNT ...]');
    const ids = [];
    for (const a of accs) ids.push(await accountId(ctx.core, a, 'policy'));
    return show(await call(ctx.core, 'setPolicy', { field: field(f)!, accounts: ids }));
  }
  if (ctx.sub === 'clear') return show(await call(ctx.core, 'clearPolicy', { field: field(ctx.positionals[0]) }));
  return show(await call(ctx.core, 'listPolicies', {}));
}

export async function drift(ctx: Ctx): Promise<unknown> {
  const f = field(ctx.values.field);
  const report = await call(ctx.core, 'getDrift', { field: f });
  const accounts = await call(ctx.core, 'listAccounts', {});
  const label = (id: string) => accounts.find((a) => a.id === id)?.label ?? id;
  const out: string[] = [];
  if (!report.policies.length)
    return ctx.json ? report : 'No policies, so nothing can drift. Set one with: concord policies set FIELD ACCOUNT ACCOUNT\n';
  out.push(`${report.people} ${report.people === 1 ? 'person disagrees' : 'people disagree'} under the policies`);
  for (const c of report.cells) {
    out.push(`  ${c.field.padEnd(12)} ${label(c.a)} ≠ ${label(c.b)}: ${c.count}`);
    if (ctx.values.people) {
      const who = await call(ctx.core, 'listDriftPeople', { field: c.field, a: c.a, b: c.b, limit: 500, offset: 0 });
      for (const p of who.people) out.push(`      ${p.name}  (${p.personId})  ${JSON.stringify(p.a)} / ${JSON.stringify(p.b)}`);
    }
  }
  const plan = await call(ctx.core, 'planAgree', { field: f });
  if (!ctx.values.apply) {
    if (plan.total)
      out.push(
        `Making them agree (from the golden records) would queue ${plan.total} write${plan.total === 1 ? '' : 's'} for ${plan.people} ${plan.people === 1 ? 'person' : 'people'}: concord drift${f ? ` --field ${f}` : ''} --apply`,
      );
    return ctx.json ? { ...report, plan } : out.join('\n') + '\n';
  }
  const r = await call(ctx.core, 'applyAgree', { field: f, expected: plan.total });
  if (ctx.json) return { ...report, applied: r };
  out.push(
    `Queued ${r.written} write${r.written === 1 ? '' : 's'}; they go out at the next sync (undo with: concord undo ${r.applyId}).`,
    ...r.refused.map((x) => `  not taken by ${x.name}: ${x.reason}`),
  );
  return out.join('\n') + '\n';
}

export async function undo(ctx: Ctx): Promise<unknown> {
  const id = Number(ctx.positionals[0]);
  if (!Number.isInteger(id)) throw new ReconcileUsageError('Usage: concord undo ID (the number an add or apply printed)');
  const r = await call(ctx.core, 'undoJournal', { id });
  return ctx.json ? r : `Undone (${r.undone}).\n`;
}
