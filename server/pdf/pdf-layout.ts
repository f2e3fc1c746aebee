// Small drawing helpers over pdfkit for the receipt document: headings, label/value rows, a table that breaks
// across pages and repeats its header, a QR code drawn as vector squares, and page footers. Layout only.
import type QRCode from 'qrcode';

export type Doc = PDFKit.PDFDocument;

export const FONT = 'Helvetica';
export const BOLD = 'Helvetica-Bold';
export const MONO = 'Courier';
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#999999';
const FOOTER_SPACE = 28;

export function left(doc: Doc): number {
  return doc.page.margins.left;
}

export function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function bottom(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom - FOOTER_SPACE;
}

/** Starts a new page when fewer than `height` points are left on this one. */
export function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

export function heading(doc: Doc, text: string): void {
  ensureRoom(doc, 48);
  doc.moveDown(0.6);
  doc.font(BOLD).fontSize(11).fillColor(INK).text(text, left(doc), doc.y, { width: contentWidth(doc) });
  const y = doc.y + 2;
  doc.moveTo(left(doc), y).lineTo(left(doc) + contentWidth(doc), y).lineWidth(0.5).strokeColor(RULE).stroke();
  doc.y = y + 5;
}

/** Label in a left column, value wrapping in the right one. */
export function row(doc: Doc, label: string, value: string, opts: { mono?: boolean; labelWidth?: number } = {}): void {
  const labelWidth = opts.labelWidth ?? 120;
  const x = left(doc);
  const width = contentWidth(doc) - labelWidth;
  const font = opts.mono === true ? MONO : FONT;
  const size = opts.mono === true ? 8 : 9.5;
  const h = Math.max(doc.font(font).fontSize(size).heightOfString(value, { width }), 12);
  ensureRoom(doc, h);
  const y = doc.y;
  doc.font(FONT).fontSize(9.5).fillColor(MUTED).text(label, x, y, { width: labelWidth - 8 });
  doc.font(font).fontSize(size).fillColor(INK).text(value, x + labelWidth, y, { width });
  doc.y = y + h + 3;
}

export function paragraph(doc: Doc, text: string, opts: { bold?: boolean; size?: number; mono?: boolean } = {}): void {
  const font = opts.mono === true ? MONO : opts.bold === true ? BOLD : FONT;
  doc.font(font).fontSize(opts.size ?? 9.5).fillColor(INK);
  ensureRoom(doc, doc.heightOfString(text, { width: contentWidth(doc) }));
  doc.text(text, left(doc), doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.3);
}

export interface Column {
  readonly title: string;
  readonly width: number;
  readonly mono?: boolean;
}

const CELL_SIZE = 8.5;
const PAD = 3;

function cellHeight(doc: Doc, columns: readonly Column[], cells: readonly string[]): number {
  return Math.max(...columns.map((c, i) =>
    doc.font(c.mono === true ? MONO : FONT).fontSize(CELL_SIZE).heightOfString(cells[i] ?? '', { width: c.width - 2 * PAD })));
}

function drawCells(doc: Doc, columns: readonly Column[], cells: readonly string[], font: (c: Column) => string): number {
  const y = doc.y;
  let x = left(doc);
  const h = cellHeight(doc, columns, cells) + 2 * PAD;
  columns.forEach((c, i) => {
    doc.font(font(c)).fontSize(CELL_SIZE).fillColor(INK).text(cells[i] ?? '', x + PAD, y + PAD, { width: c.width - 2 * PAD });
    x += c.width;
  });
  doc.moveTo(left(doc), y + h).lineTo(x, y + h).lineWidth(0.3).strokeColor(RULE).stroke();
  doc.y = y + h;
  return h;
}

/** A table whose rows never split; the header repeats on every page the table reaches. */
export function table(doc: Doc, columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  const header = columns.map((c) => c.title);
  const headerHeight = cellHeight(doc, columns, header) + 2 * PAD;
  ensureRoom(doc, headerHeight + (rows[0] === undefined ? 0 : cellHeight(doc, columns, rows[0]) + 2 * PAD));
  drawCells(doc, columns, header, () => BOLD);
  for (const cells of rows) {
    const h = cellHeight(doc, columns, cells) + 2 * PAD;
    if (doc.y + h > bottom(doc)) {
      doc.addPage();
      drawCells(doc, columns, header, () => BOLD);
    }
    drawCells(doc, columns, cells, (c) => (c.mono === true ? MONO : FONT));
  }
  doc.moveDown(0.3);
}

/** The QR symbol as filled squares (vector, so it prints sharply and adds no image bytes), with a quiet zone. */
export function qr(doc: Doc, code: QRCode.QRCode, x: number, y: number, size: number): void {
  const n = code.modules.size;
  const quiet = 4; // ISO/IEC 18004 §6.3.8: a quiet zone of 4 modules
  const m = size / (n + 2 * quiet);
  doc.rect(x, y, size, size).fillColor('#ffffff').fill();
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (code.modules.get(r, c)) doc.rect(x + (c + quiet) * m, y + (r + quiet) * m, m, m);
    }
  }
  doc.fillColor('#000000').fill();
}

/** "text · page i of n" on every page (the document must buffer its pages). */
export function footers(doc: Doc, text: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = doc.page.height - doc.page.margins.bottom - 12;
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the bottom margin must not start a new page
    doc.font(FONT).fontSize(7.5).fillColor(MUTED)
      .text(`${text} · page ${i + 1 - range.start} of ${range.count}`, left(doc), y, { width: contentWidth(doc), align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
}
