// Seed 003: a tutor is attached to every teacher — not only to those the cohort file names. A teacher
// who joins a Kaltan cohort by the link (or the CSV, or the sandbox) gets the cohort's tutor with the
// fewest teachers; a cohort with no tutor makes its curators hear so once, lists the teacher as
// «без тьютора», and the next import that names tutors gives them one.
import { describe, expect, it } from 'vitest';
import { parseCohortFile } from '../../src/import/cohort-file.js';
import { applyCohortFile } from '../../src/import/apply-cohort.js';
import { applyParticipants } from '../../src/import/apply-participants.js';
import { parseParticipantsCsv } from '../../src/import/participants-csv.js';
import { formatParticipantsReport } from '../../src/cli/commands/participants.js';
import { formatProblem } from '../../src/import/fields.js';
import { createMonitoring } from '../../src/monitoring/index.js';
import { enrollInCohort } from '../../src/progress/service.js';
import { planFromModel } from '../../src/support-models/plan.js';
import { content } from '../support/engine-harness.js';
import { useEngineTestbed } from '../support/testbed.js';
import type { Actor } from '../support/engine-harness.js';

const bed = useEngineTestbed('2026-03-25T08:00:00Z');

async function kaltanCohort(tutorIds: string[]): Promise<void> {
  const repos = bed.store.repositories;
  const c = (await repos.cohorts.findById(bed.cohort.cohortId))!;
  await repos.cohorts.upsertByCode({
    ...c,
    programmeId: c.programmeId,
    tutorIds,
    stagePlan: planFromModel(content().models.get('kaltan-tutor')!),
  });
}

async function person(fullName: string): Promise<string> {
  const created = await bed.store.repositories.participants.create({ fullName, locale: 'ru', addresses: [] });
  if (!created.ok) throw new Error('fixture');
  return created.value.id;
}

/** Joins by the course code as a new teacher would: language, consent (enrolled here), profile. */
async function joinByLink(actor: Actor, name: string): Promise<void> {
  await actor.say(`/start ${bed.cohort.code}`);
  await actor.press('Русский');
  await actor.press('Да');
  for (const answer of [name, 'МОУ СОШ № 3', 'Кемеровская область', 'Калтанский округ']) await actor.say(answer);
  await actor.press('В сельской местности');
  for (const answer of ['учитель', 'Математика']) await actor.say(answer);
}

describe('a tutor for every teacher of the Kaltan model', () => {
  it('is the tutor with the fewest teachers, for a teacher enrolled without one', async () => {
    const repos = bed.store.repositories;
    const second = await person('Ким Виктор');
    await kaltanCohort([bed.cohort.tutorId, second]);
    // The first tutor already has one teacher (named by the file).
    await enrollInCohort(repos, {
      participantId: await person('Педагог Ноль'),
      cohortId: bed.cohort.cohortId,
      at: new Date(),
      tutorId: bed.cohort.tutorId,
    });
    const tutors: (string | undefined)[] = [];
    for (const name of ['Педагог Один', 'Педагог Два', 'Педагог Три']) {
      const { enrollment, tutor } = await enrollInCohort(repos, {
        participantId: await person(name),
        cohortId: bed.cohort.cohortId,
        at: new Date(),
      });
      expect(tutor).toBe('assigned');
      tutors.push(enrollment.tutorId);
    }
    // By hand: loads 1/0 → the second; 1/1 → the first (listed first); 2/1 → the second.
    expect(tutors).toEqual([second, bed.cohort.tutorId, second]);
  });

  it('the CSV import (CLI enrolment) gives one too, or says how many are left without a tutor', async () => {
    const repos = bed.store.repositories;
    await kaltanCohort([]);
    const csv = parseParticipantsCsv(
      'ФИО;Телефон\nАбенова Гульмира;8 701 555 40 01\nТулегенов Асхат;+7 747 555 40 02\n',
      { defaultCountry: 'KZ' },
    );
    if (!csv.ok) throw new Error('csv');
    const cohort = (await repos.cohorts.findById(bed.cohort.cohortId))!;
    const applied = await applyParticipants(repos, cohort, csv.value.rows, { now: new Date('2026-03-25T09:00:00Z') });
    if (!applied.ok) throw new Error('import');
    expect(applied.value.withoutTutor).toBe(2);
    expect(formatParticipantsReport(applied.value, csv.value)).toContain(
      'Без тьютора: 2 (в модели потока за каждым педагогом закреплён тьютор',
    );

    // With a tutor in the cohort, the next file's teacher gets that tutor, and so do the two left without.
    await kaltanCohort([bed.cohort.tutorId]);
    const more = parseParticipantsCsv('ФИО;Телефон\nКим Олег;+7 747 555 40 03\n', { defaultCountry: 'KZ' });
    if (!more.ok) throw new Error('csv');
    const again = await applyParticipants(
      repos,
      (await repos.cohorts.findById(bed.cohort.cohortId))!,
      more.value.rows,
      { now: new Date('2026-03-25T09:00:00Z') },
    );
    if (!again.ok) throw new Error('import');
    expect(again.value.enrollments.tutorAssigned).toBe(3);
    expect(again.value.withoutTutor).toBe(0);
    expect(formatParticipantsReport(again.value, more.value)).not.toContain('Без тьютора');
    const kim = await repos.participants.findByPhone('+77475554003');
    expect((await repos.enrollments.find(kim!.id, bed.cohort.cohortId))?.tutorId).toBe(bed.cohort.tutorId);
    expect((await repos.enrollments.listByCohort(bed.cohort.cohortId, 'active')).map((e) => e.tutorId)).toEqual([
      bed.cohort.tutorId,
      bed.cohort.tutorId,
      bed.cohort.tutorId,
    ]);
  });

  it('without tutors in the cohort: the curator is told once, /plans and the report say «без тьютора», the next import assigns', async () => {
    const repos = bed.store.repositories;
    await kaltanCohort([]);
    const curator = bed.h.actor('Ольга', { username: 'olga_curator' });
    await curator.say('/start');
    const notices = () => curator.inbox.map((m) => m.text).filter((t) => t.includes('тьюторов в курсе нет'));

    await joinByLink(bed.h.actor('Мария'), 'Иванова Мария');
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain(
      'В курсе «Функциональная грамотность, весна 2026» за каждым педагогом закреплён тьютор',
    );
    await joinByLink(bed.h.actor('Пётр'), 'Петров Пётр');
    expect(notices()).toHaveLength(1);
    const enrolled = await repos.enrollments.listByCohort(bed.cohort.cohortId, 'active');
    expect(enrolled.map((e) => e.tutorId)).toEqual([undefined, undefined]);

    await curator.say('/plans');
    expect(curator.inbox.map((m) => m.text)).toContain('Без тьютора (2): Иванова Мария, Петров Пётр');

    const monitoring = createMonitoring({
      store: bed.store,
      catalog: content().questionnaires,
      supportModels: content().models,
      now: () => new Date('2026-07-01T00:00:00Z'),
    });
    const report = await monitoring.halfYearReport({ cohortId: bed.cohort.cohortId, half: 1, year: 2026 });
    if (!report.ok) throw new Error('report');
    expect(report.value.markdown).toContain('| Иванова Мария | FG72-SPRING | без тьютора | не пройдена |');
    expect(report.value.markdown).toContain('| Петров Пётр | FG72-SPRING | без тьютора | не пройдена |');

    // The curator adds two tutors to the cohort file and imports it: each teacher gets one, evenly.
    const file = `
programme: { code: FG-72, title: "Формирование функциональной грамотности", direction: "Общее образование", hours: 72, model: kaltan-tutor }
cohort: { code: FG72-SPRING, title: "Функциональная грамотность, весна 2026", courseStart: 2026-03-02, courseEnd: 2026-03-20, timeZone: Europe/Moscow, language: ru }
curators: [{ name: "Смирнова Ольга Петровна", telegram: "@olga_curator" }]
tutors: [{ name: "Ахметова Айгуль", telegram: "@aigul_tutor" }, { name: "Ким Виктор", phone: "+7 705 555 20 02" }]
`;
    const parsed = parseCohortFile(file, 'cohort.yaml', {
      timeZone: 'Europe/Moscow',
      locale: 'ru',
      models: content().models,
      questionnaireExists: () => true,
    });
    if (!parsed.ok) throw new Error(parsed.error.map(formatProblem).join('\n'));
    const applied = await applyCohortFile(repos, parsed.value, { now: new Date('2026-03-26T09:00:00Z') });
    if (!applied.ok) throw new Error(applied.error.map(formatProblem).join('\n'));
    expect(applied.value.enrollments.tutorAssigned).toBe(2);
    const after = await repos.enrollments.listByCohort(bed.cohort.cohortId, 'active');
    const cohort = (await repos.cohorts.findById(bed.cohort.cohortId))!;
    expect(cohort.tutorIds).toHaveLength(2);
    expect(new Set(after.map((e) => e.tutorId))).toEqual(new Set(cohort.tutorIds));
  });
});
