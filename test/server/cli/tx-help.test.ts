import assert from 'node:assert/strict';
import { TX_TYPES, txBodySchema, txInfo } from '../../../contracts/index.js';
import { typeHelp, typeListHelp } from '../../../server/cli/tx/type-help.js';
import { alternatives, asSchema, properties, typeOf, type Schema } from '../../../server/cli/tx/schema-walk.js';

/** Every field path of a body schema as the help names it (dotted, `<i>` for array items). */
function fieldPaths(s: Schema, prefix = ''): string[] {
  const alts = alternatives(s);
  if (alts.length > 0) return alts.flatMap((a) => fieldPaths(a, prefix));
  if (typeOf(s) === 'array') {
    const items = asSchema(s['items']);
    return items === undefined ? [] : fieldPaths(items, `${prefix}<i>.`);
  }
  return properties(s).flatMap(([name, child]) => [`${prefix}${name}`, ...fieldPaths(child, `${prefix}${name}.`)]);
}

describe('tx help rendered from the body schemas', () => {
  it('When the help of any type is rendered, then it names the summary, the signers and every body field with its description', () => {
    for (const type of TX_TYPES) {
      const help = typeHelp(type);
      const { summary, signedBy } = txInfo(type);
      assert.ok(help.includes(summary), type);
      assert.ok(help.includes(`Signed by: ${signedBy}`), type);
      const paths = fieldPaths(txBodySchema(type));
      assert.ok(paths.length > 0, type);
      for (const p of paths) assert.match(help, new RegExp(`^\\s+${p.replace(/[.*+?^${}()|[\]\\<>]/g, '\\$&')}  \\(`, 'm'), `${type}: ${p}`);
      for (const [name, field] of properties(txBodySchema(type))) {
        const description = String(field['description']).split(' ').slice(0, 3).join(' ');
        assert.ok(help.includes(description), `${type}.${name}: ${description}`);
      }
    }
  });

  it('When a field has limits, then the help states required/optional, enums, patterns and ranges', () => {
    const help = typeHelp('pledge.create');
    assert.match(help, /^ {2}currency {2}\(string, required\)\n\s+ISO 4217 currency code\. One of: USD, EUR/m);
    assert.match(help, /covenants\.temperature {2}\(object, optional\)/);
    assert.match(help, /covenants\.temperature\.minC {2}\(number, required\)\n\s+Lowest allowed temperature, °C\. From -100 to 200\./);
    assert.match(help, /covenants\.geofence {2}\(object, one of 2 shapes, optional\)/);
    assert.match(help, /Pattern: \^\(0\|\[1-9\]/);
    assert.match(typeHelp('receipt.split'), /2–99 items/);
  });

  it('When the type list is rendered, then every type appears with its summary', () => {
    const help = typeListHelp();
    for (const type of TX_TYPES) assert.match(help, new RegExp(`^ {2}${type.replace('.', '\\.')} +${txInfo(type).summary.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), type);
  });
});
