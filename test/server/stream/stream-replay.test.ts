import assert from 'node:assert/strict';
import { CHANNELS } from '../../../server/stream/channels.js';
import type { ServerMessage } from '../../../server/stream/stream-protocol.js';
import { gatedStore, openStreamHarness, waitUntil, type StreamClient, type StreamHarness } from './stream-harness.js';

const ALL = [...CHANNELS];
const key = (m: { index: number; seq: number }) => `${m.index}/${m.seq}`;

async function storedKeys(h: StreamHarness, from = 0): Promise<string[]> {
  return (await h.ledger.store.events(from, 1_000_000)).map(key);
}

async function logSize(h: StreamHarness): Promise<number> {
  return (await h.ledger.store.latestCheckpoint())!.size;
}

function lastEventIndex(c: StreamClient): number {
  return c.events().at(-1)?.index ?? -1;
}

describe('server/stream: replay from a ledger index, then live', () => {
  let h: StreamHarness;
  before(async () => {
    h = await openStreamHarness({ replayPage: 3 });
    await h.fill(60, 'before');
  });
  after(async () => h.close());

  it('When a regulator subscribes with since=0, then it gets every stored event in log order, each with index and seq, then caught-up', async () => {
    const c = await h.connect('regulator');
    c.subscribe(ALL, 0);
    const caughtUp = await c.waitFor((m) => m.type === 'caught-up');
    assert.deepEqual(caughtUp, { type: 'caught-up', next: await logSize(h) });
    assert.deepEqual(c.events().map(key), await storedKeys(h));
    for (const e of c.events()) assert.ok(typeof e.event.type === 'string' && e.channel !== undefined);
    c.ws.close();
  });

  it('When since is given as a query parameter at connect, then the subscribe message uses it', async () => {
    const c = await h.connect('regulator', '?since=40');
    c.subscribe(ALL);
    await c.waitFor((m) => m.type === 'caught-up');
    assert.equal((c.messages[0] as Extract<ServerMessage, { type: 'subscribed' }>).since, 40);
    assert.deepEqual(c.events().map(key), await storedKeys(h, 40));
    c.ws.close();
  });

  it('When entries are committed while the replay runs, then the client gets every event exactly once and in order across the switch to live', async () => {
    const c = await h.connect('regulator');
    c.subscribe(ALL, 0);
    const subscribed = await c.waitFor((m) => m.type === 'subscribed');
    for (let i = 0; i < 6; i++) await h.fill(20, `during-${i}`); // separate commits, racing the paged replay
    const size = await logSize(h);
    await waitUntil(() => lastEventIndex(c) === size - 1, 10_000, 'the last event');
    assert.ok(subscribed.size < size, 'commits landed after subscribing');
    const got = c.events().map(key);
    assert.equal(new Set(got).size, got.length, 'no duplicate');
    assert.deepEqual(got, await storedKeys(h), 'no gap, log order');
    const sizes = c.messages.filter((m) => m.type === 'checkpoint').map((m) => (m as { size: number }).size);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b));
    assert.equal(new Set(sizes).size, sizes.length, 'each checkpoint once');
    c.ws.close();
  });

  it('When a client reconnects with since = the index after the last event it processed, then it misses nothing and repeats nothing', async () => {
    const first = await h.connect('regulator');
    first.subscribe(['ledger'], 0);
    await first.waitFor((m) => m.type === 'caught-up');
    const seen = first.events().map(key);
    const resumeAt = first.events().at(-1)!.index + 1;
    first.ws.close();
    await first.closed;
    await h.fill(5, 'gap');
    const second = await h.connect('regulator');
    second.subscribe(['ledger'], resumeAt);
    const size = await logSize(h);
    await waitUntil(() => lastEventIndex(second) === size - 1, 5_000, 'the last event');
    const all = [...seen, ...second.events().map(key)];
    assert.deepEqual(all, (await h.ledger.store.events(0, 1_000_000)).filter((e) => e.event.type.startsWith('party.') || e.event.type.startsWith('ledger.')).map(key));
    second.ws.close();
  });

  it('When the ledger channel is subscribed, then the latest checkpoint follows the replay and new checkpoints follow each commit', async () => {
    const c = await h.connect('alice');
    c.subscribe(['ledger'], await logSize(h));
    const first = await c.waitFor((m) => m.type === 'checkpoint');
    const cp = (await h.ledger.store.latestCheckpoint())!;
    assert.deepEqual(first, { type: 'checkpoint', channel: 'ledger', size: cp.size, note: cp.note });
    await h.fill(1, 'cp');
    const next = await c.waitFor((m) => m.type === 'checkpoint' && m.size === cp.size + 1);
    assert.equal((next as { note: string }).note, (await h.ledger.store.latestCheckpoint())!.note);
    c.ws.close();
  });
});

describe('server/stream: commits at chosen points of a replay', () => {
  let h: StreamHarness;
  let events: ReturnType<typeof gatedStore>;
  let checkpoints: ReturnType<typeof gatedStore>;
  let held = 0;
  before(async () => {
    h = await openStreamHarness({ replayPage: 4 }, {
      wrapStore: (store) => {
        events = gatedStore(store, 'events');
        checkpoints = gatedStore(events.store, 'latestCheckpoint');
        return checkpoints.store;
      },
    });
    await h.fill(30, 'before');
  });
  after(async () => h.close());

  async function commitWhileHeld(gate: ReturnType<typeof gatedStore>, passing: number, c: StreamClient, channels: string[]) {
    const callsBefore = gate.calls();
    gate.shutAfter(passing);
    c.subscribe(channels, 0);
    await waitUntil(() => gate.calls() > callsBefore + passing, 5_000, 'the held read');
    for (let i = 0; i < 3; i++) await h.fill(5, `held-${++held}`); // three live batches
    gate.open();
    const size = await logSize(h);
    const caughtUp = (await c.waitFor((m) => m.type === 'caught-up')) as { next: number };
    await waitUntil(() => lastEventIndex(c) === size - 1, 5_000, 'the last event');
    const got = c.events().map(key);
    assert.equal(new Set(got).size, got.length, 'no duplicate');
    assert.deepEqual(got, await storedKeys(h), 'no gap, log order');
    c.ws.close();
    return { caughtUp, size };
  }

  it('When commits land while the first replay page is held back, then the replay reads them and their buffered copies are dropped', async () => {
    const c = await h.connect('regulator');
    const { caughtUp, size } = await commitWhileHeld(events, 0, c, ALL);
    assert.equal(caughtUp.next, size, 'the replay itself reached the new entries');
  });

  it('When commits land while a later replay page is held back, then every event still arrives once, in order', async () => {
    const c = await h.connect('regulator');
    const { caughtUp, size } = await commitWhileHeld(events, 3, c, ['ledger']);
    assert.equal(caughtUp.next, size);
  });

  it('When commits land after the replay read its last page and before it went live, then they come from the buffer, once', async () => {
    const c = await h.connect('regulator');
    // Call 1 is the size at subscribe; call 2 is the checkpoint sent at the end of the replay, after the last page.
    const { caughtUp, size } = await commitWhileHeld(checkpoints, 1, c, ALL);
    assert.ok(caughtUp.next < size, 'the new entries were not replayed but sent live from the buffer');
  });
});
