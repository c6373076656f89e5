// The bench's data: a centre's year at scale, shaped like the shipped questionnaires. Every
// response is one of the default plan's occasions (exit, entry, stage check-ins, difficulties,
// impact at 6 and 11 months), answers one question of each `questionnaires/*.yaml` as its type
// stores it (Likert points, option ids, rankings, yes/no, numbers, dates, links, free text), and
// follows the catalog's current versions. The generator is deterministic: the same data each run.
import { join } from 'node:path';
import { Types } from 'mongoose';
import {
  loadQuestionnaires,
  problemWords,
  type Question,
  type QuestionnaireCatalog,
} from '../../src/questionnaires/index.js';
import type { Store } from '../../src/store/index.js';

export const RESPONSES_PER_PARTICIPANT = 10;

/** The default plan's occasions, and two more difficulties check-ins: ten responses a teacher. */
const OCCASIONS: readonly { questionnaireId: string; occasion: string; month: number }[] = [
  { questionnaireId: 'exit', occasion: 'exit', month: 0 },
  { questionnaireId: 'entry', occasion: 'entry', month: 0 },
  { questionnaireId: 'stage-1-plan', occasion: 'stage-1', month: 0.5 },
  { questionnaireId: 'difficulties', occasion: 'difficulties-2m', month: 2 },
  { questionnaireId: 'stage-2-progress', occasion: 'stage-2', month: 5 },
  { questionnaireId: 'impact', occasion: 'impact-6m', month: 6 },
  { questionnaireId: 'difficulties', occasion: 'difficulties-8m', month: 8 },
  { questionnaireId: 'stage-3-results', occasion: 'stage-3', month: 10 },
  { questionnaireId: 'impact', occasion: 'impact-11m', month: 11 },
  { questionnaireId: 'difficulties', occasion: 'difficulties-11m', month: 11 },
];

const REGIONS = [
  'Акмолинская',
  'Алматинская',
  'Атырауская',
  'Восточно-Казахстанская',
  'Жамбылская',
  'Карагандинская',
  'Костанайская',
  'Кызылординская',
  'Мангистауская',
  'Павлодарская',
  'Северо-Казахстанская',
  'Туркестанская',
  'Ярославская',
  'Кемеровская',
  'Астана',
  'Алматы',
  'Шымкент',
].map((r) => `${r} область`);
const DIRECTIONS = ['Естественно-научное', 'Гуманитарное', 'Управленческое'];
const TEXTS = [
  'Полезный курс, спасибо; хотелось бы больше практики',
  'Не хватает времени на подготовку открытых уроков',
  'Провела мастер-класс для коллег района, «Формативное оценивание»',
  'Нужна консультация по публикации статьи',
];

export interface BenchData {
  catalog: QuestionnaireCatalog;
  participants: number;
  responses: number;
  completedResponses: number;
  /** Responses of each questionnaire (completed and not). */
  byQuestionnaire: Map<string, number>;
  cohortIds: string[];
  /** Responses in the first quarter of the cohorts (the smaller export). */
  responsesInFirstQuarter: number;
  generatedSeconds: number;
}

export function shippedCatalog(): QuestionnaireCatalog {
  const root = join(import.meta.dirname, '../..');
  const { catalog, errors } = loadQuestionnaires(join(root, 'questionnaires'), { root });
  if (errors.length > 0) throw new Error(`questionnaires do not load: ${errors.map(problemWords('en')).join('; ')}`);
  return catalog;
}

export async function generate(store: Store, participantCount: number): Promise<BenchData> {
  const t0 = performance.now();
  let state = 42;
  const rand = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const catalog = shippedCatalog();
  const { models } = store;

  const now = new Date('2026-06-01T00:00:00Z');
  const programmes = DIRECTIONS.flatMap((direction, d) =>
    [0, 1].map((k) => ({
      _id: new Types.ObjectId(),
      code: `BENCH-${d}${k}`,
      title: `Программа ${d}${k}`,
      direction,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await models.programme.collection.insertMany(programmes);
  const cohorts = Array.from({ length: 40 }, (_, i) => ({
    _id: new Types.ObjectId(),
    code: `BENCH${String(i).padStart(2, '0')}`,
    programmeId: programmes[i % programmes.length]!._id,
    title: `Поток ${i}`,
    courseStart: new Date('2025-09-01T00:00:00Z'),
    courseEnd: new Date('2025-09-20T00:00:00Z'),
    timeZone: 'Asia/Almaty',
    locale: 'ru',
    status: 'active',
    curatorIds: [],
    tutorIds: [],
    groups: [],
    createdAt: now,
    updatedAt: now,
  }));
  await models.cohort.collection.insertMany(cohorts);
  const firstQuarter = new Set(cohorts.slice(0, cohorts.length / 4).map((c) => String(c._id)));

  const participants = Array.from({ length: participantCount }, (_, i) => {
    const region = pick(REGIONS);
    return {
      _id: new Types.ObjectId(),
      fullName: `Педагог ${i}`,
      phone: `+7701${String(i).padStart(7, '0')}`,
      region,
      district: `${region.split(' ')[0]} район ${Math.floor(rand() * 8)}`,
      settlementType: rand() < 0.45 ? 'rural' : 'urban',
      organisation: `Школа № ${Math.floor(rand() * 400)}`,
      position: 'учитель',
      subject: 'математика',
      locale: 'ru',
      isStaff: false,
      addresses: [{ channel: 'telegram', id: String(100_000 + i) }],
      createdAt: now,
      updatedAt: now,
    };
  });
  const cohortOf = participants.map((_, i) => cohorts[i % cohorts.length]!._id);
  const insert = async (
    collection: { insertMany(docs: object[], options: object): Promise<unknown> },
    docs: object[],
  ) => {
    for (let i = 0; i < docs.length; i += 5000)
      await collection.insertMany(docs.slice(i, i + 5000), { ordered: false });
  };
  await insert(models.participant.collection, participants);
  await insert(
    models.enrollment.collection,
    participants.map((p, i) => ({
      _id: new Types.ObjectId(),
      participantId: p._id,
      cohortId: cohortOf[i],
      status: rand() < 0.03 ? 'withdrawn' : 'active',
      currentStage: 2,
      stages: [1, 2, 3].map((stage) => ({
        stage,
        status: rand() < 0.6 / stage ? 'completed' : rand() < 0.5 ? 'in_progress' : 'not_started',
        completedAt: new Date('2025-11-01T00:00:00Z'),
      })),
      joinedAt: new Date('2025-09-20T00:00:00Z'),
      createdAt: now,
      updatedAt: now,
    })),
  );

  const answer = (q: Question): unknown => {
    switch (q.type) {
      case 'likert':
        return q.scale.min + Math.floor(rand() * (q.scale.max - q.scale.min + 1));
      case 'single_choice':
        return pick(q.options).id;
      case 'multiple_choice': {
        const chosen = q.options
          .filter(() => rand() < 0.35)
          .map((o) => o.id)
          .slice(0, q.max);
        return chosen.length >= Math.max(1, q.min) ? chosen : q.options.slice(0, Math.max(1, q.min)).map((o) => o.id);
      }
      case 'ranking':
        return [...q.options]
          .sort(() => rand() - 0.5)
          .slice(0, q.count)
          .map((o) => o.id);
      case 'yes_no':
        return rand() < 0.5;
      case 'number': {
        const min = q.min ?? 0;
        const max = q.max ?? 40;
        return q.integer
          ? min + Math.floor(rand() * (max - min + 1))
          : Math.round((min + rand() * (max - min)) * 10) / 10;
      }
      case 'date':
        return `2025-${String(10 + Math.floor(rand() * 3)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
      case 'link':
        return `https://school-${Math.floor(rand() * 400)}.edu.kz/news/${Math.floor(rand() * 1000)}`;
      case 'short_text':
      case 'long_text':
        return pick(TEXTS);
      default: {
        const never: never = q;
        throw new Error(`unknown question type ${JSON.stringify(never)}`);
      }
    }
  };
  const courseEnd = Date.UTC(2025, 8, 20);
  let completedResponses = 0;
  let responsesInFirstQuarter = 0;
  const byQuestionnaire = new Map<string, number>();
  // Written in batches: holding all responses at once would measure the generator's memory.
  let batch: object[] = [];
  for (const [i, p] of participants.entries()) {
    const inFirst = firstQuarter.has(String(cohortOf[i]));
    for (const o of OCCASIONS) {
      const questionnaire = catalog.get(o.questionnaireId);
      if (!questionnaire) throw new Error(`questionnaires/ has no ${o.questionnaireId}`);
      const completed = rand() < 0.85;
      if (completed) completedResponses++;
      if (inFirst) responsesInFirstQuarter++;
      byQuestionnaire.set(o.questionnaireId, (byQuestionnaire.get(o.questionnaireId) ?? 0) + 1);
      const startedAt = new Date(courseEnd + o.month * 30 * 86_400_000 + Math.floor(rand() * 5 * 86_400_000));
      // An unfinished response stops part of the way; optional questions are sometimes skipped.
      const asked = completed
        ? questionnaire.questions
        : questionnaire.questions.slice(0, Math.floor(rand() * questionnaire.questions.length));
      batch.push({
        _id: new Types.ObjectId(),
        participantId: p._id,
        cohortId: cohortOf[i],
        questionnaireId: questionnaire.id,
        questionnaireVersion: questionnaire.version,
        occasion: o.occasion,
        status: completed ? 'completed' : 'in_progress',
        startedAt,
        ...(completed ? { completedAt: new Date(startedAt.getTime() + 600_000) } : {}),
        answers: asked.map((q) => {
          const skipped = !q.required && rand() < 0.3;
          return { questionId: q.id, value: skipped ? null : answer(q), skipped, answeredAt: startedAt };
        }),
        createdAt: startedAt,
        updatedAt: startedAt,
      });
      if (batch.length >= 5000) {
        await models.response.collection.insertMany(batch, { ordered: false });
        batch = [];
      }
    }
  }
  if (batch.length > 0) await models.response.collection.insertMany(batch, { ordered: false });

  const types = ['open_lesson', 'master_class', 'webinar', 'seminar', 'publication'];
  const levels = ['school', 'district', 'region', 'republic'];
  await insert(
    models.activity.collection,
    Array.from({ length: participantCount * 3 }, (_, i) => ({
      _id: new Types.ObjectId(),
      participantId: participants[i % participantCount]!._id,
      cohortId: cohortOf[i % participantCount],
      type: pick(types),
      level: pick(levels),
      date: new Date(Date.UTC(2025, 9 + Math.floor(rand() * 6), 1 + Math.floor(rand() * 27))),
      title: 'Мероприятие',
      links: [{ url: 'https://example.org/x' }],
      status: rand() < 0.7 ? 'accepted' : rand() < 0.5 ? 'returned' : 'submitted',
      reviews: [],
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
    })),
  );
  const topics = ['Методика и технологии обучения', 'Оценивание', 'Цифровые инструменты'];
  await insert(
    models.consultation.collection,
    Array.from({ length: participantCount / 2 }, (_, i) => {
      const openedAt = new Date(Date.UTC(2025, 10, 1 + (i % 28)));
      const closed = rand() < 0.7;
      return {
        _id: new Types.ObjectId(),
        participantId: participants[i]!._id,
        cohortId: cohortOf[i],
        topic: pick(topics),
        description: 'Нужна помощь',
        status: closed ? 'closed' : 'open',
        messages: [],
        openedAt,
        ...(closed ? { closedAt: new Date(openedAt.getTime() + rand() * 7 * 86_400_000) } : {}),
        createdAt: now,
        updatedAt: now,
      };
    }),
  );
  return {
    catalog,
    participants: participantCount,
    responses: participantCount * RESPONSES_PER_PARTICIPANT,
    completedResponses,
    byQuestionnaire,
    cohortIds: cohorts.map((c) => String(c._id)),
    responsesInFirstQuarter,
    generatedSeconds: (performance.now() - t0) / 1000,
  };
}
