// A teacher's stage statuses, recomputed from what they did: completed questionnaires, reviewed
// activities, link checks and the curators' decisions. Pure, so the same facts always give the
// same statuses, and every status carries the date and the cause that set it. The application
// service (src/progress) gathers the facts, runs this on each event and audits the changes.
import type { ActivityLevel, ActivityStatus, ActivityType } from './activity.js';
import type { AnswerValue } from './response.js';
import { DEFAULT_STAGE_PLAN, requiredActivities } from './stage-plan.js';
import {
  groupRules,
  type StageAnswerCondition,
  type StageRule,
  type StageRuleGroup,
  type StageRules,
} from './stage-rules.js';
import type { StageNumber, StagePlan, StageStatus } from './stage.js';

export interface FactLink {
  url: string;
  /**
   * From a link check. Only `true` counts as live: a link never checked, or one no check could
   * reach yet (no network), leaves a `live-link` stage waiting, in progress.
   */
  reachable?: boolean;
  /** When a check first found it open (this open spell): the earliest day it can count. */
  liveSince?: Date;
}

export interface ResponseFact {
  questionnaireId: string;
  occasion: string;
  completedAt: Date;
  /** Question id -> answer value (skipped questions left out or null). */
  answers: Readonly<Record<string, AnswerValue | null>>;
  /** The links among the answers (link questions), with what is known of their reachability. */
  links: readonly FactLink[];
}

export interface ActivityFact {
  id: string;
  type: ActivityType;
  level: ActivityLevel;
  status: ActivityStatus;
  /** When the current status was decided (the last review); undefined while submitted. */
  decidedAt?: Date;
  links: readonly FactLink[];
}

/** A stage set by hand by a curator or staff member: it wins over the rules until the next one. */
export interface StageOverride {
  stage: StageNumber;
  status: StageStatus;
  at: Date;
  by: string;
  comment: string;
}

export interface StageFacts {
  /** Completed responses only. */
  responses: readonly ResponseFact[];
  activities: readonly ActivityFact[];
  overrides: readonly StageOverride[];
}

export type StageCause =
  | { kind: 'rule'; rule: StageRule }
  | { kind: 'manual'; by: string; comment: string }
  | { kind: 'none' };

export interface StageEvaluation {
  stage: StageNumber;
  status: StageStatus;
  startedAt?: Date;
  completedAt?: Date;
  /** What set the current status: the rule that held last, a curator's decision, or nothing yet. */
  cause: StageCause;
}

/** A rule that holds, and since when. */
interface Held {
  at: Date;
  rule: StageRule;
}

/** The rules of a stage: its own, else the default plan's for the same stage, else none (by hand only). */
export function stageRules(plan: StagePlan, stage: StageNumber): StageRules | undefined {
  const own = plan.stages.find((s) => s.stage === stage);
  return own?.rules ?? DEFAULT_STAGE_PLAN.stages.find((s) => s.stage === stage)?.rules;
}

export function evaluateStages(plan: StagePlan, facts: StageFacts): StageEvaluation[] {
  const required = requiredActivities(plan);
  return [...plan.stages]
    .sort((a, b) => a.stage - b.stage)
    .map((s) => {
      const override = latestOverride(facts.overrides, s.stage);
      if (override) return manual(s.stage, override);
      const rules = stageRules(plan, s.stage);
      if (!rules) return { stage: s.stage, status: 'not_started', cause: { kind: 'none' } };
      const completed = holdsGroup(rules.completed, facts, required);
      const started = rules.inProgress ? holdsGroup(rules.inProgress, facts, required) : undefined;
      if (completed) {
        const startedAt = started && started.at < completed.at ? started.at : completed.at;
        return {
          stage: s.stage,
          status: 'completed',
          startedAt,
          completedAt: completed.at,
          cause: { kind: 'rule', rule: completed.rule },
        };
      }
      if (started)
        return {
          stage: s.stage,
          status: 'in_progress',
          startedAt: started.at,
          cause: { kind: 'rule', rule: started.rule },
        };
      return { stage: s.stage, status: 'not_started', cause: { kind: 'none' } };
    });
}

function latestOverride(overrides: readonly StageOverride[], stage: StageNumber): StageOverride | undefined {
  let latest: StageOverride | undefined;
  for (const o of overrides) if (o.stage === stage && (!latest || o.at >= latest.at)) latest = o;
  return latest;
}

function manual(stage: StageNumber, o: StageOverride): StageEvaluation {
  const cause: StageCause = { kind: 'manual', by: o.by, comment: o.comment };
  switch (o.status) {
    case 'completed':
      return { stage, status: o.status, startedAt: o.at, completedAt: o.at, cause };
    case 'in_progress':
      return { stage, status: o.status, startedAt: o.at, cause };
    case 'not_started':
      return { stage, status: o.status, cause };
    default: {
      const never: never = o.status;
      throw new Error(`unknown stage status ${String(never)}`);
    }
  }
}

function holdsGroup(group: StageRuleGroup, facts: StageFacts, required: number): Held | undefined {
  const rules = groupRules(group);
  if (rules.length === 0) return undefined;
  const held = rules.map((rule) => holds(rule, facts, required));
  if ('all' in group) {
    if (held.some((h) => h === undefined)) return undefined;
    // Every rule holds: the stage moved when the last of them came to hold.
    return (held as Held[]).reduce((a, b) => (b.at > a.at ? b : a));
  }
  const some = held.filter((h): h is Held => h !== undefined);
  return some.length === 0 ? undefined : some.reduce((a, b) => (b.at < a.at ? b : a));
}

function holds(rule: StageRule, facts: StageFacts, required: number): Held | undefined {
  switch (rule.kind) {
    case 'questionnaire-completed': {
      const at = earliest(
        facts.responses
          .filter((r) => r.questionnaireId === rule.questionnaireId && (!rule.occasion || r.occasion === rule.occasion))
          .filter((r) => !rule.answer || answerMatches(r.answers[rule.answer.questionId], rule.answer))
          .map((r) => r.completedAt),
      );
      return at && { at, rule };
    }
    case 'accepted-activities': {
      const count = rule.count === 'required' ? required : rule.count;
      const dates = facts.activities
        .filter((a) => a.status === 'accepted' && a.decidedAt)
        .filter((a) => !rule.types || rule.types.includes(a.type))
        .filter((a) => !rule.levels || rule.levels.includes(a.level))
        .map((a) => a.decidedAt as Date)
        .sort((a, b) => a.getTime() - b.getTime());
      if (count <= 0) return undefined;
      const at = dates[count - 1];
      return at && { at, rule };
    }
    case 'live-link': {
      // Results are presented once both are true: the answers are in, and a check found a link open.
      const fromResponses = facts.responses
        .filter((r) => !rule.questionnaireId || r.questionnaireId === rule.questionnaireId)
        .flatMap((r) => presentedAt(r.completedAt, r.links));
      const fromActivities = rule.questionnaireId
        ? []
        : facts.activities
            .filter((a) => a.status === 'accepted' && a.decidedAt)
            .flatMap((a) => presentedAt(a.decidedAt as Date, a.links));
      const at = earliest([...fromResponses, ...fromActivities]);
      return at && { at, rule };
    }
    case 'curator-decision':
      // Only an override moves such a stage, and an override is applied before any rule.
      return undefined;
    default: {
      const never: never = rule;
      throw new Error(`unknown stage rule ${JSON.stringify(never)}`);
    }
  }
}

/** When something with these links counts as presented with a live one: never, if none is live. */
function presentedAt(given: Date, links: readonly FactLink[]): Date[] {
  const live = earliest(links.filter((l) => l.reachable === true).map((l) => l.liveSince ?? given));
  if (!live) return [];
  return [live > given ? live : given];
}

function earliest(dates: readonly Date[]): Date | undefined {
  let first: Date | undefined;
  for (const d of dates) if (!first || d < first) first = d;
  return first;
}

export function answerMatches(value: AnswerValue | null | undefined, condition: StageAnswerCondition): boolean {
  if (value === null || value === undefined) return false;
  const wanted = Array.isArray(condition.equals) ? (condition.equals as readonly string[]) : [condition.equals];
  if (Array.isArray(value)) return value.some((v) => wanted.includes(v));
  return wanted.some((w) => w === value);
}

/** The stage statuses that differ between two evaluations, for the audit log. */
export function stageChanges(before: readonly StageEvaluation[], after: readonly StageEvaluation[]): StageEvaluation[] {
  return after.filter((a) => {
    const b = before.find((x) => x.stage === a.stage);
    return !b || b.status !== a.status;
  });
}
