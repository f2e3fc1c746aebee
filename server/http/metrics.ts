// Prometheus metrics (prom-client), one registry per app so tests and several instances do not collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly committedEntries: Counter;
  readonly logSize: Gauge;
  readonly queueDepth: Gauge;
  readonly wsClients: Gauge;
  readonly readingsIngested: Counter<'outcome' | 'code'>;
  readonly txRefused: Counter<'type' | 'code'>;
  readonly anchorLagSeconds: Gauge;
  readonly gatewayCounters: Gauge<'counter'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ledgerhouse_process_' });
  const m = {
    registry,
    httpDuration: new Histogram({
      name: 'ledgerhouse_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers: [registry],
    }),
    committedEntries: new Counter({ name: 'ledgerhouse_ledger_committed_entries_total', help: 'Entries committed to the log', registers: [registry] }),
    logSize: new Gauge({ name: 'ledgerhouse_ledger_size', help: 'Published log size (entries)', registers: [registry] }),
    queueDepth: new Gauge({ name: 'ledgerhouse_sequencer_queue_depth', help: 'Transactions waiting for the sequencer', registers: [registry] }),
    wsClients: new Gauge({ name: 'ledgerhouse_ws_clients', help: 'Connected WebSocket clients', registers: [registry] }),
    readingsIngested: new Counter({ name: 'ledgerhouse_telemetry_readings_total', help: 'Telemetry messages by outcome (stored, duplicate, rejected) and rejection code', labelNames: ['outcome', 'code'] as const, registers: [registry] }),
    txRefused: new Counter({ name: 'ledgerhouse_tx_refused_total', help: 'Submitted transactions refused, by type and error code', labelNames: ['type', 'code'] as const, registers: [registry] }),
    gatewayCounters: new Gauge({ name: 'ledgerhouse_gateway_counter', help: 'Gateway counters since start (duplicates, gaps, refused connections by CONNACK code, oversize packets, ACL denials, batches, alerts)', labelNames: ['counter'] as const, registers: [registry] }),
    anchorLagSeconds: new Gauge({ name: 'ledgerhouse_telemetry_anchor_lag_seconds', help: 'Age of the newest unanchored reading', registers: [registry] }),
  };
  return m;
}
