// Shared fixtures for the Merkle tests: deterministic leaves, a cached tree, and the shapes of the vector files.
import { MemoryTree } from '../../../ledger/merkle/memory-tree.js';
import { NaiveTree, naiveLeafHash } from './naive-reference.js';

/** Deterministic, distinct entry bytes for leaf i. */
export function leafData(i: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, i);
  return bytes;
}

export function leafHashes(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => naiveLeafHash(leafData(i)));
}

/**
 * Cheap, distinct 32-byte stand-ins for leaf hashes (no SHA-256): the tree only ever sees leaf hashes, so large
 * tests spend their hashing on the tree itself.
 */
export function syntheticLeafHashes(count: number, from = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => {
    const bytes = new Uint8Array(32).fill(0xa5);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, from + k);
    view.setUint32(28, Math.imul(from + k, 0x9e3779b1) >>> 0);
    return bytes;
  });
}

/** A MemoryTree and a NaiveTree over the same `count` leaves. */
export function twinTrees(count: number): { tree: MemoryTree; naive: NaiveTree; hashes: Uint8Array[] } {
  const hashes = leafHashes(count);
  const tree = new MemoryTree();
  tree.appendLeafHashes(hashes);
  return { tree, naive: new NaiveTree(hashes), hashes };
}

export interface ReferenceVectors {
  leafInputsHex: string[];
  nodeHashesByLevel: string[][];
  rootHashesBySize: string[];
  inclusionProofs: {
    leafIndex: number;
    treeSize: number;
    leafInputHex: string;
    rootHex: string;
    proof: string[];
  }[];
  consistencyProofs: { size1: number; size2: number; root1Hex: string; root2Hex: string; proof: string[] }[];
}

type Uint64Json = number | string;

export interface ProbeVectors {
  inclusion: {
    desc: string;
    wantErr: boolean;
    leafIndex: Uint64Json;
    treeSize: Uint64Json;
    rootHex: string;
    leafHashHex: string;
    proof: string[];
  }[];
  consistency: {
    desc: string;
    wantErr: boolean;
    size1: Uint64Json;
    size2: Uint64Json;
    root1Hex: string;
    root2Hex: string;
    proof: string[];
  }[];
  subtreeInclusion: {
    file: string;
    desc: string;
    wantErr: boolean;
    leafIndex: Uint64Json;
    start: Uint64Json;
    end: Uint64Json;
    rootHex: string;
    leafHashHex: string;
    proof: string[];
  }[];
  subtreeConsistency: {
    file: string;
    desc: string;
    wantErr: boolean;
    start: Uint64Json;
    end: Uint64Json;
    size: Uint64Json;
    root1Hex: string;
    root2Hex: string;
    proof: string[];
  }[];
}

/** Index/size fields of the probe files may exceed 2^53 (as decimal strings): always read them as BigInt. */
export function u64(value: Uint64Json): bigint {
  return BigInt(String(value));
}
