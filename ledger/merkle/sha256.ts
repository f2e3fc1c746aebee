// SHA-256 for the Merkle log, with two implementations that must give the same bytes: `node:crypto` (OpenSSL,
// 3–4× faster on 300-byte leaves) when running on Node, @noble/hashes everywhere else (the browser bundle).
// The Node module is reached through `process.getBuiltinModule` (Node ≥ 20.16) rather than an import, so bundles
// built for the browser (web/build.ts, `platform: 'browser'`) contain no `node:` import and fall back to noble.
// test/ledger/merkle/sha256.test.ts checks that both paths agree.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** SHA-256 of `data`, as a fresh 32-byte Uint8Array. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

type NodeHash = (algorithm: 'sha256', data: Uint8Array | string, outputEncoding: 'buffer') => Buffer;

/** The portable implementation (@noble/hashes). */
export const portableSha256: Sha256 = nobleSha256;

function loadNodeHash(): NodeHash | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = proc?.getBuiltinModule?.('node:crypto') as { hash?: NodeHash } | undefined;
  return typeof crypto?.hash === 'function' ? crypto.hash : undefined;
}

const nodeHash = loadNodeHash();

// A plain Uint8Array, as the portable path returns (a Buffer compares unequal in deepStrictEqual).
const plain = (out: Buffer): Uint8Array => new Uint8Array(out.buffer, out.byteOffset, out.length);

/** The OpenSSL implementation when running on Node ≥ 20.16, otherwise undefined. */
export const nodeSha256: Sha256 | undefined = nodeHash === undefined ? undefined : (data) => plain(nodeHash('sha256', data, 'buffer'));

/**
 * SHA-256 of the UTF-8 encoding of `text`, on Node with OpenSSL reading the string itself (no UTF-8 copy made in
 * JavaScript first: about half the cost of `sha256(utf8(text))` for a 300-byte leaf); undefined elsewhere.
 */
export const nodeSha256Text: ((text: string) => Uint8Array) | undefined = nodeHash === undefined ? undefined : (text) => plain(nodeHash('sha256', text, 'buffer'));

/** The implementation the ledger uses: OpenSSL on Node, noble elsewhere. */
export const sha256: Sha256 = nodeSha256 ?? portableSha256;
