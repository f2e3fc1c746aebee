// The receipt as a signed, self-verifying PDF. Access is checked on the receipt first (404 when not visible).
import { buildReceiptDossier } from '../pdf/receipt-dossier.js';
import { renderReceiptPdf } from '../pdf/render-receipt.js';
import type { LogReader } from '../../ledger/log/log-reader.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import type { AccessControl } from '../access/access-control.js';
import { requirePrincipal } from '../auth/authenticate.js';
import type { ApiRoute } from './api-route.js';
import { HttpProblem } from './problem.js';

export interface PdfRouteDeps {
  readonly store: LedgerStore;
  readonly reader: LogReader;
  readonly access: AccessControl;
  readonly verifierKey: string;
  /** Base URL for the QR code; defaults to the request's own origin. */
  readonly publicUrl?: string;
}

export function pdfRoutes(deps: PdfRouteDeps): ApiRoute[] {
  return [
    {
      method: 'get', path: '/v1/receipts/:id/pdf', tag: 'receipts', access: 'token; the receipt must be visible to the caller',
      summary: 'The receipt as a PDF for people, with a QR code to the public verifier and the signed entries, proofs and checkpoint embedded (evidence.json)',
      query: { size: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Render as of this published ledger size (a checkpoint size); default: the latest' } },
      responses: { 200: { description: 'PDF', contentType: 'application/pdf', schema: { type: 'string', format: 'binary' } } },
      async handler(req, res) {
        const id = String(req.params['id']);
        if ((await deps.access.readable(requirePrincipal(res), 'receipt', id)) === undefined) {
          throw new HttpProblem('NOT_FOUND', `no receipt '${id}' visible to you`);
        }
        const size = req.query['size'] === undefined ? undefined : Number(req.query['size']);
        const base = deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
        const dossier = await buildReceiptDossier({ store: deps.store, reader: deps.reader, verifierKey: deps.verifierKey, publicBaseUrl: base }, id, size);
        if (dossier === undefined) throw new HttpProblem('NOT_FOUND', `receipt '${id}' did not exist at that ledger size`);
        const pdf = await renderReceiptPdf(dossier);
        res.type('application/pdf').set('Content-Disposition', `attachment; filename="${id}-${dossier.size}.pdf"`).send(pdf);
      },
    },
  ];
}
