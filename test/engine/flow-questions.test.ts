// A flow's `ask` is a questionnaire question with message keys for texts: the question type's own
// schema checks it and gives its defaults.
import { describe, expect, it } from 'vitest';
import { parseFlow as parseProblems } from '../../src/engine/flows/load.js';
import { problemWords } from '../../src/questionnaires/index.js';

/** The problems in English, as the server's refusal to start names them. */
const parseFlow = (...args: Parameters<typeof parseProblems>) => {
  const { flow, errors } = parseProblems(...args);
  return { flow, errors: errors.map(problemWords('en')) };
};

const registry = { actions: new Set<string>(), optionSources: new Set(['my_cohorts']), checks: new Set<string>() };

function flowWith(ask: string): string {
  return `id: demo\nroles: [teacher]\nsteps:\n  - id: q\n    ask: ${ask}\n    save: answer\n`;
}

describe('flow questions', () => {
  it('takes the questionnaire defaults and options from a source', () => {
    const text = parseFlow('flows/demo.yaml', flowWith('{ type: short_text, text: activity.ask_title }'), registry);
    expect(text.errors).toEqual([]);
    expect(text.flow?.steps[0]).toMatchObject({
      kind: 'ask',
      question: { type: 'short_text', maxLength: 200, required: true },
    });
    const sourced = parseFlow(
      'flows/demo.yaml',
      flowWith('{ type: single_choice, text: activity.ask_cohort, from: my_cohorts }'),
      registry,
    );
    expect(sourced.errors).toEqual([]);
    expect(sourced.flow?.steps[0]).toMatchObject({
      question: { type: 'single_choice', options: [] },
      optionsFrom: 'my_cohorts',
    });
  });

  it('refuses what the question type refuses, naming the step and the field', () => {
    expect(
      parseFlow('flows/demo.yaml', flowWith('{ type: short_text, text: activity.ask_title, maxLength: -3 }'), registry)
        .errors,
    ).toEqual(['flows/demo.yaml: step q: ask.maxLength must be a positive whole number (line 5)']);
    expect(
      parseFlow('flows/demo.yaml', flowWith('{ type: single_choice, text: activity.ask_cohort }'), registry).errors[0],
    ).toBe('flows/demo.yaml: step q: ask.options is required (line 5)');
    expect(
      parseFlow('flows/demo.yaml', flowWith('{ type: essay, text: activity.ask_title }'), registry).errors[0],
    ).toMatch(/step q: ask\.type: "essay" is not a question type; use one of: single_choice/);
    expect(parseFlow('flows/demo.yaml', flowWith('{ type: short_text, text: no.such_key }'), registry).errors).toEqual([
      'flows/demo.yaml: step q: ask.text: unknown message key "no.such_key" (line 5)',
    ]);
  });
});

describe('a broken flow in the staff’s language', () => {
  it('names each step’s problem with its line, every one in one pass', () => {
    const text = [
      'id: other',
      'roles: [teacher]',
      'steps:',
      '  - id: q',
      '    ask: { type: essay, text: activity.ask_title }',
      '    save: answer',
      '  - id: s',
      '    say: no.such_key',
      '    next: nowhere',
      '  - id: d',
      '    do: unknown_action',
      '  - { wait: 5 }',
    ].join('\n');
    const { errors } = parseProblems('flows/demo.yaml', text, registry);
    expect(errors.map(problemWords('ru'))).toEqual([
      'flows/demo.yaml: id «other» не совпадает с именем файла (строка 1)',
      'flows/demo.yaml: шаг q: ask.type: «essay» — нет такого типа вопроса; возможные: single_choice, multiple_choice, likert, number, short_text, long_text, date, link, ranking, yes_no (строка 5)',
      'flows/demo.yaml: шаг s: say: нет такого текста в каталоге сообщений: «no.such_key» (строка 8)',
      'flows/demo.yaml: шаг d: нет действия «unknown_action» (строка 11)',
      'flows/demo.yaml: шаг №4: шаг должен быть одним из: ask, say, do, if, goto, questionnaire, end (строка 12)',
    ]);
  });
});
