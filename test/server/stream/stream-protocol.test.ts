import assert from 'node:assert/strict';
import { channelOf } from '../../../server/stream/channels.js';
import { CLOSE, StreamProtocolError, parseClientMessage } from '../../../server/stream/stream-protocol.js';

function refused(text: string): StreamProtocolError {
  try {
    parseClientMessage(text);
  } catch (e) {
    assert.ok(e instanceof StreamProtocolError);
    return e;
  }
  assert.fail(`accepted ${text}`);
}

describe('server/stream: client messages', () => {
  it('When a subscribe message is well formed, then it is returned with its channels and since', () => {
    assert.deepEqual(parseClientMessage('{"op":"subscribe","channels":["receipts","ledger"]}'), { op: 'subscribe', channels: ['receipts', 'ledger'] });
    assert.deepEqual(parseClientMessage('{"op":"subscribe","channels":["alerts"],"since":0}'), { op: 'subscribe', channels: ['alerts'], since: 0 });
  });

  it('When the text is not JSON, then it is MESSAGE_MALFORMED with close 1007', () => {
    for (const text of ['', 'subscribe', '{"op":', '{"op":"subscribe"}x']) {
      const e = refused(text);
      assert.equal(e.code, 'MESSAGE_MALFORMED');
      assert.equal(e.closeCode, CLOSE.invalidPayload);
    }
  });

  it('When the JSON breaks the protocol, then it is MESSAGE_INVALID with close 1008', () => {
    const cases = [
      '[]', '"subscribe"', 'null',
      '{"op":"unsubscribe","channels":["receipts"]}',
      '{"channels":["receipts"]}',
      '{"op":"subscribe"}',
      '{"op":"subscribe","channels":[]}',
      '{"op":"subscribe","channels":["receipts","receipts"]}',
      '{"op":"subscribe","channels":["gossip"]}',
      '{"op":"subscribe","channels":"receipts"}',
      '{"op":"subscribe","channels":["receipts"],"since":-1}',
      '{"op":"subscribe","channels":["receipts"],"since":1.5}',
      '{"op":"subscribe","channels":["receipts"],"since":"3"}',
      '{"op":"subscribe","channels":["receipts"],"since":9007199254740992}',
      '{"op":"subscribe","channels":["receipts"],"extra":1}',
      '{"op":"subscribe","op":"subscribe","channels":["receipts"]}',
      '{"op":"subscribe","channels":[[[[["receipts"]]]]]}',
    ];
    for (const text of cases) {
      const e = refused(text);
      assert.equal(e.code, 'MESSAGE_INVALID', text);
      assert.equal(e.closeCode, CLOSE.policy, text);
    }
  });

  it('When an event is classified, then its type prefix decides the channel and unknown types go to ledger', () => {
    const on = (type: string) => channelOf({ type, refs: {} });
    assert.equal(on('receipt.issued'), 'receipts');
    assert.equal(on('lot.deposited'), 'receipts');
    assert.equal(on('pledge.created'), 'pledges');
    assert.equal(on('alert.raised'), 'alerts');
    assert.equal(on('telemetry.anchored'), 'telemetry');
    assert.equal(on('device.registered'), 'telemetry');
    assert.equal(on('party.registered'), 'ledger');
    assert.equal(on('ledger.genesis'), 'ledger');
    assert.equal(on('something.new'), 'ledger');
    assert.equal(on('constructor.x'), 'ledger');
  });
});
