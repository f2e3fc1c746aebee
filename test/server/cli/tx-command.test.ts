import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LedgerEntry } from '../../../ledger/entry/entry.js';
import { writeKeyFile } from '../../../ledger/crypto/keys.js';
import { txHash } from '../../../ledger/tx/tx-hash.js';
import { keyPath } from '../../../server/node-keys.js';
import { runCli, type CliResult } from '../../support/cli.js';
import { openHttpHarness } from '../../support/http-harness.js';
import { tempDir } from '../../support/temp-dir.js';
import { Cast, withLedger } from './local-ledger.js';

interface Printed {
  index: number;
  txHash: string;
  duplicate: boolean;
  checkpointSize: number;
  entry?: LedgerEntry;
}

const printed = (r: CliResult): Printed => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Printed;
};

/** A CLI error: a line naming the problem, a hint line, exit 1, no stack trace. */
function assertCliError(r: CliResult, problem: RegExp, hint: RegExp): void {
  assert.equal(r.code, 1, r.stdout);
  const [first = '', second = '', ...rest] = r.stderr.trimEnd().split('\n');
  assert.match(first, /^ledgerhouse: /);
  assert.match(first, problem);
  assert.match(second, /^ {2}→ /);
  assert.match(second, hint);
  assert.deepEqual(rest, [], r.stderr);
}

describe('ledgerhouse tx / tx-sign / tx-submit (real processes)', function () {
  this.timeout(120_000);
  const tmp = tempDir();
  const dataDir = path.join(tmp.dir, 'data');
  const env = { LH_DATA_DIR: dataDir };
  const operatorKey = keyPath(dataDir, 'operator');
  const cast = new Cast(dataDir, tmp.dir);
  before(async () => {
    await withLedger(dataDir, async () => undefined); // initialised as on first start: genesis + gateway
  });
  after(() => tmp.remove());

  const register = (id: string, publicKey: string) =>
    runCli(['tx', 'party.register', '--key', operatorKey, '--set', `id=${id}`, '--set', 'role=bank', '--set', `name=${id} N.V.`, '--set', `publicKey=${publicKey}`], env);

  it('When a key made by `keys new` is registered with `tx party.register` signed by the operator key file, then the committed entry is printed', async () => {
    const keyFile = path.join(tmp.dir, 'bank-a.key.json');
    const made = JSON.parse((await runCli(['keys', 'new', '--name', 'bank-a', '--out', keyFile])).stdout) as { publicKey: string };
    const out = printed(await register('bank-a', made.publicKey));
    assert.deepEqual(Object.keys(out), ['index', 'txHash', 'duplicate', 'checkpointSize', 'entry']);
    assert.equal(out.index, 2);
    assert.equal(out.duplicate, false);
    assert.equal(out.checkpointSize, 3);
    const entry = out.entry!;
    assert.deepEqual(Object.keys(entry), ['v', 'index', 'time', 'tx', 'sigs']);
    assert.equal(entry.index, 2);
    assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(entry.tx.type, 'party.register');
    assert.deepEqual(entry.tx.body, { id: 'bank-a', role: 'bank', name: 'bank-a N.V.', publicKey: made.publicKey });
    assert.deepEqual(entry.sigs.map((s) => s.signer), ['operator']);
    assert.equal(txHash(entry.tx), out.txHash);
  });

  it('When the ledger rejects a transaction, then the CLI prints the code and detail, exits 1, and shows no stack trace', async () => {
    const publicKey = JSON.parse(readFileSync(path.join(tmp.dir, 'bank-a.key.json'), 'utf8')).publicKey as string;
    assertCliError(await register('bank-a', publicKey), /transaction rejected: PARTY_EXISTS: party 'bank-a' exists \(at \/id\)/, /already registered/);
  });

  it('When a transaction type is asked for --help, then its summary, signers and every body field are explained', async () => {
    const r = await runCli(['tx', 'receipt.issue', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ledgerhouse tx receipt\.issue: Issue a warehouse receipt/);
    assert.match(r.stdout, /Signed by: warehouse \(\+ inspector when a grading certificate is given\)/);
    for (const field of ['warehouse', 'holder', 'site', 'bay', 'lot', 'commodity', 'grade', 'quantity', 'unit', 'grading', 'grading.inspector', 'grading.certificate', 'expiry']) {
      assert.match(r.stdout, new RegExp(`^\\s+${field.replace('.', '\\.')}  \\((string|object), (required|optional)\\)`, 'm'), field);
    }
    assert.match(r.stdout, /unit {2}\(string, required\)\n\s+Unit of quantity \(must match the lot\)\. One of: kg, t, l, bag/);
  });

  it('When the type is unknown, then the error lists the valid types', async () => {
    assertCliError(await runCli(['tx', 'receipt.isue', '--key', operatorKey]), /unknown transaction type 'receipt\.isue'/, /valid types: ledger\.genesis, party\.register, .*receipt\.issue/);
  });

  it('When the key file is bad or no ledger is where the CLI looks, then one line says what was wrong and one what to do', async () => {
    const notAKey = path.join(tmp.dir, 'not-a-key.json');
    writeKeyFile(notAKey, 'Not A Party', { seed: new Uint8Array(32).fill(7), publicKey: (await import('../../../ledger/crypto/ed25519.js')).publicKeyFromSeed(new Uint8Array(32).fill(7)) });
    assertCliError(
      await runCli(['tx', 'receipt.transfer', '--key', notAKey, '--set', 'receipt=rc-1', '--set', 'to=bob'], env),
      /key file .*not-a-key\.json is named 'Not A Party', which is not a party id/, /ledgerhouse keys new --name <party-id>/,
    );
    assertCliError(
      await runCli(['tx', 'receipt.transfer', '--key', operatorKey, '--set', 'receipt=rc-1', '--set', 'to=bob'], { LH_DATA_DIR: path.join(tmp.dir, 'nowhere') }),
      /no ledger in .*nowhere/, /--data-dir DIR .* or --url of a running server/,
    );
  });

  it('When holder and bank sign pledge.create apart (--out, tx-sign, tx-submit), then it commits with both signatures in order', async () => {
    const receipt = await withLedger(dataDir, async (l) => {
      await cast.register(l, 'wh-1', 'warehouse');
      await cast.register(l, 'trader', 'holder');
      await cast.register(l, 'bank-n', 'bank');
      const lot = { warehouse: 'wh-1', lot: 'CU-1', site: 'rotterdam-1', bay: 'B3', commodity: 'copper cathodes', unit: 't' };
      await cast.submit(l, 'lot.deposit', { ...lot, quantity: '125.000' }, ['wh-1']);
      const issued = await cast.submit(l, 'receipt.issue', { ...lot, holder: 'trader', grade: 'Grade A', quantity: '125.000' }, ['wh-1']);
      return `rc-${String(issued.index).padStart(12, '0')}`;
    });
    const file = path.join(tmp.dir, 'pledge.tx.json');
    const drafted = await runCli([
      'tx', 'pledge.create', '--key', cast.keyFile('trader'), '--out', file, '--set', `receipt=${receipt}`, '--set', 'bank=bank-n',
      '--set', 'amount=850000.00', '--set', 'currency=USD', '--set', 'maturity=2099-01-01T00:00:00Z',
      '--set', 'covenants.quantityFloor=120', '--set', 'covenants.temperature.minC=0', '--set', 'covenants.temperature.maxC=40',
      '--set', 'covenants.temperature.maxOutOfRangeSeconds=1800',
    ]);
    assert.equal(drafted.code, 0, drafted.stderr);
    assert.deepEqual((JSON.parse(drafted.stdout) as { signedBy: string[] }).signedBy, ['trader']);
    const signed = await runCli(['tx-sign', file, '--key', cast.keyFile('bank-n')]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.deepEqual((JSON.parse(signed.stdout) as { signedBy: string[] }).signedBy, ['trader', 'bank-n']);
    const out = printed(await runCli(['tx-submit', file, '--data-dir', dataDir]));
    assert.deepEqual(out.entry!.sigs.map((s) => s.signer), ['trader', 'bank-n']);
    const pledgeId = `pl-${String(out.index).padStart(12, '0')}`;
    const state = await withLedger(dataDir, (l) => l.store.getState([{ kind: 'pledge', id: pledgeId }, { kind: 'receipt', id: receipt }]));
    assert.equal((state.get(`pledge:${pledgeId}`)?.object as { status?: string } | undefined)?.status, 'active');
    assert.deepEqual((state.get(`pledge:${pledgeId}`)?.object as { covenants?: unknown }).covenants, {
      quantityFloor: '120.000', temperature: { minC: 0, maxC: 40, maxOutOfRangeSeconds: 1800 },
    });
    assert.equal((state.get(`receipt:${receipt}`)?.object as { status?: string }).status, 'pledged');
  });

  describe('with --url against a server on port 0', () => {
    let http: Awaited<ReturnType<typeof openHttpHarness>>;
    let token: string;
    const opKey = path.join(tmp.dir, 'http-operator.key.json');
    before(async () => {
      http = await openHttpHarness();
      writeKeyFile(opKey, 'operator', http.ledger.operator);
      token = (await http.token('operator')).token;
    });
    after(() => http.close());

    const registerOver = (id: string) => runCli([
      'tx', 'party.register', '--url', http.url, '--token', token, '--key', opKey,
      '--body', JSON.stringify({ id, role: 'bank', name: 'Bank over HTTP', publicKey: 'Izl/ng8Ep2k378jjnV+iD0K3myR6hV9gnjewEtsJGwg=' }),
    ]);

    it('When a transaction is submitted with --url and a token, then it is committed there and the entry is printed', async () => {
      const sizeBefore = http.ledger.pipeline.size;
      const out = printed(await registerOver('bank-web'));
      assert.equal(out.index, sizeBefore);
      assert.equal(out.entry?.tx.nonce.startsWith('cli-'), true);
      assert.equal(out.entry?.index, out.index);
      assert.equal(http.ledger.pipeline.size, sizeBefore + 1);
    });

    it('When the server refuses it, then its problem code and detail are printed and the exit code is 1', async () => {
      assertCliError(await registerOver('bank-web'), /transaction rejected: PARTY_EXISTS: party 'bank-web' exists \(at \/id\)/, /already registered/);
    });
  });
});
