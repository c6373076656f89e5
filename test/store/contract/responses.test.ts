import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { aCohort, aParticipant } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

async function aRun() {
  const repos = store.repositories;
  const cohort = await aCohort(repos);
  const teacher = await aParticipant(repos);
  const key = { participantId: teacher.id, cohortId: cohort.id, questionnaireId: 'exit', occasion: 'course-end' };
  const { response } = await repos.responses.startOrResume({
    ...key,
    questionnaireVersion: 2,
    at: new Date('2026-03-21T09:00:00Z'),
  });
  return { key, response, cohort, teacher };
}

describe('responses', () => {
  it('resumes the same run for the same key and keeps its version', async () => {
    const { key, response } = await aRun();
    const again = await store.repositories.responses.startOrResume({ ...key, questionnaireVersion: 3, at: new Date() });
    expect(again.created).toBe(false);
    expect(again.response.id).toBe(response.id);
    expect(again.response.questionnaireVersion).toBe(2);
    expect((await store.repositories.responses.find(key))?.id).toBe(response.id);
  });

  it('replaces an answer given twice instead of duplicating it, in order of first answer', async () => {
    const { response } = await aRun();
    const repos = store.repositories;
    const at = new Date('2026-03-21T09:01:00Z');
    await repos.responses.saveAnswer(response.id, { questionId: 'q1', value: 'a', skipped: false, answeredAt: at });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'q2',
      value: ['x', 'y'],
      skipped: false,
      answeredAt: at,
    });
    const updated = await repos.responses.saveAnswer(response.id, {
      questionId: 'q1',
      value: 'b',
      otherText: 'своё',
      skipped: false,
      answeredAt: at,
    });
    expect(updated?.answers).toEqual([
      { questionId: 'q1', value: 'b', otherText: 'своё', skipped: false, answeredAt: at },
      { questionId: 'q2', value: ['x', 'y'], skipped: false, answeredAt: at },
    ]);
  });

  it('never stores the same question twice under concurrent saves', async () => {
    const { response } = await aRun();
    const repos = store.repositories;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        repos.responses.saveAnswer(response.id, { questionId: 'q5', value: i, skipped: false, answeredAt: new Date() }),
      ),
    );
    const final = await repos.responses.findById(response.id);
    expect(final?.answers.filter((a) => a.questionId === 'q5')).toHaveLength(1);
  });

  it('removes an answer (going back) and completes', async () => {
    const { response, teacher } = await aRun();
    const repos = store.repositories;
    await repos.responses.saveAnswer(response.id, {
      questionId: 'q1',
      value: 4,
      skipped: false,
      answeredAt: new Date(),
    });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'q2',
      value: null,
      skipped: true,
      answeredAt: new Date(),
    });
    expect((await repos.responses.removeAnswer(response.id, 'q2'))?.answers.map((a) => a.questionId)).toEqual(['q1']);
    expect(await repos.responses.listInProgress(teacher.id)).toHaveLength(1);
    const at = new Date('2026-03-22T10:00:00Z');
    const done = await repos.responses.complete(response.id, at);
    expect(done).toMatchObject({ status: 'completed', completedAt: at });
    expect(await repos.responses.listInProgress(teacher.id)).toHaveLength(0);
  });

  it('keeps answer text verbatim: operators, JSON, emoji, RTL and zero-width characters', async () => {
    const { response } = await aRun();
    const tricky = ['{"$gt": ""}', '$where', 'Отлично 👍🏽', 'مرحبا', 'a\u200bb'];
    for (const [i, value] of tricky.entries()) {
      await store.repositories.responses.saveAnswer(response.id, {
        questionId: `t${i}`,
        value,
        skipped: false,
        answeredAt: new Date(),
      });
    }
    const stored = await store.repositories.responses.findById(response.id);
    expect(stored?.answers.map((a) => a.value)).toEqual(tricky);
  });

  it('refuses an object as an answer value', async () => {
    const { response } = await aRun();
    const value = { $set: { status: 'completed' } } as unknown as string;
    await expect(
      store.repositories.responses.saveAnswer(response.id, {
        questionId: 'q1',
        value,
        skipped: false,
        answeredAt: new Date(),
      }),
    ).rejects.toThrow(/answer must be/);
  });

  it('lists a cohort’s responses by questionnaire and status', async () => {
    const { response, cohort } = await aRun();
    await store.repositories.responses.complete(response.id, new Date());
    expect(
      await store.repositories.responses.listByCohort(cohort.id, { questionnaireId: 'exit', status: 'completed' }),
    ).toHaveLength(1);
    expect(await store.repositories.responses.listByCohort(cohort.id, { questionnaireId: 'entry' })).toHaveLength(0);
  });
});
