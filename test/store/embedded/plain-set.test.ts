// The embedded store does plain $set / $unset itself instead of through mingo (whose per-call setup
// cost more than the rest of a small write); each shape here must give what mingo gives, field
// order included, and anything it does not handle must still reach mingo's answer or error.
import { ObjectId } from 'bson';
import { update as mingoUpdate, type Modifier } from 'mingo/updater';
import { describe, expect, it } from 'vitest';
import { mingoOptions } from '../../../src/store/embedded/query.js';
import { applyUpdate, parseUpdate } from '../../../src/store/embedded/update.js';

type Doc = Record<string, unknown>;

function stored(): Doc {
  return {
    _id: new ObjectId('650000000000000000000001'),
    status: 'pending',
    chatId: '42',
    state: { step: 'consent', answers: { q1: 3 } },
    list: [{ a: 1 }, { a: 2 }],
    empty: null,
    at: new Date('2026-12-03T06:00:00Z'),
  };
}

function byMingo(doc: Doc, ops: Doc): Doc {
  const copy = structuredClone(doc);
  copy._id = doc._id;
  mingoUpdate(copy, ops as Modifier<Doc>, undefined, undefined, {
    cloneMode: 'deep',
    queryOptions: mingoOptions({ queryOnly: true }),
  });
  return copy;
}

const shapes: Doc[] = [
  { $set: { status: 'sending', at: new Date('2026-12-03T06:01:00Z'), by: 'instance-1' } },
  { $set: { status: 'sent' }, $unset: { reason: '' } },
  { $set: { 'state.step': 'name', 'state.answers.q2': [1, 2], 'fresh.deep.path': { x: 1 } } },
  { $unset: { 'state.answers.q1': '', 'missing.path': '', chatId: '' } },
  { $set: { 'list.1.a': 5 } },
  { $set: { 'list.5': { a: 9 } } },
  { $set: { 'state.answers': {}, status: 'done' } },
];

describe('plain $set and $unset in the embedded store', () => {
  for (const ops of shapes) {
    it(`gives what mingo gives for ${JSON.stringify(ops)}`, () => {
      const doc = stored();
      const ours = applyUpdate(doc, parseUpdate(ops), { filter: {} });
      const theirs = byMingo(doc, ops);
      expect(ours).toEqual(theirs);
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
      // The stored document itself is never changed in place.
      expect(doc).toEqual(stored());
    });
  }

  it('leaves a conflict and a path through a value that is not a document to mingo, with its answer', () => {
    const outcome = (run: () => Doc) => {
      try {
        return JSON.stringify(run());
      } catch {
        return 'refused';
      }
    };
    for (const ops of [{ $set: { state: {} }, $unset: { 'state.step': '' } }, { $set: { 'empty.x': 1 } }]) {
      expect(outcome(() => applyUpdate(stored(), parseUpdate(ops), { filter: {} }))).toBe(
        outcome(() => byMingo(stored(), ops)),
      );
    }
  });

  it('does not share the set value with the stored document', () => {
    const value = { nested: { n: 1 } };
    const out = applyUpdate(stored(), parseUpdate({ $set: { value } }), { filter: {} });
    value.nested.n = 2;
    expect(out.value).toEqual({ nested: { n: 1 } });
  });
});
