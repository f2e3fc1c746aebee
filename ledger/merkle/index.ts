// Public API of the RFC 6962 / RFC 9162 Merkle log core. Browser-safe: no node: imports.
export { EMPTY_ROOT, HASH_SIZE, LEAF_PREFIX, NODE_PREFIX, hashChildren, hashLeaf } from './hash.js';
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
