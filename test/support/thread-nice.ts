// The nice values of this process's threads, read from /proc (Linux only): what the kernel schedules by.
import { readdirSync, readFileSync } from 'node:fs';

/** True where threads have nice values of their own that /proc shows (Linux). */
export const threadNiceVisible = process.platform === 'linux' && (() => {
  try {
    return readdirSync('/proc/self/task').length > 0;
  } catch {
    return false;
  }
})();

/** The nice value of one thread of this process (field 19 of /proc/self/task/<tid>/stat). */
export function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  // "<tid> (<comm>) <state> …": comm may hold spaces or parentheses; fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[19 - 3]);
}

/** Nice value → how many of this process's threads have it. */
export function threadNices(): Map<number, number> {
  const counts = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task').map(Number)) {
    try {
      const nice = niceOf(tid);
      counts.set(nice, (counts.get(nice) ?? 0) + 1);
    } catch {
      // the thread ended while we looked
    }
  }
  return counts;
}
