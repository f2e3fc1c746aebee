// Grading certificates carried by receipts, kept deduplicated and sorted so state is deterministic.
import type { Certificate } from './state.js';

export function mergeCertificates(lists: readonly (readonly Certificate[])[]): Certificate[] {
  const seen = new Map<string, Certificate>();
  for (const c of lists.flat()) seen.set(`${c.inspector}\n${c.hash}`, c);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}
