import { describe, expect, it } from 'vitest';
import {
  effectiveAnswers,
  isVisible,
  loadQuestionnaires,
  nextQuestion,
  parseQuestionnaire,
  previousQuestion,
  type AnswerValue,
  type Question,
  type Questionnaire,
} from '../../src/questionnaires/index.js';

const demo = loadQuestionnaires('test/fixtures/questionnaires-good').catalog.get('demo')!;
const answers = (entries: Record<string, AnswerValue | null>) => new Map(Object.entries(entries));
const question = (id: string): Question => demo.questions.find((q) => q.id === id)!;

/** The ids a teacher is asked, in order, walking forward from the start with these answers. */
function walk(q: Questionnaire, given: Record<string, AnswerValue | null>): string[] {
  const map = answers(given);
  const ids: string[] = [];
  for (let next = nextQuestion(q, map); next; next = nextQuestion(q, map, next.id)) ids.push(next.id);
  return ids;
}

describe('showIf', () => {
  it('equals on yes/no', () => {
    expect(isVisible(question('approved_on'), answers({ plan: true }))).toBe(true);
    expect(isVisible(question('approved_on'), answers({ plan: false }))).toBe(false);
    expect(isVisible(question('approved_on'), answers({}))).toBe(false);
    expect(isVisible(question('approved_on'), answers({ plan: null }))).toBe(false);
  });

  it('includes on multiple choice', () => {
    expect(isVisible(question('webinar_link'), answers({ kinds: ['open_lesson', 'webinar'] }))).toBe(true);
    expect(isVisible(question('webinar_link'), answers({ kinds: ['open_lesson'] }))).toBe(false);
  });

  it('all, lte and not together', () => {
    const whyLow = question('why_low');
    expect(isVisible(whyLow, answers({ satisfaction: 2, level: 'school' }))).toBe(true);
    expect(isVisible(whyLow, answers({ satisfaction: 3, level: 'school' }))).toBe(false);
    expect(isVisible(whyLow, answers({ satisfaction: 1, level: 'region' }))).toBe(false);
    expect(isVisible(whyLow, answers({ satisfaction: 1 }))).toBe(true);
  });

  it('every operator over plain answers', () => {
    const text = [
      'id: ops',
      'version: 1',
      'title: T',
      'questions:',
      '  - { id: n, type: number, text: n, required: false }',
      '  - { id: c, type: single_choice, text: c, options: [{ id: a, text: A }, { id: b, text: B }] }',
      '  - { id: eq, type: yes_no, text: x, showIf: { question: n, equals: 3 } }',
      '  - { id: ne, type: yes_no, text: x, showIf: { question: c, notEquals: a } }',
      '  - { id: in, type: yes_no, text: x, showIf: { question: c, in: [a, b] } }',
      '  - { id: range, type: yes_no, text: x, showIf: { question: n, gte: 2, lte: 4 } }',
      '  - { id: ans, type: yes_no, text: x, showIf: { question: n, answered: false } }',
      '  - { id: any, type: yes_no, text: x, showIf: { any: [{ question: n, gte: 10 }, { question: c, equals: b }] } }',
    ].join('\n');
    const { questionnaire, errors } = parseQuestionnaire('<inline>', text);
    expect(errors).toEqual([]);
    const visible = (given: Record<string, AnswerValue | null>) =>
      questionnaire!.questions.filter((q) => q.showIf && isVisible(q, answers(given))).map((q) => q.id);
    expect(visible({ n: 3, c: 'a' })).toEqual(['eq', 'in', 'range']);
    expect(visible({ n: 5, c: 'b' })).toEqual(['ne', 'in', 'any']);
    expect(visible({ n: null, c: 'b' })).toEqual(['ne', 'in', 'ans', 'any']);
    expect(visible({})).toEqual(['ne', 'ans']);
  });
});

describe('nextQuestion and previousQuestion', () => {
  it('walk past hidden questions', () => {
    expect(walk(demo, { plan: false })).toEqual([
      'plan',
      'level',
      'kinds',
      'count',
      'satisfaction',
      'topic',
      'order',
      'rest',
    ]);
    expect(walk(demo, { plan: true, kinds: ['webinar'], satisfaction: 1, level: 'school' })).toEqual([
      'plan',
      'approved_on',
      'level',
      'kinds',
      'count',
      'webinar_link',
      'satisfaction',
      'why_low',
      'topic',
      'order',
      'rest',
    ]);
  });

  it('start at the first question and end with undefined', () => {
    expect(nextQuestion(demo, answers({}))?.id).toBe('plan');
    expect(nextQuestion(demo, answers({}), 'rest')).toBeUndefined();
    expect(previousQuestion(demo, answers({}), 'plan')).toBeUndefined();
  });

  it('go back over hidden questions to the last one asked', () => {
    expect(previousQuestion(demo, answers({ plan: false }), 'level')?.id).toBe('plan');
    expect(previousQuestion(demo, answers({ plan: true }), 'level')?.id).toBe('approved_on');
    expect(previousQuestion(demo, answers({ satisfaction: 4 }), 'topic')?.id).toBe('satisfaction');
  });

  it('ignore an answer to a question that became hidden', () => {
    // The teacher said "webinar", gave a link, went back and removed the webinar.
    const given = answers({
      plan: false,
      approved_on: '2026-03-01',
      kinds: ['open_lesson'],
      webinar_link: 'https://example.org/',
    });
    expect([...effectiveAnswers(demo, given).keys()]).toEqual(['plan', 'kinds']);
    const chained = parseQuestionnaire(
      '<inline>',
      [
        'id: chain',
        'version: 1',
        'title: T',
        'questions:',
        '  - { id: a, type: yes_no, text: a }',
        '  - { id: b, type: yes_no, text: b, showIf: { question: a, equals: yes } }',
        '  - { id: c, type: yes_no, text: c, showIf: { question: b, equals: yes } }',
      ].join('\n'),
    ).questionnaire!;
    expect(walk(chained, { a: false, b: true })).toEqual(['a']);
    expect(walk(chained, { a: true, b: true })).toEqual(['a', 'b', 'c']);
  });

  it('refuse a question id from somewhere else rather than end the questionnaire', () => {
    expect(() => nextQuestion(demo, answers({}), 'nope')).toThrow(/"nope" is not in questionnaire demo v2/);
    expect(() => previousQuestion(demo, answers({}), 'nope')).toThrow(/nope/);
  });
});
