import assert from 'node:assert/strict';
import { txBodySchema } from '../../../contracts/index.js';
import { CliError } from '../../../server/cli/cli-error.js';
import { buildBody } from '../../../server/cli/tx/build-body.js';

const build = (type: string, set: string[], extra: { body?: string } = {}) => buildBody(type, txBodySchema(type), { set, ...extra });

function throwsCli(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof CliError && pattern.test(e.message));
}

describe('tx body from --body and --set', () => {
  it('When --set names a text field with a number-like value, then the value stays text', () => {
    assert.deepEqual(build('lot.deposit', ['quantity=40', 'lot=007']), { quantity: '40', lot: '007' });
  });

  it('When --set paths are nested, then objects are created and numbers are parsed for number fields', () => {
    const body = build('pledge.create', ['covenants.temperature.minC=-2.5', 'covenants.temperature.maxOutOfRangeSeconds=600', 'covenants.quantityFloor=10.5']);
    assert.deepEqual(body, { covenants: { temperature: { minC: -2.5, maxOutOfRangeSeconds: 600 }, quantityFloor: '10.5' } });
  });

  it('When --set uses numeric segments, then arrays are built item by item with the items\' type', () => {
    assert.deepEqual(build('receipt.split', ['receipt=rc-1', 'parts.0=150', 'parts.1=250']), { receipt: 'rc-1', parts: ['150', '250'] });
    assert.deepEqual(build('pledge.create', ['covenants.geofence.shape=polygon', 'covenants.geofence.points.0.lat=51.9']), {
      covenants: { geofence: { shape: 'polygon', points: [{ lat: 51.9 }] } },
    });
  });

  it('When --set gives an object or array field as JSON, then it is parsed', () => {
    assert.deepEqual(build('pledge.create', ['covenants={}']), { covenants: {} });
    assert.deepEqual(build('receipt.merge', ['receipts=["rc-1","rc-2"]']), { receipts: ['rc-1', 'rc-2'] });
  });

  it('When --body and --set are combined, then --set applies on top, in order', () => {
    const body = build('receipt.transfer', ['to=bob', 'to=carol'], { body: '{"receipt":"rc-9","to":"alice"}' });
    assert.deepEqual(body, { receipt: 'rc-9', to: 'carol' });
  });

  it('When --set names a field the schema does not know, then the value is JSON if it parses and text otherwise', () => {
    assert.deepEqual(build('receipt.transfer', ['extra=12', 'other=hello']), { extra: 12, other: 'hello' });
  });

  it('When a value does not fit the field\'s type, then the error names the setting and the expected type', () => {
    throwsCli(() => build('pledge.create', ['covenants.temperature.minC=warm']), /minC=warm: this field is a number/);
    throwsCli(() => build('pledge.create', ['covenants.cameraHeartbeat.maxGapSeconds=1.5']), /an integer/);
    throwsCli(() => build('pledge.create', ['covenants=[]']), /an object, not an array/);
  });

  it('When a --set is malformed or reaches where it cannot, then the error says so', () => {
    throwsCli(() => build('receipt.transfer', ['receipt']), /expected path=value/);
    throwsCli(() => build('receipt.transfer', ['a..b=1']), /expected path=value/);
    throwsCli(() => build('receipt.transfer', ['__proto__.x=1']), /cannot be a field name/);
    throwsCli(() => build('receipt.split', ['parts.2=1']), /array with 0 items/);
    throwsCli(() => build('receipt.transfer', ['to=bob', 'to.name=x']), /already holds "bob"/);
  });

  it('When --body is not a JSON object, repeats a key, or comes twice, then the error says what to fix', () => {
    throwsCli(() => build('receipt.transfer', [], { body: '[1]' }), /must be a JSON object/);
    throwsCli(() => build('receipt.transfer', [], { body: '{"to":"a","to":"b"}' }), /--body is not valid JSON: .*repeats the key "to"/);
    throwsCli(() => buildBody('receipt.transfer', txBodySchema('receipt.transfer'), { set: [], body: '{}', bodyFile: 'x.json' }), /both --body and --body-file/);
    throwsCli(() => buildBody('receipt.transfer', txBodySchema('receipt.transfer'), { set: [], bodyFile: '/nonexistent/body.json' }), /cannot read --body-file/);
  });
});
