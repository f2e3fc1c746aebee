// WebSocket `/v1/stream` on the HTTP server: token checked at the upgrade (HTTP 401, no socket, when it is missing,
// expired or revoked), one StreamSession per client, committed batches and live readings fanned out to every
// subscribed session, heartbeats (a client that misses a pong is terminated; its token is re-checked on each beat).
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import { WebSocketServer, type RawData, type ServerOptions, type WebSocket } from 'ws';
import type { Clock } from '../../ledger/clock.js';
import type { CommittedBatch } from '../../ledger/pipeline/commit-pipeline.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { AccessControl } from '../access/access-control.js';
import type { TokenStore } from '../auth/token-store.js';
import { problemType } from '../http/problem.js';
import { ReadingAccess } from './reading-access.js';
import { isRefusal, principalForToken, readUpgradeRequest, type UpgradeRefusal } from './stream-auth.js';
import { CLOSE } from './stream-protocol.js';
import { StreamSession, type StreamLimits } from './stream-session.js';
import type { TelemetryFeed } from './telemetry-feed.js';

/** Anything that reports committed batches in commit order (the CommitPipeline; later, a follower of the log). */
export interface CommitSource {
  onCommit(listener: (batch: CommittedBatch) => void): () => void;
}

export interface StreamOptions extends StreamLimits {
  readonly path: string;
  /** Ping period; a client that has not answered the previous ping by the next one is terminated. */
  readonly heartbeatMs: number;
  /** Largest client message (bytes); larger ones close the connection with 1009. */
  readonly maxPayload: number;
  /** How long a closing handshake may take before the socket is destroyed (a client that stopped reading). */
  readonly closeGraceMs: number;
  /** Most concurrent clients; beyond it an upgrade gets HTTP 503. */
  readonly maxClients: number;
}

export const STREAM_DEFAULTS: StreamOptions = Object.freeze({
  path: '/v1/stream',
  heartbeatMs: 30_000,
  maxPayload: 4 * 1024,
  highWaterBytes: 256 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxQueued: 10_000,
  maxStallMs: 30_000,
  replayPage: 256,
  closeGraceMs: 5_000,
  maxClients: 10_000,
});

export interface StreamDeps {
  readonly store: LedgerStore;
  readonly tokens: TokenStore;
  readonly commits: CommitSource;
  readonly clock: Clock;
  readonly telemetry?: TelemetryFeed;
  readonly access?: AccessControl;
  readonly logger?: Logger;
  readonly options?: Partial<StreamOptions>;
}

export interface StreamStats {
  readonly clients: number;
  /** Largest `bufferedAmount` over the current clients (bytes). */
  readonly maxBufferedBytes: number;
  /** Largest inbox over the current clients (messages). */
  readonly maxQueued: number;
  /** Clients being closed (closing handshake under way, e.g. a slow consumer that has not read its close frame). */
  readonly closing: number;
}

export interface StreamHandle {
  /** Stop accepting, close every client with 1001, and wait until they are gone. */
  close(): Promise<void>;
  clients(): number;
  stats(): StreamStats;
}

function refuse(socket: Duplex, refusal: UpgradeRefusal): void {
  const code = { 400: 'QUERY_INVALID', 401: 'UNAUTHENTICATED', 404: 'NOT_FOUND', 503: 'STREAM_FULL' }[refusal.status];
  const title = STATUS_CODES[refusal.status] ?? 'Error';
  const body = JSON.stringify({ type: problemType(code), title, status: refusal.status, code, detail: refusal.message });
  const head =
    `HTTP/1.1 ${refusal.status} ${title}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${refusal.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}\r\n`;
  socket.end(head + body, () => socket.destroy());
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

export function attachStream(server: Server, deps: StreamDeps): StreamHandle {
  const opts: StreamOptions = { ...STREAM_DEFAULTS, ...deps.options };
  const logger = deps.logger ?? pino({ level: 'silent' });
  const access = deps.access ?? new AccessControl(deps.store);
  const readings = new ReadingAccess(deps.store, access);
  const sessions = new Set<StreamSession>();
  // closeTimeout (ws ≥ 8.18, not yet in @types/ws): how long ws waits for the closing handshake before destroying.
  const wsOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true, maxPayload: opts.maxPayload, perMessageDeflate: false, clientTracking: false, closeTimeout: opts.closeGraceMs,
  };
  const wss = new WebSocketServer(wsOptions);
  let closed = false;
  let pendingUpgrades = 0;

  const sessionDeps = {
    store: deps.store, access, readings, limits: opts,
    onError: (err: unknown) => logger.error({ err }, 'stream: internal error'),
  };

  function open(ws: WebSocket, session: StreamSession): void {
    sessions.add(session);
    ws.on('message', (data, isBinary) => session.onMessage(toBuffer(data), isBinary));
    ws.on('pong', () => {
      session.alive = true;
    });
    ws.on('error', (err) => logger.debug({ err, party: session.principal.partyId }, 'stream: socket error'));
    ws.on('close', (code) => {
      sessions.delete(session);
      session.dispose();
      logger.debug({ party: session.principal.partyId, code }, 'stream: client gone');
    });
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const request = readUpgradeRequest(req, opts.path);
    if (isRefusal(request) && request.status === 404 && server.listenerCount('upgrade') > 1) return; // another endpoint's
    socket.on('error', () => socket.destroy());
    if (isRefusal(request)) return refuse(socket, request);
    if (closed || sessions.size + pendingUpgrades >= opts.maxClients) {
      return refuse(socket, { status: 503, message: 'too many stream clients; retry later' });
    }
    pendingUpgrades += 1;
    try {
      const found = await principalForToken(deps.tokens, deps.store, request.token, deps.clock.now());
      if (!found.ok) return refuse(socket, { status: 401, message: found.reason });
      if (socket.destroyed || closed) return void socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closed) return void ws.terminate();
        open(ws, new StreamSession(ws, found.principal, request.token, sessionDeps, request.since));
      });
    } finally {
      pendingUpgrades -= 1;
    }
  }

  const upgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    onUpgrade(req, socket, head).catch((err: unknown) => {
      logger.error({ err }, 'stream: upgrade failed');
      socket.destroy();
    });
  };
  server.on('upgrade', upgradeListener);

  const offCommit = deps.commits.onCommit((batch) => {
    readings.invalidate(); // state changed: reading authorisations may have too
    for (const s of sessions) s.pushBatch(batch);
  });
  const offTelemetry = deps.telemetry?.subscribe((reading) => {
    for (const s of sessions) s.pushReading(reading);
  });

  async function recheckToken(s: StreamSession): Promise<void> {
    const found = await principalForToken(deps.tokens, deps.store, s.token, deps.clock.now());
    if (!found.ok) s.close(CLOSE.tokenInvalid, found.reason);
  }

  const heartbeat = setInterval(() => {
    for (const s of sessions) {
      if (!s.alive) {
        s.ws.terminate(); // RFC 6455 §5.5.2: no pong since the last ping
        continue;
      }
      s.alive = false;
      s.ws.ping();
      recheckToken(s).catch((err: unknown) => logger.warn({ err }, 'stream: token re-check failed'));
    }
  }, opts.heartbeatMs);

  return {
    clients: () => sessions.size,
    stats: () => {
      let maxBufferedBytes = 0;
      let maxQueued = 0;
      let closing = 0;
      for (const s of sessions) {
        maxBufferedBytes = Math.max(maxBufferedBytes, s.ws.bufferedAmount);
        maxQueued = Math.max(maxQueued, s.queued);
        if (s.closing) closing += 1;
      }
      return { clients: sessions.size, maxBufferedBytes, maxQueued, closing };
    },
    async close() {
      if (closed) return;
      closed = true;
      server.off('upgrade', upgradeListener);
      clearInterval(heartbeat);
      offCommit();
      offTelemetry?.();
      const gone = [...sessions].map(
        (s) => new Promise<void>((resolve) => {
          if (s.ws.readyState === s.ws.CLOSED) return resolve();
          s.ws.once('close', () => resolve());
          s.close(CLOSE.goingAway, 'server shutting down');
        }),
      );
      await Promise.all(gone);
    },
  };
}
