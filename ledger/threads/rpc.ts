// Calls and notes between two threads over a MessagePort (the gateway thread and the main thread; the telemetry
// store and its writer thread). A call is answered once, with a value or an error; a note is one-way. Messages keep their order (one port), so a note sent
// before a call's answer arrives before it. Values travel by structured clone: plain data, Uint8Arrays, no functions.

/** The part of a MessagePort / Worker this needs. */
export interface RpcPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** An error as it crosses the thread boundary: what the caller needs to report or classify it. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly host?: string;
  readonly port?: number;
}

type Message =
  | { readonly k: 'call'; readonly id: number; readonly op: string; readonly arg: unknown }
  | { readonly k: 'note'; readonly op: string; readonly arg: unknown }
  | { readonly k: 'done'; readonly id: number; readonly value: unknown }
  | { readonly k: 'fail'; readonly id: number; readonly error: WireError };

/** Thrown by `call` when the other side failed: the remote error's name and message, and code when it had one. */
export class RemoteError extends Error {
  readonly code: string | undefined;
  readonly wire: WireError;

  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.code = wire.code;
    this.wire = wire;
  }
}

export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const x = e as Error & { code?: unknown; host?: unknown; port?: unknown };
  return {
    name: x.name, message: x.message,
    ...(typeof x.code === 'string' ? { code: x.code } : {}),
    ...(typeof x.host === 'string' ? { host: x.host } : {}),
    ...(typeof x.port === 'number' ? { port: x.port } : {}),
  };
}

type Handler = (arg: never) => unknown;

export class Rpc {
  readonly #port: RpcPort;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #handlers = new Map<string, Handler>();
  #next = 1;
  #failed: Error | undefined;

  constructor(port: RpcPort) {
    this.#port = port;
    port.on('message', (m) => this.#receive(m as Message));
  }

  /** Answer calls and notes named `op` (one handler per op; a call to an op without one fails). */
  handle<A>(op: string, fn: (arg: A) => unknown): void {
    this.#handlers.set(op, fn as Handler);
  }

  call<T>(op: string, arg?: unknown): Promise<T> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#port.postMessage({ k: 'call', id, op, arg } satisfies Message);
    });
  }

  note(op: string, arg?: unknown): void {
    if (this.#failed === undefined) this.#port.postMessage({ k: 'note', op, arg } satisfies Message);
  }

  /** The other side is gone: every pending and later call fails with `e`. */
  fail(e: Error): void {
    this.#failed ??= e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }

  #receive(m: Message): void {
    switch (m.k) {
      case 'done':
      case 'fail': {
        const p = this.#pending.get(m.id);
        if (p === undefined) return;
        this.#pending.delete(m.id);
        if (m.k === 'done') p.resolve(m.value);
        else p.reject(new RemoteError(m.error));
        return;
      }
      case 'note':
        void this.#run(m.op, m.arg).catch(() => {}); // a note's handler reports its own failures
        return;
      case 'call':
        this.#run(m.op, m.arg).then(
          (value) => this.#port.postMessage({ k: 'done', id: m.id, value } satisfies Message),
          (e: unknown) => this.#port.postMessage({ k: 'fail', id: m.id, error: toWire(e) } satisfies Message),
        );
    }
  }

  async #run(op: string, arg: unknown): Promise<unknown> {
    const h = this.#handlers.get(op);
    if (h === undefined) throw new Error(`no handler for '${op}'`);
    return h(arg as never);
  }
}
