import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock, Harness } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { enrolledTeacher } from '../support/teacher.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PLAN = {
  stages: [
    { stage: 1 as const, startOffset: '+1d' },
    { stage: 2 as const, startOffset: '+1m' },
    { stage: 3 as const, startOffset: '+10m' },
  ],
  questionnaires: [{ questionnaireId: 'engine-check', offset: '+1d', occasion: 'check-1' }],
};

async function withPlan(store: Store, cohort: CohortFixture): Promise<void> {
  const c = await store.repositories.cohorts.findById(cohort.cohortId);
  await store.repositories.cohorts.upsertByCode({ ...c!, programmeId: c!.programmeId, stagePlan: PLAN });
}

describe('questionnaire run', () => {
  let store: Store;
  let h: Harness;
  let cohort: CohortFixture;
  beforeEach(async () => {
    store = await openTestStore();
    cohort = await seedCohort(store);
    await withPlan(store, cohort);
    h = new Harness(store, new Clock(new Date('2026-03-25T07:00:00Z')));
  });
  afterEach(async () => {
    await store.close();
  });

  it('asks one question at a time with skip logic, a retry, back, other, skip and a summary', async () => {
    const { actor: t, participant } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    await t.say('/surveys');
    await t.press('Да');
    await t.say('пятьдесят два');
    await t.say('52');
    await t.say('12');
    await t.say('назад');
    await t.say('14');
    await t.say('1, 4');
    await t.say('Квесты на платформе');
    await t.say('пропустить');
    await t.press('Изменить ответ');
    await t.say('2');
    await t.say('15');
    await t.press('Отправить');
    h.expectGolden('questionnaire-ru');

    const r = await store.repositories.responses.find({
      participantId: participant.id,
      cohortId: cohort.cohortId,
      questionnaireId: 'engine-check',
      occasion: 'check-1',
    });
    expect(r?.status).toBe('completed');
    expect(r?.questionnaireVersion).toBe(1);
    expect(
      Object.fromEntries(r!.answers.map((a) => [a.questionId, [a.value, a.otherText ?? null, a.skipped]])),
    ).toEqual({
      used: [true, null, false],
      lessons: [15, null, false],
      formats: [['group', 'other'], 'Квесты на платформе', false],
      comment: [null, null, true],
    });
  });

  it('drops answers that a change of mind hid, and never asks a completed questionnaire twice', async () => {
    const { actor: t, participant } = await enrolledTeacher(h, 'Олег', cohort.cohortId, { fullName: 'Олег' });
    await t.say('/surveys');
    await t.press('Да');
    await t.say('5');
    await t.say('назад');
    await t.say('назад');
    await t.press('Нет');
    expect(t.lastPrompt().text).toMatch(/Что помешало/);
    await t.say('Не было времени');
    await t.press('Проекты');
    await t.say('пропустить');
    await t.press('Отправить');
    const r = await store.repositories.responses.find({
      participantId: participant.id,
      cohortId: cohort.cohortId,
      questionnaireId: 'engine-check',
      occasion: 'check-1',
    });
    expect(r?.answers.map((a) => a.questionId).sort()).toEqual(['comment', 'formats', 'used', 'why_not']);
    await t.say('/surveys');
    expect(t.inbox.at(-2)?.text).toMatch(/нет анкет, ожидающих ответа/);
  });

  it('resumes at the same question after a restart, with no answer lost or duplicated', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-resume-'));
    const config = { mongodbUri: undefined, dbName: 'resume', embeddedDataDir: dataDir };
    const persistent = await openStore({ config, logger: silentLogger });
    const c = await seedCohort(persistent);
    await withPlan(persistent, c);
    const hp = new Harness(persistent, new Clock(new Date('2026-03-25T07:00:00Z')));
    const { actor: t, participant } = await enrolledTeacher(hp, 'Мария', c.cohortId, { fullName: 'Иванова Мария' });
    await t.say('/surveys');
    await t.press('Да');
    await t.say('7');
    await persistent.close();

    const reopened = await openStore({ config, logger: silentLogger });
    try {
      hp.restart(reopened);
      await t.say('1 3');
      expect(t.lastPrompt().text).toMatch(/Комментарий/);
      await t.say('Всё понятно');
      await t.press('Отправить');
      hp.expectGolden('questionnaire-restart');
      const r = await reopened.repositories.responses.find({
        participantId: participant.id,
        cohortId: c.cohortId,
        questionnaireId: 'engine-check',
        occasion: 'check-1',
      });
      expect(r?.answers.map((a) => [a.questionId, a.value])).toEqual([
        ['used', true],
        ['lessons', 7],
        ['formats', ['group', 'digital']],
        ['comment', 'Всё понятно'],
      ]);
    } finally {
      await reopened.close();
    }
  });
});
