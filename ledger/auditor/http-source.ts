// Auditing a running server over its public ledger endpoints (DESIGN.md "Ledger HTTP endpoints"). Entry contents
// need a token that may read them all (regulator or operator); hashes and checkpoints are public.
import { fromBase64 } from '../encoding/bytes.js';
import type { CheckpointRecord } from '../store/ledger-store.js';
import type { LedgerSource, SourceEntry } from './ledger-source.js';
import { parseCheckpoint } from '../checkpoint/checkpoint.js';

export function httpSource(baseUrl: string, token?: string): LedgerSource & { verifierKey(): Promise<string> } {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(new URL(path, baseUrl), { headers });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
    return res;
  };
  let latest: CheckpointRecord | undefined;
  return {
    async verifierKey() {
      return (await (await get('/v1/ledger/key')).text()).trim();
    },
    async latest() {
      const note = await (await get('/v1/ledger/checkpoint')).text();
      const body = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
      latest = { size: body.size, rootHash: body.rootHash, note };
      return latest;
    },
    async checkpointAt(size) {
      return latest?.size === size ? latest : undefined;
    },
    async entries(start, end): Promise<SourceEntry[]> {
      const body = (await (await get(`/v1/ledger/entries?start=${start}&end=${end}`)).json()) as {
        entries: { index: number; leaf: string }[];
      };
      const out: SourceEntry[] = body.entries.map((e) => ({ index: e.index, leaf: fromBase64(e.leaf, 'leaf') }));
      // The server may return fewer than asked (page limit): fetch the rest.
      if (out.length > 0 && out.length < end - start && out[out.length - 1]!.index === start + out.length - 1) {
        out.push(...(await this.entries(start + out.length, end)));
      }
      return out;
    },
  };
}
