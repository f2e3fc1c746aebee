// Seeds the demo world (demo-scenario.ts) into a fresh log, through pipeline.submit only, so every demo object is
// an ordinary signed entry that verify-ledger replays. Runs only on a log holding nothing but genesis and the
// gateway's registration; on any other log (already seeded, or real data) it writes nothing.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { objectId, type SignedTx } from '../../contracts/index.js';
import type { Clock } from '../../ledger/clock.js';
import { generateKeyPair, type KeyPair } from '../../ledger/crypto/keys.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { decodeEntry } from '../../ledger/entry/entry.js';
import type { Committed } from '../../ledger/pipeline/commit-pipeline.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { signTx } from '../../ledger/tx/sign-tx.js';
import { hashToken, newToken, type TokenStore } from '../auth/token-store.js';
import { demoPaths, readJsonFile, writeDemoFile, writeDemoKey, writeSecretFile, type DemoPaths } from './demo-files.js';
import {
  COCOA_CERTIFICATE, COCOA_INSPECTOR, COCOA_SHELF_LIFE_DAYS, DEMO_DEVICES, DEMO_LOTS, DEMO_PARTIES, DEMO_PLEDGE, DEMO_SITE,
  DEMO_SPLIT, DEMO_TOKEN_DAYS, DEMO_TRANSFER, DEMO_WAREHOUSE, type DemoDevice, type DemoLot, type DemoParty,
} from './demo-scenario.js';

export interface DemoDeps {
  readonly pipeline: { submit(input: unknown): Promise<Committed> };
  readonly store: LedgerStore;
  readonly tokens: TokenStore;
  readonly dataDir: string;
  readonly clock: Clock;
  /** The operator, who registers the demo parties. */
  readonly operatorKey: { readonly id: string; readonly seed: Uint8Array };
}

export interface DemoSummary {
  /** True when this call seeded the log; false when it wrote nothing (see `note`). */
  readonly seeded: boolean;
  readonly note: string;
  readonly warehouse: string;
  readonly site: string;
  readonly parties: readonly DemoParty[];
  /** Devices watching the pledged lot, bound to it. */
  readonly devices: readonly (DemoDevice & { readonly lot: string })[];
  /** Receipt ids by label: coffee (split, inoperative), coffee-1 and coffee-2 (its parts), copper, cocoa. */
  readonly receipts: Readonly<Record<string, string>>;
  /** The active pledge on the copper receipt. */
  readonly pledge?: string;
  readonly pledgeBank: string;
  /** `<keysDir>/<id>.key.json` for every party and device above. */
  readonly keysDir: string;
  /** Plaintext API tokens of the demo parties: `{ "<party>": { role, tokenId, token, expiresAt } }`. */
  readonly tokensFile: string;
}

const DAY_MS = 86_400_000;

type Freshness = { readonly fresh: true } | { readonly fresh: false; readonly note: string };

/** Fresh = the log holds only genesis and gateway registrations. */
async function freshness(store: LedgerStore): Promise<Freshness> {
  const found = await store.getState([{ kind: 'party', id: DEMO_WAREHOUSE }]);
  if (found.size > 0) return { fresh: false, note: 'the demo parties are registered already; nothing was written' };
  const size = await store.size();
  if (size === 0) return { fresh: false, note: 'the log has no genesis entry; nothing was written' };
  const records = size <= 2 ? await store.entries(0, size) : [];
  const onlySetup = size <= 2 && records.every((r) => {
    const { tx } = decodeEntry(r.leaf);
    return tx.type === 'ledger.genesis' || (tx.type === 'party.register' && (tx.body as { role?: string }).role === 'gateway');
  });
  return onlySetup ? { fresh: true } : { fresh: false, note: `the log already holds ${size} entries of its own; demo data goes only into a fresh log` };
}

function skeleton(paths: DemoPaths, seeded: boolean, note: string): DemoSummary {
  const copper = DEMO_LOTS.find((l) => l.label === DEMO_PLEDGE.lot)!;
  return {
    seeded, note, warehouse: DEMO_WAREHOUSE, site: DEMO_SITE, parties: DEMO_PARTIES,
    devices: DEMO_DEVICES.map((d) => ({ ...d, lot: copper.lot })), receipts: {}, pledgeBank: DEMO_PLEDGE.bank,
    keysDir: paths.keysDir, tokensFile: paths.tokensFile,
  };
}

/** Builds, signs and submits demo transactions; all of one step go in together (one commit batch). */
class Submitter {
  #n = 0;
  constructor(
    private readonly deps: DemoDeps,
    private readonly keys: ReadonlyMap<string, KeyPair>,
  ) {}

  get operator(): string {
    return this.deps.operatorKey.id;
  }

  tx(type: string, body: unknown, signers: readonly string[]): Promise<Committed> {
    const tx = { v: 1 as const, type, nonce: `demo-${++this.#n}`, ts: new Date(this.deps.clock.now()).toISOString(), body };
    const sigs = signers.map((id) => signTx(tx, id, id === this.deps.operatorKey.id ? this.deps.operatorKey.seed : this.keys.get(id)!.seed));
    const signed: SignedTx = { tx, sigs };
    return this.deps.pipeline.submit(signed);
  }
}

const lotBody = (l: DemoLot) => ({ warehouse: DEMO_WAREHOUSE, lot: l.lot, site: DEMO_SITE, bay: l.bay, commodity: l.commodity, quantity: l.quantity, unit: l.unit });

function issueBody(l: DemoLot, nowMs: number, certificate: string) {
  const { holder, grade, quantity } = l;
  const perishable = l.label === 'cocoa'
    ? { grading: { inspector: COCOA_INSPECTOR, certificate }, expiry: new Date(nowMs + COCOA_SHELF_LIFE_DAYS * DAY_MS).toISOString() }
    : {};
  return { ...lotBody(l), holder, grade, quantity, ...perishable };
}

async function submitScenario(s: Submitter, keys: ReadonlyMap<string, KeyPair>, nowMs: number, certificate: string) {
  const pub = (id: string) => toBase64(keys.get(id)!.publicKey);
  const copper = DEMO_LOTS.find((l) => l.label === DEMO_PLEDGE.lot)!;
  await Promise.all(DEMO_PARTIES.map((p) => s.tx('party.register', { ...p, publicKey: pub(p.id) }, [s.operator])));
  await Promise.all([
    ...DEMO_LOTS.map((l) => s.tx('lot.deposit', lotBody(l), [DEMO_WAREHOUSE])),
    ...DEMO_DEVICES.map((d) => s.tx('device.register', { id: d.id, warehouse: DEMO_WAREHOUSE, site: DEMO_SITE, lot: copper.lot, kinds: d.kinds, publicKey: pub(d.id) }, [DEMO_WAREHOUSE])),
  ]);
  const issued = await Promise.all(DEMO_LOTS.map((l) => {
    const signers = l.label === 'cocoa' ? [DEMO_WAREHOUSE, COCOA_INSPECTOR] : [DEMO_WAREHOUSE];
    return s.tx('receipt.issue', issueBody(l, nowMs, certificate), signers);
  }));
  const receipts: Record<string, string> = {};
  DEMO_LOTS.forEach((l, i) => (receipts[l.label] = objectId('rc', issued[i]!.index)));
  const { covenants, bank, amount, currency, maturityDays } = DEMO_PLEDGE;
  const [, pledged] = await Promise.all([
    s.tx('receipt.transfer', { receipt: receipts[DEMO_TRANSFER.lot], to: DEMO_TRANSFER.to }, [DEMO_TRANSFER.from]),
    s.tx('pledge.create', {
      receipt: receipts[DEMO_PLEDGE.lot], bank, amount, currency, maturity: new Date(nowMs + maturityDays * DAY_MS).toISOString(), covenants,
    }, [copper.holder, bank]),
  ]);
  const split = await s.tx('receipt.split', { receipt: receipts[DEMO_SPLIT.lot], parts: DEMO_SPLIT.parts }, [DEMO_TRANSFER.to]);
  DEMO_SPLIT.parts.forEach((_, i) => (receipts[`${DEMO_SPLIT.lot}-${i + 1}`] = objectId('rc', split.index, i + 1)));
  return { receipts, pledge: objectId('pl', pledged.index) };
}

async function createTokens(deps: DemoDeps, paths: DemoPaths): Promise<void> {
  const now = deps.clock.now();
  const createdAt = new Date(now).toISOString();
  const expiresAt = new Date(now + DEMO_TOKEN_DAYS * DAY_MS).toISOString();
  const file: Record<string, { role: string; tokenId: string; token: string; expiresAt: string }> = {};
  for (const p of DEMO_PARTIES) {
    const { id, token } = newToken();
    await deps.tokens.insert({ id, party: p.id, createdAt, expiresAt, revokedAt: undefined }, hashToken(token));
    file[p.id] = { role: p.role, tokenId: id, token, expiresAt };
  }
  writeSecretFile(paths.tokensFile, `${JSON.stringify(file, null, 2)}\n`);
}

/**
 * Seeds the demo into a fresh log and returns what it made. Idempotent: on a log that is not fresh it writes
 * nothing and returns the summary saved by the seeding run (when there is one) with `seeded: false`.
 */
export async function seedDemo(deps: DemoDeps): Promise<DemoSummary> {
  const paths = demoPaths(deps.dataDir);
  const state = await freshness(deps.store);
  if (!state.fresh) {
    const saved = readJsonFile<DemoSummary>(paths.summaryFile);
    return saved === undefined ? skeleton(paths, false, state.note) : { ...saved, seeded: false, note: state.note };
  }
  const keys = new Map<string, KeyPair>();
  for (const { id } of [...DEMO_PARTIES, ...DEMO_DEVICES]) {
    const kp = generateKeyPair();
    keys.set(id, kp);
    writeDemoKey(paths, id, kp); // before registering: a key is never registered without its file
  }
  const certificateFile = path.join(paths.certificatesDir, 'COC-2026-005-grading.txt');
  writeDemoFile(certificateFile, COCOA_CERTIFICATE);
  const certificate = createHash('sha256').update(COCOA_CERTIFICATE, 'utf8').digest('hex');
  const made = await submitScenario(new Submitter(deps, keys), keys, deps.clock.now(), certificate);
  await createTokens(deps, paths);
  const summary: DemoSummary = {
    ...skeleton(paths, true, `seeded ${Object.keys(made.receipts).length} receipts, 1 active pledge, ${DEMO_PARTIES.length} parties, ${DEMO_DEVICES.length} devices`),
    receipts: made.receipts, pledge: made.pledge,
  };
  writeDemoFile(paths.summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
