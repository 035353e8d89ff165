// How many nodes Redis's radix tree (rax.c) has for a set of keys, as XINFO STREAM reports for
// a stream's listpack index (radix-tree-nodes). rax keeps its tree compressed: a run of single
// children becomes one compressed node, each child of a branching node takes one byte, and the
// node after a key's last byte exists even when it is a leaf. Its shape then depends only on
// the set of keys, so it can be counted without building it.
import { idToBytes, type StreamId } from '../keyspace/stream-id.js';

function keyOf(id: StreamId): string {
  return String.fromCharCode(...idToBytes(id));
}

/** Nodes of the subtree for keys[lo, hi) (sorted, distinct) below `depth` bytes of prefix. */
function countNodes(keys: readonly string[], lo: number, hi: number, depth: number): number {
  let start = lo;
  if (keys[start]!.length === depth) start++;
  if (start === hi) return 1;
  const first = keys[start]!;
  const last = keys[hi - 1]!;
  if (first[depth] === last[depth]) {
    let common = depth;
    while (common < first.length && common < last.length && first[common] === last[common]) common++;
    return 1 + countNodes(keys, start, hi, common);
  }
  let nodes = 1;
  for (let a = start; a < hi; ) {
    let b = a + 1;
    while (b < hi && keys[b]![depth] === keys[a]![depth]) b++;
    nodes += countNodes(keys, a, b, depth + 1);
    a = b;
  }
  return nodes;
}

/** rax->numnodes for the given keys (an empty rax still has its root). */
export function raxNodeCount(ids: readonly StreamId[]): number {
  if (ids.length === 0) return 1;
  const keys = ids.map(keyOf).sort();
  return countNodes(keys, 0, keys.length, 0);
}
