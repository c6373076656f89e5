// Each shipped model's stages, completed through the stage evaluator by the facts its own rules
// name (questionnaires, accepted activities, live links, a curator's decision), in a year's order.
import { describe, expect, it } from 'vitest';
import { requiredActivities } from '../../src/domain/stage-plan.js';
import {
  evaluateStages,
  type ActivityFact,
  type ResponseFact,
  type StageFacts,
  type StageOverride,
} from '../../src/domain/stage-progress.js';
import { groupRules } from '../../src/domain/stage-rules.js';
import { planFromModel } from '../../src/support-models/plan.js';
import { content } from '../support/engine-harness.js';

// Each model's stages completed through the evaluator (src/domain/stage-progress.ts) by exactly the
// facts its rules name, in the order a teacher's year brings them; the required count from the file.
describe.each(['kz-three-stage', 'school-two-stage', 'tutaev-route', 'kaltan-tutor'])(
  'the %s model, evaluated',
  (modelId) => {
    const plan = planFromModel(content().models.get(modelId)!);
    const day = (n: number) => new Date(Date.UTC(2026, 2, 21 + n, 10));
    /** The facts that complete one stage, dated `at`. */
    function factsFor(stage: number, at: Date): StageFacts {
      const rules = groupRules(plan.stages.find((s) => s.stage === stage)!.rules!.completed);
      const facts: { responses: ResponseFact[]; activities: ActivityFact[]; overrides: StageOverride[] } = {
        responses: [],
        activities: [],
        overrides: [],
      };
      for (const rule of rules) {
        switch (rule.kind) {
          case 'questionnaire-completed':
            facts.responses.push({
              questionnaireId: rule.questionnaireId,
              occasion: rule.occasion ?? 'any',
              completedAt: at,
              answers: rule.answer
                ? {
                    [rule.answer.questionId]: Array.isArray(rule.answer.equals)
                      ? rule.answer.equals[0]!
                      : rule.answer.equals,
                  }
                : {},
              links: [],
            });
            break;
          case 'accepted-activities': {
            const count = rule.count === 'required' ? requiredActivities(plan) : rule.count;
            for (let i = 0; i < count; i++) {
              facts.activities.push({
                id: `${stage}-${i}`,
                type: rule.types?.[0] ?? 'open_lesson',
                level: rule.levels?.[0] ?? 'school',
                status: 'accepted',
                decidedAt: at,
                links: [],
              });
            }
            break;
          }
          case 'live-link':
            facts.responses.push({
              questionnaireId: rule.questionnaireId ?? 'any',
              occasion: 'any',
              completedAt: at,
              answers: {},
              links: [{ url: 'https://example.org/r', reachable: true }],
            });
            break;
          case 'curator-decision':
            facts.overrides.push({ stage, status: 'completed', at, by: 'curator', comment: 'анализ проведён' });
            break;
        }
      }
      return facts;
    }
    const merge = (...all: StageFacts[]): StageFacts => ({
      responses: all.flatMap((f) => f.responses),
      activities: all.flatMap((f) => f.activities),
      overrides: all.flatMap((f) => f.overrides),
    });

    it('completes each stage by its own rules and nothing else', () => {
      const none = evaluateStages(plan, { responses: [], activities: [], overrides: [] });
      expect(none.map((s) => s.status)).toEqual(plan.stages.map(() => 'not_started'));
      const all: StageFacts[] = [];
      for (const s of plan.stages) {
        all.push(factsFor(s.stage, day(30 * s.stage)));
        const evaluated = evaluateStages(plan, merge(...all));
        // Every stage up to this one completed on the day its facts came; later ones not (yet) completed.
        expect(evaluated.filter((e) => e.status === 'completed').map((e) => [e.stage, e.completedAt])).toEqual(
          plan.stages.filter((x) => x.stage <= s.stage).map((x) => [x.stage, day(30 * x.stage)]),
        );
      }
    });

    it('counts the required activities the file names: one short is not enough', () => {
      const required = requiredActivities(plan);
      const stage = plan.stages.find((s) =>
        groupRules(s.rules!.completed).some((r) => r.kind === 'accepted-activities' && r.count === 'required'),
      );
      if (!stage) return expect(modelId).toBe('no stage counts the required activities');
      const facts = factsFor(stage.stage, day(40));
      const short = { ...facts, activities: facts.activities.slice(0, required - 1) };
      expect(evaluateStages(plan, short).find((e) => e.stage === stage.stage)?.status).not.toBe('completed');
      expect(evaluateStages(plan, facts).find((e) => e.stage === stage.stage)?.status).toBe('completed');
    });
  },
);
