// A labelled evaluation set for duplicate finding, generated (deterministic per seed) and
// written as CSV with an `entity` column — the answer key — so it loads through the same
// `concord import` a person uses. It is built to be hard in the ways real data is: typos,
// nicknames, names entered the other way round, missing fields, phone formats, stale
// addresses, households sharing a phone and address, same-name strangers, and switchboard
// numbers shared by dozens. Its variation code is separate from the sandbox population's.
import { stringify } from 'csv-stringify/sync';
import { createRng, type Rng } from '../../src/main/core/sandbox/rng';
import { CITIES, EMAIL_DOMAINS, FAMILY, GIVEN, STREETS } from '../../src/main/core/sandbox/population-data';

export interface EvalRow {
  id: string;
  entity: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  state: string;
  zip: string;
  date_of_birth: string;
  /** Which hazards this row carries, for the report. */
  case: string;
}

interface Entity {
  id: string;
  given: string;
  family: string;
  email: string;
  phone: string;
  street: string;
  city: [string, string, string];
  zip: string;
  birth: string;
}

const NICK: Record<string, string[]> = {
  Robert: ['Bob', 'Rob'],
  William: ['Bill', 'Will'],
  Elizabeth: ['Liz', 'Beth'],
  James: ['Jim', 'Jamie'],
  John: ['Jack', 'Johnny'],
  Michael: ['Mike'],
  Richard: ['Rick', 'Rich'],
  Joseph: ['Joe'],
  Thomas: ['Tom'],
  Charles: ['Charlie'],
  Christopher: ['Chris'],
  Daniel: ['Dan', 'Danny'],
  Matthew: ['Matt'],
  Anthony: ['Tony'],
  Steven: ['Steve'],
  Andrew: ['Andy', 'Drew'],
  Joshua: ['Josh'],
  Kenneth: ['Ken'],
  Timothy: ['Tim'],
  Jeffrey: ['Jeff'],
  Nicholas: ['Nick'],
  Jonathan: ['Jon'],
  Edward: ['Ed', 'Ted'],
  Ronald: ['Ron'],
  Margaret: ['Maggie', 'Peggy'],
  Jennifer: ['Jen', 'Jenny'],
  Jessica: ['Jess'],
  Patricia: ['Pat', 'Trish'],
  Susan: ['Sue'],
  Deborah: ['Deb', 'Debbie'],
  Rebecca: ['Becky'],
  Kimberly: ['Kim'],
  Stephanie: ['Steph'],
  Cynthia: ['Cindy'],
  Kathleen: ['Kathy', 'Kate'],
  Dorothy: ['Dot'],
  Amanda: ['Mandy'],
  Melissa: ['Missy'],
  Barbara: ['Barb'],
  Jacob: ['Jake'],
  Samuel: ['Sam'],
  Lawrence: ['Larry'],
};

function typo(rng: Rng, s: string): string {
  if (s.length < 4) return s;
  const i = rng.int(1, s.length - 2);
  return rng.pick([
    () => s.slice(0, i) + s.slice(i + 1),
    () => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2),
    () => s.slice(0, i) + s[i] + s.slice(i),
    () => s.slice(0, i) + rng.pick(['a', 'e', 'i', 'o', 'n', 'r']) + s.slice(i + 1),
  ])();
}

const phoneFormats = (d: string): string[] => [
  `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
  `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
  `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
  `1-${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
  d,
];
const birthFormats = (iso: string): string[] => {
  const [y, m, d] = iso.split('-');
  return [iso, `${m}/${d}/${y}`, `${y}${m}${d}`, `${Number(m)}/${Number(d)}/${y}`];
};
const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/**
 * `heavy`: the other shape of labelled set the issue describes — many records per person (5 to
 * 15), each copy corrupted more (typos in both names at once, a swap with a typo, fewer fields
 * left, a birth date with a part wrong). Same generator otherwise, so the two compare.
 */
export function generateEvalSet(opts: { seed?: number; entities?: number; heavy?: boolean } = {}): EvalRow[] {
  const rng = createRng(opts.seed ?? 2026);
  const k = opts.heavy ? 2 : 1; // how much likelier each corruption is
  const n = opts.entities ?? 2000;
  const rows: EvalRow[] = [];
  const entities: Entity[] = [];
  const emails = new Set<string>();
  const switchboards = Array.from({ length: 3 }, () => `${rng.int(200, 999)}555${String(rng.int(0, 9999)).padStart(4, '0')}`);
  let rowNo = 0;

  const make = (i: number): Entity => {
    const prev = entities.at(-1);
    const household = prev && rng.chance(0.08);
    const namesake = !household && entities.length > 10 && rng.chance(0.1) ? rng.pick(entities) : undefined;
    let given = namesake?.given ?? rng.pick(GIVEN);
    if (household) while (given === prev!.given) given = rng.pick(GIVEN);
    const family = household ? prev!.family : (namesake?.family ?? rng.pick(FAMILY));
    const city = household ? prev!.city : rng.pick(CITIES);
    let email = `${ascii(given)}${rng.pick(['.', '_', ''])}${ascii(family)}@${rng.pick(EMAIL_DOMAINS)}`;
    for (let k = 2; emails.has(email); k++) email = email.replace(/(\d*)@/, `${k}@`);
    emails.add(email);
    return {
      id: `E${String(i).padStart(5, '0')}`,
      given,
      family,
      email,
      phone: household
        ? prev!.phone
        : rng.chance(0.05)
          ? rng.pick(switchboards)
          : `${rng.int(201, 989)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`,
      street: household
        ? prev!.street
        : `${rng.int(1, 9999)} ${rng.pick(STREETS)} ${rng.pick(['Street', 'Avenue', 'Road', 'Lane', 'Drive'])}`,
      city,
      zip: household ? prev!.zip : `${city[2]}${String(rng.int(0, 99)).padStart(2, '0')}`,
      birth: `${rng.int(1935, 2004)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
    };
  };

  const emit = (e: Entity, variant: boolean): void => {
    const cases: string[] = [];
    let given = e.given;
    let family = e.family;
    let email = e.email;
    let phone = rng.pick(phoneFormats(e.phone));
    let street = e.street;
    let birth = rng.pick(birthFormats(e.birth));
    if (variant) {
      if (NICK[given] && rng.chance(0.3)) {
        given = rng.pick(NICK[given]!);
        cases.push('nickname');
      } else if (rng.chance(0.15 * k)) {
        given = typo(rng, given);
        cases.push('typo');
      }
      if (rng.chance(0.12 * k)) {
        family = typo(rng, family);
        cases.push('typo');
      }
      if (rng.chance(0.05 * k)) {
        [given, family] = [family, given];
        cases.push('swapped');
      }
      if (rng.chance(0.25 * k)) {
        email = '';
        cases.push('missing');
      } else if (rng.chance(0.2)) email = email.toUpperCase();
      if (rng.chance(0.2 * k)) {
        phone = '';
        cases.push('missing');
      }
      if (rng.chance(0.15 * k)) {
        street = `${rng.int(1, 9999)} ${rng.pick(STREETS)} Street`;
        cases.push('stale-address');
      } else if (rng.chance(0.4))
        street = street
          .replace(/Street$/, 'St')
          .replace(/Avenue$/, 'Ave')
          .replace(/Road$/, 'Rd');
      if (rng.chance(0.4)) {
        birth = '';
        cases.push('missing');
      } else if (opts.heavy && rng.chance(0.3)) {
        // One part of the date wrong: a month or a year off, or a digit slipped.
        const [y, m, d] = e.birth.split('-').map(Number) as [number, number, number];
        birth = rng.pick([
          `${y + rng.pick([-1, 1])}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
          `${y}-${String((m % 12) + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
          `${y}-${String(m).padStart(2, '0')}-${String(Math.min(28, d + 1)).padStart(2, '0')}`,
        ]);
        cases.push('birth-off');
      }
    } else if (rng.chance(0.3)) birth = '';
    if (e.phone && switchboards.includes(e.phone)) cases.push('switchboard');
    rows.push({
      id: `R${String(++rowNo).padStart(6, '0')}`,
      entity: e.id,
      first_name: given,
      last_name: family,
      email,
      phone,
      street,
      city: e.city[0],
      state: e.city[1],
      zip: e.zip,
      date_of_birth: birth,
      case: [...new Set(cases)].join(' ') || 'clean',
    });
  };

  for (let i = 0; i < n; i++) {
    const e = make(i);
    const prev = entities.at(-1);
    const household = !!prev && e.family === prev.family && e.phone === prev.phone;
    entities.push(e);
    const copies = opts.heavy ? rng.int(5, 15) : rng.chance(0.45) ? 1 : rng.chance(0.6) ? 2 : rng.int(3, 4);
    for (let k = 0; k < copies; k++) {
      emit(e, k > 0);
      if (household) rows.at(-1)!.case += ' household';
    }
  }
  return rows;
}

export function evalSetCsv(rows: EvalRow[]): string {
  return stringify(rows, {
    header: true,
    columns: ['id', 'entity', 'first_name', 'last_name', 'email', 'phone', 'street', 'city', 'state', 'zip', 'date_of_birth', 'case'],
  });
}
