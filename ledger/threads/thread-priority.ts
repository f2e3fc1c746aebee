// Scheduling priority of the calling thread. On Linux a thread has its own nice value (setpriority on its thread
// id), so a worker thread doing background work can yield the cores to the event loop that serves requests.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** This thread's kernel id on Linux (/proc/thread-self → "<pid>/task/<tid>"), else undefined. */
function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** `nice` if it is a nice value a thread may lower itself to (0..19), else a RangeError naming it. */
export function checkNice(nice: number): number {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`nice: expected an integer 0..19, got ${String(nice)}`);
  return nice;
}

/**
 * Sets the calling thread's nice value (0 normal … 19 lowest); lowering priority needs no privilege. Returns
 * false where threads have no priority of their own (not Linux) or the kernel refused, leaving it unchanged.
 */
export function setThreadNice(nice: number): boolean {
  checkNice(nice);
  const tid = threadId();
  if (tid === undefined) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
