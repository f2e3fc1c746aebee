// Shape of a signed transaction as it arrives (HTTP body, CLI, gateway). Checked before anything is verified or
// applied; the transaction body is the contract's business (contracts validate it against their own schemas).
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { SignedTx } from '../../contracts/types.js';
import { utf8 } from '../encoding/bytes.js';
import { canonicalJson } from '../encoding/canonical.js';
import { DOMAIN } from '../crypto/domain.js';
import { LedgerError } from '../errors.js';
import { txForms, type TxForms } from '../tx/tx-forms.js';

/** Canonical size limit of one signed transaction. */
export const MAX_TX_BYTES = 64 * 1024;

const PARTY_ID = '^[a-z0-9][a-z0-9-]{1,62}$';

export const SIGNED_TX_SCHEMA = {
  $id: 'https://ledgerhouse.dev/schemas/signed-tx.json',
  title: 'SignedTx',
  description: 'A transaction and the Ed25519 signatures of the parties it requires.',
  type: 'object',
  additionalProperties: false,
  required: ['tx', 'sigs'],
  properties: {
    tx: {
      type: 'object',
      additionalProperties: false,
      required: ['v', 'type', 'nonce', 'ts', 'body'],
      properties: {
        v: { const: 1, description: 'Envelope version.' },
        type: { type: 'string', pattern: '^[a-z]+(\\.[a-zA-Z]+)+$', maxLength: 64, description: 'Transaction type, e.g. receipt.issue.' },
        nonce: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$', description: 'Unique per first signer; makes a verbatim replay idempotent.' },
        ts: { type: 'string', format: 'date-time', maxLength: 40, description: "Submitter's clock (RFC 3339)." },
        body: { type: 'object', description: 'Type-specific fields (see the transaction schemas).' },
      },
    },
    sigs: {
      type: 'array',
      minItems: 1,
      maxItems: 8,
      description: 'Signatures over "ledgerhouse/v1/tx\\n" ‖ RFC 8785 JSON of tx.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['signer', 'sig'],
        properties: {
          signer: { type: 'string', pattern: PARTY_ID, description: 'Party id of the signer.' },
          sig: { type: 'string', pattern: '^[A-Za-z0-9+/]{86}==$', description: 'Base64 Ed25519 signature (64 bytes).' },
        },
      },
    },
  },
} as const;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: false, strict: true }));
const validate = ajv.compile(SIGNED_TX_SCHEMA);

export interface CheckedTx {
  readonly signed: SignedTx;
  /** The transaction's canonical form, hash and signing bytes, computed once here. */
  readonly forms: TxForms;
  /** JCS(sigs), for the entry (entry-text.ts). */
  readonly sigsText: string;
}

/** UTF-8 bytes of JCS({sigs, tx}) = `{"sigs":` ‖ JCS(sigs) ‖ `,"tx":` ‖ JCS(tx) ‖ `}` (entry-bytes.ts `signedTxText`). */
const ENVELOPE_FRAME_BYTES = '{"sigs":,"tx":}'.length;
const TX_DOMAIN_BYTES = utf8(DOMAIN.tx).length;

/** Check the envelope and return it typed; throws LedgerError TX_MALFORMED / TX_TOO_LARGE naming the field. */
export function checkEnvelope(input: unknown): CheckedTx {
  if (!validate(input)) {
    const err = validate.errors?.[0];
    const where = err?.instancePath || '/';
    const extra = err?.params && 'additionalProperty' in err.params ? ` '${String(err.params['additionalProperty'])}'` : '';
    throw new LedgerError('TX_MALFORMED', `signed transaction ${where}: ${err?.message ?? 'invalid'}${extra}`, where);
  }
  const signed = input as unknown as SignedTx;
  const signers = signed.sigs.map((s) => s.signer);
  if (new Set(signers).size !== signers.length) {
    throw new LedgerError('TX_MALFORMED', 'signed transaction /sigs: a party signs at most once', '/sigs');
  }
  const forms = txForms(signed.tx);
  const sigsText = canonicalJson(signed.sigs);
  // Canonical size of the whole envelope, from the parts' sizes (the signing bytes are the domain label ‖ JCS(tx)).
  const size = ENVELOPE_FRAME_BYTES + utf8(sigsText).length + forms.signingBytes.length - TX_DOMAIN_BYTES;
  if (size > MAX_TX_BYTES) {
    throw new LedgerError('TX_TOO_LARGE', `signed transaction is ${size} bytes; the limit is ${MAX_TX_BYTES}`);
  }
  return { signed, forms, sigsText };
}
