// The pure planner: what is due when, for whom, under which key, from a cohort and its send log.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDERS,
  dueAt,
  finalSurveyOf,
  halfYearDeadlines,
  nextSendAt,
  planCohort,
  stagePlanProblems,
  type PlannedSend,
  type PlannerInput,
  type PlannerTeacher,
} from '../../src/domain/post-course-plan.js';
import { sendKey, type ScheduledSend } from '../../src/domain/scheduled-send.js';
import { SendRecords } from '../../src/domain/send-records.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';
import { formatProblem } from '../../src/import/fields.js';
import { planProblems } from '../../src/import/zod-problems.js';

const MOSCOW = 'Europe/Moscow';
// Friday 20 March 2026: the post-course year runs from 21 March 2026 to 20 March 2027.
const cohort = {
  id: 'c1',
  status: 'active' as const,
  courseEnd: startOfLocalDay('2026-03-20', MOSCOW),
  timeZone: MOSCOW,
};

function teacher(id: string, patch: Partial<PlannerTeacher> = {}): PlannerTeacher {
  return {
    participantId: id,
    joinedAt: new Date('2026-03-10T08:00:00Z'),
    reachable: true,
    consented: true,
    optedOut: false,
    anonymised: false,
    acceptedActivities: 0,
    completed: new Set(),
    ...patch,
  };
}

const curator = { participantId: 'cur', reachable: true, optedOut: false, anonymised: false };

function input(patch: Partial<PlannerInput> = {}): PlannerInput {
  return {
    cohort,
    plan: DEFAULT_STAGE_PLAN,
    teachers: [teacher('t1')],
    curators: [curator],
    log: new SendRecords(),
    now: new Date('2026-03-20T12:00:00Z'),
    ...patch,
  };
}

const summary = (sends: readonly PlannedSend[]) =>
  sends.map((s) => `${s.at.toISOString()} ${s.kind} ${s.occasion} ${s.recipientId}`);

/** A send log of these records, as the job reads it. */
const logOf = (entries: [string, ScheduledSend][]) => SendRecords.of(entries.map(([, s]) => s));

function sent(
  kind: ScheduledSend['kind'],
  occasion: string,
  recipientId: string,
  at: string,
  patch: Partial<ScheduledSend> = {},
): [string, ScheduledSend] {
  const key = sendKey({ cohortId: 'c1', kind, occasion, recipientId });
  return [
    key,
    {
      key,
      cohortId: 'c1',
      kind,
      occasion,
      recipientId,
      status: 'sent',
      dueAt: new Date(at),
      attemptedAt: new Date(at),
      sentAt: new Date(at),
      attempts: 1,
      ...patch,
    },
  ];
}

describe('post-course planner', () => {
  it('plans the whole year for one teacher at local 09:00 on weekdays', () => {
    const all = planCohort(input());
    const firstOf = (kind: string, occasion: string) =>
      all.find((s) => s.kind === kind && s.occasion === occasion)?.at.toISOString();
    // Stage 1 and the first surveys start on Saturday 21 March: they wait for Monday 09:00 Moscow.
    expect(firstOf('stage', 'stage-1')).toBe('2026-03-23T06:00:00.000Z');
    expect(firstOf('invite', 'exit')).toBe('2026-03-23T06:00:00.000Z');
    expect(firstOf('stage', 'stage-2')).toBe('2026-04-20T06:00:00.000Z');
    expect(firstOf('stage', 'stage-3')).toBe('2027-01-20T06:00:00.000Z');
    expect(firstOf('invite', 'impact-6m')).toBe('2026-09-21T06:00:00.000Z');
    expect(firstOf('activity-nudge', 'activities+9m')).toBe('2026-12-21T06:00:00.000Z');
    expect(firstOf('closing', 'year-end')).toBe('2027-03-22T06:00:00.000Z');
    expect(firstOf('final-survey', 'impact-11m')).toBe('2027-03-22T06:00:00.000Z');
    // Report reminders five days ahead; 26 September is a Saturday, so Friday the 25th.
    expect(all.filter((s) => s.kind === 'report-reminder').map((s) => `${s.at.toISOString()} ${s.deadline}`)).toEqual([
      '2026-05-27T06:00:00.000Z 2026-06-01',
      '2026-09-25T06:00:00.000Z 2026-10-01',
      '2027-05-27T06:00:00.000Z 2027-06-01',
    ]);
    // Within one instant: the stage prompt, then the invitations in the plan's order.
    expect(summary(all.slice(0, 3))).toEqual([
      '2026-03-23T06:00:00.000Z stage stage-1 t1',
      '2026-03-23T06:00:00.000Z invite exit t1',
      '2026-03-23T06:00:00.000Z invite entry t1',
    ]);
    // Every send goes Monday to Friday at 09:00 Moscow.
    for (const s of all) {
      expect(s.at.getUTCHours()).toBe(6);
      expect([1, 2, 3, 4, 5]).toContain(((s.at.getUTCDay() + 6) % 7) + 1);
    }
  });

  it('gives keys that depend on what is sent and to whom, never on when', () => {
    const a = planCohort(input());
    const b = planCohort(input({ cohort: { ...cohort, courseEnd: startOfLocalDay('2026-04-10', MOSCOW) } }));
    expect(a.find((s) => s.kind === 'stage')?.key).toBe('c1|stage|stage-1|t1');
    expect(new Set(a.map((s) => s.key)).size).toBe(a.length);
    expect(b.find((s) => s.kind === 'stage')?.key).toBe(a.find((s) => s.kind === 'stage')?.key);
    // The date change moved the stage: the course ends on Friday 10 April, stage 1 opens Monday 13th.
    expect(b.find((s) => s.kind === 'stage')?.at.toISOString()).toBe('2026-04-13T06:00:00.000Z');
  });

  it('sends only what is due now, inside the window', () => {
    const monday = new Date('2026-03-23T06:00:00Z');
    expect(summary(dueAt(planCohort(input({ now: monday })), monday))).toEqual([
      '2026-03-23T06:00:00.000Z stage stage-1 t1',
      '2026-03-23T06:00:00.000Z invite exit t1',
      '2026-03-23T06:00:00.000Z invite entry t1',
    ]);
    // Sunday night: nothing goes, the next send is Monday 09:00.
    const sunday = new Date('2026-03-22T20:00:00Z');
    const planned = planCohort(input({ now: sunday }));
    expect(dueAt(planned, sunday)).toEqual([]);
    expect(nextSendAt(planned, sunday)?.toISOString()).toBe('2026-03-23T06:00:00.000Z');
  });

  it('catches a late joiner up with the current stage and the open questionnaires only', () => {
    const now = new Date('2026-05-21T08:00:00Z');
    const late = teacher('late', { joinedAt: new Date('2026-05-21T07:55:00Z') });
    expect(summary(dueAt(planCohort(input({ teachers: [late], now })), now))).toEqual([
      '2026-05-21T08:00:00.000Z stage stage-2 late',
      '2026-05-21T08:00:00.000Z invite difficulties-2m late',
    ]);
  });

  it('reminds after three days, twice, then tells the curators who never answered', () => {
    const log = logOf([
      sent('invite', 'exit', 't1', '2026-03-23T06:00:00Z'),
      sent('invite', 'entry', 't1', '2026-03-23T06:00:00Z'),
    ]);
    const done = teacher('t1', { completed: new Set(['entry|entry']) });
    const all = planCohort(input({ teachers: [done], log, now: new Date('2026-03-23T07:00:00Z') }));
    const exit = all.filter((s) => s.survey?.occasion === 'exit');
    expect(summary(exit)).toEqual([
      '2026-03-26T06:00:00.000Z reminder exit#1 t1',
      // 29 March is a Sunday.
      '2026-03-30T06:00:00.000Z reminder exit#2 t1',
      '2026-04-02T06:00:00.000Z non-responders exit@2026-04-02 cur',
    ]);
    expect(exit.at(-1)?.teacherIds).toEqual(['t1']);
    // The completed questionnaire gets neither reminders nor a mention.
    expect(all.filter((s) => s.survey?.occasion === 'entry')).toEqual([]);
    expect(DEFAULT_REMINDERS).toEqual({ afterDays: 3, maxCount: 2 });
  });

  it("counts reminders from when the previous one really went, and follows the plan's settings", () => {
    const log = logOf([
      sent('invite', 'exit', 't1', '2026-03-23T06:00:00Z'),
      sent('reminder', 'exit#1', 't1', '2026-03-27T15:00:00Z'),
    ]);
    const plan = { ...DEFAULT_STAGE_PLAN, reminders: { afterDays: 2, maxCount: 3 } };
    const exit = planCohort(input({ plan, log, now: new Date('2026-03-27T16:00:00Z') })).filter(
      (s) => s.survey?.occasion === 'exit',
    );
    expect(summary(exit)).toEqual([
      // Friday 18:00 + 2 days is Sunday 18:00: Monday 09:00.
      '2026-03-30T06:00:00.000Z reminder exit#2 t1',
      '2026-04-01T06:00:00.000Z reminder exit#3 t1',
      '2026-04-03T06:00:00.000Z non-responders exit@2026-04-03 cur',
    ]);
  });

  it('sends nothing to an opted-out or anonymised teacher, but still reminds the curators of reports', () => {
    const quiet = [
      teacher('stop', { optedOut: true }),
      teacher('gone', { anonymised: true }),
      teacher('nochat', { reachable: false }),
      teacher('noconsent', { consented: false }),
    ];
    const all = planCohort(input({ teachers: quiet }));
    expect(all.filter((s) => s.recipientId !== 'cur')).toEqual([]);
    expect(all.filter((s) => s.kind === 'report-reminder')).toHaveLength(3);
    // A curator's own /stop silences their report reminders.
    expect(planCohort(input({ teachers: quiet, curators: [{ ...curator, optedOut: true }] }))).toEqual([]);
  });

  it('nudges at month 9 only teachers short of three accepted activities', () => {
    const all = planCohort(
      input({ teachers: [teacher('few', { acceptedActivities: 2 }), teacher('done', { acceptedActivities: 3 })] }),
    );
    expect(all.filter((s) => s.kind === 'activity-nudge').map((s) => s.recipientId)).toEqual(['few']);
  });

  it('retries a failed send later and gives up after the last attempt', () => {
    const failedOnce = logOf([
      sent('stage', 'stage-1', 't1', '2026-03-23T06:00:00Z', { status: 'failed', sentAt: undefined }),
    ]);
    const now = new Date('2026-03-23T06:01:00Z');
    const retry = planCohort(input({ log: failedOnce, now })).find((s) => s.kind === 'stage');
    expect(retry).toMatchObject({ at: new Date('2026-03-23T06:15:00Z'), attempts: 1 });
    const failedThrice = logOf([
      sent('stage', 'stage-1', 't1', '2026-03-23T06:00:00Z', { status: 'failed', attempts: 3, sentAt: undefined }),
    ]);
    expect(
      planCohort(input({ log: failedThrice, now })).find((s) => s.kind === 'stage' && s.occasion === 'stage-1'),
    ).toBeUndefined();
    const undeliverable = logOf([sent('stage', 'stage-1', 't1', '2026-03-23T06:00:00Z', { status: 'undeliverable' })]);
    expect(
      planCohort(input({ log: undeliverable, now })).find((s) => s.kind === 'stage' && s.occasion === 'stage-1'),
    ).toBeUndefined();
  });

  it('never plans again what was taken and not confirmed (a crash mid-send)', () => {
    const log = logOf([
      sent('stage', 'stage-1', 't1', '2026-03-23T06:00:00Z', { status: 'sending', sentAt: undefined }),
    ]);
    expect(
      planCohort(input({ log, now: new Date('2026-03-23T07:00:00Z') })).find(
        (s) => s.kind === 'stage' && s.occasion === 'stage-1',
      ),
    ).toBeUndefined();
  });

  it('adds calendar months from the 31st: stage 2 of a course ending 31 January opens on 28 February', () => {
    const january = { ...cohort, courseEnd: startOfLocalDay('2026-01-31', MOSCOW) };
    const early = teacher('t1', { joinedAt: new Date('2026-01-10T08:00:00Z') });
    const stage2 = planCohort(
      input({ cohort: january, teachers: [early], now: new Date('2026-01-31T12:00:00Z') }),
    ).find((s) => s.occasion === 'stage-2');
    // 28 February 2026 is a Saturday: Monday 2 March, 09:00 Moscow.
    expect(stage2?.at.toISOString()).toBe('2026-03-02T06:00:00.000Z');
  });

  it('plans in the cohort zone: Almaty at 09:00 UTC+5, a DST zone at 09:00 before and after the change', () => {
    const almaty = { ...cohort, timeZone: 'Asia/Almaty', courseEnd: startOfLocalDay('2026-03-20', 'Asia/Almaty') };
    expect(planCohort(input({ cohort: almaty }))[0]?.at.toISOString()).toBe('2026-03-23T04:00:00.000Z');
    const berlin = { ...cohort, timeZone: 'Europe/Berlin', courseEnd: startOfLocalDay('2026-03-20', 'Europe/Berlin') };
    const sends = planCohort(input({ cohort: berlin }));
    // Stage 1 on Monday 23 March (winter time, UTC+1), stage 2 on Monday 20 April (summer time, UTC+2).
    expect(sends.find((s) => s.occasion === 'stage-1')?.at.toISOString()).toBe('2026-03-23T08:00:00.000Z');
    expect(sends.find((s) => s.occasion === 'stage-2')?.at.toISOString()).toBe('2026-04-20T07:00:00.000Z');
  });

  it('plans nothing for a cohort that is not active', () => {
    expect(planCohort(input({ cohort: { ...cohort, status: 'finished' } }))).toEqual([]);
    expect(planCohort(input({ cohort: { ...cohort, status: 'archived' } }))).toEqual([]);
  });

  it('finds the final survey and the report deadlines of a year', () => {
    expect(finalSurveyOf(DEFAULT_STAGE_PLAN)).toEqual({ questionnaireId: 'impact', occasion: 'impact-11m' });
    expect(
      finalSurveyOf({ ...DEFAULT_STAGE_PLAN, finalSurvey: { questionnaireId: 'exit', occasion: 'final' } }),
    ).toEqual({ questionnaireId: 'exit', occasion: 'final' });
    expect(halfYearDeadlines({ start: '2026-09-02', end: '2027-09-01' }).map((d) => `${d.deadline}/${d.half}`)).toEqual(
      ['2026-10-01/2', '2027-06-01/1', '2027-10-01/2'],
    );
    expect(halfYearDeadlines({ start: '2026-06-01', end: '2027-06-01' }).map((d) => d.deadline)).toEqual([
      '2026-10-01',
      '2027-06-01',
    ]);
  });

  it('checks a stage plan as data before trusting it', () => {
    expect(stagePlanProblems(DEFAULT_STAGE_PLAN)).toEqual([]);
    const twice = {
      ...DEFAULT_STAGE_PLAN,
      questionnaires: [
        ...DEFAULT_STAGE_PLAN.questionnaires,
        { questionnaireId: 'impact', offset: '+3m', occasion: 'impact-6m' },
      ],
    };
    const russian = (plan: unknown) => planProblems(stagePlanProblems(plan)).map(formatProblem);
    expect(russian(twice)).toEqual(['questionnaires[8].occasion: повод «impact-6m» уже есть в плане']);
    expect(russian({ ...DEFAULT_STAGE_PLAN, reminders: { afterDays: 0, maxCount: 2 } })).toEqual([
      'reminders.afterDays: должно быть не меньше 1',
    ]);
    expect(russian({ stages: [{ stage: 1, startOffset: '7 days' }], questionnaires: [] })).toEqual([
      'stages[0].startOffset: ожидается сдвиг от конца курса вида +7d, +2w или +6m',
    ]);
    expect(
      russian({
        stages: [
          { stage: 1, startOffset: '+1d' },
          { stage: 1, startOffset: '+1m' },
        ],
        questionnaires: [],
      }),
    ).toEqual(['stages[1].stage: этап 1 указан дважды']);
  });
});
