import assert from 'node:assert/strict';
import PDFDocument from 'pdfkit';
import { shareFontMetrics } from '../../../server/pdf/font-metrics.js';
import { BOLD, FONT, MONO, type Doc } from '../../../server/pdf/pdf-layout.js';

const AT = new Date('2026-11-24T00:00:00.000Z');

/** A small document exercising kerning and wrapping in the three fonts the receipt uses. */
function render(share: boolean): Promise<Buffer> {
  const doc: Doc = new PDFDocument({ size: 'A4', margin: 50, compress: false, info: { CreationDate: AT, ModDate: AT } });
  if (share) shareFontMetrics(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const text = 'AVAWAY To Ty Yo — "WAREHOUSE RECEIPT" LTA P.Vo. Wa yA; kerning pairs and a long line that wraps: '.repeat(6);
  for (const font of [FONT, BOLD, MONO, FONT]) doc.font(font).fontSize(9.5).text(text, { width: 300 });
  doc.end();
  return done;
}

describe('server/pdf: shared standard-font metrics', () => {
  it('When documents share the parsed font metrics, then they are byte for byte what PDFKit makes on its own', async () => {
    const plain = await render(false);
    assert.ok((await render(true)).equals(plain));
    assert.ok((await render(true)).equals(plain), 'a second document reusing the shared metrics');
    assert.ok((await render(false)).equals(plain), 'and unshared documents are unaffected');
  });
});
