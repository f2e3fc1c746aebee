import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Device, Party, Pledge, Receipt } from '../../../contracts/index.js';
import { auditLedger } from '../../../ledger/auditor/verify-ledger.js';
import { storeSource } from '../../../ledger/auditor/store-source.js';
import { ManualClock } from '../../../ledger/clock.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { readKeyFile } from '../../../ledger/crypto/keys.js';
import { toBase64 } from '../../../ledger/encoding/bytes.js';
import { signTx } from '../../../ledger/tx/sign-tx.js';
import { SqliteTokenStore } from '../../../server/auth/sqlite-token-store.js';
import { checkToken } from '../../../server/auth/token-store.js';
import { loadConfig } from '../../../server/config.js';
import { DEMO_DEVICES, DEMO_PARTIES, DEMO_PLEDGE } from '../../../server/demo/demo-scenario.js';
import { formatDemoSummary } from '../../../server/demo/format-demo-summary.js';
import { seedDemo, type DemoDeps } from '../../../server/demo/seed-demo.js';
import { loadNodeKeys, type NodeKeys } from '../../../server/node-keys.js';
import { contractServices, openLedger, OPERATOR_ID } from '../../../server/system.js';
import { tempDir } from '../../support/temp-dir.js';

type Ledger = Awaited<ReturnType<typeof openLedger>>;

async function openDataDir(dataDir: string, clock: ManualClock): Promise<{ ledger: Ledger; keys: NodeKeys; deps: DemoDeps }> {
  const config = loadConfig({ LH_DATA_DIR: dataDir });
  const keys = loadNodeKeys(dataDir, config.origin);
  const ledger = await openLedger(config, clock, keys);
  const deps: DemoDeps = {
    pipeline: ledger.pipeline, store: ledger.store, tokens: new SqliteTokenStore(ledger.db), dataDir, clock,
    operatorKey: { id: OPERATOR_ID, seed: keys.operator.seed },
  };
  return { ledger, keys, deps };
}

async function close(l: Ledger): Promise<void> {
  await l.pipeline.close();
  await l.store.close();
  if (l.db.open) l.db.close();
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe('demo seed', function () {
  this.timeout(30_000);
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 8, 0, 0));

  describe('on a fresh data directory', () => {
    const tmp = tempDir();
    let ledger: Ledger;
    let deps: DemoDeps;
    let summary: Awaited<ReturnType<typeof seedDemo>>;
    before(async () => {
      ({ ledger, deps } = await openDataDir(tmp.dir, clock));
      summary = await seedDemo(deps);
    });
    after(async () => {
      await close(ledger);
      tmp.remove();
    });

    const get = async <T>(kind: 'party' | 'device' | 'receipt' | 'pledge', id: string): Promise<T> => {
      const found = await ledger.store.getState([{ kind, id }]);
      const object = found.get(`${kind}:${id}`)?.object;
      assert.ok(object, `${kind}:${id} missing`);
      return object as unknown as T;
    };

    it('When an initialised log is seeded, then the summary names the parties, receipts, pledge, keys and tokens', () => {
      assert.equal(summary.seeded, true);
      assert.deepEqual(summary.parties.map((p) => p.id), ['acme-warehouse', 'bank-north', 'bank-south', 'coop-farmers', 'trader-ltd', 'harbour-inspection', 'market-regulator']);
      assert.deepEqual(Object.keys(summary.receipts).sort(), ['cocoa', 'coffee', 'coffee-1', 'coffee-2', 'copper']);
      assert.match(summary.pledge ?? '', /^pl-\d{12}$/);
      assert.equal(summary.keysDir, path.join(tmp.dir, 'demo', 'keys'));
      assert.equal(summary.tokensFile, path.join(tmp.dir, 'demo', 'tokens.json'));
      assert.match(formatDemoSummary(summary, 'http://127.0.0.1:8080'), new RegExp(`copper ${summary.receipts['copper']}, pledged to bank-north as ${summary.pledge}`));
    });

    it('When the state is read, then the copper pledge is active with every covenant and its devices are bound to the lot', async () => {
      const pledge = await get<Pledge>('pledge', summary.pledge!);
      assert.equal(pledge.status, 'active');
      assert.equal(pledge.bank, 'bank-north');
      assert.equal(pledge.holder, 'trader-ltd');
      assert.equal(pledge.receipt, summary.receipts['copper']);
      assert.deepEqual(Object.keys(pledge.covenants).sort(), ['cameraHeartbeat', 'deviceSilence', 'geofence', 'humidity', 'quantityFloor', 'temperature']);
      assert.deepEqual(pledge.covenants.geofence, DEMO_PLEDGE.covenants.geofence);
      const copper = await get<Receipt>('receipt', summary.receipts['copper']!);
      assert.equal(copper.status, 'pledged');
      assert.equal(copper.quantity, '125.000');
      for (const d of DEMO_DEVICES) {
        const device = await get<Device>('device', d.id);
        assert.equal(device.lot, 'CU-2026-017');
        assert.equal(device.warehouse, 'acme-warehouse');
      }
    });

    it('When the other receipts are read, then the cocoa is perishable and graded, and the coffee was transferred and split', async () => {
      const cocoa = await get<Receipt>('receipt', summary.receipts['cocoa']!);
      assert.ok(cocoa.expiry !== undefined && cocoa.expiry > new Date(clock.now()).toISOString());
      assert.deepEqual(cocoa.certificates.map((c) => c.inspector), ['harbour-inspection']);
      const certificate = readFileSync(path.join(tmp.dir, 'demo', 'certificates', 'COC-2026-005-grading.txt'));
      const { createHash } = await import('node:crypto');
      assert.equal(cocoa.certificates[0]!.hash, createHash('sha256').update(certificate).digest('hex'));
      const coffee = await get<Receipt>('receipt', summary.receipts['coffee']!);
      assert.equal(coffee.status, 'inoperative');
      assert.equal(coffee.holder, 'trader-ltd');
      const parts = await Promise.all(['coffee-1', 'coffee-2'].map((k) => get<Receipt>('receipt', summary.receipts[k]!)));
      assert.deepEqual(parts.map((p) => [p.quantity, p.holder, p.status]), [['250', 'trader-ltd', 'active'], ['150', 'trader-ltd', 'active']]);
    });

    it('When the key files are read, then each is 0600, named after its party or device, and holds the registered key', async () => {
      for (const { id } of [...DEMO_PARTIES, ...DEMO_DEVICES]) {
        const file = path.join(summary.keysDir, `${id}.key.json`);
        assert.equal(mode(file), 0o600, file);
        const key = readKeyFile(file);
        assert.equal(key.name, id);
        const kind = DEMO_DEVICES.some((d) => d.id === id) ? 'device' : 'party';
        assert.equal((await get<Party | Device>(kind, id)).publicKey, toBase64(key.publicKey));
      }
    });

    it('When the tokens file is read, then it is 0600 and every party\'s token authenticates as that party', async () => {
      assert.equal(mode(summary.tokensFile), 0o600);
      const tokens = JSON.parse(readFileSync(summary.tokensFile, 'utf8')) as Record<string, { token: string; role: string }>;
      assert.deepEqual(Object.keys(tokens), DEMO_PARTIES.map((p) => p.id));
      for (const [party, t] of Object.entries(tokens)) {
        const check = await checkToken(deps.tokens, t.token, clock.now());
        assert.ok(check.ok && check.record.party === party, party);
      }
    });

    it('When the seed runs again, then it writes nothing and returns the same ids', async () => {
      const size = ledger.pipeline.size;
      const tokensBefore = readFileSync(summary.tokensFile, 'utf8');
      const again = await seedDemo(deps);
      assert.equal(again.seeded, false);
      assert.match(again.note, /registered already/);
      assert.deepEqual(again.receipts, summary.receipts);
      assert.equal(again.pledge, summary.pledge);
      assert.equal(ledger.pipeline.size, size);
      assert.equal(readFileSync(summary.tokensFile, 'utf8'), tokensBefore);
    });

    it('When the whole log is audited after seeding, then it verifies', async () => {
      const verifier = new FastVerifier();
      const report = await auditLedger(storeSource(ledger.store), {
        logKey: ledger.signer.verifierKey, verify: (s, m, k) => verifier.verify(s, m, k), services: contractServices(),
      });
      assert.equal(report.ok, true, report.finding?.what);
      assert.equal(report.size, ledger.pipeline.size);
    });
  });

  it('When the log already holds entries of its own, then the seed writes nothing', async () => {
    const tmp = tempDir();
    const { ledger, keys, deps } = await openDataDir(tmp.dir, clock);
    try {
      const tx = { v: 1 as const, type: 'party.register', nonce: 'real-1', ts: new Date(clock.now()).toISOString(), body: { id: 'real-bank', role: 'bank', name: 'Real Bank', publicKey: toBase64(keys.gateway.publicKey) } };
      await ledger.pipeline.submit({ tx, sigs: [signTx(tx, OPERATOR_ID, keys.operator.seed)] });
      const size = ledger.pipeline.size;
      const summary = await seedDemo(deps);
      assert.equal(summary.seeded, false);
      assert.match(summary.note, /holds 3 entries of its own/);
      assert.equal(ledger.pipeline.size, size);
      assert.deepEqual(await deps.tokens.list(), []);
    } finally {
      await close(ledger);
      tmp.remove();
    }
  });
});
