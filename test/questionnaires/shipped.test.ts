import { describe, expect, it } from 'vitest';
import {
  displayAnswer,
  loadQuestionnaires,
  nextQuestion,
  parseAnswer,
  QUESTION_TYPES,
  questionInput,
  translationCoverage,
  type AnswerValue,
  type Condition,
  type Questionnaire,
} from '../../src/questionnaires/index.js';
import { LOCALES } from '../../src/domain/locale.js';

const { catalog, errors } = loadQuestionnaires('questionnaires');
const shipped = catalog.latest();

const SHIPPED_IDS = [
  'difficulties',
  'entry',
  'exit',
  'impact',
  'school-self-assessment',
  'stage-1-plan',
  'stage-2-progress',
  'stage-3-results',
];

function referencedQuestions(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(referencedQuestions);
  if ('any' in c) return c.any.flatMap(referencedQuestions);
  if ('not' in c) return referencedQuestions(c.not);
  return [c.question];
}

describe('shipped questionnaires', () => {
  it('load without a single error', () => {
    expect(errors).toEqual([]);
    expect(shipped.map((q) => q.id)).toEqual(SHIPPED_IDS);
  });

  it('use every question type between them', () => {
    const used = new Set(shipped.flatMap((q) => q.questions.map((question) => question.type)));
    expect([...used].sort()).toEqual([...QUESTION_TYPES].sort());
  });

  it('use skip logic in at least two questionnaires', () => {
    const withSkipLogic = shipped.filter((q) => q.questions.some((question) => question.showIf));
    expect(withSkipLogic.length).toBeGreaterThanOrEqual(2);
  });

  it.each(SHIPPED_IDS)('%s is translated into Kazakh and English throughout', (id) => {
    const coverage = translationCoverage(catalog.get(id)!);
    for (const locale of LOCALES) expect(coverage[locale].translated, `${id} ${locale}`).toBe(coverage[locale].total);
  });

  it.each(SHIPPED_IDS)('%s has a source path and a content hash', (id) => {
    const q = catalog.get(id)!;
    expect(q.source).toBe(`questionnaires/${id}.yaml`);
    expect(q.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(SHIPPED_IDS)('%s can be answered from start to end by a teacher who types "1" or "да"', (id) => {
    const q: Questionnaire = catalog.get(id)!;
    const given = new Map<string, AnswerValue | null>();
    const ctx = { locale: 'ru' as const, today: '2026-03-15' };
    const typed: Record<string, string> = {
      number: '1',
      short_text: 'Тема',
      long_text: 'Пример из практики',
      date: '01.03.2026',
      link: 'school.kz/page',
      ranking: '',
    };
    let steps = 0;
    for (let next = nextQuestion(q, given); next; next = nextQuestion(q, given, next.id)) {
      const input = questionInput(next, 'kk');
      expect(input.kind).toBe(next.type in typed && next.type !== 'ranking' ? 'text' : 'choice');
      const text =
        next.type === 'ranking' && input.kind === 'choice' && input.ranking
          ? Array.from({ length: input.ranking.count }, (_, i) => String(i + 1)).join(' ')
          : (typed[next.type] ?? (next.type === 'yes_no' ? 'да' : '1'));
      const result = parseAnswer(next, { text }, ctx);
      expect(result.ok, `${id}.${next.id} with ${JSON.stringify(text)}`).toBe(true);
      if (result.ok) {
        given.set(next.id, result.value);
        expect(displayAnswer(next, result.value, 'ru')).not.toBe('');
      }
      steps++;
    }
    expect(steps).toBeGreaterThan(5);
  });

  it('refer in every showIf to questions asked before it', () => {
    for (const q of shipped) {
      q.questions.forEach((question, index) => {
        if (!question.showIf) return;
        for (const ref of referencedQuestions(question.showIf)) {
          expect(
            q.questions.findIndex((x) => x.id === ref),
            `${q.id}.${question.id} → ${ref}`,
          ).toBeLessThan(index);
        }
      });
    }
  });
});
