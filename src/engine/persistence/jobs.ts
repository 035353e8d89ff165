// The lab's fork children: a background job holds a point-in-time copy of what it must write
// (taken synchronously, as fork() freezes the dataset) and writes it while the server goes on.
// The parent finishes the job (rename, manifest) when it sees it done, as serverCron does with
// an exited child.

export type JobKind = 'rdb' | 'aof';

export class BackgroundJob {
  done = false;
  error: Error | null = null;
  readonly finished: Promise<void>;

  constructor(
    readonly kind: JobKind,
    readonly pid: number,
    readonly startedAt: number,
    work: () => Promise<void>,
    /** When the child exits on the server's clock (a snapshot takes time to write). */
    readonly readyAt = startedAt,
    /** Lets a child that paused between slices go on now (serverCron calls it). */
    readonly resume: () => void = () => {},
  ) {
    this.finished = work().then(
      () => {
        this.done = true;
      },
      (e: unknown) => {
        this.done = true;
        this.error = e instanceof Error ? e : new Error(String(e));
      },
    );
  }
}

/** Concatenates chunks into one buffer (a snapshot is written with one write call per chunk). */
export function totalLength(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((sum, c) => sum + c.length, 0);
}
