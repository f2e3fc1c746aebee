// Public API of the RFC 6962 / RFC 9162 Merkle log core. Browser-safe: no node: imports.
//
// A store keeps every complete node (level L, index i) and the right edge; then, with no rebuild:
//   append:      const { edge, nodes } = appendLeaves(edge, leafHashes)   → persist `nodes`, keep `edge`
//   reload edge: edgeFromHashes(size, await store.get(edgeIds(size)))
//   old root:    rootFromHashes(await store.get(rootPlan(size)))
//   proofs:      const plan = inclusionPlan(index, size) (or consistencyPlan(size1, size2));
//                assembleProof(plan, await store.get(plan.ids))          → RFC 9162 order
//   verify:      verifyInclusion(leafHash, index, size, proof, root), verifyConsistency(size1, size2, proof, r1, r2)
export { EMPTY_ROOT, HASH_SIZE, LEAF_PREFIX, NODE_PREFIX, hashChildren, hashLeaf, hashLeafText } from './hash.js';
export type { NodeId } from './node-id.js';
export {
  MAX_LEVEL,
  alignedRangeNodes,
  coverageBegin,
  coverageEnd,
  isComplete,
  nodeId,
  parent,
  sameNode,
  sibling,
} from './node-id.js';
export type { ProofPlan } from './proof-plan.js';
export { assembleProof, consistencyPlan, inclusionPlan } from './proof-plan.js';
export type { AppendResult, RightEdge, StoredNode } from './compact-range.js';
export { appendLeaves, edgeFromHashes, edgeIds, edgeRoot, emptyEdge } from './compact-range.js';
export { rootFromHashes, rootPlan } from './root.js';
export type { Uint64Like } from './verify.js';
export {
  equalBytes,
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.js';
export { MemoryTree } from './memory-tree.js';
