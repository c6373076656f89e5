import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/store/embedded/catalog.js';
import { matchDocs } from '../../../src/store/embedded/commands/scan.js';
import { compileFilter, parseSort, sortDocs } from '../../../src/store/embedded/query.js';
import type { Doc } from '../../../src/store/embedded/values.js';

// A compound index serves a filter that gives its leading fields (equality on the first k, as in
// MongoDB): the responses of one questionnaire are found through
// {questionnaireId, questionnaireVersion, cohortId, status} instead of testing every response.
// Whatever the index finds, the answer must be what a scan of every document gives, in its order.

const FIELDS = ['questionnaireId', 'questionnaireVersion', 'cohortId', 'status'] as const;

/** `shuffled`: the ids are not inserted in their order (natural order is not the ids' order). */
function responses(shuffled = false): { catalog: Catalog; docs: () => Doc[]; cohorts: ObjectId[] } {
  const catalog = new Catalog();
  const coll = catalog.createCollection('db', 'responses');
  catalog.addIndexes(coll, [
    { v: 2, key: Object.fromEntries(FIELDS.map((f) => [f, 1])), name: 'q_v_c_s' },
    { v: 2, key: { cohortId: 1, status: 1, completedAt: 1 }, name: 'c_s_at' },
  ]);
  const cohorts = [new ObjectId(), new ObjectId(), new ObjectId()];
  const questionnaires = ['entry', 'exit', 'impact'];
  let n = 0;
  const ids = Array.from({ length: 90 }, () => new ObjectId());
  if (shuffled) ids.reverse();
  for (let i = 0; i < 90; i++) {
    const doc: Doc = {
      _id: ids[i],
      questionnaireId: questionnaires[i % 3],
      // A number stored as 1 or 1.0 is one key; a few have none (a missing field is null in an index).
      ...(i % 11 === 0 ? {} : { questionnaireVersion: i % 4 === 0 ? 2 : 1 }),
      cohortId: cohorts[(i * 7) % 3],
      status: i % 5 === 0 ? 'in_progress' : 'completed',
      completedAt: new Date(Date.UTC(2025, 9, 1 + (i % 20))),
      n: n++,
    };
    catalog.insert(coll, doc);
  }
  // Updates that change a key (moving a document between keys, not in natural order) and removals.
  for (const doc of [...coll.docs.values()].filter((d) => (d.n as number) % 6 === 0))
    catalog.replace(coll, doc, { ...doc, status: doc.status === 'completed' ? 'in_progress' : 'completed' });
  for (const doc of [...coll.docs.values()].filter((d) => (d.n as number) % 13 === 0)) catalog.remove(coll, doc);
  // A questionnaire id held in an array (multikey) still has its key under each element.
  catalog.insert(coll, {
    _id: new ObjectId(),
    questionnaireId: ['entry', 'exit'],
    questionnaireVersion: 1,
    cohortId: cohorts[0],
    status: 'completed',
    n: n++,
  });
  return { catalog, docs: () => [...coll.docs.values()], cohorts };
}

function scan(docs: Doc[], filter: Doc): Doc[] {
  const compiled = compileFilter(filter);
  return docs.filter((d) => compiled.test(d));
}

describe('embedded store: a compound index by its leading fields', () => {
  it.each([
    ['inserted in the order of their ids', false],
    ['inserted out of the order of their ids', true],
  ])('finds the same documents in the same order as a scan, for every prefix (%s)', (_, shuffled) => {
    const { catalog, docs, cohorts } = responses(shuffled);
    const coll = catalog.collection('db', 'responses')!;
    const choices: Record<(typeof FIELDS)[number], unknown[]> = {
      questionnaireId: ['entry', 'exit', 'impact', 'none'],
      questionnaireVersion: [1, 1.0, 2, 3],
      cohortId: [...cohorts, new ObjectId()],
      status: ['completed', 'in_progress'],
    };
    // Every field given is the whole key, as before: its documents in the order they took that key
    // (an update that changed it put a document last), so only the same documents are asked of it.
    const same = (filter: Doc): void => {
      const found = matchDocs(coll, compileFilter(filter)).map((d) => d.n as number);
      const expected = scan(docs(), filter).map((d) => d.n as number);
      const whole = FIELDS.every((f) => f in filter);
      expect(whole ? found.sort((a, b) => a - b) : found).toEqual(expected);
    };
    let narrowed = 0;
    let checked = 0;
    const walk = (k: number, filter: Doc): void => {
      if (k > 0 && k < FIELDS.length) {
        // By index: fewer documents than the collection's to test.
        expect(coll.candidates(filter)).toBeDefined();
        narrowed++;
      }
      same(filter);
      // With a later field too (skipping the ones between: tested on each candidate).
      same({ ...filter, status: 'completed' });
      checked++;
      if (k === FIELDS.length) return;
      const field = FIELDS[k] as (typeof FIELDS)[number];
      for (const value of choices[field]) walk(k + 1, { ...filter, [field]: value });
      walk(k + 1, { ...filter, [field]: { $eq: choices[field][0] } });
    };
    walk(0, {});
    expect(narrowed).toBeGreaterThan(100);
    expect(checked).toBeGreaterThan(400);
    // The multikey document is found by either of its questionnaires.
    expect(
      matchDocs(coll, compileFilter({ questionnaireId: 'exit' })).some((d) => Array.isArray(d.questionnaireId)),
    ).toBe(true);
  });

  it('keeps ranges, $in, sorts and limits as a scan gives them', () => {
    const { catalog, docs, cohorts } = responses();
    const coll = catalog.collection('db', 'responses')!;
    const from = new Date(Date.UTC(2025, 9, 5));
    const to = new Date(Date.UTC(2025, 9, 15));
    const filters: Doc[] = [
      { questionnaireId: 'entry', completedAt: { $gte: from, $lt: to } },
      { questionnaireId: 'exit', cohortId: { $in: [cohorts[0], cohorts[2]] } },
      { questionnaireId: 'impact', questionnaireVersion: { $gte: 2 } },
      { questionnaireId: 'entry', questionnaireVersion: 1, status: 'completed' },
      { cohortId: cohorts[1], completedAt: { $lt: to } },
      { cohortId: cohorts[1], status: 'in_progress', n: { $gt: 20 } },
    ];
    for (const filter of filters) {
      expect(coll.candidates(filter)).toBeDefined();
      for (const sort of [undefined, { _id: 1 }, { _id: -1 }, { completedAt: -1, n: 1 }, { status: 1, n: -1 }]) {
        const spec = parseSort(sort);
        const found = sortDocs(matchDocs(coll, compileFilter(filter)), spec).map((d) => d.n);
        expect(found).toEqual(sortDocs(scan(docs(), filter), spec).map((d) => d.n));
        expect(found.length).toBeGreaterThan(0);
      }
      // An unsorted limit stops at the first documents a scan would give.
      expect(matchDocs(coll, compileFilter(filter), 3).map((d) => d.n)).toEqual(
        scan(docs(), filter)
          .slice(0, 3)
          .map((d) => d.n),
      );
    }
  });
});
