// The demo summary as `npm start` prints it: who is who, what was seeded, where the keys and tokens are, and a
// first command to try.
import path from 'node:path';
import type { DemoSummary } from './seed-demo.js';

/** Lines to print after start; `url` is the server's base URL for the example command. */
export function formatDemoSummary(s: DemoSummary, url: string): string {
  const r = s.receipts;
  const parts = Object.keys(r).filter((k) => /^coffee-\d+$/.test(k)).map((k) => r[k]);
  const keyOf = (id: string) => path.join(s.keysDir, `${id}.key.json`);
  const lines = [
    `Demo data (${s.seeded ? 'seeded now' : s.note}):`,
    `  warehouse  ${s.warehouse}, site ${s.site}`,
    `  parties    ${s.parties.map((p) => `${p.id} (${p.role})`).join(', ')}`,
  ];
  if (r['copper'] !== undefined) {
    lines.push(
      `  receipts   copper ${r['copper']}${s.pledge === undefined ? '' : `, pledged to ${s.pledgeBank} as ${s.pledge}`}`,
      `             cocoa ${r['cocoa'] ?? '?'} (perishable, graded); coffee ${r['coffee'] ?? '?'}, transferred and split into ${parts.join(', ')}`,
    );
  }
  lines.push(
    `  devices    ${s.devices.map((d) => d.id).join(', ')} (watching lot ${s.devices[0]?.lot ?? '?'})`,
    `  keys       ${s.keysDir}/<id>.key.json`,
    `  tokens     ${s.tokensFile}`,
  );
  if (r['copper'] !== undefined) {
    lines.push(
      `  try        npm run ledgerhouse -- tx pledge.create --url ${url} --key ${keyOf('trader-ltd')} --key ${keyOf('bank-south')} \\`,
      `               --set receipt=${r['copper']} --set bank=bank-south --set amount=100000.00 --set currency=USD \\`,
      `               --set maturity=2030-01-01T00:00:00Z --set covenants='{}'    # refused: PLEDGE_ALREADY_ACTIVE (one lien)`,
    );
  }
  return `${lines.join('\n')}\n`;
}
