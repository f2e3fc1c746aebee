// Scenario 10: the operator shows two banks two different logs (a fork). See docs/scenarios.md.
import assert from 'node:assert/strict';
import { hashLeaf } from '../../ledger/merkle/hash.js';
import { testKey, type TestKey } from '../support/ledger-harness.js';
import { depositAndIssue, lotOf, pledge } from './support/goods.js';
import { extendsSaved, fetchCheckpoint, isForkProof, leafHashes, openCp, rewrittenLog, Witness, witnessed, type ConsistencyAnswer } from './support/log-client.js';
import { startWorld, type World } from './support/world.js';

describe('Scenario: the operator serves two banks two different views of the log', function () {
  this.timeout(60_000);
  let w: World;
  let logKey: string;
  let genuine: string;
  let forked: string;
  let witness: Witness;

  before(async () => {
    w = await startWorld();
    const [warehouse, borrower, bankA] = await Promise.all([w.party('wh-fork', 'warehouse'), w.party('borrower-fork', 'holder'), w.party('bank-a', 'bank')]) as [TestKey, TestKey, TestKey];
    await w.party('bank-b', 'bank');
    const receipt = await depositAndIssue(w, warehouse, borrower, lotOf('lot-fork'));
    await pledge(w, receipt, borrower, bankA);
    ({ note: genuine, logKey } = await fetchCheckpoint(w));
    // To bank B the operator shows a log of the same size in which the pledge to bank A never happened.
    const size = openCp(genuine, logKey).size;
    const hashes = await leafHashes(w, size);
    hashes[size - 1] = hashLeaf(new TextEncoder().encode('{"tx":"something else at the pledge\'s index"}'));
    forked = rewrittenLog(hashes, w.system.keys.log.seed, w.system.config.origin).note;
    witness = new Witness('witness.example/w1', testKey('witness-1').seed, logKey);
  });
  after(async () => w.close());

  it('When bank A and bank B each check their own checkpoint alone, then both verify under the log key (a fork cannot be seen from one view)', () => {
    assert.equal(openCp(genuine, logKey).size, openCp(forked, logKey).size);
  });

  it('When the two banks gossip their checkpoints, then two validly signed checkpoints of the same size with different roots are proof that the operator forked the log', () => {
    assert.equal(isForkProof(genuine, forked, logKey), true);
    assert.equal(isForkProof(genuine, genuine, logKey), false);
  });

  it('When banks accept only checkpoints cosigned by a witness, then the witness cosigns the genuine log as it grows but refuses the fork, so bank B rejects its view', async () => {
    const first = witness.cosign(genuine, [], Math.floor(Date.now() / 1000));
    assert.ok('note' in first);
    assert.equal(witnessed(first.note, logKey, witness.vkey), true);
    // The genuine log grows: the witness checks the server's consistency proof and cosigns.
    await w.party('late-joiner', 'holder');
    const grown = (await fetchCheckpoint(w)).note;
    const [a, b] = [openCp(genuine, logKey), openCp(grown, logKey)];
    const proof = (await w.get<ConsistencyAnswer>(`/v1/ledger/proof/consistency?first=${a.size}&second=${b.size}`)).body.proof;
    assert.equal(extendsSaved(a, b, proof), true);
    const second = witness.cosign(grown, proof, Math.floor(Date.now() / 1000));
    assert.ok('note' in second, JSON.stringify(second));
    // The fork is not consistent with what the witness already cosigned: refused, so it never carries a cosignature.
    const refused = witness.cosign(forked, [], Math.floor(Date.now() / 1000));
    assert.ok('refused' in refused);
    assert.equal(witnessed(forked, logKey, witness.vkey), false);
  });
});
