// Skip logic: whether a question is asked, given the answers so far, and the load-time checks that
// make every showIf meaningful (earlier question, existing option, comparable value).
import type { AnswerValue } from '../domain/response.js';
import { phrase } from '../i18n/index.js';
import { handlerFor } from './handlers.js';
import type { Condition, ConditionValue, Question, Questionnaire } from './model.js';
import { OPERATORS, type Operator, type Problem } from './types/handler.js';

type Answers = ReadonlyMap<string, AnswerValue | null>;

function same(answer: AnswerValue, value: ConditionValue): boolean {
  return !Array.isArray(answer) && answer === value;
}

export function evaluate(condition: Condition, answers: Answers): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, answers));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, answers));
  if ('not' in condition) return !evaluate(condition.not, answers);
  const answer = answers.get(condition.question);
  const answered = answer !== undefined && answer !== null;
  if ('answered' in condition) return answered === condition.answered;
  if (!answered) return 'notEquals' in condition;
  if ('equals' in condition) return same(answer, condition.equals);
  if ('notEquals' in condition) return !same(answer, condition.notEquals);
  if ('in' in condition) return condition.in.some((v) => same(answer, v));
  if ('includes' in condition)
    return Array.isArray(answer) ? answer.includes(condition.includes) : answer === condition.includes;
  if (typeof answer !== 'number') return false;
  return (
    (condition.gte === undefined || answer >= condition.gte) && (condition.lte === undefined || answer <= condition.lte)
  );
}

/**
 * Whether the question is asked, given these answers. The caller passes the answers that count;
 * nextQuestion and previousQuestion also discard answers to questions that became hidden.
 */
export function isVisible(question: Question, answers: Answers): boolean {
  return question.showIf === undefined || evaluate(question.showIf, answers);
}

/**
 * The answers that count: an answer to a question that is now hidden (the teacher went back and
 * changed an earlier answer) is dropped, so it cannot open questions further on.
 */
export function effectiveAnswers(q: Questionnaire, answers: Answers): Map<string, AnswerValue | null> {
  const effective = new Map<string, AnswerValue | null>();
  for (const question of q.questions) {
    if (!isVisible(question, effective)) continue;
    if (answers.has(question.id)) effective.set(question.id, answers.get(question.id) ?? null);
  }
  return effective;
}

function visibleFlags(q: Questionnaire, answers: Answers): boolean[] {
  const effective = effectiveAnswers(q, answers);
  // Conditions look only at earlier questions, so the final map gives each question's visibility.
  return q.questions.map((question) => isVisible(question, effective));
}

function indexOf(q: Questionnaire, id: string): number {
  const index = q.questions.findIndex((question) => question.id === id);
  // An id from another version is a bug in the caller; ending the questionnaire would hide it.
  if (index < 0) throw new Error(`question "${id}" is not in questionnaire ${q.id} v${q.version}`);
  return index;
}

/** The first visible question after `afterId` (or the first of all); undefined at the end. */
export function nextQuestion(q: Questionnaire, answers: Answers, afterId?: string): Question | undefined {
  const start = afterId === undefined ? 0 : indexOf(q, afterId) + 1;
  const visible = visibleFlags(q, answers);
  for (let i = start; i < q.questions.length; i++) if (visible[i]) return q.questions[i];
  return undefined;
}

/** The last visible question before `beforeId`; undefined at the start. */
export function previousQuestion(q: Questionnaire, answers: Answers, beforeId: string): Question | undefined {
  const visible = visibleFlags(q, answers);
  for (let i = indexOf(q, beforeId) - 1; i >= 0; i--) if (visible[i]) return q.questions[i];
  return undefined;
}

const ANY_TYPE: readonly Operator[] = ['answered'];

/**
 * Checks a question's showIf against the questions before it, and returns it with its values
 * normalised (YAML `equals: yes` on a yes/no question becomes true).
 */
export function resolveCondition(
  condition: Condition,
  questions: readonly (Question | undefined)[],
  selfIndex: number,
  /** Ids of questions that failed their own checks: already reported, so not reported again here. */
  broken: ReadonlySet<string> = new Set(),
): { condition: Condition; problems: Problem[] } {
  const problems: Problem[] = [];

  const walk = (c: Condition, path: (string | number)[]): Condition => {
    if ('all' in c) return { all: c.all.map((x, i) => walk(x, [...path, 'all', i])) };
    if ('any' in c) return { any: c.any.map((x, i) => walk(x, [...path, 'any', i])) };
    if ('not' in c) return { not: walk(c.not, [...path, 'not']) };

    const targetIndex = questions.findIndex((q) => q?.id === c.question);
    if (targetIndex < 0 && broken.has(c.question)) return c;
    if (targetIndex < 0) {
      problems.push({
        message: phrase('content.q_showif_unknown', { id: c.question }),
        path: [...path, 'question'],
      });
      return c;
    }
    if (targetIndex >= selfIndex) {
      problems.push({
        message: phrase('content.q_showif_later', { id: c.question }),
        path: [...path, 'question'],
      });
      return c;
    }
    const target = questions[targetIndex]!;
    const handler = handlerFor(target);
    // The schema lets exactly one test through (or gte with lte, which apply to the same types).
    const operator: Operator = OPERATORS.find((k) => k in c) ?? 'answered';
    const allowed = [...new Set([...handler.operators, ...ANY_TYPE])];
    if (!allowed.includes(operator)) {
      problems.push({
        message: phrase('content.q_showif_operator', {
          operator,
          id: target.id,
          type: target.type,
          allowed: allowed.join(', '),
        }),
        path: [...path, operator],
      });
      return c;
    }
    const value = (v: ConditionValue, op: Operator, at: (string | number)[]): ConditionValue => {
      const checked = handler.conditionValue(v, op);
      if ('problem' in checked) {
        problems.push({ message: phrase('content.q_showif', { problem: checked.problem }), path: [...path, ...at] });
        return v;
      }
      return checked.value;
    };
    if ('answered' in c) return c;
    if ('equals' in c) return { question: c.question, equals: value(c.equals, 'equals', ['equals']) };
    if ('notEquals' in c) return { question: c.question, notEquals: value(c.notEquals, 'notEquals', ['notEquals']) };
    if ('in' in c) return { question: c.question, in: c.in.map((v, i) => value(v, 'in', ['in', i])) };
    if ('includes' in c) return { question: c.question, includes: String(value(c.includes, 'includes', ['includes'])) };
    if (c.gte !== undefined) value(c.gte, 'gte', ['gte']);
    if (c.lte !== undefined) value(c.lte, 'lte', ['lte']);
    if (c.gte !== undefined && c.lte !== undefined && c.gte > c.lte) {
      problems.push({
        message: phrase('content.q_showif_range', { gte: c.gte, lte: c.lte, id: target.id }),
        path: [...path, 'gte'],
      });
    }
    return c;
  };

  return { condition: walk(condition, ['showIf']), problems };
}
