// The replication backlog: the last repl-backlog-size bytes of the command stream, addressed by
// replication offset, so a replica that reconnects can continue from where it stopped.
import type { Bin } from '../bytes.js';

export class ReplicationBacklog {
  private chunks: Bin[] = [];
  private held = 0;
  /** master_repl_offset: bytes ever appended to the stream. */
  offset = 0;

  constructor(readonly size: number) {}

  /** repl_backlog_first_byte_offset: the offset of the first byte still held (1-based). */
  get firstByteOffset(): number {
    return this.offset - this.held + 1;
  }

  /** repl_backlog_histlen. */
  get histlen(): number {
    return this.held;
  }

  append(bytes: Bin): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.held += bytes.length;
    this.offset += bytes.length;
    while (this.held > this.size) {
      const first = this.chunks[0]!;
      const excess = this.held - this.size;
      if (first.length <= excess) {
        this.chunks.shift();
        this.held -= first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.held -= excess;
      }
    }
  }

  /**
   * The stream from offset `from` (the first byte the replica lacks) to the end, or null when
   * the backlog no longer holds it (or it lies in the future): then only a full resync helps.
   */
  from(from: number): Bin | null {
    if (from < this.firstByteOffset || from > this.offset + 1) return null;
    const all = this.chunks.join('');
    this.chunks = all.length ? [all] : [];
    return all.slice(from - this.firstByteOffset);
  }
}
