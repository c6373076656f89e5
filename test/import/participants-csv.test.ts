import { describe, expect, it } from 'vitest';
import { phrase } from '../../src/i18n/index.js';
import { atLine, formatProblem } from '../../src/import/fields.js';
import { headerField, parseParticipantsCsv, type ParticipantsCsv } from '../../src/import/participants-csv.js';
import { encode1251, readSample, sampleCsvPath, utf8, withBom } from './helpers.js';

const KZ = { defaultCountry: 'KZ' as const };

function parseOk(input: Uint8Array | string): ParticipantsCsv {
  const result = parseParticipantsCsv(input, KZ);
  if (!result.ok) throw new Error(result.error.map(formatProblem).join('\n'));
  return result.value;
}

function problems(input: Uint8Array | string): string[] {
  const result = parseParticipantsCsv(input, KZ);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.error.map(formatProblem);
}

describe('the sample CSV', () => {
  const sample = readSample(sampleCsvPath);

  it('parses every teacher, urban and rural, with the note column ignored', () => {
    const csv = parseOk(utf8(sample));
    expect(csv).toMatchObject({ encoding: 'utf-8', delimiter: ';', ignoredColumns: ['Примечание'] });
    expect(csv.rows).toHaveLength(7);
    expect(csv.rows[0]).toMatchObject({
      source: atLine(2),
      line: 2,
      fullName: 'Абенова Гульмира Каиргельдиновна',
      phone: '+77015554001',
      telegramUsername: 'gulmira_ab',
      organisation: 'КГУ "Школа-лицей № 38", г. Астана',
      region: 'г. Астана',
      district: 'район Алматы',
      settlementType: 'urban',
      position: 'Учитель химии',
      subject: 'Химия',
      locale: 'ru',
      tutor: { kind: 'phone', phone: '+77055552001' },
    });
    // The school name spans two physical lines, so the next record starts two lines later.
    expect(csv.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 7, 8, 9]);
    expect(csv.rows[3]).toMatchObject({
      organisation: 'КГУ «Школа-интернат аула Кенжеколь»',
      settlementType: 'rural',
      locale: 'kk',
    });
    expect(csv.rows.map((r) => r.settlementType)).toEqual([
      'urban',
      'rural',
      'urban',
      'rural',
      'urban',
      'rural',
      'rural',
    ]);
  });

  it('gives the same rows from a Windows-1251 copy and from UTF-8 with a BOM', () => {
    const fromUtf8 = parseOk(utf8(sample));
    const from1251 = parseOk(encode1251(sample));
    expect(from1251.encoding).toBe('windows-1251');
    expect(from1251.rows).toEqual(fromUtf8.rows);
    expect(parseOk(withBom(sample)).rows).toEqual(fromUtf8.rows);
  });

  it('gives the same rows with "," as the delimiter and CRLF line ends', () => {
    const commas = [
      'name,phone,telegram,organisation,settlement,language,tutor',
      'Абенова Гульмира,8 701 555 40 01,@gulmira_ab,"КГУ ""Школа-лицей № 38"", г. Астана",urban,ru,+7 705 555 20 01',
      'Тулегенов Асхат,+7 747 555 40 02,,"КГУ «Средняя школа села Коянды»",rural,kk,@saltanat_zh',
    ].join('\r\n');
    const csv = parseOk(utf8(commas));
    expect(csv.delimiter).toBe(',');
    expect(csv.rows.map((r) => [r.line, r.phone, r.organisation, r.settlementType])).toEqual([
      [2, '+77015554001', 'КГУ "Школа-лицей № 38", г. Астана', 'urban'],
      [3, '+77475554002', 'КГУ «Средняя школа села Коянды»', 'rural'],
    ]);
  });
});

describe('headers', () => {
  it.each([
    ['ФИО', 'name'],
    ['  ф.и.о. ', 'name'],
    ['Телефон', 'phone'],
    ['ТЕЛЕФОН', 'phone'],
    ['Telegram', 'telegram'],
    ['Организация', 'organisation'],
    ['Образовательная  организация', 'organisation'],
    ['Регион', 'region'],
    ['Область', 'region'],
    ['Район / Город', 'district'],
    ['Район', 'district'],
    ['Город', 'district'],
    ['Тип населённого пункта (город/село)', 'settlement'],
    ['Тип населенного пункта', 'settlement'],
    ['Должность', 'position'],
    ['Предмет', 'subject'],
    ['Язык', 'language'],
    ['Тьютор', 'tutor'],
    ['Full name', 'name'],
    ['Organization', 'organisation'],
    ['settlement', 'settlement'],
  ] as const)('%s → %s', (header, field) => {
    expect(headerField(header)).toBe(field);
  });

  it('refuses a file without a name column or without any way to recognise a teacher', () => {
    expect(problems('Организация;Должность\nШкола;Учитель')).toEqual([
      'строка 1: нет столбца «ФИО» (name): первая строка должна содержать заголовки',
      'строка 1: нет столбца «Телефон» (phone) или «Telegram»: по ним бот узнаёт слушателя',
    ]);
  });

  it('refuses two columns for the same field', () => {
    expect(problems('ФИО;Телефон;Район;Город\nИванова;8 701 555 40 01;Ауэзовский;Алматы')).toEqual([
      'строка 1: столбцы «Район» и «Город» означают одно и то же; оставьте один',
    ]);
  });
});

describe('rows', () => {
  const header = 'ФИО;Телефон;Telegram;Тип населённого пункта;Язык';

  it('reports every bad row by its line in the file and its column, and imports none', () => {
    const text = [
      header,
      'Абенова Гульмира;8 701 555 40 01;;город;ru',
      '"Тулегенов Асхат";12345;;село;kk',
      '',
      ';8 701 555 40 03;;город;ru',
      'Иванова Наталья;;;город;ru',
      '"Байжанова Алия";87785554004;@ab;хутор;uz',
      'Ермекова Сауле;+7 771 555 40 07;;село;kk;лишнее',
    ].join('\n');
    expect(problems(text)).toEqual([
      'строка 3: Телефон «12345» — не похоже на номер телефона',
      'строка 5: ФИО — не заполнено',
      'строка 6: нужен Телефон или Telegram: иначе бот не узнает слушателя',
      'строка 7: Telegram «@ab» — не похоже на имя пользователя Telegram (латинские буквы, цифры и _, от 5 до 32 знаков, например @aigul_s)',
      'строка 7: Тип населённого пункта «хутор» — укажите «город» или «село» (urban / rural, қала / ауыл)',
      'строка 7: Язык «uz» — укажите язык: ru, kk, en (русский, казахский, английский)',
      'строка 8: значений больше, чем столбцов в заголовке (лишнее: «лишнее»); проверьте разделитель «;» и кавычки',
    ]);
  });

  it('numbers a bad row after a quoted line break by the line it starts on', () => {
    const text = `${header}\n"Байжанова\nАлия";8 778 555 40 04;;ауыл;kk\nТулегенов Асхат;12345;;село;kk\n`;
    expect(problems(text)).toEqual(['строка 4: Телефон «12345» — не похоже на номер телефона']);
  });

  it('refuses the same phone twice, naming both lines, however the number is written', () => {
    const text = [
      header,
      'Абенова Гульмира;8 701 555 40 01;;город;ru',
      'Тулегенов Асхат;+7 747 555 40 02;;село;kk',
      'Абенова Г.;+7 (701) 555-40-01;;город;ru',
    ].join('\n');
    expect(problems(text)).toEqual(['строки 2 и 4: Телефон +77015554001 указан дважды']);
  });

  it('refuses the same Telegram username twice', () => {
    const text = [header, 'Абенова Гульмира;;@Gulmira_AB;город;ru', 'Абенова Г.;;t.me/gulmira_ab;город;ru'].join('\n');
    expect(problems(text)).toEqual(['строки 2 и 3: Telegram @gulmira_ab указан дважды']);
  });

  it('uses the column names of an English file in its messages', () => {
    expect(problems('name,phone\nAsel Nurlanovna,12345\n')).toEqual([
      'строка 2: phone «12345» — не похоже на номер телефона',
    ]);
  });

  it('accepts a teacher with only a Telegram username, and reads empty cells as absent', () => {
    const csv = parseOk(`${header}\nАбенова Гульмира;;@gulmira_ab;;\n`);
    expect(csv.rows).toEqual([
      { source: atLine(2), line: 2, fullName: 'Абенова Гульмира', telegramUsername: 'gulmira_ab' },
    ]);
  });

  it('refuses a file with a header and no teachers', () => {
    expect(problems(`${header}\n;;;;\n`)).toEqual(['строка 1: после заголовка нет ни одной строки со слушателем']);
  });
});

describe('one pass over the file', () => {
  it('reports an unknown tutor together with a bad phone', () => {
    const csv = 'ФИО;Телефон;Тьютор\nИванова Анна;555;Ким Виктор\nПетрова Мария;+7 701 555 10 01;Нет Такого\n';
    const tutorProblem = (ref: { raw: string }) =>
      ref.raw === 'Нет Такого' ? phrase('imports.tutor_not_found_none', { tutor: ref.raw, cohort: 'FG72' }) : undefined;
    const result = parseParticipantsCsv(utf8(csv), { ...KZ, tutorProblem });
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.error.map(formatProblem);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^строка 2: Телефон /);
    expect(lines[1]).toBe(
      'строка 3: Тьютор «Нет Такого» — не найден среди тьюторов потока FG72: у потока нет тьюторов',
    );
  });
});
