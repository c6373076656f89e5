// Pure builders of the monitoring aggregation pipelines: plain arrays, no I/O, so tests can read
// them and the same array runs on real MongoDB and on the embedded store. Only operators both
// understand are used ($median/$percentile need MongoDB 7 and $getField a constant name, so the
// median is computed with $reduce over a sorted distribution). Stages are kept few on the paths
// that see every response: on the embedded store (mingo) each stage costs microseconds a document.
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
 * Answers counted per question, value and segment, for `questionIds`; skipped answers left out.
 * This is the hot path (every answer of every response passes through it once), so the work per
 * answer is one $unwind and one $group on plain field paths: on the embedded store each stage
 * costs microseconds per document and an expression per answer would double the time. A segment
 * of the cohort (programme, direction) is looked up after the counting, on the few groups left.
 */
export function answerCountStages(scope: Scope, questionIds: readonly string[]): Pipeline {
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
      $group: {
        _id: {
          q: '$answers.questionId',
          v: '$answers.value',
          s: '$answers.skipped',
          dim: perParticipant ? '$dimValue' : perCohort ? '$cohortId' : null,
        },
        n: { $sum: 1 },
      },
    },
    { $match: { '_id.q': { $in: [...questionIds] }, '_id.s': { $ne: true }, '_id.v': { $ne: null } } },
  );
  if (by === 'programme' || by === 'direction') {
    stages.push(
      { $lookup: { from: COLLECTIONS.cohorts, localField: '_id.dim', foreignField: '_id', as: 'dimCohort' } },
      { $project: { n: 1, q: '$_id.q', v: '$_id.v', dim: { $ifNull: [{ $first: '$dimCohort.programmeId' }, null] } } },
    );
    if (by === 'direction') {
      stages.push(
        { $lookup: { from: COLLECTIONS.programmes, localField: 'dim', foreignField: '_id', as: 'dimSource' } },
        { $project: { n: 1, q: 1, v: 1, dim: { $ifNull: [{ $first: '$dimSource.direction' }, null] } } },
      );
    }
  } else {
    stages.push({ $project: { n: 1, q: '$_id.q', v: '$_id.v', dim: '$_id.dim' } });
  }
  stages.push({ $group: { _id: { q: '$q', dim: '$dim', v: '$v' }, n: { $sum: '$n' } } });
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

/**
 * Per-question distributions: how many answered each question, how often each value (each option
 * of a multiple choice) was given, mean places of ranked options and number summaries. The facets
 * run over the counted (question, value) groups, not over responses.
 */
export function distributionPipeline(scope: Scope, questions: DistributionQuestions): Pipeline {
  return [...answerCountStages(scope, questions.counted), FLAT_COUNTS, { $facet: distributionFacets(questions) }];
}

/** Counted answers as flat documents {q, dim, v, n}: the input of the facets below. */
const FLAT_COUNTS: Stage = { $project: { _id: 0, q: '$_id.q', dim: '$_id.dim', v: '$_id.v', n: 1 } };

function distributionFacets(questions: DistributionQuestions): Record<string, Pipeline> {
  return {
    answered: [{ $group: { _id: { q: '$q', dim: '$dim' }, n: { $sum: '$n' } } }],
    values: [{ $unwind: '$v' }, { $group: { _id: { q: '$q', dim: '$dim', v: '$v' }, n: { $sum: '$n' } } }],
    ranks: [
      { $match: { q: { $in: [...questions.ranking] } } },
      {
        $project: {
          q: 1,
          dim: 1,
          n: 1,
          places: {
            $map: {
              input: { $range: [0, { $size: '$v' }] },
              as: 'i',
              in: { o: { $arrayElemAt: ['$v', '$$i'] }, r: { $add: ['$$i', 1] } },
            },
          },
        },
      },
      { $unwind: '$places' },
      {
        $group: {
          _id: { q: '$q', dim: '$dim', o: '$places.o' },
          n: { $sum: '$n' },
          placeSum: { $sum: { $multiply: ['$places.r', '$n'] } },
          first: { $sum: { $cond: [{ $eq: ['$places.r', 1] }, '$n', 0] } },
        },
      },
    ],
    numbers: [
      { $match: { q: { $in: [...questions.numeric] } } },
      {
        $group: {
          _id: { q: '$q', dim: '$dim' },
          n: { $sum: '$n' },
          total: { $sum: { $multiply: ['$v', '$n'] } },
          min: { $min: '$v' },
          max: { $max: '$v' },
        },
      },
      { $addFields: { mean: { $divide: ['$total', '$n'] } } },
    ],
  };
}

/** The median of a sorted distribution `points: [{v, n}]` of `count` values, as an expression. */
function medianOfDistribution(): Pipeline {
  // Positions (1-based) of the two middle values; equal when the count is odd.
  return [
    {
      $addFields: {
        k1: { $floor: { $divide: [{ $add: ['$count', 1] }, 2] } },
        k2: { $add: [{ $floor: { $divide: ['$count', 2] } }, 1] },
      },
    },
    {
      $addFields: {
        middle: {
          $reduce: {
            input: '$points',
            initialValue: { cum: 0, a: null, b: null },
            in: {
              cum: { $add: ['$$value.cum', '$$this.n'] },
              a: {
                $cond: [
                  { $and: [{ $eq: ['$$value.a', null] }, { $gte: [{ $add: ['$$value.cum', '$$this.n'] }, '$k1'] }] },
                  '$$this.v',
                  '$$value.a',
                ],
              },
              b: {
                $cond: [
                  { $and: [{ $eq: ['$$value.b', null] }, { $gte: [{ $add: ['$$value.cum', '$$this.n'] }, '$k2'] }] },
                  '$$this.v',
                  '$$value.b',
                ],
              },
            },
          },
        },
      },
    },
    { $addFields: { median: { $divide: [{ $add: ['$middle.a', '$middle.b'] }, 2] } } },
    { $project: { k1: 0, k2: 0, middle: 0 } },
  ];
}

export interface LikertScale {
  questionId: string;
  max: number;
}

/**
 * Likert mean, median and top-2-box (share of answers in the two highest points of the question's
 * own scale) with the distribution they come from.
 */
export function likertPipeline(scope: Scope, scales: readonly LikertScale[]): Pipeline {
  return [
    ...answerCountStages(
      scope,
      scales.map((s) => s.questionId),
    ),
    FLAT_COUNTS,
    ...likertStages(scales),
  ];
}

/** Likert statistics from flat counts {q, dim, v, n}. */
function likertStages(scales: readonly LikertScale[]): Pipeline {
  const topFrom = {
    $switch: {
      branches: scales.map((s) => ({ case: { $eq: ['$q', s.questionId] }, then: s.max - 1 })),
      default: Number.POSITIVE_INFINITY,
    },
  };
  return [
    { $match: { q: { $in: scales.map((s) => s.questionId) }, v: { $type: 'number' } } },
    {
      $group: {
        _id: { q: '$q', dim: '$dim' },
        points: { $push: { v: '$v', n: '$n' } },
        count: { $sum: '$n' },
        total: { $sum: { $multiply: ['$v', '$n'] } },
        top2: { $sum: { $cond: [{ $gte: ['$v', topFrom] }, '$n', 0] } },
      },
    },
    {
      $project: {
        count: 1,
        top2: 1,
        points: { $sortArray: { input: '$points', sortBy: { v: 1 } } },
        mean: { $divide: ['$total', '$count'] },
        top2Share: { $divide: ['$top2', '$count'] },
      },
    },
    ...medianOfDistribution(),
    { $sort: { '_id.q': 1 } },
  ];
}

/**
 * Distributions and Likert statistics from one pass over the answers (the summary sheet and the
 * report need both; the counting pass is the expensive part).
 */
export function answerStatsPipeline(
  scope: Scope,
  questions: DistributionQuestions,
  scales: readonly LikertScale[],
): Pipeline {
  const counted = [...new Set([...questions.counted, ...scales.map((s) => s.questionId)])];
  return [
    ...answerCountStages(scope, counted),
    FLAT_COUNTS,
    { $facet: { ...distributionFacets(questions), likert: likertStages(scales) } },
  ];
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
