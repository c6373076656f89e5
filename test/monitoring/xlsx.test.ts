// The streaming XLSX writer, read back with exceljs: typed cells, styles, widths, frozen header,
// escaping, and a reader that goes away.
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { streamToBuffer } from '../../src/monitoring/export.js';
import { columnName, writeXlsx } from '../../src/monitoring/xlsx.js';

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe('the XLSX writer', () => {
  it('writes typed cells, bold header and title rows, widths, date formats and a frozen header', async () => {
    const out = new PassThrough();
    const completed = new Date(Date.UTC(2025, 1, 1, 13, 10));
    const [bytes] = await Promise.all([
      streamToBuffer(out),
      writeXlsx(out, [
        {
          name: 'Сводка',
          widths: [42, 30],
          rows: [
            { cells: ['Отклик на анкеты'], style: 'title' },
            { cells: ['Анкета', 'Доля'], style: 'header' },
            { cells: ['Выход', 0.75] },
            { cells: [] },
            { cells: ['после пустой строки'] },
          ],
        },
        {
          name: 'Ответы & <итоги>',
          widths: [6, 28, 17],
          formats: [undefined, undefined, 'dd.mm.yyyy hh:mm'],
          frozenHeader: true,
          rows: (async function* () {
            yield { cells: ['№', 'Ответ', 'Завершена'], style: 'header' as const };
            yield { cells: [1, '  <b>"Да" & нет</b>  ', completed] };
            yield { cells: [2, null, null, true] };
          })(),
        },
      ]),
    ]);
    const wb = await load(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Сводка', 'Ответы & <итоги>']);
    const summary = wb.getWorksheet('Сводка')!;
    expect(summary.getCell('A1').value).toBe('Отклик на анкеты');
    expect(summary.getCell('A1').font?.bold).toBe(true);
    expect(summary.getCell('A1').font?.size).toBe(12);
    expect(summary.getCell('B2').font?.bold).toBe(true);
    expect(summary.getCell('B3').value).toBe(0.75);
    expect(summary.getCell('A3').font?.bold).toBeFalsy();
    expect(summary.getCell('A5').value).toBe('после пустой строки');
    expect(summary.getColumn(1).width).toBe(42);
    const answers = wb.getWorksheet('Ответы & <итоги>')!;
    expect(answers.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(answers.getCell('B2').value).toBe('  <b>"Да" & нет</b>  ');
    expect(answers.getCell('C2').value).toEqual(completed);
    expect(answers.getCell('C2').numFmt).toBe('dd.mm.yyyy hh:mm');
    expect(answers.getCell('A3').value).toBe(2);
    expect(answers.getCell('B3').value).toBeNull();
    expect(answers.getCell('D3').value).toBe(true);
    expect(answers.getColumn(2).width).toBe(28);
  });

  it('names columns like a spreadsheet', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('stops with an error when its reader goes away', async () => {
    const out = new Writable({ highWaterMark: 16, write: (_chunk, _enc, done) => setTimeout(done, 1) });
    const rows = (function* () {
      for (let i = 0; ; i++) {
        if (i === 50) out.destroy();
        yield { cells: [i, 'x'.repeat(2000 + (i % 7))] };
      }
    })();
    await expect(writeXlsx(out, [{ name: 'A', widths: [], rows }])).rejects.toThrow(/closed by its reader/);
  });
});
