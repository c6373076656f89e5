// A streaming XLSX writer for what Sputnik's workbooks hold: typed cells (text, numbers,
// yes/no, dates), bold title and header rows, column widths, a date format per column, a frozen
// header. exceljs's streaming writer computed a style for every cell (a new style object each,
// so its cache never hit) and took two thirds of a 100,000-row export; this writes each row as one
// XML string into a deflate stream, zipped as it goes (a zip with data descriptors), at constant
// memory. The parts are the minimal SpreadsheetML package (inline strings, one styles part); tests
// read the files back with exceljs.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { constants, crc32, createDeflateRaw } from 'node:zlib';

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
const CHUNK = 64 * 1024;
const EXCEL_EPOCH_DAYS = 25_569; // 1970-01-01 as an Excel serial day (the 1900 date system)

// biome-ignore lint/suspicious/noControlCharactersInRegex: characters XML 1.0 cannot hold.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const XML_SPECIAL = /[&<>"]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function xmlText(text: string): string {
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

interface ZipEntry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** A zip written front to back: each entry deflated as it is produced, sizes in a data descriptor. */
class ZipStream {
  private offset = 0;
  private readonly entries: ZipEntry[] = [];
  // DOS time of the file entries: the current time is not needed and would make files differ.
  private readonly time = 0;
  private readonly date = (1 << 5) | 1; // 1980-01-01

  constructor(private readonly out: Writable) {}

  private async raw(bytes: Buffer): Promise<void> {
    this.offset += bytes.length;
    if (this.out.destroyed) throw new Error('export stream closed by its reader');
    if (!this.out.write(bytes)) await this.drained();
  }

  private async drained(): Promise<void> {
    if (this.out.destroyed) throw new Error('export stream closed by its reader');
    await Promise.race([
      once(this.out, 'drain'),
      once(this.out, 'close').then(() => Promise.reject(new Error('export stream closed by its reader'))),
    ]);
  }

  /** Writes one file; `produce` hands its text over in pieces through `write`. */
  async entry(name: string, produce: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    const offset = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(this.time, 10);
    header.writeUInt16LE(this.date, 12);
    header.writeUInt16LE(nameBytes.length, 26);
    await this.raw(Buffer.concat([header, nameBytes]));

    const deflate = createDeflateRaw({ level: constants.Z_BEST_SPEED + 3 });
    let crc = 0;
    let size = 0;
    let compressed = 0;
    const pump = (async () => {
      for await (const chunk of deflate) {
        compressed += (chunk as Buffer).length;
        await this.raw(chunk as Buffer);
      }
    })();
    let pending = '';
    const flush = async () => {
      const bytes = Buffer.from(pending, 'utf8');
      pending = '';
      crc = crc32(bytes, crc);
      size += bytes.length;
      if (!deflate.write(bytes)) await Promise.race([once(deflate, 'drain'), pump]);
    };
    try {
      await produce(async (text) => {
        pending += text;
        if (pending.length >= CHUNK) await flush();
      });
      if (pending.length > 0) await flush();
      deflate.end();
      await pump;
    } catch (error) {
      deflate.destroy();
      await pump.catch(() => undefined);
      throw error;
    }
    if (size > 0xffff_ffff || this.offset > 0xffff_ffff)
      throw new Error('workbook larger than 4 GB: zip64 is not supported');
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(compressed, 8);
    descriptor.writeUInt32LE(size, 12);
    await this.raw(descriptor);
    this.entries.push({ name: nameBytes, crc: crc >>> 0, compressed, size, offset });
  }

  async end(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(0x0808, 8);
      h.writeUInt16LE(8, 10);
      h.writeUInt16LE(this.time, 12);
      h.writeUInt16LE(this.date, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      await this.raw(Buffer.concat([h, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.raw(end);
    this.out.end();
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
  const zip = new ZipStream(out);
  const whole = (text: string) => async (write: (t: string) => Promise<void>) => write(text);

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
        await write(`${xml}</row>`);
      }
      await write('</sheetData></worksheet>');
    });
  }
  await zip.end();
}
