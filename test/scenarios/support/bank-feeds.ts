// What a bank listens on: the WebSocket stream (/v1/stream) and a webhook receiver (an express app on port 0).
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { eventually } from './world.js';

export interface StreamMessage {
  readonly type: string;
  readonly channel?: string;
  readonly index?: number;
  readonly event?: { readonly type: string; readonly refs: Record<string, string[]>; readonly data?: Record<string, unknown> };
  readonly [k: string]: unknown;
}

export class BankStream {
  readonly messages: { at: number; msg: StreamMessage }[] = [];
  readonly #ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => this.messages.push({ at: Date.now(), msg: JSON.parse(data.toString('utf8')) as StreamMessage }));
  }

  static async open(httpUrl: string, token: string, channels: readonly string[]): Promise<BankStream> {
    const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const s = new BankStream(ws);
    ws.send(JSON.stringify({ op: 'subscribe', channels }));
    await s.waitFor((m) => m.type === 'subscribed');
    return s;
  }

  waitFor(pred: (m: StreamMessage) => boolean, ms = 5000): Promise<{ at: number; msg: StreamMessage }> {
    return eventually(() => this.messages.find((m) => pred(m.msg)), ms, 'a stream message');
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#ws.readyState === WebSocket.CLOSED) return resolve();
      this.#ws.once('close', () => resolve());
      this.#ws.close();
    });
  }
}

export interface Delivery {
  readonly at: number;
  readonly raw: Buffer;
  readonly signature: string;
  readonly json: { index: number; seq: number; webhook: string; event: { type: string; refs: Record<string, string[]>; data?: Record<string, unknown> } };
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  url = '';
  readonly #server: Server;

  private constructor() {
    const app = express();
    app.post('/hook', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
      const raw = req.body as Buffer;
      this.deliveries.push({ at: Date.now(), raw, signature: String(req.headers['ledgerhouse-signature']), json: JSON.parse(raw.toString('utf8')) as Delivery['json'] });
      res.status(204).end();
    });
    this.#server = createServer(app);
  }

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await new Promise<void>((resolve) => r.#server.listen(0, '127.0.0.1', resolve));
    r.url = `http://127.0.0.1:${(r.#server.address() as AddressInfo).port}/hook`;
    return r;
  }

  waitFor(pred: (d: Delivery) => boolean, ms = 5000): Promise<Delivery> {
    return eventually(() => this.deliveries.find(pred), ms, 'a webhook delivery');
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
