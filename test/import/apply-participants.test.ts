import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cohort } from '../../src/domain/cohort.js';
import type { Repositories } from '../../src/domain/repositories.js';
import { applyCohortFile } from '../../src/import/apply-cohort.js';
import { applyParticipants, type ParticipantsImportOutcome } from '../../src/import/apply-participants.js';
import { parseCohortFile } from '../../src/import/cohort-file.js';
import { atLine, formatProblem, type PersonRow } from '../../src/import/fields.js';
import { parseParticipantsCsv } from '../../src/import/participants-csv.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../support/store.js';
import { encode1251, readSample, sampleCohortPath, sampleCsvPath } from './helpers.js';

let store: Store;
let repos: Repositories;
let cohort: Cohort;
const now = new Date('2026-03-05T09:00:00Z');

beforeEach(async () => {
  store = await openTestStore();
  repos = store.repositories;
  const file = parseCohortFile(readSample(sampleCohortPath), 'cohort.sample.yaml', {
    timeZone: 'Europe/Moscow',
    locale: 'ru',
  });
  if (!file.ok) throw new Error('sample cohort file does not parse');
  const applied = await applyCohortFile(repos, file.value, { now });
  if (!applied.ok) throw new Error('sample cohort does not import');
  cohort = (await repos.cohorts.findByCode('FG72-SPRING'))!;
});
afterEach(async () => {
  await store?.close();
});

const sampleCsv = readSample(sampleCsvPath);

function rows(input: Uint8Array | string = sampleCsv): PersonRow[] {
  const result = parseParticipantsCsv(input, { defaultCountry: 'KZ' });
  if (!result.ok) throw new Error(result.error.map(formatProblem).join('\n'));
  return result.value.rows;
}

async function apply(input: PersonRow[], dryRun = false): Promise<ParticipantsImportOutcome> {
  const result = await applyParticipants(repos, cohort, input, { now, dryRun });
  if (!result.ok) throw new Error(result.error.map(formatProblem).join('\n'));
  return result.value;
}

async function enrolled() {
  const enrollments = await repos.enrollments.listByCohort(cohort.id);
  const people = await repos.participants.findByIds([...enrollments.map((e) => e.participantId), ...cohort.tutorIds]);
  const nameOf = (id: string | undefined) => people.find((p) => p.id === id)?.fullName;
  return { enrollments, people, nameOf };
}

describe('importing teachers into a cohort', () => {
  it('creates and enrolls every teacher of the sample with their tutor', async () => {
    const outcome = await apply(rows());
    expect(outcome).toEqual({
      dryRun: false,
      cohortCode: 'FG72-SPRING',
      people: { total: 7, created: 7, updated: 0, unchanged: 0 },
      updatedPeople: [],
      enrollments: { enrolled: 7, alreadyEnrolled: 0, tutorAssigned: 6 },
      changed: true,
    });
    const { enrollments, nameOf, people } = await enrolled();
    expect(enrollments).toHaveLength(3 + 7);
    const byName = new Map(enrollments.map((e) => [nameOf(e.participantId), nameOf(e.tutorId)]));
    expect(byName.get('Абенова Гульмира Каиргельдиновна')).toBe('Жумабаева Салтанат Ерлановна');
    expect(byName.get('Иванова Наталья Сергеевна')).toBe('Ким Виктор Александрович');
    expect(byName.get('Байжанова Алия Нурлановна')).toBe('Ким Виктор Александрович');
    expect(byName.get('Шевченко Андрей Петрович')).toBeUndefined();
    expect(people.find((p) => p.phone === '+77785554004')).toMatchObject({
      fullName: 'Байжанова Алия Нурлановна',
      organisation: 'КГУ «Школа-интернат аула Кенжеколь»',
      settlementType: 'rural',
      locale: 'kk',
    });
  });

  it('changes nothing the second time, from the Windows-1251 copy as well', async () => {
    await apply(rows());
    const before = await enrolled();
    const outcome = await apply(rows(encode1251(sampleCsv)));
    expect(outcome).toMatchObject({
      people: { total: 7, created: 0, updated: 0, unchanged: 7 },
      enrollments: { enrolled: 0, alreadyEnrolled: 7, tutorAssigned: 0 },
      changed: false,
    });
    const after = await enrolled();
    expect(after.enrollments).toEqual(before.enrollments);
    expect(after.people).toEqual(before.people);
  });

  it('updates a changed field and reassigns a changed tutor', async () => {
    await apply(rows());
    const edited = sampleCsv
      .replace('Учитель физики;Физика', 'Учитель физики и астрономии;Физика')
      .replace('Ким Виктор Александрович;', '@saltanat_zh;');
    const outcome = await apply(rows(edited));
    expect(outcome).toMatchObject({
      people: { created: 0, updated: 1, unchanged: 6 },
      enrollments: { enrolled: 0, alreadyEnrolled: 7, tutorAssigned: 1 },
    });
    expect(outcome.updatedPeople).toEqual([
      { source: atLine(3), fullName: 'Тулегенов Асхат Мухтарович', fields: ['position'] },
    ]);
    const { enrollments, people, nameOf } = await enrolled();
    expect(people.find((p) => p.phone === '+77475554002')?.position).toBe('Учитель физики и астрономии');
    const natalia = people.find((p) => p.phone === '+77755554003')!;
    expect(nameOf(enrollments.find((e) => e.participantId === natalia.id)?.tutorId)).toBe(
      'Жумабаева Салтанат Ерлановна',
    );
  });

  it('enrolls a teacher who already exists (from another cohort) without duplicating them', async () => {
    const created = await repos.participants.create({ fullName: 'Абенова Г.', phone: '+77015554001', locale: 'ru' });
    const outcome = await apply(rows());
    expect(outcome.people).toEqual({ total: 7, created: 6, updated: 1, unchanged: 0 });
    expect(created.ok && (await repos.enrollments.find(created.value.id, cohort.id))).toBeTruthy();
    expect((await repos.participants.findByPhone('+77015554001'))?.fullName).toBe('Абенова Гульмира Каиргельдиновна');
  });

  it('keeps the language and Telegram username a teacher already uses in the bot', async () => {
    const created = await repos.participants.create({
      fullName: 'Иванова Наталья Сергеевна',
      phone: '+77755554003',
      addresses: [{ channel: 'telegram', id: String(7001), username: 'natalia_new' }],
      locale: 'kk',
    });
    const outcome = await apply(rows());
    expect(outcome.updatedPeople).toEqual([
      {
        source: atLine(4),
        fullName: 'Иванова Наталья Сергеевна',
        fields: ['organisation', 'region', 'district', 'settlementType', 'position', 'subject'],
      },
    ]);
    expect(created.ok && (await repos.participants.findById(created.value.id))).toMatchObject({
      addresses: [{ channel: 'telegram', username: 'natalia_new' }],
      locale: 'kk',
    });
  });

  it('writes nothing on a dry run', async () => {
    const outcome = await apply(rows(), true);
    expect(outcome).toMatchObject({ dryRun: true, people: { created: 7 }, enrollments: { enrolled: 7 } });
    expect(await repos.enrollments.listByCohort(cohort.id)).toHaveLength(3);
  });
});

describe('rows that contradict the store', () => {
  it('reports a tutor who is not a tutor of the cohort, by line, and imports nobody', async () => {
    const bad = sampleCsv.replace('Жумабаева Салтанат Ерлановна;', 'Ахметова Б.;');
    const result = await applyParticipants(repos, cohort, rows(bad), { now });
    expect(!result.ok && result.error.map(formatProblem)).toEqual([
      'строка 9: Тьютор «Ахметова Б.» — не найден среди тьюторов потока FG72-SPRING (Жумабаева Салтанат Ерлановна, Ким Виктор Александрович)',
    ]);
    expect(await repos.enrollments.listByCohort(cohort.id)).toHaveLength(3);
    expect(await repos.participants.findByPhone('+77015554001')).toBeUndefined();
  });

  it('refuses to enrol a curator of the cohort as a teacher', async () => {
    const bad = `${sampleCsv}Сейткали Айгуль Маратовна;+7 701 555 11 22;;;;;;;;;;\n`;
    const result = await applyParticipants(repos, cohort, rows(bad), { now });
    expect(!result.ok && result.error.map(formatProblem)).toEqual([
      'строка 10: это куратор или тьютор потока FG72-SPRING; слушателем его записать нельзя',
    ]);
  });
});
