// A streaming XLSX writer for what Sputnik's workbooks hold: typed cells (text, numbers,
// yes/no, dates), bold title and header rows, column widths, a date format per column, a frozen
// header. exceljs's streaming writer computed a style for every cell (a new style object each,
// so its cache never hit) and took two thirds of a 100,000-row export; this writes each row as one
// XML string, and archiver (the zip library exceljs itself uses) deflates and zips it as it goes,
// at constant memory. The parts are the minimal SpreadsheetML package (inline strings, one styles
// part); tests read the files back with exceljs.
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import type archiver from 'archiver';

export type XlsxCell = string | number | boolean | Date | null;

/** Row styles: plain, a bold header, a bold larger title. */
export type RowStyle = 'plain' | 'header' | 'title';

export interface XlsxSheet {
  name: string;
  widths: number[];
  /** A number format per column (dates); `undefined` for General. */
  formats?: (string | undefined)[];
  /** Freeze the first row (a header that stays in view). */
  frozenHeader?: boolean;
  rows: AsyncIterable<XlsxRow> | Iterable<XlsxRow>;
}

export interface XlsxRow {
  cells: readonly XlsxCell[];
  style?: RowStyle;
}

const DEFAULT_DATE_FORMAT = 'dd.mm.yyyy hh:mm';
/** Hands a piece of a part's text over; a promise when the caller must wait for the zip. */
type Write = (text: string) => Promise<void> | undefined;
const CHUNK = 64 * 1024;
const ZIP_DATE = new Date('2000-01-01T00:00:00Z');
const EXCEL_EPOCH_DAYS = 25_569; // 1970-01-01 as an Excel serial day (the 1900 date system)

// biome-ignore lint/suspicious/noControlCharactersInRegex: characters XML 1.0 cannot hold.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const XML_SPECIAL = /[&<>"]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Either of the two above: most text has neither and is written as it is. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: characters XML 1.0 cannot hold.
const NOT_PLAIN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF&<>"]/;

export function xmlText(text: string): string {
  if (!NOT_PLAIN_XML.test(text)) return text;
  return text.replace(NOT_XML, '').replace(XML_SPECIAL, (c) => ESCAPES[c] as string);
}

/** A, B, …, Z, AA, …: the column part of a cell reference. */
export function columnName(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

/**
 * The workbook's package: a zip written front to back by archiver, each part deflated as it is
 * produced. A part's text goes in pieces, waiting whenever the zip (or its reader) is behind, so
 * memory stays flat whatever the row count.
 */
class Package {
  private readonly closed: Promise<never>;
  private finished = false;

  constructor(
    private readonly out: Writable,
    private readonly archive: archiver.Archiver,
  ) {
    // A reader that goes away (a client closing the download) ends the export with an error
    // rather than leaving it waiting for room forever.
    this.closed = new Promise<never>((_, reject) => {
      const gone = () => {
        if (!this.finished) reject(new Error('export stream closed by its reader'));
      };
      out.once('close', gone);
      this.archive.once('error', reject);
    });
    this.closed.catch(() => undefined);
    this.archive.pipe(out);
  }

  /**
   * Writes one part; `produce` hands its text over in pieces through `write`, which returns a
   * promise (to wait for) only when it passed a chunk on: most pieces cost no turn of the loop.
   * The pieces are joined once per chunk rather than added to a string one by one.
   */
  async entry(name: string, produce: (write: Write) => Promise<void>): Promise<void> {
    if (this.out.destroyed) throw new Error('export stream closed by its reader');
    const body = new PassThrough({ highWaterMark: CHUNK });
    // A fixed date: the same rows give the same file.
    this.archive.append(body, { name, date: ZIP_DATE });
    const pending: string[] = [];
    let length = 0;
    const flush = async () => {
      const text = pending.join('');
      pending.length = 0;
      length = 0;
      if (!body.write(text)) await Promise.race([once(body, 'drain'), this.closed]);
    };
    try {
      await produce((text) => {
        pending.push(text);
        length += text.length;
        return length >= CHUNK ? flush() : undefined;
      });
      if (length > 0) await flush();
      body.end();
    } catch (error) {
      body.destroy();
      throw error;
    }
  }

  async end(): Promise<void> {
    const written = once(this.out, 'finish');
    await Promise.race([this.archive.finalize(), this.closed]);
    await Promise.race([written, this.closed]);
    this.finished = true;
  }
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** Cell formats (xf ids): 0 plain, 1 bold, 2 bold 12 pt, then one per number format in use. */
function stylesXml(formats: string[]): string {
  const numFmts = formats.map((f, i) => `<numFmt numFmtId="${164 + i}" formatCode="${xmlText(f)}"/>`).join('');
  const xfs = formats
    .map((_, i) => `<xf numFmtId="${164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`)
    .join('');
  return (
    `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
    `<numFmts count="${formats.length}">${numFmts}</numFmts>` +
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
    '<font><b/><sz val="12"/><name val="Calibri"/><family val="2"/></font></fonts>' +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${3 + formats.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
    `<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>${xfs}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
  );
}

/**
 * Writes the workbook into `out` and ends it. Sheets are written in order, each streamed from
 * its rows; a reader that goes away (`out` destroyed) stops the writing with an error.
 */
export async function writeXlsx(out: Writable, sheets: readonly XlsxSheet[]): Promise<void> {
  const formats = [DEFAULT_DATE_FORMAT];
  for (const s of sheets) for (const f of s.formats ?? []) if (f && !formats.includes(f)) formats.push(f);
  const formatStyle = (f: string | undefined) => 3 + formats.indexOf(f ?? DEFAULT_DATE_FORMAT);
  // Loaded on the first spreadsheet: archiver and its ~150 modules cost start-up ~0.14 s of CPU.
  const { default: makeArchive } = await import('archiver');
  const zip = new Package(out, makeArchive('zip', { zlib: { level: 4 } }));
  const whole = (text: string) => async (write: Write) => write(text);

  await zip.entry(
    '[Content_Types].xml',
    whole(
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        sheets
          .map(
            (_, i) =>
              `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join('') +
        '</Types>',
    ),
  );
  await zip.entry(
    '_rels/.rels',
    whole(
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
  );
  await zip.entry(
    'xl/workbook.xml',
    whole(
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets>` +
        sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    ),
  );
  await zip.entry(
    'xl/_rels/workbook.xml.rels',
    whole(
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        sheets
          .map(
            (_, i) =>
              `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
          )
          .join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
    ),
  );
  await zip.entry('xl/styles.xml', whole(stylesXml(formats)));

  for (const [i, sheet] of sheets.entries()) {
    await zip.entry(`xl/worksheets/sheet${i + 1}.xml`, async (write) => {
      const view = sheet.frozenHeader
        ? '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
        : '<sheetView workbookViewId="0"/>';
      const cols = sheet.widths.length
        ? `<cols>${sheet.widths.map((w, c) => `<col min="${c + 1}" max="${c + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>`
        : '';
      await write(
        `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols}<sheetData>`,
      );
      const width = Math.max(sheet.widths.length, sheet.formats?.length ?? 0);
      const names = Array.from({ length: width }, (_, c) => columnName(c));
      const dateStyles = Array.from({ length: width }, (_, c) => formatStyle(sheet.formats?.[c]));
      const columnAt = (c: number) => names[c] ?? columnName(c);
      const styleFor = (c: number) => dateStyles[c] ?? formatStyle(undefined);
      let r = 0;
      for await (const row of sheet.rows) {
        r++;
        if (row.cells.length === 0) continue;
        const rowStyle = row.style === 'title' ? 2 : row.style === 'header' ? 1 : 0;
        let xml = `<row r="${r}">`;
        for (let c = 0; c < row.cells.length; c++) {
          const v = row.cells[c];
          if (v === null || v === undefined) continue;
          const ref = `${columnAt(c)}${r}`;
          if (typeof v === 'string') {
            xml += `<c r="${ref}" t="inlineStr"${rowStyle ? ` s="${rowStyle}"` : ''}><is><t xml:space="preserve">${xmlText(v)}</t></is></c>`;
          } else if (typeof v === 'number') {
            if (Number.isFinite(v)) xml += `<c r="${ref}"${rowStyle ? ` s="${rowStyle}"` : ''}><v>${v}</v></c>`;
          } else if (typeof v === 'boolean') {
            xml += `<c r="${ref}" t="b"${rowStyle ? ` s="${rowStyle}"` : ''}><v>${v ? 1 : 0}</v></c>`;
          } else if (v instanceof Date && !Number.isNaN(v.getTime())) {
            xml += `<c r="${ref}" s="${styleFor(c)}"><v>${v.getTime() / 86_400_000 + EXCEL_EPOCH_DAYS}</v></c>`;
          }
        }
        const wait = write(`${xml}</row>`);
        if (wait) await wait;
      }
      await write('</sheetData></worksheet>');
    });
  }
  await zip.end();
}
