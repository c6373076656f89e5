import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCohortFile, type CohortFile } from '../../src/import/cohort-file.js';
import { deriveCohortCode } from '../../src/import/cohort-code.js';
import { formatProblem } from '../../src/import/fields.js';
import { readSample, sampleCohortPath } from './helpers.js';

const defaults = { timeZone: 'Europe/Moscow', locale: 'ru' as const };

function parseOk(text: string, name = 'cohort.yaml'): CohortFile {
  const result = parseCohortFile(text, name, defaults);
  if (!result.ok) throw new Error(result.error.map(formatProblem).join('\n'));
  return result.value;
}

function problems(text: string, name = 'cohort.yaml'): string[] {
  const result = parseCohortFile(text, name, defaults);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.error.map(formatProblem);
}

const minimal = {
  programme: {
    code: 'FG-72',
    title: 'Формирование функциональной грамотности',
    direction: 'Общее образование',
    hours: 72,
  },
  cohort: { title: 'Поток весна 2026', courseStart: '2026-03-02', courseEnd: '2026-03-20', timeZone: 'Asia/Almaty' },
  curators: [{ name: 'Сейткали Айгуль', phone: '+7 701 555 11 22', telegram: '@aigul_s' }],
};
const yamlOf = (value: unknown) => stringify(value);

describe('the sample cohort file', () => {
  it('parses into the programme, cohort, staff and teachers it describes', () => {
    const file = parseOk(readSample(sampleCohortPath), 'cohort.sample.yaml');
    expect(file.format).toBe('yaml');
    expect(file.programme).toEqual({
      code: 'FG-72',
      title: 'Формирование функциональной грамотности',
      direction: 'Общее образование',
      hours: 72,
    });
    expect(file.cohort).toEqual({
      code: 'FG72-SPRING',
      codeDerived: false,
      title: 'Поток весна 2026',
      courseStart: '2026-03-02',
      courseEnd: '2026-03-20',
      timeZone: 'Asia/Almaty',
      locale: 'kk',
    });
    expect(file.defaultCountry).toBe('KZ');
    expect(file.curators).toHaveLength(1);
    expect(file.tutors).toHaveLength(2);
    expect(file.teachers).toHaveLength(3);
    const curator = file.people[file.curators[0]!]!;
    expect(curator).toMatchObject({
      fullName: 'Сейткали Айгуль Маратовна',
      phone: '+77015551122',
      telegramUsername: 'aigul_s',
    });
    const [dinara, yerzhan, olga] = file.teachers.map((t) => ({
      ...file.people[t.person]!,
      tutorName: t.tutor === undefined ? undefined : file.people[t.tutor]!.fullName,
    }));
    expect(dinara).toMatchObject({
      phone: '+77015553001',
      settlementType: 'urban',
      locale: 'ru',
      tutorName: 'Жумабаева Салтанат Ерлановна',
    });
    expect(yerzhan).toMatchObject({ settlementType: 'rural', locale: 'kk', tutorName: 'Жумабаева Салтанат Ерлановна' });
    expect(olga).toMatchObject({
      phone: '+77775553003',
      settlementType: 'urban',
      tutorName: 'Ким Виктор Александрович',
    });
  });
});

describe('formats', () => {
  it('reads JSON by extension and by content', () => {
    const json = JSON.stringify(minimal);
    expect(parseOk(json, 'cohort.json').format).toBe('json');
    expect(parseOk(json, 'cohort.txt').format).toBe('json');
    expect(parseOk(yamlOf(minimal), 'cohort.txt').format).toBe('yaml');
  });

  it('gives the same result from YAML and JSON', () => {
    const fromYaml = parseOk(yamlOf(minimal));
    const fromJson = parseOk(JSON.stringify(minimal), 'cohort.json');
    expect({ ...fromJson, format: 'yaml' }).toEqual(fromYaml);
  });

  it('points at the line of a YAML syntax error and says how to fix an unquoted @', () => {
    const text =
      'programme: { code: FG-72, title: T, direction: D }\ncurators:\n  - name: Айгуль\n    telegram: @aigul_s\n';
    expect(problems(text)).toEqual([
      'строка 4, столбец 15: ошибка в записи YAML: значение, которое начинается с @, ` или %, возьмите в кавычки: telegram: "@aigul_s"',
    ]);
  });

  it('points at the line and column of a JSON syntax error and says what is wrong, in Russian', () => {
    expect(problems('{\n  "programme": {\n    "code": "FG-72",\n  }\n}', 'cohort.json')).toEqual([
      'строка 4, столбец 3: ошибка в записи JSON: лишняя запятая перед «}»',
    ]);
    const cases: [string, string][] = [
      [
        '{\n  "programme": {\n    "code": \'FG-72\'\n  }\n}',
        "строка 3, столбец 13: ошибка в записи JSON: текст в JSON берётся в двойные кавычки, а не в одинарные: 'FG-72'",
      ],
      ['{\n  "a": 1\n  "b": 2\n}', 'строка 3, столбец 3: ошибка в записи JSON: не хватает запятой между значениями'],
      ['{\n  "a" 1\n}', 'строка 2, столбец 7: ошибка в записи JSON: после имени поля ожидается двоеточие'],
      [
        '{\n  code: 1\n}',
        'строка 2, столбец 3: ошибка в записи JSON: «code» — не значение JSON: текст берётся в двойные кавычки',
      ],
      ['{\n  "a": [1, 2\n}', 'строка 3, столбец 1: ошибка в записи JSON: не хватает запятой между значениями'],
      ['{\n  "a": "x', 'строка 2, столбец 8: ошибка в записи JSON: текст не закрыт кавычкой до конца строки'],
      [
        '{\n  "a": 1\n}\n}',
        'строка 4, столбец 1: ошибка в записи JSON: лишние знаки после конца данных: проверьте скобки',
      ],
      ['// поток\n{}', 'строка 1, столбец 1: ошибка в записи JSON: в JSON не бывает комментариев'],
      [
        '{\n  "a": tru\n}',
        'строка 2, столбец 8: ошибка в записи JSON: «tru» — не значение JSON: текст берётся в двойные кавычки',
      ],
      ['{\n  "a": 01\n}', 'строка 2, столбец 9: ошибка в записи JSON: не хватает запятой между значениями'],
      ['{\n  "a": {', 'строка 2, столбец 9: ошибка в записи JSON: не хватает закрывающей «}»'],
      [
        '{\n  "a": ',
        'строка 2, столбец 8: ошибка в записи JSON: файл обрывается: не хватает значения или закрывающей скобки',
      ],
    ];
    for (const [text, line] of cases) expect(problems(text, 'cohort.json'), text).toEqual([line]);
  });

  it('words every YAML syntax error in Russian, with its line and column', () => {
    const cases: [string, string][] = [
      [
        'programme: {}\n---\ncohort: {}\n',
        'строка 2, столбец 1: ошибка в записи YAML: в файле несколько документов (разделитель ---): нужен один',
      ],
      [
        'programme: "a\\qb"\n',
        'строка 1, столбец 14: ошибка в записи YAML: неверная обратная косая черта в тексте в двойных кавычках: сама черта пишется как \\\\',
      ],
      [
        'programme: &p { code: A }\ncohort: *q\n',
        '(весь файл): ошибка в записи YAML: якоря и ссылки YAML (&, *) здесь не нужны: напишите значение целиком',
      ],
    ];
    for (const [text, line] of cases) expect(problems(text), text).toEqual([line]);
  });

  it('refuses an empty file', () => {
    expect(problems('   \n')).toEqual(['(весь файл): файл пустой']);
  });
});

describe('validation', () => {
  it('names the field path and the problem in plain words, for every problem at once', () => {
    const bad = {
      programme: { code: 'FG-72', title: '', direction: 'Общее образование', hours: 'много' },
      cohort: { title: 'Поток', courseStart: '2026-03-02', courseEnd: '2026-02-20', timeZon: 'Asia/Almaty' },
      curators: [],
      participants: [{ name: 'Оспанов Ержан', phone: '12345' }],
    };
    expect(problems(yamlOf(bad))).toEqual([
      'programme.title: не заполнено',
      'programme.hours: ожидается число, а указано текст «много»',
      'cohort.timeZon: неизвестное поле (опечатка или лишнее поле?)',
      'curators: нужен хотя бы один куратор',
    ]);
  });

  it('checks the values once the shape is right', () => {
    const bad = {
      ...minimal,
      cohort: {
        title: 'Поток',
        courseStart: '2026-03-02',
        courseEnd: '2026-02-30',
        timeZone: 'Asia/Astana',
        language: 'uz',
      },
      curators: [{ name: 'Сейткали Айгуль' }],
      tutors: [{ name: 'Ким Виктор', telegram: 'viktor kim' }],
      participants: [
        { name: 'Оспанов Ержан', phone: '12345', settlement: 'хутор', tutor: '@nobody_here' },
        { name: 'Петренко Ольга', phone: '8 777 555 30 03', language: 'русский' },
      ],
    };
    expect(problems(yamlOf(bad))).toEqual([
      'cohort.timeZone: «Asia/Astana» — ожидается часовой пояс IANA, например Asia/Almaty или Europe/Moscow',
      'cohort.language: «uz» — укажите язык: ru, kk, en (русский, казахский, английский)',
      'cohort.courseEnd: «2026-02-30» — ожидается дата в виде ГГГГ-ММ-ДД, например 2026-03-02',
      'curators[0]: нужен телефон (phone) или Telegram (telegram), чтобы бот узнал этого человека',
      'tutors[0].telegram: «viktor kim» — не похоже на имя пользователя Telegram (латинские буквы, цифры и _, от 5 до 32 знаков, например @aigul_s)',
      'participants[0].phone: «12345» — не похоже на номер телефона',
      'participants[0].settlement: «хутор» — укажите «город» или «село» (urban / rural, қала / ауыл)',
      'participants[0].tutor: «@nobody_here» — нет такого тьютора в списке tutors (укажите его телефон, Telegram или ФИО)',
    ]);
  });

  it('reads on past an unknown field, so a typo and a bad phone come in the same run', () => {
    const bad = {
      ...minimal,
      cohort: { ...minimal.cohort, langauge: 'kk' },
      participants: [{ name: 'Оспанов Ержан', phone: '12345', colour: 'синий' }],
    };
    expect(problems(yamlOf(bad))).toEqual([
      'cohort.langauge: неизвестное поле (опечатка или лишнее поле?)',
      'participants[0].colour: неизвестное поле (опечатка или лишнее поле?)',
      'participants[0].phone: «12345» — не похоже на номер телефона',
    ]);
  });

  it('says a missing field is missing', () => {
    const { courseEnd: _dropped, ...cohort } = minimal.cohort;
    expect(problems(JSON.stringify({ ...minimal, cohort }), 'cohort.json')).toEqual([
      'cohort.courseEnd: обязательное поле не заполнено',
    ]);
  });

  it('refuses a course that ends before it starts', () => {
    expect(problems(yamlOf({ ...minimal, cohort: { ...minimal.cohort, courseEnd: '2026-03-01' } }))).toEqual([
      'cohort.courseEnd: 2026-03-01 — курс не может закончиться раньше, чем начался (2026-03-02)',
    ]);
  });

  it('refuses the same person twice in a list, and a teacher who is also staff', () => {
    const bad = {
      ...minimal,
      tutors: [
        { name: 'Ким Виктор', phone: '8 777 555 20 02' },
        { name: 'Ким Виктор', phone: '+77775552002' },
      ],
      participants: [{ name: 'Сейткали Айгуль', telegram: '@AIGUL_S' }],
    };
    expect(problems(yamlOf(bad))).toEqual([
      'tutors[1]: этот человек уже указан в tutors[0]',
      'participants[0]: совпадает с curators[0]: слушатель не может быть куратором или тьютором своего потока',
    ]);
  });

  it('treats a curator who is also a tutor as one person with two roles', () => {
    const file = parseOk(yamlOf({ ...minimal, tutors: [{ name: 'Сейткали  Айгуль', telegram: '@aigul_s' }] }));
    expect(file.people).toHaveLength(1);
    expect(file.curators).toEqual([0]);
    expect(file.tutors).toEqual([0]);
  });
});

describe('defaults and normalisation', () => {
  it('takes the time zone and language from the configuration when the file has none', () => {
    const file = parseOk(
      yamlOf({ ...minimal, cohort: { title: 'Поток', courseStart: '2026-03-02', courseEnd: '2026-03-20' } }),
    );
    expect(file.cohort).toMatchObject({ timeZone: 'Europe/Moscow', locale: 'ru' });
    expect(file.defaultCountry).toBe('RU');
  });

  it('derives the same code from the same programme, title and start, and says it did', () => {
    const first = parseOk(yamlOf(minimal));
    const again = parseOk(yamlOf({ ...minimal, curators: [{ name: 'Другой куратор', phone: '+7 701 555 99 99' }] }));
    expect(first.cohort.codeDerived).toBe(true);
    expect(first.cohort.code).toBe(
      deriveCohortCode({ programmeCode: 'FG-72', title: 'Поток весна 2026', courseStart: '2026-03-02' }),
    );
    expect(again.cohort.code).toBe(first.cohort.code);
    const moved = parseOk(yamlOf({ ...minimal, cohort: { ...minimal.cohort, courseStart: '2026-03-03' } }));
    expect(moved.cohort.code).not.toBe(first.cohort.code);
  });

  it('upper-cases an explicit code and refuses characters a deep link cannot carry', () => {
    expect(parseOk(yamlOf({ ...minimal, cohort: { ...minimal.cohort, code: 'fg72-spring' } })).cohort.code).toBe(
      'FG72-SPRING',
    );
    expect(problems(yamlOf({ ...minimal, cohort: { ...minimal.cohort, code: 'Весна 26' } }))).toEqual([
      'cohort.code: «ВЕСНА 26» — код: от 3 до 32 латинских букв, цифр, «-» или «_»',
    ]);
  });

  it('normalises phones to E.164 in the cohort country, including numbers YAML read as numbers', () => {
    const text = `${yamlOf(minimal)}participants:\n  - name: Нургалиева Динара\n    phone: 87015553001\n  - name: Иванова Наталья\n    phone: "8 (916) 555-40-03"\n`;
    const file = parseOk(text);
    expect(file.teachers.map((t) => file.people[t.person]!.phone)).toEqual(['+77015553001', '+79165554003']);
  });

  it('accepts dates written dd.mm.yyyy', () => {
    const file = parseOk(
      yamlOf({ ...minimal, cohort: { ...minimal.cohort, courseStart: '02.03.2026', courseEnd: '20.03.2026' } }),
    );
    expect(file.cohort).toMatchObject({ courseStart: '2026-03-02', courseEnd: '2026-03-20' });
  });

  it('reads settlement types in Russian, Kazakh and English', () => {
    const participants = ['город', 'село', 'қала', 'ауыл', 'urban', 'rural'].map((settlement, i) => ({
      name: `Слушатель ${i}`,
      phone: `+7 701 555 50 0${i}`,
      settlement,
    }));
    const file = parseOk(yamlOf({ ...minimal, participants }));
    expect(file.teachers.map((t) => file.people[t.person]!.settlementType)).toEqual([
      'urban',
      'rural',
      'urban',
      'rural',
      'urban',
      'rural',
    ]);
  });
});
