// Where the time goes: a V8 CPU profile of one run of `fn` (node:inspector, in-process), with every sample
// attributed to a cost category by the frame nearest the top of its stack that belongs to a known category
// (signature verification, ajv, RFC 8785 canonicalisation, SQLite, SHA-256, …). Categories are matched on the
// frames' source files, so the breakdown follows the code and needs no instrumentation in it.
import { Session, type Profiler, type Runtime } from 'node:inspector/promises';

type Frame = Runtime.CallFrame;

interface Rule {
  readonly category: string;
  readonly test: (f: Frame) => boolean;
  /** Finer label from the matching frame and its callers (which caller paid for it). */
  readonly refine?: (stack: readonly Frame[]) => string | undefined;
}

const url = (re: RegExp) => (f: Frame): boolean => re.test(f.url);
const callerIn = (stack: readonly Frame[], pairs: readonly (readonly [RegExp, string])[]): string | undefined =>
  pairs.find(([re]) => stack.some((f) => re.test(f.url)))?.[1];

// Order matters only between rules that can match the same frame; the frame nearest the leaf wins first.
const RULES: readonly Rule[] = [
  { category: 'idle (waiting: I/O, timers)', test: (f) => f.functionName === '(idle)' },
  { category: 'garbage collection', test: (f) => f.functionName === '(garbage collector)' },
  { category: 'Ed25519 verify, native fast path (libsodium or OpenSSL; + byte pre-checks)', test: url(/ledger\/crypto\/ed25519-(node|encoding)\.ts|node:internal\/crypto\/sig/) },
  {
    category: 'Ed25519 in JS (@noble/curves)', test: url(/@noble\/curves|ledger\/crypto\/ed25519\.ts/),
    refine: (s) => callerIn(s, [[/checkpoint\/note\.ts/, 'checkpoint note sign/verify'], [/contracts\//, 'enrolment key check']]),
  },
  {
    category: 'RFC 8785 canonical JSON', test: url(/node_modules\/canonicalize|ledger\/encoding\/canonical(-text)?\.ts/),
    refine: (s) => callerIn(s, [
      [/ledger\/pipeline\/envelope\.ts/, 'envelope size check'], [/ledger\/tx\/tx-hash\.ts/, 'tx hash'],
      [/ledger\/tx\/sign-tx\.ts/, 'signing bytes'], [/ledger\/entry\/entry\.ts/, 'entry bytes'], [/ledger\/auditor\//, 'projection compare'],
    ]),
  },
  { category: 'strict JSON parse', test: url(/ledger\/encoding\/strict-json\.ts|@humanwhocodes\/momoa/) },
  {
    category: 'JSON Schema validation (ajv)',
    test: (f) => /node_modules\/ajv/.test(f.url) || (f.url === '' && /^validate\d*$/.test(f.functionName)),
    refine: (s) => callerIn(s, [[/ledger\/pipeline\/envelope\.ts/, 'signed-tx envelope'], [/contracts\//, 'tx body']]),
  },
  {
    category: 'SQLite (better-sqlite3, incl. fsync)', test: url(/better-sqlite3|ledger\/store\/sqlite-/),
    refine: (s) => {
      const calls = s.filter((f) => /ledger\/store\/sqlite-ledger-store\.ts/.test(f.url));
      const outer = calls[calls.length - 1]?.functionName;
      return outer ? `${outer.replace(/^#/, '')}()` : undefined;
    },
  },
  { category: 'SHA-256 (OpenSSL via node:crypto; @noble/hashes)', test: url(/@noble\/hashes|ledger\/merkle\/sha256\.ts|node:internal\/crypto\/hash/) },
  { category: 'contracts (apply, guards)', test: url(/\/contracts\//) },
  { category: 'Merkle (compact range, proofs)', test: url(/ledger\/merkle\//) },
  { category: 'V8/native, unattributed', test: (f) => f.functionName === '(program)' },
];

const OTHER = 'other JS (pipeline, auditor, encoding, promises)';

export interface ProfileShare {
  readonly category: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileResult<T> {
  readonly value: T;
  readonly totalMs: number;
  /** Categories by time, largest first; refined labels are `category — detail`. */
  readonly shares: ProfileShare[];
}

function label(stack: readonly Frame[]): string {
  for (let i = 0; i < stack.length; i++) {
    const frame = stack[i]!;
    const rule = RULES.find((r) => r.test(frame));
    if (rule === undefined) continue;
    const detail = rule.refine?.(stack.slice(i));
    return detail === undefined ? rule.category : `${rule.category} — ${detail}`;
  }
  return OTHER;
}

/** Attribute the profile's samples (weighted by their time deltas) to categories. */
export function attribute(profile: Profiler.Profile): ProfileShare[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const labelOf = new Map<number, string>();
  const stackLabel = (id: number): string => {
    const cached = labelOf.get(id);
    if (cached !== undefined) return cached;
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
    const l = label(stack);
    labelOf.set(id, l);
    return l;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const us = new Map<string, number>();
  samples.forEach((id, i) => {
    const l = stackLabel(id);
    us.set(l, (us.get(l) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  });
  const total = [...us.values()].reduce((a, b) => a + b, 0) || 1;
  return [...us.entries()]
    .map(([category, t]) => ({ category, ms: t / 1000, share: t / total }))
    .sort((a, b) => b.ms - a.ms);
}

/** Run `fn` under the V8 sampling profiler (`intervalUs` between samples) and break its time down by category. */
export async function cpuProfile<T>(fn: () => Promise<T>, intervalUs = 250): Promise<ProfileResult<T>> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const outcome = await fn().then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
    const { profile } = await session.post('Profiler.stop');
    if (!outcome.ok) throw outcome.error;
    const value = outcome.value;
    const shares = attribute(profile);
    return { value, totalMs: shares.reduce((a, s) => a + s.ms, 0), shares };
  } finally {
    session.disconnect();
  }
}
