// The per-teacher tables take their stage columns from the cohort's plan: a cohort of the school
// model (two stages) shows two stage columns, named by the model in the report's language, in the
// half-year report and in the roster export alike; the default plan shows its three.
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { createMonitoring } from '../../src/monitoring/service.js';
import { planFromModel } from '../../src/support-models/plan.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock, content } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { Rig } from '../scheduler/rig.js';

let store: Store;
let cohort: CohortFixture;

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', 'Europe/Moscow').toISOString() });
  const c = (await store.repositories.cohorts.findById(cohort.cohortId))!;
  await store.repositories.cohorts.upsertByCode({
    code: c.code,
    programmeId: c.programmeId,
    title: c.title,
    courseStart: c.courseStart,
    courseEnd: c.courseEnd,
    timeZone: c.timeZone,
    locale: c.locale,
    curatorIds: c.curatorIds,
    tutorIds: c.tutorIds,
    stagePlan: planFromModel(content().models.get('school-two-stage')!),
  });
});
afterEach(async () => {
  await store.close();
});

describe('stage columns from the plan', () => {
  it('a two-stage cohort shows two stage columns named by its model, in Russian and in Kazakh', async () => {
    const rig = new Rig(store, new Clock(new Date('2026-04-01T09:00:00Z')));
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна');
    const enrollment = (await store.repositories.enrollments.listByCohort(cohort.cohortId))[0]!;
    expect(enrollment.participantId).toBe(anna.id);
    await store.repositories.enrollments.setStage(enrollment.id, 1, 'completed', new Date('2026-04-10T09:00:00Z'));
    const monitoring = createMonitoring({
      store,
      catalog: content().questionnaires,
      supportModels: content().models,
      now: () => new Date('2026-05-01T09:00:00Z'),
    });

    const ru = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 1, year: 2026 });
    if (!ru.ok) throw new Error(JSON.stringify(ru.error));
    const stage1 = 'Этап 1: осмысление результатов обучения и перенос в практику';
    const stage2 = 'Этап 2: профессиональное развитие, обобщение и тиражирование опыта';
    expect(ru.value.markdown).toContain(
      `| Педагог | Поток | Организация | Регион | Тип населённого пункта | ${stage1} | ${stage2} | Принято за период |`,
    );
    expect(ru.value.markdown).not.toContain('Этап 3');
    // One teacher on support, stage 1 completed by her: 1 (100 %); stage 2 by nobody. The model requires 1 activity.
    expect(ru.value.keyFigures.rows.slice(2, 4)).toEqual([
      ['Завершили этап 1 (осмысление результатов обучения и перенос в практику)', '1 (100 %)'],
      ['Завершили этап 2 (профессиональное развитие, обобщение и тиражирование опыта)', '0 (0 %)'],
    ]);
    expect(ru.value.markdown).toContain('| Выполнили норму года (не менее 1 принятых) | 0 (0 %) |');
    expect(ru.value.markdown).toContain(
      '| Алексеева Анна | FG72-SPRING |  |  |  | завершён 10.04.2026 | не начат | 0 | 0 | 0 | 0 | 1 | нет | 0 | 0 |',
    );

    const kk = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 1, year: 2026, locale: 'kk' });
    if (!kk.ok) throw new Error(JSON.stringify(kk.error));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(kk.value.xlsx as unknown as ArrayBuffer);
    const header = wb.getWorksheet('Педагогтер бойынша жиынтық')!.getRow(1).values as unknown[];
    expect(header.filter((v) => typeof v === 'string' && v.includes('кезең'))).toEqual([
      '1-кезең: оқу нәтижелерін пайымдау және тәжірибеге көшіру',
      '2-кезең: кәсіби даму, тәжірибені жинақтау және тарату',
    ]);

    const roster = await monitoring.exportYear({ what: 'participants', format: 'csv', cohortIds: [cohort.cohortId] });
    const [head, row] = (await streamText(roster.stream)).slice(1).trim().split('\r\n');
    expect(head).toBe(
      `Педагог;Поток;Организация;Регион;Тип населённого пункта;Начало года;Конец года;${stage1};${stage1}: дата;${stage1}: вручную;` +
        `${stage2};${stage2}: дата;${stage2}: вручную;Принято с начала года;На доработке;На проверке;Норма;Норма выполнена;Анкет заполнено;Открытых консультаций`,
    );
    expect(row).toBe(
      'Алексеева Анна;FG72-SPRING;;;;21.03.2026;20.03.2027;завершён;10.04.2026;нет;не начат;;нет;0;0;0;1;нет;0;0',
    );
  });

  it("/stats and the answers export's summary sheet name the model's two stages, not the default three", async () => {
    const rig = new Rig(store, new Clock(new Date('2026-04-01T09:00:00Z')));
    const [anna] = [
      await rig.teacher(cohort.cohortId, 'Алексеева Анна'),
      await rig.teacher(cohort.cohortId, 'Борисова Вера'),
    ];
    const enrollment = (await store.repositories.enrollments.find(anna!.id, cohort.cohortId))!;
    await store.repositories.enrollments.setStage(enrollment.id, 1, 'completed', new Date('2026-04-10T09:00:00Z'));
    const monitoring = createMonitoring({
      store,
      catalog: content().questionnaires,
      supportModels: content().models,
      now: () => new Date('2026-05-01T09:00:00Z'),
    });
    const stage1 = 'Этап 1: осмысление результатов обучения и перенос в практику';
    const stage2 = 'Этап 2: профессиональное развитие, обобщение и тиражирование опыта';

    // Two teachers, stage 1 completed by one: 50 %; stage 2 by nobody.
    const stats = await monitoring.statsText({ participantId: cohort.curatorId, cohortId: cohort.cohortId });
    if (!stats.ok) throw new Error(JSON.stringify(stats.error));
    expect(stats.value).toContain(`Этапы завершили:\n${stage1} — 50%\n${stage2} — 0%`);
    expect(stats.value).not.toContain('Этап 3');
    expect(stats.value).not.toContain('план мероприятий');

    const file = await monitoring.exportForRequester({
      participantId: cohort.curatorId,
      cohortId: cohort.cohortId,
      format: 'xlsx',
    });
    if (!file.ok) throw new Error(JSON.stringify(file.error));
    const chunks: Buffer[] = [];
    for await (const c of file.value.stream) chunks.push(Buffer.from(c as Buffer));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const summary = wb.getWorksheet('Сводка')!;
    const stageRows: unknown[][] = [];
    summary.eachRow((row) => {
      const cells = (row.values as unknown[]).slice(1);
      if (typeof cells[0] === 'string' && cells[0].startsWith('Этап ')) stageRows.push(cells.slice(0, 7));
    });
    // Teachers, completed, in progress, not started, % completed: by hand from the two teachers above.
    expect(stageRows).toEqual([
      [stage1, 'Всего', 2, 1, 0, 1, 50],
      [stage2, 'Всего', 2, 0, 0, 2, 0],
    ]);
  });
});
