import { phrase } from '../../src/i18n/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Repositories } from '../../src/domain/repositories.js';
import { applyCohortFile, type CohortImportOutcome } from '../../src/import/apply-cohort.js';
import { parseCohortFile, type CohortFile } from '../../src/import/cohort-file.js';
import { formatProblem } from '../../src/import/fields.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../support/store.js';
import { readSample, sampleCohortPath } from './helpers.js';

let store: Store;
let repos: Repositories;
beforeEach(async () => {
  store = await openTestStore();
  repos = store.repositories;
});
afterEach(async () => {
  await store?.close();
});

const now = new Date('2026-03-01T09:00:00Z');
const sampleText = readSample(sampleCohortPath);

function file(text = sampleText): CohortFile {
  const result = parseCohortFile(text, 'cohort.yaml', { timeZone: 'Europe/Moscow', locale: 'ru' });
  if (!result.ok) throw new Error(result.error.map(formatProblem).join('\n'));
  return result.value;
}

async function apply(f: CohortFile, dryRun = false): Promise<CohortImportOutcome> {
  const result = await applyCohortFile(repos, f, { now, dryRun });
  if (!result.ok) throw new Error(result.error.map(formatProblem).join('\n'));
  return result.value;
}

async function cohortState(code = 'FG72-SPRING') {
  const cohort = await repos.cohorts.findByCode(code);
  if (!cohort) throw new Error(`no cohort ${code}`);
  const enrollments = await repos.enrollments.listByCohort(cohort.id);
  const people = await repos.participants.findByIds([
    ...cohort.curatorIds,
    ...cohort.tutorIds,
    ...enrollments.map((e) => e.participantId),
  ]);
  const nameOf = (id: string | undefined) => people.find((p) => p.id === id)?.fullName;
  return { cohort, enrollments, people, nameOf };
}

describe('importing the sample cohort', () => {
  it('creates the programme, the cohort, its staff and its enrolled teachers with their tutors', async () => {
    const outcome = await apply(file());
    expect(outcome).toMatchObject({
      programme: { code: 'FG-72', action: 'create' },
      cohort: { code: 'FG72-SPRING', action: 'create', codeDerived: false },
      curators: 1,
      tutors: 2,
      teachers: 3,
      people: { total: 6, created: 6, updated: 0, unchanged: 0 },
      enrollments: { enrolled: 3, alreadyEnrolled: 0, tutorAssigned: 3 },
      changed: true,
    });

    const { cohort, enrollments, nameOf, people } = await cohortState();
    const programme = await repos.programmes.findByCode('FG-72');
    expect(programme).toMatchObject({
      title: 'Формирование функциональной грамотности',
      direction: 'Общее образование',
      hours: 72,
    });
    expect(cohort).toMatchObject({
      programmeId: programme!.id,
      title: 'Поток весна 2026',
      timeZone: 'Asia/Almaty',
      locale: 'kk',
      status: 'active',
    });
    // Stored as the start of the day in Almaty (UTC+5).
    expect(cohort.courseStart.toISOString()).toBe('2026-03-01T19:00:00.000Z');
    expect(cohort.courseEnd.toISOString()).toBe('2026-03-19T19:00:00.000Z');
    expect(cohort.curatorIds.map(nameOf)).toEqual(['Сейткали Айгуль Маратовна']);
    expect(cohort.tutorIds.map(nameOf)).toEqual(['Жумабаева Салтанат Ерлановна', 'Ким Виктор Александрович']);
    expect(enrollments.map((e) => [nameOf(e.participantId), nameOf(e.tutorId)])).toEqual([
      ['Нургалиева Динара Сериковна', 'Жумабаева Салтанат Ерлановна'],
      ['Оспанов Ержан Болатович', 'Жумабаева Салтанат Ерлановна'],
      ['Петренко Ольга Викторовна', 'Ким Виктор Александрович'],
    ]);
    expect(enrollments.every((e) => e.joinedAt.getTime() === now.getTime() && e.status === 'active')).toBe(true);
    const dinara = people.find((p) => p.fullName === 'Нургалиева Динара Сериковна');
    expect(dinara).toMatchObject({
      phone: '+77015553001',
      addresses: [{ channel: 'telegram', username: 'dinara_nurg' }],
      organisation: 'КГУ «Школа-гимназия № 27», г. Алматы',
      settlementType: 'urban',
      locale: 'ru',
      isStaff: false,
    });
    // Staff without a language of their own speak the cohort's.
    expect(people.find((p) => p.fullName === 'Ким Виктор Александрович')).toMatchObject({
      phone: '+77775552002',
      locale: 'kk',
    });
  });

  it('changes nothing the second time, and says so', async () => {
    await apply(file());
    const before = await cohortState();
    const outcome = await apply(file());
    expect(outcome).toMatchObject({
      programme: { action: 'unchanged' },
      cohort: { action: 'unchanged', changedFields: [] },
      people: { total: 6, created: 0, updated: 0, unchanged: 6 },
      enrollments: { enrolled: 0, alreadyEnrolled: 3, tutorAssigned: 0 },
      changed: false,
    });
    const after = await cohortState();
    expect(after.cohort).toEqual(before.cohort);
    expect(after.enrollments).toEqual(before.enrollments);
    expect(after.people).toEqual(before.people);
  });

  it('updates what changed in the file, and only that', async () => {
    await apply(file());
    const edited = sampleText
      .replace('courseEnd: 2026-03-20', 'courseEnd: 2026-03-27')
      .replace('КГУ «Школа-гимназия № 27», г. Алматы', 'КГУ «Школа-гимназия № 28», г. Алматы')
      .replace('hours: 72', 'hours: 80');
    const outcome = await apply(file(edited));
    expect(outcome).toMatchObject({
      programme: { action: 'update' },
      cohort: { action: 'update', changedFields: ['courseEnd'] },
      people: { created: 0, updated: 1, unchanged: 5 },
      enrollments: { enrolled: 0, alreadyEnrolled: 3, tutorAssigned: 0 },
    });
    expect(outcome.updatedPeople).toEqual([
      {
        source: phrase('imports.at_path', { path: 'participants[0]' }),
        fullName: 'Нургалиева Динара Сериковна',
        fields: ['organisation'],
      },
    ]);
    const { cohort, people } = await cohortState();
    expect(cohort.courseEnd.toISOString()).toBe('2026-03-26T19:00:00.000Z');
    expect(people.find((p) => p.phone === '+77015553001')?.organisation).toBe('КГУ «Школа-гимназия № 28», г. Алматы');
    expect((await repos.programmes.findByCode('FG-72'))?.hours).toBe(80);
  });

  it('moves a teacher to the tutor the file now names', async () => {
    await apply(file());
    const edited = sampleText.replace('tutor: "Ким Виктор Александрович"', 'tutor: "@saltanat_zh"');
    const outcome = await apply(file(edited));
    expect(outcome.enrollments).toEqual({ enrolled: 0, alreadyEnrolled: 3, tutorAssigned: 1 });
    const { enrollments, nameOf } = await cohortState();
    expect(enrollments.map((e) => nameOf(e.tutorId))).toEqual(Array(3).fill('Жумабаева Салтанат Ерлановна'));
  });

  it('recognises a curator who already talks to the bot by their Telegram username, and adds the phone', async () => {
    const created = await repos.participants.create({
      fullName: 'Айгуль',
      addresses: [{ channel: 'telegram', id: String(5550001), username: 'Aigul_S' }],
      locale: 'ru',
    });
    expect(created.ok).toBe(true);
    const existing = created.ok ? created.value : undefined;
    const outcome = await apply(file());
    expect(outcome.people).toEqual({ total: 6, created: 5, updated: 1, unchanged: 0 });
    expect(outcome.updatedPeople).toEqual([
      { source: phrase('imports.at_path', { path: 'curators[0]' }), fullName: 'Айгуль', fields: ['fullName', 'phone'] },
    ]);
    const { cohort } = await cohortState();
    expect(cohort.curatorIds).toEqual([existing!.id]);
    expect(await repos.participants.findById(existing!.id)).toMatchObject({
      fullName: 'Сейткали Айгуль Маратовна',
      phone: '+77015551122',
      addresses: [{ channel: 'telegram', id: '5550001', username: 'aigul_s' }],
      // Their own language choice in the bot is not overridden by the cohort's.
      locale: 'ru',
    });
  });

  it('keeps a stage plan set on the cohort by other means', async () => {
    await apply(file());
    const { cohort } = await cohortState();
    const stagePlan = { stages: [{ stage: 1 as const, startOffset: '+2d' }], questionnaires: [] };
    await repos.cohorts.upsertByCode({ ...cohort, stagePlan });
    await apply(file(sampleText.replace('title: "Поток весна 2026"', 'title: "Поток весна 2026 (Алматы)"')));
    expect((await cohortState()).cohort).toMatchObject({ title: 'Поток весна 2026 (Алматы)', stagePlan });
  });

  it('writes nothing on a dry run', async () => {
    const outcome = await apply(file(), true);
    expect(outcome).toMatchObject({ dryRun: true, cohort: { action: 'create' }, people: { created: 6 } });
    expect(await repos.cohorts.findByCode('FG72-SPRING')).toBeUndefined();
    expect(await repos.programmes.findByCode('FG-72')).toBeUndefined();
    expect(await repos.participants.findByPhone('+77015551122')).toBeUndefined();
  });
});

describe('files that contradict the store', () => {
  it('refuses a person whose phone and Telegram belong to two different participants, and writes nothing', async () => {
    await repos.participants.create({ fullName: 'Сейткали А.', phone: '+77015551122', locale: 'kk' });
    await repos.participants.create({
      fullName: 'Другая Айгуль',
      addresses: [{ channel: 'telegram', username: 'aigul_s' }],
      locale: 'kk',
    });
    const result = await applyCohortFile(repos, file(), { now });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.map(formatProblem)).toEqual([
      'curators[0]: телефон +77015551122 уже записан за участником «Сейткали А.» (+77015551122), а Telegram @aigul_s — за другим: «Другая Айгуль» (@aigul_s)',
    ]);
    expect(await repos.cohorts.findByCode('FG72-SPRING')).toBeUndefined();
    expect(await repos.programmes.findByCode('FG-72')).toBeUndefined();
    expect(await repos.participants.findByPhone('+77055552001')).toBeUndefined();
  });

  it('refuses a cohort code already used by another programme', async () => {
    const { programme } = await repos.programmes.upsertByCode({ code: 'OTHER', title: 'Другая', direction: 'Другое' });
    await repos.cohorts.upsertByCode({
      code: 'FG72-SPRING',
      programmeId: programme.id,
      title: 'Чужой поток',
      courseStart: now,
      courseEnd: now,
      timeZone: 'Asia/Almaty',
      locale: 'ru',
    });
    const result = await applyCohortFile(repos, file(), { now });
    expect(!result.ok && result.error.map(formatProblem)).toEqual([
      'cohort.code: код FG72-SPRING уже занят потоком «Чужой поток» другой программы; укажите другой cohort.code',
    ]);
    expect((await repos.cohorts.findByCode('FG72-SPRING'))?.title).toBe('Чужой поток');
  });

  it('finds the same cohort again by its derived code', async () => {
    const withoutCode = stringify({
      programme: { code: 'FG-36', title: 'Наставничество', direction: 'Общее образование' },
      cohort: { title: 'Поток осень 2026', courseStart: '2026-10-05', courseEnd: '2026-10-16' },
      curators: [{ name: 'Смирнова Елена', phone: '+7 916 555 00 01' }],
    });
    const first = await apply(file(withoutCode));
    const second = await apply(file(withoutCode));
    expect(first.cohort).toMatchObject({ action: 'create', codeDerived: true });
    expect(second.cohort).toMatchObject({ action: 'unchanged', code: first.cohort.code });
    expect((await repos.cohorts.findByCode(first.cohort.code))?.timeZone).toBe('Europe/Moscow');
  });
});
