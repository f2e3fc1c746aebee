// Typed reads through the StateView. A view may throw StateMiss for an object it has not loaded: we never
// catch it (the pipeline loads the object and re-applies the contract).
import type { KindMap } from './state.js';
import type { Kind, StateView } from './types.js';

export function read<K extends Kind>(view: StateView, kind: K, id: string): KindMap[K] | undefined {
  return view.get(kind, id) as KindMap[K] | undefined;
}
