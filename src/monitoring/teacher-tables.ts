// The half-year report's per-teacher, per-activity and non-responder tables, in Russian or Kazakh
// (the cohort's language): the wording of a document the centre files, so it lives here.
import type { ActivityLevel, ActivityStatus, ActivityType } from '../domain/activity.js';
import type { StageStatus } from '../domain/stage.js';
import type { Table } from './tables.js';
import type { TeacherYear } from './teacher-year.js';

export type ReportLocale = 'ru' | 'kk';

const TEXT = {
  ru: {
    teachers: 'Сводка по педагогам',
    activities: 'Мероприятия педагогов',
    nonResponders: 'Не заполнили анкеты',
    teacherHeaders: ['Педагог', 'Поток', 'Организация', 'Регион', 'Город / село', 'Этап 1', 'Этап 2', 'Этап 3',
      'Принято за период', 'Принято с начала года', 'На доработке', 'На проверке', 'Норма', 'Норма выполнена',
      'Анкет заполнено', 'Открытых консультаций'],
    activityHeaders: ['Педагог', 'Поток', 'Вид', 'Уровень', 'Дата', 'Название', 'Ссылка', 'Статус', 'Комментарий'],
    nonResponderHeaders: ['Анкета', 'Повод', 'Поток', 'Педагог'],
    yes: 'да', no: 'нет', manual: 'вручную',
    urban: 'город', rural: 'село',
    status: { not_started: 'не начат', in_progress: 'в работе', completed: 'завершён' } as Record<StageStatus, string>,
    review: { submitted: 'на проверке', accepted: 'принято', returned: 'на доработке' } as Record<ActivityStatus, string>,
    type: { open_lesson: 'открытый урок', master_class: 'мастер-класс', webinar: 'вебинар', seminar: 'семинар', training: 'тренинг',
      consultation: 'консультация', contest: 'конкурс', publication: 'публикация', speech: 'выступление', other: 'другое' } as Record<ActivityType, string>,
    level: { school: 'школа', district: 'район / город', region: 'область', republic: 'республика' } as Record<ActivityLevel, string>,
  },
  kk: {
    teachers: 'Педагогтар бойынша жиынтық',
    activities: 'Педагогтардың іс-шаралары',
    nonResponders: 'Сауалнаманы толтырмағандар',
    teacherHeaders: ['Педагог', 'Ағын', 'Ұйым', 'Өңір', 'Қала / ауыл', '1-кезең', '2-кезең', '3-кезең',
      'Кезеңде қабылданды', 'Жыл басынан қабылданды', 'Пысықтауда', 'Тексеруде', 'Норма', 'Норма орындалды',
      'Толтырылған сауалнамалар', 'Ашық кеңестер'],
    activityHeaders: ['Педагог', 'Ағын', 'Түрі', 'Деңгейі', 'Күні', 'Атауы', 'Сілтеме', 'Мәртебесі', 'Түсініктеме'],
    nonResponderHeaders: ['Сауалнама', 'Себеп', 'Ағын', 'Педагог'],
    yes: 'иә', no: 'жоқ', manual: 'қолмен',
    urban: 'қала', rural: 'ауыл',
    status: { not_started: 'басталмаған', in_progress: 'орындалуда', completed: 'аяқталды' } as Record<StageStatus, string>,
    review: { submitted: 'тексеруде', accepted: 'қабылданды', returned: 'пысықтауда' } as Record<ActivityStatus, string>,
    type: { open_lesson: 'ашық сабақ', master_class: 'шеберлік сыныбы', webinar: 'вебинар', seminar: 'семинар', training: 'тренинг',
      consultation: 'кеңес', contest: 'байқау', publication: 'жарияланым', speech: 'баяндама', other: 'басқа' } as Record<ActivityType, string>,
    level: { school: 'мектеп', district: 'аудан / қала', region: 'облыс', republic: 'республика' } as Record<ActivityLevel, string>,
  },
} as const;

export function reportText(locale: ReportLocale) {
  return TEXT[locale];
}

const ddmmyyyy = (d: Date) => d.toISOString().slice(0, 10).split('-').reverse().join('.');

export function teacherTables(year: TeacherYear, locale: ReportLocale, titles: ReadonlyMap<string, string>): { teachers: Table; activities: Table; nonResponders: Table } {
  const x = TEXT[locale];
  const stageCell = (s: TeacherYear['teachers'][number]['stages'][number] | undefined) => {
    if (!s) return '—';
    const date = s.completedAt ?? s.startedAt;
    return `${x.status[s.status]}${date ? ` ${ddmmyyyy(date)}` : ''}${s.cause === 'manual' ? ` (${x.manual})` : ''}`;
  };
  const stageNumbers = [...new Set(year.teachers.flatMap((t) => t.stages.map((s) => s.stage)))].sort();
  const stageHeaders = stageNumbers.length ? stageNumbers.map((n) => `${x.teacherHeaders[5]!.replace(/\d/, String(n))}`) : [];
  const headers = [...x.teacherHeaders.slice(0, 5), ...stageHeaders, ...x.teacherHeaders.slice(8)];
  return {
    teachers: {
      title: x.teachers,
      headers,
      rows: year.teachers.map((t) => [
        t.name, t.cohortCode, t.organisation, t.region,
        t.settlementType === 'urban' ? x.urban : t.settlementType === 'rural' ? x.rural : '',
        ...stageNumbers.map((n) => stageCell(t.stages.find((s) => s.stage === n))),
        t.acceptedInPeriod, t.acceptedToDate, t.returnedToDate, t.pendingToDate, t.required,
        t.metRequired ? x.yes : x.no, t.questionnairesCompleted, t.openConsultations,
      ]),
    },
    activities: {
      title: x.activities,
      headers: [...x.activityHeaders],
      rows: year.activities.map((r) => [
        r.teacher, r.cohortCode, x.type[r.activity.type], x.level[r.activity.level], ddmmyyyy(r.activity.date),
        r.activity.title, r.activity.links.map((l) => l.url).join(' '), x.review[r.activity.status], r.comment,
      ]),
    },
    nonResponders: {
      title: x.nonResponders,
      headers: [...x.nonResponderHeaders],
      rows: year.questionnaires.flatMap((q) => q.missing.map((m) => [titles.get(q.questionnaireId) ?? q.questionnaireId, q.occasion, m.cohortCode, m.name])),
    },
  };
}
