// The lab's fork children: a background job holds a point-in-time copy of what it must write
// (taken synchronously, as fork() freezes the dataset) and writes it while the server goes on.
// The parent finishes the job (rename, manifest) when it sees it done, as serverCron does with
// an exited child.

export type JobKind = 'rdb' | 'aof';

/** What the parent can do to a live child besides waiting for it. */
export interface ChildControl {
  /** Lets a child that paused between slices go on now (serverCron calls it). */
  resume(): void;
  /** Stops it at its next pause; it writes nothing more. */
  kill(): void;
}

export class BackgroundJob {
  done = false;
  error: Error | null = null;
  /** The parent killed it (FLUSHALL, SHUTDOWN): reaped at the next cron, its file thrown away. */
  killed = false;
  readonly finished: Promise<void>;

  constructor(
    readonly kind: JobKind,
    readonly pid: number,
    readonly startedAt: number,
    work: () => Promise<void>,
    /** When the child exits on the server's clock (a snapshot takes time to write). */
    readonly readyAt = startedAt,
    private readonly control: ChildControl | null = null,
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

  resume(): void {
    this.control?.resume();
  }

  /** kill(pid, SIGUSR1): a modelled child, whose file is written at once, just loses it. */
  kill(): void {
    this.killed = true;
    this.control?.kill();
  }

  /** serverCron reaps it: it exited, and a modelled child's time is up unless it was killed. */
  reapable(now: number, modelled: boolean): boolean {
    if (this.killed) return this.done;
    return (this.done || modelled) && now >= this.readyAt;
  }
}

/** Concatenates chunks into one buffer (a snapshot is written with one write call per chunk). */
export function totalLength(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((sum, c) => sum + c.length, 0);
}
