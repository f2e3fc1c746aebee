// A data directory initialised the way `npm start` does (openLedger: genesis + gateway), and in-process helpers to
// put parties with key files on it, so CLI child processes find a realistic ledger. The ledger is closed between
// uses: the CLI opens the same SQLite file as its own sequencer.
import path from 'node:path';
import type { SignedTx } from '../../../contracts/index.js';
import { systemClock } from '../../../ledger/clock.js';
import { generateKeyPair, writeKeyFile } from '../../../ledger/crypto/keys.js';
import { toBase64 } from '../../../ledger/encoding/bytes.js';
import { signTx } from '../../../ledger/tx/sign-tx.js';
import { loadConfig } from '../../../server/config.js';
import { loadNodeKeys } from '../../../server/node-keys.js';
import { openLedger, OPERATOR_ID } from '../../../server/system.js';

export type OpenLedger = Awaited<ReturnType<typeof openLedger>>;

export async function withLedger<T>(dataDir: string, fn: (l: OpenLedger) => Promise<T>): Promise<T> {
  const config = loadConfig({ LH_DATA_DIR: dataDir });
  const l = await openLedger(config, systemClock, loadNodeKeys(dataDir, config.origin));
  try {
    return await fn(l);
  } finally {
    await l.pipeline.close();
    await l.store.close();
    if (l.db.open) l.db.close();
  }
}

/** Parties with key files in `keysDir`, registered by the data directory's operator, and a way to sign as them. */
export class Cast {
  readonly #seeds = new Map<string, Uint8Array>();
  #n = 0;
  constructor(
    private readonly dataDir: string,
    readonly keysDir: string,
  ) {
    this.#seeds.set(OPERATOR_ID, loadNodeKeys(dataDir, loadConfig({}).origin).operator.seed);
  }

  keyFile(id: string): string {
    return path.join(this.keysDir, `${id}.key.json`);
  }

  async register(l: OpenLedger, id: string, role: string): Promise<void> {
    const kp = generateKeyPair();
    writeKeyFile(this.keyFile(id), id, kp);
    this.#seeds.set(id, kp.seed);
    await this.submit(l, 'party.register', { id, role, name: `${id} (test)`, publicKey: toBase64(kp.publicKey) }, [OPERATOR_ID]);
  }

  submit(l: OpenLedger, type: string, body: unknown, signers: readonly string[]) {
    const tx = { v: 1 as const, type, nonce: `setup-${++this.#n}`, ts: new Date().toISOString(), body };
    const signed: SignedTx = { tx, sigs: signers.map((id) => signTx(tx, id, this.#seeds.get(id)!)) };
    return l.pipeline.submit(signed);
  }
}
