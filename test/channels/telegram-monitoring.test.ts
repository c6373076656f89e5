// /stats, /export and /report in Telegram, and the report the scheduler sends curators.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSputnikEngine } from '../../src/engine/index.js';
import { t } from '../../src/i18n/index.js';
import { createMonitoring } from '../../src/monitoring/index.js';
import { halfYearReportSource, keyFiguresText, upcomingHalf } from '../../src/monitoring/report-source.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { content, testSettings } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { TelegramHarness } from '../support/telegram-harness.js';

let store: Store;
let cohort: CohortFixture;
let tg: TelegramHarness;
const curator = { id: 8002, username: 'olga_curator' };
const teacher = { id: 8001 };

beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store);
  const engine = createSputnikEngine({
    repos: store.repositories,
    sessions: store.sessions,
    content: content(),
    settings: testSettings,
    logger: silentLogger,
  });
  tg = new TelegramHarness(store, engine, createMonitoring({ store, catalog: content().questionnaires }));
  const t = await store.repositories.participants.create({
    fullName: 'Иванова Мария',
    addresses: [{ channel: 'telegram', id: String(teacher.id) }],
    locale: 'ru',
    region: 'Ярославская область',
    settlementType: 'rural',
  });
  if (!t.ok) throw new Error('fixture');
  await store.repositories.participants.recordConsent(t.value.id, 'test-1', new Date());
  await store.repositories.enrollments.enroll({
    participantId: t.value.id,
    cohortId: cohort.cohortId,
    at: new Date(),
    stages: [1, 2, 3],
  });
  const { response } = await store.repositories.responses.startOrResume({
    participantId: t.value.id,
    cohortId: cohort.cohortId,
    questionnaireId: 'engine-check',
    occasion: 'check-1',
    questionnaireVersion: 1,
    at: new Date(),
  });
  await store.repositories.responses.saveAnswer(response.id, {
    questionId: 'used',
    value: true,
    skipped: false,
    answeredAt: new Date(),
  });
  await store.repositories.responses.complete(response.id, new Date());
});
afterEach(async () => {
  await store.close();
});

describe('monitoring in Telegram', () => {
  it('sends the curator a statistics summary, an XLSX export and the half-year report', async () => {
    await tg.text(curator, '/start');
    await tg.text(curator, '/stats');
    expect(tg.texts(curator.id).at(-1)).toMatch(/^Мониторинг: /);
    await tg.text(curator, '/export');
    const exported = tg.callsOf('sendDocument').at(-1);
    expect(exported?.caption).toMatch(/^Выгрузка готова: .+\.xlsx/);
    await tg.text(curator, '/report');
    const report = tg.callsOf('sendDocument').at(-1);
    expect(String(report?.caption)).toMatch(/отчёт|Отчёт/);
  });

  it('refuses statistics and exports to a teacher', async () => {
    await tg.text(teacher, '/export');
    expect(tg.texts(teacher.id).at(-1)).toBe(t('ru', 'flow.not_allowed'));
    await tg.text(teacher, '/stats');
    expect(tg.texts(teacher.id).at(-1)).toBe(t('ru', 'flow.not_allowed'));
    expect(tg.callsOf('sendDocument')).toEqual([]);
  });

  it("gives the scheduler the report's key figures for the curators' reminder", async () => {
    const monitoring = createMonitoring({ store, catalog: content().questionnaires });
    const c = (await store.repositories.cohorts.findById(cohort.cohortId))!;
    const [message] = await halfYearReportSource(monitoring).forCurator({
      cohort: c,
      curatorId: cohort.curatorId,
      deadline: '2026-06-01',
      half: 1,
    });
    expect(message?.kind).toBe('text');
    const text = message?.kind === 'text' ? message.text : '';
    expect(text).toMatch(/Полный отчёт \(XLSX\): \/report$/);
    expect(text.split('\n').filter((l) => /^[^:]+: .+/.test(l)).length).toBeGreaterThanOrEqual(3);
    expect(
      keyFiguresText({
        title: 'Ключевые показатели',
        headers: ['Показатель', 'Значение'],
        rows: [['Слушателей на сопровождении', 12]],
      }),
    ).toEqual(['Слушателей на сопровождении: 12']);
    expect(upcomingHalf(new Date('2026-11-23T00:00:00Z'))).toEqual({ half: 1, year: 2027 });
    expect(upcomingHalf(new Date('2026-07-01T00:00:00Z'))).toEqual({ half: 2, year: 2026 });
  });
});
