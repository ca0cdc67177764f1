// Birth dates and email addresses as ids with their parts worked out once, for pair-levels.ts:
// a pair's birth or email level is then int compares on small tables, not string slices of
// two records scattered over a million-record heap. The same levels as birthLevel and
// emailLevel (levels.ts), checked against them in the tests.
import { NULL, oneOff } from './levels';
import { withinOneEdit } from './match-forms';
import { Dict } from './pair-memo';

const NONE = NULL;
const isOneOff = oneOff;
const oneEdit = withinOneEdit;

/** Birth dates by id; `done()` once all are in, then `level`. */
export class Births {
  readonly dict = new Dict();
  private readonly slices = new Dict();
  /** Per id: the ids of slice(0,4), slice(5,7), slice(8,10), and the numbers onePartOff reads (NaN when not whole). */
  private year = new Int32Array(0);
  private month = new Int32Array(0);
  private day = new Int32Array(0);
  private ymd = new Float64Array(0);

  done(): void {
    const v = this.dict.values;
    const n = v.length;
    this.year = new Int32Array(n);
    this.month = new Int32Array(n);
    this.day = new Int32Array(n);
    this.ymd = new Float64Array(3 * n).fill(NaN);
    for (let id = 0; id < n; id++) {
      const a = v[id]!;
      this.year[id] = this.slices.id(a.slice(0, 4));
      this.month[id] = this.slices.id(a.slice(5, 7));
      this.day[id] = this.slices.id(a.slice(8, 10));
      // onePartOff compares parts only of two whole dates (ten characters).
      if (a.length === 10)
        [this.ymd[3 * id], this.ymd[3 * id + 1], this.ymd[3 * id + 2]] = [+a.slice(0, 4), +a.slice(5, 7), +a.slice(8, 10)];
    }
  }

  /** birthLevel of two dates by id. */
  level(a: number, b: number): number {
    if (a === 0 || b === 0) return NONE;
    if (a === b) return 0;
    const { year, month, day } = this;
    const sameYear = year[a] === year[b];
    if (sameYear && month[a] === day[b] && day[a] === month[b]) return 1;
    if (this.onePartOff(a, b) || isOneOff(this.dict.values[a]!, this.dict.values[b]!)) return 2;
    return sameYear ? 3 : 4;
  }

  private onePartOff(a: number, b: number): boolean {
    const p = this.ymd;
    const ya = p[3 * a]!;
    const yb = p[3 * b]!;
    // Not ten characters (all NaN): never one part off, as in onePartOff.
    if (ya !== ya || yb !== yb) return false;
    const ma = p[3 * a + 1]!;
    const mb = p[3 * b + 1]!;
    const da = p[3 * a + 2]!;
    const db = p[3 * b + 2]!;
    const same = Number(ya === yb) + Number(ma === mb) + Number(da === db);
    return same === 2 && (Math.abs(ya - yb) === 1 || Math.abs(ma - mb) === 1 || Math.abs(da - db) === 1);
  }
}

/** Email addresses with an @, by id; `done()` once all are in, then `alike`. */
export class Emails {
  readonly dict = new Dict();
  private readonly domains = new Dict();
  private at = new Int32Array(0);
  private domain = new Int32Array(0);

  done(): void {
    const v = this.dict.values;
    this.at = new Int32Array(v.length);
    this.domain = new Int32Array(v.length);
    for (let id = 1; id < v.length; id++) {
      this.at[id] = v[id]!.indexOf('@');
      this.domain[id] = this.domains.id(v[id]!.slice(this.at[id]! + 1));
    }
  }

  /**
   * emailLevel's "one character off" of two different addresses with an @, by id, for records
   * whose one email has its local part (emailLocals): a local part of four or more one edit
   * away at the same domain. (The same local part at a domain one edit away is never asked
   * here: the same local part is the same emailLocals, level 1 already.)
   */
  alike(a: number, b: number): boolean {
    // Ints first (the same domain, local parts of four or more a character apart at most),
    // the strings only for the few pairs left: most pairs of a scan are at other domains.
    const at = this.at[a]!;
    const yat = this.at[b]!;
    if (at < 4 || this.domain[a] !== this.domain[b] || at - yat > 1 || yat - at > 1) return false;
    return oneEdit(this.dict.values[a]!, this.dict.values[b]!, 0, at, 0, yat);
  }
}
