// A growable ring buffer: O(1) push/pop at both ends and O(1) indexing, which Redis lists need
// (LPUSH on a plain array would be O(n) per push).
export class Deque<T> {
  private buffer: (T | undefined)[];
  private head = 0;
  private count = 0;

  /** `capacity` (a power of two) is where the buffer starts: lists of one node want 1, not 8. */
  constructor(items?: Iterable<T>, capacity = 8) {
    this.buffer = new Array<T | undefined>(capacity);
    if (items) for (const item of items) this.pushBack(item);
  }

  get length(): number {
    return this.count;
  }

  get(index: number): T {
    return this.buffer[(this.head + index) & (this.buffer.length - 1)] as T;
  }

  set(index: number, value: T): void {
    this.buffer[(this.head + index) & (this.buffer.length - 1)] = value;
  }

  pushBack(value: T): void {
    if (this.count === this.buffer.length) this.grow();
    this.buffer[(this.head + this.count) & (this.buffer.length - 1)] = value;
    this.count++;
  }

  pushFront(value: T): void {
    if (this.count === this.buffer.length) this.grow();
    this.head = (this.head - 1) & (this.buffer.length - 1);
    this.buffer[this.head] = value;
    this.count++;
  }

  popFront(): T | undefined {
    if (this.count === 0) return undefined;
    const value = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.count--;
    return value;
  }

  popBack(): T | undefined {
    if (this.count === 0) return undefined;
    const index = (this.head + this.count - 1) & (this.buffer.length - 1);
    const value = this.buffer[index];
    this.buffer[index] = undefined;
    this.count--;
    return value;
  }

  /** Items [start, end) as a new array. */
  slice(start = 0, end = this.count): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.count); i++) out.push(this.get(i));
    return out;
  }

  toArray(): T[] {
    return this.slice();
  }

  /** Replaces the whole content; used by the O(n) edits (LREM, LINSERT, LTRIM). */
  replaceAll(items: readonly T[]): void {
    let capacity = 8;
    while (capacity < items.length) capacity *= 2;
    this.buffer = new Array<T | undefined>(capacity);
    for (let i = 0; i < items.length; i++) this.buffer[i] = items[i];
    this.head = 0;
    this.count = items.length;
  }

  /** Array.prototype.splice: removes `count` items at `start`, inserts `items`, returns the removed. */
  splice(start: number, count: number, ...items: T[]): T[] {
    if (start === 0 && items.length === 0 && count <= this.count) {
      const removed: T[] = [];
      for (let i = 0; i < count; i++) removed.push(this.popFront()!);
      return removed;
    }
    const all = this.toArray();
    const removed = all.splice(start, count, ...items);
    this.replaceAll(all);
    return removed;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.buffer.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.get(i);
    this.buffer = next;
    this.head = 0;
  }
}
