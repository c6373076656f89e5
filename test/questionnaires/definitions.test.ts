import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadQuestionnaires as loadProblems,
  parseQuestionnaire as parseProblems,
  problemWords,
} from '../../src/questionnaires/index.js';

/** The problems in English, as the server's refusal to start names them. */
const en = problemWords('en');
const loadQuestionnaires = (...args: Parameters<typeof loadProblems>) => {
  const { catalog, errors } = loadProblems(...args);
  return { catalog, errors: errors.map(en) };
};
const parseQuestionnaire = (source: string, text: string) => {
  const { questionnaire, errors } = parseProblems(source, text);
  return { questionnaire, errors: errors.map(en) };
};

const BROKEN = 'test/fixtures/questionnaires-broken';
const GOOD = 'test/fixtures/questionnaires-good';

/** Every broken fixture and the exact errors it must produce; a fixture missing here fails the suite. */
const EXPECTED: Record<string, string[]> = {
  'duplicate-option-ids.yaml': [
    `${BROKEN}/duplicate-option-ids.yaml: question q1: option ids must be unique ("school" is used more than once) (line 11)`,
  ],
  'forward-showif.yaml': [
    `${BROKEN}/forward-showif.yaml: question q2: showIf refers to q3, which is not an earlier question (line 11)`,
  ],
  'unknown-field.yaml': [
    `${BROKEN}/unknown-field.yaml: question q1: unknown field "requierd" (did you mean "required"?) (line 8)`,
  ],
  'bad-yaml.yaml': [
    `${BROKEN}/bad-yaml.yaml: line 8, column 3: YAML syntax error: wrong indentation: nested fields are indented by the same number of spaces`,
  ],
  'min-greater-than-max.yaml': [
    `${BROKEN}/min-greater-than-max.yaml: question q1: min (5) is greater than max (3) (line 8)`,
  ],
  'id-mismatch.yaml': [
    `${BROKEN}/id-mismatch.yaml: id "id-mismatch2" does not match the file name "id-mismatch.yaml" (line 1)`,
  ],
  'archive/duplicate-version.v2.yaml': [
    `${BROKEN}/archive/duplicate-version.v2.yaml: version 2 of "duplicate-version" is also in ${BROKEN}/duplicate-version.yaml; two files cannot share an id and a version`,
  ],
  // The current file of the pair is itself fine; the error belongs to the archive copy.
  'duplicate-version.yaml': [],
};

function fixtureFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? fixtureFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe('broken questionnaire fixtures', () => {
  const { catalog, errors } = loadQuestionnaires(BROKEN);

  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect(fixtureFiles(BROKEN).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s fails with its exact message', (file, expected) => {
    expect(errors.filter((e) => e.startsWith(`${BROKEN}/${file}:`))).toEqual(expected);
  });

  it('reports nothing else and keeps only the valid current file', () => {
    expect(errors).toHaveLength(Object.values(EXPECTED).flat().length);
    expect(catalog.all().map((q) => `${q.id}@${q.version}`)).toEqual(['duplicate-version@2']);
  });
});

const header = 'id: t\nversion: 1\ntitle: "T"\nquestions:\n';
const parse = (questions: string, source = 'questionnaires/t.yaml') => parseQuestionnaire(source, header + questions);

describe('parseQuestionnaire', () => {
  it('names the file, the question and the problem', () => {
    const cases: [string, string][] = [
      [
        '  - { id: q1, type: likret, text: "x" }\n',
        'question q1: type "likret" is not a question type (did you mean "likert"?)',
      ],
      ['  - { id: q1, text: "x" }\n', 'question q1: type is required'],
      ['  - { id: q1, type: yes_no }\n', 'question q1: text is required'],
      ['  - { id: q1, type: yes_no, text: { ru: "" } }\n', 'question q1: text.ru must not be empty'],
      [
        '  - { id: q1, type: yes_no, text: { ru: "x", kz: "y" } }\n',
        'question q1: text: unknown field "kz" (did you mean "kk"?)',
      ],
      [
        '  - { id: "bad id", type: yes_no, text: "x" }\n',
        'question bad id: id must be 1–64 latin letters, digits, "-" or "_"',
      ],
      ['  - { id: q1, type: number, text: "x", min: 5, max: 3 }\n', 'question q1: min (5) is greater than max (3)'],
      ['  - { id: q1, type: number, text: "x", min: "5" }\n', 'question q1: min must be a number'],
      ['  - { id: q1, type: short_text, text: "x", maxLength: 5000 }\n', 'question q1: maxLength must be at most 4000'],
      [
        '  - { id: q1, type: date, text: "x", min: "2026-02-31" }\n',
        'question q1: min must be a date written as yyyy-mm-dd',
      ],
      [
        '  - { id: q1, type: date, text: "x", min: "2026-05-01", max: "2026-01-01" }\n',
        'question q1: min (2026-05-01) is later than max (2026-01-01)',
      ],
      [
        '  - { id: q1, type: likert, text: "x", scale: { min: 1, max: 5 }, labels: { 1: "нет" } }\n',
        'question q1: labels must name both ends of the scale (1 and 5)',
      ],
      [
        '  - { id: q1, type: likert, text: "x", scale: { min: 1, max: 5 }, labels: { 1: "a", 5: "b", 7: "c" } }\n',
        'question q1: labels: 7 is outside the scale 1–5',
      ],
      [
        '  - { id: q1, type: likert, text: "x", scale: { min: 0, max: 5 }, labels: { 0: "a", 5: "b" } }\n',
        'question q1: scale.min must be 1',
      ],
      [
        '  - { id: q1, type: single_choice, text: "x", options: [{ id: a, text: "A" }] }\n',
        'question q1: options must list at least 2 options',
      ],
      [
        '  - { id: q1, type: single_choice, text: "x", options: [{ id: a, text: "Да" }, { id: b, text: "да" }] }\n',
        'question q1: option texts must be unique ("да" is used more than once)',
      ],
      [
        '  - { id: q1, type: single_choice, text: "x", options: [{ id: a, text: "A" }, { id: other, text: "B" }] }\n',
        'question q1: option id "other" is reserved',
      ],
      [
        '  - { id: q1, type: single_choice, text: "x", options: [{ id: a, text: "3" }, { id: b, text: "B" }] }\n',
        'question q1: option "a": text "3" is a bare number',
      ],
      [
        '  - { id: q1, type: multiple_choice, text: "x", max: 4, options: [{ id: a, text: "A" }, { id: b, text: "B" }] }\n',
        'question q1: max (4) is more than the number of options (2)',
      ],
      [
        '  - { id: q1, type: ranking, text: "x", count: 3, options: [{ id: a, text: "A" }, { id: b, text: "B" }] }\n',
        'question q1: count (3) is more than the number of options (2)',
      ],
      [
        '  - { id: q1, type: yes_no, text: "x" }\n  - { id: q1, type: yes_no, text: "y" }\n',
        'question q1: id "q1" is used more than once (also question #1)',
      ],
    ];
    for (const [questions, expected] of cases) {
      const { questionnaire, errors } = parse(questions);
      expect(questionnaire, expected).toBeUndefined();
      expect(errors.join('\n'), expected).toContain(`questionnaires/t.yaml: ${expected}`);
    }
  });

  it('checks every showIf against the questions before it', () => {
    const q1 =
      '  - { id: level, type: single_choice, text: "x", options: [{ id: school, text: "A" }, { id: region, text: "B" }] }\n';
    const cases: [string, string][] = [
      ['{ question: nope, equals: 1 }', 'showIf refers to nope, which is not a question in this file'],
      ['{ question: q2, answered: true }', 'showIf refers to q2, which is not an earlier question'],
      [
        '{ question: level, equals: republic }',
        'showIf: "republic" is not an option of level (its options: school, region)',
      ],
      ['{ question: level, includes: school }', 'showIf: "includes" does not apply to level, a single_choice question'],
      ['{ question: level, gte: 2 }', 'showIf: "gte" does not apply to level'],
      ['{ question: level, equals: school, answered: true }', 'showIf: a condition needs exactly one test'],
      ['{ question: level }', 'showIf: a condition needs exactly one test'],
      ['{ equals: school }', 'showIf: a condition needs "question"'],
      ['{ all: [] }', 'showIf.all must list at least one condition'],
      ['{ any: [{ question: level, equals: nowhere }] }', 'showIf: "nowhere" is not an option of level'],
    ];
    for (const [condition, expected] of cases) {
      const { errors } = parse(`${q1}  - { id: q2, type: yes_no, text: "y", showIf: ${condition} }\n`);
      expect(errors.join('\n'), condition).toContain(`question q2: ${expected}`);
    }
  });

  it('reads yes/no in a condition as true/false and option ids written as numbers as text', () => {
    const { questionnaire, errors } = parse(
      [
        '  - { id: a, type: yes_no, text: "x" }',
        '  - { id: b, type: single_choice, text: "x", options: [{ id: 1, text: "A" }, { id: 2, text: "B" }], showIf: { question: a, equals: yes } }',
        '  - { id: c, type: yes_no, text: "x", showIf: { all: [{ question: a, notEquals: no }, { question: b, in: [1] }] } }',
        '  - { id: d, type: yes_no, text: "x", showIf: { question: a, equals: maybe } }',
      ].join('\n'),
    );
    expect(errors).toEqual([
      'questionnaires/t.yaml: question d: showIf: a is a yes/no question; compare it with true or false (yes / no), not "maybe" (line 8)',
    ]);
    expect(questionnaire).toBeUndefined();
    const fixed = parse(
      [
        '  - { id: a, type: yes_no, text: "x" }',
        '  - { id: b, type: single_choice, text: "x", options: [{ id: 1, text: "A" }, { id: 2, text: "B" }], showIf: { question: a, equals: yes } }',
        '  - { id: c, type: yes_no, text: "x", showIf: { all: [{ question: a, notEquals: no }, { question: b, in: [1] }] } }',
      ].join('\n'),
    ).questionnaire!;
    expect(fixed.questions[1]!.showIf).toEqual({ question: 'a', equals: true });
    expect(fixed.questions[2]!.showIf).toEqual({
      all: [
        { question: 'a', notEquals: false },
        { question: 'b', in: ['1'] },
      ],
    });
    expect(fixed.questions[1]).toMatchObject({ options: [{ id: '1' }, { id: '2' }] });
  });

  it('applies defaults and hashes the meaning, not the formatting', () => {
    const a = parse(
      '  - { id: q1, type: multiple_choice, text: "x", other: true, options: [{ id: a, text: "A" }, { id: b, text: "B" }] }\n',
    );
    const b = parse(
      '# comment\n  - id: q1\n    type: multiple_choice\n    text: { ru: "x" }\n    other: true\n    min: 1\n    options:\n      - { id: a, text: "A" }\n      - { id: b, text: "B" }\n',
    );
    expect(a.questionnaire!.questions[0]).toMatchObject({ required: true, min: 1, max: 3, other: true });
    expect(a.questionnaire!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.questionnaire!.hash).toBe(a.questionnaire!.hash);
    expect(parse('  - { id: q1, type: short_text, text: "x" }\n').questionnaire!.questions[0]).toMatchObject({
      maxLength: 200,
    });
    expect(parse('  - { id: q1, type: long_text, text: "x" }\n').questionnaire!.questions[0]).toMatchObject({
      maxLength: 4000,
    });
    expect(parse('  - { id: q1, type: short_text, text: "y" }\n').questionnaire!.hash).not.toBe(
      parse('  - { id: q1, type: short_text, text: "x" }\n').questionnaire!.hash,
    );
  });

  it('rejects whole-file problems with a clear message and never throws', () => {
    const cases: [string, string][] = [
      ['', 'the file is empty'],
      ['- a\n- b\n', 'the file must be a set of fields'],
      [
        'id: t\nversion: 0\ntitle: T\nquestions: [{ id: q, type: yes_no, text: x }]\n',
        'version must be a positive whole number (line 2)',
      ],
      [
        'id: t\nversion: 1.5\ntitle: T\nquestions: [{ id: q, type: yes_no, text: x }]\n',
        'version must be a positive whole number',
      ],
      ['id: t\ntitle: T\nquestions: [{ id: q, type: yes_no, text: x }]\n', 'version is required'],
      ['id: t\nversion: 1\ntitle: T\nquestions: []\n', 'questions must list at least 1 question'],
      [
        'id: T\nversion: 1\ntitle: T\nquestions: [{ id: q, type: yes_no, text: x }]\n',
        'id must be lower-case latin letters',
      ],
      [
        'id: t\nversion: 1\ntitle: T\ntitel: T\nquestions: [{ id: q, type: yes_no, text: x }]\n',
        'unknown field "titel" (did you mean "title"?) (line 4)',
      ],
      ['id: t\nid: u\n', 'line 2, column 1: YAML syntax error: the field is given twice'],
      ['id: t\n---\nid: u\n', 'YAML syntax error: the file holds several documents'],
      ['\tid: t\n', 'YAML syntax error: YAML is indented with spaces, not tabs'],
      [
        'a: &a [1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
        'YAML syntax error: the file is too complex to read',
      ],
    ];
    for (const [text, expected] of cases) {
      const result = parseQuestionnaire('questionnaires/t.yaml', text);
      expect(result.questionnaire, text).toBeUndefined();
      expect(result.errors.join('\n'), text).toContain(expected);
    }
  });

  it('checks an archive file name against the id and the version inside', () => {
    const text = 'id: exit\nversion: 3\ntitle: T\nquestions: [{ id: q, type: yes_no, text: x }]\n';
    expect(parseQuestionnaire('questionnaires/archive/exit.v2.yaml', text).errors).toEqual([
      'questionnaires/archive/exit.v2.yaml: version 3 does not match the file name "exit.v2.yaml" (line 2)',
    ]);
    expect(parseQuestionnaire('questionnaires/archive/exit.v3.yaml', text).errors).toEqual([]);
    // A source that is not a file name (a test, a string) is not checked against one.
    expect(parseQuestionnaire('<inline>', text).errors).toEqual([]);
  });
});

describe('loadQuestionnaires', () => {
  it('loads current and archived versions into a catalog', () => {
    const { catalog, errors } = loadQuestionnaires(GOOD);
    expect(errors).toEqual([]);
    expect(catalog.get('demo')?.version).toBe(2);
    expect(catalog.get('demo', 1)?.source).toBe(`${GOOD}/archive/demo.v1.yaml`);
    expect(catalog.get('demo', 3)).toBeUndefined();
    expect(catalog.get('nope')).toBeUndefined();
    expect(catalog.latest().map((q) => `${q.id}@${q.version}`)).toEqual(['demo@2']);
    expect(catalog.all().map((q) => `${q.id}@${q.version}`)).toEqual(['demo@1', 'demo@2']);
  });

  it('reports a missing directory instead of throwing', () => {
    const { catalog, errors } = loadQuestionnaires('test/fixtures/no-such-dir');
    expect(errors).toEqual(['test/fixtures/no-such-dir: no such directory']);
    expect(catalog.all()).toEqual([]);
  });
});
