import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import {
  displayAnswer,
  loadQuestionnaires,
  parseAnswer,
  parseOtherText,
  questionInput,
  type AnswerInput,
  type ParseContext,
  type ParseResult,
  type Question,
} from '../../src/questionnaires/index.js';

const demo = loadQuestionnaires('test/fixtures/questionnaires-good').catalog.get('demo')!;
const q = (id: string): Question => {
  const found = demo.questions.find((x) => x.id === id);
  if (!found) throw new Error(`no question ${id} in the demo fixture`);
  return found;
};
const ru: ParseContext = { locale: 'ru', today: '2026-03-15' };
const kk: ParseContext = { locale: 'kk', today: '2026-03-15' };

function value(question: Question, input: AnswerInput | string, ctx = ru): unknown {
  const result = parseAnswer(question, typeof input === 'string' ? { text: input } : input, ctx);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to be accepted, got ${result.error.key}`);
  return result.value;
}
function error(
  question: Question,
  input: AnswerInput | string,
  ctx = ru,
): { key: string; params?: Record<string, string | number> } {
  const result = parseAnswer(question, typeof input === 'string' ? { text: input } : input, ctx);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${JSON.stringify(result.value)}`);
  return result.error;
}
const message = (result: ParseResult, locale: 'ru' | 'kk' | 'en' = 'ru') =>
  result.ok ? '' : t(locale, result.error.key, result.error.params);

describe('single_choice', () => {
  const level = q('level');
  it.each([
    ['2', 'district'],
    [' 2. ', 'district'],
    ['№1', 'school'],
    ['district', 'district'],
    ['  РАЙОННЫЙ ', 'district'],
    ['«Областной»', 'region'],
    ['2. Районный', 'district'],
  ])('reads %j', (text, expected) => expect(value(level, text)).toBe(expected));

  it('reads a label in the teacher’s language or in Russian', () => {
    expect(value(level, 'Аудандық', kk)).toBe('district');
    expect(value(level, 'районный', kk)).toBe('district');
    expect(error(level, 'аудандық', ru).key).toBe('validation.choice_unknown');
  });

  it('takes a button id and asks for the «Другое» text', () => {
    expect(parseAnswer(level, { optionIds: ['region'] }, ru)).toEqual({ ok: true, value: 'region' });
    expect(parseAnswer(level, { text: '4' }, ru)).toEqual({ ok: true, value: 'other', needsOtherText: true });
    expect(parseAnswer(level, { text: 'другое' }, ru)).toEqual({ ok: true, value: 'other', needsOtherText: true });
    expect(parseAnswer(level, { text: 'басқа' }, kk)).toEqual({ ok: true, value: 'other', needsOtherText: true });
  });

  it('refuses what it cannot place, naming the valid range', () => {
    expect(error(level, '5')).toEqual({ key: 'validation.choice_number_range', params: { max: 4 } });
    expect(message(parseAnswer(level, { text: '0' }, ru))).toBe('Такого номера нет. Пришлите номер от 1 до 4.');
    expect(error(level, 'гимназия')).toEqual({ key: 'validation.choice_unknown', params: { max: 4 } });
    expect(error(level, '1, 2')).toEqual({ key: 'validation.choice_single', params: { max: 4 } });
    expect(error(level, { optionIds: ['nope'] }).key).toBe('validation.choice_unknown');
    expect(error(level, '   ').key).toBe('validation.required');
    expect(error(level, {}).key).toBe('validation.required');
    expect(value(level, '2, 2')).toBe('district');
  });

  it('offers its options, «Другое» last, in the teacher’s language', () => {
    expect(questionInput(level, 'kk')).toEqual({
      kind: 'choice',
      options: [
        { id: 'school', label: 'Мектеп деңгейі' },
        { id: 'district', label: 'Аудандық' },
        { id: 'region', label: 'Облыстық' },
        { id: 'other', label: 'Басқа' },
      ],
    });
    expect(displayAnswer(level, 'district', 'ru')).toBe('Районный');
    expect(displayAnswer(level, 'other', 'en')).toBe('Other');
    expect(displayAnswer(level, 'gone', 'ru')).toBe('gone');
  });
});

describe('multiple_choice', () => {
  const kinds = q('kinds');
  it.each(['2, 4', '2 4', '2;4', '2,4', '4, 2', '2, 4, 2', 'seminar; master_class', 'Мастер-класс, семинар', '2\n4'])(
    'reads %j as the second and fourth options',
    (text) => expect(value(kinds, text)).toEqual(['master_class', 'seminar']),
  );

  it('enforces min and max and says which rule failed', () => {
    expect(error(kinds, '1 2 3 4')).toEqual({ key: 'validation.choice_too_many', params: { count: 3 } });
    expect(message(parseAnswer(kinds, { text: '1 2 3 4' }, ru))).toBe('Можно выбрать не больше 3 вариантов.');
    expect(error(kinds, '9')).toEqual({ key: 'validation.choice_number_range', params: { max: 5 } });
    expect(error(kinds, '1, что-то')).toEqual({ key: 'validation.choice_unknown', params: { max: 5 } });
    expect(error(kinds, ',;').key).toBe('validation.required');
  });

  it('asks for the «Другое» text when «Другое» is among the picks', () => {
    expect(parseAnswer(kinds, { optionIds: ['other', 'webinar'] }, ru)).toEqual({
      ok: true,
      value: ['webinar', 'other'],
      needsOtherText: true,
    });
  });

  it('describes the picks allowed and shows labels in one cell', () => {
    expect(questionInput(kinds, 'ru')).toMatchObject({ kind: 'choice', multiple: { min: 1, max: 3 } });
    expect(displayAnswer(kinds, ['open_lesson', 'webinar'], 'kk')).toBe('Ашық сабақ; Вебинар');
  });

  it('words the limits well in every language', () => {
    expect(t('ru', 'validation.choice_too_few', { count: 2 })).toBe('Выберите хотя бы 2 варианта.');
    expect(t('ru', 'validation.choice_too_few', { count: 5 })).toBe('Выберите хотя бы 5 вариантов.');
    expect(t('ru', 'validation.choice_too_many', { count: 1 })).toBe('Можно выбрать не больше 1 варианта.');
    expect(t('kk', 'validation.choice_too_many', { count: 3 })).toBe('Ең көбі 3 нұсқа таңдауға болады.');
    expect(t('en', 'validation.choice_too_few', { count: 1 })).toBe('Choose at least 1 option.');
  });
});

describe('likert', () => {
  const scale = q('satisfaction');
  it.each([
    ['5', 5],
    [' 4. ', 4],
    ['5 — полностью согласен', 5],
    ['1 - совсем не согласен', 1],
    ['Полностью согласен', 5],
  ])('reads %j', (text, expected) => expect(value(scale, text)).toBe(expected));

  it('reads a label in Kazakh and the button id', () => {
    expect(value(scale, 'толығымен келісемін', kk)).toBe(5);
    expect(value(scale, { optionIds: ['3'] })).toBe(3);
  });

  it.each(['0', '6', '4,5', '4 5', 'хорошо', '-1'])('refuses %j with the scale', (text) =>
    expect(error(scale, text)).toEqual({ key: 'validation.scale_range', params: { min: 1, max: 5 } }),
  );

  it('labels the points, the ends with words', () => {
    expect(questionInput(scale, 'ru')).toEqual({
      kind: 'choice',
      options: [
        { id: '1', label: '1 — совсем не согласен' },
        { id: '2', label: '2' },
        { id: '3', label: '3' },
        { id: '4', label: '4' },
        { id: '5', label: '5 — полностью согласен' },
      ],
    });
    expect(displayAnswer(scale, 5, 'kk')).toBe('5 — толығымен келісемін');
    expect(displayAnswer(scale, 3, 'ru')).toBe('3');
  });
});

describe('number', () => {
  const count = q('count');
  const free = {
    id: 'n',
    type: 'number',
    text: { ru: 'n' },
    required: true,
    integer: false,
  } as const satisfies Question;
  it.each([
    ['5', 5],
    [' 7 ', 7],
    ['10.', 10],
    ['3 мероприятия', 3],
  ])('reads %j', (text, expected) => expect(value(count, text)).toBe(expected));
  it.each([
    ['5,5', 5.5],
    ['5.5', 5.5],
    ['-3', -3],
    ['1 000', 1000],
    ['80%', 80],
  ])('reads %j without limits', (text, expected) => expect(value(free, text)).toBe(expected));

  it('asks for digits kindly', () => {
    expect(error(count, 'пять')).toEqual({ key: 'validation.number_invalid' });
    expect(t('ru', 'validation.number_invalid')).toBe('Пришлите, пожалуйста, число цифрами, например 12.');
    expect(error(free, '2 4').key).toBe('validation.number_invalid');
    expect(error(free, '1e400').key).toBe('validation.number_invalid');
    expect(error(free, '9'.repeat(400)).key).toBe('validation.number_invalid');
  });

  it('names the range and wants a whole number where asked', () => {
    expect(message(parseAnswer(count, { text: '11' }, ru))).toBe('Введите число от 1 до 10.');
    expect(message(parseAnswer(count, { text: '0' }, ru), 'kk')).toBe('1–10 аралығындағы санды енгізіңіз.');
    expect(error(count, '5,5')).toEqual({ key: 'validation.number_integer' });
    const atLeast = { ...free, min: 0.5 };
    expect(message(parseAnswer(atLeast, { text: '0' }, ru))).toBe('Введите число не меньше 0,5.');
  });

  it('hints the range and shows numbers the local way', () => {
    expect(questionInput(count, 'ru')).toEqual({ kind: 'text', multiline: false, hint: 'число от 1 до 10' });
    expect(displayAnswer(free, 5.5, 'ru')).toBe('5,5');
    expect(displayAnswer(free, 5.5, 'en')).toBe('5.5');
  });
});

describe('short_text and long_text', () => {
  const short = q('topic');
  const long = q('why_low');

  it('trims, keeps emoji, RTL and zero-width characters, and drops control characters', () => {
    expect(value(short, '  Проектное обучение 🚀  ')).toBe('Проектное обучение 🚀');
    expect(value(short, 'שלום مرحبا')).toBe('שלום مرحبا');
    expect(value(short, 'a\u200Bb\u200D\u200Fc')).toBe('a\u200Bb\u200D\u200Fc');
    expect(value(short, 'a\u0000b\u0007c\u001Bd\u009Be')).toBe('abcde');
    expect(value(short, 'первая\nвторая\tстрока')).toBe('первая вторая строка');
    expect(value(long, 'первая\r\nвторая\n\tотступ')).toBe('первая\nвторая\n\tотступ');
    expect(value(short, '\uD800x')).toBe('\uFFFDx');
  });

  it('keeps text that looks like a query operator as plain text', () => {
    expect(value(short, '{"$gt":""}')).toBe('{"$gt":""}');
    expect(typeof value(short, '{"$where":"1"}')).toBe('string');
  });

  it('treats empty and invisible text as no answer', () => {
    expect(error(short, '').key).toBe('validation.empty_optional');
    expect(error(short, ' \u200B\u200F ').key).toBe('validation.empty_optional');
    expect(error(long, '\n\n').key).toBe('validation.required');
    expect(error(long, { optionIds: ['x'] }).key).toBe('validation.required');
  });

  it('refuses, rather than cuts, a text over the limit, counting emoji as one character', () => {
    expect(value(long, 'я'.repeat(4000))).toHaveLength(4000);
    expect(error(long, 'я'.repeat(4001))).toEqual({
      key: 'validation.text_too_long',
      params: { count: 4000, length: 4001 },
    });
    expect(error(long, 'я'.repeat(100_000)).params).toEqual({ count: 4000, length: 100_000 });
    expect(value(short, '😀'.repeat(200))).toHaveLength(400);
    expect(error(short, 'x'.repeat(201)).key).toBe('validation.text_too_long');
    expect(message(parseAnswer(short, { text: 'x'.repeat(250) }, ru))).toBe(
      'Ответ получился слишком длинным. Сократите его, пожалуйста, до 200 знаков (сейчас знаков: 250).',
    );
  });

  it('never throws, whatever arrives', () => {
    const odd = [undefined, null, 42, {}, [], { toString: () => 'x' }] as unknown as string[];
    for (const question of demo.questions) {
      for (const text of odd) expect(() => parseAnswer(question, { text }, ru)).not.toThrow();
      expect(() => parseAnswer(question, { optionIds: [42, null] as unknown as string[] }, ru)).not.toThrow();
      expect(() => parseAnswer(question, undefined as unknown as AnswerInput, ru)).not.toThrow();
      expect(() => parseAnswer(question, { text: '\u0000'.repeat(10_000) + '🚀'.repeat(5000) }, ru)).not.toThrow();
    }
  });

  it('describes the input', () => {
    expect(questionInput(short, 'ru')).toEqual({ kind: 'text', multiline: false, maxLength: 200 });
    expect(questionInput(long, 'ru')).toEqual({ kind: 'text', multiline: true, maxLength: 4000 });
  });
});

describe('date', () => {
  const date = q('approved_on');
  const open = {
    id: 'd',
    type: 'date',
    text: { ru: 'd' },
    required: true,
    notInFuture: false,
    min: '2025-09-01',
    max: '2026-08-31',
  } as const satisfies Question;
  it.each([
    ['15.03.2026', '2026-03-15'],
    ['5.3.2026', '2026-03-05'],
    ['05/03/2026', '2026-03-05'],
    ['2026-03-05', '2026-03-05'],
    ['15.03.2026 г.', '2026-03-15'],
    ['29.02.2024', '2024-02-29'],
    ['сегодня', '2026-03-15'],
    ['вчера', '2026-03-14'],
  ])('reads %j', (text, expected) => expect(value(date, text)).toBe(expected));

  it('refuses a day that does not exist', () => {
    expect(error(date, '31.02.2026')).toEqual({ key: 'validation.date_nonexistent', params: { date: '31.02.2026' } });
    expect(error(date, '29.02.2026').key).toBe('validation.date_nonexistent');
    expect(error(date, '2026-13-01').key).toBe('validation.date_nonexistent');
  });

  it('asks for the format with an example', () => {
    expect(error(date, 'в марте')).toEqual({ key: 'validation.date_format', params: { example: '15.03.2026' } });
    expect(message(parseAnswer(date, { text: '15 марта' }, ru))).toBe(
      'Укажите дату в формате дд.мм.гггг, например 15.03.2026.',
    );
    expect(error(date, '15.03.26').key).toBe('validation.date_format');
    expect(error(date, '01.01.0202').key).toBe('validation.date_format');
  });

  it('keeps to the teacher’s today and to min / max', () => {
    expect(error(date, '16.03.2026')).toEqual({ key: 'validation.date_future', params: { today: '15.03.2026' } });
    expect(value(date, '16.03.2026', { locale: 'ru', today: '2026-03-16' })).toBe('2026-03-16');
    expect(error(open, '31.08.2025')).toEqual({
      key: 'validation.date_range',
      params: { min: '01.09.2025', max: '31.08.2026' },
    });
    expect(value(open, '31.08.2026')).toBe('2026-08-31');
  });

  it('shows dates as дд.мм.гггг and hints the format', () => {
    expect(displayAnswer(date, '2026-03-05', 'ru')).toBe('05.03.2026');
    expect(questionInput(date, 'ru')).toEqual({ kind: 'text', multiline: false, hint: 'дд.мм.гггг' });
  });
});

describe('link', () => {
  const link = q('webinar_link');
  it.each([
    ['https://example.org/path?a=1', 'https://example.org/path?a=1'],
    ['example.org/path', 'https://example.org/path'],
    ['www.School.KZ/News/1', 'https://www.school.kz/News/1'],
    ['HTTP://EXAMPLE.ORG', 'http://example.org/'],
    ['<https://example.org/a>', 'https://example.org/a'],
    ['https://example.org/a.', 'https://example.org/a'],
    ['school.kz:8080/page', 'https://school.kz:8080/page'],
  ])('normalises %j', (text, expected) => expect(value(link, text)).toBe(expected));

  it('turns a Cyrillic domain into the form every browser opens', () => {
    expect(value(link, 'школа.рф/новости')).toMatch(/^https:\/\/xn--[a-z0-9]+\.xn--p1ai\/%D0%BD%D0%BE/);
  });

  it.each([
    ['javascript:alert(1)', 'validation.link_scheme'],
    ['JavaScript:alert(1)', 'validation.link_scheme'],
    ['data:text/html,<b>x</b>', 'validation.link_scheme'],
    ['file:///etc/passwd', 'validation.link_scheme'],
    ['ftp://example.org/file', 'validation.link_scheme'],
    ['вот ссылка https://example.org', 'validation.link_spaces'],
    ['https://exa mple.org', 'validation.link_spaces'],
    ['просто текст', 'validation.link_spaces'],
    ['ссылка', 'validation.link_invalid'],
    ['localhost:3000', 'validation.link_invalid'],
    ['https://user:pass@example.org', 'validation.link_invalid'],
    ['https:/example.org', 'validation.link_invalid'],
    [`https://example.org/${'a'.repeat(3000)}`, 'validation.link_too_long'],
  ])('refuses %j', (text, key) => expect(error(link, text).key).toBe(key));

  it('says what to send', () => {
    expect(message(parseAnswer(link, { text: 'ссылка' }, ru))).toBe(
      'Это не похоже на ссылку. Пришлите адрес, начинающийся с https://',
    );
    expect(error(link, '').key).toBe('validation.empty_optional');
  });
});

describe('ranking', () => {
  const order = q('order');
  const all = q('rest');
  it.each([
    ['3 1 2', ['materials', 'practice', 'theory']],
    ['3,1,2', ['materials', 'practice', 'theory']],
    ['3, 1; 2', ['materials', 'practice', 'theory']],
    ['theory, practice, materials', ['theory', 'practice', 'materials']],
    ['Материалы, практика, теория', ['materials', 'practice', 'theory']],
  ])('reads %j in order', (text, expected) => expect(value(order, text)).toEqual(expected));

  it('takes buttons in the order pressed', () => {
    expect(value(order, { optionIds: ['theory', 'materials', 'practice'] })).toEqual([
      'theory',
      'materials',
      'practice',
    ]);
  });

  it('puts the one left over last when all are ranked', () => {
    expect(value(all, '3 1')).toEqual(['c', 'a', 'b']);
    expect(error(all, '3').key).toBe('validation.ranking_count');
  });

  it('refuses repeats, a wrong count and unknown numbers', () => {
    expect(error(order, '1 1 2')).toEqual({ key: 'validation.ranking_duplicate' });
    expect(error(order, '1 2')).toEqual({ key: 'validation.ranking_count', params: { count: 3 } });
    expect(message(parseAnswer(order, { text: '1 2' }, ru))).toMatch(/^Расставьте по порядку 3 варианта/);
    expect(error(order, '1 2 5')).toEqual({ key: 'validation.choice_number_range', params: { max: 4 } });
    expect(error(order, '1 2 3 4')).toEqual({ key: 'validation.ranking_count', params: { count: 3 } });
  });

  it('describes and shows the order', () => {
    expect(questionInput(order, 'ru')).toMatchObject({ kind: 'choice', ranking: { count: 3 } });
    expect(displayAnswer(order, ['materials', 'practice', 'theory'], 'ru')).toBe(
      '1. Материалы; 2. Практика; 3. Теория',
    );
  });
});

describe('yes_no', () => {
  const yn = q('plan');
  it.each(['да', 'Да!', 'ДА', 'д', 'Иә', 'ия', 'yes', 'Yes.', '1', 'да, конечно', 'Да, но не всё'])(
    'reads %j as yes',
    (text) => expect(value(yn, text)).toBe(true),
  );
  it.each(['нет', 'Нет.', 'н', 'жоқ', 'жок', 'no', '2', 'нет, ещё не утверждён', 'не'])('reads %j as no', (text) =>
    expect(value(yn, text)).toBe(false),
  );
  it('takes the button ids', () => {
    expect(value(yn, { optionIds: ['yes'] })).toBe(true);
    expect(value(yn, { optionIds: ['no'] })).toBe(false);
    expect(error(yn, { optionIds: ['maybe'] }).key).toBe('validation.yes_no_invalid');
  });
  it.each(['может быть', 'да нет', '3', 'наверное'])('refuses %j', (text) =>
    expect(error(yn, text).key).toBe('validation.yes_no_invalid'),
  );

  it('offers yes then no and shows them in the teacher’s language', () => {
    expect(questionInput(yn, 'kk')).toEqual({
      kind: 'choice',
      options: [
        { id: 'yes', label: 'Иә' },
        { id: 'no', label: 'Жоқ' },
      ],
    });
    expect(displayAnswer(yn, true, 'ru')).toBe('Да');
    expect(displayAnswer(yn, false, 'kk')).toBe('Жоқ');
  });
});

describe('the «Другое» follow-up and skipped answers', () => {
  it('needs a text of its own', () => {
    expect(parseOtherText(q('level'), { text: '  Кружок робототехники ' }, ru)).toEqual({
      ok: true,
      value: 'Кружок робототехники',
    });
    expect(parseOtherText(q('level'), { text: ' ' }, ru)).toEqual({
      ok: false,
      error: { key: 'validation.other_text_required' },
    });
    expect(parseOtherText(q('level'), { text: 'x'.repeat(501) }, ru)).toMatchObject({
      ok: false,
      error: { key: 'validation.text_too_long' },
    });
  });

  it('shows a skipped answer as such', () => {
    expect(displayAnswer(q('topic'), null, 'ru')).toBe('пропущено');
    expect(displayAnswer(q('topic'), null, 'kk')).toBe('өткізіп жіберілді');
  });
});
