import { describe, expect, it } from 'vitest';
import { decodeText, detectDelimiter, parseCsv } from '../../src/import/csv.js';
import { encode1251, utf8, withBom } from './helpers.js';

describe('decoding', () => {
  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeText(utf8('ФИО;Телефон'))).toEqual({ text: 'ФИО;Телефон', encoding: 'utf-8' });
    expect(decodeText(withBom('ФИО;Телефон'))).toEqual({ text: 'ФИО;Телефон', encoding: 'utf-8' });
  });
  it('reads Windows-1251 when the bytes are not UTF-8', () => {
    expect(decodeText(encode1251('ФИО;Телефон;Тип населённого пункта «№»'))).toEqual({
      text: 'ФИО;Телефон;Тип населённого пункта «№»',
      encoding: 'windows-1251',
    });
  });
  it('reads UTF-16 with a BOM, as Excel saves "Unicode text"', () => {
    const text = 'ФИО\tТелефон\r\nҚасымова Әсел\t8 701 555 40 01';
    const le = Uint8Array.from([
      0xff,
      0xfe,
      ...new Uint8Array(Uint16Array.from([...text].map((c) => c.charCodeAt(0))).buffer),
    ]);
    expect(decodeText(le)).toEqual({ text, encoding: 'utf-16' });
  });
  it('keeps Kazakh letters, which only UTF-8 can carry', () => {
    expect(decodeText(utf8('Қала;ауыл;Мұғалім')).text).toBe('Қала;ауыл;Мұғалім');
  });
});

describe('delimiters', () => {
  it('chooses the delimiter the header line uses', () => {
    expect(detectDelimiter('ФИО;Телефон;Организация\nИванова, Мария;1;2')).toBe(';');
    expect(detectDelimiter('name,phone,organisation\na;b,c,d')).toBe(',');
    expect(detectDelimiter('"Район; город",ФИО,Телефон')).toBe(',');
    expect(detectDelimiter('name\tphone')).toBe('\t');
  });
  it('obeys an Excel "sep=" line', () => {
    const table = parseCsv('sep=,\nФИО;x,Телефон\nИванова;М,8 701\n');
    expect(table.delimiter).toBe(',');
    expect(table.records).toEqual([
      { line: 2, fields: ['ФИО;x', 'Телефон'] },
      { line: 3, fields: ['Иванова;М', '8 701'] },
    ]);
  });
});

describe('records', () => {
  it('reads quoted cells with delimiters, line breaks and doubled quotes, and numbers records by their first line', () => {
    const text =
      'ФИО;Организация;Телефон\r\n"Иванова; Мария";"КГУ ""Школа № 5""\r\nг. Астана";8 701\r\nПетров;"ООО ""Ромашка""";8 702\r\n';
    expect(parseCsv(text).records).toEqual([
      { line: 1, fields: ['ФИО', 'Организация', 'Телефон'] },
      { line: 2, fields: ['Иванова; Мария', 'КГУ "Школа № 5"\r\nг. Астана', '8 701'] },
      { line: 4, fields: ['Петров', 'ООО "Ромашка"', '8 702'] },
    ]);
  });
  it('keeps a stray quote inside an unquoted cell as text', () => {
    expect(parseCsv('a;b\nООО "Ромашка";x').records[1]).toEqual({ line: 2, fields: ['ООО "Ромашка"', 'x'] });
  });
  it('counts lines across LF, CRLF and CR line ends, and reads a last line without a newline', () => {
    expect(parseCsv('a\nb\r\nc\rd').records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
  });
  it('reports a quote that is never closed', () => {
    const table = parseCsv('a;b\n1;"open\n2;3\n');
    expect(table.unterminatedQuoteLine).toBe(2);
  });
});
