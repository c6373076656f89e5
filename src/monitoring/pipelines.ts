// Pure builders of the monitoring aggregation pipelines: plain arrays, no I/O, so tests can read
// them and the same array runs on real MongoDB and on the embedded store. Only operators both
// understand are used. Stages are kept few on the paths that see every response: on the embedded
// store (mingo) each stage costs microseconds a document, so the answer pipelines only count
// ($match, $unwind, $group) and the statistics are computed from the counts in answer-tallies.ts.
// $sortArray needs MongoDB 5.2 or later.
import { Types } from 'mongoose';
import { COLLECTIONS, type Dimension, type Scope } from './scope.js';

export type Stage = Record<string, unknown>;
export type Pipeline = Stage[];

const oid = (hex: string) => new Types.ObjectId(hex);

function range(from: Date | undefined, to: Date | undefined): Record<string, Date> | undefined {
  if (!from && !to) return undefined;
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
}

/**
 * The cohorts in scope, as a $match on `cohortId`: those asked for, or all but the excluded (demo)
 * ones; and, when a segment filter picked them, only those teachers (`participantId`).
 */
export function cohortMatch(
  scope: Pick<Scope, 'cohortIds' | 'excludeCohortIds' | 'participantIds'>,
): Record<string, unknown> {
  const people = scope.participantIds ? { participantId: { $in: scope.participantIds.map(oid) } } : {};
  if (scope.cohortIds) return { cohortId: { $in: scope.cohortIds.map(oid) }, ...people };
  return {
    ...(scope.excludeCohortIds?.length ? { cohortId: { $nin: scope.excludeCohortIds.map(oid) } } : {}),
    ...people,
  };
}

export interface DimensionStages {
  /** Joins that bring the segment's source in (none for a cohort breakdown or no breakdown). */
  stages: Pipeline;
  /** The segment value of a document, to put in a $group `_id`; null without a breakdown. */
  key: unknown;
}

/**
 * The segment of `by` for documents that carry `participantId` and `cohortId`. The value is an
 * expression used straight in the next $group key rather than an added field: on the embedded
 * store every extra stage over 100,000 responses costs a tenth of a second or more.
 */
export function dimension(by: Dimension | undefined): DimensionStages {
  switch (by) {
    case undefined:
      return { stages: [], key: null };
    case 'cohort':
      return { stages: [], key: '$cohortId' };
    case 'region':
    case 'district':
    case 'settlementType':
    case 'organisation':
      return {
        stages: [
          {
            $lookup: {
              from: COLLECTIONS.participants,
              localField: 'participantId',
              foreignField: '_id',
              as: 'dimSource',
            },
          },
        ],
        key: { $ifNull: [{ $first: `$dimSource.${by}` }, null] },
      };
    case 'programme':
      return {
        stages: [
          { $lookup: { from: COLLECTIONS.cohorts, localField: 'cohortId', foreignField: '_id', as: 'dimSource' } },
        ],
        key: { $ifNull: [{ $first: '$dimSource.programmeId' }, null] },
      };
    case 'direction':
      return {
        stages: [
          { $lookup: { from: COLLECTIONS.cohorts, localField: 'cohortId', foreignField: '_id', as: 'dimCohort' } },
          { $addFields: { dimProgramme: { $first: '$dimCohort.programmeId' } } },
          {
            $lookup: { from: COLLECTIONS.programmes, localField: 'dimProgramme', foreignField: '_id', as: 'dimSource' },
          },
        ],
        key: { $ifNull: [{ $first: '$dimSource.direction' }, null] },
      };
    default: {
      const never: never = by;
      throw new Error(`unknown dimension ${String(never)}`);
    }
  }
}

/** Teachers counted as participants: enrolled and not withdrawn, joined before the period ends. */
export function enrolledPipeline(scope: Scope): Pipeline {
  const joined = range(undefined, scope.to);
  const dim = dimension(scope.by);
  return [
    { $match: { ...cohortMatch(scope), status: { $ne: 'withdrawn' }, ...(joined ? { joinedAt: joined } : {}) } },
    ...dim.stages,
    { $group: { _id: dim.key, enrolled: { $sum: 1 } } },
  ];
}

function questionnaireMatch(scope: Scope): Record<string, unknown> {
  return {
    ...(scope.questionnaireId ? { questionnaireId: scope.questionnaireId } : {}),
    ...(scope.questionnaireVersion !== undefined ? { questionnaireVersion: scope.questionnaireVersion } : {}),
  };
}

/** Completed responses: the only ones answers are counted from. */
export function completedResponsesMatch(scope: Scope): Stage {
  const completed = range(scope.from, scope.to);
  return {
    $match: {
      ...cohortMatch(scope),
      ...questionnaireMatch(scope),
      status: 'completed',
      ...(completed ? { completedAt: completed } : {}),
    },
  };
}

/**
 * Responses per questionnaire and occasion (an invitation is one questionnaire on one occasion):
 * how many were started and how many completed in the period. The unique key (participant,
 * cohort, questionnaire, occasion) makes a response count one enrolled teacher.
 */
export function responseCountsPipeline(scope: Scope): Pipeline {
  const period = range(scope.from, scope.to);
  const dim = dimension(scope.by);
  const inPeriod = (field: unknown): unknown[] => [
    ...(scope.from ? [{ $gte: [field, scope.from] }] : []),
    ...(scope.to ? [{ $lt: [field, scope.to] }] : []),
  ];
  const completed = { $eq: ['$status', 'completed'] };
  return [
    {
      $match: {
        ...cohortMatch(scope),
        ...questionnaireMatch(scope),
        ...(period ? { $or: [{ startedAt: period }, { completedAt: period }] } : {}),
      },
    },
    ...dim.stages,
    {
      $group: {
        _id: { questionnaireId: '$questionnaireId', occasion: '$occasion', dim: dim.key },
        started: period ? { $sum: { $cond: [{ $and: inPeriod('$startedAt') }, 1, 0] } } : { $sum: 1 },
        completed: {
          $sum: {
            $cond: [period ? { $and: [completed, ...inPeriod({ $ifNull: ['$completedAt', null] })] } : completed, 1, 0],
          },
        },
      },
    },
    { $sort: { '_id.questionnaireId': 1, '_id.occasion': 1 } },
  ];
}

/**
 * Answers counted per questionnaire, question, value and segment, for `questionIds`; skipped
 * answers left out. Output: `{_id: {qn, q, dim}, v: [...], n: [...]}`, one document per
 * questionnaire, question and segment, `n[i]` answers having given `v[i]` (a multiple choice's
 * array, a ranking's order), each value once as MongoDB groups them. One pass serves every
 * questionnaire in scope (the caller keeps each questionnaire's own questions: one question id can
 * be asked in two questionnaires). Distributions and Likert statistics are computed from these
 * counts in TypeScript (answer-tallies.ts), not with `$facet`/`$unwind` stages: those are slow on
 * the embedded store and the counts are small.
 * This is the hot path (every answer of every response passes through it once), so the work per
 * answer is one $unwind, one $match and one $group on plain field paths: on the embedded store
 * this is one fused pass. Free answers (texts, links, dates) are dropped before the $group, so
 * they never make groups. With many small segments (136 districts, 400 schools) the counts hardly
 * merge (about as many as answers), so a last `$group` gathers a question's values per segment
 * into one document: a count is then two array elements instead of a document repeating the
 * questionnaire, question and segment, which halves what goes through BSON and the driver. Its
 * arrays are bounded by a question's distinct values (option sets, rankings, numbers), far from
 * the 16 MB of a document. A segment of the cohort (programme, direction) is looked up after the
 * counting, on the few groups left, and the counts of two cohorts of one programme are added up
 * before the values are gathered.
 */
export function answerCountsPipeline(scope: Scope, questionIds: readonly string[]): Pipeline {
  const by = scope.by;
  const perParticipant = by === 'region' || by === 'district' || by === 'settlementType' || by === 'organisation';
  const perCohort = by === 'cohort' || by === 'programme' || by === 'direction';
  const stages: Pipeline = [completedResponsesMatch(scope)];
  if (perParticipant) {
    stages.push(
      {
        $lookup: { from: COLLECTIONS.participants, localField: 'participantId', foreignField: '_id', as: 'dimSource' },
      },
      { $addFields: { dimValue: { $ifNull: [{ $first: `$dimSource.${by}` }, null] } } },
    );
  }
  stages.push(
    { $unwind: '$answers' },
    {
      $match: {
        'answers.questionId': { $in: [...questionIds] },
        'answers.skipped': { $ne: true },
        'answers.value': { $ne: null },
      },
    },
    {
      $group: {
        _id: {
          qn: '$questionnaireId',
          q: '$answers.questionId',
          v: '$answers.value',
          dim: perParticipant ? '$dimValue' : perCohort ? '$cohortId' : null,
        },
        n: { $sum: 1 },
      },
    },
  );
  if (by === 'programme' || by === 'direction') {
    stages.push(
      { $lookup: { from: COLLECTIONS.cohorts, localField: '_id.dim', foreignField: '_id', as: 'dimCohort' } },
      {
        $project: {
          _id: {
            qn: '$_id.qn',
            q: '$_id.q',
            v: '$_id.v',
            dim: { $ifNull: [{ $first: '$dimCohort.programmeId' }, null] },
          },
          n: 1,
        },
      },
    );
    if (by === 'direction') {
      stages.push(
        { $lookup: { from: COLLECTIONS.programmes, localField: '_id.dim', foreignField: '_id', as: 'dimSource' } },
        {
          $project: {
            _id: {
              qn: '$_id.qn',
              q: '$_id.q',
              v: '$_id.v',
              dim: { $ifNull: [{ $first: '$dimSource.direction' }, null] },
            },
            n: 1,
          },
        },
      );
    }
    // Cohorts of one programme (or direction) now share an `_id`: one count each.
    stages.push({ $group: { _id: '$_id', n: { $sum: '$n' } } });
  }
  stages.push({
    $group: {
      _id: { qn: '$_id.qn', q: '$_id.q', dim: '$_id.dim' },
      v: { $push: '$_id.v' },
      n: { $push: '$n' },
    },
  });
  return stages;
}

export interface DistributionQuestions {
  /** single/multiple choice, yes/no, likert, ranking, number: every value is counted. */
  counted: readonly string[];
  /** ranking: mean place and first places per option. */
  ranking: readonly string[];
  /** number: mean, min, max. */
  numeric: readonly string[];
}

export interface LikertScale {
  questionId: string;
  max: number;
}

export const REQUIRED_ACCEPTED = 3;

/** Activities per teacher who reported any, then per segment: teachers with >= 3 accepted. */
export function activityTeachersPipeline(scope: Scope): Pipeline {
  const dim = dimension(scope.by);
  const held = range(scope.from, scope.to);
  const accepted = { $cond: [{ $eq: ['$status', 'accepted'] }, 1, 0] };
  return [
    { $match: { ...cohortMatch(scope), ...(held ? { date: held } : {}) } },
    ...dim.stages,
    {
      $group: {
        _id: { p: '$participantId', c: '$cohortId', dim: dim.key },
        submitted: { $sum: 1 },
        accepted: { $sum: accepted },
      },
    },
    {
      $group: {
        _id: '$_id.dim',
        teachersReporting: { $sum: 1 },
        teachersWithAccepted: { $sum: { $cond: [{ $gt: ['$accepted', 0] }, 1, 0] } },
        teachersWithRequired: { $sum: { $cond: [{ $gte: ['$accepted', REQUIRED_ACCEPTED] }, 1, 0] } },
        submitted: { $sum: '$submitted' },
        accepted: { $sum: '$accepted' },
      },
    },
  ];
}

/** Activities by type and level, with how many were accepted or returned. */
export function activityKindsPipeline(scope: Scope): Pipeline {
  const dim = dimension(scope.by);
  const held = range(scope.from, scope.to);
  return [
    { $match: { ...cohortMatch(scope), ...(held ? { date: held } : {}) } },
    ...dim.stages,
    {
      $group: {
        _id: { type: '$type', level: '$level', dim: dim.key },
        submitted: { $sum: 1 },
        accepted: { $sum: { $cond: [{ $eq: ['$status', 'accepted'] }, 1, 0] } },
        returned: { $sum: { $cond: [{ $eq: ['$status', 'returned'] }, 1, 0] } },
      },
    },
    { $sort: { '_id.type': 1, '_id.level': 1 } },
  ];
}

/** Stage completion over enrolled teachers; with a period end, a stage completed later counts as not yet. */
export function stagePipeline(scope: Scope): Pipeline {
  const dim = dimension(scope.by);
  const done = scope.to
    ? {
        $and: [
          { $eq: ['$stages.status', 'completed'] },
          { $lt: [{ $ifNull: ['$stages.completedAt', scope.to] }, scope.to] },
        ],
      }
    : { $eq: ['$stages.status', 'completed'] };
  return [
    {
      $match: {
        ...cohortMatch(scope),
        status: { $ne: 'withdrawn' },
        ...(scope.to ? { joinedAt: { $lt: scope.to } } : {}),
      },
    },
    { $project: { participantId: 1, cohortId: 1, stages: 1 } },
    ...dim.stages,
    { $unwind: '$stages' },
    {
      $group: {
        _id: { stage: '$stages.stage', dim: dim.key },
        teachers: { $sum: 1 },
        completed: { $sum: { $cond: [done, 1, 0] } },
        inProgress: {
          $sum: { $cond: [{ $and: [{ $not: [done] }, { $ne: ['$stages.status', 'not_started'] }] }, 1, 0] },
        },
      },
    },
    { $sort: { '_id.stage': 1 } },
  ];
}

const HOUR_MS = 3_600_000;

/**
 * Consultation requests by topic: how many, how many still open, and hours to close (mean and
 * median). Topics are stored in the teacher's language; `topicAliases` maps each translation to
 * one key so a Kazakh and a Russian request on one topic are counted together.
 */
export function consultationPipeline(scope: Scope, topicAliases: Readonly<Record<string, string>>): Pipeline {
  const dim = dimension(scope.by);
  const opened = range(scope.from, scope.to);
  const aliases = Object.entries(topicAliases);
  const topic = aliases.length
    ? {
        $switch: {
          branches: aliases.map(([text, key]) => ({ case: { $eq: ['$topic', text] }, then: key })),
          default: '$topic',
        },
      }
    : '$topic';
  const closed = { $and: [{ $eq: ['$status', 'closed'] }, { $ne: [{ $ifNull: ['$closedAt', null] }, null] }] };
  return [
    { $match: { ...cohortMatch(scope), ...(opened ? { openedAt: opened } : {}) } },
    {
      $project: {
        participantId: 1,
        cohortId: 1,
        status: 1,
        topic,
        hours: { $cond: [closed, { $divide: [{ $subtract: ['$closedAt', '$openedAt'] }, HOUR_MS] }, null] },
      },
    },
    ...dim.stages,
    {
      $group: {
        _id: { topic: '$topic', dim: dim.key },
        requests: { $sum: 1 },
        open: { $sum: { $cond: [{ $ne: ['$status', 'closed'] }, 1, 0] } },
        meanHours: { $avg: '$hours' },
        hours: { $push: '$hours' },
      },
    },
    {
      $addFields: {
        hours: {
          $sortArray: { input: { $filter: { input: '$hours', as: 'h', cond: { $ne: ['$$h', null] } } }, sortBy: 1 },
        },
      },
    },
    { $addFields: { closedCount: { $size: '$hours' } } },
    {
      $addFields: {
        medianHours: {
          $cond: [
            { $eq: ['$closedCount', 0] },
            null,
            {
              $cond: [
                { $eq: [{ $mod: ['$closedCount', 2] }, 1] },
                { $arrayElemAt: ['$hours', { $floor: { $divide: ['$closedCount', 2] } }] },
                {
                  $divide: [
                    {
                      $add: [
                        { $arrayElemAt: ['$hours', { $subtract: [{ $divide: ['$closedCount', 2] }, 1] }] },
                        { $arrayElemAt: ['$hours', { $divide: ['$closedCount', 2] }] },
                      ],
                    },
                    2,
                  ],
                },
              ],
            },
          ],
        },
      },
    },
    { $project: { hours: 0 } },
    { $sort: { requests: -1, '_id.topic': 1 } },
  ];
}
