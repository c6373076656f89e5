// A cohort as the import would create it: programme, curator, tutor, course just finished.
import type { SendingWindow } from '../../src/domain/sending-window.js';
import type { Store } from '../../src/store/index.js';

export interface CohortFixture {
  cohortId: string;
  code: string;
  curatorId: string;
  tutorId: string;
}

export async function seedCohort(
  store: Store,
  options: {
    code?: string;
    locale?: 'ru' | 'kk' | 'en';
    timeZone?: string;
    courseStart?: string;
    courseEnd?: string;
    curatorUsername?: string;
    tutorUsername?: string;
    sendingWindow?: SendingWindow;
  } = {},
): Promise<CohortFixture> {
  const repos = store.repositories;
  const { programme } = await repos.programmes.upsertByCode({
    code: 'FG-72',
    title: 'Формирование функциональной грамотности',
    direction: 'Общее образование',
    hours: 72,
  });
  const curator = await repos.participants.create({
    fullName: 'Смирнова Ольга Петровна',
    addresses: [{ channel: 'telegram', username: options.curatorUsername ?? 'olga_curator' }],
    locale: 'ru',
  });
  const tutor = await repos.participants.create({
    fullName: 'Ахметова Айгуль',
    addresses: [{ channel: 'telegram', username: options.tutorUsername ?? 'aigul_tutor' }],
    locale: 'ru',
  });
  if (!curator.ok || !tutor.ok) throw new Error('fixture people');
  const { cohort } = await repos.cohorts.upsertByCode({
    code: options.code ?? 'FG72-SPRING',
    programmeId: programme.id,
    title: 'Функциональная грамотность, весна 2026',
    courseStart: new Date(options.courseStart ?? '2026-03-02T06:00:00Z'),
    courseEnd: new Date(options.courseEnd ?? '2026-03-20T12:00:00Z'),
    timeZone: options.timeZone ?? 'Europe/Moscow',
    locale: options.locale ?? 'ru',
    curatorIds: [curator.value.id],
    tutorIds: [tutor.value.id],
    ...(options.sendingWindow ? { sendingWindow: options.sendingWindow } : {}),
  });
  return { cohortId: cohort.id, code: cohort.code, curatorId: curator.value.id, tutorId: tutor.value.id };
}
