// PDFKit parses a standard font's metrics (AFM glyph widths and a kerning table of some thousands of pairs) anew for
// every document, and looks each kerning pair up by building a string key: together about a third of a receipt's
// render time. The metrics are constants of the font, so one parsed copy per font name is shared by every document,
// with kerning pairs held in nested maps. Widths and kerning amounts are the same numbers, so the bytes are too.
import type { Doc } from './pdf-layout.js';

/** What PDFKit's (internal) AFM metrics object offers that we touch. */
interface AfmMetrics {
  readonly kernPairs: Readonly<Record<string, number>>;
  getKernPair(left: string, right: string): number;
}

/** PDFKit's (internal) standard font object, as far as we use it. */
interface StandardFontLike {
  readonly name?: string;
  font?: AfmMetrics;
}

const shared = new Map<string, AfmMetrics>();

/** `metrics` with a kerning lookup that needs no string concatenation (same amounts). */
function withFastKerning(metrics: AfmMetrics): AfmMetrics {
  const pairs = new Map<string, Map<string, number>>();
  for (const [key, amount] of Object.entries(metrics.kernPairs)) {
    const [left, right] = key.split('\0') as [string, string];
    let row = pairs.get(left);
    if (row === undefined) pairs.set(left, (row = new Map()));
    row.set(right, amount);
  }
  metrics.getKernPair = (left: string, right: string): number => pairs.get(left)?.get(right) ?? 0;
  return metrics;
}

function adopt(font: StandardFontLike | null | undefined): void {
  if (font?.name === undefined || font.font === undefined || typeof font.font.kernPairs !== 'object') return; // not a standard font
  const known = shared.get(font.name);
  if (known === undefined) shared.set(font.name, withFastKerning(font.font));
  else font.font = known;
}

/** Make `doc` use the shared metrics for its current font and every standard font it switches to. */
export function shareFontMetrics(doc: Doc): Doc {
  const internal = doc as unknown as { _font: StandardFontLike | null; font: Doc['font'] };
  const open = internal.font.bind(doc) as (...args: unknown[]) => Doc;
  adopt(internal._font);
  internal.font = ((...args: unknown[]) => {
    open(...args);
    adopt(internal._font);
    return doc;
  }) as Doc['font'];
  return doc;
}
