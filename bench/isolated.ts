// One benchmark in a fresh Node process. run.ts forks this file for each benchmark it runs, so none inherits
// another's heap, compiled code, open handles or leftover garbage: a server benchmark that runs its system under
// test in the benchmark's own process (server-collateral) had 4× the GC pauses when it ran after the benchmarks
// before it in one process. The child reports progress lines and then its result (plain data) over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchResult, Mode } from './benchmark.js';

interface Request {
  readonly name: string;
  readonly mode: Mode;
  readonly rounds: number;
}

type Report =
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'result'; readonly result: BenchResult }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

/** Runs the named benchmark in a forked process; its progress goes to `ctx.log`. */
export function runIsolated(name: string, ctx: BenchContext): Promise<BenchResult> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<BenchResult>((resolve, reject) => {
    let settled = false;
    child.on('message', (m: Report) => {
      if (m.type === 'log') ctx.log(m.message);
      else {
        settled = true;
        if (m.type === 'result') resolve(m.result);
        else reject(Object.assign(new Error(m.message), { stack: m.stack ?? m.message }));
      }
    });
    child.once('error', (e) => {
      settled = true;
      reject(e);
    });
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`the benchmark process exited (${code ?? signal}) before it reported a result`));
    });
    child.send({ name, mode: ctx.mode, rounds: ctx.rounds } satisfies Request);
  });
}

/** The child's side: run the benchmark asked for, report, exit. */
async function serveOne(req: Request): Promise<void> {
  const send = (r: Report): Promise<void> => new Promise((resolve) => process.send!(r, () => resolve()));
  try {
    const { BENCHMARKS } = await import('./registry.js');
    const bench = BENCHMARKS.find((b) => b.name === req.name);
    if (bench === undefined) throw new Error(`no benchmark named '${req.name}'`);
    const result = await bench.run({ mode: req.mode, rounds: req.rounds, log: (message) => void send({ type: 'log', message }) });
    await send({ type: 'result', result });
  } catch (e) {
    const err = e as Error;
    await send({ type: 'error', message: err.message, ...(err.stack === undefined ? {} : { stack: err.stack }) });
  }
  process.exit(0); // whatever a benchmark left open (a timer, a socket) must not keep the process
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (req: Request) => void serveOne(req));
}
