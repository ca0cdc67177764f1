// Writing an MPDX person's phones or emails (and a contact's address) without destroying what
// another MPDX user did, or what MPDX keeps as history (the vendor's mpdx-phones.txt):
// - every change to an existing child is a PUT carrying that child's own `updated_in_db_at`,
//   so a child another user changed since Concord read it answers 409 (a conflict naming it);
// - a number or email the person stopped using is retired (`historic: true`, "should be true
//   when a phone number should no longer be used"), guarded the same way; never DELETEd, and a
//   shown row is never rewritten in place with another value (its history would be lost);
// - a new value is first looked for among the children as MPDX holds them now, so a POST whose
//   answer was lost is not sent twice, and a retired one is brought back instead of copied.
import type { EmailEntry, PhoneEntry } from '../../../../shared/domain';
import { VendorError } from '../errors';
import { nonBlank } from '../../normalize/names';
import { isShown, isSourceLocked, type JsonApiResource } from './mapping';

const NAME = 'MPDX';

/**
 * The words MPDX uses for a phone's or email's `location` ("such as 'home', 'mobile',
 * 'office'", the vendor's mpdx-phones.txt, and the MPDX app's own choices). A label another vendor
 * gave (LiveVox's "ordinal 3") is not an MPDX location and is never sent as one.
 */
const MPDX_LOCATIONS = new Set(['home', 'mobile', 'work', 'office', 'other', 'fax', 'personal', 'business']);
const LOCATION_ALIASES: Record<string, string> = { cell: 'mobile', cellphone: 'mobile', 'cell phone': 'mobile', main: 'home' };

/** The MPDX location a canonical label stands for, or undefined when it is not one of MPDX's words. */
export function mpdxLocation(label: string | null | undefined): string | null | undefined {
  if (label === null) return null;
  const w = nonBlank(label ?? undefined)?.toLowerCase();
  if (!w) return undefined;
  if (LOCATION_ALIASES[w]) return LOCATION_ALIASES[w];
  return MPDX_LOCATIONS.has(w) ? nonBlank(label ?? undefined) : undefined; // as the person spelt it ("Home" stays "Home")
}

/** The requests of one child write, sent by the connector's guarded `call`. */
export interface ChildIo {
  put(id: string, attrs: Record<string, unknown>, token: string): Promise<void>;
  post(attrs: Record<string, unknown>): Promise<void>;
  /** The children as MPDX holds them now (all of them, historic ones included). */
  list(): Promise<JsonApiResource[]>;
}

export interface ChildSpec<T> {
  key: 'phone' | 'email';
  attr: 'number' | 'email';
  /** The value as MPDX stores it. */
  of: (x: T) => string;
  /** What two values are compared by. */
  same: (v: unknown) => string;
}

type Put = { row: JsonApiResource; attrs: Record<string, unknown> };

/**
 * Plan the writes that bring the shown phones (emails) to `wanted`, checked before anything is
 * sent (a source-locked label change would be refused half way through), and return them as
 * one function that sends them: updates and revivals first (the new primary first: MPDX then
 * clears the others' flags itself), then creates, then retirements.
 */
export function planChildren<T extends PhoneEntry | EmailEntry>(
  stored: JsonApiResource[],
  wanted: T[],
  versions: Record<string, string>,
  spec: ChildSpec<T>,
  io: ChildIo,
): () => Promise<void> {
  const shown = stored.filter(isShown);
  const retired = stored.filter((r) => !isShown(r) && nonBlank(String(r.attributes[spec.attr] ?? '')));
  const first = Math.max(
    0,
    wanted.findIndex((x) => x.primary),
  );
  const attrsOf = (x: T, i: number): Record<string, unknown> => {
    const loc = mpdxLocation(x.label);
    const location = loc !== undefined ? { location: loc } : 'mobile' in x && x.mobile ? { location: 'mobile' } : {};
    return { [spec.attr]: spec.of(x), ...location, primary: i === first };
  };
  const changes = (r: JsonApiResource, attrs: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(attrs).filter(([k, v]) => differs(r, k, v, spec)));
  const token = (r: JsonApiResource): string => versions[`${spec.key}:${r.id}`] ?? String(r.attributes.updated_in_db_at ?? '');

  const puts: Put[] = [];
  const creates: Record<string, unknown>[] = [];
  const left = [...shown];
  const dormant = [...retired];
  wanted.forEach((x, i) => {
    const attrs = attrsOf(x, i);
    const key = spec.same(attrs[spec.attr]);
    const hit = left.findIndex((r) => spec.same(r.attributes[spec.attr]) === key);
    if (hit >= 0) {
      const [r] = left.splice(hit, 1);
      const diff = changes(r!, attrs);
      if (Object.keys(diff).length) puts.push({ row: r!, attrs: diff });
      return;
    }
    // The person uses a retired value again: bring that one back rather than make a copy.
    const old = dormant.findIndex((r) => spec.same(r.attributes[spec.attr]) === key);
    if (old >= 0) {
      const [r] = dormant.splice(old, 1);
      puts.push({ row: r!, attrs: { ...changes(r!, attrs), historic: false } });
      return;
    }
    creates.push(attrs);
  });
  const locked = puts.find(({ row, attrs }) => isSourceLocked(row) && 'location' in attrs);
  if (locked) {
    const v = String(locked.row.attributes[spec.attr]);
    throw new VendorError({
      kind: 'validation',
      resource: `${spec.key}:${locked.row.id}`,
      fieldErrors: { [`${spec.key}s`]: [`the label of ${v} cannot be changed`] },
      message: `${NAME} cannot change the label of ${v}: its source is ${String(locked.row.attributes.source)}, and MPDX lets only MPDX, TntImport or manual entries change`,
    });
  }
  puts.sort((a, b) => Number(b.attrs.primary === true) - Number(a.attrs.primary === true));
  // What the person no longer uses: retired, its primary flag given up with it.
  const retire: Put[] = left.map((row) => ({
    row,
    attrs: { historic: true, ...(row.attributes.primary === true ? { primary: false } : {}) },
  }));

  return async () => {
    for (const p of puts) await io.put(p.row.id, p.attrs, token(p.row));
    if (creates.length) {
      // An earlier attempt's POST may have landed unheard, or another user added the value:
      // either way it is there now and is brought to what the person wants, not sent again.
      const now = await io.list();
      for (const attrs of creates) {
        const there = now.find(
          (r) => !stored.some((s) => s.id === r.id) && spec.same(r.attributes[spec.attr]) === spec.same(attrs[spec.attr]),
        );
        if (!there) {
          await io.post(attrs);
          continue;
        }
        const diff = { ...changes(there, attrs), ...(isShown(there) ? {} : { historic: false }) };
        if (Object.keys(diff).length) await io.put(there.id, diff, String(there.attributes.updated_in_db_at ?? ''));
      }
    }
    for (const p of retire) await io.put(p.row.id, p.attrs, token(p.row));
  };
}

function differs<T>(r: JsonApiResource, k: string, v: unknown, spec: ChildSpec<T>): boolean {
  const now = r.attributes[k];
  if (k === spec.attr) return spec.same(now) !== spec.same(v);
  if (k === 'primary') return (now === true) !== v;
  // A blank label is no label, and "Home" is the same label as "home".
  const norm = (x: unknown): unknown => (typeof x === 'string' ? (nonBlank(x)?.toLowerCase() ?? null) : (x ?? null));
  return norm(now) !== norm(v);
}
