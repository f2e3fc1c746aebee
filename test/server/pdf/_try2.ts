import { readFileSync } from 'node:fs';
import { verifyReceiptPdf } from '../../../server/pdf/verify-pdf.js';
const t0 = performance.now();
const v = await verifyReceiptPdf(readFileSync('/tmp/pdfout/rc-000000000008.pdf'));
console.log(performance.now() - t0);
console.log(JSON.stringify(v, null, 1));
