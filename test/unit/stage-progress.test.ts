import { describe, expect, it } from 'vitest';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';
import {
  evaluateStages,
  stageChanges,
  type ActivityFact,
  type ResponseFact,
  type StageFacts,
} from '../../src/domain/stage-progress.js';
import type { StagePlan } from '../../src/domain/stage.js';

const day = (d: string): Date => new Date(`${d}T09:00:00Z`);
const none: StageFacts = { responses: [], activities: [], overrides: [] };

function response(
  questionnaireId: string,
  completedAt: string,
  answers: ResponseFact['answers'] = {},
  links: ResponseFact['links'] = [],
): ResponseFact {
  return { questionnaireId, occasion: questionnaireId, completedAt: day(completedAt), answers, links };
}

function accepted(id: string, decidedAt: string, patch: Partial<ActivityFact> = {}): ActivityFact {
  return {
    id,
    type: 'open_lesson',
    level: 'school',
    status: 'accepted',
    decidedAt: day(decidedAt),
    links: [{ url: `https://school.kz/${id}` }],
    ...patch,
  };
}

const statuses = (facts: StageFacts, plan: StagePlan = DEFAULT_STAGE_PLAN) =>
  evaluateStages(plan, facts).map((s) => [s.stage, s.status]);

describe('stage progress by the default rules', () => {
  it('leaves every stage not started for a teacher who did nothing', () => {
    expect(statuses(none)).toEqual([
      [1, 'not_started'],
      [2, 'not_started'],
      [3, 'not_started'],
    ]);
  });

  it('completes stage 1 only when the plan questionnaire says the plan is approved', () => {
    const drafted = { ...none, responses: [response('stage-1-plan', '2026-04-10', { plan_status: 'drafted' })] };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, drafted)[0]).toMatchObject({
      status: 'in_progress',
      startedAt: day('2026-04-10'),
    });

    const approved = { ...none, responses: [response('stage-1-plan', '2026-04-12', { plan_status: 'approved' })] };
    const [stage1] = evaluateStages(DEFAULT_STAGE_PLAN, approved);
    expect(stage1).toMatchObject({
      stage: 1,
      status: 'completed',
      startedAt: day('2026-04-12'),
      completedAt: day('2026-04-12'),
    });
    expect(stage1!.cause).toMatchObject({
      kind: 'rule',
      rule: { kind: 'questionnaire-completed', questionnaireId: 'stage-1-plan' },
    });
  });

  it('puts stage 2 in progress with the first accepted activity and completes it at the third', () => {
    const one = { ...none, activities: [accepted('a1', '2026-05-01')] };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, one)[1]).toMatchObject({
      status: 'in_progress',
      startedAt: day('2026-05-01'),
    });

    const submittedAndReturned: ActivityFact[] = [
      accepted('a1', '2026-05-01'),
      { id: 'a2', type: 'webinar', level: 'school', status: 'returned', decidedAt: day('2026-06-01'), links: [] },
      { id: 'a3', type: 'webinar', level: 'school', status: 'submitted', links: [] },
      accepted('a4', '2026-09-01'),
    ];
    expect(evaluateStages(DEFAULT_STAGE_PLAN, { ...none, activities: submittedAndReturned })[1]!.status).toBe(
      'in_progress',
    );

    const three = {
      ...none,
      activities: [accepted('a3', '2026-11-20'), accepted('a1', '2026-05-01'), accepted('a2', '2026-09-01')],
    };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, three)[1]).toMatchObject({
      status: 'completed',
      startedAt: day('2026-05-01'),
      completedAt: day('2026-11-20'),
    });
  });

  it('takes the required count from the plan', () => {
    const plan = { ...DEFAULT_STAGE_PLAN, requiredActivities: 2 };
    const two = { ...none, activities: [accepted('a1', '2026-05-01'), accepted('a2', '2026-06-01')] };
    expect(evaluateStages(plan, two)[1]).toMatchObject({ status: 'completed', completedAt: day('2026-06-01') });
  });

  it('completes stage 3 when the results questionnaire is completed with a live link', () => {
    const noLink = { ...none, responses: [response('stage-3-results', '2027-01-20')] };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, noLink)[2]!.status).toBe('in_progress');

    const dead = {
      ...none,
      responses: [response('stage-3-results', '2027-01-20', {}, [{ url: 'https://x.kz/p', reachable: false }])],
    };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, dead)[2]!.status).toBe('in_progress');

    // Not checked yet (or no check could reach it: no network): not live, the stage waits in progress.
    const unchecked = {
      ...none,
      responses: [response('stage-3-results', '2027-01-21', {}, [{ url: 'https://x.kz/p' }])],
    };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, unchecked)[2]).toMatchObject({
      status: 'in_progress',
      startedAt: day('2027-01-21'),
    });

    // Found open by a check the same day: completed that day.
    const live = {
      ...none,
      responses: [response('stage-3-results', '2027-01-21', {}, [{ url: 'https://x.kz/p', reachable: true }])],
    };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, live)[2]).toMatchObject({
      status: 'completed',
      completedAt: day('2027-01-21'),
    });

    // Found open by a later check (one dead link, then a working one): completed on the day of that check.
    const later = {
      ...none,
      responses: [
        response('stage-3-results', '2027-01-21', {}, [
          { url: 'https://x.kz/dead', reachable: false },
          { url: 'https://x.kz/p', reachable: true, liveSince: day('2027-02-03') },
        ]),
      ],
    };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, later)[2]).toMatchObject({
      status: 'completed',
      startedAt: day('2027-01-21'),
      completedAt: day('2027-02-03'),
      cause: { kind: 'rule', rule: { kind: 'live-link' } },
    });

    // A live link of an activity is not the results' link.
    const elsewhere = { ...noLink, activities: [accepted('a1', '2026-05-01')] };
    expect(evaluateStages(DEFAULT_STAGE_PLAN, elsewhere)[2]!.status).toBe('in_progress');
  });
});

describe('stages set by hand', () => {
  it('win over the rules, the latest decision counting, and say who decided', () => {
    const facts: StageFacts = {
      responses: [response('stage-1-plan', '2026-04-12', { plan_status: 'approved' })],
      activities: [],
      overrides: [
        { stage: 1, status: 'completed', at: day('2026-04-01'), by: 'curator-1', comment: 'план на бумаге' },
        { stage: 1, status: 'in_progress', at: day('2026-04-20'), by: 'curator-1', comment: 'план на доработке' },
        { stage: 2, status: 'completed', at: day('2026-10-01'), by: 'staff-1', comment: 'отчёт МО' },
      ],
    };
    const [s1, s2, s3] = evaluateStages(DEFAULT_STAGE_PLAN, facts);
    expect(s1).toMatchObject({
      status: 'in_progress',
      cause: { kind: 'manual', by: 'curator-1', comment: 'план на доработке' },
    });
    expect(s2).toMatchObject({
      status: 'completed',
      completedAt: day('2026-10-01'),
      cause: { kind: 'manual', by: 'staff-1' },
    });
    expect(s3).toMatchObject({ status: 'not_started', cause: { kind: 'none' } });
  });
});

describe('rules as data', () => {
  it('iterates the stages of any plan, with any-of groups, types, levels and answer lists', () => {
    const plan: StagePlan = {
      questionnaires: [],
      requiredActivities: 5,
      stages: [
        {
          stage: 1,
          startOffset: '+1d',
          rules: {
            completed: {
              any: [
                {
                  kind: 'questionnaire-completed',
                  questionnaireId: 'plan',
                  answer: { questionId: 'status', equals: ['approved', 'drafted'] },
                },
                { kind: 'accepted-activities', count: 1, levels: ['district', 'region'] },
              ],
            },
          },
        },
        { stage: 2, startOffset: '+2m', rules: { completed: { all: [{ kind: 'curator-decision' }] } } },
      ],
    };
    const facts: StageFacts = {
      ...none,
      responses: [response('plan', '2026-06-01', { status: ['drafted', 'other'] })],
      activities: [
        accepted('a1', '2026-05-01', { level: 'school' }),
        accepted('a2', '2026-05-10', { level: 'district' }),
      ],
    };
    const result = evaluateStages(plan, facts);
    expect(result.map((s) => s.stage)).toEqual([1, 2]);
    // The earliest rule of an any-of group that holds decides the date.
    expect(result[0]).toMatchObject({
      status: 'completed',
      startedAt: day('2026-05-10'),
      completedAt: day('2026-05-10'),
    });
    expect(result[0]!.cause).toMatchObject({ rule: { kind: 'accepted-activities' } });
    expect(result[1]!.status).toBe('not_started');
  });

  it('reads yes/no answers as booleans and matches a live link anywhere when no questionnaire is named', () => {
    const plan: StagePlan = {
      questionnaires: [],
      stages: [
        {
          stage: 1,
          startOffset: '+1d',
          rules: {
            inProgress: {
              any: [
                { kind: 'questionnaire-completed', questionnaireId: 'q', answer: { questionId: 'ok', equals: true } },
              ],
            },
            completed: { all: [{ kind: 'live-link' }] },
          },
        },
      ],
    };
    expect(evaluateStages(plan, { ...none, responses: [response('q', '2026-05-01', { ok: false })] })[0]!.status).toBe(
      'not_started',
    );
    expect(evaluateStages(plan, { ...none, responses: [response('q', '2026-05-01', { ok: true })] })[0]!.status).toBe(
      'in_progress',
    );
    // An accepted activity's link counts once a check found it open, not before.
    expect(evaluateStages(plan, { ...none, activities: [accepted('a', '2026-05-02')] })[0]!.status).toBe('not_started');
    const checked = accepted('a', '2026-05-02', { links: [{ url: 'https://school.kz/a', reachable: true }] });
    expect(evaluateStages(plan, { ...none, activities: [checked] })[0]).toMatchObject({ status: 'completed' });
  });

  it('falls back to the default rules for a plan that names none', () => {
    const plan: StagePlan = { questionnaires: [], stages: [{ stage: 2, startOffset: '+1m' }] };
    expect(statuses({ ...none, activities: [accepted('a1', '2026-05-01')] }, plan)).toEqual([[2, 'in_progress']]);
  });
});

describe('stage changes', () => {
  it('lists the stages whose status moved', () => {
    const before = evaluateStages(DEFAULT_STAGE_PLAN, none);
    const after = evaluateStages(DEFAULT_STAGE_PLAN, { ...none, activities: [accepted('a1', '2026-05-01')] });
    expect(stageChanges(before, after).map((s) => [s.stage, s.status])).toEqual([[2, 'in_progress']]);
    expect(stageChanges(after, after)).toEqual([]);
  });
});
