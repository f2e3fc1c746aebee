// The row shapes the SQL telemetry stores (SQLite, PostgreSQL) share, and their mapping to the port's records: a
// reading row keeps the RFC 8785 record text, a batch row the batch document plus its anchor once committed.
import type { BatchRecord, ReadingRecord, StoredReading } from './telemetry-store.js';

export interface ReadingRow { id: number; record: string; batch_id: string | null }
export interface BatchRow { value: string; anchor_index: number | null; anchor_tx_hash: string | null }

export function toStored(row: ReadingRow): StoredReading {
  const record = JSON.parse(row.record) as ReadingRecord;
  return row.batch_id === null ? { id: row.id, record } : { id: row.id, record, batchId: row.batch_id };
}

export function toBatch(row: BatchRow): BatchRecord {
  const b = JSON.parse(row.value) as BatchRecord;
  return row.anchor_index === null ? b : { ...b, anchor: { index: row.anchor_index, txHash: row.anchor_tx_hash ?? '' } };
}
