// Exports opened back: XLSX with exceljs, CSV with a plain RFC 4180 reader, JSON with JSON.parse.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { accessFor, STAFF_ACCESS, type Access } from '../../src/monitoring/access.js';
import { createExport, csvField, sheetName, streamToBuffer, type ExportOptions } from '../../src/monitoring/export.js';
import { cleanCellText, safeCellText, stripInvisible } from '../../src/monitoring/sanitize.js';
import { createCatalog } from '../../src/questionnaires/index.js';
import { markdownTable, markdownText } from '../../src/monitoring/tables.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../support/store.js';
import { seedMonitoringFixture, type MonitoringFixture } from './fixture.js';

let store: Store;
let fx: MonitoringFixture;

beforeAll(async () => {
  store = await openTestStore();
  fx = await seedMonitoringFixture(store, t('kk', 'consultation.topic_methods'));
});
afterAll(() => store.close());

/** fb.yaml's questions as the CSV and XLSX name their columns, in the file's order. */
const QUESTION_HEADERS = [
  '1. Курс был полезен',
  '2. Материалы понятны',
  '3. Что вы уже применили?',
  '4. Расставьте по важности',
  '5. Сколько уроков вы провели по новой методике?',
  '6. Комментарий',
];
const QUESTION_ID_HEADERS: Record<string, string> = Object.fromEntries(
  ['useful', 'clear', 'kinds', 'rank', 'n', 'comment'].map((id, i) => [id, QUESTION_HEADERS[i]!]),
);

async function exportBytes(
  options: Partial<ExportOptions> & Pick<ExportOptions, 'format'>,
): Promise<{ bytes: Buffer; filename: string }> {
  const result = await createExport(
    { models: store.models, catalog: fx.catalog },
    { access: STAFF_ACCESS, scope: {}, ...options },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { bytes: await streamToBuffer(result.value.stream), filename: result.value.filename };
}

function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function readXlsx(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

function sheetRows(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('cell safety', () => {
  it('defuses formula starts and strips invisible characters', () => {
    expect(['=1+1', '+7 701', '-2', '@SUM(A1)', '\tx', '\rx', '\u0000=x', 'обычный текст'].map(safeCellText)).toEqual([
      "'=1+1",
      "'+7 701",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      "'=x",
      'обычный текст',
    ]);
    expect(safeCellText('Гусева\u202Eанна\u200B\u2066x\u2069')).toBe('Гусевааннаx');
    // An invisible character must not hide a formula from the check.
    expect(safeCellText('\u200B=cmd')).toBe("'=cmd");
    // Fullwidth signs and leading blanks: spreadsheets fold and trim them into a formula.
    expect(
      ['＝1+1', '＋7 701', '－2', '＠SUM(A1)', ' =1+1', '\n=1+1', '\t+1', '  \u3000＠x', '\nx'].map(safeCellText),
    ).toEqual(["'＝1+1", "'＋7 701", "'－2", "'＠SUM(A1)", "' =1+1", "'\n=1+1", "'\t+1", "'  \u3000＠x", "'\nx"]);
    expect(cleanCellText('+7701\u200B1234567')).toBe('+77011234567');
    expect(stripInvisible('a\uFEFFb\u200Dc')).toBe('abc');
  });

  it('escapes Markdown markup in report cells', () => {
    expect(markdownText('[сайт](http://evil) ![x](y) *b* a|b\nc')).toBe(
      '\\[сайт\\](http://evil) \\!\\[x\\](y) \\*b\\* a\\|b c',
    );
    expect(markdownTable({ headers: ['a'], rows: [[1.5], [null]] })).toBe('| a |\n| --- |\n| 1,5 |\n| — |');
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('a,b', ';')).toBe('a,b');
    expect(csvField('say "hi"', ',')).toBe('"say ""hi"""');
    expect(csvField(2.5, ';')).toBe('2,5');
    expect(csvField(2.5, ',')).toBe('2.5');
    expect(csvField(null, ',')).toBe('');
  });

  it('makes legal, unique sheet names', () => {
    const taken = new Set<string>();
    expect(sheetName('Анкета: итоги [2025]/весна?', taken)).toBe('Анкета  итоги  2025  весна');
    expect(sheetName('x'.repeat(40), taken)).toHaveLength(31);
    expect(sheetName('x'.repeat(40), taken)).toBe(`${'x'.repeat(29)} 2`);
  });
});

describe('XLSX export', () => {
  it('opens with a summary sheet and one sheet per questionnaire, every question a column', async () => {
    const { bytes, filename } = await exportBytes({ format: 'xlsx' });
    expect(filename).toMatch(/^sputnik-fb-\d{8}-\d{4}\.xlsx$/);
    const wb = await readXlsx(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Сводка', 'Обратная связь по курсу']);
    const rows = sheetRows(wb.getWorksheet('Обратная связь по курсу')!);
    const header = rows[0] as string[];
    expect(header.slice(0, 4)).toEqual(['№', 'ID участника', 'ФИО', 'Телефон']);
    // Columns people read: each question by its number and text (the JSON export names them by id).
    expect(header.slice(-6)).toEqual(QUESTION_HEADERS);
    expect(rows).toHaveLength(1 + 5);
    const col = (name: string) => header.indexOf(QUESTION_ID_HEADERS[name] ?? name);
    const byName = new Map(rows.slice(1).map((r) => [String(r[col('ФИО')]), r]));
    const first = byName.get('Абаева Айгерим')!;
    expect(first[col('kinds')]).toBe('Приёмы оценивания; Цифровые инструменты');
    expect(first[col('useful')]).toBe(5);
    expect(first[col('rank')]).toBe('1. Практика; 2. Теория; 3. Материалы');
    expect(first[col('Регион')]).toBe('Акмолинская область');
    expect(first[col('Тип населённого пункта')]).toBe('город');
    // The occasion by when it comes in the cohort's plan (the exit survey, the day after the course).
    expect(first[col('Повод')]).toBe('через 1 день после курса');
    // Completed 08:10 UTC: 13:10 on the cohort's wall clock in Almaty (UTC+5), as a date cell.
    expect(first[col('Завершена')]).toEqual(new Date(Date.UTC(2025, 1, 1, 13, 10)));
    // Numbers are number cells: the version, a scale point, a count.
    expect([first[col('Версия')], first[col('useful')], first[col('n')]]).toEqual([1, 5, expect.any(Number)]);
    // XLSX text cells are typed strings, never evaluated: no apostrophe, a phone reads as typed.
    expect(first[col('comment')]).toBe('+7 900 000-00-00 звоните');
    expect(first[col('Телефон')]).toMatch(/^\+7701\d{7}$/);
    // The teacher who named herself a formula stays a text, and so does her answer.
    const evil = byName.get(`=HYPERLINK("http://evil")`)!;
    expect(evil[col('comment')]).toBe('@SUM(1+1)');
    expect(rows.flat().filter((v) => typeof v === 'object' && v !== null && !(v instanceof Date))).toEqual([]);
    expect(evil[col('clear')]).toBeUndefined();
    const summary = sheetRows(wb.getWorksheet('Сводка')!).map((r) => r.map(String));
    expect(summary.some((r) => r[0] === 'Отклик на анкеты')).toBe(true);
    expect(summary.some((r) => r[0] === 'Обратная связь по курсу' && r[5] === '5')).toBe(true);
  });

  it('includes in-progress responses on request, with invisible characters stripped from names', async () => {
    const { bytes } = await exportBytes({ format: 'xlsx', includeIncomplete: true });
    const rows = sheetRows((await readXlsx(bytes)).getWorksheet('Обратная связь по курсу')!);
    expect(rows).toHaveLength(1 + 6);
    expect(rows.some((r) => r.includes('Гусеваанна'))).toBe(true);
    expect(rows.some((r) => r.includes('в процессе'))).toBe(true);
  });
});

describe('answers without a loaded definition', () => {
  it('still get a column each, with raw values', async () => {
    const r = await createExport(
      { models: store.models, catalog: createCatalog([]) },
      { format: 'csv', access: STAFF_ACCESS, scope: { questionnaireId: 'fb' }, separator: ',' },
    );
    if (!r.ok) throw new Error('export');
    const rows = parseCsv((await streamToBuffer(r.value.stream)).toString('utf8').slice(1), ',');
    const header = rows[0]!;
    expect(header.filter((h) => /^\d+\. \[/.test(h))).toEqual([
      '1. [clear]',
      '2. [comment]',
      '3. [kinds]',
      '4. [n]',
      '5. [rank]',
      '6. [useful]',
    ]);
    const abaeva = rows.find((row) => row.includes('Абаева Айгерим'))!;
    expect(abaeva[header.indexOf('3. [kinds]')]).toBe('a; b');
    expect(abaeva[header.indexOf('6. [useful]')]).toBe('5');
  });
});

describe('CSV export', () => {
  it('starts with a BOM and uses the chosen separator', async () => {
    for (const sep of [';', ','] as const) {
      const { bytes } = await exportBytes({ format: 'csv', separator: sep });
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(bytes.toString('utf8').slice(1), sep);
      expect(rows).toHaveLength(6);
      expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
      const header = rows[0]!;
      expect(header.slice(-6)).toEqual(QUESTION_HEADERS);
      const kinds = header.indexOf('3. Что вы уже применили?');
      const name = header.indexOf('ФИО');
      const abaeva = rows.find((r) => r[name] === 'Абаева Айгерим')!;
      expect(abaeva[kinds]).toBe('Приёмы оценивания; Цифровые инструменты');
      // The same words and date form as the XLSX: the occasion by its name, times dd.mm.yyyy hh:mm.
      expect(abaeva[header.indexOf('Повод')]).toBe('через 1 день после курса');
      expect(abaeva[header.indexOf('Завершена')]).toBe('01.02.2025 13:10');
      expect(abaeva[header.indexOf('Тип населённого пункта')]).toBe('город');
      expect(rows.some((r) => r[name] === `'=HYPERLINK("http://evil")`)).toBe(true);
      // A CSV is parsed by the spreadsheet: its phones keep the apostrophe.
      expect(abaeva[header.indexOf('Телефон')]).toMatch(/^'\+7701/);
    }
  });

  it('speaks Kazakh with locale kk: column names, the occasion and the settlement', async () => {
    const { bytes } = await exportBytes({ format: 'csv', locale: 'kk' });
    const rows = parseCsv(bytes.toString('utf8').slice(1), ';');
    const header = rows[0]!;
    const abaeva = rows.find((r) => r.includes('Абаева Айгерим'))!;
    expect(abaeva[header.indexOf('Себебі')]).toBe('курстан 1 күн өткен соң');
    expect(abaeva[header.indexOf('Елді мекен түрі')]).toBe('қала');
    expect(abaeva[header.indexOf('Аяқталды')]).toBe('01.02.2025 13:10');
  });

  it('asks for one questionnaire when several would need different columns', async () => {
    await store.repositories.responses.startOrResume({
      participantId: fx.teachers.t8!.id,
      cohortId: fx.cohorts.c2.id,
      questionnaireId: 'other',
      occasion: 'x',
      questionnaireVersion: 1,
      at: new Date('2025-02-01'),
    });
    const r = await createExport(
      { models: store.models, catalog: fx.catalog },
      { format: 'csv', access: STAFF_ACCESS, scope: {}, includeIncomplete: true },
    );
    expect(r.ok ? 'ok' : r.error).toEqual({ kind: 'pick_questionnaire', questionnaireIds: ['fb', 'other'] });
    const one = await createExport(
      { models: store.models, catalog: fx.catalog },
      { format: 'csv', access: STAFF_ACCESS, scope: { questionnaireId: 'fb' }, includeIncomplete: true },
    );
    expect(one.ok).toBe(true);
    if (one.ok) one.value.stream.destroy();
  });
});

describe('an export before any answer', () => {
  // A period with no completed response: the same file shape as the activities and roster exports.
  const nothing = { from: new Date('2001-01-01T00:00:00Z'), to: new Date('2001-02-01T00:00:00Z') };

  it('is a CSV with the header row only: the common columns and every question of the asked questionnaire', async () => {
    const r = await createExport(
      { models: store.models, catalog: fx.catalog },
      { format: 'csv', access: STAFF_ACCESS, scope: { ...nothing, questionnaireId: 'fb' } },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ total: 0, empty: true, filename: expect.stringMatching(/^sputnik-fb-/) });
    const rows = parseCsv((await streamToBuffer(r.value.stream)).toString('utf8').slice(1), ';');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(0, 2)).toEqual(['№', 'ID участника']);
    // fb.yaml's six questions, in the file's order.
    expect(rows[0]!.slice(-6)).toEqual(QUESTION_HEADERS);
  });

  it('is an XLSX with its summary and an empty "Ответы" sheet, and a JSON with no questionnaires', async () => {
    const xlsx = await createExport(
      { models: store.models, catalog: fx.catalog },
      { format: 'xlsx', access: STAFF_ACCESS, scope: nothing },
    );
    if (!xlsx.ok) throw new Error(JSON.stringify(xlsx.error));
    expect(xlsx.value).toMatchObject({
      total: 0,
      empty: true,
      filename: expect.stringMatching(/^sputnik-responses-.*\.xlsx$/),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await streamToBuffer(xlsx.value.stream)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Сводка', 'Ответы']);
    const sheet = wb.getWorksheet('Ответы')!;
    expect(sheet.rowCount).toBe(1);
    expect(sheet.getRow(1).getCell(1).value).toBe('№');
    const json = await createExport(
      { models: store.models, catalog: fx.catalog },
      { format: 'json', access: STAFF_ACCESS, scope: nothing },
    );
    if (!json.ok) throw new Error(JSON.stringify(json.error));
    expect(json.value.empty).toBe(true);
    const body = JSON.parse((await streamToBuffer(json.value.stream)).toString('utf8')) as {
      questionnaires: unknown[];
    };
    expect(body.questionnaires).toEqual([]);
  });
});

describe('roles and anonymisation', () => {
  const curatorAccess = (): Access => {
    const r = accessFor(fx.curator, [fx.cohorts.c1, fx.cohorts.c2]);
    if (!r.ok) throw new Error('curator');
    return r.value;
  };

  it('a curator gets only their cohort, with names', async () => {
    const access = curatorAccess();
    expect(access).toMatchObject({ role: 'curator', cohortIds: [fx.cohorts.c1.id] });
    const { bytes } = await exportBytes({ format: 'csv', access, scope: { cohortIds: [fx.cohorts.c1.id] } });
    const rows = parseCsv(bytes.toString('utf8').slice(1), ';');
    const cohort = rows[0]!.indexOf('Поток');
    expect(rows.slice(1).map((r) => r[cohort])).toEqual(['NAT25A', 'NAT25A', 'NAT25A']);
    expect(rows[0]).toContain('ФИО');
    expect(bytes.toString('utf8')).toContain('Абаева Айгерим');
    expect(bytes.toString('utf8')).not.toContain('Ермекова');
  });

  it('a tutor gets figures without personal data; a teacher gets nothing', async () => {
    const tutor = accessFor(fx.tutor, [fx.cohorts.c1]);
    expect(tutor.ok && tutor.value.role).toBe('tutor');
    if (!tutor.ok) return;
    const { bytes } = await exportBytes({
      format: 'csv',
      access: tutor.value,
      scope: { cohortIds: [fx.cohorts.c1.id] },
    });
    const text = bytes.toString('utf8');
    expect(text).not.toContain('ФИО');
    expect(text).not.toContain('Абаева');
    expect(text).toContain('Акмолинская область');
    expect(accessFor(fx.teachers.t1!, [fx.cohorts.c1, fx.cohorts.c2])).toEqual({
      ok: false,
      error: { kind: 'forbidden' },
    });
  });

  it('the anonymised option drops names, phones and ids for staff too', async () => {
    const { bytes, filename } = await exportBytes({ format: 'xlsx', anonymised: true });
    expect(filename).toContain('-anon-');
    const wb = await readXlsx(bytes);
    const rows = sheetRows(wb.getWorksheet('Обратная связь по курсу')!);
    expect(rows[0]).not.toContain('ФИО');
    expect(rows[0]).not.toContain('Телефон');
    expect(rows[0]).not.toContain('ID участника');
    const all = JSON.stringify(rows);
    for (const teacher of Object.values(fx.teachers)) {
      expect(all).not.toContain(teacher.id);
      expect(all).not.toContain(teacher.phone!.slice(1));
    }
    expect(all).not.toContain('Абаева');
  });

  it('JSON carries the summary and anonymised rows without a participant block', async () => {
    const { bytes } = await exportBytes({ format: 'json', anonymised: true, scope: { questionnaireId: 'fb' } });
    const doc = JSON.parse(bytes.toString('utf8')) as {
      anonymised: boolean;
      summary: { likert: unknown[] };
      questionnaires: { id: string; responses: Record<string, unknown>[] }[];
    };
    expect(doc.anonymised).toBe(true);
    expect(doc.summary.likert).toHaveLength(2);
    expect(doc.questionnaires[0]!.responses).toHaveLength(5);
    expect(doc.questionnaires[0]!.responses.every((r) => !('participant' in r))).toBe(true);
    // For scripts: the occasion's id, its name beside it; the questions by id.
    expect(doc.questionnaires[0]!.responses[0]).toMatchObject({
      occasion: 'exit',
      occasionLabel: 'через 1 день после курса',
      answers: expect.arrayContaining([expect.objectContaining({ questionId: 'useful' })]),
    });
    const named = await exportBytes({ format: 'json', scope: { questionnaireId: 'fb' } });
    const withNames = JSON.parse(named.bytes.toString('utf8')) as typeof doc;
    expect(
      withNames.questionnaires[0]!.responses.some(
        (r) => (r.participant as { fullName: string }).fullName === 'Абаева Айгерим',
      ),
    ).toBe(true);
  });
});

describe('reading the embedded store in this process', () => {
  // The bot and a CLI without a running bot read rows straight from the store; a CLI beside a
  // running bot and MongoDB read them through the driver. Both must write the same file.
  const now = () => new Date('2026-03-01T09:00:00Z');
  const both = async (options: Omit<ExportOptions, 'access'> & { access?: Access }) => {
    const files: Buffer[] = [];
    for (const reader of [undefined, store.inProcess]) {
      const r = await createExport(
        { models: store.models, catalog: fx.catalog, now, reader },
        { access: STAFF_ACCESS, ...options },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      files.push(await streamToBuffer(r.value.stream));
    }
    return files as [Buffer, Buffer];
  };

  it('is what the embedded store serves in-process', () => {
    expect(store.kind === 'embedded' ? store.inProcess : undefined).toBeDefined();
  });

  it('gives byte-identical CSV and JSON files and the same XLSX cells as reading through the driver', async () => {
    if (!store.inProcess) return;
    const curator = accessFor(fx.curator, [fx.cohorts.c1, fx.cohorts.c2]);
    if (!curator.ok) throw new Error('curator access');
    for (const options of [
      { format: 'csv' as const, scope: { questionnaireId: 'fb' }, includeIncomplete: true },
      {
        format: 'csv' as const,
        scope: { questionnaireId: 'fb', cohortIds: [fx.cohorts.c1.id] },
        separator: ',' as const,
      },
      { format: 'csv' as const, scope: { questionnaireId: 'fb' }, anonymised: true, access: curator.value },
      { format: 'json' as const, scope: { questionnaireId: 'fb' }, includeIncomplete: true },
    ]) {
      const [wire, local] = await both(options);
      expect(local.toString('utf8')).toBe(wire.toString('utf8'));
      expect(local.length).toBeGreaterThan(200);
    }
    const [wire, local] = await both({ format: 'xlsx', scope: {}, includeIncomplete: true });
    const cells = async (bytes: Buffer) => (await readXlsx(bytes)).worksheets.map((ws) => [ws.name, sheetRows(ws)]);
    expect(await cells(local)).toEqual(await cells(wire));
  });

  it('shows a teacher renamed since the previous export by the new name', async () => {
    // The teachers one export read are kept for the next while none of them is written.
    if (!store.inProcess) return;
    const csv = async () => {
      const r = await createExport(
        { models: store.models, catalog: fx.catalog, now, reader: store.inProcess },
        { access: STAFF_ACCESS, format: 'csv', scope: { questionnaireId: 'fb' }, includeIncomplete: true },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return (await streamToBuffer(r.value.stream)).toString('utf8');
    };
    const rename = (from: string, to: string) =>
      store.models.participant.collection.updateOne({ fullName: from }, { $set: { fullName: to } });
    expect(await csv()).toContain('Абаева Айгерим;');
    await rename('Абаева Айгерим', 'Абаева-Сейітова Айгерим');
    try {
      const after = await csv();
      expect(after).toContain('Абаева-Сейітова Айгерим;');
      expect(after).not.toContain(';Абаева Айгерим;');
    } finally {
      await rename('Абаева-Сейітова Айгерим', 'Абаева Айгерим');
    }
  });
});
