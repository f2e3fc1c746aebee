// The parent's handle on the gateway benchmark's child process (gateway-child.ts): fork it, start the broker,
// ask for its resource usage, follow its anchor reports, close it.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, StartGateway, Usage } from './gateway-child.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gateway-child.ts');

/** Set LH_BENCH_CPU_PROF to a directory to have each child write a V8 CPU profile there when it exits (profiling). */
function profileArgs(): string[] {
  const dir = process.env.LH_BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export type Anchored = Extract<ChildMessage, { type: 'anchored' }>;

export class BrokerProcess {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<ChildMessage['type'], ((m: ChildMessage) => void)[]>();
  readonly #anchored = new Set<(m: Anchored) => void>();
  #exit: Error | undefined;

  private constructor(child: ChildProcess, readonly port: number, readonly setupMs: number) {
    this.#child = child;
  }

  /** Forks the child, starts the broker in it and resolves when it listens. */
  static async start(opts: Omit<StartGateway, 'op'>): Promise<BrokerProcess> {
    const child = fork(CHILD, [], { execArgv: ['--import', 'tsx', ...profileArgs()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
      child.once('message', (m: ChildMessage) => (m.type === 'ready' ? resolve(m) : reject(new Error(`gateway child: expected ready, got ${m.type}`))));
      child.once('exit', (code) => reject(new Error(`gateway child exited with ${code} before it was ready`)));
      child.send({ op: 'start', ...opts });
    });
    const p = new BrokerProcess(child, ready.port, ready.setupMs);
    child.removeAllListeners('exit');
    child.on('message', (m: ChildMessage) => p.#dispatch(m));
    child.on('exit', (code, signal) => {
      p.#exit = new Error(`gateway child exited (${code ?? signal})`);
      for (const list of p.#waiting.values()) list.splice(0).forEach((w) => w({ type: 'closed' }));
    });
    return p;
  }

  #dispatch(m: ChildMessage): void {
    if (m.type === 'anchored') for (const l of this.#anchored) l(m);
    else this.#waiting.get(m.type)?.shift()?.(m);
  }

  #ask<T extends ChildMessage['type']>(op: 'usage' | 'close', reply: T): Promise<Extract<ChildMessage, { type: T }>> {
    if (this.#exit) return Promise.reject(this.#exit);
    return new Promise((resolve) => {
      const list = this.#waiting.get(reply) ?? [];
      this.#waiting.set(reply, list);
      list.push((m) => resolve(m as Extract<ChildMessage, { type: T }>));
      this.#child.send({ op });
    });
  }

  /** The child's RSS, heap and CPU time now. */
  async usage(): Promise<Usage> {
    const m = await this.#ask('usage', 'usage');
    if (m.type !== 'usage') throw this.#exit ?? new Error('gateway child closed');
    return m.usage;
  }

  /** Follow anchor reports; returns the unsubscribe function. */
  onAnchored(listener: (m: Anchored) => void): () => void {
    this.#anchored.add(listener);
    return () => this.#anchored.delete(listener);
  }

  /** Graceful close (the gateway anchors what it stored), then wait for the process to end. */
  async close(): Promise<void> {
    if (this.#exit === undefined) {
      const exited = new Promise((r) => this.#child.once('exit', r));
      await this.#ask('close', 'closed');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
    }
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }
}
