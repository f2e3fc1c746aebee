// The three Ed25519 vector files as one uniform list of verification cases, with the verdict THE RULE
// (ledger/crypto/ed25519.ts) must give. Used by the portable and the node:crypto test suites.
import { fromHex, utf8 } from '../../../ledger/encoding/bytes.js';
import { withVectors } from '../../support/vectors.js';

export interface VerifyCase {
  readonly id: string;
  readonly publicKey: Uint8Array;
  readonly msg: Uint8Array;
  readonly sig: Uint8Array;
  readonly expected: boolean;
}

export interface Rfc8032File {
  vectors: { name: string; secretSeedHex: string; publicKeyHex: string; messageHex: string; signatureHex: string }[];
}

interface WycheproofFile {
  testGroups: { publicKey: { pk: string }; tests: { tcId: number; msg: string; sig: string; result: string; comment: string }[] }[];
}

type CctvFile = { number: number; key: string; sig: string; msg: string; flags: string[] | null }[];

/**
 * CCTV flags our rule rejects: RFC 8032 requires rejecting non-canonical A and R; we also reject small-order A
 * (policy) and use the cofactorless equation (so low_order_residue fails). reencoded_k only occurs with a
 * non-canonical point. Everything else — small-order R, keys or R with a low-order component — is accepted.
 */
export const CCTV_REJECTED_FLAGS = ['non_canonical_A', 'non_canonical_R', 'low_order_A', 'low_order_residue'];

export function rfc8032Cases(v: Rfc8032File): VerifyCase[] {
  return v.vectors.map((t) => ({
    id: `RFC 8032 ${t.name}`,
    publicKey: fromHex(t.publicKeyHex),
    msg: fromHex(t.messageHex),
    sig: fromHex(t.signatureHex),
    expected: true,
  }));
}

export function wycheproofCases(w: WycheproofFile): VerifyCase[] {
  return w.testGroups.flatMap((g) =>
    g.tests.map((t) => ({
      id: `Wycheproof tcId ${t.tcId} (${t.comment})`,
      publicKey: fromHex(g.publicKey.pk),
      msg: fromHex(t.msg),
      sig: fromHex(t.sig),
      expected: t.result === 'valid', // the file has no "acceptable" results for Ed25519
    })),
  );
}

export function cctvCases(c: CctvFile): VerifyCase[] {
  return c.map((t) => ({
    id: `CCTV #${t.number} [${(t.flags ?? []).join(',')}]`,
    publicKey: fromHex(t.key),
    msg: utf8(t.msg),
    sig: fromHex(t.sig),
    expected: !(t.flags ?? []).some((f) => CCTV_REJECTED_FLAGS.includes(f)),
  }));
}

/** One `describe` per vector file, skipped when the file is absent. */
export function withEd25519Cases(title: string, body: (cases: VerifyCase[], file: string) => void): void {
  withVectors<Rfc8032File>('rfc8032_ed25519.json', `${title}: RFC 8032 §7.1`, (v) => body(rfc8032Cases(v), 'rfc8032'));
  withVectors<WycheproofFile>('wycheproof_ed25519_test.json', `${title}: Wycheproof`, (v) => body(wycheproofCases(v), 'wycheproof'));
  withVectors<CctvFile>('cctv_ed25519vectors.json', `${title}: C2SP CCTV`, (v) => body(cctvCases(v), 'cctv'));
}

/** Ids of the cases where `verify` disagrees with the expected verdict. */
export function disagreements(cases: readonly VerifyCase[], verify: (c: VerifyCase) => boolean): string[] {
  return cases.filter((c) => verify(c) !== c.expected).map((c) => `${c.id}: expected ${c.expected}`);
}
