// A list as redis 7.0 keeps it: a quicklist, a chain of listpack nodes whose boundaries follow
// quicklist.c's rules (list-max-listpack-size as a byte or entry limit per node, new nodes at the
// ends, LINSERT's split and merge). The boundaries are observable: DUMP and RDB files write one
// listpack per node, DEBUG OBJECT counts them. Nodes are ring buffers of elements plus their
// listpack size (a node loaded from a file stays one packed string until it changes);
// LZF-compressed nodes (list-compress-depth) are not modelled, as redis writes them to the RDB
// with the same bytes its string compression gives, which is what the writer does.
import type { Bin } from '../bytes.js';
import { ListpackBuilder } from '../rdb/listpack.js';
import { Deque } from './deque.js';
import { forEachPacked, packElements } from './packed.js';

export interface QuicklistOptions {
  /** list-max-listpack-size: bytes per node when negative (-1 … -5), entries when positive. */
  readonly fill: number;
  /** list-compress-depth. */
  readonly compress: number;
}

/**
 * One listpack of the chain. A node loaded from a file stays one packed string (see packed.ts)
 * until something other than a walk through it touches it: most lists in a dump are never
 * written again, and a Deque of strings per node costs ten times the bytes.
 */
export class QuicklistNode {
  private packed: Bin | null = null;
  private deque: Deque<Bin> | null = null;
  private packedCount = 0;

  /** `sz` is the node's listpack size in bytes (lpBytes). */
  constructor(
    items: readonly Bin[],
    public sz: number,
    pack = false,
  ) {
    const packed = pack ? packElements(items) : null;
    if (packed === null) this.deque = new Deque(items);
    else {
      this.packed = packed;
      this.packedCount = items.length;
    }
  }

  /** A node over a string packed.ts made of `count` elements. */
  static fromPacked(packed: Bin, count: number, sz: number): QuicklistNode {
    const node = new QuicklistNode([], sz, true);
    node.packed = packed;
    node.packedCount = count;
    return node;
  }

  /** Whether the node is one packed string now (not yet changed by a command). */
  get isPacked(): boolean {
    return this.deque === null;
  }

  /**
   * Packs a node commands built into the one string a loaded node is kept as (until a command
   * changes it again); a node past the packed form's byte limit stays as it is.
   */
  pack(): void {
    const deque = this.deque;
    if (deque === null) return;
    const packed = packElements(deque.toArray());
    if (packed === null) return;
    this.packed = packed;
    this.packedCount = deque.length;
    this.deque = null;
  }

  /** The elements as a ring buffer: pops and pushes at either end are O(1), as lpDelete at an end is cheap. */
  get items(): Deque<Bin> {
    if (this.deque) return this.deque;
    const deque = new Deque<Bin>();
    forEachPacked(this.packed!, (item) => deque.pushBack(item));
    this.deque = deque;
    this.packed = null;
    return deque;
  }

  get length(): number {
    return this.deque ? this.deque.length : this.packedCount;
  }

  /** Each element in order, without unpacking a packed node. */
  forEach(each: (item: Bin) => void): void {
    if (this.deque) for (let i = 0; i < this.deque.length; i++) each(this.deque.get(i));
    else forEachPacked(this.packed!, each);
  }

  elements(): Bin[] {
    const out: Bin[] = [];
    this.forEach((item) => out.push(item));
    return out;
  }
}

export const DEFAULT_QUICKLIST_OPTIONS: QuicklistOptions = { fill: -2, compress: 0 };

const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
/** The listpack header (total bytes, count) and its end byte. */
const LISTPACK_OVERHEAD = 7;
const FILL_MAX = (1 << 15) - 1;
const COMPRESS_MAX = (1 << 16) - 1;

const entrySize = (item: Bin): number => ListpackBuilder.entrySize(item);

function newNode(): QuicklistNode {
  return new QuicklistNode([], LISTPACK_OVERHEAD);
}

function sizeMeetsOptimization(sz: number, fill: number): boolean {
  if (fill >= 0) return false;
  const limit = OPTIMIZATION_LEVEL[-fill - 1];
  return limit !== undefined && sz <= limit;
}

/** _quicklistNodeAllowInsert: may an element of `length` bytes join this node? */
function allowInsert(node: QuicklistNode | undefined, fill: number, length: number): boolean {
  if (!node) return false;
  const newSize = node.sz + length + SIZE_ESTIMATE_OVERHEAD;
  if (sizeMeetsOptimization(newSize, fill)) return true;
  if (newSize > SIZE_SAFETY_LIMIT) return false;
  return node.length < fill;
}

/** _quicklistNodeAllowMerge. */
function allowMerge(a: QuicklistNode | undefined, b: QuicklistNode | undefined, fill: number): boolean {
  if (!a || !b) return false;
  const mergeSize = a.sz + b.sz - 11;
  if (sizeMeetsOptimization(mergeSize, fill)) return true;
  if (mergeSize > SIZE_SAFETY_LIMIT) return false;
  return a.length + b.length <= fill;
}

function nodeOf(items: readonly Bin[], pack = false): QuicklistNode {
  let sz = LISTPACK_OVERHEAD;
  for (const item of items) sz += entrySize(item);
  return new QuicklistNode(items, sz, pack);
}

export class Quicklist implements Iterable<Bin> {
  readonly fill: number;
  readonly compress: number;
  private readonly nodes = new Deque<QuicklistNode>(undefined, 1);
  private count = 0;
  /** The node the last lookup found and the index of its first element (sequential access). */
  private cursorNode = 0;
  private cursorStart = 0;

  constructor(options: QuicklistOptions = DEFAULT_QUICKLIST_OPTIONS, items?: Iterable<Bin>) {
    this.fill = Math.max(-5, Math.min(FILL_MAX, options.fill));
    this.compress = Math.max(0, Math.min(COMPRESS_MAX, options.compress));
    if (items) for (const item of items) this.pushBack(item);
  }

  /** Adds ready nodes at the tail as they are (a loaded list: no re-splitting); empty ones are skipped. */
  appendNodes(nodes: Iterable<Bin[] | QuicklistNode>): this {
    for (const items of nodes) {
      if (items.length === 0) continue;
      this.nodes.pushBack(items instanceof QuicklistNode ? items : nodeOf(items, true));
      this.count += items.length;
    }
    return this;
  }

  /** A copy with the same nodes and options, as quicklistDup makes it (COPY). */
  clone(): Quicklist {
    return this.copyInto(new Quicklist({ fill: this.fill, compress: this.compress }));
  }

  /** Gives `list` (empty, with this list's options) copies of this list's nodes. */
  protected copyInto<T extends Quicklist>(list: T): T {
    for (const node of this.nodes) list.nodes.pushBack(new QuicklistNode(node.elements(), node.sz, true));
    list.count = this.count;
    return list;
  }

  get length(): number {
    return this.count;
  }

  /** Packs every node (see QuicklistNode.pack): what a list replayed from an AOF is kept as. */
  packNodes(): void {
    for (const node of this.nodes) node.pack();
  }

  /** The nodes from head to tail (read-only use: the RDB writer, DEBUG OBJECT). */
  nodeList(): readonly QuicklistNode[] {
    return this.nodes.toArray();
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  pushFront(item: Bin): void {
    this.push(item, true);
    this.invalidate();
  }

  pushBack(item: Bin): void {
    this.push(item, false);
  }

  /** quicklistPushHead / PushTail: into the end node if it allows, else into a new end node. */
  private push(item: Bin, head: boolean): void {
    const end = this.nodes.length === 0 ? undefined : this.nodes.get(head ? 0 : this.nodes.length - 1);
    if (end && allowInsert(end, this.fill, item.length)) {
      if (head) end.items.pushFront(item);
      else end.items.pushBack(item);
      end.sz += entrySize(item);
    } else {
      const node = nodeOf([item]);
      if (head) this.nodes.pushFront(node);
      else this.nodes.pushBack(node);
    }
    this.count++;
  }

  popFront(): Bin | undefined {
    if (this.count === 0) return undefined;
    const head = this.nodes.get(0);
    const item = head.items.popFront()!;
    this.afterRemoval(head, 0, item);
    this.invalidate();
    return item;
  }

  popBack(): Bin | undefined {
    if (this.count === 0) return undefined;
    const last = this.nodes.length - 1;
    const tail = this.nodes.get(last);
    const item = tail.items.popBack()!;
    this.afterRemoval(tail, last, item);
    return item;
  }

  get(index: number): Bin {
    const { node, offset } = this.locate(index);
    return this.nodes.get(node).items.get(offset);
  }

  /** LSET: lpReplace in place; the node keeps its place whatever the new size. */
  set(index: number, item: Bin): void {
    const { node, offset } = this.locate(index);
    const n = this.nodes.get(node);
    n.sz += entrySize(item) - entrySize(n.items.get(offset));
    n.items.set(offset, item);
  }

  /** Removes the element at `index` (quicklistDelIndex): an emptied node goes, nothing merges. */
  deleteAt(index: number): void {
    const { node, offset } = this.locate(index);
    const n = this.nodes.get(node);
    const [item] = n.items.splice(offset, 1);
    this.afterRemoval(n, node, item!);
    this.invalidate();
  }

  /** Removes `count` elements from `start` on (LTRIM's quicklistDelRange, non-negative start). */
  deleteRange(start: number, count: number): void {
    const end = Math.min(this.count, start + count);
    if (start >= end) return;
    let { node, offset } = this.locate(start);
    let left = end - start;
    while (left > 0) {
      const n = this.nodes.get(node);
      const take = Math.min(left, n.items.length - offset);
      const removed = n.items.splice(offset, take);
      for (const item of removed) n.sz -= entrySize(item);
      this.count -= take;
      left -= take;
      if (n.items.length === 0) this.removeNode(node);
      else node++;
      offset = 0;
    }
    this.invalidate();
  }

  /** LINSERT: `item` goes after (or before) the element at `index`, as _quicklistInsert puts it. */
  insert(index: number, item: Bin, after: boolean): void {
    const { node: at, offset } = this.locate(index);
    const fill = this.fill;
    const node = this.nodes.get(at);
    const size = item.length;
    const full = !allowInsert(node, fill, size);
    const atTail = after && offset === node.items.length - 1;
    const atHead = !after && offset === 0;
    const next = at + 1 < this.nodes.length ? this.nodes.get(at + 1) : undefined;
    const prev = at > 0 ? this.nodes.get(at - 1) : undefined;
    const availNext = atTail && allowInsert(next, fill, size);
    const availPrev = atHead && allowInsert(prev, fill, size);
    const add = (n: QuicklistNode, position: number) => {
      n.items.splice(position, 0, item);
      n.sz += entrySize(item);
    };
    if (!full) add(node, after ? offset + 1 : offset);
    else if (atTail && availNext) add(next!, 0);
    else if (atHead && availPrev) add(prev!, prev!.items.length);
    else if (atTail || atHead) {
      const fresh = newNode();
      add(fresh, 0);
      this.insertNode(after ? at + 1 : at, fresh);
    } else {
      // Split: the new node takes the elements after (or before) the offset, plus the new one.
      const moved = after ? node.items.splice(offset + 1, node.items.length - offset - 1) : node.items.splice(0, offset);
      for (const m of moved) node.sz -= entrySize(m);
      const fresh = nodeOf(moved);
      add(fresh, after ? 0 : fresh.items.length);
      this.insertNode(after ? at + 1 : at, fresh);
      this.mergeAround(after ? at : at + 1);
    }
    this.count++;
    this.invalidate();
  }

  slice(start = 0, end = this.count): Bin[] {
    const out: Bin[] = [];
    start = Math.max(0, start);
    end = Math.min(end, this.count);
    if (start >= end) return out;
    let { node, offset } = this.locate(start);
    while (out.length < end - start) {
      const items = this.nodes.get(node).items;
      for (let i = offset; i < items.length && out.length < end - start; i++) out.push(items.get(i));
      node++;
      offset = 0;
    }
    return out;
  }

  toArray(): Bin[] {
    return this.slice();
  }

  /** Replaces everything, pushing to the tail one by one (as a fresh list would be built). */
  replaceAll(items: readonly Bin[]): void {
    while (this.nodes.length > 0) this.nodes.popBack();
    this.count = 0;
    this.invalidate();
    for (const item of items) this.pushBack(item);
  }

  *[Symbol.iterator](): Iterator<Bin> {
    for (const node of this.nodes) yield* node.elements();
  }

  /** From the tail to the head. */
  *reversed(): Generator<Bin> {
    for (let n = this.nodes.length - 1; n >= 0; n--) {
      const items = this.nodes.get(n).elements();
      for (let i = items.length - 1; i >= 0; i--) yield items[i]!;
    }
  }

  /** _quicklistMergeNodes around the node at `center`. */
  private mergeAround(center: number): void {
    const fill = this.fill;
    const node = (i: number) => (i >= 0 && i < this.nodes.length ? this.nodes.get(i) : undefined);
    // (prev_prev, prev), then (next, next_next): the center keeps its place or moves back one.
    if (allowMerge(node(center - 1), node(center - 2), fill)) {
      this.mergeInto(center - 2);
      center--;
    }
    if (allowMerge(node(center + 1), node(center + 2), fill)) this.mergeInto(center + 1);
    let target = center;
    if (allowMerge(node(center), node(center - 1), fill)) {
      this.mergeInto(center - 1);
      target = center - 1;
    }
    if (allowMerge(node(target), node(target + 1), fill)) this.mergeInto(target);
  }

  /** Merges the node at `i + 1` into the node at `i` (lpMerge keeps the order). */
  private mergeInto(i: number): void {
    const a = this.nodes.get(i);
    const b = this.nodes.get(i + 1);
    const into = a.items;
    b.forEach((item) => into.pushBack(item));
    a.sz += b.sz - LISTPACK_OVERHEAD;
    this.removeNode(i + 1);
  }

  private afterRemoval(node: QuicklistNode, index: number, item: Bin): void {
    this.count--;
    if (node.items.length === 0) this.removeNode(index);
    else node.sz -= entrySize(item);
  }

  private insertNode(index: number, node: QuicklistNode): void {
    if (index === 0) this.nodes.pushFront(node);
    else if (index === this.nodes.length) this.nodes.pushBack(node);
    else {
      const all = this.nodes.toArray();
      all.splice(index, 0, node);
      this.nodes.replaceAll(all);
    }
  }

  private removeNode(index: number): void {
    if (index === 0) this.nodes.popFront();
    else if (index === this.nodes.length - 1) this.nodes.popBack();
    else {
      const all = this.nodes.toArray();
      all.splice(index, 1);
      this.nodes.replaceAll(all);
    }
  }

  private invalidate(): void {
    this.cursorNode = 0;
    this.cursorStart = 0;
  }

  /** The node holding element `index` and the element's offset in it. */
  private locate(index: number): { node: number; offset: number } {
    if (index < 0 || index >= this.count) throw new RangeError(`list index ${index} out of range`);
    let node = this.cursorNode;
    let start = this.cursorStart;
    if (node >= this.nodes.length || index < start) {
      node = 0;
      start = 0;
      // From the tail when that is closer.
      if (index > this.count / 2) {
        node = this.nodes.length - 1;
        start = this.count - this.nodes.get(node).length;
        while (start > index) {
          node--;
          start -= this.nodes.get(node).length;
        }
        this.cursorNode = node;
        this.cursorStart = start;
        return { node, offset: index - start };
      }
    }
    while (start + this.nodes.get(node).length <= index) {
      start += this.nodes.get(node).length;
      node++;
    }
    this.cursorNode = node;
    this.cursorStart = start;
    return { node, offset: index - start };
  }
}
