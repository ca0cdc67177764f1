// The document's own example payloads (test/fixtures/vendors/bigchange-contacts.txt, a copy of the vendor's document), parsed and mapped. The
// document shows no example contact, only the create answer and the problem bodies, so the
// contact case is built from the create model's field list, every field set.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bigChangeToCanonical, canonicalToBigChange } from '../../../src/main/core/vendors/bigchange/mapping';

const DOC = fs.readFileSync(path.resolve(__dirname, '../../fixtures/vendors/bigchange-contacts.txt'), 'utf8');
/** Every top-level JSON example in the document, in order. */
const examples = (): Record<string, unknown>[] =>
  [...DOC.matchAll(/^\{\n[\s\S]*?\n\}$/gm)].map((m) => JSON.parse(m[0]) as Record<string, unknown>);

describe('BigChange document examples', () => {
  it('the create answer and the problem bodies parse as the connector reads them', () => {
    const [created, ...problems] = examples();
    expect(created).toEqual({ id: 0 });
    expect(problems).toHaveLength(4); // 400, 403, 422 (with errors), 500
    for (const p of problems) expect(Object.keys(p)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance']));
    expect(problems[2]).toHaveProperty('errors', {});
  });

  it('a contact with every create-model field maps to canonical and back without loss', () => {
    const contact = {
      id: 1,
      reference: 'REF-1',
      name: 'Katherine Johnson',
      groupId: 2,
      parentId: 9,
      extraInformation: 'Prefers mornings',
      street: '1 NASA Way',
      town: 'Hampton',
      postalCode: 'VA 23681',
      country: 'United States',
      location: { latitude: 37.08, longitude: -76.36 },
      customFields: [
        { definitionId: 12, value: 'Gold' },
        { definitionId: 13, value: null },
      ],
    };
    const c = bigChangeToCanonical(contact);
    // The country's name is read as its ISO code (canonical) and written back as the name.
    expect(c).toEqual({
      fullName: 'Katherine Johnson',
      givenName: 'Katherine',
      familyName: 'Johnson',
      externalRef: 'REF-1',
      notes: 'Prefers mornings',
      address: { street1: '1 NASA Way', city: 'Hampton', postalCode: 'VA 23681', country: 'US' },
      location: { lat: 37.08, lng: -76.36 },
      custom: { '12': 'Gold' },
    });
    const back = canonicalToBigChange(c);
    for (const k of ['name', 'reference', 'extraInformation', 'street', 'town', 'postalCode', 'country', 'location'] as const)
      expect(back[k], k).toEqual(contact[k]);
    // Not Concord's to write: the group, the parent and custom fields (read only) are never sent.
    expect(Object.keys(back).sort()).toEqual([
      'country',
      'extraInformation',
      'location',
      'name',
      'postalCode',
      'reference',
      'street',
      'town',
    ]);
  });
});
