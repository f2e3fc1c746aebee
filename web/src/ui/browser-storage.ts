// localStorage / sessionStorage when the browser allows them, else an in-memory stand-in (private modes and
// sandboxed frames throw on access): the pages keep working, they just forget on reload.
import type { KeyValueStorage } from '../verify/seen-checkpoints.js';

class MemoryStorage implements KeyValueStorage {
  readonly #items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
}

function usable(get: () => Storage): KeyValueStorage {
  try {
    const s = get();
    const probe = '__ledgerhouse_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return new MemoryStorage();
  }
}

export const persistentStorage = (): KeyValueStorage => usable(() => window.localStorage);
export const sessionStore = (): KeyValueStorage => usable(() => window.sessionStorage);
