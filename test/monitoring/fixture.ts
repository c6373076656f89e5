// The hand-computed monitoring fixture: 10 teachers in 2 cohorts (2 programmes, 2 directions),
// 2 regions, urban and rural, one questionnaire ("fb") with Likert, multiple choice, ranking and
// number questions. The expected numbers in the tests are worked out in the comments there.
import { join } from 'node:path';
import type { Cohort } from '../../src/domain/cohort.js';
import type { Participant, SettlementType } from '../../src/domain/participant.js';
import type { Programme } from '../../src/domain/programme.js';
import type { ActivityLevel, ActivityType } from '../../src/domain/activity.js';
import type { AnswerValue } from '../../src/domain/response.js';
import type { StageStatus } from '../../src/domain/stage.js';
import { loadQuestionnaires, problemWords, type QuestionnaireCatalog } from '../../src/questionnaires/index.js';
import type { Store } from '../../src/store/index.js';

export const REGION_A = 'Акмолинская область';
export const REGION_B = 'Карагандинская область';

interface TeacherSpec {
  name: string;
  cohort: 'c1' | 'c2';
  region: string;
  settlement: SettlementType;
  district: string;
  organisation: string;
  withdrawn?: boolean;
  stages?: StageStatus[];
}

export const TEACHERS: Record<string, TeacherSpec> = {
  t1: {
    name: 'Абаева Айгерим',
    cohort: 'c1',
    region: REGION_A,
    settlement: 'urban',
    district: 'Кокшетау',
    organisation: 'Школа-лицей № 1',
    stages: ['completed', 'completed', 'in_progress'],
  },
  t2: {
    name: 'Борисова Елена',
    cohort: 'c1',
    region: REGION_A,
    settlement: 'rural',
    district: 'Зерендинский район',
    organisation: 'СШ села Зеренда',
    stages: ['completed', 'in_progress', 'not_started'],
  },
  t3: {
    name: '=HYPERLINK("http://evil")',
    cohort: 'c1',
    region: REGION_B,
    settlement: 'urban',
    district: 'Караганда',
    organisation: 'Гимназия № 3',
    stages: ['completed', 'not_started', 'not_started'],
  },
  t4: {
    name: 'Гусева\u202Eанна\u200B',
    cohort: 'c1',
    region: REGION_B,
    settlement: 'rural',
    district: 'Осакаровский район',
    organisation: 'СШ посёлка Осакаровка',
    stages: ['in_progress', 'not_started', 'not_started'],
  },
  t5: {
    name: 'Давлетова Сауле',
    cohort: 'c1',
    region: REGION_A,
    settlement: 'urban',
    district: 'Кокшетау',
    organisation: 'Школа-лицей № 1',
  },
  t6: {
    name: 'Ермекова Дана',
    cohort: 'c2',
    region: REGION_A,
    settlement: 'urban',
    district: 'Кокшетау',
    organisation: 'Школа-лицей № 1',
    stages: ['completed', 'completed', 'completed'],
  },
  t7: {
    name: 'Жуков Павел',
    cohort: 'c2',
    region: REGION_B,
    settlement: 'rural',
    district: 'Осакаровский район',
    organisation: 'СШ посёлка Осакаровка',
    stages: ['completed', 'not_started', 'not_started'],
  },
  t8: {
    name: 'Зайцева Ольга',
    cohort: 'c2',
    region: REGION_B,
    settlement: 'urban',
    district: 'Караганда',
    organisation: 'Гимназия № 3',
  },
  t9: {
    name: 'Ибраева Жанар',
    cohort: 'c2',
    region: REGION_A,
    settlement: 'rural',
    district: 'Зерендинский район',
    organisation: 'СШ села Зеренда',
    stages: ['in_progress', 'not_started', 'not_started'],
  },
  t10: {
    name: 'Ким Виктор',
    cohort: 'c2',
    region: REGION_B,
    settlement: 'rural',
    district: 'Осакаровский район',
    organisation: 'СШ посёлка Осакаровка',
    withdrawn: true,
    stages: ['completed', 'not_started', 'not_started'],
  },
};

type Answers = Record<string, AnswerValue | null>;
/** Answers to "fb" on occasion "exit"; `done: false` leaves the response in progress. */
export const RESPONSES: Record<string, { answers: Answers; done: boolean; completedAt?: string }> = {
  t1: {
    answers: {
      useful: 5,
      clear: 4,
      kinds: ['a', 'b'],
      rank: ['x', 'y', 'z'],
      n: 2,
      comment: '+7 900 000-00-00 звоните',
    },
    done: true,
  },
  t2: { answers: { useful: 4, clear: 2, kinds: ['a'], rank: ['y', 'x', 'z'], n: 4 }, done: true },
  t3: {
    answers: { useful: 3, clear: null, kinds: ['b', 'c'], rank: ['x', 'z', 'y'], n: 6, comment: '@SUM(1+1)' },
    done: true,
  },
  t4: { answers: { useful: 1 }, done: false },
  t6: { answers: { useful: 5, clear: 5, kinds: ['c'], rank: ['z', 'y', 'x'], n: 3 }, done: true },
  t7: {
    answers: { useful: 2, clear: 4, kinds: ['a', 'c'], rank: ['x', 'y', 'z'], n: 5 },
    done: true,
    completedAt: '2025-09-15T10:00:00Z',
  },
};

type Act = [ActivityType, ActivityLevel, 'accepted' | 'returned' | 'submitted'];
export const ACTIVITIES: Record<string, Act[]> = {
  t1: [
    ['open_lesson', 'school', 'accepted'],
    ['master_class', 'school', 'accepted'],
    ['webinar', 'district', 'accepted'],
    ['seminar', 'school', 'returned'],
  ],
  t2: [
    ['open_lesson', 'school', 'accepted'],
    ['publication', 'region', 'submitted'],
  ],
  t3: [
    ['webinar', 'district', 'accepted'],
    ['speech', 'region', 'accepted'],
    ['open_lesson', 'school', 'accepted'],
  ],
  t6: [
    ['open_lesson', 'school', 'accepted'],
    ['open_lesson', 'school', 'accepted'],
    ['master_class', 'district', 'accepted'],
    ['publication', 'republic', 'accepted'],
  ],
  t7: [['webinar', 'school', 'returned']],
};

/** [teacher, topic text as the teacher's language stored it, hours to close or null if still open]. */
export const CONSULTATIONS: [string, string, number | null, 'open' | 'answered' | 'closed'][] = [
  ['t1', 'Методика и технологии обучения', 24, 'closed'],
  ['t2', '__kk_methods__', 12, 'closed'],
  ['t6', 'Методика и технологии обучения', 48, 'closed'],
  ['t3', 'Цифровые инструменты', null, 'open'],
  ['t7', 'Оценивание', null, 'answered'],
];

export interface MonitoringFixture {
  catalog: QuestionnaireCatalog;
  programmes: { p1: Programme; p2: Programme };
  cohorts: { c1: Cohort; c2: Cohort };
  teachers: Record<string, Participant>;
  staff: Participant;
  curator: Participant;
  tutor: Participant;
}

export function fixtureCatalog(): QuestionnaireCatalog {
  const { catalog, errors } = loadQuestionnaires(join(import.meta.dirname, '../fixtures/monitoring-questionnaires'));
  if (errors.length) throw new Error(errors.map(problemWords('en')).join('\n'));
  return catalog;
}

const at = (iso: string) => new Date(iso);

export async function seedMonitoringFixture(store: Store, kkMethods: string): Promise<MonitoringFixture> {
  const repos = store.repositories;
  const { programme: p1 } = await repos.programmes.upsertByCode({
    code: 'DPP-NAT',
    title: 'Естественно-научная грамотность',
    direction: 'Естественно-научное',
    hours: 72,
  });
  const { programme: p2 } = await repos.programmes.upsertByCode({
    code: 'DPP-HUM',
    title: 'Читательская грамотность',
    direction: 'Гуманитарное',
    hours: 36,
  });
  const person = async (fullName: string, extra: Partial<Parameters<typeof repos.participants.create>[0]> = {}) => {
    const r = await repos.participants.create({ fullName, locale: 'ru', ...extra });
    if (!r.ok) throw new Error('fixture participant');
    return r.value;
  };
  const staff = await person('Сотрудник Центра', {
    isStaff: true,
    addresses: [{ channel: 'telegram', id: String(900_001) }],
  });
  const curator = await person('Куратор Первого', { addresses: [{ channel: 'telegram', id: String(900_002) }] });
  const tutor = await person('Тьютор Первого', { addresses: [{ channel: 'telegram', id: String(900_003) }] });
  const cohortInput = {
    courseStart: at('2025-01-13T00:00:00Z'),
    courseEnd: at('2025-01-24T00:00:00Z'),
    timeZone: 'Asia/Almaty',
    locale: 'ru' as const,
  };
  const { cohort: c1 } = await repos.cohorts.upsertByCode({
    code: 'NAT25A',
    programmeId: p1.id,
    title: 'ЕНГ январь 2025',
    curatorIds: [curator.id],
    tutorIds: [tutor.id],
    ...cohortInput,
  });
  const { cohort: c2 } = await repos.cohorts.upsertByCode({
    code: 'HUM25A',
    programmeId: p2.id,
    title: 'ЧГ январь 2025',
    ...cohortInput,
  });
  const cohorts = { c1, c2 };

  const teachers: Record<string, Participant> = {};
  let phone = 7_701_000_0000;
  for (const [key, spec] of Object.entries(TEACHERS)) {
    const teacher = await person(spec.name, {
      phone: `+${++phone}`,
      addresses: [{ channel: 'telegram', id: String(800_000 + Object.keys(teachers).length) }],
      region: spec.region,
      district: spec.district,
      settlementType: spec.settlement,
      organisation: spec.organisation,
      position: 'учитель',
      subject: 'биология',
    });
    teachers[key] = teacher;
    const cohort = cohorts[spec.cohort];
    const { enrollment } = await repos.enrollments.enroll({
      participantId: teacher.id,
      cohortId: cohort.id,
      at: at('2025-01-24T12:00:00Z'),
      stages: [1, 2, 3],
    });
    for (const [i, status] of (spec.stages ?? []).entries()) {
      if (status !== 'not_started')
        await repos.enrollments.setStage(
          enrollment.id,
          (i + 1) as 1 | 2 | 3,
          status,
          at(`2025-0${i + 3}-01T09:00:00Z`),
        );
    }
    if (spec.withdrawn) await repos.enrollments.setStatus(enrollment.id, 'withdrawn');
  }

  for (const [key, spec] of Object.entries(RESPONSES)) {
    const teacher = teachers[key]!;
    const cohortId = cohorts[TEACHERS[key]!.cohort].id;
    const { response } = await repos.responses.startOrResume({
      participantId: teacher.id,
      cohortId,
      questionnaireId: 'fb',
      occasion: 'exit',
      questionnaireVersion: 1,
      at: at('2025-02-01T08:00:00Z'),
    });
    for (const [questionId, value] of Object.entries(spec.answers)) {
      await repos.responses.saveAnswer(response.id, {
        questionId,
        value,
        skipped: value === null,
        answeredAt: at('2025-02-01T08:05:00Z'),
      });
    }
    if (spec.done) await repos.responses.complete(response.id, at(spec.completedAt ?? '2025-02-01T08:10:00Z'));
  }

  let day = 1;
  for (const [key, list] of Object.entries(ACTIVITIES)) {
    const teacher = teachers[key]!;
    const cohortId = cohorts[TEACHERS[key]!.cohort].id;
    for (const [type, level, status] of list) {
      const date = at(`2025-04-${String(day++).padStart(2, '0')}T10:00:00Z`);
      const activity = await repos.activities.submit({
        participantId: teacher.id,
        cohortId,
        type,
        level,
        date,
        title: `${type} ${level}`,
        links: ['https://example.org/a'],
        submittedAt: date,
      });
      if (status !== 'submitted') {
        await repos.activities.review(activity.id, { reviewerId: curator.id, decision: status, at: date });
      }
    }
  }

  for (const [key, rawTopic, hours, status] of CONSULTATIONS) {
    const teacher = teachers[key]!;
    const cohortId = cohorts[TEACHERS[key]!.cohort].id;
    const openedAt = at('2025-03-10T06:00:00Z');
    const topic = rawTopic === '__kk_methods__' ? kkMethods : rawTopic;
    const request = await repos.consultations.open({
      participantId: teacher.id,
      cohortId,
      topic,
      description: 'Нужна помощь',
      openedAt,
    });
    if (status !== 'open')
      await repos.consultations.setStatus(request.id, status, new Date(openedAt.getTime() + (hours ?? 1) * 3_600_000));
  }

  return { catalog: fixtureCatalog(), programmes: { p1, p2 }, cohorts, teachers, staff, curator, tutor };
}
