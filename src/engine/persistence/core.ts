// What the parts of the persistent server share: the engine and its config, the disk and the
// ordered queue of its operations, the status counters, the events, the one fork child that may
// run, and the serialisations a child or a new AOF writes (an RDB snapshot, rewrite commands).
import { binToBytes, type Bin } from '../bytes.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Engine } from '../engine.js';
import type { Cancellation } from '../load-error.js';
import { datasetRewriteCommands } from '../aof/rewrite-commands.js';
import type { AofLocation } from '../aof/writer.js';
import type { RdbSource } from '../rdb/writer.js';
import { encodeCommand } from '../resp/encoder.js';
import type { RdbCodec, RdbSaveOptions } from './codec.js';
import type { Disk } from './disk.js';
import type { PersistenceEvents } from './events.js';
import type { IoQueue } from './io-queue.js';
import type { BackgroundJob } from './jobs.js';
import type { PersistenceStatus } from './status.js';

export interface PersistentServerOptions {
  disk: Disk;
  config: Config;
  clock: Clock;
  rdb: RdbCodec;
  rng?: import('../clock.js').Rng;
  /** The server's `dir` inside the disk ('' is its root). */
  dir?: string;
  log?: (line: string) => void;
  signal?: Cancellation;
  onLoadProgress?: (done: number, total: number) => void;
  /**
   * How fast a fork child writes, in bytes per ms of the server's clock: a BGSAVE or rewrite
   * finishes that long after it starts. Unset: as soon as its writes complete.
   */
  childBytesPerMs?: number;
  /**
   * How a fork child on a live server shares the thread with it (the engine has no timers): a
   * clock for its slices and a way to hand the thread back between them. Unset: the child still
   * starts after the reply, but writes its file to the end in one go.
   */
  childThread?: ChildThread;
  /**
   * How long each fsync takes on the server's clock (a disk model). Unset: at once. With it,
   * everysec fsyncs run in the background and writes wait for them as Redis's do.
   */
  fsyncDurationMs?: () => number;
  /**
   * A real clock (ms) to measure how long fsyncs take on the actual storage, for the timeline.
   * Unset, or with a disk model, fsyncs last what the model says (runs stay deterministic).
   */
  wallClock?: () => number;
}

export interface ServerCore {
  readonly engine: Engine;
  readonly config: Config;
  readonly disk: Disk;
  readonly dir: string;
  readonly status: PersistenceStatus;
  readonly events: PersistenceEvents;
  readonly io: IoQueue;
  readonly rdb: RdbCodec;
  readonly options: PersistentServerOptions;
  readonly aofLocation: AofLocation;
  log(line: string): void;
  /** The fork child running, if any: Redis runs one at a time. */
  job: BackgroundJob | null;
  nextPid(): number;
  /** Work the current command's reply waits for (SAVE, CONFIG SET appendonly). */
  block(work: Promise<void>): void;
}

/** A blocking command's work failed, and its client gets this error instead of its reply. */
export class BlockedCommandError extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}

export function snapshotRdb(core: ServerCore, aofBase: boolean): Uint8Array[] {
  return core.rdb.snapshot(core.engine, saveOptions(core, aofBase));
}

export function saveOptions(core: ServerCore, aofBase: boolean): RdbSaveOptions {
  return { aofBase, compression: core.config.getBool('rdbcompression'), checksum: core.config.getBool('rdbchecksum') };
}

/** The dataset as the commands of a RESP AOF base. */
export function rewriteCommandsBytes(core: ServerCore): { bytes: Uint8Array; commands: number } {
  const counted = { commands: 0 };
  const bytes = concatChunks([...rewriteCommandChunks(core.engine.dbs, core.engine.functions.codes(), counted)]);
  return { bytes, commands: counted.commands };
}

/** The commands of a RESP AOF base, about 64 KiB of them per chunk, counted as they are made. */
export function* rewriteCommandChunks(dbs: readonly RdbSource[], functions: readonly Bin[], counted: { commands: number }): Generator<Uint8Array> {
  let parts: string[] = [];
  let size = 0;
  // Function libraries first, as rewriteFunctions writes them.
  for (const argv of datasetRewriteCommands(dbs, functions)) {
    const command = encodeCommand(argv);
    parts.push(command);
    size += command.length;
    counted.commands++;
    if (size >= 1 << 16) {
      yield binToBytes(parts.join(''));
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield binToBytes(parts.join(''));
}

/** A fork child stopped by its parent (redis kills it with SIGUSR1). */
export class ChildKilledError extends Error {
  constructor() {
    super('killed by the parent (signal 10)');
  }
}

/** A child's share of the thread between two pauses in which the parent serves clients. */
const CHILD_SLICE_MS = 8;

/** What a host gives a fork child: a ms clock and a pause that lets the host's other work run. */
export interface ChildThread {
  now(): number;
  handBack(): Promise<void>;
}

/**
 * A fork child's time on the parent's thread: it works in slices and hands the thread back
 * between them, as a forked child runs beside redis-server on another core. A paused child goes
 * on when the host gives the thread back, or sooner when serverCron looks at it (`resume`): a
 * caller that runs cron in a loop of promises alone still sees the child finish.
 */
export class ChildTime {
  private sliceStarted: number;
  private wake: (() => void) | null = null;
  private killed = false;

  constructor(private readonly thread: ChildThread | undefined) {
    this.sliceStarted = thread?.now() ?? 0;
  }

  /**
   * Returns at once inside a slice; at its end, after the parent has had its turn. Throws
   * ChildKilledError once the parent killed the child, which then writes nothing more.
   */
  async pause(): Promise<void> {
    const thread = this.thread;
    if (this.killed) throw new ChildKilledError();
    if (!thread || thread.now() - this.sliceStarted < CHILD_SLICE_MS) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      void thread.handBack().then(() => this.resume());
    });
    if (this.killed) throw new ChildKilledError();
    this.sliceStarted = thread.now();
  }

  /**
   * The child's first act: it hands the thread back before it does any work, so the parent's
   * reply to BGSAVE leaves at once, as it does beside a forked child on another core.
   */
  async start(): Promise<void> {
    this.sliceStarted = -Infinity;
    await this.pause();
  }

  /** kill(child, SIGUSR1): the child stops at its next pause. */
  kill(): void {
    this.killed = true;
    this.resume();
  }

  resume(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** A fork child's temp file, made and written chunk by chunk, each chunk made as it is written. */
export async function writeChunksAsChild(disk: Disk, path: string, chunks: Iterable<Uint8Array>, time: ChildTime): Promise<number> {
  await disk.delete(path);
  await disk.write(path, 0, new Uint8Array(0));
  let offset = 0;
  for (const chunk of chunks) {
    await disk.write(path, offset, chunk);
    offset += chunk.length;
    await time.pause();
  }
  await disk.flush(path);
  return offset;
}

/** Writes a file from chunks and fsyncs it (a child's temp file). */
export async function writeChunks(disk: Disk, path: string, chunks: readonly Uint8Array[]): Promise<void> {
  await disk.delete(path);
  let offset = 0;
  await disk.write(path, 0, new Uint8Array(0));
  for (const chunk of chunks) {
    await disk.write(path, offset, chunk);
    offset += chunk.length;
  }
  await disk.flush(path);
}

export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
